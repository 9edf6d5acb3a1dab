// nerve/infer/model.hpp — static int8 models: layers with compile-time shapes, weights in flash,
// activations in two ping-pong buffers sized at compile time, so that sizeof(model) is the RAM.
//
//   // weights and biases: constexpr arrays, i.e. .rodata / flash on an MCU
//   inline constexpr std::int8_t  w0[16 * 1]  = {...};   inline constexpr std::int32_t b0[16] = {...};
//   ...
//   using net_t = nerve::infer::model<nerve::infer::dense<1, 16>,
//                                     nerve::infer::dense<16, 16>,
//                                     nerve::infer::dense<16, 1>>;
//   net_t net{ {w0, b0, p0}, {w1, b1, p1}, {w2, b2, p2} };   // p*: fully_connected_params
//   static_assert(sizeof(net_t) <= 256);                      // RAM, known at compile time
//   std::array<std::int8_t, 1> y = net(std::array<std::int8_t, 1>{x});
//
// Layer contract (what a layer type provides; the .tflite -> header generator emits these types):
//   static constexpr int input_size, output_size;     // int8 elements (flattened NHWC)
//   static constexpr bool in_place;                   // true: output == input buffer (reshape)
//   void run(const std::int8_t* in, std::int8_t* out) const noexcept;
// Layers hold only small descriptors: pointers to const weight arrays and the TFLite parameters
// (multipliers, shifts, offsets, clamps), computed at conversion time.
//
// The model is a nerve operator: input_type / output_type are std::array<int8_t, N>, operator()
// runs every layer in order and returns the output; `run(in, out)` does the same on raw pointers.
// It keeps no state between calls (reset() does nothing; there is nothing to snapshot).
//
// RAM: layer i reads buffer i % 2 and writes buffer (i + 1) % 2 (in-place layers write nothing
// and do not switch), so two buffers of the largest activation tensor suffice:
// activation_bytes = 2 * max over all tensors. That is at most twice the lower bound any planner
// can reach (the largest input + output pair of one layer); sizeof(model) adds the descriptors.
// Ops that need two inputs (ADD, MUL) or branches are not sequential: the .tflite executor
// (tflite_executor.hpp) runs those graphs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <tuple>
#include <utility>

#include "average_pool_2d.hpp"
#include "conv_2d.hpp"
#include "depthwise_conv_2d.hpp"
#include "fully_connected.hpp"
#include "logistic.hpp"
#include "max_pool_2d.hpp"
#include "mean.hpp"
#include "padding.hpp"
#include "quantize.hpp"
#include "relu.hpp"
#include "softmax.hpp"
#include "tanh.hpp"

namespace nerve::infer {

// --- layers --------------------------------------------------------------------------------------

/// FULLY_CONNECTED, batch 1: weights [Out][In] (int8, flash), bias [Out] or null.
template <int In, int Out>
struct dense {
    static constexpr int input_size = In, output_size = Out;
    static constexpr bool in_place = false;
    const std::int8_t* weights = nullptr;
    const std::int32_t* bias = nullptr;
    fully_connected_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        fully_connected(params, in, 1, In, weights, bias, Out, out);
    }
};

/// Per-output-channel quantization of a convolution: the part of conv_params that is not shape.
struct conv_quant {
    std::int32_t input_offset = 0, output_offset = 0;
    const std::int32_t* output_multiplier = nullptr;  ///< [output channels]
    const std::int32_t* output_shift = nullptr;
    std::int32_t activation_min = -128, activation_max = 127;
};

/// CONV_2D on an InH x InW x InC input; filter [OutC][FH][FW][InC]. Output size and padding
/// follow TFLite's SAME / VALID rules at compile time.
template <int InH, int InW, int InC, int OutC, int FH, int FW, int SH = 1, int SW = 1, padding Pad = padding::valid,
          int DH = 1, int DW = 1>
struct conv2d {
    static constexpr int output_h = conv_output_size(Pad, InH, FH, SH, DH);
    static constexpr int output_w = conv_output_size(Pad, InW, FW, SW, DW);
    static_assert(output_h > 0 && output_w > 0, "conv2d: the filter does not fit the input");
    static constexpr int input_size = InH * InW * InC, output_size = output_h * output_w * OutC;
    static constexpr bool in_place = false;
    const std::int8_t* filter = nullptr;
    const std::int32_t* bias = nullptr;
    conv_quant quant{};

