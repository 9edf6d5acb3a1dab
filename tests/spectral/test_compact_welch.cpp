#include "nerve_test.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>
#include <iterator>
#include <limits>
#include <span>

#include "golden/spectral_signal.hpp"
#include "golden/spectral_welch.hpp"
#include "golden_compare.hpp"
#include "nerve/core/fixed_point.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/spectral/compact_welch.hpp"
#include "nerve/spectral/fft.hpp"
#include "nerve/spectral/welch.hpp"

namespace sp = nerve::spectral;
namespace gw = nerve::golden::spectral_welch;
namespace gs = nerve::golden::spectral_signal;
using nerve::test::elementwise_error;
using nerve::test::normwise_error;
using family = nerve::window::family;

static_assert(nerve::general_operator<sp::compact_welch<64>>);
// The segment and the sums, nothing else of size: 1.5 N + 1 values, on every target up to N = 8192
// (blocked, on SIMD hosts, the quarter FFTs' buffers are on the stack); above that the blocked
// path holds them, 4 (N/8 + 16) floats.
template <bool Blocked>
using compact_impl = sp::detail::compact_welch_impl<4096, float, family::hann, Blocked>;
static_assert(sizeof(compact_impl<false>) < (4096 + 2049) * sizeof(float) + 128);
static_assert(sizeof(sp::compact_welch<4096>) < (4096 + 2049) * sizeof(float) + 128);
static_assert(sizeof(sp::compact_welch<8192>) < (8192 + 4097) * sizeof(float) + 128);
static_assert(sizeof(sp::compact_welch<16384>) < (16384 + 8193) * sizeof(float) + 128 +
                                                     (sp::detail::compact_welch_blocked<float, 16384> ? 4 * (2048 + 16) * sizeof(float) + 64 : 0));

namespace {
/// Feeds the golden signal (4096 samples) and returns what flush() emits (the whole estimate).
template <class Op>
sp::spectrum_view<float> feed_and_flush(Op& op, int& emitted_on_push) {
    emitted_on_push = 0;
    auto count = [&](const auto&) { ++emitted_on_push; };
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < 4096; ++i) op.push(gs::x[i], count));
    sp::spectrum_view<float> got;
    op.flush([&](const sp::spectrum_view<float>& v) { got = v; });
    return got;
}
}  // namespace

TEST_CASE("compact_welch: Hann density and spectrum scaling match scipy.signal.welch", "[spectral][compact_welch]") {
    for (auto s : {sp::scaling::density, sp::scaling::spectrum}) {
        static sp::compact_welch<1024> op;
        op = sp::compact_welch<1024>{nerve::sample_rate{gs::fs}, s};
        int pushed = 0;
        const auto got = feed_and_flush(op, pushed);
        CHECK(pushed == 0);  // K = 0: only on flush
        CHECK(got.index == static_cast<std::uint64_t>(gw::welch_segments_1024_512));
        REQUIRE(got.size() == 513);
        CHECK(got.kind == (s == sp::scaling::density ? sp::quantity::density : sp::quantity::power));
        CHECK(got.bin_hz == Approx(gs::fs / 1024));
        CHECK(got.enbw_bins == Approx(1.5).epsilon(1e-12));
        CHECK(got.window_sum == Approx(512.0));
        const double* ref = s == sp::scaling::density ? gw::welch_hann_1024_512_density : gw::welch_hann_1024_512_spectrum;
        // welch<1024> (window applied in time, double sums) meets the same bounds (test_welch.cpp).
        CHECK(normwise_error(got.values, ref, 513) <= 1e-5);
        CHECK(elementwise_error(got.values, ref, 513) <= 1e-4);
        CHECK(op.segments() == 0);
        CHECK(op.estimate().size() == 513);  // readable until the next segment completes
    }
}

