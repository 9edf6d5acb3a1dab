// nerve/drift/adwin.hpp — ADWIN: adaptive windowing (Bifet & Gavaldà 2007), fixed memory.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "detector.hpp"

namespace nerve::drift {

struct adwin_options {
    double delta = 0.002;                ///< significance of the cut test (smaller: fewer alarms)
    std::uint32_t clock = 32;            ///< test for a cut every `clock` samples (1: every sample)
    std::uint32_t min_window_length = 5; ///< both sub-windows of a cut hold at least this many samples
    std::uint32_t grace_period = 10;     ///< no test until the window holds more than this many
    /// Reproduce River's drift.ADWIN (0.22) bit for bit: drop the oldest bucket while any cut
    /// holds, and reset the whole window on the sample after a drift. Off by default.
    bool river_compatible = false;
};

/// ADWIN2: the window is an exponential histogram — row r holds up to MaxBuckets buckets of
/// 2^r samples (sum and variance each), so a window of W samples costs O(MaxBuckets log W)
/// memory and time. Every `clock` samples each boundary between buckets is a candidate cut
/// W = W0 | W1; a cut is significant when
///     |mean(W0) - mean(W1)| > sqrt(2 m var(W) d') + 2/3 d' m,
///     m = 1/(n0 - L + 1) + 1/(n1 - L + 1),  d' = ln(2 ln(W) / delta),  L = min_window_length,
/// which is River's (and MOA's) test. Memory is fixed at compile time: Rows rows, so the window
/// holds at most MaxBuckets (2^Rows - 1) samples; past that the oldest bucket is dropped (a
/// sliding window). sizeof(adwin<float, 5, 24>) is 1344 bytes on x86-64 (adwin<float, 5, 16>: 920 bytes on a
/// Cortex-M4); no allocation.
///
/// What nerve does differently from River, by default (river_compatible = false), and why:
///  - off-by-one in the cut scan: River up to 0.21 (and scikit-multiflow) stopped one bucket
///    short in every row, so the boundaries between rows were never tested and the skipped
///    buckets were counted on the wrong side of the cut; nerve (and River 0.22) test every
///    boundary, each bucket on its own side.
///  - duplicate detections: River (before 0.19) dropped only old buckets until no cut held and
///    fired again on the leftover old data 32, 64, 96 samples later; River since resets the
///    whole window, throwing the new concept's samples away. Once a cut is significant, nerve
///    estimates where the change began — the boundary with the largest standardised difference
///    of means |dm| sqrt(n0 n1 / n), over every boundary, even those the test may not use —
///    drops W0 there and the bucket just after it (which may straddle the change), keeps the
///    rest of W1 as the new concept,
///    and reports at most one drift per test; a later cut that falls inside what the window
///    held at the previous drift is that change's leftover and is dropped without a report.
///  - the clock is a parameter (River hard-coded 32 until 0.15), and change_point() reports
///    where the change began: the first sample of W1 at the chosen cut.
/// On River's documented example both modes fire at 1023 (tests/drift/test_adwin.cpp).
///
/// Bad input: NaN/Inf rejected and counted, not inserted; so is a finite sample whose squared
/// deviation from the window's mean would overflow T (in float, |x| ~ 1e18 from a mean near 0). T is the accumulator type: float on
/// Cortex-M4 (no soft double per sample), double where many millions of samples are summed.
template <sample_type T = float, std::size_t MaxBuckets = 5, std::size_t Rows = 24>
class adwin : public detector_base {
    static_assert(std::is_floating_point_v<T>, "adwin sums samples in float or double");
    static_assert(MaxBuckets >= 2 && MaxBuckets <= 250, "MaxBuckets: 2 .. 250 buckets per row");
    static_assert(Rows >= 2 && Rows <= 48, "Rows: 2 .. 48 (window up to MaxBuckets * 2^Rows samples)");
    static constexpr std::uint8_t slots = MaxBuckets + 1;  // a row briefly holds one extra bucket

public:
    using input_type = T;
    using output_type = drift_signal;
    static constexpr std::size_t max_buckets = MaxBuckets;
    static constexpr std::size_t rows = Rows;
    /// Longest window the histogram can hold before it starts sliding.
    static constexpr std::uint64_t capacity = MaxBuckets * ((std::uint64_t{1} << Rows) - 1);

