// mcu_quickstart.cpp — the quickstart monitor as firmware: a static pipeline object on a
// Cortex-M4, fed sample by sample as an ADC interrupt would. It exits 0 (through
// semihosting) when the alarm rises after the impacts start and not before, so the
// cortex-m4 preset runs it as a test too. Its size is the "RAM and flash of the
// quickstart pipeline" figure in the README.
#include <cmath>
#include <span>

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"

namespace {
struct frame_rms {
    using input_type = std::span<const float, 256>;
    using output_type = float;
    float operator()(input_type frame) const {
        float sum = 0.0f;
        for (float v : frame) sum += v * v;
        return std::sqrt(sum / 256.0f);
    }
    void reset() {}
};

using monitor_t = nerve::pipeline<nerve::filter::dc_blocker<float>, nerve::framer<256, 128>, frame_rms,
                                  nerve::filter::ewma<float>>;

// Lives in .bss/.data: no heap, no constructor surprises, sizeof(monitor_t) bytes of RAM.
monitor_t monitor{nerve::filter::dc_blocker<float>{0.99686}, nerve::framer<256, 128>{}, frame_rms{},
                  nerve::filter::ewma<float>{0.3}};
}  // namespace

int main() {
    // 50 Hz at 1 kHz from a rotation recurrence, so the program needs no libm sin().
    const float c = 0.98768834f, s = 0.15643447f;  // cos, sin of 2 pi 50 / 1000
    float re = 0.8f, im = 0.0f;  // the phasor 0.8 exp(i 2 pi 50 t)
    int early_alarms = 0, late_alarms = 0;
    for (int n = 0; n < 8000; ++n) {
        float x = 2.5f + im;  // 0.8 sin(2 pi 50 t), as in quickstart.cpp
        if (n > 4000 && n % 125 < 6) x += 3.0f;
        monitor.push(x, [&](float rms) {
            if (rms > 0.7f) (n < 4000 ? early_alarms : late_alarms)++;
        });
        const float r = re * c - im * s;
        im = re * s + im * c;
        re = r;
    }
    return (early_alarms == 0 && late_alarms > 0) ? 0 : 1;
}
