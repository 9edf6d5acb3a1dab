// nerve/spectral/detail/trig.hpp — constexpr cos/sin of 2*pi*j/n for twiddle tables.
//
// Twiddle tables are built at compile time for exactly the N a program uses (no global
// tables for sizes it does not use, no start-up cost, on an MCU they live in flash). The
// angle is reduced exactly in integers to the first octant, so the only error is the
// Taylor series on |x| <= pi/4 (truncated far below double rounding) plus the rounding
// of 2*pi*j/n itself: |error| < 2e-16 for every table entry.
#pragma once

#include <cstddef>
#include <array>
#include <cstdint>
#include <type_traits>

#include "../../core/constexpr_math.hpp"

namespace nerve::spectral::detail {

// cos/sin of 2 pi j / n with exact integer reduction live with the other constexpr math.
using cmath::cos_sin;
using cmath::cos_sin_2pi;
using cmath::cos_sin_small;


/// cos/sin(2*pi*j/N) for many j at compile time: the first octant is evaluated once by
/// series (N/8 + 1 values) and every other angle is an exact symmetry of it, so building a
/// table of N entries costs about N/8 series evaluations (this keeps clang's and gcc's
/// constexpr step limits away even at N = 16384). Gives bit-identical values to
/// cos_sin_2pi for N divisible by 8.
template <std::size_t N>
struct octant_table {
    static_assert(N % 8 == 0);
    std::array<cos_sin, N / 8 + 1> v{};

    constexpr octant_table() noexcept {
        constexpr double pi = 3.14159265358979323846264338327950288;
        for (std::size_t t = 0; t <= N / 8; ++t) {
            // Same argument rounding as cos_sin_2pi: pi/4 * r / N with r = 8t.
            v[t] = cos_sin_small(pi / 4.0 * static_cast<double>(8 * t) / static_cast<double>(N));
        }
    }

    constexpr cos_sin operator()(std::int64_t j) const noexcept {
        constexpr auto n = static_cast<std::int64_t>(N);
        j %= n;
        if (j < 0) j += n;
        const std::int64_t j8 = 8 * j;
        const std::int64_t oct = j8 / n;
        const std::int64_t r = j8 % n;
        cos_sin base{};
        if (oct % 2 == 0) {
            base = v[static_cast<std::size_t>(r / 8)];
        } else {
            const cos_sin t = v[static_cast<std::size_t>((n - r) / 8)];
            base = {t.s, t.c};
        }
        switch (oct / 2) {
            case 0: return {base.c, base.s};
            case 1: return {-base.s, base.c};
            case 2: return {-base.c, -base.s};
            default: return {base.s, -base.c};
        }
    }
};

/// cos/sin(2*pi*j/N) for j in a table builder: octant_table when N % 8 == 0, else direct.
template <std::size_t N>
struct circle {
    static constexpr bool use_table = N % 8 == 0 && N >= 8;
    std::conditional_t<use_table, octant_table<(use_table ? N : 8)>, char> t{};
    constexpr cos_sin operator()(std::int64_t j) const noexcept {
        if constexpr (use_table) return t(j);
        else return cos_sin_2pi(j, static_cast<std::int64_t>(N));
    }
};

constexpr std::size_t ilog2(std::size_t n) noexcept {
    std::size_t r = 0;
    while ((std::size_t{1} << r) < n) ++r;
    return r;
}

constexpr bool is_pow2(std::size_t n) noexcept { return n != 0 && (n & (n - 1)) == 0; }

}  // namespace nerve::spectral::detail
