// nerve/spectral/periodogram.hpp — rfft's power spectrum alone, in place, in N + 2 values.
//
//   auto p = nerve::framer<1024, 512>{}
//          | nerve::spectral::periodogram<1024, float, nerve::window::family::hann>{1000.0_Hz};
//   p.push(x, [](const nerve::spectral::spectrum_view<float>& s) { s.values[k], s.frequency(k) });
//
// Per frame the steps of spectral::rfft (finiteness check, optional mean removal, window, real
// FFT, one-sided power or density as spectrum.hpp documents), sharing rfft's code, so the values
// are rfft's bit for bit; the emitted spectrum_view has no complex bins. What it saves is RAM:
// the window, the scaling and the detrending are template arguments, so the window is a table
// computed at compile time (flash on a microcontroller), and the windowed frame, its transform
// and its power share one buffer of N + 2 values (real_fft runs in place; each power value
// overwrites a value of the bins already read). RAM: that buffer and real_fft's work space, about
// 2 N values on a Cortex-M where rfft holds 4.5 N (window, frame, bins, power, work space):
// 8.2 KB instead of 18.5 KB for 1024 floats. Use rfft for the complex bins, a window chosen at
// run time or a Kaiser window (its beta is a double, not a template argument on every compiler).
//
// T may be float, double, q15, q31 or any type that converts to float (bfloat16); fixed-point
// and other non-floating frames are converted to float on the way into the window. The defaults
// (rectangular, spectrum scaling, no detrending) are rfft's; scipy.signal.periodogram's are
// density scaling and constant detrending.
//
// Bad input: a frame holding NaN or Inf (or values whose sum overflows) is rejected and counted
// (`rejected()`), nothing is emitted for it, and the last spectrum stays as it was. The frame
// counters are 32-bit (half of rfft's 16 bytes): at 1000 frames per second they wrap after
// 49 days, and view().index with them.
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

template <std::size_t N, class T = float, window::family Window = window::family::rectangular,
          scaling Scaling = scaling::spectrum, detrend Detrend = detrend::none>
class periodogram {
    static_assert(N >= 2 && N % 2 == 0, "nerve::spectral::periodogram needs an even N");
    static_assert(Window != window::family::kaiser, "nerve::spectral::periodogram: a Kaiser window needs rfft");

public:
    using sample_type = T;
    using value_type = real_t<T>;
    using input_type = std::span<const T, N>;
    using output_type = spectrum_view<value_type>;
    static constexpr std::size_t size = N;
    static constexpr std::size_t bins = N / 2 + 1;

    explicit periodogram(sample_rate fs = sample_rate{1.0}) noexcept : fs_(fs.value) {}

    /// Transforms one frame; on success emits the spectrum (valid until the next push).
    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (transform(frame)) emit(view());
    }

    /// Transforms one frame without emitting; false (the last spectrum kept) when it was rejected.
    bool transform(input_type frame) noexcept {
        // A rejected frame leaves the buffer (the last spectrum) untouched.
        if (!detail::detrend_and_window<T, N>(frame, window_.data(), Detrend == detrend::constant, buf_.data())) {
            ++rejected_;
            return false;
        }
        auto* X = reinterpret_cast<std::complex<value_type>*>(buf_.data());
        fft_.forward(std::span<const value_type, N>{buf_.data(), N}, std::span<std::complex<value_type>, bins>{X, bins});
        detail::one_sided_power<N, true>(X, buf_.data(), scale());
        ++frames_;
        return true;
    }

    /// The spectrum of the last transformed frame (values only: the bins were overwritten).
    output_type view() const noexcept {
        return detail::frame_view<N>(std::span<const value_type>{buf_.data(), bins}, window_, fs_, frames_,
                                     Scaling == scaling::spectrum ? quantity::power : quantity::density);
    }

    static constexpr const window::table<value_type, N>& window_table() noexcept { return window_; }
    double sample_rate_hz() const noexcept { return fs_; }

    /// Frames transformed / rejected since construction or reset() (32-bit, see the file comment).
    std::uint32_t frames() const noexcept { return frames_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        frames_ = 0;
        rejected_ = 0;
        buf_.fill(value_type(0));
    }

    template <class V>
    void visit_state(V& v) {
        v(frames_);
        v(rejected_);
    }

private:
    // rfft's scale, from the same table: spectrum scaling is a compile-time constant; density
    // needs fs, so it is computed per frame (a division beside an N-point transform) rather than
    // kept in RAM.
    value_type scale() const noexcept {
        if constexpr (Scaling == scaling::spectrum) return spectrum_scale;
        else return static_cast<value_type>(1.0 / (fs_ * window_.sum_squares()));
    }

    static constexpr window::table<value_type, N> window_{window::spec{Window}};
    static constexpr value_type spectrum_scale = static_cast<value_type>(1.0 / (window_.sum() * window_.sum()));
    real_fft<value_type, N> fft_{};
    std::array<value_type, N + 2> buf_{};
    double fs_ = 1.0;
    std::uint32_t frames_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::spectral
