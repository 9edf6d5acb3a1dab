#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/spectral_features.hpp"
#include "golden/spectral_signal.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/stats/time_features.hpp"

namespace gf = nerve::golden::spectral_features;
namespace gs = nerve::golden::spectral_signal;
using nerve::stats::time_features;
using result5 = nerve::stats::time_features_result<float, 5>;

static_assert(nerve::general_operator<time_features<64>>);

namespace {
double rel(double a, double b) { return b == 0.0 ? std::fabs(a) : std::fabs(a - b) / std::fabs(b); }

void check_against(const result5& r, const double* g) {
    const double got[] = {r.mean, r.rms, r.std, r.min, r.max, r.peak, r.peak_to_peak, r.crest_factor,
                          r.skewness, r.kurtosis, r.zero_crossing_rate, r.mean_crossing_rate,
                          r.percentiles[0], r.percentiles[1], r.percentiles[2], r.percentiles[3], r.percentiles[4]};
    for (int i = 0; i < 17; ++i) {
        INFO("feature " << i << " got " << got[i] << " want " << g[i]);
        CHECK(rel(got[i], g[i]) <= 1e-5);
    }
}
}  // namespace

TEST_CASE("time_features: match numpy/scipy.stats on two frames", "[stats][time_features]") {
    static time_features<1024, float, 5> op{{5.0, 25.0, 50.0, 75.0, 95.0}};
    static result5 got[2];
    int n = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int f = 0; f < 2; ++f) op.push(std::span<const float, 1024>{gs::x + 1024 * f, 1024},
                                                              [&](const result5& r) { got[n++] = r; }));
    REQUIRE(n == 2);
    check_against(got[0], gf::time_frame0);
    check_against(got[1], gf::time_frame1);
}

TEST_CASE("time_features: known shapes", "[stats][time_features]") {
    static float x[1000];
    // Square wave +-2: rms 2, crest 1, kurtosis -2, skewness 0, zero crossings every 10 samples.
    for (int i = 0; i < 1000; ++i) x[i] = ((i / 10) % 2) ? -2.0f : 2.0f;
    time_features<1000> op;
    REQUIRE(op.compute(std::span<const float, 1000>{x}));
    const auto& r = op.result();
    CHECK(r.rms == Approx(2.0));
    CHECK(r.crest_factor == Approx(1.0));
    CHECK(r.kurtosis == Approx(-2.0));
    CHECK(std::fabs(r.skewness) < 1e-6);
    CHECK(r.zero_crossing_rate == Approx(99.0 / 999.0));
    CHECK(r.peak_to_peak == Approx(4.0));
    // Constant: no NaN.
    for (auto& v : x) v = 3.0f;
    REQUIRE(op.compute(std::span<const float, 1000>{x}));
    CHECK(op.result().skewness == 0.0f);
    CHECK(op.result().kurtosis == 0.0f);
    CHECK(op.result().crest_factor == Approx(1.0));
    CHECK(op.result().std == 0.0f);
}

TEST_CASE("time_features: NaN/Inf frames are rejected and counted", "[stats][time_features]") {
    static float x[64];
    for (int i = 0; i < 64; ++i) x[i] = static_cast<float>(std::sin(0.1 * i));
    time_features<64> op;
    int n = 0;
    auto count = [&](const auto&) { ++n; };
    op.push(std::span<const float, 64>{x}, count);
    x[7] = std::numeric_limits<float>::quiet_NaN();
    op.push(std::span<const float, 64>{x}, count);
    x[7] = -std::numeric_limits<float>::infinity();
    op.push(std::span<const float, 64>{x}, count);
    CHECK(n == 1);
    CHECK(op.rejected() == 2);
    CHECK(std::isfinite(op.result().rms));
    op.reset();
    CHECK(op.rejected() == 0);
}

TEST_CASE("time_features: q15 frames and a generic span", "[stats][time_features]") {
    static nerve::q15 q[256];
    static float f[256];
    for (int i = 0; i < 256; ++i) {
        f[i] = static_cast<float>(0.5 * std::sin(0.2 * i) + 0.1);
        q[i] = nerve::q15::from_float(f[i]);
    }
    time_features<256, nerve::q15, 1> qop{{50.0}};
    time_features<256, float, 1> fop{{50.0}};
    REQUIRE(qop.compute(std::span<const nerve::q15, 256>{q}));
    REQUIRE(fop.compute(std::span<const float, 256>{f}));
    CHECK(std::fabs(qop.result().rms - fop.result().rms) < 1e-4);
    CHECK(std::fabs(qop.result().percentiles[0] - fop.result().percentiles[0]) < 1e-4);
    // The free function on a dynamic span (e.g. the values of a spectrum).
    nerve::stats::time_features_result<double, 0> r;
    REQUIRE(nerve::stats::compute_time_features(std::span<const float>{f, 100}, std::array<double, 0>{},
                                                std::span<double>{}, r));
    double m = 0.0;
    for (int i = 0; i < 100; ++i) m += f[i];
    CHECK(r.mean == Approx(m / 100.0).epsilon(1e-6));  // float work, double block sums
}
