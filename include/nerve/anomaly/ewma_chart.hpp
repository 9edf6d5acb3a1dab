// nerve/anomaly/ewma_chart.hpp — EWMA control chart (Roberts 1959) for small sustained shifts
// of the mean.
//
// The chart statistic is an EWMA of the samples, c = lambda x + (1 - lambda) c. Against an
// in-control mean mu and standard deviation sigma, its asymptotic standard deviation is
// sigma sqrt(lambda / (2 - lambda)), so
//   u = (c - mu) / (sigma sqrt(lambda / (2 - lambda))),   score = z_to_score(u)
// (erf(|u| / sqrt 2) up to |u| = 3.29, then the compressed Gaussian tail of verdict.hpp, so
// the score keeps growing with |u| and never rounds to 1 for a finite u), and the classic
// L = 3 control limit is score 0.9973 (the default gate: alarm at 0.999,
// i.e. L = 3.3, release below 0.99). Averaging makes the chart see shifts of ~1 sigma that a
// z-score misses, at the price of a delay of a few 1/lambda samples.
//
// mu and sigma come from a slow nerve::stats::ewma_stats baseline (weight alpha << lambda)
// of the samples before x; the first `warmup` samples only learn (score 0). Because the
// baseline keeps learning, a permanent shift is alarmed and then absorbed in ~1/alpha
// samples (recovery); set alpha tiny for a fixed reference.
//
// Bad input: NaN/Inf are not learned, counted in rejected(), score 0. Constant signals:
// sigma is floored at min_std + 1e-6 |mu|. Huge steps score close to 1 (ranked by size) and are learned
// (the chart recovers as the EWMA memories pass).
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
class ewma_chart {
public:
    using input_type = T;
    using output_type = verdict;

    struct config {
        double lambda = 0.2;        ///< chart smoothing (0.05 .. 0.3 typical)
        double alpha = 0.02;        ///< baseline weight (memory ~1/alpha), < lambda
        std::uint32_t warmup = 50;  ///< samples learned before scoring
        T min_std = T(1e-6);
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    ewma_chart() noexcept : ewma_chart(config{}) {}
    explicit ewma_chart(const config& c) noexcept
        : cfg_(c), lambda_(static_cast<T>(c.lambda)),
          k_(static_cast<T>(std::sqrt(c.lambda / (2.0 - c.lambda)))), base_(c.alpha), gate_(c.gate) {}

    verdict operator()(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return gate_(0.0f);
        }
        if (!base_.primed()) c_ = x;
        const T c = c_ + lambda_ * (x - c_);
        float s = 0.0f;
        if (seen_ >= cfg_.warmup) {
            const T mu = base_.mean();
            const T sd = std::sqrt(base_.variance());
            const T fl = cfg_.min_std + T(1e-6) * std::fabs(mu);
            s = z_to_score(static_cast<float>((c - mu) / ((sd > fl ? sd : fl) * k_)));
        }
        if (is_finite(c)) c_ = c;
        base_.update(x);
        if (seen_ < UINT32_MAX) ++seen_;
        return gate_(s);
    }

    T statistic() const noexcept { return c_; }
    const stats::ewma_stats<T>& baseline() const noexcept { return base_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        base_.reset();
        gate_.reset();
        c_ = T(0);
        seen_ = rejected_ = 0;
    }

    template <class V>
    void visit_state(V& v) { v(base_); v(gate_); v(c_); v(seen_); v(rejected_); }
    bool state_is_valid() const noexcept { return base_.state_is_valid() && gate_.state_is_valid(); }

private:
    config cfg_;
    T lambda_, k_;
    stats::ewma_stats<T> base_;
    alarm_gate gate_;
    T c_{};
    std::uint32_t seen_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
