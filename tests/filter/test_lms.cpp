#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "nerve/core/operator.hpp"
#include "nerve/filter/lms.hpp"

using nerve::filter::lms;
using nerve::filter::lms_input;
using nerve::filter::lms_output;

static_assert(nerve::simple_operator<lms<float, 8>>);

namespace {
// The unknown system to identify (not symmetric, sum |h| < 1 so fixed point has headroom).
constexpr std::array<double, 8> h_true{0.5, -0.3, 0.2, 0.1, -0.05, 0.025, 0.0, -0.0125};

struct white {
    std::uint32_t s = 2024;
    double operator()() {
        s = s * 1664525u + 1013904223u;
        return static_cast<double>(static_cast<std::int32_t>(s)) / 4294967296.0;  // [-0.5, 0.5)
    }
};

// Runs the identification and returns max |w - h_true|.
template <class T>
double identify(lms<T, 8>& f, int samples, double* final_abs_err = nullptr) {
    white noise;
    std::array<double, 8> hist{};
    double last_e = 0;
    for (int n = 0; n < samples; ++n) {
        for (std::size_t k = 7; k > 0; --k) hist[k] = hist[k - 1];
        const T xq = nerve::from_double<T>(noise());
        hist[0] = nerve::to_double(xq);
        double d = 0;
        for (std::size_t k = 0; k < 8; ++k) d += h_true[k] * hist[k];
        last_e = nerve::to_double(f(lms_input<T>{xq, nerve::from_double<T>(d)}));
    }
    if (final_abs_err) *final_abs_err = std::fabs(last_e);
    double m = 0;
    const auto w = f.weights();
    for (std::size_t k = 0; k < 8; ++k) {
        const double d = std::fabs(nerve::to_double(w[k]) - h_true[k]);
        if (d > m) m = d;  // not std::fmax: GCC 12 aarch64 ICEs vectorising an fmax reduction here
    }
    return m;
}
}  // namespace

TEST_CASE("lms: NLMS identifies a known 8-tap FIR system", "[lms]") {
    // Stated accuracy after 3000 white-noise samples, mu = 0.5: float 1e-4, double 1e-8,
    // q15 2e-3 (the desired signal itself is quantised to 2^-16), q31 1e-4 (float step).
    static lms<float, 8> f;
    static lms<double, 8> d;
    static lms<nerve::q15, 8> q;
    static lms<nerve::q31, 8> q31;
    double e = 0;
    double err = 0;
    NERVE_REQUIRE_NO_ALLOC(err = identify(f, 3000, &e));
    REQUIRE(err < 1e-4);
    REQUIRE(e < 1e-4);
    REQUIRE(identify(d, 3000) < 1e-8);
    REQUIRE(identify(q, 3000) < 2e-3);
    REQUIRE(identify(q31, 3000) < 1e-4);
}

TEST_CASE("lms: plain LMS converges too; estimate output tracks desired", "[lms]") {
    lms<double, 8>::config c;
    c.normalized = false;
    c.mu = 0.5;  // input power 1/12 per tap: well inside the stability bound 2 / (8 / 12)
    c.output = lms_output::estimate;
    lms<double, 8> f(c);
    REQUIRE(identify(f, 6000) < 1e-6);
}

TEMPLATE_TEST_CASE("lms: NaN/Inf pairs are rejected without touching the state; divergence resets",
                   "[lms][bad-input]", float, double) {
    using T = TestType;
    lms<T, 4> f;
    f(lms_input<T>{T(0.1), T(0.2)});
    const auto w0 = f.weights();
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const T before = f(lms_input<T>{T(0.3), T(0.1)});
    const auto w1 = f.weights();
    REQUIRE(f(lms_input<T>{nan, T(0.1)}) == before);
    REQUIRE(f(lms_input<T>{T(0.1), std::numeric_limits<T>::infinity()}) == before);
    REQUIRE(f.weights() == w1);
    REQUIRE(f.rejected() == 2u);
    (void)w0;

    // A huge plain-LMS step with huge inputs overflows the weights: they are reset, not NaN.
    typename lms<T, 4>::config c;
    c.normalized = false;
    c.mu = 1e30;
    lms<T, 4> g(c);
    for (int i = 0; i < 20; ++i) {
        const T y = g(lms_input<T>{T(1e20), T(-1e20)});
        (void)y;
        for (const T w : g.weights()) REQUIRE(std::isfinite(w));
    }
    REQUIRE(g.diverged() > 0u);
    for (int i = 0; i < 5; ++i) REQUIRE(std::isfinite(g(lms_input<T>{T(0.1), T(0.1)})));
}

#include "nerve/core/snapshot.hpp"

TEST_CASE("lms: the adapted weights survive a snapshot", "[lms][state]") {
    static lms<float, 8> a, b;
    identify(a, 2000);
    static std::array<std::byte, 1024> buf;
    const auto n = nerve::snapshot(a, std::span<std::byte>(buf));
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    REQUIRE(b.weights() == a.weights());
}
