// Benchmarks of the maintenance reference pipeline (include/nerve/pipelines/); the metering
// pipeline's are in bench_pipelines_metering.cpp.
//
//  pipeline/maintenance/<bands>   bearing_monitor<bands, 1024, 256> at 25.6 kHz (the CLI/server
//                                 configuration for 4 bands), blocks of 4096 samples of synthetic
//                                 vibration; amortised over whole envelope segments, raw spectra and
//                                 frame ends (the input is long enough for several of each). Items =
//                                 input samples; the counter channels_25k6 = items per second / 25 600
//                                 is the number of 25.6 kHz vibration channels one core sustains.
//  pipeline/maintenance_no_velocity/4  the same as /4 with the vibration severity off
//                                 (velocity_lo_hz = 0): what the velocity path costs.
//  pipeline/maintenance_mcu       bearing_monitor<2, 1024, 128, 8, false, bfloat16> (the one-axis
//                                 Cortex-M4 firmware's configuration) on x86.
//  pipeline/maintenance_3axis/4   multi_axis_bearing_monitor<3, bearing_monitor<4, 1024, 256>>: one
//                                 triaxial sensor, interleaved x y z in calls of 4096 instants (the
//                                 axes are the same vibration shifted and scaled). Items = samples (3
//                                 per instant); sensors_25k6 = triaxial 25.6 kHz sensors per core.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"
#include "vibration_signal.hpp"

namespace {

namespace np = nerve::pipelines;
constexpr double fs = nerve_bench::vibration_fs;

using nerve_bench::vibration;

template <class Monitor, bool Velocity = true>
void run_monitor(benchmark::State& state) {
    np::bearing_monitor_config c;
    c.fs_hz = fs;
    c.shaft_hz = nerve_bench::vibration_shaft_hz;
    if (!Velocity) c.velocity_lo_hz = 0;
    auto m = std::make_unique<Monitor>(c);
    const auto& x = vibration();
    constexpr std::size_t chunk = 4096;
    std::size_t pos = 0, frames = 0;
    for (auto _ : state) {
        m->process(std::span<const float>(x.data() + pos, chunk), [&](const typename Monitor::output_type& f) {
            frames += f.verdict.diagnosis == np::bearing_diagnosis::outer_race;
        });
        pos += chunk;
        if (pos + chunk > x.size()) pos = 0;
    }
    benchmark::DoNotOptimize(frames);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * chunk));
    state.counters["channels_25k6"] = benchmark::Counter(static_cast<double>(state.iterations() * chunk) / fs,
                                                         benchmark::Counter::kIsRate);
    state.counters["ram_bytes"] = static_cast<double>(sizeof(Monitor));
}

void pipeline_maintenance_3axis(benchmark::State& state) {
    using multi = np::multi_axis_bearing_monitor<3, np::bearing_monitor<4, 1024, 256>>;
    np::bearing_monitor_config c;
    c.fs_hz = fs;
    c.shaft_hz = nerve_bench::vibration_shaft_hz;
    auto m = std::make_unique<multi>(c);
    static const auto xyz = [] {
        const auto& x = vibration();
        std::vector<float> v(3 * x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            v[3 * i] = x[i];
            v[3 * i + 1] = 0.5f * x[(i + 977) % x.size()];
            v[3 * i + 2] = 0.3f * x[(i + 4093) % x.size()];
        }
        return v;
    }();
    constexpr std::size_t chunk = 4096;
    std::size_t pos = 0, frames = 0;
    for (auto _ : state) {
        m->process_interleaved(std::span<const float>(xyz.data() + 3 * pos, 3 * chunk), [&](const multi::output_type& f) {
            frames += f.fused.verdict.diagnosis == np::bearing_diagnosis::outer_race;
        });
        pos += chunk;
        if (3 * (pos + chunk) > xyz.size()) pos = 0;
    }
    benchmark::DoNotOptimize(frames);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 3 * chunk));
    state.counters["sensors_25k6"] = benchmark::Counter(static_cast<double>(state.iterations() * chunk) / fs,
                                                        benchmark::Counter::kIsRate);
    state.counters["ram_bytes"] = static_cast<double>(sizeof(multi));
}

void pipeline_maintenance_4(benchmark::State& s) { run_monitor<np::bearing_monitor<4, 1024, 256>>(s); }
void pipeline_maintenance_2(benchmark::State& s) { run_monitor<np::bearing_monitor<2, 1024, 256>>(s); }
void pipeline_maintenance_no_velocity(benchmark::State& s) { run_monitor<np::bearing_monitor<4, 1024, 256>, false>(s); }
void pipeline_maintenance_mcu(benchmark::State& s) {
    run_monitor<np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>>(s);
}

}  // namespace

BENCHMARK(pipeline_maintenance_4)->Name("pipeline/maintenance/4")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_no_velocity)->Name("pipeline/maintenance_no_velocity/4")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_2)->Name("pipeline/maintenance/2")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_mcu)->Name("pipeline/maintenance_mcu")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_3axis)->Name("pipeline/maintenance_3axis/4")->MinTime(0.5);
