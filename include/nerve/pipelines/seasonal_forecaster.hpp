// nerve/pipelines/seasonal_forecaster.hpp — online H-step-ahead forecaster with daily and weekly
// seasonality: robust recursive least squares on seasonal-lag features, learned on the fly,
// fixed memory.
//
//   nerve::pipelines::seasonal_forecaster<> f{{.day = 24, .horizon = 24}};   // hourly readings
//   for (double y : readings) { double next_day = f(y); }                       // forecast of y[t + 24]
//
// After reading y[t] the forecaster returns its forecast of y[t + H] made from y[0..t] only. The
// model is linear in 13 features of the history (d = readings per day, w = 7 d, k = ceil(H / d),
// L = mean of the last week, the level every feature is taken relative to):
//   1 (intercept), y[t], mean of the last day, y[t + H - k d] (daily seasonal naive),
//   y[t + H - w] (weekly seasonal naive), y[t + H - k d - d], the mean of y[t + H - k d - j d] over
//   j = 0..6 (a one-week daily profile at the target's time of day), the mean of the last week,
//   the short lags y[t - 1], y[t - d/8], y[t - d/4], y[t - d/2], and the mean of y[t + H - j w]
//   over j = 1..J (J = 4 weeks, or fewer when Capacity cannot hold them: a weekly profile averaged
//   over weeks, the smoothed seasonal component of Holt-Winters).
// Learning: when y[t] arrives, the features as they were at t - H are paired with it and the
// weights take one recursive-least-squares step with forgetting factor lambda (memory about
// 1 / (1 - lambda) readings; the default 0.9995 is ~12 weeks of hourly data), weighted Huber-style:
// an error beyond huber_c robust standard deviations counts with weight c / |z|, so spikes and
// holidays move the model little and the fit approaches the conditional median (what MAE scores).
// The weights start as the daily seasonal naive (weight 1 on y[t + H - k d]), so the first
// forecasts are the classic baseline and the model improves from there. Features and targets
// are divided by a scale fixed from the first day's spread, so lambda and the prior do not depend
// on the units.
//
// This is "multi-seasonal Holt-Winters or better" in the sense of the issue: Holt-Winters' level,
// trend and seasonal components are fixed linear functions of these lags; here the combination is
// learned (and keeps being re-learned) per series.
// Measured (ETTh2, H = 24, `nerve forecast` + ett_eval.py): MAE 0.964 x persistence on OT, 0.92-1.04
// on the loads. A linear model of the own past plus the six loads fitted by least absolute
// deviations on the scored rows themselves reaches only 0.944 on OT (tools/ett_forecast_bounds.py):
// the rest of a 24-h error is the next day's level (weather), which the past does not hold.
//
// Memory: the last Capacity readings (Capacity >= 8 d + H, asserted; 28 d + H for the full four-week
// profile) plus the upper triangle of a 13 x 13 matrix (91 numbers), all in T.
// Per reading: O(1), from the first reading on. The week, day and half-day means are running sums
// (each replaced by a fresh sum once per window, so rounding does not accumulate; while the
// history is shorter than a window, the missing readings count as the oldest one, as the clamped
// lags do), the lags are ring reads, and the RLS step works on the packed triangle of P = s Q
// (the forgetting factor goes into the scalar s), so it reads and writes 91 numbers instead of
// rescaling, and re-symmetrising, 169. With H = 1 the
// learning step reuses the features and the w . f of the previous forecast (the same lags).
// On a Cortex-M4F in float (meter_monitor<512, float>, H = 1) a reading costs ~1,440 instructions
// with the monitor (the current counts: meter_monitor.hpp), most of them the RLS step
// (bench/mcu/pipeline_metering.cpp; ~870 when this was ~1,550): q = Q f and the
// rank-one update each read 91 numbers, about three instructions per number, near the floor for a
// scalar FPU; the rest (13 features ~230, history, running means and w . f ~230) has no division
// and no double.
// learn_every = k takes the RLS step on every k-th reading only (take k coprime with d, so that
// every time of day is learned from), with forgetting lambda^k per step (the memory stays ~1 / (1 -
// lambda) readings), and spread_learning (default) moves the rank-one update of P to the k - 1
// readings before the next step, so the worst reading carries q = Q f only. M4, mean / max
// instructions per reading, counted before the monitor's later savings (k = 1 is now 1,441 mean,
// k = 5 818.7: meter_monitor.hpp, the README's MCU table): k = 1 1,563 / 1,673; k = 5 940 /
// 1,397; k = 11 821 / 1,397.
// ETTh2 MAE ratios (best naive = 1; OT, HUFL, HULL, MUFL, MULL, LUFL, LULL):
//   H = 24, k = 1:  0.964 0.953 0.956 0.956 0.922 0.927 1.035
//   H = 24, k = 5:  0.964 0.944 0.953 0.951 0.919 0.916 1.030   (no worse on any column)
//   H = 1,  k = 1:  0.528 0.921 0.943 0.915 0.873 0.973 1.155
//   H = 1,  k = 5:  0.532 0.930 0.952 0.925 0.884 0.980 1.206   (+0.8 % on OT, +0.7-4.4 % loads)
//   H = 1,  k = 11: 0.552 0.934 0.967 0.925 0.885 0.997 1.225   (lambda^k; k = 11 at H = 24: OT 0.973)
// (at H = 24 the errors of neighbouring targets overlap, so every fifth one carries most of the
// information; at H = 1 they do not.)
// T = double by default; T = float is for MCUs with a single-precision FPU (a Cortex-M4F emulates
// double in software, ~15x the instructions): the history and every computation are then float.
// P is symmetric by construction and kept bounded (one diagonal element checked per step, in
// turn), and a non-finite step restarts the weights, so float stays usable; tests/pipelines check
// float against double on the same streams.
//
// Bad input: a NaN/Inf reading is treated as missing — it is replaced in the history by the
// forecaster's own one-step estimate (the daily seasonal value), no learning step is taken for
// it, and it is counted (`rejected()`). Use meter_monitor for spike and stuck-meter handling.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../core/numeric.hpp"

