#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/core/snapshot.hpp"

using nerve::anomaly::half_space_trees;

namespace {

// River's HalfSpaceTrees transcribed directly (full l_mass / r_mass per node, every node
// updated on every learn), on the same trees: the reference for the fast implementation.
template <class H>
struct river_reference {
    const H& model;
    std::vector<std::uint32_t> l, r;
    std::uint32_t counter = 0;
    bool first = true;
    explicit river_reference(const H& m) : model(m), l(H::trees * H::nodes), r(H::trees * H::nodes) {}

    template <class X>
    static float at(const X& x, std::size_t f) {
        if constexpr (std::is_same_v<X, float>) { (void)f; return x; } else { return x[f]; }
    }
    template <class X>
    std::size_t child(std::size_t t, std::size_t node, const X& x) const {
        return 2 * node + 1 + (at(x, model.feature(t, node)) < model.threshold(t, node) ? 0 : 1);
    }
    template <class X>
    void learn(const X& x) {
        for (std::size_t t = 0; t < H::trees; ++t) {
            std::size_t node = 0;
            for (std::size_t d = 0; d <= H::height; ++d) {
                ++l[t * H::nodes + node];
                if (d < H::height) node = child(t, node, x);
            }
        }
        if (++counter == H::window) {
            r = l;
            std::fill(l.begin(), l.end(), 0u);
            counter = 0;
            first = false;
        }
    }
    template <class X>
    std::uint64_t mass_sum(const X& x) const {
        if (first) return 0;
        std::uint64_t s = 0;
        const double limit = 0.1 * static_cast<double>(H::window);
        for (std::size_t t = 0; t < H::trees; ++t) {
            std::size_t node = 0;
            for (std::size_t d = 0; d <= H::height; ++d) {
                const std::uint32_t m = r[t * H::nodes + node];
                s += static_cast<std::uint64_t>(m) << d;
                if (m < limit) break;
                if (d < H::height) node = child(t, node, x);
            }
        }
        return s;
    }
};

struct lcg {
    std::uint64_t s;
    float uniform() {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<float>(s >> 40) * (1.0f / 16777216.0f);
    }
    float normal() {  // sum of 12 uniforms: good enough for tests
        float a = 0;
        for (int i = 0; i < 12; ++i) a += uniform();
        return a - 6.0f;
    }
};

}  // namespace

TEST_CASE("half_space_trees 1-D equals River's algorithm on the same trees", "[half_space_trees]") {
    using H = half_space_trees<1, 5, 6, 40>;
    auto h = std::make_unique<H>();
    river_reference<H> ref(*h);
    lcg rng{7};
    std::size_t mismatches = 0;
    for (int i = 0; i < 2000; ++i) {
        // A mixture that keeps some nodes full and some sparse, plus repeated values.
        float x = (i % 7 == 0) ? 0.3f : 0.5f + 0.1f * rng.normal();
        if (i % 97 == 0) x = rng.uniform();
        if (h->mass_sum(x) != ref.mass_sum(x)) ++mismatches;
        const auto v = (*h)(x);
        CHECK(v.score == H::to_score(ref.mass_sum(x) == 0 ? 0 : ref.mass_sum(x)) * (ref.first ? 0.0f : 1.0f) + 0.0f * v.score);
        ref.learn(x);
        // Probe points across the range (including exact thresholds) score identically.
        if (i % 50 == 49) {
            for (int k = 0; k <= 20; ++k) {
                const float p = -0.05f + 0.055f * static_cast<float>(k);
                if (h->mass_sum(p) != ref.mass_sum(p)) ++mismatches;
            }
            for (std::size_t t = 0; t < H::trees; ++t)
                for (std::size_t n = 0; n < 7; ++n) {
                    const float p = h->threshold(t, n);
                    if (h->mass_sum(p) != ref.mass_sum(p)) ++mismatches;
                }
        }
    }
    CHECK(mismatches == 0);
}

TEST_CASE("half_space_trees D > 1 equals River's algorithm on the same trees", "[half_space_trees]") {
    using H = half_space_trees<3, 4, 7, 30>;
    static_assert(H::size_limit == 3);                               // 0.1 * 30 == 3.0 in double
    static_assert(half_space_trees<1, 1, 2, 25>::size_limit == 3);  // mass < 2.5 stops: 3 is the first that does not
    typename H::config c;
    c.lo = {-1.0f, 0.0f, 10.0f};
    c.hi = {1.0f, 2.0f, 20.0f};
    c.seed = 1234;
    auto h = std::make_unique<H>(c);
    river_reference<H> ref(*h);
    lcg rng{11};
    std::size_t mismatches = 0;
    for (int i = 0; i < 1500; ++i) {
        const H::vector_type x{0.3f * rng.normal(), 1.0f + 0.2f * rng.normal(), (i % 5 == 0) ? 12.0f : 15.0f + rng.normal()};
        if (h->mass_sum(x) != ref.mass_sum(x)) ++mismatches;
        (*h)(x);
        ref.learn(x);
    }
    CHECK(mismatches == 0);
}

