// a64_pipelines: the maintenance reference pipeline's kernel for exact aarch64 instruction
// counts and Cortex-A72 cycle models (tools/a64_icount.py; see bench/a64/filters.cpp for the
// protocol). a64_maintenance4 is nerve_bench's pipeline/maintenance/4: bearing_monitor<4, 1024,
// 256> at 25.6 kHz, one 4096-sample call of the same synthetic outer-race vibration per run, in
// the steady state (the counted second call ends no analysis frame, so frame ends are not in
// the figure; on x86 they are amortised into pipeline/maintenance). Items = input samples.
// No argument: 16 s of the vibration through a monitor, which must diagnose the outer race (the
// ctest).
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>

#include "../vibration_signal.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace {
namespace np = nerve::pipelines;
using monitor4 = np::bearing_monitor<4, 1024, 256>;
constexpr std::size_t chunk = 4096;

std::unique_ptr<monitor4> make_monitor() {
    np::bearing_monitor_config c;
    c.fs_hz = nerve_bench::vibration_fs;
    c.shaft_hz = nerve_bench::vibration_shaft_hz;
    return std::make_unique<monitor4>(c);
}
std::unique_ptr<monitor4> monitor;
std::size_t pos = 0, outer_race_frames = 0, frames = 0;
}  // namespace

extern "C" {
[[gnu::noinline]] void a64_maintenance4() {
    const auto& x = nerve_bench::vibration();
    monitor->process(std::span<const float>(x.data() + pos, chunk), [](const monitor4::output_type& f) {
        ++frames;
        outer_race_frames += f.verdict.diagnosis == np::bearing_diagnosis::outer_race;
    });
    pos += chunk;
    if (pos + chunk > x.size()) pos = 0;
}
}

int main(int argc, char** argv) {
    (void)nerve_bench::vibration();  // built before any counted call
    monitor = make_monitor();
    if (argc == 2 && std::strcmp(argv[1], "info") == 0) {
        std::printf("kernel a64_maintenance4 %zu 0\n", chunk);
        return 0;
    }
    if (argc == 2) {
        if (std::strcmp(argv[1], "a64_maintenance4") != 0) {
            std::printf("a64_pipelines: no kernel '%s' (try: info)\n", argv[1]);
            return 2;
        }
        a64_maintenance4();
        a64_maintenance4();
        return 0;
    }
    for (std::size_t n = 0; n + chunk <= nerve_bench::vibration().size(); n += chunk) a64_maintenance4();
    const bool ok = frames > 0 && outer_race_frames == frames;
    std::printf("a64_pipelines: %zu analysis frames, %zu diagnosed outer race: %s\n", frames, outer_race_frames,
                ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
