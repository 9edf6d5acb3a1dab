// nerve/anomaly/forecast_residual.hpp — anomaly score from one-step forecast errors.
//
// A predictor forecasts the next sample; the residual e = x - forecast is standardised by an
// exponentially weighted mean and deviation of past residuals (weight alpha):
//   z = (e - mean_e) / sd_e,   score = z_to_score(z)
// (erf(|z| / sqrt 2) up to 3.29, then the compressed Gaussian tail of verdict.hpp: strictly
// increasing in |z|, below 1 for every finite z; a residual that overflows scores 1).
// Because the predictor follows level and trend, a smooth drift or a slow oscillation
// produces small residuals (no alarms) while a spike, a jump or a change in the noise does
// not. x is scored against the forecast made before it, then the predictor and the residual
// statistics learn it.
//
// Predictor: any type with `float predict() const`, `void update(float)` and `reset()`
// (e.g. an AR or LMS forecaster; visit_state if snapshots are wanted). The default,
// holt_predictor, is Holt's linear exponential smoothing: level l and trend b,
//   forecast = l + b;  l' = a x + (1 - a)(l + b);  b' = g (l' - l) + (1 - g) b
// started at the first sample with zero trend.
//
// Bad input: NaN/Inf are neither scored nor learned (counted in rejected(), score 0): the
// predictor keeps its forecast through a dropout. A constant signal has residuals 0: sd_e is
// floored at min_std + 1e-6 |forecast|. Huge steps score close to 1 and are learned by the predictor
// (it follows a permanent jump after a few 1/a samples); residual statistics skip values whose
// square overflows.
#pragma once

#include <cmath>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../stats/ewma_stats.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

/// Holt's linear (level + trend) exponential smoothing, one step ahead.
class holt_predictor {
public:
    constexpr holt_predictor() noexcept = default;
    constexpr holt_predictor(float level_alpha, float trend_gamma) noexcept : a_(level_alpha), g_(trend_gamma) {}

    constexpr float predict() const noexcept { return primed_ ? l_ + b_ : 0.0f; }
    constexpr void update(float x) noexcept {
        if (!primed_) {
            l_ = x;
            b_ = 0.0f;
            primed_ = true;
            return;
        }
        const float l = a_ * x + (1.0f - a_) * (l_ + b_);
        const float b = g_ * (l - l_) + (1.0f - g_) * b_;
        if (!is_finite(l) || !is_finite(b)) {  // overflow: restart at x
            l_ = x;
            b_ = 0.0f;
            return;
        }
        l_ = l;
        b_ = b;
    }
    constexpr void reset() noexcept { l_ = b_ = 0.0f; primed_ = false; }
    constexpr float level() const noexcept { return l_; }
    constexpr float trend() const noexcept { return b_; }

    template <class V>
    constexpr void visit_state(V& v) { v(l_); v(b_); v(primed_); }

private:
    float a_ = 0.1f, g_ = 0.01f;
    float l_ = 0.0f, b_ = 0.0f;
    bool primed_ = false;
};

template <class Predictor = holt_predictor>
class forecast_residual {
public:
    using input_type = float;
    using output_type = verdict;

    struct config {
        double alpha = 0.01;        ///< weight of the residual statistics (memory ~1/alpha)
        std::uint32_t warmup = 50;  ///< samples learned before scoring
        float min_std = 1e-6f;
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    forecast_residual() noexcept : forecast_residual(config{}) {}
    explicit forecast_residual(const config& c, Predictor p = Predictor{}) noexcept
        : cfg_(c), pred_(p), res_(c.alpha), gate_(c.gate) {}

    verdict operator()(float x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return gate_(0.0f);
        }
        const float f = pred_.predict();
        const float e = x - f;
        float s = 0.0f;
        if (seen_ >= cfg_.warmup) {
            const float sd = std::sqrt(res_.variance());
            const float fl = cfg_.min_std + 1e-6f * std::fabs(f);
            s = is_finite(e) ? z_to_score((e - res_.mean()) / (sd > fl ? sd : fl)) : 1.0f;
        }
        if (seen_ > 0 && is_finite(e)) res_.update(e);  // the first forecast is meaningless
        pred_.update(x);
        if (seen_ < UINT32_MAX) ++seen_;
        last_residual_ = is_finite(e) ? e : 0.0f;
        return gate_(s);
    }

    const Predictor& predictor() const noexcept { return pred_; }
    float last_residual() const noexcept { return last_residual_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        pred_.reset();
        res_.reset();
        gate_.reset();
        seen_ = rejected_ = 0;
        last_residual_ = 0.0f;
    }

    template <class V>
    void visit_state(V& v) { v(pred_); v(res_); v(gate_); v(seen_); v(rejected_); v(last_residual_); }
    bool state_is_valid() const noexcept { return res_.state_is_valid() && gate_.state_is_valid(); }

private:
    config cfg_;
    Predictor pred_;
    stats::ewma_stats<float> res_;
    alarm_gate gate_;
    std::uint32_t seen_ = 0;
    std::uint32_t rejected_ = 0;
    float last_residual_ = 0.0f;
};

}  // namespace nerve::anomaly
