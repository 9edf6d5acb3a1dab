// nerve/anomaly/score_quantile.hpp — alarms at a target false-alarm rate from any detector's
// score stream, by thresholding at a streaming quantile of the scores themselves.
//
// Scores of different detectors are on different scales (a calibrated z-score probability,
// HST's mass ratio squashed towards 1, a likelihood). If anomalies are rare, the (1 - rate)
// quantile of the scores is the threshold above which a fraction `rate` of normal samples
// falls. It is tracked with nerve::stats::p2_quantile (five markers, O(1)); a sample alarms
// when its score is strictly above the current threshold (a flat score stream never alarms),
// then the score updates the quantile. Hysteresis: the alarm state ends when a score falls to
// or below the threshold; `refractory` samples after an alarm raise no new one.
//
// Place it after a detector: `detector | score_quantile{{.rate = 1e-3}}`. Input: a verdict
// (its alarm is replaced) or a bare float score. Until `warmup` scores have been seen (default
// 10 / rate, so the quantile has data), nothing alarms. P² never forgets: for a detector
// whose score distribution drifts, reset() periodically or prefer a calibrated score.
//
// Bad input: a NaN score counts as 0 and is not learned (counted in rejected()); +Inf is 1.
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../stats/p2_quantile.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

class score_quantile {
public:
    using input_type = verdict;
    using output_type = verdict;

    struct config {
        double rate = 1e-3;            ///< target fraction of samples that alarm (0 < rate < 0.5)
        std::uint32_t warmup = 0;      ///< 0: 10 / rate
        std::uint32_t refractory = 0;  ///< samples after an alarm without a new one
    };

    score_quantile() noexcept : score_quantile(config{}) {}
    explicit score_quantile(const config& c) noexcept
        : cfg_(c), q_(1.0 - c.rate),
          warmup_(c.warmup ? c.warmup : static_cast<std::uint32_t>(10.0 / c.rate)) {}

    verdict operator()(verdict v) noexcept { return (*this)(v.score); }
    verdict operator()(float score) noexcept {
        float s;
        if (NERVE_UNLIKELY(!(score == score))) {
            ++rejected_;
            s = 0.0f;
        } else {
            s = clamp_score(score);
        }
        bool alarm = false;
        if (quiet_ > 0) --quiet_;
        if (q_.count() >= warmup_) {
            const float t = q_.value();
            if (active_) {
                if (s <= t) active_ = false;
            } else if (s > t) {
                active_ = true;
                if (quiet_ == 0) {
                    alarm = true;
                    quiet_ = cfg_.refractory + 1;
                }
            }
        }
        if (score == score) q_.update(s);
        return {s, alarm};
    }

    /// The current threshold (the (1 - rate) quantile of the scores seen).
    float threshold() const noexcept { return q_.value(); }
    bool active() const noexcept { return active_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        q_.reset();
        active_ = false;
        quiet_ = 0;
        rejected_ = 0;
    }

    template <class V>
    void visit_state(V& v) { v(q_); v(active_); v(quiet_); v(rejected_); }
    bool state_is_valid() const noexcept { return q_.state_is_valid() && quiet_ <= cfg_.refractory + 1; }

private:
    config cfg_;
    stats::p2_quantile<float> q_;
    std::uint32_t warmup_;
    bool active_ = false;
    std::uint32_t quiet_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
