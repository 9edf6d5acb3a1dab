// tests/core/test_smoke.cpp — proves the test harness itself on every target:
// Catch2 runs, q15 saturates, and the allocation guard sees allocations.
#include "nerve_test.hpp"

#include "nerve/core/fixed_point.hpp"

#include <cstdlib>
#include <memory>

TEST_CASE("smoke: the harness runs and q15 saturates", "[smoke]") {
    const auto big = nerve::q15::from_float(0.75);
    CHECK((big + big) == nerve::q15::max());
    CHECK((-big - big) == nerve::q15::min());
    CHECK((nerve::q15::min() * nerve::q15::min()) == nerve::q15::max());
    CHECK(nerve::q15::from_float(2.0) == nerve::q15::max());
}

TEST_CASE("smoke: the allocation guard counts operator new and malloc", "[smoke]") {
    const std::size_t before = nerve::test::allocation_count();
    auto p = std::make_unique<int>(42);
    CHECK(*p == 42);
    CHECK(nerve::test::allocation_count() == before + 1);

    if (nerve::test::malloc_is_counted()) {
        const std::size_t before_malloc = nerve::test::allocation_count();
        void* volatile m = std::malloc(16);
        CHECK(nerve::test::allocation_count() == before_malloc + 1);
        std::free(m);
    }

    int sum = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 100; ++i) sum += i);
    CHECK(sum == 4950);
}
