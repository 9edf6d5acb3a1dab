// Benchmarks of the core operators and of pipeline composition overhead.
//
// `pipeline/fused` and `pipeline/by_hand` run the same three filters, once as a nerve
// pipeline and once as three calls written out, to show that composition costs nothing.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <span>

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"
#include "nerve/filter/moving_average.hpp"

namespace {
constexpr std::size_t block = 4096;

const std::array<float, block>& input_block() {
    static const auto data = [] {
        std::array<float, block> a{};
        for (std::size_t i = 0; i < block; ++i) a[i] = 0.5f + std::sin(0.01f * static_cast<float>(i));
        return a;
    }();
    return data;
}

template <class Op>
void run_simple(benchmark::State& state, Op op) {
    const auto& in = input_block();
    std::array<float, block> out{};
    for (auto _ : state) {
        nerve::process(op, std::span<const float>(in), std::span<float>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

void ewma_f32(benchmark::State& s) { run_simple(s, nerve::filter::ewma<float>{0.05}); }
void dc_blocker_f32(benchmark::State& s) { run_simple(s, nerve::filter::dc_blocker<float>{0.995}); }
void moving_average_f32_64(benchmark::State& s) { run_simple(s, nerve::filter::moving_average<float, 64>{}); }

void pipeline_fused(benchmark::State& s) {
    run_simple(s, nerve::filter::dc_blocker<float>{0.995} | nerve::filter::moving_average<float, 16>{} |
                      nerve::filter::ewma<float>{0.05});
}

void pipeline_by_hand(benchmark::State& state) {
    nerve::filter::dc_blocker<float> a{0.995};
    nerve::filter::moving_average<float, 16> b;
    nerve::filter::ewma<float> c{0.05};
    const auto& in = input_block();
    std::array<float, block> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; ++i) out[i] = c(b(a(in[i])));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

void framer_256_128(benchmark::State& state) {
    nerve::framer<256, 128> f;
    const auto& in = input_block();
    float acc = 0;
    for (auto _ : state) {
        for (float x : in) f.push(x, [&](std::span<const float, 256> fr) { acc += fr[0]; });
        benchmark::DoNotOptimize(acc);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
}  // namespace

BENCHMARK(ewma_f32)->Name("ewma/nerve");
BENCHMARK(dc_blocker_f32)->Name("dc_blocker/nerve");
BENCHMARK(moving_average_f32_64)->Name("moving_average64/nerve");
BENCHMARK(pipeline_fused)->Name("pipeline/fused");
BENCHMARK(pipeline_by_hand)->Name("pipeline/by_hand");
BENCHMARK(framer_256_128)->Name("framer256_128/nerve");
