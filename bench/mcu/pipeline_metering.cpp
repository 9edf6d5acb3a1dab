// bench/mcu/pipeline_metering.cpp — Cortex-M4 cost of the energy-metering reference pipeline
// (nerve::pipelines::meter_monitor<512, float>, hourly readings: the whole per-reading path in
// float, which the M4F's FPU executes; meter_monitor<512, double> costs ~15x the instructions
// because double is emulated in software).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_metering_push): one reading through push()
// in steady state. main() first feeds four weeks through nerve_metering_warmup (not counted: the
// forecaster's history of 512 readings fills in the first three weeks, and until then its lags
// are clamped to the oldest reading, a slower path), then one week through nerve_metering_push;
// the median of those calls is the steady-state cost per reading. To count the warm-up weeks
// instead, count nerve_metering_warmup.
// nerve_metering_light_push: the lighter configuration (learn_every = 5: the forecaster's RLS
// step on every fifth reading, its update of P spread over the four readings between) on the same
// readings; nerve_metering_lighter_push: learn_every = 11. Their cost per reading is the MEAN over
// the counted calls (the per-call lines of mcu_icount.py), not the median; the max is the worst
// case (a reading that takes a step).
// nerve_metering_lean_push: the lean configuration, meter_monitor<192, float,
// holt_winters_forecaster<192, float>> (double seasonal Holt-Winters instead of the regression),
// counted for 35 days (--runs 840: its ring comes round at the end of the 21st; --runs 168: the
// first week).
// Measured (GCC 12 -O2; median / mean / max instructions, modelled cycles median / max):
//   lean (840 calls)   169 / 177.2 /   199    261 /   332   (every reading <= 199: the day's end
//                      (report) 199, the ring 196-198, the expected energy 193, the forecaster's
//                      turn 198, AR sums 198, AR coefficient 199 and check 197, on readings of their
//                      own; every other 169)
//   default (168)    1,436 / 1,441 / 1,483  2,593 / 2,663
// (Calendar days, meter_monitor_config::first_slot: the report's reading 198 -> 199 (its test for
// a partial first day), the expected energy's 194 -> 193; median, mean and max unchanged.)
// (the headers before this: lean 169 / 175.7 / 251, 405 cycles max: the forecaster's day end, AR
// coefficient included, on the report's reading. Before that: lean 170 / 178.1 / 293 over the same
// 840 calls, 220-246 on the four readings after the ring came round, 233 on every day's first
// reading; default 1,436 / 1,444 / 1,512. Before drift::cusum replaced the monitor's inline copy
// and the day's history work moved to the next readings: lean 181 / 190 / 405, default 1,438 /
// 1,446 / 1,589.)
// Built with -DNERVE_METERING_READ_PROFILE (a lean day callback that reads every profile field in
// float): 168 / 179.5 / 277, the day's end (report, every field read) 277, every other reading
// <= 198 (the headers before this: 168 / 178.0 / 330; before those 169 / 179.6 / 353).
// nerve_cusum_sample / nerve_cusum_lean_sample: drift::cusum<float> (River's defaults) and
// cusum<float, false> alone, one sample per call on unit noise: 51 / 48 median (the cusum before
// this one, k sigma and h sigma recomputed per sample, change points stored per sample: 80).
// A callback that reads the five double fields of meter_reading adds ~77 (float -> double
// conversions, emulated). Where a lean reading goes: the double -> float conversion of the reading
// 14, the monitor's checks, scale and anomaly flag ~45, the CUSUM ~30, the forecaster ~60, the day
// profile and counters ~25, call overhead ~10. Of the default's: the RLS step ~870, the 13
// features ~230, the forecaster's bookkeeping ~230, the monitor ~100.
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/drift/cusum.hpp"
#include "nerve/pipelines/meter_monitor.hpp"
#ifdef NERVE_OLD_CUSUM
#include NERVE_OLD_CUSUM
#endif

namespace {
namespace np = nerve::pipelines;
using meter_t = np::meter_monitor<512, float>;
meter_t g_m{np::meter_monitor_config{}};
meter_t g_light{[] {
    np::meter_monitor_config c;
    c.learn_every = 5;
    return c;
}()};
meter_t g_lighter{[] {
    np::meter_monitor_config c;
    c.learn_every = 11;
    return c;
}()};
// The lean configuration: the same pipeline with the double seasonal Holt-Winters forecaster
// (holt_winters_forecaster.hpp) instead of the regression; its 8 days of indices need 192 readings.
using lean_t = np::meter_monitor<192, float, np::holt_winters_forecaster<192, float>>;
lean_t g_lean{np::meter_monitor_config{}};
// The monitor's drift chart on its own (River's defaults: 30 warm-up samples, k 0.5, h 5), with and
// without the change-point bookkeeping, on unit noise.
#ifdef NERVE_OLD_CUSUM
nerve::drift_old::cusum<float> g_cusum;
nerve::drift_old::cusum<float> g_cusum_lean;
#else
nerve::drift::cusum<float> g_cusum;
nerve::drift::cusum<float, false> g_cusum_lean;
#endif
unsigned g_fired = 0;
unsigned g_days = 0, g_lean_days = 0;
nerve_mcu_bench::lcg g_noise{3};
unsigned g_t = 0;

double next_reading() {
    const double hr = static_cast<double>(g_t++ % 24);
    return 0.3 + (hr > 16 ? 1.2 : 0.1) + 0.05 * static_cast<double>(static_cast<std::int32_t>(g_noise.next())) / 2147483648.0;
}
}  // namespace

