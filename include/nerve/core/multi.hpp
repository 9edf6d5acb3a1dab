// nerve/core/multi.hpp — the same operator on C channels (3-axis accelerometer, 12-lead ECG).
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "operator.hpp"

namespace nerve {

/// C independent copies of a simple operator, fed one frame of C channel samples at a
/// time. This generic version loops over the channels; operators with a faster
/// lane-parallel form (e.g. biquad cascades with xsimd) provide a partial
/// specialisation of `multi` next to their own header, with bit-identical results.
template <simple_operator Op, std::size_t C>
class multi {
    static_assert(C > 0, "nerve::multi needs at least one channel");

public:
    using input_type = std::array<typename Op::input_type, C>;
    using output_type = std::array<typename Op::output_type, C>;
    static constexpr std::size_t channels = C;

    constexpr multi() = default;
    /// Every channel starts as a copy of `prototype`.
    constexpr explicit multi(const Op& prototype)
        : ops_(filled(prototype, std::make_index_sequence<C>{})) {}
    constexpr explicit multi(const std::array<Op, C>& ops) : ops_(ops) {}

    constexpr output_type operator()(const input_type& x) {
        output_type y{};
        for (std::size_t c = 0; c < C; ++c) y[c] = ops_[c](x[c]);
        return y;
    }
    constexpr void reset() {
        for (auto& op : ops_) op.reset();
    }

    constexpr Op& channel(std::size_t c) noexcept { return ops_[c]; }
    constexpr const Op& channel(std::size_t c) const noexcept { return ops_[c]; }

    template <class V>
    constexpr void visit_state(V& v) {
        for (auto& op : ops_) v(op);
    }

private:
    template <std::size_t... I>
    static constexpr std::array<Op, C> filled(const Op& p, std::index_sequence<I...>) {
        return {{((void)I, p)...}};
    }

    std::array<Op, C> ops_{};
};

}  // namespace nerve
