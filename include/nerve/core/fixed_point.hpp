// nerve/core/fixed_point.hpp — saturating Q15 and Q31 sample types.
//
// Q15 holds a value in [-1, 1 - 2^-15] as int16; Q31 in [-1, 1 - 2^-31] as int32.
// Every arithmetic operator saturates instead of wrapping, because a wrapped sample
// in a filter recurrence turns a loud input into a full-scale oscillation.
// Conversions from floating point round to nearest and saturate; NaN converts to 0.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../config.hpp"

namespace nerve {

namespace detail {
template <class Int, class Wide>
constexpr Int saturate(Wide v) noexcept {
    constexpr Wide lo = static_cast<Wide>(std::numeric_limits<Int>::min());
    constexpr Wide hi = static_cast<Wide>(std::numeric_limits<Int>::max());
    return static_cast<Int>(v < lo ? lo : (v > hi ? hi : v));
}

template <class Int, int FracBits>
constexpr Int float_to_fixed(double x) noexcept {
    if (!(x == x)) return 0;  // NaN
    constexpr double scale = static_cast<double>(std::int64_t{1} << FracBits);
    const double lo = static_cast<double>(std::numeric_limits<Int>::min());
    const double hi = static_cast<double>(std::numeric_limits<Int>::max());
    double v = x * scale;
    v = v < 0 ? v - 0.5 : v + 0.5;  // round half away from zero
    if (v <= lo) return std::numeric_limits<Int>::min();
    if (v >= hi) return std::numeric_limits<Int>::max();
    return static_cast<Int>(v);
}
}  // namespace detail

/// Saturating fixed-point number with `FracBits` fractional bits stored in `Int`.
/// `q15` and `q31` are the two instantiations the library uses.
template <class Int, class Wide, int FracBits>
struct fixed {
    using raw_type = Int;
    using wide_type = Wide;  // holds a full product without overflow
    static constexpr int frac_bits = FracBits;

    Int raw = 0;

    static constexpr fixed from_raw(Int r) noexcept { fixed f; f.raw = r; return f; }
    static constexpr fixed from_float(double x) noexcept {
        return from_raw(detail::float_to_fixed<Int, FracBits>(x));
    }
    static constexpr fixed max() noexcept { return from_raw(std::numeric_limits<Int>::max()); }
    static constexpr fixed min() noexcept { return from_raw(std::numeric_limits<Int>::min()); }

    constexpr double to_double() const noexcept {
        return static_cast<double>(raw) / static_cast<double>(std::int64_t{1} << FracBits);
    }
    constexpr float to_float() const noexcept { return static_cast<float>(to_double()); }
    explicit constexpr operator float() const noexcept { return to_float(); }
    explicit constexpr operator double() const noexcept { return to_double(); }

    friend constexpr fixed operator+(fixed a, fixed b) noexcept {
        return from_raw(detail::saturate<Int>(static_cast<Wide>(a.raw) + b.raw));
    }
    friend constexpr fixed operator-(fixed a, fixed b) noexcept {
        return from_raw(detail::saturate<Int>(static_cast<Wide>(a.raw) - b.raw));
    }
    friend constexpr fixed operator-(fixed a) noexcept {
        return from_raw(detail::saturate<Int>(-static_cast<Wide>(a.raw)));
    }
    /// Product rounded to nearest; (-1) * (-1) saturates to max().
    friend constexpr fixed operator*(fixed a, fixed b) noexcept {
        const Wide p = static_cast<Wide>(a.raw) * static_cast<Wide>(b.raw);
        return from_raw(detail::saturate<Int>((p + (Wide{1} << (FracBits - 1))) >> FracBits));
    }
    constexpr fixed& operator+=(fixed b) noexcept { return *this = *this + b; }
    constexpr fixed& operator-=(fixed b) noexcept { return *this = *this - b; }
    constexpr fixed& operator*=(fixed b) noexcept { return *this = *this * b; }
    friend constexpr auto operator<=>(fixed, fixed) = default;
    friend constexpr bool operator==(fixed, fixed) = default;
};

using q15 = fixed<std::int16_t, std::int32_t, 15>;
using q31 = fixed<std::int32_t, std::int64_t, 31>;

template <class T> struct is_fixed_point : std::false_type {};
template <class I, class W, int F> struct is_fixed_point<fixed<I, W, F>> : std::true_type {};
template <class T> inline constexpr bool is_fixed_point_v = is_fixed_point<T>::value;

/// The sample types nerve operators accept: float, double, q15, q31.
template <class T>
concept sample_type = std::is_floating_point_v<T> || is_fixed_point_v<T>;

/// Converts any sample type to double (for golden comparisons and reports).
template <sample_type T>
constexpr double to_double(T x) noexcept {
    if constexpr (is_fixed_point_v<T>) return x.to_double(); else return static_cast<double>(x);
}

/// Converts a double to any sample type (saturating and rounding for fixed point).
template <sample_type T>
constexpr T from_double(double x) noexcept {
    if constexpr (is_fixed_point_v<T>) return T::from_float(x); else return static_cast<T>(x);
}

}  // namespace nerve
