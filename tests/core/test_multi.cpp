#include "nerve_test.hpp"

#include "nerve/core/multi.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"

TEST_CASE("multi runs independent copies per channel", "[multi]") {
    nerve::multi<nerve::filter::ewma<float>, 3> m(nerve::filter::ewma<float>{0.5});
    std::array<nerve::filter::ewma<float>, 3> ref{nerve::filter::ewma<float>{0.5}, nerve::filter::ewma<float>{0.5},
                                                  nerve::filter::ewma<float>{0.5}};
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 50; ++i) {
        const std::array<float, 3> x{static_cast<float>(i), static_cast<float>(-i), static_cast<float>(i % 3)};
        const auto y = m(x);
        for (std::size_t c = 0; c < 3; ++c) REQUIRE(y[c] == ref[c](x[c]));
    });
    m.reset();
    CHECK(m({1.0f, 2.0f, 3.0f})[2] == 3.0f);
}

TEST_CASE("multi channels compose in a pipeline", "[multi][pipeline]") {
    auto p = nerve::multi<nerve::filter::dc_blocker<float>, 2>{} | nerve::multi<nerve::filter::ewma<float>, 2>{};
    std::array<float, 2> y{};
    for (int i = 0; i < 2000; ++i) y = p({5.0f, -3.0f});
    CHECK(std::abs(y[0]) < 1e-3f);  // DC removed on both channels
    CHECK(std::abs(y[1]) < 1e-3f);
}
