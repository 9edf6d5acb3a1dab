// examples/cli/cmd_run_vitals.cpp — `nerve run vitals`: NEWS2 (include/nerve/pipelines/news2.hpp,
// RCP 2017) with its trend over a CSV of charted observations.
//
//   nerve run vitals --input obs.csv [--quiet]
//
// One row per observation; the columns are named in the header (ASCII case, spaces and '-'
// against '_' ignored: nerve::cli::match_column with this command's key, so a header cell written
// as the name wins and two cells that are the same name only loosely are an error; the leftmost
// column of a field's names is taken; the first name of each list is the canonical one):
//   respiration_rate | resp_rate | respiratory_rate | rr    breaths / min
//   spo2                                                    %
//   on_oxygen | oxygen | o2                                 1/0, yes/no, true/false, y/n, o2/air
//   systolic_bp | sbp | systolic                            mmHg
//   heart_rate | hr | pulse                                 beats / min
//   consciousness | acvpu | avpu                            A, C, V, P, U (or alert, confusion, voice, pain, unresponsive)
//   temperature | temp                                      degC
// optional:
//   hypercapnic | scale2 | spo2_scale2                      1/0 ...: SpO2 scale 2 (prescribed 88-92 % target); default scale 1
//   time | timestamp | datetime | date                      any text, copied to the output
// A cell that is empty, NaN, NA, N/A, null, none, '-' or +-Inf is a missing value: news2 leaves that
// parameter unscored and marks the observation incomplete (an empty on_oxygen cell is scored as
// air and marks it incomplete too: the score may be 2 short). Out-of-range numbers are missing
// (news2.hpp). A required column absent from the header, or a row that is malformed (fewer cells
// than the header, a number or code that cannot be read) is an error naming the file and line:
// exit 1, nothing printed on stdout (the whole file is read before the first line is printed).
//
// Prints one {"type":"observation",...} per row (score, risk band, the seven sub-scores, complete,
// any_red, the trend: delta_previous, delta_mean4, rising) and a last {"type":"summary",...}.
#include "cli.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pipeline_output.hpp"
#include "nerve/io/csv.hpp"
#include "nerve/pipelines/news2.hpp"

