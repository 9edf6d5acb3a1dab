#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "golden/fir_filters.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace g = golden::fir_filters;
using nerve::filter::fir;
using nerve::filter::fir_symmetry;

static_assert(nerve::simple_operator<fir<float, 8>>);
static_assert(nerve::block_operator<fir<float, 8>>);
static_assert(nerve::simple_operator<fir<nerve::q15, 8>>);

namespace {
template <std::size_t N>
std::array<double, N> golden_taps(const double (&h)[N]) {
    std::array<double, N> a{};
    for (std::size_t i = 0; i < N; ++i) a[i] = h[i];
    return a;
}

double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}

template <class T>
struct buffers {
    std::array<T, g::n> in{};
    std::array<T, g::n> out{};
};
}  // namespace

TEST_CASE("fir_design: firwin_lowpass matches scipy.signal.firwin", "[fir][golden]") {
    const auto h63 = nerve::filter::firwin_lowpass<63>(0.2);
    for (std::size_t i = 0; i < 63; ++i) REQUIRE(h63[i] == Approx(g::firwin63_hamming_0p2[i]).margin(1e-14));
    const auto h64 = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    for (std::size_t i = 0; i < 64; ++i) REQUIRE(h64[i] == Approx(g::firwin64_hamming_0p125[i]).margin(1e-14));
    const auto hk = nerve::filter::firwin_lowpass<41>(0.3, nerve::filter::fir_window::kaiser(5.0));
    for (std::size_t i = 0; i < 41; ++i) REQUIRE(hk[i] == Approx(g::firwin41_kaiser5_0p3[i]).margin(1e-13));
    const auto hh = nerve::filter::firwin_lowpass<16>(0.45, nerve::filter::fir_window::hann());
    for (std::size_t i = 0; i < 16; ++i) REQUIRE(hh[i] == Approx(g::firwin16_hann_0p45[i]).margin(1e-14));
}

TEST_CASE("fir_design: the high-pass, band-pass and band-stop forms match scipy.signal.firwin", "[fir][golden]") {
    namespace nf = nerve::filter;
    const auto check = [](const auto& h, const double* ref) {
        for (std::size_t i = 0; i < h.size(); ++i) {
            INFO("tap " << i);
            REQUIRE(h[i] == Approx(ref[i]).margin(1e-14));
            REQUIRE(h[i] == h[h.size() - 1 - i]);  // exactly symmetric: the FIR folds them
        }
    };
    check(nf::firwin_highpass<51>(0.3), g::firwin51_highpass_0p3);
    check(nf::firwin_bandpass<64>(0.1, 0.35, nf::fir_window::blackman()), g::firwin64_bandpass_blackman);
    check(nf::firwin_bandpass<77>(0.42, 0.58, nf::fir_window::kaiser(8.0)), g::firwin77_bandpass_kaiser8);
    check(nf::firwin_bandstop<61>(0.2, 0.45, nf::fir_window::hann()), g::firwin61_bandstop_hann);
    // The scaling: unit gain at Nyquist (high-pass), the band centre (band-pass), DC (band-stop).
    const auto gain_at = [](const auto& h, double f) {  // f relative to Nyquist; the taps are symmetric
        double re = 0.0, im = 0.0;
        for (std::size_t i = 0; i < h.size(); ++i) {
            re += h[i] * std::cos(3.141592653589793 * f * static_cast<double>(i));
            im -= h[i] * std::sin(3.141592653589793 * f * static_cast<double>(i));
        }
        return std::hypot(re, im);
    };
    CHECK(gain_at(nf::firwin_highpass<51>(0.3), 1.0) == Approx(1.0).epsilon(1e-12));
    CHECK(gain_at(nf::firwin_highpass<51>(0.3), 0.0) < 0.01);
    CHECK(gain_at(nf::firwin_bandpass<64>(0.1, 0.35, nf::fir_window::blackman()), 0.225) == Approx(1.0).epsilon(1e-12));
    CHECK(gain_at(nf::firwin_bandpass<64>(0.1, 0.35, nf::fir_window::blackman()), 0.8) < 1e-3);
    CHECK(gain_at(nf::firwin_bandstop<61>(0.2, 0.45, nf::fir_window::hann()), 0.0) == Approx(1.0).epsilon(1e-12));
    CHECK(gain_at(nf::firwin_bandstop<61>(0.2, 0.45, nf::fir_window::hann()), 0.325) < 0.01);
    // The low-pass's unit-DC scaling: its taps sum to one.
    const auto lp = nf::firwin_lowpass<63>(0.2);
    double sum = 0.0;
    for (const double v : lp) sum += v;
    CHECK(sum == Approx(1.0).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("fir: impulse response is the taps", "[fir]", float, double) {
    const std::array<TestType, 5> h{TestType(0.5), TestType(-0.25), TestType(0.125), TestType(0.0625), TestType(1)};
    fir<TestType, 5> f(h);
    REQUIRE_FALSE(f.symmetric());
    for (std::size_t i = 0; i < 5; ++i) REQUIRE(f(i == 0 ? TestType(1) : TestType(0)) == h[i]);
    REQUIRE(f(TestType(0)) == TestType(0));
}

TEMPLATE_TEST_CASE("fir: golden lfilter (firwin 63 taps, symmetric) per sample and in blocks", "[fir][golden]",
                   float, double) {
    using T = TestType;
    // float: 1e-5 relative to the signal maximum; double: 1e-12.
    const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-12) * max_abs(g::lfilter_firwin63, g::n);
    static buffers<T> b;
    for (std::size_t i = 0; i < g::n; ++i) b.in[i] = static_cast<T>(g::input[i]);

    fir<T, 63> f(nerve::filter::firwin_lowpass<63>(0.2));  // == scipy taps to 1e-14, exactly symmetric
    REQUIRE(f.symmetric());
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) b.out[i] = f(b.in[i]));
    for (std::size_t i = 0; i < g::n; ++i) REQUIRE(std::fabs(b.out[i] - g::lfilter_firwin63[i]) <= tol);

    // Blocks of awkward sizes (shorter and longer than the filter), through the block path.
    for (std::size_t blk : {1u, 7u, 62u, 63u, 64u, 100u, 333u, 960u}) {
        f.reset();
        b.out.fill(T(-99));
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; i += blk) {
            const std::size_t len = std::min<std::size_t>(blk, g::n - i);
            nerve::process(f, std::span<const T>(b.in.data() + i, len), std::span<T>(b.out.data() + i, len));
        });
        for (std::size_t i = 0; i < g::n; ++i) {
            INFO("block " << blk << " sample " << i);
            REQUIRE(std::fabs(b.out[i] - g::lfilter_firwin63[i]) <= tol);
        }
    }
    // In place.
    f.reset();
    static buffers<T> c;
    c.in = b.in;
    f.process(std::span<const T>(c.in), std::span<T>(c.in));
    for (std::size_t i = 0; i < g::n; ++i) REQUIRE(std::fabs(c.in[i] - g::lfilter_firwin63[i]) <= tol);
}

