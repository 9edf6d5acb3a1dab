// nerve/filter/biquad.hpp — cascades of second-order IIR sections (biquads).
//
//   constexpr auto sos = nerve::filter::butterworth_lowpass<8>(50.0_Hz, 1000.0_Hz);
//   nerve::filter::biquad_cascade<float, 4> lp{sos};     // float, DF2T
//   nerve::filter::biquad_cascade<nerve::q15, 4> lpq{sos}; // Q15, DF1, 64-bit accumulator
//
// Structure
// - float/double: transposed direct form II per section (two state words per section):
//       y  = b0 x + s1
//       s1 = b1 x - a1 y + s2      evaluated as madd(-a1, y, madd(b1, x, s2))
//       s2 = b2 x - a2 y           evaluated as madd(-a2, y, b2 * x)
//   madd(a, b, c) is a fused multiply-add where the target has a fast one
//   (NERVE_IIR_FAST_FMAF / _FMA: x86 with FMA, aarch64, Cortex-M4 for float) and a
//   separately rounded a * b + c otherwise (no FMA instruction: nothing to contract);
//   the order is pinned so that `nerve::multi<biquad_cascade<T, S>, C>` (channels in
//   SIMD lanes) is bit-identical to C single-channel filters, whatever -ffp-contract.
// - q15/q31: direct form I per section (x1 x2 y1 y2 in the sample type), coefficients in
//   the sample's raw format scaled by 2^-post_shift (post_shift chosen per section at
//   construction so that |coefficient| < 2^post_shift fits, like CMSIS-DSP's postShift;
//   numerators rescaled for fixed point, see scale_for_fixed), products
//   summed exactly in an int64 accumulator, rounded, shifted back by post_shift and
//   saturated once per section (q31: post_shift is also large enough that the section's
//   sum |coefficient| <= 2^32 - 1 raw, so five exact 62-bit products plus the rounding
//   constant cannot overflow int64 for any state: the guard bits are in the coefficient
//   scaling, not shifted out of every product). On Arm cores with the DSP extension the Q15
//   sum uses SMLALD dual MACs and SSAT (same integers as the portable expression).
//
// Block path (float/double with xsimd, S <= 8): process() runs blocks of M = 16 samples
// through the exact state-space form of the whole cascade,
//       y[0..M)      = Dm x[0..M) + Cm s
//       s(next)      = Bm x[0..M) + Am s          (s = s1, s2 of every section, 2S words)
// with matrices computed in double at construction by running the DF2T recurrence on
// unit inputs and rounded once to T. This removes the sample-to-sample dependency chain
// (the per-sample recurrence costs two FMA latencies per section per sample) and turns
// the work into independent vector FMAs. Summation order (pinned): every output/state
// vector is ((a0 + a1) + (a2 + a3)) where a_q accumulates, in the order
// x_0..x_{M-1}, s_0..s_{2S-1}, the terms whose index t satisfies t % 4 == q. The state
// is the same DF2T state, so operator() and process() can be mixed freely. The block
// result differs from the per-sample result by rounding only; tests require
// max |block - per-sample| <= 1e-5 max |y| and the block path to be no less accurate
// than the per-sample one against double. A block whose outputs or state come out
// non-finite is recomputed sample by sample, so bad input behaves exactly as below.
// Figures below are fractions of fma_peak/xsimd in the same nerve_bench run, on one of two
// 2-core AVX-512 machines: an Intel Xeon (512-bit FMAs and shuffles sharing ports 0/5) or an
// AMD EPYC Zen 5 (family 0x1A model 2: 512-bit datapath, FP adds and most shuffles on pipes of
// their own); each figure says which.
// float on AVX-512 with 3 <= S <= 7: blocks of M = 32 - 2S samples whose next state shares a
// vector with the last outputs (iir_detail::packed_engine: Xeon biquad4 0.25 -> 0.37; the
// ceiling of exact block methods there, ~0.46, is derived at the engine), tails of 16 - 2S
// samples likewise; same bound, same bad-input redo. For 3 <= S <= 6 the inputs are
// broadcast in pairs (iir_detail::pair_engine: same blocks, 44 loads per block instead of ~72,
// 4 fewer FMAs; Xeon biquad4 0.33-0.37 -> 0.42, 64 Ki samples 0.375 -> 0.44). Since the time-
// segment engine below takes calls of 1024 samples and more, these run shorter calls and what
// is left of a long one.
// Two sections keep block_engine: its 16-sample blocks fit the 16-sample calls of the patient
// monitor's band-passes exactly, where the packed engine's 28/12-sample blocks left 4 samples
// per call to the per-sample path (pipeline/patient 54 -> 50 M samples/s).
// float on AVX-512, every S, blocks of 1024 samples or more: the time-segment engine
// (iir_detail::segment_engine): 16 segments of 64 samples (128 while 2048 samples of the call
// remain) run in the 16 lanes as a channel bank from start states computed by a prefix over
// the lanes. Xeon, 1024 samples, S = 1 / 2 /
// 8: 2.0x / 1.85x / 1.3x the block engine (0.19 / 0.31 / 0.45), S = 3..7 0.98-1.12x the
// packed engines; Zen 5: S = 3..7 1.25-1.41x the pair/packed engines, with the normalised
// numerators below biquad4 0.37-0.39 -> 0.53-0.54, biquad8 0.43-0.44 -> 0.58-0.59 (the engines
// side by side: bench/bench_iir_engines.cpp).
// Outputs come from the DF2T recurrence itself (S = 1, 2: regrouped so that its loop-carried
// path is one FMA, not two: Xeon 0.19 -> 0.22, 0.31 -> 0.34); same bound, same bad-input redo.
// Channel banks (multi<biquad_cascade, C>) on NEON: frame by frame per 4-channel group, three
// frames per loop trip (iir_detail::bank_rotated_run; Cortex-A72 model 0.67 -> 0.88 of the peak).
// One float channel of 4 to 8 sections on NEON: the sections in the lanes, skewed by a sample
// per section (iir_detail::cascade_lanes_neon): the same operations as operator(), so the same
// bits (modelled on the A72 S = 4 0.29 -> 0.30, S = 8 0.34 -> 0.61 of the peak).
// float on NEON, 1 to 7 sections, calls of 256 samples and more, and on AVX2 + FMA without
// AVX-512, every S, calls of 512 and more: the time-segment engine in 4 / 8 lanes
// (iir_detail::segment_engine_lanes, superblocks of W x 128 while that many samples remain,
// then W x 64; same tables, same bound, same bad-input redo as on AVX-512). Modelled on the A72,
// 1024-sample calls: S = 1 / 2 / 4 / 7 0.10 / 0.20 / 0.30 / 0.47 -> 0.28 / 0.46 / 0.55 / 0.58 of
// the peak; AVX2 on the Xeon S = 1 / 2 / 4 / 8 0.11 / 0.17 / 0.26-0.34 / 0.22-0.29 -> 0.27 /
// 0.42-0.48 / 0.50 / 0.46. The block (S <= 3 on NEON, every S on AVX2) and lanes (S >= 4 on
// NEON) engines run the rest of a call.
// Without xsimd process() is the per-sample recurrence, except on Arm M-profile cores:
// - Cortex-M4F/M7 (float): section by section over runs of 16 samples, coefficients and
//   state in FPU registers, 5 FPU operations per section and sample, the same operations as
//   operator() so the same bits (biquad4 f32: 72 -> 22.0 instructions per sample; CMSIS-DSP's
//   df2T 29.9);
// - DSP extension (q15): section by section, 32-bit DSP sums checked by the Q flag, exact
//   int64 redo when it reports an overflow or a saturation; the same integers as operator()
//   (biquad4 q15: 113 -> 33.2; CMSIS-DSP df1 74.7, its fast variant 40.5);
// - ARMv7E-M (q31): section by section, 5 SMLAL per sample with coefficients and state in
//   registers, outputs SSAT-checked (Q flag: exact per-sample redo), detail/biquad_m4.hpp;
//   the same integers as operator() (biquad4 q31: 307 -> 47.7 instructions per sample).
// Bad input on these paths: a run whose final state is non-finite is redone per sample.
// The state-space block path costs RAM (see NERVE_IIR_BLOCK_PATH below).
//
// Bad input (float/double): a NaN or Inf input sample is replaced by the last finite
// input (0 before any) and counted in rejected(). If the state overflows to Inf/NaN
// anyway (finite but huge input into a resonant filter), the state is cleared, the
// output for that sample is 0 and resets() is incremented; the filter never stays
// non-finite. Whether a huge input overflows depends on the operations: the block paths redo
// a block per sample when their sums overflow, but their sums may also stay finite where the
// per-sample step overflows (the 16-sample block engine; the regrouped S = 1, 2 recurrence of
// the segment engine, which then gives the filter's true response, tested against double).
// Fixed point cannot be non-finite; overflow saturates (never wraps).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/multi.hpp"
#include "../core/numeric.hpp"
#include "../core/operator.hpp"
#include "../core/simd_fma.hpp"
#include "../core/simd_transpose.hpp"
#include "detail/biquad_block.hpp"
#include "sos.hpp"
#include "detail/biquad_m4.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

// The state-space block path holds (16 + 2S) x (16 + 2S rounded up to the vector width)
// precomputed coefficients: about 2.5 KB for S = 2..4 with AVX2 (float); float with
// AVX-512 and 3 <= S <= 7 (packed engine) holds (64 + 2S) x 16: 4.6 KB for S = 4; the segment
// engine adds 128 x 2S + 5 x (2S)^2 floats (S = 1 / 2 / 4 / 8: 1.1 / 2.3 / 5.3 / 13 KB; on NEON
// for S <= 7). Host and aarch64 only: the Cortex-M builds have no xsimd and none of it. Define
// NERVE_IIR_BLOCK_PATH=0 to trade process() speed for that RAM on hosts.
#ifndef NERVE_IIR_BLOCK_PATH
#define NERVE_IIR_BLOCK_PATH 1
#endif

// float cascades of 3 to 7 sections on AVX-512 take the packed engine (iir_detail::packed_engine).
#if NERVE_HAS_XSIMD && defined(__AVX512F__) && defined(__AVX512DQ__)
#include <immintrin.h>
#define NERVE_IIR_PACKED 1
#else
#define NERVE_IIR_PACKED 0
#endif

// float cascades on AVX2 + FMA hosts without AVX-512: the time-segment engine in 8 lanes
// (iir_detail::segment_engine_lanes with segment_ops_avx2).
#if NERVE_HAS_XSIMD && !NERVE_IIR_PACKED && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NERVE_IIR_SEGMENTS_AVX2 1
#else
#define NERVE_IIR_SEGMENTS_AVX2 0
#endif

// Q15 on Arm cores with the DSP extension (Cortex-M4/M7/M33): dual 16-bit MACs.
#if defined(__ARM_FEATURE_SIMD32) && !defined(__ARM_BIG_ENDIAN) && !defined(NERVE_NO_ARM_DSP)
#include <arm_acle.h>
#define NERVE_IIR_Q15_DSP 1
#else
#define NERVE_IIR_Q15_DSP 0
#endif

// Cortex-M4F/M7 (ARMv7E-M with a single-precision FPU): process() runs one section at a time
// over runs of 16 samples with that section's coefficients and state in FPU registers.
#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__) && !defined(NERVE_NO_ARM_ASM)
#define NERVE_IIR_ARM_M4F 1
#else
#define NERVE_IIR_ARM_M4F 0
#endif

// One float channel on NEON (aarch64 with xsimd): the sections in the lanes, skewed
// (iir_detail::cascade_lanes_neon).
#if NERVE_HAS_XSIMD && defined(__aarch64__) && defined(__ARM_NEON) && !defined(NERVE_NO_ARM_ASM)
#define NERVE_IIR_LANES_NEON 1
#else
#define NERVE_IIR_LANES_NEON 0
#endif

// Some time-segment engine (AVX-512, AVX2 or NEON) takes long float blocks of one channel.
#define NERVE_IIR_SEGMENTS (NERVE_IIR_PACKED || NERVE_IIR_SEGMENTS_AVX2 || NERVE_IIR_LANES_NEON)

// Q15 block path on ARMv7E-M / ARMv8-M Mainline with the DSP extension (Thumb-2, GCC/clang).
#if NERVE_IIR_Q15_DSP && defined(__thumb2__) && defined(__GNUC__) && !defined(NERVE_NO_ARM_ASM)
#define NERVE_IIR_ARM_Q15 1
#else
#define NERVE_IIR_ARM_Q15 0
#endif

namespace nerve::filter {

namespace iir_detail {

// Fully unrolls the (short, fixed-length) section loops: keeps coefficients in registers
// on Cortex-M and removes the loop overhead.
#if defined(__GNUC__) && !defined(__clang__)
#define NERVE_IIR_UNROLL _Pragma("GCC unroll 16")
#elif defined(__clang__)
#define NERVE_IIR_UNROLL _Pragma("unroll")
#else
#define NERVE_IIR_UNROLL
#endif

// Whether the target has a fast fused multiply-add for float / double. GCC announces it
// with __FP_FAST_FMAF/__FP_FAST_FMA; clang does not, so the ISA macros are checked too.
#if defined(__FP_FAST_FMAF) || defined(__FMA__) || defined(__aarch64__) || \
    (defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 4))
#define NERVE_IIR_FAST_FMAF 1
#else
#define NERVE_IIR_FAST_FMAF 0
#endif
#if defined(__FP_FAST_FMA) || defined(__FMA__) || defined(__aarch64__) || \
    (defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 8))
#define NERVE_IIR_FAST_FMA 1
#else
#define NERVE_IIR_FAST_FMA 0
#endif

/// Whether madd<T> is fused (the SIMD path must then fuse too, else mul + add).
template <class T>
inline constexpr bool madd_is_fused = (std::is_same_v<T, float> && NERVE_IIR_FAST_FMAF) ||
                                      (std::is_same_v<T, double> && NERVE_IIR_FAST_FMA);

/// a * b + c, fused exactly when the target has a fast FMA for T (see header comment).
template <class T>
NERVE_ALWAYS_INLINE constexpr T madd(T a, T b, T c) noexcept {
    if (std::is_constant_evaluated()) return a * b + c;
    if constexpr (madd_is_fused<T> && std::is_same_v<T, float>) {
        return __builtin_fmaf(a, b, c);
    } else if constexpr (madd_is_fused<T> && std::is_same_v<T, double>) {
        return __builtin_fma(a, b, c);
    } else {
        return a * b + c;
    }
}

/// Normalised floating-point section: y = b0 x + b1 x1 + b2 x2 + na1 y1 + na2 y2.
template <class T>
struct df_coeffs {
    T b0 = T(1), b1 = T(0), b2 = T(0), na1 = T(0), na2 = T(0);
};

template <class T, class U>
constexpr df_coeffs<T> to_df_coeffs(const sos_section<U>& s) noexcept {
    const double a0 = static_cast<double>(s.a0);
    return {static_cast<T>(static_cast<double>(s.b0) / a0), static_cast<T>(static_cast<double>(s.b1) / a0),
            static_cast<T>(static_cast<double>(s.b2) / a0), static_cast<T>(-static_cast<double>(s.a1) / a0),
            static_cast<T>(-static_cast<double>(s.a2) / a0)};
}

/// One DF2T step of one section (the single definition both the scalar cascade and the
/// scalar fallback of the channel bank use).
template <class T>
NERVE_ALWAYS_INLINE constexpr T df2t_step(const df_coeffs<T>& c, T x, T& s1, T& s2) noexcept {
    const T y = madd(c.b0, x, s1);
    s1 = madd(c.na1, y, madd(c.b1, x, s2));
    s2 = madd(c.na2, y, c.b2 * x);
    return y;
}

/// One sample through the whole cascade in double, as the block engines' build() runs it to
/// tabulate their matrices (their columns are responses to a unit input or a unit state).
/// Plain a * b + c, not madd: the tables must not depend on the target's FMA.
template <std::size_t S, std::size_t D>
constexpr double cascade_step_double(const std::array<df_coeffs<double>, S>& c, std::array<double, D>& st, double x) noexcept {
    for (std::size_t k = 0; k < S; ++k) {
        const double y = c[k].b0 * x + st[2 * k];
        st[2 * k] = c[k].na1 * y + (c[k].b1 * x + st[2 * k + 1]);
        st[2 * k + 1] = c[k].na2 * y + c[k].b2 * x;
        x = y;
    }
    return x;
}

#if defined(__GNUC__) && !defined(__clang__)
#define NERVE_IIR_UNROLL3 _Pragma("GCC unroll 3")
#elif defined(__clang__)
#define NERVE_IIR_UNROLL3 _Pragma("unroll 3")
#else
#define NERVE_IIR_UNROLL3
#endif
#if NERVE_HAS_XSIMD
/// Vector FMA with the same rounding as madd<T>.
template <class B>
NERVE_ALWAYS_INLINE B vmadd(const B& a, const B& b, const B& c) noexcept {
    if constexpr (madd_is_fused<typename B::value_type>) {
#if defined(__AVX512F__)
        // xsimd 8.1 has no AVX-512 fma kernel (its generic fallback rounds twice).
        if constexpr (sizeof(B) == 64 && std::is_same_v<typename B::value_type, float>) {
            return B(_mm512_fmadd_ps(a, b, c));
        } else if constexpr (sizeof(B) == 64) {
            return B(_mm512_fmadd_pd(a, b, c));
        } else
#endif
        return nerve::detail::fmadd(a, b, c);
    } else {
        return a * b + c;
    }
}

/// One DF2T section step of a channel bank (lanes = channels; coefficients and state in arrays
/// the caller keeps in registers): y = b0 x + s1, s1' = na1 y + (b1 x + s2), s2' = na2 y + b2 x.
/// Every bank loop (frame by frame, skewed, careful) takes it, so they give the same bits.
template <class B>
NERVE_ALWAYS_INLINE B bank_section_step(std::size_t k, const B* b0, const B* b1, const B* b2, const B* na1,
                                        const B* na2, B* s1, B* s2, B x) noexcept {
    const B y = vmadd(b0[k], x, s1[k]);
    s1[k] = vmadd(na1[k], y, vmadd(b1[k], x, s2[k]));
    s2[k] = vmadd(na2[k], y, b2[k] * x);
    return y;
}

