// examples/cli/cmd_anomaly.cpp — `nerve anomaly`: a streaming anomaly detector over one numeric
// CSV column, for a user's own series (`nerve nab` does the same for a NAB-layout folder).
//
//   nerve anomaly --input F.csv [--column C] [--detector NAME] [--warmup N] [--threshold T]
//                 [--scores OUT.csv] [--quiet]
//
// The column streams through a fresh detector row by row (no look-ahead). Prints a JSON line
// per alarm, {"type":"alarm","row":R,"value":V,"score":S} (R: the 0-based data row, blank lines
// not counted, as `nerve drift` counts), then {"type":"summary",...}: rows, missing, warm-up, threshold, alarms, the
// highest score and its row. --scores writes row,value,score,alarm for every row.
//
// Warm-up: the first N rows only train (score 0, no alarm); by default NAB's probationary
// period, min(15 % of the rows, 750). Alarms follow the detector's own rule (its gate and, for
// the default conformal_ensemble, one alarm per episode); --threshold T raises an alarm where
// the score reaches T instead (scores are calibrated false-alarm levels for every detector but
// hst: 0.999 is about one sample in a thousand of normal data).
//
// Bad input: an empty cell or a missing-value marker (NaN, NA, N/A, null, none, "-", Inf) is a
// missing reading: the detector is told NaN, does not learn it, scores it 0, and the row is
// counted in "missing". A cell that is not a number, a row with too few cells or an unreadable
// file is an error naming the line, exit code 1, nothing printed.
#include "cli.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

#include "anomaly_detectors.hpp"
#include "pipeline_output.hpp"

namespace {
namespace cmd_anomaly {  // named for the unity build (CMakeLists.txt)

/// A score or threshold (float): the shortest text that reads back as the same float.
std::string exact(float v) { return fmt::format("{}", v); }
/// A reading as the file wrote it (the shortest text of the double the cell rounds to); empty
/// when missing.
std::string reading(double v) { return std::isfinite(v) ? fmt::format("{}", v) : std::string(); }

struct options {
    std::string input, column, scores;
    std::string detector = "conformal_ensemble";
    long long warmup = -1;  // -1: NAB's probationary period
    float threshold = std::numeric_limits<float>::quiet_NaN();
    bool quiet = false;
};

int run(const options& o) {
    const auto* det = nerve::cli::find_anomaly_detector(o.detector);
    if (!det)
        return nerve::cli::fail("unknown detector '{}' (available: {})", o.detector,
                                nerve::cli::anomaly_detector_names());
    if (!(o.threshold > 0.0f) && o.threshold == o.threshold)
        return nerve::cli::fail("--threshold must be above 0 (a score of 0 is every missing or warm-up row)");
    const auto col = nerve::cli::read_csv_column(o.input, o.column);
    if (!col) return nerve::cli::fail("{}", col.error);
    const auto& v = col.value.values;

    nerve::cli::detector_settings settings;
    settings.warmup = o.warmup < 0 ? nerve::cli::nab_probation(v.size()) : static_cast<std::uint32_t>(o.warmup);
    settings.threshold = o.threshold;
    const nerve::cli::anomaly_scorer score = det->make(settings);
    const float threshold = o.threshold == o.threshold ? o.threshold : det->default_threshold;

    std::FILE* out = nullptr;
    if (!o.scores.empty()) {
        out = std::fopen(o.scores.c_str(), "w");
        if (!out) return nerve::cli::fail("cannot write '{}'", o.scores);
        fmt::print(out, "row,value,score,alarm\n");
    }

    std::size_t missing = 0, alarms = 0, max_row = 0;
    float max_score = 0.0f;
    for (std::size_t r = 0; r < v.size(); ++r) {
        const double x = v[r];
        if (!std::isfinite(x)) ++missing;
        const auto verdict = score(static_cast<float>(x));  // beyond float range: Inf, missing
        if (verdict.score > max_score) max_score = verdict.score, max_row = r;
        if (verdict.alarm) {
            ++alarms;
            if (!o.quiet)
                fmt::print("{{\"type\":\"alarm\",\"row\":{},\"value\":{},\"score\":{}}}\n", r,
                           std::isfinite(x) ? reading(x) : "null", exact(verdict.score));
        }
        if (out) fmt::print(out, "{},{},{},{}\n", r, reading(x), exact(verdict.score), verdict.alarm ? 1 : 0);
    }
    if (out && std::fclose(out) != 0) return nerve::cli::fail("writing '{}' failed", o.scores);
    fmt::print("{{\"type\":\"summary\",\"detector\":\"{}\",\"column\":\"{}\",\"rows\":{},\"missing\":{},"
               "\"warmup\":{},\"threshold\":{},\"alarms\":{},\"max_score\":{},\"max_row\":{}}}\n",
               det->name, nerve::cli::json_escape(col.value.name), v.size(), missing, settings.warmup,
               exact(threshold), alarms, exact(max_score),
               max_score > 0.0f ? fmt::format("{}", max_row) : std::string("null"));
    return 0;
}

const bool registered = nerve::cli::add_command(
    "anomaly", "Stream one numeric CSV column through an anomaly detector: a JSON line per alarm, a summary",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        nerve::cli::add_column_options(app, o->input, o->column);
        app.add_option("--detector", o->detector,
                       "detector: " + nerve::cli::anomaly_detector_names() + " (default: conformal_ensemble)");
        app.add_option("--warmup", o->warmup,
                       "rows that only train (default: NAB's probationary period, min(15 % of the rows, 750))")
            ->check(CLI::Range(0LL, 1LL << 31));
        app.add_option("--threshold", o->threshold,
                       "alarm where the score reaches this (default: the detector's own rule)")
            ->check(CLI::Range(0.0f, 1.0f));
        app.add_option("--scores", o->scores, "also write row,value,score,alarm for every row to this CSV");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        return [o] { return run(*o); };
    });

}  // namespace cmd_anomaly
}  // namespace
