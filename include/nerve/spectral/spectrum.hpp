// nerve/spectral/spectrum.hpp — the one currency spectral operators exchange.
//
// `spectrum_view<T>` is what rfft, stft, welch, envelope and spectral_kurtosis emit and what
// band_power, spectral_shape, dominant_peaks, bearing_defects and to_db consume. It points at
// storage owned by the emitting operator (valid until that operator's next push) and carries
// what a consumer needs to interpret the numbers: bin spacing in Hz, the quantity and the
// window's ENBW. Its extent is dynamic, so feature operators do not depend on the FFT size.
//
// Scaling (one-sided; bins 1 .. N/2-1 are doubled, DC and Nyquist are not — as scipy does):
//  - quantity::power    ("spectrum" scaling, V^2)    P[k] = c |X[k]|^2 / (sum w)^2
//      a sine of amplitude A centred on bin k reads A^2 / 2 (its mean square) at k;
//      the sum over bins of broadband noise reads variance * ENBW.
//  - quantity::density  ("density" scaling, V^2/Hz) P[k] = c |X[k]|^2 / (fs sum w^2)
//      the sum over bins times bin_hz is the variance (Parseval), whatever the window.
//  with c = 2 for 0 < k < N/2 and 1 otherwise; X the DFT of the (detrended) windowed frame.
#pragma once

#include <cmath>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

namespace nerve::spectral {

/// What the values of a spectrum_view are.
enum class quantity : std::uint8_t {
    power,      ///< one-sided power per bin ('spectrum' scaling), V^2
    density,    ///< one-sided power spectral density, V^2/Hz
    decibel,    ///< 10 log10 of power or density (see spectral::to_db)
    kurtosis,   ///< spectral kurtosis per bin (dimensionless), see spectral_kurtosis
};

/// Periodogram scaling, as scipy.signal.welch's `scaling` argument.
enum class scaling : std::uint8_t { spectrum, density };

/// Detrending of each frame before the window, as scipy's `detrend` argument.
enum class detrend : std::uint8_t { none, constant };

/// Real computation type for a sample type: float for fixed point, else itself.
template <class T>
using real_t = std::conditional_t<std::is_floating_point_v<T>, T, float>;

/// A read-only one-sided spectrum: values[k] at frequency k * bin_hz, k = 0 .. size() - 1.
template <class T>
struct spectrum_view {
    using value_type = T;

    std::span<const T> values{};                  ///< per-bin values (see `kind`)
    std::span<const std::complex<T>> bins{};      ///< raw complex DFT of the windowed frame; empty when not available
    double bin_hz = 1.0;                          ///< bin spacing fs / N (fs = 1 when not given: cycles per sample)
    double enbw_bins = 1.0;                       ///< equivalent noise bandwidth of the window, in bins
    double window_sum = 1.0;                      ///< sum of the window (for calibrating `bins`)
    std::size_t fft_size = 0;                     ///< N
    std::uint64_t index = 0;                      ///< frame number (rfft/stft) or segments averaged (welch)
    quantity kind = quantity::power;

    constexpr std::size_t size() const noexcept { return values.size(); }
    constexpr double frequency(std::size_t k) const noexcept { return static_cast<double>(k) * bin_hz; }
    /// Nearest bin to a frequency in Hz, clamped to the spectrum.
    constexpr std::size_t bin_of(double hz) const noexcept {
        if (!(hz > 0.0) || values.empty()) return 0;
        const double b = hz / bin_hz + 0.5;
        const double last = static_cast<double>(values.size() - 1);
        return b >= last ? values.size() - 1 : static_cast<std::size_t>(b);
    }
    /// Total power in bins [first, last] (inclusive), calibrated in V^2 for power and density
    /// (power sums are divided by the ENBW so that noise reads its variance).
    double band_power(std::size_t first, std::size_t last) const noexcept {
        if (values.empty() || first > last) return 0.0;
        if (last >= values.size()) last = values.size() - 1;
        double s = 0.0;
        for (std::size_t k = first; k <= last; ++k) s += static_cast<double>(values[k]);
        return kind == quantity::density ? s * bin_hz : s / enbw_bins;
    }
    /// Mean square of a line whose main lobe spans bins k - half .. k + half (Hann: half = 2), less
    /// `floor` (a per-bin value in this spectrum's quantity) in each of those bins: what a sinusoid
    /// standing on a noise floor contributes, wherever it falls between bins. Needs half <= k.
    double line_mean_square(std::size_t k, double floor, std::size_t half = 2) const noexcept {
        return band_power(k - half, k + half) - mean_square_of(floor, 2 * half + 1);
    }
    /// What `bins` bins each holding `value` add up to, calibrated as band_power calibrates.
    constexpr double mean_square_of(double value, std::size_t bins) const noexcept {
        const double sum = value * static_cast<double>(bins);
        return kind == quantity::density ? sum * bin_hz : sum / enbw_bins;
    }
    /// Amplitude of a sinusoid read from a `power` bin: sqrt(2 P[k]) (exact when on-bin).
    double amplitude(std::size_t k) const noexcept {
        return std::sqrt(2.0 * static_cast<double>(values[k]));
    }
};

/// The metadata of a spectrum_view without its spans: what an averaging operator keeps (and
/// snapshots) to describe the spectrum it will emit.
struct spectrum_info {
    double bin_hz = 1.0;
    double enbw_bins = 1.0;
    double window_sum = 1.0;
    std::size_t fft_size = 0;
    quantity kind = quantity::power;

