// tests/io/test_senml.cpp — nerve/io/senml.hpp against the examples of RFC 8428 section 5 (with
// the values its resolved-records example, section 5.1.4, states), each rule of the header
// comment, every truncation of a pack, the limits, and hostile bytes.
#include "nerve/io/senml.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nerve_test.hpp"

using nerve::errc;
using nerve::io::senml_kind;
using nerve::io::senml_limits;
using nerve::io::senml_record;

namespace {

struct pack_read {
    std::vector<senml_record> records;
    errc code = errc::ok;
    std::size_t count = 0;
    const char* message = "";
};

pack_read read(std::string_view json, const senml_limits& limits = {}) {
    pack_read p;
    const auto n = nerve::io::read_senml(json, [&](const senml_record& r) { p.records.push_back(r); }, limits);
    p.code = n.code();
    p.message = n.message();
    if (n) p.count = n.value();
    return p;
}

errc code_of(std::string_view json) { return read(json).code; }

std::string full_name(const senml_record& r) { return std::string(r.base_name) + std::string(r.name); }

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// RFC 8428 section 5.1.3 (multiple measurements).
constexpr std::string_view rfc_multiple_measurements = R"([
     {"bn":"urn:dev:ow:10e2073a01080063","bt":1.320067464e+09,
      "bu":"%RH","v":20},
     {"u":"lon","v":24.30621},
     {"u":"lat","v":60.07965},
     {"t":60,"v":20.3},
     {"u":"lon","t":60,"v":24.30622},
     {"u":"lat","t":60,"v":60.07965},
     {"t":120,"v":20.7},
     {"u":"lon","t":120,"v":24.30623},
     {"u":"lat","t":120,"v":60.07966},
     {"u":"%EL","t":150,"v":98},
     {"t":180,"v":21.2},
     {"u":"lon","t":180,"v":24.30628},
     {"u":"lat","t":180,"v":60.07967}
   ])";

// A pack that touches every part of the reader: base fields, escapes, UTF-8, exponents, literals,
// a nested unknown field, a sum, a base-only record.
constexpr std::string_view rich_pack =
    "[{\"bn\":\"dev:1/\",\"bt\":1.5e9,\"bu\":\"Cel\",\"bver\":10,\"n\":\"t\",\"v\":-0.25e-1},"
    "{\"n\":\"label\",\"vs\":\"caf\xC3\xA9 \\\"x\\\" \\u00e9\\n\",\"ext\":{\"a\":[1,true,null,{\"b\":\"c\"}]}},"
    "{\"n\":\"door\",\"vb\":false,\"t\":-1},{\"bs\":10},"
    "{\"n\":\"energy\",\"u\":\"J\",\"s\":2.5,\"ut\":60},{\"n\":\"blob\",\"vd\":\"aGkgCg\"}]";

}  // namespace

