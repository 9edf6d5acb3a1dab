// bench/mcu_cmsis/cmsis_filters.cpp — CMSIS-DSP's filter kernels on the Cortex-M4, for the
// comparison rows of the README's Cortex-M4 table. NOT built by the project: CMSIS-DSP is not a
// dependency and none of its code is in this repository. tools/mcu_cmsis_table.py compiles this
// driver together with a CMSIS-DSP checkout the user supplies (--cmsis-dir) and counts the
// kernels' instructions and modelled cycles with tools/mcu_icount.py.
//
// The jobs are the ones bench/mcu/{biquad4_*,fir64_*,filter_blocks,interp_fixed}.cpp give nerve: block of kBlock = 256,
// 4 biquad sections of butterworth<8> low-pass 0.1, a 64-tap firwin_lowpass(1/8); q15/q31
// inputs at half scale, f32 inputs in [-1, 1). Each kernel is called directly from main twice
// (the second call runs on warm state), so `tools/mcu_icount.py <elf> arm_fir_q31` counts the
// library function itself. Instance structures are filled field by field (numTaps, pState,
// pCoeffs, numStages, postShift: the public members the CMSIS-DSP documentation describes), so
// the init functions are not needed.
//
// Run with the argument `check` (not traced) the program also computes every output in double
// from the same quantised coefficients and inputs and prints the largest error in units of the
// output's LSB (f32: absolute); the table script reports it, a gross error means a broken build.
// Which kernels are present is chosen by -DNERVE_CMSIS_HAS_<NAME>=1 (the script sets one per
// source file it finds).
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "arm_math.h"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/fir_design.hpp"

