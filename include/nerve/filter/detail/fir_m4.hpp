// nerve/filter/detail/fir_m4.hpp — q31 FIR with exact 64-bit sums, and its ARMv7E-M
// (Cortex-M4/M7) block kernel. Used by fir<q31, N> only (fir.hpp); the decimator, the
// interpolator and the other users of detail::mac keep the guard-bit q31 sum.
//
// Why an exact sum: the guard-bit q31 sum (fir_common.hpp) shifts every 62-bit product right
// by log2(N)+1 bits before adding it. That cannot be done with SMLAL (one 32x32+64 instruction
// per tap on the M4) and costs 3 extra shift instructions per tap there. When the taps' L1
// norm is small enough, no shift is needed at all:
//     sum_k |h_k| <= 2^32 - 1 (raw)   =>   |sum_k h_k x_k| <= (2^32 - 1) 2^31 = 2^63 - 2^31,
// so the exact sum and the rounding constant 2^30 fit in int64 whatever the input. That holds
// for every unit-gain low-pass/band-pass design (sum |h| is about 1 to 2 in real units, i.e.
// < 2 is the condition). fir<q31> checks it when the taps are set ("exact" taps) and then,
// on every target, computes y = sat((2^30 + sum_k h_k x_k) >> 31): the exactly rounded,
// saturated result (at least as accurate as the guard-bit sum, which drops 7-8 bits per
// product). Taps with a larger L1 norm keep the guard-bit sum.
//
// Cortex-M4 block kernel (fir_block_q31_m4): 3 consecutive outputs per pass over the taps,
// the 3 accumulators in 6 registers, taps and samples loaded two at a time with LDRD into a
// 4-register sample window that rotates by unrolling: 8 instructions (2 LDRD + 6 SMLAL) per
// 2 taps x 3 outputs, 1.33 per tap and output (CMSIS-DSP's arm_fir_q31 does 3 outputs with
// single loads: 5 instructions per tap x 3 outputs, 1.67). The rounding constant is added as
// one more product (2^15 x 2^15) and y = QDADD(lo >> 31, hi) = sat(2 hi + lo bit 31), exact
// unless it saturates; QDADD sets the sticky Q flag then, and the caller redoes the block
// with the portable exact path (the same integers, saturated correctly).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../../config.hpp"
#include "../../core/fixed_point.hpp"
#include "fir_common.hpp"

#define NERVE_FIR_ARM_Q31 NERVE_ARM_V7EM_ASM   // config.hpp

