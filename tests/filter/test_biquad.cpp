// biquad_cascade (float/double DF2T + block path, q15/q31 DF1) and its multi-channel form.
#include "nerve_test.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>

#include "golden/iir_design.hpp"
#include "golden/iir_sosfilt.hpp"
#include "nerve/core/multi.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/chebyshev1.hpp"
#include "nerve/filter/rbj.hpp"

using namespace nerve::filter;
using nerve::q15;
using nerve::q31;

static_assert(nerve::simple_operator<biquad_cascade<float, 4>>);
static_assert(nerve::block_operator<biquad_cascade<float, 4>>);
static_assert(nerve::simple_operator<biquad_cascade<q15, 2>>);
static_assert(nerve::simple_operator<nerve::multi<biquad_cascade<float, 4>, 16>>);

namespace {
constexpr std::size_t n_sig = sizeof(golden::iir_sig::x) / sizeof(float);

// Runs one golden case for float and double, per-sample and block paths.
template <std::size_t S>
void check_sosfilt(const double (&sos)[6 * S], const double (&y)[n_sig]) {
    static float xf[n_sig], yf[n_sig];
    static double xd[n_sig], yd[n_sig];
    for (std::size_t i = 0; i < n_sig; ++i) xf[i] = golden::iir_sig::x[i], xd[i] = golden::iir_sig::x[i];
    const auto s = sos_from_rows<S>(sos);
    {
        biquad_cascade<float, S> f{s};
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < n_sig; ++i) yf[i] = f(xf[i]));
        for (std::size_t i = 0; i < n_sig; ++i) REQUIRE(std::fabs(yf[i] - y[i]) <= 1e-5);
        f.reset();
        NERVE_REQUIRE_NO_ALLOC(nerve::process(f, std::span<const float>(xf), std::span<float>(yf)));
        for (std::size_t i = 0; i < n_sig; ++i) REQUIRE(std::fabs(yf[i] - y[i]) <= 1e-5);
    }
    {
        biquad_cascade<double, S> f{s};
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < n_sig; ++i) yd[i] = f(xd[i]));
        for (std::size_t i = 0; i < n_sig; ++i) REQUIRE(std::fabs(yd[i] - y[i]) <= 1e-11);
        f.reset();
        NERVE_REQUIRE_NO_ALLOC(nerve::process(f, std::span<const double>(xd), std::span<double>(yd)));
        for (std::size_t i = 0; i < n_sig; ++i) REQUIRE(std::fabs(yd[i] - y[i]) <= 1e-11);
    }
}

struct saver {
    unsigned char buf[512];
    std::size_t n = 0;
    bool load = false;
    template <class X>
    void operator()(X& v) {
        static_assert(std::is_trivially_copyable_v<X>);
        if (load) std::memcpy(&v, buf + n, sizeof v); else std::memcpy(buf + n, &v, sizeof v);
        n += sizeof v;
    }
};

// Plain loop (no std::fmax reduction: aarch64 GCC 12 ICEs vectorising that at -O2).
template <class A, class B>
double max_abs_diff(const A* a, const B* b, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double d = std::fabs(static_cast<double>(a[i]) - static_cast<double>(b[i]));
        if (d > m) m = d;
    }
    return m;
}

float test_signal(int i) {
    return static_cast<float>(0.6 * std::sin(0.031 * i) + 0.3 * std::sin(0.7 * i + 1.0) + 0.1 * std::cos(2.9 * i) +
                              0.05 * (((i * 7919) % 61) - 30) / 30.0);
}
}  // namespace

TEST_CASE("biquad_cascade matches scipy.signal.sosfilt", "[filter][biquad][golden]") {
    check_sosfilt<4>(golden::iir::butter_lp8, golden::iir_sig::y_butter_lp8);
    check_sosfilt<3>(golden::iir::butter_bp3, golden::iir_sig::y_butter_bp3);
    check_sosfilt<2>(golden::iir::cheby1_hp4, golden::iir_sig::y_cheby1_hp4);
    check_sosfilt<3>(golden::iir::cheby1_lp5, golden::iir_sig::y_cheby1_lp5);
    check_sosfilt<3>(golden::iir::butter_bs3, golden::iir_sig::y_butter_bs3);
}

