#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "nerve/core/snapshot.hpp"
#include "bearing_signal.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"
#include "spectral/golden_compare.hpp"

namespace np = nerve::pipelines;

namespace {

// Small monitor (the earlier Cortex-M4 configuration; the firmware's is compact_monitor below):
// 2 bands, 512-point envelope spectra.
using small_monitor = np::bearing_monitor<2, 512, 128>;

constexpr double fs = pipelines_test::bearing_fs, shaft = pipelines_test::bearing_shaft;
using pipelines_test::bearing_signal;
using pipelines_test::fault;

// The RMS velocity in mm/s of a sine of `a` g at `f` Hz: a x 9.80665 / (2 pi f) / sqrt 2 x 1000.
double sine_velocity_mm_s(double a, double f) {
    return a * 9.80665 / (2 * 3.14159265358979 * f) / std::sqrt(2.0) * 1000.0;
}

np::bearing_monitor_config config() {
    np::bearing_monitor_config c;
    c.fs_hz = fs;
    c.shaft_hz = shaft;
    c.geometry = np::bearings::skf6205;
    return c;
}

np::bearing_summary run(fault k, double amplitude, double seconds, std::size_t* frames = nullptr) {
    static small_monitor m{config()};
    m = small_monitor{config()};
    bearing_signal sig(k, amplitude);
    std::array<float, 256> block{};
    const std::size_t total = static_cast<std::size_t>(seconds * fs);
    std::size_t count = 0;
    for (std::size_t done = 0; done < total; done += block.size()) {
        for (auto& v : block) v = sig();
        m.process(block, [&](const small_monitor::output_type& f) {
            ++count;
            CHECK(std::isfinite(f.rms));
            CHECK(std::isfinite(f.verdict.health_index));
        });
    }
    if (frames) *frames = count;
    return m.summary();
}

}  // namespace

TEST_CASE("bearing_monitor diagnoses seeded faults and leaves a healthy bearing alone", "[bearing_monitor]") {
    std::size_t frames = 0;
    const auto healthy = run(fault::none, 0.0, 12.0, &frames);
    CHECK(frames >= 3);
    CHECK(healthy.verdict.diagnosis == np::bearing_diagnosis::normal);
    CHECK(healthy.verdict.severity == 0);
    CHECK(std::fabs(healthy.kurtosis) < 0.5);

    const auto outer = run(fault::outer, 0.3, 12.0);
    CHECK(outer.verdict.diagnosis == np::bearing_diagnosis::outer_race);
    CHECK(outer.verdict.rule == np::bearing_rule::race_line);
    CHECK(outer.evidence.outer > outer.evidence.inner + 1.0);
    CHECK(std::fabs(outer.frequencies.bpfo - 3.5848 * shaft) < 0.01);

    const auto inner = run(fault::inner, 0.3, 12.0);
    CHECK(inner.verdict.diagnosis == np::bearing_diagnosis::inner_race);
    CHECK(inner.evidence.inner > inner.evidence.outer + 1.0);

    const auto ball = run(fault::ball, 0.3, 12.0);
    CHECK(ball.verdict.diagnosis == np::bearing_diagnosis::ball);
    CHECK(ball.evidence.ball > ball.evidence.outer);
}

TEST_CASE("bearing_monitor severity grows with the fault", "[bearing_monitor]") {
    const auto weak = run(fault::outer, 0.1, 8.0);
    const auto strong = run(fault::outer, 0.6, 8.0);
    CHECK(strong.verdict.health_index > weak.verdict.health_index);
    CHECK(strong.verdict.severity >= weak.verdict.severity);
    CHECK(strong.rms > weak.rms);
}

