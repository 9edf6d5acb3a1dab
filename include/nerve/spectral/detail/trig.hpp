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

namespace nerve::spectral::detail {

struct cos_sin {
    double c;
    double s;
};

/// cos and sin of x for |x| <= pi/4, by Taylor series to x^23 (next term < 1e-24).
constexpr cos_sin cos_sin_small(double x) noexcept {
    const double x2 = x * x;
    double s = 0.0, c = 0.0;
    // Horner from the highest term down keeps the rounding error at a few ulp.
    double ts = 1.0, tc = 1.0;
    for (int k = 11; k >= 1; --k) {
        ts = 1.0 - x2 / static_cast<double>((2 * k) * (2 * k + 1)) * ts;
        tc = 1.0 - x2 / static_cast<double>((2 * k - 1) * (2 * k)) * tc;
    }
    s = x * ts;
    c = tc;
    return {c, s};
}

/// cos(2*pi*j/n) and sin(2*pi*j/n) for integers j (any), n > 0.
constexpr cos_sin cos_sin_2pi(std::int64_t j, std::int64_t n) noexcept {
    constexpr double pi = 3.14159265358979323846264338327950288;
    j %= n;
    if (j < 0) j += n;
    // Work in units of n/8 (octants): 8*j = oct*n + r, 0 <= r < n.
    const std::int64_t j8 = 8 * j;
    const std::int64_t oct = j8 / n;
    const std::int64_t r = j8 % n;
    // Angle within the octant: theta = oct*pi/4 + r*pi/(4n).
    // Reflect odd octants so the series argument is in [0, pi/4].
    cos_sin base{};
    if (oct % 2 == 0) {
        base = cos_sin_small(pi / 4.0 * static_cast<double>(r) / static_cast<double>(n));
    } else {
        const cos_sin t = cos_sin_small(pi / 4.0 * static_cast<double>(n - r) / static_cast<double>(n));
        base = {t.s, t.c};  // cos(pi/2 - a) = sin(a)
    }
    // base = (cos, sin) of the angle within the quadrant, measured from quadrant start.
    switch (oct / 2) {
        case 0: return {base.c, base.s};
        case 1: return {-base.s, base.c};
        case 2: return {-base.c, -base.s};
        default: return {base.s, -base.c};
    }
}

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
