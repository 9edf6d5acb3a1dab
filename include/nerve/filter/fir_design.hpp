// nerve/filter/fir_design.hpp — windowed-sinc FIR design (like scipy.signal.firwin).
//
// `firwin_lowpass<N>(cutoff, window)` returns the N taps of a linear-phase low-pass filter,
// computed as scipy.signal.firwin(N, cutoff, window=...) does with its defaults
// (pass_zero=True, scale=True): the ideal impulse response cutoff * sinc(cutoff * m),
// m = n - (N - 1) / 2, times a symmetric window, then scaled so that the gain at DC is 1.
// `firwin_highpass`, `firwin_bandpass` and `firwin_bandstop` are firwin's other band forms
// (pass_zero=False / False / True): the ideal response is the sum over the pass bands [l, r]
// of r sinc(r m) - l sinc(l m), windowed, and scaled to unit gain at DC (low-pass, band-stop),
// at Nyquist (high-pass) or at the centre of the pass band (band-pass), as firwin's scale=True.
// A high-pass or band-stop passes Nyquist, which a symmetric filter with an even number of
// taps cannot (its response is zero there): those need odd N, checked at compile time.
// Frequencies are relative to the Nyquist frequency (0 < cutoff < 1, lo < hi), as in firwin
// with the default fs = 2; others are a contract violation (NERVE_ASSERT). Runs at
// construction time (std::sin/std::cos are not constexpr in C++20), in double precision;
// never allocates.
//
// Windows: hamming (firwin's default), hann, blackman, rectangular (boxcar) and
// kaiser(beta) (resample_poly's default is kaiser(5.0)).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>

#include "../config.hpp"
#include "../core/constexpr_math.hpp"
#include "../core/fixed_point.hpp"

namespace nerve::filter {

/// A window for FIR design. `beta` is used by the Kaiser window only.
struct fir_window {
    enum class kind { rectangular, hamming, hann, blackman, kaiser };
    kind type = kind::hamming;
    double beta = 0.0;

