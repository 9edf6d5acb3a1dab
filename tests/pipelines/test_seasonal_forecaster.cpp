#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"

#include "gauss_lcg.hpp"

namespace np = nerve::pipelines;

namespace {

/// The noise of these tests (seed 12345).
struct lcg : pipelines_test::gauss_lcg {
    lcg() : gauss_lcg(12345) {}
};

/// Hourly series with a daily shape, weekends different from weekdays, a slow level wander and noise.
double series(std::size_t t, lcg& r, double& level) {
    const double pi2 = 6.283185307179586;
    const std::size_t hour = t % 24, dow = (t / 24) % 7;
    level += 0.005 * r.gauss();
    const double daily = 3.0 * std::sin(pi2 * static_cast<double>(hour) / 24.0) + std::cos(2 * pi2 * static_cast<double>(hour) / 24.0);
    const double weekly = dow >= 5 ? 2.5 : 0.0;
    return 20.0 + level + daily + weekly + r.gauss();
}

using forecaster = np::seasonal_forecaster<1024>;
using forecaster_f32 = np::seasonal_forecaster<1024, float>;  // the MCU arithmetic

}  // namespace

/// Runs 20 weeks of the noisy daily/weekly test series through a forecaster built from `c`
/// (H = 24) and returns its MAE after 4 weeks over that of the better seasonal naive forecast.
template <class F>
double mae_over_best_naive(const np::seasonal_forecaster_config& c, F& f) {
    f = F{c};
    lcg r;
    double level = 0;
    constexpr std::size_t n = 24 * 7 * 20, H = 24;
    static std::array<double, n> y{}, fc{};
    for (std::size_t t = 0; t < n; ++t) y[t] = series(t, r, level);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t t = 0; t < n; ++t) fc[t] = static_cast<double>(f(static_cast<typename F::input_type>(y[t]))););
    double e_model = 0, e_daily = 0, e_weekly = 0;
    for (std::size_t t = 24 * 28; t + H < n; ++t) {
        e_model += std::fabs(fc[t] - y[t + H]);
        e_daily += std::fabs(y[t] - y[t + H]);
        e_weekly += std::fabs(y[t + H - 168] - y[t + H]);
    }
    CHECK(f.samples() == n);
    return e_model / (e_daily < e_weekly ? e_daily : e_weekly);
}

TEMPLATE_TEST_CASE("seasonal_forecaster learns a daily and weekly pattern and beats the seasonal naive", "[seasonal_forecaster]",
                   forecaster, forecaster_f32) {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 24;
    static TestType f{c};
    // Noisy readings: averaging the weekly profile over weeks pays; both naive forecasts carry the
    // noise of one reading. The learned model must beat the better of them by at least 8 %.
    CHECK(mae_over_best_naive(c, f) < 0.92);
    CHECK(f.rejected() == 0);
}

TEMPLATE_TEST_CASE("seasonal_forecaster with learn_every = 5 still beats the seasonal naive", "[seasonal_forecaster][light]",
                   forecaster, forecaster_f32) {
    // The lighter MCU setting: the RLS step on every fifth reading only (5 is coprime with the 24
    // readings of a day, so every hour of the day is learned from in turn).
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 24;
    c.learn_every = 5;
    static TestType f{c};
    CHECK(mae_over_best_naive(c, f) < 0.92);
    CHECK(f.config().learn_every == 5);
}

TEST_CASE("seasonal_forecaster starts as the daily seasonal naive", "[seasonal_forecaster]") {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 24;
    forecaster f{c};
    // Before the scale is fixed (first day) no learning happens: the forecast of y[t + 24] is y[t].
    for (int t = 0; t < 23; ++t) CHECK(f(static_cast<double>(t * t)) == static_cast<double>(t * t));
}

