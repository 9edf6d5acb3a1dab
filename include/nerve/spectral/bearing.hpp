// nerve/spectral/bearing.hpp — rolling-element bearing defect frequencies and their levels in an
// envelope spectrum.
//
//   constexpr nerve::spectral::bearing_geometry skf6205{9, 0.3126, 1.537, 0.0};   // CWRU drive end
//   auto f = defect_frequencies_of(skf6205, hertz{1797.0 / 60});                  // f.bpfo = 107.4 Hz
//   ... | envelope_spectrum<8192>{fs, lo, hi} | spectrum_average<4097>{average::mean, 16}
//       | bearing_defects<3>{skf6205, hertz{1797.0 / 60}};
//
// Kinematics (n balls of diameter d on pitch diameter D, contact angle phi, shaft frequency fr,
// stationary outer race), with r = d / D cos(phi):
//   FTF  (cage)          = fr / 2 (1 - r)
//   BPFO (outer race)    = n fr / 2 (1 - r)
//   BPFI (inner race)    = n fr / 2 (1 + r)
//   BSF  (ball spin)     = D / (2 d) fr (1 - r^2)
//   2 BSF (ball defect)  — a ball defect strikes both races once per spin revolution.
// Diameters in any one unit (only the ratio matters).
//
// bearing_defects<H> reads an envelope spectrum (power, 'spectrum' scaling) and, for each defect
// frequency f and harmonics h = 1..H, finds the largest local maximum within
// h f (1 +- tolerance) (at least +-1.5 bins), refines it by parabolic interpolation (peaks.hpp), and
// reports its frequency, amplitude sqrt(2 P) and prominence = P / (mean of the bins in the
// surrounding +-`floor_bins` bins, excluding the search band) — a local signal-to-floor ratio
// that makes lines comparable across the spectrum. score[d] = sum over harmonics of
// log10(prominence) clipped at 0 (in "decades above the floor"); `dominant()` is the defect with
// the highest score. Harmonics above the spectrum's last bin read zero.
//
// Bad input: spectra with NaN/Inf are rejected and counted.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../core/units.hpp"
#include "peaks.hpp"
#include "spectrum.hpp"

namespace nerve::spectral {

struct bearing_geometry {
    int balls = 0;
    double ball_diameter = 0.0;
    double pitch_diameter = 0.0;
    double contact_angle_rad = 0.0;
};

/// The defects, in the order reports use.
enum class bearing_defect : std::uint8_t { ftf = 0, bsf = 1, ball = 2, bpfo = 3, bpfi = 4 };
inline constexpr std::size_t bearing_defect_count = 5;

constexpr const char* name(bearing_defect d) noexcept {
    switch (d) {
        case bearing_defect::ftf: return "FTF";
        case bearing_defect::bsf: return "BSF";
        case bearing_defect::ball: return "2xBSF";
        case bearing_defect::bpfo: return "BPFO";
        default: return "BPFI";
    }
}

struct defect_frequencies {
    double ftf = 0, bsf = 0, bpfo = 0, bpfi = 0;
    constexpr double two_bsf() const noexcept { return 2.0 * bsf; }
    constexpr double operator[](bearing_defect d) const noexcept {
        switch (d) {
            case bearing_defect::ftf: return ftf;
            case bearing_defect::bsf: return bsf;
            case bearing_defect::ball: return 2.0 * bsf;
            case bearing_defect::bpfo: return bpfo;
            default: return bpfi;
        }
    }
};

namespace detail {
constexpr double cos_small_angle(double x) noexcept {  // |x| <= pi/2, Taylor to 1e-16
    const double x2 = x * x;
    double term = 1.0, s = 1.0;
    for (int k = 1; k < 14; ++k) {
        term *= -x2 / ((2.0 * k - 1.0) * (2.0 * k));
        s += term;
    }
    return s;
}
}  // namespace detail

/// Defect frequencies in Hz for a geometry and shaft speed.
constexpr defect_frequencies defect_frequencies_of(const bearing_geometry& g, hertz shaft) noexcept {
    const double fr = shaft.value;
    const double r = g.ball_diameter / g.pitch_diameter * detail::cos_small_angle(g.contact_angle_rad);
    defect_frequencies f;
    f.ftf = fr / 2.0 * (1.0 - r);
    f.bpfo = static_cast<double>(g.balls) * fr / 2.0 * (1.0 - r);
    f.bpfi = static_cast<double>(g.balls) * fr / 2.0 * (1.0 + r);
    f.bsf = g.pitch_diameter / (2.0 * g.ball_diameter) * fr * (1.0 - r * r);
    return f;
}

struct defect_line {
    double expected_hz = 0;   ///< h * defect frequency
    double frequency = 0;     ///< refined frequency of the line found (0 if none)
    double amplitude = 0;     ///< sqrt(2 P): envelope amplitude of the line
    double prominence = 0;    ///< P / local floor (0 if none)
};

template <std::size_t H>
struct bearing_report {
    defect_frequencies frequencies{};
    std::array<std::array<defect_line, H>, bearing_defect_count> lines{};
    std::array<double, bearing_defect_count> score{};
    /// The defect with the highest score (ties: the first).
    bearing_defect dominant() const noexcept {
        std::size_t best = 0;
        for (std::size_t d = 1; d < bearing_defect_count; ++d) if (score[d] > score[best]) best = d;
        return static_cast<bearing_defect>(best);
    }
    const std::array<defect_line, H>& operator[](bearing_defect d) const noexcept {
        return lines[static_cast<std::size_t>(d)];
    }
};

template <std::size_t H = 3, class T = float>
class bearing_defects {
    static_assert(H >= 1, "nerve::spectral::bearing_defects needs at least one harmonic");

public:
    using input_type = spectrum_view<T>;
    using output_type = bearing_report<H>;

