// nerve/pipelines/qrs_detector.hpp — real-time QRS (heart-beat) detector for one ECG lead.
//
// Pan-Tompkins family (Pan & Tompkins 1985; Hamilton & Tompkins 1986), every time constant
// given in seconds so that one configuration works from 125 Hz to MaxRateHz:
//
//   x -> band-pass 5-15 Hz (4th-order Butterworth: keeps the QRS energy, removes baseline
//        wander, most of the P/T energy, mains hum and muscle noise above 15 Hz)
//     -> 5-point derivative (slope) -> square (energy, always positive, stresses steep slopes)
//     -> moving-window integral over 150 ms (about one QRS width: one lump per complex)
//     -> peaks of the integral (a peak is confirmed when the integral falls to half of it or
//        `peak_hold` passes; the next peak is looked for after the integral rises again)
//     -> classification of each peak:
//          * two peaks closer than the refractory period (refractory_s, 250 ms) cannot both be beats: the
//            smaller one is dropped (a candidate is held for that long before it is decided);
//          * baseline-shift check: a QRS has a steep slope of both signs within 150 ms; a
//            peak whose derivative is (almost) one-signed is a step or a wander, not a beat;
//          * adaptive threshold  th = noise + k (qrs - noise), qrs and noise the medians of the
//            last 8 beat and non-beat peaks (median: one PVC or artefact does not move it);
//          * T-wave discrimination: a peak above th within 360 ms of the last beat whose
//            maximal slope is below half of that beat's slope is a T wave;
//          * search-back: when no beat has come for 1.5 mean RR, the largest non-beat peak
//            since the last beat that reached half the threshold (and is no T wave) is a beat.
//          * artefact check (signal quality): a QRS is the sharpest deflection of the ECG
//            (energy up to 25-40 Hz); electrode motion and other movement artefact is slow
//            (mostly below 10 Hz) even where it leaks through the 5-15 Hz band-pass. Each
//            peak's sharpness - the energy of the second difference of the unfiltered signal
//            (smoothed over 1/60 s, which nulls 60 Hz hum and most muscle noise) over that of
//            its detrended first difference, 50 ms either side of the fiducial; about
//            (2 pi f / fs)^2 for a component at f - is compared with the median of the last 8
//            beats'. A peak that is blunt (below `artefact_sharpness` = 0.2 x that median),
//            premature (before 0.7 x the median RR) and small (below 0.7 x the QRS level) is
//            an artefact, not a beat: a PVC is premature and wide too, but rarely also that
//            much smaller than the beats; a sinus beat in noise is not premature. Within
//            `noisy_hold_s` of an artefact peak (a stretch known to be noisy) the limits are
//            0.3 / 0.9 / 1.0. Artefact peaks count as noise peaks (the threshold rises in a
//            noisy stretch, as Pan-Tompkins' noise level intends) and are never search-back
//            candidates. On the 27 local MIT-BIH records the check rejects no peak (same
//            beats); under synthetic electrode motion (tools/ecg_noise_stress.py) it removes
//            a third to a half of the false beats at 6 dB, a tenth at 0 dB. A synthetic PVC (a
//            smooth Gaussian, blunter and smaller than the beats) can be taken for artefact:
//            one more beat lost in the PVC test; artefact_sharpness = 0 turns the check off.
//     -> fiducial point: the largest |band-passed| sample in the integration window, moved
//        back by the band-pass group delay (so beats are reported at the R or S peak).
//
// Several leads (qrs_detector<MaxRateHz, Leads>, input std::array<float, Leads> in one unit):
// each lead is band-passed and differentiated, the squared slopes are summed (the squared
// spatial velocity) and the fiducial comes from the lead with the largest deflection. On the 27
// local MIT-BIH records two leads find more beats but add more false ones than they save (noisy
// second leads), so the reference pipeline uses one.
//
// The first `learning` seconds only collect peaks; the levels are then initialised from
// them and the collected peaks are classified with the normal rules, so the first beats of a
// recording are reported too (late, with their true sample index).
//
// Output: one qrs_beat per detected beat, in time order, at most about
// refractory + peak_hold + 0.1 s after the beat (search-back beats up to 1.5 RR + 0.2 s).
//
// Bad input: NaN/Inf samples (lead off, gaps) are replaced by the last finite sample and
// counted in rejected(); the held flat line produces no beats, so a long gap shows up
// downstream as asystole, which is what a monitor should say about a lead-off. Samples are
// clamped to +-1e9 so the squared slope stays finite; a lone wild sample rings through the
// band-pass for about a second (a few false or lost beats there), then the levels recover.
//
// Memory: fixed, sizeof(qrs_detector<MaxRateHz>) (4.7 kB at 360 Hz, 0.4 s of the band-passed
// and of the unfiltered signal among it); per sample a
// 2-section band-pass plus a handful of float operations.
//
// Cost: push() runs every stage per sample (180 instructions per sample on a Cortex-M4 at
// 360 Hz, bench/mcu/patient_monitor.cpp); process() on a buffer runs runs of 32 samples
// stage by stage (the band-pass through biquad_cascade's block path, the derivative with its
// taps in registers, the integral and peak search with their state in locals, the rare
// events behind one compare, the input's finiteness and range tested once per run): about 116
// instructions per sample (runs of 16 and a test per sample: 128), the same beats (bit for bit
// on the Cortex-M4; on hosts with xsimd the band-pass block rounds differently, so a
// fiducial can move by one sample). The artefact check adds a ring write per sample and a
// 50 ms loop per peak above half the threshold (about 1-2 a second): 175 -> 180 by push(),
// 128 -> 125 by process() (the band-pass now writes out of place), 183.7 -> 181.6 for the
// whole patient_monitor; x86 (loaded 2-core Xeon, alternated with the previous build)
// 53.4-53.9 -> 51.8 M samples/s for patient_monitor<360>.
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
#include "../filter/biquad.hpp"
#include "../filter/butterworth.hpp"

