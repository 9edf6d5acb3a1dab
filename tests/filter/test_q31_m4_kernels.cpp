// q31 FIR and biquad with exact int64 sums: process() (the Cortex-M4 SMLAL block kernels of
// detail/fir_m4.hpp and detail/biquad_m4.hpp on that target, the portable path elsewhere)
// equals operator() and an integer reference written out from the documented format, bit
// for bit, including saturation of both signs, taps at the exactness bound and coefficients
// near +-1. Also the folded Cortex-M4F kernel for symmetric float taps against double, the q31
// decimator's exact sums and the q15 interpolator's block path (detail::triple_outputs).
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"
#include "nerve/filter/fir_interpolator.hpp"
#include "nerve/filter/rbj.hpp"

using namespace nerve::filter;
using nerve::q31;

namespace {
constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();
constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();

std::int32_t sat32(std::int64_t v) { return v > kMax ? kMax : (v < kMin ? kMin : static_cast<std::int32_t>(v)); }

std::uint32_t hash(std::size_t i) {
    std::uint32_t s = static_cast<std::uint32_t>(i) * 2654435761u + 12345u;
    s ^= s >> 13;
    s *= 1664525u;
    return s ^ (s >> 16);
}

// Full-scale noise, with stretches of max/min bursts and of the pattern that drives the
// FIR sum to its extremes (every product at full magnitude, one sign).
template <std::size_t N>
q31 test_input(std::size_t i, const std::array<q31, N>& h) {
    if (i >= 200 && i < 300) return q31::from_raw(((i / 7) % 2) ? kMax : kMin);
    if (i >= 400 && i < 400 + 2 * N) {
        const std::size_t k = (400 + 2 * N - 1 - i) % N;  // output 400 + 2N - 1 sees x[n-k] here
        const bool pos = (h[k].raw >= 0) == (i < 400 + N);
        return q31::from_raw(pos ? kMax : kMin);
    }
    return q31::from_raw(static_cast<std::int32_t>(hash(i)));
}

template <std::size_t N>
void check_fir(const std::array<q31, N>& h, bool expect_exact, bool expect_saturation = true) {
    INFO("taps " << N << ", exact " << expect_exact);
    REQUIRE(detail::q31_taps_exact<N>(h.data()) == expect_exact);
    fir<q31, N> blk(h), one(h);
    static std::array<q31, 1000> in, out_blk, out_one, out_inplace;
    for (std::size_t i = 0; i < in.size(); ++i) in[i] = test_input(i, h);
    for (std::size_t i = 0; i < in.size(); ++i) out_one[i] = one(in[i]);
    std::size_t i = 0;
    for (std::size_t len : {3u, 70u, 257u, 1u, 64u, 305u, 300u}) {
        NERVE_REQUIRE_NO_ALLOC(blk.process(std::span<const q31>(in.data() + i, len), std::span<q31>(out_blk.data() + i, len)));
        i += len;
    }
    REQUIRE(i == in.size());
    out_inplace = in;
    fir<q31, N> inplace(h);
    inplace.process(std::span<const q31>(out_inplace), std::span<q31>(out_inplace));
    std::size_t saturated_pos = 0, saturated_neg = 0;
    for (std::size_t n = 0; n < in.size(); ++n) {
        INFO("sample " << n);
        REQUIRE(out_blk[n].raw == out_one[n].raw);
        REQUIRE(out_inplace[n].raw == out_one[n].raw);
        if (expect_exact) {
            // The documented format: exact sum, + 2^30, >> 31 (floor), saturated.
            std::int64_t acc = std::int64_t{1} << 30;
            for (std::size_t k = 0; k < N && k <= n; ++k) acc += std::int64_t(h[k].raw) * in[n - k].raw;
            REQUIRE(out_one[n].raw == sat32(acc >> 31));
        }
        saturated_pos += out_one[n].raw == kMax;
        saturated_neg += out_one[n].raw == kMin;
    }
    if (expect_saturation) {
        REQUIRE(saturated_pos > 0);  // the edge cases were reached
        REQUIRE(saturated_neg > 0);
    }
}
}  // namespace

