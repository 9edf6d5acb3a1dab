// nerve/infer/packed_dense.hpp — FULLY_CONNECTED with weights pre-widened for the Cortex-M4's SMLAD.
//
// The Cortex-M4 multiplies int16 pairs (SMLAD: two MACs per instruction). With int8 weights every
// weight word must first be split into two halfword pairs (two SXTB16 per four weights), which
// alone costs half an instruction per MAC. Here the weights are widened once, at compile time,
// into int16 and stored in the order SMLAD consumes them, so the inner loop is loads and SMLADs:
//
//   for each group of 4 output rows r0..r3, for each block of 4 inputs d0..d3:
//     r0:(w[d0], w[d2]) r0:(w[d1], w[d3])  r1:(..) r1:(..)  r2:(..) r2:(..)  r3:(..) r3:(..)
//
// and the input is widened once per call (input_offset added) into the matching pairs
// (x0, x2), (x1, x3) in a stack buffer of 2 * In bytes. Flash: 2 bytes per weight instead of 1
// (plus padding of Out to a multiple of 4). Results are bit-identical to fully_connected_reference
// (the same exact integer sums, the same requantization); on targets without the DSP extension the
// same layout is run by a portable loop, so the packing is tested everywhere.
//
//   constexpr auto packed = nerve::infer::pack_dense_weights<In, Out>(weights_int8_array);  // flash
//   nerve::infer::dense_packed<In, Out> layer{packed.data(), bias, params};  // a model.hpp layer
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../config.hpp"
#include "fully_connected.hpp"
#include "quantization.hpp"

#if defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#include <arm_acle.h>
#endif

