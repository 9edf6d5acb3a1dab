// nerve/infer/mean.hpp — int8 MEAN over height and width (global average pooling of an NHWC
// tensor, keep_dims either way), bit-exact with TFLite's reference_integer_ops::Mean:
//   acc = sum_{h, w} (x - input_zero_point)
//   acc = multiply_by_quantized_multiplier(acc, M, S)          M, S from input_scale / output_scale
//   out = clamp(output_zero_point + round_half_away(acc / (H * W)))
#pragma once

#include <cstdint>

#include "quantization.hpp"

namespace nerve::infer {

struct mean_params {
    std::int32_t input_zero_point = 0;
    std::int32_t output_zero_point = 0;
    std::int32_t multiplier = 1 << 30;  ///< input_scale / output_scale (1.0 by default)
    int shift = 1;
};

constexpr mean_params make_mean_params(float input_scale, std::int32_t input_zp, float output_scale,
                                       std::int32_t output_zp) noexcept {
    mean_params p;
    p.input_zero_point = input_zp;
    p.output_zero_point = output_zp;
    const auto m = quantize_multiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
    p.multiplier = m.multiplier;
    p.shift = m.shift;
    return p;
}

/// input [batches][height][width][depth] -> output [batches][depth].
inline void mean_hw(const mean_params& p, const std::int8_t* input, int batches, int height, int width, int depth,
                    std::int8_t* output) noexcept {
    const int n = height * width;
    for (int b = 0; b < batches; ++b)
        for (int c = 0; c < depth; ++c) {
            std::int32_t acc = 0;
            for (int i = 0; i < n; ++i) acc += input[(b * n + i) * depth + c] - p.input_zero_point;
            acc = multiply_by_quantized_multiplier(acc, p.multiplier, p.shift);
            if (n > 0) acc = acc > 0 ? (acc + n / 2) / n : (acc - n / 2) / n;
            output[b * depth + c] = clamp_to_int8(acc + p.output_zero_point, -128, 127);
        }
}

}  // namespace nerve::infer
