// nerve/core/bfloat16.hpp — a 16-bit storage type for float samples.
//
// bfloat16 keeps a float's sign, its 8-bit exponent and the top 7 bits of its significand:
// float's range in half the bytes, so buffers of samples can be halved without choosing a scale
// for the input's units (as q15 would need). It is a storage type, not an arithmetic one:
// convert to float, compute, convert back. Conversion rounds to nearest, ties to even, so the
// relative error is at most 2^-8; NaN stays NaN (made quiet), Inf stays Inf, and a float beyond
// the largest bfloat16 becomes Inf.
#pragma once

#include <bit>
#include <cstdint>

namespace nerve {

struct bfloat16 {
    std::uint16_t bits = 0;

    constexpr bfloat16() noexcept = default;
    constexpr explicit bfloat16(float v) noexcept : bits(round(v)) {}
    constexpr explicit operator float() const noexcept {
        return std::bit_cast<float>(static_cast<std::uint32_t>(bits) << 16);
    }

    template <class V>
    constexpr void visit_state(V& v) { v(bits); }

private:
    static constexpr std::uint16_t round(float v) noexcept {
        const std::uint32_t u = std::bit_cast<std::uint32_t>(v);
        if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x0040u);   // NaN: keep it one
        return static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
    }
};

}  // namespace nerve