TEST_CASE("half_space_trees flags spikes and level shifts, few false alarms", "[half_space_trees]") {
    using H = half_space_trees<1, 25, 15, 250>;
    static std::unique_ptr<H> h;  // ~3.4 MB: not on the stack
    typename H::config c;
    c.lo = {-5.0f};
    c.hi = {5.0f};
    // River's normalisation by the full-tree maximum squashes scores of height-15 trees
    // towards 1 (here River's normal <= ~0.99990, spikes >= ~0.99996), so the gate sits at
    // River's 0.99993 / 0.9999, i.e. S / S_max = 7e-5 / 1e-4: 1 - sqrt(S / S_max) in our score.
    c.gate = {1.0f - std::sqrt(7e-5f), 1.0f - std::sqrt(1e-4f), 50};
    h = std::make_unique<H>(c);
    lcg rng{3};
    float max_normal = 0, min_spike = 1;
    std::uint32_t false_alarms = 0, spike_alarms = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 20000; ++i) {
        const bool spike = i > 1000 && i % 1000 == 500;
        const float x = spike ? 3.5f : 0.5f * rng.normal();
        const auto v = (*h)(x);
        if (i > 500) {
            if (spike) {
                min_spike = std::min(min_spike, v.score);
                spike_alarms += v.alarm ? 1u : 0u;
            } else {
                max_normal = std::max(max_normal, v.score);
                false_alarms += v.alarm ? 1u : 0u;
            }
        }
    });
    CHECK(h->ready());
    CHECK(min_spike > max_normal);  // every spike outscores every normal sample
    CHECK(spike_alarms == 19);
    CHECK(false_alarms <= 5);
}

TEST_CASE("half_space_trees bad input: NaN/Inf ignored, constant signal and recovery", "[half_space_trees][bad-input]") {
    using H = half_space_trees<1, 10, 8, 50>;
    auto h = std::make_unique<H>();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK((*h)(nan).score == 0.0f);
    CHECK((*h)(std::numeric_limits<float>::infinity()).score == 0.0f);
    CHECK(h->rejected() == 2);
    for (int i = 0; i < 200; ++i) {  // stuck sensor: a constant
        const auto v = (*h)(0.4f);
        CHECK(std::isfinite(v.score));
    }
    CHECK(h->score(0.4f) == 0.0f);  // all mass on its path: perfectly normal
    CHECK(h->score(0.9f) > 0.9f);  // anything else is anomalous: S / S_max < 0.01
    CHECK(h->score(1e30f) > 0.9f);  // out of limits: finite, in range
    CHECK(h->score(nan) == 0.0f);
    for (int i = 0; i < 100; ++i) (*h)(0.9f);  // a level shift becomes the new normal
    CHECK(h->score(0.9f) == 0.0f);
    h->reset();
    CHECK_FALSE(h->ready());
}

TEST_CASE("half_space_trees 3-D scores an off-distribution point higher", "[half_space_trees]") {
    using H = half_space_trees<3, 25, 8, 100>;
    auto h = std::make_unique<H>();
    lcg rng{5};
    for (int i = 0; i < 1000; ++i) (*h)({0.5f + 0.05f * rng.normal(), 0.5f + 0.05f * rng.normal(), 0.2f});
    CHECK(h->score({0.9f, 0.1f, 0.8f}) > h->score({0.5f, 0.5f, 0.2f}) + 0.05f);
    CHECK((*h)({std::numeric_limits<float>::quiet_NaN(), 0.5f, 0.5f}).score == 0.0f);
}

TEST_CASE("half_space_trees state survives a snapshot", "[half_space_trees][snapshot]") {
    using H = half_space_trees<1, 4, 6, 20>;
    auto a = std::make_unique<H>(), b = std::make_unique<H>();
    lcg rng{9};
    for (int i = 0; i < 57; ++i) (*a)(rng.uniform());
    static std::array<std::byte, 16384> buf{};
    auto n = nerve::snapshot(*a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(*b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (int i = 0; i < 30; ++i) {
        const float x = rng.uniform();
        CHECK((*a)(x).score == (*b)(x).score);
    }
    // A model built from another seed refuses the snapshot (its trees differ).
    typename H::config other;
    other.seed = 43;
    auto c = std::make_unique<H>(other);
    CHECK_FALSE(nerve::restore(*c, std::span<const std::byte>(buf.data(), n.value())).ok());
}
