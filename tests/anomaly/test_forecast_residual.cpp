#include "nerve_test.hpp"

#include <array>
#include <algorithm>
#include <cmath>
#include <limits>

#include "nerve/anomaly/forecast_residual.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::forecast_residual;
using namespace nerve::test;

TEST_CASE("forecast_residual detects spikes and variance changes", "[forecast_residual]") {
    struct expect { anomaly_kind kind; std::uint32_t within; };
    for (auto e : {expect{anomaly_kind::spike, 1}, expect{anomaly_kind::variance_change, 20}}) {
        forecast_residual<> d;
        outcome o;
        NERVE_REQUIRE_NO_ALLOC(o = run_stream(d, e.kind, 6000, 3000, e.within));
        INFO("kind " << static_cast<int>(e.kind));
        CHECK(o.finite);
        CHECK(o.detected == o.events);
        CHECK(o.false_alarms <= 12);
    }
}

TEST_CASE("forecast_residual sees a level shift, then follows it", "[forecast_residual]") {
    // The forecast moves towards a new level at once, so only the first residuals carry the
    // jump: a 4-sigma shift reaches ~3 sigma (score > 0.99) but not always the 3.3-sigma
    // alarm; cusum and ewma_chart are the shift detectors.
    forecast_residual<> d;
    stream st(anomaly_kind::level_shift, 3000, 1);
    float peak = 0;
    std::uint32_t late_alarms = 0;
    for (std::uint32_t i = 0; i < 6000; ++i) {
        const auto v = d(st(i));
        if (i >= 3000 && i < 3003) peak = std::max(peak, v.score);
        if (i >= 3100) late_alarms += v.alarm ? 1u : 0u;
    }
    CHECK(peak > 0.99f);
    CHECK(late_alarms <= 8);  // the new level is normal again
}

TEST_CASE("forecast_residual follows a steep ramp without alarms", "[forecast_residual]") {
    // 0.05 sigma per sample: a z-score on a level baseline would lag and alarm; Holt's trend
    // term forecasts it.
    forecast_residual<> d;
    gauss g(12);
    std::uint32_t alarms = 0;
    for (int i = 0; i < 6000; ++i) alarms += d(0.05f * static_cast<float>(i) + g()).alarm ? 1u : 0u;
    CHECK(alarms <= 15);
    forecast_residual<> drift;
    CHECK(run_stream(drift, anomaly_kind::drift, 6000, 1000, 1).false_alarms <= 12);
}

TEST_CASE("forecast_residual bad input and snapshot", "[forecast_residual][bad-input][snapshot]") {
    forecast_residual<> d;
    float after = 1;
    CHECK(bad_input_gauntlet(d, after));
    CHECK(after < 0.7f);
    forecast_residual<> a, b;
    gauss g(2);
    for (int i = 0; i < 80; ++i) a(g());
    std::array<std::byte, 128> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(2.0f) == b(2.0f));
    CHECK(a.predictor().trend() == b.predictor().trend());
}