TEST_CASE("q31 fir: exact sums, block kernel equals per-sample and the integer reference", "[fir][fixed][q31]") {
    // A unit-gain low-pass (sum |h| ~ 1.1): exact, outputs within range except the extreme bursts.
    std::array<q31, 64> lp{};
    const auto d = firwin_lowpass<64>(0.125);
    for (std::size_t k = 0; k < 64; ++k) lp[k] = nerve::from_double<q31>(d[k]);
    REQUIRE(detail::q31_taps_exact<64>(lp.data()));

    // Taps at the exactness bound sum |h| = 2^32 - 1 (two taps near -1 and +1, one LSB):
    // the sum reaches -+(2^63 - 2^31) and saturates both ways.
    std::array<q31, 64> edge{};
    edge[0] = q31::from_raw(kMax);
    edge[63] = q31::from_raw(-kMax);
    edge[17] = q31::from_raw(1);
    check_fir(edge, true);
    edge[17] = q31::from_raw(2);  // one LSB over: guard-bit sum, still block == per-sample
    check_fir(edge, false);

    // 64 taps of magnitude just below 2^26 with mixed signs: exact, large partial sums.
    std::array<q31, 64> big{};
    for (std::size_t k = 0; k < 64; ++k) big[k] = q31::from_raw((hash(k + 7) & 1) ? (1 << 26) - 1 : -((1 << 26) - 1));
    check_fir(big, true);
    big[3] = q31::from_raw(big[3].raw > 0 ? (1 << 26) + 63 : -(1 << 26) - 63);  // 2^32 + ...: not exact
    check_fir(big, false);

    // Other tap counts: 32 (kernel), 12 (kernel, 2 steps), 7 (portable only).
    std::array<q31, 32> h32{};
    for (std::size_t k = 0; k < 32; ++k) h32[k] = q31::from_raw(static_cast<std::int32_t>(hash(k)) >> 5);
    check_fir(h32, true, false);  // gain < 1: never saturates
    std::array<q31, 12> h12{};
    for (std::size_t k = 0; k < 12; ++k) h12[k] = q31::from_raw(static_cast<std::int32_t>(hash(k + 99)) >> 3);
    check_fir(h12, true, false);
    std::array<q31, 7> h7{};
    for (std::size_t k = 0; k < 7; ++k) h7[k] = q31::from_raw(static_cast<std::int32_t>(hash(k + 5)) >> 3);
    check_fir(h7, true, false);
}

namespace {
template <std::size_t S>
void check_biquad(const std::array<sos_section<double>, S>& sos, double in_scale, bool expect_saturation) {
    biquad_cascade<q31, S> blk{sos}, one{sos};
    for (std::size_t k = 0; k < S; ++k) {
        const auto& c = one.coefficients(k);
        std::int64_t l1 = 0;
        for (std::int64_t v : {std::int64_t(c.b0), std::int64_t(c.b1), std::int64_t(c.b2), std::int64_t(c.na1),
                               std::int64_t(c.na2)})
            l1 += v < 0 ? -v : v;
        REQUIRE(l1 <= 0xFFFFFFFFll);  // the documented headroom: no int64 overflow possible
    }
    static std::array<q31, 1200> in, out_blk, out_one, out_inplace;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const double v = (i >= 500 && i < 700) ? (((i / 40) % 2) ? 1.0 : -1.0)
                                               : static_cast<double>(static_cast<std::int32_t>(hash(i))) / 2147483648.0;
        in[i] = q31::from_raw(sat32(static_cast<std::int64_t>(v * in_scale * 2147483648.0)));
    }
    // Integer reference (textbook DF1 of the documented format).
    std::int64_t st[S][4] = {};
    std::size_t saturated = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        std::int64_t v = in[i].raw;
        for (std::size_t k = 0; k < S; ++k) {
            const auto& c = one.coefficients(k);
            const std::int64_t acc = std::int64_t(c.b0) * v + std::int64_t(c.b1) * st[k][0] + std::int64_t(c.b2) * st[k][1] +
                                     std::int64_t(c.na1) * st[k][2] + std::int64_t(c.na2) * st[k][3];
            const int d = 31 - one.post_shift(k);
            const std::int64_t y = sat32((acc + (std::int64_t{1} << (d - 1))) >> d);
            saturated += y == kMax || y == kMin;
            st[k][1] = st[k][0];
            st[k][0] = v;
            st[k][3] = st[k][2];
            st[k][2] = y;
            v = y;
        }
        out_one[i] = one(in[i]);
        INFO("sample " << i);
        REQUIRE(out_one[i].raw == v);
    }
    if (expect_saturation) REQUIRE(saturated > 0);
    std::size_t i = 0;
    for (std::size_t len : {5u, 64u, 3u, 256u, 1u, 400u, 471u}) {
        NERVE_REQUIRE_NO_ALLOC(blk.process(std::span<const q31>(in.data() + i, len), std::span<q31>(out_blk.data() + i, len)));
        i += len;
    }
    REQUIRE(i == in.size());
    biquad_cascade<q31, S> inplace{sos};
    out_inplace = in;
    inplace.process(std::span<const q31>(out_inplace), std::span<q31>(out_inplace));
    for (std::size_t n = 0; n < in.size(); ++n) {
        INFO("sample " << n);
        REQUIRE(out_blk[n].raw == out_one[n].raw);
        REQUIRE(out_inplace[n].raw == out_one[n].raw);
    }
}
}  // namespace

