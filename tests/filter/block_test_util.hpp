// tests/filter/block_test_util.hpp — the check every filter with a block path shares.
#pragma once

#include "nerve_test.hpp"

#include <cstddef>
#include <cstring>
#include <span>

#include "nerve/core/operator.hpp"

namespace filter_test {

/// Feeds x through process() in uneven chunks (7, 100, 1, 192 samples) twice — out of place into
/// `a`, in place into `b` — and requires every output to equal `r`'s operator() bit for bit
/// (memcmp, so NaN payloads and signed zeros count too). The three filters start in the same state.
template <class F, class T>
void check_process_equals_operator(F& a, F& b, F& r, const T (&x)[300]) {
    static T y_blk[300], y_in[300];
    for (std::size_t i = 0; i < 300; ++i) y_in[i] = x[i];
    std::size_t i = 0;
    for (std::size_t len : {7u, 100u, 1u, 192u}) {
        NERVE_REQUIRE_NO_ALLOC(nerve::process(a, std::span<const T>(x + i, len), std::span<T>(y_blk + i, len)));
        NERVE_REQUIRE_NO_ALLOC(nerve::process(b, std::span<const T>(y_in + i, len), std::span<T>(y_in + i, len)));
        i += len;
    }
    for (std::size_t k = 0; k < 300; ++k) {
        const T ref = r(x[k]);
        REQUIRE(std::memcmp(&ref, &y_blk[k], sizeof ref) == 0);
        REQUIRE(std::memcmp(&ref, &y_in[k], sizeof ref) == 0);
    }
}

}  // namespace filter_test
