// Benchmarks of the moving-window statistics and the Hampel spike filter (filter/moving_rms.hpp,
// moving_minmax.hpp, moving_median.hpp, hampel.hpp), sample by sample over a 4096-sample block.
//
//  moving_rms/nerve/64           moving_rms<float, 64> (Kahan running sum, re-summed every window)
//  moving_rms_q15/nerve/64       moving_rms<q15, 64> (exact int64 sum, integer square root: a float
//                                root corrected by a step since stop 55, bit by bit before: 18x slower)
//  moving_minmax/nerve/<N>       moving_minmax<float, N> (van Herk / Gil-Werman blocks since stop 55;
//                                two monotonic deques before: 6.6x / 3.9x slower here), N = 16, 256
//  moving_median/nerve/<N>       moving_median<float, N> (sorted window, insertion), N = 5, 31, 101
//  hampel/nerve/<N>              hampel<float, N> (median + MAD of a centred window; the MAD by
//                                bisection since stop 55: N = 31 2.1x), N = 7, 31
//
// Input: noise plus a slow sine, with a 5-sigma spike every 97 samples (so Hampel replaces some).
// Items = input samples.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "nerve/core/fixed_point.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/hampel.hpp"
#include "nerve/filter/moving_median.hpp"
#include "nerve/filter/moving_minmax.hpp"
#include "nerve/filter/moving_rms.hpp"

namespace {
constexpr std::size_t block = 4096;

const std::array<float, block>& input_block() {
    static const auto data = [] {
        std::array<float, block> a{};
        std::uint32_t seed = 12345;
        for (std::size_t i = 0; i < block; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const float noise = static_cast<float>(seed >> 8) * (1.0f / 16777216.0f) - 0.5f;
            a[i] = 0.3f * std::sin(0.01f * static_cast<float>(i)) + 0.2f * noise;
            if (i % 97 == 0) a[i] += 0.8f;
        }
        return a;
    }();
    return data;
}

const std::array<nerve::q15, block>& input_block_q15() {
    static const auto data = [] {
        std::array<nerve::q15, block> a{};
        const auto& f = input_block();
        for (std::size_t i = 0; i < block; ++i) a[i] = nerve::from_double<nerve::q15>(0.9 * static_cast<double>(f[i]));
        return a;
    }();
    return data;
}

template <class Op, class In>
void run_simple(benchmark::State& state, Op& op, const std::array<In, block>& in) {
    using Out = typename Op::output_type;
    static std::array<Out, block> out{};
    for (auto _ : state) {
        nerve::process(op, std::span<const In>(in), std::span<Out>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

void moving_rms_f32(benchmark::State& s) {
    static nerve::filter::moving_rms<float, 64> op;
    run_simple(s, op, input_block());
}
void moving_rms_q15(benchmark::State& s) {
    static nerve::filter::moving_rms<nerve::q15, 64> op;
    run_simple(s, op, input_block_q15());
}
template <std::size_t N>
void moving_minmax_f32(benchmark::State& s) {
    static nerve::filter::moving_minmax<float, N> op;
    run_simple(s, op, input_block());
}
template <std::size_t N>
void moving_median_f32(benchmark::State& s) {
    static nerve::filter::moving_median<float, N> op;
    run_simple(s, op, input_block());
}
template <std::size_t N>
void hampel_f32(benchmark::State& s) {
    static nerve::filter::hampel<float, N> op{3.0};
    run_simple(s, op, input_block());
}
}  // namespace

BENCHMARK(moving_rms_f32)->Name("moving_rms/nerve/64");
BENCHMARK(moving_rms_q15)->Name("moving_rms_q15/nerve/64");
BENCHMARK(moving_minmax_f32<16>)->Name("moving_minmax/nerve/16");
BENCHMARK(moving_minmax_f32<256>)->Name("moving_minmax/nerve/256");
BENCHMARK(moving_median_f32<5>)->Name("moving_median/nerve/5");
BENCHMARK(moving_median_f32<31>)->Name("moving_median/nerve/31");
BENCHMARK(moving_median_f32<101>)->Name("moving_median/nerve/101");
BENCHMARK(hampel_f32<7>)->Name("hampel/nerve/7");
BENCHMARK(hampel_f32<31>)->Name("hampel/nerve/31");
