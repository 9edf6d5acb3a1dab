// stats/vibration_severity.hpp: zones, readings of sines whose velocity is known in closed form,
// the start (offset, settling), bad input, snapshots.
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "hostile_snapshot.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/stats/vibration_severity.hpp"

using namespace nerve;
using namespace nerve::stats;

namespace {
constexpr double pi = 3.14159265358979323846;
constexpr double g0 = 9.80665;

// RMS velocity in mm/s of a sine of `amp_g` g at f, through the band's analog response at the
// bilinear frequency and Al-Alaoui's integrator (filter/vibration_integrator.hpp).
double sine_velocity_mm_s(double amp_g, double f, double lo, double hi, double fs) {
    const double tf = std::tan(pi * f / fs), tl = std::tan(pi * lo / fs), th = std::tan(pi * hi / fs);
    const double band = 1.0 / std::sqrt(1.0 + std::pow(tl / tf, 4)) / std::sqrt(1.0 + std::pow(tf / th, 4));
    const double w = 2 * pi * f / fs;
    const double integral = std::sqrt(50.0 + 14.0 * std::cos(w)) / (16.0 * fs * std::sin(w / 2));
    return amp_g * g0 * band * integral / std::sqrt(2.0) * 1000.0;
}

std::vector<float> sine(double amp, double f, double fs, std::size_t n, double offset = 0.0) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(offset + amp * std::sin(2 * pi * f * i / fs + 0.3));
    return x;
}
}  // namespace

TEST_CASE("zone_of: boundaries belong to the zone above, NaN reads D, the tables rise", "[stats][severity]") {
    const severity_limits l = iso10816::group2_rigid;
    CHECK(zone_of(0.0, l) == severity_zone::A);
    CHECK(zone_of(1.39, l) == severity_zone::A);
    CHECK(zone_of(1.4, l) == severity_zone::B);
    CHECK(zone_of(2.8, l) == severity_zone::C);
    CHECK(zone_of(4.49, l) == severity_zone::C);
    CHECK(zone_of(4.5, l) == severity_zone::D);
    CHECK(zone_of(std::numeric_limits<double>::quiet_NaN(), l) == severity_zone::D);
    CHECK(zone_of(std::numeric_limits<double>::infinity(), l) == severity_zone::D);
    CHECK(std::string_view{name(severity_zone::C)} == "C");
    for (const auto& t : {iso10816::class_1, iso10816::class_2, iso10816::class_3, iso10816::class_4,
                          iso10816::group1_rigid, iso10816::group1_flexible, iso10816::group2_rigid,
                          iso10816::group2_flexible}) {
        CHECK(t.ab > 0);
        CHECK(t.ab < t.bc);
        CHECK(t.bc < t.cd);
    }
}

TEST_CASE("vibration_severity: a sine's RMS velocity in mm/s, one reading per window", "[stats][severity]") {
    for (double fs : {12000.0, 25600.0, 51200.0}) {
        for (double f : {25.0, 80.0, 160.0, 400.0}) {
            INFO("fs " << fs << " f " << f);
            vibration_severity_config c;
            c.fs_hz = fs;
            c.window_s = 0.5;
            vibration_severity<float> s{c};
            const auto x = sine(0.2, f, fs, static_cast<std::size_t>(3 * fs));
            std::vector<severity_reading> r;
            s.process(std::span<const float>{x}, [&](const severity_reading& v) { r.push_back(v); });
            REQUIRE(r.size() == 6);
            REQUIRE(s.settle_samples() == static_cast<std::uint64_t>(2.25 / 10.0 * fs + 0.5));
            const double expect = sine_velocity_mm_s(0.2, f, 10.0, 1000.0, fs);
            for (std::size_t k = 0; k < r.size(); ++k) {
                REQUIRE(r[k].end_sample == static_cast<std::uint64_t>((k + 1) * fs / 2));
                if (k == 0) REQUIRE(r[0].samples == r[0].end_sample - s.settle_samples());
                else REQUIRE(r[k].samples == static_cast<std::uint64_t>(fs / 2));
                // A window holds no whole number of periods: the part-period moves the mean square
                // by up to 1 / (4 pi f T) of itself, the RMS by half that.
                const double part = 0.5 / (4 * pi * f * static_cast<double>(r[k].samples) / fs);
                REQUIRE(r[k].velocity_rms == Approx(expect).epsilon(part + 1e-3));
                REQUIRE(r[k].velocity_peak == Approx(expect * std::sqrt(2.0)).epsilon(2e-3));
                REQUIRE(r[k].zone == zone_of(r[k].velocity_rms, c.limits));
            }
            REQUIRE(s.overall().velocity_rms == Approx(expect).epsilon(1e-3));
            REQUIRE(s.overall().samples == s.samples() - s.settle_samples());
        }
    }
    // 0.2 g at 80 Hz is 2.76 mm/s: zone B for a 15-300 kW machine on a rigid foundation, C for class I.
    CHECK(sine_velocity_mm_s(0.2, 80.0, 10.0, 1000.0, 25600.0) == Approx(2.759).epsilon(1e-3));
}