TEST_CASE("seasonal_forecaster forecasts use only the past", "[seasonal_forecaster]") {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 6;
    static forecaster a{c}, b{c};
    a = forecaster{c};
    b = forecaster{c};
    lcg r1, r2;
    double l1 = 0, l2 = 0;
    for (std::size_t t = 0; t < 2000; ++t) {
        const double y1 = series(t, r1, l1);
        double y2 = series(t, r2, l2);
        if (t >= 1500) y2 += 100.0;  // the futures differ from t = 1500 on
        const double fa = a(y1), fb = b(y2);
        if (t < 1500) REQUIRE(fa == fb);
    }
}

TEST_CASE("seasonal_forecaster fills NaN/Inf with the seasonal value and stays finite", "[seasonal_forecaster][bad-input]") {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 24;
    static forecaster f{c};
    f = forecaster{c};
    lcg r;
    double level = 0;
    bool finite = true;
    for (std::size_t t = 0; t < 3000; ++t) {
        double y = series(t, r, level);
        if (t % 97 == 5) y = std::numeric_limits<double>::quiet_NaN();
        if (t % 211 == 9) y = -std::numeric_limits<double>::infinity();
        finite = finite && std::isfinite(f(y));
    }
    CHECK(finite);
    CHECK(f.rejected() == 31 + 15);
    // Huge values do not break it either.
    for (int t = 0; t < 200; ++t) finite = finite && std::isfinite(f(t % 2 ? 1e300 : -1e300));
    for (std::size_t t = 0; t < 500; ++t) finite = finite && std::isfinite(f(series(t, r, level)));
    CHECK(finite);
}

TEST_CASE("seasonal_forecaster with a horizon beyond a week stays defined", "[seasonal_forecaster][bad-input]") {
    // H = 70 > w = 56 (day = 8): the weekly lags of the forecast would be future readings; they are
    // clamped to the oldest reading, and the forecasts stay finite.
    np::seasonal_forecaster_config c;
    c.day = 8;
    c.horizon = 70;
    static forecaster f{c};
    f = forecaster{c};
    lcg r;
    double level = 0;
    bool finite = true;
    for (std::size_t t = 0; t < 3000; ++t) finite = finite && std::isfinite(f(series(3 * t, r, level)));
    CHECK(finite);
    CHECK(f.samples() == 3000);
}

TEST_CASE("seasonal_forecaster adapts to a level shift", "[seasonal_forecaster]") {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 1;
    static forecaster f{c};
    f = forecaster{c};
    lcg r;
    double level = 0, err_before = 0, err_after = 0;
    for (std::size_t t = 0; t < 24 * 7 * 12; ++t) {
        const double y = series(t, r, level) + (t >= 24 * 7 * 8 ? 10.0 : 0.0);
        const double prev = f.forecast();
        f(y);
        if (t >= 24 * 7 * 6 && t < 24 * 7 * 8) err_before += std::fabs(prev - y);
        if (t >= 24 * 7 * 10) err_after += std::fabs(prev - y);
    }
    // Two weeks after a shift of 10 noise sigmas the one-step error is back to its old level.
    CHECK(err_after < 1.2 * err_before);
}

TEST_CASE("seasonal_forecaster snapshot round trip", "[seasonal_forecaster][snapshot]") {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 12;
    static forecaster a{c}, b{c};
    a = forecaster{c};
    b = forecaster{c};
    lcg r;
    double level = 0;
    for (std::size_t t = 0; t < 1000; ++t) a(series(t, r, level));
    static std::array<std::byte, 16 * 1024> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t t = 1000; t < 1200; ++t) {
        const double y = series(t, r, level);
        REQUIRE(a(y) == b(y));
    }
}

