// nerve/core/operator.hpp — the operator contract.
//
// An operator turns a stream of `input_type` into a stream of `output_type`:
//  - simple shape:  `output_type operator()(input_type x)`, one output per input;
//  - general shape: `template <class Emit> void push(const input_type& x, Emit&& emit)`,
//    zero or more outputs per input, each handed to `emit` (by const reference when the
//    output is a frame or spectrum owned by the operator).
// Both shapes also have `reset()`. After construction nothing here allocates or throws.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>

#include "../config.hpp"

namespace nerve {

/// Consumes any output; used to probe the general shape in concepts.
struct discard_emit {
    template <class T>
    constexpr void operator()(const T&) const noexcept {}
};

template <class Op>
concept has_operator_types = requires {
    typename Op::input_type;
    typename Op::output_type;
};

template <class Op>
concept simple_operator = has_operator_types<Op> && requires(Op& op, const typename Op::input_type& x) {
    { op(x) } -> std::convertible_to<typename Op::output_type>;
    op.reset();
};

template <class Op>
concept general_operator = has_operator_types<Op> && requires(Op& op, const typename Op::input_type& x) {
    op.push(x, discard_emit{});
    op.reset();
};

/// Anything usable as a pipeline stage.
template <class Op>
concept stream_operator = simple_operator<Op> || general_operator<Op>;

/// An operator with a block fast path `process(span<const In>, span<Out>)`.
template <class Op>
concept block_operator = has_operator_types<Op> &&
    requires(Op& op, std::span<const typename Op::input_type> in, std::span<typename Op::output_type> out) {
        op.process(in, out);
    };

/// How a block call's output lies against its input, by address. Block paths take `none` and
/// `in_place`; `behind` (out starts before in and overlaps it) works input by input, since
/// every output then lands where an input was already read; `ahead` (out starts inside in,
/// past its first element) would overwrite inputs before reading them, and no fixed buffer
/// could hold what it overtakes, so every block path refuses it and leaves its state
/// unchanged: one that returns a count returns 0 and writes nothing; one that returns nothing
/// fails NERVE_ASSERT and, with assertions off, writes nothing.
enum class block_overlap : unsigned char { none, in_place, behind, ahead };

/// The overlap of n_in inputs at `in` and n_out outputs at `out` (element types may differ:
/// frames of channels in, frames out). `none` in constant evaluation, where addresses cannot be
/// compared.
template <class In, class Out>
constexpr block_overlap overlap_of(const In* in, std::size_t n_in, const Out* out, std::size_t n_out) noexcept {
    if (std::is_constant_evaluated()) return block_overlap::none;
    const auto a = reinterpret_cast<std::uintptr_t>(in), b = reinterpret_cast<std::uintptr_t>(out);
    if (n_in == 0 || n_out == 0 || a + n_in * sizeof(In) <= b || b + n_out * sizeof(Out) <= a)
        return block_overlap::none;
    return a == b ? block_overlap::in_place : b < a ? block_overlap::behind : block_overlap::ahead;
}

/// The refusal of a block path that returns nothing: true, after failing NERVE_ASSERT, when
/// `ov` is block_overlap::ahead; the caller then returns without writing.
constexpr bool refuse_ahead(block_overlap ov) noexcept {
    NERVE_ASSERT(ov != block_overlap::ahead);
    return ov == block_overlap::ahead;
}

/// refuse_ahead for a path that needs the overlap for nothing else: n outputs at `out` against
/// n inputs at `in`.
template <class In, class Out>
constexpr bool writes_ahead_of_input(const In* in, const Out* out, std::size_t n) noexcept {
    return refuse_ahead(overlap_of(in, n, out, n));
}

/// Pushes one input through either shape, calling `emit` for each output.
template <stream_operator Op, class Emit>
NERVE_ALWAYS_INLINE constexpr void push(Op& op, const typename Op::input_type& x, Emit&& emit) {
    if constexpr (general_operator<Op>) {
        op.push(x, std::forward<Emit>(emit));
    } else {
        emit(op(x));
    }
}

/// Runs a simple (one-in, one-out) operator over a block: the operator's own block path
/// when it has one, a plain loop otherwise. `out` must be at least as long as `in`, and may
/// overlap it only where it starts at or before it (block_overlap).
template <simple_operator Op>
constexpr void process(Op& op, std::span<const typename Op::input_type> in,
                       std::span<typename Op::output_type> out) {
    NERVE_ASSERT(out.size() >= in.size());
    if constexpr (block_operator<Op>) {
        op.process(in, out.first(in.size()));
    } else {
        if (writes_ahead_of_input(in.data(), out.data(), in.size())) return;
        for (std::size_t i = 0; i < in.size(); ++i) out[i] = op(in[i]);
    }
}

/// Runs any operator over a block of inputs, handing every output to `emit`.
template <stream_operator Op, class Emit>
constexpr void process(Op& op, std::span<const typename Op::input_type> in, Emit&& emit) {
    for (const auto& x : in) nerve::push(op, x, emit);
}

}  // namespace nerve

// `a | b` lives in pipeline.hpp; every operator header includes this one, so composing
// never needs an extra include. The using-declarations let argument-dependent lookup find
// `nerve::operator|` for operators in nerve's sub-namespaces. Operators in your own
// namespace: add `using nerve::operator|;` there.
#include "pipeline.hpp"  // IWYU pragma: export
