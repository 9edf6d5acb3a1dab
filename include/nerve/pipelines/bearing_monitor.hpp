// nerve/pipelines/bearing_monitor.hpp — reference pipeline for rolling-element bearing monitoring:
// vibration in, per-frame features and a diagnosis (normal / outer race / inner race / ball /
// anomaly) with a severity out.
//
//   nerve::pipelines::bearing_monitor_config c;
//   c.fs_hz = 12000; c.shaft_hz = 1797.0 / 60; c.geometry = nerve::pipelines::bearings::skf6205;
//   static nerve::pipelines::bearing_monitor<> m{c};
//   m.process(block, [](const auto& frame) { frame.diagnosis; frame.health_index; });
//   const auto s = m.summary();   // diagnosis over everything seen so far
//
// Signal path (per sample, no FFT at the input rate):
//   x -> high-pass (2nd-order Butterworth at highpass_hz: DC and drift removal)
//     -> time features of the frame (RMS, excess kurtosis, crest factor; raw sums, 4 lanes)
//     -> every spectrum_hop samples a SpecN-point Hann spectrum (Welch, mean over the frame)
//        -> EnergyBands equal-width band energies from 0 to fs/2
//     -> Bands parallel demodulation bands (2nd-order Butterworth band-pass each, one
//        biquad_cascade per band through its block path), each squared
//        (squared envelope) and block-averaged over D = round(fs / envelope_rate_hz) samples
//        (decimation to ~envelope_rate_hz; a boxcar is enough because the defect lines sit far
//        below the new Nyquist frequency)
//        -> EnvN-point Hann spectra of the envelope, 50 % overlap, averaged per band (Welch)
//        -> bearing_defects<3>: line prominence at FTF, BSF, 2xBSF, BPFO, BPFI and 2 harmonics.
//     -> shaft-speed refinement (speed_search > 0): the high-passed signal is boxcar-averaged over
//        the same D samples (one add per sample), low-passed (4th-order Butterworth at 0.3 r2) and
//        decimated again to r2 = r1 / floor(r1 / (8 fr)) (~8x the told shaft frequency fr; r1 is the
//        envelope rate), then EnvN-point Hann spectra, 50 % overlap, run-averaged like the envelope
//        spectra. Bins are r2 / EnvN ~ fr / 128 for EnvN = 1024 (0.24 Hz at 30 Hz, 4.1 s segments;
//        fr / 64 for EnvN = 512). See "Shaft speed" below.
// An analysis frame ends after `segments_per_frame` envelope spectra; it then emits a
// bearing_frame. The envelope spectra are also kept as a cumulative mean per band (switching to
// an exponential mean with memory `summary_memory` segments on long runs; the band moments are a
// plain cumulative sum), from which summary()
// diagnoses the whole run with the same rule: averaging more segments lowers the noise floor, so
// the summary is the more reliable verdict.
//
// Why several bands, and which one: the demodulation band should sit on a structural resonance
// the impacts excite, which depends on the machine, not on the bearing. Of the Bands equal bands
// between band_lo_hz and band_hi_hz the pipeline reads the lines of the most impulsive one, as a
// kurtogram would choose it (Antoni; Smith & Randall's CWRU benchmark): impulsiveness = var / mean^2
// of the band's decimated squared envelope (= kurtosis - 1 of the band signal at the envelope's time
// scale; band-limited Gaussian noise reads below 1 after the boxcar, repetitive impacts raise it).
// The moments cost two multiply-adds per band at the envelope rate. All classes are read in the
// same band: taking each class's best band instead (the previous rule) lets noise win a maximum
// over bands and made race lines appear in ball-fault recordings.
//
// Evidence and diagnosis (thresholds set once, in bearing_monitor_config; see diagnose()):
//   in the selected band, evidence(outer) = the BPFO score, evidence(inner) = the BPFI score,
//   evidence(ball) = max(2xBSF score, BSF score); a score is the sum over 3 harmonics of
//   log10(line / local floor) ("decades above the floor", spectral/bearing.hpp);
//   race_any = the largest race score in any band.
//   1. a race line stands out: the larger of outer/inner >= race_threshold and exceeds the other
//      race by race_margin  -> outer_race / inner_race;
//   2. a ball line stands out: evidence(ball) >= ball_threshold and above both races -> ball;
//   3. one class dominates weakly: top evidence >= weak_threshold and ahead of the runner-up by
//      weak_margin -> that class;
//   4. both races show lines above race_threshold but neither dominates -> anomaly (a fault,
//      type unclear);
//   5. the signal is impulsive (excess kurtosis >= kurtosis_alarm or crest factor >=
//      crest_alarm) but no race line explains it -> ball: rolling elements spin, slip and
//      enter and leave the load zone, so a ball defect's impacts are not periodic at a race
//      frequency and often show no clean line (Smith & Randall found many CWRU ball faults
//      undiagnosable by lines); this verdict is the least certain one and says so (confidence);
//   6. a race line >= race_threshold shows in another band only (race_any) -> anomaly: a fault
//      whose type the most impulsive band does not confirm;
//   7. the anomaly score (deviation of the RMS from the learned baseline) is high -> anomaly;
//   8. otherwise normal.
// Severity (0 none .. 3 severe) grows with the health index, the largest of the normalised
// indicators (kurtosis / kurtosis_alarm, (crest - 3) / (crest_alarm - 3), evidence / threshold).
//
// Shaft speed: defect frequencies scale with the shaft speed, and a told speed (nameplate, VFD
// setting) is often 1-2 % off (slip, load); the +-2 % line windows then miss or half-miss the lines.
// The pipeline measures the speed from the vibration: the 1x shaft line (unbalance, misalignment:
// present on practically every rotating machine) is searched within +-speed_search (3 %) of the told
// speed in the shaft spectrum above: the largest local maximum, log-parabolic refinement (a fraction
// of a bin: ~0.1 % of fr on CWRU). It replaces the told speed only if (a) at least 3 shaft spectra
// are averaged, (b) the line stands >= speed_min_prominence (0.75) decades above the geometric mean
// of the 20 bins each side of the window (a log mean, so one strong neighbour line cannot hide it;
// for noise alone averaged over 3 spectra, a bin exceeds that with probability < 1e-4), and (c) it
// differs from the told speed by more than speed_keep (0.5 %, a quarter of the line window: the
// told speed is kept where the data confirm it, so estimator noise does not move the windows).
// Otherwise the told speed is used (fallback). Only the 1x line is used: 2x can sit on the mains
// line (60 Hz at 1800 rpm), and no fault line is read, so no class is favoured. A peak within one
// bin of a harmonic of mains_hz (50 and 60 Hz by default) is never taken: on a 2-pole motor the
// grid line sits inside the +-3 % search, and it is often stronger than the 1x line. The speed used is in
// the frame and summary (`shaft_hz`), with the line's prominence (`shaft_line`, decades; 0: none).
// Limit: a 2-pole machine's 1x sits next to the mains frequency itself (50/60 Hz, slip 1-3 %).
//
// Shaft orders: the summary also carries the RMS velocity (mm/s) of the lines at 1x,
// 2x and 3x the shaft speed used, read in the run's shaft spectrum: the power of the 5 bins around
// each order less the local floor, over the Hann window's ENBW (1.5 bins), undone through the
// shaft stream's high-pass, boxcar and low-pass (their digital responses at that frequency: the
// low-pass at 0.3 r2 leaves ~0.37 of a line at 3x, which this undoes, with its noise), integrated
// (/ 2 pi f) and scaled by unit_m_s2. They say what the overall velocity is made of: a 1x line near
// the whole velocity is the picture of unbalance, 2x at or above 1x of misalignment, a row of
// harmonics of looseness (the classic reading of order spectra; the monitor reports the
// amplitudes and names no such fault). Limits: lines at a mains frequency's harmonic are counted
// too (a 4-pole motor's 2x at 1800 rpm is 60 Hz); no orders with speed_search = 0 (no shaft
// stream) or before 3 shaft spectra (~13 s at 25 Hz).
//
// Anomaly score and drift: the health index and log RMS are tracked against a baseline learned
// over the first `baseline_frames` frames (stats::running_moments; the anomaly score is the
// larger |z|, with a floor of 0.1 on the baseline's standard deviation, squashed to [0, 1) as
// z / (z + 3)); drift::page_hinkley (upward) on the health index flags drift: a slow rise of
// the health index is how bearing wear shows.
//
// Vibration severity: the raw input (bad samples held) also runs through stats::vibration_severity:
// RMS velocity over velocity_lo_hz-velocity_hi_hz (10-1000 Hz, ISO 10816's band) in mm/s, the input
// scaled by unit_m_s2 (g by default), per frame (`velocity`: the frame's RMS and peak, and its zone
// A-D against severity_limits) and over the run (the summary's `velocity`; `max_velocity_rms` is
// the largest frame's). It is reported beside the diagnosis, not folded into it: a bearing defect
// shows in the envelope long before it moves the overall velocity (CWRU's drive end: the normal
// record 0.15 mm/s, the 7- and 14-mil faults 0.14-0.23, the 21-mil 0.14-0.56, only the 28-mil
// 0.79-1.03, zone B of ISO 10816-1's class I), and a high velocity with no defect line is
// usually unbalance, misalignment or looseness, which the envelope rules do not name. The first
// 2.25 / velocity_lo_hz s are not summed (the integrator settles; vibration_severity.hpp).
// velocity_lo_hz = 0 turns it off (no per-sample cost).
//
// Memory: sizeof(bearing_monitor<Bands, EnvN, SpecN, EnergyBands>) is its whole RAM; about
// 4 (EnvN (Bands + 2) + SpecN * 3) + 4 EnvN Bands bytes plus the two FFT objects, plus on SIMD
// hosts the filters' block-path tables (biquad.hpp: ~2.5 KB per band-pass, ~2.3 KB for the
// high-pass; bearing_monitor<4> 86.9 KB with AVX-512), and ~4 (Bands + 2) block bytes of stack in
// process(). The default (4 bands, 1024-point envelope spectra: 1.46 Hz bins at a 1.5 kHz
// envelope rate) is meant for gateways and servers. The one-axis Cortex-M4 firmware keeps the
// 1024-point resolution (the line scores depend on it: see examples/mcu_maintenance.cpp) with two
// bands and its frames in bfloat16: bearing_monitor<2, 1024, 128, 8, false, bfloat16>, 29,688 B
// (29,496 before the vibration severity's ~190 B).
// Of those, 11,184 are the analysis scratch (bearing_scratch: the envelope transform 8,216 —
// spectral::periodogram: real_fft work space 4 KB and one in-place buffer of EnvN + 2 floats, the
// Hann window in flash —,
// the raw FFT stage 2,392, the line finder 576), which holds nothing between calls; the state is
// the envelope frames (Bands x 2 EnvN in bfloat16, 4 EnvN in float: 4,112), the frame and run
// envelope spectra (2 x Bands x 4 (EnvN / 2 + 1): 8,208), the shaft stream (frame 2 EnvN: 2,056,
// run spectrum 2,052), the raw-spectrum frame and mean (772), the config (232), filters, moments,
// baseline and drift (~900). The previous firmware's <2, 512, 128> with float frames was 25,464 B
// (12,272 scratch with rfft's stage: window, frame, bins, power and work space). bearing_monitor<...,
// true> holds the state only and takes the scratch per call, so several monitors can share one
// (multi_axis_bearing_monitor does).
//
// Bad input: a NaN or Inf sample is replaced by the last finite one and counted
// (`rejected_samples()`) — the band-pass filters hold, so one bad sample cannot poison the
// envelope; a frame whose time features come out non-finite anyway (values so large their
// 4th powers overflow float) is reported with `valid = false` and not used for the baseline; an
// envelope stretch whose moments overflow float is left out of the band selection, as its
// envelope spectra are left out of the averages.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "../core/bfloat16.hpp"
#include "../core/framer.hpp"
#include "../core/lane_sums.hpp"
#include "../core/simd_fma.hpp"
#include "../core/units.hpp"
#include "../drift/page_hinkley.hpp"
#include "../filter/biquad.hpp"
#include "../filter/butterworth.hpp"
#include "../spectral/bearing.hpp"
#include "../spectral/periodogram.hpp"
#include "../spectral/rfft.hpp"
#include "../spectral/window.hpp"
#include "../stats/running_moments.hpp"
#include "../stats/vibration_severity.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>
#endif

