// fir_decimator<float, 64, 8>::process: the decimate-by-8 block path (on AVX-512 its own
// kernel, which tests the outputs for non-finite values after the fact instead of scanning
// the inputs first) against push() on the same inputs, over several blocks, with bad input
// in the middle of a block, in the history a block leaves behind, and after the last kept
// input of a block (which reaches no output of that block).
//
// Bound: the block path sums each output's 64 products in a different order from push();
// each order is within gamma_64 * sum_j |h_j x_j| of the exact sum (gamma_n = n u / (1 - n u),
// u = 2^-24, the standard bound for a recursive sum of n rounded products), so the two differ
// by at most 2 gamma_64 sum_j |h_j x_j| <= 2 gamma_64 ||h||_1 max |x|.
#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>

#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"

using nerve::filter::fir_decimator;

namespace {
constexpr std::size_t kN = 4096;

std::array<float, 64> taps() {
    const auto h = nerve::filter::firwin_lowpass<64>(1.0 / 8);
    std::array<float, 64> f{};
    for (std::size_t i = 0; i < 64; ++i) f[i] = static_cast<float>(h[i]);
    return f;
}

void run(const std::array<float, kN>& in, std::span<const std::size_t> lengths, std::span<const std::size_t> bad) {
    const auto h = taps();
    static fir_decimator<float, 64, 8> d(h), ref(h);
    d.reset();
    ref.reset();
    static std::array<float, kN / 8 + 8> a{}, b{};
    std::size_t na = 0, nb = 0, at = 0;
    double l1 = 0.0;
    for (float v : h) l1 += std::fabs(static_cast<double>(v));
    const double u = std::ldexp(1.0, -24), gamma = 64 * u / (1 - 64 * u);
    float held = 0.0f;  // push()'s hold-last-good, for the bound's max |x|
    double xmax = 0.0;
    for (std::size_t len : lengths) {
        bool block_bad = false;
        for (std::size_t i = at; i < at + len; ++i)
            for (std::size_t j : bad) block_bad = block_bad || i == j;
        const std::size_t first = na;
        NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const float>(in.data() + at, len),
                                               std::span<float>(a.data() + na, a.size() - na)));
        for (std::size_t i = at; i < at + len; ++i) {
            if (std::isfinite(in[i])) held = in[i];
            xmax = std::fmax(xmax, std::fabs(static_cast<double>(held)));
            ref.push(in[i], [&](float y) { b[nb++] = y; });
        }
        REQUIRE(na == nb);
        for (std::size_t k = first; k < na; ++k) {
            INFO("output " << k << " block at " << at << (block_bad ? " (bad input)" : ""));
            REQUIRE(std::isfinite(a[k]));
            if (block_bad) {
                // a block with bad input is redone by push(): the same bits
                REQUIRE(std::memcmp(&a[k], &b[k], sizeof(float)) == 0);
            } else {
                REQUIRE(std::fabs(static_cast<double>(a[k]) - static_cast<double>(b[k])) <= 2 * gamma * l1 * xmax);
            }
        }
        at += len;
    }
    REQUIRE(at == kN);
    REQUIRE(d.rejected() == ref.rejected());
    REQUIRE(d.rejected() == bad.size());
}
}  // namespace

TEST_CASE("fir_decimator<float,64,8> block path: bad input anywhere in a block, state across blocks",
          "[fir_decimator][bad-input]") {
    static std::array<float, kN> in{};
    for (std::size_t i = 0; i < kN; ++i)
        in[i] = static_cast<float>(std::sin(0.05 * static_cast<double>(i)) + 0.3 * std::cos(1.7 * static_cast<double>(i)));
    const std::size_t lengths[] = {1000, 517, 1200, 63, 64, 1252};
    {
        const std::size_t none[] = {0};
        run(in, lengths, std::span<const std::size_t>(none, 0));
    }
    // 500: mid-block; 1516: after block 2's last kept input (1512), so only the tail scan
    // sees it (and it stays in the history); 1520: a kept input near the start of block 3;
    // 2200: mid-block; 2780: first sample of the 64-sample block (the 63-sample block before
    // it is shorter than the taps and takes push() anyway).
    const std::size_t bad[] = {500, 1516, 1520, 2200, 2780};
    in[500] = std::numeric_limits<float>::quiet_NaN();
    in[1516] = std::numeric_limits<float>::infinity();
    in[1520] = -std::numeric_limits<float>::infinity();
    in[2200] = std::numeric_limits<float>::quiet_NaN();
    in[2780] = std::numeric_limits<float>::infinity();
    run(in, lengths, bad);
}

