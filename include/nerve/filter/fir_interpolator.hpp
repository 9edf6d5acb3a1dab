// nerve/filter/fir_interpolator.hpp — interpolating FIR (upsample by L, low-pass), polyphase.
//
// y[nL + p] = sum_i h[p + iL] x[n - i], exactly scipy.signal.upfirdn(h, x, up=L, down=1): the
// zero-stuffed samples are never multiplied; each input produces L outputs, output p using
// the sub-filter h[p], h[p+L], h[p+2L], ... (ceil(Taps/L) taps). Gain: as upfirdn, the taps are
// used as given, so for unity pass-band gain they must sum to L; the default constructor
// designs firwin_lowpass<Taps>(1/L) (Hamming) scaled by L.
//
// General operator: push(x, emit) calls emit L times. `process(in, out)` writes L * in.size()
// outputs; with SIMD (float/double) and L a power of two up to 16 it runs the interpolation
// kernel (detail::polyphase_fir::block_interp_simd: lanes = consecutive inputs, each window
// vector loaded once for all L sub-filters, the sums interleaved into whole output vectors;
// since stop 49, for L = 8 and 16 (NEON also 4), vectors of whole outputs instead: each FMA
// a broadcast sample times a vector of the sub-filters' taps, nothing to interleave (see
// interp_bcast; x8 / x16 with 64 taps 1.10-1.19 / 1.59-1.61 x on AVX-512, 1.29 / 2.70 x on AVX2),
// other L the polyphase block kernel shared with the resampler (block_simd: W outputs of one
// sub-filter per vector; with L <= 8 on AVX2/AVX-512 all sub-filters in one pass and the outputs
// interleaved into place by vector permutes, see below); both equal push() up to float
// summation order. Side by side on a Zen 5 (nerve_bench's interp/block, 4096-input blocks, three
// alternated runs of each build, fraction of fma_peak/xsimd of the same run): x4 with 64 taps
// 0.05 -> 0.86-0.90 of the peak on AVX-512 (85-91 M -> 1.45-1.56 G inputs/s) and 0.05-0.06 ->
// 0.83-0.88 on AVX2; x2 with 32 taps 0.22-0.23 -> 0.81-0.84 (AVX2 0.33-0.36 -> 0.89-0.93); x8
// with 64 taps 0.14-0.16 -> 0.60-0.70 (AVX2 0.25-0.28 -> 0.73-0.77). block_simd with the
// permutes and one pass for all sub-filters (stop 45; old and new builds alternated five
// times, medians of fma_peak/xsimd fractions, AVX-512 / AVX2): interpolation by 3, 48 taps 0.20
// -> 0.59 / 0.05 -> 0.59; resampler 3/2 0.17 -> 0.52 / 0.26 -> 0.57, 2/3 0.10 -> 0.39 / 0.17 ->
// 0.59 (see resampler.hpp). Arithmetic and bad input as nerve::filter::fir (NaN/Inf
// replaced by the last finite input and counted; fixed point accumulates in int64 and
// saturates). Fixed-point taps: the format's fraction bits plus one integer bit (q15 taps
// int32 Q15, q31 taps int64 Q31, range (-2, 2)), so the taps of a gain-L design, around 1,
// are each within 1/2 LSB of the design value; q15 outputs are the exactly rounded, saturated
// sums, and so are q31's: a sub-filter whose taps are below 1 with an L1 norm below 2 sums
// int32 taps exactly in int64 (one SMLAL per tap on a Cortex-M4); the others (e.g. the
// sub-filters of resample_poly's 3/2 design: centre tap 1.0006, L1 norms about 2.1) store each
// 33-bit tap as 2 hi + lo (hi = g >> 1 in int32, lo = g & 1) and form 2 sum(hi x) + sum(lo x)
// from two exact int64 sums, rounded without overflow (the bound is proved at
// poly_dot_q31_split); only a sub-filter with sum |hi| > 2^32 - K - 2 (taps' L1 norm near 4)
// falls back to guard bits, within one LSB. Checked against numpy integer arithmetic
// (tools/gen_golden_interp.py, tests/golden/interp_fixed.hpp: q15 and q31 bit-exact). Cortex-M4
// instructions per input (bench/mcu/interp_fixed.cpp, tools/mcu_icount.py, median of 30
// pushes), int32 taps -> full-precision guard-bit taps -> split/unrolled SMLAL kernels
// (detail/fir_m4.hpp q31_pair_sums): interpolator 48x4 q15 277 -> 268, q31 478 -> 275 -> 272
// (366 modelled cycles); resampler 3/2 q15 188 -> 171, q31 299 -> 466 -> 219 (604 -> 352 cycles).
// Float process() on a Cortex-M4F (polyphase_fir::block_m4f, detail::poly_block_m4f: 8 outputs of
// a sub-filter per pass, each sample loaded once): 48x4 226 -> 71.0 instructions, 503 -> 169
// modelled cycles per input over 256-input blocks (push() before); CMSIS-DSP's
// arm_fir_interpolate_f32: 129.9 / 253.9 (tools/mcu_cmsis_table.py). There push() sums in the
// kernel's order (poly_dot_chain), so process() and push() give the same bits, and shares the
// window among an input's L outputs: 226 -> 140 instructions, 503 -> 279 cycles.
// q31 interpolator process() (block_q31_interp: three inputs per pass sharing each tap load,
// detail::triple_outputs): 190.4 instructions, 234 modelled cycles per input over 256-input
// blocks, where CMSIS-DSP's arm_fir_interpolate_q31 takes 204.7 / 267.7 (tools/mcu_cmsis_table.py;
// it truncates instead of rounding, does not saturate, and needs taps below 1).
//
// detail::polyphase_fir<T, Len, L, M> is the engine shared with nerve::filter::resampler:
// integer-ratio L/M polyphase filtering of a Len-tap prototype.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <type_traits>

#include "../core/simd_transpose.hpp"
#include "fir.hpp"
#include "fir_design.hpp"

