#include "nerve_test.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "nerve/io/wfdb.hpp"

namespace wfdb = nerve::io::wfdb;
using nerve::errc;

namespace {

// Record 100's header as this project's data copy has it: a leading comment, a blank line
// between the signal lines, CRLF on one line, patient information at the end.
constexpr std::string_view header_100 =
    "# unnecessary comment\n"
    "100 2 360 650000\n"
    "100.dat 212 200 11 1024 995 -22131 0 MLII\r\n"
    "\n"
    "100.dat 212 200 11 1024 1011 20052 0 V5\n"
    "# 69 M 1085 1629 x1\n"
    "# Aldomet, Inderal\n";

// Format 212: two 12-bit two's-complement samples in three bytes.
std::vector<std::uint8_t> encode_212(const std::vector<int>& s) {
    std::vector<std::uint8_t> b;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const unsigned a = static_cast<unsigned>(s[i]) & 0xFFFu;
        const unsigned c = i + 1 < s.size() ? static_cast<unsigned>(s[i + 1]) & 0xFFFu : 0u;
        b.push_back(static_cast<std::uint8_t>(a & 0xFF));
        b.push_back(static_cast<std::uint8_t>(((a >> 8) & 0x0F) | ((c >> 4) & 0xF0)));
        if (i + 1 < s.size()) b.push_back(static_cast<std::uint8_t>(c & 0xFF));
    }
    return b;
}

std::uint32_t lcg(std::uint32_t& s) { return s = s * 1664525u + 1013904223u; }

std::string data_dir() {
    const char* env = std::getenv("NERVE_DATA_DIR");
    const std::string here = __FILE__;
    return env ? env : here.substr(0, here.rfind('/')) + "/../../../shared/data";
}

std::vector<std::uint8_t> slurp(const std::string& path) {
    std::vector<std::uint8_t> out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return out;
    std::uint8_t buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
    std::fclose(f);
    return out;
}

}  // namespace

TEST_CASE("wfdb header: record 100 with comments and blank lines", "[wfdb]") {
    auto r = wfdb::parse_header(header_100);
    REQUIRE(r.ok());
    const auto& h = r.value();
    CHECK(h.record_name == "100");
    CHECK(h.signal_count == 2);
    CHECK(h.fs == 360.0);
    CHECK(h.samples_per_signal == 650000u);
    const auto& s0 = h.signals[0];
    CHECK(s0.file_name == "100.dat");
    CHECK(s0.format == 212);
    CHECK(s0.gain == 200.0);
    CHECK(s0.adc_resolution == 11);
    CHECK(s0.adc_zero == 1024);
    CHECK(s0.baseline == 1024.0);
    CHECK(s0.initial_value == 995);
    CHECK(s0.has_checksum);
    CHECK(s0.checksum == -22131);
    CHECK(s0.block_size == 0);
    CHECK(s0.description == "MLII");
    CHECK(s0.units == "mV");
    CHECK(h.signals[1].description == "V5");
    CHECK(h.signals[1].initial_value == 1011);
    CHECK(s0.to_physical(1224) == 1.0);
    NERVE_REQUIRE_NO_ALLOC((void)wfdb::parse_header(header_100));
}

TEST_CASE("wfdb header: defaults, baseline, units and descriptions with spaces", "[wfdb]") {
    auto r = wfdb::parse_header("rec 1\nrec.dat 16\n");
    REQUIRE(r.ok());
    CHECK(r.value().fs == 250.0);
    CHECK(r.value().samples_per_signal == 0u);
    CHECK(r.value().signals[0].gain == 200.0);
    CHECK(r.value().signals[0].units == "mV");
    CHECK_FALSE(r.value().signals[0].has_checksum);

    auto q = wfdb::parse_header("x 1 500/10(3) 1000\nx.dat 16 100(-5)/uV 16 2 7 123 0 chest lead II\n");
    REQUIRE(q.ok());
    const auto& s = q.value().signals[0];
    CHECK(q.value().fs == 500.0);
    CHECK(s.gain == 100.0);
    CHECK(s.baseline == -5.0);
    CHECK(s.adc_zero == 2);
    CHECK(s.units == "uV");
    CHECK(s.description == "chest lead II");
    CHECK(s.to_physical(95) == 1.0);

    // The largest numbers that fit a double still parse.
    auto big = wfdb::parse_header("x 1 360\nx.dat 16 9999e300(-9999e300)\n");
    REQUIRE(big.ok());
    CHECK(big.value().signals[0].gain == Approx(9.999e303));
    CHECK(big.value().signals[0].baseline == Approx(-9.999e303));

    auto z = wfdb::parse_header("x 1 360\nx.dat 212 0 12 0\n");  // gain 0 means 200
    REQUIRE(z.ok());
    CHECK(z.value().signals[0].gain == 200.0);
}

