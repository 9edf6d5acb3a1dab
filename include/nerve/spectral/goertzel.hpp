// nerve/spectral/goertzel.hpp — the DTFT of a frame at K chosen frequencies (generalised Goertzel).
//
//   auto p = nerve::framer<1024, 1024>{}
//          | nerve::spectral::goertzel<1024, 3>{{bpfo_hz, 2 * bpfo_hz, 50.0}, nerve::sample_rate{fs}, nerve::window::hann};
//   p.push(x, [](std::span<const nerve::spectral::tone<float>, 3> t) { t[0].power, t[0].value });
//
// For each frame x[0 .. N-1] and each frequency f_k in Hz it emits
//     X(f_k) = sum_n w[n] x[n] e^{-j 2 pi f_k n / fs}        (phase relative to the frame's first sample)
// for any real f_k, not only multiples of fs / N: on a bin, X(k fs / N) is numpy.fft.rfft's X[k]
// (and nerve's rfft's bins[k]). Beside it, `power` is calibrated as spectrum_view's
// quantity::power (spectrum.hpp): P = c |X|^2 / (sum w)^2 with c = 2, or 1 at f = 0 and f = fs / 2
// (mod fs), so a sine of amplitude A at f_k reads A^2 / 2 under every window (the window's
// coherent gain divided out). Off a bin the sine's negative-frequency image leaks in: the reading is
// A^2/2 |1 + e^{j2phi} W(2 f) / W(0)|^2, W the window's transform, which for f at least a few
// main-lobe widths from 0 and fs/2 is A^2 / 2 to the window's sidelobe level (Hann at 10 bins: 1e-4).
// Cost: about 4.5 flops per sample per frequency. On a Cortex-M4F (bench/mcu/goertzel_1024.cpp, cycle
// model of tools/mcu_cycles.py) goertzel<1024, 4> takes 38.7k cycles (9.4 per sample per frequency,
// 15.7k for K = 1) against 88k for rfft<1024>{hann}: cheaper up to about 8 frequencies, and 4.9 KB
// of RAM against 18.5 KB. On a SIMD host the FFT wins even at K = 1 (bench_spectral_more.cpp).
//
// The recurrence. Plain Goertzel, s[n] = x[n] + 2 cos(w) s[n-1] - s[n-2], is ill-conditioned in
// float near DC and Nyquist: 2 cos(w) rounded to float moves the frequency by ~eps / w, and the
// rounding errors of s are amplified by up to 1 / sin(w). Measured against float64 (Hann, tone plus
// noise) its error reaches 1.3e-3 of sum|w x| at N = 1024 and 1.9e-2 at N = 4096 near DC or
// Nyquist. So this operator uses:
//  - Reinsch's form, d[n] = d[n-1] + lambda s[n-1] + x[n], s[n] = s[n-1] + d[n] with
//    lambda = -4 sin^2(w'/2): lambda keeps its relative precision as w' -> 0. Frequencies with
//    cos(w) < 0 run the same form at w' = w - pi on the input modulated by (-1)^n (the same DTFT:
//    X(w) = sum (-1)^n x[n] e^{-j w' n}), so |w'| <= pi / 2 always, and near Nyquist is as good as
//    near DC.
//  - Blocks of 64 samples: each block's recurrence starts from zero, its DTFT is finished from the
//    last d and s (run_block) and added with a twiddle e^{-j w' m}, m the block's last sample, from
//    a table computed in double at construction. The rounding errors of a recurrence grow faster than
//    linearly with its length; 64-sample blocks cap that growth, and the table (not a rotating
//    phasor, whose rounded angle drifts coherently: 5e-6 at N = 4096) adds only a rounding per block.
// Error bound (T = float). error = |X - X_ref| / sum_n |w[n] x[n]| (the largest |X| the frame could
// have), X_ref the float64 DTFT of the same float frame. Measured worst case over 300 frequencies per
// region (low: f < fs/8, mid, high: f > 3 fs/8), each frame a unit tone exactly at the analysed
// frequency (the largest state) plus DC and noise; x86-64 with and without FMA contraction:
//        N        low        mid       high      (Hann; rectangular and flat top alike)
//       256     3.0e-7     8.8e-7     5.4e-7
//      1024     5.0e-7     7.9e-7     5.0e-7
//      4096     4.8e-7     7.8e-7     3.7e-7
//     16384     5.8e-7     7.7e-7     5.1e-7      (65536: 1.1e-6)
// Stated bound: error <= 1.5e-6 for N <= 16384, at every frequency (the blocks make it nearly
// independent of N; it grows like sqrt(N / 64) block errors beyond that). For comparison, plain float
// Goertzel measures 3e-4 / 1.3e-3 / 1.9e-2 near DC or Nyquist at N = 256 / 1024 / 4096, and unblocked
// Reinsch 3e-6 / 1.2e-5 / 4.9e-5 mid band. tests/spectral/test_goertzel.cpp checks the bound on
// every target at N = 256, 1024, 4096 in all three regions (numpy golden values and a tone sweep).
// With T = double everything runs in double (error ~1e-15). Per-sample arithmetic is in real_t<T>
// only: float on a Cortex-M4F, no soft double; the per-block and per-frame finishing too.
//
// T may be float, double, q15 or q31. Fixed-point samples enter the recurrence as their raw
// integers converted to float (exact for q15, 24 bits of q31) and the 2^-15 / 2^-31 scale is applied
// to the K results, so no per-sample conversion through double.
//
// Frequencies: any finite f (the DTFT is 2 pi periodic: f + fs reads as f, -f as conj). A NaN or Inf
// frequency (or fs <= 0) is a precondition violation (NERVE_ASSERT); with assertions off its result
// is NaN and every frame is rejected, i.e. counted, never silently wrong.
//
// Bad input: a frame holding NaN or Inf (or values so large the recurrence overflows) gives a
// non-finite result; the frame is then rejected and counted (`rejected()`), nothing is emitted and
// the results of the last good frame stay. The recurrence starts from zero every frame, so nothing
// is carried over: the next good frame comes out exactly as if the bad one had never arrived.
// With detrend::constant the frame's mean is removed first (as rfft); that pass also checks finiteness.
//
// RAM: the window table (N values of R) plus per frequency ceil(N / 64) complex twiddles and the
// result; sizeof(goertzel<1024, 4>) is 4856 bytes. Construction is constexpr (a `constinit`
// object costs nothing at start-up).
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/constexpr_math.hpp"
#include "../core/fixed_point.hpp"
#include "../core/static_for.hpp"
#include "../core/units.hpp"
#include "spectrum.hpp"
#include "window.hpp"