namespace nerve::filter {
namespace detail {

/// Polyphase tap type: float/double taps for float/double samples. Fixed point keeps the
/// format's fraction bits but one integer bit more than the sample (taps in (-2, 2): an
/// interpolation prototype scaled by L has taps around 1, e.g. resample_poly's centre tap
/// 1.0006), in a wider integer: q15 taps are int32 Q15, q31 taps int64 Q31. So every tap is
/// the design value rounded to the nearest LSB of the format (error <= 1/2 LSB), and only
/// taps outside (-2, 2) saturate.
template <class T>
struct poly_tap {
    using type = T;
};
template <>
struct poly_tap<q15> {
    using type = std::int32_t;
    static constexpr int frac = 15;
};
template <>
struct poly_tap<q31> {
    using type = std::int64_t;
    static constexpr int frac = 31;
};

/// Rounds a design tap to the polyphase tap of T: to nearest (half away from zero, like
/// nerve::from_double), saturated to +-(2^(frac+1) - 1) for fixed point; NaN -> 0.
template <class T>
constexpr typename poly_tap<T>::type quantize_poly_tap(double h) noexcept {
    if constexpr (std::is_floating_point_v<T>) {
        return static_cast<T>(h);
    } else {
        constexpr double lim = static_cast<double>((std::int64_t{1} << (poly_tap<T>::frac + 1)) - 1);
        if (!(h == h)) return 0;
        double s = h * static_cast<double>(std::int64_t{1} << poly_tap<T>::frac);
        s = s < 0 ? s - 0.5 : s + 0.5;
        s = s > lim ? lim : (s < -lim ? -lim : s);
        return static_cast<typename poly_tap<T>::type>(static_cast<std::int64_t>(s));
    }
}

/// Dot product of K polyphase taps g (reversed) with the window w (oldest first), rounded and
/// saturated to T. q15: exact int64 sum of int32 x int16 products, one rounding. q31: each
/// product (|tap| < 2^32, |x| <= 2^31, so < 2^63) shifted right by bit_width(K) + 1 guard bits
/// before the int64 sum (cannot overflow; the dropped bits are < K 2^(guard-31) output LSB).
template <class T, std::size_t K>
NERVE_ALWAYS_INLINE T poly_dot(const typename poly_tap<T>::type* NERVE_RESTRICT g, const T* NERVE_RESTRICT w) noexcept {
    if constexpr (std::is_floating_point_v<T>) {
        return fir_dot<T, K>(g, w, false);
    } else if constexpr (is_q15_v<T>) {
        std::int64_t acc = 0;
        NERVE_FIR_UNROLL(8)
        for (std::size_t j = 0; j < K; ++j) acc += static_cast<std::int64_t>(g[j]) * static_cast<std::int32_t>(w[j].raw);
        return q15::from_raw(nerve::detail::saturate<std::int16_t>((acc + (std::int64_t{1} << 14)) >> 15));
    } else {
        constexpr int guard = static_cast<int>(std::bit_width(K)) + 1;
        constexpr int sh = 31 - guard;
        static_assert(sh >= 1, "q31 polyphase dot product too long");
        std::int64_t acc = 0;
        NERVE_FIR_UNROLL(8)
        for (std::size_t j = 0; j < K; ++j) acc += (g[j] * static_cast<std::int64_t>(w[j].raw)) >> guard;
        return q31::from_raw(nerve::detail::saturate<std::int32_t>((acc + (std::int64_t{1} << (sh - 1))) >> sh));
    }
}

/// Float dot product in one fixed order: g[0] w[0] rounded, then one fused multiply-add per tap,
/// oldest sample first: the order of detail::poly_block_m4f (Cortex-M4F), so the polyphase
/// filters' push() there gives the block path's bits.
template <std::size_t K>
NERVE_ALWAYS_INLINE float poly_dot_chain(const float* NERVE_RESTRICT g, const float* NERVE_RESTRICT w) noexcept {
    float acc = g[0] * w[0];
    static_for<K - 1>([&](auto j) NERVE_INLINE_LAMBDA { acc = __builtin_fmaf(g[j + 1], w[j + 1], acc); });
    return acc;
}

/// q31 sub-filter (phase) whose taps all fit int32 (|h| < 1) and whose L1 norm is below 2 (sum |raw|
/// <= 2^32 - 1): then every product fits 62 bits and the int64 sum of K of them cannot overflow
/// (|sum| <= (2^32 - 1) 2^31 < 2^63), so it is summed exactly (one SMLAL per tap on a
/// Cortex-M4) and rounded once, like q15. The choice depends only on the taps, so every
/// target takes the same path.
template <std::size_t K>
NERVE_ALWAYS_INLINE q31 poly_dot_q31_exact(const std::int64_t* NERVE_RESTRICT g, const q31* NERVE_RESTRICT w) noexcept {
    std::int64_t acc = 0;
    NERVE_FIR_UNROLL(8)
    for (std::size_t j = 0; j < K; ++j)
        acc += static_cast<std::int64_t>(static_cast<std::int32_t>(g[j])) * static_cast<std::int64_t>(w[j].raw);
    return q31::from_raw(nerve::detail::saturate<std::int32_t>((acc + (std::int64_t{1} << 30)) >> 31));
}

/// q31 sub-filter with a tap >= 1 or an L1 norm >= 2 (resample_poly's gain-L prototypes): each
/// 33-bit tap g is stored split, g = 2 hi + lo with hi = g >> 1 (int32, arithmetic shift) and
/// lo = g & 1, interleaved {hi, lo} per tap (one LDRD on a Cortex-M4). Two int64 sums, both with
/// one SMLAL per tap: A = sum hi x, B = sum lo x; then sum g x = 2A + B and the rounded output
///   floor((2A + B + 2^30) / 2^31) = floor((A + floor((B + 2^30) / 2)) / 2^30)
/// (with B + 2^30 = 2q + b, b in {0, 1}: (2A + 2q + b) / 2^31 = (A + q + b/2) / 2^30, and adding
/// b/2 < 1 to the integer A + q cannot reach the next multiple of 2^30). So the result is the
/// exactly rounded sum, the same as poly_dot_q31_exact would give without overflow. Bounds, with
/// |x| <= 2^31: |hi| <= 2^31 (|g| < 2^32) so each product fits int64; |B| <= K 2^31; |A| <=
/// sum|hi| 2^31; set_taps takes this path only when sum|hi| <= 2^32 - K - 2, so |A + q| <=
/// (2^32 - K - 2) 2^31 + (K + 1) 2^30 < 2^63: no intermediate overflows (else the guard path).
template <std::size_t K>
NERVE_ALWAYS_INLINE q31 poly_dot_q31_split(const std::int32_t* NERVE_RESTRICT g, const q31* NERVE_RESTRICT w) noexcept {
    std::int64_t a, b;
    q31_pair_sums<K, true>(g, w, a, b);  // detail/fir_m4.hpp (an ARMv7E-M loop, else plain C++)
    return q31::from_raw(nerve::detail::saturate<std::int32_t>((a + ((b + (std::int64_t{1} << 30)) >> 1)) >> 30));
}

/// The same sum for a phase stored {g, 0} per tap (taps below 1, L1 norm below 2: see
/// poly_dot_q31_exact for the bound): one SMLAL per tap.
template <std::size_t K>
NERVE_ALWAYS_INLINE q31 poly_dot_q31_pairs_exact(const std::int32_t* NERVE_RESTRICT g, const q31* NERVE_RESTRICT w) noexcept {
    std::int64_t acc, unused;
    q31_pair_sums<K, false>(g, w, acc, unused);
    return q31::from_raw(nerve::detail::saturate<std::int32_t>((acc + (std::int64_t{1} << 30)) >> 31));
}

#if NERVE_HAS_XSIMD
NERVE_GCC_INTRINSICS_BEGIN
/// Interleaves two vectors: lo = a[0], b[0], a[1], b[1], ... (their first halves), hi = the same
/// of their second halves, across the whole register (xsimd 8.1's zip_lo/zip_hi stay inside
/// 128-bit lanes on AVX). x86 SSE2/AVX/AVX-512 and aarch64 NEON.
template <class T>
NERVE_ALWAYS_INLINE void zip_whole(const xsimd::batch<T>& a, const xsimd::batch<T>& b, xsimd::batch<T>& lo,
                                   xsimd::batch<T>& hi) noexcept {
    using batch = xsimd::batch<T>;
    constexpr bool f = std::is_same_v<T, float>;
#if defined(__AVX512F__)
    if constexpr (f) {
        const __m512i il = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        const __m512i ih = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        lo = batch(_mm512_permutex2var_ps(a, il, b));
        hi = batch(_mm512_permutex2var_ps(a, ih, b));
    } else {
        const __m512i il = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
        const __m512i ih = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
        lo = batch(_mm512_permutex2var_pd(a, il, b));
        hi = batch(_mm512_permutex2var_pd(a, ih, b));
    }
#elif defined(__AVX__)
    if constexpr (f) {
        const __m256 t0 = _mm256_unpacklo_ps(a, b), t1 = _mm256_unpackhi_ps(a, b);
        lo = batch(_mm256_permute2f128_ps(t0, t1, 0x20));
        hi = batch(_mm256_permute2f128_ps(t0, t1, 0x31));
    } else {
        const __m256d t0 = _mm256_unpacklo_pd(a, b), t1 = _mm256_unpackhi_pd(a, b);
        lo = batch(_mm256_permute2f128_pd(t0, t1, 0x20));
        hi = batch(_mm256_permute2f128_pd(t0, t1, 0x31));
    }
#elif defined(__SSE2__)
    if constexpr (f) {
        lo = batch(_mm_unpacklo_ps(a, b));
        hi = batch(_mm_unpackhi_ps(a, b));
    } else {
        lo = batch(_mm_unpacklo_pd(a, b));
        hi = batch(_mm_unpackhi_pd(a, b));
    }
#elif defined(__aarch64__)
    if constexpr (f) {
        lo = batch(vzip1q_f32(a, b));
        hi = batch(vzip2q_f32(a, b));
    } else {
        lo = batch(vzip1q_f64(a, b));
        hi = batch(vzip2q_f64(a, b));
    }
#else
    constexpr std::size_t W = batch::size;
    alignas(64) T va[W], vb[W], r[2 * W];
    a.store_aligned(va);
    b.store_aligned(vb);
    for (std::size_t l = 0; l < W; ++l) {
        r[2 * l] = va[l];
        r[2 * l + 1] = vb[l];
    }
    lo = batch::load_aligned(r);
    hi = batch::load_aligned(r + W);
#endif
}

/// L vectors (L a power of two) interleaved in registers: cur[i] lane t = element i W + t of
/// o[l L + p] = v[p][l], l < W. log2(L) rounds of zip_whole, each pairing stream p with stream
/// p + S / 2 of the S left (a perfect shuffle), L permutes per round: 8 per 4 x 16 floats on
/// AVX-512. With L = W it is a transpose: cur[i] lane p = v[p] lane i.
template <std::size_t L, class T>
NERVE_ALWAYS_INLINE void interleave_whole(const xsimd::batch<T> (&v)[L], xsimd::batch<T> (&cur)[L]) noexcept {
    using batch = xsimd::batch<T>;
    static_for<L>([&](auto p) NERVE_INLINE_LAMBDA { cur[p] = v[p]; });
    // round r: S = L >> r streams of nv = 1 << r vectors each, stream p at cur[p nv ..)
    static_for<std::bit_width(L) - 1>([&](auto r) NERVE_INLINE_LAMBDA {
        constexpr std::size_t S = L >> r, nv = std::size_t{1} << r;
        batch next[L];
        static_for<S / 2>([&](auto p) NERVE_INLINE_LAMBDA {
            static_for<nv>([&](auto k) NERVE_INLINE_LAMBDA {
                zip_whole<T>(cur[p * nv + k], cur[(p + S / 2) * nv + k], next[p * 2 * nv + 2 * k],
                             next[p * 2 * nv + 2 * k + 1]);
            });
        });
        static_for<L>([&](auto i) NERVE_INLINE_LAMBDA { cur[i] = next[i]; });
    });
}

/// Stores L vectors (L a power of two) interleaved: o[l L + p] = v[p][l], l < W.
template <std::size_t L, class T>
NERVE_ALWAYS_INLINE void store_interleaved(const xsimd::batch<T> (&v)[L], T* o) noexcept {
    xsimd::batch<T> cur[L];
    interleave_whole<L>(v, cur);
    static_for<L>([&](auto i) NERVE_INLINE_LAMBDA { cur[i].store_unaligned(o + i * xsimd::batch<T>::size); });
}

/// W x W transpose in registers: t[u] lane i = v[i] lane u. Floats by the target's shared
/// transpose (core/simd_transpose.hpp: unpacks and block shuffles, 64 instructions per 16 x 16
/// on AVX-512 against 64 two-source permutes for interleave_whole's zip rounds, 24 against 48
/// per 8 x 8 on AVX), the rest by interleave_whole.
template <class T>
NERVE_ALWAYS_INLINE void transpose_whole(const xsimd::batch<T> (&v)[xsimd::batch<T>::size],
                                         xsimd::batch<T> (&t)[xsimd::batch<T>::size]) noexcept {
    if constexpr (requires { nerve::detail::transpose_in_registers(t); }) {
        static_for<xsimd::batch<T>::size>([&](auto i) NERVE_INLINE_LAMBDA { t[i] = v[i]; });
        nerve::detail::transpose_in_registers(t);
    } else {
        interleave_whole<xsimd::batch<T>::size>(v, t);
    }
}

/// A W x W tile copied transposed: dst[u dst_stride + i] = src[i src_stride + u]. Source rows
/// i >= src_rows count as zeros (not read); only destination rows u < dst_rows are written.
template <class T>
NERVE_ALWAYS_INLINE void copy_tile_transposed(const T* src, std::size_t src_stride, std::size_t src_rows, T* dst,
                                              std::size_t dst_stride, std::size_t dst_rows) noexcept {
    using batch = xsimd::batch<T>;
    constexpr std::size_t W = batch::size;
    batch v[W], t[W];
    static_for<W>([&](auto i) NERVE_INLINE_LAMBDA {
        v[i] = i < src_rows ? batch::load_unaligned(src + i * src_stride) : batch(T(0));
    });
    transpose_whole<T>(v, t);
    static_for<W>([&](auto u) NERVE_INLINE_LAMBDA {
        if (u < dst_rows) t[u].store_unaligned(dst + u * dst_stride);
    });
}

/// The polyphase block kernel's two transposes between S vectors of W lanes, as a compile-time
/// table: dst[k] lane t = src[source[k][t]] lane lane[k][t]. Interleave (S planar streams ->
/// S W consecutive samples): e = kW + t comes from stream e mod S, lane e / S. Split (S W
/// consecutive samples -> S streams, the inverse): stream k lane t is sample e = tS + k, in
/// vector e / W, lane e mod W. Per destination vector S - 1 permutes on AVX-512 (the first two
/// sources in one two-source permute), S permutes and blends on AVX2.
template <std::size_t S, std::size_t W, bool Interleave, class Index>
struct lane_pattern {
    struct table {
        Index idx[S][S][W];       // per destination k and source s: the lane each t takes
        std::uint32_t mask[S][S];  // which lanes t of destination k come from source s
        // The first two sources of destination k (s1 = S if only one) and a two-source index
        // for them: lane, plus W where it comes from s1.
        std::size_t s0[S], s1[S];
        Index idx2[S][W];
    };
    static constexpr table make() noexcept {
        table tb{};
        for (std::size_t k = 0; k < S; ++k)
            for (std::size_t t = 0; t < W; ++t) {
                const std::size_t e = Interleave ? k * W + t : t * S + k;
                const std::size_t s = Interleave ? e % S : e / W, lane = Interleave ? e / S : e % W;
                tb.idx[k][s][t] = static_cast<Index>(lane);
                tb.mask[k][s] |= std::uint32_t{1} << t;
            }
        for (std::size_t k = 0; k < S; ++k) {
            tb.s0[k] = tb.s1[k] = S;
            for (std::size_t s = 0; s < S; ++s) {
                if (tb.mask[k][s] == 0) continue;
                if (tb.s0[k] == S) tb.s0[k] = s;
                else if (tb.s1[k] == S) tb.s1[k] = s;
            }
            for (std::size_t t = 0; t < W; ++t) {
                if ((tb.mask[k][tb.s0[k]] >> t) & 1) tb.idx2[k][t] = tb.idx[k][tb.s0[k]][t];
                if (tb.s1[k] < S && ((tb.mask[k][tb.s1[k]] >> t) & 1))
                    tb.idx2[k][t] = static_cast<Index>(tb.idx[k][tb.s1[k]][t] + static_cast<Index>(W));
            }
        }
        return tb;
    }
    alignas(64) static constexpr table tab = make();
};

/// Whether gather_lanes has a permute for xsimd::batch<T> here: AVX-512F (float, double) and
/// AVX2 (float). Elsewhere the block kernel keeps its scalar loops.
template <class T>
inline constexpr bool gather_lanes_native =
#if defined(__AVX512F__)
    std::is_same_v<T, float> || std::is_same_v<T, double>;
#elif defined(__AVX2__)
    std::is_same_v<T, float>;
#else
    false;
#endif

/// dst = the lane_pattern<S, W, Interleave> gather of src (gather_lanes_native<T> only).
template <std::size_t S, bool Interleave, class T>
NERVE_ALWAYS_INLINE void gather_lanes(const xsimd::batch<T> (&src)[S], xsimd::batch<T> (&dst)[S]) noexcept {
    static_assert(gather_lanes_native<T>);
    using batch = xsimd::batch<T>;
    [[maybe_unused]] constexpr std::size_t W = batch::size;  // unused where no branch below applies
#if defined(__AVX512F__)
    // The first two sources in one two-source permute (vpermt2ps), each further one merged by
    // a masked permute: S - 1 permutes per destination.
    constexpr bool f = std::is_same_v<T, float>;
    using index = std::conditional_t<f, std::int32_t, std::int64_t>;
    constexpr auto& tb = lane_pattern<S, W, Interleave, index>::tab;
    static_for<S>([&](auto kc) NERVE_INLINE_LAMBDA {
        constexpr std::size_t k = decltype(kc)::value, s0 = tb.s0[k], s1 = tb.s1[k];
        auto r = [&] {
            if constexpr (s1 == S) {
                if constexpr (f) return _mm512_permutexvar_ps(_mm512_loadu_si512(tb.idx[k][s0]), src[s0]);
                else return _mm512_permutexvar_pd(_mm512_loadu_si512(tb.idx[k][s0]), src[s0]);
            } else {
                if constexpr (f) return _mm512_permutex2var_ps(src[s0], _mm512_loadu_si512(tb.idx2[k]), src[s1]);
                else return _mm512_permutex2var_pd(src[s0], _mm512_loadu_si512(tb.idx2[k]), src[s1]);
            }
        }();
        static_for<S>([&](auto sc) NERVE_INLINE_LAMBDA {
            constexpr std::size_t s = decltype(sc)::value;
            constexpr std::uint32_t m = tb.mask[k][s];
            if constexpr (m != 0 && s != s0 && s != s1) {
                if constexpr (f)
                    r = _mm512_mask_permutexvar_ps(r, static_cast<__mmask16>(m), _mm512_loadu_si512(tb.idx[k][s]), src[s]);
                else
                    r = _mm512_mask_permutexvar_pd(r, static_cast<__mmask8>(m), _mm512_loadu_si512(tb.idx[k][s]), src[s]);
            }
        });
        dst[k] = batch(r);
    });
#elif defined(__AVX2__)
    constexpr auto& tb = lane_pattern<S, W, Interleave, std::int32_t>::tab;
    static_for<S>([&](auto k) NERVE_INLINE_LAMBDA {
        __m256 r = _mm256_setzero_ps();
        static_for<S>([&](auto s) NERVE_INLINE_LAMBDA {
            constexpr std::uint32_t m = tb.mask[decltype(k)::value][decltype(s)::value];
            if constexpr (m != 0) {
                const __m256i idx = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tb.idx[k][s]));
                r = _mm256_blend_ps(r, _mm256_permutevar8x32_ps(src[s], idx), static_cast<int>(m));
            }
        });
        dst[k] = batch(r);
    });
#else
    (void)src;
    (void)dst;
#endif
}

