// nerve/core/simd_fma.hpp — a fused multiply-add on xsimd batches that is fused on every target
// with an FMA unit, whichever compiler builds it.
//
// xsimd 8.1 (Debian 12's) has no fma kernel for AVX-512: xsimd::fma on a 512-bit batch is its
// generic a * b + c, two instructions and two roundings. GCC contracts that into one vfmadd
// (its default -ffp-contract=fast works after inlining), clang does not (its contraction stays
// within one source expression), so a clang AVX-512 build ran every FIR, FFT and spectral
// kernel with twice the arithmetic instructions and other roundings than the same code built
// by GCC. fmadd calls the AVX-512 intrinsic there and xsimd::fma everywhere else (FMA3 and
// NEON have their kernels; SSE2 has no FMA instruction, so a * b + c it stays).
#pragma once

#include "../config.hpp"

#if NERVE_HAS_XSIMD
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace nerve::detail {

/// a * b + c in one rounding where the target has an FMA unit (see the file comment).
template <class T, class A>
NERVE_ALWAYS_INLINE xsimd::batch<T, A> fmadd(const xsimd::batch<T, A>& a, const xsimd::batch<T, A>& b,
                                             const xsimd::batch<T, A>& c) noexcept {
#if defined(__AVX512F__)
    if constexpr (sizeof(xsimd::batch<T, A>) == 64 && std::is_same_v<T, float>) {
        return xsimd::batch<T, A>(_mm512_fmadd_ps(a, b, c));
    } else if constexpr (sizeof(xsimd::batch<T, A>) == 64 && std::is_same_v<T, double>) {
        return xsimd::batch<T, A>(_mm512_fmadd_pd(a, b, c));
    } else {
        return xsimd::fma(a, b, c);
    }
#else
    return xsimd::fma(a, b, c);
#endif
}

}  // namespace nerve::detail
#endif
