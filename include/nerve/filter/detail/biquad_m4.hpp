// nerve/filter/detail/biquad_m4.hpp — ARMv7E-M (Cortex-M4/M7) block path of
// biquad_cascade<q31, S>::process().
//
// The q31 DF1 section of biquad.hpp sums the five exact 62-bit products in int64 (no guard
// shift: post_shift is chosen so that sum |c| <= 2^32 - 1 raw, hence |sum| < 2^63 - 2^31
// for any state), adds 2^(D-1), shifts right by D = 31 - post_shift and saturates. On the
// M4 that is SMLAL arithmetic, so a section runs (per sample, section by section over a run
// of samples, CMSIS-DSP's loop order) as
//     SMULL + 4 SMLAL (the five products), SMLAL r1, r2 (+ 2^(D-1) = r1 * r2),
//     LDR x, STR y, y = (lo >> D) | (SSAT(hi, D) << (32 - D))
// = 11 instructions, with the five coefficients, the four state words (x1 x2 y1 y2) and the
// rounding factors in registers for the whole run; the end of the run and the state live in
// memory (all 14 allocatable registers are taken). The state moves cost nothing: 8 samples
// per iteration with the roles of the x and y register pairs swapped every sample. The
// first section reads src and writes dst (one more pointer: the rounding constant is set
// by two MOVs instead, 12 instructions); the others run in place on dst. The result equals
// the portable expression unless an output saturates; SSAT sets the sticky Q flag then, and
// the whole run is redone per sample by the exact path (state put back first). Sections
// with post_shift above 2 (coefficients beyond +-4) take the per-sample path.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../config.hpp"
#include "../../core/fixed_point.hpp"

#define NERVE_IIR_ARM_Q31 NERVE_ARM_V7EM_ASM   // config.hpp

