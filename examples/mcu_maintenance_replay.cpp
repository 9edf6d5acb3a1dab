// mcu_maintenance_replay.cpp — the one-axis maintenance firmware's monitor (examples/mcu_maintenance.cpp:
// bearing_monitor<2, 1024, 128, 8, false, bfloat16>, SKF 6205) on a recorded vibration file, read
// through semihosting on the Cortex-M4 under qemu:
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_maintenance_replay.elf
//       FILE.f32 FS_HZ RPM [EXPECTED]
//
// FILE holds little-endian float32 samples (the CWRU files of ../shared/data/cwru). The program
// feeds them in blocks of 256, as a DMA buffer would arrive, and prints one JSON line with the
// whole-run verdict and its evidence. With EXPECTED (normal, outer_race, inner_race, ball or
// anomaly) it exits 0 only when the verdict is that one: the cortex-m4 preset runs it so on one
// record of each kind (tests mcu/replay_*; skipped without the data), which checks on the target
// itself that the firmware diagnoses real recordings as the host build of the same monitor does
// (examples/maintenance_mcu_eval.cpp, column 1ax-fw). tools/mcu_cwru_replay.py runs every record
// both ways and compares; tools/mcu_nerve.sh runs it for `run maintenance`, so the scoreboard's
// CWRU row can score the target.
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
using monitor_t = np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>;

alignas(monitor_t) unsigned char monitor_storage[sizeof(monitor_t)];
float block[256];

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::printf("usage: mcu_maintenance_replay FILE.f32 FS_HZ RPM [EXPECTED]\n");
        return 2;
    }
    np::bearing_monitor_config c;
    c.fs_hz = std::strtod(argv[2], nullptr);
    c.shaft_hz = std::strtod(argv[3], nullptr) / 60.0;
    c.geometry = np::bearings::skf6205;
    if (!(c.fs_hz > 0) || !(c.shaft_hz > 0)) {
        std::printf("mcu_maintenance_replay: FS_HZ and RPM must be positive\n");
        return 2;
    }
    const int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        std::printf("mcu_maintenance_replay: cannot open %s\n", argv[1]);
        return 2;
    }
    auto* monitor = ::new (monitor_storage) monitor_t(c);
    unsigned long samples = 0, frames = 0;
    for (;;) {
        const std::size_t got = nerve_examples::read_full(fd, block, sizeof block);
        const std::size_t n = got / sizeof(float);
        if (n == 0) break;
        monitor->process(std::span<const float>{block, n}, [&](const monitor_t::output_type&) { ++frames; });
        samples += n;
        if (got < sizeof block) break;
    }
    close(fd);
    const np::bearing_summary s = monitor->summary();
    const char* diagnosis = np::name(s.verdict.diagnosis);
    // newlib-nano prints no floats: the evidence in thousandths.
    const auto milli = [](double v) { return static_cast<long>(v * 1000.0 + (v < 0 ? -0.5 : 0.5)); };
    std::printf("{\"file\":\"%s\",\"samples\":%lu,\"frames\":%lu,\"diagnosis\":\"%s\",\"outer_milli\":%ld,"
                "\"inner_milli\":%ld,\"ball_milli\":%ld,\"kurtosis_milli\":%ld}\n",
                argv[1], samples, frames, diagnosis, milli(s.evidence.outer), milli(s.evidence.inner),
                milli(s.evidence.ball), milli(s.kurtosis));
    if (argc > 4) return std::strcmp(diagnosis, argv[4]) == 0 ? 0 : 1;
    return 0;
}
