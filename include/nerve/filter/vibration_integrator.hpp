// nerve/filter/vibration_integrator.hpp — acceleration to band-limited velocity: what a
// vibration-severity reading (ISO 10816 / 20816: RMS velocity over 10-1000 Hz, 2-1000 Hz for slow
// machines) needs from an accelerometer.
//
//   nerve::filter::vibration_integrator<float> v{10.0_Hz, 1000.0_Hz, 25600.0_Hz};
//   float vel = v(acc);   // input units x seconds: m/s^2 in, m/s out
//
// Transfer function: HP LP / s, HP a 2nd-order Butterworth high-pass at `lo`, LP a 2nd-order
// Butterworth low-pass at `hi`, both through the bilinear transform with prewarped corners (so
// they land exactly: -3 dB at both), and the 1/s through Al-Alaoui's integrator
// T (7 + z^-1) / (8 (1 - z^-1)) rather than the bilinear image T (1 + z^-1) / (2 (1 - z^-1)).
// The bilinear 1/s reads a line at f low by x / tan x, x = pi f / fs: 2.3 % at 1 kHz sampled at
// 12 kHz, 13.5 % at 5 kHz, 59 % at 0.4 fs (1 kHz at 2.5 kHz); MEMS accelerometers are often
// logged at 3-6 kHz, with the top of ISO 10816's band near there. Al-Alaoui's magnitude,
// sqrt(50 + 14 cos w) / (16 fs sin(w / 2)) with w = 2 pi f / fs, is 1 / (2 pi f) within 0.1 % at
// 1 kHz and 25.6 kHz, 0.34 % at 12 kHz, 1.5 % at fs / 5 (the whole filter against the analog
// band: tools/velocity_band_error.py). It costs one zero moved from -1 to -1/7 (a gain of 7/4):
// the same two sections, and one FMA in the state-variable form; its phase is not -90 degrees
// (the RMS and the zones do not see phase). Dividing by s cancels one of HP's two zeros at DC, so
// there is no pole there: an accelerometer's offset is rejected and nothing drifts.
// velocity_from_acceleration() gives the filter as two second-order sections, equal to scipy's
// bilinear_zpk + zpk2sos of HP LP / s with that zero moved
// (tools/gen_golden_velocity.py).
//
// Realisation: not those sections in float. A float direct-form section with poles 2 pi lo / fs
// from z = 1 loses the corner to coefficient rounding: 1 + a1 + a2 is ~1e-5 at 10 Hz and 12 kHz, and
// rounding a1 to float moves it by up to 1 %; the cascade's float block engines are as far off.
// Against scipy in double on the golden signals (noise and lines at 5-900 Hz, tests/filter/
// test_vibration_integrator.cpp) the float direct form is 1.3e-3 of the RMS off at 10 Hz and 12 kHz,
// 8.9e-4 at 25.6 kHz, 2.7e-2 at 2 Hz and 51.2 kHz, 5.5e-5 at 10 Hz and 2.56 kHz. Two forms instead
// (velocity_form; the default by target):
//  - state_variable (the Cortex-M4, aarch64 and other targets without x86 SIMD): two trapezoidal
//    state-variable sections realise the same transfer function with integrator states, whose
//    coefficients tan(pi f / fs) keep full relative precision at any f / fs: the first one's
//    band-pass output is HP / s (bilinear) times the corner frequency, the second one's low-pass
//    output plus 3 g / 4 times its band-pass output is LP times Al-Alaoui's 1/s over the bilinear
//    one (integrate()). Float: 1.3e-6 / 7.7e-6 / 3.6e-5 / 7.2e-7 of the RMS off on the
//    same signals. Per sample 19 floating-point operations (8 per section, the output mix, the
//    gain), one recurrence: Cortex-M4F 22.9 instructions (49.1 modelled cycles) per sample against
//    the float direct form's 11.1 (32.1) (bench/mcu/vibration_severity.cpp); modelled Cortex-A72
//    21.4 instructions, 23.5 cycles (bench/a64/filters.cpp); on x86 latency-bound (below).
//    Before the output mix (the bilinear 1/s): M4F 21.9 (46.1), Cortex-A72 20.4 (25.4).
//    Time segments (stop 56; float on SIMD hosts, calls of `superblock` samples or more: 2 x 4
//    lanes x 32 with NEON and SSE2 (256), 1 x 8 x 64 with AVX2, 1 x 16 x 64 with AVX-512): the
//    biquad's time-segment method on this form. A superblock is cut into segments, one per
//    lane of one or two vectors; each segment's zero-state end state is summed from a table
//    (A^(L-1-n) b, A the one-step matrix of the four states) on the way in, the segments' start
//    states follow in double from the running state (X_(j+1) = A^L X_j + z_j), and the
//    recurrence above runs in the lanes from them, two vectors side by side where they have 4
//    lanes (one waits on the recurrence's latency). The running state is the last segment's
//    end state, so no rounding of the tables carries beyond a superblock. Against operator():
//    5e-7 to 8e-7 of the RMS on random signals, bounded at 1e-5 in the tests and as close to
//    scipy as operator() is. Modelled Cortex-A72 (bench/a64/filters.cpp, 1024-sample calls):
//    21.4 -> 11.7 instructions, 23.5 -> 8.9 cycles per sample; the maintenance pipeline there
//    (bench/a64/pipelines.cpp) 88.2 -> 72.8 cycles per sample. x86 (AVX-512, 4096-sample calls,
//    vibration_integrator/state_variable) 0.20 -> 1.34 G samples/s, ~1.45x the double sections
//    (the x86 default, kept for its 2.6e-8).
//  - double_sections (x86 SIMD hosts): the scipy sections in a biquad_cascade<double, 2>, float
//    widened to double in pieces of 64, through the cascade's block engines: 2.6e-8 of the RMS off
//    (float's output rounding); x86 (AVX-512) 1.03-1.19 G samples/s against the state-variable
//    form's 0.23 and the float direct form's 4.3 (nerve_bench vibration_integrator/*, one run;
//    1.29 / 0.25 / 5.2 in an earlier one on the same machine type).
//
// Bad input: a NaN or Inf sample is replaced by the last finite one (counted, rejected()); a state
// that overflows (finite float inputs near float's limit, state-variable form only) is cleared and
// counted (resets()). The state-variable form checks its states at the end of every 64-sample piece
// of process() and on every operator() call; the double sections are biquad_cascade's own
// guards. 0 < lo < hi < fs / 2 is checked with NERVE_ASSERT.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/numeric.hpp"
#include "../core/units.hpp"
#include "biquad.hpp"
#include "butterworth.hpp"
#include "detail/zpk.hpp"
#include "sos.hpp"

