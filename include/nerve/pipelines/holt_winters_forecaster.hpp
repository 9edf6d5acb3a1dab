// nerve/pipelines/holt_winters_forecaster.hpp — double seasonal Holt-Winters (Taylor 2003, additive,
// no trend) with a first-order autoregressive correction of its errors: an online H-step-ahead
// forecaster with daily and weekly seasonality in fixed memory, the lean alternative to
// seasonal_forecaster for a small MCU (~60 instructions per reading instead of ~1,300).
//
//   nerve::pipelines::holt_winters_forecaster<192, float> f{{.day = 24, .horizon = 1}};
//   for (float y : readings) { float next = f(y); }   // forecast of y[t + H] from y[0..t]
//
// State: a level l, d daily indices D (one per reading of a day) and 7 d weekly indices W, in one
// array of Capacity >= 8 d numbers (asserted). With the one-step error
//     e = y[t] - (l + D[t mod d] + W[t mod 7d])
// the components take it in turn, each the share the previous ones left (Taylor's updates in
// error-correction form):
//     l += alpha e,   D[t] += delta (1 - alpha) e,   W[t] += omega (1 - delta)(1 - alpha) e
// and the forecast of y[t + H] is
//     l + D[(t + H) mod d] + W[(t + H) mod 7d] + phi^H e
// (t counts from the start of the day and week the stream began in: its first reading is
// t = first_slot, 0 by default) where phi, the lag-1 autocorrelation of the errors, is estimated
// online (the ratio of two EWMAs of e[t] e[t-1] and e[t-1]^2 with a week's memory, folded in once
// a day, so the per-reading path has no division), clamped to [-0.99, 0.99]. The day's sums run
// from one day's first reading to the next's (24 products for hourly data); they are folded into
// the EWMAs after the day's first reading and the new phi set after its second, so the forecasts
// from the day's third reading on use it (each step on a reading of its own: see "Per reading").
// Against setting phi at the day's end from the day's own sums (as this forecaster did before),
// ETTh2's MAE moved by at most +0.32 % (LULL; every column, H = 1 and 24, 12 of 14 a little
// worse): the price of the day's steps fitting a 200-instruction reading on a Cortex-M4.
//
// Smoothing constants by one principle, not fitted to a data set: each component's gain is 1 / (its
// memory in its own updates), with memories set in time, so that they do not depend on the
// reading interval: the level remembers a day (alpha = 1/d: it follows the day-to-day level while
// averaging over a whole daily cycle), and every seasonal index the span the regression of
// seasonal_forecaster remembers (lambda = 0.9995: ~2,000 hourly readings, 12 weeks): each daily
// index 84 of its daily updates (delta = 1/84), each weekly index 12 of its weekly updates (omega
// = 1/12). (A first choice, a week of days and four weeks, measured 2-13 % worse on every ETTh2
// column at H = 24 and 1-10 % at H = 1: the weekly indices, each updated once a week, were too
// noisy; both are reported, the data were not searched further.) Until a component has had that
// many updates its gain is 1 / (updates + 1) (a running mean: the usual start of an EWMA), so the
// first day sets the level and the daily profile and the first weeks the weekly indices, with no
// separate initialisation pass.
// No robust clipping: meter_monitor removes spikes before they reach the forecaster (a clipped
// error with a slowly adapting scale also stalls the learning of a pattern seen once a week, e.g.
// a different Sunday, for weeks). Feed it cleaned readings, or accept that a spike is learnt.
//
// Measured (ETTh2, `nerve forecast --model holt-winters`, tools/ett_models.sh, MAE over the best
// naive baseline; OT, HUFL, HULL, MUFL, MULL, LUFL, LULL):
//   H = 24: 1.034 1.032 1.021 1.057 0.944 0.978 1.250   (the regression: 0.964 0.953 0.956 0.956 0.922 0.927 1.035)
//   H = 1:  0.696 0.877 0.965 0.874 0.845 1.017 1.358   (the regression: 0.528 0.921 0.943 0.915 0.873 0.973 1.155)
// so at a day ahead it forecasts 3-20 % worse than seasonal_forecaster and about as well as the
// naive baselines; one step ahead it is better on three loads and worse on OT, LUFL and LULL. It
// is the choice when ~1,300 instructions per reading do not fit.
// Memory: Capacity T + ~150 bytes (config, components, counters); hourly data needs Capacity 192.
// Per reading: O(1), no division, no loop; on a Cortex-M4F in float ~55 instructions inside
// meter_monitor (bench/mcu/pipeline_metering.cpp). The day's four steps each take a reading of
// their own, ~30 instructions more on it: the turn (the slots wrap, the day count; the warm-up
// gains while warming up) on the day's last reading (slot day - 1), the AR sums on its first
// (slot 0), the AR coefficient (one division) on its second, the finiteness check on the one
// before its middle (slot day / 2 - 1; a day of fewer than 4 readings takes all four at its turn).
// Which readings of a caller's day these are, first_slot chooses: meter_monitor starts its
// forecaster a quarter day in, so that they miss its own day end and history readings.
//
// Bad input: a NaN/Inf reading, or once warm one whose error exceeds max_error (default 1e12, a
// corrupt value rather than a change), is a missing reading: no component learns from it, time
// moves on (the slots advance) and the AR term decays by phi; it is counted (`rejected()`). With
// every learnt error below max_error the state stays finite; a non-finite level or forecast,
// checked once a day, would restart the model (`restarts()`).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::pipelines {