namespace nerve::spectral {

/// One frequency's result: the DTFT of the windowed frame and its calibrated one-sided power.
template <class R>
struct tone {
    std::complex<R> value{};  ///< X(f) = sum w[n] x[n] e^{-j 2 pi f n / fs} (sample units x window)
    R power = 0;              ///< c |X|^2 / (sum w)^2, V^2: a sine of amplitude A at f reads A^2 / 2
};

template <std::size_t N, std::size_t K, class T = float>
class goertzel {
    static_assert(N >= 1, "nerve::spectral::goertzel needs N >= 1");
    static_assert(K >= 1, "nerve::spectral::goertzel needs at least one frequency");
    static_assert(nerve::sample_type<T>, "nerve::spectral::goertzel: T must be float, double, q15 or q31");

public:
    using sample_type = T;
    using value_type = real_t<T>;
    using result_type = tone<value_type>;
    using input_type = std::span<const T, N>;
    using output_type = std::span<const result_type, K>;
    static constexpr std::size_t size = N;
    static constexpr std::size_t frequencies_count = K;
    /// Samples per block of the recurrence (see the file comment); the last block may be shorter.
    static constexpr std::size_t block = 64;
    static constexpr std::size_t blocks = (N + block - 1) / block;

    /// frequencies_hz: the K frequencies in Hz (cycles per sample when fs is left at 1).
    constexpr explicit goertzel(const std::array<double, K>& frequencies_hz, sample_rate fs = sample_rate{1.0},
                                const window::spec& w = window::rectangular, detrend d = detrend::none) noexcept
        : window_(w), freq_(frequencies_hz), fs_(fs.value), detrend_(d) {
        NERVE_ASSERT(fs_ > 0.0 && fs_ - fs_ == 0.0);
        // Fixed point: the recurrence runs on raw integers; scale the results back.
        double unit = 1.0;
        if constexpr (is_fixed_point_v<T>) unit = 1.0 / static_cast<double>(std::int64_t{1} << T::frac_bits);
        const double wsum = window_.sum();
        for (std::size_t k = 0; k < K; ++k) {
            NERVE_ASSERT(freq_[k] - freq_[k] == 0.0);
            // Reduced frequency r in [0, 1) cycles per sample, then w' = 2 pi rp, |rp| <= 1/4.
            const double r = frac(freq_[k] / fs_);
            const bool high = r > 0.25 && r < 0.75;
            const double rp = high ? r - 0.5 : (r >= 0.75 ? r - 1.0 : r);
            const double half = cmath::sin(cmath::pi * rp);  // sin(w'/2)
            coef_[k].lambda = static_cast<value_type>(-4.0 * half * half);
            coef_[k].h = static_cast<value_type>(2.0 * half * half);
            coef_[k].sin_w = static_cast<value_type>(cmath::sin(2.0 * cmath::pi * rp));
            coef_[k].sign = high ? value_type(-1) : value_type(1);
            const double c = (r == 0.0 || r == 0.5) ? 1.0 : 2.0;
            coef_[k].unit = static_cast<value_type>(unit);
            coef_[k].power_scale = static_cast<value_type>(c * unit * unit / (wsum * wsum));
            for (std::size_t b = 0; b < blocks; ++b) {
                // e^{-j w' m}, m the block's last sample; the angle reduced in cycles first.
                const std::size_t last = (b + 1) * block < N ? (b + 1) * block - 1 : N - 1;
                const double a = -2.0 * cmath::pi * signed_frac(rp * static_cast<double>(last));
                twiddle_[k][b] = {static_cast<value_type>(cmath::cos(a)), static_cast<value_type>(cmath::sin(a))};
            }
        }
    }

