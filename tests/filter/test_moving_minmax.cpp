#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "golden/fir_moving.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/moving_minmax.hpp"

namespace g = golden::fir_moving;
using nerve::filter::moving_minmax;

static_assert(nerve::simple_operator<moving_minmax<float, 17>>);

TEMPLATE_TEST_CASE("moving_minmax: golden numpy sliding window", "[moving_minmax][golden]", float, double) {
    using T = TestType;
    constexpr std::size_t N = g::minmax_window;
    static moving_minmax<T, N> m;
    m.reset();
    static std::array<nerve::filter::minmax<T>, g::n> out;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) out[i] = m(static_cast<T>(g::input[i])));
    for (std::size_t i = N - 1; i < g::n; ++i) {
        REQUIRE(out[i].min == static_cast<T>(g::min[i - (N - 1)]));
        REQUIRE(out[i].max == static_cast<T>(g::max[i - (N - 1)]));
    }
}

TEMPLATE_TEST_CASE("moving_minmax: brute force on random, monotone and constant runs", "[moving_minmax]", float,
                   nerve::q15, nerve::q31) {
    using T = TestType;
    static moving_minmax<T, 7> m;
    m.reset();
    static std::array<T, 600> x;
    std::uint32_t s = 99;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s = s * 1664525u + 1013904223u;
        double v = static_cast<double>(static_cast<std::int32_t>(s)) / 4294967296.0;
        if (i >= 200 && i < 300) v = -0.4 + 0.005 * static_cast<double>(i - 200);  // rising
        if (i >= 300 && i < 400) v = 0.3 - 0.005 * static_cast<double>(i - 300);   // falling
        if (i >= 400 && i < 450) v = 0.125;                                         // constant
        x[i] = nerve::from_double<T>(v);
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto r = m(x[i]);
        const std::size_t lo = i + 1 >= 7 ? i + 1 - 7 : 0;
        T mn = x[lo], mx = x[lo];
        for (std::size_t k = lo; k <= i; ++k) {
            mn = std::min(mn, x[k]);
            mx = std::max(mx, x[k]);
        }
        REQUIRE(r.min == mn);
        REQUIRE(r.max == mx);
    }
}

TEST_CASE("moving_minmax: NaN/Inf hold the last good sample", "[moving_minmax][bad-input]") {
    moving_minmax<float, 3> m;
    m(1.0f);
    m(2.0f);
    auto r = m(std::numeric_limits<float>::quiet_NaN());
    REQUIRE(r.min == 1.0f);
    REQUIRE(r.max == 2.0f);
    r = m(std::numeric_limits<float>::infinity());
    REQUIRE(r.min == 2.0f);
    REQUIRE(r.max == 2.0f);
    REQUIRE(m.rejected() == 2u);
}
