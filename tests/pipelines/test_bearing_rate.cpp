// Does bearing_monitor's diagnosis carry over between sampling rates? The same machine recorded at
// 12 and at 48 kHz must give the same verdict: every length in the analysis is in seconds or Hz
// (the envelope and shaft-spectrum rates, frames in envelope segments), not in input samples.
// tools/cwru_generalise_eval.py checks the same on the CWRU records (48 kHz resampled, other
// speeds, tachometer errors, half records).
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

#include "gauss_lcg.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace np = nerve::pipelines;

namespace {

using monitor = np::bearing_monitor<2, 512, 128>;   // small and quick (the earlier Cortex-M4 configuration)
constexpr double two_pi = 6.283185307179586;

enum class fault { none, outer, inner, ball };

/// A bearing vibration written in continuous time, sampled at any rate: impacts at the defect rate
/// (0.5 % jitter) ringing a 3.5 kHz resonance (decay 0.8 ms; the resonator's kick is scaled by
/// sin(theta) so a ring has the same amplitude at every rate), inner-race impacts modulated by the
/// shaft, ball impacts by the cage, a 1x shaft line, Gaussian noise of the same density per Hz at
/// every rate (0.05 RMS at 12 kHz; at 48 kHz twice that, the rest above 6 kHz, as a real 48 kHz
/// record has), and optionally a tone.
struct rate_signal {
    double fs;
    fault kind;
    double amplitude, fr, one_x;
    double tone_hz = 0, tone_amp = 0;
    pipelines_test::gauss_lcg n{0x9E3779B97F4A7C15ull};
    double next_impact = 0.01, r1 = 0, r2 = 0, noise = 0, c1 = 0, c2 = 0, kick = 0;
    std::size_t i = 0;
    nerve::spectral::defect_frequencies f;
    rate_signal(double rate, fault k, double a, double speed, double shaft_line = 0.05)
        : fs(rate), kind(k), amplitude(a), fr(speed), one_x(shaft_line),
          f(nerve::spectral::defect_frequencies_of(np::bearings::skf6205, nerve::hertz{speed})) {
        const double rho = std::exp(-1.0 / (0.0008 * fs)), theta = two_pi * 3500.0 / fs;
        c1 = 2.0 * rho * std::cos(theta);
        c2 = -rho * rho;
        kick = std::sin(theta);
        noise = 0.05 * std::sqrt(fs / 12000.0);
    }
    float operator()() {
        const double t = static_cast<double>(i++) / fs;
        double rate = 0.0, mod = 1.0;
        if (kind == fault::outer) rate = f.bpfo;
        if (kind == fault::inner) { rate = f.bpfi; mod = 0.6 + 0.4 * std::cos(two_pi * fr * t); }
        if (kind == fault::ball) { rate = f.two_bsf(); mod = 0.6 + 0.4 * std::cos(two_pi * f.ftf * t); }
        double k = 0.0;
        if (rate > 0 && t >= next_impact) {
            k = amplitude * mod * kick;
            next_impact += (1.0 / rate) * (1.0 + 0.005 * n.gauss());
        }
        const double ring = c1 * r1 + c2 * r2 + k;
        r2 = r1;
        r1 = ring;
        return static_cast<float>(one_x * std::sin(two_pi * fr * t) + tone_amp * std::sin(two_pi * tone_hz * t) +
                                  noise * n.gauss() + ring);
    }
};

np::bearing_monitor_config config(double fs, double shaft_hz) {
    np::bearing_monitor_config c;
    c.fs_hz = fs;
    c.shaft_hz = shaft_hz;
    c.geometry = np::bearings::skf6205;
    return c;
}

np::bearing_summary run(monitor& m, rate_signal& sig, double seconds) {
    std::array<float, 256> block{};
    const auto total = static_cast<std::size_t>(seconds * sig.fs);
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t done = 0; done < total; done += block.size()) {
        for (auto& v : block) v = sig();
        m.process(block, [](const monitor::output_type&) {});
    });
    return m.summary();
}

}  // namespace

