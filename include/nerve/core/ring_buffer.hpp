// nerve/core/ring_buffer.hpp — fixed-capacity FIFO that overwrites its oldest element.
#pragma once

#include <array>
#include <cstddef>

#include "../config.hpp"

namespace nerve {

/// Holds the last N values pushed. Index 0 is the oldest, size()-1 the newest.
/// All storage is inline: sizeof(ring_buffer<T, N>) ~ N * sizeof(T).
template <class T, std::size_t N>
class ring_buffer {
    static_assert(N > 0, "nerve::ring_buffer needs a capacity of at least 1");

public:
    using value_type = T;
    static constexpr std::size_t capacity() noexcept { return N; }

    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    constexpr bool full() const noexcept { return size_ == N; }

    /// Appends x; when full, drops the oldest value and returns true.
    constexpr bool push(const T& x) noexcept {
        data_[head_] = x;
        head_ = head_ + 1 == N ? 0 : head_ + 1;
        if (size_ < N) { ++size_; return false; }
        return true;
    }

    /// Removes and returns the oldest value. Precondition: !empty().
    constexpr T pop() noexcept {
        NERVE_ASSERT(size_ > 0);
        const T v = data_[tail_index()];
        --size_;
        return v;
    }

    /// i = 0 is the oldest retained value. Precondition: i < size().
    constexpr const T& operator[](std::size_t i) const noexcept {
        NERVE_ASSERT(i < size_);
        std::size_t k = tail_index() + i;
        if (k >= N) k -= N;
        return data_[k];
    }
    constexpr const T& front() const noexcept { return (*this)[0]; }
    constexpr const T& back() const noexcept { return (*this)[size_ - 1]; }

    /// The value that the next push will overwrite when full (the oldest), for O(1) running sums.
    constexpr const T& oldest() const noexcept { return front(); }

    constexpr void clear() noexcept { head_ = 0; size_ = 0; }

    template <class V>
    constexpr void visit_state(V& v) {
        v(data_); v(head_); v(size_);
    }
    /// Rejects snapshots whose indices would point outside the storage.
    constexpr bool state_is_valid() const noexcept { return head_ < N && size_ <= N; }

private:
    constexpr std::size_t tail_index() const noexcept {
        return head_ >= size_ ? head_ - size_ : head_ + N - size_;
    }

    std::array<T, N> data_{};
    std::size_t head_ = 0;  // next write position
    std::size_t size_ = 0;
};

}  // namespace nerve
