// tests/hostile_snapshot.hpp — restores of snapshots whose payload words were made hostile.
//
// The contract (DESIGN.md section 1, core/snapshot.hpp): hostile or corrupted bytes never lead
// to an out-of-bounds access or a poisoned operator, and a refused snapshot is never
// half-applied. check_hostile_snapshots() tests both for any operator: it runs one for a while,
// snapshots it and, for each 4-byte word of the payload in turn, writes each of the
// hostile_word_value()s into it, recomputes the CRC (so that only the operator's own checks
// stand between the bytes and its state) and restores into a fresh operator. Then:
//   - refused: on the next inputs it emits what a fresh operator emits;
//   - accepted or refused: the next inputs run through it (under host-asan, Debug with ASan and
//     UBSan, any out-of-bounds access fails the test);
//   - accepted: its state afterwards is still one it accepts (a snapshot of it restores), at the
//     latest after the same inputs once more (a transient overflow may still be draining).
// A legitimate snapshot, of a fresh operator and of the warmed-up one, must restore and continue
// exactly as the original.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "nerve/core/crc32.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve_test.hpp"

namespace nerve::test {

/// Every hostile_word_stride-th payload word is made hostile (all of them on hosts). The
/// Cortex-M4 runs under qemu, ~50x slower than the host: there every 8th word, starting at a
/// different word in each block of 8 (word k is tried when k % 8 == (k / 8) % 8), so the ring
/// indices and counts, which sit apart, are all reached across the snapshot's blocks while the
/// test stays within a few minutes. aarch64 runs under qemu-user, ~6x slower than the host (88 s
/// for every word): every 4th word there, the same way. The checks are the same C++ on every
/// target, and the host builds (host-asan among them) try every word.
#if defined(__arm__) && !defined(__aarch64__)
inline constexpr std::size_t hostile_word_stride = 8;
#elif defined(__aarch64__)
inline constexpr std::size_t hostile_word_stride = 4;
#else
inline constexpr std::size_t hostile_word_stride = 1;
#endif

/// The values written into a word: all ones (-1, a NaN), the sign bit (INT_MIN, -0.0f), INT_MAX
/// (a NaN), and the word one and 37 further on (a ring index one past its storage, a count one
/// past its bound or past a block of 32).
inline std::uint32_t hostile_word_value(std::uint32_t original, std::size_t which) noexcept {
    switch (which) {
        case 0: return 0xFFFFFFFFu;
        case 1: return 0x80000000u;
        case 2: return 0x7FFFFFFFu;
        case 3: return original + 1u;
        default: return original + 37u;
    }
}
inline constexpr std::size_t hostile_word_values = 5;

/// A digest of what an operator emitted (FNV-1a over the values added), to compare runs.
struct output_digest {
    std::uint64_t h = 14695981039346656037ull;
    void add(double x) noexcept {
        std::uint64_t u;
        std::memcpy(&u, &x, sizeof u);
        for (int i = 0; i < 8; ++i) h = (h ^ ((u >> (8 * i)) & 0xFFu)) * 1099511628211ull;
    }
};

/// Counts of what happened, for the test's INFO and for checking that both paths were taken.
struct hostile_snapshot_tally {
    std::size_t tried = 0, accepted = 0, refused = 0;
    std::size_t transient = 0;  // accepted, and refused again only after the first run
    std::size_t failures = 0;   // only the first is reported in detail
};

/// `make()` returns a std::unique_ptr to a freshly constructed operator; `run(op, phase)` pushes
/// the inputs of `phase` (0: the warm-up, 1: the run after each restore; the same inputs every
/// time it is called with the same phase) through it and returns an output_digest of what it
/// emitted. Returns the tally.
template <class Make, class Run>
hostile_snapshot_tally check_hostile_snapshots(Make make, Run run) {
    hostile_snapshot_tally tally;
    auto a = make();
    const std::size_t size = nerve::snapshot_size(*a);
    // The good snapshot, the hostile copy and two to compare: on the heap (the test's operators
    // are too), which on the Cortex-M4 is the 16 MB PSRAM, not the 4 MB of static RAM.
    const auto buffers = std::make_unique<std::byte[]>(4 * size);
    std::byte* const good = buffers.get();
    std::byte* const bad = good + size;
    std::byte* const state_a = bad + size;
    std::byte* const state_b = state_a + size;
    auto snap = [&](const auto& op, std::byte* out) {
        const auto n = nerve::snapshot(op, std::span<std::byte>(out, size));
        REQUIRE(n.ok());
        REQUIRE(n.value() == size);
    };
    auto same_state = [&](const auto& x, const auto& y) {
        snap(x, state_a);
        snap(y, state_b);
        return std::memcmp(state_a, state_b, size) == 0;
    };

    // The reference run: what a fresh operator emits in phase 1, for the refused restores.
    const std::uint64_t fresh = run(*make(), 1).h;

    // Legitimate snapshots restore: the fresh state and the warmed-up one, each then continuing
    // exactly as the original.
    for (int stage = 0; stage < 2; ++stage) {
        if (stage == 1) run(*a, 0);
        snap(*a, good);
        auto b = make();
        const auto r = nerve::restore(*b, std::span<const std::byte>(good, size));
        INFO("legitimate snapshot, stage " << stage << ": " << r.message());
        REQUIRE(r.ok());
        REQUIRE(same_state(*a, *b));
        auto c = make();
        REQUIRE(nerve::restore(*c, std::span<const std::byte>(good, size)).ok());
        const auto db = run(*b, 1).h, dc = run(*c, 1).h;
        REQUIRE(db == dc);
        REQUIRE(same_state(*b, *c));
    }

    // Hostile words: `good` holds the warmed-up snapshot.
    auto b = make();
    const std::size_t body = size - nerve::snapshot_trailer_bytes;
    const std::size_t words = (body - nerve::snapshot_header_bytes) / 4;
    for (std::size_t k = 0; k < words; ++k) {
        if (k % hostile_word_stride != (k / hostile_word_stride) % hostile_word_stride) continue;
        const std::size_t at = nerve::snapshot_header_bytes + 4 * k;
        std::uint32_t original = 0;
        for (int i = 0; i < 4; ++i) original |= static_cast<std::uint32_t>(good[at + i]) << (8 * i);
        for (std::size_t v = 0; v < hostile_word_values; ++v) {
            const std::uint32_t w = hostile_word_value(original, v);
            if (w == original) continue;
            std::memcpy(bad, good, size);
            for (int i = 0; i < 4; ++i) bad[at + i] = std::byte{static_cast<unsigned char>(w >> (8 * i))};
            const std::uint32_t crc = nerve::crc32(std::span<const std::byte>(bad, body));
            for (int i = 0; i < 4; ++i) bad[body + i] = std::byte{static_cast<unsigned char>(crc >> (8 * i))};
            b->reset();
            const bool accepted = nerve::restore(*b, std::span<const std::byte>(bad, size)).ok();
            ++tally.tried;
            const std::uint64_t emitted = run(*b, 1).h;
            if (accepted) {
                ++tally.accepted;
                // Still a state the operator accepts after running on (nothing stays impossible).
                snap(*b, state_a);
                bool again = nerve::restore(*b, std::span<const std::byte>(state_a, size)).ok();
                if (!again) {
                    // Not yet: an extreme but accepted value can overflow a running sum for a
                    // while (Inf until its window restarts it); it must not stay so.
                    ++tally.transient;
                    (void)run(*b, 1);
                    snap(*b, state_a);
                    again = nerve::restore(*b, std::span<const std::byte>(state_a, size)).ok();
                }
                if (!again && tally.failures++ == 0) {
                    INFO("payload word " << k << " (byte " << at << ") = 0x" << std::hex << w
                                         << ": accepted, but the state after running on is refused");
                    CHECK(again);
                }
            } else {
                ++tally.refused;
                // Refused: the operator was untouched or reset, so it ran as a fresh one.
                if (emitted != fresh && tally.failures++ == 0) {
                    INFO("payload word " << k << " (byte " << at << ") = 0x" << std::hex << w
                                         << ": refused, but the operator did not emit what a fresh one does");
                    CHECK(false);
                }
            }
        }
    }
    INFO(tally.failures << " of " << tally.tried << " hostile snapshots misbehaved");
    CHECK(tally.failures == 0);
    REQUIRE(tally.tried > 0);
    return tally;
}

}  // namespace nerve::test
