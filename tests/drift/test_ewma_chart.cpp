#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/ewma_chart.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<ewma_chart<float>>);

TEST_CASE("ewma_chart reproduces River's documented example exactly", "[ewma_chart][golden]") {
    ewma_chart_options o;
    o.alpha = 0.1;
    o.threshold = 4;
    o.min_instances = 50;
    ewma_chart<double> d(o);
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_e));
    CHECK(r.drifts() == drift_test::vec(g::ewma_e_drifts));
    ewma_chart<float> f(o);
    CHECK(drift_test::run(f, g::stream_e).drifts() == drift_test::vec(g::ewma_e_drifts));
    ewma_chart<double> c(o);
    drift_test::run(c, g::stream_e, 1011);
    CHECK(c.change_point() >= 990);
    CHECK(c.change_point() <= 1010);
}

TEST_CASE("ewma_chart rejects NaN and Inf and resets", "[ewma_chart][bad-input]") {
    ewma_chart<float> d;
    d(0.0f);
    CHECK(d(std::numeric_limits<float>::quiet_NaN()) == drift_signal::none);
    CHECK(d(std::numeric_limits<float>::infinity()) == drift_signal::none);
    CHECK(d.rejected() == 2);
    CHECK(d.samples_seen() == 1);
    d.reset();
    CHECK(d.rejected() == 0);
    CHECK(d.samples_seen() == 0);
    CHECK(d.window_length() == 0);
}

TEST_CASE("ewma_chart state survives a snapshot", "[ewma_chart][snapshot]") {
    drift_test::check_snapshot_round_trip<ewma_chart<float>>(g::stream_e, std::size(g::stream_e) / 2 - 17);
    INFO("sizeof(ewma_chart<float>) = " << sizeof(ewma_chart<float>));
    CHECK(sizeof(ewma_chart<float>) <= 256);
}
