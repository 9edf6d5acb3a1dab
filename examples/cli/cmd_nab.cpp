// examples/cli/cmd_nab.cpp — `nerve nab`: run an anomaly detector over a NAB-layout folder and
// write NAB's results layout, so NAB's scorer (or ../shared/tools/nab_score.py) can read it.
//
//   nerve nab --data ../shared/data/nab --out /tmp/nab_results [--detector conformal_ensemble]
//   /usr/bin/python3 ../shared/tools/nab_score.py --data ../shared/data/nab --results /tmp/nab_results
//
// Reads every DIR/data/<category>/<file>.csv (timestamp,value; a header row is optional) and
// writes OUT/data/<category>/<file>.csv with timestamp,value,anomaly_score: one row per input
// row, in order, the timestamp and value cells copied as they were. Each series is streamed
// through a fresh detector sample by sample (no look-ahead). Like every NAB detector, the
// detector is told the probationary period, min(floor(0.15 rows), 750), which is all it learns
// about the file before its samples.
//
// Bad input: a missing-value cell (nerve::cli::is_missing_marker: empty, NaN, NA, N/A, null, none,
// "-", Inf; the rule every command's reader uses) is a missing reading: it is passed to
// the detector as NaN (detectors reject it; its score is 0) and its row is still written. Any
// other cell that is not a number, a row with too few cells, a missing or empty folder, or an
// unknown detector is an error naming the file and line, with exit code 1.
// Timestamps are not interpreted: gaps and repeated timestamps reach the detector as ordinary
// consecutive rows (see each detector's header for what that means).
#include "cli.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <iterator>
#include <limits>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "anomaly_detectors.hpp"
#include "nerve/io/csv.hpp"

namespace {
namespace cmd_nab {  // named for the unity build (CMakeLists.txt)

namespace fs = std::filesystem;

struct options {
    std::string data;
    std::string out;
    std::string detector = "conformal_ensemble";
    bool quiet = false;
};

struct row {
    std::string_view timestamp, value;
    float x;
};

/// Parses one NAB data file held in `text` into rows; an error message on failure.
nerve::cli::loaded<std::vector<row>> parse_series(const std::string& path, std::string_view text) {
    nerve::cli::loaded<std::vector<row>> out;
    nerve::io::line_cursor lines(text);
    std::array<std::string_view, 16> cells{};
    std::string_view line;
    std::size_t t_col = 0, v_col = 1;
    bool first = true;
    while (lines.next(line)) {
        const auto n = nerve::io::split_csv(line, cells);
        if (!n) {
            out.error = fmt::format("{}:{}: {}", path, lines.line_number(), n.message());
            return out;
        }
        if (first) {
            first = false;
            // a header when the value cell (the second) is neither a number nor a missing value;
            // a data row's first cell (the timestamp) is not a number either
            const std::string_view probe = cells[n.value() >= 2 ? 1 : 0];
            const bool header = !nerve::io::parse_number(probe) && !nerve::cli::is_missing_marker(probe);
            if (header) {
                for (std::size_t i = 0; i < n.value(); ++i) {
                    const auto name = nerve::io::unquote(cells[i]);
                    if (name == "timestamp") t_col = i;
                    if (name == "value") v_col = i;
                }
                continue;
            }
        }
        if (n.value() <= std::max(t_col, v_col)) {
            out.error = fmt::format("{}:{}: expected timestamp,value; found {} cell(s)", path, lines.line_number(),
                                    n.value());
            return out;
        }
        row r{cells[t_col], cells[v_col], std::numeric_limits<float>::quiet_NaN()};
        if (!nerve::cli::is_missing_marker(r.value)) {
            const auto v = nerve::io::parse_number(r.value);
            if (!v) {
                out.error = fmt::format("{}:{}: value '{}' is not a number ({})", path, lines.line_number(),
                                        nerve::io::unquote(r.value), v.message());
                return out;
            }
            r.x = static_cast<float>(v.value());  // beyond float range becomes +-Inf: rejected as bad input
        }
        out.value.push_back(r);
    }
    return out;
}

int run(const options& o) {
    const auto* det = nerve::cli::find_anomaly_detector(o.detector);
    if (!det)
        return nerve::cli::fail("unknown detector '{}' (available: {})", o.detector, nerve::cli::anomaly_detector_names());
    const fs::path root = fs::path(o.data) / "data";
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return nerve::cli::fail("'{}' is not a NAB folder: '{}' does not exist or is not a directory", o.data,
                                root.string());

    std::vector<fs::path> files;
    for (const auto& cat : fs::directory_iterator(root, ec)) {
        if (!cat.is_directory()) continue;
        for (const auto& f : fs::directory_iterator(cat.path(), ec))
            if (f.is_regular_file() && f.path().extension() == ".csv") files.push_back(f.path());
    }
    if (ec) return nerve::cli::fail("cannot read '{}': {}", root.string(), ec.message());
    if (files.empty()) return nerve::cli::fail("no <category>/<file>.csv files under '{}'", root.string());
    std::sort(files.begin(), files.end());

    std::size_t total_rows = 0, total_missing = 0;
    for (const auto& file : files) {
        const auto text = nerve::cli::read_file(file.string());
        if (!text) return nerve::cli::fail("{}", text.error);
        const auto series = parse_series(file.string(), text.value);
        if (!series) return nerve::cli::fail("{}", series.error);
        const auto& rows = series.value;

        const fs::path out_dir = fs::path(o.out) / "data" / file.parent_path().filename();
        fs::create_directories(out_dir, ec);
        if (ec) return nerve::cli::fail("cannot create '{}': {}", out_dir.string(), ec.message());
        const fs::path out_path = out_dir / file.filename();
        std::ofstream out(out_path, std::ios::binary);
        if (!out) return nerve::cli::fail("cannot write '{}'", out_path.string());

        nerve::cli::detector_settings settings;
        settings.warmup = nerve::cli::nab_probation(rows.size());
        const nerve::cli::anomaly_scorer score = det->make(settings);
        std::string buf = "timestamp,value,anomaly_score\n";
        std::size_t missing = 0;
        for (const auto& r : rows) {
            if (!(r.x == r.x)) ++missing;
            const float s = score(r.x).score;
            fmt::format_to(std::back_inserter(buf), "{},{},{}\n", r.timestamp, r.value, s);
        }
        out << buf;
        if (!out) return nerve::cli::fail("error writing '{}'", out_path.string());
        total_rows += rows.size();
        total_missing += missing;
        if (!o.quiet)
            fmt::print("{}/{}: {} rows{}\n", file.parent_path().filename().string(), file.filename().string(),
                       rows.size(), missing ? fmt::format(" ({} missing values scored 0)", missing) : "");
    }
    fmt::print("nab: {} files, {} rows{} scored with {} -> {}/data\n", files.size(), total_rows,
               total_missing ? fmt::format(" ({} missing)", total_missing) : "", det->name, o.out);
    return 0;
}

const bool registered = nerve::cli::add_command(
    "nab",
    "Score every series of a NAB-layout folder with a streaming anomaly detector (NAB results layout)",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--data", o->data, "NAB folder holding data/<category>/<file>.csv")->required();
        app.add_option("--out", o->out, "results folder; writes <out>/data/<category>/<file>.csv")->required();
        app.add_option("--detector", o->detector, "detector: " + nerve::cli::anomaly_detector_names() + " (default: conformal_ensemble)");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        return [o] { return run(*o); };
    });

}  // namespace cmd_nab
}  // namespace