TEST_CASE("block path agrees with the per-sample path", "[filter][biquad][block]") {
    // Stated bound: max |block - per-sample| <= 1e-5 * max |y| (the float golden tolerance)
    // for these designs (orders 2..16, cut-offs >= 0.05 Nyquist); and the block path is no
    // less accurate than the per-sample path against a double-precision reference.
    static float x[4000], y1[4000], y2[4000];
    static double yd[4000];
    for (int i = 0; i < 4000; ++i) x[i] = test_signal(i);
    auto run = [&](auto sos) {
        constexpr std::size_t S = std::tuple_size_v<decltype(sos)>;
        biquad_cascade<float, S> f{sos};
        biquad_cascade<double, S> d{sos};
        for (int i = 0; i < 4000; ++i) yd[i] = d(x[i]);
        auto g = f;
        for (int i = 0; i < 4000; ++i) y1[i] = f(x[i]);
        // Mixed: odd-sized blocks (tails go per sample), then single samples, then a block.
        std::size_t i = 0;
        for (std::size_t len : {37u, 100u, 1u, 16u, 17u, 3u}) {
            g.process(std::span<const float>(x + i, len), std::span<float>(y2 + i, len));
            i += len;
        }
        for (; i < 2000; ++i) y2[i] = g(x[i]);
        NERVE_REQUIRE_NO_ALLOC(g.process(std::span<const float>(x + i, 4000 - i), std::span<float>(y2 + i, 4000 - i)));
        static const float zero[4000] = {};
        const double ymax = max_abs_diff(y1, zero, 4000);
        const double dmax = max_abs_diff(y1, y2, 4000);
        const double e1 = max_abs_diff(y1, yd, 4000);
        const double e2 = max_abs_diff(y2, yd, 4000);
        INFO("max diff " << dmax << " of max |y| " << ymax << "; vs double: per-sample " << e1 << ", block " << e2);
        REQUIRE(dmax <= 1e-5 * ymax);
        REQUIRE(e2 <= 2 * e1 + 1e-7 * ymax);
    };
    run(butterworth<8, band_type::lowpass>(0.1));
    run(butterworth<2, band_type::lowpass>(0.05));
    run(chebyshev1<4, band_type::highpass>(0.5, 0.3));
    run(butterworth<6, band_type::bandpass>(0.1, 0.3));
    run(butterworth<16, band_type::lowpass>(0.3));
    run(butterworth<14, band_type::lowpass>(0.2));  // S = 7: the packed AVX-512 engine's widest
    run(rbj_peaking(nerve::hertz{100.0}, 4.0, 12.0, nerve::sample_rate{1000.0}));
}

TEST_CASE("user SOS coefficients, reset and pass-through", "[filter][biquad]") {
    // A pure one-sample delay as a user section, not normalised (a0 = 2).
    std::array<sos_section<float>, 2> s{{{0.0f, 2.0f, 0.0f, 2.0f, 0.0f, 0.0f}, {1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f}}};
    biquad_cascade<float, 2> d{s};
    REQUIRE(d(1.0f) == 0.0f);
    REQUIRE(d(2.0f) == 1.0f);
    REQUIRE(d(3.0f) == 2.0f);
    d.reset();
    REQUIRE(d(5.0f) == 0.0f);
    biquad_cascade<double, 3> id;
    REQUIRE(id(0.25) == 0.25);
}

TEST_CASE("visit_state round-trips the streaming state", "[filter][biquad]") {
    const auto sos = butterworth<4, band_type::highpass>(0.2);
    biquad_cascade<float, 2> a{sos}, b{sos};
    biquad_cascade<q15, 2> qa{sos}, qb{sos};
    for (int i = 0; i < 77; ++i) a(test_signal(i)), qa(q15::from_float(test_signal(i) * 0.5f));
    saver s;
    a.visit_state(s);
    qa.visit_state(s);
    s.n = 0;
    s.load = true;
    b.visit_state(s);
    qb.visit_state(s);
    for (int i = 77; i < 200; ++i) {
        REQUIRE(a(test_signal(i)) == b(test_signal(i)));
        REQUIRE(qa(q15::from_float(test_signal(i) * 0.5f)) == qb(q15::from_float(test_signal(i) * 0.5f)));
    }
}

TEST_CASE("q15 and q31 against the double reference", "[filter][biquad][fixed]") {
    // Input at half scale. Stated bounds (absolute, full scale 1):
    //   q15: 1.5e-3 (about 50 LSB: the DF1 state is 16-bit, noise gain of poles near z = 1;
    //        measured max 6.0e-4)
    //   q31: 5e-8 (measured max 6.9e-9)
    auto run = [](auto sos, double q15_bound) {
        using S = std::integral_constant<std::size_t, std::tuple_size_v<decltype(sos)>>;
        biquad_cascade<double, S::value> ref{sos};
        biquad_cascade<q15, S::value> f15{sos};
        biquad_cascade<q31, S::value> f31{sos};
        double e15 = 0, e31 = 0;
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < n_sig; ++i) {
            const double x = 0.5 * golden::iir_sig::x[i];
            const double y = ref(x);
            e15 = std::fmax(e15, std::fabs(f15(q15::from_float(x)).to_double() - y));
            e31 = std::fmax(e31, std::fabs(f31(q31::from_float(x)).to_double() - y));
        });
        INFO("q15 error " << e15 << ", q31 error " << e31);
        REQUIRE(e15 <= q15_bound);
        REQUIRE(e31 <= 5e-8);
    };
    run(butterworth<8, band_type::lowpass>(0.1), 1.5e-3);
    run(butterworth<3, band_type::bandpass>(0.1, 0.35), 1.5e-3);
    run(chebyshev1<4, band_type::highpass>(0.5, 0.3), 1.5e-3);
    run(butterworth<4, band_type::lowpass>(0.2), 1.5e-3);
    // The golden scipy outputs through q15, same bound.
    biquad_cascade<q15, 4> g{sos_from_rows<4>(golden::iir::butter_lp8)};
    double e = 0;
    for (std::size_t i = 0; i < n_sig; ++i)
        e = std::fmax(e, std::fabs(g(q15::from_float(0.5 * golden::iir_sig::x[i])).to_double() -
                                   0.5 * golden::iir_sig::y_butter_lp8[i]));
    REQUIRE(e <= 1.5e-3);
}

