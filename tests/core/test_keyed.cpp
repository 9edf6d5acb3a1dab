#include "nerve_test.hpp"

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <random>
#include <vector>

#include "hostile_snapshot.hpp"
#include "nerve/core/keyed.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/filter/moving_average.hpp"

namespace {

// Remembers everything it was fed, as a sum and a count: two keys' streams never mix unnoticed.
struct tally {
    using input_type = float;
    using output_type = double;
    double sum = 0;
    std::uint32_t n = 0;
    double operator()(float x) {
        sum += x;
        ++n;
        return sum;
    }
    void reset() { *this = {}; }
    template <class V>
    void visit_state(V& v) { v(sum); v(n); }
};

// A key whose hash puts every key into one of three buckets: long runs, so removal's backward
// shift is exercised across wrap-around and mixed homes.
struct crowded_key {
    std::int32_t id = 0;
    friend bool operator==(crowded_key a, crowded_key b) { return a.id == b.id; }
    template <class V>
    void visit_state(V& v) { v(id); }
};
[[maybe_unused]] std::uint64_t key_hash(crowded_key k, std::uint64_t seed) {
    // Homes at the last buckets, so runs wrap round to bucket 0.
    return static_cast<std::uint64_t>(-1 - (k.id % 3)) + seed;
}

// The same table kept with std containers: key -> tally, and the keys most recent first.
template <class Key>
struct reference_table {
    std::size_t capacity;
    bool refuse;
    std::map<int, tally> ops;
    std::list<int> recency;
    std::uint64_t evicted = 0, refused = 0;

    // Returns the output the keyed table must emit, or nothing when refused.
    std::optional<double> push(int key, float x) {
        auto it = ops.find(key);
        if (it == ops.end()) {
            if (ops.size() == capacity) {
                if (refuse) { ++refused; return std::nullopt; }
                ops.erase(recency.back());
                recency.pop_back();
                ++evicted;
            }
            it = ops.emplace(key, tally{}).first;
        } else {
            recency.remove(key);
        }
        recency.push_front(key);
        return it->second(x);
    }
    bool erase(int key) {
        if (!ops.erase(key)) return false;
        recency.remove(key);
        return true;
    }
};

template <class Key>
Key make_key(int k) {
    if constexpr (std::is_integral_v<Key>) return static_cast<Key>(k);
    else if constexpr (std::is_same_v<Key, crowded_key>) return crowded_key{k};
    else return Key::from("dev-" + std::to_string(k)).value();
}
template <class Key>
int key_id(const Key& k) {
    if constexpr (std::is_integral_v<Key>) return static_cast<int>(k);
    else if constexpr (std::is_same_v<Key, crowded_key>) return k.id;
    else return std::stoi(std::string(k.view().substr(4)));
}

// Random pushes and erases over more keys than the table holds, checked step by step against
// the reference: outputs, membership, states, recency order and counters.
template <class Key, std::size_t Capacity>
void check_against_reference(nerve::when_full policy, std::uint64_t seed, int distinct_keys, int steps) {
    using table_t = nerve::keyed<tally, Capacity, Key>;
    auto table = std::make_unique<table_t>(tally{}, policy, seed);
    reference_table<Key> ref{Capacity, policy == nerve::when_full::refuse, {}, {}, 0, 0};
    std::mt19937 rng(static_cast<std::uint32_t>(seed + 7));
    std::uniform_int_distribution<int> pick(0, distinct_keys - 1);
    for (int step = 0; step < steps; ++step) {
        const int k = pick(rng);
        const float x = static_cast<float>(step % 97) - 40.0f;
        if (step % 11 == 10) {
            INFO("erase " << k << " at step " << step);
            REQUIRE(table->erase(make_key<Key>(k)) == ref.erase(k));
        } else {
            const auto want = ref.push(k, x);
            int outputs = 0;
            double got = 0;
            int got_key = -1;
            table->push({make_key<Key>(k), x}, [&](const auto& y) {
                ++outputs;
                got = y.value;
                got_key = key_id<Key>(y.key);
            });
            INFO("push " << k << " at step " << step);
            REQUIRE(outputs == (want ? 1 : 0));
            if (want) {
                REQUIRE(got == *want);
                REQUIRE(got_key == k);
            }
        }
        REQUIRE(table->size() == ref.ops.size());
        REQUIRE(table->evicted() == ref.evicted);
        REQUIRE(table->refused() == ref.refused);
        if (step % 7 == 0) {
            for (int j = 0; j < distinct_keys; ++j) {
                const tally* op = table->find(make_key<Key>(j));
                const auto it = ref.ops.find(j);
                REQUIRE((op != nullptr) == (it != ref.ops.end()));
                if (op) {
                    REQUIRE(op->sum == it->second.sum);
                    REQUIRE(op->n == it->second.n);
                }
            }
            std::vector<int> order;
            table->for_each([&](const Key& key, const tally&) { order.push_back(key_id<Key>(key)); });
            REQUIRE(order == std::vector<int>(ref.recency.begin(), ref.recency.end()));
            // From the least recent, stopping after `stop_after` keys.
            const std::size_t stop_after = static_cast<std::size_t>(step) % (ref.recency.size() + 2);
            std::vector<int> oldest_first;
            table->for_each_least_recent_while([&](const Key& key, tally&) {
                oldest_first.push_back(key_id<Key>(key));
                return oldest_first.size() < stop_after;
            });
            std::vector<int> want_oldest(ref.recency.rbegin(), ref.recency.rend());
            want_oldest.resize(std::min(want_oldest.size(), std::max<std::size_t>(stop_after, 1)));
            REQUIRE(oldest_first == want_oldest);
            if (!ref.recency.empty()) REQUIRE(key_id<Key>(*table->least_recent()) == ref.recency.back());
            REQUIRE(table->state_is_valid());
        }
    }
}

}  // namespace

