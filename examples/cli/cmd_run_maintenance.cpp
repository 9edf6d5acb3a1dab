// examples/cli/cmd_run_maintenance.cpp — `nerve run maintenance`: the bearing-monitor reference
// pipeline (include/nerve/pipelines/bearing_monitor.hpp) on one vibration recording.
//
//   nerve run maintenance --input DE.f32 --format f32 --fs 12000 --rpm 1797 --bearing 6205
//   nerve run maintenance --input logger.wav --format wav --rpm 1480 --axes 3 --scale 16
//
// Prints one JSON object per analysis frame ({"type":"frame",...}) and, last, the whole-run
// verdict ({"type":"summary","diagnosis":...,"evidence":{...},...}).
//
// --axes 2 or 3: one bearing seen by a multi-axis accelerometer
// (include/nerve/pipelines/multi_axis_bearing_monitor.hpp): f32 input interleaved (x y z x y z ...),
// CSV input one column per axis (--column x,y,z; default the last N columns). Frames and summary
// carry the bearing's fused verdict, the deciding axis and each axis's own diagnosis.
//
// --format wav (include/nerve/io/wav.hpp: PCM 8-32 bit or float, as loggers and sound cards
// write): the sampling rate comes from the file (--fs, when given, must agree), its channel
// count must equal --axes, samples are at full scale 1 unless --scale (units per full scale,
// e.g. the accelerometer's range in g) says otherwise; a cut-off recording is read up to its
// last whole frame, with a note on stderr.
//
// Vibration severity (stats/vibration_severity.hpp): every frame and the summary carry the RMS
// velocity in mm/s over --velocity-band (default 10-1000 Hz, ISO 10816's; below 2.2 kHz sampling
// its top is clipped to 0.45 fs, with a note) and its zone A-D for --machine-class; --units says
// what the samples are (g by default, or m/s2).
//
// --gear-teeth Z[,MATE]: a gear of Z teeth sits on the shaft of --rpm (its mate has MATE teeth).
// The summary then carries "gear": the mesh lines at 1-3x the mesh frequency and each gear's
// sideband energy ratio (spectral/gear_mesh.hpp), read from a Welch spectrum of the whole
// recording (for several axes: of the deciding axis) at the shaft speed the monitor used, and a
// verdict against --gear-ser-alarm (default 1).
#include "cli.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "pipeline_output.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"
#include "nerve/spectral/gear_mesh.hpp"
#include "nerve/spectral/welch.hpp"

