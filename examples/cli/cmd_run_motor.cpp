// examples/cli/cmd_run_motor.cpp — `nerve run motor`: motor current signature analysis of one
// stator phase current (include/nerve/spectral/motor_current.hpp) for an induction motor's rotor.
//
//   nerve run motor --input phase_a.f32 --fs 5000 --line-hz 50 --rpm 1460
//   nerve run motor --input logger.csv --format csv --column ia --fs 10000 --line-hz 60 --rpm 1770 --poles 4
//
// The motor current reference pipeline (include/nerve/pipelines/motor_current_monitor.hpp: an
// 8th-order elliptic anti-alias low-pass, decimation by the largest power of two that keeps 6
// samples per supply period, Hann segments half overlapping, their Welch mean) reads the
// whole recording once, in segments of the most points, 4-32 Ki, that still average 3 (a shorter
// recording: one 4 Ki segment). Prints one JSON line:
// {"type":"summary","rotor_condition":...,"diagnosis":...} with the supply line, the speed and slip
// and where they came from, the eccentricity line and the broken-bar sidebands in dB relative to
// the supply line.
//
// "diagnosis": normal (rotor_condition excellent, good or moderate: 48 dB or more down), rotor_bars
// (cracked_bar or worse: under 48 dB), unresolved (the slip could not be placed, the bins are too
// wide for it, or the floor is too high), no_supply_line.
//
// Bad input: NaN/Inf samples are held at the last finite value by the low-pass and counted
// ("held_samples"); a recording shorter than one 4 Ki segment after decimation is refused with
// the length it needs.
#include "cli.hpp"

#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pipeline_output.hpp"
#include "nerve/pipelines/motor_current_monitor.hpp"

