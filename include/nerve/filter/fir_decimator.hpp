// nerve/filter/fir_decimator.hpp — decimating FIR: low-pass filter, keep every M-th output.
//
// y[k] = sum_j h[j] x[kM - j], exactly scipy.signal.upfirdn(h, x, up=1, down=M): the first
// input produces the first output, then every M-th input does. Only the kept outputs are
// computed (the polyphase saving: Taps multiply-adds per *output*, Taps/M per input); the
// other inputs only enter the delay line.
//
// General operator: push(x, emit) calls emit(y) on every M-th input. Block path
// `std::size_t process(std::span<const T> in, std::span<T> out)` writes the outputs of a
// whole block (at most in.size() / M + 1 of them) and returns how many; with xsimd it
// computes W kept outputs at a time with the tap vectors held in registers and one
// transpose-add per group (fir.hpp, detail::fir_block_strided and detail::reduce_rows);
// float with M = 8 on AVX-512 has its own kernel (detail::fir_block_dec8_avx512: two outputs
// per 16-lane vector straight from one load, groups of 32, 16 and 8 outputs, 3-level
// permute-add) and, for Taps a multiple of 16 up to 64, a whole-block form whose first group
// takes the windows that start in the history from registers (detail::fir_block_dec8_head_avx512):
// no history copy, no separate head, no group computed twice, the state untouched until the
// block passed its NaN/Inf test. Side by side with the kernel before (one binary, loaded
// 2-core machine, medians of 5, ratio to fma_peak/xsimd): 4096 inputs 0.674 -> 0.705, calls
// of 512 inputs 0.535 -> 0.648, calls of 256 0.397 -> 0.604; output bits unchanged. That
// block kernel and process_dec8_ inlined into process() (no call boundary, no stack frame for
// __m512 spills, chk in a register): nerve_bench, old/new alternated twice, loaded machine,
// calls of 256 0.58/0.53 -> 0.61/0.62, of 512 0.62/0.60 -> 0.66/0.67, 4096 0.69/0.70 -> 0.69/0.70.
// x86 with FMA and no AVX-512 (AVX2: 8 lanes), float, M and Taps multiples of 8: its own
// kernel with load reuse (detail::fir_block_dec_lanes) inside process_lanes_, which orders a
// call's copies for the store buffer and tests the outputs instead of scanning the inputs.
// Side by side with the generic path (-mavx2 -mfma on the Zen 5, /8 with 64 taps, bench_fir's
// old and new builds alternated five times, medians, fraction of fma_peak/xsimd of the same
// run): 4096 inputs 0.77 -> 0.90, calls of 512 0.69 -> 0.85, calls of 256 0.55 -> 0.83.
// On a Zen 3 (AVX2 its widest) that kernel read 0.71-0.74 over 4096 inputs: calls of 1024
// inputs and more with /8 and 64 taps now run it as one stream (detail::fir_block_dec_stream,
// same bits): 0.80-0.87 there, shorter calls keep the kernel above (docs/performance.md, stop 53).
// aarch64 (NEON, 4 lanes, M and Taps multiples of 4) runs the same load-reuse path since stop
// 53: /8 with 64 taps 0.71 -> 0.79 of the modelled Cortex-A72 peak (tools/a64_icount.py);
// since stop 54 its chains start with a multiply (dec_mul_start): 0.82 -> 0.84 over 1024
// inputs, 0.65 -> 0.68 in calls of 256; since stop 55 a block writes the history once
// (history_()): 0.86 and 0.74 (docs/performance.md).
// Cortex-M4F float (Taps % 8 == 0): detail::fir_block_m4f_strided (detail/fir_m4.hpp), 4 kept
// outputs per pass, symmetric taps folded, VMUL + VADD (2 cycles) instead of VFMA (3); it
// tests its outputs for NaN/Inf instead of scanning the inputs first. /8 with 64 taps on a
// Cortex-M4 (tools/mcu_filter_table.py): 16.4 -> 15.8 instructions and 53.3 -> 28.7 modelled
// cycles per input (CMSIS-DSP arm_fir_decimate_f32: 27.9 / 50.6).
//
// Default taps (default constructor): firwin_lowpass<Taps>(1/M), Hamming window (scipy
// firwin's default; cutoff at the new Nyquist frequency).
//
// Arithmetic and bad input: as nerve::filter::fir — a NaN/Inf input is replaced by the last
// finite input and counted in rejected(); fixed point (q15/q31) accumulates in int64 and
// saturates on output. q31 taps with sum |h| < 2 (every unit-gain design) take fir<q31>'s
// exact sum rounded once (detail::q31_dot_exact), in push() and process() alike; others the
// guard-bit sum. Cortex-M4, /8 with 64 taps, q31: 69.7 -> 36.9 instructions, 81.7 -> 49.0
// modelled cycles per input (CMSIS-DSP arm_fir_decimate_q31: 43.7 / 57.9).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/simd_fma.hpp"
#include "fir.hpp"
#include "fir_design.hpp"


#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
#define NERVE_DEC_M4F 1  // Cortex-M4F/M7 float kernel (detail/fir_m4.hpp)
#else
#define NERVE_DEC_M4F 0
#endif
#if NERVE_HAS_XSIMD && (defined(__x86_64__) || defined(__i386__)) && defined(__FMA__) && !defined(__AVX512F__)
#define NERVE_DEC_LANES 1   // x86 FMA below AVX-512: detail::fir_block_dec_lanes for M % W == 0
#define NERVE_DEC_STREAM 1  // and for /8 with 64 taps detail::fir_block_dec_stream
#elif NERVE_HAS_XSIMD && defined(__aarch64__)
#define NERVE_DEC_LANES 1  // NEON: detail::fir_block_dec_lanes as well
#define NERVE_DEC_STREAM 0
#else
#define NERVE_DEC_LANES 0
#define NERVE_DEC_STREAM 0
#endif

