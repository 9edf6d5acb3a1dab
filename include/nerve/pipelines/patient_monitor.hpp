// nerve/pipelines/patient_monitor.hpp — the patient-monitoring reference pipeline: one ECG
// lead in, beats with heart rate, HRV and rhythm flags plus bedside alarms out.
//
//   ECG sample -> qrs_detector (band-pass, slope energy, adaptive thresholds, search-back,
//                               T-wave discrimination)           -> beats
//              -> vf_detector  (Kuo-Dillman VF filter, 4 s window) -> VF / flutter rhythm
//   beats held until the VF decision of the window centred on them is known (about 3 s):
//      beats inside VF/flutter are flutter waves, not beats: counted, not reported
//   reported beats -> rr_analysis (HR, SDNN, RMSSD, pNN50, ectopic, AF irregularity)
//   alarms (onset and end events): asystole (no beat for `asystole_s`, raised once the
//      detector can no longer report a beat inside that pause, ~0.65 s later at 360 Hz: no
//      alarm that a beat found a moment later takes back), VF/flutter,
//      bradycardia / tachycardia on the 8-beat median rate (with 5 bpm hysteresis),
//      irregular rhythm (AF) once the rr_analysis flag (its RR series normal-to-normal: the
//      intervals across beats whose QRS differs from the dominant one, qrs_check(), joined),
//      with no consistent P wave before the QRS (atrial_check()), has held for 8 beats (and
//      off after 8),
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
// 32 samples and runs them through the operators' block paths at once (188.0 instructions per
// sample on a Cortex-M4 at 360 Hz as a mean, bench/mcu/patient_monitor.cpp; runs of 16 cost
// 14 more, the detectors' set-up per run), so events come out at the end of such a run: up to
// 31 samples (86 ms at 360 Hz) later than they could; flush() runs a part-filled run.
// Two leads (patient_monitor<MaxRateHz, 2>, input std::array<float, 2>: lead 0 the primary,
// lead 1 a second ECG lead): lead 0 is analysed exactly as alone (its beats, VF filter, alarms
// are unchanged) and a second qrs_detector runs on lead 1 as a fallback for a lost lead 0.
// A lead-1 beat is reported only when (RR = lead 0's median RR, r = fallback_rhythm = 0.3,
// the usual +-30 % beat-to-beat limit of a regular rhythm, as in the detector's artefact_rr)
//   * no lead-0 beat lies within the refractory period (qrs.refractory_s) of it (the same
//     beat seen twice) and it comes a refractory period after the last reported beat (beats
//     stay in time order, no duplicates);
//   * lead 0 is lost around it: the lead-0 beats either side of it are more than
//     fallback_gap_rr = 3 x RR apart (lead 0 silent for twice its own search-back interval:
//     a sustained loss, as when an electrode lifts, not one small beat missed; while lead 1
//     keeps a regular rhythm that long, a sinus pause is ruled out), and it leaves at least
//     (1 - r) RR to each of them (it makes no beat premature);
//   * lead 1's detector is confident: it found the beat on its threshold (not by search-back),
//     the beat is at least half as sharp as lead 1's recent beats (fallback_quality, see
//     qrs_beat::quality), neither lead is noisy (no artefact peak rejected within
//     noisy_hold_s: motion moves every electrode), and lead 1 tracks the same rhythm: its
//     median RR is within fallback_rr_agreement (15 %) of lead 0's;
//   * the beat sits in a regular run on lead 1: lead 1's previous beat is the last reported
//     beat (within half a refractory period: a chain anchored on lead 0's last beat) and both
//     lead-1 intervals around it are within (1 +- r) RR.
// On the 27 local MIT-BIH records this recovers 16 of the 121 missed beats (all in a stretch
// where lead 0 is lost) and adds no false beat; under synthetic electrode-motion and muscle
// noise on both leads (tools/ecg_noise_stress.py, 6 and 0 dB) it changes nothing. Tried and
// not kept: a gap of 1.5 RR (lead 0's search-back interval) recovers 29-39 beats on the
// MIT-BIH records, but adds false beats under electrode-motion noise on both leads (+P -0.02
// to -0.07 points), where a noisy second lead can pass the rhythm conditions by chance.
// Lead-1 beats wait in their own queue and are decided when the lead-0 beats around them and
// the next lead-1 beat are known (at release, ~3 s late); they carry monitor_event::lead = 1.
// Asystole is judged on both leads: a lead-1 beat its detector found on its threshold, as sharp
// as the fallback asks and with no artefact about, counts as a sign of life as soon as it is
// detected (before the fallback rule decides whether to report it), so a lost lead 0 with a
// beating lead 1 is no asystole. A true asystole is flat on both.
// Cost: a second QRS detector (band-pass, slope, integral, peak logic) per sample: on a
// Cortex-M4 at 360 Hz 311 instructions per two-lead sample as a mean (155.3 per lead; one lead:
// 188.0), sizeof(patient_monitor<360, 2>) 17.7 kB (one lead: 13.5 kB).
// Bad input: see the operators (NaN/Inf held at the last finite sample; a long gap becomes an
// asystole alarm, as a lead-off should). Memory: fixed (sizeof, 13.5 kB at 360 Hz, two
// leads 17.7 kB).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/numeric.hpp"
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
    // Two-lead monitors only (patient_monitor<Rate, 2>): the fallback-lead rule.
    float fallback_rhythm = 0.3f;         // intervals within (1 +- this) x lead 0's median RR
    float fallback_rr_agreement = 0.15f;  // the leads' median RR agree within this fraction
    float fallback_quality = 0.5f;        // lead-1 beat at least this sharp (qrs_beat::quality)
    float fallback_gap_rr = 3.0f;         // lead 0 silent for more than this x its median RR
    // AF alarm, atrial check: besides the RR test, the median correlation of the last 32
    // non-premature beats' pre-QRS segments with the running P-wave template must be below
    // this (no consistent P wave); above 1 the RR test decides alone.
    float af_p_wave_corr = 0.4f;
    // AF alarm, QRS check: a beat whose QRS (lead 0, 80 ms either side of the fiducial)
    // correlates below this with the running template of the dominant QRS is aberrant
    // (ventricular-like: a PVC, a fusion beat); the RR test then sees the interval from the
    // last normal beat to the next as one averaged RR. Below -1 the check is off.
    float aberrant_qrs_corr = 0.8f;
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
    std::uint8_t lead = 0;     // kind == beat: the lead it was detected on (1: the fallback)
    float qrs_match = 1.0f;    // kind == beat: correlation of its QRS with the dominant QRS
                               // (lead 0; 1 when not checked: a young template, a fallback beat)
};

