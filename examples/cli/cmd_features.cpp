// examples/cli/cmd_features.cpp — `nerve features`: MFCC or log-mel (MFE) features of a recording,
// one row per frame, for training the model that will run on the device with the same operators.
//
//   nerve features --input speech.wav                              # 13 MFCCs, librosa's defaults
//   nerve features --input pump.wav --block mfe --bands 64 --frame 1024 --hop 512 --json
//   nerve features --input accel.csv --format csv --column z --fs 25600 --scale htk --norm none --log ln
//
// Per frame: Hann window, rfft (include/nerve/spectral/rfft.hpp), mel_filterbank, and for
// --block mfcc the orthonormal DCT-II (mfcc.hpp) of the log-mel bands, its first --coeffs terms.
// Frames start every --hop samples (default half a frame) while a whole frame remains; a frame
// holding NaN or Inf gives no row and is counted in the JSON summary (stderr in CSV mode).
//
// Output: CSV on stdout (frame,time_s,c0,c1,... or mel0,mel1,...; time_s is the frame's first
// sample), or with --json one {"type":"features",...} object per frame and a summary object.
#include "cli.hpp"

#include <algorithm>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "pipeline_output.hpp"
#include "nerve/spectral/mel_filterbank.hpp"
#include "nerve/spectral/mfcc.hpp"
#include "nerve/spectral/rfft.hpp"

