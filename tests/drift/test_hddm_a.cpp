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
    hddm_a<float> d;
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

TEST_CASE("hddm_a state survives a snapshot", "[hddm_a][snapshot]") {
    hddm_a<float> a, b;
    const auto& s = g::stream_b;
    const std::size_t half = std::size(s) / 2 - 17;
    for (std::size_t i = 0; i < half; ++i) a(static_cast<float>(s[i]));
    std::array<std::byte, 1024> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t i = half; i < std::size(s); ++i) {
        const float x = static_cast<float>(s[i]);
        REQUIRE(a(x) == b(x));
    }
    INFO("sizeof(hddm_a<float>) = " << sizeof(hddm_a<float>));
    CHECK(sizeof(hddm_a<float>) <= 256);
}