namespace nerve::filter {
NERVE_GCC_INTRINSICS_BEGIN  // the SIMD kernels below inline AVX-512 intrinsics; see config.hpp

namespace detail {

#if NERVE_HAS_XSIMD && defined(__AVX512F__)
/// Tap block q (taps 8q .. 8q+7) in both 256-bit halves, q < NQ.
template <std::size_t NQ>
NERVE_ALWAYS_INLINE void dec8_taps(const float* hr, __m512 (&hq)[NQ]) noexcept {
    static_for<NQ>([&](auto q) {
        const __m256 h8 = _mm256_loadu_ps(hr + 8 * q);
        hq[q] = _mm512_castpd_ps(_mm512_maskz_broadcast_f64x4(0xFF, _mm256_castps_pd(h8)));  // AVX512F only
    });
}

/// Reduction of 8 pair rows (16 outputs) to one vector, lane n = output n.
/// Immediate shuffles (non-destructive, so no register copies) for 128-bit blocks, then
/// lanes inside blocks; the last level picks its operands with two-source permutes whose
/// indices already contain the final lane order (lane n = output n), so no separate permute
/// follows: output n sits at position p = 4 (n % 4) + n / 4 of the shuffle_ps pair it
/// replaces, whose lanes 4j + {0, 1, 2, 3} read d0[4j + 2r'], d1[4j + 2r'] (+1 for the odd half).
struct dec8_reducer {
    __m512i idx_a, idx_b;
    dec8_reducer() noexcept {
        alignas(64) std::int32_t ord_a[16], ord_b[16];
        for (std::size_t n = 0; n < 16; ++n) {
            const std::size_t p = 4 * (n % 4) + n / 4, j = p / 4, r = p % 4;
            const std::size_t src = (r < 2 ? 0 : 16) + 4 * j + 2 * (r % 2);  // d1 is lanes 16..31
            ord_a[n] = static_cast<std::int32_t>(src);
            ord_b[n] = static_cast<std::int32_t>(src + 1);
        }
        idx_a = _mm512_load_si512(ord_a);
        idx_b = _mm512_load_si512(ord_b);
    }
    /// Stores the lanes in `mask` to o and tests them for NaN/Inf while they are in a
    /// register: x * 0 + chk stays finite unless x is not (no second pass over the outputs).
    NERVE_ALWAYS_INLINE void operator()(const __m512* r, float* o, __mmask16 mask, __m512& chk) const noexcept {
        // row p: blocks 0-1 output 2p, blocks 2-3 output 2p+1 -> c[i] block j = output 4i+j
        __m512 c[4];
        static_for<4>([&](auto i) {
            c[i] = _mm512_add_ps(_mm512_maskz_shuffle_f32x4(0xFFFF, r[2 * i], r[2 * i + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                                 _mm512_maskz_shuffle_f32x4(0xFFFF, r[2 * i], r[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1)));
        });
        // d0 block k = outputs k, 4+k (2 partials each); d1 block k = outputs 8+k, 12+k
        const __m512 d0 = _mm512_add_ps(_mm512_shuffle_ps(c[0], c[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                        _mm512_shuffle_ps(c[0], c[1], _MM_SHUFFLE(3, 2, 3, 2)));
        const __m512 d1 = _mm512_add_ps(_mm512_shuffle_ps(c[2], c[3], _MM_SHUFFLE(1, 0, 1, 0)),
                                        _mm512_shuffle_ps(c[2], c[3], _MM_SHUFFLE(3, 2, 3, 2)));
        // lane n = output n
        const __m512 e = _mm512_add_ps(_mm512_permutex2var_ps(d0, idx_a, d1), _mm512_permutex2var_ps(d0, idx_b, d1));
        _mm512_mask_storeu_ps(o, mask, e);
        chk = _mm512_mask3_fmadd_ps(e, _mm512_setzero_ps(), chk, mask);
    }
};

/// AVX-512 decimate-by-8 kernel (16 float lanes = two outputs of 8 phases each): the load
/// x[8k .. 8k+16) holds output k's samples of phase 0..7 in lanes 0-7 and output k+1's in
/// lanes 8-15 for the same tap block, so with the tap block q duplicated into both halves
/// (hq[q]) one FMA does 8 taps of two outputs, no shuffle needed on the way in. A load at
/// 8m feeds every pair accumulator that uses it (pairs k = m - q, q = 0..NQ-1): P pairs
/// take 2P + NQ - 2 loads for P * NQ FMAs. The 8 partial sums per output are then reduced
/// with 3 levels of shuffle-add (7 shuffle pairs, 7 adds per 16 outputs; the last pair are
/// two-source permutes that also order the lanes) instead of the
/// 16-lane transpose-add per 16 outputs of fir_block_strided. Per output the sum runs
/// in a different order from fir_dot: float results agree to rounding (the tests' bounds).
/// Per 16 outputs: 64 FMAs, 14 shuffles, 7 adds and 1 FMA for the NaN/Inf test.
/// The machine: the earlier notes here modelled an Intel Xeon whose shuffles, adds and FMAs
/// all share two ports (64/86 = 0.744 of the FMA peak "at best"). The benchmark machine is an
/// AMD EPYC, family 0x1A model 2 (Zen 5, full 512-bit datapath, lscpu), where adds have
/// pipes of their own, and that bound does not hold: measured (helper decim, issue 11,
/// nerve_bench, loaded machine, ratio to fma_peak/xsimd of the same run) this kernel alone
/// reaches 0.85 / 0.82 of the peak in calls of 512 / 256 inputs and process() over 4096
/// inputs 0.77-0.87. The shuffles still cost: the same loop with a timing-only add tree (no
/// shuffles, wrong sums) ran at 0.955.
/// Measured and rejected (issue 11): lanes = 4 outputs x 4 phases (4-partial reduction, 6
/// shuffles + 3 adds per 16 outputs) with the input rearranged into two phase-group buffers
/// by 128-bit stores, interleaved with the FMAs of the superblock before: ~43 stores per 16
/// outputs cost more than the 12 shuffles and adds they save (whole calls 0.59 of the peak
/// against 0.63; as bare asm loops 0.67-0.69 of the FMA rate with the stores, 0.78 without;
/// 12 xmm stores per 48 independent FMAs took the FMA rate from 5.48 to 4.43 G/s). Again
/// 4 outputs x 4 phases, the two half-phase arrays made by vshuff32x4 instead (8 shuffles and
/// 8 zmm stores per 16 outputs; the next chunk prepared while this one is computed) with a
/// 6-permute reduction (helper decim): 0.65-0.72 of this kernel's speed at 4096 inputs,
/// 0.66 in calls of 512, 0.56-0.60 in calls of 256. Its FMA groups alone (the arrays made
/// once) ran at only 0.83-0.88 of this kernel, because 3 in 4 of their loads (at 16-byte
/// offsets) split a cache line: the same loads aligned (wrong sums, timing only) ran at 1.05. Blends in place
/// of the reduction's shuffles were no faster. Natural loads at offsets 8m and 8m + 4 give
/// 4-lane partials without stores, but each accumulator then needs 19 FMAs per 16 of work.
///
/// One group: P pairs (2P outputs, P = 4 fills half a reduction) from the vectors vec(m),
/// m < 2P + NQ - 2, vector m = the window stream [8m, 8m + 16) from the group's first output.
/// Stores the outputs; chk becomes non-finite if any of them is (one FMA per 16 outputs, no
/// second pass over the outputs).
template <std::size_t NQ, std::size_t P, class V>
NERVE_ALWAYS_INLINE void dec8_group(const __m512 (&hq)[NQ], V&& vec, const dec8_reducer& reduce8, float* out,
                                    __m512& chk) noexcept {
    static_assert(P == 4 || P % 8 == 0);
    __m512 acc[P < 8 ? 8 : P];
    static_for<P < 8 ? 8 : P>([&](auto p) NERVE_INLINE_LAMBDA { acc[p] = _mm512_setzero_ps(); });
    // vector m (offset 8m) serves pair p (outputs 2p, 2p+1) with tap block q = m - 2p
    static_for<2 * P + NQ - 2>([&](auto m) NERVE_INLINE_LAMBDA {
        const __m512 L = vec(m);
        constexpr std::size_t p0 = m + 2 > NQ ? (m + 2 - NQ) / 2 : 0;
        constexpr std::size_t p1 = m / 2 < P - 1 ? m / 2 : P - 1;
        static_for<p1 + 1 - p0>([&](auto dp) NERVE_INLINE_LAMBDA {
            constexpr std::size_t p = p0 + dp;
            constexpr std::size_t q = m - 2 * p;
            if constexpr (q < NQ) acc[p] = _mm512_fmadd_ps(hq[q], L, acc[p]);
        });
    });
    if constexpr (P < 8)
        reduce8(acc, out, 0x00FF, chk);
    else
        static_for<P / 8>([&](auto h) NERVE_INLINE_LAMBDA {
            reduce8(acc + 8 * h, out + 16 * h, 0xFFFF, chk);
        });
}

/// dec8_group's vectors straight from memory: vector m = src[8m .. 8m + 16).
struct dec8_loads {
    const float* s;
    template <class Mc>
    NERVE_ALWAYS_INLINE __m512 operator()(Mc m) const noexcept {
        __m512 L = _mm512_loadu_ps(s + 8 * m);
        __asm__("" : "+v"(L));  // one load, reused (see fir.hpp keep_in_register)
        return L;
    }
};

/// out[k] = sum_j hr[j] src[8k + j] for k in [0, count) in groups of 32, 16 and 8 outputs,
/// then pairs; returns how many it did. An odd count leaves the last output unless
/// `odd_last`: then it is the first half of a pair whose last load keeps only its own 8 lanes
/// (the rest would read past the input). Reads src[0 .. 8 count + 8 NQ - 8).
template <std::size_t NQ>
NERVE_ALWAYS_INLINE std::size_t dec8_groups(const __m512 (&hq)[NQ], const dec8_reducer& reduce8,
                                            const float* NERVE_RESTRICT src, float* NERVE_RESTRICT out,
                                            std::size_t count, bool odd_last, __m512& chk) noexcept {
    std::size_t k = 0;
    for (; k + 32 <= count; k += 32) dec8_group<NQ, 16>(hq, dec8_loads{src + 8 * k}, reduce8, out + k, chk);
    if (k + 16 <= count) {
        dec8_group<NQ, 8>(hq, dec8_loads{src + 8 * k}, reduce8, out + k, chk);
        k += 16;
    }
    if (k + 8 <= count) {
        dec8_group<NQ, 4>(hq, dec8_loads{src + 8 * k}, reduce8, out + k, chk);
        k += 8;
    }
    // The <= 7 outputs left: <= 4 pairs without load reuse (the last one maybe half).
    const std::size_t left = odd_last ? count - k : (count - k) & ~std::size_t{1};
    if (left > 0) {
        const std::size_t R = (left + 1) / 2;
        const __mmask16 last = left % 2 ? 0x00FF : 0xFFFF;
        __m512 acc[8];
        for (std::size_t p = 0; p < 8; ++p) {
            __m512 a = _mm512_setzero_ps();
            if (p < 4 && p < R) {
                const float* s = src + 8 * (k + 2 * p);
                static_for<NQ - 1>([&](auto q) NERVE_INLINE_LAMBDA {
                    a = _mm512_fmadd_ps(hq[q], _mm512_loadu_ps(s + 8 * q), a);
                });
                const __m512 L = _mm512_maskz_loadu_ps(p + 1 == R ? last : __mmask16{0xFFFF}, s + 8 * (NQ - 1));
                a = _mm512_fmadd_ps(hq[NQ - 1], L, a);
            }
            acc[p] = a;
        }
        reduce8(acc, out + k, static_cast<__mmask16>((1u << left) - 1u), chk);
        k += left;
    }
    return k;
}

/// out[k] = sum_j hr[j] src[8k + j], k in [0, count); returns how many it did: all, or all
/// but the last when fewer than 32 and odd (that one is fir_dot's, as it always was). Reads
/// src[0 .. 8 count + N - 8). chk becomes non-finite if any output written is. Groups of 32
/// outputs (16 pair accumulators; 8 measured the same), then one of 16 and one of 8, then
/// pairs: an output's sum order does not depend on its place in a group. (The last group of
/// 32 used to end at `count`, overlapping the one before: up to 31 outputs computed twice,
/// 8 of them in every call of 512 inputs, ~9 ns.)
template <std::size_t N>
inline std::size_t fir_block_dec8_avx512(const float* NERVE_RESTRICT hr, const float* NERVE_RESTRICT src,
                                         float* NERVE_RESTRICT out, std::size_t count, __m512& chk) noexcept {
    static_assert(N % 8 == 0);
    constexpr std::size_t NQ = N / 8;  // tap blocks of 8
    if constexpr (NQ > 12) {
        return 0;  // the taps would not stay in registers; the generic kernel does it
    } else {
        __m512 hq[NQ];
        dec8_taps(hr, hq);
        return dec8_groups(hq, dec8_reducer{}, src, out, count, count >= 32, chk);
    }
}

/// A whole block for N % 16 == 0, N <= 64 when it keeps at least 8 outputs: with the window
/// stream C = [w[0 .. N) (the last N inputs, oldest first), in[0 ..)], output k is
/// sum_j hr[j] C[o + 8k + j], o = first + 1 in 1..8. The first group (32, 16 or 8 outputs,
/// all the outputs whose windows start in the history among them) takes its vectors
/// C[o + 8m .. o + 8m + 16) for m < N / 8 from registers (w and in[0 .. 16), one two-source
/// permute each), the others straight from `in`; then dec8_groups from `in`. A separate head
/// (8 outputs, 14 permutes, a half-empty reduction, 4 FMA chains of 8 whose latency nothing
/// hid: ~15 ns) and a last group overlapping the one before (~9 ns) were the fixed cost of a
/// call. Same sums, in the same order, as fir_block_dec8_avx512. Reads w[0 .. N), in[0 .. n).
template <std::size_t N>
NERVE_ALWAYS_INLINE std::size_t fir_block_dec8_head_avx512(const float* NERVE_RESTRICT hr, const float* w,
                                                           const float* in, std::size_t o, std::size_t count,
                                                           float* NERVE_RESTRICT out, __m512& chk) noexcept {
    static_assert(N % 16 == 0 && N <= 64);
    constexpr std::size_t NQ = N / 8, NC = N / 16 + 1;
    __m512 c[NC];
    static_for<N / 16>([&](auto i) NERVE_INLINE_LAMBDA { c[i] = _mm512_loadu_ps(w + 16 * i); });
    c[N / 16] = _mm512_loadu_ps(in);
    const __m512i idx0 = _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(static_cast<int>(o)));
    const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32(8));
    const float* s = in + o;  // C[o + 8m] = s[8m - N] for 8m >= N
    auto head = [&](auto m) NERVE_INLINE_LAMBDA {
        if constexpr (m < NQ) {
            return _mm512_permutex2var_ps(c[m / 2], m % 2 ? idx1 : idx0, c[m / 2 + 1]);
        } else {
            __m512 L = _mm512_loadu_ps(s + (8 * m - N));
            __asm__("" : "+v"(L));
            return L;
        }
    };
    __m512 hq[NQ];
    dec8_taps(hr, hq);
    const dec8_reducer reduce8;
    std::size_t k;
    if (count >= 32) {
        dec8_group<NQ, 16>(hq, head, reduce8, out, chk);
        k = 32;
    } else if (count >= 16) {
        dec8_group<NQ, 8>(hq, head, reduce8, out, chk);
        k = 16;
    } else {
        dec8_group<NQ, 4>(hq, head, reduce8, out, chk);
        k = 8;
    }
    return k + dec8_groups(hq, reduce8, s + (8 * k - N), out + k, count - k, true, chk);
}

/// The first outputs of a block, whose windows start in the history (N % 16 == 0, N <= 64):
/// with the window stream C = [w[0 .. N) (the last N inputs, oldest first), in[0 .. N)],
/// output k (k < pro <= N / 8) is sum_j hr[j] C[o + 8k + j], o = first + 1 in 1..8. C sits
/// in N / 8 registers, loaded straight from the delay line and the input, and each pair
/// vector C[o + 8j .. o + 8j + 16) is one two-source permute: the copy of the history and of
/// the first inputs into the delay line that the prologue used to read cost ~25 ns per call,
/// as its unaligned loads waited for those stores (no store forwarding across stores).
/// Same sums, in the same order, as fir_block_dec8_avx512. Reads w[0 .. N), in[0 .. N).
/// Now only for calls keeping fewer than 8 outputs (Taps < 64; fir_block_dec8_head_avx512
/// does the others).
template <std::size_t N>
inline void fir_dec8_head_avx512(const float* NERVE_RESTRICT hr, const float* w, const float* in, std::size_t o,
                                 std::size_t pro, float* NERVE_RESTRICT out, __m512& chk) noexcept {
    static_assert(N % 16 == 0 && N <= 64);
    constexpr std::size_t NQ = N / 8, NC = N / 8, R = NQ / 2;  // R pairs (NQ outputs, pro of them kept)
    __m512 c[NC];
    static_for<N / 16>([&](auto i) {
        c[i] = _mm512_loadu_ps(w + 16 * i);
        c[N / 16 + i] = _mm512_loadu_ps(in + 16 * i);
    });
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i idx0 = _mm512_add_epi32(iota, _mm512_set1_epi32(static_cast<int>(o)));
    const __m512i idx1 = _mm512_add_epi32(idx0, _mm512_set1_epi32(8));
    __m512 hq[NQ];
    dec8_taps(hr, hq);
    __m512 acc[8];
    static_for<8>([&](auto p) { acc[p] = _mm512_setzero_ps(); });
    // vector j = C[o + 8j ..) serves pair p with tap block q = j - 2p (j <= 2 NQ - 3: c[j / 2 + 1] exists)
    static_for<2 * R + NQ - 2>([&](auto j) {
        const __m512 v = _mm512_permutex2var_ps(c[j / 2], j % 2 ? idx1 : idx0, c[j / 2 + 1]);
        static_for<R>([&](auto p) {
            if constexpr (j >= 2 * p && j - 2 * p < NQ) acc[p] = _mm512_fmadd_ps(hq[j - 2 * p], v, acc[p]);
        });
    });
    dec8_reducer{}(acc, out, static_cast<__mmask16>((1u << pro) - 1u), chk);
}
#endif

#if NERVE_DEC_LANES
/// Whether fir_block_dec_lanes starts each lane's chain with its first product (a multiply)
/// instead of adding it to 0: on aarch64, where FMLA accumulates into its destination, the zero
/// start took a register move per output (a Q-form ALU operation beside the FMLAs). The two
/// differ only where every product of a lane is an exact zero, where the multiply may keep a
/// -0 that 0 + -0 makes +0; adding +0 to the group's sums (one FADD per W outputs) makes those
/// outputs +0 again and leaves every other value as it is, so the bits are the zero start's.
#if defined(__aarch64__)
inline constexpr bool dec_mul_start = true;
#else
inline constexpr bool dec_mul_start = false;
#endif

/// x86 with FMA below AVX-512 (AVX2: 8 float lanes) and aarch64 (NEON: 4), float, M a multiple
/// of the vector width W (R = M / W) and N of W: the load x[W m .. W m + W) is tap block q (taps Wq .. Wq + W) of
/// output p = (m - q) / R exactly when m - q is a multiple of R, so one load feeds every
/// output of the group that uses it (load reuse: W outputs from R (W - 1) + N / W loads, the
/// taps a memory operand of each FMA) and the W outputs' accumulators advance together. Then
/// one transpose-add (reduce_rows) per group. fir_block_strided instead loads every window
/// vector once per FMA and runs each output's FMA chain after the one before: side by side
/// (-mavx2 -mfma on the Zen 5, /8 with 64 taps, the kernels alone in chunks of 32 outputs,
/// stop 43) it read 0.56-0.64 of the 8-lane FMA peak where this one read 0.78-0.90.
/// Per output: lane l sums taps l, l + W, ... in order from 0 (one FMA chain; on aarch64 from
/// the first product, same bits: dec_mul_start), then reduce_rows' order. out[k] for k < count
/// in groups of W; returns how many (the rest, < W, is the caller's). chk becomes non-finite if
/// an output written is. Reads src[0 .. M (count - 1) + N).
template <std::size_t N, std::size_t M>
NERVE_ALWAYS_INLINE std::size_t fir_block_dec_lanes(const float* NERVE_RESTRICT hr, const float* NERVE_RESTRICT src,
                                                    float* NERVE_RESTRICT out, std::size_t count,
                                                    xsimd::batch<float>& chk) noexcept {
    using batch = xsimd::batch<float>;
    constexpr std::size_t W = batch::size, NQ = N / W, R = M / W, P = W;
    static_assert(N % W == 0 && M % W == 0);
    std::size_t k = 0;
    for (; k + P <= count; k += P) {
        const float* s = src + k * M;
        batch acc[P];
        if constexpr (!dec_mul_start) static_for<P>([&](auto p) NERVE_INLINE_LAMBDA { acc[p] = batch(0.0f); });
        static_for<R * (P - 1) + NQ>([&](auto m) NERVE_INLINE_LAMBDA {
            batch L = batch::load_unaligned(s + W * m);
            keep_in_register(L);
            // outputs p with 0 <= m - R p < NQ
            constexpr std::size_t p0 = m + 1 > NQ ? (m + 1 - NQ + R - 1) / R : 0;
            constexpr std::size_t p1 = m / R < P - 1 ? m / R : P - 1;
            static_for<p1 + 1 - p0>([&](auto dp) NERVE_INLINE_LAMBDA {
                constexpr std::size_t p = p0 + dp, q = m - R * p;
                if constexpr (dec_mul_start && q == 0) acc[p] = L * batch::load_aligned(hr);
                else acc[p] = nerve::detail::fmadd(L, batch::load_aligned(hr + W * q), acc[p]);
            });
        });
        batch r = reduce_rows<float>(acc);
        if constexpr (dec_mul_start) r = r + batch(0.0f);  // -0 -> +0 (see dec_mul_start)
        r.store_unaligned(out + k);
        chk = nerve::detail::fmadd(r, batch(0.0f), chk);  // non-finite iff an output is
    }
    return k;
}

#if NERVE_DEC_STREAM
/// The same outputs, bit for bit, for M = W = 8 and N = 64 (AVX2, /8 with 64 taps) as one
/// stream: window vector v is tap block q of output v - q, so each load feeds the eight live
/// outputs v - 7 .. v, one FMA each; output v - 7 takes its last and leaves for the transpose-add
/// (reduce_rows' tree, built pair by pair as rows finish), output v takes its first. Every
/// step is eight independent FMAs, one per chain, and a load per step instead of 15 per 8
/// outputs. fir_block_dec_lanes runs a group's eight chains from a standing start (1, 2, ...
/// 8 FMAs per load, then 7 ... 1), so the FMA latency of the ramps shows where the out-of-order
/// window cannot reach the next group. Same contract as fir_block_dec_lanes.
template <std::size_t N, std::size_t M>
NERVE_ALWAYS_INLINE std::size_t fir_block_dec_stream(const float* NERVE_RESTRICT hr, const float* NERVE_RESTRICT src,
                                                     float* NERVE_RESTRICT out, std::size_t count,
                                                     xsimd::batch<float>& chk) noexcept {
    constexpr std::size_t W = 8;
    static_assert(xsimd::batch<float>::size == W && M == W && N == W * W);
    const std::size_t groups = count / W;
    if (groups == 0) return 0;
    const __m256 zero = _mm256_setzero_ps();
    __m256 acc[W];  // output o's lanes in acc[o % 8]
    __m256 t[4], u0 = zero;
    // After tap 7 of step j of a pass, output 8 g + j is whole: join it to the transpose-add
    // (reduce_rows' tree, pair by pair) before tap 0 reuses acc[j - 1].
    auto finish = [&](auto j, float* o) NERVE_INLINE_LAMBDA {
        if constexpr (j % 2 == 1) t[j / 2] = rows8_pair(acc[j - 1], acc[j]);
        if constexpr (j == 3) u0 = rows8_quad(t[0], t[1]);
        if constexpr (j == 7) {
            const __m256 r = rows8_halves(u0, rows8_quad(t[2], t[3]));
            _mm256_storeu_ps(o, r);
            chk = nerve::detail::fmadd(xsimd::batch<float>(r), xsimd::batch<float>(0.0f), chk);
        }
    };
    // Window vector v = 8 g + 7 + j (g: the group finishing in this pass) times taps q in
    // [Q0, Q1], descending: output v - q's chain in acc[(v - q) % 8]; q = 0 starts it. With
    // an o, tap 7 finishes output 8 g + j of the group at o.
    auto step = [&](const float* v, auto j, auto q0, auto q1, float* o) NERVE_INLINE_LAMBDA {
        __m256 x = _mm256_loadu_ps(v);
        __asm__("" : "+x"(x));  // one load for all eight FMAs (see fir.hpp keep_in_register)
        constexpr std::size_t Q0 = decltype(q0)::value, Q1 = decltype(q1)::value;
        nerve::detail::static_for_range<Q0, Q1>([&](auto i) NERVE_INLINE_LAMBDA {
            constexpr std::size_t q = Q0 + Q1 - i, a = (15 + decltype(j)::value - q) % 8;
            const __m256 h = _mm256_load_ps(hr + W * q);
            acc[a] = _mm256_fmadd_ps(x, h, q == 0 ? zero : acc[a]);
            if constexpr (q == 7) finish(j, o);
        });
    };
    using c = std::integral_constant<std::size_t, 0>;
    // Outputs 0 .. 6 start on window vectors 0 .. 6 (j = v + 1, taps 0 .. v).
    nerve::detail::static_for_range<1, 7>([&](auto j) NERVE_INLINE_LAMBDA {
        step(src + W * (j - 1), j, c{}, std::integral_constant<std::size_t, j - 1>{}, out);
    });
    const float* s = src + W * 7;
    std::size_t g = 0;
    for (; g + 1 < groups; ++g, s += W * W) {
        static_for<W>([&](auto j) NERVE_INLINE_LAMBDA {
            step(s + W * j, j, c{}, std::integral_constant<std::size_t, 7>{}, out + W * g);
        });
    }
    // The last pass starts nothing: taps j .. 7 only.
    static_for<W>([&](auto j) NERVE_INLINE_LAMBDA {
        step(s + W * j, j, std::integral_constant<std::size_t, j>{}, std::integral_constant<std::size_t, 7>{}, out + W * g);
    });
    return groups * W;
}
#endif
#endif

}  // namespace detail

template <sample_type T, std::size_t Taps, std::size_t M>
class fir_decimator {
    static_assert(Taps >= 1, "a FIR filter needs at least one tap");
    static_assert(M >= 1, "decimation factor must be at least 1");

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t taps = Taps;
    static constexpr std::size_t factor = M;

