// nerve/infer/average_pool_2d.hpp — int8 AVERAGE_POOL_2D, bit-exact with TFLite's reference kernel.
//
// Each output is the mean of the window's inputs that lie inside the input (padding is not
// counted), rounded half away from zero with integer division, then clamped to the activation
// range. Input and output share scale and zero point (TFLite requires it), so no rescaling.
// A window with no input inside (only possible with padding larger than the filter, which
// TFLite's shape rules never produce) yields the zero-point-free value 0 clamped to the range;
// TFLite reports an error there instead.
#pragma once

#include <cstdint>

#include "pool_common.hpp"

namespace nerve::infer {

inline void average_pool_2d(const pool_params& p, const pool_shape& s, const std::int8_t* input,
                            std::int8_t* output) noexcept {
    for (int b = 0; b < s.batches; ++b)
        for (int oy = 0; oy < s.output_h; ++oy)
            for (int ox = 0; ox < s.output_w; ++ox) {
                const int iy0 = oy * p.stride_h - p.pad_h, ix0 = ox * p.stride_w - p.pad_w;
                const int fy0 = iy0 < 0 ? -iy0 : 0, fx0 = ix0 < 0 ? -ix0 : 0;
                const int fy1 = p.filter_h < s.input_h - iy0 ? p.filter_h : s.input_h - iy0;
                const int fx1 = p.filter_w < s.input_w - ix0 ? p.filter_w : s.input_w - ix0;
                const int count = (fy1 > fy0 && fx1 > fx0) ? (fy1 - fy0) * (fx1 - fx0) : 0;
                for (int c = 0; c < s.depth; ++c) {
                    std::int32_t acc = 0;
                    for (int fy = fy0; fy < fy1; ++fy)
                        for (int fx = fx0; fx < fx1; ++fx)
                            acc += input[((b * s.input_h + iy0 + fy) * s.input_w + ix0 + fx) * s.depth + c];
                    if (count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    acc = acc < p.activation_min ? p.activation_min : acc;
                    acc = acc > p.activation_max ? p.activation_max : acc;
                    output[((b * s.output_h + oy) * s.output_w + ox) * s.depth + c] = static_cast<std::int8_t>(acc);
                }
            }
}

}  // namespace nerve::infer
