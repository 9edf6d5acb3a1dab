// tests/io/test_wav.cpp — nerve::io::wav against files written by Python's wave module, scipy
// and by hand (tests/golden/io_wav.hpp, tools/gen_golden_wav.py), and against hostile bytes.
#include "nerve_test.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "golden/io_wav.hpp"
#include "nerve/io/wav.hpp"

namespace wav = nerve::io::wav;
using nerve::errc;

namespace {

std::span<const std::uint8_t> bytes_of(const golden::io_wav::wav_case& c) { return {c.bytes, c.size}; }

// Same float, bit for bit, except that any NaN matches any NaN.
bool same(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    std::uint32_t ua = 0, ub = 0;
    std::memcpy(&ua, &a, 4);
    std::memcpy(&ub, &b, 4);
    return ua == ub;
}

std::uint32_t lcg(std::uint32_t& s) { return s = s * 1664525u + 1013904223u; }

// The 16-bit stereo case is a canonical 44-byte header (fmt at 12, data at 36).
std::vector<std::uint8_t> pcm16() {
    const auto& c = golden::io_wav::cases[0];
    return {c.bytes, c.bytes + c.size};
}
void put16(std::vector<std::uint8_t>& b, std::size_t at, unsigned v) {
    b[at] = std::uint8_t(v);
    b[at + 1] = std::uint8_t(v >> 8);
}
void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
    put16(b, at, v & 0xFFFFu);
    put16(b, at + 2, v >> 16);
}
errc code_of(const std::vector<std::uint8_t>& b) {
    const auto r = wav::parse(b);
    return r.ok() ? errc::ok : r.code();
}

}  // namespace

TEST_CASE("wav: every golden file parses and decodes to scipy's samples", "[wav]") {
    for (const auto& c : golden::io_wav::cases) {
        INFO(c.name);
        const auto r = wav::parse(bytes_of(c));
        REQUIRE(r.ok());
        const wav::info& w = r.value();
        CHECK(w.sample_rate == c.rate);
        CHECK(w.channels == c.channels);
        CHECK(w.bits == c.bits);
        CHECK_FALSE(w.truncated);
        REQUIRE(w.frames * w.channels == c.count);
        std::array<float, 64> out{};
        std::size_t n = 0;
        NERVE_REQUIRE_NO_ALLOC(n = wav::decode(w, 0, out).value());
        REQUIRE(n == c.count);
        for (std::size_t i = 0; i < n; ++i) {
            INFO("sample " << i << ": " << out[i] << " against " << c.samples[i]);
            CHECK(same(out[i], c.samples[i]));
        }
    }
}

TEST_CASE("wav: decode from a frame on, whole frames into a short buffer", "[wav]") {
    const auto& c = golden::io_wav::cases[0];  // 16-bit stereo, 10 frames
    const wav::info w = wav::parse(bytes_of(c)).value();
    std::array<float, 5> out{};  // room for 2 whole frames and one stray float
    const auto r = wav::decode(w, 3, out);
    REQUIRE(r.ok());
    REQUIRE(r.value() == 4u);
    for (std::size_t i = 0; i < 4; ++i) CHECK(same(out[i], c.samples[6 + i]));
    CHECK(wav::decode(w, 10, out).value() == 0u);
    CHECK(wav::decode(w, 11, out).code() == errc::out_of_range);
}

TEST_CASE("wav: a cut-off recording keeps its whole frames, any cut never crashes", "[wav][bad-input]") {
    const auto& c = golden::io_wav::cases[0];
    for (std::size_t cut = 0; cut <= c.size; ++cut) {
        INFO("first " << cut << " bytes");
        const auto r = wav::parse({c.bytes, cut});
        if (cut < 44) {
            CHECK_FALSE(r.ok());  // no data chunk header yet (or less)
            continue;
        }
        REQUIRE(r.ok());
        const std::size_t whole = (cut - 44) / 4;
        CHECK(r.value().frames == whole);
        CHECK(r.value().truncated == (cut < c.size));
        std::array<float, 64> out{};
        const std::size_t n = wav::decode(r.value(), 0, out).value();
        REQUIRE(n == 2 * whole);
        for (std::size_t i = 0; i < n; ++i) CHECK(same(out[i], c.samples[i]));
    }
    // A streaming writer's placeholder data size: all of what is there.
    auto b = pcm16();
    put32(b, 40, 0xFFFFFFFFu);
    const auto r = wav::parse(b);
    REQUIRE(r.ok());
    CHECK(r.value().truncated);
    CHECK(r.value().frames == 10u);
}