namespace {
constexpr unsigned kBlock = 256;
constexpr unsigned kTaps = 64;
constexpr unsigned kStages = 4;
constexpr auto kSos = nerve::filter::butterworth<8, nerve::filter::band_type::lowpass>(0.1);

// The design puts the whole (tiny) gain in the first section, which q15 would round to zero:
// as a CMSIS user would, give every section unit DC gain (b scaled by sum(a) / sum(b) in the scipy sign
// convention); the cascade's response is unchanged.
struct section {
    double b0, b1, b2, a1, a2;  // CMSIS sign convention: y = b.x + a1 y1 + a2 y2
};
std::array<section, 4> unit_gain_sections() {
    std::array<section, 4> out{};
    for (unsigned s = 0; s < 4; ++s) {
        const auto& q = kSos[s];
        const double g = (q.a0 + q.a1 + q.a2) / (q.b0 + q.b1 + q.b2);
        out[s] = {q.b0 * g, q.b1 * g, q.b2 * g, -q.a1 / q.a0, -q.a2 / q.a0};
    }
    return out;
}
const std::array<section, 4> kSec = unit_gain_sections();

std::array<double, kTaps> g_h;     // FIR taps (double design)
std::array<double, kBlock> g_x;    // input in [-1, 1)
std::array<double, 4 * kBlock> g_ref;  // double reference of the current job (interpolators: 4 per input)
bool g_check = false;
int g_failed = 0;

void next_inputs() {
    std::uint32_t s = 1;
    for (auto& v : g_x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<double>(static_cast<std::int32_t>(s)) / 2147483648.0;
    }
}

// Two blocks through a double FIR with taps h (time order), the reference of the second one.
void fir_reference(const double* h, const double* x) {
    for (unsigned n = 0; n < kBlock; ++n) {
        double acc = 0;
        for (unsigned k = 0; k < kTaps; ++k) {
            // blocks are identical, so sample n - k of the second block is x[(n - k) mod kBlock]
            acc += h[k] * x[(n + kBlock - k) % kBlock];
        }
        g_ref[n] = acc;
    }
}

// Two blocks through a double DF1 cascade with coefficients c[s] = {b0, b1, b2, a1, a2} in the
// CMSIS sign convention (y = b.x + a1 y1 + a2 y2); reference of the second block.
void biquad_reference(const double (*c)[5], const double* x) {
    double st[kStages][4] = {};
    for (int pass = 0; pass < 2; ++pass) {
        for (unsigned n = 0; n < kBlock; ++n) {
            double v = x[n];
            for (unsigned s = 0; s < kStages; ++s) {
                const double y = c[s][0] * v + c[s][1] * st[s][0] + c[s][2] * st[s][1] + c[s][3] * st[s][2] +
                                 c[s][4] * st[s][3];
                st[s][1] = st[s][0];
                st[s][0] = v;
                st[s][3] = st[s][2];
                st[s][2] = y;
                v = y;
            }
            g_ref[n] = v;
        }
    }
}

// Two blocks through a double interpolator by L with taps h (time order, Len of them): the
// second block's outputs, y[nL + p] = sum_i h[p + iL] x[n - i].
template <unsigned L, unsigned Len>
void interp_reference(const double* h, const double* x) {
    for (unsigned m = 0; m < kBlock * L; ++m) {
        double acc = 0;  // second of two identical blocks: x[n - i] wraps into the first
        for (unsigned i = 0; i < Len / L; ++i) acc += h[m % L + i * L] * x[(m / L + kBlock - i) % kBlock];
        g_ref[m] = acc;
    }
}

// A CMSIS interpolator instance set by hand (L, phase length, taps, zeroed state, as its docs
// allow without the init function) and run twice over the block: the second call, on warm
// state, is the one the reference describes.
template <class Inst, class S, class C>
void run_interpolator(void (*fn)(const Inst*, const S*, S*, std::uint32_t), unsigned L, unsigned phase_length,
                      const C* coeffs, S* state, const S* in, S* out) {
    Inst f{};
    f.L = static_cast<decltype(f.L)>(L);
    f.phaseLength = static_cast<decltype(f.phaseLength)>(phase_length);
    f.pCoeffs = coeffs;
    f.pState = state;
    fn(&f, in, out, kBlock);
    fn(&f, in, out, kBlock);
}

template <class T>
void report(const char* name, const T* out, double lsb, unsigned count = kBlock) {
    if (!g_check) return;
    double worst = 0;
    for (unsigned n = 0; n < count; ++n) worst = std::fmax(worst, std::fabs(static_cast<double>(out[n]) * lsb - g_ref[n]));
    const double in_lsb = worst / lsb;
    // A working build is within a few hundred LSB (the fast q31 kernels drop the low product
    // halves); a wrong struct layout or a miscompiled intrinsic is off by a large fraction.
    const bool bad = worst > 1e-2;
    g_failed += bad ? 1 : 0;
    // newlib-nano's printf has no %f: print hundredths of an LSB (f32: units of 1e-9).
    if (lsb == 1.0)
        std::printf("check %s: max |error| %ld e-9%s\n", name, static_cast<long>(worst * 1e9 + 0.5), bad ? "  FAILED" : "");
    else
        std::printf("check %s: max |error| %ld.%02ld LSB%s\n", name, static_cast<long>(in_lsb),
                    static_cast<long>(std::fmod(in_lsb, 1.0) * 100), bad ? "  FAILED" : "");
}

std::int32_t to_q31(double v) {
    const double r = std::nearbyint(v * 2147483648.0);
    return static_cast<std::int32_t>(std::fmax(-2147483648.0, std::fmin(2147483647.0, r)));
}
std::int16_t to_q15(double v) {
    const double r = std::nearbyint(v * 32768.0);
    return static_cast<std::int16_t>(std::fmax(-32768.0, std::fmin(32767.0, r)));
}

// Coefficients of the cascade in the CMSIS sign convention, scaled by 2^-post_shift.
int post_shift_for(double limit) {
    int shift = 0;
    for (const auto& s : kSec)
        for (double v : {s.b0, s.b1, s.b2, s.a1, s.a2})
            while (std::fabs(v) / std::ldexp(1.0, shift) >= limit) ++shift;
    return shift;
}
}  // namespace

