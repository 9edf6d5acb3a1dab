// nerve/filter/fir.hpp — direct-form FIR filter, y[n] = sum_k h[k] x[n-k].
//
// Delay line: a double-length ring (every sample is written at i and i + Taps), so the last
// Taps samples are always one contiguous, oldest-to-newest run and the per-sample dot
// product needs no modulo. Taps are stored reversed so that dot product is a plain forward
// walk over both arrays.
//
// Block path `process(in, out)`: the first Taps-1 outputs read a linear copy of the history
// followed by the first inputs (with SIMD: a stack copy long enough for Taps-1 rounded up to
// whole vectors of outputs, so they too run in the register-blocked kernel; without: built
// in place in the delay line); every later output reads its window straight from `in`. With xsimd (x86 SSE2/AVX/AVX-512, NEON) the kernel
// computes 8 vectors of consecutive outputs at once (a broadcast tap times an unaligned
// input vector, fused multiply-add), so there is no horizontal reduction and 8 independent
// FMA chains hide the FMA latency; it is register-blocked: for each offset j inside a vector,
// 4 taps h[j], h[j+W], h[j+2W], h[j+3W] are broadcast once and every loaded input vector
// feeds all the accumulators it belongs to, ~0.5 loads per FMA instead of ~1.1 (taps are
// zero-padded to whole vectors). An empty asm pins each loaded vector in a register, since
// GCC would otherwise fold the load into every FMA. 12 output vectors with 32 vector
// registers (AVX-512, NEON), 8 with 16. 64 taps with AVX-512 (16 lanes) on a Xeon, quiet
// machine: fir64/nerve 0.90 of the measured FMA peak (fma_peak/xsimd in the same run; 0.79
// before the head outputs and the non-finite scan stopped being single FMA chains). Per
// input-vector offset the kernel issues 48 FMAs, 15 vector loads and 4 broadcasts: FMA-bound. The per-sample operator() uses a vector dot
// product over the Taps-1 older samples plus the newest from a register (a vector load over
// the sample just stored would stall on store forwarding). The scalar path is always
// compiled (Cortex-M, NERVE_NO_SIMD).
//
// Symmetric (linear-phase) taps — detected at construction, or forced with fir_symmetry —
// fold the two halves, h[k] * (x[n-k] + x[n-N+1+k]), halving the multiplies in the scalar
// float and fixed-point paths (Cortex-M float: 2.5 instead of 3 instructions per tap). The
// SIMD block path keeps the unfolded form: there (vectors of consecutive outputs) both samples
// of a pair are forward loads, no lane reversal, but the fold trades an FMA for an add, which
// uses the same ports on x86, and loses the register-blocked kernel's load reuse: measured on
// a loaded AVX-512 Xeon, one run, 64 symmetric taps: unfolded 160 GFLOP/s (0.92 of fma_peak),
// folded (detail/fir_symmetric.hpp) 77 nominal GFLOP/s, 0.48x; 63 and 128 taps alike. The
// fold is compiled in only with -DNERVE_FIR_SIMD_FOLD=1 (bench/bench_resample.cpp fir_fold/*).
// On ARMv7E-M (Cortex-M4/M7) q15 uses SMLALD (two taps per instruction) and float uses
// VLDM blocks of 8 taps + 8 samples with VFMA, both unfolded (fewer instructions than folding),
// except float process() with symmetric taps (N % 16 == 0): detail/fir_m4.hpp's folded 8-output
// kernel, a 1-cycle VADD instead of a 3-cycle VFMA per tap pair (fir64: 71 -> 82 instructions
// but 228 -> 174 modelled cycles per sample). q15/q31 stay unfolded: the pair sum needs 17/33
// bits, which SMLAD/SMLAL cannot take, and one MAC per tap is already one 1-cycle instruction.
// Their block paths compute several outputs per pass over the taps: float 8 outputs in s0-s7
// (fir_block_m4f, 66 instructions per 8 taps x 8 outputs), q15 4 outputs with 32-bit SMLAD
// sums whose int32 overflow or saturation the Q flag reports (then the exact per-sample path
// redoes the block): fir64 on a Cortex-M4, per sample, f32 96.7 -> 71.0 and q15 126 -> 64.6
// instructions (CMSIS-DSP 1.17.1: 91.8 and 118.0), bench/mcu and tools/mcu_filter_table.py.
//
// Arithmetic (detail/fir_common.hpp): float/double accumulate in the sample type; q15 sums
// exact Q30 products in int64; q31 sums exact Q62 products in int64 when the taps' L1 norm
// allows it (sum |h| <= 2^32 - 1 raw, about < 2: every unit-gain design; detail/fir_m4.hpp,
// Cortex-M4 block kernel 524 -> 94 instructions per sample for 64 taps, CMSIS-DSP's
// arm_fir_q31 ~110 by our reading), otherwise Q62 products pre-shifted by a few guard bits;
// fixed-point outputs are rounded and saturate.
//
// Bad input: a NaN or +-Inf sample is replaced by the last finite input (0 before the first)
// and counted in rejected(); the delay line never holds a non-finite value, so the output
// is finite whenever the taps are. Fixed-point input cannot be non-finite; the output
// saturates at the q15/q31 limits instead of wrapping.
//
// Scalar and SIMD paths sum in different orders: their float results agree to a few ulp of
// sum |h[k] x[n-k]|, not bit for bit (tests/filter/test_fir.cpp checks the bound).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/operator.hpp"
#include "../core/simd_fma.hpp"
#include "detail/fir_common.hpp"
#include "detail/fir_symmetric.hpp"
#include "detail/fir_m4.hpp"
#include "fir_design.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif
#if defined(__ARM_FEATURE_SIMD32) && defined(__GNUC__) && !defined(__aarch64__)
#define NERVE_FIR_ARM_SMLALD 1
#include <arm_acle.h>
#else
#define NERVE_FIR_ARM_SMLALD 0
#endif
#if defined(__ARM_ARCH_7EM__) && defined(__ARM_FP) && (__ARM_FP & 4) && defined(__GNUC__)
#define NERVE_FIR_ARM_VLDM 1
#else
#define NERVE_FIR_ARM_VLDM 0
#endif

