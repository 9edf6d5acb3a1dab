#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <span>

#include "golden/fir_filters.hpp"
#include "golden/interp_fixed.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/resampler.hpp"

namespace g = golden::fir_filters;
using nerve::filter::resampler;

static_assert(nerve::general_operator<resampler<float, 3, 2>>);
static_assert(resampler<float, 3, 2>::taps == 61);

namespace {
double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}

// Streams the golden input through R and compares with resample_poly, shifted by R::delay.
template <class R, class T, std::size_t NRef>
void check_against(const double (&ref)[NRef], double rel_tol) {
    static std::array<T, g::n> in;
    static std::array<T, 2 * g::n> out;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = static_cast<T>(g::input[i]);
    static R r;
    r.reset();
    std::size_t w = 0;
    NERVE_REQUIRE_NO_ALLOC(w = r.process(std::span<const T>(in), std::span<T>(out)));
    REQUIRE(w == NRef);  // ceil(n L / M) outputs in total, like resample_poly
    const double tol = rel_tol * max_abs(ref, NRef);
    for (std::size_t k = 0; k + R::delay < w; ++k) {
        INFO("output " << k);
        REQUIRE(std::fabs(out[k + R::delay] - ref[k]) <= tol);
    }
}
}  // namespace

TEST_CASE("resampler: golden resample_poly 3/2 and 2/3 with the default Kaiser design", "[resampler][golden]") {
    check_against<resampler<float, 3, 2>, float>(g::resample_poly_3_2, 1e-5);
    check_against<resampler<double, 3, 2>, double>(g::resample_poly_3_2, 1e-12);
    check_against<resampler<float, 2, 3>, float>(g::resample_poly_2_3, 1e-5);
    check_against<resampler<double, 2, 3>, double>(g::resample_poly_2_3, 1e-12);
}

TEST_CASE("resampler: user taps are scaled by L like resample_poly(window=h)", "[resampler]") {
    std::array<double, 61> h{};
    for (std::size_t i = 0; i < 61; ++i) h[i] = g::firwin61_kaiser5_1over3[i];
    resampler<double, 3, 2> a(h), b;
    for (int i = 0; i < 100; ++i) {
        const double x = std::sin(0.05 * i);
        double ya = 0, yb = 0;
        int na = 0, nb = 0;
        a.push(x, [&](double y) { ya += y; ++na; });
        b.push(x, [&](double y) { yb += y; ++nb; });
        REQUIRE(na == nb);
        REQUIRE(ya == Approx(yb).margin(1e-12));
    }
}

TEST_CASE("resampler: q15 and q31 follow the double result", "[resampler][fixed]") {
    resampler<double, 3, 2> ref, ref31;
    resampler<nerve::q15, 3, 2> r15;
    resampler<nerve::q31, 3, 2> r31;
    static std::array<double, 700> yd, yd31;
    static std::array<nerve::q15, 700> y15;
    static std::array<nerve::q31, 700> y31;
    std::size_t nd = 0, n15 = 0, n31 = 0, nd31 = 0;
    for (std::size_t i = 0; i < 400; ++i) {
        const double x = 0.5 * g::input[i];  // headroom: the kaiser filter overshoots a little
        ref.push(nerve::to_double(nerve::q15::from_float(x)), [&](double y) { yd[nd++] = y; });
        r15.push(nerve::q15::from_float(x), [&](nerve::q15 y) { y15[n15++] = y; });
        r31.push(nerve::q31::from_float(x), [&](nerve::q31 y) { y31[n31++] = y; });
        ref31.push(nerve::to_double(nerve::q31::from_float(x)), [&](double y) { yd31[nd31++] = y; });
    }
    REQUIRE(nd == 600u);
    REQUIRE(n15 == nd);
    REQUIRE(n31 == nd);
    // Output rounding (1/2 LSB, q31 plus a negligible guard-bit truncation) plus tap rounding:
    // each of the K = 21 taps of a phase within 1/2 LSB, inputs <= 0.5.
    constexpr double K = resampler<double, 3, 2>::taps / 3.0 + 1;
    for (std::size_t k = 0; k < nd; ++k) {
        REQUIRE(std::fabs(nerve::to_double(y15[k]) - yd[k]) <= (0.5 + K * 0.5 * 0.5) / 32768.0);
        REQUIRE(std::fabs(nerve::to_double(y31[k]) - yd31[k]) <= (0.51 + K * 0.5 * 0.5) / 2147483648.0);
    }
}