#if NERVE_HAS_XSIMD
#include <xsimd/xsimd.hpp>

#include "../core/simd_transpose.hpp"
#endif

namespace nerve::filter {

/// Second-order sections of HP2(lo) LP2(hi) / s digitised at fs: the Butterworth corners through the
/// bilinear transform, the 1/s as Al-Alaoui's integrator (see the file comment).
constexpr std::array<sos_section<double>, 2> velocity_from_acceleration(hertz lo, hertz hi, sample_rate fs) noexcept {
    NERVE_ASSERT(lo.value > 0.0 && lo.value < hi.value && hi.value < fs.value / 2);
    using iir_detail::zpk;
    constexpr std::size_t cap = 8;
    const double wl = 2 * fs.value * cmath::tan(cmath::pi * lo.value / fs.value);   // prewarped corners, rad/s
    const double wh = 2 * fs.value * cmath::tan(cmath::pi * hi.value / fs.value);
    const zpk<cap> hp = iir_detail::lp2hp(iir_detail::butter_prototype<2, cap>(), wl);   // zeros 0, 0
    const zpk<cap> lp = iir_detail::lp2lp(iir_detail::butter_prototype<2, cap>(), wh);   // no zeros
    zpk<cap> h;
    h.add_zero(hp.z[0]);   // one zero at 0: the / s cancels the other
    for (std::size_t i = 0; i < hp.np; ++i) h.add_pole(hp.p[i]);
    for (std::size_t i = 0; i < lp.np; ++i) h.add_pole(lp.p[i]);
    h.k = hp.k * lp.k;
    zpk<cap> d = iir_detail::bilinear(h, fs.value);
    // The bilinear image of 1/s, T (1 + z^-1) / (2 (1 - z^-1)), becomes Al-Alaoui's integrator
    // T (7 + z^-1) / (8 (1 - z^-1)): one of the zeros bilinear() appended at -1 (the last) moves to
    // -1/7 and the gain takes 7/4 (see the file comment).
    d.z[d.nz - 1] = {-1.0 / 7.0, 0.0};
    d.k *= 7.0 / 4.0;
    return iir_detail::zpk2sos<2>(d);
}

/// How vibration_integrator computes (see Realisation in the file comment).
enum class velocity_form : std::uint8_t {
    state_variable,    ///< two trapezoidal state-variable sections in T, sample by sample
    double_sections,   ///< the scipy sections in a biquad_cascade<double, 2> (its block engines)
};
// x86 SIMD hosts: the double sections (AVX-512: 4.4-5.2x the state-variable form's speed). aarch64: the
// state-variable form (modelled Cortex-A72: 21.4 instructions and 23.5 cycles per sample against the
// double sections' 46.6 and 31.9 on two-lane double NEON; bench/a64/filters.cpp).
#if NERVE_HAS_XSIMD && !defined(__aarch64__)
inline constexpr velocity_form default_velocity_form = velocity_form::double_sections;
#else
inline constexpr velocity_form default_velocity_form = velocity_form::state_variable;
#endif

template <sample_type T = float, velocity_form Form = default_velocity_form>
class vibration_integrator {
    static_assert(std::is_floating_point_v<T>, "vibration_integrator takes float or double samples");
    static constexpr bool svf = Form == velocity_form::state_variable;

public:
    using input_type = T;
    using output_type = T;
    static constexpr velocity_form form = Form;

