// nerve/infer/tanh.hpp — int8 TANH, bit-exact with TFLite's integer reference kernel
// (reference_integer_ops::Tanh, as TFLite Micro runs it): 4 input integer bits, gemmlowp's
// fixed-point tanh; output quantization scale 1/128, zero point 0 (TFLite's fixed one).
#pragma once

#include <cstdint>

#include "detail/gemmlowp_math.hpp"
#include "logistic.hpp"
#include "quantization.hpp"

namespace nerve::infer {

/// Parameters: make_sigmoid_params(input_scale, input_zero_point) (the same Prepare as LOGISTIC).
inline void tanh(const sigmoid_params& p, const std::int8_t* input, int size, std::int8_t* output) noexcept {
    detail::sigmoid_family<7, 0>(p, input, size, output, [](std::int32_t x_q4) { return detail::fx::tanh<4>(x_q4); });
}

}  // namespace nerve::infer