namespace nerve::pipelines {

/// Detector settings, all times in seconds. The defaults are the published Pan-Tompkins /
/// Hamilton-Tompkins values (physiology: a QRS lasts 60-120 ms, the ventricles are refractory
/// for ~200 ms, a T wave ends within ~360 ms of its QRS at normal rates).
struct qrs_params {
    double band_lo_hz = 5.0;            // band-pass edges: the QRS energy band
    double band_hi_hz = 15.0;
    double integration_s = 0.150;       // moving-window integral (one QRS width)
    double refractory_s = 0.250;        // no two beats closer than this
    double peak_hold_s = 0.095;         // an integral peak is confirmed at the latest this late
    double t_wave_window_s = 0.360;     // T-wave check applies to peaks this close to a beat
    double t_wave_slope_ratio = 0.5;    // ... whose max slope is below this x the beat's
    double threshold_fraction = 0.25;   // th = noise + k (qrs - noise)  (Pan-Tompkins, energy domain)
    double search_back_rr = 1.5;        // search back after this many mean RR without a beat
    double search_back_level = 0.5;     // ... for a peak above this x th
    double search_back_floor = 0.125;   // ... decaying to this x th while no beat comes
    double learning_s = 2.0;            // initial level estimation
    double baseline_slope_ratio = 0.125;  // both slope signs must reach this x the other
    double artefact_sharpness = 0.2;    // artefact: sharpness below this x the beats' median
                                        // (0 turns the artefact check off)
    double artefact_rr = 0.7;           // ... and earlier than this x the median RR
    double artefact_energy = 0.7;       // ... and an integral peak below this x the QRS level
    double noisy_hold_s = 4.0;          // noisy(): an artefact peak within this long
    double artefact_sharpness_noisy = 0.3;  // the three limits within noisy_hold_s of an
    double artefact_rr_noisy = 0.9;         // artefact peak
    double artefact_energy_noisy = 1.0;
};

/// One detected beat.
struct qrs_beat {
    std::uint64_t sample = 0;   // fiducial sample index (input samples since construction/reset)
    float rr_s = 0.0f;          // seconds since the previous beat (0 for the first)
    float energy = 0.0f;        // the integral peak (input units^2 / s^2): relative size
    float slope = 0.0f;         // max |slope| of the band-passed QRS (input units / s)
    bool search_back = false;   // found by search-back (a low-amplitude beat)
    float quality = 1.0f;       // sharpness over the last beats' median, capped at 1 (a
                                // blunt, artefact-like complex is well below 1)
    bool noisy = false;         // an artefact peak was rejected within noisy_hold_s before it
};

template <std::size_t MaxRateHz = 1000, std::size_t Leads = 1>
class qrs_detector {
    static_assert(Leads >= 1);
    static_assert(MaxRateHz >= 100, "an ECG needs at least 100 Hz");
    // Band-passed history: must reach back over the integral window, its extra search margin
    // and the peak confirmation delay (0.15 + 0.05 + 0.1 s) with room to spare.
    static constexpr std::size_t hist_keep = (MaxRateHz * 2) / 5 + 8;  // 0.4 s
    static constexpr std::size_t block_n = 32;                           // samples per run
    static constexpr std::size_t hist_n = hist_keep + block_n;  // + the run written ahead
    static constexpr std::size_t win_n = MaxRateHz / 5 + 2;           // integral up to 0.2 s
    static constexpr std::size_t levels = 8;                          // medians of 8 peaks
    static constexpr std::size_t learn_n = 24;                        // peaks kept while learning
    // 32-sample runs only: no time-segment tables (2.3 KB per lead on NEON / AVX2 / AVX-512).
    using bandpass_t = filter::biquad_cascade<float, 2, filter::call_length::short_calls>;

    struct peak {
        std::uint64_t at = 0;      // fiducial sample (band-pass time; delay removed on output)
        float value = 0.0f;        // integral peak
        float slope = 0.0f;        // max |derivative| around it
        float sharp = -1.0f;       // sharpness of the unfiltered signal (see artefact check; < 0: not measured)
        bool baseline_shift = false;
    };

public:
    /// One sample: a float for one lead, an array of simultaneous samples for several.
    using input_type = std::conditional_t<Leads == 1, float, std::array<float, Leads>>;
    using output_type = qrs_beat;

    explicit qrs_detector(sample_rate fs = sample_rate{360.0}, const qrs_params& p = {}) noexcept
        : fs_(static_cast<float>(fs.value)), p_(p) {
        NERVE_ASSERT(fs.value >= 100.0 && fs.value <= double(MaxRateHz));
        NERVE_ASSERT(p.band_lo_hz > 0.0 && p.band_hi_hz > p.band_lo_hz && p.band_hi_hz < fs.value / 2);
        for (auto& f : bp_) f = bandpass_t{filter::butterworth_bandpass<2>(hertz{p.band_lo_hz}, hertz{p.band_hi_hz}, fs)};
        auto samples = [&](double s) { return static_cast<std::uint32_t>(s * fs.value + 0.5); };
        win_ = samples(p.integration_s);
        if (win_ < 2) win_ = 2;
        if (win_ > win_n) win_ = win_n;
        refractory_ = samples(p.refractory_s);
        hold_ = samples(p.peak_hold_s);
        twave_ = samples(p.t_wave_window_s);
        learn_ = samples(p.learning_s);
        margin_ = samples(0.05);
        if (win_ + margin_ + hold_ + 6 > hist_keep) hold_ = static_cast<std::uint32_t>(hist_keep - win_ - margin_ - 6);
        delay_ = static_cast<std::uint32_t>(group_delay_samples(fs.value) + 0.5);
        slope_scale_ = fs_ / 8.0f;
        inv_win_ = 1.0f / static_cast<float>(win_);
        // Float copies of the ratios: no double arithmetic per sample (soft-float on a Cortex-M4).
        th_frac_ = static_cast<float>(p.threshold_fraction);
        tw_ratio_ = static_cast<float>(p.t_wave_slope_ratio);
        bs_ratio_ = static_cast<float>(p.baseline_slope_ratio);
        sb_rr_ = static_cast<float>(p.search_back_rr);
        sb_level_ = static_cast<float>(p.search_back_level);
        sb_floor_ = static_cast<float>(p.search_back_floor);
        art_sharp_ = static_cast<float>(p.artefact_sharpness);
        art_rr_ = static_cast<float>(p.artefact_rr);
        art_energy_ = static_cast<float>(p.artefact_energy);
        art_sharp_n_ = p.artefact_sharpness > 0.0 ? static_cast<float>(p.artefact_sharpness_noisy) : 0.0f;
        art_rr_n_ = static_cast<float>(p.artefact_rr_noisy);
        art_energy_n_ = static_cast<float>(p.artefact_energy_noisy);
        sharp_half_ = samples(0.05);
        if (sharp_half_ < 2) sharp_half_ = 2;
        box_ = samples(1.0 / 60.0);
        if (box_ < 1) box_ = 1;
        noisy_hold_ = samples(p.noisy_hold_s);
        reset();
    }

