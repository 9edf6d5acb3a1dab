// nerve/anomaly/half_space_trees.hpp — Half-Space Trees (Tan, Ting & Liu, IJCAI 2011) with
// River's semantics, in fixed memory.
//
// The model (as river.anomaly.HalfSpaceTrees):
//  - `Trees` complete binary trees of height `Height` (Height + 1 levels, 2^(Height+1) - 1
//    nodes), fixed by the seed without looking at data: each internal node picks
//    a feature with probability proportional to the width of its box along that feature
//    (widths measured in units of each feature's [lo, hi] limits, so with features scaled to
//    [0, 1] exactly River's weighting) and splits at a uniform point of the box's middle 70 %
//    (padding 0.15). x goes left when x[feature] < threshold.
//  - Masses are counted over tumbling windows of `Window` samples: the reference mass r of a
//    node is how many samples of the last complete window fell into it.
//  - S = sum over trees of the walk from the root, adding r(node) * 2^depth and stopping
//    after a node with r < 0.1 * Window (River's size_limit) or at a leaf; S_max = Trees *
//    Window * (2^(Height+1) - 1). River's score is 1 - S / S_max; here
//        score(x) = 1 - sqrt(S / S_max)
//    the same ranking (strictly decreasing in S), but resolvable in float: for deep trees
//    S / S_max of every sample is tiny (1.5e-5 .. 1e-3 at height 15), so River's score sits
//    in 0.999 .. 0.99998 where a float step is ~24 units of S and near-equal masses tie; the
//    square root spreads them over 0.97 .. 0.996, one float step per unit of S up to S =
//    25 S_min. River's r <-> ours: 1 - (1 - r)^(1/2) (River 0.9999 is 0.99 here).
//    0 until the first window is complete. High = anomalous. operator() scores x, then learns it (River's score_one
//    followed by learn_one).
//
// How it is fast: reference masses only change at window boundaries, so during a window the
// score is a fixed function of x. Learning only stores x in the window buffer; at the end of
// a window the masses are recounted, and only for nodes a scoring walk can reach (children
// of nodes with r >= size_limit: at most Window / size_limit of them per level).
//  - 1-D input (D == 1): every split is on the one feature, so each tree is a search tree on
//    x and the score is a step function of x. At a window end the window is sorted once; one
//    in-order pass per tree counts node masses by binary search in the sorted window and
//    emits that tree's steps; the steps of all trees are merged into one sorted table of
//    breakpoints and prefix sums. Scoring is one binary search in that table, whatever the
//    number of trees and the height. Almost nothing is stored per node: the random numbers
//    of a node are a hash of (seed, tree, node) and its box is known on the way down, so its
//    split is recomputed when the walk reaches it; only the top 7 levels' splits (127 per
//    tree, where most reachable nodes are) are cached. Memory does not grow with the height.
//  - D > 1: masses per node (16-bit), recounted level by level for the window's samples that
//    are still in reachable nodes; scoring walks each tree as River does.
// Both give River's scores for the same trees exactly (integer masses, same stop rule;
// tested against a direct transcription of River's algorithm).
//
// Memory (sizeof, all inline; put big ones in static storage): D == 1: the window (2 copies),
// the cached top splits (Trees * 127 * 4 B) and the step table, sized for the worst case of
// Trees * Height * (Window / size_limit) steps at ~22 B each, independent of the 2^Height
// nodes: 25 trees, window 250: 100,240 B at height 15, 60,544 B at height 8 (Cortex-M4
// build). D > 1: ~7 B per node (thresholds, features, masses): ~11 MB for 25 x height 15.
//
// Bad input: an input with a NaN or Inf component is neither scored nor learned: the
// verdict has score 0 and the gate sees 0; counted in rejected(). Values outside the limits
// are fine (they fall in the outermost boxes and score as anomalous).
// Alarms: the default gate never fires (on = 2): HST scores are relative and depend on the
// height and the data; pair it with a gate tuned on normal data or a score_quantile gate.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {
namespace detail {

/// splitmix64: a small, fast, well-mixed deterministic generator (one 64-bit state).
struct splitmix64 {
    std::uint64_t s;
    constexpr std::uint64_t next() noexcept { return mix64(s += 0x9E3779B97F4A7C15ull); }
    /// Uniform in [0, 1) with 24 random bits (exact in float).
    constexpr float uniform() noexcept { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }
};

/// Counter-based uniform in [0, 1) (24 bits) for node `node` of tree `tree`: the trees are a
/// pure function of (seed, tree, node), so a node's split can be recomputed instead of stored.
constexpr float hst_uniform(std::uint64_t seed, std::uint64_t tree, std::uint64_t node, std::uint64_t salt) noexcept {
    splitmix64 g{seed ^ (tree * 0xD1B54A32D192ED03ull) ^ (node * 0x8CB92BA72F3D8DD7ull) ^ (salt * 0xA0761D6478BD642Full)};
    return g.uniform();  // one splitmix64 finalisation of the combined key
}

/// River's size_limit 0.1 * window as the smallest integer mass that does not stop a walk
/// (mass < 0.1 * W in double, exactly as Python compares an int with a float).
constexpr std::uint32_t hst_size_limit(std::size_t window) noexcept {
    const double l = 0.1 * static_cast<double>(window);
    auto m = static_cast<std::uint32_t>(l);
    if (static_cast<double>(m) < l) ++m;
    return m == 0 ? 1 : m;
}

}  // namespace detail

