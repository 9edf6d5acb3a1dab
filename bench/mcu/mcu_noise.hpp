// bench/mcu/mcu_noise.hpp — the synthetic input of the Cortex-M4 count programs: one linear
// congruential generator (x' = 1664525 x + 1013904223 mod 2^32, Numerical Recipes' constants) and
// the two ways the programs read it as float. What is counted is the kernels, never this; it has to
// be cheap, the same on every run, and written once.
#pragma once

#include <cstdint>

namespace nerve_mcu_bench {

class lcg {
public:
    explicit constexpr lcg(std::uint32_t seed) noexcept : state_(seed) {}

    /// The next state (all 32 bits; fixed-point and int8 inputs take the bits they need).
    constexpr std::uint32_t next() noexcept {
        state_ = state_ * 1664525u + 1013904223u;
        return state_;
    }
    /// Full-scale noise in [-1, 1): the next state read as a signed 32-bit fraction.
    constexpr float symmetric() noexcept {
        return static_cast<float>(static_cast<std::int32_t>(next())) * (1.0f / 2147483648.0f);
    }
    /// Uniform in [0, 1): the next state's top 24 bits.
    constexpr float unit() noexcept { return static_cast<float>(next() >> 8) * (1.0f / 16777216.0f); }

private:
    std::uint32_t state_;
};

}  // namespace nerve_mcu_bench
