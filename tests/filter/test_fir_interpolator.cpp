#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "golden/fir_filters.hpp"
#include "golden/interp_fixed.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/filter/fir_interpolator.hpp"

namespace g = golden::fir_filters;
using nerve::filter::fir_interpolator;

static_assert(nerve::general_operator<fir_interpolator<float, 48, 4>>);

namespace {
std::array<double, 48> taps48() {
    std::array<double, 48> h{};
    for (std::size_t i = 0; i < 48; ++i) h[i] = g::interp4_taps[i];
    return h;
}
double max_abs(const double* v, std::size_t n) {
    double m = 0;
    for (std::size_t i = 0; i < n; ++i) m = std::fmax(m, std::fabs(v[i]));
    return m;
}
}  // namespace

TEMPLATE_TEST_CASE("fir_interpolator: golden upfirdn(h, x, 4, 1)", "[fir_interpolator][golden]", float, double) {
    using T = TestType;
    constexpr std::size_t n_out = 4 * g::n;
    const double tol = (std::is_same_v<T, float> ? 1e-5 : 1e-12) * max_abs(g::upfirdn_up4, n_out);
    static std::array<T, g::n> in;
    static std::array<T, n_out> out;
    for (std::size_t i = 0; i < g::n; ++i) in[i] = static_cast<T>(g::input[i]);
    fir_interpolator<T, 48, 4> f(taps48());
    std::size_t w = 0;
    NERVE_REQUIRE_NO_ALLOC(w = f.process(std::span<const T>(in.data(), 500), std::span<T>(out)));
    REQUIRE(w == 2000u);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 500; i < g::n; ++i) f.push(in[i], [&](const T& y) { out[w++] = y; }));
    REQUIRE(w == n_out);
    for (std::size_t k = 0; k < n_out; ++k) REQUIRE(std::fabs(out[k] - g::upfirdn_up4[k]) <= tol);
}

TEMPLATE_TEST_CASE("fir_interpolator: fixed point is the exactly rounded sum of taps given in the format",
                   "[fir_interpolator][fixed]", nerve::q15, nerve::q31) {
    // Taps given as q15/q31 are used exactly (no halving): the output is the exact sum rounded
    // once (q31: plus the guard-bit truncation, far below 1/2 LSB).
    using T = TestType;
    const double lsb = std::is_same_v<T, nerve::q15> ? 1.0 / 32768 : 1.0 / 2147483648.0;
    const double bound = std::is_same_v<T, nerve::q15> ? 0.5 * lsb : 0.5 * lsb + 1e-3 * lsb;
    const auto hd = taps48();
    std::array<T, 48> hq{};
    for (std::size_t i = 0; i < 48; ++i) hq[i] = nerve::from_double<T>(0.5 * hd[i]);
    fir_interpolator<T, 48, 4> f(hq);
    static std::array<T, 300> in;
    static std::array<T, 1200> out;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = nerve::from_double<T>(g::input[i]);
    REQUIRE(f.process(std::span<const T>(in), std::span<T>(out)) == 1200u);
    for (std::size_t m = 0; m < out.size(); ++m) {
        double exact = 0;
        for (std::size_t j = m % 4; j < 48 && j <= m; j += 4) exact += nerve::to_double(hq[j]) * nerve::to_double(in[(m - j) / 4]);
        REQUIRE(std::fabs(nerve::to_double(out[m]) - exact) <= bound);
    }
    fir_interpolator<T, 48, 4> d;
    T y{};
    for (int i = 0; i < 40; ++i) d.push(nerve::from_double<T>(0.5), [&](const T& v) { y = v; });
    REQUIRE(nerve::to_double(y) == Approx(0.5).margin(1e-3));
}