TEST_CASE("wfdb header: every malformed header is a clear error", "[wfdb][bad-input]") {
    struct bad { const char* text; errc code; };
    const bad cases[] = {
        {"", errc::truncated},
        {"# only a comment\n\n", errc::truncated},
        {"100 two 360\n", errc::parse_error},
        {"100 -1 360\n", errc::parse_error},
        {"100 99 360\n", errc::out_of_range},
        {"100 1 abc\nx.dat 16\n", errc::parse_error},
        {"100 1 -360\nx.dat 16\n", errc::parse_error},
        {"100 1 360 12x\nx.dat 16\n", errc::parse_error},
        {"100/3 2 360\n", errc::unsupported},
        {"100 2 360 100\n100.dat 212 200\n", errc::truncated},
        {"100 1 360\n100.dat\n", errc::parse_error},
        {"100 1 360\n100.dat 2x2\n", errc::unsupported},
        {"100 1 360\n100.dat 212:1\n", errc::unsupported},
        {"100 1 360\n100.dat abc\n", errc::parse_error},
        {"100 1 360\n100.dat 212 gain\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200(1\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200/\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200 11 zero\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200 99\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200 11 1024 995 99999999999999999999\n", errc::parse_error},
        // Numbers beyond double's range (found by tests/fuzz/fuzz_wfdb.cpp): a gain, baseline or
        // sampling frequency of Inf made every physical value 0 or NaN.
        {"100 1 360\n100.dat 212 99999999999e300\n", errc::parse_error},
        {"100 1 360\n100.dat 212 200(-99999999999e300)\n", errc::parse_error},
        {"100 1 99999999999e300\n100.dat 212\n", errc::parse_error},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        auto r = wfdb::parse_header(c.text);
        REQUIRE_FALSE(r.ok());
        CHECK(r.code() == c.code);
        CHECK(std::string_view(r.message()).find("WFDB") != std::string_view::npos);
    }
}

TEST_CASE("wfdb header: hostile bytes never crash or allocate", "[wfdb][bad-input]") {
    std::uint32_t seed = 7;
    const char alphabet[] = "0123456789 .-+/()#x:\n\r\tabcdef";
    char buf[200];
    std::size_t ok = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int k = 0; k < 3000; ++k) {
        const std::size_t n = lcg(seed) % sizeof buf;
        for (std::size_t i = 0; i < n; ++i) buf[i] = alphabet[(lcg(seed) >> 8) % (sizeof alphabet - 1)];
        // half of them start with a valid record line so the signal-line parser gets exercised
        std::string_view text(buf, n);
        if (k % 2 && n > 12) {
            buf[0] = 'r'; buf[1] = ' '; buf[2] = '2'; buf[3] = ' '; buf[4] = '3'; buf[5] = '6'; buf[6] = '0'; buf[7] = '\n';
        }
        auto r = wfdb::parse_header(text);
        if (r.ok()) {
            ++ok;
            REQUIRE(r.value().signal_count <= wfdb::max_signals);
        }
    });
    CHECK(ok < 3000u);
}

TEST_CASE("wfdb format 212 and 16 decode known and random samples", "[wfdb]") {
    // Record 100's first frame: (995, 1011) -> bytes e3 33 f3
    const std::uint8_t first[] = {0xE3, 0x33, 0xF3};
    std::int16_t out[2] = {};
    auto r = wfdb::decode(212, first, 0, out);
    REQUIRE(r.ok());
    CHECK(out[0] == 995);
    CHECK(out[1] == 1011);

    std::uint32_t seed = 3;
    std::vector<int> s(1001);
    for (auto& v : s) v = static_cast<int>(lcg(seed) % 4096) - 2048;
    s[0] = -2048; s[1] = 2047; s[2] = -1; s[3] = 0;
    const auto bytes = encode_212(s);
    CHECK(bytes.size() == wfdb::bytes_for(212, s.size()));
    CHECK(wfdb::samples_in(212, bytes.size()) == s.size());
    std::vector<std::int16_t> dec(s.size());
    REQUIRE(wfdb::decode(212, bytes, 0, dec).ok());
    for (std::size_t i = 0; i < s.size(); ++i) REQUIRE(dec[i] == s[i]);
    // from an even offset
    std::vector<std::int16_t> part(10);
    REQUIRE(wfdb::decode(212, bytes, 500, part).ok());
    for (std::size_t i = 0; i < part.size(); ++i) CHECK(part[i] == s[500 + i]);

    std::vector<std::uint8_t> b16;
    std::vector<int> v16 = {0, 1, -1, 32767, -32768, 1234};
    for (int v : v16) { b16.push_back(static_cast<std::uint8_t>(v & 0xFF)); b16.push_back(static_cast<std::uint8_t>((v >> 8) & 0xFF)); }
    std::vector<std::int16_t> d16(v16.size());
    REQUIRE(wfdb::decode(16, b16, 0, d16).ok());
    for (std::size_t i = 0; i < v16.size(); ++i) CHECK(d16[i] == v16[i]);
}

