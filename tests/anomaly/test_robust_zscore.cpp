#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "nerve/anomaly/robust_zscore.hpp"
#include "nerve/core/snapshot.hpp"
#include "synthetic.hpp"

using nerve::anomaly::robust_zscore;
using namespace nerve::test;

TEST_CASE("robust_zscore median and MAD match a sort", "[robust_zscore]") {
    for (std::size_t fill : {std::size_t{1}, std::size_t{2}, std::size_t{6}, std::size_t{7}, std::size_t{30}}) {
        robust_zscore<double, 7> d;
        gauss g(fill);
        std::array<double, 7> last{};
        for (std::size_t i = 0; i < fill; ++i) {
            const double x = std::round(4 * g());  // ties on purpose
            d(x);
            last[i % 7] = x;
        }
        const std::size_t n = std::min<std::size_t>(fill, 7);
        std::array<double, 7> w = last;
        std::sort(w.begin(), w.begin() + n);
        const double med = (n % 2) ? w[n / 2] : (w[n / 2 - 1] + w[n / 2]) / 2;
        std::array<double, 7> dev{};
        for (std::size_t i = 0; i < n; ++i) dev[i] = std::fabs(w[i] - med);
        std::sort(dev.begin(), dev.begin() + n);
        const double mad = (n % 2) ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2;
        INFO("fill " << fill);
        CHECK(d.median() == med);
        CHECK(d.mad() == mad);
    }
}

// The MAD by bisection over the two runs of deviations (stop 55; a merge walking outwards
// before) after every sample, partial windows included, odd and even counts, tie-heavy float
// values: against a sort of the window with the class's own median and deviations.
template <std::size_t N>
void mad_every_sample() {
    static robust_zscore<float, N> d;
    d.reset();
    static std::array<float, 3 * N + 7> x;
    gauss g(N);
    for (auto& v : x) v = static_cast<float>(std::round(3 * g())) * 0.25f;
    for (std::size_t i = 0; i < x.size(); ++i) {
        d(x[i]);
        const std::size_t n = std::min(i + 1, N);
        std::array<float, N> w{};
        for (std::size_t j = 0; j < n; ++j) w[j] = x[i + 1 - n + j];
        std::sort(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n));
        const float med = (n % 2) ? w[n / 2] : w[n / 2 - 1] + (w[n / 2] - w[n / 2 - 1]) / 2.0f;
        std::array<float, N> dev{};
        for (std::size_t j = 0; j < n; ++j) dev[j] = j < n / 2 ? med - w[j] : w[j] - med;
        std::sort(dev.begin(), dev.begin() + static_cast<std::ptrdiff_t>(n));
        const float mad = (dev[(n - 1) / 2] + dev[n / 2]) / 2.0f;
        INFO("N " << N << " sample " << i);
        REQUIRE(d.median() == med);
        REQUIRE(d.mad() == mad);
    }
}

TEST_CASE("robust_zscore: the MAD after every sample matches a sort", "[robust_zscore]") {
    mad_every_sample<3>();
    mad_every_sample<4>();
    mad_every_sample<7>();
    mad_every_sample<8>();
    mad_every_sample<128>();
}

TEST_CASE("robust_zscore detects spikes, level shifts and variance changes", "[robust_zscore]") {
    struct expect { anomaly_kind kind; std::uint32_t within; };
    for (auto e : {expect{anomaly_kind::spike, 1}, expect{anomaly_kind::level_shift, 3},
                   expect{anomaly_kind::variance_change, 20}}) {
        robust_zscore<float, 101> d;
        outcome o;
        NERVE_REQUIRE_NO_ALLOC(o = run_stream(d, e.kind, 6000, 3000, e.within));
        INFO("kind " << static_cast<int>(e.kind));
        CHECK(o.finite);
        CHECK(o.detected == o.events);
        CHECK(o.false_alarms <= 25);  // MAD of 101 samples is a noisy scale: ~0.25 % per sample
    }
    robust_zscore<float, 101> d;
    const auto o = run_stream(d, anomaly_kind::drift, 6000, 1000, 1);
    CHECK(o.false_alarms <= 25);
}

TEST_CASE("robust_zscore: spikes do not mask each other", "[robust_zscore]") {
    // 10 % of the window is spikes: a mean/std z-score is inflated, the median/MAD is not.
    robust_zscore<float, 51> d;
    gauss g(8);
    std::uint32_t hits = 0, spikes = 0;
    for (int i = 0; i < 2000; ++i) {
        const bool spike = i % 10 == 5;
        const auto v = d(spike ? 6.0f : g());
        if (i > 100 && spike) {
            ++spikes;
            hits += v.score > 0.999f ? 1u : 0u;
        }
    }
    CHECK(hits == spikes);
}

TEST_CASE("robust_zscore bad input and a flat window", "[robust_zscore][bad-input]") {
    robust_zscore<float, 31> d;
    float after = 1;
    CHECK(bad_input_gauntlet(d, after));
    CHECK(after < 0.7f);
    robust_zscore<float, 31> flat;
    for (int i = 0; i < 40; ++i) flat(3.0f);
    CHECK(flat(3.0f).score == 0.0f);   // MAD 0, same value: normal
    CHECK(flat(3.01f).score > 0.999f);  // MAD 0, any change: anomalous, finite
    CHECK(flat(std::numeric_limits<float>::infinity()).score == 0.0f);
    robust_zscore<float, 31> a, b;
    std::array<std::byte, 512> buf{};
    for (int i = 0; i < 20; ++i) a(static_cast<float>(i % 4));
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(9.0f) == b(9.0f));
}
