// nerve/pipelines/meter_monitor.hpp — reference pipeline for energy metering (smart meters,
// sub-meters, transformers): readings in; cleaned readings, anomaly flags, baseline drift and
// daily load-profile features out.
//
//   nerve::pipelines::meter_monitor<> m{{.day = 24}};                 // hourly readings
//   m.push(kwh, [](const meter_reading& r) { r.anomaly, r.flags; },
//              [](const daily_profile& d) { d.peak, d.base_load, d.load_factor; });
//
// Per reading y[t] (one call per interval; a missing reading is NaN):
//  1. gap / stuck / spike handling against the one-step forecast f[t] (made at t - 1):
//     - gap: NaN or Inf -> flag `gap`; the forecaster fills it with its seasonal value;
//     - stuck meter: the same value `stuck_run` times in a row (default: a quarter of a day)
//       -> flag `stuck` on that reading and on every further repeat; treated as missing;
//     - spike: |y - f| > spike_z robust standard deviations on at most `spike_run` consecutive
//       readings -> flag `spike`, treated as missing so that it does not teach the model (a
//       longer excursion is a real change and is kept);
//  2. the forecaster (daily + weekly seasonality, horizon 1) learns from the cleaned stream;
//     residual r = y - f, robust scale s = EWMA of |r| x 1.25 (after the warm-up);
//  3. anomaly: z = r / s; anomaly score = |z| / (|z| + anomaly_z) in [0, 1) (0.5 at the alarm
//     level), `anomaly` flag when |z| >= anomaly_z after `warmup_days`;
//  4. baseline drift: a tabular CUSUM on z clipped to +-spike_z (drift::cusum, River's semantics,
//     without its change-point bookkeeping), its reference (mean, sigma of z) estimated over a week
//     and frozen, restarted after each alarm: a sustained shortfall against the forecast
//     (theft by bypass, a failing CT, a stuck register) fires `drift_down`; a sustained excess (a
//     new load, a fault drawing current) fires `drift_up`. The forecaster re-learns the new
//     baseline within days, so the CUSUM must and does react within hours;
//  5. daily load profile at every `day`-th reading (days are calendar days when config.first_slot
//     says where in its day the first reading falls: the first day is then partial, reported with
//     its own count of readings and kept out of the expected energy): energy (sum), peak, base load
//     (minimum), mean, load factor = mean / peak, expected energy (the mean daily energy of the
//     previous 28 whole days, once 7 are known: the one-step forecasts re-learn a new level within
//     hours, so they cannot serve as the reference for a slow theft) and the shortfall
//     1 - energy / expected, plus the counts of flagged readings of the day. Reported in T
//     (basic_daily_profile<T>) to a callback that takes it (or `const auto&`), in double
//     (daily_profile) to one that takes that. The day's history work (the 28-day ring, the
//     expected energy of the coming day) runs on the next day's first readings (day_event), so
//     that the day's last reading does not carry it too.
//
// The forecaster is a template parameter:
//   meter_monitor<Capacity, T>  (default: seasonal_forecaster<Capacity, T>, the robust RLS on 13
//       seasonal-lag features; the better forecasts, ~1,440 M4 instructions per reading);
//   meter_monitor<192, float, holt_winters_forecaster<192, float>>  (the lean configuration: double
//       seasonal Holt-Winters with an AR(1) error correction, holt_winters_forecaster.hpp; within
//       the 200 M4 instructions on every reading (at most 199), 1.4 kB of state).
// Any forecaster with update(T) -> forecast of the next reading (NaN = missing), reset(),
// visit_state and either a seasonal_forecaster_config constructor or a config_type with `day`
// and `horizon` fits.
//
// Memory: meter_monitor<512, float> (regression) 3,296 bytes; the lean meter_monitor<192, float,
// holt_winters_forecaster<192, float>> 1,432 bytes (192 seasonal indices + ~660 bytes).
// Cost: O(1) per reading. T is the arithmetic of the whole per-reading path: double (default) on
// hosts, float on an MCU with a single-precision FPU (Cortex-M4F, which emulates double in
// software). Readings and meter_reading stay double at the interface (a callback that reads no
// double field pays no conversion), the daily profile is T or double, as the callback takes it.
// A steady reading (warm, the residual scale and the CUSUM reference settled; finite, not stuck,
// within spike_z) takes a short path with the same arithmetic as the general one, without its
// branches; gaps, stuck runs, spikes, the warm-up and an alarm's restart take general().
// Measured on the Cortex-M4 (float, hourly, steady state; bench/mcu/pipeline_metering.cpp,
// tools/mcu_icount.py; median / mean / max instructions per reading, modelled cycles median /
// mean / max; lean over 840 calls = 35 days, across the day its ring comes round):
//   lean (Holt-Winters)         169 / 177.2 /   199   (261 / 277 / 332 cycles)
//   regression, learn_every = 1 1,436 / 1,441 / 1,483 (2,593 / 2,605 / 2,663; 168 calls)
// Where a lean reading goes: double -> float of the reading 14, the monitor's checks, residual
// scale and anomaly ~40, the CUSUM (drift::cusum::step) ~30, the forecaster ~55, the day profile
// and counters ~20, call and register saves ~10. Once a day each, on readings of their own: the
// day's last reading +30 the report (counts and sums reset, the partial first day's test; the
// profile's fields cost only where the callback reads them: one that reads all of them in float,
// +79 more), the next reading +27 (the ring and its running sums; +29 when the ring comes round),
// the one after +24 (expected energy); the forecaster's turn, AR sums, AR coefficient and finiteness check +28-30 each, on the
// day's readings 17, 18, 19 and 5 (hourly: it starts a quarter day into its own day, so none of
// them meets the monitor's): 194-199, and 169 on every other reading. (Before the forecaster's
// steps were spread, its day's end fell on the report's reading: 251 there. Its AR coefficient now
// takes effect two readings into its day instead of at its end, and its day starts at the monitor's
// reading 18: on ETTh2's seven columns its one-step MAE moved by -0.6 to +0.5 % (six a little
// worse); see holt_winters_forecaster.hpp.)
// learn_every = k (regression only) takes
// its RLS step on every k-th reading (seasonal_forecaster.hpp has the accuracy table).
// Float holds ~7 significant digits: feed interval readings (kWh per interval), not a cumulative
// register, and the cleaned values and daily sums are exact to that relative precision.
//
// Bad input: see step 1; nothing poisons the state, every flag is counted in `totals()`.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../core/numeric.hpp"
#include "../config.hpp"
#include "../drift/cusum.hpp"
#include "holt_winters_forecaster.hpp"
#include "seasonal_forecaster.hpp"

