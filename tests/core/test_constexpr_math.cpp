#include "nerve_test.hpp"

#include <cmath>

#include "nerve/core/constexpr_math.hpp"

namespace cm = nerve::cmath;

namespace {
double rel(double a, double b) { return std::abs(a - b) / std::max(1e-300, std::abs(b)); }
}  // namespace

// A constexpr variable forces the constant-evaluation path (the series), which run-time
// calls never take (they forward to libm).
#define CT(expr) [] { constexpr double v = (expr); return v; }()

TEST_CASE("constexpr series agree with libm", "[constexpr_math]") {
    CHECK(rel(CT(cm::sin(0.3)), std::sin(0.3)) < 1e-15);
    CHECK(rel(CT(cm::sin(2.9)), std::sin(2.9)) < 1e-14);
    CHECK(rel(CT(cm::cos(-1.2)), std::cos(-1.2)) < 1e-15);
    CHECK(rel(CT(cm::tan(1.1)), std::tan(1.1)) < 1e-14);
    CHECK(rel(CT(cm::sqrt(12345.678)), std::sqrt(12345.678)) < 1e-15);
    CHECK(rel(CT(cm::exp(-7.5)), std::exp(-7.5)) < 1e-14);
    CHECK(rel(CT(cm::log(0.0123)), std::log(0.0123)) < 1e-14);
    CHECK(rel(CT(cm::sinh(0.2)), std::sinh(0.2)) < 1e-15);
    CHECK(rel(CT(cm::asinh(3.0)), std::asinh(3.0)) < 1e-14);
    CHECK(rel(CT(cm::expm1(1e-6)), std::expm1(1e-6)) < 1e-15);
    CHECK(rel(CT(cm::expm1(-0.3)), std::expm1(-0.3)) < 1e-15);
    CHECK(rel(CT(cm::expm1(2.0)), std::expm1(2.0)) < 1e-14);
    CHECK(rel(CT(cm::tanh(0.7)), std::tanh(0.7)) < 1e-15);
    CHECK(CT(cm::tanh(-25.0)) == -1.0);
    // atan through each of its reductions (below tan(pi/8), up to 1, above 1) and both signs.
    CHECK(rel(CT(cm::atan(0.3)), std::atan(0.3)) < 1e-15);
    CHECK(rel(CT(cm::atan(-0.8)), std::atan(-0.8)) < 1e-15);
    CHECK(rel(CT(cm::atan(1.0)), std::atan(1.0)) < 1e-15);
    CHECK(rel(CT(cm::atan(2.0)), std::atan(2.0)) < 1e-15);
    CHECK(rel(CT(cm::atan(-40.0)), std::atan(-40.0)) < 1e-15);
    CHECK(rel(CT(cm::asin(0.5)), std::asin(0.5)) < 1e-15);
    CHECK(rel(CT(cm::asin(-0.999)), std::asin(-0.999)) < 1e-14);
    CHECK(rel(CT(cm::asin(1e-5)), std::asin(1e-5)) < 1e-15);
    CHECK(CT(cm::asin(1.0)) == cm::pi / 2);
    // I0(1) = 1.2660658777520082 (Abramowitz & Stegun table 9.8)
    CHECK(rel(CT(cm::bessel_i0(1.0)), 1.2660658777520082) < 1e-15);
}

TEST_CASE("cos_sin_2pi reduces exactly in integers", "[constexpr_math]") {
    static_assert(cm::cos_sin_2pi(0, 8).c == 1.0);
    static_assert(cm::cos_sin_2pi(2, 8).c == 0.0 && cm::cos_sin_2pi(2, 8).s == 1.0);
    static_assert(cm::cos_sin_2pi(4, 8).c == -1.0);
    double worst = 0;
    for (std::int64_t n : {3, 5, 12, 1000, 1024, 16384}) {
        for (std::int64_t j = -n; j < 2 * n; j += (n > 100 ? 7 : 1)) {
            const auto cs = cm::cos_sin_2pi(j, n);
            const double a = 2.0 * cm::pi * static_cast<double>(j) / static_cast<double>(n);
            worst = std::max({worst, std::abs(cs.c - std::cos(a)), std::abs(cs.s - std::sin(a))});
        }
    }
    CHECK(worst < 1e-14);  // libm's own rounding of a dominates
    CHECK(cm::sqrt(-1.0) != cm::sqrt(-1.0));  // NaN for a negative argument
}
