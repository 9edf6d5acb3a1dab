// nerve/pipelines/patient_monitor.hpp — the patient-monitoring reference pipeline: one ECG
// lead in, beats with heart rate, HRV and rhythm flags plus bedside alarms out.
//
//   ECG sample -> qrs_detector (band-pass, slope energy, adaptive thresholds, search-back,
//                               T-wave discrimination)           -> beats
//              -> vf_detector  (Kuo-Dillman VF filter, 4 s window) -> VF / flutter rhythm
//   beats held until the VF decision of the window centred on them is known (about 3 s):
//      beats inside VF/flutter are flutter waves, not beats: counted, not reported
//   reported beats -> rr_analysis (HR, SDNN, RMSSD, pNN50, ectopic, AF irregularity)
//   alarms (onset and end events): asystole (no beat for `asystole_s`), VF/flutter,
//      bradycardia / tachycardia on the 8-beat median rate (with 5 bpm hysteresis),
//      irregular rhythm (AF) once the rr_analysis flag has held for 8 beats (and off after 8),
//      artefact (a technical alarm: the detector rejected a peak as motion artefact within
//      the last `qrs.noisy_hold_s`; off once none has come for that long).
//   Signal quality: each beat carries the detector's quality (its sharpness against the
//   recent beats', 1 = as sharp) and `noisy` (an artefact peak came within noisy_hold_s
//   before it). While the artefact alarm is on, asystole is not raised (a burst of artefact
//   can hide beats: raised when the artefact ends, if no beat has come by then, with the
//   whole pause as its value), and noisy beats do not change the brady/tachy or irregular
//   rhythm alarms (an artefact counted as a beat, or a beat lost in it, fakes a rate).
//
// NEWS2 is scored from periodic vital-sign observations by nerve::pipelines::news2
// (news2.hpp); the monitor's heart rate can feed its heart-rate parameter.
//
//   nerve::pipelines::patient_monitor<> mon{nerve::sample_rate{360.0}};
//   mon.push(ecg_mV, [](const nerve::pipelines::monitor_event& e) { ... });
//   mon.flush(emit);   // at the end of a recording
//
// Event order: beats come out about 3 s late and in time order; alarms come out when they are
// raised, stamped with the sample at which the condition was established. push() collects
// 16 samples and runs them through the operators' block paths at once (182 instructions per
// sample on a Cortex-M4 at 360 Hz against 320 sample by sample), so events come out at the
// end of such a run: up to 15 samples (44 ms at 360 Hz) later than they could; flush() runs
// a part-filled run.
// Bad input: see the operators (NaN/Inf held at the last finite sample; a long gap becomes an
// asystole alarm, as a lead-off should). Memory: fixed (sizeof, 11.6 kB at 360 Hz).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "../config.hpp"
#include "../core/units.hpp"
#include "qrs_detector.hpp"
#include "rr_analysis.hpp"
#include "vf_detector.hpp"

namespace nerve::pipelines {

enum class alarm_kind : std::uint8_t {
    asystole = 0, ventricular_fibrillation, bradycardia, tachycardia, irregular_rhythm, artefact
};
inline constexpr std::size_t alarm_kinds = 6;

constexpr const char* to_string(alarm_kind a) noexcept {
    switch (a) {
        case alarm_kind::asystole: return "asystole";
        case alarm_kind::ventricular_fibrillation: return "ventricular_fibrillation";
        case alarm_kind::bradycardia: return "bradycardia";
        case alarm_kind::tachycardia: return "tachycardia";
        case alarm_kind::irregular_rhythm: return "irregular_rhythm";
        case alarm_kind::artefact: return "artefact";
    }
    return "unknown";
}

struct monitor_params {
    qrs_params qrs{};
    vf_params vf{};
    double asystole_s = 4.0;       // no beat for this long (common monitor default)
    float bradycardia_bpm = 40.0f; // extreme bradycardia / tachycardia limits
    float tachycardia_bpm = 140.0f;
    float rate_hysteresis_bpm = 5.0f;
};

enum class event_kind : std::uint8_t { beat = 0, alarm_on, alarm_off };

struct monitor_event {
    event_kind kind = event_kind::beat;
    std::uint64_t sample = 0;  // beat fiducial, or when the alarm condition was established
    qrs_beat beat{};           // kind == beat
    rr_features rr{};          // kind == beat (rr.valid false for the first beat and after pauses)
    alarm_kind alarm = alarm_kind::asystole;  // alarm_on / alarm_off
    float value = 0.0f;        // alarm: heart rate (brady/tachy), pause seconds (asystole),
                               //        leakage (VF), artefact peaks so far (artefact)
};

template <std::size_t MaxRateHz = 1000>
class patient_monitor {
    static constexpr std::size_t queue_n = 32;  // > 4 s of beats at 240 bpm (the refractory limit)
    static constexpr std::uint32_t block_n = 16;  // samples per operator run

public:
    using input_type = float;
    using output_type = monitor_event;