TEST_CASE("seasonal_forecaster in float tracks double one step ahead", "[seasonal_forecaster][float]") {
    // meter_monitor runs the forecaster with H = 1; on an MCU in float. Over 20 weeks the float
    // forecasts stay within 1e-3 (relative to the level) of double, and so does their MAE.
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 1;
    static forecaster a{c};
    static forecaster_f32 b{c};
    a = forecaster{c};
    b = forecaster_f32{c};
    lcg r;
    double level = 0, max_diff = 0, ea = 0, eb = 0, pa = 0, pb = 0;
    for (std::size_t t = 0; t < 24 * 7 * 20; ++t) {
        const double y = series(t, r, level);
        if (t >= 24 * 28) { ea += std::fabs(pa - y); eb += std::fabs(pb - y); }
        pa = a(y);
        pb = static_cast<double>(b(static_cast<float>(y)));
        const double d = std::fabs(pa - pb);
        max_diff = d > max_diff ? d : max_diff;
    }
    CHECK(max_diff < 1e-3 * 20.0);
    CHECK(std::fabs(eb - ea) < 1e-3 * ea);
    CHECK(b.rejected() == 0);
}

TEMPLATE_TEST_CASE("seasonal_forecaster spread_learning gives the same forecasts to the bit", "[seasonal_forecaster][light]",
                   forecaster, forecaster_f32) {
    // spread_learning only moves the rank-one update of P to the readings between two learning
    // steps; nothing reads P in between, so the forecasts must not change at all. Gaps included
    // (no learning step on a NaN, the spread update still advances), and a snapshot taken while an
    // update is pending must carry it.
    using T = typename TestType::input_type;
    for (std::size_t every : {2u, 5u, 7u}) {
        for (std::size_t H : {1u, 24u}) {
            np::seasonal_forecaster_config c;
            c.day = 24;
            c.horizon = H;
            c.learn_every = every;
            static TestType a{c}, b{c}, r{c};
            a = TestType{c};
            r = TestType{c};
            c.spread_learning = false;
            b = TestType{c};
            lcg g;
            double level = 0;
            bool same = true;
            std::size_t t = 0;
            NERVE_REQUIRE_NO_ALLOC(for (; t < 24 * 7 * 6; ++t) {
                T y = static_cast<T>(series(t, g, level));
                if (t % 53 == 11) y = std::numeric_limits<T>::quiet_NaN();
                same = same && a(y) == b(y);
            });
            CHECK(same);
            // Snapshots at `every` successive phases of the learning cycle (31 readings apart, 31
            // coprime with every): some are taken while an update of P is pending.
            static std::array<std::byte, 16 * 1024> buf{};
            for (std::size_t k = 0; k < every; ++k) {
                const auto n = nerve::snapshot(a, buf);
                REQUIRE(n.ok());
                REQUIRE(nerve::restore(r, std::span<const std::byte>(buf.data(), n.value())).ok());
                for (std::size_t e = t + 31; t < e; ++t) {
                    const T y = static_cast<T>(series(t, g, level));
                    const T fa = a(y), fb = b(y), fr = r(y);
                    same = same && fa == fb && fr == fa;
                }
            }
            CHECK(same);
            CHECK(a.weights() == b.weights());
        }
    }
}

TEST_CASE("seasonal_forecaster forgets per reading whatever learn_every", "[seasonal_forecaster][light]") {
    // lambda is the forgetting per reading: a step every k readings forgets lambda^k, so the
    // memory stays ~1 / (1 - lambda) readings (measured better at H = 1 than lambda per step).
    np::seasonal_forecaster_config c;
    c.lambda = 0.999;
    for (std::size_t k : {1u, 2u, 5u, 11u, 24u}) {
        c.learn_every = k;
        static forecaster f{c};
        f = forecaster{c};
        CHECK(f.step_forgetting() == Approx(std::pow(0.999, static_cast<double>(k))).epsilon(1e-12));
    }
    c.learn_every = 0;  // taken as 1
    CHECK(forecaster{c}.step_forgetting() == 0.999);
}