TEST_CASE("diagnose applies the rules in order", "[bearing_monitor]") {
    const np::bearing_monitor_config c{};
    np::bearing_evidence e{};
    CHECK(np::diagnose(e, 0.0, 3.5, 0.0, c).diagnosis == np::bearing_diagnosis::normal);
    e.outer = 3.0; e.inner = 1.0;
    CHECK(np::diagnose(e, 0.0, 3.5, 0.0, c).diagnosis == np::bearing_diagnosis::outer_race);
    e.outer = 1.0; e.inner = 3.0;
    CHECK(np::diagnose(e, 0.0, 3.5, 0.0, c).diagnosis == np::bearing_diagnosis::inner_race);
    e.outer = 2.4; e.inner = 2.2;  // both races, no winner
    const auto amb = np::diagnose(e, 0.0, 3.5, 0.0, c);
    CHECK(amb.diagnosis == np::bearing_diagnosis::anomaly);
    CHECK(amb.rule == np::bearing_rule::ambiguous_lines);
    e = {}; e.ball = 1.8; e.outer = 0.5;
    CHECK(np::diagnose(e, 0.0, 3.5, 0.0, c).rule == np::bearing_rule::ball_line);
    e = {}; e.inner = 1.3; e.outer = 0.4; e.ball = 0.3;
    const auto weak = np::diagnose(e, 0.0, 3.5, 0.0, c);
    CHECK(weak.diagnosis == np::bearing_diagnosis::inner_race);
    CHECK(weak.rule == np::bearing_rule::weak_line);
    e = {}; e.inner = 0.5; e.outer = 0.4;
    const auto imp = np::diagnose(e, 6.0, 9.0, 0.0, c);
    CHECK(imp.diagnosis == np::bearing_diagnosis::ball);
    CHECK(imp.rule == np::bearing_rule::impulsive);
    CHECK(imp.severity >= 1);
    CHECK(np::diagnose(e, 0.0, 3.5, 0.95, c).diagnosis == np::bearing_diagnosis::anomaly);
    // Race lines only outside the selected band: a fault, type unclear (after the impulsive rule).
    e = {}; e.inner = 0.5; e.outer = 0.4; e.race_any = 2.5;
    const auto off = np::diagnose(e, 0.0, 3.5, 0.0, c);
    CHECK(off.diagnosis == np::bearing_diagnosis::anomaly);
    CHECK(off.rule == np::bearing_rule::off_band_lines);
    CHECK(np::diagnose(e, 6.0, 9.0, 0.0, c).rule == np::bearing_rule::impulsive);
    CHECK(std::string(np::name(np::bearing_rule::off_band_lines)) == "race_lines_off_band");
    CHECK(std::string(np::name(np::bearing_diagnosis::outer_race)) == "outer_race");
}

TEST_CASE("bearing_monitor reads the lines in the most impulsive band, not the loudest", "[bearing_monitor]") {
    // Outer-race impacts ring the 3 kHz resonance (band 1 of [500, 2950, 5400] Hz); a tone at
    // 900 Hz, louder than everything else, fills band 0 with energy but is not impulsive.
    static small_monitor m{config()};
    m = small_monitor{config()};
    bearing_signal sig(fault::outer, 0.3);
    std::array<float, 256> block{};
    std::size_t i = 0;
    for (std::size_t done = 0; done < static_cast<std::size_t>(12.0 * fs); done += block.size()) {
        for (auto& v : block) {
            const double t = static_cast<double>(i++) / fs;
            v = sig() + static_cast<float>(1.0 * std::sin(6.283185307179586 * 900.0 * t));
        }
        m.process(block, [](const small_monitor::output_type& f) { CHECK(f.evidence.band == 1); });
    }
    const auto s = m.summary();
    CHECK(s.evidence.band == 1);
    CHECK(s.evidence.impulsiveness > 1.0);
    CHECK(s.evidence.race_any >= s.evidence.outer);
    CHECK(s.verdict.diagnosis == np::bearing_diagnosis::outer_race);
    // A healthy bearing: band-limited noise after the boxcar stays below 1.
    CHECK(run(fault::none, 0.0, 12.0).evidence.impulsiveness < 1.0);
}

TEST_CASE("bearing_monitor holds NaN/Inf samples, counts them, and does not allocate", "[bearing_monitor][bad-input]") {
    static small_monitor m{config()};
    m = small_monitor{config()};
    bearing_signal sig(fault::outer, 0.3);
    std::array<float, 256> block{};
    std::size_t frames = 0;
    bool finite = true;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t b = 0; b < 400; ++b) {
        for (auto& v : block) v = sig();
        if (b % 50 == 7) {
            block[3] = std::numeric_limits<float>::quiet_NaN();
            block[4] = std::numeric_limits<float>::infinity();
        }
        m.process(block, [&](const small_monitor::output_type& f) {
            ++frames;
            finite = finite && std::isfinite(f.rms) && std::isfinite(f.kurtosis) && std::isfinite(f.verdict.health_index);
        });
    });
    CHECK(finite);
    CHECK(frames > 0);
    CHECK(m.rejected_samples() == 16);
    CHECK(m.summary().verdict.diagnosis == np::bearing_diagnosis::outer_race);
    // Huge but finite samples: moments may overflow float; the frame says so and nothing stays NaN.
    for (int i = 0; i < 20000; ++i) m.push(i % 2 ? 3e37f : -3e37f, [](const small_monitor::output_type&) {});
    for (int i = 0; i < 60000; ++i) m.push(sig(), [](const small_monitor::output_type&) {});
    const auto s = m.summary();
    CHECK(std::isfinite(s.evidence.outer));
    // The overflowed stretch is left out of the band selection: its moments stay finite.
    CHECK(std::isfinite(s.evidence.impulsiveness));
    CHECK(s.evidence.impulsiveness >= 0.0);
    CHECK(s.evidence.band < small_monitor::bands);
}

