#include "nerve_test.hpp"

#include <cstdint>

#include "cmsis_compare.hpp"
#include "nerve/infer/packed_conv.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;
using nerve_infer_test::lcg;
using nerve_infer_test::random_int8;

namespace {
template <int W, int C, int OutC, int K, int S, padding Pad>
long check(std::uint32_t& s, bool with_bias) {
    using L = conv1d_packed<W, C, OutC, K, S, Pad>;
    static std::int8_t in[W * C], w[OutC * K * C], ref[L::output_size], got[L::output_size];
    static std::int16_t packed[packed_dense_size(K * C, OutC)];
    static std::int32_t bias[OutC], mult[OutC], shift[OutC];
    for (auto& v : in) v = random_int8(s);
    for (auto& v : w) v = random_int8(s);
    for (int o = 0; o < OutC; ++o) {
        bias[o] = static_cast<std::int32_t>(lcg(s) >> 18) - 8192;
        mult[o] = static_cast<std::int32_t>((lcg(s) >> 2) | 0x40000000u);
        shift[o] = static_cast<std::int32_t>(lcg(s) % 10) - 9;
    }
    pack_dense_weights(w, K * C, OutC, packed);
    L layer{packed, with_bias ? bias : nullptr, conv_quant{static_cast<std::int32_t>(lcg(s) % 256) - 127, -7, mult, shift, -100, 120}};
    conv_params p;
    p.input_offset = layer.quant.input_offset; p.output_offset = -7;
    p.stride_w = S; p.pad_w = L::pad;
    p.output_multiplier = mult; p.output_shift = shift;
    p.activation_min = -100; p.activation_max = 120;
    conv_shape sh;
    sh.input_w = W; sh.input_depth = C; sh.filter_w = K; sh.output_w = L::output_w; sh.output_depth = OutC;
    conv_2d_reference(p, sh, in, w, with_bias ? bias : nullptr, ref);
    NERVE_REQUIRE_NO_ALLOC(layer.run(in, got));
    return count_mismatches(ref, got, L::output_size);
}
}  // namespace

TEST_CASE("conv1d_packed equals conv_2d_reference (VALID and SAME, strides, filter tails)", "[packed_conv]") {
    std::uint32_t s = 9;
    long wrong = 0;
    for (int rep = 0; rep < 2; ++rep) {
        const bool b = rep == 0;
        wrong += check<128, 16, 32, 3, 1, padding::valid>(s, b);  // the benchmark layer
        wrong += check<20, 4, 5, 3, 1, padding::same>(s, b);
        wrong += check<21, 8, 7, 5, 2, padding::same>(s, b);
        wrong += check<17, 12, 4, 4, 3, padding::valid>(s, b);
        wrong += check<9, 4, 1, 1, 1, padding::valid>(s, b);
        wrong += check<6, 4, 3, 7, 1, padding::same>(s, b);  // filter longer than the input
    }
    CHECK(wrong == 0);
}
