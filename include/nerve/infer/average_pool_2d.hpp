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
                const pool_window w(p, s, oy, ox);
                const int count = w.count();
                for (int c = 0; c < s.depth; ++c) {
                    std::int32_t acc = 0;
                    for (int fy = w.fy0; fy < w.fy1; ++fy)
                        for (int fx = w.fx0; fx < w.fx1; ++fx)
                            acc += input[((b * s.input_h + w.iy0 + fy) * s.input_w + w.ix0 + fx) * s.depth + c];
                    if (count > 0) acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    output[((b * s.output_h + oy) * s.output_w + ox) * s.depth + c] = p.clamp(acc);
                }
            }
}

}  // namespace nerve::infer
