#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/add.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("add matches the NumPy TFLite reference (rescaling, clamps, corners)", "[add]") {
    std::int8_t out[512];
    for (const auto& c : g::binary_cases) {
        const add_params p = make_add_params(c.s1, c.z1, c.s2, c.z2, c.add_out_scale, c.zo, {c.act_min, c.act_max});
        NERVE_REQUIRE_NO_ALLOC(add(p, g::bin_a, g::bin_b, 512, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.add, 512) == 0);
    }
}

TEST_CASE("add broadcasts 4-D shapes as TFLite does", "[add]") {
    const add_params p = make_add_params(g::bc_params[0], static_cast<std::int32_t>(g::bc_params[1]), g::bc_params[2],
                                         static_cast<std::int32_t>(g::bc_params[3]), g::bc_params[4],
                                         static_cast<std::int32_t>(g::bc_params[5]));
    std::int8_t out[120];
    const shape4 sa{{2, 3, 1, 4}}, sb{{1, 1, 5, 4}};
    CHECK(broadcast_shape(sa, sb) == shape4{{2, 3, 5, 4}});
    bool ok = false;
    NERVE_REQUIRE_NO_ALLOC(ok = add(p, g::bc_a, sa, g::bc_b, sb, out));
    CHECK(ok);
    CHECK(nerve_infer_test::count_mismatches(out, g::bc_add, 120) == 0);
    // incompatible shapes are refused and nothing is written
    out[0] = 42;
    CHECK_FALSE(add(p, g::bc_a, shape4{{1, 1, 2, 3}}, g::bc_b, shape4{{1, 1, 1, 4}}, out));
    CHECK(out[0] == 42);
    CHECK(broadcast_shape(shape4{{1, 1, 2, 3}}, shape4{{1, 1, 1, 4}}).size() == 0);
    // Hostile dimensions (regressions/fuzz_tflite/broadcast_size_overflow): no int overflow.
    CHECK(shape4{{1, 1, 16, 218103809}}.size() == -1);
    CHECK(shape4{{65536, 65536, 65536, 65536}}.size() == -1);
    CHECK(shape4{{1, -2, 3, 4}}.size() == -1);
    CHECK(shape4{{2, 8, 1024, 1024}}.size() == 16777216);
}
