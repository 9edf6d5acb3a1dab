// bench/bench_resample.cpp — polyphase block kernels and the symmetric-tap fold (issue 11).
// Items = input samples; blocks of 4096; run side by side in one nerve_bench invocation.
//
//  resample/push/<L>_<M>      resampler<float, L, M>, push() per sample (the scalar polyphase
//                             path: what process() did before the SIMD block kernel)
//  resample/block/<L>_<M>     resampler<float, L, M>::process (SIMD block kernel with xsimd)
//  resample/{push,block}/160_147_16k  the same on 16384-sample blocks
//  resample/block/160_147_calls256  the 4096 inputs in calls of 256: since stop 50 block_bcast
//                             (before, calls shorter than M W = 2352 inputs ran push()), since
//                             stop 51 block_dots (calls below 5 M / 2 inputs)
//  resample/block/147_160_calls256, 25_32_calls256  the same: calls below block_simd's M W
//                             (2560 / 512 inputs) ran push() until stop 51, now block_dots
//  resample/{push,block}/147_160, 25_32  L and M of at least 16: the block kernel splits and
//                             interleaves by 16 x 16 tile transposes (147/160: 48 kHz to 44.1 kHz)
//  resample_q15/push/3_2      resampler<q15, 3, 2> (full-precision int32 taps, scalar)
//  interp/push/4x64           fir_interpolator<float, 64, 4>, push() per sample
//  interp/block/4x64          fir_interpolator<float, 64, 4>::process: since stop 44 the
//                             interpolation kernel (polyphase_fir::block_interp_simd: lanes =
//                             inputs, each window vector loaded once for the L sub-filters, the
//                             sums interleaved with whole-register zips); before, the resampler's
//                             block kernel with M = 1 (16 FMAs per output, scalar stores), which
//                             had replaced a path that filtered the zero-stuffed input with
//                             fir.hpp's register-blocked kernel (64 FMAs per output).
//  interp/block/2x32, 8x64    the same kernel with L = 2 (16 taps per output) and 8 (8 taps);
//  interp/block/16x64         since stop 49, L = 8 and 16 (on NEON also 4) take bcast_pass:
//                             vectors of whole outputs, no interleave (16x64: 4 taps)
//  interp/block/3x48          L = 3 (not a power of two): the resampler's block kernel with M = 1
//  interp/block/{16,8}x64_calls512[_out16]  the 4096 inputs in calls of 512 (x16: 32 KB of
//                             outputs per call instead of 256 KB), the output 64-byte aligned or
//                             16 bytes past (a malloc'd buffer): the cache's share of x16's figure
//                             and the cost of line-straddling stores (stop 54)
//  fir_fold/unfolded/<N>      detail::fir_block<float, N> on symmetric taps: the register-blocked
//                             kernel fir<float, N>::process uses (N multiplies per output)
//  fir_fold/folded/<N>        detail::fir_block_symmetric<float, N>: N/2 adds + N/2 FMAs
//  fir_fold_q15/{none,symmetric}/64, fir_fold_q31/{none,symmetric}/64
//                             fir<q15|q31, 64>::process on symmetric taps with the fold off/on
//                             (fir_symmetry::none / ::symmetric)
// GFLOP/s (fir_fold and interp) counts 2 N nominal flops per output (interp: per input, its 4
// outputs of 16 taps) for both variants, and for resample 2 K L / M per input (L / M outputs of
// K = ceil(padded taps / L) multiply-adds), so it compares with fma_peak/xsimd (bench_fir.cpp)
// in the same run.
#include <benchmark/benchmark.h>

#include "bench_streams.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "nerve/core/fixed_point.hpp"
#include "nerve/filter/detail/fir_symmetric.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"
#include "nerve/filter/fir_interpolator.hpp"
#include "nerve/filter/resampler.hpp"

namespace {
namespace nf = nerve::filter;
constexpr std::size_t block = 4096;

const std::array<float, block + 256>& input_block() { return nerve_bench::tones_and_noise<block + 256>(); }

template <class T>
const std::array<T, block>& input_as() {
    static const auto data = [] {
        std::array<T, block> a{};
        for (std::size_t i = 0; i < block; ++i) a[i] = nerve::from_double<T>(static_cast<double>(input_block()[i]));
        return a;
    }();
    return data;
}

void items(benchmark::State& state) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

// GFLOP/s at 2 flops per multiply-add, `macs` multiply-adds per input sample; items = inputs.
void flops_per_input(benchmark::State& state, double macs, std::size_t inputs = block) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * inputs));
    state.counters["GFLOP/s"] = benchmark::Counter(static_cast<double>(state.iterations() * inputs) * 2.0 * macs * 1e-9,
                                                   benchmark::Counter::kIsRate);
}

template <std::size_t N>
void flops(benchmark::State& state) {
    flops_per_input(state, static_cast<double>(N));
}

