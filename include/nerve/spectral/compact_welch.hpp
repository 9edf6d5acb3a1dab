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
//     buffers for N/8 complex points, 8.4 kB at 4096, are taken on the stack of the segment's
//     call up to N = 8192 and held in the object above that);
//   - the window is applied in frequency: a cosine-sum window of C terms is a (2C - 1)-tap
//     convolution of the rectangular bins, so the windowed power of each bin is computed from
//     its neighbours, as it is summed, without overwriting them;
//   - the inverse FFT then returns the segment's samples (exactly, but for float rounding: a
//     relative ~1e-7, 140 dB down), and its second half becomes the next segment's first half.
// The price is the inverse FFT and the windowing bin by bin: per 4096-point segment 1.7x framer |
// periodogram's instructions and modelled cycles on a Cortex-M4 (bench/mcu/compact_welch.cpp),
// and 1.3-1.6x the time of framer | welch on x86 with AVX-512, 1.2-1.4x through process()
// (compact_welch/nerve/4096 and compact_welch_process/nerve/4096 against welch/nerve/4096 in
// nerve_bench). Use it where RAM is the limit (a microcontroller, many streams on a gateway);
// framer | welch otherwise.
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

#include "../core/simd_fma.hpp"
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
        complete_segment(emit);
    }

    /// The same as push() for each sample, the samples copied in runs up to each segment's end (on
    /// x86 a push per sample waits on its own fill count through memory, ~5 cycles a sample).
    template <class Emit>
    void process(std::span<const T> x, Emit&& emit) {
        while (!x.empty()) {
            const std::size_t n = N - fill_ < x.size() ? N - fill_ : x.size();
            R* to = samples_.data() + fill_;
            for (std::size_t i = 0; i < n; ++i) to[i] = static_cast<R>(x[i]);
            fill_ += n;
            x = x.subspan(n);
            if (fill_ < N) return;
            complete_segment(emit);
        }
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

    /// A full segment: analysed, and the estimate emitted once `segments_` (K > 0) are summed.
    template <class Emit>
    void complete_segment(Emit& emit) {
        segment();
        if (segments_ != 0 && count_ >= segments_) flush(emit);
    }

    void segment() noexcept {
        R* x = samples_.data();
        R sum = 0, energy = 0;
        sum_and_energy(x, sum, energy);
        // |X[k]|^2 <= N sum x^2: within range, so is every bin, windowed bin and power. NaN fails too.
        constexpr R limit = std::numeric_limits<R>::max() / static_cast<R>(4 * N);
        const bool accepted = energy <= limit;
        R mean = 0;
        if (accepted) {
            mean = detrend_ == detrend::constant ? sum / static_cast<R>(N) : R(0);
            if (mean != R(0))
                for (std::size_t n = 0; n < N; n += 4) {  // four a round: see sum_and_energy
                    x[n] -= mean;
                    x[n + 1] -= mean;
                    x[n + 2] -= mean;
                    x[n + 3] -= mean;
                }
            analyse();
        } else {
            ++rejected_;
        }
        // The second half is the next segment's first half (after the transforms: `restored` times
        // the samples less their mean; a rejected segment was not touched).
        const R scale = accepted ? R(1) / restored : R(1);
        for (std::size_t n = 0; n < M; n += 4) {
            x[n] = x[n + M] * scale + mean;
            x[n + 1] = x[n + M + 1] * scale + mean;
            x[n + 2] = x[n + M + 2] * scale + mean;
            x[n + 3] = x[n + M + 3] * scale + mean;
        }
        fill_ = M;
    }

    /// The segment's sum and sum of squares (NaN or Inf in either when a sample is not finite).
    static void sum_and_energy(const R* x, R& sum, R& energy) noexcept {
#if NERVE_HAS_XSIMD
        // SIMD hosts: two vector sums each; one running sum would wait an add's latency per sample.
        if constexpr (Blocked) {
            using batch = xsimd::batch<R>;
            constexpr std::size_t W = batch::size;
            static_assert(N % (2 * W) == 0);
            batch s0(R(0)), s1(R(0)), e0(R(0)), e1(R(0));
            for (std::size_t n = 0; n < N; n += 2 * W) {
                const batch a = batch::load_unaligned(x + n), b = batch::load_unaligned(x + n + W);
                s0 += a;
                s1 += b;
                e0 = nerve::detail::fmadd(a, a, e0);
                e1 = nerve::detail::fmadd(b, b, e1);
            }
            sum = xsimd::hadd(s0 + s1);
            energy = xsimd::hadd(e0 + e1);
            return;
        }
#endif
        // The Cortex-M: four samples a round (one loop branch, three cycles there, per four), in
        // two sums of each as named locals (an array stays in memory at arm-none-eabi-gcc -O2).
        R s0 = 0, s1 = 0, e0 = 0, e1 = 0;
        for (std::size_t n = 0; n < N; n += 4) {
            const R a = x[n], b = x[n + 1], c = x[n + 2], d = x[n + 3];
            s0 += a;
            e0 += a * a;
            s1 += b;
            e1 += b * b;
            s0 += c;
            e0 += c * c;
            s1 += d;
            e1 += d * d;
        }
        sum = s0 + s1;
        energy = e0 + e1;
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
    /// Transforms the segment, adds its windowed power to the sums, and transforms it back.
    void analyse() noexcept {
#if NERVE_FFT_SIMD
        if constexpr (Blocked) {
            if constexpr (work_on_stack) {
                alignas(64) float work[work_floats];  // written before it is read: no zeroing
                analyse_blocked(work);
            } else {
                analyse_blocked(work_.data());
            }
            return;
        }
#endif
        C* z = reinterpret_cast<C*>(samples_.data());
        inplace_forward<R, M>(z);
        accumulate();
        inplace_inverse<R, M>(z);
    }

#if NERVE_FFT_SIMD
    void analyse_blocked(float* work) noexcept {
        inplace_first_pass_simd<M, false>(samples_.data());
        quarters<false>(work);
        accumulate();
        quarters<true>(work);
        inplace_first_pass_simd<M, true>(samples_.data());
    }
    /// Each quarter's DFT (inverse: divided by M/4) in place by the SIMD kernel, its ping-pong
    /// buffers in `work`.
    template <bool Inverse>
    void quarters(float* work) noexcept {
        constexpr std::size_t Q = M / 4, cap = Q + 16;
        const split_ptr a{work, work + cap}, b{work + 2 * cap, work + 3 * cap};
        for (std::size_t q = 0; q < 4; ++q) {
            float* z = samples_.data() + 2 * q * Q;
            simd_fft<Q, Inverse, src_kind::interleaved, simd_out::interleaved, Inverse>(
                z, {}, a, b, z, Inverse ? 1.0f / static_cast<float>(Q) : 1.0f);
        }
    }
#endif

    // Windowing works on blocks of B bins in a buffer of the rectangular bins k0 - H .. k0 + B + H
    // (H = 4: the widest window, flat-top, reaches four bins either side): each bin is computed
    // once, the buffer's last 2 H carried to the next block, and the window's taps, the power and
    // the sums then run over plain arrays (vectorised on hosts).
    static constexpr std::size_t H = 4;
    static constexpr std::size_t B = M < 64 ? M : 64;
    struct bin_block {
        std::array<R, B + 2 * H> re, im;
    };

    /// X[k] (0 < k < M) of the real segment from Z (the transform of z[n] = x[2n] + i x[2n+1])
    /// found at pk = position(k), pm = position(M - k): X[k] = E - i W_N^k D with
    /// E = (Z[k] + conj Z[M-k]) / 2, D = (Z[k] - conj Z[M-k]) / 2.
    NERVE_ALWAYS_INLINE void rect_bin(std::size_t k, std::size_t pk, std::size_t pm, R& xr, R& xi) const noexcept {
        const R* z = samples_.data();
        const R ar = z[2 * pk], ai = z[2 * pk + 1], br = z[2 * pm], bi = -z[2 * pm + 1];
        const R er = R(0.5) * (ar + br), ei = R(0.5) * (ai + bi);
        const R dr = R(0.5) * (ar - br), di = R(0.5) * (ai - bi);
        R wr, wi;
        half_circle_twiddle<R, N>(k, wr, wi);
        const R vr = wr * dr - wi * di, vi = wr * di + wi * dr;  // W D
        xr = er + vi;
        xi = ei - vr;
    }
    /// Any bin index, folded into 0..M by X[-j] = conj X[j] and X[N - j] = conj X[j].
    void folded_bin(std::ptrdiff_t j, R& xr, R& xi) const noexcept {
        const R* z = samples_.data();
        const std::ptrdiff_t m = static_cast<std::ptrdiff_t>(M);
        const bool mirrored = j < 0 || j > m;
        const std::size_t k = static_cast<std::size_t>(j < 0 ? -j : j > m ? 2 * m - j : j);
        if (k == 0 || k == M) {
            xr = k == 0 ? z[0] + z[1] : z[0] - z[1];
            xi = 0;
        } else {
            rect_bin(k, position(k), position(M - k), xr, xi);
        }
        if (mirrored) xi = -xi;
    }

    /// The bins j0 .. j0 + n - 1 (j0 and n multiples of 4) into b.re / b.im from index `at`, in
    /// consecutive calls. In place: each position reversed by rbit where that is one instruction
    /// (Thumb-2), else a bit-reversed count up and down from (pk, pm) at the next interior bin (no
    /// loop over the bits per bin). Blocked: four bins at a time, X[4q + r] from the quarter
    /// rev2(r) at offset q, simd_w offsets at once in SIMD lanes.
    struct walk {
        std::size_t pk, pm;
    };
    void fill(std::ptrdiff_t j0, std::size_t n, bin_block& b, std::size_t at, walk& w) const noexcept {
        R* re = b.re.data() + at;
        R* im = b.im.data() + at;
        std::size_t i = 0;
#if NERVE_FFT_SIMD
        if constexpr (Blocked) {
            constexpr std::ptrdiff_t V = static_cast<std::ptrdiff_t>(simd_w), Q = static_cast<std::ptrdiff_t>(M / 4);
            for (; i < n; i += 4) {
                const std::ptrdiff_t q = (j0 + static_cast<std::ptrdiff_t>(i)) / 4;
                if (q >= 1 && q + V <= Q && i + 4 * simd_w <= n) {
                    quads(static_cast<std::size_t>(q), re + i, im + i);
                    i += 4 * simd_w - 4;
                } else {
                    for (std::size_t r = 0; r < 4; ++r) folded_bin(j0 + static_cast<std::ptrdiff_t>(i + r), re[i + r], im[i + r]);
                }
            }
            return;
        }
#endif
        for (; i < n; ++i) {
            const std::ptrdiff_t j = j0 + static_cast<std::ptrdiff_t>(i);
            if (j < 1 || j >= static_cast<std::ptrdiff_t>(M)) {
                folded_bin(j, re[i], im[i]);
                continue;
            }
            const std::size_t k = static_cast<std::size_t>(j);
            if constexpr (fast_bit_reverse) {  // rbit: two instructions a position
                rect_bin(k, position(k), position(M - k), re[i], im[i]);
            } else {
                rect_bin(k, w.pk, w.pm, re[i], im[i]);
                if (k + 1 < M) {
                    w.pk = bit_reversed_increment<M>(w.pk);
                    w.pm = bit_reversed_decrement<M>(w.pm);
                }
            }
        }
    }

#if NERVE_FFT_SIMD
    /// X[4q' + r] for q' = q .. q + simd_w - 1 (q >= 1, q' < M/4), r = 0..3, in natural order to re/im.
    NERVE_ALWAYS_INLINE void quads(std::size_t q, R* re, R* im) const noexcept {
        using V = simd_v;
        constexpr std::size_t Q = M / 4, L = simd_w;
        constexpr std::size_t rev2[4] = {0, 2, 1, 3};
        const R* z = samples_.data();
        const R* tw = split_twiddles<N / 4, N / 8>::w.data();  // W_N^(4q + r) = W_(N/4)^q W_N^r
        const V tr = V::load_unaligned(tw + q), ti = V::load_unaligned(tw + N / 8 + q);
        const R* w1 = real_twiddles<R, N>::w.data();
        const V h(R(0.5));
        V xr[4], xi[4];
        for (std::size_t r = 0; r < 4; ++r) {
            V ar, ai, mr, mi;
            simd_ops::deinterleave_natural(z + 2 * (rev2[r] * Q + q), ar, ai);
            // M - (4q' + r) = 4 (Q - q') for r = 0, else 4 (Q - q' - 1) + 4 - r: descending offsets.
            const std::size_t pm = r == 0 ? Q - q - L + 1 : rev2[4 - r] * Q + Q - q - L;
            simd_ops::deinterleave_natural(z + 2 * pm, mr, mi);
            const V br = simd_ops::reverse(mr), bi = -simd_ops::reverse(mi);
            const V er = h * (ar + br), ei = h * (ai + bi);
            const V dr = h * (ar - br), di = h * (ai - bi);
            const V wr = tr * w1[2 * r] - ti * w1[2 * r + 1], wi = tr * w1[2 * r + 1] + ti * w1[2 * r];
            const V vr = wr * dr - wi * di, vi = wr * di + wi * dr;
            xr[r] = er + vi;
            xi[r] = ei - vr;
        }
        interleave4(re, xr);
        interleave4(im, xi);
    }
    /// p[4 l + r] = v[r] lane l: two rounds of pairwise interleaving.
    static NERVE_ALWAYS_INLINE void interleave4(R* p, const simd_v* v) noexcept {
        constexpr std::size_t L = simd_w;
        alignas(64) R a[2 * L], c[2 * L];
        simd_ops::interleave_natural(a, v[0], v[2]);  // v0 v2 pairs
        simd_ops::interleave_natural(c, v[1], v[3]);  // v1 v3 pairs
        simd_ops::interleave_natural(p, simd_v::load_aligned(a), simd_v::load_aligned(c));
        simd_ops::interleave_natural(p + 2 * L, simd_v::load_aligned(a + L), simd_v::load_aligned(c + L));
    }
#endif

    /// Adds the windowed power of the segment transformed in samples_ to the sums.
    void accumulate() noexcept {
        const R s2 = scale() * R(2);
        const bool first = count_ == 0;
        if (first) emitted_ = 0;  // the sums are about to be overwritten
        bin_block b;
        walk w{position(1), position(M - 1)};
        fill(-static_cast<std::ptrdiff_t>(H), B + 2 * H, b, 0, w);
        std::array<R, B> p;
        for (std::size_t k0 = 0; k0 < M; k0 += B) {
            // p = |sum over |m| < terms of tap[|m|] X[k + m]|^2, doubled (one-sided).
            for (std::size_t i = 0; i < B; ++i) {
                const R* xr = b.re.data() + H + i;
                const R* xi = b.im.data() + H + i;
                R yr = tap[0] * xr[0], yi = tap[0] * xi[0];
                for (std::size_t m = 1; m < terms; ++m) {
                    yr += tap[m] * (xr[-static_cast<std::ptrdiff_t>(m)] + xr[m]);
                    yi += tap[m] * (xi[-static_cast<std::ptrdiff_t>(m)] + xi[m]);
                }
                p[i] = (yr * yr + yi * yi) * s2;
            }
            if (k0 == 0) p[0] *= R(0.5);  // DC is not doubled
            add(k0, p.data(), B, first);
            if (k0 + B < M) {
                for (std::size_t i = 0; i < 2 * H; ++i) {
                    b.re[i] = b.re[B + i];
                    b.im[i] = b.im[B + i];
                }
                fill(static_cast<std::ptrdiff_t>(k0 + B + H), B, b, 2 * H, w);
            }
        }
        // Nyquist (not doubled), from its neighbours folded back.
        R yr = 0, yi = 0;
        for (std::size_t m = 0; m < terms; ++m) {
            R ar, ai, br, bi;
            folded_bin(static_cast<std::ptrdiff_t>(M - m), ar, ai);
            folded_bin(static_cast<std::ptrdiff_t>(M + m), br, bi);
            const R t = m == 0 ? tap[0] / 2 : tap[m];
            yr += t * (ar + br);
            yi += t * (ai + bi);
        }
        const R nyquist = (yr * yr + yi * yi) * (s2 / 2);
        add(M, &nyquist, 1, first);
        ++count_;
    }

    /// sums_[k0 ..] op= p[0 .. n): = for the first segment, + for the mean, max for max-hold.
    void add(std::size_t k0, const R* p, std::size_t n, bool first) noexcept {
        R* s = sums_.data() + k0;
        if (first)
            for (std::size_t i = 0; i < n; ++i) s[i] = p[i];
        else if (average_ == average::mean)
            for (std::size_t i = 0; i < n; ++i) s[i] += p[i];
        else
            for (std::size_t i = 0; i < n; ++i) s[i] = p[i] > s[i] ? p[i] : s[i];
    }

    /// 1 / (sum w)^2 for power, 1 / (fs sum w^2) for density (spectrum.hpp).
    R scale() const noexcept {
        const double n = static_cast<double>(N);
        return static_cast<R>(scaling_ == scaling::spectrum ? 1.0 / (n * a[0] * n * a[0]) : 1.0 / (fs_ * n * mean_square));
    }

    // Blocked: the quarter FFTs' two split ping-pong buffers (4 (M/4 + 16) floats: 8.4 kB at
    // N = 4096, 16.6 kB at 8192). Scratch, not state: on the stack of each segment up to N = 8192,
    // so the object is the 1.5 N + 1 values of the in-place path and many estimators on one
    // thread share it; in the object above that (33 kB and more is too much for some threads).
    static constexpr std::size_t work_floats = 4 * (M / 4 + 16);
    static constexpr bool work_on_stack = N <= 8192;
    struct no_work {};
    struct alignas(64) work_buffer {
        std::array<float, work_floats> v;
        float* data() noexcept { return v.data(); }
    };
    std::array<R, N> samples_{};
    std::array<R, bins> sums_{};
    [[no_unique_address]] std::conditional_t<Blocked && !work_on_stack, work_buffer, no_work> work_{};
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
