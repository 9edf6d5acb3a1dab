// nerve/spectral/edge_features.hpp — what Edge Impulse's "Spectral Analysis" block computes, as a
// small composition of nerve operators (one axis; use nerve::multi or one instance per axis).
//
// Edge Impulse step                     nerve operator(s)
// ------------------------------------  -------------------------------------------------------------
// scale axes                            a multiply in the caller (or filter::one_pole with gain)
// input decimation ratio ("low-         filter::fir_decimator<T, Taps, M> (anti-alias FIR + keep every
//   frequency spectrum")                  M-th sample) before the framer: the spectrum below fs / 2M
//                                         with F bins (filter/fir_decimator.hpp)
// filter: low/high-pass, cut-off, order filter::biquad_cascade<T, S>{filter::butterworth_lowpass<O>(fc, fs)}
//                                         (filter/biquad.hpp, filter/butterworth.hpp)
// window of W samples                   nerve::framer<W, Hop>
// mean removal                          done here (time_features' mean; welch detrend) — or
//                                         filter::dc_blocker upstream for streams
// RMS, skewness, kurtosis               stats::time_features<W> (rms of the mean-removed frame = std;
//                                         skewness, Fisher kurtosis as scipy.stats)
// FFT with length F, overlapping frames welch<F>{window, fs, scaling::spectrum, average::max_hold}
//   ("max-hold" of the FFT frames)        over the sub-frames of the window (hop F/2 when overlap)
// take log of spectrum                  to_db<F/2+1> (10 log10; EI uses log10 — divide by 10)
// spectral power per bin (features)     the welch/to_db values (F/2 + 1 bins)
// spectral skewness / kurtosis          stats::compute_time_features on the spectrum values
//                                         (skewness/kurtosis of the bin values, as EI's scipy.stats)
// FFT peaks (older block versions)      dominant_peaks<K>
// spectral power edges (older versions) band_power<Bands>{edges}
//
// `edge_spectral_features<W, F, Bands, K>` below wires the per-window part (everything from "mean
// removal" down) so that one push of a W-sample frame yields every feature in one struct; the
// upstream stages (scale, decimate, filter, framer) stay separate operators:
//
//   auto p = nerve::filter::biquad_cascade<float, 2>{nerve::filter::butterworth_lowpass<4>(3.0_Hz, 62.5_Hz)}
//          | nerve::framer<250, 125>{}
//          | nerve::spectral::edge_spectral_features<250, 64, 4, 3>{62.5_Hz, {0.1, 0.5, 1.0, 2.0, 5.0}};
//
// Bad input: a frame holding NaN/Inf is rejected and counted; nothing is emitted.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/units.hpp"
#include "../stats/time_features.hpp"
#include "band_power.hpp"
#include "peaks.hpp"
#include "to_db.hpp"
#include "welch.hpp"

namespace nerve::spectral {

template <std::size_t F, std::size_t Bands, std::size_t K>
struct edge_features_result {
    float rms = 0, skewness = 0, kurtosis = 0;             ///< of the mean-removed frame
    std::array<float, F / 2 + 1> spectrum{};               ///< max-hold power per bin (dB when log)
    float spectral_skewness = 0, spectral_kurtosis = 0;    ///< of the spectrum values
    std::array<float, Bands> band_powers{};                ///< V^2 (dB when log)
    peak_list<K> peaks{};                                  ///< top-K peaks of the linear spectrum
};

template <std::size_t W, std::size_t F, std::size_t Bands = 4, std::size_t K = 3>
class edge_spectral_features {
    static_assert(F <= W, "edge_spectral_features: FFT length F must not exceed the window W");

public:
    using input_type = std::span<const float, W>;
    using output_type = edge_features_result<F, Bands, K>;

    /// fs: sample rate of the frames; edges: band-power edges in Hz; overlap: FFT sub-frames hop
    /// F/2 (else F); log: spectrum and band powers in dB.
    edge_spectral_features(sample_rate fs, const std::array<double, Bands + 1>& edges, bool overlap = true,
                           bool log = true, const window::spec& w = window::hann) noexcept
        : welch_(w, fs, scaling::spectrum, average::max_hold, 0, detrend::none), bands_(edges, log),
          hop_(overlap ? F / 2 : F), log_(log) {}

    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (compute(frame)) emit(static_cast<const output_type&>(result_));
    }

    bool compute(input_type frame) noexcept {
        // Time domain: one pass for the mean, one for the central moments.
        if (!time_.compute(frame)) { ++rejected_; return false; }
        const auto& t = time_.result();
        result_.rms = t.std;  // RMS after mean removal
        result_.skewness = t.skewness;
        result_.kurtosis = t.kurtosis;
        for (std::size_t n = 0; n < W; ++n) centred_[n] = frame[n] - t.mean;
        // Max-hold of the F-point power spectra of the (mean-removed) sub-frames.
        welch_.restart();
        for (std::size_t s = 0; s + F <= W; s += hop_) {
            welch_.push(std::span<const float, F>{centred_.data() + s, F}, [](const auto&) {});
        }
        const auto linear = welch_.result();
        peaks_.compute(linear);
        result_.peaks = peaks_.result();
        bands_.compute(linear);
        for (std::size_t b = 0; b < Bands; ++b) result_.band_powers[b] = bands_.result()[b];
        spectrum_view<float> shown = linear;
        if (log_) {
            db_.compute(linear);
            shown = db_.result();
        }
        for (std::size_t k = 0; k < F / 2 + 1; ++k) result_.spectrum[k] = shown.values[k];
        stats::time_features_result<float, 0> s{};
        stats::compute_time_features(std::span<const float>{result_.spectrum}, std::array<double, 0>{},
                                     std::span<float>{}, s);
        result_.spectral_skewness = s.skewness;
        result_.spectral_kurtosis = s.kurtosis;
        return true;
    }

    const output_type& result() const noexcept { return result_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; welch_.reset(); result_ = {}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    stats::time_features<W> time_{};
    welch<F> welch_;
    band_power<Bands> bands_;
    dominant_peaks<K> peaks_{};
    to_db<F / 2 + 1> db_{};
    std::array<float, W> centred_{};
    output_type result_{};
    std::size_t hop_ = F / 2;
    bool log_ = true;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
