#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "drift_test_util.hpp"
#include "golden/drift_river.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/drift/adwin.hpp"

namespace g = golden::drift_river;
using nerve::drift::adwin;
using nerve::drift::adwin_options;
using nerve::drift::drift_signal;

static_assert(nerve::drift::drift_detector<adwin<float>>);
static_assert(nerve::drift::drift_detector<adwin<double, 5, 32>>);

TEST_CASE("adwin in River mode reproduces River's documented example exactly", "[adwin][golden]") {
    adwin_options o;
    o.river_compatible = true;
    adwin<double> d(o);
    drift_test::record r;
    NERVE_REQUIRE_NO_ALLOC(r = drift_test::run(d, g::stream_a));
    CHECK(r.drifts() == drift_test::vec(g::adwin_a_drifts));

    adwin<float> f(o);
    CHECK(drift_test::run(f, g::stream_a).drifts() == drift_test::vec(g::adwin_a_drifts));
}

TEST_CASE("adwin in River mode reproduces River's multi-drift regression test", "[adwin][golden]") {
    adwin_options o;
    o.river_compatible = true;
    adwin<double> d(o);
    CHECK(drift_test::run(d, g::stream_a4).drifts() == drift_test::vec(g::adwin_a4_drifts));
    adwin<float> f(o);
    CHECK(drift_test::run(f, g::stream_a4).drifts() == drift_test::vec(g::adwin_a4_drifts));
}

TEST_CASE("adwin default mode: one detection per change, the new concept kept", "[adwin][golden]") {
    adwin<double> d;
    const auto r = drift_test::run(d, g::stream_a);
    CHECK(r.drifts() == drift_test::vec(g::adwin_a_drifts));
    // The change began at sample 1000; the estimate is within a bucket of it.
    CHECK(d.change_point() >= 990);
    CHECK(d.change_point() <= 1008);
    // After the stream the window holds only the new concept (mean of range(4, 8) = 5.5).
    CHECK(d.estimate() == Approx(5.5).margin(0.1));
    CHECK(d.window_length() > 900);

    adwin<double> d4;
    const auto r4 = drift_test::run(d4, g::stream_a4);
    CHECK(r4.drifts() == drift_test::vec(g::adwin_a4_drifts));
}

TEST_CASE("adwin window statistics match a direct computation", "[adwin]") {
    adwin_options o;
    o.clock = 1000000;  // never test: pure window bookkeeping
    adwin<double> d(o);
    double sum = 0;
    std::vector<double> v;
    for (int i = 0; i < 200; ++i) {
        v.push_back(static_cast<double>(i % 7));
        sum += v.back();
        d.update(v.back());
    }
    const double mean = sum / 200;
    double ss = 0;
    for (double x : v) ss += (x - mean) * (x - mean);
    CHECK(d.window_length() == 200);
    CHECK(d.total() == Approx(sum));
    CHECK(d.estimate() == Approx(mean));
    CHECK(d.variance_sum() == Approx(ss).epsilon(1e-9));
    CHECK(d.buckets() <= 6 * 8);
}

TEST_CASE("adwin: no alarm on a constant stream, grace period respected", "[adwin]") {
    adwin<float> d;
    bool any = false;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 5000; ++i) any |= d(1.0f) == drift_signal::drift;);
    CHECK_FALSE(any);
    CHECK(d.estimate() == 1.0f);

    adwin_options o;
    o.clock = 1;
    o.grace_period = 100;
    adwin<float> g(o);
    for (int i = 0; i < 50; ++i) g(0.0f);
    for (int i = 0; i < 50; ++i) CHECK(g(1000.0f) == drift_signal::none);
}

TEST_CASE("adwin with clock 1 reacts faster than with clock 32", "[adwin]") {
    adwin_options o1;
    o1.clock = 1;
    adwin<double> fast(o1);
    adwin<double> slow;
    const auto rf = drift_test::run(fast, g::stream_a);
    const auto rs = drift_test::run(slow, g::stream_a);
    REQUIRE(rf.n_drift >= 1);
    REQUIRE(rs.n_drift >= 1);
    CHECK(rf.drift[0] < rs.drift[0]);
    CHECK(rf.drift[0] >= 1000);
}

TEST_CASE("adwin: a full histogram slides instead of overflowing", "[adwin]") {
    adwin_options o;
    o.clock = 64;
    adwin<float, 2, 4> d(o);  // capacity 2 * 15 = 30 samples
    static_assert(adwin<float, 2, 4>::capacity == 30);
    for (int i = 0; i < 1000; ++i) d(static_cast<float>(i % 3));
    CHECK(d.window_length() <= 30);
    CHECK(d.window_length() >= 15);
    CHECK(d.state_is_valid());
}

