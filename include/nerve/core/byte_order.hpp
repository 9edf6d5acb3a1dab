#pragma once
// Little-endian loads from byte storage of any alignment, for the file readers (WAV, WFDB,
// TFLite flatbuffers). Built from byte shifts rather than memcpy + byteswap so they read the same
// on every target, are constexpr, and never form a misaligned wide access on a Cortex-M.
// The caller guarantees the bytes exist: these functions do no bounds checks.

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace nerve {

namespace detail {
template <class Byte>
constexpr std::uint32_t byte_at(const Byte* p, std::size_t i) noexcept {
    static_assert(sizeof(Byte) == 1, "byte_order loads read byte storage");
    if constexpr (std::is_same_v<std::remove_cv_t<Byte>, std::byte>) return std::to_integer<std::uint8_t>(p[i]);
    else return static_cast<std::uint8_t>(p[i]);
}
}  // namespace detail

/// The 16-bit little-endian value at `p` (std::byte, unsigned char or std::uint8_t storage).
template <class Byte>
constexpr std::uint16_t load_le16(const Byte* p) noexcept {
    return static_cast<std::uint16_t>(detail::byte_at(p, 0) | detail::byte_at(p, 1) << 8);
}

/// The 32-bit little-endian value at `p`.
template <class Byte>
constexpr std::uint32_t load_le32(const Byte* p) noexcept {
    return std::uint32_t{load_le16(p)} | std::uint32_t{load_le16(p + 2)} << 16;
}

/// The 64-bit little-endian value at `p`.
template <class Byte>
constexpr std::uint64_t load_le64(const Byte* p) noexcept {
    return std::uint64_t{load_le32(p)} | std::uint64_t{load_le32(p + 4)} << 32;
}

}  // namespace nerve
