// tests/drift/drift_test_util.hpp — run a detector over a golden stream, collecting what it says.
#pragma once

#include "nerve_test.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "nerve/core/snapshot.hpp"
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

/// The bad-input contract every drift detector shares: NaN and Inf give no signal, are counted in
/// `rejected()` and leave `samples_seen()` alone; `reset()` clears both and empties the window.
template <class D>
void check_rejects_non_finite() {
    using T = typename D::input_type;
    D d;
    d(T(0));
    CHECK(d(std::numeric_limits<T>::quiet_NaN()) == nerve::drift::drift_signal::none);
    CHECK(d(std::numeric_limits<T>::infinity()) == nerve::drift::drift_signal::none);
    CHECK(d(-std::numeric_limits<T>::infinity()) == nerve::drift::drift_signal::none);
    CHECK(d.rejected() == 3);
    CHECK(d.samples_seen() == 1);
    d.reset();
    CHECK(d.rejected() == 0);
    CHECK(d.samples_seen() == 0);
    CHECK(d.window_length() == 0);
}

/// Feeds stream[0, split) to one detector, restores its snapshot into a fresh one and requires both
/// to give the same signal on every later sample. A split that is not a round number catches state
/// that only happens to agree at block boundaries.
template <class D, std::size_t BufferBytes = 1024, class Seq>
void check_snapshot_round_trip(const Seq& stream, std::size_t split) {
    using T = typename D::input_type;
    D a, b;
    REQUIRE(split < std::size(stream));
    for (std::size_t i = 0; i < split; ++i) a(static_cast<T>(stream[i]));
    std::array<std::byte, BufferBytes> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t i = split; i < std::size(stream); ++i) {
        const T x = static_cast<T>(stream[i]);
        REQUIRE(a(x) == b(x));
    }
}

template <std::size_t N>
std::vector<unsigned> vec(const std::array<unsigned, N>& a) { return {a.begin(), a.end()}; }

}  // namespace drift_test