TEST_CASE("fixed point saturates instead of wrapping", "[filter][biquad][fixed][saturation]") {
    // Resonant peaking filter (+12 dB at 0.05 fs, Q = 8) driven by a full-scale square wave
    // at the resonance: the ideal output exceeds full scale by ~3x.
    const auto sos = rbj_peaking(nerve::hertz{50.0}, 8.0, 12.0, nerve::sample_rate{1000.0});
    auto run = [&](auto fx) {
        using T = decltype(fx(0.0));
        biquad_cascade<T, 1> f{sos};
        biquad_cascade<double, 1> ref{sos};
        int clipped = 0;
        NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 2000; ++i) {
            const double x = ((i / 10) % 2) ? 1.0 : -1.0;
            const T y = f(fx(x));
            const double r = ref(x);
            if (y == T::max() || y == T::min()) ++clipped;
            // Never the wrong sign where the reference is clearly away from zero (a wrap
            // would flip it); the saturated state may lag the ideal one slightly.
            if (i > 100 && std::fabs(r) > 1.5) REQUIRE((y.to_double() > 0) == (r > 0));
        });
        REQUIRE(clipped > 100);
    };
    run([](double v) { return q15::from_float(v); });
    run([](double v) { return q31::from_float(v); });
}

TEST_CASE("bad input: NaN/Inf held, overflow resets", "[filter][biquad][bad-input]") {
    const auto sos = butterworth<4, band_type::lowpass>(0.2);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    static float x[256], ref_in[256], y[256], yr[256];
    for (int i = 0; i < 256; ++i) x[i] = ref_in[i] = test_signal(i);
    // Bad samples at 40 (NaN), 41 (Inf), 100 (-Inf), 200 (NaN): each is replaced by the
    // last finite input, so the output equals a filter fed that value.
    for (int i : {40, 41, 100, 200}) {
        x[i] = (i == 100) ? -inf : (i == 41 ? inf : nan);
        ref_in[i] = ref_in[i - 1];
    }
    ref_in[41] = ref_in[39];
    biquad_cascade<float, 2> r{sos};
    for (int i = 0; i < 256; ++i) yr[i] = r(ref_in[i]);
    biquad_cascade<float, 2> a{sos}, b{sos};
    for (int i = 0; i < 256; ++i) y[i] = a(x[i]);
    REQUIRE(a.rejected() == 4);
    for (int i = 0; i < 256; ++i) REQUIRE(y[i] == yr[i]);
    NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>(x), std::span<float>(y)));
    REQUIRE(b.rejected() == 4);
    for (int i = 0; i < 256; ++i) REQUIRE(std::fabs(y[i] - yr[i]) <= 1e-5f);

    // Finite but huge input overflows a resonant section: state cleared, counted, recovers.
    biquad_cascade<float, 1> p{rbj_peaking(nerve::hertz{50.0}, 8.0, 20.0, nerve::sample_rate{1000.0})};
    biquad_cascade<float, 1> pb = p;
    static float big[160], out[160];
    for (int i = 0; i < 160; ++i) big[i] = i < 32 ? ((i % 2) ? 3e38f : -3e38f) : test_signal(i);
    for (int i = 0; i < 160; ++i) out[i] = p(big[i]);
    REQUIRE(p.resets() > 0);
    for (int i = 100; i < 160; ++i) REQUIRE(std::isfinite(out[i]));
    // The block path may absorb the same burst without overflowing (its intermediate
    // sums differ); either way every output is finite.
    pb.process(std::span<const float>(big), std::span<float>(out));
    for (int i = 0; i < 160; ++i) REQUIRE(std::isfinite(out[i]));
}

TEST_CASE("multi<biquad_cascade<float,4>,16> is bit-identical to 16 single filters", "[filter][biquad][multi]") {
    constexpr std::size_t C = 16;
    std::array<biquad_cascade<float, 4>, C> singles{};
    for (std::size_t c = 0; c < C; ++c)
        singles[c] = biquad_cascade<float, 4>{butterworth<8, band_type::lowpass>(0.05 + 0.05 * static_cast<double>(c))};
    static nerve::multi<biquad_cascade<float, 4>, C> m{singles};
    static std::array<float, C> in[600], out[600];
    for (int i = 0; i < 600; ++i)
        for (std::size_t c = 0; c < C; ++c) in[i][c] = test_signal(i * 3 + static_cast<int>(c) * 101);
    in[50][3] = std::numeric_limits<float>::quiet_NaN();
    in[51][3] = std::numeric_limits<float>::infinity();
    in[300][15] = -std::numeric_limits<float>::infinity();
    in[400][0] = 3e38f;  // overflow -> reset on channel 0 only
    in[401][0] = -3e38f;
    NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<float, C>>(in), std::span<std::array<float, C>>(out)));
    for (int i = 0; i < 600; ++i)
        for (std::size_t c = 0; c < C; ++c) {
            const float y = singles[c](in[i][c]);
            INFO("sample " << i << " channel " << c);
            REQUIRE(std::memcmp(&y, &out[i][c], sizeof y) == 0);
        }
    for (std::size_t c = 0; c < C; ++c) {
        REQUIRE(m.rejected(c) == singles[c].rejected());
        REQUIRE(m.resets(c) == singles[c].resets());
    }
    REQUIRE(m.rejected(3) == 2);
}