namespace {
// process() against push() for one decimator shape: block lengths around the taps, the
// 2 gamma_Taps bound of the file comment. Symmetric or not, a multiple of 16 taps or of 8
// only: on the Cortex-M4F these take detail::fir_block_m4f_strided's folded and unfolded
// forms and fir_dot for the outputs left over (groups of 4).
template <std::size_t Taps, std::size_t M>
void block_vs_push(nerve::filter::fir_symmetry sym, bool skew) {
    auto hd = nerve::filter::firwin_lowpass<Taps>(1.0 / static_cast<double>(M));
    std::array<float, Taps> h{};
    for (std::size_t i = 0; i < Taps; ++i) h[i] = static_cast<float>(hd[i] * (skew ? 1.0 + 0.01 * double(i) : 1.0));
    static fir_decimator<float, Taps, M> d, ref;
    d = fir_decimator<float, Taps, M>(h, sym);
    ref = d;
    REQUIRE(d.symmetric() == (sym == nerve::filter::fir_symmetry::symmetric ||
                              (sym == nerve::filter::fir_symmetry::detect && !skew)));
    static std::array<float, 3000> in{};
    static std::array<float, 3000 / M + 8> a{}, b{};
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(std::sin(0.031 * static_cast<double>(i)) + 0.5 * std::cos(2.3 * static_cast<double>(i)));
    double l1 = 0.0;
    for (float v : h) l1 += std::fabs(static_cast<double>(v));
    const double u = std::ldexp(1.0, -24), gamma = Taps * u / (1 - Taps * u);
    std::size_t na = 0, nb = 0, at = 0;
    const std::size_t lengths[] = {Taps - 1, Taps, Taps + 1, 4 * M * 4 + 3, 1000, 257, 3000};
    for (std::size_t len : lengths) {
        len = std::min(len, in.size() - at);
        NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const float>(in.data() + at, len),
                                               std::span<float>(a.data() + na, a.size() - na)));
        for (std::size_t i = at; i < at + len; ++i) ref.push(in[i], [&](float y) { b[nb++] = y; });
        at += len;
    }
    REQUIRE(at == in.size());
    REQUIRE(na == nb);
    for (std::size_t k = 0; k < na; ++k) {
        INFO("output " << k);
        REQUIRE(std::fabs(static_cast<double>(a[k]) - static_cast<double>(b[k])) <= 2 * gamma * l1 * 1.5);
    }
}
}  // namespace

TEST_CASE("fir_decimator<float> block path: folded, unfolded and leftover outputs against push()",
          "[fir_decimator]") {
    using nerve::filter::fir_symmetry;
    block_vs_push<64, 8>(fir_symmetry::detect, false);     // folded
    block_vs_push<64, 8>(fir_symmetry::none, false);       // unfolded, same taps
    block_vs_push<64, 8>(fir_symmetry::detect, true);      // not symmetric
    block_vs_push<24, 3>(fir_symmetry::detect, false);     // symmetric, 24 % 16 != 0: unfolded
    block_vs_push<32, 5>(fir_symmetry::detect, false);     // folded, odd stride
    block_vs_push<16, 16>(fir_symmetry::detect, true);     // M == Taps
    block_vs_push<48, 2>(fir_symmetry::symmetric, false);  // folded, overlapping windows
}

