// nerve/infer/pool_common.hpp — shapes and parameters shared by average_pool_2d and max_pool_2d.
#pragma once

#include <cstdint>

namespace nerve::infer {

/// TFLite's PoolParams fields for int8 pooling (NHWC, channels unchanged).
struct pool_params {
    int stride_h = 1, stride_w = 1;
    int filter_h = 1, filter_w = 1;
    int pad_h = 0, pad_w = 0;  ///< top and left padding (padding.hpp, dilation 1)
    std::int32_t activation_min = -128, activation_max = 127;
};

struct pool_shape {
    int batches = 1;
    int input_h = 1, input_w = 1, depth = 1;
    int output_h = 1, output_w = 1;
};

}  // namespace nerve::infer
