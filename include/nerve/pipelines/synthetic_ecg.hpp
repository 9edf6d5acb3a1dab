// nerve/pipelines/synthetic_ecg.hpp — a deterministic synthetic ECG with known beats, for
// tests, demos and firmware bring-up (no real patient needed to see the monitor work).
//
// Each beat is a sum of Gaussian waves around its R peak (P, Q, R, S, T, the morphology model
// of McSharry et al., IEEE TBME 50:289, 2003, written directly in time), with the QT interval
// shortening with the rate (Bazett: QT ~ sqrt(RR)). The rhythm is set at run time:
//   set_rate(bpm)         regular sinus rhythm with a little respiratory variability
//   set_irregular(true)   atrial fibrillation: RR drawn uniformly in [0.6, 1.4] x mean, no P
//                         wave, fibrillatory waves instead (0.04 mV, 5-8 Hz, wandering)
//   set_irregular(true, true)  the same RR with every P wave kept (chaotic atrial ectopy: as
//                         irregular as AF in the RR series, but the atria are organised)
//   insert_pvc()          the next beat is a premature ventricular contraction (wide, no P,
//                         70 % coupling, then a compensatory pause)
//   insert_pause(s)       no beat for `s` seconds (sinus arrest / asystole)
//   set_noise(mV), set_wander(mV)  white noise and 0.3 Hz baseline wander
// next() returns the sample in mV and whether an R peak (a reference beat) falls on it.
// A xorshift32 generator makes every run with the same seed identical on every target.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

#include "../core/units.hpp"

namespace nerve::pipelines {

struct synthetic_sample {
    float mv = 0.0f;
    bool r_peak = false;   // a beat's R peak is at this sample
};

class synthetic_ecg {
public:
    explicit synthetic_ecg(sample_rate fs = sample_rate{360.0}, std::uint32_t seed = 1) noexcept
        : fs_(static_cast<float>(fs.value)), rng_(seed ? seed : 1u) {
        beats_.fill(beat{-100.0f, false});
        next_r_ = 0.5f;  // first beat half a second in
    }

    void set_rate(float bpm) noexcept { bpm_ = bpm > 20.0f ? bpm : 20.0f; }
    void set_irregular(bool on, bool p_waves = false) noexcept { irregular_ = on; irregular_p_ = p_waves; }
    void insert_pvc() noexcept { pvc_pending_ = true; }
    void insert_pause(float seconds) noexcept { pause_s_ = seconds; }
    void set_noise(float mv_rms) noexcept { noise_ = mv_rms; }
    void set_wander(float mv) noexcept { wander_ = mv; }
    float time_s() const noexcept { return static_cast<float>(n_) / fs_; }
    std::uint64_t sample_index() const noexcept { return n_; }

    synthetic_sample next() noexcept {
        const float t = static_cast<float>(n_) / fs_;
        synthetic_sample out;
        // Schedule beats 0.4 s ahead so that P waves are drawn before their R peak.
        while (next_r_ < t + 0.4f) schedule();
        const float dt = 1.0f / fs_;
        for (beat& b : beats_) {
            const float x = t - b.r;
            if (x < -0.35f || x > 0.75f) continue;
            out.mv += b.ventricular ? pvc_wave(x, b.rr) : sinus_wave(x, b.rr, b.p_wave);
            if (!b.marked && x > -0.5f * dt) {  // the sample nearest the R peak, exactly once
                b.marked = true;
                out.r_peak = true;
            }
        }
        out.mv += wander_ * std::sin(2.0f * 3.14159265f * 0.3f * t);
        if (irregular_ && !irregular_p_) {  // f waves: the atria fibrillate, unrelated to the QRS
            f_hz_ += 0.02f * (uniform() - 0.5f);
            f_hz_ = f_hz_ < 5.0f ? 5.0f : f_hz_ > 8.0f ? 8.0f : f_hz_;
            f_phase_ += 2.0f * 3.14159265f * f_hz_ * dt;
            if (f_phase_ > 6.2831853f) f_phase_ -= 6.2831853f;
            out.mv += 0.04f * std::sin(f_phase_);
        }
        if (noise_ > 0.0f) out.mv += noise_ * gaussian();
        ++n_;
        return out;
    }

private:
    struct beat {
        float r;
        bool ventricular;
        float rr = 1.0f;
        bool p_wave = true;
        bool marked = false;
    };

    static float g(float x, float a, float mu, float sigma) noexcept {
        const float z = (x - mu) / sigma;
        return a * std::exp(-0.5f * z * z);
    }
    static float sinus_wave(float x, float rr, bool p) noexcept {
        const float q = std::sqrt(rr);  // Bazett: T moves with sqrt(RR)
        return (p ? g(x, 0.15f, -0.20f, 0.025f) : 0.0f) + g(x, -0.10f, -0.035f, 0.010f) + g(x, 1.10f, 0.0f, 0.011f) +
               g(x, -0.25f, 0.035f, 0.011f) + g(x, 0.30f, 0.28f * q, 0.055f * q);
    }
    static float pvc_wave(float x, float rr) noexcept {
        const float q = std::sqrt(rr);
        return g(x, 1.30f, 0.0f, 0.035f) + g(x, -0.45f, 0.08f, 0.030f) + g(x, -0.40f, 0.32f * q, 0.07f * q);
    }

    void schedule() noexcept {
        const float mean_rr = 60.0f / bpm_;
        float rr = mean_rr * (1.0f + 0.03f * std::sin(2.0f * 3.14159265f * next_r_ / 4.0f));
        bool p = true, v = false;
        if (irregular_) {
            rr = mean_rr * (0.6f + 0.8f * uniform());
            p = irregular_p_;  // AF: no P waves
        }
        if (pvc_pending_) {
            pvc_pending_ = false;
            v = true;
            const float coupling = 0.7f * mean_rr;
            push(beat{last_r_ + coupling, true, coupling, false});
            next_r_ = last_r_ + 2.0f * mean_rr;  // compensatory pause after the PVC
            last_r_ = last_r_ + coupling;
            return;
        }
        if (pause_s_ > 0.0f) {
            next_r_ += pause_s_;
            pause_s_ = 0.0f;
        }
        push(beat{next_r_, v, rr, p});
        last_r_ = next_r_;
        next_r_ += rr;
    }

    void push(const beat& b) noexcept {
        beats_[head_] = b;
        head_ = (head_ + 1) % beats_.size();
    }

    float uniform() noexcept {
        rng_ ^= rng_ << 13;
        rng_ ^= rng_ >> 17;
        rng_ ^= rng_ << 5;
        return static_cast<float>(rng_ >> 8) * (1.0f / 16777216.0f);
    }
    float gaussian() noexcept {  // sum of 4 uniforms: mean 0, variance 1 (close enough)
        return (uniform() + uniform() + uniform() + uniform() - 2.0f) * 1.7320508f;
    }

    float fs_;
    std::uint32_t rng_;
    std::uint64_t n_ = 0;
    float bpm_ = 72.0f;
    bool irregular_ = false, irregular_p_ = false, pvc_pending_ = false;
    float pause_s_ = 0.0f, noise_ = 0.0f, wander_ = 0.0f;
    float f_hz_ = 6.0f, f_phase_ = 0.0f;  // fibrillatory waves
    float next_r_ = 0.5f, last_r_ = -10.0f;
    std::array<beat, 4> beats_{};
    std::size_t head_ = 0;
};

}  // namespace nerve::pipelines
