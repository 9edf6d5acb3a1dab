// nerve/core/snapshot.hpp — save and reload the streaming state of any operator or pipeline.
//
// Operators expose their mutable state with
//     template <class V> void visit_state(V& v) { v(delay_line_); v(index_); ... }
// where each visited member is an arithmetic type, an enum, a q15/q31, a std::complex, a
// std::array or C array of those, or an object with its own visit_state. Optionally
//     bool state_is_valid() const
// lets an operator refuse a well-formed snapshot that describes an impossible state (a ring
// index past its storage), so that hostile bytes can never lead to an out-of-bounds read.
//
// Byte layout (all little-endian, independent of the target's word size):
//   0  "NRVS" magic          8  fingerprint u32 (FNV-1a over the kinds and widths of all fields)
//   4  format version u16   12  payload length u32
//   6  flags u16 (zero)     16  payload: the fields in visit order
//   16 + length: CRC-32 of everything before it
// size_t/ptrdiff_t fields are always written as 64-bit, so an MCU snapshot restores on a
// gateway and back (when the value fits). The fingerprint knows a field by signedness and wire
// width only, never by which C++ type it is: std::uint64_t is std::size_t on LP64 hosts and
// unsigned long long on the Cortex-M4 (format version 1 told size_t apart, so an M4 snapshot of
// an operator with a 64-bit counter was refused on the gateway; tests/core/test_snapshot.cpp
// pins the fingerprint of every kind). One limit: where std::uint32_t is std::size_t (clang for
// Cortex-M, 32-bit Linux) its fields are written 64-bit too, so snapshots move between such
// targets only.
//
// restore() checks magic, version, length, fingerprint and checksum, then that every value
// is acceptable (floats finite, bools 0/1, sizes in range), and only then writes; a state that
// its operator rejects afterwards is replaced by reset(). A refused snapshot never leaves the
// operator half-restored.
#pragma once

#include <array>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <type_traits>

#include "crc32.hpp"
#include "fixed_point.hpp"
#include "result.hpp"

namespace nerve {

inline constexpr std::uint16_t snapshot_format_version = 2;  // 2: size_t/ptrdiff_t kinds merged (see above)
inline constexpr std::size_t snapshot_header_bytes = 16;
inline constexpr std::size_t snapshot_trailer_bytes = 4;

template <class T>
concept has_state_check = requires(const T& t) {
    { t.state_is_valid() } -> std::convertible_to<bool>;
};

namespace detail {

template <class T> struct is_std_array : std::false_type {};
template <class T, std::size_t N> struct is_std_array<std::array<T, N>> : std::true_type {};
template <class T> struct is_complex : std::false_type {};
template <class T> struct is_complex<std::complex<T>> : std::true_type {};

// How a leaf is stored: kind letter and width in bytes.
// size_t is an unsigned and ptrdiff_t a signed field of width 8 (wire_width): no kind of their own.
enum class leaf_kind : std::uint8_t { boolean = 'b', uint = 'u', sint = 'i', f32 = 'f', f64 = 'd' };

template <class T>
constexpr leaf_kind kind_of() {
    if constexpr (std::is_same_v<T, bool>) return leaf_kind::boolean;
    else if constexpr (std::is_same_v<T, float>) return leaf_kind::f32;
    else if constexpr (std::is_same_v<T, double>) return leaf_kind::f64;
    else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return leaf_kind::uint;
    else return leaf_kind::sint;
}

template <class T>
constexpr std::size_t wire_width() {
    if constexpr (std::is_same_v<T, bool>) return 1;
    else if constexpr (std::is_same_v<T, std::size_t> || std::is_same_v<T, std::ptrdiff_t>) return 8;
    else return sizeof(T);
}

/// Walks every leaf of an object in visit order, calling `leaf(T&)` on each scalar.
template <class Leaf>
struct state_walker {
    Leaf& leaf;

    template <class T>
    constexpr void operator()(T& x) { walk(x); }

