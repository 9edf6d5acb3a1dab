#include "nerve_test.hpp"

#include <array>
#include <cstring>
#include <type_traits>

#include "nerve/core/framer.hpp"
#include "nerve/core/pipeline.hpp"
#include "nerve/core/snapshot.hpp"
#include "nerve/filter/dc_blocker.hpp"
#include "nerve/filter/ewma.hpp"
#include "nerve/filter/moving_average.hpp"

namespace {
using chain = nerve::pipeline<nerve::filter::dc_blocker<float>, nerve::filter::moving_average<float, 8>,
                              nerve::filter::ewma<float>>;

chain make_chain() {
    return chain(nerve::filter::dc_blocker<float>{0.98}, nerve::filter::moving_average<float, 8>{},
                 nerve::filter::ewma<float>{0.3});
}

float feed(chain& c, int from, int to) {
    float y = 0;
    for (int i = from; i < to; ++i) y = c(static_cast<float>((i * 37) % 11) * 0.1f);
    return y;
}

std::array<std::byte, 512> g_buf;
}  // namespace

TEST_CASE("a pipeline restored from a snapshot continues exactly", "[snapshot]") {
    chain a = make_chain(), b = make_chain();
    feed(a, 0, 100);
    const auto n = nerve::snapshot(a, g_buf);
    REQUIRE(n.ok());
    CHECK(n.value() == nerve::snapshot_size(a));
    NERVE_REQUIRE_NO_ALLOC(REQUIRE(nerve::restore(b, std::span<const std::byte>(g_buf.data(), n.value())).ok()));
    for (int i = 100; i < 200; ++i) {
        const float x = static_cast<float>(i % 5);
        REQUIRE(a(x) == b(x));
    }
}

namespace {
// One field of every fixed-width kind, and the two whose width depends on the target.
struct every_kind {
    bool b = true;
    std::uint8_t u8 = 200;
    std::int16_t i16 = -300;
    std::uint32_t u32 = 4000000000u;
    std::int32_t i32 = -2000000000;
    std::uint64_t u64 = 0x0123456789abcdefull;
    std::int64_t i64 = -5;
    std::size_t size = 77;
    std::ptrdiff_t diff = -77;
    float f = 1.5f;
    double d = -0.25;
    void reset() { *this = every_kind{}; }
    template <class V>
    void visit_state(V& v) { v(b); v(u8); v(i16); v(u32); v(i32); v(u64); v(i64); v(size); v(diff); v(f); v(d); }
};

// The format's definition written out: the wire width of each field of every_kind. std::uint32_t /
// std::int32_t are written 64-bit only where they are std::size_t / std::ptrdiff_t (clang for
// Cortex-M, 32-bit Linux: a documented limit, not on CI's targets).
constexpr std::size_t w32u = std::is_same_v<std::uint32_t, std::size_t> ? 8 : 4;
constexpr std::size_t w32i = std::is_same_v<std::int32_t, std::ptrdiff_t> ? 8 : 4;
constexpr std::array<std::size_t, 11> widths = {1, 1, 2, w32u, w32i, 8, 8, 8, 8, 4, 8};
constexpr std::array<char, 11> letters = {'b', 'u', 'i', 'u', 'i', 'u', 'i', 'u', 'i', 'f', 'd'};

// FNV-1a over each field's kind letter and wire width.
constexpr std::uint32_t expected_fingerprint() {
    std::uint32_t h = 2166136261u;
    for (std::size_t k = 0; k < widths.size(); ++k) {
        h = (h ^ static_cast<std::uint8_t>(letters[k])) * 16777619u;
        h = (h ^ static_cast<std::uint8_t>(widths[k])) * 16777619u;
    }
    return h;
}
}  // namespace

