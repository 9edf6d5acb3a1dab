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
//  pipeline/motor_current/<N>     motor_current_monitor<N> (N = 4096: the Cortex-M4 firmware's; 8192)
//                                 on a synthetic 5 kHz phase current (50 Hz, 4 poles, 3 % slip, broken
//                                 bar at -40 dB, eccentricity line, noise), blocks of 4096 samples,
//                                 a reading every 3 segments: amortised over the low-pass, the
//                                 transforms and the readings. Items = input samples; channels_5k =
//                                 items per second / 5000, the 5 kHz motor currents one core sustains.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/motor_current_monitor.hpp"
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

template <std::size_t N>
void pipeline_motor_current(benchmark::State& state) {
    constexpr double rate = 5000.0, line = 50.0, slip = 0.03, two_pi = 6.283185307179586;
    // 100 s, a whole number of periods of every line, plus one block more: reading on from any
    // position modulo 100 s continues the signal without a jump.
    constexpr std::size_t period = 500000, chunk = 4096;
    static const std::vector<float> current = [] {
        std::vector<float> v(period + chunk);
        std::uint32_t seed = 3;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const double t = static_cast<double>(i) / rate;
            seed = seed * 1664525u + 1013904223u;
            const double noise = static_cast<double>(static_cast<std::int32_t>(seed)) * (0.01 / 2147483648.0);
            v[i] = static_cast<float>(10.0 * ((1.0 + 0.02 * std::cos(two_pi * 2.0 * slip * line * t)) * std::cos(two_pi * line * t) +
                                              0.003 * std::cos(two_pi * (line + (1.0 - slip) * line / 2.0) * t)) + noise);
        }
        return v;
    }();
    np::motor_current_monitor_config c;
    c.fs_hz = rate;
    c.motor = {line, 4};
    c.rpm = 1440.0;
    auto m = std::make_unique<np::motor_current_monitor<N>>(c);
    std::size_t pos = 0, broken = 0;
    for (auto _ : state) {
        m->process(std::span<const float>(current.data() + pos, chunk), [&](const auto& r) {
            broken += r.condition() == nerve::spectral::rotor_condition::broken_bars;
        });
        pos = (pos + chunk) % period;
    }
    benchmark::DoNotOptimize(broken);
    if (m->readings() > 0 && broken != m->readings()) state.SkipWithError("a reading missed the broken bar");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * chunk));
    state.counters["channels_5k"] = benchmark::Counter(static_cast<double>(state.iterations() * chunk) / rate,
                                                       benchmark::Counter::kIsRate);
    state.counters["ram_bytes"] = static_cast<double>(sizeof(np::motor_current_monitor<N>));
}

}  // namespace

BENCHMARK(pipeline_motor_current<4096>)->Name("pipeline/motor_current/4096")->MinTime(0.5);
BENCHMARK(pipeline_motor_current<8192>)->Name("pipeline/motor_current/8192")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_4)->Name("pipeline/maintenance/4")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_no_velocity)->Name("pipeline/maintenance_no_velocity/4")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_2)->Name("pipeline/maintenance/2")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_mcu)->Name("pipeline/maintenance_mcu")->MinTime(0.5);
BENCHMARK(pipeline_maintenance_3axis)->Name("pipeline/maintenance_3axis/4")->MinTime(0.5);
