#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "block_test_util.hpp"
#include "golden/fir_moving.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/moving_rms.hpp"

namespace g = golden::fir_moving;
using nerve::filter::moving_rms;

static_assert(nerve::simple_operator<moving_rms<float, 32>>);

TEMPLATE_TEST_CASE("moving_rms: golden numpy sliding window", "[moving_rms][golden]", float, double) {
    using T = TestType;
    constexpr std::size_t N = g::rms_window;
    moving_rms<T, N> r;
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;  // relative to the max RMS (< 1)
    static std::array<T, g::n> out;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) out[i] = r(static_cast<T>(g::input[i])));
    for (std::size_t i = N - 1; i < g::n; ++i) REQUIRE(std::fabs(out[i] - g::rms[i - (N - 1)]) <= tol);
    // Partial windows: RMS over the samples so far.
    double s = 0;
    for (std::size_t i = 0; i < N - 1; ++i) {
        s += g::input[i] * g::input[i];
        REQUIRE(std::fabs(out[i] - std::sqrt(s / static_cast<double>(i + 1))) <= tol);
    }
}

TEST_CASE("moving_rms: no drift after a loud burst leaves the window (float)", "[moving_rms]") {
    moving_rms<float, 64> r;
    float y = 0;
    for (int i = 0; i < 64; ++i) y = r(1000.0f);  // sum of squares 6.4e7
    REQUIRE(y == Approx(1000.0f));
    // Then 0.001-level signal for 100000 samples: without re-summation the leftover
    // rounding of 6.4e7 (ulp 4) would swamp the true sum of squares (6.4e-5).
    for (int i = 0; i < 100000; ++i) y = r(((i & 1) ? 1e-3f : -1e-3f));
    REQUIRE(y == Approx(1e-3f).epsilon(1e-5));
}

TEMPLATE_TEST_CASE("moving_rms: fixed point is exact to the integer square root", "[moving_rms][fixed]", nerve::q15,
                   nerve::q31) {
    using T = TestType;
    constexpr std::size_t N = g::rms_window;
    moving_rms<T, N> r;
    // q31: squares are pre-shifted by G = 8 bits for N = 32, so the root is exact to 2^-(31 - G/2).
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / (1u << 27);
    static std::array<T, g::n> in;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(g::input[i]);
    for (std::size_t i = 0; i < g::n; ++i) {
        const double y = nerve::to_double(r(in[i]));
        double s = 0;
        const std::size_t c = i + 1 < N ? i + 1 : N;
        for (std::size_t k = 0; k < c; ++k) s += nerve::to_double(in[i - k]) * nerve::to_double(in[i - k]);
        REQUIRE(std::fabs(y - std::sqrt(s / static_cast<double>(c))) <= 1.5 * lsb);
    }
    // Full scale does not overflow: rms of a max() square wave is max().
    moving_rms<T, 8> full;
    T y{};
    for (int i = 0; i < 20; ++i) y = full((i & 1) ? T::max() : T::min());
    REQUIRE(nerve::to_double(y) >= 0.999);
}

TEMPLATE_TEST_CASE("moving_rms: NaN/Inf hold the last good sample", "[moving_rms][bad-input]", float, double) {
    using T = TestType;
    moving_rms<T, 4> r;
    for (int i = 0; i < 4; ++i) r(T(2));
    REQUIRE(r(std::numeric_limits<T>::quiet_NaN()) == Approx(2));
    REQUIRE(r(-std::numeric_limits<T>::infinity()) == Approx(2));
    REQUIRE(r.rejected() == 2u);
    REQUIRE(std::isfinite(r(T(0))));
    r.reset();
    REQUIRE(r.rejected() == 0u);
}

TEST_CASE("moving_rms: process() equals operator() bit for bit, in place and with bad input", "[filter][moving_rms]") {
    // The block path keeps the running state in registers; the operations are operator()'s.
    nerve::filter::moving_rms<float, 16> a, b, r;
    static float x[300];
    for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.07 * i)) * (i > 150 ? 1000.0f : 1.0f);
    x[40] = std::numeric_limits<float>::quiet_NaN();
    x[41] = std::numeric_limits<float>::infinity();
    filter_test::check_process_equals_operator(a, b, r, x);
    REQUIRE(a.rejected() == 2u);
    REQUIRE(b.rejected() == 2u);
    REQUIRE(a(0.5f) == r(0.5f));  // the state written back continues the stream exactly
}