TEST_CASE("fir_interpolator: q15/q31 taps of a gain-L design within 1/2 LSB; golden integer upfirdn",
          "[fir_interpolator][fixed][golden]") {
    // firwin(48, 1/4) * 4 has taps up to 0.976; the engine keeps them to the format's LSB with one
    // integer bit of headroom (no halving). Golden: tools/gen_golden_interp.py, exact integer
    // polyphase sums of the same rounded taps, rounded and saturated (the first half of the input
    // is a full-scale square wave, so 70 outputs saturate).
    namespace gi = golden::interp_fixed;
    std::array<double, 48> h{};
    for (std::size_t i = 0; i < 48; ++i) h[i] = gi::interp4_taps[i];
    nerve::filter::detail::polyphase_fir<nerve::q15, 48, 4, 1> p15(h);
    nerve::filter::detail::polyphase_fir<nerve::q31, 48, 4, 1> p31(h);
    for (std::size_t k = 0; k < 48; ++k) {
        REQUIRE(p15.tap(k % 4, k / 4) == gi::interp4_taps_q15[k]);
        REQUIRE(p31.tap(k % 4, k / 4) == gi::interp4_taps_q31[k]);
        REQUIRE(std::fabs(double(p15.tap(k % 4, k / 4)) / 32768.0 - h[k]) <= 0.5 / 32768.0);
        REQUIRE(std::fabs(double(p31.tap(k % 4, k / 4)) / 2147483648.0 - h[k]) <= 0.5 / 2147483648.0);
    }
    static std::array<nerve::q15, gi::n> in15;
    static std::array<nerve::q31, gi::n> in31;
    static std::array<nerve::q15, 4 * gi::n> out15;
    static std::array<nerve::q31, 4 * gi::n> out31;
    for (std::size_t i = 0; i < gi::n; ++i) {
        in15[i] = nerve::q15::from_raw(gi::input_q15[i]);
        in31[i] = nerve::q31::from_raw(gi::input_q31[i]);
        REQUIRE(in15[i] == nerve::from_double<nerve::q15>(gi::input[i]));
        REQUIRE(in31[i] == nerve::from_double<nerve::q31>(gi::input[i]));
    }
    fir_interpolator<nerve::q15, 48, 4> f15(h);
    fir_interpolator<nerve::q31, 48, 4> f31(h);
    std::size_t w15 = 0, w31 = 0;
    NERVE_REQUIRE_NO_ALLOC(w15 = f15.process(std::span<const nerve::q15>(in15.data(), 250), std::span<nerve::q15>(out15)));
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 250; i < gi::n; ++i) f15.push(in15[i], [&](nerve::q15 y) { out15[w15++] = y; }));
    NERVE_REQUIRE_NO_ALLOC(w31 = f31.process(std::span<const nerve::q31>(in31), std::span<nerve::q31>(out31)));
    REQUIRE(w15 == 4u * gi::n);
    REQUIRE(w31 == 4u * gi::n);
    std::size_t exact31 = 0;
    for (std::size_t k = 0; k < w15; ++k) {
        INFO("output " << k);
        REQUIRE(out15[k].raw == gi::interp4_q15[k]);  // bit-exact: one rounding of the exact sum
        // These taps are < 1 with per-phase L1 norms <= 1.84 < 2: the q31 engine sums exactly
        // (poly_dot_q31_exact), so q31 is bit-exact too.
        REQUIRE(out31[k].raw == gi::interp4_q31[k]);
        exact31 += out31[k].raw == gi::interp4_q31[k];
    }
    REQUIRE(exact31 == w31);
}

TEST_CASE("fir_interpolator: NaN input is replaced by the last good sample", "[fir_interpolator][bad-input]") {
    fir_interpolator<float, 16, 2> f;
    bool all_finite = true;
    for (int i = 0; i < 50; ++i) {
        const float x = (i == 20) ? std::numeric_limits<float>::quiet_NaN() : 0.25f;
        f.push(x, [&](float y) { all_finite = all_finite && std::isfinite(y); });
    }
    REQUIRE(all_finite);
    REQUIRE(f.rejected() == 1u);
}

