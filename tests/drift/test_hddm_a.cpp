#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/hddm_a.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<hddm_a<float>>);

TEST_CASE("hddm_a reproduces River's documented example exactly", "[hddm_a][golden]") {
    hddm_a<double> d;
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_b));
    CHECK(r.drifts() == drift_test::vec(g::hddm_a_b_drifts));
    CHECK(r.warnings() == drift_test::vec(g::hddm_a_b_first_warnings));
    hddm_a<float> f;
    const auto rf = drift_test::run(f, g::stream_b);
    CHECK(rf.drifts() == drift_test::vec(g::hddm_a_b_drifts));
    CHECK(rf.warnings() == drift_test::vec(g::hddm_a_b_first_warnings));
    // The cut point (where mean + bound was lowest) precedes the change; it is a coarse estimate.
    hddm_a<double> c;
    drift_test::run(c, g::stream_b, 1207);
    CHECK(c.change_point() >= 600);
    CHECK(c.change_point() <= 1206);
}

TEST_CASE("hddm_a two-sided catches a drop in the error rate", "[hddm_a]") {
    hddm_a_options o;
    o.two_sided = true;
    hddm_a<float> d(o);
    hddm_a<float> one;
    bool two_fired = false, one_fired = false;
    for (int i = 0; i < 3000; ++i) {
        const float x = i < 1500 ? float(i % 2) : float(i % 10 == 0);  // 50 % then 10 % errors
        two_fired |= d(x) == drift_signal::drift;
        one_fired |= one(x) == drift_signal::drift;
    }
    CHECK(two_fired);
    CHECK_FALSE(one_fired);
}

TEST_CASE("hddm_a rejects NaN and Inf and resets", "[hddm_a][bad-input]") {
    drift_test::check_rejects_non_finite<hddm_a<float>>();
}

TEST_CASE("hddm_a state survives a snapshot", "[hddm_a][snapshot]") {
    drift_test::check_snapshot_round_trip<hddm_a<float>>(g::stream_b, std::size(g::stream_b) / 2 - 17);
    INFO("sizeof(hddm_a<float>) = " << sizeof(hddm_a<float>));
    CHECK(sizeof(hddm_a<float>) <= 256);
}