TEST_CASE("senml: RFC 8428 5.1.1 single datapoint, 5.1.2 multiple datapoints", "[senml]") {
    auto p = read(R"([
     {"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.count == 1);
    REQUIRE(p.records.size() == 1);
    const senml_record& r = p.records[0];
    CHECK(r.base_name.empty());
    CHECK(r.name == "urn:dev:ow:10e2073a01080063");
    CHECK(r.unit == "Cel");
    CHECK(r.kind == senml_kind::number);
    CHECK(r.value == 23.1);
    CHECK(r.time == 0.0);  // "roughly now"
    CHECK(r.relative_time);
    CHECK_FALSE(r.has_sum);
    CHECK(r.update_time == 0.0);

    p = read(R"([
     {"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
     {"n":"current","u":"A","v":1.2}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 2);
    CHECK(full_name(p.records[0]) == "urn:dev:ow:10e2073a01080063:voltage");
    CHECK(p.records[0].base_name == "urn:dev:ow:10e2073a01080063:");
    CHECK(p.records[0].name == "voltage");
    CHECK(full_name(p.records[1]) == "urn:dev:ow:10e2073a01080063:current");
    CHECK(p.records[1].unit == "A");
    CHECK(p.records[1].value == 1.2);

    // The same with a base time, a base unit and bver 5: current at 18:01:16.001 UTC, 8 June 2010,
    // and each second for the 5 seconds before.
    p = read(R"([
     {"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,
      "bu":"A","bver":5,
      "n":"voltage","u":"V","v":120.1},
     {"n":"current","t":-5,"v":1.2},
     {"n":"current","t":-4,"v":1.3},
     {"n":"current","t":-3,"v":1.4},
     {"n":"current","t":-2,"v":1.5},
     {"n":"current","t":-1,"v":1.6},
     {"n":"current","v":1.7}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 7);
    CHECK(p.records[0].unit == "V");
    CHECK(p.records[0].time == 1.276020076001e9);
    CHECK_FALSE(p.records[0].relative_time);
    const double values[] = {120.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7};
    for (std::size_t i = 1; i < 7; ++i) {
        INFO(i);
        CHECK(full_name(p.records[i]) == "urn:dev:ow:10e2073a0108006:current");
        CHECK(p.records[i].unit == "A");  // bu
        CHECK(p.records[i].time == Approx(1.276020076001e9 - static_cast<double>(7 - i - 1)).margin(1e-6));
        CHECK(p.records[i].value == values[i]);
        CHECK_FALSE(p.records[i].relative_time);
    }
}

TEST_CASE("senml: RFC 8428 5.1.3 multiple measurements resolve to 5.1.4's records", "[senml]") {
    const auto p = read(rfc_multiple_measurements);
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.count == 13);
    REQUIRE(p.records.size() == 13);
    // RFC 8428 section 5.1.4, resolved: n, u, t, v of each record.
    struct resolved {
        const char* u;
        double t;
        double v;
    };
    const resolved expected[] = {
        {"%RH", 1.320067464e+09, 20},       {"lon", 1.320067464e+09, 24.30621}, {"lat", 1.320067464e+09, 60.07965},
        {"%RH", 1.320067524e+09, 20.3},     {"lon", 1.320067524e+09, 24.30622}, {"lat", 1.320067524e+09, 60.07965},
        {"%RH", 1.320067584e+09, 20.7},     {"lon", 1.320067584e+09, 24.30623}, {"lat", 1.320067584e+09, 60.07966},
        {"%EL", 1.320067614e+09, 98},       {"%RH", 1.320067644e+09, 21.2},     {"lon", 1.320067644e+09, 24.30628},
        {"lat", 1.320067644e+09, 60.07967},
    };
    for (std::size_t i = 0; i < 13; ++i) {
        INFO(i);
        const senml_record& r = p.records[i];
        CHECK(full_name(r) == "urn:dev:ow:10e2073a01080063");
        CHECK(r.name.empty());
        CHECK(r.unit == expected[i].u);
        CHECK(r.time == expected[i].t);  // integers of seconds: exact
        CHECK_FALSE(r.relative_time);
        CHECK(r.kind == senml_kind::number);
        CHECK(r.value == expected[i].v);
    }
}

TEST_CASE("senml: RFC 8428 5.1.5-5.1.7 data types, collections of resources, an actuator", "[senml]") {
    auto p = read(R"([
     {"bn":"urn:dev:ow:10e2073a01080063:","n":"temp","u":"Cel","v":23.1},
     {"n":"label","vs":"Machine Room"},
     {"n":"open","vb":false},
     {"n":"nfc-reader","vd":"aGkgCg"}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 4);
    CHECK(p.records[0].kind == senml_kind::number);
    CHECK(p.records[1].kind == senml_kind::string);
    CHECK(p.records[1].text == "Machine Room");
    CHECK(p.records[1].value == 0.0);
    CHECK(p.records[2].kind == senml_kind::boolean);
    CHECK_FALSE(p.records[2].boolean);
    CHECK(p.records[3].kind == senml_kind::data);
    CHECK(p.records[3].text == "aGkgCg");
    CHECK(full_name(p.records[3]) == "urn:dev:ow:10e2073a01080063:nfc-reader");
    CHECK(read(R"([{"n":"x","vb":true}])").records.at(0).boolean);

    // 5.1.6: the last record has the base name of the third and the base time of the first.
    p = read(R"([
     {"bn":"2001:db8::2/","bt":1.320078429e+09,
      "n":"temperature","u":"Cel","v":25.2},
     {"n":"humidity","u":"%RH","v":30},
     {"bn":"2001:db8::1/","n":"temperature","u":"Cel","v":12.3},
     {"n":"humidity","u":"%RH","v":67}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 4);
    CHECK(full_name(p.records[1]) == "2001:db8::2/humidity");
    CHECK(full_name(p.records[3]) == "2001:db8::1/humidity");
    CHECK(p.records[3].time == 1.320078429e9);
    CHECK(p.records[3].value == 67);

    // 5.1.7: the first record holds only a base name; it is not a reading.
    p = read(R"([
     {"bn":"urn:dev:ow:10e2073a01080063:"},
     {"n":"temp","u":"Cel","v":23.1},
     {"n":"heat","u":"/","v":1},
     {"n":"fan","u":"/","v":0}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.count == 3);
    REQUIRE(p.records.size() == 3);
    CHECK(full_name(p.records[0]) == "urn:dev:ow:10e2073a01080063:temp");
    CHECK(full_name(p.records[2]) == "urn:dev:ow:10e2073a01080063:fan");
    CHECK(p.records[2].unit == "/");

    // 5.1.7's synchronized lights: 100 ms after the base time.
    p = read(R"([
     {"bt":1.320078429e+09,"bu":"/","n":"2001:db8::3","v":0.5},
     {"n":"2001:db8::4","v":0.5},
     {"n":"2001:db8::3","t":0.1,"v":0},
     {"n":"2001:db8::4","t":0.1,"v":0}
   ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 4);
    CHECK(p.records[3].time == 1.320078429e9 + 0.1);
    CHECK(p.records[3].unit == "/");
    CHECK(full_name(p.records[3]) == "2001:db8::4");
}

TEST_CASE("senml: base fields apply until changed; bv, bs and bu inheritance", "[senml]") {
    const auto p = read(R"([
      {"bn":"a:","bt":1000,"bu":"W","bv":100,"bs":50,"n":"p","v":1,"s":5},
      {"n":"p","v":2,"t":10},
      {"n":"p","u":"kW","v":-100},
      {"n":"e","s":7},
      {"bv":0.5,"bs":0,"bu":"V","n":"q","v":0.25},
      {"bn":"b:","bt":3e8,"n":"q","v":1},
      {"n":"r","vs":"on"},
      {"bv":9,"n":"only-sum","s":1},
      {"n":"u-empty","u":"","v":1}
    ])");
    REQUIRE(p.code == errc::ok);
    REQUIRE(p.records.size() == 9);
    const auto& r = p.records;
    CHECK(r[0].value == 101);  // bv + v
    CHECK(r[0].has_sum);
    CHECK(r[0].sum == 55);     // bs + s
    CHECK(r[0].unit == "W");
    CHECK(r[0].time == 1000);
    CHECK(r[0].relative_time);  // below 2^28
    CHECK(r[1].value == 102);
    CHECK(r[1].time == 1010);
    CHECK(r[1].has_sum);        // bs alone: a sum of bs + 0 (RFC 8428 section 4.5.4)
    CHECK(r[1].sum == 50);
    CHECK(r[2].unit == "kW");   // u overrides bu for this record only
    CHECK(r[2].value == 0);
    CHECK(r[3].kind == senml_kind::sum_only);
    CHECK(r[3].value == 0);     // bv makes no value without v
    CHECK(r[3].sum == 57);
    CHECK(r[3].unit == "W");
    CHECK(r[4].value == 0.75);
    CHECK(r[4].sum == 0);
    CHECK(r[4].unit == "V");
    CHECK(full_name(r[4]) == "a:q");
    CHECK(full_name(r[5]) == "b:q");
    CHECK(r[5].time == 3e8);
    CHECK_FALSE(r[5].relative_time);
    CHECK(r[5].value == 1.5);   // bv 0.5 still in effect
    CHECK(r[6].kind == senml_kind::string);
    CHECK(r[6].value == 0);     // bv applies to v only
    CHECK(r[7].kind == senml_kind::sum_only);
    CHECK(r[7].value == 0);
    CHECK(r[7].sum == 1);
    CHECK(r[8].unit.empty());   // an explicit "" unit is the record's unit
}

TEST_CASE("senml: relative and absolute time around 2^28", "[senml]") {
    auto p = read(R"([{"n":"x","bt":268435455,"v":1},{"n":"x","t":1,"v":1},{"n":"x","t":-268435456,"v":1}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.records[0].relative_time);
    CHECK_FALSE(p.records[1].relative_time);  // exactly 2^28: absolute, 1978-07-04 21:24:16 UTC
    CHECK(p.records[1].time == 268435456.0);
    CHECK(p.records[2].relative_time);
    CHECK(p.records[2].time == -1);
    p = read(R"([{"n":"x","t":-5,"v":1,"ut":30}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.records[0].time == -5);
    CHECK(p.records[0].relative_time);
    CHECK(p.records[0].update_time == 30);
}

TEST_CASE("senml: JSON structure, whitespace and empty packs", "[senml][bad-input]") {
    auto p = read("[]");
    CHECK(p.code == errc::ok);
    CHECK(p.count == 0);
    CHECK(read(" \t\r\n[ \n ] \r\n\t ").code == errc::ok);
    p = read(" [ { \"n\" : \"x\" ,\n\"v\"\t:\r1 } , {\"n\":\"y\",\"v\":2}\n]\n");
    CHECK(p.code == errc::ok);
    CHECK(p.count == 2);

    CHECK(code_of("{\"n\":\"x\",\"v\":1}") == errc::parse_error);   // not an array
    CHECK(code_of("[[{\"n\":\"x\",\"v\":1}]]") == errc::parse_error);
    CHECK(code_of("[1]") == errc::parse_error);
    CHECK(code_of("[\"x\"]") == errc::parse_error);
    CHECK(code_of("[,]") == errc::parse_error);
    CHECK(code_of("[{\"n\":\"x\",\"v\":1},]") == errc::parse_error);   // trailing comma
    CHECK(code_of("[{\"n\":\"x\",\"v\":1,}]") == errc::parse_error);
    CHECK(code_of("[{\"n\":\"x\" \"v\":1}]") == errc::parse_error);    // missing comma
    CHECK(code_of("[{\"n\" \"x\",\"v\":1}]") == errc::parse_error);    // missing colon
    CHECK(code_of("[{n:\"x\",\"v\":1}]") == errc::parse_error);        // unquoted name
    CHECK(code_of("[{\"n\":'x',\"v\":1}]") == errc::parse_error);
    CHECK(code_of("[{\"n\":\"x\",\"v\":1}]]") == errc::parse_error);  // trailing non-whitespace
    CHECK(code_of("[] x") == errc::parse_error);
    CHECK(code_of("[]\v") == errc::parse_error);                     // \v is not JSON whitespace
    CHECK(code_of("\xEF\xBB\xBF[]") == errc::parse_error);           // no byte-order mark
    CHECK(code_of("") == errc::truncated);
    CHECK(code_of("  \n") == errc::truncated);
    CHECK(code_of("[{\"n\":\"x\",\"v\":1}") == errc::truncated);
}

TEST_CASE("senml: strings — control characters, escapes and UTF-8", "[senml][bad-input]") {
    auto p = read(R"([{"n":"x","vs":"a\"b\\c\/d\be\ff\ng\rh\ti\u00E9\uD83D\uDE00"}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.records[0].text == R"(a\"b\\c\/d\be\ff\ng\rh\ti\u00E9\uD83D\uDE00)");  // not decoded
    CHECK(read("[{\"n\":\"x\",\"vs\":\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x7F\"}]").code == errc::ok);

    CHECK(code_of("[{\"n\":\"x\",\"vs\":\"a\tb\"}]") == errc::parse_error);  // raw tab
    CHECK(code_of("[{\"n\":\"x\",\"vs\":\"a\nb\"}]") == errc::parse_error);
    CHECK(code_of(std::string_view("[{\"n\":\"x\",\"vs\":\"a\0b\"}]", 22)) == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vs":"\x41"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vs":"\'"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vs":"\u12G4"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vs":"\u12"}])") == errc::parse_error);
    for (const char* bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF0\x80\x80\xAF",
                            "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xC3(", "\xE2\x82("}) {
        INFO(bad);
        CHECK(code_of(std::string("[{\"n\":\"x\",\"vs\":\"") + bad + "\"}]") == errc::parse_error);
    }
    // Names are kept as raw views: an escape in a field name or in a name is refused.
    CHECK(code_of(R"([{"\u006e":"x","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"a\/b","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"bn":"\u0041","v":1}])") == errc::parse_error);
}