    /// Pushes one ECG sample (any unit: mV or ADC counts; the detector is scale-free). With
    /// several leads, all in the same unit, the slope energy is summed over the leads (the
    /// squared "spatial velocity"), so a beat that is flat in one lead is seen in another.
    template <class Emit>
    void push(input_type in, Emit&& emit) noexcept {
        run<1>(&in, 1, emit);  // specialised for one sample: straight-line code
    }

    /// Pushes a block of samples: the same beats as push() on each sample in turn. Runs of
    /// `block_n` samples go through the band-pass's block path (on the Cortex-M4 the same
    /// operations as per sample, so the same bits; on hosts with xsimd its state-space form,
    /// which rounds differently by about 1e-6 relative) and the rest of the chain keeps its
    /// state in registers for the run: the cheap way to feed the detector from a DMA buffer.
    template <class Emit>
    void process(std::span<const input_type> in, Emit&& emit) noexcept {
        std::size_t i = 0;
        while (i < in.size()) {
            const std::size_t c = in.size() - i < block_n ? in.size() - i : block_n;
            run<block_n>(in.data() + i, c, emit);
            i += c;
        }
    }

    /// End of the recording: decides the peaks still held (the last beat would be lost).
    template <class Emit>
    void flush(Emit&& emit) noexcept {
        if (n_ == 0) return;
        const std::uint64_t now = n_ - 1;
        if (armed_ && cur_max_ > 0.0f) {
            on_peak(make_peak(cur_max_at_, cur_max_, now), now, emit);
            cur_max_ = 0.0f;
            armed_ = false;
        }
        if (!learned_) finish_learning(emit);
        if (has_pending_) {
            has_pending_ = false;
            decide(pending_, emit);
        }
        refresh_checks();
    }

    void reset() noexcept {
        offset_ = {};
        for (auto& f : bp_) f.reset();
        hist_ = {};
        raw_ = {};
        dl_ = {};
        win_buf_ = {};
        wpos_ = 0;
        sum_ = fresh_ = 0.0f;
        n_ = 0;
        prev_m_ = cur_max_ = 0.0f;
        cur_max_at_ = 0;
        armed_ = false;
        has_pending_ = has_candidate_ = false;
        pending_ = candidate_ = peak{};
        qrs_lv_ = {};
        noise_lv_ = {};
        rr_ = {};
        hpos_ = static_cast<std::uint32_t>(hist_n - 1);
        th_cache_ = rr_cache_ = sb_after_ = 0.0f;
        q_med_ = z_med_ = 0.0f;
        qi_ = ni_ = ri_ = 0;
        learned_ = false;
        n_learn_ = 0;
        has_beat_ = false;
        last_beat_ = 0;
        last_slope_ = 0.0f;
        last_good_ = {};
        rejected_ = 0;
        beats_ = 0;
        sharp_lv_ = {};
        si_ = 0;
        sharp_med_ = 0.0f;
        n_sharp_ = 0;
        artefacts_ = 0;
        last_artefact_ = 0;
        next_check_ = ~std::uint64_t{0};
    }

    /// Current detection threshold on the integral (input units^2 / s^2).
    float threshold() const noexcept { return th_cache_; }
    float qrs_level() const noexcept { return median(qrs_lv_); }
    float noise_level() const noexcept { return median(noise_lv_); }
    /// Median of the last 8 RR intervals, seconds.
    float mean_rr_s() const noexcept { return mean_rr() / fs_; }
    /// Non-finite input samples replaced by the last finite one.
    std::uint32_t rejected() const noexcept { return rejected_; }
    /// Beats emitted since construction/reset.
    std::uint32_t beats() const noexcept { return beats_; }
    /// Peaks above the threshold rejected as artefact (see the artefact check).
    std::uint32_t artefacts() const noexcept { return artefacts_; }
    /// Whether an artefact peak was rejected within `noisy_hold_s` before sample `now`
    /// (input sample index): the signal there is of poor quality.
    bool noisy(std::uint64_t now) const noexcept {
        return artefacts_ > 0 && now < last_artefact_ + noisy_hold_;
    }
    /// Input sample index of the last artefact peak (0 before the first).
    std::uint64_t last_artefact() const noexcept { return last_artefact_; }

    /// Samples by which a beat found on its threshold can trail the input: a peak is decided
    /// at the latest refractory + peak_hold + integration window after its sample (checks()),
    /// and reported group delay before that sample; peak_hold once more as a margin.
    std::uint64_t report_lag() const noexcept {
        return std::uint64_t{refractory_} + 2u * std::uint64_t{hold_} + win_ + delay_;
    }

