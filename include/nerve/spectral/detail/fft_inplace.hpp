// nerve/spectral/detail/fft_inplace.hpp — an in-place radix-2 complex FFT with no scratch.
//
// The Stockham kernels of fft_scalar.hpp / fft_simd.hpp are faster but ping-pong through a second
// buffer as large as the data (fft.hpp: sizeof(fft) is that scratch). This one works in the
// data's own storage, for operators whose RAM budget is the data itself (spectral::compact_welch):
//   inplace_forward<T, N>(z)  Z = DFT(z), in bit-reversed order (decimation in frequency: natural
//                             order in, so no reordering pass);
//   inplace_inverse<T, N>(z)  the exact reverse (decimation in time, conjugate twiddles):
//                             bit-reversed order in, N z back in natural order (unscaled).
// A caller that reads the spectrum in between finds Z[j] at bit_reverse(j). N is the complex size
// (a power of two >= 2); the twiddles are real_fft<T, 2 N>'s table (W_2N^k for k <= N/2, flash on an
// MCU), so a real transform of 2 N points needs no other table. Scalar: the Cortex-M path.
#pragma once

#include <array>
#include <bit>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../../config.hpp"
#include "fft_scalar.hpp"
#include "fft_simd.hpp"

namespace nerve::spectral::detail {

/// True where bit_reverse is one instruction (Thumb-2's rbit: Cortex-M3 and up), so a caller
/// walking bit-reversed indices may reverse each one instead of counting in reverse.
#if defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
inline constexpr bool fast_bit_reverse = true;
#else
inline constexpr bool fast_bit_reverse = false;
#endif

/// j's bits reversed in a field of log2(N) bits.
template <std::size_t N>
constexpr std::size_t bit_reverse(std::size_t j) noexcept {
#if defined(__thumb2__) && (defined(__GNUC__) || defined(__clang__))
    if (!std::is_constant_evaluated() && N > 1 && N <= (std::size_t{1} << 31)) {
        std::uint32_t r;
        asm("rbit %0, %1" : "=r"(r) : "r"(static_cast<std::uint32_t>(j)));
        return static_cast<std::size_t>(r >> (32 - std::countr_zero(N)));
    }
#endif
    std::size_t r = 0;
    for (std::size_t bit = 1; bit < N; bit <<= 1) {
        r = (r << 1) | (j & 1);
        j >>= 1;
    }
    return r;
}

/// r = bit_reverse<N>(j) -> bit_reverse<N>(j + 1) (j + 1 < N): a carry propagated from the top bit down.
template <std::size_t N>
NERVE_ALWAYS_INLINE constexpr std::size_t bit_reversed_increment(std::size_t r) noexcept {
    std::size_t bit = N >> 1;
    while (r & bit) {
        r ^= bit;
        bit >>= 1;
    }
    return r | bit;
}

/// r = bit_reverse<N>(j) -> bit_reverse<N>(j - 1) (j >= 1): a borrow propagated from the top bit down.
template <std::size_t N>
NERVE_ALWAYS_INLINE constexpr std::size_t bit_reversed_decrement(std::size_t r) noexcept {
    std::size_t bit = N >> 1;
    while (!(r & bit)) {
        r |= bit;
        bit >>= 1;
    }
    return r ^ bit;
}

/// The span-1 stage (every twiddle 1): its own inverse, but for a factor 2.
template <class T, std::size_t N>
void inplace_span1(T* z) noexcept {
    for (std::size_t p = 0; p < N; p += 2) {
        T* a = z + 2 * p;
        const T ar = a[0], ai = a[1], br = a[2], bi = a[3];
        a[0] = ar + br;
        a[1] = ai + bi;
        a[2] = ar - br;
        a[3] = ai - bi;
    }
}

/// The three twiddles of a fused pass's butterfly j: t = W^(j N / 2h) (span h), u = t^2 (span h/2), v = t u.
template <class T>
struct pass_twiddles {
    T tr, ti, ur, ui, vr, vi;
};
/// W_N^(j N / 2h) = W_2N^(j N / h): real_fft<T, 2 N>'s table (half_circle_twiddle), no table of its own.
template <class T, std::size_t N>
NERVE_ALWAYS_INLINE pass_twiddles<T> pass_twiddles_of(std::size_t j, std::size_t h) noexcept {
    pass_twiddles<T> p;
    half_circle_twiddle<T, 2 * N>(j * (N / h), p.tr, p.ti);
    half_circle_twiddle<T, 2 * N>(j * (2 * N / h), p.ur, p.ui);
    p.vr = p.tr * p.ur - p.ti * p.ui;
    p.vi = p.tr * p.ui + p.ti * p.ur;
    return p;
}

/// Calls butterfly(x0, x1, x2, x3, twiddles) on every four points p, p + h/2, p + h, p + 3h/2 that
/// a fused pass of spans h and h/2 (h >= 2) combines, the butterflies of one twiddle triple in a row.
template <class T, std::size_t N, class Butterfly>
NERVE_ALWAYS_INLINE void for_each_fused_unit(T* z, std::size_t h, Butterfly&& butterfly) noexcept {
    const std::size_t q = h / 2;
    for (std::size_t j = 0; j < q; ++j) {
        const pass_twiddles<T> w = pass_twiddles_of<T, N>(j, h);
        for (std::size_t p = j; p < N; p += 2 * h) {
            T* x0 = z + 2 * p;
            butterfly(x0, x0 + 2 * q, x0 + 2 * h, x0 + 2 * (q + h), w);
        }
    }
}

/// The butterfly of the radix-2 stages of spans h and h/2 fused (radix 2^2) on four points (real
/// part at x[0], imaginary at x[1]): loaded and stored once for two stages; the span-h twiddle of
/// the odd pair is -i times the even pair's. T is a float or a SIMD batch of them.
template <class T>
NERVE_ALWAYS_INLINE void fused_forward_butterfly(T* x0, T* x1, T* x2, T* x3, const pass_twiddles<T>& w) noexcept {
    const T sr = x0[0] + x2[0], si = x0[1] + x2[1];  // span h, even pair: sum
    const T ar = x0[0] - x2[0], ai = x0[1] - x2[1];  //                   difference
    const T gr = x1[0] + x3[0], gi = x1[1] + x3[1];  // odd pair
    const T br = x1[0] - x3[0], bi = x1[1] - x3[1];
    const T er = sr - gr, ei = si - gi;
    x0[0] = sr + gr;
    x0[1] = si + gi;
    x1[0] = er * w.ur - ei * w.ui;  // u (S - G)
    x1[1] = er * w.ui + ei * w.ur;
    const T cr = ar + bi, ci = ai - br;  // a - i b
    const T dr = ar - bi, di = ai + br;  // a + i b
    x2[0] = cr * w.tr - ci * w.ti;  // t (a - i b)
    x2[1] = cr * w.ti + ci * w.tr;
    x3[0] = dr * w.vr - di * w.vi;  // t u (a + i b)
    x3[1] = dr * w.vi + di * w.vr;
}

/// The reverse of fused_forward_butterfly, times 4.
template <class T>
NERVE_ALWAYS_INLINE void fused_inverse_butterfly(T* x0, T* x1, T* x2, T* x3, const pass_twiddles<T>& w) noexcept {
    const T yr = x1[0] * w.ur + x1[1] * w.ui, yi = x1[1] * w.ur - x1[0] * w.ui;  // conj(u) z1 = S - G
    const T Ar = x0[0] + yr, Ai = x0[1] + yi;                                   // 2 S
    const T Br = x0[0] - yr, Bi = x0[1] - yi;                                   // 2 G
    const T cr = x2[0] * w.tr + x2[1] * w.ti, ci = x2[1] * w.tr - x2[0] * w.ti;  // conj(t) z2 = a - i b
    const T dr = x3[0] * w.vr + x3[1] * w.vi, di = x3[1] * w.vr - x3[0] * w.vi;  // conj(t u) z3 = a + i b
    const T Cr = cr + dr, Ci = ci + di;                                         // 2 a
    const T Dr = di - ci, Di = cr - dr;                                         // -i (d - c) = 2 b
    x0[0] = Ar + Cr;
    x0[1] = Ai + Ci;
    x2[0] = Ar - Cr;
    x2[1] = Ai - Ci;
    x1[0] = Br + Dr;
    x1[1] = Bi + Di;
    x3[0] = Br - Dr;
    x3[1] = Bi - Di;
}

/// The radix-2 stages of spans h and h/2 (h >= 2) fused, in place.
template <class T, std::size_t N>
void inplace_forward_pass(T* z, std::size_t h) noexcept {
    for_each_fused_unit<T, N>(z, h, [](T* x0, T* x1, T* x2, T* x3, const pass_twiddles<T>& w) NERVE_INLINE_LAMBDA {
        fused_forward_butterfly(x0, x1, x2, x3, w);
    });
}

/// The reverse of inplace_forward_pass(z, h), times 4.
template <class T, std::size_t N>
void inplace_inverse_pass(T* z, std::size_t h) noexcept {
    for_each_fused_unit<T, N>(z, h, [](T* x0, T* x1, T* x2, T* x3, const pass_twiddles<T>& w) NERVE_INLINE_LAMBDA {
        fused_inverse_butterfly(x0, x1, x2, x3, w);
    });
}

#if NERVE_FFT_SIMD
/// W_L^j for j < Count, real parts then imaginary parts: SIMD loads of consecutive j.
template <std::size_t L, std::size_t Count>
struct split_twiddles {
    static constexpr std::array<float, 2 * Count> w = [] {
        const auto t = make_twiddles<float, L, Count>();
        std::array<float, 2 * Count> s{};
        for (std::size_t j = 0; j < Count; ++j) {
            s[j] = t[2 * j];
            s[Count + j] = t[2 * j + 1];
        }
        return s;
    }();
};

/// The first fused pass (h = N/2: points j, j + N/4, j + N/2, j + 3N/4 with twiddles W_N^j,
/// W_N^2j, W_N^3j), forward or inverse, simd_w values of j at once: the pass compact_welch's
/// blocked transform runs in place before its quarter-size SIMD FFTs.
template <std::size_t N, bool Inverse>
void inplace_first_pass_simd(float* z) noexcept {
    using V = simd_v;
    constexpr std::size_t L = simd_w, q = N / 4;
    static_assert(q % L == 0, "the SIMD first pass needs N / 4 to be a multiple of the SIMD width");
    const float* tr = split_twiddles<N, q>::w.data();
    const float* ti = tr + q;
    for (std::size_t j = 0; j < q; j += L) {
        pass_twiddles<V> w;
        w.tr = V::load_unaligned(tr + j);
        w.ti = V::load_unaligned(ti + j);
        w.ur = w.tr * w.tr - w.ti * w.ti;  // t^2
        w.ui = (w.tr + w.tr) * w.ti;
        w.vr = w.tr * w.ur - w.ti * w.ui;  // t u
        w.vi = w.tr * w.ui + w.ti * w.ur;
        float* p[4] = {z + 2 * j, z + 2 * (j + q), z + 2 * (j + 2 * q), z + 2 * (j + 3 * q)};
        V x[4][2];
        for (std::size_t i = 0; i < 4; ++i) simd_ops::deinterleave_natural(p[i], x[i][0], x[i][1]);
        if constexpr (Inverse) fused_inverse_butterfly(x[0], x[1], x[2], x[3], w);
        else fused_forward_butterfly(x[0], x[1], x[2], x[3], w);
        for (std::size_t i = 0; i < 4; ++i) simd_ops::interleave_natural(p[i], x[i][0], x[i][1]);
    }
}
#endif

/// Z = DFT_N(z) in place, Z[j] left at z[bit_reverse<N>(j)]: fused stage pairs of spans N/2, N/8,
/// ..., and the twiddle-free span 1 when the stage count is odd.
template <class T, std::size_t N>
void inplace_forward(std::complex<T>* data) noexcept {
    static_assert(N >= 2 && (N & (N - 1)) == 0, "the in-place FFT needs a power-of-two size");
    T* z = reinterpret_cast<T*>(data);
    std::size_t h = N / 2;
    for (; h >= 2; h /= 4) inplace_forward_pass<T, N>(z, h);
    if (h == 1) inplace_span1<T, N>(z);
}

/// The reverse of inplace_forward: Z in bit-reversed order in, N times the inverse DFT out in
/// natural order (the caller folds the 1/N into its own pass).
template <class T, std::size_t N>
void inplace_inverse(std::complex<T>* data) noexcept {
    static_assert(N >= 2 && (N & (N - 1)) == 0, "the in-place FFT needs a power-of-two size");
    T* z = reinterpret_cast<T*>(data);
    std::size_t h = N / 2;
    while (h >= 8) h /= 4;  // the smallest fused span (2 or 4), or 1 when N = 2
    if (h != 2) inplace_span1<T, N>(z);  // the forward pass ended with span 1
    if (h == 1) return;
    for (; h <= N / 2; h *= 4) inplace_inverse_pass<T, N>(z, h);
}

}  // namespace nerve::spectral::detail
