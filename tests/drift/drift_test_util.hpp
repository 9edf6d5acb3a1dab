// tests/drift/drift_test_util.hpp — run a detector over a golden stream, collecting what it says.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nerve/drift/detector.hpp"

namespace drift_test {

/// Indices of drifts and of the first warning after the start / after each drift (the way River's
/// documentation prints them), collected without allocating (fixed capacity).
struct record {
    std::array<unsigned, 64> drift{};
    std::array<unsigned, 64> first_warning{};
    std::size_t n_drift = 0, n_warning = 0;

    std::vector<unsigned> drifts() const { return {drift.begin(), drift.begin() + n_drift}; }
    std::vector<unsigned> warnings() const { return {first_warning.begin(), first_warning.begin() + n_warning}; }
};

template <class D, class Seq>
record run(D& d, const Seq& stream, std::size_t n = static_cast<std::size_t>(-1)) {
    record r;
    bool print_warning = true;
    const std::size_t len = n < std::size(stream) ? n : std::size(stream);
    for (std::size_t i = 0; i < len; ++i) {
        const auto s = d.update(static_cast<typename D::input_type>(stream[i]));
        if (s == nerve::drift::drift_signal::warning && print_warning) {
            if (r.n_warning < r.first_warning.size()) r.first_warning[r.n_warning++] = static_cast<unsigned>(i);
            print_warning = false;
        }
        if (s == nerve::drift::drift_signal::drift) {
            if (r.n_drift < r.drift.size()) r.drift[r.n_drift++] = static_cast<unsigned>(i);
            print_warning = true;
        }
    }
    return r;
}

template <std::size_t N>
std::vector<unsigned> vec(const std::array<unsigned, N>& a) { return {a.begin(), a.end()}; }

}  // namespace drift_test