// Full unrolling of the fixed-size (13-feature) loops of the RLS step: GCC at -O2 keeps them
// rolled, which on a Cortex-M4 costs a compare and branch (and lost register reuse) per multiply.
#if defined(__clang__)
#define NERVE_SF_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define NERVE_SF_UNROLL _Pragma("GCC unroll 13")
#else
#define NERVE_SF_UNROLL
#endif

namespace nerve::pipelines {

struct seasonal_forecaster_config {
    std::size_t day = 24;          ///< readings per day (24 for hourly, 96 for 15 min)
    std::size_t horizon = 24;      ///< H: forecast of y[t + H]
    double lambda = 0.9995;        ///< RLS forgetting factor per reading (learn_every > 1: lambda^learn_every per step)
    double huber_c = 1.0;          ///< Huber threshold, in robust standard deviations
    double prior = 1.0;            ///< initial P = prior * I (in scaled units)
    /// Take the learning (RLS) step on every learn_every-th reading only (1: every reading). The
    /// lighter configuration for a small MCU: the RLS step is over half of the per-reading cost.
    std::size_t learn_every = 1;
    /// With learn_every > 1: spread the second half of each learning step (the rank-one update of
    /// P, about 350 of its ~900 M4 instructions) over the readings until the next step, so no
    /// reading carries a whole step. P is read only by the next step, so the forecasts are the
    /// same to the bit as with false (tested); only the worst case per reading drops.
    bool spread_learning = true;
};

template <std::size_t Capacity = 2048, class T = double>
class seasonal_forecaster {
public:
    static_assert(std::is_floating_point_v<T>, "seasonal_forecaster works in float or double");
    static constexpr std::size_t features = 13;
    using input_type = T;
    using output_type = T;

