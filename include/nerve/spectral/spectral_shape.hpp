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
// Per-bin work (products, the one logarithm per bin shared by flatness and entropy) in T, sums of
// 16-bin blocks accumulated in double: on a Cortex-M4F nothing per bin is soft double.
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
        const std::size_t n = s.size();
        if (n == 0 || !(s.bin_hz > 0.0)) { ++rejected_; return false; }
        // Bin range [first, end) with min_hz <= f_k <= max_hz (index arithmetic, then exact checks).
        std::size_t first = min_hz_ <= 0.0 ? 0 : static_cast<std::size_t>(std::fmin(std::ceil(min_hz_ / s.bin_hz), static_cast<double>(n)));
        while (first > 0 && s.frequency(first - 1) >= min_hz_) --first;
        while (first < n && s.frequency(first) < min_hz_) ++first;
        std::size_t end = max_hz_ >= s.frequency(n - 1) ? n : static_cast<std::size_t>(std::floor(max_hz_ / s.bin_hz)) + 1;
        if (end > n) end = n;
        while (end > first && s.frequency(end - 1) > max_hz_) --end;
        while (end < n && s.frequency(end) <= max_hz_) ++end;
        if (end <= first) { ++rejected_; return false; }
        // Per-bin work in T (float on a Cortex-M4F: no soft double per bin), sums of blocks of
        // 16 bins in four T lanes, each block total accumulated in double. Fixed order.
        const T wbin = static_cast<T>(s.bin_hz);
        // Pass 1: total, first moment, validity.
        double total = 0.0, m1 = 0.0;
        bool ok = true;
        for (std::size_t b0 = first; b0 < end; b0 += block) {
            const std::size_t e = b0 + block < end ? b0 + block : end;
            T t[4] = {0, 0, 0, 0}, f1[4] = {0, 0, 0, 0};
            for (std::size_t k = b0; k < e; ++k) {
                const T p = s.values[k];
                ok &= p >= T(0) && p - p == T(0);
                t[k & 3] += p;
                f1[k & 3] += p * (static_cast<T>(k) * wbin);
            }
            total += static_cast<double>((t[0] + t[1]) + (t[2] + t[3]));
            m1 += static_cast<double>((f1[0] + f1[1]) + (f1[2] + f1[3]));
        }
        if (!ok || !(total - total == 0.0)) { ++rejected_; return false; }
        const double count = static_cast<double>(end - first);
        spectral_shape_result r{};
        r.total_power = s.kind == quantity::density ? total * s.bin_hz : total / s.enbw_bins;
        if (total <= 0.0) {
            r.flatness = 1.0;
            r.entropy = 1.0;
            result_ = r;
            return true;
        }
        const double mu = m1 / total;
        const T wmu = static_cast<T>(mu);
        double m2 = 0.0, m3 = 0.0, m4 = 0.0, log_sum = 0.0, ent = 0.0, cum = 0.0;
        bool rolled = false;
        const double target = rolloff_ * total;
        const T eps = static_cast<T>(1e-20);
        const T log_total = std::log(static_cast<T>(total));
        for (std::size_t b0 = first; b0 < end; b0 += block) {
            const std::size_t e = b0 + block < end ? b0 + block : end;
            T a2[4] = {0, 0, 0, 0}, a3[4] = {0, 0, 0, 0}, a4[4] = {0, 0, 0, 0}, ls[4] = {0, 0, 0, 0}, en[4] = {0, 0, 0, 0};
            T bt = 0;
            for (std::size_t k = b0; k < e; ++k) {
                const T p = s.values[k];
                const T d = static_cast<T>(k) * wbin - wmu;
                const T pd2 = p * d * d;
                a2[k & 3] += pd2;
                a3[k & 3] += pd2 * d;
                a4[k & 3] += pd2 * d * d;
                // One logarithm per bin, shared by flatness and entropy.
                const T lp = std::log(p + eps);
                ls[k & 3] += lp;
                if (p > T(0)) en[k & 3] -= p * (lp - log_total);
                bt += p;
            }
            m2 += static_cast<double>((a2[0] + a2[1]) + (a2[2] + a2[3]));
            m3 += static_cast<double>((a3[0] + a3[1]) + (a3[2] + a3[3]));
            m4 += static_cast<double>((a4[0] + a4[1]) + (a4[2] + a4[3]));
            log_sum += static_cast<double>((ls[0] + ls[1]) + (ls[2] + ls[3]));
            ent += static_cast<double>((en[0] + en[1]) + (en[2] + en[3]));
            // Roll-off: the block that crosses the target is rescanned bin by bin.
            if (!rolled && cum + static_cast<double>(bt) >= target) {
                T partial = 0;
                for (std::size_t k = b0; k < e; ++k) {
                    partial += s.values[k];
                    if (cum + static_cast<double>(partial) >= target || k + 1 == e) {
                        r.rolloff = s.frequency(k);
                        break;
                    }
                }
                rolled = true;
            }
            cum += static_cast<double>(bt);
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
        r.flatness = std::exp(log_sum / count) / (total / count + 1e-20);
        r.entropy = count > 1.0 ? ent / (total * std::log(count)) : 0.0;
        if (r.entropy < 0.0) r.entropy = 0.0;
        result_ = r;
        return true;
    }

    const output_type& result() const noexcept { return result_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; result_ = {}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    static constexpr std::size_t block = 16;
    double rolloff_ = 0.85, min_hz_ = 0.0, max_hz_ = 1e300;
    output_type result_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