    /// Anti-alias low-pass firwin(Taps, 1/M) with a Hamming window.
    fir_decimator() noexcept : fir_decimator(firwin_lowpass<Taps>(1.0 / static_cast<double>(M))) {}

    explicit fir_decimator(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        set_taps(h, sym);
    }
    template <class U>
        requires(std::is_floating_point_v<U> && !std::is_same_v<U, T>)
    explicit fir_decimator(const std::array<U, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        set_taps(taps_as<T>(h), sym);
    }

    void set_taps(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        for (std::size_t j = 0; j < Taps; ++j) hr_[j] = h[Taps - 1 - j];
        if constexpr (detail::is_q31_v<T>) exact_ = detail::q31_taps_exact<Taps>(hr_.data());
        symmetric_ = sym == fir_symmetry::symmetric;
        if (sym == fir_symmetry::detect) {
            symmetric_ = true;
            for (std::size_t j = 0; j < Taps / 2; ++j)
                if (!(h[j] == h[Taps - 1 - j])) symmetric_ = false;
        }
    }

    /// Pushes one input; every M-th call (starting with the first) emits one output.
    template <class Emit>
    void push(const T& x_in, Emit&& emit) {
        const T x = guard_(x_in);
        pos_ = (pos_ + 1 == Taps) ? 0 : pos_ + 1;
        delay_[pos_] = x;
        delay_[pos_ + Taps] = x;
        if (phase_ == 0) emit(dot_(delay_.data() + pos_ + 1));
        phase_ = (phase_ + 1 == M) ? 0 : phase_ + 1;
    }

