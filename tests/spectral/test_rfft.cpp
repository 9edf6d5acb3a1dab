#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <complex>
#include <limits>
#include <span>

#include "golden/spectral_signal.hpp"
#include "golden/spectral_welch.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gw = nerve::golden::spectral_welch;
namespace gs = nerve::golden::spectral_signal;
using nerve::test::normwise_error;
using nerve::test::elementwise_error;

static_assert(nerve::general_operator<sp::rfft<64>>);

TEST_CASE("rfft: Hann-windowed frame matches numpy.fft.rfft and scipy periodogram", "[spectral][rfft]") {
    static sp::rfft<1024> op{nerve::window::hann, nerve::sample_rate{gs::fs}};
    const std::span<const float, 1024> frame{gs::x, 1024};
    int emitted = 0;
    static sp::spectrum_view<float> got;
    NERVE_REQUIRE_NO_ALLOC(op.push(frame, [&](const sp::spectrum_view<float>& v) { got = v; ++emitted; }));
    REQUIRE(emitted == 1);
    REQUIRE(got.size() == 513);
    REQUIRE(got.bins.size() == 513);
    CHECK(got.kind == sp::quantity::power);
    CHECK(std::fabs(got.bin_hz - gs::fs / 1024) < 1e-12);
    static float re[513], im[513];
    for (std::size_t k = 0; k < 513; ++k) { re[k] = got.bins[k].real(); im[k] = got.bins[k].imag(); }
    // Norm-wise error relative to the largest bin.
    double peak = 0, err = 0;
    for (std::size_t k = 0; k < 513; ++k) {
        peak = std::fmax(peak, std::hypot(gw::rfft_hann_re[k], gw::rfft_hann_im[k]));
        err = std::fmax(err, std::hypot(re[k] - gw::rfft_hann_re[k], im[k] - gw::rfft_hann_im[k]));
    }
    CHECK(err / peak <= 1e-5);
    CHECK(normwise_error(got.values, gw::rfft_hann_power, 513) <= 1e-5);
    // Per bin, every bin (measured: 1.1e-5 SIMD, 3.6e-5 scalar path; the norm-wise error is ~1e-7).
    CHECK(elementwise_error(got.values, gw::rfft_hann_power, 513) <= 1e-4);
}

TEST_CASE("rfft: density scaling with detrend matches scipy periodogram", "[spectral][rfft]") {
    static sp::rfft<1024> op{nerve::window::hann, nerve::sample_rate{gs::fs}, sp::scaling::density,
                             sp::detrend::constant};
    REQUIRE(op.transform(std::span<const float, 1024>{gs::x, 1024}));
    const auto v = op.view();
    CHECK(v.kind == sp::quantity::density);
    CHECK(normwise_error(v.values, gw::rfft_hann_density_detrended, 513) <= 1e-5);
}

TEST_CASE("rfft: calibration of amplitude and power", "[spectral][rfft]") {
    // A sine of amplitude 2 centred on bin 37 reads A^2/2 = 2 in that bin under every window;
    // white-ish noise summed over bins / ENBW reads its variance.
    constexpr std::size_t N = 256;
    static float x[N];
    for (std::size_t n = 0; n < N; ++n) x[n] = static_cast<float>(2.0 * std::cos(2 * 3.141592653589793 * 37.0 * n / N + 0.4));
    for (auto w : {nerve::window::rectangular, nerve::window::hann, nerve::window::blackman_harris,
                   nerve::window::flat_top, nerve::window::kaiser(6)}) {
        sp::rfft<N> op{w};
        REQUIRE(op.transform(std::span<const float, N>{x}));
        const auto v = op.view();
        CHECK(std::fabs(v.values[37] - 2.0) < 1e-4);
        CHECK(std::fabs(v.amplitude(37) - 2.0) < 1e-4);
        CHECK(std::fabs(2.0 * std::abs(v.bins[37]) / v.window_sum - 2.0) < 1e-4);
        // The sine's total power (A^2/2 = 2) over its main lobe, calibrated by ENBW.
        CHECK(std::fabs(v.band_power(30, 44) - 2.0) < 2e-3);
    }
    // Density: sum * bin_hz is the mean square (Parseval), rectangular window.
    sp::rfft<N> d{nerve::window::rectangular, nerve::sample_rate{100.0}, sp::scaling::density};
    REQUIRE(d.transform(std::span<const float, N>{x}));
    CHECK(std::fabs(d.view().band_power(0, N / 2) - 2.0) < 1e-4);
}