namespace nerve::pipelines {

/// Common bearing geometries (diameters in inches; only ratios matter).
namespace bearings {
/// SKF 6205-2RS JEM deep-groove ball bearing (CWRU drive end).
inline constexpr spectral::bearing_geometry skf6205{9, 0.3126, 1.537, 0.0};
/// SKF 6203-2RS JEM (CWRU fan end).
inline constexpr spectral::bearing_geometry skf6203{8, 0.2656, 1.122, 0.0};
}  // namespace bearings

enum class bearing_diagnosis : std::uint8_t { normal = 0, outer_race, inner_race, ball, anomaly };

constexpr const char* name(bearing_diagnosis d) noexcept {
    switch (d) {
        case bearing_diagnosis::normal: return "normal";
        case bearing_diagnosis::outer_race: return "outer_race";
        case bearing_diagnosis::inner_race: return "inner_race";
        case bearing_diagnosis::ball: return "ball";
        default: return "anomaly";
    }
}

/// Which rule of the file comment produced a diagnosis (how much to trust it).
enum class bearing_rule : std::uint8_t {
    none = 0, race_line, ball_line, weak_line, ambiguous_lines, impulsive, anomaly_score, off_band_lines
};

constexpr const char* name(bearing_rule r) noexcept {
    switch (r) {
        case bearing_rule::race_line: return "race_line";
        case bearing_rule::ball_line: return "ball_line";
        case bearing_rule::weak_line: return "weak_line";
        case bearing_rule::ambiguous_lines: return "ambiguous_race_lines";
        case bearing_rule::impulsive: return "impulsive_no_race_line";
        case bearing_rule::anomaly_score: return "anomaly_score";
        case bearing_rule::off_band_lines: return "race_lines_off_band";
        default: return "none";
    }
}

struct bearing_monitor_config {
    double fs_hz = 25600.0;                                      ///< vibration sampling rate
    double shaft_hz = 30.0;                                      ///< shaft speed (rpm / 60)
    spectral::bearing_geometry geometry = bearings::skf6205;
    double highpass_hz = 10.0;                                   ///< DC / drift removal
    double band_lo_hz = 500.0;                                   ///< demodulation range, split into Bands
    double band_hi_hz = 5500.0;                                  ///< (clipped to 0.45 fs)
    double envelope_rate_hz = 1500.0;                            ///< target envelope sampling rate
    std::size_t segments_per_frame = 8;                          ///< envelope spectra per analysis frame
    std::size_t spectrum_hop = 0;                                ///< raw-spectrum hop (0: 8 SpecN)
    std::uint64_t summary_memory = 1024;                         ///< segments before the run mean turns exponential
    double line_tolerance = 0.02;                                ///< relative search band around each line (slip)
    double speed_search = 0.03;                                  ///< 1x shaft-line search +- this (0: use shaft_hz as told)
    double speed_min_prominence = 0.75;                          ///< decades above the floor for a 1x line to count
    double speed_keep = 0.005;                                   ///< keep shaft_hz if the 1x line confirms it within this
    std::array<double, 2> mains_hz{50.0, 60.0};                  ///< grid frequencies whose harmonics are never a 1x line (0: none)
    // Diagnosis thresholds (decades above floor for evidences; see the file comment).
    double race_threshold = 2.0;
    double race_margin = 0.5;
    double ball_threshold = 1.5;
    double weak_threshold = 1.0;
    double weak_margin = 0.6;
    double kurtosis_alarm = 3.0;                                 ///< excess kurtosis (Gaussian: 0)
    double crest_alarm = 8.0;                                    ///< crest factor (sine: 1.41, Gaussian: ~3-4.5)
    double anomaly_alarm = 0.9;                                  ///< anomaly score in [0, 1)
    std::size_t baseline_frames = 4;                             ///< frames that define "normal" for the anomaly score
    double drift_delta = 0.05;                                   ///< Page-Hinkley tolerance (health-index units)
    double drift_lambda = 2.0;                                   ///< Page-Hinkley alarm level
    // Vibration severity (stats/vibration_severity.hpp; see Vibration severity in the file comment).
    double velocity_lo_hz = 10.0;                                ///< RMS velocity band (ISO 10816: 10 Hz; below 600 rpm 2 Hz; 0: off)
    double velocity_hi_hz = 1000.0;                              ///< (clipped to 0.45 fs)
    double unit_m_s2 = 9.80665;                                  ///< one input unit in m/s^2 (g: 9.80665, m/s^2: 1)
    stats::severity_limits severity_limits = stats::iso10816::group2_rigid;   ///< zone boundaries, mm/s
};

/// Whether configuration `c` reads the RMS velocity (velocity_lo_hz = 0, or anything not above 0,
/// turns it off).
inline bool velocity_on(const bearing_monitor_config& c) noexcept { return c.velocity_lo_hz > 0; }

/// The vibration_severity settings the monitor runs with configuration `c`.
inline stats::vibration_severity_config velocity_severity_options(const bearing_monitor_config& c) noexcept {
    stats::vibration_severity_config o;
    o.fs_hz = c.fs_hz;
    o.lo_hz = velocity_on(c) ? c.velocity_lo_hz : 10.0;
    o.hi_hz = c.velocity_hi_hz;
    o.unit_m_s2 = c.unit_m_s2;
    o.window_s = 0;   // the monitor closes a reading at each frame's end
    o.limits = c.severity_limits;
    return o;
}

/// The band the RMS velocity covers with configuration `c`: velocity_lo_hz-velocity_hi_hz as
/// vibration_severity clips it (the top at most 0.45 fs).
inline std::array<double, 2> velocity_band_hz(const bearing_monitor_config& c) noexcept {
    const stats::vibration_severity_config o = velocity_severity_options(c);
    return {stats::vibration_severity<float>::band_lo(o), stats::vibration_severity<float>::band_hi(o)};
}

/// Per-class evidence, in decades above the local floor (see the file comment).
struct bearing_evidence {
    double outer = 0, inner = 0, ball = 0, cage = 0;   ///< in the selected (most impulsive) band
    std::uint8_t outer_band = 0, inner_band = 0, ball_band = 0;   ///< all = band (kept for reports)
    std::uint8_t band = 0;          ///< the selected demodulation band
    double impulsiveness = 0;       ///< var / mean^2 of that band's squared envelope (see the file comment)
    double race_any = 0;            ///< largest race (BPFO or BPFI) score over all bands
};

/// What diagnose() decided.
struct bearing_verdict {
    bearing_diagnosis diagnosis = bearing_diagnosis::normal;
    bearing_rule rule = bearing_rule::none;
    std::uint8_t severity = 0;    ///< 0 none, 1 early, 2 advanced, 3 severe
    double health_index = 0;      ///< largest normalised indicator; >= 1 means some alarm level reached
};

template <std::size_t EnergyBands>
struct bearing_frame {
    std::uint64_t index = 0;            ///< analysis frame number
    std::uint64_t end_sample = 0;       ///< samples consumed when the frame ended
    bool valid = true;                  ///< false: time features overflowed (see Bad input)
    double rms = 0, kurtosis = 0, crest_factor = 0, peak = 0;
    std::array<float, EnergyBands> band_energy{};   ///< V^2 per equal-width band, 0 .. fs/2
    double band_energy_hz = 0;                      ///< width of one energy band
    bearing_evidence evidence{};
    spectral::defect_frequencies frequencies{};
    double shaft_hz = 0;                ///< shaft speed the frequencies use (told or measured, see Shaft speed)
    double shaft_line = 0;              ///< prominence of the measured 1x line in decades (0: none found)
    double anomaly_score = 0;           ///< [0, 1): deviation from the learned baseline
    bool drift = false;                 ///< Page-Hinkley alarm on the health index
    bearing_verdict verdict{};
    stats::severity_reading velocity{}; ///< RMS velocity (mm/s) over the frame and its zone
};

/// The whole-run verdict and its evidence.
struct bearing_summary {
    std::uint64_t frames = 0, samples = 0, segments = 0;
    double rms = 0, kurtosis = 0, crest_factor = 0;   ///< over the whole run
    bearing_evidence evidence{};
    spectral::defect_frequencies frequencies{};
    double shaft_hz = 0;                ///< shaft speed the frequencies use (told or measured, see Shaft speed)
    double shaft_line = 0;              ///< prominence of the measured 1x line in decades (0: none found)
    double max_anomaly_score = 0;
    std::uint64_t drift_frames = 0;
    bearing_verdict verdict{};
    stats::severity_reading velocity{}; ///< RMS velocity (mm/s) over the run and its zone
    float max_velocity_rms = 0;         ///< the largest frame's RMS velocity (mm/s)
    std::array<float, 3> shaft_orders{}; ///< RMS velocity (mm/s) at 1x, 2x, 3x the shaft speed (see Shaft orders)
};


/// The decision rule of the file comment, usable on its own (e.g. on evidence computed elsewhere).
inline bearing_verdict diagnose(const bearing_evidence& e, double kurtosis, double crest, double anomaly_score,
                                const bearing_monitor_config& c) noexcept {
    bearing_verdict v;
    const double race = e.outer > e.inner ? e.outer : e.inner;
    const double other_race = e.outer > e.inner ? e.inner : e.outer;
    const bearing_diagnosis race_d = e.outer > e.inner ? bearing_diagnosis::outer_race : bearing_diagnosis::inner_race;
    const double ki = kurtosis / c.kurtosis_alarm;
    const double ci = (crest - 3.0) / (c.crest_alarm - 3.0);
    double hi = ki > ci ? ki : ci;
    const double li = race / c.race_threshold > e.ball / c.ball_threshold ? race / c.race_threshold
                                                                          : e.ball / c.ball_threshold;
    hi = hi > li ? hi : li;
    const double ai = anomaly_score / c.anomaly_alarm;
    hi = hi > ai ? hi : ai;
    v.health_index = hi > 0 ? hi : 0;

    // Top class and runner-up over the three fault classes (for the weak-line rule).
    double top = race, second = other_race > e.ball ? other_race : e.ball;
    bearing_diagnosis top_d = race_d;
    if (e.ball > race) {
        top = e.ball;
        second = race;
        top_d = bearing_diagnosis::ball;
    }
    if (race >= c.race_threshold && race - other_race >= c.race_margin) {
        v.diagnosis = race_d;
        v.rule = bearing_rule::race_line;
    } else if (e.ball >= c.ball_threshold && e.ball > race) {
        v.diagnosis = bearing_diagnosis::ball;
        v.rule = bearing_rule::ball_line;
    } else if (top >= c.weak_threshold && top - second >= c.weak_margin) {
        v.diagnosis = top_d;
        v.rule = bearing_rule::weak_line;
    } else if (race >= c.race_threshold) {
        v.diagnosis = bearing_diagnosis::anomaly;
        v.rule = bearing_rule::ambiguous_lines;
    } else if (kurtosis >= c.kurtosis_alarm || crest >= c.crest_alarm) {
        v.diagnosis = bearing_diagnosis::ball;
        v.rule = bearing_rule::impulsive;
    } else if (e.race_any >= c.race_threshold) {
        v.diagnosis = bearing_diagnosis::anomaly;
        v.rule = bearing_rule::off_band_lines;
    } else if (anomaly_score >= c.anomaly_alarm) {
        v.diagnosis = bearing_diagnosis::anomaly;
        v.rule = bearing_rule::anomaly_score;
    }
    if (v.diagnosis != bearing_diagnosis::normal) {
        const double h = v.health_index;
        v.severity = h < 1.5 ? 1 : (h < 3.0 ? 2 : 3);
    }
    return v;
}

namespace bearing_detail {
/// Input samples per envelope sample: round(fs / envelope_rate_hz), at least 1.
inline std::size_t decimation(const bearing_monitor_config& c) noexcept {
    const double d = c.fs_hz / (c.envelope_rate_hz > 0 ? c.envelope_rate_hz : 1.0);
    const std::size_t r = static_cast<std::size_t>(d + 0.5);
    return r < 1 ? 1 : r;
}
}  // namespace bearing_detail

/// bearing_monitor can keep its envelope and shaft frames in bfloat16 (FrameSample; see Memory in
/// the file comment): each sample's error (at most 2^-8 relative) is white noise ~50 dB below the
/// envelope's own fluctuation, so line scores move by ~0.01 decade (CWRU: the same verdicts as
/// float frames).
using nerve::bfloat16;

/// The work space of a bearing_monitor's analysis steps: the two FFT stages (window tables,
/// transform buffers, the last spectrum) and the line finder. Every use writes it before reading
/// it, within one call (a transform's spectrum is folded into the monitor's accumulators right
/// away; the line finder gets the monitor's shaft speed before each search), so it holds nothing
/// from one call to the next: it is not state (no visit_state), and monitors that run one after
/// another, never concurrently, can share one (multi_axis_bearing_monitor: one for all axes).
/// Build it from the same config as the monitors it serves (sample rates, geometry, tolerance).
/// On the Cortex-M4 configuration <EnvN 1024, SpecN 128> it is 11.2 KB of the monitor's 29.5 KB.
template <std::size_t EnvN, std::size_t SpecN, class FrameSample = float>
struct bearing_scratch {
    explicit bearing_scratch(const bearing_monitor_config& c = {}) noexcept
        : env_fft(sample_rate{c.fs_hz / static_cast<double>(bearing_detail::decimation(c))}),
          spec_fft(window::hann, sample_rate{c.fs_hz}, spectral::scaling::spectrum, spectral::detrend::constant),
          defects(c.geometry, hertz{c.shaft_hz}, c.line_tolerance) {}

