#include "nerve_test.hpp"

#include <cstdint>
#include <cstdio>

#include "cmsis_nn_cases.hpp"
#include "nerve/infer/fully_connected.hpp"

using namespace nerve::infer;

namespace {
fully_connected_params params_of(const cmsis_nn::fc_case& c) {
    fully_connected_params p;
    p.input_offset = c.input_offset;
    p.filter_offset = c.filter_offset;
    p.output_offset = c.output_offset;
    p.output_multiplier = c.multiplier;
    p.output_shift = c.shift;
    p.per_channel_multiplier = c.per_ch_mult;
    p.per_channel_shift = c.per_ch_shift;
    p.activation_min = c.act_min;
    p.activation_max = c.act_max;
    return p;
}
std::uint32_t lcg(std::uint32_t& s) { s = s * 1664525u + 1013904223u; return s; }
}  // namespace

TEST_CASE("fully_connected matches every CMSIS-NN fully connected vector exactly", "[fully_connected][cmsis]") {
    if (!cmsis_nn::available) {
        WARN("skipped: CMSIS-NN vectors not found at ../shared/data/cmsis-nn when this test was built");
        return;
    }
    int cases = 0;
    for (const auto& c : cmsis_nn::fc_cases) {
        INFO(c.name);
        const auto p = params_of(c);
        static std::int8_t ref[4096], fast[4096];
        const int n = c.batches * c.out_ch;
        REQUIRE(n <= 4096);
        NERVE_REQUIRE_NO_ALLOC(fully_connected_reference(p, c.input, c.batches, c.depth, c.weights, c.bias, c.out_ch, ref));
        NERVE_REQUIRE_NO_ALLOC(fully_connected(p, c.input, c.batches, c.depth, c.weights, c.bias, c.out_ch, fast));
        int wrong_ref = 0, wrong_fast = 0;
        for (int i = 0; i < n; ++i) {
            wrong_ref += ref[i] != c.expected[i];
            wrong_fast += fast[i] != c.expected[i];
        }
        CHECK(wrong_ref == 0);
        CHECK(wrong_fast == 0);
        ++cases;
    }
    CHECK(cases == 7);
}

TEST_CASE("fully_connected fast path is bit-identical to the reference on random layers", "[fully_connected]") {
    static std::int8_t in[3 * 300], w[37 * 300], ref[3 * 37], fast[3 * 37];
    static std::int32_t bias[37], mult[37], shift[37];
    std::uint32_t s = 2024;
    const int depths[] = {1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 48, 64, 100, 255, 300};
    const int outs[] = {1, 3, 4, 5, 8, 37};
    long wrong = 0;
    for (int depth : depths)
        for (int out : outs)
            for (int variant = 0; variant < 4; ++variant) {
                const int batches = 1 + variant % 3;
                for (int i = 0; i < batches * depth; ++i) in[i] = static_cast<std::int8_t>(lcg(s) >> 24);
                for (int i = 0; i < out * depth; ++i) w[i] = static_cast<std::int8_t>(lcg(s) >> 24);
                for (int o = 0; o < out; ++o) {
                    bias[o] = static_cast<std::int32_t>(lcg(s) >> 16) - 32768;
                    mult[o] = static_cast<std::int32_t>((lcg(s) >> 2) | 0x40000000u);
                    shift[o] = -static_cast<std::int32_t>(lcg(s) % 12) - 2;
                }
                fully_connected_params p;
                p.input_offset = static_cast<std::int32_t>(lcg(s) % 256) - 127;  // -(zero point)
                p.filter_offset = (variant == 3) ? static_cast<std::int32_t>(lcg(s) % 256) - 127 : 0;
                p.output_offset = static_cast<std::int32_t>(lcg(s) % 256) - 128;
                p.output_multiplier = mult[0];
                p.output_shift = shift[0];
                if (variant & 1) { p.per_channel_multiplier = mult; p.per_channel_shift = shift; }
                if (variant == 2) { p.activation_min = -20; p.activation_max = 90; }
                const std::int32_t* b = (variant == 1) ? nullptr : bias;
                fully_connected_reference(p, in, batches, depth, w, b, out, ref);
                fully_connected(p, in, batches, depth, w, b, out, fast);
                for (int i = 0; i < batches * out; ++i) wrong += ref[i] != fast[i];
            }
    CHECK(wrong == 0);
}

TEST_CASE("fully_connected single-rounding policy agrees with the reference under the same policy",
          "[fully_connected]") {
    std::int8_t in[40], w[5 * 40], a[5], b[5];
    std::uint32_t s = 5;
    for (auto& v : in) v = static_cast<std::int8_t>(lcg(s) >> 24);
    for (auto& v : w) v = static_cast<std::int8_t>(lcg(s) >> 24);
    fully_connected_params p;
    p.input_offset = 128;
    p.output_multiplier = 1518500250;
    p.output_shift = -9;
    fully_connected_reference<rounding::single_rounding>(p, in, 1, 40, w, nullptr, 5, a);
    fully_connected<rounding::single_rounding>(p, in, 1, 40, w, nullptr, 5, b);
    for (int i = 0; i < 5; ++i) CHECK(a[i] == b[i]);
}
