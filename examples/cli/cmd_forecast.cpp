// examples/cli/cmd_forecast.cpp — `nerve forecast`: an online seasonal forecaster over one CSV
// column: `--model rls` (default) the robust regression on seasonal lags
// (include/nerve/pipelines/seasonal_forecaster.hpp), `--model holt-winters` the double seasonal
// Holt-Winters of the lean metering pipeline (holt_winters_forecaster.hpp).
//
//   nerve forecast --input ETTh2.csv --column OT --horizon 24 --output out.csv [--model holt-winters]
//
// Writes `index,forecast` for every row t: the forecast of row t + H made with rows <= t only.
// Readings per day come from --day, else from the step between the first two rows' timestamps in
// the first column when it holds them (YYYY-MM-DD HH:MM[:SS[.fff]], optionally with a UTC offset
// Z / +HH:MM / +HHMM / +HH: then the step between the instants, so a file that starts at a change
// of daylight saving time reads right; stamps without one the same with --time-zone, a POSIX TZ
// rule: timestamp.hpp time_zone), else 24 (hourly).
// Rows are the series: a row is one interval of real time and the model's daily and weekly lags
// are counted in rows, whatever the clock did. Across a daylight-saving change (a 23- or 25-hour
// local day) the forecasts go on row by row without a gap or a merged row; a daily lag then
// points at the same UTC hour yesterday, one hour off the local clock, until a day (the weekly
// lag: a week) has passed the change: the model's errors there are its own, not hidden.
#include "cli.hpp"

#include <fmt/os.h>

#include <memory>

#include "nerve/io/csv.hpp"
#include "nerve/pipelines/holt_winters_forecaster.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"
#include "timestamp.hpp"

