// nerve/anomaly/mahalanobis.hpp — online Mahalanobis distance of a fixed-size feature vector
// from its exponentially weighted mean and covariance.
//
//   d2 = (x - mu)^T (Sigma + r I)^-1 (x - mu),   score = chi2_to_score(d2, F)
// For Gaussian features d2 follows a chi-square law with F degrees of freedom, so the score
// is a calibrated probability P(chi2_F < d2) up to 0.999 (the default alarm, as for the
// univariate z-score) and past it the log-log compressed tail of verdict.hpp, computed from
// the log survival function, so it keeps growing with d2 and never rounds to 1 for a finite d2,
// and correlated features are handled: a point that is normal on every axis but breaks their
// correlation scores high.
//
// mu and Sigma are exponentially weighted (weight alpha, memory ~1/alpha):
//   d = x - mu;  mu += a d;  Sigma = (1 - a) (Sigma + a d d^T)
// with a = max(alpha, 1/n) so the first samples build an ordinary average quickly. x is
// scored against the state before it, then learned.
//
// Cost O(F^2) per sample, no square root or division chain: the detector keeps the inverse
// of B = Sigma + ridge as B^-1 = Q / s (Q symmetric, s a scalar). Scoring is one matrix-vector
// product, u = Q d, d2 = d.u / s. Learning updates the inverse with the recurrence itself
// (Sherman-Morrison): Sigma + a d d^T = s (M + (a / s) d d^T) with M^-1 = Q gives
//   Q <- Q - beta u u^T,   beta = (a / s) / (1 + a d2)
// reusing u and d2 from scoring, and the (1 - a) forgetting multiplies s. Every `refresh`
// samples (default 64) Q is recomputed from Sigma (kept too, F^2 per sample) by a fresh Eigen
// LLT of Sigma + r I and F triangular solves, O(F^3) amortised over the period: that bounds
// the drift of the updated inverse (float rounding, which grows with the condition number)
// and restores the ridge, which between refreshes decays with the forgetting factor (B =
// Sigma + s r I: s >= (1 - alpha)^64 = 0.53 with the defaults). Until the warm-up ends only
// mean and Sigma are learned; the first factorisation happens when scoring starts.
// (Before: one LLT of Sigma + r I per sample, O(F^3 / 6), ~310 ns for F = 8 on this
// machine; a rank-one update of the Cholesky factor, also O(F^2), was no faster at F = 8:
// its F square roots and divisions form one dependent chain.)
// Linear algebra is Eigen with fixed-size matrices (nerve::eigen, no heap: the tests build
// with EIGEN_NO_MALLOC). The state is plain std::arrays (mean, Sigma, Q, column-major)
// mapped by Eigen::Map, so snapshots see ordinary fields.
//
// The ridge r = ridge * (trace(Sigma) / F) + min_var keeps the factorisation defined when
// features are collinear or constant (a stuck feature makes Sigma singular).
//
// Bad input: a vector with a NaN/Inf component is not learned, counted in rejected(), score
// 0. Constant features: handled by the ridge (a later move of a stuck feature scores high).
// Huge values: d2 overflows to +Inf, score 1; the update is skipped if it would make Sigma
// non-finite (counted in rejected()). Should the factorisation fail anyway (it cannot for a
// finite positive semi-definite Sigma plus the ridge), that sample scores 0; an update that
// leaves Q non-finite (or 1 + a d2 not positive) triggers an immediate refresh.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "alarm_gate.hpp"
#include "verdict.hpp"

namespace nerve::anomaly {

template <std::size_t F>
class mahalanobis {
    static_assert(F >= 1 && F <= 64, "1..64 features");
    using vec = Eigen::Matrix<float, static_cast<int>(F), 1>;
    using mat = Eigen::Matrix<float, static_cast<int>(F), static_cast<int>(F)>;
    using vec_map = Eigen::Map<vec>;
    using mat_map = Eigen::Map<mat>;
    using cvec_map = Eigen::Map<const vec>;
    using cmat_map = Eigen::Map<const mat>;

public:
    using vector_type = std::array<float, F>;
    using input_type = vector_type;
    using output_type = verdict;
    static constexpr std::size_t features = F;

    struct config {
        double alpha = 0.01;              ///< weight of the newest vector (memory ~1/alpha)
        std::uint32_t warmup = 20 * F;    ///< vectors learned before scoring
        float ridge = 1e-4f;              ///< relative ridge (times the mean variance)
        float min_var = 1e-10f;           ///< absolute ridge
        std::uint32_t refresh = 64;       ///< vectors between fresh factorisations (>= 1)
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    mahalanobis() noexcept : mahalanobis(config{}) {}
    explicit mahalanobis(const config& c) noexcept : cfg_(c), gate_(c.gate) {
        if (cfg_.refresh == 0) cfg_.refresh = 1;
    }

    verdict operator()(const vector_type& x) noexcept {
        for (float e : x) {
            if (NERVE_UNLIKELY(!is_finite(e))) {
                ++rejected_;
                return gate_(0.0f);
            }
        }
        float s = 0.0f;
        const vec d = cvec_map(x.data()) - cvec_map(mean_.data());
        vec u;
        float du = -1.0f;  // d.u = s d2 once factored
        if (n_ >= cfg_.warmup) {
            if (NERVE_UNLIKELY(!factored_)) refactor();
            float d2;
            if (factored_) {
                u.noalias() = cmat_map(inv_.data()) * d;
                du = d.dot(u);
                d2 = finish(du / scale_);
            } else {
                d2 = distance2(x);
            }
            s = d2 < 0.0f ? 0.0f : chi2_to_score(d2, static_cast<unsigned>(F));
        }
        learn(d, du >= 0.0f ? &u : nullptr, du);
        return gate_(s);
    }