TEST_CASE("resampler: q15/q31 golden (integer upfirdn of the rounded taps), saturating", "[resampler][fixed][golden]") {
    namespace gi = golden::interp_fixed;
    std::array<double, 61> h{};
    for (std::size_t i = 0; i < 61; ++i) h[i] = gi::rs32_prototype[i];
    static resampler<nerve::q15, 3, 2> r15(h);
    static resampler<nerve::q31, 3, 2> r31(h);
    static std::array<nerve::q15, gi::n> in15;
    static std::array<nerve::q31, gi::n> in31;
    static std::array<nerve::q15, 3 * gi::n / 2 + 1> out15;
    static std::array<nerve::q31, 3 * gi::n / 2 + 1> out31;
    for (std::size_t i = 0; i < gi::n; ++i) {
        in15[i] = nerve::q15::from_raw(gi::input_q15[i]);
        in31[i] = nerve::q31::from_raw(gi::input_q31[i]);
    }
    std::size_t w15 = 0, w31 = 0;
    // Mixed block lengths, including blocks shorter than a sub-filter.
    std::size_t i = 0;
    for (std::size_t len : {1u, 5u, 200u, 2u, 392u}) {
        NERVE_REQUIRE_NO_ALLOC(w15 += r15.process(std::span<const nerve::q15>(in15.data() + i, len),
                                                  std::span<nerve::q15>(out15.data() + w15, out15.size() - w15)));
        i += len;
    }
    REQUIRE(i == gi::n);
    NERVE_REQUIRE_NO_ALLOC(for (const auto& x : in31) r31.push(x, [&](nerve::q31 y) { out31[w31++] = y; }));
    REQUIRE(w15 == 900u);
    REQUIRE(w31 == 900u);
    std::size_t saturated = 0;
    for (std::size_t k = 0; k < w15; ++k) {
        INFO("output " << k);
        REQUIRE(out15[k].raw == gi::rs32_q15[k]);
        // The scaled centre tap 1.0006 does not fit int32 and the phases' L1 norms are about 2.1:
        // the split sum (each 33-bit tap as 2 hi + lo, detail::poly_dot_q31_split), which is the
        // exactly rounded sum, so bit-exact like q15 (the guard-bit sum was within 1 LSB).
        REQUIRE(out31[k].raw == gi::rs32_q31[k]);
        saturated += out15[k] == nerve::q15::max() || out15[k] == nerve::q15::min();
    }
    REQUIRE(saturated > 10u);
}

