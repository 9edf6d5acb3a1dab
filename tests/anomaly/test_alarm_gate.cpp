#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "nerve/anomaly/alarm_gate.hpp"
#include "nerve/anomaly/verdict.hpp"
#include "nerve/core/snapshot.hpp"

using nerve::anomaly::alarm_gate;
using nerve::anomaly::verdict;

TEST_CASE("score helpers stay finite and in [0, 1]", "[alarm_gate]") {
    using namespace nerve::anomaly;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(clamp_score(nan) == 0.0f);
    CHECK(clamp_score(inf) == 1.0f);
    CHECK(clamp_score(-inf) == 0.0f);
    CHECK(clamp_score(0.25f) == 0.25f);
    CHECK(z_to_score(0.0f) == 0.0f);
    CHECK(z_to_score(3.0f) == Approx(0.9973).margin(1e-4));
    CHECK(z_to_score(-3.0f) == z_to_score(3.0f));
    CHECK(z_to_score(inf) == 1.0f);
    CHECK(z_to_score(nan) == 0.0f);
    CHECK(z_to_score_one_sided(0.0f) == Approx(0.5f));
    CHECK(z_to_score_one_sided(-inf) == 0.0f);
    CHECK(ratio_to_score(1.0f) == 0.5f);
    CHECK(ratio_to_score(inf) == 1.0f);
    CHECK(ratio_to_score(-1.0f) == 0.0f);
}

TEST_CASE("alarm_gate raises one alarm per episode with hysteresis", "[alarm_gate]") {
    alarm_gate g(0.9f, 0.5f);
    const std::array<float, 10> s{0.1f, 0.95f, 0.8f, 0.92f, 0.6f, 0.4f, 0.91f, 0.2f, 0.2f, 0.99f};
    const std::array<bool, 10> want{false, true, false, false, false, false, true, false, false, true};
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < s.size(); ++i) {
        const verdict v = g(s[i]);
        CHECK(v.alarm == want[i]);
        CHECK(v.score == s[i]);
    });
    CHECK(g.active());
}

TEST_CASE("alarm_gate refractory period suppresses re-alarms for exactly N samples", "[alarm_gate]") {
    alarm_gate g(0.9f, 0.9f, 3);  // no hysteresis
    // alarm at 0; off at 1; on again at 2 and 3 (suppressed, t+2 and t+3 within refractory)
    const std::array<float, 8> s{1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 1.0f};
    const std::array<bool, 8> want{true, false, false, false, true, false, false, false};
    for (std::size_t i = 0; i < s.size(); ++i) {
        INFO("sample " << i);
        CHECK(g(s[i]).alarm == want[i]);
    }
}

TEST_CASE("alarm_gate bad input: NaN is no evidence, Inf is full evidence", "[alarm_gate][bad-input]") {
    alarm_gate g(0.9f, 0.5f);
    CHECK(g(std::numeric_limits<float>::quiet_NaN()) == verdict{0.0f, false});
    CHECK(g(std::numeric_limits<float>::infinity()) == verdict{1.0f, true});
    CHECK(g(std::numeric_limits<float>::quiet_NaN()).score == 0.0f);
    CHECK_FALSE(g.active());
    CHECK(g(verdict{0.95f, false}).alarm);
    g.reset();
    CHECK_FALSE(g.active());
    // An inverted band (off > on) is treated as no hysteresis.
    alarm_gate inv(0.5f, 0.8f);
    CHECK(inv.settings().off == 0.5f);
}

TEST_CASE("alarm_gate state survives a snapshot and refuses an impossible one", "[alarm_gate][snapshot]") {
    alarm_gate a(0.9f, 0.5f, 10), b(0.9f, 0.5f, 10);
    a(1.0f);
    std::array<std::byte, 64> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(b.active());
    CHECK(a(0.0f) == b(0.0f));
    CHECK(a(1.0f) == b(1.0f));
}