int main(int argc, char** argv) {
    g_check = argc > 1 && std::strcmp(argv[1], "check") == 0;
    g_h = nerve::filter::firwin_lowpass<kTaps>(1.0 / 8);
    next_inputs();

#if NERVE_CMSIS_HAS_FIR_Q31 || NERVE_CMSIS_HAS_FIR_FAST_Q31
    {
        static q31_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock];
        static double hq[kTaps], xq[kBlock];
        for (unsigned k = 0; k < kTaps; ++k) {
            coeffs[k] = to_q31(g_h[kTaps - 1 - k]);  // CMSIS stores the taps time-reversed
            hq[kTaps - 1 - k] = coeffs[k] / 2147483648.0;
        }
        for (unsigned n = 0; n < kBlock; ++n) {
            in[n] = to_q31(g_x[n] / 2);
            xq[n] = in[n] / 2147483648.0;
        }
        if (g_check) fir_reference(hq, xq);
        arm_fir_instance_q31 f{};
        f.numTaps = kTaps;
        f.pState = state;
        f.pCoeffs = coeffs;
#if NERVE_CMSIS_HAS_FIR_Q31
        std::memset(state, 0, sizeof state);
        arm_fir_q31(&f, in, out, kBlock);
        arm_fir_q31(&f, in, out, kBlock);
        report("arm_fir_q31", out, 1.0 / 2147483648.0);
#endif
#if NERVE_CMSIS_HAS_FIR_FAST_Q31
        std::memset(state, 0, sizeof state);
        arm_fir_fast_q31(&f, in, out, kBlock);
        arm_fir_fast_q31(&f, in, out, kBlock);
        report("arm_fir_fast_q31", out, 1.0 / 2147483648.0);
#endif
    }
#endif

#if NERVE_CMSIS_HAS_FIR_Q15 || NERVE_CMSIS_HAS_FIR_FAST_Q15
    {
        static q15_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock];
        static double hq[kTaps], xq[kBlock];
        for (unsigned k = 0; k < kTaps; ++k) {
            coeffs[k] = to_q15(g_h[kTaps - 1 - k]);
            hq[kTaps - 1 - k] = coeffs[k] / 32768.0;
        }
        for (unsigned n = 0; n < kBlock; ++n) {
            in[n] = to_q15(g_x[n] / 2);
            xq[n] = in[n] / 32768.0;
        }
        if (g_check) fir_reference(hq, xq);
        arm_fir_instance_q15 f{};
        f.numTaps = kTaps;
        f.pState = state;
        f.pCoeffs = coeffs;
#if NERVE_CMSIS_HAS_FIR_Q15
        std::memset(state, 0, sizeof state);
        arm_fir_q15(&f, in, out, kBlock);
        arm_fir_q15(&f, in, out, kBlock);
        report("arm_fir_q15", out, 1.0 / 32768.0);
#endif
#if NERVE_CMSIS_HAS_FIR_FAST_Q15
        std::memset(state, 0, sizeof state);
        arm_fir_fast_q15(&f, in, out, kBlock);
        arm_fir_fast_q15(&f, in, out, kBlock);
        report("arm_fir_fast_q15", out, 1.0 / 32768.0);
#endif
    }
#endif

#if NERVE_CMSIS_HAS_FIR_F32
    {
        static float32_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock];
        static double hq[kTaps], xq[kBlock];
        for (unsigned k = 0; k < kTaps; ++k) {
            coeffs[k] = static_cast<float>(g_h[kTaps - 1 - k]);
            hq[kTaps - 1 - k] = coeffs[k];
        }
        for (unsigned n = 0; n < kBlock; ++n) xq[n] = in[n] = static_cast<float>(g_x[n]);
        if (g_check) fir_reference(hq, xq);
        arm_fir_instance_f32 f{};
        f.numTaps = kTaps;
        f.pState = state;
        f.pCoeffs = coeffs;
        arm_fir_f32(&f, in, out, kBlock);
        arm_fir_f32(&f, in, out, kBlock);
        report("arm_fir_f32", out, 1.0);
    }
#endif

#if NERVE_CMSIS_HAS_FIR_DECIMATE_F32
    {
        // Decimate by 8 with the same 64 taps (bench/mcu/filter_blocks.cpp's fir_decimator<float,
        // 64, 8>): 32 outputs per block; output n is the full-rate FIR output at n M.
        constexpr unsigned kM = 8;
        static float32_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock / kM];
        static double hq[kTaps], xq[kBlock];
        for (unsigned k = 0; k < kTaps; ++k) {
            coeffs[k] = static_cast<float>(g_h[kTaps - 1 - k]);
            hq[kTaps - 1 - k] = coeffs[k];
        }
        for (unsigned n = 0; n < kBlock; ++n) xq[n] = in[n] = static_cast<float>(g_x[n]);
        if (g_check) {
            fir_reference(hq, xq);
            for (unsigned n = 0; n < kBlock / kM; ++n) g_ref[n] = g_ref[n * kM];
        }
        arm_fir_decimate_instance_f32 f{};
        f.M = kM;
        f.numTaps = kTaps;
        f.pCoeffs = coeffs;
        f.pState = state;
        arm_fir_decimate_f32(&f, in, out, kBlock);
        arm_fir_decimate_f32(&f, in, out, kBlock);
        report("arm_fir_decimate_f32", out, 1.0, kBlock / kM);
    }
