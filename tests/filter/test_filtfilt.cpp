// tests/filter/test_filtfilt.cpp — sosfiltfilt against scipy.signal.sosfiltfilt
// (tests/golden/filtfilt.hpp, tools/gen_golden_filtfilt.py), in double and float, in place,
// and its refusals.
#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "golden/filtfilt.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/filtfilt.hpp"

namespace nf = nerve::filter;
using nerve::errc;

namespace {

template <std::size_t S>
std::array<nf::sos_section<double>, S> sos_of(const double (&rows)[S][6]) {
    std::array<nf::sos_section<double>, S> s{};
    for (std::size_t k = 0; k < S; ++k) s[k] = {rows[k][0], rows[k][1], rows[k][2], rows[k][3], rows[k][4], rows[k][5]};
    return s;
}

// Largest |y - ref| over max |ref|, for T = double or float, out of place and in place.
template <class T, class Case>
double worst_error(bool in_place) {
    const auto sos = sos_of(Case::sos);
    std::vector<T> x(Case::x.begin(), Case::x.end()), y(x.size());
    nerve::result<void> r;
    if (in_place) {
        NERVE_REQUIRE_NO_ALLOC(r = Case::default_padlen ? nf::sosfiltfilt<T>(sos, x, x)
                                                         : nf::sosfiltfilt<T>(sos, x, x, Case::padlen));
        y = x;
    } else {
        NERVE_REQUIRE_NO_ALLOC(r = Case::default_padlen ? nf::sosfiltfilt<T>(sos, x, y)
                                                         : nf::sosfiltfilt<T>(sos, x, y, Case::padlen));
    }
    REQUIRE(r.ok());
    double peak = 0, err = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        peak = std::max(peak, std::abs(Case::y[i]));
        err = std::max(err, std::abs(static_cast<double>(y[i]) - Case::y[i]));
    }
    return err / peak;
}

template <class Case>
void check_case(const char* name) {
    INFO(name);
    if (Case::default_padlen) CHECK(nf::filtfilt_padlen(sos_of(Case::sos)) == Case::padlen);  // scipy's default
    // Double: scipy's own arithmetic up to rounding (its zi comes from a linear solve).
    CHECK(worst_error<double, Case>(false) < 1e-12);
    CHECK(worst_error<double, Case>(true) < 1e-12);
    // Float: two passes of the cascade in float against double.
    CHECK(worst_error<float, Case>(false) < 2e-5);
    CHECK(worst_error<float, Case>(true) < 2e-5);
}

}  // namespace

TEST_CASE("sosfiltfilt matches scipy.signal.sosfiltfilt", "[filtfilt]") {
    namespace g = golden::filtfilt;
    check_case<g::butter4_low>("butter 4 low-pass");
    check_case<g::butter4_band>("butter 4 band-pass");
    check_case<g::butter4_band_long>("butter 4 band-pass, 5000 samples");
    check_case<g::cheby1_3_high>("cheby1 6 high-pass");
    check_case<g::butter3_low_odd>("butter 3 (a first-order section)");
    check_case<g::butter4_low_pad5>("padlen 5");
    check_case<g::butter4_low_pad0>("padlen 0");
}

TEST_CASE("sosfiltfilt has zero phase: a symmetric pulse stays symmetric about its centre", "[filtfilt]") {
    namespace g = golden::filtfilt;
    const auto sos = sos_of(g::butter4_band::sos);
    std::array<double, 401> x{}, y{};
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = (static_cast<double>(i) - 200.0) / 12.0;
        x[i] = std::exp(-t * t) * std::cos(0.8 * t * 6.0);
    }
    REQUIRE(nf::sosfiltfilt<double>(sos, x, y).ok());
    // The same cascade run forward only (causal): its output is delayed, so far from symmetric.
    nf::biquad_cascade<double, 4> causal(sos);
    std::array<double, 401> c{};
    causal.process(x, c);
    auto asymmetry = [](const std::array<double, 401>& v) {
        double peak = 0, asym = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            peak = std::max(peak, std::abs(v[i]));
            asym = std::max(asym, std::abs(v[i] - v[v.size() - 1 - i]));
        }
        return asym / peak;
    };
    CHECK(asymmetry(c) > 0.5);
    // Zero phase up to the edges' start-up (measured 3.2e-6 here: the backward pass starts
    // from the steady state at the last forward output, not from the pulse's true tail).
    CHECK(asymmetry(y) < 1e-5);
}

TEST_CASE("sosfiltfilt refuses what it cannot filter and leaves y untouched", "[filtfilt][bad-input]") {
    namespace g = golden::filtfilt;
    const auto sos = sos_of(g::butter4_low::sos);  // padlen 15
    std::vector<float> x(64, 1.0f), y(64, 7.0f);
    auto code = [&](auto&& r) { return r.ok() ? errc::ok : r.code(); };
    auto untouched = [&] { return std::all_of(y.begin(), y.end(), [](float v) { return v == 7.0f; }); };
    CHECK(code(nf::sosfiltfilt<float>(sos, std::span<const float>(x).first(15), y)) == errc::invalid_argument);
    CHECK(code(nf::sosfiltfilt<float>(sos, std::span<const float>(x).first(0), y)) == errc::invalid_argument);
    CHECK(code(nf::sosfiltfilt<float>(sos, x, std::span<float>(y).first(63))) == errc::invalid_argument);
    CHECK(code(nf::sosfiltfilt<float>(sos, x, y, 31)) == errc::invalid_argument);  // above 3 (2S + 1) = 15
    CHECK(code(nf::sosfiltfilt<float>(sos, std::span<const float>(y).first(32), std::span<float>(y).subspan(1))) ==
          errc::invalid_argument);  // y one sample into x
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
        x[40] = bad;
        CHECK(code(nf::sosfiltfilt<float>(sos, x, y)) == errc::invalid_argument);
        x[40] = 1.0f;
    }
    auto pole_at_dc = sos;
    pole_at_dc[1] = {1.0, 0.0, 0.0, 1.0, -1.0, 0.0};  // an integrator: no steady state
    CHECK(code(nf::sosfiltfilt<float>(pole_at_dc, x, y)) == errc::invalid_argument);
    auto no_a0 = sos;
    no_a0[0].a0 = 0.0;
    CHECK(code(nf::sosfiltfilt<float>(no_a0, x, y)) == errc::invalid_argument);
    auto nan_coef = sos;
    nan_coef[1].b1 = std::numeric_limits<double>::quiet_NaN();
    CHECK(code(nf::sosfiltfilt<float>(nan_coef, x, y)) == errc::invalid_argument);
    CHECK(untouched());
    // The shortest record it takes: padlen + 1 samples. A constant stays that constant (the
    // steady state start), as in scipy.
    REQUIRE(nf::sosfiltfilt<float>(sos, std::span<const float>(x).first(16), y).ok());
    for (std::size_t i = 0; i < 16; ++i) CHECK(std::abs(y[i] - 1.0f) < 1e-5f);
}
