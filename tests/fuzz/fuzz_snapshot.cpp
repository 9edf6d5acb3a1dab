// tests/fuzz/fuzz_snapshot.cpp — nerve::restore (include/nerve/core/snapshot.hpp) of hostile
// bytes into operators with state_is_valid(): the reference pipelines (patient_monitor with one
// and two leads, qrs_detector, vf_detector, rr_analysis, news2, bearing_monitor,
// multi_axis_bearing_monitor, seasonal_forecaster, holt_winters_forecaster, meter_monitor) and a
// few stateful building blocks (adwin, kswin, half_space_trees, t_digest, moving_median).
//
// Feeds: byte 0 picks the operator (low 4 bits) and the mode (bits 4-5); the rest is applied
// to the snapshot of a warmed-up operator (taken once):
//   mode 0: patches: records of [offset lo, offset hi, length - 1 (low 3 bits), bytes...], the
//           offset taken modulo the payload size, so any field of a large state can be reached;
//   mode 1: the bytes overwrite the payload from its start;
//   in both the CRC is then recomputed ("valid CRC, hostile payload"), so only the operator's
//   own checks stand between the bytes and its state;
//   mode 2 (and 3): the bytes are the whole snapshot, header and CRC included, as given.
// Asserts (besides ASan/UBSan finding no out-of-bounds access or undefined behaviour in the
// restore or the run after it), as tests/hostile_snapshot.hpp does for one word at a time:
//   - refused: the operator emits on fixed inputs exactly what a fresh one emits (never
//     half-applied);
//   - accepted: after running on fixed inputs its own snapshot restores (a state it accepts),
//     at the latest after the same inputs 8 times more (a transient overflow drains; nothing
//     stays poisoned). A failure prints which visited members hold non-finite values.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "nerve/core/crc32.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/anomaly/half_space_trees.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/drift/kswin.hpp"
#include "nerve/filter/moving_median.hpp"
#include "nerve/pipelines/bearing_monitor.hpp"
#include "nerve/pipelines/holt_winters_forecaster.hpp"
#include "nerve/pipelines/meter_monitor.hpp"
#include "nerve/pipelines/multi_axis_bearing_monitor.hpp"
#include "nerve/pipelines/news2.hpp"
#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/qrs_detector.hpp"
#include "nerve/pipelines/rr_analysis.hpp"
#include "nerve/pipelines/seasonal_forecaster.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"
#include "nerve/pipelines/vf_detector.hpp"
#include "nerve/stats/t_digest.hpp"

namespace np = nerve::pipelines;

