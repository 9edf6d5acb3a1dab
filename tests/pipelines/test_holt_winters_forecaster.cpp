#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/holt_winters_forecaster.hpp"

#include "gauss_lcg.hpp"

namespace np = nerve::pipelines;

namespace {

/// The noise of these tests (seed 4242).
struct lcg : pipelines_test::gauss_lcg {
    lcg() : gauss_lcg(4242) {}
};

/// Hourly series: a daily shape, weekends 2.5 higher, a slow level wander and unit noise.
double series(std::size_t t, lcg& r, double& level, double noise = 1.0) {
    const double pi2 = 6.283185307179586;
    const std::size_t hour = t % 24, dow = (t / 24) % 7;
    level += 0.005 * r.gauss();
    const double daily = 3.0 * std::sin(pi2 * static_cast<double>(hour) / 24.0) + std::cos(2 * pi2 * static_cast<double>(hour) / 24.0);
    const double weekly = dow >= 5 ? 2.5 : 0.0;
    return 20.0 + level + daily + weekly + noise * r.gauss();
}

using hw = np::holt_winters_forecaster<192>;
using hw_f32 = np::holt_winters_forecaster<192, float>;

/// MAE of the H-step forecasts after 4 weeks over that of the better seasonal naive (y[t + H - 24k]
/// or y[t + H - 168]) and of persistence, on 20 weeks of the test series.
template <class F>
double mae_over_best_naive(std::size_t H, F& f) {
    np::holt_winters_config c;
    c.day = 24;
    c.horizon = H;
    f = F{c};
    lcg r;
    double level = 0;
    constexpr std::size_t n = 24 * 7 * 20;
    static std::array<double, n> y{}, fc{};
    for (std::size_t t = 0; t < n; ++t) y[t] = series(t, r, level);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t t = 0; t < n; ++t) fc[t] = static_cast<double>(f(static_cast<typename F::input_type>(y[t]))););
    const std::size_t k = (H + 23) / 24;
    double e_model = 0, e_daily = 0, e_weekly = 0, e_persist = 0;
    for (std::size_t t = 24 * 28; t + H < n; ++t) {
        e_model += std::fabs(fc[t] - y[t + H]);
        e_daily += std::fabs(y[t + H - 24 * k] - y[t + H]);
        e_weekly += std::fabs(y[t + H - 168] - y[t + H]);
        e_persist += std::fabs(y[t] - y[t + H]);
    }
    CHECK(f.samples() == n);
    CHECK(f.rejected() == 0);
    CHECK(f.warm());
    double best = e_daily < e_weekly ? e_daily : e_weekly;
    best = best < e_persist ? best : e_persist;
    return e_model / best;
}

}  // namespace

TEMPLATE_TEST_CASE("holt_winters_forecaster learns a daily and weekly pattern and beats the naive forecasts",
                   "[holt_winters_forecaster]", hw, hw_f32) {
    static TestType f{};
    // With unit noise every naive forecast has an error of ~sqrt(2) sigma, an ideal one of 1 sigma
    // (0.71); the model's adds its estimation noise. Measured 0.80 (H = 1), 0.81 (7), 0.84 (24).
    const double h24 = mae_over_best_naive(24, f);
    CHECK(h24 < 0.88);
    const double h1 = mae_over_best_naive(1, f);
    CHECK(h1 < 0.85);
    const double h7 = mae_over_best_naive(7, f);
    CHECK(h7 < 0.86);
    // The gains are the documented ones: 1 / (memory in updates).
    CHECK(f.alpha() == Approx(1.0 / 24.0));
    CHECK(f.delta() == Approx(1.0 / 84.0));
    CHECK(f.omega() == Approx(1.0 / 12.0));
}

