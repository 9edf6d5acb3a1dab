// nerve/spectral/gear_mesh.hpp — a gear pair's mesh lines and their sidebands in a vibration
// spectrum, and the sideband energy ratio of each gear.
//
//   constexpr nerve::spectral::gear_pair stage1{23, 61};   // 23 teeth on the told shaft, 61 on its mate
//   ... | framer<16384, 8192> | welch<16384>{hann, fs, scaling::spectrum} | gear_mesh<3, 6>{stage1, hertz{24.7}};
//   report.mesh[0].ser_shaft;   // sideband energy ratio of the 23-tooth gear at the mesh frequency
//   report.verdict();           // healthy / shaft_gear / mate_gear / unresolved / no_mesh_line
//
// Kinematics: a gear of Z teeth on a shaft turning at fr meshes at fm = Z fr; its mate of Zm teeth
// turns at fm / Zm. The pair returns to the same tooth pairs after Na = gcd(Z, Zm) assembly phases,
// so lines also appear at the assembly phase frequency fm / Na and, for a fault on both gears, at the
// hunting-tooth frequency fm Na / (Z Zm); both are reported, not read.
//
// Why sidebands: a healthy pair vibrates at fm and its harmonics. A local fault on one gear (a
// cracked, chipped or pitted tooth) modulates the mesh once per turn of that gear, which spreads
// the mesh's energy into sidebands h fm +- k f_gear; distributed wear raises the mesh harmonics and
// the sidebands together. The sideband energy ratio of a gear at harmonic h is
//   SER = sum over k = 1..K of the amplitudes at h fm - k f_gear and h fm + k f_gear,
//         divided by the amplitude at h fm
// (K = 6 in the usual definition: Hanna et al., Bently Nevada, for wind-turbine gearboxes). A mesh
// line modulated by m (amplitude A (1 + m cos)) reads SER = m; a healthy pair reads well below 1, and
// 1 is the usual alarm, which `verdict()` takes by default.
//
// Reading (a power or density spectrum, one-sided, as welch emits; a Hann window or one with a main
// lobe no wider than +-2 bins): harmonic 1's mesh line is the largest local maximum within
// fm (1 +- tolerance), at most +-0.4 of the slower gear's rotation frequency (so a strong sideband
// is never taken for the mesh), at least +-2 bins; harmonic h's is searched the same way around h
// times the mesh frequency the last line found says (a speed error grows with h). A line must stand
// 10 times (10 dB) above its floor, else the harmonic reads no line (noise has a local maximum in
// any window). The refined frequency (peaks.hpp) gives the speeds the sidebands are placed with
// (f_found / (h Z) and f_found / (h Zm)), so a told speed that is a little off still puts every
// sideband on its line. A line's mean square is the power of the 5 bins around its local maximum
// (a sideband's within +-1 bin of its place: Hann's main lobe whatever the offset) less 5 times
// the floor, the floor being the median of the 2K bins midway between that gear's sidebands, and
// its amplitude is sqrt(2 ms), as for a sine. A sideband within 4 bins of one of the other gear's
// is left out of both ratios (overlapping lobes: neither can claim the power; finer bins resolve
// them), and a sideband counts its signed amplitude (-sqrt(-2 ms) below the floor), so noise-only
// sidebands add nothing on average; the SER is clipped at 0. A gear whose rotation frequency is under 6 bins is not
// resolved (its lines would overlap): its SER reads NaN, as does every SER whose sidebands pass an
// end of the spectrum; with neither gear resolved, the mesh line is taken without the 10 dB test
// and read without a floor.
//
// Limits: sidebands of the two gears coincide when one turns an integer multiple of the other's
// speed (Zm a multiple of Z): then both ratios count the same lines. Speed must be steady over the
// spectrum's averaging time (smearing widens every line by h fm times the speed change); on a
// variable-speed machine, order-track first.
//
// Bad input: a spectrum with a NaN or Inf (or whose sum overflows T), fewer than 16 bins, or of another quantity (decibel,
// kurtosis) is rejected and counted (`rejected()`); the last report stays. A gear pair with a tooth
// count below 1 or a shaft speed that is not positive and finite gives reports with no mesh line.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>

#include "../core/units.hpp"
#include "peaks.hpp"
#include "spectrum.hpp"