    constexpr explicit seasonal_forecaster(const seasonal_forecaster_config& c = {}) noexcept : cfg_(c) {
        if (cfg_.day < 8) cfg_.day = 8;
        if (cfg_.horizon < 1) cfg_.horizon = 1;
        if (cfg_.learn_every < 1) cfg_.learn_every = 1;
        NERVE_ASSERT(8 * cfg_.day + cfg_.horizon + 1 <= Capacity);
        k_ = (cfg_.horizon + cfg_.day - 1) / cfg_.day;
        const std::size_t fit = (Capacity - cfg_.horizon - 1) / (7 * cfg_.day);
        weeks_ = fit < 1 ? 1 : (fit > 4 ? 4 : fit);
        const std::size_t d = cfg_.day, H = cfg_.horizon;
        count_[0] = 7 * d;
        count_[1] = d;
        count_[2] = d / 2 > 0 ? d / 2 : 1;
        for (std::size_t i = 0; i < windows; ++i) inv_count_[i] = T(1) / static_cast<T>(count_[i]);
        inv_weeks_ = T(1) / static_cast<T>(weeks_);
        // The oldest lag features_at(back) reads, relative to `back`.
        const std::size_t prof = k_ * d + 6 * d, wk = weeks_ * 7 * d;
        far_ = (prof > wk ? prof : wk) - H;
        if (far_ < count_[0]) far_ = count_[0];
        // With H > w the weekly lags y[t + H - j w] of the forecast lie in the future: those reads
        // are clamped (to the oldest reading, as ever), so the unclamped ring path is not used.
        unclamped_ = 7 * d >= H;
        // Forgetting per step = lambda^learn_every, so that the memory stays ~1 / (1 - lambda)
        // readings whatever the schedule (on ETTh2 at H = 1 this is better than lambda per step on
        // all seven columns: with learn_every = 5, OT 0.532 instead of 0.537 x persistence, LULL
        // 1.206 instead of 1.271).
        double step_lambda = 1.0, base = cfg_.lambda;
        for (std::size_t e = cfg_.learn_every; e > 0; e >>= 1, base *= base)  // by squaring
            if (e & 1) step_lambda *= base;
        lambda_ = static_cast<T>(step_lambda);
        inv_lambda_ = T(1) / lambda_;
        huber_c_ = static_cast<T>(cfg_.huber_c);
        prior_ = static_cast<T>(cfg_.prior);
        reset();
    }

    /// Feeds y[t]; returns the forecast of y[t + H].
    output_type operator()(T y) noexcept { return update(y); }

    T update(T y) noexcept {
        if (pend_row_ < features) advance_pending();
        if (!nerve::is_finite(y)) {
            ++rejected_;
            y = n_ > 0 ? seasonal_fill() : T(0);
        } else if (n_ >= cfg_.horizon && scaled_ && ++learn_phase_ >= cfg_.learn_every) {
            learn_phase_ = 0;
            learn(y);
        }
        push(y);
        slide(0, win_[0]);
        if (cfg_.horizon > 1) slide(cfg_.horizon - 1, win_[1]);
        if (!scaled_ && n_ >= cfg_.day) fix_scale();
        forecast_ = predict();
        return forecast_;
    }

