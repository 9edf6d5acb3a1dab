// tests/infer/cmsis_compare.hpp — helpers shared by the infer tests.
#pragma once

#include <cstdint>

namespace nerve_infer_test {
inline int count_mismatches(const std::int8_t* a, const std::int8_t* b, int n) {
    int wrong = 0;
    for (int i = 0; i < n; ++i) wrong += a[i] != b[i];
    return wrong;
}
inline std::uint32_t lcg(std::uint32_t& s) { s = s * 1664525u + 1013904223u; return s; }
inline std::int8_t random_int8(std::uint32_t& s) { return static_cast<std::int8_t>(lcg(s) >> 24); }
}  // namespace nerve_infer_test
