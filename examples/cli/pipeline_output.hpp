// examples/cli/pipeline_output.hpp — what `nerve run ...`, `nerve forecast` and `nerve demo`
// share: JSON numbers and strings, reading a recording (raw float32, a CSV column or WAV), parsing a
// bearing geometry, and the JSON lines of the bearing monitor. Hosted targets only (std::string, fmt).
#pragma once

#include "cli.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "nerve/io/wav.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"

namespace nerve::cli {

/// A JSON number, or null when not finite (JSON has no NaN/Inf).
inline std::string jnum(double v, int digits = 4) {
    if (!std::isfinite(v)) return "null";
    return fmt::format("{:.{}g}", v, digits + 2);
}

/// Text for a JSON string (without the quotes): quotes and backslashes escaped, control bytes dropped.
inline std::string json_escape(std::string_view s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\') o += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        o += c;
    }
    return o;
}

/// "6205", "6203", or "balls,ball_diameter,pitch_diameter[,contact_angle_deg]".
inline loaded<spectral::bearing_geometry> parse_bearing(const std::string& s) {
    loaded<spectral::bearing_geometry> out;
    if (s == "6205") { out.value = pipelines::bearings::skf6205; return out; }
    if (s == "6203") { out.value = pipelines::bearings::skf6203; return out; }
    std::vector<double> v;
    std::stringstream ss(s);
    for (std::string cell; std::getline(ss, cell, ',');) {
        char* end = nullptr;
        const double x = std::strtod(cell.c_str(), &end);
        if (cell.empty() || end == cell.c_str() || *end != '\0' || !std::isfinite(x)) {
            out.error = fmt::format("--bearing '{}': expected 6205, 6203 or 'balls,ball_d,pitch_d[,angle_deg]'", s);
            return out;
        }
        v.push_back(x);
    }
    if (v.size() < 3 || v.size() > 4 || v[0] < 3 || v[0] > 100 || v[0] != std::floor(v[0]) || !(v[1] > 0) ||
        !(v[2] > v[1]) || (v.size() == 4 && !(v[3] >= 0 && v[3] < 60))) {
        out.error = fmt::format("--bearing '{}': need 3..100 balls, 0 < ball diameter < pitch diameter, "
                                "contact angle in [0, 60) degrees",
                                s);
        return out;
    }
    out.value = spectral::bearing_geometry{static_cast<int>(v[0]), v[1], v[2],
                                           v.size() == 4 ? v[3] * 3.14159265358979323846 / 180.0 : 0.0};
    return out;
}

/// Samples of a recording: raw little-endian float32 ("f32") or one CSV column ("csv").
inline loaded<std::vector<float>> read_samples(const std::string& path, const std::string& format,
                                              const std::string& column = {}) {
    loaded<std::vector<float>> out;
    if (format == "csv") {
        auto col = read_csv_column(path, column);
        if (!col) { out.error = col.error; return out; }
        out.value.reserve(col.value.values.size());
        for (double d : col.value.values) out.value.push_back(static_cast<float>(d));
    } else {
        auto bytes = read_file(path);
        if (!bytes) { out.error = bytes.error; return out; }
        if (bytes.value.size() % 4 != 0) {
            out.error = fmt::format("'{}' is {} bytes, not a whole number of float32 samples", path, bytes.value.size());
            return out;
        }
        out.value.resize(bytes.value.size() / 4);
        std::memcpy(out.value.data(), bytes.value.data(), bytes.value.size());  // little-endian hosts
    }
    if (out.value.empty()) out.error = fmt::format("'{}' holds no samples", path);
    return out;
}

/// A WAV recording (include/nerve/io/wav.hpp): its channels interleaved, at full scale 1 times
/// `scale`, and its sampling rate.
struct wav_recording {
    std::vector<float> samples;
    std::uint32_t fs = 0;
    std::size_t channels = 0;
    bool truncated = false;
};
inline loaded<wav_recording> read_wav(const std::string& path) {
    loaded<wav_recording> out;
    auto bytes = read_file(path);
    if (!bytes) { out.error = bytes.error; return out; }
    const auto w = io::wav::parse(std::span(reinterpret_cast<const std::uint8_t*>(bytes.value.data()), bytes.value.size()));
    if (!w) { out.error = fmt::format("'{}': {}", path, w.message()); return out; }
    out.value.fs = w.value().sample_rate;
    out.value.channels = w.value().channels;
    out.value.truncated = w.value().truncated;
    out.value.samples.resize(static_cast<std::size_t>(w.value().frames) * w.value().channels);
    (void)io::wav::decode(w.value(), 0, out.value.samples).value();
    if (out.value.samples.empty()) out.error = fmt::format("'{}' holds no samples", path);
    return out;
}

/// read_wav for a command that also takes --fs: a rate given (`fs` != 0) must be the file's, and
/// a cut-off recording is read to its last whole frame with a note on stderr. Sets `fs` from the file.
inline loaded<wav_recording> read_wav_at_rate(const std::string& path, double& fs) {
    auto w = read_wav(path);
    if (!w) return w;
    if (fs != 0 && fs != static_cast<double>(w.value.fs)) {
        w.error = fmt::format("--fs {} disagrees with the {} Hz in '{}'", fs, w.value.fs, path);
        return w;
    }
    if (w.value.truncated)
        fmt::print(stderr, "nerve: '{}' is cut off; read its {} whole frames\n", path,
                   w.value.samples.size() / w.value.channels);
    fs = w.value.fs;
    return w;
}

