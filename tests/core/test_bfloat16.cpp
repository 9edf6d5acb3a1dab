#include "nerve_test.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "nerve/core/bfloat16.hpp"

using nerve::bfloat16;

namespace {

float round_trip(float v) { return static_cast<float>(bfloat16{v}); }

// The reference: of the two bfloat16 values around |v| (its top 16 bits, and one step above),
// the nearer in exact (double) arithmetic, the even one on a tie; one step above the largest
// finite bfloat16 is Inf, taken as 2^128 as IEEE rounding does.
double reference(float v) {
    const std::uint32_t u = std::bit_cast<std::uint32_t>(v);
    const std::uint32_t sign = u & 0x80000000u, mag = u & 0x7fffffffu;
    const std::uint32_t lo = mag & 0xffff0000u, hi = lo + 0x10000u;
    const double a = std::fabs(static_cast<double>(v));
    const double dlo = static_cast<double>(std::bit_cast<float>(lo));
    const double dhi = hi == 0x7f800000u ? std::ldexp(1.0, 128) : static_cast<double>(std::bit_cast<float>(hi));
    std::uint32_t pick;
    if (a - dlo < dhi - a) pick = lo;
    else if (a - dlo > dhi - a) pick = hi;
    else pick = ((lo >> 16) & 1u) ? hi : lo;
    return static_cast<double>(std::bit_cast<float>(sign | pick));
}

}  // namespace

TEST_CASE("bfloat16 rounds every finite float to the nearer neighbour, ties to even", "[bfloat16]") {
    // 65,536 bit patterns spread over all 2^32 (a stride prime to 2^16, so every low half occurs
    // with many exponents), plus each pattern's exact tie and its neighbours.
    long checked = 0, wrong = 0;
    double worst = 0;
    for (std::uint64_t k = 0; k < 65536; ++k) {
        const std::uint32_t base = static_cast<std::uint32_t>(k * 65537u * 1021u);
        for (std::uint32_t u : {base, (base & 0xffff0000u) | 0x8000u, (base & 0xffff0000u) | 0x7fffu,
                                (base & 0xffff0000u) | 0x8001u}) {
            const float v = std::bit_cast<float>(u);
            if (!std::isfinite(v)) continue;
            ++checked;
            const double want = reference(v), got = static_cast<double>(round_trip(v));
            if (!(got == want)) ++wrong;
            if (std::isfinite(got) && v != 0.0f && std::fabs(v) >= std::numeric_limits<float>::min())
                worst = std::fmax(worst, std::fabs(got - v) / std::fabs(static_cast<double>(v)));
        }
    }
    CHECK(checked > 200000);
    CHECK(wrong == 0);
    CHECK(worst <= 0x1p-8);   // 8 significant bits: half a step at most
    CHECK(worst > 0x1p-9);    // and it does round
}

TEST_CASE("bfloat16 keeps exact values, NaN, Inf, and overflows to Inf", "[bfloat16][bad-input]") {
    CHECK(round_trip(1.0f) == 1.0f);
    CHECK(round_trip(-1.5f) == -1.5f);
    CHECK(round_trip(255.0f) == 255.0f);
    CHECK(round_trip(0x1p-120f) == 0x1p-120f);   // float's range: no scale to choose
    CHECK(std::signbit(round_trip(-0.0f)));
    CHECK(round_trip(1.0f + 0x1p-8f) == 1.0f);                   // tie: down to the even 1
    CHECK(round_trip(1.0f + 3 * 0x1p-8f) == 1.0f + 0x1p-6f);     // tie: up to the even neighbour
    CHECK(round_trip(1.0f + 0x1p-8f + 0x1p-20f) == 1.0f + 0x1p-7f);
    CHECK(std::isnan(round_trip(std::numeric_limits<float>::quiet_NaN())));
    CHECK(std::isnan(round_trip(-std::numeric_limits<float>::signaling_NaN())));   // stays NaN, not Inf
    CHECK(std::isnan(round_trip(std::bit_cast<float>(0x7f800001u))));               // payload only in the low half
    CHECK(round_trip(std::numeric_limits<float>::infinity()) == std::numeric_limits<float>::infinity());
    CHECK(round_trip(-std::numeric_limits<float>::max()) == -std::numeric_limits<float>::infinity());
    CHECK(std::isfinite(round_trip(1e38f)));
    static_assert(static_cast<float>(bfloat16{2.0f}) == 2.0f, "usable in constant expressions");
    static_assert(sizeof(bfloat16) == 2);
}