template <std::size_t MaxRateHz = 1000, std::size_t Leads = 1>
class patient_monitor {
    static_assert(Leads == 1 || Leads == 2, "one lead, or a primary lead with a fallback lead");
    static constexpr std::size_t queue_n = 32;  // > 4 s of beats at 240 bpm (the refractory limit)
    static constexpr std::uint32_t block_n = 32;  // samples per operator run
    static constexpr std::size_t aux_n = Leads - 1;  // fallback-lead detectors (0 or 1)
    // The atrial and QRS checks' ring of lead 0 at 100-150 Hz and their longest segment.
    static constexpr std::uint32_t dec_n = 224;
    static constexpr std::size_t seg_n = 36;

public:
    /// One sample: a float for one lead, {lead 0, lead 1} for two.
    using input_type = std::conditional_t<Leads == 1, float, std::array<float, Leads>>;
    using output_type = monitor_event;

    explicit patient_monitor(sample_rate fs = sample_rate{360.0}, const monitor_params& p = {}) noexcept
        : fs_(static_cast<float>(fs.value)), p_(p), qrs_(fs, p.qrs), vf_(fs, p.vf) {
        asystole_ = static_cast<std::uint64_t>(p.asystole_s * fs.value + 0.5);
        report_lag_ = qrs_.report_lag();
        // The P-wave segment at 100-150 Hz: every stride-th input sample (P waves lie below
        // 15 Hz; on MIT-BIH every 3rd sample at 360 Hz separated AF as well as all of them).
        stride_ = static_cast<std::uint32_t>(std::ceil(fs.value / 150.0));
        if (stride_ < 1) stride_ = 1;
        p_win_ = segment_window::make(fs.value, 0.30, 0.23, stride_, 0);
        // The QRS segment: 80 ms either side of the fiducial (both ends), at the same rate.
        q_win_ = segment_window::make(fs.value, 0.08, 0.16, stride_, 1);
        refractory_ = static_cast<std::uint64_t>(p.qrs.refractory_s * fs.value + 0.5);
        for (auto& d : aux_) d = qrs_detector<MaxRateHz>(fs, p.qrs);
        reset();
    }

    /// One ECG sample. Samples are collected into runs of `block_n` and the operators run on
    /// whole runs (their block paths: state in registers, the band-pass section by section),
    /// so events come out at the end of a run, at most block_n - 1 samples later than a
    /// per-sample pipeline would emit them (86 ms at 360 Hz; beats are held ~3 s anyway).
    template <class Emit>
    void push(input_type x, Emit&& emit) noexcept {
        if constexpr (Leads == 1) {
            in_[in_n_] = x;
        } else {
            in_[in_n_] = x[0];
            in1_[in_n_] = x[1];
        }
        if (++in_n_ == block_n) {
            in_n_ = 0;
            run(block_n, emit);
        }
    }