namespace nerve::pipelines {

struct meter_monitor_config {
    std::size_t day = 24;            ///< readings per day
    std::size_t warmup_days = 14;    ///< no anomaly or drift alarms before this
    double spike_z = 8.0;            ///< a reading this many robust sigmas off the forecast is a spike
    std::size_t spike_run = 2;       ///< at most this many consecutive spikes; longer excursions are kept
    std::size_t stuck_run = 0;       ///< equal readings in a row that mean a stuck meter (0: day / 4)
    double anomaly_z = 4.0;          ///< anomaly alarm level, robust sigmas
    double drift_slack = 0.5;        ///< CUSUM k, in residual sigmas
    double drift_threshold = 18.0;   ///< CUSUM h, in residual sigmas
    double lambda = 0.9995;          ///< forecaster forgetting factor
    /// The forecaster's learning step on every learn_every-th reading only (1: every reading), its
    /// forgetting lambda^learn_every per step and its update of P spread over the readings between.
    /// The lighter setting for a small MCU; "Cost" above says what it saves and what it costs.
    std::size_t learn_every = 1;
    /// The first reading's place in the day (its interval since midnight: 13 for hourly readings that
    /// start at 13:00; reduced modulo day), so that days are calendar days. The first day then ends
    /// after day - first_slot readings and is reported as a partial day (profile.readings < day, its
    /// mean over its own readings, no expected energy, and kept out of the expected-energy history);
    /// every later day is a whole one. The forecasts do not depend on it (the regression forecaster's
    /// features are lags; a forecaster with slots of its own gets its first slot moved with it).
    std::size_t first_slot = 0;
};

/// Bit flags of a reading.
enum meter_flag : std::uint8_t {
    meter_gap = 1, meter_stuck = 2, meter_spike = 4, meter_anomaly = 8, meter_drift_up = 16, meter_drift_down = 32,
};

struct meter_reading {
    std::uint64_t index = 0;
    double value = 0;          ///< the reading as given (NaN for a gap)
    double cleaned = 0;        ///< what the model used (the forecast for gaps, stuck and spikes)
    double forecast = 0;       ///< one-step forecast of this reading, made before it arrived
    double residual = 0;       ///< value - forecast (0 for gaps)
    double z = 0;              ///< residual in robust standard deviations
    double anomaly_score = 0;  ///< [0, 1)
    std::uint8_t flags = 0;    ///< meter_flag bits
    bool anomaly() const noexcept { return (flags & meter_anomaly) != 0; }
};

/// A day's load profile in the monitor's arithmetic T. daily_profile (double) is what a callback
/// taking `const daily_profile&` gets; a callback that takes the monitor's own
/// basic_daily_profile<T> (or `const auto&`) gets it without conversion (on a Cortex-M4F with T =
/// float, no software double: ~12 instructions per field read).
template <class T>
struct basic_daily_profile {
    std::uint64_t day = 0;
    /// The day's readings: config.day, fewer for a first day that began after its start
    /// (config.first_slot): a partial day, whose expected energy and shortfall are 0.
    std::uint32_t readings = 0;
    T energy = 0, expected = 0, shortfall = 0;
    T peak = 0, base_load = 0, mean = 0, load_factor = 0;
    std::uint32_t gaps = 0, stuck = 0, spikes = 0, anomalies = 0;
    bool drift_up = false, drift_down = false;
    template <class V>
    void visit_state(V& v) {
        v(day); v(readings); v(energy); v(expected); v(shortfall); v(peak); v(base_load); v(mean); v(load_factor);
        v(gaps); v(stuck); v(spikes); v(anomalies); v(drift_up); v(drift_down);
    }
    /// The same profile in another arithmetic (double for reports).
    template <class U>
    basic_daily_profile<U> as() const noexcept {
        basic_daily_profile<U> p;
        p.day = day;
        p.readings = readings;
        p.energy = static_cast<U>(energy);
        p.expected = static_cast<U>(expected);
        p.shortfall = static_cast<U>(shortfall);
        p.peak = static_cast<U>(peak);
        p.base_load = static_cast<U>(base_load);
        p.mean = static_cast<U>(mean);
        p.load_factor = static_cast<U>(load_factor);
        p.gaps = gaps; p.stuck = stuck; p.spikes = spikes; p.anomalies = anomalies;
        p.drift_up = drift_up; p.drift_down = drift_down;
        return p;
    }
};
using daily_profile = basic_daily_profile<double>;

struct meter_totals {
    std::uint64_t readings = 0, gaps = 0, stuck = 0, spikes = 0, anomalies = 0, drifts_up = 0, drifts_down = 0;
    template <class V>
    void visit_state(V& v) { v(readings); v(gaps); v(stuck); v(spikes); v(anomalies); v(drifts_up); v(drifts_down); }
};

template <std::size_t Capacity = 2048, class T = double, class Forecaster = seasonal_forecaster<Capacity, T>>
class meter_monitor {
public:
    using input_type = double;
    using output_type = meter_reading;
    using forecaster_type = Forecaster;
    using drift_chart = drift::cusum<T, false>;
    using profile_type = basic_daily_profile<T>;

