// nerve/filter/detail/biquad_block.hpp — wide-vector kernels behind biquad.hpp's block paths
// (an implementation detail of nerve::multi<biquad_cascade<float, S>, C>; no public API).
//
// bank8_df1_avx512: 8 float channels of an S-section cascade (S even) on 16-lane AVX-512.
//
// Why: 8 channels fill half a vector. Running them at half width caps the bank at half the
// machine's FMA rate, and the DF2T recurrence (y = b0 x + s1, s1' = -a1 y + ...: two FMA
// latencies from s1 to s1') caps it further: 8 channels x S sections are only 8S
// independent chains, each 2 x 4 cycles per sample on an AVX-512 Xeon, so at most 0.625 of
// the FMA peak whatever the lane layout. Two changes lift both limits:
// - lanes 0-7 run sections 0 .. S/2-1 on frame i while lanes 8-15 run sections S/2 .. S-1
//   on frame i - B (a wavefront with a lag of B = 16 frames: the lower half's output of
//   frame i waits in out[i] until the upper half takes it as input and overwrites it with
//   that frame's final output). One 256-bit insert per frame assembles [x_i | y_lo(i - B)],
//   every section is then one full vector; the lag keeps the store-load out of the critical
//   loop.
// - direct form I inside the kernel: y = na1 y1 + (na2 y2 + (b0 x + (b1 x1 + b2 x2)))
//   evaluated as fma(na1, y1, fma(na2, y2, fma(b0, x, fma(b1, x1, b2 * x2)))): the
//   recurrence from y[n-1] to y[n] is one FMA (4 cycles), from y[n-2] two (over two
//   frames), the same 5 operations (10 flops) per section and sample as DF2T.
// The filter's state stays the DF2T pair (s1, s2) per section: the kernel starts every
// section from a zero DF1 history and adds the DF2T state where it enters the DF2T
// equations (s1 into y[0], s2 into y[1]: exactly the missing history terms), and at the end
// rebuilds (s1, s2) from the last two inputs and outputs of each section with the DF2T
// state equations. The result therefore differs from the per-sample DF2T filter by
// rounding only (the bound is derived and tested in tests/filter/test_biquad_block.cpp).
//
// Measured (AVX-512 Xeon, 4 sections, 1024 frames, one nerve_bench run on a loaded machine):
// biquad4x8/nerve 0.09 of fma_peak/xsimd with the per-frame path it replaces -> 0.82, the
// same as 16 channels (0.83).
//
// Where the cycles went (Emerald Rapids class Xeon: 512-bit FMAs on ports 0 and 5, shuffles
// on 5 only). Bound: per frame 10 FMAs + 1 insert on ports 0/5 = 5.5 cycles, 0.91 of the
// peak (0.89 with the 16 wavefront frames a 1024-frame call adds). The earlier loop of two
// frames measured ~6.3 cycles (0.77-0.81): per frame it also ran ~6 scalar uops (ring slot
// i % B, address shifts) and ~4 register copies of the rotating histories; GCC kept the
// ring in memory only there. The steady loop is now unrolled by 8 frames with out[] as the
// ring: 14 fused uops per frame (2 loads, 10 FMAs, the load-form insert, 2 stores), no
// copies, 1.4 scalar uops per 8 frames: 0.84-0.86 of the peak side by side (~5.8 cycles).
// The lag matters: B = 8 measured 0.81 with the same loop (the upper half's work of a
// frame waits ~30 cycles for the lower half's output, store, load and insert included, and
// with a short lag it waits in the scheduler), B = 32 0.85. A timing-only run with the
// insert replaced by a plain 16-float load measured 0.84-0.89, so the remaining gap to the
// bound is the ports running at ~0.95 of it (the 16-channel bank's pure-FMA loop: 0.85-0.87
// of its own 1.0 bound then; 0.98-1.01 since its loop is skewed as below). Assembling x
// without the port-5 op needs one 16-float load over two 8-float stores: a staging ring
// [in(i) | y_lo(i - B)] measured 0.69 (failed store forwarding); a merge-masked load in
// place of the insert ran 7x slower (not investigated).
// The madd order above is also the fast one: taking b0 x after na2 y2 (x -> y in 2 FMAs
// instead of 3) made y[n-2] -> y[n] three FMAs over two frames (6 cycles per frame): 0.66.
// Skewed steady loop (as biquad_bank's 16-lane fast pass): iteration j runs vector section h
// on frame j - h, so the S/2 sections of an iteration depend only on the iteration before
// instead of forming a 3-FMA-per-section chain inside the frame; each section then keeps its
// own input and output histories (i[h + 1] lags o[h] by a frame). Same operations, same bits
// (hashes of S = 2/4/6/8 over calls of 5..1024 frames equal). Old/new in separate binaries,
// alternated, loaded machine (load ~3), 1024 frames: S = 8 0.85 -> 0.91-0.92, S = 6 0.86-0.87
// -> 0.88-0.89; S = 4 the same within the noise (nerve_bench biquad4x8/nerve, 5 alternations:
// 0.83-0.88 before, 0.85-0.89 after; its bound is 0.89); S = 2 (one vector section) unchanged.
//
// Bad input: the kernel leaves the state untouched and returns false if any section's
// history ends non-finite (a NaN/Inf input or an overflow makes y non-finite for good:
// y[n] contains na1 * y[n-1], and 0 * Inf and 0 * NaN are NaN); the caller then redoes
// the block with the exact per-sample bad-input handling.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../../config.hpp"
#include "../../core/static_for.hpp"

