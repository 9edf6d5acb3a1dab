#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/motor_current.hpp"
#include "nerve/spectral/welch.hpp"

namespace sp = nerve::spectral;

static_assert(nerve::general_operator<sp::motor_current<2>>);

namespace {

constexpr double two_pi = 6.283185307179586;

// A stator current in closed form: the supply line of amplitude 1 at `line_hz`, amplitude-modulated
// by 1 + m cos(2 pi 2 s f t) (a broken bar: sidebands at (1 -+ 2s) f of amplitude m / 2 each, so
// each reads 20 log10(m / 2) dB), an eccentricity line at f + fr of amplitude `eccentricity`, and
// white noise of RMS `noise_rms`. Sampled at 400 Hz, as after decimating a logger's current to
// about 8 times the supply.
struct current_signal {
    double line_hz, rotor_hz, modulation_hz, m, eccentricity, noise_rms;
    double second_harmonic = 0;   ///< amplitude of a line at 2 f
};

constexpr double fs = 400.0;
constexpr std::size_t N = 8192, segments = 5, length = N / 2 * (segments + 1);   // 0.0488 Hz bins, 61 s
float x[length];

void synthesise(const current_signal& c) {
    std::uint32_t seed = 2024;
    auto uniform = [&]() { seed = seed * 1664525u + 1013904223u; return (seed >> 8) * (1.0 / 16777216.0) - 0.5; };
    const double noise_scale = c.noise_rms * std::sqrt(12.0);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / fs;
        // Phases as fractions of a turn in double, the trigonometry in float (cheap on a Cortex-M4F).
        auto turn = [&](double f) { const double p = f * t; return static_cast<float>(two_pi * (p - std::floor(p))); };
        const double line = (1.0 + c.m * std::cos(turn(c.modulation_hz))) * std::cos(turn(c.line_hz));
        const double ecc = c.eccentricity != 0 ? c.eccentricity * std::cos(turn(c.line_hz + c.rotor_hz)) : 0.0;
        const double second = c.second_harmonic != 0 ? c.second_harmonic * std::cos(turn(2.0 * c.line_hz)) : 0.0;
        x[i] = static_cast<float>(line + ecc + second + noise_scale * uniform());
    }
}

/// A broken-bar current at slip s on a 4-pole 50.02 Hz supply, sidebands `db` below the line.
current_signal broken_bar(double s, double db, double eccentricity_db, double noise_rms = 1e-3) {
    const double f = 50.02;
    return {f, (1.0 - s) * f / 2.0, 2.0 * s * f, 2.0 * std::pow(10.0, db / 20.0),
            std::isnan(eccentricity_db) ? 0.0 : std::pow(10.0, eccentricity_db / 20.0), noise_rms};
}

constexpr double none = std::numeric_limits<double>::quiet_NaN();
constexpr sp::induction_motor four_pole{50.0, 4};

sp::welch<N>& welch_of(sp::scaling scaling) {
    static std::optional<sp::welch<N>> w;   // built in place: no 100 kB temporary on a Cortex-M4's stack
    w.emplace(nerve::window::hann, nerve::sample_rate{fs}, scaling);
    for (std::size_t f = 0; f + N <= length; f += N / 2)
        w->push(std::span<const float, N>{x + f, N}, [](const sp::spectrum_view<float>&) {});
    return *w;
}

template <class Reader>
bool read_with(Reader& reader, sp::scaling scaling = sp::scaling::spectrum) {
    bool read = false;
    welch_of(scaling).flush([&](const sp::spectrum_view<float>& s) { read = reader.compute(s); });
    return read;
}

}  // namespace

TEST_CASE("motor_current: pole count from the running speed", "[spectral][motor]") {
    static_assert(sp::poles_for(50.0, 1460.0) == 4);
    CHECK(sp::poles_for(60.0, 3550.0) == 2);
    CHECK(sp::poles_for(50.0, 2950.0) == 2);
    CHECK(sp::poles_for(50.0, 980.0) == 6);
    CHECK(sp::poles_for(60.0, 1175.0) == 6);
    CHECK(sp::poles_for(50.0, 3000.0) == 2);   // synchronous: slip 0, still 2 poles
    CHECK(sp::poles_for(50.0, 3100.0) == 0);   // faster than any induction motor on 50 Hz
    CHECK(sp::poles_for(50.0, 0.0) == 0);
    CHECK(sp::poles_for(none, 1460.0) == 0);
    CHECK(std::string(sp::name(sp::rotor_condition::broken_bars)) == "broken_bars");
}

