// Hostile snapshots (tests/hostile_snapshot.hpp) for the pipeline operators: every payload word
// made hostile in turn, CRC recomputed; the restore is refused cleanly or the operator runs on
// without an out-of-bounds access (host-asan) and stays in a state it accepts.
#include "hostile_snapshot.hpp"

#include <cmath>
#include <memory>
#include <vector>

#include "gauss_lcg.hpp"
#include "bearing_signal.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/news2.hpp"
#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/qrs_detector.hpp"
#include "nerve/pipelines/rr_analysis.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"
#include "nerve/pipelines/vf_detector.hpp"

namespace np = nerve::pipelines;

namespace {

constexpr double ecg_fs = 360.0;

/// ECG inputs: phase 0 (warm-up, 10 s: learning done, beats and VF decisions made) and phase 1
/// (6 s after each restore: beats, RR and VF windows). One synthetic recording, split.
struct ecg_inputs {
    std::vector<float> lead0[2], lead1[2];
    ecg_inputs() {
        np::synthetic_ecg g0(nerve::sample_rate{ecg_fs}, 3), g1(nerve::sample_rate{ecg_fs}, 5);
        const std::size_t n[2] = {static_cast<std::size_t>(10 * ecg_fs), static_cast<std::size_t>(6 * ecg_fs)};
        for (int p = 0; p < 2; ++p)
            for (std::size_t i = 0; i < n[p]; ++i) {
                lead0[p].push_back(g0.next().mv);
                lead1[p].push_back(0.7f * g1.next().mv);
            }
    }
};

void add_event(nerve::test::output_digest& h, const np::monitor_event& e) {
    h.add(static_cast<double>(e.kind));
    h.add(static_cast<double>(e.sample));
    h.add(e.value);
}

/// The hostile-snapshot check of an operator on lead 0 of ecg_inputs; add(h, out) folds each
/// output into the digest.
template <class Op, class Add>
nerve::test::hostile_snapshot_tally check_on_lead0(const ecg_inputs& in, Add add) {
    return nerve::test::check_hostile_snapshots([] { return std::make_unique<Op>(nerve::sample_rate{ecg_fs}); },
                                                [&](Op& d, int phase) {
                                                    nerve::test::output_digest h;
                                                    d.process(std::span<const float>(in.lead0[phase]),
                                                              [&](const auto& out) { add(h, out); });
                                                    return h;
                                                });
}

void report(const char* what, const nerve::test::hostile_snapshot_tally& tally) {
    INFO(what << ": " << tally.tried << " hostile snapshots, " << tally.accepted << " accepted (" << tally.transient
              << " overflowing for a while), " << tally.refused << " refused");
    CHECK(tally.refused > 0);
    CHECK(tally.accepted > 0);
}

}  // namespace

TEST_CASE("hostile snapshot: qrs_detector", "[hostile-snapshot][qrs][state]") {
    const ecg_inputs in;
    report("qrs_detector<360>", check_on_lead0<np::qrs_detector<360>>(in, [](auto& h, const np::qrs_beat& b) {
               h.add(static_cast<double>(b.sample));
               h.add(b.energy);
               h.add(b.rr_s);
           }));
}

TEST_CASE("hostile snapshot: vf_detector", "[hostile-snapshot][vf][state]") {
    const ecg_inputs in;
    report("vf_detector<360>", check_on_lead0<np::vf_detector<360>>(in, [](auto& h, const np::vf_status& s) {
               h.add(static_cast<double>(s.end_sample));
               h.add(s.leakage);
               h.add(s.vf);
           }));
}

TEST_CASE("hostile snapshot: rr_analysis", "[hostile-snapshot][rr][state]") {
    // Regular, premature/compensatory and irregular stretches, with a few unusable RR.
    std::vector<float> rr[2];
    pipelines_test::gauss_lcg g(7);
    for (int p = 0; p < 2; ++p)
        for (int i = 0; i < 120; ++i) {
            float x = 0.8f + 0.02f * static_cast<float>(g.gauss());
            if (i % 17 == 5) x = 0.5f;
            if (i % 17 == 6) x = 1.1f;
            if (i > 60 && i < 100) x = 0.5f + 0.3f * static_cast<float>(std::fabs(g.gauss()));
            if (i % 29 == 3) x = 4.0f;
            rr[p].push_back(x);
        }
    using op = np::rr_analysis<>;
    const auto t = nerve::test::check_hostile_snapshots([] { return std::make_unique<op>(); },
                                                        [&](op& a, int phase) {
                                                            nerve::test::output_digest h;
                                                            for (float x : rr[phase]) {
                                                                const auto f = a(x);
                                                                h.add(f.heart_rate_bpm);
                                                                h.add(f.sdnn_ms);
                                                                h.add(f.rmssd_ms);
                                                                h.add(f.ectopic + 2 * f.irregular + 4 * f.valid);
                                                            }
                                                            return h;
                                                        });
    report("rr_analysis<>", t);
}

