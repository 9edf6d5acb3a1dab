// tests/fuzz/fuzz_csv.cpp — the CSV pieces (include/nerve/io/csv.hpp) from arbitrary bytes.
//
// Feeds: the whole input as CSV text: line_cursor walks it, split_csv splits each line into at
// most 8 cells, and every cell goes through unquote, is_missing and parse_number.
// Asserts (besides ASan/UBSan):
//   - lines and cells are views inside the text; a line has no '\n' and is not blank (only one
//     '\r' before the '\n' is a terminator: "7\r\r\n" leaves the cell "7\r", not a number);
//     line numbers only grow; split_csv returns at most the cells it was given;
//   - a number parse_number accepts is finite and equals strtod's reading of the same
//     (unquoted) characters, which is correctly rounded too; an out_of_range one is one strtod
//     also finds beyond double's range (or underflowing).
#include <cerrno>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "nerve/io/csv.hpp"

namespace {

bool inside(std::string_view part, std::string_view whole) {
    if (part.empty()) return true;
    return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

void check_number(std::string_view cell) {
    const auto r = nerve::io::parse_number(cell);
    const std::string_view s = nerve::io::unquote(cell);
    if (r.ok()) NERVE_FUZZ_CHECK(std::isfinite(r.value()));
    if (!r.ok() && r.code() != nerve::errc::out_of_range) return;
    NERVE_FUZZ_CHECK(s.size() <= 63);
    char buf[64];
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    errno = 0;
    char* end = nullptr;
    const double ref = std::strtod(buf, &end);
    NERVE_FUZZ_CHECK(end == buf + s.size());
    if (r.ok()) {
        NERVE_FUZZ_CHECK(ref == r.value());
    } else {
        NERVE_FUZZ_CHECK(errno == ERANGE);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    nerve::io::line_cursor lines(text);
    std::string_view line;
    std::size_t previous = 0;
    std::string_view cells[8];
    while (lines.next(line)) {
        NERVE_FUZZ_CHECK(inside(line, text));
        NERVE_FUZZ_CHECK(line.find('\n') == std::string_view::npos);
        NERVE_FUZZ_CHECK(!nerve::io::line_cursor::is_blank(line));
        NERVE_FUZZ_CHECK(lines.line_number() > previous);
        previous = lines.line_number();
        const auto n = nerve::io::split_csv(line, cells);
        if (!n.ok()) {
            NERVE_FUZZ_CHECK(n.code() == nerve::errc::buffer_too_small || n.code() == nerve::errc::parse_error);
            check_number(line);
            continue;
        }
        NERVE_FUZZ_CHECK(n.value() >= 1 && n.value() <= 8);
        for (std::size_t i = 0; i < n.value(); ++i) {
            NERVE_FUZZ_CHECK(inside(cells[i], line));
            const std::string_view u = nerve::io::unquote(cells[i]);
            NERVE_FUZZ_CHECK(inside(u, cells[i]));
            NERVE_FUZZ_CHECK(nerve::io::is_missing(cells[i]) == u.empty());
            check_number(cells[i]);
        }
    }
    NERVE_FUZZ_CHECK(lines.line_number() <= size + 1);
    return 0;
}
