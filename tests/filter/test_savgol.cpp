// Savitzky-Golay design: the taps against the exact least-squares solution, and what they do in
// a stream (polynomials through unchanged, derivatives, peaks kept where a moving average
// flattens them).
#include "nerve_test.hpp"

#include <array>
#include <cmath>

#include "golden/savgol.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/savgol.hpp"

using nerve::filter::fir;
using nerve::filter::savgol_coeffs;
namespace g = golden::savgol;

namespace {
template <std::size_t W>
void require_taps(const std::array<double, W>& h, const double (&ref)[W]) {
    double scale = 0.0;
    for (const double r : ref) scale = std::fmax(scale, std::fabs(r));
    for (std::size_t j = 0; j < W; ++j) {
        INFO("tap " << j << ": got " << h[j] << " exact " << ref[j]);
        REQUIRE(std::fabs(h[j] - ref[j]) <= 1e-14 * scale);
    }
}
}  // namespace

TEST_CASE("savgol_coeffs equals the exact least-squares taps", "[filter][savgol][golden]") {
    require_taps(savgol_coeffs<5>(2), g::w5_p2);
    require_taps(savgol_coeffs<7>(3, 1), g::w7_p3_d1);
    require_taps(savgol_coeffs<11>(4, 2, 0.5), g::w11_p4_d2_delta0p5);
    require_taps(savgol_coeffs<21>(3), g::w21_p3);
    require_taps(savgol_coeffs<51>(6), g::w51_p6);
    require_taps(savgol_coeffs<51>(5, 3, 2.0), g::w51_p5_d3);
    require_taps(savgol_coeffs<8>(2), g::w8_p2);
    require_taps(savgol_coeffs<15>(3, 0, 1.0, 14.0), g::w15_p3_end);
    require_taps(savgol_coeffs<15>(3, 1, 0.01, 14.0), g::w15_p3_d1_end);
    require_taps(savgol_coeffs<9>(2, 0, 1.0, 2.0), g::w9_p2_pos2);
    constexpr auto at_compile_time = savgol_coeffs<51>(6);
    require_taps(at_compile_time, g::w51_p6);
    // Centred taps are exactly (anti)symmetric; a derivative beyond the degree is zero.
    const auto d1 = savgol_coeffs<7>(3, 1);
    CHECK(d1[3] == 0.0);
    for (std::size_t j = 0; j < 7; ++j) CHECK(d1[j] == -d1[6 - j]);
    for (const double v : savgol_coeffs<9>(2, 3)) CHECK(v == 0.0);
}

TEST_CASE("savgol in a stream: a cubic and its slope come through, delayed by (W - 1) / 2", "[filter][savgol]") {
    const auto cubic = [](double n) { return 0.5 + 0.02 * n - 3e-4 * n * n + 2e-6 * n * n * n; };
    const auto slope = [](double n) { return 0.02 - 6e-4 * n + 6e-6 * n * n; };  // per sample
    fir<double, 21> smooth{savgol_coeffs<21>(3)};
    fir<double, 21> diff{savgol_coeffs<21>(3, 1)};
    fir<double, 21> newest{savgol_coeffs<21>(3, 0, 1.0, 20.0)};  // read at the newest sample
    double worst = 0.0, worst_d = 0.0, worst_now = 0.0;
    NERVE_REQUIRE_NO_ALLOC(for (int n = 0; n < 200; ++n) {
        const double x = cubic(n);
        const double y = smooth(x), dy = diff(x), now = newest(x);
        if (n >= 20) {
            worst = std::fmax(worst, std::fabs(y - cubic(n - 10)));
            worst_d = std::fmax(worst_d, std::fabs(dy - slope(n - 10)));
            worst_now = std::fmax(worst_now, std::fabs(now - x));
        }
    });
    CHECK(worst < 1e-9);
    CHECK(worst_d < 1e-10);
    CHECK(worst_now < 1e-9);
}

TEST_CASE("savgol keeps a narrow peak that a moving average of the same length flattens", "[filter][savgol]") {
    // A Gaussian pulse of width sigma = 4 samples: the 4th-order fit over 21 samples keeps most
    // of its height; the 21-sample mean keeps under half.
    fir<float, 21> sg{savgol_coeffs<21>(4)};
    std::array<double, 21> mean_taps{};
    for (auto& v : mean_taps) v = 1.0 / 21.0;
    fir<float, 21> mean{mean_taps};
    float sg_peak = 0.0f, mean_peak = 0.0f;
    for (int n = 0; n < 200; ++n) {
        const float x = static_cast<float>(std::exp(-0.5 * std::pow((n - 100) / 4.0, 2.0)));
        sg_peak = std::fmax(sg_peak, sg(x));
        mean_peak = std::fmax(mean_peak, mean(x));
    }
    CHECK(sg_peak > 0.85f);
    CHECK(mean_peak < 0.5f);
}
