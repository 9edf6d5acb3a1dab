#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/hddm_w.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<hddm_w<float>>);

TEST_CASE("hddm_w in River mode reproduces River's documented example exactly", "[hddm_w][golden]") {
    hddm_w_options o;
    o.river_compatible = true;
    hddm_w<double> d(o);
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_b));
    CHECK(r.drifts() == drift_test::vec(g::hddm_w_b_drifts));
    CHECK(r.warnings() == drift_test::vec(g::hddm_w_b_first_warnings));
    hddm_w<float> f(o);
    const auto rf = drift_test::run(f, g::stream_b);
    CHECK(rf.drifts() == drift_test::vec(g::hddm_w_b_drifts));
    CHECK(rf.warnings() == drift_test::vec(g::hddm_w_b_first_warnings));
}

TEST_CASE("hddm_w default mode detects the same change", "[hddm_w]") {
    hddm_w<double> d;
    const auto r = drift_test::run(d, g::stream_b);
    REQUIRE(r.n_drift >= 1);
    CHECK(r.drift[0] >= 1000);
    CHECK(r.drift[0] <= 1300);
}

TEST_CASE("hddm_w rejects NaN and Inf and resets", "[hddm_w][bad-input]") {
    drift_test::check_rejects_non_finite<hddm_w<float>>();
}

TEST_CASE("hddm_w state survives a snapshot", "[hddm_w][snapshot]") {
    drift_test::check_snapshot_round_trip<hddm_w<float>>(g::stream_b, std::size(g::stream_b) / 2 - 17);
    INFO("sizeof(hddm_w<float>) = " << sizeof(hddm_w<float>));
    CHECK(sizeof(hddm_w<float>) <= 256);
}