TEST_CASE("senml: numbers follow the JSON grammar; out of range is out_of_range", "[senml][bad-input]") {
    const auto value_of = [](const std::string& num) {
        const auto p = read("[{\"n\":\"x\",\"v\":" + num + "}]");
        return p.code == errc::ok ? p.records.at(0).value : std::nan("");
    };
    CHECK(value_of("0") == 0.0);
    CHECK(std::signbit(value_of("-0")));
    CHECK(value_of("-12") == -12.0);
    CHECK(value_of("0.5") == 0.5);
    CHECK(value_of("1E+2") == 100.0);
    CHECK(value_of("1e-3") == 0.001);
    CHECK(value_of("-0.0e0") == 0.0);
    CHECK(value_of("1.7976931348623157e308") == 1.7976931348623157e308);
    for (const char* bad : {"+1", "01", "-01", "00", ".5", "5.", "-.5", "1.e5", "1e", "1e+", "-", "--1", "1-2", "0x10",
                            "1.2.3", "NaN", "Infinity", "-Infinity", "1_000", "\"1\"", "[1]", "{}", "true", "null"}) {
        INFO(bad);
        CHECK(code_of(std::string("[{\"n\":\"x\",\"v\":") + bad + "}]") == errc::parse_error);
    }
    CHECK(code_of(R"([{"n":"x","v":1e999}])") == errc::out_of_range);
    CHECK(code_of(R"([{"n":"x","v":-1e999}])") == errc::out_of_range);
    CHECK(code_of(R"([{"n":"x","t":1e-400,"v":1}])") == errc::out_of_range);  // underflow, as parse_number
    // JSON allows any length; parse_number's bound is 63 characters.
    CHECK(code_of("[{\"n\":\"x\",\"v\":0." + std::string(61, '1') + "}]") == errc::ok);
    CHECK(code_of("[{\"n\":\"x\",\"v\":0." + std::string(62, '1') + "}]") == errc::parse_error);
    // Numbers in unknown fields are checked for grammar only.
    CHECK(code_of(R"([{"n":"x","v":1,"x":1e999}])") == errc::ok);
    CHECK(code_of(R"([{"n":"x","v":1,"x":01}])") == errc::parse_error);
}

