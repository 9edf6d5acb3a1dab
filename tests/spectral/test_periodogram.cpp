#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "golden/spectral_signal.hpp"
#include "golden/spectral_welch.hpp"
#include "golden_compare.hpp"
#include "nerve/core/bfloat16.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/periodogram.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gw = nerve::golden::spectral_welch;
namespace gs = nerve::golden::spectral_signal;
using nerve::window::family;
using nerve::test::normwise_error;
using nerve::test::same_spectrum;

static_assert(nerve::general_operator<sp::periodogram<64>>);

namespace {
// Frames with a mean to remove and a sine on top of noise-like values, any sample type.
template <class T, std::size_t N>
void fill(T (&x)[N], std::uint32_t seed) {
    std::uint32_t s = seed;
    for (std::size_t n = 0; n < N; ++n) {
        s = s * 1664525u + 1013904223u;
        const double noise = static_cast<double>(s >> 8) / 16777216.0 - 0.5;
        const double v = 0.3 + 0.4 * std::sin(0.37 * static_cast<double>(n)) + 0.2 * noise;
        if constexpr (std::is_same_v<T, nerve::q15>) x[n] = nerve::q15::from_float(v);
        else x[n] = static_cast<T>(v);
    }
}

// periodogram<N, T, W, S, D> against rfft<N, T> with the same window, scaling and detrending,
// frame after frame: the same values bit for bit, and the same description.
template <std::size_t N, class T, family W, sp::scaling S, sp::detrend D>
void check_same_as_rfft(std::uint32_t seed) {
    static sp::periodogram<N, T, W, S, D> lean{nerve::sample_rate{250.0}};
    static sp::rfft<N, T> ref{nerve::window::spec{W}, nerve::sample_rate{250.0}, S, D};
    static T x[N];
    for (int round = 0; round < 3; ++round) {
        fill(x, seed + static_cast<std::uint32_t>(round));
        REQUIRE(lean.transform(std::span<const T, N>{x}));
        REQUIRE(ref.transform(std::span<const T, N>{x}));
        REQUIRE(lean.view().size() == N / 2 + 1);
        CHECK(lean.view().bins.empty());
        CHECK(same_spectrum(lean.view(), ref.view()));
    }
}
}  // namespace

TEST_CASE("periodogram: rfft's power spectrum bit for bit, every sample type, scaling and detrending", "[spectral][periodogram]") {
    check_same_as_rfft<1024, float, family::hann, sp::scaling::spectrum, sp::detrend::constant>(1);
    check_same_as_rfft<384, float, family::hann, sp::scaling::spectrum, sp::detrend::constant>(2);   // mixed radix
    check_same_as_rfft<256, float, family::blackman_harris, sp::scaling::density, sp::detrend::none>(3);
    check_same_as_rfft<64, float, family::rectangular, sp::scaling::spectrum, sp::detrend::none>(4);
    check_same_as_rfft<128, double, family::hamming, sp::scaling::density, sp::detrend::constant>(5);
    check_same_as_rfft<128, nerve::q15, family::flat_top, sp::scaling::spectrum, sp::detrend::constant>(6);
}

TEST_CASE("periodogram: Hann-windowed frame matches scipy periodogram, density with detrend", "[spectral][periodogram]") {
    static sp::periodogram<1024, float, family::hann> op{nerve::sample_rate{gs::fs}};
    int emitted = 0;
    static sp::spectrum_view<float> got;
    const std::span<const float, 1024> frame{gs::x, 1024};
    NERVE_REQUIRE_NO_ALLOC(op.push(frame, [&](const sp::spectrum_view<float>& v) { got = v; ++emitted; }));
    REQUIRE(emitted == 1);
    REQUIRE(got.size() == 513);
    CHECK(got.kind == sp::quantity::power);
    CHECK(normwise_error(got.values, gw::rfft_hann_power, 513) <= 1e-5);
    static sp::periodogram<1024, float, family::hann, sp::scaling::density, sp::detrend::constant> d{
        nerve::sample_rate{gs::fs}};
    REQUIRE(d.transform(frame));
    CHECK(d.view().kind == sp::quantity::density);
    CHECK(normwise_error(d.view().values, gw::rfft_hann_density_detrended, 513) <= 1e-5);
}

TEST_CASE("periodogram: bfloat16 frames are float frames rounded", "[spectral][periodogram]") {
    constexpr std::size_t N = 256;
    static nerve::bfloat16 h[N];
    static float f[N];
    fill(f, 9);
    for (std::size_t n = 0; n < N; ++n) {
        h[n] = nerve::bfloat16{f[n]};
        f[n] = static_cast<float>(h[n]);
    }
    static sp::periodogram<N, nerve::bfloat16, family::hann, sp::scaling::spectrum, sp::detrend::constant> a;
    static sp::periodogram<N, float, family::hann, sp::scaling::spectrum, sp::detrend::constant> b;
    REQUIRE(a.transform(std::span<const nerve::bfloat16, N>{h}));
    REQUIRE(b.transform(std::span<const float, N>{f}));
    bool equal = true;
    for (std::size_t k = 0; k <= N / 2; ++k) equal = equal && a.view().values[k] == b.view().values[k];
    CHECK(equal);
}

TEST_CASE("periodogram: NaN or Inf frames are rejected and counted, the last spectrum kept", "[spectral][periodogram]") {
    constexpr std::size_t N = 64;
    static float x[N];
    fill(x, 11);
    sp::periodogram<N, float, family::hann> op;
    int emitted = 0;
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    static float ref[N / 2 + 1];
    for (std::size_t k = 0; k <= N / 2; ++k) ref[k] = op.view().values[k];
    const float keep = x[5];
    x[5] = std::numeric_limits<float>::quiet_NaN();
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    x[5] = -std::numeric_limits<float>::infinity();
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    CHECK(emitted == 1);
    CHECK(op.rejected() == 2);
    CHECK(op.frames() == 1);
    bool kept = true;
    for (std::size_t k = 0; k <= N / 2; ++k) kept = kept && op.view().values[k] == ref[k];
    CHECK(kept);
    x[5] = keep;
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    CHECK(emitted == 2);
    CHECK(op.view().index == 1);
    op.reset();
    CHECK(op.frames() == 0);
    CHECK(op.rejected() == 0);
    CHECK(op.view().values[1] == 0.0f);
}

TEST_CASE("periodogram: RAM is one N + 2 buffer and real_fft's work space", "[spectral][periodogram]") {
    constexpr std::size_t N = 1024;
    using lean = sp::periodogram<N, float, family::hann>;
    CHECK(sizeof(lean) <= sizeof(sp::real_fft<float, N>) + (N + 2) * sizeof(float) + sizeof(double) + 8 + alignof(lean));
    CHECK(sizeof(lean) < sizeof(sp::rfft<N, float>) / 2 + 2048);
}
