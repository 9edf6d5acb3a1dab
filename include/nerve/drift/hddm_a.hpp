// nerve/drift/hddm_a.hpp — HDDM_A: drift detection with Hoeffding's bound on averages
// (Frías-Blanco et al. 2015).
#pragma once

#include <cmath>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

struct hddm_a_options {
    double drift_confidence = 0.001;
    double warning_confidence = 0.005;
    bool two_sided = false;  ///< also watch for a decrease of the mean
};

/// HDDM_A with River's (MOA's) semantics. Input: values in [0, 1] — 1 for an error, 0 for a
/// correct prediction, or a bounded loss. It keeps the global mean Z since the last drift and a
/// cut point X (a snapshot of Z taken where Z + eps(Z) was lowest); a drift is an increase of
/// the mean after the cut that Hoeffding's inequality says is significant at drift_confidence
/// (a warning at warning_confidence); two_sided adds the mirror test for a decrease.
///
/// change_point(): the sample right after the cut point, where the higher mean began.
/// estimate(): the global mean Z; window_length(): samples since the last drift.
/// NaN/Inf rejected and counted. Per sample: a few square roots, no logarithm (precomputed).
template <sample_type T = float>
class hddm_a : public detector_base {
    static_assert(std::is_floating_point_v<T>, "hddm_a works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    hddm_a() noexcept : hddm_a(hddm_a_options{}) {}
    explicit hddm_a(const hddm_a_options& o) noexcept
        : log_inv_drift_(static_cast<T>(std::log(1.0 / o.drift_confidence))),
          log2_drift_(static_cast<T>(std::log(2.0 / o.drift_confidence))),
          log2_warning_(static_cast<T>(std::log(2.0 / o.warning_confidence))),
          two_sided_(o.two_sided) {
        NERVE_ASSERT(o.drift_confidence > 0 && o.drift_confidence < 1 && o.warning_confidence > 0 &&
                     o.warning_confidence < 1);
    }

    drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        z_.add(x);
        if (min_.n == 0) min_ = z_;
        if (max_.n == 0) max_ = z_;
        const T eps_z = bound(z_.n);
        if (min_.mean + bound(min_.n) >= z_.mean + eps_z) min_ = z_;
        if (max_.mean - bound(max_.n) <= z_.mean - eps_z) max_ = z_;

        const std::uint64_t base = n_ - z_.n;  // sample index of this concept's first sample
        drift_signal s = drift_signal::none;
        if (incr(log2_drift_)) {
            return fire(base + min_.n);
        } else if (incr(log2_warning_)) {
            s = drift_signal::warning;
        }
        if (two_sided_) {
            if (decr(log2_drift_)) return fire(base + max_.n);
            if (decr(log2_warning_)) s = drift_signal::warning;
        }
        return set(s);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return z_.mean; }
    constexpr std::uint64_t window_length() const noexcept { return z_.n; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(z_); v(min_); v(max_);
    }
    constexpr bool state_is_valid() const noexcept { return min_.n <= z_.n && max_.n <= z_.n && z_.n <= n_; }

private:
    struct mean_t {
        std::uint64_t n = 0;
        T mean = 0;
        constexpr void add(T x) noexcept {
            ++n;
            mean += (T(1) / to_real<T>(n)) * (x - mean);
        }
        template <class V>
        constexpr void visit_state(V& v) { v(n); v(mean); }
    };

    T bound(std::uint64_t n) const noexcept {
        return std::sqrt(T(1) / (T(2) * to_real<T>(n)) * log_inv_drift_);
    }
    // m = (n_z - n_x) / n_x / n_z: the harmonic weight of the two sub-samples.
    bool incr(T log2c) const noexcept {
        if (min_.n == z_.n) return false;
        const T m = to_real<T>(z_.n - min_.n) / to_real<T>(min_.n) * (T(1) / to_real<T>(z_.n));
        return z_.mean - min_.mean >= std::sqrt(m / T(2) * log2c);
    }
    bool decr(T log2c) const noexcept {
        if (max_.n == z_.n) return false;
        const T m = to_real<T>(z_.n - max_.n) / to_real<T>(max_.n) * (T(1) / to_real<T>(z_.n));
        return max_.mean - z_.mean >= std::sqrt(m / T(2) * log2c);
    }
    void restart() noexcept { z_ = min_ = max_ = mean_t{}; }

    T log_inv_drift_, log2_drift_, log2_warning_;
    bool two_sided_;
    mean_t z_{}, min_{}, max_{};
};

}  // namespace nerve::drift
