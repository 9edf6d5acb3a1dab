// bench/mcu/compact_welch.cpp — Cortex-M4 cost and RAM of a half-overlapping 4096-point Hann
// Welch sum, two ways, on the same samples:
//   nerve_compact_welch_half       spectral::compact_welch<4096>: 2048 samples pushed, one segment
//                                  (in-place FFT, window in frequency, inverse FFT, sums);
//   nerve_framer_periodogram_half  framer<4096, 2048> | periodogram<4096, hann, spectrum, constant>
//                                  and a float sum: what motor_current_monitor did before compact_welch.
//   nerve_compact_welch_1024_half  compact_welch<1024>: 512 samples, one segment (the size of the
//                                  MCU table's Welch frame row).
// Count with tools/mcu_icount.py <elf> <symbol> --runs 4: the first call fills the first half (no
// segment), calls 2..4 each complete one segment. main() prints each one's sizeof (its RAM) and
// fails when the two 4096-point estimates differ by more than float rounding.
#include <array>
#include <cmath>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/spectral/compact_welch.hpp"
#include "nerve/spectral/periodogram.hpp"

namespace {
namespace sp = nerve::spectral;
constexpr std::size_t N = 4096;
constexpr unsigned kCalls = 4;

sp::compact_welch<N> g_compact{nerve::sample_rate{312.5}, sp::scaling::spectrum};
sp::compact_welch<1024> g_compact_1024{nerve::sample_rate{312.5}, sp::scaling::spectrum};
struct framed {
    nerve::framer<N, N / 2> frames{};
    sp::periodogram<N, float, nerve::window::family::hann, sp::scaling::spectrum, sp::detrend::constant> transform{
        nerve::sample_rate{312.5}};
    std::array<float, N / 2 + 1> sums{};
};
framed g_framed;
float g_x[N / 2];
}  // namespace

extern "C" __attribute__((noinline)) void nerve_compact_welch_half(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_compact.push(x[i], [](const auto&) {});
}

extern "C" __attribute__((noinline)) void nerve_compact_welch_1024_half(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_compact_1024.push(x[i], [](const auto&) {});
}

extern "C" __attribute__((noinline)) void nerve_framer_periodogram_half(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i)
        g_framed.frames.push(x[i], [](std::span<const float, N> f) {
            g_framed.transform.push(f, [](const sp::spectrum_view<float>& s) {
                for (std::size_t k = 0; k < s.size(); ++k) g_framed.sums[k] += s.values[k];
            });
        });
}

int main() {
    nerve_mcu_bench::lcg noise{3};
    for (unsigned call = 0; call < kCalls; ++call) {
        for (std::size_t i = 0; i < N / 2; ++i)
            g_x[i] = noise.symmetric() + 4.0f * std::sin(0.2f * static_cast<float>(call * N / 2 + i));
        nerve_compact_welch_half(g_x, N / 2);
        nerve_framer_periodogram_half(g_x, N / 2);
        nerve_compact_welch_1024_half(g_x, 512);
    }
    float peak = 0, err = 0;
    g_compact.flush([&](const sp::spectrum_view<float>& s) {
        for (std::size_t k = 0; k < s.size(); ++k) {
            const float ref = g_framed.sums[k] / 3.0f;
            peak = std::fmax(peak, ref);
            err = std::fmax(err, std::fabs(s.values[k] - ref));
        }
    });
    std::printf("compact_welch: sizeof compact_welch<4096> %u B, framer + periodogram + sums %u B; "
                "3 segments, normwise difference %d ppb; sizeof compact_welch<1024> %u B\n",
                static_cast<unsigned>(sizeof(g_compact)), static_cast<unsigned>(sizeof(g_framed)),
                static_cast<int>(1e9f * err / peak), static_cast<unsigned>(sizeof(g_compact_1024)));
    return peak > 0 && err <= 1e-6f * peak ? 0 : 1;
}
