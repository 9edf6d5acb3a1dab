#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/logistic.hpp"
#include "nerve/infer/tanh.hpp"

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

TEST_CASE("logistic and tanh with an input scale below 2^-27 saturate nothing", "[logistic][bad-input]") {
    // A hostile or odd model (found by tests/fuzz/fuzz_tflite.cpp): the radius 15 * 2^27 / 2^shift
    // is beyond int32 for such scales; converting it was undefined (on x86 it became INT_MIN and
    // every output saturated to 127). Every int8 input lies well inside the true radius, and
    // sigmoid(3e-9 * q) and tanh(3e-9 * q) are 1/2 and 0 to far better than one output step.
    volatile float model_scale = 3e-9f;  // read at run time, as from a model (not constant-folded)
    const sigmoid_params p = make_sigmoid_params(model_scale, 0);
    CHECK(p.input_range_radius == 2147483647);
    std::int8_t in[256], out[256], out_tanh[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    logistic(p, in, 256, out);
    tanh(p, in, 256, out_tanh);
    for (int i = 0; i < 256; ++i) {
        INFO("input " << i - 128);
        CHECK(out[i] == 0);       // (0 + 128) / 256 = 1/2
        CHECK(out_tanh[i] == 0);  // 0 / 128 = 0
    }
}
