// bench/bench_spectral.cpp — spectral operators on top of the FFT (items = input samples).
//
// welch/nerve/1024       : framer<1024, 512> | welch<1024> (Hann, density, mean), per sample
// compact_welch/nerve/1024 : compact_welch<1024>, the same estimate in 1.5 N floats (in-place
//                          radix-2^2 FFT, window in frequency, inverse FFT), per sample; /4096 and
//                          welch/nerve/4096 the same at 4096 (the motor current monitor's size);
//                          ram_bytes: sizeof of what each keeps; compact_welch_process/nerve/4096
//                          the same samples through process() in one span (runs copied whole)
// rfft_stage/nerve/1024  : one frame through rfft<1024>{hann}: window + real FFT + power
// periodogram_stage/nerve/1024 : the same frame through periodogram<1024, float, hann>: the same
//                          values in place (no bins), its window table compile-time
// features/nerve/1024    : one 1024 frame -> time_features (no percentiles) + rfft{hann}
//                          + spectral_shape + band_power<8> + dominant_peaks<3>
// time_features/nerve/1024, time_features_pct/nerve/1024 (5 percentiles: one sort),
// spectral_shape/nerve/513, envelope/nerve/1024 (band mask + Hilbert + envelope spectrum),
// stft/nerve/256x64 (per sample).
// rfft_stage/nerve/512, mel_bands/nerve/512x40 (dB), mfcc/nerve/40x13: the MFCC front end at
// 16 kHz (librosa's defaults), one 512-sample frame each (items = frame samples); their sum is a
// frame of MFCC features.
// lomb_scargle/nerve/375x257: the Lomb-Scargle density of 5 minutes of RR intervals (375 beats)
// on 257 bins (HRV's grid, 1/512 Hz to 0.5 Hz), one spectrum (items = points).
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <span>

#include "nerve/core/framer.hpp"
#include "nerve/spectral/band_power.hpp"
#include "nerve/spectral/compact_welch.hpp"
#include "nerve/spectral/envelope.hpp"
#include "nerve/spectral/lomb_scargle.hpp"
#include "nerve/spectral/mel_filterbank.hpp"
#include "nerve/spectral/mfcc.hpp"
#include "nerve/spectral/peaks.hpp"
#include "nerve/spectral/periodogram.hpp"
#include "nerve/spectral/rfft.hpp"
#include "nerve/spectral/spectral_shape.hpp"
#include "nerve/spectral/stft.hpp"
#include "nerve/spectral/welch.hpp"
#include "nerve/stats/time_features.hpp"