TEST_CASE("holt_winters_forecaster starts as a running mean and then the daily profile", "[holt_winters_forecaster]") {
    np::holt_winters_config c;
    c.day = 8;
    hw f{c};
    // Day 1: every gain is 1 / (updates + 1), so the level is the running mean and the forecast
    // (no daily index known yet for the next slot) is that mean.
    double sum = 0;
    for (std::size_t t = 0; t < 7; ++t) {
        const double y = 1.0 + static_cast<double>(t * t);
        sum += y;
        CHECK(f(y) == Approx(sum / static_cast<double>(t + 1)).epsilon(1e-12));
    }
    // A noiseless daily pattern is then learnt exactly: the one-step error goes to zero (shorter
    // seasonal memories than the default's 12 weeks, so that it does within the test).
    c.daily_days = 7;
    c.weekly_weeks = 4;
    hw g{c};
    double last_err = 1e9;
    for (std::size_t t = 0; t < 8 * 7 * 12; ++t) {
        const double y = 10.0 + static_cast<double>((t % 8) * (t % 8));
        if (t > 8 * 7 * 11) last_err = std::fabs(g.forecast() - y);
        g(y);
    }
    // (Level and daily indices trade a common offset only slowly, as in Taylor's method: 0.034.)
    CHECK(last_err < 0.1);
    CHECK(std::fabs(g.phi()) <= 0.99);
}

TEST_CASE("holt_winters_forecaster forecasts H steps ahead from the right slots", "[holt_winters_forecaster]") {
    // A noiseless daily + weekly pattern: after the warm-up the H-step forecasts are exact for
    // every H, which holds only if the daily and weekly slots of t + H are read.
    for (std::size_t H : {std::size_t{1}, std::size_t{5}, std::size_t{24}, std::size_t{30}, std::size_t{170}}) {
        np::holt_winters_config c;
        c.day = 24;
        c.horizon = H;
        c.daily_days = 7;  // (shorter memories than the default, to converge within the test)
        c.weekly_weeks = 4;
        static hw f;
        f = hw{c};
        auto y = [](std::size_t t) {
            const std::size_t h = t % 24, d = (t / 24) % 7;
            return 5.0 + static_cast<double>(h % 6) + (d == 6 ? 3.0 : 0.0) + (d == 2 && h > 12 ? 1.5 : 0.0);
        };
        constexpr std::size_t n = 24 * 7 * 30;
        static std::array<double, n> fc{};
        for (std::size_t t = 0; t < n; ++t) fc[t] = f(y(t));
        double worst = 0;
        for (std::size_t t = n - 24 * 7 * 2; t + H < n; ++t) worst = std::max(worst, std::fabs(fc[t] - y(t + H)));
        INFO("H = " << H);
        CHECK(worst < 0.1);  // measured 0.03-0.06 (a wrong slot would be off by 1.5 or more)
    }
}

TEMPLATE_TEST_CASE("holt_winters_forecaster: gaps, NaN, Inf and huge readings", "[holt_winters_forecaster][bad-input]", hw,
                   hw_f32) {
    using T = typename TestType::input_type;
    np::holt_winters_config c;
    c.day = 24;
    static TestType f{c};
    f = TestType{c};
    lcg r;
    double level = 0;
    for (std::size_t t = 0; t < 24 * 7 * 6; ++t) f(static_cast<T>(series(t, r, level)));
    const T level_before = f.level();
    // A NaN or Inf is a missing reading: nothing learns from it, time moves on, it is counted.
    const T a = f(std::numeric_limits<T>::quiet_NaN());
    CHECK(std::isfinite(static_cast<double>(a)));
    CHECK(f.level() == level_before);
    f(std::numeric_limits<T>::infinity());
    f(-std::numeric_limits<T>::infinity());
    CHECK(f.rejected() == 3);
    CHECK(f.samples() == 24 * 7 * 6 + 3);
    // An error beyond max_error (default 1e12) is a corrupt reading: rejected like a NaN.
    const T huge = std::numeric_limits<T>::max() / T(4);
    for (int i = 0; i < 200; ++i) {
        const T fy = f(i % 2 ? huge : -huge);
        CHECK(std::isfinite(static_cast<double>(fy)));
    }
    CHECK(f.rejected() == 203);
    CHECK(f.level() == level_before);
    // Normal readings go on being learnt (the clock moved on by 203 readings meanwhile).
    for (std::size_t t = 24 * 7 * 6 + 203; t < 24 * 7 * 8; ++t) {
        const T fy = f(static_cast<T>(series(t, r, level)));
        CHECK(std::isfinite(static_cast<double>(fy)));
    }
    CHECK(std::fabs(static_cast<double>(f.forecast()) - (20.0 + level)) < 8.0);
    // A smaller max_error (applied once warm): an error of 50 noise sigmas is a corrupt reading,
    // one of 3 is learnt.
    np::holt_winters_config c2 = c;
    c2.max_error = 10.0;
    static TestType g2{c2};
    g2 = TestType{c2};
    lcg r3;
    double lv3 = 0;
    for (std::size_t t = 0; t < 24 * 7 * 5; ++t) g2(static_cast<T>(series(t, r3, lv3)));
    const T lb = g2.level();
    g2(g2.forecast() + T(50));
    CHECK(g2.level() == lb);
    CHECK(g2.rejected() == 1);
    g2(g2.forecast() + T(3));
    CHECK(g2.level() != lb);
    CHECK(g2.rejected() == 1);
    // Only NaN: defined and finite throughout.
    TestType g{c};
    for (int i = 0; i < 500; ++i) CHECK(std::isfinite(static_cast<double>(g(std::numeric_limits<T>::quiet_NaN()))));
    CHECK(g.rejected() == 500);
}

