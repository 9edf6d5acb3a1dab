// nerve/stats/ewma_stats.hpp — exponentially weighted mean and variance of a sample stream.
//
// With weight alpha on the newest sample (Finch, "Incremental calculation of weighted mean
// and variance", 2009, section 9):
//   d = x - mean;  mean += alpha d;  var = (1 - alpha) (var + alpha d^2)
// which is the exponentially weighted *biased* variance around the weighted mean, the same
// as pandas' Series.ewm(alpha=alpha, adjust=False).var(bias=True). Started at the first
// sample (mean = x, var = 0), not ramped from zero. The variance is never negative.
//
// Bad input: a NaN or Inf sample is rejected and counted (rejected()); the state is kept.
// A finite sample so far from the mean that d^2 overflows is rejected the same way.
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"

namespace nerve::stats {

template <class T>
struct mean_variance {
    T mean{}, variance{};
};

template <std::floating_point T = float>
class ewma_stats {
public:
    using input_type = T;
    using output_type = mean_variance<T>;

    constexpr ewma_stats() noexcept : ewma_stats(0.05) {}
    /// alpha in (0, 1]: the weight of the newest sample (1 / alpha ~ the memory in samples).
    constexpr explicit ewma_stats(double alpha) noexcept : alpha_(static_cast<T>(alpha)) {
        NERVE_ASSERT(alpha > 0.0 && alpha <= 1.0);
    }
    /// Weights that fall to 1/e after `tau_seconds`.
    static ewma_stats from_time_constant(double tau_seconds, sample_rate fs) noexcept {
        return ewma_stats(1.0 - std::exp(-1.0 / (tau_seconds * fs.value)));
    }

    constexpr output_type operator()(T x) noexcept {
        update(x);
        return {mean_, var_};
    }

    constexpr void update(T x) noexcept {
        if (NERVE_UNLIKELY(!is_finite(x))) {
            ++rejected_;
            return;
        }
        if (NERVE_UNLIKELY(!primed_)) {
            mean_ = x;
            var_ = T(0);
            primed_ = true;
            return;
        }
        const T d = x - mean_;
        const T inc = alpha_ * d;
        const T var = (T(1) - alpha_) * (var_ + d * inc);
        if (NERVE_UNLIKELY(!is_finite(var))) {
            ++rejected_;
            return;
        }
        mean_ += inc;
        var_ = var;
    }

    constexpr T mean() const noexcept { return mean_; }
    constexpr T variance() const noexcept { return var_; }
    T stddev() const noexcept { return std::sqrt(var_); }
    constexpr T alpha() const noexcept { return alpha_; }
    constexpr bool primed() const noexcept { return primed_; }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    constexpr void reset() noexcept { mean_ = var_ = T(0); primed_ = false; rejected_ = 0; }

    template <class V>
    constexpr void visit_state(V& v) { v(mean_); v(var_); v(primed_); v(rejected_); }
    constexpr bool state_is_valid() const noexcept { return var_ >= T(0); }

private:
    T alpha_;
    T mean_{}, var_{};
    bool primed_ = false;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::stats
