// nerve/filter/moving_rms.hpp — root mean square over the last N samples, O(1) per sample.
//
// y[n] = sqrt(mean(x[n-N+1..n]^2)); until N samples have arrived, the mean is over the
// samples seen so far (numpy's sqrt(mean(sliding_window_view(x, N)**2)) from the N-th on).
//
// Running sum of squares, by sample type:
//  - float/double: the sum is updated with Kahan compensation (new square added, the
//    leaving one subtracted) and recomputed exactly from the window every N samples, so the
//    rounding error never exceeds what one window contributes, even after a loud burst
//    has left the window (catastrophic cancellation is what plain running sums suffer). The
//    sum is clamped at 0 before the square root.
//  - q15: squares are exact Q30 integers summed in int64 — no drift at all.
//  - q31: squares (Q62) are shifted right by G (even, >= log2 N + 1) bits so N of them fit in
//    uint64; the result is exact to about 2^-(31 - G/2).
// Fixed-point square roots are exact integer square roots, rounded down (since stop 55 a
// floating-point root corrected by one step, detail::isqrt32_fast / isqrt64_fast, instead of
// 32 bit-by-bit steps: the same integers; and a full window divides by the constant N, q15
// squares are stored in 32 bits). moving_rms<q15, 64> through nerve::process, 256 samples:
// Cortex-M4 445.7 -> 49.1 instructions, 586.8 -> 75.2 modelled cycles per sample (warm), RAM
// 544 -> 288 B (bench/mcu/filter_blocks.cpp); x86 (bench_moving.cpp, AVX-512 Xeon, old and
// new alternated five times) 13.2 -> 229.9 M samples/s. moving_rms<q31, 64> on the Cortex-M4
// (a float root and a Newton step): 599.8 -> 92.3 instructions, 776.9 -> 141.4 cycles.
//
// Bad input: a NaN/Inf sample is replaced by the last finite sample (hold last good; 0
// before the first) and counted in rejected().
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"
#include "../core/numeric.hpp"
#include "../core/operator.hpp"
#include "detail/fir_common.hpp"

namespace nerve::filter {
namespace detail {
/// floor(sqrt(v)) for 64-bit unsigned v (bit-by-bit, no floating point).
constexpr std::uint64_t isqrt64(std::uint64_t v) noexcept {
    std::uint64_t res = 0;
    std::uint64_t bit = std::uint64_t{1} << 62;
    while (bit > v) bit >>= 2;
    while (bit != 0) {
        if (v >= res + bit) {
            v -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return res;
}
/// floor(sqrt(v)) for v < 2^32, isqrt64's integer from a float square root (one VCVT and one
/// VSQRT on a Cortex-M4F) corrected by one step: v is within 2^-24 of its float and the root
/// within 2^-24 of the true one, so for roots up to 2^16 the estimate is off by less than 0.01
/// and truncates to floor - 1, floor or floor + 1.
inline std::uint32_t isqrt32_fast(std::uint32_t v) noexcept {
    const auto r = static_cast<std::uint32_t>(nerve::sqrt_nonneg(static_cast<float>(v)));
    const std::uint64_t r2 = std::uint64_t{r} * r;
    if (r2 > v) return r - 1;
    if (r2 + 2 * std::uint64_t{r} + 1 <= v) return r + 1;
    return r;
}
/// floor(sqrt(v)), isqrt64's integer: isqrt32_fast below 2^32; up to 2^62 a double root
/// corrected the same way where doubles are hardware (53 bits: roots up to 2^31 off by less
/// than 2^-20, and (root + 1)^2 fits); with a single-precision FPU only (Cortex-M4F) a float
/// root, then one Newton step on the exact residual; without an FPU isqrt64's 32 bit-by-bit
/// steps.
inline std::uint64_t isqrt64_fast(std::uint64_t v) noexcept {
    if (v < (std::uint64_t{1} << 32)) return isqrt32_fast(static_cast<std::uint32_t>(v));
    if (v >= (std::uint64_t{1} << 62)) return isqrt64(v);
#if defined(__arm__) && !(defined(__ARM_FP) && (__ARM_FP & 8))
#if defined(__ARM_FP) && (__ARM_FP & 4)
    // 64-bit integers to float from their halves (VCVT, no library call): within 2^-23.
    auto to_float = [](auto w) {
        return static_cast<float>(static_cast<std::int32_t>(static_cast<std::int64_t>(w) >> 32)) * 4294967296.0f +
               static_cast<float>(static_cast<std::uint32_t>(w));
    };
    // The float root is within 2^9 of the true one (roots below 2^31); the step r + e / 2r on
    // the exact residual e = v - r^2 leaves an error below 2^18 / 2^33 plus its truncation.
    std::uint64_t r = static_cast<std::uint32_t>(nerve::sqrt_nonneg(to_float(v)));
    const auto e = static_cast<std::int64_t>(v - r * r);
    r = static_cast<std::uint64_t>(static_cast<std::int64_t>(r) +
                                   static_cast<std::int32_t>(to_float(e) / (2.0f * static_cast<float>(r))));
    while (r * r > v) --r;
    while ((r + 1) * (r + 1) <= v) ++r;
    return r;
#else
    return isqrt64(v);
#endif
#else
    const auto r = static_cast<std::uint64_t>(nerve::sqrt_nonneg(static_cast<double>(v)));
    if (r * r > v) return r - 1;
    if ((r + 1) * (r + 1) <= v) return r + 1;
    return r;
#endif
}
}  // namespace detail

template <sample_type T, std::size_t N>
class moving_rms {
    static_assert(N >= 1, "window must hold at least one sample");

public:
    using input_type = T;
    using output_type = T;
    static constexpr std::size_t window = N;

    T operator()(T x) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            return step_float(x, guard_, pos_, count_, sum_, comp_);
        } else {
            x = guard_(x);
            const square_type sq = square(x);
            const square_type old = buf_[pos_];
            buf_[pos_] = sq;
            pos_ = (pos_ + 1 == N) ? 0 : pos_ + 1;
            if (count_ < N) ++count_;
            sum_ += sq;
            sum_ -= old;
            // A full window divides by the constant N (a shift for a power of two; a 64-bit
            // division by a variable is a library call on a Cortex-M4).
            const std::uint64_t mean = count_ == N ? sum_ / N : sum_ / count_;
            if constexpr (std::is_same_v<T, q15>) {
                // mean <= 2^30: squares of int16 (a restored state's too, see state_is_valid)
                const std::uint32_t r = detail::isqrt32_fast(static_cast<std::uint32_t>(mean));
                return q15::from_raw(static_cast<std::int16_t>(r > 32767 ? 32767 : r));
            } else {
                const std::uint64_t r = detail::isqrt64_fast(mean) << (q31_shift / 2);
                return q31::from_raw(static_cast<std::int32_t>(r > 0x7fffffffu ? 0x7fffffffu : r));
            }
        }
    }