    /// A block of samples (e.g. a DMA buffer): the same events as push() on each in turn.
    template <class Emit>
    void process(std::span<const input_type> in, Emit&& emit) noexcept {
        for (const auto& x : in) push(x, emit);
    }

    /// End of the recording: runs the collected samples, decides held peaks and releases the
    /// held beats.
    template <class Emit>
    void flush(Emit&& emit) noexcept {
        if (in_n_ > 0) {
            const std::uint32_t c = in_n_;
            in_n_ = 0;
            run(c, emit);
        }
        qrs_.flush([&](const qrs_beat& b) { on_detected(b, emit); });
        for (auto& d : aux_) d.flush([&](const qrs_beat& b) { on_aux(b); });
        release_until(~std::uint64_t{0}, vf_now_, emit);
    }

    void reset() noexcept {
        qrs_.reset();
        for (auto& d : aux_) d.reset();
        aux_queue_ = {};
        ah_ = an_ = 0;
        aux_beats_ = 0;
        in1_ = {};
        last_lead0_ = 0;
        any_lead0_ = false;
        last_lead1_ = 0;
        any_lead1_ = false;
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
        beats_ = vf_waves_ = ectopic_ = aberrant_ = 0;
        irregular_run_ = 0;
        last_rr_ = rr_features{};
        dec_ = {};
        dec_pos_ = dec_phase_ = 0;
        p_tmpl_ = {};
        q_tmpl_ = {};
        q_miss_ = 0;
        q_match_ = {};
        p_corr_ = {};
        p_corr_pos_ = p_corr_n_ = 0;
    }

    // ---- what a display or summary needs -------------------------------------------------
    std::uint32_t beats() const noexcept { return beats_; }
    std::uint32_t vf_waves() const noexcept { return vf_waves_; }
    std::uint32_t ectopic_beats() const noexcept { return ectopic_; }
    /// Reported beats whose QRS is aberrant (qrs_match below monitor_params::aberrant_qrs_corr:
    /// ventricular-like, e.g. PVCs; on the 27 MIT-BIH records also 2.9 % of normal beats).
    std::uint32_t aberrant_beats() const noexcept { return aberrant_; }
    std::uint32_t alarms(alarm_kind a) const noexcept { return alarm_count_[static_cast<std::size_t>(a)]; }
    bool alarm_active(alarm_kind a) const noexcept { return alarm_on_[static_cast<std::size_t>(a)]; }
    const rr_features& last_rr() const noexcept { return last_rr_; }
    std::uint32_t rejected() const noexcept { return qrs_.rejected(); }
    /// Peaks the detector rejected as motion artefact.
    std::uint32_t artefacts() const noexcept { return qrs_.artefacts(); }
    const qrs_detector<MaxRateHz>& detector() const noexcept { return qrs_; }
    /// Beats reported from the fallback lead (lead 1) while lead 0 was lost.
    std::uint32_t fallback_beats() const noexcept { return aux_beats_; }

    /// For restore(): the collected run is shorter than a block, the beat queues' heads and
    /// counts lie within them, the last beats seen are not in the future and the atrial
    /// check's ring, template and correlations are in range. The detectors are visited as objects (v(qrs_), not
    /// qrs_.visit_state(v): the same bytes), so restore() asks their own state_is_valid() too.
    bool state_is_valid() const noexcept {
        bool ok = in_n_ < block_n && qh_ < queue_n && qn_ <= queue_n && last_detected_ <= n_;
        // The atrial check: ring and counts in range, a finite template and correlations.
        ok = ok && dec_pos_ < dec_n && dec_phase_ < stride_ && p_corr_pos_ < p_corr_.size() && p_corr_n_ <= p_corr_.size() &&
             p_tmpl_.valid() && q_tmpl_.valid();
        for (std::uint32_t i = 0; ok && i < p_corr_n_; ++i) ok = p_corr_[i] >= -1.0f && p_corr_[i] <= 1.0f;
        for (std::size_t i = 0; ok && i < queue_n; ++i) ok = q_match_[i] >= -1.0f && q_match_[i] <= 1.0f;
        if constexpr (Leads > 1) ok = ok && ah_ < queue_n && an_ <= queue_n && last_lead1_ <= n_;
        return ok;
    }

