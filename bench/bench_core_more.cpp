// Benchmarks of core/snapshot.hpp, core/tee.hpp and core/ring_buffer.hpp.
//
//  snapshot/nerve          nerve::snapshot of a small pipeline (dc_blocker | moving_rms<float, 64> |
//                          ewma, ~300 bytes) into a buffer (items = snapshots; bytes reported)
//  restore/nerve           nerve::restore of that snapshot into a second pipeline (all checks:
//                          magic, length, fingerprint, CRC-32, values, state_is_valid) (items = restores)
//  tee/nerve               dc_blocker | tee{moving_rms<float, 64>, sink} | ewma over 4096 samples
//  tee/by_hand             the same three operators called by hand: the tee's overhead is the difference
//  fan_out/nerve           fan_out<ewma, moving_rms<64>, dc_blocker> (tuple of 3 outputs per sample)
//  fan_out/by_hand         the same three calls written out
//  ring_buffer/nerve/256   ring_buffer<float, 256>::push per sample (overwriting once full)
//  ring_buffer_fifo/nerve/256  push, then pop the oldest once full (FIFO delay of 256)
// Items = input samples unless noted.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <tuple>

#include "nerve/core/operator.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/core/ring_buffer.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/core/tee.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"
#include "nerve/filter/moving_rms.hpp"

namespace {
namespace nf = nerve::filter;
constexpr std::size_t block = 4096;

const std::array<float, block>& input_block() {
    static const auto data = [] {
        std::array<float, block> a{};
        for (std::size_t i = 0; i < block; ++i)
            a[i] = 0.5f + std::sin(0.01f * static_cast<float>(i)) + 0.2f * std::sin(0.77f * static_cast<float>(i));
        return a;
    }();
    return data;
}

// ---- Snapshot / restore.
auto make_chain() { return nf::dc_blocker<float>{0.995} | nf::moving_rms<float, 64>{} | nf::ewma<float>{0.05}; }
using chain = decltype(make_chain());

void snapshot_chain(benchmark::State& state) {
    static chain a = make_chain();
    const auto& in = input_block();
    for (std::size_t i = 0; i < 1000; ++i) benchmark::DoNotOptimize(a(in[i]));
    static std::array<std::byte, 1024> buf{};
    std::size_t bytes = 0;
    for (auto _ : state) {
        const auto r = nerve::snapshot(a, std::span<std::byte>(buf));
        bytes = r.value_or(0);
        benchmark::DoNotOptimize(bytes);
        benchmark::ClobberMemory();
    }
    if (bytes == 0) state.SkipWithError("snapshot failed");
    state.counters["snapshot_bytes"] = static_cast<double>(bytes);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
}

void restore_chain(benchmark::State& state) {
    static chain a = make_chain();
    static chain b = make_chain();
    const auto& in = input_block();
    for (std::size_t i = 0; i < 1000; ++i) benchmark::DoNotOptimize(a(in[i]));
    static std::array<std::byte, 1024> buf{};
    const std::size_t bytes = nerve::snapshot(a, std::span<std::byte>(buf)).value_or(0);
    if (bytes == 0) {
        state.SkipWithError("snapshot failed");
        return;
    }
    const std::span<const std::byte> snap(buf.data(), bytes);
    bool ok = true;
    for (auto _ : state) {
        const auto r = nerve::restore(b, snap);
        ok = ok && r.ok();
        benchmark::DoNotOptimize(ok);
        benchmark::ClobberMemory();
    }
    if (!ok) state.SkipWithError("restore failed");
    state.counters["snapshot_bytes"] = static_cast<double>(bytes);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bytes));
}

// ---- tee / fan_out.
template <class Op>
void run_block(benchmark::State& state, Op& op) {
    using Out = typename Op::output_type;
    const auto& in = input_block();
    static std::array<Out, block> out{};
    for (auto _ : state) {
        nerve::process(op, std::span<const float>(in), std::span<Out>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

float g_side_last = 0.0f;

void tee_nerve(benchmark::State& state) {
    auto p = nf::dc_blocker<float>{0.995} |
             nerve::tee{nf::moving_rms<float, 64>{}, [](float r) { g_side_last = r; }} | nf::ewma<float>{0.05};
    run_block(state, p);
    benchmark::DoNotOptimize(g_side_last);
}

void tee_by_hand(benchmark::State& state) {
    nf::dc_blocker<float> a{0.995};
    nf::moving_rms<float, 64> side;
    nf::ewma<float> c{0.05};
    const auto& in = input_block();
    static std::array<float, block> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; ++i) {
            const float t = a(in[i]);
            g_side_last = side(t);
            out[i] = c(t);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(g_side_last);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

using fan3 = nerve::fan_out<nf::ewma<float>, nf::moving_rms<float, 64>, nf::dc_blocker<float>>;

void fan_out_nerve(benchmark::State& state) {
    fan3 f{nf::ewma<float>{0.05}, nf::moving_rms<float, 64>{}, nf::dc_blocker<float>{0.995}};
    run_block(state, f);
}

void fan_out_by_hand(benchmark::State& state) {
    nf::ewma<float> a{0.05};
    nf::moving_rms<float, 64> b;
    nf::dc_blocker<float> c{0.995};
    const auto& in = input_block();
    static std::array<fan3::output_type, block> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; ++i) out[i] = {a(in[i]), b(in[i]), c(in[i])};
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

// ---- ring_buffer.
void ring_buffer_push(benchmark::State& state) {
    static nerve::ring_buffer<float, 256> rb;
    const auto& in = input_block();
    for (auto _ : state) {
        for (const float x : in) rb.push(x);
        benchmark::DoNotOptimize(&rb);
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(rb.back());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

void ring_buffer_fifo(benchmark::State& state) {
    static nerve::ring_buffer<float, 256> rb;
    const auto& in = input_block();
    static std::array<float, block> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; ++i) {
            out[i] = rb.full() ? rb.pop() : 0.0f;
            rb.push(in[i]);
        }
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
}  // namespace

BENCHMARK(snapshot_chain)->Name("snapshot/nerve");
BENCHMARK(restore_chain)->Name("restore/nerve");
BENCHMARK(tee_nerve)->Name("tee/nerve");
BENCHMARK(tee_by_hand)->Name("tee/by_hand");
BENCHMARK(fan_out_nerve)->Name("fan_out/nerve");
BENCHMARK(fan_out_by_hand)->Name("fan_out/by_hand");
BENCHMARK(ring_buffer_push)->Name("ring_buffer/nerve/256");
BENCHMARK(ring_buffer_fifo)->Name("ring_buffer_fifo/nerve/256");