TEST_CASE("bearing_monitor per-sample push gives the same frames as blocks", "[bearing_monitor]") {
    static small_monitor a{config()}, b{config()};
    a = small_monitor{config()};
    b = small_monitor{config()};
    bearing_signal s1(fault::inner, 0.3), s2(fault::inner, 0.3);
    std::array<float, 100> block{};
    std::size_t fa = 0, fb = 0;
    double ea = 0, eb = 0;
    for (int k = 0; k < 800; ++k) {
        for (auto& v : block) v = s1();
        a.process(block, [&](const small_monitor::output_type& f) { ++fa; ea = f.evidence.inner; });
        for (std::size_t i = 0; i < block.size(); ++i)
            b.push(s2(), [&](const small_monitor::output_type& f) { ++fb; eb = f.evidence.inner; });
    }
    CHECK(fa == fb);
    CHECK(fa > 0);
    CHECK(std::fabs(ea - eb) < 1e-2 * (1.0 + std::fabs(ea)));  // block filters differ by rounding only
}

TEST_CASE("bearing_monitor gives the same frames whatever the call lengths", "[bearing_monitor]") {
    // The internal blocks (up to small_monitor::block samples), the cascades' 16-sample block path, the zero-padded
    // time sums and the boxcar windows (12 kHz / 1.5 kHz: 8 samples) fall differently for each call
    // length. The envelope path is sample-exact: the same segments, so the same frames, whose
    // evidence may differ by float rounding only. A frame's time features cover the samples up to
    // the end of the internal block in which its last segment completed (up to block - 1 more), so they
    // are compared exactly between call lengths that make the same internal blocks.
    constexpr std::size_t total = 56000;   // 3 frames (at samples 18432, 34816, 51200)
    static std::array<float, total> x{};
    bearing_signal sig(fault::outer, 0.3);
    for (auto& v : x) v = sig();
    struct frame_values { double rms, kurtosis, crest, outer, impulsiveness; std::uint64_t end; };
    static std::array<std::array<frame_values, 64>, 6> got{};
    std::array<std::size_t, 6> count{};
    constexpr std::size_t bl = small_monitor::block;
    const std::array<std::size_t, 6> lengths{1, 7, bl, bl + 1, 100, 4096};
    static_assert(4096 % bl == 0);
    static small_monitor m{config()};
    for (std::size_t r = 0; r < lengths.size(); ++r) {
        m = small_monitor{config()};
        for (std::size_t i = 0; i < total; i += lengths[r]) {
            const std::size_t n = total - i < lengths[r] ? total - i : lengths[r];
            m.process(std::span<const float>(x.data() + i, n), [&](const small_monitor::output_type& f) {
                if (count[r] < 64)
                    got[r][count[r]] = {f.rms, f.kurtosis, f.crest_factor, f.evidence.outer, f.evidence.impulsiveness,
                                        f.end_sample};
                ++count[r];
            });
        }
    }
    REQUIRE(count[0] >= 3);
    REQUIRE(count[0] <= 64);
    for (std::size_t r = 1; r < lengths.size(); ++r) {
        INFO("call length " << lengths[r]);
        REQUIRE(count[r] == count[0]);
        for (std::size_t k = 0; k < count[0]; ++k) {
            const auto &a = got[0][k], &b = got[r][k];
            CHECK(b.end >= a.end);
            CHECK(b.end < a.end + small_monitor::block);
            CHECK(std::fabs(b.outer - a.outer) <= 1e-2 * (1.0 + std::fabs(a.outer)));
            CHECK(std::fabs(b.impulsiveness - a.impulsiveness) <= 1e-3 * (1.0 + std::fabs(a.impulsiveness)));
        }
    }
    // Calls of block and 4096 samples: the same internal blocks, so the same frames bit for bit.
    for (std::size_t k = 0; k < count[0]; ++k) {
        const auto &a = got[2][k], &b = got[5][k];
        CHECK(b.end == a.end);
        CHECK(b.rms == a.rms);
        CHECK(b.kurtosis == a.kurtosis);
        CHECK(b.crest == a.crest);
        CHECK(b.outer == a.outer);
        CHECK(b.impulsiveness == a.impulsiveness);
    }
}

