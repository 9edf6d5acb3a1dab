#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstddef>

#include "nerve/filter/detail/fir_symmetric.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_design.hpp"

namespace nf = nerve::filter;

namespace {
// Folded kernel against the unfolded block kernel on the same symmetric taps: float results
// differ by rounding only (x1 + x2 rounded before the multiply, another summation order).
// Bound: the worst-case error of a float dot product of N terms, summed in any order, is
// gamma_N ~ N u (u = 2^-24) of sum |h[k] x[n-k]|; two of them differ by at most 2 N u. (The
// x86 runs stay within 4 ulp; on the Cortex-M4, without xsimd, both sides are unfolded kernels
// with different chains and differ by just over 4 x 2^-23 of the magnitude at N = 128.)
template <std::size_t N>
void check_fold() {
    const auto hd = nf::firwin_lowpass<N>(0.2);
    alignas(64) static std::array<float, nf::detail::padded_taps<float, N>> hr{};
    for (std::size_t j = 0; j < N; ++j) hr[j] = static_cast<float>(hd[N - 1 - j]);
    for (std::size_t j = 0; j < N / 2; ++j) REQUIRE(hr[j] == hr[N - 1 - j]);
    constexpr std::size_t count = 1000;
    static std::array<float, count + N + 64> src;
    static std::array<float, count> a, b;
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<float>(std::sin(0.37 * double(i)) * 1.5 - 0.2);
    nf::detail::fir_block<float, N>(hr.data(), src.data(), a.data(), count, false);
    std::size_t done = 0;
#if NERVE_HAS_XSIMD
    NERVE_REQUIRE_NO_ALLOC(done = nf::detail::fir_block_symmetric<float, N>(hr.data(), src.data(), b.data(), count));
    REQUIRE(done > count / 2);
#endif
    for (std::size_t i = done; i < count; ++i) b[i] = nf::detail::fir_dot<float, N>(hr.data(), src.data() + i, true);
    for (std::size_t i = 0; i < count; ++i) {
        double mag = 0;
        for (std::size_t j = 0; j < N; ++j) mag += std::fabs(double(hr[j]) * src[i + j]);
        INFO("N " << N << " output " << i);
        REQUIRE(std::fabs(double(a[i]) - double(b[i])) <= 2.0 * N * 0x1p-24 * mag);
    }
}
}  // namespace

TEST_CASE("fir_symmetric: folded SIMD block kernel within the float dot-product bound of the unfolded one", "[fir_symmetric]") {
    check_fold<64>();
    check_fold<63>();
    check_fold<31>();
    check_fold<128>();
}
