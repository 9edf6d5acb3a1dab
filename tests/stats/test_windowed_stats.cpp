#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "golden/stats_streaming.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/windowed_stats.hpp"

namespace g = golden::stats_streaming;

TEST_CASE("windowed_stats matches numpy over a sliding window", "[windowed_stats]") {
    static_assert(g::window == 32);
    nerve::stats::windowed_stats<double, 32> d;
    nerve::stats::windowed_stats<float, 32> f;
    double em_d = 0, ev_d = 0, em_f = 0, ev_f = 0, e_mm = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        const auto rd = d(g::input[i]);
        const auto rf = f(static_cast<float>(g::input[i]));
        em_d = std::max(em_d, std::abs(rd.mean - g::win_mean[i]));
        ev_d = std::max(ev_d, std::abs(rd.variance - g::win_var[i]));
        em_f = std::max(em_f, std::abs(rf.mean - g::win_mean[i]));
        ev_f = std::max(ev_f, std::abs(rf.variance - g::win_var[i]) / (g::win_var[i] + 0.1));
        e_mm = std::max(e_mm, std::abs(rd.min - g::win_min[i]) + std::abs(rd.max - g::win_max[i]));
    });
    CHECK(em_d < 1e-10);
    CHECK(ev_d < 1e-9);
    CHECK(e_mm == 0.0);
    CHECK(em_f < 3e-4);  // float around 1000
    CHECK(ev_f < 2e-3);
    CHECK(d.full());
}

TEST_CASE("windowed_stats stays exact over a long stream with a large offset", "[windowed_stats]") {
    nerve::stats::windowed_stats<float, 16> w;
    // 1e5 samples of 1e4 + a +-1 square wave: variance of the window is exactly 1.
    for (int i = 0; i < 100000; ++i) w.update(10000.0f + ((i & 1) ? 1.0f : -1.0f));
    CHECK(w.mean() == Approx(10000.0f));
    CHECK(w.variance() == Approx(1.0f).epsilon(1e-3));
}

TEST_CASE("windowed_stats bad input, constants and snapshot", "[windowed_stats][bad-input][snapshot]") {
    nerve::stats::windowed_stats<float, 8> w;
    w(std::numeric_limits<float>::quiet_NaN());
    w(std::numeric_limits<float>::infinity());
    w(1e30f);  // square overflows float: rejected
    CHECK(w.count() == 0);
    CHECK(w.rejected() == 3);
    for (int i = 0; i < 20; ++i) w(4.0f);
    CHECK(w.variance() == 0.0f);
    CHECK(w.min() == 4.0f);
    CHECK(w.max() == 4.0f);
    for (int i = 0; i < 8; ++i) w(static_cast<float>(i));
    CHECK(w.mean() == Approx(3.5f));
    CHECK(w.min() == 0.0f);
    CHECK(w.max() == 7.0f);
    nerve::stats::windowed_stats<float, 8> b;
    std::array<std::byte, 512> buf{};
    auto n = nerve::snapshot(w, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    const auto ra = w(9.0f), rb = b(9.0f);
    CHECK(ra.mean == rb.mean);
    CHECK(ra.max == rb.max);
    w.reset();
    CHECK(w.count() == 0);
}
