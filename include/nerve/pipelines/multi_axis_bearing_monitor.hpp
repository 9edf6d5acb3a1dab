// nerve/pipelines/multi_axis_bearing_monitor.hpp — one bearing seen by a triaxial (or any
// N-axis) accelerometer: a bearing_monitor per axis and one verdict for the bearing.
//
//   nerve::pipelines::bearing_monitor_config c;   // one bearing, one shaft: one config
//   c.fs_hz = 25600; c.shaft_hz = 1480.0 / 60; c.geometry = nerve::pipelines::bearings::skf6205;
//   static nerve::pipelines::multi_axis_bearing_monitor<3> m{c};
//   m.process_interleaved(xyz, [](const auto& f) { f.fused.verdict; f.deciding_axis; f.axis[2].rms; });
//   const auto s = m.summary();   // s.fused.verdict: the bearing; s.axis[k]: each axis on its own
//
// Why fuse, and how: a defect's impacts reach each axis through a different path, so the lines
// can be clear in the radial direction under the load zone and buried in the axial one. Each axis
// runs its own bearing_monitor (same config, so their frames end at the same sample), and the
// bearing's evidence is read where the impacts are clearest: on the axis whose selected
// demodulation band is the most impulsive. That is the rule each monitor already applies to its
// bands (a kurtogram over bands), extended over axes; impulsiveness (var / mean^2 of the squared
// envelope) is scale-free, so axes with different sensitivities compare. Taking each class's best
// axis instead would let noise win a maximum, as the bands' comment in bearing_monitor.hpp says.
// What any axis alone shows still counts where it is an alarm on its own:
//   race_any      = the largest race score over all axes and bands (rule 6: off-band lines);
//   kurtosis, crest factor = the largest over the axes whose frame is valid (rule 5: impulsive);
//   anomaly score = the largest over the axes (rule 7); drift = any axis drifting;
//   velocity (vibration severity) = the largest axis's RMS velocity and its zone, as ISO 10816
//   evaluates a machine by its largest measured direction, with that axis's shaft orders.
// The fused verdict is diagnose() of those (bearing_monitor.hpp lists the rules). So a fault that
// one axis alone reports through a race line in its selected band, but which is not the most
// impulsive axis, is still flagged — as an anomaly, or by its type if the deciding axis agrees.
// The fused frame/summary is the deciding axis's own, with these fields replaced.
//
// Cost: Axes monitors' state and ONE bearing_scratch (the FFT stages and the line finder: the
// work space of one analysis step, holding nothing between calls; the axes run their chunks one
// after another, so they take turns with it), plus Axes + 1 frames. The per-axis monitors are
// Monitor::with_external_scratch: the same code as the single monitor, so `<1>` equals it bit
// for bit, and so does each axis of `<N>` equal a single monitor fed that axis. Cortex-M4
// figures: with bearing_monitor<2, 512, 128> (the previous one-axis firmware's) three axes were
// 52,808 B (3 x 13,192 state + 12,272 scratch + 4 frames; 3 full monitors were ~77 KB); with
// bearing_monitor<2, 256, 64> 26,376 B (3 x 7,176 + 3,888 + ...; 29,000 B with rfft's envelope
// stage); examples/mcu_maintenance_3axis.cpp takes bearing_monitor<2, 384, 64, 8, false, bfloat16>
// (1.95 Hz bins instead of 2.9 at the same 750 Hz envelope rate): 28,936 B (3 x 7,688 + 4,912 + ...),
// 29,640 B with each axis's vibration severity (stop 36).
//
// Input: process() takes one span per axis (equal lengths: the shortest is used, the rest of the
// longer ones is ignored — a defined behaviour, not an error state); process_interleaved() takes
// x0 y0 z0 x1 y1 z1 ..., and keeps a trailing incomplete sample (fewer than Axes values) until the
// next call completes it. Bad samples are each monitor's business: a NaN/Inf on one axis is held
// there (bearing_monitor: replaced by the axis's last finite sample and counted) and cannot reach
// the others; rejected_samples() is the sum.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>

#include "bearing_monitor.hpp"