/// Stores S vectors interleaved, o[l S + s] = v[s][l] for l < W, for any S through gather_lanes
/// (gather_lanes_native<T> only; store_interleaved does powers of two with zips on every target).
template <std::size_t S, class T>
NERVE_ALWAYS_INLINE void store_lanes_interleaved(const xsimd::batch<T> (&v)[S], T* o) noexcept {
    xsimd::batch<T> d[S];
    gather_lanes<S, true>(v, d);
    static_for<S>([&](auto k) NERVE_INLINE_LAMBDA { d[k].store_unaligned(o + k * xsimd::batch<T>::size); });
}
NERVE_GCC_INTRINSICS_END
#endif

/// upfirdn(h, x, L, M) computed on the fly: only outputs that are kept, only taps that meet
/// non-stuffed samples. State: a double-length delay line of K = ceil(Len / L) inputs and
/// the phase of the next output. Taps: see poly_tap (fixed point in (-2, 2) to the format's LSB).
template <sample_type T, std::size_t Len, std::size_t L, std::size_t M>
class polyphase_fir {
public:
    static constexpr std::size_t K = (Len + L - 1) / L;  // taps per phase
    using tap_type = typename poly_tap<T>::type;

    polyphase_fir() noexcept = default;
    /// Taps in double (fixed point: rounded to the nearest LSB, saturated to (-2, 2)).
    explicit polyphase_fir(const std::array<double, Len>& h) noexcept { set_taps(h); }

    void set_taps(const std::array<double, Len>& h) noexcept {
        for (std::size_t p = 0; p < L; ++p) {
            std::array<tap_type, K> g{};
            for (std::size_t j = 0; j < K; ++j) {
                const std::size_t i = K - 1 - j;  // reversed: window is oldest first
                const std::size_t idx = p + i * L;
                g[j] = idx < Len ? quantize_poly_tap<T>(h[idx]) : tap_type{};
            }
            if constexpr (is_q31_v<T>) {
                // Per sub-filter: taps below 1 with an L1 norm below 2 take the exact one-SMLAL
                // sum, stored {g, 0}; otherwise (resample_poly's centre tap 1.0006, L1 norms
                // around 2.1) the split exact sum, stored {g >> 1, g & 1}, while its bound holds
                // (poly_dot_q31_split); only beyond it the guard-bit sum.
                bool fits = true;
                std::int64_t l1 = 0, l1_hi = 0;
                for (std::size_t j = 0; j < K; ++j) {
                    const std::int64_t a = g[j] < 0 ? -g[j] : g[j];
                    const std::int64_t hi = g[j] >> 1;
                    if (a > 0x7fffffff) fits = false;
                    l1 += a;
                    l1_hi += hi < 0 ? -hi : hi;
                }
                mode_[p] = fits && l1 <= 0xffffffffLL                                      ? q31_mode::exact
                           : l1_hi <= (std::int64_t{1} << 32) - static_cast<std::int64_t>(K) - 2 ? q31_mode::split
                                                                                                 : q31_mode::guard;
                for (std::size_t j = 0; j < K; ++j) {
                    const bool whole = mode_[p] == q31_mode::exact;
                    gr_[p][2 * j] = static_cast<std::int32_t>(whole ? g[j] : g[j] >> 1);
                    gr_[p][2 * j + 1] = static_cast<std::int32_t>(whole ? 0 : g[j] & 1);
                }
            } else {
                std::copy_n(g.data(), K, gr_[p].data());
            }
        }
#if NERVE_HAS_XSIMD
        set_bcast_taps();
        set_rb_taps();
#endif
    }
    /// Tap i of phase p (multiplies x[n - i]), as stored.
    tap_type tap(std::size_t p, std::size_t i) const noexcept {
        if constexpr (is_q31_v<T>) {
            const std::size_t j = K - 1 - i;
            const std::int64_t a = gr_[p][2 * j], b = gr_[p][2 * j + 1];
            return mode_[p] == q31_mode::exact ? a : 2 * a + b;
        } else {
            return gr_[p][K - 1 - i];
        }
    }

    template <class Emit>
    NERVE_ALWAYS_INLINE void push(const T& x_in, Emit&& emit) {
        push_<true>(x_in, emit);
    }

private:
    // push() with q31's dot product inline (InlineDot) or through dot_q31_call (see there).
    template <bool InlineDot, class Emit>
    NERVE_ALWAYS_INLINE void push_(const T& x_in, Emit&& emit) {
        T x = x_in;
        x = guard_(x);
        pos_ = (pos_ + 1 == K) ? 0 : pos_ + 1;
        delay_[pos_] = x;
        delay_[pos_ + K] = x;
        const T* w = delay_.data() + pos_ + 1;
#if NERVE_FIR_ARM_VLDM
        if constexpr (m4f_push) {  // M = 1: every input makes L outputs from the same window
            float y[L];
            m4f_outputs(w, y);
            for (std::size_t p = 0; p < L; ++p) emit(y[p]);
            return;
        }
#endif
        while (phase_ < L) {
            if constexpr (is_q31_v<T>) {
                emit(InlineDot ? dot_q31(phase_, w) : dot_q31_call(phase_, w));
            } else if constexpr (m4f_chain) {
                emit(poly_dot_chain<K>(gr_[phase_].data(), w));
            } else {
                emit(poly_dot<T, K>(gr_[phase_].data(), w));
            }
            phase_ += M;
        }
        phase_ -= L;
    }

public:

    /// Block of n inputs; writes ceil((n L - phase()) / M) outputs to out and returns that
    /// count. Same results as push() on each input (float: up to summation order). With SIMD
    /// (float/double) and blocks long enough (simd_block_min), see block_interp_simd,
    /// block_bcast and block_simd; shorter ones of at least K inputs block_dots.
    std::size_t process(const T* in, std::size_t n, T* out) noexcept {
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T>) {
            if (n >= K && !any_non_finite(in, n)) {
                if (n >= simd_block_min()) {
                    if constexpr (interp_lanes) return block_interp_simd(in, n, out);
                    else if constexpr (resample_bcast) return block_bcast(in, n, out);
                    else return block_simd(in, n, out);
                }
                if constexpr (dots_kernel) return block_dots(in, n, out);
            }
        }
#endif
#if NERVE_FIR_ARM_VLDM
        if constexpr (std::is_same_v<T, float>) {
            if (n >= K && !any_non_finite(in, n)) return block_m4f(in, n, out);
        }
#endif
        if constexpr (is_q31_v<T> && M == 1) {
            if (n >= K + 1) return block_q31_interp(in, n, out);
        }
        if constexpr (is_q15_v<T> && M == 1) {
            if (n >= K + 1) return block_q15_interp(in, n, out);
        }
        return push_each(in, n, out);
    }

#if NERVE_HAS_XSIMD
    /// Shortest finite block (besides n >= K) process() gives one of the kernels that sum each
    /// output in one FMA chain, newest sample first from 0 (block_interp_simd, block_bcast,
    /// block_simd); shorter calls take block_dots where it exists (its sums in another order),
    /// push() elsewhere. block_simd: once every sub-filter gets at least two vectors of outputs
    /// (one with the tile transposes, whose passes run several sub-filters at once), as with
    /// fewer the stream split and scalar tails cost more than they save. block_interp_simd has
    /// no set-up to amortise and runs from one window on; block_bcast from 5 M / 2 inputs, where
    /// a pattern has two or three vectors per call (below, block_dots: see there).
    static constexpr std::size_t simd_block_min() noexcept {
        return interp_lanes ? 1 : resample_bcast ? bcast_block_min : block_min;
    }
#endif

    /// Outputs n inputs make from the current phase: ceil((n L - phase()) / M).
    std::size_t outputs(std::size_t n) const noexcept {
        const std::size_t reach = n * L;
        return reach > phase_ ? (reach - phase_ + M - 1) / M : 0;
    }

    /// process() for a caller's block whose output may overlap its input. With out == in (or out
    /// before in) and L <= M it runs input by input: each output lands at or below the input just
    /// read. Any other overlap would overwrite inputs before they are read (an expanding ratio
    /// writes ahead of its input, and no fixed buffer can hold what it overtakes): refused, 0
    /// returned, nothing written, state unchanged.
    std::size_t process_block(const T* in, std::size_t n, T* out) noexcept {
        const block_overlap ov = overlap_of(in, n, out, outputs(n));
        if (ov == block_overlap::none) return process(in, n, out);
        if (L > M || ov == block_overlap::ahead) return 0;
        return push_each(in, n, out);
    }

    void reset() noexcept {
        delay_.fill(T{});
        pos_ = 0;
        phase_ = 0;
        guard_.reset();
    }
    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    /// For block paths: the last K inputs, oldest first, and the output phase.
    const T* window() const noexcept { return delay_.data() + pos_ + 1; }
    std::uint32_t phase() const noexcept { return phase_; }
    /// For block paths that consumed a block of finite inputs ending with last_k[0..K)
    /// (oldest first): the state push() would have reached (phase unchanged).
    void load_window(const T* last_k) noexcept {
        for (std::size_t j = 0; j < K; ++j) delay_[j] = delay_[j + K] = last_k[j];
        pos_ = K - 1;
        guard_.mark_good(last_k[K - 1]);
    }

    template <class V>
    void visit_state(V& v) {
        v(delay_);
        v(pos_);
        v(phase_);
        v(guard_);
    }
    bool state_is_valid() const noexcept { return pos_ < K && phase_ < M; }

private:
    /// For block paths: the windows that start before the block, linear: dst[0 .. K - 1) = the
    /// last K - 1 inputs (x[-K + 1 .. -1]), then dst[K - 1 ..) = in[0 .. count).
    void copy_head(T* dst, const T* in, std::size_t count) const noexcept {
        const T* hist = window();  // x[-K .. -1]
        for (std::size_t j = 0; j + 1 < K; ++j) dst[j] = hist[j + 1];
        for (std::size_t j = 0; j < count; ++j) dst[K - 1 + j] = in[j];
    }

    /// push() of in[0..n), the outputs written in order from out; returns how many. Every
    /// block path's per-input part (the whole block, or the first K - 1 inputs whose windows
    /// reach into the delay line). Input by input, so also safe in place while L <= M.
    template <bool InlineDot = true>
    std::size_t push_each(const T* in, std::size_t n, T* out) noexcept {
        std::size_t w = 0;
        for (std::size_t i = 0; i < n; ++i) push_<InlineDot>(in[i], [&](const T& y) { out[w++] = y; });
        return w;
    }