    static constexpr conv_shape shape() noexcept {
        conv_shape s;
        s.input_h = InH; s.input_w = InW; s.input_depth = InC;
        s.filter_h = FH; s.filter_w = FW;
        s.output_h = output_h; s.output_w = output_w; s.output_depth = OutC;
        return s;
    }
    constexpr conv_params params() const noexcept {
        conv_params p;
        p.input_offset = quant.input_offset; p.output_offset = quant.output_offset;
        p.stride_h = SH; p.stride_w = SW; p.dilation_h = DH; p.dilation_w = DW;
        p.pad_h = conv_padding(InH, FH, SH, DH, output_h);
        p.pad_w = conv_padding(InW, FW, SW, DW, output_w);
        p.output_multiplier = quant.output_multiplier; p.output_shift = quant.output_shift;
        p.activation_min = quant.activation_min; p.activation_max = quant.activation_max;
        return p;
    }
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { conv_2d(params(), shape(), in, filter, bias, out); }
};

/// A 1-D convolution over InW samples of InC channels (TFLite's Conv1D: H = 1).
template <int InW, int InC, int OutC, int K, int Stride = 1, padding Pad = padding::valid, int Dilation = 1>
using conv1d = conv2d<1, InW, InC, OutC, 1, K, 1, Stride, Pad, 1, Dilation>;

/// DEPTHWISE_CONV_2D; filter [1][FH][FW][InC * Mult].
template <int InH, int InW, int InC, int Mult, int FH, int FW, int SH = 1, int SW = 1, padding Pad = padding::valid,
          int DH = 1, int DW = 1>
struct depthwise_conv2d {
    static constexpr int output_h = conv_output_size(Pad, InH, FH, SH, DH);
    static constexpr int output_w = conv_output_size(Pad, InW, FW, SW, DW);
    static_assert(output_h > 0 && output_w > 0, "depthwise_conv2d: the filter does not fit the input");
    static constexpr int input_size = InH * InW * InC, output_size = output_h * output_w * InC * Mult;
    static constexpr bool in_place = false;
    const std::int8_t* filter = nullptr;
    const std::int32_t* bias = nullptr;
    conv_quant quant{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        conv_shape s;
        s.input_h = InH; s.input_w = InW; s.input_depth = InC;
        s.filter_h = FH; s.filter_w = FW;
        s.output_h = output_h; s.output_w = output_w; s.output_depth = InC * Mult;
        conv_params p;
        p.input_offset = quant.input_offset; p.output_offset = quant.output_offset;
        p.stride_h = SH; p.stride_w = SW; p.dilation_h = DH; p.dilation_w = DW;
        p.pad_h = conv_padding(InH, FH, SH, DH, output_h);
        p.pad_w = conv_padding(InW, FW, SW, DW, output_w);
        p.output_multiplier = quant.output_multiplier; p.output_shift = quant.output_shift;
        p.activation_min = quant.activation_min; p.activation_max = quant.activation_max;
        depthwise_conv_2d(p, s, Mult, in, filter, bias, out);
    }
};

namespace detail {
template <int InH, int InW, int FH, int FW, int SH, int SW, padding Pad>
struct pool_geometry {
    static constexpr int output_h = conv_output_size(Pad, InH, FH, SH);
    static constexpr int output_w = conv_output_size(Pad, InW, FW, SW);
    static_assert(output_h > 0 && output_w > 0, "pooling: the window does not fit the input");
    static constexpr pool_params params(std::int32_t lo, std::int32_t hi) noexcept {
        pool_params p;
        p.stride_h = SH; p.stride_w = SW; p.filter_h = FH; p.filter_w = FW;
        p.pad_h = conv_padding(InH, FH, SH, 1, output_h);
        p.pad_w = conv_padding(InW, FW, SW, 1, output_w);
        p.activation_min = lo; p.activation_max = hi;
        return p;
    }
    static constexpr pool_shape shape(int c) noexcept {
        pool_shape s;
        s.input_h = InH; s.input_w = InW; s.depth = c; s.output_h = output_h; s.output_w = output_w;
        return s;
    }
};
}  // namespace detail

template <int InH, int InW, int C, int FH, int FW, int SH, int SW, padding Pad = padding::valid>
struct average_pool {
    using geometry = detail::pool_geometry<InH, InW, FH, FW, SH, SW, Pad>;
    static constexpr int input_size = InH * InW * C, output_size = geometry::output_h * geometry::output_w * C;
    static constexpr bool in_place = false;
    activation_range act{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        average_pool_2d(geometry::params(act.min, act.max), geometry::shape(C), in, out);
    }
};