    explicit meter_monitor(const meter_monitor_config& c = {}) noexcept
        : cfg_(c), cu_(chart_options(c)), fc_(forecaster_config(c)) {
        if (cfg_.day < 8) cfg_.day = 8;
        cfg_.first_slot %= cfg_.day;
        stuck_run_ = cfg_.stuck_run > 0 ? cfg_.stuck_run : cfg_.day / 4;
        spike_z_ = static_cast<T>(cfg_.spike_z);
        anomaly_z_ = static_cast<T>(cfg_.anomaly_z);
        if (stuck_run_ < 2) stuck_run_ = 2;
        warm_at_ = static_cast<std::uint64_t>(cfg_.warmup_days) * cfg_.day;
        reset();
    }

    template <class OnReading, class OnDay>
    void push(double y, OnReading&& on_reading, OnDay&& on_day) {
        const T yt = static_cast<T>(y);  // +-Inf for |y| beyond float: a gap, like NaN
        bool counted = false;
        // The steady state (warm, residual scale and CUSUM reference settled) and an ordinary
        // reading (finite, not stuck, not a spike candidate) take this path: the same arithmetic
        // as general(), without its branches. A NaN or Inf reading fails az <= spike_z.
        // fast_z_ is spike_z in the steady state and -1 otherwise, so one compare tests both (a
        // zero scale_ before the steady state gives a NaN or Inf z, which fails it too).
        {
            const T forecast = next_;
            const T residual = yt - forecast;
            const T z = residual / scale_;
            const T az = std::fabs(z);
            if (NERVE_LIKELY(az <= fast_z_)) {
                const std::size_t run = yt == last_raw_ ? run_ + 1 : 1;
                run_ = run;
                last_raw_ = yt;
                if (NERVE_LIKELY(run < stuck_run_)) {  // (spike_count_ is 0: see fast_z_)
                    scale_ = T(0.99) * scale_ + T(0.0125) * std::fabs(residual);  // EWMA of 1.25 |r|
                    // |z| <= spike_z: no clipping needed; steady implies cu_.steady().
                    unsigned flags = 0;  // (not uint8_t: no narrowing after each bit)
                    if (NERVE_UNLIKELY(cu_.step(z) != drift::drift_signal::none)) flags = drift_fired();
                    if (NERVE_UNLIKELY(az >= anomaly_z_)) flags |= meter_anomaly;
                    next_ = fc_.update(yt);
                    finish(y, flags, yt, forecast, residual, z, az, on_reading, on_day);
                    return;
                }
                counted = true;
            }
        }
        general(y, yt, counted, on_reading, on_day);
    }

