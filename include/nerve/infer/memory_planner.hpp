// nerve/infer/memory_planner.hpp — where each activation tensor lives in one arena, computed
// exactly from tensor lifetimes (no guessing the arena size).
//
// A model runs its ops in a fixed order; a tensor is live from the step that writes it (or the
// start, for a model input) to the last step that reads it (or the end, for a model output).
// Two tensors may share bytes when their lives do not overlap. The planner is greedy by size:
// the largest tensor first, each placed at the lowest aligned offset that does not collide with
// an already placed tensor whose life overlaps. The arena it needs is the largest end offset.
//
// The lower bound no plan can beat is the largest sum of the sizes of the tensors live at one
// step. The greedy plan usually meets it for chains (hello_world: 32 of 32 bytes) and stays
// within a few alignment paddings for branching models; `plan.arena_bytes - plan.lower_bound`
// is reported so that the gap is visible, never hidden.
//
// No allocation: the caller provides the offsets array and one scratch index array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "../core/result.hpp"

namespace nerve::infer {

/// One buffer to place: `size` bytes live over op steps [first, last] (inclusive). A size of 0
/// is ignored (gets offset 0 and takes no space).
struct buffer_request {
    std::uint32_t size = 0;
    std::int32_t first = 0;
    std::int32_t last = 0;
};

struct memory_plan {
    std::size_t arena_bytes = 0;  ///< bytes the planned buffers need (the highest end offset)
    std::size_t lower_bound = 0;  ///< max over steps of the live bytes (unaligned)
};

namespace detail {
constexpr std::uint64_t align_up(std::uint64_t v, std::uint64_t a) noexcept { return (v + a - 1) / a * a; }
constexpr bool lives_overlap(const buffer_request& a, const buffer_request& b) noexcept {
    return a.first <= b.last && b.first <= a.last;
}
}  // namespace detail

/// Places every request; writes offsets[i] for request i. `scratch` holds at least
/// requests.size() entries. `alignment` is a power of two (16 suits every SIMD load).
/// Errors: invalid_argument (spans too short, a request with last < first, bad alignment),
/// out_of_range (the arena would exceed 2^32 bytes).
/// Time O(n^3) in the worst case for n requests (n is the tensor count, a few hundred at most).
constexpr result<memory_plan> plan_memory(std::span<const buffer_request> requests, std::span<std::uint32_t> offsets,
                                          std::span<std::uint32_t> scratch, std::uint32_t alignment = 16) noexcept {
    const std::size_t n = requests.size();
    if (offsets.size() < n || scratch.size() < n)
        return {errc::invalid_argument, "memory planner: offsets or scratch shorter than the requests"};
    if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        return {errc::invalid_argument, "memory planner: alignment is not a power of two"};
    for (std::size_t i = 0; i < n; ++i)
        if (requests[i].size != 0 && requests[i].last < requests[i].first)
            return {errc::invalid_argument, "memory planner: a buffer's last use precedes its first"};

    // Order: size descending, then earlier first use, then index (a stable, deterministic order).
    std::size_t m = 0;
    for (std::size_t i = 0; i < n; ++i) {
        offsets[i] = 0;
        if (requests[i].size != 0) scratch[m++] = static_cast<std::uint32_t>(i);
    }
    auto before = [&](std::uint32_t a, std::uint32_t b) {
        const buffer_request& x = requests[a];
        const buffer_request& y = requests[b];
        if (x.size != y.size) return x.size > y.size;
        if (x.first != y.first) return x.first < y.first;
        return a < b;
    };
    for (std::size_t i = 1; i < m; ++i) {  // insertion sort: no allocation, n is small
        const std::uint32_t v = scratch[i];
        std::size_t j = i;
        for (; j > 0 && before(v, scratch[j - 1]); --j) scratch[j] = scratch[j - 1];
        scratch[j] = v;
    }

    memory_plan plan;
    for (std::size_t k = 0; k < m; ++k) {
        const std::uint32_t i = scratch[k];
        const buffer_request& r = requests[i];
        std::uint64_t at = 0;
        // Move past every placed, time-overlapping buffer that collides; `at` only grows, and
        // no offset between the old and the new value fits, so this ends at the lowest fit.
        for (bool moved = true; moved;) {
            moved = false;
            for (std::size_t q = 0; q < k; ++q) {
                const std::uint32_t j = scratch[q];
                if (!detail::lives_overlap(r, requests[j])) continue;
                const std::uint64_t lo = offsets[j], hi = lo + requests[j].size;
                if (at < hi && lo < at + r.size) {
                    at = detail::align_up(hi, alignment);
                    moved = true;
                }
            }
        }
        if (at + r.size > 0xffffffffull) return {errc::out_of_range, "memory planner: arena above 4 GiB"};
        offsets[i] = static_cast<std::uint32_t>(at);
        if (at + r.size > plan.arena_bytes) plan.arena_bytes = static_cast<std::size_t>(at + r.size);
    }

    // Lower bound: the live bytes can only change at a first use, so checking those steps suffices.
    for (std::size_t k = 0; k < m; ++k) {
        const std::int32_t step = requests[scratch[k]].first;
        std::size_t live = 0;
        for (std::size_t q = 0; q < m; ++q) {
            const buffer_request& r = requests[scratch[q]];
            if (r.first <= step && step <= r.last) live += r.size;
        }
        if (live > plan.lower_bound) plan.lower_bound = live;
    }
    return plan;
}

/// Checks that no two time-overlapping buffers of a plan share a byte (used by the tests and
/// available to anyone who builds a plan by other means).
constexpr bool plan_is_valid(std::span<const buffer_request> requests, std::span<const std::uint32_t> offsets,
                             std::size_t arena_bytes) noexcept {
    for (std::size_t i = 0; i < requests.size(); ++i) {
        if (requests[i].size == 0) continue;
        if (std::uint64_t(offsets[i]) + requests[i].size > arena_bytes) return false;
        for (std::size_t j = i + 1; j < requests.size(); ++j) {
            if (requests[j].size == 0 || !detail::lives_overlap(requests[i], requests[j])) continue;
            const std::uint64_t a0 = offsets[i], a1 = a0 + requests[i].size;
            const std::uint64_t b0 = offsets[j], b1 = b0 + requests[j].size;
            if (a0 < b1 && b0 < a1) return false;
        }
    }
    return true;
}

}  // namespace nerve::infer
