// tests/io/test_csv.cpp — line walking, cell splitting and number parsing of nerve/io/csv.hpp.
#include "nerve/io/csv.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "nerve_test.hpp"

using nerve::errc;
using namespace std::string_literals;

TEST_CASE("line_cursor skips blank lines, strips CR and counts editor lines", "[csv]") {
    nerve::io::line_cursor c{"a,b\r\n\n  \r\n1,2\n3,4"};
    std::string_view l;
    REQUIRE(c.next(l));
    CHECK(l == "a,b");
    CHECK(c.line_number() == 1);
    REQUIRE(c.next(l));
    CHECK(l == "1,2");
    CHECK(c.line_number() == 4);
    REQUIRE(c.next(l));
    CHECK(l == "3,4");  // no trailing newline
    CHECK_FALSE(c.next(l));
    nerve::io::line_cursor empty{""};
    CHECK_FALSE(empty.next(l));
}

TEST_CASE("split_csv: cells, empty cells, quotes and limits", "[csv]") {
    std::array<std::string_view, 4> cells{};
    auto n = nerve::io::split_csv("2015-01-01 00:00:00,,\"a,b\",7", cells);
    REQUIRE(n.ok());
    REQUIRE(n.value() == 4);
    CHECK(cells[0] == "2015-01-01 00:00:00");
    CHECK(cells[1].empty());
    CHECK(nerve::io::unquote(cells[2]) == "a,b");
    CHECK(cells[3] == "7");

    auto one = nerve::io::split_csv("", cells);
    REQUIRE(one.ok());
    CHECK(one.value() == 1);  // an empty line is one empty cell

    CHECK(nerve::io::split_csv("1,2,3,4,5", cells).code() == errc::buffer_too_small);
    CHECK(nerve::io::split_csv("\"open,1", cells).code() == errc::parse_error);
    auto doubled = nerve::io::split_csv("\"say \"\"hi\"\"\",2", cells);
    REQUIRE(doubled.ok());
    CHECK(doubled.value() == 2);
}

TEST_CASE("parse_number accepts decimal numbers only", "[csv]") {
    using nerve::io::parse_number;
    CHECK(parse_number("42").value() == 42.0);
    CHECK(parse_number(" -3.5 ").value() == -3.5);
    CHECK(parse_number("+.25").value() == 0.25);
    CHECK(parse_number("1e-3").value() == 0.001);
    CHECK(parse_number("\"7.0\"").value() == 7.0);
    CHECK(parse_number("6.02E23").value() == 6.02e23);
    CHECK(parse_number("0.1").value() == 0.1);  // correctly rounded
    for (const char* bad : {"", "  ", "nan", "NaN", "inf", "-inf", "0x10", "1.2.3", "12abc", "e5", "1e", "1e+",
                            "-", ".", "--1", "1,5"}) {
        INFO(bad);
        CHECK(parse_number(bad).code() == errc::parse_error);
    }
    CHECK(parse_number("1e999").code() == errc::out_of_range);
    CHECK(parse_number("-1e999").code() == errc::out_of_range);
    CHECK(parse_number(std::string_view("1234567890123456789012345678901234567890123456789012345678901234")).code() ==
          errc::parse_error);  // 64 characters: over the bound
}

TEST_CASE("csv pieces never allocate and survive hostile bytes", "[csv]") {
    std::array<std::string_view, 8> cells{};
    std::uint32_t s = 12345;
    char buf[97];
    NERVE_REQUIRE_NO_ALLOC({
        for (int round = 0; round < 300; ++round) {
            for (char& c : buf) {
                s = s * 1664525u + 1013904223u;
                c = static_cast<char>(s >> 24);
            }
            nerve::io::line_cursor lines{std::string_view(buf, sizeof buf)};
            std::string_view line;
            while (lines.next(line)) {
                auto n = nerve::io::split_csv(line, cells);
                if (!n) continue;
                for (std::size_t i = 0; i < n.value(); ++i) {
                    auto v = nerve::io::parse_number(cells[i]);
                    if (v) CHECK(std::isfinite(v.value()));
                }
            }
        }
    });
}
