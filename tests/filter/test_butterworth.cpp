// Butterworth, Chebyshev I and II, Bessel and elliptic design against
// scipy.signal.butter/cheby1/cheby2/bessel/ellip(output='sos').
#include "nerve_test.hpp"

#include <cmath>

#include "golden/iir_design.hpp"
#include "nerve/filter/bessel.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/chebyshev1.hpp"
#include "nerve/filter/chebyshev2.hpp"
#include "nerve/filter/elliptic.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

namespace {
// 1e-6 relative; coefficients below 1e-9 in magnitude (scipy's exact zeros come out
// as ~1e-17) are compared absolutely to 1e-12.
template <std::size_t S>
void require_sos(const std::array<sos_section<double>, S>& got, const double (&ref)[6 * S]) {
    for (std::size_t k = 0; k < S; ++k) {
        const double g[6] = {got[k].b0, got[k].b1, got[k].b2, got[k].a0, got[k].a1, got[k].a2};
        for (int i = 0; i < 6; ++i) {
            const double r = ref[6 * k + i];
            INFO("section " << k << " coefficient " << i << ": got " << g[i] << " scipy " << r);
            if (std::fabs(r) < 1e-9) {
                REQUIRE(std::fabs(g[i] - r) <= 1e-12);
            } else {
                REQUIRE(std::fabs(g[i] - r) <= 1e-6 * std::fabs(r));
            }
        }
    }
}
}  // namespace

TEST_CASE("butterworth matches scipy.signal.butter sos", "[filter][butterworth][golden]") {
    require_sos(butterworth<1, band_type::lowpass>(0.3), golden::iir::butter_lp1);
    require_sos(butterworth<2, band_type::lowpass>(0.05), golden::iir::butter_lp2);
    require_sos(butterworth<4, band_type::lowpass>(0.2), golden::iir::butter_lp4);
    require_sos(butterworth<5, band_type::lowpass>(0.37), golden::iir::butter_lp5);
    require_sos(butterworth<8, band_type::lowpass>(0.1), golden::iir::butter_lp8);
    require_sos(butterworth<3, band_type::highpass>(0.3), golden::iir::butter_hp3);
    require_sos(butterworth<6, band_type::highpass>(0.02), golden::iir::butter_hp6);
    require_sos(butterworth<2, band_type::bandpass>(0.1, 0.3), golden::iir::butter_bp2);
    require_sos(butterworth<3, band_type::bandpass>(0.1, 0.35), golden::iir::butter_bp3);
    require_sos(butterworth<2, band_type::bandstop>(0.2, 0.4), golden::iir::butter_bs2);
    require_sos(butterworth<3, band_type::bandstop>(0.05, 0.15), golden::iir::butter_bs3);
}

TEST_CASE("chebyshev1 matches scipy.signal.cheby1 sos", "[filter][chebyshev1][golden]") {
    require_sos(chebyshev1<3, band_type::lowpass>(1.0, 0.2), golden::iir::cheby1_lp3);
    require_sos(chebyshev1<4, band_type::lowpass>(0.5, 0.15), golden::iir::cheby1_lp4);
    require_sos(chebyshev1<5, band_type::lowpass>(1.0, 0.25), golden::iir::cheby1_lp5);
    require_sos(chebyshev1<4, band_type::highpass>(0.5, 0.3), golden::iir::cheby1_hp4);
    require_sos(chebyshev1<2, band_type::bandpass>(1.0, 0.15, 0.3), golden::iir::cheby1_bp2);
    require_sos(chebyshev1<4, band_type::bandstop>(0.5, 0.2, 0.45), golden::iir::cheby1_bs4);
}

