#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "golden/spectral_lomb.hpp"
#include "golden_compare.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/spectral/band_power.hpp"
#include "nerve/spectral/lomb_scargle.hpp"

namespace sp = nerve::spectral;
namespace gl = nerve::golden::spectral_lomb;
using nerve::test::normwise_error;

static_assert(nerve::general_operator<sp::lomb_scargle<512, 129>>);

namespace {
constexpr std::size_t n_rr = std::size(gl::rr_ms);
}  // namespace

TEST_CASE("lomb_scargle: RR intervals at their beat times against scipy.signal.lombscargle", "[spectral][lomb_scargle]") {
    sp::lomb_scargle<512, 129> ls{nerve::hertz{gl::rr_df}, 1e9, n_rr};
    static float got[129];
    int emitted = 0;
    auto keep = [&](const sp::spectrum_view<float>& s) {
        ++emitted;
        for (std::size_t k = 0; k < 129; ++k) got[k] = s.values[k];
    };
    for (std::size_t i = 0; i + 1 < n_rr; ++i) ls.push({gl::rr_t[i], gl::rr_ms[i]}, keep);
    CHECK(emitted == 0);  // update_every = all of them
    NERVE_REQUIRE_NO_ALLOC(ls.push({gl::rr_t[n_rr - 1], gl::rr_ms[n_rr - 1]}, keep));
    REQUIRE(emitted == 1);
    // Float sums over 300 points of products of size |y| <= ~60 ms: errors ~ 300 u |y|^2 against a
    // largest value of ~n |A|^2 / 4 (A = 50 ms): 1e-5 of the largest bin bounds it.
    const double err = normwise_error(std::span<const float>{got}, gl::rr_density, 129);
    CHECK(err <= 1e-5);
    CHECK(got[0] == 0.0f);
    const auto& v = ls.result();
    CHECK(v.kind == sp::quantity::density);
    CHECK(v.bin_hz == gl::rr_df);
    // The two modulations are where they were put: 0.1 Hz (bin 25.6) and 0.25 Hz (bin 64).
    std::size_t best = 1;
    for (std::size_t k = 2; k < 129; ++k)
        if (got[k] > got[best]) best = k;
    CHECK(std::fabs(static_cast<double>(best) * gl::rr_df - 0.1) <= gl::rr_df);
}

TEST_CASE("lomb_scargle: evenly spaced points give scipy's periodogram density exactly", "[spectral][lomb_scargle]") {
    // 256 points at 4 Hz: Fourier frequencies k / 64 Hz, Nyquist included (its sine term is 0/0).
    sp::lomb_scargle<256, 129> ls{nerve::hertz{gl::even_fs / 256}, 1e9, 1000};
    for (std::size_t i = 0; i < 256; ++i) REQUIRE(ls.add({static_cast<double>(i) / gl::even_fs, gl::even_y[i]}));
    REQUIRE(ls.compute());
    const auto& s = ls.result();
    // Bin 0 is the mean, removed by both.
    CHECK(normwise_error(s.values, gl::even_density, 129) <= 1e-5);
    CHECK(std::fabs(s.values[128] - gl::even_density[128]) <= 1e-5 * gl::even_density[128] + 1e-7);
    // Parseval: the density integrates to the variance.
    double var = 0, mean = 0, total = 0;
    for (float y : gl::even_y) mean += y;
    mean /= 256;
    for (float y : gl::even_y) var += (y - mean) * (y - mean);
    var /= 256;
    for (std::size_t k = 0; k < 129; ++k) total += s.values[k];
    CHECK(std::fabs(total * s.bin_hz - var) <= 1e-4 * var);
}

TEST_CASE("lomb_scargle | band_power: HRV bands of a modulated RR series", "[spectral][lomb_scargle]") {
    // RR = 800 ms + 40 ms sin(2 pi 0.1 t) + 20 ms sin(2 pi 0.3 t) over the last 5 minutes. The
    // bins are 1/512 Hz apart, finer than the window's 1/300 Hz resolution, as band sums need.
    auto hrv = sp::lomb_scargle<512, 257>{nerve::hertz{0.5 / 256}, 300.0, 30}
             | sp::band_power<3>{{0.0033, 0.04, 0.15, 0.4}};
    std::array<float, 3> bands{};
    int spectra = 0;
    double t = 0;
    for (int beat = 0; beat < 500; ++beat) {
        const double rr = 0.8 + 0.04 * std::sin(2 * 3.141592653589793 * 0.1 * t) + 0.02 * std::sin(2 * 3.141592653589793 * 0.3 * t);
        t += rr;
        hrv.push(sp::timed_value<float>{t, static_cast<float>(1000 * rr)}, [&](std::span<const float, 3> b) {
            ++spectra;
            for (int i = 0; i < 3; ++i) bands[i] = b[i];
        });
    }
    CHECK(spectra == 500 / 30);
    // A sinusoid of amplitude A carries A^2 / 2: LF 800 ms^2, HF 200 ms^2 (the rectangular
    // window leaks a few per cent outside each band), VLF next to nothing.
    CHECK(std::fabs(bands[1] - 800.0f) <= 0.05f * 800.0f);
    CHECK(std::fabs(bands[2] - 200.0f) <= 0.05f * 200.0f);
    CHECK(bands[0] <= 0.02f * 800.0f);
}

TEST_CASE("lomb_scargle: window, bad points, reset and snapshots", "[spectral][lomb_scargle]") {
    sp::lomb_scargle<64, 33> ls{nerve::hertz{1.0 / 64}, 10.0, 1};
    CHECK_FALSE(ls.compute());  // fewer than 4 points
    for (int i = 0; i < 30; ++i) REQUIRE(ls.add({0.5 * i, static_cast<float>(i % 3)}));
    CHECK(ls.points() == 21);  // t in [4.5, 14.5]: the last 10 s
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(ls.add({15.0, nan}));
    CHECK_FALSE(ls.add({std::numeric_limits<double>::infinity(), 1.0f}));
    CHECK_FALSE(ls.add({14.5, 1.0f}));  // not after the last point
    CHECK_FALSE(ls.add({3.0, 1.0f}));
    CHECK(ls.rejected() == 4);
    CHECK(ls.points() == 21);
    REQUIRE(ls.compute());
    std::array<float, 33> before{};
    for (std::size_t k = 0; k < 33; ++k) before[k] = ls.result().values[k];
    for (float v : before) CHECK(std::isfinite(v));

    // A snapshot restores the window: the next spectrum is the same to the bit.
    static std::byte buf[4096];
    const auto saved = nerve::snapshot(ls, std::span<std::byte>{buf});
    REQUIRE(saved.ok());
    sp::lomb_scargle<64, 33> other{nerve::hertz{1.0 / 64}, 10.0, 1};
    REQUIRE(nerve::restore(other, std::span<const std::byte>{buf, saved.value()}).ok());
    REQUIRE(other.compute());
    for (std::size_t k = 0; k < 33; ++k) CHECK(other.result().values[k] == before[k]);

    // A snapshot whose times run backwards is refused (reset, not half-applied).
    buf[16 + 8] = std::byte{0xff};  // corrupt: the checksum refuses it
    CHECK_FALSE(nerve::restore(other, std::span<const std::byte>{buf, saved.value()}).ok());

    ls.reset();
    CHECK(ls.points() == 0);
    CHECK(ls.rejected() == 0);
    CHECK_FALSE(ls.compute());
}
