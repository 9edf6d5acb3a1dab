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
// T is float or double, N a power of two >= 4. Tables are static constexpr for exactly this
// N; sizeof(real_fft) (two buffers of N/2 complex) is its RAM. No allocation, no throw.
// `in` and `out` must not overlap. NaN/Inf inputs propagate into that call's outputs only.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <span>

#include "fft.hpp"

namespace nerve::spectral {

namespace detail {
/// W_N^k for k <= N/4 (the split-pass twiddles), interleaved.
template <class T, std::size_t N>
struct real_twiddles {
    static constexpr std::array<T, 2 * (N / 4 + 1)> w = make_twiddles<T, N, N / 4 + 1>();
};
}  // namespace detail

template <class T, std::size_t N>
class real_fft {
    static_assert(detail::is_pow2(N) && N >= 4, "nerve::spectral::real_fft<T, N>: N must be a power of two >= 4");
    static constexpr std::size_t M = N / 2;

public:
    using value_type = T;
    static constexpr std::size_t size = N;
    static constexpr std::size_t bins = N / 2 + 1;

    constexpr real_fft() noexcept = default;

    /// out[k] = sum_n in[n] exp(-2 pi i n k / N), k = 0..N/2  (numpy.fft.rfft).
    void forward(std::span<const T, N> in, std::span<std::complex<T>, N / 2 + 1> out) noexcept {
        std::complex<T>* Z = out.data();
        cfft_.template run<false>(reinterpret_cast<const std::complex<T>*>(in.data()), Z);
        T* z = reinterpret_cast<T*>(Z);
        const T* w = detail::real_twiddles<T, N>::w.data();
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
            // X[M-k] = conj(E[k]) - conj(-i W^k D)... computed from the same E, O:
            // X[M-k] = conj(E[k] - o)
            z[2 * j] = er - or_;
            z[2 * j + 1] = -(ei - oi);
        }
    }

    /// out[n] = irfft(in)[n]: the real sequence whose rfft is `in`, scaled by 1/N.
    void inverse(std::span<const std::complex<T>, N / 2 + 1> in, std::span<T, N> out) noexcept {
        const T* x = reinterpret_cast<const T*>(in.data());
        // Build Z[k] = E[k] + i O[k] (times 2, folded into the final scale) into `out`.
        T* z = out.data();
        const T* w = detail::real_twiddles<T, N>::w.data();
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
        cfft_.template run<true>(Z, Z);
        const T scale = T(1) / static_cast<T>(N);
        for (std::size_t i = 0; i < N; ++i) z[i] *= scale;
    }

private:
    fft<T, M> cfft_{};
};

}  // namespace nerve::spectral
