#include "nerve_test.hpp"

#include <cmath>
#include <limits>

#include "nerve/filter/one_pole.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

TEST_CASE("one_pole lowpass step response and bilinear design", "[filter][one_pole]") {
    const nerve::sample_rate fs{1000.0};
    auto lp = one_pole<double>::lowpass(10.0_Hz, fs);
    double y = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 16; ++i) y = lp(1.0));
    // After n samples: 1 - p^n with p = exp(-2 pi fc / fs).
    REQUIRE(y == Approx(1.0 - std::exp(-2 * 3.141592653589793 * 10.0 / 1000.0 * 16)));
    // scipy.signal.butter(1, 0.2): b = [0.24523728, 0.24523728], a = [1, -0.50952545]
    auto bl = one_pole<double>::bilinear_lowpass(50.0_Hz, nerve::sample_rate{500.0});
    REQUIRE(bl(1.0) == Approx(0.24523727525278557));
    auto hp = one_pole<float>::highpass(10.0_Hz, fs);
    float h = 0;
    for (int i = 0; i < 3000; ++i) h = hp(1.0f);
    REQUIRE(std::fabs(h) < 1e-6f);
}

TEST_CASE("one_pole q15 converges without dead band", "[filter][one_pole][fixed]") {
    auto lp = one_pole<nerve::q15>::lowpass(1.0_Hz, nerve::sample_rate{1000.0});
    nerve::q15 y{};
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 20000; ++i) y = lp(nerve::q15::from_float(0.5)));
    REQUIRE(y.raw == nerve::q15::from_float(0.5).raw);
    auto q31lp = one_pole<nerve::q31>::lowpass(100.0_Hz, nerve::sample_rate{1000.0});
    nerve::q31 z{};
    for (int i = 0; i < 1000; ++i) z = q31lp(nerve::q31::max());
    REQUIRE(z.to_double() == Approx(1.0).margin(1e-6));
}

TEST_CASE("one_pole bad input", "[filter][one_pole][bad-input]") {
    auto lp = one_pole<float>::lowpass(50.0_Hz, nerve::sample_rate{1000.0});
    for (int i = 0; i < 100; ++i) lp(1.0f);
    const float held = lp(std::numeric_limits<float>::quiet_NaN());
    REQUIRE(std::isfinite(held));
    REQUIRE(lp(std::numeric_limits<float>::infinity()) == Approx(1.0f));
    REQUIRE(lp.rejected() == 2);
    lp(3e38f);
    lp(3e38f);
    lp(-3e38f);
    float y = lp(1.0f);
    for (int i = 0; i < 500; ++i) y = lp(1.0f);
    REQUIRE(std::isfinite(y));
    REQUIRE(y == Approx(1.0f).margin(1e-4));
}
