// nerve/io/senml.hpp — SenML JSON packs (RFC 8428): one bounded, allocation-free pass over
// untrusted bytes, one callback per record with the base fields already applied.
//
//   auto n = nerve::io::read_senml(payload, [&](const nerve::io::senml_record& r) { ... });
//   if (!n) log(n.code(), n.message());
//
// A gateway receiving packs over MQTT/CoAP/HTTP and an MCU receiving one over CoAP use the same
// code: nothing allocates, nothing throws, nothing reads outside the view, the work is O(input
// length), and every refusal is a nerve::result error with a static message.
//
// JSON (RFC 8259, the subset SenML uses):
//   - a pack is one top-level array of objects; whitespace (space, tab, CR, LF) anywhere between
//     tokens; `[]` is a pack of 0 records. Anything but an object in the array, a top-level value
//     that is not an array, or non-whitespace after the array is errc::parse_error. Input that
//     ends before the closing `]` (a cut-off message: empty, mid-string, mid-number...) is
//     errc::truncated.
//   - strings: raw control characters (< 0x20) are refused, escapes (\" \\ \/ \b \f \n \r \t
//     \uXXXX) are validated but NOT decoded, bytes >= 0x80 must be well-formed UTF-8 (no
//     overlongs, surrogates or code points beyond U+10FFFF). Field names containing an escape
//     are refused (a reader that compares raw bytes must not be fooled by "\u0076" for "v").
//   - numbers: the JSON grammar is checked first (no leading '+', no leading zeros such as 01,
//     no ".5" or "5."), then nerve::io::parse_number converts (correctly rounded). Numbers
//     longer than 63 characters are errc::parse_error; beyond double's range (or underflowing
//     to 0 from a non-zero mantissa, as std::from_chars reports it) errc::out_of_range.
//   - `true` / `false` literals; `null` (or any value of the wrong JSON type) in a known field
//     is errc::parse_error.
//
// SenML (RFC 8428):
//   - known fields: bn bt bu bv bs bver (base), n u v vs vb vd s t ut (regular). A field named
//     twice in one object is errc::parse_error. Other fields whose name ends in '_' are "must
//     understand": errc::unsupported. Any other unknown field is skipped with its value, which
//     may nest objects and arrays up to 16 levels (deeper: errc::parse_error; the skip is
//     iterative). Duplicates among unknown fields are not detected (they carry nothing read).
//   - base fields apply to the record that holds them and to every later record until a later
//     record gives the field again. bver must be a positive integer; above 10 (this RFC's
//     version) it is errc::version_mismatch; every record of a pack must have the same version
//     (an explicit bver that differs from the pack's, 10 when the first record has none, is
//     errc::parse_error, RFC 8428 section 4.4).
//   - names: the full name, base name + name (section 4.5.1), must be non-empty, start with
//     A-Z a-z 0-9 and contain only A-Z a-z 0-9 - : . / _; otherwise errc::parse_error. A name
//     written with an escape (even "\/" or "\u0041") is refused: base_name and name are views
//     into the input, not decoded copies (use senml_full_name to join them).
//   - unit: u when the record has one (even ""), else the base unit in effect, else empty.
//   - time = bt + t (a missing one counts 0), seconds; below 2^28 it is relative to "now"
//     (negative: in the past) and relative_time is set.
//   - values: exactly one of v, vs, vb, vd; a record with none needs s, and is then kind
//     sum_only. value = bv + v for v; the base value alone makes no value (section 4.2: a
//     value field is required unless there is a sum), so bv with no v is not a reading: with
//     s it is a sum_only record (value 0), with vs/vb/vd it is ignored, with nothing it is
//     errc::parse_error. text is vs or vd exactly as between the quotes (escapes not decoded,
//     vd's base64url not decoded or checked). sum = bs + s whenever either is in effect
//     (has_sum). update_time is ut, 0 when absent.
//   - a record carrying only base fields (no n u v vs vb vd s t ut; unknown fields allowed),
//     such as RFC 8428 section 5.1.7's {"bn":"urn:dev:ow:10e2073a01080063:"}, sets the base
//     fields for the records after it and is not delivered. An object with no field at all, or
//     regular fields but neither a value nor a sum, is errc::parse_error.
//   - a time, value or sum whose sum overflows to +-Inf is errc::out_of_range: every number
//     delivered is finite.
//   - limits: input longer than limits.max_bytes is errc::out_of_range before anything is
//     read; more than limits.max_records objects in the pack (base-only ones included) is
//     errc::out_of_range when the one over the limit starts.
//
// Records are delivered as they are read: when record k is malformed, records 0..k-1 have
// already reached the callback (the error says nothing about them). A caller that needs
// all-or-nothing calls read_senml twice, first with a no-op callback, and acts only when that
// first pass succeeds. The callback must not throw; the views it gets live as long as the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "../core/numeric.hpp"
#include "../core/result.hpp"
#include "csv.hpp"

