#include "nerve_test.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <span>

#include "nerve/pipelines/motor_current_monitor.hpp"

namespace np = nerve::pipelines;
namespace sp = nerve::spectral;

namespace {

constexpr double two_pi = 6.283185307179586;

// A stator current at 5 kHz in closed form (the reference): 10 A on a 49.97 Hz supply, amplitude-
// modulated by 1 + m cos(2 pi 2 s f t) (broken-bar sidebands at (1 -+ 2s) f, each 20 log10(m / 2)
// dB), an eccentricity line at f + fr 50 dB down, 3rd and 5th supply harmonics (3 % and 2 %, which
// the low-pass must take out before decimating) and white noise.
struct motor_signal {
    double slip = 0.03, sideband_db = -45.0, noise_rms = 0.01;
};
constexpr double fs = 5000.0, line = 49.97;
constexpr std::size_t length = 140000;   // 28 s: the 50-sample start-up and 3 half-overlapping 4096-point segments at 312.5 Hz
float x[length];

void synthesise(const motor_signal& c) {
    std::uint32_t seed = 99;
    auto uniform = [&]() { seed = seed * 1664525u + 1013904223u; return (seed >> 8) * (1.0 / 16777216.0) - 0.5; };
    const double m = 2.0 * std::pow(10.0, c.sideband_db / 20.0), fr = (1.0 - c.slip) * line / 2.0;
    const double ecc = std::pow(10.0, -50.0 / 20.0), noise = c.noise_rms * std::sqrt(12.0);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / fs;
        // Phases as fractions of a turn in double, the trigonometry in float (cheap on a Cortex-M4F).
        auto turn = [&](double f) { const double p = f * t; return static_cast<float>(two_pi * (p - std::floor(p))); };
        const double supply = (1.0 + m * std::cos(turn(2.0 * c.slip * line))) * std::cos(turn(line)) +
                              ecc * std::cos(turn(line + fr)) + 0.03 * std::cos(turn(3 * line)) + 0.02 * std::cos(turn(5 * line));
        x[i] = static_cast<float>(10.0 * supply + noise * uniform());
    }
}

np::motor_current_monitor_config config(double rpm = 1440.0) {
    np::motor_current_monitor_config c;
    c.fs_hz = fs;
    c.motor = {50.0, 4};
    c.rpm = rpm;
    return c;
}

}  // namespace

TEST_CASE("motor_current_monitor: decimation factor", "[pipelines][motor]") {
    static_assert(np::motor_current_decimation(5000.0, 50.0) == 16);   // 312.5 Hz
    CHECK(np::motor_current_decimation(10000.0, 60.0) == 16);          // 625 Hz: 10.4 samples a period
    CHECK(np::motor_current_decimation(300.0, 50.0) == 1);
    CHECK(np::motor_current_decimation(299.0, 50.0) == 0);
    CHECK(np::motor_current_decimation(1e7, 1.0) == 1024);
    CHECK(np::motor_current_decimation(5000.0, std::numeric_limits<double>::quiet_NaN()) == 0);
}

// Bounds: the float low-pass and decimation add rounding ~1e-6 of 10 A, 120 dB under the line (its
// pass-band ripple moves a sideband relative to the line by -0.016 to +0.074 dB); the
// reading's own bounds (test_motor_current.cpp) are ~0.02 dB at this floor. 0.15 dB holds both
// with margin; a lost sideband, a wrong bin or an alias of the 5th harmonic (250 Hz, folded to
// 62.5 Hz at 312.5 Hz without the low-pass) are off by far more.
TEST_CASE("motor_current_monitor: a broken bar read from the raw current", "[pipelines][motor]") {
    synthesise({});
    static np::motor_current_monitor<4096> m{config()};
    REQUIRE(m.valid());
    CHECK(m.factor() == 16);
    CHECK(m.bin_hz() == Approx(312.5 / 4096));
    int readings = 0;
    NERVE_REQUIRE_NO_ALLOC(m.process(std::span<const float>{x, length}, [&](const np::motor_current_monitor<4096>::output_type& r) {
        ++readings;
        CHECK(r.source == sp::speed_source::eccentricity);
        CHECK(r.line_hz == Approx(line).margin(0.005));
        CHECK(r.line_amplitude == Approx(10.0).epsilon(0.005));
        CHECK(r.slip == Approx(0.03).margin(5e-4));
        CHECK(r.eccentricity.db == Approx(-50.0).margin(0.15));
        CHECK(r.lower[0].db == Approx(-45.0).margin(0.15));
        CHECK(r.upper[0].db == Approx(-45.0).margin(0.15));
        CHECK(r.condition() == sp::rotor_condition::cracked_bar);
    }));
    CHECK(readings == 1);
    CHECK(m.readings() == 1);
    CHECK(m.segments_read() == 3);
    CHECK(m.held_samples() == 0);

    // Nothing folds onto the band: the 5th harmonic (34 dB under the line) would alias to
    // 312.5 - 5 f = 62.65 Hz. The elliptic low-pass takes it 97 dB down, under this noise (~-100 dB
    // a bin); the 8th-order Butterworth at 2.5 f used first left it at -83 dB.
    const auto spectrum = m.spectrum();
    REQUIRE(spectrum.size() == 2049);
    auto peak_db_near = [&](double hz) {
        double p = 0;
        for (std::size_t k = spectrum.bin_of(hz) - 3; k <= spectrum.bin_of(hz) + 3; ++k) p = std::fmax(p, spectrum.values[k]);
        return 10.0 * std::log10(p / static_cast<double>(spectrum.values[spectrum.bin_of(line)]));
    };
    CHECK(peak_db_near(312.5 - 5.0 * line) < -95.0);
    CHECK(peak_db_near(line + (1.0 - 0.03) * line / 2.0) > -52.0);   // the eccentricity line is there

    // Sample by sample: the same reading (the block path's sums differ from the per-sample ones only
    // by rounding).
    static np::motor_current_monitor<4096> one{config()};
    NERVE_REQUIRE_NO_ALLOC(for (float v : x) one.push(v, [](const auto&) {}));
    REQUIRE(one.readings() == 1);
    CHECK(one.result().lower[0].db == Approx(m.result().lower[0].db).margin(0.01));
    CHECK(one.result().slip == Approx(m.result().slip).margin(1e-5));

    // 8192 points: one segment of 26 s on flush, 0.038 Hz bins, the same reading.
    auto c = config();
    c.segments = 0;
    static np::motor_current_monitor<8192> fine{c};
    NERVE_REQUIRE_NO_ALLOC(fine.process(std::span<const float>{x, length}, [](const auto&) {}));
    NERVE_REQUIRE_NO_ALLOC(fine.flush([](const auto&) {}));
    REQUIRE(fine.readings() == 1);
    CHECK(fine.segments_read() == 1);
    CHECK(fine.result().source == sp::speed_source::eccentricity);
    CHECK(fine.result().lower[0].db == Approx(-45.0).margin(0.15));
    CHECK(fine.result().condition() == sp::rotor_condition::cracked_bar);
}