namespace {
namespace cmd_run_motor {  // named for the unity build (CMakeLists.txt)

namespace sp = nerve::spectral;
using nerve::cli::jnum;

struct options {
    std::string input;
    std::string format = "f32";
    std::string column;
    double fs = 0;
    double line_hz = 0;
    double rpm = 0;
    int poles = 0;   // 0: from --rpm (sp::poles_for)
    double speed_tolerance = 0.02;
    double scale = 1.0;
};

struct reading {
    sp::motor_current_report<2> report;
    double bin_hz = 0;
    std::uint64_t segments = 0, held = 0;
};

/// One reading of the whole recording by an N-point monitor (segments = 0: on flush).
template <std::size_t N>
reading read_recording(std::span<const float> x, const nerve::pipelines::motor_current_monitor_config& c) {
    auto m = std::make_unique<nerve::pipelines::motor_current_monitor<N>>(c);
    m->process(x, [](const auto&) {});
    m->flush([](const auto&) {});
    return {m->result(), m->bin_hz(), m->segments_read(), m->held_samples()};
}

const char* diagnosis_of(sp::rotor_condition c) {
    switch (c) {
        case sp::rotor_condition::no_line: return "no_supply_line";
        case sp::rotor_condition::unresolved: return "unresolved";
        case sp::rotor_condition::excellent:
        case sp::rotor_condition::good:
        case sp::rotor_condition::moderate: return "normal";
        default: return "rotor_bars";
    }
}

std::string line_json(const sp::current_line& l) {
    return fmt::format("{{\"expected_hz\":{},\"hz\":{},\"db\":{}}}", jnum(l.expected_hz, 6),
                       l.frequency > 0 ? jnum(l.frequency, 6) : "null", jnum(l.db, 3));
}

int run(options o) {
    if (o.format != "wav" && o.fs == 0) return nerve::cli::fail("--fs is required for f32 and csv input");
    if (!(o.line_hz >= 1) || !(o.line_hz <= 1000)) return nerve::cli::fail("--line-hz must be the supply frequency, 1..1000 Hz");
    if (!(o.rpm > 0) || !(o.rpm < 120.0 * o.line_hz))
        return nerve::cli::fail("--rpm must be a running speed below the 2-pole synchronous speed ({} rpm at {} Hz)",
                                120.0 * o.line_hz, o.line_hz);
    if (o.poles == 0) o.poles = sp::poles_for(o.line_hz, o.rpm);
    if (o.poles < 2 || o.poles > 1000 || o.poles % 2 != 0) return nerve::cli::fail("--poles must be an even count, 2..1000");
    if (o.rpm >= 120.0 * o.line_hz / o.poles)
        return nerve::cli::fail("--rpm {} is not below the synchronous speed of {} poles on {} Hz ({} rpm)", o.rpm, o.poles,
                                o.line_hz, 120.0 * o.line_hz / o.poles);
    if (!(o.speed_tolerance >= 0) || !(o.speed_tolerance < 0.5)) return nerve::cli::fail("--speed-tolerance must be in [0, 0.5)");
    if (!(std::fabs(o.scale) <= 1e30) || o.scale == 0) return nerve::cli::fail("--scale must be non-zero, at most 1e30 in size");

    nerve::cli::loaded<std::vector<float>> samples;
    if (o.format == "wav") {
        auto w = nerve::cli::read_wav_at_rate(o.input, o.fs);
        if (!w) return nerve::cli::fail("{}", w.error);
        if (w.value.channels != 1)
            return nerve::cli::fail("'{}' has {} channels; nerve run motor reads one phase current", o.input, w.value.channels);
        samples.value = std::move(w.value.samples);
    } else {
        samples = nerve::cli::read_samples(o.input, o.format, o.column);
        if (!samples) return nerve::cli::fail("{}", samples.error);
    }
    if (!(o.fs > 0) || !(o.fs < 1e7)) return nerve::cli::fail("--fs must be a positive sampling rate in Hz");
    if (o.fs < 6.0 * o.line_hz)
        return nerve::cli::fail("--fs {} Hz is under 6 samples per supply period ({} Hz needed)", o.fs, 6.0 * o.line_hz);

    nerve::pipelines::motor_current_monitor_config c;
    c.fs_hz = o.fs;
    c.motor = {o.line_hz, o.poles};
    c.rpm = o.rpm;
    c.speed_tolerance = o.speed_tolerance;
    c.segments = 0;
    if (o.scale != 1.0)
        for (float& v : samples.value) v = static_cast<float>(static_cast<double>(v) * o.scale);   // overflow: Inf, held
    const std::size_t factor = nerve::pipelines::motor_current_decimation(o.fs, o.line_hz);
    const double rate = o.fs / static_cast<double>(factor);
    const std::size_t settle = nerve::pipelines::motor_current_settle(rate, o.line_hz);
    const std::size_t usable = samples.value.size() / factor > settle ? samples.value.size() / factor - settle : 0;
    if (usable < 4096) {
        const double need = (4096.0 + static_cast<double>(settle)) * static_cast<double>(factor) / o.fs;
        return nerve::cli::fail("'{}' holds {:.1f} s; the current spectrum needs at least {:.1f} s (4096 points at {:.4g} Hz)",
                                o.input, static_cast<double>(samples.value.size()) / o.fs, need, rate);
    }
    std::size_t n = 4096;
    while (n < 32768 && usable >= 4 * n) n *= 2;   // 2n would still average 3 segments
    const std::span<const float> x{samples.value};
    const reading r = n == 4096    ? read_recording<4096>(x, c)
                      : n == 8192  ? read_recording<8192>(x, c)
                      : n == 16384 ? read_recording<16384>(x, c)
                                   : read_recording<32768>(x, c);
    const auto& m = r.report;
    std::string sidebands;
    for (std::size_t k = 0; k < m.lower.size(); ++k)
        sidebands += fmt::format("{}{{\"k\":{},\"lower\":{},\"upper\":{}}}", k ? "," : "", k + 1, line_json(m.lower[k]),
                                 line_json(m.upper[k]));
    const auto condition = m.condition();
    fmt::print("{{\"type\":\"summary\",\"line_hz_told\":{},\"line_hz\":{},\"line_amplitude\":{},\"poles\":{},"
               "\"synchronous_rpm\":{},\"rpm_told\":{},\"rpm_used\":{},\"speed_source\":\"{}\",\"slip\":{},"
               "\"decimated_hz\":{},\"bin_hz\":{},\"segments\":{},\"held_samples\":{},\"eccentricity\":{},"
               "\"sidebands\":[{}],\"floor_db\":{},\"rotor_condition\":\"{}\",\"diagnosis\":\"{}\"}}\n",
               jnum(o.line_hz), m.line_hz > 0 ? jnum(m.line_hz, 6) : "null", jnum(m.line_amplitude), o.poles,
               m.synchronous_hz > 0 ? jnum(60.0 * m.synchronous_hz, 6) : "null", jnum(o.rpm),
               m.speed_hz > 0 ? jnum(60.0 * m.speed_hz, 6) : "null", sp::name(m.source), jnum(m.slip, 4), jnum(rate),
               jnum(r.bin_hz), r.segments, r.held, line_json(m.eccentricity), sidebands, jnum(m.floor_db, 3),
               sp::name(condition), diagnosis_of(condition));
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run motor",
    "Motor current signature analysis: supply line, slip and broken-rotor-bar sidebands of an induction motor's phase current",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--input", o->input, "one phase current (raw little-endian float32, CSV or WAV)")
            ->required()
            ->check(CLI::ExistingFile);
        app.add_option("--format", o->format, "f32 (raw float32), csv or wav (one channel; rate from the file)")
            ->check(CLI::IsMember({"f32", "csv", "wav"}));
        app.add_option("--column", o->column, "CSV column (name or 0-based index; default: the last)");
        app.add_option("--fs", o->fs, "sampling rate in Hz (required for f32 and csv; wav: from the file)");
        app.add_option("--scale", o->scale, "multiplies every sample (e.g. amperes per unit of the logger)");
        app.add_option("--line-hz", o->line_hz, "supply frequency in Hz (50, 60, or a drive's output frequency)")->required();
        app.add_option("--rpm", o->rpm,
                       "running speed in rpm: the nameplate's full-load speed or a measured one (the slip is measured "
                       "from the current when it shows an eccentricity line)")
            ->required();
        app.add_option("--poles", o->poles, "pole count (default: from --rpm, the fewest whose synchronous speed is above it)");
        app.add_option("--speed-tolerance", o->speed_tolerance,
                       "how far below --rpm the speed is searched, as a fraction (default 0.02; the search reaches up to "
                       "synchronous speed)");
        return [o] { return run(*o); };
    });

}  // namespace cmd_run_motor
}  // namespace