    /// Decimates a block: writes the outputs to `out` (which must hold in.size() / M + 1)
    /// and returns how many were written. `out` may be `in` or start before it (then sample by
    /// sample); `out` starting inside `in` is refused (block_overlap::ahead: 0 returned,
    /// nothing written, state unchanged).
    std::size_t process(std::span<const T> in, std::span<T> out) noexcept {
        const std::size_t n = in.size();
        const std::size_t first = (M - phase_) % M;  // block index of the first kept input
        const std::size_t kept = first < n ? (n - first + M - 1) / M : 0;
        NERVE_ASSERT(out.size() >= kept);
        const block_overlap ov = overlap_of(in.data(), n, out.data(), kept);
        if (ov == block_overlap::ahead) return 0;
        auto per_sample = [&] { return per_sample_(in, out); };
        if (n < Taps || ov != block_overlap::none ||
            (!check_after && detail::any_non_finite(in.data(), n)))
            return per_sample();
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
        if constexpr (dec8_head) return process_dec8_(in, out, first, kept);
#endif
#if NERVE_DEC_LANES
        if constexpr (stream_kernel) {
            if (n >= stream_min_inputs) return process_stream_(in, out, first, kept);
        }
        if constexpr (lanes_kernel) return process_lanes_(in, out, first, kept);
#endif
        constexpr std::size_t H = Taps - 1;
        // The history in delay_[0, Taps) (see history_first_), the first H inputs after it:
        // lin = delay_ + 1 is the last H inputs, then in[0 .. H).
        history_first_();
        detail::copy_forward(in.data(), H, delay_.data() + Taps);
        const T* lin = delay_.data() + 1;
        // Kept inputs with block index i < H read lin[i .. i + Taps); the others in[i - H ..].
        const std::size_t pro = first < H ? (H - first + M - 1) / M : 0;
        std::size_t done = 0;
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
        __m512 chk = _mm512_setzero_ps();  // the dec-8 kernel's test of its outputs
        if constexpr (std::is_same_v<T, float> && M == 8 && Taps % 8 == 0)
            done = detail::fir_block_dec8_avx512<Taps>(hr_.data(), lin + first, out.data(), pro, chk);
#endif
#if NERVE_DEC_M4F
        float chk_m4 = 0.0f;  // the M4F kernel's test of its outputs (sum of output * 0)
        if constexpr (m4f_kernel) {
            m4f_range_(lin + first, out.data(), pro, chk_m4);
            done = pro;  // constant: the generic kernel and its scan below compile to nothing
        }
#endif
        if constexpr (detail::is_q31_v<T>) {
            if (exact_) {
                exact_range_(lin + first, out.data(), pro);
                done = pro;
            }
        }
        const std::size_t done_pro = done;
        detail::fir_block_strided<T, Taps, M>(hr_.data(), lin + first + done * M, out.data() + done,
                                              pro - done, symmetric_);
        const std::size_t i1 = first + pro * M;  // first kept index >= H
        done = 0;
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
        if constexpr (std::is_same_v<T, float> && M == 8 && Taps % 8 == 0)
            done = detail::fir_block_dec8_avx512<Taps>(hr_.data(), in.data() + (i1 - H), out.data() + pro,
                                                        kept - pro, chk);
#endif
#if NERVE_DEC_M4F
        if constexpr (m4f_kernel) {
            m4f_range_(in.data() + (i1 - H), out.data() + pro, kept - pro, chk_m4);
            done = kept - pro;
        }
#endif
        if constexpr (detail::is_q31_v<T>) {
            if (exact_) {
                exact_range_(in.data() + (i1 - H), out.data() + pro, kept - pro);
                done = kept - pro;
            }
        }
        detail::fir_block_strided<T, Taps, M>(hr_.data(), in.data() + (i1 - H) + done * M, out.data() + pro + done,
                                              kept - pro - done, symmetric_);
        if constexpr (check_after) {
            // Every input up to the last kept one is in some output's window (M <= Taps) and
            // enters it through a multiplication (0 * Inf is NaN too), so a non-finite input
            // shows in the outputs; the inputs after the last kept one are scanned here. The
            // kernel tested its own outputs (chk); the few the generic kernel wrote are scanned.
            const std::size_t tail = kept > 0 ? first + (kept - 1) * M + 1 : 0;
            bool bad_out = detail::any_non_finite(out.data() + done_pro, pro - done_pro) ||
                           detail::any_non_finite(out.data() + pro + done, kept - pro - done);
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
            bad_out = bad_out || _mm512_cmp_ps_mask(chk, chk, _CMP_UNORD_Q) != 0;
#endif
#if NERVE_DEC_M4F
            bad_out = bad_out || !(chk_m4 == chk_m4);
#endif
            // The state before the block is untouched (history_first_): redo it sample by
            // sample with the bad-input handling.
            if (NERVE_UNLIKELY(bad_out || detail::any_non_finite(in.data() + tail, n - tail))) return per_sample();
        }
        detail::copy_forward(in.data() + n - Taps, Taps, delay_.data());  // the next history
        phase_ = static_cast<std::uint32_t>((phase_ + n) % M);
        guard_.mark_good(in[n - 1]);
        return kept;
    }

