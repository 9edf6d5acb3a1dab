#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "golden/spectral_mel.hpp"
#include "golden_compare.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/spectral/mel_filterbank.hpp"
#include "nerve/spectral/mfcc.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gm = nerve::golden::spectral_mel;
using namespace nerve::literals;
using nerve::test::rel_error;

static_assert(nerve::general_operator<sp::mel_filterbank<512, 40>>);

namespace {
constexpr std::size_t n_fft = 512;
constexpr std::size_t n_bins = n_fft / 2 + 1;
constexpr nerve::sample_rate fs16k{16.0_kHz};

sp::spectrum_view<float> power_view(const float* v, std::size_t n = n_bins, double bin_hz = 16000.0 / 512) {
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v, n};
    s.bin_hz = bin_hz;
    s.fft_size = n_fft;
    s.kind = sp::quantity::power;
    return s;
}

// Slaney scale, area-normalised, 0 .. 8 kHz: librosa.filters.mel's defaults. Built at compile time.
constexpr sp::mel_filterbank<n_fft, 40> slaney40{fs16k};
static_assert(slaney40.valid());
static_assert(slaney40.center_hz(0) > 73.5 && slaney40.center_hz(0) < 73.6);  // 0 .. 8 kHz in 41 mel steps
}  // namespace

TEST_CASE("mel scales: Slaney's and HTK's against their definitions", "[spectral][mel_filterbank]") {
    // Published anchors: Slaney's scale reads exactly 15 mel at 1 kHz; HTK's reads 999.99 mel there.
    static_assert(sp::hz_to_mel(1000.0, sp::mel_scale::slaney) == 15.0);
    static_assert(sp::hz_to_mel(600.0, sp::mel_scale::slaney) == 9.0);
    for (std::size_t i = 0; i < std::size(gm::scale_probe_hz); ++i) {
        const double f = gm::scale_probe_hz[i];
        CHECK(rel_error(sp::hz_to_mel(f, sp::mel_scale::slaney), gm::slaney_mel[i]) <= 1e-14);
        CHECK(rel_error(sp::hz_to_mel(f, sp::mel_scale::htk), gm::htk_mel[i]) <= 1e-14);
        // Each scale's inverse returns the frequency.
        CHECK(std::fabs(sp::mel_to_hz(gm::slaney_mel[i], sp::mel_scale::slaney) - f) <= 1e-11 * (1.0 + f));
        CHECK(std::fabs(sp::mel_to_hz(gm::htk_mel[i], sp::mel_scale::htk) - f) <= 1e-11 * (1.0 + f));
    }
}

TEST_CASE("mel_filterbank: librosa's Slaney bank, weight for weight and band for band", "[spectral][mel_filterbank]") {
    for (std::size_t i = 0; i < 42; ++i) CHECK(rel_error(slaney40.points()[i], gm::slaney40_points_hz[i]) <= 1e-13);
    // Every weight of the 40 x 257 matrix (float storage: half an ulp of the largest weight).
    double worst = 0.0;
    for (std::size_t m = 0; m < 40; ++m) {
        double peak = 0.0;
        for (std::size_t k = 0; k < n_bins; ++k) peak = std::fmax(peak, gm::slaney40_weights[m * n_bins + k]);
        REQUIRE(peak > 0.0);  // at 16 kHz / 512 every band holds a bin
        for (std::size_t k = 0; k < n_bins; ++k)
            worst = std::fmax(worst, std::fabs(slaney40.weight(m, k) - gm::slaney40_weights[m * n_bins + k]) / peak);
    }
    CHECK(worst <= 0.5 * std::numeric_limits<float>::epsilon());

    sp::mel_filterbank<n_fft, 40> bank{fs16k};
    float got[40]{};
    NERVE_REQUIRE_NO_ALLOC(bank.push(power_view(gm::speech_power_f32), [&](std::span<const float, 40> e) {
        for (std::size_t m = 0; m < 40; ++m) got[m] = e[m];
    }));
    // A band is a sum of at most ~30 float products of non-negative terms: a few float ulps.
    for (std::size_t m = 0; m < 40; ++m) CHECK(rel_error(got[m], gm::slaney40_mel[m]) <= 8 * std::numeric_limits<float>::epsilon());
    CHECK(bank.rejected() == 0);
}

TEST_CASE("mel_filterbank: an HTK bank between 300 and 7600 Hz with natural-log output", "[spectral][mel_filterbank]") {
    const sp::mel_options htk{.fmin = 300.0_Hz, .fmax = 7600.0_Hz, .scale = sp::mel_scale::htk, .norm = sp::mel_norm::none};
    sp::mel_filterbank<n_fft, 23> bank{fs16k, htk};
    for (std::size_t i = 0; i < 25; ++i) CHECK(rel_error(bank.points()[i], gm::htk23_points_hz[i]) <= 1e-13);
    REQUIRE(bank.compute(power_view(gm::speech_power_f32)));
    for (std::size_t m = 0; m < 23; ++m) CHECK(rel_error(bank.result()[m], gm::htk23_mel[m]) <= 8 * std::numeric_limits<float>::epsilon());
    // Peak weights are 1 without normalisation, at the bin nearest each centre at most.
    for (std::size_t m = 0; m < 23; ++m) {
        float peak = 0;
        for (std::size_t k = 0; k < n_bins; ++k) peak = std::fmax(peak, bank.weight(m, k));
        CHECK(peak <= 1.0f);
        CHECK(peak > 0.5f);
    }
    auto logged = htk;
    logged.log = sp::mel_log::natural;
    sp::mel_filterbank<n_fft, 23> log_bank{fs16k, logged};
    REQUIRE(log_bank.compute(power_view(gm::speech_power_f32)));
    for (std::size_t m = 0; m < 23; ++m) CHECK(std::fabs(log_bank.result()[m] - std::log(gm::htk23_mel[m])) <= 1e-5);
}