namespace nerve::infer {

/// Number of int16 entries of the packed weights of an In -> Out layer.
constexpr std::size_t packed_dense_size(int in, int out) noexcept {
    return static_cast<std::size_t>((out + 3) / 4 * 4) * static_cast<std::size_t>(in);
}

/// Packs [out][in] int8 weights (row-major, TFLite's layout) into `packed`
/// (packed_dense_size(in, out) int16): in must be a multiple of 4; out is padded with zero rows
/// to a multiple of 4. Usable in constant expressions and at run time (e.g. into an arena).
constexpr void pack_dense_weights(const std::int8_t* w, int in, int out, std::int16_t* packed) noexcept {
    std::size_t k = 0;
    for (int g = 0; g < (out + 3) / 4; ++g)
        for (int d = 0; d + 3 < in; d += 4)
            for (int r = 0; r < 4; ++r) {
                const int o = 4 * g + r;
                const bool real = o < out;
                packed[k++] = real ? w[o * in + d + 0] : 0;
                packed[k++] = real ? w[o * in + d + 2] : 0;
                packed[k++] = real ? w[o * in + d + 1] : 0;
                packed[k++] = real ? w[o * in + d + 3] : 0;
            }
}

/// Packed weights: a std::array of int16 aligned to 8 bytes. The Cortex-M4 kernel reads them with
/// LDM and the widened input with LDRD, which fault on addresses that are not word-aligned, and
/// an int16 array is only 2-byte aligned unless declared otherwise; a misaligned pointer is still
/// accepted (packed_dot4 then takes its portable loop), only slower.
template <std::size_t N>
struct alignas(8) packed_weights : std::array<std::int16_t, N> {};

/// The packed weights as a constexpr array (put it in a `constexpr` / `const` variable: flash).
template <int In, int Out>
constexpr packed_weights<packed_dense_size(In, Out)> pack_dense_weights(const std::int8_t (&w)[Out * In]) noexcept {
    static_assert(In % 4 == 0, "pack_dense_weights: the input depth must be a multiple of 4");
    packed_weights<packed_dense_size(In, Out)> p{};
    pack_dense_weights(w, In, Out, p.data());
    return p;
}
template <int In, int Out>
constexpr packed_weights<packed_dense_size(In, Out)> pack_dense_weights(const std::array<std::int8_t, Out * In>& w) noexcept {
    static_assert(In % 4 == 0, "pack_dense_weights: the input depth must be a multiple of 4");
    packed_weights<packed_dense_size(In, Out)> p{};
    pack_dense_weights(w.data(), In, Out, p.data());
    return p;
}

namespace detail {
/// x + input_offset as int16 in SMLAD pair order: (x0, x2), (x1, x3) per block of 4.
inline void widen_input_pairs(const std::int8_t* x, int n, std::int32_t input_offset, std::int16_t* xs) noexcept {
    for (int d = 0; d < n; d += 4) {
        xs[d + 0] = static_cast<std::int16_t>(x[d + 0] + input_offset);
        xs[d + 1] = static_cast<std::int16_t>(x[d + 2] + input_offset);
        xs[d + 2] = static_cast<std::int16_t>(x[d + 1] + input_offset);
        xs[d + 3] = static_cast<std::int16_t>(x[d + 3] + input_offset);
    }
}

/// acc[0..3] += the four dot products of one row group: xs (n int16 pairs-ordered), w the group's
/// packed weights (4 * n int16). Any target, any alignment.
NERVE_ALWAYS_INLINE void packed_dot4_portable(const std::int16_t* NERVE_RESTRICT xs, const std::int16_t* NERVE_RESTRICT w,
                                              int n, std::int32_t* acc) noexcept {
    for (int d = 0; d < n; d += 4, w += 16) {
        for (int r = 0; r < 4; ++r) {
            const std::int16_t* wr = w + 4 * r;
            acc[r] += xs[d] * wr[0] + xs[d + 1] * wr[1] + xs[d + 2] * wr[2] + xs[d + 3] * wr[3];
        }
    }
}

/// The same; on the Cortex-M4 (DSP extension) two LDM of weights and one LDRD of inputs per 16
/// MACs, when both pointers are word-aligned.
NERVE_ALWAYS_INLINE void packed_dot4(const std::int16_t* NERVE_RESTRICT xs, const std::int16_t* NERVE_RESTRICT w, int n,
                                     std::int32_t* acc) noexcept {
#if defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
    // LDRD and LDM need word-aligned addresses (else a UsageFault on the M4): a misaligned xs or w
    // (int16 buffers are 2-byte aligned unless declared otherwise) takes the portable loop below.
    if (NERVE_UNLIKELY(((reinterpret_cast<std::uintptr_t>(xs) | reinterpret_cast<std::uintptr_t>(w)) & 3u) != 0)) {
        packed_dot4_portable(xs, w, n, acc);
        return;
    }
    std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    const std::int16_t* const end = xs + n;
    // Per block of 4 inputs: one LDRD of the input pairs, two LDM of four weight words, eight SMLAD;
    // two blocks per loop iteration (an odd block first), so the loop test costs 1/32 per MAC.
#define NERVE_PACKED_BLOCK                            \
        "ldrd   r2, r3, [%[x]], #8\n\t"              \
        "ldmia  %[w]!, {r4, r5, r6, r8}\n\t"         \
        "smlad  %[a0], r2, r4, %[a0]\n\t"            \
        "smlad  %[a0], r3, r5, %[a0]\n\t"            \
        "smlad  %[a1], r2, r6, %[a1]\n\t"            \
        "smlad  %[a1], r3, r8, %[a1]\n\t"            \
        "ldmia  %[w]!, {r4, r5, r6, r8}\n\t"         \
        "smlad  %[a2], r2, r4, %[a2]\n\t"            \
        "smlad  %[a2], r3, r5, %[a2]\n\t"            \
        "smlad  %[a3], r2, r6, %[a3]\n\t"            \
        "smlad  %[a3], r3, r8, %[a3]\n\t"
    if ((n / 4) & 1) {
        __asm__ volatile(NERVE_PACKED_BLOCK
                         : [x] "+r"(xs), [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)
                         :
                         : "r2", "r3", "r4", "r5", "r6", "r8", "memory");
    }
    if (xs != end) {
        __asm__ volatile("1:\n\t" NERVE_PACKED_BLOCK NERVE_PACKED_BLOCK
                         "cmp    %[x], %[end]\n\t"
                         "bne    1b\n\t"
                         : [x] "+r"(xs), [w] "+r"(w), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3)
                         : [end] "r"(end)
                         : "r2", "r3", "r4", "r5", "r6", "r8", "cc", "memory");
    }
#undef NERVE_PACKED_BLOCK
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
#else
    packed_dot4_portable(xs, w, n, acc);
#endif
}
/// packed_dot4 as a separate function: the inner loop needs 13 registers, which a caller with a
/// large stack frame (frame pointer in r7) cannot give it inline.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
inline void packed_dot4_outline(const std::int16_t* xs, const std::int16_t* w, int n, std::int32_t* acc) noexcept {
    packed_dot4(xs, w, n, acc);
}

}  // namespace detail

