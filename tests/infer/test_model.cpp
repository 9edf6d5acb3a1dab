#include "nerve_test.hpp"

#include <array>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "nerve/infer/model.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;
using nerve_infer_test::lcg;

namespace {
// A small sensor CNN: 1 x 32 x 4 -> conv1d(8 filters, k=3, same) -> max_pool(2) -> conv1d(6, k=3,
// valid, stride 2) -> global mean -> dense(6 -> 5) -> softmax. Weights are constexpr (flash).
constexpr std::array<std::int8_t, 8 * 3 * 4> make_w1() {
    std::array<std::int8_t, 8 * 3 * 4> w{};
    for (int i = 0; i < static_cast<int>(w.size()); ++i) w[i] = static_cast<std::int8_t>((i * 37 + 11) % 255 - 127);
    return w;
}
constexpr std::array<std::int8_t, 6 * 3 * 8> make_w2() {
    std::array<std::int8_t, 6 * 3 * 8> w{};
    for (int i = 0; i < static_cast<int>(w.size()); ++i) w[i] = static_cast<std::int8_t>((i * 53 + 7) % 251 - 125);
    return w;
}
constexpr std::array<std::int8_t, 5 * 6> make_w3() {
    std::array<std::int8_t, 5 * 6> w{};
    for (int i = 0; i < static_cast<int>(w.size()); ++i) w[i] = static_cast<std::int8_t>((i * 71 + 3) % 241 - 120);
    return w;
}
constexpr auto w1 = make_w1();
constexpr auto w2 = make_w2();
constexpr auto w3 = make_w3();
constexpr std::int32_t b1[8] = {100, -200, 300, -400, 500, -600, 700, -800};
constexpr std::int32_t b2[6] = {1000, -900, 800, -700, 600, -500};
constexpr std::int32_t b3[5] = {-50, 50, -150, 150, 0};
constexpr std::int32_t m1[8] = {1500000000, 1400000000, 1300000000, 1200000000, 1100000000, 1600000000, 1700000000, 1800000000};
constexpr std::int32_t s1[8] = {-8, -8, -8, -8, -8, -8, -8, -8};
constexpr std::int32_t m2[6] = {1500000000, 1400000000, 1300000000, 1200000000, 1100000000, 1600000000};
constexpr std::int32_t s2[6] = {-9, -9, -9, -9, -9, -9};

using l1_t = conv1d<32, 4, 8, 3, 1, padding::same>;
using l2_t = max_pool<1, 32, 8, 1, 2, 1, 2>;
using l3_t = conv1d<16, 8, 6, 3, 2, padding::valid>;
using l4_t = global_mean<1, 7, 6>;
using l5_t = dense<6, 5>;
using l6_t = reshape_layer<5>;
using l7_t = softmax_layer<5>;
using net_t = model<l1_t, l2_t, l3_t, l4_t, l5_t, l6_t, l7_t>;

net_t make_net() {
    conv_quant q1{128, -5, m1, s1, -5, 127};  // fused RELU at the zero point
    conv_quant q2{5, 3, m2, s2, -128, 127};
    fully_connected_params p5;
    p5.input_offset = -3; p5.output_offset = 10; p5.output_multiplier = 1300000000; p5.output_shift = -6;
    mean_params mp;
    mp.input_zero_point = 3; mp.output_zero_point = 3;
    return net_t{l1_t{w1.data(), b1, q1}, l2_t{}, l3_t{w2.data(), b2, q2}, l4_t{mp}, l5_t{w3.data(), b3, p5}, l6_t{},
                 l7_t{make_softmax_params(1.0, 0.1)}};
}
}  // namespace

TEST_CASE("static model: shapes, sizes and RAM are compile-time facts", "[model]") {
    static_assert(l1_t::output_w == 32 && l3_t::output_w == 7);
    static_assert(net_t::input_size == 128 && net_t::output_size == 5);
    static_assert(net_t::max_tensor == 256);  // conv1d output 32 x 8
    static_assert(net_t::activation_bytes == 512);
    // RAM = the two ping-pong buffers + the layer descriptors (pointers and parameters)
    static_assert(sizeof(net_t) >= net_t::activation_bytes && sizeof(net_t) <= net_t::activation_bytes + 512);
    CHECK(sizeof(net_t) < 1024);
}

TEST_CASE("static model output equals the kernels called one by one", "[model]") {
    net_t net = make_net();
    std::uint32_t s = 42;
    for (int trial = 0; trial < 20; ++trial) {
        net_t::input_type x;
        for (auto& v : x) v = static_cast<std::int8_t>(lcg(s) >> 24);
        net_t::output_type y{};
        NERVE_REQUIRE_NO_ALLOC(y = net(x));

        // the same layers by hand, through the reference kernels
        std::int8_t a[256], b[256];
        const auto& L1 = net.layer<0>();
        conv_2d_reference(L1.params(), L1.shape(), x.data(), w1.data(), b1, a);
        pool_params pp = l2_t::geometry::params(-128, 127);
        max_pool_2d(pp, l2_t::geometry::shape(8), a, b);
        const auto& L3 = net.layer<2>();
        conv_2d_reference(L3.params(), L3.shape(), b, w2.data(), b2, a);
        mean_hw(net.layer<3>().params, a, 1, 1, 7, 6, b);
        fully_connected_reference(net.layer<4>().params, b, 1, 6, w3.data(), b3, 5, a);
        softmax(net.layer<6>().params, a, 1, 5, b);
        CHECK(count_mismatches(y.data(), b, 5) == 0);
    }
}

TEST_CASE("static dense model: hello-world shape (1 -> 16 -> 16 -> 1)", "[model]") {
    static constexpr std::int8_t wa[16] = {12, -5, 100, -127, 33, 0, 7, -80, 64, 1, -1, 90, -45, 20, 55, -9};
    static constexpr std::int8_t wb[256] = {};
    static constexpr std::int8_t wc[16] = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8};
    static constexpr std::int32_t ba[16] = {};
    fully_connected_params p;
    p.input_offset = 128; p.output_offset = -128; p.output_multiplier = 1 << 30; p.output_shift = -7;
    p.activation_min = -128;
    using hw_t = model<dense<1, 16>, dense<16, 16>, dense<16, 1>>;
    static_assert(hw_t::activation_bytes == 32);
    hw_t m{{wa, ba, p}, {wb, nullptr, p}, {wc, nullptr, p}};
    std::int8_t out = 0;
    const std::int8_t in = 5;
    NERVE_REQUIRE_NO_ALLOC(m.run(&in, &out));
    // zero middle weights: every hidden value is the requantized 0 (zero point -128), so the
    // last layer sees in + offset = 0 and outputs its zero point
    CHECK(out == -128);
}
