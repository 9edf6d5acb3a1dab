// filter/vibration_integrator.hpp: the design against scipy (tools/gen_golden_velocity.py), its
// frequency response against the closed form (prewarped analog corners, Al-Alaoui's integrator),
// and the float forms against the double one.
#include "nerve_test.hpp"

#include <cmath>
#include <algorithm>
#include <complex>
#include <limits>
#include <span>
#include <vector>

#include "golden/vibration_velocity.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/vibration_integrator.hpp"

using namespace nerve;
using namespace nerve::filter;
namespace gv = golden::velocity;

namespace {
constexpr double pi = 3.14159265358979323846;

struct velocity_case {
    const char* name;
    double lo, hi, fs;
    const double* sos;
    const double* out;
};
const velocity_case cases[] = {
    {"iso_12k", gv::iso_12k_lo, gv::iso_12k_hi, gv::iso_12k_fs, gv::iso_12k_sos, gv::iso_12k_out},
    {"iso_25k6", gv::iso_25k6_lo, gv::iso_25k6_hi, gv::iso_25k6_fs, gv::iso_25k6_sos, gv::iso_25k6_out},
    {"slow_51k2", gv::slow_51k2_lo, gv::slow_51k2_hi, gv::slow_51k2_fs, gv::slow_51k2_sos, gv::slow_51k2_out},
    {"iso_2k56", gv::iso_2k56_lo, gv::iso_2k56_hi, gv::iso_2k56_fs, gv::iso_2k56_sos, gv::iso_2k56_out},
};

// The golden input: the committed noise plus the script's four lines.
double input_at(int i, double fs) {
    const double t = i / fs;
    return gv::input_noise[i] + 3.0 * std::sin(2 * pi * 5.0 * t + 0.1) + 2.0 * std::sin(2 * pi * 30.0 * t + 0.7) +
           1.0 * std::sin(2 * pi * 157.0 * t + 1.9) + 0.5 * std::sin(2 * pi * 900.0 * t + 2.5);
}

std::complex<double> response(const std::array<sos_section<double>, 2>& sos, double f, double fs) {
    const std::complex<double> z1 = std::polar(1.0, -2 * pi * f / fs), z2 = z1 * z1;
    std::complex<double> h = 1.0;
    for (const auto& s : sos) h *= (s.b0 + s.b1 * z1 + s.b2 * z2) / (s.a0 + s.a1 * z1 + s.a2 * z2);
    return h;
}

// |1/s| through Al-Alaoui's integrator T (7 + z^-1) / (8 (1 - z^-1)) at f, over the ideal 1 / (2 pi f).
double integral_ratio(double f, double fs) {
    const double w = 2 * pi * f / fs;
    return std::sqrt(50.0 + 14.0 * std::cos(w)) / (16.0 * fs * std::sin(w / 2)) * (2 * pi * f);
}

// |H| in closed form: the prewarped analog HP2(lo) LP2(hi) at the frequency the bilinear transform
// maps to f, times Al-Alaoui's |1/s| at f.
double closed_form_gain(double f, double lo, double hi, double fs) {
    const double tf = std::tan(pi * f / fs), tl = std::tan(pi * lo / fs), th = std::tan(pi * hi / fs);
    const double hp = 1.0 / std::sqrt(1.0 + std::pow(tl / tf, 4)), lp = 1.0 / std::sqrt(1.0 + std::pow(tf / th, 4));
    return hp * lp * integral_ratio(f, fs) / (2 * pi * f);
}
}  // namespace

TEST_CASE("velocity_from_acceleration matches scipy's zpk2sos of HP2 LP2 (bilinear) / s (Al-Alaoui)", "[filter][velocity][golden]") {
    for (const auto& c : cases) {
        INFO(c.name);
        const auto sos = velocity_from_acceleration(hertz{c.lo}, hertz{c.hi}, sample_rate{c.fs});
        for (std::size_t k = 0; k < 2; ++k) {
            const double g[6] = {sos[k].b0, sos[k].b1, sos[k].b2, sos[k].a0, sos[k].a1, sos[k].a2};
            for (int i = 0; i < 6; ++i) {
                const double r = c.sos[6 * k + i];
                INFO("section " << k << " coefficient " << i << ": got " << g[i] << " scipy " << r);
                if (std::fabs(r) < 1e-12)
                    REQUIRE(std::fabs(g[i] - r) <= 1e-15);
                else
                    REQUIRE(std::fabs(g[i] - r) <= 1e-9 * std::fabs(r));
            }
        }
    }
    // At compile time too.
    constexpr auto cx = velocity_from_acceleration(hertz{10.0}, hertz{1000.0}, sample_rate{25600.0});
    // (z - 1)(z + 1/7) = z^2 - 6/7 z - 1/7: one zero at DC, Al-Alaoui's at -1/7.
    static_assert(cx[1].b0 == 1.0 && cx[1].b1 > -0.85715 && cx[1].b1 < -0.85714 && cx[1].b2 > -0.142858 && cx[1].b2 < -0.142857,
                  "one zero at DC, one at -1/7");
    REQUIRE(std::fabs(cx[0].b0 - gv::iso_25k6_sos[0]) <= 1e-9 * gv::iso_25k6_sos[0]);
}

