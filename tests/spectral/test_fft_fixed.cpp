// Tests for nerve/spectral/fft_fixed.hpp: q15 / q31 complex and real FFTs against a double
// reference DFT (same scaling), within the bound stated in the header.
#include "nerve_test.hpp"

#include "nerve/spectral/fft_fixed.hpp"

#include <cmath>
#include <complex>
#include <cstdint>
#include <span>
#include <type_traits>

namespace {

using nerve::q15;
using nerve::q31;
using nerve::spectral::cq15;
using nerve::spectral::cq31;
using nerve::spectral::fft;
using nerve::spectral::real_fft;

void ref_dft(const std::complex<double>* x, std::complex<double>* X, std::size_t n, std::size_t stride, int sign) {
    if (n == 1) { X[0] = x[0]; return; }
    ref_dft(x, X, n / 2, 2 * stride, sign);
    ref_dft(x + stride, X + n / 2, n / 2, 2 * stride, sign);
    for (std::size_t k = 0; k < n / 2; ++k) {
        const double a = sign * 2.0 * 3.14159265358979323846 * static_cast<double>(k) / static_cast<double>(n);
        const std::complex<double> t = std::complex<double>(std::cos(a), std::sin(a)) * X[k + n / 2];
        const std::complex<double> e = X[k];
        X[k] = e + t;
        X[k + n / 2] = e - t;
    }
}

// Reference buffers shared by every size (the Cortex-M4 test binary has 4 MB for all tests).
constexpr std::size_t kMaxN = 2048;
template <int Which>
std::complex<double>* dpool() {
    static std::array<std::complex<double>, kMaxN> a;
    return a.data();
}

std::uint32_t lcg(std::uint32_t& s) { return s = s * 1664525u + 1013904223u; }
double uni(std::uint32_t& s) { return static_cast<double>(lcg(s) >> 8) / 8388608.0 - 1.0; }

constexpr std::size_t passes(std::size_t n) {
    std::size_t l = 0;
    while ((std::size_t{1} << l) < n) ++l;
    return (l + 1) / 2;
}

template <class Q> struct cplx_of;
template <> struct cplx_of<q15> { using type = cq15; };
template <> struct cplx_of<q31> { using type = cq31; };

template <class Q>
double lsb() { return 1.0 / static_cast<double>(std::int64_t{1} << Q::frac_bits); }

// Error bound per pass in LSB (see fft_fixed.hpp): 3, except q31 on 32-bit Arm (6).
template <class Q>
double per_pass() {
    if constexpr (std::is_same_v<Q, q31>) return NERVE_FFT_Q31_ARM32 ? 6.0 : 3.0;
    return 3.0;
}

template <class Q, std::size_t N>
void check_complex(double amplitude) {
    using C = typename cplx_of<Q>::type;
    static fft<Q, N> f;
    static std::array<C, N> in, out, back;
    std::span<std::complex<double>, N> xd(dpool<0>(), N), Xd(dpool<1>(), N), xb(dpool<2>(), N);
    std::uint32_t s = 77u + N;
    for (std::size_t i = 0; i < N; ++i) {
        in[i] = {Q::from_float(amplitude * uni(s)), Q::from_float(amplitude * uni(s))};
        xd[i] = {in[i].re.to_double(), in[i].im.to_double()};
    }
    ref_dft(xd.data(), Xd.data(), N, 1, -1);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    const double bound = (per_pass<Q>() * static_cast<double>(passes(N)) + 1.0) * lsb<Q>();
    double emax = 0;
    for (std::size_t k = 0; k < N; ++k) {
        const std::complex<double> got{out[k].re.to_double(), out[k].im.to_double()};
        emax = std::max(emax, std::abs(got - Xd[k] / static_cast<double>(N)));
    }
    INFO("forward N=" << N << " max error " << emax / lsb<Q>() << " LSB, bound " << bound / lsb<Q>());
    CHECK(emax <= bound);
    // Inverse of the (scaled) spectrum: numpy.fft.ifft of `out` exactly.
    for (std::size_t k = 0; k < N; ++k) xb[k] = {out[k].re.to_double(), out[k].im.to_double()};
    ref_dft(xb.data(), Xd.data(), N, 1, +1);
    NERVE_REQUIRE_NO_ALLOC(f.inverse(out, back));
    double emax2 = 0;
    for (std::size_t k = 0; k < N; ++k) {
        const std::complex<double> got{back[k].re.to_double(), back[k].im.to_double()};
        emax2 = std::max(emax2, std::abs(got - Xd[k] / static_cast<double>(N)));
    }
    INFO("inverse N=" << N << " max error " << emax2 / lsb<Q>() << " LSB");
    CHECK(emax2 <= bound);
}

template <class Q, std::size_t N>
void check_real(double amplitude) {
    using C = typename cplx_of<Q>::type;
    static real_fft<Q, N> f;
    static std::array<Q, N> in, back;
    static std::array<C, N / 2 + 1> out;
    std::span<std::complex<double>, N> xd(dpool<0>(), N), Xd(dpool<1>(), N);
    std::uint32_t s = 31u + N;
    for (std::size_t i = 0; i < N; ++i) {
        in[i] = Q::from_float(amplitude * uni(s));
        xd[i] = in[i].to_double();
    }
    ref_dft(xd.data(), Xd.data(), N, 1, -1);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    const double bound = (per_pass<Q>() * static_cast<double>(passes(N / 2) + 1) + 1.0) * lsb<Q>();
    double emax = 0;
    for (std::size_t k = 0; k <= N / 2; ++k) {
        const std::complex<double> got{out[k].re.to_double(), out[k].im.to_double()};
        emax = std::max(emax, std::abs(got - Xd[k] / static_cast<double>(N)));
    }
    INFO("real forward N=" << N << " max error " << emax / lsb<Q>() << " LSB, bound " << bound / lsb<Q>());
    CHECK(emax <= bound);
    // irfft of the scaled spectrum = x / N.
    NERVE_REQUIRE_NO_ALLOC(f.inverse(out, back));
    // Reference: irfft(out) in double from the full Hermitian spectrum.
    std::span<std::complex<double>, N> full(dpool<2>(), N), xr(dpool<3>(), N);
    for (std::size_t k = 0; k <= N / 2; ++k) full[k] = {out[k].re.to_double(), out[k].im.to_double()};
    full[0].imag(0.0);
    full[N / 2].imag(0.0);
    for (std::size_t k = 1; k < N / 2; ++k) full[N - k] = std::conj(full[k]);
    ref_dft(full.data(), xr.data(), N, 1, +1);
    double emax2 = 0;
    for (std::size_t i = 0; i < N; ++i) emax2 = std::max(emax2, std::abs(back[i].to_double() - xr[i].real() / N));
    INFO("real inverse N=" << N << " max error " << emax2 / lsb<Q>() << " LSB, bound " << bound / lsb<Q>());
    CHECK(emax2 <= bound);
}

}  // namespace

