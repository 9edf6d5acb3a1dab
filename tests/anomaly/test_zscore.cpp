#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "nerve/anomaly/zscore.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::zscore;
using namespace nerve::test;

TEST_CASE("zscore detects spikes, shifts, variance changes and stuck sensors", "[zscore]") {
    zscore<float>::config c;
    c.stuck_run = 20;
    struct expect { anomaly_kind kind; std::uint32_t within; };
    for (auto e : {expect{anomaly_kind::spike, 1}, expect{anomaly_kind::level_shift, 3},
                   expect{anomaly_kind::variance_change, 20}, expect{anomaly_kind::stuck, 25}}) {
        zscore<float> d(c);
        outcome o;
        NERVE_REQUIRE_NO_ALLOC(o = run_stream(d, e.kind, 6000, 3000, e.within));
        INFO("kind " << static_cast<int>(e.kind));
        CHECK(o.finite);
        CHECK(o.detected == o.events);
        CHECK(o.false_alarms <= 12);  // <= 0.2 % of 6000 samples (3.3-sigma gate: ~0.1 % for Gaussian noise)
    }
}

TEST_CASE("zscore follows a drifting baseline without alarms", "[zscore]") {
    zscore<float> d;
    const auto o = run_stream(d, anomaly_kind::drift, 6000, 1000, 1);
    CHECK(o.finite);
    CHECK(o.false_alarms <= 15);
}

TEST_CASE("zscore bad input: NaN/Inf ignored, constants, huge steps, recovery", "[zscore][bad-input]") {
    zscore<float> d;
    float after = 1;
    CHECK(bad_input_gauntlet(d, after));
    CHECK(after < 0.7f);  // back to normal scores
    CHECK(d.rejected() >= 53);
    // After a constant stretch the first real deviation scores high.
    zscore<float> flat;
    for (int i = 0; i < 100; ++i) flat(2.0f);
    CHECK(flat(2.001f).score > 0.999f);
    CHECK(flat(std::numeric_limits<float>::quiet_NaN()).score == 0.0f);
}

TEST_CASE("zscore snapshot", "[zscore][snapshot]") {
    zscore<float> a, b;
    gauss g(4);
    for (int i = 0; i < 100; ++i) a(g());
    std::array<std::byte, 128> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(3.0f) == b(3.0f));
}
