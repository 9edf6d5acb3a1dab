#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "golden/stats_streaming.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/ewma_stats.hpp"

namespace g = golden::stats_streaming;
using nerve::stats::ewma_stats;

TEST_CASE("ewma_stats matches the explicit exponentially weighted sums", "[ewma_stats]") {
    ewma_stats<double> d(g::ewma_alpha);
    ewma_stats<float> f(g::ewma_alpha);
    double err_md = 0, err_vd = 0, err_mf = 0, err_vf = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        const auto rd = d(g::input[i]);
        const auto rf = f(static_cast<float>(g::input[i]));
        err_md = std::max(err_md, std::abs(rd.mean - g::ewma_mean[i]));
        err_vd = std::max(err_vd, std::abs(rd.variance - g::ewma_var[i]) / (g::ewma_var[i] + 1e-3));
        err_mf = std::max(err_mf, std::abs(rf.mean - g::ewma_mean[i]));
        err_vf = std::max(err_vf, std::abs(rf.variance - g::ewma_var[i]) / (g::ewma_var[i] + 1e-3));
    });
    CHECK(err_md < 1e-9);
    CHECK(err_vd < 1e-9);
    CHECK(err_mf < 3e-4);  // float around 1000: ulp is 6e-5
    CHECK(err_vf < 2e-3);
}

TEST_CASE("ewma_stats bad input is rejected and the state recovers", "[ewma_stats][bad-input]") {
    ewma_stats<float> s(0.5);
    s(std::numeric_limits<float>::quiet_NaN());
    CHECK_FALSE(s.primed());
    s(2.0f);
    s(std::numeric_limits<float>::infinity());
    s(-std::numeric_limits<float>::infinity());
    CHECK(s.rejected() == 3);
    CHECK(s.mean() == 2.0f);
    s(3e38f);  // d^2 overflows: rejected
    CHECK(s.rejected() == 4);
    CHECK(std::isfinite(s.variance()));
    for (int i = 0; i < 40; ++i) s(5.0f);
    CHECK(s.mean() == Approx(5.0f));
    CHECK(s.variance() == Approx(0.0f).margin(1e-6));
    s.reset();
    CHECK_FALSE(s.primed());
}

TEST_CASE("ewma_stats from a time constant and snapshot", "[ewma_stats][snapshot]") {
    auto s = ewma_stats<float>::from_time_constant(1.0, nerve::sample_rate{100.0});
    CHECK(s.alpha() == Approx(1.0 - std::exp(-0.01)));
    ewma_stats<float> a(0.1), b(0.1);
    for (int i = 0; i < 20; ++i) a(static_cast<float>(i % 3));
    std::array<std::byte, 64> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(1.0f).variance == b(1.0f).variance);
}
