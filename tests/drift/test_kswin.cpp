#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/kswin.hpp"
#include "python_random.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using nerve::drift::kswin;
using nerve::drift::kswin_options;

static_assert(nerve::drift::drift_detector<kswin<float>>);

TEST_CASE("python_random reproduces Python's Mersenne Twister and sample()", "[kswin][golden]") {
    drift_test::python_random r(42);
    for (unsigned w : g::python_mt_42_words) CHECK(r.genrand() == w);
    drift_test::python_sampler s(42);
    std::array<std::uint16_t, 30> out{};
    std::array<std::uint16_t, 70> pool{};
    for (int d = 0; d < 3; ++d) {
        s.sample(out.data(), 30, 70, pool.data());
        for (int i = 0; i < 30; ++i) CHECK(out[i] == g::python_sample_70_30[d * 30 + i]);
    }
}

TEST_CASE("kswin reproduces River's documented example exactly", "[kswin][golden]") {
    kswin_options o;
    o.alpha = 0.0001;
    kswin<double, 100, 30, drift_test::python_sampler> d(o, drift_test::python_sampler(42));
    const auto r = drift_test::run(d, g::stream_a);
    CHECK(r.drifts() == drift_test::vec(g::kswin_a_drifts));
    kswin<float, 100, 30, drift_test::python_sampler> f(o, drift_test::python_sampler(42));
    CHECK(drift_test::run(f, g::stream_a).drifts() == drift_test::vec(g::kswin_a_drifts));
}

TEST_CASE("kswin with its own sampler finds the same change, without allocating", "[kswin]") {
    kswin_options o;
    o.alpha = 0.0001;
    kswin<float> d(o);
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_a));
    REQUIRE(r.n_drift >= 1);
    CHECK(r.drift[0] >= 1000);
    CHECK(r.drift[0] <= 1030);
    CHECK(d.critical_h() >= 4);
}

TEST_CASE("kswin keeps the recent window sorted and its mean", "[kswin]") {
    kswin<double, 20, 5> d;
    for (int i = 0; i < 17; ++i) d(static_cast<double>((i * 7) % 11));
    // last five inputs: i = 12..16 -> 84%11=7, 91%11=3, 98%11=10, 105%11=6, 112%11=2
    CHECK(d.estimate() == Approx((7 + 3 + 10 + 6 + 2) / 5.0));
    CHECK(d.window_length() == 17);
}

TEST_CASE("kswin rejects NaN and Inf", "[kswin][bad-input]") {
    kswin<float> d;
    d(1.0f);
    CHECK(d(std::numeric_limits<float>::quiet_NaN()) == drift_signal::none);
    CHECK(d.rejected() == 1);
    CHECK(d.window_length() == 1);
    CHECK(d.p_value() == 1.0);
}

TEST_CASE("kswin state survives a snapshot", "[kswin][snapshot]") {
    drift_test::check_snapshot_round_trip<kswin<float>, 2048>(g::stream_a, 990);
    INFO("sizeof(kswin<float>) = " << sizeof(kswin<float>));
    CHECK(sizeof(kswin<float>) <= 1024);
}