namespace {
// process() against push() over call lengths around the AVX-512 kernel's sizes (Taps, the
// first outputs whose windows start in the history, groups of 32 outputs with the last one
// overlapping the one before, the <= 1 output left to the generic kernel), after 0..7 push()
// calls (every phase, the ring at every alignment), with NaN/Inf in the first inputs and in
// the last ones of some blocks (those blocks are redone by push() from the untouched state:
// the same bits). Bound as in the file comment.
template <std::size_t Taps, std::size_t M = 8>
void lengths_vs_push() {
    auto hd = nerve::filter::firwin_lowpass<Taps>(1.0 / static_cast<double>(M));
    std::array<float, Taps> h{};
    for (std::size_t i = 0; i < Taps; ++i) h[i] = static_cast<float>(hd[i]);
    static fir_decimator<float, Taps, M> d, ref;
    d = fir_decimator<float, Taps, M>(h);
    ref = d;
    double l1 = 0.0;
    for (float v : h) l1 += std::fabs(static_cast<double>(v));
    const double u = std::ldexp(1.0, -24), gamma = Taps * u / (1 - Taps * u);
    const std::size_t lengths[] = {Taps,     Taps + 1, Taps + 7, 255, 256, 257, 8 * 32 + Taps - 1,
                                   8 * 33,   8 * 64 - 1, 8 * 64, 8 * 64 + 1, 8 * 65 + 3, 1500};
    static std::array<float, 1600> in{};
    static std::array<float, 1600 / 8 + 8> a{}, b{};
    std::size_t t = 0, blocks = 0, bad = 0;
    for (std::size_t pre = 0; pre < M; ++pre) {
        for (std::size_t len : lengths) {
            for (std::size_t i = 0; i < pre + len; ++i, ++t)
                in[i] = static_cast<float>(std::sin(0.043 * static_cast<double>(t)) +
                                           0.4 * std::cos(2.9 * static_cast<double>(t)));
            const bool poison = ++blocks % 5 == 0;
            if (poison) {  // the first input of the block and its last one (after the last kept input or on it)
                in[pre] = std::numeric_limits<float>::quiet_NaN();
                in[pre + len - 1] = -std::numeric_limits<float>::infinity();
                bad += 2;
            }
            std::size_t na = 0, nb = 0;
            for (std::size_t i = 0; i < pre; ++i) {
                d.push(in[i], [&](float y) { a[na++] = y; });
                ref.push(in[i], [&](float y) { b[nb++] = y; });
            }
            NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const float>(in.data() + pre, len),
                                                   std::span<float>(a.data() + na, a.size() - na)));
            for (std::size_t i = pre; i < pre + len; ++i) ref.push(in[i], [&](float y) { b[nb++] = y; });
            REQUIRE(na == nb);
            for (std::size_t k = 0; k < na; ++k) {
                INFO("taps " << Taps << " M " << M << " pre " << pre << " length " << len << " output " << k);
                REQUIRE(std::isfinite(a[k]));
                if (poison)
                    REQUIRE(std::memcmp(&a[k], &b[k], sizeof(float)) == 0);
                else
                    REQUIRE(std::fabs(static_cast<double>(a[k]) - static_cast<double>(b[k])) <= 2 * gamma * l1 * 1.4);
            }
        }
    }
    REQUIRE(d.rejected() == bad);
    REQUIRE(ref.rejected() == bad);
}
}  // namespace

TEST_CASE("fir_decimator<float, Taps, 8> block path: call lengths around the kernel sizes, every phase, bad input",
          "[fir_decimator][bad-input]") {
    lengths_vs_push<64>();
    lengths_vs_push<48>();
    lengths_vs_push<32>();
    lengths_vs_push<16>();
    lengths_vs_push<56>();  // Taps % 16 != 0: the history copy and the kernel's prologue
    lengths_vs_push<72>();  // more than 64 taps: the same
}

TEST_CASE("fir_decimator<float, Taps, 16 and 24> block path: call lengths, every phase, bad input",
          "[fir_decimator][bad-input]") {
    // On AVX2 the load-reuse kernel with two and three vectors per decimation step; it tests
    // its outputs when M <= Taps and scans the inputs first otherwise (Taps 8, M 16)
    lengths_vs_push<64, 16>();
    lengths_vs_push<48, 24>();
    lengths_vs_push<16, 16>();
    lengths_vs_push<8, 16>();
}

