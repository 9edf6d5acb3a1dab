#include "nerve_test.hpp"

#include <cmath>
#include <cstdint>
#include <limits>

#include "nerve/infer/quantization.hpp"

using namespace nerve::infer;

namespace {
constexpr std::int32_t kMin = std::numeric_limits<std::int32_t>::min();
constexpr std::int32_t kMax = std::numeric_limits<std::int32_t>::max();

// --- an independent reference, written from the rounding rules, in 64-bit magnitudes ----------
// Step 1 (doubling high multiply): floor(P / 2^31 + 1/2), i.e. ties toward +infinity, saturated.
// Step 2 (rounding right shift): ties away from zero, on the magnitude.
std::int32_t ref_double(std::int32_t x, std::int32_t m, int shift) {
    const int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    const std::int64_t xs = static_cast<std::int32_t>(static_cast<std::uint32_t>(x) * (std::uint32_t{1} << left));
    std::int64_t r1;
    if (xs == kMin && m == kMin) {
        r1 = kMax;  // 2^62 / 2^31 = 2^31 does not fit
    } else {
        const std::int64_t p = xs * m;
        const std::int64_t half = std::int64_t{1} << 30;
        // floor division by 2^31 written with / on a shifted non-negative number
        const std::int64_t bias = std::int64_t{1} << 62;  // makes p + half + bias >= 0 (|p| <= 2^62)
        const std::uint64_t u = static_cast<std::uint64_t>(p + half) + static_cast<std::uint64_t>(bias);
        r1 = static_cast<std::int64_t>(u / (std::uint64_t{1} << 31)) - (bias >> 31);
    }
    if (right == 0) return static_cast<std::int32_t>(r1);
    const bool neg = r1 < 0;
    const std::uint64_t a = static_cast<std::uint64_t>(neg ? -r1 : r1);
    const std::uint64_t q = (a + (std::uint64_t{1} << (right - 1))) / (std::uint64_t{1} << right);
    return static_cast<std::int32_t>(neg ? -static_cast<std::int64_t>(q) : static_cast<std::int64_t>(q));
}

// Single rounding: floor(x m / 2^t + 1/2), t = 31 - shift, via quotient and remainder.
std::int32_t ref_single(std::int32_t x, std::int32_t m, int shift) {
    const int t = 31 - shift;
    const std::int64_t p = static_cast<std::int64_t>(x) * m;
    std::int64_t q = p / (std::int64_t{1} << t);
    std::int64_t r = p - q * (std::int64_t{1} << t);
    if (r < 0) { q -= 1; r += std::int64_t{1} << t; }  // floor
    if (r >= (std::int64_t{1} << (t - 1))) q += 1;
    if (q > kMax) return kMax;
    if (q < kMin) return kMin;
    return static_cast<std::int32_t>(q);
}

// x values at every edge: 0, +-1, +-2^k and their neighbours, the int32 extremes.
int edge_values(std::int32_t* out) {
    int n = 0;
    out[n++] = 0; out[n++] = kMin; out[n++] = kMin + 1; out[n++] = kMax; out[n++] = kMax - 1;
    for (int k = 0; k < 31; ++k) {
        const std::int32_t p = std::int32_t{1} << k;
        out[n++] = p; out[n++] = -p; out[n++] = p + 1; out[n++] = -p - 1; out[n++] = p - 1; out[n++] = -p + 1;
        out[n++] = p + (p >> 1); out[n++] = -(p + (p >> 1));  // exact halves after a shift
    }
    return n;
}

std::uint32_t lcg(std::uint32_t& s) { s = s * 1664525u + 1013904223u; return s; }

#if defined(__arm__) && !defined(__aarch64__)
constexpr int kRandom = 20000;  // qemu-system-arm
#else
constexpr int kRandom = 2000000;
#endif
}  // namespace

TEST_CASE("doubling high multiply and rounding shift: gemmlowp's edge cases", "[quantization]") {
    CHECK(saturating_rounding_doubling_high_mul(kMin, kMin) == kMax);
    CHECK(saturating_rounding_doubling_high_mul(kMin, kMax) == -kMax);
    CHECK(saturating_rounding_doubling_high_mul(kMax, kMax) == kMax - 1);
    CHECK(saturating_rounding_doubling_high_mul(1 << 30, 1) == 1);       // +0.5 -> 1
    CHECK(saturating_rounding_doubling_high_mul(-(1 << 30), 1) == 0);    // -0.5 -> 0 (ties upward)
    CHECK(saturating_rounding_doubling_high_mul(-(1 << 30) - 1, 1) == -1);
    CHECK(rounding_divide_by_pot(5, 1) == 3);     // 2.5 -> 3
    CHECK(rounding_divide_by_pot(-5, 1) == -3);   // -2.5 -> -3 (away from zero)
    CHECK(rounding_divide_by_pot(-4, 1) == -2);
    CHECK(rounding_divide_by_pot(kMin, 31) == -1);
    CHECK(rounding_divide_by_pot(kMax, 31) == 1);
    CHECK(rounding_divide_by_pot(kMin, 0) == kMin);
    CHECK(saturating_left_shift(1 << 20, 11) == kMax);
    CHECK(saturating_left_shift(-(1 << 20), 11) == kMin);
    CHECK(saturating_left_shift(-(1 << 20) + 1, 11) == (-(1 << 20) + 1) * 2048);
    static_assert(multiply_by_quantized_multiplier(100, 1 << 30, 0) == 50);
}

