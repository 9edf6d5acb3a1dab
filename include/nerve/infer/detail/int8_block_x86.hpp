// nerve/infer/detail/int8_block_x86.hpp — eight output channels at a time on x86 (AVX2, AVX-512):
// the eight dot products of a layer's inner loop reduced into one vector, and TFLite's
// requantization evaluated on eight lanes. Exact integer arithmetic throughout, so bit-identical
// to the scalar reference (tested on every x86 build, and with -march=native).
//
// Why: with one output per pass, the horizontal sum of each accumulator and the scalar
// requantization cost as much as the multiply-accumulates of a 256-deep dot product; here they
// are shared by eight outputs (a transpose-add tree, then one vector requantization).
#pragma once

#include <cstddef>
#include <cstdint>

#include "../../config.hpp"
#include "../quantization.hpp"

#include <cstring>

#if defined(__AVX2__)
#include <immintrin.h>

namespace nerve::infer::detail {

inline constexpr bool has_block8 = true;

/// The eight horizontal sums of a0..a7, in lane order.
NERVE_ALWAYS_INLINE __m256i reduce8(__m256i a0, __m256i a1, __m256i a2, __m256i a3, __m256i a4, __m256i a5, __m256i a6,
                                    __m256i a7) noexcept {
    const __m256i s01 = _mm256_hadd_epi32(a0, a1), s23 = _mm256_hadd_epi32(a2, a3);
    const __m256i s45 = _mm256_hadd_epi32(a4, a5), s67 = _mm256_hadd_epi32(a6, a7);
    const __m256i s0123 = _mm256_hadd_epi32(s01, s23), s4567 = _mm256_hadd_epi32(s45, s67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(s0123, s4567, 0x20),
                            _mm256_permute2x128_si256(s0123, s4567, 0x31));
}

/// sum_i (x[i] + xo) * (w[k * w_stride + i] + wo) for k = 0..7, as eight int32 lanes.
inline __m256i dot8(const std::int8_t* NERVE_RESTRICT x, const std::int8_t* NERVE_RESTRICT w, std::ptrdiff_t w_stride,
                    int n, std::int32_t xo, std::int32_t wo) noexcept {
    int i = 0;
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    const __m512i xo16 = _mm512_set1_epi16(static_cast<std::int16_t>(xo));
    const __m512i wo16 = _mm512_set1_epi16(static_cast<std::int16_t>(wo));
    __m512i z[8];
    for (int k = 0; k < 8; ++k) z[k] = _mm512_setzero_si512();
    for (; i < n; i += 32) {
        // the last block is loaded with a mask (zeros beyond n; masked lanes are never read)
        const __mmask32 m = n - i >= 32 ? ~__mmask32{0} : ((__mmask32{1} << (n - i)) - 1);
        // zero-filled lanes must contribute nothing: the offset is added only where m is set
        const __m512i xv = _mm512_mask_add_epi16(_mm512_setzero_si512(), m,
                                                 _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, x + i)), xo16);
        for (int k = 0; k < 8; ++k) {
            __m512i wv = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(m, w + k * w_stride + i));
            if (wo != 0) wv = _mm512_add_epi16(wv, wo16);
#if defined(__AVX512VNNI__)
            z[k] = _mm512_dpwssd_epi32(z[k], xv, wv);
#else
            z[k] = _mm512_add_epi32(z[k], _mm512_madd_epi16(xv, wv));
#endif
        }
    }
    __m256i a[8];
    for (int k = 0; k < 8; ++k)
        a[k] = _mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xFF, z[k], 0), _mm512_maskz_extracti64x4_epi64(0xFF, z[k], 1));  // maskz: no 'undefined' source (GCC 12 warns)
    return reduce8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
#else
    const __m256i xo16 = _mm256_set1_epi16(static_cast<std::int16_t>(xo));
    const __m256i wo16 = _mm256_set1_epi16(static_cast<std::int16_t>(wo));
    __m256i a[8];
    for (int k = 0; k < 8; ++k) a[k] = _mm256_setzero_si256();
    for (; i + 16 <= n; i += 16) {
        const __m256i xv = _mm256_add_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), xo16);
        for (int k = 0; k < 8; ++k) {
            __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + k * w_stride + i)));
            if (wo != 0) wv = _mm256_add_epi16(wv, wo16);
            a[k] = _mm256_add_epi32(a[k], _mm256_madd_epi16(xv, wv));
        }
    }
    __m256i sums = reduce8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    if (i < n) {
        alignas(32) std::int32_t tail[8];
        for (int k = 0; k < 8; ++k) {
            std::int32_t t = 0;
            for (int j = i; j < n; ++j) t += (x[j] + xo) * (w[k * w_stride + j] + wo);
            tail[k] = t;
        }
        sums = _mm256_add_epi32(sums, _mm256_load_si256(reinterpret_cast<const __m256i*>(tail)));
    }
    return sums;
