// nerve/drift/kswin.hpp — KSWIN: Kolmogorov-Smirnov windowing (Raab, Heusinger & Schleif 2020).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "detector.hpp"
#include "ks_test.hpp"

namespace nerve::drift {

/// The default reference sampler of kswin: k distinct indices out of [0, n) by a partial
/// Fisher-Yates shuffle driven by xorshift32 (4 bytes of state, no division in the hot loop but
/// one multiply-shift per draw). Any type with the same three members can replace it; the tests
/// plug in a bit-exact copy of Python's random.Random(seed).sample to reproduce River.
class xorshift_sampler {
public:
    constexpr explicit xorshift_sampler(std::uint32_t seed = 42) noexcept : seed_(seed ? seed : 1u), s_(seed_) {}
    /// Writes k distinct indices from [0, n) to out; pool has room for n indices.
    constexpr void sample(std::uint16_t* out, unsigned k, unsigned n, std::uint16_t* pool) noexcept {
        for (unsigned i = 0; i < n; ++i) pool[i] = static_cast<std::uint16_t>(i);
        for (unsigned i = 0; i < k; ++i) {
            const unsigned m = n - i;
            const unsigned j = static_cast<unsigned>((static_cast<std::uint64_t>(next()) * m) >> 32);
            out[i] = pool[j];
            pool[j] = pool[m - 1];
        }
    }
    constexpr void reseed() noexcept { s_ = seed_; }
    template <class V>
    constexpr void visit_state(V& v) { v(s_); }

private:
    constexpr std::uint32_t next() noexcept {
        s_ ^= s_ << 13;
        s_ ^= s_ >> 17;
        s_ ^= s_ << 5;
        return s_;
    }
    std::uint32_t seed_, s_;
};

struct kswin_options {
    double alpha = 0.005;  ///< significance of the KS test (River: keep below 0.01)
};

/// KSWIN with River's semantics: a sliding window of Window samples; once it is full, every
/// sample compares the most recent Stat samples R with Stat samples W drawn without replacement
/// from the older Window - Stat, by the two-sample Kolmogorov-Smirnov test, and fires when
/// p-value <= alpha and D > 0.1. After a drift the window is emptied and the sampler reseeded
/// (River re-creates both), so the detector refills before testing again.
///
/// Exactness: the p-value is the exact one for two samples of equal size (ks_test.hpp), the
/// same scipy.stats.ks_2samp computes for River (method 'auto' is exact at these sizes). Since
/// it falls with D, the critical D for alpha is found once at construction and each sample
/// compares integers; p_value() gives the p-value of the last test on demand.
///
/// change_point(): the first sample of the recent window R at the detection. estimate(): mean of
/// R (of what the window holds while filling). Per sample O(Stat) to keep R sorted and
/// O(Stat log Stat) to sort the drawn reference. RAM: Window samples + 2 Stat sorted copies +
/// index scratch; sizeof(kswin<float, 100, 30>) is about 1 kB. NaN/Inf rejected and counted.
template <sample_type T = float, std::size_t Window = 100, std::size_t Stat = 30, class Sampler = xorshift_sampler>
class kswin : public detector_base {
    static_assert(std::is_floating_point_v<T>, "kswin works on float or double samples");
    static_assert(Stat >= 2 && Stat < Window && Window - Stat >= Stat, "need Stat <= Window - Stat");
    static_assert(Window < 65536, "indices are 16-bit");

public:
    using input_type = T;
    using output_type = drift_signal;
    static constexpr std::size_t window_size = Window;
    static constexpr std::size_t stat_size = Stat;

    kswin() noexcept : kswin(kswin_options{}) {}
    explicit kswin(const kswin_options& o, Sampler s = Sampler{}) noexcept
        : alpha_(o.alpha), sampler_(s),
          h_crit_(ks_2samp_equal_critical_h(static_cast<unsigned>(Stat), o.alpha)) {
        NERVE_ASSERT(o.alpha > 0.0 && o.alpha < 1.0);
        // River also requires D > 0.1, i.e. h > Stat / 10.
        const unsigned h_min = static_cast<unsigned>(Stat / 10 + 1);
        if (h_crit_ < h_min) h_crit_ = h_min;
    }

    drift_signal operator()(T x) noexcept { return update(x); }