namespace {
namespace cmd_run_vitals {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;
using nerve::cli::jnum;

struct options {
    std::string input;
    bool quiet = false;
};

enum field : std::size_t { resp, spo2, oxygen, sbp, hr, level, temp, hypercapnic, time_of, field_count };
constexpr std::size_t required_fields = hypercapnic;  // the fields before it must be present

struct column_names {
    const char* canonical;
    std::array<const char*, 4> aliases;
};
constexpr std::array<column_names, field_count> columns = {{
    {"respiration_rate", {"resp_rate", "respiratory_rate", "rr", nullptr}},
    {"spo2", {nullptr, nullptr, nullptr, nullptr}},
    {"on_oxygen", {"oxygen", "o2", nullptr, nullptr}},
    {"systolic_bp", {"sbp", "systolic", nullptr, nullptr}},
    {"heart_rate", {"hr", "pulse", nullptr, nullptr}},
    {"consciousness", {"acvpu", "avpu", nullptr, nullptr}},
    {"temperature", {"temp", nullptr, nullptr, nullptr}},
    {"hypercapnic", {"scale2", "spo2_scale2", nullptr, nullptr}},
    {"time", {"timestamp", "datetime", "date", nullptr}},
}};
// The sub-scores' names in news2_result::parts order.
constexpr std::array<const char*, 7> part_names = {"respiration_rate", "spo2", "air_or_oxygen", "systolic_bp",
                                                   "heart_rate", "consciousness", "temperature"};

/// A header name as compared: lower case, spaces and '-' as '_'.
std::string normalised(std::string_view s) {
    std::string o = nerve::cli::lower(nerve::io::unquote(s));
    for (char& c : o)
        if (c == ' ' || c == '-') c = '_';
    return o;
}

/// One observation as read (on_oxygen may be unknown).
struct observation {
    np::vital_signs v;
    bool oxygen_known = true;
    std::size_t line = 0;
    std::string time;
};

/// Reads one cell; an error message (empty when fine) names what was wrong.
std::string read_number(std::string_view cell, float& out) {
    if (nerve::cli::is_missing_marker(cell)) { out = NAN; return {}; }
    auto n = nerve::io::parse_number(cell);
    if (!n) return "is not a number";
    out = static_cast<float>(n.value());
    return {};
}

std::string read_flag(std::string_view cell, bool& out, bool& known, bool oxygen_words) {
    const std::string c = nerve::cli::lower(nerve::io::unquote(cell));
    known = true;
    if (nerve::cli::is_missing_marker(cell)) { known = false; out = false; return {}; }
    for (const char* yes : {"1", "true", "yes", "y"})
        if (c == yes) { out = true; return {}; }
    for (const char* no : {"0", "false", "no", "n"})
        if (c == no) { out = false; return {}; }
    if (oxygen_words && (c == "o2" || c == "oxygen")) { out = true; return {}; }
    if (oxygen_words && c == "air") { out = false; return {}; }
    return oxygen_words ? "is not 1/0, yes/no, true/false, y/n, o2/air" : "is not 1/0, yes/no, true/false, y/n";
}

std::string read_level(std::string_view cell, np::consciousness& out) {
    if (nerve::cli::is_missing_marker(cell)) { out = np::consciousness::unknown; return {}; }
    const std::string c = nerve::cli::lower(nerve::io::unquote(cell));
    using enum np::consciousness;
    if (c == "a" || c == "alert") out = alert;
    else if (c == "c" || c == "confusion" || c == "confused" || c == "new confusion") out = confusion;
    else if (c == "v" || c == "voice") out = voice;
    else if (c == "p" || c == "pain") out = pain;
    else if (c == "u" || c == "unresponsive") out = unresponsive;
    else return "is not an ACVPU level (A, C, V, P, U)";
    return {};
}

nerve::cli::loaded<std::vector<observation>> read_observations(const options& o) {
    nerve::cli::loaded<std::vector<observation>> out;
    auto table = nerve::cli::read_csv_table(o.input, /*header_required=*/true);
    if (!table) { out.error = table.error; return out; }
    const auto& t = table.value;
    // Each field's column: the first (leftmost) column any of its names names, by the shared rule
    // with this command's looser key (a name written two ways in one header is an error).
    std::array<std::size_t, field_count> at;
    at.fill(std::string_view::npos);
    for (std::size_t f = 0; f < field_count; ++f) {
        auto take = [&](const char* name) {
            auto named = nerve::cli::match_column(t.header, name, normalised);
            if (named && named.value < at[f]) at[f] = named.value;  // npos (no such column) never wins
            return named.error;
        };
        std::string why = take(columns[f].canonical);
        for (const char* a : columns[f].aliases)
            if (a && why.empty()) why = take(a);
        if (!why.empty()) {
            out.error = fmt::format("{}: {}", o.input, why);
            return out;
        }
    }
    std::string missing;
    for (std::size_t f = 0; f < required_fields; ++f)
        if (at[f] == std::string_view::npos) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", columns[f].canonical);
    if (!missing.empty()) {
        out.error = fmt::format("{}: no column for {} ({}; see nerve run vitals --help for the names)", o.input, missing,
                                t.describe_columns());
        return out;
    }
    if (t.rows.empty()) { out.error = fmt::format("{}: no observations after the header", o.input); return out; }
    for (const auto& r : t.rows) {
        if (r.cells.size() < t.header.size()) {
            out.error = fmt::format("{}:{}: the row has {} cell{}, the header {}", o.input, r.line, r.cells.size(),
                                    r.cells.size() == 1 ? "" : "s", t.header.size());
            return out;
        }
        observation ob;
        ob.line = r.line;
        std::string why;
        std::size_t bad = field_count;
        auto check = [&](std::size_t f, std::string e) {
            if (!e.empty() && why.empty()) { why = std::move(e); bad = f; }
        };
        check(resp, read_number(r.cells[at[resp]], ob.v.respiration_rate));
        check(spo2, read_number(r.cells[at[spo2]], ob.v.spo2));
        check(oxygen, read_flag(r.cells[at[oxygen]], ob.v.on_oxygen, ob.oxygen_known, true));
        check(sbp, read_number(r.cells[at[sbp]], ob.v.systolic_bp));
        check(hr, read_number(r.cells[at[hr]], ob.v.heart_rate));
        check(level, read_level(r.cells[at[level]], ob.v.level));
        check(temp, read_number(r.cells[at[temp]], ob.v.temperature));
        if (at[hypercapnic] != std::string_view::npos) {
            bool known = true;
            check(hypercapnic, read_flag(r.cells[at[hypercapnic]], ob.v.hypercapnic, known, false));
        }
        if (!why.empty()) {
            out.error = fmt::format("{}:{}: '{}' in column '{}' {}", o.input, r.line,
                                    nerve::cli::printable(nerve::io::unquote(r.cells[at[bad]])),
                                    nerve::cli::printable(t.header[at[bad]]), why);
            return out;
        }
        if (at[time_of] != std::string_view::npos) ob.time = nerve::io::unquote(r.cells[at[time_of]]);
        out.value.push_back(std::move(ob));
    }
    return out;
}

int run(const options& o) {
    auto read = read_observations(o);
    if (!read) return nerve::cli::fail("{}", read.error);
    const auto& obs = read.value;
    np::news2 score;
    std::array<std::size_t, 4> risk_counts{};
    std::size_t complete = 0, rising = 0, max_at = 0;
    std::optional<std::size_t> first_medium, first_high;
    int max_score = -1;
    np::news2_result last;
    // Where observation i is: its fields inside an observation line, and as an object in the summary.
    const auto where = [&](std::size_t i) {
        return fmt::format("\"index\":{},\"line\":{}{}", i, obs[i].line,
                           obs[i].time.empty() ? std::string{}
                                               : fmt::format(",\"time\":\"{}\"", nerve::cli::json_escape(obs[i].time)));
    };
    const auto when = [&](std::size_t i) { return fmt::format("{{{}}}", where(i)); };
    for (std::size_t i = 0; i < obs.size(); ++i) {
        np::news2_result r = score(obs[i].v);
        if (!obs[i].oxygen_known) {  // scored as air (0): the score is a lower bound
            r.parts[2] = -1;
            r.complete = false;
        }
        ++risk_counts[static_cast<std::size_t>(r.risk)];
        complete += r.complete ? 1 : 0;
        rising += r.rising ? 1 : 0;
        if (r.score > max_score) { max_score = r.score; max_at = i; }
        if (!first_medium && r.risk >= np::news2_risk::medium) first_medium = i;
        if (!first_high && r.risk == np::news2_risk::high) first_high = i;
        last = r;
        if (o.quiet) continue;
        std::string parts;
        for (std::size_t p = 0; p < part_names.size(); ++p)
            parts += fmt::format("{}\"{}\":{}", p ? "," : "", part_names[p],
                                 r.parts[p] < 0 ? std::string("null") : fmt::format("{}", r.parts[p]));
        fmt::print("{{\"type\":\"observation\",{},\"score\":{},\"risk\":\"{}\",\"complete\":{},\"any_red\":{},"
                   "\"parts\":{{{}}},\"delta_previous\":{},\"delta_mean4\":{},\"rising\":{}}}\n",
                   where(i), r.score, np::to_string(r.risk), r.complete, r.any_red, parts, r.delta_previous,
                   jnum(r.delta_mean4, 3), r.rising);
    }
    fmt::print("{{\"type\":\"summary\",\"input\":\"{}\",\"observations\":{},\"complete\":{},\"incomplete\":{},"
               "\"max_score\":{},\"max_score_at\":{},\"risk_counts\":{{\"low\":{},\"low-medium\":{},\"medium\":{},"
               "\"high\":{}}},\"first_medium_or_high\":{},\"first_high\":{},\"rising\":{},\"last_score\":{},"
               "\"last_risk\":\"{}\"}}\n",
               nerve::cli::json_escape(o.input), obs.size(), complete, obs.size() - complete, max_score, when(max_at),
               risk_counts[0], risk_counts[1], risk_counts[2], risk_counts[3],
               first_medium ? when(*first_medium) : std::string("null"), first_high ? when(*first_high) : std::string("null"),
               rising, last.score, np::to_string(last.risk));
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run vitals", "Patient vital signs: NEWS2 score, risk band and trend (RCP 2017) of charted observations in a CSV",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.footer(
            "Input: a CSV file, one row per observation, a header naming the columns (case, spaces and '-' vs '_' "
            "ignored):\n"
            "  respiration_rate (or resp_rate, respiratory_rate, rr)  breaths/min\n"
            "  spo2                                                   %\n"
            "  on_oxygen (or oxygen, o2)                              1/0, yes/no, true/false, y/n, o2/air\n"
            "  systolic_bp (or sbp, systolic)                         mmHg\n"
            "  heart_rate (or hr, pulse)                              beats/min\n"
            "  consciousness (or acvpu, avpu)                         A C V P U (or alert, confusion, voice, pain, "
            "unresponsive)\n"
            "  temperature (or temp)                                  degC\n"
            "optional: hypercapnic (or scale2, spo2_scale2: 1 = SpO2 scale 2; default scale 1), time (or timestamp, "
            "datetime, date: copied to the output).\n"
            "Missing values: a cell that is " + std::string(nerve::cli::missing_markers_help) +
            " leaves that parameter unscored and the "
            "observation incomplete (an unknown on_oxygen is scored as air: the score may be 2 short); out-of-range "
            "values count as missing.\n"
            "Errors (exit 1, message on stderr, nothing on stdout): missing or empty file, a required column absent, a "
            "row with fewer cells than the header, a cell that is neither missing nor readable (e.g. 'abc' as a rate, "
            "'X' as a level), a line over 1 MiB, a NUL byte.\n"
            "Output: JSON lines, one {\"type\":\"observation\"} per row (score, risk low / low-medium / medium / high, "
            "parts: the seven sub-scores, null when unscored; complete, any_red, delta_previous, delta_mean4, rising), "
            "then a {\"type\":\"summary\"}.");
        app.add_option("--input", o->input, "CSV file of observations")->required()->check(CLI::ExistingFile);
        app.add_flag("--quiet", o->quiet, "print only the summary line");
        return [o] { return run(*o); };
    });

}  // namespace cmd_run_vitals
}  // namespace