// The float bank's fast pass in calls of many lengths (on AVX-512 with 3 <= S <= 7 the skewed
// pipeline, section k on frame j - k, with S - 1 prologue and epilogue iterations, used from S
// frames up; shorter calls frame by frame; on aarch64 three frames per loop trip with the state's
// registers renamed, so calls of every length mod 3), one to three lane groups, state carried
// from call to call, one call in place, a NaN in a late call: every output bit-identical to single
// filters.
template <std::size_t S, std::size_t C>
void check_bank_calls() {
    std::array<biquad_cascade<float, S>, C> singles{};
    for (std::size_t c = 0; c < C; ++c)
        singles[c] = biquad_cascade<float, S>{
            butterworth<2 * S, band_type::lowpass>(0.03 + 0.4 * static_cast<double>(c) / static_cast<double>(C))};
    static nerve::multi<biquad_cascade<float, S>, C> m{singles};
    static constexpr std::size_t calls[] = {1, S - 1, S, S + 1, 2 * S + 3, 64, S, 1, 37, S + 2, 5, 40};
    constexpr std::size_t total = 7 * S + 153;
    static std::array<float, C> in[total], out[total];
    for (std::size_t i = 0; i < total; ++i)
        for (std::size_t c = 0; c < C; ++c) in[i][c] = test_signal(static_cast<int>(i * 5 + c * 77));
    in[total - 20][C - 1] = std::numeric_limits<float>::quiet_NaN();
    std::size_t at = 0;
    for (std::size_t k = 0; k < std::size(calls); ++k) {
        const std::size_t n = calls[k];
        if (k == 9) {  // in place
            for (std::size_t i = at; i < at + n; ++i) out[i] = in[i];
            NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<float, C>>(out + at, n),
                                             std::span<std::array<float, C>>(out + at, n)));
        } else {
            NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<float, C>>(in + at, n),
                                             std::span<std::array<float, C>>(out + at, n)));
        }
        at += n;
    }
    REQUIRE(at == total);
    for (std::size_t i = 0; i < total; ++i)
        for (std::size_t c = 0; c < C; ++c) {
            const float y = singles[c](in[i][c]);
            INFO("S " << S << " C " << C << " frame " << i << " channel " << c);
            REQUIRE(std::memcmp(&y, &out[i][c], sizeof y) == 0);
        }
    REQUIRE(m.rejected(C - 1) == 1);
}

TEST_CASE("multi<biquad_cascade<float,S>,C>::process in calls of 1 to 64 frames is bit-identical to single filters",
          "[filter][biquad][multi]") {
    check_bank_calls<1, 8>();
    check_bank_calls<2, 16>();
    check_bank_calls<3, 16>();
    check_bank_calls<4, 16>();
    check_bank_calls<4, 32>();
    check_bank_calls<4, 48>();
    check_bank_calls<5, 16>();
    check_bank_calls<6, 32>();
    check_bank_calls<7, 16>();
    check_bank_calls<8, 16>();
}

TEST_CASE("multi with a channel count that is not a lane multiple, double", "[filter][biquad][multi]") {
    const auto sos = chebyshev1<5, band_type::lowpass>(1.0, 0.25);
    biquad_cascade<double, 3> proto{sos};
    nerve::multi<biquad_cascade<double, 3>, 3> m{proto};
    std::array<biquad_cascade<double, 3>, 3> s{proto, proto, proto};
    for (int i = 0; i < 500; ++i) {
        const std::array<double, 3> x{test_signal(i), test_signal(i + 1000), i == 77 ? std::nan("") : test_signal(i + 7)};
        const auto y = m(x);
        for (std::size_t c = 0; c < 3; ++c) {
            const double r = s[c](x[c]);
            REQUIRE(std::memcmp(&r, &y[c], sizeof r) == 0);
        }
    }
    m.reset();
    REQUIRE(m.rejected(2) == 0);
}

TEST_CASE("fixed point equals the textbook DF1 integer recurrence", "[filter][biquad][fixed]") {
    // Reference written out from the documented format (coefficients raw * 2^(shift - F),
    // exact int64 sum, round half up, saturate per section):
    // checks every target's fast path (e.g. SMLALD/SSAT on Cortex-M4) bit for bit.
    auto run = [](auto tag) {
        using T = decltype(tag);
        using R = decltype(T{}.raw);
        constexpr int F = T::frac_bits;
        constexpr int guard = 0;  // exact int64 sums (q31: headroom in post_shift)
        const auto sos = rbj_peaking(nerve::hertz{50.0}, 8.0, 12.0, nerve::sample_rate{1000.0});
        const auto lp = butterworth<4, band_type::lowpass>(0.1);
        const std::array<sos_section<double>, 3> s3{sos[0], lp[0], lp[1]};
        biquad_cascade<T, 3> f{s3};
        std::int64_t st[3][4] = {};
        for (int i = 0; i < 3000; ++i) {
            const double xin = i < 1000 ? test_signal(i) * 0.7 : (((i / 10) % 2) ? 1.0 : -1.0);
            const T x = T::from_float(xin);
            std::int64_t v = x.raw;
            for (std::size_t k = 0; k < 3; ++k) {
                const auto& c = f.coefficients(k);
                const std::int64_t acc = (std::int64_t(c.b0) * v >> guard) + (std::int64_t(c.b1) * st[k][0] >> guard) +
                                         (std::int64_t(c.b2) * st[k][1] >> guard) + (std::int64_t(c.na1) * st[k][2] >> guard) +
                                         (std::int64_t(c.na2) * st[k][3] >> guard);
                const int d = F - f.post_shift(k) - guard;
                std::int64_t y = (acc + (std::int64_t{1} << (d - 1))) >> d;
                y = y > std::numeric_limits<R>::max() ? std::numeric_limits<R>::max() : y;
                y = y < std::numeric_limits<R>::min() ? std::numeric_limits<R>::min() : y;
                st[k][1] = st[k][0];
                st[k][0] = v;
                st[k][3] = st[k][2];
                st[k][2] = y;
                v = y;
            }
            REQUIRE(f(x).raw == v);
        }
    };
    run(q15{});
    run(q31{});
}

