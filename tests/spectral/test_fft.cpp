// Tests for nerve/spectral/fft.hpp against numpy.fft (tests/golden/fft_vectors.hpp) and,
// for sizes beyond the golden set, an independent double-precision recursive DFT.
#include "nerve_test.hpp"

#include "nerve/spectral/fft.hpp"

#include <cmath>
#include <complex>
#include <cstdint>
#include <limits>
#include <span>

#include "golden/fft_vectors.hpp"

namespace {

using nerve::spectral::fft;

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

// Relative error max|a - ref| / max|ref| over interleaved arrays.
template <class T>
double rel_err(const std::complex<T>* a, const double* ref, std::size_t n) {
    double emax = 0, rmax = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double er = static_cast<double>(a[i].real()) - ref[2 * i];
        const double ei = static_cast<double>(a[i].imag()) - ref[2 * i + 1];
        emax = std::max(emax, std::sqrt(er * er + ei * ei));
        rmax = std::max(rmax, std::sqrt(ref[2 * i] * ref[2 * i] + ref[2 * i + 1] * ref[2 * i + 1]));
    }
    return emax / rmax;
}

template <class T, std::size_t N>
void check_golden(const double* gin, const double* gout, double tol) {
    static fft<T, N> f;
    std::span<std::complex<T>, N> in(pool<std::complex<T>, 0>(), N), out(pool<std::complex<T>, 1>(), N),
        back(pool<std::complex<T>, 2>(), N);
    for (std::size_t i = 0; i < N; ++i) in[i] = {static_cast<T>(gin[2 * i]), static_cast<T>(gin[2 * i + 1])};
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    CHECK(rel_err(out.data(), gout, N) <= tol);
    // Inverse: numpy.fft.ifft(fft_out) == fft_in.
    for (std::size_t i = 0; i < N; ++i) in[i] = {static_cast<T>(gout[2 * i]), static_cast<T>(gout[2 * i + 1])};
    NERVE_REQUIRE_NO_ALLOC(f.inverse(in, back));
    CHECK(rel_err(back.data(), gin, N) <= tol);
}

// Independent reference: recursive radix-2 DIT in double with std::polar twiddles.
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

std::uint32_t lcg(std::uint32_t& s) { return s = s * 1664525u + 1013904223u; }
double uni(std::uint32_t& s) { return static_cast<double>(lcg(s) >> 8) / 8388608.0 - 1.0; }

template <class T, std::size_t N>
void check_reference(double tol) {
    if constexpr (N <= kMaxN) {
    static fft<T, N> f;
    std::span<std::complex<T>, N> in(pool<std::complex<T>, 0>(), N), out(pool<std::complex<T>, 1>(), N),
        back(pool<std::complex<T>, 2>(), N);
    std::span<std::complex<double>, N> xd(pool<std::complex<double>, 3>(), N), Xd(pool<std::complex<double>, 4>(), N);
    std::uint32_t s = 12345u + N;
    for (std::size_t i = 0; i < N; ++i) {
        in[i] = {static_cast<T>(uni(s)), static_cast<T>(uni(s))};
        xd[i] = {static_cast<double>(in[i].real()), static_cast<double>(in[i].imag())};
    }
    ref_dft(xd.data(), Xd.data(), N, 1, -1);
    NERVE_REQUIRE_NO_ALLOC(f.forward(in, out));
    CHECK(rel_err(out.data(), reinterpret_cast<const double*>(Xd.data()), N) <= tol);
    NERVE_REQUIRE_NO_ALLOC(f.inverse(out, back));
    CHECK(rel_err(back.data(), reinterpret_cast<const double*>(xd.data()), N) <= tol);
    }
}

}  // namespace

TEST_CASE("fft float matches numpy.fft at N = 16, 64, 256, 1024", "[spectral][fft]") {
    using namespace nerve::golden;
    check_golden<float, 16>(fft_c16_in, fft_c16_out, 1e-5);
    check_golden<float, 64>(fft_c64_in, fft_c64_out, 1e-5);
    check_golden<float, 256>(fft_c256_in, fft_c256_out, 1e-5);
    check_golden<float, 1024>(fft_c1024_in, fft_c1024_out, 1e-5);
}

TEST_CASE("fft double matches numpy.fft to 1e-12", "[spectral][fft]") {
    using namespace nerve::golden;
    check_golden<double, 16>(fft_c16_in, fft_c16_out, 1e-12);
    check_golden<double, 64>(fft_c64_in, fft_c64_out, 1e-12);
    check_golden<double, 256>(fft_c256_in, fft_c256_out, 1e-12);
    check_golden<double, 1024>(fft_c1024_in, fft_c1024_out, 1e-12);
}

