// nerve/pipelines/vf_detector.hpp — ventricular fibrillation / flutter detector (VF filter).
//
// During VF or ventricular flutter the ECG is a quasi-sinusoid without isoelectric segments:
// there are no QRS complexes to count, and a beat detector fires on the flutter waves. A
// monitor has to recognise the rhythm itself (shockable-rhythm alarm) and stop reporting
// beats. This is Kuo & Dillman's "VF filter" (Computers in Cardiology 1978), as evaluated by
// Amann, Tratnig & Unterkofler (BioMed Eng OnLine 4:60, 2005):
//
//   over a window V of the band-passed ECG,
//     N = round(pi sum|V_i| / sum|V_i - V_{i-1}|)      the mean period of a sinusoid with
//                                                      the same mean slope, in samples
//     l = sum|V_i + V_{i-N}| / sum(|V_i| + |V_{i-N}|)  "leakage": adding the signal to itself
//                                                      shifted by half a period cancels a
//                                                      sinusoid (l -> 0) but not QRS spikes
//   VF when l < 0.406 (the published threshold).
//
// Hysteresis: VF starts below 0.406 and ends only when the leakage is back above 0.6, the
// range of organised rhythms (QRS spikes leak: sinus rhythm windows sit around 0.6-0.9). During
// flutter the leakage wanders between 0.2 and 0.6 as the waveform drifts; without hysteresis
// the alarm would drop out and the flutter waves would be counted as beats. (0.6 was chosen
// with MIT-BIH 207 in view, the one record with ventricular flutter: without hysteresis 179
// false beats are left there, with release at 0.5 128, at 0.6 49.)
//
// The ECG is averaged over blocks of fs/100 samples (decimation to 100-200 Hz; the VF band is
// 2-10 Hz) and band-passed 1-30 Hz (drift and high-frequency noise out, as in Amann et al.);
// the leakage is computed every `hop` over the last `window` seconds. Output: one vf_status
// per hop.
//
// Bad input: NaN/Inf are replaced by the last finite sample (counted); a flat or tiny signal
// (mean |V| below min_mean_abs) is reported as not VF (leakage 1). The block sums are taken
// about the first sample (offset) for rounding; a first sample beyond +-1e30 (finite, but its
// differences from an ordinary ECG would overflow every later sum, so no later mean would be
// finite) is replaced by 0 there. A restored snapshot whose ring indices are impossible, or
// whose offset is beyond that, is refused (state_is_valid). Memory: fixed, about 6.7 kB (the 4 s
// ring is kept twice so that the window is one contiguous run).
//
// Cost (Cortex-M4, 360 Hz, bench/mcu/patient_monitor.cpp): 39 instructions per input sample with
// the decisions. When the window is whole hops (the default 4 s of 1 s hops), sum |V| and
// sum |dV| come from per-hop partial sums kept as the samples arrive, so a decision passes
// over the window once (the leakage sum) instead of twice; the sums are then added in another
// order than one pass would, which changes the leakage only in its last bits.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "../filter/biquad.hpp"
#include "../filter/butterworth.hpp"

namespace nerve::pipelines {

struct vf_params {
    double window_s = 4.0;        // analysis window
    double hop_s = 1.0;           // one decision per hop
    double leakage_threshold = 0.406;  // Kuo & Dillman: VF starts below this
    double min_mean_abs = 0.05;        // VF needs mean |V| above this (input units; 0.05 mV:
                                       // about 0.08 mV peak, below even fine VF)
    double leakage_release = 0.6;     // ... and ends above this (hysteresis, see above)
};

struct vf_status {
    std::uint64_t end_sample = 0;  // input sample index just after the window
    std::uint64_t window = 0;      // window length in input samples
    float leakage = 1.0f;
    bool vf = false;
};

template <std::size_t MaxRateHz = 1000>
class vf_detector {
    static constexpr std::size_t cap = 800 + 2;  // 4 s at the highest decimated rate (< 200 Hz)
    using bandpass_t = filter::biquad_cascade<float, 2>;

public:
    using input_type = float;
    using output_type = vf_status;

