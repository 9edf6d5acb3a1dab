// nerve/spectral/fft_fixed.hpp — fixed-point (q15 / q31) complex and real FFT.
//
//   nerve::spectral::fft<nerve::q15, 256> f;       // complex, data: nerve::spectral::cq15
//   f.forward(in, out);    // out = numpy.fft.fft(in) / N
//   f.inverse(in, out);    // out = numpy.fft.ifft(in)          (the 1/N is the usual one)
//   nerve::spectral::real_fft<nerve::q31, 1024> r;
//   r.forward(x, X);       // X = numpy.fft.rfft(x) / N,  N/2+1 bins of cq31
//   r.inverse(X, x);       // x = numpy.fft.irfft(X, N)
//
// Scaling (block floating point fixed at compile time, as CMSIS-DSP's q15/q31 FFTs do):
// every radix-4 pass divides by 4 and the radix-2 pass (odd log2 N) by 2, so the complex
// transforms come out scaled by 1/N in both directions and a forward-then-inverse round
// trip returns x/N. The real forward FFT halves its N/2-point complex input once more
// (z = x[2n] + i x[2n+1] may have magnitude sqrt(2)), so it also comes out as rfft/N.
//
// Range: arithmetic is done in the wide type (int32 for q15, int64 for q31) and every
// stored value saturates, so nothing ever wraps. No value saturates when the complex input
// has magnitude |z| <= 1 (forward and inverse), for any real input in [-1, 1) (real
// forward), and for any spectrum the real forward produced (real inverse); otherwise
// values may clip at full scale but stay finite and bounded.
//
// Error (vs the exact transform of the same fixed-point input, same scaling): each pass
// rounds at most twice per component (the 1/4 shift, then the twiddle product: 0.5 LSB
// each) and its twiddles are quantised (0.5 LSB per component, times |u| <= 1), so a pass
// adds at most 3 * 0.5 * sqrt(2) ~= 2.2 LSB of complex magnitude (the Cortex-M4 q15 path
// rounds its two halvings separately: up to 0.75 LSB per component, ~2.5 LSB per pass);
// errors from earlier passes do not grow (a pass is a contraction after its 1/4). Bound used by the
// tests: |err| <= 3 * P LSB + 1 LSB, P = ceil(log2(N) / 2) passes, +1 pass for the real
// split step. q15, N = 1024 complex: 5 passes -> 16 LSB = 4.9e-4 of full scale; q31: the
// same count of 2^-31 LSBs. Measured on random full-range inputs: <= 3 LSB at N <= 2048
// on hosts, <= 4 LSB for the Cortex-M4 q15 path. Exception, for speed: q31 on 32-bit Arm
// truncates each butterfly input by the pass's 1/4 before summing (32-bit sums instead of
// 64-bit), up to 4 * 0.75 LSB per component, so its bound is 6 * P + 1 LSB (measured
// <= 12 LSB = 5.6e-9 of full scale at N = 1024; 1.5x fewer instructions on the M4).
// tests/spectral/test_fft_fixed.cpp checks it against a double DFT, and against float.
//
// Twiddles are static constexpr tables (q15/q31) for exactly this N. sizeof(fft) is its
// scratch RAM (N complex); never allocates, never throws. `in` and `out` must not alias.
#pragma once

#include <array>
#include <cstddef>
#include <climits>
#include <cstdint>
#include <limits>
#include <span>
#include <type_traits>

#include "../config.hpp"
#include "../core/fixed_point.hpp"

#if defined(__ARM_FEATURE_DSP) && defined(__ARM_FEATURE_SAT) && defined(__GNUC__) && !defined(NERVE_NO_SIMD)
#include <arm_acle.h>
#include <cstring>
#define NERVE_FFT_Q15_DSP 1
#else
#define NERVE_FFT_Q15_DSP 0
#endif
#if defined(__arm__) && !defined(__aarch64__) && !defined(NERVE_NO_SIMD)
#define NERVE_FFT_Q31_ARM32 1
#else
#define NERVE_FFT_Q31_ARM32 0
#endif
#include "detail/fft_scalar.hpp"
#include "fft.hpp"
#include "real_fft.hpp"

