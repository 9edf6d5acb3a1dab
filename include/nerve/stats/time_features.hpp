// nerve/stats/time_features.hpp — per-frame time-domain features, sharing sub-results.
//
//   auto p = nerve::framer<1024, 1024>{} | nerve::stats::time_features<1024>{{5.0, 50.0, 95.0}};
//   p.push(x, [](const nerve::stats::time_features_result<float, 3>& f) { f.rms, f.kurtosis, f.percentiles[1] });
//
// Per frame x[0..N-1] (two passes: the mean first, then every central moment from it, so
// variance, skewness and kurtosis share one mean and one pass):
//   mean, min, max, peak = max |x|, peak_to_peak = max - min,
//   rms  = sqrt(mean(x^2))                      (not mean-removed; std is the mean-removed one)
//   std  = sqrt(m2),  m_j = mean((x - mean)^j)  (population, as numpy.std)
//   crest_factor = peak / rms
//   skewness = m3 / m2^1.5                      (scipy.stats.skew, bias=True)
//   kurtosis = m4 / m2^2 - 3                    (scipy.stats.kurtosis: Fisher/excess, bias=True)
//   zero_crossing_rate = #{n : (x[n-1] >= 0) != (x[n] >= 0)} / (N - 1)
//   mean_crossing_rate = the same for x - mean
//   percentiles[i] = numpy.percentile(x, q[i]) with its default linear interpolation (q in [0, 100])
// A constant frame (m2 == 0) gives skewness = kurtosis = 0 (crest_factor is then 1, or 0 for all-zero)
// instead of NaN. Percentiles cost one sort of a copy of the frame (skipped when P == 0).
//
// The same computation is available on any span as `compute_time_features(span, q, out)`, e.g.
// to take the skewness and kurtosis of spectrum values (Edge Impulse's "spectral skewness/kurtosis").
//
// Accumulation: per-sample work in float (double for double frames), summed in blocks of 16
// into `Acc` accumulators (double by default; Acc = float makes it all-float, slightly faster
// on a Cortex-M4F and less accurate for near-zero skewness).
//
// Bad input: a frame with NaN or Inf is rejected and counted (`rejected()`), nothing is emitted.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../core/fixed_point.hpp"

