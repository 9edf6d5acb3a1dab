// nerve/core/keyed.hpp — one operator state per device, in a fixed table: a gateway's streams.
//
// A gateway hears from thousands of meters or machines in no particular order, each reading
// tagged with who sent it. `keyed<Op, Capacity, Key>` keeps one copy of `Op` per key (device
// id, SenML name) and routes every `{key, value}` to its own copy: a device seen for the first
// time gets a fresh copy of the prototype; when all `Capacity` slots are taken, the device heard
// from least recently gives up its slot (when_full::evict_least_recent) or the newcomer is
// refused and counted (when_full::refuse). Nothing allocates after construction: the table is
// `Capacity` slots and an index of at least twice as many buckets, so `sizeof` is its RAM.
//
// Lookup is open addressing with linear probing over a seeded 64-bit hash (at most half the
// buckets are ever full, so an unknown key stops at an empty bucket within a few probes on
// average); removal shifts the following entries back instead of leaving tombstones, so a long
// run of evictions never slows lookups down. Recency is a doubly linked list through the slots.
// Slots stay dense ([0, size())): an erased slot is refilled with the last one.
//
// Keys are integers (a device number) or `short_name<N>` (a name of at most N characters,
// compared in full, so names that hash alike still get a state each). A hostile
// sender choosing names that collide under the hash can lengthen probes up to the bucket count
// but never beyond, and never makes two keys share a state. A per-table `hash_seed` keeps names
// that crowd one table from crowding another; the hash is fast, not a cryptographic defence.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#include "numeric.hpp"
#include "operator.hpp"
#include "result.hpp"

namespace nerve {

/// The 128-bit product of a and b folded to 64 bits (high ^ low): one multiply that mixes two
/// words, where targets have it; 32-bit targets fold the 64-bit product instead.
constexpr std::uint64_t folded_product(std::uint64_t a, std::uint64_t b) noexcept {
#if defined(__SIZEOF_INT128__)
    __extension__ using u128 = unsigned __int128;
    const u128 p = static_cast<u128>(a) * b;
    return static_cast<std::uint64_t>(p) ^ static_cast<std::uint64_t>(p >> 64);
#else
    const std::uint64_t p = a * (b | 1);
    return p ^ (p >> 32);
#endif
}

/// A key of at most N characters, held by value (no pointer into a buffer that changes). The
/// characters past the name are always zero (a restored name with others is refused), so equal
/// names are equal arrays: comparing and hashing run over whole words, not byte by byte.
template <std::size_t N>
class short_name {
    static_assert(N > 0 && N <= 255, "nerve::short_name holds 1 to 255 characters");
    static constexpr std::size_t storage = (N + 15) / 16 * 16;  // whole 16-byte blocks for the hash

public:
    static constexpr std::size_t max_size = N;

    constexpr short_name() = default;

    /// The name `s`, or errc::out_of_range when it is longer than N characters.
    static constexpr result<short_name> from(std::string_view s) noexcept {
        if (s.size() > N) return {errc::out_of_range, "short_name: name longer than the key holds"};
        short_name k;
        for (std::size_t i = 0; i < s.size(); ++i) k.chars_[i] = s[i];
        k.size_ = static_cast<std::uint8_t>(s.size());
        return k;
    }

    constexpr std::string_view view() const noexcept { return {chars_.data(), size_}; }
    constexpr std::size_t size() const noexcept { return size_; }

    friend constexpr bool operator==(const short_name& a, const short_name& b) noexcept {
        return a.size_ == b.size_ && a.chars_ == b.chars_;
    }

    /// 16 bytes per multiply (a byte at a time, FNV-style, one dependent multiply per byte,
    /// routed readings by 30-character names ~1.6x slower), then splitmix64's finaliser.
    constexpr std::uint64_t hash(std::uint64_t seed) const noexcept {
        std::uint64_t h = seed ^ (size_ * 0x9e3779b97f4a7c15ULL);
        for (std::size_t i = 0; i < size_; i += 16)
            h = folded_product(word(i) ^ 0xa0761d6478bd642fULL, word(i + 8) ^ h ^ 0xe7037ed1a0b428dbULL);
        return mix64(h);
    }

