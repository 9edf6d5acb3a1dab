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
// Cost O(F^2) per sample: the detector keeps a Cholesky factor of B = Sigma + ridge as
// B = s L L^T (L lower triangular, s a scalar). Scoring is one forward substitution,
// d2 = |L^-1 d|^2 / s. Learning follows the recurrence on the factor itself: Sigma + a d d^T =
// s (L L^T + (a / s) d d^T) is a rank-one Cholesky update of L with sqrt(a / s) d (a sequence
// of Givens-like rotations, F^2 multiply-adds, always stable since it only adds), and the
// (1 - a) forgetting multiplies s. Every `refresh` samples (default 64) L is recomputed from
// Sigma (kept too, F^2 per sample) by a fresh Eigen LLT of Sigma + r I, O(F^3 / 6) amortised
// over the period: that bounds the drift of the updated factor (float rounding) and restores
// the ridge, which between refreshes decays with the forgetting factor (B = Sigma + s r I:
// s >= (1 - alpha)^64 = 0.53 with the defaults). Until the warm-up ends only mean and Sigma
// are learned; the first factorisation happens when scoring starts.
// (Before: one LLT of the F x F matrix per sample, O(F^3 / 6); mahalanobis8/nerve 3.2 M
// obs/s -> see the README for the side-by-side ratio.)
// Linear algebra is Eigen with fixed-size matrices (nerve::eigen, no heap: the tests build
// with EIGEN_NO_MALLOC) for the refresh, plain loops for the O(F^2) steps. The state is
// plain std::arrays (mean, Sigma, L column-major), so snapshots see ordinary fields.
//
// The ridge r = ridge * (trace(Sigma) / F) + min_var keeps the factorisation defined when
// features are collinear or constant (a stuck feature makes Sigma singular).
//
// Bad input: a vector with a NaN/Inf component is not learned, counted in rejected(), score
// 0. Constant features: handled by the ridge (a later move of a stuck feature scores high).
// Huge values: d2 overflows to +Inf, score 1; the update is skipped if it would make Sigma
// non-finite (counted in rejected()). Should the factorisation fail anyway (it cannot for a
// finite positive semi-definite Sigma plus the ridge), that sample scores 0; an update that
// leaves L non-finite or singular triggers an immediate refresh.
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
        if (n_ >= cfg_.warmup) {
            if (NERVE_UNLIKELY(!factored_)) refactor();
            const float d2 = distance2(x);
            s = d2 < 0.0f ? 0.0f : chi2_to_score(d2, static_cast<unsigned>(F));
        }
        learn(x);
        return gate_(s);
    }

    /// Squared Mahalanobis distance of x from the current mean (-1 if the factorisation
    /// failed; +Inf if it overflows). O(F^2) once factored; before that (warm-up) a fresh
    /// factorisation, O(F^3).
    float distance2(const vector_type& x) const noexcept {
        std::array<float, F> d;
        for (std::size_t i = 0; i < F; ++i) d[i] = x[i] - mean_[i];
        if (!factored_) {
            std::array<float, F * F> l;
            if (!factorise(l)) return -1.0f;
            return finish(forward_norm2(l, d));
        }
        return finish(forward_norm2(chol_, d) / scale_);
    }

    void learn(const vector_type& x) noexcept {
        vec_map mu(mean_.data());
        mat_map sig(cov_.data());
        const vec d = cvec_map(x.data()) - mu;
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
        if (++since_refresh_ >= cfg_.refresh || a >= 1.0f) {
            refactor();
            return;
        }
        // B + a d d^T = s (L L^T + (a / s) d d^T), then B *= (1 - a)
        std::array<float, F> v;
        const float g = std::sqrt(a / scale_);
        for (std::size_t i = 0; i < F; ++i) v[i] = g * d[static_cast<int>(i)];
        if (NERVE_UNLIKELY(!rank_one_update(v))) {
            refactor();
            return;
        }
        scale_ *= 1.0f - a;
    }

    const vector_type& mean() const noexcept { return mean_; }
    /// Covariance estimate, column-major F x F.
    const std::array<float, F * F>& covariance() const noexcept { return cov_; }
    std::uint64_t count() const noexcept { return n_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        mean_ = {};
        cov_ = {};
        chol_ = {};
        scale_ = 1.0f;
        since_refresh_ = 0;
        factored_ = false;
        n_ = 0;
        rejected_ = 0;
        gate_.reset();
    }

    template <class V>
    void visit_state(V& v) {
        v(mean_); v(cov_); v(chol_); v(scale_); v(since_refresh_); v(factored_); v(n_); v(rejected_); v(gate_);
    }
    bool state_is_valid() const noexcept {
        for (std::size_t i = 0; i < F; ++i) {
            if (cov_[i * F + i] < 0.0f) return false;
            if (factored_ && !(chol_[i * F + i] > 0.0f)) return false;
        }
        return (!factored_ || scale_ > 0.0f) && gate_.state_is_valid();
    }

private:
    /// L of Sigma + r I into l (column-major, lower); false if LLT fails.
    bool factorise(std::array<float, F * F>& l) const noexcept {
        const cmat_map sig(cov_.data());
        mat a = sig;
        const float r = cfg_.ridge * (sig.trace() / static_cast<float>(F)) + cfg_.min_var;
        a.diagonal().array() += r;
        const Eigen::LLT<mat> llt(a);
        if (llt.info() != Eigen::Success) return false;
        mat_map(l.data()) = llt.matrixL();
        return true;
    }

    void refactor() noexcept {
        factored_ = factorise(chol_);
        scale_ = 1.0f;
        since_refresh_ = 0;
    }

    /// |L^-1 d|^2 by forward substitution (L column-major lower triangular).
    static float forward_norm2(const std::array<float, F * F>& l, std::array<float, F>& d) noexcept {
        float n2 = 0.0f;
        for (std::size_t j = 0; j < F; ++j) {  // column-oriented: y_j, then remove it from the rest
            const float y = d[j] / l[j * F + j];
            n2 += y * y;
            for (std::size_t i = j + 1; i < F; ++i) d[i] -= l[j * F + i] * y;
        }
        return n2;
    }

    static float finish(float d2) noexcept {
        return is_finite(d2) ? d2 : std::numeric_limits<float>::infinity();
    }

    /// L L^T += v v^T in place (v is consumed); false if the result is not finite and positive.
    bool rank_one_update(std::array<float, F>& v) noexcept {
        for (std::size_t k = 0; k < F; ++k) {
            float* col = chol_.data() + k * F;
            const float lkk = col[k], vk = v[k];
            const float r = std::sqrt(lkk * lkk + vk * vk);
            if (!(r > 0.0f) || !is_finite(r)) return false;
            const float c = r / lkk, sn = vk / lkk, inv_c = lkk / r;
            col[k] = r;
            for (std::size_t i = k + 1; i < F; ++i) {
                const float li = (col[i] + sn * v[i]) * inv_c;
                v[i] = c * v[i] - sn * li;
                col[i] = li;
            }
        }
        return true;
    }

    config cfg_;
    alarm_gate gate_;
    vector_type mean_{};
    std::array<float, F * F> cov_{};
    std::array<float, F * F> chol_{};  // L, column-major lower triangle (upper part unused)
    float scale_ = 1.0f;               // B = scale_ L L^T
    std::uint32_t since_refresh_ = 0;
    bool factored_ = false;
    std::uint64_t n_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