    explicit vf_detector(sample_rate fs = sample_rate{360.0}, const vf_params& p = {}) noexcept : p_(p) {
        NERVE_ASSERT(fs.value >= 100.0 && fs.value <= double(MaxRateHz));
        decim_ = static_cast<std::uint32_t>(fs.value / 100.0);
        if (decim_ < 1) decim_ = 1;
        const double rate = fs.value / decim_;
        // Boxcar average of `decim_` samples, then the band-pass at the decimated rate: one add
        // per input sample instead of a band-pass at the full rate.
        const bandpass_t bp{filter::butterworth_bandpass<2>(hertz{1.0}, hertz{30.0}, sample_rate{rate})};
        c_ = {bp.coefficients(0), bp.coefficients(1)};
        min_mean_abs_ = static_cast<float>(p.min_mean_abs);
        threshold_ = static_cast<float>(p.leakage_threshold);
        release_ = static_cast<float>(p.leakage_release);
        inv_decim_ = 1.0f / static_cast<float>(decim_);
        len_ = static_cast<std::uint32_t>(p.window_s * rate + 0.5);
        if (len_ > cap - 2) len_ = cap - 2;
        if (len_ < 8) len_ = 8;
        hop_ = static_cast<std::uint32_t>(p.hop_s * rate + 0.5);
        if (hop_ < 1) hop_ = 1;
        // A window of whole hops (the default: 4 s of 1 s hops) takes its sums from per-hop
        // partial sums; any other shape sums the window at each decision.
        const std::uint32_t whole = len_ / hop_;
        hop_sums_ = len_ % hop_ == 0 && whole >= 1 && whole <= max_parts;
        parts_ = hop_sums_ ? whole : 1;
        reset();
    }

    template <class Emit>
    void push(float x, Emit&& emit) noexcept {
        run<true>(&x, 1, emit);  // specialised for one sample
    }

    /// A block of samples: the same statuses as push() on each in turn, with the input
    /// stage's state in registers for the whole block.
    template <class Emit>
    void process(std::span<const float> in, Emit&& emit) noexcept {
        run<false>(in.data(), in.size(), emit);
    }

    void reset() noexcept {
        st_ = {};
        bp_last_ = 0.0f;
        buf_ = {};
        pos_ = phase_ = 0;
        until_ = first_wait();
        abs_hop_ = {};
        slope_hop_ = {};
        part_ = slot_ = 0;
        abs_sum_ = slope_sum_ = prev_ = 0.0f;
        n_ = 0;
        last_good_ = offset_ = acc_ = 0.0f;
        rejected_ = 0;
        in_vf_ = false;
    }

    std::uint32_t rejected() const noexcept { return rejected_; }

    /// The decimated, band-passed window the last decision was made on, oldest first (inside
    /// the emit callback: the one of that status). For plots and for checking the leakage.
    std::span<const float> window() const noexcept { return {buf_.data() + pos_ + cap - len_, len_}; }

    /// For restore(): a state these indices could not reach (hostile or corrupted bytes) is
    /// refused, so no ring index can point outside its storage.
    bool state_is_valid() const noexcept {
        return pos_ < cap && phase_ < decim_ && until_ >= 1 && until_ <= first_wait() &&
               part_ < hop_ && slot_ < parts_ && std::fabs(offset_) <= offset_limit;  // (NaN fails)
    }

