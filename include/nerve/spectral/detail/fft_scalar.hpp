// nerve/spectral/detail/fft_scalar.hpp — portable scalar Stockham FFT kernels.
//
// This is the path every target compiles (and the only one on Cortex-M): a Stockham
// autosort FFT (no bit-reversal pass; it ping-pongs between two buffers) made of
// radix-4 decimation-in-frequency stages plus one radix-2 stage when log2(N) is odd.
// Sizes N = 2^a 3^b 5^c that are not powers of two (mixed radix) use radix-4 passes, then
// radix-3 and radix-5 passes, and a final radix-2 pass when a is odd.
// Complex data is interleaved (re, im) in plain T arrays, which is the layout of
// std::complex<T>[] ([complex.numbers]/4). Complex products are written out by hand
// so that no compiler emits a call to __mulsc3 for Annex G NaN handling.
//
// Stage (n, s) of the recursion, with n*s = N and m = n/4, maps x -> y:
//   for p < m, q < s:  a,b,c,d = x[q + s*(p + k*m)], k = 0..3
//     y[q + s*(4p + k)] = (DFT4(a,b,c,d))_k * W_n^(p*k),   W_n^(pk) = W_N^(p*s*k)
// and the next stage is (n/4, 4s). All twiddles are W_N^j for j < 3N/4.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>

#include "../../config.hpp"
#include "trig.hpp"


