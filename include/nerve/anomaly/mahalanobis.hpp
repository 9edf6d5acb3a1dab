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
// scored against the state before it, then learned. Linear algebra is Eigen with fixed-size
// matrices (nerve::eigen, no heap: the tests build with EIGEN_NO_MALLOC): a Cholesky (LLT)
// factorisation of the F x F matrix and one triangular solve per sample, O(F^3 / 6).
// The state is plain std::arrays mapped by Eigen::Map, so snapshots see ordinary fields.
//
// The ridge r = ridge * (trace(Sigma) / F) + min_var keeps the factorisation defined when
// features are collinear or constant (a stuck feature makes Sigma singular).
//
// Bad input: a vector with a NaN/Inf component is not learned, counted in rejected(), score
// 0. Constant features: handled by the ridge (a later move of a stuck feature scores high).
// Huge values: d2 overflows to +Inf, score 1; the update is skipped if it would make Sigma
// non-finite (counted in rejected()). Should the factorisation fail anyway (it cannot for a
// finite positive semi-definite Sigma plus the ridge), that sample scores 0.
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
        alarm_gate::config gate{0.999f, 0.99f, 0};
    };

    mahalanobis() noexcept : mahalanobis(config{}) {}
    explicit mahalanobis(const config& c) noexcept : cfg_(c), gate_(c.gate) {}

    verdict operator()(const vector_type& x) noexcept {
        for (float e : x) {
            if (NERVE_UNLIKELY(!is_finite(e))) {
                ++rejected_;
                return gate_(0.0f);
            }
        }
        float s = 0.0f;
        if (n_ >= cfg_.warmup) {
            const float d2 = distance2(x);
            s = d2 < 0.0f ? 0.0f : chi2_to_score(d2, static_cast<unsigned>(F));
        }
        learn(x);
        return gate_(s);
    }

    /// Squared Mahalanobis distance of x from the current mean (-1 if the factorisation failed).
    float distance2(const vector_type& x) const noexcept {
        const cvec_map mu(mean_.data());
        const cmat_map sig(cov_.data());
        const vec d = cvec_map(x.data()) - mu;
        mat a = sig;
        const float r = cfg_.ridge * (sig.trace() / static_cast<float>(F)) + cfg_.min_var;
        a.diagonal().array() += r;
        const Eigen::LLT<mat> llt(a);
        if (llt.info() != Eigen::Success) return -1.0f;
        const vec y = llt.matrixL().solve(d);
        const float d2 = y.squaredNorm();
        return is_finite(d2) ? d2 : std::numeric_limits<float>::infinity();
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
    }

    const vector_type& mean() const noexcept { return mean_; }
    /// Covariance estimate, column-major F x F.
    const std::array<float, F * F>& covariance() const noexcept { return cov_; }
    std::uint64_t count() const noexcept { return n_; }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept {
        mean_ = {};
        cov_ = {};
        n_ = 0;
        rejected_ = 0;
        gate_.reset();
    }

    template <class V>
    void visit_state(V& v) { v(mean_); v(cov_); v(n_); v(rejected_); v(gate_); }
    bool state_is_valid() const noexcept {
        for (std::size_t i = 0; i < F; ++i)
            if (cov_[i * F + i] < 0.0f) return false;
        return gate_.state_is_valid();
    }

private:
    config cfg_;
    alarm_gate gate_;
    vector_type mean_{};
    std::array<float, F * F> cov_{};
    std::uint64_t n_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::anomaly