    /// Squared Mahalanobis distance of x from the current mean (-1 if the factorisation
    /// failed; +Inf if it overflows). O(F^2) once factored; before that (warm-up) a fresh
    /// factorisation, O(F^3).
    float distance2(const vector_type& x) const noexcept {
        const vec d = cvec_map(x.data()) - cvec_map(mean_.data());
        if (factored_) return finish(d.dot(cmat_map(inv_.data()) * d) / scale_);
        mat a;
        if (!ridged(a)) return -1.0f;
        const Eigen::LLT<mat> llt(a);
        if (llt.info() != Eigen::Success) return -1.0f;
        return finish(llt.matrixL().solve(d).squaredNorm());
    }

    void learn(const vector_type& x) noexcept {
        const vec d = cvec_map(x.data()) - cvec_map(mean_.data());
        if (!factored_) {
            learn(d, nullptr, -1.0f);
            return;
        }
        const vec u = cmat_map(inv_.data()) * d;
        learn(d, &u, d.dot(u));
    }

    const vector_type& mean() const noexcept { return mean_; }
    /// Covariance estimate, column-major F x F.
    const std::array<float, F * F>& covariance() const noexcept { return cov_; }
    std::uint64_t count() const noexcept { return n_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        mean_ = {};
        cov_ = {};
        inv_ = {};
        scale_ = 1.0f;
        since_refresh_ = 0;
        factored_ = false;
        n_ = 0;
        rejected_ = 0;
        gate_.reset();
    }

    template <class V>
    void visit_state(V& v) {
        v(mean_); v(cov_); v(inv_); v(scale_); v(since_refresh_); v(factored_); v(n_); v(rejected_); v(gate_);
    }
    bool state_is_valid() const noexcept {
        for (std::size_t i = 0; i < F; ++i) {
            if (cov_[i * F + i] < 0.0f) return false;
            if (factored_ && !(inv_[i * F + i] > 0.0f)) return false;
        }
        return (!factored_ || scale_ > 0.0f) && gate_.state_is_valid();
    }

private:
    /// Sigma + r I into a; false if not finite.
    bool ridged(mat& a) const noexcept {
        const cmat_map sig(cov_.data());
        a = sig;
        const float r = cfg_.ridge * (sig.trace() / static_cast<float>(F)) + cfg_.min_var;
        a.diagonal().array() += r;
        return a.allFinite();
    }

    /// Q = (Sigma + r I)^-1 by a fresh LLT; factored_ false if it fails.
    void refactor() noexcept {
        scale_ = 1.0f;
        since_refresh_ = 0;
        factored_ = false;
        mat a;
        if (!ridged(a)) return;
        const Eigen::LLT<mat> llt(a);
        if (llt.info() != Eigen::Success) return;
        mat_map q(inv_.data());
        q.setIdentity();
        llt.solveInPlace(q);
        factored_ = q.allFinite();
    }

    static float finish(float d2) noexcept {
        return is_finite(d2) ? d2 : std::numeric_limits<float>::infinity();
    }

    /// Learns d = x - mean; u = Q d and du = d.u when the inverse is current (u == nullptr otherwise).
    void learn(const vec& d, const vec* u, float du) noexcept {
        vec_map mu(mean_.data());
        mat_map sig(cov_.data());
        const float a = (n_ + 1 < static_cast<std::uint64_t>(1.0 / cfg_.alpha))
                            ? 1.0f / static_cast<float>(n_ + 1)
                            : static_cast<float>(cfg_.alpha);
        const mat next = (1.0f - a) * (sig + a * d * d.transpose());
        if (NERVE_UNLIKELY(!next.allFinite())) {
            ++rejected_;
            return;
        }
        mu += a * d;
        sig = next;
        ++n_;
        if (!factored_) return;  // factorised when scoring starts
        const float den = 1.0f + a * du / scale_;  // 1 + a d2
        if (++since_refresh_ >= cfg_.refresh || a >= 1.0f || u == nullptr || !(den > 0.0f) || !is_finite(den)) {
            refactor();
            return;
        }
        // (M + (a / s) d d^T)^-1 = Q - (a / s) u u^T / (1 + a d2), then B *= (1 - a)
        mat_map q(inv_.data());
        q.noalias() -= ((a / scale_) / den) * (*u) * u->transpose();
        scale_ *= 1.0f - a;
        if (NERVE_UNLIKELY(!is_finite(q(0, 0)) || !(scale_ > 0.0f))) refactor();
    }

    config cfg_;
    alarm_gate gate_;
    vector_type mean_{};
    std::array<float, F * F> cov_{};
    std::array<float, F * F> inv_{};  // Q, column-major: (Sigma + ridge)^-1 = Q / scale_
    float scale_ = 1.0f;
    std::uint32_t since_refresh_ = 0;
    bool factored_ = false;
    std::uint64_t n_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