template <std::size_t D, std::size_t Trees = 25, std::size_t Height = 15, std::size_t Window = 250>
class half_space_trees {
    static_assert(D >= 1 && D <= 255, "1..255 features");
    static_assert(Trees >= 1, "at least one tree");
    static_assert(Height >= 1 && Height <= 24, "height 1..24");
    static_assert(Window >= 2 && Window <= 65535, "window 2..65535 (16-bit masses)");

    static constexpr std::size_t nodes_ = (std::size_t{1} << (Height + 1)) - 1;
    static constexpr std::uint32_t limit_ = detail::hst_size_limit(Window);
    using mass_t = std::uint16_t;
    static constexpr std::uint64_t max_sum = static_cast<std::uint64_t>(Trees) * Window * nodes_;
    using sum_t = std::conditional_t<(max_sum < 0xFFFFFFFFull), std::uint32_t, std::uint64_t>;
    // Reachable internal nodes per level: masses of one level sum to Window, so at most
    // Window / size_limit of them have mass >= size_limit.
    static constexpr std::size_t max_steps = Trees * Height * (Window / limit_);
    // A step changes one tree's S by less than Window * 2^(Height+1).
    using delta_t = std::conditional_t<((std::uint64_t{Window} << (Height + 1)) < (std::uint64_t{1} << 31)), std::int32_t, std::int64_t>;
    struct step {
        float key;
        delta_t delta;
    };
    static_assert(max_steps < 65536, "too many score steps for 16-bit indices; lower Trees or Height");
    // Lookup grid cells: a power of two, at least as many as steps.
    // Window grid cells: a power of two >= Window.
    static constexpr std::size_t wcells = [] {
        std::size_t c = 16;
        while (c < Window) c *= 2;
        return c;
    }();
    // 1-D: the splits of the top levels (where most reachable nodes are) are cached at
    // construction instead of recomputed at every rebuild: 4 bytes per node, 127 per tree.
    static constexpr std::size_t cached_levels = Height < 7 ? Height : 7;
    static constexpr std::size_t cached_nodes = (std::size_t{1} << cached_levels) - 1;
    static constexpr std::size_t cells = [] {
        std::size_t c = 64;
        while (c < max_steps) c *= 2;
        return c;
    }();


public:
    static constexpr std::size_t features = D;
    static constexpr std::size_t trees = Trees;
    static constexpr std::size_t height = Height;
    static constexpr std::size_t window = Window;
    static constexpr std::size_t internal_nodes = (std::size_t{1} << Height) - 1;
    static constexpr std::size_t nodes = (std::size_t{1} << (Height + 1)) - 1;
    static constexpr std::uint32_t size_limit = detail::hst_size_limit(Window);
    using vector_type = std::array<float, D>;
    using input_type = std::conditional_t<D == 1, float, vector_type>;
    using output_type = verdict;

