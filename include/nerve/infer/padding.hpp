// nerve/infer/padding.hpp — TFLite's SAME / VALID output sizes and explicit pad values.
//
// The kernels take explicit top/left pad values (pad_h, pad_w), as TFLite's reference kernels
// do; these helpers compute them from the .tflite Padding enum exactly as TFLite's
// ComputePaddingHeightWidth does (the odd extra pixel of SAME padding goes to the bottom/right,
// which the kernels express by simply running out of input).
#pragma once

#include <cstdint>

namespace nerve::infer {

/// The .tflite schema's Padding values.
enum class padding : std::uint8_t { same = 0, valid = 1 };

/// Output length along one axis.
constexpr int conv_output_size(padding p, int input, int filter, int stride, int dilation = 1) noexcept {
    const int effective = (filter - 1) * dilation + 1;
    if (stride <= 0 || input <= 0 || filter <= 0) return 0;
    if (p == padding::same) return (input + stride - 1) / stride;
    return input >= effective ? (input - effective + stride) / stride : 0;
}

/// Leading (top or left) padding along one axis for an output of `output` elements.
constexpr int conv_padding(int input, int filter, int stride, int dilation, int output) noexcept {
    const int effective = (filter - 1) * dilation + 1;
    const int total = (output - 1) * stride + effective - input;
    return total > 0 ? total / 2 : 0;
}

}  // namespace nerve::infer