TEST_CASE("keyed routes each key's values to its own operator", "[keyed]") {
    nerve::keyed<nerve::filter::moving_average<float, 2>, 4, std::uint32_t> table;
    std::vector<std::pair<std::uint32_t, float>> out;
    auto emit = [&](const auto& y) { out.emplace_back(y.key, y.value); };
    table.push({7, 1.0f}, emit);
    table.push({9, 10.0f}, emit);
    table.push({7, 3.0f}, emit);
    table.push(9, 30.0f, emit);  // the same without a keyed_value
    REQUIRE(out.size() == 4);
    CHECK(out[0] == std::pair<std::uint32_t, float>{7, 1.0f});  // a fresh average of one sample
    CHECK(out[1] == std::pair<std::uint32_t, float>{9, 10.0f});
    CHECK(out[2] == std::pair<std::uint32_t, float>{7, 2.0f});
    CHECK(out[3] == std::pair<std::uint32_t, float>{9, 20.0f});
    CHECK(table.size() == 2);
    CHECK(table.find(8) == nullptr);
}

TEST_CASE("keyed: new keys start as the prototype", "[keyed]") {
    tally start;
    start.sum = 100;
    nerve::keyed<tally, 3, int> table{start};
    double y = 0;
    table.push({5, 1.0f}, [&](const auto& o) { y = o.value; });
    CHECK(y == 101);
    CHECK(table.find(5)->n == 1);
    CHECK(table.prototype().n == 0);
    REQUIRE(table.insert_or_assign(6, start) != nullptr);
    CHECK(table.find(6)->sum == 100);
}

TEST_CASE("keyed matches a std::map + std::list LRU model", "[keyed]") {
    SECTION("evict, integer keys") { check_against_reference<std::uint64_t, 8>(nerve::when_full::evict_least_recent, 1, 20, 3000); }
    SECTION("evict, another seed") { check_against_reference<std::uint64_t, 16>(nerve::when_full::evict_least_recent, 99, 40, 3000); }
    SECTION("refuse") { check_against_reference<std::uint64_t, 8>(nerve::when_full::refuse, 3, 20, 3000); }
    SECTION("names") { check_against_reference<nerve::short_name<16>, 8>(nerve::when_full::evict_least_recent, 5, 20, 2000); }
    SECTION("colliding hashes") { check_against_reference<crowded_key, 8>(nerve::when_full::evict_least_recent, 0, 24, 3000); }
    SECTION("colliding hashes, refuse") { check_against_reference<crowded_key, 8>(nerve::when_full::refuse, 0, 24, 3000); }
    SECTION("one slot") { check_against_reference<std::uint64_t, 1>(nerve::when_full::evict_least_recent, 2, 3, 500); }
}