namespace {
namespace cmd_forecast {  // named for the unity build (CMakeLists.txt)

struct options {
    std::string input, column, output;
    std::string time_zone;  // a POSIX TZ rule for stamps without offsets; empty: none
    std::size_t horizon = 24;
    std::size_t day = 0;
    double lambda = 0.9995;
    std::size_t learn_every = 1;
    std::string model = "rls";
};

constexpr std::size_t capacity = 4096;
using forecaster = nerve::pipelines::seasonal_forecaster<capacity>;
using hw_forecaster = nerve::pipelines::holt_winters_forecaster<capacity>;  // 8 days of indices: day <= 512

/// Readings per day from the first two data rows' first cells, or 0 when they are not timestamps.
/// With a time zone, stamps without offsets are its wall clock (time_zone::resolve); one the clock
/// skipped, or an offset the zone does not have, is an error naming the line.
nerve::cli::loaded<std::size_t> readings_per_day(const std::string& path, const std::string& text,
                                                 const nerve::cli::time_zone* zone) {
    nerve::cli::loaded<std::size_t> out;
    nerve::io::line_cursor lines(text);
    std::string_view line;
    std::array<std::string_view, 64> cells{};
    long long t[2] = {-1, -1};  // instants
    int got = 0;
    while (got < 2 && lines.next(line)) {
        auto n = nerve::io::split_csv(line, cells);
        if (!n || n.value() == 0) continue;
        auto v = nerve::cli::parse_date_time(cells[0]);
        if (zone) v = zone->resolve(v, got ? t[0] : std::numeric_limits<long long>::min());
        if (v.state == nerve::cli::date_time::status::in_clock_gap ||
            v.state == nerve::cli::date_time::status::zone_offset_mismatch) {
            out.error = fmt::format("{}:{}: '{}' {}", path, lines.line_number(),
                                    nerve::cli::printable(nerve::io::unquote(cells[0])),
                                    nerve::cli::describe_fault(v, zone));
            return out;
        }
        if (!v.ok()) {
            if (got > 0) return out;
            continue;  // header
        }
        t[got++] = v.instant();
    }
    if (got < 2 || t[1] <= t[0] || 86400 % (t[1] - t[0]) != 0) return out;
    out.value = static_cast<std::size_t>(86400 / (t[1] - t[0]));
    return out;
}

int run(const options& o) {
    if (o.horizon < 1 || o.horizon > 1000) return nerve::cli::fail("--horizon must be 1..1000 rows");
    auto col = nerve::cli::read_csv_column(o.input, o.column);
    if (!col) return nerve::cli::fail("{}", col.error);
    nerve::cli::loaded<nerve::cli::time_zone> zone;
    if (!o.time_zone.empty()) {
        zone = nerve::cli::parse_time_zone(o.time_zone);
        if (!zone) return nerve::cli::fail("--time-zone: {}", zone.error);
    }
    std::size_t day = o.day;
    if (day == 0) {
        auto text = nerve::cli::read_file(o.input);
        if (text) {
            auto found = readings_per_day(o.input, text.value, o.time_zone.empty() ? nullptr : &zone.value);
            if (!found) return nerve::cli::fail("{}", found.error);
            day = found.value;
        }
        if (day == 0) day = 24;
    }
    if (day < 8) return nerve::cli::fail("{} readings per day: the daily seasonality needs at least 8", day);
    if (8 * day + o.horizon + 1 > capacity) {
        return nerve::cli::fail("{} readings per day with horizon {} needs more history than the forecaster keeps "
                                "({} readings); resample to a coarser interval",
                                day, o.horizon, capacity);
    }
    std::FILE* out = std::fopen(o.output.c_str(), "w");
    if (!out) return nerve::cli::fail("cannot write '{}'", o.output);
    fmt::print(out, "index,forecast\n");
    const auto& v = col.value.values;
    // Every row's forecast; returns how many values the model filled as missing.
    const auto write_all = [&](auto& f) {
        for (std::size_t t = 0; t < v.size(); ++t) fmt::print(out, "{},{:.6g}\n", t, f.update(v[t]));
        return static_cast<std::uint64_t>(f.rejected());
    };
    std::uint64_t filled = 0;
    if (o.model == "holt-winters") {
        nerve::pipelines::holt_winters_config cfg;
        cfg.day = day;
        cfg.horizon = o.horizon;
        filled = write_all(*std::make_unique<hw_forecaster>(cfg));
    } else {
        nerve::pipelines::seasonal_forecaster_config cfg;
        cfg.day = day;
        cfg.horizon = o.horizon;
        cfg.lambda = o.lambda;
        cfg.learn_every = o.learn_every;
        filled = write_all(*std::make_unique<forecaster>(cfg));
    }
    const bool ok = std::fclose(out) == 0;
    if (!ok) return nerve::cli::fail("writing '{}' failed", o.output);
    fmt::print(stderr, "nerve forecast: {} rows of '{}', {} readings per day, horizon {}, model {}, {} missing values filled\n",
               v.size(), col.value.name, day, o.horizon, o.model, filled);
    return 0;
}

const bool registered = nerve::cli::add_command(
    "forecast", "Online forecast with daily and weekly seasonality of a CSV column (row t: forecast of row t+H)",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        nerve::cli::add_column_options(app, o->input, o->column);
        app.add_option("--horizon", o->horizon, "forecast horizon H in rows (default 24)");
        app.add_option("--output", o->output, "output CSV (index,forecast)")->required();
        app.add_option("--day", o->day,
                       "readings per day (default: from the first two rows' date-times in the first column, "
                       "YYYY-MM-DD HH:MM[:SS[.fff]] with an optional UTC offset Z/+HH:MM; else 24). Rows stay rows "
                       "across a daylight-saving change: the lags are counted in rows");
        app.add_option("--time-zone", o->time_zone,
                       "POSIX TZ rule (as nerve run metering's, e.g. CET-1CEST,M3.5.0,M10.5.0/3) the first two rows' "
                       "date-times without a UTC offset are read in for --day's default: a file that starts inside the "
                       "hour the clock is put back then reads right; a time the clock skipped is an error");
        app.add_option("--lambda", o->lambda, "forgetting factor of the online regression (default 0.9995)")
            ->check(CLI::Range(0.9, 1.0));
        app.add_option("--learn-every", o->learn_every,
                       "take the regression's learning step on every N-th row only (default 1; the lighter MCU setting)")
            ->check(CLI::Range(1, 1000));
        app.add_option("--model", o->model,
                       "rls: robust regression on seasonal lags (default); holt-winters: double seasonal Holt-Winters "
                       "with an AR(1) error correction (the lean MCU pipeline's forecaster)")
            ->check(CLI::IsMember({"rls", "holt-winters"}));
        return [o] { return run(*o); };
    });

}  // namespace cmd_forecast
}  // namespace
