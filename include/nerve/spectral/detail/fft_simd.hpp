// nerve/spectral/detail/fft_simd.hpp — the SIMD float FFT (xsimd; AVX/AVX2+FMA, SSE2, NEON).
//
// Complex FFT of size L = W*M with W = SIMD width in floats (8 for AVX, 4 for SSE/NEON),
// a "four-step" FFT whose only data reorganisation is one W x W register transpose:
//   z[W*n2 + n1]: vector n2 holds lanes n1 = 0..W-1, i.e. the input in natural order.
//   A) W independent M-point DFTs over n2, one per lane: a Stockham radix-4 autosort on
//      whole vectors (vertical arithmetic only, broadcast twiddles, no bit reversal).
//   B) multiply A[k2] lane n1 by W_L^(n1*k2)                 (vector twiddle table)
//   C) W-point DFT across lanes: transpose W vectors k2 = W*g + r, run a radix-W butterfly
//      vertically; output vector k1 holds X[k2 + M*k1] for W consecutive k2: contiguous.
// Complex data inside is split (separate re / im float arrays), so every butterfly and
// twiddle product is plain vertical SIMD. Interleaved <-> split conversion is fused into
// the first pass (load) and the last pass (store); the lane permutation that AVX's in-lane
// shuffles leave behind is absorbed into the twiddle tables and register naming (free).
//
// Tables are static constexpr per size (computed by detail/trig.hpp at compile time).
// Used for float when NERVE_HAS_XSIMD and L >= W*W; the scalar kernel covers the rest and
// is tested against this one.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "../../config.hpp"
#include "../../core/simd_fma.hpp"
#include "../../core/simd_transpose.hpp"
#include "trig.hpp"

#if NERVE_HAS_XSIMD && (defined(__AVX__) || defined(__SSE2__) || defined(__ARM_NEON) || defined(__aarch64__))
#include <xsimd/xsimd.hpp>
#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NERVE_FFT_SIMD 1
#define NERVE_FFT_SIMD_AVX 1
#elif defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#define NERVE_FFT_SIMD 1
#define NERVE_FFT_SIMD_SSE 1
#else
#include <arm_neon.h>
#define NERVE_FFT_SIMD 1
#define NERVE_FFT_SIMD_NEON 1
#endif
#else
#define NERVE_FFT_SIMD 0
#endif

#if NERVE_FFT_SIMD
#ifndef NERVE_FFT_SIMD_RADIX8
#define NERVE_FFT_SIMD_RADIX8 1
#endif
namespace nerve::spectral::detail {

// ---------------------------------------------------------------------------------------
// Per-architecture register shuffles. Everything else is xsimd vertical arithmetic.
// in_perm[j]:  which complex (of W consecutive) lands in lane j after deinterleave().
// out_perm[j]: at which position (of W consecutive) lane j is stored by interleave().
// ---------------------------------------------------------------------------------------
#if NERVE_FFT_SIMD_AVX
struct simd_ops {
    using arch = xsimd::fma3<xsimd::avx2>;
    using V = xsimd::batch<float, arch>;
    static constexpr std::size_t W = 8;
    static constexpr std::array<std::size_t, 8> in_perm{0, 1, 4, 5, 2, 3, 6, 7};
    static constexpr std::array<std::size_t, 8> out_perm{0, 1, 4, 5, 2, 3, 6, 7};