TEST_CASE("motor_current: severity table at its class edges", "[spectral][motor]") {
    CHECK(sp::rotor_condition_of(60.0) == sp::rotor_condition::excellent);
    CHECK(sp::rotor_condition_of(59.9) == sp::rotor_condition::good);
    CHECK(sp::rotor_condition_of(54.0) == sp::rotor_condition::good);
    CHECK(sp::rotor_condition_of(53.9) == sp::rotor_condition::moderate);
    CHECK(sp::rotor_condition_of(47.9) == sp::rotor_condition::cracked_bar);
    CHECK(sp::rotor_condition_of(41.9) == sp::rotor_condition::broken_bars);
    CHECK(sp::rotor_condition_of(35.9) == sp::rotor_condition::multiple_broken_bars);
    CHECK(sp::rotor_condition_of(29.9) == sp::rotor_condition::severe);
    CHECK(sp::rotor_condition_of(none) == sp::rotor_condition::unresolved);
}

// The bounds: a Hann line read as its 5 bins less the floor reads within ~0.3 % of its power
// (0.013 dB), the floor (-86 dB re the line, 5 bins) moves a -57 dB sideband by at most ~0.02 dB
// and the log-parabolic refinement places a line within ~0.05 bins (2.4 mHz). 0.1 dB and 0.01 Hz
// hold both with margin; a wrong bin or a missed floor is off by far more.
TEST_CASE("motor_current: broken-bar sidebands read at their level, speed measured from eccentricity", "[spectral][motor]") {
    // 3 % slip: fr = 24.2597 Hz, sidebands 3.0012 Hz (61 bins) from the line.
    const current_signal c = broken_bar(0.03, -45.0, -50.0);
    synthesise(c);
    static sp::motor_current<2> reader{four_pole, nerve::hertz{1440.0 / 60.0}};   // nameplate 1440 rpm
    REQUIRE(read_with(reader));
    const auto& r = reader.result();
    CHECK(r.line_hz == Approx(50.02).margin(0.005));
    CHECK(r.line_amplitude == Approx(1.0).epsilon(0.003));
    CHECK(r.synchronous_hz == Approx(25.01).margin(0.003));
    REQUIRE(r.source == sp::speed_source::eccentricity);
    CHECK(r.speed_hz == Approx(c.rotor_hz).margin(0.005));
    CHECK(r.slip == Approx(0.03).margin(2e-4));
    CHECK(r.eccentricity.db == Approx(-50.0).margin(0.1));
    CHECK(r.lower[0].frequency == Approx(c.line_hz - c.modulation_hz).margin(0.005));
    CHECK(r.upper[0].frequency == Approx(c.line_hz + c.modulation_hz).margin(0.005));
    CHECK(r.lower[0].db == Approx(-45.0).margin(0.1));
    CHECK(r.upper[0].db == Approx(-45.0).margin(0.1));
    // No second pair in this signal: placed, not found.
    CHECK(r.lower[1].expected_hz == Approx(c.line_hz - 2.0 * c.modulation_hz).margin(0.01));
    CHECK(std::isnan(r.lower[1].db));
    CHECK(std::isnan(r.upper[1].db));
    CHECK(r.floor_db < -80.0);
    CHECK(r.condition() == sp::rotor_condition::cracked_bar);

    // The same current as a density spectrum: the same levels (each is a ratio).
    static sp::motor_current<2> dense{four_pole, nerve::hertz{1440.0 / 60.0}};
    REQUIRE(read_with(dense, sp::scaling::density));
    CHECK(dense.result().lower[0].db == Approx(r.lower[0].db).margin(1e-4));
    CHECK(dense.result().eccentricity.db == Approx(r.eccentricity.db).margin(1e-4));
}