TEST_CASE("multiply_by_quantized_multiplier (double rounding) equals the wide-integer reference at every edge",
          "[quantization]") {
    std::int32_t xs[300];
    const int nx = edge_values(xs);
    const std::int32_t ms[] = {0, 1, 2, (1 << 30) - 1, 1 << 30, (1 << 30) + 1, kMax, kMax - 1, kMin, kMin + 1, -1,
                               -(1 << 30), 1518500250, 1342580370, 2054731230, -1717986918};
    long checked = 0, failed = 0;
    for (int ix = 0; ix < nx; ++ix)
        for (std::int32_t m : ms)
            for (int shift = -31; shift <= 31; ++shift) {
                const std::int32_t got = multiply_by_quantized_multiplier(xs[ix], m, shift);
                const std::int32_t want = ref_double(xs[ix], m, shift);
                ++checked;
                if (got != want) {
                    if (++failed < 5) FAIL_CHECK("x=" << xs[ix] << " m=" << m << " shift=" << shift << " got " << got << " want " << want);
                }
            }
    CHECK(failed == 0);
    CHECK(checked > 200000);
}

TEST_CASE("multiply_by_quantized_multiplier (double rounding) equals the reference on random operands",
          "[quantization]") {
    std::uint32_t s = 12345;
    long failed = 0;
    for (int i = 0; i < kRandom; ++i) {
        const auto x = static_cast<std::int32_t>(lcg(s));
        // random magnitudes: shift x right by a random amount so small accumulators are common too
        const std::int32_t xr = x >> (lcg(s) % 32);
        const auto m = static_cast<std::int32_t>(lcg(s));
        const int shift = static_cast<int>(lcg(s) % 63) - 31;
        if (multiply_by_quantized_multiplier(xr, m, shift) != ref_double(xr, m, shift)) ++failed;
    }
    CHECK(failed == 0);
}

TEST_CASE("multiply_by_quantized_multiplier (single rounding) equals the reference", "[quantization]") {
    std::int32_t xs[300];
    const int nx = edge_values(xs);
    const std::int32_t ms[] = {0, 1, (1 << 30), (1 << 30) + 1, kMax, kMax - 1, 1518500250};
    long failed = 0;
    for (int ix = 0; ix < nx; ++ix)
        for (std::int32_t m : ms)
            for (int shift = -31; shift <= 30; ++shift)
                if (multiply_by_quantized_multiplier<rounding::single_rounding>(xs[ix], m, shift) != ref_single(xs[ix], m, shift))
                    ++failed;
    std::uint32_t s = 99;
    for (int i = 0; i < kRandom; ++i) {
        const std::int32_t x = static_cast<std::int32_t>(lcg(s)) >> (lcg(s) % 32);
        const std::int32_t m = static_cast<std::int32_t>(lcg(s) >> 1);
        const int shift = static_cast<int>(lcg(s) % 62) - 31;
        if (multiply_by_quantized_multiplier<rounding::single_rounding>(x, m, shift) != ref_single(x, m, shift)) ++failed;
    }
    CHECK(failed == 0);
    CHECK(multiply_by_quantized_multiplier(-3, 1 << 30, -1) == -1);  // -1.5 -> -1, then -0.5 -> -1
    CHECK(multiply_by_quantized_multiplier<rounding::single_rounding>(-3, 1 << 30, -1) == -1);  // -0.75 -> -1
    // 5 * 2^30 / 2^32 = 1.25: double rounding goes 2.5 -> 3, then 1.5 -> 2; single rounding gives 1.
    CHECK(multiply_by_quantized_multiplier(5, 1 << 30, -1) == 2);
    CHECK(multiply_by_quantized_multiplier<rounding::single_rounding>(5, 1 << 30, -1) == 1);
}

