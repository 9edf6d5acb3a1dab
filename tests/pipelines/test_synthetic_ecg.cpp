#include "nerve_test.hpp"

#include <cmath>

#include "nerve/pipelines/synthetic_ecg.hpp"

namespace np = nerve::pipelines;

TEST_CASE("synthetic_ecg: rate, pause, PVC and determinism", "[synthetic]") {
    np::synthetic_ecg a(nerve::sample_rate{360.0}, 42), b(nerve::sample_rate{360.0}, 42);
    a.set_rate(60.0f);
    b.set_rate(60.0f);
    int beats = 0;
    float peak = 0.0f;
    for (int i = 0; i < 360 * 60; ++i) {
        const auto x = a.next();
        const auto y = b.next();
        REQUIRE(x.mv == y.mv);
        beats += x.r_peak;
        if (x.r_peak) peak = x.mv;
    }
    CHECK(beats >= 59);
    CHECK(beats <= 61);
    CHECK(peak > 0.9f);

    np::synthetic_ecg p(nerve::sample_rate{250.0});
    p.set_rate(75.0f);
    int last = -1, longest = 0;
    for (int i = 0; i < 250 * 30; ++i) {
        if (i == 250 * 10) p.insert_pause(4.0f);
        if (p.next().r_peak) {
            if (last >= 0) longest = std::max(longest, i - last);
            last = i;
        }
    }
    CHECK(longest > 250 * 4);
}