    /// The one-step forecast of the next reading.
    double next_forecast() const noexcept { return static_cast<double>(next_); }
    double residual_scale() const noexcept { return static_cast<double>(scale_); }
    const meter_totals& totals() const noexcept { return totals_; }
    const meter_monitor_config& config() const noexcept { return cfg_; }
    const Forecaster& forecaster() const noexcept { return fc_; }
    /// The baseline CUSUM's sums (in units of z) and the chart itself (its reference, clock and
    /// detections).
    double drift_sum_up() const noexcept { return static_cast<double>(cu_.sum_up()); }
    double drift_sum_down() const noexcept { return static_cast<double>(cu_.sum_down()); }
    const drift_chart& drift_cusum() const noexcept { return cu_; }

    void reset() noexcept {
        fc_.reset();
        cu_.reset();
        next_ = T(0);
        last_raw_ = T(0);
        day_energy_ = T(0);
        day_peak_ = std::numeric_limits<T>::lowest();  // finite: snapshots refuse Inf
        day_base_ = std::numeric_limits<T>::max();
        run_ = 0;
        spike_count_ = 0;
        scale_ = T(0);
        scale_n_ = 0;
        fast_z_ = T(-1);
        counts_ = day_counts{};
        day_left_ = cfg_.day - cfg_.first_slot;
        day_phase_ = 0;
        day_index_ = 0;
        energy_hist_.fill(T(0));
        hist_slot_ = 0;
        hist_sum_ = T(0);
        fresh_sum_ = T(0);
        expected_ = T(0);
        totals_ = meter_totals{};
    }