    /// Envelope and shaft spectra: rfft's mean-removed Hann power spectrum, in place.
    spectral::periodogram<EnvN, FrameSample, window::family::hann, spectral::scaling::spectrum,
                          spectral::detrend::constant>
        env_fft;
    spectral::rfft<SpecN, float> spec_fft;   ///< raw spectra (band energies)
    spectral::bearing_defects<3, float> defects;
};

/// ExternalScratch = false: the monitor owns its bearing_scratch (sizeof is its whole RAM).
/// ExternalScratch = true: it holds state only, and every call that analyses takes the scratch
/// (process(x, scratch, emit), summary(scratch)); one scratch can serve several monitors.
/// FrameSample: what the envelope and shaft frames (the samples awaiting their next spectrum) are
/// kept in, float or bfloat16 (half their RAM; see Memory in the file comment). Spectra, sums and
/// filters are float whatever it is.
template <std::size_t Bands = 4, std::size_t EnvN = 1024, std::size_t SpecN = 256, std::size_t EnergyBands = 8,
          bool ExternalScratch = false, class FrameSample = float>
class bearing_monitor {
    static_assert(std::is_same_v<FrameSample, float> || std::is_same_v<FrameSample, bfloat16>,
                  "bearing_monitor keeps its frames in float or bfloat16");
    static_assert(Bands >= 1 && Bands <= 255, "bearing_monitor needs 1..255 demodulation bands");
    static_assert(EnvN >= 64 && EnvN % 2 == 0, "bearing_monitor needs an even EnvN >= 64");

public:
    using input_type = float;
    using output_type = bearing_frame<EnergyBands>;
    static constexpr std::size_t bands = Bands;
    static constexpr std::size_t env_bins = EnvN / 2 + 1;
    static constexpr std::size_t spec_bins = SpecN / 2 + 1;
    /// Internal block length of process(). Its buffers live on the stack: about
    /// 4 (Bands + 2) block bytes (1 KB for 2 bands at 64, 24 KB for 4 bands at 1024). 32 -> 64:
    /// x86 pipeline/maintenance/4 +4.6 %, Cortex-M4 143.4 -> 127.1 instructions per sample (the
    /// per-call costs of the filters' block kernels: 5 process() calls per block); 128 gains < 1 %
    /// more on x86. AVX-512 hosts take 1024: the cascades' time-segment engine runs on calls of
    /// 1024 samples and more (biquad.hpp); pipeline/maintenance/4 1.36x, /2 1.28x (Intel Xeon,
    /// medians of 8 alternated runs). aarch64 takes 512, the NEON segment engine's long superblock
    /// (12 KB of stack for 4 bands): bearing_monitor<4, 1024, 256> on 4096-sample calls of 25.6 kHz
    /// vibration, 145.8 -> 77.3 instructions and 114.6 -> 61.6 modelled Cortex-A72 cycles per
    /// sample (tools/a64_icount.py on a one-off kernel; steady-state calls without a frame end).
    static constexpr std::size_t block = NERVE_IIR_PACKED ? 1024 : NERVE_IIR_LANES_NEON ? 512 : 64;
    static_assert(block % 16 == 0, "whole 16-sample blocks of the cascades' block path, whole 8-lane groups");
    using scratch_type = bearing_scratch<EnvN, SpecN, FrameSample>;
    static constexpr bool external_scratch = ExternalScratch;
    /// The same monitor, taking its scratch from the caller.
    using with_external_scratch = bearing_monitor<Bands, EnvN, SpecN, EnergyBands, true, FrameSample>;
    using frame_sample = FrameSample;

