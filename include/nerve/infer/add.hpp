// nerve/infer/add.hpp — int8 ADD with TFLite's rescaling, bit-exact with its reference kernel.
//
// Both inputs are brought to a common scale (twice the larger input scale) with 20 bits of
// headroom, added, and rescaled to the output:
//   a' = M1((a + a_offset) << 20), b' = M2((b + b_offset) << 20)
//   out = clamp(output_offset + Mo(a' + b'))
// (each M a multiply_by_quantized_multiplier). Shapes broadcast as in TFLite (up to 4-D).
#pragma once

#include <cstdint>

#include "broadcast.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// TFLite's ArithmeticParams fields for int8 ADD.
struct add_params {
    int left_shift = 20;
    std::int32_t input1_offset = 0, input2_offset = 0;  ///< -(zero points)
    std::int32_t input1_multiplier = 0, input2_multiplier = 0, output_multiplier = 0;
    int input1_shift = 0, input2_shift = 0, output_shift = 0;
    std::int32_t output_offset = 0;  ///< +(output zero point)
    std::int32_t activation_min = -128, activation_max = 127;
};

/// TFLite's Prepare for int8 ADD (in double, from the float scales).
constexpr add_params make_add_params(float scale1, std::int32_t zp1, float scale2, std::int32_t zp2, float out_scale,
                                     std::int32_t out_zp, activation_range act = {}) noexcept {
    add_params p;
    p.input1_offset = -zp1;
    p.input2_offset = -zp2;
    p.output_offset = out_zp;
    const double twice_max = 2.0 * static_cast<double>(scale1 > scale2 ? scale1 : scale2);
    const auto m1 = quantize_multiplier(static_cast<double>(scale1) / twice_max);
    const auto m2 = quantize_multiplier(static_cast<double>(scale2) / twice_max);
    const auto mo = quantize_multiplier(twice_max / (static_cast<double>(1 << p.left_shift) * static_cast<double>(out_scale)));
    p.input1_multiplier = m1.multiplier; p.input1_shift = m1.shift;
    p.input2_multiplier = m2.multiplier; p.input2_shift = m2.shift;
    p.output_multiplier = mo.multiplier; p.output_shift = mo.shift;
    p.activation_min = act.min;
    p.activation_max = act.max;
    return p;
}

NERVE_ALWAYS_INLINE constexpr std::int8_t add_one(const add_params& p, std::int8_t a, std::int8_t b) noexcept {
    const std::int32_t a1 = wrapping_left_shift(p.input1_offset + a, p.left_shift);
    const std::int32_t b1 = wrapping_left_shift(p.input2_offset + b, p.left_shift);
    const std::int32_t a2 = multiply_by_quantized_multiplier(a1, p.input1_multiplier, p.input1_shift);
    const std::int32_t b2 = multiply_by_quantized_multiplier(b1, p.input2_multiplier, p.input2_shift);
    return clamp_to_int8(multiply_by_quantized_multiplier(a2 + b2, p.output_multiplier, p.output_shift) + p.output_offset,
                         p.activation_min, p.activation_max);
}

/// Same-shape inputs (the output may alias either input).
inline void add(const add_params& p, const std::int8_t* a, const std::int8_t* b, int size, std::int8_t* out) noexcept {
    for (int i = 0; i < size; ++i) out[i] = add_one(p, a[i], b[i]);
}

/// Broadcasting inputs; returns false (writing nothing) if the shapes do not broadcast.
/// The output has broadcast_shape(sa, sb) and must not alias an input that is broadcast.
inline bool add(const add_params& p, const std::int8_t* a, const shape4& sa, const std::int8_t* b, const shape4& sb,
                std::int8_t* out) noexcept {
    return detail::for_each_broadcast(sa, sb, [&](int o, int ia, int ib) { out[o] = add_one(p, a[ia], b[ib]); });
}

}  // namespace nerve::infer
