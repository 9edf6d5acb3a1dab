// nerve/spectral/compact_welch.hpp — Welch's spectrum of half-overlapping segments, straight from
// samples, in 1.5 N values of RAM.
//
//   static nerve::spectral::compact_welch<4096> w{sample_rate{312.5}, scaling::spectrum, average::mean, 3};
//   w.push(x, [](const nerve::spectral::spectrum_view<float>& s) { s.values[k] ... });
//
// The same estimate as framer<N, N/2> | welch<N> (scipy.signal.welch with noverlap = N/2) for a
// cosine-sum window (Hann by default; Hamming, Blackman, Blackman-Harris, flat-top), without their
// memory: framer | periodogram and a sum take 3.5 N values on a Cortex-M (N frame, N + 2 bins,
// N FFT scratch, N/2 + 1 sums: 57.4 kB at 4096 floats; welch's double sums and rfft's bins more),
// this 1.5 N + 1 (the segment and the sums: 24.6 kB). How:
//   - samples land in the segment buffer itself; a full segment is transformed there by an
//     in-place FFT without scratch (detail/fft_inplace.hpp), with a rectangular window (on SIMD
//     hosts the first two radix-2 stages in place, then each quarter by the SIMD FFT, whose
//     scratch for N/8 complex points, 8.4 kB at 4096, is the only RAM beyond 1.5 N);
//   - the window is applied in frequency: a cosine-sum window of C terms is a (2C - 1)-tap
//     convolution of the rectangular bins, so the windowed power of each bin is computed from
//     its neighbours, as it is summed, without overwriting them;
//   - the inverse FFT then returns the segment's samples (exactly, but for float rounding: a
//     relative ~1e-7, 140 dB down), and its second half becomes the next segment's first half.
// The price is the inverse FFT and the windowing bin by bin: per 4096-point segment 1.9x framer |
// periodogram's instructions on a Cortex-M4 (bench/mcu/compact_welch.cpp), and 4.5x the time
// of framer | welch on x86 with AVX-512 (compact_welch/nerve/4096 against welch/nerve/4096 in
// nerve_bench; 6.8x with the in-place kernel alone). Use it where RAM is the limit (a
// microcontroller, many streams on a gateway); framer | welch otherwise.
//
// Detrending (detrend::constant, the default) removes each segment's mean before its transform, as
// scipy does; the mean goes back with the samples. Sums are kept in real_t<T> (float for float and
// fixed point: relative rounding ~K x 6e-8 after K segments, as welch<N, float, float>).
//
// Emission: as welch. With `segments` = K > 0 the estimate is emitted after every K accepted
// segments and restarts; with K = 0 only flush(emit) emits (and restarts). The emitted values are
// the sums, scaled in place: they stay readable (`estimate()`) until the next segment completes.
//
// Bad input: a segment holding NaN or Inf, or whose energy could overflow the transform (N times its
// sum of squares past T's range), is rejected and counted (`rejected()`), not summed; a bad sample
// spoils the two segments that contain it and nothing after them.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "../core/units.hpp"
#include "detail/fft_inplace.hpp"
#include "fft.hpp"
#include "spectrum.hpp"
#include "welch.hpp"
#include "window.hpp"

namespace nerve::spectral {

namespace detail {

/// Where compact_welch's transform runs blocked (see the file comment): float with a SIMD kernel
/// for the quarter-size blocks.
template <class R, std::size_t N>
inline constexpr bool compact_welch_blocked = fft_uses_simd<R, N / 8>;

/// The implementation behind compact_welch; Blocked = false forces the in-place kernel (the
/// Cortex-M path), which the tests compare with the blocked one on hosts.
template <std::size_t N, class T, window::family Window, bool Blocked>
class compact_welch_impl {
    static_assert(N >= 16 && (N & (N - 1)) == 0, "nerve::spectral::compact_welch needs a power-of-two N >= 16");
    static_assert(Window != window::family::kaiser,
                  "nerve::spectral::compact_welch: a Kaiser window is not a cosine sum (use framer | welch)");

public:
    using sample_type = T;
    using value_type = real_t<T>;
    using input_type = T;
    using output_type = spectrum_view<value_type>;
    static constexpr std::size_t size = N;
    static constexpr std::size_t hop = N / 2;
    static constexpr std::size_t bins = N / 2 + 1;

