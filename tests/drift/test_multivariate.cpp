#include "nerve_test.hpp"

#include <array>
#include <limits>

#include "nerve/core/snapshot.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/drift/page_hinkley.hpp"
#include "nerve/drift/multivariate.hpp"

using namespace nerve::drift;

namespace {
// Deterministic noise in [-0.5, 0.5).
struct lcg {
    std::uint32_t s = 7;
    float operator()() {
        s = s * 1664525u + 1013904223u;
        return static_cast<float>(s >> 8) * (1.0f / 16777216.0f) - 0.5f;
    }
};
}  // namespace

TEST_CASE("multivariate: a shift in one feature fires once, naming the feature", "[multivariate]") {
    adwin_options a;
    a.clock = 1;
    multivariate<adwin<float>, 3> m(multivariate_options{}, adwin<float>(a));
    lcg r;
    int fired = 0, at = -1;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 3000; ++i) {
        std::array<float, 3> x{r(), r(), r()};
        if (i >= 1500) x[1] += 2.0f;
        if (m(x) == drift_signal::drift) {
            ++fired;
            if (at < 0) at = i;
        }
    });
    CHECK(fired == 1);
    CHECK(at >= 1500);
    CHECK(at < 1520);
    CHECK(m.fired_mask() == 0b010);
    CHECK(m.change_point() >= 1495);
    CHECK(m.change_point() <= 1505);
    CHECK(m.feature(1).estimate() == Approx(2.0).margin(0.1));
}

TEST_CASE("multivariate: a quorum of two within a coincidence window", "[multivariate]") {
    adwin_options a;
    a.clock = 1;
    multivariate_options o;
    o.votes = 2;
    o.coincidence = 50;
    multivariate<adwin<float>, 3> m(o, adwin<float>(a));
    lcg r;
    int fired = 0, first = -1;
    for (int i = 0; i < 4000; ++i) {
        std::array<float, 3> x{r(), r(), r()};
        if (i >= 1000) x[0] += 2.0f;                   // alone: no quorum
        if (i >= 2500) { x[1] += 2.0f; x[2] -= 2.0f; }  // two together: one combined drift
        if (m(x) == drift_signal::drift) {
            ++fired;
            if (first < 0) first = i;
        }
    }
    CHECK(fired == 1);
    CHECK(first >= 2500);
    CHECK(first < 2550);
    CHECK(m.fired_mask() == 0b110);
}

TEST_CASE("multivariate: a NaN feature is rejected by that feature only", "[multivariate][bad-input]") {
    multivariate<page_hinkley<float>, 2> m;
    m({1.0f, std::numeric_limits<float>::quiet_NaN()});
    CHECK(m.feature(0).samples_seen() == 1);
    CHECK(m.feature(1).samples_seen() == 0);
    CHECK(m.feature(1).rejected() == 1);
    CHECK(m.samples_seen() == 1);
    m.reset();
    CHECK(m.feature(0).samples_seen() == 0);
}

TEST_CASE("multivariate state survives a snapshot", "[multivariate][snapshot]") {
    multivariate<page_hinkley<float>, 4> a, b;
    lcg r;
    for (int i = 0; i < 100; ++i) a({r(), r(), r(), r()});
    std::array<std::byte, 2048> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (int i = 0; i < 500; ++i) {
        std::array<float, 4> x{r(), r() + (i > 200 ? 3.0f : 0.0f), r(), r()};
        REQUIRE(a(x) == b(x));
    }
}

TEST_CASE("multivariate checks its features' states after a restore", "[multivariate][snapshot]") {
    multivariate<adwin<float, 5, 8>, 2> a, b;
    lcg r;
    for (int i = 0; i < 300; ++i) a({r(), r()});
    std::array<std::byte, 4096> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(b.state_is_valid());
    CHECK(b.feature(0).window_length() == a.feature(0).window_length());
    for (int i = 0; i < 300; ++i) {
        const std::array<float, 2> x{r(), r() + 2.0f};
        REQUIRE(a(x) == b(x));
    }
}
