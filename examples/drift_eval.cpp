// examples/drift_eval.cpp — nerve_drift_eval: the drift detectors on synthetic streams with
// known change points, scored the way River's drift.evaluate defines its metrics, plus
// TCPDBench's F1 (5-sample margin) and covering on the change points the detectors estimate.
//
//   build/<dir>/examples/nerve_drift_eval [--seeds N] [--markdown]
//
// Scenarios (each: N seeds x 10000 samples, a change every 2000 samples, 4 changes per series;
// noise is Gaussian with sigma 1 unless said otherwise):
//   mean_0.5 / mean_1 / mean_2 / mean_3   abrupt mean shifts of 0.5, 1, 2, 3 sigma, up and down
//   mean_2_noise3    abrupt mean shifts of 2 with noise sigma 3 (a 0.67-sigma shift)
//   gradual_2        mean shifts of 2 sigma ramped linearly over 500 samples
//   variance_3       noise sigma switching 1 <-> 3, mean constant
//   trend_level      a slow trend (0.0005 per sample) plus level shifts of 2 sigma
//   seasonal_level   a sine of amplitude 2 and period 100 plus level shifts of 2 sigma
//   none             no change at all (every alarm is false)
//   sea_errors       error stream (0/1) of a fixed classifier on a SEA concept stream whose
//                    threshold moves 8 -> 9.5 -> 8 -> 6.5 -> 8, with 10 % label noise: the
//                    error rate goes 0.10 -> 0.20 -> 0.10 -> 0.19 -> 0.10 (two rises, two falls;
//                    one-sided detectors such as DDM only see the rises)
// Real-valued scenarios run adwin, page_hinkley, kswin, cusum, ewma_chart; the error stream runs
// those and ddm, eddm, hddm_a, hddm_w, fhddm (fed 1 - error: it watches a drop in correct
// predictions).
//
// Metrics per detector and scenario (River's drift.evaluate, delta_max = 500, on the sample where
// each alarm fired): detection delay (mean over caught changes), false alarms per 100k samples,
// missed changes (of all changes over all seeds), MTFA (mean gap between consecutive false
// alarms) and MTR = MTFA / MTD x (1 - missed rate). From the change points the detectors report
// (change_point(), TCPDBench style, margin 5, index 0 counted as a change point on both sides):
// F1 and covering, averaged over series.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "nerve/drift/adwin.hpp"
#include "nerve/drift/cusum.hpp"
#include "nerve/drift/ddm.hpp"
#include "nerve/drift/eddm.hpp"
#include "nerve/drift/ewma_chart.hpp"
#include "nerve/drift/fhddm.hpp"
#include "nerve/drift/hddm_a.hpp"
#include "nerve/drift/hddm_w.hpp"
#include "nerve/drift/kswin.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace {

namespace nd = nerve::drift;
constexpr std::size_t series_len = 10000;
constexpr std::size_t segment = 2000;
constexpr long delta_max = 500;
constexpr long margin = 5;

struct series {
    std::vector<float> x;
    std::vector<long> changes;  // true change points (first sample of each new segment)
};

series make(const std::string& kind, unsigned seed) {
    std::mt19937_64 rng(seed * 7919u + 17u);
    std::normal_distribution<double> n01(0.0, 1.0);
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    series s;
    s.x.resize(series_len);
    for (std::size_t c = segment; c < series_len; c += segment) s.changes.push_back(static_cast<long>(c));
    const double pi = 3.14159265358979323846;
    if (kind == "sea_errors") {
        const double theta[] = {8.0, 9.5, 8.0, 6.5, 8.0};
        for (std::size_t i = 0; i < series_len; ++i) {
            const double x1 = 10 * u01(rng), x2 = 10 * u01(rng);
            (void)u01(rng);  // SEA's third attribute is irrelevant
            bool label = x1 + x2 <= theta[i / segment];
            if (u01(rng) < 0.1) label = !label;
            const bool pred = x1 + x2 <= 8.0;  // the model learnt the first concept
            s.x[i] = pred != label ? 1.0f : 0.0f;
        }
        return s;
    }
    if (kind == "none") s.changes.clear();
    double shift = 2, noise = 1;
    if (kind == "mean_0.5") shift = 0.5;
    if (kind == "mean_1") shift = 1;
    if (kind == "mean_3") shift = 3;
    if (kind == "mean_2_noise3") noise = 3;
    for (std::size_t i = 0; i < series_len; ++i) {
        const std::size_t seg = i / segment;
        const double pos = static_cast<double>(i % segment);
        double level = (seg % 2) ? shift : 0.0;  // up, down, up, down
        double sigma = noise;
        if (kind == "gradual_2" && seg > 0 && pos < 500) {
            const double prev = ((seg - 1) % 2) ? shift : 0.0;
            level = prev + (level - prev) * (pos / 500.0);
        }
        if (kind == "variance_3") {
            level = 0;
            sigma = (seg % 2) ? 3.0 : 1.0;
        }
        if (kind == "none") level = 0;
        double v = level + sigma * n01(rng);
        if (kind == "trend_level") v += 0.0005 * static_cast<double>(i);
        if (kind == "seasonal_level") v += 2.0 * std::sin(2 * pi * static_cast<double>(i) / 100.0);
        s.x[i] = static_cast<float>(v);
    }
    return s;
}