TEST_CASE("chebyshev2 matches scipy.signal.cheby2 sos", "[filter][chebyshev2][golden]") {
    require_sos(chebyshev2<3, band_type::lowpass>(40.0, 0.3), golden::iir::cheby2_lp3);
    require_sos(chebyshev2<4, band_type::lowpass>(60.0, 0.2), golden::iir::cheby2_lp4);
    require_sos(chebyshev2<7, band_type::lowpass>(80.0, 0.45), golden::iir::cheby2_lp7);
    require_sos(chebyshev2<4, band_type::highpass>(40.0, 0.3), golden::iir::cheby2_hp4);
    require_sos(chebyshev2<5, band_type::highpass>(50.0, 0.05), golden::iir::cheby2_hp5);
    require_sos(chebyshev2<3, band_type::bandpass>(40.0, 0.1, 0.35), golden::iir::cheby2_bp3);
    require_sos(chebyshev2<4, band_type::bandstop>(50.0, 0.2, 0.45), golden::iir::cheby2_bs4);
    // The same designs at compile time.
    constexpr auto lp = chebyshev2<7, band_type::lowpass>(80.0, 0.45);
    require_sos(lp, golden::iir::cheby2_lp7);
    constexpr auto bp = chebyshev2<3, band_type::bandpass>(40.0, 0.1, 0.35);
    require_sos(bp, golden::iir::cheby2_bp3);
}

TEST_CASE("bessel matches scipy.signal.bessel sos", "[filter][bessel][golden]") {
    require_sos(bessel<1, band_type::lowpass>(0.2), golden::iir::bessel_lp1);
    require_sos(bessel<4, band_type::lowpass>(0.1), golden::iir::bessel_lp4);
    require_sos(bessel<5, band_type::lowpass>(0.25, 0.0, bessel_norm::delay), golden::iir::bessel_lp5_delay);
    require_sos(bessel<6, band_type::lowpass>(0.15, 0.0, bessel_norm::mag), golden::iir::bessel_lp6_mag);
    require_sos(bessel<12, band_type::lowpass>(0.3), golden::iir::bessel_lp12);
    require_sos(bessel<10, band_type::lowpass>(0.2, 0.0, bessel_norm::mag), golden::iir::bessel_lp10_mag);
    require_sos(bessel<3, band_type::highpass>(0.2), golden::iir::bessel_hp3);
    require_sos(bessel<4, band_type::bandpass>(0.1, 0.3, bessel_norm::mag), golden::iir::bessel_bp4_mag);
    require_sos(bessel<3, band_type::bandstop>(0.2, 0.4), golden::iir::bessel_bs3);
    constexpr auto lp = bessel<12, band_type::lowpass>(0.3);  // the roots found at compile time
    require_sos(lp, golden::iir::bessel_lp12);
}

TEST_CASE("elliptic matches scipy.signal.ellip sos", "[filter][elliptic][golden]") {
    require_sos(elliptic<1, band_type::lowpass>(1.0, 40.0, 0.3), golden::iir::ellip_lp1);
    require_sos(elliptic<2, band_type::lowpass>(0.5, 30.0, 0.2), golden::iir::ellip_lp2);
    require_sos(elliptic<4, band_type::lowpass>(0.5, 60.0, 0.2), golden::iir::ellip_lp4);
    require_sos(elliptic<5, band_type::lowpass>(1.0, 80.0, 0.35), golden::iir::ellip_lp5);
    require_sos(elliptic<8, band_type::lowpass>(0.1, 100.0, 0.1), golden::iir::ellip_lp8);
    require_sos(elliptic<3, band_type::highpass>(0.5, 40.0, 0.25), golden::iir::ellip_hp3);
    require_sos(elliptic<6, band_type::highpass>(0.2, 70.0, 0.05), golden::iir::ellip_hp6);
    require_sos(elliptic<3, band_type::bandpass>(1.0, 50.0, 0.1, 0.35), golden::iir::ellip_bp3);
    require_sos(elliptic<4, band_type::bandstop>(0.5, 60.0, 0.2, 0.45), golden::iir::ellip_bs4);
    constexpr auto lp = elliptic<8, band_type::lowpass>(0.1, 100.0, 0.1);  // special functions at compile time
    require_sos(lp, golden::iir::ellip_lp8);
    constexpr auto bp = elliptic<3, band_type::bandpass>(1.0, 50.0, 0.1, 0.35);
    require_sos(bp, golden::iir::ellip_bp3);
}

