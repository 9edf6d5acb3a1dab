// nerve/drift/eddm.hpp — EDDM, the early drift detection method (Baena-García et al. 2006).
#pragma once

#include <cmath>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

struct eddm_options {
    std::uint32_t warm_start = 30;  ///< samples and errors needed before any warning or drift
    double alpha = 0.95;            ///< warning when (p' + 2 s') / max < alpha
    double beta = 0.9;              ///< drift when (p' + 2 s') / max < beta
};

/// EDDM with River's semantics. Input: 1 for an error, anything else for a correct
/// prediction. It tracks the mean p' and standard deviation s' (sample, ddof 1) of the distance
/// between consecutive errors; when errors come closer together, (p' + 2 s') falls below its
/// maximum and the ratio crosses alpha (warning) then beta (drift). The warning state holds until
/// the next error re-evaluates it, as in River. After a drift it starts afresh.
///
/// change_point(): the first sample of the warning that preceded the drift (or the detection
/// sample). estimate(): the mean distance between errors p'; window_length(): samples since the
/// last drift. NaN/Inf rejected and counted.
template <sample_type T = float>
class eddm : public detector_base {
    static_assert(std::is_floating_point_v<T>, "eddm works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr eddm() noexcept : eddm(eddm_options{}) {}
    constexpr explicit eddm(const eddm_options& o) noexcept
        : warm_(o.warm_start), alpha_(static_cast<T>(o.alpha)), beta_(static_cast<T>(o.beta)) {
        NERVE_ASSERT(o.alpha >= o.beta);
    }

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        if (x == T(1)) {
            ++errors_;
            // Welford update of the distance since the previous error.
            const T d = to_real<T>(count_ - last_error_);
            const T old = mean_;
            mean_ += (T(1) / to_real<T>(errors_)) * (d - old);
            m2_ += (d - old) * (d - mean_);
            last_error_ = count_;
            if (count_ > warm_) {
                const T var = errors_ > 1 ? m2_ / to_real<T>(errors_ - 1) : T(0);
                const T p2s = mean_ + T(2) * std::sqrt(var);
                if (p2s > p2s_max_) {
                    p2s_max_ = p2s;
                } else if (errors_ > warm_) {
                    const T level = p2s / p2s_max_;
                    if (level < beta_) return fire(warning_ ? warning_start_ : n_ - 1);
                    if (level < alpha_) {
                        if (!warning_) warning_start_ = n_ - 1;
                        warning_ = true;
                    } else {
                        warning_ = false;
                    }
                }
            }
        }
        return set(warning_ ? drift_signal::warning : drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return mean_; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }
    constexpr std::uint64_t errors() const noexcept { return errors_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(errors_); v(last_error_); v(mean_); v(m2_); v(p2s_max_); v(warning_); v(warning_start_);
    }
    constexpr bool state_is_valid() const noexcept { return last_error_ <= count_ && errors_ <= count_; }

private:
    constexpr void restart() noexcept {
        count_ = errors_ = last_error_ = 0;
        mean_ = m2_ = T(0);
        p2s_max_ = T(-1);
        warning_ = false;
        warning_start_ = 0;
    }

    std::uint32_t warm_;
    T alpha_, beta_;
    std::uint64_t count_ = 0, errors_ = 0, last_error_ = 0;
    T mean_ = 0, m2_ = 0, p2s_max_ = -1;
    bool warning_ = false;
    std::uint64_t warning_start_ = 0;
};

}  // namespace nerve::drift