    template <class V>
    constexpr void visit_state(V& v) { v(chars_); v(size_); }
    constexpr bool state_is_valid() const noexcept {
        if (size_ > N) return false;
        for (std::size_t i = size_; i < storage; ++i)
            if (chars_[i] != 0) return false;
        return true;
    }

private:
    /// Bytes i..i+7 as a little-endian word (i + 8 <= storage).
    constexpr std::uint64_t word(std::size_t i) const noexcept {
        std::uint64_t w = 0;
        if (std::is_constant_evaluated() || std::endian::native != std::endian::little) {
            for (std::size_t b = 0; b < 8; ++b) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(chars_[i + b])) << (8 * b);
        } else {
            std::memcpy(&w, chars_.data() + i, 8);
        }
        return w;
    }

    std::array<char, storage> chars_{};
    std::uint8_t size_ = 0;
};

/// What `keyed` hashes: integers and short_name. Overload `key_hash(const YourKey&, seed)` in
/// YourKey's namespace for other key types (they also need == and a visit_state or to be
/// arithmetic, for snapshots).
template <class Key>
    requires std::is_integral_v<Key>
constexpr std::uint64_t key_hash(Key k, std::uint64_t seed) noexcept {
    return mix64(static_cast<std::uint64_t>(k) + seed);
}
template <std::size_t N>
constexpr std::uint64_t key_hash(const short_name<N>& k, std::uint64_t seed) noexcept {
    return k.hash(seed);
}

/// A value and the key it belongs to: what `keyed` takes.
template <class Key, class T>
struct keyed_value {
    Key key;
    T value;
};

/// An output of one key's operator, by reference (it lives in the table or the operator).
template <class Key, class T>
struct keyed_ref {
    const Key& key;
    const T& value;
};

enum class when_full : unsigned char {
    evict_least_recent,  ///< the least recently heard key gives its slot to the newcomer (counted)
    refuse,              ///< the newcomer's values are dropped (counted) until a slot is erased
};

template <stream_operator Op, std::size_t Capacity, class Key = std::uint64_t>
class keyed {
    static_assert(Capacity > 0 && Capacity < (std::size_t{1} << 30), "nerve::keyed: Capacity in [1, 2^30)");
    using index = std::uint32_t;
    static constexpr index none = ~index{0};
    // At most half the buckets are full: short probes, and an unknown key always ends at an empty one.
    static constexpr std::size_t buckets = std::bit_ceil(2 * Capacity);

public:
    using input_type = keyed_value<Key, typename Op::input_type>;
    using output_type = keyed_ref<Key, typename Op::output_type>;
    using operator_type = Op;
    using key_type = Key;
    static constexpr std::size_t capacity = Capacity;

    constexpr keyed() = default;
    /// Every new key starts as a copy of `prototype`. Every slot holds one from the start too, so
    /// what an operator keeps besides its visited state (its configuration) is the prototype's
    /// after a restore as well.
    constexpr explicit keyed(const Op& prototype, when_full policy = when_full::evict_least_recent,
                             std::uint64_t hash_seed = 0)
        : prototype_(prototype), policy_(policy), seed_(hash_seed) {
        ops_.fill(prototype);
    }

    /// Routes `x.value` to `x.key`'s operator; its outputs go to `emit` as keyed_ref.
    template <class Emit>
    constexpr void push(const input_type& x, Emit&& emit) {
        push(x.key, x.value, std::forward<Emit>(emit));
    }
    /// The same without building a keyed_value (the key is not copied).
    template <class Emit>
    constexpr void push(const Key& k, const typename Op::input_type& value, Emit&& emit) {
        Op* op = find_or_insert(k);
        if (!op) return;
        const Key& key = slots_[static_cast<std::size_t>(op - ops_.data())].key;
        nerve::push(*op, value, [&](const auto& y) { emit(output_type{key, y}); });
    }

    /// `key`'s operator, or null. Does not count as hearing from the key.
    constexpr Op* find(const Key& key) noexcept {
        const index s = lookup(key);
        return s == none ? nullptr : &ops_[s];
    }
    constexpr const Op* find(const Key& key) const noexcept {
        const index s = lookup(key);
        return s == none ? nullptr : &ops_[s];
    }

