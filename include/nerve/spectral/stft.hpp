// nerve/spectral/stft.hpp — short-time Fourier transform of a sample stream.
//
//   nerve::spectral::stft<256, 64> s{nerve::window::hann, 1000.0_Hz};
//   s.push(x, [](const spectrum_view<float>& f) { f.index, f.bins[k], f.values[k] });
//
// The composition nerve::framer<N, Hop, T> | rfft<N, T>, kept as one operator because it is the
// common case: frames of N samples every Hop samples (overlap N - Hop), each windowed and
// transformed (see rfft.hpp for scaling and detrending). Frame m (view.index) covers samples
// [m Hop, m Hop + N); its centre is at (m Hop + N / 2) / fs seconds, `frame_time(m)`.
// For scipy.signal.stft's numbers (boundary=None, padded=False, scaling 'spectrum' of the
// complex bins) divide the bins by window_sum.
//
// Bad input: frames containing NaN/Inf are rejected by the rfft stage and counted (the frame
// index still advances, so times stay right).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/framer.hpp"
#include "rfft.hpp"

namespace nerve::spectral {

template <std::size_t N, std::size_t Hop, class T = float>
class stft {
public:
    using input_type = T;
    using output_type = spectrum_view<real_t<T>>;

    explicit stft(const window::spec& w = window::hann, sample_rate fs = sample_rate{1.0},
                  scaling s = scaling::spectrum, detrend d = detrend::none) noexcept
        : fft_(w, fs, s, d) {}

    template <class Emit>
    void push(const T& x, Emit&& emit) {
        framer_.push(x, [&](std::span<const T, N> frame) {
            const std::uint64_t m = frame_index_++;
            if (fft_.transform(frame)) {
                output_type v = fft_.view();
                v.index = m;
                emit(static_cast<const output_type&>(v));
            }
        });
    }

    /// Centre time of frame m in seconds.
    double frame_time(std::uint64_t m) const noexcept {
        return (static_cast<double>(m) * Hop + N / 2.0) / fft_.sample_rate_hz();
    }
    std::uint64_t frames() const noexcept { return frame_index_; }
    std::uint64_t rejected() const noexcept { return fft_.rejected(); }

    void reset() noexcept {
        framer_.reset();
        fft_.reset();
        frame_index_ = 0;
    }

    template <class V>
    void visit_state(V& v) {
        v(framer_);
        v(fft_);
        v(frame_index_);
    }

private:
    nerve::framer<N, Hop, T> framer_{};
    rfft<N, T> fft_;
    std::uint64_t frame_index_ = 0;
};

}  // namespace nerve::spectral
