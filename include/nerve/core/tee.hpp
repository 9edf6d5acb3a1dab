// nerve/core/tee.hpp — fan-out: one stream feeding several consumers.
#pragma once

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include "operator.hpp"

namespace nerve {

/// Passes its input through unchanged and also pushes it into a side branch `Side`, whose
/// outputs go to `Sink` (any callable taking `const Side::output_type&`, held by value).
///
///   auto p = dc_blocker<float>{} | nerve::tee{moving_rms<float, 64>{}, [&](float r) { last_rms = r; }}
///          | framer<256, 128>{} | ...;
template <stream_operator Side, class Sink>
class tee {
public:
    using input_type = typename Side::input_type;
    using output_type = input_type;

    constexpr tee(Side side, Sink sink) : side_(std::move(side)), sink_(std::move(sink)) {}

    constexpr output_type operator()(const input_type& x) {
        nerve::push(side_, x, sink_);
        return x;
    }
    constexpr void reset() { side_.reset(); }

    constexpr Side& side() noexcept { return side_; }
    constexpr Sink& sink() noexcept { return sink_; }

    template <class V>
    constexpr void visit_state(V& v) { v(side_); }

private:
    Side side_;
    Sink sink_;
};

template <class Side, class Sink>
tee(Side, Sink) -> tee<Side, Sink>;

/// Feeds the same input to several simple operators and returns all their outputs as a
/// tuple, one per input: the branches of a feature set that run side by side.
template <simple_operator First, simple_operator... Rest>
    requires(std::is_same_v<typename First::input_type, typename Rest::input_type> && ...)
class fan_out {
public:
    using input_type = typename First::input_type;
    using output_type = std::tuple<typename First::output_type, typename Rest::output_type...>;

    constexpr fan_out() = default;
    constexpr explicit fan_out(First first, Rest... rest)
        : branches_(std::move(first), std::move(rest)...) {}

    constexpr output_type operator()(const input_type& x) {
        return std::apply([&x](auto&... b) { return output_type{b(x)...}; }, branches_);
    }
    constexpr void reset() {
        std::apply([](auto&... b) { (b.reset(), ...); }, branches_);
    }
    template <std::size_t I>
    constexpr auto& branch() noexcept { return std::get<I>(branches_); }

    template <class V>
    constexpr void visit_state(V& v) {
        std::apply([&v](auto&... b) { (v(b), ...); }, branches_);
    }

private:
    std::tuple<First, Rest...> branches_;
};

}  // namespace nerve