TEST_CASE("rfft: NaN or Inf frames are rejected and counted, state unharmed", "[spectral][rfft]") {
    constexpr std::size_t N = 64;
    static float x[N];
    for (std::size_t n = 0; n < N; ++n) x[n] = static_cast<float>(std::sin(0.3 * n));
    sp::rfft<N> op{nerve::window::hann};
    int emitted = 0;
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    static float ref[N / 2 + 1];
    for (std::size_t k = 0; k <= N / 2; ++k) ref[k] = op.view().values[k];
    x[5] = std::numeric_limits<float>::quiet_NaN();
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    x[5] = std::numeric_limits<float>::infinity();
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    CHECK(emitted == 1);
    CHECK(op.rejected() == 2);
    CHECK(op.frames() == 1);
    x[5] = static_cast<float>(std::sin(0.3 * 5));
    op.push(std::span<const float, N>{x}, [&](const auto&) { ++emitted; });
    CHECK(emitted == 2);
    for (std::size_t k = 0; k <= N / 2; ++k) CHECK(op.view().values[k] == ref[k]);
    op.reset();
    CHECK(op.frames() == 0);
    CHECK(op.rejected() == 0);
}

TEST_CASE("rfft: q15 and double frames", "[spectral][rfft]") {
    constexpr std::size_t N = 128;
    static nerve::q15 q[N];
    static double d[N];
    for (std::size_t n = 0; n < N; ++n) {
        d[n] = 0.5 * std::sin(2 * 3.141592653589793 * 10.0 * n / N);
        q[n] = nerve::q15::from_float(d[n]);
    }
    sp::rfft<N, nerve::q15> qop{nerve::window::hann};
    sp::rfft<N, double> dop{nerve::window::hann};
    REQUIRE(qop.transform(std::span<const nerve::q15, N>{q}));
    REQUIRE(dop.transform(std::span<const double, N>{d}));
    CHECK(std::fabs(dop.view().values[10] - 0.125) < 1e-12);
    CHECK(std::fabs(qop.view().values[10] - 0.125) < 1e-4);
}

TEST_CASE("all_finite (every frame's first step): a NaN or Inf anywhere, a sum that overflows, the sum itself",
          "[spectral][rfft][bad-input]") {
    // SIMD hosts sum whole groups of four vectors, then the rest one by one (16-lane AVX-512: 64
    // values per group): lengths on both sides of a group and a bad value at every position.
    static std::array<float, 1030> x{};
    for (const std::size_t n : {1u, 7u, 63u, 64u, 65u, 127u, 128u, 129u, 200u, 1024u, 1030u}) {
        INFO("n = " << n);
        double ref = 0;
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)) + 0.25);
            ref += static_cast<double>(x[i]);
        }
        const std::span<const float> s(x.data(), n);
        float sum = 0;
        REQUIRE(sp::detail::all_finite<float>(s, sum));
        CHECK(std::fabs(static_cast<double>(sum) - ref) <= 1e-5 * (1.0 + std::fabs(ref)));
        bool every = true;
        for (std::size_t at = 0; at < n; ++at) {
            const float keep = x[at];
            for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                                    -std::numeric_limits<float>::infinity()})
                every = every && (x[at] = bad, !sp::detail::all_finite<float>(s, sum));
            x[at] = keep;
        }
        CHECK(every);
        // Finite values whose sum overflows float count as bad (the frame could not be detrended).
        if (n >= 2) {
            const float k0 = x[0], k1 = x[n - 1];
            x[0] = x[n - 1] = 3.0e38f;
            CHECK_FALSE(sp::detail::all_finite<float>(s, sum));
            x[0] = k0;
            x[n - 1] = k1;
        }
    }
}
