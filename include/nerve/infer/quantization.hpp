// nerve/infer/quantization.hpp — TensorFlow Lite's int8 quantization arithmetic, bit for bit.
//
// TFLite (and TFLite Micro, and CMSIS-NN) represent a real number r by an int8 q with
// r = scale * (q - zero_point). An op whose output scale differs from the product of its input
// scales multiplies its int32 accumulator by a real factor M = in_scale * w_scale / out_scale,
// which the converter turns into a Q31 `multiplier` in [2^30, 2^31) and a power-of-two `shift`
// (M = multiplier * 2^(shift - 31)). Every op here funnels its rescaling through
// `multiply_by_quantized_multiplier`, so being bit-exact with TFLite comes down to this file.
//
// Conventions (TFLite's, everywhere in nerve::infer):
//   - a positive `shift` is a left shift, a negative one a right shift;
//   - `input_offset` = -input zero point, `output_offset` = +output zero point;
//   - double rounding is the default (what the TFLite reference kernels, TFLite Micro and
//     CMSIS-NN compute unless built with TFLITE_SINGLE_ROUNDING); single rounding is opt-in.
#pragma once

#include <cstdint>
#include <limits>

#include "../config.hpp"

namespace nerve::infer {

/// How `multiply_by_quantized_multiplier` rounds.
///   double_rounding: TFLite's default, a rounding doubling high multiply (ties away from zero)
///                    followed by a rounding right shift (ties away from zero);
///   single_rounding: TFLITE_SINGLE_ROUNDING, one 64-bit product rounded once (ties upward).
enum class rounding : std::uint8_t { double_rounding, single_rounding };

/// A real multiplier M as TFLite stores it: M ~= multiplier * 2^(shift - 31).
struct quantized_multiplier {
    std::int32_t multiplier = 0;
    int shift = 0;
    friend constexpr bool operator==(const quantized_multiplier&, const quantized_multiplier&) = default;
};

// --- the fixed-point primitives (gemmlowp semantics) -----------------------------------------

/// round(a * b / 2^31), ties toward +infinity; the one overflowing case (INT32_MIN * INT32_MIN)
/// saturates to INT32_MAX. gemmlowp's SaturatingRoundingDoublingHighMul.
constexpr std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) noexcept {
    if (a == b && a == std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::max();
    // TFLite writes (ab + nudge) / 2^31 with nudge = 2^30 or 1 - 2^30 by the sign of ab and a
    // division truncating toward zero; that equals floor((ab + 2^30) / 2^31) (ties toward
    // +infinity), here bits 31..62 of ab + 2^30: one SMULL, an add and two shifts on a Cortex-M4.
    const std::int64_t ab = static_cast<std::int64_t>(a) * b;
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(ab + (std::int64_t{1} << 30)) >> 31));
}

/// round(x / 2^exponent), ties away from zero, exponent in [0, 31]. gemmlowp's RoundingDivideByPOT.
constexpr std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) noexcept {
    NERVE_ASSERT(exponent >= 0 && exponent <= 31);
    // The mask is built in 64 bits so that exponent 31 is defined.
    const std::int32_t mask = static_cast<std::int32_t>((std::int64_t{1} << exponent) - 1);
    const std::int32_t remainder = x & mask;
    const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/// x * 2^exponent saturated to int32, exponent in [0, 31] (gemmlowp's
/// SaturatingRoundingMultiplyByPOT for a positive exponent; its bounds are +-(2^(31-e) - 1)).
constexpr std::int32_t saturating_left_shift(std::int32_t x, int exponent) noexcept {
    if (exponent == 0) return x;
    const std::int32_t threshold = static_cast<std::int32_t>((std::int64_t{1} << (31 - exponent)) - 1);
    if (x > threshold) return std::numeric_limits<std::int32_t>::max();
    if (x < -threshold) return std::numeric_limits<std::int32_t>::min();
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << exponent);
}

/// x * 2^left wrapped to 32 bits, as TFLite's `x * (1 << left_shift)` behaves on every target it
/// runs on (the converter keeps real inputs far from that overflow; we define it instead of UB).
constexpr std::int32_t wrapping_left_shift(std::int32_t x, int left) noexcept {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(x) << left);
}

