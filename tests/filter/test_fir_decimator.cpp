#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/fir_filters.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/fir_decimator.hpp"

namespace g = golden::fir_filters;
using nerve::filter::fir_decimator;

static_assert(nerve::general_operator<fir_decimator<float, 64, 8>>);
static_assert(nerve::general_operator<fir_decimator<nerve::q15, 64, 8>>);

namespace {
std::array<double, 64> taps64() {
    std::array<double, 64> h{};
    for (std::size_t i = 0; i < 64; ++i) h[i] = g::firwin64_hamming_0p125[i];
    return h;
}
double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}
constexpr std::size_t n_out = g::n / 8;
}  // namespace

TEMPLATE_TEST_CASE("fir_decimator: golden upfirdn(h, x, 1, 8), per sample and in blocks", "[fir_decimator][golden]",
                   float, double) {
    using T = TestType;
    const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-12) * max_abs(g::upfirdn_down8_firwin64, n_out);
    static std::array<T, g::n> in;
    static std::array<T, n_out + 8> out;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = static_cast<T>(g::input[i]);

    fir_decimator<T, 64, 8> d(taps64());
    std::size_t w = 0;
    NERVE_REQUIRE_NO_ALLOC(for (const T& x : in) d.push(x, [&](const T& y) { out[w++] = y; }));
    REQUIRE(w == n_out);
    for (std::size_t k = 0; k < n_out; ++k) REQUIRE(std::fabs(out[k] - g::upfirdn_down8_firwin64[k]) <= tol);

    for (std::size_t blk : {1u, 5u, 63u, 64u, 65u, 77u, 200u, 960u}) {
        d.reset();
        out.fill(T(-99));
        w = 0;
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; i += blk) {
            const std::size_t len = std::min<std::size_t>(blk, g::n - i);
            w += d.process(std::span<const T>(in.data() + i, len), std::span<T>(out.data() + w, out.size() - w));
        });
        REQUIRE(w == n_out);
        for (std::size_t k = 0; k < n_out; ++k) {
            INFO("block " << blk << " output " << k);
            REQUIRE(std::fabs(out[k] - g::upfirdn_down8_firwin64[k]) <= tol);
        }
    }
}

TEMPLATE_TEST_CASE("fir_decimator: fixed point within 1 LSB of the exact result", "[fir_decimator][fixed]", nerve::q15,
                   nerve::q31) {
    using T = TestType;
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / 2147483648.0;
    const auto hd = taps64();
    std::array<T, 64> hq{};
    for (std::size_t i = 0; i < 64; ++i) hq[i] = nerve::from_double<T>(hd[i]);
    fir_decimator<T, 64, 8> d(hq);
    static std::array<T, g::n> in;
    static std::array<T, n_out + 8> out, out2;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(g::input[i]);
    std::size_t w = 0;
    for (const T& x : in) d.push(x, [&](const T& y) { out[w++] = y; });
    REQUIRE(w == n_out);
    d.reset();
    REQUIRE(d.process(std::span<const T>(in), std::span<T>(out2)) == n_out);
    for (std::size_t k = 0; k < n_out; ++k) {
        double exact = 0;
        for (std::size_t j = 0; j < 64 && j <= 8 * k; ++j) exact += nerve::to_double(hq[j]) * nerve::to_double(in[8 * k - j]);
        REQUIRE(std::fabs(nerve::to_double(out[k]) - exact) <= lsb);
        REQUIRE(out[k] == out2[k]);
    }
}

TEST_CASE("fir_decimator: default design is firwin(Taps, 1/M); DC gain 1", "[fir_decimator]") {
    fir_decimator<float, 32, 4> d;
    float y = 0;
    for (int i = 0; i < 200; ++i) d.push(1.0f, [&](float v) { y = v; });
    REQUIRE(y == Approx(1.0f).margin(1e-5));
}

TEMPLATE_TEST_CASE("fir_decimator: NaN/Inf replaced by the last good sample and counted", "[fir_decimator][bad-input]",
                   float, double) {
    using T = TestType;
    fir_decimator<T, 16, 2> d, ref;
    static std::array<T, 300> in, a, b;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = T(std::sin(0.1 * static_cast<double>(i)));
    in[10] = std::numeric_limits<T>::quiet_NaN();
    in[150] = std::numeric_limits<T>::infinity();
    const std::size_t na = d.process(std::span<const T>(in), std::span<T>(a));
    REQUIRE(d.rejected() == 2u);
    std::size_t nb = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
        ref.push((i == 10 || i == 150) ? in[i - 1] : in[i], [&](const T& y) { b[nb++] = y; });
    REQUIRE(na == nb);
    for (std::size_t k = 0; k < na; ++k) {
        REQUIRE(std::isfinite(a[k]));
        REQUIRE(a[k] == b[k]);
    }
}

#if NERVE_HAS_XSIMD
// The block path reduces W dot-product accumulators with one transpose-add; lane u of the
// result must be the sum of row u (xsimd 8.1's AVX-512 float haddp permutes lanes 2-5, 10-13).
TEMPLATE_TEST_CASE("fir_decimator: transpose-add puts the sum of row u in lane u", "[fir_decimator][simd]", float,
                   double) {
    using T = TestType;
    using batch = xsimd::batch<T>;
    constexpr std::size_t W = batch::size;
    batch rows[W];
    alignas(64) T expect[W], got[W], lanes[W];
    for (std::size_t u = 0; u < W; ++u) {
        expect[u] = 0;
        for (std::size_t l = 0; l < W; ++l) {
            lanes[l] = static_cast<T>(64 * u + l);  // small integers: every sum is exact
            expect[u] += lanes[l];
        }
        rows[u] = batch::load_aligned(lanes);
    }
    nerve::filter::detail::reduce_rows<T>(rows).store_aligned(got);
    for (std::size_t u = 0; u < W; ++u) {
        INFO("lane " << u << " of " << W);
        REQUIRE(got[u] == expect[u]);
    }
}
#endif

