#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <memory>

#include "nerve/anomaly/anomaly_likelihood.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::anomaly_likelihood;
using nerve::test::gauss;

namespace {
// Prediction errors of a model in [0, 1], as an HTM's raw anomaly scores look: mostly small,
// with a total miss (1.0) one time in ten.
float error(gauss& g, float miss_rate = 0.1f) {
    if (g.uniform() < miss_rate) return 1.0f;
    const float e = 0.05f + 0.02f * g();
    return e < 0.0f ? 0.0f : e;
}
}  // namespace

TEST_CASE("anomaly_likelihood flags a sustained rise of the error level, not single errors", "[anomaly_likelihood]") {
    anomaly_likelihood<1024, 10> d;
    gauss g(1);
    std::uint32_t false_alarms = 0;
    float single = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 5000; ++i) {
        const bool lone = i == 3000;  // one more miss: ordinary for this model
        const auto v = d(lone ? 1.0f : error(g));
        if (i >= 3000 && i < 3010) single = std::max(single, v.score);
        false_alarms += v.alarm ? 1u : 0u;
    });
    CHECK(false_alarms <= 3);
    CHECK(single < nerve::anomaly::tail_score(std::log(1e-5f)));  // below NAB's threshold, likelihood 1 - 1e-5
    int first = -1;
    for (int i = 0; i < 30 && first < 0; ++i)
        if (d(error(g, 0.7f)).alarm) first = i;  // the model starts failing: 70 % misses
    CHECK(first >= 0);
    CHECK(first < 10);
}

TEST_CASE("anomaly_likelihood log score follows NAB", "[anomaly_likelihood]") {
    using A = anomaly_likelihood<64, 4>;
    CHECK(A::log_score(0.5f) == Approx(0.0301).margin(1e-3));
    CHECK(A::log_score(1.0f - 1e-5f) == Approx(0.5).margin(2e-2));
    CHECK(A::log_score(1.0f) == Approx(1.0f).margin(1e-6));
}

TEST_CASE("anomaly_likelihood bad input, constant errors and snapshot", "[anomaly_likelihood][bad-input][snapshot]") {
    anomaly_likelihood<256, 5> d;
    CHECK(d(std::numeric_limits<float>::quiet_NaN()).score == 0.0f);
    CHECK(d(std::numeric_limits<float>::infinity()).score == 0.0f);
    CHECK(d.rejected() == 2);
    for (int i = 0; i < 300; ++i) CHECK(std::isfinite(d(0.2f).score));  // constant error
    CHECK(d(0.9f).score > 0.99f);        // a change after a flat stretch (variance floor)
    CHECK(d(3e37f).score == 1.0f);       // huge error: score 1, finite
    gauss g(4);
    float after = 0;
    for (int i = 0; i < 1200; ++i) {
        const auto v = d(error(g));
        CHECK(std::isfinite(v.score));
        if (i >= 1000) after += v.score / 200.0f;
    }
    CHECK(after < 0.8f);  // the huge error has left the 256-sample window
    auto a = std::make_unique<anomaly_likelihood<256, 5>>(), b = std::make_unique<anomaly_likelihood<256, 5>>();
    for (int i = 0; i < 300; ++i) (*a)(error(g));
    static std::array<std::byte, 4096> buf{};
    auto n = nerve::snapshot(*a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(*b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK((*a)(0.5f) == (*b)(0.5f));
}
