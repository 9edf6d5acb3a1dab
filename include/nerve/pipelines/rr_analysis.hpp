// nerve/pipelines/rr_analysis.hpp — RR series -> heart rate, HRV, ectopic and AF flags.
//
// Input: one RR interval (seconds between consecutive beats) per beat. Output per beat:
//   heart rate      60 / median of the last 8 RR (a median: one missed or extra beat does
//                   not swing the displayed rate; a lasting change shows after 4 beats)
//   SDNN, RMSSD,    over the last `Window` RR intervals (time-domain HRV, Task Force of the
//   pNN50           ESC/NASPE 1996); successive differences across an ectopic beat are left
//                   out, as the standard asks for normal-to-normal intervals
//   ectopic         the RR is < 80 % of the median of the preceding 8 (premature beat),
//                   or the previous one was and this one compensates (> 120 %)
//   irregular (AF)  over the last `AfWindow` RR, after dropping the `AfTrim` shortest and
//                   longest: normalised RMSSD > 0.1 and Shannon entropy of the 16-bin RR
//                   histogram > 0.7 (Dash, Chon, Lu & Raeder, Ann Biomed Eng 37:1701, 2009).
//                   Atrial fibrillation is "irregularly irregular": both must hold; frequent
//                   ectopy alone is regular most of the time and stays below the entropy bound.
//                   A caller that knows a beat is aberrant (ventricular-like QRS:
//                   patient_monitor's QRS check) says so, and the AF window then holds the
//                   interval from the last normal beat to the next normal one as one RR, the
//                   mean of the intervals it spans (a PVC with its compensatory pause reads
//                   as one ordinary RR; at most 8 are joined, so a ventricular run still moves
//                   the window).
//
// Bad input: an RR that is not finite or outside [0.2, 3.0] s is dropped from the HRV
// windows (counted in rejected()) and flagged `valid = false`; a pause longer than 3 s is the
// asystole alarm's business (patient_monitor), not an RR.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::pipelines {

struct rr_features {
    float rr_s = 0.0f;
    float heart_rate_bpm = 0.0f;
    float sdnn_ms = 0.0f;
    float rmssd_ms = 0.0f;
    float pnn50 = 0.0f;        // fraction in [0, 1]
    bool ectopic = false;
    bool irregular = false;    // atrial-fibrillation-like irregularity
    bool valid = false;        // the RR was usable
    std::uint32_t count = 0;   // RR intervals in the HRV window
};

template <std::size_t Window = 64, std::size_t AfWindow = 32, std::size_t AfTrim = 4>
class rr_analysis {
    static_assert(Window >= 8 && AfWindow >= 16 && 2 * AfTrim + 8 <= AfWindow);

public:
    using input_type = float;
    using output_type = rr_features;

    constexpr rr_analysis() noexcept { reset(); }

    /// `aberrant`: the beat that ends this RR has an aberrant (ventricular-like) QRS.
    rr_features operator()(float rr, bool aberrant = false) noexcept {
        rr_features f;
        f.rr_s = rr;
        if (!is_finite(rr) || rr < 0.2f || rr > 3.0f) {
            ++rejected_;
            span_sum_ = 0.0f;
            span_n_ = 0;
            fill_out(f);
            return f;
        }
        f.valid = true;
        const float med = recent_ > 0 ? median8() : rr;
        const bool premature = recent_ >= 4 && rr < 0.8f * med;
        const bool compensatory = prev_ectopic_ && rr > 1.2f * med;
        f.ectopic = premature || compensatory;
        // HRV window (normal-to-normal successive differences only).
        win_[wpos_] = rr;
        ect_[wpos_] = f.ectopic;
        wpos_ = (wpos_ + 1) % Window;
        if (wcount_ < Window) ++wcount_;
        span_sum_ += rr;
        ++span_n_;
        if (!aberrant || span_n_ == 8) {  // the AF window: normal-to-normal, spans averaged
            const float nn = span_n_ == 1 ? rr : span_sum_ / static_cast<float>(span_n_);
            span_sum_ = 0.0f;
            span_n_ = 0;
            sorted_replace(af_[apos_], nn);
            af_[apos_] = nn;
            apos_ = (apos_ + 1) % AfWindow;
            if (acount_ < AfWindow) ++acount_;
        }
        // Every RR enters the rate median (ectopic ones too): a lasting change of rate takes
        // over after 4 beats instead of being called ectopic forever.
        last8_[rpos_] = rr;
        rpos_ = (rpos_ + 1) % 8;
        if (recent_ < 8) ++recent_;
        prev_ectopic_ = premature;
        fill_out(f);
        return f;
    }