template <int InH, int InW, int C, int FH, int FW, int SH, int SW, padding Pad = padding::valid>
struct max_pool {
    using geometry = detail::pool_geometry<InH, InW, FH, FW, SH, SW, Pad>;
    static constexpr int input_size = InH * InW * C, output_size = geometry::output_h * geometry::output_w * C;
    static constexpr bool in_place = false;
    activation_range act{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept {
        max_pool_2d(geometry::params(act.min, act.max), geometry::shape(C), in, out);
    }
};

/// MEAN over H and W (global average pooling): H x W x C -> C.
template <int H, int W, int C>
struct global_mean {
    static constexpr int input_size = H * W * C, output_size = C;
    static constexpr bool in_place = false;
    mean_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { mean_hw(params, in, 1, H, W, C, out); }
};

/// SOFTMAX over rows of N.
template <int N, int Rows = 1>
struct softmax_layer {
    static constexpr int input_size = N * Rows, output_size = N * Rows;
    static constexpr bool in_place = false;
    softmax_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { softmax(params, in, Rows, N, out); }
};

template <int N>
struct logistic_layer {
    static constexpr int input_size = N, output_size = N;
    static constexpr bool in_place = false;
    sigmoid_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { logistic(params, in, N, out); }
};

template <int N>
struct tanh_layer {
    static constexpr int input_size = N, output_size = N;
    static constexpr bool in_place = false;
    sigmoid_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { nerve::infer::tanh(params, in, N, out); }
};

/// Stand-alone RELU (requantizing, TFLite Micro's kernel).
template <int N>
struct relu_layer {
    static constexpr int input_size = N, output_size = N;
    static constexpr bool in_place = false;
    relu_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { relu(params, in, N, out); }
};

/// int8 -> int8 QUANTIZE (a change of scale / zero point).
template <int N>
struct requantize_layer {
    static constexpr int input_size = N, output_size = N;
    static constexpr bool in_place = false;
    requantize_params params{};
    void run(const std::int8_t* in, std::int8_t* out) const noexcept { requantize_int8(params, in, N, out); }
};

/// RESHAPE / SQUEEZE / EXPAND_DIMS: nothing happens to the data.
template <int N>
struct reshape_layer {
    static constexpr int input_size = N, output_size = N;
    static constexpr bool in_place = true;
    void run(const std::int8_t*, std::int8_t*) const noexcept {}
};

// --- the model -------------------------------------------------------------------------------------

template <class First, class... Rest>
class model {
    using layers_t = std::tuple<First, Rest...>;
    static constexpr std::size_t count = 1 + sizeof...(Rest);
    using last_t = std::tuple_element_t<count - 1, layers_t>;

    template <std::size_t... I>
    static constexpr bool chained(std::index_sequence<I...>) noexcept {
        return ((std::tuple_element_t<I, layers_t>::output_size == std::tuple_element_t<I + 1, layers_t>::input_size) && ...);
    }
    static_assert(chained(std::make_index_sequence<count - 1>{}),
                  "nerve::infer::model: a layer's output_size differs from the next layer's input_size");

    static constexpr int max_of(std::initializer_list<int> v) noexcept {
        int m = 0;
        for (int x : v) m = x > m ? x : m;
        return m;
    }

public:
    static constexpr int input_size = First::input_size;
    static constexpr int output_size = last_t::output_size;
    /// The largest activation tensor; the model holds two buffers of it.
    static constexpr int max_tensor = max_of({First::input_size, First::output_size, Rest::output_size...});
    static constexpr std::size_t activation_bytes = 2 * static_cast<std::size_t>(max_tensor);

    using input_type = std::array<std::int8_t, input_size>;
    using output_type = std::array<std::int8_t, output_size>;

    constexpr model() = default;
    constexpr explicit model(const First& first, const Rest&... rest) noexcept : layers_(first, rest...) {}

    /// Runs every layer; `in` (input_size bytes) and `out` (output_size bytes) may be anywhere,
    /// including inside this model's buffers.
    void run(const std::int8_t* in, std::int8_t* out) noexcept {
        if (in != buf_[0]) std::memmove(buf_[0], in, input_size);
        const int final_buffer = run_layers(std::make_index_sequence<count>{});
        if (out != buf_[final_buffer]) std::memmove(out, buf_[final_buffer], output_size);
    }

    output_type operator()(const input_type& x) noexcept {
        output_type y;
        run(x.data(), y.data());
        return y;
    }

    /// The input buffer (write the input here and call run(input(), ...) to save one copy).
    std::int8_t* input() noexcept { return buf_[0]; }

    constexpr void reset() noexcept {}

    template <std::size_t I>
    constexpr const auto& layer() const noexcept { return std::get<I>(layers_); }

private:
    template <std::size_t... I>
    int run_layers(std::index_sequence<I...>) noexcept {
        int cur = 0;
        (run_one<I>(cur), ...);
        return cur;
    }
    template <std::size_t I>
    void run_one(int& cur) noexcept {
        using L = std::tuple_element_t<I, layers_t>;
        if constexpr (L::in_place) {
            std::get<I>(layers_).run(buf_[cur], buf_[cur]);
        } else {
            std::get<I>(layers_).run(buf_[cur], buf_[cur ^ 1]);
            cur ^= 1;
        }
    }

    layers_t layers_{};
    alignas(8) std::int8_t buf_[2][max_tensor > 0 ? max_tensor : 1]{};
};

}  // namespace nerve::infer
