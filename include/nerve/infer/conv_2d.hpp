// nerve/infer/conv_2d.hpp — int8 CONV_2D (NHWC), bit-exact with TFLite's per-channel reference kernel.
//
//   acc = bias[oc] + sum_{fy, fx inside the input} sum_ic (input[b][iy][ix][ic] + input_offset)
//                                                      * filter[oc][fy][fx][ic]
//   iy = oy * stride_h - pad_h + fy * dilation_h   (ix likewise)
//   output[b][oy][ox][oc] = clamp(output_offset + multiply_by_quantized_multiplier(acc, M[oc], S[oc]))
//
// A 1-D sensor convolution (Conv1D exported by TFLite) is the H = 1 case: input 1 x W x C,
// filter 1 x K x C. Pad values are explicit (padding.hpp computes TFLite's SAME/VALID ones).
// Weights have zero point 0 (TFLite's int8 spec), so there is no filter offset.
//
//   conv_2d_reference  the plain loops of TFLite's reference kernel (always compiled);
//   conv_2d            same results: for each output pixel, the valid filter rows are contiguous
//                      runs of (filter columns x input channels) bytes in NHWC, so each run is one
//                      call of the SIMD/DSP dot product for four output channels at a time.
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "detail/int8_block_x86.hpp"
#include "detail/int8_dot.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// TFLite's ConvParams fields for int8 per-channel convolutions (also used by depthwise_conv_2d).
struct conv_params {
    std::int32_t input_offset = 0;   ///< -(input zero point)
    std::int32_t output_offset = 0;  ///< +(output zero point)
    int stride_h = 1, stride_w = 1;
    int dilation_h = 1, dilation_w = 1;
    int pad_h = 0, pad_w = 0;  ///< top and left padding (padding.hpp)
    const std::int32_t* output_multiplier = nullptr;  ///< [output_depth], Q31
    const std::int32_t* output_shift = nullptr;       ///< [output_depth], positive = left
    std::int32_t activation_min = -128, activation_max = 127;
};

/// NHWC shapes of a convolution. For depthwise_conv_2d, output_depth = input_depth * depth_multiplier.
struct conv_shape {
    int batches = 1;
    int input_h = 1, input_w = 1, input_depth = 1;
    int filter_h = 1, filter_w = 1;
    int output_h = 1, output_w = 1, output_depth = 1;
};

/// TFLite's reference loops. filter [output_depth][filter_h][filter_w][input_depth], bias
/// [output_depth] or null.
template <rounding R = rounding::double_rounding>
inline void conv_2d_reference(const conv_params& p, const conv_shape& s, const std::int8_t* input,
                              const std::int8_t* filter, const std::int32_t* bias, std::int8_t* output) noexcept {
    for (int b = 0; b < s.batches; ++b)
        for (int oy = 0; oy < s.output_h; ++oy)
            for (int ox = 0; ox < s.output_w; ++ox)
                for (int oc = 0; oc < s.output_depth; ++oc) {
                    const int iy0 = oy * p.stride_h - p.pad_h, ix0 = ox * p.stride_w - p.pad_w;
                    std::int32_t acc = 0;
                    for (int fy = 0; fy < s.filter_h; ++fy)
                        for (int fx = 0; fx < s.filter_w; ++fx) {
                            const int iy = iy0 + p.dilation_h * fy, ix = ix0 + p.dilation_w * fx;
                            if (iy < 0 || iy >= s.input_h || ix < 0 || ix >= s.input_w) continue;
                            for (int ic = 0; ic < s.input_depth; ++ic) {
                                const std::int32_t x = input[((b * s.input_h + iy) * s.input_w + ix) * s.input_depth + ic];
                                const std::int32_t w = filter[((oc * s.filter_h + fy) * s.filter_w + fx) * s.input_depth + ic];
                                acc += w * (x + p.input_offset);
                            }
                        }
                    if (bias) acc += bias[oc];
                    output[((b * s.output_h + oy) * s.output_w + ox) * s.output_depth + oc] =
                        requantize<R>(acc, p.output_multiplier[oc], p.output_shift[oc], p.output_offset,
                                      p.activation_min, p.activation_max);
                }
}

namespace detail {
/// acc[k] += the convolution sums of output channels oc..oc+K-1 at one output pixel.
template <int K>
NERVE_ALWAYS_INLINE void conv_pixel(const conv_params& p, const conv_shape& s, const std::int8_t* in_b,
                                    const std::int8_t* filter, int oc, int iy0, int ix0, int fy0, int fy1, int fx0,
                                    int fx1, std::int32_t* acc) noexcept {
    const std::ptrdiff_t w_stride = static_cast<std::ptrdiff_t>(s.filter_h) * s.filter_w * s.input_depth;
    for (int fy = fy0; fy < fy1; ++fy) {
        const int iy = iy0 + p.dilation_h * fy;
        const std::int8_t* w_row = filter + (static_cast<std::ptrdiff_t>(oc) * s.filter_h + fy) * s.filter_w * s.input_depth;
        const std::int8_t* x_row = in_b + static_cast<std::ptrdiff_t>(iy) * s.input_w * s.input_depth;
        if (p.dilation_w == 1) {
            dot_int8<K>(x_row + (ix0 + fx0) * s.input_depth, w_row + fx0 * s.input_depth, w_stride,
                        (fx1 - fx0) * s.input_depth, p.input_offset, 0, acc);
        } else {
            for (int fx = fx0; fx < fx1; ++fx)
                dot_int8<K>(x_row + (ix0 + p.dilation_w * fx) * s.input_depth, w_row + fx * s.input_depth, w_stride,
                            s.input_depth, p.input_offset, 0, acc);
        }
    }
}
/// The filter taps [lo, hi) whose input index origin + dilation * t lies in [0, size).
constexpr void valid_taps(int origin, int dilation, int taps, int size, int& lo, int& hi) noexcept {
    lo = 0;
    while (lo < taps && origin + dilation * lo < 0) ++lo;
    hi = taps;
    while (hi > lo && origin + dilation * (hi - 1) >= size) --hi;
}
}  // namespace detail

