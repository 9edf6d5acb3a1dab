// examples/cli/cli.hpp — the frame of the `nerve` command-line tool (hosts only).
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
    std::vector<double> values;  // one per data row; a missing (empty) cell is NaN
    bool has_header = false;     // the first line was a header (any cell in it not a number)
};

/// Reads column `column` of a CSV file: a header name or a 0-based index; empty selects the
/// last column (the value column of `timestamp,value` files). A header row is optional; blank
/// lines are skipped; an empty cell is a missing value (NaN). A row with too few cells or a cell
/// that is not a number gives an error naming the line.
loaded<csv_column> read_csv_column(const std::string& path, const std::string& column = {});

/// Several columns of a CSV file in one pass, in the order asked, with read_csv_column's rules
/// and messages; an empty `columns` selects the last `last` columns (an error names both counts
/// when the file has fewer).
loaded<std::vector<csv_column>> read_csv_columns(const std::string& path, std::span<const std::string> columns,
                                                 std::size_t last = 1);

/// Where the evaluation data lives: $NERVE_DATA_DIR, else ../shared/data (from the working
/// directory, which is the project root for tools/demo.sh). Empty when that folder is absent.
std::string data_dir();

}  // namespace nerve::cli
