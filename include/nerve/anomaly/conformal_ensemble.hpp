// nerve/anomaly/conformal_ensemble.hpp — streaming anomaly detector for univariate series
// (NAB-style metrics: CPU load, request counts, temperatures), the `nerve nab` default.
//
// Four novelty measures, each turned into a conformal p-value against its own history, are
// combined into one surprise; an alarm starts an episode and a refractory period follows:
//
//  1. prediction: |x - fast EWMA level| (a one-step forecast residual) — spikes and dips;
//  2. level:      |mean of the last Short samples - slow EWMA baseline| — level shifts and
//                 sustained excursions that a single residual does not show;
//  3. context:    distance from the last Dims block means (Block samples each) to the nearest
//                 of the last Memory such context vectors (older than the context itself) —
//                 shapes never seen before; a daily spike that recurs finds its neighbour and
//                 stays unsurprising, which a residual alone cannot know;
//  4. day scale:  the same with blocks of CoarseBlock samples (8 x 36 = 288, one day of
//                 5-minute samples): a day whose peak is missing, lower or flattened, which
//                 looks ordinary sample by sample and over a few hours.
//
// Each measure a >= 0 goes into a forgetting histogram over log2(a) (half-octave bins, 1/e
// memory 1/forget samples); its p-value is the weighted fraction of history at least as large
// (conformal, counting the sample itself), and beyond the largest value ever seen it falls by
// 2^-tail_gamma per octave. So scores are calibrated per series in false-alarm terms whatever
// its units or noise, which is what one corpus-wide threshold (NAB's rule) needs. The first
// three p-values are combined as a weighted geometric mean (an "and": a residual that is large
// but whose context has been seen before counts less). The day-scale measure only adds
// evidence when it is beyond everything in its history: its p-value below the floor a rank
// can reach (forget x CoarseBlock, one arrival's weight) — i.e. the tail extrapolation — is
// added with weight w_novel (2). In the geometric mean it would be diluted (a missing daily
// peak gave p ~ 1e-3 on that measure alone and a combined score far below the gate); as a
// plain rank it would add noise on series without a daily cycle, where every day-long context
// is new. It is measured only once Dims older non-overlapping contexts are stored: before,
// only other phases of the cycle exist to compare with, and those distances would set its
// "largest seen" far too high (on art_daily_nojump: 27 before, 0.3-0.9 after, 19-35 on the
// day without its peak).
//     score = clamp(-log10(p_combined) / 10, 0, 1)       (0.15 <-> p = 0.03, 1 <-> 1e-10).
// An alarm_gate raises an alarm when the score reaches `gate`; for `refractory` samples after
// it, the score is reported as 0 (one detection per episode: NAB rewards the earliest detection
// in a window and charges every further one outside it) unless it exceeds `breakthrough` (1.3)
// times the score of the alarm that opened the episode: then it is a new alarm and the period
// restarts. Without that, a weak alarm could hide a strong anomaly that follows it, and the
// result would hinge on the exact gate (locally: gate 0.13 -> 61.4 without, 67.9 with).
//
// Warm-up: the first `probation` samples only train (score 0); NAB's probationary period is
// min(15 % of the file, 750) rows, and `nerve nab` passes exactly that.
//
// Design choices, measured on the local NAB subset (28 files, 3 categories) and kept simple
// so they carry to the rest: fast alpha 0.1, slow alpha 0.03, Short 6, context 8 blocks of 6
// samples, 256 remembered contexts, day scale 8 blocks of 36 samples with 64 remembered
// (128 scored the same), forget 1/4000, weights 0.2/0.4/0.4, w_novel 2 (3 scored the same, 1
// lower), gate 0.15, refractory 100 samples, breakthrough 1.3; sizeof 11,620 bytes on
// Cortex-M4. Local NAB subset (nab_score.py): standard 78.08, low-FP 75.88, low-FN 80.76
// (without the day scale 70.64 / 68.43 / 73.02: it finds the three daily-pattern windows of
// the artificial series and changes no other file's score); the full corpus (58 files) is the
// real test.
//
// Time: the detector is sample-indexed. Timestamp gaps and repeated timestamps are not
// interpolated or dropped: each row is one step (as NAB scores rows). A caller with gaps can
// reset() after a long outage or feed interpolated samples.
//
// Bad input: NaN and +-Inf are rejected and counted (rejected()); they return {0, false} and
// change no state (not even the sample count). Finite inputs are saturated to +-1e15 so that
// squared context distances cannot overflow float. A constant series gives score 0 throughout
// (exact-zero measures have p-value 1); the first change after it is rarer than anything in
// the history and alarms (a stuck sensor coming back). After a huge step the score is finite and in [0, 1] and the detector re-learns (histograms
// forget at rate `forget`, the EWMAs converge, old contexts roll out of memory).
//
// Per sample: float only (no double), O(Bins) for the p-values and, every Block samples,
// O(Memory * Dims) for the nearest context, every CoarseBlock samples O(CoarseMemory * Dims)
// for the day scale (Cortex-M4, bench/mcu/nab_default.cpp: ~740 instructions on 5 samples of
// 6, ~8.9k on the search sample, 2,135 on average over 72 samples; 2,038 before the day
// scale). No heap; sizeof is the RAM.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../filter/ewma.hpp"
#include "../filter/moving_average.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

