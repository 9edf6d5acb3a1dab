// examples/cli/cmd_demo.cpp — `nerve demo`: the reference pipelines on built-in synthetic data
// (and on the real data sets when NERVE_DATA_DIR / ../shared/data is there), with what each
// found and one PNG plot per pipeline (tools/plot_demo.py, needs python3-matplotlib).
//
//   nerve demo [--out DIR] [--no-data] [--no-plots] [--only maintenance|metering|patient]
//
// Parts register through demo.hpp (add_demo_part); this file holds the runner and the
// maintenance and metering parts; the patient part registers from its own file.
#include "cli.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

#include "demo.hpp"
#include "pipeline_output.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"
#include "nerve/pipelines/meter_monitor.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"

namespace nerve::cli {

namespace {
namespace cmd_demo {  // named for the unity build (CMakeLists.txt)

struct demo_entry {
    int order;
    const char* name;
    const char* description;
    demo_part run;
};

std::vector<demo_entry>& demo_registry() {
    static std::vector<demo_entry> r;
    return r;
}

bool file_exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

/// tools/plot_demo.py: next to the working directory (project root), or beside the binary's tree.
std::string find_plot_script() {
    const char* env = std::getenv("NERVE_PLOT_SCRIPT");
    if (env && *env && file_exists(env)) return env;
    for (const char* p : {"tools/plot_demo.py", "../tools/plot_demo.py", "../../tools/plot_demo.py",
                          "../../../tools/plot_demo.py"}) {
        if (file_exists(p)) return p;
    }
    char exe[4096];
    const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        std::string dir(exe);
        for (int up = 0; up < 5; ++up) {
            const auto slash = dir.rfind('/');
            if (slash == std::string::npos) break;
            dir.resize(slash);
            if (file_exists(dir + "/tools/plot_demo.py")) return dir + "/tools/plot_demo.py";
        }
    }
    return {};
}

struct plot_state {
    bool enabled = true;
    bool warned = false;
    std::string script;
    std::string python = "/usr/bin/python3";
};
plot_state& plotting() {
    static plot_state s;
    return s;
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

}  // namespace cmd_demo
using namespace cmd_demo;
}  // namespace

bool add_demo_part(int order, const char* name, const char* description, demo_part run) {
    demo_registry().push_back({order, name, description, run});
    return true;
}

bool demo_context::plot(const std::string& kind, const std::string& csv, const std::string& png,
                        const std::string& title) const {
    auto& ps = plotting();
    if (!ps.enabled) return false;
    auto skip = [&](const std::string& why) {
        if (!ps.warned) fmt::print("  (plots skipped: {})\n", why);
        ps.warned = true;
        ps.enabled = false;
        return false;
    };
    if (ps.script.empty()) return skip("tools/plot_demo.py not found; set NERVE_PLOT_SCRIPT");
    if (!file_exists(ps.python)) ps.python = "python3";
    const std::string cmd = shell_quote(ps.python) + " " + shell_quote(ps.script) + " " + shell_quote(kind) + " " +
                            shell_quote(csv) + " " + shell_quote(png) + " " + shell_quote(title) + " 2>/dev/null";
    const int rc = std::system(cmd.c_str());
    if (rc != 0) {
        if (WIFEXITED(rc) && WEXITSTATUS(rc) == 3) return skip("matplotlib is missing (Debian: python3-matplotlib)");
        return skip(fmt::format("{} failed (exit {})", ps.script, WIFEXITED(rc) ? WEXITSTATUS(rc) : -1));
    }
    fmt::print("  plot: {}\n", png);
    return true;
}

}  // namespace nerve::cli