TEST_CASE("fir_interpolator: block process() agrees with push() over mixed block sizes", "[fir_interpolator]") {
    // With SIMD the block path filters the zero-stuffed input with the FIR kernel: the same
    // sums in another order (the stuffed zeros add exactly). Bound: a few float ulp of
    // sum |h| max |x|. Blocks shorter than the sub-filter and NaN blocks go through push().
    auto run = [](auto op, auto ref) {
        static std::array<float, 1500> in;
        static std::array<float, 4 * 1500> out, expect;
        for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(std::sin(0.013 * double(i)) + 0.3 * std::cos(0.41 * double(i)));
        in[900] = std::numeric_limits<float>::quiet_NaN();
        constexpr std::size_t Lf = decltype(op)::factor;
        std::size_t w = 0;
        for (float x : in) ref.push(x, [&](float y) { expect[w++] = y; });
        std::size_t i = 0, o = 0;
        for (std::size_t len : {3u, 200u, 1u, 7u, 389u, 500u, 400u}) {
            NERVE_REQUIRE_NO_ALLOC(o += op.process(std::span<const float>(in.data() + i, len), std::span<float>(out.data() + o, Lf * len)));
            i += len;
        }
        REQUIRE(i == in.size());
        REQUIRE(o == w);
        REQUIRE(op.rejected() == 1u);
        for (std::size_t k = 0; k < w; ++k) {
            INFO("output " << k);
            REQUIRE(std::fabs(out[k] - expect[k]) <= 1e-5);
        }
    };
    run(fir_interpolator<float, 64, 4>{}, fir_interpolator<float, 64, 4>{});
    run(fir_interpolator<float, 48, 4>{}, fir_interpolator<float, 48, 4>{});
    run(fir_interpolator<float, 15, 2>{}, fir_interpolator<float, 15, 2>{});
}

TEST_CASE("polyphase q31: long sub-filters (K > 32, the plain-loop path) are the exactly rounded sums",
          "[fir_interpolator][fixed]") {
    // K = 100 taps per phase: past the unrolled Cortex-M4 kernel (detail::q31_pair_sums), so the
    // plain loops run on every target. Taps of a gain-2 design (centre tap ~1: split storage).
    constexpr std::size_t len = 200, up = 2, K = len / up;
    const auto h = nerve::filter::firwin_lowpass<len>(0.5, nerve::filter::fir_window::hamming(), 2.0);
    nerve::filter::detail::polyphase_fir<nerve::q31, len, up, 1> p(h);
    static std::array<nerve::q31, 300> x;
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = nerve::q31::from_raw(static_cast<std::int32_t>((i * 2654435761u) ^ 0x5bd1e995u));
    static std::array<nerve::q31, 600> y;
    std::size_t n = 0;
    for (const auto& v : x) p.push(v, [&](nerve::q31 o) { y[n++] = o; });
    REQUIRE(n == 600u);
    for (std::size_t m = 0; m < n; ++m) {
        // y[m] = sum_i tap(m % up, i) x[m / up - i], exact: sum(p >> 32) 2^32 + sum(p mod 2^32)
        std::int64_t high = 0;
        std::uint64_t low = std::uint64_t{1} << 30;
        for (std::size_t i = 0; i < K && i <= m / up; ++i) {
            const std::int64_t prod = p.tap(m % up, i) * std::int64_t{x[m / up - i].raw};
            high += prod >> 32;
            low += static_cast<std::uint64_t>(prod) & 0xffffffffu;
        }
        high += static_cast<std::int64_t>(low >> 32);
        const std::int64_t acc = 2 * high + static_cast<std::int64_t>((low & 0xffffffffu) >> 31);
        const std::int64_t sat = acc > 0x7fffffff ? 0x7fffffff : (acc < -0x80000000LL ? -0x80000000LL : acc);
        INFO("output " << m);
        REQUIRE(y[m].raw == sat);
    }
}

