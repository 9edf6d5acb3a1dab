// nerve/spectral/real_fft.hpp — FFT of a real sequence of compile-time size N.
//
//   nerve::spectral::real_fft<float, 1024> f;
//   f.forward(x, X);     // X[0..N/2] = numpy.fft.rfft(x)
//   f.inverse(X, x);     // x = numpy.fft.irfft(X, N)  (scaled by 1/N)
//
// Computed as one complex FFT of size N/2 on z[n] = x[2n] + i x[2n+1] (the real input
// reinterpreted in place, no copy) followed by the split pass
//   X[k] = (Z[k] + Z*[N/2-k]) / 2 - i/2 W_N^k (Z[k] - Z*[N/2-k]),
// and the inverse runs the same steps backwards. As numpy.fft.irfft does, the inverse
// ignores the imaginary parts of X[0] and X[N/2].
//
// T is float or double, N a power of two >= 4, or any even N with N/2 = 2^a 3^b 5^c (mixed
// radix, scalar kernel). Tables are static constexpr for exactly this N; sizeof(real_fft)
// is its RAM: 4*N bytes for float (8*N for double) with the scalar kernel (Cortex-M),
// 8*(N+32) bytes with the SIMD
// one (float, N >= 2*W*W). No allocation, no throw. The tables are computed at compile time:
// clang's default constexpr step limit (2^20) holds the SIMD float tables up to N = 32768; N = 65536
// needs -fconstexpr-steps=8000000 there (checked with clang 14; g++ 12 builds it as it is).
// `in` and `out` must not overlap, except in place: `out` starting at `in` (one buffer of N + 2
// values; both kernels read all of `in` before they write `out`: spectral::periodogram relies on it
// and its test checks it against rfft). NaN/Inf inputs propagate
// into that call's outputs only.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <span>

#include "../core/simd_fma.hpp"
#include "fft.hpp"

namespace nerve::spectral {

namespace detail {
/// W_N^k / 2 for k < N/4, split (re | im), for the SIMD split pass.
template <std::size_t N>
struct real_twiddles_half_split {
    static constexpr std::size_t Q = N / 4;
    static constexpr std::array<float, 2 * Q> make() {
        std::array<float, 2 * Q> t{};
        const circle<N> c{};
        for (std::size_t k = 0; k < Q; ++k) {
            const cos_sin cs = c(static_cast<std::int64_t>(k));
            t[k] = static_cast<float>(0.5 * cs.c);
            t[Q + k] = static_cast<float>(-0.5 * cs.s);
        }
        return t;
    }
    alignas(64) static constexpr std::array<float, 2 * Q> w = make();
};

#if NERVE_FFT_SIMD
/// W_N^k / 2 for k < N/4, split, each SIMD block in out_perm lane order (the forward split
/// pass reads the complex FFT's output in that order).
template <std::size_t N>
struct real_twiddles_half_split_perm {
    static constexpr std::size_t Q = N / 4;
    static constexpr std::array<float, 2 * Q> make() {
        std::array<float, 2 * Q> t{};
        const circle<N> c{};
        constexpr std::size_t W = simd_w;
        for (std::size_t k = 0; k < Q; ++k) {
            const std::size_t kk = (k / W) * W + simd_ops::out_perm[k % W];
            const cos_sin cs = c(static_cast<std::int64_t>(kk));
            t[k] = static_cast<float>(0.5 * cs.c);
            t[Q + k] = static_cast<float>(-0.5 * cs.s);
        }
        return t;
    }
    alignas(64) static constexpr std::array<float, 2 * Q> w = make();
};
#endif

/// True when real_fft<T, N> uses the SIMD kernel on this target.
template <class T, std::size_t N>
inline constexpr bool real_fft_uses_simd = N >= 4 && N % 2 == 0 && fft_uses_simd<T, N / 2>;

/// The implementation behind real_fft<T, N>; Simd = false forces the scalar kernel.
template <class T, std::size_t N, bool Simd>
class real_fft_impl {
    static_assert(N % 2 == 0 && is_smooth235(N / 2), "nerve::spectral::real_fft<T, N>: N must be even, N/2 = 2^a 3^b 5^c >= 2");
    static_assert(!Simd || real_fft_uses_simd<T, N>, "SIMD kernel not available for this T, N, target");
    static constexpr std::size_t M = N / 2;

public:
    using value_type = T;
    static constexpr std::size_t size = N;
    static constexpr std::size_t bins = N / 2 + 1;

    constexpr real_fft_impl() noexcept = default;

    /// out[k] = sum_n in[n] exp(-2 pi i n k / N), k = 0..N/2  (numpy.fft.rfft).
    void forward(std::span<const T, N> in, std::span<std::complex<T>, N / 2 + 1> out) noexcept {
#if NERVE_FFT_SIMD
        if constexpr (Simd) {
            forward_simd(in.data(), reinterpret_cast<float*>(out.data()));
        } else
#endif
        {
            forward_scalar(in, out);
        }
    }