    /// The last forecast (of y[t + H]).
    T forecast() const noexcept { return forecast_; }
    /// Robust scale of the H-step errors (EWMA of |error| x 1.25, in units of y).
    T error_scale() const noexcept { return err_scale_ * scale_; }
    const std::array<T, features>& weights() const noexcept { return w_; }
    std::uint64_t samples() const noexcept { return n_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    const seasonal_forecaster_config& config() const noexcept { return cfg_; }
    /// The forgetting factor of one learning step: lambda^learn_every (in T).
    T step_forgetting() const noexcept { return lambda_; }
    /// y[t - lag] from the history (lag < min(samples, Capacity)).
    T lag(std::size_t lag) const noexcept { return at(lag); }

    void reset() noexcept {
        hist_.fill(T(0));
        head_ = 0;
        stored_ = 0;
        n_ = 0;
        rejected_ = 0;
        scaled_ = false;
        scale_ = T(1);
        inv_scale_ = T(1);
        err_scale_ = T(1);
        forecast_ = T(0);
        last_f_.fill(T(0));
        last_level_ = T(0);
        last_yhat_ = T(0);
        last_valid_ = false;
        bound_next_ = 0;
        learn_phase_ = 0;
        pend_q_.fill(T(0));
        pend_a_ = T(0);
        pend_row_ = features;
        for (auto& side : win_)
            for (auto& s : side) s = window{};
        w_.fill(T(0));
        w_[3] = T(1);  // daily seasonal naive
        restart_p();
    }

    /// For restore(): the history's head and fill follow the reading count (one push per
    /// reading), the windows' refresh counters stay below their lengths, the next diagonal
    /// checked and the pending row lie within P, the error scale is finite and at least 1e-9,
    /// and the scale is 1 until fixed, then positive with its exact inverse. P = p_scale_ Q within the bound finish_step keeps: a diagonal
    /// element at most max(1e6, prior) grown by 1 / lambda for the 13 steps between its checks
    /// (twice that for rounding), an off-diagonal one at most the largest diagonal (P is
    /// positive definite), p_scale_ in (0, 1024 / lambda]; a P beyond it overflows and learning
    /// stops for good. learn_phase_ is not checked: a snapshot of another learn_every restores
    /// (a phase past it only brings the next step forward).
    bool state_is_valid() const noexcept {
        if (head_ != n_ % Capacity || stored_ != (n_ < Capacity ? n_ : Capacity)) return false;
        if (bound_next_ >= features || pend_row_ > features) return false;
        const T grow = inv_lambda_ > T(1) ? inv_lambda_ : T(1);  // lambda > 1 (no forgetting) shrinks P
        if (!(p_scale_ > T(0) && p_scale_ <= T(1024) * grow)) return false;
        T bound = T(2) * (prior_ > T(1e6) ? prior_ : T(1e6));
        for (std::size_t i = 0; i < features; ++i) bound *= grow;
        for (const T q : qp_)
            if (!(std::fabs(q) * p_scale_ <= bound)) return false;
        for (const auto& side : win_)
            for (std::size_t i = 0; i < windows; ++i)
                if (side[i].k >= count_[i]) return false;
        if (!(err_scale_ >= T(1e-9) && nerve::is_finite(err_scale_))) return false;
        return scaled_ ? scale_ > T(0) && inv_scale_ == T(1) / scale_ : scale_ == T(1) && inv_scale_ == T(1);
    }

    template <class V>
    void visit_state(V& v) {
        v(hist_); v(head_); v(stored_); v(n_); v(rejected_); v(scaled_); v(scale_); v(inv_scale_); v(err_scale_); v(forecast_);
        v(w_); v(qp_); v(p_scale_); v(last_f_); v(last_level_); v(last_yhat_); v(last_valid_); v(bound_next_); v(learn_phase_);
        v(pend_q_); v(pend_a_); v(pend_row_);
        for (auto& side : win_)
            for (auto& s : side) { v(s.sum); v(s.fresh); v(s.k); v(s.valid); }
    }

private:
    // The three windowed means the features use (the last week, day, half day), each ending `back`
    // readings ago, kept as running sums: O(1) per reading instead of O(week). To keep rounding
    // from accumulating (add one reading, subtract another, forever), a second sum starts from zero
    // and, after `count` readings, holds exactly the current window: it then replaces the running
    // sum. So every sum is at most one window old; a non-finite sum is recomputed at once.
    static constexpr std::size_t windows = 3;
    static constexpr bool pow2_ = (Capacity & (Capacity - 1)) == 0;
    struct window {
        T sum = T(0), fresh = T(0);
        std::uint32_t k = 0;
        bool valid = false;
    };

    // History: hist_[head_ - 1] is the newest.
    void push(T y) noexcept {
        hist_[head_] = y;
        head_ = head_ + 1 == Capacity ? 0 : head_ + 1;
        ++n_;
        if (stored_ < Capacity) ++stored_;
    }
    /// Readings in the history: min(n, Capacity).
    std::size_t stored() const noexcept { return stored_; }
    /// y[t - lag] for lag < stored(): no clamping.
    T ring(std::size_t lag) const noexcept {
        if constexpr (pow2_) {  // a mask instead of a compare and a conditional subtract per read
            return hist_[(head_ + (Capacity - 1) - lag) & (Capacity - 1)];
        } else {
            std::size_t i = head_ + (Capacity - 1) - lag;
            if (i >= Capacity) i -= Capacity;
            return hist_[i];
        }
    }
    /// y[t - lag] relative to the newest reading; older than the start: the oldest reading.
    T at(std::size_t lag) const noexcept {
        if (n_ == 0) return T(0);
        if (lag >= n_) lag = static_cast<std::size_t>(n_ - 1);
        if (lag >= Capacity) lag = Capacity - 1;
        return ring(lag);
    }
    T sum_of(std::size_t from_lag, std::size_t count) const noexcept {
        T s = T(0);
        if (from_lag + count <= stored()) {
            std::size_t i = head_ + (2 * Capacity - 1) - from_lag;
            i %= Capacity;
            for (std::size_t j = 0; j < count; ++j) {
                s += hist_[i];
                i = i == 0 ? Capacity - 1 : i - 1;
            }
        } else {
            for (std::size_t j = 0; j < count; ++j) s += at(from_lag + j);
        }
        return s;
    }
    /// Moves the windows ending `back` readings ago on by the reading just pushed. While the
    /// history is shorter than a window, its sum covers the readings there are (nothing leaves);
    /// mean() adds the missing ones as copies of the oldest reading, as the clamped lags are.
    /// The steady state (every window valid) takes one pass and one finiteness test of the three
    /// sums together (a non-finite one makes their total non-finite; a finite total of huge sums
    /// that overflows only sends the rare case to the per-window check, which then finds nothing).
    void slide(std::size_t back, std::array<window, windows>& ws) noexcept {
        const std::size_t have = stored();
        if (back >= have) return;
        const T in = ring(back);
        // One test for all three (as integers: clang warns of & on bools, && would branch thrice).
        const unsigned all_valid = unsigned{ws[0].valid} & unsigned{ws[1].valid} & unsigned{ws[2].valid};
        if (all_valid != 0u) {
            NERVE_SF_UNROLL
            for (std::size_t i = 0; i < windows; ++i) advance(ws[i], count_[i], back, have, in);
            if (nerve::is_finite(ws[0].sum + ws[1].sum + ws[2].sum)) return;
            for (std::size_t i = 0; i < windows; ++i)
                if (!nerve::is_finite(ws[i].sum)) restart_window(back, have, i, ws[i]);
            return;
        }
        for (std::size_t i = 0; i < windows; ++i) {
            window& s = ws[i];
            if (s.valid) {
                advance(s, count_[i], back, have, in);
                if (nerve::is_finite(s.sum)) continue;
            }
            restart_window(back, have, i, s);
        }
    }
    /// A valid window of c readings takes the reading `in` (= ring(back)): the one c further back
    /// leaves the sum when it is stored; every c readings the sum is replaced by the plain sum of
    /// the last c (`fresh`), so the rounding of the adds and subtracts never piles up.
    NERVE_ALWAYS_INLINE void advance(window& s, std::size_t c, std::size_t back, std::size_t have, T in) const noexcept {
        s.sum += back + c < have ? in - ring(back + c) : in;
        s.fresh += in;
        if (++s.k == c) {
            s.sum = s.fresh;
            s.fresh = T(0);
            s.k = 0;
        }
    }
    void restart_window(std::size_t back, std::size_t have, std::size_t i, window& s) noexcept {
        const std::size_t c = count_[i];
        s.sum = sum_of(back, have - back < c ? have - back : c);
        s.fresh = T(0);
        s.k = 0;
        s.valid = true;
    }
    /// Mean of window i ending `back` readings ago (side 0: back = 0, side 1: back = H - 1).
    T mean(std::size_t side, std::size_t i, std::size_t back) const noexcept {
        const window& s = win_[side][i];
        const std::size_t c = count_[i], have = stored();
        if (!s.valid || back >= have) return sum_of(back, c) * inv_count_[i];
        if (back + c <= have) return s.sum * inv_count_[i];
        return (s.sum + static_cast<T>(back + c - have) * ring(have - 1)) * inv_count_[i];
    }
    /// Seasonal value for the next reading: y[t + 1 - d].
    T seasonal_fill() const noexcept { return at(cfg_.day - 1); }

    /// Features (scaled, level removed) as of `back` readings ago, for the target y[now - back + H].
    void features_at(std::size_t back, std::array<T, features>& f, T& level) const noexcept {
        if (unclamped_ && back + far_ < stored()) {
            features_from(back, f, level, [this](std::size_t l) { return ring(l); });
        } else {
            features_from(back, f, level, [this](std::size_t l) { return at(l); });
        }
    }
    template <class Get>
    NERVE_ALWAYS_INLINE void features_from(std::size_t back, std::array<T, features>& f, T& level, Get get) const noexcept {
        const std::size_t d = cfg_.day, w = 7 * d, H = cfg_.horizon, kd = k_ * d;
        const std::size_t side = back == 0 ? 0 : 1;
        level = mean(side, 0, back);
        const T lvl = level, inv = inv_scale_;
        auto rel = [lvl, inv](T v) { return (v - lvl) * inv; };
        // Seasonal lag y[s + H - m] for m >= H, as a lag back from now.
        const std::size_t sb = back - H;  // wraps; every m below is >= H, so sb + m is the lag
        f[0] = T(1);
        f[1] = rel(get(back));
        f[2] = rel(mean(side, 1, back));
        // The daily-profile and weekly-profile sums start with lags read for f[3], f[5] and f[4]
        // (read once; the sums keep their order, so the result is the same to the bit).
        const T s0 = get(sb + kd), s1 = get(sb + kd + d), w1 = get(sb + w);
        f[3] = rel(s0);
        f[4] = rel(w1);
        f[5] = rel(s1);
        T prof = (T(0) + s0) + s1;
        for (std::size_t j = 2; j < 7; ++j) prof += get(sb + kd + j * d);
        f[6] = rel(prof * T(1.0 / 7.0));
        f[7] = rel(mean(side, 2, back));  // the last half day (the weekly mean is the level itself)
        f[8] = rel(get(back + 1));
        f[9] = rel(get(back + d / 8));
        f[10] = rel(get(back + d / 4));
        f[11] = rel(get(back + d / 2));
        T wk = T(0) + w1;
        for (std::size_t j = 2; j <= weeks_; ++j) wk += get(sb + j * w);
        f[12] = rel(wk * inv_weeks_);
    }

    T predict() noexcept {
        last_valid_ = false;
        if (n_ < 2) return at(0);
        std::array<T, features>& f = last_f_;
        T& level = last_level_;
        features_at(0, f, level);
        last_valid_ = true;
        T yhat = 0;
        NERVE_SF_UNROLL
        for (std::size_t i = 0; i < features; ++i) yhat += w_[i] * f[i];
        last_yhat_ = yhat;
        const T out = level + yhat * scale_;
        return nerve::is_finite(out) ? out : at(0);
    }

    /// Index of Q[i][j] in the packed upper triangle (row-major, rows i = 0..12 hold j = i..12).
    static constexpr std::size_t tri(std::size_t i, std::size_t j) noexcept {
        if (i > j) { const std::size_t t = i; i = j; j = t; }
        return i * (2 * features - i - 1) / 2 + j;
    }
    static constexpr std::size_t diag(std::size_t i) noexcept { return tri(i, i); }
    static constexpr std::size_t packed = features * (features + 1) / 2;

    void restart_p() noexcept {
        qp_.fill(T(0));
        for (std::size_t i = 0; i < features; ++i) qp_[diag(i)] = prior_;
        p_scale_ = T(1);
    }
    /// Numerical breakdown: back to the daily seasonal naive with a fresh P, keep going.
    void restart_weights() noexcept {
        bound_next_ = bound_next_ + 1 == features ? 0 : bound_next_ + 1;
        w_.fill(T(0));
        w_[3] = T(1);
        restart_p();
    }

    void learn(T y) noexcept {
        if (pend_row_ < features) {  // the previous step's update of P, if not done yet
            q_rows(pend_row_, features, std::make_index_sequence<features>{});
            pend_row_ = features;
            finish_step();
        }
        // y arrives as y[t]; its features were those at t - H, i.e. H - 1 readings back from the
        // newest stored reading y[t - 1]. For H = 1 those are the features of the last forecast.
        // (The weights have not changed since that forecast, so neither has its w . f.)
        std::array<T, features> fb;
        const std::array<T, features>* fp = &last_f_;
        T level = last_level_, yhat = last_yhat_;
        if (cfg_.horizon != 1 || !last_valid_) {
            features_at(cfg_.horizon - 1, fb, level);
            fp = &fb;
            yhat = T(0);
            NERVE_SF_UNROLL
            for (std::size_t i = 0; i < features; ++i) yhat += w_[i] * fb[i];
        }
        const std::array<T, features>& f = *fp;
        const T target = (y - level) * inv_scale_;
        const T err = target - yhat;
        if (!nerve::is_finite(err)) {  // weights beyond any sane size (only a hostile snapshot holds
            restart_weights();         // them): the error scale would stay Inf for good
            return;
        }
        const T aerr = err < T(0) ? -err : err;
        const T c = huber_c_ * err_scale_;
        const T weight = aerr > c && aerr > T(0) ? c / aerr : T(1);
        const T es = T(0.99) * err_scale_ + T(0.01) * T(1.25) * aerr;
        if (nerve::is_finite(es)) err_scale_ = es;
        if (!(err_scale_ > T(1e-9))) err_scale_ = T(1e-9);
        // RLS step with forgetting lambda and observation weight `weight`, on P = p_scale_ * Q:
        // with q = Q f the step P' = (P - g (P f)^T) / lambda, g = weight P f / (lambda + weight
        // f^T P f), is Q' = Q - a q q^T with a = weight p_scale_ / denom and p_scale_' = p_scale_
        // / lambda. The forgetting costs one multiply per step instead of one per element, and Q
        // is symmetric by construction: only its upper triangle is stored (91 of 169 numbers), so
        // q = Q f reads each stored number once and the update writes each once.
        std::array<T, features> q{};
        {
            std::size_t k = 0;
            NERVE_SF_UNROLL
            for (std::size_t i = 0; i < features; ++i) {
                const T fi = f[i];
                T s = q[i] + qp_[k++] * fi;
                NERVE_SF_UNROLL
                for (std::size_t j = i + 1; j < features; ++j) {
                    const T v = qp_[k++];
                    s += v * f[j];
                    q[j] += v * fi;
                }
                q[i] = s;
            }
        }
        T fq = T(0);
        NERVE_SF_UNROLL
        for (std::size_t i = 0; i < features; ++i) fq += f[i] * q[i];
        const T ws = weight * p_scale_;
        const T denom = lambda_ + ws * fq;
        // f^T Q f >= 0 while Q is positive definite, so denom >= lambda. Anything else means Q is
        // not (a hostile snapshot can hold one within state_is_valid's bounds, and no step would
        // ever repair it): start P afresh, keep the weights.
        if (!(denom > T(0)) || !nerve::is_finite(denom)) {
            restart_p();
            return;
        }
        const T a = ws / denom;
        const T ae = a * err;
        T wsum = T(0);  // finite iff every weight is (or the weights are beyond any sane size)
        NERVE_SF_UNROLL
        for (std::size_t i = 0; i < features; ++i) {
            w_[i] += ae * q[i];
            wsum += w_[i];
        }
        if (!nerve::is_finite(wsum)) {  // numerical breakdown: back to the seasonal naive, keep going
            restart_weights();
            return;
        }
        if (cfg_.learn_every > 1 && cfg_.spread_learning) {  // Q' = Q - a q q^T over the next readings
            pend_q_ = q;
            pend_a_ = a;
            pend_row_ = 0;
            return;
        }
        {
            std::size_t k = 0;
            NERVE_SF_UNROLL
            for (std::size_t i = 0; i < features; ++i) {
                const T aq = a * q[i];
                NERVE_SF_UNROLL
                for (std::size_t j = i; j < features; ++j) {
                    qp_[k] -= aq * q[j];
                    ++k;
                }
            }
        }
        finish_step();
    }

    /// Row I of Q' = Q - a q q^T (the pending update), fully unrolled.
    template <std::size_t I>
    void q_row() noexcept {
        constexpr std::size_t k0 = diag(I);
        const T aq = pend_a_ * pend_q_[I];
        NERVE_SF_UNROLL
        for (std::size_t j = I; j < features; ++j) qp_[k0 + j - I] -= aq * pend_q_[j];
    }
    template <std::size_t... I>
    void q_rows(std::size_t from, std::size_t to, std::index_sequence<I...>) noexcept {
        ((I >= from && I < to ? q_row<I>() : void()), ...);
    }
    /// One share of the pending update: whole rows, at least packed / (learn_every - 1) numbers,
    /// so that it is done by the next learning step (which finishes whatever is left).
    void advance_pending() noexcept {
        const std::size_t gaps = cfg_.learn_every > 1 ? cfg_.learn_every - 1 : 1;  // (a restored snapshot)
        const std::size_t share = (packed + gaps - 1) / gaps;
        std::size_t r = pend_row_, done = 0;
        while (r < features && done < share) done += features - r++;
        q_rows(pend_row_, r, std::make_index_sequence<features>{});
        pend_row_ = r;
        if (r == features) finish_step();
    }
    /// The end of an RLS step, once Q is updated: the forgetting into p_scale_ and the bound on P.
    void finish_step() noexcept {
        p_scale_ *= inv_lambda_;
        if (p_scale_ > T(1024)) {  // fold the scale back into Q (every ~14 000 steps at the default lambda)
            for (T& v : qp_) v *= p_scale_;
            p_scale_ = T(1);
        }
        // Keep P bounded (forgetting with unexciting data inflates it): a diagonal element beyond
        // 1e6 scales its row and column by 1e-3 (so itself by 1e-6). One diagonal element is
        // checked per step, in turn: P grows by at most 1 / lambda per step, so in the 13 steps
        // between two checks of the same element by a factor 1.007 at the default lambda.
        const std::size_t i = bound_next_;
        bound_next_ = i + 1 == features ? 0 : i + 1;
        if (qp_[diag(i)] * p_scale_ > T(1e6)) {
            for (std::size_t j = 0; j < features; ++j) qp_[tri(i, j)] *= T(1e-3);
            qp_[diag(i)] *= T(1e-3);
        }
    }

    void fix_scale() noexcept {
        const std::size_t d = cfg_.day;
        const T m = sum_of(0, d) / static_cast<T>(d);
        T s = T(0);
        for (std::size_t j = 0; j < d; ++j) s += (at(j) - m) * (at(j) - m);
        s = std::sqrt(s / static_cast<T>(d));
        const T mag = std::fabs(m) * T(1e-3);
        scale_ = s > mag ? s : (mag > T(1e-9) ? mag : T(1));
        inv_scale_ = T(1) / scale_;
        scaled_ = true;
    }

    seasonal_forecaster_config cfg_;
    std::size_t k_ = 1;
    std::size_t weeks_ = 1;
    std::size_t far_ = 0;
    bool unclamped_ = true;  // every seasonal lag m >= H (see the constructor)
    std::array<std::size_t, windows> count_{};
    std::array<T, windows> inv_count_{};
    T inv_weeks_ = T(1);
    T lambda_ = T(1), inv_lambda_ = T(1), huber_c_ = T(1), prior_ = T(1);  // the config in T
    std::array<T, Capacity> hist_{};
    std::size_t head_ = 0, stored_ = 0;
    std::uint64_t n_ = 0, rejected_ = 0;
    bool scaled_ = false;
    T scale_ = T(1), inv_scale_ = T(1);
    T err_scale_ = T(1);
    T forecast_ = T(0);
    std::array<std::array<window, windows>, 2> win_{};  // [0]: ending now, [1]: ending H - 1 ago
    std::array<T, features> w_{};
    std::array<T, packed> qp_{};  // P / p_scale_: its upper triangle, packed (see tri)
    T p_scale_ = T(1);
    std::array<T, features> last_f_{};  // features of the last forecast (reused by learn when H = 1)
    T last_level_ = T(0), last_yhat_ = T(0);  // its level and w . f
    bool last_valid_ = false;
    std::size_t bound_next_ = 0;  // the diagonal element of P the next step checks
    std::size_t learn_phase_ = 0;  // readings since the last learning step (learn_every)
    std::array<T, features> pend_q_{};  // the pending update of Q (spread_learning): q, a, next row
    T pend_a_ = T(0);
    std::size_t pend_row_ = features;  // features: nothing pending
};

}  // namespace nerve::pipelines
