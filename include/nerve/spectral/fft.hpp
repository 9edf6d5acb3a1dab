// nerve/spectral/fft.hpp — complex FFT of a compile-time size N.
//
//   nerve::spectral::fft<float, 1024> f;            // no planning, no allocation
//   f.forward(in, out);                             // numpy.fft.fft(in)
//   f.inverse(in, out);                             // numpy.fft.ifft(in), scaled by 1/N
//
// T is float or double; N is a power of two >= 2 (tested 16..16384). Twiddle tables are
// `static constexpr` data computed at compile time for exactly this N (flash on an MCU,
// shared by every instance of this N, absent for sizes the program does not use); the
// object itself holds only the ping-pong scratch buffer, so sizeof(fft) = 8*N bytes
// (float) is its RAM. forward/inverse never allocate, never throw and take bounded time;
// `in` and `out` may be the same buffer.
//
// Numbers: NaN/Inf inputs propagate into the outputs of that call only (an FFT has no
// state carried between calls, so nothing stays poisoned).
#pragma once

#include <algorithm>
#include <array>
#include <complex>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "detail/fft_scalar.hpp"

namespace nerve::spectral {

template <class T, std::size_t N>
class fft {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "nerve::spectral::fft<T, N>: T must be float or double (q15/q31: fft_fixed.hpp)");
    static_assert(detail::is_pow2(N) && N >= 2, "nerve::spectral::fft<T, N>: N must be a power of two >= 2");

public:
    using value_type = std::complex<T>;
    static constexpr std::size_t size = N;

    constexpr fft() noexcept = default;

    /// out[k] = sum_n in[n] exp(-2 pi i n k / N)  (numpy.fft.fft).
    void forward(std::span<const std::complex<T>, N> in, std::span<std::complex<T>, N> out) noexcept {
        run<false>(in.data(), out.data());
    }

    /// out[n] = (1/N) sum_k in[k] exp(+2 pi i n k / N)  (numpy.fft.ifft).
    void inverse(std::span<const std::complex<T>, N> in, std::span<std::complex<T>, N> out) noexcept {
        run<true>(in.data(), out.data());
        const T scale = T(1) / static_cast<T>(N);
        T* o = reinterpret_cast<T*>(out.data());
        for (std::size_t i = 0; i < 2 * N; ++i) o[i] *= scale;
    }

    /// Unscaled transform in either direction on interleaved data (for real_fft and
    /// other kernels in this library). `in` may equal `out`.
    template <bool Inverse>
    void run(const std::complex<T>* in, std::complex<T>* out) noexcept {
        const T* src = reinterpret_cast<const T*>(in);
        T* dst = reinterpret_cast<T*>(out);
        T* scr = reinterpret_cast<T*>(scratch_.data());
        if (src == dst && detail::scalar_passes<N> % 2 == 1) {
            // An odd pass count makes the first pass write `out`: read a copy instead.
            // (Pass 1: copy -> out, pass 2: out -> scratch, ... the copy is dead by then.)
            std::copy(src, src + 2 * N, scr);
            src = scr;
        }
        detail::scalar_fft<T, N, Inverse>(src, dst, scr);
    }

private:
    std::array<std::complex<T>, N> scratch_{};
};

}  // namespace nerve::spectral
