// nerve/spectral/welch.hpp — Welch power spectrum: mean or max-hold of windowed periodograms.
//
//   auto p = nerve::framer<1024, 512>{}
//          | nerve::spectral::welch<1024>{nerve::window::hann, 1000.0_Hz, scaling::density, average::mean, 8};
//
// Matches scipy.signal.welch(x, fs, window, nperseg=N, noverlap=N-Hop, detrend='constant',
// return_onesided=True, scaling=..., average='mean') when fed the frames of nerve::framer<N, Hop>:
// every frame is detrended (mean removed; `detrend::none` to skip), windowed, transformed and
// scaled as in spectrum.hpp, then averaged (average::mean) or held at its per-bin maximum
// (average::max_hold, as Edge Impulse's spectral block does). Log output: `| spectral::to_db`.
//
// Emission: with `segments` = K > 0 the estimate is emitted after every K accepted frames and the
// accumulation restarts; with K = 0 nothing is emitted on push, and `flush(emit)` emits what has
// accumulated so far (and restarts), e.g. at the end of a recording. The view's `index` is the number
// of segments in the estimate.
//
// Accumulation is in `Acc` (double by default, so long averages do not drift). On an MCU whose FPU
// is single precision only (Cortex-M4F) double is software-emulated: per 1024-point frame the
// double accumulate costs about as much as half the FFT; welch<N, float, float> avoids it at the
// price of float rounding in the running sum (relative ~K * 6e-8 after K segments).
//
// Bad input: non-finite frames are rejected and counted (`rejected()`), not accumulated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "rfft.hpp"

namespace nerve::spectral {

/// How periodograms are combined.
enum class average : std::uint8_t { mean, max_hold };

template <std::size_t N, class T = float, class Acc = double>
class welch {
public:
    using value_type = real_t<T>;
    using input_type = std::span<const T, N>;
    using output_type = spectrum_view<value_type>;
    static constexpr std::size_t bins = N / 2 + 1;

    explicit welch(const window::spec& w = window::hann, sample_rate fs = sample_rate{1.0},
                   scaling s = scaling::density, average a = average::mean, std::size_t segments = 0,
                   detrend d = detrend::constant) noexcept
        : fft_(w, fs, s, d), average_(a), segments_(segments) {}

    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (!fft_.transform(frame)) return;
        accumulate();
        if (segments_ != 0 && count_ >= segments_) flush(emit);
    }

    /// Emits the current estimate if at least one segment is in it, then restarts.
    template <class Emit>
    void flush(Emit&& emit) {
        if (count_ == 0) return;
        emit(result());
        restart();
    }

    /// The current estimate (without restarting); valid until the next push/flush.
    output_type result() noexcept {
        const Acc inv = average_ == average::mean && count_ > 0 ? Acc(1) / static_cast<Acc>(count_) : Acc(1);
        for (std::size_t k = 0; k < bins; ++k) out_[k] = static_cast<value_type>(acc_[k] * inv);
        output_type v = fft_.view();
        v.values = std::span<const value_type>{out_};
        v.bins = {};
        v.index = count_;
        return v;
    }

    /// Segments accumulated in the current estimate.
    std::uint64_t segments() const noexcept { return count_; }
    std::uint64_t rejected() const noexcept { return fft_.rejected(); }

    void restart() noexcept {
        acc_.fill(Acc(0));
        count_ = 0;
    }
    void reset() noexcept {
        restart();
        fft_.reset();
    }

    template <class V>
    void visit_state(V& v) {
        v(acc_);
        v(count_);
        v(fft_);
    }

private:
    void accumulate() noexcept {
        const auto p = fft_.view().values;
        if (average_ == average::mean || count_ == 0) {
            if (count_ == 0) {
                for (std::size_t k = 0; k < bins; ++k) acc_[k] = static_cast<Acc>(p[k]);
            } else {
                for (std::size_t k = 0; k < bins; ++k) acc_[k] += static_cast<Acc>(p[k]);
            }
        } else {
            for (std::size_t k = 0; k < bins; ++k) {
                const Acc x = static_cast<Acc>(p[k]);
                if (x > acc_[k]) acc_[k] = x;
            }
        }
        ++count_;
    }

    rfft<N, T> fft_;
    std::array<Acc, bins> acc_{};
    std::array<value_type, bins> out_{};
    average average_ = average::mean;
    std::size_t segments_ = 0;
    std::uint64_t count_ = 0;
};

}  // namespace nerve::spectral
