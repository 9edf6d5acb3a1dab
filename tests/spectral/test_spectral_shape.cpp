#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_features.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/spectral_shape.hpp"

namespace sp = nerve::spectral;
namespace gf = nerve::golden::spectral_features;
using nerve::test::rel_error;

static_assert(nerve::general_operator<sp::spectral_shape<>>);

namespace {
sp::spectrum_view<float> view_of(const float* v, std::size_t n, sp::quantity kind, double enbw) {
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v, n};
    s.bin_hz = 1000.0 / 1024.0;
    s.kind = kind;
    s.enbw_bins = enbw;
    s.fft_size = 1024;
    return s;
}
void check(const sp::spectral_shape_result& r, const double* g) {
    const double got[] = {r.total_power, r.centroid, r.spread, r.skewness, r.kurtosis, r.flatness, r.rolloff, r.entropy};
    for (int i = 0; i < 8; ++i) {
        INFO("feature " << i << " got " << got[i] << " want " << g[i]);
        CHECK(rel_error(got[i], g[i]) <= 1e-5);
    }
}
}  // namespace

TEST_CASE("spectral_shape: Welch density and a Hann power spectrum match numpy definitions", "[spectral][shape]") {
    const auto welch = view_of(gf::welch_density_f32, 513, sp::quantity::density, 1.5);
    sp::spectral_shape<> op;
    sp::spectral_shape_result got{};
    NERVE_REQUIRE_NO_ALLOC(op.push(welch, [&](const sp::spectral_shape_result& r) { got = r; }));
    check(got, gf::shape_welch);
    sp::spectral_shape<> op95{0.95};
    REQUIRE(op95.compute(welch));
    check(op95.result(), gf::shape_welch_rolloff95);
    const auto power = view_of(gf::power_frame0_f32, 513, sp::quantity::power, gf::hann_enbw);
    REQUIRE(op.compute(power));
    check(op.result(), gf::shape_frame0);
}

TEST_CASE("spectral_shape: limiting cases", "[spectral][shape]") {
    static float v[65];
    for (auto& x : v) x = 1.0f;
    sp::spectral_shape<> op;
    REQUIRE(op.compute(view_of(v, 65, sp::quantity::power, 1.0)));
    CHECK(op.result().flatness == Approx(1.0));
    CHECK(op.result().entropy == Approx(1.0));
    CHECK(op.result().centroid == Approx(32 * 1000.0 / 1024.0));
    for (auto& x : v) x = 0.0f;
    v[10] = 4.0f;
    REQUIRE(op.compute(view_of(v, 65, sp::quantity::power, 1.0)));
    CHECK(op.result().centroid == Approx(10 * 1000.0 / 1024.0));
    CHECK(op.result().spread == 0.0);
    CHECK(op.result().entropy == 0.0);
    CHECK(op.result().flatness < 1e-6);
    CHECK(op.result().rolloff == Approx(10 * 1000.0 / 1024.0));
    for (auto& x : v) x = 0.0f;  // silence: defined, finite
    REQUIRE(op.compute(view_of(v, 65, sp::quantity::power, 1.0)));
    CHECK(op.result().total_power == 0.0);
    CHECK(op.result().flatness == 1.0);
    // Frequency range restriction.
    for (int k = 0; k < 65; ++k) v[k] = static_cast<float>(k);
    sp::spectral_shape<> band{0.85, 10.0, 20.0};
    REQUIRE(band.compute(view_of(v, 65, sp::quantity::power, 1.0)));
    CHECK(band.result().centroid > 10.0);
    CHECK(band.result().centroid < 20.0);
}

TEST_CASE("spectral_shape: NaN, Inf and negative (dB) spectra are rejected", "[spectral][shape]") {
    static float v[33];
    for (auto& x : v) x = 1.0f;
    sp::spectral_shape<> op;
    int n = 0;
    v[3] = std::numeric_limits<float>::quiet_NaN();
    op.push(view_of(v, 33, sp::quantity::power, 1.0), [&](const auto&) { ++n; });
    v[3] = std::numeric_limits<float>::infinity();
    op.push(view_of(v, 33, sp::quantity::power, 1.0), [&](const auto&) { ++n; });
    v[3] = -20.0f;
    op.push(view_of(v, 33, sp::quantity::power, 1.0), [&](const auto&) { ++n; });
    CHECK(n == 0);
    CHECK(op.rejected() == 3);
}
