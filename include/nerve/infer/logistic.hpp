// nerve/infer/logistic.hpp — int8 LOGISTIC (sigmoid), bit-exact with TFLite's integer reference
// kernel (reference_integer_ops::Logistic, the one TFLite Micro runs): the input is rescaled to a
// 4-integer-bit fixed-point value and gemmlowp's fixed-point logistic is evaluated; inputs beyond
// the representable radius saturate. Output quantization is TFLite's fixed one for int8
// sigmoid: scale 1/256, zero point -128.
#pragma once

#include <cmath>
#include <cstdint>

#include "detail/gemmlowp_math.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// The parameters TFLite computes in Prepare (shared with TANH: 4 input integer bits).
struct sigmoid_params {
    std::int32_t input_zero_point = 0;
    std::int32_t input_range_radius = 0;
    std::int32_t input_multiplier = 0;
    int input_left_shift = 0;
};

/// From the input tensor's scale and zero point, as TFLite does (frexp of scale * 2^27, the
/// mantissa rounded to Q31; the radius is the largest |input - zero point| not saturating).
inline sigmoid_params make_sigmoid_params(float input_scale, std::int32_t input_zero_point) noexcept {
    constexpr int kInputIntegerBits = 4;
    const double real = static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
    sigmoid_params p;
    p.input_zero_point = input_zero_point;
    int shift = 0;
    const double q = std::frexp(real, &shift);
    // TFLite casts the rounded mantissa straight to int32 (a q that rounds to 2^31 wraps; real scales never do).
    p.input_multiplier = static_cast<std::int32_t>(static_cast<std::uint32_t>(
        static_cast<std::int64_t>(std::round(q * static_cast<double>(std::int64_t{1} << 31)))));
    p.input_left_shift = shift;
    p.input_range_radius = detail::fx::input_radius(kInputIntegerBits, shift);
    return p;
}

namespace detail {
/// The loop LOGISTIC and TANH share (TFLite's integer reference kernels): an input whose distance
/// from the zero point reaches the radius saturates to -128 / 127; any other is rescaled to 4
/// integer bits, `f` (gemmlowp's fixed-point function, 0 integer bits out) is applied, and the
/// result is rounded to steps of 2^-OutputFractionBits, shifted by OutputZeroPoint and clamped.
template <int OutputFractionBits, std::int32_t OutputZeroPoint, class Fn>
NERVE_ALWAYS_INLINE void sigmoid_family(const sigmoid_params& p, const std::int8_t* input, int size,
                                        std::int8_t* output, Fn f) noexcept {
    for (int i = 0; i < size; ++i) {
        const std::int32_t x = static_cast<std::int32_t>(input[i]) - p.input_zero_point;
        if (x <= -p.input_range_radius) {
            output[i] = -128;
        } else if (x >= p.input_range_radius) {
            output[i] = 127;
        } else {
            const std::int32_t x_q4 = multiply_by_quantized_multiplier(x, p.input_multiplier, p.input_left_shift);
            const std::int32_t y_q0 = f(x_q4);
            const std::int32_t y = rounding_divide_by_pot(y_q0, 31 - OutputFractionBits) + OutputZeroPoint;
            output[i] = clamp_to_int8(y, -128, 127);
        }
    }
}
}  // namespace detail

/// Elementwise; input may equal output.
inline void logistic(const sigmoid_params& p, const std::int8_t* input, int size, std::int8_t* output) noexcept {
    detail::sigmoid_family<8, -128>(p, input, size, output,
                                    [](std::int32_t x_q4) { return detail::fx::logistic<4>(x_q4); });
}

}  // namespace nerve::infer
