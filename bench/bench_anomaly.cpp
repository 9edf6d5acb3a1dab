// Benchmarks of the anomaly detectors (include/nerve/anomaly/), score + learn per sample.
//
//  hst/nerve             half_space_trees<1, 25, 15, 250>: 25 trees of height 15, window 250,
//                        1-D input, River's score_one + learn_one per sample. River's own
//                        benchmark runs HalfSpaceTrees at ~85,000 observations/s (goal: 100x).
//  hst_d4/nerve          half_space_trees<4, 25, 15, 250>: the general (tree-walking) path, 4-D
//  mahalanobis8/nerve    online Mahalanobis distance over 8 features (Eigen fixed-size)
//  zscore/nerve, robust_zscore31/nerve, cusum/nerve, ewma_chart/nerve, likelihood/nerve,
//  kmeans8x4/nerve, forecast_residual/nerve, score_quantile/nerve: the other detectors
//
// Input: uniform noise in [0, 1) with a slow sine and a spike every 97 samples, 4096 samples
// a block (feature vectors: the same stream, lagged). Items = observations (samples or vectors).
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>

#include "nerve/anomaly/half_space_trees.hpp"

namespace {
constexpr std::size_t block = 4096;

const std::array<float, block>& input_block() {
    static const auto data = [] {
        std::array<float, block> a{};
        std::uint32_t seed = 12345;
        for (std::size_t i = 0; i < block; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const float noise = static_cast<float>(seed >> 8) * (1.0f / 16777216.0f);
            a[i] = 0.25f + 0.5f * noise * (0.8f + 0.2f * std::sin(0.01f * static_cast<float>(i)));
            if (i % 97 == 0) a[i] = 0.95f;
        }
        return a;
    }();
    return data;
}

template <std::size_t D>
const std::array<std::array<float, D>, block>& vector_block() {
    static const auto data = [] {
        std::array<std::array<float, D>, block> a{};
        const auto& x = input_block();
        for (std::size_t i = 0; i < block; ++i)
            for (std::size_t k = 0; k < D; ++k) a[i][k] = x[(i + block - 3 * k) % block];
        return a;
    }();
    return data;
}

template <class Op, class In>
void run(benchmark::State& state, Op& op, const std::array<In, block>& in) {
    // Warm up past the first windows so the steady state is measured.
    for (const auto& x : in) benchmark::DoNotOptimize(op(x));
    float acc = 0;
    for (auto _ : state) {
        for (const auto& x : in) acc += op(x).score;
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block));
}

void bm_hst(benchmark::State& state) {
    using H = nerve::anomaly::half_space_trees<1, 25, 15, 250>;
    static auto h = std::make_unique<H>();
    h->reset();
    run(state, *h, input_block());
}
BENCHMARK(bm_hst)->Name("hst/nerve");

void bm_hst_d4(benchmark::State& state) {
    using H = nerve::anomaly::half_space_trees<4, 25, 15, 250>;
    static auto h = std::make_unique<H>();
    h->reset();
    run(state, *h, vector_block<4>());
}
BENCHMARK(bm_hst_d4)->Name("hst_d4/nerve");

}  // namespace
