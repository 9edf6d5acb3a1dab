// Tests for nerve/spectral/real_fft.hpp against numpy.fft.rfft / irfft
// (tests/golden/fft_vectors.hpp) and a double reference DFT at larger sizes.
#include "nerve_test.hpp"

#include "nerve/spectral/real_fft.hpp"

#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <span>

#include "golden/fft_vectors.hpp"

namespace {

using nerve::spectral::real_fft;

// Buffers shared by every size (the Cortex-M4 test binary has 4 MB of RAM for all tests).
#if defined(__arm__) && !defined(__aarch64__)
constexpr std::size_t kMaxN = 4096;
#else
constexpr std::size_t kMaxN = 16384;
#endif
template <class T, int Which>
T* pool() {
    alignas(64) static std::array<T, kMaxN> a;
    return a.data();
}

template <class T>
double rel_err_c(const std::complex<T>* a, const double* ref, std::size_t n) {
    double emax = 0, rmax = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double er = static_cast<double>(a[i].real()) - ref[2 * i];
        const double ei = static_cast<double>(a[i].imag()) - ref[2 * i + 1];
        emax = std::max(emax, std::sqrt(er * er + ei * ei));
        rmax = std::max(rmax, std::sqrt(ref[2 * i] * ref[2 * i] + ref[2 * i + 1] * ref[2 * i + 1]));
    }
    return emax / rmax;
}

template <class T>
double rel_err_r(const T* a, const double* ref, std::size_t n) {
    double emax = 0, rmax = 0;
    for (std::size_t i = 0; i < n; ++i) {
        emax = std::max(emax, std::abs(static_cast<double>(a[i]) - ref[i]));
        rmax = std::max(rmax, std::abs(ref[i]));
    }
    return emax / rmax;
}

template <class T, std::size_t N>
void check_golden(const double* gin, const double* gout, double tol) {
    static real_fft<T, N> f;
    std::span<T, N> in(pool<T, 0>(), N), back(pool<T, 1>(), N);
    std::span<std::complex<T>, N / 2 + 1> out(pool<std::complex<T>, 2>(), N / 2 + 1),
        spec(pool<std::complex<T>, 3>(), N / 2 + 1);
    for (std::size_t i = 0; i < N; ++i) in[i] = static_cast<T>(gin[i]);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    CHECK(rel_err_c(out.data(), gout, N / 2 + 1) <= tol);
    CHECK(out[0].imag() == T(0));
    CHECK(out[N / 2].imag() == T(0));
    for (std::size_t i = 0; i <= N / 2; ++i) spec[i] = {static_cast<T>(gout[2 * i]), static_cast<T>(gout[2 * i + 1])};
    NERVE_REQUIRE_NO_ALLOC(f.inverse(spec, back));
    CHECK(rel_err_r(back.data(), gin, N) <= tol);
}

void ref_dft(const std::complex<double>* x, std::complex<double>* X, std::size_t n, std::size_t stride) {
    if (n == 1) { X[0] = x[0]; return; }
    ref_dft(x, X, n / 2, 2 * stride);
    ref_dft(x + stride, X + n / 2, n / 2, 2 * stride);
    for (std::size_t k = 0; k < n / 2; ++k) {
        const double a = -2.0 * 3.14159265358979323846 * static_cast<double>(k) / static_cast<double>(n);
        const std::complex<double> t = std::complex<double>(std::cos(a), std::sin(a)) * X[k + n / 2];
        const std::complex<double> e = X[k];
        X[k] = e + t;
        X[k + n / 2] = e - t;
    }
}

std::uint32_t lcg(std::uint32_t& s) { return s = s * 1664525u + 1013904223u; }
double uni(std::uint32_t& s) { return static_cast<double>(lcg(s) >> 8) / 8388608.0 - 1.0; }