    /// `key`'s operator, made from the prototype if the key is new (evicting or refusing as
    /// the policy says when the table is full: null when refused). Marks the key most recent.
    constexpr Op* find_or_insert(const Key& key) {
        const std::size_t h = home(key);
        std::size_t b = h;
        for (; buckets_[b] != 0; b = (b + 1) & (buckets - 1)) {
            const index s = buckets_[b] - 1;
            if (slots_[s].key == key) {
                touch(s);
                return &ops_[s];
            }
        }
        index s;
        if (size_ < Capacity) {
            s = static_cast<index>(size_++);
        } else if (policy_ == when_full::refuse) {
            ++refused_;
            return nullptr;
        } else {
            s = tail_;
            unlink_bucket(bucket_of(s));
            unlink(s);
            ++evicted_;
            // The shift may have moved entries into the probe path: find the empty bucket again.
            for (b = h; buckets_[b] != 0; b = (b + 1) & (buckets - 1)) {}
        }
        slots_[s].key = key;
        ops_[s] = prototype_;
        buckets_[b] = s + 1;
        push_front(s);
        return &ops_[s];
    }

    /// Puts `state` (e.g. restored from a device's own snapshot) under `key`, replacing what was
    /// there; null when the table is full and refuses newcomers.
    constexpr Op* insert_or_assign(const Key& key, const Op& state) {
        Op* op = find_or_insert(key);
        if (op) *op = state;
        return op;
    }

    /// Forgets `key`; false when it was not there.
    constexpr bool erase(const Key& key) noexcept {
        const index s = lookup(key);
        if (s == none) return false;
        unlink_bucket(bucket_of(s));
        unlink(s);
        const index last = static_cast<index>(size_ - 1);
        if (s != last) move_slot(last, s);
        --size_;
        return true;
    }

    /// Calls f(key, op) for every key, most recently heard first.
    template <class F>
    constexpr void for_each(F&& f) {
        for (index s = head_; s != none; s = slots_[s].next) f(std::as_const(slots_[s].key), ops_[s]);
    }
    template <class F>
    constexpr void for_each(F&& f) const {
        for (index s = head_; s != none; s = slots_[s].next) f(slots_[s].key, ops_[s]);
    }

    /// Calls f(key, op) for keys from the least recently heard on, while f returns true: a sweep
    /// for streams gone quiet stops at the first that is not, so it costs the quiet ones, not
    /// the table.
    template <class F>
    constexpr void for_each_least_recent_while(F&& f) {
        for (index s = tail_; s != none; s = slots_[s].prev)
            if (!f(std::as_const(slots_[s].key), ops_[s])) return;
    }

    /// The key heard from least recently (the next to be evicted), or null when empty.
    constexpr const Key* least_recent() const noexcept { return tail_ == none ? nullptr : &slots_[tail_].key; }

    constexpr std::size_t size() const noexcept { return size_; }
    constexpr bool empty() const noexcept { return size_ == 0; }
    /// Keys that lost their slot to a newcomer since construction or reset().
    constexpr std::uint64_t evicted() const noexcept { return evicted_; }
    /// Values dropped because the table was full under when_full::refuse.
    constexpr std::uint64_t refused() const noexcept { return refused_; }
    constexpr const Op& prototype() const noexcept { return prototype_; }

    /// Forgets every key and zeroes the counters.
    constexpr void reset() {
        buckets_.fill(0);
        size_ = 0;
        head_ = tail_ = none;
        evicted_ = refused_ = 0;
    }

    template <class V>
    constexpr void visit_state(V& v) {
        for (auto& s : slots_) { v(s.key); v(s.prev); v(s.next); }
        v(ops_); v(buckets_); v(size_); v(head_); v(tail_); v(evicted_); v(refused_);
    }