    adwin() noexcept : adwin(adwin_options{}) {}
    explicit adwin(const adwin_options& o) noexcept
        : delta_(static_cast<T>(o.delta)),
          clock_(o.clock ? o.clock : 1),
          min_len_(o.min_window_length ? o.min_window_length : 1),
          grace_(o.grace_period),
          river_(o.river_compatible) {
        NERVE_ASSERT(o.delta > 0.0 && o.delta < 1.0);
    }

    drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (river_ && drift_detected()) clear_window();  // River: a fresh window after a drift
        if (NERVE_UNLIKELY(!insert(x))) {  // its squared deviation overflows T: rejected as NaN is
            ++rejected_;
            return set(drift_signal::none);
        }
        ++n_;
        if (++tick_ >= clock_) {
            tick_ = 0;
            if (width_ > grace_) return river_ ? check_river() : check();
        }
        return set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        clear_window();
    }

    /// Mean of the current window (0 when empty).
    T estimate() const noexcept { return width_ ? total_ / real(width_) : T(0); }
    std::uint64_t window_length() const noexcept { return width_; }
    /// Sum of the window's samples and the sum of squared deviations from its mean.
    T total() const noexcept { return total_; }
    T variance_sum() const noexcept { return variance_; }
    /// Sample variance of the window (population form, as River's variance / width).
    T variance() const noexcept { return width_ ? variance_ / real(width_) : T(0); }
    /// Buckets in use (at most Rows * (MaxBuckets + 1)).
    std::size_t buckets() const noexcept {
        std::size_t b = 0;
        for (std::size_t r = 0; r < used_rows_; ++r) b += rows_[r].count;
        return b;
    }

    template <class V>
    void visit_state(V& v) {
        detector_base::visit_state(v);
        v(rows_); v(used_rows_); v(width_); v(total_); v(variance_); v(tick_);
    }
    bool state_is_valid() const noexcept {
        if (used_rows_ > Rows || tick_ >= clock_) return false;
        std::uint64_t w = 0;
        for (std::size_t r = 0; r < Rows; ++r) {
            if (rows_[r].count > MaxBuckets || rows_[r].head >= slots) return false;
            if (r >= used_rows_ && rows_[r].count) return false;
            // Every used row holds a bucket (a merge leaves MaxBuckets - 1 >= 1 behind, and only
            // the highest row empties, by drops): drop_oldest() pops the highest used row, and
            // an empty one below it would be popped empty (its count wrapping to 255).
            if (r < used_rows_ && rows_[r].count == 0) return false;
            w += std::uint64_t{rows_[r].count} << r;
        }
        return w == width_;
    }

private:
    struct row {
        std::array<T, slots> total{};
        std::array<T, slots> var{};
        std::uint8_t head = 0;   // slot of the oldest bucket
        std::uint8_t count = 0;  // buckets in the row
        // k-th oldest bucket's slot
        std::uint8_t slot(unsigned k) const noexcept {
            unsigned s = head + k;
            return static_cast<std::uint8_t>(s >= slots ? s - slots : s);
        }
        void push(T t, T v) noexcept {
            const auto s = slot(count);
            total[s] = t;
            var[s] = v;
            ++count;
        }
        void pop() noexcept {
            head = slot(1);
            --count;
        }
        template <class V>
        void visit_state(V& v) { v(total); v(var); v(head); v(count); }
    };

    static T real(std::uint64_t v) noexcept { return to_real<T>(v); }

    void clear_window() noexcept {
        for (auto& r : rows_) r = row{};
        used_rows_ = 0;
        width_ = 0;
        total_ = variance_ = T(0);
        tick_ = 0;
    }