#if NERVE_HAS_XSIMD
    // SIMD block kernel (float/double), vectorised across outputs of the same phase. Output j
    // of a block (phase φ0 = phase() at its start) is emitted after input t_j = (φ0 + jM) / L
    // with sub-filter p_j = (φ0 + jM) mod L; outputs j, j + L, j + 2L, ... share the
    // sub-filter and their inputs advance by M. So the input (with K-1 history samples in
    // front) is split into M streams s_r[a] = x[aM + r]; then tap i of the outputs j + qL,
    // q = q0 .. q0 + W-1, meets s_r[a + q0 .. a + q0 + W) — one contiguous vector load and a
    // broadcast tap per FMA, W outputs per vector, no horizontal sums, no multiplies of
    // stuffed zeros (the polyphase count: K per output). Per output a single FMA chain from 0
    // over the taps in order i = 0..K-1, newest sample first (push() sums in another order:
    // float results agree to rounding). With M, L <= 8 on AVX2/AVX-512 the split takes M
    // input vectors into one vector of each stream (split_lanes), the groups' outputs are
    // interleaved into place as whole vectors (join_lanes; gather_lanes), and with the groups'
    // windows close together all groups run in one pass (fuse_groups, group_pass), so each
    // stream vector loaded feeds up to L FMAs. Factors of at least W that the permutes leave
    // split and interleave by W x W tile transposes (split_tiles, join_tiles), the groups then
    // several per pass (rows_groups), neighbouring groups sharing their stream loads as in
    // group_pass; below W, one scalar load and store per sample.
    // Figures (nerve_bench resample/block against fma_peak/xsimd): the file comment and
    // resampler.hpp.
    static constexpr std::size_t simd_w = xsimd::batch<T>::size;
    // Output vectors per pass: independent FMA chains (8 cover the FMA latency of two ports).
    // 4 -> 8 on a loaded AVX-512 Xeon: resample 3/2 459 -> 476 M/s, interp 4x64 291 -> 327 M/s.
    static constexpr std::size_t simd_u = 8;
    // The two transposes of block_simd as whole vectors (gather_lanes: about S permutes per S W
    // samples), for S = M (input into streams) and S = L (groups into output order) up to 8;
    // beyond, or without a native permute (SSE, NEON, AVX2 double), one scalar load and store
    // per sample.
    static constexpr std::size_t lanes_max = 8;
    static constexpr bool split_lanes = gather_lanes_native<T> && M > 1 && M <= lanes_max;
    static constexpr bool join_lanes = gather_lanes_native<T> && L > 1 && L <= lanes_max;
    // The same transposes for the factors gather_lanes leaves (beyond 8, or no native permute)
    // that are at least W: W x W tiles (interleave_whole, log2 W rounds of zip_whole: 4 permutes
    // per 16 floats on AVX-512), the last tile of a row overlapping the one before when W does
    // not divide the factor. Below W, one scalar load and store per sample.
    static constexpr bool split_tiles = !split_lanes && M > 1 && M >= simd_w;
    static constexpr bool join_tiles = !join_lanes && L > 1 && L >= simd_w;
    // The groups' outputs go through the row buffer ys (whole vectors) before they are interleaved.
    static constexpr bool rows_ys = join_lanes || join_tiles;
    // Shortest block process() gives block_simd (see there).
    static constexpr std::size_t block_min = (split_tiles || join_tiles ? 1 : 2) * M * simd_w;
    // Sums per pass: 16 where there are 32 vector registers (AVX-512, aarch64), else 8 (AVX2
    // and SSE have 16: with 16 sums, AVX2 spilled them every tap).
#if defined(__AVX512F__) || defined(__aarch64__)
    static constexpr std::size_t interp_sums = 16;
#else
    static constexpr std::size_t interp_sums = 8;
#endif
    // block_simd with join_lanes: all L groups in one pass (group_pass) when the windows of
    // the groups' outputs q start within M - 1 inputs of each other (output j0 + qL ends its
    // window at input t0 + qM, t0 = (φ + j0 M) / L < M), so one vector load of a stream
    // position feeds the FMAs of every group that has a tap there: about L FMAs per load
    // instead of one (the groups' own loops load a window vector per FMA, and a stream
    // vector at an arbitrary offset straddles two cache lines on AVX-512). The positions one
    // group has no tap at cost a zero FMA each: t0_max - t0_min <= M - 1 per K, so only
    // while (M - 1) 4 <= K (at most 1/5 more FMAs).
    // Not on SSE2 (no FMA; the scalar stores it needs around it): resample 3/2 0.37 -> 0.33,
    // interpolation by 3 0.63 -> 0.48 of fma_peak/xsimd in one alternated run; NEON unmeasured.
    static constexpr bool fuse_groups = join_lanes && (M - 1) * 4 <= K;
    static constexpr std::size_t fuse_u = (interp_sums + L - 1) / L;  // vectors per group and pass
    static constexpr std::size_t fuse_span = K + M - 1;                // stream positions, at most
    // Inputs per chunk: enough for 4 vectors of outputs in every phase group (2 with the row
    // buffer, whose passes run several groups at once); with the row buffer at most about 4096
    // outputs (ys, the groups' outputs before they are interleaved, is on the stack). (Chunks
    // of whole group_pass passes, 1920 instead of 2048 inputs for 3/2 and 2/3, measured the same.)
    static constexpr std::size_t chunk_in = rows_ys && 4096 * M / L < 2048 ? 4096 * M / L : 2048;
    static constexpr std::size_t chunk_min = M * simd_w * (rows_ys ? 2 : 4);
    static constexpr std::size_t chunk = chunk_min > chunk_in ? chunk_min : chunk_in;
    static constexpr std::size_t stream_len = (K - 1 + chunk + M - 1) / M;
    // room for whole vectors past the end (2 W), whole cache lines so the streams keep their
    // alignment to each other; with M >= W (split_tiles) every stream starts on a cache line:
    // a window of K <= M taps then reads each stream at position 0 or 1 plus whole vectors, so
    // mostly whole cache lines (160/147 on AVX-512: 0.20 -> 0.27 of fma_peak/xsimd, three
    // alternated runs; a stream vector at any other offset straddles two lines)
    static constexpr std::size_t stream_pad =
        split_tiles ? ((stream_len + 2 * simd_w) * sizeof(T) + 63) / 64 * 64 / sizeof(T)
                    : stream_len + (2 * simd_w * sizeof(T) + 63) / 64 * 64 / sizeof(T);
    // Stream position c (sample c of a chunk's input with the K - 1 before it) is st[c % M][c / M]:
    // as offsets into st, for the c block_simd's windows reach (c < t0 + K with t0 < M, as
    // phase() < M), so that no path of it divides per tap.
    static constexpr std::array<std::uint32_t, M + K - 1> stream_at = [] {
        std::array<std::uint32_t, M + K - 1> a{};
        for (std::size_t c = 0; c < a.size(); ++c) a[c] = static_cast<std::uint32_t>(c % M * stream_pad + c / M);
        return a;
    }();
    // Outputs per group, at most; a whole number of vectors so that every group's row of ys
    // starts aligned (group_pass and the interleave read and write ys[j][q], q a multiple of W).
    static constexpr std::size_t group_len = (((chunk * L + M - 1) / M + L - 1) / L + simd_w - 1) / simd_w * simd_w;

    // Interpolation (M = 1) by a power of two L <= 16: the lanes are consecutive inputs and all
    // L sub-filters run on the same window vectors, so each vector load x[t + j ..) feeds L
    // FMAs (one per sub-filter, its tap j broadcast) and U vectors of inputs advance together
    // (U L = interp_sums accumulators); the L sums of a vector are then interleaved into L W
    // consecutive outputs (store_interleaved: log2(L) rounds of whole-register zips) and
    // stored as whole vectors. block_simd (above), which these L took before stop 44, loaded a
    // window vector per FMA and wrote every output with its own scalar store. Per output one
    // FMA chain over the taps from the oldest sample (push() sums in another order: float
    // results agree to rounding); since stop 49 a call's last inputs (fewer than a pass) take
    // one more pass over a zero-padded copy of their windows instead of a scalar dot product
    // each, so every output of the call has that order. Figures: the file comment. Measured on
    // the way: with the window loads left to GCC, each FMA took its window vector as a memory
    // operand (16 loads per 16 FMAs instead of 4): x4 with 64 taps 0.41 of the AVX-512 peak
    // instead of 0.86-0.90; with 16 sums on AVX2 every tap spilled them: 0.57-0.63 instead of
    // 0.83-0.88.
    static constexpr bool interp_lanes = M == 1 && L >= 2 && L <= 16 && (L & (L - 1)) == 0;
    static constexpr std::size_t interp_u = L >= interp_sums ? 1 : interp_sums / L;  // input vectors per pass

    // Interpolation with vectors of whole outputs (bcast_pass): a vector holds the L outputs of
    // bcast_in = W / L consecutive inputs (L < W) or W of one input's L outputs (L >= W, then
    // bcast_vecs = L / W vectors per input), already in output order. Lane (r, p) of the vector
    // of inputs i .. i + bcast_in - 1 sums g_p[j] x[i + r + j]; sweeping t = r + j over the
    // bcast_len = K + bcast_in - 1 window positions, each FMA takes the sample x[i + t] broadcast
    // and a tap vector with g_p[t - r] in lane (r, p), zero where t - r falls outside [0, K).
    // The zero taps cost (bcast_in - 1) / K more FMAs; interp_pass instead pays log2(L) rounds
    // of L permutes per K L FMAs for its interleave. So bcast_pass where bcast_in < log2(L)
    // (floats: AVX-512 and AVX2 L = 8 and 16, NEON L = 4, 8, 16); on SSE, where each broadcast
    // is a shuffle too, only for L > W (floats: L = 8, 16). Measured (nerve_bench
    // interp/block, 64 taps, old and new builds alternated five times, medians of per-run
    // ratios of the fma_peak/xsimd fraction, two runs on AVX-512): AVX-512 x8 0.65-0.68 ->
    // 0.75-0.81 (1.10-1.19), x16 0.43-0.45 -> 0.69-0.75 (1.59-1.61); AVX2 x8 0.71 -> 0.91
    // (1.29), x16 0.36 -> 0.95 (2.70); SSE2 x8 1.17, x16 1.43. Drafts that lost: x4 on AVX2
    // 0.99 (its ceiling 16/17) and on SSE2 0.81; the broadcasts left to GCC in tap order (it
    // kept them in registers and spilled them: AVX-512 x8 0.91). Each lane's chain still runs
    // from 0 over its taps oldest sample first (the zero products add +0), so both passes give
    // the same bits.
    // (Fixed point has no batch type: lanes 0, no table.)
    static constexpr std::size_t bcast_w = [] {
        if constexpr (std::is_floating_point_v<T>) return simd_w;
        else return std::size_t{0};
    }();
    static constexpr std::size_t bcast_in = bcast_w == 0 || L >= bcast_w ? 1 : bcast_w / L;
    static constexpr std::size_t bcast_vecs = bcast_w == 0 || L < bcast_w ? 1 : L / bcast_w;
    static constexpr std::size_t bcast_len = K + bcast_in - 1;
#if defined(__AVX__) || defined(__aarch64__)
    static constexpr bool bcast_by_load = true;  // vbroadcastss / ld1r: a load, no shuffle
#else
    static constexpr bool bcast_by_load = false;  // SSE: movss + shufps per sample