TEST_CASE("bearing_monitor treats a bad sample anywhere in a call exactly as the last finite one", "[bearing_monitor][bad-input]") {
    // Bad samples at the first sample of the stream (held value 0), at call and internal-block
    // starts and ends, and in runs: the monitor must give the very frames of the same stream
    // with each bad sample replaced by the last finite one by hand.
    constexpr std::size_t total = 60000;
    static std::array<float, total> bad{}, held{};
    bearing_signal sig(fault::inner, 0.3);
    for (auto& v : bad) v = sig();
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    std::size_t planted = 0;
    for (std::size_t i = 0; i < total; ++i) {
        const std::size_t p = i % 3001;
        if (i == 0 || p == 31 || p == 32 || p == 99 || p == 100 || (p >= 500 && p < 540) || p == 777) {
            bad[i] = (p % 2) ? nan : (p == 500 ? -inf : inf);
            ++planted;
        }
    }
    float last = 0.0f;
    for (std::size_t i = 0; i < total; ++i) held[i] = last = std::isfinite(bad[i]) ? bad[i] : last;
    static small_monitor a{config()}, b{config()};
    a = small_monitor{config()};
    b = small_monitor{config()};
    double sa = 0, sb = 0;
    std::size_t fa = 0, fb = 0;
    NERVE_REQUIRE_NO_ALLOC(for (std::size_t i = 0; i < total; i += 100) {
        a.process(std::span<const float>(bad.data() + i, 100), [&](const small_monitor::output_type& f) {
            ++fa;
            sa += f.rms + f.kurtosis + f.evidence.inner + f.evidence.impulsiveness;
        });
        b.process(std::span<const float>(held.data() + i, 100), [&](const small_monitor::output_type& f) {
            ++fb;
            sb += f.rms + f.kurtosis + f.evidence.inner + f.evidence.impulsiveness;
        });
    });
    CHECK(a.rejected_samples() == planted);
    CHECK(b.rejected_samples() == 0);
    REQUIRE(fa > 0);
    CHECK(fa == fb);
    CHECK(sa == sb);
    CHECK(std::isfinite(sa));
    CHECK(a.summary().evidence.inner == b.summary().evidence.inner);
}

namespace {
// One snapshot buffer for every monitor type the check below runs with: the Cortex-M4 test
// program holds all the pipelines tests' static buffers in its 4 MB of RAM.
std::array<std::byte, 64 * 1024> snapshot_buf{};

// Runs `blocks` blocks of a fault into a monitor, restores its snapshot into another, then feeds
// both `blocks` more (with an Inf in every block when `bad`: held and counted alike): the frames
// and the summary must be the same. Returns the first monitor's summary.
template <class M>
np::bearing_summary check_snapshot_continues(fault k, int blocks, bool bad) {
    static M a{config()}, b{config()};
    a = M{config()};
    b = M{config()};
    bearing_signal sig(k, 0.3);
    std::array<float, 256> block{};
    for (int i = 0; i < blocks; ++i) {
        for (auto& v : block) v = sig();
        a.process(block, [](const typename M::output_type&) {});
    }
    const auto n = nerve::snapshot(a, snapshot_buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(snapshot_buf.data(), n.value())).ok());
    double ra = 0, rb = 0;
    std::size_t frames = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < blocks; ++i) {
        for (auto& v : block) v = sig();
        if (bad) block[17] = std::numeric_limits<float>::infinity();
        a.process(block, [&](const typename M::output_type& f) { ra += f.evidence.outer + f.evidence.inner + f.rms; ++frames; });
        b.process(block, [&](const typename M::output_type& f) { rb += f.evidence.outer + f.evidence.inner + f.rms; });
    });
    CHECK(frames >= 1);
    CHECK(ra == rb);
    CHECK(ra > 0);
    CHECK(std::isfinite(ra));
    CHECK(a.rejected_samples() == (bad ? static_cast<std::uint64_t>(blocks) : 0u));
    CHECK(b.rejected_samples() == a.rejected_samples());
    const auto sa = a.summary(), sb = b.summary();
    CHECK(sa.verdict.diagnosis == sb.verdict.diagnosis);
    CHECK(sa.evidence.outer == sb.evidence.outer);
    CHECK(sa.evidence.inner == sb.evidence.inner);
    return sa;
}
}  // namespace

TEST_CASE("bearing_monitor snapshot and restore continue identically", "[bearing_monitor][snapshot]") {
    check_snapshot_continues<small_monitor>(fault::outer, 300, false);
}

TEST_CASE("bearing_monitor: a loud but finite burst in the demodulation band poisons nothing", "[bearing_monitor][bad-input]") {
    // Found by tests/fuzz/fuzz_snapshot.cpp (a hostile high-pass state, then the same from input):
    // an envelope of ~1e30 is finite, but its power spectrum overflows float; one Inf in the run
    // mean or the shaft spectrum made them NaN for good, and the monitor's own snapshot was refused.
    static small_monitor m{config()};  // one monitor: the Cortex-M4 program's RAM is nearly full
    m = small_monitor{config()};
    bearing_signal sig(fault::outer, 0.3);
    for (int i = 0; i < 12000; ++i) m.push(1e30f * sig(), [](const small_monitor::output_type&) {});
    for (int i = 0; i < 60000; ++i) m.push(sig(), [](const small_monitor::output_type&) {});
    for (float v : m.shaft_spectrum()) REQUIRE(std::isfinite(v));
    const auto s = m.summary();
    CHECK(std::isfinite(s.evidence.outer));
    CHECK(std::isfinite(s.evidence.impulsiveness));
    const auto n = nerve::snapshot(m, snapshot_buf);
    REQUIRE(n.ok());
    CHECK(nerve::restore(m, std::span<const std::byte>(snapshot_buf.data(), n.value())).ok());  // a state it accepts
}