    void reset() noexcept {
        delay_.fill(T{});
        pos_ = 0;
        phase_ = 0;
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }
    bool symmetric() const noexcept { return symmetric_; }

    template <class V>
    void visit_state(V& v) {
        v(delay_);
        v(pos_);
        v(phase_);
        v(guard_);
    }
    /// For nerve::restore: indices past their ranges are refused.
    bool state_is_valid() const noexcept { return pos_ < Taps && phase_ < M; }

private:
    // AVX-512 decimate-by-8 float: the non-finite test runs on the outputs after the kernel
    // (one vector per 16 outputs) instead of on every input before it (8 per 16 outputs,
    // about a tenth of the kernel's FMA-port time). The outputs are written before the test;
    // a block that fails it is recomputed sample by sample, overwriting them.
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
    static constexpr bool check_after = std::is_same_v<T, float> && M == 8 && Taps % 8 == 0 && Taps / 8 <= 12;
    // Taps a multiple of 16 up to 64: process_dec8_, which leaves the state untouched until
    // the block has passed its NaN/Inf test (no history copy; see fir_block_dec8_head_avx512).
    static constexpr bool dec8_head = check_after && Taps % 16 == 0 && Taps <= 64;

    /// process() for dec8_head: the first group from registers and `in`, the rest straight
    /// from `in` (detail::fir_block_dec8_head_avx512; calls keeping fewer than 8 outputs, only
    /// with Taps < 64: detail::fir_dec8_head_avx512, then fir_block_dec8_avx512), then the test
    /// of outputs and trailing inputs; a block that fails it is redone sample by sample from
    /// the untouched state. n >= Taps.
    /// Inlined, with the whole-block kernel, into process(): as two out-of-line calls it paid
    /// per call a stack frame realigned for the __m512 spills, vzeroupper twice and chk through
    /// memory, and the generic kernel's setup (the taps copied to the stack) ran even with no
    /// output for it. Side by side (one binary each, alternated, loaded machine, ratio to
    /// fma_peak/xsimd): calls of 256 inputs 0.56-0.57 -> 0.61, of 512 0.59-0.63 -> 0.66, 4096
    /// 0.68-0.69 both; output bits unchanged.
    NERVE_ALWAYS_INLINE std::size_t process_dec8_(std::span<const T> in, std::span<T> out, std::size_t first,
                                                  std::size_t kept) noexcept {
        constexpr std::size_t H = Taps - 1;
        const std::size_t n = in.size();
        __m512 chk = _mm512_setzero_ps();
        std::size_t done;  // outputs the dec-8 kernels wrote, out[0 .. done)
        if (kept >= 8) {  // the first group from registers and `in`, the rest from `in`
            done = detail::fir_block_dec8_head_avx512<Taps>(hr_.data(), history_(), in.data(),
                                                            first + 1, kept, out.data(), chk);
            // Where the kernel before this one left the last output to fir_dot (the outputs
            // after its separate head, if fewer than 32, an odd number), it still does: the
            // same bits as before. Always even in calls of 256 or 512 inputs and phase 0.
            const std::size_t rest = kept - (H - first + M - 1) / M;
            done -= rest < 32 && rest % 2 == 1 ? 1 : 0;
        } else {  // Taps < 64: the outputs whose windows start in the history, then the rest
            const std::size_t pro = (H - first + M - 1) / M;
            detail::fir_dec8_head_avx512<Taps>(hr_.data(), history_(), in.data(), first + 1, pro,
                                               out.data(), chk);
            done = pro + detail::fir_block_dec8_avx512<Taps>(hr_.data(), in.data() + (first + pro * M - H),
                                                             out.data() + pro, kept - pro, chk);
        }
        // the <= 1 output left (its window starts in `in`: done >= 8 or >= pro)
        if (done < kept)
            detail::fir_block_strided<T, Taps, M>(hr_.data(), in.data() + (first + done * M - H), out.data() + done,
                                                  kept - done, symmetric_);
        // Every input up to the last kept one reaches an output through a multiplication, so
        // a non-finite one shows in chk; the inputs after the last kept one (at most M - 1)
        // join it with the last vector the ring takes below, the generic kernel's output (if
        // any) with one masked load (a scalar scan of them was a chain of dependent FMAs at
        // the end of every call).
        __m512 ring[Taps / 16];
        detail::static_for<Taps / 16>([&](auto i) { ring[i] = _mm512_loadu_ps(in.data() + n - Taps + 16 * i); });
        const __m512 zero = _mm512_setzero_ps();
        chk = _mm512_fmadd_ps(ring[Taps / 16 - 1], zero, chk);
        if (done < kept) chk = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(__mmask16{1}, out.data() + done), zero, chk);
        if (NERVE_UNLIKELY(_mm512_cmp_ps_mask(chk, chk, _CMP_UNORD_Q) != 0)) return per_sample_(in, out);
        // The history, with aligned stores that the next call's loads of delay_ (history_(),
        // pos_ = Taps - 1) forward from.
        detail::static_for<Taps / 16>([&](auto i) { _mm512_store_ps(delay_.data() + 16 * i, ring[i]); });
        pos_ = Taps - 1;
        phase_ = static_cast<std::uint32_t>((phase_ + n) % M);
        guard_.mark_good(in[n - 1]);
        return kept;
    }
#elif NERVE_DEC_M4F
    // Cortex-M4F: detail::fir_block_m4f_strided (detail/fir_m4.hpp) for float taps in blocks
    // of 8; it tests its outputs as it writes them (chk), the scan of every input before the
    // block cost ~1,000 of ~13,600 modelled cycles per 256 inputs (VFMA per sample). Needs
    // M <= Taps: then every input up to the last kept one reaches an output.
    static constexpr bool m4f_kernel = std::is_same_v<T, float> && Taps % 8 == 0 && Taps >= 16 && M <= Taps;
    static constexpr bool check_after = m4f_kernel;
    /// Kept outputs out[0 .. count) from src (stride M): the M4F kernel (symmetric taps folded
    /// when the pairs come in whole blocks of 8) for groups of 4, fir_dot for the rest; chk +=
    /// output * 0 for each. Out of line so process() holds one copy of it for both ranges.
    [[gnu::noinline]] void m4f_range_(const T* src, T* out, std::size_t count, float& chk) const noexcept {
        std::size_t k = 0;
        if constexpr (Taps % 16 == 0) {
            if (symmetric_) k = detail::fir_block_m4f_strided<Taps, M, true>(hr_.data(), src, out, count, chk);
        }
        if (k == 0) k = detail::fir_block_m4f_strided<Taps, M, false>(hr_.data(), src, out, count, chk);
        for (; k < count; ++k) {
            out[k] = detail::fir_dot<T, Taps>(hr_.data(), src + k * M, symmetric_);
            chk += out[k] * 0.0f;
        }
    }
#elif NERVE_DEC_LANES
    // x86 FMA below AVX-512 and aarch64 (since stop 53, see the file comment), float, the vector
    // width dividing M and Taps: process_lanes_.
    static constexpr bool lanes_kernel = std::is_same_v<T, float> && M % xsimd::batch<float>::size == 0 &&
                                         Taps % xsimd::batch<float>::size == 0;
    // With M <= Taps every input up to the last kept one reaches an output, so the outputs are
    // tested instead of scanning the inputs first (one FMA per W outputs instead of one per W
    // inputs).
    static constexpr bool check_after = lanes_kernel && M <= Taps;
    // M = 8, 64 taps on 8 lanes: the stream form of the kernel (fir_block_dec_stream).
    static constexpr bool stream_kernel = NERVE_DEC_STREAM && lanes_kernel && xsimd::batch<float>::size == 8 && M == 8 &&
                                          Taps == 64;
    // Calls of 256 and 512 inputs read 0.94-0.99 x with it (its one start-up of the chains per
    // range, and process() holding both kernels); 4096 inputs 1.09-1.22 x (docs/performance.md).
    static constexpr std::size_t stream_min_inputs = 1024;
#else
    static constexpr bool check_after = false;
#endif
#if NERVE_DEC_LANES