TEST_CASE("fft mixed radix (2^a 3^b 5^c) matches numpy.fft", "[spectral][fft]") {
    using namespace nerve::golden;
    check_golden<float, 6>(fft_c6_in, fft_c6_out, 1e-5);
    check_golden<float, 12>(fft_c12_in, fft_c12_out, 1e-5);
    check_golden<float, 60>(fft_c60_in, fft_c60_out, 1e-5);
    check_golden<float, 100>(fft_c100_in, fft_c100_out, 1e-5);
    check_golden<float, 240>(fft_c240_in, fft_c240_out, 1e-5);
    check_golden<float, 1000>(fft_c1000_in, fft_c1000_out, 1e-5);
    check_golden<double, 6>(fft_c6_in, fft_c6_out, 1e-12);
    check_golden<double, 60>(fft_c60_in, fft_c60_out, 1e-12);
    check_golden<double, 240>(fft_c240_in, fft_c240_out, 1e-12);
    check_golden<double, 1000>(fft_c1000_in, fft_c1000_out, 1e-12);
}

TEST_CASE("fft mixed radix in place (in == out)", "[spectral][fft]") {
    static fft<float, 60> f;  // 4 * 3 * 5: three passes (odd)
    static std::array<std::complex<float>, 60> a, b;
    std::uint32_t s = 11;
    for (auto& v : a) v = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    f.forward(a, b);
    NERVE_REQUIRE_NO_ALLOC(f.forward(a, a));
    CHECK(a == b);
}

TEST_CASE("fft at other sizes matches a double reference DFT", "[spectral][fft]") {
    check_reference<float, 2>(1e-6);
    check_reference<float, 4>(1e-6);
    check_reference<float, 8>(1e-6);
    check_reference<float, 32>(1e-5);
    check_reference<float, 128>(1e-5);
    check_reference<float, 512>(1e-5);
    check_reference<float, 2048>(1e-5);
    check_reference<float, 4096>(1e-5);
    check_reference<float, 16384>(2e-5);
    check_reference<double, 8>(1e-13);
    check_reference<double, 4096>(1e-12);
}

TEST_CASE("fft in place (in == out) gives the same result", "[spectral][fft]") {
    static fft<float, 512> f;   // odd pass count (radix-4 x4 + radix-2)
    static fft<float, 256> g;   // even pass count
    static std::array<std::complex<float>, 512> a, b;
    static std::array<std::complex<float>, 256> c, d;
    std::uint32_t s = 7;
    for (auto& v : a) v = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    for (auto& v : c) v = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    f.forward(a, b);
    NERVE_REQUIRE_NO_ALLOC(f.forward(a, a));
    CHECK(a == b);
    g.forward(c, d);
    NERVE_REQUIRE_NO_ALLOC(g.forward(c, c));
    CHECK(c == d);
}

TEST_CASE("fft: impulse, constant and NaN inputs", "[spectral][fft]") {
    static fft<float, 64> f;
    std::array<std::complex<float>, 64> in{}, out{};
    in[0] = 1.0f;
    f.forward(in, out);
    for (auto v : out) { CHECK(v.real() == 1.0f); CHECK(v.imag() == 0.0f); }
    in.fill({1.0f, 0.0f});
    f.forward(in, out);
    CHECK(out[0].real() == 64.0f);
    for (std::size_t k = 1; k < 64; ++k) CHECK(std::abs(out[k]) < 1e-5f);
    // NaN poisons only the call it is in: the transform is stateless.
    in[3] = {std::numeric_limits<float>::quiet_NaN(), 0.0f};
    f.forward(in, out);
    CHECK(std::isnan(out[0].real()));
    in[3] = {1.0f, 0.0f};
    f.forward(in, out);
    CHECK(out[0].real() == 64.0f);
}

TEST_CASE("fft: SIMD kernel and portable scalar kernel agree", "[spectral][fft]") {
    // The scalar kernel is the Cortex-M path; on hosts with xsimd the public class uses the
    // SIMD kernel. Both are compared with each other (and each with numpy above).
    using nerve::spectral::detail::fft_impl;
    using nerve::spectral::detail::fft_uses_simd;
    static fft_impl<float, 1024, false> scalar;
    static fft<float, 1024> pub;
    static std::array<std::complex<float>, 1024> in, a, b;
    std::uint32_t s = 99;
    for (auto& v : in) v = {static_cast<float>(uni(s)), static_cast<float>(uni(s))};
    scalar.forward(in, a);
    pub.forward(in, b);
    double emax = 0, rmax = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        emax = std::max(emax, static_cast<double>(std::abs(a[i] - b[i])));
        rmax = std::max(rmax, static_cast<double>(std::abs(a[i])));
    }
    INFO("SIMD kernel in use: " << (fft_uses_simd<float, 1024>));
    CHECK(emax / rmax <= 2e-6);
    scalar.inverse(a, a);
    pub.inverse(b, b);
    for (std::size_t i = 0; i < in.size(); ++i) CHECK(std::abs(a[i] - b[i]) <= 1e-6f);
}
