// nerve/filter/filtfilt.hpp — zero-phase filtering of a whole recording, as
// scipy.signal.sosfiltfilt(sos, x) computes it (padtype "odd", its default pad length).
//
//   nerve::filter::sosfiltfilt(butterworth<4, band_type::bandpass>(0.05, 0.2), x, y);
//
// For offline work (a server reprocessing a fleet's recordings, an ECG or vibration file before
// feature extraction): the cascade runs forward over the record and backward over the result,
// so the phase cancels and the magnitude response is squared. Not a streaming operator: it
// needs the whole record (use biquad_cascade on streams). Same steps as scipy:
//   1. extend x by its odd reflection about each end, padlen samples each side;
//   2. filter forward from the steady state of a step at the extension's first value
//      (sosfilt_zi times that value), then backward from the steady state at the last
//      forward output; keep the middle.
// Both passes run biquad_cascade<T, S>::process (its block and time-segment engines where
// the target has them), started by biquad_cascade::start_at (scipy's sosfilt_zi): in double it
// agrees with scipy to rounding, in float within the float cascade's bounds, twice
// (tests/filter/test_filtfilt.cpp, tests/golden/filtfilt.hpp).
//
// Nothing allocates: y (which may be x itself) takes the passes; the cascade and the two
// reflections (padlen values each, padlen at most 3 (2S + 1)) live on the stack.
// Refused (result error, y untouched), invalid_argument: x not longer than padlen (so never
// empty); y shorter than x, or overlapping it without being x itself; a padlen above
// 3 (2S + 1); a non-finite sample in x or coefficient; a section with a0 = 0 or a pole at z = 1
// (no steady state to start from). out_of_range: forward outputs so large (near T's range)
// that the backward pass's start state overflows; y then holds the time-reversed forward pass.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <type_traits>

#include "../core/operator.hpp"
#include "../core/result.hpp"
#include "biquad.hpp"
#include "sos.hpp"

namespace nerve::filter {

/// scipy's default pad length: 3 (2S + 1 - the number of sections with b2 = 0 or, if fewer,
/// with a2 = 0), i.e. 3 x the filter order plus one, less the first-order sections.
template <class U, std::size_t S>
constexpr std::size_t filtfilt_padlen(const std::array<sos_section<U>, S>& sos) noexcept {
    std::size_t zb = 0, za = 0;
    for (const auto& s : sos) {
        zb += s.b2 == U(0);
        za += s.a2 == U(0);
    }
    return 3 * (2 * S + 1 - (zb < za ? zb : za));
}

/// Zero-phase filtering of x into y (see the top of this header); padlen defaults to
/// filtfilt_padlen(sos).
template <class T, std::size_t S, class U>
constexpr result<void> sosfiltfilt(const std::array<sos_section<U>, S>& sos, std::span<const T> x, std::span<T> y,
                                   std::size_t padlen) noexcept {
    static_assert(std::is_floating_point_v<T>, "sosfiltfilt works on float or double samples");
    constexpr std::size_t max_pad = 3 * (2 * S + 1);
    const std::size_t n = x.size();
    if (padlen > max_pad) return error{errc::invalid_argument, "sosfiltfilt: padlen above 3 (2S + 1)"};
    if (n <= padlen) return error{errc::invalid_argument, "sosfiltfilt: x must be longer than padlen"};
    if (y.size() < n) return error{errc::invalid_argument, "sosfiltfilt: y shorter than x"};
    const block_overlap ov = overlap_of(x.data(), n, y.data(), n);
    if (ov != block_overlap::none && ov != block_overlap::in_place)
        return error{errc::invalid_argument, "sosfiltfilt: y overlaps x without being x"};
    for (const T v : x)
        if (!std::isfinite(v)) return error{errc::invalid_argument, "sosfiltfilt: x holds a non-finite sample"};

    for (const auto& c : sos) {
        if (!(c.a0 != U(0))) return error{errc::invalid_argument, "sosfiltfilt: a section with a0 = 0"};
        if (!std::isfinite(static_cast<double>(c.a0 + c.b0 + c.b1 + c.b2 + c.a1 + c.a2)))
            return error{errc::invalid_argument, "sosfiltfilt: a non-finite coefficient"};
    }
    // The reflections' inputs, before y (possibly x) is overwritten: left in the order the
    // forward pass takes them (2 x0 - x[padlen] .. 2 x0 - x[1]), right (2 x_(n-1) - x[n-2] ..).
    std::array<T, max_pad> left{}, right{};
    const T first = x[0], last = x[n - 1];
    for (std::size_t j = 0; j < padlen; ++j) left[j] = T(2) * first - x[padlen - j];
    for (std::size_t k = 0; k < padlen; ++k) right[k] = T(2) * last - x[n - 2 - k];
    const std::span<T> lpad(left.data(), padlen), rpad(right.data(), padlen);

    biquad_cascade<T, S> f(sos);
    // Forward from the steady state at the extension's first value; the right extension's
    // outputs kept (in place) for the backward pass.
    if (!f.start_at(padlen > 0 ? left[0] : first))
        return error{errc::invalid_argument, "sosfiltfilt: no steady state at the first value (a pole at z = 1)"};
    f.process(lpad, lpad);
    f.process(x.first(n), y.first(n));
    f.process(rpad, rpad);
    // Backward: the same cascade over the time-reversed outputs, from the steady state at the
    // last forward output (reversed in place, filtered forward, reversed back).
    std::reverse(rpad.begin(), rpad.end());
    std::reverse(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
    if (!f.start_at(padlen > 0 ? rpad[0] : y[0]))
        return error{errc::out_of_range, "sosfiltfilt: the forward outputs are too large to start the backward pass"};
    f.process(rpad, rpad);
    f.process(y.first(n), y.first(n));
    std::reverse(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n));
    return {};
}

template <class T, std::size_t S, class U>
constexpr result<void> sosfiltfilt(const std::array<sos_section<U>, S>& sos, std::span<const T> x,
                                   std::span<T> y) noexcept {
    return sosfiltfilt(sos, x, y, filtfilt_padlen(sos));
}

}  // namespace nerve::filter