    explicit bearing_monitor(const bearing_monitor_config& c = {}) noexcept
        : cfg_(c),
          decim_(bearing_detail::decimation(c)),
          scratch_(make_scratch(c)),
          drift_(drift_options(c)),
          velocity_(velocity_severity_options(c)) {
        hp_ = filter::biquad_cascade<float, 1>{filter::butterworth_highpass<2>(hertz{c.highpass_hz}, sample_rate{c.fs_hz})};
        const double hi = c.band_hi_hz < 0.45 * c.fs_hz ? c.band_hi_hz : 0.45 * c.fs_hz;
        const double lo = c.band_lo_hz < hi ? c.band_lo_hz : 0.05 * hi;
        for (std::size_t b = 0; b < Bands; ++b) {
            edges_[b] = lo + (hi - lo) * static_cast<double>(b) / static_cast<double>(Bands);
            edges_[b + 1] = lo + (hi - lo) * static_cast<double>(b + 1) / static_cast<double>(Bands);
            bands_[b] = filter::biquad_cascade<float, 2>{
                filter::butterworth_bandpass<2>(hertz{edges_[b]}, hertz{edges_[b + 1]}, sample_rate{c.fs_hz})};
        }
        // Shaft-speed stream: second decimation to ~8 fr (see the file comment).
        const double r1 = c.fs_hz / static_cast<double>(decim_);
        const double d2 = c.shaft_hz > 0 ? r1 / (8.0 * c.shaft_hz) : 1.0;
        shaft_decim_ = d2 >= 2.0 && d2 < 1e6 ? static_cast<std::size_t>(d2) : 1;
        shaft_rate_ = r1 / static_cast<double>(shaft_decim_);
        shaft_lp_ = filter::biquad_cascade<float, 2>{
            filter::butterworth_lowpass<4>(hertz{0.3 * shaft_rate_}, sample_rate{r1})};
        spec_hop_ = c.spectrum_hop > 0 ? c.spectrum_hop : 8 * SpecN;
        if (spec_hop_ < SpecN) spec_hop_ = SpecN;
        reset();
    }

    /// Per-sample form (same results as process() on the same samples).
    template <class Emit>
    void push(float x, Emit&& emit) requires(!ExternalScratch) {
        process(std::span<const float>{&x, 1}, emit);
    }
    template <class Emit>
    void push(float x, scratch_type& s, Emit&& emit) requires(ExternalScratch) {
        process(std::span<const float>{&x, 1}, s, emit);
    }

    /// Block form: the fast path (the filters run in blocks).
    template <class Emit>
    void process(std::span<const float> x, Emit&& emit) requires(!ExternalScratch) {
        run(x, scratch_, emit);
    }
    /// The same with the caller's scratch (ExternalScratch; see bearing_scratch).
    template <class Emit>
    void process(std::span<const float> x, scratch_type& s, Emit&& emit) requires(ExternalScratch) {
        run(x, s, emit);
    }

    /// The verdict over everything seen so far (run-mean envelope spectra, whole-run moments).
    bearing_summary summary() noexcept requires(!ExternalScratch) { return summarise(scratch_); }
    bearing_summary summary(scratch_type& scratch) noexcept requires(ExternalScratch) { return summarise(scratch); }

    /// The averaged envelope spectrum of band b over the run (power, 'spectrum' scaling).
    spectral::spectrum_view<float> run_envelope_spectrum(std::size_t b) const noexcept requires(!ExternalScratch) {
        return envelope_view(b, scratch_);
    }
    spectral::spectrum_view<float> run_envelope_spectrum(std::size_t b, const scratch_type& s) const noexcept
        requires(ExternalScratch) {
        return envelope_view(b, s);
    }
    /// Band edges in Hz of the demodulation bands (Bands + 1 values).
    const std::array<double, Bands + 1>& band_edges() const noexcept { return edges_; }
    double envelope_rate_hz() const noexcept { return cfg_.fs_hz / static_cast<double>(decim_); }
    /// Input samples per envelope sample (the boxcar's length).
    std::size_t decimation() const noexcept { return decim_; }
    /// The run-averaged shaft spectrum (power, 'spectrum' scaling) at shaft_spectrum_rate_hz().
    std::span<const float, env_bins> shaft_spectrum() const noexcept { return std::span<const float, env_bins>{shaft_}; }
    double shaft_spectrum_rate_hz() const noexcept { return shaft_rate_; }
    std::uint64_t shaft_segments() const noexcept { return shaft_segments_; }
    /// RMS velocity (mm/s) of the lines at 1x, 2x and 3x the shaft speed used, from the run's shaft
    /// spectrum (see Shaft orders in the file comment): zeros before 3 shaft spectra, with the speed
    /// search off (no shaft stream) and for an order at or above 0.45 of the shaft stream's rate.
    std::array<float, 3> shaft_orders() const noexcept {
        std::array<float, 3> v{};
        if (shaft_segments_ < 3 || !(shaft_used_ > 0) || cfg_.speed_search <= 0) return v;
        const double bw = shaft_rate_ / static_cast<double>(EnvN);
        const double r1 = cfg_.fs_hz / static_cast<double>(decim_), d = static_cast<double>(decim_);
        // The shaft stream's filters, as designed in the constructor, in double (frame ends only).
        const auto hp = filter::butterworth_highpass<2>(hertz{cfg_.highpass_hz}, sample_rate{cfg_.fs_hz});
        const auto lp = filter::butterworth_lowpass<4>(hertz{0.3 * shaft_rate_}, sample_rate{r1});
        for (std::size_t k = 1; k <= 3; ++k) {
            const double f = static_cast<double>(k) * shaft_used_;
            if (f >= 0.45 * shaft_rate_) break;
            const double c = std::round(f / bw);
            if (c < 18 || c + 18 >= static_cast<double>(env_bins)) continue;
            const std::size_t b = static_cast<std::size_t>(c);
            // The line: 5 bins (Hann's main lobe, 4 bins wide, whatever the line's offset), less the
            // floor (the mean of bins 6-17 away on both sides, 5 times), over Hann's ENBW of 1.5 bins.
            double line = 0, floor = 0;
            for (std::size_t j = b - 2; j <= b + 2; ++j) line += static_cast<double>(shaft_[j]);
            for (std::size_t j = 6; j <= 17; ++j) floor += static_cast<double>(shaft_[b - j]) + static_cast<double>(shaft_[b + j]);
            const double ms = (line - 5.0 * floor / 24.0) / 1.5;
            if (!(ms > 0) || !std::isfinite(ms)) continue;
            const double x = cmath::pi * f / cfg_.fs_hz;
            const double boxcar = std::fabs(std::sin(x * d) / (d * std::sin(x)));
            const double h = filter::sos_magnitude(hp, f / cfg_.fs_hz) * boxcar * filter::sos_magnitude(lp, f / r1);
            if (!(h > 1e-3)) continue;
            v[k - 1] = static_cast<float>(std::sqrt(ms) / h * cfg_.unit_m_s2 * 1000.0 / (2.0 * cmath::pi * f));
        }
        return v;
    }