TEST_CASE("compact_welch: max-hold, flat-top and Blackman-Harris without detrending match scipy", "[spectral][compact_welch]") {
    int pushed = 0;
    static sp::compact_welch<1024> hold{nerve::sample_rate{gs::fs}, sp::scaling::spectrum, sp::average::max_hold};
    auto got = feed_and_flush(hold, pushed);
    CHECK(normwise_error(got.values, gw::welch_hann_1024_512_spectrum_max, 513) <= 1e-5);
    CHECK(elementwise_error(got.values, gw::welch_hann_1024_512_spectrum_max, 513) <= 1e-4);

    static sp::compact_welch<1024, float, family::flat_top> flat{nerve::sample_rate{gs::fs}, sp::scaling::spectrum};
    got = feed_and_flush(flat, pushed);
    CHECK(got.index == 7);
    CHECK(normwise_error(got.values, gw::welch_flattop_1024_512_spectrum, 513) <= 1e-5);
    CHECK(elementwise_error(got.values, gw::welch_flattop_1024_512_spectrum, 513) <= 1e-4);

    static sp::compact_welch<256, float, family::blackman_harris> bh{nerve::sample_rate{gs::fs}, sp::scaling::density,
                                                                   sp::average::mean, 0, sp::detrend::none};
    got = feed_and_flush(bh, pushed);
    CHECK(got.index == (4096 - 256) / 128 + 1);
    CHECK(normwise_error(got.values, gw::welch_blackmanharris_256_128_density_raw, 129) <= 1e-5);
    // The 92 dB sidelobes leave bins far under the peak, where float rounding is relatively larger.
    CHECK(elementwise_error(got.values, gw::welch_blackmanharris_256_128_density_raw, 129, 1e-9) <= 1e-3);
}

TEST_CASE("compact_welch: every K segments an estimate, as framer | welch gives it", "[spectral][compact_welch]") {
    constexpr std::size_t N = 256;
    static sp::compact_welch<N> cw{nerve::sample_rate{gs::fs}, sp::scaling::density, sp::average::mean, 5};
    static sp::welch<N, float, double> wl{nerve::window::hann, nerve::sample_rate{gs::fs}, sp::scaling::density,
                                          sp::average::mean, 5};
    static nerve::framer<N, N / 2> fr;
    static float ref[6][N / 2 + 1];
    int a = 0, b = 0;
    for (std::size_t i = 0; i < 4096; ++i) {
        cw.push(gs::x[i], [&](const sp::spectrum_view<float>& v) {
            REQUIRE(a < 6);
            CHECK(v.index == 5);
            // Emitted before welch's (both after the same sample): compare when welch catches up.
            for (std::size_t k = 0; k <= N / 2; ++k) ref[a][k] = v.values[k];
            ++a;
        });
        fr.push(gs::x[i], [&](std::span<const float, N> f) {
            wl.push(f, [&](const sp::spectrum_view<float>& v) {
                REQUIRE(b < a);
                static double w[N / 2 + 1];
                for (std::size_t k = 0; k <= N / 2; ++k) w[k] = v.values[k];
                CHECK(normwise_error(std::span<const float>{ref[b], N / 2 + 1}, w, N / 2 + 1) <= 1e-6);
                ++b;
            });
        });
    }
    constexpr int total = (4096 - N) / (N / 2) + 1;  // 31 segments
    CHECK(a == total / 5);
    CHECK(a == b);
    CHECK(cw.segments() == total % 5);
    CHECK(cw.estimate().size() == 0);  // a segment completed after the last estimate
}

