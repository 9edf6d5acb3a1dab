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

/// Two-sided Gaussian score of a standard score z: P(|N(0,1)| < |z|) = erf(|z| / sqrt 2).
/// 0 at z = 0, 0.683 at 1, 0.954 at 2, 0.9973 at 3, 0.99994 at 4; rounds to 1 in float past
/// |z| ~ 5.7. Non-finite z gives 0 for NaN and 1 for +-Inf.
inline float z_to_score(float z) noexcept {
    if (!(z == z)) return 0.0f;
    const float a = std::fabs(z);
    if (a > 8.0f) return 1.0f;  // also catches Inf
    return clamp_score(std::erf(a * 0.70710678f));
}

/// One-sided Gaussian score of a statistic that is large when anomalous: P(N(0,1) < z) =
/// 0.5 erfc(-z / sqrt 2). 0.5 at z = 0.
inline float z_to_score_one_sided(float z) noexcept {
    if (!(z == z)) return 0.0f;
    if (z > 8.0f) return 1.0f;
    if (z < -8.0f) return 0.0f;
    return clamp_score(0.5f * std::erfc(-z * 0.70710678f));
}

/// Maps a non-negative ratio r = statistic / decision threshold to [0, 1): r / (1 + r), so the
/// detector's own threshold (r = 1) is score 0.5 and the map is monotone (CUSUM, EWMA chart).
inline float ratio_to_score(float r) noexcept {
    if (!(r == r) || r <= 0.0f) return 0.0f;
    if (r > 1e30f) return 1.0f;
    return clamp_score(r / (1.0f + r));
}

/// Chi-square score: P(chi2_k < x), the CDF with k degrees of freedom (the distribution of a
/// squared Mahalanobis distance of a k-dimensional Gaussian), in float. Closed forms for
/// integer k: the upper tail is e^(-x/2) sum_j (x/2)^j / j! for even k, and
/// erfc(sqrt(x/2)) + e^(-x/2) sum_j (x/2)^(j+1/2) / Gamma(j+3/2) for odd k.
inline float chi2_to_score(float x, unsigned k) noexcept {
    if (!(x == x) || x <= 0.0f || k == 0) return 0.0f;
    const float h = 0.5f * x;
    if (h > 80.0f + static_cast<float>(k)) return 1.0f;  // tail below float resolution (also Inf)
    const float e = std::exp(-h);
    float tail, term;
    unsigned j0;
    if (k % 2 == 0) {
        term = 1.0f;  // (x/2)^0 / 0!
        tail = term;
        j0 = 1;
        for (unsigned j = j0; j < k / 2; ++j) {
            term *= h / static_cast<float>(j);
            tail += term;
        }
        tail *= e;
    } else {
        const float r = std::sqrt(h);
        term = r * 1.1283791671f;  // (x/2)^(1/2) / Gamma(3/2) = 2 sqrt(x/2) / sqrt(pi)
        float sum = 0.0f;
        for (unsigned j = 0; j < k / 2; ++j) {
            sum += term;
            term *= h / (static_cast<float>(j) + 1.5f);
        }
        tail = std::erfc(r) + e * sum;
    }
    return clamp_score(1.0f - tail);
}

}  // namespace nerve::anomaly