TEST_CASE("wfdb decoding: truncated files, odd offsets and other formats are errors", "[wfdb][bad-input]") {
    const std::vector<std::uint8_t> five = {1, 2, 3, 4, 5};  // 212: 3 samples (one full group + 2 bytes)
    std::vector<std::int16_t> out(4);
    auto r = wfdb::decode(212, five, 0, out);
    CHECK(r.code() == errc::truncated);
    std::vector<std::int16_t> three(3);
    CHECK(wfdb::decode(212, five, 0, three).ok());
    std::vector<std::int16_t> one(1);
    CHECK(wfdb::decode(212, five, 1, one).code() == errc::invalid_argument);
    CHECK(wfdb::decode(212, five, 100, one).code() == errc::truncated);
    CHECK(wfdb::decode(16, five, 1, one).ok());  // 16: two whole samples, the fifth byte is a fragment
    CHECK(wfdb::decode(16, five, 2, one).code() == errc::truncated);
    CHECK(wfdb::decode(80, five, 0, one).code() == errc::unsupported);
    CHECK(wfdb::decode(212, {}, 0, {}).ok());

    auto h = wfdb::parse_header(header_100);
    REQUIRE(h.ok());
    CHECK(wfdb::check_size(h.value(), 212, 2, 1950000).ok());
    CHECK(wfdb::check_size(h.value(), 212, 2, 1949999).code() == errc::truncated);
    CHECK(wfdb::check_size(h.value(), 16, 2, 1950000).code() == errc::truncated);
    CHECK(wfdb::check_size(h.value(), 311, 2, 1950000).code() == errc::unsupported);
}

TEST_CASE("wfdb annotations: codes, SKIP, AUX, NUM and the end marker", "[wfdb]") {
    auto word = [](std::vector<std::uint8_t>& b, unsigned code, unsigned d) {
        const unsigned w = (code << 10) | (d & 0x3FF);
        b.push_back(static_cast<std::uint8_t>(w & 0xFF));
        b.push_back(static_cast<std::uint8_t>(w >> 8));
    };
    std::vector<std::uint8_t> b;
    word(b, 28, 18);       // rhythm '+' at 18
    word(b, 63, 3);        // AUX "(N" + NUL, padded to 4
    b.insert(b.end(), {'(', 'N', 0, 0});
    word(b, 1, 77);        // N at 95
    word(b, 60, 1);        // NUM: no time step
    word(b, 59, 0);        // SKIP 100000: high word first
    b.insert(b.end(), {0x01, 0x00, 0xA0, 0x86});
    word(b, 5, 5);         // V at 95 + 100000 + 5
    word(b, 0, 0);
    std::vector<wfdb::annotation> got;
    auto r = wfdb::read_annotations(b, [&](const wfdb::annotation& a) { got.push_back(a); });
    REQUIRE(r.ok());
    REQUIRE(got.size() == 3);
    CHECK(got[0].sample == 18);
    CHECK(got[0].code == 28);
    CHECK(got[1].sample == 95);
    CHECK(got[1].code == 1);
    CHECK(got[2].sample == 100100);
    CHECK(got[2].code == 5);
    CHECK(wfdb::is_beat(1));
    CHECK(wfdb::is_beat(38));
    CHECK_FALSE(wfdb::is_beat(28));
    CHECK_FALSE(wfdb::is_beat(31));

    std::vector<std::uint8_t> cut = {0x00, 0xEC, 0x01};  // SKIP with no interval
    CHECK(wfdb::read_annotations(cut, [](const wfdb::annotation&) {}).code() == errc::truncated);
    std::vector<std::uint8_t> aux = {0x10, 0xFC, 'a'};   // AUX of 16 bytes, 1 present
    CHECK(wfdb::read_annotations(aux, [](const wfdb::annotation&) {}).code() == errc::truncated);
    std::vector<std::uint8_t> back = {0x00, 0xEC, 0xFF, 0xFF, 0x00, 0x00};  // SKIP to a negative time
    CHECK(wfdb::read_annotations(back, [](const wfdb::annotation&) {}).code() == errc::out_of_range);

    std::uint32_t seed = 11;
    std::uint8_t junk[64];
    NERVE_REQUIRE_NO_ALLOC(for (int k = 0; k < 2000; ++k) {
        const std::size_t n = lcg(seed) % sizeof junk;
        for (std::size_t i = 0; i < n; ++i) junk[i] = static_cast<std::uint8_t>(lcg(seed) >> 24);
        (void)wfdb::read_annotations(std::span<const std::uint8_t>(junk, n), [](const wfdb::annotation&) {});
    });
}

