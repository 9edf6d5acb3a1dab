// nerve/io/csv.hpp — bounded, allocation-free pieces for reading CSV text.
//
// Readers of sensor logs (NAB series, metering exports, feature dumps) need three things:
// walk a buffer line by line, split a line into cells, and turn a cell into a number. Each is
// here, working on caller-owned text through std::string_view, so the same code runs on a
// gateway reading a file and on an MCU reading a UART line. Nothing allocates, nothing reads
// past the view it was given, and every failure is a nerve::result error, never a crash.
//
// Dialect: cells separated by ',', lines ended by "\n" or "\r\n" (a lone trailing "\r" is
// dropped), a cell may be wrapped in double quotes with "" standing for one quote (the view then
// keeps the quotes: use unquote()). Blank lines are skipped by line_cursor.
#pragma once

#include <cstddef>
#include <charconv>
#include <system_error>
#include <span>
#include <string_view>

#include "../core/result.hpp"

namespace nerve::io {

/// Walks a text buffer line by line. `line_number()` is 1-based and counts blank lines too, so
/// error messages can point at the line a user sees in an editor.
class line_cursor {
public:
    constexpr explicit line_cursor(std::string_view text) noexcept : rest_(text) {}

    /// Sets `line` to the next non-blank line (without its terminator); false at the end.
    constexpr bool next(std::string_view& line) noexcept {
        while (!rest_.empty()) {
            const std::size_t end = rest_.find('\n');
            std::string_view l = rest_.substr(0, end);
            rest_ = end == std::string_view::npos ? std::string_view{} : rest_.substr(end + 1);
            ++line_number_;
            if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
            if (!is_blank(l)) {
                line = l;
                return true;
            }
        }
        return false;
    }

    constexpr std::size_t line_number() const noexcept { return line_number_; }

    static constexpr bool is_blank(std::string_view s) noexcept {
        for (char c : s)
            if (c != ' ' && c != '\t' && c != '\r') return false;
        return true;
    }

private:
    std::string_view rest_;
    std::size_t line_number_ = 0;
};

/// Splits `line` into cells. Returns the number of cells, or errc::buffer_too_small when the
/// line has more cells than `cells` holds, or errc::parse_error for an unterminated quote.
constexpr result<std::size_t> split_csv(std::string_view line, std::span<std::string_view> cells) noexcept {
    std::size_t n = 0;
    std::size_t start = 0;
    bool in_quotes = false;
    for (std::size_t i = 0; i <= line.size(); ++i) {
        const bool at_end = i == line.size();
        const char c = at_end ? ',' : line[i];
        if (in_quotes) {
            if (at_end) return {errc::parse_error, "csv: unterminated quoted cell"};
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') ++i;  // "" is a literal quote
                else in_quotes = false;
            }
            continue;
        }
        if (c == '"') {
            in_quotes = true;
        } else if (c == ',') {
            if (n == cells.size()) return {errc::buffer_too_small, "csv: more cells in the line than expected"};
            cells[n++] = line.substr(start, i - start);
            start = i + 1;
        }
    }
    return n;
}

/// A cell without surrounding spaces and, when quoted, without its quotes ("" stays doubled:
/// numbers and names never contain one).
constexpr std::string_view unquote(std::string_view cell) noexcept {
    while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t')) cell.remove_suffix(1);
    if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') cell = cell.substr(1, cell.size() - 2);
    return cell;
}

/// True when a cell holds no value (empty or spaces only): a missing reading.
constexpr bool is_missing(std::string_view cell) noexcept { return unquote(cell).empty(); }

/// Parses a decimal number: optional sign, digits with an optional fraction, optional exponent
/// (`-12`, `3.5`, `.5`, `1e-3`), with surrounding spaces or quotes allowed. Anything else —
/// empty cells, `nan`, `inf`, hex, trailing text, more than 63 characters — is errc::parse_error,
/// so a reader decides explicitly what a missing or garbled cell means. Values beyond double's
/// range (and tiny ones that underflow, as std::from_chars reports them) are errc::out_of_range.
/// The result is correctly rounded.
inline result<double> parse_number(std::string_view cell) noexcept {
    const std::string_view s = unquote(cell);
    if (s.empty()) return {errc::parse_error, "csv: empty cell where a number was expected"};
    if (s.size() > 63) return {errc::parse_error, "csv: number too long"};
    // Validate the grammar first: strtod alone would accept "inf", "0x1p3" and locale forms.
    std::size_t i = 0;
    if (s[i] == '+' || s[i] == '-') ++i;
    std::size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++digits; }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++digits; }
    }
    if (digits == 0) return {errc::parse_error, "csv: not a number"};
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        std::size_t exp_digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') { ++i; ++exp_digits; }
        if (exp_digits == 0) return {errc::parse_error, "csv: malformed exponent"};
    }
    if (i != s.size()) return {errc::parse_error, "csv: trailing characters after a number"};
    // std::from_chars: exact (correctly rounded), no allocation, no locale; it takes no '+'.
    const std::string_view digits_part = s.front() == '+' ? s.substr(1) : s;
    double v = 0;
    const auto [end, ec] = std::from_chars(digits_part.data(), digits_part.data() + digits_part.size(), v);
    if (ec == std::errc::result_out_of_range) return {errc::out_of_range, "csv: number beyond the range of double"};
    if (ec != std::errc{} || end != digits_part.data() + digits_part.size())
        return {errc::parse_error, "csv: not a number"};
    return v;
}

}  // namespace nerve::io