TEST_CASE("vibration_integrator: both forms equal scipy's sosfilt in double, and within 3e-4 RMS in float", "[filter][velocity][golden]") {
    // Each form in double against scipy in double: the same transfer function. In float: the state-
    // variable form, the double sections (float in and out), and the float direct-form cascade of
    // the same sections: the reason for both forms (the figures are in the file comment).
    using svf_f = vibration_integrator<float, velocity_form::state_variable>;
    using dbl_f = vibration_integrator<float, velocity_form::double_sections>;
    for (const auto& c : cases) {
        INFO(c.name);
        const hertz lo{c.lo}, hi{c.hi};
        const sample_rate fs{c.fs};
        vibration_integrator<double, velocity_form::state_variable> d{lo, hi, fs};
        vibration_integrator<double, velocity_form::double_sections> dd{lo, hi, fs};
        svf_f f{lo, hi, fs};
        dbl_f fd{lo, hi, fs};
        biquad_cascade<float, 2> direct{velocity_from_acceleration(lo, hi, fs)};
        double peak = 0, worst_d = 0, worst_dd = 0, err2 = 0, errd2 = 0, ref2 = 0, direct2 = 0;
        for (int i = 0; i < gv::n; ++i) peak = std::fmax(peak, std::fabs(c.out[i]));
        for (int i = 0; i < gv::n; ++i) {
            const double x = input_at(i, c.fs);
            worst_d = std::fmax(worst_d, std::fabs(d(x) - c.out[i]));
            worst_dd = std::fmax(worst_dd, std::fabs(dd(x) - c.out[i]));
            const double yf = f(static_cast<float>(x)), yd = fd(static_cast<float>(x));
            const double yq = direct(static_cast<float>(x));
            err2 += (yf - c.out[i]) * (yf - c.out[i]);
            errd2 += (yd - c.out[i]) * (yd - c.out[i]);
            direct2 += (yq - c.out[i]) * (yq - c.out[i]);
            ref2 += c.out[i] * c.out[i];
        }
        const double svf = std::sqrt(err2 / ref2), dbl = std::sqrt(errd2 / ref2), df = std::sqrt(direct2 / ref2);
        INFO("double: worst " << worst_d << " / " << worst_dd << " of peak " << peak << "; float: relative RMS error "
                              << svf << " (state-variable), " << dbl << " (double sections), the float direct-form cascade's " << df);
        REQUIRE(worst_d <= 1e-9 * peak);
        REQUIRE(worst_dd <= 1e-9 * peak);
        REQUIRE(svf <= 3e-4);
        REQUIRE(dbl <= 3e-4);
        REQUIRE(svf * 20 <= df);   // why not the float direct form
        REQUIRE(dbl * 20 <= df);
    }
}

TEMPLATE_TEST_CASE_SIG("vibration_integrator: process equals operator() (state-variable: bit for bit), in place too, and holds bad samples",
                       "[filter][velocity]", ((velocity_form F), F), velocity_form::state_variable, velocity_form::double_sections) {
    constexpr bool svf = F == velocity_form::state_variable;
    const double fs = 25600.0;
    vibration_integrator<float, F> a{hertz{10.0}, hertz{1000.0}, sample_rate{fs}}, b = a, c = a;
    std::vector<float> x(1000), ya(1000), yb(1000);
    for (int i = 0; i < 1000; ++i) x[i] = static_cast<float>(input_at(i, fs));
    x[317] = std::numeric_limits<float>::quiet_NaN();
    x[318] = std::numeric_limits<float>::infinity();
    for (int i = 0; i < 1000; ++i) ya[i] = a(x[i]);
    for (std::size_t i = 0; i < 1000; i += 77) {
        const std::size_t n = std::min<std::size_t>(77, 1000 - i);
        NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>{x.data() + i, n}, std::span<float>{yb.data() + i, n}));
    }
    // One long call, in place and out of place: superblocks of the time-segment engine where
    // the target has one (the next test bounds it against operator()), the same bits either way.
    std::vector<float> yc = x, yd(1000);
    vibration_integrator<float, F> d = c;
    c.process(yc, yc);
    d.process(x, yd);
    REQUIRE(c.rejected() == 2);
    for (int i = 0; i < 1000; ++i) {
        INFO("sample " << i);
        REQUIRE(std::isfinite(ya[i]));
        if constexpr (svf) {
            REQUIRE(ya[i] == yb[i]);
            REQUIRE(yc[i] == yd[i]);
            if (vibration_integrator<float, F>::superblock == 0 || vibration_integrator<float, F>::superblock > 1000)
                REQUIRE(ya[i] == yc[i]);
            else
                REQUIRE(std::fabs(yc[i] - ya[i]) <= 1e-5 * 0.03);
        } else {   // the cascade's block engines against its per-sample step: double rounding, then float's
            REQUIRE(yb[i] == Approx(ya[i]).epsilon(1e-6).margin(1e-6 * 0.03));
            REQUIRE(yc[i] == yb[i]);
        }
    }
    REQUIRE(a.rejected() == 2);
    REQUIRE(b.rejected() == 2);
    // The held samples are x[316]'s: the same output as feeding x[316] twice more.
    vibration_integrator<float, F> h{hertz{10.0}, hertz{1000.0}, sample_rate{fs}};
    for (int i = 0; i < 319; ++i) REQUIRE(h(i == 317 || i == 318 ? x[316] : x[i]) == ya[i]);
    if constexpr (svf) {
        // An overflowing state is cleared, counted, and the filter goes on (float inputs cannot
        // overflow the double sections).
        for (int i = 0; i < 25600; ++i) a(-3e38f);   // the low-pass state follows the input down...
        a(3e38f);                                     // ...and x - s2 overflows
        REQUIRE(a.resets() >= 1);
        float y = 0;
        for (int i = 0; i < 100; ++i) y = a(0.0f);
        REQUIRE(std::isfinite(y));
    }
}