// The channel bank's fast pass as a skewed software pipeline (float, AVX-512, 3 <= S <= 7):
// iteration j runs section k on frame j - k, so the S section steps of one iteration depend
// only on the iteration before (section k takes what section k - 1 produced there) and the
// program order follows the dataflow. Frame by frame (section 0..S-1 of frame i, then of i + 1)
// each section's loop-carried path s1 -> y -> s1' (two FMA latencies, 8 cycles) has 2 cycles
// of slack per frame against the 20 FMAs of S = 4 on two ports (10 cycles); the out-of-order
// core, which binds a uop to a port when it enters and then issues oldest first, loses more
// than that. Same operations per lane in the same order, so the same bits. nerve_bench on the
// 2-core AVX-512 Xeon (loaded by another build), medians of 5, ratio over fma_peak/xsimd of the
// same run, frame by frame -> skewed, two alternated runs: biquad4x16/nerve 0.79/0.82 ->
// 0.98/1.01, x32 0.83/0.87 -> 0.98/1.01, x64 0.84/0.86 -> 0.98/1.01 (the ratio counts 10 flops per
// section and sample, i.e. 2 per FMA-port instruction like the peak: ~1.0 is the two FMA ports
// full). One lane group, 1024 frames, both in one binary: S = 3 0.73 -> 0.80 (bound by the
// 8-cycle recurrence, 7.5 cycles of FMAs), S = 5 0.92 -> 0.98, S = 6 0.91 -> 0.96, S = 7 0.90 ->
// 0.96; clang 14 S = 4 150 -> 180 GFLOP/s. Short calls pay the prologue and epilogue but still
// gain (S = 4, 16 channels, 1024 frames in calls of 4 / 8 / 16 / 64: 0.72 / 0.76 / 0.80 / 0.84
// -> 0.76 / 0.84 / 0.92 / 0.97). S = 8 keeps the frame order (5S + 2S + S - 1 = 63 vectors
// spill: 0.89-0.90 skewed against 0.93-0.95), S = 1, 2 have no section chain to skew.
#if defined(__AVX512F__)
inline constexpr bool bank_skewed_float = true;
#else
inline constexpr bool bank_skewed_float = false;
#endif
template <class T, std::size_t S, std::size_t W>
inline constexpr bool bank_skewed = std::is_same_v<T, float> && W == 16 && bank_skewed_float && S >= 3 && S <= 7;

/// n >= S frames of one lane group through S DF2T sections (coefficients and state in
/// arrays the caller keeps in registers), frame i at in + i * stride, out + i * stride.
template <std::size_t S, class B, class T>
NERVE_ALWAYS_INLINE void bank_skewed_run(const B* b0, const B* b1, const B* b2, const B* na1, const B* na2, B* s1,
                                         B* s2, const T* in, T* out, std::size_t stride, std::size_t n) noexcept {
    static_assert(S >= 2);
    B c[S - 1];  // c[k]: section k's output, section k + 1's input in the next iteration
    auto step = [&](std::size_t k, B x) NERVE_INLINE_LAMBDA {
        return bank_section_step(k, b0, b1, b2, na1, na2, s1, s2, x);
    };
    // Iteration j with sections L..H (all of them in the steady state, the first ones in the
    // prologue, the last ones in the epilogue); section 0 first in program order (measured
    // 0.96-0.98 of fma_peak for S = 4 against 0.90-0.94 with section S - 1 first).
    auto iteration = [&](std::size_t j, auto lo, auto hi) NERVE_INLINE_LAMBDA {
        constexpr std::size_t L = decltype(lo)::value, H = decltype(hi)::value;
        B y[S];
        static_for_range<L, H>([&](auto k) NERVE_INLINE_LAMBDA {
            if constexpr (k == 0) {
                y[0] = step(0, B::load_unaligned(in + j * stride));
            } else {
                y[k] = step(k, c[k - 1]);
            }
        });
        static_for_range<L, H>([&](auto k) NERVE_INLINE_LAMBDA {
            if constexpr (k + 1 < S) {
                c[k] = y[k];
            } else {
                y[k].store_unaligned(out + (j - k) * stride);
            }
        });
    };
    using zero = std::integral_constant<std::size_t, 0>;
    using last = std::integral_constant<std::size_t, S - 1>;
    static_for_range<0, S - 2>([&](auto p) NERVE_INLINE_LAMBDA { iteration(p, zero{}, p); });
    for (std::size_t j = S - 1; j < n; ++j) iteration(j, zero{}, last{});
    static_for_range<0, S - 2>([&](auto p) NERVE_INLINE_LAMBDA {
        iteration(n + p, std::integral_constant<std::size_t, p + 1>{}, last{});
    });
}

// The channel bank's fast pass on NEON (aarch64): frame by frame, three frames per loop trip, the
// state's registers renamed in the source. FMLA accumulates into its destination, so a DF2T step
// leaves y in s1's register, s1' in s2's and s2' in a third; frame by frame g++ 12 copied them
// back with 11 register moves per frame (S = 4: 36 instructions per 4 channel-samples, 20 of
// them FP). Three frames rotate the three registers back to where they started: no moves. Same
// operations per lane in the same order, so the same bits. bench/a64/filters.cpp under
// tools/a64_icount.py (exact instruction counts from qemu, cycles from llvm-mca's Cortex-A72
// model; fraction of the same model's fma_peak loop), S = 4, 8 to 64 channels: 9.02 -> 6.53-6.78
// instructions and 7.61 -> 5.76-5.80 cycles per channel-sample, 0.67 -> 0.88 of the peak.
#if defined(__aarch64__)
inline constexpr bool bank_rotated_neon = true;
#else
inline constexpr bool bank_rotated_neon = false;
#endif
template <class T>
inline constexpr bool bank_rotated = bank_rotated_neon && std::is_same_v<T, float>;

/// n frames of one lane group through S DF2T sections (coefficients and state in arrays the
/// caller keeps in registers), frame i at in + i * stride, out + i * stride.
template <std::size_t S, class B, class T>
NERVE_ALWAYS_INLINE void bank_rotated_run(const B* b0, const B* b1, const B* b2, const B* na1, const B* na2, B* s1,
                                          B* s2, const T* in, T* out, std::size_t stride, std::size_t n) noexcept {
    B r0[S], r1[S], r2[S];  // three registers per section; the state is two of them
    for (std::size_t k = 0; k < S; ++k) {
        r0[k] = s1[k];
        r1[k] = s2[k];
    }
    // One frame with the state in (a, b): y takes a's place, s1' b's, s2' f's; after it the
    // state is (b, f). bank_section_step's operations, in its order.
    auto frame = [&](std::size_t i, B* a, B* b, B* f) NERVE_INLINE_LAMBDA {
        B x = B::load_unaligned(in + i * stride);
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < S; ++k) {
            const B y = vmadd(b0[k], x, a[k]);
            b[k] = vmadd(na1[k], y, vmadd(b1[k], x, b[k]));
            f[k] = vmadd(na2[k], y, b2[k] * x);
            x = y;
        }
        x.store_unaligned(out + i * stride);
    };
    std::size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        frame(i, r0, r1, r2);
        frame(i + 1, r1, r2, r0);
        frame(i + 2, r2, r0, r1);
    }
    const B* e1 = r0;  // where the state ends: (r0, r1) after whole trips
    const B* e2 = r1;
    if (i < n) {
        frame(i, r0, r1, r2);
        e1 = r1;
        e2 = r2;
        if (i + 1 < n) {
            frame(i + 1, r1, r2, r0);
            e1 = r2;
            e2 = r0;
        }
    }
    for (std::size_t k = 0; k < S; ++k) {
        s1[k] = e1[k];
        s2[k] = e2[k];
    }
}

#if NERVE_IIR_LANES_NEON
/// One float channel of S sections on NEON, the sections in the lanes (section g in lane g % 4 of
/// vector g / 4), skewed: step j runs section g on sample j - g, so all sections of a step are
/// independent and section g's input is what section g - 1 produced at step j - 1 (one EXT moves
/// the outputs up a lane and brings x[j] into lane 0). Per step and vector: 5 FP operations, an
/// EXT; per sample one broadcast load and one lane store. The block engine it replaces does a
/// 16-sample state-space product (S = 4: 29 instructions per sample). Every lane does
/// df2t_step's operations in its order (FMLA is the fused madd), so the outputs and the state are
/// step_float's bits. The first and last S - 1 steps keep the lanes whose sample is outside the
/// block (bit-select of the old state). Returns false, with the state untouched, when a final
/// state is not finite: some sample went non-finite and the caller redoes the block per sample
/// (a non-finite DF2T state stays non-finite, as in process_m4f). n >= S; `out` may be `in`
/// (each output is stored after its sample is read), but the redo then needs a copy of `in`.
/// A step waits on two chains: y -> EXT -> the next lane's y (x is a multiplicand) and y -> s1'
/// (y a multiplicand) -> the next y (s1' the accumulator). By the Cortex-A72 guide's latencies
/// (FMLA 7, 3 forwarded into an accumulate, EXT 3) each is 10 cycles, so a step, which is one
/// sample for up to 4 sections and one for 8, costs at least 10 cycles there. LLVM 14's model
/// (tools/a64_icount.py: FMLA 10, forwarded 4) puts it at 16.7-16.9 cycles per sample against
/// the block engine's 12.4 / 12.7 / 17.65 / 29.9 for S = 1 / 2 / 4 / 8 (29 instructions per
/// sample at S = 4, 12.6 here); so S = 4 to 8 take it (modelled 1.04x at S = 4, 1.78x at 8) and
/// S = 1 to 3 keep the block engine, whose 16-sample products do not wait on a chain. Calls of
/// 256 samples and more of S = 1 to 7 now go to segment_engine_neon first (S = 4 9.24 cycles per
/// sample); this engine runs S = 8 and the rest of those calls.
template <std::size_t S>
struct cascade_lanes_neon {
    static constexpr std::size_t V = (S + 3) / 4;  // vectors; lanes past S have zero coefficients
    float32x4_t b0[V], b1[V], b2[V], na1[V], na2[V];

    explicit cascade_lanes_neon(const df_coeffs<float>* c) noexcept {
        for (std::size_t v = 0; v < V; ++v) {
            alignas(16) float t[5][4] = {};
            for (std::size_t l = 0; l < 4 && 4 * v + l < S; ++l) {
                const auto& k = c[4 * v + l];
                t[0][l] = k.b0;
                t[1][l] = k.b1;
                t[2][l] = k.b2;
                t[3][l] = k.na1;
                t[4][l] = k.na2;
            }
            b0[v] = vld1q_f32(t[0]);
            b1[v] = vld1q_f32(t[1]);
            b2[v] = vld1q_f32(t[2]);
            na1[v] = vld1q_f32(t[3]);
            na2[v] = vld1q_f32(t[4]);
        }
    }

    NERVE_ALWAYS_INLINE bool run(float* st, const float* in, float* out, std::size_t n) const noexcept {
        constexpr std::size_t last_lane = (S - 1) % 4;
        float32x4_t s1[V], s2[V], y[V];
        for (std::size_t v = 0; v < V; ++v) {
            alignas(16) float a[4] = {}, b[4] = {};
            for (std::size_t l = 0; l < 4 && 4 * v + l < S; ++l) {
                a[l] = st[2 * (4 * v + l)];
                b[l] = st[2 * (4 * v + l) + 1];
            }
            s1[v] = vld1q_f32(a);
            s2[v] = vld1q_f32(b);
            y[v] = vdupq_n_f32(0.0f);
        }
        // The first and last S - 1 steps: x[j] (0 past the block) into lane 0, every other lane
        // the output of the lane below at step j - 1; then the section steps of df2t_step, kept
        // only in the lanes whose sample is in the block.
        auto step = [&](std::size_t j, float xj) NERVE_INLINE_LAMBDA {
            float32x4_t x[V];
            x[0] = vextq_f32(vdupq_n_f32(xj), y[0], 3);
            for (std::size_t v = 1; v < V; ++v) x[v] = vextq_f32(y[v - 1], y[v], 3);
            for (std::size_t v = 0; v < V; ++v) {
                const float32x4_t yv = vfmaq_f32(s1[v], b0[v], x[v]);
                const float32x4_t s1n = vfmaq_f32(vfmaq_f32(s2[v], b1[v], x[v]), na1[v], yv);
                const float32x4_t s2n = vfmaq_f32(vmulq_f32(b2[v], x[v]), na2[v], yv);
                y[v] = yv;
                // Section g = 4v + lane runs sample j - g: only when 0 <= j - g < n.
                alignas(16) static constexpr std::uint32_t lane[4] = {0, 1, 2, 3};
                const uint32x4_t g = vaddq_u32(vld1q_u32(lane), vdupq_n_u32(static_cast<std::uint32_t>(4 * v)));
                const uint32x4_t jv = vdupq_n_u32(static_cast<std::uint32_t>(j));
                const uint32x4_t on = vandq_u32(vcleq_u32(g, jv),
                                                vcgtq_u32(vaddq_u32(g, vdupq_n_u32(static_cast<std::uint32_t>(n))), jv));
                s1[v] = vbslq_f32(on, s1n, s1[v]);
                s2[v] = vbslq_f32(on, s2n, s2[v]);
            }
            if (j + 1 >= S) vst1q_lane_f32(out + (j + 1 - S), y[V - 1], last_lane);
        };
        // The steady steps with the registers renamed, three steps per trip: a step leaves y in
        // s1's register (FMLA accumulates into its destination), s1' in s2's and s2' in the one
        // that held the previous y; so (s1, s2, y) in (A, B, F) become (B, F, A). Three steps
        // bring them back without register moves (frame by frame, g++ copied them back with two
        // moves per step, and a move between the FMLAs breaks the accumulate forwarding). The
        // same rotation as bank_rotated_run's; a helper shared by both left g++ one move per trip
        // here (S = 4: 12.56 -> 13.22 instructions, modelled 16.91 -> 18.88 cycles per sample).
        auto steady = [&](std::size_t j, float32x4_t* A, float32x4_t* B, float32x4_t* F) NERVE_INLINE_LAMBDA {
            float32x4_t x[V];
            x[0] = vextq_f32(vdupq_n_f32(in[j]), F[0], 3);
            for (std::size_t v = 1; v < V; ++v) x[v] = vextq_f32(F[v - 1], F[v], 3);
            for (std::size_t v = 0; v < V; ++v) {
                A[v] = vfmaq_f32(A[v], b0[v], x[v]);
                B[v] = vfmaq_f32(vfmaq_f32(B[v], b1[v], x[v]), na1[v], A[v]);
                F[v] = vfmaq_f32(vmulq_f32(b2[v], x[v]), na2[v], A[v]);
            }
            vst1q_lane_f32(out + (j + 1 - S), A[V - 1], last_lane);
        };
        std::size_t j = 0;
        for (; j + 1 < S; ++j) step(j, in[j]);
        {
            float32x4_t r0[V], r1[V], r2[V];
            for (std::size_t v = 0; v < V; ++v) {
                r0[v] = s1[v];
                r1[v] = s2[v];
                r2[v] = y[v];
            }
            for (; j + 3 <= n; j += 3) {
                steady(j, r0, r1, r2);
                steady(j + 1, r1, r2, r0);
                steady(j + 2, r2, r0, r1);
            }
            const float32x4_t *e1 = r0, *e2 = r1, *ey = r2;  // (s1, s2, y) after whole trips
            if (j < n) {
                steady(j++, r0, r1, r2);
                e1 = r1, e2 = r2, ey = r0;
                if (j < n) {
                    steady(j++, r1, r2, r0);
                    e1 = r2, e2 = r0, ey = r1;
                }
            }
            for (std::size_t v = 0; v < V; ++v) {
                s1[v] = e1[v];
                s2[v] = e2[v];
                y[v] = ey[v];
            }
        }
        for (; j + 1 < n + S; ++j) step(j, 0.0f);
        uint32x4_t finite = vdupq_n_u32(~0u);
        const float32x4_t big = vdupq_n_f32(std::numeric_limits<float>::max());
        for (std::size_t v = 0; v < V; ++v)
            finite = vandq_u32(finite, vandq_u32(vcaleq_f32(s1[v], big), vcaleq_f32(s2[v], big)));
        if (vminvq_u32(finite) == 0) return false;
        for (std::size_t v = 0; v < V; ++v) {
            alignas(16) float a[4], b[4];
            vst1q_f32(a, s1[v]);
            vst1q_f32(b, s2[v]);
            for (std::size_t l = 0; l < 4 && 4 * v + l < S; ++l) {
                st[2 * (4 * v + l)] = a[l];
                st[2 * (4 * v + l) + 1] = b[l];
            }
        }
        return true;
    }
};
#endif

/// State-space block engine for a floating-point cascade of S sections (see header).
template <class T, std::size_t S>
struct block_engine {
    using batch = xsimd::batch<T>;
    static constexpr std::size_t W = batch::size;
    static constexpr std::size_t M = 16;                 // samples per block
    static constexpr std::size_t D = 2 * S;              // state words
    static constexpr std::size_t DP = (D + W - 1) / W * W;  // state padded to whole batches
    static constexpr std::size_t MP = (M + W - 1) / W * W;
    static constexpr std::size_t U = M + D;              // inputs: x_0..x_{M-1}, s_0..s_{D-1}
    static constexpr std::size_t alignment = batch::arch_type::alignment();

    // Column t of the output matrix [Dm Cm] and of the state matrix [Bm Am].
    alignas(alignment) std::array<std::array<T, MP>, U> ycol{};
    alignas(alignment) std::array<std::array<T, DP>, U> scol{};

    constexpr block_engine() = default;

    constexpr void build(const std::array<sos_section<double>, S>& sosd) noexcept {
        std::array<df_coeffs<double>, S> c{};
        for (std::size_t k = 0; k < S; ++k) c[k] = to_df_coeffs<double>(sosd[k]);
        for (std::size_t t = 0; t < U; ++t) {
            std::array<double, D> st{};
            if (t >= M) st[t - M] = 1.0;
            for (std::size_t n = 0; n < M; ++n) {
                ycol[t][n] = static_cast<T>(cascade_step_double(c, st, (t < M && n == t) ? 1.0 : 0.0));
            }
            for (std::size_t i = 0; i < D; ++i) scol[t][i] = static_cast<T>(st[i]);
        }
    }

    // Adds the terms t in [b, e) of column set `col` (inputs u_t = src[t - off]) at lane
    // offset `lane` into a0..a3: term t goes to a_(t % 4), in increasing t (the pinned order).
    template <std::size_t Rows>
    static NERVE_ALWAYS_INLINE void acc_terms(const std::array<std::array<T, Rows>, U>& col, std::size_t lane,
                                              const T* src, std::size_t b, std::size_t e, batch& a0, batch& a1,
                                              batch& a2, batch& a3) noexcept {
        std::size_t t = b;  // b is a multiple of 4
        for (; t + 4 <= e; t += 4) {
            a0 = vmadd(batch::load_aligned(&col[t][lane]), batch(src[t - b]), a0);
            a1 = vmadd(batch::load_aligned(&col[t + 1][lane]), batch(src[t + 1 - b]), a1);
            a2 = vmadd(batch::load_aligned(&col[t + 2][lane]), batch(src[t + 2 - b]), a2);
            a3 = vmadd(batch::load_aligned(&col[t + 3][lane]), batch(src[t + 3 - b]), a3);
        }
        if (t < e) a0 = vmadd(batch::load_aligned(&col[t][lane]), batch(src[t - b]), a0);
        if (t + 1 < e) a1 = vmadd(batch::load_aligned(&col[t + 1][lane]), batch(src[t + 1 - b]), a1);
        if (t + 2 < e) a2 = vmadd(batch::load_aligned(&col[t + 2][lane]), batch(src[t + 2 - b]), a2);
    }

