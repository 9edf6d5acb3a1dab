// Benchmarks of the patient-monitor reference pipeline (include/nerve/pipelines/), sample by
// sample over 60 s of synthetic ECG at 360 Hz (sinus rhythm 75 bpm with noise and wander).
//
//  pipeline/patient              patient_monitor<360>: QRS detector + VF filter + RR/HRV/AF + alarms
//  pipeline/patient/qrs_detector qrs_detector<360> alone
//  pipeline/patient/vf_detector  vf_detector<360> alone
//  pipeline/patient/{qrs_detector,vf_detector}/process  their block paths (process() on the
//                                whole minute: what patient_monitor runs on its 16-sample runs)
//
// Items = input samples; "channels_realtime" = samples per second / 360 (ECG leads one core
// keeps up with in real time).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"

namespace {
namespace np = nerve::pipelines;

const std::vector<float>& ecg() {
    static const std::vector<float> data = [] {
        np::synthetic_ecg gen{nerve::sample_rate{360.0}, 11};
        gen.set_rate(75.0f);
        gen.set_noise(0.03f);
        gen.set_wander(0.3f);
        std::vector<float> v(360 * 60);
        for (auto& x : v) x = gen.next().mv;
        return v;
    }();
    return data;
}

template <class Op>
void run(benchmark::State& state, Op& op) {
    const auto& x = ecg();
    std::uint64_t events = 0;
    for (auto _ : state) {
        for (float v : x) op.push(v, [&](const auto&) { ++events; });
        benchmark::DoNotOptimize(events);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * x.size()));
    state.counters["channels_realtime"] =
        benchmark::Counter(static_cast<double>(state.iterations() * x.size()) / 360.0, benchmark::Counter::kIsRate);
}

void bm_patient(benchmark::State& state) {
    static np::patient_monitor<360> mon{nerve::sample_rate{360.0}};
    run(state, mon);
}
void bm_qrs(benchmark::State& state) {
    static np::qrs_detector<360> det{nerve::sample_rate{360.0}};
    run(state, det);
}
void bm_vf(benchmark::State& state) {
    static np::vf_detector<360> vf{nerve::sample_rate{360.0}};
    run(state, vf);
}

// The stages' block paths (what patient_monitor uses inside): process() on the whole minute.
template <class Op>
void run_block(benchmark::State& state, Op& op) {
    const auto& x = ecg();
    std::uint64_t events = 0;
    for (auto _ : state) {
        op.process(std::span<const float>(x), [&](const auto&) { ++events; });
        benchmark::DoNotOptimize(events);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * x.size()));
}
void bm_qrs_block(benchmark::State& state) {
    static np::qrs_detector<360> det{nerve::sample_rate{360.0}};
    run_block(state, det);
}
void bm_vf_block(benchmark::State& state) {
    static np::vf_detector<360> vf{nerve::sample_rate{360.0}};
    run_block(state, vf);
}
}  // namespace

BENCHMARK(bm_patient)->Name("pipeline/patient");
BENCHMARK(bm_qrs)->Name("pipeline/patient/qrs_detector");
BENCHMARK(bm_vf)->Name("pipeline/patient/vf_detector");
BENCHMARK(bm_qrs_block)->Name("pipeline/patient/qrs_detector/process");
BENCHMARK(bm_vf_block)->Name("pipeline/patient/vf_detector/process");
