// nerve/core/framer.hpp — cuts a sample stream into (overlapping) frames.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

#include "../config.hpp"

namespace nerve {

/// Emits a frame of the last N samples every Hop samples, once N samples have arrived.
/// Hop < N gives overlapping frames (Hop = N/2: 50 %), Hop == N back-to-back frames,
/// Hop > N skips Hop - N samples between frames.
///
/// The frame is a `std::span<const T, N>` into the framer's own storage, valid until the
/// next push: downstream stages read it in place, nothing is copied. Keeping the frame
/// contiguous costs a shift of N - Hop samples per frame, i.e. (N - Hop) / Hop copies per
/// input sample, instead of a second copy of the whole buffer.
///
/// Values are not inspected: NaN or Inf pass into the frame unchanged, and the stage that
/// consumes the frame decides what they mean.
template <std::size_t N, std::size_t Hop, class T = float>
class framer {
    static_assert(N > 0 && Hop > 0, "nerve::framer needs N > 0 and Hop > 0");

public:
    using input_type = T;
    using output_type = std::span<const T, N>;
    static constexpr std::size_t frame_size = N;
    static constexpr std::size_t hop_size = Hop;

    template <class Emit>
    constexpr void push(const T& x, Emit&& emit) {
        if (skip_ > 0) { --skip_; return; }
        buffer_[fill_++] = x;
        if (fill_ < N) return;
        emit(output_type{buffer_});
        if constexpr (Hop < N) {
            std::copy(buffer_.begin() + Hop, buffer_.end(), buffer_.begin());
            fill_ = N - Hop;
        } else {
            fill_ = 0;
            skip_ = Hop - N;
        }
    }

    constexpr void reset() noexcept { fill_ = 0; skip_ = 0; }

    /// Samples held towards the next frame.
    constexpr std::size_t buffered() const noexcept { return fill_; }

    template <class V>
    constexpr void visit_state(V& v) { v(buffer_); v(fill_); v(skip_); }
    constexpr bool state_is_valid() const noexcept {
        return fill_ < N && skip_ <= (Hop > N ? Hop - N : 0);
    }

private:
    std::array<T, N> buffer_{};
    std::size_t fill_ = 0;
    std::size_t skip_ = 0;
};

}  // namespace nerve
