// nerve/drift/ddm.hpp — DDM, the drift detection method for error streams (Gama et al. 2004).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "detector.hpp"

namespace nerve::drift {

struct ddm_options {
    std::uint32_t warm_start = 30;   ///< samples before any warning or drift
    double warning_threshold = 2.0;  ///< warning when p + s > p_min + 2 s_min
    double drift_threshold = 3.0;    ///< drift when p + s > p_min + 3 s_min
};

/// DDM with River's defaults and semantics. Input: 1 for an error (or a value in [0, 1], a
/// loss), 0 for a correct prediction. It tracks the error rate p and its binomial standard
/// deviation s = sqrt(p (1 - p) / n) since the last drift, remembers p_min, s_min where p + s was
/// lowest, and warns / fires when p + s rises 2 / 3 s_min above p_min. After a drift it starts
/// afresh with the next sample.
///
/// change_point(): the first sample of the warning run that preceded the drift (DDM's own
/// definition of where the new concept starts), or the detection sample if it fired without
/// warning. estimate(): the error rate p; window_length(): samples since the last drift.
/// NaN/Inf rejected and counted. sizeof(ddm<float>) is 96 bytes.
template <sample_type T = float>
class ddm : public detector_base {
    static_assert(std::is_floating_point_v<T>, "ddm works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr ddm() noexcept : ddm(ddm_options{}) {}
    constexpr explicit ddm(const ddm_options& o) noexcept
        : warm_(o.warm_start), wt_(static_cast<T>(o.warning_threshold)), dt_(static_cast<T>(o.drift_threshold)) {}

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        p_ += (T(1) / to_real<T>(count_)) * (x - p_);
        const T s = std::sqrt(p_ * (T(1) - p_) / to_real<T>(count_));
        if (count_ <= warm_) return set(drift_signal::none);
        if (p_ + s <= ps_min_) {
            p_min_ = p_;
            s_min_ = s;
            ps_min_ = p_min_ + s_min_;
        }
        if (p_ + s > p_min_ + dt_ * s_min_) return fire(in_warning_ ? warning_start_ : n_ - 1);
        if (p_ + s > p_min_ + wt_ * s_min_) {
            if (!in_warning_) warning_start_ = n_ - 1;
            in_warning_ = true;
            return set(drift_signal::warning);
        }
        in_warning_ = false;
        return set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return p_; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(p_); v(p_min_); v(s_min_); v(ps_min_); v(in_warning_); v(warning_start_);
    }

private:
    constexpr void restart() noexcept {
        count_ = 0;
        p_ = T(0);
        p_min_ = s_min_ = ps_min_ = std::numeric_limits<T>::max();
        in_warning_ = false;
        warning_start_ = 0;
    }

    std::uint32_t warm_;
    T wt_, dt_;
    std::uint64_t count_ = 0;
    T p_ = 0;
    T p_min_ = std::numeric_limits<T>::max(), s_min_ = std::numeric_limits<T>::max(),
      ps_min_ = std::numeric_limits<T>::max();
    bool in_warning_ = false;
    std::uint64_t warning_start_ = 0;
};

}  // namespace nerve::drift