// The resampler's multiply-adds per input: L / M outputs of K = ceil(padded taps / L) each.
template <std::size_t L, std::size_t M>
double resample_macs() {
    using R = nf::resampler<float, L, M>;
    constexpr std::size_t K = (R::pre_pad + R::taps + L - 1) / L;
    return static_cast<double>(K * L) / static_cast<double>(M);
}

template <std::size_t L, std::size_t M>
void resample_push(benchmark::State& state) {
    static nf::resampler<float, L, M> op;
    const auto& in = input_as<float>();
    static std::array<float, block * L / M + 2> out{};
    for (auto _ : state) {
        std::size_t w = 0;
        for (float x : in) op.push(x, [&](float y) { out[w++] = y; });
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    flops_per_input(state, resample_macs<L, M>());
}

// 4096 inputs in calls of Call inputs (a stream fed as it arrives); one call: resample_block.
template <std::size_t L, std::size_t M, std::size_t Call>
void resample_calls(benchmark::State& state) {
    static nf::resampler<float, L, M> op;
    const auto& in = input_as<float>();
    static std::array<float, block * L / M + 2> out{};
    for (auto _ : state) {
        std::size_t w = 0;
        for (std::size_t i = 0; i < block; i += Call)
            w += op.process(std::span<const float>(in.data() + i, Call), std::span<float>(out.data() + w, out.size() - w));
        benchmark::DoNotOptimize(w);
        benchmark::ClobberMemory();
    }
    flops_per_input(state, resample_macs<L, M>());
}

template <std::size_t L, std::size_t M>
void resample_block(benchmark::State& state) {
    resample_calls<L, M, block>(state);
}

// Long blocks (16384 inputs) for a large M: every sub-filter gets several vectors per block.
template <bool Block>
void resample_160_147_long(benchmark::State& state) {
    constexpr std::size_t n = 4 * block;
    static nf::resampler<float, 160, 147> op;
    static std::array<float, n> in{};
    static std::array<float, n * 160 / 147 + 2> out{};
    for (std::size_t i = 0; i < n; ++i) in[i] = input_as<float>()[i % block];
    for (auto _ : state) {
        if constexpr (Block) {
            benchmark::DoNotOptimize(op.process(std::span<const float>(in), std::span<float>(out)));
        } else {
            std::size_t w = 0;
            for (float x : in) op.push(x, [&](float y) { out[w++] = y; });
            benchmark::DoNotOptimize(out.data());
        }
        benchmark::ClobberMemory();
    }
    flops_per_input(state, resample_macs<160, 147>(), n);
}

void resample_q15_push(benchmark::State& state) {
    static nf::resampler<nerve::q15, 3, 2> op;
    const auto& in = input_as<nerve::q15>();
    static std::array<nerve::q15, block * 3 / 2 + 2> out{};
    for (auto _ : state) {
        std::size_t w = 0;
        for (auto x : in) op.push(x, [&](nerve::q15 y) { out[w++] = y; });
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    items(state);
}


void interp_push(benchmark::State& state) {
    static nf::fir_interpolator<float, 64, 4> op;
    const auto& in = input_as<float>();
    static std::array<float, 4 * block> out{};
    for (auto _ : state) {
        std::size_t w = 0;
        for (float x : in) op.push(x, [&](float y) { out[w++] = y; });
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    flops<64>(state);  // 64 taps' multiply-adds per input (4 outputs of 16)
}

template <std::size_t Len, std::size_t L>
void interp_block(benchmark::State& state) {
    static nf::fir_interpolator<float, Len, L> op;
    const auto& in = input_as<float>();
    static std::array<float, L * block> out{};
    for (auto _ : state) {
        benchmark::DoNotOptimize(op.process(std::span<const float>(in), std::span<float>(out)));
        benchmark::ClobberMemory();
    }
    flops<Len>(state);  // Len taps' multiply-adds per input (L outputs of Len / L)
}

// The same 4096 inputs in calls of 512, the output at byte Offset of a 64-byte line: x16's 256 KB
// of outputs per 4096-input call do not stay in L1, 512 inputs' 32 KB do; Offset 16 is where
// glibc's malloc (a std::vector<float>) leaves a buffer, so one store per 4 FMAs straddles two
// cache lines (docs/performance.md, stop 54).
template <std::size_t Len, std::size_t L, std::size_t Offset>
void interp_calls512(benchmark::State& state) {
    static nf::fir_interpolator<float, Len, L> op;
    const auto& in = input_block();
    constexpr std::size_t call = 512;
    alignas(64) static std::array<float, L * call + 16> out{};
    float* o = out.data() + Offset / sizeof(float);
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; i += call)
            benchmark::DoNotOptimize(op.process(std::span<const float>(in.data() + i, call), std::span<float>(o, L * call)));
        benchmark::ClobberMemory();
    }
    flops<Len>(state);
}

// Symmetric reversed taps padded to whole vectors (zeros after N), as fir<float, N> holds them.
template <std::size_t N>
const float* sym_taps() {
    alignas(64) static std::array<float, nf::detail::padded_taps<float, N>> hr{};
    static const bool init = [] {
        const auto h = nf::firwin_lowpass<N>(0.2);
        for (std::size_t j = 0; j < N; ++j) hr[j] = static_cast<float>(h[N - 1 - j]);
        return true;
    }();
    (void)init;
    return hr.data();
}

template <std::size_t N>
void fold_unfolded(benchmark::State& state) {
    const float* hr = sym_taps<N>();
    const float* src = input_block().data();
    static std::array<float, block> out{};
    for (auto _ : state) {
        nf::detail::fir_block<float, N>(hr, src, out.data(), block, true);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    flops<N>(state);
}

template <std::size_t N>
void fold_folded(benchmark::State& state) {
    const float* hr = sym_taps<N>();
    const float* src = input_block().data();
    static std::array<float, block> out{};
    for (auto _ : state) {
        std::size_t i = 0;
#if NERVE_HAS_XSIMD
        i = nf::detail::fir_block_symmetric<float, N>(hr, src, out.data(), block);
#endif
        for (; i < block; ++i) out[i] = nf::detail::fir_dot<float, N>(hr, src + i, true);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    flops<N>(state);
}

template <class T, nf::fir_symmetry S>
void fold_fixed(benchmark::State& state) {
    const auto h = nf::firwin_lowpass<64>(0.2);
    std::array<T, 64> hq{};
    for (std::size_t i = 0; i < 64; ++i) hq[i] = nerve::from_double<T>(h[i]);
    static nf::fir<T, 64> f(hq, S);
    const auto& in = input_as<T>();
    static std::array<T, block> out{};
    for (auto _ : state) {
        f.process(std::span<const T>(in), std::span<T>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    flops<64>(state);
}
}  // namespace

BENCHMARK(resample_push<3, 2>)->Name("resample/push/3_2");
BENCHMARK(resample_block<3, 2>)->Name("resample/block/3_2");
BENCHMARK(resample_push<2, 3>)->Name("resample/push/2_3");
BENCHMARK(resample_block<2, 3>)->Name("resample/block/2_3");
BENCHMARK(resample_push<160, 147>)->Name("resample/push/160_147");
BENCHMARK(resample_block<160, 147>)->Name("resample/block/160_147");
BENCHMARK(resample_push<147, 160>)->Name("resample/push/147_160");
BENCHMARK(resample_block<147, 160>)->Name("resample/block/147_160");
BENCHMARK(resample_push<25, 32>)->Name("resample/push/25_32");
BENCHMARK(resample_block<25, 32>)->Name("resample/block/25_32");
BENCHMARK(resample_160_147_long<false>)->Name("resample/push/160_147_16k");
BENCHMARK(resample_160_147_long<true>)->Name("resample/block/160_147_16k");
BENCHMARK((resample_calls<160, 147, 256>))->Name("resample/block/160_147_calls256");
BENCHMARK((resample_calls<147, 160, 256>))->Name("resample/block/147_160_calls256");
BENCHMARK((resample_calls<25, 32, 256>))->Name("resample/block/25_32_calls256");
BENCHMARK(resample_q15_push)->Name("resample_q15/push/3_2");
BENCHMARK(interp_push)->Name("interp/push/4x64");
BENCHMARK(interp_block<64, 4>)->Name("interp/block/4x64");
BENCHMARK(interp_block<32, 2>)->Name("interp/block/2x32");
BENCHMARK(interp_block<64, 8>)->Name("interp/block/8x64");
BENCHMARK(interp_block<64, 16>)->Name("interp/block/16x64");
BENCHMARK(interp_block<48, 3>)->Name("interp/block/3x48");
BENCHMARK((interp_calls512<64, 16, 0>))->Name("interp/block/16x64_calls512");
BENCHMARK((interp_calls512<64, 16, 16>))->Name("interp/block/16x64_calls512_out16");
BENCHMARK((interp_calls512<64, 8, 0>))->Name("interp/block/8x64_calls512");
BENCHMARK((interp_calls512<64, 8, 16>))->Name("interp/block/8x64_calls512_out16");
BENCHMARK(fold_unfolded<64>)->Name("fir_fold/unfolded/64");
BENCHMARK(fold_folded<64>)->Name("fir_fold/folded/64");
BENCHMARK(fold_unfolded<63>)->Name("fir_fold/unfolded/63");
BENCHMARK(fold_folded<63>)->Name("fir_fold/folded/63");
BENCHMARK(fold_unfolded<128>)->Name("fir_fold/unfolded/128");
BENCHMARK(fold_folded<128>)->Name("fir_fold/folded/128");
BENCHMARK((fold_fixed<nerve::q15, nf::fir_symmetry::none>))->Name("fir_fold_q15/none/64");
BENCHMARK((fold_fixed<nerve::q15, nf::fir_symmetry::symmetric>))->Name("fir_fold_q15/symmetric/64");
BENCHMARK((fold_fixed<nerve::q31, nf::fir_symmetry::none>))->Name("fir_fold_q31/none/64");
BENCHMARK((fold_fixed<nerve::q31, nf::fir_symmetry::symmetric>))->Name("fir_fold_q31/symmetric/64");