// Every loop over sections is unrolled: the histories must stay in registers (an array
// indexed in a rolled loop would live in memory, one store per register per frame).
#if defined(__GNUC__) && !defined(__clang__)
#define NERVE_BQB_UNROLL _Pragma("GCC unroll 16")
#elif defined(__clang__)
#define NERVE_BQB_UNROLL _Pragma("unroll")
#else
#define NERVE_BQB_UNROLL
#endif

#if NERVE_HAS_XSIMD && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define NERVE_IIR_BANK8_AVX512 1
#else
#define NERVE_IIR_BANK8_AVX512 0
#endif

namespace nerve::filter::iir_detail {

using nerve::detail::static_for_range;

#if NERVE_IIR_BANK8_AVX512
NERVE_GCC_INTRINSICS_BEGIN  // see config.hpp

/// Lag (frames) between the two halves. The store-to-load round trip through out plus the
/// sections' latency must fit into B frames of issue time.
inline constexpr std::size_t bank8_lag = 16;

/// Frames needed for the kernel (shorter blocks take the per-sample path).
inline constexpr std::size_t bank8_min_frames = 2 * bank8_lag;

/// cf: [S][5][CP] coefficients (b0 b1 b2 na1 na2, channel-minor, CP >= 16 floats per row);
/// s1, s2: [S][CP] DF2T state, updated only when the result is finite (returns true).
/// in, out: n frames of 8 floats each (stride 8), n >= bank8_min_frames, not overlapping;
/// out also parks the lower half's outputs for B frames (overwritten with the final ones).
template <std::size_t S, std::size_t CP>
bool bank8_df1_avx512(const float* NERVE_RESTRICT cf, float* NERVE_RESTRICT s1, float* NERVE_RESTRICT s2,
                      const float* NERVE_RESTRICT in, float* NERVE_RESTRICT out, std::size_t n) noexcept {
    static_assert(S % 2 == 0 && S >= 2, "two halves of S/2 sections");
    constexpr std::size_t H = S / 2;
    constexpr std::size_t B = bank8_lag;
    auto pair = [](const float* lo, const float* hi) NERVE_INLINE_LAMBDA {
        return _mm512_insertf32x8(_mm512_castps256_ps512(_mm256_loadu_ps(lo)), _mm256_loadu_ps(hi), 1);
    };
    // Vector section h: lanes 0-7 = section h, lanes 8-15 = section H + h.
    __m512 b0[H], b1[H], b2[H], na1[H], na2[H];
    NERVE_BQB_UNROLL
    for (std::size_t h = 0; h < H; ++h) {
        const float* lo = cf + h * 5 * CP;
        const float* hi = cf + (H + h) * 5 * CP;
        b0[h] = pair(lo, hi);
        b1[h] = pair(lo + CP, hi + CP);
        b2[h] = pair(lo + 2 * CP, hi + 2 * CP);
        na1[h] = pair(lo + 3 * CP, hi + 3 * CP);
        na2[h] = pair(lo + 4 * CP, hi + 4 * CP);
    }
    // DF1 histories of vector section h: input i1[h], i2[h] (last and second-last value of
    // the signal entering it), output o1[h], o2[h]. Frame by frame o[h] equals i[h + 1]; in
    // the skewed loop below i[h + 1] lags o[h] by a frame. All zero: the DF2T state enters
    // through `corr` below.
    __m512 i1[H], i2[H], o1[H], o2[H];
    NERVE_BQB_UNROLL
    for (std::size_t h = 0; h < H; ++h) i1[h] = i2[h] = o1[h] = o2[h] = _mm512_setzero_ps();

    auto section = [&](std::size_t h, __m512 x, const __m512* corr) NERVE_INLINE_LAMBDA {
        __m512 f = _mm512_mul_ps(b2[h], i2[h]);
        if (corr != nullptr) f = _mm512_add_ps(f, corr[h]);
        f = _mm512_fmadd_ps(b1[h], i1[h], f);
        f = _mm512_fmadd_ps(b0[h], x, f);
        f = _mm512_fmadd_ps(na2[h], o2[h], f);
        const __m512 y = _mm512_fmadd_ps(na1[h], o1[h], f);
        i2[h] = i1[h];
        i1[h] = x;
        o2[h] = o1[h];
        o1[h] = y;
        return y;
    };
    auto sections = [&](__m512 x, const __m512* corr) NERVE_INLINE_LAMBDA {
        NERVE_BQB_UNROLL
        for (std::size_t h = 0; h < H; ++h) x = section(h, x, corr);
        return x;
    };
    auto assemble = [&](std::size_t i, bool have_x) NERVE_INLINE_LAMBDA {
        const __m256 xl = have_x ? _mm256_loadu_ps(in + 8 * i) : _mm256_setzero_ps();
        return i >= B ? _mm512_insertf32x8(_mm512_castps256_ps512(xl), _mm256_loadu_ps(out + 8 * (i - B)), 1)
                      : _mm512_zextps256_ps512(xl);
    };
    auto finish = [&](std::size_t i, bool have_x, __m512 y) NERVE_INLINE_LAMBDA {
        if (have_x) _mm256_storeu_ps(out + 8 * i, _mm512_castps512_ps256(y));
        // Upper half's output of frame i - B: a masked store of lanes 8-15 to 8 floats before
        // out[i - B] (no shuffle; the masked-off lanes are not accessed).
        if (i >= B) {
            const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(out + 8 * (i - B)) - 8 * sizeof(float);
            _mm512_mask_storeu_ps(reinterpret_cast<void*>(at), 0xFF00, y);
        }
    };
    // Frame i: the lower half takes in[i] (zero past the end); the upper half takes the lower
    // half's output of frame i - B (zero for i < B, so the upper half stays exactly zero until
    // its first frame), parked in out[i - B] (8 floats the upper half overwrites with the
    // final output of that frame in this same step, after reading them). out is the ring: no
    // slot index, no second buffer, and the compiler cannot carry 16 slots in registers (it
    // did with a local ring, at the cost of copies) — one load-form insert per frame.
    auto frame = [&](std::size_t i, bool have_x, const __m512* corr) NERVE_INLINE_LAMBDA {
        finish(i, have_x, sections(assemble(i, have_x), corr));
    };
    // The DF2T state as the missing history terms: s1 into a section's first output, s2 into
    // its second (lower half at frames 0, 1; upper half at frames B, B + 1).
    __m512 corr[H];
    auto set_corr = [&](const float* st, bool upper) {
        NERVE_BQB_UNROLL
        for (std::size_t h = 0; h < H; ++h) {
            const __m256 v = _mm256_loadu_ps(st + (upper ? H + h : h) * CP);
            corr[h] = upper ? _mm512_insertf32x8(_mm512_setzero_ps(), v, 1)
                            : _mm512_insertf32x8(_mm512_castps256_ps512(v), _mm256_setzero_ps(), 1);
        }
    };
    set_corr(s1, false);
    frame(0, true, corr);
    set_corr(s2, false);
    frame(1, true, corr);
    for (std::size_t i = 2; i < B; ++i) frame(i, true, nullptr);
    set_corr(s1, true);
    frame(B, true, corr);
    set_corr(s2, true);
    frame(B + 1, true, corr);
    // Frames B + 2 .. n - 1 skewed: iteration j runs vector section h on frame j - h (the
    // sections of one iteration depend only on the iteration before), sections whose frame
    // is outside that range idle in the H - 1 iterations at each end.
    constexpr std::size_t F = B + 2;
    __m512 c[H];  // c[h]: section h's output of the last iteration, section h + 1's next input
    auto iteration = [&](std::size_t j, auto lo, auto hi) NERVE_INLINE_LAMBDA {
        constexpr std::size_t L = decltype(lo)::value, U = decltype(hi)::value;
        __m512 y[H];
        static_for_range<L, U>([&](auto h) NERVE_INLINE_LAMBDA {
            if constexpr (h == 0) {
                y[0] = section(0, assemble(j, true), nullptr);
            } else {
                y[h] = section(h, c[h - 1], nullptr);
            }
        });
        static_for_range<L, U>([&](auto h) NERVE_INLINE_LAMBDA {
            if constexpr (h + 1 < H) {
                c[h] = y[h];
            } else {
                finish(j - h, true, y[h]);
            }
        });
    };
    using zero = std::integral_constant<std::size_t, 0>;
    using last = std::integral_constant<std::size_t, H - 1>;
    if constexpr (H > 1) static_for_range<0, H - 2>([&](auto p) NERVE_INLINE_LAMBDA { iteration(F + p, zero{}, p); });
    std::size_t i = F + H - 1;
    for (; i + 8 <= n; i += 8) {
        NERVE_BQB_UNROLL
        for (std::size_t k = 0; k < 8; ++k) iteration(i + k, zero{}, last{});
    }
    for (; i < n; ++i) iteration(i, zero{}, last{});
    if constexpr (H > 1) static_for_range<0, H - 2>([&](auto p) NERVE_INLINE_LAMBDA {
        iteration(n + p, std::integral_constant<std::size_t, p + 1>{}, last{});
    });
    i = n;
    // Lower half's final history (frames n-1, n-2), before the epilogue feeds it zeros.
    __m512 li1[H], li2[H], lo1[H], lo2[H];
    NERVE_BQB_UNROLL
    for (std::size_t h = 0; h < H; ++h) {
        li1[h] = i1[h];
        li2[h] = i2[h];
        lo1[h] = o1[h];
        lo2[h] = o2[h];
    }
    for (; i < n + B; ++i) frame(i, false, nullptr);
    // Rebuild the DF2T state of every section from x[n-1], x[n-2] (its input) and y[n-1],
    // y[n-2] (its output): s2 = na2 y1 + b2 x1, s1 = na1 y1 + (b1 x1 + (na2 y2 + b2 x2)),
    // the DF2T equations with the madd order of df2t_step.
    constexpr __mmask16 lo = 0x00FF;
    __m512 ns1[H], ns2[H];
    __m512 check = _mm512_setzero_ps();
    NERVE_BQB_UNROLL
    for (std::size_t h = 0; h < H; ++h) {
        const __m512 x1 = _mm512_mask_blend_ps(lo, i1[h], li1[h]), x2 = _mm512_mask_blend_ps(lo, i2[h], li2[h]);
        const __m512 y1 = _mm512_mask_blend_ps(lo, o1[h], lo1[h]);
        const __m512 y2 = _mm512_mask_blend_ps(lo, o2[h], lo2[h]);
        ns2[h] = _mm512_fmadd_ps(na2[h], y1, _mm512_mul_ps(b2[h], x1));
        const __m512 p2 = _mm512_fmadd_ps(na2[h], y2, _mm512_mul_ps(b2[h], x2));
        ns1[h] = _mm512_fmadd_ps(na1[h], y1, _mm512_fmadd_ps(b1[h], x1, p2));
        // x * 0 is 0 for finite x and NaN otherwise: one NaN test for everything.
        const __m512 z = _mm512_setzero_ps();
        check = _mm512_fmadd_ps(ns1[h], z, _mm512_fmadd_ps(ns2[h], z, check));
        check = _mm512_fmadd_ps(y1, z, _mm512_fmadd_ps(y2, z, check));
    }
    if (NERVE_UNLIKELY(_mm512_cmp_ps_mask(check, check, _CMP_UNORD_Q) != 0)) return false;
    NERVE_BQB_UNROLL
    for (std::size_t h = 0; h < H; ++h) {
        _mm256_storeu_ps(s1 + h * CP, _mm512_castps512_ps256(ns1[h]));
        _mm256_storeu_ps(s1 + (H + h) * CP, _mm512_extractf32x8_ps(ns1[h], 1));
        _mm256_storeu_ps(s2 + h * CP, _mm512_castps512_ps256(ns2[h]));
        _mm256_storeu_ps(s2 + (H + h) * CP, _mm512_extractf32x8_ps(ns2[h], 1));
    }
    return true;
}
NERVE_GCC_INTRINSICS_END
#endif

}  // namespace nerve::filter::iir_detail
