// examples/cli/cli.hpp — the frame of the `nerve` command-line tool (hosted targets: x86-64 and aarch64 Linux).
//
// Every subcommand is one file, cmd_<name>.cpp, that registers itself at start-up:
//
//     const bool registered = nerve::cli::add_command("drift", "Detect change points ...",
//         [](CLI::App& app) -> nerve::cli::action {
//             auto o = std::make_shared<options>();
//             app.add_option("--input", o->input, "CSV file")->required();
//             return [o] { return run(*o); };
//         });
//
// The file's own names (options, run, registered, helpers) live in `namespace { namespace
// cmd_<name> { ... } }`: internal linkage, and no clash when the unity build compiles several
// cmd files as one source (examples/cli/CMakeLists.txt).
//
// A path with a space ("run patient") nests: `nerve run patient ...`. Subcommands read input,
// push it through library operators and print through fmt; analytics live in include/nerve/.
// What a subcommand returns is the process exit code. Errors go to stderr through fail().
#pragma once

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nerve::cli {

/// What runs when the subcommand was chosen; returns the exit code.
using action = std::function<int()>;
/// Adds the subcommand's options to `app` and returns its action.
using setup_function = action (*)(CLI::App& app);

/// Registers a subcommand (call from a namespace-scope initialiser). `path` is one name or
/// space-separated names for nested subcommands. A null `setup` registers a group (such as
/// "run") that only holds subcommands. Returns true so it can initialise a constant.
bool add_command(std::string path, std::string description, setup_function setup);

/// Prints "nerve: <message>" to stderr and returns 1, the exit code for a failed run.
template <class... Args>
int fail(fmt::format_string<Args...> format, Args&&... args) {
    fmt::print(stderr, "nerve: {}\n", fmt::format(format, std::forward<Args>(args)...));
    return 1;
}

/// A value read from a file, or why it could not be read (`error` non-empty).
template <class T>
struct loaded {
    T value{};
    std::string error;
    explicit operator bool() const { return error.empty(); }
};

/// The whole file as bytes. Errors name the path and the system's reason.
loaded<std::string> read_file(const std::string& path);

/// One numeric column of a CSV file.
struct csv_column {
    std::string name;            // the header cell, or "column <i>" when the file has no header
    std::size_t index = 0;       // 0-based column position
    std::vector<double> values;  // one per data row; a missing cell (is_missing_marker) is NaN
    bool has_header = false;     // the first line was a header (is_header_row)
};

/// Reads column `column` of a CSV file: a header name (match_column's rule) or a 0-based index;
/// empty selects the last column (the value column of `timestamp,value` files). A header row is
/// optional; blank lines are skipped; a missing-value marker (is_missing_marker: empty, NaN, NA,
/// N/A, null, "-", Inf) is a missing value (NaN). A row with too few
/// cells or a cell that is not a number gives an error naming the line.
loaded<csv_column> read_csv_column(const std::string& path, const std::string& column = {});

/// The --input (an existing CSV file) and --column (read_csv_column's name or index) options of a
/// command that reads one numeric column.
void add_column_options(CLI::App& app, std::string& input, std::string& column);

/// Several columns of a CSV file in one pass, in the order asked, with read_csv_column's rules
/// and messages; an empty `columns` selects the last `last` columns (an error names both counts
/// when the file has fewer).
loaded<std::vector<csv_column>> read_csv_columns(const std::string& path, std::span<const std::string> columns,
                                                 std::size_t last = 1);

/// A CSV file split into rows of cells, for readers with rules of their own about what a cell
/// may hold (a missing reading, a letter code): read_csv_table checks only the file's shape.
struct csv_table {
    struct row {
        std::size_t line = 0;                    // 1-based line number in the file (blank lines count)
        std::vector<std::string_view> cells;     // views into *text, as in the file (io::unquote them)
    };
    std::unique_ptr<std::string> text;           // the file (the views point into it; it does not move)
    std::vector<std::string_view> header;        // the header's cells, unquoted; empty without a header
    std::vector<row> rows;                       // the data rows
    bool last_line_terminated = true;            // false: the file ends inside its last line (cut short?)

    /// The column called `name` (match_column's rule) or, failing that, a 0-based index; npos when
    /// neither; an error when the name is ambiguous.
    loaded<std::size_t> find(std::string_view name) const;
    /// "the file has N columns: a,b,c" for messages about a column that is not there.
    std::string describe_columns() const;
};

/// The longest line read_csv_table accepts, in bytes (a row of readings is far shorter; a longer
/// line is a wrong or hostile file, refused before it is split).
inline constexpr std::size_t csv_max_line = 1u << 20;

/// Reads a CSV file into a csv_table. The first non-blank line is a header when is_header_row says
/// so (`header_required`: always). Errors, each naming the file and line:
/// unreadable or empty file, a line longer than csv_max_line, more than 4096 cells, an
/// unterminated quote, bytes that are not text (NUL).
loaded<csv_table> read_csv_table(const std::string& path, bool header_required = false);

/// True for the cells a data export writes for a missing value: empty, NaN, NA, N/A, null, none,
/// "-", and +-Inf / infinity (ASCII case ignored). The one rule of every command's CSV reader.
bool is_missing_marker(std::string_view cell);
/// The same list for --help texts, so every command names the markers is_missing_marker takes.
inline constexpr const char* missing_markers_help = "empty, NaN, NA, N/A, null, none, '-' or +-Inf";

/// True when a file's first row is a header: some cell in it is neither a missing-value marker
/// nor a number (a headerless file may start with NaN or an empty cell). The one rule of
/// read_csv_columns and read_csv_table.
bool is_header_row(std::span<const std::string_view> cells);

/// ASCII lower case (for column names and codes given in any case).
std::string lower(std::string_view s);

/// The one rule for naming a column, for every command (read_csv_columns, csv_table::find): the
/// header cell equal to `name` wins; failing that, the one cell equal to it ignoring ASCII case;
/// several such cells and none equal is an error naming them (a command never guesses between
/// columns). Cells and name are compared unquoted. `key` is the looser equality (lower: ASCII case;
/// nerve run vitals passes its own, which also takes spaces and '-' for '_'). Returns the cell's
/// index, npos when no cell matches.
loaded<std::size_t> match_column(std::span<const std::string_view> header, std::string_view name,
                                 std::string (*key)(std::string_view) = lower);

/// A cell for a message: at most 40 bytes, control and non-ASCII bytes as '?'.
std::string printable(std::string_view s);

/// Where the evaluation data lives: $NERVE_DATA_DIR, else ../shared/data (from the working
/// directory, which is the project root for tools/demo.sh). Empty when that folder is absent.
std::string data_dir();

}  // namespace nerve::cli