struct holt_winters_config {
    std::size_t day = 24;       ///< readings per day (24 for hourly, 96 for 15 min)
    std::size_t horizon = 1;    ///< H: forecast of y[t + H]
    double level_days = 1.0;    ///< memory of the level, in days (alpha = 1 / (level_days * day))
    double daily_days = 84.0;   ///< memory of each daily index, in its updates (days): delta = 1 / 84 (12 weeks)
    double weekly_weeks = 12.0; ///< memory of each weekly index, in its updates (weeks): omega = 1 / 12
    /// Once warm, a one-step error beyond this (units of y) is a corrupt reading, not a change: it is
    /// treated as missing. Also what keeps the state bounded (see "Bad input").
    double max_error = 1e12;
    bool autoregressive = true;  ///< the phi^H e correction (Taylor 2003)
    /// The first reading's place in the day (its daily slot, < day; reduced modulo day), and so in the
    /// first week: a stream that starts at 13:00 of hourly readings has 13. The day's once-a-day work
    /// (see "Per reading") falls on fixed slots, so this also chooses the readings that carry it.
    std::size_t first_slot = 0;
};

template <std::size_t Capacity = 256, class T = double>
class holt_winters_forecaster {
public:
    static_assert(std::is_floating_point_v<T>, "holt_winters_forecaster works in float or double");
    using input_type = T;
    using output_type = T;
    using config_type = holt_winters_config;

    constexpr explicit holt_winters_forecaster(const holt_winters_config& c = {}) noexcept : cfg_(c) {
        if (cfg_.day < 2) cfg_.day = 2;
        if (cfg_.horizon < 1) cfg_.horizon = 1;
        if (!(cfg_.max_error > 0.0)) cfg_.max_error = 1e12;
        NERVE_ASSERT(8 * cfg_.day <= Capacity);
        const double d = static_cast<double>(cfg_.day);
        auto gain = [](double memory) { return memory > 1.0 ? 1.0 / memory : 1.0; };
        alpha_ = static_cast<T>(gain(cfg_.level_days * d));
        delta_ = static_cast<T>(gain(cfg_.daily_days));
        omega_ = static_cast<T>(gain(cfg_.weekly_weeks));
        // The AR sums are folded in once a day from the day's sums, with a week's memory (gain 1/7);
        // without the AR term never (gain 0: c00_ stays 0, so phi_ stays 0, see set_phi).
        phi_day_gain_ = static_cast<T>(cfg_.autoregressive ? 1.0 / 7.0 : 0.0);
        level_warm_ = static_cast<std::uint32_t>(cfg_.level_days * d);
        daily_warm_ = static_cast<std::uint32_t>(cfg_.daily_days);
        weekly_warm_ = static_cast<std::uint32_t>(cfg_.weekly_weeks);
        max_error_ = static_cast<T>(cfg_.max_error);
        day_ = static_cast<std::uint32_t>(cfg_.day);
        const std::size_t w = 7 * cfg_.day;
        end_w_ = static_cast<std::uint32_t>(cfg_.day + w);
        cfg_.first_slot %= cfg_.day;
        // The day's steps on slots of their own: the turn (day_), the AR sums (1), the coefficient (2)
        // and the finiteness check (check_at_); a day of fewer than 4 readings takes them all at its
        // turn.
        check_at_ = static_cast<std::uint32_t>(cfg_.day / 2 > ar_phi_at ? cfg_.day / 2 : ar_phi_at + 1);
        spread_ = cfg_.day > check_at_;
        off_d_ = static_cast<std::uint32_t>((cfg_.horizon - 1) % cfg_.day);
        off_w_ = static_cast<std::uint32_t>((cfg_.horizon - 1) % w);
        reset();
    }