namespace nerve::spectral {

/// One gear pair: the gear on the shaft whose speed is told, and its mate (0: unknown).
struct gear_pair {
    int teeth = 0;
    int mate_teeth = 0;
};

struct gear_frequencies {
    double shaft_hz = 0;      ///< the told shaft (the gear of `teeth`)
    double mate_hz = 0;       ///< the mate's shaft (0 when its teeth are unknown)
    double mesh_hz = 0;       ///< teeth x shaft_hz
    double assembly_hz = 0;   ///< mesh_hz / gcd(teeth, mate_teeth) (mesh_hz when the mate is unknown)
    double hunting_hz = 0;    ///< mesh_hz gcd / (teeth mate_teeth) (0 when the mate is unknown)
};

constexpr gear_frequencies gear_frequencies_of(const gear_pair& g, hertz shaft) noexcept {
    gear_frequencies f;
    if (g.teeth < 1 || !(shaft.value > 0) || !(shaft.value < std::numeric_limits<double>::infinity())) return f;
    f.shaft_hz = shaft.value;
    f.mesh_hz = static_cast<double>(g.teeth) * shaft.value;
    f.assembly_hz = f.mesh_hz;
    if (g.mate_teeth >= 1) {
        const double phases = static_cast<double>(std::gcd(g.teeth, g.mate_teeth));
        f.mate_hz = f.mesh_hz / static_cast<double>(g.mate_teeth);
        f.assembly_hz = f.mesh_hz / phases;
        f.hunting_hz = f.mesh_hz * phases / (static_cast<double>(g.teeth) * static_cast<double>(g.mate_teeth));
    }
    return f;
}

/// One mesh harmonic as read.
struct mesh_line {
    double expected_hz = 0;   ///< h x mesh_hz at the told speed
    double frequency = 0;     ///< refined frequency of the line found (0: none)
    double amplitude = 0;     ///< sqrt(2 ms) of the line, floor removed
    double ser_shaft = std::numeric_limits<double>::quiet_NaN();   ///< SER of the told shaft's gear
    double ser_mate = std::numeric_limits<double>::quiet_NaN();    ///< SER of the mate (NaN when unknown)
};

/// What the sidebands say of the pair (see the file comment).
enum class gear_verdict : std::uint8_t {
    no_mesh_line,   ///< no mesh line where the told speed puts it
    unresolved,     ///< a mesh line, but no sideband ratio could be read (bins too wide, or past the ends)
    healthy,        ///< every ratio read is below the alarm
    shaft_gear,     ///< the told shaft's gear has the larger ratio at or above the alarm
    mate_gear,      ///< the mate has
};

constexpr const char* name(gear_verdict v) noexcept {
    switch (v) {
        case gear_verdict::unresolved: return "unresolved";
        case gear_verdict::healthy: return "healthy";
        case gear_verdict::shaft_gear: return "shaft_gear";
        case gear_verdict::mate_gear: return "mate_gear";
        default: return "no_mesh_line";
    }
}

template <std::size_t H>
struct gear_report {
    gear_frequencies frequencies{};
    std::array<mesh_line, H> mesh{};
    double measured_shaft_hz = 0;   ///< from the first mesh line found (0: none)

    /// The gear whose largest SER (over the harmonics read) reaches `ser_alarm` (the larger of the
    /// two when both do); healthy when a mesh line was found and neither does; unresolved when a mesh
    /// line was found but no ratio could be read.
    gear_verdict verdict(double ser_alarm = 1.0) const noexcept {
        if (!(measured_shaft_hz > 0)) return gear_verdict::no_mesh_line;
        const double s = largest_ser(&mesh_line::ser_shaft), m = largest_ser(&mesh_line::ser_mate);
        if (std::isnan(s) && std::isnan(m)) return gear_verdict::unresolved;
        if (!(s >= ser_alarm) && !(m >= ser_alarm)) return gear_verdict::healthy;
        return m > s ? gear_verdict::mate_gear : gear_verdict::shaft_gear;
    }
    /// The largest SER of one gear over the harmonics read (NaN when none was).
    double largest_ser(double mesh_line::*gear) const noexcept {
        double best = std::numeric_limits<double>::quiet_NaN();
        for (const mesh_line& l : mesh)
            if (l.*gear >= 0 && !(l.*gear <= best)) best = l.*gear;
        return best;
    }
};

template <std::size_t H = 3, std::size_t K = 6, class T = float>
class gear_mesh {
    static_assert(H >= 1 && K >= 1, "nerve::spectral::gear_mesh needs a harmonic and a sideband");

public:
    using input_type = spectrum_view<T>;
    using output_type = gear_report<H>;

