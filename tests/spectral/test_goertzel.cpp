#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <limits>
#include <span>

#include "golden/spectral_goertzel.hpp"
#include "golden/spectral_signal.hpp"
#include "golden_compare.hpp"
#include "nerve/core/fixed_point.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/goertzel.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gg = nerve::golden::spectral_goertzel;
namespace gs = nerve::golden::spectral_signal;
using nerve::test::rel_error;

static_assert(nerve::general_operator<sp::goertzel<64, 3>>);
static_assert(std::is_same_v<sp::goertzel<64, 3>::output_type, std::span<const sp::tone<float>, 3>>);
static_assert(std::is_same_v<sp::goertzel<64, 3, nerve::q15>::value_type, float>);

// Construction is constant-evaluated: a constinit operator costs nothing at start-up.
constinit sp::goertzel<256, 2> g_constinit{{50.0, 123.4}, nerve::sample_rate{1000.0}, nerve::window::hann};

namespace {
constexpr double two_pi = 6.283185307179586476925286766559;
constexpr std::size_t K = 11;  // gg::count
// goertzel.hpp's documented float bound: |X - X_ref| <= bound sum_n |w[n] x[n]| (N <= 16384).
constexpr double bound = 1.5e-6;

std::array<double, K> hz_of(const double* hz) {
    std::array<double, K> a{};
    for (std::size_t k = 0; k < K; ++k) a[k] = hz[k];
    return a;
}

// max_k |X_k - ref_k| / sum|w x|: the error measure the header's bound is stated in.
template <class R, std::size_t Kn>
double worst_error(std::span<const sp::tone<R>, Kn> t, const double* re, const double* im, double l1) {
    double e = 0.0;
    for (std::size_t k = 0; k < Kn; ++k)
        e = std::fmax(e, std::hypot(static_cast<double>(t[k].value.real()) - re[k],
                                    static_cast<double>(t[k].value.imag()) - im[k]) / l1);
    return e;
}

// The reference DTFT in double, phase reduced in cycles (for the small odd-N cases).
template <class Sample>
std::complex<double> dtft(const Sample* x, const double* w, std::size_t n, double cycles_per_sample) {
    std::complex<double> acc{};
    for (std::size_t i = 0; i < n; ++i) {
        double ph = cycles_per_sample * static_cast<double>(i);
        ph -= std::floor(ph);
        acc += static_cast<double>(x[i]) * w[i] * std::polar(1.0, -two_pi * ph);
    }
    return acc;
}

// Golden comparison of one frame size: float within the header's bound, power alike, double far tighter.
template <std::size_t N>
void check_golden(const double* hz, const double* re, const double* im, const double* pw, double l1) {
    INFO("N = " << N);
    static sp::goertzel<N, K> op{hz_of(hz), nerve::sample_rate{gg::fs}, nerve::window::hann};
    static sp::goertzel<N, K, double> opd{hz_of(hz), nerve::sample_rate{gg::fs}, nerve::window::hann};
    static double xd[N];
    for (std::size_t n = 0; n < N; ++n) xd[n] = gs::x[n];
    int emitted = 0;
    NERVE_REQUIRE_NO_ALLOC(op.push(std::span<const float, N>{gs::x, N}, [&](std::span<const sp::tone<float>, K>) { ++emitted; }));
    REQUIRE(emitted == 1);
    REQUIRE(opd.compute(std::span<const double, N>{xd}));
    // The bound documented in goertzel.hpp (this frame, measured on x86-64: <= 1.7e-7).
    CHECK(worst_error<float, K>(op.result(), re, im, l1) <= bound);
    CHECK(worst_error<double, K>(opd.result(), re, im, l1) <= 1e-13);
    // Per frequency (low, tones, mid, high): each within the bound; power consistent with it:
    // |P - P_ref| <= 2 (|X| + dX) dX c / (sum w)^2 with dX = bound l1.
    const double wsum = static_cast<double>(N) / 2.0;  // periodic Hann
    for (std::size_t k = 0; k < K; ++k) {
        INFO("f = " << hz[k] << " Hz");
        const auto t = op.result()[k];
        CHECK(std::hypot(t.value.real() - re[k], t.value.imag() - im[k]) <= bound * l1);
        const double dp = 2.0 * 2.0 * (std::hypot(re[k], im[k]) + bound * l1) * bound * l1 / (wsum * wsum);
        CHECK(std::fabs(t.power - pw[k]) <= dp + 1e-6 * pw[k]);
        CHECK(rel_error(opd.result()[k].power, pw[k]) <= 1e-10);
    }
}
}  // namespace