namespace {
namespace cmd_demo {  // named for the unity build (CMakeLists.txt)

namespace np = nerve::pipelines;
using nerve::cli::demo_context;

// ------------------------------------------------------------------------------------------------
// Maintenance: a bearing with a seeded outer-race fault.
// ------------------------------------------------------------------------------------------------

/// 40 s of drive-end vibration at 25.6 kHz, shaft 25 Hz, SKF 6205: shaft lines and broadband
/// noise; from 16 s an outer-race defect whose impacts (BPFO = 3.585 x shaft, 0.5 % slip jitter)
/// ring a 3.2 kHz structural resonance, growing in strength. Deterministic (fixed seed; another
/// seed gives another axis's noise).
std::vector<float> synthetic_bearing(double fs, double shaft_hz, double fault_at_s, double seconds,
                                     std::uint32_t seed = 20261130u) {
    const auto f = nerve::spectral::defect_frequencies_of(np::bearings::skf6205, nerve::hertz{shaft_hz});
    const std::size_t n = static_cast<std::size_t>(fs * seconds);
    std::vector<float> x(n);
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.05);
    std::normal_distribution<double> jitter(0.0, 0.005);
    const double two_pi = 6.283185307179586;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = static_cast<double>(i) / fs;
        x[i] = static_cast<float>(0.08 * std::sin(two_pi * shaft_hz * t) + 0.03 * std::sin(two_pi * 2 * shaft_hz * t + 0.4) +
                                  noise(rng));
    }
    const double tau = 0.0006, fres = 3200.0;
    for (double t = fault_at_s; t < seconds;) {
        const double growth = std::min(1.0, 0.25 + 0.75 * (t - fault_at_s) / (seconds - fault_at_s));
        const double a = 0.6 * growth;
        const std::size_t i0 = static_cast<std::size_t>(t * fs);
        for (std::size_t k = 0; k < static_cast<std::size_t>(8 * tau * fs) && i0 + k < n; ++k) {
            const double dt = static_cast<double>(k) / fs;
            x[i0 + k] += static_cast<float>(a * std::exp(-dt / tau) * std::sin(two_pi * fres * dt));
        }
        t += (1.0 / f.bpfo) * (1.0 + jitter(rng));
    }
    return x;
}

using monitor = np::bearing_monitor<4, 1024, 256>;

int demo_maintenance(const demo_context& ctx) {
    constexpr double fs = 25600.0, shaft = 25.0, fault_at = 16.0, seconds = 40.0;
    const auto x = synthetic_bearing(fs, shaft, fault_at, seconds);
    np::bearing_monitor_config cfg;
    cfg.fs_hz = fs;
    cfg.shaft_hz = shaft;
    cfg.geometry = np::bearings::skf6205;
    auto m = std::make_unique<monitor>(cfg);
    const std::string csv = ctx.out_dir + "/maintenance.csv";
    std::ofstream out(csv);
    out << "t_s,rms,kurtosis,outer_evidence,inner_evidence,ball_evidence,health_index,anomaly_score,fault_flag\n";
    double first_fault_t = -1;
    std::size_t frames = 0, flagged_before = 0;
    m->process(x, [&](const monitor::output_type& f) {
        const double t = static_cast<double>(f.end_sample) / fs;
        const bool fault = f.verdict.diagnosis != np::bearing_diagnosis::normal;
        if (fault && first_fault_t < 0 && t > fault_at) first_fault_t = t;
        if (fault && t <= fault_at) ++flagged_before;
        ++frames;
        out << fmt::format("{:.3f},{:.5g},{:.4g},{:.3f},{:.3f},{:.3f},{:.3f},{:.3f},{}\n", t, f.rms, f.kurtosis,
                           f.evidence.outer, f.evidence.inner, f.evidence.ball, f.verdict.health_index, f.anomaly_score,
                           fault ? 1 : 0);
    });
    out.close();
    const auto s = m->summary();
    const auto fr = nerve::spectral::defect_frequencies_of(cfg.geometry, nerve::hertz{shaft});
    fmt::print("  synthetic: 40 s at 25.6 kHz, shaft 25 Hz, SKF 6205 (BPFO {:.1f} Hz), outer-race fault seeded at {:.0f} s\n",
               fr.bpfo, fault_at);
    fmt::print("  {} frames; healthy part flagged in {} frame(s); fault first reported at {:.1f} s\n", frames,
               flagged_before, first_fault_t);
    fmt::print("  whole run: diagnosis {} (rule {}, severity {}), evidence outer {:.2f} / inner {:.2f} / ball {:.2f} "
               "decades above floor, kurtosis {:.2f}\n",
               np::name(s.verdict.diagnosis), np::name(s.verdict.rule), s.verdict.severity, s.evidence.outer,
               s.evidence.inner, s.evidence.ball, s.kurtosis);
    fmt::print("  vibration severity (samples read as g): {:.2f} mm/s RMS over 10-1000 Hz, zone {} of ISO 10816-3 "
               "group 2 on a rigid foundation (largest frame {:.2f} mm/s)\n",
               s.velocity.velocity_rms, nerve::stats::name(s.velocity.zone), s.max_velocity_rms);
    ctx.plot("generic", csv, ctx.out_dir + "/maintenance.png",
             "nerve demo: bearing monitor, outer-race fault seeded at 16 s (red: frames diagnosed faulty)");

    // The same bearing on a triaxial sensor whose axis 1 alone sees the impacts (the other two:
    // the machine's lines and noise of their own).
    {
        using triaxial = np::multi_axis_bearing_monitor<3, monitor>;
        const auto quiet0 = synthetic_bearing(fs, shaft, seconds, seconds, 7u);
        const auto quiet2 = synthetic_bearing(fs, shaft, seconds, seconds, 11u);
        std::vector<float> xyz(3 * x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            xyz[3 * i] = quiet0[i];
            xyz[3 * i + 1] = x[i];
            xyz[3 * i + 2] = quiet2[i];
        }
        auto t3 = std::make_unique<triaxial>(cfg);
        t3->process_interleaved(xyz, [](const triaxial::output_type&) {});
        const auto s3 = t3->summary();
        fmt::print("  triaxial sensor, the impacts on axis 1 only: diagnosis {} read on axis {}; each axis alone: {} / {} / {}\n",
                   np::name(s3.fused.verdict.diagnosis), s3.deciding_axis, np::name(s3.axis[0].verdict.diagnosis),
                   np::name(s3.axis[1].verdict.diagnosis), np::name(s3.axis[2].verdict.diagnosis));
    }

    if (!ctx.use_data || ctx.data_dir.empty()) return 0;
    const std::string dir = ctx.data_dir + "/cwru";
    std::ifstream man(dir + "/manifest.csv");
    if (!man) {
        fmt::print("  CWRU: no {}/manifest.csv, skipped\n", dir);
        return 0;
    }
    std::string line;
    std::getline(man, line);
    int right = 0, total = 0;
    std::string wrong;
    while (std::getline(man, line)) {
        std::stringstream ss(line);
        std::string c[8];
        for (auto& cell : c) std::getline(ss, cell, ',');
        if (c[0].empty()) continue;
        auto samples = nerve::cli::read_samples(dir + "/" + c[0], "f32");
        if (!samples) continue;
        np::bearing_monitor_config rc;
        rc.fs_hz = std::atof(c[5].c_str());
        rc.shaft_hz = std::atof(c[4].c_str()) / 60.0;
        rc.geometry = np::bearings::skf6205;
        *m = monitor{rc};
        m->process(samples.value, [](const monitor::output_type&) {});
        const auto r = m->summary();
        const std::string want = c[1] == "inner" ? "inner_race" : c[1] == "outer" ? "outer_race" : c[1];
        const bool ok = want == np::name(r.verdict.diagnosis);
        right += ok;
        ++total;
        if (!ok) wrong += fmt::format(" {}->{}", c[0].substr(0, c[0].size() - 4), np::name(r.verdict.diagnosis));
    }
    fmt::print("  CWRU ({} recordings, 6205 geometry and nominal speed, thresholds fixed): {}/{} diagnosed right{}{}\n",
               total, right, total, wrong.empty() ? "" : "; wrong:", wrong);
    return 0;
}

