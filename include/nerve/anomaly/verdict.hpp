// nerve/anomaly/verdict.hpp — what every anomaly detector emits, and the score helpers they share.
//
// A detector maps each input (a sample or a feature vector) to a verdict: a score in [0, 1]
// (0 = normal, 1 = as anomalous as the detector can say) and an alarm flag. The score is
// always finite and in range whatever the input, so it can be thresholded, averaged,
// quantiled or written to a NAB results file without checks. The alarm flag comes from the
// detector's alarm_gate (anomaly/alarm_gate.hpp): hysteresis and a refractory period on top
// of the score, so the flag marks the onset of an anomalous episode, not every sample of it.
#pragma once

#include <cmath>
#include <limits>

#include "../config.hpp"
#include "../core/numeric.hpp"

namespace nerve::anomaly {

struct verdict {
    float score = 0;     ///< in [0, 1], always finite
    bool alarm = false;  ///< true on the sample where an alarm starts (see alarm_gate)

    friend constexpr bool operator==(const verdict&, const verdict&) = default;
};

/// Forces a score into [0, 1]; NaN becomes 0 (no evidence), +Inf 1.
constexpr float clamp_score(float s) noexcept {
    if (!(s == s)) return 0.0f;
    return s < 0.0f ? 0.0f : (s > 1.0f ? 1.0f : s);
}

// ---- Score calibration --------------------------------------------------------------------
// A detector whose statistic has a tail probability p (how often normal data would look at
// least this extreme) reports score = 1 - p while p >= 1e-3, so the usual gates (0.99, 0.999)
// read as false-alarm probabilities. Below 1e-3 the plain 1 - p is useless in float: 1 - p
// rounds to 1 once p < 6e-8 (a 5.4-sigma z-score), and every stronger anomaly ties with it,
// which makes the scores impossible to rank (a NAB threshold sweep, a score quantile, an
// ensemble maximum all see one flat top). So the tail is compressed on a log-log scale:
//   score = 1 - p                                  for p >= 1e-3
//   score = 1 - 1e-3 / (1 + ln(1 + ln(1e-3 / p)))   for p <  1e-3
// Continuous with a continuous slope at the knee and strictly increasing as p falls; the whole
// float range of ln p (down to -3.4e38) lands in 1 - score in [1.1e-5, 1e-3], about 16,000
// distinct floats, so it never rounds to 1 for a finite statistic (only p = 0, i.e. an
// infinite statistic, scores exactly 1). Landmarks: p = 1e-5 -> 0.999633, 1e-10 -> 0.999740,
// 1e-100 -> 0.999844; a z-score of 5 -> 0.999681, 10 -> 0.999793, 1e3 -> 0.999929, 1e8 -> 0.999973.
// Detectors whose statistic is not a probability define their own strictly monotone map
// (see cusum.hpp, half_space_trees.hpp) and say so.

/// Tail probabilities at or above this are reported as 1 - p (see above).
inline constexpr float tail_knee = 1e-3f;
inline constexpr float log_tail_knee = -6.9077552790f;  // ln 1e-3

/// Score of a tail probability p given as its natural log (log_p = ln p <= 0, so no
/// precision is lost however small p is). NaN gives 0; ln p >= 0 gives 0; -Inf gives 1.
inline float tail_score(float log_p) noexcept {
    if (!(log_p == log_p) || log_p >= 0.0f) return 0.0f;
    if (log_p >= log_tail_knee) return clamp_score(-std::expm1(log_p));  // 1 - p without cancellation
    const float v = log_tail_knee - log_p;  // > 0, +Inf for p = 0
    return clamp_score(1.0f - tail_knee / (1.0f + std::log1p(v)));
}

/// ln erfc(x), accurate where erfc(x) underflows float (x > 9.2): the asymptotic expansion
/// erfc(x) = e^(-x^2) / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4) - 15/(8x^6) + ...), whose next
/// term is below 2e-7 relative at x = 9. -Inf for x = +Inf (and for x^2 > 3.4e38).
inline float log_erfc(float x) noexcept {
    if (!(x == x)) return x;
    if (x < 9.0f) return std::log(std::erfc(x));  // erfc(9) = 4.1e-37 is still a normal float
    const float r = 1.0f / (x * x);
    return -x * x - std::log(x) - 0.57236494f + std::log1p(r * (-0.5f + r * (0.75f - 1.875f * r)));
}

/// Two-sided Gaussian score of a standard score z: 1 - p with p = P(|N(0,1)| >= |z|) =
/// erfc(|z| / sqrt 2), i.e. erf(|z| / sqrt 2) up to |z| = 3.29 (p = 1e-3), then the
/// compressed tail of tail_score. 0 at z = 0, 0.683 at 1, 0.954 at 2, 0.9973 at 3, 0.999 at
/// 3.29, 0.999681 at 5, 0.999793 at 10; never 1 for a finite z. NaN gives 0, +-Inf 1.
inline float z_to_score(float z) noexcept {
    if (!(z == z)) return 0.0f;
    const float a = std::fabs(z);
    if (a < 3.2905267f) return clamp_score(std::erf(a * 0.70710678f));
    return tail_score(log_erfc(a * 0.70710678f));
}

/// One-sided Gaussian score of a statistic that is large when anomalous: 1 - p with
/// p = P(N(0,1) >= z) = 0.5 erfc(z / sqrt 2); 0.5 at z = 0, 0.999 at z = 3.09, then the
/// compressed tail of tail_score.
inline float z_to_score_one_sided(float z) noexcept {
    if (!(z == z)) return 0.0f;
    if (z < 3.0902323f) return z < -14.0f ? 0.0f : clamp_score(0.5f * std::erfc(-z * 0.70710678f));
    return tail_score(log_erfc(z * 0.70710678f) - 0.69314718f);
}

/// Maps a non-negative ratio r = statistic / decision threshold to [0, 1): r / (1 + r), so the
/// detector's own threshold (r = 1) is score 0.5 and the map is monotone.
inline float ratio_to_score(float r) noexcept {
    if (!(r == r) || r <= 0.0f) return 0.0f;
    if (r > 1e30f) return 1.0f;
    return clamp_score(r / (1.0f + r));
}

namespace detail {
/// P(chi2_k > x) by the closed forms for integer k, direct in float: e^(-x/2) sum_j (x/2)^j / j!
/// for even k; erfc(sqrt(x/2)) + e^(-x/2) sum_j (x/2)^(j+1/2) / Gamma(j+3/2) for odd k.
/// Accurate while e^(-x/2) is a normal float; returns 0 past h = x/2 > 80 (then the caller
/// uses the log form, which is right for any k).
inline float chi2_sf_direct(float x, unsigned k) noexcept {
    const float h = 0.5f * x;
    if (h > 80.0f) return 0.0f;
    const float e = std::exp(-h);
    if (k % 2 == 0) {
        float term = 1.0f, sum = 1.0f;  // (x/2)^0 / 0!
        for (unsigned j = 1; j < k / 2; ++j) {
            term *= h / static_cast<float>(j);
            sum += term;
        }
        return e * sum;
    }
    const float r = std::sqrt(h);
    float term = r * 1.1283791671f;  // (x/2)^(1/2) / Gamma(3/2) = 2 sqrt(x/2) / sqrt(pi)
    float sum = 0.0f;
    for (unsigned j = 0; j < k / 2; ++j) {
        sum += term;
        term *= h / (static_cast<float>(j) + 1.5f);
    }
    return std::erfc(r) + e * sum;
}
}  // namespace detail

/// ln P(chi2_k > x), the log survival function, finite for every finite x > 0 (the direct
/// form underflows float past x ~ 170). For a tiny tail the sums above are factored around
/// their largest (last) term t_m, ln sum = ln t_m + ln R with R = 1 + (m/h)(1 + ((m-1)/h)(...))
/// by Horner, and lgamma for the factorials. 0 for x <= 0, NaN or k = 0; -Inf for x = +Inf.
inline float chi2_log_sf(float x, unsigned k) noexcept {
    if (!(x == x) || x <= 0.0f || k == 0) return 0.0f;
    if (x > 3.4e38f) return -std::numeric_limits<float>::infinity();
    const float direct = detail::chi2_sf_direct(x, k);
    if (direct > 1e-30f) return std::log(direct);
    const float h = 0.5f * x, lh = std::log(h);
    if (k == 1) return log_erfc(std::sqrt(h));
    if (k % 2 == 0) {
        const unsigned m = k / 2 - 1;  // last index of the sum
        if (m == 0) return -h;
        float r = 1.0f;
        for (unsigned i = 1; i <= m; ++i) r = 1.0f + r * static_cast<float>(i) / h;
        return -h + static_cast<float>(m) * lh - std::lgamma(static_cast<float>(m) + 1.0f) + std::log(r);
    }
    const unsigned m = k / 2 - 1;  // sum over j = 0 .. m of (x/2)^(j+1/2) / Gamma(j+3/2)
    float r = 1.0f;
    for (unsigned j = 1; j <= m; ++j) r = 1.0f + r * (static_cast<float>(j) + 0.5f) / h;
    const float log_sum = (static_cast<float>(m) + 0.5f) * lh - std::lgamma(static_cast<float>(m) + 1.5f) + std::log(r);
    const float log_erfcx = log_erfc(std::sqrt(h)) + h;  // ln(e^h erfc(sqrt h)), < ln sum here
    return -h + log_sum + std::log1p(std::exp(log_erfcx - log_sum));
}

/// Chi-square score of a squared Mahalanobis distance x of a k-dimensional Gaussian: 1 - p
/// with p = P(chi2_k > x): the CDF while p >= 1e-3, then the compressed tail of tail_score
/// on chi2_log_sf. NaN and x <= 0 give 0, +Inf gives 1.
inline float chi2_to_score(float x, unsigned k) noexcept {
    if (!(x == x) || x <= 0.0f || k == 0) return 0.0f;
    const float p = detail::chi2_sf_direct(x, k);
    if (p >= tail_knee) return clamp_score(1.0f - p);
    return tail_score(chi2_log_sf(x, k));
}

}  // namespace nerve::anomaly