TEST_CASE("vibration_integrator: the state-variable form's time-segment engine against operator() and scipy",
          "[filter][velocity][golden]") {
    // Calls of whole superblocks (and ragged ones around them) on the golden signals: the
    // segments' start states come from tables (A^L, A^(L-1-n) b, in double from the float
    // coefficients), so the outputs differ from operator()'s by float rounding of those states,
    // bounded here at 1e-5 of the signal's RMS (measured 5e-7 to 8e-7 on random signals) and
    // as close to scipy as operator() is (3e-4, the bound of the test above).
    using svf_f = vibration_integrator<float, velocity_form::state_variable>;
    constexpr std::size_t sb = svf_f::superblock;
    if constexpr (sb == 0) {
        SUCCEED("no time-segment engine on this target: process() is operator() (tested above)");
    } else {
        for (const auto& c : cases) {
            INFO(c.name);
            const hertz lo{c.lo}, hi{c.hi};
            const sample_rate fs{c.fs};
            svf_f a{lo, hi, fs}, b = a;
            std::vector<float> x(gv::n), ya(gv::n), yb(gv::n);
            for (int i = 0; i < gv::n; ++i) x[i] = static_cast<float>(input_at(i, c.fs));
            for (int i = 0; i < gv::n; ++i) ya[i] = a(x[i]);
            const std::size_t calls[] = {sb, 2 * sb + 13, sb - 1, 3 * sb};
            std::size_t i = 0, k = 0, engine = 0;
            while (i < x.size()) {
                const std::size_t m = std::min(calls[k++ % 4], x.size() - i);
                engine += m / sb * sb;
                NERVE_REQUIRE_NO_ALLOC(b.process(std::span<const float>{x.data() + i, m}, std::span<float>{yb.data() + i, m}));
                i += m;
            }
            REQUIRE(engine >= x.size() / 2);
            double e2 = 0, r2 = 0, g2 = 0, worst = 0;
            for (int j = 0; j < gv::n; ++j) {
                e2 += (double(yb[j]) - ya[j]) * (double(yb[j]) - ya[j]);
                g2 += (yb[j] - c.out[j]) * (yb[j] - c.out[j]);
                r2 += c.out[j] * c.out[j];
                worst = std::fmax(worst, std::fabs(double(yb[j]) - ya[j]));
            }
            const double rms = std::sqrt(r2 / gv::n);
            INFO("engine against operator(): relative RMS " << std::sqrt(e2 / r2) << ", worst " << worst / rms
                                                           << " of the RMS; against scipy " << std::sqrt(g2 / r2));
            REQUIRE(std::sqrt(e2 / r2) <= 1e-5);
            REQUIRE(worst <= 1e-5 * rms * 10);
            REQUIRE(std::sqrt(g2 / r2) <= 3e-4);
            REQUIRE(b.rejected() == 0);
            REQUIRE(b.resets() == 0);
        }
        // An overflowing superblock is redone sample by sample: the state is cleared and counted,
        // and the filter goes on.
        svf_f e{hertz{10.0}, hertz{1000.0}, sample_rate{25600.0}};
        std::vector<float> big(4 * sb, -3e38f), out(4 * sb);
        big[3 * sb + 5] = 3e38f;
        e.process(big, out);
        REQUIRE(e.resets() >= 1);
        std::vector<float> zeros(2 * sb, 0.0f);
        e.process(zeros, out);
        for (std::size_t j = 0; j < 2 * sb; ++j) REQUIRE(std::isfinite(out[j]));
    }
}