namespace {
/// Visits a forecaster's state and calls fn(array, k) on the k-th visited array of N doubles:
/// N = 91 is the packed matrix Q (the only one), N = 13 first the weights.
template <std::size_t N, class Fn>
struct on_arrays {
    Fn fn;
    int k = 0;
    void operator()(std::array<double, N>& a) { fn(a, k++); }
    template <class X>
    void operator()(X&) {}
};
template <std::size_t N, class Fn>
on_arrays<N, Fn> visiting(Fn fn) {
    return {fn};
}

/// A forecaster (day 24, H = 24) after six weeks of the test series, its state changed by the
/// state visitor `change`, snapshot and restored into a fresh one, which is returned (on the
/// heap: the Cortex-M4 test program's static RAM is nearly full); r and level go on with the
/// series.
template <class Visitor>
std::unique_ptr<forecaster> restored_after(Visitor& change, lcg& r, double& level) {
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 24;
    auto a = std::make_unique<forecaster>(c), b = std::make_unique<forecaster>(c);
    for (std::size_t t = 0; t < 24 * 7 * 6; ++t) (*a)(series(t, r, level));
    a->visit_state(change);
    REQUIRE(a->state_is_valid());
    std::vector<std::byte> buf(16 * 1024);
    const auto n = nerve::snapshot(*a, std::span<std::byte>(buf));
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(*b, std::span<const std::byte>(buf.data(), n.value())).ok());
    return b;
}
}  // namespace

TEST_CASE("seasonal_forecaster restored with a matrix that is not positive definite learns again", "[seasonal_forecaster][snapshot][bad-input]") {
    // The fuzzer's snapshot (tests/fuzz/regressions/fuzz_snapshot/seasonal_forecaster_qp_nonfinite*):
    // entries of P within state_is_valid's bounds, but P not positive definite. Learning from it
    // overflowed P and stopped for good; now the first step that sees it starts P afresh.
    lcg r;
    double level = 0;
    auto negate = visiting<91>([](std::array<double, 91>& q, int) {
        for (std::size_t i = 0, k = 0; i < 13; k += 13 - i, ++i) q[k] = -q[k];  // the diagonal
    });
    const auto pb = restored_after(negate, r, level);
    forecaster& b = *pb;
    bool finite_forecasts = true;
    double e_model = 0, e_daily = 0;
    std::vector<double> y(24 * 7 * 8), fc(y.size());
    for (std::size_t t = 0; t < y.size(); ++t) {
        y[t] = series(24 * 7 * 6 + t, r, level);
        fc[t] = b(y[t]);
        finite_forecasts = finite_forecasts && std::isfinite(fc[t]);
    }
    for (std::size_t t = 24 * 7 * 4; t + 24 < y.size(); ++t) {
        e_model += std::fabs(fc[t] - y[t + 24]);
        e_daily += std::fabs(y[t] - y[t + 24]);
    }
    CHECK(finite_forecasts);
    bool finite_matrix = true;
    auto check = visiting<91>([&](std::array<double, 91>& q, int) {
        for (const double v : q) finite_matrix = finite_matrix && std::isfinite(v);
    });
    b.visit_state(check);
    CHECK(finite_matrix);
    CHECK(b.state_is_valid());
    // It learns again: four weeks on, it beats the daily seasonal naive.
    CHECK(e_model < 0.9 * e_daily);
}

TEST_CASE("seasonal_forecaster restored with weights beyond any sane size recovers its error scale", "[seasonal_forecaster][snapshot][bad-input]") {
    // The fuzzer's second snapshot defect: weights of 1.5e308 make the forecast error Inf, which
    // made the Huber error scale Inf for good (every later error then counted in full). Now
    // such a step restarts the weights, as any numerical breakdown does.
    lcg r;
    double level = 0;
    auto huge = visiting<13>([](std::array<double, 13>& w, int k) {
        if (k == 0) w.fill(1.5e308);  // the weights: their forecast overflows
    });
    const auto pb = restored_after(huge, r, level);
    forecaster& b = *pb;
    bool finite = true;
    for (std::size_t t = 0; t < 24 * 7 * 4; ++t) finite = finite && std::isfinite(b(series(24 * 7 * 6 + t, r, level)));
    CHECK(finite);
    CHECK(std::isfinite(b.error_scale()));
    CHECK(b.state_is_valid());
}