extern "C" __attribute__((noinline)) void nerve_metering_push(double y) {
    g_m.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) { ++g_days; });
}

extern "C" __attribute__((noinline)) void nerve_metering_warmup(double y) {
    g_m.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) { ++g_days; });
    g_light.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) {});
    g_lighter.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) {});
}

extern "C" __attribute__((noinline)) void nerve_metering_light_push(double y) {
    g_light.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) {});
}

extern "C" __attribute__((noinline)) void nerve_metering_lighter_push(double y) {
    g_lighter.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) {});
}

extern "C" __attribute__((noinline)) void nerve_metering_lean_warmup(double y) {
    g_lean.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) { ++g_lean_days; });
}

#ifdef NERVE_METERING_READ_PROFILE
// Built with -DNERVE_METERING_READ_PROFILE, the lean day report's callback reads every field of the
// profile in float (what the day's last reading then costs: the profile is built where it is handed
// over, so the default build's callback, which reads none, does not pay for it).
float g_profile_sum = 0;
extern "C" __attribute__((noinline)) void nerve_metering_lean_push(double y) {
    g_lean.push(y, [](const np::meter_reading&) {}, [](const lean_t::profile_type& p) {
        ++g_lean_days;
        g_profile_sum += p.energy + p.expected + p.shortfall + p.peak + p.base_load + p.mean + p.load_factor +
                         static_cast<float>(p.day + p.gaps + p.stuck + p.spikes + p.anomalies + p.drift_up + p.drift_down);
    });
}
#else
extern "C" __attribute__((noinline)) void nerve_metering_lean_push(double y) {
    g_lean.push(y, [](const np::meter_reading&) {}, [](const np::daily_profile&) { ++g_lean_days; });
}
#endif

extern "C" __attribute__((noinline)) void nerve_cusum_sample(float x) {
    g_fired += g_cusum(x) == nerve::drift::drift_signal::drift;
}

extern "C" __attribute__((noinline)) void nerve_cusum_lean_sample(float x) {
    g_fired += g_cusum_lean(x) == nerve::drift::drift_signal::drift;
}

int main() {
    constexpr unsigned warm_days = 28, days = 35, lean_more_days = 28;
    // The lean forecaster's seasonal gains reach their constants after 12 weeks (until then they are
    // recomputed once a day): nine more weeks for it first, from a generator of its own (a whole
    // number of days, so the hours stay in phase), so that its counted week is its steady state too.
    {
        nerve_mcu_bench::lcg noise{11};
        for (unsigned t = 0; t < 24 * 63; ++t) {
            const double hr = static_cast<double>(t % 24);
            nerve_metering_lean_warmup(0.3 + (hr > 16 ? 1.2 : 0.1) +
                                       0.05 * static_cast<double>(static_cast<std::int32_t>(noise.next())) / 2147483648.0);
        }
        g_lean_days = 0;
    }
    {
        nerve_mcu_bench::lcg noise{5};
        for (unsigned t = 0; t < 30 + 168; ++t) {
            float u = 0;
            for (int k = 0; k < 4; ++k) u += noise.unit();
            const float x = (u - 2.0f) * 1.7320508f;
            nerve_cusum_sample(x);
            nerve_cusum_lean_sample(x);
        }
    }
    for (unsigned t = 0; t < 24 * warm_days; ++t) {
        const double y = next_reading();
        nerve_metering_warmup(y);
        nerve_metering_lean_warmup(y);
    }
    for (unsigned t = 24 * warm_days; t < 24 * days; ++t) {
        const double y = next_reading();
        nerve_metering_push(y);
        nerve_metering_light_push(y);
        nerve_metering_lighter_push(y);
        nerve_metering_lean_push(y);
    }
    // The lean monitor four weeks more (its days 98-125), so that its counted readings cross the day
    // its 28-day ring comes round (the end of its day 112) and is summed afresh: --runs 840 counts
    // all 35 days, --runs 168 the first week alone.
    for (unsigned t = 0; t < 24 * lean_more_days; ++t) nerve_metering_lean_push(next_reading());
    std::printf("pipeline_metering: sizeof(meter_monitor<512, float>) = %u bytes, %u days; lean (Holt-Winters) %u bytes, %u days; "
                "cusum %u / %u bytes, %u drifts\n",
                static_cast<unsigned>(sizeof(g_m)), g_days, static_cast<unsigned>(sizeof(g_lean)), g_lean_days,
                static_cast<unsigned>(sizeof(g_cusum)), static_cast<unsigned>(sizeof(g_cusum_lean)), g_fired);
    return g_days == days && g_lean_days == days + lean_more_days ? 0 : 1;
}
