// examples/cli/cli.cpp — main() of the `nerve` tool: builds the CLI11 app from the registered
// subcommands, parses, and runs the chosen one. Plus the shared input helpers of cli.hpp.
#include "cli.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <exception>
#include <fstream>
#include <map>
#include <sstream>

#include "nerve/io/csv.hpp"

namespace nerve::cli {
namespace {

struct registration {
    std::vector<std::string> path;
    std::string description;
    setup_function setup;
};

// A function-local static: registrations run during static initialisation of other files.
std::vector<registration>& registry() {
    static std::vector<registration> r;
    return r;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> parts;
    std::istringstream in(path);
    for (std::string p; in >> p;) parts.push_back(p);
    return parts;
}

}  // namespace

bool add_command(std::string path, std::string description, setup_function setup) {
    registry().push_back({split_path(path), std::move(description), setup});
    return true;
}

// The groups of nested subcommands.
const bool run_group = add_command("run", "Run a reference pipeline on a recording", nullptr);

loaded<std::string> read_file(const std::string& path) {
    loaded<std::string> out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error = fmt::format("cannot open '{}': {}", path, std::strerror(errno));
        return out;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        out.error = fmt::format("cannot read '{}'", path);
        return out;
    }
    out.value = std::move(buf).str();
    return out;
}

void add_column_options(CLI::App& app, std::string& input, std::string& column) {
    app.add_option("--input", input,
                   fmt::format("CSV file (a header row is optional; a cell that is {} is missing)", missing_markers_help))
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--column", column, "column name or 0-based index (default: the last column)");
}

loaded<std::vector<csv_column>> read_csv_columns(const std::string& path, std::span<const std::string> columns,
                                                 std::size_t last) {
    loaded<std::vector<csv_column>> out;
    auto file = read_file(path);
    if (!file) {
        out.error = file.error;
        return out;
    }
    constexpr std::size_t max_cells = 4096;
    std::vector<std::string_view> cells(max_cells);
    io::line_cursor lines(file.value);
    std::string_view line;
    bool first = true;
    std::vector<csv_column>& cols = out.value;
    while (lines.next(line)) {
        auto n = io::split_csv(line, cells);
        if (!n) {
            out.error = fmt::format("{}:{}: {}", path, lines.line_number(), n.message());
            return out;
        }
        const std::span<const std::string_view> row(cells.data(), n.value());
        if (first) {
            first = false;
            const bool header = is_header_row(row);
            // Resolve the columns: header names, 0-based indices, or the last ones.
            if (columns.empty()) {
                if (row.size() < last) {
                    out.error = fmt::format("{}: the last {} columns were asked for; the file has {}", path, last,
                                            row.size());
                    return out;
                }
                cols.resize(last);
                for (std::size_t c = 0; c < last; ++c) cols[c].index = row.size() - last + c;
            } else {
                cols.resize(columns.size());
                for (std::size_t c = 0; c < columns.size(); ++c) {
                    const std::string& column = columns[c];
                    bool found = false;
                    if (header) {
                        auto named = match_column(row, column);
                        if (!named) {
                            out.error = fmt::format("{}: {}", path, named.error);
                            return out;
                        }
                        found = named.value != std::string_view::npos;
                        if (found) cols[c].index = named.value;
                    }
                    if (!found) {
                        auto idx = io::parse_number(column);
                        if (idx && idx.value() >= 0 && idx.value() == std::floor(idx.value()) &&
                            idx.value() < static_cast<double>(row.size())) {
                            cols[c].index = static_cast<std::size_t>(idx.value());
                            found = true;
                        }
                    }
                    if (!found) {
                        out.error = fmt::format(
                            "{}: no column '{}' (the file has {} column{}{})", path, column, row.size(),
                            row.size() == 1 ? "" : "s",
                            header ? fmt::format(": {}", fmt::to_string(fmt::join(row, ","))) : "");
                        return out;
                    }
                }
            }
            for (auto& col : cols) {
                col.has_header = header;
                col.name = header ? std::string(io::unquote(row[col.index])) : fmt::format("column {}", col.index);
            }
            if (header) continue;
        }
        for (auto& col : cols) {
            if (row.size() <= col.index) {
                out.error = fmt::format("{}:{}: the row has {} cell{}, column {} is missing", path,
                                        lines.line_number(), row.size(), row.size() == 1 ? "" : "s", col.index);
                return out;
            }
            const std::string_view cell = row[col.index];
            if (is_missing_marker(cell)) {
                col.values.push_back(std::numeric_limits<double>::quiet_NaN());
                continue;
            }
            auto v = io::parse_number(cell);
            if (!v) {
                out.error = fmt::format("{}:{}: '{}' in column '{}' is not a number ({})", path, lines.line_number(),
                                        io::unquote(cell), col.name, v.message());
                return out;
            }
            col.values.push_back(v.value());
        }
    }
    if (first) out.error = fmt::format("{}: the file is empty", path);
    return out;
}

