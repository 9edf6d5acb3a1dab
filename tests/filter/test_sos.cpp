// The cascade's frequency response and group delay (what a user checks a design with).
#include "nerve_test.hpp"

#include <cmath>
#include <complex>

#include "golden/iir_design.hpp"
#include "nerve/filter/bessel.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/chebyshev2.hpp"
#include "nerve/filter/elliptic.hpp"
#include "nerve/filter/sos.hpp"

using namespace nerve::filter;
namespace gi = golden::iir;

namespace {
template <std::size_t S>
void check_delay(const std::array<sos_section<double>, S>& sos, const double (&ref)[7]) {
    for (std::size_t i = 0; i < 7; ++i) {
        const double f = gi::group_delay_freqs[i];
        INFO("f = " << f);
        CHECK(sos_group_delay(sos, f) == Approx(ref[i]).epsilon(1e-12));
        // And it is minus the slope of the unwrapped phase (a central difference, 1e-6 wide).
        const double h = 1e-6;
        const double slope = std::arg(sos_response(sos, f + h) / sos_response(sos, f - h)) / (2.0 * h);
        CHECK(sos_group_delay(sos, f) == Approx(-slope / (2.0 * 3.141592653589793)).epsilon(1e-5));
    }
}
}  // namespace

TEST_CASE("sos_group_delay matches scipy.signal.group_delay", "[filter][sos][golden]") {
    check_delay(sos_from_rows<2>(gi::bessel_lp4), gi::group_delay_bessel_lp4);
    check_delay(sos_from_rows<2>(gi::cheby2_lp4), gi::group_delay_cheby2_lp4);
    check_delay(sos_from_rows<3>(gi::ellip_lp5), gi::group_delay_ellip_lp5);
    check_delay(sos_from_rows<3>(gi::butter_bp3), gi::group_delay_butter_bp3);
}

TEST_CASE("sos_from_rows reads scipy's flattened layout", "[filter][sos]") {
    constexpr double flat[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    constexpr auto s = sos_from_rows<2>(flat);
    static_assert(s[0].b0 == 1 && s[0].a2 == 6 && s[1].b0 == 7 && s[1].a1 == 11 && s[1].a2 == 12);
    const float runtime[6] = {0.5f, 1.0f, 0.5f, 1.0f, -0.2f, 0.1f};
    const auto f = sos_from_rows<1>(runtime);  // any coefficient type
    CHECK((f[0].b1 == 1.0f && f[0].a1 == -0.2f && f[0].a2 == 0.1f));
}

TEST_CASE("sos_response: magnitude and phase of a design", "[filter][sos]") {
    const auto lp = butterworth<4, band_type::lowpass>(0.2);
    CHECK(std::abs(sos_response(lp, 0.0)) == Approx(1.0).epsilon(1e-12));
    CHECK(std::abs(sos_response(lp, 0.1)) == Approx(1.0 / std::sqrt(2.0)).epsilon(1e-12));  // -3 dB at wn
    CHECK(std::abs(sos_response(lp, 0.1)) == sos_magnitude(lp, 0.1));
    // A Butterworth low-pass of order N is at -N pi / 4 at its edge.
    CHECK(std::abs(std::arg(sos_response(lp, 0.1))) == Approx(3.141592653589793).margin(1e-9));  // -pi wraps to +-pi
    // At a zero on the unit circle (Nyquist for a low-pass) the numerators contribute nothing.
    CHECK(std::isfinite(sos_group_delay(lp, 0.5)));
    static_assert(sos_magnitude(butterworth<2, band_type::lowpass>(0.5), 0.0) > 0.999999);  // constexpr
}