    template <class T>
    constexpr void walk(T& x) {
        using U = std::remove_cv_t<T>;
        if constexpr (std::is_enum_v<U>) {
            auto raw = static_cast<std::underlying_type_t<U>>(x);
            const auto before = raw;
            leaf(raw);
            if (raw != before) x = static_cast<U>(raw);
        } else if constexpr (std::is_arithmetic_v<U>) {
            static_assert(!std::is_same_v<U, long double>, "nerve::snapshot: long double is not portable");
            leaf(x);
        } else if constexpr (is_fixed_point_v<U>) {
            leaf(x.raw);
        } else if constexpr (is_complex<U>::value) {
            auto re = x.real(), im = x.imag();
            leaf(re); leaf(im);
            x = U(re, im);
        } else if constexpr (std::is_array_v<U>) {
            for (auto& e : x) walk(e);
        } else if constexpr (is_std_array<U>::value) {
            for (auto& e : x) walk(e);
        } else {
            static_assert(requires { x.visit_state(*this); },
                          "nerve::snapshot: a visited member is neither a scalar, an array nor an "
                          "object with visit_state(V&)");
            x.visit_state(*this);
        }
    }
};

/// Counts the payload bytes and builds the fingerprint.
struct sizer {
    std::size_t bytes = 0;
    std::uint32_t hash = 2166136261u;
    constexpr void mix(std::uint8_t b) { hash = (hash ^ b) * 16777619u; }
    template <class T>
    constexpr void operator()(T&) {
        constexpr auto w = wire_width<T>();
        bytes += w;
        mix(static_cast<std::uint8_t>(kind_of<T>()));
        mix(static_cast<std::uint8_t>(w));
    }
};

constexpr void put_le(std::byte* p, std::uint64_t v, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) p[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
}
constexpr std::uint64_t get_le(const std::byte* p, std::size_t width) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return v;
}

template <class T>
std::uint64_t to_bits(const T& x) {
    if constexpr (std::is_same_v<T, bool>) return x ? 1u : 0u;
    else if constexpr (std::is_floating_point_v<T>) {
        if constexpr (sizeof(T) == 4) { std::uint32_t u; std::memcpy(&u, &x, 4); return u; }
        else { std::uint64_t u; std::memcpy(&u, &x, 8); return u; }
    } else if constexpr (std::is_signed_v<T>) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(x));
    } else {
        return static_cast<std::uint64_t>(x);
    }
}

struct writer {
    std::byte* p;
    template <class T>
    void operator()(T& x) {
        constexpr auto w = wire_width<T>();
        put_le(p, to_bits(x), w);
        p += w;
    }
};

/// Decodes one leaf; returns false when the value is not acceptable for T.
template <class T>
bool decode(const std::byte* p, T& out) {
    constexpr auto w = wire_width<T>();
    const std::uint64_t v = get_le(p, w);
    if constexpr (std::is_same_v<T, bool>) {
        if (v > 1) return false;
        out = v == 1;
    } else if constexpr (std::is_floating_point_v<T>) {
        if constexpr (sizeof(T) == 4) {
            const auto u = static_cast<std::uint32_t>(v);
            std::memcpy(&out, &u, 4);
        } else {
            std::memcpy(&out, &v, 8);
        }
        if (!(out - out == out - out)) return false;  // NaN or Inf never belongs in a state
    } else if constexpr (std::is_signed_v<T>) {
        std::int64_t s = static_cast<std::int64_t>(v);
        if constexpr (w < 8) {  // sign-extend
            const std::uint64_t sign = std::uint64_t{1} << (8 * w - 1);
            s = static_cast<std::int64_t>((v ^ sign) - sign);
        }
        if (s < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
            s > static_cast<std::int64_t>(std::numeric_limits<T>::max()))
            return false;
        out = static_cast<T>(s);
    } else {
        if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
        out = static_cast<T>(v);
    }
    return true;
}

/// Dry run: decodes every leaf into a scratch value and records whether all are acceptable.
struct checker {
    const std::byte* p;
    bool ok = true;
    template <class T>
    void operator()(T&) {
        T scratch{};
        ok = ok && decode(p, scratch);
        p += wire_width<T>();
    }
};

struct reader {
    const std::byte* p;
    template <class T>
    void operator()(T& x) {
        (void)decode(p, x);  // already checked
        p += wire_width<T>();
    }
};

/// Asks every visited object that can tell whether its state is possible.
struct validity_visitor {
    bool ok = true;
    template <class T>
    constexpr void operator()(T& x) {
        using U = std::remove_cv_t<T>;
        if constexpr (std::is_array_v<U> || is_std_array<U>::value) {
            for (auto& e : x) (*this)(e);
        } else if constexpr (requires { x.visit_state(*this); }) {
            x.visit_state(*this);
            if constexpr (has_state_check<U>) ok = ok && x.state_is_valid();
        }
    }
};