    /// The shaft speed the defect frequencies use now (Hz; see Shaft speed in the file comment).
    double shaft_hz() const noexcept { return shaft_used_; }
    const bearing_monitor_config& config() const noexcept { return cfg_; }
    std::uint64_t rejected_samples() const noexcept { return rejected_; }
    std::uint64_t samples() const noexcept { return samples_; }

    void reset() noexcept {
        hp_.reset();
        velocity_.reset();
        max_velocity_ = 0;
        for (auto& f : bands_) f.reset();
        for (auto& f : env_frames_) f.reset();
        spec_fill_ = 0;
        spec_skip_ = 0;
        sq_.fill(0.0f);
        decim_count_ = 0;
        for (auto& a : acc_) a.fill(0.0f);
        for (auto& a : run_) a.fill(0.0f);
        env_m1_.fill(0.0f);
        env_m2_.fill(0.0f);
        env_mn_ = 0;
        frame_m1_.fill(0.0);
        frame_m2_.fill(0.0);
        frame_mn_ = 0;
        run_m1_.fill(0.0);
        run_m2_.fill(0.0);
        run_mn_ = 0;
        spec_acc_.fill(0.0f);
        spec_count_ = 0;
        seg_count_ = 0;
        run_segments_ = 0;
        frame_s2_ = frame_s4_ = 0;
        frame_peak_ = 0;
        frame_n_ = 0;
        run_s2_ = run_s4_ = run_peak_ = 0;
        run_n_ = 0;
        last_good_ = 0;
        rejected_ = 0;
        samples_ = 0;
        frames_ = 0;
        base_rms_.reset();
        base_hi_.reset();
        drift_.reset();
        max_anomaly_ = 0;
        drift_frames_ = 0;
        shaft_lp_.reset();
        shaft_frame_.reset();
        shaft_.fill(0.0f);
        shaft_sum_ = 0.0f;
        shaft_count_ = 0;
        shaft_segments_ = 0;
        shaft_used_ = cfg_.shaft_hz;
        shaft_line_ = 0;
        if constexpr (!ExternalScratch) {   // not state (see bearing_scratch); as constructed
            scratch_.env_fft.reset();
            scratch_.spec_fft.reset();
            scratch_.defects.set_shaft(cfg_.geometry, hertz{cfg_.shaft_hz});
        }
    }

    /// For restore(): the raw-spectrum frame's fill and skip within a frame and its hop (one of
    /// them zero), the decimation phases below their factors and the frame's segment count
    /// below segments_per_frame; the framers and the baseline statistics check themselves.
    bool state_is_valid() const noexcept {
        const std::size_t per_frame = cfg_.segments_per_frame > 0 ? cfg_.segments_per_frame : 1;
        return spec_fill_ < SpecN && spec_skip_ <= spec_hop_ - SpecN && (spec_skip_ == 0 || spec_fill_ == 0) &&
               decim_count_ < decim_ && shaft_count_ < shaft_decim_ && seg_count_ < per_frame;
    }

    template <class V>
    void visit_state(V& v) {
        v(hp_); v(bands_); v(env_frames_); v(spec_frame_); v(spec_fill_); v(spec_skip_); v(sq_); v(decim_count_);
        v(acc_); v(run_); v(env_m1_); v(env_m2_); v(env_mn_); v(frame_m1_); v(frame_m2_); v(frame_mn_);
        v(run_m1_); v(run_m2_); v(run_mn_); v(spec_acc_); v(spec_count_); v(seg_count_); v(run_segments_);
        v(frame_s2_); v(frame_s4_); v(frame_peak_); v(frame_n_);
        v(run_s2_); v(run_s4_); v(run_peak_); v(run_n_); v(last_good_); v(rejected_);
        v(samples_); v(frames_); v(base_rms_); v(base_hi_); v(drift_); v(max_anomaly_); v(drift_frames_);
        v(shaft_lp_); v(shaft_frame_); v(shaft_); v(shaft_sum_); v(shaft_count_); v(shaft_segments_);
        v(shaft_used_); v(shaft_line_);
        v(velocity_); v(max_velocity_);
    }

private:
    struct no_scratch {};
    static auto make_scratch(const bearing_monitor_config& c) noexcept {
        if constexpr (ExternalScratch) return no_scratch{};
        else return scratch_type{c};
    }

    spectral::spectrum_view<float> envelope_view(std::size_t b, const scratch_type& s) const noexcept {
        auto v = s.env_fft.view();
        v.values = std::span<const float>{run_[b]};
        v.bins = {};
        v.index = run_segments_;
        return v;
    }

    template <class Emit>
    void run(std::span<const float> x, scratch_type& s, Emit&& emit) {
        std::size_t i = 0;
        while (i < x.size()) {
            const std::size_t n = x.size() - i < block ? x.size() - i : block;
            run_block(x.subspan(i, n), s, emit);
            i += n;
        }
    }

    // The internal steps take the scratch of the call in progress (the monitor's own or the
    // caller's) as their first argument; nothing keeps it between calls.
    bearing_summary summarise(scratch_type& scratch) noexcept {
        bearing_summary s;
        s.frames = frames_;
        s.samples = samples_;
        s.segments = run_segments_;
        refine_speed(scratch);
        s.frequencies = scratch.defects.result().frequencies;
        s.shaft_hz = shaft_used_;
        s.shaft_line = shaft_line_;
        if (run_n_ > 0) {
            const double n = static_cast<double>(run_n_);
            const double m2 = run_s2_ / n;
            s.rms = std::sqrt(m2);
            s.kurtosis = m2 > 0 ? (run_s4_ / n) / (m2 * m2) - 3.0 : 0.0;
            s.crest_factor = s.rms > 0 ? run_peak_ / s.rms : 0.0;
        }
        if (run_segments_ > 0) s.evidence = evidence_of(scratch, run_, run_segments_, run_m1_, run_m2_, run_mn_);
        s.max_anomaly_score = max_anomaly_;
        s.drift_frames = drift_frames_;
        s.verdict = diagnose(s.evidence, s.kurtosis, s.crest_factor, max_anomaly_, cfg_);
        if (velocity_on(cfg_)) s.velocity = velocity_.overall();
        s.max_velocity_rms = max_velocity_;
        s.shaft_orders = shaft_orders();
        return s;
    }

    static drift::page_hinkley_options drift_options(const bearing_monitor_config& c) noexcept {
        drift::page_hinkley_options o;
        o.min_instances = static_cast<std::uint32_t>(c.baseline_frames > 0 ? c.baseline_frames : 1);
        o.delta = c.drift_delta;
        o.threshold = c.drift_lambda;
        o.alpha = 1.0;
        o.direction = drift::ph_direction::up;
        return o;
    }
    static double baseline_z(const stats::running_moments<double>& m, double x) noexcept {
        const double sd = std::sqrt(m.count() > 1 ? m.sample_variance() : 0.0);
        return (x - m.mean()) / (sd > 0.1 ? sd : 0.1);  // 0.1: at least ~10 % RMS change per sigma
    }

