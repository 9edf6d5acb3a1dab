// bench/mcu/pipeline_motor_current.cpp — Cortex-M4 cost of the motor current reference pipeline
// (nerve::pipelines::motor_current_monitor<4096>, 5 kHz, the mcu_motor_current configuration).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_motor_current_run):
//   nerve_motor_current_run   process() over kChunk samples. main() calls it kCalls times over
//                             kCalls * kChunk = 133 120 samples: the low-pass on every sample, 8 320
//                             decimated samples, 3 half-overlapping 4096-point Hann segments and
//                             their Welch sums (spectral::compact_welch), and one reading (motor_current<2>), so the sum over the
//                             calls / 133 120 is the amortised cost per input sample.
// The monitor lives in .bss (arm-none-eabi-size shows its RAM); sizeof is printed.
#include <cstdint>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/pipelines/motor_current_monitor.hpp"

namespace {
namespace np = nerve::pipelines;
using monitor_t = np::motor_current_monitor<4096>;
constexpr unsigned kChunk = 2048, kCalls = 65;

np::motor_current_monitor_config config() {
    np::motor_current_monitor_config c;
    c.fs_hz = 5000.0;
    c.motor = {50.0, 4};
    c.rpm = 1440.0;
    return c;
}
monitor_t g_m{config()};
float g_x[kChunk];
unsigned g_readings = 0;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_motor_current_run(const float* x, unsigned n) {
    g_m.process(std::span<const float>(x, n), [](const monitor_t::output_type&) { ++g_readings; });
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    float acc = 0;
    for (unsigned call = 0; call < kCalls; ++call) {
        for (auto& v : g_x) v = noise.symmetric();
        nerve_motor_current_run(g_x, kChunk);
        acc += g_x[0];
    }
    std::printf("pipeline_motor_current: sizeof(motor_current_monitor<4096>) = %u bytes, %u samples, %u reading(s) (%d)\n",
                static_cast<unsigned>(sizeof(g_m)), kChunk * kCalls, g_readings, static_cast<int>(acc));
    return g_readings == 1 ? 0 : 1;
}