    // p: 8 interleaved complex. re/im lanes in in_perm order.
    static NERVE_ALWAYS_INLINE void deinterleave(const float* p, V& re, V& im) noexcept {
        const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
        re = _mm256_shuffle_ps(a, b, 0x88);
        im = _mm256_shuffle_ps(a, b, 0xDD);
    }
    static NERVE_ALWAYS_INLINE void deinterleave_natural(const float* p, V& re, V& im) noexcept {
        const __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
        const __m256 r = _mm256_shuffle_ps(a, b, 0x88), i = _mm256_shuffle_ps(a, b, 0xDD);
        re = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(r), 0xD8));
        im = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(i), 0xD8));
    }
    // Stores lane j at complex position out_perm[j].
    static NERVE_ALWAYS_INLINE void interleave(float* p, V re, V im) noexcept {
        _mm256_storeu_ps(p, _mm256_unpacklo_ps(re, im));
        _mm256_storeu_ps(p + 8, _mm256_unpackhi_ps(re, im));
    }
    static NERVE_ALWAYS_INLINE void interleave_natural(float* p, V re, V im) noexcept {
        const __m256 lo = _mm256_unpacklo_ps(re, im), hi = _mm256_unpackhi_ps(re, im);
        _mm256_storeu_ps(p, _mm256_permute2f128_ps(lo, hi, 0x20));
        _mm256_storeu_ps(p + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    }
    // Natural lane order -> in_perm order (the permutation is an involution).
    static NERVE_ALWAYS_INLINE V to_in_perm(V v) noexcept {
        return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(v), 0xD8));
    }
    static NERVE_ALWAYS_INLINE V reverse(V v) noexcept {
        return _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0));
    }
    // Real split pass on a buffer whose 8-blocks are in out_perm order: from the unaligned
    // load at L - k0 - 7, lane j gets Z[L - k0 - out_perm[j]] (see real_fft.hpp).
    static NERVE_ALWAYS_INLINE V mirror(V v) noexcept {
        return _mm256_permutevar8x32_ps(v, _mm256_setr_epi32(7, 6, 1, 4, 5, 2, 3, 0));
    }
};
#elif NERVE_FFT_SIMD_SSE
struct simd_ops {
    using arch = xsimd::sse2;
    using V = xsimd::batch<float, arch>;
    static constexpr std::size_t W = 4;
    static constexpr std::array<std::size_t, 4> in_perm{0, 1, 2, 3};
    static constexpr std::array<std::size_t, 4> out_perm{0, 1, 2, 3};
    static NERVE_ALWAYS_INLINE void deinterleave(const float* p, V& re, V& im) noexcept {
        const __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4);
        re = _mm_shuffle_ps(a, b, 0x88);
        im = _mm_shuffle_ps(a, b, 0xDD);
    }
    static NERVE_ALWAYS_INLINE void deinterleave_natural(const float* p, V& re, V& im) noexcept {
        deinterleave(p, re, im);
    }
    static NERVE_ALWAYS_INLINE void interleave(float* p, V re, V im) noexcept {
        _mm_storeu_ps(p, _mm_unpacklo_ps(re, im));
        _mm_storeu_ps(p + 4, _mm_unpackhi_ps(re, im));
    }
    static NERVE_ALWAYS_INLINE void interleave_natural(float* p, V re, V im) noexcept { interleave(p, re, im); }
    static NERVE_ALWAYS_INLINE V to_in_perm(V v) noexcept { return v; }
    static NERVE_ALWAYS_INLINE V reverse(V v) noexcept { return _mm_shuffle_ps(v, v, 0x1B); }
    static NERVE_ALWAYS_INLINE V mirror(V v) noexcept { return reverse(v); }
};
#else  // NEON
struct simd_ops {
#if defined(__aarch64__)
    using arch = xsimd::neon64;
#else
    using arch = xsimd::neon;
#endif
    using V = xsimd::batch<float, arch>;
    static constexpr std::size_t W = 4;
    static constexpr std::array<std::size_t, 4> in_perm{0, 1, 2, 3};
    static constexpr std::array<std::size_t, 4> out_perm{0, 1, 2, 3};
    static NERVE_ALWAYS_INLINE void deinterleave(const float* p, V& re, V& im) noexcept {
        const float32x4x2_t v = vld2q_f32(p);
        re = v.val[0];
        im = v.val[1];
    }
    static NERVE_ALWAYS_INLINE void deinterleave_natural(const float* p, V& re, V& im) noexcept {
        deinterleave(p, re, im);
    }
    static NERVE_ALWAYS_INLINE void interleave(float* p, V re, V im) noexcept {
        float32x4x2_t v;
        v.val[0] = re;
        v.val[1] = im;
        vst2q_f32(p, v);
    }
    static NERVE_ALWAYS_INLINE void interleave_natural(float* p, V re, V im) noexcept { interleave(p, re, im); }
    static NERVE_ALWAYS_INLINE V to_in_perm(V v) noexcept { return v; }
    static NERVE_ALWAYS_INLINE V reverse(V v) noexcept {
        const float32x4_t r = vrev64q_f32(v);
        return vextq_f32(r, r, 2);  // the halves swapped: one EXT (vcombine of the halves: a DUP and an INS)
    }
    static NERVE_ALWAYS_INLINE V mirror(V v) noexcept { return reverse(v); }
};
#endif

