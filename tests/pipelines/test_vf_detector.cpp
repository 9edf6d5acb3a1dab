#include "nerve_test.hpp"

#include <cmath>
#include <limits>

#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/synthetic_ecg.hpp"
#include "nerve/pipelines/vf_detector.hpp"

namespace np = nerve::pipelines;

TEST_CASE("vf_detector: a 4 Hz quasi-sinusoid is VF, a sinus ECG is not", "[vf]") {
    for (double fs : {250.0, 360.0, 1000.0}) {
        INFO("fs " << fs);
        np::vf_detector<> vf(nerve::sample_rate{fs});
        int windows = 0, flagged = 0;
        float leak = 1.0f;
        NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < static_cast<int>(20 * fs); ++i) {
            const double t = i / fs;
            const float x = static_cast<float>(0.8 * std::sin(2 * 3.14159265 * 4.0 * t + 0.3 * std::sin(2 * 3.14159265 * 0.2 * t)));
            vf.push(x, [&](const np::vf_status& s) { ++windows; flagged += s.vf; leak = s.leakage; });
        });
        CHECK(windows >= 15);
        CHECK(flagged == windows);
        CHECK(leak < 0.2f);

        np::synthetic_ecg gen(nerve::sample_rate{fs}, 3);
        np::vf_detector<> nsr(nerve::sample_rate{fs});
        windows = flagged = 0;
        for (int i = 0; i < static_cast<int>(60 * fs); ++i) {
            if (i == static_cast<int>(30 * fs)) gen.set_rate(150.0f);
            nsr.push(gen.next().mv, [&](const np::vf_status& s) { ++windows; flagged += s.vf; });
        }
        CHECK(windows >= 50);
        CHECK(flagged == 0);
    }
}

TEST_CASE("vf_detector: flat lines and NaN are not VF", "[vf][bad-input]") {
    np::vf_detector<> vf(nerve::sample_rate{360.0});
    int flagged = 0, windows = 0;
    float leak = 0;
    for (int i = 0; i < 360 * 10; ++i)
        vf.push(i % 100 == 0 ? std::numeric_limits<float>::quiet_NaN() : 1.5f,
                [&](const np::vf_status& s) { ++windows; flagged += s.vf; leak = s.leakage; });
    CHECK(windows > 0);
    CHECK(flagged == 0);
    CHECK(leak == 1.0f);
    CHECK(vf.rejected() == 36);

    static std::byte buf[8192];
    auto n = nerve::snapshot(vf, buf);
    REQUIRE(n.ok());
    np::vf_detector<> b(nerve::sample_rate{360.0});
    CHECK(nerve::restore(b, std::span<const std::byte>(buf, n.value())).ok());
}