    /// Block path (out.size() >= in.size(); in place is fine, and so is `out` starting before
    /// `in`; `out` starting inside `in` is refused, see block_overlap): operator()'s operations per
    /// sample, with the running state (index, count, sum, compensation, last good sample) in
    /// registers for the whole block; same outputs bit for bit. Floating point with a full
    /// window runs in chunks that end where the write index wraps, which is also where the exact
    /// re-summation falls, so the inner loop has no index wrap, no count test and no
    /// re-summation test, and divides by the compile-time N (an exact multiply when N is a power
    /// of two, the same correctly rounded quotient); the chunk's last sample, when it wraps,
    /// takes operator()'s step (the re-summation); a NaN/Inf ends the chunk and takes it too.
    /// Cortex-M4F, moving_rms<float, 64>, block of 256 (bench/mcu/filter_blocks.cpp): 48.0 ->
    /// 32.4 instructions, 82 -> 53 modelled cycles per sample with a full window; what remains
    /// is the documented numerics (Kahan: 8 FPU operations, VSQRT 14 cycles).
    void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        if (writes_ahead_of_input(in.data(), out.data(), in.size())) return;
        const std::size_t n = in.size();
        if constexpr (std::is_floating_point_v<T>) {
            auto guard = guard_;
            std::uint32_t pos = pos_, count = count_;
            T sum = sum_, comp = comp_;
            std::size_t i = 0;
            while (i < n) {
                if (count != N) {
                    out[i] = step_float(in[i], guard, pos, count, sum, comp);
                    ++i;
                    continue;
                }
                const std::size_t room = N - pos;
                const std::size_t len = n - i < room ? n - i : room;
                const bool wraps = len == room;
                const std::size_t plain = wraps ? len - 1 : len;
                T* slot = buf_.data() + pos;
                const T* src = in.data() + i;
                T* dst = out.data() + i;
                std::size_t k = 0;
                T last = T{};  // the last finite input (src may be dst: read it before it is overwritten)
                for (; k < plain; ++k) {
                    const T x = src[k];
                    if (NERVE_UNLIKELY(!is_finite(x))) break;  // bad input: operator()'s step below
                    last = x;
                    const T sq = x * x;
                    const T old = slot[k];
                    slot[k] = sq;
                    kahan_add(sq, sum, comp);
                    kahan_add(-old, sum, comp);
                    dst[k] = nerve::sqrt_nonneg((sum > T(0) ? sum : T(0)) / static_cast<T>(N));
                }
                if (k > 0) guard.mark_good(last);
                pos += static_cast<std::uint32_t>(k);
                i += k;
                if (k < plain || wraps) {  // a non-finite sample, or the wrap (re-summation)
                    out[i] = step_float(in[i], guard, pos, count, sum, comp);
                    ++i;
                }
            }
            guard_ = guard;
            pos_ = pos;
            count_ = count;
            sum_ = sum;
            comp_ = comp;
        } else {
            for (std::size_t i = 0; i < n; ++i) out[i] = (*this)(in[i]);
        }
    }

