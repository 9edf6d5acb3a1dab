// nerve/anomaly/anomaly_likelihood.hpp — Numenta-style anomaly likelihood: how surprising the
// recent level of an error (or raw anomaly score) is, given its own long-run distribution.
//
// After Ahmad, Lavin, Purdy & Agha, "Unsupervised real-time anomaly detection for streaming
// data" (Neurocomputing 2017) and NAB's AnomalyLikelihood:
//  - the input is an error e >= 0 of some model (a prediction error, a residual magnitude,
//    another detector's raw score);
//  - a short moving average m of the last `Short` errors smooths single noisy errors;
//  - the distribution of m over the last `Long` samples is modelled as a Gaussian (windowed
//    mean and variance; the variance floored at min_var, NAB's 0.0003 for scores in [0, 1]);
//  - likelihood = 1 - Q(|m - mean| / sd), Q the Gaussian upper tail: 0.5 at the mean,
//    -> 1 when the recent errors are far from their usual level (NAB reflects values below
//    the mean, so an unusually *quiet* stretch is surprising too).
// m is scored against the window *before* it enters. The score is the likelihood while
// Q >= 1e-3 (score <= 0.999) and past that the log-log compressed tail of verdict.hpp
// (z_to_score_one_sided), so it keeps growing with the distance and never rounds to 1 for a
// finite one (1 - Q itself rounds to 1 in float from Q < 6e-8, z > 5.3). NAB's threshold,
// likelihood 1 - 1e-5, is score 0.9996328 here: the default gate's alarm level.
// log_score() gives NAB's log scale of a likelihood; applied to a score above 0.999 it is a
// strictly increasing map of the compressed value, not NAB's number.
// Until `warmup` samples (default Long / 4) have entered, the score is 0.
//
// Memory: Long floats (plus Short): sizeof ~ 4 (Long + Short) bytes.
//
// Bad input: NaN/Inf errors are not learned, counted in rejected(), score 0. A constant error
// stream has zero variance: min_var keeps the score finite; a later change stands out.
// Huge errors score close to 1 and enter the window (they raise the variance for Long samples; values
// whose square overflows float are rejected by the window statistics).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../stats/windowed_stats.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

template <std::size_t Long = 2048, std::size_t Short = 10>
class anomaly_likelihood {
    static_assert(Short >= 1 && Long > Short, "a long window longer than the short one");

public:
    using input_type = float;
    using output_type = verdict;

    struct config {
        std::uint32_t warmup = Long / 4;  ///< averaged errors in the long window before scoring
        float min_var = 0.0003f;          ///< variance floor of the averaged errors (NAB's)
        alarm_gate::config gate{0.9996328f, 0.999f, 0};  ///< on = tail_score(ln 1e-5): NAB's 1 - 1e-5
    };

    anomaly_likelihood() noexcept : anomaly_likelihood(config{}) {}
    explicit anomaly_likelihood(const config& c) noexcept : cfg_(c), gate_(c.gate) {}

    verdict operator()(float e) noexcept {
        if (NERVE_UNLIKELY(!is_finite(e))) {
            ++rejected_;
            return gate_(0.0f);
        }
        // Short moving average, exact sum re-formed from the ring each time (Short is small).
        short_.push(e);
        float m = 0.0f;
        for (std::size_t i = 0; i < short_.size(); ++i) m += short_[i];
        m /= static_cast<float>(short_.size());
        float s = 0.0f;
        if (long_.count() >= cfg_.warmup && long_.count() > 1) s = likelihood(m);
        long_.update(m);
        return gate_(s);
    }

    /// 1 - Q(|m - mean| / sd) against the current long-window distribution.
    float likelihood(float m) const noexcept {
        const float var = long_.variance();
        const float sd = std::sqrt(var > cfg_.min_var ? var : cfg_.min_var);
        const float z = std::fabs(m - long_.mean()) / sd;
        return is_finite(z) ? z_to_score_one_sided(z) : 1.0f;
    }

    /// NAB's log scale of a likelihood: log(1.0000000001 - L) / log(1 - 0.9999999999), so
    /// 0.5 maps to ~0.03 and 1 - 1e-5 to 0.5.
    static float log_score(float likelihood) noexcept {
        return clamp_score(static_cast<float>(std::log(1.0000000001 - static_cast<double>(likelihood)) /
                                              -23.02585084720009));
    }

    std::uint32_t rejected() const noexcept { return rejected_; }
    float mean() const noexcept { return long_.mean(); }
    float variance() const noexcept { return long_.variance(); }

    void reset() noexcept {
        short_.clear();
        long_.reset();
        gate_.reset();
        rejected_ = 0;
    }

    template <class V>
    void visit_state(V& v) { v(short_); v(long_); v(gate_); v(rejected_); }
    bool state_is_valid() const noexcept {
        return short_.state_is_valid() && long_.state_is_valid() && gate_.state_is_valid();
    }

private:
    config cfg_;
    ring_buffer<float, Short> short_{};
    stats::windowed_stats<float, Long, false> long_{};
    alarm_gate gate_;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
