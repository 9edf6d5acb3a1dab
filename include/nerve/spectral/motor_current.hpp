// nerve/spectral/motor_current.hpp — motor current signature analysis: an induction motor's
// supply line, its running speed and slip, and the broken-rotor-bar sidebands in a spectrum of one
// stator phase current, with the severity their level says.
//
//   constexpr nerve::spectral::induction_motor m{50.0, 4};      // 50 Hz supply, 4 poles
//   ... | decimate to ~6 x line | welch<8192>{hann, fs, scaling::spectrum} | motor_current<2>{m, hertz{1460 / 60.0}};
//   report.lower[0].db;      // the (1 - 2s) f sideband, dB relative to the supply line
//   report.condition();      // excellent / good / moderate / cracked_bar / broken_bars / ...
//
// Physics: a motor with P pole pairs on a supply of f Hz has a synchronous speed ns = f / P
// (revolutions per second); the rotor turns at fr = (1 - s) ns, s the slip. A broken or cracked
// rotor bar makes the rotor's field asymmetric: it induces a stator current at (1 - 2s) f, and the
// speed ripple it causes adds one at (1 + 2s) f; further pairs follow at (1 -+ 2ks) f. The level of
// the (1 - 2s) f sideband below the supply line is the established severity measure (Thomson and
// Fenger, IEEE Industry Applications Magazine, 2001): above 60 dB excellent, 54-60 good, 48-54
// moderate, 42-48 a cracked bar or high-resistance joint developing, 36-42 two bars likely broken,
// 30-36 several, under 30 severe (`rotor_condition_of`). The table assumes a motor near full load:
// the sidebands shrink with the slip (at no load they vanish into the line), so judge a motor at a
// steady load above about half its rating, and trend the reading at one load.
//
// The speed: nameplate speeds are full-load speeds and the slip moves with the load, while a
// sideband 2 s f from the line needs s to about 1 %: so the speed is measured where the current
// shows it. Static and dynamic air-gap eccentricity, present at some level in every motor, puts a
// line at f + fr; the largest local maximum between f + (1 - tolerance) fr_told and f + ns (less 3
// bins: the 2-pole motor's f + ns is the supply's 2nd harmonic) that stands 10 times (10 dB) above
// its floor gives fr (`source` eccentricity). Failing that, the first lower sideband is searched
// over every slip the told speed allows (from that of (1 - tolerance) of it down to none), and a line
// found there places the slip for the other sidebands (`source` sideband); a load whose torque
// oscillates at a frequency in that range would be taken for it, so give a measured speed when the
// current shows no eccentricity line. With neither, nothing is placed (`source` told). Only a
// measured slip calls a rotor clean (`condition()`).
//
// Reading (a power or density spectrum, one-sided, as welch emits; a Hann window or one with a main
// lobe no wider than +-2 bins): the supply line is the largest local maximum within f (1 +-
// line_tolerance), at least +-2 bins, 10 times above its floor. A line's mean square is its 5 bins
// less the floor (spectrum_view::line_mean_square); the floor is the median of the bins within 16 of
// the line read, none within 4 of it or within 6 of the supply line. A sideband must stand 10 times
// above that floor, else it reads NaN and `floor_db` (for the first lower sideband) says how far down
// it is at least (`condition()` takes that bound when it is 54 dB or more). A sideband under 8 bins
// from the supply line is not read (NaN): Hann's leakage from the line there is near -65 dB and
// its floor would hold the line's skirt; so the bins must be at most 2 s f / 8 wide (0.1 Hz for a
// 1 % slip on 50 Hz, a 10 s segment), finer at light load.
//
// Bad input: a spectrum with a NaN or Inf (or whose sum overflows T), fewer than 16 bins, or of
// another quantity (decibel, kurtosis) is rejected and counted (`rejected()`); the last report
// stays. A motor with under 2 poles, an odd pole count, a supply or speed that is not positive and
// finite gives reports with no line.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../core/units.hpp"
#include "peaks.hpp"
#include "spectrum.hpp"