    static constexpr fir_window rectangular() noexcept { return {kind::rectangular, 0.0}; }
    static constexpr fir_window hamming() noexcept { return {kind::hamming, 0.0}; }
    static constexpr fir_window hann() noexcept { return {kind::hann, 0.0}; }
    static constexpr fir_window blackman() noexcept { return {kind::blackman, 0.0}; }
    static constexpr fir_window kaiser(double b) noexcept { return {kind::kaiser, b}; }
};

namespace detail {
using cmath::bessel_i0;
using cmath::pi;

/// Symmetric window value at n of N (scipy.signal.get_window(..., fftbins=False)).
inline double window_value(const fir_window& w, std::size_t n, std::size_t N) noexcept {
    if (N == 1) return 1.0;
    const double x = static_cast<double>(n) / static_cast<double>(N - 1);  // 0..1
    switch (w.type) {
        case fir_window::kind::rectangular: return 1.0;
        case fir_window::kind::hamming: return 0.54 - 0.46 * std::cos(2.0 * pi * x);
        case fir_window::kind::hann: return 0.5 - 0.5 * std::cos(2.0 * pi * x);
        case fir_window::kind::blackman:
            return 0.42 - 0.5 * std::cos(2.0 * pi * x) + 0.08 * std::cos(4.0 * pi * x);
        case fir_window::kind::kaiser: {
            const double r = 2.0 * x - 1.0;
            const double a = 1.0 - r * r;
            return bessel_i0(w.beta * std::sqrt(a < 0.0 ? 0.0 : a)) / bessel_i0(w.beta);
        }
    }
    return 1.0;
}

inline double sinc(double x) noexcept {
    if (x == 0.0) return 1.0;
    return std::sin(pi * x) / (pi * x);
}

/// firwin's general case: the pass bands [lo[i], hi[i]), i < B (edges relative to Nyquist,
/// 0 for DC, 1 for Nyquist), windowed, scaled to unit gain at `scale_at`, times `gain`.
template <std::size_t N, std::size_t B>
std::array<double, N> firwin_bands(const std::array<double, B>& lo, const std::array<double, B>& hi,
                                   double scale_at, fir_window window, double gain) noexcept {
    static_assert(N >= 1, "a filter needs at least one tap");
    std::array<double, N> h{};
    const double alpha = 0.5 * static_cast<double>(N - 1);
    // Computed for the first half and mirrored, so the taps are exactly symmetric and a FIR
    // filter detects the linear-phase fold (scipy's own taps differ in the last ulp).
    for (std::size_t n = 0; n < (N + 1) / 2; ++n) {
        const double m = static_cast<double>(n) - alpha;
        double ideal = 0.0;
        for (std::size_t b = 0; b < B; ++b) {
            ideal += hi[b] * sinc(hi[b] * m);
            ideal -= lo[b] * sinc(lo[b] * m);
        }
        h[n] = ideal * window_value(window, n, N);
        h[N - 1 - n] = h[n];
    }
    // The response at scale_at (cycles relative to Nyquist) is sum h[n] cos(pi m scale_at); at
    // DC every cosine is exactly 1, so low-pass taps keep the plain sum's bits.
    double sum = 0.0;
    for (std::size_t n = 0; n < N; ++n) sum += h[n] * std::cos(pi * (static_cast<double>(n) - alpha) * scale_at);
    for (auto& v : h) v = v / sum * gain;
    return h;
}
}  // namespace detail

/// Low-pass FIR taps as scipy.signal.firwin(N, cutoff, window) (cutoff relative to Nyquist),
/// multiplied by `gain` after the unit-DC-gain scaling (resample_poly uses gain = up).
template <std::size_t N>
std::array<double, N> firwin_lowpass(double cutoff, fir_window window = fir_window::hamming(),
                                     double gain = 1.0) noexcept {
    NERVE_ASSERT(cutoff > 0.0 && cutoff <= 1.0);  // 1: all-pass (a unit impulse), for M = 1 or L = 1
    return detail::firwin_bands<N, 1>({0.0}, {cutoff}, 0.0, window, gain);
}

/// High-pass FIR taps as scipy.signal.firwin(N, cutoff, window, pass_zero=False); unit gain
/// at Nyquist. N must be odd.
template <std::size_t N>
std::array<double, N> firwin_highpass(double cutoff, fir_window window = fir_window::hamming(),
                                      double gain = 1.0) noexcept {
    static_assert(N % 2 == 1, "a high-pass FIR needs an odd number of taps (even ones are zero at Nyquist)");
    NERVE_ASSERT(cutoff > 0.0 && cutoff < 1.0);
    return detail::firwin_bands<N, 1>({cutoff}, {1.0}, 1.0, window, gain);
}

/// Band-pass FIR taps as scipy.signal.firwin(N, [lo, hi], window, pass_zero=False); unit
/// gain at the band's centre (lo + hi) / 2.
template <std::size_t N>
std::array<double, N> firwin_bandpass(double lo, double hi, fir_window window = fir_window::hamming(),
                                      double gain = 1.0) noexcept {
    NERVE_ASSERT(lo > 0.0 && lo < hi && hi < 1.0);
    return detail::firwin_bands<N, 1>({lo}, {hi}, 0.5 * (lo + hi), window, gain);
}

/// Band-stop FIR taps as scipy.signal.firwin(N, [lo, hi], window) (pass_zero=True); unit
/// gain at DC. N must be odd.
template <std::size_t N>
std::array<double, N> firwin_bandstop(double lo, double hi, fir_window window = fir_window::hamming(),
                                      double gain = 1.0) noexcept {
    static_assert(N % 2 == 1, "a band-stop FIR needs an odd number of taps (even ones are zero at Nyquist)");
    NERVE_ASSERT(lo > 0.0 && lo < hi && hi < 1.0);
    return detail::firwin_bands<N, 2>({0.0, hi}, {lo, 1.0}, 0.0, window, gain);
}

/// Converts designed taps to a sample type (rounded and saturated for q15/q31). Taps of any
/// sample type go through double, so the filters' constructors take a design in another type
/// (firwin's doubles for a float or q15 filter, any taps for the polyphase filters' double).
template <class T, class U, std::size_t N>
constexpr std::array<T, N> taps_as(const std::array<U, N>& h) noexcept {
    std::array<T, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[i] = nerve::from_double<T>(nerve::to_double(h[i]));
    return out;
}

}  // namespace nerve::filter