    /// Analyses one frame; on success emits the K results (valid until the next push).
    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (compute(frame)) emit(result());
    }

    /// Analyses one frame without emitting; false when it was rejected (non-finite).
    bool compute(input_type frame) noexcept {
        using R = value_type;
        R mean = 0;
        if (detrend_ == detrend::constant) {
            if constexpr (is_fixed_point_v<T>) {
                // Raw integers summed exactly (no conversion through double per sample).
                std::int64_t sum = 0;
                for (std::size_t n = 0; n < N; ++n) sum += frame[n].raw;
                mean = static_cast<R>(sum) / static_cast<R>(N);
            } else {
                R sum = 0;
                if (!detail::all_finite<T>(std::span<const T>{frame}, sum)) { ++rejected_; return false; }
                mean = sum / static_cast<R>(N);
            }
        }
        std::array<R, K> re{}, im{};
        const T* x = frame.data();
        const R* w = window_.data();
        for (std::size_t b = 0; b < blocks; ++b) {
            const std::size_t b0 = b * block, b1 = b0 + block < N ? b0 + block : N;
            nerve::detail::static_for<(K + group - 1) / group>([&](auto gi) {
                constexpr std::size_t k0 = decltype(gi)::value * group;
                constexpr std::size_t g = K - k0 < group ? K - k0 : group;
                run_block<k0, g>(x, w, mean, b0, b1, b, re, im);
            });
        }
        for (std::size_t k = 0; k < K; ++k) {
            if (!(re[k] - re[k] == R(0) && im[k] - im[k] == R(0))) { ++rejected_; return false; }
        }
        for (std::size_t k = 0; k < K; ++k) {
            const R u = coef_[k].unit;
            out_[k].value = {re[k] * u, im[k] * u};
            out_[k].power = (re[k] * re[k] + im[k] * im[k]) * coef_[k].power_scale;
        }
        ++frames_;
        return true;
    }

    /// The results of the last good frame (zeros before the first).
    output_type result() const noexcept { return output_type{out_}; }
    /// The frequencies, in Hz as given.
    const std::array<double, K>& frequencies() const noexcept { return freq_; }
    double sample_rate_hz() const noexcept { return fs_; }
    const window::table<value_type, N>& window_table() const noexcept { return window_; }

    /// Frames analysed / rejected since construction or reset().
    std::uint64_t frames() const noexcept { return frames_; }
    std::uint64_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        frames_ = 0;
        rejected_ = 0;
        out_.fill(result_type{});
    }

    template <class V>
    void visit_state(V& v) {
        v(frames_);
        v(rejected_);
    }