namespace nerve::filter::iir_detail {

#if NERVE_IIR_ARM_Q31
// One sample: x1 in P, x2 in Q, y1 in U, y2 in V; afterwards x[n] is in Q and y[n] in V.
#define NERVE_IIR_Q31_STEP(P, Q, U, V)                      \
    "mov %[lo], %[rc]\n\t"                                  \
    "mov %[hi], #0\n\t"                                     \
    "smlal %[lo], %[hi], %[b2], %[" #Q "]\n\t"              \
    "ldr %[" #Q "], [%[src]], #4\n\t"                       \
    "smlal %[lo], %[hi], %[b1], %[" #P "]\n\t"              \
    "smlal %[lo], %[hi], %[b0], %[" #Q "]\n\t"              \
    "smlal %[lo], %[hi], %[a2], %[" #V "]\n\t"              \
    "smlal %[lo], %[hi], %[a1], %[" #U "]\n\t"              \
    "lsr %[" #V "], %[lo], %[d]\n\t"                        \
    "ssat %[hi], %[d], %[hi]\n\t"                           \
    "orr %[" #V "], %[" #V "], %[hi], lsl %[k]\n\t"         \
    "str %[" #V "], [%[dst]], #4\n\t"

/// One q31 DF1 section over n samples (n a positive multiple of 8), src -> dst (may be the
/// same buffer). c = b0 b1 b2 na1 na2 (raw), st = x1 x2 y1 y2. K = 32 - D = post_shift + 1.
/// 99 instructions per 8 samples. Sets the Q flag if an output saturated.
template <int K, class R>
[[gnu::noinline]] void q31_section_m4(const R* c, R* st, const R* src, R* dst, std::size_t n) noexcept {
    static_assert(K >= 1 && K <= 3);
    R x1 = st[0], x2 = st[1], y1 = st[2], y2 = st[3];
    R lo, hi;
    const R* end = src + n;
    __asm__ volatile(
        "1:\n\t"
        NERVE_IIR_Q31_STEP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP(x2, x1, y2, y1)
        "ldr %[lo], %[end]\n\t"  // the end in memory: 13 registers are busy, the state pointer is live
        "cmp %[src], %[lo]\n\t"
        "bne 1b"
        : [src] "+r"(src), [dst] "+r"(dst), [x1] "+r"(x1), [x2] "+r"(x2), [y1] "+r"(y1), [y2] "+r"(y2),
          [lo] "=&r"(lo), [hi] "=&r"(hi)
        : [b0] "r"(c[0]), [b1] "r"(c[1]), [b2] "r"(c[2]), [a1] "r"(c[3]), [a2] "r"(c[4]), [end] "m"(end),
          [rc] "i"(1u << (31 - K)), [d] "i"(32 - K), [k] "i"(K)
        : "memory", "cc");
    st[0] = x1;
    st[1] = x2;
    st[2] = y1;
    st[3] = y2;
}
#undef NERVE_IIR_Q31_STEP

// In place, first product by SMULL and the rounding constant as one more product r1 * r2
// (two registers freed by keeping the end and the state in memory): 11 instructions.
#define NERVE_IIR_Q31_STEP_IP(P, Q, U, V)                   \
    "smull %[lo], %[hi], %[b2], %[" #Q "]\n\t"              \
    "ldr %[" #Q "], [%[p]]\n\t"                             \
    "smlal %[lo], %[hi], %[b1], %[" #P "]\n\t"              \
    "smlal %[lo], %[hi], %[b0], %[" #Q "]\n\t"              \
    "smlal %[lo], %[hi], %[a2], %[" #V "]\n\t"              \
    "smlal %[lo], %[hi], %[a1], %[" #U "]\n\t"              \
    "smlal %[lo], %[hi], %[r1], %[r2]\n\t"                  \
    "lsr %[" #V "], %[lo], %[d]\n\t"                        \
    "ssat %[hi], %[d], %[hi]\n\t"                           \
    "orr %[" #V "], %[" #V "], %[hi], lsl %[k]\n\t"         \
    "str %[" #V "], [%[p]], #4\n\t"

/// q31_section_m4 in place (p -> p): 91 instructions per 8 samples.
template <int K, class R>
[[gnu::noinline]] void q31_section_m4_inplace(const R* c, R* st, R* p, std::size_t n) noexcept {
    static_assert(K >= 1 && K <= 4);
    constexpr int ra = (31 - K) / 2, rb = 31 - K - ra;  // 2^ra * 2^rb = 2^(D-1)
    R s0 = st[0], s1 = st[1], s2 = st[2], s3 = st[3];
    const R* end = p + n;
    R x1, x2, y1, y2, lo, hi, r1, r2;
    __asm__ volatile(
        "ldr %[x1], %[s0]\n\t"
        "ldr %[x2], %[s1]\n\t"
        "ldr %[y1], %[s2]\n\t"
        "ldr %[y2], %[s3]\n\t"
        "mov %[r1], %[ca]\n\t"
        "mov %[r2], %[cb]\n\t"
        "1:\n\t"
        NERVE_IIR_Q31_STEP_IP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP_IP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP_IP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP_IP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP_IP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP_IP(x2, x1, y2, y1)
        NERVE_IIR_Q31_STEP_IP(x1, x2, y1, y2) NERVE_IIR_Q31_STEP_IP(x2, x1, y2, y1)
        "ldr %[lo], %[end]\n\t"
        "cmp %[p], %[lo]\n\t"
        "bne 1b\n\t"
        "str %[x1], %[s0]\n\t"
        "str %[x2], %[s1]\n\t"
        "str %[y1], %[s2]\n\t"
        "str %[y2], %[s3]"
        : [p] "+r"(p), [x1] "=&r"(x1), [x2] "=&r"(x2), [y1] "=&r"(y1), [y2] "=&r"(y2), [lo] "=&r"(lo),
          [hi] "=&r"(hi), [r1] "=&r"(r1), [r2] "=&r"(r2), [s0] "+m"(s0), [s1] "+m"(s1), [s2] "+m"(s2),
          [s3] "+m"(s3)
        : [b0] "r"(c[0]), [b1] "r"(c[1]), [b2] "r"(c[2]), [a1] "r"(c[3]), [a2] "r"(c[4]), [end] "m"(end),
          [ca] "i"(1u << ra), [cb] "i"(1u << rb), [d] "i"(32 - K), [k] "i"(K)
        : "memory", "cc");
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
}
#undef NERVE_IIR_Q31_STEP_IP

/// biquad_cascade<q31, S>::process() on ARMv7E-M: runs of 8k samples, section by section
/// (c: S coefficient sets of 5 raw words; st: 4S state words; shift: post_shift per section).
/// `redo(x)` is the exact per-sample step: a run in which an output saturated is put back
/// and redone with it. In place, runs of 64 samples are copied to the stack first so that a
/// redo still has its input. Returns the number of samples done (the caller does the rest).
template <std::size_t S, class R, class Coeffs, class Redo>
std::size_t process_q31_m4(const Coeffs* c, R* st, const std::int8_t* shift, const q31* src, q31* dst,
                           std::size_t n, Redo&& redo) noexcept {
    static_assert(sizeof(Coeffs) == 5 * sizeof(R) && sizeof(q31) == sizeof(R));
    for (std::size_t k = 0; k < S; ++k)
        if (shift[k] < 0 || shift[k] > 2) return 0;
    constexpr std::size_t chunk = 64;
    R saved_raw[chunk];  // raw words: a q31 array would be zeroed first (memset)
    const bool in_place = src == dst;
    std::size_t i = 0;
    while (n - i >= 8) {
        std::size_t m = (n - i) / 8 * 8;
        if (in_place && m > chunk) m = chunk;
        const q31* in = src + i;
        if (in_place) {
            std::memcpy(saved_raw, in, m * sizeof(q31));
            in = reinterpret_cast<const q31*>(saved_raw);
        }
        std::array<R, 4 * S> saved;
        std::memcpy(saved.data(), st, sizeof saved);
        __asm__ volatile("msr APSR_nzcvq, %0" : : "r"(0) : "cc", "memory");
        const R* from = reinterpret_cast<const R*>(src + i);
        R* out = reinterpret_cast<R*>(dst + i);
        for (std::size_t k = 0; k < S; ++k) {
            const R* ck = reinterpret_cast<const R*>(c + k);
            if (k == 0 && from != out) {  // the first section reads src and writes dst
                switch (shift[k]) {
                    case 0: q31_section_m4<1>(ck, st, from, out, m); break;
                    case 1: q31_section_m4<2>(ck, st, from, out, m); break;
                    default: q31_section_m4<3>(ck, st, from, out, m); break;
                }
                continue;
            }
            switch (shift[k]) {
                case 0: q31_section_m4_inplace<1>(ck, st + 4 * k, out, m); break;
                case 1: q31_section_m4_inplace<2>(ck, st + 4 * k, out, m); break;
                default: q31_section_m4_inplace<3>(ck, st + 4 * k, out, m); break;
            }
        }
        std::uint32_t apsr;
        __asm__ volatile("mrs %0, APSR" : "=r"(apsr) : : "memory");
        if (NERVE_UNLIKELY((apsr >> 27) & 1u)) {
            std::memcpy(st, saved.data(), sizeof saved);
            for (std::size_t j = 0; j < m; ++j) dst[i + j] = redo(in[j]);
        }
        i += m;
    }
    return i;
}
#endif

}  // namespace nerve::filter::iir_detail