namespace nerve::filter::detail {

/// True when the exact int64 sum cannot overflow for any input: sum |h_k| <= 2^32 - 1 (raw).
template <std::size_t N>
constexpr bool q31_taps_exact(const q31* h) noexcept {
    std::uint64_t s = 0;
    for (std::size_t k = 0; k < N; ++k) {
        const std::int64_t v = h[k].raw;
        s += static_cast<std::uint64_t>(v < 0 ? -v : v);
    }
    return s <= 0xFFFFFFFFull;
}

/// Exact dot product of reversed taps hr[0..N) with the window w[0..N), rounded to nearest
/// (half up) and saturated. Requires q31_taps_exact (no int64 overflow).
template <std::size_t N>
NERVE_ALWAYS_INLINE q31 q31_dot_exact(const q31* NERVE_RESTRICT hr, const q31* NERVE_RESTRICT w) noexcept {
    std::int64_t acc = std::int64_t{1} << 30;
    NERVE_FIR_UNROLL(8)
    for (std::size_t j = 0; j < N; ++j) acc += static_cast<std::int64_t>(hr[j].raw) * w[j].raw;
    return q31::from_raw(nerve::detail::saturate<std::int32_t>(acc >> 31));
}

#if NERVE_FIR_ARM_Q31
// One step: taps j, j+1 in h0 h1; window C0 C1 = x[j], x[j+1]; loads N0 N1 = x[j+2], x[j+3].
#define NERVE_FIR_Q31_STEP(OP, C0, C1, N0, N1)                   \
    "ldrd %[h0], %[h1], [%[hp]], #8\n\t"                         \
    "ldrd %[" #N0 "], %[" #N1 "], [%[wp]], #8\n\t"               \
    OP " %[l0], %[g0], %[h0], %[" #C0 "]\n\t"                    \
    "smlal %[l0], %[g0], %[h1], %[" #C1 "]\n\t"                  \
    OP " %[l1], %[g1], %[h0], %[" #C1 "]\n\t"                    \
    "smlal %[l1], %[g1], %[h1], %[" #N0 "]\n\t"                  \
    OP " %[l2], %[g2], %[h0], %[" #N0 "]\n\t"                    \
    "smlal %[l2], %[g2], %[h1], %[" #N1 "]\n\t"

/// ARMv7E-M q31 block kernel (see the file comment): out[i] = exact rounded saturated
/// sum_j hr[j] src[i + j] for i in [0, count / 3 * 3); reads src[0 .. count + N - 1).
/// Returns the number of outputs done, or 0 if an output saturated (Q flag): then nothing
/// it wrote is to be trusted and the caller recomputes the range.
template <std::size_t N>
[[gnu::noinline]] std::size_t fir_block_q31_m4(const q31* NERVE_RESTRICT hr, const q31* NERVE_RESTRICT src,
                                              q31* NERVE_RESTRICT out, std::size_t count) noexcept {
    static_assert(N % 4 == 0 && N >= 4 && N <= 1024);  // pointer steps fit SUBW's imm12
    const std::size_t groups = count / 3;
    if (groups == 0) return 0;
    // The loop runs inside the asm: all 14 allocatable registers hold the sums, taps and
    // window, so the output pointer and the end of the input live in memory (sp-relative
    // operands) and are touched once per group of 3 outputs.
    struct {
        q31* y;
        const q31* end;
    } m{out, src + 3 * groups};
    const q31* hp = hr;
    const q31* wp = src;
    std::int32_t l0, g0, l1, g1, l2, g2, h0, h1, a0, a1, b0, b1;
    __asm__ volatile(
        "mov %[h0], #0\n\t"
        "msr APSR_nzcvq, %[h0]\n\t"  // clear the sticky Q flag
        "1:\n\t"
        "ldrd %[a0], %[a1], [%[wp]], #8\n\t"
        NERVE_FIR_Q31_STEP("smull", a0, a1, b0, b1)
        NERVE_FIR_Q31_STEP("smlal", b0, b1, a0, a1)
        ".rept %c[reps]\n\t"
        NERVE_FIR_Q31_STEP("smlal", a0, a1, b0, b1)
        NERVE_FIR_Q31_STEP("smlal", b0, b1, a0, a1)
        ".endr\n\t"
        "mov %[h0], #32768\n\t"  // rounding: + 2^15 * 2^15 = 2^30
        "smlal %[l0], %[g0], %[h0], %[h0]\n\t"
        "smlal %[l1], %[g1], %[h0], %[h0]\n\t"
        "smlal %[l2], %[g2], %[h0], %[h0]\n\t"
        "lsr %[a0], %[l0], #31\n\t"
        "qdadd %[a0], %[a0], %[g0]\n\t"
        "lsr %[a1], %[l1], #31\n\t"
        "qdadd %[a1], %[a1], %[g1]\n\t"
        "lsr %[b0], %[l2], #31\n\t"
        "qdadd %[b0], %[b0], %[g2]\n\t"
        "ldr %[h1], %[my]\n\t"
        "strd %[a0], %[a1], [%[h1]], #8\n\t"
        "str %[b0], [%[h1]], #4\n\t"
        "str %[h1], %[my]\n\t"
        "sub %[hp], %[hp], %[tb]\n\t"
        "sub %[wp], %[wp], %[wb]\n\t"
        "ldr %[h1], %[mend]\n\t"
        "cmp %[wp], %[h1]\n\t"
        "bne 1b"
        : [hp] "+r"(hp), [wp] "+r"(wp), [l0] "=&r"(l0), [g0] "=&r"(g0), [l1] "=&r"(l1), [g1] "=&r"(g1),
          [l2] "=&r"(l2), [g2] "=&r"(g2), [h0] "=&r"(h0), [h1] "=&r"(h1), [a0] "=&r"(a0), [a1] "=&r"(a1),
          [b0] "=&r"(b0), [b1] "=&r"(b1), [my] "+m"(m.y)
        : [reps] "i"(N / 4 - 1), [tb] "i"(4 * N), [wb] "i"(4 * (N - 1)), [mend] "m"(m.end)
        : "memory", "cc");
    std::uint32_t apsr;
    __asm__ volatile("mrs %0, APSR" : "=r"(apsr) : : "memory");
    return (apsr >> 27) & 1u ? 0 : groups * 3;
}
#undef NERVE_FIR_Q31_STEP
#endif

#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
/// Cortex-M4F block kernel for symmetric (linear-phase) float taps, 8 outputs per pass:
/// y_j = sum_{k < N/2} h_k (x[j + k] + x[j + N-1-k]). The 8 sums, an 8-sample window from the
/// front and one from the back stay in FPU registers (24 of 32); per tap pair one tap and two
/// samples are loaded (VLDR) and each output takes a VADD and a VFMA. 19 instructions per tap
/// pair x 8 outputs (1.19 per tap and output, against 1.03 for the unfolded VLDM kernel), but
/// 8 VADDs (1 cycle) replace 8 VFMAs (3 cycles): 2.25 modelled cycles per tap and output
/// against 3.28. The two windows rotate through their registers (period 8), so the loop body
/// is 8 tap pairs. Float results differ from the unfolded sum by rounding (x + x' rounded
/// once). N a multiple of 16; reads src[0 .. count + N - 1); returns the outputs done.
inline constexpr float m4f_fold_zeros[8] = {};

template <std::size_t N>
[[gnu::noinline]] std::size_t fir_block_m4f_fold(const float* NERVE_RESTRICT hr, const float* NERVE_RESTRICT src,
                                                float* NERVE_RESTRICT out, std::size_t count) noexcept {
    static_assert(N % 16 == 0 && N >= 16);
    // Registers: s0-s7 sums; s8-s15 front ring f (f[(k + j) % 8] = x[k + j] at tap pair k);
    // s16-s23 back ring b (b[(7 - k + j) % 8] = x[N-1-k+j]); s24 the tap; s25, s26 the two
    // pair sums in flight (each VFMA reads a VADD issued two instructions before).
    const std::size_t groups = count / 8;
    for (std::size_t g = 0; g < groups; ++g) {
        const float* w = src + 8 * g;
        const float* hp = hr;
        const float* fp = w + 8;
        const float* bp = w + N - 1;
        const float* bi = w + N;
        float* op = out + 8 * g;
        std::size_t k;
        __asm__ volatile(
        "vldmia %[zero], {s0-s7}\n\t"
        "vldmia %[w], {s8-s15}\n\t"
        "vldmia %[bi], {s16-s22}\n\t"
        "vldr s23, [%[bp]]\n\t"
        "mov %[k], %[iters]\n\t"
        "1:\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 0 */
        "vadd.f32 s25, s8, s23\n\tvadd.f32 s26, s9, s16\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s10, s17\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s11, s18\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s12, s19\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s13, s20\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s14, s21\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s15, s22\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s8}\n\tvldmdb %[bp]!, {s22}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 1 */
        "vadd.f32 s25, s9, s22\n\tvadd.f32 s26, s10, s23\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s11, s16\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s12, s17\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s13, s18\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s14, s19\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s15, s20\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s8, s21\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s9}\n\tvldmdb %[bp]!, {s21}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 2 */
        "vadd.f32 s25, s10, s21\n\tvadd.f32 s26, s11, s22\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s12, s23\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s13, s16\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s14, s17\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s15, s18\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s8, s19\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s9, s20\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s10}\n\tvldmdb %[bp]!, {s20}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 3 */
        "vadd.f32 s25, s11, s20\n\tvadd.f32 s26, s12, s21\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s13, s22\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s14, s23\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s15, s16\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s8, s17\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s9, s18\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s10, s19\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s11}\n\tvldmdb %[bp]!, {s19}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 4 */
        "vadd.f32 s25, s12, s19\n\tvadd.f32 s26, s13, s20\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s14, s21\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s15, s22\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s8, s23\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s9, s16\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s10, s17\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s11, s18\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s12}\n\tvldmdb %[bp]!, {s18}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 5 */
        "vadd.f32 s25, s13, s18\n\tvadd.f32 s26, s14, s19\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s15, s20\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s8, s21\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s9, s22\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s10, s23\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s11, s16\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s12, s17\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s13}\n\tvldmdb %[bp]!, {s17}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 6 */
        "vadd.f32 s25, s14, s17\n\tvadd.f32 s26, s15, s18\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s8, s19\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s9, s20\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s10, s21\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s11, s22\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s12, s23\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s13, s16\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s14}\n\tvldmdb %[bp]!, {s16}\n\t"
        "vldmia %[hp]!, {s24}\n\t"  /* tap pair 7 */
        "vadd.f32 s25, s15, s16\n\tvadd.f32 s26, s8, s17\n\tvfma.f32 s0, s24, s25\n\tvadd.f32 s25, s9, s18\n\t"
        "vfma.f32 s1, s24, s26\n\tvadd.f32 s26, s10, s19\n\tvfma.f32 s2, s24, s25\n\tvadd.f32 s25, s11, s20\n\t"
        "vfma.f32 s3, s24, s26\n\tvadd.f32 s26, s12, s21\n\tvfma.f32 s4, s24, s25\n\tvadd.f32 s25, s13, s22\n\t"
        "vfma.f32 s5, s24, s26\n\tvadd.f32 s26, s14, s23\n\tvfma.f32 s6, s24, s25\n\tvfma.f32 s7, s24, s26\n\t"
        "vldmia %[fp]!, {s15}\n\tvldmdb %[bp]!, {s23}\n\t"
        "subs %[k], %[k], #1\n\t"
        "bne 1b\n\t"
        "vstmia %[op], {s0-s7}"
            : [hp] "+r"(hp), [fp] "+r"(fp), [bp] "+r"(bp), [k] "=&r"(k)
            : [zero] "r"(m4f_fold_zeros), [w] "r"(w), [bi] "r"(bi), [op] "r"(op), [iters] "i"(N / 16)
            : "memory", "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12",
              "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26");
    }
    return groups * 8;
}
#endif

#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
// Cortex-M4F decimating (strided) block kernel, fir_decimator's process(): out[i] = sum_j
// hr[j] src[S i + j]. Outputs S samples apart share no window run a register ring could
// rotate, so the saving is in the arithmetic: per block of 8 taps (8 tap pairs when Fold,
// symmetric taps, y = sum_k h_k (x_k + x'_k)) and output, one VLDM of 8 samples (two when
// Fold), 8 VADDs for the pairs (Fold), 8 VMULs and an 8-term add tree into the output's sum.
// A VMUL and a VADD issue in 1 cycle each where a VFMA takes 3 (TRM table 7-1), so the
// unfused multiply-add costs 2 cycles per tap against 3, and the fold takes a pair of taps
// for 3 (VADD, VMUL, VADD) against the per-sample path's 2 VFMAs (6). 4 outputs per pass
// share each 8-tap VLDM (s16-s23); their sums sit in s24-s27; s0-s7 the front samples and
// products, s8-s15 the back samples (descending VLDMDB). 64 symmetric taps: 26 instructions
// and 42 modelled cycles per 8 tap pairs and output (+ 1 tap VLDM per 4 outputs), ~180 cycles
// per output against ~420 for the VFMA dot product; unfolded 25 cycles per 8 taps.
// Rounding: each product is rounded, then summed in a tree (8 at a time) and the block sums
// added in order, a different order from the per-sample fir_dot: within gamma_{N/2+3} (Fold)
// or gamma_{N+2} of sum_j |h_j x_j| of the exact sum, inside the tests' 2 gamma_N bound on
// the distance between the two paths. A NaN/Inf sample in any window makes that output
// non-finite (0 * Inf and Inf - Inf are NaN): `chk` += output * 0 for every output written,
// so the caller tests one float instead of scanning the inputs first.
// Reads src[0 .. S (count' - 1) + N) for the count' = count / 4 * 4 outputs it does
// (returned); N % 16 == 0 when Fold, N % 8 == 0 otherwise.
#define NERVE_M4D_TREE                                                                       \
    "vadd.f32 s0, s0, s1\n\tvadd.f32 s2, s2, s3\n\tvadd.f32 s4, s4, s5\n\tvadd.f32 s6, s6, s7\n\t" \
    "vadd.f32 s0, s0, s2\n\tvadd.f32 s4, s4, s6\n\t"
#define NERVE_M4D_MUL                                                                        \
    "vmul.f32 s0, s0, s16\n\tvmul.f32 s1, s1, s17\n\tvmul.f32 s2, s2, s18\n\tvmul.f32 s3, s3, s19\n\t" \
    "vmul.f32 s4, s4, s20\n\tvmul.f32 s5, s5, s21\n\tvmul.f32 s6, s6, s22\n\tvmul.f32 s7, s7, s23\n\t"
// front x[k] in s(k), back x'[k] = x[N-1-k] in s(15-k) (VLDMDB of the 8 below the pointer)
#define NERVE_M4D_FOLD_LOAD(F, B)                                                            \
    "vldmia %[" #F "]!, {s0-s7}\n\t"                                                         \
    "vldmdb %[" #B "]!, {s8-s15}\n\t"                                                        \
    "vadd.f32 s0, s0, s15\n\tvadd.f32 s1, s1, s14\n\tvadd.f32 s2, s2, s13\n\tvadd.f32 s3, s3, s12\n\t" \
    "vadd.f32 s4, s4, s11\n\tvadd.f32 s5, s5, s10\n\tvadd.f32 s6, s6, s9\n\tvadd.f32 s7, s7, s8\n\t"
#define NERVE_M4D_LOAD(F) "vldmia %[" #F "]!, {s0-s7}\n\t"
#define NERVE_M4D_NEXT(ACC) NERVE_M4D_MUL NERVE_M4D_TREE "vadd.f32 s0, s0, s4\n\tvadd.f32 " ACC ", " ACC ", s0\n\t"
#define NERVE_M4D_CHECK                                                                      \
    "vmul.f32 s0, s24, %[zero]\n\tvmul.f32 s1, s25, %[zero]\n\t"                             \
    "vmul.f32 s2, s26, %[zero]\n\tvmul.f32 s3, s27, %[zero]\n\t"                             \
    "vadd.f32 s0, s0, s1\n\tvadd.f32 s2, s2, s3\n\tvadd.f32 s0, s0, s2\n\t"                  \
    "vadd.f32 %[chk], %[chk], s0\n\t"

template <std::size_t N, std::size_t S, bool Fold>
[[gnu::noinline]] std::size_t fir_block_m4f_strided(const float* NERVE_RESTRICT hr, const float* NERVE_RESTRICT src,
                                                   float* NERVE_RESTRICT out, std::size_t count, float& chk) noexcept {
    static_assert(Fold ? N % 16 == 0 : N % 8 == 0);
    static_assert(N >= 16);
    const std::size_t groups = count / 4;
    float c = chk;
    float zero;  // from a core register: a literal-pool VLDR could end up out of range of the
                 // asm below (GCC sizes an asm by its lines)
    __asm__("vmov %[z], %[r]" : [z] "=t"(zero) : [r] "r"(0));
    float* op = out;
    // The blocks of 8 taps run as a loop, not unrolled: 4 outputs' worth of code (~420 bytes)
    // instead of N/8 times that, for 4 cycles per block and 4 outputs (subs, taken bne).
    for (std::size_t g = 0; g < groups; ++g) {
        const float* f0 = src + 4 * S * g;
        const float* f1 = f0 + S;
        const float* f2 = f0 + 2 * S;
        const float* f3 = f0 + 3 * S;
        const float* hp = hr;
        std::size_t k;
        if constexpr (Fold) {
            const float* b0 = f0 + N;
            const float* b1 = f1 + N;
            const float* b2 = f2 + N;
            const float* b3 = f3 + N;
            __asm__ volatile(
                "vmov.f32 s24, %[zero]\n\tvmov.f32 s25, %[zero]\n\tvmov.f32 s26, %[zero]\n\tvmov.f32 s27, %[zero]\n\t"
                "mov %[k], %[iters]\n\t"
                "1:\n\t"
                "vldmia %[hp]!, {s16-s23}\n\t"
                NERVE_M4D_FOLD_LOAD(f0, b0) NERVE_M4D_NEXT("s24")
                NERVE_M4D_FOLD_LOAD(f1, b1) NERVE_M4D_NEXT("s25")
                NERVE_M4D_FOLD_LOAD(f2, b2) NERVE_M4D_NEXT("s26")
                NERVE_M4D_FOLD_LOAD(f3, b3) NERVE_M4D_NEXT("s27")
                "subs %[k], %[k], #1\n\t"
                "bne 1b\n\t"
                "vstmia %[op]!, {s24-s27}\n\t"
                NERVE_M4D_CHECK
                : [hp] "+r"(hp), [f0] "+r"(f0), [f1] "+r"(f1), [f2] "+r"(f2), [f3] "+r"(f3), [b0] "+r"(b0),
                  [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [op] "+r"(op), [chk] "+t"(c), [k] "=&r"(k)
                : [iters] "i"(N / 16), [zero] "t"(zero)
                : "memory", "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12",
                  "s13", "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26",
                  "s27");
        } else {
            __asm__ volatile(
                "vmov.f32 s24, %[zero]\n\tvmov.f32 s25, %[zero]\n\tvmov.f32 s26, %[zero]\n\tvmov.f32 s27, %[zero]\n\t"
                "mov %[k], %[iters]\n\t"
                "1:\n\t"
                "vldmia %[hp]!, {s16-s23}\n\t"
                NERVE_M4D_LOAD(f0) NERVE_M4D_NEXT("s24")
                NERVE_M4D_LOAD(f1) NERVE_M4D_NEXT("s25")
                NERVE_M4D_LOAD(f2) NERVE_M4D_NEXT("s26")
                NERVE_M4D_LOAD(f3) NERVE_M4D_NEXT("s27")
                "subs %[k], %[k], #1\n\t"
                "bne 1b\n\t"
                "vstmia %[op]!, {s24-s27}\n\t"
                NERVE_M4D_CHECK
                : [hp] "+r"(hp), [f0] "+r"(f0), [f1] "+r"(f1), [f2] "+r"(f2), [f3] "+r"(f3), [op] "+r"(op),
                  [chk] "+t"(c), [k] "=&r"(k)
                : [iters] "i"(N / 8), [zero] "t"(zero)
                : "memory", "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s16", "s17", "s18", "s19",
                  "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27");
        }
    }
    chk = c;
    return groups * 4;
}
#undef NERVE_M4D_TREE
#undef NERVE_M4D_MUL
#undef NERVE_M4D_FOLD_LOAD
#undef NERVE_M4D_LOAD
#undef NERVE_M4D_NEXT
#undef NERVE_M4D_CHECK
#endif

#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
// Cortex-M4F polyphase block kernel, the float block path of fir_interpolator and resampler
// (polyphase_fir::block_m4f): one sub-filter of K taps (g[j] multiplies the window's sample j,
// oldest first) over outputs whose windows start InStride samples apart, out[u OutStride] =
// sum_j g[j] src[u InStride + j] for u < count, 8 outputs per pass. The 8 sums advance
// together, sample by sample: each sample of a pass is loaded once and feeds every sum whose
// window holds it, so per 8 outputs: 8 VMUL, 8 (K - 1) VFMA, 7 InStride + K loads (taps of
// up to 16 stay in registers for the whole call, longer ones are loaded per pass in chunks of
// 16) and 8 stores, where push()'s dot product loads a tap and a sample for every VFMA. Per
// output one fused chain over the taps in increasing order (push() sums in another order:
// float results agree to rounding, within the tests' bound). Returns the outputs done
// (count / 8 * 8). Interpolator x4 with 48 taps on a Cortex-M4 (process() of 256 inputs,
// tools/mcu_icount.py): 226 -> 71.0 instructions and 503 -> 169.2 modelled cycles per input
// (push() before); CMSIS-DSP's arm_fir_interpolate_f32: 129.9 / 253.9. The taps in the outer
// loop measured 76.6 with the samples two passes share carried over in registers (GCC: 16
// register moves per pass) and 75.4 with each pass loading its own (10 moves left).
template <std::size_t K, std::size_t OutStride, std::size_t InStride>
[[gnu::noinline]] std::size_t poly_block_m4f(const float* NERVE_RESTRICT g, const float* NERVE_RESTRICT src,
                                             float* NERVE_RESTRICT out, std::size_t count) noexcept {
    static_assert(K >= 1 && InStride >= 1);
    constexpr std::size_t U = 8, C = 16;  // outputs per pass, taps per chunk
    constexpr std::size_t chunks = (K + C - 1) / C;
    float h[K <= C ? K : 1];  // taps held for the whole call
    if constexpr (K <= C) static_for<K>([&](auto j) NERVE_INLINE_LAMBDA { h[j] = g[j]; });
    const std::size_t groups = count / U;
    const float* s = src;
    for (std::size_t q = 0; q < groups; ++q, s += U * InStride, out += U * OutStride) {
        // Each pass loads its samples afresh (see above).
        __asm__("" : "+r"(s));
        float acc[U];
        static_for<chunks>([&](auto c) NERVE_INLINE_LAMBDA {
            constexpr std::size_t j0 = C * c, j1 = j0 + C < K ? j0 + C : K;
            float hc[j1 - j0];
            static_for<j1 - j0>([&](auto d) NERVE_INLINE_LAMBDA {
                if constexpr (K <= C)
                    hc[d] = h[d];
                else
                    hc[d] = g[j0 + d];
            });
            auto step = [&](auto u, auto j, float x) NERVE_INLINE_LAMBDA {
                if constexpr (j == 0)
                    acc[u] = hc[0] * x;
                else
                    acc[u] = __builtin_fmaf(hc[j - j0], x, acc[u]);
            };
            if constexpr (InStride >= j1 - j0) {  // no sample shared: output by output
                static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                    static_for<j1 - j0>([&](auto d) NERVE_INLINE_LAMBDA {
                        step(u, std::integral_constant<std::size_t, j0 + d>{}, s[u * InStride + j0 + d]);
                    });
                });
            } else {  // sample m serves the sums u with m = u InStride + j, j in [j0, j1)
                static_for<(U - 1) * InStride + j1 - j0>([&](auto dm) NERVE_INLINE_LAMBDA {
                    constexpr std::size_t m = j0 + dm;
                    const float x = s[m];
                    static_for<U>([&](auto u) NERVE_INLINE_LAMBDA {
                        if constexpr (m >= u * InStride && m - u * InStride >= j0 && m - u * InStride < j1)
                            step(u, std::integral_constant<std::size_t, m - u * InStride>{}, x);
                    });
                });
            }
        });
        static_for<U>([&](auto u) NERVE_INLINE_LAMBDA { out[u * OutStride] = acc[u]; });
    }
    return groups * U;
}
#endif