namespace {

/// FNV-1a over the values an operator emitted, to compare runs.
struct digest {
    std::uint64_t h = 14695981039346656037ull;
    void add(double x) {
        std::uint64_t u;
        std::memcpy(&u, &x, sizeof u);
        for (int i = 0; i < 8; ++i) h = (h ^ ((u >> (8 * i)) & 0xFFu)) * 1099511628211ull;
    }
};

constexpr double ecg_fs = 360.0;

/// Fixed inputs: phase 0 warms an operator up (taken once), phase 1 runs after each restore.
struct inputs {
    std::vector<float> ecg[2], ecg1[2], vib[2], rr[2];
    std::vector<double> load[2];
    std::vector<np::vital_signs> vitals[2];
    inputs() {
        np::synthetic_ecg g0(nerve::sample_rate{ecg_fs}, 3), g1(nerve::sample_rate{ecg_fs}, 5);
        std::uint32_t s = 12345;
        auto uni = [&] { s = s * 1664525u + 1013904223u; return static_cast<double>(s >> 8) / 16777216.0; };
        for (int p = 0; p < 2; ++p) {
            const std::size_t n = static_cast<std::size_t>((p == 0 ? 10 : 4) * ecg_fs);
            for (std::size_t i = 0; i < n; ++i) {
                ecg[p].push_back(g0.next().mv);
                ecg1[p].push_back(0.7f * g1.next().mv);
            }
            // Bearing-like vibration: a resonance rung by impacts at ~107 Hz, plus noise.
            for (int i = 0; i < (p == 0 ? 8000 : 4200); ++i) {
                const double t = i / 12000.0;
                const double since = std::fmod(t, 1.0 / 107.0);
                vib[p].push_back(static_cast<float>(std::exp(-since * 800.0) * std::sin(2 * 3.14159265 * 3000.0 * t) +
                                                    0.1 * (uni() - 0.5)));
            }
            for (int i = 0; i < 120; ++i) {
                float x = 0.8f + 0.04f * static_cast<float>(uni() - 0.5);
                if (i % 17 == 5) x = 0.5f;
                if (i % 17 == 6) x = 1.1f;
                if (i % 29 == 3) x = 4.0f;
                rr[p].push_back(x);
            }
            for (int i = 0; i < (p == 0 ? 400 : 300); ++i) {
                double y = 10.0 + 3.0 * std::sin(6.283185307179586 * i / 24.0) + 0.3 * (uni() - 0.5);
                if (i % 97 == 50) y = NAN;
                load[p].push_back(y);
            }
            for (int i = 0; i < 12; ++i) {
                np::vital_signs v;
                v.respiration_rate = 14.0f + static_cast<float>((i * 5 + p) % 14);
                v.spo2 = 90.0f + static_cast<float>(i % 9);
                v.on_oxygen = i % 3 == 0;
                v.systolic_bp = 95.0f + 7.0f * static_cast<float>(i % 5);
                v.heart_rate = i % 7 == 0 ? NAN : 60.0f + 9.0f * static_cast<float>(i % 8);
                v.level = i % 5 == 4 ? np::consciousness::voice : np::consciousness::alert;
                v.temperature = 36.0f + 0.4f * static_cast<float>(i % 6);
                vitals[p].push_back(v);
            }
        }
    }
};
const inputs& in() {
    static const inputs x;
    return x;
}

void add_event(digest& h, const np::monitor_event& e) {
    h.add(static_cast<double>(e.kind));
    h.add(static_cast<double>(e.sample));
    h.add(e.value);
}

np::bearing_monitor_config bearing_config() {
    np::bearing_monitor_config c;
    c.fs_hz = 12000.0;
    c.shaft_hz = 29.95;
    c.segments_per_frame = 2;
    c.baseline_frames = 1;
    return c;
}

/// For a failed check: which visited members hold values restore() refuses (non-finite floats),
/// and whether the operator's own state_is_valid() refuses its state.
struct non_finite_leaves {
    int bad = 0;
    template <class T>
    void operator()(T& x) {
        if constexpr (std::is_floating_point_v<T>) bad += !std::isfinite(x);
    }
};
struct explain_members {
    int index = 0;
    std::string path;  // "3." inside the object visited as member 3
    template <class T>
    void operator()(T& x) {
        non_finite_leaves l;
        nerve::detail::state_walker<non_finite_leaves> w{l};
        w.walk(x);
        if (l.bad) {
            std::fprintf(stderr, "  visited member %s%d: %d non-finite values\n", path.c_str(), index, l.bad);
            if constexpr (requires(explain_members& m) { x.visit_state(m); }) {  // which of its members
                explain_members inner{0, path + std::to_string(index) + "."};
                x.visit_state(inner);
            }
        }
        ++index;
    }
};
template <class Op>
void explain(Op& op) {
    explain_members m;
    op.visit_state(m);
    if constexpr (requires { op.state_is_valid(); })
        std::fprintf(stderr, "  state_is_valid(): %d\n", static_cast<int>(op.state_is_valid()));
}

/// One operator under test: its fresh object, warmed-up snapshot and phase-1 digest, kept
/// across inputs (built on first use).
template <class Op, class Make, class Run>
void fuzz_op(Make make, Run run, unsigned mode, const std::uint8_t* d, std::size_t n) {
    struct fixture {
        std::unique_ptr<Op> op;
        std::vector<std::byte> good, bad, again;
        std::uint64_t fresh = 0;
    };
    static fixture f = [&] {
        fixture x;
        auto a = make();
        run(*a, 0);
        x.good.resize(nerve::snapshot_size(*a));
        NERVE_FUZZ_CHECK(nerve::snapshot(*a, std::span<std::byte>(x.good)).ok());
        x.fresh = run(*make(), 1);
        x.op = make();
        x.bad.resize(x.good.size());
        x.again.resize(x.good.size());
        return x;
    }();
    const std::size_t size = f.good.size();
    const std::size_t body = size - nerve::snapshot_trailer_bytes;
    const std::size_t payload = body - nerve::snapshot_header_bytes;
    std::span<const std::byte> snap;
    if (mode >= 2) {
        snap = std::span<const std::byte>(reinterpret_cast<const std::byte*>(d), n);
    } else {
        std::memcpy(f.bad.data(), f.good.data(), size);
        std::byte* p = f.bad.data() + nerve::snapshot_header_bytes;
        if (mode == 0) {
            std::size_t i = 0;
            while (i + 3 <= n && payload > 0) {
                const std::size_t at = (d[i] | (std::size_t{d[i + 1]} << 8)) % payload;
                const std::size_t len = (d[i + 2] & 7u) + 1;
                i += 3;
                for (std::size_t k = 0; k < len && i < n; ++k, ++i) p[(at + k) % payload] = std::byte{d[i]};
            }
        } else {
            std::memcpy(p, d, std::min(n, payload));
        }
        const std::uint32_t crc = nerve::crc32(std::span<const std::byte>(f.bad.data(), body));
        for (int i = 0; i < 4; ++i) f.bad[body + i] = std::byte{static_cast<unsigned char>(crc >> (8 * i))};
        snap = f.bad;
    }
    Op& op = *f.op;
    op.reset();
    const bool accepted = nerve::restore(op, snap).ok();
    const std::uint64_t emitted = run(op, 1);
    if (!accepted) {
        NERVE_FUZZ_CHECK(emitted == f.fresh);
        return;
    }
    auto restores_itself = [&] {
        NERVE_FUZZ_CHECK(nerve::snapshot(op, std::span<std::byte>(f.again)).ok());
        return nerve::restore(op, std::span<const std::byte>(f.again)).ok();
    };
    // An accepted extreme may overflow a running sum for a while (a filter state near FLT_MAX
    // takes a second or more to decay): up to 8 more runs of the fixed inputs, then it must be over.
    bool ok = restores_itself();
    for (int k = 0; k < 8 && !ok; ++k) {
        (void)run(op, 1);
        ok = restores_itself();
    }
    if (!ok) explain(op);
    NERVE_FUZZ_CHECK(ok);
}

template <class Op>
auto on_ecg(const std::vector<float> (&x)[2]) {
    return [&x](Op& m, int phase) {
        digest h;
        m.process(std::span<const float>(x[phase]), [&](const auto& out) {
            if constexpr (requires { out.kind; }) add_event(h, out);
            else if constexpr (requires { out.energy; }) { h.add(static_cast<double>(out.sample)); h.add(out.energy); h.add(out.rr_s); }
            else { h.add(static_cast<double>(out.end_sample)); h.add(out.leakage); h.add(out.vf); }
        });
        return h.h;
    };
}

template <class Op>
auto each_value(const auto& x) {
    return [&x](Op& m, int phase) {
        digest h;
        for (const auto& v : x[phase]) {
            const auto y = m(v);
            if constexpr (requires { y.heart_rate_bpm; }) { h.add(y.heart_rate_bpm); h.add(y.sdnn_ms); h.add(y.rmssd_ms); h.add(y.valid); }
            else if constexpr (requires { y.score; y.delta_previous; }) { h.add(y.score); h.add(y.delta_previous); h.add(y.delta_mean4); }
            else if constexpr (requires { y.score; }) { h.add(y.score); h.add(y.alarm); }
            else if constexpr (std::is_enum_v<decltype(y)>) h.add(static_cast<double>(y));
            else h.add(static_cast<double>(y));
        }
        return h.h;
    };
}

template <class Op>
auto on_bearing() {
    return [](Op& m, int phase) {
        digest h;
        m.process(std::span<const float>(in().vib[phase]), [&](const auto& f) {
            h.add(static_cast<double>(f.index));
            h.add(f.rms);
            h.add(f.kurtosis);
            h.add(f.anomaly_score);
        });
        return h.h;
    };
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const unsigned which = data[0] & 15u, mode = (data[0] >> 4) & 3u;
    const std::uint8_t* d = data + 1;
    const std::size_t n = size - 1;
    const inputs& x = in();
    switch (which) {
        case 0: {
            using op = np::patient_monitor<360>;
            fuzz_op<op>([] { return std::make_unique<op>(nerve::sample_rate{ecg_fs}); }, on_ecg<op>(x.ecg), mode, d, n);
            break;
        }
        case 1: {
            using op = np::patient_monitor<360, 2>;
            static const auto two = [&] {
                std::array<std::vector<std::array<float, 2>>, 2> v;
                for (int p = 0; p < 2; ++p)
                    for (std::size_t i = 0; i < x.ecg[p].size(); ++i) v[p].push_back({x.ecg[p][i], x.ecg1[p][i]});
                return v;
            }();
            fuzz_op<op>([] { return std::make_unique<op>(nerve::sample_rate{ecg_fs}); },
                        [](op& m, int phase) {
                            digest h;
                            m.process(std::span<const std::array<float, 2>>(two[phase]),
                                      [&](const np::monitor_event& e) { add_event(h, e); });
                            return h.h;
                        },
                        mode, d, n);
            break;
        }
        case 2: {
            using op = np::qrs_detector<360>;
            fuzz_op<op>([] { return std::make_unique<op>(nerve::sample_rate{ecg_fs}); }, on_ecg<op>(x.ecg), mode, d, n);
            break;
        }
        case 3: {
            using op = np::vf_detector<360>;
            fuzz_op<op>([] { return std::make_unique<op>(nerve::sample_rate{ecg_fs}); }, on_ecg<op>(x.ecg), mode, d, n);
            break;
        }
        case 4: {
            using op = np::rr_analysis<>;
            fuzz_op<op>([] { return std::make_unique<op>(); }, each_value<op>(x.rr), mode, d, n);
            break;
        }
        case 5: {
            using op = np::news2;
            fuzz_op<op>([] { return std::make_unique<op>(); }, each_value<op>(x.vitals), mode, d, n);
            break;
        }
        case 6: {
            using op = np::bearing_monitor<2, 256, 64, 4>;
            fuzz_op<op>([] { return std::make_unique<op>(bearing_config()); }, on_bearing<op>(), mode, d, n);
            break;
        }
        case 7: {
            using op = np::seasonal_forecaster<256>;
            fuzz_op<op>(
                [] {
                    np::seasonal_forecaster_config c;
                    c.day = 24;
                    c.horizon = 6;
                    c.learn_every = 2;
                    return std::make_unique<op>(c);
                },
                each_value<op>(x.load), mode, d, n);
            break;
        }
        case 8: {
            using op = np::holt_winters_forecaster<256>;
            fuzz_op<op>([] { return std::make_unique<op>(np::holt_winters_config{}); }, each_value<op>(x.load), mode, d, n);
            break;
        }
        case 9: {
            using op = np::meter_monitor<256>;
            fuzz_op<op>(
                [] {
                    np::meter_monitor_config c;
                    c.warmup_days = 3;
                    return std::make_unique<op>(c);
                },
                [&x](op& m, int phase) {
                    digest h;
                    for (double v : x.load[phase])
                        m.push(
                            v,
                            [&](const np::meter_reading& r) {
                                h.add(r.cleaned);
                                h.add(r.forecast);
                                h.add(r.z);
                                h.add(r.flags);
                            },
                            [&](const auto& day) { h.add(day.mean); });
                    return h.h;
                },
                mode, d, n);
            break;
        }
        case 10: {
            using op = np::multi_axis_bearing_monitor<2, np::bearing_monitor<2, 256, 64, 4>>;
            fuzz_op<op>([] { return std::make_unique<op>(bearing_config()); },
                        [](op& m, int phase) {
                            digest h;
                            const std::span<const float> v(in().vib[phase]);
                            m.process(std::array<std::span<const float>, 2>{v, v}, [&](const auto& s) {
                                h.add(static_cast<double>(s.fused.index));
                                h.add(s.fused.anomaly_score);
                                h.add(s.deciding_axis);
                            });
                            return h.h;
                        },
                        mode, d, n);
            break;
        }
        case 11: {
            using op = nerve::drift::adwin<float>;
            fuzz_op<op>([] { return std::make_unique<op>(nerve::drift::adwin_options{}); }, each_value<op>(x.rr), mode, d, n);
            break;
        }
        case 12: {
            using op = nerve::drift::kswin<float, 100, 30>;
            fuzz_op<op>([] { return std::make_unique<op>(nerve::drift::kswin_options{}); }, each_value<op>(x.rr), mode, d, n);
            break;
        }
        case 13: {
            using op = nerve::anomaly::half_space_trees<1, 5, 6, 50>;
            fuzz_op<op>([] { return std::make_unique<op>(); }, each_value<op>(x.rr), mode, d, n);
            break;
        }
        case 14: {
            using op = nerve::stats::t_digest<float, 25>;
            fuzz_op<op>([] { return std::make_unique<op>(); },
                        [&x](op& m, int phase) {
                            digest h;
                            for (float v : x.rr[phase]) {
                                m(v);
                                h.add(m.quantile(0.5));
                                h.add(m.quantile(0.99));
                            }
                            return h.h;
                        },
                        mode, d, n);
            break;
        }
        default: {
            using op = nerve::filter::moving_median<float, 15>;
            fuzz_op<op>([] { return std::make_unique<op>(); }, each_value<op>(x.rr), mode, d, n);
            break;
        }
    }
    return 0;
}
