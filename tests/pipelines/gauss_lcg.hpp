// tests/pipelines/gauss_lcg.hpp — the seeded Gaussian noise source of the metering and forecaster
// tests: a 64-bit LCG (Knuth's MMIX constants), its top 53 bits as a uniform in (0, 1), and
// Box-Muller for a standard normal. Deterministic on every target, so the streams are the same
// on host, Cortex-M4 and aarch64.
#pragma once

#include <cmath>
#include <cstdint>

namespace pipelines_test {

struct gauss_lcg {
    std::uint64_t s;
    explicit gauss_lcg(std::uint64_t seed) : s(seed) {}
    double uniform() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return (static_cast<double>(s >> 11) + 0.5) / 9007199254740992.0;
    }
    double gauss() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(6.283185307179586 * uniform()); }
};

}  // namespace pipelines_test
