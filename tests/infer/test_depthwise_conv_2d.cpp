#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "cmsis_nn_cases.hpp"
#include "nerve/infer/depthwise_conv_2d.hpp"
#include "nerve/infer/padding.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;
using nerve_infer_test::lcg;
using nerve_infer_test::random_int8;

TEST_CASE("depthwise_conv_2d matches every CMSIS-NN depthwise vector exactly", "[depthwise_conv_2d][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    static std::int8_t ref[16384], fast[16384];
    for (const auto& c : cmsis_nn::depthwise_cases) {
        INFO(c.name);
        conv_params p;
        p.input_offset = c.input_offset; p.output_offset = c.output_offset;
        p.stride_h = c.stride_h; p.stride_w = c.stride_w;
        p.dilation_h = c.dil_h; p.dilation_w = c.dil_w;
        p.pad_h = c.pad_h; p.pad_w = c.pad_w;
        p.output_multiplier = c.mult; p.output_shift = c.shift;
        p.activation_min = c.act_min; p.activation_max = c.act_max;
        conv_shape s;
        s.batches = c.batches; s.input_h = c.in_h; s.input_w = c.in_w; s.input_depth = c.in_c;
        s.filter_h = c.f_h; s.filter_w = c.f_w;
        s.output_h = c.out_h; s.output_w = c.out_w; s.output_depth = c.out_c;
        REQUIRE(c.out_c == c.in_c * c.ch_mult);
        const int n = c.batches * c.out_h * c.out_w * c.out_c;
        REQUIRE(n <= 16384);
        NERVE_REQUIRE_NO_ALLOC(depthwise_conv_2d_reference(p, s, c.ch_mult, c.input, c.weights, c.bias, ref));
        NERVE_REQUIRE_NO_ALLOC(depthwise_conv_2d(p, s, c.ch_mult, c.input, c.weights, c.bias, fast));
        CHECK(count_mismatches(ref, c.expected, n) == 0);
        CHECK(count_mismatches(fast, c.expected, n) == 0);
        ++cases;
    }
    CHECK(cases == 11);
}

TEST_CASE("depthwise_conv_2d fast path is bit-identical to the reference", "[depthwise_conv_2d]") {
    static std::int8_t in[2 * 7 * 9 * 70], w[3 * 3 * 140], ref[2 * 7 * 9 * 140], fast[2 * 7 * 9 * 140];
    static std::int32_t bias[140], mult[140], shift[140];
    std::uint32_t st = 3;
    long wrong = 0;
    for (int ch : {1, 5, 64, 70})
        for (int mult_d : {1, 2})
            for (int variant = 0; variant < 4; ++variant) {
                conv_shape s;
                s.batches = 1 + variant % 2;
                s.input_h = variant < 2 ? 1 : 7;
                s.input_w = 9;
                s.input_depth = ch;
                s.filter_h = s.input_h == 1 ? 1 : 3;
                s.filter_w = 3;
                s.output_depth = ch * mult_d;
                conv_params p;
                p.stride_w = 1 + variant % 2;
                p.dilation_w = variant == 3 ? 2 : 1;
                const padding pad = variant % 2 ? padding::same : padding::valid;
                s.output_h = conv_output_size(pad, s.input_h, s.filter_h, p.stride_h, p.dilation_h);
                s.output_w = conv_output_size(pad, s.input_w, s.filter_w, p.stride_w, p.dilation_w);
                p.pad_h = conv_padding(s.input_h, s.filter_h, p.stride_h, p.dilation_h, s.output_h);
                p.pad_w = conv_padding(s.input_w, s.filter_w, p.stride_w, p.dilation_w, s.output_w);
                p.input_offset = static_cast<std::int32_t>(lcg(st) % 256) - 127;
                p.output_offset = static_cast<std::int32_t>(lcg(st) % 256) - 128;
                for (int o = 0; o < s.output_depth; ++o) {
                    bias[o] = static_cast<std::int32_t>(lcg(st) >> 18) - 8192;
                    mult[o] = static_cast<std::int32_t>((lcg(st) >> 2) | 0x40000000u);
                    shift[o] = -static_cast<std::int32_t>(lcg(st) % 6) - 3;
                }
                p.output_multiplier = mult; p.output_shift = shift;
                for (int i = 0; i < s.batches * s.input_h * s.input_w * ch; ++i) in[i] = random_int8(st);
                for (int i = 0; i < s.filter_h * s.filter_w * s.output_depth; ++i) w[i] = random_int8(st);
                depthwise_conv_2d_reference(p, s, mult_d, in, w, bias, ref);
                depthwise_conv_2d(p, s, mult_d, in, w, bias, fast);
                wrong += count_mismatches(ref, fast, s.batches * s.output_h * s.output_w * s.output_depth);
            }
    CHECK(wrong == 0);
}
