// Benchmarks of the remaining spectral operators (spectral/fft_fixed.hpp, spectral_kurtosis.hpp,
// spectrum_average.hpp, to_db.hpp, bearing.hpp, gear_mesh.hpp, motor_current.hpp, edge_features.hpp).
//
//  rfft_q15/nerve/1024            real_fft<q15, 1024>::forward (items = input samples, as rfft/nerve/N)
//  rfft_q31/nerve/1024            real_fft<q31, 1024>::forward (items = input samples)
//  spectral_kurtosis/nerve/513    spectral_kurtosis<513>{16}::push of one 1024-point STFT frame
//                                 (complex bins; emits every 16 frames) (items = frames)
//  spectrum_average/nerve/513     spectrum_average<513>{mean, 16}::push of one spectrum (items = spectra)
//  spectrum_average_max/nerve/513 the same with average::max_hold
//  to_db/nerve/513                to_db<513>::compute of one spectrum (items = spectra)
//  bearing/nerve/4097             bearing_defects<3>::compute on an 8192-point envelope spectrum
//                                 (5 defects x 3 harmonics) (items = spectra)
//  gear_mesh/nerve/8193           gear_mesh<3, 6>::compute on a 16384-point spectrum at 12 kHz (a
//                                 23/61-tooth pair: 3 mesh harmonics, 6 sidebands a side of each
//                                 gear) (items = spectra)
//  motor_current/nerve/4097       motor_current<2>::compute on an 8192-point stator-current spectrum
//                                 at 400 Hz (a 4-pole motor at 3 % slip: supply line, eccentricity
//                                 line, broken-bar sidebands) (items = spectra)
//  edge_features/nerve/250x64     edge_spectral_features<250, 64, 4, 3>::compute of one 250-sample
//                                 window (time features, max-hold welch, peaks, bands, dB, spectral
//                                 moments) (items = frames)
//  goertzel/nerve/1024xK          goertzel<1024, K>{Hann}::compute of one frame at K = 1, 4, 8
//                                 frequencies (items = input samples, as rfft_stage/nerve/1024 in
//                                 bench_spectral.cpp: the whole windowed rfft of the same frame size)
// Spectra are synthetic (tones + pseudo-random floor), built once outside the timed loops.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <complex>
#include <cstdint>
#include <span>

#include "nerve/core/fixed_point.hpp"
#include "nerve/core/units.hpp"
#include "nerve/spectral/bearing.hpp"
#include "nerve/spectral/gear_mesh.hpp"
#include "nerve/spectral/motor_current.hpp"
#include "nerve/spectral/edge_features.hpp"
#include "nerve/spectral/fft_fixed.hpp"
#include "nerve/spectral/goertzel.hpp"
#include "nerve/spectral/spectral_kurtosis.hpp"
#include "nerve/spectral/spectrum.hpp"
#include "nerve/spectral/spectrum_average.hpp"
#include "nerve/spectral/to_db.hpp"

