// nerve/drift/detector.hpp — the one interface every drift / change detector keeps.
//
// A drift detector is a simple nerve operator: `drift_signal operator()(T x)` (also spelled
// `update(x)`) returns none / warning / drift for every sample, so it composes with `|` like a
// filter. Besides the signal every detector answers the same questions:
//
//   estimate()        its current estimate of the monitored quantity (ADWIN: window mean,
//                     DDM family: error rate, Page-Hinkley: running mean, KSWIN: mean of the
//                     recent window), in the input's units
//   window_length()   how many samples that estimate rests on (the current concept's length)
//   samples_seen()    accepted samples since construction or reset() (the detector's clock)
//   change_point()    after a drift: the 0-based sample index (in samples_seen() units) where
//                     the detector estimates the change BEGAN, not where it fired; this is the
//                     "change-point mode" for offline-style use on a whole series
//   detection_index() the index of the sample at which the last drift fired
//   detections()      number of drifts since reset()
//   rejected()        non-finite inputs ignored (NaN/Inf: counted, the state untouched, the
//                     signal `none`, the clock not advanced)
//
// Indices count accepted samples only. A caller that feeds gaps (NaN) and wants row indices
// keeps its own map from accepted sample to row (the `nerve drift` tool does).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/operator.hpp"

namespace nerve::drift {

/// What a detector says about the sample it was just given.
enum class drift_signal : std::uint8_t {
    none = 0,     ///< in control
    warning = 1,  ///< a change is likely building up (detectors with a warning zone)
    drift = 2,    ///< a change was detected; the detector has already adapted to it
};

constexpr const char* to_string(drift_signal s) noexcept {
    switch (s) {
        case drift_signal::none: return "none";
        case drift_signal::warning: return "warning";
        case drift_signal::drift: return "drift";
    }
    return "?";
}

/// A sample count as a floating-point number: a plain 32-bit conversion (one instruction on a
/// Cortex-M4F) while the count fits, instead of the soft-float 64-bit library call.
template <class T>
constexpr T to_real(std::uint64_t v) noexcept {
    return (v >> 32) ? static_cast<T>(v) : static_cast<T>(static_cast<std::uint32_t>(v));
}

/// One detection, as the general-shape adapter `drift_events` emits it.
struct drift_event {
    drift_signal signal = drift_signal::none;
    std::uint64_t index = 0;         ///< sample at which the detector fired
    std::uint64_t change_point = 0;  ///< sample where the change is estimated to have begun
    double estimate = 0.0;           ///< the detector's estimate after adapting
};

/// The common bookkeeping (clock, last signal, detection indices, rejected count) shared by
/// every detector. Detectors derive from it; it holds no virtual functions.
class detector_base {
public:
    constexpr drift_signal signal() const noexcept { return signal_; }
    constexpr bool drift_detected() const noexcept { return signal_ == drift_signal::drift; }
    constexpr bool warning_detected() const noexcept { return signal_ == drift_signal::warning; }
    constexpr std::uint64_t samples_seen() const noexcept { return n_; }
    constexpr std::uint64_t change_point() const noexcept { return change_point_; }
    constexpr std::uint64_t detection_index() const noexcept { return detection_index_; }
    constexpr std::uint32_t detections() const noexcept { return detections_; }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    constexpr void visit_state(V& v) {
        v(signal_); v(n_); v(change_point_); v(detection_index_); v(detections_); v(rejected_);
    }

protected:
    constexpr void reset_base() noexcept { *this = detector_base{}; }
    /// Call first in update(): false (and the input counted as rejected) for NaN/Inf.
    template <class T>
    constexpr bool accept(T x) noexcept {
        if (NERVE_UNLIKELY(!nerve::is_finite(x))) {
            ++rejected_;
            signal_ = drift_signal::none;
            return false;
        }
        return true;
    }
    /// Records a drift at the current sample (index n_ - 1) that began at `begin`.
    constexpr drift_signal fire(std::uint64_t begin) noexcept {
        detection_index_ = n_ - 1;
        change_point_ = begin <= detection_index_ ? begin : detection_index_;
        ++detections_;
        return signal_ = drift_signal::drift;
    }
    constexpr drift_signal set(drift_signal s) noexcept { return signal_ = s; }

    drift_signal signal_ = drift_signal::none;
    std::uint64_t n_ = 0;  // accepted samples
    std::uint64_t change_point_ = 0;
    std::uint64_t detection_index_ = 0;
    std::uint32_t detections_ = 0;
    std::uint32_t rejected_ = 0;
};

/// A wrapper's snapshot check: the wrapped detector's own state_is_valid() when it has one.
template <class D>
constexpr bool inner_state_is_valid(const D& d) noexcept {
    if constexpr (requires { { d.state_is_valid() } -> std::convertible_to<bool>; }) {
        return d.state_is_valid();
    } else {
        return true;
    }
}

/// What every drift detector offers (see the top of this file).
template <class D>
concept drift_detector = simple_operator<D> && requires(D& d, const D& cd, const typename D::input_type& x) {
    { d.update(x) } -> std::same_as<drift_signal>;
    { d(x) } -> std::same_as<drift_signal>;
    { cd.estimate() } -> std::convertible_to<double>;
    { cd.window_length() } -> std::convertible_to<std::uint64_t>;
    { cd.samples_seen() } -> std::convertible_to<std::uint64_t>;
    { cd.change_point() } -> std::convertible_to<std::uint64_t>;
    { cd.detections() } -> std::convertible_to<std::uint32_t>;
    d.reset();
};

/// General-shape adapter: emits a drift_event only when the wrapped detector warns or fires
/// (warnings only when `Warnings` is true), so `sensor | drift_events<adwin<>>{}` yields a
/// sparse stream of events instead of one signal per sample.
template <drift_detector D, bool Warnings = false>
class drift_events {
public:
    using input_type = typename D::input_type;
    using output_type = drift_event;

    constexpr drift_events() = default;
    constexpr explicit drift_events(const D& d) : d_(d) {}

    template <class Emit>
    constexpr void push(const input_type& x, Emit&& emit) {
        const drift_signal s = d_.update(x);
        if (s == drift_signal::drift || (Warnings && s == drift_signal::warning)) {
            emit(drift_event{s, d_.samples_seen() - 1,
                             s == drift_signal::drift ? d_.change_point() : d_.samples_seen() - 1,
                             static_cast<double>(d_.estimate())});
        }
    }
    constexpr void reset() { d_.reset(); }
    constexpr D& detector() noexcept { return d_; }
    constexpr const D& detector() const noexcept { return d_; }

    template <class V>
    constexpr void visit_state(V& v) { v(d_); }
    constexpr bool state_is_valid() const noexcept { return inner_state_is_valid(d_); }

private:
    D d_{};
};

}  // namespace nerve::drift