    template <class V>
    void visit_state(V& v) {
        v(qrs_);
        v(vf_);
        v(rr_);
        v(n_); v(in_); v(in_n_);
        for (auto& b : queue_) visit_beat(v, b);
        v(qh_); v(qn_);
        if constexpr (Leads > 1) {
            v(aux_);
            v(in1_);
            for (auto& b : aux_queue_) visit_beat(v, b);
            v(ah_); v(an_); v(aux_beats_); v(last_lead0_); v(any_lead0_); v(last_lead1_); v(any_lead1_);
        }
        v(vf_now_); v(any_beat_); v(any_reported_); v(last_detected_); v(last_reported_);
        v(alarm_on_); v(alarm_count_); v(beats_); v(vf_waves_); v(ectopic_); v(aberrant_); v(irregular_run_);
        v(dec_); v(dec_pos_); v(dec_phase_);
        for (auto* t : {&p_tmpl_, &q_tmpl_}) { v(t->t); v(t->n); v(t->tt); v(t->t0); v(t->t1); }
        v(p_corr_); v(p_corr_pos_); v(p_corr_n_); v(q_miss_); v(q_match_);
    }

private:
    template <class V>
    static void visit_beat(V& v, qrs_beat& b) {
        v(b.sample); v(b.rr_s); v(b.energy); v(b.slope); v(b.search_back); v(b.quality); v(b.noisy);
    }

    template <class Emit>
    void run(std::uint32_t c, Emit& emit) noexcept {
        const float* x = in_.data();
        const std::uint64_t n0 = n_;
        {  // every stride-th sample of lead 0 (input index j % stride_ == 0), for the P-wave check
            std::uint32_t i = dec_phase_, pos = dec_pos_;
            for (; i < c; i += stride_) {
                dec_[pos] = x[i];
                pos = pos + 1 == dec_n ? 0 : pos + 1;
            }
            dec_pos_ = pos;
            dec_phase_ = i - c;
        }
        n_ += c;
        qrs_.process(std::span<const float>(x, c), [&](const qrs_beat& b) { on_detected(b, emit); });
        if constexpr (Leads > 1) {
            aux_[0].process(std::span<const float>(in1_.data(), c), [&](const qrs_beat& b) {
                // Signal quality at detection time: motion artefact moves the electrodes and
                // cables of every lead, so a stretch where either detector is rejecting
                // artefact (noisy) gives no fallback beat.
                qrs_beat q = b;
                q.noisy = b.noisy || aux_[0].noisy(n_) || qrs_.noisy(n_);
                on_aux(q);
                // A confident lead-1 beat (on its threshold, as sharp as the fallback needs,
                // no artefact about) is a sign of life: it clears and holds off asystole.
                if (!q.search_back && !q.noisy && q.quality >= p_.fallback_quality) {
                    any_lead1_ = true;
                    last_lead1_ = q.sample;
                    if (alarm_on_[0]) raise(alarm_kind::asystole, false, q.sample, 0.0f, emit);
                }
            });
        }
        vf_.process(std::span<const float>(x, c), [&](const vf_status& s) { on_vf(s, emit); });
        // Artefact: on at the artefact peak, off noisy_hold_s after the last one.
        const bool noisy = qrs_.noisy(n_);
        if (noisy != alarm_on_[5]) {
            const std::uint64_t at = noisy ? qrs_.last_artefact() : qrs_.last_artefact() + qrs_.noisy_hold();
            raise(alarm_kind::artefact, noisy, at, static_cast<float>(qrs_.artefacts()), emit);
        }
        // Asystole: no detected beat (VF waves count: VF has its own alarm; with two leads, a
        // confident lead-1 beat counts too) for asystole_s, not while artefact is on. Raised
        // once the detectors have settled past the limit (qrs_detector::settled_until: no beat
        // can still be reported before it; about 0.65 s at 360 Hz, longer while a search-back
        // candidate may still be taken, at most asystole_s more), stamped with the first sample
        // past the limit (or, when artefact held it, with the first the run could vouch for).
        if (!alarm_on_[0] && !vf_now_ && !noisy) {
            const std::uint64_t last = last_sign_of_life(), from = last + asystole_ + 1;
            // settled_until() <= n_ - report_lag_, so while beats come this is one compare.
            if (from + report_lag_ <= n_ && (from <= settled_until() || from + asystole_ < n_)) {
                const std::uint64_t vouched = n0 > report_lag_ ? n0 - report_lag_ : 0;
                const std::uint64_t at = from > vouched ? from : vouched;
                raise(alarm_kind::asystole, true, at, static_cast<float>(at - last) / fs_, emit);
            }
        }
    }

