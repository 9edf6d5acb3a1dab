// nerve/spectral/lomb_scargle.hpp — power spectral density of an unevenly sampled series.
//
//   // Heart-rate variability: RR intervals (ms) at their beat times, last 5 minutes, every 30 beats.
//   auto hrv = lomb_scargle<512, 257>{hertz{0.5 / 256}, 300.0, 30}
//            | band_power<3>{{0.0033, 0.04, 0.15, 0.4}};          // VLF, LF, HF in ms^2
//   hrv.push(timed_value<float>{beat_time_s, rr_ms}, [](std::span<const float, 3> b) { ... });
//
// Beat-to-beat intervals, readings with jitter or gaps, or a sensor that reports on change are
// not evenly sampled, so an FFT needs them resampled first (which colours the spectrum). The
// Lomb-Scargle periodogram fits a sinusoid at each frequency by least squares to the points as
// they are (Lomb 1976, Scargle 1982), with the usual time offset tau that makes the fit
// independent of where time starts:
//     P(w) = 1/2 [ (sum_i y_i cos w(t_i - tau))^2 / sum_i cos^2 w(t_i - tau)
//                + (sum_i y_i sin w(t_i - tau))^2 / sum_i sin^2 w(t_i - tau) ],
//     tan(2 w tau) = sum_i sin 2 w t_i / sum_i cos 2 w t_i,
// with y the values less their mean: scipy.signal.lombscargle(t, y, w, precenter=True). A term
// whose denominator vanishes (the sine term at the Nyquist frequency of evenly spaced points)
// counts 0.
//
// Output: a spectrum_view (quantity::density) of Bins values at f_k = k df, k = 0 .. Bins - 1,
// in value units^2 / Hz: 2 D P(2 pi f_k), D = (t_last - t_first) / (n - 1) the mean spacing. For
// evenly spaced points at Fourier frequencies this is exactly scipy.signal.periodogram's density
// (rectangular window, mean removed), so the values sum, times df, to the variance when the
// grid reaches the mean Nyquist frequency 1 / (2 D); band_power integrates bands of it. Bin 0
// (the mean) reads 0. For band sums to hold a sinusoid's power, df must not exceed the window's
// resolution 1 / (t_last - t_first): the peak of a tone is 1 / T wide, and a coarser grid samples
// it too sparsely (at df = 1.17 / T an LF tone read 24 % low; at 0.59 / T within 5 %).
//
// Window: the points of the last `window_s` seconds (at most Capacity of them; a full buffer
// drops its oldest point). A spectrum is computed and emitted every `update_every` accepted
// points once at least 4 are held (compute() does it on demand). Cost: n x Bins complex
// rotations (the phases advance by a per-point rotation from bin to bin, restarted from sin/cos
// every 16 bins so float rounding cannot accumulate). RAM for float: 16 Capacity (the points,
// times in double) + 20 Bins bytes.
//
// Bad input: a point whose time or value is not finite, or whose time does not increase, is
// rejected and counted (`rejected()`) and changes nothing.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>

#include "../core/constexpr_math.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"
#include "../core/units.hpp"
#include "spectrum.hpp"

namespace nerve::spectral {

/// A value with the time it was taken at, in seconds (any origin; double keeps microseconds
/// over years).
template <class T>
struct timed_value {
    double t_s = 0.0;
    T value{};

    template <class V>
    void visit_state(V& v) { v(t_s); v(value); }
};

template <std::size_t Capacity, std::size_t Bins, class T = float>
class lomb_scargle {
    static_assert(Capacity >= 4, "nerve::spectral::lomb_scargle needs room for at least 4 points");
    static_assert(Bins >= 2, "nerve::spectral::lomb_scargle needs at least 2 bins");
    static_assert(std::is_floating_point_v<T>, "nerve::spectral::lomb_scargle takes float or double values");

public:
    using input_type = timed_value<T>;
    using output_type = spectrum_view<T>;

    /// df: bin spacing; window_s: how far back points are kept (> 0; Inf: only Capacity limits);
    /// update_every: accepted points between spectra (>= 1).
    constexpr lomb_scargle(hertz df, double window_s, std::size_t update_every = 1) noexcept
        : df_(df.value), window_s_(window_s), every_(update_every ? update_every : 1) {}

    template <class Emit>
    void push(const input_type& p, Emit&& emit) {
        if (!add(p)) return;
        if (++since_ < every_) return;
        if (compute()) {
            since_ = 0;
            emit(static_cast<const output_type&>(view_));
        }
    }

    /// Takes one point into the window; false (and counted) if rejected.
    bool add(const input_type& p) noexcept {
        if (!finite(p) || (!points_.empty() && !(p.t_s > points_.back().t_s))) { ++rejected_; return false; }
        points_.push(p);
        while (points_.size() > 1 && p.t_s - points_.front().t_s > window_s_) points_.pop();
        return true;
    }