    explicit compact_welch_impl(sample_rate fs = sample_rate{1.0}, scaling s = scaling::density,
                           average a = average::mean, std::size_t segments = 0,
                           detrend d = detrend::constant) noexcept
        : fs_(fs.value), scaling_(s), average_(a), detrend_(d), segments_(segments) {}

    template <class Emit>
    void push(const T& x, Emit&& emit) {
        samples_[fill_++] = static_cast<R>(x);
        if (fill_ < N) return;
        segment();
        if (segments_ != 0 && count_ >= segments_) flush(emit);
    }

    /// Emits the estimate of the segments accepted since the last one, if any, and restarts.
    template <class Emit>
    void flush(Emit&& emit) {
        if (count_ == 0) return;
        if (average_ == average::mean) {
            const R inv = R(1) / static_cast<R>(count_);
            for (R& v : sums_) v *= inv;
        }
        emitted_ = count_;
        count_ = 0;
        emit(estimate());
    }

    /// The last emitted estimate, until the next segment completes (then empty).
    output_type estimate() const noexcept {
        output_type v;
        v.values = std::span<const R>{sums_.data(), emitted_ != 0 ? bins : 0};
        v.bin_hz = fs_ / static_cast<double>(N);
        v.enbw_bins = mean_square / (a[0] * a[0]);
        v.window_sum = static_cast<double>(N) * a[0];
        v.fft_size = N;
        v.index = emitted_;
        v.kind = scaling_ == scaling::spectrum ? quantity::power : quantity::density;
        return v;
    }