    struct config {
        vector_type lo = filled(0.0f);  ///< per-feature limits (River's `limits`)
        vector_type hi = filled(1.0f);
        std::uint64_t seed = 42;
        alarm_gate::config gate{2.0f, 2.0f, 0};  // never fires by default (see above)
    };

    half_space_trees() noexcept : half_space_trees(config{}) {}
    explicit half_space_trees(const config& c) noexcept : cfg_(c), gate_(c.gate) { build(); }

    /// Scores x against the reference window, then learns it.
    verdict operator()(const input_type& x) noexcept {
        if (NERVE_UNLIKELY(!finite(x))) {
            ++rejected_;
            return gate_(0.0f);
        }
        const float s = first_window_ ? 0.0f : to_score(lookup(x));
        store(x);
        return gate_(s);
    }

    /// River's score_one: in [0, 1], 0 until the first window is complete.
    float score(const input_type& x) const noexcept {
        if (first_window_ || !finite(x)) return 0.0f;
        return to_score(mass_sum(x));
    }

    /// The unnormalised mass sum S of River's score (0 before the first full window).
    std::uint64_t mass_sum(const input_type& x) const noexcept {
        if (first_window_ || !finite(x)) return 0;
        return lookup(x);
    }

    /// River's learn_one: adds x to the current window; at its end the window becomes the
    /// reference. Non-finite inputs are ignored (counted).
    void learn(const input_type& x) noexcept {
        if (NERVE_UNLIKELY(!finite(x))) {
            ++rejected_;
            return;
        }
        store(x);
    }

private:
    // S for a finite x, after the first window.
    std::uint64_t lookup(const input_type& x) const noexcept {
        if constexpr (D == 1) {
            // The grid cell of x gives the range of breakpoints that can lie on either side of
            // it; the number of breakpoints <= x is found in that range by branch-free halving.
            float v = (x - grid_lo_) * grid_scale_;
            v = v >= 0.0f ? v : 0.0f;
            const float top = static_cast<float>(used_cells_ - 1);
            v = v <= top ? v : top;
            const auto c = static_cast<std::uint32_t>(v);
            const float* k = keys_.data();
            std::uint32_t base = cell_start_[c], n = cell_start_[c + 1] - base;
            while (n > 1) {
                const std::uint32_t half = n / 2;
                base = (k[base + half - 1] <= x) ? base + half : base;
                n -= half;
            }
            if (n == 1 && k[base] <= x) ++base;
            return sums_[base];
        } else {
            std::uint64_t s = 0;
            for (std::size_t t = 0; t < Trees; ++t) {
                const std::size_t off = t * nodes;
                std::size_t node = 0;
                for (std::size_t depth = 0;; ++depth) {
                    const std::uint32_t m = mass_[off + node];
                    s += static_cast<std::uint64_t>(m) << depth;
                    if (m < size_limit || depth == Height) break;
                    const std::size_t i = t * internal_nodes + node;
                    node = 2 * node + 1 + (x[feature_[i]] < threshold_[i] ? 0 : 1);
                }
            }
            return s;
        }
    }

    NERVE_ALWAYS_INLINE void store(const input_type& x) noexcept {
        buffer_[count_] = x;
        if (++count_ == Window) {
            rebuild();
            count_ = 0;
            first_window_ = false;
        }
    }

public:
    /// Converts a mass sum to River's score.
    static float to_score(std::uint64_t s) noexcept {
        constexpr std::uint64_t max = static_cast<std::uint64_t>(Trees) * Window * nodes;
        return clamp_score(1.0f - std::sqrt(static_cast<float>(s < max ? s : max) / static_cast<float>(max)));
    }

