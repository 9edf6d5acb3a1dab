#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/relu.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("relu (requantizing) and relu6 match the NumPy TFLite reference", "[relu]") {
    std::int8_t in[256], out[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    for (const auto& c : g::requant_cases) {
        const auto p = make_relu_params(c.si, c.zi, c.so, c.zo);
        NERVE_REQUIRE_NO_ALLOC(relu(p, in, 256, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.relu, 256) == 0);
    }
    NERVE_REQUIRE_NO_ALLOC(relu6(in, 256, 0.05f, -100, out));
    CHECK(nerve_infer_test::count_mismatches(out, g::relu6_out, 256) == 0);
}