TEST_CASE("moving_rms: chunked block path with full windows, wraps and bad input mid-chunk", "[filter][moving_rms]") {
    // Full-window chunks end at the ring wrap, where the exact re-summation falls; NaN/Inf after
    // the window filled, N that does or does not divide the chunk lengths, power-of-two N.
    auto run = [](auto f) {
        decltype(f) a, b, r;
        static float x[300];
        for (int i = 0; i < 300; ++i) x[i] = static_cast<float>(std::sin(0.13 * i)) * (i > 200 ? 1e4f : 1.0f);
        for (int i : {70, 71, 150, 199, 299}) x[i] = std::numeric_limits<float>::quiet_NaN();
        x[120] = -std::numeric_limits<float>::infinity();
        filter_test::check_process_equals_operator(a, b, r, x);
        REQUIRE(a.rejected() == r.rejected());
        REQUIRE(a(0.25f) == r(0.25f));
    };
    run(nerve::filter::moving_rms<float, 5>{});
    run(nerve::filter::moving_rms<float, 64>{});
    run(nerve::filter::moving_rms<float, 1>{});
}

// The fixed-point roots: detail::isqrt64_fast (a floating-point root, one correction step)
// against the bit-by-bit isqrt64, exhaustively below 2^16, around every square k^2 for k on a
// grid up to 2^32 (k^2 - 1 is where a truncated estimate one too high shows), at 2^32 and 2^62
// (where it changes method) and on random values up to 2^64.
TEST_CASE("moving_rms: the fast integer square root is isqrt64's", "[moving_rms][fixed]") {
    using nerve::filter::detail::isqrt64;
    using nerve::filter::detail::isqrt64_fast;
    for (std::uint64_t v = 0; v < (1u << 16); ++v) REQUIRE(isqrt64_fast(v) == isqrt64(v));
    for (std::uint64_t k = 1; k < (std::uint64_t{1} << 32); k += 1 + k / 97) {
        for (std::uint64_t v : {k * k - 1, k * k, k * k + 1, k * k + 2 * k}) {
            INFO("v " << v);
            REQUIRE(isqrt64_fast(v) == isqrt64(v));
        }
    }
    for (int e : {31, 32, 33, 61, 62, 63}) {
        const std::uint64_t p = std::uint64_t{1} << e;
        for (std::uint64_t v : {p - 2, p - 1, p, p + 1}) REQUIRE(isqrt64_fast(v) == isqrt64(v));
    }
    REQUIRE(isqrt64_fast(~std::uint64_t{0}) == isqrt64(~std::uint64_t{0}));
    std::uint64_t s = 1;
    for (int i = 0; i < 20000; ++i) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        const std::uint64_t v = s >> (s & 63);
        INFO("v " << v);
        REQUIRE(isqrt64_fast(v) == isqrt64(v));
    }
}

#include <memory>

#include "hostile_snapshot.hpp"

// Restored states: a square beyond what the type can make (q15: 2^30) or a sum that is not
// the squares' is refused; whatever is accepted runs without poisoning the stream.
TEMPLATE_TEST_CASE("moving_rms: snapshots restore exactly; hostile ones never poison", "[moving_rms][snapshot]",
                   nerve::q15, nerve::q31, float) {
    using T = TestType;
    auto in = [](std::size_t i) { return nerve::from_double<T>(0.6 * std::sin(0.21 * static_cast<double>(i))); };
    auto make = [] { return std::make_unique<moving_rms<T, 16>>(); };
    auto run = [&in](moving_rms<T, 16>& m, int phase) {
        nerve::test::output_digest d;
        const std::size_t from = phase == 0 ? 0 : 23, to = phase == 0 ? 23 : 90;
        for (std::size_t i = from; i < to; ++i) d.add(nerve::to_double(m(in(i))));
        return d;
    };
    const auto tally = nerve::test::check_hostile_snapshots(make, run);
    INFO("tried " << tally.tried << " accepted " << tally.accepted << " refused " << tally.refused);
    REQUIRE(tally.failures == 0);
    REQUIRE(tally.refused > 0);
    // Under qemu only every 8th (M4) or 4th (aarch64) word is tried, there all may be refused.
    if (nerve::test::hostile_word_stride == 1) REQUIRE(tally.accepted > 0);
}
