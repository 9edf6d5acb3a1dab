#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/ddm.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<ddm<float>>);

TEST_CASE("ddm reproduces River's documented example exactly", "[ddm][golden]") {
    ddm<double> d;
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_b));
    CHECK(r.drifts() == drift_test::vec(g::ddm_b_drifts));
    CHECK(r.warnings() == drift_test::vec(g::ddm_b_first_warnings));
    ddm<float> f;
    const auto rf = drift_test::run(f, g::stream_b);
    CHECK(rf.drifts() == drift_test::vec(g::ddm_b_drifts));
    CHECK(rf.warnings() == drift_test::vec(g::ddm_b_first_warnings));
}

TEST_CASE("ddm change point is the start of the warning before the drift", "[ddm]") {
    ddm<double> d;
    drift_test::run(d, g::stream_b, 1335);
    REQUIRE(d.detections() == 1);
    CHECK(d.detection_index() == 1334);
    CHECK(d.change_point() >= 1084);
    CHECK(d.change_point() < 1334);
    CHECK(d.estimate() > 0.5);
}

TEST_CASE("ddm rejects NaN and Inf and resets", "[ddm][bad-input]") {
    drift_test::check_rejects_non_finite<ddm<float>>();
}

TEST_CASE("ddm state survives a snapshot", "[ddm][snapshot]") {
    drift_test::check_snapshot_round_trip<ddm<float>>(g::stream_b, std::size(g::stream_b) / 2 - 17);
    INFO("sizeof(ddm<float>) = " << sizeof(ddm<float>));
    CHECK(sizeof(ddm<float>) <= 256);
}
