// nerve/infer/detail/int8_dot.hpp — the one inner loop of every int8 layer with weights.
//
//   acc[k] += sum_{i < n} (x[i] + x_offset) * (w[k * w_stride + i] + w_offset),   k < K
//
// K output channels share one pass over the input, so the input is loaded and widened once per
// K weight rows. Every path computes the exact integer sum (no rounding anywhere; int32 cannot
// overflow for n < 33000 since |(x + xo)(w + wo)| <= 255 * 255), so all paths are bit-identical
// to the scalar one by construction and tested so on every target:
//   - x86: AVX-512BW (with VNNI's vpdpwssd when present), AVX2, SSE2 — int8 widened to int16,
//     offsets added in int16, pmaddwd (two MACs into one int32 lane);
//   - aarch64 NEON: widen to int16, vmlal_s16 (four MACs per instruction);
//   - Cortex-M4/M7 DSP extension: SXTAB16 widens two bytes and adds the offset in one
//     instruction, SMLAD does two MACs (ACLE intrinsics, __ARM_FEATURE_DSP);
//   - scalar everywhere else (and always compiled: dot_int8_scalar).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../config.hpp"

#if defined(__AVX2__) || defined(__SSE2__)
#include <immintrin.h>
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#endif
#if defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
#include <arm_acle.h>
#endif

namespace nerve::infer::detail {

template <int K>
NERVE_ALWAYS_INLINE void dot_int8_scalar(const std::int8_t* x, const std::int8_t* w, std::ptrdiff_t w_stride, int n,
                                         std::int32_t x_offset, std::int32_t w_offset, std::int32_t* acc) noexcept {
    for (int k = 0; k < K; ++k) {
        const std::int8_t* wk = w + k * w_stride;
        std::int32_t s = 0;
        for (int i = 0; i < n; ++i) s += (static_cast<std::int32_t>(x[i]) + x_offset) * (static_cast<std::int32_t>(wk[i]) + w_offset);
        acc[k] += s;
    }
}

#if defined(__SSE2__)
NERVE_ALWAYS_INLINE std::int32_t hsum_epi32(__m128i v) noexcept {
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0x4E));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 0xB1));
    return _mm_cvtsi128_si32(v);
}
/// 8 int8 -> 8 int16 (SSE2 has no pmovsxbw: interleave with itself and shift arithmetically).
NERVE_ALWAYS_INLINE __m128i widen8_sse2(const std::int8_t* p) noexcept {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
}
#endif
#if defined(__AVX2__)
NERVE_ALWAYS_INLINE std::int32_t hsum_epi32(__m256i v) noexcept {
    return hsum_epi32(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}
#endif

#if defined(__ARM_FEATURE_DSP) && !defined(__aarch64__)
// Cortex-M4/M7 DSP extension. A word of four int8 [b3 b2 b1 b0] splits into the halfword pairs
// SXTB16(v) = (b0, b2) and SXTB16(v ror 8) = (b1, b3); SXTAB16 does the same and adds the input
// offset to both halves in the same instruction. Both operands are split the same way, so two
// SMLADs cover the word's four products exactly once. Written with explicit variables (arrays of
// accumulators end up on the stack) and two words per iteration.
NERVE_ALWAYS_INLINE std::uint32_t load_u32(const std::int8_t* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);  // one LDR: the M4 handles unaligned word loads
    return v;
}
NERVE_ALWAYS_INLINE std::int32_t ror8(std::uint32_t v) noexcept { return static_cast<std::int32_t>((v >> 8) | (v << 24)); }
/// a + the four products of one input word, already split with its offset into the halfword
/// pairs t = SXTAB16(xo2, x) and x13 = SXTAB16(xo2, x ror 8), and one weight word v: two SMLADs.
NERVE_ALWAYS_INLINE std::int32_t smlad_word(std::int32_t t, std::int32_t x13, std::uint32_t v, std::int32_t a) noexcept {
    a = __smlad(t, __sxtb16(static_cast<std::int32_t>(v)), a);
    return __smlad(x13, __sxtb16(ror8(v)), a);
}

/// acc[0..3] += dot over n (a multiple of 4, > 0) of x + x_offset with four weight rows, w_offset 0.
/// Out of line: the loop needs 14 registers (4 accumulators, 6 pointers/constants, 4 temporaries),
/// which only a function of its own can give it. Per 4 inputs: LDR + 2 SXTAB16 for the input,
/// then per row LDR + 2 SXTB16 (one with the rotation folded in) + 2 SMLAD. Thumb-2 inline asm
/// where config.hpp allows it (NERVE_ARM_V7EM_ASM: GCC), else the same operations as intrinsics.
#if defined(__GNUC__)
__attribute__((noinline))
#endif
inline void dsp_dot4(const std::int8_t* x, const std::int8_t* w, std::ptrdiff_t w_stride, int n, std::int32_t x_offset,
                     std::int32_t* acc) noexcept {
    const std::int32_t xo2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(x_offset) & 0xFFFFu) * 0x10001u);
    const std::int8_t* const end = x + n;
    std::int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