const bool maintenance_registered = nerve::cli::add_demo_part(
    10, "maintenance", "bearing monitor: synthetic outer-race fault, then the CWRU recordings", &demo_maintenance);

// ------------------------------------------------------------------------------------------------
// Metering: a household load with an injected theft pattern.
// ------------------------------------------------------------------------------------------------

constexpr std::size_t meter_day = 24;  // hourly readings

/// 12 weeks of hourly household consumption (kWh per hour): base load, morning and evening
/// peaks, busier weekends, multiplicative noise and random appliance bursts. Injected: a 6-hour
/// gap (day 24), a stuck register (10 hours, day 31), a spike (day 38), and from day 63 on a
/// meter bypass during the evening (17-24 h: 60 % of the consumption no longer recorded).
struct household {
    std::vector<double> readings;
    std::size_t theft_from = 63 * meter_day + 17;  // the first bypassed reading
};

household synthetic_household() {
    household h;
    const std::size_t days = 84;
    std::mt19937 rng(7u);
    std::lognormal_distribution<double> noise(0.0, 0.12);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (std::size_t d = 0; d < days; ++d) {
        const bool weekend = d % 7 == 5 || d % 7 == 6;
        for (std::size_t hr = 0; hr < meter_day; ++hr) {
            double kw = 0.25;
            if (hr >= 6 && hr <= 8) kw += weekend ? 0.2 : 0.7;
            if (hr >= 9 && hr <= 16) kw += weekend ? 0.6 : 0.15;
            if (hr >= 17 && hr <= 22) kw += 1.2 + (weekend ? 0.3 : 0.0);
            kw *= noise(rng);
            if (u(rng) < 0.03) kw += 1.5 * u(rng);  // kettle, oven, washing machine
            const std::size_t t = d * meter_day + hr;
            if (t >= h.theft_from && hr >= 17) kw *= 0.4;
            h.readings.push_back(kw);
        }
    }
    for (std::size_t t = 24 * meter_day + 10; t < 24 * meter_day + 16; ++t) h.readings[t] = std::nan("");
    const double stuck = h.readings[31 * meter_day + 8];
    for (std::size_t t = 31 * meter_day + 8; t < 31 * meter_day + 18; ++t) h.readings[t] = stuck;
    h.readings[38 * meter_day + 3] = 25.0;
    return h;
}

