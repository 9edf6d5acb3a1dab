// nerve/infer/fully_connected.hpp — int8 FULLY_CONNECTED, bit-exact with TFLite's reference kernel.
//
//   acc       = bias[o] + sum_d (input[b][d] + input_offset) * (weights[o][d] + filter_offset)
//   output[b][o] = clamp(output_offset + multiply_by_quantized_multiplier(acc, M[o], S[o]),
//                        activation_min, activation_max)
//
// with M, S per tensor or per output channel. Raw pointers and shapes, no allocation, no state:
// the .tflite executor and the static models (infer/model.hpp) both call these.
//
// Two entry points, same results bit for bit (tested on every target):
//   fully_connected_reference  the plain loops of TFLite's reference kernel (always compiled);
//   fully_connected            four output channels per pass over the input, with the SIMD /
//                              DSP dot product of detail/int8_dot.hpp.
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "detail/int8_block_x86.hpp"
#include "detail/int8_dot.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// Parameters with TFLite's field semantics (FullyConnectedParams of the reference kernels).
struct fully_connected_params {
    std::int32_t input_offset = 0;   ///< -(input zero point)
    std::int32_t filter_offset = 0;  ///< -(weight zero point); 0 for TFLite int8 weights
    std::int32_t output_offset = 0;  ///< +(output zero point)
    std::int32_t output_multiplier = 0;  ///< per-tensor Q31 multiplier (used when per_channel_multiplier is null)
    int output_shift = 0;                ///< per-tensor shift, positive = left
    /// Per-output-channel multipliers and shifts ([output_depth] each), or null for per-tensor.
    const std::int32_t* per_channel_multiplier = nullptr;
    const std::int32_t* per_channel_shift = nullptr;
    std::int32_t activation_min = -128;  ///< fused RELU/RELU6 clamp (make_activation_range)
    std::int32_t activation_max = 127;

    constexpr std::int32_t multiplier(int o) const noexcept {
        return per_channel_multiplier ? per_channel_multiplier[o] : output_multiplier;
    }
    constexpr int shift(int o) const noexcept {
        return per_channel_shift ? static_cast<int>(per_channel_shift[o]) : output_shift;
    }
};

/// TFLite's reference loops. input [batches][input_depth], weights [output_depth][input_depth],
/// bias [output_depth] or null, output [batches][output_depth].
template <rounding R = rounding::double_rounding>
inline void fully_connected_reference(const fully_connected_params& p, const std::int8_t* input, int batches,
                                      int input_depth, const std::int8_t* weights, const std::int32_t* bias,
                                      int output_depth, std::int8_t* output) noexcept {
    for (int b = 0; b < batches; ++b) {
        for (int o = 0; o < output_depth; ++o) {
            std::int32_t acc = 0;
            for (int d = 0; d < input_depth; ++d) {
                const std::int32_t in = input[b * input_depth + d];
                const std::int32_t w = weights[o * input_depth + d];
                acc += (w + p.filter_offset) * (in + p.input_offset);
            }
            if (bias) acc += bias[o];
            output[b * output_depth + o] = requantize<R>(acc, p.multiplier(o), p.shift(o), p.output_offset,
                                                         p.activation_min, p.activation_max);
        }
    }
}

/// Same contract and results as fully_connected_reference, using the fastest dot product the
/// target compiles (AVX-512/AVX2/SSE2, NEON, Cortex-M DSP SMLAD, else scalar).
template <rounding R = rounding::double_rounding>
inline void fully_connected(const fully_connected_params& p, const std::int8_t* input, int batches, int input_depth,
                            const std::int8_t* weights, const std::int32_t* bias, int output_depth,
                            std::int8_t* output) noexcept {
    for (int b = 0; b < batches; ++b) {
        const std::int8_t* x = input + b * input_depth;
        std::int8_t* y = output + b * output_depth;
        int o = 0;
#if defined(__AVX2__)
        for (; o + 8 <= output_depth; o += 8) {
            __m256i acc = detail::dot8(x, weights + o * input_depth, input_depth, input_depth, p.input_offset,
                                       p.filter_offset);
            if (bias) acc = _mm256_add_epi32(acc, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + o)));
            detail::store_requantized8<R>(acc, p.per_channel_multiplier ? p.per_channel_multiplier + o : nullptr,
                                          p.per_channel_shift ? p.per_channel_shift + o : nullptr, p.output_multiplier,
                                          p.output_shift, p.output_offset, p.activation_min, p.activation_max, y + o);
        }
#endif
        for (; o + 4 <= output_depth; o += 4) {
            std::int32_t acc[4];
            for (int k = 0; k < 4; ++k) acc[k] = bias ? bias[o + k] : 0;
            detail::dot_int8<4>(x, weights + o * input_depth, input_depth, input_depth, p.input_offset,
                                p.filter_offset, acc);
            for (int k = 0; k < 4; ++k)
                y[o + k] = requantize_fast<R>(acc[k], p.multiplier(o + k), p.shift(o + k), p.output_offset,
                                         p.activation_min, p.activation_max);
        }
        for (; o < output_depth; ++o) {
            std::int32_t acc = bias ? bias[o] : 0;
            detail::dot_int8<1>(x, weights + o * input_depth, input_depth, input_depth, p.input_offset,
                                p.filter_offset, &acc);
            y[o] = requantize_fast<R>(acc, p.multiplier(o), p.shift(o), p.output_offset, p.activation_min,
                                 p.activation_max);
        }
    }
}

}  // namespace nerve::infer