namespace nerve::filter {
NERVE_GCC_INTRINSICS_BEGIN  // the SIMD kernels below inline AVX-512 intrinsics; see config.hpp

/// Whether FIR taps are symmetric (h[k] == h[N-1-k]); `detect` checks at construction.
enum class fir_symmetry : std::uint8_t { detect, none, symmetric };

namespace detail {

/// Copies n elements forward (dst may overlap src when dst < src). Cortex-M4F: 8 words
/// per VLDM/VSTM pair for 32-bit types (0.3 instructions per word against ~3.5 in memmove;
/// ~2.8 modelled cycles per word against ~4.6: a decimator block's four copies were ~1,170 of
/// ~7,800 cycles per 256 inputs). ARMv7E-M, 16-bit types: halfword pairs, no library call (a
/// history run starting at an odd halfword sends newlib's memmove down its byte path).
template <class T>
inline void copy_forward(const T* src, std::size_t n, T* dst) noexcept {
#if NERVE_FIR_ARM_VLDM
    if constexpr (sizeof(T) == 4 && alignof(T) == 4) {
        for (; n >= 8; n -= 8) {
            // Each run of 8 is loaded before it is stored: safe for dst < src overlaps.
            __asm__ volatile("vldmia %[s]!, {s8-s15}\n\t"
                             "vstmia %[d]!, {s8-s15}"
                             : [s] "+r"(src), [d] "+r"(dst)
                             :
                             : "memory", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15");
        }
    }
#endif
#if NERVE_ARM_V7EM_ASM
    if constexpr (sizeof(T) == 2) {
        std::size_t k = 0;
        for (; k + 2 <= n; k += 2) {  // both read before either is written: safe for dst < src
            const T a = src[k], b = src[k + 1];
            dst[k] = a;
            dst[k + 1] = b;
        }
        if (k < n) dst[k] = src[k];
        return;
    }
#endif
    for (std::size_t k = 0; k < n; ++k) dst[k] = src[k];
}

/// True if any sample in [p, p+n) is NaN or Inf.
template <class T>
inline bool any_non_finite(const T* p, std::size_t n) noexcept {
    if constexpr (!std::is_floating_point_v<T>) {
        return false;
    } else {
        // x * 0 is 0 for finite x and NaN otherwise; the sum of them is NaN iff any was.
        std::size_t i = 0;
        T s = 0;
#if NERVE_FIR_ARM_VLDM
        if constexpr (std::is_same_v<T, float>) {
            // Cortex-M4F: 16 samples per VLDM, one VFMA (s += x * 0) each.
            const float zero = 0.0f;
            for (; i + 16 <= n; i += 16) {
                __asm__ volatile(
                    "vldmia %[p]!, {s8-s23}\n\t"
                    "vfma.f32 %[s], s8, %[z]\n\tvfma.f32 %[s], s9, %[z]\n\tvfma.f32 %[s], s10, %[z]\n\t"
                    "vfma.f32 %[s], s11, %[z]\n\tvfma.f32 %[s], s12, %[z]\n\tvfma.f32 %[s], s13, %[z]\n\t"
                    "vfma.f32 %[s], s14, %[z]\n\tvfma.f32 %[s], s15, %[z]\n\tvfma.f32 %[s], s16, %[z]\n\t"
                    "vfma.f32 %[s], s17, %[z]\n\tvfma.f32 %[s], s18, %[z]\n\tvfma.f32 %[s], s19, %[z]\n\t"
                    "vfma.f32 %[s], s20, %[z]\n\tvfma.f32 %[s], s21, %[z]\n\tvfma.f32 %[s], s22, %[z]\n\t"
                    "vfma.f32 %[s], s23, %[z]"
                    : [s] "+t"(s), [p] "+r"(p)
                    : [z] "t"(zero)
                    : "memory", "s8", "s9", "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19",
                      "s20", "s21", "s22", "s23");
            }
            n -= i;
            i = 0;
        }
#endif
#if NERVE_HAS_XSIMD
        // 8 independent sums: one chain would be FMA-latency bound (4 cycles per vector; on
        // an AVX-512 Xeon it cost fir64/nerve's 4096-sample block ~10 % of its time).
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = batch::size, K = 8;
        const batch zero(T(0));
        batch acc[K];
        for (auto& a : acc) a = zero;
        for (; i + K * W <= n; i += K * W)
            static_for<K>([&](auto k) { acc[k] = nerve::detail::fmadd(batch::load_unaligned(p + i + k * W), zero, acc[k]); });
        for (; i + W <= n; i += W) acc[0] = nerve::detail::fmadd(batch::load_unaligned(p + i), zero, acc[0]);
        static_for<K - 1>([&](auto k) { acc[0] += acc[k + 1]; });
        s = xsimd::hadd(acc[0]);
#endif
        const T* tail = p + i;
        for (std::size_t k = 0, rest = n - i; k < rest; ++k) s += tail[k] * T(0);
        return !(s == s);
    }
}

/// Scalar dot product of reversed taps hr[0..N) with window w[0..N) (oldest first).
template <class T, std::size_t N>
NERVE_ALWAYS_INLINE typename mac<T, N>::acc_type dot_scalar(const T* NERVE_RESTRICT hr,
                                                            const T* NERVE_RESTRICT w) noexcept {
    using M = mac<T, N>;
    auto acc = M::zero();
    NERVE_FIR_UNROLL(8)
    for (std::size_t j = 0; j < N; ++j) acc = M::step(acc, hr[j], w[j]);
    return acc;
}

/// Folded dot product for symmetric taps (h == hr).
template <class T, std::size_t N>
NERVE_ALWAYS_INLINE typename mac<T, N>::acc_type dot_symmetric(const T* NERVE_RESTRICT h,
                                                               const T* NERVE_RESTRICT w) noexcept {
    using M = mac<T, N>;
    auto acc = M::zero();
    NERVE_FIR_UNROLL(8)
    for (std::size_t j = 0; j < N / 2; ++j) acc = M::step2(acc, h[j], w[j], w[N - 1 - j]);
    if constexpr (N % 2 == 1) acc = M::step(acc, h[N / 2], w[N / 2]);
    return acc;
}

/// One output: sum_j hr[j] * w[j], using the fastest path available for T.
template <class T, std::size_t N>
NERVE_ALWAYS_INLINE T fir_dot(const T* NERVE_RESTRICT hr, const T* NERVE_RESTRICT w, bool symmetric) noexcept {
    using M = mac<T, N>;
#if NERVE_HAS_XSIMD
    if constexpr (std::is_floating_point_v<T>) {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = batch::size;
        if constexpr (N >= 2 * W) {
            // Constant bounds: GCC's range analysis cannot prove a running index's tail loop
            // empty when N is a multiple of W, and warns (-Waggressive-loop-optimizations).
            constexpr std::size_t pairs_end = N / (2 * W) * (2 * W);
            constexpr std::size_t vectors_end = N / W * W;
            batch a0(T(0)), a1(T(0));
            for (std::size_t j = 0; j < pairs_end; j += 2 * W) {
                a0 = nerve::detail::fmadd(batch::load_unaligned(hr + j), batch::load_unaligned(w + j), a0);
                a1 = nerve::detail::fmadd(batch::load_unaligned(hr + j + W), batch::load_unaligned(w + j + W), a1);
            }
            if constexpr (vectors_end > pairs_end)
                a0 = nerve::detail::fmadd(batch::load_unaligned(hr + pairs_end), batch::load_unaligned(w + pairs_end), a0);
            T s = xsimd::hadd(a0 + a1);
            for (std::size_t j = vectors_end; j < N; ++j) s += hr[j] * w[j];
            return s;
        }
    }
#endif
#if NERVE_FIR_ARM_VLDM
    if constexpr (std::is_same_v<T, float> && N >= 8) {
        // Cortex-M4F/M7: two VLDMs bring 8 taps and 8 samples into s16-s31, then 8 VFMAs into
        // two alternating accumulators: 10 instructions per 8 taps, against 2.5 per tap for
        // the folded scalar loop (3 loads, add, fma per pair). The FPU has no SIMD, so the
        // symmetric fold saves nothing once loads come 8 at a time.
        (void)symmetric;
        float a0 = 0.0f, a1 = 0.0f;
        const float* hp = hr;
        const float* wp = w;
        NERVE_FIR_UNROLL(8)
        for (std::size_t j = 0; j < N / 8; ++j) {
            __asm__("vldmia %[hp]!, {s16-s23}\n\t"
                    "vldmia %[wp]!, {s24-s31}\n\t"
                    "vfma.f32 %[a0], s16, s24\n\t"
                    "vfma.f32 %[a1], s17, s25\n\t"
                    "vfma.f32 %[a0], s18, s26\n\t"
                    "vfma.f32 %[a1], s19, s27\n\t"
                    "vfma.f32 %[a0], s20, s28\n\t"
                    "vfma.f32 %[a1], s21, s29\n\t"
                    "vfma.f32 %[a0], s22, s30\n\t"
                    "vfma.f32 %[a1], s23, s31"
                    : [a0] "+t"(a0), [a1] "+t"(a1), [hp] "+r"(hp), [wp] "+r"(wp)
                    :
                    : "memory", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26",
                      "s27", "s28", "s29", "s30", "s31");
        }
        float acc = a0 + a1;
        for (std::size_t j = N / 8 * 8; j < N; ++j) acc += hr[j] * w[j];
        return acc;
    }
#endif
#if NERVE_FIR_ARM_SMLALD
    if constexpr (is_q15_v<T>) {
        // Cortex-M4/M7 DSP extension: SMLALD multiplies two q15 pairs and adds both products
        // to a 64-bit accumulator in one instruction; the pairs are loaded as 32-bit words
        // (unaligned word loads are allowed on ARMv7E-M). Exact, same result as the scalar sum.
        // Faster than the symmetric fold, which would need halfword swaps and a 17-bit add.
        (void)symmetric;
        // The accumulator halves are asm operands: GCC's __smlald builtin copies the 64-bit
        // accumulator between register pairs on every call (4 extra moves per 4 taps).
        // The loads are in the asm too (post-incremented pointers): otherwise GCC rebuilds
        // both addresses from `this` with two adds per pair. Unaligned LDR is fine on v7E-M.
        std::uint32_t lo = 0;
        std::int32_t hi = 0;
        const T* hp = hr;
        const T* wp = w;
        NERVE_FIR_UNROLL(16)
        for (std::size_t j = 0; j < N / 2; ++j) {
            std::int32_t h2, x2;
            __asm__("ldr %[h2], [%[hp]], #4\n\t"
                    "ldr %[x2], [%[wp]], #4\n\t"
                    "smlald %[lo], %[hi], %[h2], %[x2]"
                    : [lo] "+r"(lo), [hi] "+r"(hi), [hp] "+r"(hp), [wp] "+r"(wp), [h2] "=&r"(h2), [x2] "=&r"(x2)
                    :
                    : "memory");
        }
        std::int64_t acc = join_int64(hi, lo);
        if constexpr (N % 2 == 1) acc = M::step(acc, hr[N - 1], w[N - 1]);
        return M::finish(acc);
    }
#endif
    if constexpr (!is_q31_v<T>) {
        if (symmetric) return M::finish(dot_symmetric<T, N>(hr, w));
    }
    return M::finish(dot_scalar<T, N>(hr, w));
}

/// Taps rounded up to whole SIMD vectors: the unit of the register-blocked block kernel
/// (the extra reversed taps are zero). Equal to N without SIMD or for fixed point.
template <class T, std::size_t N>
inline constexpr std::size_t padded_taps = [] {
#if NERVE_HAS_XSIMD
    if constexpr (std::is_floating_point_v<T>) {
        constexpr std::size_t W = xsimd::batch<T>::size;
        return (N + W - 1) / W * W;
    }
#endif
    return N;
}();

#if NERVE_HAS_XSIMD
/// Pins a loaded vector in a register: without it GCC folds the load into every FMA that
/// uses it (a memory operand per FMA), which undoes the load reuse below and, with 64-byte
/// vectors at 4-byte offsets, makes almost every load a cache-line split.
template <class B>
NERVE_ALWAYS_INLINE void keep_in_register(B& b) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    __asm__("" : "+v"(b.data));
#elif defined(__GNUC__) && defined(__aarch64__)
    __asm__("" : "+w"(b.data));
#else
    (void)b;
#endif
}

/// One chunk of C tap vectors of the register-blocked kernel: for every offset j inside a
/// vector, the C taps hr[j], hr[j+W], ... are broadcast once and each input vector loaded
/// from s + m*W + j feeds every accumulator it belongs to (acc[k] takes it with tap
/// hr[j + (m-k)W]). Loads per FMA: (U + 2C - 1) / (U C) instead of (U + 1) / U.
template <class T, std::size_t U, std::size_t C>
NERVE_ALWAYS_INLINE void fir_chunk(xsimd::batch<T> (&acc)[U], const T* NERVE_RESTRICT hrc,
                                   const T* NERVE_RESTRICT s) noexcept {
    using batch = xsimd::batch<T>;
    constexpr std::size_t W = batch::size;
    for (std::size_t j = 0; j < W; ++j) {
        batch hb[C];
        static_for<C>([&](auto t) { hb[t] = batch(hrc[j + t * W]); });
        static_for<U + C - 1>([&](auto m) {
            batch L = batch::load_unaligned(s + m * W + j);
            keep_in_register(L);
            constexpr std::size_t k0 = m + 1 > C ? m + 1 - C : 0;
            constexpr std::size_t k1 = m < U - 1 ? m : U - 1;
            static_for<k1 + 1 - k0>([&](auto dk) {
                constexpr std::size_t k = k0 + dk;
                acc[k] = nerve::detail::fmadd(hb[m - k], L, acc[k]);
            });
        });
    }
}

/// Register-blocked block kernel over NP (padded) reversed taps; handles the outputs whose
/// reads stay inside src[0 .. count + N - 1) and returns how many it did.
/// U output vectors per pass, starting at output `i`. Every output lane sums its products in
/// the same order whatever U is, so the passes of different U give bit-identical outputs.
template <class T, std::size_t N, std::size_t NP, std::size_t U>
inline std::size_t fir_block_regblocked(const T* NERVE_RESTRICT hr, const T* NERVE_RESTRICT src,
                                        T* NERVE_RESTRICT out, std::size_t count, std::size_t i = 0) noexcept {
    using batch = xsimd::batch<T>;
    constexpr std::size_t W = batch::size;
    constexpr std::size_t NT = NP / W;  // tap vectors
    constexpr std::size_t C = 4;        // tap vectors held as broadcasts
    constexpr std::size_t full = NT / C, rest = NT % C;
    for (; i + U * W + (NP - N) <= count; i += U * W) {
        batch acc[U];
        for (auto& a : acc) a = batch(T(0));
        const T* s = src + i;
        for (std::size_t c = 0; c < full; ++c) fir_chunk<T, U, C>(acc, hr + c * C * W, s + c * C * W);
        if constexpr (rest > 0) fir_chunk<T, U, rest>(acc, hr + full * C * W, s + full * C * W);
        for (std::size_t u = 0; u < U; ++u) acc[u].store_unaligned(out + i + u * W);
    }
    return i;
}
#endif

#if NERVE_FIR_ARM_VLDM
inline constexpr float m4f_zeros[8] = {};

/// Cortex-M4F block kernel, 8 consecutive outputs at a time with all 32 FPU registers:
/// s0-s7 the 8 sums, s8-s15 eight taps (one VLDM), s16-s31 a 16-sample window of which every
/// group of 8 taps loads one new half (one VLDM), so each tap and each sample is loaded once
/// per 8 outputs: 66 instructions per 8 taps x 8 outputs (1.03 per tap and output) against
/// ~1.25 for the per-sample VLDM dot product. Each output is one fused chain over the taps
/// in increasing order (a different order from the per-sample path: float results agree to
/// rounding, see the file comment). N must be a multiple of 16. Reads src[i .. i + N + 8) for
/// every group of outputs i .. i+7, so it stops while i + 8 < count (reads stay inside
/// src[0 .. count + N - 1)); returns the number of outputs done.
template <std::size_t N>
inline std::size_t fir_block_m4f(const float* hr, const float* src, float* out, std::size_t count) noexcept {
    static_assert(N % 16 == 0 && N >= 16);
    if (count < 9) return 0;
    std::size_t groups = (count - 1) / 8;
    const std::size_t done = groups * 8;
    const float* xp = src;
    const float* hp;
    std::size_t k;
    __asm__ volatile(
        "2:\n\t"
        "vldmia %[zero], {s0-s7}\n\t"
        "mov %[hp], %[hr]\n\t"
        "vldmia %[xp]!, {s16-s23}\n\t"
        "mov %[k], %[iters]\n\t"
        "1:\n\t"
        "vldmia %[hp]!, {s8-s15}\n\t"    // taps 16q .. 16q+7
        "vldmia %[xp]!, {s24-s31}\n\t"   // window s16-s31 = x[16q .. 16q+16)
        "vfma.f32 s0, s8, s16\n\tvfma.f32 s1, s8, s17\n\tvfma.f32 s2, s8, s18\n\tvfma.f32 s3, s8, s19\n\t"
        "vfma.f32 s4, s8, s20\n\tvfma.f32 s5, s8, s21\n\tvfma.f32 s6, s8, s22\n\tvfma.f32 s7, s8, s23\n\t"
        "vfma.f32 s0, s9, s17\n\tvfma.f32 s1, s9, s18\n\tvfma.f32 s2, s9, s19\n\tvfma.f32 s3, s9, s20\n\t"
        "vfma.f32 s4, s9, s21\n\tvfma.f32 s5, s9, s22\n\tvfma.f32 s6, s9, s23\n\tvfma.f32 s7, s9, s24\n\t"
        "vfma.f32 s0, s10, s18\n\tvfma.f32 s1, s10, s19\n\tvfma.f32 s2, s10, s20\n\tvfma.f32 s3, s10, s21\n\t"
        "vfma.f32 s4, s10, s22\n\tvfma.f32 s5, s10, s23\n\tvfma.f32 s6, s10, s24\n\tvfma.f32 s7, s10, s25\n\t"
        "vfma.f32 s0, s11, s19\n\tvfma.f32 s1, s11, s20\n\tvfma.f32 s2, s11, s21\n\tvfma.f32 s3, s11, s22\n\t"
        "vfma.f32 s4, s11, s23\n\tvfma.f32 s5, s11, s24\n\tvfma.f32 s6, s11, s25\n\tvfma.f32 s7, s11, s26\n\t"
        "vfma.f32 s0, s12, s20\n\tvfma.f32 s1, s12, s21\n\tvfma.f32 s2, s12, s22\n\tvfma.f32 s3, s12, s23\n\t"
        "vfma.f32 s4, s12, s24\n\tvfma.f32 s5, s12, s25\n\tvfma.f32 s6, s12, s26\n\tvfma.f32 s7, s12, s27\n\t"
        "vfma.f32 s0, s13, s21\n\tvfma.f32 s1, s13, s22\n\tvfma.f32 s2, s13, s23\n\tvfma.f32 s3, s13, s24\n\t"
        "vfma.f32 s4, s13, s25\n\tvfma.f32 s5, s13, s26\n\tvfma.f32 s6, s13, s27\n\tvfma.f32 s7, s13, s28\n\t"
        "vfma.f32 s0, s14, s22\n\tvfma.f32 s1, s14, s23\n\tvfma.f32 s2, s14, s24\n\tvfma.f32 s3, s14, s25\n\t"
        "vfma.f32 s4, s14, s26\n\tvfma.f32 s5, s14, s27\n\tvfma.f32 s6, s14, s28\n\tvfma.f32 s7, s14, s29\n\t"
        "vfma.f32 s0, s15, s23\n\tvfma.f32 s1, s15, s24\n\tvfma.f32 s2, s15, s25\n\tvfma.f32 s3, s15, s26\n\t"
        "vfma.f32 s4, s15, s27\n\tvfma.f32 s5, s15, s28\n\tvfma.f32 s6, s15, s29\n\tvfma.f32 s7, s15, s30\n\t"
        "vldmia %[hp]!, {s8-s15}\n\t"    // taps 16q+8 .. 16q+15
        "vldmia %[xp]!, {s16-s23}\n\t"   // window s24-s31, s16-s23 = x[16q+8 .. 16q+24)
        "vfma.f32 s0, s8, s24\n\tvfma.f32 s1, s8, s25\n\tvfma.f32 s2, s8, s26\n\tvfma.f32 s3, s8, s27\n\t"
        "vfma.f32 s4, s8, s28\n\tvfma.f32 s5, s8, s29\n\tvfma.f32 s6, s8, s30\n\tvfma.f32 s7, s8, s31\n\t"
        "vfma.f32 s0, s9, s25\n\tvfma.f32 s1, s9, s26\n\tvfma.f32 s2, s9, s27\n\tvfma.f32 s3, s9, s28\n\t"
        "vfma.f32 s4, s9, s29\n\tvfma.f32 s5, s9, s30\n\tvfma.f32 s6, s9, s31\n\tvfma.f32 s7, s9, s16\n\t"
        "vfma.f32 s0, s10, s26\n\tvfma.f32 s1, s10, s27\n\tvfma.f32 s2, s10, s28\n\tvfma.f32 s3, s10, s29\n\t"
        "vfma.f32 s4, s10, s30\n\tvfma.f32 s5, s10, s31\n\tvfma.f32 s6, s10, s16\n\tvfma.f32 s7, s10, s17\n\t"
        "vfma.f32 s0, s11, s27\n\tvfma.f32 s1, s11, s28\n\tvfma.f32 s2, s11, s29\n\tvfma.f32 s3, s11, s30\n\t"
        "vfma.f32 s4, s11, s31\n\tvfma.f32 s5, s11, s16\n\tvfma.f32 s6, s11, s17\n\tvfma.f32 s7, s11, s18\n\t"
        "vfma.f32 s0, s12, s28\n\tvfma.f32 s1, s12, s29\n\tvfma.f32 s2, s12, s30\n\tvfma.f32 s3, s12, s31\n\t"
        "vfma.f32 s4, s12, s16\n\tvfma.f32 s5, s12, s17\n\tvfma.f32 s6, s12, s18\n\tvfma.f32 s7, s12, s19\n\t"
        "vfma.f32 s0, s13, s29\n\tvfma.f32 s1, s13, s30\n\tvfma.f32 s2, s13, s31\n\tvfma.f32 s3, s13, s16\n\t"
        "vfma.f32 s4, s13, s17\n\tvfma.f32 s5, s13, s18\n\tvfma.f32 s6, s13, s19\n\tvfma.f32 s7, s13, s20\n\t"
        "vfma.f32 s0, s14, s30\n\tvfma.f32 s1, s14, s31\n\tvfma.f32 s2, s14, s16\n\tvfma.f32 s3, s14, s17\n\t"
        "vfma.f32 s4, s14, s18\n\tvfma.f32 s5, s14, s19\n\tvfma.f32 s6, s14, s20\n\tvfma.f32 s7, s14, s21\n\t"
        "vfma.f32 s0, s15, s31\n\tvfma.f32 s1, s15, s16\n\tvfma.f32 s2, s15, s17\n\tvfma.f32 s3, s15, s18\n\t"
        "vfma.f32 s4, s15, s19\n\tvfma.f32 s5, s15, s20\n\tvfma.f32 s6, s15, s21\n\tvfma.f32 s7, s15, s22\n\t"
        "subs %[k], %[k], #1\n\t"
        "bne 1b\n\t"
        "vstmia %[op]!, {s0-s7}\n\t"
        "sub %[xp], %[xp], %[back]\n\t"
        "subs %[groups], %[groups], #1\n\t"
        "bne 2b"
        : [xp] "+r"(xp), [op] "+r"(out), [groups] "+r"(groups), [hp] "=&r"(hp), [k] "=&r"(k)
        : [hr] "r"(hr), [zero] "r"(m4f_zeros), [iters] "i"(N / 16), [back] "i"(4 * N)
        : "memory", "cc", "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
          "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23", "s24", "s25", "s26", "s27", "s28",
          "s29", "s30", "s31");
    return done;
}
#endif

#if NERVE_FIR_ARM_SMLALD
NERVE_ALWAYS_INLINE std::int32_t load_pair(const q15* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);  // one LDR (unaligned word loads are allowed on ARMv7E-M)
    return v;
}

/// ARMv7E-M q15 block kernel: 4 consecutive outputs at a time, 2 taps per SMLAD, each tap
/// pair and each sample pair loaded once per 4 outputs (7 instructions per 2 taps x 4 outputs,
/// against 3 per 2 taps x 1 output for the per-sample SMLALD dot product). The sums are
/// 32-bit, started at the rounding constant 2^14, and the outputs SSAT(sum >> 15): when no
/// sum leaves int32 this is exactly the int64 path's result. SMLAD and SSAT set the sticky Q
/// flag on an int32 overflow or a saturation; then the kernel reports 0 outputs done and the
/// caller computes the whole range again with the exact per-sample path. Reads src[0 .. count
/// + N - 1) (the last group reads up to sample 4g + N + 2).
template <std::size_t N>
inline std::size_t fir_block_arm_q15(const q15* NERVE_RESTRICT hr, const q15* NERVE_RESTRICT src,
                                     q15* NERVE_RESTRICT out, std::size_t count) noexcept {
    static_assert(N % 2 == 0 && N >= 4);
    const std::size_t groups = count / 4;
    if (groups == 0) return 0;
    __asm__ volatile("msr APSR_nzcvq, %0" : : "r"(0) : "cc", "memory");
    for (std::size_t g = 0; g < groups; ++g) {
        const q15* w = src + 4 * g;
        std::int32_t a0 = 1 << 14, a1 = a0, a2 = a0, a3 = a0;
        std::int32_t p0 = load_pair(w), p1 = load_pair(w + 1), p2 = load_pair(w + 2), p3 = load_pair(w + 3);
        static_for<N / 2>([&](auto s) {
            constexpr std::size_t j = 2 * s;
            const std::int32_t h2 = load_pair(hr + j);
            a0 = __smlad(h2, p0, a0);
            a1 = __smlad(h2, p1, a1);
            a2 = __smlad(h2, p2, a2);
            a3 = __smlad(h2, p3, a3);
            if constexpr (s + 1 < N / 2) {
                p0 = p2;
                p1 = p3;
                p2 = load_pair(w + j + 4);
                p3 = load_pair(w + j + 5);
            }
        });
        q15* y = out + 4 * g;
        y[0] = q15::from_raw(static_cast<std::int16_t>(__ssat(a0 >> 15, 16)));
        y[1] = q15::from_raw(static_cast<std::int16_t>(__ssat(a1 >> 15, 16)));
        y[2] = q15::from_raw(static_cast<std::int16_t>(__ssat(a2 >> 15, 16)));
        y[3] = q15::from_raw(static_cast<std::int16_t>(__ssat(a3 >> 15, 16)));
    }
    std::uint32_t apsr;
    __asm__ volatile("mrs %0, APSR" : "=r"(apsr) : : "memory");
    return (apsr >> 27) & 1u ? 0 : groups * 4;
}
#endif

/// Block kernel: out[i] = sum_j hr[j] * src[i + j] for i in [0, count).
/// Reads src[0 .. count + N - 1).
/// `hr` holds padded_taps<T, N> reversed taps (zeros after the first N).
template <class T, std::size_t N>
inline void fir_block(const T* NERVE_RESTRICT hr, const T* NERVE_RESTRICT src, T* NERVE_RESTRICT out,
                      std::size_t count, bool symmetric) noexcept {
    std::size_t i = 0;
#if NERVE_HAS_XSIMD
    if constexpr (std::is_floating_point_v<T>) {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = batch::size;
        constexpr std::size_t NP = padded_taps<T, N>;
        // Output vectors per pass (independent FMA chains): 12 where the register file has 32
        // vectors (AVX-512, AArch64 NEON: 12 sums + 4 broadcast taps + 1 input), 8 with 16
        // (SSE, AVX2). Measured on an AVX-512 Xeon (loaded machine), fir64 against
        // fma_peak/xsimd in one run: U = 8: 0.70, 10: 0.77, 12: 0.81, 14: 0.79, 16: 0.77.
        // The rest in passes of 4 and 1 vectors (same per-lane order, so the same results).
#if defined(__AVX512F__) || defined(__aarch64__)
        constexpr std::size_t UB = 12;
#else
        constexpr std::size_t UB = 8;
#endif
        if (NERVE_FIR_SIMD_FOLD && symmetric) {
            i = fir_block_symmetric<T, N>(hr, src, out, count);
        } else {
            i = fir_block_regblocked<T, N, NP, UB>(hr, src, out, count);
            i = fir_block_regblocked<T, N, NP, 4>(hr, src, out, count, i);
            i = fir_block_regblocked<T, N, NP, 1>(hr, src, out, count, i);
        }
        constexpr std::size_t U = 8;  // independent accumulators: hide the FMA latency
        for (; i + U * W <= count; i += U * W) {
            batch acc[U];
            for (std::size_t u = 0; u < U; ++u) acc[u] = batch(T(0));
            const T* s = src + i;
            for (std::size_t j = 0; j < N; ++j) {
                const batch h(hr[j]);
                for (std::size_t u = 0; u < U; ++u)
                    acc[u] = nerve::detail::fmadd(h, batch::load_unaligned(s + j + u * W), acc[u]);
            }
            for (std::size_t u = 0; u < U; ++u) acc[u].store_unaligned(out + i + u * W);
        }
        for (; i + W <= count; i += W) {
            batch acc(T(0));
            const T* s = src + i;
            for (std::size_t j = 0; j < N; ++j) acc = nerve::detail::fmadd(batch(hr[j]), batch::load_unaligned(s + j), acc);
            acc.store_unaligned(out + i);
        }
    }
#endif
#if NERVE_FIR_ARM_VLDM
    if constexpr (std::is_same_v<T, float> && N % 16 == 0)
        i = symmetric ? fir_block_m4f_fold<N>(hr, src, out, count) : fir_block_m4f<N>(hr, src, out, count);
#endif
#if NERVE_FIR_ARM_SMLALD
    if constexpr (is_q15_v<T> && N % 2 == 0 && N >= 4) i = fir_block_arm_q15<N>(hr, src, out, count);
#endif
    for (; i < count; ++i) out[i] = fir_dot<T, N>(hr, src + i, symmetric);
}

#if NERVE_HAS_XSIMD
#if defined(__AVX__) && !defined(__AVX512F__)
/// reduce_rows' unpack tree for 8 floats, level by level, for kernels that join rows as they
/// finish (fir_block_dec_stream) and must give reduce_rows' bits. Rows a, b -> per 128-bit
/// half: row a (s0+s2, s1+s3 | s4+s6, s5+s7) and row b interleaved.
NERVE_ALWAYS_INLINE __m256 rows8_pair(__m256 a, __m256 b) noexcept {
    return _mm256_add_ps(_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b));
}
/// Two pairs (rows 4i .. 4i + 3) -> lane r of half h: row 4i + r's half-h sum.
NERVE_ALWAYS_INLINE __m256 rows8_quad(__m256 t0, __m256 t1) noexcept {
    return _mm256_add_ps(_mm256_shuffle_ps(t0, t1, 0x44), _mm256_shuffle_ps(t0, t1, 0xEE));
}
/// Rows 0-3 and 4-7 -> lane u: row u's sum. A blend (any FP pipe) and one lane swap pair the
/// halves.
NERVE_ALWAYS_INLINE __m256 rows8_halves(__m256 u0, __m256 u1) noexcept {
    return _mm256_add_ps(_mm256_blend_ps(u0, u1, 0xF0), _mm256_permute2f128_ps(u0, u1, 0x21));
}
#endif

