// quickstart.cpp — a vibration monitor in one pipeline.
//
// A 1 kHz accelerometer signal with a DC offset is cleaned (DC blocker), cut into 50 %
// overlapping frames of 256 samples, reduced to one RMS value per frame, smoothed, and
// compared with a threshold. Halfway through, the simulated machine starts to knock.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <span>

#include "nerve/nerve.hpp"

using namespace nerve::literals;

// Writing your own operator takes four lines of contract: the two types, the call, reset().
struct frame_rms {
    using input_type = std::span<const float, 256>;  // a frame, by reference, from the framer
    using output_type = float;
    float operator()(input_type frame) const {
        float sum = 0.0f;
        for (float v : frame) sum += v * v;
        return std::sqrt(sum / static_cast<float>(frame.size()));
    }
    void reset() {}
};

int main() {
    const nerve::sample_rate fs{1000.0};

    // The whole monitor is one value: no heap, sizeof(monitor) is all the RAM it needs.
    auto monitor = nerve::filter::dc_blocker<float>{0.5_Hz, fs}
                 | nerve::framer<256, 128>{}
                 | frame_rms{}
                 | nerve::filter::ewma<float>{0.3};

    std::printf("monitor pipeline: %zu stages, %zu bytes of state\n", monitor.size, sizeof(monitor));

    const float threshold = 0.7f;
    bool alarm = false;
    int frames = 0;
    for (int n = 0; n < 8000; ++n) {
        const double t = n / fs.value;
        double x = 2.5 + 0.8 * std::sin(2 * std::numbers::pi * 50.0 * t);  // offset + 50 Hz hum
        if (n > 4000 && n % 125 < 6) x += 3.0;                               // impacts, 8 per second
        monitor.push(static_cast<float>(x), [&](float rms) {
            const bool now = rms > threshold;
            if (now != alarm || ++frames % 8 == 0)
                std::printf("t=%5.2f s  rms=%.3f%s\n", t, rms, now != alarm ? (now ? "  ALARM: impacts" : "  clear") : "");
            alarm = now;
        });
    }
}
