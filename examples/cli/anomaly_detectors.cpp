// examples/cli/anomaly_detectors.cpp — the named detectors behind `nerve nab` and `nerve anomaly`.
#include "anomaly_detectors.hpp"

#include <array>
#include <cmath>
#include <memory>

// conformal_ensemble.hpp first: filter/ewma.hpp (included by it) names detail::saturate from
// inside nerve::filter, which breaks once another header has opened nerve::filter::detail
// (moving_median.hpp via robust_zscore.hpp). Reported; ewma.hpp should say nerve::detail::.
#include "nerve/anomaly/conformal_ensemble.hpp"
#include "nerve/anomaly/alarm_gate.hpp"
#include "nerve/anomaly/anomaly_likelihood.hpp"
#include "nerve/anomaly/cusum.hpp"
#include "nerve/anomaly/ewma_chart.hpp"
#include "nerve/anomaly/forecast_residual.hpp"
#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/anomaly/robust_zscore.hpp"
#include "nerve/anomaly/zscore.hpp"

namespace nerve::cli {
namespace {

namespace na = nerve::anomaly;
using na::verdict;

bool has_threshold(const detector_settings& s) { return s.threshold == s.threshold; }

// Wraps a detector object (held by a shared_ptr so a std::function can own it; each one is
// fixed-size and never allocates per sample) as a scorer.
template <class D, class Map>
anomaly_scorer wrap(std::shared_ptr<D> d, Map map) {
    return [d, map](float x) { return map(*d, x); };
}

// The univariate baselines from include/nerve/anomaly: the warm-up is theirs, and a threshold
// replaces their gate's alarm level (the release level follows it down when it is lower).
template <class D>
anomaly_scorer simple(const detector_settings& s) {
    typename D::config c;
    c.warmup = s.warmup;
    if (has_threshold(s)) {
        c.gate.on = s.threshold;
        c.gate.off = std::fmin(c.gate.off, s.threshold);
    }
    return wrap(std::make_shared<D>(c), [](D& d, float x) { return d(x); });
}

anomaly_scorer make_default(const detector_settings& s) {
    na::conformal_ensemble_config c;
    c.probation = s.warmup;
    if (has_threshold(s)) c.gate = s.threshold;
    return wrap(std::make_shared<na::nab_default>(c), [](na::nab_default& d, float x) { return d(x); });
}

// Detectors without a gate of their own: the first `warmup` samples train and score 0, later
// scores pass an alarm_gate at the threshold (released at 0.9 of it).
template <class Core>
struct gated {
    Core core;
    na::alarm_gate gate;
    std::uint32_t warmup, seen = 0;
    verdict operator()(float x) {
        const float s = core(x);
        if (seen < warmup) {
            ++seen;
            return gate(0.0f);
        }
        return gate(s);
    }
};
template <class Core>
anomaly_scorer make_gated(const detector_settings& s, float default_threshold) {
    const float on = has_threshold(s) ? s.threshold : default_threshold;
    auto g = std::make_shared<gated<Core>>(gated<Core>{Core{}, na::alarm_gate(on, 0.9f * on), s.warmup});
    return wrap(g, [](gated<Core>& d, float x) { return d(x); });
}

// Numenta's recipe on a library predictor: Holt forecast residual score -> anomaly likelihood of
// its recent average (NAB's log scale, where NAB's alarm level 1 - 1e-5 is 0.5).
struct likelihood_chain {
    na::forecast_residual<> residual;
    na::anomaly_likelihood<2048, 10> likelihood;
    float operator()(float x) {
        if (!(x == x) || std::isinf(x)) return 0.0f;  // missing: not evidence, nothing learned
        return na::anomaly_likelihood<2048, 10>::log_score(likelihood(residual(x).score).score);
    }
};
constexpr float likelihood_threshold = 0.5f;

// Half-Space Trees (25 trees, height 15, window 250, River's defaults) on the sample scaled by
// the running minimum and maximum seen so far (no look-ahead; NAB hands its detectors the
// whole file's range instead).
struct hst_scaled {
    na::half_space_trees<1, 25, 15, 250> trees;
    float lo = 0.0f, hi = 0.0f;
    bool primed = false;
    float operator()(float x) {
        if (!(x == x) || std::isinf(x)) return 0.0f;
        if (!primed) lo = hi = x, primed = true;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
        const float u = hi > lo ? (x - lo) / (hi - lo) : 0.5f;
        return trees(u).score;
    }
};
constexpr float hst_threshold = 0.999f;  // uncalibrated scores: the other detectors' level

template <class D>
float own_gate() { return typename D::config{}.gate.on; }

const std::array<anomaly_detector, 8> table{{
    {"conformal_ensemble",
     "forecast residual + level + context novelty (hours and day scale) as conformal p-values (default)",
     make_default, na::conformal_ensemble_config{}.gate},
    {"zscore", "EWMA z-score", simple<na::zscore<float>>, own_gate<na::zscore<float>>()},
    {"robust_zscore", "median/MAD z-score over the last 128 samples", simple<na::robust_zscore<float, 128>>,
     own_gate<na::robust_zscore<float, 128>>()},
    {"ewma_chart", "EWMA control chart", simple<na::ewma_chart<float>>, own_gate<na::ewma_chart<float>>()},
    {"cusum", "two-sided CUSUM", simple<na::cusum<float>>, own_gate<na::cusum<float>>()},
    {"forecast_residual", "Holt forecast residual z-score", simple<na::forecast_residual<>>, own_gate<na::forecast_residual<>>()},
    {"likelihood", "Holt forecast residual -> Numenta anomaly likelihood (NAB's log scale)",
     [](const detector_settings& s) { return make_gated<likelihood_chain>(s, likelihood_threshold); },
     likelihood_threshold},
    {"hst", "Half-Space Trees on the running-range-scaled sample",
     [](const detector_settings& s) { return make_gated<hst_scaled>(s, hst_threshold); }, hst_threshold},
}};

}  // namespace

std::span<const anomaly_detector> anomaly_detectors() { return table; }

const anomaly_detector* find_anomaly_detector(std::string_view name) {
    if (name == "default") name = "conformal_ensemble";
    for (const auto& d : table)
        if (name == d.name) return &d;
    return nullptr;
}

std::string anomaly_detector_names() {
    std::string s;
    for (const auto& d : table) s += (s.empty() ? "" : ", ") + std::string(d.name);
    return s;
}

std::uint32_t nab_probation(std::size_t rows) {
    return static_cast<std::uint32_t>(rows * 15 / 100 < 750 ? rows * 15 / 100 : 750);
}

}  // namespace nerve::cli