TEST_CASE("wav: malformed and unsupported headers are refused with their reasons", "[wav][bad-input]") {
    auto b = pcm16();
    REQUIRE(code_of(b) == errc::ok);
    auto with = [&](auto edit) {
        auto m = pcm16();
        edit(m);
        return code_of(m);
    };
    CHECK(with([](auto& m) { m[0] = 'X'; }) == errc::bad_magic);
    CHECK(with([](auto& m) { m[8] = 'A'; }) == errc::bad_magic);
    CHECK(with([](auto& m) { put32(m, 16, 12); }) == errc::truncated);         // fmt shorter than 16
    CHECK(with([](auto& m) { put16(m, 20, 2); }) == errc::unsupported);        // ADPCM
    CHECK(with([](auto& m) { put16(m, 20, 7); }) == errc::unsupported);        // mu-law
    CHECK(with([](auto& m) { put16(m, 22, 0); }) == errc::parse_error);        // zero channels
    CHECK(with([](auto& m) { put16(m, 22, 65); put16(m, 32, 130); }) == errc::unsupported);  // too many channels
    CHECK(with([](auto& m) { put32(m, 24, 0); }) == errc::parse_error);        // zero rate
    CHECK(with([](auto& m) { put16(m, 32, 3); }) == errc::parse_error);        // block align
    CHECK(with([](auto& m) { put16(m, 34, 12); }) == errc::unsupported);       // 12-bit
    CHECK(with([](auto& m) { put32(m, 16, 1000); }) == errc::truncated);       // fmt past the end
    CHECK(with([](auto& m) { m[12] = 'x'; }) == errc::parse_error);            // no fmt chunk
    CHECK(with([](auto& m) { m[36] = 'x'; }) == errc::parse_error);            // no data chunk
    CHECK(code_of({}) == errc::truncated);
    // Extensible with more valid bits than its container.
    const auto& e = golden::io_wav::cases[6];
    std::vector<std::uint8_t> x(e.bytes, e.bytes + e.size);
    REQUIRE(code_of(x) == errc::ok);
    put16(x, 38, 33);
    CHECK(code_of(x) == errc::parse_error);
    // An info that parse() did not make is refused by decode.
    wav::info fake = wav::parse(b).value();
    fake.frames += 1;
    std::array<float, 64> out{};
    CHECK(wav::decode(fake, 0, out).code() == errc::invalid_argument);
    fake = wav::parse(b).value();
    fake.bits = 12;
    CHECK(wav::decode(fake, 0, out).code() == errc::invalid_argument);
}

TEST_CASE("wav: hostile bytes never crash, read out of bounds or allocate", "[wav][bad-input]") {
    std::uint32_t seed = 11;
    std::vector<std::uint8_t> m;
    m.reserve(256);
    std::array<float, 256> out{};
    std::size_t parsed = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int k = 0; k < 4000; ++k) {
        const auto& c = golden::io_wav::cases[lcg(seed) % std::size(golden::io_wav::cases)];
        m.assign(c.bytes, c.bytes + c.size);
        const int flips = 1 + int(lcg(seed) % 4);
        for (int f = 0; f < flips; ++f) m[lcg(seed) % m.size()] ^= std::uint8_t(1u << (lcg(seed) >> 29));
        const std::span<const std::uint8_t> file(m.data(), m.size() - lcg(seed) % 8);  // and cut
        const auto r = wav::parse(file);
        if (!r.ok()) continue;
        ++parsed;
        const wav::info& w = r.value();
        REQUIRE(w.data.data() >= file.data());
        REQUIRE(w.data.data() + w.data.size() <= file.data() + file.size());
        REQUIRE(w.frames * w.bytes_per_frame() == w.data.size());
        const auto d = wav::decode(w, 0, out);
        REQUIRE(d.ok());
        if (w.sample_coding == wav::coding::pcm)
            for (std::size_t i = 0; i < d.value(); ++i) REQUIRE((out[i] >= -1.0f && out[i] <= 1.0f));
    });
    CHECK(parsed > 100u);  // the flips leave many files readable: the checks above ran
}