    /// One block: reads x[0..M) and st[0..D), writes y[0..M) and st (y may alias x exactly:
    /// every read comes before the first store). Returns false (and leaves y and st
    /// untouched) if any output or state word came out non-finite.
    bool run(const T* x, T* y, T* NERVE_RESTRICT st) const noexcept {
        static_assert(M % 4 == 0);
        constexpr std::size_t NY = MP / W, NS = DP / W;
        batch yv[NY];
        batch sv[NS];
        batch check(T(0));
        for (std::size_t v = 0; v < NY; ++v) {
            batch a0(T(0)), a1(T(0)), a2(T(0)), a3(T(0));
            // x_j with j >= (v + 1) W do not reach the rows of this vector (causality).
            const std::size_t last_x = (v + 1) * W < M ? (v + 1) * W : M;
            acc_terms(ycol, v * W, x, 0, last_x, a0, a1, a2, a3);
            acc_terms(ycol, v * W, st, M, U, a0, a1, a2, a3);
            yv[v] = (a0 + a1) + (a2 + a3);
            check = check + (yv[v] - yv[v]);
        }
        for (std::size_t v = 0; v < NS; ++v) {
            batch a0(T(0)), a1(T(0)), a2(T(0)), a3(T(0));
            acc_terms(scol, v * W, x, 0, M, a0, a1, a2, a3);
            acc_terms(scol, v * W, st, M, U, a0, a1, a2, a3);
            sv[v] = (a0 + a1) + (a2 + a3);
            check = check + (sv[v] - sv[v]);
        }
        if (NERVE_UNLIKELY(!xsimd::all(check == batch(T(0))))) return false;
        if constexpr (MP == M) {
            for (std::size_t v = 0; v < NY; ++v) yv[v].store_unaligned(y + v * W);
        } else {
            alignas(alignment) T ybuf[MP];
            for (std::size_t v = 0; v < NY; ++v) yv[v].store_aligned(ybuf + v * W);
            for (std::size_t j = 0; j < M; ++j) y[j] = ybuf[j];
        }
        alignas(alignment) T sbuf[DP];
        for (std::size_t v = 0; v < NS; ++v) sv[v].store_aligned(sbuf + v * W);
        for (std::size_t i = 0; i < D; ++i) st[i] = sbuf[i];
        return true;
    }
};
#if NERVE_IIR_SEGMENTS
/// The time-segment engines' tables (segment_engine on AVX-512, segment_engine_lanes): for a
/// cascade of S sections with state A s + b x, B_n = A^(127 - n) b (a segment's zero-state end
/// state is sum_n B_n x_n) and A^(2^q 64), q = 0..4 (start states carried over 64 2^q samples),
/// with the numerators normalised as segment_engine describes. Independent of the lane count.
template <std::size_t S>
struct segment_tables {
    static constexpr std::size_t D = 2 * S;
    // Segment lengths: long calls run segments of 128 samples, the rest of a call segments of 64 (the
    // prefix costs per sample halve at 128).
    // The tables are those of 128; 64 uses their second half (B_n) and their first four powers.
    static constexpr std::size_t short_segment = 64, long_segment = 128;
    static_assert(S >= 1 && S <= 8);
    static constexpr std::size_t Lmax = long_segment;

    alignas(64) std::array<std::array<float, D>, Lmax> bz{};  // B_n for L = 128 (L = 64: bz[64 + n])
    // S <= 2, the regrouped recurrence of step 3: c1 = b1 + na1 b0, c2 = b2 + na2 b0 per section.
    static constexpr bool regrouped = S <= 2;
    std::array<std::array<float, 2>, S> cc{};
    std::array<std::array<std::array<float, D>, D>, 5> pw{};  // A^(2^q 64), q = 0..4, [row][column]

    // Table entries below 2^-60 become 0: A^(8L) of a filter with fast poles has entries far
    // below float's normal range, and an FMA with a subnormal operand or result takes a
    // microcode assist on x86 (measured: S = 4 ran 2x slower with them). A dropped term is
    // below 2^-60 times a state word, far below the rounding of the sums it would enter.
    static constexpr float flushed(double v) noexcept {
        return (v < 0 ? -v : v) < 0x1p-60 ? 0.0f : static_cast<float>(v);
    }

    // The recurrence runs with numerators normalised (see run()): section k >= 1 as b / b0_k
    // (b0 = 1: y = x + s1, an add), section 0 with the gains of all the others, so its outputs
    // and state are scaled by scale[k] = b0_(k+1) ... b0_(S-1) against the cascade's DF2T ones.
    std::array<df_coeffs<float>, S> nc{};
    std::array<float, S> scale{};
    bool normalised = false;

    /// An engine's run(): its run_as<L, Normalised> with the numerators' form as a constant.
    template <std::size_t L, class Engine, class Redo>
    static void run_with(const Engine& e, const float* x, float* y, float* st, float& last, Redo& redo) noexcept {
        static_assert(L == short_segment || L == long_segment);
        if (e.normalised) {
            e.template run_as<L, true>(x, y, st, last, redo);
        } else {
            e.template run_as<L, false>(x, y, st, last, redo);
        }
    }

    constexpr void build(const std::array<df_coeffs<float>, S>& cf) noexcept {
        std::array<df_coeffs<double>, S> c{};
        for (std::size_t k = 0; k < S; ++k) c[k] = {cf[k].b0, cf[k].b1, cf[k].b2, cf[k].na1, cf[k].na2};
        // Normalised only where every factor is a normal float far from the range's ends.
        std::array<double, S> p{};
        double prod = 1.0;
        normalised = S > 1;
        for (std::size_t k = S; k-- > 0;) {
            p[k] = prod;
            const double m = prod < 0 ? -prod : prod;
            normalised = normalised && m >= 0x1p-60 && m <= 0x1p60;
            if (k > 0) {
                const double b0 = c[k].b0 < 0 ? -c[k].b0 : c[k].b0;
                normalised = normalised && b0 >= 0x1p-60 && b0 <= 0x1p60;
                prod *= c[k].b0;
            }
        }
        for (std::size_t k = 0; k < S; ++k) {
            if (!normalised) {
                scale[k] = 1.0f;
                nc[k] = cf[k];
                continue;
            }
            scale[k] = static_cast<float>(p[k]);
            const double g = k == 0 ? p[0] : 1.0 / c[k].b0;
            nc[k] = {k == 0 ? static_cast<float>(c[k].b0 * g) : 1.0f, static_cast<float>(c[k].b1 * g),
                     static_cast<float>(c[k].b2 * g), cf[k].na1, cf[k].na2};
            c[k] = {nc[k].b0, nc[k].b1, nc[k].b2, nc[k].na1, nc[k].na2};
        }
        for (std::size_t k = 0; k < S; ++k)
            cc[k] = {static_cast<float>(c[k].b1 + c[k].na1 * c[k].b0), static_cast<float>(c[k].b2 + c[k].na2 * c[k].b0)};
        // B_127 = state after one step from a unit input; B_n = A B_(n+1) (a zero-input step).
        std::array<double, D> st{};
        cascade_step_double(c, st, 1.0);
        for (std::size_t n = Lmax; n-- > 0;) {
            for (std::size_t k = 0; k < D; ++k) bz[n][k] = flushed(st[k]);
            if (n > 0) cascade_step_double(c, st, 0.0);
        }
        // A^64 column by column (64 zero-input steps from a unit state), then squared 4 times.
        std::array<std::array<double, D>, D> a{}, sq{};
        for (std::size_t m = 0; m < D; ++m) {
            std::array<double, D> s{};
            s[m] = 1.0;
            for (std::size_t n = 0; n < short_segment; ++n) cascade_step_double(c, s, 0.0);
            for (std::size_t k = 0; k < D; ++k) a[k][m] = s[k];
        }
        for (std::size_t l = 0; l < 5; ++l) {
            for (std::size_t k = 0; k < D; ++k)
                for (std::size_t m = 0; m < D; ++m) pw[l][k][m] = flushed(a[k][m]);
            for (std::size_t k = 0; k < D; ++k)
                for (std::size_t m = 0; m < D; ++m) {
                    double v = 0.0;
                    for (std::size_t q = 0; q < D; ++q) v += a[k][q] * a[q][m];
                    sq[k][m] = v;
                }
            a = sq;
        }
    }
};

/// The tuning knobs of segment_engine_lanes' operations that NEON and AVX2 share (the AVX-512
/// operations set their own).
struct segment_ops_defaults {
    // Accumulator sets for z: enough that 8 FMA chains run side by side against the FMA latency.
    static constexpr std::size_t z_sets(std::size_t D) noexcept { return D >= 6 ? 1 : 8 / D; }
    // A group's W outputs go from registers straight into the transpose.
    static constexpr bool stage_outputs = false;
};
#endif

#if NERVE_IIR_PACKED
NERVE_GCC_INTRINSICS_BEGIN  // see config.hpp
/// Packed state-space engine: float, 16-lane AVX-512, S <= 7 sections (D = 2S <= 14 state
/// words). Blocks of M = 32 - D samples, two vectors per block:
///   V1 = [y_0 .. y_15]                      = P1 [x_0..x_15; s]        16 + D columns
///   V2 = [y_16 .. y_(M-1) | s' (D words)]   = P2 [x_0..x_(M-1); s]     32 columns
/// (S = 4: 56 FMAs per 24 samples, against 48 per 16 when the next state is a vector of its
/// own as in block_engine: the state fills the lanes the second output vector leaves free).
/// A tail of m = 16 - D samples uses Vs = [y_0..y_(m-1) | state after m] = Ps [x_0..x_(m-1); s].
/// Summation order (pinned, the generic engine's): four accumulators per vector, term t (x_t
/// in increasing t, then s_k as t = 16 + k for V1, M + k for V2) into a_(t % 4), then
/// ((a0 + a1) + (a2 + a3)). So the x chains never wait for s and the loop-carried chain
/// s -> s' is one broadcast load, two FMAs (D = 8) and two adds. s' goes through a 64-byte
/// stack slot and comes back as D broadcast loads (load-port work; a register broadcast
/// would be one port-5 shuffle per word). The 16 x columns of P1 stay in registers.
///
/// Ceiling of exact block methods on this port layout (AVX-512 Xeon: 512-bit FMAs and
/// shuffles on ports 0/5, about two loads per cycle; S = 4, nominal 10 flops per section and
/// sample = 20 16-lane FMAs per 16 samples at fma_peak). With broadcast-column FMAs a
/// 16-row output vector costs one FMA per input that reaches it plus D for the state, and
/// the next state needs every input of the block plus D:
/// - M = 16, state in a vector of its own (block_engine): 48 FMAs / 16 samples <= 0.42;
/// - M = 24 packed (this engine): 56 / 24 samples <= 0.54; with the 6 adds of the
///   accumulators and 3 operations of the non-finite test, 65 port-0/5 operations per
///   block: <= 0.46; its ~72 loads (24 + 8 broadcasts, 40 columns) at ~2 per cycle add up
///   to about the same time, so both limits bind: measured 0.37 (0.25 with block_engine;
///   a timing-only variant without the column loads and without the s -> s' dependency
///   ran 1.4 x faster, i.e. at the port bound);
/// - pair broadcasts (pair_engine, 3 <= S <= 6): an FMA is 16 lane-products either way, so
///   pairs save FMAs only where a whole 8-row x 2-input block is zero (4 per block at S = 4)
///   and the fold of the lane pairs (6 operations) costs about that back: 63 port-0/5
///   operations, <= 0.47 (with 8-row groups, M = 8..32 all need 2.0-2.4 FMAs per sample plus
///   the folds). What pairs remove is load-port work, and with it a spread between builds:
///   this engine measured 0.33 to 0.44 of the peak in different binaries of the same source
///   (code placement; nerve_bench 0.33-0.37), the pair engine 0.42-0.43 in all of them and
///   0.44 in a timing-only variant without the s -> s' dependency: ~0.9 of its port bound;
/// - M = 8 ([y_0..y_7 | s'], 16 FMAs per 8 samples) would be 0.625 by count, but the chain
///   s -> s' (broadcast, FMA, add tree: ~20 cycles per 8 samples) caps it near 0.27;
///   larger M costs more FMAs per sample (the triangular part of P grows).
/// So a single channel stays below 0.5 with exact block methods. Splitting long signals into
/// 16 time segments (segment_engine below: the channel-bank recurrence in the lanes, start
/// states from a prefix over the lanes) does not pass it either: its z sums (2S), two 16x16
/// transposes (8), the check and the prefix, ~20 operations per 16 samples at S = 4, double
/// the 5S = 20 recurrence FMAs (<= ~0.5, measured 0.98-1.12x this engine); at S = 1, 2 it is
/// ahead of every block method (<= 0.3 / 0.4 by count, measured 0.22 / 0.34) and was, before
/// its regrouped recurrence, waiting on the two-FMA latency of a DF2T step, not on its ports.
/// (All of the above: the Xeon.) On the AMD EPYC Zen 5 (pipes measured as stated at
/// segment_engine: adds off the FMA pipes, 2 loads per cycle, FMA latency 5 cycles), S = 4,
/// 15 cycles of FMAs at the peak per 24-sample block: packed 56 FMAs = 28 cycles (<= 0.54),
/// but ~72 loads = 36 cycles (<= 0.42), measured 0.35; pair 52 FMAs = 26 cycles (<= 0.58) and
/// 44 loads, the 4 fold permutes ~1 cycle, so <= ~0.55; measured 0.39 (engine alone; in
/// nerve_bench biquad4/nerve 0.37-0.39): its chain
/// s -> s' (stored, pair-broadcast back, two FMAs, an add, the fold: ~25-30 cycles) is as
/// long as the block's FMA time. block_engine: 48 FMAs per 16 samples, <= 0.42, measured
/// 0.27-0.28. No exact block method reaches 0.8 here by construction: the nonzeros of its
/// (M + D) x (M + D) matrix, M (M + 1) / 2 + 2 M D + D^2 lane-products, are 14.25 FMAs per 8
/// samples at M = 8 (<= 0.70, before the chain) and 46.75 per 24 at M = 24 (<= 0.64). The
/// segment engine is ahead there for every S (see its comment and biquad_cascade).
/// A 16-float coefficient column, from 64-byte aligned storage.
NERVE_ALWAYS_INLINE __m512 packed_col(const std::array<float, 16>& c) noexcept { return _mm512_load_ps(c.data()); }

/// NaN or Inf in a or b (Inf + finite = Inf, Inf - Inf = NaN): one class test.
NERVE_ALWAYS_INLINE bool packed_bad(__m512 a, __m512 b) noexcept {
    return _mm512_fpclass_ps_mask(_mm512_add_ps(a, b), 0x99) != 0;
}

/// The tail blocks of packed_engine and pair_engine: m = 16 - D samples, one vector
/// Vs = [y_0..y_(m-1) | state after m] = Ps [x_0..x_(m-1); s], in the engines' pinned order
/// (term t, x_t and then s_k as t = m + k, into accumulator t % 4).
template <std::size_t S>
struct packed_tail {
    static constexpr std::size_t D = 2 * S;
    static constexpr std::size_t M = 32 - D;  // samples per full block of the engines
    static constexpr std::size_t m = 16 - D;  // samples per tail block
    alignas(64) std::array<std::array<float, 16>, 16> ps{};

    /// Column of unit input t (x_t for t < M, s_(t-M) after): its first m outputs y and the
    /// state after m samples. Only x_0..x_(m-1) and the state reach a tail block.
    constexpr void set_column(std::size_t t, const double* y, const std::array<double, D>& state_after_m) noexcept {
        if (t >= m && t < M) return;
        auto& col = ps[t < m ? t : m + (t - M)];
        for (std::size_t r = 0; r < m; ++r) col[r] = static_cast<float>(y[r]);
        for (std::size_t i = 0; i < D; ++i) col[m + i] = static_cast<float>(state_after_m[i]);
    }

    /// Tail blocks from sample i while at least m remain and no full block fits; sb holds s in
    /// lanes m..15 (the layout of Vs, so each block's result is the next one's state). Stops
    /// before a block that comes out non-finite. Returns the samples done.
    NERVE_ALWAYS_INLINE std::size_t run(const float* x, float* y, float* sb, std::size_t i, std::size_t n,
                                        float& last) const noexcept {
        const float* s = sb + m;
        for (; i + m <= n && i + M > n; i += m) {
            __m512 a4[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
            NERVE_IIR_UNROLL
            for (std::size_t t = 0; t < m; ++t)
                a4[t % 4] = _mm512_fmadd_ps(packed_col(ps[t]), _mm512_set1_ps(x[i + t]), a4[t % 4]);
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < D; ++k)
                a4[(m + k) % 4] = _mm512_fmadd_ps(packed_col(ps[m + k]), _mm512_set1_ps(s[k]), a4[(m + k) % 4]);
            const __m512 a = _mm512_add_ps(_mm512_add_ps(a4[0], a4[1]), _mm512_add_ps(a4[2], a4[3]));
            if (NERVE_UNLIKELY(packed_bad(a, a))) break;
            last = x[i + m - 1];
            _mm512_mask_storeu_ps(y + i, static_cast<__mmask16>((1u << m) - 1u), a);
            _mm512_store_ps(sb, a);
            __asm__ volatile("" : "+m"(*(float(*)[16])sb));
        }
        return i;
    }
};

template <std::size_t S>
struct packed_engine {
    static constexpr std::size_t D = 2 * S;
    static constexpr std::size_t M = 32 - D;  // samples per block
    static constexpr std::size_t m = 16 - D;  // samples per tail block
    static_assert(S >= 1 && S <= 7);

    alignas(64) std::array<std::array<float, 16>, 16 + D> p1{};
    alignas(64) std::array<std::array<float, 16>, 32> p2{};
    packed_tail<S> tail{};

    constexpr void build(const std::array<sos_section<double>, S>& sosd) noexcept {
        std::array<df_coeffs<double>, S> c{};
        for (std::size_t k = 0; k < S; ++k) c[k] = to_df_coeffs<double>(sosd[k]);
        for (std::size_t t = 0; t < M + D; ++t) {  // column t: unit x_t (t < M) or unit s_(t-M)
            std::array<double, D> st{}, st_m{};
            std::array<double, M> y{};
            if (t >= M) st[t - M] = 1.0;
            for (std::size_t n = 0; n < M; ++n) {
                if (n == m) st_m = st;
                y[n] = cascade_step_double(c, st, (t < M && n == t) ? 1.0 : 0.0);
            }
            if (t < 16 || t >= M) {
                auto& col = p1[t < 16 ? t : 16 + (t - M)];
                for (std::size_t r = 0; r < 16; ++r) col[r] = static_cast<float>(y[r]);
            }
            for (std::size_t r = 0; r < m; ++r) p2[t][r] = static_cast<float>(y[16 + r]);
            for (std::size_t i = 0; i < D; ++i) p2[t][m + i] = static_cast<float>(st[i]);
            tail.set_column(t, y.data(), st_m);
        }
    }