TEST_CASE("fft<q15/q31>: forward = fft/N, inverse = ifft, within the stated bound", "[spectral][fft_fixed]") {
    // |z| <= 1 keeps every pass in range (documented); 0.7 per component keeps |z| < 1.
    check_complex<q15, 16>(0.7);
    check_complex<q15, 64>(0.7);
    check_complex<q15, 256>(0.7);
    check_complex<q15, 1024>(0.7);
    check_complex<q15, 2048>(0.7);
    check_complex<q31, 16>(0.7);
    check_complex<q31, 256>(0.7);
    check_complex<q31, 1024>(0.7);
    check_complex<q31, 2048>(0.7);
}

TEST_CASE("real_fft<q15/q31>: forward = rfft/N, inverse = irfft, within the stated bound", "[spectral][fft_fixed]") {
    check_real<q15, 16>(1.0);
    check_real<q15, 64>(1.0);
    check_real<q15, 256>(1.0);
    check_real<q15, 1024>(1.0);
    check_real<q15, 2048>(1.0);
    check_real<q31, 64>(1.0);
    check_real<q31, 1024>(1.0);
}

TEST_CASE("fixed FFTs saturate instead of wrapping at full scale", "[spectral][fft_fixed]") {
    static real_fft<q15, 256> r;
    static std::array<q15, 256> x;
    static std::array<cq15, 129> X;
    x.fill(q15::min());  // all -1: rfft/N = -1 at DC, 0 elsewhere
    r.forward(x, X);
    CHECK(X[0].re.raw == -32768);
    for (std::size_t k = 1; k <= 128; ++k) {
        CHECK(std::abs(X[k].re.raw) <= 2);
        CHECK(std::abs(X[k].im.raw) <= 2);
    }
    for (std::size_t i = 0; i < 256; ++i) x[i] = (i % 2) ? q15::max() : q15::min();  // Nyquist
    r.forward(x, X);
    CHECK(X[128].re.raw <= -32760);
    static fft<q15, 64> c;
    static std::array<cq15, 64> z, Z;
    z.fill({q15::max(), q15::max()});  // |z| = sqrt(2): beyond the documented range
    c.forward(z, Z);
    CHECK(Z[0].re.raw > 30000);  // clipped or exact, but never wrapped negative
    CHECK(Z[0].im.raw > 30000);
}

TEST_CASE("fixed FFT agrees with the float FFT of the same input", "[spectral][fft_fixed]") {
    static real_fft<q15, 1024> rq;
    static real_fft<float, 1024> rf;
    static std::array<q15, 1024> xq;
    static std::array<float, 1024> xf;
    static std::array<cq15, 513> Xq;
    static std::array<std::complex<float>, 513> Xf;
    std::uint32_t s = 4;
    for (std::size_t i = 0; i < 1024; ++i) {
        xq[i] = q15::from_float(0.9 * std::sin(0.05 * static_cast<double>(i)) + 0.05 * uni(s));
        xf[i] = static_cast<float>(xq[i].to_double());
    }
    rq.forward(xq, Xq);
    rf.forward(xf, Xf);
    double emax = 0;
    for (std::size_t k = 0; k <= 512; ++k) {
        const std::complex<double> a{Xq[k].re.to_double(), Xq[k].im.to_double()};
        const std::complex<double> b{Xf[k].real() / 1024.0, Xf[k].imag() / 1024.0};
        emax = std::max(emax, std::abs(a - b));
    }
    INFO("q15 vs float, N = 1024 real: " << emax * 32768.0 << " LSB");
    CHECK(emax <= (3.0 * 6 + 1) / 32768.0);
}