#if NERVE_ARM_V7EM_ASM
    const std::int8_t* w2 = w + 2 * w_stride;
    std::uint32_t t, x13, v, u;
    __asm__ volatile(
        "1:\n\t"
        "ldr     %[t], [%[x]], #4\n\t"
        "sxtab16 %[x13], %[xo2], %[t], ror #8\n\t"
        "sxtab16 %[t], %[xo2], %[t]\n\t"
        "ldr     %[v], [%[w], %[s]]\n\t"
        "sxtb16  %[u], %[v]\n\t"
        "smlad   %[a1], %[t], %[u], %[a1]\n\t"
        "sxtb16  %[v], %[v], ror #8\n\t"
        "smlad   %[a1], %[x13], %[v], %[a1]\n\t"
        "ldr     %[v], [%[w2], %[s]]\n\t"
        "sxtb16  %[u], %[v]\n\t"
        "smlad   %[a3], %[t], %[u], %[a3]\n\t"
        "sxtb16  %[v], %[v], ror #8\n\t"
        "smlad   %[a3], %[x13], %[v], %[a3]\n\t"
        "ldr     %[v], [%[w2]], #4\n\t"
        "sxtb16  %[u], %[v]\n\t"
        "smlad   %[a2], %[t], %[u], %[a2]\n\t"
        "sxtb16  %[v], %[v], ror #8\n\t"
        "smlad   %[a2], %[x13], %[v], %[a2]\n\t"
        "ldr     %[v], [%[w]], #4\n\t"
        "sxtb16  %[u], %[v]\n\t"
        "smlad   %[a0], %[t], %[u], %[a0]\n\t"
        "sxtb16  %[v], %[v], ror #8\n\t"
        "smlad   %[a0], %[x13], %[v], %[a0]\n\t"
        "cmp     %[x], %[end]\n\t"
        "bne     1b\n\t"
        : [x] "+r"(x), [w] "+r"(w), [w2] "+r"(w2), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),
          [t] "=&r"(t), [x13] "=&r"(x13), [v] "=&r"(v), [u] "=&r"(u)
        : [end] "r"(end), [xo2] "r"(xo2), [s] "r"(w_stride)
        : "cc", "memory");
#else
    // The same operations as ACLE intrinsics, for compilers that cannot allocate the asm's 14
    // registers (clang: "inline assembly requires more registers than available").
    while (x != end) {
        const std::uint32_t xv = load_u32(x);
        x += 4;
        const std::int32_t t = __sxtab16(xo2, static_cast<std::int32_t>(xv)), x13 = __sxtab16(xo2, ror8(xv));
        a0 = smlad_word(t, x13, load_u32(w), a0);
        a1 = smlad_word(t, x13, load_u32(w + w_stride), a1);
        a2 = smlad_word(t, x13, load_u32(w + 2 * w_stride), a2);
        a3 = smlad_word(t, x13, load_u32(w + 3 * w_stride), a3);
        w += 4;
    }
#endif
    acc[0] = a0; acc[1] = a1; acc[2] = a2; acc[3] = a3;
}

inline void dsp_dot1(const std::int8_t* x, const std::int8_t* w, int n, std::int32_t x_offset, std::int32_t* acc) noexcept {
    const std::int32_t xo2 = static_cast<std::int32_t>((static_cast<std::uint32_t>(x_offset) & 0xFFFFu) * 0x10001u);
    std::int32_t a = 0;
    const std::int8_t* const end = x + n;
    while (x != end) {
        const std::uint32_t xv = load_u32(x);
        const std::uint32_t v = load_u32(w);
        x += 4;
        w += 4;
        a = smlad_word(__sxtab16(xo2, static_cast<std::int32_t>(xv)), __sxtab16(xo2, ror8(xv)), v, a);
    }
    acc[0] += a;
}
#endif

/// The fastest path this target compiles. `w_offset` is 0 for TFLite int8 weights (symmetric),
/// which every SIMD path special-cases (one add fewer per weight vector).
template <int K>
NERVE_ALWAYS_INLINE void dot_int8(const std::int8_t* NERVE_RESTRICT x, const std::int8_t* NERVE_RESTRICT w,
                                  std::ptrdiff_t w_stride, int n, std::int32_t x_offset, std::int32_t w_offset,
                                  std::int32_t* NERVE_RESTRICT acc) noexcept {
    static_assert(K >= 1 && K <= 4);
    int i = 0;
#if defined(__AVX512BW__)
    {
        const __m512i xo = _mm512_set1_epi16(static_cast<std::int16_t>(x_offset));
        const __m512i wo = _mm512_set1_epi16(static_cast<std::int16_t>(w_offset));
        __m512i s[K];
        for (int k = 0; k < K; ++k) s[k] = _mm512_setzero_si512();
        for (; i + 32 <= n; i += 32) {
            const __m512i xv = _mm512_add_epi16(
                _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + i))), xo);
            for (int k = 0; k < K; ++k) {
                __m512i wv = _mm512_cvtepi8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k * w_stride + i)));
                if (w_offset != 0) wv = _mm512_add_epi16(wv, wo);
#if defined(__AVX512VNNI__)
                s[k] = _mm512_dpwssd_epi32(s[k], xv, wv);