TEST_CASE("adwin rejects NaN and Inf without touching the window", "[adwin][bad-input]") {
    adwin<float> d;
    for (int i = 0; i < 10; ++i) d(2.0f);
    CHECK(d(std::numeric_limits<float>::quiet_NaN()) == drift_signal::none);
    CHECK(d(std::numeric_limits<float>::infinity()) == drift_signal::none);
    CHECK(d.rejected() == 2);
    CHECK(d.window_length() == 10);
    CHECK(d.samples_seen() == 10);
    CHECK(d.estimate() == 2.0f);
    d.reset();
    CHECK(d.rejected() == 0);
    CHECK(d.window_length() == 0);
    CHECK(d.estimate() == 0.0f);
}

TEST_CASE("adwin rejects a finite sample whose squared deviation overflows, and stays usable", "[adwin][bad-input]") {
    // Found by tests/fuzz/fuzz_snapshot.cpp: one sample of 1e18 among values near 0.5 made the
    // float window's variance Inf; the cut test never fired again (an Inf threshold), the window
    // grew for good and the detector's own snapshot was refused.
    adwin<float> d;
    for (std::size_t i = 0; i < 1000; ++i) d(static_cast<float>(g::stream_a[i]));
    const auto seen = d.samples_seen();
    const auto width = d.window_length();
    CHECK(d(1e18f) == drift_signal::none);
    CHECK(d.rejected() == 1);
    CHECK(d.samples_seen() == seen);
    CHECK(d.window_length() == width);
    CHECK(std::isfinite(d.variance()));
    // A mean shift still fires, and the state still snapshots and restores.
    bool fired = false;
    for (int i = 0; i < 2000 && !fired; ++i) fired = d(i % 2 ? 5.0f : 5.2f) == drift_signal::drift;
    CHECK(fired);
    std::array<std::byte, 4096> buf{};
    const auto n = nerve::snapshot(d, buf);
    REQUIRE(n.ok());
    adwin<float> e;
    CHECK(nerve::restore(e, std::span<const std::byte>(buf.data(), n.value())).ok());
}

TEST_CASE("adwin state survives a snapshot and a corrupt one is refused", "[adwin][snapshot]") {
    adwin<float, 5, 16> a, b;
    for (std::size_t i = 0; i < 1500; ++i) a(static_cast<float>(g::stream_a[i]));
    std::array<std::byte, 2048> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (std::size_t i = 1500; i < 2000; ++i) {
        const float x = static_cast<float>(g::stream_a[i]);
        REQUIRE(a(x) == b(x));
    }
    CHECK(a.estimate() == b.estimate());
    buf[40] ^= std::byte{0x5a};
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
}

TEST_CASE("adwin memory is fixed at compile time", "[adwin]") {
    INFO("sizeof(adwin<float,5,24>) = " << sizeof(adwin<float, 5, 24>));
    CHECK(sizeof(adwin<float, 5, 24>) <= 1400);
    CHECK(sizeof(adwin<float, 5, 16>) <= 1000);
}

namespace {
/// Empties row 1 of a visited adwin and takes its samples off the width, so that the state
/// still adds up (the rows' sizes sum to the width) with an empty row below the highest.
struct empty_row_1 {
    int after_rows = -1;  // integers visited since the rows (used_rows_, then width_)
    std::uint64_t removed = 0;
    template <class X>
    void operator()(X& x) {
        if constexpr (requires { x[1].count; x[1].head; }) {
            removed = std::uint64_t{x[1].count} << 1;
            x[1].count = 0;
            after_rows = 0;
        } else if constexpr (std::is_integral_v<X>) {
            if (after_rows == 1) x -= static_cast<X>(removed);
            if (after_rows >= 0) ++after_rows;
        }
    }
};
}  // namespace

TEST_CASE("adwin refuses a snapshot with an empty row below the highest", "[adwin][snapshot][bad-input]") {
    // Found by tests/fuzz/fuzz_snapshot.cpp (regressions/fuzz_snapshot/adwin_empty_row): a
    // restored window whose rows add up to its width but with an empty row below the highest.
    // Drops empty the highest row, then pop the empty one: its count wrapped to 255 and the
    // cut scan read past the row's 6 slots (UBSan). In running, every used row holds a bucket.
    adwin<float, 5, 24> a, b;
    for (std::size_t i = 0; i < 1500; ++i) a(static_cast<float>(g::stream_a[i]));
    std::array<std::byte, 4096> buf{};
    REQUIRE(nerve::snapshot(a, buf).ok());
    empty_row_1 e;
    a.visit_state(e);
    REQUIRE(e.removed > 0);
    REQUIRE(e.after_rows >= 2);
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
}