#endif

#if NERVE_CMSIS_HAS_FIR_DECIMATE_Q15 || NERVE_CMSIS_HAS_FIR_DECIMATE_Q31
    {
        // The same decimate-by-8 job in fixed point (filter_blocks.cpp's fir_decimator<q15/q31,
        // 64, 8>): taps quantised, inputs at half scale.
        constexpr unsigned kM = 8;
        static double hq[kTaps], xq[kBlock];
#if NERVE_CMSIS_HAS_FIR_DECIMATE_Q15
        {
            static q15_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock / kM];
            for (unsigned k = 0; k < kTaps; ++k) {
                coeffs[k] = to_q15(g_h[kTaps - 1 - k]);
                hq[kTaps - 1 - k] = coeffs[k] / 32768.0;
            }
            for (unsigned n = 0; n < kBlock; ++n) {
                in[n] = to_q15(g_x[n] / 2);
                xq[n] = in[n] / 32768.0;
            }
            if (g_check) {
                fir_reference(hq, xq);
                for (unsigned n = 0; n < kBlock / kM; ++n) g_ref[n] = g_ref[n * kM];
            }
            arm_fir_decimate_instance_q15 f{};
            f.M = kM;
            f.numTaps = kTaps;
            f.pCoeffs = coeffs;
            f.pState = state;
            arm_fir_decimate_q15(&f, in, out, kBlock);
            arm_fir_decimate_q15(&f, in, out, kBlock);
            report("arm_fir_decimate_q15", out, 1.0 / 32768.0, kBlock / kM);
        }
#endif
#if NERVE_CMSIS_HAS_FIR_DECIMATE_Q31
        {
            static q31_t coeffs[kTaps], state[kTaps + kBlock - 1], in[kBlock], out[kBlock / kM];
            for (unsigned k = 0; k < kTaps; ++k) {
                coeffs[k] = to_q31(g_h[kTaps - 1 - k]);
                hq[kTaps - 1 - k] = coeffs[k] / 2147483648.0;
            }
            for (unsigned n = 0; n < kBlock; ++n) {
                in[n] = to_q31(g_x[n] / 2);
                xq[n] = in[n] / 2147483648.0;
            }
            if (g_check) {
                fir_reference(hq, xq);
                for (unsigned n = 0; n < kBlock / kM; ++n) g_ref[n] = g_ref[n * kM];
            }
            arm_fir_decimate_instance_q31 f{};
            f.M = kM;
            f.numTaps = kTaps;
            f.pCoeffs = coeffs;
            f.pState = state;
            arm_fir_decimate_q31(&f, in, out, kBlock);
            arm_fir_decimate_q31(&f, in, out, kBlock);
            report("arm_fir_decimate_q31", out, 1.0 / 2147483648.0, kBlock / kM);
        }
#endif
    }
#endif

#if NERVE_CMSIS_HAS_FIR_INTERPOLATE_Q15
    {
        // arm_fir_interpolate_q31's job below in q15 (interp_fixed.cpp's fir_interpolator<q15, 48, 4>).
        constexpr unsigned kL = 4, kLen = 48, kPhase = kLen / kL;
        static q15_t coeffs[kLen], state[kPhase + kBlock - 1], in[kBlock], out[kBlock * kL];
        static double hq[kLen], xq[kBlock];
        const auto h = nerve::filter::firwin_lowpass<kLen>(1.0 / kL);
        for (unsigned k = 0; k < kLen; ++k) {
            coeffs[k] = to_q15(h[kLen - 1 - k]);
            hq[kLen - 1 - k] = coeffs[k] / 32768.0;
        }
        for (unsigned n = 0; n < kBlock; ++n) {
            in[n] = to_q15(g_x[n] / 2);
            xq[n] = in[n] / 32768.0;
        }
        if (g_check) interp_reference<kL, kLen>(hq, xq);
        run_interpolator(arm_fir_interpolate_q15, kL, kPhase, coeffs, state, in, out);
        report("arm_fir_interpolate_q15", out, 1.0 / 32768.0, kBlock * kL);
    }
