// bench/mcu/pipeline_maintenance_3axis.cpp — Cortex-M4 cost of the three-axis bearing monitor
// (nerve::pipelines::multi_axis_bearing_monitor<3, bearing_monitor<2, 384, 64, 8, false, bfloat16>>,
// 25.6 kHz, the mcu_maintenance_3axis configuration: ~750 Hz envelope rate, one analysis scratch
// for the axes).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_maintenance_3axis_run):
//   nerve_maintenance_3axis_run   process_interleaved() over kChunk x y z instants. main() calls
//                                 it kCalls times over kCalls * kChunk = 60 928 instants
//                                 (182 784 axis-samples), which include, per axis, 8 envelope
//                                 spectra per band (384 points), 2 shaft spectra, 119 raw spectra
//                                 and one analysis frame end (diagnosis, then the fusion over the
//                                 axes), so the sum over the calls / 182 784 is the amortised cost
//                                 per sample per channel. It includes the deinterleave
//                                 (process_interleaved copies 64-instant chunks into one buffer per
//                                 axis). 111.9 instructions (209.2 modelled cycles) per sample
//                                 per channel; the <2, 256, 64> float axes before (47 872 instants,
//                                 10 envelope spectra per band, one frame end) 111.8 (208.8).
//                                 Stop 36, with each axis's vibration severity: 145.5 (271.3);
//                                 with Al-Alaoui's 1/s (stop 37): 146.6 (274.4).
// The monitor lives in .bss; sizeof is printed (the example's static RAM is the RAM figure: this
// program also holds the 26 KB input block).
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"

namespace {
namespace np = nerve::pipelines;
using monitor_t = np::multi_axis_bearing_monitor<3, np::bearing_monitor<2, 384, 64, 8, false, np::bfloat16>>;
constexpr unsigned kChunk = 2176, kCalls = 28;

np::bearing_monitor_config config() {
    np::bearing_monitor_config c;
    c.fs_hz = 25600.0;
    c.shaft_hz = 25.0;
    c.envelope_rate_hz = 750.0;
    return c;
}
monitor_t g_m{config()};
float g_x[3 * kChunk];
unsigned g_frames = 0;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_maintenance_3axis_run(const float* xyz, unsigned instants) {
    g_m.process_interleaved(std::span<const float>(xyz, 3 * instants), [](const monitor_t::output_type&) { ++g_frames; });
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    float acc = 0;
    for (unsigned call = 0; call < kCalls; ++call) {
        for (auto& v : g_x) v = noise.symmetric();
        nerve_maintenance_3axis_run(g_x, kChunk);
        acc += g_x[0];
    }
    std::printf("pipeline_maintenance_3axis: sizeof(multi_axis_bearing_monitor<3, bearing_monitor<2,384,64,8,false,bfloat16>>) = %u "
                "bytes, %u instants x 3 axes, %u frames (%d)\n",
                static_cast<unsigned>(sizeof(g_m)), kChunk * kCalls, g_frames, static_cast<int>(acc));
    return g_frames == 1 ? 0 : 1;
}
