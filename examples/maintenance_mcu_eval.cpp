// examples/maintenance_mcu_eval.cpp — nerve_maintenance_mcu_eval: the Cortex-M4 bearing-monitor
// configurations on the CWRU recordings, one axis and three, so the cost of fitting three axes in
// 32 KB of RAM is a measured number.
//
//   build/<dir>/examples/nerve_maintenance_mcu_eval [--data DIR] [--verbose] [--sweep]
//
// DIR (default $NERVE_DATA_DIR/cwru, NERVE_DATA_DIR defaulting to ../shared/data) holds the CWRU
// files and manifest.csv (see shared/data/README.md). Configurations (all with the recording's
// rate and nominal rpm, SKF 6205, the rest of bearing_monitor_config at its defaults):
//   1ax-fw     bearing_monitor<2, 1024, 128, 8, false, bfloat16>, ~1.5 kHz envelope rate: the
//              one-axis firmware (examples/mcu_maintenance.cpp)
//   1ax-1024f  the same with float frames (what bfloat16 storage costs)
//   1ax-512    bearing_monitor<2, 512, 128>, ~1.5 kHz envelope rate: the previous one-axis
//              firmware (25,464 B on the Cortex-M4)
//   3ax-512    multi_axis_bearing_monitor<3> of the same (52,808 B with the shared scratch: does
//              not fit in 32 KB)
//   3ax-384    multi_axis_bearing_monitor<3, bearing_monitor<2, 384, 64, 8, false, bfloat16>>,
//              ~750 Hz envelope rate: the three-axis firmware (examples/mcu_maintenance_3axis.cpp)
//   1ax-384    one axis of the same
//   3ax-256    multi_axis_bearing_monitor<3, bearing_monitor<2, 256, 64>>, ~750 Hz envelope rate:
//              the previous three-axis firmware (29,000 B)
//   1ax-256    one axis of the same
// CWRU recorded one direction, so the three-axis runs make each record triaxial as
// tools/cwru_axes_eval.py does, with the real record on axis (file number mod 3): `noise` puts
// white Gaussian noise of the record's RMS on the other two axes; `paths` puts 0.3 x the record
// plus noise of 0.5 x its RMS on one and noise of 0.5 x its RMS on the other (std::mt19937_64
// seeded with the file number, so the noise differs from the Python tool's; the table is
// reproducible with one standard library). A file is right when the (fused) summary verdict is
// its fault type (normal for the baseline), as /work/shared/tools/scoreboard.sh scores it; for
// three axes the deciding axis is counted too.
//
// --sweep prints instead one axis of several configurations (float frames), with the envelope
// spectrum's bin width and Nyquist frequency at the recordings' 12 kHz: what makes the small
// configurations lose files (the resolution: bins of ~1.5 Hz or less and a Nyquist frequency
// above 3 x BPFI, ~490 Hz, take 1024 points; two bands or four matter less).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"

namespace {

namespace np = nerve::pipelines;
using axis_fw = np::bearing_monitor<2, 1024, 128, 8, false, np::bfloat16>;
using axis1024 = np::bearing_monitor<2, 1024, 128>;
using axis512 = np::bearing_monitor<2, 512, 128>;
using axis384 = np::bearing_monitor<2, 384, 64, 8, false, np::bfloat16>;
using axis256 = np::bearing_monitor<2, 256, 64>;

struct record {
    std::string file, fault;
    double rpm = 0, fs = 0;
};

bool load(const std::string& path, std::vector<float>& out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return false;
    f.seekg(0, std::ios::end);
    const auto bytes = static_cast<std::size_t>(f.tellg());
    f.seekg(0);
    out.resize(bytes / 4);
    f.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size() * 4));
    return static_cast<bool>(f);
}

template <class M>
np::bearing_diagnosis one_axis(const np::bearing_monitor_config& c, std::span<const float> x) {
    auto m = std::make_unique<M>(c);
    m->process(x, [](const typename M::output_type&) {});
    return m->summary().verdict.diagnosis;
}

/// A row of --sweep: one axis of a configuration at an envelope rate.
struct sweep_row {
    std::size_t bands, env_n;
    double rate_hz;
    np::bearing_diagnosis (*run)(const np::bearing_monitor_config&, std::span<const float>);
    int right = 0;
    std::string wrong{};
};