TEST_CASE("vibration_integrator: the sections' response is HP2 LP2 at the bilinear frequency times Al-Alaoui's 1/s", "[filter][velocity]") {
    for (const auto& c : cases) {
        INFO(c.name);
        const auto sos = velocity_from_acceleration(hertz{c.lo}, hertz{c.hi}, sample_rate{c.fs});
        for (double f : {0.5 * c.lo, c.lo, 2.0 * c.lo, 80.0, 159.2, 0.5 * c.hi, c.hi, 0.45 * c.fs}) {
            if (f >= 0.5 * c.fs) continue;
            INFO("f " << f);
            // 1e-7: evaluating the direct-form sections in double near z = 1 (2 Hz at 51.2 kHz:
            // 1 + a1 + a2 ~ 1e-8) leaves ~1e-16 / 1e-8 of rounding.
            REQUIRE(std::abs(response(sos, f, c.fs)) == Approx(closed_form_gain(f, c.lo, c.hi, c.fs)).epsilon(1e-7));
        }
        // The corners: -3 dB of the ideal integral, up to Al-Alaoui's ratio (and the low-pass
        // corner's 1 - (lo / hi)^4 / 2 there).
        const double at_lo = std::abs(response(sos, c.lo, c.fs)) * 2 * pi * c.lo;
        REQUIRE(at_lo == Approx(std::sqrt(0.5) * integral_ratio(c.lo, c.fs)).epsilon(1e-7));
        // Mid-band (80 Hz, where lo = 10 and hi = 1000 are both far): within 0.05 % of 1 / (2 pi f) at 12 kHz and above.
        if (c.fs >= 12000.0) REQUIRE(std::abs(response(sos, 80.0, c.fs)) * 2 * pi * 80.0 == Approx(1.0).epsilon(5e-4));
        // The top of the band, where the bilinear 1/s read x / tan x low (0.977 at 1 kHz / 12 kHz,
        // 0.72 at 1 kHz / 2.56 kHz): the sections' integral within 0.35 % (12 kHz and up) and 2.5 %
        // (2.56 kHz, where Al-Alaoui's reads 2 % high) of 1 / (2 pi f), the low-pass's -3 dB taken out.
        const double top = 2 * pi * c.hi * std::abs(response(sos, c.hi, c.fs)) * std::sqrt(2.0);
        REQUIRE(std::fabs(top - 1.0) <= (c.fs >= 12000.0 ? 3.5e-3 : 0.025));
        // DC is rejected: an accelerometer's offset never integrates.
        REQUIRE(std::abs(response(sos, 0.0, c.fs)) <= 1e-12);
    }
}

TEMPLATE_TEST_CASE_SIG("vibration_integrator: a constant offset decays, a steady sine integrates; start_at skips the ring",
                       "[filter][velocity]", ((velocity_form F), F), velocity_form::state_variable, velocity_form::double_sections) {
    const double fs = 25600.0;
    vibration_integrator<float, F> v{hertz{10.0}, hertz{1000.0}, sample_rate{fs}};
    // 1 g offset plus 0.1 g at 120 Hz; the velocity amplitude is 0.1 g / (2 pi 120) times the gain.
    const double a = 0.1 * 9.80665, f = 120.0;
    const double expect = a * closed_form_gain(f, 10.0, 1000.0, fs);
    double peak = 0;
    for (int i = 0; i < 51200; ++i) {
        const float y = v(static_cast<float>(9.80665 + a * std::sin(2 * pi * f * i / fs)));
        if (i >= 25600) peak = std::fmax(peak, std::fabs(static_cast<double>(y)));
    }
    REQUIRE(peak == Approx(expect).epsilon(2e-3));
    // A 1 g offset from rest rings through the high-pass (0.071 m/s at its peak); started at the offset, it does not.
    vibration_integrator<float, F> cold{hertz{10.0}, hertz{1000.0}, sample_rate{fs}}, warm = cold;
    REQUIRE(warm.start_at(9.80665f));
    REQUIRE_FALSE(warm.start_at(std::numeric_limits<float>::quiet_NaN()));
    double ring_cold = 0, ring_warm = 0;
    for (int i = 0; i < 2560; ++i) {
        ring_cold = std::fmax(ring_cold, std::fabs(cold(9.80665f)));
        ring_warm = std::fmax(ring_warm, std::fabs(warm(9.80665f)));
    }
    REQUIRE(ring_cold > 0.05);
    REQUIRE(ring_warm <= 1e-6);
    REQUIRE(warm.resets() == 0);
}