    static NERVE_ALWAYS_INLINE __m512 col(const std::array<float, 16>& c) noexcept { return packed_col(c); }
    static NERVE_ALWAYS_INLINE bool bad(__m512 a, __m512 b) noexcept { return packed_bad(a, b); }

    /// Runs n / M blocks (then tail blocks of m while at least m remain): reads x, writes y
    /// (may alias x exactly) and st (DF2T state, D words). Stops before the first block whose
    /// outputs or state come out non-finite, leaving that block's y and the state as they
    /// were before it. Returns the samples done.
    std::size_t run(const float* x, float* y, float* st, std::size_t n, float& last) const noexcept {
        alignas(64) float sb[16];  // s in lanes m .. 15 (the layout of V2 and Vs)
        for (std::size_t i = 0; i < D; ++i) sb[m + i] = st[i];
        const float* s = sb + m;
        std::size_t i = 0;
        // The 16 x columns of P1 stay in registers: a block is ~90 loads (x and s broadcasts,
        // columns) for ~65 vector operations, and the Xeon retires about two loads per
        // cycle, so loads bound the loop as much as the FMA ports (measured: -12% time).
        __m512 rc[16];
        NERVE_IIR_UNROLL
        for (std::size_t t = 0; t < 16; ++t) rc[t] = col(p1[t]);
        auto c1 = [&](std::size_t t) NERVE_INLINE_LAMBDA { return t < 16 ? rc[t] : col(p1[t]); };
        auto c2 = [&](std::size_t t) NERVE_INLINE_LAMBDA { return col(p2[t]); };
        for (; i + M <= n; i += M) {
            const float* xb = x + i;
            // Four accumulators per vector, term t (x_t, then s_k as t = M + k) into a_(t % 4):
            // short x chains that do not wait for s, and only two FMAs per chain after s.
            __m512 a[4], e[4];
            NERVE_IIR_UNROLL
            for (std::size_t q = 0; q < 4; ++q) {
                const __m512 xq = _mm512_set1_ps(xb[q]);
                a[q] = _mm512_mul_ps(c1(q), xq);
                e[q] = _mm512_mul_ps(c2(q), xq);
            }
            NERVE_IIR_UNROLL
            for (std::size_t t = 4; t < 16; ++t) {
                const __m512 xt = _mm512_set1_ps(xb[t]);
                a[t % 4] = _mm512_fmadd_ps(c1(t), xt, a[t % 4]);
                e[t % 4] = _mm512_fmadd_ps(c2(t), xt, e[t % 4]);
            }
            NERVE_IIR_UNROLL
            for (std::size_t t = 16; t < M; ++t)
                e[t % 4] = _mm512_fmadd_ps(c2(t), _mm512_set1_ps(xb[t]), e[t % 4]);
            // The state part: the loop-carried chain s -> s' is one broadcast load, two FMAs
            // (D = 8) and two adds.
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < D; ++k) {
                const __m512 sk = _mm512_set1_ps(s[k]);
                a[(16 + k) % 4] = _mm512_fmadd_ps(c1(16 + k), sk, a[(16 + k) % 4]);
                e[(M + k) % 4] = _mm512_fmadd_ps(c2(M + k), sk, e[(M + k) % 4]);
            }
            const __m512 v1 = _mm512_add_ps(_mm512_add_ps(a[0], a[1]), _mm512_add_ps(a[2], a[3]));
            const __m512 v2 = _mm512_add_ps(_mm512_add_ps(e[0], e[1]), _mm512_add_ps(e[2], e[3]));
            if (NERVE_UNLIKELY(bad(v1, v2))) break;
            last = xb[M - 1];  // before the stores (y may alias x)
            _mm512_storeu_ps(y + i, v1);
            _mm512_mask_storeu_ps(y + i + 16, static_cast<__mmask16>((1u << m) - 1u), v2);
            _mm512_store_ps(sb, v2);
            // Keep s' in memory: the next block reads it back as broadcast loads.
            __asm__ volatile("" : "+m"(sb));
        }
        i = tail.run(x, y, sb, i, n, last);  // none after a bad block (then i + M <= n)
        for (std::size_t k = 0; k < D; ++k) st[k] = s[k];
        return i;
    }
};

/// Pair-broadcast packed engine: float, 16-lane AVX-512, 3 <= S <= 6 (S = 7 keeps
/// packed_engine: with 14 state words the 4 x columns it saves are outweighed by the state
/// columns it cannot keep in registers, measured 0.95x). The same blocks and the same packed
/// result as packed_engine: M = 32 - D samples, V1 = [y_0..y_15], V2 = [y_16..y_(M-1) | s'],
/// the same tail blocks of m = 16 - D samples (table ps, single broadcasts).
/// The difference is how the FMAs are fed. The 32 rows [y_0..y_(M-1) | s'_0..s'_(D-1)] form 4
/// groups of 8 rows; the inputs u = [x_0..x_(M-1) | s_0..s_(D-1)] are taken in pairs
/// (u_2p, u_2p+1), broadcast with one vbroadcastsd (a pure load: no port-0/5 work); column
/// (g, p) holds in lane 2r + e the coefficient of u_(2p+e) in row 8g + r. One FMA thus serves
/// 8 rows x 2 inputs, and a group skips the pairs that cannot reach it (rows y_0..y_7 see
/// x_0..x_7 only: 4 pairs, rows y_8..y_15: 8). At the end the two lanes of each row are added
/// (two vpermt2ps and one add per 16 rows). S = 4 per 24-sample block: 52 FMAs (56 in
/// packed_engine), 6 fold operations, 2 accumulator adds, 3 for the non-finite test: 63
/// port-0/5 operations (65), and 44 loads instead of ~72 (16 pair broadcasts, the 28 columns
/// not held in registers: the x columns of groups 0 and 1 and their state columns stay in
/// registers). Both limits now sit below the port bound, which the loop reaches at ~0.9.
/// Measured side by side on a loaded AVX-512 Xeon (2 cores), medians of 5, ratio over an
/// fma_peak of the same run, both engines behind the same non-inlined call, in 4 builds with
/// different code alignment: S = 3: 0.34 -> 0.37; S = 4: 0.41-0.44 -> 0.42-0.43; S = 5:
/// 0.43-0.44 -> 0.46-0.47; S = 6: 0.45-0.47 -> 0.46-0.47. In nerve_bench (process() inlined
/// into the benchmark) biquad4/nerve 0.33-0.37 -> 0.42, biquad4/nerve_65536 0.375 -> 0.44.
/// Summation order (pinned): group g sums its pairs p in increasing order (x pairs, then the
/// state pairs) into accumulator p % A_g (A = 1 for groups 0 and 1, 2 for groups 2 and 3, whose
/// rows include s' and so carry the loop: two FMAs after the state arrives, not four), then
/// acc_0 + acc_1, then row value = lane 2r + lane 2r + 1 (the even input's terms plus the odd
/// input's). Accuracy as packed_engine (tests: the same bound against the per-sample path).
template <std::size_t S>
struct pair_engine {
    static constexpr std::size_t D = 2 * S;
    static constexpr std::size_t M = 32 - D;  // samples per block
    static constexpr std::size_t m = 16 - D;  // samples per tail block
    static constexpr std::size_t XP = M / 2;  // x pairs
    static constexpr std::size_t SP = D / 2;  // state pairs
    static_assert(S >= 3 && S <= 6);
    // x pairs that reach group g (rows 8g..8g+7; a group holding state rows needs them all).
    static constexpr std::size_t xpairs(std::size_t g) noexcept { return 8 * g + 8 > M ? XP : 4 * g + 4; }

    alignas(64) std::array<std::array<std::array<float, 16>, 16>, 4> pc{};  // [group][pair][lane]
    packed_tail<S> tail{};

    constexpr void build(const std::array<sos_section<double>, S>& sosd) noexcept {
        std::array<df_coeffs<double>, S> c{};
        for (std::size_t k = 0; k < S; ++k) c[k] = to_df_coeffs<double>(sosd[k]);
        for (std::size_t t = 0; t < M + D; ++t) {  // unit u_t: x_t (t < M) or s_(t-M)
            std::array<double, D> st{}, st_m{};
            std::array<double, 32> rows{};
            if (t >= M) st[t - M] = 1.0;
            for (std::size_t n = 0; n < M; ++n) {
                if (n == m) st_m = st;
                rows[n] = cascade_step_double(c, st, (t < M && n == t) ? 1.0 : 0.0);
            }
            for (std::size_t i = 0; i < D; ++i) rows[M + i] = st[i];
            for (std::size_t g = 0; g < 4; ++g)
                for (std::size_t r = 0; r < 8; ++r) pc[g][t / 2][2 * r + t % 2] = static_cast<float>(rows[8 * g + r]);
            tail.set_column(t, rows.data(), st_m);
        }
    }

    static NERVE_ALWAYS_INLINE __m512 col(const std::array<float, 16>& c) noexcept { return packed_col(c); }
    // [u_0, u_1] in every lane pair: one vbroadcastsd from memory.
    static NERVE_ALWAYS_INLINE __m512 pair(const float* u) noexcept {
        double d;
        std::memcpy(&d, u, sizeof d);
        return _mm512_castpd_ps(_mm512_set1_pd(d));
    }
    // Row r of the 16: lanes 2r and 2r + 1 of a (rows 0..7) or b (rows 8..15), added.
    static NERVE_ALWAYS_INLINE __m512 fold(__m512 a, __m512 b) noexcept {
        const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
        return _mm512_add_ps(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
    }
    static NERVE_ALWAYS_INLINE bool bad(__m512 a, __m512 b) noexcept { return packed_bad(a, b); }

    /// As packed_engine::run.
    std::size_t run(const float* x, float* y, float* st, std::size_t n, float& last) const noexcept {
        alignas(64) float sb[16];  // s in lanes m .. 15 (the layout of V2 and the tail's vector)
        for (std::size_t i = 0; i < D; ++i) sb[m + i] = st[i];
        const float* s = sb + m;
        std::size_t i = 0;
        constexpr std::size_t X0 = xpairs(0), X1 = xpairs(1), X2 = xpairs(2), X3 = xpairs(3);
        // Held in registers: groups 0 and 1, x and state columns (S = 4: 20 of 32 registers).
        __m512 r0[X0 + SP], r1[X1 + SP];
        NERVE_IIR_UNROLL
        for (std::size_t p = 0; p < X0; ++p) r0[p] = col(pc[0][p]);
        NERVE_IIR_UNROLL
        for (std::size_t p = 0; p < X1; ++p) r1[p] = col(pc[1][p]);
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < SP; ++k) r0[X0 + k] = col(pc[0][XP + k]), r1[X1 + k] = col(pc[1][XP + k]);
        for (; i + M <= n; i += M) {
            const float* xb = x + i;
            __m512 a0, a1, a2[2], a3[2];
            NERVE_IIR_UNROLL
            for (std::size_t p = 0; p < XP; ++p) {
                const __m512 u = pair(xb + 2 * p);
                if (p < X0) a0 = p == 0 ? _mm512_mul_ps(r0[p], u) : _mm512_fmadd_ps(r0[p], u, a0);
                if (p < X1) a1 = p == 0 ? _mm512_mul_ps(r1[p], u) : _mm512_fmadd_ps(r1[p], u, a1);
                if (p < X2) a2[p % 2] = p < 2 ? _mm512_mul_ps(col(pc[2][p]), u) : _mm512_fmadd_ps(col(pc[2][p]), u, a2[p % 2]);
                if (p < X3) a3[p % 2] = p < 2 ? _mm512_mul_ps(col(pc[3][p]), u) : _mm512_fmadd_ps(col(pc[3][p]), u, a3[p % 2]);
            }
            // The state part: the loop-carried chain s -> s' is a pair broadcast, two FMAs per
            // accumulator of groups 2 and 3 (S = 4), one add and the fold.
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < SP; ++k) {
                const __m512 u = pair(s + 2 * k);
                const std::size_t p = XP + k;
                a0 = _mm512_fmadd_ps(r0[X0 + k], u, a0);
                a1 = _mm512_fmadd_ps(r1[X1 + k], u, a1);
                a2[p % 2] = _mm512_fmadd_ps(col(pc[2][p]), u, a2[p % 2]);
                a3[p % 2] = _mm512_fmadd_ps(col(pc[3][p]), u, a3[p % 2]);
            }
            const __m512 v1 = fold(a0, a1);
            const __m512 v2 = fold(_mm512_add_ps(a2[0], a2[1]), _mm512_add_ps(a3[0], a3[1]));
            if (NERVE_UNLIKELY(bad(v1, v2))) break;
            last = xb[M - 1];  // before the stores (y may alias x)
            _mm512_storeu_ps(y + i, v1);
            _mm512_mask_storeu_ps(y + i + 16, static_cast<__mmask16>((1u << m) - 1u), v2);
            _mm512_store_ps(sb, v2);
            __asm__ volatile("" : "+m"(sb));  // s' back through memory: pair broadcasts next block
        }
        i = tail.run(x, y, sb, i, n, last);
        for (std::size_t k = 0; k < D; ++k) st[k] = s[k];
        return i;
    }
};