TEST_CASE("hostile snapshot: patient_monitor, one lead", "[hostile-snapshot][patient][state]") {
    const ecg_inputs in;
    report("patient_monitor<360>", check_on_lead0<np::patient_monitor<360>>(in, add_event));
}

TEST_CASE("hostile snapshot: patient_monitor, two leads", "[hostile-snapshot][patient][state]") {
    const ecg_inputs in;
    std::vector<std::array<float, 2>> x[2];
    for (int p = 0; p < 2; ++p)
        for (std::size_t i = 0; i < in.lead0[p].size(); ++i) x[p].push_back({in.lead0[p][i], in.lead1[p][i]});
    using op = np::patient_monitor<360, 2>;
    const auto t = nerve::test::check_hostile_snapshots(
        [] { return std::make_unique<op>(nerve::sample_rate{ecg_fs}); },
        [&](op& m, int phase) {
            nerve::test::output_digest h;
            m.process(std::span<const std::array<float, 2>>(x[phase]), [&](const np::monitor_event& e) { add_event(h, e); });
            return h;
        });
    report("patient_monitor<360, 2>", t);
}

TEST_CASE("hostile snapshot: news2", "[hostile-snapshot][news2][state]") {
    std::vector<np::vital_signs> v[2];
    for (int p = 0; p < 2; ++p)
        for (int i = 0; i < 12; ++i) {
            np::vital_signs s;
            s.respiration_rate = 14.0f + static_cast<float>((i * 5 + p) % 14);
            s.spo2 = 90.0f + static_cast<float>(i % 9);
            s.on_oxygen = i % 3 == 0;
            s.systolic_bp = 95.0f + 7.0f * static_cast<float>(i % 5);
            s.heart_rate = i % 7 == 0 ? NAN : 60.0f + 9.0f * static_cast<float>(i % 8);
            s.level = i % 5 == 4 ? np::consciousness::voice : np::consciousness::alert;
            s.temperature = 36.0f + 0.4f * static_cast<float>(i % 6);
            v[p].push_back(s);
        }
    using op = np::news2;
    const auto t = nerve::test::check_hostile_snapshots([] { return std::make_unique<op>(); },
                                                        [&](op& n, int phase) {
                                                            nerve::test::output_digest h;
                                                            for (const auto& s : v[phase]) {
                                                                const auto r = n(s);
                                                                h.add(r.score);
                                                                h.add(r.delta_previous);
                                                                h.add(r.delta_mean4);
                                                            }
                                                            return h;
                                                        });
    report("news2", t);
}

TEST_CASE("hostile snapshot: bearing_monitor", "[hostile-snapshot][bearing][state]") {
    // A small monitor (2 bands, 256-point envelope spectra, 2 per frame) so that phase 1 ends a
    // frame: 12 kHz / 1500 Hz = 8x decimation, 128-sample hops, 2 segments: 2048 samples a frame.
    np::bearing_monitor_config c;
    c.fs_hz = pipelines_test::bearing_fs;
    c.shaft_hz = pipelines_test::bearing_shaft;
    c.segments_per_frame = 2;
    c.baseline_frames = 1;
    std::vector<float> x[2];
    pipelines_test::bearing_signal s(pipelines_test::fault::outer, 1.0);
    for (int p = 0; p < 2; ++p)
        for (int i = 0; i < (p == 0 ? 8000 : 4200); ++i) x[p].push_back(s());
    using op = np::bearing_monitor<2, 256, 64, 4>;
    const auto t = nerve::test::check_hostile_snapshots(
        [&] { return std::make_unique<op>(c); },
        [&](op& m, int phase) {
            nerve::test::output_digest h;
            m.process(std::span<const float>(x[phase]), [&](const auto& f) {
                h.add(static_cast<double>(f.index));
                h.add(f.rms);
                h.add(f.kurtosis);
                h.add(f.anomaly_score);
            });
            return h;
        });
    report("bearing_monitor<2, 256, 64, 4>", t);
}

TEST_CASE("hostile snapshot: seasonal_forecaster", "[hostile-snapshot][forecast][state]") {
    // A day of 24 readings, 6 ahead, learning every second reading (a pending update in the
    // state), in a 256-reading history: the ring wraps within the warm-up.
    np::seasonal_forecaster_config c;
    c.day = 24;
    c.horizon = 6;
    c.learn_every = 2;
    std::vector<double> y[2];
    pipelines_test::gauss_lcg g(11);
    for (int p = 0; p < 2; ++p)
        for (int i = 0; i < (p == 0 ? 400 : 300); ++i)
            y[p].push_back(10.0 + 3.0 * std::sin(6.283185307179586 * i / 24.0) + 0.3 * g.gauss());
    using op = np::seasonal_forecaster<256>;
    const auto t = nerve::test::check_hostile_snapshots([&] { return std::make_unique<op>(c); },
                                                        [&](op& f, int phase) {
                                                            nerve::test::output_digest h;
                                                            for (double v : y[phase]) h.add(f(v));
                                                            return h;
                                                        });
    report("seasonal_forecaster<256>", t);
}
