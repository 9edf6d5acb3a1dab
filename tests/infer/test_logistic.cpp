#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/logistic.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("logistic matches the NumPy TFLite reference on every int8 input", "[logistic]") {
    std::int8_t in[256], out[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    for (const auto& c : g::sigmoid_cases) {
        INFO("scale " << c.scale << " zero point " << c.zero_point);
        const sigmoid_params p = make_sigmoid_params(c.scale, c.zero_point);
        NERVE_REQUIRE_NO_ALLOC(logistic(p, in, 256, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.logistic, 256) == 0);
    }
}

TEST_CASE("logistic tracks the real sigmoid to one output step", "[logistic]") {
    const float scale = 0.05f;
    const sigmoid_params p = make_sigmoid_params(scale, 0);
    for (int q = -128; q < 128; ++q) {
        const std::int8_t x = static_cast<std::int8_t>(q);
        std::int8_t y;
        logistic(p, &x, 1, &y);
        const double want = 1.0 / (1.0 + std::exp(-scale * q));
        CHECK(std::abs((y + 128) / 256.0 - want) <= 1.0 / 256.0 + 1e-9);
    }
}
