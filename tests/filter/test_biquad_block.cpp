// The wide-vector block kernels of detail/biquad_block.hpp, through the public operators:
// nerve::multi<biquad_cascade<float, S>, 8>::process (the DF1 wavefront kernel on AVX-512,
// the bit-identical per-lane DF2T path elsewhere).
//
// Error bound (float path vs the exact filter with the same float coefficients, computed in
// double). Per section k and sample the kernel rounds 5 times (b2 x2, then four FMAs); each
// rounding errs by at most u |partial| (u = 2^-24), and every partial sum is bounded by
//     P_k = (|b0| + |b1| + |b2|) X_k + (|a1| + |a2|) Y_k,
// X_k, Y_k the largest |input| and |output| of section k. The error injected at y_k[n]
// reaches the cascade's output through G_k = (1 / A_k) H_{k+1} ... H_{S-1}, so to first order
//     |y - y_exact| <= u sum_k ||g_k||_1 P_k (5 + 7),
// where the 7 covers what a block boundary adds at one sample per section: the DF2T state
// added into y[0] / y[1] (one add) and its rebuild at the block's end (at most 6 roundings,
// each partial again <= P_k); bounding that one-sample injection by ||g_k||_1 over all
// samples keeps the bound valid for any number of blocks. Second-order terms (errors in
// x_k changing the partials) are O(u^2) relative: a factor 1.01 covers them. The per-sample
// DF2T path (3 roundings on s1, 2 on s2, 1 on y, partials bounded the same way) obeys the same
// bound, so the test holds on every target. ||g_k||_1, X_k, Y_k come from the double
// reference; the impulse responses run until their tail is below 1e-12 of their sum.
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>

#include "nerve/core/multi.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/chebyshev1.hpp"

using namespace nerve::filter;

namespace {
constexpr std::size_t kC = 8;
constexpr std::size_t kFrames = 2400;

float sig(std::size_t i, std::size_t c) {
    const double t = static_cast<double>(i);
    return static_cast<float>(0.6 * std::sin(0.013 * t * static_cast<double>(c + 1)) +
                              0.3 * std::cos(0.71 * t + static_cast<double>(c)) +
                              0.1 * std::sin(2.9 * t * static_cast<double>(c % 3 + 1)));
}

// Exact (double) cascade with the float path's coefficients; records per-section maxima.
template <std::size_t S>
struct reference {
    std::array<iir_detail::df_coeffs<double>, S> c{};
    std::array<double, S> s1{}, s2{};
    std::array<double, S + 1> peak{};  // peak[0] = input, peak[k + 1] = section k's output

    explicit reference(const std::array<sos_section<double>, S>& sos) {
        for (std::size_t k = 0; k < S; ++k) {
            const auto f = iir_detail::to_df_coeffs<float>(sos[k]);
            c[k] = {f.b0, f.b1, f.b2, f.na1, f.na2};
        }
    }
    double operator()(double x) {
        peak[0] = std::fmax(peak[0], std::fabs(x));
        for (std::size_t k = 0; k < S; ++k) {
            const double y = c[k].b0 * x + s1[k];
            s1[k] = c[k].b1 * x + c[k].na1 * y + s2[k];
            s2[k] = c[k].b2 * x + c[k].na2 * y;
            x = y;
            peak[k + 1] = std::fmax(peak[k + 1], std::fabs(y));
        }
        return x;
    }
    // u sum_k ||g_k||_1 P_k (5 + 7) * 1.01 (see the file comment).
    double bound() const {
        double sum = 0.0;
        for (std::size_t k = 0; k < S; ++k) {
            // g_k: unit impulse into section k's recursion only (numerator 1), then k+1..S-1.
            std::array<double, S> t1{}, t2{};
            double l1 = 0.0, tail = 0.0;
            const std::size_t len = 1 << 16;
            for (std::size_t n = 0; n < len; ++n) {
                double x = n == 0 ? 1.0 : 0.0;
                {
                    const double y = x + t1[k];
                    t1[k] = c[k].na1 * y + t2[k];
                    t2[k] = c[k].na2 * y;
                    x = y;
                }
                for (std::size_t j = k + 1; j < S; ++j) {
                    const double y = c[j].b0 * x + t1[j];
                    t1[j] = c[j].b1 * x + c[j].na1 * y + t2[j];
                    t2[j] = c[j].b2 * x + c[j].na2 * y;
                    x = y;
                }
                l1 += std::fabs(x);
                if (n >= len - 1000) tail += std::fabs(x);
            }
            REQUIRE(tail < 1e-12 * l1);  // the truncated response holds all of ||g_k||_1
            const double pk = (std::fabs(c[k].b0) + std::fabs(c[k].b1) + std::fabs(c[k].b2)) * peak[k] +
                              (std::fabs(c[k].na1) + std::fabs(c[k].na2)) * peak[k + 1];
            sum += l1 * pk;
        }
        return std::ldexp(1.0, -24) * sum * 12.0 * 1.01;
    }
};

template <std::size_t S>
void check_bank(const std::array<std::array<sos_section<double>, S>, kC>& designs) {
    std::array<biquad_cascade<float, S>, kC> singles{};
    for (std::size_t c = 0; c < kC; ++c) singles[c] = biquad_cascade<float, S>{designs[c]};
    static nerve::multi<biquad_cascade<float, S>, kC> m{singles};
    m.reset();
    static std::array<float, kC> in[kFrames], out[kFrames];
    for (std::size_t i = 0; i < kFrames; ++i)
        for (std::size_t c = 0; c < kC; ++c) in[i][c] = sig(i, c);
    // Blocks of several lengths (below, at and above the kernel's minimum of 32 frames, and
    // every remainder of the 8-channel kernel's 8-frame unrolled run, 34..41), so state
    // crosses block boundaries and both paths.
    const std::size_t lengths[] = {31, 32, 33, 1000, 64, 7, 34, 35, 36, 37, 38, 39, 40, 41, 933};
    std::size_t at = 0;
    for (std::size_t len : lengths) {
        NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<float, kC>>(in + at, len),
                                         std::span<std::array<float, kC>>(out + at, len)));
        at += len;
    }
    REQUIRE(at == kFrames);
    for (std::size_t c = 0; c < kC; ++c) {
        reference<S> ref{designs[c]};
        std::array<double, kFrames> y{};
        for (std::size_t i = 0; i < kFrames; ++i) y[i] = ref(static_cast<double>(in[i][c]));
        const double bound = ref.bound();
        double worst = 0.0;
        for (std::size_t i = 0; i < kFrames; ++i) {
            REQUIRE(std::isfinite(out[i][c]));
            worst = std::fmax(worst, std::fabs(static_cast<double>(out[i][c]) - y[i]));
        }
        INFO("channel " << c << " max error " << worst << " bound " << bound << " peak " << ref.peak[S]);
        REQUIRE(worst <= bound);
        // The bound is a worst case (the measured error is far below it) but not vacuous.
        REQUIRE(bound < 1e-2 * ref.peak[S]);
        REQUIRE(m.rejected(c) == 0);
        REQUIRE(m.resets(c) == 0);
    }
}
}  // namespace