template <class Op>
constexpr sizer measure(Op& op) {
    sizer s;
    state_walker<sizer> w{s};
    w.walk(op);
    return s;
}

}  // namespace detail

/// Bytes needed to snapshot `op`.
template <class Op>
constexpr std::size_t snapshot_size(const Op& op) {
    return snapshot_header_bytes + detail::measure(const_cast<Op&>(op)).bytes + snapshot_trailer_bytes;
}

/// Writes the state of `op` into `out`; returns the number of bytes written.
template <class Op>
result<std::size_t> snapshot(const Op& op, std::span<std::byte> out) {
    Op& mop = const_cast<Op&>(op);  // the walk below only reads
    const auto info = detail::measure(mop);
    const std::size_t total = snapshot_header_bytes + info.bytes + snapshot_trailer_bytes;
    if (info.bytes > 0xFFFFFFFFu) return {errc::out_of_range, "snapshot: state larger than 4 GiB"};
    if (out.size() < total) return {errc::buffer_too_small, "snapshot: output buffer too small"};
    std::byte* p = out.data();
    p[0] = std::byte{'N'}; p[1] = std::byte{'R'}; p[2] = std::byte{'V'}; p[3] = std::byte{'S'};
    detail::put_le(p + 4, snapshot_format_version, 2);
    detail::put_le(p + 6, 0, 2);
    detail::put_le(p + 8, info.hash, 4);
    detail::put_le(p + 12, info.bytes, 4);
    detail::writer w{p + snapshot_header_bytes};
    detail::state_walker<detail::writer> walk{w};
    walk.walk(mop);
    const auto crc = crc32(std::span<const std::byte>(p, snapshot_header_bytes + info.bytes));
    detail::put_le(p + snapshot_header_bytes + info.bytes, crc, 4);
    return total;
}

/// Replaces the state of `op` by the one in `in`, or leaves `op` untouched and returns the
/// reason; see the file comment for the checks.
template <class Op>
result<void> restore(Op& op, std::span<const std::byte> in) {
    if (in.size() < snapshot_header_bytes + snapshot_trailer_bytes)
        return {errc::truncated, "snapshot: shorter than its header"};
    const std::byte* p = in.data();
    if (p[0] != std::byte{'N'} || p[1] != std::byte{'R'} || p[2] != std::byte{'V'} || p[3] != std::byte{'S'})
        return {errc::bad_magic, "snapshot: not a nerve snapshot"};
    if (detail::get_le(p + 4, 2) != snapshot_format_version)
        return {errc::version_mismatch, "snapshot: unsupported format version"};
    if (detail::get_le(p + 6, 2) != 0)
        return {errc::unsupported, "snapshot: unknown flags"};
    const auto info = detail::measure(op);
    const std::uint64_t length = detail::get_le(p + 12, 4);
    if (detail::get_le(p + 8, 4) != info.hash || length != info.bytes)
        return {errc::type_mismatch, "snapshot: taken from a different operator or configuration"};
    const std::size_t total = snapshot_header_bytes + info.bytes + snapshot_trailer_bytes;
    if (in.size() < total) return {errc::truncated, "snapshot: payload truncated"};
    const auto crc = crc32(std::span<const std::byte>(p, snapshot_header_bytes + info.bytes));
    if (detail::get_le(p + snapshot_header_bytes + info.bytes, 4) != crc)
        return {errc::checksum_mismatch, "snapshot: checksum mismatch"};

    detail::checker check{p + snapshot_header_bytes};
    detail::state_walker<detail::checker> dry{check};
    dry.walk(op);
    if (!check.ok) return {errc::invalid_state, "snapshot: a value is out of range or not finite"};

    detail::reader r{p + snapshot_header_bytes};
    detail::state_walker<detail::reader> apply{r};
    apply.walk(op);

    detail::validity_visitor valid;
    valid(op);
    if (!valid.ok) {
        op.reset();
        return {errc::invalid_state, "snapshot: operator rejected the restored state; it was reset"};
    }
    return {};
}

}  // namespace nerve
