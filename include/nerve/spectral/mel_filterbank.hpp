// nerve/spectral/mel_filterbank.hpp — mel-band energies of a spectrum (MFE, the front end of MFCC).
//
//   auto p = framer<512, 256>{} | rfft<512>{window::hann, 16.0_kHz}
//          | mel_filterbank<512, 40>{16.0_kHz, {.log = mel_log::decibel}}
//          | mfcc<40, 13>{};
//
// Filters triangles, equally spaced on the mel scale between fmin and fmax (fmax = 0: fs / 2),
// are laid on the FFT bin frequencies f_k = k fs / N exactly as librosa.filters.mel draws them:
// with Filters + 2 points p_0 < ... < p_{Filters+1} (in Hz), filter m rises linearly from p_m to
// 1 at p_{m+1} and falls to 0 at p_{m+2}. `mel_norm::area` (librosa's norm="slaney", its default)
// scales filter m by 2 / (p_{m+2} - p_m) so that every band has the same area and a flat spectrum
// reads flat; `mel_norm::none` leaves peaks at 1 (HTK, Kaldi, TensorFlow). Scales: Slaney's
// (linear below 1 kHz, logarithmic above; librosa's default) or HTK's 2595 log10(1 + f / 700).
// A band too narrow to hold a bin reads 0, as in librosa.
//
// The energies are sums of the spectrum's values as given (a power spectrum from rfft or welch,
// calibrated as spectrum.hpp says; librosa's |X|^2 differs by a constant factor, which shifts
// log energies, and so the 0th cepstral coefficient, by a constant). With `mel_log` they come
// out as ln(max(E, floor)) or 10 log10(max(E, floor)) (floor default 1e-10, librosa's amin),
// the log-mel features (MFE) a classifier or mfcc.hpp takes.
//
// Cost: every bin between p_0 and p_{Filters+1} lies on the rising edge of one filter and the
// falling edge of the one before, so the bank is two weights per bin (2 (N/2 + 1) values of T,
// computed once in the constructor, which may run at compile time) and a frame costs two
// multiply-adds per bin. RAM for float: sizeof = 8 (N/2 + 1) + 16 Filters + ~100 bytes
// (2,776 B for N = 512 and 40 filters).
//
// Bad input: a spectrum of another size or bin spacing than the bank was designed for (rfft given
// another sample rate), a decibel or kurtosis spectrum, or a frame whose bands hold NaN or Inf is
// rejected and counted (`rejected()`); nothing is emitted and nothing else changes. A bank whose
// configuration is impossible (fmin < 0, fmax <= fmin, fmin >= fs / 2, fs <= 0, NaN or Inf in any,
// a log with floor <= 0) is not `valid()` and rejects every frame.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/constexpr_math.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "spectrum.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

namespace nerve::spectral {

/// Which mel scale spaces the filters.
enum class mel_scale : std::uint8_t {
    slaney,  ///< Slaney's Auditory Toolbox: 3 mel per 200 Hz below 1 kHz, log-spaced above (librosa's default)
    htk,     ///< HTK: 2595 log10(1 + f / 700)
};

/// How the triangles are weighted.
enum class mel_norm : std::uint8_t {
    none,  ///< peak 1 (HTK, Kaldi, TensorFlow)
    area,  ///< 2 / (bandwidth in Hz): equal area, librosa's norm="slaney"
};

/// What the filterbank emits.
enum class mel_log : std::uint8_t {
    none,     ///< band energies
    natural,  ///< ln(max(E, floor))
    decibel,  ///< 10 log10(max(E, floor))
};

/// Mel value of a frequency in Hz.
constexpr double hz_to_mel(double hz, mel_scale scale) noexcept {
    if (scale == mel_scale::htk) return 2595.0 * cmath::log(1.0 + hz / 700.0) / cmath::ln10;
    // Slaney: linear at 200/3 Hz per mel to 1 kHz (15 mel), then 27 mel per factor 6.4.
    if (hz < 1000.0) return hz * 3.0 / 200.0;
    return 15.0 + cmath::log(hz / 1000.0) * (27.0 / cmath::log(6.4));
}

/// Frequency in Hz of a mel value (the inverse of hz_to_mel).
constexpr double mel_to_hz(double mel, mel_scale scale) noexcept {
    if (scale == mel_scale::htk) return 700.0 * (cmath::pow10(mel / 2595.0) - 1.0);
    if (mel < 15.0) return mel * 200.0 / 3.0;
    return 1000.0 * cmath::exp((mel - 15.0) * (cmath::log(6.4) / 27.0));
}

/// Configuration of a mel_filterbank (designated initialisers read well: `{.fmin = 300.0_Hz}`).
struct mel_options {
    hertz fmin{0.0};
    hertz fmax{0.0};  ///< 0: fs / 2
    mel_scale scale = mel_scale::slaney;
    mel_norm norm = mel_norm::area;
    mel_log log = mel_log::none;
    double floor = 1e-10;  ///< smallest energy the log sees
};

template <std::size_t N, std::size_t Filters, class T = float>
class mel_filterbank {
    static_assert(N >= 2 && N % 2 == 0, "nerve::spectral::mel_filterbank needs an even FFT size N");
    static_assert(Filters >= 1, "nerve::spectral::mel_filterbank needs at least one filter");
    static_assert(std::is_floating_point_v<T>, "nerve::spectral::mel_filterbank takes float or double spectra");

public:
    static constexpr std::size_t bins = N / 2 + 1;
    using input_type = spectrum_view<T>;
    using output_type = std::span<const T, Filters>;

