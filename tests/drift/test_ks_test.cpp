#include "nerve_test.hpp"

#include "golden/drift_river.hpp"
#include "nerve/drift/ks_test.hpp"

namespace g = golden::drift_river;

TEST_CASE("exact KS p-value matches scipy ks_2samp(method='exact')", "[ks_test][golden]") {
    for (const auto& row : g::ks_exact) {
        const double p = nerve::drift::ks_2samp_equal_pvalue(row.n, row.h);
        INFO("n = " << row.n << ", h = " << row.h);
        CHECK(p == Approx(row.p).epsilon(1e-11).margin(1e-300));
    }
    CHECK(nerve::drift::ks_2samp_equal_pvalue(30, 0) == 1.0);
}

TEST_CASE("KS statistic counts ties the way scipy does", "[ks_test]") {
    const float a[] = {0, 0, 1, 1, 1};
    const float b[] = {0, 1, 1, 1, 1};
    CHECK(nerve::drift::ks_2samp_equal_h(a, b, 5) == 1);
    const float c[] = {4, 5, 6, 7, 7};
    CHECK(nerve::drift::ks_2samp_equal_h(a, c, 5) == 5);
    const float d[] = {1, 2, 3, 4, 5};
    CHECK(nerve::drift::ks_2samp_equal_h(d, d, 5) == 0);
}

TEST_CASE("KS critical value is the first h whose p-value is at most alpha", "[ks_test]") {
    const unsigned h = nerve::drift::ks_2samp_equal_critical_h(30, 0.005);
    CHECK(nerve::drift::ks_2samp_equal_pvalue(30, h) <= 0.005);
    CHECK(nerve::drift::ks_2samp_equal_pvalue(30, h - 1) > 0.005);
    CHECK(nerve::drift::ks_2samp_equal_critical_h(5, 1e-9) == 6);  // unreachable: n + 1
}