    void reset() noexcept {
        count_ = 0;
        first_window_ = true;
        steps_ = 0;
        cell_start_ = {};
        used_cells_ = 1;
        grid_lo_ = grid_scale_ = 0.0f;
        rejected_ = 0;
        gate_.reset();
    }

    bool ready() const noexcept { return !first_window_; }
    std::uint32_t rejected() const noexcept { return rejected_; }
    const config& settings() const noexcept { return cfg_; }
    /// Split of internal node `node` (heap order) of tree `t`, in input units (for tests).
    float threshold(std::size_t t, std::size_t node) const noexcept {
        if constexpr (D == 1) return threshold_1d(t, node); else return threshold_[t * internal_nodes + node];
    }
    std::size_t feature(std::size_t t, std::size_t node) const noexcept {
        if constexpr (D == 1) return 0; else return feature_[t * internal_nodes + node];
    }

    template <class V>
    void visit_state(V& v) {
        v(seed_check_);
        v(buffer_);
        v(count_);
        v(first_window_);
        v(rejected_);
        v(gate_);
        if constexpr (D == 1) {
            v(keys_);
            v(sums_);
            v(steps_);
            v(cell_start_);
            v(grid_lo_);
            v(grid_scale_);
            v(used_cells_);
        } else {
            v(mass_);
        }
    }
    bool state_is_valid() const noexcept {
        if (seed_check_ != cfg_.seed || count_ >= Window || !gate_.state_is_valid()) return false;
        if constexpr (D == 1) {
            if (steps_ > max_steps || used_cells_ < 1 || used_cells_ > cells || cell_start_[0] != 0 ||
                cell_start_[used_cells_] != steps_ || !(grid_scale_ >= 0.0f))
                return false;
            for (std::size_t c = 0; c < used_cells_; ++c)
                if (cell_start_[c + 1] < cell_start_[c]) return false;
            for (std::uint32_t i = 1; i < steps_; ++i)
                if (keys_[i] < keys_[i - 1]) return false;
        }
        return true;
    }

private:
    static constexpr vector_type filled(float v) noexcept {
        vector_type a{};
        for (auto& e : a) e = v;
        return a;
    }
    static bool finite(const input_type& x) noexcept {
        if constexpr (D == 1) {
            return is_finite(x);
        } else {
            bool ok = true;
            for (float e : x) ok &= is_finite(e);
            return ok;
        }
    }

    // ---- construction -----------------------------------------------------------------------
    // The split of a node inside the box [a, b) (limit units) along its feature: a uniform
    // point of the middle 70 %, as River's padding 0.15.
    // Explicit fused multiply-adds: the trees must not depend on whether a compiler contracts
    // a * b + c (GCC does by default on aarch64 and with -mfma, not on baseline x86-64), or
    // a snapshot taken on one target would describe other trees on another.
    float split_at(std::size_t t, std::size_t node, float a, float b) const noexcept {
        const float w = b - a;
        return std::fma(detail::hst_uniform(cfg_.seed, t, node, 0), 0.7f * w, std::fma(0.15f, w, a));
    }
    float to_input_units(std::size_t f, float at) const noexcept {
        return std::fma(at, cfg_.hi[f] - cfg_.lo[f], cfg_.lo[f]);
    }

    void build() noexcept {
        seed_check_ = cfg_.seed;
        if constexpr (D > 1) {
            for (std::size_t t = 0; t < Trees; ++t) {
                vector_type lo = filled(0.0f), hi = filled(1.0f);  // the box in limit units
                grow(t, 0, 0, lo, hi);
            }
        }
        // D == 1: only the top levels' splits are stored; deeper ones are recomputed from
        // (seed, tree, node) when a rebuild reaches them.
        if constexpr (D == 1) {
            for (std::size_t t = 0; t < Trees; ++t) cache_splits(t, 0, 0, 0.0f, 1.0f);
        }
    }

    void cache_splits(std::size_t t, std::size_t node, std::size_t depth, float a, float b) noexcept {
        if (depth >= cached_levels) return;
        const float at = split_at(t, node, a, b);
        top_at_[t * cached_nodes + node] = at;
        cache_splits(t, 2 * node + 1, depth + 1, a, at);
        cache_splits(t, 2 * node + 2, depth + 1, at, b);
    }