    /// A restored state: the day's countdown and the history's slot in range, the day energies
    /// in the ring within +-energy_limit and their sums within history_days times that (so no
    /// sum can overflow; an Inf there would last until the ring came round twice, 56 days).
    bool state_is_valid() const noexcept {
        const T sum_limit = energy_limit * static_cast<T>(history_days);
        bool finite = std::fabs(hist_sum_) <= sum_limit && std::fabs(fresh_sum_) <= sum_limit &&
                      nerve::is_finite(expected_) && nerve::is_finite(last_energy_);  // (NaN fails)
        for (const T e : energy_hist_) finite = finite && std::fabs(e) <= energy_limit;
        return finite && day_left_ >= 1 && day_left_ <= cfg_.day && hist_slot_ < history_days &&
               day_phase_ <= expected_phase && (day_phase_ == 0 || day_left_ == 1) &&
               (fast_z_ == spike_z_ || fast_z_ == T(-1));
    }

    template <class V>
    void visit_state(V& v) {
        v(fc_); v(cu_); v(next_); v(last_raw_); v(run_); v(spike_count_); v(scale_); v(scale_n_); v(fast_z_); v(counts_);
        v(day_left_); v(day_phase_); v(day_index_); v(energy_hist_); v(hist_slot_); v(hist_sum_); v(fresh_sum_); v(expected_); v(last_energy_); v(totals_); v(day_energy_); v(day_peak_); v(day_base_);
    }

private:
    /// The CUSUM fired (in push()'s short path): the direction of the larger sum.
    NERVE_NOINLINE std::uint8_t drift_fired() noexcept {
        fast_z_ = T(-1);
        return drift_flag();
    }
    std::uint8_t drift_flag() const noexcept {
        return cu_.sum_down() > cu_.sum_up() ? meter_drift_down : meter_drift_up;
    }

    /// Every other reading: gaps, stuck runs, spikes, the warm-up. `counted`: the stuck-run count
    /// already took this (finite) reading. Out of line, like day_event(): inlined, they cost the
    /// common reading's path ~10 M4 instructions of address set-up and register saves.
    template <class OnReading, class OnDay>
    NERVE_NOINLINE void general(double y, T yt, bool counted, OnReading& on_reading, OnDay& on_day) {
        std::uint8_t flags = 0;
        const bool warm = totals_.readings >= warm_at_;
        const T forecast = next_;
        bool missing = false;
        T residual = T(0), z = T(0), az = T(0), cleaned;
        if (!nerve::is_finite(yt)) {
            flags |= meter_gap;
            missing = true;
        } else {
            // Stuck meter: the same value again and again.
            if (!counted) {
                run_ = (totals_.readings > 0 && yt == last_raw_) ? run_ + 1 : 1;
                last_raw_ = yt;
            }
            if (run_ >= stuck_run_) {
                flags |= meter_stuck;
                missing = true;
            } else {
                residual = yt - next_;
                z = scale_ > T(0) ? residual / scale_ : T(0);
                az = std::fabs(z);
                if (warm && az > spike_z_ && spike_count_ < cfg_.spike_run) {
                    ++spike_count_;
                    flags |= meter_spike;
                    missing = true;
                } else {
                    spike_count_ = az > spike_z_ ? spike_count_ : 0;
                }
                if (warm && az >= anomaly_z_) flags |= meter_anomaly;
                // Residual scale: learned from accepted readings only.
                if (!(flags & meter_spike)) {
                    const T a = std::fabs(residual) * T(1.25);
                    scale_ = scale_n_ < 50 ? (scale_ * static_cast<T>(scale_n_) + a) / static_cast<T>(scale_n_ + 1)
                                           : T(0.99) * scale_ + T(0.0125) * std::fabs(residual);
                    if (scale_n_ < 50) ++scale_n_;
                }
                if (warm && cu_.update(z > spike_z_ ? spike_z_ : (z < -spike_z_ ? -spike_z_ : z)) ==
                                drift::drift_signal::drift)
                    flags |= drift_flag();
            }
        }
        if (missing) {
            residual = T(0);
            cleaned = totals_.readings == 0 ? T(0) : next_;
            next_ = fc_.update(std::numeric_limits<T>::quiet_NaN());
        } else {
            cleaned = yt;
            next_ = fc_.update(yt);
        }
        // (A spike leaves the next reading to general(), which resets spike_count_: push()'s short
        // path need not write it.)
        const bool steady = warm && scale_n_ >= 50 && cu_.steady() && spike_count_ == 0;
        fast_z_ = steady ? spike_z_ : T(-1);
        finish(y, flags, cleaned, totals_.readings == 0 ? cleaned : forecast, residual, z, az, on_reading, on_day);
    }