TEST_CASE("senml: literals and JSON types of known fields", "[senml][bad-input]") {
    CHECK(code_of(R"([{"n":"x","vb":true}])") == errc::ok);
    CHECK(code_of(R"([{"n":"x","vb":True}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vb":tru}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vb":truex}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vb":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vb":"true"}])") == errc::parse_error);
    for (const char* f : {"bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"}) {
        INFO(f);
        CHECK(code_of(std::string("[{\"n\":\"x\",\"v\":1,\"") + f + "\":null}]") == errc::parse_error);
    }
    CHECK(code_of(R"([{"n":1,"v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"u":["V"]}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vs":5}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"t":"-5"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"x":null}])") == errc::ok);  // null in an unknown field is skipped
}

TEST_CASE("senml: bver — positive integer, at most 10, one version per pack", "[senml][bad-input]") {
    CHECK(code_of(R"([{"bver":10,"n":"x","v":1}])") == errc::ok);
    CHECK(code_of(R"([{"bver":5,"n":"x","v":1},{"bver":5,"n":"y","v":1}])") == errc::ok);
    CHECK(code_of(R"([{"bver":1,"n":"x","v":1}])") == errc::ok);
    CHECK(code_of(R"([{"bver":11,"n":"x","v":1}])") == errc::version_mismatch);
    CHECK(code_of(R"([{"bver":1e300,"n":"x","v":1}])") == errc::version_mismatch);
    CHECK(code_of(R"([{"n":"x","v":1},{"bver":11,"n":"y","v":1}])") == errc::version_mismatch);
    for (const char* bad : {"0", "-1", "2.5", "\"10\""}) {
        INFO(bad);
        CHECK(code_of(std::string("[{\"bver\":") + bad + ",\"n\":\"x\",\"v\":1}]") == errc::parse_error);
    }
    // RFC 8428 section 4.4: all records of a pack have the same version (10 by default).
    CHECK(code_of(R"([{"bver":5,"n":"x","v":1},{"bver":10,"n":"y","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1},{"bver":5,"n":"y","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1},{"bver":10,"n":"y","v":1}])") == errc::ok);
}

