// examples/cli/demo_patient.cpp — the patient part of `nerve demo`: the patient-monitor
// reference pipeline (include/nerve/pipelines/patient_monitor.hpp) on a synthetic ECG with an
// arrhythmia episode (nerve/pipelines/synthetic_ecg.hpp), then on MIT-BIH record 100 when the
// data is there. Prints what it found and plots the ECG with the detected beats and the rate.
#include "cli.hpp"

#include <fstream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "demo.hpp"
#include "nerve/io/wfdb.hpp"
#include "nerve/pipelines/news2.hpp"
#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"

namespace {
namespace demo_patient {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;

// Beats of `det` within 150 ms of `ref` (greedy, both sorted), as ANSI/AAMI EC57 counts them.
std::size_t matched(const std::vector<std::uint64_t>& ref, const std::vector<std::uint64_t>& det, std::uint64_t tol) {
    std::size_t j = 0, m = 0;
    for (auto r : ref) {
        while (j < det.size() && det[j] + tol < r) ++j;
        if (j < det.size() && det[j] <= r + tol) { ++m; ++j; }
    }
    return m;
}

int demo_patient(const nerve::cli::demo_context& ctx) {
    // Five minutes at 360 Hz: sinus 72 bpm with noise and baseline wander; PVCs from 60 s;
    // atrial fibrillation 120-200 s; a 6 s sinus arrest at 230 s; sinus 72 again.
    constexpr double fs = 360.0;
    np::synthetic_ecg gen{nerve::sample_rate{fs}, 2024};
    gen.set_rate(72.0f);
    gen.set_noise(0.03f);
    gen.set_wander(0.25f);
    auto mon = std::make_unique<np::patient_monitor<1000>>(nerve::sample_rate{fs});
    std::vector<std::uint64_t> ref, det;
    std::vector<std::string> alarms;
    const std::string csv = ctx.out_dir + "/patient.csv";
    std::ofstream out(csv);
    out << "t_s,ecg_mv,heart_rate_bpm,beat_flag\n";
    std::vector<float> ecg;
    std::vector<float> hr_at;
    float hr = 0.0f;
    auto emit = [&](const np::monitor_event& e) {
        if (e.kind == np::event_kind::beat) {
            det.push_back(e.sample);
            if (e.rr.valid) hr = e.rr.heart_rate_bpm;
            return;
        }
        alarms.push_back(fmt::format("{} {} at {:.1f} s", np::to_string(e.alarm),
                                     e.kind == np::event_kind::alarm_on ? "on" : "off",
                                     static_cast<double>(e.sample) / fs));
    };
    const std::size_t n = static_cast<std::size_t>(300 * fs);
    ecg.reserve(n);
    hr_at.reserve(n);
    std::size_t beats_seen = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        if (i == static_cast<std::size_t>(120 * fs)) { gen.set_irregular(true); gen.set_rate(105.0f); }
        if (i == static_cast<std::size_t>(200 * fs)) { gen.set_irregular(false); gen.set_rate(72.0f); }
        if (i == static_cast<std::size_t>(230 * fs)) gen.insert_pause(6.0f);
        const auto s = gen.next();
        if (s.r_peak) {
            ref.push_back(i);
            if (t > 60.0 && t < 110.0 && ++beats_seen % 7 == 0) gen.insert_pvc();
        }
        ecg.push_back(s.mv);
        mon->push(s.mv, emit);
        hr_at.push_back(hr);
    }
    mon->flush(emit);
    std::size_t k = 0;
    for (std::size_t i = 0; i < n; ++i) {
        bool beat = false;
        while (k < det.size() && det[k] <= i) beat |= det[k++] == i;
        out << fmt::format("{:.4f},{:.4f},{:.1f},{}\n", static_cast<double>(i) / fs, ecg[i], hr_at[i], beat ? 1 : 0);
    }
    out.close();
    const std::size_t tp = matched(ref, det, static_cast<std::uint64_t>(0.150 * fs));
    fmt::print("  synthetic ECG: 5 min at 360 Hz, sinus 72 bpm, PVCs 60-110 s, atrial fibrillation 120-200 s, "
               "6 s sinus arrest at 230 s\n");
    fmt::print("  beats: {} detected, {} of {} reference beats found ({} extra); {} ectopic, {} with an aberrant "
               "(ventricular-like) QRS\n",
               det.size(), tp, ref.size(), det.size() - tp, mon->ectopic_beats(), mon->aberrant_beats());
    std::string alarm_text;
    for (const auto& a : alarms) alarm_text += (alarm_text.empty() ? "" : "; ") + a;
    fmt::print("  alarms: {}\n", alarm_text.empty() ? std::string("none") : alarm_text);
    const auto& last = mon->last_rr();
    fmt::print("  last 64 beats: HR {:.0f} bpm, SDNN {:.0f} ms, RMSSD {:.0f} ms, pNN50 {:.0f} %\n", last.heart_rate_bpm,
               last.sdnn_ms, last.rmssd_ms, 100.0 * last.pnn50);
    // NEWS2 from the monitored heart rate plus (synthetic) charted vital signs: before and
    // during a deterioration.
    np::news2 score;
    np::vital_signs v;
    v.respiration_rate = 18;
    v.spo2 = 97;
    v.systolic_bp = 122;
    v.heart_rate = 72;
    v.level = np::consciousness::alert;
    v.temperature = 37.1f;
    const auto a = score(v);
    v.respiration_rate = 23;
    v.spo2 = 93;
    v.systolic_bp = 104;
    v.heart_rate = 112;
    v.temperature = 38.4f;
    const auto b = score(v);
    fmt::print("  NEWS2: {} ({}) at rest, {} ({}{}) when deteriorating\n", a.score, np::to_string(a.risk), b.score,
               np::to_string(b.risk), b.rising ? ", rising" : "");
    ctx.plot("generic", csv, ctx.out_dir + "/patient.png",
             "nerve demo: patient monitor on a synthetic ECG (AF 120-200 s, arrest at 230 s; red: detected beats)");