TEST_CASE("vibration_severity: an offset is not vibration; settling samples are not summed", "[stats][severity]") {
    vibration_severity_config c;
    c.fs_hz = 25600.0;
    c.window_s = 0.1;   // the first two windows end inside the 0.225 s settling time
    vibration_severity<float> a{c}, b{c};
    const auto plain = sine(0.1, 120.0, c.fs_hz, 25600);
    const auto offset = sine(0.1, 120.0, c.fs_hz, 25600, 1.0);   // 1 g: a vertical axis
    std::vector<severity_reading> ra, rb;
    a.process(std::span<const float>{plain}, [&](const severity_reading& v) { ra.push_back(v); });
    b.process(std::span<const float>{offset}, [&](const severity_reading& v) { rb.push_back(v); });
    REQUIRE(ra.size() == 10);
    REQUIRE(rb.size() == 10);
    REQUIRE(ra[0].samples == 0);
    REQUIRE(ra[1].samples == 0);
    REQUIRE(ra[0].velocity_rms == 0);
    REQUIRE(ra[2].samples == 3 * 2560 - a.settle_samples());
    const double expect = sine_velocity_mm_s(0.1, 120.0, 10.0, 1000.0, c.fs_hz);
    for (std::size_t k = 2; k < 10; ++k) {
        INFO("window " << k);
        REQUIRE(ra[k].velocity_rms == Approx(expect).epsilon(4e-3));
        REQUIRE(rb[k].velocity_rms == Approx(expect).epsilon(4e-3));
    }
    // Without the settling time, the offset's ring would dominate the first reading.
    vibration_severity_config raw = c;
    raw.settle_s = 0;
    vibration_severity<float> r{raw};
    std::vector<severity_reading> rr;
    r.process(std::span<const float>{offset}, [&](const severity_reading& v) { rr.push_back(v); });
    REQUIRE(rr[0].samples == 2560);
    REQUIRE(rr[0].velocity_rms > 1.05 * expect);
}

TEST_CASE("vibration_severity: chunking does not change the readings; no allocation", "[stats][severity]") {
    vibration_severity_config c;
    c.fs_hz = 12000.0;
    c.window_s = 0.25;
    vibration_severity<float> a{c}, b{c};
    std::vector<float> x(36000);
    std::uint32_t st = 12345;
    for (std::size_t i = 0; i < x.size(); ++i) {
        st = st * 1664525u + 1013904223u;
        x[i] = static_cast<float>((st >> 8) * (1.0 / 16777216.0) - 0.5) + 0.3f * static_cast<float>(std::sin(0.05 * i));
    }
    std::vector<severity_reading> ra, rb;
    std::array<severity_reading, 16> rb_fixed{};
    std::size_t nb = 0;
    a.process(std::span<const float>{x}, [&](const severity_reading& v) { ra.push_back(v); });
    for (std::size_t i = 0; i < x.size(); i += 97) {
        const std::size_t n = std::min<std::size_t>(97, x.size() - i);
        NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>{x.data() + i, n},
                                         [&](const severity_reading& v) { if (nb < rb_fixed.size()) rb_fixed[nb++] = v; }));
    }
    REQUIRE(ra.size() == 12);
    REQUIRE(nb == 12);
    for (std::size_t k = 0; k < 12; ++k) {
        INFO("reading " << k);
        REQUIRE(rb_fixed[k].end_sample == ra[k].end_sample);
        REQUIRE(rb_fixed[k].samples == ra[k].samples);
        if constexpr (nerve::filter::vibration_integrator<float>::superblock == 0) {
            // The same filtered samples, summed in other pieces of 64.
            REQUIRE(rb_fixed[k].velocity_rms == Approx(ra[k].velocity_rms).epsilon(1e-6));
            REQUIRE(rb_fixed[k].velocity_peak == ra[k].velocity_peak);
        } else {
            // The integrator's time-segment engine (aarch64) takes the long call's whole
            // superblocks, the calls of 97 go sample by sample: the velocities differ by the
            // engine's rounding, bounded by 1e-5 of the RMS (test_vibration_integrator.cpp).
            REQUIRE(rb_fixed[k].velocity_rms == Approx(ra[k].velocity_rms).epsilon(1e-5));
            REQUIRE(rb_fixed[k].velocity_peak == Approx(ra[k].velocity_peak).epsilon(1e-5));
        }
    }
    // push() is process() of one sample: bit for bit the calls of 97 (both sample by sample).
    vibration_severity<float> p{c};
    std::size_t np = 0;
    for (float v : x) p.push(v, [&](const severity_reading& v2) { REQUIRE(v2.velocity_peak == rb_fixed[np++].velocity_peak); });
    REQUIRE(np == 12);
}

