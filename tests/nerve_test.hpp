// tests/nerve_test.hpp — what every nerve test includes: Catch2 and the allocation guard.
//
// The test main (catch_main.cpp) replaces the global allocation functions and counts
// every call. NERVE_REQUIRE_NO_ALLOC(stmt) runs `stmt` and fails the test if anything in
// it allocated, which is how "steady-state push never allocates" is enforced.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>

namespace nerve::test {
/// Number of heap allocations (operator new, malloc, calloc, realloc) since start-up.
std::size_t allocation_count() noexcept;
/// True when the allocation counter is wired to malloc as well as operator new
/// (false under sanitizers, which own malloc themselves).
bool malloc_is_counted() noexcept;
}  // namespace nerve::test

/// Runs `stmt` and requires that it performed no heap allocation.
#define NERVE_REQUIRE_NO_ALLOC(...)                                                   \
    do {                                                                              \
        const std::size_t nerve_allocs_before_ = ::nerve::test::allocation_count();  \
        __VA_ARGS__;                                                                  \
        const std::size_t nerve_allocs_ = ::nerve::test::allocation_count() - nerve_allocs_before_; \
        INFO("heap allocations during: " #__VA_ARGS__);                               \
        REQUIRE(nerve_allocs_ == 0u);                                                 \
    } while (0)