TEST_CASE("holt_winters_forecaster snapshot round trip", "[holt_winters_forecaster][snapshot]") {
    np::holt_winters_config c;
    c.day = 24;
    c.horizon = 12;
    static hw a{c}, b{c};
    a = hw{c};
    b = hw{c};
    lcg r;
    double level = 0;
    for (std::size_t t = 0; t < 2000; ++t) a(series(t, r, level));
    static std::array<std::byte, 8 * 1024> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t t = 2000; t < 2400; ++t) {
        const double y = series(t, r, level);
        REQUIRE(a(y) == b(y));
    }
    a.reset();
    CHECK(a.samples() == 0);
    CHECK(a.forecast() == 0.0);
}

TEST_CASE("holt_winters_forecaster in float tracks double", "[holt_winters_forecaster][float]") {
    np::holt_winters_config c;
    c.day = 24;
    static hw a{c};
    static hw_f32 b{c};
    a = hw{c};
    b = hw_f32{c};
    lcg r;
    double level = 0, max_diff = 0;
    for (std::size_t t = 0; t < 24 * 7 * 20; ++t) {
        const double y = series(t, r, level);
        const double fa = a(y), fb = static_cast<double>(b(static_cast<float>(y)));
        if (t > 24 * 7 * 4) max_diff = std::max(max_diff, std::fabs(fa - fb));
    }
    CHECK(max_diff < 1e-3 * 20.0);
}

TEST_CASE("holt_winters_forecaster snapshot with slots out of range for the restoring config is refused",
          "[holt_winters_forecaster][snapshot]") {
    // The weekly slot runs in step with the daily one (the week wraps at a day's end): a state whose
    // slots do not fit the restoring forecaster's day is refused and reset, so no index leaves seas_.
    np::holt_winters_config c;
    c.day = 24;
    static hw_f32 a{c}, b{c};
    a = hw_f32{c};
    lcg r;
    double level = 0;
    for (std::size_t t = 0; t < 24 * 9 + 13; ++t) a(static_cast<float>(series(t, r, level)));
    static std::array<std::byte, 2048> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    np::holt_winters_config c12 = c;
    c12.day = 12;  // same layout; daily slot 13 and weekly slot 24 + 13 + 2 * 24 are out of its range
    b = hw_f32{c12};
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(b.samples() == 0);
    b = hw_f32{c};
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t t = 24 * 9 + 13; t < 24 * 12; ++t) {
        const float y = static_cast<float>(series(t, r, level));
        REQUIRE(a(y) == b(y));
    }
}