TEST_CASE("quantize_multiplier matches TFLite's QuantizeMultiplier (frexp, round half away)", "[quantization]") {
    CHECK(quantize_multiplier(0.0) == quantized_multiplier{0, 0});
    CHECK(quantize_multiplier(0.5) == quantized_multiplier{1 << 30, 0});
    CHECK(quantize_multiplier(1.0) == quantized_multiplier{1 << 30, 1});
    CHECK(quantize_multiplier(-0.5) == quantized_multiplier{-(1 << 30), 0});
    CHECK(quantize_multiplier(0.75) == quantized_multiplier{1610612736, 0});
    // q rounds up to 2^31: becomes 2^30 with the next shift
    CHECK(quantize_multiplier(1.0 - std::ldexp(1.0, -34)) == quantized_multiplier{1 << 30, 1});
    // smallest representable shift, and the flush to zero below it
    CHECK(quantize_multiplier(std::ldexp(1.0, -32)) == quantized_multiplier{1 << 30, -31});
    CHECK(quantize_multiplier(std::ldexp(1.0, -33)) == quantized_multiplier{0, 0});
    CHECK(quantize_multiplier(std::ldexp(1.0, -32) * (1.0 - std::ldexp(1.0, -40))) == quantized_multiplier{1 << 30, -31});
    // large multipliers: shift > 30 stays with double rounding, saturates with single rounding
    CHECK(quantize_multiplier(std::ldexp(1.0, 40)) == quantized_multiplier{1 << 30, 41});
    CHECK(quantize_multiplier(std::ldexp(1.0, 40), rounding::single_rounding) == quantized_multiplier{kMax, 30});
    CHECK(quantize_multiplier(std::nan("")) == quantized_multiplier{0, 0});
    static_assert(quantize_multiplier(0.25).multiplier == (1 << 30) && quantize_multiplier(0.25).shift == -1);

    std::uint32_t s = 7;
    long failed = 0;
    for (int i = 0; i < 20000; ++i) {
        const double mant = 0.5 + 0.5 * (lcg(s) / 4294967296.0);
        const int e = static_cast<int>(lcg(s) % 60) - 40;
        const double m = std::ldexp(mant, e) * ((lcg(s) & 1) ? 1 : -1);
        int shift = 0;
        const double q = std::frexp(m, &shift);
        auto q_fixed = static_cast<std::int64_t>(std::round(q * static_cast<double>(std::int64_t{1} << 31)));
        if (q_fixed == (std::int64_t{1} << 31) || q_fixed == -(std::int64_t{1} << 31)) { q_fixed /= 2; ++shift; }
        if (shift < -31) { shift = 0; q_fixed = 0; }
        const auto got = quantize_multiplier(m);
        if (got.multiplier != q_fixed || got.shift != shift) ++failed;
        // and it represents m to half a unit in the last place
        if (q_fixed != 0) {
            const double back = std::ldexp(static_cast<double>(got.multiplier), got.shift - 31);
            if (std::abs(back - m) > std::ldexp(1.0, got.shift - 32)) ++failed;
        }
    }
    CHECK(failed == 0);
}

TEST_CASE("activation ranges follow TFLite's CalculateActivationRangeQuantized", "[quantization]") {
    CHECK(make_activation_range(fused_activation::none, 0.1f, 3) == activation_range{-128, 127});
    CHECK(make_activation_range(fused_activation::relu, 0.1f, -5) == activation_range{-5, 127});
    CHECK(make_activation_range(fused_activation::relu6, 0.05f, -128) == activation_range{-128, -8});
    CHECK(make_activation_range(fused_activation::relu6, 0.01f, 0) == activation_range{0, 127});
    CHECK(make_activation_range(fused_activation::relu_n1_to_1, 0.01f, 0) == activation_range{-100, 100});
    CHECK(requantize(1000, 1 << 30, 0, 5, -128, 127) == 127);
    CHECK(requantize(-1000, 1 << 30, -4, 5, -10, 127) == -10);
    std::int8_t v[4] = {-128, -3, 0, 127};
    NERVE_REQUIRE_NO_ALLOC(clamp_int8(v, v, 4, activation_range{-3, 100}));
    CHECK(v[0] == -3);
    CHECK(v[3] == 100);
}

TEST_CASE("the kernels' precomputed requantization equals multiply_by_quantized_multiplier everywhere",
          "[quantization]") {
    std::int32_t xs[300];
    const int nx = edge_values(xs);
    const std::int32_t ms[] = {0, 1, 2, (1 << 30) - 1, 1 << 30, (1 << 30) + 1, kMax, kMax - 1, 1518500250, 1342580370,
                               -1, -(1 << 30), kMin, kMin + 1};
    long failed = 0;
    for (int ix = 0; ix < nx; ++ix)
        for (std::int32_t m : ms)
            for (int shift = -31; shift <= 31; ++shift) {
                const detail::requant_channel rc(m, shift);
                const std::int32_t want = multiply_by_quantized_multiplier(xs[ix], m, shift);
                if (rc.apply(xs[ix]) != want || rc.apply_fast(xs[ix]) != want) ++failed;
            }
    std::uint32_t s = 31337;
    for (int i = 0; i < kRandom; ++i) {
        const std::int32_t x = static_cast<std::int32_t>(lcg(s)) >> (lcg(s) % 32);
        const std::int32_t m = static_cast<std::int32_t>(lcg(s));
        const int shift = static_cast<int>(lcg(s) % 63) - 31;
        const detail::requant_channel rc(m, shift);
        if (rc.apply_fast(x) != multiply_by_quantized_multiplier(x, m, shift)) ++failed;
    }
    CHECK(failed == 0);
    CHECK(requantize_fast(1000, 1 << 30, -3, 5, -128, 127) == requantize(1000, 1 << 30, -3, 5, -128, 127));
}
