#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <vector>
#include <limits>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/fhddm.hpp"

namespace g = golden::drift_river;
using nerve::drift::drift_signal;
using namespace nerve::drift;

static_assert(drift_detector<fhddm<float>>);

TEST_CASE("fhddm reproduces River's documented example exactly", "[fhddm][golden]") {
    fhddm<double> d;
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_c));
    CHECK(r.drifts() == drift_test::vec(g::fhddm_c_drifts));
    // River prints the union of FHDDM() and FHDDM(short_window_size=20).
    fhddm<double, 100, 20> s;
    const auto rs = drift_test::run(s, g::stream_c);
    std::vector<unsigned> both = r.drifts();
    for (unsigned i : rs.drifts()) both.push_back(i);
    std::sort(both.begin(), both.end());
    both.erase(std::unique(both.begin(), both.end()), both.end());
    CHECK(both == drift_test::vec(g::fhddm_c_union_drifts));
    fhddm<float> f;
    CHECK(drift_test::run(f, g::stream_c).drifts() == drift_test::vec(g::fhddm_c_drifts));
}

TEST_CASE("fhddm rejects NaN and Inf and resets", "[fhddm][bad-input]") {
    drift_test::check_rejects_non_finite<fhddm<float>>();
}

TEST_CASE("fhddm state survives a snapshot", "[fhddm][snapshot]") {
    drift_test::check_snapshot_round_trip<fhddm<float>>(g::stream_c, std::size(g::stream_c) / 2 - 17);
    INFO("sizeof(fhddm<float>) = " << sizeof(fhddm<float>));
    CHECK(sizeof(fhddm<float>) <= 256);
}
