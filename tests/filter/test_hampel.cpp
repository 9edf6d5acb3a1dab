#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
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

// The MAD by bisection over the two runs of deviations (stop 55; a walk outwards before)
// against a sort of every window: median and MAD from sorted copies, the same deviation and
// the same test, on tie-heavy values with spikes, thresholds from 0.5 to 3 (low ones put many
// centres near the boundary, where a wrong MAD flips the output), N = 3, 5, 7, 31.
template <class T, std::size_t N>
void hampel_against_sort() {
    constexpr std::size_t K = N / 2;
    static std::array<T, 900> x;
    std::uint32_t s = 11;
    for (std::size_t i = 0; i < x.size(); ++i) {
        s = s * 1664525u + 1013904223u;
        const int q = static_cast<int>(s >> 27);  // 0..31: few distinct values
        double v = 0.05 * (q % 9) - 0.2;
        if (q == 31) v = 0.9;  // a spike now and then
        x[i] = nerve::from_double<T>(v);
    }
    auto dev = [](const T& a, const T& b) { return a > b ? a - b : b - a; };
    for (double threshold : {0.5, 1.0, 2.0, 3.0}) {
        hampel<T, N> h(threshold);
        const double k = threshold * 1.4826;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const T y = h(x[i]);
            if (i + 1 < N) continue;
            std::array<T, N> w{};
            for (std::size_t j = 0; j < N; ++j) w[j] = x[i + 1 - N + j];
            const T xc = w[K];
            std::sort(w.begin(), w.end());
            const T med = w[K];
            std::array<T, N> d{};
            for (std::size_t j = 0; j < N; ++j) d[j] = dev(w[j], med);
            std::sort(d.begin(), d.end());
            const T mad = d[K];
            bool outlier;
            if constexpr (std::is_floating_point_v<T>) {
                outlier = std::fabs(xc - med) > static_cast<T>(k) * mad;
            } else {
                const std::int64_t dx = static_cast<std::int64_t>(xc.raw) - med.raw;
                outlier = ((dx < 0 ? -dx : dx) << 16) > static_cast<std::int64_t>(k * 65536.0 + 0.5) * mad.raw;
            }
            INFO("N " << N << " threshold " << threshold << " sample " << i);
            REQUIRE(y == (outlier ? med : xc));
        }
    }
}

TEST_CASE("hampel: every window's output against a sorted median and MAD", "[hampel]") {
    hampel_against_sort<float, 3>();
    hampel_against_sort<float, 5>();
    hampel_against_sort<float, 7>();
    hampel_against_sort<float, 31>();
    hampel_against_sort<nerve::q15, 7>();
    hampel_against_sort<nerve::q31, 31>();
}