/// Time-segment engine: float, 16-lane AVX-512, long blocks of one channel. A superblock of
/// N = 16 L samples is cut into 16 segments of L samples, segment j in lane j (L = 128 while a
/// call has 2048 samples left, then L = 64 for one superblock more):
///   1. transpose in (16x16 in registers; lane j of vector n = x[j L + n]), stored to a stack
///      buffer, and the zero-state end state of every segment on the way:
///        z_j = sum_n B_n x[j L + n],   B_n = A^(L-1-n) b   (D = 2S words, D FMAs per step);
///   2. the true start states, a prefix over the lanes: x_0 = the running state,
///      x_(j+1) = A^L x_j + z_j, in 4 doubling levels X_j += A^(2^l L) X_(j - 2^l)
///      (Kogge-Stone; A is block lower triangular, so only blocks at or below the diagonal);
///   3. the DF2T recurrence in all 16 lanes from those states (biquad_bank's step with the
///      cascade's float coefficients broadcast, numerators normalised as below: 4S + 1 FMAs
///      and S - 1 adds per 16 samples), 16 outputs at a time transposed back and stored; the
///      running state becomes lane 15's end state.
/// Normalised numerators: sections 1..S-1 run as b / b0 (y = x + s1: an add, which Zen 5 issues
/// on its FP-add pipes beside the FMAs), section 0 with all the gains (b P_0), so section k's
/// signals and state are P_k = b0_(k+1) ... b0_(S-1) times the cascade's DF2T ones (scaled on
/// the way in and out). Designs with b0 = 1 after the first section (Butterworth, Chebyshev:
/// all the gain in section 0) have P_k = 1 and the same bits as plain DF2T; a section with
/// b0 = 0, or factors outside [2^-60, 2^60], keeps the plain form.
/// The outputs come from the ordinary recurrence; only the segment start states come from
/// the tables (A^(2^l L), B_n: computed in double from the float coefficients the recurrence
/// runs, so they describe that filter, then rounded to float). One set of tables serves both
/// lengths: B_n for L = 128 (L = 64 reads its last 64 rows: the same values) and A^(2^q 64),
/// q = 0..4 (A^64 from 64 zero-input steps, then squared in double; L = 64 uses q = 0..3, the
/// same bits as before L = 128 existed, L = 128 q = 1..4). Summation order
/// (pinned): z_j sums n in increasing order into P accumulators (8 / D; 1 for D >= 8; 2 for
/// D = 6), term n into accumulator n % P, then added in index order; each doubling level adds, per state
/// word k, the terms m (increasing) into two accumulators by m % 2, (X + even) + odd.
/// Cost per 16 samples (one step of the 16 lanes) against the 5S FMAs fma_peak counts:
/// recurrence 5S FMAs (4S + 1 normalised), z sums 2S, the prefix 4 levels x 2S(S + 1) FMAs
/// per L steps = S(S + 1) / 8 at L = 64 (S(S + 1) / 16 at L = 128), two transposes
/// (2 vunpck*ps, 2 vunpck*pd, 4 vshuff32x4), 3 stores (xt, yt, y), 3 + 2S loads (+ coefficient
/// broadcasts that do not fit in registers).
/// - Xeon (FMAs and shuffles on ports 0/5; the recurrence then plain DF2T with a per-step
///   check FMA): 5S + 2S + 8 + 1 + prefix (S = 4: ~3.5), S = 4 at most ~0.5 of the peak,
///   no better than the packed engine's ~0.46: measured 0.98-1.12x the packed engine for
///   S = 3..7; for S = 1, 2, 8, where the block engine ran, 2.0x, 1.85x and 1.3x faster.
/// - Zen 5, measured with single-instruction loops at 3.47 GHz: two 512-bit FMA pipes (FMA
///   latency 5 cycles), 512-bit adds 2 per cycle and vunpck* (up to ~12 per 6 cycles) beside
///   them for free, vshuff32x4 / valignd / vpermt2ps ~0.25 cycle of FMA time each, 2 loads per
///   cycle, and a 512-bit store beside FMAs ~1 cycle each (12 FMAs + 4 stores: 10.3 cycles,
///   not 6). FMA-pipe work alone: 5S / (6S + 1 + S(S + 1)/8) = 0.69 / 0.73 / 0.73 / 0.73 /
///   0.69 for S = 1 / 2 / 3 / 4 / 8, so this method cannot reach 0.8 of the peak here even
///   with free stores and shuffles (the z sums alone, 5S / (6S + 1), stay at or below 0.8 up
///   to S = 4). With ~1 cycle per store and ~0.25 per vshuff32x4: S = 2 / 4 / 8 at most
///   ~0.46 / 0.56 / 0.61; measured (nerve_bench biquadS/nerve, medians of 5, two quiet
///   interleaved runs) 0.42-0.43 / 0.53-0.54 / 0.58-0.59; normalised numerators
///   +4-17 % for S = 4..8 (S - 1 FMAs fewer; with the per-step check FMA gone from DF2T,
///   engine alone, two quiet runs: S = 4 0.50 -> 0.52-0.53, 8 0.48 -> 0.57; S = 3 0.44 -> 0.43,
///   0.45 with two z accumulator sets). The z sums are the largest cost after the recurrence:
///   a timing-only variant without their FMAs (wrong outputs) ran S = 4 / 6 / 8 at 0.67 / 0.77
///   / 0.75 against 0.53 / 0.59 / 0.57.
///   S = 1 (0.28-0.29) waits on its recurrence chain, one FMA latency (5 cycles) per step
///   against ~3.6 cycles of FMA-pipe work: without that chain (timing only) 0.33-0.35.
///   Against the pair/packed engines 1.25-1.41x for S = 3..7 at 1024 samples, 1.16-1.36x at
///   64 Ki, hence the dispatch in biquad_cascade.
///   Removing stores did not pay for any S (engine alone, 1024 samples, two interleaved runs,
///   against the form here): the 16 outputs of a group kept in registers and transposed
///   straight into y (no yt) 0.79-0.96x for S = 1, 2, 5..8 (S = 8 spills), S = 4 0.95 / 1.06x,
///   S = 3 1.02 / 1.06x but 0.99 / 1.00x in a second pair; no xt (step 3 re-loads x and runs a
///   third 16 x 16 transpose: 32 more vshuff32x4 per 256 samples) 0.75-1.00x; neither (one
///   store per 16 samples) 0.84-1.02x. Probably because a group's transpose then waits on its
///   16 steps (or step 3 on the transpose) where the stores let them run apart; so the ~1 cycle
///   per store above is not what the engine loses to.
///   L = 128 for calls of 2048 samples and more (half the prefix, half the per-superblock
///   overhead), engine alone at 64 Ki samples against L = 64 throughout, seven interleaved
///   pairs of runs (medians of 5): S = 1 0.26-0.28 -> 0.28-0.31, 2 0.40-0.44 -> 0.42-0.46,
///   3 0.43-0.46 -> 0.44-0.48 (lower in one pair), 4 0.51-0.55 -> 0.54-0.56, 5 0.49-0.60 ->
///   0.59-0.60, 6 0.52-0.59 -> 0.58-0.63, 7 0.52-0.59 -> 0.55-0.64 (lower in one pair),
///   8 0.45-0.57 -> 0.57-0.61; an eighth pair under build load read S = 1, 2, 3, 4, 7 lower and
///   5, 6, 8 higher. nerve_bench biquad4/nerve_65536 0.50-0.54 -> 0.55-0.56, higher in all eight.
/// Bad input: if any output or any lane's end state comes out non-finite, the
/// superblock is redone sample by sample from the transposed copy of its input (so in place
/// works too) and the running state is only replaced when the superblock succeeds.
/// Accuracy: the start-state tables carry the only new rounding (a 64- or 128-term sum for z,
/// four matrix-vector levels); measured against the double filter, as accurate as the per-sample
/// path within a factor ~1.5 (see tests/filter/test_biquad_segment.cpp).
/// segment_engine<S> is segment_engine_lanes<S, segment_ops_avx512> (the W-lane engine below,
/// shared with NEON and AVX2; same loops and bits as this engine's own code before stop 31);
/// these are its 16-lane operations.
// The plain operations are written out in intrinsics for each x86 width: the same ones through
// xsimd's batch (one shared struct) measured S = 4 0.93-0.95x, S = 1, 2, 8 0.98-1.02x, in four
// runs of one binary (two more register moves per 16 steps and FMAs in other operand forms).
struct segment_ops_avx512 {
    using vec = __m512;
    static constexpr std::size_t W = 16;
    // Accumulator sets for z: at least 8 chains (S = 3: 2 x 6; one set of 6 chains, one FMA per
    // step each, waited on the FMA latency: Zen 5, engine alone 0.43 -> 0.45).
    static constexpr std::size_t z_sets(std::size_t D) noexcept { return D >= 8 ? 1 : D == 6 ? 2 : 8 / D; }
    // A group's W outputs go through a stack buffer to the transpose (kept in registers they
    // measured 0.79-0.96x, see above).
    static constexpr bool stage_outputs = true;
    static NERVE_ALWAYS_INLINE vec zero() noexcept { return _mm512_setzero_ps(); }
    static NERVE_ALWAYS_INLINE vec load(const float* p) noexcept { return _mm512_loadu_ps(p); }
    static NERVE_ALWAYS_INLINE void store(float* p, vec v) noexcept { _mm512_store_ps(p, v); }
    static NERVE_ALWAYS_INLINE void storeu(float* p, vec v) noexcept { _mm512_storeu_ps(p, v); }
    static NERVE_ALWAYS_INLINE vec add(vec a, vec b) noexcept { return _mm512_add_ps(a, b); }
    static NERVE_ALWAYS_INLINE vec sub(vec a, vec b) noexcept { return _mm512_sub_ps(a, b); }
    static NERVE_ALWAYS_INLINE vec fma_n(vec acc, vec v, float c) noexcept {
        return _mm512_fmadd_ps(_mm512_set1_ps(c), v, acc);
    }
    // Recurrence coefficients read from the tables at use: from a local copy GCC hoists all 5S
    // broadcasts out of the loop and spills them (S = 4: 21 more stack accesses per 16 steps;
    // S = 1 and 4 ran 0.89-0.96x at 64 Ki samples); from the tables it re-broadcasts some per step.
    using coef = const float*;
    static NERVE_ALWAYS_INLINE coef make_coef(const float& c) noexcept { return &c; }
    static NERVE_ALWAYS_INLINE vec fma_c(vec acc, vec v, coef c) noexcept { return fma_n(acc, v, *c); }
    static NERVE_ALWAYS_INLINE vec mul_c(vec v, coef c) noexcept { return _mm512_mul_ps(_mm512_set1_ps(*c), v); }
    // Lane j <- lane j - k, zeros below k.
    template <unsigned k>
    static NERVE_ALWAYS_INLINE vec shift_up(vec v) noexcept {
        return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(v), _mm512_setzero_si512(), 16 - k));
    }
    // [s, z_0, ..., z_14].
    static NERVE_ALWAYS_INLINE vec shift_in(float s, vec z) noexcept {
        return _mm512_castsi512_ps(
            _mm512_alignr_epi32(_mm512_castps_si512(z), _mm512_castps_si512(_mm512_set1_ps(s)), 15));
    }
    static NERVE_ALWAYS_INLINE float last(vec v) noexcept {
        return _mm512_cvtss_f32(_mm512_permutexvar_ps(_mm512_set1_epi32(15), v));
    }
    static NERVE_ALWAYS_INLINE bool no_nan(vec v) noexcept { return _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q) == 0; }
};
NERVE_GCC_INTRINSICS_END
#endif
#endif

#if NERVE_IIR_SEGMENTS
NERVE_GCC_INTRINSICS_BEGIN  // see config.hpp
/// Time-segment engine over W lanes (NEON: W = 4; AVX2 + FMA without AVX-512: W = 8; AVX-512:
/// W = 16, as segment_engine): the method described above segment_ops_avx512. A superblock of
/// N = W L samples (L = 128 while a call has W x 128 left, then 64) is cut into W segments, segment j in lane j: transposed in W x W at a time into
/// a stack copy, the zero-state end states z_j summed on the way (D FMAs per step), the start
/// states by a prefix over the lanes (log2 W doubling levels, A^L, A^2L, ...), then the DF2T
/// recurrence in the W lanes (S <= 2 regrouped, numerators normalised, all as segment_engine),
/// W outputs at a time transposed back into y. Same tables, same summation orders (z: P
/// accumulator sets, term n into set n % P; each level (X + even) + odd), same bad-input redo
/// from the stack copy. Ops holds the instruction set's vector operations (segment_ops_avx512
/// above, segment_ops_neon and segment_ops_avx2 below); the W x W transposes are the shared
/// ones of core/simd_transpose.hpp.
/// Cost per W samples: 5S (recurrence) + 2S (z) FMAs, 2 W x W transposes per W steps, the
/// prefix log2(W) x 2S(S + 1) FMAs per L steps.
/// - Cortex-A72 (NEON): one Q-form FP operation per cycle (its two 64-bit FP pipes) takes the
///   FMAs and the TRNs alike, so at most 5S / (7S + 4) of the peak: 0.45 / 0.56 / 0.63 for
///   S = 1 / 2 / 4. Modelled (tools/a64_icount.py, bench/a64/filters.cpp's 1024-sample calls,
///   the engine before -> after, one build each): S = 1 12.40 -> 4.59 cycles per sample (0.10 ->
///   0.28 of the peak; the regrouped chain, one FMLA with s1 as multiplicand per step, is 10
///   cycles in LLVM's model), 2 12.73 -> 5.50 (0.20 -> 0.46), 3 13.93 -> 7.04 (0.27 -> 0.54), 4
///   16.91 -> 9.24 (0.30 -> 0.55), 5 18.96 -> 11.50, 6 19.01 -> 13.50, 7 19.04 -> 15.41 (0.47 ->
///   0.58); S = 8 18.19 against the lanes engine's 16.74 (its 2S coefficient and 2S state
///   registers and the z sums spill), so S = 8 keeps cascade_lanes_neon. The rest of the
///   recurrence's time is register moves (FMLA accumulates into its destination: ~14 per 16
///   samples at S = 4). The coefficients are whole vectors in registers there: FMLA by element
///   from scalars measured S = 2 5.50 -> 7.11 cycles.
/// - Intel Xeon (the AVX-512 machine of stop 29) running AVX2 code (-mavx2 -mfma: FMAs on ports
///   0/1, shuffles on port 5), 1024-sample calls, GFLOP/s (10 flops per section and sample) over
///   an 8-lane FMA peak loop of the same binary, block engine -> this engine, two runs beside a
///   build: S = 1 0.11 -> 0.27-0.28, 2 0.17 -> 0.42-0.48, 4 0.26-0.34 -> 0.50-0.51, 8 0.22-0.29 ->
///   0.46; bound 5S / (7S + 1) with the shuffles free: 0.63 / 0.67 / 0.69 / 0.70.
template <std::size_t S, class Ops>
struct segment_engine_lanes : segment_tables<S> {
    using tables = segment_tables<S>;
    using tables::D, tables::short_segment, tables::long_segment, tables::Lmax, tables::regrouped;
    using tables::bz, tables::cc, tables::pw, tables::nc, tables::scale, tables::normalised;
    using vec = typename Ops::vec;
    static constexpr std::size_t W = Ops::W;
    template <std::size_t L>
    static constexpr std::size_t N = W * L;  // samples per superblock
    // Accumulator sets for z (chains against the FMA latency).
    static constexpr std::size_t P = Ops::z_sets(D);
    static_assert(W % P == 0 && (W == 4 || W == 8 || W == 16));

    // One doubling level: X_j += A^(2^l L) X_(j - 2^l) (lanes below 2^l add nothing);
    // A^(2^l L) = pw[q]; per state word, (X + even) + odd.
    template <std::size_t l, std::size_t q>
    NERVE_ALWAYS_INLINE void level(vec (&xs)[D]) const noexcept {
        vec sh[D];
        NERVE_IIR_UNROLL
        for (std::size_t m = 0; m < D; ++m) sh[m] = Ops::template shift_up<(1u << l)>(xs[m]);
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < D; ++k) {
            const std::size_t mend = (k / 2 + 1) * 2;  // block lower triangular
            vec e = xs[k], o = Ops::zero();
            NERVE_IIR_UNROLL
            for (std::size_t m = 0; m < mend; m += 2) {
                e = Ops::fma_n(e, sh[m], pw[q][k][m]);
                o = Ops::fma_n(o, sh[m + 1], pw[q][k][m + 1]);
            }
            xs[k] = Ops::add(e, o);
        }
    }

    template <std::size_t L, class Redo>
    void run(const float* x, float* y, float* st, float& last, Redo&& redo) const noexcept {
        tables::template run_with<L>(*this, x, y, st, last, redo);
    }

    template <std::size_t L, bool Normalised, class Redo>
    void run_as(const float* x, float* y, float* st, float& last, Redo& redo) const noexcept {
        constexpr std::size_t n0 = Lmax - L, q0 = L / short_segment - 1;  // B_n = bz[n0 + n], A^L = pw[q0]
        alignas(64) float xt[L][W];
        // 1. transpose in, z on the way.
        vec z[P][D];
        NERVE_IIR_UNROLL
        for (std::size_t p = 0; p < P; ++p)
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < D; ++k) z[p][k] = Ops::zero();
        for (std::size_t g = 0; g < L; g += W) {
            vec r[W];
            NERVE_IIR_UNROLL
            for (std::size_t j = 0; j < W; ++j) r[j] = Ops::load(x + j * L + g);
            nerve::detail::transpose_in_registers(r);
            NERVE_IIR_UNROLL
            for (std::size_t n = 0; n < W; ++n) {
                Ops::store(xt[g + n], r[n]);
                NERVE_IIR_UNROLL
                for (std::size_t k = 0; k < D; ++k) z[n % P][k] = Ops::fma_n(z[n % P][k], r[n], bz[n0 + g + n][k]);
            }
        }
        // 2. start states: X_0 = st, X_j = z_(j-1); then X_j += A^(2^l L) X_(j - 2^l).
        vec xs[D];
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < D; ++k) {
            vec zk = z[0][k];
            NERVE_IIR_UNROLL
            for (std::size_t p = 1; p < P; ++p) zk = Ops::add(zk, z[p][k]);
            xs[k] = Ops::shift_in(st[k] * scale[k / 2], zk);  // lane 0 <- st[k], lane j <- z_(j-1)
        }
        level<0, q0>(xs);
        level<1, q0 + 1>(xs);
        if constexpr (W >= 8) level<2, q0 + 2>(xs);
        if constexpr (W >= 16) level<3, q0 + 3>(xs);
        // 3. the recurrence in W lanes, each step's W outputs transposed into y W steps at a time.
        //    The coefficients in Ops' form (NEON: vectors kept in registers; AVX2: broadcast at use;
        //    AVX-512: read from the tables at use):
        //    b0, then c1, c2 (regrouped) or b1, b2, then na1, na2.
        using coef = typename Ops::coef;
        coef kb0[S], kb1[S], kb2[S], kna1[S], kna2[S];
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < S; ++k) {
            const df_coeffs<float>& c = nc[k];
            kb0[k] = Ops::make_coef(c.b0);
            kb1[k] = Ops::make_coef(regrouped ? cc[k][0] : c.b1);
            kb2[k] = Ops::make_coef(regrouped ? cc[k][1] : c.b2);
            kna1[k] = Ops::make_coef(c.na1);
            kna2[k] = Ops::make_coef(c.na2);
        }
        vec s1[S], s2[S], s1p[S];  // regrouped: s2 holds c2 x_prev (s2 itself at the start)
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < S; ++k) s1[k] = xs[2 * k], s2[k] = xs[2 * k + 1], s1p[k] = Ops::zero();
        vec check = Ops::zero();
        alignas(64) float yt[Ops::stage_outputs ? L : 1][W];
        for (std::size_t g = 0; g < L; g += W) {
            vec r[W];
            NERVE_IIR_UNROLL
            for (std::size_t n = 0; n < W; ++n) {
                vec v = Ops::load(xt[g + n]);
                NERVE_IIR_UNROLL
                for (std::size_t k = 0; k < S; ++k) {
                    const vec yv = Normalised && k > 0 ? Ops::add(v, s1[k]) : Ops::fma_c(s1[k], v, kb0[k]);
                    if constexpr (regrouped) {
                        const vec w = Ops::fma_c(s2[k], v, kb1[k]);
                        const vec q = Ops::fma_c(w, s1p[k], kna2[k]);
                        s1p[k] = s1[k];
                        s1[k] = Ops::fma_c(q, s1[k], kna1[k]);
                        s2[k] = Ops::mul_c(v, kb2[k]);
                    } else {
                        s1[k] = Ops::fma_c(Ops::fma_c(s2[k], v, kb1[k]), yv, kna1[k]);
                        s2[k] = Ops::fma_c(Ops::mul_c(v, kb2[k]), yv, kna2[k]);
                    }
                    v = yv;
                }
                if constexpr (regrouped) check = Ops::fma_n(check, v, 0.0f);  // NaN once an output is not finite
                if constexpr (Ops::stage_outputs) {
                    Ops::store(yt[g + n], v);
                } else {
                    r[n] = v;
                }
            }
            if constexpr (Ops::stage_outputs) {
                NERVE_IIR_UNROLL
                for (std::size_t n = 0; n < W; ++n) r[n] = Ops::load(yt[g + n]);
            }
            nerve::detail::transpose_in_registers(r);  // stored before the superblock is known to be finite: a redo rewrites y
            NERVE_IIR_UNROLL
            for (std::size_t j = 0; j < W; ++j) Ops::storeu(y + j * L + g, r[j]);
        }
        if constexpr (regrouped) {
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < S; ++k) s2[k] = Ops::fma_c(s2[k], s1p[k], kna2[k]);
        }
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < S; ++k)
            check = Ops::add(check, Ops::add(Ops::sub(s1[k], s1[k]), Ops::sub(s2[k], s2[k])));
        if (NERVE_LIKELY(Ops::no_nan(check))) {
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < S; ++k) {
                st[2 * k] = Ops::last(s1[k]) / scale[k];
                st[2 * k + 1] = Ops::last(s2[k]) / scale[k];
            }
            last = xt[L - 1][W - 1];
            return;
        }
        for (std::size_t j = 0; j < W; ++j)
            for (std::size_t n = 0; n < L; ++n) y[j * L + n] = redo(xt[n][j]);
    }
};
NERVE_GCC_INTRINSICS_END
#if NERVE_IIR_PACKED
template <std::size_t S>
using segment_engine = segment_engine_lanes<S, segment_ops_avx512>;
#endif
#endif

#if NERVE_IIR_LANES_NEON
/// segment_engine_lanes' operations on NEON (4 lanes).
struct segment_ops_neon : segment_ops_defaults {
    using vec = float32x4_t;
    static constexpr std::size_t W = 4;
    static NERVE_ALWAYS_INLINE vec zero() noexcept { return vdupq_n_f32(0.0f); }
    static NERVE_ALWAYS_INLINE vec load(const float* p) noexcept { return vld1q_f32(p); }
    static NERVE_ALWAYS_INLINE void store(float* p, vec v) noexcept { vst1q_f32(p, v); }
    static NERVE_ALWAYS_INLINE void storeu(float* p, vec v) noexcept { vst1q_f32(p, v); }
    static NERVE_ALWAYS_INLINE vec add(vec a, vec b) noexcept { return vaddq_f32(a, b); }
    static NERVE_ALWAYS_INLINE vec sub(vec a, vec b) noexcept { return vsubq_f32(a, b); }
    static NERVE_ALWAYS_INLINE vec fma_n(vec acc, vec v, float c) noexcept { return vfmaq_n_f32(acc, v, c); }
    // Recurrence coefficients as whole vectors: FMLA .4S with them in registers.
    using coef = vec;
    static NERVE_ALWAYS_INLINE coef make_coef(const float& c) noexcept { return vdupq_n_f32(c); }
    static NERVE_ALWAYS_INLINE vec fma_c(vec acc, vec v, coef c) noexcept { return vfmaq_f32(acc, v, c); }
    static NERVE_ALWAYS_INLINE vec mul_c(vec v, coef c) noexcept { return vmulq_f32(v, c); }
    // Lane j <- lane j - k, zeros below k.
    template <unsigned k>
    static NERVE_ALWAYS_INLINE vec shift_up(vec v) noexcept { return vextq_f32(zero(), v, 4 - k); }
    // [s, z_0, z_1, z_2].
    static NERVE_ALWAYS_INLINE vec shift_in(float s, vec z) noexcept { return vextq_f32(vdupq_n_f32(s), z, 3); }
    static NERVE_ALWAYS_INLINE float last(vec v) noexcept { return vgetq_lane_f32(v, 3); }
    static NERVE_ALWAYS_INLINE bool no_nan(vec v) noexcept { return vminvq_u32(vceqq_f32(v, v)) != 0; }
};
template <std::size_t S>
using segment_engine_neon = segment_engine_lanes<S, segment_ops_neon>;
#endif

