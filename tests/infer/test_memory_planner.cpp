#include "nerve_test.hpp"

#include <cstdint>
#include <random>
#include <vector>

#include "nerve/infer/memory_planner.hpp"

using nerve::infer::buffer_request;

TEST_CASE("memory planner: a chain reuses memory and meets the lower bound", "[memory_planner]") {
    // hello_world's activations: input 1 B (step 0), two 16 B hidden layers, output 1 B.
    const buffer_request req[] = {{1, 0, 0}, {16, 0, 1}, {16, 1, 2}, {1, 2, 2}};
    std::uint32_t off[4], scratch[4];
    auto r = nerve::infer::plan_memory(req, off, scratch);
    REQUIRE(r.ok());
    CHECK(r.value().lower_bound == 32u);
    CHECK(r.value().arena_bytes == 32u);
    CHECK(nerve::infer::plan_is_valid(req, off, r.value().arena_bytes));
    CHECK(off[1] != off[2]);
}

TEST_CASE("memory planner: alignment, unused buffers and errors", "[memory_planner]") {
    const buffer_request req[] = {{10, 0, 1}, {0, 0, 5}, {10, 1, 2}, {7, 2, 3}};
    std::uint32_t off[4], scratch[4];
    auto r = nerve::infer::plan_memory(req, off, scratch, 16);
    REQUIRE(r.ok());
    CHECK(off[0] % 16 == 0);
    CHECK(off[2] % 16 == 0);
    CHECK(off[3] % 16 == 0);
    CHECK(r.value().lower_bound == 20u);
    CHECK(r.value().arena_bytes == 26u);  // 10 at 0, 10 at 16; the 7 fits at 0 again (step 2..3)
    CHECK(nerve::infer::plan_is_valid(req, off, r.value().arena_bytes));
    std::uint32_t small[2];
    CHECK(nerve::infer::plan_memory(req, small, scratch).code() == nerve::errc::invalid_argument);
    CHECK(nerve::infer::plan_memory(req, off, scratch, 12).code() == nerve::errc::invalid_argument);
    const buffer_request bad[] = {{4, 3, 1}};
    CHECK(nerve::infer::plan_memory(bad, off, scratch).code() == nerve::errc::invalid_argument);
}

TEST_CASE("memory planner: random graphs give valid plans between the bound and the sum", "[memory_planner]") {
    std::mt19937 rng(7);
    for (int round = 0; round < 200; ++round) {
        const std::size_t n = 1 + rng() % 40;
        std::vector<buffer_request> req(n);
        std::size_t total = 0;
        for (auto& q : req) {
            q.first = static_cast<std::int32_t>(rng() % 20);
            q.last = q.first + static_cast<std::int32_t>(rng() % 6);
            q.size = 1 + rng() % 3000;
            total += q.size + 15;
        }
        std::vector<std::uint32_t> off(n), scratch(n);
        nerve::result<nerve::infer::memory_plan> r{nerve::errc::invalid_state, ""};
        NERVE_REQUIRE_NO_ALLOC(r = nerve::infer::plan_memory(req, off, scratch, 16));
        REQUIRE(r.ok());
        CHECK(nerve::infer::plan_is_valid(req, off, r.value().arena_bytes));
        CHECK(r.value().arena_bytes >= r.value().lower_bound);
        CHECK(r.value().arena_bytes <= total);
        // The bound is exact: some step really has that many live bytes.
        std::size_t best = 0;
        for (std::int32_t s = 0; s < 26; ++s) {
            std::size_t live = 0;
            for (const auto& q : req) live += (q.first <= s && s <= q.last) ? q.size : 0;
            best = live > best ? live : best;
        }
        CHECK(r.value().lower_bound == best);
    }
}