loaded<csv_column> read_csv_column(const std::string& path, const std::string& column) {
    loaded<csv_column> out;
    auto cols = column.empty() ? read_csv_columns(path, {}) : read_csv_columns(path, std::span(&column, 1));
    out.error = std::move(cols.error);
    if (!cols.value.empty()) out.value = std::move(cols.value.front());
    return out;
}

std::string lower(std::string_view s) {
    std::string o(s);
    for (char& c : o)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return o;
}

std::string printable(std::string_view s) {
    std::string o;
    for (char c : s.substr(0, 40)) o += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (s.size() > 40) o += "...";
    return o;
}

bool is_missing_marker(std::string_view cell) {
    const std::string c = lower(io::unquote(cell));
    for (const char* m : {"", "nan", "-nan", "+nan", "na", "n/a", "null", "none", "-", "inf", "-inf", "+inf",
                          "infinity", "-infinity", "+infinity"})
        if (c == m) return true;
    return false;
}

bool is_header_row(std::span<const std::string_view> cells) {
    return std::any_of(cells.begin(), cells.end(),
                       [](std::string_view c) { return !is_missing_marker(c) && !io::parse_number(c); });
}

loaded<std::size_t> match_column(std::span<const std::string_view> header, std::string_view name,
                                 std::string (*key)(std::string_view)) {
    loaded<std::size_t> out;
    out.value = std::string_view::npos;
    const std::string_view want = io::unquote(name);
    for (std::size_t i = 0; i < header.size(); ++i)
        if (io::unquote(header[i]) == want) {
            out.value = i;
            return out;
        }
    const std::string want_key = key(want);
    std::string names;
    std::size_t matches = 0;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (key(io::unquote(header[i])) != want_key) continue;
        out.value = i;
        names += fmt::format("{}'{}'", matches == 0 ? "" : ", ", printable(io::unquote(header[i])));
        ++matches;
    }
    if (matches > 1) {
        out.value = std::string_view::npos;
        out.error = fmt::format("column '{}' is ambiguous: {} match it, none exactly (name one as written)",
                                printable(want), names);
    }
    return out;
}

loaded<std::size_t> csv_table::find(std::string_view name) const {
    auto named = match_column(header, name);
    if (!named || named.value != std::string_view::npos) return named;
    const std::size_t width = header.empty() ? (rows.empty() ? 0 : rows.front().cells.size()) : header.size();
    auto idx = io::parse_number(name);
    if (idx && idx.value() >= 0 && idx.value() == std::floor(idx.value()) && idx.value() < static_cast<double>(width))
        named.value = static_cast<std::size_t>(idx.value());
    return named;
}

std::string csv_table::describe_columns() const {
    if (header.empty())
        return fmt::format("the file has no header and {} columns",
                           rows.empty() ? std::size_t{0} : rows.front().cells.size());
    std::string names;
    for (auto h : header) names += (names.empty() ? "" : ",") + printable(h);
    return fmt::format("the file has {} column{}: {}", header.size(), header.size() == 1 ? "" : "s", names);
}

