// nerve/spectral/peaks.hpp — the K dominant spectral peaks, refined by parabolic interpolation.
//
//   auto p = framer<1024, 512>{} | rfft<1024>{window::hann, fs} | dominant_peaks<3>{};
//   p.push(x, [](const peak_list<3>& l) { for (std::size_t i = 0; i < l.count; ++i) l.peaks[i].frequency; });
//
// A peak is a local maximum p[k-1] < p[k] >= p[k+1] over bins 1 .. size-2 whose frequency lies
// in [min_hz, max_hz] and whose value is at least `threshold` (same units as the input). The K
// largest (by interpolated value) come out sorted, largest first; `count` says how many exist.
//
// Interpolation: a parabola through the natural logarithms a, b, c of p[k-1], p[k], p[k+1]
// (equivalently through dB values; exact for a Gaussian main lobe, and a good fit for Hann and
// friends):  delta = 0.5 (a - c) / (a - 2b + c)  in (-0.5, 0.5),
//            bin = k + delta,  frequency = bin * bin_hz,  value = exp(b - 0.25 (a - c) delta).
// If a neighbour is zero the raw bin is kept (delta = 0). For a power spectrum the sinusoid
// amplitude is sqrt(2 value) (`peak::amplitude()`); scalloping is reduced, not removed (window
// dependent; Hann: amplitude within 3.8% instead of up to 15%, frequency within 0.05 bin in the tests).
//
// Bad input: a spectrum with NaN or Inf is rejected and counted; nothing is emitted.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "spectrum.hpp"

namespace nerve::spectral {

struct peak {
    double frequency = 0;  ///< Hz (interpolated)
    double bin = 0;        ///< fractional bin index
    double value = 0;      ///< interpolated height, units of the input (power, density, ...)
    /// Amplitude of a sinusoid for a power ('spectrum'-scaled) input.
    double amplitude() const noexcept { return std::sqrt(2.0 * value); }
};

template <std::size_t K>
struct peak_list {
    std::array<peak, K> peaks{};
    std::size_t count = 0;
};

/// Parabolic (log-domain) refinement of the local maximum at bin k (0 < k < size-1). The
/// logarithms run in T (logf for float spectra: no soft double on a Cortex-M4F).
template <class T>
inline peak interpolate_peak(const spectrum_view<T>& s, std::size_t k) noexcept {
    peak r;
    const T pa = s.values[k - 1], pb = s.values[k], pc = s.values[k + 1];
    T delta = 0, value = pb;
    if (pa > T(0) && pb > T(0) && pc > T(0)) {
        const T a = std::log(pa), b = std::log(pb), c = std::log(pc);
        const T den = a - T(2) * b + c;
        if (den < T(0)) {
            delta = T(0.5) * (a - c) / den;
            if (delta > T(0.5)) delta = T(0.5);
            if (delta < T(-0.5)) delta = T(-0.5);
            value = std::exp(b - T(0.25) * (a - c) * delta);
        }
    }
    r.bin = static_cast<double>(k) + static_cast<double>(delta);
    r.frequency = r.bin * s.bin_hz;
    r.value = static_cast<double>(value);
    return r;
}

/// The largest local maximum (higher than its left neighbour, at least its right one) among bins
/// lo..hi, 0 < lo <= hi < size - 1; 0 when there is none.
template <class T>
inline std::size_t largest_local_max(const spectrum_view<T>& s, std::size_t lo, std::size_t hi) noexcept {
    std::size_t best = 0;
    for (std::size_t k = lo; k <= hi; ++k) {
        if (s.values[k - 1] < s.values[k] && s.values[k] >= s.values[k + 1] &&
            (best == 0 || s.values[k] > s.values[best])) {
            best = k;
        }
    }
    return best;
}

template <std::size_t K, class T = float>
class dominant_peaks {
    static_assert(K >= 1, "nerve::spectral::dominant_peaks needs K >= 1");

public:
    using input_type = spectrum_view<T>;
    using output_type = peak_list<K>;

    constexpr explicit dominant_peaks(double min_hz = 0.0, double max_hz = 1e300, double threshold = 0.0) noexcept
        : min_hz_(min_hz), max_hz_(max_hz), threshold_(threshold) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(result_));
    }

    bool compute(const input_type& s) noexcept {
        output_type r{};
        const std::size_t n = s.size();
        bool finite = true;
        for (std::size_t k = 0; k < n; ++k) finite &= s.values[k] - s.values[k] == T(0);
        if (!finite) { ++rejected_; return false; }
        // Candidate bins k in [lo, end), 1 <= k <= n-2, with min_hz <= f_k <= max_hz: an index
        // estimate, then exact checks (no per-bin double arithmetic).
        if (n < 3) { result_ = r; return true; }
        std::size_t lo = 1, end = n - 1;
        if (min_hz_ > 0.0 && s.bin_hz > 0.0) {
            const double est = min_hz_ / s.bin_hz;
            lo = est >= static_cast<double>(n - 1) ? n - 1 : (est < 1.0 ? 1 : static_cast<std::size_t>(est));
            while (lo > 1 && s.frequency(lo - 1) >= min_hz_) --lo;
            while (lo < n - 1 && s.frequency(lo) < min_hz_) ++lo;
        }
        if (s.bin_hz > 0.0 && max_hz_ < s.frequency(n - 2)) {
            const double est = max_hz_ / s.bin_hz + 1.0;
            end = est >= static_cast<double>(n - 1) ? n - 1 : (est < 0.0 ? 0 : static_cast<std::size_t>(est));
            while (end > lo && s.frequency(end - 1) > max_hz_) --end;
            while (end < n - 1 && s.frequency(end) <= max_hz_) ++end;
        }
        const T thr = static_cast<T>(threshold_);
        for (std::size_t k = lo; k < end; ++k) {
            const T v = s.values[k];
            if (!(s.values[k - 1] < v && v >= s.values[k + 1]) || v < thr) continue;
            const peak p = interpolate_peak(s, k);
            // Insert into the sorted top-K list.
            std::size_t pos = r.count;
            while (pos > 0 && r.peaks[pos - 1].value < p.value) --pos;
            if (pos >= K) continue;
            const std::size_t last = r.count < K ? r.count : K - 1;
            for (std::size_t i = last; i > pos; --i) r.peaks[i] = r.peaks[i - 1];
            r.peaks[pos] = p;
            if (r.count < K) ++r.count;
        }
        result_ = r;
        return true;
    }

    const output_type& result() const noexcept { return result_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; result_ = {}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    double min_hz_ = 0.0, max_hz_ = 1e300, threshold_ = 0.0;
    output_type result_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
