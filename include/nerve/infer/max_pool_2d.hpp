// nerve/infer/max_pool_2d.hpp — int8 MAX_POOL_2D, bit-exact with TFLite's reference kernel.
//
// Each output is the largest input of the window inside the input (padding never wins), clamped
// to the activation range. Input and output share scale and zero point.
#pragma once

#include <cstdint>

#include "pool_common.hpp"

namespace nerve::infer {

inline void max_pool_2d(const pool_params& p, const pool_shape& s, const std::int8_t* input,
                        std::int8_t* output) noexcept {
    for (int b = 0; b < s.batches; ++b)
        for (int oy = 0; oy < s.output_h; ++oy)
            for (int ox = 0; ox < s.output_w; ++ox) {
                const pool_window w(p, s, oy, ox);
                std::int8_t* y = output + ((b * s.output_h + oy) * s.output_w + ox) * s.depth;
                for (int c = 0; c < s.depth; ++c) {
                    std::int32_t m = -128;
                    for (int fy = w.fy0; fy < w.fy1; ++fy)
                        for (int fx = w.fx0; fx < w.fx1; ++fx) {
                            const std::int32_t v =
                                input[((b * s.input_h + w.iy0 + fy) * s.input_w + w.ix0 + fx) * s.depth + c];
                            m = v > m ? v : m;
                        }
                    y[c] = p.clamp(m);
                }
            }
}

}  // namespace nerve::infer
