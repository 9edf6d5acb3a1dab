#include "nerve_test.hpp"

#include <cstdint>

#include "nerve/infer/reshape.hpp"

using namespace nerve::infer;

TEST_CASE("reshape keeps the bytes and checks the element count", "[reshape]") {
    std::int8_t a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {};
    reshape(a, 6, b);
    for (int i = 0; i < 6; ++i) CHECK(b[i] == a[i]);
    reshape(a, 6, a);  // aliasing is a no-op
    CHECK(a[5] == 6);
    const int ok[] = {2, 3}, bad[] = {4, 2}, zero[] = {0, 6};
    CHECK(reshape_valid(ok, 2, 6));
    CHECK_FALSE(reshape_valid(bad, 2, 6));
    CHECK_FALSE(reshape_valid(zero, 2, 6));
    const int huge[] = {1 << 20, 1 << 20, 1 << 20};
    CHECK_FALSE(reshape_valid(huge, 3, 6));
}