TEST_CASE("resampler: q31 split taps at the bound, full-scale inputs of both signs", "[resampler][fixed]") {
    // Worst case for the split sum's int64 bounds: taps near +-2 (saturated to +-(2^32 - 1) raw)
    // and inputs at -1 / just below +1 aligned with the taps' signs, so |sum hi x| approaches
    // sum|hi| 2^31. Every output must equal the exactly rounded, saturated integer sum.
    constexpr std::size_t taps = 21;  // 3/2: K = 7 taps per phase
    std::array<double, taps> h{};
    for (std::size_t i = 0; i < taps; ++i) h[i] = (i % 2 ? -1.0 : 1.0) * (i % 5 == 0 ? 1.9999999999 : 0.31 + 0.01 * i);
    // resampler scales user taps by L = 3: divide so the stored taps are the values above.
    for (auto& v : h) v /= 3.0;
    resampler<nerve::q31, 3, 2, taps> r(h);
    static std::array<nerve::q31, 200> x;
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = (i / 7) % 2 ? nerve::q31::min() : nerve::q31::from_raw(((i * 2654435761u) >> 3) % 2 ? 0x7fffffff : -0x7fffffff);
    static std::array<nerve::q31, 400> y;
    std::size_t n = 0;
    for (const auto& v : x) r.push(v, [&](nerve::q31 o) { y[n++] = o; });
    REQUIRE(n == 300u);
    // Reference: integer upfirdn on the padded, quantised prototype the resampler stores (taps
    // scaled by L, rounded half away from zero to Q31, saturated to +-(2^32 - 1)). Each product
    // fits int64 (< 2^63); the sum is kept exact without a 128-bit type (none on the M4) as
    // sum(p >> 32) 2^32 + sum(p & (2^32 - 1)).
    using rs = resampler<nerve::q31, 3, 2, taps>;
    const std::size_t pre = rs::pre_pad;
    std::array<std::int64_t, rs::pre_pad + taps> hq{};
    for (std::size_t i = 0; i < taps; ++i) {
        double s = h[i] * 3.0 * 2147483648.0;
        s = s < 0 ? s - 0.5 : s + 0.5;
        const double lim = 4294967295.0;
        s = s > lim ? lim : (s < -lim ? -lim : s);
        hq[i + pre] = static_cast<std::int64_t>(s);
    }
    for (std::size_t k = 0; k < n; ++k) {
        // output k = sum_i hq[i] * xs[2k - i], xs the zero-stuffed input (xs[3m] = x[m])
        std::int64_t high = 0;
        std::uint64_t low = std::uint64_t{1} << 30;  // the rounding constant
        for (std::size_t i = 0; i < hq.size(); ++i) {
            const std::int64_t t = static_cast<std::int64_t>(2 * k) - static_cast<std::int64_t>(i);
            if (t < 0 || t % 3 != 0 || static_cast<std::size_t>(t / 3) >= x.size()) continue;
            const std::int64_t p = hq[i] * std::int64_t{x[static_cast<std::size_t>(t / 3)].raw};
            high += p >> 32;
            low += static_cast<std::uint64_t>(p) & 0xffffffffu;
        }
        high += static_cast<std::int64_t>(low >> 32);
        // floor((high 2^32 + (low mod 2^32)) / 2^31), saturated to q31
        const std::int64_t acc = 2 * high + static_cast<std::int64_t>((low & 0xffffffffu) >> 31);
        const std::int64_t sat = acc > 0x7fffffff ? 0x7fffffff : (acc < -0x80000000LL ? -0x80000000LL : acc);
        INFO("output " << k);
        REQUIRE(y[k].raw == sat);
    }
}

TEST_CASE("resampler: NaN is replaced by the last good sample and counted", "[resampler][bad-input]") {
    resampler<float, 3, 2> r;
    bool finite = true;
    for (int i = 0; i < 200; ++i) {
        const float x = (i % 50 == 7) ? std::numeric_limits<float>::infinity() : 0.1f;
        r.push(x, [&](float y) { finite = finite && std::isfinite(y); });
    }
    REQUIRE(finite);
    REQUIRE(r.rejected() == 4u);
}

TEST_CASE("resampler: block process() agrees with push() over mixed block sizes, NaN, ratios", "[resampler]") {
    // With SIMD the block path vectorises across outputs of one sub-filter (a single FMA chain
    // per output, taps in order); push() sums in another order. Bound: a few float ulp of
    // sum |h| max |x| (sum |h| ~ L * 1.1 here, |x| <= 1.3). Blocks shorter than a sub-filter and
    // blocks holding a NaN go through push().
    auto run = [](auto op, auto ref) {
        using R = decltype(op);
        static std::array<float, 3000> in;
        static std::array<float, 3000 * 3 + 8> out, expect;
        for (std::size_t i = 0; i < in.size(); ++i)
            in[i] = static_cast<float>(std::sin(0.013 * double(i)) + 0.3 * std::cos(0.41 * double(i)));
        in[1900] = std::numeric_limits<float>::quiet_NaN();
        std::size_t w = 0;
        for (float x : in) ref.push(x, [&](float y) { expect[w++] = y; });
        std::size_t i = 0, o = 0;
        for (std::size_t len : {3u, 200u, 1u, 7u, 389u, 1400u, 1000u}) {
            NERVE_REQUIRE_NO_ALLOC(o += op.process(std::span<const float>(in.data() + i, len),
                                                   std::span<float>(out.data() + o, out.size() - o)));
            i += len;
        }
        REQUIRE(i == in.size());
        REQUIRE(o == w);
        REQUIRE(o == (in.size() * R::up + R::down - 1) / R::down);
        REQUIRE(op.rejected() == 1u);
        const double tol = 64 * 1.2e-7 * 1.3 * 1.2 * R::up;
        for (std::size_t k = 0; k < w; ++k) {
            INFO("output " << k);
            REQUIRE(std::fabs(out[k] - expect[k]) <= tol);
        }
    };
    run(resampler<float, 3, 2>{}, resampler<float, 3, 2>{});
    run(resampler<float, 2, 3>{}, resampler<float, 2, 3>{});
    run(resampler<float, 5, 7>{}, resampler<float, 5, 7>{});
    run(resampler<float, 1, 4>{}, resampler<float, 1, 4>{});
    run(resampler<float, 3, 1, 31>{}, resampler<float, 3, 1, 31>{});
}