using simd_v = simd_ops::V;
inline constexpr std::size_t simd_w = simd_ops::W;

/// True when the SIMD kernel handles a complex float FFT of size L.
template <std::size_t L>
inline constexpr bool simd_fft_supported = is_pow2(L) && L >= simd_w * simd_w;

// ---------------------------------------------------------------------------------------
// Tables.
// ---------------------------------------------------------------------------------------
template <std::size_t L>
struct simd_fft_tables {
    static constexpr std::size_t W = simd_w;
    static constexpr std::size_t M = L / W;
    static constexpr std::size_t SC = M;  // stage twiddles W_M^j, j < 7M/8 (radix-8 passes)

    static constexpr std::array<float, 2 * SC> make_stage() {
        std::array<float, 2 * SC> t{};
        const circle<M> c{};
        for (std::size_t j = 0; j < SC; ++j) {
            const cos_sin cs = c(static_cast<std::int64_t>(j));
            t[2 * j] = static_cast<float>(cs.c);
            t[2 * j + 1] = static_cast<float>(-cs.s);
        }
        return t;
    }
    // Step B: for each k2, W re then W im: lane j = W_L^(in_perm[j] * k2).
    static constexpr std::array<float, 2 * L> make_lane() {
        std::array<float, 2 * L> t{};
        const circle<L> c{};
        for (std::size_t k2 = 0; k2 < M; ++k2)
            for (std::size_t j = 0; j < W; ++j) {
                const cos_sin cs = c(static_cast<std::int64_t>(simd_ops::in_perm[j] * k2));
                t[2 * W * k2 + j] = static_cast<float>(cs.c);
                t[2 * W * k2 + W + j] = static_cast<float>(-cs.s);
            }
        return t;
    }
    alignas(64) static constexpr std::array<float, 2 * SC> stage = make_stage();
    alignas(64) static constexpr std::array<float, 2 * L> lane = make_lane();
};

// ---------------------------------------------------------------------------------------
// Kernel pieces.
// ---------------------------------------------------------------------------------------
template <bool Inv>
NERVE_ALWAYS_INLINE void cmul(simd_v& r, simd_v& i, simd_v wr, simd_v wi) noexcept {
    // (r + i i)(wr + i wi), conj(w) when Inv.
    const simd_v t = r;
    if constexpr (!Inv) {
        r = xsimd::fms(t, wr, i * wi);
        i = nerve::detail::fmadd(t, wi, i * wr);
    } else {
        r = nerve::detail::fmadd(t, wr, i * wi);
        i = xsimd::fms(i, wr, t * wi);
    }
}

// Split buffer: re at b[v*W ...], im at b[Cap + v*W ...] where Cap = capacity in floats.
struct split_ptr {
    float* re;
    float* im;
};
struct csplit_ptr {
    const float* re;
    const float* im;
};

/// Where a stage reads from: an internal split buffer (lanes already in in_perm order),
/// the user's interleaved complex input, or a split buffer in natural lane order.
enum class src_kind { buffer, interleaved, split_natural };

template <src_kind K>
NERVE_ALWAYS_INLINE void simd_load(const float* xin, csplit_ptr x, std::size_t v, simd_v& re, simd_v& im) noexcept {
    constexpr std::size_t W = simd_w;
    if constexpr (K == src_kind::interleaved) {
        simd_ops::deinterleave(xin + 2 * W * v, re, im);
    } else if constexpr (K == src_kind::split_natural) {
        re = simd_ops::to_in_perm(simd_v::load_aligned(x.re + W * v));
        im = simd_ops::to_in_perm(simd_v::load_aligned(x.im + W * v));
    } else {
        re = simd_v::load_aligned(x.re + W * v);
        im = simd_v::load_aligned(x.im + W * v);
    }
}