namespace nerve::spectral {

/// Complex q15 / q31 sample: layout {re, im}, arrays of it are arrays of raw pairs.
struct cq15 {
    q15 re;
    q15 im;
    friend constexpr bool operator==(cq15, cq15) = default;
};
struct cq31 {
    q31 re;
    q31 im;
    friend constexpr bool operator==(cq31, cq31) = default;
};

namespace detail {

template <class Q> struct fixed_fft_traits;
template <> struct fixed_fft_traits<q15> {
    using cplx = cq15;
    using raw = std::int16_t;
    using wide = std::int32_t;
    static constexpr int frac = 15;
};
template <> struct fixed_fft_traits<q31> {
    using cplx = cq31;
    using raw = std::int32_t;
    using wide = std::int64_t;
    static constexpr int frac = 31;
};

template <class Q>
using fixed_raw_t = typename fixed_fft_traits<Q>::raw;

template <class Q, std::size_t N, std::size_t Count>
constexpr std::array<fixed_raw_t<Q>, 2 * Count> make_fixed_twiddles() noexcept {
    using R = fixed_raw_t<Q>;
    std::array<R, 2 * Count> t{};
    const circle<N> c{};
    constexpr double scale = static_cast<double>(std::int64_t{1} << Q::frac_bits);
    constexpr double hi = static_cast<double>(std::numeric_limits<R>::max());
    // Round to nearest, saturate +1 to max (the only out-of-range value a twiddle has).
    auto conv = [](double v) { v = v * scale + (v < 0 ? -0.5 : 0.5); return static_cast<R>(v >= hi ? hi : v); };
    for (std::size_t j = 0; j < Count; ++j) {
        const cos_sin cs = c(static_cast<std::int64_t>(j));
        t[2 * j] = conv(cs.c);
        t[2 * j + 1] = conv(-cs.s);
    }
    return t;
}

template <class Q, std::size_t N>
struct fixed_twiddles {
    static constexpr std::size_t count = N >= 4 ? 3 * N / 4 : 1;
    static constexpr std::array<fixed_raw_t<Q>, 2 * count> w = make_fixed_twiddles<Q, N, count>();
};

template <class Q>
NERVE_ALWAYS_INLINE fixed_raw_t<Q> fx_sat(typename fixed_fft_traits<Q>::wide v) noexcept {
    using R = fixed_raw_t<Q>;
#if defined(__ARM_FEATURE_SAT) && defined(__GNUC__)
    if constexpr (std::is_same_v<R, std::int16_t>) return static_cast<R>(__builtin_arm_ssat(v, 16));
#endif
    using Wd = typename fixed_fft_traits<Q>::wide;
    constexpr Wd lo = std::numeric_limits<R>::min(), hi = std::numeric_limits<R>::max();
    return static_cast<R>(v < lo ? lo : (v > hi ? hi : v));
}

/// Rounded arithmetic shift right.
template <class Wd>
NERVE_ALWAYS_INLINE constexpr Wd fx_rshift(Wd v, int s) noexcept {
    return (v + (Wd{1} << (s - 1))) >> s;
}

/// (ur + i ui) * (wr + i wi) >> frac, rounded, saturated; conj(w) when Inv.
template <class Q, bool Inv>
NERVE_ALWAYS_INLINE void fx_cmul(typename fixed_fft_traits<Q>::wide ur, typename fixed_fft_traits<Q>::wide ui,
                                 fixed_raw_t<Q> wr, fixed_raw_t<Q> wi, fixed_raw_t<Q>* y) noexcept {
    using Wd = typename fixed_fft_traits<Q>::wide;
    constexpr int F = fixed_fft_traits<Q>::frac;
    const Wd r = Inv ? ur * wr + ui * wi : ur * wr - ui * wi;
    const Wd i = Inv ? ui * wr - ur * wi : ur * wi + ui * wr;
    y[0] = fx_sat<Q>(fx_rshift<Wd>(r, F));
    y[1] = fx_sat<Q>(fx_rshift<Wd>(i, F));
}

/// One radix-4 butterfly with the 1/2^Shift scaling (Shift = 2, or 3 to also halve the
/// input); x0..x3 at stride xs, y0..y3 at stride ys (in raw values).
template <class Q, bool Inv, bool Tw, int Shift>
NERVE_ALWAYS_INLINE void fixed_bfly4(const fixed_raw_t<Q>* NERVE_RESTRICT x, std::size_t xs,
                                     fixed_raw_t<Q>* NERVE_RESTRICT y, std::size_t ys,
                                     const fixed_raw_t<Q>* w) noexcept {
    using Wd = typename fixed_fft_traits<Q>::wide;
    const Wd ar = x[0], ai = x[1], br = x[xs], bi = x[xs + 1];
    const Wd cr = x[2 * xs], ci = x[2 * xs + 1], dr = x[3 * xs], di = x[3 * xs + 1];
    const Wd t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
    const Wd t2r = br + dr, t2i = bi + di;
    const Wd t3r = Inv ? di - bi : bi - di;
    const Wd t3i = Inv ? br - dr : dr - br;
    y[0] = fx_sat<Q>(fx_rshift<Wd>(t0r + t2r, Shift));
    y[1] = fx_sat<Q>(fx_rshift<Wd>(t0i + t2i, Shift));
    const Wd u1r = fx_rshift<Wd>(t1r + t3r, Shift), u1i = fx_rshift<Wd>(t1i + t3i, Shift);
    const Wd u2r = fx_rshift<Wd>(t0r - t2r, Shift), u2i = fx_rshift<Wd>(t0i - t2i, Shift);
    const Wd u3r = fx_rshift<Wd>(t1r - t3r, Shift), u3i = fx_rshift<Wd>(t1i - t3i, Shift);
    if constexpr (!Tw) {
        y[ys] = fx_sat<Q>(u1r); y[ys + 1] = fx_sat<Q>(u1i);
        y[2 * ys] = fx_sat<Q>(u2r); y[2 * ys + 1] = fx_sat<Q>(u2i);
        y[3 * ys] = fx_sat<Q>(u3r); y[3 * ys + 1] = fx_sat<Q>(u3i);
    } else {
        fx_cmul<Q, Inv>(u1r, u1i, w[0], w[1], y + ys);
        fx_cmul<Q, Inv>(u2r, u2i, w[2], w[3], y + 2 * ys);
        fx_cmul<Q, Inv>(u3r, u3i, w[4], w[5], y + 3 * ys);
    }
}

/// Radix-4 pass (n, s); Stockham layout as fft_scalar.hpp. p = 0 needs no twiddles.
template <class Q, bool Inv, int Shift>
void fixed_radix4_stage(const fixed_raw_t<Q>* NERVE_RESTRICT x, fixed_raw_t<Q>* NERVE_RESTRICT y,
                        const fixed_raw_t<Q>* NERVE_RESTRICT tw, std::size_t n, std::size_t s) noexcept {
    using R = fixed_raw_t<Q>;
    const std::size_t m = n / 4;
    const std::size_t xs = 2 * s * m;
    for (std::size_t q = 0; q < 2 * s; q += 2) fixed_bfly4<Q, Inv, false, Shift>(x + q, xs, y + q, 2 * s, nullptr);
    for (std::size_t p = 1; p < m; ++p) {
        const std::size_t j = p * s;
        const R w[6] = {tw[2 * j], tw[2 * j + 1], tw[4 * j], tw[4 * j + 1], tw[6 * j], tw[6 * j + 1]};
        const R* xp = x + 2 * s * p;
        R* yp = y + 8 * s * p;
        for (std::size_t q = 0; q < 2 * s; q += 2) fixed_bfly4<Q, Inv, true, Shift>(xp + q, xs, yp + q, 2 * s, w);
    }
}

template <class Q>
void fixed_radix2_last(const fixed_raw_t<Q>* NERVE_RESTRICT x, fixed_raw_t<Q>* NERVE_RESTRICT y, std::size_t s,
                       int shift) noexcept {
    using Wd = typename fixed_fft_traits<Q>::wide;
    for (std::size_t q = 0; q < 2 * s; ++q) {
        const Wd a = x[q], b = x[q + 2 * s];
        y[q] = fx_sat<Q>(fx_rshift<Wd>(a + b, shift));
        y[q + 2 * s] = fx_sat<Q>(fx_rshift<Wd>(a - b, shift));
    }
}

#if NERVE_FFT_Q15_DSP
// q15 on Armv7E-M (Cortex-M4/M7): one complex value per 32-bit register (re in the low
// half), butterflies with the dual 16-bit halving add/subtract instructions (SHADD16,
// SHSUB16, SHASX, SHSAX: exact, they cannot overflow) and twiddle products with
// SMUSD/SMUADX (rounded, saturated). The halvings are made to round to nearest by a
// saturating +1 before each (QADD16), so the error matches the portable path.
NERVE_ALWAYS_INLINE std::int32_t dsp_ld(const std::int16_t* p) noexcept {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}
NERVE_ALWAYS_INLINE void dsp_st(std::int16_t* p, std::int32_t v) noexcept { std::memcpy(p, &v, 4); }

template <bool Inv>
NERVE_ALWAYS_INLINE std::int32_t dsp_cmul(std::int32_t u, std::int32_t w) noexcept {
    std::int32_t re, im;
    if constexpr (!Inv) {
        re = __smusd(u, w);   // ur wr - ui wi
        im = __smuadx(u, w);  // ur wi + ui wr
    } else {
        re = __smuad(u, w);   // ur wr + ui wi
        im = __smusdx(w, u);  // ui wr - ur wi
    }
    re = __ssat((re + 0x4000) >> 15, 16);
    im = __ssat((im + 0x4000) >> 15, 16);
    return static_cast<std::int32_t>((static_cast<std::uint32_t>(re) & 0xFFFFu) | (static_cast<std::uint32_t>(im) << 16));
}

template <bool Inv, bool Tw, bool Extra>
NERVE_ALWAYS_INLINE void dsp_bfly4(const std::int16_t* NERVE_RESTRICT x, std::size_t xs, std::int16_t* NERVE_RESTRICT y,
                                   std::size_t ys, std::int32_t w1, std::int32_t w2, std::int32_t w3) noexcept {
    std::int32_t a = dsp_ld(x), b = dsp_ld(x + xs), c = dsp_ld(x + 2 * xs), d = dsp_ld(x + 3 * xs);
    if constexpr (Extra) {
        a = __shadd16(a, 0);
        b = __shadd16(b, 0);
        c = __shadd16(c, 0);
        d = __shadd16(d, 0);
    }
    // Halving instructions floor; adding 1 (saturating, so only a full-scale +1 is off by
    // one LSB) to the first operand makes each halving round to nearest instead.
    constexpr std::int32_t one = 0x00010001;
    const std::int32_t a1 = __qadd16(a, one), b1 = __qadd16(b, one);
    const std::int32_t t0 = __shadd16(a1, c), t1 = __shsub16(a1, c);
    const std::int32_t t2 = __shadd16(b1, d), t3 = __shsub16(b1, d);
    const std::int32_t t0r = __qadd16(t0, one), t1r = __qadd16(t1, one);
    const std::int32_t y0 = __shadd16(t0r, t2), u2 = __shsub16(t0r, t2);
    // forward: u1 = (t1 - i t3) / 2, u3 = (t1 + i t3) / 2; inverse: swapped.
    const std::int32_t u1 = Inv ? __shasx(t1r, t3) : __shsax(t1r, t3);
    const std::int32_t u3 = Inv ? __shsax(t1r, t3) : __shasx(t1r, t3);
    dsp_st(y, y0);
    if constexpr (Tw) {
        dsp_st(y + ys, dsp_cmul<Inv>(u1, w1));
        dsp_st(y + 2 * ys, dsp_cmul<Inv>(u2, w2));
        dsp_st(y + 3 * ys, dsp_cmul<Inv>(u3, w3));
    } else {
        dsp_st(y + ys, u1);
        dsp_st(y + 2 * ys, u2);
        dsp_st(y + 3 * ys, u3);
    }
}

template <bool Inv, bool Extra>
void dsp_radix4_stage(const std::int16_t* NERVE_RESTRICT x, std::int16_t* NERVE_RESTRICT y,
                      const std::int16_t* NERVE_RESTRICT tw, std::size_t n, std::size_t s) noexcept {
    const std::size_t m = n / 4;
    const std::size_t xs = 2 * s * m;
    for (std::size_t q = 0; q < 2 * s; q += 2) dsp_bfly4<Inv, false, Extra>(x + q, xs, y + q, 2 * s, 0, 0, 0);
    for (std::size_t p = 1; p < m; ++p) {
        const std::size_t j = p * s;
        const std::int32_t w1 = dsp_ld(tw + 2 * j), w2 = dsp_ld(tw + 4 * j), w3 = dsp_ld(tw + 6 * j);
        const std::int16_t* xp = x + 2 * s * p;
        std::int16_t* yp = y + 8 * s * p;
        for (std::size_t q = 0; q < 2 * s; q += 2) dsp_bfly4<Inv, true, Extra>(xp + q, xs, yp + q, 2 * s, w1, w2, w3);
    }
}

inline void dsp_radix2_last(const std::int16_t* NERVE_RESTRICT x, std::int16_t* NERVE_RESTRICT y, std::size_t s) noexcept {
    for (std::size_t q = 0; q < 2 * s; q += 2) {
        const std::int32_t a = __qadd16(dsp_ld(x + q), 0x00010001), b = dsp_ld(x + q + 2 * s);
        dsp_st(y + q, __shadd16(a, b));
        dsp_st(y + q + 2 * s, __shsub16(a, b));
    }
}
#endif

#if NERVE_FFT_Q31_ARM32
// q31 on 32-bit Arm: the inputs of a pass are pre-shifted by the pass's 1/4 (1/8) so the
// butterfly sums fit in 32 bits (|x| <= 2^29 each), and only the twiddle products use
// 64 bits (SMULL/SMLAL). The pre-shift truncates each of the four inputs (up to 3 LSB per
// output component per pass, see the bound above); the portable path (hosts) keeps 64-bit
// sums and rounds once.
template <bool Inv>
NERVE_ALWAYS_INLINE std::int32_t q31_cmul_part(std::int32_t a, std::int32_t b, std::int32_t c, std::int32_t d) noexcept {
    // (a*b - c*d) (forward real part) or the analogous form, rounded >> 31, saturated.
    const std::int64_t p = static_cast<std::int64_t>(a) * b - static_cast<std::int64_t>(c) * d + (std::int64_t{1} << 30);
    const std::int64_t r = p >> 31;
    return static_cast<std::int32_t>(r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : r));
}

template <bool Inv, bool Tw, int Shift>
NERVE_ALWAYS_INLINE void q31_bfly4(const std::int32_t* NERVE_RESTRICT x, std::size_t xs, std::int32_t* NERVE_RESTRICT y,
                                   std::size_t ys, const std::int32_t* w) noexcept {
    const std::int32_t ar = x[0] >> Shift, ai = x[1] >> Shift, br = x[xs] >> Shift, bi = x[xs + 1] >> Shift;
    const std::int32_t cr = x[2 * xs] >> Shift, ci = x[2 * xs + 1] >> Shift;
    const std::int32_t dr = x[3 * xs] >> Shift, di = x[3 * xs + 1] >> Shift;
    const std::int32_t t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
    const std::int32_t t2r = br + dr, t2i = bi + di;
    const std::int32_t t3r = Inv ? di - bi : bi - di;
    const std::int32_t t3i = Inv ? br - dr : dr - br;
    y[0] = t0r + t2r;
    y[1] = t0i + t2i;
    const std::int32_t u1r = t1r + t3r, u1i = t1i + t3i;
    const std::int32_t u2r = t0r - t2r, u2i = t0i - t2i;
    const std::int32_t u3r = t1r - t3r, u3i = t1i - t3i;
    if constexpr (!Tw) {
        y[ys] = u1r; y[ys + 1] = u1i;
        y[2 * ys] = u2r; y[2 * ys + 1] = u2i;
        y[3 * ys] = u3r; y[3 * ys + 1] = u3i;
    } else {
        auto cm = [](std::int32_t ur, std::int32_t ui, std::int32_t wr, std::int32_t wi, std::int32_t* o) {
            if constexpr (!Inv) {
                o[0] = q31_cmul_part<Inv>(ur, wr, ui, wi);  // ur wr - ui wi
                o[1] = q31_cmul_part<Inv>(ur, wi, -ui, wr);  // ur wi + ui wr
            } else {
                o[0] = q31_cmul_part<Inv>(ur, wr, -ui, wi);  // ur wr + ui wi
                o[1] = q31_cmul_part<Inv>(ui, wr, ur, wi);   // ui wr - ur wi
            }
        };
        cm(u1r, u1i, w[0], w[1], y + ys);
        cm(u2r, u2i, w[2], w[3], y + 2 * ys);
        cm(u3r, u3i, w[4], w[5], y + 3 * ys);
    }
}

template <bool Inv, int Shift>
void q31_radix4_stage(const std::int32_t* NERVE_RESTRICT x, std::int32_t* NERVE_RESTRICT y,
                      const std::int32_t* NERVE_RESTRICT tw, std::size_t n, std::size_t s) noexcept {
    const std::size_t m = n / 4;
    const std::size_t xs = 2 * s * m;
    for (std::size_t q = 0; q < 2 * s; q += 2) q31_bfly4<Inv, false, Shift>(x + q, xs, y + q, 2 * s, nullptr);
    for (std::size_t p = 1; p < m; ++p) {
        const std::size_t j = p * s;
        const std::int32_t w[6] = {tw[2 * j], tw[2 * j + 1], tw[4 * j], tw[4 * j + 1], tw[6 * j], tw[6 * j + 1]};
        const std::int32_t* xp = x + 2 * s * p;
        std::int32_t* yp = y + 8 * s * p;
        for (std::size_t q = 0; q < 2 * s; q += 2) q31_bfly4<Inv, true, Shift>(xp + q, xs, yp + q, 2 * s, w);
    }
}
#endif

/// Scaled complex FFT (1/N; 1/(2N) when HalveInput). Same ping-pong contract as scalar_fft.
template <class Q, std::size_t N, bool Inv, bool HalveInput>
void fixed_fft(const fixed_raw_t<Q>* src, fixed_raw_t<Q>* out, fixed_raw_t<Q>* scratch) noexcept {
    static_assert(is_pow2(N) && N >= 2);
    constexpr std::size_t passes = (ilog2(N) + 1) / 2;  // radix-4 passes (+ one radix-2)
    const auto* tw = fixed_twiddles<Q, N>::w.data();
    const fixed_raw_t<Q>* x = src;
    std::size_t n = N, s = 1;
    for (std::size_t i = 0; i < passes; ++i) {
        fixed_raw_t<Q>* y = ((passes - 1 - i) % 2 == 0) ? out : scratch;
        const int extra = (HalveInput && i == 0) ? 1 : 0;
#if NERVE_FFT_Q31_ARM32
        if constexpr (std::is_same_v<Q, q31>) {
            if (n >= 4) {
                if (extra != 0)
                    q31_radix4_stage<Inv, 3>(x, y, tw, n, s);
                else
                    q31_radix4_stage<Inv, 2>(x, y, tw, n, s);
                n /= 4;
                s *= 4;
                x = y;
                continue;
            }
        }
#endif
#if NERVE_FFT_Q15_DSP
        if constexpr (std::is_same_v<Q, q15>) {
            if (n >= 4) {
                if (extra != 0)
                    dsp_radix4_stage<Inv, true>(x, y, tw, n, s);
                else
                    dsp_radix4_stage<Inv, false>(x, y, tw, n, s);
                n /= 4;
                s *= 4;
                x = y;
                continue;
            }
            if (extra == 0) {
                dsp_radix2_last(x, y, s);
                n = 1;
                s *= 2;
                x = y;
                continue;
            }
        }
#endif
        if (n >= 4) {
            if (extra != 0)
                fixed_radix4_stage<Q, Inv, 3>(x, y, tw, n, s);
            else
                fixed_radix4_stage<Q, Inv, 2>(x, y, tw, n, s);
            n /= 4;
            s *= 4;
        } else {
            fixed_radix2_last<Q>(x, y, s, 1 + extra);
            n = 1;
            s *= 2;
        }
        x = y;
    }
}

template <class Q, std::size_t N>
struct fixed_real_twiddles {
    static constexpr std::array<fixed_raw_t<Q>, 2 * (N / 4 + 1)> w = make_fixed_twiddles<Q, N, N / 4 + 1>();
};

}  // namespace detail