/// FULLY_CONNECTED, batch 1, on packed weights (pack_dense_weights). `in` has In int8, `out`
/// receives Out int8. Uses 2 * In bytes of stack for the widened input.
template <int In, int Out, rounding R = rounding::double_rounding>
inline void fully_connected_packed(const fully_connected_params& p, const std::int8_t* in, const std::int16_t* packed,
                                   const std::int32_t* bias, std::int8_t* out) noexcept {
    static_assert(In % 4 == 0 && In > 0, "fully_connected_packed: the input depth must be a multiple of 4");
    NERVE_ASSERT(p.filter_offset == 0);  // TFLite's int8 weights are symmetric
    alignas(8) std::int16_t xs[In];
    detail::widen_input_pairs(in, In, p.input_offset, xs);
    // Locals: stores through `out` (int8) may alias anything, which would force reloads of p.
    const std::int32_t out_off = p.output_offset, lo = p.activation_min, hi = p.activation_max;
    const std::int32_t* const pc_mult = p.per_channel_multiplier;
    const std::int32_t* const pc_shift = p.per_channel_shift;
    const detail::requant_channel tensor(p.output_multiplier, p.output_shift);
    for (int g = 0; g < (Out + 3) / 4; ++g) {
        std::int32_t acc[4] = {0, 0, 0, 0};
        detail::packed_dot4(xs, packed + static_cast<std::ptrdiff_t>(g) * 4 * In, In, acc);
        const int n = Out - 4 * g < 4 ? Out - 4 * g : 4;
        for (int r = 0; r < n; ++r) {
            const int o = 4 * g + r;
            const std::int32_t a = bias ? acc[r] + bias[o] : acc[r];
            std::int32_t v;
            if constexpr (R == rounding::double_rounding)
                v = (pc_mult ? detail::requant_channel(pc_mult[o], static_cast<int>(pc_shift[o])) : tensor).apply_fast(a);
            else
                v = multiply_by_quantized_multiplier<R>(a, pc_mult ? pc_mult[o] : p.output_multiplier,
                                                        pc_shift ? static_cast<int>(pc_shift[o]) : p.output_shift);
            v += out_off;
            v = v < lo ? lo : (v > hi ? hi : v);
            out[o] = static_cast<std::int8_t>(v);
        }
    }
}

/// model.hpp layer: FULLY_CONNECTED on packed weights (flash: packed_dense_size(In, Out) int16).
template <int In, int Out>
struct dense_packed {
    static constexpr int input_size = In, output_size = Out;
    static constexpr bool in_place = false;
    const std::int16_t* packed = nullptr;
    const std::int32_t* bias = nullptr;
    fully_connected_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        fully_connected_packed<In, Out>(params, in, packed, bias, out);
    }
};

}  // namespace nerve::infer