    /// `output_scale` multiplies the velocity (e.g. 9806.65 for g in, mm/s out); it costs nothing,
    /// being folded into the gain every output takes anyway.
    constexpr vibration_integrator(hertz lo, hertz hi, sample_rate fs, double output_scale = 1.0) noexcept {
        NERVE_ASSERT(lo.value > 0.0 && lo.value < hi.value && hi.value < fs.value / 2);
        if constexpr (svf) {
            const double gl = cmath::tan(cmath::pi * lo.value / fs.value);
            lo_ = section::design(gl);
            const double gh = cmath::tan(cmath::pi * hi.value / fs.value);
            hi_ = section::design(gh);
            al_ = static_cast<T>(0.75 * gh);
            // The band-pass output is w s / (s^2 + sqrt2 w s + w^2) with w the prewarped lo corner,
            // 2 fs gl rad/s: divided by w it is HP(s) / s.
            gain_ = static_cast<T>(output_scale / (2.0 * fs.value * gl));
            if constexpr (segments) seg_.build(lo_, hi_);
        } else {
            auto sos = velocity_from_acceleration(lo, hi, fs);
            sos[0].b0 *= output_scale;
            sos[0].b1 *= output_scale;
            sos[0].b2 *= output_scale;
            sections_ = biquad_cascade<double, 2>{sos};
        }
    }

    constexpr T operator()(T x) noexcept {
        if constexpr (svf) {
            x = guard_(x);
            const T y = step(x);
            if (NERVE_UNLIKELY(!is_finite(y))) {
                clear_state();
                return T(0);
            }
            return y;
        } else {
            return static_cast<T>(sections_(static_cast<double>(x)));
        }
    }

