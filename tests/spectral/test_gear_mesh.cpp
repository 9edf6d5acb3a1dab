#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <span>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/gear_mesh.hpp"
#include "nerve/spectral/welch.hpp"

namespace sp = nerve::spectral;

static_assert(nerve::general_operator<sp::gear_mesh<3, 6>>);

namespace {

constexpr double two_pi = 6.283185307179586;

// A gear pair's vibration in closed form: mesh harmonics h = 1..3 of amplitudes `mesh`, each
// amplitude-modulated by 1 + sum_k m_k cos(2 pi k f_gear t) (a local fault on the gear turning at
// f_gear: the sidebands h fm +- k f_gear have amplitude mesh_h m_k / 2 each, so that gear's SER at
// every harmonic is sum_k m_k and the other gear's is 0), plus white noise of the given RMS.
struct gear_signal {
    double fs, mesh_hz, gear_hz;
    double mesh[3];
    double m[6];
    double noise_rms;
};

constexpr std::size_t N = 16384, segments = 15, length = N / 2 * (segments + 1);
float x[length];

void synthesise(const gear_signal& g) {
    std::uint32_t seed = 12345;
    auto uniform = [&]() { seed = seed * 1664525u + 1013904223u; return (seed >> 8) * (1.0 / 16777216.0) - 0.5; };
    const double noise_scale = g.noise_rms * std::sqrt(12.0);
    for (std::size_t i = 0; i < length; ++i) {
        const double t = static_cast<double>(i) / g.fs;
        // Phases as fractions of a turn in double, the trigonometry in float (cheap on a Cortex-M4F).
        auto turn = [&](double f) { const double c = f * t; return static_cast<float>(two_pi * (c - std::floor(c))); };
        double modulation = 1.0;
        for (std::size_t k = 0; k < 6; ++k)
            if (g.m[k] != 0) modulation += g.m[k] * std::cos(turn(static_cast<double>(k + 1) * g.gear_hz));
        double v = 0;
        for (std::size_t h = 0; h < 3; ++h) v += g.mesh[h] * std::cos(turn(static_cast<double>(h + 1) * g.mesh_hz));
        x[i] = static_cast<float>(v * modulation + noise_scale * uniform());
    }
}

template <std::size_t Size>
sp::welch<Size>& welch_of(double fs, sp::scaling scaling) {
    static std::optional<sp::welch<Size>> w;   // built in place: no 300 kB temporary on a Cortex-M4's stack
    w.emplace(nerve::window::hann, nerve::sample_rate{fs}, scaling);
    for (std::size_t f = 0; f + Size <= length; f += Size / 2)
        w->push(std::span<const float, Size>{x + f, Size}, [](const sp::spectrum_view<float>&) {});
    return *w;
}

template <std::size_t Size, class Reader>
bool read_with(Reader& reader, double fs, sp::scaling scaling = sp::scaling::spectrum) {
    bool read = false;
    welch_of<Size>(fs, scaling).flush([&](const sp::spectrum_view<float>& s) { read = reader.compute(s); });
    return read;
}

}  // namespace

TEST_CASE("gear_mesh: mesh, mate, assembly and hunting-tooth frequencies", "[spectral][gear]") {
    // 8 teeth meshing with 42 at 20 Hz: mesh 160 Hz, the mate at 3.8095 Hz, gcd 2, so assembly
    // phases at 80 Hz and the hunting tooth at 160 * 2 / (8 * 42) Hz.
    constexpr auto f = sp::gear_frequencies_of({8, 42}, nerve::hertz{20.0});
    static_assert(f.mesh_hz == 160.0);
    CHECK(f.mate_hz == Approx(160.0 / 42.0).epsilon(1e-12));
    CHECK(f.assembly_hz == Approx(80.0).epsilon(1e-12));
    CHECK(f.hunting_hz == Approx(320.0 / 336.0).epsilon(1e-12));
    // Coprime teeth: every tooth meets every tooth, the hunting tooth turns once per 23 mate turns.
    constexpr auto g = sp::gear_frequencies_of({23, 61}, nerve::hertz{25.0});
    CHECK(g.mesh_hz == Approx(575.0).epsilon(1e-12));
    CHECK(g.assembly_hz == Approx(575.0).epsilon(1e-12));
    CHECK(g.hunting_hz == Approx(g.mate_hz / 23.0).epsilon(1e-12));
    // Mate unknown: no mate, no hunting tooth; no teeth or no speed: nothing.
    CHECK(sp::gear_frequencies_of({23, 0}, nerve::hertz{25.0}).mate_hz == 0.0);
    CHECK(sp::gear_frequencies_of({23, 0}, nerve::hertz{25.0}).hunting_hz == 0.0);
    CHECK(sp::gear_frequencies_of({0, 61}, nerve::hertz{25.0}).mesh_hz == 0.0);
    CHECK(sp::gear_frequencies_of({23, 61}, nerve::hertz{std::numeric_limits<double>::quiet_NaN()}).mesh_hz == 0.0);
    CHECK(std::string(sp::name(sp::gear_verdict::mate_gear)) == "mate_gear");
}

