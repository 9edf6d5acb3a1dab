// nerve/core/result.hpp — the outcome of a fallible call (parsing, snapshots, model loading).
//
// No exceptions: a function that can fail returns result<T>, which holds either a value or
// an error code with a static message (a string literal: no allocation, safe on MCUs).
#pragma once

#include <type_traits>
#include <utility>

#include "../config.hpp"

namespace nerve {

enum class errc : unsigned char {
    ok = 0,
    invalid_argument,   // a parameter is out of its documented range
    buffer_too_small,   // the caller's output buffer cannot hold the result
    truncated,          // input ended before a complete record
    bad_magic,          // input is not of the expected format
    version_mismatch,   // a known format, but a version this build does not read
    type_mismatch,      // a snapshot of a different operator or configuration
    checksum_mismatch,  // the data was corrupted
    invalid_state,      // well-formed data describing a state the operator cannot be in
    parse_error,        // malformed text or binary content
    out_of_range,       // a value outside what the target type can hold
    unsupported,        // a valid input using a feature nerve does not implement
};

/// Short English name of an error code.
constexpr const char* to_string(errc e) noexcept {
    switch (e) {
        case errc::ok: return "ok";
        case errc::invalid_argument: return "invalid argument";
        case errc::buffer_too_small: return "buffer too small";
        case errc::truncated: return "truncated input";
        case errc::bad_magic: return "bad magic";
        case errc::version_mismatch: return "version mismatch";
        case errc::type_mismatch: return "type mismatch";
        case errc::checksum_mismatch: return "checksum mismatch";
        case errc::invalid_state: return "invalid state";
        case errc::parse_error: return "parse error";
        case errc::out_of_range: return "out of range";
        case errc::unsupported: return "unsupported";
    }
    return "unknown error";
}

/// An error code plus a human-readable message with static storage duration.
struct error {
    errc code = errc::ok;
    const char* message = "";
};

/// Either a T or an error. T must be default-constructible (it is kept in place either way,
/// which keeps the type trivially usable on targets without exceptions).
template <class T>
class [[nodiscard]] result {
public:
    constexpr result(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
        : value_(std::move(value)) {}
    constexpr result(error e) noexcept : error_(e) { NERVE_ASSERT(e.code != errc::ok); }
    constexpr result(errc code, const char* message) noexcept : result(error{code, message}) {}

    constexpr bool ok() const noexcept { return error_.code == errc::ok; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    constexpr errc code() const noexcept { return error_.code; }
    constexpr const char* message() const noexcept { return error_.message; }
    constexpr const error& err() const noexcept { return error_; }

    /// Precondition: ok().
    constexpr T& value() & noexcept { NERVE_ASSERT(ok()); return value_; }
    constexpr const T& value() const& noexcept { NERVE_ASSERT(ok()); return value_; }
    constexpr T&& value() && noexcept { NERVE_ASSERT(ok()); return std::move(value_); }
    constexpr T value_or(T fallback) const { return ok() ? value_ : fallback; }

private:
    T value_{};
    error error_{};
};

template <>
class [[nodiscard]] result<void> {
public:
    constexpr result() noexcept = default;
    constexpr result(error e) noexcept : error_(e) {}
    constexpr result(errc code, const char* message) noexcept : error_{code, message} {}

    constexpr bool ok() const noexcept { return error_.code == errc::ok; }
    constexpr explicit operator bool() const noexcept { return ok(); }
    constexpr errc code() const noexcept { return error_.code; }
    constexpr const char* message() const noexcept { return error_.message; }
    constexpr const error& err() const noexcept { return error_; }

private:
    error error_{};
};

}  // namespace nerve