TEMPLATE_TEST_CASE("fir: golden lfilter with asymmetric taps; forced folding off gives the same", "[fir][golden]",
                   float, double) {
    using T = TestType;
    const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-12) * max_abs(g::lfilter_asym, g::n);
    static buffers<T> b;
    for (std::size_t i = 0; i < g::n; ++i) b.in[i] = static_cast<T>(g::input[i]);
    fir<T, 9> f(golden_taps(g::asym_taps));
    REQUIRE_FALSE(f.symmetric());
    f.process(std::span<const T>(b.in.data(), 500), std::span<T>(b.out.data(), 500));
    for (std::size_t i = 500; i < g::n; ++i) b.out[i] = f(b.in[i]);
    for (std::size_t i = 0; i < g::n; ++i) REQUIRE(std::fabs(b.out[i] - g::lfilter_asym[i]) <= tol);

    fir<T, 63> folded(golden_taps(g::firwin63_hamming_0p2), fir_symmetry::symmetric);
    fir<T, 63> plain(golden_taps(g::firwin63_hamming_0p2), fir_symmetry::none);
    for (std::size_t i = 0; i < g::n; ++i) {
        const double a = folded(b.in[i]), c = plain(b.in[i]);
        REQUIRE(std::fabs(a - c) <= tol);
    }
}

TEMPLATE_TEST_CASE("fir: fixed point within 1 LSB of the exact result on the same quantised data", "[fir][fixed]",
                   nerve::q15, nerve::q31) {
    using T = TestType;
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / 2147483648.0;
    const auto hd = nerve::filter::firwin_lowpass<63>(0.2);
    fir<T, 63> f(hd);
    REQUIRE(f.symmetric());
    fir<T, 63> g2(hd, fir_symmetry::none);
    const auto hq = f.coefficients();
    static std::array<T, g::n> in, out, out_block;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = nerve::from_double<T>(g::input[i]);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < g::n; ++i) out[i] = f(in[i]));
    g2.process(std::span<const T>(in), std::span<T>(out_block));
    for (std::size_t i = 0; i < g::n; ++i) {
        double exact = 0;
        for (std::size_t k = 0; k < 63 && k <= i; ++k) exact += nerve::to_double(hq[k]) * nerve::to_double(in[i - k]);
        REQUIRE(std::fabs(nerve::to_double(out[i]) - exact) <= 1.0 * lsb);
        REQUIRE(out[i] == out_block[i]);  // folded per-sample and unfolded block agree exactly
    }
}

