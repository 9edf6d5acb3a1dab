// nerve/infer/softmax.hpp — int8 SOFTMAX over the last axis, bit-exact with TFLite's integer
// reference kernel (gemmlowp fixed-point exp, Newton-Raphson reciprocal).
//
// Per row: d = x - max(row); entries with d < diff_min contribute nothing and output -128;
// the others are rescaled to a 5-integer-bit fixed-point value, exponentiated, summed with 12
// integer bits, and divided by the sum. The int8 output has TFLite's fixed quantization for
// softmax: scale 1/256, zero point -128.
#pragma once

#include <cstdint>

#include "detail/gemmlowp_math.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// TFLite's SoftmaxParams for int8 (input_multiplier, input_left_shift, diff_min).
struct softmax_params {
    std::int32_t input_multiplier = 0;
    int input_left_shift = 0;
    std::int32_t diff_min = 0;
};

/// TFLite's PreprocessSoftmaxScaling + CalculateInputRadius for int8 input, from beta (1.0 for
/// a plain SOFTMAX) and the input scale. Computed in double at conversion time, as TFLite does.
inline softmax_params make_softmax_params(double beta, double input_scale) noexcept {
    constexpr int kScaledDiffIntegerBits = 5;
    double real = beta * input_scale * static_cast<double>(std::int64_t{1} << (31 - kScaledDiffIntegerBits));
    const double cap = static_cast<double>((std::int64_t{1} << 31) - 1);
    real = real < cap ? real : cap;
    const quantized_multiplier q = quantize_multiplier_greater_than_one(real);
    softmax_params p;
    p.input_multiplier = q.multiplier;
    p.input_left_shift = q.shift;
    p.diff_min = -detail::fx::input_radius(kScaledDiffIntegerBits, q.shift);
    return p;
}

namespace detail {
/// exp(diff) of one entry's distance below its row's maximum (diff <= 0, >= diff_min): diff
/// rescaled to 5 integer bits, then gemmlowp's exp; 0 integer bits out. Both passes of softmax
/// (the sum, then the outputs) compute it.
NERVE_ALWAYS_INLINE constexpr std::int32_t softmax_exp(const softmax_params& p, std::int32_t diff) noexcept {
    constexpr int kScaledDiffIntegerBits = 5;
    const std::int32_t scaled =
        multiply_by_quantized_multiplier_greater_than_one(diff, p.input_multiplier, p.input_left_shift);
    return fx::exp_on_negative_values<kScaledDiffIntegerBits>(scaled);
}
}  // namespace detail

/// rows x row_size int8 in, int8 out (scale 1/256, zero point -128). in may equal out only if
/// row_size == 1; in general use separate buffers.
inline void softmax(const softmax_params& p, const std::int8_t* input, int rows, int row_size,
                    std::int8_t* output) noexcept {
    constexpr int kAccumulationIntegerBits = 12;
    for (int r = 0; r < rows; ++r) {
        const std::int8_t* x = input + r * row_size;
        std::int8_t* y = output + r * row_size;
        std::int32_t max_in_row = -128;
        for (int c = 0; c < row_size; ++c) max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        std::int32_t sum_of_exps = 0;  // kAccumulationIntegerBits integer bits
        for (int c = 0; c < row_size; ++c) {
            const std::int32_t diff = x[c] - max_in_row;
            if (diff >= p.diff_min) {
                const std::int32_t e = detail::softmax_exp(p, diff);
                sum_of_exps = detail::fx::add(sum_of_exps, detail::fx::rescale(e, 0, kAccumulationIntegerBits));
            }
        }
        int num_bits_over_unit = 0;
        const std::int32_t shifted_scale =
            detail::fx::get_reciprocal(sum_of_exps, kAccumulationIntegerBits, num_bits_over_unit);
        for (int c = 0; c < row_size; ++c) {
            const std::int32_t diff = x[c] - max_in_row;
            if (diff >= p.diff_min) {
                const std::int32_t e = detail::softmax_exp(p, diff);
                const std::int32_t unsat =
                    rounding_divide_by_pot(detail::fx::mul(shifted_scale, e), num_bits_over_unit + 31 - 8);
                y[c] = clamp_to_int8(unsat - 128, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
}

}  // namespace nerve::infer
