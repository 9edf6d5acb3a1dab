// Single-channel biquad engines side by side (AVX-512 float only): every block engine of
// biquad.hpp for S = 1..8 sections, each behind the same non-inlined call, on the same
// Butterworth low-pass of order 2S at 0.1 as biquadS/nerve (bench_iir.cpp). This is how the
// dispatch in biquad_cascade<float, S> was chosen; compare GFLOP/s (10 flops per section and
// sample) with fma_peak/xsimd (bench_fir.cpp) in the same run.
//
//  biquad_engine/<engine>/<S>/<n>   n samples (1024 or 65536) in one call; engines:
//    block    iir_detail::block_engine (16-sample blocks, state in a vector of its own)
//    packed   iir_detail::packed_engine (S <= 7: 32 - 2S sample blocks, state packed)
//    pair     iir_detail::pair_engine (3 <= S <= 6: packed blocks fed by pair broadcasts)
//    segment  iir_detail::segment_engine<S> (16 time segments in the lanes: 128 samples each
//             while 2048 samples remain, then 64, as biquad_cascade::process)
// Engines only (no bad-input redo, no tail): a block that comes out non-finite is not
// redone here; the input is finite and the filters are stable, so none does.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

#if NERVE_IIR_PACKED
namespace {
namespace iir = nerve::filter::iir_detail;

enum class engine_kind { block, packed, pair, segment };

template <std::size_t S>
constexpr auto engine_sos = nerve::filter::butterworth<2 * S, nerve::filter::band_type::lowpass>(0.1);

template <std::size_t S>
std::array<nerve::filter::sos_section<double>, S> sos_double() {
    std::array<nerve::filter::sos_section<double>, S> d{};
    for (std::size_t k = 0; k < S; ++k) {
        const auto& s = engine_sos<S>[k];
        d[k] = {double(s.b0), double(s.b1), double(s.b2), double(s.a0), double(s.a1), double(s.a2)};
    }
    return d;
}

template <engine_kind E, std::size_t S>
struct engine_under_test {
    static constexpr bool available = E == engine_kind::block || E == engine_kind::segment ||
                                      (E == engine_kind::packed && S <= 7) ||
                                      (E == engine_kind::pair && S >= 3 && S <= 6);
    iir::block_engine<float, S> block{};
    iir::packed_engine<(S <= 7 ? S : 7)> packed{};
    iir::pair_engine<(S >= 3 && S <= 6 ? S : 3)> pair{};
    iir::segment_engine<S> segment{};
    std::array<iir::df_coeffs<float>, S> cf{};
    alignas(64) std::array<float, 2 * S> st{};
    float last = 0;

    engine_under_test() {
        const auto d = sos_double<S>();
        for (std::size_t k = 0; k < S; ++k) cf[k] = iir::to_df_coeffs<float>(d[k]);
        if constexpr (E == engine_kind::block) block.build(d);
        if constexpr (E == engine_kind::packed && S <= 7) packed.build(d);
        if constexpr (E == engine_kind::pair && S >= 3 && S <= 6) pair.build(d);
        if constexpr (E == engine_kind::segment) segment.build(cf);
    }

    // One call over n samples (n a multiple of 1024): the engine's own loop.
    [[gnu::noinline]] void run(const float* x, float* y, std::size_t n) {
        if constexpr (E == engine_kind::block) {
            for (std::size_t i = 0; i + 16 <= n; i += 16) block.run(x + i, y + i, st.data());
        } else if constexpr (E == engine_kind::packed && S <= 7) {
            packed.run(x, y, st.data(), n, last);
        } else if constexpr (E == engine_kind::pair && S >= 3 && S <= 6) {
            pair.run(x, y, st.data(), n, last);
        } else if constexpr (E == engine_kind::segment) {
            auto redo = [](float v) { return v; };
            std::size_t i = 0;
            for (; i + 2048 <= n; i += 2048) segment.template run<128>(x + i, y + i, st.data(), last, redo);
            for (; i + 1024 <= n; i += 1024) segment.template run<64>(x + i, y + i, st.data(), last, redo);
        }
    }
};

template <engine_kind E, std::size_t S, std::size_t N>
void biquad_engine(benchmark::State& state) {
    static engine_under_test<E, S> f;
    struct alignas(4096) buffers {
        std::array<float, N> in;
        std::array<std::byte, 4096 + 1024> gap;
        std::array<float, N> out;
    };
    static buffers buf{};
    for (std::size_t i = 0; i < N; ++i)
        buf.in[i] = 0.5f * std::sin(0.01f * static_cast<float>(i % 1024)) +
                    0.25f * std::sin(0.9f * static_cast<float>(i % 1024));
    for (auto _ : state) {
        f.run(buf.in.data(), buf.out.data(), N);
        benchmark::DoNotOptimize(buf.out.data());
        benchmark::ClobberMemory();
    }
    const double samples = static_cast<double>(state.iterations()) * N;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.counters["GFLOP/s"] = benchmark::Counter(samples * S * 10 * 1e-9, benchmark::Counter::kIsRate);
}

#define NERVE_ENGINE_BENCH(E, S)                                                                               \
    BENCHMARK(biquad_engine<engine_kind::E, S, 1024>)->Name("biquad_engine/" #E "/" #S "/1024");               \
    BENCHMARK(biquad_engine<engine_kind::E, S, 65536>)->Name("biquad_engine/" #E "/" #S "/65536");
#define NERVE_ENGINE_BENCH_ALL(S) NERVE_ENGINE_BENCH(block, S) NERVE_ENGINE_BENCH(segment, S)
NERVE_ENGINE_BENCH_ALL(1)
NERVE_ENGINE_BENCH_ALL(2)
NERVE_ENGINE_BENCH_ALL(3)
NERVE_ENGINE_BENCH_ALL(4)
NERVE_ENGINE_BENCH_ALL(5)
NERVE_ENGINE_BENCH_ALL(6)
NERVE_ENGINE_BENCH_ALL(7)
NERVE_ENGINE_BENCH_ALL(8)
NERVE_ENGINE_BENCH(packed, 1)
NERVE_ENGINE_BENCH(packed, 2)
NERVE_ENGINE_BENCH(packed, 3)
NERVE_ENGINE_BENCH(packed, 4)
NERVE_ENGINE_BENCH(packed, 5)
NERVE_ENGINE_BENCH(packed, 6)
NERVE_ENGINE_BENCH(packed, 7)
NERVE_ENGINE_BENCH(pair, 3)
NERVE_ENGINE_BENCH(pair, 4)
NERVE_ENGINE_BENCH(pair, 5)
NERVE_ENGINE_BENCH(pair, 6)
}  // namespace
#endif