struct conformal_ensemble_config {
    std::uint32_t probation = 750;  ///< samples that only train (score 0)
    float fast_alpha = 0.1f;        ///< one-step forecast EWMA weight
    float slow_alpha = 0.03f;       ///< baseline EWMA weight for the level measure
    float forget = 1.0f / 4000.0f;  ///< histogram forgetting rate per sample (memory 1/forget)
    float w_prediction = 0.2f;      ///< weights of the three log p-values (sum 1 keeps the scale)
    float w_level = 0.4f;
    float w_context = 0.4f;
    float w_novel = 2.0f;           ///< weight of the day-scale context's log p below its floor
    float tail_gamma = 1.0f;        ///< p-value decay per octave beyond the largest value seen
    float gate = 0.15f;             ///< alarm at score >= gate
    std::uint32_t refractory = 100; ///< samples after an alarm reported as score 0 ...
    float breakthrough = 1.3f;      ///< ... unless the score exceeds breakthrough x the alarm's
                                    ///< (a new alarm; 0 = never)
};

namespace detail {

/// Conformal p-value of a non-negative statistic against its forgetting history, kept as a
/// histogram over log2 (two bins per octave) centred on the first non-zero value seen, so it
/// spans 2^(+-Bins/4) around it in any unit. Exact zeros (quantised, constant data) have
/// their own count and p-value 1. Forgetting multiplies new weights up (w /= 1 - forget)
/// instead of decaying every bin, and renormalises when w passes 2^20.
template <std::size_t Bins>
class log_rank {
    static_assert(Bins >= 8 && Bins % 2 == 0, "log_rank needs an even number of bins >= 8");

public:
    /// p-value of `a` (finite, >= 0) among the history, counting `a` itself; then learns `a`
    /// (one log2 for both).
    float observe(float a, float tail_gamma, float forget) noexcept {
        const float w_old = w_;
        w_ *= 1.0f / (1.0f - forget);
        float p = 1.0f;
        if (a > 0.0f) {
            if (anchor_ == 0.0f) anchor_ = a;
            const float pos = 2.0f * std::log2(a / anchor_) + static_cast<float>(Bins / 2);
            const int b = clamp_bin(pos);
            float ge = 0.0f;
            for (int i = b; i <= top_; ++i) ge += c_[static_cast<std::size_t>(i)];
            p = (ge + w_old) / (total_ + w_old);
            p = p < 1.0f ? p : 1.0f;  // ge = total rounds to a hair above 1
            if (b > top_ && top_ >= 0) {
                // beyond everything seen: extrapolate the tail, 2^-gamma per octave past the top bin
                const float octaves = 0.5f * (pos - static_cast<float>(top_ + 1));
                p *= std::exp2(-tail_gamma * (octaves < 60.0f ? octaves : 60.0f));
            }
            c_[static_cast<std::size_t>(b)] += w_;
            top_ = b > top_ ? b : top_;
        }
        total_ += w_;
        if (w_ > 1048576.0f) {
            const float k = 1.0f / w_;
            for (auto& v : c_) v *= k;
            total_ *= k;
            w_ = 1.0f;
        }
        return p;
    }

