// IIR benchmarks (issue 3): biquad cascades.
//
//  biquad4/nerve            biquad_cascade<float, 4>::process on a 1024-sample block
//                           (state-space block path with xsimd); GFLOP/s counts the same
//                           10 flops per section and sample as the banks (the useful work of
//                           the recurrence, not the block path's larger operation count)
//  biquadS/nerve, S = 1, 2, 8   biquad_cascade<float, S>::process, 1024 samples (Butterworth
//                           low-pass of order 2S at 0.1; on AVX-512 the time-segment engine,
//                           see biquad.hpp), GFLOP/s = 10 flops per section and sample
//  biquad2/nerve_call16     the same S = 2 filter in 16-sample calls (the patient
//                           monitor's band-passes: the segment engine must not slow it)
//  biquad4/nerve_65536      biquad4/nerve on a 64 Ki-sample block
//  biquad4/stage_outer      the CMSIS-DSP loop order written out here as the baseline:
//                           one DF2T section over the whole block, then the next section,
//                           with explicit fused multiply-adds (as fast as that order gets)
//  biquad4/nerve_per_sample biquad_cascade<float, 4>::operator() sample by sample
//  biquad4x8/nerve          nerve::multi<biquad_cascade<float, 4>, 8>::process (8 channels:
//                           half an AVX-512 vector per section, see biquad_bank)
//  biquad4x16/nerve         nerve::multi<biquad_cascade<float, 4>, 16>::process, 1024 frames
//                           of 16 channels (items = channel samples); on AVX-512 the skewed
//                           pipeline of biquad_bank (section k on frame j - k): 0.98-1.01 of
//                           fma_peak/xsimd, 0.79-0.82 frame by frame (x32, x64 the same)
//  biquad4x32/nerve, biquad4x64/nerve  the same with 32 and 64 channels
//                           GFLOP/s counts 10 flops per section and channel-sample (5 multiplies,
//                           5 adds: b0 x, b1 x, b2 x, -a1 y, -a2 y and their sums); compare with
//                           fma_peak/xsimd (bench_fir.cpp) in the same run
//  biquad4_q15/nerve        biquad_cascade<q15, 4> sample by sample
//  filtfilt4/nerve          sosfiltfilt (zero phase: forward, then backward, scipy's padding)
//                           of the same 4 sections over 64 Ki float samples; GFLOP/s counts
//                           both passes (20 flops per section and sample). Its loop is the
//                           scalar DF2T of scipy's sosfilt, so compare with biquad4/nerve_65536
//                           (one pass, block engines) and biquad4/nerve_per_sample
// All use the same 8th-order Butterworth low-pass (4 sections) designed at compile time.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/filtfilt.hpp"

