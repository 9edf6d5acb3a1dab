// Benchmarks of core/keyed.hpp: routing interleaved readings of many streams to their own state,
// as a gateway does (`nerve gateway`).
//
//  keyed_route/nerve/S          keyed<zscore, 4096, short_name<48>>: S streams, readings in a
//                               shuffled order, each routed by its name to its z-score detector
//  keyed_route/unordered_map/S  the same with std::unordered_map<std::string, zscore> keyed by the
//                               name (what a gateway is usually written with), reserved in advance
//  keyed_route/array/S          the same detectors indexed by stream number: no lookup at all, the
//                               floor (its difference to nerve is the cost of finding a stream)
//  keyed_route/nerve_evicting/S S = 8192 names through a table of 4096 slots (least recently
//                               heard evicted: every reading in the shuffled order is a newcomer)
//  keyed_conformal/nerve/4096   the gateway's default stream state: conformal_ensemble (nab_default)
//                               and ADWIN per stream, 4096 streams, each starting as a copy of
//                               one that has seen 2,400 readings (its steady state: full context
//                               memories, whose search is most of the cost)
// Items = readings. S in {256, 4096}: a working set in L2, and one far beyond it.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "gateway_workload.hpp"
#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/keyed.hpp"

namespace {
namespace na = nerve::anomaly;
using nerve_bench::gateway_readings;
using nerve_bench::gateway_slots;
using nerve_bench::make_gateway_workload;
using nerve_bench::stream_name;

void keyed_route_nerve(benchmark::State& state) {
    const auto& w = make_gateway_workload(static_cast<std::size_t>(state.range(0)));
    auto table = std::make_unique<nerve::keyed<na::zscore<float>, gateway_slots, stream_name>>();
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < gateway_readings; ++i)
            table->push(w.names[w.stream[i]], w.value[i], [&](const auto& y) { sink += y.value.score; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * gateway_readings));
    state.counters["evicted"] = static_cast<double>(table->evicted());
}

void keyed_route_unordered_map(benchmark::State& state) {
    const auto& w = make_gateway_workload(static_cast<std::size_t>(state.range(0)));
    std::unordered_map<std::string, na::zscore<float>> table;
    table.reserve(gateway_slots);
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < gateway_readings; ++i) sink += table[w.strings[w.stream[i]]](w.value[i]).score;
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * gateway_readings));
}

void keyed_route_array(benchmark::State& state) {
    const auto& w = make_gateway_workload(static_cast<std::size_t>(state.range(0)));
    auto table = std::make_unique<std::array<na::zscore<float>, gateway_slots>>();
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < gateway_readings; ++i) sink += (*table)[w.stream[i]](w.value[i]).score;
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * gateway_readings));
}

void keyed_conformal_nerve(benchmark::State& state) {
    const auto& w = make_gateway_workload(static_cast<std::size_t>(state.range(0)));
    auto table = std::make_unique<nerve::keyed<nerve_bench::conformal_stream, gateway_slots, stream_name>>(
        nerve_bench::steady_conformal_stream());
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < gateway_readings; ++i)
            table->push(w.names[w.stream[i]], w.value[i], [&](const auto& y) { sink += y.value.v.score; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * gateway_readings));
    state.counters["bytes_per_stream"] = static_cast<double>(sizeof(nerve_bench::conformal_stream));
    // What a stream costs in the table (its state, key, slot links and index share): hw_report's
    // RAM per stream.
    state.counters["ram_bytes"] = static_cast<double>(sizeof(*table)) / static_cast<double>(gateway_slots);
}

}  // namespace

BENCHMARK(keyed_route_nerve)->Name("keyed_route/nerve")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_unordered_map)->Name("keyed_route/unordered_map")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_array)->Name("keyed_route/array")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_nerve)->Name("keyed_route/nerve_evicting")->Arg(8192);
BENCHMARK(keyed_conformal_nerve)->Name("keyed_conformal/nerve")->Arg(4096);
