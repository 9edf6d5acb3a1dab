#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "bearing_signal.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"

namespace np = nerve::pipelines;
using pipelines_test::bearing_signal;
using pipelines_test::fault;

namespace {

// A small configuration of each axis (the earlier one-axis Cortex-M4 firmware's): 2 bands,
// 512-point envelope spectra.
using axis_monitor = np::bearing_monitor<2, 512, 128>;
using triaxial = np::multi_axis_bearing_monitor<3, axis_monitor>;

np::bearing_monitor_config config() {
    np::bearing_monitor_config c;
    c.fs_hz = pipelines_test::bearing_fs;
    c.shaft_hz = pipelines_test::bearing_shaft;
    c.geometry = np::bearings::skf6205;
    return c;
}

/// Three axes, each its own signal: `kinds[a]` at `amps[a]`, independent noise per axis.
struct triaxial_signal {
    std::array<bearing_signal, 3> axis;
    triaxial_signal(std::array<fault, 3> kinds, std::array<double, 3> amps)
        : axis{bearing_signal(kinds[0], amps[0], pipelines_test::bearing_shaft, 0.05, 11),
               bearing_signal(kinds[1], amps[1], pipelines_test::bearing_shaft, 0.03, 22),
               bearing_signal(kinds[2], amps[2], pipelines_test::bearing_shaft, 0.02, 33)} {}
    /// The next n instants, interleaved x y z.
    void fill(std::span<float> xyz) {
        for (std::size_t k = 0; k + 3 <= xyz.size(); k += 3)
            for (std::size_t a = 0; a < 3; ++a) xyz[k + a] = axis[a]();
    }
};

np::multi_axis_summary<3> run(std::array<fault, 3> kinds, std::array<double, 3> amps, double seconds,
                              std::size_t* frames = nullptr) {
    static triaxial m{config()};
    m = triaxial{config()};
    triaxial_signal sig(kinds, amps);
    std::array<float, 3 * 256> block{};
    const auto total = static_cast<std::size_t>(seconds * pipelines_test::bearing_fs);
    std::size_t count = 0;
    for (std::size_t done = 0; done < total; done += 256) {
        sig.fill(block);
        m.process_interleaved(block, [&](const triaxial::output_type& f) {
            ++count;
            CHECK(std::isfinite(f.fused.verdict.health_index));
            CHECK(f.deciding_axis < 3);
            for (const auto& a : f.axis) CHECK(a.index == f.fused.index);
        });
    }
    if (frames) *frames = count;
    return m.summary();
}

}  // namespace

TEST_CASE("multi_axis_bearing_monitor finds a fault that one axis of three carries", "[multi_axis_bearing_monitor]") {
    for (std::size_t on = 0; on < 3; on += 2) {
        std::array<fault, 3> kinds{fault::none, fault::none, fault::none};
        std::array<double, 3> amps{0, 0, 0};
        kinds[on] = fault::outer;
        amps[on] = 0.3;
        std::size_t frames = 0;
        const auto s = run(kinds, amps, 8.0, &frames);
        CHECK(frames >= 2);
        CHECK(s.fused.verdict.diagnosis == np::bearing_diagnosis::outer_race);
        CHECK(s.deciding_axis == on);
        CHECK(s.axis[on].verdict.diagnosis == np::bearing_diagnosis::outer_race);
        for (std::size_t a = 0; a < 3; ++a)
            if (a != on) CHECK(s.axis[a].verdict.diagnosis == np::bearing_diagnosis::normal);
    }
}

TEST_CASE("multi_axis_bearing_monitor reads the most impulsive axis and leaves a healthy bearing alone",
          "[multi_axis_bearing_monitor]") {
    const auto healthy = run({fault::none, fault::none, fault::none}, {0, 0, 0}, 8.0);
    CHECK(healthy.fused.verdict.diagnosis == np::bearing_diagnosis::normal);
    CHECK(healthy.fused.verdict.severity == 0);
    for (const auto& a : healthy.axis) CHECK(a.verdict.diagnosis == np::bearing_diagnosis::normal);

    // The inner-race impacts reach axis 1 strongly and axis 2 weakly: the bearing's evidence is
    // axis 1's (the clearer impacts), and the verdict its type.
    const auto inner = run({fault::none, fault::inner, fault::inner}, {0, 0.4, 0.08}, 8.0);
    CHECK(inner.deciding_axis == 1);
    CHECK(inner.fused.verdict.diagnosis == np::bearing_diagnosis::inner_race);
    CHECK(inner.fused.evidence.inner == inner.axis[1].evidence.inner);
    CHECK(inner.fused.kurtosis >= inner.axis[2].kurtosis);
    CHECK(inner.fused.evidence.race_any >= inner.axis[2].evidence.race_any);
}

