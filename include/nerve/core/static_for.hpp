// nerve/core/static_for.hpp — a loop over compile-time indices, fully unrolled.
//
// SIMD kernels keep accumulators, taps and filter histories in arrays of registers; an array
// indexed by a run-time loop variable lives in memory (a store and a load per element and
// iteration), one indexed by a constant does not. These loops hand the body each index as a
// std::integral_constant, so `acc[i]` is `acc[0]`, `acc[1]`, ... after inlining.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "../config.hpp"

namespace nerve::detail {

template <std::size_t First, class F, std::size_t... I>
NERVE_ALWAYS_INLINE void static_for_impl(F& f, std::index_sequence<I...>) {
    (f(std::integral_constant<std::size_t, First + I>{}), ...);
}

/// f(integral_constant<First>), ..., f(integral_constant<Last>); nothing when First > Last.
template <std::size_t First, std::size_t Last, class F>
NERVE_ALWAYS_INLINE void static_for_range(F&& f) {
    if constexpr (First <= Last) static_for_impl<First>(f, std::make_index_sequence<Last - First + 1>{});
}

/// f(integral_constant<0>), ..., f(integral_constant<N-1>).
template <std::size_t N, class F>
NERVE_ALWAYS_INLINE void static_for(F&& f) {
    static_for_impl<0>(f, std::make_index_sequence<N>{});
}

}  // namespace nerve::detail