/// Transpose-add of W vectors: lane u of the result is the sum of the lanes of rows[u].
/// xsimd::haddp does this, except for 16 floats (AVX-512): xsimd 8.1's avx512f haddp returns
/// the row sums in the wrong lanes (rows 2,3 <-> 4,5 and 10,11 <-> 12,13; checked against the
/// scalar sums on a Zen 4), so that case has its own shuffle tree (30 shuffles, 15 adds).
template <class T>
NERVE_ALWAYS_INLINE xsimd::batch<T> reduce_rows(const xsimd::batch<T>* rows) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_same_v<T, float> && xsimd::batch<T>::size == 16) {
        // 1) rows i, i+4 (i = 0..3, 8..11): 512 -> 256-bit partial sums, row i in 128-bit
        //    blocks 0-1, row i+4 in blocks 2-3.
        __m512 a[8];
        static_for<8>([&](auto q) {
            constexpr std::size_t i = q < 4 ? q : q + 4;
            const __m512 x = rows[i], y = rows[i + 4];
            a[q] = _mm512_add_ps(_mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(1, 0, 1, 0)),
                                 _mm512_shuffle_f32x4(x, y, _MM_SHUFFLE(3, 2, 3, 2)));
        });
        // 2) a[i] with a[i+4] (rows i+8, i+12): one 128-bit partial of rows i, i+4, i+8, i+12
        //    in blocks 0, 1, 2, 3.
        __m512 b[4];
        static_for<4>([&](auto i) {
            b[i] = _mm512_add_ps(_mm512_shuffle_f32x4(a[i], a[i + 4], _MM_SHUFFLE(2, 0, 2, 0)),
                                 _mm512_shuffle_f32x4(a[i], a[i + 4], _MM_SHUFFLE(3, 1, 3, 1)));
        });
        // 3) 4x4 transpose-add inside each 128-bit block: block q lane i = row 4q + i.
        const __m512 c01 = _mm512_add_ps(_mm512_shuffle_ps(b[0], b[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_ps(b[0], b[1], _MM_SHUFFLE(3, 2, 3, 2)));
        const __m512 c23 = _mm512_add_ps(_mm512_shuffle_ps(b[2], b[3], _MM_SHUFFLE(1, 0, 1, 0)),
                                         _mm512_shuffle_ps(b[2], b[3], _MM_SHUFFLE(3, 2, 3, 2)));
        return _mm512_add_ps(_mm512_shuffle_ps(c01, c23, _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_ps(c01, c23, _MM_SHUFFLE(3, 1, 3, 1)));
    }
#endif
#if defined(__AVX__) && !defined(__AVX512F__)
    if constexpr (std::is_same_v<T, float> && xsimd::batch<T>::size == 8) {
        // Unpack tree, 13 shuffles, a blend and 7 adds; lane u = ((s0 + s2) + (s1 + s3)) + ((s4 + s6) +
        // (s5 + s7)) of row u's lanes s. xsimd 8.1's AVX haddp (6 vhaddps, a blend and a lane swap)
        // was 4-6 % slower in fir_decimator's AVX2 path (-mavx2 -mfma, Zen 5, 8 processes each
        // alternated, medians: calls of 256 / 512 / 4096 inputs), stop 43.
        __m256 t[4];
        static_for<4>([&](auto i) { t[i] = rows8_pair(rows[2 * i], rows[2 * i + 1]); });
        return rows8_halves(rows8_quad(t[0], t[1]), rows8_quad(t[2], t[3]));
    }
#endif
#if defined(__aarch64__)
    if constexpr (std::is_same_v<T, float> && xsimd::batch<T>::size == 4) {
        // Three pairwise adds of whole registers (FADDP .4S); xsimd 8.1's haddp takes 12
        // instructions (half-register moves and 64-bit FADDPs) for the same sums in the same
        // order, (r0 + r1) + (r2 + r3) per row, so the same bits.
        const float32x4_t r01 = vpaddq_f32(rows[0], rows[1]);
        const float32x4_t r23 = vpaddq_f32(rows[2], rows[3]);
        return xsimd::batch<T>(vpaddq_f32(r01, r23));
    }
#endif
    return xsimd::haddp(rows);
}
#endif

#if defined(__aarch64__)
inline constexpr std::size_t strided_max_tap_vectors = 16;
#else
inline constexpr std::size_t strided_max_tap_vectors = 8;
#endif

/// Strided block kernel for decimation: out[k] = sum_j hr[j] * src[k * Stride + j] for k in
/// [0, count). With xsimd, W outputs at a time: the tap vectors are loaded once per group and
/// reused, W dot-product accumulators are reduced together with one transpose-add
/// (reduce_rows).
template <class T, std::size_t N, std::size_t Stride>
inline void fir_block_strided(const T* NERVE_RESTRICT hr, const T* NERVE_RESTRICT src, T* NERVE_RESTRICT out,
                              std::size_t count, bool symmetric) noexcept {
    std::size_t k = 0;
#if NERVE_HAS_XSIMD
    if constexpr (std::is_floating_point_v<T>) {
        using batch = xsimd::batch<T>;
        constexpr std::size_t W = batch::size;
        constexpr std::size_t NV = N / W;  // whole tap vectors
        // The tap vectors stay in registers: up to 8 of 16 (x86), up to 16 of aarch64's 32 (NEON:
        // 64 taps are 16 vectors; above 8 they were re-loaded for every output by fir_dot).
        if constexpr (NV >= 1 && NV <= strided_max_tap_vectors) {
            batch h[NV];
            for (std::size_t t = 0; t < NV; ++t) h[t] = batch::load_unaligned(hr + t * W);
            for (; k + W <= count; k += W) {
                batch acc[W];
                for (std::size_t u = 0; u < W; ++u) {
                    const T* s = src + (k + u) * Stride;
                    batch a = h[0] * batch::load_unaligned(s);
                    for (std::size_t t = 1; t < NV; ++t) a = nerve::detail::fmadd(h[t], batch::load_unaligned(s + t * W), a);
                    acc[u] = a;
                }
                batch r = reduce_rows<T>(acc);
                if constexpr (NV * W < N) {
                    alignas(64) T tail[W];
                    for (std::size_t u = 0; u < W; ++u) {
                        const T* s = src + (k + u) * Stride;
                        T t = 0;
                        for (std::size_t j = NV * W; j < N; ++j) t += hr[j] * s[j];
                        tail[u] = t;
                    }
                    r += batch::load_aligned(tail);
                }
                r.store_unaligned(out + k);
            }
        }
    }
#endif
    for (; k < count; ++k) out[k] = fir_dot<T, N>(hr, src + k * Stride, symmetric);
}

}  // namespace detail

