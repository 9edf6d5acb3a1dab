#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "cmsis_nn_cases.hpp"
#include "nerve/infer/softmax.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;

TEST_CASE("softmax matches the CMSIS-NN softmax vector exactly", "[softmax][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    for (const auto& c : cmsis_nn::softmax_cases) {
        INFO(c.name);
        softmax_params p;
        p.input_multiplier = c.input_mult;
        p.input_left_shift = c.input_left_shift;
        p.diff_min = c.diff_min;
        std::int8_t out[64];
        REQUIRE(c.rows * c.row_size <= 64);
        NERVE_REQUIRE_NO_ALLOC(softmax(p, c.input, c.rows, c.row_size, out));
        CHECK(count_mismatches(out, c.expected, c.rows * c.row_size) == 0);
        ++cases;
    }
    CHECK(cases == 1);
}

TEST_CASE("softmax parameters from beta and scale, and the output tracks the float softmax", "[softmax]") {
    // CMSIS-NN's case was made with input scale 2^-7 (beta 1): the multiplier and shift follow.
    const softmax_params p = make_softmax_params(1.0, 1.0 / 128.0);
    CHECK(p.input_left_shift >= 0);
    std::int8_t in[10], out[10];
    for (int i = 0; i < 10; ++i) in[i] = static_cast<std::int8_t>(-100 + 23 * i);
    softmax(p, in, 1, 10, out);
    double denom = 0;
    for (int i = 0; i < 10; ++i) denom += std::exp(in[i] / 128.0);
    for (int i = 0; i < 10; ++i) {
        const double want = std::exp(in[i] / 128.0) / denom;
        CHECK(std::abs((out[i] + 128) / 256.0 - want) <= 1.0 / 256.0);
    }
    // a single dominant entry saturates at 127 (= 255/256), the others at -128
    std::int8_t big[3] = {127, -128, -128}, o3[3];
    softmax(make_softmax_params(1.0, 1.0), big, 1, 3, o3);
    CHECK(o3[0] == 127);
    CHECK(o3[1] == -128);
}
