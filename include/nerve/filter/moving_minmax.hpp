// nerve/filter/moving_minmax.hpp — minimum and maximum over the last N samples.
//
// Van Herk / Gil-Werman: time is cut into blocks of N samples. The window ending at sample j
// of a block is the previous block's samples j + 1 .. N - 1 and this block's 0 .. j, so its
// maximum is max(suffix maximum of the previous block from j + 1, prefix maximum of this block
// to j). The prefix is a running max; the suffixes are one backward pass over a block's
// samples when it ends, written over them in place (the samples are not needed after it).
// Three comparisons per sample and extreme, no data-dependent branch, a fixed cost per sample
// but the block's last (2N comparisons: the backward pass). Until N samples have arrived the
// result covers the samples seen so far (the suffixes start at the type's lowest / highest).
// Among equal extremes the newest is reported (-0 against +0), as the two monotonic deques it
// replaces (stop 55) did: the same outputs, bit for bit. Cortex-M4, N = 64, float, 256 samples
// through nerve::process (tools/mcu_filter_table.py): 118.1 -> 55.2 instructions and 157.2 ->
// 68.3 modelled cycles per sample, 468 -> 296 B of code, RAM 1052 -> 540 B (no time stamps);
// x86 (bench_moving.cpp, AVX-512 Xeon, old and new alternated five times): N = 16 / 256 6.6x /
// 3.9x the samples per second (the deques' pops were data-dependent branches).
//
// Bad input: a NaN/Inf sample is replaced by the last finite sample (hold last good; 0 before
// the first) and counted in rejected(). A restored state holding NaN cannot surface it (every
// comparison keeps the other operand) and is gone within two blocks; a restored state whose
// sentinels moved is refused.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
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
        const std::uint32_t j = pos_;
        // Ties go to the newer operand: the prefix over the previous block's suffix, the
        // sample over the prefix before it.
        pmax_ = x < pmax_ ? pmax_ : x;
        pmin_ = pmin_ < x ? pmin_ : x;
        const T s_max = hi_[j + 1], s_min = lo_[j + 1];
        const minmax<T> r{s_min < pmin_ ? s_min : pmin_, pmax_ < s_max ? s_max : pmax_};
        hi_[j] = x;  // the sample (the previous block's suffix at j is no longer read)
        if (NERVE_UNLIKELY(j + 1 == N)) end_block_();
        else pos_ = j + 1;
        return r;
    }

    void reset() noexcept {
        hi_.fill(lowest());
        lo_.fill(highest());
        pmax_ = lowest();
        pmin_ = highest();
        pos_ = 0;
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
        v(guard_);
    }
    /// For nerve::restore: the block position in range and the sentinels in place (a hostile
    /// value there would be read at every block's last sample, for ever).
    bool state_is_valid() const noexcept { return pos_ < N && hi_[N] == lowest() && lo_[N] == highest(); }

private:
    // Finite (snapshots hold finite values only); a sample equal to one still wins its tie.
    static constexpr T lowest() noexcept {
        if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::lowest();
        else return T::min();
    }
    static constexpr T highest() noexcept {
        if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::max();
        else return T::max();
    }

    /// The block's samples hi_[0, N) become its suffix maxima (hi_) and minima (lo_): the
    /// next block's windows read them. Ties go to the later sample.
    void end_block_() noexcept {
        T s_max = lowest(), s_min = highest();
        for (std::size_t i = N; i-- > 0;) {
            const T x = hi_[i];
            s_max = s_max < x ? x : s_max;
            s_min = x < s_min ? x : s_min;
            hi_[i] = s_max;
            lo_[i] = s_min;
        }
        pmax_ = lowest();
        pmin_ = highest();
        pos_ = 0;
    }

    // hi_[0, pos_): this block's samples; hi_ / lo_[pos_ + 1, N): the previous block's suffix
    // maxima / minima; index N: lowest / highest (the window that is exactly this block).
    std::array<T, N + 1> hi_ = filled(lowest());
    std::array<T, N + 1> lo_ = filled(highest());
    T pmax_ = lowest();  // this block's prefix maximum and minimum
    T pmin_ = highest();
    std::uint32_t pos_ = 0;  // samples of this block so far
    hold_last_good<T> guard_;  // bad input: hold the last good sample

    static constexpr std::array<T, N + 1> filled(T v) noexcept {
        std::array<T, N + 1> a{};
        a.fill(v);
        return a;
    }
};

}  // namespace nerve::filter