TEST_CASE("bearing_monitor reports the vibration severity of its input, per frame and over the run", "[bearing_monitor][severity]") {
    // A healthy bearing (with its 0.05 g line at 1x) plus 0.3 g at 2x (misalignment): the velocity
    // is the two lines', the diagnosis
    // stays normal (severity is reported beside it). A standalone vibration_severity fed the same
    // blocks gives the same readings bit for bit (both sum pieces of 64 from 64-aligned calls).
    auto c = config();
    c.severity_limits = nerve::stats::iso10816::class_1;
    static small_monitor m{c};
    m = small_monitor{c};
    nerve::stats::vibration_severity_config vc;
    vc.fs_hz = c.fs_hz;
    vc.window_s = 0;
    vc.limits = c.severity_limits;
    static nerve::stats::vibration_severity<float> ref{vc};
    ref = nerve::stats::vibration_severity<float>{vc};
    bearing_signal sig(fault::none, 0.0);
    std::array<float, 256> block{};
    std::size_t frames = 0, i = 0;
    double frame_velocity = 0;
    for (int b = 0; b < 12 * 12000 / 256; ++b) {
        for (auto& v : block) v = sig() + 0.3f * static_cast<float>(std::sin(2 * 3.14159265358979 * 2 * shaft * static_cast<double>(i++) / fs));
        ref.add(block);
        bool ended = false;
        m.process(block, [&](const small_monitor::output_type& f) {
            ended = true;
            frame_velocity = f.velocity.velocity_rms;
            CHECK(f.velocity.zone == nerve::stats::zone_of(f.velocity.velocity_rms, c.severity_limits));
            CHECK(f.velocity.end_sample == i);
        });
        if (ended) {
            ++frames;
            const auto r = ref.take();
            REQUIRE(frame_velocity == r.velocity_rms);
        }
    }
    REQUIRE(frames >= 3);
    const auto s = m.summary();
    // A g at f in the 10-1000 Hz band: A x 9.80665 / (2 pi f) / sqrt 2 x 1000 mm/s, times the 10 Hz
    // corner's 1 / sqrt(1 + (10 / f)^4): 5.52 at 2x and 1.82 at 1x, 5.81 together; the bearing
    // signal's noise adds a little.
    const auto line = [](double a, double f) {
        return sine_velocity_mm_s(a, f) / std::sqrt(1.0 + std::pow(10.0 / f, 4));
    };
    const double sine = std::hypot(line(0.3, 2 * shaft), line(0.05, shaft));
    CHECK(s.velocity.velocity_rms == Approx(sine).epsilon(0.02));
    CHECK(s.velocity.velocity_rms >= sine * 0.999);
    CHECK(s.velocity.zone == nerve::stats::severity_zone::D);   // class I: D from 4.5 mm/s
    CHECK(s.velocity.velocity_rms == ref.overall().velocity_rms);
    CHECK(s.max_velocity_rms >= s.velocity.velocity_rms * 0.99);
    CHECK(s.verdict.diagnosis == np::bearing_diagnosis::normal);
    // Off: no velocity, and nothing else changes.
    auto off = c;
    off.velocity_lo_hz = 0;
    static small_monitor m0{off};
    m0 = small_monitor{off};
    bearing_signal sig0(fault::none, 0.0);
    i = 0;
    for (int b = 0; b < 12 * 12000 / 256; ++b) {
        for (auto& v : block) v = sig0() + 0.3f * static_cast<float>(std::sin(2 * 3.14159265358979 * 2 * shaft * static_cast<double>(i++) / fs));
        m0.process(block, [](const small_monitor::output_type& f) { CHECK(f.velocity.samples == 0); });
    }
    const auto s0 = m0.summary();
    CHECK(s0.velocity.velocity_rms == 0);
    CHECK(s0.rms == s.rms);
    CHECK(s0.evidence.outer == s.evidence.outer);
}