/// One radix-4 Stockham stage on vectors (n, s): X -> Y, twiddles W_M^(p*s*k).
template <bool Inv, src_kind K, std::size_t M, std::size_t n, std::size_t s>
NERVE_ALWAYS_INLINE void simd_radix4_stage(const float* xin, csplit_ptr x, split_ptr y, const float* tw) noexcept {
    constexpr std::size_t W = simd_w;
    constexpr std::size_t m = n / 4;
    auto load = [&](std::size_t v, simd_v& re, simd_v& im) { simd_load<K>(xin, x, v, re, im); };
    for (std::size_t p = 0; p < m; ++p) {
        // (p = 0 has unit twiddles: loaded, never multiplied.)
        const std::size_t j = p * s;
        const simd_v w1r(tw[2 * j]), w1i(tw[2 * j + 1]);
        const simd_v w2r(tw[4 * j]), w2i(tw[4 * j + 1]);
        const simd_v w3r(tw[6 * j]), w3i(tw[6 * j + 1]);
        for (std::size_t q = 0; q < s; ++q) {
            simd_v ar, ai, br, bi, cr, ci, dr, di;
            load(q + s * p, ar, ai);
            load(q + s * (p + m), br, bi);
            load(q + s * (p + 2 * m), cr, ci);
            load(q + s * (p + 3 * m), dr, di);
            const simd_v t0r = ar + cr, t0i = ai + ci;
            const simd_v t1r = ar - cr, t1i = ai - ci;
            const simd_v t2r = br + dr, t2i = bi + di;
            const simd_v t3r = Inv ? (di - bi) : (bi - di);
            const simd_v t3i = Inv ? (br - dr) : (dr - br);
            simd_v y0r = t0r + t2r, y0i = t0i + t2i;
            simd_v y1r = t1r + t3r, y1i = t1i + t3i;
            simd_v y2r = t0r - t2r, y2i = t0i - t2i;
            simd_v y3r = t1r - t3r, y3i = t1i - t3i;
            if (p != 0) {
                cmul<Inv>(y1r, y1i, w1r, w1i);
                cmul<Inv>(y2r, y2i, w2r, w2i);
                cmul<Inv>(y3r, y3i, w3r, w3i);
            }
            const std::size_t o = q + s * 4 * p;
            y0r.store_aligned(y.re + W * o);
            y0i.store_aligned(y.im + W * o);
            y1r.store_aligned(y.re + W * (o + s));
            y1i.store_aligned(y.im + W * (o + s));
            y2r.store_aligned(y.re + W * (o + 2 * s));
            y2i.store_aligned(y.im + W * (o + 2 * s));
            y3r.store_aligned(y.re + W * (o + 3 * s));
            y3i.store_aligned(y.im + W * (o + 3 * s));
        }
    }
}

/// Radix-2 last stage (n = 2, s = M/2), no twiddles.
template <src_kind K, std::size_t M>
NERVE_ALWAYS_INLINE void simd_radix2_stage(const float* xin, csplit_ptr x, split_ptr y) noexcept {
    constexpr std::size_t W = simd_w;
    constexpr std::size_t s = M / 2;
    for (std::size_t q = 0; q < s; ++q) {
        simd_v ar, ai, br, bi;
        simd_load<K>(xin, x, q, ar, ai);
        simd_load<K>(xin, x, q + s, br, bi);
        (ar + br).store_aligned(y.re + W * q);
        (ai + bi).store_aligned(y.im + W * q);
        (ar - br).store_aligned(y.re + W * (q + s));
        (ai - bi).store_aligned(y.im + W * (q + s));
    }
}

/// Step A: all stages. Returns (through `res`) which buffer holds the result.
/// Radix-4 DFT of four split vectors, in place (forward or inverse).
template <bool Inv>
NERVE_ALWAYS_INLINE void simd_dft4(simd_v& ar, simd_v& ai, simd_v& br, simd_v& bi, simd_v& cr, simd_v& ci, simd_v& dr,
                                   simd_v& di) noexcept {
    const simd_v t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
    const simd_v t2r = br + dr, t2i = bi + di;
    const simd_v t3r = Inv ? (di - bi) : (bi - di);
    const simd_v t3i = Inv ? (br - dr) : (dr - br);
    ar = t0r + t2r; ai = t0i + t2i;
    br = t1r + t3r; bi = t1i + t3i;
    cr = t0r - t2r; ci = t0i - t2i;
    dr = t1r - t3r; di = t1i - t3i;
}

