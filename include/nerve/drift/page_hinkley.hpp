// nerve/drift/page_hinkley.hpp — Page-Hinkley test for a change in the mean, both directions.
#pragma once

#include <cstdint>
#include <limits>

#include "detector.hpp"

namespace nerve::drift {

/// Which changes of the mean Page-Hinkley watches.
enum class ph_direction : std::uint8_t { up = 1, down = 2, both = 3 };

struct page_hinkley_options {
    std::uint32_t min_instances = 30;  ///< samples before any detection
    double delta = 0.005;              ///< magnitude of change tolerated per sample
    double threshold = 50.0;           ///< lambda: alarm when the cumulative deviation exceeds it
    double alpha = 1.0 - 0.0001;       ///< forgetting factor of the cumulative sums
    ph_direction direction = ph_direction::both;
};

/// Page-Hinkley (Page 1954), with River's defaults and semantics: the running mean of all
/// samples since the last drift, the faded cumulative deviations
///     up_t   = alpha up_{t-1}   + (x_t - mean_t) - delta,   test_up   = up_t - min(up)
///     down_t = alpha down_{t-1} + (x_t - mean_t) + delta,   test_down = max(down) - down_t
/// and a drift once `min_instances` samples have been seen and a watched test exceeds
/// `threshold`. After a drift the detector starts afresh with the next sample (River does the
/// same), so one change gives one detection.
///
/// change_point(): the sample where the cumulative sum that fired had its extremum (the last
/// sample before it began to climb), the classic Page-Hinkley estimate of the change time.
/// estimate(): the running mean; window_length(): samples since the last drift.
///
/// Departure from River: the running maximum of `down` starts at -infinity (River starts it at
/// -1, which hides a decrease while `down` stays below -1); River's documented example does not
/// depend on it. Bad input: NaN/Inf rejected and counted (detector_base).
/// RAM: sizeof(page_hinkley<float>) is 120 bytes; no allocation.
template <sample_type T = float>
class page_hinkley : public detector_base {
    static_assert(std::is_floating_point_v<T>, "page_hinkley works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    constexpr page_hinkley() noexcept : page_hinkley(page_hinkley_options{}) {}
    constexpr explicit page_hinkley(const page_hinkley_options& o) noexcept
        : min_instances_(o.min_instances),
          delta_(static_cast<T>(o.delta)),
          threshold_(static_cast<T>(o.threshold)),
          alpha_(static_cast<T>(o.alpha)),
          dir_(o.direction) {
        NERVE_ASSERT(o.threshold > 0.0 && o.alpha > 0.0 && o.alpha <= 1.0 && o.delta >= 0.0);
    }

    constexpr drift_signal operator()(T x) noexcept { return update(x); }

    constexpr drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        mean_ += (T(1) / to_real<T>(count_)) * (x - mean_);
        const T dev = x - mean_;
        up_ = alpha_ * up_ + dev - delta_;
        down_ = alpha_ * down_ + dev + delta_;
        if (up_ < min_up_) { min_up_ = up_; min_up_at_ = n_ - 1; }
        if (down_ > max_down_) { max_down_ = down_; max_down_at_ = n_ - 1; }
        if (count_ >= min_instances_) {
            const bool fire_up = (static_cast<unsigned>(dir_) & 1u) && up_ - min_up_ > threshold_;
            const bool fire_down = (static_cast<unsigned>(dir_) & 2u) && max_down_ - down_ > threshold_;
            if (fire_up || fire_down) {
                // The extremum sample is the last one of the old regime; the change begins after it.
                const std::uint64_t at = fire_up ? min_up_at_ : max_down_at_;
                up_fired_ = fire_up;
                return fire(at + 1);
            }
        }
        return set(drift_signal::none);
    }

    constexpr void reset() noexcept {
        reset_base();
        restart();
    }

    /// Running mean since the last drift (0 before any sample).
    constexpr T estimate() const noexcept { return mean_; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }
    /// The two test statistics (cumulative deviation above its minimum / below its maximum).
    constexpr T test_up() const noexcept { return count_ ? up_ - min_up_ : T(0); }
    constexpr T test_down() const noexcept { return count_ ? max_down_ - down_ : T(0); }
    /// Direction of the last drift: true for an increase of the mean.
    constexpr bool last_drift_was_up() const noexcept { return up_fired_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(mean_); v(up_); v(down_); v(min_up_); v(max_down_);
        v(min_up_at_); v(max_down_at_); v(up_fired_);
    }
    constexpr bool state_is_valid() const noexcept { return min_up_at_ <= n_ && max_down_at_ <= n_; }

private:
    constexpr void restart() noexcept {
        count_ = 0;
        mean_ = up_ = down_ = T(0);
        min_up_ = std::numeric_limits<T>::max();
        max_down_ = std::numeric_limits<T>::lowest();
        min_up_at_ = max_down_at_ = n_;
    }

    std::uint32_t min_instances_;
    T delta_, threshold_, alpha_;
    ph_direction dir_;

    std::uint64_t count_ = 0;
    T mean_ = 0, up_ = 0, down_ = 0;
    T min_up_ = std::numeric_limits<T>::max();
    T max_down_ = std::numeric_limits<T>::lowest();
    std::uint64_t min_up_at_ = 0, max_down_at_ = 0;
    bool up_fired_ = false;
};

}  // namespace nerve::drift