TEST_CASE("multi_axis_bearing_monitor<1> is the single-axis monitor", "[multi_axis_bearing_monitor]") {
    static axis_monitor single{config()};
    static np::multi_axis_bearing_monitor<1, axis_monitor> wrapped{config()};
    single = axis_monitor{config()};
    wrapped = np::multi_axis_bearing_monitor<1, axis_monitor>{config()};
    bearing_signal s1(fault::ball, 0.3), s2(fault::ball, 0.3);
    std::array<float, 300> a{}, b{};
    std::size_t fa = 0, fb = 0;
    bool same = true;
    std::array<double, 4> last_a{}, last_b{};
    for (int k = 0; k < 300; ++k) {
        for (auto& v : a) v = s1();
        for (auto& v : b) v = s2();
        single.process(a, [&](const axis_monitor::output_type& f) {
            ++fa;
            last_a = {f.rms, f.evidence.ball, f.verdict.health_index, static_cast<double>(f.verdict.diagnosis)};
        });
        wrapped.process({std::span<const float>(b)}, [&](const auto& f) {
            ++fb;
            last_b = {f.fused.rms, f.fused.evidence.ball, f.fused.verdict.health_index,
                      static_cast<double>(f.fused.verdict.diagnosis)};
            same = same && f.fused.verdict.health_index == f.axis[0].verdict.health_index;
        });
        same = same && last_a == last_b;
    }
    CHECK(fa == fb);
    CHECK(fa > 0);
    CHECK(same);
    CHECK(single.summary().verdict.diagnosis == wrapped.summary().fused.verdict.diagnosis);
}

TEST_CASE("multi_axis_bearing_monitor: interleaved calls equal per-axis spans, no allocation",
          "[multi_axis_bearing_monitor]") {
    // Every axis gets the same chunks, so the axes' frames end together whatever the calls. As for
    // one bearing_monitor, the call lengths move the internal blocks: calls of whole chunks give
    // the per-axis result bit for bit, other lengths the same frames within float rounding, ending
    // within one internal block of the same sample.
    constexpr std::size_t n = 63 * triaxial::chunk, rounds = 12;
    static std::array<float, 3 * n> xyz{};
    static std::array<std::array<float, n>, 3> per_axis{};
    struct frame_values { double health, outer, rms1; std::uint64_t end; std::uint8_t axis; };
    // Room for every frame: n follows the internal block (64 samples on scalar, SSE2 and AVX2
    // builds, 512 on NEON, 1024 on AVX-512), and so does the frame count (47 on AVX-512).
    constexpr std::size_t max_frames = 64;
    static std::array<std::array<frame_values, max_frames>, 3> got{};
    std::array<std::size_t, 3> count{};
    static triaxial m{config()};
    // r = 0: per-axis spans of n; r = 1: interleaved calls of 3 chunks; r = 2: interleaved calls of
    // 1, 3, 7, ... 1023 values, most of them splitting an instant.
    for (std::size_t r = 0; r < 3; ++r) {
        m = triaxial{config()};
        triaxial_signal sig({fault::outer, fault::none, fault::inner}, {0.3, 0, 0.1});
        const auto emit = [&, r](const triaxial::output_type& f) {
            if (count[r] < max_frames)
                got[r][count[r]] = {f.fused.verdict.health_index, f.fused.evidence.outer, f.axis[1].rms,
                                    f.fused.end_sample, f.deciding_axis};
            ++count[r];
            for (const auto& a : f.axis) CHECK(a.end_sample == f.fused.end_sample);
        };
        std::size_t call = 1;
        NERVE_REQUIRE_NO_ALLOC(for (std::size_t round = 0; round < rounds; ++round) {
            sig.fill(xyz);
            if (r == 0) {
                for (std::size_t k = 0; k < n; ++k)
                    for (std::size_t ax = 0; ax < 3; ++ax) per_axis[ax][k] = xyz[3 * k + ax];
                m.process({std::span<const float>(per_axis[0]), std::span<const float>(per_axis[1]),
                           std::span<const float>(per_axis[2])},
                          emit);
                continue;
            }
            for (std::size_t at = 0; at < xyz.size();) {
                std::size_t len = r == 1 ? 3 * triaxial::chunk : call;
                len = xyz.size() - at < len ? xyz.size() - at : len;
                m.process_interleaved(std::span<const float>(xyz.data() + at, len), emit);
                at += len;
                call = call >= 1023 ? 1 : 2 * call + 1;
            }
        });
        CHECK(m.samples() == rounds * n);
    }
    REQUIRE(count[0] >= 2);
    REQUIRE(count[0] <= max_frames);
    for (std::size_t r = 1; r < 3; ++r) {
        INFO("run " << r);
        REQUIRE(count[r] == count[0]);
        for (std::size_t k = 0; k < count[0]; ++k) {
            const auto &a = got[0][k], &b = got[r][k];
            CHECK(b.axis == a.axis);
            CHECK(b.end >= a.end);
            CHECK(b.end < a.end + axis_monitor::block);
            CHECK(std::fabs(b.outer - a.outer) <= 1e-2 * (1.0 + std::fabs(a.outer)));
        }
    }
    // Whole-chunk calls and per-axis spans of whole chunks: the same chunks, the same frames bit for bit.
    for (std::size_t k = 0; k < count[0]; ++k) {
        CHECK(got[1][k].end == got[0][k].end);
        CHECK(got[1][k].health == got[0][k].health);
        CHECK(got[1][k].outer == got[0][k].outer);
        CHECK(got[1][k].rms1 == got[0][k].rms1);
    }
}

