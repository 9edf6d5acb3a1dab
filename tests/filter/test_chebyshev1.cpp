// Chebyshev I: response properties (the coefficient golden test is in test_butterworth.cpp,
// which shares the zpk2sos machinery).
#include "nerve_test.hpp"

#include <cmath>

#include "golden/iir_design.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/chebyshev1.hpp"

using namespace nerve::filter;
using namespace nerve::literals;

TEST_CASE("chebyshev1 pass-band ripple and stop-band", "[filter][chebyshev1]") {
    constexpr double rp = 0.5;
    const auto c = chebyshev1_lowpass<5>(rp, 100.0_Hz, nerve::sample_rate{1000.0});
    const double lo = std::pow(10.0, -rp / 20);
    for (int i = 0; i <= 100; ++i) {
        const double f = 0.1 * i / 100.0;
        const double m = sos_magnitude(c, f);
        REQUIRE(m <= 1.0 + 1e-9);
        REQUIRE(m >= lo - 1e-9);
    }
    REQUIRE(sos_magnitude(c, 0.25) < 1e-2);
    // Odd order: unity at DC. Even order: DC at the ripple floor.
    REQUIRE(sos_magnitude(c, 0.0) == Approx(1.0).epsilon(1e-9));
    const auto c4 = chebyshev1_lowpass<4>(rp, 100.0_Hz, nerve::sample_rate{1000.0});
    REQUIRE(sos_magnitude(c4, 0.0) == Approx(lo).epsilon(1e-9));
}

TEST_CASE("chebyshev1 band-stop rejects its band", "[filter][chebyshev1]") {
    const auto bs = chebyshev1_bandstop<4>(0.5, 20.0_Hz, 45.0_Hz, nerve::sample_rate{200.0});
    REQUIRE(sos_magnitude(bs, 0.16) < 1e-2);
    REQUIRE(sos_magnitude(bs, 0.0) <= 1.0 + 1e-9);
    REQUIRE(sos_magnitude(bs, 0.0) >= std::pow(10.0, -0.5 / 20) - 1e-9);
    biquad_cascade<float, 4> f{bs};
    float y = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 1000; ++i) y = f(static_cast<float>(std::sin(0.32 * 3.14159265 * i))));
    REQUIRE(std::fabs(y) < 0.05);
}
