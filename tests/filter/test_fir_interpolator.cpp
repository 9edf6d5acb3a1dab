#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/fir_filters.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/fir_interpolator.hpp"

namespace g = golden::fir_filters;
using nerve::filter::fir_interpolator;

static_assert(nerve::general_operator<fir_interpolator<float, 48, 4>>);

namespace {
std::array<double, 48> taps48() {
    std::array<double, 48> h{};
    for (std::size_t i = 0; i < 48; ++i) h[i] = g::interp4_taps[i];
    return h;
}
double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}
}  // namespace

TEMPLATE_TEST_CASE("fir_interpolator: golden upfirdn(h, x, 4, 1)", "[fir_interpolator][golden]", float, double) {
    using T = TestType;
    constexpr std::size_t n_out = 4 * g::n;
    const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-12) * max_abs(g::upfirdn_up4, n_out);
    static std::array<T, g::n> in;
    static std::array<T, n_out> out;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = static_cast<T>(g::input[i]);
    fir_interpolator<T, 48, 4> f(taps48());
    std::size_t w = 0;
    NERVE_REQUIRE_NO_ALLOC(w = f.process(std::span<const T>(in.data(), 500), std::span<T>(out)));
    REQUIRE(w == 2000u);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 500; i < g::n; ++i) f.push(in[i], [&](const T& y) { out[w++] = y; }));
    REQUIRE(w == n_out);
    for (std::size_t k = 0; k < n_out; ++k) REQUIRE(std::fabs(out[k] - g::upfirdn_up4[k]) <= tol);
}

TEMPLATE_TEST_CASE("fir_interpolator: fixed point within 1 LSB of exact; default design has unity DC gain",
                   "[fir_interpolator][fixed]", nerve::q15, nerve::q31) {
    using T = TestType;
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / 2147483648.0;
    const auto hd = taps48();
    std::array<T, 48> hq{};
    for (std::size_t i = 0; i < 48; ++i) hq[i] = nerve::from_double<T>(hd[i]);
    fir_interpolator<T, 48, 4> f(hq);
    static std::array<T, 300> in;
    static std::array<T, 1200> out;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = nerve::from_double<T>(g::input[i]);
    REQUIRE(f.process(std::span<const T>(in), std::span<T>(out)) == 1200u);
    for (std::size_t m = 0; m < out.size(); ++m) {
        double exact = 0;
        // The fixed-point engine stores taps halved (headroom for taps >= 1): the effective tap
        // is twice the halved, rounded one.
        for (std::size_t j = m % 4; j < 48 && j <= m; j += 4) {
            const double eff = 2.0 * nerve::to_double(nerve::from_double<T>(nerve::to_double(hq[j]) / 2));
            exact += eff * nerve::to_double(in[(m - j) / 4]);
        }
        REQUIRE(std::fabs(nerve::to_double(out[m]) - exact) <= lsb);
    }
    fir_interpolator<T, 48, 4> d;
    T y{};
    for (int i = 0; i < 40; ++i) d.push(nerve::from_double<T>(0.5), [&](const T& v) { y = v; });
    REQUIRE(nerve::to_double(y) == Approx(0.5).margin(1e-3));
}

TEST_CASE("fir_interpolator: NaN input is replaced by the last good sample", "[fir_interpolator][bad-input]") {
    fir_interpolator<float, 16, 2> f;
    bool all_finite = true;
    for (int i = 0; i < 50; ++i) {
        const float x = (i == 20) ? std::numeric_limits<float>::quiet_NaN() : 0.25f;
        f.push(x, [&](float y) { all_finite = all_finite && std::isfinite(y); });
    }
    REQUIRE(all_finite);
    REQUIRE(f.rejected() == 1u);
}

TEST_CASE("fir_interpolator: block process() agrees with push() over mixed block sizes", "[fir_interpolator]") {
    // With SIMD the block path filters the zero-stuffed input with the FIR kernel: the same
    // sums in another order (the stuffed zeros add exactly). Bound: a few float ulp of
    // sum |h| max |x|. Blocks shorter than the sub-filter and NaN blocks go through push().
    auto run = [](auto op, auto ref) {
        static std::array<float, 1500> in;
        static std::array<float, 4 * 1500> out, expect;
        for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(std::sin(0.013 * double(i)) + 0.3 * std::cos(0.41 * double(i)));
        in[900] = std::numeric_limits<float>::quiet_NaN();
        constexpr std::size_t Lf = decltype(op)::factor;
        std::size_t w = 0;
        for (float x : in) ref.push(x, [&](float y) { expect[w++] = y; });
        std::size_t i = 0, o = 0;
        for (std::size_t len : {3u, 200u, 1u, 7u, 389u, 500u, 400u}) {
            NERVE_REQUIRE_NO_ALLOC(o += op.process(std::span<const float>(in.data() + i, len), std::span<float>(out.data() + o, Lf * len)));
            i += len;
        }
        REQUIRE(i == in.size());
        REQUIRE(o == w);
        REQUIRE(op.rejected() == 1u);
        for (std::size_t k = 0; k < w; ++k) {
            INFO("output " << k);
            REQUIRE(std::fabs(out[k] - expect[k]) <= 1e-5);
        }
    };
    run(fir_interpolator<float, 64, 4>{}, fir_interpolator<float, 64, 4>{});
    run(fir_interpolator<float, 48, 4>{}, fir_interpolator<float, 48, 4>{});
    run(fir_interpolator<float, 15, 2>{}, fir_interpolator<float, 15, 2>{});
}
