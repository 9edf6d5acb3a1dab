// nerve/filter/detail/fir_symmetric.hpp — symmetric-tap (linear-phase) fold for the SIMD FIR
// block path, kept apart from fir.hpp so that it can be measured against the unfolded
// register-blocked kernel (bench/bench_resample.cpp, `fir_fold/...`).
//
// For h[k] == h[N-1-k] the block output out[i] = sum_j hr[j] src[i+j] folds to
//   out[i] = sum_{j < N/2} hr[j] (src[i+j] + src[i+N-1-j])  (+ hr[N/2] src[i+N/2] for odd N).
// Across W consecutive outputs (the vertical form of fir.hpp's block kernel: a broadcast tap
// times a vector of consecutive inputs) both samples of a pair are forward, unaligned vector
// loads — src[i+j ..] and src[i+N-1-j ..] — so the fold needs no lane reversal there (a
// reversal is needed only in the horizontal, per-output dot product). Per tap pair and output
// vector it issues one add and one FMA instead of two FMAs, and two loads. On x86 adds and
// FMAs share the same two ports, so the fold cannot beat the unfolded kernel's FMA count; it
// also cannot reuse loads the way the register-blocked kernel does (the mirrored partner of a
// shared load differs for every output vector). Measured on a loaded AVX-512 Xeon (one run,
// 64 taps): 0.48x the unfolded kernel, so fir.hpp's hook uses it only when built with
// -DNERVE_FIR_SIMD_FOLD=1 (for targets where a multiply costs more than an add).
//
// Float results differ from the unfolded kernel by rounding only (x1 + x2 is rounded before
// the multiply): within a few ulp of sum |h[k] x[n-k]|, the same bound tests/filter/test_fir.cpp
// states for scalar against SIMD.
#pragma once

#include <cstddef>
#include <type_traits>

#include "../../config.hpp"
#include "../../core/simd_fma.hpp"
#include "fir_common.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

// 1: fir.hpp's SIMD block path folds symmetric taps (slower on the x86 machines measured).
#ifndef NERVE_FIR_SIMD_FOLD
#define NERVE_FIR_SIMD_FOLD 0
#endif

namespace nerve::filter::detail {

#if NERVE_HAS_XSIMD
/// Folded block kernel for symmetric reversed taps hr[0..N): out[i] for i in [0, count) in
/// steps of U vectors; returns the number of outputs done (the caller finishes the rest).
/// Reads src[0 .. count + N - 1).
template <class T, std::size_t N>
inline std::size_t fir_block_symmetric(const T* NERVE_RESTRICT hr, const T* NERVE_RESTRICT src,
                                       T* NERVE_RESTRICT out, std::size_t count) noexcept {
    static_assert(std::is_floating_point_v<T>);
    using batch = xsimd::batch<T>;
    constexpr std::size_t W = batch::size;
#if defined(__AVX512F__) || defined(__aarch64__)
    constexpr std::size_t U = 12;  // 32 vector registers: 12 sums, 1 tap, 2 loads
#else
    constexpr std::size_t U = 6;  // 16 registers
#endif
    std::size_t i = 0;
    for (; i + U * W <= count; i += U * W) {
        batch acc[U];
        for (auto& a : acc) a = batch(T(0));
        const T* s = src + i;
        for (std::size_t j = 0; j < N / 2; ++j) {
            const batch h(hr[j]);
            for (std::size_t u = 0; u < U; ++u)
                acc[u] = nerve::detail::fmadd(h, batch::load_unaligned(s + u * W + j) + batch::load_unaligned(s + u * W + N - 1 - j),
                                    acc[u]);
        }
        if constexpr (N % 2 == 1) {
            const batch h(hr[N / 2]);
            for (std::size_t u = 0; u < U; ++u) acc[u] = nerve::detail::fmadd(h, batch::load_unaligned(s + u * W + N / 2), acc[u]);
        }
        for (std::size_t u = 0; u < U; ++u) acc[u].store_unaligned(out + i + u * W);
    }
    return i;
}
#endif

}  // namespace nerve::filter::detail
