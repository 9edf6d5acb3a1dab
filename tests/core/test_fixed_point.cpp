#include "nerve_test.hpp"

#include <limits>

#include "nerve/core/fixed_point.hpp"
#include "nerve/core/numeric.hpp"

using nerve::q15;
using nerve::q31;

TEST_CASE("q15 saturates instead of wrapping", "[fixed_point]") {
    CHECK((q15::max() + q15::from_raw(1)) == q15::max());
    CHECK((q15::min() - q15::from_raw(1)) == q15::min());
    CHECK((-q15::min()) == q15::max());
    CHECK((q15::min() * q15::min()) == q15::max());
    CHECK((q15::from_float(0.5) * q15::from_float(-0.5)).raw == -8192);
    CHECK(q15::from_float(1.5) == q15::max());
    CHECK(q15::from_float(-7.0) == q15::min());
    CHECK(q15::from_float(std::numeric_limits<double>::quiet_NaN()).raw == 0);
    CHECK(q15::from_float(std::numeric_limits<double>::infinity()) == q15::max());
}

TEST_CASE("q31 conversions round to nearest", "[fixed_point]") {
    CHECK(q31::from_float(0.25).raw == (1 << 29));
    CHECK(q31::from_float(-1.0) == q31::min());
    CHECK(q31::from_float(1.0) == q31::max());
    CHECK((q31::min() * q31::min()) == q31::max());
    CHECK(q15::from_float(1.0 / 65536.0).raw == 1);  // 0.5 LSB rounds away from zero
    CHECK(q31::from_float(0.123456789).to_double() == Approx(0.123456789).margin(1e-9));
}

TEST_CASE("convert_sample between fixed formats", "[fixed_point]") {
    CHECK(nerve::convert_sample<q31>(q15::from_raw(-3)).raw == -3 * 65536);
    CHECK(nerve::convert_sample<q15>(q31::from_raw(0x7FFFFFFF)) == q15::max());  // rounds up, saturates
    CHECK(nerve::convert_sample<q15>(q31::from_raw(3 * 65536 + 32768)).raw == 4);
    CHECK(nerve::convert_sample<float>(q15::from_raw(16384)) == 0.5f);
    CHECK(nerve::is_finite(q15::max()));
    CHECK_FALSE(nerve::is_finite(std::numeric_limits<float>::infinity()));
}