    /// Block path; `out` may be `in` (in place). State-variable form: whole superblocks through
    /// the time-segment engine where there is one (see Time segments; within its rounding of
    /// operator()), the rest operator() per sample, the same bits (so calls shorter than a
    /// superblock give operator()'s outputs exactly); pieces of 64 run with the coefficients and states in locals (registers: `out`
    /// could alias the members, so a loop on them reloads everything every sample) and no
    /// per-sample check; a piece that leaves a non-finite state (a NaN or Inf input, or an
    /// overflow) is run again from its start, sample by sample as operator() runs it. In place,
    /// each piece is first copied to the stack, so its inputs are still there for that second run.
    /// Double sections: pieces of 64 widened to double through the cascade's block path (its
    /// outputs equal operator()'s to double rounding, not bit for bit).
    constexpr void process(std::span<const T> in, std::span<T> out) noexcept {
        NERVE_ASSERT(out.size() >= in.size());
        const std::size_t n = in.size();
        const T* x = in.data();
        T* y = out.data();
        const bool overlap = y < x + n && x < y + n;
        std::size_t i = 0;
#if NERVE_HAS_XSIMD
        if constexpr (segments) {
            for (; n - i >= superblock; i += superblock) run_superblock(x + i, y + i);
        }
#endif
        for (; i < n; i += piece) {
            const std::size_t m = n - i < piece ? n - i : piece;
            if constexpr (svf) {
                std::array<T, piece> copy;
                const T* src = x + i;
                if (overlap) {
                    for (std::size_t k = 0; k < m; ++k) copy[k] = src[k];
                    src = copy.data();
                }
                if (NERVE_LIKELY(run_clean(src, y + i, m))) continue;
                for (std::size_t k = 0; k < m; ++k) y[i + k] = (*this)(src[k]);
            } else {
                alignas(64) std::array<double, piece> w;
                for (std::size_t k = 0; k < m; ++k) w[k] = static_cast<double>(x[i + k]);
                sections_.process(std::span<const double>{w.data(), m}, std::span<double>{w.data(), m});
                for (std::size_t k = 0; k < m; ++k) y[i + k] = static_cast<T>(w[k]);
            }
        }
    }

    /// The state a constant input `level` settles to (velocity 0), so an offset does not ring
    /// through the high-pass at start-up; `level` becomes the last finite input. False, state
    /// unchanged, for a non-finite level.
    constexpr bool start_at(T level) noexcept {
        if (!is_finite(level)) return false;
        if constexpr (svf) {
            lo_.s1 = hi_.s1 = hi_.s2 = T(0);
            lo_.s2 = level;   // at DC the low-pass state holds the input, the band-pass state 0
            guard_.mark_good(level);
            return true;
        } else {
            return sections_.start_at(static_cast<double>(level));
        }
    }

    /// Clears the state and the counters.
    constexpr void reset() noexcept {
        if constexpr (svf) {
            lo_.s1 = lo_.s2 = hi_.s1 = hi_.s2 = T(0);
            guard_.reset();
            resets_ = 0;
        } else {
            sections_.reset();
        }
    }

    template <class V>
    constexpr void visit_state(V& v) {
        if constexpr (svf) {
            v(lo_.s1); v(lo_.s2); v(hi_.s1); v(hi_.s2);
            v(guard_);
            v(resets_);
        } else {
            v(sections_);
        }
    }

    /// Non-finite inputs replaced by the last finite one.
    constexpr std::uint32_t rejected() const noexcept {
        if constexpr (svf) return guard_.rejected();
        else return sections_.rejected();
    }
    /// Times the state overflowed and was cleared (double sections: not from float inputs).
    constexpr std::uint32_t resets() const noexcept {
        if constexpr (svf) return resets_;
        else return sections_.resets();
    }

private:
    // A trapezoidal (bilinear, prewarped) state-variable section with damping sqrt2 (Butterworth):
    // g = tan(pi f / fs); states s1, s2 are the two integrators' trapezoidal memories.
    struct section {
        T m1{}, m2{}, m3{};   // 1 / (1 + g (g + k)), g m1, g m2
        T s1{}, s2{};
        static constexpr section design(double g) noexcept {
            const double k = 1.4142135623730950488;
            const double m1 = 1.0 / (1.0 + g * (g + k));
            section s;
            s.m1 = static_cast<T>(m1);
            s.m2 = static_cast<T>(g * m1);
            s.m3 = static_cast<T>(g * g * m1);
            return s;
        }
        struct outputs {
            T band, low;
        };
        // One sample: the band-pass and low-pass outputs for input x.
        NERVE_ALWAYS_INLINE constexpr outputs run(T x) noexcept {
            T band, low;
            update(m1, m2, m3, s1, s2, x, band, low);
            return {band, low};
        }
        // The update itself, in any arithmetic (T here; double for the segment engine's tables).
        template <class U>
        NERVE_ALWAYS_INLINE static constexpr void update(U m1, U m2, U m3, U& s1, U& s2, U x, U& band, U& low) noexcept {
            const U v3 = x - s2;
            band = m1 * s1 + m2 * v3;
            low = s2 + m2 * s1 + m3 * v3;
            s1 = U(2) * band - s1;
            s2 = U(2) * low - s2;
        }
    };

