// nerve/drift/multivariate.hpp — one drift detector per feature, with a combined decision.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

struct multivariate_options {
    /// Drift when at least `votes` features have fired within the last `coincidence` samples
    /// (1: any feature fires -> drift). A feature's vote expires after `coincidence` samples.
    std::uint32_t votes = 1;
    std::uint32_t coincidence = 1;
};

/// A detector per feature of a fixed-size feature vector (the detectors run independently,
/// each on its own feature), and one combined signal: drift when `votes` features fired within
/// `coincidence` samples of each other, warning when any feature warns or has an unexpired vote
/// short of the quorum. Votes are spent when the combined drift fires, so one change that moves
/// several features gives one combined drift.
///
/// change_point(): the earliest change point among the features that made up the quorum.
/// fired_mask(): which features voted in the last combined drift (bit i = feature i, first 64).
/// A NaN/Inf feature is rejected by its own detector only (the others still see their values);
/// the combined clock advances once per vector. RAM: Features x sizeof(D) + 16 bytes a feature.
template <drift_detector D, std::size_t Features>
class multivariate : public detector_base {
    static_assert(Features >= 1, "at least one feature");

public:
    using value_type = typename D::input_type;
    using input_type = std::array<value_type, Features>;
    using output_type = drift_signal;

    constexpr multivariate() = default;
    constexpr explicit multivariate(const multivariate_options& o, const D& proto = D{}) : opt_(o) {
        for (auto& d : det_) d = proto;
        if (opt_.votes == 0) opt_.votes = 1;
        if (opt_.coincidence == 0) opt_.coincidence = 1;
    }

    constexpr drift_signal operator()(const input_type& x) { return update(x); }

    constexpr drift_signal update(const input_type& x) {
        ++n_;
        bool warn = false;
        std::uint32_t voting = 0;
        for (std::size_t i = 0; i < Features; ++i) {
            const drift_signal s = det_[i].update(x[i]);
            if (s == drift_signal::drift) {
                voted_at_[i] = n_;
                cp_[i] = det_[i].change_point();
            } else if (s == drift_signal::warning) {
                warn = true;
            }
            if (voted_at_[i] != 0 && n_ - voted_at_[i] < opt_.coincidence) ++voting;
        }
        if (voting >= opt_.votes) {
            std::uint64_t begin = n_ - 1;
            mask_ = 0;
            for (std::size_t i = 0; i < Features; ++i) {
                if (voted_at_[i] != 0 && n_ - voted_at_[i] < opt_.coincidence) {
                    if (cp_[i] < begin) begin = cp_[i];
                    if (i < 64) mask_ |= std::uint64_t{1} << i;
                    voted_at_[i] = 0;  // spent
                }
            }
            return fire(begin);
        }
        return set(warn || voting > 0 ? drift_signal::warning : drift_signal::none);
    }

    constexpr void reset() {
        reset_base();
        for (auto& d : det_) d.reset();
        voted_at_ = {};
        cp_ = {};
        mask_ = 0;
    }

    /// Feature i's detector (its estimate, window, change point).
    constexpr const D& feature(std::size_t i) const { return det_[i]; }
    constexpr D& feature(std::size_t i) { return det_[i]; }
    /// Mean of the features' estimates (a summary; use feature(i).estimate() for each).
    constexpr double estimate() const {
        double s = 0;
        for (const auto& d : det_) s += static_cast<double>(d.estimate());
        return s / static_cast<double>(Features);
    }
    /// The shortest current window among the features.
    constexpr std::uint64_t window_length() const {
        std::uint64_t m = det_[0].window_length();
        for (const auto& d : det_) m = d.window_length() < m ? d.window_length() : m;
        return m;
    }
    constexpr std::uint64_t fired_mask() const noexcept { return mask_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        for (auto& d : det_) v(d);
        v(voted_at_); v(cp_); v(mask_);
    }
    /// A restored snapshot must leave every feature's detector in a state it can be in.
    constexpr bool state_is_valid() const noexcept {
        for (const auto& d : det_) {
            if (!inner_state_is_valid(d)) return false;
        }
        for (auto t : voted_at_) {
            if (t > n_) return false;
        }
        return true;
    }

private:
    multivariate_options opt_{};
    std::array<D, Features> det_{};
    std::array<std::uint64_t, Features> voted_at_{};  // n_ at the feature's last drift (0: none)
    std::array<std::uint64_t, Features> cp_{};
    std::uint64_t mask_ = 0;
};

}  // namespace nerve::drift