    /// The reading's report, the totals and the day (most readings carry no flag: one test skips
    /// the counting). The day's peak and base start at the lowest / highest finite T, so its first
    /// reading sets them (no test of the day's first reading).
    template <class OnReading, class OnDay>
    NERVE_ALWAYS_INLINE void finish(double y, unsigned flags, T cleaned, T forecast, T residual, T z, T az,
                                    OnReading& on_reading, OnDay& on_day) {
        meter_reading r;
        r.index = totals_.readings;
        r.value = y;
        r.flags = static_cast<std::uint8_t>(flags);
        r.forecast = static_cast<double>(forecast);
        r.cleaned = static_cast<double>(cleaned);
        r.residual = static_cast<double>(residual);
        r.z = static_cast<double>(z);
        r.anomaly_score = static_cast<double>(az / (az + anomaly_z_));
        ++totals_.readings;
        if (flags != 0) count_flags(static_cast<std::uint8_t>(flags));
        day_energy_ += cleaned;
        day_peak_ = cleaned > day_peak_ ? cleaned : day_peak_;
        day_base_ = cleaned < day_base_ ? cleaned : day_base_;
        on_reading(static_cast<const meter_reading&>(r));
        if (--day_left_ == 0) day_event(on_day);
    }

    /// The day's end and the day's history work after it, on the next day's first readings
    /// (day_phase_; each reading then does at most one short step, so that no reading pays for the
    /// whole day's bookkeeping): phase 0 is the day's end (the report), 1 puts the day's energy into
    /// the 28-day ring, 2 sets the expected energy of the coming day. The reports are those of doing
    /// it all at the day's end: the ring and the expected energy are next needed at the next day's
    /// end, and day >= 8 readings leave room.
    /// The ring's sum runs along (one add and one subtract a day) and is replaced by a fresh sum
    /// whenever the ring comes round, so that rounding does not pile up in it. The ring fills its
    /// slots in order, so the fresh sum is the sum of the days put in since the last time round, in
    /// the same order (0 + h[0] + ... + h[27]) as summing the ring then: one add a day, no loop.
    /// (Three functions, not one: the report's registers saved on the history readings too cost them
    /// ~10 instructions when the callback reads the profile; history_step() is one copy for every
    /// callback type.)
    template <class OnDay>
    NERVE_ALWAYS_INLINE void day_event(OnDay& on_day) {
        if (NERVE_LIKELY(day_phase_ == 0)) end_day(on_day);
        else history_step();
    }