TEST_CASE("velocity_band_hz is the band the monitor's velocity covers, clipped at low rates", "[bearing_monitor][severity]") {
    using band = std::array<double, 2>;
    np::bearing_monitor_config c;
    c.fs_hz = 25600;
    CHECK(np::velocity_band_hz(c) == band{10, 1000});   // ISO 10816's band as configured
    c.fs_hz = 1500;
    CHECK(np::velocity_band_hz(c) == band{10, 675});    // the top clipped to 0.45 fs
    c.velocity_lo_hz = 500;
    CHECK(np::velocity_band_hz(c) == band{67.5, 675});  // a low edge past half the top: a tenth of it
    c.velocity_lo_hz = 0;                               // off: the band the reading would have
    CHECK(np::velocity_band_hz(c) == band{10, 675});
    // A 1.5 kHz monitor reads a 300 Hz line in full (Al-Alaoui's 1/s 1.5 % low at fs / 5) and a
    // 700 Hz one, past the clipped band's top, at under 0.6 of its velocity (the prewarped low-pass
    // at 675 Hz passes 0.40 of it, the 1/s reads 11 % high so near Nyquist: ~0.44).
    c.velocity_lo_hz = 10;
    const auto read = [&](double f) {
        static small_monitor m{config()};
        m = small_monitor{c};
        std::array<float, 250> block{};
        std::size_t i = 0;
        for (int b = 0; b < 6 * 1500 / 250; ++b) {
            for (auto& v : block) v = 0.2f * static_cast<float>(std::sin(2 * 3.14159265358979 * f * static_cast<double>(i++) / 1500.0));
            m.process(block, [](const small_monitor::output_type&) {});
        }
        return m.summary().velocity.velocity_rms / sine_velocity_mm_s(0.2, f);
    };
    CHECK(read(300) == Approx(1.0).epsilon(0.05));
    CHECK(read(700) < 0.6);
}

TEST_CASE("bearing_monitor reads the velocity of the lines at 1x, 2x and 3x the shaft speed", "[bearing_monitor][severity]") {
    // A healthy bearing without its own shaft line, plus 0.2 g at 1x, 0.1 g at 2x and 0.05 g at 3x
    // (unbalance, misalignment, looseness in miniature): each order's RMS velocity is
    // a x 9.80665 / (2 pi k fr) / sqrt 2 x 1000 mm/s: 7.36, 1.84, 0.61.
    static small_monitor m{config()};
    m = small_monitor{config()};
    bearing_signal sig(fault::none, 0.0, shaft, 0.0);
    std::array<float, 256> block{};
    std::size_t i = 0;
    for (int b = 0; b < 30 * 12000 / 256; ++b) {
        for (auto& v : block) {
            const double t = static_cast<double>(i++) / fs, w = 2 * 3.14159265358979 * shaft * t;
            v = sig() + static_cast<float>(0.2 * std::sin(w + 0.3) + 0.1 * std::sin(2 * w + 1.1) + 0.05 * std::sin(3 * w + 2.0));
        }
        m.process(block, [](const small_monitor::output_type&) {});
    }
    const auto s = m.summary();
    const double amp[3] = {0.2, 0.1, 0.05};
    for (std::size_t k = 0; k < 3; ++k) {
        INFO("order " << k + 1);
        const double want = sine_velocity_mm_s(amp[k], static_cast<double>(k + 1) * shaft);
        CHECK(s.shaft_orders[k] == Approx(want).epsilon(k < 2 ? 0.01 : 0.02));
    }
    // Together they are the velocity (the bearing signal's noise adds a little).
    const double sum2 = double(s.shaft_orders[0]) * s.shaft_orders[0] + double(s.shaft_orders[1]) * s.shaft_orders[1] +
                        double(s.shaft_orders[2]) * s.shaft_orders[2];
    CHECK(std::sqrt(sum2) <= s.velocity.velocity_rms * 1.02);
    CHECK(std::sqrt(sum2) >= s.velocity.velocity_rms * 0.9);
    // No shaft stream, no orders.
    auto fixed = config();
    fixed.speed_search = 0;
    static small_monitor m0{fixed};
    m0 = small_monitor{fixed};
    for (int b = 0; b < 12000 / 256 * 20; ++b) {
        for (auto& v : block) v = sig();
        m0.process(block, [](const small_monitor::output_type&) {});
    }
    CHECK(m0.summary().shaft_orders == std::array<float, 3>{});
}

TEST_CASE("bearing_monitor works at other sampling rates", "[bearing_monitor]") {
    // 25.6 kHz: the decimation follows (envelope ~1.5 kHz), the bands stay in Hz.
    auto c = config();
    c.fs_hz = 25600.0;
    static small_monitor m{c};
    m = small_monitor{c};
    CHECK(std::fabs(m.envelope_rate_hz() - 25600.0 / 17.0) < 1e-9);
    CHECK(m.band_edges()[0] == 500.0);
    CHECK(m.band_edges()[2] == 5500.0);
}

