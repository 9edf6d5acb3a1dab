#include "nerve_test.hpp"

#include <array>
#include <cstring>

#include "nerve/core/byte_order.hpp"

// Values checked against the bytes' written order, so the loads cannot silently become host-order
// (every target here is little-endian, which a memcpy-based load would pass on).
TEST_CASE("little-endian loads read the low byte first, from any byte type", "[byte_order]") {
    constexpr std::array<std::uint8_t, 9> u8{0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, 0xFF};
    static_assert(nerve::load_le16(u8.data()) == 0xCDEFu);
    static_assert(nerve::load_le32(u8.data()) == 0x89ABCDEFu);
    static_assert(nerve::load_le64(u8.data()) == 0x0123456789ABCDEFull);

    // Unaligned: start one byte in.
    CHECK(nerve::load_le16(u8.data() + 1) == 0xABCDu);
    CHECK(nerve::load_le32(u8.data() + 1) == 0x6789ABCDu);
    CHECK(nerve::load_le64(u8.data() + 1) == 0xFF0123456789ABCDull);

    std::array<std::byte, 9> b{};
    std::memcpy(b.data(), u8.data(), u8.size());
    CHECK(nerve::load_le16(b.data() + 7) == 0xFF01u);
    CHECK(nerve::load_le32(b.data() + 5) == 0xFF012345u);
    CHECK(nerve::load_le64(b.data()) == 0x0123456789ABCDEFull);

    const auto* c = reinterpret_cast<const char*>(u8.data());  // signed char storage: no sign smear
    CHECK(nerve::load_le32(c) == 0x89ABCDEFu);
    CHECK(nerve::load_le16(c + 7) == 0xFF01u);
}