    /// A restored table must be one this class could have built: the recency list a simple path
    /// through exactly the used slots, and every used key found by a lookup at its own slot
    /// through exactly `size()` full buckets. Costs a lookup per key.
    constexpr bool state_is_valid() const noexcept {
        if (size_ > Capacity) return false;
        if (size_ == 0) return head_ == none && tail_ == none && count_full_buckets() == 0;
        std::size_t steps = 0;
        index prev = none;
        for (index s = head_; s != none; prev = s, s = slots_[s].next) {
            if (s >= size_ || slots_[s].prev != prev || ++steps > size_) return false;
        }
        if (steps != size_ || prev != tail_) return false;
        for (auto b : buckets_)
            if (b > size_) return false;
        if (count_full_buckets() != size_) return false;
        for (std::size_t s = 0; s < size_; ++s) {
            if constexpr (requires(const Key& k) { k.state_is_valid(); })
                if (!slots_[s].key.state_is_valid()) return false;
            if (lookup(slots_[s].key) != s) return false;
        }
        return true;
    }

private:
    struct slot {
        Key key{};
        index prev = none;
        index next = none;
    };

    constexpr std::size_t home(const Key& key) const noexcept {
        return static_cast<std::size_t>(key_hash(key, seed_)) & (buckets - 1);
    }

    constexpr index lookup(const Key& key) const noexcept {
        for (std::size_t b = home(key), probes = 0; buckets_[b] != 0 && probes < buckets;
             b = (b + 1) & (buckets - 1), ++probes) {
            const index s = buckets_[b] - 1;
            if (s < size_ && slots_[s].key == key) return s;
        }
        return none;
    }

    /// The bucket holding slot s (which is in the table).
    constexpr std::size_t bucket_of(index s) const noexcept {
        std::size_t b = home(slots_[s].key);
        while (buckets_[b] != s + 1) b = (b + 1) & (buckets - 1);
        return b;
    }

    /// Empties bucket b and shifts later entries of its run back, so no probe path breaks.
    constexpr void unlink_bucket(std::size_t b) noexcept {
        buckets_[b] = 0;
        for (std::size_t j = (b + 1) & (buckets - 1); buckets_[j] != 0; j = (j + 1) & (buckets - 1)) {
            const std::size_t h = home(slots_[buckets_[j] - 1].key);
            // The entry at j may move to the hole at b unless its home lies cyclically in (b, j].
            const bool home_after_hole = b <= j ? (b < h && h <= j) : (b < h || h <= j);
            if (home_after_hole) continue;
            buckets_[b] = buckets_[j];
            buckets_[j] = 0;
            b = j;
        }
    }

    constexpr void unlink(index s) noexcept {
        const index p = slots_[s].prev, n = slots_[s].next;
        (p == none ? head_ : slots_[p].next) = n;
        (n == none ? tail_ : slots_[n].prev) = p;
        slots_[s].prev = slots_[s].next = none;
    }

    constexpr void push_front(index s) noexcept {
        slots_[s].prev = none;
        slots_[s].next = head_;
        (head_ == none ? tail_ : slots_[head_].prev) = s;
        head_ = s;
    }

    constexpr void touch(index s) noexcept {
        if (head_ == s) return;
        unlink(s);
        push_front(s);
    }

    /// Moves the used slot `from` into the free slot `to`, keeping its bucket and list place.
    constexpr void move_slot(index from, index to) {
        const std::size_t b = bucket_of(from);
        slots_[to] = slots_[from];
        ops_[to] = std::move(ops_[from]);
        buckets_[b] = to + 1;
        const index p = slots_[to].prev, n = slots_[to].next;
        (p == none ? head_ : slots_[p].next) = to;
        (n == none ? tail_ : slots_[n].prev) = to;
    }

    constexpr std::size_t count_full_buckets() const noexcept {
        std::size_t n = 0;
        for (auto b : buckets_) n += b != 0;
        return n;
    }

    std::array<slot, Capacity> slots_{};
    std::array<Op, Capacity> ops_{};
    std::array<index, buckets> buckets_{};  // slot + 1; 0 is empty
    std::size_t size_ = 0;
    index head_ = none;  // most recently heard
    index tail_ = none;  // least recently heard
    std::uint64_t evicted_ = 0;
    std::uint64_t refused_ = 0;
    Op prototype_{};
    when_full policy_ = when_full::evict_least_recent;
    std::uint64_t seed_ = 0;
};

}  // namespace nerve
