#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "cmsis_compare.hpp"
#include "golden/infer_ops.hpp"
#include "nerve/infer/quantize.hpp"

using namespace nerve::infer;
namespace g = golden::infer_ops;

TEST_CASE("quantize float -> int8 matches the NumPy TFLite reference", "[quantize]") {
    constexpr int n = sizeof(g::quant_in) / sizeof(g::quant_in[0]);
    std::int8_t out[n];
    NERVE_REQUIRE_NO_ALLOC(quantize(g::quant_in, n, 0.1f, 3, out));
    CHECK(nerve_infer_test::count_mismatches(out, g::quant_out, n) == 0);
}

TEST_CASE("quantize: NaN gives the zero point, infinities saturate", "[quantize][bad-input]") {
    CHECK(quantize_one(std::numeric_limits<float>::quiet_NaN(), 0.1f, 3) == 3);
    CHECK(quantize_one(std::numeric_limits<float>::infinity(), 0.1f, 3) == 127);
    CHECK(quantize_one(-std::numeric_limits<float>::infinity(), 0.1f, 3) == -128);
    CHECK(quantize_one(3e38f, 1e-3f, 0) == 127);
    CHECK(quantize_one(0.25f, 0.1f, 0) == 3);    // 2.5 -> 3 (half away from zero)
    CHECK(quantize_one(-0.25f, 0.1f, 0) == -3);
}

TEST_CASE("dequantize matches the reference exactly", "[quantize]") {
    float out[256];
    std::int8_t in[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    NERVE_REQUIRE_NO_ALLOC(dequantize(in, 256, 0.0731f, -17, out));
    int wrong = 0;
    for (int i = 0; i < 256; ++i) wrong += out[i] != g::dequant_out[i];
    CHECK(wrong == 0);
}

TEST_CASE("int8 -> int8 requantization matches the reference", "[quantize]") {
    std::int8_t in[256], out[256];
    for (int i = 0; i < 256; ++i) in[i] = static_cast<std::int8_t>(i - 128);
    for (const auto& c : g::requant_cases) {
        const auto p = make_requantize_params(c.si, c.zi, c.so, c.zo);
        NERVE_REQUIRE_NO_ALLOC(requantize_int8(p, in, 256, out));
        CHECK(nerve_infer_test::count_mismatches(out, c.requant, 256) == 0);
    }
}
