#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "golden/stats_streaming.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/covariance.hpp"

namespace g = golden::stats_streaming;
constexpr std::size_t F = 3;
constexpr std::size_t rows = std::size(g::cov_input) / F;

template <class T>
static std::array<T, F> row(std::size_t r) {
    return {static_cast<T>(g::cov_input[r * F]), static_cast<T>(g::cov_input[r * F + 1]),
            static_cast<T>(g::cov_input[r * F + 2])};
}

template <class C>
static void check_cov(const C& c, double tol) {
    for (std::size_t i = 0; i < F; ++i) {
        CHECK(c.mean()[i] == Approx(g::cov_mean[i]).margin(tol * 100));
        for (std::size_t j = 0; j < F; ++j) {
            CHECK(c.covariance_at(i, j) == Approx(g::cov_pop[i * F + j]).margin(tol));
            CHECK(c.sample_covariance_at(i, j) == Approx(g::cov_sample[i * F + j]).margin(tol));
        }
    }
}

TEST_CASE("covariance matches numpy.cov", "[covariance]") {
    static_assert(g::features == 3);
    nerve::stats::covariance<double, F> d;
    nerve::stats::covariance<float, F> f;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t r = 0; r < rows; ++r) {
        d.update(row<double>(r));
        f(row<float>(r));
    });
    CHECK(d.count() == rows);
    check_cov(d, 1e-10);
    check_cov(f, 2e-5);  // feature 3 sits at 100: float mean rounding ~1e-5
    const auto m = d.matrix();
    CHECK(m[1] == m[3]);
    CHECK(d.correlation(0, 1) == Approx(g::cov_pop[1] / std::sqrt(g::cov_pop[0] * g::cov_pop[4])));
}

TEST_CASE("covariance merge equals one pass", "[covariance]") {
    for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{150}, rows}) {
        nerve::stats::covariance<double, F> a, b;
        for (std::size_t r = 0; r < split; ++r) a.update(row<double>(r));
        for (std::size_t r = split; r < rows; ++r) b.update(row<double>(r));
        NERVE_REQUIRE_NO_ALLOC(a.merge(b));
        INFO("split " << split);
        check_cov(a, 1e-10);
    }
}

TEST_CASE("covariance rejects vectors with NaN/Inf/overflow and snapshots", "[covariance][bad-input][snapshot]") {
    nerve::stats::covariance<float, F> c;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    c({1.0f, nan, 2.0f});
    c({std::numeric_limits<float>::infinity(), 0.0f, 0.0f});
    c({1e30f, 0.0f, 0.0f});
    CHECK(c.count() == 0);
    CHECK(c.rejected() == 3);
    for (int i = 0; i < 10; ++i) c({1.0f, 2.0f, 3.0f});  // constant: zero covariance, correlation 0
    CHECK(c.covariance_at(0, 0) == 0.0f);
    CHECK(c.correlation(0, 1) == 0.0f);
    nerve::stats::covariance<float, F> b;
    std::array<std::byte, 256> buf{};
    auto n = nerve::snapshot(c, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    c({2.0f, 2.0f, 2.0f});
    b({2.0f, 2.0f, 2.0f});
    CHECK(c.covariance_at(0, 2) == b.covariance_at(0, 2));
    c.reset();
    CHECK(c.count() == 0);
}
