#include "nerve_test.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "cmsis_compare.hpp"
#include "nerve/infer/model.hpp"
#include "nerve/infer/packed_dense.hpp"

using namespace nerve::infer;
using nerve_infer_test::count_mismatches;
using nerve_infer_test::lcg;
using nerve_infer_test::random_int8;

namespace {
template <int In, int Out>
long check_layer(std::uint32_t& s, int variant) {
    static std::int8_t w[Out * In], x[In], ref[Out], got[Out];
    static std::int16_t packed[packed_dense_size(In, Out)];
    static std::int32_t bias[Out], mult[Out], shift[Out];
    for (auto& v : w) v = random_int8(s);
    for (auto& v : x) v = random_int8(s);
    for (int o = 0; o < Out; ++o) {
        bias[o] = static_cast<std::int32_t>(lcg(s) >> 16) - 32768;
        mult[o] = static_cast<std::int32_t>((lcg(s) >> 2) | 0x40000000u);
        shift[o] = static_cast<std::int32_t>(lcg(s) % 14) - 12;  // includes left shifts
    }
    fully_connected_params p;
    p.input_offset = static_cast<std::int32_t>(lcg(s) % 256) - 127;
    p.output_offset = static_cast<std::int32_t>(lcg(s) % 256) - 128;
    p.output_multiplier = mult[0];
    p.output_shift = -7;
    if (variant & 1) { p.per_channel_multiplier = mult; p.per_channel_shift = shift; }
    if (variant & 2) { p.activation_min = -10; p.activation_max = 50; }
    const std::int32_t* b = (variant & 4) ? nullptr : bias;
    pack_dense_weights(w, In, Out, packed);
    fully_connected_reference(p, x, 1, In, w, b, Out, ref);
    NERVE_REQUIRE_NO_ALLOC(fully_connected_packed<In, Out>(p, x, packed, b, got));
    return count_mismatches(ref, got, Out);
}

constexpr std::int8_t kW[3 * 8] = {1, -2, 3, -4, 5, -6, 7, -8, 9, 10, 11, 12, -13, -14, -15, -16, 127, -128, 0, 1, 2, 3, 4, 5};
constexpr auto kPacked = pack_dense_weights<8, 3>(kW);  // compile time: flash
}  // namespace

TEST_CASE("packed dense equals the reference fully connected (all shapes, per-channel, clamps, no bias)",
          "[packed_dense]") {
    std::uint32_t s = 11;
    long wrong = 0;
    for (int variant = 0; variant < 8; ++variant) {
        wrong += check_layer<4, 1>(s, variant);
        wrong += check_layer<8, 3>(s, variant);
        wrong += check_layer<12, 4>(s, variant);   // odd number of 4-blocks
        wrong += check_layer<16, 5>(s, variant);
        wrong += check_layer<256, 256>(s, variant);
        wrong += check_layer<100, 37>(s, variant);
    }
    CHECK(wrong == 0);
}

TEST_CASE("packed weights at a 2-byte offset give the same outputs (no alignment fault)", "[packed_dense][bad-input]") {
    // The M4 kernel loads words in pairs and fours (LDRD, LDM), which fault unless word-aligned:
    // weights one int16 past a word boundary must take the portable loop, with the same results.
    constexpr int In = 16, Out = 8;
    static std::int8_t w[Out * In], x[In], y_aligned[Out], y_offset[Out];
    std::uint32_t s = 21;
    for (auto& v : w) v = random_int8(s);
    for (auto& v : x) v = random_int8(s);
    alignas(8) static std::int16_t storage[packed_dense_size(In, Out) + 1];
    static std::int16_t aligned[packed_dense_size(In, Out)];
    pack_dense_weights(w, In, Out, aligned);
    std::int16_t* const offset = storage + 1;  // 2 bytes past an 8-byte boundary
    pack_dense_weights(w, In, Out, offset);
    fully_connected_params p;
    p.input_offset = 3; p.output_offset = -2; p.output_multiplier = 1500000000; p.output_shift = -7;
    fully_connected_packed<In, Out>(p, x, aligned, nullptr, y_aligned);
    fully_connected_packed<In, Out>(p, x, offset, nullptr, y_offset);
    CHECK(std::equal(y_aligned, y_aligned + Out, y_offset));
    static_assert(alignof(decltype(kPacked)) >= 8);  // what pack_dense_weights<In, Out> returns is aligned
}

TEST_CASE("packed weights: layout and compile-time packing", "[packed_dense]") {
    static_assert(kPacked.size() == 4 * 8);  // Out padded to 4 rows
    // row 0, block 0: (w0, w2), (w1, w3)
    CHECK(kPacked[0] == 1);
    CHECK(kPacked[1] == 3);
    CHECK(kPacked[2] == -2);
    CHECK(kPacked[3] == -4);
    CHECK(kPacked[4] == 9);  // row 1 follows
    CHECK(kPacked[12] == 0);  // row 3 is padding
}

TEST_CASE("dense_packed is a model layer with the same output as dense", "[packed_dense]") {
    static std::int8_t w[16 * 8];
    std::uint32_t s = 5;
    for (auto& v : w) v = random_int8(s);
    static std::int16_t packed[packed_dense_size(8, 16)];
    pack_dense_weights(w, 8, 16, packed);
    fully_connected_params p;
    p.input_offset = 128; p.output_offset = -5; p.output_multiplier = 1300000000; p.output_shift = -6;
    model<dense<8, 16>> a{{w, nullptr, p}};
    model<dense_packed<8, 16>> b{{packed, nullptr, p}};
    for (int t = 0; t < 10; ++t) {
        std::array<std::int8_t, 8> x;
        for (auto& v : x) v = random_int8(s);
        const auto ya = a(x);
        const auto yb = b(x);
        CHECK(ya == yb);
    }
}