template <class T, std::size_t N>
void check_reference(double tol) {
    if constexpr (N <= kMaxN) {
    static real_fft<T, N> f;
    std::span<T, N> in(pool<T, 0>(), N), back(pool<T, 1>(), N);
    std::span<std::complex<T>, N / 2 + 1> out(pool<std::complex<T>, 2>(), N / 2 + 1);
    std::span<std::complex<double>, N> xd(pool<std::complex<double>, 4>(), N), Xd(pool<std::complex<double>, 5>(), N);
    std::span<double, N> ind(pool<double, 6>(), N);
    std::uint32_t s = 999u + N;
    for (std::size_t i = 0; i < N; ++i) {
        in[i] = static_cast<T>(uni(s));
        ind[i] = static_cast<double>(in[i]);
        xd[i] = ind[i];
    }
    ref_dft(xd.data(), Xd.data(), N, 1);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    CHECK(rel_err_c(out.data(), reinterpret_cast<const double*>(Xd.data()), N / 2 + 1) <= tol);
    NERVE_REQUIRE_NO_ALLOC(f.inverse(out, back));
    CHECK(rel_err_r(back.data(), ind.data(), N) <= tol);
    }
}

}  // namespace

TEST_CASE("real_fft float matches numpy.fft.rfft/irfft at N = 16, 64, 256, 1024", "[spectral][real_fft]") {
    using namespace nerve::golden;
    check_golden<float, 16>(fft_r16_in, fft_r16_out, 1e-5);
    check_golden<float, 64>(fft_r64_in, fft_r64_out, 1e-5);
    check_golden<float, 256>(fft_r256_in, fft_r256_out, 1e-5);
    check_golden<float, 1024>(fft_r1024_in, fft_r1024_out, 1e-5);
}

TEST_CASE("real_fft double matches numpy.fft.rfft/irfft to 1e-12", "[spectral][real_fft]") {
    using namespace nerve::golden;
    check_golden<double, 16>(fft_r16_in, fft_r16_out, 1e-12);
    check_golden<double, 64>(fft_r64_in, fft_r64_out, 1e-12);
    check_golden<double, 256>(fft_r256_in, fft_r256_out, 1e-12);
    check_golden<double, 1024>(fft_r1024_in, fft_r1024_out, 1e-12);
}

TEST_CASE("real_fft mixed radix (N/2 = 2^a 3^b 5^c) matches numpy.fft.rfft/irfft", "[spectral][real_fft]") {
    using namespace nerve::golden;
    check_golden<float, 6>(fft_r6_in, fft_r6_out, 1e-5);
    check_golden<float, 12>(fft_r12_in, fft_r12_out, 1e-5);
    check_golden<float, 60>(fft_r60_in, fft_r60_out, 1e-5);
    check_golden<float, 100>(fft_r100_in, fft_r100_out, 1e-5);
    check_golden<float, 240>(fft_r240_in, fft_r240_out, 1e-5);
    check_golden<float, 1000>(fft_r1000_in, fft_r1000_out, 1e-5);
    check_golden<double, 12>(fft_r12_in, fft_r12_out, 1e-12);
    check_golden<double, 100>(fft_r100_in, fft_r100_out, 1e-12);
    check_golden<double, 1000>(fft_r1000_in, fft_r1000_out, 1e-12);
}

TEST_CASE("real_fft at other sizes matches a double reference DFT", "[spectral][real_fft]") {
    check_reference<float, 4>(1e-6);
    check_reference<float, 8>(1e-6);
    check_reference<float, 32>(1e-5);
    check_reference<float, 128>(1e-5);
    check_reference<float, 512>(1e-5);
    check_reference<float, 2048>(1e-5);
    check_reference<float, 4096>(1e-5);
    check_reference<float, 16384>(2e-5);
    check_reference<double, 4096>(1e-12);
}

TEST_CASE("real_fft inverse ignores the imaginary parts of DC and Nyquist, like numpy", "[spectral][real_fft]") {
    static real_fft<float, 32> f;
    std::array<std::complex<float>, 17> X{}, Y{};
    std::array<float, 32> a{}, b{};
    std::uint32_t s = 3;
    for (auto& v : X) v = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    Y = X;
    Y[0].imag(0.0f);
    Y[16].imag(0.0f);
    f.inverse(X, a);
    f.inverse(Y, b);
    for (std::size_t i = 0; i < 32; ++i) CHECK(std::abs(a[i] - b[i]) <= 1e-6f);
}