TEST_CASE("mel_filterbank: a flat density reads flat, a tone lands in its band", "[spectral][mel_filterbank]") {
    // Area normalisation: each triangle integrates to 1 over Hz, so a flat density of 1 V^2/Hz gives
    // sum_k w_k ~ 1 / bin_hz in every band wide enough to hold many bins.
    static float flat[n_bins];
    for (auto& v : flat) v = 1.0f;
    sp::mel_filterbank<n_fft, 40> bank{fs16k};
    REQUIRE(bank.compute(power_view(flat)));
    const double bin_hz = 16000.0 / 512;
    for (std::size_t m = 20; m < 40; ++m) CHECK(std::fabs(bank.result()[m] * bin_hz - 1.0) <= 0.02);
    // A tone at a filter's centre: that filter reads the most.
    for (std::size_t m : {5u, 17u, 33u}) {
        static float tone[n_bins];
        for (auto& v : tone) v = 0.0f;
        const std::size_t k = static_cast<std::size_t>(std::lround(bank.center_hz(m) / bin_hz));
        tone[k] = 1.0f;
        REQUIRE(bank.compute(power_view(tone)));
        std::size_t best = 0;
        for (std::size_t j = 1; j < 40; ++j)
            if (bank.result()[j] > bank.result()[best]) best = j;
        CHECK(best == m);
    }
}

TEST_CASE("mel_filterbank: bands without a bin read zero, or the floor in decibels", "[spectral][mel_filterbank]") {
    // 64-point frames at 16 kHz have 250 Hz bins: the lowest of 40 Slaney bands hold none.
    sp::mel_filterbank<64, 40> bank{fs16k, {.log = sp::mel_log::decibel}};
    static float v[33];
    for (auto& x : v) x = 1.0f;
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    s.bin_hz = 250.0;
    s.fft_size = 64;
    REQUIRE(bank.compute(s));
    std::size_t empty = 0;
    for (std::size_t m = 0; m < 40; ++m) {
        float w = 0;
        for (std::size_t k = 0; k < 33; ++k) w += bank.weight(m, k);
        if (w == 0.0f) {
            ++empty;
            CHECK(bank.result()[m] == -100.0f);  // 10 log10(1e-10)
        } else {
            CHECK(bank.result()[m] > -100.0f);
        }
    }
    CHECK(empty > 0);
}

TEST_CASE("mel_filterbank: bad spectra and impossible banks are refused", "[spectral][mel_filterbank]") {
    sp::mel_filterbank<n_fft, 40> bank{fs16k};
    REQUIRE(bank.compute(power_view(gm::speech_power_f32)));
    float before[40];
    for (std::size_t m = 0; m < 40; ++m) before[m] = bank.result()[m];
    static float bad[n_bins];
    for (std::size_t k = 0; k < n_bins; ++k) bad[k] = gm::speech_power_f32[k];
    int emitted = 0;
    auto count = [&](std::span<const float, 40>) { ++emitted; };
    bad[100] = std::numeric_limits<float>::quiet_NaN();
    bank.push(power_view(bad), count);
    bad[100] = std::numeric_limits<float>::infinity();
    bank.push(power_view(bad), count);
    bad[100] = gm::speech_power_f32[100];
    bank.push(power_view(bad, n_bins - 1), count);                // wrong size
    bank.push(power_view(bad, n_bins, 1.0), count);               // rfft without the sample rate
    auto db = power_view(bad);
    db.kind = sp::quantity::decibel;
    bank.push(db, count);
    CHECK(emitted == 0);
    CHECK(bank.rejected() == 5);
    for (std::size_t m = 0; m < 40; ++m) CHECK(bank.result()[m] == before[m]);
    // Not poisoned: the next good spectrum gives the same bands as a fresh bank.
    bank.push(power_view(bad), count);
    CHECK(emitted == 1);
    for (std::size_t m = 0; m < 40; ++m) CHECK(bank.result()[m] == before[m]);
    bank.reset();
    CHECK(bank.rejected() == 0);
    // A bank above fmax ignores what lies there, NaN included.
    sp::mel_filterbank<n_fft, 20> low{fs16k, {.fmax = 4000.0_Hz}};
    bad[200] = std::numeric_limits<float>::quiet_NaN();  // 6.25 kHz
    CHECK(low.compute(power_view(bad)));
    for (const auto& impossible : {sp::mel_options{.fmin = 5000.0_Hz, .fmax = 4000.0_Hz}, sp::mel_options{.fmin = 8000.0_Hz},
                                   sp::mel_options{.fmin = nerve::hertz{-1.0}},
                                   sp::mel_options{.fmax = nerve::hertz{std::numeric_limits<double>::infinity()}},
                                   sp::mel_options{.log = sp::mel_log::decibel, .floor = 0.0}}) {
        sp::mel_filterbank<n_fft, 20> b{fs16k, impossible};
        CHECK_FALSE(b.valid());
        CHECK_FALSE(b.compute(power_view(gm::speech_power_f32)));
        CHECK(b.rejected() == 1);
    }
    for (double bad_fs : {0.0, -16000.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
        sp::mel_filterbank<n_fft, 20> b{nerve::sample_rate{bad_fs}};
        CHECK_FALSE(b.valid());
    }
}
