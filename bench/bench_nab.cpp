// Benchmark of the `nerve nab` default detector (anomaly/conformal_ensemble.hpp, nab_default:
// context 8 x 6 samples, 256 remembered contexts, day-scale context 8 x 36 samples, 64 remembered,
// 64-bin p-value histograms), score + learn per sample.
//
//  nab_default/nerve   one sample per call through operator() after a 2000-sample warm-up (the
//                      day-scale memory, 64 x 36 samples, fills while the 4096 samples replay)
//
// Input: a 4096-sample NAB-like series (a daily cycle of 288 samples, noise, a spike every 500
// samples, a level shift half way), replayed in a loop. Items = samples.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>

#include "nerve/anomaly/conformal_ensemble.hpp"

namespace {
constexpr std::size_t block = 4096;

const std::array<float, block>& nab_like_series() {
    static const auto data = [] {
        std::array<float, block> a{};
        std::uint32_t seed = 777;
        for (std::size_t i = 0; i < block; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const float noise = static_cast<float>(seed >> 8) * (1.0f / 16777216.0f) - 0.5f;
            a[i] = 40.0f + 10.0f * std::sin(6.2831853f * static_cast<float>(i % 288) / 288.0f) + 3.0f * noise;
            if (i % 500 == 250) a[i] += 40.0f;
            if (i >= block / 2) a[i] += 8.0f;
        }
        return a;
    }();
    return data;
}

void nab_default_nerve(benchmark::State& state) {
    const auto& x = nab_like_series();
    auto d = std::make_unique<nerve::anomaly::nab_default>();  // ~11.6 kB: not on the stack
    for (std::size_t i = 0; i < 2000; ++i) (*d)(x[i]);
    std::size_t i = 0;
    float acc = 0.0f;
    for (auto _ : state) {
        for (std::size_t k = 0; k < block; ++k) acc += (*d)(x[k]).score;
        ++i;
    }
    benchmark::DoNotOptimize(acc);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
    state.counters["ns_per_sample"] = benchmark::Counter(
        static_cast<double>(state.iterations() * block), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["bytes"] = static_cast<double>(sizeof(nerve::anomaly::nab_default));
    (void)i;
}
BENCHMARK(nab_default_nerve)->Name("nab_default/nerve");

}  // namespace
