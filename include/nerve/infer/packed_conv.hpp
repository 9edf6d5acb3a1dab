// nerve/infer/packed_conv.hpp — 1-D int8 convolution (CONV_2D with H = 1) with filters
// pre-widened for the Cortex-M4's SMLAD, for static models.
//
// Same idea as packed_dense.hpp: each filter (K taps x C input channels, contiguous in TFLite's
// [OutC][1][K][C] layout) is a row of a dense layer, packed at compile time into int16 in SMLAD
// order (pack_dense_weights<K * C, OutC>); the input is widened into the matching int16 pairs
// in bands of output positions (at most max(K * C, 512) int16 of stack). With C a multiple of 4
// every window starts on a 4-block, so each output position is one packed dot product per group
// of four filters over the window's valid taps (SAME padding just shortens the window at the edges).
//
// Results are bit-identical to conv_2d_reference (tested on every target; on targets without
// the DSP extension the same layout runs through a portable loop).
#pragma once

#include <cstdint>

#include "../config.hpp"
#include "conv_2d.hpp"
#include "model.hpp"
#include "packed_dense.hpp"
#include "padding.hpp"

namespace nerve::infer {

/// Conv1D over W samples of C channels (C % 4 == 0), OutC filters of K taps, stride S, dilation 1.
/// `packed` = pack_dense_weights<K * C, OutC>(filter). conv_quant as in model.hpp.
template <int W, int C, int OutC, int K, int S = 1, padding Pad = padding::valid>
struct conv1d_packed {
    static_assert(C % 4 == 0, "conv1d_packed: the input channels must be a multiple of 4");
    static constexpr int output_w = conv_output_size(Pad, W, K, S);
    static_assert(output_w > 0, "conv1d_packed: the filter does not fit the input");
    static constexpr int pad = conv_padding(W, K, S, 1, output_w);
    static constexpr int input_size = W * C, output_size = output_w * OutC;
    static constexpr bool in_place = false;
    static constexpr int row = K * C;  // one filter, flattened

    const std::int16_t* packed = nullptr;
    const std::int32_t* bias = nullptr;
    conv_quant quant{};

    // The input is widened in bands of up to kBand int16 (kPixels output positions each), so the
    // stack use stays small whatever W. The 13-register inner loop is called out of line: inside
    // this loop nest the compiler cannot free that many registers for it.
    static constexpr int kBand = K * C > 512 ? K * C : 512;
    static constexpr int kPixels = (kBand / C - K) / S + 1;

    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        alignas(8) std::int16_t xs[kBand];
        const std::int32_t out_off = quant.output_offset, lo = quant.activation_min, hi = quant.activation_max;
        // per-filter requantization constants, computed once per call
        detail::requant_channel rq[OutC];
        for (int o = 0; o < OutC; ++o)
            rq[o] = detail::requant_channel(quant.output_multiplier[o], static_cast<int>(quant.output_shift[o]));
        const std::int32_t* const b = bias;
        const std::int16_t* const wbase = packed;
        for (int o0 = 0; o0 < output_w; o0 += kPixels) {
            const int o1 = output_w - o0 < kPixels ? output_w : o0 + kPixels;
            const int bx0 = o0 * S - pad > 0 ? o0 * S - pad : 0;
            const int bx1 = (o1 - 1) * S - pad + K < W ? (o1 - 1) * S - pad + K : W;
            if (bx1 > bx0) detail::widen_input_pairs(in + bx0 * C, (bx1 - bx0) * C, quant.input_offset, xs);
            for (int ox = o0; ox < o1; ++ox) {
                const int ix0 = ox * S - pad;
                const int t0 = ix0 < 0 ? -ix0 : 0;
                const int t1 = W - ix0 < K ? W - ix0 : K;
                std::int8_t* y = out + ox * OutC;
                const std::int16_t* x = xs + (ix0 + t0 - bx0) * C;
                const int n = (t1 - t0) * C;
                for (int g = 0; g < (OutC + 3) / 4; ++g) {
                    const int m = OutC - 4 * g < 4 ? OutC - 4 * g : 4;
                    std::int32_t acc[4] = {0, 0, 0, 0};
                    if (b)
                        for (int r = 0; r < m; ++r) acc[r] = b[4 * g + r];
                    if (n > 0) detail::packed_dot4_outline(x, wbase + g * 4 * row + t0 * C * 4, n, acc);
                    for (int r = 0; r < m; ++r) {
                        const int o = 4 * g + r;
                        std::int32_t v = rq[o].apply_fast(acc[r]) + out_off;
                        v = v < lo ? lo : (v > hi ? hi : v);
                        y[o] = static_cast<std::int8_t>(v);
                    }
                }
            }
        }
    }
};

}  // namespace nerve::infer