namespace nerve::pipelines {

/// One fused analysis frame: the bearing's verdict and each axis's own frame.
template <class Frame, std::size_t Axes>
struct multi_axis_frame {
    Frame fused{};                   ///< the deciding axis's frame; evidence, kurtosis, crest, anomaly, drift, verdict fused
    std::array<Frame, Axes> axis{};  ///< each axis on its own (its own verdict)
    std::uint8_t deciding_axis = 0;  ///< the axis whose selected band is the most impulsive
};

/// The whole-run verdict for the bearing and for each axis.
template <std::size_t Axes>
struct multi_axis_summary {
    bearing_summary fused{};
    std::array<bearing_summary, Axes> axis{};
    std::uint8_t deciding_axis = 0;
};

template <std::size_t Axes, class Monitor = bearing_monitor<>>
class multi_axis_bearing_monitor {
    static_assert(Axes >= 1 && Axes <= 16, "multi_axis_bearing_monitor takes 1..16 axes");

public:
    /// Each axis: Monitor's state, the analysis scratch shared (see Cost).
    using axis_monitor = typename Monitor::with_external_scratch;
    using scratch_type = typename Monitor::scratch_type;
    using axis_frame = typename Monitor::output_type;
    using output_type = multi_axis_frame<axis_frame, Axes>;
    static constexpr std::size_t axes = Axes;
    /// At most this many samples per axis are handed to the monitors at a time: one internal
    /// block of theirs (1024 on AVX-512, where the cascades' time-segment engine needs such
    /// calls; 64 elsewhere), and no more than half an envelope segment (EnvN / 2 envelope samples,
    /// EnvN / 2 x the decimation in input samples; see step()), so a chunk holds at most one frame
    /// end per axis (frames are whole segments apart).
    static constexpr std::size_t chunk = Monitor::block;

    explicit multi_axis_bearing_monitor(const bearing_monitor_config& c = {}) noexcept
        : scratch_(c), monitors_(make_monitors(c, std::make_index_sequence<Axes>{})) {}

    /// Samples per axis handed to the monitors at a time (chunk, or half an envelope segment if
    /// that is shorter). It used to be min(block, EnvN / 2) = 512 at the defaults, which kept the
    /// axes off the time-segment engine: with the 1024-sample blocks alone pipeline/maintenance_3axis/4
    /// gained 1.20x, with this step 1.85-1.89x (docs/pipelines.md).
    /// (Computed, not stored: a member would cost the Cortex-M4 firmware's monitor 8 bytes.)
    std::size_t step() const noexcept {
        const std::size_t d = monitors_[0].decimation();  // >= 1; any size_t (the product could wrap)
        if (d >= chunk) return chunk;
        const std::size_t half_segment = (Monitor::env_bins - 1) * d;
        return half_segment < chunk ? half_segment : chunk;
    }

    /// One span per axis, sample k of every span taken at the same instant.
    template <class Emit>
    void process(const std::array<std::span<const float>, Axes>& x, Emit&& emit) {
        std::size_t n = x[0].size();
        for (const auto& s : x) n = s.size() < n ? s.size() : n;
        const std::size_t step = this->step();
        for (std::size_t i = 0; i < n; i += step) {
            const std::size_t m = n - i < step ? n - i : step;
            for (std::size_t a = 0; a < Axes; ++a) run_axis(a, x[a].subspan(i, m));
            deliver(emit);
        }
    }

    /// Interleaved samples: x[Axes k + a] is axis a at instant k.
    template <class Emit>
    void process_interleaved(std::span<const float> x, Emit&& emit) {
        std::size_t i = 0;
        if (partial_ > 0) {   // complete the sample the last call left incomplete
            while (partial_ < Axes && i < x.size()) keep(x[i++]);
            if (partial_ < Axes) return;
            partial_ = 0;
            for (std::size_t a = 0; a < Axes; ++a) {
                const float v = carry_bad_[a] ? std::numeric_limits<float>::quiet_NaN() : carry_[a];
                run_axis(a, std::span<const float>{&v, 1});
            }
            deliver(emit);
        }
        std::array<std::array<float, chunk>, Axes> buf;
        const std::size_t step = this->step();
        while (x.size() - i >= Axes) {
            std::size_t m = (x.size() - i) / Axes;
            m = m < step ? m : step;
            for (std::size_t k = 0; k < m; ++k)
                for (std::size_t a = 0; a < Axes; ++a) buf[a][k] = x[i + k * Axes + a];
            for (std::size_t a = 0; a < Axes; ++a) run_axis(a, std::span<const float>{buf[a].data(), m});
            deliver(emit);
            i += m * Axes;
        }
        while (i < x.size()) keep(x[i++]);
    }

    /// The bearing's verdict over everything seen so far, and each axis's.
    multi_axis_summary<Axes> summary() noexcept {
        multi_axis_summary<Axes> s;
        for (std::size_t a = 0; a < Axes; ++a) s.axis[a] = monitors_[a].summary(scratch_);
        // An axis counts once a frame ended (the run's moments exist from then on).
        const auto ended = [](const bearing_summary& a) { return a.frames > 0; };
        s.deciding_axis = fuse(s.axis, s.fused, ended, ended, [](bearing_summary& f, const bearing_summary& a) {
            if (a.max_anomaly_score > f.max_anomaly_score) f.max_anomaly_score = a.max_anomaly_score;
            if (a.drift_frames > f.drift_frames) f.drift_frames = a.drift_frames;
            if (a.velocity.velocity_rms > f.velocity.velocity_rms) {
                f.velocity = a.velocity;
                f.shaft_orders = a.shaft_orders;
            }
            if (a.max_velocity_rms > f.max_velocity_rms) f.max_velocity_rms = a.max_velocity_rms;
        });
        s.fused.verdict = diagnose(s.fused.evidence, s.fused.kurtosis, s.fused.crest_factor,
                                   s.fused.max_anomaly_score, config());
        return s;
    }

