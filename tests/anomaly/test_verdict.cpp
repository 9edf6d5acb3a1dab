#include "nerve_test.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <limits>

#include "golden/anomaly_tails.hpp"
#include "nerve/anomaly/verdict.hpp"

namespace g = golden::anomaly_tails;
using namespace nerve::anomaly;

TEST_CASE("log_erfc matches scipy far past float underflow", "[verdict]") {
    double worst = 0;
    for (std::size_t i = 0; i < std::size(g::erfc_x); ++i) {
        const double ref = g::log_erfc[i];
        const double err = std::abs(static_cast<double>(log_erfc(static_cast<float>(g::erfc_x[i]))) - ref);
        INFO("x " << g::erfc_x[i]);
        // float: a few ulps of erfc (relative 1e-6 of p is 1e-6 in ln p) or of |ln p| itself
        CHECK(err <= 2e-6 + 1e-6 * std::abs(ref));
        worst = std::max(worst, err / (1.0 + std::abs(ref)));
    }
    WARN("log_erfc worst error / (1 + |ln p|): " << worst);
    CHECK(log_erfc(std::numeric_limits<float>::infinity()) == -std::numeric_limits<float>::infinity());
}

TEST_CASE("chi2_log_sf and chi2_to_score match scipy.stats.chi2", "[verdict]") {
    const std::size_t nx = std::size(g::chi2_x);
    double worst_log = 0, worst_cdf = 0;
    for (std::size_t r = 0; r < std::size(g::chi2_k); ++r) {
        const unsigned k = g::chi2_k[r];
        float prev = -1.0f;
        for (std::size_t i = 0; i < nx; ++i) {
            const float x = static_cast<float>(g::chi2_x[i]);
            const double ref = g::chi2_logsf[r * nx + i];
            const double err = std::abs(static_cast<double>(chi2_log_sf(x, k)) - ref);
            INFO("k " << k << " x " << x);
            CHECK(err <= 1e-5 + 2e-6 * std::abs(ref));
            worst_log = std::max(worst_log, err / (1.0 + std::abs(ref)));
            const float s = chi2_to_score(x, k);
            if (g::chi2_cdf[r * nx + i] <= 0.999) {  // below the knee the score is the CDF
                CHECK(std::abs(s - g::chi2_cdf[r * nx + i]) < 2e-6);
                worst_cdf = std::max(worst_cdf, std::abs(s - g::chi2_cdf[r * nx + i]));
            } else {
                CHECK(s == tail_score(chi2_log_sf(x, k)));
            }
            // strictly increasing where it matters (a CDF below 1e-6 is 1 - sf in float, 0 give
            // or take its 2e-6 accuracy), never 1 for a finite x
            if (s > 0.5f) CHECK(s > prev);
            CHECK(s < 1.0f);
            prev = s;
        }
    }
    WARN("chi2_log_sf worst error / (1 + |ln p|): " << worst_log << ", CDF worst error: " << worst_cdf);
    CHECK(chi2_to_score(std::numeric_limits<float>::infinity(), 3) == 1.0f);
    CHECK(chi2_to_score(std::numeric_limits<float>::quiet_NaN(), 3) == 0.0f);
    CHECK(chi2_to_score(-1.0f, 3) == 0.0f);
}

TEST_CASE("tail_score: 1 - p above the knee, compressed and unsaturated below", "[verdict]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(tail_score(nan) == 0.0f);
    CHECK(tail_score(0.0f) == 0.0f);
    CHECK(tail_score(-inf) == 1.0f);
    CHECK(tail_score(std::log(0.5f)) == Approx(0.5f).margin(1e-7));
    CHECK(tail_score(std::log(0.01f)) == Approx(0.99f).margin(1e-7));
    // continuous at the knee p = 1e-3 from both sides
    CHECK(std::abs(tail_score(log_tail_knee * 0.99999f) - 0.999f) < 2e-7f);
    CHECK(std::abs(tail_score(log_tail_knee * 1.00001f) - 0.999f) < 2e-7f);
    // landmarks of the documented map (double reference: 1 - 1e-3 / (1 + ln(1 + ln(1e-3 / p))))
    CHECK(tail_score(std::log(1e-5f)) == Approx(0.9996328509).margin(1.2e-7));
    CHECK(tail_score(-230.258509f) == Approx(0.9998440719).margin(1.2e-7));  // p = 1e-100
    // 0.9999, 0.99999, 0.999999 ... stay distinct, and so do tails far below float's range
    float prev = tail_score(std::log(1e-4f));
    for (float lp = std::log(1e-5f); lp > -3.0e38f; lp *= 3.0f) {  // each step adds ln 3 to ln(1 + v)
        const float s = tail_score(lp);
        CHECK(s > prev);
        CHECK(s < 1.0f);
        prev = s;
    }
    CHECK(tail_score(-3.4e38f) < 0.99999f);
}

TEST_CASE("z scores keep growing with |z| and never round to 1", "[verdict]") {
    const float inf = std::numeric_limits<float>::infinity();
    CHECK(z_to_score(0.0f) == 0.0f);
    CHECK(z_to_score(3.0f) == Approx(0.9973).margin(1e-4));
    CHECK(z_to_score(3.2905267f) == Approx(0.999f).margin(2e-7));  // the knee, p = 1e-3
    CHECK(z_to_score(-5.0f) == z_to_score(5.0f));
    CHECK(z_to_score(5.0f) == Approx(0.9996811055).margin(1.2e-7));
    CHECK(z_to_score(10.0f) == Approx(0.9997934845).margin(1.2e-7));
    CHECK(z_to_score(inf) == 1.0f);
    CHECK(z_to_score_one_sided(0.0f) == Approx(0.5f));
    CHECK(z_to_score_one_sided(3.0902323f) == Approx(0.999f).margin(2e-7));
    CHECK(z_to_score_one_sided(-inf) == 0.0f);
    CHECK(z_to_score_one_sided(inf) == 1.0f);
    // 1 % steps of z are distinct up to 1e4, 10 % steps up to 1e9 and 50 % steps up to 1e18
    // (the old erf score was exactly 1 from z = 5.7 on)
    float prev = z_to_score(0.5f), prev1 = z_to_score_one_sided(0.5f);
    for (float z = 0.505f; z < 1e18f; z *= (z < 1e4f ? 1.01f : (z < 1e9f ? 1.1f : 1.5f))) {
        const float s = z_to_score(z), s1 = z_to_score_one_sided(z);
        INFO("z " << z);
        CHECK(s > prev);
        CHECK(s1 > prev1);
        CHECK(s < 1.0f);
        prev = s;
        prev1 = s1;
    }
}
