// Elliptic: ripple in both bands within the asked bounds, and the narrowest transition of the
// classical designs (the coefficient golden test is in test_butterworth.cpp).
#include "nerve_test.hpp"

#include <cmath>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/chebyshev1.hpp"
#include "nerve/filter/elliptic.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

namespace {
double gain(double db) { return std::pow(10.0, -db / 20.0); }

// The first frequency (cycles per sample, on a grid of 1e-4 from `from`) where the response
// falls to -rs dB.
template <std::size_t S>
double stop_edge(const std::array<sos_section<double>, S>& c, double from, double rs) {
    for (double f = from; f < 0.5; f += 1e-4)
        if (sos_magnitude(c, f) <= gain(rs)) return f;
    return 0.5;
}
}  // namespace

TEST_CASE("elliptic low-pass: equiripple pass band within rp, stop band held below -rs", "[filter][elliptic]") {
    constexpr double rp = 1.0, rs = 60.0;
    const auto c = elliptic_lowpass<5>(rp, rs, 100.0_Hz, nerve::sample_rate{1000.0});  // edge 0.1
    double lo = 1.0, hi = 0.0;
    for (int i = 0; i <= 1000; ++i) {
        const double m = sos_magnitude(c, 0.1 * i / 1000.0);
        lo = std::fmin(lo, m);
        hi = std::fmax(hi, m);
    }
    CHECK(hi <= 1.0 + 1e-9);
    CHECK(hi >= 1.0 - 1e-6);             // the ripple touches both bounds...
    CHECK(lo >= gain(rp) - 1e-9);
    CHECK(lo <= gain(rp) + 1e-6);        // ...as an equiripple band does
    CHECK(sos_magnitude(c, 0.1) == Approx(gain(rp)).epsilon(1e-9));  // odd order: the edge sits on the floor
    const double fs_edge = stop_edge(c, 0.1, rs);
    for (double f = fs_edge; f <= 0.5; f += 1e-4) REQUIRE(sos_magnitude(c, f) <= gain(rs) * (1 + 1e-9));
    // The transition: -60 dB at 0.1584 cycles per sample (scipy's sosfreqz on the same design,
    // same grid); a Chebyshev I of the same order and ripple needs 0.2300, more than twice as
    // far past the edge (a Butterworth 0.2906).
    const double cheby_edge = stop_edge(chebyshev1_lowpass<5>(rp, 100.0_Hz, nerve::sample_rate{1000.0}), 0.1, rs);
    CHECK(fs_edge == Approx(0.1584).margin(1.5e-4));
    CHECK(cheby_edge == Approx(0.2300).margin(1.5e-4));
    CHECK(cheby_edge - 0.1 > 2.0 * (fs_edge - 0.1));
}

TEST_CASE("elliptic high-pass and band-stop keep their pass bands within rp", "[filter][elliptic]") {
    const auto hp = elliptic_highpass<4>(0.5, 50.0, 30.0_Hz, nerve::sample_rate{200.0});
    for (int i = 0; i <= 500; ++i) {
        const double m = sos_magnitude(hp, 0.15 + 0.35 * i / 500.0);
        REQUIRE(m <= 1.0 + 1e-9);
        REQUIRE(m >= gain(0.5) - 1e-9);
    }
    CHECK(sos_magnitude(hp, 0.0) <= gain(50.0) * (1 + 1e-9));
    const auto bs = elliptic_bandstop<4>(0.5, 60.0, 20.0_Hz, 45.0_Hz, nerve::sample_rate{200.0});
    for (int i = 0; i <= 200; ++i) {
        REQUIRE(sos_magnitude(bs, 0.1 * i / 200.0) >= gain(0.5) - 1e-9);
        REQUIRE(sos_magnitude(bs, 0.225 + 0.275 * i / 200.0) >= gain(0.5) - 1e-9);
    }
    CHECK(sos_magnitude(bs, 0.16) <= gain(60.0) * (1 + 1e-9));
}

// The README's example, kept compiling: designed and checked at compile time.
constexpr auto readme_sos = elliptic_lowpass<8>(0.1, 80.0, 2000.0_Hz, nerve::sample_rate{12000.0});
static_assert(sos_magnitude(readme_sos, 2700.0 / 12000.0) < 1e-4);
static_assert(sos_magnitude(readme_sos, 2000.0 / 12000.0) > 0.988);  // -0.1 dB = 0.98855

TEST_CASE("elliptic runs in a float cascade without allocating", "[filter][elliptic]") {
    biquad_cascade<float, 4> f{elliptic_bandstop<4>(0.5, 60.0, 20.0_Hz, 45.0_Hz, nerve::sample_rate{200.0})};
    float peak = 0.0f;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 2000; ++i) {
        const float y = f(static_cast<float>(std::sin(2.0 * 3.141592653589793 * 0.16 * i)));
        if (i >= 1000) peak = std::fmax(peak, std::fabs(y));
    });
    CHECK(peak < 3.0f * static_cast<float>(gain(60.0)));  // float rounding on top of -60 dB
}