TEST_CASE("fir_interpolator q31: the block path (three inputs per pass) equals push() bit for bit", "[fir_interpolator][fixed]") {
    // Block lengths around K = 12 taps per phase: shorter than a window (push only), exactly K + 1,
    // and remainders of 0, 1 and 2 inputs after the groups of three; state carried across blocks.
    // The default design (every phase exact), then taps whose phases sum each way: phase 0
    // exact (L1 0.6), 1 split (L1 3.0 > 2), 2 guard (L1 5.4 > 4), 3 exact.
    std::array<double, 48> mixed{};
    for (std::size_t j = 0; j < 48; ++j)
        mixed[j] = (j % 3 == 1 ? -1.0 : 1.0) * (j % 4 == 0 ? 0.05 : j % 4 == 1 ? 0.25 : j % 4 == 2 ? 0.45 : 0.1);
    const fir_interpolator<nerve::q31, 48, 4> mixed_op(mixed);
    for (const bool default_design : {true, false}) {
        INFO("default design " << default_design);
        fir_interpolator<nerve::q31, 48, 4> a, r;
        if (!default_design) a = r = mixed_op;
        static std::array<nerve::q31, 400> x;
        std::uint32_t s = 7;
        for (auto& v : x) {
            s = s * 1664525u + 1013904223u;
            v = nerve::q31::from_raw(static_cast<std::int32_t>(s));
        }
        static std::array<nerve::q31, 1600> y, yr;
        std::size_t i = 0, w = 0;
        for (std::size_t len : {1u, 11u, 12u, 13u, 14u, 15u, 16u, 100u, 3u, 215u}) {
            NERVE_REQUIRE_NO_ALLOC(w += a.process(std::span<const nerve::q31>(x.data() + i, len),
                                                  std::span<nerve::q31>(y.data() + w, y.size() - w)));
            i += len;
        }
        REQUIRE(i == x.size());
        REQUIRE(w == 4 * x.size());
        std::size_t k = 0;
        for (const auto& v : x) r.push(v, [&](nerve::q31 o) { yr[k++] = o; });
        for (std::size_t m = 0; m < w; ++m) {
            INFO("output " << m);
            REQUIRE(y[m].raw == yr[m].raw);
        }
    }
}

TEMPLATE_TEST_CASE("fir_interpolator: an output block overlapping the input is refused, state unchanged",
                   "[fir_interpolator][bad-input]", float, nerve::q15, nerve::q31) {
    // An interpolator writes L outputs per input, ahead of the inputs not yet read: in place it
    // would filter its own outputs (before the refusal: a max error of 35 on a +-3 ramp).
    using T = TestType;
    static std::array<T, 4 * 64 + 1> buf;  // room for an output block one past the input's start
    static std::array<T, 4 * 64> out, expect;
    fir_interpolator<T, 48, 4> f(taps48()), ref(taps48());
    auto sample = [](std::size_t i) { return nerve::from_double<T>(0.25 * std::sin(0.3 * double(i))); };
    for (std::size_t i = 0; i < 64; ++i) buf[i] = sample(i);
    const auto before = buf;
    std::size_t w = 1;
    NERVE_REQUIRE_NO_ALLOC(w = f.process(std::span<const T>(buf.data(), 64), std::span<T>(buf.data(), 4 * 64)));
    REQUIRE(w == 0u);
    REQUIRE(buf == before);
    // out past in, still overlapping: refused too.
    NERVE_REQUIRE_NO_ALLOC(w = f.process(std::span<const T>(buf.data(), 64), std::span<T>(buf.data() + 1, 4 * 64)));
    REQUIRE(w == 0u);
    REQUIRE(buf == before);
    // The state did not move: the next blocks equal a fresh filter's.
    REQUIRE(f.process(std::span<const T>(buf.data(), 64), std::span<T>(out)) == 4 * 64u);
    REQUIRE(ref.process(std::span<const T>(buf.data(), 64), std::span<T>(expect)) == 4 * 64u);
    REQUIRE(out == expect);
}

