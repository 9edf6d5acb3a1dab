#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/mul.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("mul matches the NumPy TFLite reference", "[mul]") {
    std::int8_t out[512];
    for (const auto& c : g::binary_cases) {
        const mul_params p = make_mul_params(c.s1, c.z1, c.s2, c.z2, c.mul_out_scale, c.zo, {c.act_min, c.act_max});
        NERVE_REQUIRE_NO_ALLOC(mul(p, g::bin_a, g::bin_b, 512, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.mul, 512) == 0);
    }
}

TEST_CASE("mul broadcasts 4-D shapes", "[mul]") {
    const mul_params p = make_mul_params(g::bc_params[0], static_cast<std::int32_t>(g::bc_params[1]), g::bc_params[2],
                                         static_cast<std::int32_t>(g::bc_params[3]), 0.01f,
                                         static_cast<std::int32_t>(g::bc_params[5]));
    std::int8_t out[120];
    CHECK(mul(p, g::bc_a, shape4{{2, 3, 1, 4}}, g::bc_b, shape4{{1, 1, 5, 4}}, out));
    CHECK(nerve_infer_test::count_mismatches(out, g::bc_mul, 120) == 0);
}