namespace nerve::spectral::detail {

/// N = 2^a 3^b 5^c (a, b, c >= 0), N >= 2: the sizes the scalar kernel supports.
constexpr bool is_smooth235(std::size_t n) noexcept {
    if (n < 2) return false;
    for (std::size_t f : {std::size_t{2}, std::size_t{3}, std::size_t{5}})
        while (n % f == 0) n /= f;
    return n == 1;
}

/// The radix of the pass applied to a remaining length n (4 first, then 3, 5, and 2 last;
/// a remaining 8 is one twiddle-free radix-8 pass instead of 4 + 2).
constexpr std::size_t next_radix(std::size_t n) noexcept {
    return n == 8 ? 8 : n % 4 == 0 ? 4 : n % 3 == 0 ? 3 : n % 5 == 0 ? 5 : 2;
}

/// W_N^j = exp(-2*pi*i*j/N) for j < count, interleaved (re, im), rounded to T.
template <class T, std::size_t N, std::size_t Count>
constexpr std::array<T, 2 * Count> make_twiddles() noexcept {
    std::array<T, 2 * Count> t{};
    const circle<N> c{};
    for (std::size_t j = 0; j < Count; ++j) {
        const cos_sin cs = c(static_cast<std::int64_t>(j));
        t[2 * j] = static_cast<T>(cs.c);
        t[2 * j + 1] = static_cast<T>(-cs.s);
    }
    return t;
}

/// The twiddle table of one complex FFT size, in flash on an MCU; instantiated only for
/// the sizes a program uses.
template <class T, std::size_t N>
struct scalar_twiddles {
    // Powers of two index W_N^(k p s), k <= 3, p s < N/4; mixed sizes up to (r-1)/r N.
    static constexpr std::size_t count = is_pow2(N) ? (N >= 4 ? 3 * N / 4 : 1) : N;
    static constexpr std::array<T, 2 * count> w = make_twiddles<T, N, count>();
};

/// W_N^k for k <= N/4, interleaved: the split pass of real_fft<T, N>, and the in-place kernel of
/// N/2 complex points (fft_inplace.hpp).
template <class T, std::size_t N>
struct real_twiddles {
    static constexpr std::array<T, 2 * (N / 4 + 1)> w = make_twiddles<T, N, N / 4 + 1>();
};

/// W_N^k for 0 <= k <= N/2 from real_twiddles<T, N> (k <= N/4): past N/4, W_N^k = -i W_N^(k - N/4).
template <class T, std::size_t N>
NERVE_ALWAYS_INLINE void half_circle_twiddle(std::size_t k, T& wr, T& wi) noexcept {
    const T* w = real_twiddles<T, N>::w.data();
    if (k <= N / 4) {
        wr = w[2 * k];
        wi = w[2 * k + 1];
    } else {  // -i (a + i b) = b - i a
        const std::size_t r = k - N / 4;
        wr = w[2 * r + 1];
        wi = -w[2 * r];
    }
}

/// One radix-4 butterfly on interleaved complex values at x0..x3 (stride between the
/// four inputs: xs), writing y0..y3 (stride ys); Tw: multiply outputs 1..3 by w1..w3.
template <class T, bool Inv, bool Tw>
NERVE_ALWAYS_INLINE void scalar_bfly4(const T* NERVE_RESTRICT x, std::size_t xs, T* NERVE_RESTRICT y, std::size_t ys,
                                      const T* w) noexcept {
    const T ar = x[0], ai = x[1];
    const T br = x[xs], bi = x[xs + 1];
    const T cr = x[2 * xs], ci = x[2 * xs + 1];
    const T dr = x[3 * xs], di = x[3 * xs + 1];
    const T t0r = ar + cr, t0i = ai + ci;
    const T t1r = ar - cr, t1i = ai - ci;
    const T t2r = br + dr, t2i = bi + di;
    // t3 = -i (b - d) forward, +i (b - d) inverse.
    const T t3r = Inv ? (di - bi) : (bi - di);
    const T t3i = Inv ? (br - dr) : (dr - br);
    y[0] = t0r + t2r;
    y[1] = t0i + t2i;
    const T u1r = t1r + t3r, u1i = t1i + t3i;
    const T u2r = t0r - t2r, u2i = t0i - t2i;
    const T u3r = t1r - t3r, u3i = t1i - t3i;
    if constexpr (!Tw) {
        y[ys] = u1r;
        y[ys + 1] = u1i;
        y[2 * ys] = u2r;
        y[2 * ys + 1] = u2i;
        y[3 * ys] = u3r;
        y[3 * ys + 1] = u3i;
    } else {
        const T w1r = w[0], w1i = Inv ? -w[1] : w[1];
        const T w2r = w[2], w2i = Inv ? -w[3] : w[3];
        const T w3r = w[4], w3i = Inv ? -w[5] : w[5];
        y[ys] = u1r * w1r - u1i * w1i;
        y[ys + 1] = u1r * w1i + u1i * w1r;
        y[2 * ys] = u2r * w2r - u2i * w2i;
        y[2 * ys + 1] = u2r * w2i + u2i * w2r;
        y[3 * ys] = u3r * w3r - u3i * w3i;
        y[3 * ys + 1] = u3r * w3i + u3i * w3r;
    }
}

/// One radix-4 stage (n, s). The p = 0 butterflies have unit twiddles and are done
/// without multiplications (in the last pass that is all of them); the first pass (s = 1)
/// has its own loop without the inner one.
template <class T, bool Inv>
void scalar_radix4_stage(const T* NERVE_RESTRICT x, T* NERVE_RESTRICT y, const T* NERVE_RESTRICT tw,
                         std::size_t n, std::size_t s) noexcept {
    const std::size_t m = n / 4;
    const std::size_t xs = 2 * s * m;  // distance between the 4 inputs (in T)
    if (s == 1) {
        scalar_bfly4<T, Inv, false>(x, xs, y, 2, nullptr);
        for (std::size_t p = 1; p < m; ++p) {
            const T w[6] = {tw[2 * p], tw[2 * p + 1], tw[4 * p], tw[4 * p + 1], tw[6 * p], tw[6 * p + 1]};
            scalar_bfly4<T, Inv, true>(x + 2 * p, xs, y + 8 * p, 2, w);
        }
        return;
    }
    for (std::size_t q = 0; q < 2 * s; q += 2) scalar_bfly4<T, Inv, false>(x + q, xs, y + q, 2 * s, nullptr);
    for (std::size_t p = 1; p < m; ++p) {
        const std::size_t j = p * s;
        const T w[6] = {tw[2 * j], tw[2 * j + 1], tw[4 * j], tw[4 * j + 1], tw[6 * j], tw[6 * j + 1]};
        const T* xp = x + 2 * s * p;
        T* yp = y + 8 * s * p;
        for (std::size_t q = 0; q < 2 * s; q += 2) scalar_bfly4<T, Inv, true>(xp + q, xs, yp + q, 2 * s, w);
    }
}

/// The last stage when log2(N) is odd: n = 2, s = N/2, no twiddles.
template <class T>
NERVE_ALWAYS_INLINE void scalar_radix2_last(const T* NERVE_RESTRICT x, T* NERVE_RESTRICT y,
                                            std::size_t s) noexcept {
    for (std::size_t q = 0; q < 2 * s; ++q) {
        const T a = x[q], b = x[q + 2 * s];
        y[q] = a + b;
        y[q + 2 * s] = a - b;
    }
}

/// One radix-3 pass (n, s) with twiddles W_N^(k p s).
template <class T, bool Inv>
void scalar_radix3_stage(const T* NERVE_RESTRICT x, T* NERVE_RESTRICT y, const T* NERVE_RESTRICT tw,
                         std::size_t n, std::size_t s) noexcept {
    const std::size_t m = n / 3;
    const std::size_t xs = 2 * s * m;
    // W_3 = -1/2 -+ i sqrt(3)/2 (forward: minus).
    const T h = T(-0.5);
    const T r3 = Inv ? T(0.866025403784438646763723170752936183) : T(-0.866025403784438646763723170752936183);
    for (std::size_t p = 0; p < m; ++p) {
        const std::size_t j = p * s;
        const T w1r = tw[2 * j], w1i = Inv ? -tw[2 * j + 1] : tw[2 * j + 1];
        const T w2r = tw[4 * j], w2i = Inv ? -tw[4 * j + 1] : tw[4 * j + 1];
        for (std::size_t q = 0; q < 2 * s; q += 2) {
            const T* xq = x + 2 * s * p + q;
            T* yq = y + 2 * s * 3 * p + q;
            const T ar = xq[0], ai = xq[1], br = xq[xs], bi = xq[xs + 1], cr = xq[2 * xs], ci = xq[2 * xs + 1];
            const T tr = br + cr, ti = bi + ci;
            const T dr = br - cr, di = bi - ci;
            const T mr = ar + h * tr, mi = ai + h * ti;
            // y1 = m + i r3 d, y2 = m - i r3 d  (r3 = -sqrt(3)/2 forward)
            const T u1r = mr - r3 * di, u1i = mi + r3 * dr;
            const T u2r = mr + r3 * di, u2i = mi - r3 * dr;
            yq[0] = ar + tr;
            yq[1] = ai + ti;
            yq[2 * s] = u1r * w1r - u1i * w1i;
            yq[2 * s + 1] = u1r * w1i + u1i * w1r;
            yq[4 * s] = u2r * w2r - u2i * w2i;
            yq[4 * s + 1] = u2r * w2i + u2i * w2r;
        }
    }
}

/// The last pass when 8 remains (n = 8, s = N/8): a radix-8 DFT, no twiddles.
template <class T, bool Inv>
void scalar_radix8_last(const T* NERVE_RESTRICT x, T* NERVE_RESTRICT y, std::size_t s) noexcept {
    const std::size_t xs = 2 * s;
    const T h = T(0.707106781186547524400844362104849039);
    for (std::size_t q = 0; q < 2 * s; q += 2) {
        const T* xq = x + q;
        T* yq = y + q;
        // E = DFT4(x0, x2, x4, x6), O = DFT4(x1, x3, x5, x7).
        T e[8], o[8];
        auto dft4 = [](const T* b, std::size_t st, T* v) NERVE_INLINE_LAMBDA {
            const T ar = b[0], ai = b[1], br = b[st], bi = b[st + 1];
            const T cr = b[2 * st], ci = b[2 * st + 1], dr = b[3 * st], di = b[3 * st + 1];
            const T t0r = ar + cr, t0i = ai + ci, t1r = ar - cr, t1i = ai - ci;
            const T t2r = br + dr, t2i = bi + di;
            const T t3r = Inv ? (di - bi) : (bi - di);
            const T t3i = Inv ? (br - dr) : (dr - br);
            v[0] = t0r + t2r; v[1] = t0i + t2i;
            v[2] = t1r + t3r; v[3] = t1i + t3i;
            v[4] = t0r - t2r; v[5] = t0i - t2i;
            v[6] = t1r - t3r; v[7] = t1i - t3i;
        };
        dft4(xq, 2 * xs, e);
        dft4(xq + xs, 2 * xs, o);
        // W8^k O[k]: k = 1: (1 -+ i)/sqrt2, k = 2: -+i, k = 3: (-1 -+ i)/sqrt2.
        T w1r, w1i, w2r, w2i, w3r, w3i;
        if constexpr (!Inv) {
            w1r = (o[2] + o[3]) * h; w1i = (o[3] - o[2]) * h;
            w2r = o[5]; w2i = -o[4];
            w3r = (o[7] - o[6]) * h; w3i = -(o[6] + o[7]) * h;
        } else {
            w1r = (o[2] - o[3]) * h; w1i = (o[3] + o[2]) * h;
            w2r = -o[5]; w2i = o[4];
            w3r = -(o[6] + o[7]) * h; w3i = (o[6] - o[7]) * h;
        }
        yq[0] = e[0] + o[0];           yq[1] = e[1] + o[1];
        yq[4 * xs] = e[0] - o[0];      yq[4 * xs + 1] = e[1] - o[1];
        yq[xs] = e[2] + w1r;           yq[xs + 1] = e[3] + w1i;
        yq[5 * xs] = e[2] - w1r;       yq[5 * xs + 1] = e[3] - w1i;
        yq[2 * xs] = e[4] + w2r;       yq[2 * xs + 1] = e[5] + w2i;
        yq[6 * xs] = e[4] - w2r;       yq[6 * xs + 1] = e[5] - w2i;
        yq[3 * xs] = e[6] + w3r;       yq[3 * xs + 1] = e[7] + w3i;
        yq[7 * xs] = e[6] - w3r;       yq[7 * xs + 1] = e[7] - w3i;
    }
}

/// One radix-5 pass (n, s) with twiddles W_N^(k p s).
template <class T, bool Inv>
void scalar_radix5_stage(const T* NERVE_RESTRICT x, T* NERVE_RESTRICT y, const T* NERVE_RESTRICT tw,
                         std::size_t n, std::size_t s) noexcept {
    const std::size_t m = n / 5;
    const std::size_t xs = 2 * s * m;
    const T c1 = T(0.309016994374947424102293417182819059);   // cos(2 pi / 5)
    const T c2 = T(-0.809016994374947424102293417182819059);  // cos(4 pi / 5)
    const T s1 = Inv ? T(-0.951056516295153572116439333379382143) : T(0.951056516295153572116439333379382143);
    const T s2 = Inv ? T(-0.587785252292473129168705954639072769) : T(0.587785252292473129168705954639072769);
    for (std::size_t p = 0; p < m; ++p) {
        const std::size_t j = p * s;
        T w[8];
        for (std::size_t k = 0; k < 4; ++k) {
            w[2 * k] = tw[2 * (k + 1) * j];
            w[2 * k + 1] = Inv ? -tw[2 * (k + 1) * j + 1] : tw[2 * (k + 1) * j + 1];
        }
        for (std::size_t q = 0; q < 2 * s; q += 2) {
            const T* xq = x + 2 * s * p + q;
            T* yq = y + 2 * s * 5 * p + q;
            const T ar = xq[0], ai = xq[1];
            const T br = xq[xs], bi = xq[xs + 1], cr = xq[2 * xs], ci = xq[2 * xs + 1];
            const T dr = xq[3 * xs], di = xq[3 * xs + 1], er = xq[4 * xs], ei = xq[4 * xs + 1];
            const T t1r = br + er, t1i = bi + ei, t2r = cr + dr, t2i = ci + di;
            const T t3r = br - er, t3i = bi - ei, t4r = cr - dr, t4i = ci - di;
            const T a1r = ar + c1 * t1r + c2 * t2r, a1i = ai + c1 * t1i + c2 * t2i;
            const T a2r = ar + c2 * t1r + c1 * t2r, a2i = ai + c2 * t1i + c1 * t2i;
            const T b1r = s1 * t3r + s2 * t4r, b1i = s1 * t3i + s2 * t4i;
            const T b2r = s2 * t3r - s1 * t4r, b2i = s2 * t3i - s1 * t4i;
            // y1 = a1 - i b1, y4 = a1 + i b1, y2 = a2 - i b2, y3 = a2 + i b2.
            const T u[8] = {a1r + b1i, a1i - b1r, a2r + b2i, a2i - b2r, a2r - b2i, a2i + b2r, a1r - b1i, a1i + b1r};
            yq[0] = ar + t1r + t2r;
            yq[1] = ai + t1i + t2i;
            for (std::size_t k = 0; k < 4; ++k) {
                const T ur = u[2 * k], ui = u[2 * k + 1], wr = w[2 * k], wi = w[2 * k + 1];
                yq[2 * s * (k + 1)] = ur * wr - ui * wi;
                yq[2 * s * (k + 1) + 1] = ur * wi + ui * wr;
            }
        }
    }
}

constexpr std::size_t count_passes(std::size_t n) noexcept {
    std::size_t c = 0;
    while (n > 1) {
        n /= next_radix(n);
        ++c;
    }
    return c;
}

/// Number of ping-pong passes of the scalar kernel for size N.
template <std::size_t N>
inline constexpr std::size_t scalar_passes = count_passes(N);

/// Complex FFT of size N (unscaled), interleaved data. `src` is read by the first pass
/// only; passes alternate so the last one writes `out`. Requires src != the first pass's
/// destination: src != out when the pass count is odd, src != scratch when it is even.
/// `scratch` holds N complex values.
template <class T, std::size_t N, bool Inv>
void scalar_fft(const T* src, T* out, T* scratch) noexcept {
    static_assert(is_smooth235(N), "FFT size must be 2^a 3^b 5^c >= 2");
    constexpr std::size_t passes = scalar_passes<N>;
    const T* tw = scalar_twiddles<T, N>::w.data();
    const T* x = src;
    std::size_t n = N, s = 1;
    for (std::size_t i = 0; i < passes; ++i) {
        T* y = ((passes - 1 - i) % 2 == 0) ? out : scratch;
        const std::size_t r = next_radix(n);
        if (r == 4) {
            scalar_radix4_stage<T, Inv>(x, y, tw, n, s);
        } else if (r == 8) {
            scalar_radix8_last<T, Inv>(x, y, s);  // n == 8: the last pass
        } else if (r == 2) {
            scalar_radix2_last<T>(x, y, s);  // only ever the last pass (n == 2)
        } else if constexpr (!is_pow2(N)) {
            if (r == 3)
                scalar_radix3_stage<T, Inv>(x, y, tw, n, s);
            else
                scalar_radix5_stage<T, Inv>(x, y, tw, n, s);
        }
        n /= r;
        s *= r;
        x = y;
    }
}

}  // namespace nerve::spectral::detail
