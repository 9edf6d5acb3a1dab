// nerve/filter/moving_average.hpp — arithmetic mean of the last N samples, O(1) per sample.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/ring_buffer.hpp"

namespace nerve::filter {

/// Mean of the last N samples (of all samples so far while fewer than N have arrived).
///
/// A running sum gives O(1) updates. In floating point, adding the new sample and
/// subtracting the oldest leaves a rounding residue that grows without bound over a long
/// stream, so the sum is recomputed exactly from the window once every N samples
/// (O(1) amortised, at most N additions in one call). Fixed-point sums are exact in int64.
///
/// Bad input: NaN/Inf samples are rejected (counted in rejected()) and do not enter the
/// window; the call returns the current mean.
template <sample_type T, std::size_t N>
class moving_average {
    static_assert(N > 0, "nerve::filter::moving_average needs N >= 1");
    static constexpr bool fixed = is_fixed_point_v<T>;
    using sum_t = std::conditional_t<fixed, std::int64_t, T>;

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t window = N;

    constexpr output_type operator()(input_type x) noexcept { return step(x, sum_, since_resum_, rejected_); }

    /// Block path (out.size() >= in.size(); in place is fine): operator()'s operations per
    /// sample with the sum, the re-summation counter and the rejected count in registers for
    /// the whole block (bit-identical outputs; fewer loads and stores per sample on MCUs).
    constexpr void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        sum_t sum = sum_;
        std::size_t since = since_resum_;
        std::uint32_t rejected = rejected_;
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = step(in[i], sum, since, rejected);
        sum_ = sum;
        since_resum_ = since;
        rejected_ = rejected;
    }

    constexpr output_type mean() const noexcept { return mean_of(sum_); }

    constexpr void reset() noexcept {
        window_.clear(); sum_ = sum_t{}; since_resum_ = 0; rejected_ = 0;
    }

    constexpr std::size_t count() const noexcept { return window_.size(); }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    constexpr void visit_state(V& v) { v(window_); v(sum_); v(since_resum_); v(rejected_); }
    constexpr bool state_is_valid() const noexcept { return since_resum_ < N; }

private:
    constexpr output_type mean_of(sum_t sum) const noexcept {
        const std::size_t n = window_.size();
        if (n == 0) return T{};
        if constexpr (fixed) {
            const auto count = static_cast<std::int64_t>(n);
            // Round half away from zero.
            const std::int64_t q = (sum >= 0 ? sum + count / 2 : sum - count / 2) / count;
            return T::from_raw(static_cast<typename T::raw_type>(q));
        } else {
            return sum / static_cast<T>(n);
        }
    }

    NERVE_ALWAYS_INLINE constexpr output_type step(input_type x, sum_t& sum, std::size_t& since,
                                                   std::uint32_t& rejected) noexcept {
        if (!is_finite(x)) {
            ++rejected;
            return mean_of(sum);
        }
        if (window_.full()) sum -= raw(window_.oldest());
        window_.push(x);
        sum += raw(x);
        if constexpr (!fixed) {
            if (++since == N) {
                since = 0;
                sum_t exact{};
                for (std::size_t k = 0; k < window_.size(); ++k) exact += window_[k];
                sum = exact;
            }
        }
        return mean_of(sum);
    }

    static constexpr sum_t raw(T x) noexcept {
        if constexpr (fixed) return x.raw; else return x;
    }

    ring_buffer<T, N> window_{};
    sum_t sum_{};
    std::size_t since_resum_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::filter