/// The ISO 10816 zone of a velocity reading as JSON: "A".."D", or null when no sample counted
/// (velocity off, still settling, or every piece out of range).
inline std::string zone_json(const stats::severity_reading& r) {
    return r.samples > 0 ? fmt::format("\"{}\"", stats::name(r.zone)) : std::string{"null"};
}

/// The RMS velocities (mm/s) at 1x, 2x, 3x the shaft speed as a JSON array.
inline std::string orders_json(const std::array<float, 3>& v) {
    return fmt::format("[{},{},{}]", jnum(v[0], 3), jnum(v[1], 3), jnum(v[2], 3));
}

template <std::size_t E>
std::string frame_json(const pipelines::bearing_frame<E>& f, double fs) {
    std::string energies;
    for (std::size_t i = 0; i < E; ++i) energies += (i ? "," : "") + jnum(f.band_energy[i]);
    return fmt::format(
        "{{\"type\":\"frame\",\"index\":{},\"t_s\":{},\"valid\":{},\"rms\":{},\"kurtosis\":{},\"crest_factor\":{},"
        "\"band_energy_hz\":{},\"band_energy\":[{}],\"evidence\":{{\"outer\":{},\"inner\":{},\"ball\":{},\"cage\":{}}},"
        "\"health_index\":{},\"anomaly_score\":{},\"drift\":{},\"diagnosis\":\"{}\",\"rule\":\"{}\",\"severity\":{},"
        "\"velocity_rms_mm_s\":{},\"velocity_peak_mm_s\":{},\"severity_zone\":{}}}",
        f.index, jnum(static_cast<double>(f.end_sample) / fs), f.valid ? "true" : "false", jnum(f.rms), jnum(f.kurtosis),
        jnum(f.crest_factor), jnum(f.band_energy_hz), energies, jnum(f.evidence.outer, 3), jnum(f.evidence.inner, 3),
        jnum(f.evidence.ball, 3), jnum(f.evidence.cage, 3), jnum(f.verdict.health_index, 3), jnum(f.anomaly_score, 3),
        f.drift ? "true" : "false", pipelines::name(f.verdict.diagnosis), pipelines::name(f.verdict.rule),
        f.verdict.severity, jnum(f.velocity.velocity_rms, 4), jnum(f.velocity.velocity_peak, 4),
        zone_json(f.velocity));
}

template <class Monitor>
std::string summary_json(const pipelines::bearing_summary& s, const Monitor& m) {
    const auto& e = m.band_edges();
    auto band = [&](std::uint8_t b) { return fmt::format("[{},{}]", jnum(e[b], 5), jnum(e[b + 1u], 5)); };
    const pipelines::bearing_monitor_config& c = m.config();
    // The band the velocity covers; null with the velocity off (--velocity-band 0,...).
    const auto vb = pipelines::velocity_band_hz(c);
    const std::string velocity_band = pipelines::velocity_on(c) ? fmt::format("[{},{}]", jnum(vb[0]), jnum(vb[1])) : "null";
    return fmt::format(
        "{{\"type\":\"summary\",\"diagnosis\":\"{}\",\"rule\":\"{}\",\"severity\":{},\"health_index\":{},"
        "\"evidence\":{{\"outer\":{},\"inner\":{},\"ball\":{},\"cage\":{},\"outer_band_hz\":{},\"inner_band_hz\":{},"
        "\"ball_band_hz\":{},\"band_hz\":{},\"impulsiveness\":{},\"race_any\":{},"
        "\"unit\":\"decades above local floor, summed over 3 harmonics\"}},"
        "\"defect_hz\":{{\"bpfo\":{},\"bpfi\":{},\"bsf\":{},\"two_bsf\":{},\"ftf\":{}}},"
        "\"rms\":{},\"kurtosis\":{},\"crest_factor\":{},\"max_anomaly_score\":{},\"drift_frames\":{},"
        "\"frames\":{},\"segments\":{},\"samples\":{},\"rejected_samples\":{},\"envelope_rate_hz\":{},"
        "\"vibration_severity\":{{\"velocity_rms_mm_s\":{},\"velocity_peak_mm_s\":{},\"max_frame_velocity_rms_mm_s\":{},"
        "\"zone\":{},\"zone_limits_mm_s\":[{},{},{}],\"band_hz\":{},\"samples\":{},\"shaft_orders_mm_s\":{}}}}}",
        pipelines::name(s.verdict.diagnosis), pipelines::name(s.verdict.rule), s.verdict.severity,
        jnum(s.verdict.health_index, 3), jnum(s.evidence.outer, 3), jnum(s.evidence.inner, 3), jnum(s.evidence.ball, 3),
        jnum(s.evidence.cage, 3), band(s.evidence.outer_band), band(s.evidence.inner_band), band(s.evidence.ball_band),
        band(s.evidence.band), jnum(s.evidence.impulsiveness, 3), jnum(s.evidence.race_any, 3),
        jnum(s.frequencies.bpfo), jnum(s.frequencies.bpfi), jnum(s.frequencies.bsf), jnum(s.frequencies.two_bsf()),
        jnum(s.frequencies.ftf), jnum(s.rms), jnum(s.kurtosis), jnum(s.crest_factor), jnum(s.max_anomaly_score, 3),
        s.drift_frames, s.frames, s.segments, s.samples, m.rejected_samples(), jnum(m.envelope_rate_hz()),
        jnum(s.velocity.velocity_rms, 4), jnum(s.velocity.velocity_peak, 4), jnum(s.max_velocity_rms, 4),
        zone_json(s.velocity), jnum(c.severity_limits.ab), jnum(c.severity_limits.bc), jnum(c.severity_limits.cd),
        velocity_band, s.velocity.samples,
        orders_json(s.shaft_orders));
}

}  // namespace nerve::cli
