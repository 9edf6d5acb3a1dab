#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "golden/fir_moving.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/hampel.hpp"

namespace g = golden::fir_moving;
using nerve::filter::hampel;

static_assert(nerve::simple_operator<hampel<float, 7>>);

TEMPLATE_TEST_CASE("hampel: golden reference (numpy median/MAD, 3 sigma), latency K", "[hampel][golden]", float,
                   double) {
    using T = TestType;
    constexpr std::size_t K = g::hampel_half, N = 2 * K + 1;
    hampel<T, N> h;
    static std::array<T, g::n> y;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) y[i] = h(static_cast<T>(g::spiky_input[i])));
    // y[i] is the filtered sample i - K; golden entry j is centre sample j + K.
    for (std::size_t i = N - 1; i < g::n; ++i) {
        INFO("output " << i);
        REQUIRE(y[i] == static_cast<T>(g::hampel[i - (N - 1)]));
    }
    // Before the window fills, the delayed sample passes through.
    for (std::size_t i = K; i < N - 1; ++i) REQUIRE(y[i] == static_cast<T>(g::spiky_input[i - K]));
    REQUIRE(h.replaced() >= 5u);  // the five injected spikes at least
}

TEST_CASE("hampel: q15 removes the same spikes as double", "[hampel][fixed]") {
    hampel<double, 7> hd;
    hampel<nerve::q15, 7> hq;
    for (std::size_t i = 0; i < g::n; ++i) {
        const double x = 0.25 * g::spiky_input[i];  // keep the 4.0 spike in q15 range
        const double a = hd(nerve::to_double(nerve::q15::from_float(x)));
        const double b = nerve::to_double(hq(nerve::q15::from_float(x)));
        REQUIRE(b == Approx(a).margin(1.0 / 32768));
    }
    REQUIRE(hq.replaced() == hd.replaced());
}

TEST_CASE("hampel: NaN/Inf enter as the last good sample and are always replaced at the centre",
          "[hampel][bad-input]") {
    hampel<float, 5> h;
    std::array<float, 40> y{};
    for (std::size_t i = 0; i < y.size(); ++i) {
        float x = 0.1f * static_cast<float>(i % 3);
        if (i == 20) x = std::numeric_limits<float>::quiet_NaN();
        if (i == 30) x = std::numeric_limits<float>::infinity();
        y[i] = h(x);
        REQUIRE(std::isfinite(y[i]));
    }
    REQUIRE(h.rejected() == 2u);
    REQUIRE(h.replaced() >= 2u);
}