    // Atrial activity (the AF alarm's second test). A P wave precedes each conducted beat at a
    // steady PR interval, so the segment 300-70 ms before the QRS (detrended: wander and the
    // previous T wave's slope out) repeats from beat to beat; in atrial fibrillation that
    // segment holds fibrillatory waves and noise unrelated to the QRS. Each beat's segment is
    // correlated with a running template (an average of the last ~16 non-premature beats'
    // segments) and the correlations of the last 32 non-premature beats are kept; the alarm
    // needs their median below af_p_wave_corr as well as the RR test to start, and ends when
    // either the RR series is regular or the median is above 1.5 x af_p_wave_corr. Without
    // it, the RR test alone called frequent ventricular ectopy and paced rhythms AF: on the 27
    // MIT-BIH records 89 of 99 alarm episodes touched no atrial fibrillation or flutter; with
    // it 23 of 31, AF covered 90.2 % instead of 90.7 % (tools/ecg_alarm_eval.py; with the
    // QRS check below as well, 5 of 13 and 91.3 %). Sampled
    // every stride-th input sample (100-150 Hz), the check costs ~8.6 instructions per input
    // sample on a Cortex-M4 at 360 Hz and 75 bpm (ring writes and one segment per beat).
    // Premature beats (RR below 0.8 x the detector's median RR) neither enter the template nor
    // the median: a PVC or PAC has no or another P wave. Beats found later than the raw ring
    // holds (search-back) are skipped. Cost: one pass over the segment per beat.
    void atrial_check(std::uint64_t at, bool premature) noexcept {
        if (premature) return;  // no (or another) P wave
        segment w;
        if (!read_segment(at, p_win_, p_tmpl_, w)) return;
        const float r = correlate(w, p_tmpl_, p_win_);
        if (r >= -1.0f && r <= 1.0f) {
            p_corr_[p_corr_pos_] = r;
            p_corr_pos_ = p_corr_pos_ + 1 == p_corr_.size() ? 0 : p_corr_pos_ + 1;
            if (p_corr_n_ < p_corr_.size()) ++p_corr_n_;
        }
        learn(p_tmpl_, w, p_win_);
    }

    // The QRS check (the AF alarm's guard against ventricular ectopy): the lead-0 QRS, 80 ms
    // either side of the fiducial, correlated with a running template of the dominant QRS.
    // Frequent PVCs make the RR series irregular enough for the RR test (on the 27 MIT-BIH
    // records most false AF episodes were ventricular ectopy: records 106, 207, 208, 223), but
    // an ectopic QRS differs in shape from the dominant one, and the interval from the last
    // normal beat to the next normal one stays regular. The template learns from
    // non-premature beats that match it (any while it holds fewer than 4 beats); 8
    // non-premature mismatches in a row (a new lead position, a lasting new rhythm) start it
    // again. Returns the correlation, 1 when there is no verdict. Cost: one pass over the
    // segment per beat, one more to learn.
    float qrs_check(std::uint64_t at, bool premature) noexcept {
        if (!(p_.aberrant_qrs_corr >= -1.0f)) return 1.0f;
        segment w;
        if (!read_segment(at, q_win_, q_tmpl_, w)) return 1.0f;
        const float r = correlate(w, q_tmpl_, q_win_);
        const bool verdict = r >= -1.0f && r <= 1.0f;
        const bool match = !verdict || r >= p_.aberrant_qrs_corr;
        if (!premature) {
            q_miss_ = match ? 0 : q_miss_ + 1;
            if (q_miss_ >= 8) {
                q_tmpl_ = segment_template{};
                q_miss_ = 0;
            }
            if (match) learn(q_tmpl_, w, q_win_);
        }
        return verdict ? r : 1.0f;
    }

    // One beat's segment of the decimated ring, less its first sample (no DC in the sums):
    // the values, their sum, their first moment about the centre, their square sum and their
    // product with the template.
    struct segment {
        std::array<float, seg_n> w;
        float s0 = 0.0f, s1 = 0.0f, sxx = 0.0f, sxt = 0.0f;
    };
    // A running template of such segments (an average with weight 1/16 per beat after the
    // first) with its square sum, sum and first moment about the centre.
    struct segment_template {
        std::array<float, seg_n> t{};
        std::uint32_t n = 0;  // segments averaged in (counts to 16)
        float tt = 0.0f, t0 = 0.0f, t1 = 0.0f;
        bool valid() const noexcept {  // in range, and its square sum finite
            bool ok = n <= 16 && tt >= 0.0f && tt <= 3.0e38f && is_finite(t0) && is_finite(t1);
            for (std::size_t i = 0; ok && i < seg_n; ++i) ok = t[i] >= -1.85e19f && t[i] <= 1.85e19f;
            return ok;
        }
    };

    // Where a check's segment lies: it starts `from` input samples before the fiducial and
    // holds `len` decimated samples; `tt` is the sum of (i - centre)^2 over it (detrending).
    struct segment_window {
        std::uint32_t from = 0, len = 8;
        float tt = 0.0f;
        // From `before_s` seconds before the fiducial for `span_s` seconds (plus `extra`
        // samples), every `stride`-th sample at `fs`; 8 to seg_n samples long.
        static segment_window make(double fs, double before_s, double span_s, std::uint32_t stride,
                                   std::uint32_t extra) noexcept {
            segment_window w;
            w.from = static_cast<std::uint32_t>(before_s * fs + 0.5);
            w.len = static_cast<std::uint32_t>(span_s * fs / stride + 0.5) + extra;
            if (w.len > seg_n) w.len = seg_n;
            if (w.len < 8) w.len = 8;
            const float centre = 0.5f * static_cast<float>(w.len - 1);
            for (std::uint32_t i = 0; i < w.len; ++i)
                w.tt += (static_cast<float>(i) - centre) * (static_cast<float>(i) - centre);
            return w;
        }
    };