#endif
    static constexpr bool interp_bcast =
        interp_lanes && bcast_w > 0 &&
        (bcast_by_load ? bcast_in < static_cast<std::size_t>(std::bit_width(L)) - 1 : L > bcast_w);
    static constexpr std::size_t bcast_u = interp_sums / bcast_vecs;  // input groups per pass
    static constexpr std::size_t bcast_table_len = interp_bcast ? bcast_vecs * bcast_len * bcast_w : 0;

    /// Widest spread of the windows' ends (t0) over NG consecutive groups of a chunk: their
    /// windows together cover at most K + shared_spread<NG> stream positions.
    template <std::size_t NG>
    static constexpr std::size_t shared_spread = (L - 1 + (NG - 1) * M) / L;

    /// Taps in shared_taps' layout: NG rows of Stride, whole vectors.
    template <std::size_t NG, std::size_t Stride>
    static constexpr std::size_t shared_len = (NG * Stride + simd_w - 1) / simd_w * simd_w;

    /// The stream positions a set of groups reads: at[b] is position t0_lo + b's offset in the
    /// streams, b < span.
    struct shared_window {
        const std::uint32_t* at;
        std::size_t span;
    };

    /// The taps of groups j .. j + NG - 1 of a chunk from phase phi, laid out by stream
    /// position: gx[g * Stride + b] is group j + g's tap at position t0_lo + b (t0_lo = group
    /// j's t0, the smallest), zero where its window does not reach. Returns the positions they
    /// cover (span at most Stride). gx: shared_len<NG, Stride> taps, aligned to the vector.
    template <std::size_t NG, std::size_t Stride>
    NERVE_ALWAYS_INLINE shared_window shared_taps(std::size_t phi, std::size_t j, tap_type* gx) const noexcept {
        // output q of group j + g reads stream position t0 + H - i + qM for tap i, so its tap
        // g[K-1-i] sits at b = t0 - t0_lo + K-1-i: its K taps, in order, from b = t0 - t0_lo
        const std::size_t t0_lo = (phi + j * M) / L;
        // zeros by whole vectors, unrolled (std::fill_n became rep stos or a memset call: for
        // 160/147, where a set of groups makes one or two passes, AVX2 resample/block 0.27 ->
        // 0.36 of fma_peak/xsimd, six alternated runs; AVX-512 within noise)
        constexpr std::size_t nv = shared_len<NG, Stride> / simd_w;
        if constexpr (nv <= 32) {
            static_for<nv>([&](auto v) NERVE_INLINE_LAMBDA { xsimd::batch<tap_type>(tap_type{}).store_aligned(gx + v * simd_w); });
        } else {
            std::fill_n(gx, nv * simd_w, tap_type{});
        }
        std::size_t d = 0;
        for (std::size_t g = 0; g < NG; ++g) {
            const std::size_t v = phi + (j + g) * M;
            d = v / L - t0_lo;
            std::copy_n(gr_[v % L].data(), K, gx + g * Stride + d);
        }
        return {stream_at.data() + t0_lo, d + K};
    }

    /// Outputs q .. q + U W of NG consecutive groups (laid out by shared_taps) over the stream
    /// positions their windows share: position b (win.at[b] its stream offset) from the newest,
    /// each stream vector loaded once for the FMAs of every group (a zero tap where a group's
    /// window does not reach, which leaves its sum as it is: the inputs are finite). Into
    /// dst[g][q ..) (rows of ys), or with Interleaved (NG = L, gather_lanes: every group must
    /// have them all) into their places o[qL ..).
    template <std::size_t NG, std::size_t Stride, std::size_t U, bool Interleaved>
    NERVE_ALWAYS_INLINE void group_pass(const T* st, shared_window win, const tap_type* gx, T* dst,
                                        std::size_t q) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = simd_w;
        batch acc[NG][U];
        static_for<NG>([&](auto j) NERVE_INLINE_LAMBDA {
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[j][u] = batch(T(0)); });
        });
        for (std::size_t b = win.span; b-- > 0;) {
            const T* s = st + win.at[b] + q;
            batch x[U];
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                x[u] = batch::load_unaligned(s + u * W);
                keep_in_register(x[u]);
            });
            static_for<NG>([&](auto j) NERVE_INLINE_LAMBDA {
                const batch g(gx[j * Stride + b]);
                static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[j][u] = nerve::detail::fmadd(g, x[u], acc[j][u]); });
            });
        }
        if constexpr (Interleaved) {
            static_assert(NG == L);
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                batch v[L];
                static_for<L>([&](auto j) NERVE_INLINE_LAMBDA { v[j] = acc[j][u]; });
                store_lanes_interleaved<L>(v, dst + (q + u * W) * L);
            });
        } else {
            static_for<NG>([&](auto j) NERVE_INLINE_LAMBDA {
                static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[j][u].store_aligned(dst + j * group_len + q + u * W); });
            });
        }
    }

    /// Vectors q .. q + U W of G groups, one by one sub-filter (group g's tap i, newest sample
    /// first, is taps[g][K - 1 - i] at stream offset *(at[g] - i)), into their rows of ys: G U
    /// independent FMA chains, each output's sum in the order of group_pass.
    template <std::size_t G, std::size_t U>
    NERVE_ALWAYS_INLINE void rows_pass(const T* st, const std::uint32_t* const (&at)[G], const tap_type* const (&taps)[G],
                                       T* const (&rows)[G], std::size_t q) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = simd_w;
        batch acc[G][U];
        static_for<G>([&](auto g) NERVE_INLINE_LAMBDA {
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[g][u] = batch(T(0)); });
        });
        for (std::size_t i = 0; i < K; ++i) {
            static_for<G>([&](auto g) NERVE_INLINE_LAMBDA {
                const T* s = st + *(at[g] - i) + q;
                const batch h(taps[g][K - 1 - i]);
                static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                    acc[g][u] = nerve::detail::fmadd(h, batch::load_unaligned(s + u * W), acc[g][u]);
                });
            });
        }
        static_for<G>([&](auto g) NERVE_INLINE_LAMBDA {
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[g][u].store_aligned(rows[g] + q + u * W); });
        });
    }

    // rows_groups: G groups whose windows end within shared_spread<G> stream positions of each
    // other share each stream vector loaded (group_pass, with zero taps where a window does not
    // reach) while that costs at most half as many FMAs again; else one window per group and
    // a stream load per FMA (rows_pass). For 160/147 on AVX-512 (8 groups of 2 vectors) the
    // loads per 16 FMAs drop from 24 (an offset, a tap and a stream vector each) to 11 for 4/3
    // of the FMAs: with the tile transposes of transpose_whole, resample/block 160/147 0.26 ->
    // 0.30 of fma_peak/xsimd, AVX2 0.33 -> 0.42 (stop 47, six alternated runs; resampler.hpp).
    template <std::size_t G>
    static constexpr bool rows_shared = G > 1 && shared_spread<G> * 2 <= K;

    /// Groups j .. j + G - 1 of a chunk (cnt outputs from phase phi), every vector of their
    /// rows in ys: passes of interp_sums / G vectors per group, then single vectors. Group j
    /// has the most outputs; the groups after it have at most one fewer, whose extra lanes fall
    /// in their rows' padding and read the streams' zero pad.
    template <std::size_t G>
    NERVE_ALWAYS_INLINE void rows_groups(const T* st, std::size_t phi, std::size_t cnt, std::size_t j, T* ys) const noexcept {
        constexpr std::size_t W = simd_w, H = K - 1, U = interp_sums / G > 1 ? interp_sums / G : 1;
        const std::size_t end = ((cnt - j + L - 1) / L + W - 1) / W * W;
        std::size_t q = 0;
        if constexpr (rows_shared<G>) {
            constexpr std::size_t S = K + shared_spread<G>;
            alignas(64) tap_type gx[shared_len<G, S>];
            const shared_window win = shared_taps<G, S>(phi, j, gx);
            T* rows = ys + j * group_len;
            for (; q + U * W <= end; q += U * W) group_pass<G, S, U, false>(st, win, gx, rows, q);
            for (; q < end; q += W) group_pass<G, S, 1, false>(st, win, gx, rows, q);
        } else {
            const std::uint32_t* at[G];
            const tap_type* taps[G];
            T* rows[G];
            for (std::size_t g = 0; g < G; ++g) {
                // output q of the group reads stream position t0 + H - i + qM for tap i
                const std::size_t v = phi + (j + g) * M, t0 = v / L;
                taps[g] = gr_[v % L].data();
                rows[g] = ys + (j + g) * group_len;
                at[g] = stream_at.data() + t0 + H;
            }
            for (; q + U * W <= end; q += U * W) rows_pass<G, U>(st, at, taps, rows, q);
            for (; q < end; q += W) rows_pass<G, 1>(st, at, taps, rows, q);
        }
    }

    /// rows_groups<G> from group j while G groups of the chunk's ng are left; returns the next j.
    template <std::size_t G>
    std::size_t rows_run(const T* st, std::size_t phi, std::size_t cnt, std::size_t j, std::size_t ng,
                         T* ys) const noexcept {
        for (; j + G <= ng; j += G) rows_groups<G>(st, phi, cnt, j, ys);
        return j;
    }

    /// o[(q + u) L + j] = ys[j][q + u] for every j < L and u < rows (<= W), by W x W tiles
    /// (v[p] lane u = ys[j + p][q + u]; the last tile of a row overlaps the one before).
    NERVE_ALWAYS_INLINE void join_tiles_at(const T* ys, T* o, std::size_t q, std::size_t rows) const noexcept {
        constexpr std::size_t W = simd_w;
        for (std::size_t j0 = 0; j0 < L; j0 += W) {
            const std::size_t j = j0 + W <= L ? j0 : L - W;
            copy_tile_transposed(ys + j * group_len + q, group_len, W, o + q * L + j, L, rows);
        }
    }

    /// out[(i + t) L + p] for t < U W, p < L: src[t .. t + K) is input i + t's window.
    NERVE_ALWAYS_INLINE void interp_pass(const T* src, T* o) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = simd_w, U = interp_u;
        batch acc[U][L];
        static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
            static_for<L>([&](auto p) NERVE_INLINE_LAMBDA { acc[u][p] = batch(T(0)); });
        });
        for (std::size_t j = 0; j < K; ++j) {
            batch x[U];
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                x[u] = batch::load_unaligned(src + u * W + j);
                keep_in_register(x[u]);  // one load for the L FMAs, not a memory operand each
            });
            static_for<L>([&](auto p) NERVE_INLINE_LAMBDA {
                const batch g(gr_[p][j]);
                static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { acc[u][p] = nerve::detail::fmadd(g, x[u], acc[u][p]); });
            });
        }
        static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { store_interleaved<L>(acc[u], o + u * W * L); });
    }

    /// out[(i + t) L ..) for t < bcast_u bcast_in, as vectors of whole outputs (see interp_bcast):
    /// src[t .. t + K) is input i + t's window.
    NERVE_ALWAYS_INLINE void bcast_pass(const T* src, T* o) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = simd_w, U = bcast_u, V = bcast_vecs, R = bcast_in;
        batch acc[U][V];
        static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
            static_for<V>([&](auto v) NERVE_INLINE_LAMBDA { acc[u][v] = batch(T(0)); });
        });
        batch g[V][bcast_len];
        static_for<V>([&](auto v) NERVE_INLINE_LAMBDA {
            static_for<bcast_len>([&](auto t) NERVE_INLINE_LAMBDA {
                g[v][t] = batch::load_unaligned(bt_.data() + (v * bcast_len + t) * W);
            });
        });
        // Sample by sample: each broadcast once, into every sum whose window holds it (sum u
        // meets sample m at position t = m - u R), so each sum still runs t = 0, 1, ...
        static_for<(U - 1) * R + bcast_len>([&](auto m) NERVE_INLINE_LAMBDA {
            const batch x(src[m]);
            static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                if constexpr (m >= u * R && m - u * R < bcast_len) {
                    static_for<V>([&](auto v) NERVE_INLINE_LAMBDA {
                        acc[u][v] = nerve::detail::fmadd(g[v][m - u * R], x, acc[u][v]);
                    });
                }
            });
        });
        static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
            static_for<V>([&](auto v) NERVE_INLINE_LAMBDA { acc[u][v].store_unaligned(o + u * R * L + v * W); });
        });
    }

    /// bcast_pass's tap vectors from gr_: vector v, position t, lane l is output phase
    /// p = (v W + l) mod L of input r = (v W + l) / L of its group, tap g_p[t - r] or 0.
    void set_bcast_taps() noexcept {
        if constexpr (interp_bcast) {
            for (std::size_t v = 0; v < bcast_vecs; ++v)
                for (std::size_t t = 0; t < bcast_len; ++t)
                    for (std::size_t l = 0; l < bcast_w; ++l) {
                        const std::size_t p = (v * bcast_w + l) % L, r = (v * bcast_w + l) / L;
                        bt_[(v * bcast_len + t) * bcast_w + l] = t >= r && t - r < K ? gr_[p][t - r] : T(0);
                    }
        }
    }

    // Resampling with vectors of consecutive outputs (block_bcast), the construction of
    // bcast_pass for L/M: a vector holds W consecutive outputs G .. G + W - 1 (G counted from
    // the stream's start, a multiple of W), which end their windows at inputs t0 + d_l, d_l =
    // floor((r0 + l M) / L) with r0 = G M mod L, and use sub-filters (r0 + l M) mod L. Sweeping
    // the rb_span = K + rb_reach inputs from t0 - K + 1, each FMA takes one input broadcast and
    // a vector of per-lane taps (zero where a lane's window does not reach): no stream split,
    // no interleave, K useful FMAs per rb_span. The taps depend on G mod L only, so with W | L
    // there are L / W patterns (rb_patterns; 10 for 160/147 on AVX-512, 22 KB), and vectors L
    // outputs apart (inputs M apart) share one: rb_u of them run per pass, one tap load per
    // rb_u FMAs. The pattern of the block's first vector follows from phase() = G0 M mod L, as
    // M is invertible mod L. Lanes sum newest sample first from 0 (the zero taps before a
    // lane's window leave +0, those after add +-0 to a nonzero sum or to +0), so the same bits
    // as block_simd. Taken where the vector width divides L > lanes_max, M < L and the reach
    // is at most K (at least half the FMAs useful), with the table within 32 KB: of the tested
    // ratios 160/147 and 80/73 on AVX-512 and AVX2 (NEON: the same rule, unmeasured; not on
    // SSE, whose broadcast is a shuffle).
    static constexpr std::size_t rb_w = bcast_w;
    static constexpr std::size_t rb_patterns = rb_w == 0 ? 1 : L / rb_w;
    static constexpr std::size_t rb_reach = rb_w == 0 ? 0 : ((rb_w - 1) * M + L - 1) / L;  // max d_(W-1)
    static constexpr std::size_t rb_span = K + rb_reach;
    // Vectors per pass (independent FMA chains; with the tap vector 13 registers, so no spills
    // on AVX2's 16): 12 against 8, three alternated runs, fraction of fma_peak/xsimd for 160/147
    // on 4096 / 16384-sample blocks: AVX-512 0.36 -> 0.42 / 0.43 -> 0.47, AVX2 0.49 -> 0.59 /
    // 0.50 -> 0.64; 16 on AVX-512 and 14 on AVX2 read the same as 12.
    static constexpr std::size_t rb_u = 12;
    static constexpr bool resample_bcast = rb_w > 0 && bcast_by_load && M > 1 && M < L && L > lanes_max &&
                                           L % rb_w == 0 && std::gcd(L, M) == 1 && rb_reach <= K &&
                                           rb_patterns * rb_span * rb_w * sizeof(T) <= 32768;
    static constexpr std::size_t rb_table_len = resample_bcast ? rb_patterns * rb_span * rb_w : 0;
    // M^-1 mod L: the global output index mod L of the output a phase belongs to
    static constexpr std::size_t rb_m_inv = [] {
        for (std::size_t v = 1; v < L; ++v)
            if (v * M % L == 1) return v;
        return std::size_t{0};
    }();

    /// block_bcast's tap vectors from gr_: pattern c (vectors from G = c W mod L), position s
    /// (input t0 - K + 1 + s), lane l: g_p[s - d] with p, d of output G + l, or 0.
    void set_rb_taps() noexcept {
        if constexpr (resample_bcast) {
            for (std::size_t c = 0; c < rb_patterns; ++c) {
                const std::size_t r0 = c * rb_w * M % L;
                for (std::size_t l = 0; l < rb_w; ++l) {
                    const std::size_t d = (r0 + l * M) / L, p = (r0 + l * M) % L;
                    for (std::size_t s = 0; s < rb_span; ++s)
                        rbt_[(c * rb_span + s) * rb_w + l] = s >= d && s - d < K ? gr_[p][s - d] : T(0);
                }
            }
        }
    }

    /// U vectors of one pattern (taps: its rb_span vectors), L outputs apart: vector m's
    /// window starts at x[m M], its outputs go to o[m L ..).
    template <std::size_t U>
    NERVE_ALWAYS_INLINE void rb_pass(const T* x, const T* taps, T* o) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = rb_w;
        batch acc[U];
        static_for<U>([&](auto m) NERVE_INLINE_LAMBDA { acc[m] = batch(T(0)); });
        for (std::size_t s = rb_span; s-- > 0;) {
            const batch g = batch::load_unaligned(taps + s * W);
            static_for<U>([&](auto m) NERVE_INLINE_LAMBDA { acc[m] = nerve::detail::fmadd(g, batch(x[m * M + s]), acc[m]); });
        }
        static_for<U>([&](auto m) NERVE_INLINE_LAMBDA { acc[m].store_unaligned(o + m * L); });
    }

    /// rb_pass<u> for a u from 1 to rb_u.
    NERVE_ALWAYS_INLINE void rb_pass_n(std::size_t u, const T* x, const T* taps, T* o) const noexcept {
        static_for<rb_u>([&](auto v) NERVE_INLINE_LAMBDA {
            if (u == v + 1) rb_pass<v + 1>(x, taps, o);
        });
    }

    /// U vectors, each from its own window x[m] with its own pattern's taps g[m], into y[m W ..).
    static constexpr std::size_t rb_edge_u = 4;
    template <std::size_t U>
    NERVE_ALWAYS_INLINE void rb_pass_mixed(const T* const (&x)[U], const T* const (&g)[U], T* y) const noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = rb_w;
        batch acc[U];
        static_for<U>([&](auto m) NERVE_INLINE_LAMBDA { acc[m] = batch(T(0)); });
        for (std::size_t s = rb_span; s-- > 0;) {
            static_for<U>([&](auto m) NERVE_INLINE_LAMBDA {
                acc[m] = nerve::detail::fmadd(batch::load_unaligned(g[m] + s * W), batch(x[m][s]), acc[m]);
            });
        }
        static_for<U>([&](auto m) NERVE_INLINE_LAMBDA { acc[m].store_aligned(y + m * W); });
    }

    std::size_t block_bcast(const T* in, std::size_t n, T* out) noexcept {
        constexpr std::size_t W = rb_w, P = rb_patterns, S = rb_span, H = K - 1, U = rb_u;
        const std::size_t phi = phase_;
        const std::size_t cnt = (n * L - phi + M - 1) / M;
        const std::size_t g0 = phi * rb_m_inv % L;  // out[0]'s output index mod L
        const std::size_t off = g0 % W, c0 = g0 / W;
        // Vector k holds outputs j0(k) = k W - off .. + W - 1 of the block, pattern (c0 + k) mod P;
        // its window starts at input ws(k) = floor((phi + j0 M) / L) - H (negative: history)
        const std::size_t nv = (cnt + off + W - 1) / W;
        constexpr std::size_t bias = (W * M + L - 1) / L;
        auto j0 = [&](std::size_t k) { return static_cast<std::ptrdiff_t>(k * W) - static_cast<std::ptrdiff_t>(off); };
        auto ws = [&](std::size_t k) {
            const std::size_t t = (phi + k * W * M + bias * L - off * M) / L;
            return static_cast<std::ptrdiff_t>(t) - static_cast<std::ptrdiff_t>(bias + H);
        };
        auto taps = [&](std::size_t k) { return rbt_.data() + (c0 + k) % P * S * W; };
        const auto sn = static_cast<std::ptrdiff_t>(n), scnt = static_cast<std::ptrdiff_t>(cnt);
        // Vectors whose windows and outputs lie within the block, [k_lo, k_hi), straight from
        // `in`; the others through a copy of their window (history before the block, zeros
        // beyond it and before the history), stored lane by lane.
        std::size_t k_lo = 0;
        while (k_lo < nv && (ws(k_lo) < 0 || j0(k_lo) < 0)) ++k_lo;
        std::size_t k_hi = nv;
        while (k_hi > k_lo && (ws(k_hi - 1) + static_cast<std::ptrdiff_t>(S) > sn || j0(k_hi - 1) + static_cast<std::ptrdiff_t>(W) > scnt)) --k_hi;
        const T* hist = window();  // x[-K .. -1]
        // x[0 .. S) = the window from input w0: zeros before the history and after the block
        auto window_copy = [&](T* x, std::ptrdiff_t w0) {
            const std::ptrdiff_t sh = static_cast<std::ptrdiff_t>(H), e = w0 + static_cast<std::ptrdiff_t>(S);
            std::ptrdiff_t t = w0;
            for (; t < e && t < -sh; ++t) *x++ = T(0);
            for (; t < e && t < 0; ++t) *x++ = hist[static_cast<std::ptrdiff_t>(K) + t];
            for (; t < e && t < sn; ++t) *x++ = in[t];
            for (; t < e; ++t) *x++ = T(0);
        };
        // Vectors [k, k_end) that reach outside the block, up to rb_edge_u per pass (each its own
        // pattern and window copy; the free slots repeat the first), stored lane by lane.
        auto edges = [&](std::size_t k, std::size_t k_end) {
            constexpr std::size_t E = rb_edge_u;
            for (; k < k_end; k += E) {
                alignas(64) T x[E][S];
                alignas(64) T y[E * W];
                const T* xs[E];
                const T* gs[E];
                const std::size_t cnt_e = k_end - k < E ? k_end - k : E;
                for (std::size_t e = 0; e < E; ++e) {
                    if (e < cnt_e) {
                        window_copy(x[e], ws(k + e));
                        xs[e] = x[e];
                        gs[e] = taps(k + e);
                    } else {
                        xs[e] = xs[0];
                        gs[e] = gs[0];
                    }
                }
                rb_pass_mixed<E>(xs, gs, y);
                for (std::size_t e = 0; e < cnt_e; ++e) {
                    const std::ptrdiff_t o0 = j0(k + e);
                    for (std::size_t l = 0; l < W; ++l) {
                        const std::ptrdiff_t j = o0 + static_cast<std::ptrdiff_t>(l);
                        if (j >= 0 && j < scnt) out[j] = y[e * W + l];
                    }
                }
            }
        };
        edges(0, k_lo);
        // Pattern by pattern over chunks of 4 U P vectors (about 4 U M inputs, in L1), up to U
        // vectors L outputs apart per pass; a pattern's r vectors of a chunk in ceil(r / U)
        // passes of even size (28 as 10 + 9 + 9, not 12 + 12 + 4: fewer chains short of the
        // latency).
        constexpr std::size_t chunk_k = 4 * U * P;
        for (std::size_t kb = k_lo; kb < k_hi; kb += chunk_k) {
            const std::size_t ke = k_hi - kb < chunk_k ? k_hi : kb + chunk_k;
            for (std::size_t k = kb; k < kb + P && k < ke; ++k) {
                const T* g = taps(k);
                std::size_t r = (ke - k + P - 1) / P;  // vectors k, k + P, ... < ke
                std::size_t passes = (r + U - 1) / U;
                for (std::size_t kk = k; passes > 0; --passes) {
                    const std::size_t u = (r + passes - 1) / passes;
                    rb_pass_n(u, in + ws(kk), g, out + j0(kk));
                    kk += u * P;
                    r -= u;
                }
            }
        }
        edges(k_hi > k_lo ? k_hi : k_lo, nv);
        phase_ = static_cast<std::uint32_t>(phi + cnt * M - n * L);
        load_window(in + n - K);
        return cnt;
    }

    // block_dots: the calls below simd_block_min() (which ran push(), one scalar FMA chain per
    // output), any L and M. Output by output, a dot product of dots_nv vectors: the dots_span
    // inputs ending at the output's input times its sub-filter's taps, zero-padded in front
    // (gr_'s rows, each on a whole vector); then W outputs' partial vectors reduced
    // together (reduce_rows, one transpose-add). No set-up; two loads per FMA (taps and
    // window), so well below block_simd and block_bcast once those have whole passes to run.
    // Measured (bench_resample, calls of the 4096 inputs, fraction of fma_peak/xsimd, AVX-512,
    // three alternated rounds, medians): 147/160 and 25/32 in calls of 256 0.04 -> 0.18 / 0.21
    // (push() before); 160/147 in calls of 256 block_bcast 0.13 against 0.18 here, 320 0.16 /
    // 0.17, 384 0.18 / 0.17, 512 0.21 / 0.19 (hence bcast_block_min); 2/3 in calls of 128
    // block_simd 0.17 against 0.22, 192 0.25 / 0.24, 256 0.30 / 0.24, and 3/2 (K = 21 of 32
    // lanes) block_simd ahead from 64 on: those keep block_min. Unaligned tap rows (the table
    // after gr_ at an offset of 8 bytes mod 64) read 0.15 / 0.17 instead of 0.18 / 0.20; the
    // window loads aligned (timing only, wrong sums) 1.1 x; the reduction replaced by plain
    // adds (timing only) 1.06 x; the scalar stepping of t and p replaced by closed forms per
    // lane the same, by tables of them 0.66 x.
    static constexpr std::size_t dots_w = bcast_w;  // 0 for fixed point
    static constexpr std::size_t dots_nv = dots_w == 0 ? 0 : (K + dots_w - 1) / dots_w;
    static constexpr std::size_t dots_span = dots_nv * dots_w;
    static constexpr bool dots_kernel = dots_w > 0 && !interp_lanes && K > 1 && dots_nv <= 8 &&
                                        L * dots_span * sizeof(T) <= 32768;
    static constexpr std::size_t bcast_block_min = 5 * M / 2;

    std::size_t block_dots(const T* in, std::size_t n, T* out) noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = dots_w, S = dots_span, NV = dots_nv;
        const std::size_t cnt = outputs(n);
        // lin[S - 1 + i] = x[i] for the outputs whose spans start before the block (t < S - 1,
        // so they read lin[t .. t + S - 1], inputs up to t only): zeros (met by zero taps
        // only), then copy_head's history and first inputs
        alignas(64) T lin[2 * S - 2];
        for (std::size_t i = 0; i < S - K; ++i) lin[i] = T(0);
        copy_head(lin + (S - K), in, n < S - 1 ? n : S - 1);
        const std::size_t phi = phase_;
        std::size_t t = phi / L, p = phi % L;  // output j: input t, sub-filter p
        // from_in: every output of the group reads `in` (its first output's t >= S - 1; t
        // only grows), so no per-output choice of the source
        auto dot = [&](auto from_in) NERVE_INLINE_LAMBDA {
            const T* x = !from_in && t < S - 1 ? lin + t : in + (t - (S - 1));
            const T* h = gr_[p].row.data();
            batch a = batch::load_unaligned(x) * batch::load_unaligned(h);
            static_for<NV - 1>([&](auto v) NERVE_INLINE_LAMBDA {
                a = nerve::detail::fmadd(batch::load_unaligned(x + (v + 1) * W), batch::load_unaligned(h + (v + 1) * W), a);
            });
            p += M % L;
            t += M / L;
            if (p >= L) {
                p -= L;
                ++t;
            }
            return a;
        };
        std::size_t j = 0;
        for (; j + W <= cnt; j += W) {
            batch acc[W];
            if (t >= S - 1) static_for<W>([&](auto u) NERVE_INLINE_LAMBDA { acc[u] = dot(std::true_type{}); });
            else static_for<W>([&](auto u) NERVE_INLINE_LAMBDA { acc[u] = dot(std::false_type{}); });
            reduce_rows<T>(acc).store_unaligned(out + j);
        }
        if (j < cnt) {
            batch acc[W];
            for (std::size_t u = 0; u < W; ++u) acc[u] = j + u < cnt ? dot(std::false_type{}) : batch(T(0));
            alignas(64) T r[W];
            reduce_rows<T>(acc).store_aligned(r);
            for (std::size_t u = 0; j + u < cnt; ++u) out[j + u] = r[u];
        }
        phase_ = static_cast<std::uint32_t>(phi + cnt * M - n * L);
        load_window(in + n - K);
        return cnt;
    }

    std::size_t block_interp_simd(const T* in, std::size_t n, T* out) noexcept {
        constexpr std::size_t H = K - 1, step = interp_bcast ? bcast_u * bcast_in : interp_u * simd_w;
        // The inputs whose windows start in the history, in whole passes, from a copy: the
        // last H inputs, then the block's first ones.
        constexpr std::size_t head_n = (H + step - 1) / step * step;
        const std::size_t hn = n < head_n ? n : head_n;
        auto pass = [&](const T* src, T* o) NERVE_INLINE_LAMBDA {
            if constexpr (interp_bcast) bcast_pass(src, o);
            else interp_pass(src, o);
        };
        // inputs [i0, i0 + count), windows src[i - i0 ..]: whole passes, then the last < step
        // inputs by one more pass over a copy of their windows padded with zeros, so that every
        // output of the block has the passes' summation order
        auto run = [&](const T* src, std::size_t i0, std::size_t count) {
            const std::size_t passes = count / step, rest = count % step;
            for (std::size_t q = 0; q < passes; ++q) pass(src + q * step, out + (i0 + q * step) * L);
            if (rest == 0) return;
            alignas(64) T tail[step + H];
            alignas(64) T tail_out[step * L];
            const T* w = src + passes * step;
            for (std::size_t j = 0; j < rest + H; ++j) tail[j] = w[j];
            for (std::size_t j = rest + H; j < step + H; ++j) tail[j] = T(0);
            pass(tail, tail_out);
            T* o = out + (i0 + passes * step) * L;
            for (std::size_t j = 0; j < rest * L; ++j) o[j] = tail_out[j];
        };
        if constexpr (H > 0) {
            alignas(64) T ext[H + head_n];
            copy_head(ext, in, hn);
            run(ext, 0, hn);
        }
        run(in + hn - H, hn, n - hn);
        load_window(in + n - K);
        return n * L;
    }

    std::size_t block_simd(const T* in, std::size_t n, T* out) noexcept {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = simd_w, U = simd_u, H = K - 1;
        alignas(64) T st[M * stream_pad];
        alignas(64) T ys[rows_ys ? L * group_len : 1];
        alignas(64) T vbuf[W];
        const T* hist = window();  // x[-K .. -1]
        std::size_t written = 0;
        std::size_t phi = phase_;
        for (std::size_t n0 = 0; n0 < n; n0 += chunk) {
            const std::size_t c = n - n0 < chunk ? n - n0 : chunk;
            // ext[e] = x[n0 - H + e], e in [0, H + c), into the M streams: st[r][a] = ext[aM + r].
            // The samples before the block (first chunk only) one by one from the history, then
            // M vectors of `in` at a time into one vector of each stream (split_lanes).
            auto put = [&](std::size_t e, T v) { st[(e % M) * stream_pad + e / M] = v; };
            std::size_t e = 0;
            for (; e < H + c && n0 + e < H; ++e) put(e, hist[K + n0 + e - H]);
            auto ext = [&](std::size_t i) { return in + (n0 + i - H); };  // &ext[i], i >= H - n0
            if constexpr (split_lanes) {
                std::size_t a = (e + M - 1) / M;
                for (; e < a * M && e < H + c; ++e) put(e, *ext(e));
                for (; (a + W) * M <= H + c; a += W) {
                    batch v[M], sv[M];
                    static_for<M>([&](auto m) NERVE_INLINE_LAMBDA { v[m] = batch::load_unaligned(ext(a * M + m * W)); });
                    gather_lanes<M, false>(v, sv);
                    static_for<M>([&](auto r) NERVE_INLINE_LAMBDA { sv[r].store_unaligned(st + r * stream_pad + a); });
                }
                e = e > a * M ? e : a * M;
            } else if constexpr (split_tiles) {
                // W rows of the input (W M samples) at a time, as W x W tiles: v[i] lane p =
                // ext[(a + i) M + r + p] = s_(r+p)[a + i].
                // The last tiles may have fewer whole rows: zeros in the others' lanes, which
                // land before the streams' ends and are overwritten below.
                std::size_t a = (e + M - 1) / M;
                for (; e < a * M && e < H + c; ++e) put(e, *ext(e));
                while ((a + 1) * M <= H + c) {
                    const std::size_t rows = (H + c) / M - a < W ? (H + c) / M - a : W;
                    for (std::size_t r0 = 0; r0 < M; r0 += W) {
                        const std::size_t r = r0 + W <= M ? r0 : M - W;
                        copy_tile_transposed(ext(a * M + r), M, rows, st + r * stream_pad + a, stream_pad, W);
                    }
                    a += rows;
                }
                e = e > a * M ? e : a * M;
            }
            for (; e < H + c; ++e) put(e, *ext(e));
            // Whole vectors of outputs read up to 2 W past a stream's last sample: zeros there
            // (finite, and no uninitialised reads), the lanes they make are never kept.
            for (std::size_t r = 0; r < M; ++r) {
                const std::size_t len = (H + c - r + M - 1) / M;
                for (std::size_t l = 0; l < 2 * W; ++l) st[r * stream_pad + len + l] = T(0);
            }
            // Outputs of this chunk: phi + jM < cL.
            const std::size_t cnt = (c * L - phi + M - 1) / M;
            T* o = out + written;
            std::size_t q_placed = 0;  // outputs qL + j, q < q_placed, are in place already
            if constexpr (fuse_groups) {
                alignas(64) tap_type gx[shared_len<L, fuse_span>];
                const shared_window win = shared_taps<L, fuse_span>(phi, 0, gx);
                // Whole passes while every group has their outputs straight into place, the rest
                // vector by vector into ys.
                const std::size_t nq_max = (cnt + L - 1) / L;
                std::size_t q = 0;
                for (; q + fuse_u * W <= cnt / L; q += fuse_u * W) group_pass<L, fuse_span, fuse_u, true>(st, win, gx, o, q);
                q_placed = q;
                // The rest (a block's last chunk) in passes of fuse_u / 2, 2 or 1 vectors: one
                // vector of each group alone is a chain of K dependent FMAs per sum.
                constexpr std::size_t u_half = fuse_u / 2 > 2 ? fuse_u / 2 : 2;
                while (q < nq_max) {
                    const std::size_t vectors = (nq_max - q + W - 1) / W;
                    if (u_half < fuse_u && vectors >= u_half) {
                        group_pass<L, fuse_span, u_half, false>(st, win, gx, ys, q);
                        q += u_half * W;
                    } else if (fuse_u >= 2 && vectors >= 2) {
                        group_pass<L, fuse_span, 2, false>(st, win, gx, ys, q);
                        q += 2 * W;
                    } else {
                        group_pass<L, fuse_span, 1, false>(st, win, gx, ys, q);
                        q += W;
                    }
                }
            } else if constexpr (rows_ys) {
                // Into ys, several groups per pass (interp_sums independent sums): as many groups
                // as it takes to fill the sums with the vectors each has (2 for 160/147's chunks
                // of 2 W M inputs), then fewer for the last.
                const std::size_t ng = L < cnt ? L : cnt, nv = ((cnt + L - 1) / L + W - 1) / W;
                std::size_t j = 0;
                if (nv * 4 < interp_sums) j = rows_run<8>(st, phi, cnt, j, ng, ys);
                if (nv * 2 < interp_sums) j = rows_run<4>(st, phi, cnt, j, ng, ys);
                j = rows_run<2>(st, phi, cnt, j, ng, ys);
                rows_run<1>(st, phi, cnt, j, ng, ys);
            } else {
                for (std::size_t j0 = 0; j0 < L && j0 < cnt; ++j0) {
                    const std::size_t v = phi + j0 * M;
                    const std::size_t t0 = v / L, p = v % L;
                    const tap_type* g = gr_[p].data();  // g[K-1-i] multiplies x[t - i]
                    const std::size_t nq = (cnt - j0 + L - 1) / L;  // outputs j0 + qL < cnt
                    // Outputs q .. q + W (the first `keep` of them) of the group: o[j0 + qL].
                    auto store = [&](const batch& acc, std::size_t q, std::size_t keep) NERVE_INLINE_LAMBDA {
                        acc.store_aligned(vbuf);
                        for (std::size_t l = 0; l < keep; ++l) o[j0 + (q + l) * L] = vbuf[l];
                    };
                    // Tap i, output q reads ext[t0 + H - i + qM] = s_r[a + q] with b = t0 + H - i =
                    // aM + r: offs[i] = r * stream_pad + a.
                    std::size_t offs[K];
                    for (std::size_t i = 0; i < K; ++i) offs[i] = stream_at[t0 + H - i];
                    std::size_t q = 0;
                    for (; q + U * W <= nq; q += U * W) {
                        batch acc[U];
                        for (std::size_t u = 0; u < U; ++u) acc[u] = batch(T(0));
                        for (std::size_t i = 0; i < K; ++i) {
                            const T* s = st + offs[i] + q;
                            const batch h(g[K - 1 - i]);
                            for (std::size_t u = 0; u < U; ++u)
                                acc[u] = nerve::detail::fmadd(h, batch::load_unaligned(s + u * W), acc[u]);
                        }
                        for (std::size_t u = 0; u < U; ++u) store(acc[u], q + u * W, W);
                    }
                    for (; q < nq; q += W) {  // the last vector may be partial
                        batch acc(T(0));
                        for (std::size_t i = 0; i < K; ++i) {
                            acc = nerve::detail::fmadd(batch(g[K - 1 - i]), batch::load_unaligned(st + offs[i] + q), acc);
                        }
                        store(acc, q, nq - q < W ? nq - q : W);
                    }
                }
            }
            if constexpr (rows_ys) {
                // o[qL + j] = ys[j][q]: whole vectors while every group has W more outputs
                // (group j has ceil((cnt - j) / L), the last floor(cnt / L)), then one by one.
                std::size_t q = q_placed;
                for (; q + W <= cnt / L; q += W) {
                    if constexpr (join_lanes) {
                        batch v[L];
                        static_for<L>([&](auto j) NERVE_INLINE_LAMBDA { v[j] = batch::load_aligned(ys + j * group_len + q); });
                        store_lanes_interleaved<L>(v, o + q * L);
                    } else {
                        join_tiles_at(ys, o, q, W);
                    }
                }
                // join_tiles: the last whole rows of outputs (fewer than W) by tiles as well
                if constexpr (join_tiles) {
                    if (q < cnt / L) {
                        join_tiles_at(ys, o, q, cnt / L - q);
                        q = cnt / L;
                    }
                }
                for (; q * L < cnt; ++q)
                    for (std::size_t j = 0; j < L && q * L + j < cnt; ++j) o[q * L + j] = ys[j * group_len + q];
            }
            written += cnt;
            phi = phi + cnt * M - c * L;
        }
        phase_ = static_cast<std::uint32_t>(phi);
        load_window(in + n - K);
        return written;
    }