    /// The spectrum of the points held now into result(); false with fewer than 4 points.
    bool compute() noexcept {
        const std::size_t n = points_.size();
        if (n < 4) return false;
        const double t0 = points_.front().t_s;
        double mean = 0;
        for (std::size_t i = 0; i < n; ++i) mean += static_cast<double>(points_[i].value);
        mean /= static_cast<double>(n);
        // Point by point, bin by bin: the phase w_k t advances by a rotation of dw t per bin and
        // restarts from sin/cos every `restart_every` bins. Sums per bin, in point order.
        yc_.fill(T(0));
        ys_.fill(T(0));
        c2_.fill(T(0));
        s2_.fill(T(0));
        for (std::size_t i = 0; i < n; ++i) {
            // Phases in turns, reduced to [-1/2, 1/2] here: libm's own reduction of hundreds of
            // radians (Payne-Hanek in newlib's sinf) cost the Cortex-M4 ~9 M instructions a spectrum.
            const T turns = static_cast<T>(df_ * (points_[i].t_s - t0));  // of bin 1 at this point
            const T y = static_cast<T>(static_cast<double>(points_[i].value) - mean);
            T step_c, step_s;
            cos_sin_turns(turns, step_c, step_s);
            T c = 0, sn = 0;
            for (std::size_t k = 1; k < Bins; ++k) {
                if ((k - 1) % restart_every == 0) {
                    cos_sin_turns(static_cast<T>(k) * turns, c, sn);
                } else {
                    const T next_c = c * step_c - sn * step_s;
                    sn = sn * step_c + c * step_s;
                    c = next_c;
                }
                yc_[k] += y * c;
                ys_[k] += y * sn;
                c2_[k] += (c - sn) * (c + sn);  // cos 2wt
                s2_[k] += 2 * sn * c;           // sin 2wt
            }
        }
        const double spacing = (points_.back().t_s - t0) / static_cast<double>(n - 1);
        const T scale = static_cast<T>(spacing);  // 2 D x the 1/2 of P
        const T half_n = static_cast<T>(n) / 2;
        // Below this a sum of squares is rounding, not signal (the Nyquist sine term): 0/0 -> 0.
        const T tiny = static_cast<T>(n) * std::numeric_limits<T>::epsilon() * 8;
        out_[0] = T(0);
        for (std::size_t k = 1; k < Bins; ++k) {
            // 2 w tau = atan2(s2, c2); cos and sin of w tau by the half-angle formulas.
            const T r = std::sqrt(c2_[k] * c2_[k] + s2_[k] * s2_[k]);
            T ct = 1, st = 0;
            if (r > 0) {
                ct = std::sqrt((1 + c2_[k] / r) / 2);
                st = std::sqrt((1 - c2_[k] / r) / 2);
                if (s2_[k] < 0) st = -st;
            }
            const T num_c = yc_[k] * ct + ys_[k] * st;
            const T num_s = ys_[k] * ct - yc_[k] * st;
            const T den_c = half_n + r / 2;  // sum cos^2 w(t - tau)
            const T den_s = half_n - r / 2;  // sum sin^2 w(t - tau)
            T p = den_c > tiny ? num_c * num_c / den_c : T(0);
            if (den_s > tiny) p += num_s * num_s / den_s;
            out_[k] = scale * p;
        }
        ++spectra_;
        view_.values = std::span<const T>{out_};
        view_.bin_hz = df_;
        view_.enbw_bins = 1.0;
        view_.window_sum = static_cast<double>(n);
        view_.fft_size = 2 * (Bins - 1);
        view_.index = spectra_;
        view_.kind = quantity::density;
        return true;
    }

    const output_type& result() const noexcept { return view_; }
    std::size_t points() const noexcept { return points_.size(); }
    /// Seconds from the oldest point held to the newest (0 with fewer than 2).
    double span_s() const noexcept { return points_.size() < 2 ? 0.0 : points_.back().t_s - points_.front().t_s; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept {
        points_.clear();
        since_ = 0;
        spectra_ = 0;
        rejected_ = 0;
        view_ = {};
    }

    template <class V>
    void visit_state(V& v) {
        points_.visit_state(v);
        v(since_);
        v(spectra_);
        v(rejected_);
    }
    /// Refuses restored state whose buffer indices are out of range or whose points are not
    /// finite and increasing in time.
    bool state_is_valid() const noexcept {
        if (!points_.state_is_valid()) return false;
        for (std::size_t i = 0; i < points_.size(); ++i) {
            const auto& p = points_[i];
            if (!finite(p)) return false;
            if (i > 0 && !(p.t_s > points_[i - 1].t_s)) return false;
        }
        return true;
    }

private:
    static constexpr std::size_t restart_every = 16;

    static constexpr bool finite(const input_type& p) noexcept { return is_finite(p.t_s) && is_finite(p.value); }

    // cos and sin of 2 pi x (x in turns), after taking whole turns off exactly.
    static void cos_sin_turns(T x, T& c, T& s) noexcept {
        T frac = x - std::floor(x);
        if (frac > T(0.5)) frac -= 1;
        const T a = static_cast<T>(2 * cmath::pi) * frac;
        c = std::cos(a);
        s = std::sin(a);
    }

    double df_;
    double window_s_;
    std::size_t every_;
    ring_buffer<input_type, Capacity> points_{};
    std::size_t since_ = 0;
    std::uint64_t spectra_ = 0;
    std::uint64_t rejected_ = 0;
    // Per-bin sums of compute() (scratch, not state).
    std::array<T, Bins> yc_{}, ys_{}, c2_{}, s2_{};
    std::array<T, Bins> out_{};
    output_type view_{};
};

}  // namespace nerve::spectral