namespace {
// Built entirely at compile time, block matrices included.
constinit biquad_cascade<float, 4> g_constinit_lp{butterworth<8, band_type::lowpass>(0.1)};
}  // namespace

TEST_CASE("constinit cascade equals a run-time one, block path included", "[filter][biquad]") {
    biquad_cascade<float, 4> rt{butterworth<8, band_type::lowpass>(0.1)};
    static float x[256], y1[256], y2[256];
    for (int i = 0; i < 256; ++i) x[i] = test_signal(i);
    g_constinit_lp.process(std::span<const float>(x), std::span<float>(y1));
    rt.process(std::span<const float>(x), std::span<float>(y2));
    for (int i = 0; i < 256; ++i) REQUIRE(std::fabs(y1[i] - y2[i]) <= 1e-6f);
}

#include "nerve/core/snapshot.hpp"

TEST_CASE("snapshot/restore of cascades and of the channel bank", "[filter][biquad][snapshot]") {
    static std::byte buf[4096];
    auto roundtrip = [](auto& a, auto& b, auto input) {
        for (int i = 0; i < 100; ++i) a(input(i));
        const auto n = nerve::snapshot(a, std::span<std::byte>(buf));
        REQUIRE(n.ok());
        REQUIRE(nerve::restore(b, std::span<const std::byte>(buf, n.value())).ok());
        for (int i = 100; i < 300; ++i) REQUIRE(a(input(i)) == b(input(i)));
    };
    const auto sos = chebyshev1<6, band_type::bandpass>(1.0, 0.1, 0.2);
    biquad_cascade<float, 6> f1{sos}, f2{sos};
    roundtrip(f1, f2, [](int i) { return test_signal(i); });
    biquad_cascade<q31, 6> q1{sos}, q2{sos};
    roundtrip(q1, q2, [](int i) { return q31::from_float(0.5 * test_signal(i)); });
    static nerve::multi<biquad_cascade<float, 6>, 5> m1{f1}, m2{f1};
    roundtrip(m1, m2, [](int i) {
        std::array<float, 5> x{};
        for (int c = 0; c < 5; ++c) x[static_cast<std::size_t>(c)] = test_signal(i + 50 * c);
        return x;
    });
}

TEST_CASE("multi double block path is bit-identical too", "[filter][biquad][multi]") {
    constexpr std::size_t C = 8;  // a whole number of double batches on SSE/AVX/AVX-512/NEON
    std::array<biquad_cascade<double, 2>, C> singles{};
    for (std::size_t c = 0; c < C; ++c)
        singles[c] = biquad_cascade<double, 2>{butterworth<4, band_type::highpass>(0.02 + 0.1 * static_cast<double>(c))};
    static nerve::multi<biquad_cascade<double, 2>, C> m{singles};
    static std::array<double, C> in[300], out[300];
    for (int i = 0; i < 300; ++i)
        for (std::size_t c = 0; c < C; ++c) in[i][c] = test_signal(i + static_cast<int>(c) * 31);
    in[10][7] = std::nan("");
    in[20][0] = 1e308;
    in[21][0] = -1e308;
    NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<double, C>>(in), std::span<std::array<double, C>>(out)));
    for (int i = 0; i < 300; ++i)
        for (std::size_t c = 0; c < C; ++c) {
            const double y = singles[c](in[i][c]);
            REQUIRE(std::memcmp(&y, &out[i][c], sizeof y) == 0);
        }
    REQUIRE(m.rejected(7) == 1);
    REQUIRE(m.resets(0) == singles[0].resets());
}

