#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_features.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/band_power.hpp"

namespace sp = nerve::spectral;
namespace gf = nerve::golden::spectral_features;
using nerve::test::rel_error;

static_assert(nerve::general_operator<sp::band_power<4>>);

namespace {
sp::spectrum_view<float> view_of(const float* v, std::size_t n, sp::quantity kind, double enbw) {
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v, n};
    s.bin_hz = 1000.0 / 1024.0;
    s.kind = kind;
    s.enbw_bins = enbw;
    return s;
}
constexpr std::array<double, 7> edges{gf::band_edges[0], gf::band_edges[1], gf::band_edges[2], gf::band_edges[3],
                                      gf::band_edges[4], gf::band_edges[5], gf::band_edges[6]};
}  // namespace

TEST_CASE("band_power: density and power spectra match numpy band sums", "[spectral][band_power]") {
    sp::band_power<6> op{edges};
    static float got[6];
    NERVE_REQUIRE_NO_ALLOC(op.push(view_of(gf::welch_density_f32, 513, sp::quantity::density, 1.5),
                                   [&](std::span<const float, 6> b) { for (int i = 0; i < 6; ++i) got[i] = b[i]; }));
    for (int i = 0; i < 6; ++i) CHECK(rel_error(got[i], gf::band_power_welch[i]) <= 1e-5);
    REQUIRE(op.compute(view_of(gf::power_frame0_f32, 513, sp::quantity::power, gf::hann_enbw)));
    for (int i = 0; i < 6; ++i) CHECK(rel_error(op.result()[i], gf::band_power_frame0[i]) <= 1e-5);
    // Decibels.
    sp::band_power<6> db{edges, true};
    REQUIRE(db.compute(view_of(gf::power_frame0_f32, 513, sp::quantity::power, gf::hann_enbw)));
    for (int i = 0; i < 6; ++i) CHECK(std::fabs(db.result()[i] - 10.0 * std::log10(gf::band_power_frame0[i])) < 1e-4);
}

TEST_CASE("band_power: edges, empty bands and bad input", "[spectral][band_power]") {
    static float v[11];
    for (int k = 0; k < 11; ++k) v[k] = static_cast<float>(k);
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    s.bin_hz = 1.0;
    s.kind = sp::quantity::density;
    sp::band_power<3> op{{2.0, 4.0, 4.5, 10.0}};
    REQUIRE(op.compute(s));
    CHECK(op.result()[0] == 2.0f + 3.0f);       // bins 2, 3
    CHECK(op.result()[1] == 4.0f);              // bin 4
    CHECK(op.result()[2] == 5 + 6 + 7 + 8 + 9 + 10.0f);  // last band includes its upper edge
    sp::band_power<1> empty{{4.2, 4.8}};
    REQUIRE(empty.compute(s));
    CHECK(empty.result()[0] == 0.0f);
    v[5] = std::numeric_limits<float>::quiet_NaN();
    int n = 0;
    op.push(s, [&](const auto&) { ++n; });
    CHECK(n == 0);
    CHECK(op.rejected() == 1);
    // A NaN outside every band does not matter.
    sp::band_power<1> low{{0.0, 2.0}};
    CHECK(low.compute(s));
}

#include "golden/spectral_signal.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/spectral/rfft.hpp"

TEST_CASE("band_power: the DESIGN.md pipeline framer | rfft | band_power", "[spectral][band_power]") {
    namespace gs = nerve::golden::spectral_signal;
    static auto p = nerve::framer<1024, 512>{}
                  | sp::rfft<1024>{nerve::window::hann, nerve::sample_rate{gs::fs}}
                  | sp::band_power<6>{edges};
    int frames = 0;
    static float first[6];
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < 4096; ++i) p.push(gs::x[i], [&](std::span<const float, 6> b) {
        if (frames++ == 0) for (int k = 0; k < 6; ++k) first[k] = b[k];
    }));
    CHECK(frames == 7);
    // The first frame is x[0..1023], whose Hann power spectrum is in the golden data.
    for (int k = 0; k < 6; ++k) CHECK(rel_error(first[k], gf::band_power_frame0[k]) <= 1e-5);
}