/// Same contract and results as conv_2d_reference, with the SIMD/DSP dot product.
/// Output channels are taken in blocks of 64 whose requantization constants are computed once
/// per call (not per pixel); within a block, four (x86: eight) channels share each input pass.
template <rounding R = rounding::double_rounding>
inline void conv_2d(const conv_params& p, const conv_shape& s, const std::int8_t* input, const std::int8_t* filter,
                    const std::int32_t* bias, std::int8_t* output) noexcept {
    constexpr int kBlock = 64;
    detail::requant_channel rq[kBlock];
    const std::int32_t out_off = p.output_offset, lo = p.activation_min, hi = p.activation_max;
    for (int c0 = 0; c0 < s.output_depth; c0 += kBlock) {
        const int c1 = s.output_depth - c0 < kBlock ? s.output_depth : c0 + kBlock;
        for (int oc = c0; oc < c1; ++oc)
            rq[oc - c0] = detail::requant_channel(p.output_multiplier[oc], static_cast<int>(p.output_shift[oc]));
        auto store = [&](std::int8_t* y, int oc, std::int32_t acc) {
            std::int32_t v;
            if constexpr (R == rounding::double_rounding)
                v = rq[oc - c0].apply_fast(acc);
            else
                v = multiply_by_quantized_multiplier<R>(acc, p.output_multiplier[oc], static_cast<int>(p.output_shift[oc]));
            v += out_off;
            v = v < lo ? lo : (v > hi ? hi : v);
            y[oc] = static_cast<std::int8_t>(v);
        };
        for (int b = 0; b < s.batches; ++b) {
            const std::int8_t* in_b = input + static_cast<std::ptrdiff_t>(b) * s.input_h * s.input_w * s.input_depth;
            for (int oy = 0; oy < s.output_h; ++oy) {
                const int iy0 = oy * p.stride_h - p.pad_h;
                int fy0, fy1;
                detail::valid_taps(iy0, p.dilation_h, s.filter_h, s.input_h, fy0, fy1);
                for (int ox = 0; ox < s.output_w; ++ox) {
                    const int ix0 = ox * p.stride_w - p.pad_w;
                    int fx0, fx1;
                    detail::valid_taps(ix0, p.dilation_w, s.filter_w, s.input_w, fx0, fx1);
                    std::int8_t* y = output + ((static_cast<std::ptrdiff_t>(b) * s.output_h + oy) * s.output_w + ox) * s.output_depth;
                    int oc = c0;
#if defined(__AVX2__)
                    for (; oc + 8 <= c1; oc += 8) {
                        __m256i acc = bias ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + oc)) : _mm256_setzero_si256();
                        const std::ptrdiff_t w_stride = static_cast<std::ptrdiff_t>(s.filter_h) * s.filter_w * s.input_depth;
                        for (int fy = fy0; fy < fy1; ++fy) {
                            const int iy = iy0 + p.dilation_h * fy;
                            const std::int8_t* w_row = filter + (static_cast<std::ptrdiff_t>(oc) * s.filter_h + fy) * s.filter_w * s.input_depth;
                            const std::int8_t* x_row = in_b + static_cast<std::ptrdiff_t>(iy) * s.input_w * s.input_depth;
                            if (p.dilation_w == 1) {
                                if (fx1 > fx0)
                                    acc = _mm256_add_epi32(acc, detail::dot8(x_row + (ix0 + fx0) * s.input_depth, w_row + fx0 * s.input_depth,
                                                                             w_stride, (fx1 - fx0) * s.input_depth, p.input_offset, 0));
                            } else {
                                for (int fx = fx0; fx < fx1; ++fx)
                                    acc = _mm256_add_epi32(acc, detail::dot8(x_row + (ix0 + p.dilation_w * fx) * s.input_depth,
                                                                             w_row + fx * s.input_depth, w_stride, s.input_depth,
                                                                             p.input_offset, 0));
                            }
                        }
                        detail::store_requantized8<R>(acc, p.output_multiplier + oc, p.output_shift + oc, 0, 0, out_off, lo, hi, y + oc);
                    }
#endif
                    for (; oc + 4 <= c1; oc += 4) {
                        std::int32_t acc[4];
                        for (int k = 0; k < 4; ++k) acc[k] = bias ? bias[oc + k] : 0;
                        detail::conv_pixel<4>(p, s, in_b, filter, oc, iy0, ix0, fy0, fy1, fx0, fx1, acc);
                        for (int k = 0; k < 4; ++k) store(y, oc + k, acc[k]);
                    }
                    for (; oc < c1; ++oc) {
                        std::int32_t acc = bias ? bias[oc] : 0;
                        detail::conv_pixel<1>(p, s, in_b, filter, oc, iy0, ix0, fy0, fy1, fx0, fx1, &acc);
                        store(y, oc, acc);
                    }
                }
            }
        }
    }
}

}  // namespace nerve::infer