// The bounds below: Hann's sidelobes leave ~0.05 % of a line outside its 5 bins and put under 1e-3
// of its power into floor bins 3 or more bins away, so a line reads at most ~0.3 % low; noise of
// RMS 0.01 over 15 segments of 0.244 Hz bins moves each sideband's signed amplitude by ~1e-4, the
// sum of 12 by ~4e-4, under 1 % of the smallest ratio's 0.06 at harmonic 3. 2 % holds both.
TEST_CASE("gear_mesh: a local fault's sidebands give that gear's SER, the other gear's stays near 0", "[spectral][gear]") {
    constexpr double fs = 4000, fr = 25.0;
    constexpr sp::gear_pair pair{23, 61};
    // 16384 points at 4 kHz: 0.244 Hz bins. The mate turns at 9.43 Hz (38.6 bins); its sidebands
    // come no closer than 2.9 Hz (12 bins) to the shaft's (25 Hz apart), so none is left out.
    const double mate = 23.0 * fr / 61.0;

    SECTION("a healthy pair: the shaft gear modulated by 0.3 at its own speed") {
        synthesise({fs, 23.0 * fr, fr, {1.0, 0.4, 0.2}, {0.3}, 0.01});
        static sp::gear_mesh<3, 6> reader{pair, nerve::hertz{fr}};
        REQUIRE(read_with<N>(reader, fs));
        const auto& r = reader.result();
        for (std::size_t h = 0; h < 3; ++h) {
            CHECK(r.mesh[h].frequency == Approx(575.0 * (h + 1)).epsilon(2e-4));
            CHECK(r.mesh[h].ser_shaft == Approx(0.3).epsilon(0.02));
            CHECK(r.mesh[h].ser_mate < 0.05);
        }
        CHECK(r.mesh[0].amplitude == Approx(1.0).epsilon(0.01));
        CHECK(r.mesh[1].amplitude == Approx(0.4).epsilon(0.01));
        CHECK(r.mesh[2].amplitude == Approx(0.2).epsilon(0.01));
        CHECK(r.measured_shaft_hz == Approx(fr).epsilon(2e-4));
        CHECK(r.verdict() == sp::gear_verdict::healthy);
        CHECK(r.verdict(0.25) == sp::gear_verdict::shaft_gear);   // the alarm is the caller's
    }
    SECTION("a cracked tooth on the mate: four orders of its speed, told speed 0.5 % high") {
        synthesise({fs, 23.0 * fr, mate, {1.0, 0.5, 0.25}, {0.5, 0.4, 0.3, 0.2}, 0.01});
        static sp::gear_mesh<3, 6> reader{pair, nerve::hertz{fr * 1.005}};
        REQUIRE(read_with<N>(reader, fs));
        const auto& r = reader.result();
        for (std::size_t h = 0; h < 3; ++h) {
            CHECK(r.mesh[h].ser_mate == Approx(1.4).epsilon(0.02));
            CHECK(r.mesh[h].ser_shaft < 0.05);
        }
        CHECK(r.measured_shaft_hz == Approx(fr).epsilon(2e-4));   // from the mesh line, not the told speed
        CHECK(r.verdict() == sp::gear_verdict::mate_gear);
        // The same spectrum as a density: the same ratios (each ratio is scale-free).
        static sp::gear_mesh<3, 6> dense{pair, nerve::hertz{fr * 1.005}};
        REQUIRE(read_with<N>(dense, fs, sp::scaling::density));
        for (std::size_t h = 0; h < 3; ++h) {
            CHECK(dense.result().mesh[h].ser_mate == Approx(r.mesh[h].ser_mate).epsilon(1e-6));
            CHECK(dense.result().mesh[h].ser_shaft == Approx(r.mesh[h].ser_shaft).margin(1e-6));
        }
    }
    SECTION("without the mate's teeth only the shaft gear is read") {
        synthesise({fs, 23.0 * fr, fr, {1.0, 0.4, 0.2}, {0.6, 0.5}, 0.01});
        static sp::gear_mesh<3, 6> reader{{23, 0}, nerve::hertz{fr}};
        REQUIRE(read_with<N>(reader, fs));
        CHECK(reader.result().mesh[0].ser_shaft == Approx(1.1).epsilon(0.02));
        CHECK(std::isnan(reader.result().mesh[0].ser_mate));
        CHECK(reader.result().verdict() == sp::gear_verdict::shaft_gear);
    }
}

