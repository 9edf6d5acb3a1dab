#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>

#include "golden/stats_streaming.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/running_moments.hpp"

namespace g = golden::stats_streaming;
using nerve::stats::running_moments;

namespace {
constexpr std::size_t rows = std::size(g::moments) / 8;

template <class M>
void check_row(const M& m, std::size_t r, double tol_mean, double tol_rel) {
    const double* row = &g::moments[r * 8];
    INFO("count " << row[0]);
    REQUIRE(m.count() == static_cast<std::uint64_t>(row[0]));
    CHECK(m.mean() == Approx(row[1]).margin(tol_mean));
    CHECK(m.variance() == Approx(row[2]).epsilon(tol_rel).margin(1e-12));
    CHECK(m.skewness() == Approx(row[3]).epsilon(tol_rel).margin(tol_rel));
    CHECK(m.kurtosis() == Approx(row[4]).epsilon(tol_rel).margin(tol_rel));
    CHECK(m.min() == Approx(row[5]));
    CHECK(m.max() == Approx(row[6]));
    CHECK(m.sample_variance() == Approx(row[7]).epsilon(tol_rel).margin(1e-12));
}
}  // namespace

TEST_CASE("running_moments matches numpy/scipy.stats at every checkpoint", "[running_moments]") {
    running_moments<double> d;
    running_moments<float> f;
    std::array<running_moments<double>, rows> snap_d{};
    std::array<running_moments<float>, rows> snap_f{};
    std::size_t r = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        d.update(g::input[i]);
        f.update(static_cast<float>(g::input[i]));
        if (r < rows && d.count() == static_cast<std::uint64_t>(g::moments[r * 8])) {
            snap_d[r] = d;
            snap_f[r] = f;
            ++r;
        }
    });
    REQUIRE(r == rows);
    for (r = 0; r < rows; ++r) {
        check_row(snap_d[r], r, 1e-10, 1e-9);
        // float: the mean carries ~1000 * 2^-24 of rounding; the spread is ~2, so the
        // central moments keep ~4 significant digits.
        check_row(snap_f[r], r, 2e-4, 2e-3);
    }
}

TEST_CASE("running_moments merge equals one pass over the concatenation", "[running_moments]") {
    for (std::size_t split : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{333}, std::size_t{999}, std::size_t{1000}}) {
        running_moments<double> a, b;
        for (std::size_t i = 0; i < split; ++i) a.update(g::input[i]);
        for (std::size_t i = split; i < std::size(g::input); ++i) b.update(g::input[i]);
        NERVE_REQUIRE_NO_ALLOC(a.merge(b));
        INFO("split " << split);
        check_row(a, rows - 1, 1e-10, 1e-9);
    }
    // Four-way tree merge with float state.
    std::array<running_moments<float>, 4> parts;
    for (std::size_t i = 0; i < std::size(g::input); ++i) parts[i % 4].update(static_cast<float>(g::input[i]));
    parts[0].merge(parts[1]);
    parts[2].merge(parts[3]);
    parts[0].merge(parts[2]);
    check_row(parts[0], rows - 1, 2e-4, 2e-3);
}

TEST_CASE("running_moments with float samples and double state", "[running_moments]") {
    running_moments<float, double> m;
    for (double v : g::input) m.update(static_cast<float>(v));
    check_row(m, rows - 1, 1e-4, 1e-5);
}

TEST_CASE("running_moments bad input: NaN, Inf and overflow are rejected, constants give 0", "[running_moments][bad-input]") {
    running_moments<float> m;
    CHECK(m.skewness() == 0.0f);
    m.update(std::numeric_limits<float>::quiet_NaN());
    m.update(std::numeric_limits<float>::infinity());
    CHECK(m.count() == 0);
    CHECK(m.rejected() == 2);
    for (int i = 0; i < 100; ++i) m.update(3.0f);
    CHECK(m.mean() == 3.0f);
    CHECK(m.variance() == 0.0f);
    CHECK(m.skewness() == 0.0f);  // constant: 0, not NaN
    CHECK(m.kurtosis() == 0.0f);
    m.update(3e30f);  // (x - mean)^4 overflows float: rejected, state intact
    CHECK(m.rejected() == 3);
    CHECK(m.count() == 100);
    CHECK(std::isfinite(m.kurtosis()));
    m.update(1e6f);  // huge but representable: accepted
    CHECK(m.count() == 101);
    CHECK(std::isfinite(m.variance()));
    CHECK(std::isfinite(m.kurtosis()));
    m.reset();
    CHECK(m.count() == 0);
    CHECK(m.rejected() == 0);
}

TEST_CASE("running_moments state survives a snapshot", "[running_moments][snapshot]") {
    running_moments<float> a, b;
    for (int i = 0; i < 50; ++i) a.update(static_cast<float>(g::input[i]));
    std::array<std::byte, 256> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    a.update(1.0f);
    b.update(1.0f);
    CHECK(a.kurtosis() == b.kurtosis());
    CHECK(a.count() == b.count());
}
