// nerve/filter/moving_average.hpp — arithmetic mean of the last N samples, O(1) per sample.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/operator.hpp"

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

    /// Block path (out.size() >= in.size(); in place is fine, and so is `out` starting before
    /// `in`; `out` starting inside `in` is refused, see block_overlap): operator()'s operations per
    /// sample, bit-identical outputs. Once the window is full the block runs in chunks that end
    /// where the write index wraps (and, for floating point, where the re-summation is due), so
    /// the inner loop is load, finite test, subtract the oldest, store, add, scale: no ring
    /// index arithmetic, no window-size test, and the mean divides by the compile-time N
    /// (GCC turns /N into an exact multiply when N is a power of two; the quotient is the same
    /// correctly rounded value either way). A NaN/Inf ends the chunk and takes operator()'s
    /// path. Cortex-M4F, moving_average<float, 64>, block of 256 (bench/mcu/filter_blocks.cpp,
    /// tools/mcu_icount.py): 44.2 -> 18.0 instructions and 77 -> 26 modelled cycles per sample
    /// with a full window (the per-sample VDIV and ring arithmetic were most of it).
    constexpr void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        if (writes_ahead_of_input(in.data(), out.data(), in.size())) return;
        sum_t sum = sum_;
        std::size_t since = since_resum_;
        std::uint32_t rejected = rejected_;
        const std::size_t n = in.size();
        std::size_t i = 0;
        while (i < n) {
            if (size_ != N) {
                out[i] = step(in[i], sum, since, rejected);
                ++i;
                continue;
            }
            std::size_t len = n - i < N - head_ ? n - i : N - head_;
            if constexpr (!fixed) len = len < N - since ? len : N - since;
            T* slot = data_.data() + head_;
            const T* src = in.data() + i;
            T* dst = out.data() + i;
            std::size_t k = 0;
            for (; k < len; ++k) {
                const T x = src[k];
                if (NERVE_UNLIKELY(!is_finite(x))) break;
                sum -= raw(slot[k]);
                slot[k] = x;
                sum += raw(x);
                dst[k] = full_mean(sum);
            }
            head_ = head_ + k == N ? 0 : head_ + k;
            i += k;
            if constexpr (!fixed) {
                since += k;
                if (since == N) {  // only when the chunk ran to its end: the last output uses the exact sum
                    since = 0;
                    sum = exact_sum();
                    dst[k - 1] = full_mean(sum);
                }
            }
            if (k < len) {  // the non-finite sample: operator()'s path
                out[i] = step(in[i], sum, since, rejected);
                ++i;
            }
        }
        sum_ = sum;
        since_resum_ = since;
        rejected_ = rejected;
    }

    constexpr output_type mean() const noexcept { return mean_of(sum_); }

    constexpr void reset() noexcept {
        head_ = 0; size_ = 0; sum_ = sum_t{}; since_resum_ = 0; rejected_ = 0;
    }

    constexpr std::size_t count() const noexcept { return size_; }
    constexpr std::uint32_t rejected() const noexcept { return rejected_; }

    template <class V>
    constexpr void visit_state(V& v) { v(data_); v(head_); v(size_); v(sum_); v(since_resum_); v(rejected_); }
    constexpr bool state_is_valid() const noexcept { return head_ < N && size_ <= N && since_resum_ < N; }

private:
    constexpr output_type mean_of(sum_t sum) const noexcept {
        const std::size_t n = size_;
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
        if (size_ == N) sum -= raw(data_[head_]);  // full: the slot about to be overwritten is the oldest
        data_[head_] = x;
        head_ = head_ + 1 == N ? 0 : head_ + 1;
        if (size_ < N) ++size_;
        sum += raw(x);
        if constexpr (!fixed) {
            if (++since == N) {
                since = 0;
                sum = exact_sum();
            }
        }
        return mean_of(sum);
    }

    /// The window's sum recomputed from scratch, oldest sample first (the addition order is
    /// part of the result in floating point). A full window is two straight runs of the ring,
    /// summed four terms per iteration in the same order (fewer loop instructions on an MCU).
    constexpr sum_t exact_sum() const noexcept {
        sum_t exact{};
        if (size_ == N) {
            exact = sum_run(exact, head_, N);
            return sum_run(exact, 0, head_);
        }
        const std::size_t tail = head_ >= size_ ? head_ - size_ : head_ + N - size_;
        for (std::size_t k = 0, j = tail; k < size_; ++k, j = j + 1 == N ? 0 : j + 1) exact += raw(data_[j]);
        return exact;
    }

    constexpr sum_t sum_run(sum_t acc, std::size_t from, std::size_t to) const noexcept {
        const T* p = data_.data();
        std::size_t j = from;
        // Windows shorter than 4 never take the 4-term loop; keeping it out of them also keeps
        // GCC's -Warray-bounds from flagging the (unreachable) p[j + 3] of a 2- or 3-slot ring.
        if constexpr (N >= 4) {
            for (; j + 4 <= to; j += 4) {
                acc += raw(p[j]);
                acc += raw(p[j + 1]);
                acc += raw(p[j + 2]);
                acc += raw(p[j + 3]);
            }
        }
        for (; j < to; ++j) acc += raw(p[j]);
        return acc;
    }

    /// mean_of() for a full window: the divisor is the constant N.
    NERVE_ALWAYS_INLINE constexpr output_type full_mean(sum_t sum) const noexcept {
        if constexpr (fixed) {
            constexpr auto count = static_cast<std::int64_t>(N);
            const std::int64_t q = (sum >= 0 ? sum + count / 2 : sum - count / 2) / count;
            return T::from_raw(static_cast<typename T::raw_type>(q));
        } else {
            return sum / static_cast<T>(N);
        }
    }

    static constexpr sum_t raw(T x) noexcept {
        if constexpr (fixed) return x.raw; else return x;
    }

    // The window as a ring (the layout of core/ring_buffer.hpp, so snapshots are unchanged): the
    // block path writes it directly.
    std::array<T, N> data_{};
    std::size_t head_ = 0;  // next write position (the oldest sample when full)
    std::size_t size_ = 0;
    sum_t sum_{};
    std::size_t since_resum_ = 0;
    std::uint32_t rejected_ = 0;
};

}  // namespace nerve::filter
