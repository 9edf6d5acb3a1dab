// mcu_maintenance_replay.cpp — the bearing monitor on a recorded vibration file, read through
// semihosting on the Cortex-M4 under qemu: by default the one-axis firmware's monitor
// (examples/mcu_maintenance.cpp: bearing_monitor<2, 1024, 128, 8, false, bfloat16>, 32 KB), with
// --tool-monitor the one `nerve run maintenance` runs (bearing_monitor<4, 1024, 256>, four
// demodulation bands, float frames); SKF 6205 and the default configuration either way:
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_maintenance_replay.elf
//       [--tool-monitor] FILE.f32 FS_HZ RPM [EXPECTED]
//
// FILE holds little-endian float32 samples (the CWRU files of ../shared/data/cwru). The program
// feeds them in blocks of 256, as a DMA buffer would arrive, and prints one JSON line with the
// whole-run verdict and its evidence. With EXPECTED (normal, outer_race, inner_race, ball or
// anomaly) it exits 0 only when the verdict is that one: the cortex-m4 preset runs the firmware's
// monitor so on one record of each kind (tests mcu/replay_*; skipped without the data).
// tools/mcu_cwru_replay.py runs the firmware's monitor on every record beside its host build
// (examples/maintenance_mcu_eval.cpp, column 1ax-fw) and compares; tools/mcu_nerve.sh runs the
// tool's monitor for `run maintenance`, so the scoreboard's CWRU row scores the target with the
// tool's own analysis.
//
// The monitor is constructed at run time in static storage (the record's rate and speed are only
// known then); the file is read with semihosting's open/read (newlib's librdimon), no heap.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "mcu_replay_io.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace {

namespace np = nerve::pipelines;
using firmware_t = np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>;  // examples/mcu_maintenance.cpp
using tool_t = np::bearing_monitor<4, 1024, 256>;  // `nerve run maintenance` (cmd_run_maintenance.cpp)

constexpr std::size_t storage_n = sizeof(firmware_t) > sizeof(tool_t) ? sizeof(firmware_t) : sizeof(tool_t);
alignas(firmware_t) alignas(tool_t) unsigned char monitor_storage[storage_n];
float block[256];

int fail(const char* what, const char* detail) { return nerve_examples::fail("mcu_maintenance_replay", what, detail); }

/// The recording through a monitor of type M, in blocks of 256; the whole-run summary.
template <class M>
np::bearing_summary replay(int fd, const np::bearing_monitor_config& c, unsigned long& samples, unsigned long& frames) {
    auto* monitor = ::new (monitor_storage) M(c);
    for (;;) {
        const std::size_t got = nerve_examples::read_full(fd, block, sizeof block);
        const std::size_t n = got / sizeof(float);
        if (n == 0) break;
        monitor->process(std::span<const float>{block, n}, [&](const typename M::output_type&) { ++frames; });
        samples += n;
        if (got < sizeof block) break;
    }
    return monitor->summary();
}

}  // namespace

int main(int argc, char** argv) {
    const bool tool = argc > 1 && std::strcmp(argv[1], "--tool-monitor") == 0;
    if (tool) {
        --argc;
        ++argv;
    }
    if (argc < 4) {
        std::printf("usage: mcu_maintenance_replay [--tool-monitor] FILE.f32 FS_HZ RPM [EXPECTED]\n");
        return 2;
    }
    np::bearing_monitor_config c;
    c.fs_hz = std::strtod(argv[2], nullptr);
    c.shaft_hz = std::strtod(argv[3], nullptr) / 60.0;
    c.geometry = np::bearings::skf6205;
    if (!(c.fs_hz > 0) || !(c.shaft_hz > 0)) return fail("FS_HZ and RPM must be positive", "");
    const int fd = open(argv[1], O_RDONLY);
    if (fd < 0) return fail("cannot open ", argv[1]);
    unsigned long samples = 0, frames = 0;
    const np::bearing_summary s =
        tool ? replay<tool_t>(fd, c, samples, frames) : replay<firmware_t>(fd, c, samples, frames);
    close(fd);
    const char* diagnosis = np::name(s.verdict.diagnosis);
    // The evidence in thousandths (integers print alike with every newlib).
    const auto milli = [](double v) { return static_cast<long>(v * 1000.0 + (v < 0 ? -0.5 : 0.5)); };
    std::printf("{\"file\":\"%s\",\"monitor\":\"%s\",\"samples\":%lu,\"frames\":%lu,\"diagnosis\":\"%s\",\"outer_milli\":%ld,"
                "\"inner_milli\":%ld,\"ball_milli\":%ld,\"kurtosis_milli\":%ld}\n",
                argv[1], tool ? "tool" : "firmware", samples, frames, diagnosis, milli(s.evidence.outer),
                milli(s.evidence.inner), milli(s.evidence.ball), milli(s.kurtosis));
    if (argc > 4) return std::strcmp(diagnosis, argv[4]) == 0 ? 0 : 1;
    return 0;
}