/// TFLite's MultiplyByQuantizedMultiplier: round(x * multiplier * 2^(shift - 31)).
///
/// double_rounding (default): shift in [-31, 31]; x is first shifted left by max(shift, 0)
/// (wrapping, as TFLite), multiplied with a rounding doubling high multiply, then shifted right by
/// max(-shift, 0) with rounding. single_rounding: shift in [-31, 30], multiplier >= 0; one
/// rounding (ties toward +infinity) of the exact 64-bit product; a result outside int32 (only
/// possible for multipliers the converter never makes) saturates.
template <rounding R = rounding::double_rounding>
constexpr std::int32_t multiply_by_quantized_multiplier(std::int32_t x, std::int32_t multiplier, int shift) noexcept {
    if constexpr (R == rounding::double_rounding) {
        NERVE_ASSERT(shift >= -31 && shift <= 31);
        const int left = shift > 0 ? shift : 0;
        const int right = shift > 0 ? 0 : -shift;
        return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(wrapping_left_shift(x, left), multiplier), right);
    } else {
        NERVE_ASSERT(shift >= -31 && shift <= 30);
        NERVE_ASSERT(multiplier >= 0);
        const int total_shift = 31 - shift;  // 1 .. 62
        const std::int64_t round = std::int64_t{1} << (total_shift - 1);
        const std::int64_t r = (static_cast<std::int64_t>(x) * multiplier + round) >> total_shift;
        if (r > std::numeric_limits<std::int32_t>::max()) return std::numeric_limits<std::int32_t>::max();
        if (r < std::numeric_limits<std::int32_t>::min()) return std::numeric_limits<std::int32_t>::min();
        return static_cast<std::int32_t>(r);
    }
}

/// TFLite's MultiplyByQuantizedMultiplierGreaterThanOne (softmax's input scaling): the rounding
/// doubling high multiply of x * 2^left_shift (wrapping), no final shift.
constexpr std::int32_t multiply_by_quantized_multiplier_greater_than_one(std::int32_t x, std::int32_t multiplier,
                                                                         int left_shift) noexcept {
    return saturating_rounding_doubling_high_mul(wrapping_left_shift(x, left_shift), multiplier);
}

// --- real multiplier -> (multiplier, shift), at conversion time ---------------------------------

namespace detail {
/// std::frexp for finite non-zero doubles, usable in constant expressions: m in [0.5, 1), x = m 2^e.
/// Scaling by 2 is exact, so the mantissa is the same bit pattern std::frexp returns.
constexpr double frexp_constexpr(double x, int& e) noexcept {
    e = 0;
    double m = x < 0 ? -x : x;
    while (m >= 1.0) { m *= 0.5; ++e; }
    while (m < 0.5) { m *= 2.0; --e; }
    return x < 0 ? -m : m;
}
/// std::round (half away from zero) for |v| < 2^62, in constant expressions.
constexpr std::int64_t round_half_away(double v) noexcept {
    const auto t = static_cast<std::int64_t>(v);  // truncation, exact below 2^53
    const double frac = v - static_cast<double>(t);
    if (frac >= 0.5) return t + 1;
    if (frac <= -0.5) return t - 1;
    return t;
}
}  // namespace detail

/// TFLite's QuantizeMultiplier, in double precision: M = q * 2^shift with q in [0.5, 1),
/// multiplier = round(q * 2^31) (ties away from zero; a q that rounds up to 2^31 becomes 2^30 with
/// shift + 1). A shift below -31 (|M| < ~2^-32) flushes to {0, 0}, as TFLite does. With
/// `single_rounding`, a shift above 30 saturates to {2^31 - 1, 30}, as TFLite does in that mode.
/// M = 0, NaN, or an infinite M give {0, 0} (TFLite would CHECK-fail on the last two; we refuse
/// them the quiet way, in every build: a model reader checks its scales before it gets here).
constexpr quantized_multiplier quantize_multiplier(double real_multiplier,
                                                   rounding r = rounding::double_rounding) noexcept {
    if (real_multiplier == 0.0) return {0, 0};
    const bool finite = real_multiplier == real_multiplier && real_multiplier < 1e300 && real_multiplier > -1e300;
    if (!finite) return {0, 0};
    int shift = 0;
    const double q = detail::frexp_constexpr(real_multiplier, shift);
    std::int64_t q_fixed = detail::round_half_away(q * static_cast<double>(std::int64_t{1} << 31));
    if (q_fixed == (std::int64_t{1} << 31) || q_fixed == -(std::int64_t{1} << 31)) {
        q_fixed /= 2;
        ++shift;
    }
    if (shift < -31) return {0, 0};
    if (r == rounding::single_rounding && shift > 30) return {std::numeric_limits<std::int32_t>::max(), 30};
    return {static_cast<std::int32_t>(q_fixed), shift};
}

