// bench/bench_fir.cpp — FIR benchmarks (issue 3).
//
//   fir64/nerve           nerve::filter::fir<float, 64>::process over 4096-sample blocks
//   fir64/direct          the plain baseline: the obvious nested loop over a ring buffer with
//                         a modulo per tap, written here
//   fir64/nerve_persample nerve's per-sample operator() (what a pipeline pushing one sample pays)
//   decimate8_fir64/nerve nerve::filter::fir_decimator<float, 64, 8>, items = input samples
//   decimate8_fir64/nerve_call512  the same 4096 inputs in calls of 512
//   decimate8_fir64/nerve_call256  ... in calls of 256 (DMA half-buffers of 512 and 256 samples)
//   fma_peak/xsimd        the machine's FMA limit at the compiled vector width, measured: 12
//                         independent FMA chains on registers (nerve::detail::fmadd: fused
//                         under clang on AVX-512 too), no memory traffic. The FIR's
//                         distance to the FLOP limit is fir64/nerve GFLOP/s over this one's.
//
// items/s = samples/s; FLOP/s = 2 * 64 * samples/s (one multiply + one add per tap).
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "nerve/config.hpp"
#include "nerve/core/simd_fma.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr std::size_t kTaps = 64;
constexpr std::size_t kBlock = 4096;

struct bench_data {
    std::array<float, kBlock> in{};
    std::array<float, kBlock> out{};
    bench_data() {
        std::uint32_t s = 1;
        for (auto& v : in) {
            s = s * 1664525u + 1013904223u;
            v = static_cast<float>(static_cast<std::int32_t>(s)) / 2147483648.0f;
        }
    }
};

bench_data& data() {
    static bench_data d;
    return d;
}

std::array<float, kTaps> taps() {
    const auto h = nerve::filter::firwin_lowpass<kTaps>(1.0 / 8);
    std::array<float, kTaps> f{};
    for (std::size_t i = 0; i < kTaps; ++i) f[i] = static_cast<float>(h[i]);
    return f;
}

void set_counters(benchmark::State& state, std::size_t samples_per_iter) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * samples_per_iter));
    state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations() * samples_per_iter) * 2.0 *
                                                       kTaps * 1e-9,
                                                   benchmark::Counter::kIsRate);
}

void fir64_nerve(benchmark::State& state) {
    auto& d = data();
    static nerve::filter::fir<float, kTaps> f(taps());
    for (auto _ : state) {
        f.process(std::span<const float>(d.in), std::span<float>(d.out));
        benchmark::DoNotOptimize(d.out.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, kBlock);
}
BENCHMARK(fir64_nerve)->Name("fir64/nerve");

void fir64_nerve_persample(benchmark::State& state) {
    auto& d = data();
    static nerve::filter::fir<float, kTaps> f(taps());
    for (auto _ : state) {
        for (std::size_t i = 0; i < kBlock; ++i) d.out[i] = f(d.in[i]);
        benchmark::DoNotOptimize(d.out.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, kBlock);
}
BENCHMARK(fir64_nerve_persample)->Name("fir64/nerve_persample");

// The obvious implementation: ring buffer, newest sample at `head`, modulo per tap.
struct direct_fir {
    std::array<float, kTaps> h{};
    std::array<float, kTaps> ring{};
    std::size_t head = 0;
    float operator()(float x) {
        head = (head + 1) % kTaps;
        ring[head] = x;
        float acc = 0.0f;
        for (std::size_t k = 0; k < kTaps; ++k) acc += h[k] * ring[(head + kTaps - k) % kTaps];
        return acc;
    }
};

void fir64_direct(benchmark::State& state) {
    auto& d = data();
    static direct_fir f{taps(), {}, 0};
    for (auto _ : state) {
        for (std::size_t i = 0; i < kBlock; ++i) d.out[i] = f(d.in[i]);
        benchmark::DoNotOptimize(d.out.data());
        benchmark::ClobberMemory();
    }
    set_counters(state, kBlock);
}
BENCHMARK(fir64_direct)->Name("fir64/direct");

void decimate8_fir64_nerve(benchmark::State& state) {
    auto& d = data();
    static nerve::filter::fir_decimator<float, kTaps, 8> f(taps());
    for (auto _ : state) {
        const std::size_t n = f.process(std::span<const float>(d.in), std::span<float>(d.out));
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(d.out.data());
        benchmark::ClobberMemory();
    }
    // items = input samples; the FLOP counter counts only the kept outputs' 64 FMAs.
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
    state.counters["GFLOP/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * kBlock / 8) * 2.0 * kTaps * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(decimate8_fir64_nerve)->Name("decimate8_fir64/nerve");

// The same 4096 inputs in calls of Call (Call / 8 outputs each): what a call costs beyond its
// outputs (first outputs from the history, the last group, the state update). Calls of 256 are
// one AVX-512 group of 32 outputs whose first outputs' windows start in the history.
template <std::size_t Call>
void decimate8_fir64_nerve_calls(benchmark::State& state) {
    auto& d = data();
    static nerve::filter::fir_decimator<float, kTaps, 8> f(taps());
    for (auto _ : state) {
        std::size_t n = 0;
        for (std::size_t at = 0; at < kBlock; at += Call)
            n += f.process(std::span<const float>(d.in.data() + at, Call),
                           std::span<float>(d.out.data() + n, Call / 8 + 1));
        benchmark::DoNotOptimize(n);
        benchmark::DoNotOptimize(d.out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBlock));
    state.counters["GFLOP/s"] = benchmark::Counter(
        static_cast<double>(state.iterations() * kBlock / 8) * 2.0 * kTaps * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(decimate8_fir64_nerve_calls<512>)->Name("decimate8_fir64/nerve_call512");
BENCHMARK(decimate8_fir64_nerve_calls<256>)->Name("decimate8_fir64/nerve_call256");

#if NERVE_HAS_XSIMD
void fma_peak_xsimd(benchmark::State& state) {
    using batch = xsimd::batch<float>;
    constexpr std::size_t kChains = 12, kSteps = 1024;
    const batch b(0.999f), c(0.001f);
    for (auto _ : state) {
        batch a[kChains];
        for (std::size_t k = 0; k < kChains; ++k) a[k] = batch(0.1f * static_cast<float>(k));
        for (std::size_t i = 0; i < kSteps; ++i)
            for (std::size_t k = 0; k < kChains; ++k) a[k] = nerve::detail::fmadd(a[k], b, c);
        batch s = a[0];
        for (std::size_t k = 1; k < kChains; ++k) s += a[k];
        benchmark::DoNotOptimize(s);
    }
    const double flops = static_cast<double>(state.iterations()) * kChains * kSteps * batch::size * 2.0;
    state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsRate);
    state.counters["lanes"] = static_cast<double>(batch::size);
}
BENCHMARK(fma_peak_xsimd)->Name("fma_peak/xsimd");
#endif

}  // namespace
