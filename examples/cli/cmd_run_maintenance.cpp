// examples/cli/cmd_run_maintenance.cpp — `nerve run maintenance`: the bearing-monitor reference
// pipeline (include/nerve/pipelines/bearing_monitor.hpp) on one vibration recording.
//
//   nerve run maintenance --input DE.f32 --format f32 --fs 12000 --rpm 1797 --bearing 6205
//
// Prints one JSON object per analysis frame ({"type":"frame",...}) and, last, the whole-run
// verdict ({"type":"summary","diagnosis":...,"evidence":{...},...}).
#include "cli.hpp"

#include <cstring>
#include <memory>
#include <sstream>

#include "pipeline_output.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace {

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
};

using monitor = np::bearing_monitor<4, 1024, 256>;

int run(const options& o) {
    if (!(o.fs > 0) || !(o.fs < 1e7)) return nerve::cli::fail("--fs must be a positive sampling rate in Hz");
    if (!(o.rpm > 0) || !(o.rpm < 1e6)) return nerve::cli::fail("--rpm must be a positive shaft speed");
    auto geometry = nerve::cli::parse_bearing(o.bearing);
    if (!geometry) return nerve::cli::fail("{}", geometry.error);
    auto samples = nerve::cli::read_samples(o.input, o.format, o.column);
    if (!samples) return nerve::cli::fail("{}", samples.error);

    np::bearing_monitor_config cfg;
    cfg.fs_hz = o.fs;
    cfg.shaft_hz = o.rpm / 60.0;
    cfg.geometry = geometry.value;
    if (o.fixed_rpm) cfg.speed_search = 0.0;
    if (o.mains >= 0) cfg.mains_hz = {o.mains, 0.0};
    auto m = std::make_unique<monitor>(cfg);
    const std::size_t need = 1024 * static_cast<std::size_t>(o.fs / m->envelope_rate_hz() + 0.5);
    if (samples.value.size() < need) {
        return nerve::cli::fail("'{}' holds {} samples; the envelope analysis needs at least {} ({:.2f} s at {} Hz)",
                                o.input, samples.value.size(), need, static_cast<double>(need) / o.fs, o.fs);
    }
    m->process(samples.value, [&](const monitor::output_type& f) {
        if (!o.quiet) fmt::print("{}\n", nerve::cli::frame_json(f, o.fs));
    });
    // The shaft speed the defect frequencies used (told, or measured from the 1x line; see
    // bearing_monitor.hpp "Shaft speed"), appended to the shared summary object.
    const auto sum = m->summary();
    std::string js = nerve::cli::summary_json(sum, *m);
    js.pop_back();
    js += fmt::format(",\"rpm_told\":{},\"rpm_used\":{},\"shaft_line\":{}}}", nerve::cli::jnum(o.rpm),
                      nerve::cli::jnum(60.0 * sum.shaft_hz, 6), nerve::cli::jnum(sum.shaft_line, 3));
    fmt::print("{}\n", js);
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run maintenance",
    "Bearing monitoring: envelope analysis, features, health index and diagnosis of a vibration recording",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--input", o->input, "vibration recording (raw little-endian float32, or CSV)")
            ->required()
            ->check(CLI::ExistingFile);
        app.add_option("--format", o->format, "f32 (raw float32) or csv")->check(CLI::IsMember({"f32", "csv"}));
        app.add_option("--column", o->column, "CSV column (name or 0-based index; default: the last)");
        app.add_option("--fs", o->fs, "sampling rate in Hz")->required();
        app.add_option("--rpm", o->rpm, "shaft speed in revolutions per minute")->required();
        app.add_option("--bearing", o->bearing,
                       "6205, 6203, or custom geometry 'balls,ball_diameter,pitch_diameter[,contact_angle_deg]'");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        app.add_flag("--fixed-rpm", o->fixed_rpm,
                     "use --rpm as given (default: refine it from the 1x shaft line within +-3 %)");
        app.add_option("--mains", o->mains,
                       "grid frequency in Hz whose harmonics are never taken as the shaft line (default: both 50 and 60; 0: none)")
            ->check(CLI::Range(0.0, 1000.0));
        return [o] { return run(*o); };
    });

}  // namespace