loaded<csv_table> read_csv_table(const std::string& path, bool header_required) {
    loaded<csv_table> out;
    auto file = read_file(path);
    if (!file) {
        out.error = file.error;
        return out;
    }
    csv_table& t = out.value;
    t.text = std::make_unique<std::string>(std::move(file.value));
    const std::string_view text = *t.text;
    if (text.find('\0') != std::string_view::npos) {
        const auto at = text.find('\0');
        out.error = fmt::format("{}:{}: a NUL byte: not a text (CSV) file", path,
                                1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
        return out;
    }
    t.last_line_terminated = text.empty() || text.back() == '\n';
    constexpr std::size_t max_cells = 4096;
    std::vector<std::string_view> cells(max_cells);
    io::line_cursor lines(text);
    std::string_view line;
    bool first = true;
    while (lines.next(line)) {
        if (line.size() > csv_max_line) {
            out.error = fmt::format("{}:{}: the line is {} bytes long; lines longer than {} bytes are refused", path,
                                    lines.line_number(), line.size(), csv_max_line);
            return out;
        }
        auto n = io::split_csv(line, cells);
        if (!n) {
            out.error = fmt::format("{}:{}: {}", path, lines.line_number(), n.message());
            return out;
        }
        csv_table::row r{lines.line_number(), {cells.begin(), cells.begin() + static_cast<std::ptrdiff_t>(n.value())}};
        if (first) {
            first = false;
            if (header_required || is_header_row(r.cells)) {
                for (auto c : r.cells) t.header.push_back(io::unquote(c));
                continue;
            }
        }
        t.rows.push_back(std::move(r));
    }
    if (first) out.error = fmt::format("{}: the file is empty", path);
    return out;
}

std::string data_dir() {
    const char* env = std::getenv("NERVE_DATA_DIR");
    std::string dir = env && *env ? env : "../shared/data";
    std::ifstream probe(dir + "/README.md");
    return probe ? dir : std::string{};
}

}  // namespace nerve::cli

int main(int argc, char** argv) {
    CLI::App app{"nerve — streaming analytics for sensor data (filters, spectra, anomaly and drift "
                 "detection, int8 inference, reference pipelines)",
                 "nerve"};
    app.require_subcommand(1);
    app.set_version_flag("--version", NERVE_VERSION);

    // Build the tree of subcommands. Parents of nested paths ("run" of "run patient") are made
    // once and require one of their children; a group's own registration (no setup) gives it
    // its description, whatever order the files registered in.
    std::map<std::string, CLI::App*> nodes;
    std::vector<std::pair<CLI::App*, nerve::cli::action>> actions;
    for (const auto& r : nerve::cli::registry()) {
        CLI::App* parent = &app;
        std::string key;
        for (std::size_t i = 0; i < r.path.size(); ++i) {
            key += (i ? " " : "") + r.path[i];
            auto it = nodes.find(key);
            if (it == nodes.end()) {
                CLI::App* sub = parent->add_subcommand(r.path[i]);
                it = nodes.emplace(key, sub).first;
            }
            parent = it->second;
        }
        parent->description(r.description);
        if (r.setup) actions.emplace_back(parent, r.setup(*parent));
    }
    for (auto& [key, node] : nodes)
        if (!node->get_subcommands({}).empty()) node->require_subcommand(1);

    // CLI11 would answer an unknown subcommand with "A subcommand is required"; name it instead.
    {
        std::string key;
        for (int i = 1; i < argc && argv[i][0] != '-'; ++i) {
            const std::string next = key + (key.empty() ? "" : " ") + argv[i];
            if (nodes.find(next) != nodes.end()) {
                key = next;
                continue;
            }
            const bool group = key.empty() || !nodes.at(key)->get_subcommands({}).empty();
            if (group)
                return nerve::cli::fail("unknown subcommand '{}' (see nerve {}--help)", next, key.empty() ? "" : key + " ");
            break;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    for (auto& [sub, act] : actions) {
        if (!sub->parsed()) continue;
        try {
            return act();
        } catch (const std::exception& e) {
            return nerve::cli::fail("{}", e.what());
        }
    }
    return nerve::cli::fail("no subcommand given (see nerve --help)");
}