    void reset() noexcept { *this = log_rank{}; }

    template <class V>
    void visit_state(V& v) { v(c_); v(total_); v(w_); v(anchor_); v(top_); }
    bool state_is_valid() const noexcept {
        return top_ >= -1 && top_ < static_cast<int>(Bins) && w_ >= 1.0f && anchor_ >= 0.0f && total_ >= 0.0f;
    }

private:
    static int clamp_bin(float pos) noexcept {
        if (!(pos >= 0.0f)) return 0;  // also NaN
        if (pos >= static_cast<float>(Bins - 1)) return static_cast<int>(Bins) - 1;
        return static_cast<int>(pos);
    }

    std::array<float, Bins> c_{};
    float total_ = 0.0f;
    float w_ = 1.0f;
    float anchor_ = 0.0f;
    int top_ = -1;
};


/// Nearest-neighbour novelty of the latest Dims block means (Block samples each) among the last
/// Memory such context vectors that do not overlap it. A distance is measured only once at
/// least MinUsable non-overlapping contexts are stored.
template <std::size_t Dims, std::size_t Block, std::size_t Memory, std::size_t MinUsable = 1>
class context_novelty {
    static_assert(Dims >= 1 && Block >= 1, "context_novelty: sizes must be >= 1");
    static_assert(Memory > Dims, "context_novelty: Memory must exceed Dims (older contexts are compared)");
    static_assert(MinUsable >= 1 && MinUsable <= Memory - Dims, "context_novelty: MinUsable in [1, Memory - Dims]");

public:
    // Adds x to the current block; when a block completes and Dims blocks exist, measures the
    // distance (RMS per dimension) of the context vector to its nearest stored neighbour that
    // does not overlap it, then stores it. Returns true when a_context_ was refreshed.
    bool update(float x) noexcept {
        acc_ += x;
        if (++in_block_ < Block) return false;
        blocks_[block_head_] = acc_ * (1.0f / static_cast<float>(Block));
        block_head_ = block_head_ + 1 == Dims ? 0 : block_head_ + 1;
        acc_ = 0.0f;
        in_block_ = 0;
        if (blocks_filled_ < Dims) ++blocks_filled_;
        if (blocks_filled_ < Dims) return false;

        std::array<float, Dims> f;
        for (std::size_t i = 0, j = block_head_; i < Dims; ++i, j = j + 1 == Dims ? 0 : j + 1) f[i] = blocks_[j];
        // the newest Dims stored vectors share blocks with f; compare with the older ones
        const std::size_t usable = memory_count_ > Dims ? memory_count_ - Dims : 0;
        bool fresh = false;
        if (usable >= MinUsable) {
            float best = 3.0e38f;
            std::size_t slot = (memory_head_ + Memory - 1 - Dims) % Memory;
            for (std::size_t k = 0; k < usable; ++k) {
                const auto& m = memory_[slot];
                // partial sums only grow: stop a candidate once it cannot win (exact minimum);
                // checked every 4 dimensions, each group of 4 unrolled
                float d = 0.0f;
                std::size_t i = 0;
                for (; i + 4 <= Dims; i += 4) {
                    const float t0 = f[i] - m[i], t1 = f[i + 1] - m[i + 1];
                    const float t2 = f[i + 2] - m[i + 2], t3 = f[i + 3] - m[i + 3];
                    d += (t0 * t0 + t1 * t1) + (t2 * t2 + t3 * t3);
                    if (d >= best) break;
                }
                if (d < best) {
                    for (; i < Dims; ++i) {
                        const float t = f[i] - m[i];
                        d += t * t;
                    }
                    best = d < best ? d : best;
                }
                slot = slot == 0 ? Memory - 1 : slot - 1;
            }
            a_context_ = std::sqrt(best * (1.0f / static_cast<float>(Dims)));
            fresh = true;
        }
        memory_[memory_head_] = f;
        memory_head_ = memory_head_ + 1 == Memory ? 0 : memory_head_ + 1;
        if (memory_count_ < Memory) ++memory_count_;
        return fresh;
    }


