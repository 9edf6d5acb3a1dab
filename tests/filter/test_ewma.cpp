#include "nerve_test.hpp"

#include <cmath>
#include <limits>

#include "golden/core_filters.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/filter/ewma.hpp"

namespace g = golden::core_filters;
using nerve::filter::ewma;

TEST_CASE("ewma float and double match scipy lfilter", "[ewma]") {
    ewma<float> f(g::ewma_alpha);
    ewma<double> d(g::ewma_alpha);
    double max_err_f = 0, max_err_d = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < std::size(g::input); ++i) {
        const float yf = f(static_cast<float>(g::input[i]));
        const double yd = d(g::input[i]);
        max_err_f = std::max(max_err_f, std::abs(yf - g::ewma[i]));
        max_err_d = std::max(max_err_d, std::abs(yd - g::ewma[i]));
    });
    CHECK(max_err_f < 1e-5);
    CHECK(max_err_d < 1e-12);
}

TEST_CASE("ewma q15 tracks the float reference and converges without a dead band", "[ewma]") {
    ewma<nerve::q15> q(g::ewma_alpha);
    double max_err = 0;
    for (std::size_t i = 0; i < std::size(g::input); ++i) {
        const auto y = q(nerve::q15::from_float(g::input[i]));
        max_err = std::max(max_err, std::abs(y.to_double() - g::ewma[i]));
    }
    CHECK(max_err < 3.0 / 32768.0);  // input quantisation + output rounding

    // With alpha = 0.001 a Q15 state would stall ~16 LSB short of a step; the Q31 state must not.
    ewma<nerve::q15> slow(0.001);
    slow(nerve::q15::from_raw(0));
    nerve::q15 y{};
    for (int i = 0; i < 30000; ++i) y = slow(nerve::q15::from_raw(1000));
    CHECK(std::abs(y.raw - 1000) <= 1);
}

TEST_CASE("ewma rejects NaN and Inf and recovers", "[ewma][bad-input]") {
    ewma<float> f(0.5);
    f(1.0f);
    CHECK(f(std::numeric_limits<float>::quiet_NaN()) == 1.0f);
    CHECK(f(std::numeric_limits<float>::infinity()) == 1.0f);
    CHECK(f.rejected() == 2);
    CHECK(f(3.0f) == 2.0f);
    f.reset();
    CHECK(f.rejected() == 0);
    CHECK(f(5.0f) == 5.0f);  // primes with the first sample again
}

TEST_CASE("ewma from a time constant reaches 63 percent after tau", "[ewma]") {
    auto f = ewma<double>::from_time_constant(0.1, nerve::sample_rate{1000.0});
    f(0.0);
    double y = 0;
    for (int i = 0; i < 100; ++i) y = f(1.0);
    CHECK(y == Approx(1.0 - std::exp(-1.0)).margin(1e-3));
}

TEST_CASE("ewma state survives a snapshot", "[ewma][snapshot]") {
    ewma<float> a(0.2), b(0.2);
    for (int i = 0; i < 10; ++i) a(static_cast<float>(i));
    std::array<std::byte, 64> buf{};
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(a(3.0f) == b(3.0f));
}
