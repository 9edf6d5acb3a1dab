// nerve/filter/moving_median.hpp — median of the last N samples (small N).
//
// Keeps the window twice: in arrival order (a ring) and sorted. Each sample replaces the
// oldest value in the sorted array and is moved to its place by insertion: O(N) compares and
// moves per sample, no allocation, good for the small windows (3..101) spike removal uses.
// Even windows return the mean of the two middle values, as numpy.median does (fixed point:
// the raw mean rounded towards minus infinity). Until N samples have arrived the median is
// over the samples seen so far.
//
// Bad input: a NaN/Inf sample is replaced by the last finite sample (hold last good; 0 before
// the first) and counted in rejected(); the sorted window never holds NaN.
//
// detail::sorted_window<T, N> is shared with nerve::filter::hampel.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "detail/fir_common.hpp"

namespace nerve::filter {
namespace detail {

template <class T, std::size_t N>
struct sorted_window {
    std::array<T, N> ring{};    // arrival order; ring[pos] is the oldest once full
    std::array<T, N> sorted{};  // the first `count` entries, ascending
    std::uint32_t pos = 0;
    std::uint32_t count = 0;

    /// Adds x, dropping the oldest sample once the window is full.
    void push(T x) noexcept {
        std::size_t i;
        if (count < N) {
            i = count++;
        } else {
            // Find the oldest value in the sorted array (any equal entry will do).
            const T old = ring[pos];
            std::size_t lo = 0, hi = N;
            while (lo < hi) {
                const std::size_t mid = (lo + hi) / 2;
                if (sorted[mid] < old) lo = mid + 1; else hi = mid;
            }
            i = lo < N ? lo : N - 1;  // lo == N only for an inconsistent (restored) state
        }
        ring[pos] = x;
        pos = (pos + 1 == N) ? 0 : pos + 1;
        // Slot i is free: shift neighbours towards it until x fits.
        while (i > 0 && x < sorted[i - 1]) {
            sorted[i] = sorted[i - 1];
            --i;
        }
        while (i + 1 < count && sorted[i + 1] < x) {
            sorted[i] = sorted[i + 1];
            ++i;
        }
        sorted[i] = x;
    }

    static T mean2(T a, T b) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            return a + (b - a) / T(2);
        } else {
            using W = typename T::wide_type;
            return T::from_raw(static_cast<typename T::raw_type>((static_cast<W>(a.raw) + b.raw) >> 1));
        }
    }

    T median() const noexcept {
        if (count == 0) return T{};
        const std::size_t h = count / 2;
        return (count & 1) ? sorted[h] : mean2(sorted[h - 1], sorted[h]);
    }

    /// The k-th smallest (from 0) of the deviations |x - med| of the window's values, for med
    /// between its two middle values (its median). They form two ascending runs, L[i] = med -
    /// sorted[n/2 - 1 - i] (n/2 of them) and R[i] = sorted[n/2 + i] - med (the rest, n = count;
    /// fixed point saturates as its subtraction does); the first k + 1 take a from L, the first
    /// a with L[a] >= R[k - a], found by bisection: ~log2(n) compares where a merge walking
    /// outwards from the median (hampel, robust_zscore until stop 55) branched on the data at
    /// every one of its k steps. The same value.
    T kth_deviation(const T& med, std::uint32_t k) const noexcept {
        const std::uint32_t n = count, nl = n / 2, nr = n - nl, t = k + 1;
        auto left = [&](std::uint32_t i) { return med - sorted[nl - 1 - i]; };
        auto right = [&](std::uint32_t i) { return sorted[nl + i] - med; };
        std::uint32_t a = t > nr ? t - nr : 0, hi = t < nl ? t : nl;  // a in [a, hi]
        while (a < hi) {
            const std::uint32_t m = a + (hi - a) / 2;
            if (left(m) < right(t - m - 1)) a = m + 1;
            else hi = m;
        }
        const std::uint32_t b = t - a;
        if (a == 0) return right(b - 1);
        if (b == 0) return left(a - 1);
        const T l = left(a - 1), r = right(b - 1);
        return l < r ? r : l;
    }

    void reset() noexcept { *this = sorted_window{}; }

    /// Indices in range, the sorted part ascending and holding the same values as the ring
    /// (O(N^2), for nerve::restore only).
    bool valid() const noexcept {
        if (pos >= N || count > N || (count < N && pos != count)) return false;
        for (std::size_t i = 1; i < count; ++i)
            if (sorted[i] < sorted[i - 1]) return false;
        for (std::size_t i = 0; i < count; ++i) {
            std::size_t in_ring = 0, in_sorted = 0;
            for (std::size_t k = 0; k < count; ++k) {
                in_ring += (ring[k] == ring[i]) ? 1u : 0u;
                in_sorted += (sorted[k] == ring[i]) ? 1u : 0u;
            }
            if (in_ring != in_sorted) return false;
        }
        return true;
    }

    template <class V>
    void visit_state(V& v) {
        v(ring);
        v(sorted);
        v(pos);
        v(count);
    }
};

}  // namespace detail

template <sample_type T, std::size_t N>
class moving_median {
    static_assert(N >= 1, "window must hold at least one sample");

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t window = N;

    T operator()(T x) noexcept {
        x = guard_(x);
        w_.push(x);
        return w_.median();
    }

    void reset() noexcept {
        w_.reset();
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        v(w_);
        v(guard_);
    }
    bool state_is_valid() const noexcept { return w_.valid(); }

private:
    detail::sorted_window<T, N> w_{};
    hold_last_good<T> guard_;  // bad input: hold the last good sample
};

}  // namespace nerve::filter
