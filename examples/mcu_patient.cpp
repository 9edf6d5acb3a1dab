// mcu_patient.cpp — the patient-monitor reference pipeline as Cortex-M4 firmware: a static
// patient_monitor<360> fed sample by sample as an ADC interrupt at 360 Hz would, on a
// synthetic ECG (sinus 72 bpm, a 6 s pause, then atrial fibrillation). It exits 0 (through
// semihosting) when it reports the right number of beats, raises the asystole alarm during
// the pause and the irregular-rhythm alarm during AF, so the cortex-m4 preset runs it as a
// test too. arm-none-eabi-size of this program is the pipeline's flash/RAM figure.
#include <cstdint>
#include <cstdio>

#include "nerve/pipelines/patient_monitor.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"

namespace {
namespace np = nerve::pipelines;
// In .bss: no heap; sizeof(monitor) bytes of RAM.
np::patient_monitor<360> monitor{nerve::sample_rate{360.0}};
np::synthetic_ecg ecg{nerve::sample_rate{360.0}, 7};
}  // namespace

int main() {
    int beats = 0, reference = 0, asystole = 0, irregular = 0, false_alarms = 0;
    for (int n = 0; n < 360 * 150; ++n) {
        if (n == 360 * 30) ecg.insert_pause(6.0f);
        if (n == 360 * 45) { ecg.set_irregular(true); ecg.set_rate(100.0f); }
        const auto s = ecg.next();
        reference += s.r_peak;
        monitor.push(s.mv, [&](const np::monitor_event& e) {
            if (e.kind == np::event_kind::beat) { ++beats; return; }
            if (e.kind != np::event_kind::alarm_on) return;
            if (e.alarm == np::alarm_kind::asystole) ++asystole;
            else if (e.alarm == np::alarm_kind::irregular_rhythm) ++irregular;
            else ++false_alarms;
        });
    }
    monitor.flush([&](const np::monitor_event& e) { beats += e.kind == np::event_kind::beat; });
    std::printf("mcu_patient: sizeof(patient_monitor<360>) = %u bytes, beats %d of %d, asystole %d, AF %d\n",
                static_cast<unsigned>(sizeof(monitor)), beats, reference, asystole, irregular);
    const int missed = reference > beats ? reference - beats : beats - reference;
    return (missed <= 2 && asystole == 1 && irregular == 1 && false_alarms == 0) ? 0 : 1;
}