/// Direct-form FIR filter with `Taps` coefficients of sample type T (float, double, q15, q31).
template <sample_type T, std::size_t Taps>
class fir {
    static_assert(Taps >= 1, "a FIR filter needs at least one tap");

public:
    using input_type = T;
    using output_type = T;
    using coeff_type = T;
    static constexpr std::size_t taps = Taps;

    /// All-zero taps (outputs zero until set_taps()).
    constexpr fir() noexcept = default;

    /// Taps h[0..Taps) in the usual order (h[0] multiplies the newest sample).
    explicit fir(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        set_taps(h, sym);
    }

    /// Taps designed in double (e.g. firwin_lowpass), rounded to T.
    template <class U>
        requires(std::is_floating_point_v<U> && !std::is_same_v<U, T>)
    explicit fir(const std::array<U, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        set_taps(taps_as<T>(h), sym);
    }

    /// Replaces the taps; the delay line is kept.
    void set_taps(const std::array<T, Taps>& h, fir_symmetry sym = fir_symmetry::detect) noexcept {
        for (std::size_t j = 0; j < Taps; ++j) hr_[j] = h[Taps - 1 - j];
        if constexpr (simd_width > 1 && Taps - 1 >= simd_width) {
            // Taps for the last, overlapping vector of the per-sample path: window indices
            // Taps-1-W .. Taps-2, with those already covered by whole vectors zeroed.
            constexpr std::size_t W = simd_width, covered = (Taps - 1) / W * W;
            for (std::size_t j = 0; j < W; ++j) {
                const std::size_t k = Taps - 1 - W + j;
                tail_[j] = k >= covered ? hr_[k] : T{};
            }
        }
        if (sym == fir_symmetry::detect) {
            symmetric_ = true;
            for (std::size_t j = 0; j < Taps / 2; ++j)
                if (!(h[j] == h[Taps - 1 - j])) symmetric_ = false;
        } else {
            symmetric_ = sym == fir_symmetry::symmetric;
        }
        if constexpr (std::is_same_v<T, q31>) exact_ = detail::q31_taps_exact<Taps>(hr_.data());
    }