TEST_CASE("motor_current: without an eccentricity line the first sideband sets the slip", "[spectral][motor]") {
    // Runs at 2 % slip (1470.6 rpm) while told the nameplate's 1440: the told slip (4 %) would put
    // the sideband 2 Hz off; the search covers every slip from 5.9 % (2 % below the told speed) to 0.
    const current_signal c = broken_bar(0.02, -39.0, none);
    synthesise(c);
    static sp::motor_current<2> reader{four_pole, nerve::hertz{1440.0 / 60.0}};
    REQUIRE(read_with(reader));
    const auto& r = reader.result();
    CHECK(r.source == sp::speed_source::sideband);
    CHECK(std::isnan(r.eccentricity.db));
    CHECK(r.slip == Approx(0.02).margin(2e-4));
    CHECK(r.speed_hz == Approx(c.rotor_hz).margin(0.005));
    CHECK(r.lower[0].db == Approx(-39.0).margin(0.1));
    CHECK(r.upper[0].db == Approx(-39.0).margin(0.1));
    CHECK(r.upper[0].frequency == Approx(c.line_hz + c.modulation_hz).margin(0.005));
    CHECK(r.condition() == sp::rotor_condition::broken_bars);
}

TEST_CASE("motor_current: a 2-pole motor, its eccentricity line beside the supply's 2nd harmonic", "[spectral][motor]") {
    // 60 Hz, 2 poles, 1.5 % slip: fr = 59.1 Hz, so f + fr = 119.1 Hz lies 0.9 Hz (18 bins) under a
    // 2nd harmonic at 120 Hz that is 10 dB stronger; the search stops 3 bins short of f + ns = 2 f.
    const double f = 60.0, s = 0.015;
    synthesise({f, (1.0 - s) * f, 2.0 * s * f, 2.0 * std::pow(10.0, -45.0 / 20.0), std::pow(10.0, -50.0 / 20.0), 1e-3,
                std::pow(10.0, -40.0 / 20.0)});
    static sp::motor_current<2> reader{{60.0, 2}, nerve::hertz{3500.0 / 60.0}};
    REQUIRE(read_with(reader));
    const auto& r = reader.result();
    REQUIRE(r.source == sp::speed_source::eccentricity);
    CHECK(r.speed_hz == Approx((1.0 - s) * f).margin(0.005));
    CHECK(r.eccentricity.db == Approx(-50.0).margin(0.1));
    CHECK(r.lower[0].db == Approx(-45.0).margin(0.1));
    CHECK(r.condition() == sp::rotor_condition::cracked_bar);
}

TEST_CASE("motor_current: every class of the table from the sideband's level", "[spectral][motor]") {
    const double levels[] = {-57.0, -51.0, -45.0, -39.0, -33.0, -27.0};
    const sp::rotor_condition expected[] = {sp::rotor_condition::good,        sp::rotor_condition::moderate,
                                            sp::rotor_condition::cracked_bar, sp::rotor_condition::broken_bars,
                                            sp::rotor_condition::multiple_broken_bars, sp::rotor_condition::severe};
    for (std::size_t i = 0; i < 6; ++i) {
        synthesise(broken_bar(0.025, levels[i], -48.0));
        static sp::motor_current<2> reader{four_pole, nerve::hertz{1460.0 / 60.0}};
        REQUIRE(read_with(reader));
        INFO("sidebands at " << levels[i] << " dB");
        CHECK(reader.result().lower[0].db == Approx(levels[i]).margin(0.1));
        CHECK(reader.result().condition() == expected[i]);
    }
}