TEST_CASE("goertzel: Hann frames of 256, 1024, 4096 match the float64 DTFT near DC, mid band and near Nyquist",
          "[spectral][goertzel]") {
    check_golden<256>(gg::hann_256_hz, gg::hann_256_re, gg::hann_256_im, gg::hann_256_power, gg::hann_256_l1);
    check_golden<1024>(gg::hann_1024_hz, gg::hann_1024_re, gg::hann_1024_im, gg::hann_1024_power, gg::hann_1024_l1);
    check_golden<4096>(gg::hann_4096_hz, gg::hann_4096_re, gg::hann_4096_im, gg::hann_4096_power, gg::hann_4096_l1);
}

namespace {
// The worst case of the bound: a unit tone exactly at the analysed frequency (the recurrence's state
// is then largest), plus DC and noise; reference: the DTFT of the same float frame in double.
template <std::size_t N>
void check_sweep() {
    INFO("N = " << N);
    const double b = 1.0 / static_cast<double>(N);  // one bin, in cycles per sample
    const std::array<double, 24> r{
        0.0, 0.37 * b, 1.5 * b, 3.3 * b, 0.01, 0.05, 0.09, 0.12,                      // low
        0.13, 0.17, 0.2, 0.25, 0.2501, 0.29, 0.33, 0.37,                              // mid
        0.38, 0.42, 0.45, 0.49, 0.5 - 3.3 * b, 0.5 - 1.5 * b, 0.5 - 0.37 * b, 0.5};   // high
    static float x[N];
    static double noise[N];
    std::uint32_t seed = 12345;
    for (std::size_t n = 0; n < N; ++n) {
        seed = seed * 1664525u + 1013904223u;
        noise[n] = 0.4 * (static_cast<double>(seed >> 8) / 16777216.0 - 0.5);
    }
    static const nerve::window::table<float, N> wf{nerve::window::hann};
    double worst[3] = {0, 0, 0};
    for (std::size_t i = 0; i < r.size(); ++i) {
        for (std::size_t n = 0; n < N; ++n)
            x[n] = static_cast<float>(0.3 + std::cos(two_pi * r[i] * static_cast<double>(n) + 0.3) + noise[n]);
        sp::goertzel<N, 1> g{{r[i]}, nerve::sample_rate{1.0}, nerve::window::hann};
        REQUIRE(g.compute(std::span<const float, N>{x}));
        // Reference: a double phasor (rounding ~N 1e-16, far below the float error), window as applied.
        const std::complex<double> z = std::polar(1.0, -two_pi * r[i]);
        std::complex<double> p{1.0, 0.0}, ref{};
        double l1 = 0;
        for (std::size_t n = 0; n < N; ++n) {
            const double xw = static_cast<double>(x[n]) * static_cast<double>(wf[n]);
            ref += xw * p;
            p *= z;
            l1 += std::fabs(xw);
        }
        const double e = std::abs(std::complex<double>(g.result()[0].value) - ref) / l1;
        worst[i / 8] = std::fmax(worst[i / 8], e);
    }
    INFO("worst error / sum|w x|: low " << worst[0] << ", mid " << worst[1] << ", high " << worst[2]);
    // The bound documented in goertzel.hpp (measured on x86-64: 3e-7 .. 8.8e-7).
    CHECK(worst[0] <= bound);
    CHECK(worst[1] <= bound);
    CHECK(worst[2] <= bound);
}
}  // namespace