#endif

#if NERVE_FIR_ARM_VLDM
    // Cortex-M4F float: push() sums in the block kernel's order (poly_dot_chain: g[0] x[0]
    // rounded, then one fused chain, oldest sample first), so push() and process() give the
    // same bits. Interpolation (M = 1): the L outputs of an input share its window, which is
    // loaded once into registers for all of them: 48 taps x 4 on a Cortex-M4, push() 226 -> 140
    // instructions and 503 -> 279 modelled cycles per input (fir_dot per output before).
    static constexpr bool m4f_chain = std::is_same_v<T, float>;
    static constexpr bool m4f_push = m4f_chain && M == 1 && K <= 16 && L <= 8;
    NERVE_ALWAYS_INLINE void m4f_outputs(const T* NERVE_RESTRICT w, T* NERVE_RESTRICT y) const noexcept {
        float x[K];
        static_for<K>([&](auto j) NERVE_INLINE_LAMBDA { x[j] = w[j]; });
        static_for<L>([&](auto p) NERVE_INLINE_LAMBDA { y[p] = poly_dot_chain<K>(gr_[p].data(), x); });
    }

    // Cortex-M4F float block path (any L/M) over a block of finite inputs (n >= K). Output j of
    // the block (phase φ0 = phase() at its start) comes after input t_j = (φ0 + jM) / L with
    // sub-filter (φ0 + jM) mod L, so outputs j0, j0 + L, j0 + 2L, ... share a sub-filter and
    // their windows x[t - K + 1 .. t] start M inputs apart: detail::poly_block_m4f runs each such
    // sequence, 8 outputs per pass, first on the windows that start in the history (a copy of
    // the last K - 1 inputs followed by the first K - 1 of the block), then on `in` itself; the
    // < 8 outputs left of each take poly_dot_chain: every output is summed in push()'s order, so
    // the same bits.
    std::size_t block_m4f(const T* in, std::size_t n, T* out) noexcept {
        constexpr std::size_t H = K - 1;
        T head[H > 0 ? 2 * H : 1];
        copy_head(head, in, H);
        // outputs o[0], o[L], ... o[(count - 1) L] of sub-filter p, windows src[0], src[M], ...
        auto run = [&](std::uint32_t p, const T* src, T* o, std::size_t count) {
            const std::size_t done = poly_block_m4f<K, L, M>(gr_[p].data(), src, o, count);
            for (std::size_t q = done; q < count; ++q) o[q * L] = poly_dot_chain<K>(gr_[p].data(), src + q * M);
        };
        const std::size_t cnt = outputs(n);
        const std::size_t phi = phase_;
        for (std::size_t j0 = 0; j0 < L && j0 < cnt; ++j0) {
            const std::size_t v = phi + j0 * M, t0 = v / L;
            const auto p = static_cast<std::uint32_t>(v % L);
            const std::size_t nq = (cnt - j0 + L - 1) / L;              // outputs j0 + qL < cnt
            std::size_t qh = t0 < H ? (H - t0 + M - 1) / M : 0;          // those with t < H
            qh = qh < nq ? qh : nq;
            if (qh > 0) run(p, head + t0, out + j0, qh);
            if (qh < nq) run(p, in + (t0 + qh * M - H), out + j0 + qh * L, nq - qh);
        }
        phase_ = static_cast<std::uint32_t>(phi + cnt * M - n * L);
        load_window(in + n - K);
        return cnt;
    }