namespace {
// The common end of the polyphase block tests: x[0..total) pushed through `by_push` (a fresh
// filter) must give the w outputs the block calls gave; then, with the NaN at nan_at replaced by
// the sample push() holds in its place, every output of both must lie within gamma_{K+1} of the
// exact double sum sum_j g_j x_j, bounded by sum |g_j x_j|. each(k, t, p) sees output k (after
// input t, sub-filter p) for the caller's own checks.
template <std::size_t L, std::size_t M, class PF, class T, class Each>
void check_against_exact(const PF& f, PF& by_push, T* x, std::size_t total, std::size_t nan_at, const T* y, T* y_push,
                         std::size_t w, Each&& each) {
    constexpr std::size_t K = PF::K, H = K - 1;
    std::size_t w_push = 0;
    for (std::size_t t = 0; t < total; ++t) by_push.push(x[t], [&](T v) { y_push[w_push++] = v; });
    REQUIRE(w_push == w);
    x[nan_at] = x[nan_at - 1];  // what push() holds in its place
    constexpr double eps = std::is_same_v<T, float> ? 0x1p-24 : 0x1p-53;
    constexpr double gamma = (K + 1) * eps / (1 - (K + 1) * eps);
    for (std::size_t k = 0; k < w; ++k) {
        const std::size_t t = k * M / L, p = k * M % L;  // output k: after input t, sub-filter p
        double exact = 0, mag = 0;
        for (std::size_t j = 0; j < K; ++j) {  // window sample j = x[t - H + j], oldest first
            const T g = f.tap(p, K - 1 - j);
            const T v = t + j >= H ? x[t + j - H] : T(0);
            exact += double(g) * double(v);
            mag += std::fabs(double(g) * double(v));
        }
        INFO("K " << K << " L " << L << " M " << M << " output " << k);
        REQUIRE(std::fabs(double(y[k]) - exact) <= gamma * mag);
        REQUIRE(std::fabs(double(y_push[k]) - exact) <= gamma * mag);
        each(k, t, p);
    }
}
}  // namespace

