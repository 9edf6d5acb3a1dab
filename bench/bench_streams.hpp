// bench/bench_streams.hpp — input streams shared by several benchmark files, so detectors and
// sketches that are compared across files see the same samples.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace nerve_bench {

inline constexpr std::size_t anomaly_block = 4096;

/// Uniform noise in [0, 1) from an LCG with a slow sine on its amplitude and a spike (0.95) every
/// 97 samples: the anomaly and quantile-sketch benchmarks' input, one block, built once.
inline const std::array<float, anomaly_block>& anomaly_stream() {
    static const auto data = [] {
        std::array<float, anomaly_block> a{};
        std::uint32_t seed = 12345;
        for (std::size_t i = 0; i < anomaly_block; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const float noise = static_cast<float>(seed >> 8) * (1.0f / 16777216.0f);
            a[i] = 0.25f + 0.5f * noise * (0.8f + 0.2f * std::sin(0.01f * static_cast<float>(i)));
            if (i % 97 == 0) a[i] = 0.95f;
        }
        return a;
    }();
    return data;
}

}  // namespace nerve_bench

namespace nerve_bench {

/// A slow and a fast sine plus uniform noise (LCG seed 777), N samples built once: the filter
/// benchmarks' input, so resampler and filter figures see the same signal.
template <std::size_t N>
const std::array<float, N>& tones_and_noise() {
    static const auto data = [] {
        std::array<float, N> a{};
        std::uint32_t seed = 777;
        for (std::size_t i = 0; i < N; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const float noise = static_cast<float>(seed >> 8) * (1.0f / 16777216.0f) - 0.5f;
            a[i] = 0.4f * std::sin(0.02f * static_cast<float>(i)) + 0.3f * std::sin(0.7f * static_cast<float>(i)) +
                   0.2f * noise;
        }
        return a;
    }();
    return data;
}

}  // namespace nerve_bench