/// Block form of q31_dot_exact: out[i] for i in [0, count), reading src[0 .. count + N - 1).
template <std::size_t N>
[[gnu::noinline]] void fir_block_q31_exact(const q31* NERVE_RESTRICT hr, const q31* NERVE_RESTRICT src,
                                q31* NERVE_RESTRICT out, std::size_t count) noexcept {
    std::size_t i = 0;
#if NERVE_FIR_ARM_Q31
    if constexpr (N % 4 == 0 && N >= 4) i = fir_block_q31_m4<N>(hr, src, out, count);
#endif
    for (; i < count; ++i) out[i] = q31_dot_exact<N>(hr, src + i);
}

/// Polyphase q31 sums on interleaved int32 tap pairs g[2j], g[2j+1] (fir_interpolator.hpp's
/// split layout) with the window w[0..K): a = sum g[2j] w[j] and, when Split, b = sum g[2j+1] w[j],
/// both exact in int64 (the caller's tap bounds rule out overflow). On ARMv7E-M, per tap LDRD
/// (both halves) or LDR, LDR (sample), one SMLAL per sum, fully unrolled with immediate
/// offsets (4 instructions per tap split, 3 whole); GCC's own code for the two-accumulator loop indexes with shifted registers
/// and spills (7-8 per tap). Elsewhere the plain loops.
template <std::size_t K, bool Split>
NERVE_ALWAYS_INLINE void q31_pair_sums(const std::int32_t* NERVE_RESTRICT g, const q31* NERVE_RESTRICT w, std::int64_t& a,
                                       std::int64_t& b) noexcept {
#if NERVE_FIR_ARM_Q31
    // Fully unrolled with immediate offsets: only for short sub-filters (LDRD reaches 1020 bytes;
    // longer ones would also bloat the code), the rest takes the plain loops below.
    if constexpr (K <= 32) {
        std::uint32_t al = 0, bl = 0;
        std::int32_t ah = 0, bh = 0;
        // One asm statement per tap with immediate offsets (no pointer updates, so nothing for the
        // compiler to move between statements); the accumulators stay in registers throughout.
        static_for<K>([&](auto j) NERVE_INLINE_LAMBDA {
            constexpr std::size_t J = j;
            std::int32_t h, l, x;
            if constexpr (Split) {
                __asm__ volatile(
                    "ldrd %[h], %[l], [%[g], %[og]]\n\t"
                    "ldr %[x], [%[w], %[ow]]\n\t"
                    "smlal %[al], %[ah], %[h], %[x]\n\t"
                    "smlal %[bl], %[bh], %[l], %[x]\n\t"
                    : [al] "+r"(al), [ah] "+r"(ah), [bl] "+r"(bl), [bh] "+r"(bh), [h] "=&r"(h), [l] "=&r"(l),
                      [x] "=&r"(x)
                    : [g] "r"(g), [w] "r"(w), [og] "n"(8 * J), [ow] "n"(4 * J),
                      "m"(*(const std::int32_t(*)[2 * K])g), "m"(*(const q31(*)[K])w));
            } else {
                (void)l;
                __asm__ volatile(
                    "ldr %[h], [%[g], %[og]]\n\t"
                    "ldr %[x], [%[w], %[ow]]\n\t"
                    "smlal %[al], %[ah], %[h], %[x]\n\t"
                    : [al] "+r"(al), [ah] "+r"(ah), [h] "=&r"(h), [x] "=&r"(x)
                    : [g] "r"(g), [w] "r"(w), [og] "n"(8 * J), [ow] "n"(4 * J),
                      "m"(*(const std::int32_t(*)[2 * K])g), "m"(*(const q31(*)[K])w));
            }
        });
        a = join_int64(ah, al);
        b = join_int64(bh, bl);
        return;
    }
#endif
    std::int64_t sa = 0, sb = 0;
    for (std::size_t j = 0; j < K; ++j) {
        sa += static_cast<std::int64_t>(g[2 * j]) * static_cast<std::int64_t>(w[j].raw);
        if constexpr (Split) sb += static_cast<std::int64_t>(g[2 * j + 1]) * static_cast<std::int64_t>(w[j].raw);
    }
    a = sa;
    b = sb;
}