    template <class V>
    void visit_state(V& v) {
        v(st_); v(bp_last_);
        v(buf_); v(pos_); v(until_); v(phase_); v(n_); v(last_good_); v(offset_); v(acc_); v(rejected_); v(in_vf_);
        v(abs_hop_); v(slope_hop_); v(part_); v(slot_); v(abs_sum_); v(slope_sum_); v(prev_);
    }

private:
    // Input stage, decimation, band-pass and ring with their state in locals for the run; the
    // band-pass is biquad_cascade's DF2T step (iir_detail::df2t_step, the same operations, so
    // the same bits) with its bad-input rules: a non-finite block mean (finite samples whose
    // sum overflowed) is replaced by the last finite one, a state gone non-finite is cleared
    // and that output is 0.
    template <bool One, class Emit>
    void run(const float* in, std::size_t c, Emit& emit) noexcept {
        if constexpr (One) {
            c = 1;
            // A sample that does not complete a block mean only adds to it: no other state
            // is touched (the general path below would load and store all of it).
            if (n_ != 0 && phase_ + 1 < decim_) {
                float x = in[0];
                if (NERVE_LIKELY(is_finite(x))) {
                    last_good_ = x;
                } else {
                    ++rejected_;
                    x = last_good_;
                }
                ++n_;
                acc_ += x - offset_;
                ++phase_;
                return;
            }
        }
        if (c == 0) return;
        if (n_ == 0) {
            const float x0 = is_finite(in[0]) ? in[0] : last_good_;
            offset_ = std::fabs(x0) <= offset_limit ? x0 : 0.0f;
        }
        // Runs of up to `chunk` inputs: first the block means (input loop, few live values),
        // then the band-pass and the ring over the means (coefficients stay in registers).
        constexpr std::size_t chunk = One ? 1 : 64;
        for (std::size_t i0 = 0; i0 < c; i0 += chunk) {
            const std::size_t m = c - i0 < chunk ? c - i0 : chunk;
            alignas(8) std::array<float, chunk> u;
            std::array<std::uint16_t, chunk> at;  // input index (in the run) ending each mean
            std::size_t k = 0;
            {
                const float off = offset_, inv = inv_decim_;
                const std::uint32_t decim = decim_;
                const float* const p = in + i0;
                // Fast pass, no test per sample: the block means, and one finiteness test for
                // the whole run. Finite samples give finite sums unless they overflow, and any
                // NaN or Inf makes its mean (and so the total) non-finite; a finite total
                // therefore means every sample was finite and the last one is the last good
                // one. Otherwise the run is summed again, sample by sample, with the
                // replacement rule (the same additions, so the same means when all are finite).
                float acc = acc_, total = 0.0f;
                std::uint32_t phase = phase_;
                std::size_t i = 0;
                while (m - i >= decim - phase) {
                    const std::size_t end = i + (decim - phase);
                    for (; i < end; ++i) acc += p[i] - off;
                    u[k] = acc * inv;
                    total += u[k];
                    at[k++] = static_cast<std::uint16_t>(i - 1);
                    acc = 0.0f;
                    phase = 0;
                }
                phase += static_cast<std::uint32_t>(m - i);
                for (; i < m; ++i) acc += p[i] - off;
                if (NERVE_LIKELY(is_finite(total + acc))) {
                    last_good_ = p[m - 1];
                } else {
                    float lg = last_good_;
                    std::uint32_t rej = 0;
                    acc = acc_;
                    phase = phase_;
                    k = 0;
                    for (i = 0; i < m; ++i) {
                        float x = p[i];
                        if (is_finite(x)) {
                            lg = x;
                        } else {
                            ++rej;
                            x = lg;
                        }
                        acc += x - off;
                        if (++phase < decim) continue;
                        phase = 0;
                        u[k] = acc * inv;
                        at[k++] = static_cast<std::uint16_t>(i);
                        acc = 0.0f;
                    }
                    last_good_ = lg;
                    rejected_ += rej;
                }
                acc_ = acc;
                phase_ = phase;
            }
            const filter::iir_detail::df_coeffs<float> c0 = c_[0], c1 = c_[1];
            float s0 = st_[0], s1 = st_[1], s2 = st_[2], s3 = st_[3], bl = bp_last_;
            std::uint32_t pos = pos_, until = until_, part = part_, slot = slot_;
            const std::uint32_t hop = hop_, parts = parts_;
            float abs_sum = abs_sum_, slope_sum = slope_sum_, prev = prev_;
            float* const buf = buf_.data();
            for (std::size_t j = 0; j < k; ++j) {
                float v = u[j];
                if (NERVE_LIKELY(is_finite(v))) bl = v;
                else v = bl;
                float y = filter::iir_detail::df2t_step(c0, v, s0, s1);
                y = filter::iir_detail::df2t_step(c1, y, s2, s3);
                if (NERVE_UNLIKELY(!is_finite(y))) {
                    s0 = s1 = s2 = s3 = 0.0f;
                    y = 0.0f;
                }
                // Written twice, `cap` apart: the last len_ samples are always contiguous at
                // buf_[pos_ + cap - len_ ...], so the window sums run without wrap tests.
                buf[pos] = y;
                buf[pos + cap] = y;
                pos = pos + 1 == cap ? 0 : pos + 1;
                // The hop's share of the window sums (see leakage()): sum |V| and sum |dV|
                // within the hop, its first difference (across the hop boundary) left out.
                const float slope = std::fabs(y - prev);
                prev = y;
                if (part == 0) {
                    abs_sum = std::fabs(y);
                    slope_sum = 0.0f;
                } else {
                    abs_sum += std::fabs(y);
                    slope_sum += slope;
                }
                if (++part == hop) {
                    part = 0;
                    abs_hop_[slot] = abs_sum;
                    slope_hop_[slot] = slope_sum;
                    slot = slot + 1 == parts ? 0 : slot + 1;
                }
                if (NERVE_LIKELY(--until != 0)) continue;
                until = hop;
                pos_ = pos;
                slot_ = slot;
                decide(n_ + at[j] + 1, emit);
            }
            part_ = part;
            slot_ = slot;
            abs_sum_ = abs_sum;
            slope_sum_ = slope_sum;
            prev_ = prev;
            st_ = {s0, s1, s2, s3};
            bp_last_ = bl;
            pos_ = pos;
            until_ = until;
            n_ += m;
        }
    }

    // Decimated samples before the first decision: a full window, and at least one hop.
    std::uint32_t first_wait() const noexcept { return len_ > hop_ ? len_ : hop_; }

