// Benchmarks of the drift detectors (include/nerve/drift/), sample by sample.
//
//  adwin/nerve                adwin<float> with River's defaults (delta 0.002, clock 32, 5 buckets)
//  adwin/nerve_double         adwin<double>, same options
//  adwin/nerve_clock1         adwin<float> testing every sample (clock 1)
//  page_hinkley/nerve         page_hinkley<float>, River's defaults
//  kswin/nerve                kswin<float, 100, 30> (window 100, statistic size 30), alpha 0.005
//  ddm, eddm, hddm_a, hddm_w, fhddm, cusum, ewma_chart /nerve   the rest, float, defaults
//
// Input: 65536 samples of Gaussian-like noise (sum of 4 uniforms) whose mean steps by 1.5 sigma
// every 8192 samples, so detectors fire and adapt as they would in service; error-rate
// detectors get the matching 0/1 stream (error rate 0.2 <-> 0.4). The detector persists across
// iterations. Items = input samples. River's Cython ADWIN takes about 3.4 us per sample in
// River's own benchmark; the goal for adwin/nerve is 34 ns (100x).
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "nerve/drift/adwin.hpp"
#include "nerve/drift/cusum.hpp"
#include "nerve/drift/ddm.hpp"
#include "nerve/drift/eddm.hpp"
#include "nerve/drift/ewma_chart.hpp"
#include "nerve/drift/fhddm.hpp"
#include "nerve/drift/hddm_a.hpp"
#include "nerve/drift/hddm_w.hpp"
#include "nerve/drift/kswin.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace {
constexpr std::size_t block = 65536;

struct streams {
    std::vector<float> real, bits;
};

const streams& input() {
    static const streams s = [] {
        streams r;
        r.real.resize(block);
        r.bits.resize(block);
        std::uint32_t seed = 12345;
        auto uni = [&] {
            seed = seed * 1664525u + 1013904223u;
            return static_cast<float>(seed >> 8) * (1.0f / 16777216.0f);
        };
        for (std::size_t i = 0; i < block; ++i) {
            const bool high = (i / 8192) % 2 == 1;
            const float noise = (uni() + uni() + uni() + uni() - 2.0f) * 1.7320508f;  // unit variance
            r.real[i] = (high ? 1.5f : 0.0f) + noise;
            r.bits[i] = uni() < (high ? 0.4f : 0.2f) ? 1.0f : 0.0f;
        }
        return r;
    }();
    return s;
}

template <class D>
void run(benchmark::State& state, D& d, const std::vector<float>& in) {
    std::uint32_t fired = 0;
    for (auto _ : state) {
        for (float x : in) fired += d.update(x) == nerve::drift::drift_signal::drift;
        benchmark::DoNotOptimize(fired);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
    state.counters["drifts_per_pass"] = static_cast<double>(fired) / static_cast<double>(state.iterations());
    state.counters["bytes"] = static_cast<double>(sizeof(D));
}

void adwin_f32(benchmark::State& s) {
    static nerve::drift::adwin<float> d;
    run(s, d, input().real);
}
void adwin_f64(benchmark::State& s) {
    static nerve::drift::adwin<double> d;
    run(s, d, input().real);
}
void adwin_clock1(benchmark::State& s) {
    nerve::drift::adwin_options o;
    o.clock = 1;
    static nerve::drift::adwin<float> d(o);
    run(s, d, input().real);
}
void page_hinkley_f32(benchmark::State& s) {
    static nerve::drift::page_hinkley<float> d;
    run(s, d, input().real);
}
void kswin_f32(benchmark::State& s) {
    static nerve::drift::kswin<float, 100, 30> d;
    run(s, d, input().real);
}
void cusum_f32(benchmark::State& s) {
    static nerve::drift::cusum<float> d;
    run(s, d, input().real);
}
void ewma_chart_f32(benchmark::State& s) {
    static nerve::drift::ewma_chart<float> d;
    run(s, d, input().real);
}
void ddm_f32(benchmark::State& s) {
    static nerve::drift::ddm<float> d;
    run(s, d, input().bits);
}
void eddm_f32(benchmark::State& s) {
    static nerve::drift::eddm<float> d;
    run(s, d, input().bits);
}
void hddm_a_f32(benchmark::State& s) {
    static nerve::drift::hddm_a<float> d;
    run(s, d, input().bits);
}
void hddm_w_f32(benchmark::State& s) {
    static nerve::drift::hddm_w<float> d;
    run(s, d, input().bits);
}
void fhddm_f32(benchmark::State& s) {
    static nerve::drift::fhddm<float> d;
    run(s, d, input().bits);
}
}  // namespace

BENCHMARK(adwin_f32)->Name("adwin/nerve");
BENCHMARK(adwin_f64)->Name("adwin/nerve_double");
BENCHMARK(adwin_clock1)->Name("adwin/nerve_clock1");
BENCHMARK(page_hinkley_f32)->Name("page_hinkley/nerve");
BENCHMARK(kswin_f32)->Name("kswin/nerve");
BENCHMARK(cusum_f32)->Name("cusum/nerve");
BENCHMARK(ewma_chart_f32)->Name("ewma_chart/nerve");
BENCHMARK(ddm_f32)->Name("ddm/nerve");
BENCHMARK(eddm_f32)->Name("eddm/nerve");
BENCHMARK(hddm_a_f32)->Name("hddm_a/nerve");
BENCHMARK(hddm_w_f32)->Name("hddm_w/nerve");
BENCHMARK(fhddm_f32)->Name("fhddm/nerve");