TEST_CASE("motor_current: a healthy rotor, light load and a noisy floor", "[spectral][motor]") {
    SECTION("no sidebands over a floor 86 dB down: excellent by the bound") {
        synthesise(broken_bar(0.03, -300.0, -50.0));
        static sp::motor_current<2> reader{four_pole, nerve::hertz{1455.0 / 60.0}};
        REQUIRE(read_with(reader));
        const auto& r = reader.result();
        CHECK(r.source == sp::speed_source::eccentricity);
        CHECK(std::isnan(r.lower[0].db));
        CHECK(r.floor_db < -80.0);
        CHECK(r.condition() == sp::rotor_condition::excellent);
    }
    SECTION("no sidebands and no eccentricity line: a told speed never calls a rotor clean") {
        synthesise(broken_bar(0.03, -300.0, none));
        static sp::motor_current<2> reader{four_pole, nerve::hertz{1455.0 / 60.0}};
        REQUIRE(read_with(reader));
        CHECK(reader.result().source != sp::speed_source::eccentricity);
        CHECK(!(reader.result().lower[0].db > -60.0));   // nothing but the line's own leakage, if anything
        CHECK(reader.result().condition() == sp::rotor_condition::unresolved);
    }
    SECTION("no sidebands over a floor 45 dB down: too noisy to tell") {
        synthesise(broken_bar(0.03, -300.0, -30.0, 0.1));
        static sp::motor_current<2> reader{four_pole, nerve::hertz{1455.0 / 60.0}};
        REQUIRE(read_with(reader));
        CHECK(reader.result().floor_db > -50.0);
        CHECK(reader.result().condition() == sp::rotor_condition::unresolved);
    }
    SECTION("0.2 % slip: the sidebands 4 bins from the line are not read") {
        synthesise(broken_bar(0.002, -40.0, none));
        static sp::motor_current<2> reader{four_pole, nerve::hertz{1497.0 / 60.0}};
        REQUIRE(read_with(reader));
        const auto& r = reader.result();
        CHECK(r.line_hz > 0);
        CHECK(r.source == sp::speed_source::told);
        CHECK(std::isnan(r.lower[0].db));
        CHECK(std::isnan(r.upper[0].db));
        CHECK(r.condition() == sp::rotor_condition::unresolved);
    }
}

TEST_CASE("motor_current: bad spectra are rejected and the last report stays; no allocation", "[spectral][motor]") {
    synthesise(broken_bar(0.03, -45.0, -50.0));
    static sp::motor_current<2> reader{four_pole, nerve::hertz{1440.0 / 60.0}};
    auto& w = welch_of(sp::scaling::spectrum);
    static float values[N / 2 + 1];
    sp::spectrum_view<float> view;
    w.flush([&](const sp::spectrum_view<float>& s) {
        view = s;
        for (std::size_t k = 0; k < s.size(); ++k) values[k] = s.values[k];
    });
    view.values = std::span<const float>{values, N / 2 + 1};
    int emitted = 0;
    NERVE_REQUIRE_NO_ALLOC(reader.push(view, [&](const sp::motor_current_report<2>&) { ++emitted; }));
    REQUIRE(emitted == 1);
    const double db = reader.result().lower[0].db;
    REQUIRE(db == Approx(-45.0).margin(0.1));

    values[100] = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(reader.compute(view));
    values[100] = -std::numeric_limits<float>::infinity();
    CHECK_FALSE(reader.compute(view));
    values[100] = 0;
    sp::spectrum_view<float> decibels = view;
    decibels.kind = sp::quantity::decibel;
    CHECK_FALSE(reader.compute(decibels));
    sp::spectrum_view<float> tiny = view;
    tiny.values = std::span<const float>{values, 8};
    CHECK_FALSE(reader.compute(tiny));
    CHECK(reader.rejected() == 4);
    CHECK(reader.result().lower[0].db == db);   // the last good report

    // A 60 Hz supply told for a 50 Hz current: no line, nothing read.
    static sp::motor_current<2> sixty{{60.0, 4}, nerve::hertz{1750.0 / 60.0}};
    CHECK(sixty.compute(view));
    CHECK(sixty.result().condition() == sp::rotor_condition::no_line);
    // Motors that are not motors: odd or too few poles, no speed, a supply past the spectrum.
    const sp::induction_motor odd{50.0, 3}, one{50.0, 0}, high{5000.0, 4};
    static sp::motor_current<2> a{odd, nerve::hertz{24.0}}, b{one, nerve::hertz{24.0}}, c{four_pole, nerve::hertz{-1.0}},
        d{high, nerve::hertz{24.0}}, e{four_pole, nerve::hertz{none}};
    for (auto* m : {&a, &b, &c, &d, &e}) {
        CHECK(m->compute(view));
        CHECK(m->result().condition() == sp::rotor_condition::no_line);
    }
}
