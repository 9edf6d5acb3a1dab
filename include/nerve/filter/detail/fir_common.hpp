// nerve/filter/detail/fir_common.hpp — shared arithmetic for the FIR family (fir, decimator,
// interpolator, resampler, LMS) and the moving statistics.
//
// One template serves float, double, q15 and q31. The multiply-accumulate policy:
//  - float / double: accumulate in the sample type itself (as CMSIS-DSP does for f32);
//  - q15: raw int16 x int16 products (Q30) summed exactly in int64, output rounded to
//    nearest and saturated to Q15;
//  - q31: raw int32 x int32 products (Q62) are shifted right by `guard` bits before they are
//    summed in int64, so that `Len` of them can never overflow the accumulator (a product
//    is at most 2^62, the sum of Len of them at most 2^(62 - guard + log2 Len) < 2^63); the
//    dropped bits are far below the Q31 output LSB. Output rounded to nearest and saturated.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../../config.hpp"
#include "../../core/fixed_point.hpp"
#include "../../core/numeric.hpp"
#include "../../core/static_for.hpp"

// Loop unrolling hint for the short scalar dot products (Cortex-M: removes the compare and
// branch per tap pair).
#define NERVE_FIR_PRAGMA(x) _Pragma(#x)
#if defined(__clang__)
#define NERVE_FIR_UNROLL(n) NERVE_FIR_PRAGMA(unroll n)
#elif defined(__GNUC__)
#define NERVE_FIR_UNROLL(n) NERVE_FIR_PRAGMA(GCC unroll n)
#else
#define NERVE_FIR_UNROLL(n)
#endif

namespace nerve::filter::detail {

using nerve::detail::static_for;  // core/static_for.hpp
using nerve::is_finite;          // core/numeric.hpp

/// The int64 an ARM long multiply-accumulate (SMLAL/SMLALD) leaves in a register pair.
NERVE_ALWAYS_INLINE constexpr std::int64_t join_int64(std::int32_t hi, std::uint32_t lo) noexcept {
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(static_cast<std::uint32_t>(hi)) << 32) | lo);
}

template <class T>
inline constexpr bool is_q15_v = std::is_same_v<T, q15>;
template <class T>
inline constexpr bool is_q31_v = std::is_same_v<T, q31>;

/// Multiply-accumulate policy for a dot product of at most `Len` terms.
template <class T, std::size_t Len, class Enable = void>
struct mac;

template <class T, std::size_t Len>
struct mac<T, Len, std::enable_if_t<std::is_floating_point_v<T>>> {
    using acc_type = T;
    static constexpr acc_type zero() noexcept { return T(0); }
    static NERVE_ALWAYS_INLINE constexpr acc_type step(acc_type a, T h, T x) noexcept { return a + h * x; }
    /// h * (x1 + x2): the folded step of a symmetric (linear-phase) filter.
    static NERVE_ALWAYS_INLINE constexpr acc_type step2(acc_type a, T h, T x1, T x2) noexcept {
        return a + h * (x1 + x2);
    }
    static NERVE_ALWAYS_INLINE constexpr T finish(acc_type a) noexcept { return a; }
};

template <std::size_t Len>
struct mac<q15, Len, void> {
    using acc_type = std::int64_t;
    static constexpr acc_type zero() noexcept { return 0; }
    static NERVE_ALWAYS_INLINE constexpr acc_type step(acc_type a, q15 h, q15 x) noexcept {
        return a + static_cast<std::int32_t>(h.raw) * static_cast<std::int32_t>(x.raw);
    }
    static NERVE_ALWAYS_INLINE constexpr acc_type step2(acc_type a, q15 h, q15 x1, q15 x2) noexcept {
        // x1 + x2 fits in 17 bits, the product in 32 bits + sign: exact in int64.
        return a + static_cast<std::int64_t>(h.raw) *
                       (static_cast<std::int32_t>(x1.raw) + static_cast<std::int32_t>(x2.raw));
    }
    static NERVE_ALWAYS_INLINE constexpr q15 finish(acc_type a) noexcept {
        return q15::from_raw(nerve::detail::saturate<std::int16_t>((a + (acc_type{1} << 14)) >> 15));
    }
    /// For coefficients stored divided by 2^S (headroom for taps >= 1).
    template <int S>
    static NERVE_ALWAYS_INLINE constexpr q15 finish_scaled(acc_type a) noexcept {
        return q15::from_raw(nerve::detail::saturate<std::int16_t>((a + (acc_type{1} << (14 - S))) >> (15 - S)));
    }
};

template <std::size_t Len>
struct mac<q31, Len, void> {
    using acc_type = std::int64_t;
    /// Guard bits: log2(Len) rounded up, plus one.
    static constexpr int guard = static_cast<int>(std::bit_width(Len)) + 1;
    static_assert(guard < 31, "q31 dot product too long");
    static constexpr acc_type zero() noexcept { return 0; }
    static NERVE_ALWAYS_INLINE constexpr acc_type step(acc_type a, q31 h, q31 x) noexcept {
        return a + ((static_cast<std::int64_t>(h.raw) * static_cast<std::int64_t>(x.raw)) >> guard);
    }
    static NERVE_ALWAYS_INLINE constexpr acc_type step2(acc_type a, q31 h, q31 x1, q31 x2) noexcept {
        return step(step(a, h, x1), h, x2);
    }
    static NERVE_ALWAYS_INLINE constexpr q31 finish(acc_type a) noexcept { return finish_scaled<0>(a); }
    /// For coefficients stored divided by 2^S (headroom for taps >= 1).
    template <int S>
    static NERVE_ALWAYS_INLINE constexpr q31 finish_scaled(acc_type a) noexcept {
        constexpr int sh = 31 - guard - S;
        return q31::from_raw(nerve::detail::saturate<std::int32_t>((a + (acc_type{1} << (sh - 1))) >> sh));
    }
};

/// Converts a design coefficient (double) to the coefficient type of sample type T
/// (rounded and saturated for fixed point).
template <class T>
constexpr T coeff_from_double(double x) noexcept {
    return nerve::from_double<T>(x);
}

}  // namespace nerve::filter::detail