    constexpr bearing_defects(const bearing_geometry& g, hertz shaft, double tolerance = 0.02,
                              std::size_t floor_bins = 20) noexcept
        : tolerance_(tolerance), floor_bins_(floor_bins) {
        report_.frequencies = defect_frequencies_of(g, shaft);
    }

    /// Changes the shaft speed (e.g. from a tachometer) without touching anything else.
    constexpr void set_shaft(const bearing_geometry& g, hertz shaft) noexcept {
        report_.frequencies = defect_frequencies_of(g, shaft);
    }

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(report_));
    }

    bool compute(const input_type& s) noexcept {
        const std::size_t n = s.size();
        if (n < 3) { ++rejected_; return false; }
        double total = 0.0;
        for (std::size_t k = 0; k < n; ++k) total += static_cast<double>(s.values[k]);
        if (!(total - total == 0.0)) { ++rejected_; return false; }
        for (std::size_t d = 0; d < bearing_defect_count; ++d) {
            const double f0 = report_.frequencies[static_cast<bearing_defect>(d)];
            double score = 0.0;
            for (std::size_t h = 0; h < H; ++h) {
                defect_line line = find_line(s, f0 * static_cast<double>(h + 1));
                if (line.prominence > 1.0) score += std::log10(line.prominence);
                report_.lines[d][h] = line;
            }
            report_.score[d] = score;
        }
        return true;
    }

    const output_type& result() const noexcept { return report_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    defect_line find_line(const input_type& s, double f) const noexcept {
        defect_line line;
        line.expected_hz = f;
        const std::size_t n = s.size();
        const double half_band = std::fmax(f * tolerance_, 1.5 * s.bin_hz);
        const double lo_hz = f - half_band, hi_hz = f + half_band;
        if (hi_hz / s.bin_hz >= static_cast<double>(n - 1) || !(f > 0.0)) return line;
        std::size_t lo = static_cast<std::size_t>(std::ceil(std::fmax(lo_hz, 0.0) / s.bin_hz));
        std::size_t hi = static_cast<std::size_t>(std::floor(hi_hz / s.bin_hz));
        if (lo < 1) lo = 1;
        if (hi > n - 2) hi = n - 2;
        const std::size_t best = largest_local_max(s, lo, hi);
        if (best == 0) return line;
        const peak p = interpolate_peak(s, best);
        // Local floor: mean of the bins within floor_bins_ on each side, outside the search band.
        double floor_sum = 0.0;
        std::size_t floor_count = 0;
        const std::size_t from = lo > floor_bins_ ? lo - floor_bins_ : 0;
        const std::size_t to = hi + floor_bins_ < n ? hi + floor_bins_ : n - 1;
        for (std::size_t k = from; k <= to; ++k) {
            if (k >= lo && k <= hi) continue;
            floor_sum += static_cast<double>(s.values[k]);
            ++floor_count;
        }
        const double floor = floor_count > 0 ? floor_sum / static_cast<double>(floor_count) : 0.0;
        line.frequency = p.frequency;
        line.amplitude = p.amplitude();
        line.prominence = floor > 0.0 ? p.value / floor : 0.0;
        return line;
    }

    output_type report_{};
    double tolerance_ = 0.02;
    std::size_t floor_bins_ = 20;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