    // Sum of row[at .. at + m) (Sq: of the squares).
    // SIMD hosts (W lanes): whole vectors into one vector sum (Sq: by FMA, no squaring pass), then
    // the last W samples with the lanes already taken zeroed, reduced once (no scalar tail); a
    // piece that ends within the row's first W samples is copied out first (nothing is read before
    // the row or past the piece). The envelope windows (17 samples at 25.6 kHz) are one 16-lane
    // vector and a masked one on AVX-512. Summing the pieces' vectors 16 at a time by one
    // transpose-add (filter::detail::reduce_rows) instead measured 0.92-0.99x.
    // Scalar targets: four partial sums, sample j into partial j % 4, then ((a0 + a1) + (a2 +
    // a3)): a short dependency chain (a single running sum is one add latency per sample).
    template <bool Sq>
    static NERVE_ALWAYS_INLINE float window_sum(const float* row, std::size_t at, std::size_t m) noexcept {
        const float* p = row + at;
#if NERVE_HAS_XSIMD
        using batch = xsimd::batch<float>;
        constexpr std::size_t W = batch::size;
        const auto add = [](batch a, batch v) NERVE_INLINE_LAMBDA {
            if constexpr (Sq)
                return nerve::detail::fmadd(v, v, a);
            else
                return a + v;
        };
        if (NERVE_UNLIKELY(at + m < W)) {
            alignas(64) std::array<float, W> t{};
            for (std::size_t j = 0; j < m; ++j) t[j] = p[j];
            return xsimd::hadd(add(batch(0.0f), batch::load_aligned(t.data())));
        }
        alignas(64) static constexpr std::array<float, W> lane_index = [] {
            std::array<float, W> k{};
            for (std::size_t i = 0; i < W; ++i) k[i] = static_cast<float>(i);
            return k;
        }();
        batch a(0.0f);
        std::size_t j = 0;
        for (; j + W <= m; j += W) a = add(a, batch::load_unaligned(p + j));
        if (j < m) {  // lanes l >= W - (m - j) of the last W samples are the ones not yet taken
            const auto keep = batch::load_aligned(lane_index.data()) >= batch(static_cast<float>(W - (m - j)));
            a = add(a, xsimd::select(keep, batch::load_unaligned(p + m - W), batch(0.0f)));
        }
        return xsimd::hadd(a);
#else
        auto f = [](float v) { return Sq ? v * v : v; };
        float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
        std::size_t j = 0;
        for (; j + 4 <= m; j += 4) {
            a0 += f(p[j]);
            a1 += f(p[j + 1]);
            a2 += f(p[j + 2]);
            a3 += f(p[j + 3]);
        }
        if (j < m) a0 += f(p[j]);
        if (j + 1 < m) a1 += f(p[j + 1]);
        if (j + 2 < m) a2 += f(p[j + 2]);
        return (a0 + a1) + (a2 + a3);
#endif
    }

    // Per lane j < 8 over the block: s2 += y^2, s4 += y^4, pk = max(pk, |y|), y[i] in lane i % 8.
    // SIMD hosts: core/lane_sums.hpp, the 8 lanes as one vector (the loop form below is unrolled
    // and then scalarised by GCC's SLP pass); the same operations per lane.
    static void lane_sums(const float* y, float* s2, float* s4, float* pk8) noexcept {
#if NERVE_HAS_XSIMD && defined(__GNUC__)
        nerve::detail::lane_sums8<float, true> lanes;
        lanes.add(y, block);
        std::memcpy(s2, lanes.s2, sizeof lanes.s2);
        std::memcpy(s4, lanes.s4, sizeof lanes.s4);
        std::memcpy(pk8, lanes.peak, sizeof lanes.peak);
#else
        // Lane by lane, its three sums in registers: across the lanes (the loop above without
        // vectors) arm-none-eabi-gcc -O2 loaded and stored s2, s4 and pk8 around every sample, as
        // they may alias y. Each lane still takes its samples in order, so the same bits.
        for (std::size_t j = 0; j < 8; ++j) {
            float a2 = s2[j], a4 = s4[j], ap = pk8[j];
            for (std::size_t i8 = 0; i8 < block; i8 += 8) {
                const float v = y[i8 + j], v2 = v * v, a = std::fabs(v);
                a2 += v2;
                a4 += v2 * v2;
                ap = a > ap ? a : ap;
            }
            s2[j] = a2;
            s4[j] = a4;
            pk8[j] = ap;
        }
#endif
    }

    template <class Emit>
    void run_block(std::span<const float> in, scratch_type& s, Emit&& emit) {
        const std::size_t n = in.size();
        alignas(64) std::array<float, block> y;
        // Bad input: hold the last finite sample (counted), before any filter sees it. The check
        // is one branch-free pass: an all-ones exponent (Inf, NaN) plus 2^23 carries into bit 31,
        // any other does not. A clean block goes to the high-pass as it is; only a block with a
        // bad sample is copied with the replacements.
        std::uint32_t bad = 0;
        for (std::size_t i = 0; i < n; ++i) bad |= (std::bit_cast<std::uint32_t>(in[i]) & 0x7f800000u) + 0x00800000u;
        const float* x = in.data();
        if (NERVE_UNLIKELY((bad & 0x80000000u) != 0)) {
            for (std::size_t i = 0; i < n; ++i) {
                if (!is_finite(in[i])) {
                    ++rejected_;
                    y[i] = last_good_;
                } else {
                    y[i] = last_good_ = in[i];
                }
            }
            x = y.data();
        } else if (n > 0) {
            last_good_ = in[n - 1];
        }
        hp_.process(std::span<const float>{x, n}, std::span<float>{y.data(), n});
        if (velocity_on(cfg_)) velocity_.add(std::span<const float>{x, n});
        // Demodulation bands: one cascade per band through its block path (SIMD hosts: the
        // state-space engine, 16 samples of independent vector FMAs, no per-sample chain;
        // Cortex-M4F: the register-resident section kernel), band-major.
        alignas(64) std::array<std::array<float, block>, Bands> z;
        for (std::size_t b = 0; b < Bands; ++b)
            bands_[b].process(std::span<const float>{y.data(), n}, std::span<float>{z[b].data(), n});
        // Time features: raw sums in 8 float lanes per block (lane = index % 8, so the result
        // does not depend on the target), then into double per block. A short block is padded
        // with zeros (they add nothing to the sums or the peak): fixed trip count, no tail.
        for (std::size_t i = n; i < block; ++i) y[i] = 0.0f;
        float s2[8] = {}, s4[8] = {}, pk8[8] = {};
        lane_sums(y.data(), s2, s4, pk8);
        float pk = frame_peak_;
        for (std::size_t j = 0; j < 8; ++j) pk = pk8[j] > pk ? pk8[j] : pk;
        s2[0] = ((s2[0] + s2[1]) + (s2[2] + s2[3])) + ((s2[4] + s2[5]) + (s2[6] + s2[7]));
        s4[0] = ((s4[0] + s4[1]) + (s4[2] + s4[3])) + ((s4[4] + s4[5]) + (s4[6] + s4[7]));
        frame_s2_ += static_cast<double>(s2[0]);
        frame_s4_ += static_cast<double>(s4[0]);
        frame_peak_ = pk;
        frame_n_ += n;
        samples_ += n;
        // Raw spectrum for the band energies (one SpecN frame every spec_hop_ samples).
        for (std::size_t i = 0; i < n;) {
            if (spec_skip_ > 0) {
                const std::size_t k = spec_skip_ < n - i ? spec_skip_ : n - i;
                spec_skip_ -= k;
                i += k;
                continue;
            }
            const std::size_t k = SpecN - spec_fill_ < n - i ? SpecN - spec_fill_ : n - i;
            for (std::size_t j = 0; j < k; ++j) spec_frame_[spec_fill_ + j] = y[i + j];
            spec_fill_ += k;
            i += k;
            if (spec_fill_ == SpecN) {
                spec_fill_ = 0;
                spec_skip_ = spec_hop_ - SpecN;
                if (s.spec_fft.transform(std::span<const float, SpecN>{spec_frame_})) {
                    const auto p = s.spec_fft.view().values;
                    for (std::size_t k = 0; k < spec_bins; ++k) spec_acc_[k] += p[k];
                    ++spec_count_;
                }
            }
        }
        // Squared envelope, boxcar-decimated per band, window by window (the same windows for
        // every band), in place: z[b][k] becomes the k-th envelope sample of band b closed in this
        // block (window k closes at or after sample k), squared inside the sums (a separate pass
        // costs Cortex-M4 a load and a store per sample and band; SIMD hosts square by FMA). The
        // shaft-speed stream is the signal itself, boxcar-averaged over the same windows.
        const bool shaft = cfg_.speed_search > 0;
        const float inv_d = 1.0f / static_cast<float>(decim_);
        alignas(64) std::array<float, block> ys;
        std::array<float, Bands> acc = sq_;
        float acc_s = shaft_sum_;
        std::size_t nout = 0, phase = decim_count_;
        const auto close_window = [&]() NERVE_INLINE_LAMBDA {
            for (std::size_t b = 0; b < Bands; ++b) {
                z[b][nout] = acc[b] * inv_d;
                acc[b] = 0.0f;
            }
            ys[nout++] = acc_s * inv_d;
            acc_s = 0.0f;
        };
        for (std::size_t i = 0; i < n;) {
            const std::size_t take = decim_ - phase < n - i ? decim_ - phase : n - i;
            for (std::size_t b = 0; b < Bands; ++b) acc[b] += window_sum<true>(z[b].data(), i, take);
            if (shaft) acc_s += window_sum<false>(y.data(), i, take);
            i += take;
            phase += take;
            if (phase == decim_) {
                phase = 0;
                close_window();
            }
        }
        sq_ = acc;
        if (shaft) shaft_sum_ = acc_s;
        decim_count_ = phase;
        const std::size_t nshaft = shaft ? nout : 0;
        // The shaft stream's low-pass: on long blocks over the block's ~60 samples at once, in
        // place (the cascade's block path, no per-sample latency chain); on 64-sample blocks (3-4
        // samples) sample by sample, which costs less there (Cortex-M4: 125.1 against 126.9
        // instructions per input sample).
        constexpr bool shaft_in_block = block >= 256;
        if (shaft_in_block && nshaft > 0)
            shaft_lp_.process(std::span<const float>{ys.data(), nshaft}, std::span<float>{ys.data(), nshaft});
        for (std::size_t k = 0; k < nout; ++k) {
            bool segment = false;
            for (std::size_t b = 0; b < Bands; ++b) {
                const float e = z[b][k];
                env_m1_[b] += e;       // envelope moments for the band selection (decimated rate)
                env_m2_[b] += e * e;
                env_frames_[b].push(FrameSample(e), [&](std::span<const FrameSample, EnvN> f) {
                    add_segment(s, b, f);
                    segment = true;
                });
            }
            ++env_mn_;
            if (segment) fold_moments();
            if (segment && ++seg_count_ >= cfg_.segments_per_frame) end_frame(s, emit);
        }
        // After the envelope (as before: a frame ending in this block reads the shaft spectra
        // without this block's shaft samples).
        for (std::size_t k = 0; k < nshaft; ++k) shaft_sample(s, shaft_in_block ? ys[k] : shaft_lp_(ys[k]));
    }