/// TFLite's QuantizeMultiplierGreaterThanOne (softmax): M > 1, the shift is a left shift >= 0.
constexpr quantized_multiplier quantize_multiplier_greater_than_one(double real_multiplier) noexcept {
    NERVE_ASSERT(real_multiplier > 1.0);
    quantized_multiplier q = quantize_multiplier(real_multiplier);
    NERVE_ASSERT(q.shift >= 0);
    return q;
}

/// The real multiplier of a per-tensor FULLY_CONNECTED (TFLite's GetQuantizedConvolutionMultipler):
/// the product of the input and weight scales is taken in float, then divided in double.
constexpr double fully_connected_real_multiplier(float input_scale, float weight_scale, float output_scale) noexcept {
    return static_cast<double>(input_scale * weight_scale) / static_cast<double>(output_scale);
}

/// The real multiplier of one output channel of CONV_2D / DEPTHWISE_CONV_2D (TFLite's
/// PopulateConvolutionQuantizationParams, also used for per-channel fully connected): all in double.
constexpr double conv_real_multiplier(float input_scale, float weight_scale, float output_scale) noexcept {
    return static_cast<double>(input_scale) * static_cast<double>(weight_scale) / static_cast<double>(output_scale);
}

// --- requantization and fused activations ------------------------------------------------------

/// v clamped to [act_min, act_max] (a sub-range of int8), as int8: the last step of every int8
/// output. Clamped to the fused activation's range: requantization (requantize, requantize_fast),
/// ADD, pooling, stand-alone RELU (relu, clamp_int8). Clamped to the full [-128, 127]: SOFTMAX,
/// LOGISTIC / TANH, MEAN, QUANTIZE (float -> int8 and int8 -> int8) and RELU6's bounds.
NERVE_ALWAYS_INLINE constexpr std::int8_t clamp_to_int8(std::int32_t v, std::int32_t act_min,
                                                       std::int32_t act_max) noexcept {
    v = v < act_min ? act_min : v;
    v = v > act_max ? act_max : v;
    return static_cast<std::int8_t>(v);
}

/// acc -> int8: rescale, add the output zero point, clamp to [act_min, act_max].
template <rounding R = rounding::double_rounding>
NERVE_ALWAYS_INLINE constexpr std::int8_t requantize(std::int32_t acc, std::int32_t multiplier, int shift,
                                                     std::int32_t output_offset, std::int32_t act_min,
                                                     std::int32_t act_max) noexcept {
    return clamp_to_int8(multiply_by_quantized_multiplier<R>(acc, multiplier, shift) + output_offset, act_min,
                         act_max);
}

namespace detail {
/// One output channel's requantization with its shifts split and masks precomputed, so that the
/// per-output work is a shift, a SMULL/SMLAL, a rounding shift and the clamp. Same results as
/// requantize<double_rounding> (the same formulas; TFLite's double rounding only).
struct requant_channel {
    std::int32_t multiplier;
    int left, right;
    std::int32_t mask;
    std::int32_t half;  ///< 2^(right - 1) (0 when right == 0)
    bool fast;          ///< apply_fast's short form applies (no left shift, right >= 1, multiplier >= 0)
    constexpr requant_channel() noexcept : multiplier(0), left(0), right(0), mask(0), half(0), fast(false) {}
    constexpr requant_channel(std::int32_t m, int shift) noexcept
        : multiplier(m), left(shift > 0 ? shift : 0), right(shift > 0 ? 0 : -shift),
          // 32-bit shifts only (a 64-bit variable shift is a dozen instructions on a Cortex-M4)
          mask(shift < 0 ? static_cast<std::int32_t>(0xFFFFFFFFu >> (32 + shift)) : 0),
          half(shift < 0 ? static_cast<std::int32_t>(std::uint32_t{1} << (-shift - 1)) : 0),
          fast(shift < 0 && m >= 0) {}
    NERVE_ALWAYS_INLINE constexpr std::int32_t apply(std::int32_t acc) const noexcept {
        const std::int32_t h = saturating_rounding_doubling_high_mul(wrapping_left_shift(acc, left), multiplier);
        const std::int32_t threshold = (mask >> 1) + (h < 0 ? 1 : 0);
        return (h >> right) + ((h & mask) > threshold ? 1 : 0);
    }
    /// Same value as apply(). When `fast` and |acc| < 2^30, TFLite's two roundings reduce to
    ///   h = floor((2 acc m + 2^31) / 2^32)       (exactly the doubling high multiply: 2 acc fits)
    ///   r = (h + 2^(right-1) - [h < 0]) >> right  (ties away from zero; |h| < 2^30: no overflow)
    /// which on a Cortex-M4 is LSL, SMMULR, two adds and an ASR.
    NERVE_ALWAYS_INLINE std::int32_t apply_fast(std::int32_t acc) const noexcept {
        if (fast && static_cast<std::uint32_t>(acc) + 0x40000000u < 0x80000000u) {
            std::int32_t h;
#if defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
            __asm__("smmulr %0, %1, %2" : "=r"(h) : "r"(acc * 2), "r"(multiplier));
#else
            h = static_cast<std::int32_t>((static_cast<std::int64_t>(acc) * 2 * multiplier + (std::int64_t{1} << 31)) >> 32);
#endif
            return (h + half + (h >> 31)) >> right;
        }
        return apply(acc);
    }
};
}  // namespace detail

