// nerve/stats/covariance.hpp — streaming mean vector and covariance matrix of a fixed-size
// feature vector, mergeable.
//
// Welford's update generalised to vectors: with d = x - mean (before the update) and
// mean += d / n, the co-moment matrix C += d (x - mean)^T, which stays symmetric positive
// semi-definite up to rounding and never forms sums of products of raw values (no
// cancellation for features with large offsets). merge() combines two partial states:
//   C = Ca + Cb + (mb - ma)(mb - ma)^T na nb / n   (Chan et al.)
// Only the upper triangle is updated per sample (F (F + 1) / 2 multiply-adds); the
// accessors mirror it. covariance(i, j) = C / n (numpy.cov bias=True), sample_covariance =
// C / (n - 1) (numpy.cov default).
//
// Bad input: a vector with any NaN or Inf component is rejected as a whole and counted
// (rejected()); so is one whose products would overflow. The state is kept.
#pragma once

#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::stats {

template <std::floating_point T, std::size_t F>
class covariance {
    static_assert(F >= 1, "at least one feature");

public:
    using vector_type = std::array<T, F>;
    using input_type = vector_type;
    /// The count after the update (the matrix is read through the accessors).
    using output_type = std::uint64_t;
    static constexpr std::size_t features = F;

    output_type operator()(const vector_type& x) noexcept {
        update(x);
        return n_;
    }

    void update(const vector_type& x) noexcept {
        vector_type d;
        for (std::size_t i = 0; i < F; ++i) {
            if (NERVE_UNLIKELY(!is_finite(x[i]) || !is_finite((x[i] - mean_[i]) * (x[i] - mean_[i])))) {
                ++rejected_;
                return;
            }
            d[i] = x[i] - mean_[i];
        }
        ++n_;
        const T inv = T(1) / static_cast<T>(n_);
        vector_type e;  // x - new mean = d (1 - 1/n)
        for (std::size_t i = 0; i < F; ++i) {
            mean_[i] += d[i] * inv;
            e[i] = x[i] - mean_[i];
        }
        for (std::size_t i = 0; i < F; ++i)
            for (std::size_t j = i; j < F; ++j) c_[i * F + j] += d[i] * e[j];
    }

    void merge(const covariance& o) noexcept {
        if (o.n_ == 0) {
            rejected_ += o.rejected_;
            return;
        }
        if (n_ == 0) {
            const std::uint32_t r = rejected_;
            *this = o;
            rejected_ += r;
            return;
        }
        const T na = static_cast<T>(n_), nb = static_cast<T>(o.n_);
        const T n = na + nb;
        vector_type d;
        for (std::size_t i = 0; i < F; ++i) d[i] = o.mean_[i] - mean_[i];
        const T w = na * nb / n;
        for (std::size_t i = 0; i < F; ++i)
            for (std::size_t j = i; j < F; ++j) c_[i * F + j] += o.c_[i * F + j] + d[i] * d[j] * w;
        for (std::size_t i = 0; i < F; ++i) mean_[i] += d[i] * nb / n;
        n_ += o.n_;
        rejected_ += o.rejected_;
    }

    std::uint64_t count() const noexcept { return n_; }
    const vector_type& mean() const noexcept { return mean_; }
    /// Population covariance C(i, j) / n (0 with fewer than 2 vectors).
    T covariance_at(std::size_t i, std::size_t j) const noexcept {
        return n_ < 2 ? T(0) : comoment(i, j) / static_cast<T>(n_);
    }
    T sample_covariance_at(std::size_t i, std::size_t j) const noexcept {
        return n_ < 2 ? T(0) : comoment(i, j) / static_cast<T>(n_ - 1);
    }
    /// The full population covariance matrix, row-major.
    std::array<T, F * F> matrix() const noexcept {
        std::array<T, F * F> m{};
        for (std::size_t i = 0; i < F; ++i)
            for (std::size_t j = 0; j < F; ++j) m[i * F + j] = covariance_at(i, j);
        return m;
    }
    /// Pearson correlation of features i and j (0 when either is constant).
    T correlation(std::size_t i, std::size_t j) const noexcept {
        const T a = comoment(i, i), b = comoment(j, j);
        if (!(a > T(0)) || !(b > T(0))) return T(0);
        return comoment(i, j) / std::sqrt(a * b);
    }
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept { *this = covariance{}; }

    template <class V>
    void visit_state(V& v) { v(n_); v(mean_); v(c_); v(rejected_); }
    bool state_is_valid() const noexcept {
        for (std::size_t i = 0; i < F; ++i)
            if (c_[i * F + i] < T(0)) return false;
        return true;
    }

private:
    T comoment(std::size_t i, std::size_t j) const noexcept {
        return i <= j ? c_[i * F + j] : c_[j * F + i];
    }

    std::uint64_t n_ = 0;
    vector_type mean_{};
    std::array<T, F * F> c_{};  // co-moments; only the upper triangle (j >= i) is maintained
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::stats
