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

// Blocks of N (van Herk / Gil-Werman): every window position against brute force, N = 1, 2, 5,
// 64, on values with many ties, -0 against +0 among them: the newest of equal extremes is the
// one reported (its sign bit checked), as the monotonic deques before stop 55 did.
template <std::size_t N>
void minmax_ties_brute() {
    static moving_minmax<float, N> m;
    m.reset();
    static std::array<float, 700> x;
    std::uint32_t s = 5;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        const int k = static_cast<int>(s >> 29);  // 0..7: few distinct values, zeros of both signs
        v = k == 0 ? 0.0f : k == 1 ? -0.0f : static_cast<float>(k % 4) - 1.5f;
    }
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto r = m(x[i]);
        const std::size_t lo = i + 1 >= N ? i + 1 - N : 0;
        float mn = x[lo], mx = x[lo];
        for (std::size_t k = lo + 1; k <= i; ++k) {
            if (!(mn < x[k])) mn = x[k];  // ties: the newer
            if (!(x[k] < mx)) mx = x[k];
        }
        INFO("N " << N << " sample " << i);
        REQUIRE(r.min == mn);
        REQUIRE(r.max == mx);
        REQUIRE(std::signbit(r.min) == std::signbit(mn));
        REQUIRE(std::signbit(r.max) == std::signbit(mx));
    }
}

TEST_CASE("moving_minmax: every window position, ties and signed zeros against brute force", "[moving_minmax]") {
    minmax_ties_brute<1>();
    minmax_ties_brute<2>();
    minmax_ties_brute<5>();
    minmax_ties_brute<64>();
}

#include <memory>

#include "hostile_snapshot.hpp"

TEST_CASE("moving_minmax: snapshots mid-block restore exactly; hostile ones never poison", "[moving_minmax][snapshot]") {
    auto in = [](std::size_t i) { return std::sin(0.37f * static_cast<float>(i)) + 0.01f * static_cast<float>(i % 7); };
    auto make = [] { return std::make_unique<moving_minmax<float, 16>>(); };
    auto run = [&in](moving_minmax<float, 16>& m, int phase) {
        nerve::test::output_digest d;
        const std::size_t from = phase == 0 ? 0 : 41, to = phase == 0 ? 41 : 120;  // 41: mid-block
        for (std::size_t i = from; i < to; ++i) {
            const auto r = m(in(i));
            d.add(r.min);
            d.add(r.max);
        }
        return d;
    };
    const auto tally = nerve::test::check_hostile_snapshots(make, run);
    INFO("tried " << tally.tried << " accepted " << tally.accepted << " refused " << tally.refused);
    REQUIRE(tally.failures == 0);
    REQUIRE(tally.refused > 0);  // the block position
    REQUIRE(tally.accepted > 0);
}