TEST_CASE("multi_axis_bearing_monitor holds a bad sample on its own axis", "[multi_axis_bearing_monitor][bad-input]") {
    static triaxial m{config()};
    m = triaxial{config()};
    triaxial_signal sig({fault::none, fault::outer, fault::none}, {0, 0.3, 0});
    std::array<float, 3 * 256> block{};
    std::size_t frames = 0;
    bool finite = true;
    for (int k = 0; k < 400; ++k) {
        sig.fill(block);
        if (k % 40 == 3) {
            block[3 * 10 + 0] = std::numeric_limits<float>::quiet_NaN();    // axis 0
            block[3 * 255 + 0] = -std::numeric_limits<float>::infinity();  // axis 0, held over the call's end
            block[3 * 100 + 2] = std::numeric_limits<float>::infinity();   // axis 2
        }
        // Split the block so that the last instant's first value (the -Inf) waits for the next call.
        const std::size_t cut = block.size() - 2;
        const auto emit = [&](const triaxial::output_type& f) {
            ++frames;
            finite = finite && std::isfinite(f.fused.verdict.health_index) && std::isfinite(f.fused.kurtosis);
        };
        m.process_interleaved(std::span<const float>(block.data(), cut), emit);
        m.process_interleaved(std::span<const float>(block.data() + cut, block.size() - cut), emit);
    }
    CHECK(finite);
    CHECK(frames > 0);
    CHECK(m.monitor(0).rejected_samples() == 20);
    CHECK(m.monitor(1).rejected_samples() == 0);
    CHECK(m.monitor(2).rejected_samples() == 10);
    CHECK(m.rejected_samples() == 30);
    const auto s = m.summary();
    CHECK(s.fused.verdict.diagnosis == np::bearing_diagnosis::outer_race);
    CHECK(s.deciding_axis == 1);
}