TEST_CASE("goertzel: the stated float error bound holds for a tone at the analysed frequency, all regions",
          "[spectral][goertzel]") {
    check_sweep<256>();
    check_sweep<1024>();
    check_sweep<4096>();
}

TEST_CASE("goertzel: rectangular window with the mean removed matches numpy", "[spectral][goertzel]") {
    static sp::goertzel<1024, K> op{hz_of(gg::rect_detrended_1024_hz), nerve::sample_rate{gg::fs},
                                    nerve::window::rectangular, sp::detrend::constant};
    REQUIRE(op.compute(std::span<const float, 1024>{gs::x, 1024}));
    CHECK(worst_error<float, K>(op.result(), gg::rect_detrended_1024_re, gg::rect_detrended_1024_im,
                                gg::rect_detrended_1024_l1) <= bound);
    // The mean is gone: DC reads (almost) nothing, where the frame's own mean is 0.3.
    CHECK(std::abs(op.result()[0].value) <= bound * gg::rect_detrended_1024_l1);
}

TEST_CASE("goertzel: on a bin it is nerve's rfft bin", "[spectral][goertzel]") {
    constexpr std::size_t N = 1024;
    constexpr std::array<double, 9> bins{0, 1, 2, 37, 51, 255, 256, 511, 512};
    std::array<double, 9> hz{};
    for (std::size_t i = 0; i < bins.size(); ++i) hz[i] = bins[i] * gg::fs / N;
    static sp::goertzel<N, 9> g{hz, nerve::sample_rate{gg::fs}, nerve::window::hann};
    static sp::rfft<N> f{nerve::window::hann, nerve::sample_rate{gg::fs}};
    const std::span<const float, N> frame{gs::x, N};
    REQUIRE(g.compute(frame));
    REQUIRE(f.transform(frame));
    const auto v = f.view();
    for (std::size_t i = 0; i < bins.size(); ++i) {
        const auto k = static_cast<std::size_t>(bins[i]);
        INFO("bin " << k);
        const auto t = g.result()[i];
        // Both near the truth (goertzel: within the bound; rfft: its norm-wise 1e-7 of the peak).
        CHECK(std::abs(std::complex<double>(t.value) - std::complex<double>(v.bins[k])) <= bound * gg::hann_1024_l1);
        // Same calibration: c = 1 at DC and Nyquist, 2 between.
        CHECK(std::fabs(t.power - v.values[k]) <= 1e-5 * v.values[k] + 1e-9);
    }
    // A bin with a tone: the relative agreement is tight.
    CHECK(rel_error(g.result()[4].power, v.values[51]) <= 1e-5);
}