using meter = np::meter_monitor<2048>;

int demo_metering(const demo_context& ctx) {
    const auto h = synthetic_household();
    np::meter_monitor_config cfg;
    cfg.day = meter_day;
    auto m = std::make_unique<meter>(cfg);
    const std::string csv = ctx.out_dir + "/metering.csv";
    std::ofstream out(csv);
    out << "t_days,reading,forecast,z,daily_shortfall,anomaly_flag,drift_flag\n";
    std::int64_t first_drift_down = -1, false_drifts = 0, anomalies_before = 0, anomalies_after = 0;
    double shortfall = 0, shortfall_before = 0, shortfall_after = 0;
    int days_before = 0, days_after = 0;
    std::int64_t first_short_day = -1;
    for (double y : h.readings) {
        m->push(
            y,
            [&](const np::meter_reading& r) {
                const bool drift = (r.flags & (np::meter_drift_down | np::meter_drift_up)) != 0;
                if (r.flags & np::meter_drift_down && r.index >= h.theft_from && first_drift_down < 0)
                    first_drift_down = static_cast<std::int64_t>(r.index);
                if (drift && r.index < h.theft_from) ++false_drifts;
                if (r.anomaly()) (r.index < h.theft_from ? anomalies_before : anomalies_after) += 1;
                out << fmt::format("{:.4f},{},{:.4f},{:.3f},{:.3f},{},{}\n", static_cast<double>(r.index) / meter_day,
                                   std::isfinite(r.value) ? fmt::format("{:.4f}", r.value) : std::string(),
                                   r.forecast, r.z, shortfall, r.anomaly() ? 1 : 0, drift ? 1 : 0);
            },
            [&](const np::daily_profile& d) {
                shortfall = d.shortfall;
                if (d.day >= 14) {
                    if ((d.day + 1) * meter_day <= h.theft_from) { shortfall_before += d.shortfall; ++days_before; }
                    else if (d.day * meter_day >= h.theft_from) { shortfall_after += d.shortfall; ++days_after; }
                }
                if (d.day * meter_day >= h.theft_from && d.shortfall > 0.2 && first_short_day < 0)
                    first_short_day = static_cast<std::int64_t>(d.day);
            });
    }
    out.close();
    const auto& t = m->totals();
    fmt::print("  synthetic: 12 weeks of hourly household load; injected a 6 h gap, a 10 h stuck register, a spike,\n"
               "  and from day 63 an evening meter bypass (60 % of 17-24 h consumption unrecorded)\n");
    fmt::print("  flagged: {} gap, {} stuck, {} spike readings; {} anomalous readings before the theft, {} after\n",
               t.gaps, t.stuck, t.spikes, anomalies_before, anomalies_after);
    if (first_drift_down >= 0) {
        fmt::print("  theft: consumption-baseline drift (down) detected {} h after the bypass began; {} drift alarm(s) "
                   "before it\n",
                   first_drift_down - static_cast<std::int64_t>(h.theft_from), false_drifts);
    } else {
        fmt::print("  theft: NOT detected as a baseline drift; {} drift alarm(s) before it\n", false_drifts);
    }
    fmt::print("  daily energy against the previous 28 days: {:+.1f} % on average before the bypass, {:+.1f} % in the\n"
               "  three weeks after (first day more than 20 % short: day {})\n",
               days_before ? -100.0 * shortfall_before / days_before : 0.0,
               days_after ? -100.0 * shortfall_after / days_after : 0.0, first_short_day);
    ctx.plot("metering", csv, ctx.out_dir + "/metering.png",
             "nerve demo: household meter, evening bypass from day 63 (red: anomalous readings)");

    if (!ctx.use_data || ctx.data_dir.empty()) return 0;
    const std::string ett = ctx.data_dir + "/ett/ETTh2.csv";
    auto col = nerve::cli::read_csv_column(ett, "OT");
    if (!col) {
        fmt::print("  ETTh2: {}, skipped\n", col.error);
        return 0;
    }
    // The scored forecast: OT, horizon 24, MAE after a four-week warm-up against the naive baselines.
    const auto& y = col.value.values;
    constexpr std::size_t H = 24, warm = 24 * 28;
    np::seasonal_forecaster_config fc;
    fc.day = 24;
    fc.horizon = H;
    auto f = std::make_unique<np::seasonal_forecaster<2048>>(fc);
    std::vector<double> pred(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) pred[i] = f->update(y[i]);
    double e_model = 0, e_pers = 0, e_week = 0;
    std::size_t n = 0;
    for (std::size_t i = warm; i + H < y.size(); ++i, ++n) {
        e_model += std::fabs(pred[i] - y[i + H]);
        e_pers += std::fabs(y[i] - y[i + H]);
        e_week += std::fabs(y[i + H - 168] - y[i + H]);
    }
    const double best = std::min(e_pers, e_week);
    fmt::print("  ETTh2 oil temperature, 24 h ahead: MAE {:.3f} vs {:.3f} (best naive: seasonal daily = persistence), "
               "ratio {:.3f}\n",
               e_model / n, best / n, e_model / best);
    auto load = nerve::cli::read_csv_column(ett, "HUFL");
    if (load) {
        *m = meter{cfg};
        std::size_t days = 0;
        double lf = 0;
        for (double v : load.value.values)
            m->push(v, [](const np::meter_reading&) {}, [&](const np::daily_profile& d) { lf += d.load_factor; ++days; });
        const auto& tt = m->totals();
        fmt::print("  ETTh2 HUFL load as a meter: {} days, {} anomalous readings ({:.2f} %), {} baseline drifts "
                   "(up {}, down {}), {} readings flagged stuck (repeated values)\n",
                   days, tt.anomalies, 100.0 * static_cast<double>(tt.anomalies) / static_cast<double>(tt.readings),
                   tt.drifts_up + tt.drifts_down, tt.drifts_up, tt.drifts_down, tt.stuck);
    }
    return 0;
}

