// Bessel: what the normalisations promise and why one picks it (the coefficient golden test is in
// test_butterworth.cpp).
#include "nerve_test.hpp"

#include <cmath>
#include <complex>

#include "nerve/filter/bessel.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

namespace {
// Largest overshoot of the unit-step response above its final value 1.
template <std::size_t S>
double step_overshoot(const std::array<sos_section<double>, S>& sos) {
    biquad_cascade<double, S> f{sos};
    double peak = 0.0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 4000; ++i) peak = std::fmax(peak, f(1.0)));
    return peak - 1.0;
}
}  // namespace

TEST_CASE("bessel normalisations: -3 dB at the edge (mag), Butterworth's asymptote (phase)", "[filter][bessel]") {
    // The bilinear transform maps the prewarped edge exactly, so the analog -3 dB point holds
    // digitally at wn (wn / 2 cycles per sample).
    const auto mag6 = bessel<6, band_type::lowpass>(0.2, 0.0, bessel_norm::mag);
    CHECK(std::abs(sos_response(mag6, 0.1)) == Approx(1.0 / std::sqrt(2.0)).epsilon(1e-10));
    CHECK(std::abs(sos_response(mag6, 0.0)) == Approx(1.0).epsilon(1e-12));
    // phase: the poles' product is 1, so far above the edge (near Nyquist, where the prewarped
    // frequency grows without bound) the response meets the Butterworth filter's of the same
    // order and edge: the ratio of magnitudes tends to 1.
    const auto ratio = [](const auto& a, const auto& b, double f) { return sos_magnitude(a, f) / sos_magnitude(b, f); };
    CHECK(ratio(bessel<3, band_type::lowpass>(0.3), butterworth<3, band_type::lowpass>(0.3), 0.499) == Approx(1.0).epsilon(1e-5));
    CHECK(ratio(bessel<4, band_type::lowpass>(0.3), butterworth<4, band_type::lowpass>(0.3), 0.499) == Approx(1.0).epsilon(1e-5));
    // The delay normalisation leaves the poles of theta_N unscaled, so its asymptote is
    // theta_N(0) = (2N)! / (2^N N!) times Butterworth's: 105 for N = 4.
    CHECK(ratio(bessel<4, band_type::lowpass>(0.3, 0.0, bessel_norm::delay), butterworth<4, band_type::lowpass>(0.3), 0.499) ==
          Approx(105.0).epsilon(1e-4));
    CHECK(std::abs(sos_response(bessel<5, band_type::lowpass>(0.25, 0.0, bessel_norm::delay), 0.0)) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("bessel steps with almost no overshoot where butterworth rings", "[filter][bessel]") {
    const double bessel4 = step_overshoot(bessel_lowpass<4>(50.0_Hz, nerve::sample_rate{1000.0}));
    const double butter4 = step_overshoot(butterworth_lowpass<4>(50.0_Hz, nerve::sample_rate{1000.0}));
    // Analog prototypes: 0.8 % and 10.8 %; the bilinear transform at fs / 20 keeps them close.
    CHECK(bessel4 < 0.015);
    CHECK(butter4 > 0.09);
    // Group delay nearly flat over the pass band (the Butterworth's varies several times more).
    const auto lp = bessel_lowpass<4>(50.0_Hz, nerve::sample_rate{1000.0});
    const auto bw = butterworth_lowpass<4>(50.0_Hz, nerve::sample_rate{1000.0});
    const double d0 = sos_group_delay(lp, 0.0), b0 = sos_group_delay(bw, 0.0);
    double spread = 0.0, bw_spread = 0.0;
    for (double f = 0.005; f < 0.03; f += 0.005) {
        spread = std::fmax(spread, std::fabs(sos_group_delay(lp, f) / d0 - 1.0));
        bw_spread = std::fmax(bw_spread, std::fabs(sos_group_delay(bw, f) / b0 - 1.0));
    }
    CHECK(spread < 0.02);
    CHECK(bw_spread > 3.0 * spread);
}