namespace {
// Block calls of lengths around the kernels' sizes (K taps per phase; the Cortex-M4F kernel
// does 8 outputs of a sub-filter per pass) against the exact sum in double, with a NaN inside
// one block (that block runs through push()). On the Cortex-M4F build every output, of
// detail::poly_block_m4f, of the tails and of push(), must be, bit for bit, one order: g[0]
// x[0] rounded, then one fused chain over the taps oldest sample first; so process() and push()
// give the same bits there.
template <std::size_t Len, std::size_t L, std::size_t M>
void check_float_block_lengths() {
    using pf = nerve::filter::detail::polyphase_fir<float, Len, L, M>;
    constexpr std::size_t K = pf::K, H = K - 1;
    const double cutoff = 1.0 / double(L > M ? L : M);
    const auto h = nerve::filter::firwin_lowpass<Len>(cutoff, nerve::filter::fir_window::hamming(), double(L));
    pf f(h), by_push(h);
    static std::array<float, 1400> x;
    static std::array<float, 16 * 1400> y, y_push;
    std::uint32_t s = 12345;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<float>(static_cast<std::int32_t>(s)) * 0x1p-31f;
    }
    const std::array<std::size_t, 15> lengths = {1, H, K, K + 1, K + 7, K + 8, K + 9, 2 * K + 15, 64, 255, 256, 257, 3, 8, 17};
    std::size_t total = 0;
    for (std::size_t n : lengths) total += n;
    REQUIRE(total <= x.size());
    const std::size_t nan_at = lengths[0] + lengths[1] + lengths[2] + lengths[3] + 5;  // inside the 5th call
    x[nan_at] = std::numeric_limits<float>::quiet_NaN();
    // SIMD interpolation by a power of two (polyphase_fir::block_interp_simd): the outputs of its
    // whole passes of U W inputs (U L = 16 or 8 sums), in the history copy and then in `in`
    std::size_t lane_outputs = 0;
#if NERVE_HAS_XSIMD
#if defined(__AVX512F__) || defined(__aarch64__)
    constexpr std::size_t sums = 16;
#else
    constexpr std::size_t sums = 8;
#endif
    constexpr std::size_t W = xsimd::batch<float>::size, step = (L >= sums ? 1 : sums / L) * W;
    constexpr bool lanes = M == 1 && L >= 2 && L <= 16 && (L & (L - 1)) == 0;
#endif
    std::size_t i = 0, w = 0;
    for (std::size_t n : lengths) {
        NERVE_REQUIRE_NO_ALLOC(w += f.process(x.data() + i, n, y.data() + w));
#if NERVE_HAS_XSIMD
        const bool finite = i + n <= nan_at || i > nan_at;
        if (lanes && n >= K && finite) {
            const std::size_t head = (H + step - 1) / step * step, hn = std::min(n, head);
            lane_outputs += L * (hn / step * step + (n - hn) / step * step);
        }
#endif
        i += n;
    }
    REQUIRE(w == (total * L + M - 1) / M);
    REQUIRE(f.rejected() == 1u);
    std::size_t model_exact = 0;
    check_against_exact<L, M>(f, by_push, x.data(), total, nan_at, y.data(), y_push.data(), w,
                              [&](std::size_t k, std::size_t t, std::size_t p) {
                                  float model = 0;  // g[0] x[0] rounded, then fused, oldest first
                                  for (std::size_t j = 0; j < K; ++j) {
                                      const float g = f.tap(p, K - 1 - j);
                                      const float v = t + j >= H ? x[t + j - H] : 0.0f;
                                      model = j == 0 ? g * v : std::fma(g, v, model);
                                  }
                                  model_exact += y[k] == model ? 1 : 0;
#if NERVE_FIR_ARM_VLDM
                                  REQUIRE(y[k] == model);
                                  REQUIRE(y_push[k] == model);
#endif
                              });
    // Where xsimd's FMA is fused (x86 FMA3, aarch64), the SIMD interpolation kernel's outputs
    // are that order too (its sums start from 0: 0 + g x rounds to g x).
#if NERVE_HAS_XSIMD && (defined(__FMA__) || defined(__aarch64__))
    REQUIRE(model_exact >= lane_outputs);
    if constexpr (lanes) REQUIRE(lane_outputs > w / 2);
#else
    (void)model_exact;
    (void)lane_outputs;
#endif
}
}  // namespace

TEST_CASE("polyphase float: block calls of every length around the kernel's sizes, NaN, against the exact sum",
          "[fir_interpolator][resampler]") {
    check_float_block_lengths<48, 4, 1>();  // K = 12
    check_float_block_lengths<64, 4, 1>();  // K = 16: the taps' last chunk in registers
    check_float_block_lengths<15, 2, 1>();  // K = 8, the last phase's first tap zero
    check_float_block_lengths<4, 4, 1>();   // K = 1: no history
    check_float_block_lengths<72, 4, 1>();  // K = 18: taps loaded per pass in two chunks
    check_float_block_lengths<61, 3, 2>();  // resample 3/2, K = 21
    check_float_block_lengths<30, 2, 3>();  // resample 2/3 (phase up to M - 1 >= L), K = 15
    check_float_block_lengths<40, 5, 4>();  // K = 8, windows 4 apart
    check_float_block_lengths<30, 3, 16>(); // K = 10, windows 16 apart: no sample shared
    check_float_block_lengths<40, 2, 9>();  // K = 20: a chunk of 16 sharing samples, one of 4 not
    check_float_block_lengths<64, 8, 1>();  // K = 8, SIMD: three rounds of zips
    check_float_block_lengths<96, 16, 1>(); // K = 6, SIMD: four rounds, one vector of inputs a pass
    check_float_block_lengths<30, 3, 1>();  // K = 10, L not a power of two: block_simd
}

