#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "cmsis_nn_cases.hpp"
#include "nerve/infer/conv_2d.hpp"
#include "nerve/infer/padding.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;
using nerve_infer_test::lcg;
using nerve_infer_test::random_int8;

namespace {
void from_case(const cmsis_nn::conv_case& c, conv_params& p, conv_shape& s) {
    p.input_offset = c.input_offset;
    p.output_offset = c.output_offset;
    p.stride_h = c.stride_h; p.stride_w = c.stride_w;
    p.dilation_h = c.dil_h; p.dilation_w = c.dil_w;
    p.pad_h = c.pad_h; p.pad_w = c.pad_w;
    p.output_multiplier = c.mult; p.output_shift = c.shift;
    p.activation_min = c.act_min; p.activation_max = c.act_max;
    s.batches = c.batches; s.input_h = c.in_h; s.input_w = c.in_w; s.input_depth = c.in_c;
    s.filter_h = c.f_h; s.filter_w = c.f_w;
    s.output_h = c.out_h; s.output_w = c.out_w; s.output_depth = c.out_c;
}
}  // namespace

TEST_CASE("conv_2d matches every CMSIS-NN 1xN convolution vector exactly", "[conv_2d][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    static std::int8_t ref[8192], fast[8192];
    for (const auto& c : cmsis_nn::conv_cases) {
        INFO(c.name);
        conv_params p; conv_shape s;
        from_case(c, p, s);
        const int n = c.batches * c.out_h * c.out_w * c.out_c;
        REQUIRE(n <= 8192);
        NERVE_REQUIRE_NO_ALLOC(conv_2d_reference(p, s, c.input, c.weights, c.bias, ref));
        NERVE_REQUIRE_NO_ALLOC(conv_2d(p, s, c.input, c.weights, c.bias, fast));
        CHECK(count_mismatches(ref, c.expected, n) == 0);
        CHECK(count_mismatches(fast, c.expected, n) == 0);
        ++cases;
    }
    CHECK(cases == 8);
}

TEST_CASE("conv_2d fast path is bit-identical to the reference (strides, dilations, SAME/VALID, batches)",
          "[conv_2d]") {
    static std::int8_t in[2 * 9 * 11 * 20], w[13 * 3 * 4 * 20], ref[2 * 9 * 11 * 13], fast[2 * 9 * 11 * 13];
    static std::int32_t bias[13], mult[13], shift[13];
    std::uint32_t st = 77;
    long wrong = 0;
    int configs = 0;
    for (int in_c : {1, 3, 16, 20})
        for (int out_c : {1, 4, 5, 13})
            for (int variant = 0; variant < 6; ++variant) {
                conv_shape s;
                s.batches = 1 + variant % 2;
                s.input_h = variant < 3 ? 1 : 9;  // 1-D and 2-D
                s.input_w = 11;
                s.input_depth = in_c;
                s.filter_h = s.input_h == 1 ? 1 : 3;
                s.filter_w = 1 + variant % 4;
                s.output_depth = out_c;
                conv_params p;
                p.stride_w = 1 + variant % 3;
                p.stride_h = 1 + (variant / 2) % 2;
                p.dilation_w = variant == 4 ? 2 : 1;
                p.dilation_h = variant == 5 ? 2 : 1;
                const padding pad = (variant % 2) ? padding::same : padding::valid;
                s.output_h = conv_output_size(pad, s.input_h, s.filter_h, p.stride_h, p.dilation_h);
                s.output_w = conv_output_size(pad, s.input_w, s.filter_w, p.stride_w, p.dilation_w);
                p.pad_h = conv_padding(s.input_h, s.filter_h, p.stride_h, p.dilation_h, s.output_h);
                p.pad_w = conv_padding(s.input_w, s.filter_w, p.stride_w, p.dilation_w, s.output_w);
                p.input_offset = static_cast<std::int32_t>(lcg(st) % 256) - 127;
                p.output_offset = static_cast<std::int32_t>(lcg(st) % 256) - 128;
                for (int o = 0; o < out_c; ++o) {
                    bias[o] = static_cast<std::int32_t>(lcg(st) >> 16) - 32768;
                    mult[o] = static_cast<std::int32_t>((lcg(st) >> 2) | 0x40000000u);
                    shift[o] = -static_cast<std::int32_t>(lcg(st) % 10) - 4;
                }
                p.output_multiplier = mult; p.output_shift = shift;
                if (variant == 3) { p.activation_min = 0; p.activation_max = 100; }
                for (int i = 0; i < s.batches * s.input_h * s.input_w * in_c; ++i) in[i] = random_int8(st);
                for (int i = 0; i < out_c * s.filter_h * s.filter_w * in_c; ++i) w[i] = random_int8(st);
                const std::int32_t* b = variant == 2 ? nullptr : bias;
                conv_2d_reference(p, s, in, w, b, ref);
                conv_2d(p, s, in, w, b, fast);
                wrong += count_mismatches(ref, fast, s.batches * s.output_h * s.output_w * out_c);
                ++configs;
            }
    CHECK(wrong == 0);
    CHECK(configs == 96);
}

TEST_CASE("padding helpers follow TFLite's SAME/VALID rules", "[conv_2d]") {
    CHECK(conv_output_size(padding::valid, 128, 3, 1) == 126);
    CHECK(conv_output_size(padding::same, 128, 3, 1) == 128);
    CHECK(conv_output_size(padding::same, 11, 3, 2) == 6);
    CHECK(conv_output_size(padding::valid, 11, 3, 2, 2) == 4);
    CHECK(conv_output_size(padding::valid, 2, 3, 1) == 0);
    CHECK(conv_padding(128, 3, 1, 1, 128) == 1);
    CHECK(conv_padding(12, 3, 1, 1, 12) == 1);
    CHECK(conv_padding(22, 6, 9, 1, 3) == 1);  // CMSIS-NN avgpooling: 22 wide, filter 6, stride 9
    CHECK(conv_padding(7, 3, 1, 2, 7) == 2);   // dilation 2
}