    // The high section's low-pass output plus 3 g / 4 times its band-pass one (al, g of the high
    // section): numerator g^2 (1 + z^-1)^2 + (3 g / 4) g (1 - z^-2) = g^2 (7/4) (1 + z^-1)
    // (1 + z^-1 / 7), i.e. one (1 + z^-1) of the bilinear 1/s traded for Al-Alaoui's
    // 7/4 (1 + z^-1 / 7): one FMA.
    NERVE_ALWAYS_INLINE static constexpr T integrate(section& lo, section& hi, T al, T x) noexcept {
        const typename section::outputs o = hi.run(lo.run(x).band);
        return o.low + al * o.band;
    }

    NERVE_ALWAYS_INLINE constexpr T step(T x) noexcept { return integrate(lo_, hi_, al_, x) * gain_; }

    static constexpr std::size_t piece = 64;

public:
#if NERVE_HAS_XSIMD
    /// State-variable form in float on SIMD hosts: calls of `superblock` samples or more run
    /// their whole superblocks through the time-segment engine (see Time segments above).
    static constexpr bool segments = svf && std::is_same_v<T, float>;
    static constexpr std::size_t segment_lanes = xsimd::batch<float>::size;
#else
    static constexpr bool segments = false;
    static constexpr std::size_t segment_lanes = 1;
#endif
    // Vectors of segments run side by side: two with 4 lanes (NEON, SSE2), where one waits on
    // the recurrence's latency (modelled A72 10.4 -> 8.9 cycles per sample), one with 8 or 16
    // (two measured 0.79x on AVX-512: more registers than it has, twice the prefix).
    static constexpr std::size_t segment_groups = segment_lanes <= 4 ? 2 : 1;
    static constexpr std::size_t segment_length = segment_groups == 2 ? 32 : 64;
    static constexpr std::size_t superblock = segments ? segment_groups * segment_lanes * segment_length : 0;

private:
    // The engine's tables, from the float coefficients the recurrence runs (in double): the
    // filter is X' = A X + b x over X = (lo s1, lo s2, hi s1, hi s2); bz[n] = A^(L-1-n) b (a
    // segment's zero-state end state sums bz[n] x[n]) and al = A^L.
    struct segment_tables {
        std::array<std::array<float, 4>, segment_length> bz{};
        std::array<std::array<double, 4>, 4> al{};