namespace {
namespace sp = nerve::spectral;

double uniform(std::uint32_t& s) {
    s = s * 1664525u + 1013904223u;
    return static_cast<double>(s >> 8) * (1.0 / 16777216.0);
}

// ---- Fixed-point real FFT.
template <class Q, std::size_t N>
const std::array<Q, N>& fixed_signal() {
    static const auto data = [] {
        std::array<Q, N> a{};
        std::uint32_t s = 1;
        for (std::size_t i = 0; i < N; ++i)
            a[i] = nerve::from_double<Q>(0.5 * std::sin(0.05 * static_cast<double>(i)) + 0.4 * (uniform(s) - 0.5));
        return a;
    }();
    return data;
}

template <class Q, class C, std::size_t N>
void rfft_fixed(benchmark::State& state) {
    static sp::real_fft<Q, N> f;
    const auto& in = fixed_signal<Q, N>();
    alignas(64) static std::array<C, N / 2 + 1> out{};
    for (auto _ : state) {
        f.forward(std::span<const Q, N>(in), std::span<C, N / 2 + 1>(out));
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
}

// ---- A synthetic 1024-point spectrum (513 bins) with complex bins and power values.
const sp::spectrum_view<float>& spectrum_513() {
    static std::array<std::complex<float>, 513> bins{};
    static std::array<float, 513> power{};
    static const sp::spectrum_view<float> view = [] {
        std::uint32_t seed = 99;
        for (std::size_t k = 0; k < bins.size(); ++k) {
            const double re = uniform(seed) - 0.5, im = uniform(seed) - 0.5;
            const double gain = (k == 50 || k == 120 || k == 300) ? 40.0 : 1.0;
            bins[k] = {static_cast<float>(gain * re), static_cast<float>(gain * im)};
            power[k] = std::norm(bins[k]);
        }
        sp::spectrum_view<float> v{};
        v.values = std::span<const float>(power);
        v.bins = std::span<const std::complex<float>>(bins);
        v.bin_hz = 1000.0 / 1024.0;
        v.enbw_bins = 1.5;
        v.window_sum = 512.0;
        v.fft_size = 1024;
        v.kind = sp::quantity::power;
        return v;
    }();
    return view;
}

void spectral_kurtosis_513(benchmark::State& state) {
    static sp::spectral_kurtosis<513> op{16};
    const auto& v = spectrum_513();
    float sink = 0.0f;
    for (auto _ : state) {
        op.push(v, [&](const sp::spectrum_view<float>& r) { sink += r.values[50]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void spectrum_average_513(benchmark::State& state, sp::average mode) {
    static sp::spectrum_average<513> mean_op{sp::average::mean, 16};
    static sp::spectrum_average<513> max_op{sp::average::max_hold, 16};
    auto& op = mode == sp::average::mean ? mean_op : max_op;
    const auto& v = spectrum_513();
    float sink = 0.0f;
    for (auto _ : state) {
        op.push(v, [&](const sp::spectrum_view<float>& r) { sink += r.values[50]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void to_db_513(benchmark::State& state) {
    static sp::to_db<513> op;
    const auto& v = spectrum_513();
    for (auto _ : state) {
        const bool ok = op.compute(v);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(op.result().values.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- Bearing defect levels: an 8192-point envelope spectrum (fs = 12 kHz) with BPFO lines.
constexpr sp::bearing_geometry skf6205{9, 0.3126, 1.537, 0.0};
constexpr double shaft_hz = 1797.0 / 60.0;

const sp::spectrum_view<float>& envelope_spectrum_4097() {
    static std::array<float, 4097> values{};
    static const sp::spectrum_view<float> view = [] {
        constexpr double fs = 12000.0, n = 8192.0;
        const double bpfo = sp::defect_frequencies_of(skf6205, nerve::hertz{shaft_hz}).bpfo;
        std::uint32_t seed = 5;
        for (std::size_t k = 0; k < values.size(); ++k) values[k] = static_cast<float>(1e-4 * (0.5 + uniform(seed)));
        for (int h = 1; h <= 3; ++h) {
            const auto k = static_cast<std::size_t>(h * bpfo * n / fs + 0.5);
            values[k] += 1e-2f / static_cast<float>(h);
            values[k + 1] += 4e-3f / static_cast<float>(h);
        }
        sp::spectrum_view<float> v{};
        v.values = std::span<const float>(values);
        v.bin_hz = fs / n;
        v.enbw_bins = 1.5;
        v.window_sum = n / 2;
        v.fft_size = 8192;
        v.kind = sp::quantity::power;
        return v;
    }();
    return view;
}

void bearing_4097(benchmark::State& state) {
    static sp::bearing_defects<3> op{skf6205, nerve::hertz{shaft_hz}, 0.03};
    const auto& v = envelope_spectrum_4097();
    for (auto _ : state) {
        const bool ok = op.compute(v);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(op.result().score);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void gear_mesh_8193(benchmark::State& state) {
    constexpr double fs = 12000.0, n = 16384.0, mesh = 23.0 * shaft_hz, mate = mesh / 61.0;
    static std::array<float, 8193> values{};
    std::uint32_t seed = 9;
    for (float& v : values) v = static_cast<float>(1e-6 * (0.5 + uniform(seed)));
    for (int h = 1; h <= 3; ++h)
        for (int k = -4; k <= 4; ++k) {
            const auto b = static_cast<std::size_t>((h * mesh + k * mate) * n / fs + 0.5);
            values[b] += k == 0 ? 0.1f / static_cast<float>(h) : 0.01f / static_cast<float>(h * (k < 0 ? -k : k));
        }
    sp::spectrum_view<float> v{};
    v.values = std::span<const float>(values);
    v.bin_hz = fs / n;
    v.enbw_bins = 1.5;
    v.fft_size = 16384;
    v.kind = sp::quantity::power;
    static sp::gear_mesh<3, 6> op{{23, 61}, nerve::hertz{shaft_hz}};
    for (auto _ : state) {
        const bool ok = op.compute(v);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(op.result().mesh);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void motor_current_4097(benchmark::State& state) {
    constexpr double fs = 400.0, n = 8192.0, line = 50.0, slip = 0.03, rotor = (1.0 - slip) * line / 2.0;
    static std::array<float, 4097> values{};
    std::uint32_t seed = 5;
    for (float& v : values) v = static_cast<float>(1e-10 * (0.5 + uniform(seed)));
    auto add = [&](double hz, double power) { values[static_cast<std::size_t>(hz * n / fs + 0.5)] += static_cast<float>(1.5 * power); };
    add(line, 0.5);
    add(line + rotor, 0.5e-5);
    add(line * (1.0 - 2.0 * slip), 1.58e-5);
    add(line * (1.0 + 2.0 * slip), 1.58e-5);
    sp::spectrum_view<float> v{};
    v.values = std::span<const float>(values);
    v.bin_hz = fs / n;
    v.enbw_bins = 1.5;
    v.fft_size = 8192;
    v.kind = sp::quantity::power;
    static sp::motor_current<2> op{{50.0, 4}, nerve::hertz{1440.0 / 60.0}};
    for (auto _ : state) {
        const bool ok = op.compute(v);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(op.result().lower);
    }
    if (op.result().condition() != sp::rotor_condition::cracked_bar) state.SkipWithError("wrong reading");
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- Edge Impulse-style spectral features of one 250-sample window.
void edge_features_250x64(benchmark::State& state) {
    static sp::edge_spectral_features<250, 64, 4, 3> op{nerve::sample_rate{62.5}, {0.1, 0.5, 1.0, 2.0, 5.0}};
    static const auto frame = [] {
        std::array<float, 250> a{};
        std::uint32_t s = 11;
        for (std::size_t i = 0; i < a.size(); ++i)
            a[i] = static_cast<float>(0.2 + std::sin(2.0 * 3.141592653589793 * 1.3 * static_cast<double>(i) / 62.5) +
                                      0.3 * (uniform(s) - 0.5));
        return a;
    }();
    for (auto _ : state) {
        const bool ok = op.compute(std::span<const float, 250>(frame));
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(op.result().spectral_kurtosis);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// ---- Goertzel at K frequencies (bearing-defect-like lines and mains hum, fs = 12 kHz).
template <std::size_t K>
void goertzel_1024(benchmark::State& state) {
    static const auto x = [] {
        std::array<float, 1024> a{};
        std::uint32_t s = 3;
        for (std::size_t i = 0; i < a.size(); ++i)
            a[i] = static_cast<float>(0.5 * std::sin(0.05 * static_cast<double>(i)) + 0.4 * (uniform(s) - 0.5));
        return a;
    }();
    constexpr std::array<double, 8> lines{107.4, 162.2, 214.8, 324.4, 50.0, 100.0, 429.6, 3000.0};
    std::array<double, K> hz{};
    for (std::size_t k = 0; k < K; ++k) hz[k] = lines[k];
    static sp::goertzel<1024, K> op{hz, nerve::sample_rate{12000.0}, nerve::window::hann};
    for (auto _ : state) {
        op.compute(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(op.result()[K - 1].power);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
}
}  // namespace

BENCHMARK(rfft_fixed<nerve::q15, sp::cq15, 1024>)->Name("rfft_q15/nerve/1024");
BENCHMARK(rfft_fixed<nerve::q31, sp::cq31, 1024>)->Name("rfft_q31/nerve/1024");
BENCHMARK(spectral_kurtosis_513)->Name("spectral_kurtosis/nerve/513");
BENCHMARK_CAPTURE(spectrum_average_513, mean, sp::average::mean)->Name("spectrum_average/nerve/513");
BENCHMARK_CAPTURE(spectrum_average_513, max_hold, sp::average::max_hold)->Name("spectrum_average_max/nerve/513");
BENCHMARK(to_db_513)->Name("to_db/nerve/513");
BENCHMARK(bearing_4097)->Name("bearing/nerve/4097");
BENCHMARK(gear_mesh_8193)->Name("gear_mesh/nerve/8193");
BENCHMARK(motor_current_4097)->Name("motor_current/nerve/4097");
BENCHMARK(edge_features_250x64)->Name("edge_features/nerve/250x64");
BENCHMARK(goertzel_1024<1>)->Name("goertzel/nerve/1024x1");
BENCHMARK(goertzel_1024<4>)->Name("goertzel/nerve/1024x4");
BENCHMARK(goertzel_1024<8>)->Name("goertzel/nerve/1024x8");