namespace {
// Long block calls (across the SIMD kernel's chunks of up to 2048 inputs), float and double,
// ratios that take each of block_simd's ways: all sub-filters in one pass (group_pass) or one
// by one, the input split into streams and the outputs interleaved with vector permutes
// (AVX2/AVX-512 for M, L <= 8) or sample by sample. Every output within gamma_{K+1} of the
// exact sum, with a NaN in one call (that call runs through push()); where xsimd's FMA is fused
// (x86 FMA3, aarch64), every output of a call that takes block_simd is its order bit for bit: a
// sum from 0, one fused multiply-add per tap from the newest sample (the zero taps group_pass
// adds for sub-filters without a tap at a position change nothing).
template <class T, std::size_t Len, std::size_t L, std::size_t M>
void check_long_blocks() {
    using pf = nerve::filter::detail::polyphase_fir<T, Len, L, M>;
    constexpr std::size_t K = pf::K;
    const double cutoff = 1.0 / double(L > M ? L : M);
    const auto h = nerve::filter::firwin_lowpass<Len>(cutoff, nerve::filter::fir_window::hamming(), double(L));
    pf f(h), by_push(h);
    // 25 and 40: block_dots calls whose outputs all, or partly, read the history's copy
    const std::array<std::size_t, 8> lengths = {2300, 1, 150, 1000, 4100, 333, 25, 40};
    std::size_t total = 0;
    for (std::size_t n : lengths) total += n;
    std::vector<T> x(total), y(total * L / M + 2), y_push(y.size());
    std::uint32_t s = 777;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<T>(static_cast<std::int32_t>(s)) * T(0x1p-31);
    }
    const std::size_t nan_at = lengths[0] + lengths[1] + 20;  // inside the third call
    x[nan_at] = std::numeric_limits<T>::quiet_NaN();
    std::vector<std::uint8_t> by_kernel(y.size(), 0);  // outputs of calls block_simd takes
    // process() of an interpolation by a power of two up to 16 (block_interp_simd): every
    // output, the last inputs' too, from a pass (interp_pass or bcast_pass)
    constexpr bool interp_kernel = M == 1 && L >= 2 && L <= 16 && (L & (L - 1)) == 0;
#if NERVE_HAS_XSIMD
    constexpr std::size_t W = xsimd::batch<T>::size;
#endif
    // Each call's inputs in a buffer of their own between NaNs: a kernel that read before or
    // after its call (the earlier inputs lie there in x, so the outputs would still come out
    // right) puts a NaN into an output
    constexpr std::size_t guard = 256;
    std::vector<T> framed(guard + *std::max_element(lengths.begin(), lengths.end()) + guard);
    std::size_t i = 0, w = 0;
    for (std::size_t n : lengths) {
        std::size_t made = 0;
        std::fill(framed.begin(), framed.end(), std::numeric_limits<T>::quiet_NaN());
        std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(i), n, framed.begin() + guard);
        NERVE_REQUIRE_NO_ALLOC(made = f.process(framed.data() + guard, n, y.data() + w));
#if NERVE_HAS_XSIMD
        const bool finite = i + n <= nan_at || i > nan_at;
        // block_simd from 2 M W inputs, from M W where the split and the interleave are tile
        // transposes (certainly so with L, M > 8: both at least W, and beyond the permutes);
        // block_interp_simd from one window, block_bcast from 5 M / 2 inputs. The shorter calls
        // of at least K inputs take block_dots (sums in another order), checked against the
        // exact sum like every output.
        const std::size_t block_min = interp_kernel ? 1 : (L > 8 && M > 8 ? 1 : 2) * M * W;
        REQUIRE(pf::simd_block_min() <= (block_min > 5 * M / 2 ? block_min : 5 * M / 2));
        if (finite && n >= K && n >= pf::simd_block_min())
            std::fill(by_kernel.begin() + static_cast<std::ptrdiff_t>(w), by_kernel.begin() + static_cast<std::ptrdiff_t>(w + made), 1);
#endif
        w += made;
        i += n;
    }
    REQUIRE(w == (total * L + M - 1) / M);
    REQUIRE(f.rejected() == 1u);
    std::size_t kernel_outputs = 0, kernel_exact = 0;
    check_against_exact<L, M>(f, by_push, x.data(), total, nan_at, y.data(), y_push.data(), w,
                              [&](std::size_t k, std::size_t t, std::size_t p) {
                                  if (!by_kernel[k]) return;
                                  T model = 0;  // from 0, newest sample first (interpolation kernel: oldest first)
                                  for (std::size_t s = 0; s < K; ++s) {
                                      const std::size_t i = interp_kernel ? K - 1 - s : s;
                                      model = std::fma(f.tap(p, i), t >= i ? x[t - i] : T(0), model);
                                  }
                                  ++kernel_outputs;
                                  kernel_exact += y[k] == model ? 1 : 0;
                              });
