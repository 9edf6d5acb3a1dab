#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/bearing.hpp"
#include "nerve/spectral/envelope.hpp"
#include "nerve/spectral/spectrum_average.hpp"

namespace sp = nerve::spectral;
using namespace nerve::literals;

static_assert(nerve::general_operator<sp::bearing_defects<3>>);

// CWRU drive-end bearing, SKF 6205-2RS JEM (data README).
constexpr sp::bearing_geometry skf6205{9, 0.3126, 1.537, 0.0};

TEST_CASE("bearing: defect frequencies of the CWRU drive-end bearing", "[spectral][bearing]") {
    constexpr double fr = 1797.0 / 60.0;
    constexpr auto f = sp::defect_frequencies_of(skf6205, nerve::hertz{fr});
    static_assert(f.bpfo > 107.0 && f.bpfo < 107.6);
    CHECK(f.bpfo / fr == Approx(3.5848).epsilon(1e-4));
    CHECK(f.bpfi / fr == Approx(5.4152).epsilon(1e-4));
    CHECK(f.two_bsf() / fr == Approx(4.7135).epsilon(1e-4));
    CHECK(f.bsf / fr == Approx(2.3567).epsilon(1e-4));
    CHECK(f.ftf / fr == Approx(0.3983).epsilon(1e-3));
    CHECK(f.bpfo == Approx(107.4).epsilon(1e-3));
    // Contact angle shrinks the ratio: BPFO rises, BPFI falls.
    const auto g = sp::defect_frequencies_of({9, 0.3126, 1.537, 0.26}, nerve::hertz{fr});
    CHECK(g.bpfo > f.bpfo);
    CHECK(g.bpfi < f.bpfi);
    CHECK(std::string(sp::name(sp::bearing_defect::bpfo)) == "BPFO");
}

TEST_CASE("bearing: simulated outer-race fault is found at BPFO by envelope analysis", "[spectral][bearing]") {
    // Impulses at BPFO ring a 1.2 kHz resonance; plus noise and a strong low-frequency shaft tone.
    constexpr std::size_t N = 1024;
    const double fs = 4000.0, fr = 1797.0 / 60.0;
    const double bpfo = sp::defect_frequencies_of(skf6205, nerve::hertz{fr}).bpfo;
    static float x[8 * N];
    std::uint32_t seed = 7;
    auto noise = [&]() { seed = seed * 1664525u + 1013904223u; return ((seed >> 8) * (1.0 / 16777216.0) - 0.5) * 0.6; };
    for (std::size_t i = 0; i < 8 * N; ++i) x[i] = static_cast<float>(noise() + 2.0 * std::sin(2 * 3.141592653589793 * fr * i / fs));
    for (double t0 = 0.003; t0 < 8.0 * N / fs; t0 += 1.0 / bpfo) {
        const std::size_t s = static_cast<std::size_t>(t0 * fs);
        for (std::size_t k = 0; k < 60 && s + k < 8 * N; ++k)
            x[s + k] += static_cast<float>(1.5 * std::exp(-static_cast<double>(k) / 10.0) * std::sin(2 * 3.141592653589793 * 1200.0 * k / fs));
    }
    static sp::envelope_spectrum<N> env{nerve::sample_rate{fs}, 800.0_Hz, 1600.0_Hz};
    static sp::spectrum_average<N / 2 + 1> avg{sp::average::mean, 15};
    static sp::bearing_defects<3> bd{skf6205, nerve::hertz{fr}, 0.03};
    sp::bearing_report<3> report{};
    int reports = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t f = 0; f + N <= 8 * N; f += N / 2) {
        env.push(std::span<const float, N>{x + f, N}, [&](const sp::spectrum_view<float>& e) {
            avg.push(e, [&](const sp::spectrum_view<float>& a) {
                bd.push(a, [&](const sp::bearing_report<3>& r) { report = r; ++reports; });
            });
        });
    });
    INFO("env rejected " << env.rejected() << " avg segments " << avg.segments() << " avg rejected " << avg.rejected() << " bd rejected " << bd.rejected());
    REQUIRE(reports == 1);
    CHECK(report.dominant() == sp::bearing_defect::bpfo);
    const auto& line = report[sp::bearing_defect::bpfo][0];
    CHECK(std::fabs(line.frequency - bpfo) < 0.5 * fs / N);
    CHECK(line.prominence > 10.0);
    CHECK(report.score[static_cast<std::size_t>(sp::bearing_defect::bpfo)] >
          2.0 * report.score[static_cast<std::size_t>(sp::bearing_defect::bpfi)]);
}

TEST_CASE("bearing: NaN spectra are rejected", "[spectral][bearing]") {
    static float v[100] = {};
    v[50] = std::numeric_limits<float>::quiet_NaN();
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    sp::bearing_defects<2> bd{skf6205, nerve::hertz{30.0}};
    int n = 0;
    bd.push(s, [&](const auto&) { ++n; });
    CHECK(n == 0);
    CHECK(bd.rejected() == 1);
}