TEST_CASE("the snapshot layout and fingerprint are the same on every target", "[snapshot]") {
    // Fields are known by signedness and width only (std::uint64_t is std::size_t on LP64 hosts,
    // unsigned long long on the Cortex-M4), so a snapshot moves between the M4 and a gateway.
    every_kind a;
    static std::array<std::byte, 160> buf;
    const auto n = nerve::snapshot(a, buf);
    REQUIRE(n.ok());
    std::size_t payload = 0;
    for (std::size_t w : widths) payload += w;
    REQUIRE(n.value() == nerve::snapshot_header_bytes + payload + nerve::snapshot_trailer_bytes);
    std::uint32_t fingerprint = 0;
    for (int k = 0; k < 4; ++k) fingerprint |= static_cast<std::uint32_t>(buf[8 + k]) << (8 * k);
    CHECK(fingerprint == expected_fingerprint());
    // The fields little-endian in visit order, integers sign- or zero-extended to their width:
    // the bit patterns below are the values' (two's complement, IEEE 754).
    const std::array<std::uint64_t, 11> bits = {1, 200, 0xfffffffffffffed4ull, 4000000000ull,
                                                0xffffffff88ca6c00ull, 0x0123456789abcdefull,
                                                0xfffffffffffffffbull, 77, 0xffffffffffffffb3ull,
                                                0x3fc00000ull, 0xbfd0000000000000ull};
    std::size_t at = nerve::snapshot_header_bytes;
    for (std::size_t k = 0; k < widths.size(); ++k) {
        for (std::size_t i = 0; i < widths[k]; ++i, ++at) {
            INFO("field " << k << " byte " << i);
            CHECK(static_cast<std::uint8_t>(buf[at]) == static_cast<std::uint8_t>(bits[k] >> (8 * i)));
        }
    }
    every_kind b{false, 0, 0, 0, 0, 0, 0, 0, 0, 0.0f, 0.0};
    REQUIRE(nerve::restore(b, std::span<const std::byte>(buf.data(), n.value())).ok());
    CHECK((b.b && b.u8 == 200 && b.i16 == -300 && b.u32 == 4000000000u && b.i32 == -2000000000 &&
           b.u64 == 0x0123456789abcdefull && b.i64 == -5 && b.size == 77 && b.diff == -77 && b.f == 1.5f && b.d == -0.25));
}

TEST_CASE("corrupt, truncated or foreign snapshots are refused and change nothing", "[snapshot][bad-input]") {
    chain a = make_chain();
    feed(a, 0, 50);
    const std::size_t n = nerve::snapshot(a, g_buf).value();

    auto refused_without_effect = [&](std::span<const std::byte> bytes, nerve::errc expected) {
        chain target = make_chain();
        feed(target, 0, 20);
        chain twin = make_chain();
        feed(twin, 0, 20);
        const auto r = nerve::restore(target, bytes);
        CHECK(r.code() == expected);
        CHECK(feed(target, 20, 40) == feed(twin, 20, 40));  // untouched
    };

    SECTION("every single-bit flip is caught") {
        for (std::size_t byte = 0; byte < n; ++byte) {
            std::array<std::byte, 512> bad = g_buf;
            bad[byte] ^= std::byte{0x10};
            chain target = make_chain();
            const auto r = nerve::restore(target, std::span<const std::byte>(bad.data(), n));
            REQUIRE_FALSE(r.ok());
        }
    }
    SECTION("checksum") {
        std::array<std::byte, 512> bad = g_buf;
        bad[nerve::snapshot_header_bytes + 3] ^= std::byte{1};
        refused_without_effect(std::span<const std::byte>(bad.data(), n), nerve::errc::checksum_mismatch);
    }
    SECTION("truncation at every length") {
        for (std::size_t len = 0; len < n; ++len) {
            chain target = make_chain();
            REQUIRE_FALSE(nerve::restore(target, std::span<const std::byte>(g_buf.data(), len)).ok());
        }
        refused_without_effect(std::span<const std::byte>(g_buf.data(), n - 1), nerve::errc::truncated);
    }
    SECTION("magic and version") {
        std::array<std::byte, 512> bad = g_buf;
        bad[0] = std::byte{'X'};
        refused_without_effect(std::span<const std::byte>(bad.data(), n), nerve::errc::bad_magic);
        bad = g_buf;
        bad[4] = std::byte{9};
        refused_without_effect(std::span<const std::byte>(bad.data(), n), nerve::errc::version_mismatch);
    }
    SECTION("a snapshot of another operator") {
        nerve::filter::ewma<double> other;
        const std::size_t m = nerve::snapshot(other, g_buf).value();
        refused_without_effect(std::span<const std::byte>(g_buf.data(), m), nerve::errc::type_mismatch);
    }
    SECTION("buffer too small") {
        std::array<std::byte, 8> tiny{};
        CHECK(nerve::snapshot(a, tiny).code() == nerve::errc::buffer_too_small);
    }
}

