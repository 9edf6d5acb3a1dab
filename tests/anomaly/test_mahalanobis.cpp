// Built with EIGEN_NO_MALLOC: any heap allocation inside Eigen aborts the test.
#define EIGEN_NO_MALLOC
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <memory>

#include "golden/stats_streaming.hpp"
#include "nerve/anomaly/mahalanobis.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

namespace g = golden::stats_streaming;
using nerve::anomaly::mahalanobis;
using nerve::test::gauss;

TEST_CASE("chi2_to_score matches scipy.stats.chi2.cdf", "[mahalanobis]") {
    const std::size_t nx = std::size(g::chi2_x);
    double err = 0;
    // Up to the knee (CDF 0.999) the score is the CDF; past it, the compressed tail of the log
    // survival function (tested against mpmath in test_verdict.cpp).
    for (unsigned k = 1; k <= 8; ++k)
        for (std::size_t i = 0; i < nx; ++i)
            if (g::chi2_cdf[(k - 1) * nx + i] <= 0.999) err = std::max(err, std::abs(nerve::anomaly::chi2_to_score(static_cast<float>(g::chi2_x[i]), k) -
                                         g::chi2_cdf[(k - 1) * nx + i]));
    CHECK(err < 2e-6);  // float
    CHECK(nerve::anomaly::chi2_to_score(std::numeric_limits<float>::infinity(), 3) == 1.0f);
    CHECK(nerve::anomaly::chi2_to_score(std::numeric_limits<float>::quiet_NaN(), 3) == 0.0f);
}

namespace {
// Three correlated features: f1 = a, f2 = 0.9 a + 0.3 b, f3 = 5 + 0.5 c.
std::array<float, 3> correlated(gauss& g) {
    const float a = g(), b = g(), c = g();
    return {a, 0.9f * a + 0.3f * b, 5.0f + 0.5f * c};
}
}  // namespace

TEST_CASE("mahalanobis learns the covariance and flags a broken correlation", "[mahalanobis]") {
    mahalanobis<3> m;
    gauss g(5);
    std::uint32_t false_alarms = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 5000; ++i) false_alarms += m(correlated(g)).alarm ? 1u : 0u);
    CHECK(false_alarms <= 12);  // 0.1 % per sample expected at the 0.999 gate
    const auto& c = m.covariance();
    CHECK(c[0] == Approx(1.0f).margin(0.15f));
    CHECK(c[1] == Approx(0.9f).margin(0.15f));   // cov(f1, f2)
    CHECK(c[4] == Approx(0.9f).margin(0.15f));   // var(f2) = 0.81 + 0.09
    CHECK(c[8] == Approx(0.25f).margin(0.05f));
    // Each coordinate is ordinary (|f| < 2 sigma) but f2 = -f1 breaks the correlation.
    const float broken = m.distance2({1.5f, -1.5f, 5.0f});
    const float fine = m.distance2({1.5f, 1.35f, 5.0f});
    CHECK(broken > 50.0f);
    CHECK(fine < 5.0f);
    CHECK(m({1.5f, -1.5f, 5.0f}).alarm);
}

TEST_CASE("mahalanobis detects a shift of one feature", "[mahalanobis]") {
    mahalanobis<3> m;
    gauss g(6);
    for (int i = 0; i < 2000; ++i) m(correlated(g));
    int first = -1;
    for (int i = 0; i < 50 && first < 0; ++i) {
        auto x = correlated(g);
        x[2] += 2.5f;  // 5 sigma of feature 3
        if (m(x).alarm) first = i;
    }
    CHECK(first >= 0);
    CHECK(first < 3);
}

TEST_CASE("mahalanobis 8 features runs without the heap", "[mahalanobis]") {
    static mahalanobis<8> m;  // EIGEN_NO_MALLOC aborts on any Eigen heap use
    gauss g(7);
    float max_score = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 2000; ++i) {
        std::array<float, 8> x{};
        for (std::size_t k = 0; k < 8; ++k) x[k] = g() + (k > 0 ? 0.5f * x[k - 1] : 0.0f);
        const auto v = m(x);
        max_score = std::max(max_score, v.score);
    });
    CHECK(max_score <= 1.0f);
    CHECK(m.count() == 2000);
}