        constexpr void build(const section& lo, const section& hi) noexcept {
            auto step = [&](const std::array<double, 4>& st, double x) {
                std::array<double, 4> r = st;
                double band, low;
                section::template update<double>(lo.m1, lo.m2, lo.m3, r[0], r[1], x, band, low);
                section::template update<double>(hi.m1, hi.m2, hi.m3, r[2], r[3], band, band, low);
                return r;
            };
            std::array<std::array<double, 4>, 4> A{};   // A[k][m]: state k after a step from e_m
            for (std::size_t m = 0; m < 4; ++m) {
                std::array<double, 4> e{};
                e[m] = 1;
                const std::array<double, 4> c = step(e, 0.0);
                for (std::size_t k = 0; k < 4; ++k) A[k][m] = c[k];
            }
            std::array<double, 4> v = step(std::array<double, 4>{}, 1.0);   // b
            for (std::size_t n = segment_length; n-- > 0;) {
                for (std::size_t k = 0; k < 4; ++k) bz[n][k] = static_cast<float>(v[k]);
                std::array<double, 4> w{};
                for (std::size_t k = 0; k < 4; ++k)
                    for (std::size_t m = 0; m < 4; ++m) w[k] += A[k][m] * v[m];
                v = w;
            }
            // A^L by squaring (L = 32 = 2^5).
            std::array<std::array<double, 4>, 4> P = A;
            for (std::size_t q = 1; q < segment_length; q *= 2) {
                std::array<std::array<double, 4>, 4> Q{};
                for (std::size_t k = 0; k < 4; ++k)
                    for (std::size_t m = 0; m < 4; ++m)
                        for (std::size_t j = 0; j < 4; ++j) Q[k][m] += P[k][j] * P[j][m];
                P = Q;
            }
            al = P;
        }
    };
    static_assert((segment_length & (segment_length - 1)) == 0, "A^L by squarings");

#if NERVE_HAS_XSIMD
    // One superblock of G W L samples, segment s (x[s L .. s L + L)) in lane s % W of group
    // s / W: (1) transposed in W x W at a time into a stack copy, each segment's zero-state end
    // state summed on the way; (2) the segments' start states in double, X_(s+1) = A^L X_s + z_s
    // from the running state; (3) the state-variable recurrence in the lanes from those states,
    // the G groups side by side (independent chains: one group waits on the recurrence's
    // latency), the outputs transposed back. The running state becomes the last segment's end
    // state. A non-finite output or end state (bad input, overflow) redoes the superblock sample
    // by sample through operator() from the copy, as a call below a superblock would run it; so
    // in place works too.
    void run_superblock(const T* x, T* y) noexcept {
        using batch = xsimd::batch<float>;
        constexpr std::size_t W = segment_lanes, L = segment_length, G = segment_groups;
        alignas(64) float xt[L][G][W];
        batch z[G][4];
        for (std::size_t q = 0; q < G; ++q)
            for (std::size_t k = 0; k < 4; ++k) z[q][k] = batch(0.0f);
        for (std::size_t g = 0; g < L; g += W) {
            for (std::size_t q = 0; q < G; ++q) {
                batch r[W];
                for (std::size_t j = 0; j < W; ++j) r[j] = batch::load_unaligned(x + (q * W + j) * L + g);
                nerve::detail::transpose_in_registers(r);
                for (std::size_t n = 0; n < W; ++n) {
                    r[n].store_aligned(xt[g + n][q]);
                    for (std::size_t k = 0; k < 4; ++k) z[q][k] = xsimd::fma(batch(seg_.bz[g + n][k]), r[n], z[q][k]);
                }
            }
        }
        alignas(64) float zl[G][4][W], st[G][4][W];
        for (std::size_t q = 0; q < G; ++q)
            for (std::size_t k = 0; k < 4; ++k) z[q][k].store_aligned(zl[q][k]);
        double X[4] = {lo_.s1, lo_.s2, hi_.s1, hi_.s2};
        for (std::size_t q = 0; q < G; ++q) {
            for (std::size_t j = 0; j < W; ++j) {
                for (std::size_t k = 0; k < 4; ++k) st[q][k][j] = static_cast<float>(X[k]);
                double nx[4];
                for (std::size_t k = 0; k < 4; ++k)
                    nx[k] = ((seg_.al[k][0] * X[0] + seg_.al[k][1] * X[1]) + (seg_.al[k][2] * X[2] + seg_.al[k][3] * X[3])) +
                            static_cast<double>(zl[q][k][j]);
                for (std::size_t k = 0; k < 4; ++k) X[k] = nx[k];
            }
        }
        batch l1[G], l2[G], h1[G], h2[G];
        for (std::size_t q = 0; q < G; ++q) {
            l1[q] = batch::load_aligned(st[q][0]);
            l2[q] = batch::load_aligned(st[q][1]);
            h1[q] = batch::load_aligned(st[q][2]);
            h2[q] = batch::load_aligned(st[q][3]);
        }
        const batch lm1(lo_.m1), lm2(lo_.m2), lm3(lo_.m3), hm1(hi_.m1), hm2(hi_.m2), hm3(hi_.m3);
        const batch al(al_), gain(gain_);
        batch chk(0.0f);
        for (std::size_t g = 0; g < L; g += W) {
            batch r[G][W];
            for (std::size_t n = 0; n < W; ++n) {
                for (std::size_t q = 0; q < G; ++q) {
                    // section::run on W lanes, a state's update 2 u - s as u + (u - s) (two
                    // operations, no register copy: NEON's FMLA overwrites its addend). The
                    // FMA into l2 (a copy) keeps the chain shorter than a multiply, an FMA and
                    // an add: modelled A72 8.87 against 9.29 cycles per sample.
                    const batch v = batch::load_aligned(xt[g + n][q]);
                    const batch u3 = v - l2[q];
                    const batch u1 = xsimd::fma(lm1, l1[q], lm2 * u3);
                    const batch u2 = xsimd::fma(lm2, l1[q], xsimd::fma(lm3, u3, l2[q]));
                    l1[q] = u1 + (u1 - l1[q]);
                    l2[q] = u2 + (u2 - l2[q]);
                    const batch w3 = u1 - h2[q];
                    const batch w1 = xsimd::fma(hm1, h1[q], hm2 * w3);
                    const batch w2 = xsimd::fma(hm2, h1[q], xsimd::fma(hm3, w3, h2[q]));
                    h1[q] = w1 + (w1 - h1[q]);
                    h2[q] = w2 + (w2 - h2[q]);
                    r[q][n] = xsimd::fma(al, w1, w2) * gain;
                    chk = chk + r[q][n];   // Inf or NaN once an output is not finite (or the sum overflows: a redo)
                }
            }
            for (std::size_t q = 0; q < G; ++q) {
                nerve::detail::transpose_in_registers(r[q]);
                for (std::size_t j = 0; j < W; ++j) r[q][j].store_unaligned(y + (q * W + j) * L + g);
            }
        }
        // A non-finite input reaches its lane's states at once and stays there (as in run_clean).
        for (std::size_t q = 0; q < G; ++q) chk = chk + ((l1[q] - l1[q]) + (l2[q] - l2[q])) + ((h1[q] - h1[q]) + (h2[q] - h2[q]));
        if (NERVE_LIKELY(xsimd::all(chk == chk))) {
            l1[G - 1].store_aligned(st[0][0]);
            l2[G - 1].store_aligned(st[0][1]);
            h1[G - 1].store_aligned(st[0][2]);
            h2[G - 1].store_aligned(st[0][3]);
            lo_.s1 = st[0][0][W - 1];
            lo_.s2 = st[0][1][W - 1];
            hi_.s1 = st[0][2][W - 1];
            hi_.s2 = st[0][3][W - 1];
            guard_.mark_good(xt[L - 1][G - 1][W - 1]);
            return;
        }
        for (std::size_t q = 0; q < G; ++q)
            for (std::size_t j = 0; j < W; ++j)
                for (std::size_t n = 0; n < L; ++n) y[(q * W + j) * L + n] = (*this)(xt[n][q][j]);
    }
#endif