TEST_CASE("goertzel: a sine at the target frequency reads A^2/2 under every window", "[spectral][goertzel]") {
    constexpr std::size_t N = 1024;
    constexpr double fs = 1000.0, A = 2.0, phi = 0.4;
    // On a bin (37) and between bins (91.3, 300.71 bins); DC and Nyquist read their mean square.
    const std::array<double, 3> hz{37.0 * fs / N, 91.3 * fs / N, 300.71 * fs / N};
    static float x[3][N];
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t n = 0; n < N; ++n)
            x[i][n] = static_cast<float>(A * std::cos(two_pi * hz[i] / fs * static_cast<double>(n) + phi));
    for (const auto w : {nerve::window::rectangular, nerve::window::hann, nerve::window::blackman_harris,
                         nerve::window::flat_top, nerve::window::kaiser(6)}) {
        INFO("window family " << static_cast<int>(w.kind));
        sp::goertzel<N, 3> g{hz, nerve::sample_rate{fs}, w};
        // On a bin, a periodic cosine-sum window's transform is exactly zero at the image 2f: A^2/2 to
        // rounding, phase phi. Kaiser's is not (its sidelobes at 74 bins: ~1.4e-5), as rfft's reading.
        const double tol0 = w.kind == nerve::window::family::kaiser ? 1e-4 : 1e-5;
        REQUIRE(g.compute(std::span<const float, N>{x[0]}));
        CHECK(std::fabs(g.result()[0].power - A * A / 2) <= tol0);
        CHECK(std::fabs(std::arg(g.result()[0].value) - phi) <= tol0);
        CHECK(std::fabs(2.0 * std::abs(g.result()[0].value) / g.window_table().sum() - A) <= tol0);
        sp::rfft<N> f{w, nerve::sample_rate{fs}};
        REQUIRE(f.transform(std::span<const float, N>{x[0]}));
        CHECK(rel_error(g.result()[0].power, f.view().values[37]) <= 1e-5);
        // Off a bin: A^2/2 up to the image's leakage |W(2f)/W(0)|, < 2e-3 for the rectangular window
        // at 182.6 bins and far less for the others.
        for (std::size_t i = 1; i < 3; ++i) {
            REQUIRE(g.compute(std::span<const float, N>{x[i]}));
            const double tol = w == nerve::window::rectangular ? 4e-3 : 1e-4;
            CHECK(std::fabs(g.result()[i].power - A * A / 2) <= tol * A * A / 2);
        }
    }
    // DC: a constant c reads c^2; Nyquist: c (-1)^n reads c^2 (c = 1 there, not 2).
    static float dc[N], ny[N];
    for (std::size_t n = 0; n < N; ++n) { dc[n] = 0.75f; ny[n] = (n % 2 ? -0.75f : 0.75f); }
    sp::goertzel<N, 2> e{{0.0, fs / 2}, nerve::sample_rate{fs}, nerve::window::hann};
    REQUIRE(e.compute(std::span<const float, N>{dc}));
    CHECK(std::fabs(e.result()[0].power - 0.5625) <= 1e-6);
    CHECK(e.result()[1].power <= 1e-12);
    REQUIRE(e.compute(std::span<const float, N>{ny}));
    CHECK(std::fabs(e.result()[1].power - 0.5625) <= 1e-6);
    CHECK(e.result()[0].power <= 1e-12);
}

TEST_CASE("goertzel: odd and short frames, K not a multiple of 4, frequencies beyond [0, fs/2]",
          "[spectral][goertzel]") {
    // N = 100: one full 64-sample block and an even tail; N = 37: one odd block; N = 161: an odd tail.
    auto run = [](auto n_const) {
        constexpr std::size_t N = decltype(n_const)::value;
        INFO("N = " << N);
        static float x[N];
        static double w[N];
        const nerve::window::table<float, N> tab{nerve::window::hann};
        double l1 = 0;
        for (std::size_t n = 0; n < N; ++n) {
            x[n] = static_cast<float>(std::sin(0.71 * static_cast<double>(n)) + 0.2 * std::cos(2.9 * static_cast<double>(n)) + 0.1);
            w[n] = static_cast<double>(tab[n]);
            l1 += std::fabs(x[n] * w[n]);
        }
        // fs = 1: cycles per sample. 0.7 and -0.3 are 0.7 - 1 and -0.3 (aliases), 1.25 = 0.25 + 1.
        constexpr std::array<double, 6> f{0.013, 0.11, 0.3, 0.47, 0.7, -0.3};
        sp::goertzel<N, 6> g{f, nerve::sample_rate{1.0}, nerve::window::hann};
        REQUIRE(g.compute(std::span<const float, N>{x}));
        for (std::size_t k = 0; k < f.size(); ++k) {
            INFO("f = " << f[k]);
            const auto ref = dtft(x, w, N, f[k]);
            CHECK(std::abs(std::complex<double>(g.result()[k].value) - ref) <= bound * l1);
        }
        // X(-f) = conj X(f); X(0.7) = X(-0.3) = conj X(0.3).
        CHECK(std::abs(g.result()[5].value - std::conj(g.result()[2].value)) <= 2 * bound * l1);
        CHECK(std::abs(g.result()[4].value - g.result()[5].value) <= 2 * bound * l1);
    };
    run(std::integral_constant<std::size_t, 100>{});
    run(std::integral_constant<std::size_t, 37>{});
    run(std::integral_constant<std::size_t, 161>{});
}

