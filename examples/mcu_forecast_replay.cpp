// mcu_forecast_replay.cpp — `nerve forecast`'s default model on the Cortex-M4: one CSV column read
// through semihosting, fed to seasonal_forecaster<4096> (double) as the tool feeds it, writing
// `index,forecast` (row t: the forecast of row t + H made with rows <= t) to OUTPUT:
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_forecast_replay.elf
//       INPUT.csv COLUMN HORIZON OUTPUT.csv [READINGS_PER_DAY]
//
// COLUMN is a header name (exactly as written) or a 0-based index; missing cells (empty, NaN, NA,
// N/A, null, none, -, Inf in any case) reach the model as NaN, as in the tool. Readings per day
// are an argument (default 24, hourly) where the tool reads them from the first rows' date-times.
// ../shared/tools/ett_eval.py scores the target itself through tools/mcu_nerve.sh, which stands in
// for the tool (`forecast --input F --column C --horizon H --output O` runs this program under
// qemu); the cortex-m4 preset does so on ETTh2's OT column (mcu/replay_scoreboard_ett, skipped
// without the data). On ETTh2 the output file is byte for byte the x86 tool's.
//
// The file is read in 8 KB runs, line by line, the output collected in 4 KB (mcu_replay_io.hpp).
// No heap: the forecaster and the buffers are static. Full newlib (the "%.6g" of the tool's
// "{:.6g}").
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <new>
#include <span>
#include <string_view>

#include "mcu_replay_io.hpp"
#include "nerve/io/csv.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"

namespace {

namespace io = nerve::io;
using nerve_examples::is_missing_marker;
using forecaster = nerve::pipelines::seasonal_forecaster<4096>;  // the tool's `capacity`

alignas(forecaster) unsigned char model_storage[sizeof(forecaster)];
char in_buf[8192];
char out_buf[4096];
std::array<std::string_view, 64> cells;

int fail(const char* what, const char* detail) { return nerve_examples::fail("mcu_forecast_replay", what, detail); }

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) {
        std::printf("usage: mcu_forecast_replay INPUT.csv COLUMN HORIZON OUTPUT.csv [READINGS_PER_DAY]\n");
        return 2;
    }
    const std::string_view column = argv[2];
    const auto horizon = static_cast<std::size_t>(std::strtoul(argv[3], nullptr, 10));
    const auto day = argc > 5 ? static_cast<std::size_t>(std::strtoul(argv[5], nullptr, 10)) : std::size_t{24};
    if (horizon < 1 || horizon > 1000) return fail("HORIZON must be 1..1000 rows", "");
    if (day < 8 || 8 * day + horizon + 1 > 4096) return fail("READINGS_PER_DAY out of range", "");
    const int in_fd = open(argv[1], O_RDONLY);
    if (in_fd < 0) return fail("cannot open ", argv[1]);
    const int out_fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out_fd < 0) return fail("cannot write ", argv[4]);

    nerve::pipelines::seasonal_forecaster_config cfg;
    cfg.day = day;
    cfg.horizon = horizon;
    auto* model = ::new (model_storage) forecaster(cfg);
    nerve_examples::buffered_output out(out_fd, out_buf, sizeof out_buf);
    out.write_text("index,forecast\n");

    std::size_t index = std::string_view::npos, rows = 0;
    bool first = true;
    const char* error = nullptr;
    const bool read_ok = nerve_examples::for_each_line(in_fd, in_buf, sizeof in_buf, [&](std::string_view line) {
        const auto n = io::split_csv(line, cells);
        if (!n) return (error = "a line that is not CSV"), false;
        const std::span<const std::string_view> row(cells.data(), n.value());
        if (first) {
            first = false;
            bool header = false;
            for (const auto c : row) header = header || (!is_missing_marker(c) && !io::parse_number(c));
            for (std::size_t i = 0; header && i < row.size() && index == std::string_view::npos; ++i)
                if (io::unquote(row[i]) == column) index = i;
            if (index == std::string_view::npos) {
                const auto k = io::parse_number(column);
                if (k && k.value() >= 0 && k.value() == std::floor(k.value()) && k.value() < static_cast<double>(row.size()))
                    index = static_cast<std::size_t>(k.value());
            }
            if (index == std::string_view::npos) return (error = "no such column"), false;
            if (header) return true;
        }
        if (row.size() <= index) return (error = "a row without the column"), false;
        double y = std::numeric_limits<double>::quiet_NaN();
        if (!is_missing_marker(row[index])) {
            const auto v = io::parse_number(row[index]);
            if (!v) return (error = "a cell of the column that is not a number"), false;
            y = v.value();
        }
        out.print("%lu,%.6g\n", static_cast<unsigned long>(rows), model->update(y));
        ++rows;
        return true;
    });
    close(in_fd);
    if (!read_ok) return fail("a line longer than 8 KB in ", argv[1]);
    if (error) return fail(error, "");
    const bool written = out.finish();
    if (close(out_fd) != 0 || !written) return fail("writing failed: ", argv[4]);
    std::printf("mcu_forecast_replay: %lu rows, %lu readings per day, horizon %lu, %lu missing values filled\n",
                static_cast<unsigned long>(rows), static_cast<unsigned long>(day), static_cast<unsigned long>(horizon),
                static_cast<unsigned long>(model->rejected()));
    return 0;
}