TEMPLATE_TEST_CASE("fir: fixed point saturates instead of wrapping", "[fir][fixed]", nerve::q15, nerve::q31) {
    using T = TestType;
    // Gain 4 at DC: a full-scale step must pin the output at max(), not wrap negative.
    std::array<T, 4> h;
    h.fill(T::max());
    fir<T, 4> f(h);
    T y{};
    for (int i = 0; i < 10; ++i) y = f(T::max());
    REQUIRE(y == T::max());
    for (int i = 0; i < 10; ++i) y = f(T::min());
    REQUIRE(y == T::min());
}

TEMPLATE_TEST_CASE("fir: NaN and Inf are replaced by the last good sample and counted", "[fir][bad-input]", float,
                   double) {
    using T = TestType;
    const std::array<T, 3> h{T(0.25), T(0.5), T(0.25)};
    fir<T, 3> f(h), ref(h);
    const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
    const std::array<T, 8> xs{T(1), T(2), nan, T(3), inf, -inf, T(4), T(5)};
    const std::array<T, 8> held{T(1), T(2), T(2), T(3), T(3), T(3), T(4), T(5)};
    for (std::size_t i = 0; i < xs.size(); ++i) {
        const T y = f(xs[i]);
        REQUIRE(std::isfinite(y));
        REQUIRE(y == ref(held[i]));
    }
    REQUIRE(f.rejected() == 3u);
    // The block path takes the same route.
    f.reset();
    ref.reset();
    static std::array<T, 200> in, out;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = T(i % 7);
    in[100] = nan;
    f.process(std::span<const T>(in), std::span<T>(out));
    REQUIRE(f.rejected() == 1u);
    for (std::size_t i = 0; i < in.size(); ++i) REQUIRE(out[i] == ref(i == 100 ? in[99] : in[i]));
    f.reset();
    REQUIRE(f.rejected() == 0u);
}

TEST_CASE("fir: SIMD block path and scalar per-sample path agree on long random data", "[fir]") {
    static std::array<float, 4096> in, a, b;
    std::uint32_t s = 12345;
    for (auto& v : in) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<float>(static_cast<std::int32_t>(s)) / 2147483648.0f;
    }
    std::array<float, 64> h{};
    for (std::size_t i = 0; i < 64; ++i) h[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i) + 0.1)) / 16;
    fir<float, 64> f(h), g2(h);
    NERVE_REQUIRE_NO_ALLOC(f.process(std::span<const float>(in), std::span<float>(a)));
    for (std::size_t i = 0; i < in.size(); ++i) b[i] = g2(in[i]);
    // Bound: a few float ulp of sum |h| * max|x| (= sum |h| here).
    double sum_abs_h = 0;
    for (float v : h) sum_abs_h += std::fabs(v);
    for (std::size_t i = 0; i < in.size(); ++i) REQUIRE(std::fabs(a[i] - b[i]) <= 64 * 6e-8 * sum_abs_h);
}

namespace {
struct byte_counter {
    std::size_t bytes = 0;
    template <class X>
    void operator()(const X& x) { bytes += sizeof(x); }
};
}  // namespace

TEST_CASE("fir: visit_state covers the streaming state", "[fir][state]") {
    using counter = byte_counter;
    fir<float, 16> f;
    counter c;
    f.visit_state(c);
    REQUIRE(c.bytes == sizeof(float) * 32 + 4 + sizeof(float) + 4);
    // Copying the state continues the stream identically.
    std::array<float, 16> h{};
    h[3] = 1.0f;
    fir<float, 16> a(h);
    for (int i = 0; i < 20; ++i) a(static_cast<float>(i));
    fir<float, 16> b = a;
    for (int i = 20; i < 40; ++i) REQUIRE(a(static_cast<float>(i)) == b(static_cast<float>(i)));
}

#include "nerve/core/snapshot.hpp"

TEST_CASE("fir: snapshot and restore continue the stream exactly", "[fir][state]") {
    const auto h = nerve::filter::firwin_lowpass<31>(0.3);
    fir<float, 31> a(h), b(h);
    for (int i = 0; i < 50; ++i) a(static_cast<float>(std::sin(0.2 * i)));
    static std::array<std::byte, 1024> buf;
    const auto n = nerve::snapshot(a, std::span<std::byte>(buf));
    REQUIRE(n.ok());
    REQUIRE(a.state_is_valid());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    for (int i = 50; i < 100; ++i) {
        const float x = static_cast<float>(std::sin(0.2 * i));
        REQUIRE(a(x) == b(x));
    }
}

