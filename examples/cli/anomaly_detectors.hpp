// examples/cli/anomaly_detectors.hpp — the streaming anomaly detectors the `nerve` tool offers by
// name (`nerve nab --detector`, `nerve anomaly --detector`), each behind one signature: a fresh
// detector per series, fed one sample at a time (NaN = missing), answering a verdict.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "nerve/anomaly/verdict.hpp"

namespace nerve::cli {

/// What a series tells its detector before the first sample.
struct detector_settings {
    std::uint32_t warmup = 0;  ///< samples that only train (scored 0, no alarm)
    /// Alarm when the score reaches this; NaN keeps the detector's own alarm rule (its gate and,
    /// for conformal_ensemble, its refractory episodes).
    float threshold = std::numeric_limits<float>::quiet_NaN();
};

/// One sample (NaN or +-Inf: missing) -> score in [0, 1] and whether an alarm starts there.
using anomaly_scorer = std::function<nerve::anomaly::verdict(float)>;

struct anomaly_detector {
    const char* name;
    const char* description;
    anomaly_scorer (*make)(const detector_settings&);
    /// The alarm threshold used when detector_settings::threshold is NaN (for help and output).
    float default_threshold;
};

/// Every detector, the default (conformal_ensemble) first.
std::span<const anomaly_detector> anomaly_detectors();

/// The detector called `name` ("default" is conformal_ensemble), or null.
const anomaly_detector* find_anomaly_detector(std::string_view name);

/// "conformal_ensemble, zscore, ..." for help texts and messages.
std::string anomaly_detector_names();

/// NAB's probationary period for a series of `rows` rows: min(floor(0.15 rows), 750).
std::uint32_t nab_probation(std::size_t rows);

}  // namespace nerve::cli
