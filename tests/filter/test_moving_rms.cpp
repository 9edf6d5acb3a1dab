#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "block_test_util.hpp"
#include "golden/fir_moving.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/moving_rms.hpp"

namespace g = golden::fir_moving;
using nerve::filter::moving_rms;

static_assert(nerve::simple_operator<moving_rms<float, 32>>);

TEMPLATE_TEST_CASE("moving_rms: golden numpy sliding window", "[moving_rms][golden]", float, double) {
    using T = TestType;
    constexpr std::size_t N = g::rms_window;
    moving_rms<T, N> r;
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;  // relative to the max RMS (< 1)
    static std::array<T, g::n> out;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) out[i] = r(static_cast<T>(g::input[i])));
    for (std::size_t i = N - 1; i < g::n; ++i) REQUIRE(std::fabs(out[i] - g::rms[i - (N - 1)]) <= tol);
    // Partial windows: RMS over the samples so far.
    double s = 0;
    for (std::size_t i = 0; i < N - 1; ++i) {
        s += g::input[i] * g::input[i];
        REQUIRE(std::fabs(out[i] - std::sqrt(s / static_cast<double>(i + 1))) <= tol);
    }
}

TEST_CASE("moving_rms: no drift after a loud burst leaves the window (float)", "[moving_rms]") {
    moving_rms<float, 64> r;
    float y = 0;
    for (int i = 0; i < 64; ++i) y = r(1000.0f);  // sum of squares 6.4e7
    REQUIRE(y == Approx(1000.0f));
    // Then 0.001-level signal for 100000 samples: without re-summation the leftover
    // rounding of 6.4e7 (ulp 4) would swamp the true sum of squares (6.4e-5).
    for (int i = 0; i < 100000; ++i) y = r(((i & 1) ? 1e-3f : -1e-3f));
    REQUIRE(y == Approx(1e-3f).epsilon(1e-5));
}

TEMPLATE_TEST_CASE("moving_rms: fixed point is exact to the integer square root", "[moving_rms][fixed]", nerve::q15,
                   nerve::q31) {
    using T = TestType;
    constexpr std::size_t N = g::rms_window;
    moving_rms<T, N> r;
    // q31: squares are pre-shifted by G = 8 bits for N = 32, so the root is exact to 2^-(31 - G/2).
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / (1u << 27);
    static std::array<T, g::n> in;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(g::input[i]);
    for (std::size_t i = 0; i < g::n; ++i) {
        const double y = nerve::to_double(r(in[i]));
        double s = 0;
        const std::size_t c = i + 1 < N ? i + 1 : N;
        for (std::size_t k = 0; k < c; ++k) s += nerve::to_double(in[i - k]) * nerve::to_double(in[i - k]);
        REQUIRE(std::fabs(y - std::sqrt(s / static_cast<double>(c))) <= 1.5 * lsb);
    }
    // Full scale does not overflow: rms of a max() square wave is max().
    moving_rms<T, 8> full;
    T y{};
    for (int i = 0; i < 20; ++i) y = full((i & 1) ? T::max() : T::min());
    REQUIRE(nerve::to_double(y) >= 0.999);
}

TEMPLATE_TEST_CASE("moving_rms: NaN/Inf hold the last good sample", "[moving_rms][bad-input]", float, double) {
    using T = TestType;
    moving_rms<T, 4> r;
    for (int i = 0; i < 4; ++i) r(T(2));
    REQUIRE(r(std::numeric_limits<T>::quiet_NaN()) == Approx(2));
    REQUIRE(r(-std::numeric_limits<T>::infinity()) == Approx(2));
    REQUIRE(r.rejected() == 2u);
    REQUIRE(std::isfinite(r(T(0))));
    r.reset();
    REQUIRE(r.rejected() == 0u);
}

TEST_CASE("moving_rms: process() equals operator() bit for bit, in place and with bad input", "[filter][moving_rms]") {
    // The block path keeps the running state in registers; the operations are operator()'s.
    nerve::filter::moving_rms<float, 16> a, b, r;
    static float x[300];
    for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.07 * i)) * (i > 150 ? 1000.0f : 1.0f);
    x[40] = std::numeric_limits<float>::quiet_NaN();
    x[41] = std::numeric_limits<float>::infinity();
    filter_test::check_process_equals_operator(a, b, r, x);
    REQUIRE(a.rejected() == 2u);
    REQUIRE(b.rejected() == 2u);
    REQUIRE(a(0.5f) == r(0.5f));  // the state written back continues the stream exactly
}

TEST_CASE("moving_rms: chunked block path with full windows, wraps and bad input mid-chunk", "[filter][moving_rms]") {
    // Full-window chunks end at the ring wrap, where the exact re-summation falls; NaN/Inf after
    // the window filled, N that does or does not divide the chunk lengths, power-of-two N.
    auto run = [](auto f) {
        decltype(f) a, b, r;
        static float x[300];
        for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.13 * i)) * (i > 200 ? 1e4f : 1.0f);
        for (int i : {70, 71, 150, 199, 299}) x[i] = std::numeric_limits<float>::quiet_NaN();
        x[120] = -std::numeric_limits<float>::infinity();
        filter_test::check_process_equals_operator(a, b, r, x);
        REQUIRE(a.rejected() == r.rejected());
        REQUIRE(a(0.25f) == r(0.25f));
    };
    run(nerve::filter::moving_rms<float, 5>{});
    run(nerve::filter::moving_rms<float, 64>{});
    run(nerve::filter::moving_rms<float, 1>{});
}