TEST_CASE("senml: names — non-empty, alphanumeric start, restricted characters", "[senml][bad-input]") {
    CHECK(code_of(R"([{"n":"Az09-:./_","v":1}])") == errc::ok);
    CHECK(code_of(R"([{"bn":"9","v":1}])") == errc::ok);  // the name may come from bn alone
    CHECK(code_of(R"([{"bn":"","n":"a","v":1}])") == errc::ok);
    CHECK(code_of(R"([{"bn":"dev/","n":"_x","v":1}])") == errc::ok);  // only the full name's start counts
    CHECK(code_of(R"([{"v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"bn":"","n":"","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"bn":"a:"},{"bn":"","v":1}])") == errc::parse_error);  // bn changed to empty
    for (const char* bad : {"-x", ":x", ".x", "/x", "_x", "a b", "a#b", "a%b", "a+b", "\xC3\xA9"}) {
        INFO(bad);
        CHECK(code_of(std::string("[{\"n\":\"") + bad + "\",\"v\":1}]") == errc::parse_error);
    }
    CHECK(code_of(R"([{"bn":"a b","n":"x","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"bn":"_a","n":"x","v":1}])") == errc::parse_error);
}

TEST_CASE("senml: values — at most one, a value or a sum, base-only records", "[senml][bad-input]") {
    CHECK(code_of(R"([{"n":"x","v":1,"vs":"a"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","vb":true,"vd":"aa"}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"vb":false}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x"}])") == errc::parse_error);           // no value, no sum
    CHECK(code_of(R"([{"n":"x","t":5}])") == errc::parse_error);
    CHECK(code_of(R"([{"bv":5,"n":"x"}])") == errc::parse_error);    // bv alone makes no value
    CHECK(code_of(R"([{"bv":5},{"n":"x"}])") == errc::parse_error);
    CHECK(code_of(R"([{"bs":5},{"n":"x"}])") == errc::parse_error);  // nor does bs: s is needed
    CHECK(code_of(R"([{}])") == errc::parse_error);
    CHECK(code_of(R"([{"x":1}])") == errc::parse_error);
    auto p = read(R"([{"n":"x","s":3}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.records.at(0).kind == senml_kind::sum_only);
    CHECK(p.records[0].has_sum);
    CHECK(p.records[0].sum == 3);
    // A base-only record (unknown fields allowed) is not delivered and not counted.
    p = read(R"([{"bn":"a:","bt":2e9,"x":[1]},{"bu":"V"},{"n":"y","v":1}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.count == 1);
    REQUIRE(p.records.size() == 1);
    CHECK(full_name(p.records[0]) == "a:y");
    CHECK(p.records[0].time == 2e9);
    CHECK(p.records[0].unit == "V");
}

TEST_CASE("senml: unknown fields — must-understand, skipping, depth, duplicates", "[senml][bad-input]") {
    CHECK(code_of(R"([{"n":"x","v":1,"foo_":1}])") == errc::unsupported);
    CHECK(code_of(R"([{"n":"x","v":1,"_":"a"}])") == errc::unsupported);
    CHECK(code_of(R"([{"bn":"a","rv_":1},{"n":"x","v":1}])") == errc::unsupported);
    auto p = read(R"([{"n":"x","foo":{"a":[1,-2.5e3,"s\"}]",true,false,null,{},[],{"b":{"c":[[]]}}]},"bar":"]","v":7}])");
    REQUIRE(p.code == errc::ok);
    CHECK(p.records.at(0).value == 7);
    const auto nested = [](int depth, bool objects) {
        std::string open, close;
        for (int d = 0; d < depth; ++d) {
            open += objects ? "{\"k\":" : "[";
            close = (objects ? "}" : "]") + close;
        }
        return std::string("[{\"n\":\"x\",\"v\":1,\"deep\":") + open + "0" + close + "}]";
    };
    CHECK(code_of(nested(16, false)) == errc::ok);
    CHECK(code_of(nested(16, true)) == errc::ok);
    CHECK(code_of(nested(17, false)) == errc::parse_error);
    CHECK(code_of(nested(17, true)) == errc::parse_error);
    CHECK(code_of(nested(1000, false)) == errc::parse_error);  // refused without recursion
    CHECK(code_of(R"([{"n":"x","v":1,"x":[1,]}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"x":{"a"}}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"x":{1:2}}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","v":1,"x":[1}]}])") == errc::parse_error);
    // Duplicate known fields.
    CHECK(code_of(R"([{"n":"x","v":1,"v":2}])") == errc::parse_error);
    CHECK(code_of(R"([{"n":"x","n":"y","v":1}])") == errc::parse_error);
    CHECK(code_of(R"([{"bt":1,"bt":1,"n":"x","v":1}])") == errc::parse_error);
}

