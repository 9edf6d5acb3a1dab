// Benchmarks of the remaining filter operators (filter/lms.hpp, fir_interpolator.hpp,
// resampler.hpp, one_pole.hpp, rbj.hpp, chebyshev1.hpp). Items = input samples unless noted.
//
//  lms/nerve/32                  NLMS lms<float, 32> identifying an unknown 16-tap FIR (adapts
//                                every sample); items = {x, desired} pairs
//  lms_q15/nerve/32              the same with lms<q15, 32>
//  fir_interpolator/nerve/4x64   fir_interpolator<float, 64, 4>::process (L = 4, 64 taps; emits 4
//                                outputs per input)
//  resampler/nerve/3_2           resampler<float, 3, 2> (resample_poly default design, 61 taps)
//  resampler/nerve/160_147       resampler<float, 160, 147> (44.1 kHz -> 48 kHz, 3201 taps)
//  one_pole/nerve                one_pole<float>::lowpass sample by sample
//  one_pole_q15/nerve            one_pole<q15>::lowpass
//  rbj_peaking/nerve             biquad_cascade<float, 1>{rbj_peaking(...)} block process
//  rbj_notch/nerve               biquad_cascade<float, 1>{rbj_notch(...)} block process
//  chebyshev1/nerve/8            biquad_cascade<float, 4>{chebyshev1_lowpass<8>(...)} block process
//  chebyshev1_design/nerve/8     chebyshev1_lowpass<8> designed at run time (items = designs)
//  chebyshev1_design/constexpr/8 the same design as a constexpr table (items = designs; the
//                                baseline: copying the compile-time result)
//  vibration_integrator/nerve    vibration_integrator<float> (10-1000 Hz at 25.6 kHz) block process,
//                                its default form on SIMD hosts: the sections in a double cascade
//  vibration_integrator/state_variable  the state-variable form (the Cortex-M4's and aarch64's) block
//                                process: since stop 56 its time-segment engine on SIMD hosts
//  vibration_integrator/sos_cascade  the same transfer function as biquad_cascade<float, 2>{
//                                velocity_from_acceleration(...)} through its block engines: the
//                                speed both forms give up for precision (the float direct form is
//                                ~1e-3 of the RMS off here, see vibration_integrator.hpp)
//  vibration_integrator/sos_cascade_double  biquad_cascade<double, 2> of the same sections on double
//                                data (what the default form runs, without the float<->double copies)
//  vibration_severity/nerve      stats::vibration_severity<float>: the integrator, mean square and
//                                peak, a reading every second
#include <benchmark/benchmark.h>

#include "bench_streams.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "nerve/core/fixed_point.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/core/units.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/chebyshev1.hpp"
#include "nerve/filter/fir_interpolator.hpp"
#include "nerve/filter/lms.hpp"
#include "nerve/filter/one_pole.hpp"
#include "nerve/filter/rbj.hpp"
#include "nerve/filter/resampler.hpp"
#include "nerve/filter/vibration_integrator.hpp"
#include "nerve/stats/vibration_severity.hpp"

