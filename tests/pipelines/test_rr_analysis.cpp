#include "nerve_test.hpp"

#include <cmath>
#include <limits>

#include "nerve/core/snapshot.hpp"
#include "nerve/pipelines/rr_analysis.hpp"

namespace np = nerve::pipelines;

TEST_CASE("rr_analysis: steady rhythm", "[rr]") {
    np::rr_analysis<> a;
    np::rr_features f;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 100; ++i) f = a(0.8f));
    CHECK(f.valid);
    CHECK(f.heart_rate_bpm == Approx(75.0f));
    CHECK(f.sdnn_ms == Approx(0.0f).margin(1e-3));
    CHECK(f.rmssd_ms == Approx(0.0f).margin(1e-3));
    CHECK(f.pnn50 == 0.0f);
    CHECK_FALSE(f.ectopic);
    CHECK_FALSE(f.irregular);
    CHECK(f.count == 64);
}

TEST_CASE("rr_analysis: HRV of an alternating series against hand-computed values", "[rr]") {
    np::rr_analysis<> a;
    np::rr_features f;
    for (int i = 0; i < 64; ++i) f = a(i % 2 ? 0.86f : 0.80f);
    // successive differences all 60 ms: RMSSD 60 ms, pNN50 1; SDNN of 32+32 values 0.80/0.86:
    // sqrt(64 * 0.03^2 / 63)
    CHECK(f.rmssd_ms == Approx(60.0f).epsilon(1e-3));
    CHECK(f.pnn50 == 1.0f);
    CHECK(f.sdnn_ms == Approx(1000.0 * std::sqrt(64.0 * 0.03 * 0.03 / 63.0)).epsilon(1e-3));
    CHECK_FALSE(f.ectopic);
    CHECK(f.heart_rate_bpm == Approx(60.0f / 0.83f).epsilon(1e-3));
}

TEST_CASE("rr_analysis: a premature beat and its compensatory pause are ectopic", "[rr]") {
    np::rr_analysis<> a;
    for (int i = 0; i < 20; ++i) (void)a(1.0f);
    auto p = a(0.6f);
    auto c = a(1.4f);
    auto n = a(1.0f);
    CHECK(p.ectopic);
    CHECK(c.ectopic);
    CHECK_FALSE(n.ectopic);
    CHECK(n.rmssd_ms == Approx(0.0f).margin(1e-3));  // differences touching ectopic beats left out
    CHECK(n.heart_rate_bpm == Approx(60.0f));
}

TEST_CASE("rr_analysis: atrial fibrillation is irregular, bigeminy and sinus arrhythmia are not", "[rr]") {
    np::rr_analysis<> af;
    std::uint32_t s = 12345;
    np::rr_features f;
    int flagged = 0;
    for (int i = 0; i < 200; ++i) {
        s = s * 1664525u + 1013904223u;
        f = af(0.45f + 0.55f * static_cast<float>(s >> 8) / 16777216.0f);
        if (i >= 32) flagged += f.irregular;
    }
    CHECK(flagged >= 160);

    np::rr_analysis<> sinus;
    int any = 0;
    for (int i = 0; i < 200; ++i) any += sinus(0.9f + 0.05f * std::sin(0.4f * i)).irregular;
    CHECK(any == 0);

    np::rr_analysis<> bigeminy;
    any = 0;
    for (int i = 0; i < 200; ++i) any += bigeminy(i % 2 ? 0.55f : 1.05f).irregular;
    CHECK(any == 0);
}

TEST_CASE("rr_analysis: intervals across aberrant beats join into one normal-to-normal RR", "[rr][af]") {
    // Sinus rhythm at 1 s with PVCs at random places (40 % of the intervals), random coupling
    // (0.4-0.85 s) and a compensatory pause that resets the sinus node in part (the next normal
    // beat 1.8-2 s after the last): often irregular enough for the RR test (one beat in 7) when
    // the caller does not know which beats are ventricular, never when it does (the joined intervals are
    // 0.9-1 s). In AF the joined intervals stay irregular.
    for (const bool told : {false, true}) {
        INFO((told ? "aberrant beats flagged" : "aberrant beats not flagged"));
        np::rr_analysis<> a;
        std::uint32_t s = 777;
        auto uniform = [&s] {
            s = s * 1664525u + 1013904223u;
            return static_cast<float>(s >> 8) / 16777216.0f;
        };
        int flagged = 0, beats = 0;
        for (int i = 0; i < 400; ++i) {
            if (uniform() < 0.4f) {  // a PVC: its coupling RR ends on it, the pause on a normal beat
                const float coupling = 0.4f + 0.45f * uniform();
                flagged += a(coupling, told).irregular;
                flagged += a(1.8f + 0.2f * uniform() - coupling).irregular;
                beats += 2;
            } else {
                flagged += a(1.0f + 0.02f * (uniform() - 0.5f)).irregular;
                ++beats;
            }
        }
        if (told)
            CHECK(flagged == 0);
        else
            CHECK(flagged * 10 > beats);
    }
    np::rr_analysis<> af;
    std::uint32_t s = 4242;
    int flagged = 0;
    for (int i = 0; i < 300; ++i) {
        s = s * 1664525u + 1013904223u;
        const float rr = 0.45f + 0.55f * static_cast<float>(s >> 8) / 16777216.0f;
        const bool aberrant = (s >> 4) % 5 == 0;  // one beat in 5 conducted aberrantly
        const auto f = af(rr, aberrant);
        if (i >= 60) flagged += f.irregular;
    }
    CHECK(flagged >= 200);  // of 240
}

TEST_CASE("rr_analysis: invalid intervals are dropped and counted", "[rr][bad-input]") {
    np::rr_analysis<> a;
    for (int i = 0; i < 10; ++i) (void)a(0.75f);
    const auto bad = a(std::numeric_limits<float>::quiet_NaN());
    CHECK_FALSE(bad.valid);
    CHECK_FALSE(a(0.05f).valid);
    CHECK_FALSE(a(12.0f).valid);
    CHECK(a.rejected() == 3);
    const auto ok = a(0.75f);
    CHECK(ok.valid);
    CHECK(ok.heart_rate_bpm == Approx(80.0f));
    CHECK(std::isfinite(ok.sdnn_ms));

    static std::byte buf[4096];
    auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    np::rr_analysis<> b;
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf, n.value())).ok());
    CHECK(b(0.75f).sdnn_ms == a(0.75f).sdnn_ms);
}