    void grow(std::size_t t, std::size_t node, std::size_t depth, vector_type& lo, vector_type& hi) noexcept {
        if (depth == Height) return;
        // Feature chosen with probability proportional to the box's width along it.
        float total = 0;
        for (std::size_t i = 0; i < D; ++i) total += hi[i] - lo[i];
        float u = detail::hst_uniform(cfg_.seed, t, node, 1) * total;
        std::size_t f = D - 1;
        for (std::size_t i = 0; i < D; ++i) {
            const float w = hi[i] - lo[i];
            if (u < w) { f = i; break; }
            u -= w;
        }
        feature_[t * internal_nodes + node] = static_cast<std::uint8_t>(f);
        const float a = lo[f], b = hi[f];
        const float at = split_at(t, node, a, b);
        threshold_[t * internal_nodes + node] = to_input_units(f, at);
        hi[f] = at;
        grow(t, 2 * node + 1, depth + 1, lo, hi);
        hi[f] = b;
        lo[f] = at;
        grow(t, 2 * node + 2, depth + 1, lo, hi);
        lo[f] = a;
    }

    /// 1-D: the split of `node` found by descending from the root (the box follows the path).
    float threshold_1d(std::size_t t, std::size_t node) const noexcept {
        std::size_t path[Height + 1];
        std::size_t depth = 0;
        for (std::size_t n = node; n > 0; n = (n - 1) / 2) path[depth++] = n;
        float a = 0.0f, b = 1.0f;
        std::size_t cur = 0;
        while (depth > 0) {
            const std::size_t next = path[--depth];
            const float at = split_at(t, cur, a, b);
            if (next == 2 * cur + 1) b = at; else a = at;
            cur = next;
        }
        return to_input_units(0, split_at(t, cur, a, b));
    }

    // ---- window end: recount the reference masses ---------------------------------------------
    void rebuild() noexcept {
        if constexpr (D == 1) rebuild_1d(); else rebuild_nd();
    }

    // D == 1: sort the window, then per tree an in-order walk over reachable nodes.
    // Cell of v in the window's grid (monotone in v, so cells split the sorted window).
    NERVE_ALWAYS_INLINE std::uint32_t window_cell(float v) const noexcept {
        float c = (v - wgrid_lo_) * wgrid_scale_;
        c = c >= 0.0f ? c : 0.0f;
        c = c <= static_cast<float>(wcells - 1) ? c : static_cast<float>(wcells - 1);
        return static_cast<std::uint32_t>(c);
    }

    // Samples of the window that are < v: everything in the cells before v's, plus those of
    // its own cell below v (a short scan; halving when the cell is crowded). A grid lookup
    // instead of a binary search over the whole window: the dependent-load chain of a
    // binary search is what a rebuild would otherwise wait on.
    NERVE_ALWAYS_INLINE std::uint32_t below(float v) const noexcept {
        const std::uint32_t c = window_cell(v);
        std::uint32_t base = wstart_[c], n = wstart_[c + 1] - base;
        const float* p = sorted_.data();
        if (n <= 8) {
            std::uint32_t k = 0;
            for (std::uint32_t i = 0; i < n; ++i) k += p[base + i] < v ? 1u : 0u;
            return base + k;
        }
        while (n > 1) {
            const std::uint32_t half = n / 2;
            base = (p[base + half - 1] < v) ? base + half : base;
            n -= half;
        }
        if (n == 1 && p[base] < v) ++base;
        return base;
    }