TEST_CASE("goertzel: NaN or Inf frames are rejected and counted, nothing emitted, state unharmed",
          "[spectral][goertzel][bad-input]") {
    constexpr std::size_t N = 256;
    static float x[N];
    for (std::size_t n = 0; n < N; ++n) x[n] = gs::x[n];
    for (const auto d : {sp::detrend::none, sp::detrend::constant}) {
        INFO("detrend " << static_cast<int>(d));
        sp::goertzel<N, 5> g{{0.0, 50.0, 123.4, 250.0, 500.0}, nerve::sample_rate{gg::fs}, nerve::window::hann, d};
        int emitted = 0;
        auto count = [&](std::span<const sp::tone<float>, 5>) { ++emitted; };
        g.push(std::span<const float, N>{x}, count);
        REQUIRE(emitted == 1);
        std::array<sp::tone<float>, 5> good{};
        for (std::size_t k = 0; k < 5; ++k) good[k] = g.result()[k];
        std::uint64_t bad = 0;
        // Position 0 is where the Hann window is 0 (NaN * 0 and Inf * 0 are NaN: still caught).
        for (const std::size_t at : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{200}, N - 1}) {
            for (const float v : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                                  -std::numeric_limits<float>::infinity()}) {
                const float keep = x[at];
                x[at] = v;
                NERVE_REQUIRE_NO_ALLOC(g.push(std::span<const float, N>{x}, count));
                ++bad;
                x[at] = keep;
            }
        }
        // Finite values that overflow the recurrence (or the mean) are rejected too.
        const float k0 = x[10], k1 = x[11];
        x[10] = x[11] = 3.0e38f;
        g.push(std::span<const float, N>{x}, count);
        ++bad;
        x[10] = k0;
        x[11] = k1;
        CHECK(emitted == 1);
        CHECK(g.rejected() == bad);
        CHECK(g.frames() == 1);
        // The last good result stays, and the next good frame comes out bit for bit as the first.
        for (std::size_t k = 0; k < 5; ++k) CHECK(g.result()[k].value == good[k].value);
        g.push(std::span<const float, N>{x}, count);
        CHECK(emitted == 2);
        for (std::size_t k = 0; k < 5; ++k) {
            CHECK(g.result()[k].value == good[k].value);
            CHECK(g.result()[k].power == good[k].power);
        }
        g.reset();
        CHECK(g.frames() == 0);
        CHECK(g.rejected() == 0);
        CHECK(g.result()[1].power == 0.0f);
        CHECK(g.result()[1].value == std::complex<float>{});
        // After reset the same frame gives the same result again (nothing carried between frames).
        REQUIRE(g.compute(std::span<const float, N>{x}));
        for (std::size_t k = 0; k < 5; ++k) CHECK(g.result()[k].value == good[k].value);
    }
}

