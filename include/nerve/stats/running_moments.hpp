// nerve/stats/running_moments.hpp — streaming count, mean, variance, skewness, kurtosis,
// min and max of a sample stream, in O(1) state, mergeable.
//
// Updates are Welford's for the mean and variance, extended to the third and fourth central
// moments by Pébay (Sandia report SAND2008-6212): with n the new count, d = x - mean and
// dn = d / n, the central sums M2, M3, M4 are updated from the old ones, so no sum of powers
// of x ever cancels catastrophically. merge() combines two partial states (two threads, two
// blocks, two devices) with Pébay's pairwise formulas; merging gives the moments of the
// concatenated stream up to rounding.
//
// Definitions (as numpy/scipy with their defaults):
//   variance() = M2 / n (numpy.var, ddof = 0); sample_variance() = M2 / (n - 1) (ddof = 1)
//   skewness() = sqrt(n) M3 / M2^1.5 (scipy.stats.skew, bias = True)
//   kurtosis() = n M4 / M2^2 - 3     (scipy.stats.kurtosis, Fisher/excess, bias = True)
// With fewer than 2 samples, or a constant stream (M2 == 0), the variance is 0 and
// skewness and kurtosis are 0 instead of NaN.
//
// Acc is the accumulation type (T by default; running_moments<float, double> keeps the
// state in double, which a Cortex-M4F does in soft float: slow). Floating-point samples only.
//
// Bad input: a NaN or Inf sample is rejected and counted (rejected()); so is a finite sample
// so large that the fourth moment would overflow (|x - mean| beyond ~1e9 in float): the state
// is left as it was, so it never becomes non-finite.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::stats {

template <class T>
struct moments {
    std::uint64_t count = 0;
    T mean{}, variance{}, skewness{}, kurtosis{}, min{}, max{};
};

template <std::floating_point T = float, std::floating_point Acc = T>
class running_moments {
public:
    using input_type = T;
    using output_type = moments<T>;

    /// Adds x and returns the moments of everything seen (costs a square root and a few
    /// divisions; use update() when only some values are needed).
    output_type operator()(T x) noexcept {
        update(x);
        return summary();
    }

    void update(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return;
        }
        const Acc xa = static_cast<Acc>(x);
        const Acc n1 = static_cast<Acc>(n_);
        const Acc n = n1 + Acc(1);
        const Acc d = xa - mean_;
        const Acc dn = d / n;
        const Acc dn2 = dn * dn;
        const Acc t1 = d * dn * n1;
        const Acc m4 = m4_ + t1 * dn2 * (n * n - Acc(3) * n + Acc(3)) + Acc(6) * dn2 * m2_ - Acc(4) * dn * m3_;
        if (NERVE_UNLIKELY(!is_finite(m4))) {
            ++rejected_;
            return;
        }
        m4_ = m4;
        m3_ += t1 * dn * (n - Acc(2)) - Acc(3) * dn * m2_;
        m2_ += t1;
        mean_ += dn;
        if (n_ == 0) {
            min_ = max_ = xa;
        } else {
            min_ = xa < min_ ? xa : min_;
            max_ = xa > max_ ? xa : max_;
        }
        ++n_;
    }

    /// Combines `other` into this, as if its samples had been added here.
    void merge(const running_moments& other) noexcept {
        if (other.n_ == 0) {
            rejected_ += other.rejected_;
            return;
        }
        if (n_ == 0) {
            const std::uint32_t r = rejected_;
            *this = other;
            rejected_ += r;
            return;
        }
        const Acc na = static_cast<Acc>(n_), nb = static_cast<Acc>(other.n_);
        const Acc n = na + nb;
        const Acc d = other.mean_ - mean_;
        const Acc dn = d / n;
        const Acc d2 = d * d, dn2 = dn * dn;
        const Acc m2 = m2_ + other.m2_ + d * dn * na * nb;
        const Acc m3 = m3_ + other.m3_ + d * dn2 * na * nb * (na - nb) + Acc(3) * dn * (na * other.m2_ - nb * m2_);
        const Acc m4 = m4_ + other.m4_ + d2 * dn2 * na * nb * (na * na - na * nb + nb * nb) / n +
                       Acc(6) * dn2 * (na * na * other.m2_ + nb * nb * m2_) + Acc(4) * dn * (na * other.m3_ - nb * m3_);
        mean_ += dn * nb;
        m2_ = m2;
        m3_ = m3;
        m4_ = m4;
        min_ = other.min_ < min_ ? other.min_ : min_;
        max_ = other.max_ > max_ ? other.max_ : max_;
        n_ += other.n_;
        rejected_ += other.rejected_;
    }

    std::uint64_t count() const noexcept { return n_; }
    T mean() const noexcept { return static_cast<T>(mean_); }
    T variance() const noexcept { return n_ < 2 ? T(0) : static_cast<T>(m2_ / static_cast<Acc>(n_)); }
    T sample_variance() const noexcept { return n_ < 2 ? T(0) : static_cast<T>(m2_ / static_cast<Acc>(n_ - 1)); }
    T stddev() const noexcept { return std::sqrt(variance()); }
    T skewness() const noexcept {
        if (n_ < 2 || !(m2_ > Acc(0))) return T(0);
        return static_cast<T>(std::sqrt(static_cast<Acc>(n_)) * m3_ / (m2_ * std::sqrt(m2_)));
    }
    T kurtosis() const noexcept {
        if (n_ < 2 || !(m2_ > Acc(0))) return T(0);
        return static_cast<T>(static_cast<Acc>(n_) * m4_ / (m2_ * m2_) - Acc(3));
    }
    T min() const noexcept { return static_cast<T>(min_); }
    T max() const noexcept { return static_cast<T>(max_); }
    output_type summary() const noexcept {
        return {n_, mean(), variance(), skewness(), kurtosis(), min(), max()};
    }
    /// Number of samples rejected (non-finite or overflowing) since the last reset.
    std::uint32_t rejected() const noexcept { return rejected_; }

    void reset() noexcept { *this = running_moments{}; }

    template <class V>
    void visit_state(V& v) { v(n_); v(mean_); v(m2_); v(m3_); v(m4_); v(min_); v(max_); v(rejected_); }
    bool state_is_valid() const noexcept { return m2_ >= Acc(0) && m4_ >= Acc(0) && min_ <= max_; }

private:
    std::uint64_t n_ = 0;
    Acc mean_{}, m2_{}, m3_{}, m4_{};
    Acc min_{}, max_{};
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::stats