#else
                s[k] = _mm512_add_epi32(s[k], _mm512_madd_epi16(xv, wv));
#endif
            }
        }
        // halves added with the zero-masking extract (the plain one's 'undefined' source trips GCC 12's
        // -Wmaybe-uninitialized), then the AVX2 horizontal sum
        for (int k = 0; k < K; ++k)
            acc[k] += hsum_epi32(_mm256_add_epi32(_mm512_maskz_extracti64x4_epi64(0xFF, s[k], 0), _mm512_maskz_extracti64x4_epi64(0xFF, s[k], 1)));
    }
#endif
#if defined(__AVX2__)
    if (i + 16 <= n) {
        const __m256i xo = _mm256_set1_epi16(static_cast<std::int16_t>(x_offset));
        const __m256i wo = _mm256_set1_epi16(static_cast<std::int16_t>(w_offset));
        __m256i s[K];
        for (int k = 0; k < K; ++k) s[k] = _mm256_setzero_si256();
        for (; i + 16 <= n; i += 16) {
            const __m256i xv = _mm256_add_epi16(
                _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), xo);
            for (int k = 0; k < K; ++k) {
                __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + k * w_stride + i)));
                if (w_offset != 0) wv = _mm256_add_epi16(wv, wo);
                s[k] = _mm256_add_epi32(s[k], _mm256_madd_epi16(xv, wv));
            }
        }
        for (int k = 0; k < K; ++k) acc[k] += hsum_epi32(s[k]);
    }
#elif defined(__SSE2__)
    if (i + 8 <= n) {
        const __m128i xo = _mm_set1_epi16(static_cast<std::int16_t>(x_offset));
        const __m128i wo = _mm_set1_epi16(static_cast<std::int16_t>(w_offset));
        __m128i s[K];
        for (int k = 0; k < K; ++k) s[k] = _mm_setzero_si128();
        for (; i + 8 <= n; i += 8) {
            const __m128i xv = _mm_add_epi16(widen8_sse2(x + i), xo);
            for (int k = 0; k < K; ++k) {
                __m128i wv = widen8_sse2(w + k * w_stride + i);
                if (w_offset != 0) wv = _mm_add_epi16(wv, wo);
                s[k] = _mm_add_epi32(s[k], _mm_madd_epi16(xv, wv));
            }
        }
        for (int k = 0; k < K; ++k) acc[k] += hsum_epi32(s[k]);
    }
#elif defined(__aarch64__) && defined(__ARM_NEON)
    if (i + 8 <= n) {
        const int16x8_t xo = vdupq_n_s16(static_cast<std::int16_t>(x_offset));
        const int16x8_t wo = vdupq_n_s16(static_cast<std::int16_t>(w_offset));
        int32x4_t s[K];
        for (int k = 0; k < K; ++k) s[k] = vdupq_n_s32(0);
        for (; i + 16 <= n; i += 16) {
            const int8x16_t xb = vld1q_s8(x + i);
            const int16x8_t xl = vaddq_s16(vmovl_s8(vget_low_s8(xb)), xo);
            const int16x8_t xh = vaddq_s16(vmovl_high_s8(xb), xo);
            for (int k = 0; k < K; ++k) {
                const int8x16_t wb = vld1q_s8(w + k * w_stride + i);
                int16x8_t wl = vmovl_s8(vget_low_s8(wb));
                int16x8_t wh = vmovl_high_s8(wb);
                if (w_offset != 0) { wl = vaddq_s16(wl, wo); wh = vaddq_s16(wh, wo); }
                s[k] = vmlal_s16(s[k], vget_low_s16(xl), vget_low_s16(wl));
                s[k] = vmlal_high_s16(s[k], xl, wl);
                s[k] = vmlal_s16(s[k], vget_low_s16(xh), vget_low_s16(wh));
                s[k] = vmlal_high_s16(s[k], xh, wh);
            }
        }
        for (; i + 8 <= n; i += 8) {
            const int16x8_t xv = vaddq_s16(vmovl_s8(vld1_s8(x + i)), xo);
            for (int k = 0; k < K; ++k) {
                int16x8_t wv = vmovl_s8(vld1_s8(w + k * w_stride + i));
                if (w_offset != 0) wv = vaddq_s16(wv, wo);
                s[k] = vmlal_s16(s[k], vget_low_s16(xv), vget_low_s16(wv));
                s[k] = vmlal_high_s16(s[k], xv, wv);
            }
        }
        for (int k = 0; k < K; ++k) acc[k] += vaddvq_s32(s[k]);
    }
#elif defined(__ARM_FEATURE_DSP)
    if (w_offset == 0 && i + 4 <= n) {
        if constexpr (K == 4) {
            dsp_dot4(x, w, w_stride, n & ~3, x_offset, acc);
            i = n & ~3;
        } else if constexpr (K == 1) {
            dsp_dot1(x, w, n & ~3, x_offset, acc);
            i = n & ~3;
        }
    }
#endif
    if (i < n) dot_int8_scalar<K>(x + i, w + i, w_stride, n - i, x_offset, w_offset, acc);
}

}  // namespace nerve::infer::detail
