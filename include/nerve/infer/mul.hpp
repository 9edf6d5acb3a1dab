// nerve/infer/mul.hpp — int8 MUL, bit-exact with TFLite's reference kernel:
//   out = clamp(output_offset + multiply_by_quantized_multiplier((a + a_offset) * (b + b_offset), M, S))
// with M, S from s1 * s2 / s_out. Shapes broadcast as in TFLite (up to 4-D).
#pragma once

#include <cstdint>

#include "broadcast.hpp"
#include "quantization.hpp"

namespace nerve::infer {

struct mul_params {
    std::int32_t input1_offset = 0, input2_offset = 0;  ///< -(zero points)
    std::int32_t output_offset = 0;                     ///< +(output zero point)
    std::int32_t output_multiplier = 0;
    int output_shift = 0;
    std::int32_t activation_min = -128, activation_max = 127;
};

constexpr mul_params make_mul_params(float scale1, std::int32_t zp1, float scale2, std::int32_t zp2, float out_scale,
                                     std::int32_t out_zp, activation_range act = {}) noexcept {
    mul_params p;
    p.input1_offset = -zp1;
    p.input2_offset = -zp2;
    p.output_offset = out_zp;
    const auto m = quantize_multiplier(static_cast<double>(scale1) * static_cast<double>(scale2) / static_cast<double>(out_scale));
    p.output_multiplier = m.multiplier;
    p.output_shift = m.shift;
    p.activation_min = act.min;
    p.activation_max = act.max;
    return p;
}

NERVE_ALWAYS_INLINE constexpr std::int8_t mul_one(const mul_params& p, std::int8_t a, std::int8_t b) noexcept {
    const std::int32_t prod = (p.input1_offset + a) * (p.input2_offset + b);
    return requantize(prod, p.output_multiplier, p.output_shift, p.output_offset, p.activation_min, p.activation_max);
}

inline void mul(const mul_params& p, const std::int8_t* a, const std::int8_t* b, int size, std::int8_t* out) noexcept {
    for (int i = 0; i < size; ++i) out[i] = mul_one(p, a[i], b[i]);
}

inline bool mul(const mul_params& p, const std::int8_t* a, const shape4& sa, const std::int8_t* b, const shape4& sb,
                std::int8_t* out) noexcept {
    return detail::for_each_broadcast(sa, sb, [&](int o, int ia, int ib) { out[o] = mul_one(p, a[ia], b[ib]); });
}

}  // namespace nerve::infer