TEST_CASE("multi<biquad_cascade<float,4>,8> block path within the derived bound of the exact filter",
          "[filter][biquad][multi]") {
    std::array<std::array<sos_section<double>, 4>, kC> d{};
    for (std::size_t c = 0; c < kC; ++c)
        d[c] = c % 2 == 0 ? butterworth<8, band_type::lowpass>(0.04 + 0.06 * static_cast<double>(c))
                          : chebyshev1<8, band_type::highpass>(0.5, 0.05 + 0.05 * static_cast<double>(c));
    check_bank<4>(d);
}

TEST_CASE("multi<biquad_cascade<float,S>,8> block path, S = 2, 6 and 8", "[filter][biquad][multi]") {
    std::array<std::array<sos_section<double>, 2>, kC> d2{};
    std::array<std::array<sos_section<double>, 6>, kC> d6{};
    std::array<std::array<sos_section<double>, 8>, kC> d8{};
    for (std::size_t c = 0; c < kC; ++c) {
        d2[c] = butterworth<4, band_type::lowpass>(0.05 + 0.1 * static_cast<double>(c));
        // (a 12th-order Chebyshev passes too, but its worst-case bound is 1-5% of the signal:
        // the bound grows with the noise gain of high-Q sections, as the actual error does)
        d6[c] = butterworth<12, band_type::lowpass>(0.1 + 0.08 * static_cast<double>(c));
        d8[c] = butterworth<16, band_type::lowpass>(0.1 + 0.08 * static_cast<double>(c));
    }
    check_bank<2>(d2);
    check_bank<6>(d6);
#if NERVE_IIR_BANK8_AVX512
    // 4 vector sections: the longest prologue and epilogue of the kernel's skewed loop (only
    // where the kernel exists: its 150 KB of frames do not fit beside the rest in the M4's RAM)
    check_bank<8>(d8);
#else
    (void)d8;
#endif
}

TEST_CASE("multi<biquad_cascade<float,4>,8> bad input: same bits and counts as 8 single filters",
          "[filter][biquad][multi]") {
    // A block with a NaN, an Inf or an overflow takes the per-frame path, which is
    // bit-identical to the single-channel filters (held input, reset), as on every target.
    std::array<biquad_cascade<float, 4>, kC> singles{};
    for (std::size_t c = 0; c < kC; ++c)
        singles[c] = biquad_cascade<float, 4>{butterworth<8, band_type::lowpass>(0.05 + 0.05 * static_cast<double>(c))};
    static nerve::multi<biquad_cascade<float, 4>, kC> m{singles};
    static std::array<float, kC> in[600], out[600];
    for (std::size_t i = 0; i < 600; ++i)
        for (std::size_t c = 0; c < kC; ++c) in[i][c] = sig(i, c);
    in[50][3] = std::numeric_limits<float>::quiet_NaN();
    in[51][3] = std::numeric_limits<float>::infinity();
    in[300][7] = -std::numeric_limits<float>::infinity();
    in[400][0] = 3e38f;  // huge finite inputs (a reset where the state overflows)
    in[401][0] = -3e38f;
    NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const std::array<float, kC>>(in), std::span<std::array<float, kC>>(out)));
    for (std::size_t i = 0; i < 600; ++i)
        for (std::size_t c = 0; c < kC; ++c) {
            const float y = singles[c](in[i][c]);
            INFO("frame " << i << " channel " << c);
            REQUIRE(std::memcmp(&y, &out[i][c], sizeof y) == 0);
        }
    for (std::size_t c = 0; c < kC; ++c) {
        REQUIRE(m.rejected(c) == singles[c].rejected());
        REQUIRE(m.resets(c) == singles[c].resets());
    }
    REQUIRE(m.rejected(3) == 2);
    // In place (input and output the same frames) is correct too.
    static std::array<float, kC> io[200];
    for (std::size_t i = 0; i < 200; ++i)
        for (std::size_t c = 0; c < kC; ++c) io[i][c] = sig(i + 600, c);
    m.process(std::span<const std::array<float, kC>>(io), std::span<std::array<float, kC>>(io));
    for (std::size_t i = 0; i < 200; ++i)
        for (std::size_t c = 0; c < kC; ++c) {
            const float y = singles[c](sig(i + 600, c));
            REQUIRE(std::fabs(y - io[i][c]) <= 1e-4f);
        }
}