    /// out[n] = irfft(in)[n]: the real sequence whose rfft is `in`, scaled by 1/N.
    void inverse(std::span<const std::complex<T>, N / 2 + 1> in, std::span<T, N> out) noexcept {
#if NERVE_FFT_SIMD
        if constexpr (Simd) {
            inverse_simd(reinterpret_cast<const float*>(in.data()), out.data());
        } else
#endif
        {
            inverse_scalar(in, out);
        }
    }

private:
    template <bool S_ = Simd>
    void forward_scalar(std::span<const T, N> in, std::span<std::complex<T>, N / 2 + 1> out) noexcept
        requires(!S_)
    {
        std::complex<T>* Z = out.data();
        st_.cfft.template run<false>(reinterpret_cast<const std::complex<T>*>(in.data()), Z);
        T* z = reinterpret_cast<T*>(Z);
        const T* w = real_twiddles<T, N>::w.data();
        // k = 0 and N/2 from Z[0]; k and M-k in pairs, in place.
        const T z0r = z[0], z0i = z[1];
        z[0] = z0r + z0i;
        z[1] = T(0);
        z[2 * M] = z0r - z0i;
        z[2 * M + 1] = T(0);
        for (std::size_t k = 1; k <= M / 2; ++k) {
            const std::size_t j = M - k;
            const T ar = z[2 * k], ai = z[2 * k + 1];
            const T br = z[2 * j], bi = -z[2 * j + 1];  // conj(Z[M-k])
            const T er = T(0.5) * (ar + br), ei = T(0.5) * (ai + bi);
            const T dr = T(0.5) * (ar - br), di = T(0.5) * (ai - bi);
            // o = -i * W^k * d
            const T wr = w[2 * k], wi = w[2 * k + 1];
            const T vr = dr * wr - di * wi, vi = dr * wi + di * wr;
            const T or_ = vi, oi = -vr;
            z[2 * k] = er + or_;
            z[2 * k + 1] = ei + oi;
            // X[M-k] = conj(E[k] - o)
            z[2 * j] = er - or_;
            z[2 * j + 1] = -(ei - oi);
        }
    }

    template <bool S_ = Simd>
    void inverse_scalar(std::span<const std::complex<T>, N / 2 + 1> in, std::span<T, N> out) noexcept
        requires(!S_)
    {
        const T* x = reinterpret_cast<const T*>(in.data());
        // Build 2 Z[k] = 2 (E[k] + i O[k]) into `out` (the 2 is folded into the final scale).
        T* z = out.data();
        const T* w = real_twiddles<T, N>::w.data();
        const T x0 = x[0], xm = x[2 * M];
        z[0] = x0 + xm;
        z[1] = x0 - xm;
        for (std::size_t k = 1; k <= M / 2; ++k) {
            const std::size_t j = M - k;
            const T ar = x[2 * k], ai = x[2 * k + 1];
            const T br = x[2 * j], bi = -x[2 * j + 1];  // conj(X[M-k])
            const T er = ar + br, ei = ai + bi;          // 2 E[k]
            const T dr = ar - br, di = ai - bi;          // 2 W^k O[k]
            const T wr = w[2 * k], wi = -w[2 * k + 1];   // W^-k
            const T orr = dr * wr - di * wi, oi = dr * wi + di * wr;  // 2 O[k]
            // Z[k] = E + i O;  Z[M-k] = conj(E) + i conj(O)
            z[2 * k] = er - oi;
            z[2 * k + 1] = ei + orr;
            z[2 * j] = er + oi;
            z[2 * j + 1] = -ei + orr;
        }
        std::complex<T>* Z = reinterpret_cast<std::complex<T>*>(z);
        st_.cfft.template run<true>(Z, Z);
        const T scale = T(1) / static_cast<T>(N);
        for (std::size_t i = 0; i < N; ++i) z[i] *= scale;
    }

#if NERVE_FFT_SIMD
    static constexpr std::size_t cap = M + 16;
    template <bool S_ = Simd>
    split_ptr buf_a() noexcept
        requires S_
    {
        return {st_.buf.data(), st_.buf.data() + cap};
    }
    template <bool S_ = Simd>
    split_ptr buf_b() noexcept
        requires S_
    {
        return {st_.buf.data() + 2 * cap, st_.buf.data() + 3 * cap};
    }