TEST_CASE("gear_mesh: noise alone adds no sideband energy", "[spectral][gear]") {
    // Unmodulated mesh lines of amplitude 1 in white noise of RMS 0.1 (17 dB under each line): the
    // 12 sidebands of each gear hold only noise. Over 30 noise seeds (this signal, host) the six
    // ratios read 0.0047 on average and 0.020 at most with signed amplitudes, 0.0084 and 0.021 with
    // plain ones; without the floor removed, 0.040-0.044. 0.03 bounds the noise, not a line.
    constexpr double fs = 4000, fr = 25.0;
    synthesise({fs, 575.0, fr, {1.0, 1.0, 1.0}, {}, 0.1});
    static sp::gear_mesh<3, 6> reader{{23, 61}, nerve::hertz{fr}};
    REQUIRE(read_with<N>(reader, fs));
    for (std::size_t h = 0; h < 3; ++h) {
        CHECK(reader.result().mesh[h].ser_shaft < 0.03);
        CHECK(reader.result().mesh[h].ser_mate < 0.03);
    }
    CHECK(reader.result().verdict() == sp::gear_verdict::healthy);
}

TEST_CASE("gear_mesh: lines it cannot resolve or reach read NaN, never a number", "[spectral][gear]") {
    constexpr double fs = 4000, fr = 25.0;
    synthesise({fs, 575.0, fr, {1.0, 0.4, 0.2}, {0.3}, 0.01});
    // 256 points at 4 kHz: 15.6 Hz bins; the shaft's 25 Hz is 1.6 bins, the mate's 9.4 Hz under one.
    static sp::gear_mesh<3, 6> coarse{{23, 61}, nerve::hertz{fr}};
    REQUIRE(read_with<256>(coarse, fs));
    const auto& c = coarse.result();
    CHECK(c.mesh[0].frequency > 0);
    CHECK(std::isnan(c.mesh[0].ser_shaft));
    CHECK(std::isnan(c.mesh[0].ser_mate));
    CHECK(c.mesh[0].amplitude > 0.9);   // the mesh line itself still reads (its sidebands inside it)
    CHECK(c.verdict() == sp::gear_verdict::unresolved);
    // The third harmonic's upper sidebands (1725 + 6.5 x 25 Hz) pass 1.8 kHz at 3.6 kHz sampling...
    synthesise({3600.0, 575.0, fr, {1.0, 0.4, 0.2}, {0.3}, 0.01});
    static sp::gear_mesh<3, 6> edge{{23, 61}, nerve::hertz{fr}};
    REQUIRE(read_with<N>(edge, 3600.0));
    CHECK(std::isnan(edge.result().mesh[2].ser_shaft));
    CHECK(edge.result().mesh[0].ser_shaft >= 0);
    // ...and nothing at all where no line is: the told speed 10 % off.
    synthesise({fs, 575.0, fr, {1.0, 0.4, 0.2}, {0.3}, 0.01});
    static sp::gear_mesh<3, 6> wrong{{23, 61}, nerve::hertz{fr * 1.1}};
    REQUIRE(read_with<N>(wrong, fs));
    CHECK(wrong.result().mesh[0].frequency == 0.0);
    CHECK(wrong.result().verdict() == sp::gear_verdict::no_mesh_line);
}

TEST_CASE("gear_mesh: bad spectra are rejected and the last report stays; no allocation", "[spectral][gear]") {
    constexpr double fs = 4000, fr = 25.0;
    synthesise({fs, 575.0, fr, {1.0, 0.4, 0.2}, {0.3}, 0.01});
    static sp::gear_mesh<3, 6> reader{{23, 61}, nerve::hertz{fr}};
    auto& w = welch_of<N>(fs, sp::scaling::spectrum);
    static float values[N / 2 + 1];
    sp::spectrum_view<float> view;
    w.flush([&](const sp::spectrum_view<float>& s) {
        view = s;
        for (std::size_t k = 0; k < s.size(); ++k) values[k] = s.values[k];
    });
    view.values = std::span<const float>{values, N / 2 + 1};
    int emitted = 0;
    NERVE_REQUIRE_NO_ALLOC(reader.push(view, [&](const sp::gear_report<3>&) { ++emitted; }));
    REQUIRE(emitted == 1);
    const double ser = reader.result().mesh[0].ser_shaft;
    REQUIRE(ser == Approx(0.3).epsilon(0.02));

    values[100] = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(reader.compute(view));
    values[100] = std::numeric_limits<float>::infinity();
    CHECK_FALSE(reader.compute(view));
    values[100] = 0;
    sp::spectrum_view<float> decibels = view;
    decibels.kind = sp::quantity::decibel;
    CHECK_FALSE(reader.compute(decibels));
    sp::spectrum_view<float> tiny = view;
    tiny.values = std::span<const float>{values, 8};
    CHECK_FALSE(reader.compute(tiny));
    CHECK(reader.rejected() == 4);
    CHECK(reader.result().mesh[0].ser_shaft == ser);   // the last good report

    // A shaft speed that is not a speed: no mesh line, nothing read out of bounds.
    static sp::gear_mesh<3, 6> nowhere{{23, 61}, nerve::hertz{-1.0}};
    CHECK(nowhere.compute(view));
    CHECK(nowhere.result().verdict() == sp::gear_verdict::no_mesh_line);
    nowhere.set_shaft(nerve::hertz{1e30});
    CHECK(nowhere.compute(view));
    CHECK(nowhere.result().mesh[0].frequency == 0.0);
}
