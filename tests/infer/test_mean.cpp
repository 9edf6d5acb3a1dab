#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/mean.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("mean over H and W matches the NumPy TFLite reference", "[mean]") {
    std::int8_t out[12];
    for (const auto& c : g::mean_cases) {
        const mean_params p = make_mean_params(c.si, c.zi, c.so, c.zo);
        NERVE_REQUIRE_NO_ALLOC(mean_hw(p, g::mean_in, 2, 5, 7, 6, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.expected, 12) == 0);
    }
}
