#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/core/snapshot.hpp"

using nerve::anomaly::conformal_ensemble;
using nerve::anomaly::conformal_ensemble_config;
using nerve::anomaly::nab_default;
using nerve::anomaly::verdict;

namespace {

// Deterministic approximately normal noise (Irwin-Hall: sum of 12 uniforms - 6), the same on
// every target, so the bounds below do not depend on a standard library's distributions.
struct noise {
    std::uint32_t s;
    explicit noise(std::uint32_t seed) : s(seed) {}
    float operator()() {
        float acc = 0.0f;
        for (int i = 0; i < 12; ++i) {
            s = s * 1664525u + 1013904223u;
            acc += static_cast<float>(s >> 8) * (1.0f / 16777216.0f);
        }
        return acc - 6.0f;
    }
};

conformal_ensemble_config with_probation(std::uint32_t p) {
    conformal_ensemble_config c;
    c.probation = p;
    return c;
}

// Objects are ~10 kB: keep them off the small MCU test stack.
nab_default g_a, g_b;

}  // namespace

TEST_CASE("conformal_ensemble: probation samples score 0 and never alarm", "[conformal_ensemble]") {
    g_a = nab_default(with_probation(300));
    noise n(1);
    for (int i = 0; i < 300; ++i) {
        const verdict v = g_a(10.0f + n() + (i == 250 ? 50.0f : 0.0f));
        REQUIRE(v.score == 0.0f);
        REQUIRE(!v.alarm);
    }
    CHECK(g_a.count() == 300);
}

TEST_CASE("conformal_ensemble: a spike in noise raises an alarm at once", "[conformal_ensemble]") {
    g_a = nab_default(with_probation(500));
    noise n(2);
    int alarms_before = 0;
    for (int i = 0; i < 2000; ++i) alarms_before += g_a(100.0f + n()).alarm;
    const verdict spike = g_a(100.0f + 12.0f);  // 12 sigma
    CHECK(spike.alarm);
    CHECK(spike.score >= g_a.settings().gate);
    // refractory: the next samples report 0
    for (int i = 0; i < 50; ++i) REQUIRE(g_a(100.0f + n()).score == 0.0f);
    CHECK(alarms_before <= 4);
}

TEST_CASE("conformal_ensemble: a much stronger anomaly breaks through the refractory period",
          "[conformal_ensemble]") {
    g_a = nab_default(with_probation(500));
    noise n(12);
    for (int i = 0; i < 3000; ++i) g_a(100.0f + n());
    const verdict weak = g_a(100.0f + 8.0f);
    REQUIRE(weak.alarm);
    for (int i = 0; i < 10; ++i) REQUIRE(g_a(100.0f + n()).score == 0.0f);
    const verdict strong = g_a(100.0f + 5000.0f);  // far beyond anything seen: the tail decays
    CHECK(strong.alarm);
    CHECK(strong.score > weak.score * g_a.settings().breakthrough);
    // ... and that restarts the refractory period
    for (int i = 0; i < 50; ++i) REQUIRE(!g_a(100.0f + n()).alarm);

    conformal_ensemble_config off = with_probation(500);
    off.breakthrough = 0.0f;
    g_b = nab_default(off);
    noise m(12);
    for (int i = 0; i < 3000; ++i) g_b(100.0f + m());
    REQUIRE(g_b(100.0f + 8.0f).alarm);
    for (int i = 0; i < 10; ++i) g_b(100.0f + m());
    CHECK(g_b(100.0f + 5000.0f) == verdict{0.0f, false});
}

TEST_CASE("conformal_ensemble: a level shift is detected within a few samples", "[conformal_ensemble]") {
    g_a = nab_default(with_probation(500));
    noise n(3);
    for (int i = 0; i < 2500; ++i) g_a(5.0f + 0.5f * n());
    int delay = -1;
    for (int i = 0; i < 60 && delay < 0; ++i)
        if (g_a(8.0f + 0.5f * n()).alarm) delay = i;  // +6 sigma level shift
    CHECK(delay >= 0);
    CHECK(delay <= 6);
}