namespace nerve::io {

enum class senml_kind : unsigned char { number, boolean, string, data, sum_only };

/// One resolved SenML record (RFC 8428 section 4.6, the name kept in two parts).
struct senml_record {
    std::string_view base_name;     // bn in effect (may be empty)
    std::string_view name;          // n of this record (may be empty)
    std::string_view unit;          // u, else bu in effect, else empty
    double time = 0;                // bt + t, seconds (finite)
    bool relative_time = false;     // time < 2^28: seconds relative to "now"
    senml_kind kind = senml_kind::number;
    double value = 0;               // bv + v for kind number, else 0 (finite)
    bool boolean = false;           // vb for kind boolean
    std::string_view text;          // vs or vd, raw between the quotes (escapes not decoded)
    bool has_sum = false;           // s in the record or bs in effect
    double sum = 0;                 // bs + s (finite)
    double update_time = 0;         // ut, 0 if absent (finite)
};

struct senml_limits {
    std::size_t max_records = 65536;   // objects in the pack, base-only ones included
    std::size_t max_bytes = 1 << 20;   // input length
};

/// SenML's boundary between relative and absolute time (2^28 s, 1978-07-04 21:24:16 UTC).
inline constexpr double senml_relative_time_limit = 268435456.0;
/// The SenML version this reader implements (RFC 8428); packs with a higher bver are refused.
inline constexpr int senml_version = 10;
/// How deep an unknown field's value may nest objects and arrays.
inline constexpr int senml_max_skip_depth = 16;

namespace detail::senml {

constexpr error ok{};
constexpr bool failed(const error& e) noexcept { return e.code != errc::ok; }

constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_alnum(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_name_char(char c) noexcept {
    return is_alnum(c) || c == '-' || c == ':' || c == '.' || c == '/' || c == '_';
}
constexpr bool is_name_text(std::string_view s) noexcept {
    for (char c : s)
        if (!is_name_char(c)) return false;
    return true;
}

/// RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
constexpr bool is_json_number(std::string_view t) noexcept {
    std::size_t i = 0;
    const std::size_t n = t.size();
    if (i < n && t[i] == '-') ++i;
    if (i == n) return false;
    if (t[i] == '0') {
        ++i;
    } else if (t[i] >= '1' && t[i] <= '9') {
        while (i < n && is_digit(t[i])) ++i;
    } else {
        return false;
    }
    if (i < n && t[i] == '.') {
        ++i;
        if (i == n || !is_digit(t[i])) return false;
        while (i < n && is_digit(t[i])) ++i;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
        if (i == n || !is_digit(t[i])) return false;
        while (i < n && is_digit(t[i])) ++i;
    }
    return i == n;
}

enum class field : unsigned char { bn, bt, bu, bv, bs, bver, n, u, v, vs, vb, vd, s, t, ut, unknown };

constexpr field classify(std::string_view k) noexcept {
    switch (k.size()) {
        case 1:
            switch (k[0]) {
                case 'n': return field::n;
                case 'u': return field::u;
                case 'v': return field::v;
                case 's': return field::s;
                case 't': return field::t;
                default: return field::unknown;
            }
        case 2:
            if (k == "bn") return field::bn;
            if (k == "bt") return field::bt;
            if (k == "bu") return field::bu;
            if (k == "bv") return field::bv;
            if (k == "bs") return field::bs;
            if (k == "vs") return field::vs;
            if (k == "vb") return field::vb;
            if (k == "vd") return field::vd;
            if (k == "ut") return field::ut;
            return field::unknown;
        case 4: return k == "bver" ? field::bver : field::unknown;
        default: return field::unknown;
    }
}

constexpr std::uint32_t bit(field f) noexcept { return std::uint32_t{1} << static_cast<unsigned>(f); }
constexpr std::uint32_t base_bits =
    bit(field::bn) | bit(field::bt) | bit(field::bu) | bit(field::bv) | bit(field::bs) | bit(field::bver);
constexpr std::uint32_t value_bits = bit(field::v) | bit(field::vs) | bit(field::vb) | bit(field::vd);

/// The fields of one object as read (strings raw, numbers converted).
struct object_fields {
    std::uint32_t present = 0;
    std::string_view bn, bu, n, u, vs, vd;
    double bt = 0, bv = 0, bs = 0, bver = 0, v = 0, s = 0, t = 0, ut = 0;
    bool vb = false;
    constexpr bool has(field f) const noexcept { return (present & bit(f)) != 0; }
};

/// Base fields in effect.
struct base_state {
    std::string_view bn, bu;
    double bt = 0, bv = 0, bs = 0;
    bool has_bv = false, has_bs = false;
    double version = senml_version;  // the pack's version, pinned by its first object
};

class reader {
public:
    constexpr explicit reader(std::string_view text) noexcept : s_(text) {}

    template <class OnRecord>
    result<std::size_t> run(OnRecord& on_record, const senml_limits& limits) noexcept {
        if (s_.size() > limits.max_bytes) return {errc::out_of_range, "senml: input longer than limits.max_bytes"};
        skip_ws();
        if (at_end()) return {errc::truncated, "senml: empty input"};
        if (s_[i_] != '[') return {errc::parse_error, "senml: a pack is a JSON array"};
        ++i_;
        skip_ws();
        if (at_end()) return {errc::truncated, "senml: input ends inside the pack"};
        std::size_t objects = 0;
        std::size_t delivered = 0;
        base_state base;
        if (s_[i_] == ']') {
            ++i_;
        } else {
            for (;;) {
                if (s_[i_] != '{') return {errc::parse_error, "senml: a pack holds objects (records) only"};
                if (objects == limits.max_records)
                    return {errc::out_of_range, "senml: more records than limits.max_records"};
                ++objects;
                object_fields f;
                if (const error e = read_object(f); failed(e)) return e;
                senml_record r;
                bool deliver = false;
                if (const error e = resolve(f, base, objects == 1, r, deliver); failed(e)) return e;
                if (deliver) {
                    on_record(static_cast<const senml_record&>(r));
                    ++delivered;
                }
                skip_ws();
                if (at_end()) return {errc::truncated, "senml: input ends inside the pack"};
                if (s_[i_] == ']') {
                    ++i_;
                    break;
                }
                if (s_[i_] != ',') return {errc::parse_error, "senml: expected ',' or ']' after a record"};
                ++i_;
                skip_ws();
                if (at_end()) return {errc::truncated, "senml: input ends inside the pack"};
            }
        }
        skip_ws();
        if (!at_end()) return {errc::parse_error, "senml: characters after the pack"};
        return delivered;
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;

    constexpr bool at_end() const noexcept { return i_ >= s_.size(); }
    constexpr void skip_ws() noexcept {
        while (i_ < s_.size() && is_ws(s_[i_])) ++i_;
    }

    /// A string at s_[i_] == '"'; `out` is its raw content (between the quotes).
    constexpr error read_string(std::string_view& out, bool& has_escape) noexcept {
        const std::size_t start = ++i_;
        has_escape = false;
        const std::size_t n = s_.size();
        while (i_ < n) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                out = s_.substr(start, i_ - start);
                ++i_;
                return ok;
            }
            if (c < 0x20) return {errc::parse_error, "senml: control character inside a string"};
            if (c == '\\') {
                has_escape = true;
                if (++i_ == n) break;
                const char e = s_[i_];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k) {
                        if (++i_ == n) return {errc::truncated, "senml: input ends inside a string"};
                        if (!is_hex(s_[i_])) return {errc::parse_error, "senml: malformed \\u escape"};
                    }
                } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' &&
                           e != 't') {
                    return {errc::parse_error, "senml: unknown escape in a string"};
                }
                ++i_;
                continue;
            }
            if (c < 0x80) {
                ++i_;
                continue;
            }
            // UTF-8: the lead byte fixes the length and the range of the first continuation byte.
            std::size_t more = 0;
            unsigned char lo = 0x80, hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                more = 1;
            } else if (c == 0xE0) {
                more = 2, lo = 0xA0;
            } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
                more = 2;
            } else if (c == 0xED) {
                more = 2, hi = 0x9F;  // no UTF-16 surrogates
            } else if (c == 0xF0) {
                more = 3, lo = 0x90;
            } else if (c >= 0xF1 && c <= 0xF3) {
                more = 3;
            } else if (c == 0xF4) {
                more = 3, hi = 0x8F;  // nothing beyond U+10FFFF
            } else {
                return {errc::parse_error, "senml: invalid UTF-8 in a string"};
            }
            ++i_;
            for (std::size_t k = 0; k < more; ++k, ++i_) {
                if (i_ == n) return {errc::truncated, "senml: input ends inside a string"};
                const auto b = static_cast<unsigned char>(s_[i_]);
                if (b < lo || b > hi) return {errc::parse_error, "senml: invalid UTF-8 in a string"};
                lo = 0x80, hi = 0xBF;
            }
        }
        return {errc::truncated, "senml: input ends inside a string"};
    }

    /// A number token at s_[i_] (grammar checked, not converted).
    constexpr error scan_number(std::string_view& tok) noexcept {
        const std::size_t start = i_;
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (!(is_digit(c) || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) break;
            ++i_;
        }
        // A valid pack never ends in a number: the token may have been cut.
        if (at_end()) return {errc::truncated, "senml: input ends inside a number"};
        tok = s_.substr(start, i_ - start);
        if (!is_json_number(tok)) return {errc::parse_error, "senml: malformed JSON number"};
        return ok;
    }

    error read_number(double& out) noexcept {
        std::string_view tok;
        if (const error e = scan_number(tok); failed(e)) return e;
        if (tok.size() > 63) return {errc::parse_error, "senml: number longer than 63 characters"};
        const auto r = parse_number(tok);
        if (!r) {
            if (r.code() == errc::out_of_range) return {errc::out_of_range, "senml: number beyond the range of double"};
            return {errc::parse_error, "senml: malformed JSON number"};
        }
        out = r.value();
        return ok;
    }

    /// true, false or null at s_[i_]; `which` is 1, 0 or -1.
    constexpr error read_literal(int& which) noexcept {
        const char c = s_[i_];
        const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        const std::string_view rest = s_.substr(i_);
        if (rest.size() < word.size()) {
            if (word.substr(0, rest.size()) == rest) return {errc::truncated, "senml: input ends inside a literal"};
            return {errc::parse_error, "senml: unexpected character where a value was expected"};
        }
        if (rest.substr(0, word.size()) != word)
            return {errc::parse_error, "senml: unexpected character where a value was expected"};
        i_ += word.size();
        which = c == 't' ? 1 : c == 'f' ? 0 : -1;
        return ok;
    }

    /// Any scalar value (string, number, literal), checked and thrown away.
    constexpr error skip_scalar() noexcept {
        const char c = s_[i_];
        if (c == '"') {
            std::string_view sv;
            bool esc = false;
            return read_string(sv, esc);
        }
        if (is_digit(c) || c == '-' || c == '+' || c == '.') {
            std::string_view tok;
            return scan_number(tok);
        }
        if (c == 't' || c == 'f' || c == 'n') {
            int which = 0;
            return read_literal(which);
        }
        return {errc::parse_error, "senml: unexpected character where a value was expected"};
    }

    /// `"key" :` inside an object being skipped, at s_[i_] (after whitespace).
    constexpr error skip_key() noexcept {
        if (s_[i_] != '"') return {errc::parse_error, "senml: expected a field name"};
        std::string_view key;
        bool esc = false;
        if (const error e = read_string(key, esc); failed(e)) return e;
        skip_ws();
        if (at_end()) return {errc::truncated, "senml: input ends inside an object"};
        if (s_[i_] != ':') return {errc::parse_error, "senml: expected ':' after a field name"};
        ++i_;
        return ok;
    }

    /// The value of an unknown field, at s_[i_]: validated and skipped without recursion. A bit
    /// per level remembers object (1) or array (0).
    constexpr error skip_value() noexcept {
        std::uint32_t kinds = 0;
        int depth = 0;
        for (;;) {
            // Expecting a value.
            skip_ws();
            if (at_end()) return {errc::truncated, "senml: input ends inside a value"};
            const char c = s_[i_];
            if (c == '{' || c == '[') {
                if (depth == senml_max_skip_depth)
                    return {errc::parse_error, "senml: unknown field nested deeper than 16 levels"};
                const bool obj = c == '{';
                kinds = (kinds << 1) | (obj ? 1u : 0u);
                ++depth;
                ++i_;
                skip_ws();
                if (at_end()) return {errc::truncated, "senml: input ends inside a value"};
                if (s_[i_] == (obj ? '}' : ']')) {
                    ++i_;
                    kinds >>= 1;
                    --depth;
                } else if (obj) {
                    if (const error e = skip_key(); failed(e)) return e;
                    continue;  // its value
                } else {
                    continue;  // the first element
                }
            } else {
                if (const error e = skip_scalar(); failed(e)) return e;
            }
            // A value is complete: close containers or move to the next element.
            for (;;) {
                if (depth == 0) return ok;
                skip_ws();
                if (at_end()) return {errc::truncated, "senml: input ends inside a value"};
                const bool obj = (kinds & 1u) != 0;
                const char d = s_[i_];
                if (d == (obj ? '}' : ']')) {
                    ++i_;
                    kinds >>= 1;
                    --depth;
                    continue;
                }
                if (d != ',') return {errc::parse_error, "senml: expected ',' or a closing bracket"};
                ++i_;
                if (obj) {
                    skip_ws();
                    if (at_end()) return {errc::truncated, "senml: input ends inside a value"};
                    if (const error e = skip_key(); failed(e)) return e;
                }
                break;  // the next value
            }
        }
    }

    error read_typed(field f, object_fields& o) noexcept {
        const char c = s_[i_];
        switch (f) {
            case field::bn: case field::bu: case field::n: case field::u: case field::vs: case field::vd: {
                if (c != '"') return {errc::parse_error, "senml: bn, bu, n, u, vs and vd take a string"};
                std::string_view sv;
                bool esc = false;
                if (const error e = read_string(sv, esc); failed(e)) return e;
                switch (f) {
                    case field::bn: o.bn = sv; break;
                    case field::bu: o.bu = sv; break;
                    case field::n: o.n = sv; break;
                    case field::u: o.u = sv; break;
                    case field::vs: o.vs = sv; break;
                    default: o.vd = sv; break;
                }
                return ok;
            }
            case field::vb: {
                if (c != 't' && c != 'f') return {errc::parse_error, "senml: vb takes true or false"};
                int which = 0;
                if (const error e = read_literal(which); failed(e)) return e;
                o.vb = which == 1;
                return ok;
            }
            default: {
                if (!(is_digit(c) || c == '-' || c == '+' || c == '.'))
                    return {errc::parse_error, "senml: bt, bv, bs, bver, v, s, t and ut take a number"};
                double x = 0;
                if (const error e = read_number(x); failed(e)) return e;
                switch (f) {
                    case field::bt: o.bt = x; break;
                    case field::bv: o.bv = x; break;
                    case field::bs: o.bs = x; break;
                    case field::bver: o.bver = x; break;
                    case field::v: o.v = x; break;
                    case field::s: o.s = x; break;
                    case field::t: o.t = x; break;
                    default: o.ut = x; break;
                }
                return ok;
            }
        }
    }

    /// One object at s_[i_] == '{'.
    error read_object(object_fields& o) noexcept {
        ++i_;
        skip_ws();
        if (at_end()) return {errc::truncated, "senml: input ends inside a record"};
        if (s_[i_] == '}') {
            ++i_;
            return ok;
        }
        for (;;) {
            if (s_[i_] != '"') return {errc::parse_error, "senml: expected a field name"};
            std::string_view key;
            bool esc = false;
            if (const error e = read_string(key, esc); failed(e)) return e;
            if (esc) return {errc::parse_error, "senml: field name with an escape"};
            skip_ws();
            if (at_end()) return {errc::truncated, "senml: input ends inside a record"};
            if (s_[i_] != ':') return {errc::parse_error, "senml: expected ':' after a field name"};
            ++i_;
            skip_ws();
            if (at_end()) return {errc::truncated, "senml: input ends inside a record"};
            const field f = classify(key);
            if (f == field::unknown) {
                if (!key.empty() && key.back() == '_')
                    return {errc::unsupported, "senml: a must-understand field (name ending in '_') this reader does not know"};
                if (const error e = skip_value(); failed(e)) return e;
            } else {
                if (o.has(f)) return {errc::parse_error, "senml: a field appears twice in one record"};
                o.present |= bit(f);
                if (const error e = read_typed(f, o); failed(e)) return e;
            }
            skip_ws();
            if (at_end()) return {errc::truncated, "senml: input ends inside a record"};
            if (s_[i_] == '}') {
                ++i_;
                return ok;
            }
            if (s_[i_] != ',') return {errc::parse_error, "senml: expected ',' or '}' in a record"};
            ++i_;
            skip_ws();
            if (at_end()) return {errc::truncated, "senml: input ends inside a record"};
        }
    }

    /// Applies the object's base fields, then resolves it into `r` (deliver = false for a
    /// base-only object).
    static constexpr error resolve(const object_fields& o, base_state& base, bool first, senml_record& r,
                                   bool& deliver) noexcept {
        if (o.has(field::bver)) {
            const double ver = o.bver;
            if (!(ver >= 1) || (ver < 1e9 && static_cast<double>(static_cast<long>(ver)) != ver))
                return {errc::parse_error, "senml: bver is not a positive integer"};
            if (ver > senml_version) return {errc::version_mismatch, "senml: bver newer than RFC 8428's version 10"};
            if (first) {
                base.version = ver;
            } else if (ver != base.version) {
                return {errc::parse_error, "senml: bver differs from the pack's version (RFC 8428 section 4.4)"};
            }
        }
        if (o.has(field::bn)) {
            if (!is_name_text(o.bn)) return {errc::parse_error, "senml: bn holds a character outside A-Za-z0-9-:./_"};
            base.bn = o.bn;
        }
        if (o.has(field::bu)) base.bu = o.bu;
        if (o.has(field::bt)) base.bt = o.bt;
        if (o.has(field::bv)) {
            base.bv = o.bv;
            base.has_bv = true;
        }
        if (o.has(field::bs)) {
            base.bs = o.bs;
            base.has_bs = true;
        }

        const std::uint32_t regular = o.present & ~base_bits;
        deliver = false;
        if (regular == 0) {
            if (o.present == 0) return {errc::parse_error, "senml: a record with no fields"};
            return ok;  // base fields only: they apply to the records after it
        }
        const std::uint32_t values = o.present & value_bits;
        if ((values & (values - 1)) != 0) return {errc::parse_error, "senml: a record with more than one of v, vs, vb, vd"};
        if (values == 0 && !o.has(field::s)) return {errc::parse_error, "senml: a record with neither a value nor a sum"};

        // Name: base name + name, RFC 8428 section 4.5.1.
        if (!is_name_text(o.n)) return {errc::parse_error, "senml: n holds a character outside A-Za-z0-9-:./_"};
        const std::string_view head = !base.bn.empty() ? base.bn : o.n;
        if (head.empty()) return {errc::parse_error, "senml: a record without a name (bn and n both empty)"};
        if (!is_alnum(head.front())) return {errc::parse_error, "senml: a name must start with A-Z, a-z or 0-9"};

        r.base_name = base.bn;
        r.name = o.n;
        r.unit = o.has(field::u) ? o.u : base.bu;
        r.time = base.bt + o.t;
        if (!is_finite(r.time)) return {errc::out_of_range, "senml: bt + t overflows"};
        r.relative_time = r.time < senml_relative_time_limit;
        if (o.has(field::v)) {
            r.kind = senml_kind::number;
            r.value = base.has_bv ? base.bv + o.v : o.v;  // keeps a -0 without bv
            if (!is_finite(r.value)) return {errc::out_of_range, "senml: bv + v overflows"};
        } else if (o.has(field::vb)) {
            r.kind = senml_kind::boolean;
            r.boolean = o.vb;
        } else if (o.has(field::vs)) {
            r.kind = senml_kind::string;
            r.text = o.vs;
        } else if (o.has(field::vd)) {
            r.kind = senml_kind::data;
            r.text = o.vd;
        } else {
            r.kind = senml_kind::sum_only;
        }
        if (o.has(field::s) || base.has_bs) {
            r.has_sum = true;
            r.sum = base.bs + o.s;
            if (!is_finite(r.sum)) return {errc::out_of_range, "senml: bs + s overflows"};
        }
        r.update_time = o.ut;
        deliver = true;
        return ok;
    }
};

}  // namespace detail::senml

