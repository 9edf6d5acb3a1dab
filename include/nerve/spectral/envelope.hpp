// nerve/spectral/envelope.hpp — band-pass + Hilbert envelope + envelope spectrum (bearing analysis).
//
//   auto p = nerve::framer<8192, 4096>{}
//          | nerve::spectral::envelope_spectrum<8192>{12000.0_Hz, 2000.0_Hz, 5000.0_Hz}
//          | nerve::spectral::spectrum_average<4097>{average::mean, 16}
//          | nerve::spectral::bearing_defects<3>{geometry, 29.95_Hz};
//
// Per frame x[0..N-1]:
//  1. X = rfft(x) (no window, as scipy.signal.hilbert);
//  2. band-pass in the FFT domain: keep the bins with band_lo <= f_k <= band_hi (a brick-wall
//     mask; band_hi = 0 means up to Nyquist, band_lo = 0 keeps DC);
//  3. analytic signal z = ifft(Z), Z[0] = X[0], Z[k] = 2 X[k] (0 < k < N/2), Z[N/2] = X[N/2],
//     Z[k] = 0 for negative frequencies — exactly scipy.signal.hilbert (applied to the masked X);
//  4. envelope e[n] = |z[n]|;
//  5. envelope spectrum = rfft stage on e with the mean removed, window `w` (Hann by default),
//     'spectrum' scaling (see spectrum.hpp): a bearing defect modulating at f_d shows as a line
//     at f_d and its harmonics, read as mean-square amplitude of the envelope.
// The emitted view is the envelope spectrum (with its complex bins); `envelope()` and `analytic()`
// give the time signals of the last frame. The frame is circular for the FFT, so the first and
// last few percent of each envelope show wrap-around; use overlapping frames and average.
//
// Memory: 3 N real values (the frame / envelope, and one complex frame that holds X, the masked
// Z and, after an in-place inverse, z) plus the FFT objects and the rfft stage. sizeof, float:
// N = 1024 on a Cortex-M4 43,120 B (55,416 before stop 56, which kept X, Z and z apart; the
// in-place inverse costs a copy of the frame there, 207.5 -> 210.6 instructions per sample);
// AVX-512 host N = 1024 / 8192 60,352 / 476,096 B (72,640 / 574,400). For a Cortex-M4 use
// N <= 1024, or decimate first.
//
// Bad input: frames with NaN/Inf are rejected and counted; nothing is emitted.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "fft.hpp"
#include "real_fft.hpp"
#include "rfft.hpp"
#include "spectrum.hpp"
#include "window.hpp"

namespace nerve::spectral {

template <std::size_t N, class T = float>
class envelope_spectrum {
    static_assert(N >= 4 && N % 2 == 0, "nerve::spectral::envelope_spectrum needs an even N >= 4");

public:
    using value_type = real_t<T>;
    using input_type = std::span<const T, N>;
    using output_type = spectrum_view<value_type>;
    static constexpr std::size_t bins = N / 2 + 1;

    /// `band_lo`/`band_hi`: the demodulation band in Hz (band_hi = 0: up to Nyquist).
    explicit envelope_spectrum(sample_rate fs, hertz band_lo = hertz{0.0}, hertz band_hi = hertz{0.0},
                               const window::spec& w = window::hann) noexcept
        : spectrum_(w, fs, scaling::spectrum, detrend::constant), fs_(fs.value) {
        const double df = fs_ / static_cast<double>(N);
        const double hi = band_hi.value > 0.0 ? band_hi.value : fs_;
        first_ = N / 2 + 1;
        last_ = 0;
        for (std::size_t k = 0; k <= N / 2; ++k) {
            const double f = static_cast<double>(k) * df;
            if (f >= band_lo.value && f <= hi) {
                if (first_ > k) first_ = k;
                last_ = k;
            }
        }
    }

    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (transform(frame)) emit(spectrum_.view());
    }

    /// Computes the envelope and its spectrum; false (counted) for a non-finite frame.
    bool transform(input_type frame) noexcept {
        value_type sum = 0;
        if (!detail::all_finite<T>(frame, sum)) {
            ++rejected_;
            return false;
        }
        for (std::size_t n = 0; n < N; ++n) real_[n] = static_cast<value_type>(frame[n]);
        // X into the first bins of z_, masked and weighted there, the rest zeroed, then the
        // inverse in place: one complex frame for the spectrum and the analytic signal.
        forward_.forward(std::span<const value_type, N>{real_}, std::span<std::complex<value_type>, bins>{z_.data(), bins});
        const std::size_t lo = first_ < bins ? first_ : bins, hi = last_ + 1 > lo ? last_ + 1 : lo;  // band [lo, hi)
        std::fill(z_.begin(), z_.begin() + lo, std::complex<value_type>{});
        for (std::size_t k = lo; k < hi; ++k)
            if (k != 0 && k != N / 2) z_[k] *= value_type(2);
        std::fill(z_.begin() + hi, z_.end(), std::complex<value_type>{});
        inverse_.inverse(std::span<const std::complex<value_type>, N>{z_}, std::span<std::complex<value_type>, N>{z_});
        for (std::size_t n = 0; n < N; ++n) real_[n] = magnitude(z_[n]);
        spectrum_.transform(std::span<const value_type, N>{real_});
        return true;
    }

    /// The envelope |z[n]| of the last frame.
    std::span<const value_type, N> envelope() const noexcept { return std::span<const value_type, N>{real_}; }
    /// The analytic signal z[n] of the last (band-limited) frame.
    std::span<const std::complex<value_type>, N> analytic() const noexcept {
        return std::span<const std::complex<value_type>, N>{z_};
    }
    output_type view() const noexcept { return spectrum_.view(); }
    std::uint64_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        rejected_ = 0;
        spectrum_.reset();
    }

    template <class V>
    void visit_state(V& v) {
        v(rejected_);
        v(spectrum_);
    }

private:
    real_fft<value_type, N> forward_{};
    fft<value_type, N> inverse_{};
    rfft<N, value_type> spectrum_;
    std::array<value_type, N> real_{};                  // the frame, then the envelope
    std::array<std::complex<value_type>, N> z_{};       // X, the masked one-sided Z, then z
    double fs_ = 1.0;
    std::size_t first_ = 0, last_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