#endif
}

/// TFLite's double-rounding requantization of eight lanes, each with its own multiplier and
/// shift, then + output_offset and the clamp; returns the eight int8 in the low 8 bytes.
NERVE_ALWAYS_INLINE std::uint64_t requantize8(__m256i acc, __m256i mult, __m256i shift, std::int32_t output_offset,
                                              std::int32_t act_min, std::int32_t act_max) noexcept {
    const __m256i zero = _mm256_setzero_si256();
    const __m256i left = _mm256_max_epi32(shift, zero);
    const __m256i right = _mm256_max_epi32(_mm256_sub_epi32(zero, shift), zero);
    const __m256i x = _mm256_sllv_epi32(acc, left);  // wraps, as TFLite's x * (1 << left)
    // SaturatingRoundingDoublingHighMul = floor((x m + 2^30) / 2^31): 64-bit products of the even
    // and the odd lanes, bits 31..62 of each sum (the low 32 bits of a logical shift by 31).
    const __m256i nudge = _mm256_set1_epi64x(std::int64_t{1} << 30);
    const __m256i pe = _mm256_add_epi64(_mm256_mul_epi32(x, mult), nudge);
    const __m256i po = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), _mm256_srli_epi64(mult, 32)), nudge);
    const __m256i he = _mm256_srli_epi64(pe, 31);                     // result in the even dwords
    const __m256i ho = _mm256_slli_epi64(_mm256_srli_epi64(po, 31), 32);  // result moved to the odd dwords
    __m256i h = _mm256_blend_epi32(he, ho, 0xAA);
    // the one overflow: INT32_MIN * INT32_MIN saturates to INT32_MAX
    const __m256i minv = _mm256_set1_epi32(static_cast<std::int32_t>(0x80000000u));
    const __m256i ovf = _mm256_and_si256(_mm256_cmpeq_epi32(x, minv), _mm256_cmpeq_epi32(mult, minv));
    h = _mm256_blendv_epi8(h, _mm256_set1_epi32(0x7FFFFFFF), ovf);
    // RoundingDivideByPOT(h, right): ties away from zero
    const __m256i one = _mm256_set1_epi32(1);
    const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, right), one);
    const __m256i remainder = _mm256_and_si256(h, mask);
    const __m256i neg = _mm256_cmpgt_epi32(zero, h);  // -1 where h < 0
    const __m256i threshold = _mm256_sub_epi32(_mm256_srli_epi32(mask, 1), neg);
    __m256i r = _mm256_srav_epi32(h, right);
    r = _mm256_sub_epi32(r, _mm256_cmpgt_epi32(remainder, threshold));
    r = _mm256_add_epi32(r, _mm256_set1_epi32(output_offset));
    r = _mm256_max_epi32(r, _mm256_set1_epi32(act_min));
    r = _mm256_min_epi32(r, _mm256_set1_epi32(act_max));
    // 8 x int32 in [-128, 127] -> 8 bytes
    const __m128i lo = _mm256_castsi256_si128(r), hi = _mm256_extracti128_si256(r, 1);
    const __m128i w16 = _mm_packs_epi32(lo, hi);
    const __m128i b8 = _mm_packs_epi16(w16, w16);
    return static_cast<std::uint64_t>(_mm_cvtsi128_si64(b8));
}

/// Requantizes eight accumulators and stores eight int8: per-channel arrays (8 entries at the
/// pointers) or, when they are null, one per-tensor multiplier and shift.
template <rounding R>
NERVE_ALWAYS_INLINE void store_requantized8(__m256i acc, const std::int32_t* mult, const std::int32_t* shift,
                                            std::int32_t tensor_mult, int tensor_shift, std::int32_t output_offset,
                                            std::int32_t act_min, std::int32_t act_max, std::int8_t* out) noexcept {
    if constexpr (R == rounding::double_rounding) {
        const __m256i m = mult ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(mult)) : _mm256_set1_epi32(tensor_mult);
        const __m256i sh = shift ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift)) : _mm256_set1_epi32(tensor_shift);
        const std::uint64_t b = requantize8(acc, m, sh, output_offset, act_min, act_max);
        std::memcpy(out, &b, 8);
    } else {
        alignas(32) std::int32_t a[8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(a), acc);
        for (int k = 0; k < 8; ++k)
            out[k] = requantize<R>(a[k], mult ? mult[k] : tensor_mult, shift ? static_cast<int>(shift[k]) : tensor_shift,
                                   output_offset, act_min, act_max);
    }
}

}  // namespace nerve::infer::detail

#else
namespace nerve::infer::detail {
inline constexpr bool has_block8 = false;
}  // namespace nerve::infer::detail
#endif