    // Adds x to the window; false, changing nothing, when the window's variance or sum would
    // overflow T with it (|x| ~ 1e18 from a window mean near 0, in float): an Inf variance would
    // switch the cut test off for good, and the bucket holding x would never leave the window.
    // (An empty window takes any finite x: variance 0, sum x.)
    bool insert(T x) noexcept {
        T variance = variance_;
        if (width_ > 0) {
            const T w = real(width_ + 1);
            const T d = x - total_ / (w - T(1));
            variance += (w - T(1)) * d * d / w;
        }
        const T total = total_ + x;
        if (NERVE_UNLIKELY(!nerve::is_finite(variance) || !nerve::is_finite(total))) {
            // x is the outlier: refused. The window is (a mean beyond x's, as only a restored
            // hostile state has): it restarts with x, which an empty window always takes.
            if (width_ == 0 || std::abs(x) >= std::abs(total_ / real(width_))) return false;
            clear_window();
            return insert(x);
        }
        if (used_rows_ == 0) used_rows_ = 1;
        rows_[0].push(x, T(0));
        ++width_;
        variance_ = variance;
        total_ = total;
        // Merge the two oldest buckets of a full row into one bucket of the next row.
        T n = T(1), inv_n = T(1);  // 2^r and 2^-r, exact
        for (std::size_t r = 0; r < used_rows_ && rows_[r].count == slots; ++r, n += n, inv_n *= T(0.5)) {
            row& a = rows_[r];
            if (r + 1 == Rows) {  // the histogram is full: slide, dropping the oldest bucket
                drop_oldest();
                break;
            }
            const std::uint8_t s0 = a.slot(0), s1 = a.slot(1);
            // River's merge, n1 n2 / (n1 + n2) (mu1 - mu2)^2 with n1 = n2 = n; scaling by powers
            // of two is exact, so multiplying by 2^-r gives River's quotients bit for bit.
            const T d = a.total[s0] * inv_n - a.total[s1] * inv_n;
            const T v = a.var[s0] + a.var[s1] + n * T(0.5) * d * d;
            const T t = a.total[s0] + a.total[s1];
            a.pop();
            a.pop();
            if (r + 1 == used_rows_) ++used_rows_;
            rows_[r + 1].push(t, v);
        }
        return true;
    }

    // Removes the oldest bucket (the head of the highest row); returns its size.
    std::uint64_t drop_oldest() noexcept {
        const std::size_t r = used_rows_ - 1;
        row& b = rows_[r];
        const std::uint8_t s = b.slot(0);
        const std::uint64_t n = std::uint64_t{1} << r;
        const T nn = real(n);
        const T u = b.total[s];
        const T v = b.var[s];
        width_ -= n;
        total_ -= u;
        if (width_ == 0) {
            total_ = variance_ = T(0);
        } else {
            const T w = real(width_);
            const T d = u / nn - total_ / w;
            variance_ -= v + nn * w * d * d / (nn + w);
            if (variance_ < T(0)) variance_ = T(0);  // rounding after many deletions
        }
        b.pop();
        if (b.count == 0) --used_rows_;
        return n;
    }

    // d' = ln(2 ln(W) / delta), fixed during one scan of cuts (W changes only after a drop).
    T delta_prime() const noexcept {
        return std::log(T(2) * std::log(real(width_)) / delta_);
    }

    // |dm| > sqrt(2 m var d') + 2/3 d' m, written without the square root in the common case.
    bool significant(T n0, T n1, T dm, T var_w, T dp) const noexcept {
        const T l = static_cast<T>(min_len_) - T(1);
        const T m = T(1) / (n0 - l) + T(1) / (n1 - l);
        const T eps = std::sqrt(T(2) * m * var_w * dp) + T(2) / T(3) * dp * m;
        return std::fabs(dm) > eps;
    }

    // River's scan (river >= 0.22, bit-compatible): every boundary from the oldest; while a cut
    // holds, drop the oldest bucket and scan again.
    drift_signal check_river() noexcept {
        bool change = false;
        for (bool again = true; again;) {
            again = false;
            T n0 = 0, n1 = real(width_), u0 = 0, u1 = total_;
            const T dp = delta_prime();
            const T var_w = variance_ / real(width_);
            T sz = real(std::uint64_t{1} << (used_rows_ ? used_rows_ - 1 : 0)) * T(2);
            for (std::size_t r = used_rows_; r-- > 0 && !again;) {
                const row& b = rows_[r];
                sz *= T(0.5);
                for (unsigned k = 0; k < b.count; ++k) {
                    const T t = b.total[b.slot(k)];
                    n0 += sz; n1 -= sz; u0 += t; u1 -= t;
                    if (r == 0 && k + 1 == b.count) break;  // W1 empty: no more cuts
                    const T dm = u0 / n0 - u1 / n1;
                    if (n1 >= static_cast<T>(min_len_) && n0 >= static_cast<T>(min_len_) &&
                        significant(n0, n1, dm, var_w, dp)) {
                        change = again = true;
                        if (width_ > 0) drop_oldest();
                        break;
                    }
                }
            }
        }
        return change ? fire(n_ - width_) : set(drift_signal::none);
    }

