// nerve/drift/cusum.hpp — tabular CUSUM control chart (Page 1954) against a frozen reference.
#pragma once

#include <cmath>
#include <cstdint>

#include "detector.hpp"
#include "page_hinkley.hpp"  // ph_direction

namespace nerve::drift {

struct cusum_options {
    std::uint32_t min_instances = 30;  ///< warm-up samples that estimate the reference
    double slack = 0.5;                ///< k, in reference standard deviations
    double threshold = 5.0;            ///< h, in reference standard deviations
    ph_direction direction = ph_direction::both;
};

/// Tabular CUSUM with River's semantics (river.drift.CUSUM): the reference mean and standard
/// deviation (sample, ddof 1) are estimated over the first min_instances samples and then
/// frozen; from the min_instances-th sample on
///     S+ = max(0, S+ + (x - mu) - k sigma),   S- = max(0, S- - (x - mu) - k sigma)
/// and a drift fires when a watched sum exceeds h sigma. After a drift it starts afresh
/// (a new warm-up). A reference with sigma = 0 (a constant warm-up) fires on the first sample
/// that differs from it.
///
/// change_point(): the sample after the last time the firing sum was zero (CUSUM's classic
/// change-time estimate). estimate(): the reference mean (during warm-up, the running mean).
/// NaN/Inf rejected and counted.
template <sample_type T = float>
class cusum : public detector_base {
    static_assert(std::is_floating_point_v<T>, "cusum works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr cusum() noexcept : cusum(cusum_options{}) {}
    constexpr explicit cusum(const cusum_options& o) noexcept
        : min_(o.min_instances ? o.min_instances : 1),
          slack_(static_cast<T>(o.slack)),
          threshold_(static_cast<T>(o.threshold)),
          dir_(o.direction) {}

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        if (!frozen_) {
            const T old = mean_;
            mean_ += (T(1) / to_real<T>(count_)) * (x - old);
            m2_ += (x - old) * (x - mean_);
            if (count_ < min_) return set(drift_signal::none);
            frozen_ = true;
            const T var = count_ > 1 ? m2_ / to_real<T>(count_ - 1) : T(0);
            sigma_ = std::sqrt(var > T(0) ? var : T(0));
            up_zero_at_ = down_zero_at_ = n_ - 1;
        }
        const T k = slack_ * sigma_;
        const T limit = threshold_ * sigma_;
        const T dev = x - mean_;
        up_ = up_ + dev - k;
        if (up_ <= T(0)) { up_ = T(0); up_zero_at_ = n_; }
        down_ = down_ - dev - k;
        if (down_ <= T(0)) { down_ = T(0); down_zero_at_ = n_; }
        const bool fu = (static_cast<unsigned>(dir_) & 1u) && up_ > limit;
        const bool fd = (static_cast<unsigned>(dir_) & 2u) && down_ > limit;
        if (fu || fd) return fire(fu ? up_zero_at_ : down_zero_at_);
        return set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return mean_; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }
    constexpr T reference_sigma() const noexcept { return sigma_; }
    constexpr T sum_up() const noexcept { return up_; }
    constexpr T sum_down() const noexcept { return down_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(mean_); v(m2_); v(sigma_); v(frozen_); v(up_); v(down_); v(up_zero_at_); v(down_zero_at_);
    }

private:
    constexpr void restart() noexcept {
        count_ = 0;
        mean_ = m2_ = sigma_ = up_ = down_ = T(0);
        frozen_ = false;
        up_zero_at_ = down_zero_at_ = n_;
    }

    std::uint32_t min_;
    T slack_, threshold_;
    ph_direction dir_;
    std::uint64_t count_ = 0;
    T mean_ = 0, m2_ = 0, sigma_ = 0;
    bool frozen_ = false;
    T up_ = 0, down_ = 0;
    std::uint64_t up_zero_at_ = 0, down_zero_at_ = 0;
};

}  // namespace nerve::drift