    explicit patient_monitor(sample_rate fs = sample_rate{360.0}, const monitor_params& p = {}) noexcept
        : fs_(static_cast<float>(fs.value)), p_(p), qrs_(fs, p.qrs), vf_(fs, p.vf) {
        asystole_ = static_cast<std::uint64_t>(p.asystole_s * fs.value + 0.5);
        reset();
    }

    /// One ECG sample. Samples are collected into runs of `block_n` and the operators run on
    /// whole runs (their block paths: state in registers, the band-pass section by section),
    /// so events come out at the end of a run, at most block_n - 1 samples later than a
    /// per-sample pipeline would emit them (44 ms at 360 Hz; beats are held ~3 s anyway).
    template <class Emit>
    void push(float x, Emit&& emit) noexcept {
        in_[in_n_] = x;
        if (++in_n_ == block_n) {
            in_n_ = 0;
            run(in_.data(), block_n, emit);
        }
    }

    /// A block of samples (e.g. a DMA buffer): the same events as push() on each in turn.
    template <class Emit>
    void process(std::span<const float> in, Emit&& emit) noexcept {
        for (const float x : in) push(x, emit);
    }

    /// End of the recording: runs the collected samples, decides held peaks and releases the
    /// held beats.
    template <class Emit>
    void flush(Emit&& emit) noexcept {
        if (in_n_ > 0) {
            const std::uint32_t c = in_n_;
            in_n_ = 0;
            run(in_.data(), c, emit);
        }
        qrs_.flush([&](const qrs_beat& b) { on_detected(b, emit); });
        while (qn_ > 0) release_front(vf_now_, emit);
    }

    void reset() noexcept {
        qrs_.reset();
        vf_.reset();
        rr_.reset();
        n_ = 0;
        in_ = {};
        in_n_ = 0;
        queue_ = {};
        qh_ = qn_ = 0;
        vf_now_ = false;
        any_beat_ = any_reported_ = false;
        last_detected_ = last_reported_ = 0;
        alarm_on_ = {};
        alarm_count_ = {};
        beats_ = vf_waves_ = ectopic_ = 0;
        irregular_run_ = 0;
        last_rr_ = rr_features{};
    }

    // ---- what a display or summary needs -------------------------------------------------
    std::uint32_t beats() const noexcept { return beats_; }
    std::uint32_t vf_waves() const noexcept { return vf_waves_; }
    std::uint32_t ectopic_beats() const noexcept { return ectopic_; }
    std::uint32_t alarms(alarm_kind a) const noexcept { return alarm_count_[static_cast<std::size_t>(a)]; }
    bool alarm_active(alarm_kind a) const noexcept { return alarm_on_[static_cast<std::size_t>(a)]; }
    const rr_features& last_rr() const noexcept { return last_rr_; }
    std::uint32_t rejected() const noexcept { return qrs_.rejected(); }
    /// Peaks the detector rejected as motion artefact.
    std::uint32_t artefacts() const noexcept { return qrs_.artefacts(); }
    const qrs_detector<MaxRateHz>& detector() const noexcept { return qrs_; }

    template <class V>
    void visit_state(V& v) {
        qrs_.visit_state(v);
        vf_.visit_state(v);
        rr_.visit_state(v);
        v(n_); v(in_); v(in_n_);
        for (auto& b : queue_) { v(b.sample); v(b.rr_s); v(b.energy); v(b.slope); v(b.search_back); v(b.quality); v(b.noisy); }
        v(qh_); v(qn_); v(vf_now_); v(any_beat_); v(any_reported_); v(last_detected_); v(last_reported_);
        v(alarm_on_); v(alarm_count_); v(beats_); v(vf_waves_); v(ectopic_); v(irregular_run_);
    }

private:
    template <class Emit>
    void run(const float* x, std::uint32_t c, Emit& emit) noexcept {
        const std::uint64_t n0 = n_;
        n_ += c;
        qrs_.process(std::span<const float>(x, c), [&](const qrs_beat& b) { on_detected(b, emit); });
        vf_.process(std::span<const float>(x, c), [&](const vf_status& s) { on_vf(s, emit); });
        // Artefact: on at the artefact peak, off noisy_hold_s after the last one.
        const bool noisy = qrs_.noisy(n_);
        if (noisy != alarm_on_[5]) {
            const std::uint64_t at = noisy ? qrs_.last_artefact() : qrs_.last_artefact() + qrs_.noisy_hold();
            raise(alarm_kind::artefact, noisy, at, static_cast<float>(qrs_.artefacts()), emit);
        }
        // Asystole: no detected beat (VF waves count: VF has its own alarm) for asystole_s;
        // raised at the first sample of the run past the limit, not while artefact is on.
        if (!alarm_on_[0] && !vf_now_ && !noisy) {
            const std::uint64_t from = (any_beat_ ? last_detected_ : 0) + asystole_ + 1;
            if (from < n_) {
                const std::uint64_t at = from > n0 ? from : n0;
                const std::uint64_t since = at - (any_beat_ ? last_detected_ : 0);
                raise(alarm_kind::asystole, true, at, static_cast<float>(since) / fs_, emit);
            }
        }
    }

