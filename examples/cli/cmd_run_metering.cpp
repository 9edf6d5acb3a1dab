// examples/cli/cmd_run_metering.cpp — `nerve run metering`: the energy-metering reference pipeline
// (include/nerve/pipelines/meter_monitor.hpp) on one numeric column of a CSV export.
//
//   nerve run metering --input ETTh2.csv --column OT            # hourly, from the date column
//   nerve run metering --input meter.csv --column kwh --per-day 96
//
// Prints JSON lines: {"type":"event",...} for every reading the monitor flagged (gap, stuck,
// spike, anomaly, drift_up, drift_down; --all: {"type":"reading",...} for every reading),
// {"type":"day",...} for every completed day (energy, peak, base load, load factor, expected
// energy and shortfall, the day's one-step forecast MAE, its flag counts), and a last
// {"type":"summary",...} (counts, the drift alarms, the forecaster's MAE against persistence).
//
// Days: with a time column, calendar days, midnight to midnight on the wall clock the times state
// (a reading counts in the day its time names, so interval-ending stamps put a day's last interval
// into the next day). A file that starts after midnight begins with a
// partial day: its line says "partial":true and its "readings", its mean is over those, it has no
// expected energy and stays out of the expected energy of the days after it (the monitor's
// first_slot); the summary's "days" counts whole days. Every whole day's "time" is its midnight.
// Without a time column (or --time none), days run from the first reading.
//
// UTC offsets and daylight saving (timestamp.hpp): times may state an offset (2021-03-28T03:00:00+02:00,
// ...Z, +0200, +02; on every row or on none). Order, duplicates and gaps are then judged on the
// instants (UTC), the days and the daily profile's slots on the local wall clock the offsets state,
// since consumption follows people's clocks. The monitor keeps its fixed readings-per-day slots
// aligned with that clock: a change of offset by n intervals (a whole number of them, else an error
// naming the line) moves the slots n on or back. Put forward (spring), the n skipped wall-clock
// slots get a missing reading that is not a gap: the forecast fills it for the monitor, but it is
// no event and not in "gaps" ("clock":"skipped" on its --all line). Put back (autumn), the
// repeated slots' rows are merged into one reading, their mean ("merged":2, "clock":"repeated"):
// readings are energy per interval, and the mean keeps the slot one interval's worth, comparable
// with its neighbours and other days' (a sum would look like a spike and double the day's peak).
// The day of a change says so and keeps its energy honest: "clock_intervals" (92 / 100 quarter
// hours, 23 / 25 hours), "skipped", "repeated", and "clock_energy", the energy of the day's real
// intervals (each reading times its slot's clock intervals: 0 skipped, 2 repeated; its "energy" is
// the monitor's, of per_day slots). The summary adds "utc_offsets", "offset_changes",
// "skipped_slots", "repeated_slots" and "merged_rows". A change takes effect at the row that first
// states it: when a gap hides when the clock changed, the skipped slots are the ones just before
// that row and the repeated ones start at it. Readings' "time" is their wall-clock slot, with
// "utc_offset" their row's offset (null for a slot no row fell in). Times without offsets are the
// wall clock alone, as they always were, unless --time-zone names the zone they were written in.
//
// --time-zone TZ (timestamp.hpp time_zone: a POSIX TZ rule such as CET-1CEST,M3.5.0,M10.5.0/3,
// worked out without the C library's tz functions, so no machine's zoneinfo changes the answer):
// times without offsets are resolved to instants and get the zone's offsets, as if the file had
// written them, and everything above follows. In the repeated hour after the clock is put back a
// wall-clock time names two instants; the file's order picks: the earliest that comes after the
// previous row, so a time going backwards within the hour is its second pass (a file without the
// whole first pass reads as if it had only that one). A time the clock skipped is an error naming
// the line; a stamp with its own offset keeps it, and an offset the zone does not have at that
// instant is an error (the wrong zone, or a wrong stamp). The summary adds "time_zone".
//
// Input rules (documented in --help, tested in tests/cli/check_run_metering_vitals.sh):
// - a header row names the columns (as written, or ignoring case when that names one column only:
//   nerve::cli::match_column; a 0-based index works too);
// - time column (--time, default: the first column when its first cell is a date-time
//   YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|+HH:MM|+HHMM|+HH]): sets the readings per day from the most
//   common step, and a step of k intervals inserts k - 1 missing readings (gaps), so the days stay
//   aligned; a time that does not advance, one that is not a date-time (text after it included,
//   a day past its month's end such as 2021-02-29), an offset beyond +-18:00, rows with and
//   without offsets, or a change of offset that is not a whole number of intervals is an error
//   naming the line;
// - a value cell that is empty, NaN, NA, N/A, null, none, '-' or +-Inf is a missing reading (the
//   monitor's gap: its forecast fills it); any other text, and a row cut short before the column,
//   is a missing reading too, counted in the summary and warned about on stderr (--strict: an
//   error naming the line);
// - a file that ends inside its last line (no line end, written while cut short) loses that line
//   when it lacks cells or its time (warned about; "last_line_dropped" in the summary);
// - errors (exit 1, "nerve: ..." on stderr, nothing on stdout): missing or empty file, no such
//   column, no reading at all, a line over 1 MiB, a NUL byte, an unterminated quote.
#include "cli.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline_output.hpp"
#include "timestamp.hpp"
#include "nerve/io/csv.hpp"
#include "nerve/pipelines/meter_monitor.hpp"

