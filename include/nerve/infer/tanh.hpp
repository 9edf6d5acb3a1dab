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
    for (int i = 0; i < size; ++i) {
        const std::int32_t x = static_cast<std::int32_t>(input[i]) - p.input_zero_point;
        if (x <= -p.input_range_radius) {
            output[i] = -128;
        } else if (x >= p.input_range_radius) {
            output[i] = 127;
        } else {
            const std::int32_t x_q4 = multiply_by_quantized_multiplier(x, p.input_multiplier, p.input_left_shift);
            const std::int32_t y_q0 = detail::fx::tanh<4>(x_q4);
            std::int32_t v = rounding_divide_by_pot(y_q0, 31 - 7);
            v = v < -128 ? -128 : (v > 127 ? 127 : v);
            output[i] = static_cast<std::int8_t>(v);
        }
    }
}

}  // namespace nerve::infer
