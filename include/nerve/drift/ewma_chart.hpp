// nerve/drift/ewma_chart.hpp — EWMA control chart (Roberts 1959) as a change detector.
#pragma once

#include <cmath>
#include <cstdint>

#include "detector.hpp"
#include "page_hinkley.hpp"  // ph_direction

namespace nerve::drift {

struct ewma_chart_options {
    double alpha = 0.1;                ///< weight of the newest sample in the chart statistic
    double threshold = 4.0;            ///< L: alarm at L standard errors of the EWMA
    std::uint32_t min_instances = 30;  ///< warm-up before testing
    ph_direction direction = ph_direction::both;
};

/// EWMA chart with River's semantics (river.drift.EWMA): Z = alpha x + (1 - alpha) Z (started at
/// the first sample) is compared with the running mean of all samples since the last drift;
/// the limit is L sigma sqrt(alpha / (2 - alpha) (1 - (1 - alpha)^(2n))), with sigma^2 the
/// exponentially weighted variance of x (EW mean of x^2 minus the squared EW mean of x). After a
/// drift it starts afresh.
///
/// change_point(): the sample after Z last crossed the reference mean before firing.
/// estimate(): Z. NaN/Inf rejected and counted. The (1 - alpha)^(2n) factor is updated by one
/// multiplication per sample (no pow), and stops once it underflows to 0.
template <sample_type T = float>
class ewma_chart : public detector_base {
    static_assert(std::is_floating_point_v<T>, "ewma_chart works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr ewma_chart() noexcept : ewma_chart(ewma_chart_options{}) {}
    constexpr explicit ewma_chart(const ewma_chart_options& o) noexcept
        : alpha_(static_cast<T>(o.alpha)),
          decay2_(static_cast<T>((1.0 - o.alpha) * (1.0 - o.alpha))),
          asym_(static_cast<T>(o.alpha / (2.0 - o.alpha))),
          threshold_(static_cast<T>(o.threshold)),
          min_(o.min_instances ? o.min_instances : 1),
          dir_(o.direction) {
        NERVE_ASSERT(o.alpha > 0 && o.alpha <= 1 && o.threshold > 0);
    }

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        if (count_ == 1) {
            z_ = ew_mean_ = x;
            ew_sq_ = x * x;
        } else {
            z_ = alpha_ * x + (T(1) - alpha_) * z_;
            ew_mean_ = alpha_ * x + (T(1) - alpha_) * ew_mean_;
            ew_sq_ = alpha_ * (x * x) + (T(1) - alpha_) * ew_sq_;
        }
        mean_ += (T(1) / to_real<T>(count_)) * (x - mean_);
        pow2n_ *= decay2_;
        const T dev = z_ - mean_;
        const bool sign = dev > T(0);
        if (count_ == 1 || sign != above_) { above_ = sign; cross_at_ = n_ - 1; }
        if (count_ < min_) return set(drift_signal::none);
        const T var = ew_sq_ - ew_mean_ * ew_mean_;
        const T sigma = std::sqrt(var > T(0) ? var : T(0));
        const T bound = threshold_ * sigma * std::sqrt(asym_ * (T(1) - pow2n_));
        const bool fu = (static_cast<unsigned>(dir_) & 1u) && dev > bound;
        const bool fd = (static_cast<unsigned>(dir_) & 2u) && -dev > bound;
        if (fu || fd) return fire(cross_at_);
        return set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return z_; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }
    constexpr T reference_mean() const noexcept { return mean_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(z_); v(ew_mean_); v(ew_sq_); v(mean_); v(pow2n_); v(above_); v(cross_at_);
    }

private:
    constexpr void restart() noexcept {
        count_ = 0;
        z_ = ew_mean_ = ew_sq_ = mean_ = T(0);
        pow2n_ = T(1);
        above_ = false;
        cross_at_ = n_;
    }

    T alpha_, decay2_, asym_, threshold_;
    std::uint32_t min_;
    ph_direction dir_;
    std::uint64_t count_ = 0;
    T z_ = 0, ew_mean_ = 0, ew_sq_ = 0, mean_ = 0, pow2n_ = 1;
    bool above_ = false;
    std::uint64_t cross_at_ = 0;
};

}  // namespace nerve::drift
