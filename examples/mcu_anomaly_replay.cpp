// mcu_anomaly_replay.cpp — `nerve nab`'s default detector on the Cortex-M4: one NAB series
// (timestamp,value CSV) read through semihosting, streamed through nerve::anomaly::nab_default
// told NAB's probationary period, written as NAB's results file (timestamp,value,anomaly_score,
// the first two cells copied as they were):
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_anomaly_replay.elf IN.csv OUT.csv
//
// tools/mcu_nerve.sh runs it on every file of a NAB folder for `nab --data D --out O`, so
// ../shared/tools/nab_score.py scores the target itself (mcu/replay_scoreboard_nab in the
// cortex-m4 preset). The rules are the tool's
// (examples/cli/cmd_nab.cpp): a header when the first row's value cell is neither a number nor a
// missing marker; a missing value is NaN to the detector (scored 0); a probation of
// min(floor(0.15 rows), 750) rows, so the file is read twice (rows counted first). Scores print
// in the fewest digits that read back as the same float, as fmt's "{}" prints them.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <string_view>

#include "mcu_replay_io.hpp"
#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/io/csv.hpp"

namespace {

namespace io = nerve::io;
using nerve_examples::is_missing_marker;
using detector_t = nerve::anomaly::nab_default;

alignas(detector_t) unsigned char detector_storage[sizeof(detector_t)];
char in_buf[8192];
char out_buf[4096];
std::array<std::string_view, 16> cells;

int fail(const char* what, const char* detail) { return nerve_examples::fail("mcu_anomaly_replay", what, detail); }

/// `v` in the fewest significant digits (1-9) that read back as the same float, in %g's form.
void shortest(char (&s)[32], float v) {
    for (int digits = 1; digits <= 9; ++digits) {
        std::snprintf(s, sizeof s, "%.*g", digits, static_cast<double>(v));
        if (std::strtof(s, nullptr) == v) return;
    }
}

/// One pass over the series: on_row(timestamp cell, value cell, x) per data row; an error or null.
template <class OnRow>
const char* for_each_row(int fd, OnRow&& on_row) {
    std::size_t t_col = 0, v_col = 1;
    bool first = true;
    const char* error = nullptr;
    const bool ok = nerve_examples::for_each_line(fd, in_buf, sizeof in_buf, [&](std::string_view line) {
        const auto n = io::split_csv(line, cells);
        if (!n) return (error = "a line that is not CSV"), false;
        if (first) {
            first = false;
            const std::string_view probe = cells[n.value() >= 2 ? 1 : 0];
            if (!io::parse_number(probe) && !is_missing_marker(probe)) {
                for (std::size_t i = 0; i < n.value(); ++i) {
                    if (io::unquote(cells[i]) == "timestamp") t_col = i;
                    if (io::unquote(cells[i]) == "value") v_col = i;
                }
                return true;
            }
        }
        if (n.value() <= (t_col > v_col ? t_col : v_col)) return (error = "a row without timestamp,value"), false;
        float x = std::numeric_limits<float>::quiet_NaN();
        if (!is_missing_marker(cells[v_col])) {
            const auto v = io::parse_number(cells[v_col]);
            if (!v) return (error = "a value that is not a number"), false;
            x = static_cast<float>(v.value());
        }
        on_row(cells[t_col], cells[v_col], x);
        return true;
    });
    return ok ? error : "a line longer than 8 KB";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::printf("usage: mcu_anomaly_replay IN.csv OUT.csv\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) return fail("cannot open ", argv[1]);
    std::size_t rows = 0;
    const char* error = for_each_row(fd, [&](std::string_view, std::string_view, float) { ++rows; });
    close(fd);
    if (error) return fail(error, "");

    nerve::anomaly::conformal_ensemble_config c;
    c.probation = static_cast<std::uint32_t>(rows * 15 / 100 < 750 ? rows * 15 / 100 : 750);
    auto* detector = ::new (detector_storage) detector_t(c);
    const int out_fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0) return fail("cannot write ", argv[2]);
    nerve_examples::buffered_output out(out_fd, out_buf, sizeof out_buf);
    out.write_text("timestamp,value,anomaly_score\n");
    fd = open(argv[1], O_RDONLY);
    if (fd < 0) return fail("cannot open ", argv[1]);
    std::size_t missing = 0;
    char score[32];
    error = for_each_row(fd, [&](std::string_view t, std::string_view v, float x) {
        if (!(x == x)) ++missing;
        shortest(score, (*detector)(x).score);
        out.write_text(t);
        out.write_text(",");
        out.write_text(v);
        out.print(",%s\n", score);
    });
    close(fd);
    if (error) return fail(error, "");
    const bool written = out.finish();
    if (close(out_fd) != 0 || !written) return fail("writing failed: ", argv[2]);
    std::printf("mcu_anomaly_replay: %lu rows (%lu missing values scored 0), probation %lu\n",
                static_cast<unsigned long>(rows), static_cast<unsigned long>(missing),
                static_cast<unsigned long>(c.probation));
    return 0;
}
