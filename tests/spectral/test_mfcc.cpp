#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>

#include "golden/spectral_mel.hpp"
#include "nerve/core/framer.hpp"
#include "nerve/core/operator.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/spectral/mel_filterbank.hpp"
#include "nerve/spectral/mfcc.hpp"
#include "nerve/spectral/rfft.hpp"

namespace sp = nerve::spectral;
namespace gm = nerve::golden::spectral_mel;
using namespace nerve::literals;

static_assert(nerve::general_operator<sp::mfcc<40, 13>>);

namespace {
constexpr float u = std::numeric_limits<float>::epsilon() / 2;  // unit roundoff of float

// Float log-mel input, rounded from the float64 reference the golden cepstra were computed from.
template <std::size_t Bands>
std::array<float, Bands> rounded(const double* x) {
    std::array<float, Bands> r{};
    for (std::size_t m = 0; m < Bands; ++m) r[m] = static_cast<float>(x[m]);
    return r;
}

// The a-priori bound of a float dot product of the orthonormal basis with x, including the
// rounding of x and of the basis to float: (Bands + 2) u (1 + lift) sum_m |x_m| suffices.
template <std::size_t Bands>
double dct_bound(const std::array<float, Bands>& x, double lift = 1.0) {
    double s = 0;
    for (float v : x) s += std::fabs(v);
    return static_cast<double>(Bands + 2) * u * lift * s * std::sqrt(2.0 / Bands);
}
}  // namespace

TEST_CASE("mfcc: scipy's orthonormal DCT-II of librosa-style dB log-mel energies", "[spectral][mfcc]") {
    std::array<double, 40> logmel{};
    for (std::size_t m = 0; m < 40; ++m) logmel[m] = 10.0 * std::log10(std::fmax(gm::slaney40_mel[m], 1e-10));
    const auto x = rounded<40>(logmel.data());
    sp::mfcc<40, 13> cep;
    float got[13]{};
    NERVE_REQUIRE_NO_ALLOC(cep.push(std::span<const float, 40>{x}, [&](std::span<const float, 13> c) {
        for (std::size_t k = 0; k < 13; ++k) got[k] = c[k];
    }));
    const double bound = dct_bound(x);
    for (std::size_t k = 0; k < 13; ++k) CHECK(std::fabs(got[k] - gm::slaney40_mfcc13[k]) <= bound);
    CHECK(std::fabs(gm::slaney40_mfcc13[0]) > 100.0);  // the check above is not vacuous: c0 is large

    // librosa's lifter, L = 22: c_k scaled by up to 1 + 11.
    sp::mfcc<40, 13> liftered{22.0};
    REQUIRE(liftered.compute(std::span<const float, 40>{x}));
    const double lbound = dct_bound(x, 12.0);
    for (std::size_t k = 0; k < 13; ++k) CHECK(std::fabs(liftered.result()[k] - gm::slaney40_mfcc13_lifter22[k]) <= lbound);
}

TEST_CASE("mfcc: Kaldi-style natural-log HTK bands; every coefficient kept is an inverse", "[spectral][mfcc]") {
    std::array<double, 23> logmel{};
    for (std::size_t m = 0; m < 23; ++m) logmel[m] = std::log(std::fmax(gm::htk23_mel[m], 1e-10));
    const auto x = rounded<23>(logmel.data());
    sp::mfcc<23, 13> cep;
    REQUIRE(cep.compute(std::span<const float, 23>{x}));
    for (std::size_t k = 0; k < 13; ++k) CHECK(std::fabs(cep.result()[k] - gm::htk23_mfcc13[k]) <= dct_bound(x));
    // Keeping all 23 terms, the transform is orthonormal: the energy of x is preserved (Parseval).
    sp::mfcc<23, 23, double> full;
    std::array<double, 23> xd{};
    for (std::size_t m = 0; m < 23; ++m) xd[m] = logmel[m];
    REQUIRE(full.compute(std::span<const double, 23>{xd}));
    double ex = 0, ec = 0;
    for (std::size_t m = 0; m < 23; ++m) { ex += xd[m] * xd[m]; ec += full.result()[m] * full.result()[m]; }
    CHECK(std::fabs(ec - ex) <= 1e-12 * ex);
}

