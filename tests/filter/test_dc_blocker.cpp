#include "nerve_test.hpp"

#include <cmath>
#include <limits>

#include "golden/core_filters.hpp"
#include "nerve/filter/dc_blocker.hpp"

namespace g = golden::core_filters;
using nerve::filter::dc_blocker;

TEST_CASE("dc_blocker matches scipy lfilter", "[dc_blocker]") {
    dc_blocker<float> f(g::dc_r);
    dc_blocker<double> d(g::dc_r);
    double max_err_f = 0, max_err_d = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        max_err_f = std::max(max_err_f, std::abs(f(static_cast<float>(g::input[i])) - g::dc_blocker[i]));
        max_err_d = std::max(max_err_d, std::abs(d(g::input[i]) - g::dc_blocker[i]));
    });
    CHECK(max_err_f < 1e-5);
    CHECK(max_err_d < 1e-12);
}

TEST_CASE("dc_blocker q15 follows the reference and removes the offset", "[dc_blocker]") {
    dc_blocker<nerve::q15> q(g::dc_r);
    double max_err = 0;
    for (std::size_t i = 0; i < std::size(g::input); ++i)
        max_err = std::max(max_err, std::abs(q(nerve::q15::from_float(g::input[i])).to_double() - g::dc_blocker[i]));
    CHECK(max_err < 4.0 / 32768.0);
    // A constant input decays to exactly zero: the Q31 state leaves no residual offset.
    dc_blocker<nerve::q15> c(0.99);
    nerve::q15 y{};
    c(nerve::q15::from_raw(0));
    for (int i = 0; i < 5000; ++i) y = c(nerve::q15::from_raw(12000));
    CHECK(y.raw == 0);
}

TEST_CASE("dc_blocker corner frequency from Hz", "[dc_blocker]") {
    using namespace nerve::literals;
    dc_blocker<double> a(1.0_Hz, nerve::sample_rate{1000.0});
    dc_blocker<double> b(1.0 - 2.0 * 3.141592653589793 / 1000.0);
    for (int i = 0; i < 50; ++i) CHECK(a(std::sin(i * 0.3)) == b(std::sin(i * 0.3)));
}

TEST_CASE("dc_blocker saturates in fixed point and survives NaN in float", "[dc_blocker][bad-input]") {
    dc_blocker<nerve::q15> q(0.999);
    q(nerve::q15::min());
    CHECK(q(nerve::q15::max()) == nerve::q15::max());  // a +2.0 step saturates instead of wrapping
    dc_blocker<float> f(0.9);
    f(1.0f);
    const float a = f(2.0f);
    const float b = f(std::numeric_limits<float>::quiet_NaN());  // treated as a repeat of 2.0
    CHECK(std::isfinite(b));
    CHECK(b == Approx(0.9f * a));
    CHECK(f.rejected() == 1);
    CHECK(std::isfinite(f(2.0f)));
}
