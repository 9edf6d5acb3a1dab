// bench/mcu/pipeline_maintenance.cpp — Cortex-M4 cost of the bearing-monitor reference pipeline
// (nerve::pipelines::bearing_monitor<2, 1024, 128, 8, false, bfloat16>, 25.6 kHz, the mcu_maintenance
// configuration; the <2, 512, 128> float monitor before it).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_maintenance_run):
//   nerve_maintenance_run   process() over kChunk samples. main() calls it kCalls times over
//                           kCalls * kChunk = 95 744 samples, which include 10 envelope spectra
//                           per band (1024 points), 93 raw spectra and two analysis frame ends
//                           (diagnosis; 4 segments per frame), so the sum over the calls / 95 744
//                           is the amortised cost per input sample (slightly low: the first
//                           segment fills 1024 envelope samples, the others 512; 11 spectra per
//                           band would be the steady state). It includes the shaft-speed stream
//                           (boxcar, low-pass, decimation to 215 Hz, speed search at frame ends) but
//                           no shaft spectrum: one 1024-point transform every 60 928 samples
//                           (2.4 s at 25.6 kHz; like an envelope transform), ~1 more instruction
//                           per sample amortised. 124.3 instructions (227.0 modelled cycles) per
//                           sample; over the calls after the first spectrum 127.6 (231.6). The
//                           <2, 512, 128> float monitor over 47 872 samples (the same spectra and
//                           frame ends) counted 127.1 (231.5); after its first spectrum 131.3 (237.3).
//                           136.5 -> 147.7 instructions per sample with the speed refinement; 127.1 with per-band block-path
//                           band-passes and 64-sample internal blocks. Stop 28: 125.6 (228.5)
//                           at the commit before it, 125.1 (227.2) after (the shaft low-pass
//                           stays per sample on 64-sample blocks: through the block path, 126.9).
//                           Stop 36, with the ISO 10816 vibration severity (the state-variable
//                           integrator, mean square and peak): 158.5 (289.1); with
//                           Al-Alaoui's 1/s (stop 37): 159.5 (292.2).
// The monitor lives in .bss (arm-none-eabi-size shows its RAM); sizeof is printed.
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace {
namespace np = nerve::pipelines;
using monitor_t = np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>;
constexpr unsigned kChunk = 2176, kCalls = 44;

np::bearing_monitor_config config() {
    np::bearing_monitor_config c;
    c.fs_hz = 25600.0;
    c.shaft_hz = 25.0;
    c.segments_per_frame = 4;  // frame ends inside the measured stretch
    return c;
}
monitor_t g_m{config()};
// The RAM of each further axis on the same part: a state-only monitor (ExternalScratch) that
// shares one bearing_scratch with the others (bench/hw_report.py's "RAM per unit").
using state_only_t = np::bearing_monitor<2, 1024, 128, 8, true, np::bfloat16>;
state_only_t g_state{config()};
float g_x[kChunk];
unsigned g_frames = 0;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_maintenance_run(const float* x, unsigned n) {
    g_m.process(std::span<const float>(x, n), [](const monitor_t::output_type&) { ++g_frames; });
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    float acc = 0;
    for (unsigned call = 0; call < kCalls; ++call) {
        for (auto& v : g_x) v = noise.symmetric();
        nerve_maintenance_run(g_x, kChunk);
        acc += g_x[0];
    }
    std::printf("pipeline_maintenance: sizeof(bearing_monitor<2,1024,128,8,false,bfloat16>) = %u bytes, %u samples, %u frames (%d)\n",
                static_cast<unsigned>(sizeof(g_m)), kChunk * kCalls, g_frames, static_cast<int>(acc));
    std::printf("pipeline_maintenance: a further axis sharing the scratch: %u bytes (%u samples seen)\n",
                static_cast<unsigned>(sizeof(g_state)), static_cast<unsigned>(g_state.samples()));
    return g_frames == 2 ? 0 : 1;
}
