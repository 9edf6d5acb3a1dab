// examples/cli/cmd_run_patient.cpp — `nerve run patient`: the patient-monitor reference
// pipeline (include/nerve/pipelines/patient_monitor.hpp) on one WFDB ECG record.
//
//   nerve run patient --record ../shared/data/mitdb/100 [--lead 0] [--single-lead] [--quiet]
//
// When the record holds a second ECG signal in the same file and unit, the monitor runs with
// two leads (patient_monitor<1000, 2>): the chosen lead is the primary, the first other such
// signal the fallback used only while the primary is lost (beat lines say "lead":1 then);
// --single-lead analyses the chosen lead alone.
//
// Reads NNN.hea and the signal file it names (formats 212 and 16), pushes the chosen lead in
// mV through the monitor and prints JSON lines: one {"type":"beat","sample":N,...} per beat,
// {"type":"alarm",...} when an alarm starts or ends, and a last {"type":"summary",...}
// ("fallback_beats": how many of its "beats" the second lead supplied; 0 with one lead).
// Beat lines carry the detector's signal quality ("quality": sharpness against the recent
// beats', "noisy": motion artefact was rejected within the last 4 s); an "artefact" alarm
// marks such stretches (asystole and rate alarms are held there). "qrs_match" is the
// correlation of the beat's lead-0 QRS with the dominant QRS (below 0.8: aberrant, e.g. a PVC;
// 1 when not checked). The summary's "hrv_spectrum" is the frequency-domain HRV of the last
// 5 minutes: VLF (0.0033-0.04 Hz), LF (0.04-0.15) and HF (0.15-0.4) power in ms^2, LF/HF and
// LF/(LF+HF), from the Lomb-Scargle density of the normal-to-normal intervals
// (spectral/lomb_scargle.hpp; null with fewer than 4).
#include "cli.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "pipeline_output.hpp"
#include "nerve/io/wfdb.hpp"
#include "nerve/spectral/band_power.hpp"
#include "nerve/spectral/lomb_scargle.hpp"
#include "nerve/pipelines/patient_monitor.hpp"

namespace {
namespace cmd_run_patient {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;
namespace wfdb = nerve::io::wfdb;

struct options {
    std::string record;
    int lead = 0;
    bool quiet = false;
    bool no_artefact_check = false;
    bool single_lead = false;
};

int run(const options& o) {
    std::string base = o.record;
    for (const char* ext : {".hea", ".dat", ".atr"})
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ext) == 0) base.resize(base.size() - 4);
    const std::string dir = base.find('/') == std::string::npos ? std::string{} : base.substr(0, base.rfind('/') + 1);

    auto head_text = nerve::cli::read_file(base + ".hea");
    if (!head_text) return nerve::cli::fail("{}", head_text.error);
    const auto parsed = wfdb::parse_header(head_text.value);
    if (!parsed) return nerve::cli::fail("{}.hea: {}", base, parsed.message());
    const wfdb::header& h = parsed.value();
    if (h.signal_count == 0) return nerve::cli::fail("{}.hea: the record has no signals", base);
    if (o.lead < 0 || static_cast<std::size_t>(o.lead) >= h.signal_count)
        return nerve::cli::fail("--lead {} is out of range: the record has {} signal(s)", o.lead, h.signal_count);
    if (h.fs < 100.0 || h.fs > 1000.0)
        return nerve::cli::fail("{}.hea: sampling rate {} Hz is outside the monitor's 100-1000 Hz", base, h.fs);
    const wfdb::signal_info& sig = h.signals[static_cast<std::size_t>(o.lead)];
    if (sig.format != 212 && sig.format != 16)
        return nerve::cli::fail("{}.hea: signal format {} is not supported (212 and 16 are)", base, sig.format);