/// Three consecutive outputs of one polyphase phase: r_i = sum_j g[Stride j] w[j + i] exactly in
/// int64, w[0..K+1] (the windows of three consecutive inputs). fir_interpolator's block paths:
/// q31 with taps stored {g, 0} (Stride 2; taps below 1, L1 norm below 2, so the exact sums cannot
/// overflow) and q15 with int32 Q15 taps (Stride 1, |g| < 2^16, detail::poly_tap<q15>). On
/// ARMv7E-M one tap load serves all three outputs: per tap one LDR (tap), one LDR or LDRSH (the
/// newest sample) and three SMLAL, 1.67 instructions per tap and output against 3 for one output
/// at a time; the two older samples rotate through registers.
template <std::size_t K, std::size_t Stride, class S>
NERVE_ALWAYS_INLINE void triple_outputs(const std::int32_t* NERVE_RESTRICT g, const S* NERVE_RESTRICT w,
                                        std::int64_t& r0, std::int64_t& r1, std::int64_t& r2) noexcept {
    static_assert(sizeof(S) == 4 || sizeof(S) == 2, "q31 or q15 samples");
#if NERVE_FIR_ARM_Q31
    if constexpr (K <= 32) {
        std::uint32_t l0 = 0, l1 = 0, l2 = 0;
        std::int32_t h0 = 0, h1 = 0, h2 = 0;
        std::int32_t xa = w[0].raw, xb = w[1].raw;
        static_for<K>([&](auto j) NERVE_INLINE_LAMBDA {
            constexpr std::size_t J = j;
            std::int32_t t, xn;
// One tap step; LOAD is the sample load for the sample width (asm text must be a literal).
#define NERVE_TRIPLE_STEP(LOAD)                                                                                      \
    __asm__ volatile("ldr %[t], [%[g], %[og]]\n\t" LOAD " %[xn], [%[w], %[ow]]\n\t"                              \
                     "smlal %[l0], %[h0], %[t], %[xa]\n\t"                                                           \
                     "smlal %[l1], %[h1], %[t], %[xb]\n\t"                                                           \
                     "smlal %[l2], %[h2], %[t], %[xn]\n\t"                                                           \
                     : [l0] "+r"(l0), [h0] "+r"(h0), [l1] "+r"(l1), [h1] "+r"(h1), [l2] "+r"(l2), [h2] "+r"(h2),      \
                       [t] "=&r"(t), [xn] "=&r"(xn)                                                                  \
                     : [g] "r"(g), [w] "r"(w), [xa] "r"(xa), [xb] "r"(xb), [og] "n"(4 * Stride * J),                 \
                       [ow] "n"(sizeof(S) * (J + 2)), "m"(*(const std::int32_t(*)[Stride * K])g),                    \
                       "m"(*(const S(*)[K + 2])w))
            if constexpr (sizeof(S) == 4)
                NERVE_TRIPLE_STEP("ldr");
            else
                NERVE_TRIPLE_STEP("ldrsh");
#undef NERVE_TRIPLE_STEP
            xa = xb;
            xb = xn;
        });
        r0 = join_int64(h0, l0);
        r1 = join_int64(h1, l1);
        r2 = join_int64(h2, l2);
        return;
    }
#endif
    std::int64_t s0 = 0, s1 = 0, s2 = 0;
    for (std::size_t j = 0; j < K; ++j) {
        const std::int64_t tap = g[Stride * j];
        s0 += tap * w[j].raw;
        s1 += tap * w[j + 1].raw;
        s2 += tap * w[j + 2].raw;
    }
    r0 = s0;
    r1 = s1;
    r2 = s2;
}

}  // namespace nerve::filter::detail
