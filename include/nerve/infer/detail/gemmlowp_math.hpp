// nerve/infer/detail/gemmlowp_math.hpp — the fixed-point transcendental functions TFLite's integer
// SOFTMAX, LOGISTIC and TANH are defined by (gemmlowp's fixedpoint semantics), on raw int32.
//
// A value with I integer bits is raw / 2^(31 - I). Products of values with I and J integer bits
// have I + J integer bits (a rounding doubling high multiply of the raws); sums are plain int32
// additions, as in gemmlowp. Every constant below is gemmlowp's, i.e. round(c * 2^(31 - I)).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "../quantization.hpp"

namespace nerve::infer::detail::fx {

constexpr std::int32_t kOne0 = std::numeric_limits<std::int32_t>::max();  // 1.0 with 0 integer bits (saturated)

constexpr std::int32_t mul(std::int32_t a, std::int32_t b) noexcept { return saturating_rounding_doubling_high_mul(a, b); }
constexpr std::int32_t add(std::int32_t a, std::int32_t b) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}
constexpr std::int32_t sub(std::int32_t a, std::int32_t b) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) - static_cast<std::uint32_t>(b));
}
constexpr std::int32_t neg(std::int32_t a) noexcept { return sub(0, a); }

/// Rescale from `from` to `to` integer bits: a saturating left shift or a rounding right shift.
constexpr std::int32_t rescale(std::int32_t raw, int from, int to) noexcept {
    const int e = from - to;
    return e >= 0 ? saturating_left_shift(raw, e) : rounding_divide_by_pot(raw, -e);
}

/// (a + b) / 2 rounded half away from zero (gemmlowp's RoundingHalfSum).
constexpr std::int32_t rounding_half_sum(std::int32_t a, std::int32_t b) noexcept {
    const std::int64_t sum = static_cast<std::int64_t>(a) + b;
    const std::int64_t sign = sum >= 0 ? 1 : -1;
    return static_cast<std::int32_t>((sum + sign) / 2);
}

/// exp(a) for a in [-1/4, 0), 0 integer bits in and out.
constexpr std::int32_t exp_on_interval_between_negative_one_quarter_and_0_excl(std::int32_t a) noexcept {
    constexpr std::int32_t constant_term = 1895147668;  // exp(-1/8)
    constexpr std::int32_t constant_1_over_3 = 715827883;
    const std::int32_t x = add(a, 1 << 28);  // x = a + 1/8
    const std::int32_t x2 = mul(x, x);
    const std::int32_t x3 = mul(x2, x);
    const std::int32_t x4 = mul(x2, x2);
    const std::int32_t x4_over_4 = rounding_divide_by_pot(x4, 2);
    const std::int32_t poly = rounding_divide_by_pot(add(mul(add(x4_over_4, x3), constant_1_over_3), x2), 1);
    return add(constant_term, mul(constant_term, add(x, poly)));
}

/// exp(a) for a <= 0 with IntegerBits integer bits; the result has 0 integer bits.
template <int IntegerBits>
constexpr std::int32_t exp_on_negative_values(std::int32_t a) noexcept {
    constexpr int kFractionalBits = 31 - IntegerBits;
    constexpr std::int32_t kOneQuarter = std::int32_t{1} << (kFractionalBits - 2);
    constexpr std::int32_t mask = kOneQuarter - 1;
    const std::int32_t a_mod_quarter_minus_one_quarter = sub(a & mask, kOneQuarter);
    std::int32_t result =
        exp_on_interval_between_negative_one_quarter_and_0_excl(rescale(a_mod_quarter_minus_one_quarter, IntegerBits, 0));
    const std::int32_t remainder = sub(a_mod_quarter_minus_one_quarter, a);
    // exp(-2^e) for e = -2 .. 4, applied for every bit of the remainder (gemmlowp's barrel shifter).
    constexpr std::int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    for (int i = 0; i < 7; ++i) {
        const int exponent = i - 2;
        if (IntegerBits > exponent) {
            const int shift_amount = kFractionalBits + exponent;
            if (remainder & (std::int32_t{1} << shift_amount)) result = mul(result, multipliers[i]);
        }
    }
    if constexpr (IntegerBits > 5) {
        constexpr std::int32_t clamp = -(std::int32_t{1} << (kFractionalBits + 5));  // -32
        if (a < clamp) result = 0;
    }
    if (a == 0) result = kOne0;
    return result;
}

constexpr std::int32_t kOne2 = std::int32_t{1} << 29;  // 1.0 with 2 integer bits