TEST_CASE("conformal_ensemble: false alarms on stationary noise are bounded", "[conformal_ensemble]") {
    g_a = nab_default(with_probation(750));
    noise n(4);
    int alarms = 0;
    float max_score = 0.0f;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 20000; ++i) {
        const verdict v = g_a(-3.0f + 2.0f * n());
        alarms += v.alarm;
        max_score = v.score > max_score ? v.score : max_score;
    });
    // one alarm per ~1000 samples at most (the gate sits at a combined p-value of 0.03 and
    // three measures must agree; measured: a handful in 20000)
    CHECK(alarms <= 20);
    CHECK(max_score <= 1.0f);
}

TEST_CASE("conformal_ensemble: a recurring daily pattern stops alarming, a new shape alarms",
          "[conformal_ensemble]") {
    // period 96 samples with a sharp daily peak; after a few days the peak is an old context
    g_a = nab_default(with_probation(500));
    noise n(5);
    auto day = [&](int i, bool broken) {
        const int ph = i % 96;
        float x = 20.0f + 5.0f * std::sin(6.2831853f * static_cast<float>(ph) / 96.0f) + 0.3f * n();
        if (ph >= 40 && ph < 44) x += 30.0f;          // the daily peak
        if (broken && ph >= 60 && ph < 84) x = 0.0f;  // an outage: never seen before
        return x;
    };
    int late_alarms = 0;
    for (int i = 0; i < 96 * 30; ++i) {
        const verdict v = g_a(day(i, false));
        if (i >= 96 * 20) late_alarms += v.alarm;
    }
    CHECK(late_alarms <= 2);  // ten familiar days
    bool found = false;
    for (int i = 96 * 30; i < 96 * 31; ++i) found = found || g_a(day(i, true)).alarm;
    CHECK(found);
}

TEST_CASE("conformal_ensemble: a day without its daily peak alarms, an ordinary day does not",
          "[conformal_ensemble]") {
    // NAB's art_daily_* shape: 288 samples a day, low at night, a high plateau for ~1/3 of the
    // day. A day without the plateau is ordinary sample by sample and over a few hours; only
    // the day-scale context sees that it never happened before.
    auto day = [](noise& n, int i, bool missing) {
        const int ph = i % 288;
        const bool high = ph >= 100 && ph < 200 && !missing;
        return (high ? 80.0f : 20.0f) + 1.5f * n();
    };
    for (int variant = 0; variant < 2; ++variant) {
        const bool missing = variant == 1;
        g_a = nab_default(with_probation(600));
        noise n(17);
        for (int i = 0; i < 288 * 20; ++i) g_a(day(n, i, false));  // its histogram at steady state
        int alarms = 0;
        NERVE_REQUIRE_NO_ALLOC({
            for (int i = 288 * 20; i < 288 * 21; ++i) alarms += g_a(day(n, i, missing)).alarm;
        });
        if (missing) CHECK(alarms >= 1);
        else CHECK(alarms == 0);
    }
}

TEST_CASE("conformal_ensemble: NaN and Inf are rejected without touching the state", "[conformal_ensemble][bad-input]") {
    g_a = nab_default(with_probation(100));
    g_b = nab_default(with_probation(100));
    noise n(6);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    for (int i = 0; i < 1500; ++i) {
        const float x = n();
        if (i % 97 == 0) {
            const verdict bad = g_a(i % 2 ? nan : (i % 3 ? inf : -inf));
            REQUIRE(bad.score == 0.0f);
            REQUIRE(!bad.alarm);
        }
        const verdict va = g_a(x), vb = g_b(x);
        REQUIRE(va == vb);  // the twin that never saw bad input agrees exactly
    }
    CHECK(g_a.rejected() == 16);
    CHECK(g_b.rejected() == 0);
    CHECK(g_a.count() == g_b.count());
}

TEST_CASE("conformal_ensemble: a constant series scores 0", "[conformal_ensemble][bad-input]") {
    g_a = nab_default(with_probation(10));
    for (int i = 0; i < 3000; ++i) {
        const verdict v = g_a(42.0f);
        REQUIRE(v.score == 0.0f);
        REQUIRE(!v.alarm);
    }
}