/// Radix-8 DFT of r[0..8), i[0..8) (split vectors), in place; input index n, output k.
template <bool Inv>
NERVE_ALWAYS_INLINE void simd_dft8(simd_v* r, simd_v* i) noexcept {
    // E = DFT4(even), O = DFT4(odd); Y[k] = E[k] + W8^k O[k], Y[k+4] = E[k] - W8^k O[k].
    simd_v er[4] = {r[0], r[2], r[4], r[6]}, ei[4] = {i[0], i[2], i[4], i[6]};
    simd_v orr[4] = {r[1], r[3], r[5], r[7]}, oi[4] = {i[1], i[3], i[5], i[7]};
    simd_dft4<Inv>(er[0], ei[0], er[1], ei[1], er[2], ei[2], er[3], ei[3]);
    simd_dft4<Inv>(orr[0], oi[0], orr[1], oi[1], orr[2], oi[2], orr[3], oi[3]);
    const simd_v h(0.70710678118654752440f);
    // W8^1 (fwd: (1-i)/sqrt2, inv: (1+i)/sqrt2)
    simd_v o1r, o1i, o2r, o2i, o3r, o3i;
    if constexpr (!Inv) {
        o1r = (orr[1] + oi[1]) * h; o1i = (oi[1] - orr[1]) * h;
        o2r = oi[2]; o2i = -orr[2];
        o3r = (oi[3] - orr[3]) * h; o3i = -(orr[3] + oi[3]) * h;
    } else {
        o1r = (orr[1] - oi[1]) * h; o1i = (oi[1] + orr[1]) * h;
        o2r = -oi[2]; o2i = orr[2];
        o3r = -(orr[3] + oi[3]) * h; o3i = (orr[3] - oi[3]) * h;
    }
    r[0] = er[0] + orr[0]; i[0] = ei[0] + oi[0];
    r[4] = er[0] - orr[0]; i[4] = ei[0] - oi[0];
    r[1] = er[1] + o1r; i[1] = ei[1] + o1i;
    r[5] = er[1] - o1r; i[5] = ei[1] - o1i;
    r[2] = er[2] + o2r; i[2] = ei[2] + o2i;
    r[6] = er[2] - o2r; i[6] = ei[2] - o2i;
    r[3] = er[3] + o3r; i[3] = ei[3] + o3i;
    r[7] = er[3] - o3r; i[7] = ei[3] - o3i;
}

/// Radix-W DFT of v[0..W) (vectors, split), in place; input index = n1, output index = k1.
template <bool Inv>
NERVE_ALWAYS_INLINE void simd_dft_w(simd_v* r, simd_v* i) noexcept {
    if constexpr (simd_w == 4)
        simd_dft4<Inv>(r[0], i[0], r[1], i[1], r[2], i[2], r[3], i[3]);
    else
        simd_dft8<Inv>(r, i);
}

/// One radix-8 Stockham stage on vectors (n, s): X -> Y, twiddles W_M^(p*s*k), k < 8.
template <bool Inv, src_kind K, std::size_t M, std::size_t n, std::size_t s>
NERVE_ALWAYS_INLINE void simd_radix8_stage(const float* xin, csplit_ptr x, split_ptr y, const float* tw) noexcept {
    constexpr std::size_t W = simd_w;
    constexpr std::size_t m = n / 8;
    for (std::size_t p = 0; p < m; ++p) {
        for (std::size_t q = 0; q < s; ++q) {
            simd_v r[8], i[8];
            for (std::size_t k = 0; k < 8; ++k) simd_load<K>(xin, x, q + s * (p + k * m), r[k], i[k]);
            simd_dft8<Inv>(r, i);
            if (p != 0) {
                const std::size_t j = p * s;
                for (std::size_t k = 1; k < 8; ++k)
                    cmul<Inv>(r[k], i[k], simd_v(tw[2 * k * j]), simd_v(tw[2 * k * j + 1]));
            }
            const std::size_t o = q + s * 8 * p;
            for (std::size_t k = 0; k < 8; ++k) {
                r[k].store_aligned(y.re + W * (o + k * s));
                i[k].store_aligned(y.im + W * (o + k * s));
            }
        }
    }
}