    // The segment of window `win` around the fiducial `at` (from the first kept sample at or
    // after its start), in one pass with its product with template `t`: false when it is no
    // longer (or not yet) in the ring, or holds a gap or a wild sample.
    bool read_segment(std::uint64_t at, const segment_window& win, const segment_template& t, segment& s) const noexcept {
        if (at < win.from) return false;
        const std::uint64_t from = at - win.from;
        const std::uint32_t len = win.len;
        // Input sample j is kept when j % stride_ == 0; the next one kept is n_ + dec_phase_
        // (a multiple of stride_), the newest kept one sits at dec_pos_ - 1. So `from`'s first
        // kept sample is the age-th newest, age = (n_ + dec_phase_ - from) / stride_ (a 32-bit
        // division: the distance is a few seconds, and no 64-bit one on a Cortex-M).
        const std::uint64_t next = n_ + dec_phase_;
        if (from >= next || next - from >= std::uint64_t{dec_n + 1} * stride_) return false;  // age > dec_n
        const auto age = static_cast<std::uint32_t>(next - from) / stride_;
        if (age < len || age > dec_n) return false;  // not yet whole / no longer in the ring
        std::uint32_t k = dec_pos_ >= age ? dec_pos_ - age : dec_pos_ + dec_n - age;
        const float x0 = dec_[k], centre = 0.5f * static_cast<float>(len - 1);
        // The sums in locals: in s they would be reloaded after every store to s.w (same type).
        float ic = -centre, s0 = 0.0f, s1 = 0.0f, sxx = 0.0f, sxt = 0.0f;
        for (std::uint32_t i = 0; i < len; ++i, ic += 1.0f) {
            const float v = dec_[k] - x0;
            k = k + 1 == dec_n ? 0 : k + 1;
            s.w[i] = v;
            s0 += v;
            s1 += ic * v;
            sxx += v * v;
            sxt += v * t.t[i];
        }
        s.s0 = s0;
        s.s1 = s1;
        s.sxx = sxx;
        s.sxt = sxt;
        return is_finite(sxx) && is_finite(sxt);
    }

    // The correlation of the detrended segment (w - mean - slope (i - centre)) with the
    // template; 2 when there is no verdict (fewer than 4 beats in the template, a flat
    // segment).
    static float correlate(const segment& s, const segment_template& t, const segment_window& win) noexcept {
        const float mean = s.s0 / static_cast<float>(win.len), slope = s.s1 / win.tt;
        // The detrending projections come off the sums.
        const float ww = s.sxx - s.s0 * mean - s.s1 * slope;
        const float wt = s.sxt - mean * t.t0 - slope * t.t1;
        const float r = t.n >= 4 && ww > 1e-6f * s.sxx && t.tt > 0.0f ? wt / std::sqrt(ww * t.tt) : 2.0f;
        if (!(r >= -1.001f && r <= 1.001f)) return 2.0f;  // rounding can pass 1 by a hair; NaN fails
        return r > 1.0f ? 1.0f : r < -1.0f ? -1.0f : r;
    }

    // Averages the detrended segment into the template (the first one is taken whole).
    static void learn(segment_template& t, const segment& s, const segment_window& win) noexcept {
        const std::uint32_t len = win.len;
        const float centre = 0.5f * static_cast<float>(len - 1);
        const float mean = s.s0 / static_cast<float>(len), slope = s.s1 / win.tt;
        const float g = t.n == 0 ? 1.0f : 1.0f / 16.0f;
        float tt = 0.0f, t0 = 0.0f, t1 = 0.0f, ic = -centre;
        for (std::uint32_t i = 0; i < len; ++i, ic += 1.0f) {
            const float v = t.t[i] + g * ((s.w[i] - mean - slope * ic) - t.t[i]);
            t.t[i] = v;
            tt += v * v;
            t0 += v;
            t1 += ic * v;
        }
        if (!is_finite(tt)) {  // a huge input: start the template again
            t = segment_template{};
            return;
        }
        t.tt = tt;
        t.t0 = t0;
        t.t1 = t1;
        if (t.n < 16) ++t.n;
    }

    // Whether the atria look disorganised: the median of the kept correlations is below the
    // limit (with fewer than 8 kept, no evidence either way: the RR test decides).
    bool atria_disorganised(float margin) const noexcept {
        if (!(p_.af_p_wave_corr <= 1.0f) || p_corr_n_ < 8) return true;
        return median_of_first(p_corr_, p_corr_n_) < margin * p_.af_p_wave_corr;
    }

