// nerve/anomaly/kmeans_distance.hpp — distance to the nearest of K streaming k-means centroids
// (the "K-means anomaly" block of Edge Impulse, learned online instead of offline).
//
// Model: K centroids of F-dimensional vectors, learned by sequential (MacQueen) k-means: the
// nearest centroid moves towards x by 1/n_c (n_c: vectors it has absorbed), floored at
// `min_rate` so centroids keep tracking slow change. The first K vectors that are not
// duplicates seed the centroids.
// Score: d2 = squared Euclidean distance to the nearest centroid, relative to an
// exponentially weighted mean of recent d2 (weight alpha):
//   score = chi2_to_score(F d2 / mean_d2, F)   (= P(chi2_F < F d2 / mean_d2) up to 0.999,
//   then the log-log compressed tail of verdict.hpp: strictly increasing, below 1 when finite)
// exact for isotropic Gaussian clusters (then F d2 / E[d2] is chi-square with F degrees of
// freedom), so the default 0.999 alarm is a 0.1 % false-alarm rate there; a plain z-score of
// the distance would not be (distances are skewed). x is scored before it is learned;
// warm-up vectors (default 50 K) only learn. Features should be on comparable scales.
//
// Bad input: a vector with a NaN/Inf component is not learned, counted in rejected(), score 0.
// All-identical input (stuck sensor): distances are 0 and mean_d2 is floored at min_std^2,
// so the first different vector scores high. Huge vectors score ~1 (1 if the distance overflows) and are not learned if the
// distance overflows (counted in rejected()).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../stats/ewma_stats.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

template <std::size_t F, std::size_t K>
class kmeans_distance {
    static_assert(F >= 1 && K >= 1, "at least one feature and one centroid");

public:
    using vector_type = std::array<float, F>;
    using input_type = vector_type;
    using output_type = verdict;

    struct config {
        float min_rate = 0.01f;          ///< smallest centroid step (keeps tracking drift)
        double alpha = 0.01;             ///< weight of the mean squared distance
        std::uint32_t warmup = 50 * K;   ///< vectors learned before scoring
        float min_std = 1e-6f;           ///< floor of the typical distance (its square floors mean_d2)
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    kmeans_distance() noexcept : kmeans_distance(config{}) {}
    explicit kmeans_distance(const config& c) noexcept : cfg_(c), dist_(c.alpha), gate_(c.gate) {}

    verdict operator()(const vector_type& x) noexcept {
        for (float e : x) {
            if (NERVE_UNLIKELY(!is_finite(e))) {
                ++rejected_;
                return gate_(0.0f);
            }
        }
        if (NERVE_UNLIKELY(seeded_ == 0)) {  // the first vector seeds the first centroid
            learn(x, 0, 0.0f);
            return gate_(0.0f);
        }
        std::size_t c = 0;
        const float d2 = nearest(x, c);
        float s = 0.0f;
        if (seen_ >= cfg_.warmup) {
            const float fl = cfg_.min_std * cfg_.min_std;
            const float m = dist_.mean() > fl ? dist_.mean() : fl;
            s = is_finite(d2) ? chi2_to_score(static_cast<float>(F) * d2 / m, static_cast<unsigned>(F)) : 1.0f;
        }
        if (NERVE_UNLIKELY(!is_finite(d2))) {
            ++rejected_;
            return gate_(s);
        }
        learn(x, c, d2);
        return gate_(s);
    }

    /// Squared distance from x to its nearest centroid (index in `which`); +Inf before seeding.
    float nearest(const vector_type& x, std::size_t& which) const noexcept {
        float best = 3.4e38f;
        which = 0;
        for (std::size_t k = 0; k < seeded_; ++k) {
            float s = 0.0f;
            for (std::size_t f = 0; f < F; ++f) {
                const float t = x[f] - c_[k][f];
                s += t * t;
            }
            if (s < best) {
                best = s;
                which = k;
            }
        }
        return seeded_ == 0 ? std::numeric_limits<float>::infinity() : best;
    }

    const std::array<vector_type, K>& centroids() const noexcept { return c_; }
    std::size_t seeded() const noexcept { return seeded_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        c_ = {};
        n_ = {};
        seeded_ = 0;
        seen_ = rejected_ = 0;
        dist_.reset();
        gate_.reset();
    }

    template <class V>
    void visit_state(V& v) { v(c_); v(n_); v(seeded_); v(seen_); v(rejected_); v(dist_); v(gate_); }
    bool state_is_valid() const noexcept { return seeded_ <= K && dist_.state_is_valid(); }

private:
    void learn(const vector_type& x, std::size_t c, float d2) noexcept {
        if (seeded_ < K && (seeded_ == 0 || d2 > 0.0f)) {
            c_[seeded_] = x;
            n_[seeded_] = 1.0f;
            ++seeded_;
        } else {
            n_[c] += 1.0f;
            float r = 1.0f / n_[c];
            r = r > cfg_.min_rate ? r : cfg_.min_rate;
            for (std::size_t f = 0; f < F; ++f) c_[c][f] += r * (x[f] - c_[c][f]);
            dist_.update(d2);
        }
        if (seen_ < UINT32_MAX) ++seen_;
    }

    config cfg_;
    std::array<vector_type, K> c_{};
    std::array<float, K> n_{};
    std::uint32_t seeded_ = 0;
    std::uint32_t seen_ = 0;
    std::uint32_t rejected_ = 0;
    stats::ewma_stats<float> dist_;
    alarm_gate gate_;
};

}  // namespace nerve::anomaly