    void reset() noexcept {
        buf_.fill(square_type{});
        pos_ = 0;
        count_ = 0;
        sum_ = sum_type{};
        comp_ = sum_type{};
        guard_.reset();
    }

    std::uint32_t rejected() const noexcept { return guard_.rejected(); }

    template <class V>
    void visit_state(V& v) {
        v(buf_);
        v(pos_);
        v(count_);
        v(sum_);
        v(comp_);
        v(guard_);
    }
    /// For nerve::restore: indices in range and, for fixed point, the running sum equal to
    /// the sum of the stored squares (else the unsigned sum could wrap).
    bool state_is_valid() const noexcept {
        if (pos_ >= N || count_ > N) return false;
        if constexpr (!std::is_floating_point_v<T>) {
            std::uint64_t s = 0;
            constexpr std::uint64_t most = std::is_same_v<T, q15> ? std::uint64_t{1} << 30 : std::uint64_t{1} << 62;
            for (const auto v : buf_) {
                if (v > most) return false;  // no square of the type exceeds it
                s += v;
            }
            return s == sum_;
        }
        return true;
    }

private:
    static constexpr int q31_shift = [] {
        int g = static_cast<int>(std::bit_width(N)) + 1;
        return g + (g & 1);  // even, so the square root shifts back by an integer
    }();
    // q15 squares fit 32 bits (<= 2^30); q31's, shifted, take 64
    using square_type = std::conditional_t<std::is_floating_point_v<T>, T,
                                           std::conditional_t<std::is_same_v<T, q15>, std::uint32_t, std::uint64_t>>;
    using sum_type = std::conditional_t<std::is_floating_point_v<T>, T, std::uint64_t>;

    static square_type square(T x) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            return x * x;
        } else if constexpr (std::is_same_v<T, q15>) {
            const std::int32_t r = x.raw;
            return static_cast<std::uint32_t>(r * r);
        } else {
            const std::int64_t r = x.raw;
            return static_cast<std::uint64_t>(r * r) >> q31_shift;
        }
    }

    static NERVE_ALWAYS_INLINE void kahan_add(T v, T& sum, T& comp) noexcept {
        const T y = v - comp;
        const T t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }

    // One floating-point step on the given state (members for operator(), locals for process()).
    NERVE_ALWAYS_INLINE T step_float(T x, hold_last_good<T>& guard, std::uint32_t& pos, std::uint32_t& count, T& sum,
                                     T& comp) noexcept {
        x = guard(x);
        const T sq = x * x;
        const T old = buf_[pos];
        buf_[pos] = sq;
        pos = (pos + 1 == N) ? 0 : pos + 1;
        if (count < N) ++count;
        if (pos == 0) {
            // Exact re-summation once per window (O(1) amortised).
            T s = 0;
            std::size_t j = 0;
            for (; j + 4 <= N; j += 4) {  // in order, four terms per iteration
                s += buf_[j];
                s += buf_[j + 1];
                s += buf_[j + 2];
                s += buf_[j + 3];
            }
            for (; j < N; ++j) s += buf_[j];
            sum = s;
            comp = 0;
        } else {
            kahan_add(sq, sum, comp);
            kahan_add(-old, sum, comp);
        }
        const T mean = (sum > T(0) ? sum : T(0)) / static_cast<T>(count);
        return nerve::sqrt_nonneg(mean);
    }

    std::array<square_type, N> buf_{};  // squares of the window
    std::uint32_t pos_ = 0;             // next slot to overwrite (= oldest)
    std::uint32_t count_ = 0;           // samples in the window, <= N
    sum_type sum_{};
    sum_type comp_{};                   // Kahan compensation (floating point only)
    hold_last_good<T> guard_;  // bad input: hold the last good sample
};

}  // namespace nerve::filter