    constexpr gear_mesh(const gear_pair& g, hertz shaft, double tolerance = 0.02) noexcept
        : pair_(g), tolerance_(tolerance) {
        set_shaft(shaft);
    }

    /// Changes the told shaft speed (e.g. a measured one) without touching anything else.
    constexpr void set_shaft(hertz shaft) noexcept {
        report_.frequencies = gear_frequencies_of(pair_, shaft);
        for (std::size_t h = 0; h < H; ++h)
            report_.mesh[h] = mesh_line{static_cast<double>(h + 1) * report_.frequencies.mesh_hz};
        report_.measured_shaft_hz = 0;
    }

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(report_));
    }

    bool compute(const input_type& s) noexcept {
        // The finiteness test sums in T (SIMD on hosts, no soft double on a Cortex-M4F: a double
        // sum of 4097 bins cost ~280 k of its ~710 k instructions a call).
        if (!detail::readable_line_spectrum(s, 16)) {
            ++rejected_;
            return false;
        }
        report_.measured_shaft_hz = 0;
        // Where the next harmonic is searched: h x the mesh frequency the last line found says (a
        // speed error grows with h; the lines found do not carry it).
        double mesh_hz = report_.frequencies.mesh_hz;
        for (std::size_t h = 0; h < H; ++h) {
            const double order = static_cast<double>(h + 1);
            mesh_line& line = report_.mesh[h];
            line = mesh_line{order * report_.frequencies.mesh_hz};
            read_harmonic(s, order, order * mesh_hz, line);
            if (line.frequency > 0) {
                mesh_hz = line.frequency / order;
                if (report_.measured_shaft_hz == 0) report_.measured_shaft_hz = mesh_hz / pair_.teeth;
            }
        }
        return true;
    }

    const output_type& result() const noexcept { return report_; }
    const gear_pair& pair() const noexcept { return pair_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    static constexpr double min_spacing_bins = 6.0;
    static constexpr double min_prominence = 10.0;

    void read_harmonic(const input_type& s, double h, double centre_hz, mesh_line& line) const noexcept {
        const gear_frequencies& f = report_.frequencies;
        if (!(centre_hz > 0)) return;
        const double slowest = f.mate_hz > 0 && f.mate_hz < f.shaft_hz ? f.mate_hz : f.shaft_hz;
        const double half = std::fmax(std::fmin(centre_hz * tolerance_, 0.4 * slowest), 2.0 * s.bin_hz);
        const std::size_t last = s.size() - 3;   // a line needs its +-2 bins
        const double lo_bin = std::ceil((centre_hz - half) / s.bin_hz);
        const double hi_bin = std::floor((centre_hz + half) / s.bin_hz);
        if (lo_bin < 3 || hi_bin > static_cast<double>(last)) return;
        const std::size_t best = largest_local_max(s, static_cast<std::size_t>(lo_bin), static_cast<std::size_t>(hi_bin));
        if (best == 0) return;
        const double found = interpolate_peak(s, best).frequency;
        const double shaft = found / (h * pair_.teeth), mate = pair_.mate_teeth >= 1 ? found / (h * pair_.mate_teeth) : 0.0;
        const double shaft_floor = floor_of(s, found, shaft), mate_floor = mate > 0 ? floor_of(s, found, mate) : nan;
        // A line must stand min_prominence above the floor of a family that resolves (noise alone
        // always has a local maximum somewhere in the window).
        const double judge = std::isnan(shaft_floor) ? mate_floor : shaft_floor;
        if (!std::isnan(judge) && !(static_cast<double>(s.values[best]) >= min_prominence * judge)) return;
        line.frequency = found;
        line.amplitude = amplitude(s, best, std::isnan(judge) ? 0.0 : judge);
        line.ser_shaft = ser(s, best, found, shaft, mate, shaft_floor);
        if (mate > 0) line.ser_mate = ser(s, best, found, mate, shaft, mate_floor);
    }

    /// The median of the 2K bins midway between the sidebands of the gear turning at `rate` around a
    /// mesh line at `mesh_hz` (a median, as the other gear's lines may fall on a few of them); NaN
    /// when they are under min_spacing_bins apart or pass an end.
    static double floor_of(const input_type& s, double mesh_hz, double rate) noexcept {
        const double spacing = rate / s.bin_hz;
        const double top = (mesh_hz + (static_cast<double>(K) + 0.5) * rate) / s.bin_hz;
        const double bottom = (mesh_hz - (static_cast<double>(K) + 0.5) * rate) / s.bin_hz;
        if (!(spacing >= min_spacing_bins) || !(bottom >= 3.0) || !(top <= static_cast<double>(s.size() - 4))) return nan;
        std::array<T, 2 * K> mid{};   // sorted in T: no soft double compares on a Cortex-M4F
        for (std::size_t k = 0; k < K; ++k) {
            const double off = (static_cast<double>(k) + 0.5) * rate;
            mid[2 * k] = s.values[s.bin_of(mesh_hz - off)];
            mid[2 * k + 1] = s.values[s.bin_of(mesh_hz + off)];
        }
        std::sort(mid.begin(), mid.end());
        return 0.5 * (static_cast<double>(mid[K - 1]) + static_cast<double>(mid[K]));
    }

    /// SER of the gear turning at `rate` around the mesh line at bin `centre`, each line less that
    /// gear's floor (NaN: not resolved). Sidebands within 4 bins of a sideband of the other gear
    /// (turning at `other`; 0: none) are left out: their main lobes overlap, so neither gear can
    /// claim the power. A sideband counts its signed amplitude (-sqrt(-2 ms) below the floor), so
    /// that sidebands where the spectrum holds only noise add nothing on average instead of the
    /// positive part of the noise's fluctuation, 2K times; the sum is clipped at 0.
    static double ser(const input_type& s, std::size_t centre, double mesh_hz, double rate, double other, double floor) noexcept {
        if (std::isnan(floor)) return nan;
        const double mesh = amplitude(s, centre, floor);
        if (!(mesh > 0)) return nan;
        // The overlap test in float bins (hardware on a Cortex-M4F; 0.01 of a bin is plenty for a
        // 4-bin test): in double it was ~60 % of a call there.
        const float step = static_cast<float>(rate / s.bin_hz), other_step = static_cast<float>(other / s.bin_hz);
        double sidebands = 0;
        for (std::size_t k = 1; k <= K; ++k) {
            const double off = static_cast<double>(k) * rate;
            const float off_bins = static_cast<float>(k) * step;
            bool shared = false;
            for (std::size_t j = 1; j <= K && other_step > 0.0f; ++j)
                shared = shared || std::fabs(off_bins - static_cast<float>(j) * other_step) < 4.0f;
            if (shared) continue;
            sidebands += signed_amplitude(s, near_max(s, s.bin_of(mesh_hz - off)), floor);
            sidebands += signed_amplitude(s, near_max(s, s.bin_of(mesh_hz + off)), floor);
        }
        return sidebands > 0 ? sidebands / mesh : 0.0;
    }

    /// The highest of the bins k - 1, k, k + 1 (a sideband k rotations away carries k times the
    /// speed's rounding).
    static std::size_t near_max(const input_type& s, std::size_t k) noexcept {
        std::size_t best = k;
        if (s.values[k - 1] > s.values[best]) best = k - 1;
        if (s.values[k + 1] > s.values[best]) best = k + 1;
        return best;
    }

    static double amplitude(const input_type& s, std::size_t k, double floor) noexcept {
        const double ms = s.line_mean_square(k, floor);
        return ms > 0 ? std::sqrt(2.0 * ms) : 0.0;
    }
    static double signed_amplitude(const input_type& s, std::size_t k, double floor) noexcept {
        const double ms = s.line_mean_square(k, floor);
        return ms >= 0 ? std::sqrt(2.0 * ms) : -std::sqrt(-2.0 * ms);
    }

    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

    gear_pair pair_{};
    output_type report_{};
    double tolerance_ = 0.02;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