TEST_CASE("mfcc: the whole chain, framer to cepstrum, against numpy on the same samples", "[spectral][mfcc]") {
    // The quietest bands sit ~60 dB (amplitude x 1e-3) below the loudest bin. The float FFT's error
    // is ~1e-7 of that bin's amplitude, which could move a quiet band by 2.5e-4 relative, 1.1e-3 dB,
    // if it all fell there: 2e-3 dB per band bounds it (measured: 1.1e-5 dB). Through the
    // orthonormal DCT a coefficient moves by at most the L2 norm of the band errors, sqrt(40) x that
    // (measured: 1.7e-5).
    constexpr double band_db_bound = 2e-3;
    auto bands = nerve::framer<512, 256>{} | sp::rfft<512>{nerve::window::hann, 16.0_kHz}
               | sp::mel_filterbank<512, 40>{16.0_kHz, {.log = sp::mel_log::decibel}};
    auto chain = nerve::framer<512, 256>{} | sp::rfft<512>{nerve::window::hann, 16.0_kHz}
               | sp::mel_filterbank<512, 40>{16.0_kHz, {.log = sp::mel_log::decibel}} | sp::mfcc<40, 13>{};
    static float first_bands[40], first[13];
    int band_frames = 0, frames = 0;
    auto keep_bands = [&](std::span<const float, 40> e) {
        if (band_frames++ == 0)
            for (std::size_t m = 0; m < 40; ++m) first_bands[m] = e[m];
    };
    auto keep = [&](std::span<const float, 13> c) {
        if (frames++ == 0)
            for (std::size_t k = 0; k < 13; ++k) first[k] = c[k];
    };
    for (std::size_t i = 0; i < 511; ++i) chain.push(gm::speech_x[i], keep);
    NERVE_REQUIRE_NO_ALLOC(chain.push(gm::speech_x[511], keep));
    for (std::size_t i = 512; i < std::size(gm::speech_x); ++i) chain.push(gm::speech_x[i], keep);
    for (std::size_t i = 0; i < std::size(gm::speech_x); ++i) bands.push(gm::speech_x[i], keep_bands);
    CHECK(frames == 7);  // (2048 - 512) / 256 + 1
    CHECK(band_frames == 7);
    for (std::size_t m = 0; m < 40; ++m)
        CHECK(std::fabs(first_bands[m] - 10.0 * std::log10(gm::speech_e2e_mel[m])) <= band_db_bound);
    for (std::size_t k = 0; k < 13; ++k)
        CHECK(std::fabs(first[k] - gm::speech_e2e_mfcc13[k]) <= band_db_bound * std::sqrt(40.0));
}

TEST_CASE("mfcc: NaN or Inf frames are refused and do not stick", "[spectral][mfcc]") {
    std::array<float, 8> x{1, 2, 3, 4, 5, 6, 7, 8};
    sp::mfcc<8, 4> cep;
    REQUIRE(cep.compute(std::span<const float, 8>{x}));
    const std::array<float, 4> good{cep.result()[0], cep.result()[1], cep.result()[2], cep.result()[3]};
    // c0 = sum / sqrt(8); c1 of a ramp is negative (the first cosine falls across the bands).
    CHECK(std::fabs(good[0] - 36.0f / std::sqrt(8.0f)) <= 1e-5f);
    CHECK(good[1] < 0.0f);
    int emitted = 0;
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
        auto y = x;
        y[3] = bad;
        cep.push(std::span<const float, 8>{y}, [&](std::span<const float, 4>) { ++emitted; });
    }
    CHECK(emitted == 0);
    CHECK(cep.rejected() == 3);
    for (std::size_t k = 0; k < 4; ++k) CHECK(cep.result()[k] == good[k]);
    REQUIRE(cep.compute(std::span<const float, 8>{x}));
    for (std::size_t k = 0; k < 4; ++k) CHECK(cep.result()[k] == good[k]);
    cep.reset();
    CHECK(cep.rejected() == 0);
}