namespace {
namespace cmd_run_maintenance {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;

struct options {
    std::string input;
    std::string format = "f32";
    std::string column;
    double fs = 0;
    double rpm = 0;
    std::string bearing = "6205";
    bool quiet = false;
    bool fixed_rpm = false;
    double mains = -1;   // < 0: both 50 and 60 Hz
    std::size_t axes = 1;
    double scale = 1.0;  // multiplies every sample (WAV: units per full scale)
    std::string units = "g";
    std::string machine_class = "group2-rigid";
    std::vector<double> velocity_band{10.0, 1000.0};
    bool velocity_band_given = false;  // --velocity-band on the command line, checked strictly
    std::vector<int> gear_teeth;       // empty: no gear reading
    double gear_ser_alarm = 1.0;
};

/// ISO 10816 zone boundaries by --machine-class name (stats/vibration_severity.hpp).
bool limits_of(const std::string& name, nerve::stats::severity_limits& out) {
    namespace iso = nerve::stats::iso10816;
    const std::pair<const char*, nerve::stats::severity_limits> table[] = {
        {"class1", iso::class_1}, {"class2", iso::class_2}, {"class3", iso::class_3}, {"class4", iso::class_4},
        {"group1-rigid", iso::group1_rigid}, {"group1-flexible", iso::group1_flexible},
        {"group2-rigid", iso::group2_rigid}, {"group2-flexible", iso::group2_flexible}};
    for (const auto& [n, l] : table)
        if (name == n) {
            out = l;
            return true;
        }
    return false;
}

using monitor = np::bearing_monitor<4, 1024, 256>;

/// The samples of every axis, interleaved (x y z x y z ...): f32 as stored, CSV one column per axis.
nerve::cli::loaded<std::vector<float>> read_axes(options& o) {
    if (o.format == "wav") {
        auto w = nerve::cli::read_wav_at_rate(o.input, o.fs);
        nerve::cli::loaded<std::vector<float>> out;
        if (!w) { out.error = w.error; return out; }
        if (w.value.channels != o.axes) {
            out.error = fmt::format("'{}' has {} channel{}; pass --axes {} (1..3 axes of one bearing)", o.input,
                                    w.value.channels, w.value.channels == 1 ? "" : "s", w.value.channels);
        } else {
            out.value = std::move(w.value.samples);
        }
        return out;
    }
    if (o.axes == 1 || o.format != "csv") {
        auto s = nerve::cli::read_samples(o.input, o.format, o.axes == 1 ? o.column : std::string{});
        if (s && s.value.size() % o.axes != 0)
            s.error = fmt::format("'{}' holds {} values, not a whole number of {}-axis samples", o.input,
                                  s.value.size(), o.axes);
        return s;
    }
    nerve::cli::loaded<std::vector<float>> out;
    std::vector<std::string> names;
    std::stringstream ss(o.column);
    for (std::string c; std::getline(ss, c, ',');) names.push_back(c);
    if (!o.column.empty() && names.size() != o.axes) {
        out.error = fmt::format("--column '{}': --axes {} needs {} comma-separated columns", o.column, o.axes, o.axes);
        return out;
    }
    auto cols = nerve::cli::read_csv_columns(o.input, names, o.axes);   // no --column: the last N
    if (!cols) {
        out.error = o.column.empty() ? fmt::format("--axes {} without --column: {}", o.axes, cols.error) : cols.error;
        return out;
    }
    const std::size_t rows = cols.value.front().values.size();
    out.value.resize(rows * o.axes);
    for (std::size_t a = 0; a < o.axes; ++a)
        for (std::size_t k = 0; k < rows; ++k) out.value[k * o.axes + a] = static_cast<float>(cols.value[a].values[k]);
    if (out.value.empty()) out.error = fmt::format("'{}' holds no samples", o.input);
    return out;
}

/// The Welch spectrum of one axis (every `stride`-th sample from `offset`) in N-point Hann
/// segments, half overlapping, read by a gear_mesh reader at `shaft_hz`.
template <std::size_t N>
nerve::spectral::gear_report<3> read_gear(std::span<const float> x, std::size_t stride, std::size_t offset, double fs,
                                          const nerve::spectral::gear_pair& pair, double shaft_hz, double& bin_hz) {
    namespace sp = nerve::spectral;
    auto welch = std::make_unique<sp::welch<N>>(nerve::window::hann, nerve::sample_rate{fs}, sp::scaling::spectrum);
    std::vector<float> segment(N);
    const std::size_t count = x.size() / stride;
    for (std::size_t start = 0; start + N <= count; start += N / 2) {
        for (std::size_t i = 0; i < N; ++i) segment[i] = x[(start + i) * stride + offset];
        welch->push(std::span<const float, N>{segment.data(), N}, [](const sp::spectrum_view<float>&) {});
    }
    sp::gear_mesh<3, 6> reader{pair, nerve::hertz{shaft_hz}};
    welch->flush([&](const sp::spectrum_view<float>& s) {
        bin_hz = s.bin_hz;
        reader.compute(s);
    });
    return reader.result();
}

/// The summary's "gear" member (with its leading comma), or nothing without --gear-teeth. The
/// spectrum is the longest of 8-32 Ki points that still averages 3 half-overlapping segments, and
/// no finer than 0.2 Hz: mates turn at a few Hz, and a gear needs 6 bins between its sidebands
/// (0.37 Hz bins at 12 kHz, 0.78 at 25.6 kHz). Not 64 Ki: clang's default constexpr step limit
/// cannot build that transform's SIMD tables (real_fft.hpp).
std::string gear_json(const options& o, std::span<const float> x, std::size_t stride, std::size_t offset, double shaft_hz) {
    namespace sp = nerve::spectral;
    using nerve::cli::jnum;
    if (o.gear_teeth.empty()) return {};
    const sp::gear_pair pair{o.gear_teeth[0], o.gear_teeth.size() > 1 ? o.gear_teeth[1] : 0};
    const std::size_t count = x.size() / stride;
    std::size_t n = 8192;
    while (n < 32768 && 4 * n <= count && o.fs / (2.0 * static_cast<double>(n)) >= 0.2) n *= 2;
    double bin_hz = 0;
    const auto r = n == 8192    ? read_gear<8192>(x, stride, offset, o.fs, pair, shaft_hz, bin_hz)
                   : n == 16384 ? read_gear<16384>(x, stride, offset, o.fs, pair, shaft_hz, bin_hz)
                                : read_gear<32768>(x, stride, offset, o.fs, pair, shaft_hz, bin_hz);
    std::string lines;
    for (const sp::mesh_line& l : r.mesh)
        lines += fmt::format("{}{{\"expected_hz\":{},\"hz\":{},\"amplitude\":{},\"ser\":{},\"ser_mate\":{}}}",
                             lines.empty() ? "" : ",", jnum(l.expected_hz, 6), l.frequency > 0 ? jnum(l.frequency, 6) : "null",
                             jnum(l.amplitude), jnum(l.ser_shaft, 3), jnum(l.ser_mate, 3));
    const sp::gear_frequencies& f = r.frequencies;
    return fmt::format(",\"gear\":{{\"teeth\":{},\"mate_teeth\":{},\"mesh_hz\":{},\"mate_hz\":{},\"assembly_hz\":{},"
                       "\"hunting_hz\":{},\"bin_hz\":{},\"measured_shaft_hz\":{},\"mesh\":[{}],\"verdict\":\"{}\"}}",
                       pair.teeth, pair.mate_teeth, jnum(f.mesh_hz, 6), jnum(f.mate_hz, 6), jnum(f.assembly_hz, 6),
                       jnum(f.hunting_hz, 6), jnum(bin_hz), r.measured_shaft_hz > 0 ? jnum(r.measured_shaft_hz, 6) : "null",
                       lines, sp::name(r.verdict(o.gear_ser_alarm)));
}

/// The summary line: the shared summary object, then the shaft speed the defect frequencies used
/// (told, or measured from the 1x line; see bearing_monitor.hpp "Shaft speed").
template <class Monitor>
std::string summary_line(const np::bearing_summary& sum, const Monitor& m, const options& o, const std::string& more) {
    std::string js = nerve::cli::summary_json(sum, m);
    js.pop_back();
    js += fmt::format(",\"rpm_told\":{},\"rpm_used\":{},\"shaft_line\":{}{}}}", nerve::cli::jnum(o.rpm),
                      nerve::cli::jnum(60.0 * sum.shaft_hz, 6), nerve::cli::jnum(sum.shaft_line, 3), more);
    return js;
}

/// N axes: the fused frames (the deciding axis's frame, fused verdict) with each axis's diagnosis.
template <std::size_t N>
int run_axes(const options& o, const np::bearing_monitor_config& cfg, std::span<const float> xyz) {
    using multi = np::multi_axis_bearing_monitor<N, monitor>;
    auto m = std::make_unique<multi>(cfg);
    m->process_interleaved(xyz, [&](const typename multi::output_type& f) {
        if (o.quiet) return;
        std::string js = nerve::cli::frame_json(f.fused, o.fs);
        js.pop_back();
        std::string diag;
        for (const auto& a : f.axis) diag += fmt::format("{}\"{}\"", diag.empty() ? "" : ",", np::name(a.verdict.diagnosis));
        fmt::print("{},\"deciding_axis\":{},\"axis_diagnoses\":[{}]}}\n", js, f.deciding_axis, diag);
    });
    const auto sum = m->summary();
    std::string axes;
    for (std::size_t a = 0; a < N; ++a) {
        const auto& s = sum.axis[a];
        axes += fmt::format("{}{{\"diagnosis\":\"{}\",\"rule\":\"{}\",\"health_index\":{},\"impulsiveness\":{},"
                            "\"outer\":{},\"inner\":{},\"ball\":{},\"rms\":{},\"kurtosis\":{},\"rejected_samples\":{}}}",
                            a ? "," : "", np::name(s.verdict.diagnosis), np::name(s.verdict.rule),
                            nerve::cli::jnum(s.verdict.health_index, 3), nerve::cli::jnum(s.evidence.impulsiveness, 3),
                            nerve::cli::jnum(s.evidence.outer, 3), nerve::cli::jnum(s.evidence.inner, 3),
                            nerve::cli::jnum(s.evidence.ball, 3), nerve::cli::jnum(s.rms), nerve::cli::jnum(s.kurtosis),
                            m->monitor(a).rejected_samples());
    }
    fmt::print("{}\n", summary_line(sum.fused, *m, o,
                                    fmt::format(",\"axes\":{},\"deciding_axis\":{},\"axis_summaries\":[{}]", N,
                                                sum.deciding_axis, axes) +
                                        gear_json(o, xyz, N, sum.deciding_axis, sum.fused.shaft_hz)));
    return 0;
}

int run(options o) {
    if (o.format != "wav" && o.fs == 0) return nerve::cli::fail("--fs is required for f32 and csv input");
    if (!(o.rpm > 0) || !(o.rpm < 1e6)) return nerve::cli::fail("--rpm must be a positive shaft speed");
    if (!(std::fabs(o.scale) <= 1e30) || o.scale == 0) return nerve::cli::fail("--scale must be non-zero, at most 1e30 in size");
    auto geometry = nerve::cli::parse_bearing(o.bearing);
    if (!geometry) return nerve::cli::fail("{}", geometry.error);
    auto samples = read_axes(o);  // WAV: sets o.fs from the file
    if (!samples) return nerve::cli::fail("{}", samples.error);
    if (!(o.fs > 0) || !(o.fs < 1e7)) return nerve::cli::fail("--fs must be a positive sampling rate in Hz");
    if (o.scale != 1.0)
        for (float& x : samples.value) x *= static_cast<float>(o.scale);  // overflow: Inf, rejected downstream

    np::bearing_monitor_config cfg;
    cfg.fs_hz = o.fs;
    cfg.shaft_hz = o.rpm / 60.0;
    cfg.geometry = geometry.value;
    if (o.fixed_rpm) cfg.speed_search = 0.0;
    if (o.mains >= 0) cfg.mains_hz = {o.mains, 0.0};
    cfg.unit_m_s2 = o.units == "g" ? 9.80665 : 1.0;
    if (!limits_of(o.machine_class, cfg.severity_limits)) return nerve::cli::fail("unknown --machine-class '{}'", o.machine_class);
    const double vlo = o.velocity_band[0], vhi = o.velocity_band[1];
    if (o.velocity_band_given && vlo != 0 && !(vlo > 0 && vlo < vhi && vhi < 0.5 * o.fs))
        return nerve::cli::fail("--velocity-band {},{}: needs 0 < low < high < fs / 2 ({} Hz), or low 0 (off)", vlo, vhi, 0.5 * o.fs);
    cfg.velocity_lo_hz = vlo;
    cfg.velocity_hi_hz = vhi;
    // The default band at a rate too low for it (an accelerometer logged below 2.2 kHz) is not an
    // error: the monitor clips the top to 0.45 fs (vibration_severity_config), the summary's
    // band_hz says so, and a note here says the reading is not ISO 10816's (near 0.45 fs the
    // digital band departs from the analog one: tools/velocity_band_error.py).
    if (!o.velocity_band_given && vhi >= 0.45 * o.fs) {
        const auto used = np::velocity_band_hz(cfg);
        fmt::print(stderr,
                   "nerve: note: at {} Hz the velocity band is {:.4g}-{:.4g} Hz, narrower than ISO 10816's {}-{} Hz; "
                   "sample at 5 kHz or more for a reading within 2 % of the standard's band\n",
                   o.fs, used[0], used[1], vlo, vhi);
    }
    if (!o.gear_teeth.empty() && (o.gear_teeth.size() > 2 || o.gear_teeth[0] < 1 || o.gear_teeth[0] > 10000 ||
                                  (o.gear_teeth.size() == 2 && (o.gear_teeth[1] < 1 || o.gear_teeth[1] > 10000))))
        return nerve::cli::fail("--gear-teeth: one or two tooth counts, 1..10000 (the gear on the --rpm shaft, then its mate)");
    if (!(o.gear_ser_alarm > 0) || !(o.gear_ser_alarm < 1e6)) return nerve::cli::fail("--gear-ser-alarm must be a positive ratio");
    auto m = std::make_unique<monitor>(cfg);
    const std::size_t need = 1024 * static_cast<std::size_t>(o.fs / m->envelope_rate_hz() + 0.5);
    const std::size_t per_axis = samples.value.size() / o.axes;
    if (per_axis < need) {
        return nerve::cli::fail("'{}' holds {} samples{}; the envelope analysis needs at least {} ({:.2f} s at {} Hz)",
                                o.input, per_axis, o.axes > 1 ? " per axis" : "", need,
                                static_cast<double>(need) / o.fs, o.fs);
    }
    if (o.axes == 2) return run_axes<2>(o, cfg, samples.value);
    if (o.axes == 3) return run_axes<3>(o, cfg, samples.value);
    m->process(samples.value, [&](const monitor::output_type& f) {
        if (!o.quiet) fmt::print("{}\n", nerve::cli::frame_json(f, o.fs));
    });
    const auto sum = m->summary();
    fmt::print("{}\n", summary_line(sum, *m, o, gear_json(o, samples.value, 1, 0, sum.shaft_hz)));
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run maintenance",
    "Bearing monitoring: envelope analysis, features, health index and diagnosis of a vibration recording",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--input", o->input, "vibration recording (raw little-endian float32, CSV or WAV)")
            ->required()
            ->check(CLI::ExistingFile);
        app.add_option("--format", o->format, "f32 (raw float32), csv or wav (PCM 8-32 bit or float; rate from the file)")
            ->check(CLI::IsMember({"f32", "csv", "wav"}));
        app.add_option("--column", o->column,
                       "CSV column (name or 0-based index; default: the last); with --axes N, N of them comma-separated");
        app.add_option("--fs", o->fs, "sampling rate in Hz (required for f32 and csv; wav: from the file)");
        app.add_option("--scale", o->scale,
                       "multiplies every sample (wav: units per full scale, e.g. the accelerometer's range in g)");
        app.add_option("--rpm", o->rpm, "shaft speed in revolutions per minute")->required();
        app.add_option("--bearing", o->bearing,
                       "6205, 6203, or custom geometry 'balls,ball_diameter,pitch_diameter[,contact_angle_deg]'");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        app.add_flag("--fixed-rpm", o->fixed_rpm,
                     "use --rpm as given (default: refine it from the 1x shaft line within +-3 %)");
        app.add_option("--mains", o->mains,
                       "grid frequency in Hz whose harmonics are never taken as the shaft line (default: both 50 and 60; 0: none)")
            ->check(CLI::Range(0.0, 1000.0));
        app.add_option("--axes", o->axes,
                       "axes of one accelerometer on this bearing, 1..3 (f32: interleaved x y z ...; csv: --column x,y,z, "
                       "default the last N columns); the verdict is read on the most impulsive axis")
            ->check(CLI::Range(1, 3));
        app.add_option("--units", o->units, "unit of the samples, for the velocity in mm/s: g (default) or m/s2")
            ->check(CLI::IsMember({"g", "m/s2"}));
        app.add_option("--machine-class", o->machine_class,
                       "ISO 10816 zone limits for the RMS velocity: class1..class4 (10816-1: small, medium, large rigid, "
                       "large soft), group1-rigid, group1-flexible, group2-rigid (default), group2-flexible (10816-3)")
            ->check(CLI::IsMember({"class1", "class2", "class3", "class4", "group1-rigid", "group1-flexible",
                                   "group2-rigid", "group2-flexible"}));
        CLI::Option* band = app.add_option("--velocity-band", o->velocity_band,
                                           "LOW,HIGH Hz of the RMS velocity (default 10,1000, its top clipped to 0.45 fs "
                                           "at lower rates; 2,1000 below 600 rpm; LOW 0: off)")
                                ->expected(2)
                                ->delimiter(',');
        app.add_option("--gear-teeth", o->gear_teeth,
                       "Z[,MATE]: a gear of Z teeth on the --rpm shaft (and its mate's teeth); the summary adds its mesh "
                       "lines and each gear's sideband energy ratio")
            ->delimiter(',');
        app.add_option("--gear-ser-alarm", o->gear_ser_alarm,
                       "sideband energy ratio at which the gear reading names a faulty gear (default 1)");
        return [o, band] {
            o->velocity_band_given = band->count() > 0;
            return run(*o);
        };
    });

}  // namespace cmd_run_maintenance
}  // namespace