namespace {
namespace nf = nerve::filter;
constexpr std::size_t block = 4096;

const std::array<float, block>& input_block() { return nerve_bench::tones_and_noise<block>(); }

const std::array<nerve::q15, block>& input_block_q15() {
    static const auto data = [] {
        std::array<nerve::q15, block> a{};
        const auto& f = input_block();
        for (std::size_t i = 0; i < block; ++i) a[i] = nerve::from_double<nerve::q15>(static_cast<double>(f[i]));
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

// ---- LMS: system identification of a fixed 16-tap FIR from white-ish noise.
template <class T>
const std::array<nf::lms_input<T>, block>& lms_pairs() {
    static const auto data = [] {
        std::array<nf::lms_input<T>, block> a{};
        constexpr std::array<double, 16> h{0.30, -0.20, 0.15, 0.10, -0.08, 0.06, 0.05, -0.04,
                                           0.03, 0.02, -0.02, 0.015, 0.01, -0.01, 0.005, 0.002};
        std::array<double, 16> d{};
        std::uint32_t seed = 4242;
        for (std::size_t i = 0; i < block; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const double x = (static_cast<double>(seed >> 8) * (1.0 / 16777216.0) - 0.5) * 0.8;
            for (std::size_t k = 15; k > 0; --k) d[k] = d[k - 1];
            d[0] = x;
            double y = 0.0;
            for (std::size_t k = 0; k < 16; ++k) y += h[k] * d[k];
            a[i].x = nerve::from_double<T>(x);
            a[i].desired = nerve::from_double<T>(y);
        }
        return a;
    }();
    return data;
}

template <class T>
void lms_bench(benchmark::State& state) {
    static nf::lms<T, 32> op{typename nf::lms<T, 32>::config{0.1, true, 1e-6, nf::lms_output::error}};
    run_simple(state, op, lms_pairs<T>());
}

// ---- Interpolator / resampler (general operators with a block process()).
void fir_interpolator_4x64(benchmark::State& state) {
    static nf::fir_interpolator<float, 64, 4> op;
    const auto& in = input_block();
    static std::array<float, 4 * block> out{};
    std::size_t n = 0;
    for (auto _ : state) {
        n = op.process(std::span<const float>(in), std::span<float>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

template <std::size_t L, std::size_t M>
void resampler_bench(benchmark::State& state) {
    static nf::resampler<float, L, M> op;
    const auto& in = input_block();
    static std::array<float, block * L / M + 2> out{};
    std::size_t n = 0;
    for (auto _ : state) {
        n = op.process(std::span<const float>(in), std::span<float>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(n);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

// ---- One pole.
void one_pole_f32(benchmark::State& state) {
    static auto op = nf::one_pole<float>::lowpass(nerve::hertz{50.0}, nerve::sample_rate{1000.0});
    run_simple(state, op, input_block());
}
void one_pole_q15(benchmark::State& state) {
    static auto op = nf::one_pole<nerve::q15>::lowpass(nerve::hertz{50.0}, nerve::sample_rate{1000.0});
    run_simple(state, op, input_block_q15());
}

// ---- Acceleration to velocity (vibration severity).
void vibration_integrator_default(benchmark::State& state) {
    static nf::vibration_integrator<float> op{nerve::hertz{10.0}, nerve::hertz{1000.0}, nerve::sample_rate{25600.0}};
    run_simple(state, op, input_block());
}
void vibration_integrator_svf_form(benchmark::State& state) {
    static nf::vibration_integrator<float, nf::velocity_form::state_variable> op{
        nerve::hertz{10.0}, nerve::hertz{1000.0}, nerve::sample_rate{25600.0}};
    run_simple(state, op, input_block());
}
void vibration_integrator_sos(benchmark::State& state) {
    static nf::biquad_cascade<float, 2> op{
        nf::velocity_from_acceleration(nerve::hertz{10.0}, nerve::hertz{1000.0}, nerve::sample_rate{25600.0})};
    run_simple(state, op, input_block());
}
void vibration_integrator_sos_double(benchmark::State& state) {
    static nf::biquad_cascade<double, 2> op{
        nf::velocity_from_acceleration(nerve::hertz{10.0}, nerve::hertz{1000.0}, nerve::sample_rate{25600.0})};
    static std::array<double, block> in{}, out{};
    static bool init = [] {
        for (std::size_t i = 0; i < block; ++i) in[i] = input_block()[i];
        return true;
    }();
    benchmark::DoNotOptimize(init);
    for (auto _ : state) {
        op.process(std::span<const double>(in), std::span<double>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
void vibration_severity_bench(benchmark::State& state) {
    nerve::stats::vibration_severity_config c;
    c.fs_hz = 25600.0;
    static nerve::stats::vibration_severity<float> op{c};
    const auto& in = input_block();
    double last = 0;
    for (auto _ : state) {
        op.process(std::span<const float>(in), [&](const nerve::stats::severity_reading& r) { last = r.velocity_rms; });
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(last);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

// ---- RBJ cookbook biquads.
void rbj_peaking_f32(benchmark::State& state) {
    static nf::biquad_cascade<float, 1> op{
        nf::rbj_peaking(nerve::hertz{1000.0}, 2.0, 6.0, nerve::sample_rate{48000.0})};
    run_simple(state, op, input_block());
}
void rbj_notch_f32(benchmark::State& state) {
    static nf::biquad_cascade<float, 1> op{nf::rbj_notch(nerve::hertz{50.0}, 30.0, nerve::sample_rate{1000.0})};
    run_simple(state, op, input_block());
}

// ---- Chebyshev I.
constexpr auto cheby8 = nf::chebyshev1_lowpass<8>(0.5, nerve::hertz{100.0}, nerve::sample_rate{1000.0});

void chebyshev1_filter8(benchmark::State& state) {
    static nf::biquad_cascade<float, 4> op{cheby8};
    run_simple(state, op, input_block());
}

void chebyshev1_design_runtime(benchmark::State& state) {
    double ripple = 0.5, fc = 100.0, fs = 1000.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(ripple);
        benchmark::DoNotOptimize(fc);
        benchmark::DoNotOptimize(fs);
        auto sos = nf::chebyshev1_lowpass<8>(ripple, nerve::hertz{fc}, nerve::sample_rate{fs});
        benchmark::DoNotOptimize(sos);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void chebyshev1_design_constexpr(benchmark::State& state) {
    for (auto _ : state) {
        auto sos = cheby8;
        benchmark::DoNotOptimize(sos);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
}  // namespace

BENCHMARK(lms_bench<float>)->Name("lms/nerve/32");
BENCHMARK(lms_bench<nerve::q15>)->Name("lms_q15/nerve/32");
BENCHMARK(fir_interpolator_4x64)->Name("fir_interpolator/nerve/4x64");
BENCHMARK(resampler_bench<3, 2>)->Name("resampler/nerve/3_2");
BENCHMARK(resampler_bench<160, 147>)->Name("resampler/nerve/160_147");
BENCHMARK(one_pole_f32)->Name("one_pole/nerve");
BENCHMARK(one_pole_q15)->Name("one_pole_q15/nerve");
BENCHMARK(vibration_integrator_default)->Name("vibration_integrator/nerve");
BENCHMARK(vibration_integrator_svf_form)->Name("vibration_integrator/state_variable");
BENCHMARK(vibration_integrator_sos)->Name("vibration_integrator/sos_cascade");
BENCHMARK(vibration_integrator_sos_double)->Name("vibration_integrator/sos_cascade_double");
BENCHMARK(vibration_severity_bench)->Name("vibration_severity/nerve");
BENCHMARK(rbj_peaking_f32)->Name("rbj_peaking/nerve");
BENCHMARK(rbj_notch_f32)->Name("rbj_notch/nerve");
BENCHMARK(chebyshev1_filter8)->Name("chebyshev1/nerve/8");
BENCHMARK(chebyshev1_design_runtime)->Name("chebyshev1_design/nerve/8");
BENCHMARK(chebyshev1_design_constexpr)->Name("chebyshev1_design/constexpr/8");
