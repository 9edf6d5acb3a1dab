#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "cmsis_nn_cases.hpp"
#include "nerve/infer/max_pool_2d.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;

TEST_CASE("max_pool_2d matches every CMSIS-NN max pooling vector exactly", "[max_pool_2d][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    static std::int8_t out[8192];
    for (const auto& c : cmsis_nn::pool_cases) {
        if (c.average) continue;
        INFO(c.name);
        pool_params p;
        p.stride_h = c.stride_h; p.stride_w = c.stride_w;
        p.filter_h = c.f_h; p.filter_w = c.f_w;
        p.pad_h = c.pad_h; p.pad_w = c.pad_w;
        p.activation_min = c.act_min; p.activation_max = c.act_max;
        pool_shape s;
        s.batches = c.batches; s.input_h = c.in_h; s.input_w = c.in_w; s.depth = c.ch;
        s.output_h = c.out_h; s.output_w = c.out_w;
        const int n = c.batches * c.out_h * c.out_w * c.ch;
        NERVE_REQUIRE_NO_ALLOC(max_pool_2d(p, s, c.input, out));
        CHECK(count_mismatches(out, c.expected, n) == 0);
        ++cases;
    }
    CHECK(cases == 8);
}

TEST_CASE("max_pool_2d never takes padding as a maximum", "[max_pool_2d]") {
    const std::int8_t in[3] = {-100, -120, -128};
    std::int8_t out[3];
    pool_params p;
    p.filter_w = 3; p.pad_w = 1;
    pool_shape s;
    s.input_w = 3; s.output_w = 3;
    max_pool_2d(p, s, in, out);
    CHECK(out[0] == -100);
    CHECK(out[2] == -120);
}