TEST_CASE("conformal_ensemble: the first change after a flat stretch alarms", "[conformal_ensemble][bad-input]") {
    // a stuck sensor that comes back: exact zeros have their own count, so the first non-zero
    // residual is rarer than anything in the history
    g_a = nab_default(with_probation(100));
    for (int i = 0; i < 3000; ++i) REQUIRE(g_a(42.0f).score == 0.0f);
    const verdict v = g_a(42.5f);
    CHECK(v.alarm);
    CHECK(v.score >= g_a.settings().gate);
}

TEST_CASE("conformal_ensemble: huge steps stay finite and the detector recovers", "[conformal_ensemble][bad-input]") {
    g_a = nab_default(with_probation(200));
    noise n(7);
    for (int i = 0; i < 1000; ++i) g_a(1.0f + 0.1f * n());
    const float huge[] = {3e38f, -3e38f, 1e15f, -1e20f, std::numeric_limits<float>::max(),
                          std::numeric_limits<float>::denorm_min()};
    for (float h : huge) {
        const verdict v = g_a(h);
        REQUIRE(std::isfinite(v.score));
        REQUIRE(v.score >= 0.0f);
        REQUIRE(v.score <= 1.0f);
    }
    // back to normal data: after re-learning, alarms stop
    int late_alarms = 0;
    float late_max = 0.0f;
    for (int i = 0; i < 12000; ++i) {
        const verdict v = g_a(1.0f + 0.1f * n());
        REQUIRE(std::isfinite(v.score));
        if (i >= 8000) {
            late_alarms += v.alarm;
            late_max = v.score > late_max ? v.score : late_max;
        }
    }
    CHECK(late_alarms <= 4);
    CHECK(late_max < 0.5f);
}

TEST_CASE("conformal_ensemble: reset returns to the freshly configured state", "[conformal_ensemble]") {
    g_a = nab_default(with_probation(50));
    g_b = nab_default(with_probation(50));
    noise n(8);
    for (int i = 0; i < 700; ++i) g_a(n() * 3.0f);
    g_a.reset();
    noise m(9);
    for (int i = 0; i < 700; ++i) {
        const float x = m();
        REQUIRE(g_a(x) == g_b(x));
    }
}

TEST_CASE("conformal_ensemble: state survives a snapshot round trip", "[conformal_ensemble][snapshot]") {
    g_a = nab_default(with_probation(100));
    g_b = nab_default(with_probation(100));
    noise n(10);
    for (int i = 0; i < 1234; ++i) g_a(n() + (i == 900 ? 20.0f : 0.0f));
    static std::array<std::byte, 16384> buf{};
    REQUIRE(nerve::snapshot_size(g_a) <= buf.size());
    const auto written = nerve::snapshot(g_a, buf);
    REQUIRE(written.ok());
    REQUIRE(nerve::restore(g_b, std::span<const std::byte>(buf.data(), written.value())).ok());
    for (int i = 0; i < 2000; ++i) {
        const float x = n() + (i == 500 ? 15.0f : 0.0f);
        REQUIRE(g_a(x) == g_b(x));
    }
    // a corrupted snapshot is refused and leaves the target untouched
    buf[40] ^= std::byte{0x5a};
    g_b.reset();
    CHECK(!nerve::restore(g_b, std::span<const std::byte>(buf.data(), written.value())).ok());
    CHECK(g_b.count() == 0);
}

TEST_CASE("conformal_ensemble: small configurations work too", "[conformal_ensemble]") {
    conformal_ensemble<4, 2, 16, 3, 32, 8, 8> small(with_probation(50));
    noise n(11);
    int alarms = 0;
    for (int i = 0; i < 1000; ++i) alarms += small(n()).alarm;
    const verdict v = small(40.0f);
    CHECK(v.alarm);
    CHECK(alarms <= 10);
    CHECK(sizeof(small) < 1536);  // four 32-bin histograms and two small context memories
}
