// bench/mcu/patient_monitor.cpp — Cortex-M4 cost of the patient-monitor pipeline
// (nerve::pipelines::patient_monitor<360>: QRS detector + VF filter + RR/HRV/AF + alarms).
//
// Kernel (count with tools/mcu_icount.py <elf> nerve_patient_second):
//   nerve_patient_second  pushes one second (360 samples) of ECG; divide by 360 for the
//                         cost per input sample (beats, peak decisions and the once-a-second
//                         VF window are all inside, so this is the average, not the best case)
//   nerve_qrs_second      the same second through qrs_detector<360>::process() alone
//   nerve_vf_second       the same second through vf_detector<360>::process() alone
//   nerve_qrs_second_push the same second through qrs_detector<360>::push(), sample by sample
//   nerve_patient2_second pushes one second of two-lead ECG through patient_monitor<360, 2>
//                         (lead 1: lead 0 inverted and scaled; divide by 720 for the cost per
//                         sample per lead)
// The input is 4 s of synthetic ECG (5 beats at 75 bpm, periodic) computed once; it is
// replayed, so the monitor is past its learning phase after the first calls.
#include <array>
#include <cstdint>
#include <cstdio>
#include <span>

#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"

namespace {
namespace np = nerve::pipelines;
constexpr unsigned kRate = 360, kSeconds = 4;
np::patient_monitor<360> g_mon{nerve::sample_rate{360.0}};
np::patient_monitor<360, 2> g_mon2{nerve::sample_rate{360.0}};
np::qrs_detector<360> g_qrs{nerve::sample_rate{360.0}};
np::qrs_detector<360> g_qrs_push{nerve::sample_rate{360.0}};
np::vf_detector<360> g_vf{nerve::sample_rate{360.0}};
unsigned g_events = 0;
std::array<float, kRate * kSeconds> g_ecg;
unsigned g_beats = 0, g_beats2 = 0;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_patient_second(const float* x) {
    for (unsigned i = 0; i < kRate; ++i)
        g_mon.push(x[i], [](const np::monitor_event& e) { g_beats += e.kind == np::event_kind::beat; });
}

extern "C" __attribute__((noinline)) void nerve_patient2_second(const float* x) {
    for (unsigned i = 0; i < kRate; ++i)
        g_mon2.push({x[i], -0.6f * x[i]}, [](const np::monitor_event& e) { g_beats2 += e.kind == np::event_kind::beat; });
}

// The stages alone through process() on the whole second (runs of 32 inside, and one of 8:
// 360 = 11 x 32 + 8, so slightly dearer than inside the monitor, whose runs span calls).
extern "C" __attribute__((noinline)) void nerve_qrs_second(const float* x) {
    g_qrs.process(std::span<const float>(x, kRate), [](const np::qrs_beat&) { ++g_events; });
}

extern "C" __attribute__((noinline)) void nerve_vf_second(const float* x) {
    g_vf.process(std::span<const float>(x, kRate), [](const np::vf_status&) { ++g_events; });
}

// qrs_detector::push, one sample at a time (no block path: every stage per sample).
extern "C" __attribute__((noinline)) void nerve_qrs_second_push(const float* x) {
    for (unsigned i = 0; i < kRate; ++i) g_qrs_push.push(x[i], [](const np::qrs_beat&) { ++g_events; });
}

int main() {
    np::synthetic_ecg gen{nerve::sample_rate{360.0}, 3};
    gen.set_rate(75.0f);
    for (auto& v : g_ecg) v = gen.next().mv;
    for (unsigned s = 0; s < 4 * kSeconds; ++s) {
        const float* x = g_ecg.data() + (s % kSeconds) * kRate;
        nerve_patient_second(x);
        nerve_patient2_second(x);
        nerve_qrs_second(x);
        nerve_vf_second(x);
        nerve_qrs_second_push(x);
    }
    std::printf("patient_monitor: sizeof(patient_monitor<360>) = %u bytes, beats = %u\n",
                static_cast<unsigned>(sizeof(g_mon)), g_beats);
    std::printf("patient_monitor: sizeof(patient_monitor<360, 2>) = %u bytes, beats = %u\n",
                static_cast<unsigned>(sizeof(g_mon2)), g_beats2);
    return g_beats >= 15 && g_beats2 == g_beats ? 0 : 1;
}