    const axis_monitor& monitor(std::size_t axis) const noexcept { return monitors_[axis]; }
    const bearing_monitor_config& config() const noexcept { return monitors_[0].config(); }
    /// Demodulation band edges and envelope rate: every axis's, one config.
    const auto& band_edges() const noexcept { return monitors_[0].band_edges(); }
    double envelope_rate_hz() const noexcept { return monitors_[0].envelope_rate_hz(); }
    std::uint64_t rejected_samples() const noexcept {
        std::uint64_t n = 0;
        for (const auto& m : monitors_) n += m.rejected_samples();
        return n;
    }
    /// Complete samples (instants) consumed.
    std::uint64_t samples() const noexcept { return monitors_[0].samples(); }

    void reset() noexcept {
        for (auto& m : monitors_) m.reset();
        ready_.fill(false);
        partial_ = 0;
    }

    /// Between calls no frame is pending (deliver() ran; out_ only holds the last frame handed
    /// out), so the state is the monitors and the incomplete sample.
    template <class V>
    void visit_state(V& v) {
        v(monitors_); v(carry_); v(carry_bad_); v(partial_);
    }
    bool state_is_valid() const noexcept { return partial_ < Axes; }

private:
    template <std::size_t... A>
    static std::array<axis_monitor, Axes> make_monitors(const bearing_monitor_config& c, std::index_sequence<A...>) noexcept {
        return {{(static_cast<void>(A), axis_monitor{c})...}};
    }

    /// One value of an incomplete sample. A NaN/Inf is kept as a flag (a snapshot holds finite
    /// floats only) and handed on as a NaN, which the monitor treats as it treats any bad sample.
    void keep(float v) noexcept {
        const bool bad = !std::isfinite(v);
        carry_bad_[partial_] = bad;
        carry_[partial_] = bad ? 0.0f : v;
        ++partial_;
    }

    void run_axis(std::size_t a, std::span<const float> x) {
        monitors_[a].process(x, scratch_, [&](const axis_frame& f) {
            out_.axis[a] = f;
            ready_[a] = true;
        });
    }

    /// After every axis took the same chunk: one fused frame when the frames ended (they end
    /// together, the monitors sharing one config).
    template <class Emit>
    void deliver(Emit& emit) {
        for (bool r : ready_)
            if (!r) return;
        ready_.fill(false);
        out_.deciding_axis = fuse(
            out_.axis, out_.fused, [](const axis_frame&) { return true; }, [](const axis_frame& p) { return p.valid; },
            [](axis_frame& f, const axis_frame& p) {
                if (p.anomaly_score > f.anomaly_score) f.anomaly_score = p.anomaly_score;
                f.drift = f.drift || p.drift;
                if (p.velocity.velocity_rms > f.velocity.velocity_rms) f.velocity = p.velocity;
            });
        axis_frame& f = out_.fused;
        f.verdict = diagnose(f.evidence, f.kurtosis, f.crest_factor, f.anomaly_score, config());
        emit(static_cast<const output_type&>(out_));
    }

    /// The fusion of the file comment, for frames and summaries alike: `out` becomes the record of
    /// the axis whose selected band is the most impulsive (the first on a tie), with the kurtosis
    /// and crest factor the largest over the `valid` records, and race_any the largest and `fold`'s
    /// fields (anomaly score, drift) folded over the `counted` ones. Returns the deciding axis.
    template <class Record, class Counted, class Valid, class Fold>
    static std::uint8_t fuse(const std::array<Record, Axes>& in, Record& out, Counted&& counted, Valid&& valid,
                             Fold&& fold) noexcept {
        std::uint8_t d = 0;
        for (std::size_t a = 1; a < Axes; ++a)
            if (in[a].evidence.impulsiveness > in[d].evidence.impulsiveness) d = static_cast<std::uint8_t>(a);
        out = in[d];
        bool any = false;
        for (const Record& r : in) {
            if (!counted(r)) continue;
            if (valid(r)) {
                if (!any || r.kurtosis > out.kurtosis) out.kurtosis = r.kurtosis;
                if (!any || r.crest_factor > out.crest_factor) out.crest_factor = r.crest_factor;
                any = true;
            }
            if (r.evidence.race_any > out.evidence.race_any) out.evidence.race_any = r.evidence.race_any;
            fold(out, r);
        }
        return d;
    }

    scratch_type scratch_;   // not state: not in visit_state (see bearing_scratch)
    std::array<axis_monitor, Axes> monitors_;
    std::array<bool, Axes> ready_{};
    std::array<float, Axes> carry_{};
    std::array<bool, Axes> carry_bad_{};
    std::size_t partial_ = 0;
    output_type out_{};
};

}  // namespace nerve::pipelines
