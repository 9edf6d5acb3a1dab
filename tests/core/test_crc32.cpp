#include "nerve_test.hpp"

#include <cstring>

#include "nerve/core/crc32.hpp"

TEST_CASE("crc32 matches the IEEE check value", "[crc32]") {
    const char* text = "123456789";
    const auto* p = reinterpret_cast<const std::byte*>(text);
    CHECK(nerve::crc32(std::span<const std::byte>(p, 9)) == 0xCBF43926u);
    // Incremental use gives the same answer.
    const auto part = nerve::crc32(std::span<const std::byte>(p, 4));
    CHECK(nerve::crc32(std::span<const std::byte>(p + 4, 5), part) == 0xCBF43926u);
    CHECK(nerve::crc32(std::span<const std::byte>()) == 0u);
}