namespace {
namespace cmd_features {  // named for the unity build (CMakeLists.txt)

namespace sp = nerve::spectral;

struct options {
    std::string input;
    std::string format = "wav";
    std::string column;
    double fs = 0;
    std::size_t channel = 0;
    std::string block = "mfcc";
    std::size_t frame = 512;
    std::size_t hop = 0;  // 0: frame / 2
    std::size_t bands = 40;
    std::size_t coeffs = 13;
    double fmin = 0, fmax = 0;
    std::string scale = "slaney";
    std::string norm = "area";
    std::string log = "db";
    double lifter = 0;
    bool json = false;
};

/// The frame sizes and band counts the tool is built for (each pair is one instantiation).
constexpr std::size_t frame_sizes[] = {256, 512, 1024, 2048};
constexpr std::size_t band_counts[] = {20, 26, 32, 40, 64, 80, 128};

template <std::size_t N, std::size_t Bands>
int extract(const options& o, std::span<const float> x) {
    const nerve::sample_rate fs{o.fs};
    sp::mel_options mo;
    mo.fmin = nerve::hertz{o.fmin};
    mo.fmax = nerve::hertz{o.fmax};
    mo.scale = o.scale == "htk" ? sp::mel_scale::htk : sp::mel_scale::slaney;
    mo.norm = o.norm == "none" ? sp::mel_norm::none : sp::mel_norm::area;
    mo.log = o.log == "none" ? sp::mel_log::none : o.log == "ln" ? sp::mel_log::natural : sp::mel_log::decibel;
    auto fft = std::make_unique<sp::rfft<N>>(nerve::window::hann, fs);
    auto mel = std::make_unique<sp::mel_filterbank<N, Bands>>(fs, mo);
    auto cep = std::make_unique<sp::mfcc<Bands, Bands>>(o.lifter);
    if (!mel->valid())
        return nerve::cli::fail("--fmin {} / --fmax {}: need 0 <= fmin < fmax and fmin below fs / 2 = {} Hz", o.fmin,
                                o.fmax, o.fs / 2);
    const bool cepstral = o.block == "mfcc";
    const std::size_t width = cepstral ? o.coeffs : Bands;
    const std::size_t hop = o.hop ? o.hop : N / 2;
    if (!o.json) {
        std::string head = "frame,time_s";
        for (std::size_t i = 0; i < width; ++i) head += fmt::format(",{}{}", cepstral ? "c" : "mel", i);
        fmt::print("{}\n", head);
    }
    std::size_t frames = 0, rejected = 0;
    std::string row;
    for (std::size_t start = 0; start + N <= x.size(); start += hop) {
        const std::size_t index = frames + rejected;
        if (!fft->transform(std::span<const float, N>{x.data() + start, N}) || !mel->compute(fft->view())) {
            ++rejected;
            continue;
        }
        std::span<const float> values = mel->result();
        if (cepstral) {
            cep->compute(mel->result());  // finite log-mel bands in, so never refused
            values = cep->result().first(width);
        }
        const double t = static_cast<double>(start) / o.fs;
        row.clear();
        if (o.json) {
            for (std::size_t i = 0; i < width; ++i) row += fmt::format("{}{}", i ? "," : "", nerve::cli::jnum(values[i], 6));
            fmt::print("{{\"type\":\"features\",\"frame\":{},\"time_s\":{},\"{}\":[{}]}}\n", index,
                       nerve::cli::jnum(t, 8), o.block, row);
        } else {
            for (std::size_t i = 0; i < width; ++i) row += fmt::format(",{:.8g}", values[i]);
            fmt::print("{},{:.8g}{}\n", index, t, row);
        }
        ++frames;
    }
    if (o.json) {
        fmt::print("{{\"type\":\"summary\",\"block\":\"{}\",\"frames\":{},\"rejected_frames\":{},\"fs\":{},\"frame\":{},"
                   "\"hop\":{},\"bands\":{},\"values_per_frame\":{}}}\n",
                   o.block, frames, rejected, nerve::cli::jnum(o.fs, 10), N, hop, Bands, width);
    } else if (rejected) {
        fmt::print(stderr, "nerve: {} frame{} held NaN or Inf and gave no row\n", rejected, rejected == 1 ? "" : "s");
    }
    return 0;
}

/// Calls extract<N, Bands> for the runtime pair, which run() has checked is in the lists.
template <std::size_t N, std::size_t... B>
int with_bands(const options& o, std::span<const float> x, std::index_sequence<B...>) {
    int rc = 1;
    (void)((o.bands == band_counts[B] ? (rc = extract<N, band_counts[B]>(o, x), true) : false) || ...);
    return rc;
}
template <std::size_t... F>
int with_frame(const options& o, std::span<const float> x, std::index_sequence<F...>) {
    int rc = 1;
    (void)((o.frame == frame_sizes[F]
                ? (rc = with_bands<frame_sizes[F]>(o, x, std::make_index_sequence<std::size(band_counts)>{}), true)
                : false) ||
           ...);
    return rc;
}

std::string listed(std::span<const std::size_t> v) {
    std::string s;
    for (std::size_t x : v) s += fmt::format("{}{}", s.empty() ? "" : ", ", x);
    return s;
}

int run(options o) {
    auto in_list = [](std::span<const std::size_t> v, std::size_t x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    if (!in_list(frame_sizes, o.frame)) return nerve::cli::fail("--frame {}: choose one of {}", o.frame, listed(frame_sizes));
    if (!in_list(band_counts, o.bands)) return nerve::cli::fail("--bands {}: choose one of {}", o.bands, listed(band_counts));
    if (o.block == "mfcc" && (o.coeffs < 1 || o.coeffs > o.bands))
        return nerve::cli::fail("--coeffs {}: keep 1 to --bands ({}) coefficients", o.coeffs, o.bands);
    if (o.block == "mfcc" && o.log == "none") return nerve::cli::fail("--block mfcc needs log-mel bands: --log db or ln");
    if (o.hop > 16 * o.frame) return nerve::cli::fail("--hop {}: at most 16 frames ({})", o.hop, 16 * o.frame);
    if (!(o.lifter >= 0 && o.lifter <= 1000)) return nerve::cli::fail("--lifter must be in [0, 1000]");
    std::vector<float> x;
    if (o.format == "wav") {
        auto w = nerve::cli::read_wav_at_rate(o.input, o.fs);
        if (!w) return nerve::cli::fail("{}", w.error);
        if (o.channel >= w.value.channels)
            return nerve::cli::fail("--channel {}: '{}' has {} channel{}", o.channel, o.input, w.value.channels,
                                    w.value.channels == 1 ? "" : "s");
        for (std::size_t i = o.channel; i < w.value.samples.size(); i += w.value.channels) x.push_back(w.value.samples[i]);
    } else {
        if (o.fs == 0) return nerve::cli::fail("--fs is required for f32 and csv input");
        auto s = nerve::cli::read_samples(o.input, o.format, o.column);
        if (!s) return nerve::cli::fail("{}", s.error);
        x = std::move(s.value);
    }
    if (!(o.fs > 0) || !(o.fs < 1e7)) return nerve::cli::fail("--fs must be a positive sampling rate in Hz");
    if (x.size() < o.frame)
        return nerve::cli::fail("'{}' holds {} samples, fewer than one --frame of {}", o.input, x.size(), o.frame);
    return with_frame(o, x, std::make_index_sequence<std::size(frame_sizes)>{});
}

const bool registered = nerve::cli::add_command(
    "features",
    "MFCC or log-mel (MFE) features of a recording, one row per frame (librosa's bands, scipy's DCT)",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--input", o->input, "recording: WAV (PCM 8-32 bit or float), raw little-endian float32 or CSV")
            ->required()
            ->check(CLI::ExistingFile);
        app.add_option("--format", o->format, "wav (rate from the file), f32 or csv")
            ->check(CLI::IsMember({"wav", "f32", "csv"}));
        app.add_option("--column", o->column, "CSV column (name or 0-based index; default: the last)");
        app.add_option("--channel", o->channel, "WAV channel, 0-based (default 0)");
        app.add_option("--fs", o->fs, "sampling rate in Hz (required for f32 and csv; wav: from the file)");
        app.add_option("--block", o->block, "mfcc (cepstral coefficients) or mfe (mel-band energies)")
            ->check(CLI::IsMember({"mfcc", "mfe"}));
        app.add_option("--frame", o->frame, "FFT frame in samples: 256, 512 (default), 1024 or 2048");
        app.add_option("--hop", o->hop, "samples between frame starts (default: half a frame)")->check(CLI::PositiveNumber);
        app.add_option("--bands", o->bands, "mel bands: 20, 26, 32, 40 (default), 64, 80 or 128");
        app.add_option("--coeffs", o->coeffs, "MFCCs kept per frame (default 13)");
        app.add_option("--fmin", o->fmin, "lowest band edge in Hz (default 0)");
        app.add_option("--fmax", o->fmax, "highest band edge in Hz (default 0: fs / 2)");
        app.add_option("--scale", o->scale, "mel scale: slaney (librosa's default) or htk")
            ->check(CLI::IsMember({"slaney", "htk"}));
        app.add_option("--norm", o->norm, "band weights: area (librosa's norm='slaney', default) or none (peak 1)")
            ->check(CLI::IsMember({"area", "none"}));
        app.add_option("--log", o->log, "db (10 log10, default), ln, or none (mfe only: linear energies)")
            ->check(CLI::IsMember({"db", "ln", "none"}));
        app.add_option("--lifter", o->lifter, "librosa's cepstral lifter L (default 0: none; HTK uses 22)");
        app.add_flag("--json", o->json, "JSON lines (one per frame, then a summary) instead of CSV");
        return [o] { return run(*o); };
    });

}  // namespace cmd_features
}  // namespace
