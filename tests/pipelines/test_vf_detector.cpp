#include "nerve_test.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

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

TEST_CASE("vf_detector: process() on blocks gives the statuses push() gives, bit for bit", "[vf][block]") {
    // Flutter-like sinusoid, then sinus rhythm, with NaN samples: the block path runs the same
    // operations (the band-pass is the same DF2T step), so every status is identical.
    for (double fs : {250.0, 360.0, 1000.0}) {
        INFO("fs " << fs);
        const auto n = static_cast<std::size_t>(30 * fs);
        std::vector<float> x(n);
        np::synthetic_ecg gen(nerve::sample_rate{fs}, 9);
        for (std::size_t i = 0; i < n; ++i) {
            const double t = i / fs;
            x[i] = t < 12.0 ? static_cast<float>(0.8 * std::sin(2 * 3.14159265 * 4.0 * t)) : gen.next().mv;
            if (i % 997 == 0) x[i] = std::numeric_limits<float>::quiet_NaN();
        }
        np::vf_detector<> a(nerve::sample_rate{fs}), b(nerve::sample_rate{fs});
        std::vector<np::vf_status> sa, sb;
        sa.reserve(64);
        sb.reserve(64);
        for (float v : x) a.push(v, [&](const np::vf_status& s) { sa.push_back(s); });
        const std::size_t sizes[] = {16, 7, 1, 128, 33};
        std::size_t i = 0, k = 0;
        while (i < n) {
            const std::size_t c = std::min(sizes[k++ % 5], n - i);
            b.process(std::span<const float>(x.data() + i, c), [&](const np::vf_status& s) { sb.push_back(s); });
            i += c;
        }
        CHECK(a.rejected() == b.rejected());
        REQUIRE(sa.size() == sb.size());
        REQUIRE(sa.size() >= 20);
        int vf = 0;
        for (std::size_t j = 0; j < sa.size(); ++j) {
            CHECK(sa[j].end_sample == sb[j].end_sample);
            CHECK(sa[j].leakage == sb[j].leakage);
            CHECK(sa[j].vf == sb[j].vf);
            vf += sa[j].vf;
        }
        CHECK(vf >= 5);  // the sinusoid part is VF
    }
}