TEMPLATE_TEST_CASE("fir_decimator: fixed point, process() over mixed blocks equals push()", "[fir_decimator][fixed]",
                   nerve::q15, nerve::q31) {
    // Several blocks in a row: each starts from the history the previous one left (an odd
    // halfword offset for q15 after a block), lengths below and above the taps.
    using T = TestType;
    const auto hd = taps64();
    std::array<T, 64> hq{};
    for (std::size_t i = 0; i < 64; ++i) hq[i] = nerve::from_double<T>(hd[i]);
    static fir_decimator<T, 64, 8> d, ref;
    d = fir_decimator<T, 64, 8>(hq);
    ref = d;
    static std::array<T, g::n> in;
    static std::array<T, g::n / 8 + 8> a, b;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(g::input[i]);
    std::size_t na = 0, nb = 0, at = 0;
    const std::size_t lengths[] = {100, 64, 63, 1, 257, 65, 130};
    for (std::size_t r = 0; at < g::n; ++r) {
        const std::size_t len = std::min(lengths[r % 7], g::n - at);
        NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const T>(in.data() + at, len),
                                               std::span<T>(a.data() + na, a.size() - na)));
        for (std::size_t i = at; i < at + len; ++i) ref.push(in[i], [&](const T& y) { b[nb++] = y; });
        at += len;
    }
    REQUIRE(na == nb);
    for (std::size_t k = 0; k < na; ++k) {
        INFO("output " << k);
        REQUIRE(a[k] == b[k]);
    }
}

#include "nerve/core/snapshot.hpp"

// A block leaves the history in the first half of the delay line only (fir_decimator.hpp,
// history_()): push() after it, a block after exactly Taps push() calls (the ring back at
// pos Taps - 1, reached by pushes), blocks after fewer, and a snapshot taken after a block
// and restored into a fresh operator must all continue the stream as push() alone does.
TEMPLATE_TEST_CASE("fir_decimator: pushes, blocks and a snapshot after a block continue one stream",
                   "[fir_decimator][snapshot]", float, double, nerve::q15, nerve::q31) {
    using T = TestType;
    constexpr bool fixed = nerve::is_fixed_point_v<T>;
    static std::array<T, g::n> in;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(0.5 * g::input[i]);
    auto run = [&](auto& d, auto& ref, auto& copy) {
        static std::array<T, g::n> a, b, c;
        std::size_t na = 0, nb = 0, nc = 0, at = 0;
        bool restored = false;
        static std::byte buf[2048];
        // block, Taps pushes, block, 5 pushes, block, block, 3 pushes, ...
        const std::size_t lengths[] = {300, 0, 64, 0, 129, 5, 256, 200, 3, 96};
        for (std::size_t r = 0; at < g::n; ++r) {
            const std::size_t len = std::min(lengths[r % 10] == 0 ? std::size_t{64} : lengths[r % 10], g::n - at);
            const bool pushes = lengths[r % 10] < 64;
            if (pushes) {
                for (std::size_t i = at; i < at + len; ++i) d.push(in[i], [&](const T& y) { a[na++] = y; });
            } else {
                na += d.process(std::span<const T>(in.data() + at, len), std::span<T>(a.data() + na, a.size() - na));
            }
            for (std::size_t i = at; i < at + len; ++i) ref.push(in[i], [&](const T& y) { b[nb++] = y; });
            at += len;
            if (restored) {
                for (std::size_t i = at - len; i < at; ++i) copy.push(in[i], [&](const T& y) { c[nc++] = y; });
            } else if (!pushes && r >= 2) {  // a snapshot after a block, the copy pushes from there on
                const auto n = nerve::snapshot(d, std::span<std::byte>(buf));
                REQUIRE(n.ok());
                REQUIRE(nerve::restore(copy, std::span<const std::byte>(buf, n.value())).ok());
                restored = true;
                nc = na;
                std::copy(a.begin(), a.begin() + na, c.begin());
            }
        }
        REQUIRE(na == nb);
        REQUIRE(nc == nb);
        const double scale = fixed ? 0.0 : (std::is_same_v<T, float> ? 1e-5 : 1e-12);
        for (std::size_t k = 0; k < nb; ++k) {
            INFO("output " << k);
            const double y = nerve::to_double(b[k]);
            REQUIRE(std::fabs(nerve::to_double(a[k]) - y) <= scale * (1.0 + std::fabs(y)));
            REQUIRE(std::fabs(nerve::to_double(c[k]) - y) <= scale * (1.0 + std::fabs(y)));
        }
    };
    {
        static fir_decimator<T, 64, 8> d, ref, copy;
        d = fir_decimator<T, 64, 8>(taps64());
        ref = d;
        copy = d;
        run(d, ref, copy);
    }
    {
        static fir_decimator<T, 24, 3> d, ref, copy;
        d = fir_decimator<T, 24, 3>{};
        ref = d;
        copy = fir_decimator<T, 24, 3>{};
        run(d, ref, copy);
    }
}