    /// Feeds y[t]; returns the forecast of y[t + H].
    output_type operator()(T y) noexcept { return update(y); }

    NERVE_ALWAYS_INLINE T update(T y) noexcept {
        T* const s = seas_.data();
        const T e = y - (level_ + s[pd_] + s[pw_]);
        // One compare gates the common case: warm and the error finite and below max_error
        // (fast_lim_ is -1 while warming up; a NaN error compares false).
        if (NERVE_LIKELY(std::fabs(e) <= fast_lim_)) learn(s, e);
        else update_rare(e);
        // Time moves on. The week ends with a day (the slots move in step from reset()), so
        // turn_day() wraps the weekly slot too.
        ++pw_;
        if (NERVE_UNLIKELY(++pd_ == event_at_)) day_event();
        std::uint32_t hd = pd_, hw = pw_;  // the slots of y[t + H]
        if (NERVE_UNLIKELY(off_d_ + off_w_ != 0u)) {
            hd += off_d_;
            if (hd >= day_) hd -= day_;
            hw += off_w_;
            if (hw >= end_w_) hw -= end_w_ - day_;
        }
        forecast_ = level_ + s[hd] + s[hw] + phi_h_ * e_;
        return forecast_;
    }

    T forecast() const noexcept { return forecast_; }
    T level() const noexcept { return level_; }
    /// Daily index of reading i of the day (i < day) and weekly index of reading i of the week (i < 7 day).
    T daily(std::size_t i) const noexcept { return seas_[i]; }
    T weekly(std::size_t i) const noexcept { return seas_[cfg_.day + i]; }
    /// The AR(1) coefficient in use.
    T phi() const noexcept { return phi_; }
    /// The gains once warm: alpha, delta, omega.
    T alpha() const noexcept { return alpha_; }
    T delta() const noexcept { return delta_; }
    T omega() const noexcept { return omega_; }
    bool warm() const noexcept { return warm_; }
    std::uint64_t samples() const noexcept { return days_total_ * cfg_.day + pd_ - first_slot_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    std::uint64_t restarts() const noexcept { return restarts_; }
    const holt_winters_config& config() const noexcept { return cfg_; }

    void reset() noexcept {
        first_slot_ = static_cast<std::uint32_t>(cfg_.first_slot);
        pd_ = first_slot_;
        pw_ = day_ + first_slot_;
        event_at_ = day_;
        days_total_ = rejected_ = 0;
        restart();
        restarts_ = 0;
    }

    /// A restored state: the slots in range and in step (the weekly slot a whole number of days
    /// after the daily one), so that no index leaves the array; the level, the AR terms and every
    /// seasonal index finite and within +-1e30 (the daily check watches the level and the
    /// forecast, not each index: an Inf index would have its slot's readings rejected for good);
    /// the fast path's error limit -1 (warming up) or max_error, and the gains in [0, 1] (a
    /// larger limit or gain let the errors overflow the indices: the fuzzer's case, a weekly
    /// gain of about -1e300).
    bool state_is_valid() const noexcept {
        const bool step_due = event_at_ == day_ || (spread_ && (event_at_ == ar_sums_at || event_at_ == ar_phi_at ||
                                                                  event_at_ == check_at_));
        auto sane = [](T x) { return std::fabs(x) <= T(1e30); };  // (NaN fails)
        bool ok = sane(level_) && sane(e_) && sane(c01_) && sane(c00_) && sane(phi_) && sane(phi_h_) &&
                  sane(forecast_) && sane(day_01_) && sane(day_00_) &&
                  (fast_lim_ == T(-1) || fast_lim_ == max_error_) &&  // warming up, or the error bound
                  gl_ >= T(0) && gl_ <= T(1) && gd_ >= T(0) && gd_ <= T(1) && gw_ >= T(0) && gw_ <= T(1);  // gains
        for (std::uint32_t i = 0; ok && i < end_w_ && i < Capacity; ++i) ok = sane(seas_[i]);
        return ok && pd_ < day_ && pw_ >= day_ && pw_ < end_w_ && (pw_ - day_) % day_ == pd_ && step_due &&
               pd_ < event_at_ && first_slot_ < day_ && (days_total_ > 0 || pd_ >= first_slot_);
    }

    template <class V>
    void visit_state(V& v) {
        v(seas_); v(level_); v(fast_lim_); v(e_); v(c01_); v(c00_); v(phi_); v(phi_h_); v(gl_); v(gd_); v(gw_);
        v(day_01_); v(day_00_); v(forecast_); v(pd_); v(pw_); v(event_at_); v(accepted_); v(days_); v(weeks_); v(warm_);
        v(days_total_); v(rejected_); v(restarts_); v(first_slot_);
    }

private:
    /// The components in turn, each taking the share of the error the previous ones left (gw_
    /// holds omega (1 - delta)); the day's sums for the AR coefficient.
    NERVE_ALWAYS_INLINE void learn(T* s, T e) noexcept {
        level_ += gl_ * e;
        const T r1 = e - gl_ * e;
        s[pd_] += gd_ * r1;
        s[pw_] += gw_ * r1;
        day_01_ += e * e_;
        day_00_ += e_ * e_;
        e_ = e;
    }
    /// The uncommon case: a missing or corrupt reading, or the warm-up gains.
    // Out of line like day_event(): the common reading's code stays short and its registers free.
    NERVE_NOINLINE void update_rare(T e) noexcept {
        const T ae = std::fabs(e);
        if (!(ae <= max_error_) && (fast_lim_ > T(0) || !nerve::is_finite(ae))) {  // NaN, Inf or, after the first day, beyond max_error
            ++rejected_;
            e_ *= phi_;  // unknown error: its expectation
            return;
        }
        if (fast_lim_ < T(0)) warm_up();
        learn(seas_.data(), e);
    }

    /// Fresh components; the position in the day and week is kept (it is the clock, not the model).
    /// Out of line: reset() and the two finiteness checks share one copy (~300 bytes of M4 code).
    NERVE_NOINLINE void restart() noexcept {
        ++restarts_;
        seas_.fill(T(0));
        level_ = T(0);
        fast_lim_ = T(-1);
        e_ = c01_ = c00_ = phi_ = phi_h_ = T(0);
        gl_ = gd_ = gw_ = T(1);
        day_01_ = day_00_ = T(0);
        forecast_ = T(0);
        accepted_ = days_ = weeks_ = 0;
        warm_ = false;
        seasonal_gains();  // the first day's: delta 1, omega's share 0
    }

    /// The gains while a component has had fewer updates than its memory: 1 / (updates + 1), a
    /// running mean (the usual start of an EWMA); then the constants for good. The level's gain
    /// changes per reading (here, for its first level_days); the seasonal gains change once a day
    /// (turn_day), so the fast path runs from the second day on.
    void warm_up() noexcept {
        ++accepted_;
        const T g = T(1) / static_cast<T>(accepted_);
        gl_ = g > alpha_ ? g : alpha_;
        if (accepted_ >= level_warm_) fast_lim_ = max_error_;  // the level's gain is alpha from now on
    }
    void seasonal_gains() noexcept {
        auto at_least = [](T g, T floor) { return g > floor ? g : floor; };
        gd_ = at_least(T(1) / static_cast<T>(days_ + 1), delta_);
        gw_ = at_least(T(1) / static_cast<T>(weeks_ + 1), omega_) * (T(1) - gd_);
        warm_ = fast_lim_ > T(0) && days_ + 1 >= daily_warm_ && weeks_ + 1 >= weekly_warm_;
    }

    /// pd_ reached event_at_: one of the day's steps, each on a reading of its own, in this order: the
    /// turn (the slots wrap; the warm-up gains), after the day's first reading the AR sums, after its
    /// second the AR coefficient (so the forecasts from the day's third reading on use it), after its
    /// middle the finiteness check. None of them costs the per-reading path more than this call.
    NERVE_NOINLINE void day_event() noexcept {
        if (pd_ == day_) {
            turn_day();
        } else if (pd_ == ar_sums_at) {
            fold_ar_sums();
            event_at_ = ar_phi_at;
        } else if (pd_ == ar_phi_at) {
            set_phi();
            event_at_ = check_at_;
        } else {
            check_finite();
            event_at_ = day_;
        }
    }

    void turn_day() noexcept {
        pd_ = 0;
        if (pw_ == end_w_) pw_ = day_;
        ++days_total_;
        if (NERVE_UNLIKELY(!warm_)) {  // the day and week counts only matter for the warm-up gains
            // A first day or week that began after its start (first_slot) is not counted: its first
            // whole one sets every index, as a stream that starts at the day's start does.
            if (first_slot_ == 0 || days_total_ > 1) ++days_;
            if (pw_ == day_ && (first_slot_ == 0 || days_total_ > 7)) ++weeks_;
            seasonal_gains();
        }
        if (NERVE_LIKELY(spread_)) {
            event_at_ = ar_sums_at;
        } else {  // a day of fewer than 4 readings: every step at its turn
            fold_ar_sums();
            set_phi();
            check_finite();
        }
    }

    /// The AR coefficient's sums of the last day (the day's readings since the last fold) into the
    /// two EWMAs, with a week's memory.
    void fold_ar_sums() noexcept {
        c01_ += phi_day_gain_ * (day_01_ - c01_);
        c00_ += phi_day_gain_ * (day_00_ - c00_);
        day_01_ = day_00_ = T(0);
    }

    /// phi = c01 / c00 clamped to [-0.99, 0.99]; kept while c00_ is 0 (no error yet, or no AR term).
    void set_phi() noexcept {
        T p = c01_ / c00_;  // (0 / 0 is NaN: out of range)
        if (NERVE_UNLIKELY(!(std::fabs(p) <= T(0.99)))) {  // one test in the common case
            if (!(c00_ > T(0))) return;
            p = p > T(0.99) ? T(0.99) : T(-0.99);
        }
        phi_ = p;
        phi_h_ = p;
        if (cfg_.horizon != 1) {
            T ph = T(1), b = p;  // p^H by squaring
            for (std::size_t k = cfg_.horizon; k > 0; k >>= 1, b *= b)
                if (k & 1) ph *= b;
            phi_h_ = ph;
        }
    }

    // Errors are bounded by max_error, so no component can leave the float range in any realistic
    // time (at most max_error per step: ~1e26 readings); checked once a day.
    void check_finite() noexcept {
        if (NERVE_UNLIKELY(!nerve::is_finite(level_ + forecast_ + c01_ + c00_))) restart();
    }

    holt_winters_config cfg_;
    T alpha_ = T(0), delta_ = T(0), omega_ = T(0), phi_day_gain_ = T(0), max_error_ = T(1e12);
    std::uint32_t level_warm_ = 0, daily_warm_ = 0, weekly_warm_ = 0;
    std::uint32_t day_ = 24, end_w_ = 0, off_d_ = 0, off_w_ = 0, check_at_ = 12;
    static constexpr std::uint32_t ar_sums_at = 1, ar_phi_at = 2;  // the AR steps' event_at_ (after slots 0 and 1)
    bool spread_ = true;  // the day's steps on readings of their own (day >= 4)
    T level_ = T(0), fast_lim_ = T(-1);
    T e_ = T(0), c01_ = T(0), c00_ = T(0), phi_ = T(0), phi_h_ = T(0);
    T gl_ = T(1), gd_ = T(1), gw_ = T(1);  // gains in use (alpha, delta, omega (1 - delta) once warm)
    T day_01_ = T(0), day_00_ = T(0);      // the day's sums of e[t] e[t-1] and e[t-1]^2
    T forecast_ = T(0);
    std::uint32_t pd_ = 0, pw_ = 0;  // slots of the next reading: daily [0, d), weekly [d, 8 d)
    std::uint32_t event_at_ = 24;    // day_event() when pd_ reaches it: day_, ar_sums_at, ar_phi_at or check_at_
    // The stream's first slot: config.first_slot from reset(), and state (a restored stream keeps its
    // own, which samples() needs). Snapshots from before it was state are refused by their
    // fingerprint: their days_total_ counted a warm day at its middle, not at its turn.
    std::uint32_t first_slot_ = 0;
    std::uint32_t accepted_ = 0, days_ = 0, weeks_ = 0;
    bool warm_ = false;
    std::uint64_t days_total_ = 0, rejected_ = 0, restarts_ = 0;
    std::array<T, Capacity> seas_{};  // [0, d): daily indices, [d, 8 d): weekly indices (last: see meter_monitor)
};

}  // namespace nerve::pipelines