namespace detail {
template <class Q, std::size_t N>
class fixed_fft_impl {
    static_assert(is_pow2(N) && N >= 2, "nerve::spectral::fft<q15/q31, N>: N must be a power of two >= 2");
    using traits = fixed_fft_traits<Q>;
    using C = typename traits::cplx;
    using R = typename traits::raw;

public:
    using value_type = C;
    static constexpr std::size_t size = N;

    constexpr fixed_fft_impl() noexcept = default;

    /// out = numpy.fft.fft(in) / N.
    void forward(std::span<const C, N> in, std::span<C, N> out) noexcept {
        fixed_fft<Q, N, false, false>(raw(in.data()), raw(out.data()), scratch_.data());
    }
    /// out = numpy.fft.ifft(in).
    void inverse(std::span<const C, N> in, std::span<C, N> out) noexcept {
        fixed_fft<Q, N, true, false>(raw(in.data()), raw(out.data()), scratch_.data());
    }

    static const R* raw(const C* p) noexcept { return reinterpret_cast<const R*>(p); }
    static R* raw(C* p) noexcept { return reinterpret_cast<R*>(p); }
    R* scratch() noexcept { return scratch_.data(); }

private:
    static_assert(sizeof(C) == 2 * sizeof(R) && std::is_standard_layout_v<C>);
    std::array<R, 2 * N> scratch_{};
};

template <class Q, std::size_t N>
class fixed_real_fft_impl {
    static_assert(is_pow2(N) && N >= 4, "nerve::spectral::real_fft<q15/q31, N>: N must be a power of two >= 4");
    static constexpr std::size_t M = N / 2;
    using traits = fixed_fft_traits<Q>;
    using C = typename traits::cplx;
    using R = typename traits::raw;
    using Wd = typename traits::wide;

public:
    using value_type = Q;
    static constexpr std::size_t size = N;
    static constexpr std::size_t bins = N / 2 + 1;