namespace {
constexpr std::size_t block = 1024;
constexpr auto sos8 = nerve::filter::butterworth<8, nerve::filter::band_type::lowpass>(0.1);

const std::array<float, block>& input_block() {
    static const auto data = [] {
        std::array<float, block> a{};
        for (std::size_t i = 0; i < block; ++i)
            a[i] = 0.5f * std::sin(0.01f * static_cast<float>(i)) + 0.25f * std::sin(0.9f * static_cast<float>(i));
        return a;
    }();
    return data;
}



// biquad_cascade<float, S>::process over Block samples in calls of Call samples.
template <std::size_t S, std::size_t Block, std::size_t Call>
void biquadS_nerve(benchmark::State& state) {
    constexpr auto sos = nerve::filter::butterworth<2 * S, nerve::filter::band_type::lowpass>(0.1);
    nerve::filter::biquad_cascade<float, S> f{sos};
    struct alignas(4096) buffers {
        std::array<float, Block> in;
        std::array<std::byte, 4096 + 1024> gap;
        std::array<float, Block> out;
    };
    static buffers buf{};
    for (std::size_t i = 0; i < Block; ++i) buf.in[i] = input_block()[i % block];
    for (auto _ : state) {
        for (std::size_t i = 0; i < Block; i += Call)
            f.process(std::span<const float>(buf.in.data() + i, Call), std::span<float>(buf.out.data() + i, Call));
        benchmark::DoNotOptimize(buf.out.data());
        benchmark::ClobberMemory();
    }
    const double samples = static_cast<double>(state.iterations()) * Block;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.counters["GFLOP/s"] = benchmark::Counter(samples * S * 10 * 1e-9, benchmark::Counter::kIsRate);
}
// biquad4/nerve runs here too: with its buffers wherever the linker put two function-local
// statics it measured 0.31 or 0.40 of the peak from one build to the next (same engine code).
BENCHMARK(biquadS_nerve<4, block, block>)->Name("biquad4/nerve");
BENCHMARK(biquadS_nerve<1, block, block>)->Name("biquad1/nerve");
BENCHMARK(biquadS_nerve<2, block, block>)->Name("biquad2/nerve");
BENCHMARK(biquadS_nerve<8, block, block>)->Name("biquad8/nerve");
BENCHMARK(biquadS_nerve<2, block, 16>)->Name("biquad2/nerve_call16");
BENCHMARK(biquadS_nerve<4, 65536, 65536>)->Name("biquad4/nerve_65536");

void biquad4_nerve_per_sample(benchmark::State& state) {
    nerve::filter::biquad_cascade<float, 4> f{sos8};
    const auto& in = input_block();
    static std::array<float, block> out{};
    for (auto _ : state) {
        for (std::size_t i = 0; i < block; ++i) out[i] = f(in[i]);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(biquad4_nerve_per_sample)->Name("biquad4/nerve_per_sample");

// Baseline: CMSIS-DSP's arm_biquad_cascade_df2T_f32 loop order (stage outer, sample inner).
struct stage_outer_df2t {
    float c[4][5];  // b0 b1 b2 -a1 -a2
    float s[4][2] = {};
    explicit stage_outer_df2t(const std::array<nerve::filter::sos_section<double>, 4>& sos) {
        for (int k = 0; k < 4; ++k) {
            const double a0 = sos[k].a0;
            c[k][0] = static_cast<float>(sos[k].b0 / a0);
            c[k][1] = static_cast<float>(sos[k].b1 / a0);
            c[k][2] = static_cast<float>(sos[k].b2 / a0);
            c[k][3] = static_cast<float>(-sos[k].a1 / a0);
            c[k][4] = static_cast<float>(-sos[k].a2 / a0);
        }
    }
    void process(const float* in, float* out, std::size_t n) {
        const float* src = in;
        for (int k = 0; k < 4; ++k) {
            const float b0 = c[k][0], b1 = c[k][1], b2 = c[k][2], na1 = c[k][3], na2 = c[k][4];
            float s1 = s[k][0], s2 = s[k][1];
            for (std::size_t i = 0; i < n; ++i) {
                const float x = src[i];
                const float y = std::fma(b0, x, s1);
                s1 = std::fma(na1, y, std::fma(b1, x, s2));
                s2 = std::fma(na2, y, b2 * x);
                out[i] = y;
            }
            s[k][0] = s1;
            s[k][1] = s2;
            src = out;
        }
    }
};

void biquad4_stage_outer(benchmark::State& state) {
    stage_outer_df2t f{sos8};
    const auto& in = input_block();
    static std::array<float, block> out{};
    for (auto _ : state) {
        f.process(in.data(), out.data(), block);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(biquad4_stage_outer)->Name("biquad4/stage_outer");

template <std::size_t C>
void biquad4xC_nerve(benchmark::State& state) {
    using bank = nerve::multi<nerve::filter::biquad_cascade<float, 4>, C>;
    static bank f{nerve::filter::biquad_cascade<float, 4>{sos8}};
    // One fixed layout: page-aligned input, output 5 KB past its end. Where the linker happened to
    // put two separate arrays moved this figure by up to 5 % between builds of the same kernel
    // (same bank code, 16 channels: 145 vs 140 GFLOP/s); with this layout both builds measured
    // the same.
    struct alignas(4096) buffers {
        std::array<std::array<float, C>, block> in;
        std::array<std::byte, 4096 + 1024> gap;
        std::array<std::array<float, C>, block> out;
    };
    static buffers buf{};
    auto& in = buf.in;
    auto& out = buf.out;
    const auto& x = input_block();
    for (std::size_t i = 0; i < block; ++i)
        for (std::size_t c = 0; c < C; ++c) in[i][c] = x[(i + 37 * c) % block];
    for (auto _ : state) {
        f.process(std::span<const std::array<float, C>>(in), std::span<std::array<float, C>>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    const double channel_samples = static_cast<double>(state.iterations()) * block * C;
    state.SetItemsProcessed(static_cast<std::int64_t>(channel_samples));
    state.counters["GFLOP/s"] = benchmark::Counter(channel_samples * 4 * 10 * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(biquad4xC_nerve<8>)->Name("biquad4x8/nerve");
BENCHMARK(biquad4xC_nerve<16>)->Name("biquad4x16/nerve");
BENCHMARK(biquad4xC_nerve<32>)->Name("biquad4x32/nerve");
BENCHMARK(biquad4xC_nerve<64>)->Name("biquad4x64/nerve");

void biquad4_q15_nerve(benchmark::State& state) {
    nerve::filter::biquad_cascade<nerve::q15, 4> f{sos8};
    static std::array<nerve::q15, block> in{}, out{};
    const auto& x = input_block();
    for (std::size_t i = 0; i < block; ++i) in[i] = nerve::q15::from_float(x[i]);
    for (auto _ : state) {
        nerve::process(f, std::span<const nerve::q15>(in), std::span<nerve::q15>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(biquad4_q15_nerve)->Name("biquad4_q15/nerve");
void filtfilt4_nerve(benchmark::State& state) {
    constexpr std::size_t n = 65536;
    static std::array<float, n> x{}, y{};
    for (std::size_t i = 0; i < n; ++i) x[i] = input_block()[i % block];
    for (auto _ : state) {
        auto r = nerve::filter::sosfiltfilt<float>(sos8, x, y);
        benchmark::DoNotOptimize(r);
        benchmark::DoNotOptimize(y.data());
    }
    const double samples = static_cast<double>(state.iterations()) * n;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.counters["GFLOP/s"] = benchmark::Counter(samples * 4 * 20 * 1e-9, benchmark::Counter::kIsRate);
}
BENCHMARK(filtfilt4_nerve)->Name("filtfilt4/nerve");

}  // namespace