TEST_CASE("compact_welch: the in-place kernel is the DFT in bit-reversed order, and its inverse restores the data",
          "[spectral][compact_welch]") {
    auto check = [](auto tag) {
        constexpr std::size_t M = decltype(tag)::value;
        static std::complex<float> z[M], ref[M];
        for (std::size_t n = 0; n < M; ++n)
            z[n] = ref[n] = {static_cast<float>(std::sin(0.37 * n) + 0.1 * n / M), static_cast<float>(std::cos(1.3 * n * n / M))};
        static sp::fft<float, M> f;
        static std::complex<float> Z[M];
        f.forward(std::span<const std::complex<float>, M>{ref}, std::span<std::complex<float>, M>{Z});
        sp::detail::inplace_forward<float, M>(z);
        double peak = 0, err = 0;
        for (std::size_t j = 0; j < M; ++j) {
            peak = std::fmax(peak, std::abs(Z[j]));
            err = std::fmax(err, std::abs(z[sp::detail::bit_reverse<M>(j)] - Z[j]));
        }
        CHECK(err <= 1e-7 * peak * std::log2(static_cast<double>(M) + 1));
        sp::detail::inplace_inverse<float, M>(z);
        double back = 0;
        for (std::size_t n = 0; n < M; ++n) back = std::fmax(back, std::abs(z[n] / static_cast<float>(M) - ref[n]));
        CHECK(back <= 2e-7 * std::log2(static_cast<double>(M) + 1));
    };
    check(std::integral_constant<std::size_t, 2>{});
    check(std::integral_constant<std::size_t, 4>{});
    check(std::integral_constant<std::size_t, 8>{});
    check(std::integral_constant<std::size_t, 16>{});
    check(std::integral_constant<std::size_t, 64>{});
    check(std::integral_constant<std::size_t, 2048>{});
    // Bit-reversed counting, up and down, as the power pass walks Z[k] and Z[M - k].
    std::size_t up = sp::detail::bit_reverse<64>(1), down = sp::detail::bit_reverse<64>(63);
    for (std::size_t j = 2; j < 64; ++j) {
        up = sp::detail::bit_reversed_increment<64>(up);
        down = sp::detail::bit_reversed_decrement<64>(down);
        CHECK(up == sp::detail::bit_reverse<64>(j));
        CHECK(down == sp::detail::bit_reverse<64>(64 - j));
    }
}

namespace {
/// Runs the in-place (Cortex-M) and the blocked (SIMD hosts) paths side by side on four passes of
/// the golden signal at rising gain and checks every estimate: normwise within 1e-6, each bin
/// within 1e-5 of itself or 1e-7 of the peak (the windowed floor is 100+ dB down).
template <std::size_t N, family Window>
void check_blocked_against_in_place(sp::average average) {
    using in_place_t = sp::detail::compact_welch_impl<N, float, Window, false>;
    using blocked_t = sp::detail::compact_welch_impl<N, float, Window, sp::detail::compact_welch_blocked<float, N>>;
    static in_place_t in_place{nerve::sample_rate{gs::fs}, sp::scaling::spectrum, average, 3};
    static blocked_t blocked{nerve::sample_rate{gs::fs}, sp::scaling::spectrum, average, 3};
    in_place = in_place_t{nerve::sample_rate{gs::fs}, sp::scaling::spectrum, average, 3};
    blocked = blocked_t{nerve::sample_rate{gs::fs}, sp::scaling::spectrum, average, 3};
    static float a[N / 2 + 1];
    static double b[N / 2 + 1];
    int emitted = 0;
    const std::size_t samples = 4 * std::max<std::size_t>(N, 4096);
    for (std::size_t i = 0; i < samples; ++i) {
        const float x = gs::x[i % 4096] * (1.0f + 0.1f * static_cast<float>(i / 4096));
        in_place.push(x, [&](const sp::spectrum_view<float>& v) {
            for (std::size_t k = 0; k < v.size(); ++k) a[k] = v.values[k];
        });
        blocked.push(x, [&](const sp::spectrum_view<float>& v) {
            REQUIRE(v.size() == N / 2 + 1);
            double peak = 0;
            for (std::size_t k = 0; k < v.size(); ++k) {
                b[k] = v.values[k];
                peak = std::max(peak, b[k]);
            }
            CHECK(normwise_error(std::span<const float>{a, N / 2 + 1}, b, N / 2 + 1) <= 1e-6);
            std::size_t off = 0;
            for (std::size_t k = 0; k < v.size(); ++k)
                if (std::abs(a[k] - b[k]) > std::max(1e-5 * b[k], 1e-7 * peak)) ++off;
            CHECK(off == 0);
            ++emitted;
        });
    }
    // (samples - N) / (N / 2) + 1 segments, an estimate every 3.
    CHECK(emitted == static_cast<int>(((samples - N) / (N / 2) + 1) / 3));
}
}  // namespace