namespace {
// Fixed-point frames against double frames holding the same values.
template <sp::detrend D>
void check_fixed() {
    INFO("detrend " << static_cast<int>(D));
    constexpr std::size_t N = 1024;
    static nerve::q15 q[N];
    static nerve::q31 q31[N];
    static double xq[N], x31[N];
    for (std::size_t n = 0; n < N; ++n) {
        // The test signal scaled into [-1, 1).
        q[n] = nerve::q15::from_float(0.25 * gs::x[n]);
        q31[n] = nerve::q31::from_float(0.25 * gs::x[n]);
        xq[n] = q[n].to_double();
        x31[n] = q31[n].to_double();
    }
    constexpr std::array<double, 5> hz{0.0, 1.5 * gg::fs / N, 50.0, 333.3, 499.0};
    static sp::goertzel<N, 5, nerve::q15> gq{hz, nerve::sample_rate{gg::fs}, nerve::window::hann, D};
    static sp::goertzel<N, 5, nerve::q31> g31{hz, nerve::sample_rate{gg::fs}, nerve::window::hann, D};
    static sp::goertzel<N, 5, double> rq{hz, nerve::sample_rate{gg::fs}, nerve::window::hann, D};
    static sp::goertzel<N, 5, double> r31{hz, nerve::sample_rate{gg::fs}, nerve::window::hann, D};
    NERVE_REQUIRE_NO_ALLOC(REQUIRE(gq.compute(std::span<const nerve::q15, N>{q})));
    REQUIRE(g31.compute(std::span<const nerve::q31, N>{q31}));
    REQUIRE(rq.compute(std::span<const double, N>{xq}));
    REQUIRE(r31.compute(std::span<const double, N>{x31}));
    const double l1 = 0.25 * gg::hann_1024_l1;  // about: the scaled frame's sum |w x|
    for (std::size_t k = 0; k < 5; ++k) {
        INFO("f = " << hz[k]);
        // Same values, in real units: within the float bound of the double result.
        CHECK(std::abs(std::complex<double>(gq.result()[k].value) - rq.result()[k].value) <= bound * l1);
        CHECK(std::abs(std::complex<double>(g31.result()[k].value) - r31.result()[k].value) <= bound * l1);
        CHECK(std::fabs(gq.result()[k].power - rq.result()[k].power) <= 1e-5 * rq.result()[k].power + 1e-10);
    }
    // 50 Hz: the scaled tone (amplitude 0.25) reads about 0.25^2 / 2 (noise and 123.4 Hz leak a little).
    CHECK(std::fabs(gq.result()[2].power - 0.03125) <= 0.03125 * 0.05);
}
}  // namespace

TEST_CASE("goertzel: q15, q31 and double frames", "[spectral][goertzel]") {
    check_fixed<sp::detrend::none>();
    check_fixed<sp::detrend::constant>();
}

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/core/snapshot.hpp"

TEST_CASE("goertzel: framer | goertzel pipeline, and constinit construction", "[spectral][goertzel]") {
    static auto p = nerve::framer<256, 128>{} | sp::goertzel<256, 2>{{50.0, 123.4}, nerve::sample_rate{1000.0}, nerve::window::hann};
    int frames = 0;
    static sp::tone<float> first[2];
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < 1024; ++i) p.push(gs::x[i], [&](std::span<const sp::tone<float>, 2> t) {
        if (frames++ == 0) { first[0] = t[0]; first[1] = t[1]; }
    }));
    CHECK(frames == 7);
    // The first frame is x[0..255]: the constinit operator (the same configuration) agrees exactly.
    REQUIRE(g_constinit.compute(std::span<const float, 256>{gs::x, 256}));
    CHECK(g_constinit.result()[0].value == first[0].value);
    CHECK(g_constinit.result()[1].power == first[1].power);
    // And both are the golden 50 Hz and 123.4 Hz values (indices 4 and 5).
    CHECK(std::hypot(first[0].value.real() - gg::hann_256_re[4], first[0].value.imag() - gg::hann_256_im[4]) <= bound * gg::hann_256_l1);
    CHECK(std::hypot(first[1].value.real() - gg::hann_256_re[5], first[1].value.imag() - gg::hann_256_im[5]) <= bound * gg::hann_256_l1);
}

TEST_CASE("goertzel: snapshot and restore keep the counters; a corrupt snapshot is refused", "[spectral][goertzel]") {
    constexpr std::size_t N = 128;
    static float x[N];
    for (std::size_t n = 0; n < N; ++n) x[n] = gs::x[n];
    sp::goertzel<N, 2> a{{50.0, 100.0}, nerve::sample_rate{1000.0}}, b{{50.0, 100.0}, nerve::sample_rate{1000.0}};
    auto ignore = [](const auto&) {};
    a.push(std::span<const float, N>{x}, ignore);
    a.push(std::span<const float, N>{x}, ignore);
    x[3] = std::numeric_limits<float>::quiet_NaN();
    a.push(std::span<const float, N>{x}, ignore);
    x[3] = gs::x[3];
    static std::byte buf[256];
    const auto n = nerve::snapshot(a, std::span<std::byte>{buf});
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    CHECK(b.frames() == 2);
    CHECK(b.rejected() == 1);
    buf[n.value() / 2] ^= std::byte{0x5a};
    b.reset();
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    CHECK(b.frames() == 0);
}
