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
    cusum<float> d;
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

TEST_CASE("cusum state survives a snapshot", "[cusum][snapshot]") {
    cusum<float> a, b;
    const auto& s = g::stream_d;
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
    INFO("sizeof(cusum<float>) = " << sizeof(cusum<float>));
    CHECK(sizeof(cusum<float>) <= 256);
}