TEST_CASE("vibration_severity: NaN and Inf are held, an overflowing burst is left out, nothing stays poisoned", "[stats][severity]") {
    vibration_severity_config c;
    c.fs_hz = 25600.0;
    c.window_s = 0.5;
    vibration_severity<float> s{c};
    auto x = sine(0.1, 120.0, c.fs_hz, 5 * 25600);
    x[30000] = std::numeric_limits<float>::quiet_NaN();
    x[30001] = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 40000; i < 40064; ++i) x[i] = (i % 2 ? 3e38f : -3e38f);   // a hostile burst
    std::vector<severity_reading> r;
    s.process(std::span<const float>{x}, [&](const severity_reading& v) { r.push_back(v); });
    REQUIRE(r.size() == 10);
    REQUIRE(s.rejected() == 2);
    REQUIRE(s.overflowed() >= 1);
    const double expect = sine_velocity_mm_s(0.1, 120.0, 10.0, 1000.0, c.fs_hz);
    for (const auto& v : r) {
        REQUIRE(std::isfinite(v.velocity_rms));
        REQUIRE(std::isfinite(v.velocity_peak));
    }
    // The window with the NaNs reads as the sine; the one after the burst's ring has decayed does too.
    REQUIRE(r[2].velocity_rms == Approx(expect).epsilon(4e-3));
    REQUIRE(r[9].velocity_rms == Approx(expect).epsilon(4e-3));
    REQUIRE(std::isfinite(s.overall().velocity_rms));
    // A stream that starts with bad samples starts at its first finite one.
    vibration_severity<float> t{c};
    std::vector<float> y = sine(0.1, 120.0, c.fs_hz, 25600, 1.0);
    y[0] = y[1] = std::numeric_limits<float>::quiet_NaN();
    t.process(std::span<const float>{y}, [](const severity_reading&) {});
    REQUIRE(t.overall().velocity_rms == Approx(expect).epsilon(4e-3));
}

TEST_CASE("vibration_severity: snapshots restore exactly; hostile ones never poison", "[stats][severity][snapshot]") {
    vibration_severity_config c;
    c.fs_hz = 4000.0;
    c.window_s = 0.05;
    const auto x = sine(0.3, 60.0, c.fs_hz, 4000);
    auto make = [c] { return std::make_unique<vibration_severity<float>>(c); };
    auto run = [&x](vibration_severity<float>& s, int phase) {
        nerve::test::output_digest d;
        const std::size_t from = phase == 0 ? 0 : 2000, to = phase == 0 ? 2000 : 2600;
        s.process(std::span<const float>{x.data() + from, to - from}, [&](const severity_reading& v) {
            d.add(v.velocity_rms);
            d.add(static_cast<double>(v.samples));
            d.add(static_cast<double>(v.zone));
        });
        return d;
    };
    const auto tally = nerve::test::check_hostile_snapshots(make, run);
    INFO("tried " << tally.tried << " accepted " << tally.accepted << " refused " << tally.refused);
    REQUIRE(tally.failures == 0);
    REQUIRE(tally.refused > 0);
    REQUIRE(tally.accepted > 0);
}