    /// After n input samples: the beat sample up to which every beat has been emitted (no
    /// later decision can report a beat at or before it). n - report_lag(), or earlier while a
    /// search-back candidate may still be accepted: one above the search-back floor, before
    /// the search-back level has halved down to that floor (about 3.5 median RR after the last
    /// beat). patient_monitor raises asystole only past it, so the alarm is not raised and
    /// then taken back by a beat the detector reports a little later.
    std::uint64_t settled_until(std::uint64_t n) const noexcept {
        if (!learned_) return 0;
        const std::uint64_t lag = report_lag();
        std::uint64_t s = n > lag ? n - lag : 0;
        if (has_beat_ && has_candidate_ && candidate_.value > sb_floor_ * threshold()) {
            std::uint32_t halvings = 0;
            for (float l = sb_level_; l > sb_floor_ && halvings < 64; l *= 0.5f) ++halvings;
            const float late = static_cast<float>(static_cast<std::uint32_t>(n - last_beat_)) - sb_after_;
            if (!(late > static_cast<float>(halvings) * mean_rr())) {
                const std::uint64_t at = candidate_.at > delay_ ? candidate_.at - delay_ : 0;
                if (at == 0) return 0;
                if (at - 1 < s) s = at - 1;
            }
        }
        return s;
    }
    /// noisy_hold_s in samples.
    std::uint32_t noisy_hold() const noexcept { return noisy_hold_; }
    /// Median sharpness of the last 8 beats (0 until 8 beats).
    float sharpness_level() const noexcept { return sharp_med_; }
    /// Band-pass group delay removed from the fiducial point, samples.
    std::uint32_t delay() const noexcept { return delay_; }
    float rate() const noexcept { return fs_; }

    /// For restore(): only a state this detector can reach. The ring heads follow the sample
    /// count (hist_/raw_ and the integral's window are written once per sample), the median
    /// rings' indices and counts stay within their 8 or 24 slots, and a held integral maximum
    /// lies within the peak hold of the last sample (make_peak reads the history from it back).
    /// Magnitudes too: inputs are clamped to 1e9, so the band-pass keeps far less than
    /// sample_limit (its gain is ~1.6) and the energies far less than energy_limit; a state
    /// beyond them could overflow the integral to Inf, and an Inf level would stop detection
    /// for good.
    bool state_is_valid() const noexcept {
        const bool held_ok = cur_max_ == 0.0f ||
                             (cur_max_ > 0.0f && armed_ && cur_max_at_ < n_ && n_ - 1 - cur_max_at_ <= hold_);
        if (!(hpos_ == (n_ + (hist_n - 1)) % hist_n && wpos_ == n_ % win_ && qi_ < levels && ni_ < levels &&
              ri_ < levels && si_ < levels && n_sharp_ <= levels && n_learn_ <= learn_n &&
              (!learned_ || n_learn_ == 0) && held_ok))
            return false;
        bounded_by bp{sample_limit};
        for (auto f : bp_) f.visit_state(bp);  // a copy: visit_state is not const
        bounded_by energy{energy_limit};
        energy(win_buf_); energy(qrs_lv_); energy(noise_lv_);
        for (float e : {sum_, fresh_, prev_m_, cur_max_, th_cache_, q_med_, z_med_, pending_.value, candidate_.value})
            energy(e);
        for (const auto& pk : learn_buf_) energy(pk.value);
        bounded_by input{1e9f};
        input(last_good_); input(offset_);
        bounded_by sample{sample_limit};
        sample(hist_); sample(raw_); sample(dl_);
        return bp.ok && energy.ok && input.ok && sample.ok;
    }

    template <class V>
    void visit_state(V& v) {
        for (auto& f : bp_) f.visit_state(v);
        v(hist_); v(hpos_); v(th_cache_); v(rr_cache_); v(sb_after_); v(win_buf_); v(wpos_); v(sum_); v(fresh_); v(n_);
        v(prev_m_); v(cur_max_); v(cur_max_at_); v(armed_);
        v(has_pending_); v(has_candidate_);
        visit_peak(v, pending_); visit_peak(v, candidate_);
        for (auto& pk : learn_buf_) visit_peak(v, pk);
        v(qrs_lv_); v(noise_lv_); v(rr_); v(qi_); v(ni_); v(ri_);
        v(learned_); v(n_learn_); v(has_beat_); v(last_beat_); v(last_slope_);
        v(last_good_); v(offset_); v(rejected_); v(beats_); v(dl_); v(q_med_); v(z_med_); v(next_check_);
        v(raw_); v(sharp_lv_); v(si_); v(sharp_med_); v(n_sharp_); v(artefacts_); v(last_artefact_);
    }

private:
    // Input cleaning (see "Bad input" above): NaN/Inf -> the last finite sample (counted),
    // finite values clamped to +-1e9. One compare per sample on the common path.
    static NERVE_ALWAYS_INLINE float clean(float x, float& last_good, std::uint32_t& rejected) noexcept {
        if (NERVE_LIKELY(std::fabs(x) <= 1e9f)) {
            last_good = x;
            return x;
        }
        if (!is_finite(x)) {
            ++rejected;
            return last_good;
        }
        x = x > 0.0f ? 1e9f : -1e9f;
        last_good = x;
        return x;
    }

    static NERVE_ALWAYS_INLINE float lead_of(const input_type& in, std::size_t l) noexcept {
        if constexpr (Leads == 1) {
            (void)l;
            return in;
        } else {
            return in[l];
        }
    }