namespace {

namespace sp = nerve::spectral;

template <std::size_t N>
const std::array<float, N>& spectral_signal() {
    static const std::array<float, N> x = [] {
        std::array<float, N> a{};
        std::uint32_t s = 3;
        for (std::size_t i = 0; i < N; ++i) {
            s = s * 1664525u + 1013904223u;
            const double noise = static_cast<double>(s >> 8) / 8388608.0 - 1.0;
            a[i] = static_cast<float>(std::sin(0.05 * static_cast<double>(i)) + 0.3 * noise);
        }
        return a;
    }();
    return x;
}

void BM_welch_nerve_1024(benchmark::State& state) {
    const auto& x = spectral_signal<16384>();
    static nerve::framer<1024, 512> fr;
    static sp::welch<1024> w{nerve::window::hann, nerve::sample_rate{1000.0}};
    float sink = 0;
    auto on_frame = [&](std::span<const float, 1024> f) { w.push(f, [&](const auto& v) { sink += v.values[3]; }); };
    for (auto _ : state) {
        for (float v : x) fr.push(v, on_frame);
        w.flush([&](const auto& v) { sink += v.values[5]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_welch_nerve_1024)->Name("welch/nerve/1024");

template <std::size_t N>
void welch_framed(benchmark::State& state) {
    const auto& x = spectral_signal<16384>();
    struct framed {
        nerve::framer<N, N / 2> fr;
        sp::welch<N> w{nerve::window::hann, nerve::sample_rate{1000.0}};
    };
    static framed f;
    float sink = 0;
    auto on_frame = [&](std::span<const float, N> frame) { f.w.push(frame, [&](const auto& v) { sink += v.values[3]; }); };
    for (auto _ : state) {
        for (float v : x) f.fr.push(v, on_frame);
        f.w.flush([&](const auto& v) { sink += v.values[5]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
    state.counters["ram_bytes"] = static_cast<double>(sizeof(framed));
}
BENCHMARK(welch_framed<4096>)->Name("welch/nerve/4096");

template <std::size_t N>
void compact_welch_samples(benchmark::State& state) {
    const auto& x = spectral_signal<16384>();
    static sp::compact_welch<N> w{nerve::sample_rate{1000.0}};
    float sink = 0;
    for (auto _ : state) {
        for (float v : x) w.push(v, [&](const auto& s) { sink += s.values[3]; });
        w.flush([&](const auto& s) { sink += s.values[5]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
    state.counters["ram_bytes"] = static_cast<double>(sizeof(w));
}
BENCHMARK(compact_welch_samples<1024>)->Name("compact_welch/nerve/1024");
BENCHMARK(compact_welch_samples<4096>)->Name("compact_welch/nerve/4096");

template <std::size_t N>
void compact_welch_blocks(benchmark::State& state) {
    const auto& x = spectral_signal<16384>();
    static sp::compact_welch<N> w{nerve::sample_rate{1000.0}};
    float sink = 0;
    for (auto _ : state) {
        w.process(std::span<const float>{x.data(), x.size()}, [&](const auto& s) { sink += s.values[3]; });
        w.flush([&](const auto& s) { sink += s.values[5]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(compact_welch_blocks<4096>)->Name("compact_welch_process/nerve/4096");

void BM_rfft_stage_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static sp::rfft<1024> op{nerve::window::hann};
    for (auto _ : state) {
        op.transform(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(op.view().values[7]);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_rfft_stage_1024)->Name("rfft_stage/nerve/1024");

void BM_periodogram_stage_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static sp::periodogram<1024, float, nerve::window::family::hann> op;
    for (auto _ : state) {
        op.transform(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(op.view().values[7]);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_periodogram_stage_1024)->Name("periodogram_stage/nerve/1024");

void BM_features_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    const std::span<const float, 1024> frame{x};
    static nerve::stats::time_features<1024> tf;
    static sp::rfft<1024> fft{nerve::window::hann, nerve::sample_rate{1000.0}};
    static sp::spectral_shape<> shape;
    static sp::band_power<8> bands{{0.0, 10.0, 20.0, 40.0, 80.0, 120.0, 200.0, 300.0, 500.0}};
    static sp::dominant_peaks<3> peaks;
    for (auto _ : state) {
        tf.compute(frame);
        fft.transform(frame);
        const auto s = fft.view();
        shape.compute(s);
        bands.compute(s);
        peaks.compute(s);
        benchmark::DoNotOptimize(tf.result().kurtosis);
        benchmark::DoNotOptimize(shape.result().entropy);
        benchmark::DoNotOptimize(bands.result()[3]);
        benchmark::DoNotOptimize(peaks.result().peaks[0].frequency);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_features_1024)->Name("features/nerve/1024");

void BM_time_features_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static nerve::stats::time_features<1024> tf;
    for (auto _ : state) {
        tf.compute(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(tf.result().kurtosis);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_time_features_1024)->Name("time_features/nerve/1024");

void BM_time_features_pct_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static nerve::stats::time_features<1024, float, 5> tf{{5.0, 25.0, 50.0, 75.0, 95.0}};
    for (auto _ : state) {
        tf.compute(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(tf.result().percentiles[2]);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_time_features_pct_1024)->Name("time_features_pct/nerve/1024");

void BM_spectral_shape_513(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static sp::rfft<1024> fft{nerve::window::hann, nerve::sample_rate{1000.0}};
    fft.transform(std::span<const float, 1024>{x});
    static sp::spectral_shape<> shape;
    for (auto _ : state) {
        shape.compute(fft.view());
        benchmark::DoNotOptimize(shape.result().entropy);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_spectral_shape_513)->Name("spectral_shape/nerve/513");

void BM_envelope_1024(benchmark::State& state) {
    const auto& x = spectral_signal<1024>();
    static sp::envelope_spectrum<1024> env{nerve::sample_rate{12000.0}, nerve::hertz{2000.0}, nerve::hertz{5000.0}};
    for (auto _ : state) {
        env.transform(std::span<const float, 1024>{x});
        benchmark::DoNotOptimize(env.view().values[9]);
    }
    state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_envelope_1024)->Name("envelope/nerve/1024");

void BM_stft_256x64(benchmark::State& state) {
    const auto& x = spectral_signal<16384>();
    static sp::stft<256, 64> st{nerve::window::hann};
    float sink = 0;
    for (auto _ : state) {
        for (float v : x) st.push(v, [&](const auto& s) { sink += s.values[4]; });
        benchmark::DoNotOptimize(sink);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}
BENCHMARK(BM_stft_256x64)->Name("stft/nerve/256x64");

void BM_rfft_stage_512(benchmark::State& state) {
    const auto& x = spectral_signal<512>();
    static sp::rfft<512> op{nerve::window::hann, nerve::sample_rate{16000.0}};
    for (auto _ : state) {
        op.transform(std::span<const float, 512>{x});
        benchmark::DoNotOptimize(op.view().values[7]);
    }
    state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_rfft_stage_512)->Name("rfft_stage/nerve/512");

void BM_mel_bands_512x40(benchmark::State& state) {
    static sp::rfft<512> fft{nerve::window::hann, nerve::sample_rate{16000.0}};
    fft.transform(std::span<const float, 512>{spectral_signal<512>()});
    static sp::mel_filterbank<512, 40> mel{nerve::sample_rate{16000.0}, {.log = sp::mel_log::decibel}};
    for (auto _ : state) {
        mel.compute(fft.view());
        benchmark::DoNotOptimize(mel.result()[7]);
    }
    state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_mel_bands_512x40)->Name("mel_bands/nerve/512x40");

void BM_mfcc_40x13(benchmark::State& state) {
    std::array<float, 40> logmel{};
    for (std::size_t m = 0; m < 40; ++m) logmel[m] = -60.0f + 1.5f * static_cast<float>(m % 7);
    static sp::mfcc<40, 13> cep;
    for (auto _ : state) {
        benchmark::DoNotOptimize(logmel.data());
        cep.compute(std::span<const float, 40>{logmel});
        benchmark::DoNotOptimize(cep.result()[3]);
    }
    state.SetItemsProcessed(state.iterations() * 512);
}
BENCHMARK(BM_mfcc_40x13)->Name("mfcc/nerve/40x13");

void BM_lomb_scargle_375x257(benchmark::State& state) {
    static sp::lomb_scargle<512, 257> ls{nerve::hertz{0.5 / 256}, 300.0, 1000};
    double t = 0;
    for (int i = 0; i < 375; ++i) {
        const double rr = 0.8 + 0.04 * std::sin(0.6 * t) + 0.02 * std::sin(1.9 * t);
        t += rr;
        ls.add({t, static_cast<float>(1000 * rr)});
    }
    for (auto _ : state) {
        ls.compute();
        benchmark::DoNotOptimize(ls.result().values[30]);
    }
    state.SetItemsProcessed(state.iterations() * 375);
}
BENCHMARK(BM_lomb_scargle_375x257)->Name("lomb_scargle/nerve/375x257");

}  // namespace