const bool metering_registered = nerve::cli::add_demo_part(
    20, "metering", "energy meter: synthetic household with a theft pattern, then ETTh2", &demo_metering);

// ------------------------------------------------------------------------------------------------
// The runner.
// ------------------------------------------------------------------------------------------------

struct options {
    std::string out = "demo_out";
    bool no_data = false;
    bool no_plots = false;
    std::string only;
};

int run(const options& o) {
    ::mkdir(o.out.c_str(), 0755);
    struct stat st {};
    if (::stat(o.out.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return nerve::cli::fail("cannot create the output folder '{}'", o.out);
    }
    demo_context ctx;
    ctx.out_dir = o.out;
    ctx.data_dir = nerve::cli::data_dir();
    ctx.use_data = !o.no_data;
    auto& ps = nerve::cli::plotting();
    ps.enabled = !o.no_plots;
    ps.script = nerve::cli::find_plot_script();
    auto parts = nerve::cli::demo_registry();
    std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
    fmt::print("nerve demo: reference pipelines on synthetic data{}; output in {}/\n",
               ctx.use_data && !ctx.data_dir.empty() ? fmt::format(" and on the real data in {}", ctx.data_dir)
                                                    : std::string(" (no real data: set NERVE_DATA_DIR)"),
               o.out);
    int rc = 0, ran = 0;
    for (const auto& p : parts) {
        if (!o.only.empty() && o.only != p.name) continue;
        fmt::print("\n[{}] {}\n", p.name, p.description);
        const int r = p.run(ctx);
        if (r != 0) {
            fmt::print("  [{}] failed (exit {})\n", p.name, r);
            rc = r;
        }
        ++ran;
    }
    if (ran == 0) return nerve::cli::fail("no demo part named '{}'", o.only);
    return rc;
}

const bool registered = nerve::cli::add_command(
    "demo", "Run the reference pipelines on built-in synthetic data (and real data when present), with plots",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--out", o->out, "folder for the CSV and PNG files (default demo_out)");
        app.add_flag("--no-data", o->no_data, "skip the real data sets even when present");
        app.add_flag("--no-plots", o->no_plots, "do not call tools/plot_demo.py");
        app.add_option("--only", o->only, "run one part (maintenance, motor, metering, patient)");
        return [o] { return run(*o); };
    });

}  // namespace cmd_demo
}  // namespace