    template <class Emit>
    void on_detected(const qrs_beat& b, Emit& emit) noexcept {
        any_beat_ = true;
        last_detected_ = b.sample;
        if (alarm_on_[0]) raise(alarm_kind::asystole, false, b.sample, 0.0f, emit);
        if (qn_ == queue_n) release_front(vf_now_, emit);  // cannot happen below 240 bpm
        queue_[(qh_ + qn_) % queue_n] = b;
        ++qn_;
    }

    template <class Emit>
    void on_vf(const vf_status& s, Emit& emit) noexcept {
        // Beats up to the centre of this window are decided with this window's verdict.
        const std::uint64_t centre = s.end_sample - s.window / 2;
        while (qn_ > 0 && queue_[qh_].sample <= centre) release_front(s.vf, emit);
        if (s.vf != vf_now_) {
            vf_now_ = s.vf;
            raise(alarm_kind::ventricular_fibrillation, s.vf, centre, s.leakage, emit);
        }
    }

    template <class Emit>
    void release_front(bool in_vf, Emit& emit) noexcept {
        const qrs_beat b = queue_[qh_];
        qh_ = (qh_ + 1) % queue_n;
        --qn_;
        if (in_vf) {
            ++vf_waves_;
            return;
        }
        monitor_event e;
        e.kind = event_kind::beat;
        e.sample = b.sample;
        e.beat = b;
        if (any_reported_) {
            const float rr = static_cast<float>(b.sample - last_reported_) / fs_;
            e.beat.rr_s = rr;
            e.rr = rr_(rr);
            if (e.rr.valid) last_rr_ = e.rr;
            if (e.rr.ectopic) ++ectopic_;
        }
        any_reported_ = true;
        last_reported_ = b.sample;
        ++beats_;
        emit(e);
        if (e.rr.valid && !b.noisy) rate_alarms(e, emit);
    }

    template <class Emit>
    void rate_alarms(const monitor_event& e, Emit& emit) noexcept {
        const float hr = e.rr.heart_rate_bpm;
        const float h = p_.rate_hysteresis_bpm;
        if (!alarm_on_[2] && hr < p_.bradycardia_bpm) raise(alarm_kind::bradycardia, true, e.sample, hr, emit);
        else if (alarm_on_[2] && hr > p_.bradycardia_bpm + h) raise(alarm_kind::bradycardia, false, e.sample, hr, emit);
        if (!alarm_on_[3] && hr > p_.tachycardia_bpm) raise(alarm_kind::tachycardia, true, e.sample, hr, emit);
        else if (alarm_on_[3] && hr < p_.tachycardia_bpm - h) raise(alarm_kind::tachycardia, false, e.sample, hr, emit);
        // The AF flag looks at 32 RR already; 8 consecutive agreeing beats more keep the alarm
        // from chattering at the edges of an episode.
        irregular_run_ = e.rr.irregular == alarm_on_[4] ? 0 : irregular_run_ + 1;
        if (irregular_run_ >= 8) {
            irregular_run_ = 0;
            raise(alarm_kind::irregular_rhythm, !alarm_on_[4], e.sample, hr, emit);
        }
    }

    template <class Emit>
    void raise(alarm_kind a, bool on, std::uint64_t at, float value, Emit& emit) noexcept {
        const auto i = static_cast<std::size_t>(a);
        alarm_on_[i] = on;
        if (on) ++alarm_count_[i];
        monitor_event e;
        e.kind = on ? event_kind::alarm_on : event_kind::alarm_off;
        e.sample = at;
        e.alarm = a;
        e.value = value;
        emit(e);
    }

    float fs_;
    monitor_params p_;
    qrs_detector<MaxRateHz> qrs_;
    vf_detector<MaxRateHz> vf_;
    rr_analysis<> rr_{};
    std::uint64_t asystole_ = 0;
    std::uint64_t n_ = 0;  // samples run through the operators
    std::array<float, block_n> in_{};  // samples collected for the next run
    std::uint32_t in_n_ = 0;
    std::array<qrs_beat, queue_n> queue_{};
    std::uint32_t qh_ = 0, qn_ = 0;
    bool vf_now_ = false;
    bool any_beat_ = false, any_reported_ = false;
    std::uint64_t last_detected_ = 0, last_reported_ = 0;
    std::array<bool, alarm_kinds> alarm_on_{};
    std::array<std::uint32_t, alarm_kinds> alarm_count_{};
    std::uint32_t beats_ = 0, vf_waves_ = 0, ectopic_ = 0;
    std::uint32_t irregular_run_ = 0;
    rr_features last_rr_{};
};

}  // namespace nerve::pipelines
