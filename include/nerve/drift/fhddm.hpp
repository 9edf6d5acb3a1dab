// nerve/drift/fhddm.hpp — FHDDM: fast Hoeffding drift detection (Pesaranghader & Viktor 2016),
// with the optional short window of the stacking variant (FHDDMS).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

struct fhddm_options {
    double confidence = 0.000001;  ///< delta of Hoeffding's inequality
};

/// FHDDM with River's semantics: a sliding window of Window bits; once full, the share u of
/// ones in it is compared with the highest share seen, u_max, and a drift is signalled when
/// u_max - u > eps = sqrt(ln(1/delta) / (2 Window)). With Short > 0 the newest Short bits are
/// tested the same way with their own maximum (FHDDMS), and either test fires.
///
/// Direction: like MOA, FHDDM watches for a DROP in the share of ones, so feed 1 for a correct
/// prediction (River's docstring says 1 = error, but its test and documented example detect a
/// drop in ones: the example's stream goes from 50 % to 10 % ones).
///
/// Input: any value; it counts as a one when it is >= 0.5. change_point(): the sample after the
/// window where u_max was last reached. estimate(): u, the share of ones in the window.
/// RAM: the window as bits (Window / 8 bytes). NaN/Inf rejected and counted.
template <sample_type T = float, std::size_t Window = 100, std::size_t Short = 0>
class fhddm : public detector_base {
    static_assert(Window >= 2 && Short < Window, "need Short < Window");
    static constexpr std::size_t words = (Window + 31) / 32;

public:
    using input_type = T;
    using output_type = drift_signal;

    fhddm() noexcept : fhddm(fhddm_options{}) {}
    explicit fhddm(const fhddm_options& o) noexcept
        : eps_(static_cast<T>(std::sqrt(std::log(1.0 / o.confidence) / (2.0 * Window)))),
          eps_s_(Short ? static_cast<T>(std::sqrt(std::log(1.0 / o.confidence) / (2.0 * (Short ? Short : 1)))) : T(0)) {}

    drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        const bool one = x >= T(0.5);
        // The bit at position `pos_` is the oldest when the window is full; overwrite it.
        const bool old = get(pos_);
        if (count_ == Window) ones_ -= old;
        put(pos_, one);
        ones_ += one;
        if (Short) {
            // The bit leaving the short window is Short positions back.
            const std::size_t back = pos_ >= Short ? pos_ - Short : pos_ + Window - Short;
            if (count_ >= Short) short_ones_ -= get(back);
            short_ones_ += one;
        }
        pos_ = pos_ + 1 == Window ? 0 : pos_ + 1;
        if (count_ < Window) ++count_;
        if (count_ < Window) return set(drift_signal::none);

        const T u = static_cast<T>(ones_) / static_cast<T>(Window);
        if (u_max_ < u) { u_max_ = u; max_at_ = n_; }
        bool drift = u_max_ - u > eps_;
        if (Short) {
            const T us = static_cast<T>(short_ones_) / static_cast<T>(Short ? Short : 1);
            if (us_max_ < us) { us_max_ = us; smax_at_ = n_; }
            if (us_max_ - us > eps_s_) {
                if (!drift) max_at_ = smax_at_;
                drift = true;
            }
        }
        return drift ? fire(max_at_) : set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    T estimate() const noexcept { return count_ ? static_cast<T>(ones_) / to_real<T>(count_) : T(0); }
    constexpr std::uint64_t window_length() const noexcept { return count_; }

    template <class V>
    constexpr void visit_state(V& v) {
        detector_base::visit_state(v);
        v(bits_); v(pos_); v(count_); v(ones_); v(short_ones_); v(u_max_); v(us_max_); v(max_at_); v(smax_at_);
    }
    constexpr bool state_is_valid() const noexcept { return pos_ < Window && count_ <= Window && ones_ <= count_; }

private:
    bool get(std::size_t i) const noexcept { return (bits_[i / 32] >> (i % 32)) & 1u; }
    void put(std::size_t i, bool b) noexcept {
        const std::uint32_t m = std::uint32_t{1} << (i % 32);
        bits_[i / 32] = b ? (bits_[i / 32] | m) : (bits_[i / 32] & ~m);
    }
    void restart() noexcept {
        bits_ = {};
        pos_ = count_ = ones_ = short_ones_ = 0;
        u_max_ = us_max_ = T(0);
        max_at_ = smax_at_ = n_;
    }

    T eps_, eps_s_;
    std::array<std::uint32_t, words> bits_{};
    std::size_t pos_ = 0, count_ = 0, ones_ = 0, short_ones_ = 0;
    T u_max_ = 0, us_max_ = 0;
    std::uint64_t max_at_ = 0, smax_at_ = 0;
};

}  // namespace nerve::drift