#if NERVE_HAS_XSIMD && (defined(__FMA__) || defined(__aarch64__))
    REQUIRE(kernel_exact == kernel_outputs);
    REQUIRE(kernel_outputs > w / 2);
#else
    (void)kernel_exact;
    (void)kernel_outputs;
#endif
}

template <class T>
void check_long_blocks_all() {
    check_long_blocks<T, 61, 3, 2>();    // resample 3/2, K = 21: one pass for all sub-filters, M = 2 streams
    check_long_blocks<T, 64, 2, 3>();    // 2/3, K = 32
    check_long_blocks<T, 100, 5, 3>();   // K = 20
    check_long_blocks<T, 48, 3, 1>();    // interpolation by 3, K = 16
    check_long_blocks<T, 42, 7, 1>();    // K = 6
    check_long_blocks<T, 210, 7, 8>();   // K = 30, 8 streams, 7 sub-filters in one pass
    check_long_blocks<T, 40, 5, 4>();    // K = 8: windows too far apart for one pass (sub-filter by sub-filter)
    check_long_blocks<T, 30, 3, 8>();    // K = 10, the same, 8 streams
    check_long_blocks<T, 40, 2, 9>();    // K = 20, 9 streams: split sample by sample
    check_long_blocks<T, 90, 9, 2>();    // K = 10, 9 sub-filters: outputs placed sample by sample
    // L, M of at least W (16 floats on AVX-512): the split and the interleave in W x W tiles (the
    // last tile of a row overlapping), several sub-filters per pass
    check_long_blocks<T, 170, 17, 16>(); // K = 10
    check_long_blocks<T, 160, 16, 17>(); // K = 10
    check_long_blocks<T, 275, 25, 32>(); // K = 11, 2 W M inputs per chunk: two vectors per sub-filter
    // Long filters: neighbouring sub-filters share their stream loads (rows_shared; on AVX-512
    // floats 8 sub-filters of 2 vectors per pass, doubles 4 of 4), as for 160/147's design
    check_long_blocks<T, 1280, 80, 73>(); // K = 16
    check_long_blocks<T, 1168, 73, 80>(); // K = 16
    // W | L > 8, M < L (block_bcast on AVX-512, AVX2 and NEON: vectors of consecutive outputs,
    // L / W tap patterns; 80/73 above too): every phase the calls leave, windows reaching into
    // the history, masked first and last vectors
    check_long_blocks<T, 3200, 160, 147>(); // K = 20
    // Interpolation by powers of two (block_interp_simd): interp_pass with its interleave, or
    // bcast_pass's vectors of whole outputs (floats x8 and x16, also x4 on NEON; doubles x8 and
    // x16 on AVX-512, x4 to x16 on AVX2 and NEON), including the padded pass for a call's last inputs
    check_long_blocks<T, 32, 2, 1>();    // K = 16
    check_long_blocks<T, 64, 4, 1>();    // K = 16
    check_long_blocks<T, 64, 8, 1>();    // K = 8
    check_long_blocks<T, 80, 16, 1>();   // K = 5
    check_long_blocks<T, 7, 8, 1>();     // K = 1: no history, the last phase without a tap
}
}  // namespace

TEST_CASE("polyphase: long block calls across the SIMD kernel's chunks, float and double, against the exact sum",
          "[fir_interpolator][resampler]") {
    check_long_blocks_all<float>();
    check_long_blocks_all<double>();
}