    constexpr explicit mel_filterbank(sample_rate fs, const mel_options& o = {}) noexcept
        : fs_(fs.value), options_(o) {
        const double nyquist = fs_ / 2;
        const double fmin = o.fmin.value;
        const double fmax = o.fmax.value == 0.0 ? nyquist : o.fmax.value;
        valid_ = is_finite(fs_) && is_finite(fmax) && fs_ > 0 && fmin >= 0 && fmax > fmin && fmin < nyquist && (o.log == mel_log::none || o.floor > 0);
        if (!valid_) return;
        const double mel_lo = hz_to_mel(fmin, o.scale);
        const double mel_hi = hz_to_mel(fmax, o.scale);
        for (std::size_t i = 0; i < Filters + 2; ++i)
            points_[i] = mel_to_hz(mel_lo + (mel_hi - mel_lo) * static_cast<double>(i) / static_cast<double>(Filters + 1),
                                   o.scale);
        // Segment s holds the bins with p_s <= f_k < p_{s+1}: the rising edge of filter s and the
        // falling edge of filter s - 1; the weights come from the same two ratios librosa takes
        // the minimum of, each with its filter's area scale.
        std::size_t k = 0;
        while (k < bins && bin_hz(k) < points_[0]) ++k;
        for (std::size_t s = 0; s <= Filters; ++s) {
            start_[s] = static_cast<std::uint32_t>(k);
            const double lo = points_[s], hi = points_[s + 1];
            for (; k < bins && bin_hz(k) < hi; ++k) {
                const double f = bin_hz(k);
                rise_[k] = s < Filters ? static_cast<T>((f - lo) / (hi - lo) * area_scale(s)) : T(0);
                fall_[k] = s > 0 ? static_cast<T>((hi - f) / (hi - lo) * area_scale(s - 1)) : T(0);
            }
        }
        start_[Filters + 1] = static_cast<std::uint32_t>(k);
    }

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(output_type{out_});
    }

    /// Computes the band energies of one spectrum into result(); false (and counted) if rejected.
    bool compute(const input_type& s) noexcept {
        if (!accepts(s)) { ++rejected_; return false; }
        // out[m] = (rising edge of m, in segment m) + (falling edge of m, in segment m + 1).
        std::array<T, Filters> e{};
        for (std::size_t seg = 0; seg <= Filters; ++seg) {
            T rising = 0, falling = 0;
            for (std::size_t k = start_[seg]; k < start_[seg + 1]; ++k) {
                rising += rise_[k] * s.values[k];
                falling += fall_[k] * s.values[k];
            }
            if (seg < Filters) e[seg] = rising;
            if (seg > 0) e[seg - 1] += falling;
        }
        for (std::size_t m = 0; m < Filters; ++m) {
            if (!(e[m] - e[m] == T(0))) { ++rejected_; return false; }  // NaN or Inf in the band
        }
        if (options_.log == mel_log::none) {
            out_ = e;
        } else {
            take_logs(e);
        }
        return true;
    }

