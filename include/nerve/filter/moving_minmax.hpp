// nerve/filter/moving_minmax.hpp — minimum and maximum over the last N samples.
//
// Van Herk / Gil-Werman: time is cut into blocks of N samples. The window ending at sample j
// of a block is the previous block's samples j + 1 .. N - 1 and this block's 0 .. j, so its
// maximum is max(suffix maximum of the previous block from j + 1, prefix maximum of this block
// to j). The prefix is a running max; the suffixes are one backward pass over a block's
// samples when it ends, written over them in place (the samples are not needed after it).
// Three comparisons per sample and extreme, no data-dependent branch, a fixed cost per sample
// but the block's last (2N comparisons: the backward pass). Until N samples have arrived the
// result covers the samples seen so far (the first block has no previous suffixes to read).
// Among equal extremes the newest is reported (-0 against +0), as the two monotonic deques it
// replaced (stop 55) did: the same outputs, bit for bit. Cortex-M4, N = 64, float, 256 samples
// through nerve::process (tools/mcu_filter_table.py): 118.1 -> 55.2 instructions and 157.2 ->
// 68.3 modelled cycles per sample, 468 -> 296 B of code, RAM 1052 -> 540 B (no time stamps);
// x86 (bench_moving.cpp, AVX-512 Xeon, old and new alternated five times): N = 16 / 256 6.6x /
// 3.9x the samples per second (the deques' pops were data-dependent branches).
// The default state is all zeros (no sentinels: each block's prefix restarts at its first
// sample, and a flag says whether a previous block exists), so a static instance costs RAM
// in .bss and no initial image in flash (stop 56: 540 B at N = 64; 57.2 instructions, 72.4
// modelled cycles, 328 B of code for the first-block test and the restart).
//
// Bad input: a NaN/Inf sample is replaced by the last finite sample (hold last good; 0 before
// the first) and counted in rejected(). A restored state holding NaN cannot surface it (every
// comparison keeps the other operand) and is gone within two blocks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

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
        const std::uint32_t j = pos_;
        // Ties go to the newer operand: the sample over the prefix before it, the prefix over
        // the previous block's suffix.
        // A block's prefix restarts at its first sample. (Locals, not the members, feed the
        // result: GCC reloaded the two 4-byte stores as one 8-byte pair, which x86's store
        // forwarding cannot serve: 0.28x the samples per second.)
        const T p_max = j == 0 ? x : pmax_, p_min = j == 0 ? x : pmin_;
        const T q_max = x < p_max ? p_max : x, q_min = p_min < x ? p_min : x;
        pmax_ = q_max;
        pmin_ = q_min;
        hi_[j] = x;  // the sample (the previous block's suffix at j is no longer read)
        if (NERVE_UNLIKELY(j + 1 == N)) {  // the window is exactly this block
            end_block_();
            return {q_min, q_max};
        }
        pos_ = j + 1;
        if (NERVE_UNLIKELY(!full_)) return {q_min, q_max};  // the first block: no suffixes yet
        const T s_max = hi_[j + 1], s_min = lo_[j + 1];
        return {s_min < q_min ? s_min : q_min, q_max < s_max ? s_max : q_max};
    }

    void reset() noexcept {
        hi_.fill(T{});
        lo_.fill(T{});
        pmax_ = pmin_ = T{};
        pos_ = 0;
        full_ = false;
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        v(hi_);
        v(lo_);
        v(pmax_);
        v(pmin_);
        v(pos_);
        v(full_);
        v(guard_);
    }
    /// For nerve::restore: the block position in range.
    bool state_is_valid() const noexcept { return pos_ < N; }

private:
    /// The block's samples hi_[0, N) become its suffix maxima (hi_) and minima (lo_): the
    /// next block's windows read them. Ties go to the later sample.
    void end_block_() noexcept {
        T s_max = hi_[N - 1], s_min = s_max;
        lo_[N - 1] = s_min;
        for (std::size_t i = N - 1; i-- > 0;) {
            const T x = hi_[i];
            s_max = s_max < x ? x : s_max;
            s_min = x < s_min ? x : s_min;
            hi_[i] = s_max;
            lo_[i] = s_min;
        }
        pos_ = 0;
        full_ = true;
    }

    // hi_[0, pos_): this block's samples; hi_ / lo_[pos_ + 1, N): the previous block's suffix
    // maxima / minima (when full_).
    std::array<T, N> hi_{};
    std::array<T, N> lo_{};
    // This block's prefix maximum and minimum (restarted at its first sample), apart: when
    // adjacent, GCC stores them as one pair, which lengthens the chain from sample to sample
    // (0.89x at N = 256 on x86).
    T pmax_{};
    std::uint32_t pos_ = 0;  // samples of this block so far
    T pmin_{};
    bool full_ = false;      // a whole block has been seen: the suffixes are valid
    hold_last_good<T> guard_;  // bad input: hold the last good sample
};

}  // namespace nerve::filter