    // `c` <= block_n samples: every stage runs over the whole run before the next one (the
    // band-pass as a block, derivative and energy with the last four samples in registers),
    // then the integral and the peak logic run per sample with their state in locals; the
    // rare events (a peak to classify, a held peak due, search-back time) leave the loop
    // through one 64-bit compare against next_check_. The band-passed history is written for
    // the whole run first: the ring is block_n samples longer than the peak logic looks back
    // (hist_keep), so nothing it reads is overwritten.
    template <std::size_t MaxRun, class Emit>
    void run(const input_type* in, std::size_t c, Emit& emit) noexcept {
        const std::uint64_t n0 = n_;
        std::uint32_t hp = hpos_;
        if constexpr (MaxRun == 1) c = 1;
        alignas(8) std::array<float, MaxRun> e;
        alignas(8) std::array<float, MaxRun> t;
        alignas(8) std::array<float, MaxRun> u;  // band-passed (t keeps the unfiltered run)
        for (std::size_t l = 0; l < Leads; ++l) {
            float lg = last_good_[l];
            std::uint32_t rej = 0;
            // The first sample is taken as the baseline, so a DC offset does not make the
            // band-pass ring (and fire) at switch-on.
            if (n0 == 0) {
                float lg0 = lg;
                std::uint32_t r0 = 0;
                offset_[l] = clean(lead_of(in[0], l), lg0, r0);
            }
            const float off = offset_[l];
            bool cleaned = false;
            if constexpr (MaxRun > 1) {
                // One test for the whole run: the float sum of squares bounds every square from
                // above (a sum of non-negative floats never rounds below its largest term), so
                // a sum <= 0.98e18 proves every sample finite and inside clean()'s +-1e9 (NaN or
                // Inf fail the compare); then clean() would return each sample as it is.
                float energy = 0.0f;
                for (std::size_t j = 0; j < c; ++j) {
                    const float x = lead_of(in[j], l);
                    energy += x * x;
                    t[j] = x - off;
                }
                if (NERVE_LIKELY(c != 0 && energy <= 0.98e18f)) {
                    lg = lead_of(in[c - 1], l);
                    cleaned = true;
                }
            }
            if (!cleaned)
                for (std::size_t j = 0; j < c; ++j) t[j] = clean(lead_of(in[j], l), lg, rej) - off;
            last_good_[l] = lg;
            rejected_ += rej;
            if constexpr (MaxRun == 1) u[0] = bp_[l](t[0]);
            else bp_[l].process(std::span<const float>(t.data(), c), std::span<float>(u.data(), c));
            // 5-point derivative (Pan-Tompkins), centred 2 samples back, in input units / s.
            auto& dl = dl_[l];
            float d0 = dl[0], d1 = dl[1], d2 = dl[2], d3 = dl[3];
            float* const h = hist_[l].data();
            float* const r = raw_[l].data();  // the unfiltered signal, same ring index
            const float scale = slope_scale_;
            hp = hpos_;
            for (std::size_t j = 0; j < c; ++j) {
                const float b = u[j];
                hp = hp + 1 == hist_n ? 0 : hp + 1;
                h[hp] = b;
                r[hp] = t[j];
                const float d = (2.0f * b + d0 - d2 - 2.0f * d3) * scale;
                d3 = d2;
                d2 = d1;
                d1 = d0;
                d0 = b;
                if (l == 0) e[j] = d * d;
                else e[j] += d * d;
            }
            dl = {d0, d1, d2, d3};
        }
        // No slope before 5 samples exist.
        if (NERVE_UNLIKELY(n0 < 4))
            for (std::size_t j = 0; j < c && n0 + j < 4; ++j) e[j] = 0.0f;
        hpos_ = hp;
        n_ = n0 + c;  // the history's write head (make_peak indexes from it)

        // Moving sum without drift: `fresh` restarts each time the ring wraps and then holds
        // exactly the ring's contents.
        float* const wb = win_buf_.data();
        const std::uint32_t win = win_, hold = hold_;
        const float inv_win = inv_win_;
        std::uint32_t wpos = wpos_;
        float sum = sum_, fresh = fresh_, prev_m = prev_m_, cur_max = cur_max_;
        std::uint64_t cur_at = cur_max_at_;
        bool armed = armed_;
        for (std::size_t j = 0; j < c; ++j) {
            const std::uint64_t n = n0 + j;
            const float en = e[j];
            sum += en - wb[wpos];
            fresh += en;
            wb[wpos] = en;
            if (++wpos == win) {
                wpos = 0;
                sum = fresh;
                fresh = 0.0f;
            }
            const float m = sum > 0.0f ? sum * inv_win : 0.0f;
            // Integral peaks.
            if (!armed) {
                if (m > prev_m) armed = true;
            }
            if (armed) {
                if (m > cur_max) {
                    cur_max = m;
                    cur_at = n;
                } else if (cur_max > 0.0f && (m < 0.5f * cur_max || n - cur_at > hold)) {
                    on_peak(make_peak(cur_at, cur_max, n), n, emit);
                    refresh_checks();
                    cur_max = 0.0f;
                    armed = false;
                }
            }
            prev_m = m;
            if (NERVE_UNLIKELY(n >= next_check_)) checks(n, emit);
        }
        wpos_ = wpos;
        sum_ = sum;
        fresh_ = fresh;
        prev_m_ = prev_m;
        cur_max_ = cur_max;
        cur_max_at_ = cur_at;
        armed_ = armed;
    }

    // The held candidate and search-back, at sample n (only from the sample next_check_ says).
    template <class Emit>
    void checks(std::uint64_t n, Emit& emit) noexcept {
        // A held candidate is decided once no larger peak can arrive within the refractory time.
        if (has_pending_ && n >= pending_.at + refractory_ + hold_ + win_) {
            has_pending_ = false;
            decide(pending_, emit);
        }
        // Search-back.
        if (learned_ && has_beat_ && has_candidate_) {
            // 32-bit difference: a 64-bit integer to float conversion is a library call on M4.
            const float late = static_cast<float>(static_cast<std::uint32_t>(n - last_beat_)) - sb_after_;
            if (late > 0.0f && candidate_.value > search_back_threshold(late)) {
                has_candidate_ = false;
                accept(candidate_, true, emit);
            }
        }
        refresh_checks();
    }

    // The first sample at which checks() can do anything: when the held peak is due, or no
    // later than search-back can start (floor of its float start: checks() then decides
    // exactly as a test on every sample would).
    void refresh_checks() noexcept {
        std::uint64_t t = ~std::uint64_t{0};
        if (has_pending_) t = pending_.at + refractory_ + hold_ + win_;
        if (learned_ && has_beat_ && has_candidate_) {
            const float a = sb_after_ > 0.0f ? sb_after_ : 0.0f;
            const std::uint64_t s = last_beat_ + static_cast<std::uint32_t>(a < 4.0e9f ? a : 4.0e9f);
            if (s < t) t = s;
        }
        next_check_ = t;
    }

