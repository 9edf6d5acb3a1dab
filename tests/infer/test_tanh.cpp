#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/tanh.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("tanh matches the NumPy TFLite reference on every int8 input", "[tanh]") {
    std::int8_t in[256], out[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    for (const auto& c : g::sigmoid_cases) {
        INFO("scale " << c.scale << " zero point " << c.zero_point);
        const sigmoid_params p = make_sigmoid_params(c.scale, c.zero_point);
        NERVE_REQUIRE_NO_ALLOC(nerve::infer::tanh(p, in, 256, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.tanh, 256) == 0);
    }
}

TEST_CASE("tanh tracks the real tanh to one output step", "[tanh]") {
    const float scale = 0.03f;
    const sigmoid_params p = make_sigmoid_params(scale, 0);
    for (int q = -127; q < 128; ++q) {
        // (not exactly odd: the input rescaling rounds ties upward, as TFLite's does)
        const std::int8_t x = static_cast<std::int8_t>(q);
        std::int8_t y;
        nerve::infer::tanh(p, &x, 1, &y);
        CHECK(std::abs(y / 128.0 - std::tanh(scale * q)) <= 1.0 / 128.0 + 1e-9);
    }
}