    void reset() noexcept {
        win_ = {};
        ect_ = {};
        af_ = {};
        af_sorted_ = {};
        last8_ = {};
        wpos_ = wcount_ = apos_ = acount_ = rpos_ = recent_ = 0;
        prev_ectopic_ = false;
        rejected_ = 0;
        span_sum_ = 0.0f;
        span_n_ = 0;
    }

    std::uint32_t rejected() const noexcept { return rejected_; }

    /// For restore(): only a state this analysis can reach. Each ring's position and count lie
    /// within it, and until it is full the position is the count, the first `count` slots hold
    /// usable RR ([0.2, 3] s: the rate, HRV and histogram arithmetic rely on it) and the rest 0;
    /// af_sorted_ is exactly af_ sorted (sorted_replace keeps it so).
    bool state_is_valid() const noexcept {
        auto ring_ok = [](const auto& a, std::uint32_t pos, std::uint32_t count) {
            const std::size_t n = a.size();
            if (pos >= n || count > n || (count < n && pos != count)) return false;
            for (std::size_t i = 0; i < n; ++i)
                if (i < count ? !(a[i] >= 0.2f && a[i] <= 3.0f) : a[i] != 0.0f) return false;
            return true;
        };
        if (!ring_ok(win_, wpos_, wcount_) || !ring_ok(af_, apos_, acount_) || !ring_ok(last8_, rpos_, recent_))
            return false;
        if (span_n_ >= 8 || !(span_sum_ >= 0.2f * static_cast<float>(span_n_) && span_sum_ <= 3.0f * static_cast<float>(span_n_)))
            return false;
        std::array<float, AfWindow> s = af_;
        for (std::size_t i = 1; i < AfWindow; ++i)
            for (std::size_t j = i; j > 0 && s[j - 1] > s[j]; --j) std::swap(s[j - 1], s[j]);
        return s == af_sorted_;
    }

    template <class V>
    void visit_state(V& v) {
        v(win_); v(ect_); v(af_); v(af_sorted_); v(last8_); v(wpos_); v(wcount_); v(apos_); v(acount_); v(rpos_);
        v(recent_); v(prev_ectopic_); v(rejected_); v(span_sum_); v(span_n_);
    }

private:
    void fill_out(rr_features& f) const noexcept {
        if (recent_ > 0) f.heart_rate_bpm = 60.0f / median8();
        f.count = wcount_;
        if (wcount_ >= 2) {
            float mean = 0.0f;
            for (std::uint32_t i = 0; i < wcount_; ++i) mean += win_[i];
            mean /= static_cast<float>(wcount_);
            float var = 0.0f;
            for (std::uint32_t i = 0; i < wcount_; ++i) var += (win_[i] - mean) * (win_[i] - mean);
            f.sdnn_ms = 1000.0f * std::sqrt(var / static_cast<float>(wcount_ - 1));
            // successive differences in time order, skipping pairs that touch an ectopic beat
            float ss = 0.0f;
            std::uint32_t pairs = 0, over50 = 0;
            const std::uint32_t start = (wpos_ + Window - wcount_) % Window;
            for (std::uint32_t k = 1; k < wcount_; ++k) {
                const std::uint32_t i = (start + k) % Window, j = (start + k - 1) % Window;
                if (ect_[i] || ect_[j]) continue;
                const float d = win_[i] - win_[j];
                ss += d * d;
                ++pairs;
                if (std::fabs(d) > 0.050f) ++over50;
            }
            if (pairs > 0) {
                f.rmssd_ms = 1000.0f * std::sqrt(ss / static_cast<float>(pairs));
                f.pnn50 = static_cast<float>(over50) / static_cast<float>(pairs);
            }
        }
        f.irregular = acount_ == AfWindow && af_irregular();
    }