TEST_CASE("senml: non-finite sums of base and record fields are out_of_range", "[senml][bad-input]") {
    CHECK(code_of(R"([{"bt":1e308,"t":1e308,"n":"x","v":1}])") == errc::out_of_range);
    CHECK(code_of(R"([{"bt":-1e308,"n":"x","t":-1e308,"v":1}])") == errc::out_of_range);
    CHECK(code_of(R"([{"bv":1e308,"n":"x","v":1e308}])") == errc::out_of_range);
    CHECK(code_of(R"([{"bs":1e308,"n":"x","s":1e308}])") == errc::out_of_range);
    CHECK(code_of(R"([{"bs":1e308},{"n":"x","v":1,"s":1e308}])") == errc::out_of_range);
    CHECK(code_of(R"([{"bt":1e308,"t":-1e308,"n":"x","v":1}])") == errc::ok);
}

TEST_CASE("senml: limits on records and bytes", "[senml][bad-input]") {
    const auto pack_of = [](std::size_t n) {
        std::string s = "[{\"bn\":\"d:\",\"bt\":1.7e9,\"bu\":\"V\",\"n\":\"0\",\"v\":0}";
        for (std::size_t i = 1; i < n; ++i) s += ",{\"n\":\"" + std::to_string(i) + "\",\"t\":" + std::to_string(i) + ",\"v\":1}";
        return s + "]";
    };
    senml_limits lim;
    lim.max_records = 64;
    auto p = read(pack_of(64), lim);
    CHECK(p.code == errc::ok);
    CHECK(p.count == 64);
    p = read(pack_of(65), lim);
    CHECK(p.code == errc::out_of_range);
    CHECK(p.records.size() == 64);  // refused when the 65th starts
    lim.max_records = 2;             // base-only records count against the limit
    CHECK(read(R"([{"bn":"a"},{"n":"x","v":1},{"n":"y","v":1}])", lim).code == errc::out_of_range);
    lim.max_records = 0;
    CHECK(read("[]", lim).code == errc::ok);
    CHECK(read(R"([{"n":"x","v":1}])", lim).code == errc::out_of_range);

    const std::string one = R"([{"n":"x","v":1}])";
    senml_limits bytes;
    bytes.max_bytes = one.size();
    CHECK(read(one, bytes).code == errc::ok);
    bytes.max_bytes = one.size() - 1;
    p = read(one, bytes);
    CHECK(p.code == errc::out_of_range);
    CHECK(p.records.empty());  // refused before reading
    CHECK(read(one + " ", senml_limits{65536, one.size()}).code == errc::out_of_range);
}

