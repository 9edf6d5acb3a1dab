// nerve/filter/one_pole.hpp — first-order IIR: y[n] = b0 x[n] + b1 x[n-1] - a1 y[n-1].
//
// Designs (constexpr): one_pole<T>::lowpass(fc, fs) is the classic exponential smoother
// (pole at exp(-2 pi fc / fs), unity DC gain, starts from zero — unlike filter::ewma,
// which starts at the first sample); one_pole<T>::highpass(fc, fs) has the same pole and
// unity gain at Nyquist; one_pole<T>::bilinear_lowpass(fc, fs) equals
// scipy.signal.butter(1, fc, fs=fs).
//
// Fixed point (q15/q31): coefficients in Q31, the output state kept in Q31 whatever the
// sample type (no dead band for small cut-offs), 64-bit accumulation with each product
// pre-shifted by 2 bits, rounding, saturation.
// Bad input (float/double): NaN/Inf input is replaced by the last finite input and
// counted in rejected(); if huge finite input overflows the state, it is cleared, the
// output is 0 and resets() counts it.
#pragma once

#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "detail/iir_math.hpp"

namespace nerve::filter {

template <sample_type T = float>
class one_pole {
    static constexpr bool is_fixed = is_fixed_point_v<T>;
    using coeff_t = std::conditional_t<is_fixed, q31, T>;
    using state_t = state_type_t<T>;

public:
    using input_type = T;
    using output_type = T;

    /// Pass-through.
    constexpr one_pole() noexcept : one_pole(1.0, 0.0, 0.0) {}
    /// Raw coefficients (a0 = 1); |b0|, |b1|, |a1| must be <= 1 for fixed point.
    constexpr one_pole(double b0, double b1, double a1) noexcept
        : b0_(from_double<coeff_t>(b0)), b1_(from_double<coeff_t>(b1)), na1_(from_double<coeff_t>(-a1)) {}

    static constexpr one_pole lowpass(hertz fc, sample_rate fs) noexcept {
        const double p = iir_detail::exp(-2.0 * iir_detail::pi * fc.value / fs.value);
        return one_pole(1.0 - p, 0.0, -p);
    }
    static constexpr one_pole highpass(hertz fc, sample_rate fs) noexcept {
        const double p = iir_detail::exp(-2.0 * iir_detail::pi * fc.value / fs.value);
        return one_pole((1.0 + p) / 2, -(1.0 + p) / 2, -p);
    }
    static constexpr one_pole bilinear_lowpass(hertz fc, sample_rate fs) noexcept {
        const double k = iir_detail::tan(iir_detail::pi * fc.value / fs.value);
        return one_pole(k / (1 + k), k / (1 + k), (k - 1) / (k + 1));
    }

    constexpr output_type operator()(input_type x) noexcept {
        if constexpr (is_fixed) {
            using W = std::int64_t;
            const state_t xs = convert_sample<state_t>(x);
            const W acc = (W(b0_.raw) * xs.raw >> 2) + (W(b1_.raw) * x1_.raw >> 2) + (W(na1_.raw) * y_.raw >> 2);
            x1_ = xs;
            y_ = state_t::from_raw(::nerve::detail::saturate<std::int32_t>((acc + (W{1} << 28)) >> 29));
            return convert_sample<T>(y_);
        } else {
            if (NERVE_UNLIKELY(!is_finite(x))) {
                ++rejected_;
                x = last_;
            } else {
                last_ = x;
            }
            const T y = b0_ * x + b1_ * x1_ + na1_ * y_;
            x1_ = x;
            if (NERVE_UNLIKELY(!is_finite(y))) {  // overflow from huge finite input
                x1_ = T{};
                y_ = T{};
                ++resets_;
                return T{};
            }
            y_ = y;
            return y;
        }
    }

    constexpr void reset() noexcept {
        x1_ = state_t{};
        y_ = state_t{};
        last_ = T{};
        rejected_ = 0;
        resets_ = 0;
    }

    template <class V>
    constexpr void visit_state(V& v) {
        v(x1_);
        v(y_);
        v(last_);
        v(rejected_);
        v(resets_);
    }

    constexpr std::uint32_t rejected() const noexcept { return rejected_; }
    /// Times the state overflowed to non-finite (huge finite input) and was cleared.
    constexpr std::uint32_t resets() const noexcept { return resets_; }

private:
    coeff_t b0_{}, b1_{}, na1_{};
    state_t x1_{}, y_{};
    T last_{};
    std::uint32_t rejected_ = 0;
    std::uint32_t resets_ = 0;
};

}  // namespace nerve::filter
