#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/cusum.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<cusum<float>>);

TEST_CASE("cusum reproduces River's documented example exactly", "[cusum][golden]") {
    cusum<double> d;
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_d));
    CHECK(r.drifts() == drift_test::vec(g::cusum_d_drifts));
    cusum<float> f;
    CHECK(drift_test::run(f, g::stream_d).drifts() == drift_test::vec(g::cusum_d_drifts));
}

TEST_CASE("cusum change point is where the sum left zero", "[cusum]") {
    cusum<double> d;
    drift_test::run(d, g::stream_d, 202);
    REQUIRE(d.detections() == 1);
    CHECK(d.change_point() >= 195);
    CHECK(d.change_point() <= 201);
}

TEST_CASE("cusum rejects NaN and Inf and resets", "[cusum][bad-input]") {
    drift_test::check_rejects_non_finite<cusum<float>>();
}

TEST_CASE("cusum state survives a snapshot", "[cusum][snapshot]") {
    drift_test::check_snapshot_round_trip<cusum<float>>(g::stream_d, std::size(g::stream_d) / 2 - 17);
    INFO("sizeof(cusum<float>) = " << sizeof(cusum<float>));
    CHECK(sizeof(cusum<float>) <= 256);
}