TEST_CASE("resampler: double block path matches resample_poly 160/147-sized ratio via push", "[resampler]") {
    // A long prototype with few outputs per sub-filter and chunk: the block path's vector and
    // scalar tails; double agrees with push() to ~1e-15.
    static resampler<double, 160, 147> a, b;
    static std::array<double, 5000> in;
    static std::array<double, 5000 * 160 / 147 + 2> out, expect;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = std::sin(0.002 * double(i)) + 0.2 * std::sin(0.9 * double(i));
    std::size_t w = 0;
    for (double x : in) b.push(x, [&](double y) { expect[w++] = y; });
    std::size_t o = a.process(std::span<const double>(in.data(), 3100), std::span<double>(out));
    o += a.process(std::span<const double>(in.data() + 3100, 1900), std::span<double>(out.data() + o, out.size() - o));
    REQUIRE(o == w);
    for (std::size_t k = 0; k < w; ++k) REQUIRE(std::fabs(out[k] - expect[k]) <= 1e-13);
}

TEMPLATE_TEST_CASE("resampler: in place when it shrinks (L <= M), refused when it grows", "[resampler][bad-input]", float,
                   nerve::q15, nerve::q31) {
    // In place (out == in) with L <= M runs input by input: each output lands at or below the
    // input just read, so the outputs are push()'s bit for bit. A growing ratio would overwrite
    // inputs before reading them: refused (0, nothing written, state unchanged).
    using T = TestType;
    static std::array<T, 600> buf, expect, out;
    auto fill = [&] {
        for (std::size_t i = 0; i < buf.size(); ++i) buf[i] = nerve::from_double<T>(0.5 * std::sin(0.07 * double(i)));
    };
    auto check_shrinks = [&](auto r, auto ref) {
        fill();
        std::size_t w = 0;
        for (const T& x : buf) ref.push(x, [&](const T& y) { expect[w++] = y; });
        std::size_t got = 0, i = 0;
        for (std::size_t len : {7u, 250u, 343u}) {  // blocks in place, one after the other
            std::size_t n = 0;
            NERVE_REQUIRE_NO_ALLOC(n = r.process(std::span<const T>(buf.data() + i, len), std::span<T>(buf.data() + i, len)));
            for (std::size_t k = 0; k < n; ++k) out[got + k] = buf[i + k];
            got += n;
            i += len;
        }
        REQUIRE(got == w);
        for (std::size_t k = 0; k < w; ++k) {
            INFO("output " << k);
            REQUIRE(out[k] == expect[k]);
        }
    };
    check_shrinks(resampler<T, 2, 3>{}, resampler<T, 2, 3>{});
    check_shrinks(resampler<T, 1, 4>{}, resampler<T, 1, 4>{});

    fill();
    const auto before = buf;
    resampler<T, 3, 2> grow, fresh;
    std::size_t n = 1;
    NERVE_REQUIRE_NO_ALLOC(n = grow.process(std::span<const T>(buf.data(), 300), std::span<T>(buf)));
    REQUIRE(n == 0u);
    REQUIRE(buf == before);
    // A shrinking ratio with out past in overlaps ahead of its input too: refused.
    resampler<T, 2, 3> shrink;
    REQUIRE(shrink.process(std::span<const T>(buf.data(), 300), std::span<T>(buf.data() + 1, 299)) == 0u);
    REQUIRE(buf == before);
    // State unchanged: the next block equals a fresh resampler's.
    static std::array<T, 600> o1, o2;
    const std::size_t n1 = grow.process(std::span<const T>(buf.data(), 300), std::span<T>(o1));
    const std::size_t n2 = fresh.process(std::span<const T>(buf.data(), 300), std::span<T>(o2));
    REQUIRE(n1 == 450u);
    REQUIRE(n1 == n2);
    REQUIRE(o1 == o2);
}
