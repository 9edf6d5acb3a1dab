// mcu_bearing_vibration.hpp — the synthetic vibration the bearing firmware examples
// (mcu_maintenance.cpp, mcu_maintenance_3axis.cpp) feed their monitors: a shaft line, noise, and
// from a given time an outer-race defect, i.e. impacts at BPFO (with 0.5 % jitter) ringing a
// 3.2 kHz two-pole resonance. No libm call per sample (the shaft line is a rotation recurrence),
// no heap: what a firmware test signal may cost.
#pragma once

#include <cstdint>

#include "nerve/pipelines/bearing_monitor.hpp"

namespace nerve_examples {

class bearing_vibration {
public:
    static constexpr float fs = 25600.0f, shaft_hz = 25.0f;

    /// One sample's parts; the caller mixes them (and its own noise()) per axis.
    struct parts {
        float shaft;    // the 1x shaft line, amplitude 0.08
        float impacts;  // the resonance rung by the defect's impacts (0 before the fault)
    };

    explicit bearing_vibration(float fault_start_s)
        : period_(fs / static_cast<float>(nerve::spectral::defect_frequencies_of(
                           nerve::pipelines::bearings::skf6205, nerve::hertz{shaft_hz})
                           .bpfo)),
          next_(fault_start_s * fs) {}

    /// Uniform-ish noise in [-1, 1): the mean of two LCG draws, for a rounder shape.
    float noise() {
        rng_ = rng_ * 1664525u + 1013904223u;
        const float a = static_cast<float>(static_cast<std::int32_t>(rng_)) * (1.0f / 2147483648.0f);
        rng_ = rng_ * 1664525u + 1013904223u;
        return 0.5f * (a + static_cast<float>(static_cast<std::int32_t>(rng_)) * (1.0f / 2147483648.0f));
    }

    /// The parts of sample n (call once per sample, n counting up from 0).
    parts next(int n) {
        float kick = 0.0f;
        if (static_cast<float>(n) >= next_) {
            kick = 0.5f;
            next_ += period_ * (1.0f + 0.005f * noise());
        }
        const float ring = two_rho_cos * r1_ - rho * rho * r2_ + kick;
        r2_ = r1_;
        r1_ = ring;
        const parts p{im_, ring};
        const float r = re_ * c - im_ * s;  // rotate the shaft phasor by one sample
        im_ = re_ * s + im_ * c;
        re_ = r;
        return p;
    }

private:
    static constexpr float c = 0.99969882f, s = 0.02454123f;  // cos, sin of 2 pi 25 / 25600
    // Resonator: pole radius exp(-1 / (0.6 ms x fs)), angle 2 pi 3200 / 25600.
    static constexpr float rho = 0.93693f, two_rho_cos = 2.0f * rho * 0.70710678f;
    std::uint32_t rng_ = 1;
    float period_;  // samples between impacts
    float next_;    // sample of the next impact
    float re_ = 0.08f, im_ = 0.0f, r1_ = 0.0f, r2_ = 0.0f;
};

}  // namespace nerve_examples