#else
    static constexpr bool m4f_chain = false;
#endif

    // q31 interpolation (M = 1) over a block: the first K - 1 inputs through push() (their
    // windows reach into the delay line), then every later input's window lies in `in` itself,
    // so three consecutive inputs are done per pass and phase: an exact phase shares each tap
    // load among the three outputs (detail::triple_outputs; Cortex-M4, interpolator 48x4:
    // see the file comment), the others take dot_q31 three times. The same integers as push(), so
    // the same outputs bit for bit (fixed point has no non-finite input to hold).
    std::size_t block_q31_interp(const T* in, std::size_t n, T* out) noexcept {
        push_each<false>(in, K - 1, out);  // the inputs whose windows reach into the delay line
        std::size_t i = K - 1;
        for (; i + 2 < n; i += 3) {
            const T* win = in + i - (K - 1);
            T* o = out + i * L;
            for (std::uint32_t p = 0; p < L; ++p) {
                if (mode_[p] == q31_mode::exact) {
                    std::int64_t a0, a1, a2;
                    triple_outputs<K, 2>(gr_[p].data(), win, a0, a1, a2);
                    o[p] = round_q31(a0);
                    o[p + L] = round_q31(a1);
                    o[p + 2 * L] = round_q31(a2);
                } else {
                    o[p] = dot_q31_call(p, win);
                    o[p + L] = dot_q31_call(p, win + 1);
                    o[p + 2 * L] = dot_q31_call(p, win + 2);
                }
            }
        }
        for (; i < n; ++i)
            for (std::uint32_t p = 0; p < L; ++p) out[i * L + p] = dot_q31_call(p, in + i - (K - 1));
        load_window(in + n - K);
        return n * L;
    }
    // q15 interpolation (M = 1), the same walk as block_q31_interp: three inputs per pass and
    // phase share each tap load (detail::triple_outputs); the exact int64 sums and the one
    // rounding of poly_dot<q15>, so bit for bit what push() gives. Cortex-M4, 48 taps x 4:
    // push() 268 -> 169 instructions, 361 -> 203 modelled cycles per input over 256 inputs
    // (CMSIS-DSP arm_fir_interpolate_q15: 199.7 / 278.7).
    std::size_t block_q15_interp(const T* in, std::size_t n, T* out) noexcept {
        push_each(in, K - 1, out);  // the inputs whose windows reach into the delay line
        auto round_q15 = [](std::int64_t acc) {
            return q15::from_raw(nerve::detail::saturate<std::int16_t>((acc + (std::int64_t{1} << 14)) >> 15));
        };
        std::size_t i = K - 1;
        for (; i + 2 < n; i += 3) {
            const T* win = in + i - (K - 1);
            T* o = out + i * L;
            for (std::uint32_t p = 0; p < L; ++p) {
                std::int64_t a0, a1, a2;
                triple_outputs<K, 1>(gr_[p].data(), win, a0, a1, a2);
                o[p] = round_q15(a0);
                o[p + L] = round_q15(a1);
                o[p + 2 * L] = round_q15(a2);
            }
        }
        for (; i < n; ++i)
            for (std::uint32_t p = 0; p < L; ++p) out[i * L + p] = poly_dot<T, K>(gr_[p].data(), in + i - (K - 1));
        load_window(in + n - K);
        return n * L;
    }
    static NERVE_ALWAYS_INLINE q31 round_q31(std::int64_t acc) noexcept {
        return q31::from_raw(nerve::detail::saturate<std::int32_t>((acc + (std::int64_t{1} << 30)) >> 31));
    }

    // q31 (see set_taps): how each phase sums; the guard path rebuilds the int64 taps.
    enum class q31_mode : std::uint8_t { exact, split, guard };
    NERVE_ALWAYS_INLINE q31 dot_q31(std::uint32_t p, const T* w) const noexcept {
        const std::int32_t* g = gr_[p].data();
        if (mode_[p] == q31_mode::exact) return poly_dot_q31_pairs_exact<K>(g, w);
        if (NERVE_LIKELY(mode_[p] == q31_mode::split)) return poly_dot_q31_split<K>(g, w);
        std::array<std::int64_t, K> g64{};
        for (std::size_t j = 0; j < K; ++j) g64[j] = 2 * std::int64_t{g[2 * j]} + g[2 * j + 1];
        return poly_dot<q31, K>(g64.data(), w);
    }
    // One out-of-line copy of dot_q31 for the block path's cold parts (its first K - 1 inputs,
    // its last n % 3, the phases without exact taps): inlined there it made five copies of the
    // three sums. Cortex-M4, 48 taps x 4, process() of 256 (tools/mcu_filter_table.py): the
    // code it runs 4412 -> 3166 B, 193.4 -> 181.1 instructions and 237.8 -> 229.1 modelled
    // cycles per input (the block's loop, no longer holding those copies, was laid out anew).
    [[gnu::noinline]] q31 dot_q31_call(std::uint32_t p, const T* w) const noexcept { return dot_q31(p, w); }