TEST_CASE("senml: every truncation of a pack is an error, with no record it does not hold", "[senml][bad-input]") {
    for (const std::string_view pack : {rich_pack, rfc_multiple_measurements}) {
        const auto whole = read(pack);
        REQUIRE(whole.code == errc::ok);
        for (std::size_t len = 0; len < pack.size(); ++len) {
            const auto p = read(pack.substr(0, len));
            INFO("prefix of " << len << " bytes: " << pack.substr(0, len));
            CHECK(p.code == errc::truncated);
            REQUIRE(p.records.size() <= whole.records.size());
            for (std::size_t i = 0; i < p.records.size(); ++i) {
                CHECK(full_name(p.records[i]) == full_name(whole.records[i]));
                CHECK(p.records[i].value == whole.records[i].value);
            }
        }
    }
    const auto p = read(rich_pack);
    REQUIRE(p.records.size() == 5);
    CHECK(full_name(p.records[0]) == "dev:1/t");
    CHECK(p.records[0].value == -0.025);
    CHECK(p.records[1].text == "caf\xC3\xA9 \\\"x\\\" \\u00e9\\n");
    CHECK(p.records[2].time == 1.5e9 - 1);
    CHECK(p.records[3].kind == senml_kind::sum_only);
    CHECK(p.records[3].sum == 12.5);
    CHECK(p.records[3].update_time == 60);
    CHECK(p.records[4].has_sum);  // bs in effect
}

TEST_CASE("senml: records before an error stay delivered; a first pass makes it all-or-nothing", "[senml]") {
    const std::string_view pack = R"([{"n":"a","v":1},{"n":"b","v":2},{"n":"c","v":"3"},{"n":"d","v":4}])";
    const auto p = read(pack);
    CHECK(p.code == errc::parse_error);
    CHECK(p.records.size() == 2);
    std::size_t delivered = 0;
    const auto check = nerve::io::read_senml(pack, [](const senml_record&) {});
    if (check) (void)nerve::io::read_senml(pack, [&](const senml_record&) { ++delivered; });
    CHECK_FALSE(check.ok());
    CHECK(delivered == 0);
}

