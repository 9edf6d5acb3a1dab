#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_features.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/peaks.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gf = nerve::golden::spectral_features;
using nerve::test::rel_error;

static_assert(nerve::general_operator<sp::dominant_peaks<3>>);

TEST_CASE("dominant_peaks: top-3 with parabolic interpolation match numpy", "[spectral][peaks]") {
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{gf::power_frame0_f32, 513};
    s.bin_hz = 1000.0 / 1024.0;
    sp::dominant_peaks<3> op;
    sp::peak_list<3> got{};
    NERVE_REQUIRE_NO_ALLOC(op.push(s, [&](const sp::peak_list<3>& l) { got = l; }));
    REQUIRE(got.count == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(rel_error(got.peaks[i].frequency, gf::peaks_frame0_hz[i]) <= 1e-5);
        CHECK(rel_error(got.peaks[i].value, gf::peaks_frame0_value[i]) <= 1e-5);
    }
}

TEST_CASE("dominant_peaks: off-bin sine frequency and amplitude are refined", "[spectral][peaks]") {
    constexpr std::size_t N = 1024;
    static float x[N];
    const double fs = 1000.0, f0 = 123.4, a0 = 1.7;  // 126.36 bins: off-bin
    for (std::size_t n = 0; n < N; ++n) x[n] = static_cast<float>(a0 * std::sin(2 * 3.141592653589793 * f0 * n / fs));
    static sp::rfft<N> fft{nerve::window::hann, nerve::sample_rate{fs}};
    REQUIRE(fft.transform(std::span<const float, N>{x}));
    sp::dominant_peaks<1> op{10.0, 400.0};
    REQUIRE(op.compute(fft.view()));
    REQUIRE(op.result().count == 1);
    const auto& p = op.result().peaks[0];
    CHECK(std::fabs(p.frequency - f0) < 0.05 * fs / N);   // within 5% of a bin
    CHECK(std::fabs(p.amplitude() - a0) / a0 < 0.038);   // Hann: <= 3.8% (numpy, all offsets) instead of 15%
    // Restriction and threshold.
    sp::dominant_peaks<2> none{200.0, 400.0, 1e-3};
    REQUIRE(none.compute(fft.view()));
    CHECK(none.result().count == 0);
}

TEST_CASE("dominant_peaks: ordering, count and NaN", "[spectral][peaks]") {
    static float v[16] = {0, 1, 0, 3, 0, 2, 0, 5, 0, 4, 0, 0.5f, 0, 0, 0, 0};
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    sp::dominant_peaks<4> op;
    REQUIRE(op.compute(s));
    REQUIRE(op.result().count == 4);
    CHECK(op.result().peaks[0].bin == 7.0);  // zero neighbours: no interpolation
    CHECK(op.result().peaks[1].bin == 9.0);
    CHECK(op.result().peaks[2].bin == 3.0);
    CHECK(op.result().peaks[3].bin == 5.0);
    sp::dominant_peaks<4> mid{5.0, 7.0};  // bin_hz = 1: limits are inclusive
    REQUIRE(mid.compute(s));
    REQUIRE(mid.result().count == 2);
    CHECK(mid.result().peaks[0].bin == 7.0);
    CHECK(mid.result().peaks[1].bin == 5.0);
    sp::dominant_peaks<4> high{11.0, 100.0};
    REQUIRE(high.compute(s));
    REQUIRE(high.result().count == 1);
    CHECK(high.result().peaks[0].bin == Approx(11.0).margin(0.5));
    sp::dominant_peaks<10> many;
    REQUIRE(many.compute(s));
    CHECK(many.result().count == 6);
    v[4] = std::numeric_limits<float>::quiet_NaN();
    int n = 0;
    op.push(s, [&](const auto&) { ++n; });
    CHECK(n == 0);
    CHECK(op.rejected() == 1);
}