    // af_sorted_ loses one copy of `old` (the RR leaving the AF window) and gains `rr` in
    // order: the same multiset as af_, so the same sorted values as sorting af_ each time.
    void sorted_replace(float old, float rr) noexcept {
        std::size_t i = 0;
        while (i + 1 < AfWindow && af_sorted_[i] != old) ++i;
        // Close the gap at i, then open one where rr belongs.
        for (; i + 1 < AfWindow; ++i) af_sorted_[i] = af_sorted_[i + 1];
        std::size_t j = AfWindow - 1;
        while (j > 0 && af_sorted_[j - 1] > rr) { af_sorted_[j] = af_sorted_[j - 1]; --j; }
        af_sorted_[j] = rr;
    }

    bool af_irregular() const noexcept {
        // Time order is needed for RMSSD; a sorted copy for the trimming bounds.
        const std::array<float, AfWindow>& s = af_sorted_;
        const float lo = s[AfTrim], hi = s[AfWindow - 1 - AfTrim];
        float mean = 0.0f, ss = 0.0f;
        std::uint32_t n = 0, pairs = 0;
        float prev = 0.0f;
        bool have_prev = false;
        for (std::size_t k = 0; k < AfWindow; ++k) {
            const float r = af_[(apos_ + k) % AfWindow];
            if (r < lo || r > hi) { have_prev = false; continue; }
            mean += r;
            ++n;
            if (have_prev) { ss += (r - prev) * (r - prev); ++pairs; }
            prev = r;
            have_prev = true;
        }
        if (n < 8 || pairs < 4) return false;
        mean /= static_cast<float>(n);
        const float nrmssd = std::sqrt(ss / static_cast<float>(pairs)) / mean;
        // Shannon entropy of the trimmed RR values in 16 equal bins between lo and hi,
        // normalised by log(1/16) as in Dash et al.
        std::array<std::uint8_t, 16> hist{};
        const float span = hi - lo;
        if (!(span > 0.0f)) return false;
        for (std::size_t k = AfTrim; k < AfWindow - AfTrim; ++k) {
            int b = static_cast<int>((s[k] - lo) / span * 16.0f);
            if (b > 15) b = 15;
            if (b < 0) b = 0;
            ++hist[static_cast<std::size_t>(b)];
        }
        const float total = static_cast<float>(AfWindow - 2 * AfTrim);
        float h = 0.0f;
        for (auto c : hist)
            if (c) {
                const float p = static_cast<float>(c) / total;
                h -= p * std::log(p);
            }
        h /= std::log(16.0f);
        return nrmssd > 0.1f && h > 0.7f;
    }

    float median8() const noexcept { return median_of_first(last8_, recent_); }

    std::array<float, Window> win_{};
    std::array<bool, Window> ect_{};
    std::array<float, AfWindow> af_{};
    std::array<float, AfWindow> af_sorted_{};  // af_ kept sorted (one O(AfWindow) step per RR
                                               // instead of a full insertion sort per beat)
    std::array<float, 8> last8_{};
    std::uint32_t wpos_ = 0, wcount_ = 0, apos_ = 0, acount_ = 0, rpos_ = 0, recent_ = 0;
    bool prev_ectopic_ = false;
    std::uint32_t rejected_ = 0;
    float span_sum_ = 0.0f;       // RR since the last normal beat (aberrant beats in between)
    std::uint32_t span_n_ = 0;    // and their number
};

}  // namespace nerve::pipelines