TEST_CASE("holt_winters_forecaster: the day's steps on readings of their own, from any first slot",
          "[holt_winters_forecaster][snapshot]") {
    // The day's steps (the turn, the AR sums, the AR coefficient, the finiteness check) each run on a
    // reading of their own: the coefficient changes only on the day's second reading (slot 1), from
    // any first slot; samples() counts every reading all the same; and a snapshot taken at any
    // reading of a warm day (before, at and after each step) restores to the same forecasts, bit
    // for bit.
    np::holt_winters_config c;
    c.day = 24;
    c.first_slot = GENERATE(as<std::size_t>{}, 0, 6, 13);
    static hw_f32 a{c}, b{c};
    a = hw_f32{c};
    lcg r;
    double level = 0;
    std::size_t t = 0, miscounted = 0, phi_changes = 0, phi_changes_off_slot = 0;
    for (; t < 24 * 90; ++t) {
        const float phi = a.phi();
        a(static_cast<float>(series(t, r, level)));
        miscounted += a.samples() == t + 1 ? 0u : 1u;
        if (a.phi() != phi) {
            ++phi_changes;
            phi_changes_off_slot += (t + c.first_slot) % 24 == 1 ? 0u : 1u;
        }
    }
    REQUIRE(a.warm());
    CHECK(phi_changes > 80);
    CHECK(phi_changes_off_slot == 0);
    static std::array<std::byte, 2048> buf{};
    for (std::size_t hour = 0; hour < 24; ++hour, ++t) {
        const auto n = nerve::snapshot(a, buf);
        REQUIRE(n.ok());
        b = hw_f32{c};
        REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
        CHECK(b.samples() == a.samples());
        lcg r2 = r;
        double level2 = level;
        for (std::size_t k = 0; k < 30; ++k) {
            const float y = static_cast<float>(series(t + k, r2, level2));
            REQUIRE(a(y) == b(y));
            REQUIRE(a.phi() == b.phi());
            REQUIRE(a.samples() == b.samples());
            miscounted += a.samples() == t + k + 1 ? 0u : 1u;
        }
        // Rewind: a takes the next hour of the same series from the snapshot again.
        REQUIRE(nerve::restore(a, std::span<const std::byte>(buf.data(), n.value())).ok());
        a(static_cast<float>(series(t, r, level)));
        miscounted += a.samples() == t + 1 ? 0u : 1u;
    }
    CHECK(miscounted == 0);
    CHECK(a.restarts() == 0);
}