namespace nerve::spectral {

/// The nameplate facts the reading needs: supply (or VFD output) frequency and pole count.
struct induction_motor {
    double line_hz = 50.0;
    int poles = 4;   ///< poles, not pole pairs: 2, 4, 6, ...
};

/// The pole count of a motor running at `rpm` on `line_hz`: the one whose synchronous speed is the
/// lowest at or above it (0 when none: a speed at or above the 2-pole synchronous speed, or no speed).
constexpr int poles_for(double line_hz, double rpm) noexcept {
    if (!(line_hz > 0) || !(rpm > 0) || !(rpm < 120.0 * line_hz)) return 0;
    const double pairs = 60.0 * line_hz / rpm;   // > 1
    const int p = static_cast<int>(pairs);       // floor: ns = 60 f / p >= rpm
    return p >= 1 && p <= 500 ? 2 * p : 0;
}

/// Where the rotor speed a report used came from.
enum class speed_source : std::uint8_t {
    told,           ///< the told speed: no line placed the slip
    eccentricity,   ///< the eccentricity line f + fr
    sideband,       ///< the first lower sideband, searched over the slips the told speed allows
};

constexpr const char* name(speed_source s) noexcept {
    switch (s) {
        case speed_source::eccentricity: return "eccentricity";
        case speed_source::sideband: return "sideband";
        default: return "told";
    }
}

/// One line of the current spectrum as read.
struct current_line {
    double expected_hz = 0;   ///< where the speed used puts it (0: not placed)
    double frequency = 0;     ///< refined frequency of the line found (0: none)
    double db = std::numeric_limits<double>::quiet_NaN();   ///< its level relative to the supply line (NaN: none)
};

/// The rotor's condition from the (1 - 2s) f sideband's level (the file comment's table).
enum class rotor_condition : std::uint8_t {
    no_line,                ///< no supply line where the told frequency puts it
    unresolved,             ///< no slip, a slip the bins cannot resolve, or a floor too high to tell
    excellent,              ///< 60 dB or more below the line
    good,                   ///< 54-60
    moderate,               ///< 48-54
    cracked_bar,            ///< 42-48: a cracked bar or high-resistance joint developing
    broken_bars,            ///< 36-42: two bars likely broken
    multiple_broken_bars,   ///< 30-36
    severe,                 ///< under 30
};

constexpr const char* name(rotor_condition c) noexcept {
    switch (c) {
        case rotor_condition::unresolved: return "unresolved";
        case rotor_condition::excellent: return "excellent";
        case rotor_condition::good: return "good";
        case rotor_condition::moderate: return "moderate";
        case rotor_condition::cracked_bar: return "cracked_bar";
        case rotor_condition::broken_bars: return "broken_bars";
        case rotor_condition::multiple_broken_bars: return "multiple_broken_bars";
        case rotor_condition::severe: return "severe";
        default: return "no_line";
    }
}

/// The table, for a sideband `db_down` dB below the supply line (positive: below).
constexpr rotor_condition rotor_condition_of(double db_down) noexcept {
    if (!(db_down == db_down)) return rotor_condition::unresolved;
    if (db_down >= 60) return rotor_condition::excellent;
    if (db_down >= 54) return rotor_condition::good;
    if (db_down >= 48) return rotor_condition::moderate;
    if (db_down >= 42) return rotor_condition::cracked_bar;
    if (db_down >= 36) return rotor_condition::broken_bars;
    if (db_down >= 30) return rotor_condition::multiple_broken_bars;
    return rotor_condition::severe;
}

template <std::size_t K>
struct motor_current_report {
    double line_hz = 0;          ///< refined supply frequency (0: no line)
    double line_amplitude = 0;   ///< sqrt(2 ms) of the supply line, in the input's unit
    double synchronous_hz = 0;   ///< line_hz / pole pairs
    double speed_hz = 0;         ///< rotor speed the sidebands were placed with
    speed_source source = speed_source::told;
    double slip = std::numeric_limits<double>::quiet_NaN();
    current_line eccentricity{}; ///< f + fr
    std::array<current_line, K> lower{}, upper{};   ///< (1 - 2ks) f and (1 + 2ks) f, k = 1..K
    /// The floor around the first lower sideband as a 5-bin line would read it, dB relative to the
    /// supply line (NaN when not read): a sideband 10 dB above it would have been seen.
    double floor_db = std::numeric_limits<double>::quiet_NaN();

    /// The table on the first lower sideband, or, when none stands out, on the bound floor_db + 10.
    /// Only a slip the eccentricity line measured can call a rotor clean (excellent or good): a told
    /// speed may be the nameplate's, at light load the sidebands are too near the line to read, and
    /// the largest line of a wide slip search may be the supply line's own leakage (-65 dB at 8
    /// bins); so without it those readings are unresolved, while a strong sideband still grades.
    rotor_condition condition() const noexcept {
        if (!(line_hz > 0)) return rotor_condition::no_line;
        const double down = !std::isnan(lower[0].db) ? -lower[0].db : -(floor_db + 10.0);
        const rotor_condition c = rotor_condition_of(down);
        const bool clean = c == rotor_condition::excellent || c == rotor_condition::good;
        if (clean && source != speed_source::eccentricity) return rotor_condition::unresolved;
        return std::isnan(lower[0].db) && !clean ? rotor_condition::unresolved : c;
    }
};

template <std::size_t K = 2, class T = float>
class motor_current {
    static_assert(K >= 1, "nerve::spectral::motor_current reads at least one sideband pair");

public:
    using input_type = spectrum_view<T>;
    using output_type = motor_current_report<K>;

