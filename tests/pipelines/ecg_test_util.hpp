// tests/pipelines/ecg_test_util.hpp — scoring detected beats against the synthetic ECG's R peaks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ecg_test {

struct score {
    std::size_t reference = 0, detected = 0, matched = 0;
    std::size_t missed() const { return reference - matched; }
    std::size_t extra() const { return detected - matched; }
};

/// Greedy one-to-one matching within `tol` samples (both lists sorted).
inline score match(const std::vector<std::uint64_t>& ref, const std::vector<std::uint64_t>& det, std::uint64_t tol) {
    score s;
    s.reference = ref.size();
    s.detected = det.size();
    std::size_t j = 0;
    for (std::uint64_t r : ref) {
        while (j < det.size() && det[j] + tol < r) ++j;
        if (j < det.size() && det[j] <= r + tol) {
            ++s.matched;
            ++j;
        }
    }
    return s;
}

}  // namespace ecg_test
