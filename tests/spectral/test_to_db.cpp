#include "nerve_test.hpp"

#include <cmath>
#include <limits>
#include <span>

#include "nerve/core/operator.hpp"
#include "nerve/spectral/to_db.hpp"

namespace sp = nerve::spectral;
static_assert(nerve::general_operator<sp::to_db<8>>);

TEST_CASE("to_db: 10 log10 with a floor, metadata kept", "[spectral][to_db]") {
    static float v[4] = {1.0f, 100.0f, 0.0f, 1e-3f};
    sp::spectrum_view<float> s;
    s.values = std::span<const float>{v};
    s.bin_hz = 2.5;
    s.index = 7;
    sp::to_db<8> op;
    static sp::spectrum_view<float> got;
    NERVE_REQUIRE_NO_ALLOC(op.push(s, [&](const sp::spectrum_view<float>& d) { got = d; }));
    REQUIRE(got.size() == 4);
    CHECK(got.values[0] == Approx(0.0).margin(1e-6));
    CHECK(got.values[1] == Approx(20.0));
    CHECK(got.values[2] == Approx(-200.0));
    CHECK(got.values[3] == Approx(-30.0));
    CHECK(got.kind == sp::quantity::decibel);
    CHECK(got.bin_hz == 2.5);
    CHECK(got.index == 7u);
    v[1] = std::numeric_limits<float>::quiet_NaN();
    CHECK_FALSE(op.compute(s));
    CHECK(op.rejected() == 1);
    static float big[9] = {};
    s.values = std::span<const float>{big};
    CHECK_FALSE(op.compute(s));  // larger than Bins
}