TEST_CASE("keyed: a full refusing table takes newcomers again once a key is erased", "[keyed]") {
    nerve::keyed<tally, 2, int> table{tally{}, nerve::when_full::refuse};
    int outputs = 0;
    auto count = [&](const auto&) { ++outputs; };
    table.push({1, 1.0f}, count);
    table.push({2, 1.0f}, count);
    table.push({3, 1.0f}, count);
    CHECK(outputs == 2);
    CHECK(table.refused() == 1);
    CHECK(table.erase(1));
    CHECK_FALSE(table.erase(1));
    table.push({3, 1.0f}, count);
    CHECK(outputs == 3);
    CHECK(table.find(3) != nullptr);
    table.reset();
    CHECK(table.empty());
    CHECK(table.refused() == 0);
    CHECK(table.find(2) == nullptr);
}

TEST_CASE("short_name keys compare the whole name", "[keyed]") {
    using name = nerve::short_name<8>;
    CHECK(name::from("12345678").ok());
    const auto too_long = name::from("123456789");
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.code() == nerve::errc::out_of_range);
    CHECK(name::from("abc").value() == name::from("abc").value());
    CHECK_FALSE(name::from("abc").value() == name::from("abcd").value());
    CHECK_FALSE(name::from("").value() == name::from("a").value());
    CHECK(name::from("pump-3").value().view() == "pump-3");
}

TEST_CASE("keyed: steady-state pushes never allocate, evicting or not", "[keyed][alloc]") {
    static nerve::keyed<tally, 64, nerve::short_name<24>> table;
    std::vector<nerve::short_name<24>> keys;
    for (int k = 0; k < 200; ++k) keys.push_back(nerve::short_name<24>::from("meter/" + std::to_string(k)).value());
    double sink = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int i = 0; i < 5000; ++i) table.push({keys[static_cast<std::size_t>((i * 37) % 200)], 1.0f},
                                                                      [&](const auto& y) { sink += y.value; }););
    CHECK(table.size() == 64);
    CHECK(table.evicted() == 5000 - 64);
    CHECK(sink > 0);
}

TEST_CASE("keyed: snapshots restore the table and refuse impossible ones", "[keyed][state]") {
    using table_t = nerve::keyed<tally, 16, nerve::short_name<12>>;
    std::vector<std::pair<int, float>> in[2];
    std::mt19937 rng(11);
    for (int p = 0; p < 2; ++p)
        for (int i = 0; i < 300; ++i) in[p].emplace_back(static_cast<int>(rng() % 24), static_cast<float>(i % 13));
    const auto t = nerve::test::check_hostile_snapshots(
        [] { return std::make_unique<table_t>(); },
        [&](table_t& table, int phase) {
            nerve::test::output_digest h;
            for (const auto& [k, x] : in[phase]) {
                const auto key = nerve::short_name<12>::from("d" + std::to_string(k)).value();
                table.push({key, x}, [&](const auto& y) { h.add(y.value); h.add(static_cast<double>(y.key.size())); });
            }
            h.add(static_cast<double>(table.size()));
            h.add(static_cast<double>(table.evicted()));
            return h;
        });
    INFO("tried " << t.tried << ", accepted " << t.accepted << ", refused " << t.refused);
    CHECK(t.failures == 0);
    CHECK(t.refused > 0);
    CHECK(t.accepted > 0);
}

TEST_CASE("keyed: a snapshot taken under another hash seed is refused", "[keyed][state]") {
    using table_t = nerve::keyed<tally, 8, std::uint32_t>;
    table_t a{tally{}, nerve::when_full::evict_least_recent, 1};
    for (std::uint32_t k = 0; k < 6; ++k) a.push({k, 1.0f}, nerve::discard_emit{});
    std::vector<std::byte> bytes(nerve::snapshot_size(a));
    REQUIRE(nerve::snapshot(a, bytes).ok());
    table_t same{tally{}, nerve::when_full::evict_least_recent, 1};
    REQUIRE(nerve::restore(same, bytes).ok());
    CHECK(same.size() == 6);
    table_t other{tally{}, nerve::when_full::evict_least_recent, 2};
    CHECK_FALSE(nerve::restore(other, bytes).ok());
    CHECK(other.empty());
}