private:
    static constexpr std::size_t group = 4;  // frequencies sharing one pass over a block

    struct coefficients {
        real_t<T> lambda = 0;       // -4 sin^2(w'/2)
        real_t<T> h = 0;            // 2 sin^2(w'/2) = 1 - cos(w')
        real_t<T> sin_w = 0;        // sin(w')
        real_t<T> sign = 1;         // -1: the input is modulated by (-1)^n (w' = w - pi)
        real_t<T> unit = 1;         // 2^-frac_bits for fixed point, else 1
        real_t<T> power_scale = 0;  // c unit^2 / (sum w)^2
    };

    // x - floor(x) in [0, 1), constexpr; |x| >= 2^52 is an integer (0).
    static constexpr double frac(double x) noexcept {
        if (!(x - x == 0.0)) return x - x;  // NaN stays NaN
        if (cmath::abs(x) >= 4503599627370496.0) return 0.0;
        const double t = static_cast<double>(static_cast<std::int64_t>(x));
        const double f = x - t;
        return f < 0.0 ? f + 1.0 : f;
    }
    // x reduced to [-1/2, 1/2].
    static constexpr double signed_frac(double x) noexcept {
        const double f = frac(x);
        return f > 0.5 ? f - 1.0 : f;
    }

    static constexpr real_t<T> sample(const T& v) noexcept {
        if constexpr (is_fixed_point_v<T>) return static_cast<real_t<T>>(v.raw);
        else return v;
    }

    // Frequencies k0 .. k0 + G - 1 over samples [b0, b1) (b0 even): Reinsch's recurrence from zero,
    // then the block's DTFT y = (d + h s[-2]) + j sin(w') s[-2] (relative to its last sample),
    // rotated by the block's twiddle and added to (re, im). The j loops unroll (static_for), so d,
    // s and the coefficients stay in registers.
    template <std::size_t K0, std::size_t G>
    NERVE_ALWAYS_INLINE void run_block(const T* x, const real_t<T>* w, real_t<T> mean, std::size_t b0, std::size_t b1,
                                       std::size_t b, std::array<real_t<T>, K>& re,
                                       std::array<real_t<T>, K>& im) const noexcept {
        using R = real_t<T>;
        R d[G], s[G], lam[G], sg[G];
        nerve::detail::static_for<G>([&](auto j) {
            d[j] = 0;
            s[j] = 0;
            lam[j] = coef_[K0 + j].lambda;
            sg[j] = coef_[K0 + j].sign;
        });
        std::size_t n = b0;
        for (; n + 1 < b1; n += 2) {
            const R x0 = (sample(x[n]) - mean) * w[n];
            const R x1 = (sample(x[n + 1]) - mean) * w[n + 1];
            nerve::detail::static_for<G>([&](auto j) {
                d[j] = d[j] + lam[j] * s[j] + x0;
                s[j] = s[j] + d[j];
            });
            // Odd samples: modulated by -1 for frequencies run at w - pi.
            nerve::detail::static_for<G>([&](auto j) {
                d[j] = d[j] + lam[j] * s[j] + sg[j] * x1;
                s[j] = s[j] + d[j];
            });
        }
        if (n < b1) {  // an odd-length last block: its last sample has an even index
            const R x0 = (sample(x[n]) - mean) * w[n];
            nerve::detail::static_for<G>([&](auto j) {
                d[j] = d[j] + lam[j] * s[j] + x0;
                s[j] = s[j] + d[j];
            });
        }
        nerve::detail::static_for<G>([&](auto j) {
            constexpr std::size_t k = K0 + decltype(j)::value;
            const R s2 = s[j] - d[j];
            const R yr = d[j] + coef_[k].h * s2, yi = coef_[k].sin_w * s2;
            const R tr = twiddle_[k][b].real(), ti = twiddle_[k][b].imag();
            re[k] += yr * tr - yi * ti;
            im[k] += yr * ti + yi * tr;
        });
    }

    window::table<value_type, N> window_;
    std::array<std::array<std::complex<value_type>, blocks>, K> twiddle_{};
    std::array<coefficients, K> coef_{};
    std::array<double, K> freq_{};
    std::array<result_type, K> out_{};
    double fs_ = 1.0;
    detrend detrend_ = detrend::none;
    std::uint64_t frames_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
