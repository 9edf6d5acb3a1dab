#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <memory>

#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/anomaly/score_quantile.hpp"
#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::score_quantile;
using nerve::test::gauss;

TEST_CASE("score_quantile alarms at about the target rate on normal scores", "[score_quantile]") {
    for (double rate : {1e-2, 1e-3}) {
        score_quantile q({rate, 0, 0});
        gauss g(11);
        std::uint32_t alarms = 0;
        const std::uint32_t n = 200000;
        NERVE_REQUIRE_NO_ALLOC(for (std::uint32_t i = 0; i < n; ++i) alarms += q(g.uniform()).alarm ? 1u : 0u);
        const double observed = alarms / static_cast<double>(n);
        INFO("rate " << rate << " observed " << observed);
        CHECK(observed > 0.6 * rate);
        CHECK(observed < 1.4 * rate);
        CHECK(q.threshold() == Approx(1.0 - rate).margin(rate * 0.3));
    }
}

TEST_CASE("score_quantile turns HST's squashed scores into spike alarms", "[score_quantile]") {
    using H = nerve::anomaly::half_space_trees<1, 25, 12, 250>;
    auto h = std::make_unique<H>(H::config{{-5.0f}, {5.0f}, 42, {2.0f, 2.0f, 0}});
    score_quantile q({2e-3, 2000, 20});
    gauss g(3);
    std::uint32_t hits = 0, spikes = 0, false_alarms = 0;
    for (int i = 0; i < 30000; ++i) {
        const bool spike = i > 3000 && i % 1000 == 0;
        const auto v = q((*h)(spike ? 3.8f : 0.5f * g()));
        if (spike) {
            ++spikes;
            hits += v.alarm ? 1u : 0u;
        } else {
            false_alarms += v.alarm ? 1u : 0u;
        }
    }
    CHECK(hits == spikes);
    CHECK(false_alarms <= 90);  // 2e-3 of 30000 = 60 expected
}

TEST_CASE("score_quantile composes in a pipeline and handles bad scores", "[score_quantile][bad-input]") {
    auto p = nerve::anomaly::zscore<float>{} | score_quantile({1e-2, 500, 0});
    gauss g(5);
    int alarms = 0;
    for (int i = 0; i < 5000; ++i) p.push(g(), [&](const nerve::anomaly::verdict& v) { alarms += v.alarm; });
    CHECK(alarms > 10);
    CHECK(alarms < 100);
    score_quantile q({1e-2, 100, 0});
    for (int i = 0; i < 200; ++i) q(0.3f);  // a flat score stream never alarms
    CHECK_FALSE(q(0.3f).alarm);
    CHECK(q(std::numeric_limits<float>::quiet_NaN()).score == 0.0f);
    CHECK(q.rejected() == 1);
    CHECK(q(std::numeric_limits<float>::infinity()).alarm);  // +Inf is score 1 > threshold
    score_quantile a({1e-2, 10, 0}), b({1e-2, 10, 0});
    for (int i = 0; i < 50; ++i) a(g.uniform());
    std::array<std::byte, 256> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(0.99f) == b(0.99f));
}
