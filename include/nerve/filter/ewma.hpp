// nerve/filter/ewma.hpp — exponentially weighted moving average (one-pole smoother).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"

namespace nerve::filter {

/// y[n] = y[n-1] + alpha (x[n] - y[n-1]), started at the first sample (no ramp from zero).
///
/// Fixed point: the state is kept in Q31 whatever the sample type, so a small alpha with
/// Q15 samples still converges to the exact input instead of stalling in a dead band.
///
/// Bad input: a NaN or Inf sample is rejected (counted in rejected()) and the previous
/// output is returned; the state never becomes non-finite.
template <sample_type T = float>
class ewma {
    using state_t = state_type_t<T>;

public:
    using input_type = T;
    using output_type = T;

    constexpr ewma() noexcept : ewma(0.1) {}
    /// alpha in (0, 1]: the weight of the newest sample.
    constexpr explicit ewma(double alpha) noexcept : alpha_(from_double<state_t>(alpha)) {
        NERVE_ASSERT(alpha > 0.0 && alpha <= 1.0);
    }

    /// Smoother whose step response reaches 63 % after `tau_seconds`.
    static ewma from_time_constant(double tau_seconds, sample_rate fs) noexcept {
        return ewma(1.0 - std::exp(-1.0 / (tau_seconds * fs.value)));
    }

    constexpr output_type operator()(input_type x) noexcept {
        if (!is_finite(x)) {
            ++rejected_;
            return convert_sample<T>(y_);
        }
        const state_t xs = convert_sample<state_t>(x);
        if (!primed_) {
            y_ = xs;
            primed_ = true;
        } else if constexpr (is_fixed_point_v<state_t>) {
            // d spans 33 bits and alpha 31, so the product fits in int64 (< 2^63).
            const std::int64_t d = static_cast<std::int64_t>(xs.raw) - y_.raw;
            const std::int64_t step = (d * alpha_.raw + (std::int64_t{1} << 30)) >> 31;
            y_ = state_t::from_raw(nerve::detail::saturate<std::int32_t>(y_.raw + step));
        } else {
            y_ += alpha_ * (xs - y_);
        }
        return convert_sample<T>(y_);
    }

    constexpr void reset() noexcept { y_ = state_t{}; primed_ = false; rejected_ = 0; }

    constexpr output_type value() const noexcept { return convert_sample<T>(y_); }
    /// Number of non-finite inputs ignored since the last reset.
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    constexpr void visit_state(V& v) { v(y_); v(primed_); v(rejected_); }

private:
    state_t alpha_;
    state_t y_{};
    bool primed_ = false;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::filter