    /// Segments summed towards the next estimate.
    std::uint64_t segments() const noexcept { return count_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    /// Samples held towards the next segment (N/2 .. N - 1 once the first segment is complete).
    std::size_t buffered() const noexcept { return fill_; }
    double sample_rate_hz() const noexcept { return fs_; }

    void reset() noexcept {
        samples_.fill(R(0));
        sums_.fill(R(0));
        fill_ = 0;
        count_ = emitted_ = rejected_ = 0;
    }

    template <class V>
    void visit_state(V& v) {
        v(samples_);
        v(sums_);
        v(fill_);
        v(count_);
        v(emitted_);
        v(rejected_);
    }
    bool state_is_valid() const noexcept { return fill_ < N; }

private:
    using R = value_type;
    using C = std::complex<R>;
    static constexpr std::size_t M = N / 2;  // complex points: the real segment read as pairs

    // The window's cosine coefficients w[n] = sum_m (-1)^m a_m cos(2 pi m n / N), and its mean square
    // a_0^2 + sum_m>0 a_m^2 / 2 (exact for a periodic window: the cosines are orthogonal over N).
    static constexpr window::detail::cosine_coefficients cosines = window::detail::coefficients(Window);
    static constexpr std::size_t terms = static_cast<std::size_t>(cosines.count);
    static constexpr std::array<double, 5> a = cosines.a;
    static constexpr double mean_square = [] {
        double s = a[0] * a[0];
        for (std::size_t m = 1; m < terms; ++m) s += a[m] * a[m] / 2;
        return s;
    }();
    /// The windowed bin k: sum over |m| < terms of tap[|m|] X[k + m] (tap[m] = (-1)^m a_m / 2, tap[0] = a_0).
    static constexpr std::array<R, 5> tap = [] {
        std::array<R, 5> t{};
        t[0] = static_cast<R>(a[0]);
        for (std::size_t m = 1; m < terms; ++m) t[m] = static_cast<R>((m % 2 ? -a[m] : a[m]) / 2);
        return t;
    }();
    static constexpr std::size_t span = 2 * terms - 1;

    void segment() noexcept {
        R* x = samples_.data();
        R sum = 0, energy = 0;
        for (std::size_t n = 0; n < N; ++n) {
            sum += x[n];
            energy += x[n] * x[n];
        }
        // |X[k]|^2 <= N sum x^2: within range, so is every bin, windowed bin and power. NaN fails too.
        constexpr R limit = std::numeric_limits<R>::max() / static_cast<R>(4 * N);
        const bool accepted = energy <= limit;
        R mean = 0;
        if (accepted) {
            mean = detrend_ == detrend::constant ? sum / static_cast<R>(N) : R(0);
            if (mean != R(0))
                for (std::size_t n = 0; n < N; ++n) x[n] -= mean;
            forward();
            accumulate();
            inverse();
        } else {
            ++rejected_;
        }
        // The second half is the next segment's first half (after the transforms: `restored` times
        // the samples less their mean; a rejected segment was not touched).
        const R scale = accepted ? R(1) / restored : R(1);
        for (std::size_t n = 0; n < M; ++n) x[n] = x[n + M] * scale + mean;
        fill_ = M;
    }

    // The transform of z[n] = x[2n] + i x[2n+1] (M points) in samples_, and back. In place: Z[j] at
    // bit_reverse(j), M z back. Blocked: the fused first two stages in place, then each quarter's
    // DFT by the SIMD kernel in natural order, which leaves Z[4k + r] at rev2(r) M/4 + k (a DIF's
    // quarters hold the outputs r = 0, 2, 1, 3), and 4 z back.
    static constexpr R restored = Blocked ? R(4) : static_cast<R>(M);
    static constexpr std::size_t position(std::size_t j) noexcept {
        if constexpr (Blocked) return ((j & 1) << 1 | (j & 2) >> 1) * (M / 4) + (j >> 2);
        else return bit_reverse<M>(j);
    }
    void forward() noexcept {
        C* z = reinterpret_cast<C*>(samples_.data());
        if constexpr (Blocked) {
            inplace_forward_pass<R, M>(samples_.data(), M / 2);
            for (std::size_t b = 0; b < 4; ++b) {
                const std::span<C, M / 4> block{z + b * (M / 4), M / 4};
                blocks_.forward(block, block);
            }
        } else {
            inplace_forward<R, M>(z);
        }
    }
    void inverse() noexcept {
        C* z = reinterpret_cast<C*>(samples_.data());
        if constexpr (Blocked) {
            for (std::size_t b = 0; b < 4; ++b) {
                const std::span<C, M / 4> block{z + b * (M / 4), M / 4};
                blocks_.inverse(block, block);
            }
            inplace_inverse_pass<R, M>(samples_.data(), M / 2);
        } else {
            inplace_inverse<R, M>(z);
        }
    }

    /// Adds the windowed power of the segment transformed in samples_ (bit-reversed complex bins
    /// of the real sequence's even/odd pairs) to the sums.
    void accumulate() noexcept {
        const R* z = samples_.data();
        // X[k] of the real segment from Z (the transform of z[n] = x[2n] + i x[2n+1]) found at pk = rev(k),
        // pm = rev(M - k): X[k] = E - i W_N^k D, E = (Z[k] + conj Z[M-k]) / 2, D = (Z[k] - conj Z[M-k]) / 2.
        auto bin = [&](std::size_t k, std::size_t pk, std::size_t pm) -> C {
            const R ar = z[2 * pk], ai = z[2 * pk + 1], br = z[2 * pm], bi = -z[2 * pm + 1];
            const R er = R(0.5) * (ar + br), ei = R(0.5) * (ai + bi);
            const R dr = R(0.5) * (ar - br), di = R(0.5) * (ai - bi);
            R wr, wi;
            half_circle_twiddle<R, N>(k, wr, wi);
            const R vr = wr * dr - wi * di, vi = wr * di + wi * dr;  // W D
            return C(er + vi, ei - vr);
        };
        // Any bin index, folded into 0..M by X[-j] = conj X[j] and X[N - j] = conj X[j].
        auto any_bin = [&](std::ptrdiff_t j) -> C {
            const bool mirrored = j < 0 || j > static_cast<std::ptrdiff_t>(M);
            const std::size_t k = static_cast<std::size_t>(j < 0 ? -j : j > static_cast<std::ptrdiff_t>(M) ? static_cast<std::ptrdiff_t>(N) - j : j);
            C v;
            if (k == 0 || k == M) v = C(k == 0 ? z[0] + z[1] : z[0] - z[1], R(0));
            else v = bin(k, position(k), position(M - k));
            return mirrored ? std::conj(v) : v;
        };

        std::array<C, span> ring{};  // X[k - terms + 1 .. k + terms - 1]
        for (std::size_t i = 0; i < span; ++i) ring[i] = any_bin(static_cast<std::ptrdiff_t>(i) - static_cast<std::ptrdiff_t>(terms - 1));
        const R s1 = scale(), s2 = s1 * R(2);
        const bool first = count_ == 0, hold = average_ == average::max_hold;
        if (first) emitted_ = 0;  // the sums are about to be overwritten
        std::size_t next = terms, pk = position(next), pm = position(M - next);
        for (std::size_t k = 0; k <= M; ++k) {
            C y = tap[0] * ring[terms - 1];
            for (std::size_t m = 1; m < terms; ++m) y += tap[m] * (ring[terms - 1 - m] + ring[terms - 1 + m]);
            const R p = std::norm(y) * (k == 0 || k == M ? s1 : s2);
            if (first) sums_[k] = p;
            else if (!hold) sums_[k] += p;
            else if (p > sums_[k]) sums_[k] = p;
            for (std::size_t i = 0; i + 1 < span; ++i) ring[i] = ring[i + 1];
            if (next < M) {
                ring[span - 1] = bin(next, pk, pm);
                if (next + 1 < M) {
                    if constexpr (Blocked) {
                        pk = position(next + 1);
                        pm = position(M - next - 1);
                    } else {  // a bit-reversed count up and down: no loop over the bits per bin
                        pk = bit_reversed_increment<M>(pk);
                        pm = bit_reversed_decrement<M>(pm);
                    }
                }
            } else {
                ring[span - 1] = any_bin(static_cast<std::ptrdiff_t>(next));
            }
            ++next;
        }
        ++count_;
    }

    /// 1 / (sum w)^2 for power, 1 / (fs sum w^2) for density (spectrum.hpp).
    R scale() const noexcept {
        const double n = static_cast<double>(N);
        return static_cast<R>(scaling_ == scaling::spectrum ? 1.0 / (n * a[0] * n * a[0]) : 1.0 / (fs_ * n * mean_square));
    }

    struct no_blocks {};
    std::array<R, N> samples_{};
    std::array<R, bins> sums_{};
    [[no_unique_address]] std::conditional_t<Blocked, fft<R, M / 4>, no_blocks> blocks_{};
    double fs_ = 1.0;
    scaling scaling_ = scaling::density;
    average average_ = average::mean;
    detrend detrend_ = detrend::constant;
    std::size_t segments_ = 0;
    std::size_t fill_ = 0;
    std::uint64_t count_ = 0;
    std::uint64_t emitted_ = 0;
    std::uint64_t rejected_ = 0;
};

}  // namespace detail

template <std::size_t N, class T = float, window::family Window = window::family::hann>
class compact_welch : public detail::compact_welch_impl<N, T, Window, detail::compact_welch_blocked<real_t<T>, N>> {
public:
    using detail::compact_welch_impl<N, T, Window, detail::compact_welch_blocked<real_t<T>, N>>::compact_welch_impl;
};

}  // namespace nerve::spectral