    // One piece with everything in locals; commits the states (and the last input as the last
    // good one) only if they end finite, which they do exactly when every input was finite and
    // nothing overflowed (a NaN or Inf reaches the states at once and stays there).
    constexpr bool run_clean(const T* x, T* y, std::size_t m) noexcept {
        section lo = lo_, hi = hi_;
        const T g = gain_, al = al_;
        for (std::size_t k = 0; k < m; ++k) y[k] = integrate(lo, hi, al, x[k]) * g;
        if (NERVE_UNLIKELY(!is_finite(lo.s1 + lo.s2 + hi.s1 + hi.s2))) return false;
        lo_ = lo;
        hi_ = hi;
        guard_.mark_good(x[m - 1]);
        return true;
    }

    constexpr void clear_state() noexcept {
        lo_.s1 = lo_.s2 = hi_.s1 = hi_.s2 = T(0);
        ++resets_;
    }

    struct none {};
    template <class A, class B>
    using pick = std::conditional_t<svf, A, B>;
    [[no_unique_address]] pick<section, none> lo_{}, hi_{};
    [[no_unique_address]] pick<T, none> gain_{}, al_{};   // output gain; 3 g / 4 of hi_
    [[no_unique_address]] pick<hold_last_good<T>, none> guard_{};
    [[no_unique_address]] pick<std::uint32_t, none> resets_{};
    [[no_unique_address]] pick<none, biquad_cascade<double, 2>> sections_{};
    [[no_unique_address]] std::conditional_t<segments, segment_tables, none> seg_{};   // not state
};

}  // namespace nerve::filter
