// nerve/infer/relu.hpp — stand-alone int8 RELU and RELU6 (when the converter could not fuse them
// into the previous op; fused ones are the activation_min/max clamps of every kernel, see
// make_activation_range in quantization.hpp). Bit-exact with TFLite Micro's kernels:
//   RELU:  requantize from the input to the output quantization, then clamp at the quantized 0;
//   RELU6: clamp to [zero_point, quantized 6.0] (input and output share quantization).
#pragma once

#include <cmath>
#include <cstdint>

#include "quantization.hpp"

namespace nerve::infer {

struct relu_params {
    std::int32_t input_zero_point = 0, output_zero_point = 0;
    std::int32_t multiplier = 1 << 30;
    int shift = 1;
    std::int32_t activation_min = -128, activation_max = 127;
};

inline relu_params make_relu_params(float in_scale, std::int32_t in_zp, float out_scale, std::int32_t out_zp) noexcept {
    relu_params p;
    p.input_zero_point = in_zp;
    p.output_zero_point = out_zp;
    const auto m = quantize_multiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale));
    p.multiplier = m.multiplier;
    p.shift = m.shift;
    const std::int32_t lo = out_zp + static_cast<std::int32_t>(std::round(0.0f / out_scale));
    p.activation_min = lo > -128 ? lo : -128;
    p.activation_max = 127;
    return p;
}

inline void relu(const relu_params& p, const std::int8_t* input, int size, std::int8_t* output) noexcept {
    for (int i = 0; i < size; ++i) {
        const std::int32_t v = p.output_zero_point +
                               multiply_by_quantized_multiplier(input[i] - p.input_zero_point, p.multiplier, p.shift);
        output[i] = clamp_to_int8(v, p.activation_min, p.activation_max);
    }
}

/// The quantized 6.0 of RELU6: round(6 / scale) + zero_point, clamped to int8.
inline std::int8_t relu6_max(float scale, std::int32_t zero_point) noexcept {
    return clamp_to_int8(static_cast<std::int32_t>(std::round(6.0f / scale)) + zero_point, -128, 127);
}

inline void relu6(const std::int8_t* input, int size, float scale, std::int32_t zero_point, std::int8_t* output) noexcept {
    const std::int32_t lo = clamp_to_int8(zero_point, -128, 127);
    const std::int32_t hi = relu6_max(scale, zero_point);
    for (int i = 0; i < size; ++i) {
        std::int32_t v = input[i];
        v = v < lo ? lo : (v > hi ? hi : v);
        output[i] = static_cast<std::int8_t>(v);
    }
}

}  // namespace nerve::infer
