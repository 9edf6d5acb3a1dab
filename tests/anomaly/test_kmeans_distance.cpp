#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "nerve/anomaly/kmeans_distance.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::kmeans_distance;
using nerve::test::gauss;

namespace {
// Three clusters in 2-D, 0.2 spread, visited in turn.
std::array<float, 2> clustered(gauss& g, int i) {
    static constexpr float cx[3] = {0.0f, 3.0f, -2.0f}, cy[3] = {0.0f, 1.0f, 2.5f};
    const int k = i % 3;
    return {cx[k] + 0.2f * g(), cy[k] + 0.2f * g()};
}
}  // namespace

TEST_CASE("kmeans_distance finds the clusters and flags points between them", "[kmeans_distance]") {
    kmeans_distance<2, 3> d;
    gauss g(1);
    std::uint32_t false_alarms = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 6000; ++i) false_alarms += d(clustered(g, i)).alarm ? 1u : 0u);
    CHECK(false_alarms <= 12);  // 0.1 % of 6000 expected (chi-square calibration)
    // Every true centre has a centroid within 0.1.
    for (auto c : {std::array<float, 2>{0.0f, 0.0f}, std::array<float, 2>{3.0f, 1.0f}, std::array<float, 2>{-2.0f, 2.5f}}) {
        std::size_t w = 0;
        CHECK(std::sqrt(d.nearest(c, w)) < 0.1f);
    }
    CHECK(d({1.5f, 0.5f}).alarm);            // between clusters
    CHECK(d({0.05f, -0.05f}).score < 0.9f);  // inside one
}

TEST_CASE("kmeans_distance detects spikes in a feature stream", "[kmeans_distance]") {
    kmeans_distance<2, 3> d;
    gauss g(2);
    std::uint32_t hits = 0, events = 0, false_alarms = 0;
    for (int i = 0; i < 8000; ++i) {
        auto x = clustered(g, i);
        const bool spike = i > 1000 && i % 400 == 0;
        if (spike) x[1] += 2.0f;  // 10 sigma of the cluster spread
        const auto v = d(x);
        if (spike) {
            ++events;
            hits += v.alarm ? 1u : 0u;
        } else {
            false_alarms += v.alarm ? 1u : 0u;
        }
    }
    CHECK(hits == events);
    CHECK(false_alarms <= 16);
}

TEST_CASE("kmeans_distance bad input, stuck input and snapshot", "[kmeans_distance][bad-input][snapshot]") {
    kmeans_distance<2, 2> d;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(d({nan, 0.0f}).score == 0.0f);
    CHECK(d({0.0f, std::numeric_limits<float>::infinity()}).score == 0.0f);
    CHECK(d.rejected() == 2);
    for (int i = 0; i < 300; ++i) CHECK(std::isfinite(d({1.0f, 1.0f}).score));  // stuck
    CHECK(d({1.5f, 1.0f}).score > 0.999f);
    CHECK(d({3e37f, 3e37f}).score == 1.0f);  // distance overflows: scored 1, not learned
    gauss g(3);
    float sum = 0;
    for (int i = 0; i < 3000; ++i) {
        const auto v = d({1.0f + 0.1f * g(), 1.0f + 0.1f * g()});
        CHECK(std::isfinite(v.score));
        if (i >= 2800) sum += v.score;
    }
    CHECK(sum / 200.0f < 0.75f);  // recovered
    kmeans_distance<2, 2> a, b;
    for (int i = 0; i < 300; ++i) a({g(), g()});
    std::array<std::byte, 256> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a({0.5f, 0.5f}) == b({0.5f, 0.5f}));
}
