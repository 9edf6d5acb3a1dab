// nerve/pipelines/news2.hpp — National Early Warning Score 2 (Royal College of Physicians,
// 2017) from a set of vital signs, with its trend.
//
// Each parameter scores 0-3 by the NEWS2 chart; the aggregate decides the clinical response:
//   0-4 low (a single parameter scoring 3 raises it to "low-medium": urgent ward review),
//   5-6 medium (urgent response), 7 or more high (emergency response).
// Charted values are integers (temperature to 0.1 degC); readings are rounded the same way
// before scoring, so 20.4 breaths/min scores as 20.
// SpO2 uses scale 1 unless `hypercapnic` is set (scale 2, for patients with a prescribed
// 88-92 % target): there, saturations of 93 % and above score only on oxygen.
//
// Missing values: a NaN parameter is not scored and the result is flagged `complete = false`
// (a partial NEWS2 under-estimates; the monitor must say so rather than show a low score).
// Out-of-range values (negative rates, SpO2 > 100) are treated as missing.
//
// Trend: the difference to the previous observation and to the mean of the last 4, and
// `rising` when the score went up by 2 or more against that mean (deterioration).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "../config.hpp"

namespace nerve::pipelines {

enum class consciousness : std::uint8_t { alert = 0, confusion, voice, pain, unresponsive, unknown };

struct vital_signs {
    float respiration_rate = NAN;    // breaths / min
    float spo2 = NAN;                // %
    bool on_oxygen = false;          // supplemental oxygen
    bool hypercapnic = false;        // SpO2 scale 2
    float systolic_bp = NAN;         // mmHg
    float heart_rate = NAN;          // beats / min
    consciousness level = consciousness::unknown;
    float temperature = NAN;         // degC
};

enum class news2_risk : std::uint8_t { low = 0, low_medium, medium, high };

constexpr const char* to_string(news2_risk r) noexcept {
    switch (r) {
        case news2_risk::low: return "low";
        case news2_risk::low_medium: return "low-medium";
        case news2_risk::medium: return "medium";
        case news2_risk::high: return "high";
    }
    return "unknown";
}

struct news2_result {
    int score = 0;
    news2_risk risk = news2_risk::low;
    bool complete = true;        // all seven parameters were scored
    bool any_red = false;        // a single parameter scored 3
    int delta_previous = 0;      // score - previous score (0 for the first)
    float delta_mean4 = 0.0f;    // score - mean of up to 4 previous scores
    bool rising = false;         // delta_mean4 >= 2
    std::array<std::int8_t, 7> parts{};  // resp, spo2, air/o2, sbp, hr, consciousness, temp (-1 missing)
};

namespace news2_detail {
inline bool usable(float v, float lo, float hi) noexcept { return v == v && v >= lo && v <= hi; }
}  // namespace news2_detail

/// Scores one set of vital signs (no trend).
inline news2_result news2_score(const vital_signs& v) noexcept {
    using news2_detail::usable;
    news2_result r;
    auto put = [&](int idx, int s) {
        r.parts[static_cast<std::size_t>(idx)] = static_cast<std::int8_t>(s);
        if (s < 0) {
            r.complete = false;
            return;
        }
        r.score += s;
        if (s == 3) r.any_red = true;
    };
    // Respiration rate.
    if (usable(v.respiration_rate, 0.0f, 200.0f)) {
        const float x = std::round(v.respiration_rate);
        put(0, x <= 8 ? 3 : x <= 11 ? 1 : x <= 20 ? 0 : x <= 24 ? 2 : 3);
    } else {
        put(0, -1);
    }
    // SpO2 (scale 1 or 2).
    if (usable(v.spo2, 0.0f, 100.0f)) {
        const float x = std::round(v.spo2);
        if (!v.hypercapnic) {
            put(1, x <= 91 ? 3 : x <= 93 ? 2 : x <= 95 ? 1 : 0);
        } else if (x <= 92 || !v.on_oxygen) {
            put(1, x <= 83 ? 3 : x <= 85 ? 2 : x <= 87 ? 1 : 0);
        } else {
            put(1, x <= 94 ? 1 : x <= 96 ? 2 : 3);
        }
    } else {
        put(1, -1);
    }
    put(2, v.on_oxygen ? 2 : 0);
    if (usable(v.systolic_bp, 0.0f, 400.0f)) {
        const float x = std::round(v.systolic_bp);
        put(3, x <= 90 ? 3 : x <= 100 ? 2 : x <= 110 ? 1 : x <= 219 ? 0 : 3);
    } else {
        put(3, -1);
    }
    if (usable(v.heart_rate, 0.0f, 400.0f)) {
        const float x = std::round(v.heart_rate);
        put(4, x <= 40 ? 3 : x <= 50 ? 1 : x <= 90 ? 0 : x <= 110 ? 1 : x <= 130 ? 2 : 3);
    } else {
        put(4, -1);
    }
    put(5, v.level == consciousness::unknown ? -1 : v.level == consciousness::alert ? 0 : 3);
    if (usable(v.temperature, 20.0f, 45.0f)) {
        const float x = std::round(v.temperature * 10.0f);
        put(6, x <= 350 ? 3 : x <= 360 ? 1 : x <= 380 ? 0 : x <= 390 ? 1 : 2);
    } else {
        put(6, -1);
    }
    r.risk = r.score >= 7 ? news2_risk::high
           : r.score >= 5 ? news2_risk::medium
           : r.any_red    ? news2_risk::low_medium
                          : news2_risk::low;
    return r;
}

/// NEWS2 over a series of observations, with the trend against the last four scores.
class news2 {
public:
    using input_type = vital_signs;
    using output_type = news2_result;

    news2_result operator()(const vital_signs& v) noexcept {
        news2_result r = news2_score(v);
        if (count_ > 0) {
            r.delta_previous = r.score - last_[(pos_ + 3) % 4];
            const std::uint32_t n = count_ < 4 ? count_ : 4;
            float s = 0.0f;
            for (std::uint32_t i = 0; i < n; ++i) s += static_cast<float>(last_[(pos_ + 3 - i) % 4]);
            r.delta_mean4 = static_cast<float>(r.score) - s / static_cast<float>(n);
            r.rising = r.delta_mean4 >= 2.0f;
        }
        last_[pos_] = r.score;
        pos_ = (pos_ + 1) % 4;
        if (count_ < 4) ++count_;
        return r;
    }

    void reset() noexcept { last_ = {}; pos_ = count_ = 0; }

    /// For restore(): the ring position and count within the 4 slots (the position is the count
    /// until all are written) and every stored score one the chart gives (0-20; unwritten
    /// slots 0), so the trend arithmetic cannot overflow.
    bool state_is_valid() const noexcept {
        if (pos_ >= 4 || count_ > 4 || (count_ < 4 && pos_ != count_)) return false;
        for (std::uint32_t i = 0; i < 4; ++i)
            if (last_[i] < 0 || last_[i] > (i < count_ ? 20 : 0)) return false;
        return true;
    }

    template <class V>
    void visit_state(V& v) { v(last_); v(pos_); v(count_); }

private:
    std::array<int, 4> last_{};
    std::uint32_t pos_ = 0, count_ = 0;
};

}  // namespace nerve::pipelines
