#include "nerve_test.hpp"

#include "nerve/core/pipeline.hpp"
#include "nerve/core/tee.hpp"
#include "nerve/filter/ewma.hpp"
#include "nerve/filter/moving_average.hpp"

TEST_CASE("tee passes input through and feeds a side branch", "[tee]") {
    float side_last = 0;
    int side_calls = 0;
    auto p = nerve::tee{nerve::filter::moving_average<float, 2>{}, [&](float v) { side_last = v; ++side_calls; }}
           | nerve::filter::ewma<float>{1.0};
    CHECK(p(2.0f) == 2.0f);
    CHECK(p(4.0f) == 4.0f);  // alpha 1: passes through
    CHECK(side_last == 3.0f);
    CHECK(side_calls == 2);
}

TEST_CASE("fan_out computes several features from one stream", "[tee]") {
    nerve::fan_out<nerve::filter::ewma<float>, nerve::filter::moving_average<float, 3>> f{
        nerve::filter::ewma<float>{0.5}, nerve::filter::moving_average<float, 3>{}};
    std::tuple<float, float> y{};
    NERVE_REQUIRE_NO_ALLOC(for (float x : {1.0f, 2.0f, 3.0f}) y = f(x););
    CHECK(std::get<0>(y) == 2.25f);
    CHECK(std::get<1>(y) == 2.0f);
    f.reset();
    CHECK(std::get<1>(f(9.0f)) == 9.0f);
}
