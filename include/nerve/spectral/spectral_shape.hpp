// nerve/spectral/spectral_shape.hpp — spectral shape descriptors of a power spectrum.
//
//   auto p = framer<1024, 512>{} | rfft<1024>{window::hann, fs} | spectral_shape<>{};
//
// Input: a spectrum_view of power or density (any positive per-bin weights, e.g. a Welch
// estimate). Over the bins k whose frequency f_k = k bin_hz lies in [min_hz, max_hz] (all bins
// by default), with p_k the values, P = sum p_k and q_k = p_k / P:
//   total_power = P calibrated to V^2 (spectrum_view::band_power: P / ENBW, or P bin_hz for density)
//   centroid    mu    = sum f_k q_k                          (Hz)
//   spread      sigma = sqrt(sum (f_k - mu)^2 q_k)           (Hz)
//   skewness          = sum (f_k - mu)^3 q_k / sigma^3
//   kurtosis          = sum (f_k - mu)^4 q_k / sigma^4       (not excess: 3 for a Gaussian shape)
//   flatness          = exp(mean ln(p_k + eps)) / mean(p_k + eps), eps = 1e-20   (1 = white, -> 0 tonal)
//   rolloff           = the smallest f_k with sum_{j <= k} p_j >= rolloff_fraction P   (Hz)
//   entropy           = -sum q_k ln((p_k + eps) / P) / ln K over p_k > 0, K bins in range
//                       (0 = one line, 1 = flat; eps changes nothing above ~1e-12 relative)
// A spectrum with P == 0 gives all zeros except flatness = 1 and entropy = 1 (flat by convention).
// Sums in double; the K logarithms in T (one per bin, shared by flatness and entropy).
//
// Bad input: a spectrum holding NaN or Inf (or negative values, i.e. decibels) is rejected and
// counted (`rejected()`), nothing is emitted.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "spectrum.hpp"

namespace nerve::spectral {

struct spectral_shape_result {
    double total_power = 0, centroid = 0, spread = 0, skewness = 0, kurtosis = 0;
    double flatness = 0, rolloff = 0, entropy = 0;
};

template <class T = float>
class spectral_shape {
public:
    using input_type = spectrum_view<T>;
    using output_type = spectral_shape_result;

    constexpr explicit spectral_shape(double rolloff_fraction = 0.85, double min_hz = 0.0,
                                      double max_hz = 1e300) noexcept
        : rolloff_(rolloff_fraction), min_hz_(min_hz), max_hz_(max_hz) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(result_));
    }

    bool compute(const input_type& s) noexcept {
        if (s.values.empty()) { ++rejected_; return false; }
        std::size_t first = 0;
        while (first < s.size() && s.frequency(first) < min_hz_) ++first;
        std::size_t end = first;
        while (end < s.size() && s.frequency(end) <= max_hz_) ++end;
        if (end == first) { ++rejected_; return false; }
        // Pass 1: total, first moment, validity.
        double total = 0.0, m1 = 0.0;
        bool ok = true;
        for (std::size_t k = first; k < end; ++k) {
            const double p = static_cast<double>(s.values[k]);
            ok &= p >= 0.0 && p - p == 0.0;
            total += p;
            m1 += p * s.frequency(k);
        }
        if (!ok || !(total - total == 0.0)) { ++rejected_; return false; }
        const double count = static_cast<double>(end - first);
        spectral_shape_result r{};
        r.total_power = s.band_power(first, end - 1);
        if (total <= 0.0) {
            r.flatness = 1.0;
            r.entropy = 1.0;
            result_ = r;
            return true;
        }
        const double mu = m1 / total;
        double m2 = 0.0, m3 = 0.0, m4 = 0.0, log_sum = 0.0, ent = 0.0, cum = 0.0;
        bool rolled = false;
        const double target = rolloff_ * total;
        constexpr double eps = 1e-20;
        const double log_total = static_cast<double>(std::log(static_cast<T>(total)));  // same precision as lp
        for (std::size_t k = first; k < end; ++k) {
            const double p = static_cast<double>(s.values[k]);
            const double d = s.frequency(k) - mu;
            const double pd2 = p * d * d;
            m2 += pd2;
            m3 += pd2 * d;
            m4 += pd2 * d * d;
            // One logarithm per bin, in T (logf on an FPU-only MCU), shared by flatness and entropy.
            const double lp = static_cast<double>(std::log(static_cast<T>(p + eps)));
            log_sum += lp;
            if (p > 0.0) ent -= p * (lp - log_total);
            cum += p;
            if (!rolled && cum >= target) {
                r.rolloff = s.frequency(k);
                rolled = true;
            }
        }
        if (!rolled) r.rolloff = s.frequency(end - 1);
        m2 /= total;
        m3 /= total;
        m4 /= total;
        r.centroid = mu;
        r.spread = std::sqrt(m2);
        if (m2 > 0.0) {
            r.skewness = m3 / (m2 * r.spread);
            r.kurtosis = m4 / (m2 * m2);
        }
        r.flatness = std::exp(log_sum / count) / (total / count + eps);
        r.entropy = count > 1.0 ? ent / (total * std::log(count)) : 0.0;
        result_ = r;
        return true;
    }

    const output_type& result() const noexcept { return result_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; result_ = {}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    double rolloff_ = 0.85, min_hz_ = 0.0, max_hz_ = 1e300;
    output_type result_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