    // One low-passed sample of the shaft-speed stream at the envelope rate: decimate, frame, spectrum.
    void shaft_sample(scratch_type& s, float w) noexcept {
        if (++shaft_count_ < shaft_decim_) return;
        shaft_count_ = 0;
        shaft_frame_.push(FrameSample(w), [&](std::span<const FrameSample, EnvN> f) {
            if (!s.env_fft.transform(f)) return;
            const auto p = s.env_fft.view().values;
            if (!spectrum_is_finite(p)) return;  // as in add_segment
            const std::uint64_t m = shaft_segments_ + 1 < cfg_.summary_memory ? shaft_segments_ + 1 : cfg_.summary_memory;
            const float a = 1.0f / static_cast<float>(m);
            for (std::size_t k = 0; k < env_bins; ++k) shaft_[k] += (p[k] - shaft_[k]) * a;
            ++shaft_segments_;
        });
    }

    // The 1x shaft line near the told speed (see Shaft speed in the file comment); sets the defect
    // frequencies to the speed used. Runs once per frame end and summary (~100 bins read).
    void refine_speed(scratch_type& s) noexcept {
        const double told = cfg_.shaft_hz, tol = cfg_.speed_search;
        double used = told, line = 0;
        if (tol > 0 && told > 0 && shaft_segments_ >= 3) {
            const double bw = shaft_rate_ / static_cast<double>(EnvN);
            const double flo = std::ceil(told * (1.0 - tol) / bw), fhi = std::floor(told * (1.0 + tol) / bw);
            const std::size_t lo = flo > 1 ? static_cast<std::size_t>(flo) : 1;
            const std::size_t hi = fhi < static_cast<double>(env_bins - 2) ? static_cast<std::size_t>(fhi) : env_bins - 2;
            const auto& p = shaft_;
            std::size_t best = 0;
            // A peak within one bin of a mains harmonic is the grid, not the shaft (a 2-pole motor's 1x
            // line lies 1-3 % below 50/60 Hz, inside the search): skip it rather than take it.
            auto near_mains = [&](double f) {
                for (const double m : cfg_.mains_hz) {
                    if (!(m > 0)) continue;
                    const double h = std::round(f / m);
                    if (h >= 1 && std::fabs(f - h * m) <= bw) return true;
                }
                return false;
            };
            for (std::size_t k = lo; k <= hi && hi < env_bins - 1; ++k)
                if (p[k - 1] < p[k] && p[k] >= p[k + 1] && (best == 0 || p[k] > p[best]) &&
                    !near_mains(static_cast<double>(k) * bw))
                    best = k;
            if (best > 0 && p[best - 1] > 0 && p[best + 1] > 0) {
                // Floor: mean log10 of up to 20 bins each side of the window (bins >= 1).
                double fl = 0;
                std::size_t nf = 0;
                for (std::size_t k = lo > 21 ? lo - 20 : 1; k < lo; ++k, ++nf) fl += std::log10(p[k] > 1e-30f ? p[k] : 1e-30f);
                for (std::size_t k = hi + 1; k <= hi + 20 && k < env_bins; ++k, ++nf)
                    fl += std::log10(p[k] > 1e-30f ? p[k] : 1e-30f);
                const double prom = nf > 0 ? std::log10(static_cast<double>(p[best])) - fl / static_cast<double>(nf) : 0.0;
                if (prom >= cfg_.speed_min_prominence) {
                    line = prom;
                    const double a = std::log(static_cast<double>(p[best - 1])), b = std::log(static_cast<double>(p[best]));
                    const double c = std::log(static_cast<double>(p[best + 1]));
                    const double den = a - 2.0 * b + c;
                    double d = den < 0 ? 0.5 * (a - c) / den : 0.0;
                    d = d < -0.5 ? -0.5 : (d > 0.5 ? 0.5 : d);
                    const double f1 = (static_cast<double>(best) + d) * bw;
                    if (std::fabs(f1 / told - 1.0) > cfg_.speed_keep) used = f1;
                }
            }
        }
        s.defects.set_shaft(cfg_.geometry, hertz{used});   // always: a restored snapshot holds shaft_used_ only
        shaft_used_ = used;
        shaft_line_ = line;
    }

    void add_segment(scratch_type& s, std::size_t b, std::span<const FrameSample, EnvN> f) noexcept {
        if (!s.env_fft.transform(f)) return;  // non-finite envelope (cannot happen after the input guard)
        const auto p = s.env_fft.view().values;
        // A finite but huge envelope (a burst of ~1e19 or more) overflows its power spectrum:
        // left out, or one Inf in the run mean would make it NaN for good.
        if (!spectrum_is_finite(p)) return;
        auto& a = acc_[b];
        for (std::size_t k = 0; k < env_bins; ++k) a[k] += p[k];
        // Run mean: cumulative up to summary_memory segments, exponential after that.
        const std::uint64_t m = run_segments_ + 1 < cfg_.summary_memory ? run_segments_ + 1 : cfg_.summary_memory;
        const float w = 1.0f / static_cast<float>(m);
        auto& r = run_[b];
        for (std::size_t k = 0; k < env_bins; ++k) r[k] += (p[k] - r[k]) * w;
        if (b + 1 == Bands) ++run_segments_;
    }

    // Every bin finite, and their sum too (so that sums over the bins later stay finite).
    static bool spectrum_is_finite(std::span<const float> p) noexcept {
        float sum = 0.0f;
        return spectral::detail::all_finite<float>(p, sum);
    }

    // Float partial sums of the envelope moments go into double once per envelope segment (at most
    // EnvN / 2 values per partial sum: float keeps ~1e-4 relative accuracy; no per-sample double).
    // A stretch whose sums overflowed (huge input) is left out, as its envelope spectra are.
    void fold_moments() noexcept {
        const double n = static_cast<double>(env_mn_);
        float check = 0.0f;
        for (std::size_t b = 0; b < Bands; ++b) check += env_m1_[b] + env_m2_[b];
        if (is_finite(check)) {
            for (std::size_t b = 0; b < Bands; ++b) {
                frame_m1_[b] += static_cast<double>(env_m1_[b]);
                frame_m2_[b] += static_cast<double>(env_m2_[b]);
                run_m1_[b] += static_cast<double>(env_m1_[b]);
                run_m2_[b] += static_cast<double>(env_m2_[b]);
            }
            frame_mn_ += n;
            run_mn_ += n;
        }
        env_m1_.fill(0.0f);
        env_m2_.fill(0.0f);
        env_mn_ = 0;
    }

