// nerve/drift/error_stream.hpp — drift detection on a model's error stream.
#pragma once

#include <cmath>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

/// How a (prediction, truth) pair becomes the error the detector watches.
enum class error_kind : std::uint8_t {
    binary,    ///< 1 when prediction != truth (classification), else 0
    absolute,  ///< |prediction - truth| / scale, clipped to [0, 1] (regression, bounded detectors)
    squared,   ///< ((prediction - truth) / scale)^2, clipped to [0, 1]
    raw,       ///< |prediction - truth|, unclipped (for ADWIN, Page-Hinkley, CUSUM on real errors)
};

/// One (prediction, truth) pair.
template <class T>
struct labelled {
    T prediction{};
    T truth{};
};

struct error_stream_options {
    error_kind kind = error_kind::binary;
    double scale = 1.0;  ///< error that maps to 1 for absolute / squared
};

/// Wraps a scalar drift detector D (DDM, EDDM, HDDM_A/W, FHDDM on binary errors; ADWIN,
/// Page-Hinkley, CUSUM on real-valued ones) so that it is fed a model's errors: push the
/// prediction and the truth, get none / warning / drift for the model's error rate.
/// FHDDM watches for a drop in its input (1 = correct, as in MOA): with Inverted = true the
/// wrapper feeds 1 - error for binary errors, so fhddm sees correct predictions as ones.
/// A pair with a NaN/Inf member is rejected and counted by the inner detector.
template <drift_detector D, bool Inverted = false>
class error_stream {
public:
    using value_type = typename D::input_type;
    using input_type = labelled<value_type>;
    using output_type = drift_signal;

    constexpr error_stream() = default;
    constexpr explicit error_stream(const error_stream_options& o, const D& d = D{})
        : kind_(o.kind), inv_scale_(static_cast<value_type>(1.0 / o.scale)), d_(d) {
        NERVE_ASSERT(o.scale > 0);
    }

    constexpr drift_signal operator()(const input_type& p) { return update(p); }
    constexpr drift_signal update(const input_type& p) { return d_.update(error_of(p)); }
    constexpr drift_signal update(value_type prediction, value_type truth) {
        return update(input_type{prediction, truth});
    }

    /// The error value a pair is turned into (NaN when a member is not finite).
    constexpr value_type error_of(const input_type& p) const {
        const value_type diff = p.prediction - p.truth;  // NaN/Inf propagate to the detector
        value_type e;
        switch (kind_) {
            case error_kind::binary:
                if (!nerve::is_finite(diff)) return diff;
                e = p.prediction != p.truth ? value_type(1) : value_type(0);
                return Inverted ? value_type(1) - e : e;
            case error_kind::absolute: e = std::fabs(diff) * inv_scale_; break;
            case error_kind::squared: e = diff * inv_scale_; e = e * e; break;
            default: return std::fabs(diff);
        }
        if (!nerve::is_finite(e)) return e;
        return e > value_type(1) ? value_type(1) : e;
    }

    constexpr void reset() { d_.reset(); }
    constexpr const D& detector() const noexcept { return d_; }
    constexpr D& detector() noexcept { return d_; }
    // The drift_detector accessors, forwarded.
    constexpr double estimate() const { return static_cast<double>(d_.estimate()); }
    constexpr std::uint64_t window_length() const { return d_.window_length(); }
    constexpr std::uint64_t samples_seen() const { return d_.samples_seen(); }
    constexpr std::uint64_t change_point() const { return d_.change_point(); }
    constexpr std::uint32_t detections() const { return d_.detections(); }
    constexpr std::uint32_t rejected() const { return d_.rejected(); }

    template <class V>
    constexpr void visit_state(V& v) { v(d_); }
    constexpr bool state_is_valid() const noexcept { return inner_state_is_valid(d_); }

private:
    error_kind kind_ = error_kind::binary;
    value_type inv_scale_ = 1;
    D d_{};
};

}  // namespace nerve::drift