namespace {
// The dec-8 kernels' W partial sums for one output (window w, oldest first): lane l a chain of
// FMAs from 0 over taps l, l + W, l + 2 W, ...
template <std::size_t Taps, std::size_t W = 8>
std::array<float, W> lane_chains(const float* hr, const float* w) {
    std::array<float, W> s{};
    for (std::size_t l = 0; l < W; ++l)
        for (std::size_t q = 0; q < Taps / W; ++q) s[l] = std::fma(hr[W * q + l], w[W * q + l], s[l]);
    return s;
}

// The AVX-512 dec-8 kernel's sum order: the chains, then ((s0 + s4) + (s2 + s6)) + ((s1 + s5) +
// (s3 + s7)) (its 3-level shuffle-add).
template <std::size_t Taps>
float dec8_order(const float* hr, const float* w) {
    const auto s = lane_chains<Taps>(hr, w);
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

// The AVX2 load-reuse kernel's order (detail::fir_block_dec_lanes, 8 lanes): the chains, then
// reduce_rows' unpack tree ((s0 + s2) + (s1 + s3)) + ((s4 + s6) + (s5 + s7)).
template <std::size_t Taps>
float lanes8_order(const float* hr, const float* w) {
    const auto s = lane_chains<Taps>(hr, w);
    return ((s[0] + s[2]) + (s[1] + s[3])) + ((s[4] + s[6]) + (s[5] + s[7]));
}

// The same kernel on NEON (4 lanes): the chains, then reduce_rows' pairwise adds (s0 + s1) +
// (s2 + s3).
template <std::size_t Taps>
float lanes4_order(const float* hr, const float* w) {
    const auto s = lane_chains<Taps, 4>(hr, w);
    return (s[0] + s[1]) + (s[2] + s[3]);
}

#if NERVE_DEC_LANES
// the load-reuse kernel runs (M = 8, Taps % W == 0): AVX2 (8 lanes) or NEON (4)
constexpr bool kLanesKernel = true;
template <std::size_t Taps>
float lanes_order(const float* hr, const float* w) {
    if constexpr (xsimd::batch<float>::size == 8) return lanes8_order<Taps>(hr, w);
    else return lanes4_order<Taps>(hr, w);
}
#else
constexpr bool kLanesKernel = false;
template <std::size_t Taps>
float lanes_order(const float*, const float*) {
    return 0.0f;
}
#endif

// Calls of 256 and 512 inputs (the DMA half-buffers firmware uses), lengths around them and
// calls of 1024 and more (the AVX2 stream kernel, fir_block_dec_stream),
// after 0..7 push() calls (every phase), clean and with NaN/Inf in the first inputs (read
// from registers by the first group), mid-block or last: on AVX-512 every output but a call's
// last is the kernel's sum order bit for bit, wherever it falls in the call's groups of
// 32/16/8 and pairs (the last one: that order or push()'s); elsewhere the 2 gamma_Taps bound.
// A block with bad input is push()'s, bit for bit.
template <std::size_t Taps>
void dec8_calls_vs_push() {
    auto hd = nerve::filter::firwin_lowpass<Taps>(1.0 / 8);
    std::array<float, Taps> h{}, hr{};
    for (std::size_t i = 0; i < Taps; ++i) h[i] = static_cast<float>(hd[i] * (1.0 + 0.002 * double(i)));
    for (std::size_t i = 0; i < Taps; ++i) hr[i] = h[Taps - 1 - i];
    static fir_decimator<float, Taps, 8> d, ref;
    d = fir_decimator<float, Taps, 8>(h);
    ref = d;
    double l1 = 0.0;
    for (float v : h) l1 += std::fabs(static_cast<double>(v));
    const double u = std::ldexp(1.0, -24), gamma = Taps * u / (1 - Taps * u);
    // 1024 and up: the AVX2 stream kernel (fir_decimator::stream_min_inputs)
    const std::size_t lengths[] = {256, 512, Taps + 8, 255, 257, 264, 511, 513, 520, 1024, 1029, 2056};
    constexpr std::size_t longest = 2056;
    static std::array<float, 8 + longest> in{};
    static std::array<float, (8 + longest) / 8 + 8> a{}, b{};
    // the inputs push() saw (after its hold-last-good) from Taps - 1 before the call on:
    // the output of hist[i] has the window hist[i + 1 - Taps .. i + 1)
    static std::array<float, Taps - 1 + 8 + longest> hist{};
    static std::array<std::size_t, (8 + longest) / 8 + 8> ends{};
    std::size_t hn = Taps - 1, bad = 0, model = 0, last_push = 0;
    std::uint32_t seed = 7;
    float held = 0.0f;
    for (std::size_t round = 0; round < 4; ++round) {
        for (std::size_t pre = 0; pre < 8; ++pre) {
            for (std::size_t len : lengths) {
                for (std::size_t i = 0; i < pre + len; ++i) {
                    seed = seed * 1664525u + 1013904223u;
                    in[i] = static_cast<float>(static_cast<std::int32_t>(seed)) * 0x1p-31f;
                }
                const bool poison = round > 0 && (pre + len) % 3 == round % 3;
                if (poison) {
                    const std::size_t at = round == 1 ? pre + 3 : round == 2 ? pre + len / 2 : pre + len - 1;
                    in[at] = round == 2 ? std::numeric_limits<float>::infinity()
                                        : std::numeric_limits<float>::quiet_NaN();
                    ++bad;
                }
                std::size_t na = 0, nb = 0;
                for (std::size_t i = 0; i < pre; ++i) d.push(in[i], [&](float y) { a[na++] = y; });
                const std::size_t k0 = na;
                NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const float>(in.data() + pre, len),
                                                       std::span<float>(a.data() + na, a.size() - na)));
                std::copy(hist.begin() + (hn - (Taps - 1)), hist.begin() + hn, hist.begin());
                hn = Taps - 1;
                for (std::size_t i = 0; i < pre + len; ++i) {
                    if (std::isfinite(in[i])) held = in[i];
                    hist[hn++] = held;
                    ref.push(in[i], [&](float y) {
                        ends[nb] = hn;
                        b[nb++] = y;
                    });
                }
                REQUIRE(na == nb);
                for (std::size_t k = 0; k < na; ++k) {
                    INFO("taps " << Taps << " pre " << pre << " length " << len << " output " << k);
                    REQUIRE(std::isfinite(a[k]));
                    if (poison || k < k0) {
                        REQUIRE(std::memcmp(&a[k], &b[k], sizeof(float)) == 0);
                        continue;
                    }
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
                    const float m = dec8_order<Taps>(hr.data(), hist.data() + (ends[k] - Taps));
                    const bool is_model = std::memcmp(&a[k], &m, sizeof(float)) == 0;
                    if (k + 1 < na) {
                        REQUIRE(is_model);
                    } else {
                        REQUIRE((is_model || std::memcmp(&a[k], &b[k], sizeof(float)) == 0));
                        last_push += is_model ? 0 : 1;
                    }
                    model += is_model ? 1 : 0;
#else
                    if constexpr (kLanesKernel) {
                        // every output is the kernel's order or, for the < 8 per range that
                        // the generic kernel does, push()'s
                        const float m = lanes_order<Taps>(hr.data(), hist.data() + (ends[k] - Taps));
                        const bool is_model = std::memcmp(&a[k], &m, sizeof(float)) == 0;
                        REQUIRE((is_model || std::memcmp(&a[k], &b[k], sizeof(float)) == 0));
                        model += is_model ? 1 : 0;
                        last_push += is_model ? 0 : 1;
                    } else {
                        REQUIRE(std::fabs(static_cast<double>(a[k]) - static_cast<double>(b[k])) <=
                                2 * gamma * l1 * 1.0);
                    }
#endif
                }
            }
        }
    }
    REQUIRE(d.rejected() == bad);
    REQUIRE(ref.rejected() == bad);
#if NERVE_HAS_XSIMD && defined(__AVX512F__)
    REQUIRE(model > 4000);  // the block outputs checked in the kernel's order
    REQUIRE(last_push > 0);  // some calls' last output still fir_dot's
#else
    if constexpr (kLanesKernel) {
        INFO("taps " << Taps << ": " << model << " outputs in the kernel's order, " << last_push << " push()'s");
        REQUIRE(model > 7000);  // the block outputs, but for the generic kernel's few
        REQUIRE(last_push > 0);
    }
#endif
    (void)gamma;
    (void)l1;
    (void)model;
    (void)last_push;
}
}  // namespace