TEST_CASE("multi_axis_bearing_monitor snapshot keeps an incomplete instant", "[multi_axis_bearing_monitor][snapshot]") {
    static triaxial a{config()}, b{config()};
    a = triaxial{config()};
    b = triaxial{config()};
    triaxial_signal sig({fault::outer, fault::none, fault::none}, {0.3, 0, 0});
    std::array<float, 3 * 256> block{};
    for (int k = 0; k < 150; ++k) {
        sig.fill(block);
        a.process_interleaved(block, [](const triaxial::output_type&) {});
    }
    // Leave 2 of an instant's 3 values pending, one of them bad.
    const std::array<float, 2> part{0.25f, std::numeric_limits<float>::quiet_NaN()};
    a.process_interleaved(part, [](const triaxial::output_type&) {});
    static std::array<std::byte, 200 * 1024> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    double ra = 0, rb = 0;
    for (int k = 0; k < 150; ++k) {
        sig.fill(block);
        block[0] = 0.5f;   // the pending instant's third value, then the stream shifted by one
        a.process_interleaved(block, [&](const triaxial::output_type& f) { ra += f.fused.evidence.outer + f.axis[2].rms; });
        b.process_interleaved(block, [&](const triaxial::output_type& f) { rb += f.fused.evidence.outer + f.axis[2].rms; });
    }
    CHECK(ra == rb);
    CHECK(ra > 0);
    CHECK(a.monitor(1).rejected_samples() == 1);
    CHECK(b.monitor(1).rejected_samples() == 1);
    CHECK(a.summary().fused.verdict.diagnosis == b.summary().fused.verdict.diagnosis);
}

namespace {

/// Every field of two frames, compared exactly (the same code on the same samples).
bool same_frame(const axis_monitor::output_type& a, const axis_monitor::output_type& b) {
    const auto& ea = a.evidence;
    const auto& eb = b.evidence;
    return a.index == b.index && a.end_sample == b.end_sample && a.valid == b.valid && a.rms == b.rms &&
           a.kurtosis == b.kurtosis && a.crest_factor == b.crest_factor && a.peak == b.peak &&
           a.band_energy == b.band_energy && a.band_energy_hz == b.band_energy_hz && ea.outer == eb.outer &&
           ea.inner == eb.inner && ea.ball == eb.ball && ea.cage == eb.cage && ea.band == eb.band &&
           ea.impulsiveness == eb.impulsiveness && ea.race_any == eb.race_any &&
           a.frequencies.ftf == b.frequencies.ftf && a.frequencies.bsf == b.frequencies.bsf &&
           a.frequencies.bpfo == b.frequencies.bpfo && a.frequencies.bpfi == b.frequencies.bpfi &&
           a.shaft_hz == b.shaft_hz && a.shaft_line == b.shaft_line && a.anomaly_score == b.anomaly_score &&
           a.drift == b.drift && a.verdict.diagnosis == b.verdict.diagnosis && a.verdict.rule == b.verdict.rule &&
           a.verdict.severity == b.verdict.severity && a.verdict.health_index == b.verdict.health_index;
}

bool same_summary(const np::bearing_summary& a, const np::bearing_summary& b) {
    return a.frames == b.frames && a.samples == b.samples && a.segments == b.segments && a.rms == b.rms &&
           a.kurtosis == b.kurtosis && a.crest_factor == b.crest_factor && a.evidence.outer == b.evidence.outer &&
           a.evidence.inner == b.evidence.inner && a.evidence.ball == b.evidence.ball &&
           a.evidence.band == b.evidence.band && a.evidence.impulsiveness == b.evidence.impulsiveness &&
           a.evidence.race_any == b.evidence.race_any && a.frequencies.bpfo == b.frequencies.bpfo &&
           a.shaft_hz == b.shaft_hz && a.shaft_line == b.shaft_line && a.max_anomaly_score == b.max_anomaly_score &&
           a.drift_frames == b.drift_frames && a.verdict.diagnosis == b.verdict.diagnosis &&
           a.verdict.health_index == b.verdict.health_index;
}

}  // namespace