#endif

#if NERVE_CMSIS_HAS_FIR_INTERPOLATE_Q31
    {
        // Interpolate by 4 with 48 taps (12 per phase; bench/mcu/interp_fixed.cpp's
        // fir_interpolator<q31, 48, 4> job; unit-gain taps here, Q31 holds no tap >= 1): 1024
        // outputs per block of 256 inputs, y[nL + p] = sum_i h[p + iL] x[n - i].
        constexpr unsigned kL = 4, kLen = 48, kPhase = kLen / kL;
        static q31_t coeffs[kLen], state[kPhase + kBlock - 1], in[kBlock], out[kBlock * kL];
        static double hq[kLen], xq[kBlock];
        const auto h = nerve::filter::firwin_lowpass<kLen>(1.0 / kL);
        for (unsigned k = 0; k < kLen; ++k) {
            coeffs[k] = to_q31(h[kLen - 1 - k]);  // time-reversed, as for the FIR
            hq[kLen - 1 - k] = coeffs[k] / 2147483648.0;
        }
        for (unsigned n = 0; n < kBlock; ++n) {
            in[n] = to_q31(g_x[n] / 2);
            xq[n] = in[n] / 2147483648.0;
        }
        if (g_check) interp_reference<kL, kLen>(hq, xq);
        run_interpolator(arm_fir_interpolate_q31, kL, kPhase, coeffs, state, in, out);
        report("arm_fir_interpolate_q31", out, 1.0 / 2147483648.0, kBlock * kL);
    }
#endif

#if NERVE_CMSIS_HAS_FIR_INTERPOLATE_F32
    {
        // arm_fir_interpolate_q31's job above in float (bench/mcu/fir64_family.cpp's
        // fir_interpolator<float, 48, 4>): the same taps unquantised, inputs in [-1, 1).
        constexpr unsigned kL = 4, kLen = 48, kPhase = kLen / kL;
        static float32_t coeffs[kLen], state[kPhase + kBlock - 1], in[kBlock], out[kBlock * kL];
        static double hq[kLen], xq[kBlock];
        const auto h = nerve::filter::firwin_lowpass<kLen>(1.0 / kL);
        for (unsigned k = 0; k < kLen; ++k) {
            coeffs[k] = static_cast<float>(h[kLen - 1 - k]);  // time-reversed, as for the FIR
            hq[kLen - 1 - k] = coeffs[k];
        }
        for (unsigned n = 0; n < kBlock; ++n) xq[n] = in[n] = static_cast<float>(g_x[n]);
        if (g_check) interp_reference<kL, kLen>(hq, xq);
        run_interpolator(arm_fir_interpolate_f32, kL, kPhase, coeffs, state, in, out);
        report("arm_fir_interpolate_f32", out, 1.0, kBlock * kL);
    }
#endif

#if NERVE_CMSIS_HAS_BIQUAD_DF1_Q31 || NERVE_CMSIS_HAS_BIQUAD_DF1_FAST_Q31
    {
        static q31_t coeffs[5 * kStages], state[4 * kStages], in[kBlock], out[kBlock];
        static double cq[kStages][5], xq[kBlock];
        const int shift = post_shift_for(1.0);
        for (unsigned s = 0; s < kStages; ++s) {
            const double v[5] = {kSec[s].b0, kSec[s].b1, kSec[s].b2, kSec[s].a1, kSec[s].a2};
            for (int j = 0; j < 5; ++j) {
                coeffs[5 * s + j] = to_q31(std::ldexp(v[j], -shift));
                cq[s][j] = std::ldexp(coeffs[5 * s + j] / 2147483648.0, shift);
            }
        }
        for (unsigned n = 0; n < kBlock; ++n) {  // quarter scale: the resonant last section peaks above 1
            in[n] = to_q31(g_x[n] / 4);
            xq[n] = in[n] / 2147483648.0;
        }
        if (g_check) biquad_reference(cq, xq);
        arm_biquad_casd_df1_inst_q31 f{};
        f.numStages = kStages;
        f.pState = state;
        f.pCoeffs = coeffs;
        f.postShift = static_cast<std::uint8_t>(shift);
#if NERVE_CMSIS_HAS_BIQUAD_DF1_Q31
        std::memset(state, 0, sizeof state);
        arm_biquad_cascade_df1_q31(&f, in, out, kBlock);
        arm_biquad_cascade_df1_q31(&f, in, out, kBlock);
        report("arm_biquad_cascade_df1_q31", out, 1.0 / 2147483648.0);
#endif
#if NERVE_CMSIS_HAS_BIQUAD_DF1_FAST_Q31
        std::memset(state, 0, sizeof state);
        arm_biquad_cascade_df1_fast_q31(&f, in, out, kBlock);
        arm_biquad_cascade_df1_fast_q31(&f, in, out, kBlock);
        report("arm_biquad_cascade_df1_fast_q31", out, 1.0 / 2147483648.0);
#endif
    }