namespace nerve::stats {

template <class T, std::size_t P = 0>
struct time_features_result {
    T mean{}, rms{}, std{}, min{}, max{}, peak{}, peak_to_peak{}, crest_factor{};
    T skewness{}, kurtosis{};
    T zero_crossing_rate{}, mean_crossing_rate{};
    std::array<T, P> percentiles{};
};

/// Computes every feature of `x` (size >= 1) into `out`; `scratch` (same size as x) is used
/// for the percentile sort when P > 0. Returns false (out untouched) when x holds NaN or Inf.
template <class Acc = double, class In, class T, std::size_t P>
bool compute_time_features(std::span<const In> x, const std::array<double, P>& q, std::span<T> scratch,
                           time_features_result<T, P>& out) noexcept {
    const std::size_t n = x.size();
    if (n == 0) return false;
    // W: the type of the per-sample work. Sums run in blocks of 16 samples, four lanes in W,
    // each block total added to an Acc accumulator: with Acc = double and float samples the
    // per-sample work stays in float (a Cortex-M4F has no double FPU: ~25x fewer instructions
    // than all-double) while the long sums keep double precision. Fixed order, so results do
    // not depend on the target.
    using W = std::conditional_t<std::is_same_v<Acc, double> && std::is_same_v<In, double>, double,
                                 std::conditional_t<std::is_same_v<Acc, double>, float, Acc>>;
    auto val = [&](std::size_t i) -> W {
        if constexpr (std::is_floating_point_v<In>) return static_cast<W>(x[i]);
        else return static_cast<W>(nerve::to_double(x[i]));
    };
    constexpr std::size_t block = 16;
    // Pass 1: sum, sum of squares, extremes. The four lanes are named locals, not arrays: with an
    // array indexed by the loop (and by i & 3 in a partial block) arm-none-eabi-gcc -O2 kept the
    // lanes in memory, a load and a store around each add. Sample k of a block goes to lane k & 3
    // in both forms, so the sums are the same.
    Acc sum = 0, sum_sq = 0;
    W lo = val(0), hi = val(0);
    auto moments1 = [&](W v, W& s, W& sq) {
        s += v;
        sq += v * v;
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    };
    for (std::size_t b0 = 0; b0 < n; b0 += block) {
        const std::size_t end = b0 + block < n ? b0 + block : n;
        W s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        std::size_t i = b0;
        for (; i + 4 <= end; i += 4) {
            moments1(val(i), s0, q0);
            moments1(val(i + 1), s1, q1);
            moments1(val(i + 2), s2, q2);
            moments1(val(i + 3), s3, q3);
        }
        if (i < end) moments1(val(i), s0, q0);
        if (i + 1 < end) moments1(val(i + 1), s1, q1);
        if (i + 2 < end) moments1(val(i + 2), s2, q2);
        sum += static_cast<Acc>((s0 + s1) + (s2 + s3));
        sum_sq += static_cast<Acc>((q0 + q1) + (q2 + q3));
    }
    if (!(sum_sq - sum_sq == Acc(0)) || !(sum - sum == Acc(0))) return false;  // NaN/Inf somewhere
    const Acc inv_n = Acc(1) / static_cast<Acc>(n);
    const Acc mean = sum * inv_n;
    const W wmean = static_cast<W>(mean);
    // Pass 2: central moments from the one mean, and both crossing counts (each crossing test
    // reads two neighbours, so no state is carried from one sample to the next).
    Acc m2 = 0, m3 = 0, m4 = 0;
    auto moments2 = [&](W v, W& a2, W& a3, W& a4) {
        const W d = v - wmean;
        const W d2 = d * d;
        a2 += d2;
        a3 += d2 * d;
        a4 += d2 * d2;
    };
    for (std::size_t b0 = 0; b0 < n; b0 += block) {
        const std::size_t end = b0 + block < n ? b0 + block : n;
        W a20 = 0, a21 = 0, a22 = 0, a23 = 0, a30 = 0, a31 = 0, a32 = 0, a33 = 0, a40 = 0, a41 = 0, a42 = 0, a43 = 0;
        std::size_t i = b0;
        for (; i + 4 <= end; i += 4) {
            moments2(val(i), a20, a30, a40);
            moments2(val(i + 1), a21, a31, a41);
            moments2(val(i + 2), a22, a32, a42);
            moments2(val(i + 3), a23, a33, a43);
        }
        if (i < end) moments2(val(i), a20, a30, a40);
        if (i + 1 < end) moments2(val(i + 1), a21, a31, a41);
        if (i + 2 < end) moments2(val(i + 2), a22, a32, a42);
        m2 += static_cast<Acc>((a20 + a21) + (a22 + a23));
        m3 += static_cast<Acc>((a30 + a31) + (a32 + a33));
        m4 += static_cast<Acc>((a40 + a41) + (a42 + a43));
    }
    std::size_t zc = 0, mc = 0;
    for (std::size_t i = 1; i < n; ++i) {
        const W a = val(i - 1), b = val(i);
        zc += static_cast<std::size_t>((a >= 0) != (b >= 0));
        mc += static_cast<std::size_t>((a >= wmean) != (b >= wmean));
    }
    m2 *= inv_n;
    m3 *= inv_n;
    m4 *= inv_n;
    const Acc rms = std::sqrt(sum_sq * inv_n);
    const Acc peak = static_cast<Acc>(std::fabs(lo) > std::fabs(hi) ? std::fabs(lo) : std::fabs(hi));
    out.mean = static_cast<T>(mean);
    out.rms = static_cast<T>(rms);
    out.std = static_cast<T>(std::sqrt(m2));
    out.min = static_cast<T>(lo);
    out.max = static_cast<T>(hi);
    out.peak = static_cast<T>(peak);
    out.peak_to_peak = static_cast<T>(hi - lo);
    out.crest_factor = rms > Acc(0) ? static_cast<T>(peak / rms) : T(0);
    if (m2 > Acc(0)) {
        out.skewness = static_cast<T>(m3 / (m2 * std::sqrt(m2)));
        out.kurtosis = static_cast<T>(m4 / (m2 * m2) - Acc(3));
    } else {
        out.skewness = T(0);
        out.kurtosis = T(0);
    }
    const Acc gaps = n > 1 ? static_cast<Acc>(n - 1) : Acc(1);
    out.zero_crossing_rate = static_cast<T>(static_cast<Acc>(zc) / gaps);
    out.mean_crossing_rate = static_cast<T>(static_cast<Acc>(mc) / gaps);
    if constexpr (P > 0) {
        for (std::size_t i = 0; i < n; ++i) scratch[i] = static_cast<T>(val(i));
        std::sort(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(n));
        for (std::size_t j = 0; j < P; ++j) {
            double qq = q[j] < 0.0 ? 0.0 : (q[j] > 100.0 ? 100.0 : q[j]);
            const double pos = qq / 100.0 * static_cast<double>(n - 1);
            const std::size_t i0 = static_cast<std::size_t>(pos);
            const std::size_t i1 = i0 + 1 < n ? i0 + 1 : i0;
            const double frac = pos - static_cast<double>(i0);
            const double a = static_cast<double>(scratch[i0]), b = static_cast<double>(scratch[i1]);
            out.percentiles[j] = static_cast<T>(a + frac * (b - a));
        }
    }
    return true;
}

/// Frame operator: input a frame of N samples (float, double, q15, q31), output the features.
template <std::size_t N, class T = float, std::size_t P = 0, class Acc = double>
class time_features {
public:
    using value_type = std::conditional_t<std::is_floating_point_v<T>, T, float>;
    using input_type = std::span<const T, N>;
    using output_type = time_features_result<value_type, P>;

    /// `percentiles`: the q values (0..100) to report, in the order given.
    constexpr explicit time_features(const std::array<double, P>& percentiles = {}) noexcept : q_(percentiles) {}

    template <class Emit>
    void push(input_type frame, Emit&& emit) {
        if (compute(frame)) emit(static_cast<const output_type&>(result_));
    }

    /// Computes the features of one frame; false (and counted) when it holds NaN or Inf.
    bool compute(input_type frame) noexcept {
        if (!compute_time_features<Acc>(std::span<const T>{frame}, q_, std::span<value_type>{scratch_}, result_)) {
            ++rejected_;
            return false;
        }
        return true;
    }

    const output_type& result() const noexcept { return result_; }
    std::uint64_t rejected() const noexcept { return rejected_; }
    void reset() noexcept { rejected_ = 0; result_ = output_type{}; }

    template <class V>
    void visit_state(V& v) { v(rejected_); }

private:
    std::array<double, P> q_{};
    output_type result_{};
    std::array<value_type, P == 0 ? 1 : N> scratch_{};
    std::uint64_t rejected_ = 0;
};

}  // namespace nerve::stats
