// examples/cli/cmd_drift.cpp — `nerve drift`: change points of one numeric CSV column.
//
//   nerve drift --input FILE.csv [--column C] [--detector NAME] [--warnings]
//
// Pushes the column, row by row, through a streaming drift detector (include/nerve/drift/) and
// prints `drift <row>` as soon as the detector fires, where <row> is the 0-based data row at
// which the detector estimates the change BEGAN (its change_point()), not the row where it
// fired. Missing values (empty, NaN, NA, null, Inf, ... cells: nerve::cli::is_missing_marker)
// are skipped: the detector never sees them, and row numbers still count them. --warnings also
// prints `warning <row>` where a warning zone starts.
#include "cli.hpp"

#include <memory>
#include <string>
#include <vector>

#include "nerve/drift/adwin.hpp"
#include "nerve/drift/cusum.hpp"
#include "nerve/drift/ddm.hpp"
#include "nerve/drift/eddm.hpp"
#include "nerve/drift/ewma_chart.hpp"
#include "nerve/drift/fhddm.hpp"
#include "nerve/drift/hddm_a.hpp"
#include "nerve/drift/hddm_w.hpp"
#include "nerve/drift/kswin.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace {
namespace cmd_drift {  // named for the unity build (CMakeLists.txt)

namespace nd = nerve::drift;

struct options {
    std::string input, column;
    std::string detector = "adwin";
    bool warnings = false;
};

const char* const detector_names[] = {"adwin", "page_hinkley", "kswin", "cusum", "ewma_chart",
                                      "ddm", "eddm", "hddm_a", "hddm_w", "fhddm"};

template <class D>
int stream(D& d, const nerve::cli::csv_column& col, bool warnings) {
    // rows[i]: the data row of the i-th value the detector accepted (missing cells skipped).
    std::vector<std::size_t> rows;
    rows.reserve(col.values.size());
    bool in_warning = false;
    for (std::size_t r = 0; r < col.values.size(); ++r) {
        const double v = col.values[r];
        if (!std::isfinite(v)) continue;
        rows.push_back(r);
        const nd::drift_signal s = d.update(static_cast<typename D::input_type>(v));
        if (s == nd::drift_signal::drift) {
            const auto cp = d.change_point();
            fmt::print("drift {}\n", cp < rows.size() ? rows[cp] : r);
            std::fflush(stdout);
            in_warning = false;
        } else if (s == nd::drift_signal::warning) {
            if (warnings && !in_warning) fmt::print("warning {}\n", r);
            in_warning = true;
        } else {
            in_warning = false;
        }
    }
    return 0;
}

int run(const options& o) {
    auto col = nerve::cli::read_csv_column(o.input, o.column);
    if (!col) return nerve::cli::fail("{}", col.error);
    const auto& c = col.value;
    const std::string& n = o.detector;
    if (n == "adwin") {
        // clock 1: test at every row (a CSV is short; the default clock 32 is for sensor rates).
        nd::adwin_options a;
        a.clock = 1;
        nd::adwin<double, 5, 32> d(a);
        return stream(d, c, o.warnings);
    }
    if (n == "page_hinkley") { nd::page_hinkley<double> d; return stream(d, c, o.warnings); }
    if (n == "kswin") { nd::kswin<double, 100, 30> d; return stream(d, c, o.warnings); }
    if (n == "cusum") { nd::cusum<double> d; return stream(d, c, o.warnings); }
    if (n == "ewma_chart") { nd::ewma_chart<double> d; return stream(d, c, o.warnings); }
    if (n == "ddm") { nd::ddm<double> d; return stream(d, c, o.warnings); }
    if (n == "eddm") { nd::eddm<double> d; return stream(d, c, o.warnings); }
    if (n == "hddm_a") { nd::hddm_a<double> d; return stream(d, c, o.warnings); }
    if (n == "hddm_w") { nd::hddm_w<double> d; return stream(d, c, o.warnings); }
    if (n == "fhddm") { nd::fhddm<double> d; return stream(d, c, o.warnings); }
    return nerve::cli::fail("unknown detector '{}'", n);
}

const bool registered = nerve::cli::add_command(
    "drift", "Detect change points in a numeric CSV column (prints 'drift <row>' where each change began)",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        nerve::cli::add_column_options(app, o->input, o->column);
        app.add_option("--detector", o->detector,
                       "adwin (default), page_hinkley, kswin, cusum, ewma_chart; on 0/1 error streams: "
                       "ddm, eddm, hddm_a, hddm_w, fhddm")
            ->check(CLI::IsMember(std::vector<std::string>(std::begin(detector_names), std::end(detector_names))));
        app.add_flag("--warnings", o->warnings, "also print 'warning <row>' where a warning zone begins");
        return [o] { return run(*o); };
    });

}  // namespace cmd_drift
}  // namespace