    // Magnitude limits of state_is_valid(): samples (|input| <= 1e9 after the offset, times the
    // band-pass gain, with a margin of 300) and energies ((fs / 8 x 6 x sample_limit)^2 summed
    // over the window is below 1e33 up to 1000 Hz).
    static constexpr float sample_limit = 1e12f, energy_limit = 1e34f;
    struct bounded_by {  // a state visitor: every float leaf within +-limit
        float limit;
        bool ok = true;
        template <class U>
        void operator()(const U& x) {
            if constexpr (std::is_floating_point_v<U>) {
                ok = ok && std::fabs(x) <= limit;
            } else if constexpr (requires { x.begin(); }) {
                for (const auto& e : x) (*this)(e);
            }
        }
    };

    template <class V>
    static void visit_peak(V& v, peak& pk) { v(pk.at); v(pk.value); v(pk.slope); v(pk.sharp); v(pk.baseline_shift); }

    // Band-passed sample i (absolute index, at most hist_n - 1 samples old). 32-bit index
    // arithmetic: a 64-bit modulo is a library call on 32-bit cores.
    float at(std::size_t lead, std::uint64_t i) const noexcept {
        const auto age = static_cast<std::uint32_t>(n_ - 1 - i);
        const std::uint32_t k = hpos_ >= age ? hpos_ - age : hpos_ + static_cast<std::uint32_t>(hist_n) - age;
        return hist_[lead][k];
    }

    // Group delay of the band-pass at the geometric centre of its band, from the phase of
    // H(e^jw) at w +- dw (double, construction only).
    double group_delay_samples(double fs) const noexcept {
        const double fc = std::sqrt(p_.band_lo_hz * p_.band_hi_hz);
        auto phase = [&](double f) {
            const double w = 2.0 * 3.141592653589793 * f / fs;
            double ph = 0.0;
            for (std::size_t k = 0; k < bandpass_t::sections; ++k) {
                const auto& c = bp_[0].coefficients(k);
                // H = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2)
                const double nr = c.b0 + c.b1 * std::cos(w) + c.b2 * std::cos(2 * w);
                const double ni = -c.b1 * std::sin(w) - c.b2 * std::sin(2 * w);
                const double dr = 1.0 - c.na1 * std::cos(w) - c.na2 * std::cos(2 * w);
                const double di = c.na1 * std::sin(w) + c.na2 * std::sin(2 * w);
                ph += std::atan2(ni, nr) - std::atan2(di, dr);
            }
            return ph;
        };
        const double df = 0.01 * fc;
        double dph = phase(fc + df) - phase(fc - df);
        while (dph > 3.141592653589793) dph -= 2 * 3.141592653589793;
        while (dph < -3.141592653589793) dph += 2 * 3.141592653589793;
        const double gd = -dph / (2.0 * 3.141592653589793 * 2.0 * df / fs);
        return gd > 0.0 ? gd : 0.0;
    }

    // Fiducial and slopes of an integral peak at `top`, searched in the band-passed history
    // over the integral window ending at `top` (plus a small margin for the filter delay).
    peak make_peak(std::uint64_t top, float value, std::uint64_t now) const noexcept {
        peak pk;
        pk.value = value;
        const std::uint64_t span = win_ + margin_;
        std::uint64_t lo = top > span ? top - span : 0;
        if (lo + hist_keep <= now + 1) lo = now + 1 - hist_keep + 1;
        // The fiducial, slopes and baseline test come from the lead with the largest deflection.
        std::size_t lead = 0;
        if constexpr (Leads > 1) {
            float top_amp = -1.0f;
            for (std::size_t l = 0; l < Leads; ++l)
                for (std::uint64_t i = lo; i <= top; ++i)
                    if (std::fabs(at(l, i)) > top_amp) { top_amp = std::fabs(at(l, i)); lead = l; }
        }
        float best = -1.0f, dmax = 0.0f, dmin = 0.0f;
        std::uint64_t best_at = top, dmax_at = top, dmin_at = top;
        // Walk the ring with a 32-bit index that wraps (no 64-bit index arithmetic per sample).
        const float* const h = hist_[lead].data();
        const auto age = static_cast<std::uint32_t>(n_ - 1 - lo);
        std::uint32_t k = hpos_ >= age ? hpos_ - age : hpos_ + static_cast<std::uint32_t>(hist_n) - age;
        const auto count = static_cast<std::uint32_t>(top - lo + 1);
        std::uint32_t j_best = 0, j_max = 0, j_min = 0;
        bool any_max = false, any_min = false, any_best = false;
        float prev = 0.0f;
        for (std::uint32_t j = 0; j < count; ++j) {
            const float v = h[k];
            const float a = std::fabs(v);
            if (a > best) { best = a; j_best = j; any_best = true; }
            if (j > 0) {
                const float d = v - prev;
                if (d > dmax) { dmax = d; j_max = j; any_max = true; }
                if (d < dmin) { dmin = d; j_min = j; any_min = true; }
            }
            prev = v;
            if (++k == hist_n) k = 0;
        }
        if (any_best) best_at = lo + j_best;
        if (any_max) dmax_at = lo + j_max;
        if (any_min) dmin_at = lo + j_min;
        pk.at = best_at;
        pk.slope = (dmax > -dmin ? dmax : -dmin) * fs_;
        // Baseline shift: one slope sign dominates, or the two are far apart (Hamilton's test).
        const float amax = dmax, amin = -dmin;
        const float r = bs_ratio_;
        const std::uint64_t gap = dmax_at > dmin_at ? dmax_at - dmin_at : dmin_at - dmax_at;
        pk.baseline_shift = !(amax > r * amin && amin > r * amax && gap < win_);
        // Only peaks that can be beats need it (the threshold moves little before they are
        // decided); the others - T waves, ripples - skip the 50 ms loop.
        pk.sharp = art_sharp_ > 0.0f && (!learned_ || value > 0.5f * th_cache_) ? sharpness(lead, best_at, now) : -1.0f;
        return pk;
    }

