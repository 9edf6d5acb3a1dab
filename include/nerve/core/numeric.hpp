// nerve/core/numeric.hpp — small numeric helpers shared by operators of every sample type.
#pragma once

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../config.hpp"
#include "fixed_point.hpp"

namespace nerve {

/// False for NaN and +-Inf; fixed-point samples are always finite.
template <sample_type T>
constexpr bool is_finite(T x) noexcept {
    if constexpr (is_fixed_point_v<T>) {
        return true;
    } else {
#if defined(__GNUC__) || defined(__clang__)
        return __builtin_isfinite(x);  // constexpr and branch-free
#else
        if (std::is_constant_evaluated()) return x == x && x - x == T(0);
        return std::isfinite(x);
#endif
    }
}

/// std::sqrt of a value known to be >= +0 (or NaN). On the Cortex-M4F the bare VSQRT: the same
/// correctly rounded result, without the errno test and library call GCC emits around sqrtf for
/// a possibly negative argument.
template <class T>
    requires std::is_floating_point_v<T>
NERVE_ALWAYS_INLINE T sqrt_nonneg(T v) noexcept {
#if defined(__arm__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__) && !defined(__clang__)
    if constexpr (std::is_same_v<T, float>) {
        float r;
        __asm__("vsqrt.f32 %0, %1" : "=t"(r) : "t"(v));
        return r;
    }
#endif
    return std::sqrt(v);
}

/// |z| as sqrt(re^2 + im^2) where the sum of squares is a normal number (then it is as accurate
/// as std::abs, within an ulp or so); else std::abs, whose scaling survives huge and tiny parts.
/// std::abs alone costs a division per call (a hypot), which dominated the M4 envelope.
template <class T>
    requires std::is_floating_point_v<T>
NERVE_ALWAYS_INLINE T magnitude(const std::complex<T>& z) noexcept {
    const T m2 = z.real() * z.real() + z.imag() * z.imag();
    if (m2 >= std::numeric_limits<T>::min() && m2 <= std::numeric_limits<T>::max()) return sqrt_nonneg(m2);
    return std::abs(z);
}

/// splitmix64's finaliser: every input bit reaches every output bit. For hashing keys
/// (core/keyed.hpp) and counter-based random numbers (half_space_trees).
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// Median of the first n values of a small array (0 < n <= N): an insertion sort of a copy,
/// the middle value, or the mean of the two middle ones for even n. For the rings of a few
/// dozen levels the ECG operators keep (rates, peak levels, P-wave correlations), where a
/// sort of N <= 32 floats is cheaper than any selection bookkeeping.
template <class T, std::size_t N>
constexpr T median_of_first(const std::array<T, N>& a, std::size_t n) noexcept {
    std::array<T, N> s{};
    for (std::size_t i = 0; i < n; ++i) {
        const T v = a[i];
        std::size_t j = i;
        while (j > 0 && s[j - 1] > v) { s[j] = s[j - 1]; --j; }
        s[j] = v;
    }
    return n % 2 ? s[n / 2] : T(0.5) * (s[n / 2 - 1] + s[n / 2]);
}

/// The type an operator keeps its running state in: the sample type for floating point,
/// Q31 for fixed point, so that a Q15 recurrence does not lose its low bits (no dead band).
template <sample_type T>
using state_type_t = std::conditional_t<is_fixed_point_v<T>, q31, T>;

/// Converts between sample types of the same family (Q15 <-> Q31 by shifting, with
/// rounding and saturation going down; float <-> double by cast).
template <sample_type To, sample_type From>
constexpr To convert_sample(From x) noexcept {
    if constexpr (std::is_same_v<To, From>) {
        return x;
    } else if constexpr (is_fixed_point_v<To> && is_fixed_point_v<From>) {
        constexpr int shift = From::frac_bits - To::frac_bits;
        using W = std::int64_t;
        if constexpr (shift > 0) {
            const W r = (static_cast<W>(x.raw) + (W{1} << (shift - 1))) >> shift;
            return To::from_raw(detail::saturate<typename To::raw_type>(r));
        } else {
            return To::from_raw(static_cast<typename To::raw_type>(static_cast<W>(x.raw) * (W{1} << -shift)));
        }
    } else if constexpr (is_fixed_point_v<To> || is_fixed_point_v<From>) {
        return from_double<To>(to_double(x));
    } else {
        return static_cast<To>(x);
    }
}

/// The "hold the last good sample" bad-input policy shared by operators with a delay line:
/// a NaN or Inf input is replaced by the last finite input (0 before any) and counted, so
/// the operator's state never holds a non-finite value. Fixed-point samples pass untouched.
/// Snapshots see it as two fields: the last good sample, then the count.
template <sample_type T>
class hold_last_good {
public:
    NERVE_ALWAYS_INLINE constexpr T operator()(T x) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            if (NERVE_UNLIKELY(!is_finite(x))) {
                ++rejected_;
                return last_;
            }
            last_ = x;
        }
        return x;
    }
    /// Records `x`, already known to be finite (the end of a checked block), as the last good.
    constexpr void mark_good(T x) noexcept {
        if constexpr (std::is_floating_point_v<T>) last_ = x;
    }
    /// Number of inputs replaced since construction or reset().
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }
    constexpr void reset() noexcept { last_ = T{}; rejected_ = 0; }

    template <class V>
    constexpr void visit_state(V& v) { v(last_); v(rejected_); }

private:
    T last_{};
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve
