// nerve/core/lane_sums.hpp — power sums in 8 lanes: the inner loop of the time features that
// vibration_severity and the bearing monitor take over each block (sum of squares, of fourth
// powers, peak |v|).
//
// Lane j takes v[8k + j], so a result does not depend on the vector width of the target. The
// 8 lanes are one GCC/clang vector (the vector extension), which every SIMD target lowers to its
// own registers (one AVX vector, two NEON or SSE2 ones); written as 8 scalar partial sums, GCC's
// SLP pass left the loop scalar. Scalar targets (the Cortex-M4) have no use for this: their
// callers keep the few partial sums they need in registers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace nerve::detail {

#if defined(__GNUC__)
/// Per-lane s2 += v^2, (Fourth) s4 += v^4 and peak = max(peak, |v|) over the whole groups of 8
/// in v[0, n); float or double. Returns the count taken (n rounded down to a multiple of 8). A
/// lane's peak keeps its value unless |v| is greater (so a NaN leaves it as it was); the callers
/// test their sums for finiteness.
template <class T, bool Fourth>
struct lane_sums8 {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    T s2[8] = {}, s4[8] = {}, peak[8] = {};

    std::size_t add(const T* v, std::size_t n) noexcept {
        // Spelt as concrete types: GCC ignores vector_size on a dependent type (T) in an alias.
        using f8 = float __attribute__((vector_size(32)));
        using i8 = std::int32_t __attribute__((vector_size(32)));
        using d8 = double __attribute__((vector_size(64)));
        using l8 = std::int64_t __attribute__((vector_size(64)));
        constexpr bool f = std::is_same_v<T, float>;
        using vec = std::conditional_t<f, f8, d8>;
        using veci = std::conditional_t<f, i8, l8>;
        using bits = std::conditional_t<f, std::int32_t, std::int64_t>;
        constexpr bits magnitude = static_cast<bits>(~(bits{1} << (8 * sizeof(T) - 1)));   // all but the sign bit
        static_assert(sizeof(vec) == sizeof s2);
        vec a2, a4, ap;
        std::memcpy(&a2, s2, sizeof a2);
        std::memcpy(&a4, s4, sizeof a4);
        std::memcpy(&ap, peak, sizeof ap);
        std::size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            vec x;
            std::memcpy(&x, v + i, sizeof x);
            if constexpr (Fourth) {
                const vec x2 = x * x;
                a2 += x2;
                a4 += x2 * x2;
            } else {
                a2 += x * x;
            }
            // A vector ?: (a compare and a select on every target); spelt as and/or masks, GCC 12
            // split it into a scalar compare per lane on aarch64.
            const vec a = (vec)((veci)x & magnitude);
            ap = a > ap ? a : ap;
        }
        std::memcpy(s2, &a2, sizeof a2);
        if constexpr (Fourth) std::memcpy(s4, &a4, sizeof a4);
        std::memcpy(peak, &ap, sizeof ap);
        return i;
    }
};
#endif

}  // namespace nerve::detail