#endif

#if NERVE_CMSIS_HAS_BIQUAD_DF1_Q15 || NERVE_CMSIS_HAS_BIQUAD_DF1_FAST_Q15
    {
        static q15_t coeffs[6 * kStages], state[4 * kStages], in[kBlock], out[kBlock];
        static double cq[kStages][5], xq[kBlock];
        const int shift = post_shift_for(1.0);
        for (unsigned s = 0; s < kStages; ++s) {
            const double v[5] = {kSec[s].b0, kSec[s].b1, kSec[s].b2, kSec[s].a1, kSec[s].a2};
            const int slot[5] = {0, 2, 3, 4, 5};  // {b0, 0, b1, b2, a1, a2}
            coeffs[6 * s + 1] = 0;
            for (int j = 0; j < 5; ++j) {
                coeffs[6 * s + slot[j]] = to_q15(std::ldexp(v[j], -shift));
                cq[s][j] = std::ldexp(coeffs[6 * s + slot[j]] / 32768.0, shift);
            }
        }
        for (unsigned n = 0; n < kBlock; ++n) {
            in[n] = to_q15(g_x[n] / 4);
            xq[n] = in[n] / 32768.0;
        }
        if (g_check) biquad_reference(cq, xq);
        arm_biquad_casd_df1_inst_q15 f{};
        f.numStages = kStages;
        f.pState = state;
        f.pCoeffs = coeffs;
        f.postShift = static_cast<std::int8_t>(shift);
#if NERVE_CMSIS_HAS_BIQUAD_DF1_Q15
        std::memset(state, 0, sizeof state);
        arm_biquad_cascade_df1_q15(&f, in, out, kBlock);
        arm_biquad_cascade_df1_q15(&f, in, out, kBlock);
        report("arm_biquad_cascade_df1_q15", out, 1.0 / 32768.0);
#endif
#if NERVE_CMSIS_HAS_BIQUAD_DF1_FAST_Q15
        std::memset(state, 0, sizeof state);
        arm_biquad_cascade_df1_fast_q15(&f, in, out, kBlock);
        arm_biquad_cascade_df1_fast_q15(&f, in, out, kBlock);
        report("arm_biquad_cascade_df1_fast_q15", out, 1.0 / 32768.0);
#endif
    }
#endif

#if NERVE_CMSIS_HAS_BIQUAD_DF2T_F32
    {
        static float32_t coeffs[5 * kStages], state[2 * kStages], in[kBlock], out[kBlock];
        static double cq[kStages][5], xq[kBlock];
        for (unsigned s = 0; s < kStages; ++s) {
            const double v[5] = {kSec[s].b0, kSec[s].b1, kSec[s].b2, kSec[s].a1, kSec[s].a2};
            for (int j = 0; j < 5; ++j) cq[s][j] = coeffs[5 * s + j] = static_cast<float>(v[j]);
        }
        for (unsigned n = 0; n < kBlock; ++n) xq[n] = in[n] = static_cast<float>(g_x[n]);
        if (g_check) biquad_reference(cq, xq);
        arm_biquad_cascade_df2T_instance_f32 f{};
        f.numStages = kStages;
        f.pState = state;
        f.pCoeffs = coeffs;
        arm_biquad_cascade_df2T_f32(&f, in, out, kBlock);
        arm_biquad_cascade_df2T_f32(&f, in, out, kBlock);
        report("arm_biquad_cascade_df2T_f32", out, 1.0);
    }
#endif
    std::printf("cmsis_filters: %s, %d failed\n", g_check ? "checked" : "ran", g_failed);
    return g_failed == 0 ? 0 : 1;
}