    /// process() for lanes_kernel (n >= Taps; the inputs scanned first only when M > Taps).
    /// The order is chosen for the store buffer: an unaligned load that spans two stores still
    /// in flight waits until they reach the cache, and the generic path's copies are read back
    /// straight away (the new ring by the next call's history copy, the history copy by the
    /// first outputs). Here the first inputs are copied after the history first, the outputs
    /// whose windows lie in `in` follow, and the history's outputs come last, when those
    /// stores have long reached the cache; the next history is written once the block has
    /// passed its test (until stop 55 a copy of the history went to a scratch array and the
    /// ring was written twice before the outputs: 64 vector stores per call with NEON instead
    /// of 32; aarch64 model, /8 with 64 taps: calls of 256 3.00 -> 2.74 cycles per input).
    /// The copies are whole vectors, the generic kernel is not entered without outputs for
    /// it, and the outputs are tested instead of the inputs. Each step side by side with the
    /// one before it (-mavx2 -mfma, Zen 5, 4096 inputs in calls of 256 timed by rdtsc, medians
    /// of 4000, 8-10 processes per build, against the 8-lane FMA peak of the same process):
    /// the kernel in the generic order 0.46 -> 0.58, in this order 0.67; whole-vector copies
    /// 0.59 -> 0.65; the guard 0.67 -> 0.71; the output test against the input scan 0.80 ->
    /// 0.88. The old path and this one in one run: calls of 256 0.44 -> 0.88, of 512 0.59 ->
    /// 0.93, 4096 inputs 0.82 -> 0.97 (docs/performance.md, stop 43).
    template <bool Stream = false>
    NERVE_ALWAYS_INLINE std::size_t process_lanes_(std::span<const T> in, std::span<T> out, std::size_t first,
                                                   std::size_t kept) noexcept {
        using batch = xsimd::batch<float>;
        constexpr std::size_t H = Taps - 1;
        const std::size_t n = in.size();
        constexpr std::size_t W = batch::size;
        // The history in delay_[0, Taps) (history_first_), the first Taps inputs after it in
        // whole vectors (Taps % W == 0; H = Taps - 1 samples would leave scalar stores): the
        // windows that start in the history read delay_ + 1 + first + M k.
        history_first_();
        detail::static_for<Taps / W>([&](auto i) NERVE_INLINE_LAMBDA {
            batch::load_unaligned(in.data() + W * i).store_aligned(delay_.data() + Taps + W * i);
        });
        // kept inputs with block index i < H read delay_[1 + i .. 1 + i + Taps); the others in[i - H ..]
        const std::size_t pro = first < H ? (H - first + M - 1) / M : 0;
        const float* s = in.data() + (first + pro * M - H);
        batch chk(0.0f);
        // out[0 .. count) from src: the kernel's groups, then the generic kernel for the < W left
        // (only when there are some: its setup costs even with none); returns the kernel's count
        auto range = [&](const float* src, float* o, std::size_t count) NERVE_INLINE_LAMBDA {
            std::size_t k = 0;
#if NERVE_DEC_STREAM
            if constexpr (Stream)
                k = detail::fir_block_dec_stream<Taps, M>(hr_.data(), src, o, count, chk);
            else
#endif
                k = detail::fir_block_dec_lanes<Taps, M>(hr_.data(), src, o, count, chk);
            if (k < count)
                detail::fir_block_strided<T, Taps, M>(hr_.data(), src + k * M, o + k, count - k, symmetric_);
            return k;
        };
        const std::size_t done = range(s, out.data() + pro, kept - pro);
        const std::size_t done_pro = range(delay_.data() + 1 + first, out.data(), pro);
        if constexpr (check_after) {
            // The generic kernel's outputs (< W per range) and the inputs after the last kept one
            // (< M; they reach no output of this block) join chk as whole vectors: a scalar scan
            // of them was a chain of dependent FMAs at the end of every call (calls of 256
            // inputs took 0.65 of the FMA peak with it, against 0.70 scanning every input first).
            const batch zero(0.0f);
            bool bad = false;
            auto test_outputs = [&](std::size_t a, std::size_t b) {  // out[a, b) written, b - a < W
                if (a == b) return;
                if (kept >= W)
                    chk = nerve::detail::fmadd(batch::load_unaligned(out.data() + (b >= W ? b - W : 0)), zero, chk);
                else
                    bad = bad || detail::any_non_finite(out.data() + a, b - a);
            };
            test_outputs(done_pro, pro);
            test_outputs(pro + done, kept);
            const std::size_t after = n - (first + (kept - 1) * M + 1);  // < M <= Taps <= n
            for (std::size_t j = W; j < after + W; j += W)
                chk = nerve::detail::fmadd(batch::load_unaligned(in.data() + n - j), zero, chk);
            bad = bad || xsimd::any(xsimd::isnan(chk));
            // The state before the block is untouched: redo it sample by sample with the
            // bad-input handling.
            if (NERVE_UNLIKELY(bad)) return per_sample_(in, out);
        }
        // The next history: the last Taps inputs, stored once (history_first_).
        detail::static_for<Taps / W>([&](auto i) NERVE_INLINE_LAMBDA {
            batch::load_unaligned(in.data() + n - Taps + W * i).store_aligned(delay_.data() + W * i);
        });
        phase_ = static_cast<std::uint32_t>((phase_ + n) % M);
        guard_.mark_good(in[n - 1]);
        return kept;
    }

