// nerve/anomaly/zscore.hpp — z-score detector: how many standard deviations a sample lies
// from an exponentially weighted baseline, plus an optional stuck-sensor check.
//
//   z = (x - mean) / max(std, min_std + 1e-6 |mean|),   score = z_to_score(z)
// with mean and std from nerve::stats::ewma_stats (weight `alpha`) of the samples *before*
// x (x is scored, then learned). The score is 1 - P(|N(0,1)| >= |z|) = erf(|z| / sqrt 2) up
// to 3.29 sigma and then the log-log compressed tail of verdict.hpp (5 sigma 0.999681, 10
// sigma 0.999793, 1e8 sigma 0.999973), strictly increasing in |z| and below 1 for every
// finite z, so stronger deviations always rank higher. score 0.9973 is 3 sigma; the default
// gate raises an alarm at 0.999 (3.29 sigma) and releases below 0.99 (2.58 sigma). The first `warmup` samples are
// learned and scored 0. The baseline keeps learning, so a level shift alarms once and then
// becomes the new normal after ~1/alpha samples (that is how it recovers).
//
// Stuck sensor (stuck_run > 0): when the same value has arrived stuck_run times in a row the
// score is 1 (a live sensor has noise; a frozen ADC or a held network value does not).
//
// Bad input: NaN/Inf are not learned, counted in rejected(), and score 0 (a dropout is not
// evidence; the gate sees 0 so it can release). A constant signal has std 0: min_std (plus a
// relative 1e-6) keeps z finite, so the first real deviation after a flat stretch scores high.
// Huge steps score close to 1 (ranked by size) and are learned: the variance grows and the
// detector is less sensitive
// until the step leaves the EWMA memory (~3/alpha samples).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../stats/ewma_stats.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

template <std::floating_point T = float>
class zscore {
public:
    using input_type = T;
    using output_type = verdict;

    struct config {
        double alpha = 0.01;          ///< baseline weight of the newest sample (memory ~1/alpha)
        std::uint32_t warmup = 30;    ///< samples learned before scoring
        T min_std = T(1e-6);          ///< floor of the standard deviation (absolute)
        std::uint32_t stuck_run = 0;  ///< identical samples in a row that count as stuck (0 = off)
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    zscore() noexcept : zscore(config{}) {}
    explicit zscore(const config& c) noexcept : cfg_(c), base_(c.alpha), gate_(c.gate) {}

    verdict operator()(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return gate_(0.0f);
        }
        float s = 0.0f;
        if (seen_ >= cfg_.warmup && base_.primed()) s = z_to_score(static_cast<float>(z(x)));
        if (cfg_.stuck_run > 0) {
            run_ = (seen_ > 0 && x == last_) ? run_ + 1 : 1;
            last_ = x;
            if (run_ >= cfg_.stuck_run) s = 1.0f;
        }
        base_.update(x);
        if (seen_ < UINT32_MAX) ++seen_;
        return gate_(s);
    }

    /// The standard score of x against the current baseline (no learning).
    T z(T x) const noexcept {
        const T m = base_.mean();
        const T sd = std::sqrt(base_.variance());
        const T fl = cfg_.min_std + T(1e-6) * std::fabs(m);
        return (x - m) / (sd > fl ? sd : fl);
    }

    void reset() noexcept {
        base_.reset();
        gate_.reset();
        seen_ = run_ = rejected_ = 0;
        last_ = T(0);
    }

    const stats::ewma_stats<T>& baseline() const noexcept { return base_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    void visit_state(V& v) { v(base_); v(gate_); v(seen_); v(run_); v(last_); v(rejected_); }
    bool state_is_valid() const noexcept { return base_.state_is_valid() && gate_.state_is_valid(); }

private:
    config cfg_;
    stats::ewma_stats<T> base_;
    alarm_gate gate_;
    std::uint32_t seen_ = 0;
    std::uint32_t run_ = 0;
    T last_{};
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