TEST_CASE("q31 biquad: exact sums, block kernel equals per-sample and the integer reference", "[biquad][fixed][q31]") {
    // 8th-order Butterworth low-pass (post_shift 1 or 2), half scale and full scale.
    const auto lp = butterworth<8, band_type::lowpass>(0.1);
    check_biquad(lp, 0.5, false);
    check_biquad(lp, 1.0, false);
    const auto hp = butterworth<4, band_type::highpass>(0.05);
    check_biquad(hp, 1.0, false);
    // Coefficients near +-1 and a resonant, high-gain peaking section: saturation in the
    // kernel (Q flag, exact redo) with full-scale input.
    const std::array<sos_section<double>, 2> edge{
        sos_section<double>{0.9999999, -0.9999999, 0.9999999, 1.0, -1.9999, 0.99995},
        sos_section<double>{-1.0, 1.0, -1.0, 1.0, 0.0, -0.9999999}};
    check_biquad(edge, 1.0, true);  // the second section restores a gain of ~3e4: post_shift 17
    check_biquad(std::array<sos_section<double>, 1>{edge[0]}, 1.0, true);
    check_biquad(std::array<sos_section<double>, 1>{edge[1]}, 1.0, true);
    const auto pk = rbj_peaking(nerve::hertz{50.0}, 20.0, 18.0, nerve::sample_rate{1000.0});
    check_biquad(pk, 1.0, true);
    // A section needing post_shift > 3 (gain 20): the per-sample path inside process().
    const std::array<sos_section<double>, 1> loud{sos_section<double>{20.0, -10.0, 5.0, 1.0, -0.5, 0.25}};
    check_biquad(loud, 1.0, true);
}

TEST_CASE("fir: symmetric float taps, folded block kernel within the rounding bound", "[fir][float]") {
    // 64 symmetric taps take the folded Cortex-M4F kernel in process() (elsewhere the SIMD or
    // scalar path): every output within a few ulp of sum |h| |x| of the double result, and
    // equal to the unfolded filter to the same bound.
    const auto hd = firwin_lowpass<64>(0.15);
    std::array<float, 64> h{};
    for (std::size_t k = 0; k < 64; ++k) h[k] = static_cast<float>(hd[k]);
    fir<float, 64> folded(h), plain(h, fir_symmetry::none);
    REQUIRE(folded.symmetric());
    static std::array<float, 700> in, out_f, out_p;
    for (std::size_t i = 0; i < in.size(); ++i)
        in[i] = static_cast<float>(static_cast<std::int32_t>(hash(i))) / 2147483648.0f * (i % 300 < 150 ? 1.0f : 1e-3f);
    std::size_t i = 0;
    for (std::size_t len : {70u, 257u, 1u, 64u, 308u}) {
        NERVE_REQUIRE_NO_ALLOC(folded.process(std::span<const float>(in.data() + i, len), std::span<float>(out_f.data() + i, len)));
        plain.process(std::span<const float>(in.data() + i, len), std::span<float>(out_p.data() + i, len));
        i += len;
    }
    REQUIRE(i == in.size());
    for (std::size_t n = 0; n < in.size(); ++n) {
        double exact = 0, mag = 0;
        for (std::size_t k = 0; k < 64 && k <= n; ++k) {
            exact += static_cast<double>(h[k]) * in[n - k];
            mag += std::fabs(static_cast<double>(h[k]) * in[n - k]);
        }
        INFO("sample " << n);
        const double bound = 64 * 1.2e-7 * mag + 1e-30;
        REQUIRE(std::fabs(out_f[n] - exact) <= bound);
        REQUIRE(std::fabs(out_f[n] - out_p[n]) <= 2 * bound);
    }
}