    // Groups the window by cell of a uniform grid over [min, max] (a counting sort, linear)
    // into sorted_, and keeps the grid for below(). Cells are in order; within a cell samples
    // are sorted only when the cell holds more than 8 of them.
    void sort_window() noexcept {
        float lo = buffer_[0], hi = buffer_[0];
        for (std::size_t i = 1; i < Window; ++i) {
            lo = buffer_[i] < lo ? buffer_[i] : lo;
            hi = buffer_[i] > hi ? buffer_[i] : hi;
        }
        wgrid_lo_ = lo;
        wgrid_scale_ = hi > lo ? static_cast<float>(wcells) / (hi - lo) : 0.0f;
        if (!is_finite(wgrid_scale_)) wgrid_scale_ = 0.0f;
        wstart_.fill(0);
        for (std::size_t i = 0; i < Window; ++i) {
            const std::uint32_t c = window_cell(buffer_[i]);
            wcell_of_[i] = static_cast<std::uint16_t>(c);
            ++wstart_[c + 1];
        }
        for (std::size_t c = 0; c < wcells; ++c) {
            wstart_[c + 1] = static_cast<std::uint16_t>(wstart_[c + 1] + wstart_[c]);
            wfill_[c] = wstart_[c];
        }
        for (std::size_t i = 0; i < Window; ++i) sorted_[wfill_[wcell_of_[i]]++] = buffer_[i];
        // below() counts small cells (<= 8 samples) by a full scan, which needs no order:
        // only crowded cells are sorted (it halves within them).
        for (std::size_t c = 0; c < wcells; ++c) {
            const std::uint32_t b = wstart_[c], e = wstart_[c + 1];
            if (e - b > 8) std::sort(sorted_.begin() + b, sorted_.begin() + e);
        }
    }

    struct step_builder {
        std::uint64_t prev = 0;
        bool first = true;
    };

    // A constant piece of one tree's score function, value `acc`, right of the last step.
    NERVE_ALWAYS_INLINE void emit_piece(std::uint64_t acc, step_builder& sb) noexcept {
        if (sb.first) {
            base_ += acc;
            sb.first = false;
        } else {
            runs_[pending_ - 1].delta = static_cast<delta_t>(static_cast<std::int64_t>(acc) - static_cast<std::int64_t>(sb.prev));
        }
        sb.prev = acc;
    }

    // In-order walk over the nodes a scoring walk can reach. `node` (at `depth`, box [a, b) in
    // limit units; lc and rc window samples below its two ends) has mass rc - lc >= size_limit and
    // depth < Height, and `acc` already includes it. Children that end a scoring walk
    // (mass < size_limit, or leaves) are emitted here without a call.
    void walk_1d(std::size_t t, std::size_t node, std::size_t depth, float a, float b, std::uint32_t lc,
                 std::uint32_t rc, std::uint64_t acc, step_builder& sb) noexcept {
        const float at = node < cached_nodes ? top_at_[t * cached_nodes + node] : split_at(t, node, a, b);
        const float thr = to_input_units(0, at);
        const std::uint32_t c = below(thr);
        const std::size_t cd = depth + 1;
        const std::uint32_t ml = c - lc, mr = rc - c;
        const std::uint64_t accl = acc + (static_cast<std::uint64_t>(ml) << cd);
        if (ml < size_limit || cd == Height) emit_piece(accl, sb);
        else walk_1d(t, 2 * node + 1, cd, a, at, lc, c, accl, sb);
        runs_[pending_++] = {thr, 0};  // the step at thr; its size is set by the next piece
        const std::uint64_t accr = acc + (static_cast<std::uint64_t>(mr) << cd);
        if (mr < size_limit || cd == Height) emit_piece(accr, sb);
        else walk_1d(t, 2 * node + 2, cd, at, b, c, rc, accr, sb);
    }

    // One gapped insertion pass over keys_[b, e), carrying sums_[i + 1] with keys_[i].
    void sort_pairs(std::uint32_t b, std::uint32_t e, std::uint32_t gap) noexcept {
        for (std::uint32_t j = b + gap; j < e; ++j) {
            const float key = keys_[j];
            const sum_t d = sums_[j + 1];
            std::uint32_t k = j;
            while (k >= b + gap && key < keys_[k - gap]) {
                keys_[k] = keys_[k - gap];
                sums_[k + 1] = sums_[k - gap + 1];
                k -= gap;
            }
            keys_[k] = key;
            sums_[k + 1] = d;
        }
    }

