// nerve/filter/moving_minmax.hpp — minimum and maximum over the last N samples.
//
// Two monotonic deques (the "ascending minima" algorithm) in fixed ring storage of N entries
// each: the max deque keeps a decreasing run of (value, time) candidates, the min deque an
// increasing one. Each sample is pushed once and popped at most once from each deque: O(1)
// amortised, O(N) worst case for a single sample. Until N samples have arrived the result
// covers the samples seen so far. Times are uint32 and compared by unsigned difference, so
// they may wrap.
//
// Bad input: a NaN/Inf sample is replaced by the last finite sample (hold last good; 0 before
// the first) and counted in rejected(); the deques never hold NaN.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "detail/fir_common.hpp"

namespace nerve::filter {

template <class T>
struct minmax {
    T min{};
    T max{};
    friend constexpr bool operator==(const minmax&, const minmax&) = default;
};

template <sample_type T, std::size_t N>
class moving_minmax {
    static_assert(N >= 1, "window must hold at least one sample");

public:
    using input_type = T;
    using output_type = minmax<T>;
    static constexpr std::size_t window = N;

    minmax<T> operator()(T x) noexcept {
        x = guard_(x);
        const std::uint32_t now = time_++;
        hi_.expire(now);  // first, so that at most N-1 entries remain before the push
        lo_.expire(now);
        hi_.push(x, now, [](const T& back, const T& v) { return !(v < back); });  // pop back <= v
        lo_.push(x, now, [](const T& back, const T& v) { return !(back < v); });  // pop back >= v
        return {lo_.front(), hi_.front()};
    }

    void reset() noexcept {
        hi_ = deque{};
        lo_ = deque{};
        time_ = 0;
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        v(hi_);
        v(lo_);
        v(time_);
        v(guard_);
    }
    bool state_is_valid() const noexcept { return hi_.valid() && lo_.valid(); }

private:
    /// Ring-buffer deque of (value, time) with capacity N.
    struct deque {
        std::array<T, N> value{};
        std::array<std::uint32_t, N> time{};
        std::uint32_t head = 0;  // index of the front
        std::uint32_t size = 0;

        template <class PopBack>
        NERVE_ALWAYS_INLINE void push(const T& x, std::uint32_t now, PopBack pop_back) noexcept {
            while (size > 0 && pop_back(value[idx(size - 1)], x)) --size;
            // expire(now) ran first: only times now-N+1 .. now-1 remain, so size < N here.
            const std::uint32_t i = idx(size);
            value[i] = x;
            time[i] = now;
            ++size;
        }
        NERVE_ALWAYS_INLINE void expire(std::uint32_t now) noexcept {
            while (size > 0 && now - time[head] >= N) {
                head = (head + 1 == N) ? 0 : head + 1;
                --size;
            }
        }
        const T& front() const noexcept { return value[head]; }
        bool valid() const noexcept { return head < N && size <= N; }
        std::uint32_t idx(std::uint32_t k) const noexcept {
            const std::uint32_t i = head + k;
            return i >= N ? i - static_cast<std::uint32_t>(N) : i;
        }
        template <class V>
        void visit_state(V& v) {
            v(value);
            v(time);
            v(head);
            v(size);
        }
    };

    deque hi_{};
    deque lo_{};
    std::uint32_t time_ = 0;
    hold_last_good<T> guard_;  // bad input: hold the last good sample
};

}  // namespace nerve::filter
