#include "nerve_test.hpp"

#include <cmath>
#include <complex>
#include <limits>
#include <span>

#include "golden/spectral_envelope.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/spectral_kurtosis.hpp"
#include "nerve/spectral/stft.hpp"

namespace sp = nerve::spectral;
namespace ge = nerve::golden::spectral_envelope;

static_assert(nerve::general_operator<sp::spectral_kurtosis<129>>);
static_assert(nerve::general_operator<sp::stft<256, 64>>);

TEST_CASE("spectral_kurtosis: STFT-based SK matches numpy and finds the impulsive band", "[spectral][sk]") {
    static sp::stft<256, 64> st{nerve::window::hann, nerve::sample_rate{1000.0}};
    static sp::spectral_kurtosis<129> sk;
    int frames = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < 4096; ++i) st.push(ge::impulsive_x[i], [&](const sp::spectrum_view<float>& v) {
        CHECK(v.index == static_cast<std::uint64_t>(frames));
        ++frames;
        sk.push(v, [](const auto&) {});
    }));
    CHECK(frames == static_cast<int>(ge::sk_frames));
    CHECK(sk.frames() == static_cast<std::uint64_t>(ge::sk_frames));
    static sp::spectrum_view<float> got;
    int n = 0;
    sk.flush([&](const sp::spectrum_view<float>& v) { got = v; ++n; });
    REQUIRE(n == 1);
    REQUIRE(got.size() == 129);
    CHECK(got.kind == sp::quantity::kurtosis);
    double err = 0.0;
    std::size_t best = 0;
    for (std::size_t k = 0; k < 129; ++k) {
        err = std::fmax(err, std::fabs(got.values[k] - ge::sk_256_64[k]) / (1.0 + std::fabs(ge::sk_256_64[k])));
        if (k > 0 && k < 128 && got.values[k] > got.values[best]) best = k;  // DC/Nyquist bins are real: SK 1
    }
    CHECK(err <= 1e-5);  // |SK - ref| / (1 + |ref|): SK is near 0 for Gaussian bins
    // The bursts sit at 300 Hz.
    CHECK(std::fabs(got.frequency(best) - 300.0) < 30.0);
    CHECK(std::fabs(st.frame_time(0) - 0.128) < 1e-12);
}

TEST_CASE("spectral_kurtosis: Gaussian-like noise near 0, tone near -1, bad input", "[spectral][sk]") {
    static std::complex<float> bins[5];
    sp::spectrum_view<float> v;
    v.bins = std::span<const std::complex<float>>{bins};
    sp::spectral_kurtosis<5> sk{100};
    int n = 0;
    static sp::spectrum_view<float> got;
    std::uint32_t seed = 12345;
    auto uni = [&]() { seed = seed * 1664525u + 1013904223u; return (seed >> 8) * (1.0 / 16777216.0); };
    for (int m = 0; m < 100; ++m) {
        for (int k = 0; k < 4; ++k) {  // Gaussian by Box-Muller
            const double r = std::sqrt(-2.0 * std::log(1.0 - uni())), t = 2 * 3.141592653589793 * uni();
            bins[k] = {static_cast<float>(r * std::cos(t)), static_cast<float>(r * std::sin(t))};
        }
        bins[4] = std::polar(2.0f, static_cast<float>(m));  // constant magnitude: SK = -1
        sk.push(v, [&](const sp::spectrum_view<float>& s) { got = s; ++n; });
    }
    REQUIRE(n == 1);
    for (int k = 0; k < 4; ++k) CHECK(std::fabs(got.values[k]) < 0.6);
    CHECK(got.values[4] == Approx(-1.0).margin(1e-5));
    bins[2] = {std::numeric_limits<float>::quiet_NaN(), 0.0f};
    sk.push(v, [&](const auto&) { ++n; });
    CHECK(sk.rejected() == 1);
    CHECK(sk.frames() == 0);
    sp::spectrum_view<float> no_bins;  // power only: cannot estimate SK
    sk.push(no_bins, [&](const auto&) { ++n; });
    CHECK(sk.rejected() == 2);
}