TEST_CASE("process() in place and out of place, with bad input, against operator()", "[filter][biquad][block]") {
    // On the Cortex-M4F (section-outer VFMA kernel) process() performs operator()'s exact
    // operations, so its output must be bit-identical there; elsewhere (state-space block path
    // with xsimd; on aarch64 the time-segment engine for the calls of 256 and more) it must stay
    // within the block bound stated above, and in place must give out of place's bits.
    constexpr bool exact = NERVE_IIR_ARM_M4F || !NERVE_HAS_XSIMD;
    constexpr bool exact_s1 = NERVE_IIR_ARM_M4F || !NERVE_HAS_XSIMD;
    const auto sos = butterworth<8, band_type::lowpass>(0.1);
    const float nan = std::numeric_limits<float>::quiet_NaN();
    static float x[700], y_ref[700], y_out[700], y_in[700];
    for (int i = 0; i < 700; ++i) x[i] = test_signal(i);
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 1) x[333] = nan, x[500] = std::numeric_limits<float>::infinity();
        biquad_cascade<float, 4> r{sos}, a{sos}, b{sos};
        for (int i = 0; i < 700; ++i) y_ref[i] = r(x[i]);
        std::memcpy(y_in, x, sizeof x);
        std::size_t i = 0;
        for (std::size_t len : {5u, 48u, 17u, 256u, 64u, 310u}) {  // runs of 16 and tails
            NERVE_REQUIRE_NO_ALLOC(a.process(std::span<const float>(x + i, len), std::span<float>(y_out + i, len)));
            NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>(y_in + i, len), std::span<float>(y_in + i, len)));
            i += len;
        }
        REQUIRE(i == 700);
        REQUIRE(a.rejected() == r.rejected());
        REQUIRE(b.rejected() == r.rejected());
        static const float zero[700] = {};
        const double ymax = max_abs_diff(y_ref, zero, 700);
        for (int k = 0; k < 700; ++k) {
            if (exact) {
                REQUIRE(std::memcmp(&y_out[k], &y_ref[k], sizeof(float)) == 0);
                REQUIRE(std::memcmp(&y_in[k], &y_ref[k], sizeof(float)) == 0);
            } else {
                REQUIRE(std::fabs(y_out[k] - y_ref[k]) <= 1e-5 * ymax);
                REQUIRE(std::memcmp(&y_in[k], &y_out[k], sizeof(float)) == 0);
            }
        }
    }
    // Overflow inside a run of 16: the run is redone sample by sample (state reset, counted).
    biquad_cascade<float, 1> p{rbj_peaking(nerve::hertz{50.0}, 8.0, 20.0, nerve::sample_rate{1000.0})};
    biquad_cascade<float, 1> q = p;
    static float big[160], o1[160], o2[160];
    for (int k = 0; k < 160; ++k) big[k] = k < 32 ? ((k % 2) ? 3e38f : -3e38f) : test_signal(k);
    for (int k = 0; k < 160; ++k) o1[k] = p(big[k]);
    q.process(std::span<const float>(big), std::span<float>(o2));
    if (exact_s1) {
        REQUIRE(q.resets() == p.resets());
        REQUIRE(std::memcmp(o1, o2, sizeof o1) == 0);
    }
    for (float v : o2) REQUIRE(std::isfinite(v));
}

// aarch64's lanes engine (sections in the NEON lanes, skewed by one sample per section; 4 to 8
// sections): calls shorter than S, of every length mod 3 (three steps per loop trip), longer
// than the 256-sample runs it copies when in place; a NaN, and a finite burst that overflows the
// state, each inside a long call (the run is redone per sample). Bit-identical to operator()
// where process() runs operator()'s operations (Cortex-M4F, no xsimd, aarch64 with S = 8; with
// S = 4..7 the time-segment engine takes calls of 256 and more there), else within the block
// bound, in place with out of place's bits.
template <std::size_t S>
void check_calls_against_operator() {
    constexpr bool exact = NERVE_IIR_ARM_M4F || !NERVE_HAS_XSIMD || (NERVE_IIR_LANES_NEON && S == 8);
    const auto sos = butterworth<2 * S, band_type::lowpass>(0.07 + 0.02 * static_cast<double>(S));
    constexpr std::size_t calls[] = {1, S - 1, S, S + 1, S + 2, 3, 255, 256, 257, 600, 2, 41, 700};
    constexpr std::size_t total = 4 * S + 2117;
    static float x[total], y_ref[total], y_out[total], y_in[total];
    for (std::size_t i = 0; i < total; ++i) x[i] = test_signal(static_cast<int>(i * 3 + S));
    x[900] = std::numeric_limits<float>::quiet_NaN();  // inside the call of 600
    for (std::size_t i = 1900; i < 1960; ++i) x[i] = (i / 10 % 2) ? 3.4e38f : -3.4e38f;  // in the call of 700
    biquad_cascade<float, S> r{sos}, a{sos}, b{sos};
    for (std::size_t i = 0; i < total; ++i) y_ref[i] = r(x[i]);
    std::memcpy(y_in, x, sizeof x);
    std::size_t at = 0;
    for (std::size_t len : calls) {
        NERVE_REQUIRE_NO_ALLOC(a.process(std::span<const float>(x + at, len), std::span<float>(y_out + at, len)));
        NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>(y_in + at, len), std::span<float>(y_in + at, len)));
        at += len;
    }
    REQUIRE(at == total);
    REQUIRE(r.resets() > 0);
    REQUIRE(a.rejected() == r.rejected());
    REQUIRE(b.rejected() == r.rejected());
    if (exact) {
        REQUIRE(a.resets() == r.resets());
        REQUIRE(b.resets() == r.resets());
    }
    static const float zero[total] = {};
    const double ymax = max_abs_diff(y_ref, zero, 1900);
    for (std::size_t k = 0; k < total; ++k) {
        INFO("S " << S << " sample " << k);
        if (exact) {
            REQUIRE(std::memcmp(&y_out[k], &y_ref[k], sizeof(float)) == 0);
            REQUIRE(std::memcmp(&y_in[k], &y_ref[k], sizeof(float)) == 0);
        } else if (k < 1900) {  // before the overflow: the block paths within their bound
            REQUIRE(std::fabs(y_out[k] - y_ref[k]) <= 1e-5 * ymax);
            REQUIRE(std::memcmp(&y_in[k], &y_out[k], sizeof(float)) == 0);
        }
    }
}

