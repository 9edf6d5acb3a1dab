// nerve/core/simd_transpose.hpp — a W x W float transpose in registers, one per vector
// instruction set: afterwards r[n] lane j is what r[j] lane n was.
//
// Three kernels move data between "one vector per row" and "one vector per column": the
// biquad's time-segment engine (W segments into W lanes and back), the FFT's four-step
// W-point DFT across lanes, and the polyphase interpolator's / resampler's tile copies. They
// share these transposes instead of keeping one each.
//
// transpose_in_registers(r) takes an array of W registers, native (__m512, __m256, __m128,
// float32x4_t) or xsimd float batches of the same width, which convert both ways; the extent
// and the register width pick the kernel. Where the target has none for a width, no overload
// matches (callers test with a requires-expression and fall back to their own shuffles); on
// targets without vector registers (the Cortex-M4) the name is not declared at all, so only
// SIMD code may name it.
// A transpose only moves values: the bits are the same in any order of the shuffles.
#pragma once

#include <type_traits>

#include "../config.hpp"
#include "static_for.hpp"

#if defined(__SSE__) || defined(__AVX__)
#include <immintrin.h>
#elif defined(__ARM_NEON) || defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace nerve::detail {

NERVE_GCC_INTRINSICS_BEGIN  // see config.hpp

#if defined(__AVX512F__)
/// 16 x 16 floats: in-lane unpacks of row pairs (ps), then of pairs of pairs (pd), then two
/// rounds of 128-bit block shuffles. 64 shuffles, half of them within 128-bit lanes (against
/// 64 two-source permutes for zip rounds).
template <class V>
    requires std::is_convertible_v<const V&, __m512>
NERVE_ALWAYS_INLINE void transpose_in_registers(V (&r)[16]) noexcept {
    __m512 t[16];
    static_for<8>([&](auto i) NERVE_INLINE_LAMBDA {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    });
    __m512 u[16];  // u[4i + m], block q: rows 4i .. 4i+3 of column 4q + m
    static_for<4>([&](auto i) NERVE_INLINE_LAMBDA {
        const __m512d a0 = _mm512_castps_pd(t[4 * i]), a1 = _mm512_castps_pd(t[4 * i + 1]);
        const __m512d a2 = _mm512_castps_pd(t[4 * i + 2]), a3 = _mm512_castps_pd(t[4 * i + 3]);
        u[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a0, a2));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a0, a2));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(a1, a3));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(a1, a3));
    });
    static_for<4>([&](auto m) NERVE_INLINE_LAMBDA {
        const __m512 wl = _mm512_shuffle_f32x4(u[m], u[4 + m], 0x88), wh = _mm512_shuffle_f32x4(u[m], u[4 + m], 0xDD);
        const __m512 yl = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0x88);
        const __m512 yh = _mm512_shuffle_f32x4(u[8 + m], u[12 + m], 0xDD);
        r[m] = V(_mm512_shuffle_f32x4(wl, yl, 0x88));       // column m
        r[4 + m] = V(_mm512_shuffle_f32x4(wh, yh, 0x88));   // column 4 + m
        r[8 + m] = V(_mm512_shuffle_f32x4(wl, yl, 0xDD));   // column 8 + m
        r[12 + m] = V(_mm512_shuffle_f32x4(wh, yh, 0xDD));  // column 12 + m
    });
}
#endif

#if defined(__AVX__)
/// 8 x 8 floats: in-lane unpacks, in-lane shuffles, then 128-bit half swaps (24 shuffles).
template <class V>
    requires std::is_convertible_v<const V&, __m256>
NERVE_ALWAYS_INLINE void transpose_in_registers(V (&r)[8]) noexcept {
    __m256 t[8], u[8];
    static_for<4>([&](auto i) NERVE_INLINE_LAMBDA {
        t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    });
    static_for<2>([&](auto h) NERVE_INLINE_LAMBDA {  // u[4h + m] half q: rows 4h .. 4h+3 of column 4q + m
        u[4 * h] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
        u[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
        u[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
        u[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
    });
    static_for<4>([&](auto m) NERVE_INLINE_LAMBDA {
        r[m] = V(_mm256_permute2f128_ps(u[m], u[4 + m], 0x20));
        r[4 + m] = V(_mm256_permute2f128_ps(u[m], u[4 + m], 0x31));
    });
}
#endif

#if defined(__SSE__)
/// 4 x 4 floats: unpacks, then low/high half moves (8 shuffles).
template <class V>
    requires std::is_convertible_v<const V&, __m128>
NERVE_ALWAYS_INLINE void transpose_in_registers(V (&r)[4]) noexcept {
    const __m128 t0 = _mm_unpacklo_ps(r[0], r[1]), t1 = _mm_unpacklo_ps(r[2], r[3]);
    const __m128 t2 = _mm_unpackhi_ps(r[0], r[1]), t3 = _mm_unpackhi_ps(r[2], r[3]);
    r[0] = V(_mm_movelh_ps(t0, t1));
    r[1] = V(_mm_movehl_ps(t1, t0));
    r[2] = V(_mm_movelh_ps(t2, t3));
    r[3] = V(_mm_movehl_ps(t3, t2));
}
#elif defined(__ARM_NEON) || defined(__aarch64__)
/// 4 x 4 floats: TRN1/TRN2 on 32-bit lanes, then on 64-bit halves (8 instructions).
template <class V>
    requires std::is_convertible_v<const V&, float32x4_t>
NERVE_ALWAYS_INLINE void transpose_in_registers(V (&r)[4]) noexcept {
    const float32x4x2_t t01 = vtrnq_f32(r[0], r[1]), t23 = vtrnq_f32(r[2], r[3]);
#if defined(__aarch64__)
    // The 64-bit halves by TRN1/TRN2 .2D: GCC 12 makes each vcombine of two halves below a
    // lane move and an insert (12 instructions for the transpose instead of 8).
    auto lo = [](float32x4_t a, float32x4_t b) {
        return vreinterpretq_f32_f64(vtrn1q_f64(vreinterpretq_f64_f32(a), vreinterpretq_f64_f32(b)));
    };
    auto hi = [](float32x4_t a, float32x4_t b) {
        return vreinterpretq_f32_f64(vtrn2q_f64(vreinterpretq_f64_f32(a), vreinterpretq_f64_f32(b)));
    };
    r[0] = V(lo(t01.val[0], t23.val[0]));
    r[1] = V(lo(t01.val[1], t23.val[1]));
    r[2] = V(hi(t01.val[0], t23.val[0]));
    r[3] = V(hi(t01.val[1], t23.val[1]));
#else
    r[0] = V(vcombine_f32(vget_low_f32(t01.val[0]), vget_low_f32(t23.val[0])));
    r[1] = V(vcombine_f32(vget_low_f32(t01.val[1]), vget_low_f32(t23.val[1])));
    r[2] = V(vcombine_f32(vget_high_f32(t01.val[0]), vget_high_f32(t23.val[0])));
    r[3] = V(vcombine_f32(vget_high_f32(t01.val[1]), vget_high_f32(t23.val[1])));
#endif
}
#endif

NERVE_GCC_INTRINSICS_END

}  // namespace nerve::detail