    template <bool S_ = Simd>
    void forward_simd(const float* in, float* out) noexcept
        requires S_
    {
        constexpr std::size_t W = simd_w, L = M;
        const split_ptr z = simd_fft<L, false, src_kind::interleaved, simd_out::split, false>(in, {}, buf_a(), buf_b(),
                                                                                              nullptr, 1.0f);
        // z holds Z in out_perm lane order per W-block (element W b + j = Z[W b + out_perm[j]]);
        // out_perm[0] = 0, so Z[0] and Z[L/2] sit at their natural places, and Z[L] := Z[0].
        z.re[L] = z.re[0];
        z.im[L] = z.im[0];
        const float* tr = real_twiddles_half_split_perm<N>::w.data();
        const float* ti = tr + L / 2;
        const simd_v h(0.5f);
        for (std::size_t k0 = 0; k0 < L / 2; k0 += W) {
            // Lane j: k = k0 + out_perm[j].
            const simd_v ar = simd_v::load_aligned(z.re + k0), ai = simd_v::load_aligned(z.im + k0);
            const std::size_t mk = L - k0 - W + 1;
            // Lane j: conj(Z[L - k]).
            const simd_v br = simd_ops::mirror(simd_v::load_unaligned(z.re + mk));
            const simd_v bi = -simd_ops::mirror(simd_v::load_unaligned(z.im + mk));
            const simd_v er = h * (ar + br), ei = h * (ai + bi);
            const simd_v dr = ar - br, di = ai - bi;
            const simd_v wr = simd_v::load_aligned(tr + k0), wi = simd_v::load_aligned(ti + k0);
            const simd_v vr = xsimd::fms(dr, wr, di * wi), vi = nerve::detail::fmadd(dr, wi, di * wr);
            // interleave() stores lane j at position out_perm[j]: bins k0.. in natural order;
            // the mirrored bins L - k need a plain lane reversal for the same store.
            simd_ops::interleave(out + 2 * k0, er + vi, ei - vr);
            simd_ops::interleave(out + 2 * mk, simd_ops::reverse(er - vi), simd_ops::reverse(-(ei + vr)));
        }
        // k = L/2: X = conj(Z[L/2]).
        out[L] = z.re[L / 2];
        out[L + 1] = -z.im[L / 2];
    }

    template <bool S_ = Simd>
    void inverse_simd(const float* x, float* out) noexcept
        requires S_
    {
        constexpr std::size_t W = simd_w, L = M;
        const split_ptr zb = buf_b();
        const float* tr = real_twiddles_half_split<N>::w.data();
        const float* ti = tr + L / 2;
        const simd_v h(0.5f);
        for (std::size_t k0 = 0; k0 < L / 2; k0 += W) {
            simd_v ar, ai, mr, mi;
            simd_ops::deinterleave_natural(x + 2 * k0, ar, ai);
            const std::size_t mk = L - k0 - W + 1;
            simd_ops::deinterleave_natural(x + 2 * mk, mr, mi);
            const simd_v br = simd_ops::reverse(mr), bi = -simd_ops::reverse(mi);
            const simd_v er = h * (ar + br), ei = h * (ai + bi);  // E
            const simd_v dr = ar - br, di = ai - bi;              // 2 W^k O
            const simd_v wr = simd_v::load_aligned(tr + k0), wi = simd_v::load_aligned(ti + k0);
            // O = d * conj(W^k / 2)
            const simd_v orr = nerve::detail::fmadd(dr, wr, di * wi), oi = xsimd::fms(di, wr, dr * wi);
            (er - oi).store_aligned(zb.re + k0);
            (ei + orr).store_aligned(zb.im + k0);
            simd_ops::reverse(er + oi).store_unaligned(zb.re + mk);
            simd_ops::reverse(orr - ei).store_unaligned(zb.im + mk);
        }
        // k = 0 uses only the real parts of X[0] and X[N/2] (numpy.fft.irfft does the same).
        zb.re[0] = 0.5f * (x[0] + x[2 * L]);
        zb.im[0] = 0.5f * (x[0] - x[2 * L]);
        // k = L/2: Z = conj(X[L/2]).
        zb.re[L / 2] = x[L];
        zb.im[L / 2] = -x[L + 1];
        simd_fft<L, true, src_kind::split_natural, simd_out::interleaved, true>(
            nullptr, csplit_ptr{zb.re, zb.im}, buf_a(), zb, out, 1.0f / static_cast<float>(L));
    }
#endif

    struct scalar_storage {
        fft_impl<T, M, false> cfft{};
    };
    struct simd_storage {
        alignas(64) std::array<float, 4 * (M + 16)> buf{};
    };
    std::conditional_t<Simd, simd_storage, scalar_storage> st_{};
};

}  // namespace detail

template <class T, std::size_t N>
class real_fft : public detail::real_fft_impl<T, N, detail::real_fft_uses_simd<T, N>> {
public:
    constexpr real_fft() noexcept = default;
};

}  // namespace nerve::spectral