    NERVE_NOINLINE void history_step() noexcept {
        if (day_phase_ == 1) {
            // A day energy beyond +-energy_limit (only readings near the type's limit make one)
            // enters the ring at that limit, so the 28-day sums stay finite.
            const T e = last_energy_ > energy_limit ? energy_limit : last_energy_ < -energy_limit ? -energy_limit : last_energy_;
            const T leaving = energy_hist_[hist_slot_];  // 0 while the ring fills
            energy_hist_[hist_slot_] = e;
            const T fresh = fresh_sum_ + e;
            if (NERVE_UNLIKELY(++hist_slot_ == history_days)) {
                hist_slot_ = 0;
                hist_sum_ = fresh;
                fresh_sum_ = T(0);
            } else {
                hist_sum_ += e - leaving;
                fresh_sum_ = fresh;
            }
            day_phase_ = 2;
            day_left_ = 1;
            return;
        }
        // The coming day's expected energy: the mean of the known days (of the last 28), once 7 are. A
        // partial first day is not in the ring.
        const std::size_t whole = day_index_ - (cfg_.first_slot != 0 ? 1u : 0u);
        const std::size_t known = whole < history_days ? whole : history_days;
        expected_ = known >= 7 ? hist_sum_ / static_cast<T>(known) : T(0);
        day_phase_ = 0;
        day_left_ = cfg_.day - 2;  // the ring's reading and this one used
    }

    /// The report: the day's profile, built where it is handed over (a callback that reads a field
    /// pays for that field only), and the next day's sums and counts from zero; the history work is
    /// left to day_event's next phases.
    template <class OnDay>
    NERVE_NOINLINE void end_day(OnDay& on_day) {
        const T energy = day_energy_, peak = day_peak_;
        // A first day that began after its start (first_slot) is partial: fewer readings, no history.
        const bool partial = NERVE_UNLIKELY(day_index_ == 0) && cfg_.first_slot != 0;
        const std::size_t readings = partial ? cfg_.day - cfg_.first_slot : cfg_.day;
        profile_type p;
        p.day = day_index_;
        p.readings = static_cast<std::uint32_t>(readings);
        p.energy = energy;
        p.peak = peak;
        p.base_load = day_base_;
        const T mean = energy / static_cast<T>(readings);
        p.mean = mean;
        p.load_factor = peak > T(0) ? mean / peak : T(0);
        p.expected = expected_;
        p.shortfall = expected_ != T(0) ? T(1) - energy / expected_ : T(0);
        p.gaps = counts_.gaps;
        p.stuck = counts_.stuck;
        p.spikes = counts_.spikes;
        p.anomalies = counts_.anomalies;
        p.drift_up = counts_.drift_up;
        p.drift_down = counts_.drift_down;
        if constexpr (std::is_invocable_v<OnDay&, const profile_type&>) {
            on_day(static_cast<const profile_type&>(p));
        } else {
            const daily_profile d = p.template as<double>();
            on_day(d);
        }
        last_energy_ = energy;
        ++day_index_;
        counts_ = day_counts{};
        day_phase_ = 1;
        day_left_ = 1;
        if (NERVE_UNLIKELY(partial)) {  // a partial day's energy stays out of the ring: no history work
            day_phase_ = 0;
            day_left_ = cfg_.day;
        }
        day_energy_ = T(0);
        day_peak_ = std::numeric_limits<T>::lowest();  // finite: snapshots refuse Inf
        day_base_ = std::numeric_limits<T>::max();
    }

    void count_flags(std::uint8_t f) noexcept {
        totals_.gaps += (f & meter_gap) ? 1u : 0u;
        totals_.stuck += (f & meter_stuck) ? 1u : 0u;
        totals_.spikes += (f & meter_spike) ? 1u : 0u;
        totals_.anomalies += (f & meter_anomaly) ? 1u : 0u;
        totals_.drifts_up += (f & meter_drift_up) ? 1u : 0u;
        totals_.drifts_down += (f & meter_drift_down) ? 1u : 0u;
        counts_.gaps += (f & meter_gap) ? 1u : 0u;
        counts_.stuck += (f & meter_stuck) ? 1u : 0u;
        counts_.spikes += (f & meter_spike) ? 1u : 0u;
        counts_.anomalies += (f & meter_anomaly) ? 1u : 0u;
        counts_.drift_up = counts_.drift_up || (f & meter_drift_up);
        counts_.drift_down = counts_.drift_down || (f & meter_drift_down);
    }