/// 2 / (1 + a) for a in [0, 1), 0 integer bits in, 2 out: the reciprocal of the half
/// denominator d = (1 + a) / 2 by Newton-Raphson, 3 steps from 48/17 - 32/17 d. Both divisions
/// below start from it, as in gemmlowp.
NERVE_ALWAYS_INLINE constexpr std::int32_t two_over_one_plus_x_for_x_in_0_1(std::int32_t a) noexcept {
    const std::int32_t half_denominator = rounding_half_sum(a, kOne0);
    constexpr std::int32_t c48_17 = 1515870810, cneg32_17 = -1010580540;  // 2 integer bits
    std::int32_t x = add(c48_17, mul(half_denominator, cneg32_17));
    for (int i = 0; i < 3; ++i) {
        const std::int32_t hdx = mul(half_denominator, x);
        const std::int32_t one_minus = sub(kOne2, hdx);
        x = add(x, rescale(mul(x, one_minus), 4, 2));
    }
    return x;
}

/// 1 / (1 + a) for a in [0, 1), 0 integer bits in and out.
constexpr std::int32_t one_over_one_plus_x_for_x_in_0_1(std::int32_t a) noexcept {
    // ExactMulByPot<-1> keeps the raw with 1 integer bit, then to 0
    return rescale(two_over_one_plus_x_for_x_in_0_1(a), 1, 0);
}

/// (1 - a) / (1 + a) for a in [0, 1), 0 integer bits in and out.
constexpr std::int32_t one_minus_x_over_one_plus_x_for_x_in_0_1(std::int32_t a) noexcept {
    return rescale(sub(two_over_one_plus_x_for_x_in_0_1(a), kOne2), 2, 0);
}

/// logistic(a) = 1 / (1 + exp(-a)), a with IntegerBits integer bits, result 0 integer bits.
template <int IntegerBits>
constexpr std::int32_t logistic(std::int32_t a) noexcept {
    if (a == 0) return std::int32_t{1} << 30;  // one half
    const std::int32_t abs_a = a > 0 ? a : neg(a);
    const std::int32_t pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values<IntegerBits>(neg(abs_a)));
    return a > 0 ? pos : sub(kOne0, pos);
}

/// tanh(a), a with IntegerBits integer bits, result 0 integer bits.
template <int IntegerBits>
constexpr std::int32_t tanh(std::int32_t a) noexcept {
    if (a == 0) return 0;
    const std::int32_t n = a < 0 ? a : neg(a);  // -|a|
    // exp(2n): the same raw read with one more integer bit
    const std::int32_t t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values<IntegerBits + 1>(n));
    return a < 0 ? neg(t) : t;
}

/// TFLite's CalculateInputRadius: the largest |input - zero point| (in input steps) whose
/// rescaled value still fits `integer_bits` integer bits, for an input scaling whose left shift
/// is `left_shift`. At conversion time (LOGISTIC / TANH radius, SOFTMAX diff_min); dividing by
/// ldexp(1, left_shift) is exact, as TFLite's division by 1 << left_shift is. A radius beyond
/// int32 (LOGISTIC / TANH with an input scale below 2^-27, where TFLite's own cast is undefined)
/// is INT32_MAX: no int8 input reaches either, so nothing saturates, and the conversion is defined.
inline std::int32_t input_radius(int integer_bits, int left_shift) noexcept {
    const double max_input_rescaled = 1.0 * ((1 << integer_bits) - 1) *
                                      static_cast<double>(std::int64_t{1} << (31 - integer_bits)) /
                                      std::ldexp(1.0, left_shift);
    const double radius = std::floor(max_input_rescaled);
    return radius < 2147483647.0 ? static_cast<std::int32_t>(radius) : 2147483647;
}

/// TFLite's GetReciprocal: 1 / x for x with `integer_bits` integer bits, as a 0-integer-bit
/// value and the number of bits it was shifted by.
constexpr std::int32_t get_reciprocal(std::int32_t x, int integer_bits, int& num_bits_over_unit) noexcept {
    int headroom_plus_one = 0;
    for (std::uint32_t v = static_cast<std::uint32_t>(x); v != 0 && !(v & 0x80000000u); v <<= 1) ++headroom_plus_one;
    if (x == 0) headroom_plus_one = 32;
    num_bits_over_unit = integer_bits - headroom_plus_one;
    const std::uint32_t shifted = headroom_plus_one >= 32 ? 0u : static_cast<std::uint32_t>(x) << headroom_plus_one;
    const auto shifted_sum_minus_one = static_cast<std::int32_t>(shifted - (std::uint32_t{1} << 31));
    return one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

}  // namespace nerve::infer::detail::fx
