// nerve/core/crc32.hpp — CRC-32 (IEEE 802.3, reflected, as zlib's crc32) for snapshots.
//
// A 16-entry nibble table keeps it to 64 bytes of flash on an MCU; speed is not critical,
// snapshots are taken rarely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace nerve {

namespace detail {
inline constexpr std::uint32_t crc32_nibble_table[16] = {
    0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu, 0x76DC4190u, 0x6B6B51F4u,
    0x4DB26158u, 0x5005713Cu, 0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
    0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDF21Cu};
}  // namespace detail

/// Continues a CRC-32 over `bytes`; start with crc = 0. crc32("123456789") == 0xCBF43926.
constexpr std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc = 0) noexcept {
    crc = ~crc;
    for (std::byte b : bytes) {
        crc ^= static_cast<std::uint32_t>(b);
        crc = (crc >> 4) ^ detail::crc32_nibble_table[crc & 0x0Fu];
        crc = (crc >> 4) ^ detail::crc32_nibble_table[crc & 0x0Fu];
    }
    return ~crc;
}

}  // namespace nerve
