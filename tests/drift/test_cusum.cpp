#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
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

TEST_CASE("cusum refuses a warm-up sample whose squared deviation overflows, and still fires", "[cusum][bad-input]") {
    // Found by tests/fuzz/fuzz_snapshot.cpp (meter_monitor's chart): one sample of 1e20 in the
    // warm-up made the float sum of squares Inf, so sigma, k sigma and h sigma were Inf and the
    // frozen chart could never fire again.
    cusum<float> c;
    for (int i = 0; i < 10; ++i) c(i % 2 ? 1.0f : 1.2f);
    CHECK(c(1e20f) == drift_signal::none);
    CHECK(c.rejected() == 1);
    CHECK(c.samples_seen() == 10);
    bool fired = false;
    for (int i = 0; i < 60; ++i) fired = c(i % 2 ? 1.0f : 1.2f) == drift_signal::drift || fired;
    CHECK_FALSE(fired);
    for (int i = 0; i < 40 && !fired; ++i) fired = c(3.0f) == drift_signal::drift;
    CHECK(fired);
}

TEST_CASE("cusum state survives a snapshot", "[cusum][snapshot]") {
    drift_test::check_snapshot_round_trip<cusum<float>>(g::stream_d, std::size(g::stream_d) / 2 - 17);
    INFO("sizeof(cusum<float>) = " << sizeof(cusum<float>));
    CHECK(sizeof(cusum<float>) <= 256);
}

namespace {

/// River's CUSUM as the equations read (the reference mean and sigma over the warm-up, then k sigma
/// and h sigma worked out on every sample, 64-bit counts, the clock stored whenever a sum is zero):
/// the form cusum had before k sigma and h sigma were fixed at freeze, the warm-up count derived
/// from the clock and the limit tested on the sum of the two sums. Same arithmetic order, so the
/// sums must agree bit for bit.
template <class T>
struct plain_cusum {
    std::uint32_t min = 30;
    T slack = T(0.5), threshold = T(5);
    std::uint64_t n = 0, count = 0, up_zero = 0, down_zero = 0, change = 0;
    T mean = 0, m2 = 0, sigma = 0, up = 0, down = 0;
    bool frozen = false, fired = false;
    drift_signal update(T x) {
        if (!std::isfinite(x)) { fired = false; return drift_signal::none; }
        if (fired) { count = 0; mean = m2 = sigma = up = down = T(0); frozen = false; up_zero = down_zero = n; }
        fired = false;
        ++n;
        ++count;
        if (!frozen) {
            const T old = mean;
            mean += (T(1) / static_cast<T>(count)) * (x - old);
            m2 += (x - old) * (x - mean);
            if (count < min) return drift_signal::none;
            frozen = true;
            const T var = count > 1 ? m2 / static_cast<T>(count - 1) : T(0);
            sigma = std::sqrt(var > T(0) ? var : T(0));
            up_zero = down_zero = n - 1;
        }
        const T k = slack * sigma, limit = threshold * sigma, dev = x - mean;
        up = up + dev - k;
        if (up <= T(0)) { up = T(0); up_zero = n; }
        down = down - dev - k;
        if (down <= T(0)) { down = T(0); down_zero = n; }
        if (!(up > limit) && !(down > limit)) return drift_signal::none;
        change = up > limit ? up_zero : down_zero;
        fired = true;
        return drift_signal::drift;
    }
};

/// Noise with mean shifts of 1 to 3 sigma every 150-400 samples and a NaN now and then (seeded).
template <class T>
T shifting(std::uint64_t& s, std::size_t i) {
    auto u = [&] {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<double>(s >> 11) / 9007199254740992.0;
    };
    if (i % 97 == 41) return std::numeric_limits<T>::quiet_NaN();
    const double level = static_cast<double>((i / 150) % 4) * (i % 2000 < 1000 ? 1.0 : -0.7);
    return static_cast<T>(level + (u() + u() + u() + u() - 2.0) * 1.7320508);
}

template <class T>
void check_against_plain() {
    plain_cusum<T> ref;
    cusum<T> d;
    cusum<T, false> lean;   // no change-point bookkeeping
    cusum<T, false> stepped;  // step() whenever steady() and the sample finite
    std::uint64_t s = 2024;
    std::size_t drifts = 0;
    for (std::size_t i = 0; i < 20000; ++i) {
        const T x = shifting<T>(s, i);
        const drift_signal want = ref.update(x);
        const drift_signal got = d.update(x);
        REQUIRE(got == want);
        REQUIRE(lean.update(x) == want);
        const drift_signal st = stepped.steady() && std::isfinite(x) ? stepped.step(x) : stepped.update(x);
        REQUIRE(st == want);
        REQUIRE(d.sum_up() == ref.up);
        REQUIRE(d.sum_down() == ref.down);
        REQUIRE(lean.sum_up() == ref.up);
        REQUIRE(stepped.sum_down() == ref.down);
        REQUIRE(d.samples_seen() == ref.n);
        REQUIRE(d.window_length() == ref.count);
        REQUIRE(d.estimate() == ref.mean);
        REQUIRE(stepped.samples_seen() == ref.n);
        REQUIRE(stepped.window_length() == ref.count);
        if (want == drift_signal::drift) {
            ++drifts;
            REQUIRE(d.change_point() == ref.change);
            REQUIRE(d.detection_index() == ref.n - 1);
            REQUIRE(lean.change_point() == ref.n - 1);  // without the bookkeeping: where it fired
            REQUIRE(stepped.detection_index() == ref.n - 1);
        }
    }
    CHECK(drifts >= 20);
    CHECK(d.detections() == drifts);
    CHECK(stepped.detections() == drifts);
    CHECK(d.rejected() == lean.rejected());
}

}  // namespace

TEST_CASE("cusum: the frozen short path, step() and cusum<T, false> follow River's equations bit for bit",
          "[cusum]") {
    check_against_plain<float>();
    check_against_plain<double>();
}

TEST_CASE("cusum without change points: smaller, steady-state calls allocate nothing", "[cusum]") {
    static_assert(drift_detector<cusum<float, false>>);
    CHECK(sizeof(cusum<float, false>) + 2 * sizeof(std::uint64_t) <= sizeof(cusum<float>));
    cusum<float, false> d;
    for (int i = 0; i < 30; ++i) d(static_cast<float>(i % 3));
    REQUIRE(d.steady());
    drift_signal s = drift_signal::none;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 1000; ++i) s = d.step(static_cast<float>(i % 3)));
    CHECK(s == drift_signal::none);
    CHECK(d.samples_seen() == 1030);
}

TEST_CASE("cusum snapshot: refused by a chart with other options, round trip without change points",
          "[cusum][snapshot]") {
    drift_test::check_snapshot_round_trip<cusum<float, false>>(g::stream_d, 123);
    cusum<float> a;
    for (double x : g::stream_d) a(static_cast<float>(x));
    REQUIRE(a.frozen());
    std::array<std::byte, 512> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    cusum_options o;
    o.threshold = 4.0;  // k sigma and h sigma in the snapshot are those of slack 0.5 and h 5
    cusum<float> b{o};
    const auto r = nerve::restore(b, std::span<const std::byte>(buf.data(), n.value()));
    CHECK_FALSE(r.ok());
    CHECK(b.samples_seen() == 0);  // reset, not half restored
    cusum<float> c;
    CHECK(nerve::restore(c, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(c.sum_up() == a.sum_up());
}