struct outcome {
    std::vector<long> alarms;  // sample index where a drift fired
    std::vector<long> cps;     // the change point each drift reported
};

template <class D>
outcome run(D d, const series& s, bool invert = false) {
    outcome o;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
        const float v = invert ? 1.0f - s.x[i] : s.x[i];
        if (d.update(v) == nd::drift_signal::drift) {
            o.alarms.push_back(static_cast<long>(i));
            o.cps.push_back(static_cast<long>(d.change_point()));
        }
    }
    return o;
}

// River's drift.evaluate.match: each alarm goes to the earliest window [c, c + delta_max] it
// falls in, else it is a false alarm.
struct matching {
    std::vector<std::vector<long>> hits;  // per true change
    std::vector<long> false_alarms;
};
matching match(const std::vector<long>& alarms, const std::vector<long>& changes) {
    matching m;
    m.hits.resize(changes.size());
    for (long a : alarms) {
        bool hit = false;
        for (std::size_t i = 0; i < changes.size(); ++i) {
            if (changes[i] <= a && a <= changes[i] + delta_max) {
                m.hits[i].push_back(a);
                hit = true;
                break;
            }
        }
        if (!hit) m.false_alarms.push_back(a);
    }
    return m;
}

// TCPDBench's F1: true positives are annotated change points with a prediction within the
// margin (each prediction used once); 0 belongs to both sets.
double tcpd_f1(std::vector<long> pred, std::vector<long> truth) {
    pred.insert(pred.begin(), 0);
    truth.insert(truth.begin(), 0);
    std::sort(pred.begin(), pred.end());
    pred.erase(std::unique(pred.begin(), pred.end()), pred.end());
    std::vector<bool> used(pred.size(), false);
    std::size_t tp = 0;
    for (long t : truth) {
        for (std::size_t j = 0; j < pred.size(); ++j) {
            if (!used[j] && std::labs(pred[j] - t) <= margin) {
                used[j] = true;
                ++tp;
                break;
            }
        }
    }
    const double p = static_cast<double>(tp) / static_cast<double>(pred.size());
    const double r = static_cast<double>(tp) / static_cast<double>(truth.size());
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

// TCPDBench's covering: sum over true segments A of |A| max_{A'} Jaccard(A, A'), over n.
double tcpd_covering(std::vector<long> pred, std::vector<long> truth, long n) {
    auto parts = [n](std::vector<long> cp) {
        cp.push_back(0);
        cp.push_back(n);
        std::sort(cp.begin(), cp.end());
        cp.erase(std::unique(cp.begin(), cp.end()), cp.end());
        std::vector<std::pair<long, long>> p;
        for (std::size_t i = 0; i + 1 < cp.size(); ++i) p.push_back({cp[i], cp[i + 1]});
        return p;
    };
    const auto g = parts(truth), s = parts(pred);
    double c = 0;
    for (const auto& a : g) {
        double best = 0;
        for (const auto& b : s) {
            const double inter = std::max(0L, std::min(a.second, b.second) - std::max(a.first, b.first));
            const double uni = static_cast<double>(std::max(a.second, b.second) - std::min(a.first, b.first));
            best = std::max(best, inter / uni);
        }
        c += static_cast<double>(a.second - a.first) * best;
    }
    return c / static_cast<double>(n);
}

struct row {
    std::string detector;
    double delay_sum = 0;
    long caught = 0, changes = 0, false_alarms = 0, samples = 0;
    double mtfa_gap_sum = 0;
    long mtfa_gaps = 0;
    double f1_sum = 0, cover_sum = 0;
    long series = 0;
};

void score(row& r, const outcome& o, const series& s) {
    const auto m = match(o.alarms, s.changes);
    for (std::size_t i = 0; i < s.changes.size(); ++i) {
        ++r.changes;
        if (!m.hits[i].empty()) {
            ++r.caught;
            r.delay_sum += static_cast<double>(*std::min_element(m.hits[i].begin(), m.hits[i].end()) - s.changes[i]);
        }
    }
    r.false_alarms += static_cast<long>(m.false_alarms.size());
    for (std::size_t i = 1; i < m.false_alarms.size(); ++i) {
        r.mtfa_gap_sum += static_cast<double>(m.false_alarms[i] - m.false_alarms[i - 1]);
        ++r.mtfa_gaps;
    }
    r.samples += static_cast<long>(s.x.size());
    r.f1_sum += tcpd_f1(o.cps, s.changes);
    r.cover_sum += tcpd_covering(o.cps, s.changes, static_cast<long>(s.x.size()));
    ++r.series;
}

void print(const std::string& scenario, const std::vector<row>& rows, bool md) {
    if (md) {
        std::printf("\n**%s**\n\n| detector | delay | false alarms /100k | missed | MTFA | MTR | F1 (cp, 5) | covering |\n"
                    "|---|---:|---:|---:|---:|---:|---:|---:|\n", scenario.c_str());
    } else {
        std::printf("\n== %s\n%-14s %8s %10s %9s %9s %8s %7s %8s\n", scenario.c_str(), "detector", "delay",
                    "FA/100k", "missed", "MTFA", "MTR", "F1", "cover");
    }
    for (const auto& r : rows) {
        const double mtd = r.caught ? r.delay_sum / static_cast<double>(r.caught) : NAN;
        const double mtfa = r.mtfa_gaps ? r.mtfa_gap_sum / static_cast<double>(r.mtfa_gaps) : NAN;
        const double fa = 1e5 * static_cast<double>(r.false_alarms) / static_cast<double>(r.samples);
        const double mdr = r.changes ? 1.0 - static_cast<double>(r.caught) / static_cast<double>(r.changes) : NAN;
        const double mtr = (std::isnan(mtfa) || std::isnan(mtd)) ? NAN : (mtd == 0 ? INFINITY : mtfa / mtd * (1 - mdr));
        char missed[32];
        std::snprintf(missed, sizeof missed, "%ld/%ld", r.changes - r.caught, r.changes);
        const double f1 = r.f1_sum / static_cast<double>(r.series), cov = r.cover_sum / static_cast<double>(r.series);
        if (md) {
            std::printf("| %s | %.1f | %.0f | %s | %.0f | %.1f | %.3f | %.3f |\n", r.detector.c_str(), mtd, fa, missed,
                        mtfa, mtr, f1, cov);
        } else {
            std::printf("%-14s %8.1f %10.0f %9s %9.0f %8.1f %7.3f %8.3f\n", r.detector.c_str(), mtd, fa, missed, mtfa,
                        mtr, f1, cov);
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    unsigned seeds = 10;
    bool md = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--seeds") && i + 1 < argc) seeds = static_cast<unsigned>(std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--markdown")) md = true;
        else {
            std::fprintf(stderr, "usage: nerve_drift_eval [--seeds N] [--markdown]\n");
            return 2;
        }
    }
    if (seeds == 0 || seeds > 1000) {
        std::fprintf(stderr, "nerve_drift_eval: --seeds must be 1..1000\n");
        return 2;
    }
    const char* scenarios[] = {"mean_0.5", "mean_1", "mean_2", "mean_3", "mean_2_noise3", "gradual_2",
                               "variance_3", "trend_level", "seasonal_level", "none", "sea_errors"};
    std::printf("nerve drift evaluation: %u seeds x %zu samples per scenario, changes every %zu, "
                "River's metrics with delta_max %ld, TCPDBench F1 margin %ld\n",
                seeds, series_len, segment, delta_max, margin);
    for (const char* sc : scenarios) {
        const bool errors = !std::strcmp(sc, "sea_errors");
        std::vector<row> rows;
        const char* real_dets[] = {"adwin", "adwin_clock1", "page_hinkley", "kswin", "cusum", "ewma_chart"};
        const char* err_dets[] = {"ddm", "eddm", "hddm_a", "hddm_w", "fhddm"};
        for (const char* d : real_dets) rows.push_back(row{d});
        if (errors) for (const char* d : err_dets) rows.push_back(row{d});
        for (unsigned seed = 0; seed < seeds; ++seed) {
            const series s = make(sc, seed);
            std::size_t k = 0;
            nd::adwin_options a1;
            a1.clock = 1;
            score(rows[k++], run(nd::adwin<float>{}, s), s);
            score(rows[k++], run(nd::adwin<float>(a1), s), s);
            score(rows[k++], run(nd::page_hinkley<float>{}, s), s);
            score(rows[k++], run(nd::kswin<float, 100, 30>(nd::kswin_options{}, nd::xorshift_sampler(seed + 1)), s), s);
            score(rows[k++], run(nd::cusum<float>{}, s), s);
            score(rows[k++], run(nd::ewma_chart<float>{}, s), s);
            if (errors) {
                score(rows[k++], run(nd::ddm<float>{}, s), s);
                score(rows[k++], run(nd::eddm<float>{}, s), s);
                score(rows[k++], run(nd::hddm_a<float>{}, s), s);
                score(rows[k++], run(nd::hddm_w<float>{}, s), s);
                score(rows[k++], run(nd::fhddm<float>{}, s, true), s);
            }
        }
        print(sc, rows, md);
    }
    return 0;
}