    // One window decision; `end` is the input sample count after the window.
    template <class Emit>
    void decide(std::uint64_t end, Emit& emit) noexcept {
        vf_status s;
        s.end_sample = end;
        s.window = static_cast<std::uint64_t>(len_) * decim_;
        s.leakage = leakage(min_mean_abs_);
        in_vf_ = in_vf_ ? s.leakage < release_ : s.leakage < threshold_;
        s.vf = in_vf_;
        emit(s);
    }

    float leakage(float min_mean_abs) const noexcept {
        const float* const w = window().data();
        const std::uint32_t len = len_;
        float sa = 0.0f, sd = 0.0f;
        if (hop_sums_) {
            // The window is the last parts_ hops, oldest at slot_: their sums, oldest first,
            // and the differences across the hop boundaries inside the window.
            std::uint32_t k = slot_;
            for (std::uint32_t b = 0; b < parts_; ++b) {
                if (b != 0) sd += std::fabs(w[b * hop_] - w[b * hop_ - 1]);
                sa += abs_hop_[k];
                sd += slope_hop_[k];
                k = k + 1 == parts_ ? 0 : k + 1;
            }
        } else {
            sa = std::fabs(w[0]);
            for (std::uint32_t i = 1; i < len; ++i) {
                sa += std::fabs(w[i]);
                sd += std::fabs(w[i] - w[i - 1]);
            }
        }
        // A flat or near-flat trace (lead off, the ringing after a step) is no fibrillation.
        if (!(sd > 0.0f) || sa < min_mean_abs * static_cast<float>(len)) return 1.0f;
        const float period = 3.14159265f * sa / sd;
        // Slower than 2 cycles per window: not VF. Tested on the float, before the conversion,
        // which a period beyond 2^32 (sa / sd from huge samples, e.g. a corrupted state's)
        // would make undefined; the same decision as testing the rounded shift (len >= 8).
        if (!(period + 0.5f < static_cast<float>(len / 2))) return 1.0f;
        std::uint32_t shift = static_cast<std::uint32_t>(period + 0.5f);
        if (shift < 1) shift = 1;
        // Four terms per pass into the one sum (the same additions in the same order): the
        // loop's own compare and branch are most of its cost on an in-order core.
        float num = 0.0f;
        std::uint32_t i = shift;
        for (; i + 4 <= len; i += 4) {
            num += std::fabs(w[i] + w[i - shift]);
            num += std::fabs(w[i + 1] + w[i + 1 - shift]);
            num += std::fabs(w[i + 2] + w[i + 2 - shift]);
            num += std::fabs(w[i + 3] + w[i + 3 - shift]);
        }
        for (; i < len; ++i) num += std::fabs(w[i] + w[i - shift]);
        // sum over i of |V_i| + |V_{i-N}|: the whole-window sum twice, less the N samples at
        // each end that only one of the two runs covers (2N additions instead of 2 per sample).
        float head = 0.0f, tail = 0.0f;
        for (std::uint32_t i = 0; i < shift; ++i) {
            head += std::fabs(w[i]);
            tail += std::fabs(w[len - 1 - i]);
        }
        const float den = (sa - head) + (sa - tail);
        return den > 0.0f ? num / den : 1.0f;
    }

    vf_params p_;
    std::array<filter::iir_detail::df_coeffs<float>, 2> c_{};  // band-pass 1-30 Hz, 2 DF2T sections
    std::array<float, 4> st_{};                                // their state (s1, s2 per section)
    float bp_last_ = 0.0f;                                     // last finite band-pass input
    float min_mean_abs_ = 0.05f, threshold_ = 0.406f, release_ = 0.6f;
    std::uint32_t decim_ = 1, len_ = 8, hop_ = 1;
    std::array<float, 2 * cap> buf_{};  // the ring, twice (see window())
    std::uint32_t pos_ = 0, until_ = 1, phase_ = 0;  // until_: decimated samples to the next decision
    std::uint64_t n_ = 0;
    static constexpr float offset_limit = 1e30f;  // see "Bad input" at the top
    float last_good_ = 0.0f, offset_ = 0.0f, acc_ = 0.0f, inv_decim_ = 1.0f;
    std::uint32_t rejected_ = 0;
    bool in_vf_ = false;
    // Per-hop partial sums of the window (hop_sums_): |V| and |dV| of each of the last parts_
    // hops (a ring, next slot_), and those of the hop being filled (part_ samples so far).
    static constexpr std::uint32_t max_parts = 16;
    bool hop_sums_ = false;
    std::uint32_t parts_ = 1, part_ = 0, slot_ = 0;
    std::array<float, max_parts> abs_hop_{}, slope_hop_{};
    float abs_sum_ = 0.0f, slope_sum_ = 0.0f, prev_ = 0.0f;
};

}  // namespace nerve::pipelines