template <std::size_t Bands, std::size_t EnvN>
sweep_row sweep_of(double rate_hz) {
    return {Bands, EnvN, rate_hz, one_axis<np::bearing_monitor<Bands, EnvN, 64>>};
}

template <class M>
np::multi_axis_summary<3> three_axes(const np::bearing_monitor_config& c, std::span<const float> xyz) {
    auto m = std::make_unique<np::multi_axis_bearing_monitor<3, M>>(c);
    m->process_interleaved(xyz, [](const auto&) {});
    return m->summary();
}

}  // namespace

int main(int argc, char** argv) {
    const char* env = std::getenv("NERVE_DATA_DIR");
    std::string dir = std::string(env ? env : "../shared/data") + "/cwru";
    bool verbose = false, sweep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--data" && i + 1 < argc) {
            dir = argv[++i];
        } else if (a == "--verbose") {
            verbose = true;
        } else if (a == "--sweep") {
            sweep = true;
        } else {
            std::fprintf(stderr, "usage: %s [--data DIR] [--verbose] [--sweep]\n", argv[0]);
            return a == "--help" ? 0 : 2;
        }
    }
    std::ifstream man(dir + "/manifest.csv");
    if (!man) {
        std::fprintf(stderr, "maintenance_mcu_eval: cannot read %s/manifest.csv (set --data or NERVE_DATA_DIR)\n", dir.c_str());
        return 1;
    }
    std::vector<record> rows;
    std::string line;
    std::getline(man, line);   // header: file,fault,diameter_mil,load_hp,rpm,fs_hz,...
    while (std::getline(man, line)) {
        std::stringstream ss(line);
        std::string field[6];
        for (auto& f : field) std::getline(ss, f, ',');
        if (field[0].empty()) continue;
        rows.push_back({field[0], field[1], std::atof(field[4].c_str()), std::atof(field[5].c_str())});
    }
    const auto want_of = [](const record& r) {
        return r.fault == "inner"   ? np::bearing_diagnosis::inner_race
               : r.fault == "outer" ? np::bearing_diagnosis::outer_race
               : r.fault == "ball"  ? np::bearing_diagnosis::ball
                                    : np::bearing_diagnosis::normal;
    };
    const auto config_of = [](const record& r) {
        np::bearing_monitor_config c;
        c.fs_hz = r.fs;
        c.shaft_hz = r.rpm / 60.0;
        c.geometry = np::bearings::skf6205;
        return c;
    };
    std::vector<float> x, xyz;
    if (sweep) {
        sweep_row sweeps[] = {sweep_of<4, 1024>(1500), sweep_of<2, 1024>(1500), sweep_of<1, 1024>(1500),
                              sweep_of<2, 1024>(1000), sweep_of<2, 1024>(750),  sweep_of<2, 768>(1000),
                              sweep_of<2, 768>(1500),  sweep_of<4, 512>(1500),  sweep_of<2, 512>(1500),
                              sweep_of<2, 512>(1000),  sweep_of<4, 512>(750),   sweep_of<2, 512>(750),
                              sweep_of<2, 384>(750),   sweep_of<2, 256>(750)};
        for (const auto& r : rows) {
            if (!load(dir + "/" + r.file, x) || x.empty()) {
                std::fprintf(stderr, "maintenance_mcu_eval: cannot read %s/%s\n", dir.c_str(), r.file.c_str());
                return 1;
            }
            for (auto& w : sweeps) {
                auto c = config_of(r);
                c.envelope_rate_hz = w.rate_hz;
                const auto got = w.run(c, x);
                if (got == want_of(r)) ++w.right;
                else w.wrong += " " + r.file.substr(0, r.file.find("_DE12")) + ":" + np::name(got);
            }
        }
        std::printf("CWRU, %zu files, one axis, float frames: bands, EnvN, envelope rate / bin / Nyquist at 12 kHz, right\n",
                    rows.size());
        for (const auto& w : sweeps) {
            const double rate = 12000.0 / std::round(12000.0 / w.rate_hz);
            std::printf("  <%zu, %4zu> %6.0f Hz %5.2f Hz %4.0f Hz  %2d / %zu  wrong:%s\n", w.bands, w.env_n, rate,
                        rate / static_cast<double>(w.env_n), rate / 2, w.right, rows.size(), w.wrong.c_str());
        }
        return 0;
    }
    enum { one_fw, one1024, one512, noise512, paths512, noise384, paths384, one384, noise256, paths256, one256, columns };
    const char* names[columns] = {"1ax-fw",        "1ax-1024f",     "1ax-512",       "3ax-512 noise",
                                  "3ax-512 paths", "3ax-384 noise", "3ax-384 paths", "1ax-384",
                                  "3ax-256 noise", "3ax-256 paths", "1ax-256"};
    const auto one = [](int k) { return k == one_fw || k == one1024 || k == one512 || k == one384 || k == one256; };
    int right[columns] = {}, axis_right[columns] = {};
    for (std::size_t n = 0; n < rows.size(); ++n) {
        const auto& r = rows[n];
        if (!load(dir + "/" + r.file, x) || x.empty()) {
            std::fprintf(stderr, "maintenance_mcu_eval: cannot read %s/%s\n", dir.c_str(), r.file.c_str());
            return 1;
        }
        const np::bearing_diagnosis want = want_of(r);
        const np::bearing_monitor_config c = config_of(r);
        np::bearing_monitor_config c750 = c;
        c750.envelope_rate_hz = 750.0;
        double ms = 0;
        for (const float v : x) ms += static_cast<double>(v) * v;
        const double rms = std::sqrt(ms / static_cast<double>(x.size()));
        std::mt19937_64 rng(n);
        std::normal_distribution<double> gauss;
        const std::size_t on = n % 3;
        np::bearing_diagnosis got[columns];
        std::uint8_t deciding[columns] = {};
        got[one_fw] = one_axis<axis_fw>(c, x);
        got[one1024] = one_axis<axis1024>(c, x);
        got[one512] = one_axis<axis512>(c, x);
        got[one384] = one_axis<axis384>(c750, x);
        got[one256] = one_axis<axis256>(c750, x);
        for (int cond = 0; cond < 2; ++cond) {   // 0: noise, 1: paths
            xyz.assign(3 * x.size(), 0.0f);
            for (std::size_t k = 0; k < x.size(); ++k) {
                std::size_t other = 0;
                for (std::size_t a = 0; a < 3; ++a) {
                    float v = x[k];
                    if (a != on) {
                        const double g = gauss(rng);
                        v = cond == 0 ? static_cast<float>(g * rms)
                                      : static_cast<float>((other == 0 ? 0.3 * x[k] : 0.0) + 0.5 * rms * g);
                        ++other;
                    }
                    xyz[3 * k + a] = v;
                }
            }
            const auto s512 = three_axes<axis512>(c, xyz), s256 = three_axes<axis256>(c750, xyz);
            const auto s384 = three_axes<axis384>(c750, xyz);
            const int i512 = cond == 0 ? noise512 : paths512, i256 = cond == 0 ? noise256 : paths256;
            const int i384 = cond == 0 ? noise384 : paths384;
            got[i512] = s512.fused.verdict.diagnosis;
            deciding[i512] = s512.deciding_axis;
            got[i384] = s384.fused.verdict.diagnosis;
            deciding[i384] = s384.deciding_axis;
            got[i256] = s256.fused.verdict.diagnosis;
            deciding[i256] = s256.deciding_axis;
        }
        if (verbose) std::printf("%-24s %-10s", r.file.c_str(), np::name(want));
        for (int k = 0; k < columns; ++k) {
            right[k] += got[k] == want;
            const bool three = !one(k);
            axis_right[k] += three && deciding[k] == on;
            if (verbose) std::printf(" %-11s%s", np::name(got[k]), three && deciding[k] != on ? "*" : " ");
        }
        if (verbose) std::printf("\n");
    }
    std::printf("CWRU, %zu files: right (deciding axis the real one)\n", rows.size());
    for (int k = 0; k < columns; ++k) {
        if (!one(k))
            std::printf("  %-14s %2d / %zu  (%d / %zu)\n", names[k], right[k], rows.size(), axis_right[k], rows.size());
        else
            std::printf("  %-14s %2d / %zu\n", names[k], right[k], rows.size());
    }
    return 0;
}