TEST_CASE("motor_current_monitor: segments on flush, NaN held, configurations it cannot run", "[pipelines][motor]") {
    synthesise({0.02, -33.0});
    for (std::size_t i = 50000; i < 50040; ++i) x[i] = std::numeric_limits<float>::quiet_NaN();
    x[60000] = std::numeric_limits<float>::infinity();
    auto c = config();
    c.segments = 0;   // one reading of everything, on flush()
    static np::motor_current_monitor<4096> m{c};
    int readings = 0;
    m.process(std::span<const float>{x, length}, [&](const auto&) { ++readings; });
    CHECK(readings == 0);
    m.flush([&](const auto&) { ++readings; });
    REQUIRE(readings == 1);
    CHECK(m.segments_read() == 3);
    CHECK(m.held_samples() == 41);
    CHECK(m.result().lower[0].db == Approx(-33.0).margin(0.3));   // 41 held samples of 131 k: a small step in the current
    CHECK(m.result().condition() == sp::rotor_condition::multiple_broken_bars);
    m.flush([&](const auto&) { ++readings; });   // nothing new: nothing read
    CHECK(readings == 1);

    // Under 6 samples per supply period: inert. A speed that is not one: readings with no line.
    auto slow = config();
    slow.fs_hz = 200.0;
    static np::motor_current_monitor<4096> inert{slow};
    CHECK_FALSE(inert.valid());
    inert.process(std::span<const float>{x, length}, [&](const auto&) { ++readings; });
    inert.flush([&](const auto&) { ++readings; });
    CHECK(readings == 1);
    static np::motor_current_monitor<4096> nowhere{config(-5.0)};
    nowhere.process(std::span<const float>{x, length}, [&](const auto& r) { CHECK(r.condition() == sp::rotor_condition::no_line); });
    CHECK(nowhere.readings() == 1);
}

// process() keeps every factor-th low-pass output by stepping through each block; push() counts
// sample by sample. Fed in uneven pieces (shorter and longer than the block, the factor and a
// segment's hop), process() must give push()'s spectrum: one low-pass output kept a sample early or
// late moves the floor by ~1e-3 here, a lost or doubled one per call far more.
TEST_CASE("motor_current_monitor: process() in uneven pieces keeps the samples push() keeps", "[pipelines][motor]") {
    synthesise({});
    static np::motor_current_monitor<4096> by_sample{config()}, by_piece{config()};
    static float want[2049];
    int pushed = 0, processed = 0;
    for (std::size_t i = 0; i < length; ++i)
        by_sample.push(x[i], [&](const auto&) {
            ++pushed;
            const sp::spectrum_view<float> s = by_sample.spectrum();
            for (std::size_t k = 0; k < s.size(); ++k) want[k] = s.values[k];
        });
    const std::size_t pieces[] = {1, 15, 16, 17, 3, 700, 2048, 5, 4097, 33, 10000};
    std::size_t at = 0;
    for (std::size_t p = 0; at < length; ++p) {
        const std::size_t n = std::min(pieces[p % std::size(pieces)], length - at);
        by_piece.process(std::span<const float>{x + at, n}, [&](const auto&) {
            ++processed;
            const sp::spectrum_view<float> s = by_piece.spectrum();
            REQUIRE(s.size() == 2049);
            double num = 0, den = 0;
            for (std::size_t k = 0; k < s.size(); ++k) {
                num += (double(s.values[k]) - want[k]) * (double(s.values[k]) - want[k]);
                den += double(want[k]) * want[k];
            }
            CHECK(std::sqrt(num / den) <= 1e-5);
        });
        at += n;
    }
    CHECK(pushed > 0);
    CHECK(processed == pushed);
}