namespace {
// Rewrites a snapshot's payload byte and fixes the checksum: a well-formed but hostile snapshot.
std::size_t forge(std::array<std::byte, 512>& buf, std::size_t n, std::size_t payload_offset,
                  std::span<const std::byte> value) {
    std::memcpy(buf.data() + nerve::snapshot_header_bytes + payload_offset, value.data(), value.size());
    const std::size_t body = n - nerve::snapshot_trailer_bytes;
    const auto crc = nerve::crc32(std::span<const std::byte>(buf.data(), body));
    for (int i = 0; i < 4; ++i) buf[body + i] = static_cast<std::byte>((crc >> (8 * i)) & 0xFF);
    return n;
}
}  // namespace

TEST_CASE("well-formed snapshots with impossible values are refused", "[snapshot][bad-input]") {
    SECTION("a NaN in a float state") {
        nerve::filter::ewma<float> e, target;
        e(1.0f);
        const std::size_t n = nerve::snapshot(e, g_buf).value();
        const std::array<std::byte, 4> nan_bits{std::byte{0}, std::byte{0}, std::byte{0xC0}, std::byte{0x7F}};
        forge(g_buf, n, 0, nan_bits);  // y_ is the first field
        target(2.0f);
        CHECK(nerve::restore(target, std::span<const std::byte>(g_buf.data(), n)).code() == nerve::errc::invalid_state);
        CHECK(target.value() == 2.0f);
    }
    SECTION("a bool that is neither 0 nor 1") {
        nerve::filter::ewma<float> e, target;
        const std::size_t n = nerve::snapshot(e, g_buf).value();
        const std::array<std::byte, 1> two{std::byte{2}};
        forge(g_buf, n, 4, two);  // primed_
        CHECK(nerve::restore(target, std::span<const std::byte>(g_buf.data(), n)).code() == nerve::errc::invalid_state);
    }
    SECTION("a ring index past the storage resets the operator") {
        nerve::framer<4, 2, float> f, target;
        for (int i = 0; i < 3; ++i) f.push(1.0f, [](auto) {});
        const std::size_t n = nerve::snapshot(f, g_buf).value();
        const std::array<std::byte, 8> huge{std::byte{0xFF}, std::byte{0x7F}};  // fill_ = 32767
        forge(g_buf, n, 4 * sizeof(float), huge);
        const auto r = nerve::restore(target, std::span<const std::byte>(g_buf.data(), n));
        CHECK(r.code() == nerve::errc::invalid_state);
        CHECK(target.buffered() == 0);  // reset, so the next push cannot write out of bounds
        int frames = 0;
        for (int i = 0; i < 8; ++i) target.push(1.0f, [&](auto) { ++frames; });
        CHECK(frames == 3);
    }
}

TEST_CASE("random bytes never crash restore", "[snapshot][bad-input]") {
    chain target = make_chain();
    std::uint32_t s = 12345;
    for (int round = 0; round < 300; ++round) {
        const std::size_t len = s % 200;
        for (std::size_t i = 0; i < len; ++i) {
            s = s * 1664525u + 1013904223u;
            g_buf[i] = static_cast<std::byte>(s >> 24);
        }
        if (round % 3 == 0 && len >= 4) {  // make some of them look like snapshots
            g_buf[0] = std::byte{'N'}; g_buf[1] = std::byte{'R'}; g_buf[2] = std::byte{'V'}; g_buf[3] = std::byte{'S'};
        }
        CHECK_FALSE(nerve::restore(target, std::span<const std::byte>(g_buf.data(), len)).ok());
    }
}
