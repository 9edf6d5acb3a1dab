#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using nerve::drift::page_hinkley;
using nerve::drift::page_hinkley_options;
using nerve::drift::ph_direction;

static_assert(nerve::drift::drift_detector<page_hinkley<float>>);

TEST_CASE("page_hinkley reproduces River's documented example exactly", "[page_hinkley][golden]") {
    page_hinkley<double> d;
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_a));
    CHECK(r.drifts() == drift_test::vec(g::page_hinkley_a_drifts));
    CHECK(d.last_drift_was_up());
    page_hinkley<float> f;
    CHECK(drift_test::run(f, g::stream_a).drifts() == drift_test::vec(g::page_hinkley_a_drifts));
}

TEST_CASE("page_hinkley change point is where the cumulative sum turned", "[page_hinkley]") {
    // With River's tiny delta the cumulative sum of a noisy 0/1 stream is a random walk before
    // the change, so its minimum can lie anywhere before it; only the order is guaranteed here.
    page_hinkley<double> d;
    drift_test::run(d, g::stream_a, 1007);
    REQUIRE(d.detections() == 1);
    CHECK(d.detection_index() == 1006);
    CHECK(d.change_point() <= 1006);
    // With a delta of the order of the noise it is sharp.
    nerve::drift::page_hinkley_options o;
    o.delta = 0.5;
    o.threshold = 10;
    page_hinkley<double> s(o);
    drift_test::run(s, g::stream_a, 1100);
    REQUIRE(s.detections() >= 1);
    CHECK(s.change_point() >= 995);
    CHECK(s.change_point() <= 1001);
}

TEST_CASE("page_hinkley watches decreases, and only the requested direction", "[page_hinkley]") {
    page_hinkley_options o;
    o.threshold = 20;
    page_hinkley<float> both(o);
    o.direction = ph_direction::up;
    page_hinkley<float> up(o);
    o.direction = ph_direction::down;
    page_hinkley<float> down(o);
    int fb = -1, fu = -1, fd = -1;
    for (int i = 0; i < 400; ++i) {
        const float x = i < 200 ? 5.0f : 2.0f;  // a step down
        if (both(x) == drift_signal::drift && fb < 0) fb = i;
        if (up(x) == drift_signal::drift && fu < 0) fu = i;
        if (down(x) == drift_signal::drift && fd < 0) fd = i;
    }
    CHECK(fb >= 200);
    CHECK(fb < 220);
    CHECK(fd == fb);
    CHECK(fu == -1);
    CHECK_FALSE(both.last_drift_was_up());
    CHECK(both.change_point() == 200);
}

TEST_CASE("page_hinkley rejects NaN and Inf and restarts after a drift", "[page_hinkley][bad-input]") {
    page_hinkley<float> d;
    d(1.0f);
    CHECK(d(std::numeric_limits<float>::quiet_NaN()) == drift_signal::none);
    CHECK(d(-std::numeric_limits<float>::infinity()) == drift_signal::none);
    CHECK(d.rejected() == 2);
    CHECK(d.samples_seen() == 1);
    CHECK(d.estimate() == 1.0f);
    d.reset();
    CHECK(d.samples_seen() == 0);
    CHECK(d.window_length() == 0);
}

TEST_CASE("page_hinkley state survives a snapshot", "[page_hinkley][snapshot]") {
    drift_test::check_snapshot_round_trip<page_hinkley<float>, 256>(g::stream_a, 990);
    INFO("sizeof(page_hinkley<float>) = " << sizeof(page_hinkley<float>));
    CHECK(sizeof(page_hinkley<float>) <= 128);
}
