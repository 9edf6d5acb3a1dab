// tests/anomaly/synthetic.hpp — deterministic synthetic streams with known anomalies and a
// shared bad-input check for the detector tests.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace nerve::test {

/// Deterministic Gaussian noise (Box-Muller over a 64-bit LCG), identical on every target.
struct gauss {
    std::uint64_t s;
    explicit gauss(std::uint64_t seed) : s(seed * 2862933555777941757ull + 3037000493ull) {}
    float uniform() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return (static_cast<float>(s >> 40) + 0.5f) * (1.0f / 16777216.0f);
    }
    float operator()() {
        const float u1 = uniform(), u2 = uniform();
        return std::sqrt(-2.0f * std::log(u1)) * std::cos(6.2831853f * u2);
    }
};

enum class anomaly_kind { spike, level_shift, variance_change, stuck, drift };

/// Sample i of a stream: N(10, 1) noise on a slow sine, with one anomaly kind starting at
/// `at` (spikes: +8 sigma at `at` and every 500 after; level shift: +4 sigma; variance: x5;
/// stuck: the value at `at` repeats; drift: the baseline climbs 0.002 per sample for ever).
struct stream {
    anomaly_kind kind;
    std::uint32_t at;
    gauss g;
    float held = 0;
    stream(anomaly_kind k, std::uint32_t start, std::uint64_t seed) : kind(k), at(start), g(seed) {}
    bool anomalous(std::uint32_t i) const {
        switch (kind) {
            case anomaly_kind::spike: return i >= at && (i - at) % 500 == 0;
            case anomaly_kind::drift: return false;  // a drifting baseline is normal behaviour
            default: return i >= at;
        }
    }
    float operator()(std::uint32_t i) {
        const float base = 10.0f + 0.5f * std::sin(0.002f * static_cast<float>(i));
        float n = g();
        switch (kind) {
            case anomaly_kind::spike:
                if (anomalous(i)) n += 8.0f;
                break;
            case anomaly_kind::level_shift:
                if (i >= at) n += 4.0f;
                break;
            case anomaly_kind::variance_change:
                if (i >= at) n *= 5.0f;
                break;
            case anomaly_kind::stuck:
                if (i == at) held = base + n;
                if (i >= at) return held;
                break;
            case anomaly_kind::drift:
                if (i >= at) return base + n + 0.002f * static_cast<float>(i - at);
                break;
        }
        return base + n;
    }
};

struct outcome {
    std::uint32_t false_alarms = 0;  ///< alarms outside every anomaly (and its detection window)
    std::uint32_t events = 0;        ///< anomalies (spikes count one each)
    std::uint32_t detected = 0;      ///< anomalies with an alarm within `within` samples
    std::uint32_t delay = 0;         ///< samples from the first anomaly to its alarm
    bool finite = true;              ///< every score finite and in [0, 1]
};

/// Runs `d` over n samples of `kind` starting at `at`; an alarm within `within` samples of an
/// anomaly's onset detects it; for level shifts, variance changes and stuck sensors every
/// sample from `at` on is anomalous, so later alarms are not false.
template <class Det>
outcome run_stream(Det& d, anomaly_kind kind, std::uint32_t n, std::uint32_t at, std::uint32_t within,
                   std::uint64_t seed = 1) {
    stream st(kind, at, seed);
    outcome o;
    std::uint32_t open_until = 0;  // end of the current detection window
    bool open = false, hit = false;
    for (std::uint32_t i = 0; i < n; ++i) {
        const float x = st(i);
        const auto v = d(x);
        o.finite = o.finite && std::isfinite(v.score) && v.score >= 0.0f && v.score <= 1.0f;
        const bool onset = st.anomalous(i) && (kind == anomaly_kind::spike || i == at);
        if (onset) {
            if (open && hit) ++o.detected;
            ++o.events;
            open = true;
            hit = false;
            open_until = i + within;
        }
        if (open && i >= open_until) {
            if (hit) ++o.detected;
            open = false;
        }
        const bool persistent = kind != anomaly_kind::spike && kind != anomaly_kind::drift && i >= at;
        if (v.alarm) {
            if (open && !hit) {
                hit = true;
                if (o.detected == 0 && o.delay == 0) o.delay = i - (kind == anomaly_kind::spike ? open_until - within : at);
            } else if (!open && !persistent) {
                ++o.false_alarms;
            }
        }
    }
    if (open && hit) ++o.detected;
    return o;
}

/// Feeds a detector (float input) through the bad-input gauntlet: NaN, +-Inf, a constant
/// stretch, a huge step, a dropout of NaNs, then good data again. Returns true when every
/// score was finite and in [0, 1]; `after` receives the mean score over the last 200 good
/// samples (recovery: for a z-type score of normal data that is ~0.5, the mean of a
/// uniform p-value; a detector still blinded or saturated by the bad input is far from it).
template <class Det>
bool bad_input_gauntlet(Det& d, float& after, std::uint32_t recover = 3000) {
    gauss g(99);
    bool ok = true;
    auto feed = [&](float x) {
        const auto v = d(x);
        ok = ok && std::isfinite(v.score) && v.score >= 0.0f && v.score <= 1.0f;
        return v.score;
    };
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    feed(nan);
    feed(inf);
    feed(-inf);
    for (int i = 0; i < 300; ++i) feed(5.0f);  // constant (stuck or idle sensor)
    for (int i = 0; i < 300; ++i) feed(5.0f + g());
    feed(3e37f);  // huge step (finite, near float max)
    feed(-3e37f);
    for (int i = 0; i < 50; ++i) feed(nan);  // dropout
    feed(1e30f);
    for (int i = 0; i < 50; ++i) feed(5.0f + g());
    after = 0;
    for (std::uint32_t i = 0; i < recover; ++i) {
        const float s = feed(5.0f + g());
        if (i + 200 >= recover) after += s / 200.0f;
    }
    return ok;
}

}  // namespace nerve::test
