// Benchmarks of the metering reference pipeline (include/nerve/pipelines/meter_monitor.hpp) in
// double (the host default) and in float (what it runs in on an MCU), on the same readings, so
// they compare side by side in one run.
//
//  pipeline/metering              meter_monitor<2048>, hourly readings (the forecaster's 13 x 13 RLS
//                                 step and O(1) running means per reading). Items = readings.
//  pipeline/metering_f32          meter_monitor<2048, float>, hourly readings (the Cortex-M4F
//                                 configuration's arithmetic on x86). Items = readings.
//  pipeline/metering_mcu_f32      meter_monitor<512, float>: the exact firmware configuration
//                                 (examples/mcu_metering.cpp, bench/mcu/pipeline_metering.cpp).
//  pipeline/metering_mcu_f32_light the same with learn_every = 5 (the forecaster's RLS step on
//                                 every fifth reading: the lighter firmware setting).
//  pipeline/metering_lean         meter_monitor<192, double, holt_winters_forecaster<192>>: the
//                                 lean pipeline (double seasonal Holt-Winters) in double.
//  pipeline/metering_lean_f32     the lean firmware configuration, meter_monitor<192, float,
//                                 holt_winters_forecaster<192, float>> (bench/mcu/pipeline_metering.cpp).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>

#include "nerve/pipelines/meter_monitor.hpp"

namespace {

namespace np = nerve::pipelines;

template <class Meter>
void run_meter(benchmark::State& state, std::size_t learn_every = 1) {
    np::meter_monitor_config c;
    c.learn_every = learn_every;
    auto m = std::make_unique<Meter>(c);
    std::uint32_t s = 3;
    std::size_t t = 0, flags = 0;
    for (auto _ : state) {
        s = s * 1664525u + 1013904223u;
        const double hr = static_cast<double>(t % 24);
        const double y = 0.3 + (hr > 16 ? 1.2 : 0.1) + 0.05 * static_cast<double>(static_cast<std::int32_t>(s)) / 2147483648.0;
        m->push(y, [&](const np::meter_reading& r) { flags += r.flags; }, [](const np::daily_profile&) {});
        ++t;
    }
    benchmark::DoNotOptimize(flags);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["ram_bytes"] = static_cast<double>(sizeof(Meter));
}

void pipeline_metering(benchmark::State& s) { run_meter<np::meter_monitor<2048>>(s); }
void pipeline_metering_f32(benchmark::State& s) { run_meter<np::meter_monitor<2048, float>>(s); }
void pipeline_metering_mcu_f32(benchmark::State& s) { run_meter<np::meter_monitor<512, float>>(s); }
void pipeline_metering_mcu_f32_light(benchmark::State& s) { run_meter<np::meter_monitor<512, float>>(s, 5); }
void pipeline_metering_lean(benchmark::State& s) { run_meter<np::meter_monitor<192, double, np::holt_winters_forecaster<192>>>(s); }
void pipeline_metering_lean_f32(benchmark::State& s) {
    run_meter<np::meter_monitor<192, float, np::holt_winters_forecaster<192, float>>>(s);
}

}  // namespace

BENCHMARK(pipeline_metering)->Name("pipeline/metering")->MinTime(0.5);
BENCHMARK(pipeline_metering_f32)->Name("pipeline/metering_f32")->MinTime(0.5);
BENCHMARK(pipeline_metering_mcu_f32)->Name("pipeline/metering_mcu_f32")->MinTime(0.5);
BENCHMARK(pipeline_metering_mcu_f32_light)->Name("pipeline/metering_mcu_f32_light")->MinTime(0.5);
BENCHMARK(pipeline_metering_lean)->Name("pipeline/metering_lean")->MinTime(0.5);
BENCHMARK(pipeline_metering_lean_f32)->Name("pipeline/metering_lean_f32")->MinTime(0.5);