#if NERVE_IIR_SEGMENTS_AVX2
/// segment_engine_lanes' operations on AVX2 + FMA (8 lanes).
struct segment_ops_avx2 : segment_ops_defaults {
    using vec = __m256;
    static constexpr std::size_t W = 8;
    static NERVE_ALWAYS_INLINE vec zero() noexcept { return _mm256_setzero_ps(); }
    static NERVE_ALWAYS_INLINE vec load(const float* p) noexcept { return _mm256_loadu_ps(p); }
    static NERVE_ALWAYS_INLINE void store(float* p, vec v) noexcept { _mm256_store_ps(p, v); }
    static NERVE_ALWAYS_INLINE void storeu(float* p, vec v) noexcept { _mm256_storeu_ps(p, v); }
    static NERVE_ALWAYS_INLINE vec add(vec a, vec b) noexcept { return _mm256_add_ps(a, b); }
    static NERVE_ALWAYS_INLINE vec sub(vec a, vec b) noexcept { return _mm256_sub_ps(a, b); }
    static NERVE_ALWAYS_INLINE vec fma_n(vec acc, vec v, float c) noexcept {
        return _mm256_fmadd_ps(_mm256_set1_ps(c), v, acc);
    }
    // Recurrence coefficients as floats, broadcast at use (16 registers: 5S vectors would spill).
    using coef = float;
    static NERVE_ALWAYS_INLINE coef make_coef(const float& c) noexcept { return c; }
    static NERVE_ALWAYS_INLINE vec fma_c(vec acc, vec v, coef c) noexcept { return fma_n(acc, v, c); }
    static NERVE_ALWAYS_INLINE vec mul_c(vec v, coef c) noexcept { return _mm256_mul_ps(_mm256_set1_ps(c), v); }
    // Lane j <- lane j - k, zeros below k (k = 4: one 128-bit lane move; else a permute and a blend).
    template <unsigned k>
    static NERVE_ALWAYS_INLINE vec shift_up(vec v) noexcept {
        if constexpr (k == 4) {
            return _mm256_permute2f128_ps(v, v, 0x08);
        } else {
            const __m256i idx = _mm256_setr_epi32(0, 1 - int(k), 2 - int(k), 3 - int(k), 4 - int(k), 5 - int(k),
                                                  6 - int(k), 7 - int(k));
            return _mm256_blend_ps(_mm256_permutevar8x32_ps(v, idx), zero(), (1 << k) - 1);
        }
    }
    // [s, z_0, ..., z_6].
    static NERVE_ALWAYS_INLINE vec shift_in(float s, vec z) noexcept {
        return _mm256_blend_ps(shift_up<1>(z), _mm256_set1_ps(s), 1);
    }
    static NERVE_ALWAYS_INLINE float last(vec v) noexcept {
        return _mm_cvtss_f32(_mm_permute_ps(_mm256_extractf128_ps(v, 1), 0xFF));
    }
    static NERVE_ALWAYS_INLINE bool no_nan(vec v) noexcept {
        return _mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)) == 0;
    }
};
#endif


#if NERVE_IIR_ARM_M4F
// One DF2T step on fixed FPU registers: s1 in sP, s2 in sQ, x in sX; afterwards y is in sP,
// the new s1 in sQ and the new s2 in sR (sR may be sX). Coefficients b0 b1 b2 na1 na2 live in
// s24-s28. Same operations, same order, same fusing as df2t_step (so the same bits):
//   y = fma(b0, x, s1);  s1 = fma(na1, y, fma(b1, x, s2));  s2 = fma(na2, y, b2 * x).
#define NERVE_IIR_M4F_STEP(P, Q, X, R)          \
    "vfma.f32 s" #P ", s24, s" #X "\n\t"         \
    "vfma.f32 s" #Q ", s25, s" #X "\n\t"         \
    "vmul.f32 s" #R ", s26, s" #X "\n\t"         \
    "vfma.f32 s" #Q ", s27, s" #P "\n\t"         \
    "vfma.f32 s" #R ", s28, s" #P "\n\t"

/// One float DF2T section over n samples (n a positive multiple of 16), src -> dst (src == dst
/// is fine: each run of 16 is loaded before it is stored). The CMSIS-DSP loop order (section
/// outer, samples inner) with the coefficients and the state held in s24-s28 and s6-s7 for
/// the whole run: 5 FPU operations per sample, one VLDM of 16 inputs and two VSTMs of 8
/// outputs per 16 samples, no moves: the registers rotate so that y_j lands in s(6+j)
/// (samples 14 and 15 put the new state back into s6, s7 for the next round).
/// 85 instructions per 16 samples (5.3 per section and sample).
inline void df2t_section_m4f(const df_coeffs<float>* c, float* st, const float* src, float* dst,
                             std::size_t n) noexcept {
    static_assert(madd_is_fused<float>, "the Cortex-M4F kernel uses VFMA like madd<float>");
    __asm__ volatile(
        "vldmia %[c], {s24-s28}\n\t"
        "vldmia %[st], {s6-s7}\n\t"
        "1:\n\t"
        "vldmia %[src]!, {s8-s23}\n\t"
        NERVE_IIR_M4F_STEP(6, 7, 8, 8) NERVE_IIR_M4F_STEP(7, 8, 9, 9)
        NERVE_IIR_M4F_STEP(8, 9, 10, 10) NERVE_IIR_M4F_STEP(9, 10, 11, 11)
        NERVE_IIR_M4F_STEP(10, 11, 12, 12) NERVE_IIR_M4F_STEP(11, 12, 13, 13)
        NERVE_IIR_M4F_STEP(12, 13, 14, 14) NERVE_IIR_M4F_STEP(13, 14, 15, 15)
        "vstmia %[dst]!, {s6-s13}\n\t"
        NERVE_IIR_M4F_STEP(14, 15, 16, 16) NERVE_IIR_M4F_STEP(15, 16, 17, 17)
        NERVE_IIR_M4F_STEP(16, 17, 18, 18) NERVE_IIR_M4F_STEP(17, 18, 19, 19)
        NERVE_IIR_M4F_STEP(18, 19, 20, 20) NERVE_IIR_M4F_STEP(19, 20, 21, 21)
        NERVE_IIR_M4F_STEP(20, 21, 22, 6) NERVE_IIR_M4F_STEP(21, 6, 23, 7)
        "vstmia %[dst]!, {s14-s21}\n\t"
        "subs %[n], %[n], #16\n\t"
        "bne 1b\n\t"
        "vstmia %[st], {s6-s7}"
        : [src] "+r"(src), [dst] "+r"(dst), [n] "+r"(n)
        : [c] "r"(c), [st] "r"(st)
        : "memory", "cc", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17",
          "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28");
}
#undef NERVE_IIR_M4F_STEP

/// Copies n floats (a positive multiple of 16) with VLDM/VSTM.
inline void copy16_m4f(const float* src, float* dst, std::size_t n) noexcept {
    __asm__ volatile(
        "1:\n\t"
        "vldmia %[src]!, {s8-s23}\n\t"
        "vstmia %[dst]!, {s8-s23}\n\t"
        "subs %[n], %[n], #16\n\t"
        "bne 1b"
        : [src] "+r"(src), [dst] "+r"(dst), [n] "+r"(n)
        :
        : "memory", "cc", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19",
          "s20", "s21", "s22", "s23");
}
#endif

#if NERVE_IIR_ARM_Q15
/// Arguments of q15_section_arm: the section's coefficient pairs as 32-bit words (low half
/// first), the rounding constant 2^(d-1), the shift d = 15 - post_shift, and the state
/// (x1 x2 y1 y2 as int16, read and written as two words).
struct q15_section_args {
    std::int32_t b01, b12, a12, round, down;
    std::int16_t* st;
};

/// One Q15 DF1 section over 4 * quads samples, src -> dst (src == dst is fine), two samples
/// per word. 32-bit sums: per output y = ssat((R + b0 x0 + b1 x1 + b2 x2 + na1 y1 + na2 y2)
/// >> d, 16) with SMLABB/SMLADX/SMLATT/SMLAD (the DSP MACs add exactly and set the sticky Q
/// flag if a sum leaves int32) and ASR + SSAT (Q also set when it saturates). Without Q the
/// integers equal the exact int64 path's bit for bit; the caller clears Q before and
/// redoes the run exactly when Q is set. 32 instructions per 4 samples (8 per section and
/// sample). Registers: r0 src, r1 dst, r2 count, r4 b0|b1, r5 b1|b2, r6 na1|na2, r7 R, r8 d,
/// r9/r11 the current and the previous input pair, r10 y1|y2, r12 and lr the two sums.
[[gnu::naked, gnu::noinline]] inline void q15_section_arm(const std::int16_t*, std::int16_t*, std::size_t,
                                                         const q15_section_args*) noexcept {
    __asm__(
        "push {r3-r11, lr}\n\t"
        "ldm r3, {r4-r8}\n\t"
        "ldr r12, [r3, #20]\n\t"
        "ldr r9, [r12]\n\t"              // x1 | x2 -> previous pair x[n-2] | x[n-1]
        "ror r9, r9, #16\n\t"
        "ldr r10, [r12, #4]\n\t"         // y1 | y2
        "1:\n\t"
        // pair 1: current r11, previous r9
        "ldr r11, [r0], #4\n\t"
        "smlabb r12, r4, r11, r7\n\t"     // R + b0 x0
        "smladx r12, r5, r9, r12\n\t"     // + b1 x[n-1] + b2 x[n-2]
        "smlad r12, r6, r10, r12\n\t"     // + na1 y1 + na2 y2
        "asr r12, r12, r8\n\t"
        "ssat r12, #16, r12\n\t"          // y0
        "smladx lr, r4, r11, r7\n\t"      // R + b0 x1 + b1 x0
        "smlatt lr, r5, r9, lr\n\t"       // + b2 x[n-1]
        "pkhbt r3, r12, r10, lsl #16\n\t" // y0 | y1
        "smlad lr, r6, r3, lr\n\t"        // + na1 y0 + na2 y1
        "asr lr, lr, r8\n\t"
        "ssat lr, #16, lr\n\t"            // y1 (new)
        "pkhbt r10, lr, r12, lsl #16\n\t" // state y1 | y2
        "pkhbt r3, r12, lr, lsl #16\n\t"  // output pair
        "str r3, [r1], #4\n\t"
        // pair 2: current r9, previous r11
        "ldr r9, [r0], #4\n\t"
        "smlabb r12, r4, r9, r7\n\t"
        "smladx r12, r5, r11, r12\n\t"
        "smlad r12, r6, r10, r12\n\t"
        "asr r12, r12, r8\n\t"
        "ssat r12, #16, r12\n\t"
        "smladx lr, r4, r9, r7\n\t"
        "smlatt lr, r5, r11, lr\n\t"
        "pkhbt r3, r12, r10, lsl #16\n\t"
        "smlad lr, r6, r3, lr\n\t"
        "asr lr, lr, r8\n\t"
        "ssat lr, #16, lr\n\t"
        "pkhbt r10, lr, r12, lsl #16\n\t"
        "pkhbt r3, r12, lr, lsl #16\n\t"
        "str r3, [r1], #4\n\t"
        "subs r2, r2, #1\n\t"
        "bne 1b\n\t"
        "ldr r3, [sp]\n\t"
        "ldr r12, [r3, #20]\n\t"
        "ror r9, r9, #16\n\t"             // x1 | x2
        "str r9, [r12]\n\t"
        "str r10, [r12, #4]\n\t"
        "pop {r3-r11, pc}");
}

NERVE_ALWAYS_INLINE void clear_q_flag() noexcept { __asm__ volatile("msr APSR_nzcvq, %0" : : "r"(0) : "cc", "memory"); }
NERVE_ALWAYS_INLINE bool q_flag() noexcept {
    std::uint32_t apsr;
    __asm__ volatile("mrs %0, APSR" : "=r"(apsr) : : "memory");
    return (apsr >> 27) & 1u;
}
#endif

template <class X>
struct fixed_raw { using type = int; };
template <class I, class Wd, int F>
struct fixed_raw<fixed<I, Wd, F>> { using type = I; };

/// Fixed-point DF1 coefficients: value = raw * 2^(post_shift - frac_bits).
template <class R>
struct fixed_coeffs {
    R b0 = 0, b1 = 0, b2 = 0, na1 = 0, na2 = 0;
};

}  // namespace iir_detail

template <class T, std::size_t S, std::size_t C>
class biquad_bank;

/// The process() calls a float cascade is built for. `any`: it carries the time-segment engine's
/// tables (128 x 2S + 5 x (2S)^2 floats: 2.3 KB for S = 2), which make calls of 256 / 512 / 1024
/// samples and more (NEON / AVX2 / AVX-512) 2-3x faster. `short_calls`: a filter that only ever
/// sees shorter calls (a detector's 32-sample runs) leaves them out; same outputs for such calls.
/// Targets without a segment engine (Cortex-M, SSE2) ignore it.
enum class call_length { any, short_calls };

/// Cascade of S second-order sections over samples of type T (float, double, q15, q31).
/// A simple operator with a block path; see the file comment for structure, rounding
/// and bad-input behaviour.
template <sample_type T, std::size_t S, call_length Calls = call_length::any>
class biquad_cascade {
    static_assert(S >= 1, "a biquad cascade needs at least one section");
    static constexpr bool is_fixed = is_fixed_point_v<T>;

public:
    using input_type = T;
    using output_type = T;
    using coeff_type = std::conditional_t<is_fixed, iir_detail::fixed_coeffs<typename iir_detail::fixed_raw<T>::type>,
                                          iir_detail::df_coeffs<std::conditional_t<is_fixed, float, T>>>;
    static constexpr std::size_t sections = S;

    /// Pass-through (every section b0 = 1).
    constexpr biquad_cascade() noexcept { set_coefficients(std::array<sos_section<double>, S>{}); }

    /// From second-order sections laid out as scipy's rows (b0 b1 b2 a0 a1 a2), e.g. the
    /// result of butterworth_lowpass<2S>(...) or a user's own table.
    template <class U>
    constexpr explicit biquad_cascade(const std::array<sos_section<U>, S>& sos) noexcept {
        set_coefficients(sos);
    }

    /// Replaces the coefficients and clears the state.
    template <class U>
    constexpr void set_coefficients(const std::array<sos_section<U>, S>& sos) noexcept {
        std::array<sos_section<double>, S> d{};
        for (std::size_t k = 0; k < S; ++k)
            d[k] = {double(sos[k].b0), double(sos[k].b1), double(sos[k].b2),
                    double(sos[k].a0), double(sos[k].a1), double(sos[k].a2)};
        if constexpr (is_fixed) {
            set_fixed(d);
        } else {
            for (std::size_t k = 0; k < S; ++k) c_[k] = iir_detail::to_df_coeffs<T>(d[k]);
#if NERVE_HAS_XSIMD
            if constexpr (use_block) block_.build(d);  // constexpr too (constinit filters)
#endif
#if NERVE_IIR_SEGMENTS
            if constexpr (use_segments) seg_.build(c_);
#endif
        }
        reset();
    }

    NERVE_ALWAYS_INLINE constexpr output_type operator()(input_type x) noexcept {
        if constexpr (is_fixed) {
            return step_fixed(x);
        } else {
            return step_float(x);
        }
    }

    /// Block path; `out` must be at least as long as `in`. They may alias exactly; `out`
    /// starting before `in` and overlapping it runs sample by sample; `out` starting inside
    /// `in` is refused (block_overlap::ahead: nothing written, state unchanged).
    constexpr void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        const std::size_t n = in.size();
        const T* src = in.data();
        T* dst = out.data();
        const block_overlap ov = overlap_of(src, n, dst, n);
        if (refuse_ahead(ov)) return;
        // `out` before `in`: all of it through the per-sample loop that takes the engines'
        // remainder (the block engines re-read their inputs); one copy of that loop, not two
        // (on the Cortex-M4 a second one inlined the cascade again: 376 bytes at S = 4)
        std::size_t i = ov == block_overlap::behind ? 0 : run_engines(src, dst, n);
        for (; i < n; ++i) dst[i] = (*this)(src[i]);
    }