    // Impulsiveness of a band: var / mean^2 of its decimated squared envelope (a spectral-kurtosis
    // estimate at the envelope's time scale; for a band-limited Gaussian signal it is below 1 after
    // the boxcar, repetitive impacts raise it). Non-finite (overflowed) moments read -1.
    static double impulsiveness(double m1, double m2, double n) noexcept {
        if (!(n > 0) || !(m1 > 0)) return -1.0;
        const double mean = m1 / n, r = (m2 / n) / (mean * mean) - 1.0;
        return std::isfinite(r) ? r : -1.0;
    }

    bearing_evidence evidence_of(scratch_type& s, const std::array<std::array<float, env_bins>, Bands>& spectra,
                                 std::uint64_t index, const std::array<double, Bands>& m1,
                                 const std::array<double, Bands>& m2, double mn) noexcept {
        bearing_evidence e;
        e.impulsiveness = -2.0;
        for (std::size_t b = 0; b < Bands; ++b) {
            auto v = s.env_fft.view();
            v.values = std::span<const float>{spectra[b]};
            v.bins = {};
            v.index = index;
            if (!s.defects.compute(v)) continue;
            const auto& sc = s.defects.result().score;
            using d = spectral::bearing_defect;
            const double o = sc[static_cast<std::size_t>(d::bpfo)], in = sc[static_cast<std::size_t>(d::bpfi)];
            const double b2 = sc[static_cast<std::size_t>(d::ball)], b1 = sc[static_cast<std::size_t>(d::bsf)];
            const double ball = b2 > b1 ? b2 : b1, cage = sc[static_cast<std::size_t>(d::ftf)];
            const double race = o > in ? o : in;
            if (race > e.race_any) e.race_any = race;
            // The line scores of the most impulsive band decide (one band for all classes, so no
            // class gains from a maximum over bands: a kurtogram's choice, not a per-line search).
            const double r = impulsiveness(m1[b], m2[b], mn);
            if (r > e.impulsiveness) {
                e.impulsiveness = r;
                e.outer = o;
                e.inner = in;
                e.ball = ball;
                e.cage = cage;
                e.band = e.outer_band = e.inner_band = e.ball_band = static_cast<std::uint8_t>(b);
            }
        }
        if (e.impulsiveness < 0) e.impulsiveness = 0;
        return e;
    }

    template <class Emit>
    void end_frame(scratch_type& s, Emit&& emit) {
        output_type f;
        f.index = frames_++;
        f.end_sample = samples_;
        const double nn = frame_n_ > 0 ? static_cast<double>(frame_n_) : 1.0;
        const double m2 = frame_s2_ / nn;
        f.rms = std::sqrt(m2);
        f.kurtosis = m2 > 0 ? (frame_s4_ / nn) / (m2 * m2) - 3.0 : 0.0;
        f.peak = frame_peak_;
        f.crest_factor = f.rms > 0 ? frame_peak_ / f.rms : 0.0;
        f.valid = std::isfinite(f.kurtosis) && std::isfinite(f.rms);
        if (f.valid) {
            run_s2_ += frame_s2_;
            run_s4_ += frame_s4_;
            run_peak_ = frame_peak_ > run_peak_ ? frame_peak_ : run_peak_;
            run_n_ += frame_n_;
        }
        // Band energies from the mean raw spectrum of the frame.
        f.band_energy_hz = cfg_.fs_hz / 2.0 / static_cast<double>(EnergyBands);
        if (spec_count_ > 0) {
            const auto v = s.spec_fft.view();
            const double scale = 1.0 / (v.enbw_bins * static_cast<double>(spec_count_));
            for (std::size_t e = 0; e < EnergyBands; ++e) {
                const std::size_t k0 = e * (spec_bins - 1) / EnergyBands, k1 = (e + 1) * (spec_bins - 1) / EnergyBands;
                float sum = 0;
                for (std::size_t k = k0; k < k1 + (e + 1 == EnergyBands ? 1 : 0); ++k) sum += spec_acc_[k];
                f.band_energy[e] = static_cast<float>(sum * scale);
            }
        }
        refine_speed(s);
        f.evidence = evidence_of(s, acc_, seg_count_, frame_m1_, frame_m2_, frame_mn_);
        f.frequencies = s.defects.result().frequencies;
        f.shaft_hz = shaft_used_;
        f.shaft_line = shaft_line_;
        if (velocity_on(cfg_)) {
            f.velocity = velocity_.take();
            if (f.velocity.velocity_rms > max_velocity_) max_velocity_ = f.velocity.velocity_rms;
        }
        // Anomaly score against the baseline of the first frames, drift on the health index.
        const double log_rms = std::log(f.rms > 1e-12 ? f.rms : 1e-12);
        bearing_verdict pre = diagnose(f.evidence, f.kurtosis, f.crest_factor, 0.0, cfg_);
        if (f.valid) {
            if (base_rms_.count() < cfg_.baseline_frames) {
                base_rms_.update(log_rms);
                base_hi_.update(pre.health_index);
            } else {
                const double z1 = std::fabs(baseline_z(base_rms_, log_rms));
                const double z2 = std::fabs(baseline_z(base_hi_, pre.health_index));
                const double z = z1 > z2 ? z1 : z2;
                f.anomaly_score = z / (z + 3.0);   // 0.5 at 3 sigma, 0.9 at 27 sigma
            }
            f.drift = drift_.update(pre.health_index) == drift::drift_signal::drift;
        }
        if (f.anomaly_score > max_anomaly_) max_anomaly_ = f.anomaly_score;
        drift_frames_ += f.drift ? 1u : 0u;
        f.verdict = diagnose(f.evidence, f.kurtosis, f.crest_factor, f.anomaly_score, cfg_);
        emit(static_cast<const output_type&>(f));
        // Restart the frame accumulators.
        for (auto& a : acc_) a.fill(0.0f);
        frame_m1_.fill(0.0);
        frame_m2_.fill(0.0);
        frame_mn_ = 0;
        spec_acc_.fill(0.0f);
        spec_count_ = 0;
        seg_count_ = 0;
        frame_s2_ = frame_s4_ = 0;
        frame_peak_ = 0;
        frame_n_ = 0;
    }

    bearing_monitor_config cfg_;
    std::size_t decim_ = 1;
    std::size_t spec_hop_ = 8 * SpecN;
    std::array<double, Bands + 1> edges_{};
    filter::biquad_cascade<float, 1> hp_{};
    std::array<filter::biquad_cascade<float, 2>, Bands> bands_{};
    // Owned; with ExternalScratch nothing (each call that analyses is handed the caller's). Not
    // state.
    [[no_unique_address]] std::conditional_t<ExternalScratch, no_scratch, scratch_type> scratch_;
    std::array<framer<EnvN, EnvN / 2, FrameSample>, Bands> env_frames_{};
    std::array<float, SpecN> spec_frame_{};
    std::size_t spec_fill_ = 0, spec_skip_ = 0;
    std::array<float, Bands> sq_{};
    std::size_t decim_count_ = 0;
    std::array<std::array<float, env_bins>, Bands> acc_{};
    std::array<std::array<float, env_bins>, Bands> run_{};
    std::array<float, Bands> env_m1_{}, env_m2_{};       // envelope moments, current segment (float)
    std::uint32_t env_mn_ = 0;
    std::array<double, Bands> frame_m1_{}, frame_m2_{};  // ... of the frame, and of the run (double)
    double frame_mn_ = 0;
    std::array<double, Bands> run_m1_{}, run_m2_{};
    double run_mn_ = 0;
    std::array<float, spec_bins> spec_acc_{};
    std::size_t spec_count_ = 0;
    std::size_t seg_count_ = 0;
    std::uint64_t run_segments_ = 0;
    double frame_s2_ = 0, frame_s4_ = 0;
    float frame_peak_ = 0;
    std::uint64_t frame_n_ = 0;
    double run_s2_ = 0, run_s4_ = 0, run_peak_ = 0;
    std::uint64_t run_n_ = 0;
    float last_good_ = 0;
    std::uint64_t rejected_ = 0, samples_ = 0, frames_ = 0;
    stats::running_moments<double> base_rms_{}, base_hi_{};
    drift::page_hinkley<double> drift_;
    double max_anomaly_ = 0;
    std::uint64_t drift_frames_ = 0;
    // Shaft-speed stream (see Shaft speed in the file comment).
    std::size_t shaft_decim_ = 1;
    double shaft_rate_ = 1.0;
    filter::biquad_cascade<float, 2> shaft_lp_{};
    framer<EnvN, EnvN / 2, FrameSample> shaft_frame_{};
    std::array<float, env_bins> shaft_{};
    float shaft_sum_ = 0.0f;
    std::size_t shaft_count_ = 0;
    std::uint64_t shaft_segments_ = 0;
    double shaft_used_ = 0, shaft_line_ = 0;
    stats::vibration_severity<float> velocity_;
    float max_velocity_ = 0;
};

}  // namespace nerve::pipelines