TEST_CASE("bearing_monitor measures the shaft speed from the 1x line and falls back to the told one", "[bearing_monitor][speed]") {
    // The machine runs 1.5 % faster than told (slip/VFD error): 30.45 Hz, told 30 Hz.
    const double truth = shaft * 1.015;
    auto c = config();
    static small_monitor m{c};
    auto run_at = [&](const np::bearing_monitor_config& cfg, double fr, double one_x, double seconds) {
        m = small_monitor{cfg};
        bearing_signal sig(fault::outer, 0.3, fr, one_x);
        std::array<float, 256> block{};
        double last_frame_hz = 0;
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t done = 0; done < static_cast<std::size_t>(seconds * fs); done += block.size()) {
            for (auto& v : block) v = sig();
            m.process(block, [&](const small_monitor::output_type& f) { last_frame_hz = f.shaft_hz; });
        });
        const auto s = m.summary();
        CHECK(last_frame_hz > 0);
        return s;
    };
    // Shaft spectrum: r2 = 1500 / floor(1500 / 240) = 250 Hz, 512 points: 0.49 Hz bins, 2 s segments.
    CHECK(std::fabs(m.shaft_spectrum_rate_hz() - 250.0) < 1e-9);
    const auto s = run_at(c, truth, 0.05, 12.0);
    CHECK(m.shaft_segments() >= 3);
    CHECK(s.verdict.diagnosis == np::bearing_diagnosis::outer_race);
    CHECK(s.shaft_line >= c.speed_min_prominence);
    CHECK(std::fabs(s.shaft_hz - truth) < 0.003 * truth);   // within 0.3 % (0.1 Hz; a bin is 0.49 Hz)
    CHECK(std::fabs(s.frequencies.bpfo - 3.5848 * s.shaft_hz) < 0.01);
    CHECK(std::fabs(s.frequencies.bpfo - 3.5848 * truth) < 0.003 * 3.5848 * truth);
    {   // A restored snapshot forms the same frequencies (the speed is part of the state).
        static small_monitor r{c};
        r = small_monitor{c};
        static std::array<std::byte, 64 * 1024> buf{};
        const auto n = nerve::snapshot(m, buf);
        REQUIRE(n.ok());
        REQUIRE(nerve::restore(r, std::span<const std::byte>(buf.data(), n.value())).ok());
        const auto rs = r.summary();
        CHECK(rs.shaft_hz == s.shaft_hz);
        CHECK(rs.frequencies.bpfo == s.frequencies.bpfo);
        CHECK(rs.verdict.diagnosis == s.verdict.diagnosis);
    }
    // The told speed 1.5 % off without refinement reads the line less well (the same verdict here:
    // +-2 % windows still hold 1.5 %, as on CWRU at +-1 %; at 2 % they do not).
    auto fixed = c;
    fixed.speed_search = 0.0;
    const auto sf = run_at(fixed, truth, 0.05, 12.0);
    CHECK(sf.shaft_hz == shaft);
    CHECK(sf.shaft_line == 0.0);
    CHECK(s.evidence.outer >= sf.evidence.outer);

    // No 1x line in the signal (only the outer-race impacts and noise): the told speed stays.
    const auto n1 = run_at(c, truth, 0.0, 12.0);
    CHECK(n1.shaft_hz == shaft);
    CHECK(n1.shaft_line == 0.0);
    CHECK(std::fabs(n1.frequencies.bpfo - 3.5848 * shaft) < 0.01);
    // Too short a run for 3 shaft spectra (2 s each, 50 % overlap: 4 s): the told speed.
    const auto n2 = run_at(c, truth, 0.05, 3.5);
    CHECK(m.shaft_segments() < 3);
    CHECK(n2.shaft_hz == shaft);
    // A 1x line that confirms the told speed within speed_keep (0.3 % off < 0.5 %): the told speed.
    const auto n3 = run_at(c, shaft * 1.003, 0.05, 12.0);
    CHECK(n3.shaft_line >= c.speed_min_prominence);
    CHECK(n3.shaft_hz == shaft);
    // A 1x line outside the +-3 % search (5 % off): not taken; the told speed.
    const auto n4 = run_at(c, shaft * 1.05, 0.05, 12.0);
    CHECK(n4.shaft_hz == shaft);
    // A peak on a mains harmonic is never the 1x line: with the grid declared at the true line's
    // frequency the only peak in the search is skipped and the told speed stays; the same run with
    // the default grids (50/60 Hz, far from 30 Hz) takes it.
    auto grid = c;
    grid.mains_hz = {truth, 0.0};
    const auto n5 = run_at(grid, truth, 0.05, 12.0);
    CHECK(n5.shaft_hz == shaft);
    CHECK(n5.shaft_line == 0.0);
    grid.mains_hz = {truth / 2.0, 0.0};   // its 2nd harmonic sits on the line
    CHECK(run_at(grid, truth, 0.05, 12.0).shaft_hz == shaft);
}

