// Streaming quantile sketches (include/nerve/stats/), per sample, side by side:
//
//  t_digest100/nerve         t_digest<float, 100, 100>::update (buffer + amortised sort/merge pass)
//  t_digest100_query/nerve   quantile(0.99) on a flushed digest (a walk over ~65 centroids)
//  t_digest100_merge/nerve   merge of two digests of 20,000 samples each (items = merges)
//  p2_quantile/nerve         p2_quantile<float>(0.99)::update: one quantile, five markers
//
// One t-digest answers every quantile (and the CDF) and merges; P² tracks one fixed quantile.
// Input: the bench_anomaly stream (uniform noise, slow sine, a spike every 97 samples).
#include <benchmark/benchmark.h>

#include "bench_streams.hpp"

#include <array>
#include <cmath>
#include <cstdint>

#include "nerve/stats/p2_quantile.hpp"
#include "nerve/stats/t_digest.hpp"

namespace {
constexpr std::size_t block = nerve_bench::anomaly_block;

const std::array<float, block>& sketch_input() { return nerve_bench::anomaly_stream(); }

using digest = nerve::stats::t_digest<float, 100, 100>;

void bm_t_digest(benchmark::State& state) {
    static digest d;
    d.reset();
    for (auto _ : state) {
        for (float x : sketch_input()) d.update(x);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block));
}
BENCHMARK(bm_t_digest)->Name("t_digest100/nerve");

void bm_t_digest_query(benchmark::State& state) {
    static digest d;
    d.reset();
    for (int r = 0; r < 5; ++r)
        for (float x : sketch_input()) d.update(x);
    d.flush();
    double q = 0.99;
    for (auto _ : state) {
        benchmark::DoNotOptimize(q);
        benchmark::DoNotOptimize(d.quantile(q));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_t_digest_query)->Name("t_digest100_query/nerve");

void bm_t_digest_merge(benchmark::State& state) {
    static digest a, b, m;
    a.reset();
    b.reset();
    for (int r = 0; r < 5; ++r)
        for (std::size_t i = 0; i < block; ++i) {
            a.update(sketch_input()[i]);
            b.update(sketch_input()[block - 1 - i] * 1.5f);
        }
    for (auto _ : state) {
        m = a;
        m.merge(b);
        benchmark::DoNotOptimize(m.count());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(bm_t_digest_merge)->Name("t_digest100_merge/nerve");

void bm_p2(benchmark::State& state) {
    nerve::stats::p2_quantile<float> p(0.99);
    for (auto _ : state) {
        for (float x : sketch_input()) p.update(x);
        benchmark::DoNotOptimize(p.value());
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(block));
}
BENCHMARK(bm_p2)->Name("p2_quantile/nerve");

}  // namespace