    // Sharpness of the unfiltered signal around the fiducial `at` (band-pass time; the raw
    // ring is in input time, `delay_` earlier): sum of squared second differences over the
    // sum of squared detrended first differences, sharp_half_ samples either side. A
    // component at f contributes (2 sin(pi f / fs))^2 times its slope energy: the ratio is a
    // slope-weighted mean of that over the spectrum, high for a QRS, low for slow artefact.
    float sharpness(std::size_t lead, std::uint64_t at, std::uint64_t now) const noexcept {
        const std::uint64_t c = at > delay_ ? at - delay_ : 0;
        std::uint64_t lo = c > sharp_half_ ? c - sharp_half_ : 0;
        std::uint64_t hi = c + sharp_half_;
        if (hi > now) hi = now;
        const std::uint32_t L = box_;
        const std::uint64_t oldest = (now + 2 > hist_keep ? now + 2 - hist_keep : 0) + (L - 1);
        if (lo < oldest) lo = oldest;
        if (hi < lo + 4) return 0.0f;
        const float* const x = raw_[lead].data();
        const auto age = static_cast<std::uint32_t>(n_ - 1 - (lo - (L - 1)));
        std::uint32_t k = hpos_ >= age ? hpos_ - age : hpos_ + static_cast<std::uint32_t>(hist_n) - age;
        std::uint32_t kt = k;  // trails k by L: the running box sum's outgoing sample
        float acc = 0.0f;
        for (std::uint32_t i = 0; i < L; ++i) {
            acc += x[k];
            if (++k == hist_n) k = 0;
        }
        const auto count = static_cast<std::uint32_t>(hi - lo + 1);
        float prev = acc, d_prev = 0.0f, s1 = 0.0f, s11 = 0.0f, s22 = 0.0f;
        for (std::uint32_t j = 1; j < count; ++j) {
            acc += x[k] - x[kt];
            if (++k == hist_n) k = 0;
            if (++kt == hist_n) kt = 0;
            const float v = acc;
            const float d = v - prev;
            prev = v;
            s1 += d;
            s11 += d * d;
            if (j > 1) {
                const float dd = d - d_prev;
                s22 += dd * dd;
            }
            d_prev = d;
        }
        const float den = s11 - s1 * s1 / static_cast<float>(count - 1);
        return den > 0.0f ? s22 / den : 0.0f;
    }

    // A blunt, premature peak no larger than a typical beat (see the header comment).
    bool artefact_like(const peak& pk) const noexcept {
        if (n_sharp_ < levels || !has_beat_ || pk.sharp < 0.0f) return false;
        const bool ctx = artefacts_ > 0 && pk.at < last_artefact_ + delay_ + noisy_hold_;
        const float sh = ctx ? art_sharp_n_ : art_sharp_, en = ctx ? art_energy_n_ : art_energy_, rr = ctx ? art_rr_n_ : art_rr_;
        return pk.sharp < sh * sharp_med_ && pk.value < en * q_med_ &&
               static_cast<float>(static_cast<std::uint32_t>(pk.at - last_beat_)) < rr * mean_rr();
    }

    template <class Emit>
    void on_peak(const peak& pk, std::uint64_t now, Emit& emit) noexcept {
        if (!learned_) {
            if (n_learn_ < learn_n) learn_buf_[n_learn_++] = pk;
            if (now >= learn_) finish_learning(emit);
            return;
        }
        if (has_pending_) {
            if (pk.at < pending_.at + refractory_) {
                if (pk.value > pending_.value) pending_ = pk;  // keep the larger of the two
                return;
            }
            has_pending_ = false;
            decide(pending_, emit);
        }
        pending_ = pk;
        has_pending_ = true;
    }

    template <class Emit>
    void finish_learning(Emit& emit) noexcept {
        learned_ = true;
        float top = 0.0f;
        for (std::size_t i = 0; i < n_learn_; ++i)
            if (learn_buf_[i].value > top) top = learn_buf_[i].value;
        // Beats in the first seconds are at least a fraction of the largest one; the noise
        // level starts at zero and is learnt from the peaks rejected from now on.
        qrs_lv_.fill(0.5f * top);
        noise_lv_.fill(0.0f);
        rr_.fill(fs_);  // 60 bpm until 8 RR intervals have been seen
        update_levels();
        const std::size_t k = n_learn_;
        n_learn_ = 0;
        for (std::size_t i = 0; i < k; ++i) {
            const peak pk = learn_buf_[i];
            if (has_pending_ && pk.at < pending_.at + refractory_) {
                if (pk.value > pending_.value) pending_ = pk;
                continue;
            }
            if (has_pending_) decide(pending_, emit);
            pending_ = pk;
            has_pending_ = true;
        }
    }

    template <class Emit>
    void decide(const peak& pk, Emit& emit) noexcept {
        if (has_beat_ && pk.at < last_beat_ + refractory_) return;  // same complex as the last beat
        const float th = threshold();
        bool beat = pk.value > th && !pk.baseline_shift;
        if (beat && has_beat_ && pk.at < last_beat_ + twave_ &&
            pk.slope < tw_ratio_ * last_slope_)
            beat = false;  // T wave
        bool artefact = false;
        if (beat && artefact_like(pk)) {
            beat = false;
            artefact = true;
            ++artefacts_;
            last_artefact_ = pk.at > delay_ ? pk.at - delay_ : 0;
        }
        if (beat) {
            accept(pk, false, emit);
            return;
        }
        noise_lv_[ni_] = pk.value;
        ni_ = (ni_ + 1) % levels;
        update_levels(false, true, false);  // only the noise level moved
        // Search-back candidate: the largest non-beat peak since the last beat that is no T wave.
        if (!pk.baseline_shift && !artefact && (!has_candidate_ || pk.value > candidate_.value) &&
            (!has_beat_ || pk.at >= last_beat_ + twave_ ||
             pk.slope >= tw_ratio_ * last_slope_)) {
            candidate_ = pk;
            has_candidate_ = true;
        }
    }