    constexpr fixed_real_fft_impl() noexcept = default;

    /// out = numpy.fft.rfft(in) / N.
    void forward(std::span<const Q, N> in, std::span<C, N / 2 + 1> out) noexcept {
        static_assert(sizeof(Q) == sizeof(R));
        R* z = reinterpret_cast<R*>(out.data());
        fixed_fft<Q, M, false, true>(reinterpret_cast<const R*>(in.data()), z, scratch_.data());
        const R* w = fixed_real_twiddles<Q, N>::w.data();
        constexpr int F = traits::frac;
        const Wd z0r = z[0], z0i = z[1];
        z[0] = fx_sat<Q>(z0r + z0i);
        z[1] = 0;
        z[2 * M] = fx_sat<Q>(z0r - z0i);
        z[2 * M + 1] = 0;
        for (std::size_t k = 1; k <= M / 2; ++k) {
            const std::size_t j = M - k;
            const Wd ar = z[2 * k], ai = z[2 * k + 1];
            const Wd br = z[2 * j], bi = -Wd{z[2 * j + 1]};
            // 2E and 2D exactly in the wide type; the halving is folded into the roundings.
            const Wd er2 = ar + br, ei2 = ai + bi, dr2 = ar - br, di2 = ai - bi;
            const Wd wr = w[2 * k], wi = w[2 * k + 1];
            // v = W^k * d = W^k * D2 / 2, rounded once: shift by F + 1. |D2| <= sqrt(2)
            // full scale (|Z| <= 1/sqrt(2) after the halved input), so the products fit.
            const Wd vr = fx_rshift<Wd>(dr2 * wr - di2 * wi, F + 1);
            const Wd vi = fx_rshift<Wd>(dr2 * wi + di2 * wr, F + 1);
            // X[k] = e + (vi, -vr);  X[M-k] = conj(e - (vi, -vr)), e = E2 / 2.
            const Wd er = fx_rshift<Wd>(er2, 1), ei = fx_rshift<Wd>(ei2, 1);
            z[2 * k] = fx_sat<Q>(er + vi);
            z[2 * k + 1] = fx_sat<Q>(ei - vr);
            z[2 * j] = fx_sat<Q>(er - vi);
            z[2 * j + 1] = fx_sat<Q>(-(ei + vr));
        }
    }