    /// RMS distance per dimension to the nearest older context (the last one measured).
    float distance() const noexcept { return a_context_; }
    void reset() noexcept { *this = context_novelty{}; }
    template <class V>
    void visit_state(V& v) {
        v(blocks_); v(memory_); v(acc_); v(a_context_);
        v(in_block_); v(block_head_); v(blocks_filled_); v(memory_head_); v(memory_count_);
    }
    bool state_is_valid() const noexcept {
        return in_block_ < Block && block_head_ < Dims && blocks_filled_ <= Dims && memory_head_ < Memory &&
               memory_count_ <= Memory && a_context_ >= 0.0f;
    }

private:
    std::array<float, Dims> blocks_{};
    std::array<std::array<float, Dims>, Memory> memory_{};
    float acc_ = 0.0f;
    float a_context_ = 0.0f;
    std::uint32_t in_block_ = 0, block_head_ = 0, blocks_filled_ = 0, memory_head_ = 0, memory_count_ = 0;
};

}  // namespace detail

template <std::size_t Dims = 8, std::size_t Block = 6, std::size_t Memory = 256, std::size_t Short = 6,
          std::size_t Bins = 64, std::size_t CoarseBlock = 36, std::size_t CoarseMemory = 64>
class conformal_ensemble {
    static_assert(Dims >= 1 && Block >= 1 && Short >= 1, "conformal_ensemble: sizes must be >= 1");
    static_assert(Memory > Dims, "conformal_ensemble: Memory must exceed Dims (older contexts are compared)");
    static_assert(CoarseBlock >= 1 && CoarseMemory >= 2 * Dims,
                  "conformal_ensemble: CoarseMemory must hold two context lengths");

public:
    using input_type = float;
    using output_type = verdict;
    using config = conformal_ensemble_config;

    /// Largest magnitude accepted as is; larger finite inputs are saturated.
    static constexpr float input_limit = 1e15f;

    conformal_ensemble() noexcept : conformal_ensemble(config{}) {}
    explicit conformal_ensemble(const config& c) noexcept
        : cfg_(c), fast_(c.fast_alpha), slow_(c.slow_alpha), gate_(c.gate, c.gate, c.refractory) {
        NERVE_ASSERT(c.forget > 0.0f && c.forget * static_cast<float>(CoarseBlock) < 1.0f);
    }

    verdict operator()(float x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return {0.0f, false};
        }
        x = x > input_limit ? input_limit : (x < -input_limit ? -input_limit : x);
        ++n_;

        // 1. one-step forecast residual (the forecast is the level before this sample)
        const float a_pred = n_ == 1 ? 0.0f : std::fabs(x - fast_.value());
        fast_(x);
        // 2. short mean against the slow baseline (baseline before this sample)
        const float base = n_ == 1 ? x : slow_.value();
        const float a_level = std::fabs(short_(x) - base);
        slow_(x);

        const float p_pred = h_pred_.observe(a_pred, cfg_.tail_gamma, cfg_.forget);
        const float p_level = h_level_.observe(a_level, cfg_.tail_gamma, cfg_.forget);
        // 3. context novelty, refreshed once per block; the context measures arrive once per
        // Block (CoarseBlock) samples: forget per arrival so that all histograms remember the
        // same span of time
        if (fine_.update(x))
            p_context_ = h_context_.observe(fine_.distance(), cfg_.tail_gamma, cfg_.forget * static_cast<float>(Block));
        // 4. the same at day scale, once per CoarseBlock samples
        if (coarse_.update(x))
            p_coarse_ = h_coarse_.observe(coarse_.distance(), cfg_.tail_gamma, coarse_forget_);