TEST_CASE("bearing_monitor's analysis rates are set in Hz, not in input samples", "[bearing_rate]") {
    static monitor m{config(12000.0, 30.0)};
    for (const double fs : {12000.0, 24000.0, 48000.0, 96000.0}) {
        m = monitor{config(fs, 30.0)};
        CAPTURE(fs);
        CHECK(m.envelope_rate_hz() == 1500.0);        // decimation fs / 1500
        CHECK(m.shaft_spectrum_rate_hz() == 250.0);   // 1500 / floor(1500 / (8 x 30 Hz))
        CHECK(m.band_edges()[0] == 500.0);
    }
}

TEST_CASE("a synthetic bearing is diagnosed the same at 12 and 48 kHz", "[bearing_rate]") {
    static monitor m{config(12000.0, 30.0)};
    struct expect {
        fault kind;
        np::bearing_diagnosis d;
    };
    for (const auto& e : {expect{fault::none, np::bearing_diagnosis::normal},
                          expect{fault::outer, np::bearing_diagnosis::outer_race},
                          expect{fault::inner, np::bearing_diagnosis::inner_race},
                          expect{fault::ball, np::bearing_diagnosis::ball}}) {
        np::bearing_summary s[2];
        int k = 0;
        for (const double fs : {12000.0, 48000.0}) {
            m = monitor{config(fs, 30.0)};
            rate_signal sig(fs, e.kind, e.kind == fault::none ? 0.0 : 0.3, 30.0);
            s[k++] = run(m, sig, 6.0);
        }
        CAPTURE(static_cast<int>(e.kind), s[0].evidence.outer, s[1].evidence.outer, s[0].evidence.inner,
                s[1].evidence.inner, s[0].evidence.ball, s[1].evidence.ball, s[0].kurtosis, s[1].kurtosis);
        CHECK(s[0].verdict.diagnosis == e.d);
        CHECK(s[1].verdict.diagnosis == e.d);
        CHECK(s[0].verdict.rule == s[1].verdict.rule);
        if (e.kind != fault::none) CHECK(s[0].evidence.band == s[1].evidence.band);   // the one holding 3.5 kHz
        CHECK(s[0].shaft_hz == s[1].shaft_hz);
    }
}

TEST_CASE("bearing_monitor's shaft stream continues across a snapshot taken inside a decimation window",
          "[bearing_rate][snapshot]") {
    // 1.5 % faster than told, so the measured speed depends on every shaft-stream sample; the
    // snapshot falls 3 samples into a window of D = 32 (48 kHz): the triangle's partial sums and
    // the previous window's weighted sum are state.
    const double told = 30.0, truth = told * 1.015;
    static monitor a{config(48000.0, told)}, b{config(48000.0, told)};
    a = monitor{config(48000.0, told)};
    b = monitor{config(48000.0, told)};
    rate_signal sig(48000.0, fault::outer, 0.3, truth);
    static std::array<float, 48000 * 2 + 3> head{};
    for (auto& v : head) v = sig();
    a.process(head, [](const monitor::output_type&) {});
    static std::array<std::byte, 64 * 1024> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    std::array<float, 250> block{};
    for (int k = 0; k < 48000 * 4 / 250; ++k) {
        for (auto& v : block) v = sig();
        a.process(block, [](const monitor::output_type&) {});
        b.process(block, [](const monitor::output_type&) {});
    }
    const auto sa = a.summary(), sb = b.summary();
    CHECK(sa.shaft_hz == sb.shaft_hz);
    CHECK(sa.shaft_line == sb.shaft_line);
    CHECK(std::fabs(sa.shaft_hz - truth) < 0.003 * truth);
    const auto pa = a.shaft_spectrum(), pb = b.shaft_spectrum();
    bool same = true;
    for (std::size_t k = 0; k < pa.size(); ++k) same = same && pa[k] == pb[k];
    CHECK(same);
}