    /// The taps in the usual order.
    std::array<T, Taps> coefficients() const noexcept {
        std::array<T, Taps> h{};
        for (std::size_t j = 0; j < Taps; ++j) h[j] = hr_[Taps - 1 - j];
        return h;
    }
    bool symmetric() const noexcept { return symmetric_; }

    /// Filters one sample.
    T operator()(T x) noexcept {
        x = guard_(x);
        pos_ = (pos_ + 1 == Taps) ? 0 : pos_ + 1;
        delay_[pos_] = x;
        delay_[pos_ + Taps] = x;
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T> && Taps - 1 >= simd_width) {
            // The vector loads cover only the Taps-1 older samples; the newest one is taken
            // from the register. A vector load overlapping the sample stored just above
            // cannot be store-forwarded and stalls (measured: 54 -> ~20 cycles per sample).
            using batch = xsimd::batch<T>;
            constexpr std::size_t W = simd_width, V = (Taps - 1) / W;
            const T* w = delay_.data() + pos_ + 1;
            batch a0(T(0)), a1(T(0));
            for (std::size_t v = 0; v + 1 < V; v += 2) {
                a0 = nerve::detail::fmadd(batch::load_aligned(hr_.data() + v * W), batch::load_unaligned(w + v * W), a0);
                a1 = nerve::detail::fmadd(batch::load_aligned(hr_.data() + (v + 1) * W), batch::load_unaligned(w + (v + 1) * W), a1);
            }
            if constexpr (V % 2 == 1)
                a0 = nerve::detail::fmadd(batch::load_aligned(hr_.data() + (V - 1) * W), batch::load_unaligned(w + (V - 1) * W), a0);
            if constexpr ((Taps - 1) % W != 0)
                a1 = nerve::detail::fmadd(batch::load_aligned(tail_.data()), batch::load_unaligned(w + Taps - 1 - W), a1);
            return xsimd::hadd(a0 + a1) + hr_[Taps - 1] * x;
        }
#endif
        if constexpr (std::is_same_v<T, q31>) {
            if (exact_) return detail::q31_dot_exact<Taps>(hr_.data(), delay_.data() + pos_ + 1);
        }
        return detail::fir_dot<T, Taps>(hr_.data(), delay_.data() + pos_ + 1, symmetric_);
    }

    /// Filters a block; out.size() >= in.size(). Same results as calling operator() on each
    /// sample (up to float summation order). `in` and `out` may be the same span, or overlap
    /// with `out` starting before `in` (then sample by sample); `out` starting inside `in` is
    /// refused (block_overlap::ahead: nothing written, state unchanged).
    void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        const std::size_t n = in.size();
        const block_overlap ov = overlap_of(in.data(), n, out.data(), n);
        if (refuse_ahead(ov)) return;
        if (n < Taps || ov != block_overlap::none || detail::any_non_finite(in.data(), n)) {
            for (std::size_t i = 0; i < n; ++i) out[i] = (*this)(in[i]);
            return;
        }
        constexpr std::size_t H = Taps - 1;
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T> && simd_width > 1 && Taps > 1 && Taps <= 512) {
            // The first R = H rounded up to whole vectors outputs from a stack copy of the
            // history and the first inputs (the kernel's padded-tap reads included), so they
            // too run in the register-blocked passes instead of one FMA chain per vector
            // (fir64, AVX-512: the 63 head outputs cost ~10 % of a 4096-sample block).
            constexpr std::size_t W = simd_width, R = (H + W - 1) / W * W;
            constexpr std::size_t NP = detail::padded_taps<T, Taps>, need = R + NP - Taps;  // inputs read
            if (n >= need) {
                alignas(simd_align) T buf[H + need];
                detail::copy_forward(delay_.data() + pos_ + 2, H, buf);
                detail::copy_forward(in.data(), need, buf + H);
                block(buf, out.data(), R);
                block(in.data() + (R - H), out.data() + R, n - R);
                finish_block(in);
                return;
            }
        }
