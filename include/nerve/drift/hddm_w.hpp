// nerve/drift/hddm_w.hpp — HDDM_W: drift detection with McDiarmid's bound on EWMAs
// (Frías-Blanco et al. 2015).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "detector.hpp"

namespace nerve::drift {

struct hddm_w_options {
    double drift_confidence = 0.001;
    double warning_confidence = 0.005;
    double lambda = 0.05;     ///< weight of the newest sample in the EWMAs
    bool two_sided = false;   ///< also watch for a decrease
    /// River's EWMean restarts from the sample whenever its mean is exactly 0 (so on an error
    /// stream that starts with correct predictions the first error makes the EWMA jump to 1).
    /// true reproduces that, for River's documented example; false (default) starts each EWMA
    /// at its first sample and never restarts it.
    bool river_compatible = false;
};

/// HDDM_W with River's (MOA's) semantics. Input: values in [0, 1] (1 = error). It keeps an EWMA
/// of the whole stream since the last drift and, for each direction, the EWMA frozen at the cut
/// point (where EWMA + bound was lowest / EWMA - bound highest) and an EWMA of what came after
/// it; a drift is a difference between the two larger than McDiarmid's bound
/// sqrt(ibc ln(1/confidence) / 2), where ibc = sum of squared EWMA weights.
///
/// change_point(): the first sample after the cut point. estimate(): the EWMA of the stream;
/// window_length(): samples since the last drift. NaN/Inf rejected and counted.
template <sample_type T = float>
class hddm_w : public detector_base {
    static_assert(std::is_floating_point_v<T>, "hddm_w works on float or double samples");

public:
    using input_type = T;
    using output_type = drift_signal;

    hddm_w() noexcept : hddm_w(hddm_w_options{}) {}
    explicit hddm_w(const hddm_w_options& o) noexcept
        : lambda_(static_cast<T>(o.lambda)),
          lsq_(static_cast<T>(o.lambda * o.lambda)),
          clsq_(static_cast<T>((1.0 - o.lambda) * (1.0 - o.lambda))),
          log_drift_(static_cast<T>(std::log(1.0 / o.drift_confidence))),
          log_warning_(static_cast<T>(std::log(1.0 / o.warning_confidence))),
          two_sided_(o.two_sided),
          river_(o.river_compatible) {
        NERVE_ASSERT(o.lambda > 0 && o.lambda <= 1);
    }

    drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        ++count_;
        add(total_, x);

        // Increase: cut where EWMA + bound was lowest; s2 follows what came after.
        const T eps = mcdiarmid(total_.ibc, log_drift_);
        if (total_.ewma + eps < incr_cut_) {
            incr_cut_ = total_.ewma + eps;
            s1_incr_ = total_;
            s2_incr_ = info{};
            incr_at_ = count_;
        } else {
            add(s2_incr_, x);
        }
        drift_signal s = drift_signal::none;
        bool drift = false;
        std::uint64_t begin = 0;
        if (changed(s1_incr_, s2_incr_, log_drift_)) {
            drift = true;
            begin = incr_at_;
        } else if (changed(s1_incr_, s2_incr_, log_warning_)) {
            s = drift_signal::warning;
        }

        if (total_.ewma - eps > decr_cut_) {
            decr_cut_ = total_.ewma - eps;
            s1_decr_ = total_;
            s2_decr_ = info{};
            decr_at_ = count_;
        } else {
            add(s2_decr_, x);
        }
        if (two_sided_) {
            if (changed(s2_decr_, s1_decr_, log_drift_)) {
                if (!drift) begin = decr_at_;
                drift = true;
            } else if (changed(s2_decr_, s1_decr_, log_warning_)) {
                s = drift_signal::warning;
            }
        }
        if (drift) return fire(n_ - count_ + begin);
        return set(s);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    constexpr T estimate() const noexcept { return total_.ewma; }
    constexpr std::uint64_t window_length() const noexcept { return count_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(count_); v(total_); v(s1_incr_); v(s2_incr_); v(s1_decr_); v(s2_decr_);
        v(incr_cut_); v(decr_cut_); v(incr_at_); v(decr_at_);
    }

private:
    struct info {
        T ewma = 0;
        T ibc = 1;  // independent bound condition: sum of squared weights
        bool init = false;
        template <class V>
        constexpr void visit_state(V& v) { v(ewma); v(ibc); v(init); }
    };

    void add(info& s, T x) const noexcept {
        const bool start = river_ ? s.ewma == T(0) : !s.init;
        s.ewma = start ? x : lambda_ * x + (T(1) - lambda_) * s.ewma;
        s.init = true;
        s.ibc = lsq_ + clsq_ * s.ibc;
    }
    static T mcdiarmid(T ibc, T log_inv_conf) noexcept { return std::sqrt(ibc * log_inv_conf / T(2)); }
    static bool changed(const info& a, const info& b, T log_inv_conf) noexcept {
        if (!(a.init && b.init)) return false;
        return b.ewma - a.ewma > mcdiarmid(a.ibc + b.ibc, log_inv_conf);
    }
    void restart() noexcept {
        count_ = 0;
        total_ = s1_incr_ = s2_incr_ = s1_decr_ = s2_decr_ = info{};
        incr_cut_ = std::numeric_limits<T>::max();
        decr_cut_ = std::numeric_limits<T>::lowest();
        incr_at_ = decr_at_ = 0;
    }

    T lambda_, lsq_, clsq_, log_drift_, log_warning_;
    bool two_sided_, river_;
    std::uint64_t count_ = 0;
    info total_{}, s1_incr_{}, s2_incr_{}, s1_decr_{}, s2_decr_{};
    T incr_cut_ = std::numeric_limits<T>::max();
    T decr_cut_ = std::numeric_limits<T>::lowest();
    std::uint64_t incr_at_ = 0, decr_at_ = 0;
};

}  // namespace nerve::drift