namespace {
namespace cmd_run_metering {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;
using nerve::cli::jnum;

struct options {
    std::string input;
    std::string column;
    std::string time;
    std::string time_zone;  // a POSIX TZ rule for times without offsets; empty: none
    std::size_t per_day = 0;
    bool quiet = false;
    bool all = false;
    bool strict = false;
    np::meter_monitor_config cfg;
};

// The regression forecaster keeps the last Capacity readings and needs 8 days + 1 of them (28 days
// + 1 for its four-week profile): 8192 takes up to 1023 readings a day, the full profile up to 292
// (5-minute readings).
constexpr std::size_t capacity = 8192;
constexpr std::size_t max_per_day = (capacity - 2) / 8;
using monitor = np::meter_monitor<capacity>;

constexpr int no_offset = std::numeric_limits<int>::min();  // a reading no row stated an offset for

/// A row's time for messages: the wall clock, and its offset when it states one.
std::string stamp(const nerve::cli::date_time& t) {
    return nerve::cli::format_timestamp(t.local) + (t.has_offset ? nerve::cli::format_utc_offset(t.offset) : "");
}

/// The readings the monitor gets, one per interval: the column's values (NaN for a missing one),
/// with the missing intervals a time column shows put in.
struct series {
    std::vector<double> values;
    std::vector<long long> times;     // seconds since 1970 per reading; empty without a time column
    std::vector<std::size_t> lines;   // the file line of each reading (0: an inserted missing interval)
    // With UTC offsets (empty without): per reading, the offset its first row stated (no_offset for
    // an interval no row fell in) and the wall clock's intervals in its slot (0: skipped by a change
    // of offset, 1, 2+: repeated).
    std::vector<int> offsets;
    std::vector<int> clock;
    // The readings several rows fell in (a repeated slot), by index: their rows and the sum and
    // count of those rows' numbers, whose mean is the reading. Every other reading has one row
    // (lines[i] != 0: the row's own number) or none.
    struct merge {
        int rows = 0;
        int finite = 0;
        double sum = 0;
        void add(double v) {
            ++rows;
            finite += std::isfinite(v) ? 1 : 0;
            sum += std::isfinite(v) ? v : 0.0;
        }
    };
    std::map<std::size_t, merge> merged;
    std::string name;                 // the column's name
    std::string time_name;            // the time column's name, empty without one
    std::size_t per_day = 0;          // 0 when no time column said
    std::size_t first_slot = 0;       // the first reading's interval in its calendar day (time column)
    std::size_t rows = 0;             // data rows read (with offsets, several may share a reading)
    std::size_t inserted = 0;         // missing intervals put in (not the clock's skipped ones)
    std::size_t offset_changes = 0;   // rows whose UTC offset differs from the previous row's
    std::size_t skipped_slots = 0;    // wall-clock intervals a change of offset skipped (readings NaN)
    std::size_t repeated_slots = 0;   // wall-clock intervals a change of offset repeated
    std::size_t merged_rows = 0;      // rows merged into a reading an earlier row already held (merged: rows - 1 each)
    std::size_t unreadable = 0;       // cells that were not numbers (read as missing)
    std::size_t short_rows = 0;       // rows without the column (read as missing)
    std::size_t first_unreadable_line = 0;
    bool utc_offsets = false;         // the time column states UTC offsets
    bool last_line_terminated = true;
    bool last_line_dropped = false;   // the file ended inside a line that lacked cells or its time
};

nerve::cli::loaded<series> read_series(const options& o, const nerve::cli::time_zone* zone) {
    nerve::cli::loaded<series> out;
    auto table = nerve::cli::read_csv_table(o.input);
    if (!table) { out.error = table.error; return out; }
    const auto& t = table.value;
    series& s = out.value;
    s.last_line_terminated = t.last_line_terminated;
    if (t.rows.empty()) { out.error = fmt::format("{}: no data rows after the header", o.input); return out; }
    const std::size_t width = t.header.empty() ? t.rows.front().cells.size() : t.header.size();
    std::size_t col = width - 1;
    if (!o.column.empty()) {
        auto named = t.find(o.column);
        if (!named) { out.error = fmt::format("{}: {}", o.input, named.error); return out; }
        col = named.value;
    }
    if (col == std::string_view::npos || col >= width) {
        out.error = fmt::format("{}: no column '{}' ({})", o.input, nerve::cli::printable(o.column), t.describe_columns());
        return out;
    }
    s.name = t.header.empty() ? fmt::format("column {}", col) : std::string(t.header[col]);

    // The time column: asked for, or the first column when it holds a date-time.
    std::size_t tcol = std::string_view::npos;
    if (!o.time.empty() && nerve::cli::lower(o.time) != "none") {
        auto named = t.find(o.time);
        if (!named) { out.error = fmt::format("{}: time {}", o.input, named.error); return out; }
        tcol = named.value;
        if (tcol == std::string_view::npos || tcol >= width) {
            out.error = fmt::format("{}: no time column '{}' ({})", o.input, nerve::cli::printable(o.time),
                                    t.describe_columns());
            return out;
        }
    } else if (o.time.empty() && col != 0 && !t.rows.front().cells.empty() &&
               nerve::cli::parse_date_time(t.rows.front().cells[0]).state !=
                   nerve::cli::date_time::status::not_a_date_time) {  // a bad day or offset: its error, below
        tcol = 0;
    }
    if (tcol == col) { out.error = fmt::format("--time and --column name the same column"); return out; }
    if (zone && tcol == std::string_view::npos) {
        out.error = fmt::format("{}: --time-zone without a time column to read in it", o.input);
        return out;
    }

    // A file cut short while it was written ends inside its last line: that line is dropped when
    // it lacks cells or its time (a value cut short cannot be told from a whole one).
    std::size_t rows = t.rows.size();
    {
        const auto& last = t.rows.back();
        s.last_line_dropped = !t.last_line_terminated &&
                              (last.cells.size() < width ||
                               (tcol != std::string_view::npos && !nerve::cli::parse_date_time(last.cells[tcol]).ok()));
        if (s.last_line_dropped && --rows == 0) {
            out.error = fmt::format("{}: no data rows after the header (the only one is cut short)", o.input);
            return out;
        }
    }

    // The rows' times: the order is the instants' (the wall clock itself without offsets).
    std::vector<nerve::cli::date_time> row_time;
    if (tcol != std::string_view::npos) {
        s.time_name = t.header.empty() ? fmt::format("column {}", tcol) : std::string(t.header[tcol]);
        row_time.reserve(rows);
        for (std::size_t i = 0; i < rows; ++i) {
            const auto& r = t.rows[i];
            const std::string_view cell = tcol < r.cells.size() ? r.cells[tcol] : std::string_view{};
            auto v = nerve::cli::parse_date_time(cell);
            if (zone)
                v = zone->resolve(v, row_time.empty() ? std::numeric_limits<long long>::min() : row_time.back().instant());
            const auto where = [&] {
                return fmt::format("{}:{}: '{}' in time column '{}'", o.input, r.line,
                                   nerve::cli::printable(nerve::io::unquote(cell)), nerve::cli::printable(s.time_name));
            };
            if (!v.ok()) {
                out.error = fmt::format("{} {}", where(), nerve::cli::describe_fault(v, zone));
                return out;
            }
            if (!row_time.empty() && v.has_offset != row_time.front().has_offset) {
                out.error = fmt::format("{} {} a UTC offset, the first row's time {} (offsets on every row or on none)",
                                        where(), v.has_offset ? "has" : "lacks", v.has_offset ? "none" : "has one");
                return out;
            }
            if (!row_time.empty() && v.instant() <= row_time.back().instant()) {
                out.error = fmt::format("{}:{}: time {} does not come after the previous row's {} (duplicate or out of "
                                        "order rows)",
                                        o.input, r.line, stamp(v), stamp(row_time.back()));
                return out;
            }
            row_time.push_back(v);
        }
    }
    s.utc_offsets = !row_time.empty() && row_time.front().has_offset;

    // The interval: --per-day, else the most common step between rows (a missing row doubles one
    // step, it does not change the most common one).
    long long interval = 0;
    if (!row_time.empty()) {
        std::map<long long, std::size_t> steps;
        for (std::size_t i = 1; i < row_time.size() && i <= 10000; ++i)
            ++steps[row_time[i].instant() - row_time[i - 1].instant()];
        long long common = 0;
        std::size_t most = 0;
        for (auto [step, n] : steps)
            if (n > most) { most = n; common = step; }
        if (o.per_day > 0) {
            if (86400 % static_cast<long long>(o.per_day) != 0) {
                out.error = fmt::format("--per-day {} with a time column: a day is not a whole number of seconds "
                                        "per reading", o.per_day);
                return out;
            }
            interval = 86400 / static_cast<long long>(o.per_day);
            if (common != 0 && common != interval) {
                out.error = fmt::format("{}: the rows are {} s apart ({} readings a day), --per-day {} says {} s",
                                        o.input, common, 86400 % common == 0 ? fmt::format("{}", 86400 / common) : "not whole",
                                        o.per_day, interval);
                return out;
            }
        } else if (common > 0) {
            if (86400 % common != 0) {
                out.error = fmt::format("{}: the rows are {} s apart, which does not divide a day; give --per-day", o.input,
                                        common);
                return out;
            }
            interval = common;
            s.per_day = static_cast<std::size_t>(86400 / common);
            if (s.per_day < 8 || s.per_day > max_per_day) {
                out.error = fmt::format("{}: the rows are {} s apart, {} readings a day; the monitor takes 8..{} "
                                        "(resample the export)", o.input, common, s.per_day, max_per_day);
                return out;
            }
        }
    }

    // Calendar days: the first reading's interval since its midnight on the wall clock (a time off
    // the intervals' grid counts in the interval it falls in).
    if (interval > 0) s.first_slot = static_cast<std::size_t>((row_time.front().local % 86400) / interval);

    // One reading per wall-clock interval (slot), counted from the first row's. A step of the
    // instants of k intervals (rounded: clocks jitter; at least 1) moves k slots on, plus the change
    // of UTC offset in intervals: a clock put forward leaves its skipped slots without rows, one put
    // back brings rows into slots already read, which are merged (their mean). A change takes effect
    // at the row that first states it (within a gap the file cannot say when the clock changed):
    // put forward by n intervals, it skips the n slots before that row's; put back, it repeats n
    // slots from that row's on. `clock_ahead`: such a change's clock intervals for slots not made yet.
    long long slot = 0, top = -1;  // this row's slot, and the last slot made
    std::map<long long, int> clock_ahead;
    const auto make_slot = [&](double v, long long time, std::size_t line, int offset) {
        ++top;
        s.values.push_back(v);
        if (!row_time.empty()) s.times.push_back(time);
        s.lines.push_back(line);
        if (!s.utc_offsets) return;
        const auto ahead = clock_ahead.find(top);
        s.clock.push_back(1 + (ahead == clock_ahead.end() ? 0 : ahead->second));
        if (ahead != clock_ahead.end()) clock_ahead.erase(ahead);
        s.offsets.push_back(offset);
    };
    const auto change_clock = [&](long long from, long long to, int by) {
        for (long long j = from; j < to; ++j) {
            if (j <= top) s.clock[static_cast<std::size_t>(j)] += by;
            else clock_ahead[j] += by;
        }
    };

    const long long max_jump = 366LL * 86400;  // a longer hole is a wrong time column, not a gap
    for (std::size_t i = 0; i < rows; ++i) {
        const auto& r = t.rows[i];
        if (interval > 0 && i > 0) {
            const long long dt = row_time[i].instant() - row_time[i - 1].instant();
            if (dt > max_jump) {
                out.error = fmt::format("{}:{}: {} days after the previous row; a hole this long is refused", o.input,
                                        r.line, dt / 86400);
                return out;
            }
            // Steps of k intervals (rounded: clocks jitter) put k - 1 missing readings in; a file
            // that is mostly holes (more missing intervals than a year and its rows) is refused
            // before it takes the memory.
            const long long k = (dt + interval / 2) / interval;
            if (s.inserted + static_cast<std::size_t>(k) > 366 * static_cast<std::size_t>(86400 / interval) + rows) {
                out.error = fmt::format("{}:{}: the time column leaves more than {} intervals missing against {} rows; "
                                        "refused", o.input, r.line, s.inserted + static_cast<std::size_t>(k) - 1, rows);
                return out;
            }
            const int change = row_time[i].offset - row_time[i - 1].offset;
            if (change % interval != 0) {
                out.error = fmt::format("{}:{}: the UTC offset changes from {} to {}, {} min, not a whole number of the "
                                        "{} s intervals (the wall-clock slots would not stay aligned)",
                                        o.input, r.line, nerve::cli::format_utc_offset(row_time[i - 1].offset),
                                        nerve::cli::format_utc_offset(row_time[i].offset), change / 60, interval);
                return out;
            }
            const long long shift = change / interval;
            s.offset_changes += change != 0 ? 1 : 0;
            const long long to = slot + std::max<long long>(k, 1) + shift;
            if (to < 0) {
                out.error = fmt::format("{}:{}: the UTC offset change from {} to {} puts the clock back before the first "
                                        "row's time", o.input, r.line, nerve::cli::format_utc_offset(row_time[i - 1].offset),
                                        nerve::cli::format_utc_offset(row_time[i].offset));
                return out;
            }
            if (shift > 0) change_clock(to - shift, to, -1);
            if (shift < 0) change_clock(to, to - shift, +1);
            for (long long j = top + 1; j < to; ++j) {
                make_slot(std::numeric_limits<double>::quiet_NaN(), row_time[i - 1].local + (j - slot) * interval, 0,
                          no_offset);
                ++s.inserted;
            }
            slot = to;
        } else {
            slot = top + 1;
        }
        double v = std::numeric_limits<double>::quiet_NaN();
        if (col >= r.cells.size()) {
            if (o.strict) {
                out.error = fmt::format("{}:{}: the row has {} cell{}, column '{}' is missing", o.input, r.line,
                                        r.cells.size(), r.cells.size() == 1 ? "" : "s", nerve::cli::printable(s.name));
                return out;
            }
            ++s.short_rows;
            if (s.first_unreadable_line == 0) s.first_unreadable_line = r.line;
        } else if (!nerve::cli::is_missing_marker(r.cells[col])) {
            auto n = nerve::io::parse_number(r.cells[col]);
            if (n) {
                v = n.value();
            } else if (n.code() == nerve::errc::out_of_range) {
                v = std::numeric_limits<double>::infinity();  // beyond double: the monitor's gap, like Inf
            } else {
                if (o.strict) {
                    out.error = fmt::format("{}:{}: '{}' in column '{}' is not a number", o.input, r.line,
                                            nerve::cli::printable(nerve::io::unquote(r.cells[col])),
                                            nerve::cli::printable(s.name));
                    return out;
                }
                ++s.unreadable;
                if (s.first_unreadable_line == 0) s.first_unreadable_line = r.line;
            }
        }
        const int offset = row_time.empty() ? no_offset : row_time[i].offset;
        if (slot > top) {
            make_slot(v, row_time.empty() ? 0 : row_time[i].local, r.line, offset);
            continue;
        }
        // A slot already made (the clock was put back): a gap's slot takes the row, a row's slot
        // merges it.
        const auto e = static_cast<std::size_t>(slot);
        if (s.lines[e] == 0) {
            s.values[e] = v;
            s.lines[e] = r.line;
            s.offsets[e] = offset;
            continue;
        }
        auto [m, first] = s.merged.try_emplace(e);
        if (first) m->second.add(s.values[e]);
        m->second.add(v);
    }
    s.rows = rows;
    // A merged slot's reading: the mean of its rows' numbers (NaN or Inf when none is one). Readings
    // are energy per interval: the mean keeps the slot one interval's worth, comparable with its
    // neighbours and with the same slot on other days (a sum would look like a spike and double the
    // day's peak); the energy of the clock's repeated interval is counted in the day's clock_energy.
    for (const auto& [e, m] : s.merged) {
        if (m.finite > 0) s.values[e] = m.sum / m.finite;
        s.merged_rows += static_cast<std::size_t>(m.rows - 1);
    }
    // With offsets, the slots no row fell in are gaps except those the clock skipped.
    if (s.utc_offsets) {
        s.inserted = 0;
        for (std::size_t e = 0; e < s.clock.size(); ++e) {
            s.skipped_slots += s.clock[e] <= 0 ? 1 : 0;
            s.repeated_slots += s.clock[e] > 1 ? static_cast<std::size_t>(s.clock[e] - 1) : 0;
            s.inserted += s.lines[e] == 0 && s.clock[e] > 0 ? 1 : 0;
        }
    }
    return out;
}

std::string flag_names(std::uint8_t f) {
    static constexpr std::pair<np::meter_flag, const char*> names[] = {
        {np::meter_gap, "gap"},         {np::meter_stuck, "stuck"},         {np::meter_spike, "spike"},
        {np::meter_anomaly, "anomaly"}, {np::meter_drift_up, "drift_up"}, {np::meter_drift_down, "drift_down"}};
    std::string out;
    for (auto [bit, name] : names)
        if (f & bit) out += fmt::format("{}\"{}\"", out.empty() ? "" : ",", name);
    return out;
}

int run(const options& o) {
    if (o.per_day != 0 && (o.per_day < 8 || o.per_day > max_per_day))
        return nerve::cli::fail("--per-day {}: the monitor takes 8..{} readings a day", o.per_day, max_per_day);
    nerve::cli::loaded<nerve::cli::time_zone> zone;
    if (!o.time_zone.empty()) {
        zone = nerve::cli::parse_time_zone(o.time_zone);
        if (!zone) return nerve::cli::fail("--time-zone: {}", zone.error);
    }
    auto read = read_series(o, o.time_zone.empty() ? nullptr : &zone.value);
    if (!read) return nerve::cli::fail("{}", read.error);
    const series& s = read.value;
    const std::size_t per_day = o.per_day ? o.per_day : s.per_day;
    if (per_day == 0)
        return nerve::cli::fail("{}: {}; give --per-day (24: hourly, 96: 15 min)", o.input,
                                s.time_name.empty() ? "no time column to take the interval from"
                                                    : "one row: no interval in the time column");
    // per_day is in 8..max_per_day here: --per-day was checked above, a time column's in read_series.
    std::size_t finite = 0;
    for (double v : s.values) finite += std::isfinite(v) ? 1 : 0;
    if (finite == 0) return nerve::cli::fail("{}: column '{}' holds no numeric reading", o.input, nerve::cli::printable(s.name));
    if (s.last_line_dropped)
        fmt::print(stderr, "nerve: warning: {}: the file ends inside its last line, which lacks cells or its time: "
                   "dropped\n", o.input);
    if (s.unreadable + s.short_rows > 0)
        fmt::print(stderr, "nerve: warning: {}: {} cell{} of column '{}' not a number and {} row{} without it, read as "
                   "missing readings (first at line {}; --strict refuses them)\n",
                   o.input, s.unreadable, s.unreadable == 1 ? "" : "s", nerve::cli::printable(s.name), s.short_rows,
                   s.short_rows == 1 ? "" : "s", s.first_unreadable_line);

    np::meter_monitor_config cfg = o.cfg;
    cfg.day = per_day;
    cfg.first_slot = s.first_slot;
    auto m = std::make_unique<monitor>(cfg);
    const std::uint64_t warm_at = static_cast<std::uint64_t>(cfg.warmup_days) * per_day;
    const auto time_of = [&](std::uint64_t i) {
        return s.times.empty() ? std::string{} : fmt::format(",\"time\":\"{}\"", nerve::cli::format_timestamp(s.times[i]));
    };
    const auto line_of = [&](std::uint64_t i) { return s.lines[i] ? fmt::format("{}", s.lines[i]) : std::string("null"); };

    // The forecaster's one-step errors on the readings it was scored on: a forecast existed (not
    // the first reading), the reading was used (not a gap, stuck or spike), after the warm-up for
    // the summary, with the previous reading known for the persistence baseline (y[t-1]).
    constexpr std::uint8_t unused = np::meter_gap | np::meter_stuck | np::meter_spike;
    double day_abs = 0, sum_model = 0, sum_persist = 0;
    std::size_t day_scored = 0, scored = 0;
    std::string drifts;
    std::size_t drift_alarms = 0, event_readings = 0, days = 0, first_day_readings = 0;
    std::uint64_t day_first = 0;  // the day's first reading (after the loop: the readings in day lines)
    // With UTC offsets: the day's wall-clock intervals, its slots the clock skipped (and of those the
    // monitor's gaps, which are not the meter's) and repeated, and its energy over the clock's own
    // intervals (each reading times its slot's intervals: 0 skipped, 2 repeated).
    std::size_t day_clock = 0, day_skipped = 0, day_skipped_gaps = 0, day_repeated = 0, skipped_gaps = 0;
    double day_clock_energy = 0;

    auto on_reading = [&](const np::meter_reading& r) {
        const bool used = r.index > 0 && !(r.flags & unused);
        if (used) {
            day_abs += std::fabs(r.residual);
            ++day_scored;
            const double prev = s.values[r.index - 1];
            if (r.index >= warm_at && std::isfinite(prev)) {
                sum_model += std::fabs(r.residual);
                sum_persist += std::fabs(r.value - prev);
                ++scored;
            }
        }
        if (r.flags & (np::meter_drift_up | np::meter_drift_down)) {
            if (drift_alarms < 1000)
                drifts += fmt::format("{}{{\"index\":{}{},\"direction\":\"{}\"}}", drifts.empty() ? "" : ",", r.index,
                                      time_of(r.index), r.flags & np::meter_drift_down ? "down" : "up");
            ++drift_alarms;
        }
        // A slot the clock skipped is no meter's gap: not an event, not in the gap counts.
        std::uint8_t flags = r.flags;
        std::string clock;
        if (s.utc_offsets) {
            const int c = s.clock[r.index];
            const bool skipped = c <= 0;
            if (skipped && (flags & np::meter_gap)) {
                flags &= static_cast<std::uint8_t>(~np::meter_gap);
                ++day_skipped_gaps;
            }
            day_clock += skipped ? 0u : static_cast<std::size_t>(c);
            day_skipped += skipped ? 1u : 0u;
            day_repeated += c > 1 ? static_cast<std::size_t>(c - 1) : 0u;
            day_clock_energy += skipped ? 0.0 : c * r.cleaned;
            const int offset = s.offsets[r.index];
            const auto merged = s.merged.find(r.index);
            clock = fmt::format(",\"utc_offset\":{}{}{}",
                                offset == no_offset ? "null" : "\"" + nerve::cli::format_utc_offset(offset) + "\"",
                                skipped ? ",\"clock\":\"skipped\"" : c > 1 ? ",\"clock\":\"repeated\"" : "",
                                merged == s.merged.end() ? std::string{} : fmt::format(",\"merged\":{}", merged->second.rows));
        }
        if (flags) ++event_readings;
        if (o.quiet || (!flags && !o.all)) return;
        fmt::print("{{\"type\":\"{}\",\"index\":{}{},\"line\":{},\"value\":{},\"forecast\":{},\"residual\":{},\"z\":{},"
                   "\"anomaly_score\":{},\"flags\":[{}]{}}}\n",
                   o.all ? "reading" : "event", r.index, time_of(r.index), line_of(r.index), jnum(r.value, 6),
                   jnum(r.forecast, 6), jnum(r.residual, 6), jnum(r.z, 3), jnum(r.anomaly_score, 3), flag_names(flags),
                   clock);
    };
    auto on_day = [&](const np::daily_profile& d) {
        const bool partial = d.readings < per_day;  // the first day, begun after midnight
        if (partial) first_day_readings = d.readings;
        else ++days;
        skipped_gaps += day_skipped_gaps;
        // A day the clock skipped or repeated intervals in says so, with its energy over its own hours.
        const std::string clock = day_skipped + day_repeated == 0 ? std::string{}
            : fmt::format(",\"clock_intervals\":{},\"skipped\":{},\"repeated\":{},\"clock_energy\":{}", day_clock,
                          day_skipped, day_repeated, jnum(day_clock_energy, 8));
        if (!o.quiet) {
            fmt::print("{{\"type\":\"day\",\"day\":{},\"first_index\":{}{}{},\"energy\":{},\"mean\":{},\"peak\":{},"
                       "\"base_load\":{},\"load_factor\":{},\"expected\":{},\"shortfall\":{},\"forecast_mae\":{},"
                       "\"forecast_readings\":{},\"gaps\":{},\"stuck\":{},\"spikes\":{},\"anomalies\":{},"
                       "\"drift_up\":{},\"drift_down\":{}{}}}\n",
                       d.day, day_first, time_of(day_first),
                       partial ? fmt::format(",\"partial\":true,\"readings\":{}", d.readings) : std::string{},
                       jnum(d.energy, 8), jnum(d.mean, 8), jnum(d.peak, 8),
                       jnum(d.base_load, 8), jnum(d.load_factor, 6), jnum(d.expected, 8),
                       d.expected != 0 ? jnum(d.shortfall, 6) : std::string("null"),
                       day_scored ? jnum(day_abs / static_cast<double>(day_scored), 6) : std::string("null"), day_scored,
                       d.gaps - day_skipped_gaps, d.stuck, d.spikes, d.anomalies, d.drift_up, d.drift_down, clock);
        }
        day_first += d.readings;
        day_clock = day_skipped = day_skipped_gaps = day_repeated = 0;
        day_clock_energy = 0;
        day_abs = 0;
        day_scored = 0;
    };
    for (double v : s.values) m->push(v, on_reading, on_day);

    const auto& tot = m->totals();
    const double mae = scored ? sum_model / static_cast<double>(scored) : std::nan("");
    const double mae_p = scored ? sum_persist / static_cast<double>(scored) : std::nan("");
    fmt::print("{{\"type\":\"summary\",\"input\":\"{}\",\"column\":\"{}\",\"time_column\":{},\"per_day\":{},"
               "\"rows\":{},\"readings\":{},\"inserted_gaps\":{}{},\"unreadable_cells\":{},\"short_rows\":{},"
               "\"last_line_terminated\":{},\"last_line_dropped\":{},\"days\":{}{},\"partial_day_readings\":{},\"warmup_readings\":{},"
               "\"gaps\":{},\"stuck\":{},\"spikes\":{},\"anomalies\":{},\"drifts_up\":{},\"drifts_down\":{},"
               "\"event_readings\":{},\"drifts\":[{}],"
               "\"forecast\":{{\"horizon\":1,\"scored_readings\":{},\"mae\":{},\"mae_persistence\":{},\"ratio\":{}}},"
               "\"residual_scale\":{},\"drift_sum_up\":{},\"drift_sum_down\":{}}}\n",
               nerve::cli::json_escape(o.input), nerve::cli::json_escape(s.name),
               s.time_name.empty() ? std::string("null") : fmt::format("\"{}\"", nerve::cli::json_escape(s.time_name)),
               per_day, s.rows, tot.readings, s.inserted,
               s.utc_offsets ? fmt::format(",\"utc_offsets\":true{},\"offset_changes\":{},\"skipped_slots\":{},"
                                           "\"repeated_slots\":{},\"merged_rows\":{}",
                                           o.time_zone.empty() ? std::string{}
                                               : fmt::format(",\"time_zone\":\"{}\"", nerve::cli::json_escape(o.time_zone)),
                                           s.offset_changes, s.skipped_slots, s.repeated_slots, s.merged_rows)
                             : std::string{},
               s.unreadable, s.short_rows,
               s.last_line_terminated, s.last_line_dropped, days,
               s.first_slot ? fmt::format(",\"partial_first_day_readings\":{}", first_day_readings) : std::string{},
               tot.readings - day_first, std::min<std::uint64_t>(warm_at, tot.readings),
               tot.gaps - skipped_gaps - day_skipped_gaps, tot.stuck, tot.spikes, tot.anomalies, tot.drifts_up, tot.drifts_down, event_readings, drifts,
               scored, jnum(mae, 6), jnum(mae_p, 6), scored && mae_p > 0 ? jnum(mae / mae_p, 4) : std::string("null"),
               jnum(m->residual_scale(), 6), jnum(m->drift_sum_up(), 4), jnum(m->drift_sum_down(), 4));
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run metering",
    "Energy metering: gaps, stuck meter, spikes, forecast anomalies, baseline drift (theft) and daily load "
    "profiles of one CSV column",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.footer(
            "Input: a CSV file with a header row (or none: --column by 0-based index); one row per interval reading "
            "(kWh per interval, not a cumulative register). Column names are matched as written, else ignoring case "
            "when that names one column only. A value cell that is " + std::string(nerve::cli::missing_markers_help) +
            " is a missing reading (a gap: the forecast fills it); other text and rows cut short are missing "
            "readings too, counted and warned about (--strict: an error). A date-time column "
            "(YYYY-MM-DD[ T]HH:MM[:SS[.fff]], optionally a UTC offset Z, +HH:MM, +HHMM or +HH right after it, on every "
            "row or none; any other text after the time is an error) sets the readings per day and puts missing "
            "intervals in as gaps; its times (with offsets, their instants) must increase. A last line cut short (no "
            "line end, cells or time missing) "
            "is dropped with a warning.\n"
            "Days: with a time column, calendar days, midnight to midnight on the wall clock the times state: a file "
            "that starts after midnight begins with a day line marked \"partial\":true with its \"readings\" (mean over "
            "those, no expected energy, not in later days' expected energy; not counted in the summary's \"days\"). "
            "Without a time column, days run from the first reading.\n"
            "UTC offsets: order and gaps are judged on the instants, days on the local clock. A change of offset "
            "(daylight saving) must be a whole number of intervals (an offset within +-18:00). Clock put forward: its "
            "skipped slots are missing readings the forecast fills, but no gap or event (\"clock\":\"skipped\" with "
            "--all). Clock put back: the repeated slots' rows are merged into their mean (per-interval energy stays "
            "per interval; \"merged\", \"clock\":\"repeated\"). That day's line adds \"clock_intervals\" (e.g. 23 "
            "or 25 hours), \"skipped\", \"repeated\" and \"clock_energy\" (the energy of its real intervals: the "
            "repeated hour counted twice, the skipped one not); the summary counts the changes and slots. Times "
            "without offsets are the wall clock alone (no time zone) unless --time-zone gives one.\n"
            "Time zone (--time-zone TZ): a POSIX TZ rule, std offset [dst [offset],start[/time],end[/time]], offsets "
            "west of Greenwich (CET-1 is UTC+01:00; dst's defaults to one hour ahead), rules Mm.w.d (weekday d, "
            "0 = Sunday, of week w, 5 = the last, of month m), Jn (day 1..365, 29 February never counted) or n "
            "(0..365, counted), /time the change's time on the clock in force before it (default 02:00; "
            "-167..167 h). E.g. CET-1CEST,M3.5.0,M10.5.0/3, EST5EDT,M3.2.0,M11.1.0, UTC0, <+0530>-5:30. Times without an offset are "
            "read as that zone's wall clock and take its offsets, as if written with them (the UTC offsets rules "
            "above apply). In the hour the clock is put back, the file's order decides: a time that goes backwards "
            "is the second pass (standard time), any other the first (a file missing the whole first pass cannot "
            "say so); a time the clock skipped when put forward is an error naming the line. Times with an offset "
            "keep it; one that is not the zone's at its instant is an error. Worked out without the system's "
            "time-zone files, the same on every machine: a zone name (Europe/Berlin) is refused, give its rule "
            "(the last line of its zoneinfo file).\n"
            "Output: JSON lines; an {\"type\":\"event\"} per flagged reading (flags gap, stuck, spike, anomaly, "
            "drift_up, drift_down), a {\"type\":\"day\"} per completed day, a last {\"type\":\"summary\"}.\n"
            "Errors (exit 1, message on stderr): missing or empty file, no such column, no numeric reading, a time "
            "that is not a date-time (a day its month lacks, such as 2021-02-29, included) or does not advance, a "
            "bad offset or change of offset, a time --time-zone's clock skips or an offset it does not have then, a "
            "bad --time-zone, a line over 1 MiB, a NUL byte.");
        app.add_option("--input", o->input, "CSV file")->required()->check(CLI::ExistingFile);
        app.add_option("--column", o->column, "the readings' column: name or 0-based index (default: the last)");
        app.add_option("--time", o->time,
                       "date-time column (default: the first column when it holds date-times; 'none': ignore it)");
        app.add_option("--time-zone", o->time_zone,
                       "POSIX TZ rule the times without a UTC offset are read in, e.g. CET-1CEST,M3.5.0,M10.5.0/3 "
                       "(see Time zone below; default: none, such times are the wall clock alone)");
        app.add_option("--per-day", o->per_day,
                       "readings per day (24 hourly, 48 half-hourly, 96 for 15 min; default: from the time column)");
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        app.add_flag("--all", o->all, "print every reading ({\"type\":\"reading\"}), not only flagged ones");
        app.add_flag("--strict", o->strict, "a value cell that is not a number, or a row without it, is an error");
        app.add_option("--warmup-days", o->cfg.warmup_days, "days without anomaly or drift alarms (default 14)")
            ->check(CLI::Range(1, 3650));
        app.add_option("--anomaly-z", o->cfg.anomaly_z, "anomaly level in robust sigmas of the forecast residual (default 4)")
            ->check(CLI::Range(1.0, 100.0));
        app.add_option("--spike-z", o->cfg.spike_z,
                       "a reading this many robust sigmas off the forecast is a spike (default 8)")
            ->check(CLI::Range(1.0, 1000.0));
        app.add_option("--spike-run", o->cfg.spike_run,
                       "at most this many consecutive spike readings; a longer excursion is kept (default 2)")
            ->check(CLI::Range(1, 1000));
        app.add_option("--stuck-run", o->cfg.stuck_run,
                       "equal readings in a row that mean a stuck meter (default: a quarter of a day)")
            ->check(CLI::Range(2, 100000));
        app.add_option("--drift-slack", o->cfg.drift_slack, "baseline CUSUM slack k in residual sigmas (default 0.5)")
            ->check(CLI::Range(0.0, 10.0));
        app.add_option("--drift-threshold", o->cfg.drift_threshold,
                       "baseline CUSUM threshold h in residual sigmas (default 18)")
            ->check(CLI::Range(1.0, 10000.0));
        return [o] { return run(*o); };
    });

}  // namespace cmd_run_metering
}  // namespace