TEST_CASE("senml_full_name joins base name and name into the caller's buffer", "[senml]") {
    senml_record r;
    r.base_name = "urn:dev:ow:10e2073a01080063:";
    r.name = "voltage";
    std::array<char, 64> buf{};
    auto n = nerve::io::senml_full_name(r, buf);
    REQUIRE(n.ok());
    CHECK(n.value() == "urn:dev:ow:10e2073a01080063:voltage");
    CHECK(n.value().data() == buf.data());
    std::array<char, 35> exact{};
    CHECK(nerve::io::senml_full_name(r, exact).value() == "urn:dev:ow:10e2073a01080063:voltage");
    std::array<char, 34> one_short{};
    one_short.fill('#');
    CHECK(nerve::io::senml_full_name(r, one_short).code() == errc::buffer_too_small);
    CHECK(one_short[0] == '#');  // nothing written
    r.name = {};
    std::array<char, 28> base_only{};
    CHECK(nerve::io::senml_full_name(r, base_only).value() == "urn:dev:ow:10e2073a01080063:");
    CHECK(nerve::io::senml_full_name(r, std::span<char>{}).code() == errc::buffer_too_small);
    CHECK(nerve::io::senml_full_name(senml_record{}, std::span<char>{}).value().empty());
}

TEST_CASE("senml: reading never allocates, and hostile bytes never crash", "[senml][bad-input]") {
    // Callbacks that only count and check: no Catch2 macro (they may allocate) inside the guard.
    std::size_t calls = 0;
    bool views_inside = true;
    bool finite = true;
    std::string_view current;
    const auto on_record = [&](const senml_record& r) {
        ++calls;
        views_inside = views_inside && inside(r.base_name, current) && inside(r.name, current) &&
                       inside(r.unit, current) && inside(r.text, current);
        finite = finite && std::isfinite(r.time) && std::isfinite(r.value) && std::isfinite(r.sum) &&
                 std::isfinite(r.update_time);
    };
    std::size_t ok_count = 0;
    bool counts_agree = true;
    current = rfc_multiple_measurements;
    NERVE_REQUIRE_NO_ALLOC({
        const auto n = nerve::io::read_senml(current, on_record);
        ok_count = n.value_or(0);
    });
    CHECK(ok_count == 13);
    CHECK(calls == 13);

    // Byte mutations of a valid pack, and random bytes from JSON's alphabet.
    std::string buf(rich_pack);
    std::uint32_t s = 2024;
    const auto next = [&s] {
        s = s * 1664525u + 1013904223u;
        return s >> 8;
    };
    constexpr std::string_view alphabet = "[]{}\",:0123456789.-+eEtrufalsn \\bvdu_\x80\xC3\xA9";
    std::size_t accepted = 0;
    NERVE_REQUIRE_NO_ALLOC(for (int round = 0; round < 3000; ++round) {
        std::copy(rich_pack.begin(), rich_pack.end(), buf.begin());
        const int flips = 1 + static_cast<int>(next() % 4);
        for (int k = 0; k < flips; ++k) {
            const std::size_t at = next() % buf.size();
            buf[at] = (next() & 1) ? alphabet[next() % alphabet.size()] : static_cast<char>(next());
        }
        const std::size_t len = round % 3 == 0 ? next() % (buf.size() + 1) : buf.size();
        current = std::string_view(buf.data(), len);
        calls = 0;
        const auto n = nerve::io::read_senml(current, on_record);
        if (n.ok()) {
            ++accepted;
            counts_agree = counts_agree && n.value() == calls;
        }
    });
    CHECK(views_inside);
    CHECK(finite);
    CHECK(counts_agree);
    CHECK(accepted > 0);  // some mutations keep the pack valid (a digit for a digit)

    char noise[160];
    NERVE_REQUIRE_NO_ALLOC(for (int round = 0; round < 2000; ++round) {
        for (std::size_t i = 0; i < sizeof noise; ++i)
            noise[i] = round % 2 ? alphabet[next() % alphabet.size()] : static_cast<char>(next());
        noise[0] = '[';
        current = std::string_view(noise, sizeof noise);
        calls = 0;
        const auto n = nerve::io::read_senml(current, on_record);
        if (n.ok()) counts_agree = counts_agree && n.value() == calls;
    });
    CHECK(views_inside);
    CHECK(finite);
    CHECK(counts_agree);
}