namespace {
// The per-sample O(F^3) definition the O(F^2) detector must reproduce: a fresh Cholesky of
// Sigma + r I (the full ridge) in double.
template <std::size_t F>
double reference_d2(const mahalanobis<F>& m, const std::array<float, F>& x) {
    using md = Eigen::Matrix<double, static_cast<int>(F), static_cast<int>(F)>;
    using vd = Eigen::Matrix<double, static_cast<int>(F), 1>;
    md a = Eigen::Map<const Eigen::Matrix<float, static_cast<int>(F), static_cast<int>(F)>>(m.covariance().data())
               .template cast<double>();
    a.diagonal().array() += 1e-4 * a.trace() / static_cast<double>(F) + 1e-10;
    vd d;
    for (std::size_t i = 0; i < F; ++i) d[static_cast<int>(i)] = static_cast<double>(x[i]) - m.mean()[i];
    const Eigen::LLT<md> llt(a);
    return llt.matrixL().solve(d).squaredNorm();
}
}  // namespace

TEST_CASE("mahalanobis: the rank-one-updated inverse tracks a fresh factorisation", "[mahalanobis]") {
    // Between refreshes (every 64 vectors) the inverse is only updated; its distances must stay
    // within float rounding and the decayed ridge (B = Sigma + s r I, s >= 0.99^64) of the
    // fresh per-sample factorisation, including right before a refresh.
    static mahalanobis<8> m;
    gauss g(11);
    double worst = 0;
    std::uint32_t checked = 0;
    for (int i = 0; i < 6000; ++i) {
        std::array<float, 8> x{};
        for (std::size_t k = 0; k < 8; ++k) x[k] = g() + (k > 0 ? 0.5f * x[k - 1] : 0.0f);
        if (i == 3000) x[3] += 6.0f;  // one outlier: a large rank-one step
        if (m.count() >= 160 + 1) {
            const double ref = reference_d2(m, x);
            worst = std::max(worst, std::abs(static_cast<double>(m.distance2(x)) - ref) / ref);
            ++checked;
        }
        m(x);
    }
    WARN("mahalanobis<8>: worst relative d2 error of the updated inverse vs a fresh LLT: " << worst);
    CHECK(checked > 5000);
    CHECK(worst < 1e-3);
}

TEST_CASE("mahalanobis bad input: NaN/Inf, stuck feature, huge values, recovery", "[mahalanobis][bad-input]") {
    mahalanobis<3> m;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(m({nan, 0.0f, 0.0f}).score == 0.0f);
    CHECK(m({0.0f, std::numeric_limits<float>::infinity(), 0.0f}).score == 0.0f);
    CHECK(m.rejected() == 2);
    gauss g(9);
    for (int i = 0; i < 500; ++i) {  // feature 3 stuck at 1: a singular covariance
        auto x = correlated(g);
        x[2] = 1.0f;
        const auto v = m(x);
        CHECK(std::isfinite(v.score));
    }
    auto x = correlated(g);
    x[2] = 1.1f;  // the stuck feature moves: anomalous, finite
    CHECK(m(x).score > 0.999f);
    const auto huge = m({3e37f, -3e37f, 1.0f});
    CHECK(huge.score == 1.0f);  // scored, not learned (the covariance would overflow)
    float sum = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto v = m(correlated(g));
        if (i >= 2800) sum += v.score;
    }
    CHECK(sum / 200.0f < 0.75f);  // recovered: ordinary scores again
}

TEST_CASE("mahalanobis snapshot", "[mahalanobis][snapshot]") {
    mahalanobis<3> a, b;
    gauss g(3);
    for (int i = 0; i < 100; ++i) a(correlated(g));
    std::array<std::byte, 256> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    const auto x = correlated(g);
    CHECK(a(x) == b(x));
}
