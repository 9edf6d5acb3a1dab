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
//                               and ADWIN per stream, 4096 streams
// Items = readings. S in {256, 4096}: a working set in L2, and one far beyond it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/keyed.hpp"
#include "nerve/drift/adwin.hpp"

namespace {
namespace na = nerve::anomaly;
using name = nerve::short_name<48>;
constexpr std::size_t table_slots = 4096;
constexpr std::size_t readings = 1 << 15;

// The readings: (stream, value) in a shuffled order, every stream equally often.
struct workload {
    std::vector<std::uint32_t> stream;
    std::vector<float> value;
    std::vector<name> names;          // per stream
    std::vector<std::string> strings; // per stream, the same text
};

const workload& make_workload(std::size_t streams) {
    static std::unordered_map<std::size_t, workload> cache;
    auto& w = cache[streams];
    if (!w.stream.empty()) return w;
    std::mt19937 rng(static_cast<std::uint32_t>(streams));
    for (std::size_t s = 0; s < streams; ++s) {
        w.strings.push_back("site-4/building-2/meter-" + std::to_string(s) + ":power");
        w.names.push_back(name::from(w.strings.back()).value());
    }
    for (std::size_t i = 0; i < readings; ++i) w.stream.push_back(static_cast<std::uint32_t>(i % streams));
    std::shuffle(w.stream.begin(), w.stream.end(), rng);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    for (std::size_t i = 0; i < readings; ++i) w.value.push_back(100.0f + noise(rng));
    return w;
}

void keyed_route_nerve(benchmark::State& state) {
    const auto& w = make_workload(static_cast<std::size_t>(state.range(0)));
    auto table = std::make_unique<nerve::keyed<na::zscore<float>, table_slots, name>>();
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < readings; ++i)
            table->push(w.names[w.stream[i]], w.value[i], [&](const auto& y) { sink += y.value.score; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * readings));
    state.counters["evicted"] = static_cast<double>(table->evicted());
}

void keyed_route_unordered_map(benchmark::State& state) {
    const auto& w = make_workload(static_cast<std::size_t>(state.range(0)));
    std::unordered_map<std::string, na::zscore<float>> table;
    table.reserve(table_slots);
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < readings; ++i) sink += table[w.strings[w.stream[i]]](w.value[i]).score;
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * readings));
}

void keyed_route_array(benchmark::State& state) {
    const auto& w = make_workload(static_cast<std::size_t>(state.range(0)));
    auto table = std::make_unique<std::array<na::zscore<float>, table_slots>>();
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < readings; ++i) sink += (*table)[w.stream[i]](w.value[i]).score;
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * readings));
}

struct conformal_stream {
    using input_type = float;
    struct output_type { na::verdict v; nerve::drift::drift_signal d; };
    na::nab_default detector{};
    nerve::drift::adwin<float, 5, 16> adwin{};
    output_type operator()(float x) {
        const auto v = detector(x);
        return {v, adwin(v.score)};
    }
    void reset() { detector.reset(); adwin.reset(); }
};

void keyed_conformal_nerve(benchmark::State& state) {
    const auto& w = make_workload(static_cast<std::size_t>(state.range(0)));
    na::conformal_ensemble_config c;
    c.probation = 4;  // score from the start: the steady-state cost
    conformal_stream proto;
    proto.detector = na::nab_default(c);
    auto table = std::make_unique<nerve::keyed<conformal_stream, table_slots, name>>(proto);
    float sink = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < readings; ++i)
            table->push(w.names[w.stream[i]], w.value[i], [&](const auto& y) { sink += y.value.v.score; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * readings));
    state.counters["bytes_per_stream"] = static_cast<double>(sizeof(conformal_stream));
}

}  // namespace

BENCHMARK(keyed_route_nerve)->Name("keyed_route/nerve")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_unordered_map)->Name("keyed_route/unordered_map")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_array)->Name("keyed_route/array")->Arg(256)->Arg(4096);
BENCHMARK(keyed_route_nerve)->Name("keyed_route/nerve_evicting")->Arg(8192);
BENCHMARK(keyed_conformal_nerve)->Name("keyed_conformal/nerve")->Arg(4096);