    /// Long calls (stream_min_inputs or more): process_lanes_ on the stream kernel,
    /// out of line so that the short calls' process() keeps the code it had.
    [[gnu::noinline]] std::size_t process_stream_(std::span<const T> in, std::span<T> out, std::size_t first,
                                                  std::size_t kept) noexcept {
        return process_lanes_<stream_kernel>(in, out, first, kept);
    }
#endif

    /// The history (the last Taps inputs, oldest first) where every block leaves it:
    /// delay_[0, Taps), pos_ = Taps - 1. push() keeps the ring in both halves and reads
    /// delay_ + pos_ + 1, and from that state it writes each slot of the second half before
    /// reading it, so a block writes the history once (not twice) and has delay_[Taps, 2 Taps)
    /// free for the first inputs of the next block. After push() calls (pos_ != Taps - 1) the
    /// ring's view moves there (forward: dst < src).
    const T* history_() const noexcept { return delay_.data() + (pos_ == Taps - 1 ? 0 : pos_ + 1); }
    void history_first_() noexcept {
        if (pos_ == Taps - 1) return;
        detail::copy_forward(delay_.data() + pos_ + 1, Taps, delay_.data());
        pos_ = Taps - 1;
    }

    /// One output from its window w[0 .. Taps), oldest first. q31 with taps whose L1 norm
    /// allows it (detail/fir_m4.hpp, q31_taps_exact; every unit-gain design): the exact int64
    /// sum, rounded once, as fir<q31> does; SMLAL per tap on the M4 where the guard-bit sum
    /// needs shifts (decimate /8, 64 taps: 69.7 -> 36.9 instructions per input).
    T dot_(const T* w) const noexcept {
        if constexpr (detail::is_q31_v<T>) {
            if (exact_) return detail::q31_dot_exact<Taps>(hr_.data(), w);
        }
        return detail::fir_dot<T, Taps>(hr_.data(), w, symmetric_);
    }
    /// q31 exact taps: out[k] = dot_(src + k M), k < count (one copy for both ranges).
    [[gnu::noinline]] void exact_range_(const T* src, T* out, std::size_t count) const noexcept {
        if constexpr (detail::is_q31_v<T>)
            for (std::size_t k = 0; k < count; ++k) out[k] = detail::q31_dot_exact<Taps>(hr_.data(), src + k * M);
    }

    /// process() one sample at a time (short or overlapping blocks, bad input). Out of line:
    /// process() takes it from two places, each would hold a copy of push() and its fir_dot.
    [[gnu::noinline]] std::size_t per_sample_(std::span<const T> in, std::span<T> out) noexcept {
        std::size_t w = 0;
        for (const T& x : in) push(x, [&](const T& y) { out[w++] = y; });
        return w;
    }

    static constexpr std::size_t simd_align = NERVE_HAS_XSIMD ? 64 : alignof(T);

    alignas(simd_align) std::array<T, Taps> hr_{};
    alignas(simd_align) std::array<T, 2 * Taps> delay_{};
    std::uint32_t pos_ = 0;
    std::uint32_t phase_ = 0;  // inputs since the last kept one, mod M; 0 = keep the next
    hold_last_good<T> guard_;  // bad input: hold the last good sample
    bool symmetric_ = false;
    bool exact_ = false;  // q31: exact int64 sum (q31_taps_exact), else the guard-bit sum
};

NERVE_GCC_INTRINSICS_END
}  // namespace nerve::filter