/// Reads a SenML JSON pack (see the file comment for what is accepted and refused) and calls
/// on_record(const senml_record&) once per record, in order, with the base fields resolved.
/// Returns the number of records delivered, or the first error. Records delivered before an
/// error stay delivered: for all-or-nothing, call it first with a no-op callback
/// ([](const senml_record&) {}) and again only when that succeeds.
template <class OnRecord>
result<std::size_t> read_senml(std::string_view json, OnRecord&& on_record, const senml_limits& limits = {}) noexcept {
    detail::senml::reader rd(json);
    return rd.run(on_record, limits);
}

/// Writes the record's full name (base_name + name, RFC 8428 section 4.5.1) into `buf` and
/// returns a view of it there, or errc::buffer_too_small (nothing is written then).
constexpr result<std::string_view> senml_full_name(const senml_record& r, std::span<char> buf) noexcept {
    const std::size_t nb = r.base_name.size();
    const std::size_t nn = r.name.size();
    if (nb > buf.size() || nn > buf.size() - nb)
        return {errc::buffer_too_small, "senml: the full name does not fit the buffer"};
    for (std::size_t k = 0; k < nb; ++k) buf[k] = r.base_name[k];
    for (std::size_t k = 0; k < nn; ++k) buf[nb + k] = r.name[k];
    return std::string_view(buf.data(), nb + nn);
}

}  // namespace nerve::io