TEST_CASE("multi_axis_bearing_monitor: one shared scratch, each axis the single monitor's frames bit for bit",
          "[multi_axis_bearing_monitor][scratch]") {
    // The axes take turns with one bearing_scratch; each axis's frames and summary must be those
    // of a bearing_monitor (owning its scratch) fed that axis alone, in the same calls. Calls of an
    // odd length (not whole chunks) and a shaft speed 2 % off the told one (the speed search
    // moves the line finder's frequencies per axis: a scratch that kept them would show here).
    static triaxial m{config()};
    static std::array<axis_monitor, 3> single{axis_monitor{config()}, axis_monitor{config()}, axis_monitor{config()}};
    m = triaxial{config()};
    for (auto& s : single) s = axis_monitor{config()};
    const double fr = pipelines_test::bearing_shaft * 1.02;
    std::array<bearing_signal, 3> sig{bearing_signal(fault::outer, 0.3, fr, 0.08, 11),
                                      bearing_signal(fault::none, 0.0, fr, 0.05, 22),
                                      bearing_signal(fault::inner, 0.15, fr, 0.03, 33)};
    constexpr std::size_t n = 1001;
    static std::array<std::array<float, n>, 3> x{};
    static std::array<std::array<axis_monitor::output_type, 64>, 3> want{};
    std::array<std::size_t, 3> count{};
    std::size_t fused = 0;
    bool same = true, shaft_moved = false;
    for (int round = 0; round < 120; ++round) {
        for (std::size_t a = 0; a < 3; ++a)
            for (auto& v : x[a]) v = sig[a]();
        for (std::size_t a = 0; a < 3; ++a)
            single[a].process(std::span<const float>(x[a]), [&](const axis_monitor::output_type& f) {
                if (count[a] < want[a].size()) want[a][count[a]] = f;
                ++count[a];
            });
        NERVE_REQUIRE_NO_ALLOC(m.process({std::span<const float>(x[0]), std::span<const float>(x[1]),
                                          std::span<const float>(x[2])},
                                         [&](const triaxial::output_type& f) {
                                             for (std::size_t a = 0; a < 3; ++a)
                                                 same = same && fused < want[a].size() && fused < count[a] &&
                                                        same_frame(f.axis[a], want[a][fused]);
                                             shaft_moved = shaft_moved || f.axis[0].shaft_hz != f.axis[1].shaft_hz;
                                             ++fused;
                                         }));
    }
    CHECK(fused >= 4);
    CHECK(count[0] == fused);
    CHECK(count[2] == fused);
    CHECK(same);
    CHECK(shaft_moved);   // the axes' frames used different speeds, one line finder
    const auto s = m.summary();
    for (std::size_t a = 0; a < 3; ++a) CHECK(same_summary(s.axis[a], single[a].summary()));
    CHECK(s.axis[0].verdict.diagnosis == np::bearing_diagnosis::outer_race);
    // The axes measured their own speeds (different lines, different noise), from one scratch.
    INFO("axis shaft speeds " << s.axis[0].shaft_hz << " " << s.axis[1].shaft_hz << " " << s.axis[2].shaft_hz);
    CHECK(std::fabs(s.axis[0].shaft_hz / fr - 1.0) < 0.005);
}