    // The last beat either lead showed (0 before the first): see the asystole alarm in run().
    std::uint64_t last_sign_of_life() const noexcept {
        std::uint64_t last = any_beat_ ? last_detected_ : 0;
        if constexpr (Leads > 1)
            if (any_lead1_ && last_lead1_ > last) last = last_lead1_;
        return last;
    }

    // The beat sample up to which every detector has spoken (qrs_detector::settled_until).
    std::uint64_t settled_until() const noexcept {
        std::uint64_t s = qrs_.settled_until(n_);
        for (const auto& d : aux_) {
            const std::uint64_t t = d.settled_until(n_);
            if (t < s) s = t;
        }
        return s;
    }

    template <class Emit>
    void on_detected(const qrs_beat& b, Emit& emit) noexcept {
        // Premature: RR below 0.8 x the detector's median RR.
        const bool premature =
            any_beat_ && static_cast<float>(b.sample - last_detected_) < 0.8f * qrs_.mean_rr_s() * fs_;
        if (any_beat_) atrial_check(b.sample, premature);
        const float match = qrs_check(b.sample, premature);
        any_beat_ = true;
        last_detected_ = b.sample;
        if (alarm_on_[0]) raise(alarm_kind::asystole, false, b.sample, 0.0f, emit);
        if (qn_ == queue_n) release_front(vf_now_, emit);  // cannot happen below 240 bpm
        queue_[(qh_ + qn_) % queue_n] = b;
        q_match_[(qh_ + qn_) % queue_n] = match;
        ++qn_;
    }

    template <class Emit>
    void on_vf(const vf_status& s, Emit& emit) noexcept {
        // Beats up to the centre of this window are decided with this window's verdict.
        const std::uint64_t centre = s.end_sample - s.window / 2;
        release_until(centre, s.vf, emit);
        if (s.vf != vf_now_) {
            vf_now_ = s.vf;
            raise(alarm_kind::ventricular_fibrillation, s.vf, centre, s.leakage, emit);
        }
    }

    // Lead-1 beats: queued until the lead-0 beats around them are known.
    void on_aux(const qrs_beat& b) noexcept {
        if (an_ == queue_n) {  // cannot happen below 240 bpm; the oldest is dropped
            ah_ = (ah_ + 1) % queue_n;
            --an_;
        }
        aux_queue_[(ah_ + an_) % queue_n] = b;
        ++an_;
    }

    // Releases the held beats up to sample `until` in time order, lead-0 and lead-1 merged.
    template <class Emit>
    void release_until(std::uint64_t until, bool in_vf, Emit& emit) noexcept {
        for (;;) {
            const bool has0 = qn_ > 0 && queue_[qh_].sample <= until;
            if constexpr (Leads > 1) {
                const bool has1 = an_ > 0 && aux_queue_[ah_].sample <= until;
                if (has1 && (!has0 || aux_queue_[ah_].sample < queue_[qh_].sample)) {
                    decide_aux(in_vf, emit);
                    continue;
                }
            }
            if (!has0) return;
            release_front(in_vf, emit);
        }
    }

    // The fallback rule (see the header comment). Called when every earlier lead-0 beat has
    // been released, so the lead-0 neighbours are the last released one and the queue's head,
    // and the next lead-1 beat is the lead-1 queue's new head.
    template <class Emit>
    void decide_aux(bool in_vf, Emit& emit) noexcept {
        const qrs_beat b = aux_queue_[ah_];
        ah_ = (ah_ + 1) % queue_n;
        --an_;
        if (in_vf || b.search_back || b.noisy || b.quality < p_.fallback_quality || !any_lead0_ || !any_reported_ ||
            an_ == 0)
            return;
        if (b.sample < last_reported_ + refractory_ || b.sample < last_lead0_ + refractory_) return;
        const bool has_next0 = qn_ > 0;
        const std::uint64_t next0 = has_next0 ? queue_[qh_].sample : n_;  // n_: none yet
        if (has_next0 && next0 < b.sample + refractory_) return;  // lead 0 has this beat
        const float rr = qrs_.mean_rr_s() * fs_;                  // lead 0's median RR, samples
        if (!(rr > 0.0f)) return;
        const float lo = (1.0f - p_.fallback_rhythm) * rr, hi = (1.0f + p_.fallback_rhythm) * rr;
        const auto span = [](std::uint64_t a, std::uint64_t z) { return static_cast<float>(z - a); };
        // Lead 0 lost: silent for fallback_gap_rr RR, a gap this beat splits without making
        // either side premature.
        if (span(last_lead0_, next0) <= p_.fallback_gap_rr * rr) return;
        if (span(last_lead0_, b.sample) < lo || span(b.sample, next0) < lo) return;
        // Lead 1 confident: the same rhythm, and a regular run anchored on the last beat.
        const float rr1 = aux_[0].mean_rr_s() * fs_;
        if (std::fabs(rr1 - rr) > p_.fallback_rr_agreement * rr) return;
        const float before = b.rr_s * fs_;
        const float anchor = static_cast<float>(b.sample - last_reported_) - before;
        if (!(before > 0.0f) || std::fabs(anchor) > 0.5f * static_cast<float>(refractory_)) return;
        const float after = span(b.sample, aux_queue_[ah_].sample);
        if (before < lo || before > hi || after < lo || after > hi) return;
        ++aux_beats_;
        report(b, 1, emit);
    }