TEST_CASE("process() in calls of every length against operator(), 4 to 8 sections", "[filter][biquad][block]") {
    check_calls_against_operator<4>();
    check_calls_against_operator<5>();
    check_calls_against_operator<8>();
}

TEST_CASE("fixed-point process() is bit-identical to operator(), in place too", "[filter][biquad][fixed][block]") {
    // process() may take a target's block kernel (Cortex-M4: 32-bit DSP sums, redone with the
    // exact path when the Q flag reports an int32 overflow or a saturation): same integers.
    auto run = [](auto tag) {
        using T = decltype(tag);
        const auto pk = rbj_peaking(nerve::hertz{50.0}, 8.0, 12.0, nerve::sample_rate{1000.0});
        const auto lp = butterworth<6, band_type::lowpass>(0.1);
        const std::array<sos_section<double>, 4> s4{pk[0], lp[0], lp[1], lp[2]};
        static T x[1500], y_ref[1500], y_out[1500], y_in[1500];
        for (int i = 0; i < 1500; ++i) {
            // quiet, then full-scale square bursts (saturation inside a run), then quiet again
            const double v = (i >= 600 && i < 900) ? (((i / 50) % 2) ? 1.0 : -1.0) : test_signal(i) * 0.4;
            x[i] = T::from_float(v);
        }
        biquad_cascade<T, 4> r{s4}, a{s4}, b{s4};
        for (int i = 0; i < 1500; ++i) y_ref[i] = r(x[i]);
        std::memcpy(y_in, x, sizeof x);
        std::size_t i = 0;
        for (std::size_t len : {3u, 64u, 1u, 130u, 500u, 2u, 800u}) {
            NERVE_REQUIRE_NO_ALLOC(nerve::process(a, std::span<const T>(x + i, len), std::span<T>(y_out + i, len)));
            NERVE_REQUIRE_NO_ALLOC(nerve::process(b, std::span<const T>(y_in + i, len), std::span<T>(y_in + i, len)));
            i += len;
        }
        REQUIRE(i == 1500);
        int saturated = 0;
        for (int k = 0; k < 1500; ++k) {
            REQUIRE(y_out[k].raw == y_ref[k].raw);
            REQUIRE(y_in[k].raw == y_ref[k].raw);
            saturated += (y_ref[k].raw == std::numeric_limits<decltype(y_ref[k].raw)>::max() ||
                          y_ref[k].raw == std::numeric_limits<decltype(y_ref[k].raw)>::min());
        }
        REQUIRE(saturated > 0);  // the redo path was exercised
        // Continuing per sample after the blocks gives the same as the reference.
        for (int k = 0; k < 50; ++k) REQUIRE(a(x[k]).raw == r(x[k]).raw);
    };
    run(q15{});
    run(q31{});

    // A section whose exact sum leaves int32 for full-scale input (|b| = 1.9, resonant poles:
    // the unsaturated output reaches ~8.5 full scales): a 32-bit kernel must notice and redo.
    const std::array<sos_section<double>, 1> hot{{{1.9, 1.9, 1.9, 1.0, -1.9, 0.95}}};
    biquad_cascade<q15, 1> r{hot}, a{hot}, b{hot};
    static q15 x[256], y_ref[256], y_out[256], y_in[256];
    for (int i = 0; i < 256; ++i) x[i] = q15::from_raw(((i / 9) % 2) ? 32767 : -32768);
    for (int i = 0; i < 256; ++i) y_ref[i] = r(x[i]);
    std::memcpy(y_in, x, sizeof x);
    nerve::process(a, std::span<const q15>(x), std::span<q15>(y_out));
    nerve::process(b, std::span<const q15>(y_in), std::span<q15>(y_in));
    for (int i = 0; i < 256; ++i) {
        REQUIRE(y_out[i].raw == y_ref[i].raw);
        REQUIRE(y_in[i].raw == y_ref[i].raw);
    }
}

namespace {
// Call pattern around the AVX-512 packed engines' sizes for S sections (blocks of M = 32 - 2S,
// tail blocks of m = 16 - 2S): lengths M - 1 .. M + 1, m - 1 .. m + 1, single samples through
// operator() in between, two blocks and a tail, then the rest. Elsewhere the same calls run
// whatever block path the target has, under the same requirements.
template <std::size_t S>
void packed_calls(biquad_cascade<float, S>& f, const float* x, float* y, std::size_t n, bool in_place) {
    constexpr std::size_t M = 32 - 2 * S, m = 16 - 2 * S;
    std::size_t i = 0;
    auto call = [&](std::size_t len) {
        if (in_place) {
            for (std::size_t k = 0; k < len; ++k) y[i + k] = x[i + k];
            NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(y + i, len), std::span<float>(y + i, len)));
        } else {
            NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(x + i, len), std::span<float>(y + i, len)));
        }
        i += len;
    };
    for (std::size_t len : {M - 1, M, M + 1, m - 1, m, m + 1, std::size_t{0}, 2 * M + m, M + m - 1}) {
        if (len == 0) {
            for (int k = 0; k < 3; ++k, ++i) y[i] = f(x[i]);
        } else {
            call(len);
        }
    }
    call(n - i);
}

