// bench/bench_fft.cpp — nerve's FFT side by side with FFTW and KissFFT (one binary, one run).
//
// rfft/<lib>/N: one real forward FFT of N floats (N = 256, 1024, 4096);
// cfft/<lib>/1024: one complex forward FFT of 1024 complex floats.
// FFTW: fftwf_plan_dft_r2c_1d / fftwf_plan_dft_1d with FFTW_MEASURE, planned outside the
// timed loop, executed on the planned buffers. KissFFT: kiss_fftr / kiss_fft, config made
// outside the loop. items_processed counts input samples so throughputs compare directly.
// FFTW / KissFFT benchmarks are present only when the build found them
// (NERVE_BENCH_HAVE_FFTW / NERVE_BENCH_HAVE_KISSFFT); otherwise they report a skip message.
#include <benchmark/benchmark.h>

#include <array>
#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>

#include "nerve/spectral/fft.hpp"
#include "nerve/spectral/real_fft.hpp"

#ifdef NERVE_BENCH_HAVE_FFTW
#include <fftw3.h>
#endif
#ifdef NERVE_BENCH_HAVE_KISSFFT
#include <kiss_fft.h>
#include <kiss_fftr.h>
#endif

namespace {

template <class T>
void fill_signal(T* x, std::size_t n) {
    std::uint32_t s = 1;
    for (std::size_t i = 0; i < n; ++i) {
        s = s * 1664525u + 1013904223u;
        x[i] = static_cast<T>(static_cast<double>(s >> 8) / 8388608.0 - 1.0);
    }
}

template <std::size_t N>
void bm_rfft_nerve(benchmark::State& state) {
    auto f = std::make_unique<nerve::spectral::real_fft<float, N>>();
    alignas(64) static std::array<float, N> in;
    alignas(64) static std::array<std::complex<float>, N / 2 + 1> out;
    fill_signal(in.data(), N);
    for (auto _ : state) {
        f->forward(in, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
}

template <std::size_t N>
void bm_cfft_nerve(benchmark::State& state) {
    auto f = std::make_unique<nerve::spectral::fft<float, N>>();
    alignas(64) static std::array<std::complex<float>, N> in, out;
    fill_signal(reinterpret_cast<float*>(in.data()), 2 * N);
    for (auto _ : state) {
        f->forward(in, out);
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
}

#ifdef NERVE_BENCH_HAVE_FFTW
template <std::size_t N>
void bm_rfft_fftw(benchmark::State& state) {
    float* in = fftwf_alloc_real(N);
    fftwf_complex* out = fftwf_alloc_complex(N / 2 + 1);
    fftwf_plan p = fftwf_plan_dft_r2c_1d(static_cast<int>(N), in, out, FFTW_MEASURE);
    fill_signal(in, N);  // after planning: FFTW_MEASURE overwrites the buffers
    for (auto _ : state) {
        fftwf_execute(p);
        benchmark::DoNotOptimize(out);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
    fftwf_destroy_plan(p);
    fftwf_free(out);
    fftwf_free(in);
}

template <std::size_t N>
void bm_cfft_fftw(benchmark::State& state) {
    fftwf_complex* in = fftwf_alloc_complex(N);
    fftwf_complex* out = fftwf_alloc_complex(N);
    fftwf_plan p = fftwf_plan_dft_1d(static_cast<int>(N), in, out, FFTW_FORWARD, FFTW_MEASURE);
    fill_signal(reinterpret_cast<float*>(in), 2 * N);
    for (auto _ : state) {
        fftwf_execute(p);
        benchmark::DoNotOptimize(out);
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
    fftwf_destroy_plan(p);
    fftwf_free(out);
    fftwf_free(in);
}
#else
template <std::size_t N>
void bm_rfft_fftw(benchmark::State& state) {
    for (auto _ : state) {}
    state.SkipWithError("FFTW (libfftw3-dev, fftw3f) not found at configure time: skipped");
}
template <std::size_t N>
void bm_cfft_fftw(benchmark::State& state) { bm_rfft_fftw<N>(state); }
#endif

#ifdef NERVE_BENCH_HAVE_KISSFFT
template <std::size_t N>
void bm_rfft_kissfft(benchmark::State& state) {
    kiss_fftr_cfg cfg = kiss_fftr_alloc(static_cast<int>(N), 0, nullptr, nullptr);
    static std::array<kiss_fft_scalar, N> in;
    static std::array<kiss_fft_cpx, N / 2 + 1> out;
    fill_signal(in.data(), N);
    for (auto _ : state) {
        kiss_fftr(cfg, in.data(), out.data());
        benchmark::DoNotOptimize(out.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
    kiss_fftr_free(cfg);
}
#else
template <std::size_t N>
void bm_rfft_kissfft(benchmark::State& state) {
    for (auto _ : state) {}
    state.SkipWithError("KissFFT (libkissfft-dev, kissfft-float) not found at configure time: skipped");
}
#endif

}  // namespace

BENCHMARK(bm_rfft_nerve<256>)->Name("rfft/nerve/256");
BENCHMARK(bm_rfft_fftw<256>)->Name("rfft/fftw/256");
BENCHMARK(bm_rfft_kissfft<256>)->Name("rfft/kissfft/256");
BENCHMARK(bm_rfft_nerve<1024>)->Name("rfft/nerve/1024");
BENCHMARK(bm_rfft_fftw<1024>)->Name("rfft/fftw/1024");
BENCHMARK(bm_rfft_kissfft<1024>)->Name("rfft/kissfft/1024");
BENCHMARK(bm_rfft_nerve<4096>)->Name("rfft/nerve/4096");
BENCHMARK(bm_rfft_fftw<4096>)->Name("rfft/fftw/4096");
BENCHMARK(bm_rfft_kissfft<4096>)->Name("rfft/kissfft/4096");
BENCHMARK(bm_cfft_nerve<1024>)->Name("cfft/nerve/1024");
BENCHMARK(bm_cfft_fftw<1024>)->Name("cfft/fftw/1024");
