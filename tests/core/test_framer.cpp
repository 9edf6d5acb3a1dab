#include "nerve_test.hpp"

#include <vector>

#include "nerve/core/framer.hpp"
#include "nerve/core/snapshot.hpp"

TEST_CASE("framer emits overlapping frames every hop", "[framer]") {
    nerve::framer<8, 2, int> f;
    std::vector<std::vector<int>> frames;
    for (int i = 0; i < 14; ++i)
        f.push(i, [&](std::span<const int, 8> fr) { frames.emplace_back(fr.begin(), fr.end()); });
    REQUIRE(frames.size() == 4);  // ends at 7, 9, 11, 13
    CHECK(frames[0] == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(frames[1] == std::vector<int>{2, 3, 4, 5, 6, 7, 8, 9});
    CHECK(frames[3] == std::vector<int>{6, 7, 8, 9, 10, 11, 12, 13});
}

TEST_CASE("framer with hop == N and hop > N", "[framer]") {
    nerve::framer<3, 3, int> a;
    nerve::framer<3, 5, int> b;
    std::array<int, 8> firsts_a{}, firsts_b{};
    std::size_t na = 0, nb = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 15; ++i) {
        a.push(i, [&](auto fr) { firsts_a[na++] = fr[0]; });
        b.push(i, [&](auto fr) { firsts_b[nb++] = fr[0]; });
    });
    REQUIRE(na == 5);
    REQUIRE(nb == 3);
    CHECK(firsts_a == std::array<int, 8>{0, 3, 6, 9, 12, 0, 0, 0});
    CHECK(firsts_b == std::array<int, 8>{0, 5, 10, 0, 0, 0, 0, 0});  // 3,4 and 8,9 skipped
}

TEST_CASE("framer snapshot refuses an impossible fill index", "[framer][snapshot]") {
    nerve::framer<4, 2, float> f, g;
    for (int i = 0; i < 5; ++i) f.push(static_cast<float>(i), [](auto) {});
    std::array<std::byte, 128> buf{};
    auto n = nerve::snapshot(f, buf);
    REQUIRE(n.ok());
    REQUIRE(nerve::restore(g, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK(g.buffered() == f.buffered());
}
