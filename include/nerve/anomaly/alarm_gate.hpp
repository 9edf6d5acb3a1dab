// nerve/anomaly/alarm_gate.hpp — turns a stream of anomaly scores into alarms.
//
// Thresholding a noisy score directly makes an alarm chatter on and off around the
// threshold. The gate has two thresholds (hysteresis) and a refractory period:
//  - it switches ON when score >= on_threshold, and that sample carries alarm = true;
//  - it stays on (no new alarm) until score < off_threshold (off_threshold <= on_threshold);
//  - after an alarm at sample t, no new alarm is raised at samples t+1 .. t+refractory, even
//    if the gate went off and came back on in between (it still switches on, silently).
// So `alarm` marks onsets of anomalous episodes; active() tells whether the gate is on.
//
// Input: a score (float) or a verdict (its score is used, its alarm ignored). Output: a
// verdict with the score clamped to [0, 1] and the gate's alarm.
// Bad input: a NaN score counts as 0 (no evidence; it can switch the gate off), +Inf as 1.
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

class alarm_gate {
public:
    using input_type = float;
    using output_type = verdict;

    struct config {
        float on = 0.99f;            ///< raise an alarm at score >= on
        float off = 0.9f;            ///< the gate switches off below this (<= on)
        std::uint32_t refractory = 0;  ///< samples after an alarm in which no new alarm is raised
    };

    constexpr alarm_gate() noexcept : alarm_gate(config{}) {}
    constexpr explicit alarm_gate(config c) noexcept : cfg_(c) {
        if (!(cfg_.off <= cfg_.on)) cfg_.off = cfg_.on;  // no hysteresis rather than an inverted band
    }
    constexpr alarm_gate(float on, float off, std::uint32_t refractory = 0) noexcept
        : alarm_gate(config{on, off, refractory}) {}

    constexpr verdict operator()(float score) noexcept {
        const float s = clamp_score(score);
        if (quiet_ > 0) --quiet_;
        bool alarm = false;
        if (active_) {
            if (s < cfg_.off) active_ = false;
        } else if (s >= cfg_.on) {
            active_ = true;
            if (quiet_ == 0) {
                alarm = true;
                quiet_ = cfg_.refractory + 1;  // counts down to 0 over the next `refractory + 1` samples
            }
        }
        return {s, alarm};
    }
    constexpr verdict operator()(verdict v) noexcept { return (*this)(v.score); }

    constexpr void reset() noexcept { active_ = false; quiet_ = 0; }

    constexpr bool active() const noexcept { return active_; }
    constexpr const config& settings() const noexcept { return cfg_; }

    template <class V>
    constexpr void visit_state(V& v) { v(active_); v(quiet_); }
    constexpr bool state_is_valid() const noexcept { return quiet_ <= cfg_.refractory + 1; }

private:
    config cfg_;
    bool active_ = false;
    std::uint32_t quiet_ = 0;  // samples left in the refractory period
};

}  // namespace nerve::anomaly
