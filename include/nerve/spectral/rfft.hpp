// nerve/spectral/rfft.hpp — the windowed real FFT as a pipeline stage.
//
//   auto p = nerve::framer<1024, 512>{} | nerve::spectral::rfft<1024>{nerve::window::hann, 1000.0_Hz};
//   p.push(x, [](const nerve::spectral::spectrum_view<float>& s) { s.values[k], s.bins[k], s.frequency(k) });
//
// Input: a frame `std::span<const T, N>` (from nerve::framer). Per frame: optional mean
// removal (detrend::constant), multiply by the window, real FFT (nerve::spectral::real_fft,
// numpy.fft.rfft convention), then the one-sided power (scaling::spectrum, the default) or
// power spectral density (scaling::density) as documented in spectrum.hpp. The emitted
// spectrum_view carries both the power values and the raw complex bins X[k] of the windowed
// frame (for phase, the Hilbert transform or spectral kurtosis); a sine of amplitude A on bin k
// has |X[k]| = A sum(w) / 2, i.e. amplitude = 2 |X[k]| / window_sum. spectral::periodogram
// (periodogram.hpp) computes the same power values, without the bins, in less than half the RAM.
//
// T may be float, double, q15 or q31; fixed-point frames are converted to float on the way
// into the window (the transform runs in real_t<T>).
//
// Bad input: a frame holding NaN or Inf (or values whose sum overflows) is rejected and
// counted (`rejected()`), nothing is emitted for it, and no state is touched, so the next good
// frame comes out exactly as if the bad one had never arrived.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/units.hpp"
#include "real_fft.hpp"
#include "spectrum.hpp"
#include "window.hpp"

namespace nerve::spectral {

template <std::size_t N, class T = float>
class rfft {
    static_assert(N >= 2 && N % 2 == 0, "nerve::spectral::rfft needs an even N");

public:
    using sample_type = T;
    using value_type = real_t<T>;
    using input_type = std::span<const T, N>;
    using output_type = spectrum_view<value_type>;
    static constexpr std::size_t size = N;
    static constexpr std::size_t bins = N / 2 + 1;

    explicit rfft(const window::spec& w = window::rectangular, sample_rate fs = sample_rate{1.0},
                  scaling s = scaling::spectrum, detrend d = detrend::none) noexcept
        : window_(w), fs_(fs.value), scaling_(s), detrend_(d) {
        const double scale = s == scaling::spectrum ? 1.0 / (window_.sum() * window_.sum())
                                                    : 1.0 / (fs_ * window_.sum_squares());
        scale_ = static_cast<value_type>(scale);
    }

    /// Transforms one frame; on success emits the spectrum (valid until the next push).
    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (transform(frame)) emit(view());
    }

    /// Transforms one frame into the internal buffers without emitting; false when the frame
    /// was rejected (non-finite). `view()` then describes the last good frame.
    bool transform(input_type frame) noexcept {
        if (!detail::detrend_and_window<T, N>(frame, window_.data(), detrend_ == detrend::constant, buf_.data())) {
            ++rejected_;
            return false;
        }
        fft_.forward(std::span<const value_type, N>{buf_}, std::span<std::complex<value_type>, bins>{bins_});
        detail::one_sided_power<N, false>(bins_.data(), power_.data(), scale_);
        ++frames_;
        return true;
    }

    /// The spectrum of the last transformed frame.
    output_type view() const noexcept {
        output_type v = detail::frame_view<N>(std::span<const value_type>{power_}, window_, fs_, frames_,
                                              scaling_ == scaling::spectrum ? quantity::power : quantity::density);
        v.bins = std::span<const std::complex<value_type>>{bins_};
        return v;
    }

    /// The windowed (and detrended) frame that went into the last transform.
    std::span<const value_type, N> windowed() const noexcept { return std::span<const value_type, N>{buf_}; }
    const window::table<value_type, N>& window_table() const noexcept { return window_; }
    double sample_rate_hz() const noexcept { return fs_; }
    scaling scaling_mode() const noexcept { return scaling_; }

    /// Frames transformed / rejected since construction or reset().
    std::uint64_t frames() const noexcept { return frames_; }
    std::uint64_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        frames_ = 0;
        rejected_ = 0;
        power_.fill(value_type(0));
        bins_.fill(std::complex<value_type>{});
    }

    template <class V>
    void visit_state(V& v) {
        v(frames_);
        v(rejected_);
    }

private:
    window::table<value_type, N> window_;
    real_fft<value_type, N> fft_{};
    std::array<value_type, N> buf_{};
    std::array<std::complex<value_type>, bins> bins_{};
    std::array<value_type, bins> power_{};
    double fs_ = 1.0;
    value_type scale_ = 1;
    scaling scaling_ = scaling::spectrum;
    detrend detrend_ = detrend::none;
    std::uint64_t frames_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