TEST_CASE("designs are constexpr and agree with the run-time design", "[filter][butterworth]") {
    constexpr auto lp = butterworth<4, band_type::lowpass>(0.2);
    static_assert(lp.size() == 2);
    static_assert(lp[1].b0 == 1.0 && lp[1].b1 == 2.0 && lp[1].b2 == 1.0);
    require_sos(lp, golden::iir::butter_lp4);
    constexpr auto bs = butterworth<3, band_type::bandstop>(0.05, 0.15);
    require_sos(bs, golden::iir::butter_bs3);
    constexpr auto ch = chebyshev1<5, band_type::lowpass>(1.0, 0.25);
    require_sos(ch, golden::iir::cheby1_lp5);
    constexpr auto bp = chebyshev1<2, band_type::bandpass>(1.0, 0.15, 0.3);
    require_sos(bp, golden::iir::cheby1_bp2);
}

TEST_CASE("hertz wrappers use scipy's fs convention", "[filter][butterworth]") {
    // butter(4, 40, fs=400) == butter(4, 0.2)
    require_sos(butterworth_lowpass<4>(40.0_Hz, nerve::sample_rate{400.0}), golden::iir::butter_lp4);
    require_sos(butterworth_bandpass<3>(10.0_Hz, 35.0_Hz, nerve::sample_rate{200.0}), golden::iir::butter_bp3);
    require_sos(chebyshev1_highpass<4>(0.5, 30.0_Hz, nerve::sample_rate{200.0}), golden::iir::cheby1_hp4);
    // Response: -3 dB at the cut-off for Butterworth, ripple dB at the edge for Chebyshev I.
    const auto lp = butterworth_lowpass<6>(100.0_Hz, nerve::sample_rate{1000.0});
    REQUIRE(sos_magnitude(lp, 0.0) == Approx(1.0).epsilon(1e-9));
    REQUIRE(sos_magnitude(lp, 0.1) == Approx(std::sqrt(0.5)).epsilon(1e-9));
    const auto hp = butterworth_highpass<3>(50.0_Hz, nerve::sample_rate{1000.0});
    REQUIRE(sos_magnitude(hp, 0.5) == Approx(1.0).epsilon(1e-9));
    REQUIRE(sos_magnitude(hp, 0.05) == Approx(std::sqrt(0.5)).epsilon(1e-9));
    const auto c = chebyshev1_lowpass<4>(1.0, 100.0_Hz, nerve::sample_rate{1000.0});
    REQUIRE(sos_magnitude(c, 0.1) == Approx(std::pow(10.0, -1.0 / 20)).epsilon(1e-9));
}

#include "nerve/filter/biquad.hpp"

TEST_CASE("ready-made Butterworth filters", "[filter][butterworth]") {
    const nerve::sample_rate fs{1000.0};
    auto hp = highpass<4>(10.0_Hz, fs);
    static_assert(std::is_same_v<decltype(hp), biquad_cascade<float, 2>>);
    auto lp = lowpass<3, double>(50.0_Hz, fs);
    static_assert(std::is_same_v<decltype(lp), biquad_cascade<double, 2>>);
    auto bp = bandpass<2, nerve::q15>(40.0_Hz, 60.0_Hz, fs);
    static_assert(std::is_same_v<decltype(bp), biquad_cascade<nerve::q15, 2>>);
    auto bs = bandstop<1>(45.0_Hz, 55.0_Hz, fs);
    static_assert(std::is_same_v<decltype(bs), biquad_cascade<float, 1>>);
    float y = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 3000; ++i) y = hp(1.0f));  // DC removed
    REQUIRE(std::fabs(y) < 1e-4f);
    double z = 0;
    for (int i = 0; i < 3000; ++i) z = lp(1.0);
    REQUIRE(z == Approx(1.0).margin(1e-9));
}