    /// `speed`: the rotor speed told (nameplate or measured); `speed_tolerance`: how far below it the
    /// eccentricity line is searched (the search always reaches up to synchronous speed);
    /// `line_tolerance`: how far the supply may be from `motor.line_hz`.
    constexpr motor_current(const induction_motor& motor, hertz speed, double speed_tolerance = 0.02,
                            double line_tolerance = 0.02) noexcept
        : motor_(motor), speed_told_(speed.value), speed_tolerance_(speed_tolerance), line_tolerance_(line_tolerance) {}

    template <class Emit>
    void push(const input_type& s, Emit&& emit) {
        if (compute(s)) emit(static_cast<const output_type&>(report_));
    }

    bool compute(const input_type& s) noexcept {
        if (!detail::readable_line_spectrum(s, 16)) {
            ++rejected_;
            return false;
        }
        report_ = output_type{};
        if (!valid_motor()) return true;
        read_line(s);
        if (report_.line_hz > 0) read_rotor(s);
        return true;
    }

    const output_type& result() const noexcept { return report_; }
    const induction_motor& motor() const noexcept { return motor_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    static constexpr double min_prominence = 10.0;   // 10 dB over the floor
    static constexpr double min_sideband_bins = 8.0;
    static constexpr std::size_t floor_reach = 16, floor_gap = 4, line_gap = 6;
    static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

    bool valid_motor() const noexcept {
        return motor_.line_hz > 0 && motor_.line_hz < 1e6 && motor_.poles >= 2 && motor_.poles % 2 == 0 &&
               speed_told_ > 0 && speed_told_ < 1e6;
    }

    /// A line found in bins [lo_hz, hi_hz]: its bin (0: none standing min_prominence over its floor)
    /// and that floor.
    struct found_line {
        std::size_t bin = 0;
        double floor = nan;
    };
    found_line search(const input_type& s, double lo_hz, double hi_hz) const noexcept {
        const double lo = std::ceil(lo_hz / s.bin_hz), hi = std::floor(hi_hz / s.bin_hz);
        if (!(lo >= 3.0) || !(hi <= static_cast<double>(s.size() - 4)) || !(lo <= hi)) return {};
        const std::size_t best = largest_local_max(s, static_cast<std::size_t>(lo), static_cast<std::size_t>(hi));
        if (best == 0) return {};
        const double floor = floor_near(s, best);
        if (std::isnan(floor) || !(static_cast<double>(s.values[best]) >= min_prominence * floor)) return {0, floor};
        return {best, floor};
    }

    /// The median of the bins within floor_reach of bin c, none within floor_gap of c or line_gap of
    /// the supply line (NaN when fewer than 8 such bins lie inside the spectrum).
    double floor_near(const input_type& s, std::size_t c) const noexcept {
        std::array<T, 2 * floor_reach> bins{};   // sorted in T: no soft double compares on a Cortex-M4F
        std::size_t count = 0;
        const std::size_t first = c > floor_reach ? c - floor_reach : 1;
        const std::size_t last = std::min(c + floor_reach, s.size() - 1);
        for (std::size_t k = first; k <= last; ++k) {
            const std::size_t from_c = k > c ? k - c : c - k;
            const std::size_t from_line = k > line_bin_ ? k - line_bin_ : line_bin_ - k;
            if (from_c < floor_gap || (line_bin_ != 0 && from_line < line_gap)) continue;
            bins[count++] = s.values[k];
        }
        if (count < 8) return nan;
        std::sort(bins.begin(), bins.begin() + static_cast<std::ptrdiff_t>(count));
        return count % 2 ? static_cast<double>(bins[count / 2])
                         : 0.5 * (static_cast<double>(bins[count / 2 - 1]) + static_cast<double>(bins[count / 2]));
    }

    void read_line(const input_type& s) noexcept {
        line_bin_ = 0;
        const double f = motor_.line_hz, half = std::fmax(f * line_tolerance_, 2.0 * s.bin_hz);
        const found_line l = search(s, f - half, f + half);
        if (l.bin == 0) return;
        const double ms = s.line_mean_square(l.bin, l.floor);
        if (!(ms > 0)) return;
        line_bin_ = l.bin;
        line_ms_ = ms;
        report_.line_hz = interpolate_peak(s, l.bin).frequency;
        report_.line_amplitude = std::sqrt(2.0 * ms);
        report_.synchronous_hz = report_.line_hz / static_cast<double>(motor_.poles / 2);
    }

    /// Level of the line at bin k over `floor`, dB relative to the supply line (-300 when nothing is left).
    double level_db(const input_type& s, std::size_t k, double floor) const noexcept {
        const double ms = s.line_mean_square(k, floor);
        return ms > 0 ? 10.0 * std::log10(ms / line_ms_) : -300.0;
    }

    void read_rotor(const input_type& s) noexcept {
        output_type& r = report_;
        const double f = r.line_hz, pairs = static_cast<double>(motor_.poles / 2), ns = r.synchronous_hz;
        // The eccentricity line f + fr: fr from (1 - tolerance) of the told speed up to synchronous.
        const double fr_lo = speed_told_ * (1.0 - speed_tolerance_);
        r.eccentricity.expected_hz = f + speed_told_;
        const found_line e = search(s, f + fr_lo, f + ns - 3.0 * s.bin_hz);
        r.speed_hz = speed_told_;
        if (e.bin != 0) {
            r.eccentricity.frequency = interpolate_peak(s, e.bin).frequency;
            r.eccentricity.db = level_db(s, e.bin, e.floor);
            r.speed_hz = r.eccentricity.frequency - f;
            r.source = speed_source::eccentricity;
        }
        double slip = 1.0 - r.speed_hz * pairs / f;
        r.slip = slip;
        if (!(slip > 0) || !(slip < 0.5)) return;
        // Without a measured speed the first lower sideband is searched over every slip the told
        // speed allows (from its (1 - tolerance) up to synchronous), and a line found there places
        // the slip for the rest; the other sidebands are read only once the slip is placed.
        const double widest = 2.0 * (f - fr_lo * pairs);   // 2 s f at the slowest speed searched
        const double edge = min_sideband_bins * s.bin_hz;   // leakage there is under -65 dB (see above)
        bool placed = r.source == speed_source::eccentricity;
        for (std::size_t k = 1; k <= K; ++k) {
            const double kk = static_cast<double>(k);
            double offset = 2.0 * kk * slip * f;
            r.lower[k - 1].expected_hz = f - offset;
            r.upper[k - 1].expected_hz = f + offset;
            if (!placed && k > 1) break;
            if (placed && offset < edge) continue;
            const double lo_hz = placed ? f - offset - 2.0 * s.bin_hz : f - widest;
            const double hi_hz = placed ? std::fmin(f - offset + 2.0 * s.bin_hz, f - edge) : f - edge;
            const found_line lo = search(s, lo_hz, hi_hz);
            if (lo.bin != 0) {
                r.lower[k - 1].frequency = interpolate_peak(s, lo.bin).frequency;
                r.lower[k - 1].db = level_db(s, lo.bin, lo.floor);
                if (!placed) {
                    // The sideband places the slip (told speeds are rarely within the 0.1 % a bin needs).
                    slip = (f - r.lower[0].frequency) / (2.0 * f);
                    r.slip = slip;
                    r.speed_hz = ns * (1.0 - slip);
                    r.source = speed_source::sideband;
                    placed = true;
                    offset = 2.0 * slip * f;   // k = 1 here
                    r.lower[0].expected_hz = f - offset;
                    r.upper[0].expected_hz = f + offset;
                }
            }
            if (k == 1 && offset >= edge) {   // around the sideband found, or where the slip puts it
                const double floor = floor_near(s, lo.bin != 0 ? lo.bin : s.bin_of(f - offset));
                if (!std::isnan(floor)) r.floor_db = level_db_of_floor(s, floor);
            }
            if (!placed) break;
            const double up = f + offset;
            const found_line hi = search(s, std::fmax(up - 2.0 * s.bin_hz, f + edge), up + 2.0 * s.bin_hz);
            if (hi.bin != 0) {
                r.upper[k - 1].frequency = interpolate_peak(s, hi.bin).frequency;
                r.upper[k - 1].db = level_db(s, hi.bin, hi.floor);
            }
        }
    }

    /// The floor's 5 bins as a line would read them, dB relative to the supply line.
    double level_db_of_floor(const input_type& s, double floor) const noexcept {
        const double ms = s.mean_square_of(floor, 5);
        return ms > 0 ? 10.0 * std::log10(ms / line_ms_) : -300.0;
    }

    induction_motor motor_{};
    double speed_told_ = 0;
    double speed_tolerance_ = 0.02;
    double line_tolerance_ = 0.02;
    output_type report_{};
    std::size_t line_bin_ = 0;
    double line_ms_ = 1.0;
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::spectral