    drift_signal update(T x) noexcept {
        if (!accept(x)) return drift_signal::none;
        if (drift_detected()) restart();
        ++n_;
        // Slide the window (ring), keeping the recent Stat samples sorted.
        if (count_ == Window) {
            head_ = head_ + 1 == Window ? 0 : head_ + 1;
            --count_;
        }
        const T leaving = count_ >= Stat ? at(count_ - Stat) : T(0);
        const bool recent_full = count_ >= Stat;
        std::size_t pos = head_ + count_;
        if (pos >= Window) pos -= Window;
        ring_[pos] = x;
        ++count_;
        sorted_replace(recent_full, leaving, x);
        if (count_ < Window) return set(drift_signal::none);

        sampler_.sample(idx_.data(), static_cast<unsigned>(Stat), static_cast<unsigned>(Window - Stat), pool_.data());
        for (std::size_t i = 0; i < Stat; ++i) ref_[i] = at(idx_[i]);
        insertion_sort(ref_.data(), Stat);
        last_h_ = ks_2samp_equal_h(ref_.data(), recent_.data(), Stat);
        if (last_h_ >= h_crit_) return fire(n_ - Stat);
        return set(drift_signal::none);
    }

    void reset() noexcept {
        reset_base();
        restart();
    }

    /// Mean of the recent window R (or of what the window holds while it fills).
    T estimate() const noexcept {
        const std::size_t m = count_ < Stat ? count_ : Stat;
        if (m == 0) return T(0);
        T s = 0;
        for (std::size_t i = 0; i < m; ++i) s += recent_[i];
        return s / static_cast<T>(m);
    }
    std::uint64_t window_length() const noexcept { return count_; }
    /// KS statistic D of the last test (0 before the window is full).
    double statistic() const noexcept { return static_cast<double>(last_h_) / static_cast<double>(Stat); }
    /// Exact p-value of the last test (1 before the window is full).
    double p_value() const noexcept { return ks_2samp_equal_pvalue(static_cast<unsigned>(Stat), last_h_); }
    /// The smallest statistic, as h = Stat * D, that fires.
    unsigned critical_h() const noexcept { return h_crit_; }

    template <class V>
    void visit_state(V& v) {
        detector_base::visit_state(v);
        v(ring_); v(recent_); v(head_); v(count_); v(last_h_); v(sampler_);
    }
    bool state_is_valid() const noexcept { return head_ < Window && count_ <= Window && last_h_ <= Stat; }

private:
    T at(std::size_t i) const noexcept {  // i-th oldest sample of the window
        std::size_t p = head_ + i;
        return ring_[p >= Window ? p - Window : p];
    }

    // recent_ holds the newest min(count, Stat) samples sorted; replace `leaving` by `x`.
    void sorted_replace(bool full, T leaving, T x) noexcept {
        std::size_t m = count_ - 1 < Stat ? count_ - 1 : Stat;  // elements before this sample
        if (full) {
            std::size_t k = 0;
            while (k < m && recent_[k] != leaving) ++k;
            for (; k + 1 < m; ++k) recent_[k] = recent_[k + 1];
            --m;
        }
        std::size_t k = m;
        while (k > 0 && x < recent_[k - 1]) {
            recent_[k] = recent_[k - 1];
            --k;
        }
        recent_[k] = x;
    }

    static void insertion_sort(T* a, std::size_t n) noexcept {
        for (std::size_t i = 1; i < n; ++i) {
            const T v = a[i];
            std::size_t k = i;
            while (k > 0 && v < a[k - 1]) {
                a[k] = a[k - 1];
                --k;
            }
            a[k] = v;
        }
    }

    void restart() noexcept {
        head_ = 0;
        count_ = 0;
        last_h_ = 0;
        sampler_.reseed();
    }

    double alpha_;
    Sampler sampler_;
    unsigned h_crit_;

    std::array<T, Window> ring_{};
    std::array<T, Stat> recent_{};
    std::array<T, Stat> ref_{};
    std::array<std::uint16_t, Stat> idx_{};
    std::array<std::uint16_t, Window - Stat> pool_{};
    std::size_t head_ = 0, count_ = 0;
    unsigned last_h_ = 0;
};

}  // namespace nerve::drift