    template <class Emit>
    void release_front(bool in_vf, Emit& emit) noexcept {
        const qrs_beat b = queue_[qh_];
        const float match = q_match_[qh_];
        qh_ = (qh_ + 1) % queue_n;
        --qn_;
        any_lead0_ = true;
        last_lead0_ = b.sample;
        if (in_vf) {
            ++vf_waves_;
            return;
        }
        report(b, 0, emit, match);
    }

    template <class Emit>
    void report(const qrs_beat& b, std::uint8_t lead, Emit& emit, float qrs_match = 1.0f) noexcept {
        monitor_event e;
        e.kind = event_kind::beat;
        e.qrs_match = qrs_match;
        e.sample = b.sample;
        e.lead = lead;
        e.beat = b;
        const bool aberrant = qrs_match < p_.aberrant_qrs_corr;
        if (aberrant) ++aberrant_;
        if (any_reported_) {
            const float rr = static_cast<float>(b.sample - last_reported_) / fs_;
            e.beat.rr_s = rr;
            e.rr = rr_(rr, aberrant);
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
        // The atrial check with hysteresis: on below af_p_wave_corr, off only above 1.5 x it
        // (a P-wave median that wanders about one limit in AF would make the alarm chatter).
        const bool irregular = e.rr.irregular && atria_disorganised(alarm_on_[4] ? 1.5f : 1.0f);
        irregular_run_ = irregular == alarm_on_[4] ? 0 : irregular_run_ + 1;
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
    std::uint64_t report_lag_ = 0;  // qrs_detector::report_lag()
    std::uint64_t n_ = 0;  // samples run through the operators
    std::array<float, block_n> in_{};  // samples collected for the next run
    // Fallback lead (Leads == 2): its detector, samples and beats waiting for a decision.
    std::array<qrs_detector<MaxRateHz>, aux_n> aux_;  // set in the constructor
    std::array<float, aux_n ? block_n : 0> in1_{};
    std::array<qrs_beat, aux_n ? queue_n : 0> aux_queue_{};
    std::uint32_t ah_ = 0, an_ = 0, aux_beats_ = 0;
    std::uint64_t refractory_ = 0;
    std::uint64_t last_lead0_ = 0;  // last lead-0 beat released
    bool any_lead0_ = false;
    std::uint64_t last_lead1_ = 0;  // last confident lead-1 beat detected (asystole)
    bool any_lead1_ = false;
    std::uint32_t in_n_ = 0;
    std::array<qrs_beat, queue_n> queue_{};
    std::uint32_t qh_ = 0, qn_ = 0;
    bool vf_now_ = false;
    bool any_beat_ = false, any_reported_ = false;
    std::uint64_t last_detected_ = 0, last_reported_ = 0;
    std::array<bool, alarm_kinds> alarm_on_{};
    std::array<std::uint32_t, alarm_kinds> alarm_count_{};
    std::uint32_t beats_ = 0, vf_waves_ = 0, ectopic_ = 0, aberrant_ = 0;
    std::uint32_t irregular_run_ = 0;
    rr_features last_rr_{};
    // The atrial check (atrial_check()): every stride-th sample of lead 0 (100-150 Hz) for 1.5 s
    // or more (a beat is detected at most ~0.7 s after its QRS, and its segment starts 0.3 s
    // before), the P-wave template (0.23 s) and the last 32 correlations.
    std::array<float, dec_n> dec_{};
    std::uint32_t dec_pos_ = 0, dec_phase_ = 0;  // next slot; input samples to the next kept one
    std::uint32_t stride_ = 1;
    segment_window p_win_{};
    segment_template p_tmpl_{};
    std::array<float, 32> p_corr_{};
    std::uint32_t p_corr_pos_ = 0, p_corr_n_ = 0;
    // The QRS check (qrs_check()): its segment window, template, the non-premature mismatches
    // in a row, and each queued lead-0 beat's correlation (q_match_[i] belongs to queue_[i]).
    segment_window q_win_{};
    segment_template q_tmpl_{};
    std::uint32_t q_miss_ = 0;
    std::array<float, queue_n> q_match_{};
};

}  // namespace nerve::pipelines