    /// out = numpy.fft.irfft(in, N) (imaginary parts of in[0], in[N/2] ignored).
    void inverse(std::span<const C, N / 2 + 1> in, std::span<Q, N> out) noexcept {
        const R* x = reinterpret_cast<const R*>(in.data());
        R* z = reinterpret_cast<R*>(out.data());
        const R* w = fixed_real_twiddles<Q, N>::w.data();
        constexpr int F = traits::frac;
        const Wd x0 = x[0], xm = x[2 * M];
        // Z[k] = E + i O, E = (X[k] + X*[M-k]) / 2, O = (X[k] - X*[M-k]) / 2 * W^-k.
        R* zs = scratch_.data() + 2 * M;  // second half of scratch holds Z
        zs[0] = fx_sat<Q>(fx_rshift<Wd>(x0 + xm, 1));
        zs[1] = fx_sat<Q>(fx_rshift<Wd>(x0 - xm, 1));
        for (std::size_t k = 1; k <= M / 2; ++k) {
            const std::size_t j = M - k;
            const Wd ar = x[2 * k], ai = x[2 * k + 1];
            const Wd br = x[2 * j], bi = -Wd{x[2 * j + 1]};
            const Wd er = fx_rshift<Wd>(ar + br, 1), ei = fx_rshift<Wd>(ai + bi, 1);
            const Wd dr = fx_rshift<Wd>(ar - br, 1), di = fx_rshift<Wd>(ai - bi, 1);
            const Wd wr = w[2 * k], wi = -Wd{w[2 * k + 1]};  // W^-k
            const Wd orr = fx_rshift<Wd>(dr * wr - di * wi, F), oi = fx_rshift<Wd>(dr * wi + di * wr, F);
            zs[2 * k] = fx_sat<Q>(er - oi);
            zs[2 * k + 1] = fx_sat<Q>(ei + orr);
            zs[2 * j] = fx_sat<Q>(er + oi);
            zs[2 * j + 1] = fx_sat<Q>(orr - ei);
        }
        // Inverse complex M-point FFT (1/M by its passes): ping-pong between out and the
        // first half of scratch, reading Z from the second half.
        fixed_fft<Q, M, true, false>(zs, z, scratch_.data());
    }

private:
    std::array<R, 4 * (N / 2)> scratch_{};  // 2 x M complex
};
}  // namespace detail

template <std::size_t N>
class fft<q15, N> : public detail::fixed_fft_impl<q15, N> {};
template <std::size_t N>
class fft<q31, N> : public detail::fixed_fft_impl<q31, N> {};
template <std::size_t N>
class real_fft<q15, N> : public detail::fixed_real_fft_impl<q15, N> {};
template <std::size_t N>
class real_fft<q31, N> : public detail::fixed_real_fft_impl<q31, N> {};

}  // namespace nerve::spectral