    template <class T>
    static constexpr spectrum_info of(const spectrum_view<T>& v) noexcept {
        return spectrum_info{v.bin_hz, v.enbw_bins, v.window_sum, v.fft_size, v.kind};
    }
    template <class T>
    constexpr spectrum_view<T> view(std::span<const T> values, std::uint64_t index) const noexcept {
        spectrum_view<T> v;
        v.values = values;
        v.bin_hz = bin_hz;
        v.enbw_bins = enbw_bins;
        v.window_sum = window_sum;
        v.fft_size = fft_size;
        v.kind = kind;
        v.index = index;
        return v;
    }
    template <class V>
    void visit_state(V& v) { v(bin_hz); v(enbw_bins); v(window_sum); v(fft_size); v(kind); }
};

namespace detail {
/// True when every value is finite (NaN or Inf in any gives false). Summing is one pass and
/// propagates NaN and Inf; a finite frame large enough to overflow the sum counts as bad too.
/// Accumulates in real_t<T> (float for float frames: no soft double on an FPU-less path).
template <class T>
constexpr bool all_finite(std::span<const T> x, real_t<T>& sum) noexcept {
#if NERVE_HAS_XSIMD
    // SIMD hosts, float: four vector sums (the frames of the bearing monitor's envelope spectra
    // went through the scalar form below at about one sample per cycle).
    if constexpr (std::is_same_v<T, float>) {
        using batch = xsimd::batch<float>;
        constexpr std::size_t W = batch::size;
        const std::size_t n = x.size();
        if (!std::is_constant_evaluated() && n >= 4 * W) {
            const float* p = x.data();
            batch a0(0.0f), a1(0.0f), a2(0.0f), a3(0.0f);
            std::size_t i = 0;
            for (; i + 4 * W <= n; i += 4 * W) {
                a0 += batch::load_unaligned(p + i);
                a1 += batch::load_unaligned(p + i + W);
                a2 += batch::load_unaligned(p + i + 2 * W);
                a3 += batch::load_unaligned(p + i + 3 * W);
            }
            float s = xsimd::hadd((a0 + a1) + (a2 + a3));
            const float* tail = p + i;  // (as a count from here: GCC's loop analysis warns on i < n)
            for (std::size_t k = 0, rest = n - i; k < rest; ++k) s += tail[k];
            sum = s;
            return s - s == 0.0f;  // false for NaN and +-Inf
        }
    }
#endif
    // Four independent partial sums: no loop-carried add latency chain. Named locals, not an array
    // indexed by an inner loop: arm-none-eabi-gcc -O2 kept such an array in memory, a load and a
    // store around every add (6 instructions a value on the Cortex-M4 instead of ~2).
    using R = real_t<T>;
    R p0 = 0, p1 = 0, p2 = 0, p3 = 0;
    const std::size_t n = x.size(), n4 = n - n % 4;
    const T* v = x.data();
    for (std::size_t i = 0; i < n4; i += 4) {
        p0 += static_cast<R>(v[i]);
        p1 += static_cast<R>(v[i + 1]);
        p2 += static_cast<R>(v[i + 2]);
        p3 += static_cast<R>(v[i + 3]);
    }
    if (n4 < n) p0 += static_cast<R>(v[n4]);
    if (n4 + 1 < n) p1 += static_cast<R>(v[n4 + 1]);
    if (n4 + 2 < n) p2 += static_cast<R>(v[n4 + 2]);
    const R s = (p0 + p1) + (p2 + p3);
    sum = s;
    return s - s == real_t<T>(0);  // false for NaN and +-Inf
}

/// What the line readers (gear_mesh, motor_current) accept: at least `min_bins` bins of power or
/// density, a positive bin width, and every value finite (all_finite: their sum within T's range).
template <class T>
constexpr bool readable_line_spectrum(const spectrum_view<T>& s, std::size_t min_bins) noexcept {
    if (s.size() < min_bins || (s.kind != quantity::power && s.kind != quantity::density) || !(s.bin_hz > 0)) return false;
    real_t<T> total{};
    return all_finite<T>(s.values, total);
}

/// The steps before the transform, shared by rfft and periodogram: the finiteness check
/// (all_finite), the mean removed when remove_mean (detrend::constant), the window w applied:
/// out[n] = (x[n] - mean) w[n], in real_t<T>. false for a non-finite frame (out untouched).
template <class T, std::size_t N>
constexpr bool detrend_and_window(std::span<const T, N> frame, const real_t<T>* w, bool remove_mean,
                                  real_t<T>* out) noexcept {
    using R = real_t<T>;
    R sum = 0;
    if (!all_finite<T>(frame, sum)) return false;
    const R mean = remove_mean ? sum / static_cast<R>(N) : R(0);
    for (std::size_t n = 0; n < N; ++n) out[n] = (static_cast<R>(frame[n]) - mean) * w[n];
    return true;
}

/// The view of one frame's spectrum from an N-point transform (rfft, periodogram): its values,
/// bin spacing fs / N, the window's ENBW and sum, and the frame's number (`frames` transformed so
/// far, the last one's index).
template <std::size_t N, class R, class Window>
constexpr spectrum_view<R> frame_view(std::span<const R> values, const Window& w, double fs, std::uint64_t frames,
                                      quantity kind) noexcept {
    spectrum_view<R> v;
    v.values = values;
    v.bin_hz = fs / static_cast<double>(N);
    v.enbw_bins = w.enbw();
    v.window_sum = w.sum();
    v.fft_size = N;
    v.index = frames == 0 ? 0 : frames - 1;
    v.kind = kind;
    return v;
}

/// The one-sided power of the bins X[0 .. N/2] of an N-point real transform, scaled as the file
/// comment says: p[k] = c |X[k]|^2 scale, c = 2 for 0 < k < N/2 and 1 otherwise (scale is
/// 1 / (sum w)^2 for power, 1 / (fs sum w^2) for density).
/// InPlace: p is X's own storage (p == (R*)X, N + 2 values): ascending, each power lands on a
/// value of the bins already read (p[k] below X[k]'s floats 2k, 2k + 1). It goes a 64-bin block
/// at a time through a stack copy, which lets the norms vectorise (a loop writing p[k] over X[k]
/// would not); same values as the plain loop.
template <std::size_t N, bool InPlace, class R>
void one_sided_power(const std::complex<R>* X, R* p, R scale) noexcept {
    const R s1 = scale, s2 = scale * R(2);
    if constexpr (InPlace) {
        const R first = std::norm(X[0]) * s1;
        constexpr std::size_t block = 64;
        R t[block];
        for (std::size_t k0 = 0; k0 < N / 2; k0 += block) {
            const std::size_t m = N / 2 - k0 < block ? N / 2 - k0 : block;
            for (std::size_t j = 0; j < m; ++j) t[j] = std::norm(X[k0 + j]) * s2;
            std::memcpy(p + k0, t, m * sizeof(R));
        }
        p[0] = first;
        p[N / 2] = std::norm(X[N / 2]) * s1;   // X[N/2]'s values N, N + 1: not written above
    } else {
        p[0] = std::norm(X[0]) * s1;
        for (std::size_t k = 1; k < N / 2; ++k) p[k] = std::norm(X[k]) * s2;
        p[N / 2] = std::norm(X[N / 2]) * s1;
    }
}
}  // namespace detail

}  // namespace nerve::spectral