    template <class Emit>
    void accept(const peak& pk, bool from_search_back, Emit& emit) noexcept {
        qrs_beat out;
        out.sample = pk.at > delay_ ? pk.at - delay_ : 0;
        out.energy = pk.value;
        out.slope = pk.slope;
        out.search_back = from_search_back;
        out.noisy = noisy(out.sample);
        if (pk.sharp >= 0.0f) {  // measured (see make_peak)
            if (n_sharp_ >= levels && sharp_med_ > 0.0f)
                out.quality = pk.sharp < sharp_med_ ? pk.sharp / sharp_med_ : 1.0f;
            sharp_lv_[si_] = pk.sharp;
            si_ = (si_ + 1) % levels;
            if (n_sharp_ < levels) ++n_sharp_;
            sharp_med_ = median(sharp_lv_);
        }
        if (has_beat_) {
            const std::uint64_t rr = pk.at - last_beat_;
            out.rr_s = static_cast<float>(rr) / fs_;
            rr_[ri_] = static_cast<float>(rr);
            ri_ = (ri_ + 1) % levels;
        }
        qrs_lv_[qi_] = pk.value;
        qi_ = (qi_ + 1) % levels;
        if (from_search_back) {
            // A beat only search-back found says the threshold is too high: it weighs double
            // (Pan-Tompkins likewise adapts faster after a search-back).
            qrs_lv_[qi_] = pk.value;
            qi_ = (qi_ + 1) % levels;
        }
        update_levels(true, false, has_beat_);  // the noise level did not move
        has_beat_ = true;
        last_beat_ = pk.at;
        last_slope_ = pk.slope;
        if (has_candidate_ && candidate_.at <= pk.at) has_candidate_ = false;
        if (has_pending_ && pending_.at < pk.at + refractory_ && pending_.value <= pk.value) has_pending_ = false;
        ++beats_;
        emit(out);
    }

    // The median, not the mean: an RR doubled by a missed beat must not lengthen the wait
    // before the next search-back (which would miss more beats, and so on).
    float mean_rr() const noexcept { return rr_cache_; }

    // The medians change only when a peak is classified; per sample they are read from here.
    // Only the medians whose ring changed are recomputed (a noise peak - most peaks, the
    // ripples between beats - sorts one ring of 8 instead of three).
    void update_levels(bool q_changed = true, bool z_changed = true, bool rr_changed = true) noexcept {
        if (q_changed) q_med_ = median(qrs_lv_);
        if (z_changed) z_med_ = median(noise_lv_);
        const float q = q_med_, z = z_med_;
        th_cache_ = z + th_frac_ * (q - z);
        if (rr_changed) {
            rr_cache_ = median(rr_);
            sb_after_ = search_back_after();
        }
    }
    float search_back_after() const noexcept {
        return sb_rr_ * mean_rr() + static_cast<float>(hold_ + win_);
    }

    // Search-back level `late` samples after search-back started: half the threshold, halved
    // again for every further mean RR without a beat (a QRS that shrinks suddenly - lead or
    // axis change - is found within a few beats), never below `search_back_floor` x th.
    float search_back_threshold(float late) const noexcept {
        float level = sb_level_ * threshold();
        const float floor = sb_floor_ * threshold();
        const float rr = mean_rr();
        for (float t = late; t > rr && level > floor; t -= rr) level *= 0.5f;
        return level > floor ? level : floor;
    }

    static float median(const std::array<float, levels>& a) noexcept { return median_of_first(a, levels); }

    float fs_;
    qrs_params p_;
    std::array<bandpass_t, Leads> bp_{};
    std::uint32_t win_ = 0, refractory_ = 0, hold_ = 0, twave_ = 0, learn_ = 0, margin_ = 0, delay_ = 0;
    float slope_scale_ = 1.0f;
    float inv_win_ = 1.0f;
    float sb_after_ = 0.0f;
    float th_frac_ = 0.25f, tw_ratio_ = 0.5f, bs_ratio_ = 0.125f, sb_rr_ = 1.5f, sb_level_ = 0.5f, sb_floor_ = 0.125f;
    float art_sharp_ = 0.2f, art_rr_ = 0.7f, art_energy_ = 0.7f;
    float art_sharp_n_ = 0.3f, art_rr_n_ = 0.9f, art_energy_n_ = 1.0f;
    std::uint32_t sharp_half_ = 2, noisy_hold_ = 0, box_ = 1;
    std::uint32_t hpos_ = 0;
    float th_cache_ = 0.0f, rr_cache_ = 0.0f, q_med_ = 0.0f, z_med_ = 0.0f;

    std::array<std::array<float, hist_n>, Leads> hist_{};
    std::array<std::array<float, hist_n>, Leads> raw_{};  // unfiltered (offset removed), same ring
    std::array<std::array<float, 4>, Leads> dl_{};   // band-passed samples n-1 .. n-4
    std::array<float, win_n> win_buf_{};
    std::uint32_t wpos_ = 0;
    float sum_ = 0.0f, fresh_ = 0.0f;
    std::uint64_t n_ = 0;
    float prev_m_ = 0.0f, cur_max_ = 0.0f;
    std::uint64_t cur_max_at_ = 0;
    bool armed_ = false;
    bool has_pending_ = false, has_candidate_ = false;
    peak pending_{}, candidate_{};
    std::array<peak, learn_n> learn_buf_{};
    std::array<float, levels> qrs_lv_{}, noise_lv_{}, rr_{};
    std::uint32_t qi_ = 0, ni_ = 0, ri_ = 0;
    bool learned_ = false;
    std::uint32_t n_learn_ = 0;
    bool has_beat_ = false;
    std::uint64_t last_beat_ = 0;
    float last_slope_ = 0.0f;
    std::array<float, Leads> last_good_{};
    std::array<float, Leads> offset_{};
    std::uint32_t rejected_ = 0;
    std::uint32_t beats_ = 0;
    std::uint64_t next_check_ = ~std::uint64_t{0};  // see refresh_checks()
    std::array<float, levels> sharp_lv_{};  // sharpness of the last 8 beats
    std::uint32_t si_ = 0, n_sharp_ = 0;
    float sharp_med_ = 0.0f;
    std::uint32_t artefacts_ = 0;
    std::uint64_t last_artefact_ = 0;  // input sample index of the last artefact peak
};

}  // namespace nerve::pipelines