TEST_CASE("q31 decimator: exact sums, process() equals push() and the integer reference", "[fir_decimator][fixed][q31]") {
    // Unit-gain taps (exact sum) and taps scaled to an L1 norm above 2 (guard-bit sum): push()
    // and process() agree bit for bit over mixed block lengths; the exact ones also equal
    // sat((2^30 + sum h x) >> 31), with full-scale inputs that saturate.
    const auto hd = firwin_lowpass<64>(1.0 / 8);
    for (double scale : {1.0, 2.5}) {
        std::array<q31, 64> h{};
        for (std::size_t k = 0; k < 64; ++k) h[k] = nerve::from_double<q31>(hd[k] * scale);
        std::uint64_t l1 = 0;
        for (const q31& v : h) l1 += static_cast<std::uint64_t>(v.raw < 0 ? -std::int64_t{v.raw} : v.raw);
        const bool exact = l1 <= 0xFFFFFFFFull;
        static fir_decimator<q31, 64, 8> d, ref;
        d = fir_decimator<q31, 64, 8>(h);
        ref = d;
        static std::array<q31, 3000> in;
        for (std::size_t i = 0; i < in.size(); ++i) {
            const std::uint32_t r = hash(i);
            in[i] = q31::from_raw(i % 500 < 100 ? (r & 1 ? kMax : kMin) : static_cast<std::int32_t>(r));
        }
        static std::array<q31, 3000 / 8 + 8> a, b;
        std::size_t na = 0, nb = 0, at = 0;
        for (std::size_t len : {63u, 64u, 65u, 7u, 1000u, 300u, 1501u}) {
            NERVE_REQUIRE_NO_ALLOC(na += d.process(std::span<const q31>(in.data() + at, len),
                                                   std::span<q31>(a.data() + na, a.size() - na)));
            for (std::size_t i = at; i < at + len; ++i) ref.push(in[i], [&](q31 y) { b[nb++] = y; });
            at += len;
        }
        REQUIRE(at == in.size());
        REQUIRE(na == nb);
        for (std::size_t k = 0; k < na; ++k) {
            INFO("scale " << scale << " output " << k);
            REQUIRE(a[k].raw == b[k].raw);
            if (exact) {
                std::int64_t acc = std::int64_t{1} << 30;
                for (std::size_t j = 0; j < 64 && j <= 8 * k; ++j) acc += std::int64_t{h[j].raw} * in[8 * k - j].raw;
                REQUIRE(a[k].raw == sat32(acc >> 31));
            }
        }
        REQUIRE(exact == (scale == 1.0));
    }
}

TEST_CASE("q15 interpolator: block process() equals push() bit for bit", "[fir_interpolator][fixed]") {
    // Gain-L taps (around 1) and full-scale inputs: outputs saturate; block lengths below,
    // at and above K + 1 = 13 and not multiples of the 3-input pass.
    using nerve::q15;
    static fir_interpolator<q15, 48, 4> f, ref;
    f = fir_interpolator<q15, 48, 4>();
    ref = f;
    static std::array<q15, 2000> in;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::uint32_t r = hash(i);
        in[i] = q15::from_raw(static_cast<std::int16_t>(i % 400 < 60 ? (r & 1 ? 32767 : -32768) : static_cast<std::int32_t>(r) >> 16));
    }
    static std::array<q15, 4 * 2000> a, b;
    std::size_t na = 0, nb = 0, at = 0;
    for (std::size_t len : {12u, 13u, 14u, 15u, 1u, 100u, 301u, 1544u}) {
        NERVE_REQUIRE_NO_ALLOC(na += f.process(std::span<const q15>(in.data() + at, len),
                                               std::span<q15>(a.data() + na, a.size() - na)));
        for (std::size_t i = at; i < at + len; ++i) ref.push(in[i], [&](q15 y) { b[nb++] = y; });
        at += len;
    }
    REQUIRE(at == in.size());
    REQUIRE(na == nb);
    bool saturated = false;
    for (std::size_t k = 0; k < na; ++k) {
        INFO("output " << k);
        REQUIRE(a[k].raw == b[k].raw);
        saturated = saturated || a[k].raw == 32767 || a[k].raw == -32768;
    }
    REQUIRE(saturated);
}