TEST_CASE("fir_decimator<float, Taps, 8>: calls of 256 and 512 inputs after 0..7 push() calls, bad input",
          "[fir_decimator][bad-input]") {
    dec8_calls_vs_push<64>();
    dec8_calls_vs_push<48>();
    dec8_calls_vs_push<32>();
    dec8_calls_vs_push<16>();
}

// A block of -0.0 inputs through positive taps: every product is -0. Every path sums from +0
// (push()'s dot product, the SIMD kernels' chains), so every output is +0, bit for bit; the
// aarch64 kernel starts its chains with the first product and adds +0 to restore that
// (fir_decimator.hpp, dec_mul_start). Calls of 1024 and 256 inputs, every phase.
TEST_CASE("fir_decimator<float, 64, 8>: exact zeros sum to +0 in the block path as in push()", "[fir_decimator]") {
    std::array<float, 64> h{};
    h.fill(1.0f / 64.0f);
    static std::array<float, 1024> in{};
    in.fill(-0.0f);
    static std::array<float, 1024 / 8 + 1> out{};
    for (std::size_t pre = 0; pre < 8; ++pre) {
        for (std::size_t len : {std::size_t{1024}, std::size_t{256}}) {
            fir_decimator<float, 64, 8> d(h);
            for (std::size_t i = 0; i < pre + 64; ++i) d.push(-0.0f, [](float) {});
            const std::size_t n = d.process(std::span<const float>(in.data(), len), std::span<float>(out));
            REQUIRE(n >= len / 8);
            for (std::size_t k = 0; k < n; ++k) {
                INFO("pre " << pre << " length " << len << " output " << k);
                REQUIRE(out[k] == 0.0f);
                REQUIRE(!std::signbit(out[k]));
            }
        }
    }
}