TEMPLATE_TEST_CASE("fir: fixed-point process() equals operator() bit for bit (even tap counts, overflow)", "[fir][fixed]",
                   nerve::q15, nerve::q31) {
    // Block kernels for even tap counts (Cortex-M4 q15: 32-bit SMLAD sums, redone exactly
    // when the Q flag reports an int32 overflow or a saturation) must give operator()'s integers.
    using T = TestType;
    auto run = [](auto taps_tag, auto make_tap, auto make_x) {
        constexpr std::size_t N = decltype(taps_tag)::value;
        std::array<T, N> h{};
        for (std::size_t k = 0; k < N; ++k) h[k] = make_tap(k);
        fir<T, N> a(h), b(h);
        static std::array<T, 700> in, out_blk, out_ref;
        for (std::size_t i = 0; i < in.size(); ++i) in[i] = make_x(i);
        for (std::size_t i = 0; i < in.size(); ++i) out_ref[i] = b(in[i]);
        std::size_t i = 0;
        for (std::size_t len : {3u, 70u, 257u, 1u, 64u, 305u}) {
            NERVE_REQUIRE_NO_ALLOC(a.process(std::span<const T>(in.data() + i, len), std::span<T>(out_blk.data() + i, len)));
            i += len;
        }
        REQUIRE(i == in.size());
        for (std::size_t k = 0; k < in.size(); ++k) {
            INFO("N " << N << " sample " << k);
            REQUIRE(out_blk[k].raw == out_ref[k].raw);
        }
    };
    auto noise = [](std::size_t i) {
        std::uint32_t s = static_cast<std::uint32_t>(i) * 2654435761u + 12345u;
        s ^= s >> 13;
        s *= 1664525u;
        return T::from_float(static_cast<double>(static_cast<std::int32_t>(s)) / 2147483648.0 * 0.9);
    };
    const auto lp64 = nerve::filter::firwin_lowpass<64>(0.2);
    run(std::integral_constant<std::size_t, 64>{}, [&](std::size_t k) { return nerve::from_double<T>(lp64[k]); }, noise);
    const auto lp32 = nerve::filter::firwin_lowpass<32>(0.3);
    run(std::integral_constant<std::size_t, 32>{}, [&](std::size_t k) { return nerve::from_double<T>(lp32[k]); }, noise);
    // Taps at full scale and full-scale bursts: partial sums far beyond int32 (q15: 64 * 2^30)
    // and saturated outputs in some blocks, plain ones in others.
    run(std::integral_constant<std::size_t, 64>{}, [](std::size_t k) { return (k % 3) ? T::max() : T::from_float(-0.5); },
        [&](std::size_t i) { return (i >= 300 && i < 420) ? ((i / 5) % 2 ? T::max() : T::min()) : noise(i); });
}

TEST_CASE("fir: block kernels with bad input and in place (32 taps)", "[fir][bad-input]") {
    // 32 taps take the Cortex-M4F 8-output kernel in process(); a NaN inside a long block
    // sends the block through the per-sample path (held input, counted).
    std::array<float, 32> h{};
    for (std::size_t k = 0; k < 32; ++k) h[k] = static_cast<float>(std::cos(0.2 * static_cast<double>(k))) / 16;
    fir<float, 32> a(h), b(h), ref(h);
    static std::array<float, 600> in, held, out, inplace;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = held[i] = static_cast<float>(std::sin(0.05 * static_cast<double>(i)));
    in[450] = std::numeric_limits<float>::quiet_NaN();
    held[450] = held[449];
    double sum_abs_h = 0;
    for (float v : h) sum_abs_h += std::fabs(v);
    inplace = in;
    NERVE_REQUIRE_NO_ALLOC(a.process(std::span<const float>(in.data(), 300), std::span<float>(out.data(), 300)));
    NERVE_REQUIRE_NO_ALLOC(a.process(std::span<const float>(in.data() + 300, 300), std::span<float>(out.data() + 300, 300)));
    b.process(std::span<const float>(inplace), std::span<float>(inplace));
    REQUIRE(a.rejected() == 1u);
    REQUIRE(b.rejected() == 1u);
    for (std::size_t i = 0; i < in.size(); ++i) {
        const float r = ref(held[i]);
        REQUIRE(std::fabs(out[i] - r) <= 32 * 6e-8 * sum_abs_h);
        REQUIRE(std::fabs(inplace[i] - r) <= 32 * 6e-8 * sum_abs_h);
    }
}
