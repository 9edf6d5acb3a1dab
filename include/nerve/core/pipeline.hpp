// nerve/core/pipeline.hpp — composing operators with `|`.
//
//   auto p = nerve::filter::dc_blocker<float>{0.995f} | nerve::framer<256, 128>{} | my_frame_op{};
//   p.push(sample, [](const auto& out) { ... });
//
// A pipeline is itself an operator (so pipelines nest and flatten), its state is the tuple
// of its stages, and a push runs every stage inline: no queues, no heap, no virtual calls.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "operator.hpp"

namespace nerve {

/// True when what `From` emits can be handed to `To` as its input.
template <class From, class To>
inline constexpr bool stages_connect_v =
    std::is_convertible_v<const typename From::output_type&, typename To::input_type>;

namespace detail {
template <class... Ops>
struct stages_chain;
template <class Op>
struct stages_chain<Op> : std::true_type {};
template <class A, class B, class... Rest>
struct stages_chain<A, B, Rest...>
    : std::bool_constant<stages_connect_v<A, B> && stages_chain<B, Rest...>::value> {};

template <class... Ops>
using last_of = std::tuple_element_t<sizeof...(Ops) - 1, std::tuple<Ops...>>;
}  // namespace detail

/// A chain of operators, each feeding the next. Build it with `a | b`; spell the type out
/// (`nerve::pipeline<A, B, C>`) to hold one in a static object on a microcontroller.
template <stream_operator... Ops>
class pipeline {
    static_assert(sizeof...(Ops) >= 1, "nerve::pipeline needs at least one stage");
    static_assert(detail::stages_chain<Ops...>::value,
                  "nerve::pipeline: stage type mismatch: the output_type of each stage must "
                  "convert to the input_type of the next");

public:
    using input_type = typename std::tuple_element_t<0, std::tuple<Ops...>>::input_type;
    using output_type = typename detail::last_of<Ops...>::output_type;
    static constexpr std::size_t size = sizeof...(Ops);

    constexpr pipeline() = default;
    constexpr explicit pipeline(Ops... ops) : stages_(std::move(ops)...) {}
    constexpr explicit pipeline(std::tuple<Ops...> stages) : stages_(std::move(stages)) {}

    /// Pushes one input through every stage; `emit` receives the last stage's outputs.
    template <class Emit>
    constexpr void push(const input_type& x, Emit&& emit) {
        push_from<0>(x, emit);
    }

    /// One output per input, available when every stage is a simple operator.
    constexpr output_type operator()(const input_type& x)
        requires(simple_operator<Ops> && ...)
    {
        return call_from<0>(x);
    }

    constexpr void reset() {
        std::apply([](auto&... s) { (s.reset(), ...); }, stages_);
    }

    template <std::size_t I>
    constexpr auto& stage() noexcept { return std::get<I>(stages_); }
    template <std::size_t I>
    constexpr const auto& stage() const noexcept { return std::get<I>(stages_); }
    constexpr std::tuple<Ops...>& stages() noexcept { return stages_; }
    constexpr const std::tuple<Ops...>& stages() const noexcept { return stages_; }

    template <class V>
    constexpr void visit_state(V& v) {
        std::apply([&v](auto&... s) { (v(s), ...); }, stages_);
    }

private:
    template <std::size_t I, class X, class Emit>
    constexpr void push_from(const X& x, Emit& emit) {
        auto& op = std::get<I>(stages_);
        if constexpr (I + 1 == sizeof...(Ops)) {
            nerve::push(op, x, emit);
        } else {
            nerve::push(op, x, [this, &emit](const auto& y) { this->template push_from<I + 1>(y, emit); });
        }
    }

    template <std::size_t I, class X>
    constexpr output_type call_from(const X& x) {
        if constexpr (I + 1 == sizeof...(Ops)) return std::get<I>(stages_)(x);
        else return call_from<I + 1>(std::get<I>(stages_)(x));
    }

    std::tuple<Ops...> stages_;
};

template <class T>
struct is_pipeline : std::false_type {};
template <class... Ops>
struct is_pipeline<pipeline<Ops...>> : std::true_type {};

namespace detail {
template <class T>
constexpr auto as_stage_tuple(T&& op) {
    using U = std::remove_cvref_t<T>;
    if constexpr (is_pipeline<U>::value) return std::forward<T>(op).stages();
    else return std::tuple<U>(std::forward<T>(op));
}

template <class... Ts>
constexpr pipeline<Ts...> make_pipeline(std::tuple<Ts...>&& t) {
    return pipeline<Ts...>(std::move(t));
}
}  // namespace detail

/// `a | b`: a pipeline in which a's outputs feed b. Pipelines flatten: (a | b) | c is
/// pipeline<A, B, C>. A type mismatch is reported by one static_assert.
template <class A, class B>
    requires stream_operator<std::remove_cvref_t<A>> && stream_operator<std::remove_cvref_t<B>>
constexpr auto operator|(A&& a, B&& b) {
    using LA = std::remove_cvref_t<A>;
    using LB = std::remove_cvref_t<B>;
    constexpr bool connect = stages_connect_v<LA, LB>;
    static_assert(connect,
                  "nerve::pipeline: stage type mismatch: the output_type of the left operand "
                  "must convert to the input_type of the right operand");
    if constexpr (connect) {
        return detail::make_pipeline(std::tuple_cat(detail::as_stage_tuple(std::forward<A>(a)),
                                                    detail::as_stage_tuple(std::forward<B>(b))));
    } else {
        return 0;  // unreachable: the static_assert above has already failed
    }
}

}  // namespace nerve

// Let argument-dependent lookup find `|` for operators in nerve's sub-namespaces.
namespace nerve::filter { using nerve::operator|; }
namespace nerve::spectral { using nerve::operator|; }
namespace nerve::window { using nerve::operator|; }
namespace nerve::stats { using nerve::operator|; }
namespace nerve::anomaly { using nerve::operator|; }
namespace nerve::drift { using nerve::operator|; }
namespace nerve::infer { using nerve::operator|; }
namespace nerve::pipelines { using nerve::operator|; }
namespace nerve::io { using nerve::operator|; }