TEST_CASE("wfdb: a signal's column in its file, its companion lead, and the checksums of a file", "[wfdb]") {
    // ECG leads in a.dat and b.dat (a.dat holds a pressure signal between them), one in c.dat.
    const char* text = "r 5 360 4\n"
                       "a.dat 212 200/mmHg 11 0 0 100 0 ABP\n"
                       "a.dat 212 200/mV 11 0 0 7 0 MLII\n"
                       "b.dat 16 200/mV 16 0 0 -3 0 V1\n"
                       "a.dat 212 200/mV 11 0 0 65535 0 V5\n"
                       "c.dat 16 200/mV 16 0 0 0 0 V2\n";
    auto r = wfdb::parse_header(text);
    REQUIRE(r.ok());
    const auto& h = r.value();
    auto mlii = wfdb::columns_of(h, 1);
    REQUIRE(mlii.ok());
    CHECK(mlii.value().width == 3);
    CHECK(mlii.value().column == 1);
    CHECK(mlii.value().companion == 3);  // V5: same file, same unit; not V1 (another file)
    CHECK(mlii.value().companion_column == 2);
    auto v5 = wfdb::columns_of(h, 3);
    REQUIRE(v5.ok());
    CHECK(v5.value().column == 2);
    CHECK(v5.value().companion == 1);
    CHECK(v5.value().companion_column == 1);
    auto abp = wfdb::columns_of(h, 0);  // nothing else in mmHg
    REQUIRE(abp.ok());
    CHECK(abp.value().column == 0);
    CHECK(abp.value().companion == h.signal_count);
    auto v2 = wfdb::columns_of(h, 4);
    REQUIRE(v2.ok());
    CHECK(v2.value().width == 1);
    CHECK(v2.value().companion == h.signal_count);

    auto mixed = wfdb::parse_header("m 2\nm.dat 212\nm.dat 16\n");
    REQUIRE(mixed.ok());
    CHECK(wfdb::columns_of(mixed.value(), 1).code() == errc::parse_error);

    // a.dat's columns: ABP, MLII, V5 with checksums 100, 7, 65535 (= -1 in 16 bits).
    std::array<wfdb::checksum16, 3> sums{};
    for (int v : {60, 40}) sums[0].add(v);
    for (int v : {10, -3}) sums[1].add(v);
    sums[2].add(-1);
    CHECK(wfdb::checksum_mismatch(h, "a.dat", sums) == h.signal_count);
    CHECK(wfdb::checksum_mismatch(h, "a.dat", std::span(sums).first(2)) == 3);  // no sum for V5
    sums[1].add(1);
    CHECK(wfdb::checksum_mismatch(h, "a.dat", sums) == 1);
    std::array<wfdb::checksum16, 1> v1{};
    v1[0].add(-3);
    CHECK(wfdb::checksum_mismatch(h, "b.dat", v1) == h.signal_count);
    CHECK(wfdb::checksum_mismatch(h, "c.dat", std::span(v1).first(0)) == 4);
}

TEST_CASE("wfdb: record 100 from NERVE_DATA_DIR (first frame, checksums, 2273 beats)", "[wfdb][data]") {
    const std::string dir = data_dir() + "/mitdb/";
    const auto hea = slurp(dir + "100.hea");
    const auto dat = slurp(dir + "100.dat");
    const auto atr = slurp(dir + "100.atr");
    if (hea.empty() || dat.empty() || atr.empty()) {
        WARN("NERVE_DATA_DIR/mitdb/100.* not found: skipped");
        return;
    }
    const std::string text(hea.begin(), hea.end());
    auto h = wfdb::parse_header(text);
    REQUIRE(h.ok());
    REQUIRE(wfdb::check_size(h.value(), 212, 2, dat.size()).ok());
    std::vector<std::int16_t> s(650000 * 2);
    REQUIRE(wfdb::decode(212, dat, 0, s).ok());
    CHECK(s[0] == 995);
    CHECK(s[1] == 1011);
    wfdb::checksum16 c0, c1;
    for (std::size_t i = 0; i < 650000; ++i) { c0.add(s[2 * i]); c1.add(s[2 * i + 1]); }
    CHECK(c0.matches(-22131));
    CHECK(c1.matches(20052));
    CHECK(c0.matches(h.value().signals[0].checksum));
    std::size_t beats = 0, normal = 0;
    auto r = wfdb::read_annotations(atr, [&](const wfdb::annotation& a) {
        beats += wfdb::is_beat(a.code);
        normal += a.code == 1;
    });
    REQUIRE(r.ok());
    CHECK(beats == 2273);
    CHECK(normal == 2239);
}