TEST_CASE("compact_welch: the blocked transform (SIMD hosts) and the in-place one give the same estimate",
          "[spectral][compact_welch]") {
    // On targets without a SIMD kernel both are the in-place one. Sizes from the smallest blocked
    // one on SSE2/NEON (256) up; windows of 2 to 5 cosine terms; both averages.
    check_blocked_against_in_place<4096, family::hann>(sp::average::mean);
    check_blocked_against_in_place<1024, family::flat_top>(sp::average::max_hold);
    check_blocked_against_in_place<512, family::blackman_harris>(sp::average::mean);
    check_blocked_against_in_place<256, family::hamming>(sp::average::max_hold);
    // Above N = 8192 the blocked path keeps its FFT buffers in the object instead of the stack
    // (hosts only: the in-place path's 96 kB is more than this test should take on an MCU).
    if constexpr (sp::detail::compact_welch_blocked<float, 16384>)
        check_blocked_against_in_place<16384, family::hann>(sp::average::mean);
}

TEST_CASE("compact_welch: a large offset is removed without spoiling the floor", "[spectral][compact_welch]") {
    // A 12-bit ADC's mid-scale offset on the golden signal: removed before the transform and put
    // back with the samples, so the estimate is scipy's of the signal without it.
    static sp::compact_welch<1024> op{nerve::sample_rate{gs::fs}, sp::scaling::density};
    for (std::size_t i = 0; i < 4096; ++i) op.push(gs::x[i] + 2048.0f, [](const auto&) {});
    sp::spectrum_view<float> got;
    op.flush([&](const sp::spectrum_view<float>& v) { got = v; });
    // float holds x + 2048 to 2.4e-4 only (the input's own rounding, which scipy's welch of the float sum shows too).
    CHECK(normwise_error(got.values, gw::welch_hann_1024_512_density, 513) <= 1e-4);
}

TEST_CASE("compact_welch: NaN, Inf and overflowing segments are rejected, counted, and leave nothing behind",
          "[spectral][compact_welch]") {
    constexpr std::size_t N = 64;
    const float bad_values[] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), 3e37f};
    for (float bad : bad_values) {
        static sp::compact_welch<N> cw{nerve::sample_rate{100.0}};
        static sp::welch<N, float, float> wl{nerve::window::hann, nerve::sample_rate{100.0}};
        static nerve::framer<N, N / 2> fr;
        cw.reset();
        wl.reset();
        fr.reset();
        auto ignore = [](const auto&) {};
        for (std::size_t i = 0; i < 10 * N; ++i) {
            const float x = i == 3 * N + 5 ? bad : static_cast<float>(std::sin(0.7 * i) + 0.25);
            cw.push(x, ignore);
            fr.push(x, [&](std::span<const float, N> f) { wl.push(f, ignore); });
        }
        CHECK(cw.rejected() == 2);  // the two segments holding the sample
        CHECK(cw.segments() == 19 - 2);
        sp::spectrum_view<float> got;
        cw.flush([&](const sp::spectrum_view<float>& v) { got = v; });
        static double ref[N / 2 + 1];
        wl.flush([&](const sp::spectrum_view<float>& v) {
            for (std::size_t k = 0; k <= N / 2; ++k) ref[k] = v.values[k];
        });
        for (float v : got.values) CHECK(std::isfinite(v));
        if (bad != bad_values[2]) CHECK(normwise_error(got.values, ref, N / 2 + 1) <= 1e-6);  // welch takes 3e37 (its sum fits)
    }
}