    output_type result() const noexcept { return output_type{out_}; }
    /// The Filters + 2 band points in Hz: filter m spans [points[m], points[m + 2]], peak at points[m + 1].
    constexpr const std::array<double, Filters + 2>& points() const noexcept { return points_; }
    /// Centre (peak) frequency of filter m in Hz.
    constexpr double center_hz(std::size_t m) const noexcept { return points_[m + 1]; }
    /// Weight of bin k in filter m (as applied, area scale included): for checking a design.
    constexpr T weight(std::size_t m, std::size_t k) const noexcept {
        if (!valid_ || m >= Filters || k >= bins) return T(0);
        if (k >= start_[m] && k < start_[m + 1]) return rise_[k];
        if (k >= start_[m + 1] && k < start_[m + 2]) return fall_[k];
        return T(0);
    }
    constexpr bool valid() const noexcept { return valid_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; out_.fill(T(0)); }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    // out = log or 10 log10 of max(e, floor). Hosts take the logs a SIMD batch at a time with
    // xsimd (under 1 ulp from the correctly rounded value, measured over 2.2e7 floats; 40 libm
    // calls cost more than the bank itself), in batches of at most 256 bits: on AVX-512 xsimd's
    // log goes through intrinsics that GCC 12 warns about inside its own headers (bug 105593,
    // see config.hpp), where no pragma of ours reaches. Other targets call libm per band.
#if NERVE_HAS_XSIMD
    using wide_batch = xsimd::make_sized_batch_t<T, 32 / sizeof(T)>;
    using log_batch = std::conditional_t<std::is_void_v<wide_batch>, xsimd::make_sized_batch_t<T, 16 / sizeof(T)>, wide_batch>;
#else
    using log_batch = void;
#endif
    void take_logs(std::array<T, Filters>& e) noexcept {
        const T fl = static_cast<T>(options_.floor);
        const bool db = options_.log == mel_log::decibel;
        for (auto& x : e) x = x > fl ? x : fl;
        std::size_t m = 0;
#if NERVE_HAS_XSIMD
        if constexpr (!std::is_void_v<log_batch>) {
            using batch = log_batch;
            constexpr std::size_t W = batch::size;
            for (; m + W <= Filters; m += W) {
                const batch x = batch::load_unaligned(e.data() + m);
                (db ? T(10) * xsimd::log10(x) : xsimd::log(x)).store_unaligned(out_.data() + m);
            }
            if (m < Filters) {  // the last partial batch, padded with the floor
                T tail[W];
                for (std::size_t j = 0; j < W; ++j) tail[j] = m + j < Filters ? e[m + j] : fl;
                const batch x = batch::load_unaligned(tail);
                (db ? T(10) * xsimd::log10(x) : xsimd::log(x)).store_unaligned(tail);
                for (std::size_t j = 0; m + j < Filters; ++j) out_[m + j] = tail[j];
                m = Filters;
            }
        }
#endif
        for (; m < Filters; ++m) out_[m] = db ? T(10) * std::log10(e[m]) : std::log(e[m]);
    }
    constexpr double bin_hz(std::size_t k) const noexcept { return static_cast<double>(k) * fs_ / static_cast<double>(N); }
    constexpr double area_scale(std::size_t m) const noexcept {
        return options_.norm == mel_norm::area ? 2.0 / (points_[m + 2] - points_[m]) : 1.0;
    }
    bool accepts(const input_type& s) const noexcept {
        if (!valid_ || s.size() != bins) return false;
        if (s.kind != quantity::power && s.kind != quantity::density) return false;
        const double expected = fs_ / static_cast<double>(N);
        return std::fabs(s.bin_hz - expected) <= 1e-9 * expected;
    }

    double fs_ = 0;
    mel_options options_{};
    bool valid_ = false;
    std::array<double, Filters + 2> points_{};
    std::array<std::uint32_t, Filters + 2> start_{};
    std::array<T, bins> rise_{};
    std::array<T, bins> fall_{};
    std::array<T, Filters> out_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