/// Writes into a, then b, a, ...; `res` tells which holds the result. x must not be a.
template <bool Inv, src_kind K, std::size_t M, std::size_t n, std::size_t s>
NERVE_ALWAYS_INLINE void simd_stages(const float* xin, csplit_ptr x, split_ptr a, split_ptr b, const float* tw,
                                     split_ptr& res) noexcept {
    static_assert(n >= 2);
    if constexpr (n == 2) {
        simd_radix2_stage<K, M>(xin, x, a);
        res = a;
    } else if constexpr (n == 4) {
        simd_radix4_stage<Inv, K, M, n, s>(xin, x, a, tw);
        res = a;
    } else if constexpr (n == 8) {
        simd_radix8_stage<Inv, K, M, n, s>(xin, x, a, tw);
        res = a;
    } else if constexpr (ilog2(n) % 3 == 0 && NERVE_FFT_SIMD_RADIX8) {
        simd_radix8_stage<Inv, K, M, n, s>(xin, x, a, tw);
        simd_stages<Inv, src_kind::buffer, M, n / 8, s * 8>(nullptr, csplit_ptr{a.re, a.im}, b, a, tw, res);
    } else {
        simd_radix4_stage<Inv, K, M, n, s>(xin, x, a, tw);
        simd_stages<Inv, src_kind::buffer, M, n / 4, s * 4>(nullptr, csplit_ptr{a.re, a.im}, b, a, tw, res);
    }
}

enum class simd_out { interleaved, split };

/// Complex FFT of size L (float). Input: interleaved `xin` (K = interleaved) or the split
/// natural-order buffer `xs` (K = split_natural; xs must be b's storage). Output:
/// interleaved `out` (Out = interleaved) or split into whichever of a, b does not hold
/// step A's result (returned), each W-block in out_perm lane order (element W b + j holds
/// X[W b + out_perm[j]]). Multiplied by `scale` when Scale.
/// Buffers a, b: split, >= L floats per part, 64-byte aligned.
template <std::size_t L, bool Inv, src_kind K, simd_out Out, bool Scale>
split_ptr simd_fft(const float* xin, csplit_ptr xs, split_ptr a, split_ptr b, float* out, float scale) noexcept {
    using tabs = simd_fft_tables<L>;
    constexpr std::size_t W = simd_w;
    constexpr std::size_t M = L / W;
    split_ptr res{};
    simd_stages<Inv, K, M, M, 1>(xin, xs, a, b, tabs::stage.data(), res);
    const split_ptr ys = (res.re == a.re) ? b : a;
    const float* lt = tabs::lane.data();
    const simd_v sc(scale);
    for (std::size_t g = 0; g < M / W; ++g) {
        simd_v r[W], i[W];
        for (std::size_t row = 0; row < W; ++row) {
            // Lane r of the outputs holds k2 = W g + out_perm[r]: interleave() then stores
            // natural order; the split output keeps that lane order within each W-block.
            const std::size_t k2 = W * g + simd_ops::out_perm[row];
            r[row] = simd_v::load_aligned(res.re + W * k2);
            i[row] = simd_v::load_aligned(res.im + W * k2);
            if (k2 != 0)
                cmul<Inv>(r[row], i[row], simd_v::load_aligned(lt + 2 * W * k2), simd_v::load_aligned(lt + 2 * W * k2 + W));
        }
        nerve::detail::transpose_in_registers(r);
        nerve::detail::transpose_in_registers(i);
        // Row j now holds n1 = in_perm[j]; order rows by n1 for the butterfly.
        simd_v br[W], bi[W];
        for (std::size_t j = 0; j < W; ++j) {
            br[simd_ops::in_perm[j]] = r[j];
            bi[simd_ops::in_perm[j]] = i[j];
        }
        simd_dft_w<Inv>(br, bi);
        for (std::size_t k1 = 0; k1 < W; ++k1) {
            simd_v yr = br[k1], yi = bi[k1];
            if constexpr (Scale) {
                yr = yr * sc;
                yi = yi * sc;
            }
            const std::size_t pos = W * g + M * k1;
            if constexpr (Out == simd_out::interleaved) {
                simd_ops::interleave(out + 2 * pos, yr, yi);
            } else {
                yr.store_aligned(ys.re + pos);
                yi.store_aligned(ys.im + pos);
            }
        }
    }
    return ys;
}

}  // namespace nerve::spectral::detail
#endif  // NERVE_FFT_SIMD
