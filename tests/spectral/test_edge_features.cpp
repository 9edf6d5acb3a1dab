#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/edge_features.hpp"

namespace sp = nerve::spectral;
using features = sp::edge_spectral_features<256, 64, 4, 3>;
static_assert(nerve::general_operator<features>);

TEST_CASE("edge_features: one window gives time, spectral, band and peak features", "[spectral][edge]") {
    // 100 Hz sampling, 10 Hz tone (amplitude 1) + 0.5 offset + a little 30 Hz.
    static float x[256];
    for (int n = 0; n < 256; ++n)
        x[n] = static_cast<float>(0.5 + std::sin(2 * 3.141592653589793 * 10.0 * n / 100.0) +
                                  0.1 * std::sin(2 * 3.141592653589793 * 30.0 * n / 100.0));
    static features lin{nerve::sample_rate{100.0}, {0.0, 5.0, 15.0, 25.0, 50.0}, true, false};
    static features log{nerve::sample_rate{100.0}, {0.0, 5.0, 15.0, 25.0, 50.0}, true, true};
    static sp::edge_features_result<64, 4, 3> a, b;
    int n = 0;
    NERVE_REQUIRE_NO_ALLOC(lin.push(std::span<const float, 256>{x}, [&](const auto& r) { a = r; ++n; });
                           log.push(std::span<const float, 256>{x}, [&](const auto& r) { b = r; ++n; }));
    REQUIRE(n == 2);
    // Mean removed: RMS of the sines = sqrt(0.5 + 0.005).
    CHECK(a.rms == Approx(std::sqrt(0.505)).epsilon(0.01));
    // Strongest peak near 10 Hz, second near 30 Hz.
    REQUIRE(a.peaks.count >= 2);
    CHECK(std::fabs(a.peaks.peaks[0].frequency - 10.0) < 0.3);
    CHECK(std::fabs(a.peaks.peaks[1].frequency - 30.0) < 0.3);
    // Band 5-15 Hz holds the tone: about A^2/2 = 0.5 (max-hold of on/off-bin frames: within 20%).
    CHECK(a.band_powers[1] == Approx(0.5).epsilon(0.2));
    CHECK(a.band_powers[1] > 10 * a.band_powers[3]);
    // The log variant is 10 log10 of the linear one.
    for (int i = 0; i < 4; ++i) CHECK(b.band_powers[i] == Approx(10 * std::log10(std::fmax(a.band_powers[i], 1e-20f))).margin(1e-3));
    for (int k = 0; k < 33; ++k) CHECK(b.spectrum[k] == Approx(10 * std::log10(std::fmax(a.spectrum[k], 1e-20f))).margin(1e-3));
    // A peaky spectrum is right-skewed with heavy tails.
    CHECK(a.spectral_skewness > 2.0f);
    CHECK(a.spectral_kurtosis > 3.0f);
    x[100] = std::numeric_limits<float>::quiet_NaN();
    lin.push(std::span<const float, 256>{x}, [&](const auto&) { ++n; });
    CHECK(n == 2);
    CHECK(lin.rejected() == 1);
}

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"

TEST_CASE("edge_features: the documented pipeline composes and runs", "[spectral][edge]") {
    using namespace nerve::literals;
    static auto p = nerve::filter::biquad_cascade<float, 2>{nerve::filter::butterworth_lowpass<4>(3.0_Hz, 62.5_Hz)}
                  | nerve::framer<250, 125>{}
                  | sp::edge_spectral_features<250, 64, 4, 3>{nerve::sample_rate{62.5}, {0.1, 0.5, 1.0, 2.0, 5.0}};
    int n = 0;
    float rms = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 1000; ++i) {
        p.push(static_cast<float>(std::sin(2 * 3.141592653589793 * 1.0 * i / 62.5)),
               [&](const sp::edge_features_result<64, 4, 3>& r) { rms = r.rms; ++n; });
    });
    CHECK(n == (1000 - 250) / 125 + 1);
    CHECK(rms == Approx(std::sqrt(0.5)).epsilon(0.05));
}

#include "nerve/filter/fir_decimator.hpp"
#include "nerve/spectral/peaks.hpp"
#include "nerve/spectral/rfft.hpp"

TEST_CASE("edge_features: decimated low-frequency spectrum = fir_decimator | framer | rfft", "[spectral][edge]") {
    // fs 1000 Hz, decimate by 4 -> 250 Hz: a 10 Hz tone stays, a 300 Hz tone is filtered out
    // instead of aliasing to 50 Hz.
    static auto p = nerve::filter::fir_decimator<float, 63, 4>{}
                  | nerve::framer<256, 256>{}
                  | sp::rfft<256>{nerve::window::hann, nerve::sample_rate{250.0}};
    static float spectrum[129];
    int frames = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 4 * 512; ++i) {
        const double t = i / 1000.0;
        p.push(static_cast<float>(std::sin(2 * 3.141592653589793 * 10.0 * t) + std::sin(2 * 3.141592653589793 * 300.0 * t)),
               [&](const sp::spectrum_view<float>& s) { for (int k = 0; k < 129; ++k) spectrum[k] = s.values[k]; ++frames; });
    });
    REQUIRE(frames == 2);
    const double df = 250.0 / 256;
    const auto bin10 = static_cast<std::size_t>(10.0 / df + 0.5), bin50 = static_cast<std::size_t>(50.0 / df + 0.5);
    CHECK(spectrum[bin10] > 0.3);            // ~A^2/2 = 0.5 less scalloping (10 Hz is off-bin)
    CHECK(spectrum[bin50] < 1e-4 * spectrum[bin10]);
}
