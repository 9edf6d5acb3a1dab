#include "nerve_test.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <span>
#include <vector>

#include "nerve/core/crc32.hpp"
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

TEST_CASE("vf_detector: a huge first sample does not poison the block sums", "[vf][bad-input]") {
    // The block sums are taken about the first sample. A finite first sample of 3e38 made every
    // later difference from an ordinary signal overflow: no mean was finite again, and the
    // detector never saw the VF that followed. Now such an offset is replaced by 0; the huge
    // sample itself still passes through the band-pass (its state decays within ~20 s).
    for (const float first : {3.0e38f, -1.0e31f, 2.5f}) {
        INFO("first sample " << first);
        np::vf_detector<> vf(nerve::sample_rate{360.0});
        int windows = 0, flagged = 0;
        bool finite = true;
        auto on = [&](const np::vf_status& s) {
            if (s.end_sample < 360 * 40) return;  // the last 20 s
            ++windows;
            flagged += s.vf;
            finite = finite && std::isfinite(s.leakage);
        };
        vf.push(first, on);
        for (int i = 1; i < 360 * 60; ++i) vf.push(static_cast<float>(0.8 * std::sin(2 * 3.14159265 * 4.0 * i / 360.0)), on);
        CHECK(windows >= 19);
        CHECK(finite);
        CHECK(flagged == windows);  // a 4 Hz quasi-sinusoid is VF
        std::vector<std::byte> buf(8192);  // (heap: the M4 test program's static RAM is nearly full)
        const auto n = nerve::snapshot(vf, std::span<std::byte>(buf));
        REQUIRE(n.ok());
        np::vf_detector<> b(nerve::sample_rate{360.0});
        CHECK(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    }
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

TEST_CASE("vf_detector: the leakage is Kuo & Dillman's formula on the window it reports", "[vf]") {
    // Reference: the formula in double over window() (the decimated, band-passed samples the
    // decision saw), with the per-hop partial sums (whole hops: 4 s / 1 s, 4 s / 0.5 s) and the
    // whole-window sums (4 s / 0.75 s is not whole hops). Bound: each float sum of at most
    // `len` non-negative terms is within len * 2^-24 of exact (relative), the ratio within
    // twice that, and the denominator's two subtractions at most double it again.
    for (double fs : {250.0, 360.0, 1000.0}) {
        for (double hop : {1.0, 0.5, 0.75}) {
            INFO("fs " << fs << " hop " << hop);
            np::vf_params p;
            p.hop_s = hop;
            np::vf_detector<> vf(nerve::sample_rate{fs}, p);
            np::synthetic_ecg gen(nerve::sample_rate{fs}, 5);
            int checked = 0, vf_windows = 0, failed = 0;
            const auto n = static_cast<int>(40 * fs);
            for (int i = 0; i < n; ++i) {
                const double t = i / fs;
                float x = t < 15.0 ? static_cast<float>(0.8 * std::sin(2 * 3.14159265 * 4.0 * t + 0.3 * std::sin(1.3 * t)))
                                   : gen.next().mv;
                if (i % 1499 == 0) x = std::numeric_limits<float>::quiet_NaN();
                vf.push(x, [&](const np::vf_status& s) {
                    const auto w = vf.window();
                    const std::size_t len = w.size();
                    double sa = 0.0, sd = 0.0;
                    for (std::size_t k = 0; k < len; ++k) {
                        sa += std::fabs(double(w[k]));
                        if (k > 0) sd += std::fabs(double(w[k]) - double(w[k - 1]));
                    }
                    const double tol = 4.0 * double(len) / 16777216.0;
                    if (!(sd > 0.0) || sa < 0.05 * double(len)) {
                        failed += s.leakage != 1.0f;
                        return;
                    }
                    const double period = 3.14159265 * sa / sd;
                    // Rounding the period to a shift can go either way within the sums' error.
                    double best = 2.0;
                    for (double cand : {std::floor(period), std::ceil(period)}) {
                        if (std::fabs(cand - period) > 0.5 + 1e-3) continue;
                        const auto shift = static_cast<std::size_t>(cand < 1.0 ? 1.0 : cand);
                        double ref = 1.0;
                        if (shift < len / 2) {
                            double num = 0.0, den = 0.0;
                            for (std::size_t k = shift; k < len; ++k) {
                                num += std::fabs(double(w[k]) + double(w[k - shift]));
                                den += std::fabs(double(w[k])) + std::fabs(double(w[k - shift]));
                            }
                            ref = num / den;
                        }
                        best = std::min(best, std::fabs(double(s.leakage) - ref));
                    }
                    failed += best > tol;
                    ++checked;
                    vf_windows += s.vf;
                });
            }
            CHECK(failed == 0);
            CHECK(checked >= static_cast<int>(30 / hop));
            CHECK(vf_windows >= 5);  // the sinusoid part is VF
        }
    }
}

TEST_CASE("vf_detector: a snapshot with impossible ring indices is refused", "[vf][bad-input][state]") {
    np::vf_detector<> a(nerve::sample_rate{360.0});
    np::synthetic_ecg gen(nerve::sample_rate{360.0}, 2);
    for (int i = 0; i < 360 * 6; ++i) a.push(gen.next().mv, [](const np::vf_status&) {});
    static std::byte buf[8192];
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    // Payload order: st_ (4 floats), bp_last_, buf_ (2 x 802 floats), pos_, until_, ...
    const std::size_t pos_at = nerve::snapshot_header_bytes + 4 * 4 + 4 + 2 * 802 * 4;
    const std::size_t body = n.value() - nerve::snapshot_trailer_bytes;
    // until_ follows pos_ (a std::uint32_t: 8 bytes on the wire where it is std::size_t).
    constexpr std::size_t pos_width = nerve::detail::wire_width<std::uint32_t>();
    for (std::size_t field : {pos_at, pos_at + pos_width}) {
        INFO("field at " << field);
        static std::byte bad[8192];
        std::memcpy(bad, buf, n.value());
        const std::uint32_t hostile = field == pos_at ? 0xFFFFFF00u : 0u;  // ring index far out; no decision ever
        for (int k = 0; k < 4; ++k) bad[field + k] = std::byte{static_cast<unsigned char>(hostile >> (8 * k))};
        const std::uint32_t crc = nerve::crc32(std::span<const std::byte>(bad, body));
        for (int k = 0; k < 4; ++k) bad[body + k] = std::byte{static_cast<unsigned char>((crc >> (8 * k)) & 0xff)};
        np::vf_detector<> b(nerve::sample_rate{360.0});
        CHECK_FALSE(nerve::restore(b, std::span<const std::byte>(bad, n.value())).ok());
        CHECK(b.state_is_valid());
        int statuses = 0;
        for (int i = 0; i < 360 * 6; ++i) b.push(gen.next().mv, [&](const np::vf_status&) { ++statuses; });
        CHECK(statuses >= 2);
    }
    np::vf_detector<> c(nerve::sample_rate{360.0});
    REQUIRE(nerve::restore(c, std::span<const std::byte>(buf, n.value())).ok());
    std::vector<float> la, lc;
    for (int i = 0; i < 360 * 4; ++i) {
        const float x = gen.next().mv;
        a.push(x, [&](const np::vf_status& s) { la.push_back(s.leakage); });
        c.push(x, [&](const np::vf_status& s) { lc.push_back(s.leakage); });
    }
    REQUIRE(la.size() >= 3);
    CHECK(la == lc);
}