    /// The CUSUM's reference (mean and sigma of z) is estimated over its first week.
    static drift::cusum_options chart_options(const meter_monitor_config& c) noexcept {
        drift::cusum_options o;
        o.min_instances = static_cast<std::uint32_t>(7 * (c.day < 8 ? 8 : c.day));
        o.slack = c.drift_slack;
        o.threshold = c.drift_threshold;
        o.direction = drift::ph_direction::both;
        return o;
    }

    static auto forecaster_config(const meter_monitor_config& c) noexcept {
        if constexpr (std::is_constructible_v<Forecaster, const seasonal_forecaster_config&>) {
            seasonal_forecaster_config f;
            f.day = c.day < 8 ? 8 : c.day;
            f.horizon = 1;
            f.lambda = c.lambda;
            f.learn_every = c.learn_every;
            return f;
        } else {
            typename Forecaster::config_type f{};
            f.day = c.day < 8 ? 8 : c.day;
            f.horizon = 1;
            // A forecaster whose once-a-day steps fall on fixed slots of its day (holt_winters_forecaster)
            // starts a quarter day into it: its steps then fall on readings of their own, not on this
            // monitor's day end and the two history readings after it (see "Cost").
            // Its slots follow the monitor's (first_slot: calendar days), a quarter day ahead.
            if constexpr (requires { f.first_slot; }) f.first_slot = (f.day / 4 + c.first_slot % f.day) % f.day;
            return f;
        }
    }

    // The per-reading state first and the forecaster (with its arrays) after it: a Cortex-M4's
    // VLDR/VSTR reach 1020 bytes from the object's address, so this order saves an address
    // computation per field access.
    meter_monitor_config cfg_;
    // push()'s short path takes |z| <= fast_z_: spike_z_ in the steady state (warm, scale settled,
    // CUSUM reference frozen and not just fired, no spike run open), -1 otherwise.
    T fast_z_ = T(-1);
    T next_ = T(0), last_raw_ = T(0);
    T scale_ = T(0);
    T spike_z_ = T(8), anomaly_z_ = T(4);  // the config in T
    std::size_t run_ = 0, spike_count_ = 0;
    std::size_t stuck_run_ = 6;
    drift_chart cu_;  // baseline drift: change points not tracked (not reported)
    T day_energy_ = T(0), day_peak_ = T(0), day_base_ = T(0);
    std::size_t day_left_ = 24;  // readings until the day's end (1..day)
    meter_totals totals_{};  // totals_.readings is the reading index
    std::uint64_t warm_at_ = 0;  // warmup_days * day
    std::size_t scale_n_ = 0;
    /// The day's flag counts so far (the report's counts).
    struct day_counts {
        std::uint32_t gaps = 0, stuck = 0, spikes = 0, anomalies = 0;
        bool drift_up = false, drift_down = false;
        template <class V>
        void visit_state(V& v) { v(gaps); v(stuck); v(spikes); v(anomalies); v(drift_up); v(drift_down); }
    };
    day_counts counts_{};
    std::uint32_t day_index_ = 0;  // the day in progress (its report's `day`; 32 bits: 11 million years of days)
    std::size_t day_phase_ = 0;  // day_event's next step: 0 the day's end, 1.. the history's (see there)
    static constexpr std::size_t expected_phase = 2;
    T last_energy_ = T(0);       // the last day's energy, for the ring (phase 1)
    T fresh_sum_ = T(0);         // the days put into the ring since it last came round, summed
    T expected_ = T(0);          // the coming day's expected energy (0 until 7 days are known)
    static constexpr std::size_t history_days = 28;
    static constexpr T energy_limit = std::numeric_limits<T>::max() / T(4 * history_days);  // see history_step
    std::array<T, history_days> energy_hist_{};
    std::size_t hist_slot_ = 0;  // where the next day's energy goes
    T hist_sum_ = T(0);          // sum of energy_hist_
    Forecaster fc_;
};

}  // namespace nerve::pipelines