private:
    // The block engines this target has, over src[0 .. n): returns how many samples they did
    // (the rest go through operator() in process()). Not for `out` starting before `in`.
    constexpr std::size_t run_engines([[maybe_unused]] const T* src, [[maybe_unused]] T* dst,
                                      [[maybe_unused]] std::size_t n) noexcept {
        std::size_t i = 0;
#if NERVE_IIR_SEGMENTS
        if constexpr (use_segments) {
            // Long blocks: whole superblocks through the time-segment engine, the rest below.
            if (!std::is_constant_evaluated()) {
                constexpr std::size_t Ll = seg_engine::long_segment, Ls = seg_engine::short_segment;
                auto redo = [this](float x) NERVE_INLINE_LAMBDA { return step_float(x); };
                for (; n - i >= seg_engine::template N<Ll>; i += seg_engine::template N<Ll>)
                    seg_.template run<Ll>(src + i, dst + i, st_.data(), last_, redo);
                if (n - i >= seg_engine::template N<Ls>) {  // at most one: fewer than 2 N<Ls> are left
                    seg_.template run<Ls>(src + i, dst + i, st_.data(), last_, redo);
                    i += seg_engine::template N<Ls>;
                }
            }
        }
        if constexpr (use_packed) {
            if (!std::is_constant_evaluated()) {
                // The engine stops before a block that comes out non-finite; that block is
                // redone sample by sample (exact bad-input handling), then the engine resumes.
                constexpr std::size_t M = engine::M, m = engine::m;
                for (;;) {
                    i += block_.run(src + i, dst + i, st_.data(), n - i, last_);
                    const std::size_t left = n - i;
                    const std::size_t redo = left >= M ? M : left >= m ? m : 0;
                    if (redo == 0) break;
                    for (std::size_t j = 0; j < redo; ++j) dst[i + j] = step_float(src[i + j]);
                    i += redo;
                }
            }
        } else
#endif
#if NERVE_HAS_XSIMD
        if constexpr (use_block && !use_lanes) {
            if (!std::is_constant_evaluated()) {
                constexpr std::size_t M = iir_detail::block_engine<T, S>::M;
                const std::size_t blocks = (n - i) / M;  // after the segment engine's superblocks
                for (std::size_t b = 0; b < blocks; ++b) {
                    const T* xb = src + i + b * M;
                    T* yb = dst + i + b * M;
                    const T xlast = xb[M - 1];  // before run() stores y (in place, yb == xb)
                    if (NERVE_LIKELY(block_.run(xb, yb, st_.data()))) {
                        last_ = xlast;
                    } else {
                        for (std::size_t j = 0; j < M; ++j) yb[j] = step_float(xb[j]);
                    }
                }
                i += blocks * M;
            }
        }
#endif
#if NERVE_IIR_LANES_NEON
        if constexpr (use_lanes) {
            if (!std::is_constant_evaluated()) i = process_lanes_neon(src, dst, i, n);
        }
#endif
#if NERVE_IIR_ARM_M4F
        if constexpr (std::is_same_v<T, float>) {
            if (!std::is_constant_evaluated()) i = process_m4f(src, dst, n);
        }
#endif
#if NERVE_IIR_ARM_Q15
        if constexpr (std::is_same_v<T, q15>) {
            if (!std::is_constant_evaluated()) i = process_arm_q15(src, dst, n);
        }
#endif
#if NERVE_IIR_ARM_Q31
        if constexpr (std::is_same_v<T, q31>) {
            if (!std::is_constant_evaluated())
                i = iir_detail::process_q31_m4<S>(c_.data(), st_.data(), shift_.data(), src, dst, n,
                                                  [this](T x) { return step_fixed(x); });
        }
#endif
        return i;
    }

public:
    /// Clears the state and the counters (coefficients stay).
    constexpr void reset() noexcept {
        st_ = {};
        last_ = T{};
        rejected_ = 0;
        resets_ = 0;
    }

    /// Floating point: the state a constant input `level` settles to (scipy's sosfilt_zi(sos) x
    /// level, from these coefficients), so the output starts at the filter's DC response instead
    /// of ringing up from zero; the last finite input becomes `level`. False, state unchanged,
    /// when it has none: a pole at z = 1 or a non-finite result.
    constexpr bool start_at(T level) noexcept
        requires(!is_fixed_point_v<T>)
    {
        std::array<T, 2 * S> st{};
        constexpr double top = static_cast<double>(std::numeric_limits<T>::max());
        const auto fits = [](double v) { return v >= -top && v <= top; };  // false for NaN too
        double scale = static_cast<double>(level);
        for (std::size_t k = 0; k < S; ++k) {
            const auto& c = c_[k];
            const double b0 = c.b0, b1 = c.b1, b2 = c.b2, na1 = c.na1, na2 = c.na2;
            const double den = 1.0 - na1 - na2;
            if (!(den != 0.0)) return false;
            const double g = (b0 + b1 + b2) / den;  // DC gain; DF2T steady state: y = g x
            const double z1 = (g - b0) * scale, z2 = (b2 + na2 * g) * scale;
            if (!fits(z1) || !fits(z2)) return false;
            st[2 * k] = static_cast<T>(z1);
            st[2 * k + 1] = static_cast<T>(z2);
            scale *= g;
        }
        st_ = st;
        last_ = level;
        return true;
    }

    template <class V>
    constexpr void visit_state(V& v) {
        v(st_);
        v(last_);
        v(rejected_);
        v(resets_);
    }

    /// Non-finite input samples replaced by the last finite one (floating point only).
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }
    /// Times the state overflowed to non-finite and was cleared (floating point only).
    constexpr std::uint32_t resets() const noexcept { return resets_; }
    /// Coefficients of section k in the internal format.
    constexpr const coeff_type& coefficients(std::size_t k) const noexcept { return c_[k]; }
    /// Fixed point: the post-shift of section k (coefficients are raw * 2^(shift - frac)).
    constexpr int post_shift(std::size_t k) const noexcept { return is_fixed ? shift_[k] : 0; }

private:
    template <class, std::size_t, std::size_t>
    friend class biquad_bank;

    using state_word = std::conditional_t<is_fixed, typename iir_detail::fixed_raw<T>::type, T>;
    // Floating point: s1, s2 per section (2S words). Fixed point: x1 x2 y1 y2 per section.
    static constexpr std::size_t state_words = is_fixed ? 4 * S : 2 * S;

#if NERVE_IIR_LANES_NEON
    // One float channel of 4 to 8 sections on aarch64: the sections in the NEON lanes
    // (cascade_lanes_neon), not the state-space block engine, which stays for 1 to 3 (see
    // cascade_lanes_neon for the measurements).
    static constexpr bool use_lanes = std::is_same_v<T, float> && S >= 4 && S <= 8;
#else
    static constexpr bool use_lanes = false;
#endif
    // A cascade declared for short calls never reaches a segment engine's superblocks, so it
    // leaves their tables out.
    static constexpr bool long_calls = Calls == call_length::any;
#if NERVE_HAS_XSIMD
    static constexpr bool use_block = NERVE_IIR_BLOCK_PATH && !is_fixed && S <= 8;
    static constexpr bool use_packed = NERVE_IIR_PACKED && use_block && std::is_same_v<T, float> && S >= 3 && S <= 7;
#endif
#if NERVE_IIR_PACKED
    // The time-segment engine takes whole superblocks (16 x 128 samples while 2048 are left, then
    // one of 16 x 64) for every S; the packed or block engine the rest. On the AVX-512 Xeon it
    // measured 1.3-2x the block engine for S = 1, 2, 8 and 0.98-1.12x the packed engine for
    // 3 <= S <= 7 (both near that machine's port limit); on the AMD EPYC Zen 5 (adds and unpacks
    // off the FMA pipes) 1.25-1.41x the pair/packed engine for 3 <= S <= 7 at 1024 samples,
    // 1.16-1.36x at 64 Ki (see segment_engine), so it runs for all S.
    static constexpr bool use_segments = use_block && std::is_same_v<T, float> && long_calls;
    using seg_engine = iir_detail::segment_engine<S>;
    // 3 <= S <= 6: the pair-broadcast form of the packed engine (measured 1.04-1.1x); S = 7 the
    // packed engine (the pair form measured 0.95x there).
    using packed = std::conditional_t<(S >= 3 && S <= 6), iir_detail::pair_engine<(S >= 3 && S <= 6) ? S : 3>,
                                      iir_detail::packed_engine<S < 8 ? S : 7>>;
    using engine = std::conditional_t<use_packed, packed, iir_detail::block_engine<T, S>>;
#elif NERVE_HAS_XSIMD
    using engine = iir_detail::block_engine<T, S>;
#endif
#if NERVE_IIR_LANES_NEON
    // NEON, float, 1 to 7 sections: the 4-lane time-segment engine for superblocks of 256 and 512
    // samples, the block (S <= 3) or lanes engine for the rest of a call (see segment_engine_neon).
    static constexpr bool use_segments = use_block && std::is_same_v<T, float> && S <= 7 && long_calls;
    using seg_engine = iir_detail::segment_engine_neon<S>;
#elif NERVE_IIR_SEGMENTS_AVX2
    // AVX2 + FMA: the 8-lane time-segment engine for superblocks of 512 and 1024 samples.
    static constexpr bool use_segments = use_block && std::is_same_v<T, float> && long_calls;
    using seg_engine = iir_detail::segment_engine_lanes<S, iir_detail::segment_ops_avx2>;
#endif

    NERVE_ALWAYS_INLINE constexpr T step_float(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            x = last_;
        } else {
            last_ = x;
        }
        NERVE_IIR_UNROLL
        for (std::size_t k = 0; k < S; ++k) x = iir_detail::df2t_step(c_[k], x, st_[2 * k], st_[2 * k + 1]);
        if (NERVE_UNLIKELY(!is_finite(x))) {
            st_ = {};
            ++resets_;
            return T(0);
        }
        return x;
    }

#if NERVE_IIR_LANES_NEON
    // aarch64 block path (cascade_lanes_neon): whole calls, or runs of 256 samples in place,
    // copied to the stack first so that a run whose state comes out non-finite can be redone
    // per sample from its input (the exact held-input / reset behaviour). Returns samples done.
    std::size_t process_lanes_neon(const float* src, float* dst, std::size_t i, std::size_t n) noexcept {
        constexpr std::size_t chunk = 256;
        alignas(16) float saved_in[chunk];
        const bool in_place = src == dst;
        const iir_detail::cascade_lanes_neon<S> lanes(c_.data());
        while (n - i >= S) {
            std::size_t m = n - i;
            if (in_place && m > chunk) m = chunk;
            const float* in = src + i;
            if (in_place) {
                std::memcpy(saved_in, in, m * sizeof(float));
                in = saved_in;
            }
            if (NERVE_LIKELY(lanes.run(st_.data(), in, dst + i, m))) {
                last_ = in[m - 1];
            } else {
                for (std::size_t j = 0; j < m; ++j) dst[i + j] = step_float(in[j]);
            }
            i += m;
        }
        return i;
    }
#endif

#if NERVE_IIR_ARM_M4F
    // Cortex-M4F block path: every section runs over the whole run of samples (a multiple of
    // 16) before the next one, in the same operations as step_float, so the output is bit
    // for bit the per-sample output. Bad input is found afterwards: a non-finite input or
    // overflow makes that section's y, then its s1 and s2 non-finite, and a non-finite DF2T
    // state never becomes finite again (fma with a non-finite product or addend is
    // non-finite), so a finite final state of every section means no sample of the run went
    // non-finite anywhere. Otherwise the state is put back and the run is redone per sample
    // (the exact held-input / reset behaviour). In place (src == dst), runs of 64 samples are
    // first copied to the stack so that the redo still has its input. Returns samples done.
    std::size_t process_m4f(const float* src, float* dst, std::size_t n) noexcept {
        constexpr std::size_t chunk = 64;
        alignas(8) float saved_in[chunk];
        const bool in_place = src == dst;
        std::size_t i = 0;
        while (n - i >= 16) {
            std::size_t m = (n - i) / 16 * 16;
            if (in_place && m > chunk) m = chunk;
            const float* in = src + i;
            if (in_place) {
                iir_detail::copy16_m4f(in, saved_in, m);
                in = saved_in;
            }
            const auto saved = st_;
            iir_detail::df2t_section_m4f(&c_[0], &st_[0], src + i, dst + i, m);
            for (std::size_t k = 1; k < S; ++k) iir_detail::df2t_section_m4f(&c_[k], &st_[2 * k], dst + i, dst + i, m);
            bool finite = true;
            for (const float v : st_) finite = finite && is_finite(v);
            if (NERVE_LIKELY(finite)) {
                last_ = in[m - 1];
            } else {
                st_ = saved;
                for (std::size_t j = 0; j < m; ++j) dst[i + j] = step_float(in[j]);
            }
            i += m;
        }
        return i;
    }
#endif

#if NERVE_IIR_ARM_Q15
    // Q15 block path (ARMv7E-M DSP): section by section over runs of 4k samples with
    // 32-bit sums (iir_detail::q15_section_arm). Exact when the sticky Q flag stays clear: no
    // sum left int32 and no output saturated; then every integer equals step_fixed's. If Q
    // is set, the state is put back and the run is redone by step_fixed (int64 sums). In
    // place, runs of 64 samples are copied to the stack first so the redo has its input.
    std::size_t process_arm_q15(const T* src, T* dst, std::size_t n) noexcept {
        static_assert(sizeof(T) == 2 && sizeof(raw) == 2);
        constexpr std::size_t chunk = 64;
        alignas(4) T saved_in[chunk];
        const bool in_place = src == dst;
        std::array<iir_detail::q15_section_args, S> args;
        for (std::size_t k = 0; k < S; ++k) {
            const auto& c = c_[k];
            auto pair = [](raw lo, raw hi) {
                return static_cast<std::int32_t>((static_cast<std::uint32_t>(static_cast<std::uint16_t>(hi)) << 16) |
                                                 static_cast<std::uint16_t>(lo));
            };
            const int d = frac - shift_[k];
            args[k] = {pair(c.b0, c.b1), pair(c.b1, c.b2), pair(c.na1, c.na2), std::int32_t{1} << (d - 1), d,
                       &st_[4 * k]};
        }
        std::size_t i = 0;
        while (n - i >= 4) {
            std::size_t m = (n - i) / 4 * 4;
            if (in_place && m > chunk) m = chunk;
            const T* in = src + i;
            if (in_place) {
                std::memcpy(saved_in, in, m * sizeof(T));
                in = saved_in;
            }
            const auto saved = st_;
            auto* out = reinterpret_cast<std::int16_t*>(dst + i);
            iir_detail::clear_q_flag();
            iir_detail::q15_section_arm(reinterpret_cast<const std::int16_t*>(src + i), out, m / 4, &args[0]);
            for (std::size_t k = 1; k < S; ++k) iir_detail::q15_section_arm(out, out, m / 4, &args[k]);
            if (NERVE_UNLIKELY(iir_detail::q_flag())) {
                st_ = saved;
                for (std::size_t j = 0; j < m; ++j) dst[i + j] = step_fixed(in[j]);
            }
            i += m;
        }
        return i;
    }
#endif

    // --- fixed point -------------------------------------------------------------------
    using raw = typename iir_detail::fixed_raw<T>::type;
    static constexpr int frac = is_fixed ? T::frac_bits : 0;
    // No product is pre-shifted: q31's headroom is in post_shift (see set_fixed).
    static constexpr int guard = 0;

    constexpr void set_fixed(const std::array<sos_section<double>, S>& d) noexcept {
        if constexpr (is_fixed) {
            std::array<iir_detail::df_coeffs<double>, S> n{};
            for (std::size_t k = 0; k < S; ++k) n[k] = iir_detail::to_df_coeffs<double>(d[k]);
            scale_for_fixed(n);
            const double top = 1.0 - 1.0 / static_cast<double>(std::int64_t{1} << frac);
            for (std::size_t k = 0; k < S; ++k) {
                double m = 0.0;
                for (double v : {n[k].b0, n[k].b1, n[k].b2, n[k].na1, n[k].na2})
                    m = iir_detail::abs(v) > m ? iir_detail::abs(v) : m;
                // Smallest shift such that every coefficient of the section rounds into
                // [-1, 1 - 2^-frac]; capped so that frac - shift - guard >= 1.
                int shift = 0;
                while (shift < 8 && m / static_cast<double>(1 << shift) > top) ++shift;  // q15_round needs <= 8
                for (;;) {
                    const double scale = static_cast<double>(std::int64_t{1} << frac) / static_cast<double>(1 << shift);
                    auto q = [&](double v) { return ::nerve::detail::float_to_fixed<raw, 0>(v * scale); };
                    c_[k] = {q(n[k].b0), q(n[k].b1), q(n[k].b2), q(n[k].na1), q(n[k].na2)};
                    if constexpr (sizeof(raw) == 4) {
                        // q31: sum |c| <= 2^32 - 1 keeps the exact int64 sum from overflowing.
                        std::int64_t l1 = 0;
                        for (std::int64_t v : {std::int64_t(c_[k].b0), std::int64_t(c_[k].b1), std::int64_t(c_[k].b2),
                                               std::int64_t(c_[k].na1), std::int64_t(c_[k].na2)})
                            l1 += v < 0 ? -v : v;
                        if (l1 > 0xFFFFFFFFll && shift < 30) {  // D = 31 - shift >= 1
                            ++shift;
                            continue;
                        }
                    }
                    break;
                }
                shift_[k] = shift;
            }
        }
    }

    // Fixed point cannot carry scipy's gain distribution (all gain in the first section:
    // a narrow low-pass has b0 ~ 1e-7, which is 0 in Q15). The numerators are rescaled
    // so that the cascade up to every section k < S-1 peaks at magnitude 1 (L-infinity
    // scaling on a 512-point grid), and the last section restores the overall gain.
    // The transfer function is unchanged; intermediate signals stay within full scale.
    static constexpr void scale_for_fixed(std::array<iir_detail::df_coeffs<double>, S>& n) noexcept {
        using iir_detail::cplx;
        constexpr std::size_t grid = 512;
        std::array<cplx, grid> h{};
        std::array<cplx, grid> z1{};
        for (std::size_t i = 0; i < grid; ++i) {
            h[i] = {1.0, 0.0};
            z1[i] = iir_detail::cexpi(-iir_detail::pi * static_cast<double>(i) / static_cast<double>(grid - 1));
        }
        double total = 1.0;
        for (std::size_t k = 0; k + 1 < S; ++k) {
            double peak = 0.0;
            for (std::size_t i = 0; i < grid; ++i) {
                const cplx z2 = z1[i] * z1[i];
                const cplx num = cplx{n[k].b0, 0.0} + z1[i] * n[k].b1 + z2 * n[k].b2;
                const cplx den = cplx{1.0, 0.0} - z1[i] * n[k].na1 - z2 * n[k].na2;
                h[i] = h[i] * (num / den);
                const double m = h[i].mag();
                peak = m > peak ? m : peak;
            }
            if (!(peak > 0.0)) continue;
            const double g = 1.0 / peak;
            n[k].b0 *= g;
            n[k].b1 *= g;
            n[k].b2 *= g;
            for (auto& v : h) v = v * g;
            total *= g;
        }
        n[S - 1].b0 /= total;
        n[S - 1].b1 /= total;
        n[S - 1].b2 /= total;
    }

    // Q15: (acc + 2^(down-1)) >> down saturated to int16, without a 64-bit variable shift
    // (costly on Cortex-M). Five products of 16-bit values stay below 2^33 in magnitude,
    // so acc >> 2 fits in int32, and floor division nests exactly:
    //   (acc + 2^(d-1)) >> d == (((acc >> 2) >> (d-3)) + 1) >> 1   (d = down >= 7).
    static NERVE_ALWAYS_INLINE constexpr std::int16_t q15_round(std::int64_t acc, int down) noexcept {
        const auto v = static_cast<std::int32_t>(acc >> 2);
        const std::int32_t r = ((v >> (down - 3)) + 1) >> 1;
#if NERVE_IIR_Q15_DSP
        if (!std::is_constant_evaluated()) return static_cast<std::int16_t>(__ssat(r, 16));
#endif
        return ::nerve::detail::saturate<std::int16_t>(r);
    }

    NERVE_ALWAYS_INLINE constexpr T step_fixed(T xin) noexcept {
        if constexpr (is_fixed) {
            using W = std::int64_t;
                        raw x = xin.raw;
            NERVE_IIR_UNROLL
            for (std::size_t k = 0; k < S; ++k) {
                raw* s = &st_[4 * k];  // x1 x2 y1 y2
                const auto& c = c_[k];
#if NERVE_IIR_Q15_DSP
                if constexpr (sizeof(raw) == 2) {
                    if (!std::is_constant_evaluated()) {
                        // Cortex-M4 DSP extension: b1 b2 / na1 na2 and x1 x2 / y1 y2 are
                        // adjacent int16 pairs; SMLALD does two products per instruction.
                        // Exact integer sums: the same result as the generic expression.
                        std::int32_t bb, aa, xx, yy;
                        std::memcpy(&bb, &c.b1, 4);
                        std::memcpy(&aa, &c.na1, 4);
                        std::memcpy(&xx, s, 4);
                        std::memcpy(&yy, s + 2, 4);
                        W acc = __smlald(aa, yy, __smlald(bb, xx, W(std::int32_t(c.b0) * std::int32_t(x))));
                        const raw y = q15_round(acc, frac - shift_[k]);
                        xx = static_cast<std::int32_t>((static_cast<std::uint32_t>(xx) << 16) |
                                                       static_cast<std::uint16_t>(x));
                        yy = static_cast<std::int32_t>((static_cast<std::uint32_t>(yy) << 16) |
                                                       static_cast<std::uint16_t>(y));
                        std::memcpy(s, &xx, 4);
                        std::memcpy(s + 2, &yy, 4);
                        x = y;
                        continue;
                    }
                }
#endif
                W acc = (W(c.b0) * x >> guard) + (W(c.b1) * s[0] >> guard) + (W(c.b2) * s[1] >> guard) +
                        (W(c.na1) * s[2] >> guard) + (W(c.na2) * s[3] >> guard);
                const int down = frac - shift_[k] - guard;  // >= 1 for every shift we choose
                raw y;
                if constexpr (sizeof(raw) == 2) {
                    y = q15_round(acc, down);
                } else {
                    y = ::nerve::detail::saturate<raw>((acc + (W{1} << (down - 1))) >> down);
                }
                s[1] = s[0];
                s[0] = x;
                s[3] = s[2];
                s[2] = y;
                x = y;
            }
            return T::from_raw(x);
        } else {
            return xin;
        }
    }

    std::array<coeff_type, S> c_{};
    std::array<state_word, state_words> st_{};
    T last_{};
    std::uint32_t rejected_ = 0;
    std::uint32_t resets_ = 0;
    std::array<std::int8_t, is_fixed ? S : 1> shift_{};
