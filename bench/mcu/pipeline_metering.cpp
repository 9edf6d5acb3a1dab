// bench/mcu/pipeline_metering.cpp — Cortex-M4 cost of the energy-metering reference pipeline
// (nerve::pipelines::meter_monitor<512, float>, hourly readings: the whole per-reading path in
// float, which the M4F's FPU executes; meter_monitor<512, double> costs ~135 000 instructions per
// reading there because double is emulated in software).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_metering_push): one reading through
// push(); main() calls it for 3 weeks of readings, the median is the steady-state cost.
#include <cstdint>
#include <cstdio>

#include "nerve/pipelines/meter_monitor.hpp"

namespace {
namespace np = nerve::pipelines;
using meter_t = np::meter_monitor<512, float>;
meter_t g_m{np::meter_monitor_config{}};
unsigned g_days = 0;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_metering_push(double y) {
    g_m.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) { ++g_days; });
}

int main() {
    std::uint32_t s = 3;
    for (unsigned t = 0; t < 24 * 21; ++t) {
        s = s * 1664525u + 1013904223u;
        const double hr = static_cast<double>(t % 24);
        nerve_metering_push(0.3 + (hr > 16 ? 1.2 : 0.1) + 0.05 * static_cast<double>(static_cast<std::int32_t>(s)) / 2147483648.0);
    }
    std::printf("pipeline_metering: sizeof(meter_monitor<512, float>) = %u bytes, %u days\n", static_cast<unsigned>(sizeof(g_m)),
                g_days);
    return g_days == 21 ? 0 : 1;
}
