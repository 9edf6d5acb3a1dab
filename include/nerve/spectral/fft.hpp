// nerve/spectral/fft.hpp — complex FFT of a compile-time size N.
//
//   nerve::spectral::fft<float, 1024> f;            // no planning, no allocation
//   f.forward(in, out);                             // numpy.fft.fft(in)
//   f.inverse(in, out);                             // numpy.fft.ifft(in), scaled by 1/N
//
// T is float or double; N is a power of two >= 2 (tested 2..16384), or any 2^a 3^b 5^c
// (mixed radix, scalar kernel: e.g. 60, 100, 240, 1000). q15/q31: fft_fixed.hpp.
//
// Kernels: float with N >= W*W (W = 8 floats on AVX2+FMA, 4 on SSE2/NEON) uses the xsimd
// kernel of detail/fft_simd.hpp; everything else (double, small N, mixed radix, and every
// Cortex-M) uses the portable scalar Stockham kernel of detail/fft_scalar.hpp. Both are
// tested against numpy and against each other.
//
// Memory: twiddle tables are `static constexpr` data computed at compile time for exactly
// this N (flash on an MCU, shared by every instance of this N, absent for sizes the program
// does not use); the object holds only its ping-pong scratch, so sizeof(fft) is its RAM:
// 8*N bytes for the scalar float kernel, 16*(N+16) bytes for the SIMD one (two split
// buffers). forward/inverse never allocate, never throw and take bounded time; `in` and
// `out` may be the same buffer.
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
#include "detail/fft_simd.hpp"

namespace nerve::spectral {

namespace detail {

/// True when fft<T, N> uses the SIMD kernel on this target.
template <class T, std::size_t N>
inline constexpr bool fft_uses_simd =
#if NERVE_FFT_SIMD
    std::is_same_v<T, float> && simd_fft_supported<N>;
#else
    false;
#endif

/// The implementation behind fft<T, N>; Simd = false forces the portable scalar kernel
/// (the Cortex-M path), which the tests compare against the SIMD one on hosts.
template <class T, std::size_t N, bool Simd>
class fft_impl {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                  "nerve::spectral::fft<T, N>: T must be float or double (q15/q31: fft_fixed.hpp)");
    static_assert(is_smooth235(N), "nerve::spectral::fft<T, N>: N must be 2^a 3^b 5^c >= 2");
    static_assert(!Simd || fft_uses_simd<T, N>, "SIMD kernel not available for this T, N, target");

public:
    using value_type = std::complex<T>;
    static constexpr std::size_t size = N;

    constexpr fft_impl() noexcept = default;

    /// out[k] = sum_n in[n] exp(-2 pi i n k / N)  (numpy.fft.fft).
    void forward(std::span<const std::complex<T>, N> in, std::span<std::complex<T>, N> out) noexcept {
#if NERVE_FFT_SIMD
        if constexpr (Simd) {
            simd_fft<N, false, src_kind::interleaved, simd_out::interleaved, false>(
                reinterpret_cast<const float*>(in.data()), {}, buf_a(), buf_b(), reinterpret_cast<float*>(out.data()),
                1.0f);
        } else
#endif
        {
            run<false>(in.data(), out.data());
        }
    }

    /// out[n] = (1/N) sum_k in[k] exp(+2 pi i n k / N)  (numpy.fft.ifft).
    void inverse(std::span<const std::complex<T>, N> in, std::span<std::complex<T>, N> out) noexcept {
#if NERVE_FFT_SIMD
        if constexpr (Simd) {
            simd_fft<N, true, src_kind::interleaved, simd_out::interleaved, true>(
                reinterpret_cast<const float*>(in.data()), {}, buf_a(), buf_b(), reinterpret_cast<float*>(out.data()),
                1.0f / static_cast<float>(N));
        } else
#endif
        {
            run<true>(in.data(), out.data());
            const T scale = T(1) / static_cast<T>(N);
            T* o = reinterpret_cast<T*>(out.data());
            for (std::size_t i = 0; i < 2 * N; ++i) o[i] *= scale;
        }
    }

    /// Unscaled scalar transform in either direction on interleaved data. in may equal out.
    template <bool Inverse>
    void run(const std::complex<T>* in, std::complex<T>* out) noexcept
        requires(!Simd)
    {
        const T* src = reinterpret_cast<const T*>(in);
        T* dst = reinterpret_cast<T*>(out);
        T* scr = reinterpret_cast<T*>(st_.scratch.data());
        if (src == dst && scalar_passes<N> % 2 == 1) {
            // An odd pass count makes the first pass write `out`: read a copy instead.
            // (Pass 1: copy -> out, pass 2: out -> scratch, ... the copy is dead by then.)
            std::copy(src, src + 2 * N, scr);
            src = scr;
        }
        scalar_fft<T, N, Inverse>(src, dst, scr);
    }

private:
    struct scalar_storage {
        std::array<std::complex<T>, N> scratch{};
    };
    // Two split (re | im) ping-pong buffers; the +16 pad is for the real-FFT extension.
    static constexpr std::size_t cap = N + 16;
    struct simd_storage {
        alignas(64) std::array<float, 4 * cap> buf{};
    };
#if NERVE_FFT_SIMD
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
#endif

    std::conditional_t<Simd, simd_storage, scalar_storage> st_{};
};

}  // namespace detail

template <class T, std::size_t N>
class fft : public detail::fft_impl<T, N, detail::fft_uses_simd<T, N>> {
public:
    constexpr fft() noexcept = default;
};

}  // namespace nerve::spectral