#if NERVE_HAS_XSIMD
    struct no_engine {};
    [[no_unique_address]] std::conditional_t<use_block, engine, no_engine> block_{};
#endif
#if NERVE_IIR_SEGMENTS
    struct no_segments {};
    [[no_unique_address]] std::conditional_t<use_segments, seg_engine, no_segments> seg_{};
#endif
};

/// C floating-point cascades of S sections run side by side, channels in SIMD lanes
/// (16 channels = 2 AVX2 / 1 AVX-512 / 4 SSE or NEON batches). Every lane performs
/// exactly the operations of biquad_cascade::operator() in the same order, so the
/// outputs are bit-identical to C independent single-channel filters (including the
/// bad-input handling: held inputs, rejected/resets counts per channel).
/// Without xsimd the same per-lane code runs as scalar loops.
/// On AVX-512, float, 3 <= S <= 7, blocks of S frames or more run as a skewed pipeline (section
/// k on frame j - k, iir_detail::bank_skewed_run): same operations, same bits.
/// Exception: float, C = 8, S even on AVX-512, process() of 32 frames or more runs the DF1
/// wavefront kernel of detail/biquad_block.hpp (equal to rounding, not to the bit).
template <class T, std::size_t S, std::size_t C>
class biquad_bank {
    static_assert(std::is_floating_point_v<T>, "biquad_bank is the floating-point multi-channel path");
    using single = biquad_cascade<T, S>;
#if NERVE_HAS_XSIMD
    using batch = xsimd::batch<T>;
    static constexpr std::size_t W = batch::size;
    static constexpr std::size_t alignment = batch::arch_type::alignment();
#else
    static constexpr std::size_t W = 1;
    static constexpr std::size_t alignment = alignof(T);
#endif
    static constexpr std::size_t CP = (C + W - 1) / W * W;  // channels padded to whole batches

public:
    using input_type = std::array<T, C>;
    using output_type = std::array<T, C>;
    static constexpr std::size_t channels = C;

    biquad_bank() noexcept : biquad_bank(single{}) {}
    explicit biquad_bank(const single& prototype) noexcept {
        for (std::size_t ch = 0; ch < C; ++ch) set_channel(ch, prototype);
        for (std::size_t ch = C; ch < CP; ++ch) set_channel(ch, single{});
    }
    explicit biquad_bank(const std::array<single, C>& ops) noexcept {
        for (std::size_t ch = 0; ch < C; ++ch) set_channel(ch, ops[ch]);
        for (std::size_t ch = C; ch < CP; ++ch) set_channel(ch, single{});
    }

    NERVE_ALWAYS_INLINE output_type operator()(const input_type& xin) noexcept {
        alignas(alignment) std::array<T, CP> x{};
        for (std::size_t ch = 0; ch < C; ++ch) x[ch] = xin[ch];
        step(x.data());
        output_type y;
        for (std::size_t ch = 0; ch < C; ++ch) y[ch] = x[ch];
        return y;
    }

    /// Block of frames. With xsimd and C a multiple of the lane count, each group of W
    /// channels keeps its coefficients and state in registers for the whole block (same
    /// operations per lane as operator(), so the same bits). Overlap: as biquad_cascade's.
    void process(std::span<const input_type> in, std::span<output_type> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        const block_overlap ov = overlap_of(in.data(), in.size(), out.data(), in.size());
        if (refuse_ahead(ov)) return;  // see block_overlap
        // `out` before `in`: frame by frame (lane groups would overwrite inputs of later
        // groups), in the one per-frame loop that also takes what the lane paths decline
        if (ov != block_overlap::behind && process_lanes(in, out, ov)) return;
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = (*this)(in[i]);
    }

private:
    // The SIMD paths over a whole block: true when one of them did it. Out of line on aarch64, so
    // that g++'s register allocation of the NEON loop (bank_rotated_run: 31 of the 32 vector
    // registers) is the same whoever calls process(): inlined into bench/a64/filters.cpp's
    // callers it spilled and moved registers, differently for each channel count (Cortex-A72
    // model, 8 / 16 / 32 / 64 channels: inlined 0.79 / 0.84 / 0.88 / 0.88 of the peak, forced
    // inline 0.88 / 0.88 / 0.89 / 0.84, out of line 0.88 each). x86 keeps it inline: out of
    // line, the AVX-512 16-channel bank read 0.95 x (six alternated rounds, best of five each).
#if NERVE_HAS_XSIMD && defined(__aarch64__)
    [[gnu::noinline]]
#endif
    bool process_lanes([[maybe_unused]] std::span<const input_type> in, [[maybe_unused]] std::span<output_type> out,
                       [[maybe_unused]] block_overlap ov) noexcept {
#if NERVE_HAS_XSIMD
        if constexpr (C % W == 0) {
            const std::size_t n = in.size();
            const batch big(std::numeric_limits<T>::max());
            const bool aliased = ov == block_overlap::in_place;
            for (std::size_t v = 0; v < C; v += W) {
                batch b0[S], b1[S], b2[S], na1[S], na2[S], s1[S], s2[S];
                auto load_state = [&] {
                    for (std::size_t k = 0; k < S; ++k) {
                        s1[k] = batch::load_aligned(&s1_[k][v]);
                        s2[k] = batch::load_aligned(&s2_[k][v]);
                    }
                };
                auto store_state = [&] {
                    for (std::size_t k = 0; k < S; ++k) {
                        s1[k].store_aligned(&s1_[k][v]);
                        s2[k].store_aligned(&s2_[k][v]);
                    }
                };
                for (std::size_t k = 0; k < S; ++k) {
                    b0[k] = batch::load_aligned(&cf_[k][0][v]);
                    b1[k] = batch::load_aligned(&cf_[k][1][v]);
                    b2[k] = batch::load_aligned(&cf_[k][2][v]);
                    na1[k] = batch::load_aligned(&cf_[k][3][v]);
                    na2[k] = batch::load_aligned(&cf_[k][4][v]);
                }
                load_state();
                if (NERVE_LIKELY(!aliased && n > 0)) {
                    // Fast pass without per-sample checks: 20 vector FMA/MUL per frame and
                    // nothing else on the FMA ports. A non-finite input or an overflow makes
                    // that section's state non-finite for good (fma with a non-finite term
                    // is non-finite), so finite final states of every section mean that no
                    // sample needed the held-input or reset handling. Otherwise the state,
                    // still in memory as it was, is reloaded and the careful loop below
                    // redoes the block (same operations, so the same bits either way).
                    auto frame = [&](std::size_t i) NERVE_INLINE_LAMBDA {
                        batch xv = batch::load_unaligned(in[i].data() + v);
                        NERVE_IIR_UNROLL
                        for (std::size_t k = 0; k < S; ++k)
                            xv = iir_detail::bank_section_step(k, b0, b1, b2, na1, na2, s1, s2, xv);
                        xv.store_unaligned(out[i].data() + v);
                    };
                    if constexpr (iir_detail::bank_skewed<T, S, W>) {
                        static_assert(sizeof(input_type) == C * sizeof(T) && sizeof(output_type) == C * sizeof(T));
                        if (n >= S) {
                            iir_detail::bank_skewed_run<S>(b0, b1, b2, na1, na2, s1, s2, in.data()->data() + v,
                                                           out.data()->data() + v, C, n);
                        } else {
                            for (std::size_t i = 0; i < n; ++i) frame(i);
                        }
                    } else if constexpr (iir_detail::bank_rotated<T>) {
                        static_assert(sizeof(input_type) == C * sizeof(T) && sizeof(output_type) == C * sizeof(T));
                        iir_detail::bank_rotated_run<S>(b0, b1, b2, na1, na2, s1, s2, in.data()->data() + v,
                                                        out.data()->data() + v, C, n);
                    } else if constexpr (CP == W) {
                        // One lane group: unrolled by 3 frames, the period of the register
                        // rotation of a DF2T step (y takes s1's register, s1 s2's, s2 a new
                        // one), so the compiler needs no register moves. Measured on an
                        // AVX-512 Xeon: 16 channels 0.79 -> 0.84 of fma_peak; with several
                        // groups (32, 64 channels) unrolling measured slower (0.86 -> 0.79).
                        // (Measured before the skewed pipeline above, which now takes AVX-512
                        // float with 3 <= S <= 7; g++ 12 makes this a 2-frame loop with moves.)
                        NERVE_IIR_UNROLL3
                        for (std::size_t i = 0; i < n; ++i) frame(i);
                    } else {
                        for (std::size_t i = 0; i < n; ++i) frame(i);
                    }
                    batch check(T(0));
                    for (std::size_t k = 0; k < S; ++k) check = check + (s1[k] - s1[k]) + (s2[k] - s2[k]);
                    if (NERVE_LIKELY(xsimd::all(check == batch(T(0))))) {
                        store_state();
                        batch::load_unaligned(in[n - 1].data() + v).store_aligned(&last_[v]);
                        continue;
                    }
                    load_state();
                }
                batch last = batch::load_aligned(&last_[v]);
                for (std::size_t i = 0; i < n; ++i) {
                    batch xv = batch::load_unaligned(in[i].data() + v);
                    if (NERVE_UNLIKELY(!xsimd::all(xsimd::abs(xv) <= big))) {
                        alignas(alignment) std::array<T, CP> tmp{};
                        xv.store_aligned(tmp.data() + v);
                        last.store_aligned(&last_[v]);
                        for (std::size_t ch = v; ch < v + W; ++ch) fix_input_lane(tmp.data(), ch);
                        xv = batch::load_aligned(tmp.data() + v);
                    }
                    last = xv;
                    NERVE_IIR_UNROLL
                    for (std::size_t k = 0; k < S; ++k)
                        xv = iir_detail::bank_section_step(k, b0, b1, b2, na1, na2, s1, s2, xv);
                    if (NERVE_UNLIKELY(!xsimd::all(xsimd::abs(xv) <= big))) {
                        alignas(alignment) std::array<T, CP> tmp{};
                        xv.store_aligned(tmp.data() + v);
                        store_state();
                        for (std::size_t ch = v; ch < v + W; ++ch) fix_output_lane(tmp.data(), ch);
                        load_state();
                        xv = batch::load_aligned(tmp.data() + v);
                    }
                    xv.store_unaligned(out[i].data() + v);
                }
                store_state();
                last.store_aligned(&last_[v]);
            }
            return true;
        }
#endif
#if NERVE_IIR_BANK8_AVX512
        // 8 float channels on AVX-512: the two-half DF1 wavefront of detail/biquad_block.hpp
        // (full vectors, one-FMA recurrence). Not bit-identical to the single-channel DF2T
        // filters: equal to rounding, within the bound tests/filter/test_biquad_block.cpp
        // derives. Bad input or a short block: the per-frame path below.
        if constexpr (std::is_same_v<T, float> && C == 8 && S % 2 == 0 && W == 16) {
            const std::size_t n = in.size();
            static_assert(sizeof(input_type) == 8 * sizeof(float));
            if (n >= iir_detail::bank8_min_frames && ov == block_overlap::none &&
                iir_detail::bank8_df1_avx512<S, CP>(&cf_[0][0][0], &s1_[0][0], &s2_[0][0], in.data()->data(),
                                                    out.data()->data(), n)) {
                for (std::size_t ch = 0; ch < C; ++ch) last_[ch] = in[n - 1][ch];
                return true;
            }
        }
#endif
        return false;
    }

public:
    void reset() noexcept {
        s1_ = {};
        s2_ = {};
        last_ = {};
        rejected_ = {};
        resets_ = {};
    }

    template <class V>
    void visit_state(V& v) {
        v(s1_);
        v(s2_);
        v(last_);
        v(rejected_);
        v(resets_);
    }

    std::uint32_t rejected(std::size_t ch) const noexcept { return rejected_[ch]; }
    std::uint32_t resets(std::size_t ch) const noexcept { return resets_[ch]; }

private:
    void set_channel(std::size_t ch, const single& op) noexcept {
        for (std::size_t k = 0; k < S; ++k) {
            const auto& c = op.c_[k];
            cf_[k][0][ch] = c.b0;
            cf_[k][1][ch] = c.b1;
            cf_[k][2][ch] = c.b2;
            cf_[k][3][ch] = c.na1;
            cf_[k][4][ch] = c.na2;
            s1_[k][ch] = op.st_[2 * k];
            s2_[k][ch] = op.st_[2 * k + 1];
        }
        last_[ch] = op.last_;
        if (ch < C) {
            rejected_[ch] = op.rejected_;
            resets_[ch] = op.resets_;
        }
    }

    // Rare path: the exact scalar bad-input handling for one lane.
    NERVE_ALWAYS_INLINE void fix_input_lane(T* x, std::size_t ch) noexcept {
        if (!is_finite(x[ch])) {
            if (ch < C) ++rejected_[ch];
            x[ch] = last_[ch];
        }
    }
    void fix_output_lane(T* y, std::size_t ch) noexcept {
        if (!is_finite(y[ch])) {
            for (std::size_t k = 0; k < S; ++k) s1_[k][ch] = s2_[k][ch] = T(0);
            if (ch < C) ++resets_[ch];
            y[ch] = T(0);
        }
    }

    NERVE_ALWAYS_INLINE void step(T* x) noexcept {
#if NERVE_HAS_XSIMD
        const batch big(std::numeric_limits<T>::max());
        for (std::size_t v = 0; v < CP; v += W) {
            batch xv = batch::load_aligned(x + v);
            if (NERVE_UNLIKELY(!xsimd::all(xsimd::abs(xv) <= big))) {
                for (std::size_t ch = v; ch < v + W; ++ch) fix_input_lane(x, ch);
                xv = batch::load_aligned(x + v);
            }
            xv.store_aligned(last_.data() + v);
            for (std::size_t k = 0; k < S; ++k) {
                const batch b0 = batch::load_aligned(&cf_[k][0][v]);
                const batch b1 = batch::load_aligned(&cf_[k][1][v]);
                const batch b2 = batch::load_aligned(&cf_[k][2][v]);
                const batch na1 = batch::load_aligned(&cf_[k][3][v]);
                const batch na2 = batch::load_aligned(&cf_[k][4][v]);
                const batch s1 = batch::load_aligned(&s1_[k][v]);
                const batch s2 = batch::load_aligned(&s2_[k][v]);
                const batch y = iir_detail::vmadd(b0, xv, s1);
                iir_detail::vmadd(na1, y, iir_detail::vmadd(b1, xv, s2)).store_aligned(&s1_[k][v]);
                iir_detail::vmadd(na2, y, b2 * xv).store_aligned(&s2_[k][v]);
                xv = y;
            }
            xv.store_aligned(x + v);
            if (NERVE_UNLIKELY(!xsimd::all(xsimd::abs(xv) <= big))) {
                for (std::size_t ch = v; ch < v + W; ++ch) fix_output_lane(x, ch);
            }
        }
#else
        for (std::size_t ch = 0; ch < CP; ++ch) {
            fix_input_lane(x, ch);
            T xv = x[ch];
            last_[ch] = xv;
            for (std::size_t k = 0; k < S; ++k) {
                const iir_detail::df_coeffs<T> c{cf_[k][0][ch], cf_[k][1][ch], cf_[k][2][ch], cf_[k][3][ch], cf_[k][4][ch]};
                xv = iir_detail::df2t_step(c, xv, s1_[k][ch], s2_[k][ch]);
            }
            x[ch] = xv;
            fix_output_lane(x, ch);
        }
#endif
    }

    alignas(alignment) std::array<std::array<std::array<T, CP>, 5>, S> cf_{};
    alignas(alignment) std::array<std::array<T, CP>, S> s1_{};
    alignas(alignment) std::array<std::array<T, CP>, S> s2_{};
    alignas(alignment) std::array<T, CP> last_{};
    std::array<std::uint32_t, C> rejected_{};
    std::array<std::uint32_t, C> resets_{};
};

}  // namespace nerve::filter

namespace nerve {

/// Multi-channel floating-point biquad cascades: channels in SIMD lanes, bit-identical
/// to C independent `biquad_cascade<T, S>` (see filter::biquad_bank).
template <class T, std::size_t S, std::size_t C>
    requires std::is_floating_point_v<T>
class multi<filter::biquad_cascade<T, S>, C> : public filter::biquad_bank<T, S, C> {
public:
    using filter::biquad_bank<T, S, C>::biquad_bank;
};

}  // namespace nerve
