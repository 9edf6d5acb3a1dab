// RBJ cookbook designs against the cookbook formulas evaluated by tools/gen_golden_iir.py.
#include "nerve_test.hpp"

#include <cmath>

#include "golden/iir_design.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/rbj.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

namespace {
void require_row(const std::array<sos_section<double>, 1>& s, const double (&r)[6]) {
    const double g[6] = {s[0].b0, s[0].b1, s[0].b2, s[0].a0, s[0].a1, s[0].a2};
    for (int i = 0; i < 6; ++i) {
        INFO("coefficient " << i);
        REQUIRE(std::fabs(g[i] - r[i]) <= 1e-12 * (1.0 + std::fabs(r[i])));
    }
}
}  // namespace

TEST_CASE("rbj designs match the cookbook", "[filter][rbj][golden]") {
    constexpr auto notch = rbj_notch(50.0_Hz, 30.0, nerve::sample_rate{1000.0});
    require_row(notch, golden::iir::rbj_notch);
    require_row(rbj_peaking(1000.0_Hz, 2.0, 6.0, nerve::sample_rate{48000.0}), golden::iir::rbj_peaking);
    require_row(rbj_low_shelf(200.0_Hz, 0.7071, -4.0, nerve::sample_rate{8000.0}), golden::iir::rbj_low_shelf);
    require_row(rbj_high_shelf(3000.0_Hz, 0.7071, 5.0, nerve::sample_rate{16000.0}), golden::iir::rbj_high_shelf);
}

TEST_CASE("rbj responses", "[filter][rbj]") {
    const nerve::sample_rate fs{1000.0};
    REQUIRE(sos_magnitude(rbj_notch(50.0_Hz, 10.0, fs), 0.05) < 1e-9);
    REQUIRE(sos_magnitude(rbj_notch(50.0_Hz, 10.0, fs), 0.0) == Approx(1.0));
    REQUIRE(sos_magnitude(rbj_peaking(100.0_Hz, 2.0, 6.0, fs), 0.1) == Approx(std::pow(10.0, 6.0 / 20)));
    REQUIRE(sos_magnitude(rbj_low_shelf(50.0_Hz, 0.7071, 6.0, fs), 0.0) == Approx(std::pow(10.0, 6.0 / 20)));
    REQUIRE(sos_magnitude(rbj_high_shelf(50.0_Hz, 0.7071, -6.0, fs), 0.5) == Approx(std::pow(10.0, -6.0 / 20)));
    REQUIRE(sos_magnitude(rbj_lowpass(100.0_Hz, 0.7071, fs), 0.0) == Approx(1.0));
    REQUIRE(sos_magnitude(rbj_highpass(100.0_Hz, 0.7071, fs), 0.5) == Approx(1.0));
    REQUIRE(sos_magnitude(rbj_bandpass(100.0_Hz, 3.0, fs), 0.1) == Approx(1.0));
    // A 50 Hz mains notch removes the hum from a streaming signal.
    biquad_cascade<float, 1> f{rbj_notch(50.0_Hz, 5.0, fs)};
    float peak = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 2000; ++i) {
        const float y = f(static_cast<float>(std::sin(2 * 3.141592653589793 * 50.0 * i / 1000.0)));
        if (i > 1500) peak = std::fmax(peak, std::fabs(y));
    });
    REQUIRE(peak < 1e-3f);
}