#endif
        // Linear history: the last Taps-1 samples, oldest first, at delay_[0..H), then the
        // first H inputs after them. Source starts at pos_+2 >= 2 > 0, so a forward copy is safe.
        detail::copy_forward(delay_.data() + pos_ + 2, H, delay_.data());
        detail::copy_forward(in.data(), H, delay_.data() + H);
        block(delay_.data(), out.data(), H);
        block(in.data(), out.data() + H, n - H);
        finish_block(in);
    }

    void reset() noexcept {
        delay_.fill(T{});
        pos_ = 0;
        guard_.reset();
    }

    /// Number of non-finite inputs replaced since construction or reset().
    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        v(delay_);
        v(pos_);
        v(guard_);
    }
    /// For nerve::restore: a ring index past the delay line is refused.
    bool state_is_valid() const noexcept { return pos_ < Taps; }

private:
    void finish_block(std::span<const T> in) noexcept {
        const std::size_t n = in.size();
        // New delay line: the last Taps inputs, newest at index Taps-1 (and 2*Taps-1).
        detail::copy_forward(in.data() + n - Taps, Taps, delay_.data());
        detail::copy_forward(in.data() + n - Taps, Taps, delay_.data() + Taps);
        pos_ = Taps - 1;
        guard_.mark_good(in[n - 1]);
    }

    void block(const T* src, T* dst, std::size_t count) noexcept {
        if constexpr (std::is_same_v<T, q31>) {
            if (exact_) return detail::fir_block_q31_exact<Taps>(hr_.data(), src, dst, count);
        }
        detail::fir_block<T, Taps>(hr_.data(), src, dst, count, symmetric_);
    }

    // Cache-line alignment only where SIMD loads benefit; on Cortex-M it would waste RAM.
    static constexpr std::size_t simd_align = NERVE_HAS_XSIMD ? 64 : alignof(T);
    static constexpr std::size_t simd_width = [] {
#if NERVE_HAS_XSIMD
        if constexpr (std::is_floating_point_v<T>) return xsimd::batch<T>::size;
#endif
        return std::size_t{1};
    }();

    // taps, reversed, zero-padded to whole SIMD vectors (configuration)
    alignas(simd_align) std::array<T, detail::padded_taps<T, Taps>> hr_{};
    alignas(simd_align) std::array<T, 2 * Taps> delay_{};  // double-length delay line
    // Per-sample SIMD path: masked taps of the last vector (configuration; empty without SIMD).
    alignas(simd_align) std::array<T, (simd_width > 1 && Taps - 1 >= simd_width) ? simd_width : 0> tail_{};
    std::uint32_t pos_ = 0;                        // index of the newest sample, [0, Taps)
    hold_last_good<T> guard_;  // bad input: hold the last good sample
    bool symmetric_ = false;
    bool exact_ = false;  // q31: exact int64 sum (detail/fir_m4.hpp), else guard bits
};

NERVE_GCC_INTRINSICS_END
}  // namespace nerve::filter
