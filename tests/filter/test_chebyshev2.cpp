// Chebyshev II: response properties (the coefficient golden test is in test_butterworth.cpp,
// which shares the zpk2sos machinery).
#include "nerve_test.hpp"

#include <cmath>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/chebyshev2.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

namespace {
double db_to_gain(double db) { return std::pow(10.0, -db / 20.0); }
}  // namespace

TEST_CASE("chebyshev2 low-pass: flat falling pass band, stop band held below -rs", "[filter][chebyshev2]") {
    constexpr double rs = 40.0;
    for (const bool odd : {true, false}) {
        INFO((odd ? "order 5" : "order 6"));
        // Both have three sections.
        const auto c = odd ? chebyshev2_lowpass<5>(rs, 100.0_Hz, nerve::sample_rate{1000.0})
                           : chebyshev2_lowpass<6>(rs, 100.0_Hz, nerve::sample_rate{1000.0});
        REQUIRE(sos_magnitude(c, 0.0) == Approx(1.0).epsilon(1e-12));
        // Monotonic (no ripple) from DC to the stop edge at 0.1 cycles per sample...
        double prev = sos_magnitude(c, 0.0);
        for (int i = 1; i <= 200; ++i) {
            const double m = sos_magnitude(c, 0.1 * i / 200.0);
            REQUIRE(m <= prev + 1e-12);
            prev = m;
        }
        // ...where it has fallen to exactly -rs, and beyond which it never rises above -rs.
        REQUIRE(sos_magnitude(c, 0.1) == Approx(db_to_gain(rs)).epsilon(1e-9));
        for (int i = 0; i <= 400; ++i) REQUIRE(sos_magnitude(c, 0.1 + 0.4 * i / 400.0) <= db_to_gain(rs) * (1 + 1e-9));
        // The stop band has its ripple: it comes back up to -rs between the zeros.
        double peak = 0.0;
        for (int i = 1; i <= 400; ++i) peak = std::fmax(peak, sos_magnitude(c, 0.1 + 0.4 * i / 400.0));
        REQUIRE(peak > 0.9 * db_to_gain(rs));
    }
}

TEST_CASE("chebyshev2 high-pass and band-stop hold their stop bands", "[filter][chebyshev2]") {
    const auto hp = chebyshev2_highpass<4>(50.0, 30.0_Hz, nerve::sample_rate{200.0});
    REQUIRE(sos_magnitude(hp, 0.5) == Approx(1.0).epsilon(1e-12));
    for (int i = 0; i <= 300; ++i) REQUIRE(sos_magnitude(hp, 0.15 * i / 300.0) <= db_to_gain(50.0) * (1 + 1e-9));

    const auto bs = chebyshev2_bandstop<4>(50.0, 20.0_Hz, 45.0_Hz, nerve::sample_rate{200.0});
    REQUIRE(sos_magnitude(bs, 0.0) == Approx(1.0).epsilon(1e-12));
    REQUIRE(sos_magnitude(bs, 0.5) == Approx(1.0).epsilon(1e-12));
    for (int i = 0; i <= 300; ++i)
        REQUIRE(sos_magnitude(bs, 0.1 + 0.125 * i / 300.0) <= db_to_gain(50.0) * (1 + 1e-9));

    const auto bp = chebyshev2_bandpass<3>(40.0, 10.0_Hz, 35.0_Hz, nerve::sample_rate{200.0});
    for (int i = 0; i <= 100; ++i) {
        REQUIRE(sos_magnitude(bp, 0.05 * i / 100.0) <= db_to_gain(40.0) * (1 + 1e-9));
        REQUIRE(sos_magnitude(bp, 0.175 + 0.325 * i / 100.0) <= db_to_gain(40.0) * (1 + 1e-9));
    }
    REQUIRE(sos_magnitude(bp, 0.1) > 0.9);
}

TEST_CASE("chebyshev2 runs in a float cascade without allocating", "[filter][chebyshev2]") {
    biquad_cascade<float, 4> f{chebyshev2_bandstop<4>(50.0, 20.0_Hz, 45.0_Hz, nerve::sample_rate{200.0})};
    float y = 0.0f, peak = 0.0f;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 2000; ++i) {
        y = f(static_cast<float>(std::sin(2.0 * 3.141592653589793 * 0.16 * i)));
        if (i >= 1000) peak = std::fmax(peak, std::fabs(y));
    });
    REQUIRE(peak < 2.0f * static_cast<float>(db_to_gain(50.0)));  // float rounding on top of -50 dB
}