        // weighted geometric mean of the three p-values, as -log10 / 10 ...
        constexpr float inv_ln10 = 0.43429448f;
        float log_p = cfg_.w_prediction * std::log(p_pred) + cfg_.w_level * std::log(p_level) +
                      cfg_.w_context * std::log(p_context_);
        // ... plus the day-scale context only where it is beyond everything in its history: its
        // p-value below the floor a rank can reach (~ the weight of one arrival) is the tail
        // extrapolation, 2^-tail_gamma per octave past the largest distance seen
        if (p_coarse_ < coarse_forget_) log_p += cfg_.w_novel * std::log(p_coarse_ / coarse_forget_);
        const float s = -log_p * (inv_ln10 * 0.1f);  // log_p <= 0; "> 0" also maps -0 and NaN to 0
        const float score = s > 0.0f ? (s < 1.0f ? s : 1.0f) : 0.0f;

        if (n_ <= cfg_.probation) return {0.0f, false};
        const verdict v = gate_(score);
        if (v.alarm) {
            quiet_ = cfg_.refractory;
            episode_score_ = v.score;
            return v;
        }
        if (quiet_ > 0) {
            --quiet_;
            // a much stronger surprise than the one that opened the episode is news: it is
            // reported as a new alarm and restarts the refractory period
            if (cfg_.breakthrough > 0.0f && score > episode_score_ * cfg_.breakthrough) {
                quiet_ = cfg_.refractory;
                episode_score_ = score;
                return {score, true};
            }
            return {0.0f, false};
        }
        return v;
    }

    void reset() noexcept {
        fast_.reset();
        slow_.reset();
        short_.reset();
        gate_.reset();
        h_pred_.reset();
        h_level_.reset();
        h_context_.reset();
        h_coarse_.reset();
        fine_.reset();
        coarse_.reset();
        p_context_ = p_coarse_ = 1.0f;
        n_ = rejected_ = quiet_ = 0;
        episode_score_ = 0.0f;
    }

    /// Samples seen (finite ones) since construction or reset().
    std::uint32_t count() const noexcept { return n_; }
    /// Non-finite inputs ignored since construction or reset().
    std::uint32_t rejected() const noexcept { return rejected_; }
    const config& settings() const noexcept { return cfg_; }

    template <class V>
    void visit_state(V& v) {
        v(fast_); v(slow_); v(short_); v(gate_);
        v(h_pred_); v(h_level_); v(h_context_); v(h_coarse_);
        v(fine_); v(coarse_);
        v(p_context_); v(p_coarse_);
        v(n_); v(rejected_); v(quiet_); v(episode_score_);
    }
    bool state_is_valid() const noexcept {
        return short_.state_is_valid() && gate_.state_is_valid() && h_pred_.state_is_valid() &&
               h_level_.state_is_valid() && h_context_.state_is_valid() && h_coarse_.state_is_valid() &&
               fine_.state_is_valid() && coarse_.state_is_valid() && quiet_ <= cfg_.refractory &&
               episode_score_ >= 0.0f && episode_score_ <= 1.0f && p_context_ > 0.0f && p_context_ <= 1.0f &&
               p_coarse_ > 0.0f && p_coarse_ <= 1.0f;
    }

private:
    config cfg_;
    float coarse_forget_ = cfg_.forget * static_cast<float>(CoarseBlock);
    filter::ewma<float> fast_;
    filter::ewma<float> slow_;
    filter::moving_average<float, Short> short_{};
    alarm_gate gate_;
    detail::log_rank<Bins> h_pred_{}, h_level_{}, h_context_{}, h_coarse_{};
    detail::context_novelty<Dims, Block, Memory> fine_{};
    // the day-scale context is meant to meet the same phase of a cycle: it is measured only
    // once a full context length of older shifts is stored, so the first comparisons (against
    // other phases only) do not set its "largest distance seen" too high
    detail::context_novelty<Dims, CoarseBlock, CoarseMemory, Dims> coarse_{};
    float p_context_ = 1.0f;
    float p_coarse_ = 1.0f;
    std::uint32_t n_ = 0, rejected_ = 0, quiet_ = 0;
    float episode_score_ = 0.0f;  // score of the alarm that opened the current refractory period
};

/// The `nerve nab` default: 8 blocks of 6 samples of context, 256 remembered contexts; day
/// scale 8 blocks of 36 samples (288: one day of 5-minute samples), 64 remembered.
using nab_default = conformal_ensemble<8, 6, 256, 6, 64, 36, 64>;

}  // namespace nerve::anomaly
