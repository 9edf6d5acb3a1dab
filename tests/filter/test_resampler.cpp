#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/fir_filters.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/resampler.hpp"

namespace g = golden::fir_filters;
using nerve::filter::resampler;

static_assert(nerve::general_operator<resampler<float, 3, 2>>);
static_assert(resampler<float, 3, 2>::taps == 61);

namespace {
double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}

// Streams the golden input through R and compares with resample_poly, shifted by R::delay.
template <class R, class T, std::size_t NRef>
void check_against(const double (&ref)[NRef], double rel_tol) {
    static std::array<T, g::n> in;
    static std::array<T, 2 * g::n> out;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = static_cast<T>(g::input[i]);
    static R r;
    r.reset();
    std::size_t w = 0;
    NERVE_REQUIRE_NO_ALLOC(w = r.process(std::span<const T>(in), std::span<T>(out)));
    REQUIRE(w == NRef);  // ceil(n L / M) outputs in total, like resample_poly
    const double tol = rel_tol * max_abs(ref, NRef);
    for (std::size_t k = 0; k + R::delay < w; ++k) {
        INFO("output " << k);
        REQUIRE(std::fabs(out[k + R::delay] - ref[k]) <= tol);
    }
}
}  // namespace

TEST_CASE("resampler: golden resample_poly 3/2 and 2/3 with the default Kaiser design", "[resampler][golden]") {
    check_against<resampler<float, 3, 2>, float>(g::resample_poly_3_2, 1e-5);
    check_against<resampler<double, 3, 2>, double>(g::resample_poly_3_2, 1e-12);
    check_against<resampler<float, 2, 3>, float>(g::resample_poly_2_3, 1e-5);
    check_against<resampler<double, 2, 3>, double>(g::resample_poly_2_3, 1e-12);
}

TEST_CASE("resampler: user taps are scaled by L like resample_poly(window=h)", "[resampler]") {
    std::array<double, 61> h{};
    for (std::size_t i = 0; i < 61; ++i) h[i] = g::firwin61_kaiser5_1over3[i];
    resampler<double, 3, 2> a(h), b;
    for (int i = 0; i < 100; ++i) {
        const double x = std::sin(0.05 * i);
        double ya = 0, yb = 0;
        int na = 0, nb = 0;
        a.push(x, [&](double y) { ya += y; ++na; });
        b.push(x, [&](double y) { yb += y; ++nb; });
        REQUIRE(na == nb);
        REQUIRE(ya == Approx(yb).margin(1e-12));
    }
}

TEST_CASE("resampler: q15 and q31 follow the double result", "[resampler][fixed]") {
    resampler<double, 3, 2> ref, ref31;
    resampler<nerve::q15, 3, 2> r15;
    resampler<nerve::q31, 3, 2> r31;
    static std::array<double, 700> yd, yd31;
    static std::array<nerve::q15, 700> y15;
    static std::array<nerve::q31, 700> y31;
    std::size_t nd = 0, n15 = 0, n31 = 0, nd31 = 0;
    for (std::size_t i = 0; i < 400; ++i) {
        const double x = 0.5 * g::input[i];  // headroom: the kaiser filter overshoots a little
        ref.push(nerve::to_double(nerve::q15::from_float(x)), [&](double y) { yd[nd++] = y; });
        r15.push(nerve::q15::from_float(x), [&](nerve::q15 y) { y15[n15++] = y; });
        r31.push(nerve::q31::from_float(x), [&](nerve::q31 y) { y31[n31++] = y; });
        ref31.push(nerve::to_double(nerve::q31::from_float(x)), [&](double y) { yd31[nd31++] = y; });
    }
    REQUIRE(nd == 600u);
    REQUIRE(n15 == nd);
    REQUIRE(n31 == nd);
    // Output rounding plus coefficient rounding: 61 taps stored halved (off by <= 1 LSB after
    // doubling), inputs <= 0.5.
    for (std::size_t k = 0; k < nd; ++k) {
        REQUIRE(std::fabs(nerve::to_double(y15[k]) - yd[k]) <= (1 + 61 * 0.5 * 0.5 * 2) / 32768.0);
        REQUIRE(std::fabs(nerve::to_double(y31[k]) - yd31[k]) <= (1 + 61 * 0.5 * 0.5 * 2) / 2147483648.0);
    }
}

TEST_CASE("resampler: NaN is replaced by the last good sample and counted", "[resampler][bad-input]") {
    resampler<float, 3, 2> r;
    bool finite = true;
    for (int i = 0; i < 200; ++i) {
        const float x = (i % 50 == 7) ? std::numeric_limits<float>::infinity() : 0.1f;
        r.push(x, [&](float y) { finite = finite && std::isfinite(y); });
    }
    REQUIRE(finite);
    REQUIRE(r.rejected() == 4u);
}
