// nerve/infer/depthwise_conv_2d.hpp — int8 DEPTHWISE_CONV_2D (NHWC), bit-exact with TFLite's
// DepthwiseConvPerChannel reference kernel.
//
//   oc = ic * depth_multiplier + m
//   acc = bias[oc] + sum_{fy, fx inside} (input[b][iy][ix][ic] + input_offset) * filter[0][fy][fx][oc]
//   output[b][oy][ox][oc] = clamp(output_offset + multiply_by_quantized_multiplier(acc, M[oc], S[oc]))
//
// Shapes and parameters as conv_2d (conv_params, conv_shape with output_depth = input_depth *
// depth_multiplier). 1-D depthwise convolutions are the H = 1 case.
//
//   depthwise_conv_2d_reference  TFLite's loops (always compiled);
//   depthwise_conv_2d            same results; with depth_multiplier 1 the channels of one pixel
//                                are accumulated side by side (contiguous in NHWC and in the
//                                filter), which the compiler vectorises, in blocks of 64 channels.
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "conv_2d.hpp"
#include "quantization.hpp"

namespace nerve::infer {

template <rounding R = rounding::double_rounding>
inline void depthwise_conv_2d_reference(const conv_params& p, const conv_shape& s, int depth_multiplier,
                                        const std::int8_t* input, const std::int8_t* filter, const std::int32_t* bias,
                                        std::int8_t* output) noexcept {
    for (int b = 0; b < s.batches; ++b)
        for (int oy = 0; oy < s.output_h; ++oy)
            for (int ox = 0; ox < s.output_w; ++ox)
                for (int ic = 0; ic < s.input_depth; ++ic)
                    for (int m = 0; m < depth_multiplier; ++m) {
                        const int oc = m + ic * depth_multiplier;
                        const int iy0 = oy * p.stride_h - p.pad_h, ix0 = ox * p.stride_w - p.pad_w;
                        std::int32_t acc = 0;
                        for (int fy = 0; fy < s.filter_h; ++fy)
                            for (int fx = 0; fx < s.filter_w; ++fx) {
                                const int iy = iy0 + p.dilation_h * fy, ix = ix0 + p.dilation_w * fx;
                                if (iy < 0 || iy >= s.input_h || ix < 0 || ix >= s.input_w) continue;
                                const std::int32_t x = input[((b * s.input_h + iy) * s.input_w + ix) * s.input_depth + ic];
                                const std::int32_t w = filter[(fy * s.filter_w + fx) * s.output_depth + oc];
                                acc += w * (x + p.input_offset);
                            }
                        if (bias) acc += bias[oc];
                        output[((b * s.output_h + oy) * s.output_w + ox) * s.output_depth + oc] =
                            requantize<R>(acc, p.output_multiplier[oc], p.output_shift[oc], p.output_offset,
                                          p.activation_min, p.activation_max);
                    }
}

template <rounding R = rounding::double_rounding>
inline void depthwise_conv_2d(const conv_params& p, const conv_shape& s, int depth_multiplier,
                              const std::int8_t* input, const std::int8_t* filter, const std::int32_t* bias,
                              std::int8_t* output) noexcept {
    if (depth_multiplier != 1) {
        depthwise_conv_2d_reference<R>(p, s, depth_multiplier, input, filter, bias, output);
        return;
    }
    constexpr int kBlock = 64;
    const int C = s.input_depth;
    for (int b = 0; b < s.batches; ++b)
        for (int oy = 0; oy < s.output_h; ++oy) {
            const int iy0 = oy * p.stride_h - p.pad_h;
            int fy0, fy1;
            detail::valid_taps(iy0, p.dilation_h, s.filter_h, s.input_h, fy0, fy1);
            for (int ox = 0; ox < s.output_w; ++ox) {
                const int ix0 = ox * p.stride_w - p.pad_w;
                int fx0, fx1;
                detail::valid_taps(ix0, p.dilation_w, s.filter_w, s.input_w, fx0, fx1);
                std::int8_t* y = output + ((static_cast<std::ptrdiff_t>(b) * s.output_h + oy) * s.output_w + ox) * C;
                for (int c0 = 0; c0 < C; c0 += kBlock) {
                    const int n = C - c0 < kBlock ? C - c0 : kBlock;
                    std::int32_t acc[kBlock];
                    for (int c = 0; c < n; ++c) acc[c] = bias ? bias[c0 + c] : 0;
                    for (int fy = fy0; fy < fy1; ++fy)
                        for (int fx = fx0; fx < fx1; ++fx) {
                            const int iy = iy0 + p.dilation_h * fy, ix = ix0 + p.dilation_w * fx;
                            const std::int8_t* x = input + ((static_cast<std::ptrdiff_t>(b) * s.input_h + iy) * s.input_w + ix) * C + c0;
                            const std::int8_t* w = filter + (fy * s.filter_w + fx) * C + c0;
                            for (int c = 0; c < n; ++c)
                                acc[c] += static_cast<std::int32_t>(w[c]) * (static_cast<std::int32_t>(x[c]) + p.input_offset);
                        }
                    for (int c = 0; c < n; ++c)
                        y[c0 + c] = requantize<R>(acc[c], p.output_multiplier[c0 + c], p.output_shift[c0 + c],
                                                  p.output_offset, p.activation_min, p.activation_max);
                }
            }
        }
}

}  // namespace nerve::infer