    // Signals stored in the same file are interleaved; find ours among them, and the fallback
    // lead: the first other signal in the same file with the same unit.
    const auto layout = wfdb::columns_of(h, static_cast<std::size_t>(o.lead));
    if (!layout) return nerve::cli::fail("{}.hea: {}", base, layout.message());
    const std::size_t in_file = layout.value().width, column = layout.value().column;
    const std::size_t lead1 = layout.value().companion, column1 = layout.value().companion_column;
    const bool two_leads = !o.single_lead && lead1 < h.signal_count;
    const std::string dat_path = dir + std::string(sig.file_name);
    auto dat = nerve::cli::read_file(dat_path);
    if (!dat) return nerve::cli::fail("{}", dat.error);
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(dat.value.data()), dat.value.size());
    if (auto ok = wfdb::check_size(h, sig.format, in_file, bytes.size()); !ok)
        return nerve::cli::fail("{}: {} (header: {} samples x {} signal(s), file: {} bytes)", dat_path, ok.message(),
                                h.samples_per_signal, in_file, bytes.size());
    const std::uint64_t frames =
        h.samples_per_signal ? h.samples_per_signal : wfdb::samples_in(sig.format, bytes.size()) / in_file;
    if (frames == 0) return nerve::cli::fail("{}: no samples", dat_path);
    std::vector<std::int16_t> raw(static_cast<std::size_t>(frames * in_file));
    if (auto d = wfdb::decode(sig.format, bytes, 0, raw); !d) return nerve::cli::fail("{}: {}", dat_path, d.message());

    // The header's checksums catch a corrupt file that still has the right length (every
    // signal stored in the file is checked, not only the analysed one).
    if (h.samples_per_signal) {
        std::array<wfdb::checksum16, wfdb::max_signals> sums{};
        for (std::size_t f = 0; f < raw.size(); f += in_file)
            for (std::size_t c = 0; c < in_file; ++c) sums[c].add(raw[f + c]);
        const std::size_t bad = wfdb::checksum_mismatch(h, sig.file_name, {sums.data(), in_file});
        if (bad < h.signal_count)
            return nerve::cli::fail("{}: checksum of signal {} is {}, the header says {} (corrupt file?)", dat_path, bad,
                                    static_cast<std::int16_t>(sums[wfdb::columns_of(h, bad).value().column].sum),
                                    h.signals[bad].checksum);
    }

    np::monitor_params mp;
    if (o.no_artefact_check) mp.qrs.artefact_sharpness = 0.0;  // see qrs_detector.hpp
    const double fs = h.fs;
    std::uint64_t alarm_lines = 0;
    // Frequency-domain HRV of the last 5 minutes (Task Force 1996 bands: VLF, LF, HF) from the
    // normal-to-normal intervals at their beat times; leaving ectopic beats out makes gaps,
    // which the Lomb-Scargle periodogram takes as they are. Bins 1/512 Hz apart (finer than the
    // window's 1/300 Hz resolution, as band sums need) up to 0.5 Hz.
    auto hrv = std::make_unique<nerve::spectral::lomb_scargle<1024, 257>>(nerve::hertz{0.5 / 256}, 300.0,
                                                                           std::numeric_limits<std::size_t>::max());
    auto emit = [&](const np::monitor_event& e) {
        switch (e.kind) {
            case np::event_kind::beat:
                if (e.rr.valid && !e.rr.ectopic)
                    hrv->add({static_cast<double>(e.sample) / fs, 1000.0f * e.rr.rr_s});
                if (o.quiet) break;
                fmt::print("{{\"type\":\"beat\",\"sample\":{},\"time_s\":{:.3f},\"rr_s\":{:.3f},\"hr_bpm\":{:.1f},"
                           "\"ectopic\":{},\"irregular\":{},\"search_back\":{},\"quality\":{:.2f},\"noisy\":{},"
                           "\"lead\":{},\"qrs_match\":{:.2f}}}\n",
                           e.sample, static_cast<double>(e.sample) / fs, e.beat.rr_s, e.rr.heart_rate_bpm,
                           e.rr.ectopic, e.rr.irregular, e.beat.search_back, e.beat.quality, e.beat.noisy,
                           static_cast<unsigned>(e.lead), e.qrs_match);
                break;
            case np::event_kind::alarm_on:
            case np::event_kind::alarm_off:
                ++alarm_lines;
                fmt::print("{{\"type\":\"alarm\",\"alarm\":\"{}\",\"state\":\"{}\",\"sample\":{},\"time_s\":{:.3f},"
                           "\"value\":{:.3f}}}\n",
                           np::to_string(e.alarm), e.kind == np::event_kind::alarm_on ? "on" : "off", e.sample,
                           static_cast<double>(e.sample) / fs, e.value);
                break;
        }
    };
    const auto physical = [&](std::uint64_t i, std::size_t col, const wfdb::signal_info& si) {
        return static_cast<float>(si.to_physical(raw[static_cast<std::size_t>(i * in_file + col)]));
    };
    // Both variants print the same summary; the monitor's type is what differs.
    auto run_monitor = [&](auto& mon, auto&& feed) {
        for (std::uint64_t i = 0; i < frames; ++i) mon.push(feed(i), emit);
        mon.flush(emit);
        const double duration = static_cast<double>(frames) / fs;
        const auto& last = mon.last_rr();
        std::string alarms;
        for (std::size_t a = 0; a < np::alarm_kinds; ++a) {
            const auto k = static_cast<np::alarm_kind>(a);
            alarms += fmt::format("{}\"{}\":{}", a ? "," : "", np::to_string(k), mon.alarms(k));
        }
        std::string spectrum = "null";
        if (hrv->compute()) {
            nerve::spectral::band_power<3> bands{{0.0033, 0.04, 0.15, 0.4}};
            bands.compute(hrv->result());
            const double vlf = bands.result()[0], lf = bands.result()[1], hf = bands.result()[2];
            spectrum = fmt::format("{{\"window_s\":{:.1f},\"nn_intervals\":{},\"vlf_ms2\":{},\"lf_ms2\":{},\"hf_ms2\":{},"
                                   "\"lf_hf\":{},\"lf_nu\":{}}}",
                                   hrv->span_s(), hrv->points(), nerve::cli::jnum(vlf), nerve::cli::jnum(lf),
                                   nerve::cli::jnum(hf), nerve::cli::jnum(hf > 0 ? lf / hf : NAN),
                                   nerve::cli::jnum(lf + hf > 0 ? lf / (lf + hf) : NAN, 3));
        }
        fmt::print("{{\"type\":\"summary\",\"record\":\"{}\",\"lead\":\"{}\",\"fs\":{},\"samples\":{},\"duration_s\":{:.1f},"
                   "\"beats\":{},\"fallback_beats\":{},\"mean_hr_bpm\":{:.1f},\"ectopic_beats\":{},\"aberrant_beats\":{},\"vf_waves\":{},\"rejected_samples\":{},"
                   "\"artefact_peaks\":{},"
                   "\"last_window\":{{\"hr_bpm\":{:.1f},\"sdnn_ms\":{:.1f},\"rmssd_ms\":{:.1f},\"pnn50\":{:.3f},\"rr_count\":{}}},"
                   "\"hrv_spectrum\":{},\"alarms\":{{{}}}}}\n",
                   nerve::cli::json_escape(h.record_name), nerve::cli::json_escape(sig.description), fs, frames, duration, mon.beats(),
                   mon.fallback_beats(), duration > 0 ? 60.0 * mon.beats() / duration : 0.0, mon.ectopic_beats(), mon.aberrant_beats(), mon.vf_waves(),
                   mon.rejected(), mon.artefacts(), last.heart_rate_bpm, last.sdnn_ms, last.rmssd_ms, last.pnn50, last.count, spectrum, alarms);
    };
    if (two_leads) {
        auto mon = std::make_unique<np::patient_monitor<1000, 2>>(nerve::sample_rate{h.fs}, mp);
        const wfdb::signal_info& sig1 = h.signals[lead1];
        run_monitor(*mon, [&](std::uint64_t i) {
            return std::array<float, 2>{physical(i, column, sig), physical(i, column1, sig1)};
        });
    } else {
        auto mon = std::make_unique<np::patient_monitor<1000>>(nerve::sample_rate{h.fs}, mp);
        run_monitor(*mon, [&](std::uint64_t i) { return physical(i, column, sig); });
    }
    (void)alarm_lines;
    return 0;
}

const bool registered = nerve::cli::add_command(
    "run patient",
    "Patient monitoring: QRS detection, heart rate, HRV, rhythm flags and alarms on a WFDB ECG record",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--record", o->record, "WFDB record path without extension (reads PATH.hea and its signal file)")
            ->required();
        app.add_option("--lead", o->lead, "0-based signal index to analyse (default 0)");
        app.add_flag("--quiet", o->quiet, "print alarms and the summary, no beat lines");
        app.add_flag("--single-lead", o->single_lead,
                     "analyse the chosen lead alone (default: a second ECG lead in the record is the fallback)");
        app.add_flag("--no-artefact-check", o->no_artefact_check,
                     "count blunt, premature, small peaks as beats (turns the motion-artefact check off)");
        return [o] { return run(*o); };
    });

}  // namespace cmd_run_patient
}  // namespace
