#include "nerve_test.hpp"

#include "nerve/core/ring_buffer.hpp"

TEST_CASE("ring_buffer keeps the last N values in order", "[ring_buffer]") {
    nerve::ring_buffer<int, 3> r;
    CHECK(r.empty());
    CHECK_FALSE(r.push(1));
    CHECK_FALSE(r.push(2));
    CHECK_FALSE(r.push(3));
    CHECK(r.full());
    CHECK(r.push(4));  // dropped 1
    CHECK(r[0] == 2);
    CHECK(r[2] == 4);
    CHECK(r.front() == 2);
    CHECK(r.back() == 4);
    CHECK(r.pop() == 2);
    CHECK(r.size() == 2);
    CHECK(r.front() == 3);
    r.push(5);
    r.push(6);
    CHECK(r[0] == 4);
    CHECK(r[2] == 6);
    r.clear();
    CHECK(r.empty());
    CHECK(r.state_is_valid());
}

TEST_CASE("ring_buffer never allocates", "[ring_buffer]") {
    nerve::ring_buffer<double, 100> r;
    double s = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 1000; ++i) { r.push(i); s += r.front(); });
    CHECK(r.front() == 900.0);
    CHECK(s > 0);
}
