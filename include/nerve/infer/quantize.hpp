// nerve/infer/quantize.hpp — QUANTIZE (float -> int8, int8 -> int8) and DEQUANTIZE (int8 -> float),
// bit-exact with TFLite's reference kernels.
//
//   quantize:   q = clamp(round_half_away(x / scale) + zero_point)   (division in float, as TFLite)
//   requantize: q = clamp(multiply_by_quantized_multiplier(x - in_zp, M, S) + out_zp)
//   dequantize: x = scale * (q - zero_point)                          (exact product, one rounding)
//
// Bad input (the model's input is sensor data): NaN quantizes to the zero point (TFLite's cast of
// a NaN is undefined); +-Inf and values beyond the int8 range saturate to 127 / -128.
#pragma once

#include <cmath>
#include <cstdint>

#include "quantization.hpp"

namespace nerve::infer {

inline std::int8_t quantize_one(float x, float scale, std::int32_t zero_point) noexcept {
    const float v = x / scale;
    if (!(v == v)) return clamp_to_int8(zero_point, -128, 127);
    // Beyond +-2^24 the rounding no longer matters: the result saturates either way.
    const float lim = 16777216.0f;
    const std::int32_t r = v > lim ? 16777216 : (v < -lim ? -16777216 : static_cast<std::int32_t>(std::round(v)));
    return clamp_to_int8(r + zero_point, -128, 127);
}

inline void quantize(const float* input, int size, float scale, std::int32_t zero_point, std::int8_t* output) noexcept {
    for (int i = 0; i < size; ++i) output[i] = quantize_one(input[i], scale, zero_point);
}

inline float dequantize_one(std::int8_t q, float scale, std::int32_t zero_point) noexcept {
    // scale * (q - zp) is exact in double and rounded once to float in TFLite; one float
    // multiplication rounds the same exact product once, so the result is identical.
    return scale * static_cast<float>(static_cast<std::int32_t>(q) - zero_point);
}

inline void dequantize(const std::int8_t* input, int size, float scale, std::int32_t zero_point, float* output) noexcept {
    for (int i = 0; i < size; ++i) output[i] = dequantize_one(input[i], scale, zero_point);
}

/// int8 -> int8 QUANTIZE (a change of scale and zero point).
struct requantize_params {
    std::int32_t input_zero_point = 0, output_zero_point = 0;
    std::int32_t multiplier = 1 << 30;
    int shift = 1;
};

constexpr requantize_params make_requantize_params(float in_scale, std::int32_t in_zp, float out_scale,
                                                   std::int32_t out_zp) noexcept {
    requantize_params p;
    p.input_zero_point = in_zp;
    p.output_zero_point = out_zp;
    const auto m = quantize_multiplier(static_cast<double>(in_scale) / static_cast<double>(out_scale));
    p.multiplier = m.multiplier;
    p.shift = m.shift;
    return p;
}

inline void requantize_int8(const requantize_params& p, const std::int8_t* input, int size, std::int8_t* output) noexcept {
    for (int i = 0; i < size; ++i) {
        const std::int32_t v = multiply_by_quantized_multiplier(input[i] - p.input_zero_point, p.multiplier, p.shift) +
                               p.output_zero_point;
        output[i] = clamp_to_int8(v, -128, 127);
    }
}

}  // namespace nerve::infer
