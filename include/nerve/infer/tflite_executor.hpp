// nerve/infer/tflite_executor.hpp — runs an int8 .tflite model over a caller-provided arena.
//
//     alignas(16) static std::byte arena[4096];
//     nerve::infer::tflite_executor<> ex;
//     if (auto r = ex.load(model_bytes); !r) { ... r.message() ... }   // every op checked here
//     // ex.arena_bytes() is the exact size needed (memory planner over tensor lifetimes)
//     if (auto r = ex.bind(arena); !r) { ... }                          // too small: refused
//     std::memcpy(ex.input().data(), sample, ex.input().size());
//     ex.invoke();
//     auto y = ex.output();
//
// load() validates the file (io/tflite.hpp), then the model: only subgraph 0 runs; every tensor
// must have a static shape, every op must be one nerve implements with the types and
// quantization TFLite's int8 kernels accept, or load() fails with errc::unsupported (naming the
// first offending op through failed_op()). Nothing is left to be discovered at invoke() time.
//
// Memory: the executor object holds fixed tables (MaxTensors, MaxOps); the arena holds the
// activations (planned by infer/memory_planner.hpp: tensors whose lives do not overlap share
// bytes) followed by the per-channel multipliers and shifts computed at bind(). Constant
// tensors (weights, biases) are read in place from the model bytes, which the caller keeps
// alive and 16-byte aligned (a misaligned int32 bias is refused at load, not read unaligned).
//
// The kernels are nerve::infer's free functions (fully_connected.hpp, conv_2d.hpp, ...), the
// same ones the static models call, so both paths are bit-exact with TFLite's reference kernels.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "../core/result.hpp"
#include "../io/tflite.hpp"
#include "add.hpp"
#include "average_pool_2d.hpp"
#include "broadcast.hpp"
#include "conv_2d.hpp"
#include "depthwise_conv_2d.hpp"
#include "detail/zeroed_table.hpp"
#include "fully_connected.hpp"
#include "logistic.hpp"
#include "max_pool_2d.hpp"
#include "mean.hpp"
#include "memory_planner.hpp"
#include "mul.hpp"
#include "padding.hpp"
#include "quantization.hpp"
#include "quantize.hpp"
#include "relu.hpp"
#include "softmax.hpp"
#include "tanh.hpp"

namespace nerve::infer {

namespace tfl = nerve::io::tflite;

/// What load() learned about one tensor.
struct tensor_info {
    tfl::tensor_type type = tfl::tensor_type::float32;
    std::uint8_t rank = 0;
    std::int32_t dims[6] = {};
    std::uint32_t elements = 0;
    std::uint32_t bytes = 0;
    const std::byte* constant = nullptr;  ///< in the model bytes, or null for an activation
    std::uint32_t offset = 0;             ///< activation: offset in the arena
    std::int32_t first = -1, last = -1;   ///< activation: op steps of its life (-1: unused)
    float scale = 0.0f;                   ///< per-tensor scale (first scale of a per-channel tensor)
    std::int32_t zero_point = 0;
    std::uint32_t channel_scales = 0;     ///< number of quantization scales (1: per tensor)

    constexpr bool is_activation() const noexcept { return constant == nullptr && first >= 0; }
};

/// One op, with everything its kernel needs that does not depend on where the arena is
/// (per-channel multiplier tables are filled in the arena by bind()).
struct op_info {
    std::int32_t code = 0;  ///< BuiltinOperator
    std::int16_t in[3] = {-1, -1, -1};
    std::int16_t out = -1;
    tfl::activation fused = tfl::activation::none;
    std::int32_t act_min = -128, act_max = 127;
    // FULLY_CONNECTED
    fully_connected_params fc{};
    std::int32_t batches = 0, in_depth = 0, out_depth = 0;
    // CONV_2D, DEPTHWISE_CONV_2D (multiplier/shift pointers set at bind)
    conv_params conv{};
    conv_shape cshape{};
    int depth_multiplier = 1;
    std::uint32_t per_channel = 0;        ///< channels with their own multiplier (0: none)
    std::uint32_t persistent_offset = 0;  ///< where those multipliers (then shifts) live in the arena
    // pooling
    pool_params pool{};
    pool_shape pshape{};
    // MEAN, SOFTMAX, LOGISTIC/TANH, ADD/MUL, QUANTIZE, RELU
    mean_params mean{};
    softmax_params softmax{};
    sigmoid_params sigmoid{};
    add_params add{};
    mul_params mul{};
    shape4 shape_a{}, shape_b{};
    requantize_params requant{};
    relu_params relu{};
    float scale = 0.0f;
    std::int32_t zero_point = 0;
    std::int32_t rows = 0, row_size = 0, size = 0;
};

/// The executor. MaxTensors / MaxOps bound the model it can hold; sizeof is its RAM besides the arena.
template <std::size_t MaxTensors = 128, std::size_t MaxOps = 128>
class tflite_executor {
    static_assert(MaxTensors >= 1 && MaxTensors <= 32767 && MaxOps >= 1, "tensor indices are kept in 16 bits");

public:
    static constexpr std::size_t arena_alignment = 16;