    void rebuild_1d() noexcept {
        sort_window();
        base_ = 0;
        pending_ = 0;
        for (std::size_t t = 0; t < Trees; ++t) {
            step_builder sb;
            // The root holds the whole window (Window >= size_limit always).
            walk_1d(t, 0, 0, 0.0f, 1.0f, 0, static_cast<std::uint32_t>(Window), static_cast<std::uint64_t>(Window), sb);
        }
        // Order the steps of all trees by position without a comparison sort: a counting sort
        // into a uniform grid over [min key, max key] (linear), then each cell (about one
        // step on average) is sorted on its own. The grid also serves the lookups.
        const std::uint32_t n = pending_;
        float kmin = 0.0f, kmax = 0.0f;
        if (n > 0) {
            kmin = kmax = runs_[0].key;
            for (std::uint32_t i = 1; i < n; ++i) {
                kmin = runs_[i].key < kmin ? runs_[i].key : kmin;
                kmax = runs_[i].key > kmax ? runs_[i].key : kmax;
            }
        }
        // As many cells as steps (a power of two, >= 64): the passes over the grid stay O(n).
        std::uint32_t used = 64;
        while (used < n) used *= 2;
        used_cells_ = used;
        const float top = static_cast<float>(used - 1);
        grid_lo_ = kmin;
        grid_scale_ = kmax > kmin ? static_cast<float>(used) / (kmax - kmin) : 0.0f;
        if (!is_finite(grid_scale_)) grid_scale_ = 0.0f;  // keys closer than float resolution
        for (std::uint32_t c = 0; c <= used; ++c) cell_start_[c] = 0;
        for (std::uint32_t i = 0; i < n; ++i) {
            float v = (runs_[i].key - grid_lo_) * grid_scale_;
            v = v >= 0.0f ? v : 0.0f;
            v = v <= top ? v : top;
            const auto c = static_cast<std::uint16_t>(v);
            cell_of_[i] = c;
            ++cell_start_[c + 1];
        }
        for (std::uint32_t c = 0; c < used; ++c) cell_start_[c + 1] = static_cast<std::uint16_t>(cell_start_[c + 1] + cell_start_[c]);
        for (std::uint32_t c = 0; c < used; ++c) fill_[c] = cell_start_[c];
        // Scatter straight into the score table: keys_ gets the key, sums_[pos + 1] the step
        // size as an unsigned value (two's complement); the prefix sum below wraps back to the
        // exact totals, which always fit sum_t.
        for (std::uint32_t i = 0; i < n; ++i) {
            const std::uint32_t pos = fill_[cell_of_[i]]++;
            keys_[pos] = runs_[i].key;
            sums_[pos + 1] = static_cast<sum_t>(static_cast<std::int64_t>(runs_[i].delta));
        }
        // Sort within cells, moving key and step together. Cells are in order, so when no cell
        // is crowded one insertion pass over the whole table costs only the few in-cell moves;
        // a crowded cell (clustered data) gets Shell passes of its own, bounding the cost.
        std::uint32_t crowded = 0;
        for (std::uint32_t c = 0; c < used; ++c) crowded += (cell_start_[c + 1] - cell_start_[c] > 16) ? 1u : 0u;
        if (crowded == 0) {
            sort_pairs(0, n, 1);
        } else {
            for (std::uint32_t c = 0; c < used; ++c) {
                const std::uint32_t b = cell_start_[c], e = cell_start_[c + 1];
                if (e - b < 2) continue;
                static constexpr std::uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};
                for (std::uint32_t gap : gaps)
                    if (gap < e - b) sort_pairs(b, e, gap);
            }
        }
        // Prefix sums: sums_[i] is S for x between breakpoints i-1 and i.
        sums_[0] = static_cast<sum_t>(base_);
        for (std::uint32_t i = 0; i < n; ++i) sums_[i + 1] = static_cast<sum_t>(sums_[i] + sums_[i + 1]);
        steps_ = pending_;
    }

    // D > 1: level by level, only samples sitting in nodes with mass >= size_limit go deeper.
    void rebuild_nd() noexcept {
        for (std::size_t t = 0; t < Trees; ++t) {
            const std::size_t off = t * nodes;
            mass_[off] = static_cast<mass_t>(Window);
            std::uint32_t active = 0;
            if (Window >= size_limit) {
                for (std::uint32_t i = 0; i < Window; ++i) {
                    idx_[i] = static_cast<std::uint16_t>(i);
                    at_[i] = 0;
                }
                active = Window;
            }
            for (std::size_t depth = 0; depth < Height && active > 0; ++depth) {
                for (std::uint32_t k = 0; k < active; ++k) {
                    const std::uint32_t n = at_[k];
                    mass_[off + 2 * n + 1] = 0;
                    mass_[off + 2 * n + 2] = 0;
                }
                for (std::uint32_t k = 0; k < active; ++k) {
                    const std::uint32_t n = at_[k];
                    const std::size_t i = t * internal_nodes + n;
                    const std::uint32_t c = 2 * n + 1 + (buffer_[idx_[k]][feature_[i]] < threshold_[i] ? 0u : 1u);
                    at_[k] = c;
                    ++mass_[off + c];
                }
                std::uint32_t keep = 0;
                for (std::uint32_t k = 0; k < active; ++k) {
                    if (mass_[off + at_[k]] >= size_limit) {
                        idx_[keep] = idx_[k];
                        at_[keep] = at_[k];
                        ++keep;
                    }
                }
                active = keep;
            }
        }
    }

    // ---- storage --------------------------------------------------------------------------------
    struct empty {};
    config cfg_;
    alarm_gate gate_;
    [[no_unique_address]] std::conditional_t<(D > 1), std::array<float, Trees * internal_nodes>, empty> threshold_{};
    [[no_unique_address]] std::conditional_t<(D > 1), std::array<std::uint8_t, Trees * internal_nodes>, empty> feature_{};
    [[no_unique_address]] std::conditional_t<(D > 1), std::array<mass_t, Trees * nodes>, empty> mass_{};
    std::array<input_type, Window> buffer_{};
    // 1-D score table: steps_ breakpoints, sums_[i] = S for x in [keys[i-1], keys[i]).
    [[no_unique_address]] std::conditional_t<D == 1, std::array<float, max_steps>, empty> keys_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<sum_t, max_steps + 1>, empty> sums_{};
    std::uint32_t steps_ = 0;
    // Scratch for the rebuild (not state).
    [[no_unique_address]] std::conditional_t<D == 1, std::array<float, Trees * cached_nodes>, empty> top_at_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<float, Window>, empty> sorted_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, wcells + 1>, empty> wstart_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, wcells>, empty> wfill_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, Window>, empty> wcell_of_{};
    float wgrid_lo_ = 0.0f;
    float wgrid_scale_ = 0.0f;
    [[no_unique_address]] std::conditional_t<D == 1, std::array<step, max_steps>, empty> runs_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, max_steps>, empty> cell_of_{};
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, cells>, empty> fill_{};
    // Lookup grid over [grid_lo_, grid_lo_ + cells / grid_scale_): breakpoints of cell c are
    // keys_[cell_start_[c] .. cell_start_[c + 1]).
    [[no_unique_address]] std::conditional_t<D == 1, std::array<std::uint16_t, cells + 1>, empty> cell_start_{};
    float grid_lo_ = 0.0f;
    float grid_scale_ = 0.0f;
    std::uint32_t used_cells_ = 1;  // cells in use (<= cells)
    [[no_unique_address]] std::conditional_t<(D > 1), std::array<std::uint16_t, Window>, empty> idx_{};
    [[no_unique_address]] std::conditional_t<(D > 1), std::array<std::uint32_t, Window>, empty> at_{};
    std::uint64_t base_ = 0;
    std::uint32_t pending_ = 0;
    std::uint64_t seed_check_ = 0;
    std::uint32_t count_ = 0;
    bool first_window_ = true;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