template <std::size_t S>
void check_packed(const std::array<sos_section<double>, S>& sos) {
    constexpr std::size_t n = 400, M = 32 - 2 * S;
    static float x[n], y1[n], y2[n], y3[n];
    static double yd[n];
    const float nan = std::numeric_limits<float>::quiet_NaN();
    // Clean input, then a NaN at every position of the second call's first block and its
    // neighbours (block offsets 0 .. M, the tail blocks of the third call), then an Inf pair.
    for (std::size_t bad = 0; bad <= M + 2 * 16; ++bad) {
        for (std::size_t i = 0; i < n; ++i) x[i] = test_signal(static_cast<int>(i));
        const bool clean = bad == 0;
        if (!clean) x[M - 2 + bad] = nan;
        if (bad == M + 2 * 16) x[300] = std::numeric_limits<float>::infinity(), x[301] = -x[300];
        biquad_cascade<float, S> ref{sos}, f{sos}, g{sos};
        biquad_cascade<double, S> d{sos};
        for (std::size_t i = 0; i < n; ++i) y1[i] = ref(x[i]);
        packed_calls(f, x, y2, n, false);
        packed_calls(g, x, y3, n, true);
        static const float zero[n] = {};
        const double ymax = max_abs_diff(y1, zero, n);
        INFO("S = " << S << ", bad input at " << (clean ? 0 : M - 2 + bad));
        REQUIRE(max_abs_diff(y1, y2, n) <= 1e-5 * ymax);
        REQUIRE(std::memcmp(y2, y3, sizeof y2) == 0);  // in place: the same operations
        REQUIRE(f.rejected() == ref.rejected());
        REQUIRE(g.rejected() == ref.rejected());
        REQUIRE(f.resets() == 0);
        if (clean) {
            for (std::size_t i = 0; i < n; ++i) yd[i] = d(static_cast<double>(x[i]));
            const double e1 = max_abs_diff(y1, yd, n), e2 = max_abs_diff(y2, yd, n);
            INFO("vs double: per-sample " << e1 << ", process " << e2);
            REQUIRE(e2 <= 2 * e1 + 1e-7 * ymax);
            REQUIRE(ref.rejected() == 0);
        }
        // The state carries on into operator().
        REQUIRE(std::fabs(f(0.25f) - ref(0.25f)) <= 1e-5 * ymax);
    }
}
}  // namespace

TEST_CASE("packed engines (S = 3..7): block and tail boundaries, NaN at every block position, in place",
          "[filter][biquad][block][packed]") {
    check_packed(butterworth<6, band_type::lowpass>(0.15));
    check_packed(butterworth<8, band_type::lowpass>(0.1));
    check_packed(chebyshev1<8, band_type::highpass>(0.5, 0.3));
    check_packed(butterworth<10, band_type::lowpass>(0.2));
    check_packed(butterworth<6, band_type::bandpass>(0.1, 0.3));  // S = 6
    check_packed(butterworth<14, band_type::lowpass>(0.25));
}

TEST_CASE("biquad_cascade::start_at starts from a constant input's steady state", "[biquad]") {
    // A band-stop notch and a low-pass: the output of a constant input is its DC response from
    // the first sample on (no transient), through per-sample and block calls alike.
    constexpr auto low = nerve::filter::butterworth<6, nerve::filter::band_type::lowpass>(0.05);
    auto check = [](auto&& f, double level, double gain, double tol) {  // by reference: 64-byte aligned
        using T = typename std::remove_reference_t<decltype(f)>::input_type;
        REQUIRE(f.start_at(static_cast<T>(level)));
        std::array<T, 600> x{}, y{};
        x.fill(static_cast<T>(level));
        f.process(std::span<const T>(x).first(300), std::span<T>(y).first(300));
        for (std::size_t i = 300; i < 600; ++i) y[i] = f(x[i]);
        for (const T v : y) REQUIRE(std::abs(static_cast<double>(v) - gain * level) <= tol * std::abs(gain * level));
    };
    const double g_low = nerve::filter::sos_magnitude(low, 0.0);
    check(nerve::filter::biquad_cascade<float, 3>(low), 2.5, g_low, 1e-5);
    check(nerve::filter::biquad_cascade<double, 3>(low), -0.75, g_low, 1e-12);
    // An integrator (pole at z = 1) has no steady state: refused, state unchanged.
    std::array<nerve::filter::sos_section<double>, 1> integ{{{1.0, 0.0, 0.0, 1.0, -1.0, 0.0}}};
    nerve::filter::biquad_cascade<float, 1> f(integ);
    (void)f(1.0f);
    CHECK_FALSE(f.start_at(1.0f));
    CHECK(f(0.0f) == 1.0f);  // still the state the first sample left
    // A level whose steady state overflows float is refused too (DC gain 20: z1 = 10 level).
    std::array<nerve::filter::sos_section<double>, 1> gain20{{{10.0, 0.0, 0.0, 1.0, -0.5, 0.0}}};
    nerve::filter::biquad_cascade<float, 1> big(gain20);
    CHECK(big.start_at(1e30f));
    const float settled = big(1e30f);
    CHECK(std::abs(settled / 2e31f - 1.0f) < 1e-6f);
    CHECK_FALSE(big.start_at(std::numeric_limits<float>::max()));
    CHECK(big(1e30f) == settled);  // unchanged: still settled at 1e30
}