TEST_CASE("holt_winters_forecaster: first_slot places the stream's first reading in the day", "[holt_winters_forecaster]") {
    // The test series has its daily shape at t mod 24. Fed from hour 13 on, a forecaster told
    // first_slot = 13 learns daily(i) as hour i's shape (as one fed from hour 0 does); one told 0
    // learns it shifted by 13 hours. The first, partial day is not counted in the warm-up: the
    // first whole day sets every daily index (a slot first seen on it is not learnt at half gain).
    np::holt_winters_config c;
    c.day = 24;
    static hw told, untold, from_zero;
    c.first_slot = 13;
    told = hw{c};
    c.first_slot = 0;
    untold = hw{c};
    from_zero = hw{c};
    lcg r, r0;
    double level = 0, level0 = 0;
    for (std::size_t t = 0; t < 24 * 7 * 6; ++t) {
        const double y = series(t + 13, r, level, 0.1);
        told(y);
        untold(y);
        from_zero(series(t, r0, level0, 0.1));
    }
    double off_told = 0, off_untold = 0;
    for (std::size_t i = 0; i < 24; ++i) {
        const double shape = from_zero.daily(i) - from_zero.daily(0);
        off_told = std::max(off_told, std::fabs(told.daily(i) - told.daily(0) - shape));
        off_untold = std::max(off_untold, std::fabs(untold.daily(i) - untold.daily(0) - shape));
    }
    CHECK(off_told < 0.1 * off_untold);
    CHECK(off_untold > 2.0);
    CHECK(told.samples() == 24 * 7 * 6);
    // The first slot is state too: restored into a forecaster configured with another, the stream
    // goes on as it was (its count and forecasts).
    static std::array<std::byte, 4096> buf{};
    const auto n = nerve::snapshot(told, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(untold, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(untold.samples() == told.samples());
    for (std::size_t t = 24 * 7 * 6; t < 24 * 7 * 7; ++t) {
        const double y = series(t + 13, r, level, 0.1);
        REQUIRE(untold(y) == told(y));
    }
    CHECK(untold.samples() == told.samples());
    // The first whole day sets every index: noise-free, a pure daily shape, the second whole day is
    // forecast as well from hour 13 on as from hour 0 on (had the partial first day counted, the
    // hours before 13 would start at half their index on it).
    c.autoregressive = false;
    auto shape = [](std::size_t t) {
        return 5.0 + 3.0 * std::sin(6.283185307179586 * static_cast<double>(t % 24) / 24.0);
    };
    auto second_day_error = [&](std::size_t first) {
        c.first_slot = first;
        hw clean{c};
        double worst = 0;
        const std::size_t whole = first == 0 ? 0 : 24 - first;  // readings before the first whole day
        for (std::size_t t = 0; t < whole + 24 * 3; ++t) {
            const double f = clean(shape(first + t));
            if (t + 1 >= whole + 24 * 2) worst = std::max(worst, std::fabs(f - shape(first + t + 1)));
        }
        return worst;
    };
    const double e0 = second_day_error(0), e13 = second_day_error(13);
    CAPTURE(e0, e13, off_told, off_untold);
    CHECK(e13 < 1.5 * e0);
}

namespace {
/// Sets index i of the visited array of Capacity values (the seasonal indices) to v; or, with
/// i >= 192, the (i - 192)-th visited double (after the indices: level, fast-path limit, e, the
/// two AR sums, phi, phi^H, then the gains of level, daily and weekly indices: 7, 8, 9).
struct set_index {
    std::size_t i;
    double v;
    int seen = 0, scalars = 0;
    void operator()(std::array<double, 192>& s) {
        if (i < s.size()) s[i] = v;
        ++seen;
    }
    void operator()(double& x) {
        if (i >= 192 && static_cast<std::size_t>(scalars) == i - 192) x = v;
        ++scalars;
    }
    template <class X>
    void operator()(X&) {}
};
}  // namespace

TEST_CASE("holt_winters_forecaster refuses a snapshot with a non-finite seasonal index or a gain outside [0, 1]",
          "[holt_winters_forecaster][snapshot][bad-input]") {
    // An Inf in a restored seasonal index: every reading of its slot then had an Inf error and
    // was rejected, so the index could stay Inf for good (the daily check sees the level and the
    // forecast only). Such a state is now refused.
    np::holt_winters_config c;
    c.day = 24;
    c.horizon = 1;
    auto pa = std::make_unique<hw>(c), pb = std::make_unique<hw>(c);  // heap: the M4 test's static RAM
    lcg r;
    double level = 0;
    for (std::size_t t = 0; t < 2000; ++t) (*pa)(series(t, r, level));
    std::vector<std::byte> buf(8 * 1024);
    for (const double v : {std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(), 1e31, 2.5}) {
        INFO("index 30 set to " << v);
        set_index f{30, v};
        pa->visit_state(f);
        REQUIRE(f.seen == 1);
        const auto n = nerve::snapshot(*pa, std::span<std::byte>(buf));
        REQUIRE(n.ok());
        CHECK(nerve::restore(*pb, std::span<const std::byte>(buf.data(), n.value())).ok() == (v == 2.5));
    }
    // The fuzzer's other case: a weekly gain of about -1e300 let the errors overflow the weekly
    // indices within a week. Gains outside [0, 1] are refused.
    for (const double g : {-1e300, 1.5, 0.05}) {
        INFO("weekly gain set to " << g);
        set_index f{192 + 9, g};
        pa->visit_state(f);
        const auto n = nerve::snapshot(*pa, std::span<std::byte>(buf));
        REQUIRE(n.ok());
        CHECK(nerve::restore(*pb, std::span<const std::byte>(buf.data(), n.value())).ok() == (g == 0.05));
    }
}
