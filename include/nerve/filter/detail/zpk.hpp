// nerve/filter/detail/zpk.hpp — zeros/poles/gain manipulation for classical IIR design:
// analog band transforms, bilinear transform and conversion to second-order sections.
//
// Every step follows scipy.signal (lp2lp_zpk, lp2hp_zpk, lp2bp_zpk, lp2bs_zpk,
// bilinear_zpk, zpk2sos with pairing='nearest', _cplxreal) operation by operation, so
// that the sections come out in the same order, with the same pole/zero pairing and the
// whole gain in the first section. Ties that scipy breaks by floating-point noise (two
// poles exactly equally close to the unit circle) may be broken differently.
#pragma once

#include <array>
#include <cstddef>

#include "../sos.hpp"
#include "iir_math.hpp"

namespace nerve::filter::iir_detail {

/// Zeros, poles and gain with fixed capacity Cap.
template <std::size_t Cap>
struct zpk {
    std::array<cplx, Cap> z{};
    std::array<cplx, Cap> p{};
    std::size_t nz = 0;
    std::size_t np = 0;
    double k = 1.0;

    constexpr void add_zero(cplx v) noexcept { z[nz++] = v; }
    constexpr void add_pole(cplx v) noexcept { p[np++] = v; }
};

template <std::size_t Cap>
constexpr cplx prod_neg(const std::array<cplx, Cap>& v, std::size_t n) noexcept {
    if (n == 0) return {1.0, 0.0};
    cplx r = -v[0];
    for (std::size_t i = 1; i < n; ++i) r = r * (-v[i]);
    return r;
}

template <std::size_t Cap>
constexpr cplx prod_sub(double c, const std::array<cplx, Cap>& v, std::size_t n) noexcept {
    if (n == 0) return {1.0, 0.0};
    cplx r = cplx{c, 0.0} - v[0];
    for (std::size_t i = 1; i < n; ++i) r = r * (cplx{c, 0.0} - v[i]);
    return r;
}

template <std::size_t Cap>
constexpr zpk<Cap> lp2lp(const zpk<Cap>& in, double wo) noexcept {
    zpk<Cap> r;
    const std::size_t degree = in.np - in.nz;
    for (std::size_t i = 0; i < in.nz; ++i) r.add_zero(in.z[i] * wo);
    for (std::size_t i = 0; i < in.np; ++i) r.add_pole(in.p[i] * wo);
    r.k = in.k * pow_int(wo, static_cast<int>(degree));
    return r;
}

template <std::size_t Cap>
constexpr zpk<Cap> lp2hp(const zpk<Cap>& in, double wo) noexcept {
    zpk<Cap> r;
    const std::size_t degree = in.np - in.nz;
    for (std::size_t i = 0; i < in.nz; ++i) r.add_zero(wo / in.z[i]);
    for (std::size_t i = 0; i < in.np; ++i) r.add_pole(wo / in.p[i]);
    for (std::size_t i = 0; i < degree; ++i) r.add_zero({0.0, 0.0});
    r.k = in.k * (prod_neg(in.z, in.nz) / prod_neg(in.p, in.np)).re;
    return r;
}

template <std::size_t Cap>
constexpr zpk<Cap> lp2bp(const zpk<Cap>& in, double wo, double bw) noexcept {
    zpk<Cap> r;
    const std::size_t degree = in.np - in.nz;
    const double wo2 = wo * wo;
    for (std::size_t i = 0; i < in.nz; ++i) {
        const cplx a = in.z[i] * bw * 0.5;
        r.add_zero(a + csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.nz; ++i) {
        const cplx a = in.z[i] * bw * 0.5;
        r.add_zero(a - csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.np; ++i) {
        const cplx a = in.p[i] * bw * 0.5;
        r.add_pole(a + csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.np; ++i) {
        const cplx a = in.p[i] * bw * 0.5;
        r.add_pole(a - csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < degree; ++i) r.add_zero({0.0, 0.0});
    r.k = in.k * pow_int(bw, static_cast<int>(degree));
    return r;
}

template <std::size_t Cap>
constexpr zpk<Cap> lp2bs(const zpk<Cap>& in, double wo, double bw) noexcept {
    zpk<Cap> r;
    const std::size_t degree = in.np - in.nz;
    const double wo2 = wo * wo;
    const double hb = bw / 2;
    for (std::size_t i = 0; i < in.nz; ++i) {
        const cplx a = hb / in.z[i];
        r.add_zero(a + csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.nz; ++i) {
        const cplx a = hb / in.z[i];
        r.add_zero(a - csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.np; ++i) {
        const cplx a = hb / in.p[i];
        r.add_pole(a + csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < in.np; ++i) {
        const cplx a = hb / in.p[i];
        r.add_pole(a - csqrt(a * a - cplx{wo2, 0.0}));
    }
    for (std::size_t i = 0; i < degree; ++i) r.add_zero({0.0, wo});
    for (std::size_t i = 0; i < degree; ++i) r.add_zero({0.0, -wo});
    r.k = in.k * (prod_neg(in.z, in.nz) / prod_neg(in.p, in.np)).re;
    return r;
}

/// Bilinear transform with scipy's digital design convention fs = 2.
template <std::size_t Cap>
constexpr zpk<Cap> bilinear(const zpk<Cap>& in, double fs) noexcept {
    zpk<Cap> r;
    const std::size_t degree = in.np - in.nz;
    const double fs2 = 2.0 * fs;
    for (std::size_t i = 0; i < in.nz; ++i)
        r.add_zero((cplx{fs2, 0.0} + in.z[i]) / (cplx{fs2, 0.0} - in.z[i]));
    for (std::size_t i = 0; i < in.np; ++i)
        r.add_pole((cplx{fs2, 0.0} + in.p[i]) / (cplx{fs2, 0.0} - in.p[i]));
    for (std::size_t i = 0; i < degree; ++i) r.add_zero({-1.0, 0.0});
    r.k = in.k * (prod_sub(fs2, in.z, in.nz) / prod_sub(fs2, in.p, in.np)).re;
    return r;
}

/// A small fixed-capacity list with erase, standing in for numpy's np.delete.
template <std::size_t Cap>
struct clist {
    std::array<cplx, Cap> v{};
    std::size_t n = 0;
    constexpr void push(cplx c) noexcept { v[n++] = c; }
    constexpr cplx take(std::size_t i) noexcept {
        const cplx c = v[i];
        for (std::size_t j = i + 1; j < n; ++j) v[j - 1] = v[j];
        --n;
        return c;
    }
    constexpr std::size_t count_real() const noexcept {
        std::size_t c = 0;
        for (std::size_t i = 0; i < n; ++i) c += v[i].im == 0.0 ? 1 : 0;
        return c;
    }
};

inline constexpr double cplxreal_tol = 100 * 2.220446049250313e-16;

/// scipy's _cplxreal: one representative (positive imaginary part) of every conjugate
/// pair, sorted by real part, followed by the real values sorted.
template <std::size_t Cap>
constexpr clist<Cap> cplxreal(const std::array<cplx, Cap>& in, std::size_t n) noexcept {
    std::array<cplx, Cap> z = in;
    // Stable insertion sort by (real, |imag|), as np.lexsort((abs(z.imag), z.real)).
    for (std::size_t i = 1; i < n; ++i) {
        const cplx key = z[i];
        std::size_t j = i;
        while (j > 0 && (z[j - 1].re > key.re || (z[j - 1].re == key.re && abs(z[j - 1].im) > abs(key.im)))) {
            z[j] = z[j - 1];
            --j;
        }
        z[j] = key;
    }
    clist<Cap> zr, zp, zn;
    for (std::size_t i = 0; i < n; ++i) {
        if (abs(z[i].im) <= cplxreal_tol * z[i].mag()) {
            zr.push({z[i].re, 0.0});
        } else if (z[i].im > 0) {
            zp.push(z[i]);
        } else {
            zn.push(z[i]);
        }
    }
    // Within runs of (nearly) equal real part, order by |imag| (stable).
    auto sort_runs = [](clist<Cap>& ref, clist<Cap>& a, clist<Cap>& b) {
        std::size_t start = 0;
        while (start < ref.n) {
            std::size_t stop = start;
            while (stop + 1 < ref.n && ref.v[stop + 1].re - ref.v[stop].re <= cplxreal_tol * ref.v[stop].mag()) ++stop;
            for (clist<Cap>* c : {&a, &b}) {
                for (std::size_t i = start + 1; i <= stop; ++i) {
                    const cplx key = c->v[i];
                    std::size_t j = i;
                    while (j > start && abs(c->v[j - 1].im) > abs(key.im)) {
                        c->v[j] = c->v[j - 1];
                        --j;
                    }
                    c->v[j] = key;
                }
            }
            start = stop + 1;
        }
    };
    clist<Cap> ref = zp;
    sort_runs(ref, zp, zn);
    clist<Cap> out;
    for (std::size_t i = 0; i < zp.n && i < zn.n; ++i) {
        const cplx s = zp.v[i] + zn.v[i].conj();
        out.push({s.re / 2, s.im / 2});
    }
    for (std::size_t i = 0; i < zr.n; ++i) out.push(zr.v[i]);
    return out;
}

template <std::size_t Cap>
constexpr std::size_t idx_worst(const clist<Cap>& p) noexcept {
    std::size_t best = 0;
    double bd = abs(1.0 - p.v[0].mag());
    for (std::size_t i = 1; i < p.n; ++i) {
        const double d = abs(1.0 - p.v[i].mag());
        if (d < bd) { bd = d; best = i; }
    }
    return best;
}

enum class which_kind { real, complex, any };

/// scipy's _nearest_real_complex_idx (distance ties broken by the lower index).
template <std::size_t Cap>
constexpr std::size_t nearest_idx(const clist<Cap>& fro, cplx to, which_kind which) noexcept {
    std::size_t best = Cap;
    double bd = 0.0;
    for (std::size_t i = 0; i < fro.n; ++i) {
        const bool is_real = fro.v[i].im == 0.0;
        if (which == which_kind::real && !is_real) continue;
        if (which == which_kind::complex && is_real) continue;
        const double d = (fro.v[i] - to).mag();
        if (best == Cap || d < bd) { bd = d; best = i; }
    }
    return best;
}

/// poly() of up to two roots, right-aligned into three coefficients (numpy's poly and
/// _single_zpksos), real part taken as scipy does for conjugate pairs.
constexpr std::array<double, 3> poly_right(const cplx* r, std::size_t n) noexcept {
    if (n == 0) return {0.0, 0.0, 1.0};
    if (n == 1) return {0.0, 1.0, (-r[0]).re};
    const cplx s = -r[1] + -r[0];
    const cplx p = (-r[0]) * (-r[1]);
    return {1.0, s.re, p.re};
}

constexpr sos_section<double> single_sos(const cplx* z, std::size_t nz, const cplx* p, std::size_t np) noexcept {
    const auto b = poly_right(z, nz);
    const auto a = poly_right(p, np);
    return {b[0], b[1], b[2], a[0], a[1], a[2]};
}

/// scipy.signal.zpk2sos(z, p, k, pairing='nearest') for a digital filter with
/// as many zeros as poles (true of every bilinear-transformed design).
template <std::size_t S, std::size_t Cap>
constexpr std::array<sos_section<double>, S> zpk2sos(const zpk<Cap>& in) noexcept {
    static_assert(Cap >= 2 * S, "zpk capacity too small");
    std::array<sos_section<double>, S> sos{};
    std::array<cplx, Cap> zz = in.z, pp = in.p;
    std::size_t nz = in.nz, np = in.np;
    while (np < nz) pp[np++] = {0.0, 0.0};
    while (nz < np) zz[nz++] = {0.0, 0.0};
    if (np % 2 == 1) {
        pp[np++] = {0.0, 0.0};
        zz[nz++] = {0.0, 0.0};
    }
    clist<Cap> z = cplxreal(zz, nz);
    clist<Cap> p = cplxreal(pp, np);

    for (std::size_t si = S; si-- > 0;) {
        const cplx p1 = p.take(idx_worst(p));
        const bool p1_real = p1.im == 0.0;
        if (p1_real && p.count_real() == 0) {
            // Special case (1): last remaining real pole.
            const cplx z1 = z.take(nearest_idx(z, p1, which_kind::real));
            const cplx zs[2] = {z1, {0.0, 0.0}};
            const cplx ps[2] = {p1, {0.0, 0.0}};
            sos[si] = single_sos(zs, 2, ps, 2);
        } else if (p.n + 1 == z.n && !p1_real && p.count_real() == 1 && z.count_real() == 1) {
            // Special case (2): must pair with a complex zero.
            const cplx z1 = z.take(nearest_idx(z, p1, which_kind::complex));
            const cplx zs[2] = {z1, z1.conj()};
            const cplx ps[2] = {p1, p1.conj()};
            sos[si] = single_sos(zs, 2, ps, 2);
        } else {
            cplx p2{};
            if (p1_real) {
                // The worst remaining real pole.
                std::size_t best = Cap;
                double bd = 0.0;
                for (std::size_t i = 0; i < p.n; ++i) {
                    if (p.v[i].im != 0.0) continue;
                    const double d = abs(1.0 - p.v[i].mag());
                    if (best == Cap || d < bd) { bd = d; best = i; }
                }
                p2 = p.take(best);
            } else {
                p2 = p1.conj();
            }
            const cplx ps[2] = {p1, p2};
            if (z.n > 0) {
                const cplx z1 = z.take(nearest_idx(z, p1, which_kind::any));
                if (z1.im != 0.0) {
                    const cplx zs[2] = {z1, z1.conj()};
                    sos[si] = single_sos(zs, 2, ps, 2);
                } else if (z.n > 0) {
                    const cplx z2 = z.take(nearest_idx(z, p1, which_kind::real));
                    const cplx zs[2] = {z1, z2};
                    sos[si] = single_sos(zs, 2, ps, 2);
                } else {
                    sos[si] = single_sos(&z1, 1, ps, 2);
                }
            } else {
                sos[si] = single_sos(nullptr, 0, ps, 2);
            }
        }
    }
    sos[0].b0 *= in.k;
    sos[0].b1 *= in.k;
    sos[0].b2 *= in.k;
    return sos;
}

/// Digital design from an analog low-pass prototype with N poles, scipy.signal.iirfilter
/// style: wn1/wn2 are normalised to Nyquist (0..1), prewarped with fs = 2.
template <std::size_t Order, band_type B, std::size_t Cap>
constexpr std::array<sos_section<double>, sos_count(Order, B)> design_digital(const zpk<Cap>& proto, double wn1,
                                                                              double wn2) noexcept {
    constexpr double fs = 2.0;
    const double w1 = 2 * fs * tan(pi * wn1 / fs);
    zpk<Cap> t;
    if constexpr (B == band_type::lowpass) {
        t = lp2lp(proto, w1);
    } else if constexpr (B == band_type::highpass) {
        t = lp2hp(proto, w1);
    } else {
        const double w2 = 2 * fs * tan(pi * wn2 / fs);
        const double bw = w2 - w1;
        const double wo = sqrt(w1 * w2);
        if constexpr (B == band_type::bandpass) {
            t = lp2bp(proto, wo, bw);
        } else {
            t = lp2bs(proto, wo, bw);
        }
    }
    return zpk2sos<sos_count(Order, B)>(bilinear(t, fs));
}

}  // namespace nerve::filter::iir_detail
