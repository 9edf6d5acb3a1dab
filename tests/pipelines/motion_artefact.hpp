// tests/pipelines/motion_artefact.hpp — synthetic electrode-motion artefact for the ECG tests.
#pragma once

#include <cmath>
#include <cstdint>

#include "nerve/core/units.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

namespace ecg_test {

// Electrode-motion-like artefact: white noise band-passed to 0.5-8 Hz, in bursts of 0.5-3 s
// separated by 1-6 s, each burst starting with a random step (the shape of the MIT-BIH Noise
// Stress Test's "em" noise; the same recipe as tools/ecg_noise_stress.py, scaled here by an
// rms in mV). Deterministic (xorshift32).
class motion_artefact {
public:
    motion_artefact(double fs, float rms_mv, std::uint32_t seed)
        : fs_(static_cast<float>(fs)), rms_(rms_mv), s_(seed),
          bp_(nerve::filter::butterworth_bandpass<2>(nerve::hertz{0.5}, nerve::hertz{8.0}, nerve::sample_rate{fs})),
          bp2_(bp_) {
        // Unit rms of the band-passed noise (measured once, so the scale is exact).
        double acc = 0.0;
        for (int i = 0; i < 20000; ++i) { const float v = bp2_(bp_(white())); acc += double(v) * v; }
        gain_ = static_cast<float>(1.0 / std::sqrt(acc / 20000.0));
        next_ = static_cast<std::uint32_t>(uniform(0.0f, 2.0f) * fs_);
    }
    float next() {
        const float v = bp2_(bp_(white())) * gain_;
        if (n_ == next_) {  // a burst starts: its length, its step
            left_ = static_cast<std::uint32_t>(uniform(0.5f, 3.0f) * fs_);
            step_ = uniform(-1.5f, 1.5f);
            next_ = n_ + left_ + static_cast<std::uint32_t>(uniform(1.0f, 6.0f) * fs_);
        }
        ++n_;
        if (left_ == 0) return 0.0f;
        --left_;
        return rms_ * (v + step_);
    }

private:
    float uniform(float a, float b) { s_ ^= s_ << 13; s_ ^= s_ >> 17; s_ ^= s_ << 5; return a + (b - a) * float(s_ >> 8) / 16777216.0f; }
    float white() { return uniform(-1.7320508f, 1.7320508f); }  // unit variance
    float fs_, rms_;
    std::uint32_t s_;
    nerve::filter::biquad_cascade<float, 2> bp_, bp2_;  // twice: the tool's zero-phase filter's magnitude
    float gain_ = 1.0f, step_ = 0.0f;
    std::uint32_t n_ = 0, next_ = 0, left_ = 0;
};

}  // namespace ecg_test
