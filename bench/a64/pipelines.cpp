// a64_pipelines: the maintenance reference pipeline's kernels for exact aarch64 instruction
// counts and Cortex-A72 cycle models (tools/a64_icount.py; see bench/a64/filters.cpp for the
// protocol), on bearing_monitor<4, 1024, 256> at 25.6 kHz (nerve_bench's pipeline/maintenance/4)
// fed 4096-sample calls of the same synthetic outer-race vibration. Items = input samples.
//   a64_maintenance4        one call in the steady state: it ends no analysis frame, so frame
//                           ends are not in its figure;
//   a64_maintenance4_frame  one analysis frame period of calls (segments_per_frame x EnvN / 2 x
//                           the monitor's decimation samples), so exactly one frame end and
//                           every envelope and raw spectrum of a frame are in it: the figure to
//                           compare with x86's pipeline/maintenance, where they are amortised.
// No argument: 16 s of the vibration through a monitor, which must diagnose the outer race (the
// ctest). Modelled Cortex-A72 (tools/a64_icount.py): 77.3 / 86.5 instructions a sample, 104.1 /
// 116.7 with stop 36's vibration severity; stop 56 (its velocity through the state-variable
// form's time-segment engine) 92.9 / 104.3 instructions, 72.8 / 81.6 cycles a sample
// (docs/performance.md, "aarch64 gateways").
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

// Input samples from one analysis frame end to the next, in whole calls.
std::size_t frame_period() {
    const std::size_t n = np::bearing_monitor_config{}.segments_per_frame * (monitor4::env_bins - 1) * monitor->decimation();
    return (n + chunk - 1) / chunk * chunk;
}
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

[[gnu::noinline]] void a64_maintenance4_frame() {
    for (std::size_t n = 0; n < frame_period(); n += chunk) a64_maintenance4();
}
}

int main(int argc, char** argv) {
    (void)nerve_bench::vibration();  // built before any counted call
    monitor = make_monitor();
    if (argc == 2 && std::strcmp(argv[1], "info") == 0) {
        std::printf("kernel a64_maintenance4 %zu 0\n", chunk);
        std::printf("kernel a64_maintenance4_frame %zu 0\n", frame_period());
        return 0;
    }
    if (argc == 2) {
        void (*kernel)() = std::strcmp(argv[1], "a64_maintenance4") == 0         ? a64_maintenance4
                           : std::strcmp(argv[1], "a64_maintenance4_frame") == 0 ? a64_maintenance4_frame
                                                                                 : nullptr;
        if (kernel == nullptr) {
            std::printf("a64_pipelines: no kernel '%s' (try: info)\n", argv[1]);
            return 2;
        }
        kernel();
        kernel();
        return 0;
    }
    for (std::size_t n = 0; n + chunk <= nerve_bench::vibration().size(); n += chunk) a64_maintenance4();
    const bool ok = frames > 0 && outer_race_frames == frames;
    std::printf("a64_pipelines: %zu analysis frames, %zu diagnosed outer race: %s\n", frames, outer_race_frames,
                ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