TEST_CASE("real_fft: a NaN input poisons only that call", "[spectral][real_fft]") {
    static real_fft<float, 64> f;
    std::array<float, 64> x{};
    std::array<std::complex<float>, 33> X{};
    x.fill(1.0f);
    x[5] = std::numeric_limits<float>::quiet_NaN();
    f.forward(x, X);
    CHECK(std::isnan(X[0].real()));
    x[5] = 1.0f;
    f.forward(x, X);
    CHECK(X[0].real() == 64.0f);
    for (std::size_t k = 1; k <= 32; ++k) CHECK(std::abs(X[k]) < 1e-4f);
}

TEST_CASE("real_fft: SIMD kernel and portable scalar kernel agree", "[spectral][real_fft]") {
    using nerve::spectral::detail::real_fft_impl;
    static real_fft_impl<float, 1024, false> scalar;
    static real_fft<float, 1024> pub;
    static std::array<float, 1024> in, a, b;
    static std::array<std::complex<float>, 513> A, B;
    std::uint32_t s = 5;
    for (auto& v : in) v = static_cast<float>(uni(s));
    scalar.forward(in, A);
    pub.forward(in, B);
    double emax = 0, rmax = 0;
    for (std::size_t i = 0; i < A.size(); ++i) {
        emax = std::max(emax, static_cast<double>(std::abs(A[i] - B[i])));
        rmax = std::max(rmax, static_cast<double>(std::abs(A[i])));
    }
    INFO("SIMD kernel in use: " << (nerve::spectral::detail::real_fft_uses_simd<float, 1024>));
    CHECK(emax / rmax <= 2e-6);
    scalar.inverse(A, a);
    pub.inverse(B, b);
    for (std::size_t i = 0; i < in.size(); ++i) CHECK(std::abs(a[i] - b[i]) <= 1e-6f);
}

TEST_CASE("real_fft and fft accept buffers at any float alignment", "[spectral][real_fft]") {
    // Frames handed over by other operators need not be SIMD-aligned.
    static real_fft<float, 1024> f;
    static nerve::spectral::fft<float, 256> c;
    alignas(64) static float raw_in[1024 + 1];
    alignas(64) static float raw_back[1024 + 3];
    alignas(64) static std::array<std::complex<float>, 513> ref;
    static std::array<float, 1024> in_aligned;
    std::uint32_t s = 21;
    for (std::size_t i = 0; i < 1024; ++i) raw_in[i + 1] = in_aligned[i] = static_cast<float>(uni(s));
    f.forward(in_aligned, ref);
    std::span<const float, 1024> in(raw_in + 1, 1024);
    // std::complex<float> needs 4-byte alignment only; offset the spectrum by one float.
    alignas(64) static float raw_spec[2 * 513 + 2];
    auto* spec_ptr = reinterpret_cast<std::complex<float>*>(raw_spec + 2);
    std::span<std::complex<float>, 513> spec(spec_ptr, 513);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, spec));
    for (std::size_t k = 0; k <= 512; ++k) CHECK(spec[k] == ref[k]);
    std::span<float, 1024> back(raw_back + 3, 1024);
    NERVE_REQUIRE_NO_ALLOC(f.inverse(spec, back));
    for (std::size_t i = 0; i < 1024; ++i) CHECK(std::abs(back[i] - in_aligned[i]) <= 1e-6f);
    alignas(64) static float craw[2 * 256 + 1];
    auto* cz = reinterpret_cast<std::complex<float>*>(craw + 1);
    std::span<std::complex<float>, 256> cspan(cz, 256);
    static std::array<std::complex<float>, 256> cin, cref;
    for (std::size_t i = 0; i < 256; ++i) cspan[i] = cin[i] = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    c.forward(cin, cref);
    c.forward(cspan, cspan);
    for (std::size_t i = 0; i < 256; ++i) CHECK(cspan[i] == cref[i]);
}