    if (!ctx.use_data || ctx.data_dir.empty()) return 0;
    const std::string rec = ctx.data_dir + "/mitdb/100";
    auto hea = nerve::cli::read_file(rec + ".hea");
    auto dat = nerve::cli::read_file(rec + ".dat");
    auto atr = nerve::cli::read_file(rec + ".atr");
    if (!hea || !dat || !atr) {
        fmt::print("  MIT-BIH: no {}.hea/.dat/.atr, skipped\n", rec);
        return 0;
    }
    const auto h = nerve::io::wfdb::parse_header(hea.value);
    if (!h || h.value().signal_count < 1 || h.value().signals[0].format != 212) {
        fmt::print("  MIT-BIH: {}.hea not usable, skipped\n", rec);
        return 0;
    }
    const auto& hd = h.value();
    const auto bytes = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(dat.value.data()), dat.value.size());
    const std::size_t frames = hd.samples_per_signal;
    std::vector<std::int16_t> raw(frames * hd.signal_count);
    if (!nerve::io::wfdb::decode(212, bytes, 0, raw)) {
        fmt::print("  MIT-BIH: {}.dat truncated, skipped\n", rec);
        return 0;
    }
    auto m100 = std::make_unique<np::patient_monitor<1000>>(nerve::sample_rate{hd.fs});
    std::vector<std::uint64_t> got, truth;
    auto on = [&](const np::monitor_event& e) { if (e.kind == np::event_kind::beat) got.push_back(e.sample); };
    for (std::size_t i = 0; i < frames; ++i)
        m100->push(static_cast<float>(hd.signals[0].to_physical(raw[i * hd.signal_count])), on);
    m100->flush(on);
    const auto ar = std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(atr.value.data()), atr.value.size());
    (void)nerve::io::wfdb::read_annotations(ar, [&](const nerve::io::wfdb::annotation& x) {
        if (nerve::io::wfdb::is_beat(x.code)) truth.push_back(static_cast<std::uint64_t>(x.sample));
    });
    const std::size_t hit = matched(truth, got, static_cast<std::uint64_t>(0.150 * hd.fs));
    fmt::print("  MIT-BIH record 100 (30 min, lead MLII): {} of {} beats found, {} extra "
               "(Se {:.2f} %, +P {:.2f} %)\n",
               hit, truth.size(), got.size() - hit, 100.0 * hit / truth.size(), got.empty() ? 0.0 : 100.0 * hit / got.size());
    return 0;
}

const bool patient_registered = nerve::cli::add_demo_part(
    30, "patient", "patient monitor: synthetic ECG with PVCs, atrial fibrillation and an arrest, then MIT-BIH 100",
    &demo_patient);

}  // namespace demo_patient
}  // namespace
