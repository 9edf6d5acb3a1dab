#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/eddm.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<eddm<float>>);

TEST_CASE("eddm reproduces River's documented example exactly", "[eddm][golden]") {
    eddm_options o;
    o.alpha = 0.8;
    o.beta = 0.75;
    eddm<double> d(o);
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_b));
    CHECK(r.drifts() == drift_test::vec(g::eddm_b_drifts));
    CHECK(r.warnings() == drift_test::vec(g::eddm_b_first_warnings));
    eddm<float> f(o);
    const auto rf = drift_test::run(f, g::stream_b);
    CHECK(rf.drifts() == drift_test::vec(g::eddm_b_drifts));
    CHECK(rf.warnings() == drift_test::vec(g::eddm_b_first_warnings));
}

TEST_CASE("eddm rejects NaN and Inf and resets", "[eddm][bad-input]") {
    drift_test::check_rejects_non_finite<eddm<float>>();
}

TEST_CASE("eddm state survives a snapshot", "[eddm][snapshot]") {
    drift_test::check_snapshot_round_trip<eddm<float>>(g::stream_b, std::size(g::stream_b) / 2 - 17);
    INFO("sizeof(eddm<float>) = " << sizeof(eddm<float>));
    CHECK(sizeof(eddm<float>) <= 256);
}