/// Same result as requantize<R>; for double rounding through requant_channel::apply_fast (the
/// short exact form that most accumulators take). The fast kernels use it, the references do not.
template <rounding R = rounding::double_rounding>
NERVE_ALWAYS_INLINE std::int8_t requantize_fast(std::int32_t acc, std::int32_t multiplier, int shift,
                                                std::int32_t output_offset, std::int32_t act_min,
                                                std::int32_t act_max) noexcept {
    if constexpr (R == rounding::double_rounding) {
        return clamp_to_int8(detail::requant_channel(multiplier, shift).apply_fast(acc) + output_offset, act_min,
                             act_max);
    } else {
        return requantize<R>(acc, multiplier, shift, output_offset, act_min, act_max);
    }
}

/// TFLite's fused activation codes (the values of the .tflite schema's ActivationFunctionType).
enum class fused_activation : std::uint8_t { none = 0, relu = 1, relu_n1_to_1 = 2, relu6 = 3, tanh = 4, sign_bit = 5 };

/// [min, max] clamp of an int8 output.
struct activation_range {
    std::int32_t min = -128;
    std::int32_t max = 127;
    friend constexpr bool operator==(const activation_range&, const activation_range&) = default;
};

namespace detail {
constexpr std::int32_t quantize_bound(float f, float scale, std::int32_t zero_point) noexcept {
    // TFLite: zero_point + static_cast<int32_t>(TfLiteRound(f / scale)), division in float.
    const float v = f / scale;
    const float a = v < 0 ? -v : v;
    if (!(a < 2.0e9f)) return v < 0 ? std::numeric_limits<std::int32_t>::min() / 2 : std::numeric_limits<std::int32_t>::max() / 2;
    return zero_point + static_cast<std::int32_t>(round_half_away(static_cast<double>(v)));
}
}  // namespace detail

/// TFLite's CalculateActivationRangeQuantized for int8: RELU clamps at the zero point, RELU6 at
/// the quantized 6.0, RELU_N1_TO_1 at the quantized +-1, each intersected with [-128, 127].
/// Activations that are not clamps (tanh, sign_bit) give the full range (TFLite refuses them as
/// fused int8 activations; the model reader must too).
constexpr activation_range make_activation_range(fused_activation a, float output_scale,
                                                 std::int32_t output_zero_point) noexcept {
    activation_range r;
    auto lo = [&](std::int32_t v) { r.min = v > r.min ? v : r.min; };
    auto hi = [&](std::int32_t v) { r.max = v < r.max ? v : r.max; };
    switch (a) {
        case fused_activation::relu: lo(detail::quantize_bound(0.0f, output_scale, output_zero_point)); break;
        case fused_activation::relu6:
            lo(detail::quantize_bound(0.0f, output_scale, output_zero_point));
            hi(detail::quantize_bound(6.0f, output_scale, output_zero_point));
            break;
        case fused_activation::relu_n1_to_1:
            lo(detail::quantize_bound(-1.0f, output_scale, output_zero_point));
            hi(detail::quantize_bound(1.0f, output_scale, output_zero_point));
            break;
        default: break;
    }
    return r;
}

/// RELU / RELU6 as stand-alone int8 ops: clamp in place of the fused form (same scale in and out,
/// which is how the TFLite converter emits them when it cannot fuse). Elementwise, in may equal out.
inline void clamp_int8(const std::int8_t* input, std::int8_t* output, int size, activation_range r) noexcept {
    for (int i = 0; i < size; ++i) output[i] = clamp_to_int8(input[i], r.min, r.max);
}

}  // namespace nerve::infer