TEST_CASE("compact_welch: snapshot and restore continue the same estimate; q15 samples are analysed in float",
          "[spectral][compact_welch]") {
    constexpr std::size_t N = 64;
    static sp::compact_welch<N> a{nerve::sample_rate{100.0}}, b{nerve::sample_rate{100.0}};
    auto ignore = [](const auto&) {};
    auto x = [](std::size_t i) { return static_cast<float>(0.5 * std::sin(0.37 * i) + 0.001 * i); };
    for (std::size_t i = 0; i < 3 * N + 7; ++i) a.push(x(i), ignore);
    static std::byte buf[2048];
    const auto n = nerve::snapshot(a, std::span<std::byte>{buf});
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());
    CHECK(b.segments() == a.segments());
    CHECK(b.buffered() == a.buffered());
    for (std::size_t i = 3 * N + 7; i < 9 * N; ++i) {
        a.push(x(i), ignore);
        b.push(x(i), ignore);
    }
    static float va[N / 2 + 1];
    a.flush([&](const sp::spectrum_view<float>& v) {
        for (std::size_t k = 0; k <= N / 2; ++k) va[k] = v.values[k];
    });
    b.flush([&](const sp::spectrum_view<float>& v) {
        for (std::size_t k = 0; k <= N / 2; ++k) CHECK(v.values[k] == va[k]);
    });
    buf[20] ^= std::byte{0x5a};
    CHECK_FALSE(nerve::restore(b, std::span<const std::byte>{buf, n.value()}).ok());

    static sp::compact_welch<N, nerve::q15> q{nerve::sample_rate{100.0}};
    static sp::compact_welch<N> f{nerve::sample_rate{100.0}};
    for (std::size_t i = 0; i < 5 * N; ++i) {
        const nerve::q15 s = nerve::q15::from_float(x(i));
        q.push(s, ignore);
        f.push(static_cast<float>(s), ignore);
    }
    static float vq[N / 2 + 1];
    q.flush([&](const sp::spectrum_view<float>& v) {
        for (std::size_t k = 0; k <= N / 2; ++k) vq[k] = v.values[k];
    });
    f.flush([&](const sp::spectrum_view<float>& v) {
        for (std::size_t k = 0; k <= N / 2; ++k) CHECK(v.values[k] == vq[k]);  // same float values in
    });
    q.reset();
    CHECK(q.segments() == 0);
    CHECK(q.buffered() == 0);
    CHECK(q.estimate().size() == 0);
}

TEST_CASE("compact_welch: process() in uneven pieces gives push()'s estimates bit for bit", "[spectral][compact_welch]") {
    constexpr std::size_t N = 1024;
    static sp::compact_welch<N> by_sample{nerve::sample_rate{gs::fs}, sp::scaling::density, sp::average::mean, 2};
    static sp::compact_welch<N> by_piece{nerve::sample_rate{gs::fs}, sp::scaling::density, sp::average::mean, 2};
    static float want[9][N / 2 + 1];
    static float x[3 * 4096];
    for (std::size_t i = 0; i < std::size(x); ++i) x[i] = gs::x[i % 4096] + (i % 4096 == 77 && i > 4096 ? std::numeric_limits<float>::quiet_NaN() : 0.0f);
    int pushed = 0, processed = 0;
    for (float v : x)
        by_sample.push(v, [&](const sp::spectrum_view<float>& s) {
            REQUIRE(pushed < 9);
            for (std::size_t k = 0; k < s.size(); ++k) want[pushed][k] = s.values[k];
            ++pushed;
        });
    // Pieces shorter and longer than a hop and a segment, and empty ones.
    const std::size_t pieces[] = {0, 1, 511, 512, 513, 3000, 7, 1024, 0, 2049};
    std::size_t at = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t p = 0; at < std::size(x); ++p) {
        const std::size_t n = std::min(pieces[p % std::size(pieces)], std::size(x) - at);
        by_piece.process(std::span<const float>{x + at, n}, [&](const sp::spectrum_view<float>& s) {
            REQUIRE(processed < pushed);
            std::size_t differ = 0;
            for (std::size_t k = 0; k < s.size(); ++k) differ += s.values[k] != want[processed][k];
            CHECK(differ == 0);
            ++processed;
        });
        at += n;
    });
    // 23 segments; each NaN spoils two: 19 accepted, an estimate every 2.
    CHECK(pushed == 9);
    CHECK(by_sample.rejected() == 4);
    CHECK(processed == pushed);
    CHECK(by_piece.rejected() == by_sample.rejected());
    CHECK(by_piece.buffered() == by_sample.buffered());
}
