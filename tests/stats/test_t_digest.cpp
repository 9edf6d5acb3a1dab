#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>

#include "golden/stats_t_digest.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/t_digest.hpp"

namespace g = golden::stats_t_digest;
using digest = nerve::stats::t_digest<float, 100, 100>;

namespace {
// The generator of tools/gen_golden_t_digest.py, bit for bit: a 32-bit LCG, uniforms in
// (0, 1] that are exact in float, and only +, / on them.
struct lcg {
    std::uint32_t k;
    float operator()() noexcept {
        k = k * 1664525u + 1013904223u;
        return static_cast<float>((k >> 8) + 1u) * 0x1p-24f;
    }
};

struct stream {
    std::array<float, g::n> x;
    void fill(int kind, int n = g::n) {
        lcg u{static_cast<std::uint32_t>(kind + 1)};
        for (int i = 0; i < n; ++i) {
            float v;
            if (kind == 0) {
                v = u();
            } else if (kind == 1) {
                v = u();
                v = v + u();
                v = v + u();
                v = v + u();
            } else if (kind == 2) {
                v = 1.0f / u();
            } else {
                const float r = static_cast<float>(i) / static_cast<float>(g::n);
                v = r + u();
            }
            x[static_cast<std::size_t>(i)] = v;
        }
    }
};

constexpr int probes = static_cast<int>(std::size(g::probes));
const double* row(int kind, int p) { return g::rows + (kind * probes + p) * 6; }

// Rank error of an estimate: how far its empirical CDF (from the sorted stream) is from q.
double rank_error(const std::array<float, g::n>& sorted, float est, double q) {
    const auto lo = std::lower_bound(sorted.begin(), sorted.end(), est) - sorted.begin();
    const auto hi = std::upper_bound(sorted.begin(), sorted.end(), est) - sorted.begin();
    const double n = g::n, target = q * (n - 1.0) + 0.5;
    if (target < static_cast<double>(lo)) return (static_cast<double>(lo) - target) / n;
    if (target > static_cast<double>(hi)) return (target - static_cast<double>(hi)) / n;
    return 0.0;
}

void check_bands(digest& d, int kind, double& worst_ratio) {
    static stream sorted;
    sorted.fill(kind);
    std::sort(sorted.x.begin(), sorted.x.end());
    for (int p = 0; p < probes; ++p) {
        const double* r = row(kind, p);
        const double q = r[0], lo = r[2], hi = r[3], eps = r[5];
        const float est = d.quantile(q);
        INFO("kind " << kind << " q " << q << " estimate " << est << " numpy " << r[1] << " band [" << lo << ", " << hi << "]");
        // within numpy's quantiles at q -+ eps(q) (1e-7 relative: float rounding of the answer)
        CHECK(est >= lo - 1e-7 * std::abs(lo));
        CHECK(est <= hi + 1e-7 * std::abs(hi));
        const double c = d.cdf(static_cast<float>(r[1]));
        CHECK(std::abs(c - r[4]) <= eps);
        worst_ratio = std::max(worst_ratio, rank_error(sorted.x, est, q) / eps);
    }
}
}  // namespace

TEST_CASE("t_digest quantiles and CDF within eps(q) of numpy, tails tighter", "[t_digest]") {
    static stream s;
    double worst = 0;
    for (int kind = 0; kind < g::kinds; ++kind) {
        s.fill(kind);
        static digest d;
        d.reset();
        NERVE_REQUIRE_NO_ALLOC(for (float v : s.x) d.update(v));
        CHECK(d.count() == static_cast<std::uint64_t>(g::n));
        d.flush();
        CHECK(d.centroids() <= digest::capacity);
        CHECK(d.state_is_valid());
        float q99 = 0;
        NERVE_REQUIRE_NO_ALLOC(q99 = d.quantile(0.99); (void)d.cdf(q99));
        check_bands(d, kind, worst);
    }
    WARN("t_digest<float, 100>: worst rank error / eps(q) over 4 streams x 15 probes: " << worst);
}

TEST_CASE("t_digest merge of shards keeps the bound", "[t_digest]") {
    static stream s;
    double worst = 0;
    for (int kind : {1, 2, 3}) {
        s.fill(kind);
        static digest parts[4], all;
        all.reset();
        const std::size_t cut[5] = {0, 1000, 9000, 9001, g::n};  // uneven shards, one of one sample
        for (int k = 0; k < 4; ++k) {
            parts[k].reset();
            for (std::size_t i = cut[k]; i < cut[k + 1]; ++i) parts[k].update(s.x[i]);
        }
        NERVE_REQUIRE_NO_ALLOC(for (int k = 0; k < 4; ++k) all.merge(parts[k]));
        CHECK(all.count() == static_cast<std::uint64_t>(g::n));
        all.flush();
        CHECK(all.centroids() <= digest::capacity);
        check_bands(all, kind, worst);
    }
    WARN("t_digest merged from 4 shards: worst rank error / eps(q): " << worst);
}

TEST_CASE("t_digest is exact while every centroid is one sample", "[t_digest]") {
    stream s;
    s.fill(0, 30);
    digest d;
    for (int i = 0; i < 30; ++i) d.update(s.x[static_cast<std::size_t>(i)]);
    for (int p = 0; p < probes; ++p) {
        INFO("q " << g::probes[p]);
        CHECK(d.quantile(g::probes[p]) == Approx(g::small_quantiles[p]).epsilon(1e-6));
    }
}

TEST_CASE("t_digest bad input, edge cases and snapshot", "[t_digest][bad-input][snapshot]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    digest d;
    CHECK(std::isnan(d.quantile(0.5)));
    CHECK(std::isnan(d.cdf(1.0f)));
    d.update(nan);
    d.update(inf);
    d.update(-inf);
    CHECK(d.rejected() == 3);
    CHECK(d.count() == 0);
    d.update(2.0f);  // one sample: every quantile is it
    CHECK(d.quantile(0.0) == 2.0f);
    CHECK(d.quantile(0.7) == 2.0f);
    CHECK(d.cdf(1.9f) == 0.0);
    CHECK(d.cdf(2.0f) == 1.0);
    CHECK(std::isnan(d.quantile(std::numeric_limits<double>::quiet_NaN())));
    CHECK(d.quantile(-3.0) == 2.0f);  // q clamped
    // constant stream, then huge finite values of both signs (no overflow in the means)
    digest c;
    for (int i = 0; i < 1000; ++i) c.update(5.0f);
    CHECK(c.quantile(0.5) == 5.0f);
    for (int i = 0; i < 500; ++i) c.update(i % 2 ? 3e38f : -3e38f);
    for (double q : {0.0, 0.1, 0.5, 0.9, 1.0}) CHECK(std::isfinite(c.quantile(q)));
    CHECK(c.quantile(0.0) == -3e38f);
    CHECK(c.quantile(1.0) == 3e38f);
    CHECK(c.quantile(0.5) == 5.0f);
    CHECK(c.state_is_valid());
    // snapshot round trip, including a part-filled buffer
    auto a = std::make_unique<digest>(), b = std::make_unique<digest>();
    lcg u{9};
    for (int i = 0; i < 1234; ++i) a->update(u());
    static std::array<std::byte, 8192> buf{};
    auto n = nerve::snapshot(*a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(*b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (double q : {0.01, 0.5, 0.99}) CHECK(a->quantile(q) == b->quantile(q));
    CHECK(a->count() == b->count());
}
