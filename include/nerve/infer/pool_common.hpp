// nerve/infer/pool_common.hpp — shapes and parameters shared by average_pool_2d and max_pool_2d.
#pragma once

#include <cstdint>

#include "quantization.hpp"

namespace nerve::infer {

/// TFLite's PoolParams fields for int8 pooling (NHWC, channels unchanged).
struct pool_params {
    int stride_h = 1, stride_w = 1;
    int filter_h = 1, filter_w = 1;
    int pad_h = 0, pad_w = 0;  ///< top and left padding (padding.hpp, dilation 1)
    std::int32_t activation_min = -128, activation_max = 127;

    /// A pooled value clamped to the activation range, as int8.
    constexpr std::int8_t clamp(std::int32_t v) const noexcept { return clamp_to_int8(v, activation_min, activation_max); }
};

struct pool_shape {
    int batches = 1;
    int input_h = 1, input_w = 1, depth = 1;
    int output_h = 1, output_w = 1;
};

/// The window of output pixel (oy, ox) clipped to the input (padding never takes part):
/// filter rows [fy0, fy1) and columns [fx0, fx1) read input pixel (iy0 + fy, ix0 + fx), where
/// (iy0, ix0) is the filter's top-left corner in input coordinates (negative in the padding).
struct pool_window {
    int iy0, ix0;
    int fy0, fx0, fy1, fx1;
    constexpr pool_window(const pool_params& p, const pool_shape& s, int oy, int ox) noexcept
        : iy0(oy * p.stride_h - p.pad_h), ix0(ox * p.stride_w - p.pad_w),
          fy0(iy0 < 0 ? -iy0 : 0), fx0(ix0 < 0 ? -ix0 : 0),
          fy1(p.filter_h < s.input_h - iy0 ? p.filter_h : s.input_h - iy0),
          fx1(p.filter_w < s.input_w - ix0 ? p.filter_w : s.input_w - ix0) {}
    /// Input pixels inside the window (0 when padding covers it all).
    constexpr int count() const noexcept { return (fy1 > fy0 && fx1 > fx0) ? (fy1 - fy0) * (fx1 - fx0) : 0; }
};

}  // namespace nerve::infer