    /// Reads and checks the model, plans the arena. The bytes must outlive the executor.
    result<void> load(std::span<const std::byte> model_bytes) noexcept {
        reset();
        auto parsed = tfl::model_view::parse(model_bytes);
        if (!parsed) return parsed.err();
        model_ = parsed.value();
        const tfl::subgraph_view g = model_.subgraph(0);
        if (g.tensor_count() > MaxTensors) return {errc::out_of_range, "tflite executor: more tensors than MaxTensors"};
        if (g.operator_count() > MaxOps) return {errc::out_of_range, "tflite executor: more ops than MaxOps"};
        if (g.operator_count() == 0) return {errc::unsupported, "tflite executor: the model has no ops"};
        inputs_ = g.inputs();  // kept, so neither the checks below nor input()/output() walk the flatbuffer again
        outputs_ = g.outputs();
        if (inputs_.size() == 0 || outputs_.size() == 0)
            return {errc::unsupported, "tflite executor: the model has no input or output tensor"};
        tensor_count_ = g.tensor_count();
        op_count_ = g.operator_count();

        for (std::uint32_t i = 0; i < tensor_count_; ++i)
            if (auto r = read_tensor(g.tensor(i), tensors_[i]); !r) return r;

        // lifetimes
        for (std::uint32_t k = 0; k < inputs_.size(); ++k) touch(inputs_[k], 0);
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            const tfl::operator_view op = g.op(o);
            for (std::uint32_t k = 0; k < op.inputs().size(); ++k) touch(op.inputs()[k], static_cast<std::int32_t>(o));
            for (std::uint32_t k = 0; k < op.outputs().size(); ++k) touch(op.outputs()[k], static_cast<std::int32_t>(o));
        }
        for (std::uint32_t k = 0; k < outputs_.size(); ++k) touch(outputs_[k], static_cast<std::int32_t>(op_count_) - 1);
        for (std::uint32_t k = 0; k < inputs_.size(); ++k) {
            const tensor_info& t = tensors_[inputs_[k]];
            if (t.constant) return {errc::unsupported, "tflite executor: a model input has constant data"};
        }

        // ops, in order: each is checked, and every activation it reads must have been written
        // before (by an earlier op, or as a model input), so no op ever reads undefined bytes.
        bool written[MaxTensors] = {};
        for (std::uint32_t k = 0; k < inputs_.size(); ++k) written[inputs_[k]] = true;
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            failed_op_plus_one_ = o + 1;
            if (auto r = read_op(g.op(o), ops_[o]); !r) return r;
            for (std::int16_t i : ops_[o].in)
                if (i >= 0 && tensors_[i].constant == nullptr && !written[i])
                    return {errc::parse_error, "tflite executor: an op reads a tensor nothing has written"};
            written[ops_[o].out] = true;
        }
        failed_op_plus_one_ = 0;
        for (std::uint32_t k = 0; k < outputs_.size(); ++k)
            if (!written[outputs_[k]]) return {errc::parse_error, "tflite executor: a model output is never written"};

        // memory plan over the activations
        buffer_request req[MaxTensors];
        std::uint32_t offsets[MaxTensors];
        std::uint32_t scratch[MaxTensors];
        for (std::uint32_t i = 0; i < tensor_count_; ++i) {
            const tensor_info& t = tensors_[i];
            req[i] = t.is_activation() ? buffer_request{t.bytes, t.first, t.last} : buffer_request{};
        }
        auto plan = plan_memory({req, tensor_count_}, {offsets, tensor_count_}, {scratch, tensor_count_},
                                arena_alignment);
        if (!plan) return plan.err();
        for (std::uint32_t i = 0; i < tensor_count_; ++i) tensors_[i].offset = offsets[i];
        plan_ = plan.value();
        std::uint64_t at = plan_.arena_bytes;
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            if (ops_[o].per_channel == 0) continue;
            at = detail::align_up(at, arena_alignment);
            ops_[o].persistent_offset = static_cast<std::uint32_t>(at);
            at += std::uint64_t(ops_[o].per_channel) * 8;
        }
        if (at > 0xffffffffull) return {errc::out_of_range, "tflite executor: arena above 4 GiB"};
        arena_bytes_ = static_cast<std::size_t>(at);
        loaded_ = true;
        return {};
    }

    /// Exact arena size (activations + per-channel requantization tables), known after load().
    std::size_t arena_bytes() const noexcept { return arena_bytes_; }
    /// The planned activation bytes and the lower bound of any plan (max live bytes at one step).
    std::size_t activation_bytes() const noexcept { return plan_.arena_bytes; }
    std::size_t activation_lower_bound() const noexcept { return plan_.lower_bound; }
    /// The rest of the arena: per-channel multiplier and shift tables (with their alignment padding).
    std::size_t persistent_bytes() const noexcept { return arena_bytes_ - plan_.arena_bytes; }

    /// Uses `arena` (>= arena_bytes(), 16-byte aligned) from now on; computes the per-channel
    /// multipliers into it. Errors: invalid_state (no model loaded), buffer_too_small, invalid_argument.
    result<void> bind(std::span<std::byte> arena) noexcept {
        if (!loaded_) return {errc::invalid_state, "tflite executor: bind() before a successful load()"};
        if (arena.size() < arena_bytes_) return {errc::buffer_too_small, "tflite executor: arena smaller than arena_bytes()"};
        if (reinterpret_cast<std::uintptr_t>(arena.data()) % arena_alignment != 0)
            return {errc::invalid_argument, "tflite executor: arena is not 16-byte aligned"};
        arena_ = arena.data();
        const tfl::subgraph_view g = model_.subgraph(0);
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            op_info& op = ops_[o];
            if (op.per_channel == 0) continue;
            const tfl::tensor_view w = g.tensor(static_cast<std::uint32_t>(op.in[1]));
            const auto scales = w.quantization().scale();
            const float in_scale = tensors_[op.in[0]].scale, out_scale = tensors_[op.out].scale;
            std::int32_t* mult = reinterpret_cast<std::int32_t*>(arena_ + op.persistent_offset);
            std::int32_t* shift = mult + op.per_channel;
            for (std::uint32_t c = 0; c < op.per_channel; ++c) {
                // One scale: the per-tensor case, which TFLite's conv kernels also expand per channel.
                const float ws = scales.size() == 1 ? scales[0] : scales[c];
                const quantized_multiplier q = quantize_multiplier(conv_real_multiplier(in_scale, ws, out_scale));
                mult[c] = q.multiplier;
                shift[c] = q.shift;
            }
            if (op.code == static_cast<std::int32_t>(tfl::builtin_op::fully_connected)) {
                op.fc.per_channel_multiplier = mult;
                op.fc.per_channel_shift = shift;
            } else {
                op.conv.output_multiplier = mult;
                op.conv.output_shift = shift;
            }
        }
        return {};
    }

    /// Forgets the model and the arena.
    void reset() noexcept {
        model_ = {};
        inputs_ = outputs_ = {};
        tensors_.construct_all();
        ops_.construct_all();
        tensor_count_ = op_count_ = 0;
        plan_ = {};
        arena_bytes_ = 0;
        arena_ = nullptr;
        failed_op_plus_one_ = 0;
        loaded_ = false;
    }

    bool ready() const noexcept { return arena_ != nullptr; }

    std::size_t input_count() const noexcept { return inputs_.size(); }
    std::size_t output_count() const noexcept { return outputs_.size(); }
    std::int32_t input_tensor(std::size_t i = 0) const noexcept { return inputs_[static_cast<std::uint32_t>(i)]; }
    std::int32_t output_tensor(std::size_t i = 0) const noexcept { return outputs_[static_cast<std::uint32_t>(i)]; }

    /// The input's bytes in the arena (empty before bind()).
    std::span<std::byte> input_bytes(std::size_t i = 0) noexcept { return activation(input_tensor(i)); }
    std::span<const std::byte> output_bytes(std::size_t i = 0) const noexcept {
        return const_cast<tflite_executor*>(this)->activation(output_tensor(i));
    }
    /// int8 views (empty when the tensor is not int8).
    std::span<std::int8_t> input(std::size_t i = 0) noexcept { return as_int8(input_tensor(i)); }
    std::span<const std::int8_t> output(std::size_t i = 0) const noexcept {
        return const_cast<tflite_executor*>(this)->as_int8(output_tensor(i));
    }

    /// Runs every op once. Bounded time, no allocation.
    result<void> invoke() noexcept {
        if (!arena_) return {errc::invalid_state, "tflite executor: invoke() before bind()"};
        for (std::uint32_t o = 0; o < op_count_; ++o) run(ops_[o]);
        return {};
    }

    // introspection (nerve infer --info, tests)
    std::uint32_t tensor_count() const noexcept { return tensor_count_; }
    const tensor_info& tensor(std::uint32_t i) const noexcept { return tensors_[i]; }
    std::uint32_t op_count() const noexcept { return op_count_; }
    const op_info& op(std::uint32_t i) const noexcept { return ops_[i]; }
    const tfl::model_view& model() const noexcept { return model_; }
    /// The op that made load() fail (-1: none, or the failure was not an op's).
    std::int32_t failed_op() const noexcept { return static_cast<std::int32_t>(failed_op_plus_one_) - 1; }