    // nerve's scan: is any boundary a significant cut? (stops at the first one)
    bool any_significant() const noexcept {
        T n0 = 0, n1 = real(width_), u0 = 0, u1 = total_;
        const T dp = delta_prime();
        const T var_w = variance_ / real(width_);
        const T l = static_cast<T>(min_len_) - T(1);
        const T minl = static_cast<T>(min_len_);
        T sz = real(std::uint64_t{1} << (used_rows_ ? used_rows_ - 1 : 0)) * T(2);
        for (std::size_t r = used_rows_; r-- > 0;) {
            const row& b = rows_[r];
            sz *= T(0.5);
            for (unsigned k = 0; k < b.count; ++k) {
                const T t = b.total[b.slot(k)];
                n0 += sz; n1 -= sz; u0 += t; u1 -= t;
                if (n1 < minl) return false;  // the remaining cuts leave W1 too short
                if (n0 < minl) continue;
                const T dm = std::fabs(u0 / n0 - u1 / n1);
                const T m = T(1) / (n0 - l) + T(1) / (n1 - l);
                const T c = T(2) / T(3) * dp * m;
                if (dm <= c) continue;
                // |dm| > sqrt(2 m var d') + c  <=>  (|dm| - c)^2 > 2 m var d', no square root
                if ((dm - c) * (dm - c) > T(2) * m * var_w * dp) return true;
            }
        }
        return false;
    }

    // Where the change began: the boundary (any, W1 may be shorter than min_window_length
    // here, since this is estimation, not the test) with the largest standardised difference
    // of means |dm| sqrt(n0 n1 / (n0 + n1)). Returns the length of W0 there.
    std::uint64_t best_cut() const noexcept {
        T n0 = 0, n1 = real(width_), u0 = 0, u1 = total_;
        T best = T(-1);
        std::uint64_t k0 = 0, best_n0 = 0;
        T sz = real(std::uint64_t{1} << (used_rows_ ? used_rows_ - 1 : 0)) * T(2);
        for (std::size_t r = used_rows_; r-- > 0;) {
            const row& b = rows_[r];
            sz *= T(0.5);
            for (unsigned k = 0; k < b.count; ++k) {
                const T t = b.total[b.slot(k)];
                n0 += sz; n1 -= sz; u0 += t; u1 -= t;
                k0 += std::uint64_t{1} << r;
                if (n1 <= T(0)) break;
                const T dm = u0 / n0 - u1 / n1;
                const T score = dm * dm * (n0 * n1 / (n0 + n1));
                if (score > best) { best = score; best_n0 = k0; }
            }
        }
        return best_n0;
    }

    drift_signal check() noexcept {
        if (!any_significant()) return set(drift_signal::none);
        // Drop W0 at the estimated change point, then the bucket right after it (it may
        // straddle the change) when W1 keeps min_window_length samples without it.
        const std::uint64_t cut = best_cut();
        std::uint64_t dropped = 0;
        while (dropped < cut && width_ > 0) dropped += drop_oldest();
        const std::uint64_t begin = n_ - width_;
        if (used_rows_ > 0 && width_ - (std::uint64_t{1} << (used_rows_ - 1)) >= min_len_) drop_oldest();
        // A cut inside what the window already held at the last drift is leftover of that same
        // change (old samples that shared a bucket with new ones): clean it up silently.
        if (detections_ > 0 && begin <= detection_index_) return set(drift_signal::none);
        return fire(begin);
    }

    T delta_;
    std::uint32_t clock_, min_len_, grace_;
    bool river_;

    std::array<row, Rows> rows_{};
    std::size_t used_rows_ = 0;
    std::uint64_t width_ = 0;
    T total_ = 0, variance_ = 0;
    std::uint32_t tick_ = 0;
};

}  // namespace nerve::drift