TEST_CASE("bearing_monitor with an external scratch: two monitors take turns with one, snapshot without it",
          "[bearing_monitor][scratch][snapshot]") {
    using shared = axis_monitor::with_external_scratch;
    static_assert(sizeof(shared) + sizeof(axis_monitor::scratch_type) <= sizeof(axis_monitor) + 64);
    static axis_monitor own_a{config()}, own_b{config()};
    static shared a{config()}, b{config()}, restored{config()};
    static axis_monitor::scratch_type scratch{config()};
    own_a = axis_monitor{config()};
    own_b = axis_monitor{config()};
    a = shared{config()};
    b = shared{config()};
    bearing_signal sa(fault::ball, 0.3, pipelines_test::bearing_shaft, 0.05, 5), sb(fault::outer, 0.2);
    std::array<float, 777> xa{}, xb{};
    axis_monitor::output_type fa{}, fb{};
    bool same = true;
    std::size_t frames = 0;
    const auto step = [&](int rounds) {
        for (int k = 0; k < rounds; ++k) {
            for (auto& v : xa) v = sa();
            for (auto& v : xb) v = sb();
            own_a.process(std::span<const float>(xa), [&](const auto& f) { fa = f; });
            own_b.process(std::span<const float>(xb), [&](const auto& f) { fb = f; });
            a.process(std::span<const float>(xa), scratch, [&](const auto& f) { same = same && same_frame(f, fa); ++frames; });
            b.process(std::span<const float>(xb), scratch, [&](const auto& f) { same = same && same_frame(f, fb); });
        }
    };
    step(100);
    CHECK(frames >= 1);
    CHECK(same);
    CHECK(same_summary(a.summary(scratch), own_a.summary()));
    CHECK(same_summary(b.summary(scratch), own_b.summary()));
    // The snapshot is the state alone: a monitor restored from a's continues as a does, with any
    // scratch built from the same config (here a fresh one; the shared one was b's last).
    static std::array<std::byte, 64 * 1024> buf{};
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    const auto own_n = nerve::snapshot(own_a, buf);   // owning or not: the same state bytes
    REQUIRE(own_n.ok());
    CHECK(own_n.value() == n.value());
    REQUIRE(nerve::restore(restored, std::span<const std::byte>(buf.data(), own_n.value())).ok());
    static axis_monitor::scratch_type fresh{config()};
    double ra = 0, rb = 0;
    for (int k = 0; k < 60; ++k) {
        for (auto& v : xa) v = sa();
        a.process(std::span<const float>(xa), scratch, [&](const auto& f) { ra += f.verdict.health_index + f.rms; });
        restored.process(std::span<const float>(xa), fresh, [&](const auto& f) { rb += f.verdict.health_index + f.rms; });
    }
    CHECK(ra == rb);
    CHECK(ra > 0);
    CHECK(same_summary(a.summary(scratch), restored.summary(fresh)));
    CHECK(a.run_envelope_spectrum(0, scratch).values[10] == restored.run_envelope_spectrum(0, fresh).values[10]);
    // Sample by sample (push): still the same frames.
    double pa = 0, pb = 0;
    for (int k = 0; k < 20000; ++k) {
        const float v = sa();
        a.push(v, scratch, [&](const auto& f) { pa += f.rms + f.evidence.ball; });
        restored.push(v, fresh, [&](const auto& f) { pb += f.rms + f.evidence.ball; });
    }
    CHECK(pa > 0);
    CHECK(pa == pb);
}

TEST_CASE("multi_axis_bearing_monitor: the three-axis Cortex-M4 configuration finds the faults",
          "[multi_axis_bearing_monitor][mcu]") {
    // examples/mcu_maintenance_3axis.cpp's monitor: 384-point envelope spectra at half the envelope
    // rate (1.95 Hz bins), frames in bfloat16, 64-point raw spectra, one scratch for the axes.
    using fw_axis = np::bearing_monitor<2, 384, 64, 8, false, np::bfloat16>;
    using fw = np::multi_axis_bearing_monitor<3, fw_axis>;
    if constexpr (sizeof(void*) == 4) CHECK(sizeof(fw) <= 29640);   // Cortex-M4: 29,640 B with the vibration severity (< 32 KB with the firmware's static data)
    auto c = config();
    c.envelope_rate_hz = 750.0;
    static fw m{c};
    for (const fault k : {fault::outer, fault::inner, fault::ball, fault::none}) {
        m = fw{c};
        triaxial_signal sig({fault::none, k, k}, {0, k == fault::inner ? 0.4 : 0.3, 0.05});
        std::array<float, 3 * 256> block{};
        std::size_t frames = 0;
        for (std::size_t done = 0; done < static_cast<std::size_t>(11.0 * pipelines_test::bearing_fs); done += 256) {
            sig.fill(block);
            m.process_interleaved(block, [&](const fw::output_type&) { ++frames; });
        }
        const auto s = m.summary();
        INFO("fault " << static_cast<int>(k) << ": " << np::name(s.fused.verdict.diagnosis) << " outer "
                      << s.fused.evidence.outer << " inner " << s.fused.evidence.inner << " ball " << s.fused.evidence.ball);
        CHECK(frames >= 4);
        const auto want = k == fault::outer   ? np::bearing_diagnosis::outer_race
                          : k == fault::inner ? np::bearing_diagnosis::inner_race
                          : k == fault::ball  ? np::bearing_diagnosis::ball
                                              : np::bearing_diagnosis::normal;
        CHECK(s.fused.verdict.diagnosis == want);
        if (k != fault::none) CHECK(s.deciding_axis == 1);
    }
}