private:
    void touch(std::int32_t t, std::int32_t step) noexcept {
        if (t < 0) return;
        tensor_info& ti = tensors_[t];
        if (ti.constant) return;
        if (ti.first < 0 || step < ti.first) ti.first = step;
        if (step > ti.last) ti.last = step;
    }

    std::span<std::byte> activation(std::int32_t t) noexcept {
        if (!arena_ || t < 0 || static_cast<std::uint32_t>(t) >= tensor_count_ || !tensors_[t].is_activation()) return {};
        return {arena_ + tensors_[t].offset, tensors_[t].bytes};
    }
    std::span<std::int8_t> as_int8(std::int32_t t) noexcept {
        auto b = activation(t);
        if (b.empty() || tensors_[t].type != tfl::tensor_type::int8) return {};
        return {reinterpret_cast<std::int8_t*>(b.data()), b.size()};
    }
    template <class T>
    const T* cptr(std::int32_t t) const noexcept {
        if (t < 0) return nullptr;
        const tensor_info& ti = tensors_[t];
        return reinterpret_cast<const T*>(ti.constant ? ti.constant : arena_ + ti.offset);
    }
    template <class T>
    T* mptr(std::int32_t t) noexcept {
        return reinterpret_cast<T*>(arena_ + tensors_[t].offset);
    }

    static result<void> read_tensor(const tfl::tensor_view& v, tensor_info& t) noexcept {
        t.type = v.type();
        const auto shape = v.shape();
        if (shape.size() > 6) return {errc::unsupported, "tflite executor: tensor rank above 6"};
        if (v.is_sparse()) return {errc::unsupported, "tflite executor: sparse tensors"};
        if (v.is_variable()) return {errc::unsupported, "tflite executor: variable (stateful) tensors"};
        t.rank = static_cast<std::uint8_t>(shape.size());
        std::uint64_t n = 1;
        for (std::uint32_t k = 0; k < shape.size(); ++k) {
            const std::int32_t d = shape[k];
            if (d < 0) return {errc::unsupported, "tflite executor: dynamic (negative) tensor dimension"};
            t.dims[k] = d;
            n *= static_cast<std::uint64_t>(d);
            if (n > (1u << 28)) return {errc::out_of_range, "tflite executor: tensor larger than 2^28 elements"};
        }
        t.elements = static_cast<std::uint32_t>(n);
        const std::size_t es = tfl::element_size(t.type);
        t.bytes = static_cast<std::uint32_t>(n * es);
        const auto q = v.quantization();
        t.channel_scales = q.scale().size();
        if (t.channel_scales > 0) {
            t.scale = q.scale()[0];
            const std::int64_t zp = q.zero_point().size() > 0 ? q.zero_point()[0] : 0;
            if (zp < -32768 || zp > 65535) return {errc::out_of_range, "tflite executor: zero point out of range"};
            t.zero_point = static_cast<std::int32_t>(zp);
        }
        return {};
    }

    result<void> bind_constant(const tfl::tensor_view& v, tensor_info& t, bool required = false) noexcept {
        const auto data = model_.buffer_data(v.buffer());
        if (data.empty()) {
            if (required) return {errc::unsupported, "tflite executor: weights or bias are not constant"};
            return {};
        }
        if (data.size() != t.bytes) return {errc::parse_error, "tflite executor: constant data size does not match its shape"};
        const std::size_t es = tfl::element_size(t.type);
        if (es > 1 && reinterpret_cast<std::uintptr_t>(data.data()) % es != 0)
            return {errc::invalid_argument, "tflite executor: constant data misaligned (keep the model 16-byte aligned)"};
        t.constant = data.data();
        return {};
    }

    static bool good_scale(float s) noexcept { return std::isfinite(s) && s > 0.0f; }

    /// An int8 activation with a per-tensor scale and an int8 zero point.
    result<void> check_int8(std::int32_t idx, const char* what) noexcept {
        if (idx < 0) return {errc::unsupported, what};
        const tensor_info& t = tensors_[idx];
        if (t.type != tfl::tensor_type::int8) return {errc::unsupported, what};
        if (t.channel_scales != 1 || !good_scale(t.scale) || t.zero_point < -128 || t.zero_point > 127)
            return {errc::unsupported, "tflite executor: int8 activation without a valid per-tensor scale and zero point"};
        return {};
    }

    static result<quantized_multiplier> multiplier_of(double m) noexcept {
        if (!(m > 0.0) || !(m < 2147483648.0)) return {errc::out_of_range, "tflite executor: requantization multiplier out of range"};
        return quantize_multiplier(m);
    }

    result<void> fused(op_info& op, tfl::activation a) noexcept {
        if (a != tfl::activation::none && a != tfl::activation::relu && a != tfl::activation::relu6 &&
            a != tfl::activation::relu_n1_to_1)
            return {errc::unsupported, "tflite executor: fused activation other than RELU, RELU6, RELU_N1_TO_1"};
        op.fused = a;
        const tensor_info& o = tensors_[op.out];
        const activation_range r = make_activation_range(static_cast<fused_activation>(a), o.scale, o.zero_point);
        op.act_min = r.min;
        op.act_max = r.max;
        return {};
    }

    result<void> read_op(const tfl::operator_view& v, op_info& op) noexcept {
        const tfl::operator_code_view code = model_.operator_code(v.opcode_index());
        op.code = code.builtin_code();
        const auto ins = v.inputs();
        const auto outs = v.outputs();
        if (ins.size() > 3 || outs.size() != 1) return {errc::unsupported, "tflite executor: op with more than 3 inputs or not 1 output"};
        for (std::uint32_t k = 0; k < ins.size(); ++k) op.in[k] = static_cast<std::int16_t>(ins[k]);
        op.out = static_cast<std::int16_t>(outs[0]);
        if (tensors_[op.out].constant) return {errc::unsupported, "tflite executor: an op writes a constant tensor"};
        if (op.in[0] < 0) return {errc::unsupported, "tflite executor: an op without its first input"};
        // Constant operands (weights, biases, shapes, a constant ADD/MUL operand) are read in place.
        for (std::uint32_t k = 0; k < ins.size(); ++k)
            if (op.in[k] >= 0)
                if (auto r = bind_constant(model_.subgraph(0).tensor(static_cast<std::uint32_t>(op.in[k])), tensors_[op.in[k]]); !r)
                    return r;
        const tfl::table_view options = v.builtin_options();

        switch (static_cast<tfl::builtin_op>(op.code)) {
            case tfl::builtin_op::fully_connected: return read_fully_connected(op, tfl::read_fully_connected_options(options));
            case tfl::builtin_op::conv_2d: return read_conv(op, options, false);
            case tfl::builtin_op::depthwise_conv_2d: return read_conv(op, options, true);
            case tfl::builtin_op::average_pool_2d:
            case tfl::builtin_op::max_pool_2d: return read_pool(op, tfl::read_pool_2d_options(options));
            case tfl::builtin_op::mean: return read_mean(op);
            case tfl::builtin_op::softmax: return read_softmax(op, tfl::read_softmax_options(options));
            case tfl::builtin_op::logistic:
            case tfl::builtin_op::tanh: return read_sigmoid(op);
            case tfl::builtin_op::add:
            case tfl::builtin_op::mul:
                return read_binary(op, static_cast<tfl::activation>(options.scalar<std::int8_t>(0, 0)));
            case tfl::builtin_op::quantize:
            case tfl::builtin_op::dequantize: return read_quantize(op);
            case tfl::builtin_op::relu:
            case tfl::builtin_op::relu6: return read_relu(op);
            case tfl::builtin_op::reshape:
            case tfl::builtin_op::squeeze:
            case tfl::builtin_op::expand_dims: {
                // Same bytes, new shape: a copy. The shape operand is not read at run time; the
                // output tensor's static shape is the truth and must hold as many elements.
                const tensor_info& in = tensors_[op.in[0]];
                const tensor_info& out = tensors_[op.out];
                if (in.constant) return {errc::unsupported, "RESHAPE: constant input"};
                if (in.type != out.type || in.bytes != out.bytes)
                    return {errc::parse_error, "RESHAPE: input and output differ in type or size"};
                if (in.scale != out.scale || in.zero_point != out.zero_point)
                    return {errc::unsupported, "RESHAPE: input and output quantization differ"};
                op.in[1] = op.in[2] = -1;
                return {};
            }
            default: break;
        }
        if (op.code == static_cast<std::int32_t>(tfl::builtin_op::custom))
            return {errc::unsupported, "tflite executor: custom operator"};
        return {errc::unsupported, "tflite executor: operator not implemented"};
    }

    /// int8 NHWC activation of rank 4 (or rank < 4, read as leading ones), returned as N, H, W, C.
    result<void> nhwc(std::int32_t idx, int (&d)[4], const char* what) const noexcept {
        const tensor_info& t = tensors_[idx];
        if (t.rank == 0 || t.rank > 4) return {errc::unsupported, what};
        for (int k = 0; k < 4; ++k) d[k] = 1;
        for (int k = 0; k < t.rank; ++k) d[4 - t.rank + k] = t.dims[k];
        return {};
    }

    /// |bias| + depth * 255 * 255 must fit int32, so that no accumulator can overflow (a hostile
    /// model would otherwise make the kernels' int32 sums undefined behaviour).
    result<void> check_accumulator(std::int32_t bias_idx, std::int64_t depth) const noexcept {
        std::int64_t max_bias = 0;
        if (bias_idx >= 0) {
            const tensor_info& b = tensors_[bias_idx];
            for (std::uint32_t i = 0; i < b.elements; ++i) {
                std::int32_t v;
                std::memcpy(&v, b.constant + 4 * i, 4);
                const std::int64_t a = v < 0 ? -std::int64_t(v) : std::int64_t(v);
                max_bias = a > max_bias ? a : max_bias;
            }
        }
        if (max_bias + depth * 255 * 255 > 2147483647)
            return {errc::out_of_range, "tflite executor: bias and depth could overflow the int32 accumulator"};
        return {};
    }

    result<void> check_bias(const op_info& op, std::uint32_t channels, const char* what) const noexcept {
        if (op.in[2] < 0) return {};
        const tensor_info& b = tensors_[op.in[2]];
        if (!b.constant || b.type != tfl::tensor_type::int32 || b.elements != channels) return {errc::unsupported, what};
        return {};
    }

    result<void> read_fully_connected(op_info& op, const tfl::fully_connected_options& o) noexcept {
        if (op.in[1] < 0) return {errc::unsupported, "FULLY_CONNECTED: missing weights"};
        if (auto r = check_int8(op.in[0], "FULLY_CONNECTED: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "FULLY_CONNECTED: output is not int8"); !r) return r;
        const tensor_info& w = tensors_[op.in[1]];
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (!w.constant || w.type != tfl::tensor_type::int8 || w.rank != 2)
            return {errc::unsupported, "FULLY_CONNECTED: weights are not constant int8 [units, depth]"};
        if (o.weights_format != 0) return {errc::unsupported, "FULLY_CONNECTED: shuffled weights format"};
        op.out_depth = w.dims[0];
        op.in_depth = w.dims[1];
        if (op.in_depth <= 0 || op.out_depth <= 0) return {errc::unsupported, "FULLY_CONNECTED: empty weights"};
        if (in.elements % static_cast<std::uint32_t>(op.in_depth) != 0)
            return {errc::parse_error, "FULLY_CONNECTED: input size is not a multiple of the weights' depth"};
        op.batches = static_cast<std::int32_t>(in.elements / static_cast<std::uint32_t>(op.in_depth));
        if (out.elements != static_cast<std::uint64_t>(op.batches) * static_cast<std::uint32_t>(op.out_depth))
            return {errc::parse_error, "FULLY_CONNECTED: output size is not batches x units"};
        if (auto r = check_bias(op, static_cast<std::uint32_t>(op.out_depth), "FULLY_CONNECTED: bias is not constant int32 [units]"); !r)
            return r;
        if (auto r = check_accumulator(op.in[2], op.in_depth); !r) return r;
        if (auto r = weights_quantization(op, w, static_cast<std::uint32_t>(op.out_depth), 0); !r) return r;
        op.fc.input_offset = -in.zero_point;
        op.fc.output_offset = out.zero_point;
        if (op.per_channel == 0) {
            // TFLite's per-tensor FULLY_CONNECTED multiplies the two scales in float first.
            auto m = multiplier_of(fully_connected_real_multiplier(in.scale, w.scale, out.scale));
            if (!m) return m.err();
            op.fc.output_multiplier = m.value().multiplier;
            op.fc.output_shift = m.value().shift;
            op.fc.filter_offset = -w.zero_point;
        }
        if (auto r = fused(op, o.fused); !r) return r;
        op.fc.activation_min = op.act_min;
        op.fc.activation_max = op.act_max;
        return {};
    }

    result<void> read_conv(op_info& op, const tfl::table_view& options, bool depthwise) noexcept {
        const char* name = depthwise ? "DEPTHWISE_CONV_2D" : "CONV_2D";
        if (op.in[1] < 0) return {errc::unsupported, "CONV_2D: missing filter"};
        if (auto r = check_int8(op.in[0], "CONV_2D: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "CONV_2D: output is not int8"); !r) return r;
        const tensor_info& w = tensors_[op.in[1]];
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (!w.constant || w.type != tfl::tensor_type::int8 || w.rank != 4)
            return {errc::unsupported, "CONV_2D: filter is not constant int8 of rank 4"};
        int di[4], dout[4];
        if (!nhwc(op.in[0], di, name) || !nhwc(op.out, dout, name) || in.rank != 4 || out.rank != 4)
            return {errc::unsupported, "CONV_2D: input or output is not NHWC of rank 4"};
        tfl::padding pad;
        int stride_w, stride_h, dil_w, dil_h;
        tfl::activation act;
        conv_shape& s = op.cshape;
        s.batches = di[0];
        s.input_h = di[1];
        s.input_w = di[2];
        s.input_depth = di[3];
        s.filter_h = w.dims[1];
        s.filter_w = w.dims[2];
        std::uint32_t channels;
        std::int64_t depth;
        if (depthwise) {
            const auto o = tfl::read_depthwise_conv_2d_options(options);
            pad = o.pad; stride_w = o.stride_w; stride_h = o.stride_h; dil_w = o.dilation_w; dil_h = o.dilation_h; act = o.fused;
            if (w.dims[0] != 1 || s.input_depth <= 0 || w.dims[3] % s.input_depth != 0)
                return {errc::unsupported, "DEPTHWISE_CONV_2D: filter is not [1, h, w, channels x multiplier]"};
            op.depth_multiplier = w.dims[3] / s.input_depth;
            if (o.depth_multiplier != 0 && o.depth_multiplier != op.depth_multiplier)
                return {errc::parse_error, "DEPTHWISE_CONV_2D: depth_multiplier disagrees with the filter shape"};
            s.output_depth = w.dims[3];
            channels = static_cast<std::uint32_t>(w.dims[3]);
            depth = std::int64_t(s.filter_h) * s.filter_w;
        } else {
            const auto o = tfl::read_conv_2d_options(options);
            pad = o.pad; stride_w = o.stride_w; stride_h = o.stride_h; dil_w = o.dilation_w; dil_h = o.dilation_h; act = o.fused;
            if (w.dims[3] != s.input_depth) return {errc::unsupported, "CONV_2D: grouped convolution (filter depth != input depth)"};
            s.output_depth = w.dims[0];
            channels = static_cast<std::uint32_t>(w.dims[0]);
            depth = std::int64_t(s.filter_h) * s.filter_w * s.input_depth;
        }
        if (stride_w <= 0 || stride_h <= 0 || dil_w <= 0 || dil_h <= 0 || stride_w > 1024 || stride_h > 1024 ||
            dil_w > 1024 || dil_h > 1024)
            return {errc::unsupported, "CONV_2D: stride or dilation out of range"};
        if (pad != tfl::padding::same && pad != tfl::padding::valid) return {errc::parse_error, "CONV_2D: unknown padding"};
        const padding p = pad == tfl::padding::same ? padding::same : padding::valid;
        s.output_h = conv_output_size(p, s.input_h, s.filter_h, stride_h, dil_h);
        s.output_w = conv_output_size(p, s.input_w, s.filter_w, stride_w, dil_w);
        if (s.output_h <= 0 || s.output_w <= 0 || dout[0] != s.batches || dout[1] != s.output_h || dout[2] != s.output_w ||
            dout[3] != s.output_depth)
            return {errc::parse_error, "CONV_2D: output shape does not follow from the input, filter, stride and padding"};
        if (auto r = check_bias(op, channels, "CONV_2D: bias is not constant int32 [channels]"); !r) return r;
        if (auto r = check_accumulator(op.in[2], depth); !r) return r;
        if (auto r = weights_quantization(op, w, channels, depthwise ? 3 : 0); !r) return r;
        op.per_channel = channels;  // conv kernels take per-channel tables even for one scale
        conv_params& c = op.conv;
        c.input_offset = -in.zero_point;
        c.output_offset = out.zero_point;
        c.stride_h = stride_h;
        c.stride_w = stride_w;
        c.dilation_h = dil_h;
        c.dilation_w = dil_w;
        c.pad_h = conv_padding(s.input_h, s.filter_h, stride_h, dil_h, s.output_h);
        c.pad_w = conv_padding(s.input_w, s.filter_w, stride_w, dil_w, s.output_w);
        if (auto r = fused(op, act); !r) return r;
        c.activation_min = op.act_min;
        c.activation_max = op.act_max;
        return {};
    }

    result<void> read_pool(op_info& op, const tfl::pool_2d_options& o) noexcept {
        if (auto r = check_int8(op.in[0], "POOL_2D: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "POOL_2D: output is not int8"); !r) return r;
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (in.scale != out.scale || in.zero_point != out.zero_point)
            return {errc::unsupported, "POOL_2D: input and output quantization differ"};
        int di[4], dout[4];
        if (!nhwc(op.in[0], di, "") || !nhwc(op.out, dout, "") || in.rank != 4 || out.rank != 4)
            return {errc::unsupported, "POOL_2D: input or output is not NHWC of rank 4"};
        if (o.stride_w <= 0 || o.stride_h <= 0 || o.filter_w <= 0 || o.filter_h <= 0 || o.stride_w > 1024 ||
            o.stride_h > 1024 || o.filter_w > 4096 || o.filter_h > 4096)
            return {errc::unsupported, "POOL_2D: stride or filter out of range"};
        if (o.pad != tfl::padding::same && o.pad != tfl::padding::valid) return {errc::parse_error, "POOL_2D: unknown padding"};
        const padding p = o.pad == tfl::padding::same ? padding::same : padding::valid;
        pool_shape& s = op.pshape;
        s.batches = di[0];
        s.input_h = di[1];
        s.input_w = di[2];
        s.depth = di[3];
        s.output_h = conv_output_size(p, s.input_h, o.filter_h, o.stride_h);
        s.output_w = conv_output_size(p, s.input_w, o.filter_w, o.stride_w);
        if (s.output_h <= 0 || s.output_w <= 0 || dout[0] != s.batches || dout[1] != s.output_h || dout[2] != s.output_w ||
            dout[3] != s.depth)
            return {errc::parse_error, "POOL_2D: output shape does not follow from the input, filter, stride and padding"};
        if (std::int64_t(o.filter_h) * o.filter_w * 255 > 2147483647) return {errc::unsupported, "POOL_2D: window too large"};
        pool_params& q = op.pool;
        q.stride_h = o.stride_h;
        q.stride_w = o.stride_w;
        q.filter_h = o.filter_h;
        q.filter_w = o.filter_w;
        q.pad_h = conv_padding(s.input_h, o.filter_h, o.stride_h, 1, s.output_h);
        q.pad_w = conv_padding(s.input_w, o.filter_w, o.stride_w, 1, s.output_w);
        if (auto r = fused(op, o.fused); !r) return r;
        q.activation_min = op.act_min;
        q.activation_max = op.act_max;
        return {};
    }

    result<void> read_mean(op_info& op) noexcept {
        if (auto r = check_int8(op.in[0], "MEAN: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "MEAN: output is not int8"); !r) return r;
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (in.rank != 4 || op.in[1] < 0) return {errc::unsupported, "MEAN: only over H and W of a rank-4 input"};
        const tensor_info& axis = tensors_[op.in[1]];
        if (!axis.constant || axis.type != tfl::tensor_type::int32 || axis.elements != 2)
            return {errc::unsupported, "MEAN: only over H and W (axis = [1, 2])"};
        std::int32_t a[2];
        std::memcpy(a, axis.constant, 8);
        if (!((a[0] == 1 && a[1] == 2) || (a[0] == 2 && a[1] == 1)))
            return {errc::unsupported, "MEAN: only over H and W (axis = [1, 2])"};
        if (out.elements != static_cast<std::uint32_t>(in.dims[0]) * static_cast<std::uint32_t>(in.dims[3]))
            return {errc::parse_error, "MEAN: output size is not batches x channels"};
        if (!multiplier_of(static_cast<double>(in.scale) / static_cast<double>(out.scale)))
            return {errc::out_of_range, "MEAN: input / output scale out of range"};
        if (std::int64_t(in.dims[1]) * in.dims[2] * 255 > (std::int64_t{1} << 30)) return {errc::unsupported, "MEAN: window too large"};
        op.mean = make_mean_params(in.scale, in.zero_point, out.scale, out.zero_point);
        op.cshape.batches = in.dims[0];
        op.cshape.input_h = in.dims[1];
        op.cshape.input_w = in.dims[2];
        op.cshape.input_depth = in.dims[3];
        op.in[1] = -1;
        return {};
    }

    result<void> read_softmax(op_info& op, const tfl::softmax_options& o) noexcept {
        if (auto r = check_int8(op.in[0], "SOFTMAX: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "SOFTMAX: output is not int8"); !r) return r;
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (out.scale != 1.0f / 256 || out.zero_point != -128)
            return {errc::unsupported, "SOFTMAX: int8 output must have scale 1/256 and zero point -128 (TFLite's rule)"};
        if (in.rank == 0 || in.elements != out.elements || in.dims[in.rank - 1] <= 0) return {errc::parse_error, "SOFTMAX: shapes differ"};
        const double bs = static_cast<double>(o.beta) * static_cast<double>(in.scale);
        if (!std::isfinite(o.beta) || !(bs * 67108864.0 > 1.0) || !(bs < 1e6))
            return {errc::unsupported, "SOFTMAX: beta x input scale out of range"};
        op.softmax = make_softmax_params(o.beta, in.scale);
        op.row_size = in.dims[in.rank - 1];
        op.rows = static_cast<std::int32_t>(in.elements / static_cast<std::uint32_t>(op.row_size));
        return {};
    }

    result<void> read_sigmoid(op_info& op) noexcept {
        const bool logistic = op.code == static_cast<std::int32_t>(tfl::builtin_op::logistic);
        if (auto r = check_int8(op.in[0], "LOGISTIC/TANH: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "LOGISTIC/TANH: output is not int8"); !r) return r;
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (logistic ? (out.scale != 1.0f / 256 || out.zero_point != -128) : (out.scale != 1.0f / 128 || out.zero_point != 0))
            return {errc::unsupported, "LOGISTIC/TANH: int8 output must have TFLite's fixed scale and zero point"};
        if (in.elements != out.elements) return {errc::parse_error, "LOGISTIC/TANH: shapes differ"};
        if (!(in.scale < 8.0f) || !(in.scale > 1e-9f)) return {errc::unsupported, "LOGISTIC/TANH: input scale out of range"};
        op.sigmoid = make_sigmoid_params(in.scale, in.zero_point);
        op.size = static_cast<std::int32_t>(in.elements);
        return {};
    }

    result<void> read_binary(op_info& op, tfl::activation act) noexcept {
        const bool is_add = op.code == static_cast<std::int32_t>(tfl::builtin_op::add);
        if (op.in[1] < 0) return {errc::unsupported, "ADD/MUL: missing second input"};
        if (auto r = check_int8(op.in[0], "ADD/MUL: input is not int8"); !r) return r;
        if (auto r = check_int8(op.in[1], "ADD/MUL: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "ADD/MUL: output is not int8"); !r) return r;
        const tensor_info& a = tensors_[op.in[0]];
        const tensor_info& b = tensors_[op.in[1]];
        const tensor_info& out = tensors_[op.out];
        if (!nhwc(op.in[0], op.shape_a.d, "ADD/MUL: rank above 4") || !nhwc(op.in[1], op.shape_b.d, "ADD/MUL: rank above 4"))
            return {errc::unsupported, "ADD/MUL: input rank above 4"};
        const shape4 o = broadcast_shape(op.shape_a, op.shape_b);
        bool ok = true;
        for (int k = 0; k < 4; ++k)
            ok = ok && (op.shape_a.d[k] == op.shape_b.d[k] || op.shape_a.d[k] == 1 || op.shape_b.d[k] == 1);
        if (!ok || o.size() < 0 || static_cast<std::uint64_t>(o.size()) != out.elements)
            return {errc::parse_error, "ADD/MUL: shapes do not broadcast to the output"};
        if (auto r = fused(op, act); !r) return r;
        const activation_range range{op.act_min, op.act_max};
        const double sa = a.scale, sb = b.scale, so = out.scale;
        if (is_add) {
            const double twice = 2.0 * (sa > sb ? sa : sb);
            if (!multiplier_of(twice / (1048576.0 * so))) return {errc::out_of_range, "ADD: scales out of range"};
            op.add = make_add_params(a.scale, a.zero_point, b.scale, b.zero_point, out.scale, out.zero_point, range);
        } else {
            if (!multiplier_of(sa * sb / so)) return {errc::out_of_range, "MUL: scales out of range"};
            op.mul = make_mul_params(a.scale, a.zero_point, b.scale, b.zero_point, out.scale, out.zero_point, range);
        }
        return {};
    }

    result<void> read_quantize(op_info& op) noexcept {
        const bool quantize = op.code == static_cast<std::int32_t>(tfl::builtin_op::quantize);
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (in.elements != out.elements) return {errc::parse_error, "QUANTIZE/DEQUANTIZE: shapes differ"};
        op.size = static_cast<std::int32_t>(in.elements);
        if (!quantize) {
            if (auto r = check_int8(op.in[0], "DEQUANTIZE: input is not int8"); !r) return r;
            if (out.type != tfl::tensor_type::float32) return {errc::unsupported, "DEQUANTIZE: output is not float32"};
            op.scale = in.scale;
            op.zero_point = in.zero_point;
            return {};
        }
        if (auto r = check_int8(op.out, "QUANTIZE: output is not int8"); !r) return r;
        if (in.type == tfl::tensor_type::float32) {
            op.scale = out.scale;
            op.zero_point = out.zero_point;
            return {};
        }
        if (auto r = check_int8(op.in[0], "QUANTIZE: input is neither float32 nor int8"); !r) return r;
        if (!multiplier_of(static_cast<double>(in.scale) / static_cast<double>(out.scale)))
            return {errc::out_of_range, "QUANTIZE: scale ratio out of range"};
        op.requant = make_requantize_params(in.scale, in.zero_point, out.scale, out.zero_point);
        return {};
    }

    result<void> read_relu(op_info& op) noexcept {
        if (auto r = check_int8(op.in[0], "RELU: input is not int8"); !r) return r;
        if (auto r = check_int8(op.out, "RELU: output is not int8"); !r) return r;
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        if (in.elements != out.elements) return {errc::parse_error, "RELU: shapes differ"};
        op.size = static_cast<std::int32_t>(in.elements);
        if (op.code == static_cast<std::int32_t>(tfl::builtin_op::relu6)) {
            if (in.scale != out.scale || in.zero_point != out.zero_point)
                return {errc::unsupported, "RELU6: input and output quantization differ"};
            op.scale = out.scale;
            op.zero_point = out.zero_point;
            return {};
        }
        if (!multiplier_of(static_cast<double>(in.scale) / static_cast<double>(out.scale)))
            return {errc::out_of_range, "RELU: scale ratio out of range"};
        op.relu = make_relu_params(in.scale, in.zero_point, out.scale, out.zero_point);
        return {};
    }

    /// Per-tensor (one scale, handled by the caller) or per channel along `channel_dim`: checks
    /// every channel's scale and multiplier; bind() computes the tables.
    result<void> weights_quantization(op_info& op, const tensor_info& w, std::uint32_t channels, std::int32_t channel_dim) noexcept {
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        const auto q = model_.subgraph(0).tensor(static_cast<std::uint32_t>(op.in[1])).quantization();
        if (w.channel_scales == 1) {
            if (!good_scale(w.scale)) return {errc::unsupported, "weights: invalid scale"};
            if (w.zero_point < -127 || w.zero_point > 127) return {errc::unsupported, "weights: zero point out of range"};
            if (!multiplier_of(conv_real_multiplier(in.scale, w.scale, out.scale)))
                return {errc::out_of_range, "weights: multiplier out of range"};
            if (w.zero_point != 0 && op.code != static_cast<std::int32_t>(tfl::builtin_op::fully_connected))
                return {errc::unsupported, "weights: convolution weights with a non-zero zero point"};
            return {};
        }
        if (w.channel_scales != channels || q.quantized_dimension() != channel_dim)
            return {errc::unsupported, "weights: per-channel scales do not match the output channels"};
        for (std::uint32_t c = 0; c < channels; ++c) {
            if (!good_scale(q.scale()[c])) return {errc::unsupported, "weights: invalid per-channel scale"};
            if (c < q.zero_point().size() && q.zero_point()[c] != 0)
                return {errc::unsupported, "weights: per-channel zero point is not 0"};
            if (!multiplier_of(conv_real_multiplier(in.scale, q.scale()[c], out.scale)))
                return {errc::out_of_range, "weights: per-channel multiplier out of range"};
        }
        op.per_channel = channels;
        return {};
    }

    void run(const op_info& op) noexcept {
        const std::int8_t* in = cptr<std::int8_t>(op.in[0]);
        switch (static_cast<tfl::builtin_op>(op.code)) {
            case tfl::builtin_op::fully_connected:
                fully_connected(op.fc, in, op.batches, op.in_depth, cptr<std::int8_t>(op.in[1]), cptr<std::int32_t>(op.in[2]),
                                op.out_depth, mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::conv_2d:
                conv_2d(op.conv, op.cshape, in, cptr<std::int8_t>(op.in[1]), cptr<std::int32_t>(op.in[2]), mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::depthwise_conv_2d:
                depthwise_conv_2d(op.conv, op.cshape, op.depth_multiplier, in, cptr<std::int8_t>(op.in[1]),
                                  cptr<std::int32_t>(op.in[2]), mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::average_pool_2d: average_pool_2d(op.pool, op.pshape, in, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::max_pool_2d: max_pool_2d(op.pool, op.pshape, in, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::mean:
                mean_hw(op.mean, in, op.cshape.batches, op.cshape.input_h, op.cshape.input_w, op.cshape.input_depth,
                        mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::softmax: softmax(op.softmax, in, op.rows, op.row_size, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::logistic: logistic(op.sigmoid, in, op.size, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::tanh: nerve::infer::tanh(op.sigmoid, in, op.size, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::add:
                (void)add(op.add, in, op.shape_a, cptr<std::int8_t>(op.in[1]), op.shape_b, mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::mul:
                (void)mul(op.mul, in, op.shape_a, cptr<std::int8_t>(op.in[1]), op.shape_b, mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::quantize:
                if (tensors_[op.in[0]].type == tfl::tensor_type::float32)
                    quantize(cptr<float>(op.in[0]), op.size, op.scale, op.zero_point, mptr<std::int8_t>(op.out));
                else
                    requantize_int8(op.requant, in, op.size, mptr<std::int8_t>(op.out));
                return;
            case tfl::builtin_op::dequantize: dequantize(in, op.size, op.scale, op.zero_point, mptr<float>(op.out)); return;
            case tfl::builtin_op::relu: relu(op.relu, in, op.size, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::relu6: relu6(in, op.size, op.scale, op.zero_point, mptr<std::int8_t>(op.out)); return;
            case tfl::builtin_op::reshape:
            case tfl::builtin_op::squeeze:
            case tfl::builtin_op::expand_dims:
                std::memmove(arena_ + tensors_[op.out].offset, arena_ + tensors_[op.in[0]].offset, tensors_[op.out].bytes);
                return;
            default: return;  // load() accepted only the ops above
        }
    }

    tfl::model_view model_{};
    tfl::vector_view<std::int32_t> inputs_{}, outputs_{};  ///< subgraph 0's, in the model bytes
    // Zero bytes until reset() (the first thing load() does) constructs them, so that a static
    // executor is all zeros and lands in .bss rather than in flash-backed .data.
    detail::zeroed_table<tensor_info, MaxTensors> tensors_;
    detail::zeroed_table<op_info, MaxOps> ops_;
    std::uint32_t tensor_count_ = 0, op_count_ = 0;
    memory_plan plan_{};
    std::size_t arena_bytes_ = 0;
    std::byte* arena_ = nullptr;
    std::uint32_t failed_op_plus_one_ = 0;  // 0: none; stored one up so a fresh executor is all zeros
    bool loaded_ = false;
};

}  // namespace nerve::infer
