// nerve/spectral/band_power.hpp — power in user-given frequency bands.
//
//   auto p = framer<1024, 512>{} | rfft<1024>{window::hann, fs} | band_power<8>{edges_hz};
//   // emits std::span<const float, 8>
//
// Band b collects the bins whose centre frequency f_k = k bin_hz satisfies
// edges[b] <= f_k < edges[b+1] (the last band also takes f_k == edges[Bands]); edges are in Hz
// (cycles per sample when the spectrum has fs = 1) and must ascend. The power is calibrated in
// V^2 as spectrum_view::band_power does (sum / ENBW for power spectra, sum * bin_hz for
// densities), so a sine of amplitude A well inside a band reads A^2 / 2 and noise its variance.
// With `decibels` the output is 10 log10(max(power, 1e-20)) instead (Edge Impulse's log option).
// A band that holds no bin reads 0 (or -200 dB).
//
// Bad input: a spectrum with NaN or Inf in any band is rejected and counted; nothing is emitted.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "spectrum.hpp"

namespace nerve::spectral {

template <std::size_t Bands, class T = float>
class band_power {
    static_assert(Bands >= 1, "nerve::spectral::band_power needs at least one band");

public:
    using input_type = spectrum_view<T>;
    using output_type = std::span<const T, Bands>;

    constexpr explicit band_power(const std::array<double, Bands + 1>& edges_hz, bool decibels = false) noexcept
        : edges_(edges_hz), db_(decibels) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(output_type{out_});
    }

    bool compute(const input_type& s) noexcept {
        const std::size_t n = s.size();
        std::array<double, Bands> acc{};
        // Band b holds bins [start(edges[b]), start(edges[b+1])), start(e) = first k with f_k >= e;
        // the last band ends after the last k with f_k <= edges[Bands].
        std::size_t k0 = first_at_or_above(s, edges_[0]);
        for (std::size_t b = 0; b < Bands; ++b) {
            std::size_t k1 = b + 1 < Bands ? first_at_or_above(s, edges_[b + 1]) : first_above(s, edges_[Bands]);
            if (k1 < k0) k1 = k0;
            acc[b] = block_sum(s, k0, k1);
            k0 = k1;
        }
        const double scale = s.kind == quantity::density ? s.bin_hz : 1.0 / s.enbw_bins;
        for (std::size_t b = 0; b < Bands; ++b) {
            if (!(acc[b] - acc[b] == 0.0)) { ++rejected_; return false; }
        }
        for (std::size_t b = 0; b < Bands; ++b) {
            const double p = acc[b] * scale;
            out_[b] = static_cast<T>(db_ ? 10.0 * std::log10(p > 1e-20 ? p : 1e-20) : p);
        }
        (void)n;
        return true;
    }

    output_type result() const noexcept { return output_type{out_}; }
    const std::array<double, Bands + 1>& edges() const noexcept { return edges_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; out_.fill(T(0)); }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    // Smallest k (<= size) with frequency(k) >= e: index estimate, then exact double checks.
    static std::size_t first_at_or_above(const input_type& s, double e) noexcept {
        const std::size_t n = s.size();
        if (n == 0 || !(e > 0.0)) return 0;
        const double est = e / s.bin_hz;
        std::size_t k = est >= static_cast<double>(n) ? n : static_cast<std::size_t>(est);
        while (k > 0 && s.frequency(k - 1) >= e) --k;
        while (k < n && s.frequency(k) < e) ++k;
        return k;
    }
    // Smallest k (<= size) with frequency(k) > e.
    static std::size_t first_above(const input_type& s, double e) noexcept {
        const std::size_t n = s.size();
        if (n == 0 || e < 0.0) return 0;
        const double est = e / s.bin_hz;
        std::size_t k = est >= static_cast<double>(n) ? n : static_cast<std::size_t>(est);
        while (k > 0 && s.frequency(k - 1) > e) --k;
        while (k < n && s.frequency(k) <= e) ++k;
        return k;
    }
    // Sum of values[k0, k1): blocks of 16 in four T lanes, block totals in double.
    static double block_sum(const input_type& s, std::size_t k0, std::size_t k1) noexcept {
        double total = 0.0;
        for (std::size_t b0 = k0; b0 < k1; b0 += 16) {
            const std::size_t e = b0 + 16 < k1 ? b0 + 16 : k1;
            T l[4] = {0, 0, 0, 0};
            for (std::size_t k = b0; k < e; ++k) l[k & 3] += s.values[k];
            total += static_cast<double>((l[0] + l[1]) + (l[2] + l[3]));
        }
        return total;
    }

    std::array<double, Bands + 1> edges_{};
    std::array<T, Bands> out_{};
    bool db_ = false;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