#if NERVE_HAS_XSIMD
    static constexpr std::size_t row_pad = dots_kernel ? dots_span - K : 0;
    static constexpr std::size_t row_align = dots_kernel ? dots_w * sizeof(T) : alignof(tap_type);
#else
    static constexpr std::size_t row_pad = 0;
    static constexpr std::size_t row_align = alignof(tap_type);
#endif
    // One sub-filter, reversed, after row_pad zeros: with block_dots, the row is its whole
    // vectors (zeros met by the window's oldest inputs) and starts on a vector, so push(),
    // block_simd's set-up and block_dots read one table (a second, padded copy cost 12.9 KB
    // of 147/160's 32.6 KB on AVX-512); otherwise row_pad is 0 and the row is K taps.
    struct alignas(row_align) phase_row {
        std::array<tap_type, row_pad + K> row{};
        tap_type* data() noexcept { return row.data() + row_pad; }
        const tap_type* data() const noexcept { return row.data() + row_pad; }
        const tap_type& operator[](std::size_t j) const noexcept { return row[row_pad + j]; }
    };
    // Per-phase sub-filters, reversed (configuration). q31: two int32 per tap (set_taps), the
    // same bytes as one int64 tap.
    using phase_taps = std::conditional_t<is_q31_v<T>, std::array<std::int32_t, 2 * K>, phase_row>;
    std::array<phase_taps, L> gr_{};
#if NERVE_HAS_XSIMD
    template <int>
    struct no_table {};  // one type per table: two empty members of one type cannot share an address
    // The kernels' tap tables start on a cache line (whole vectors: no load splits one)
    template <std::size_t N>
    struct alignas(64) tap_table : std::array<T, N> {};
    // bcast_pass's tap vectors (configuration, set_bcast_taps)
    [[no_unique_address]] std::conditional_t<interp_bcast, tap_table<bcast_table_len>, no_table<0>> bt_{};
    // block_bcast's tap vectors (configuration, set_rb_taps)
    [[no_unique_address]] std::conditional_t<resample_bcast, tap_table<rb_table_len>, no_table<1>> rbt_{};
#endif
    std::array<T, 2 * K> delay_{};
    std::uint32_t pos_ = 0;
    std::uint32_t phase_ = 0;  // (index of next output) * M - (inputs so far) * L, in [0, M)
    hold_last_good<T> guard_;  // bad input: hold the last good sample
    // q31: per sub-filter, which sum its taps allow (configuration)
    std::array<q31_mode, is_q31_v<T> ? L : 0> mode_{};
};

}  // namespace detail

template <sample_type T, std::size_t Taps, std::size_t L>
class fir_interpolator {
    static_assert(Taps >= 1 && L >= 1);

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t taps = Taps;
    static constexpr std::size_t factor = L;

    /// firwin_lowpass<Taps>(1/L), Hamming, scaled by L (unity pass-band gain).
    fir_interpolator() noexcept
        : fir_interpolator(firwin_lowpass<Taps>(1.0 / static_cast<double>(L), fir_window::hamming(),
                                                static_cast<double>(L))) {}
    /// Taps as given (upfirdn does not scale them). Fixed point: taps given as double/float may
    /// lie in (-2, 2) and are rounded to the nearest LSB of the format (see detail::poly_tap).
    template <class U>
        requires(std::is_floating_point_v<U> || is_fixed_point_v<U>)
    explicit fir_interpolator(const std::array<U, Taps>& h) noexcept : pf_(taps_as<double>(h)) {}

    /// Pushes one input; emits L outputs.
    template <class Emit>
    void push(const T& x, Emit&& emit) {
        pf_.push(x, emit);
    }

    /// Interpolates a block: writes L * in.size() outputs and returns that count. `out` must not
    /// overlap `in`: an interpolator writes ahead of its input, so an overlapping block is refused
    /// (0 returned, nothing written, state unchanged; see polyphase_fir::process_block).
    std::size_t process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size() * L);
        return pf_.process_block(in.data(), in.size(), out.data());
    }

    void reset() noexcept { pf_.reset(); }
    std::uint32_t rejected() const noexcept { return pf_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        pf_.visit_state(v);
    }
    bool state_is_valid() const noexcept { return pf_.state_is_valid(); }

private:
    detail::polyphase_fir<T, Taps, L, 1> pf_;
};

}  // namespace nerve::filter
