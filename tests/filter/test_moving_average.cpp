#include "nerve_test.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "block_test_util.hpp"
#include "golden/core_filters.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/moving_average.hpp"

namespace g = golden::core_filters;
using nerve::filter::moving_average;

TEST_CASE("moving_average matches numpy over a 32-sample window", "[moving_average]") {
    static_assert(g::ma_window == 32);
    moving_average<float, 32> f;
    moving_average<double, 32> d;
    double max_err_f = 0, max_err_d = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        max_err_f = std::max(max_err_f, std::abs(f(static_cast<float>(g::input[i])) - g::moving_average[i]));
        max_err_d = std::max(max_err_d, std::abs(d(g::input[i]) - g::moving_average[i]));
    });
    CHECK(max_err_f < 1e-5);
    CHECK(max_err_d < 1e-12);
}

TEST_CASE("moving_average in float does not drift over a long stream", "[moving_average]") {
    // Large values then small ones: a naive running sum keeps the large values' rounding error.
    moving_average<float, 16> f;
    for (int i = 0; i < 100000; ++i) f(i % 2 ? 1.0e6f : -1.0e6f + 0.37f);
    float y = 0;
    for (int i = 0; i < 16; ++i) y = f(0.001f);
    CHECK(std::abs(y - 0.001f) < 1e-7f);
}

TEST_CASE("moving_average q15 and q31 are exact up to rounding", "[moving_average]") {
    moving_average<nerve::q15, 4> q;
    q(nerve::q15::from_raw(1));
    q(nerve::q15::from_raw(2));
    CHECK(q(nerve::q15::from_raw(4)).raw == 2);  // 7/3 = 2.33
    CHECK(q(nerve::q15::from_raw(32767)).raw == (32767 + 7 + 2) / 4);
    moving_average<nerve::q31, 3> w;
    for (int i = 0; i < 3; ++i) w(nerve::q31::max());
    CHECK(w(nerve::q31::max()) == nerve::q31::max());  // int64 sum cannot overflow
    for (int i = 0; i < 3; ++i) w(nerve::q31::min());
    CHECK(w(nerve::q31::min()) == nerve::q31::min());
}

TEST_CASE("moving_average rejects non-finite samples", "[moving_average][bad-input]") {
    moving_average<float, 2> f;
    f(1.0f);
    f(3.0f);
    CHECK(f(std::numeric_limits<float>::quiet_NaN()) == 2.0f);
    CHECK(f(-std::numeric_limits<float>::infinity()) == 2.0f);
    CHECK(f.rejected() == 2);
    CHECK(f(5.0f) == 4.0f);
}

TEST_CASE("moving_average process() equals operator() bit for bit, in place and with bad input", "[moving_average]") {
    auto run = [](auto tag) {
        using T = decltype(tag);
        nerve::filter::moving_average<T, 16> a, b, r;
        static T x[300];
        for (int i = 0; i < 300; ++i) x[i] = T::from_float(std::sin(0.07 * i) * 0.8);
        filter_test::check_process_equals_operator(a, b, r, x);
        REQUIRE(a(x[5]).raw == r(x[5]).raw);
    };
    run(nerve::q15{});
    run(nerve::q31{});
    nerve::filter::moving_average<float, 16> a, b, r;
    static float x[300];
    for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.07 * i)) * (i > 150 ? 1000.0f : 1.0f);
    x[40] = std::numeric_limits<float>::quiet_NaN();
    x[41] = -std::numeric_limits<float>::infinity();
    filter_test::check_process_equals_operator(a, b, r, x);
    REQUIRE(a.rejected() == 2u);
    REQUIRE(b.rejected() == 2u);
}

TEST_CASE("moving_average chunked block path: full windows, wraps, re-summation and bad input mid-chunk", "[moving_average]") {
    // The block path runs a full window in chunks ending at the ring wrap / re-summation; NaN and
    // Inf after the window filled, window sizes that do and do not divide the chunk lengths, and a
    // power-of-two N (whose mean the compiler turns into a multiply) must all equal operator().
    auto run = [](auto f) {
        decltype(f) a, b, r;
        static float x[300];
        for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.13 * i)) * (i > 200 ? 1e6f : 1.0f) + 0.3f;
        for (int i : {70, 71, 150, 199, 299}) x[i] = std::numeric_limits<float>::quiet_NaN();
        x[120] = std::numeric_limits<float>::infinity();
        filter_test::check_process_equals_operator(a, b, r, x);
        REQUIRE(a.rejected() == r.rejected());
        REQUIRE(a.count() == r.count());
    };
    run(nerve::filter::moving_average<float, 5>{});
    run(nerve::filter::moving_average<float, 64>{});
    run(nerve::filter::moving_average<float, 1>{});
    auto runq = [](auto f) {
        decltype(f) a, b, r;
        using T = typename decltype(f)::input_type;
        static T x[300];
        for (int i = 0; i < 300; ++i) x[i] = T::from_float(std::sin(0.11 * i) * 0.9);
        filter_test::check_process_equals_operator(a, b, r, x);
    };
    runq(nerve::filter::moving_average<nerve::q15, 24>{});
    runq(nerve::filter::moving_average<nerve::q31, 64>{});
}