TEST_CASE("bearing_monitor's envelope transform is rfft's Hann power spectrum, bit for bit, in place", "[bearing_monitor][envelope_fft]") {
    // The scratch's transform (spectral::periodogram) keeps rfft's steps (finite check, mean
    // removal, Hann, real FFT, power) with the window in flash and the power written over the bins;
    // the values must not move.
    pipelines_test::gauss_lcg g{7};
    auto same_as_rfft = [&]<std::size_t N>(std::integral_constant<std::size_t, N>) {
        using envelope_transform = decltype(np::bearing_scratch<N, 64>::env_fft);
        static envelope_transform lean{nerve::sample_rate{1500.0}};
        static nerve::spectral::rfft<N, float> ref{nerve::window::hann, nerve::sample_rate{1500.0},
                                                   nerve::spectral::scaling::spectrum, nerve::spectral::detrend::constant};
        static std::array<float, N> frame{};
        for (int round = 0; round < 3; ++round) {
            for (auto& v : frame) v = static_cast<float>(2.0 + g.gauss());   // a mean to remove
            REQUIRE(lean.transform(std::span<const float, N>{frame}));
            REQUIRE(ref.transform(std::span<const float, N>{frame}));
            REQUIRE(lean.view().size() == N / 2 + 1);
            CHECK(nerve::test::same_spectrum(lean.view(), ref.view()));
        }
        // A frame with a NaN is refused and leaves the last spectrum as it was.
        const float before = lean.view().values[3];
        frame[N / 3] = std::numeric_limits<float>::quiet_NaN();
        CHECK_FALSE(lean.transform(std::span<const float, N>{frame}));
        CHECK(lean.view().values[3] == before);
    };
    same_as_rfft(std::integral_constant<std::size_t, 64>{});
    same_as_rfft(std::integral_constant<std::size_t, 384>{});   // mixed radix (N/2 = 2^6 3)
    same_as_rfft(std::integral_constant<std::size_t, 1024>{});
    // RAM: one N + 2 buffer and the transform's work space, against rfft's window, frame, bins,
    // power and work space.
    CHECK(sizeof(np::bearing_scratch<1024, 128, np::bfloat16>::env_fft) < sizeof(nerve::spectral::rfft<1024, float>) / 2 + 2048);
}

namespace {
// The one-axis Cortex-M4 firmware's monitor (examples/mcu_maintenance.cpp): frames in bfloat16.
using compact_monitor = np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>;
using float_monitor = np::bearing_monitor<2, 1024, 128>;

template <class M>
np::bearing_summary run_monitor(M& m, fault k, double amplitude, double seconds, double* frame_sum = nullptr) {
    m = M{config()};
    bearing_signal sig(k, amplitude);
    std::array<float, 256> block{};
    double sum = 0;
    for (std::size_t done = 0; done < static_cast<std::size_t>(seconds * fs); done += block.size()) {
        for (auto& v : block) v = sig();
        m.process(block, [&](const typename M::output_type& f) { sum += f.evidence.outer + f.evidence.inner + f.evidence.ball; });
    }
    if (frame_sum) *frame_sum = sum;
    return m.summary();
}
}  // namespace

TEST_CASE("bearing_monitor with bfloat16 frames diagnoses as with float frames, in less RAM", "[bearing_monitor][bfloat16]") {
    static compact_monitor c{config()};
    static float_monitor f{config()};
    for (const fault k : {fault::none, fault::outer, fault::inner, fault::ball}) {
        double fc = 0, ff = 0;
        const auto sc = run_monitor(c, k, 0.25, 12.0, &fc);
        const auto sf = run_monitor(f, k, 0.25, 12.0, &ff);
        CHECK(sc.verdict.diagnosis == sf.verdict.diagnosis);
        CHECK(sc.verdict.rule == sf.verdict.rule);
        CHECK(sc.evidence.band == sf.evidence.band);
        // Rounding each envelope sample to 8 significant bits moves line scores by hundredths of a decade.
        CHECK(std::fabs(sc.evidence.outer - sf.evidence.outer) < 0.05);
        CHECK(std::fabs(sc.evidence.inner - sf.evidence.inner) < 0.05);
        CHECK(std::fabs(sc.evidence.ball - sf.evidence.ball) < 0.05);
        CHECK(std::fabs(sc.shaft_hz - sf.shaft_hz) < 1e-3 * shaft);
        CHECK(fc != ff);   // the storage does round
        CHECK(std::fabs(fc - ff) < 0.05 * (ff > 1 ? ff : 1));
    }
    CHECK(run_monitor(c, fault::outer, 0.25, 12.0).verdict.diagnosis == np::bearing_diagnosis::outer_race);
    CHECK(run_monitor(c, fault::inner, 0.25, 12.0).verdict.diagnosis == np::bearing_diagnosis::inner_race);
    // The frames (2 bands + the shaft stream, 1024 samples each) take 2 bytes a sample instead of 4.
    CHECK(sizeof(float_monitor) - sizeof(compact_monitor) >= 3 * 1024 * 2);
#if UINTPTR_MAX == 0xffffffffu
    // The Cortex-M4 firmware's budget: the monitor leaves newlib and a stack room in 32 KB.
    static_assert(sizeof(compact_monitor) <= 30 * 1024);
#endif
}

TEST_CASE("bearing_monitor with bfloat16 frames: snapshot, restore and bad input", "[bearing_monitor][bfloat16][snapshot][bad-input]") {
    const auto s = check_snapshot_continues<compact_monitor>(fault::inner, 250, true);
    CHECK(s.verdict.diagnosis == np::bearing_diagnosis::inner_race);
}
