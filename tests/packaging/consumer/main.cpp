// A user's first program: a two-stage pipeline from the installed (or vendored) nerve.
#include <nerve/core/pipeline.hpp>
#include <nerve/filter/dc_blocker.hpp>
#include <nerve/filter/ewma.hpp>

#include <cmath>
#include <cstdio>

int main() {
    auto p = nerve::filter::dc_blocker<float>{0.995} | nerve::filter::ewma<float>{0.2};
    float last = 0.0f;
    int outputs = 0;
    for (int n = 0; n < 2000; ++n) {
        const float x = 3.0f + ((n / 10) % 2 ? 1.0f : -1.0f);  // offset square wave
        p.push(x, [&](float y) {
            last = y;
            ++outputs;
        });
    }
    // The DC blocker removes the offset: what is left stays within the square wave's amplitude.
    const bool ok = outputs == 2000 && std::isfinite(last) && std::fabs(last) < 1.5f;
    std::printf("nerve consumer: %d outputs, last %.3f, sizeof(pipeline) = %zu bytes: %s\n", outputs,
                static_cast<double>(last), sizeof(p), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
