#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "cmsis_nn_cases.hpp"
#include "nerve/infer/average_pool_2d.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;

namespace {
void from_case(const cmsis_nn::pool_case& c, pool_params& p, pool_shape& s) {
    p.stride_h = c.stride_h; p.stride_w = c.stride_w;
    p.filter_h = c.f_h; p.filter_w = c.f_w;
    p.pad_h = c.pad_h; p.pad_w = c.pad_w;
    p.activation_min = c.act_min; p.activation_max = c.act_max;
    s.batches = c.batches; s.input_h = c.in_h; s.input_w = c.in_w; s.depth = c.ch;
    s.output_h = c.out_h; s.output_w = c.out_w;
}
}  // namespace

TEST_CASE("average_pool_2d matches every CMSIS-NN average pooling vector exactly", "[average_pool_2d][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    static std::int8_t out[8192];
    for (const auto& c : cmsis_nn::pool_cases) {
        if (!c.average) continue;
        INFO(c.name);
        pool_params p; pool_shape s;
        from_case(c, p, s);
        const int n = c.batches * c.out_h * c.out_w * c.ch;
        NERVE_REQUIRE_NO_ALLOC(average_pool_2d(p, s, c.input, out));
        CHECK(count_mismatches(out, c.expected, n) == 0);
        ++cases;
    }
    CHECK(cases == 6);
}

TEST_CASE("average_pool_2d rounds half away from zero and ignores padding", "[average_pool_2d]") {
    const std::int8_t in[4] = {1, 2, -1, -2};  // 1 x 4 x 1
    std::int8_t out[4];
    pool_params p;
    p.filter_w = 2; p.stride_w = 1; p.pad_w = 0;
    pool_shape s;
    s.input_w = 4; s.output_w = 3;
    average_pool_2d(p, s, in, out);
    CHECK(out[0] == 2);   // 1.5 -> 2
    CHECK(out[1] == 1);   // 0.5 -> 1
    CHECK(out[2] == -2);  // -1.5 -> -2
    p.pad_w = 1; s.output_w = 4;
    average_pool_2d(p, s, in, out);
    CHECK(out[0] == 1);   // only the first input is inside
}
