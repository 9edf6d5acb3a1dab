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
#include "fully_connected.hpp"
#include "memory_planner.hpp"
#include "quantization.hpp"

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

/// One op, with everything its kernel needs that does not depend on where the arena is.
struct op_info {
    std::int32_t code = 0;  ///< BuiltinOperator
    std::int16_t in[3] = {-1, -1, -1};
    std::int16_t out = -1;
    tfl::activation fused = tfl::activation::none;
    // quantization
    std::int32_t input_offset = 0, filter_offset = 0, output_offset = 0;
    std::int32_t multiplier = 0;
    int shift = 0;
    std::int32_t act_min = -128, act_max = 127;
    std::uint32_t per_channel = 0;        ///< channels with their own multiplier (0: per tensor)
    std::uint32_t persistent_offset = 0;  ///< where its multipliers (then shifts) live in the arena
    // geometry (FULLY_CONNECTED: batches, depth, units)
    std::int32_t batches = 0, in_depth = 0, out_depth = 0;
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
        if (g.inputs().size() == 0 || g.outputs().size() == 0)
            return {errc::unsupported, "tflite executor: the model has no input or output tensor"};
        tensor_count_ = g.tensor_count();
        op_count_ = g.operator_count();

        for (std::uint32_t i = 0; i < tensor_count_; ++i)
            if (auto r = read_tensor(g.tensor(i), tensors_[i]); !r) return r;

        // lifetimes
        for (std::uint32_t k = 0; k < g.inputs().size(); ++k) touch(g.inputs()[k], 0);
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            const tfl::operator_view op = g.op(o);
            for (std::uint32_t k = 0; k < op.inputs().size(); ++k) touch(op.inputs()[k], static_cast<std::int32_t>(o));
            for (std::uint32_t k = 0; k < op.outputs().size(); ++k) touch(op.outputs()[k], static_cast<std::int32_t>(o));
        }
        for (std::uint32_t k = 0; k < g.outputs().size(); ++k) touch(g.outputs()[k], static_cast<std::int32_t>(op_count_) - 1);
        for (std::uint32_t k = 0; k < g.inputs().size(); ++k) {
            const tensor_info& t = tensors_[g.inputs()[k]];
            if (t.constant) return {errc::unsupported, "tflite executor: a model input has constant data"};
        }

        // ops, in order: each is checked, and every activation it reads must have been written
        // before (by an earlier op, or as a model input), so no op ever reads undefined bytes.
        bool written[MaxTensors] = {};
        for (std::uint32_t k = 0; k < g.inputs().size(); ++k) written[g.inputs()[k]] = true;
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            failed_op_ = static_cast<std::int32_t>(o);
            if (auto r = read_op(g.op(o), ops_[o]); !r) return r;
            for (std::int16_t i : ops_[o].in)
                if (i >= 0 && tensors_[i].constant == nullptr && !written[i])
                    return {errc::parse_error, "tflite executor: an op reads a tensor nothing has written"};
            written[ops_[o].out] = true;
        }
        failed_op_ = -1;
        for (std::uint32_t k = 0; k < g.outputs().size(); ++k)
            if (!written[g.outputs()[k]]) return {errc::parse_error, "tflite executor: a model output is never written"};

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
        std::uint64_t at = detail::align_up(plan_.arena_bytes, arena_alignment);
        for (std::uint32_t o = 0; o < op_count_; ++o) {
            if (ops_[o].per_channel == 0) continue;
            ops_[o].persistent_offset = static_cast<std::uint32_t>(at);
            at += detail::align_up(std::uint64_t(ops_[o].per_channel) * 8, arena_alignment);
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
    std::size_t persistent_bytes() const noexcept {
        return arena_bytes_ - static_cast<std::size_t>(detail::align_up(plan_.arena_bytes, arena_alignment));
    }

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
            const float in_scale = tensors_[op.in[0]].scale, out_scale = tensors_[op.out].scale;
            std::int32_t* mult = reinterpret_cast<std::int32_t*>(arena_ + op.persistent_offset);
            std::int32_t* shift = mult + op.per_channel;
            for (std::uint32_t c = 0; c < op.per_channel; ++c) {
                const quantized_multiplier q =
                    quantize_multiplier(conv_real_multiplier(in_scale, w.quantization().scale()[c], out_scale));
                mult[c] = q.multiplier;
                shift[c] = q.shift;
            }
        }
        return {};
    }

    /// Forgets the model and the arena.
    void reset() noexcept {
        model_ = {};
        for (auto& t : tensors_) t = tensor_info{};
        for (auto& o : ops_) o = op_info{};
        tensor_count_ = op_count_ = 0;
        plan_ = {};
        arena_bytes_ = 0;
        arena_ = nullptr;
        failed_op_ = -1;
        loaded_ = false;
    }

    bool ready() const noexcept { return arena_ != nullptr; }

    std::size_t input_count() const noexcept { return model_.subgraph(0).inputs().size(); }
    std::size_t output_count() const noexcept { return model_.subgraph(0).outputs().size(); }
    std::int32_t input_tensor(std::size_t i = 0) const noexcept { return model_.subgraph(0).inputs()[static_cast<std::uint32_t>(i)]; }
    std::int32_t output_tensor(std::size_t i = 0) const noexcept { return model_.subgraph(0).outputs()[static_cast<std::uint32_t>(i)]; }

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
    std::int32_t failed_op() const noexcept { return failed_op_; }

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

    result<void> bind_constant(const tfl::tensor_view& v, tensor_info& t, bool required) noexcept {
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
        tensor_info& out = tensors_[op.out];
        if (out.constant) return {errc::unsupported, "tflite executor: an op writes a constant tensor"};
        if (op.in[0] < 0) return {errc::unsupported, "tflite executor: an op without its first input"};
        const tfl::subgraph_view g = model_.subgraph(0);

        switch (static_cast<tfl::builtin_op>(op.code)) {
            case tfl::builtin_op::fully_connected: {
                if (ins.size() < 2 || op.in[1] < 0) return {errc::unsupported, "FULLY_CONNECTED: missing weights"};
                if (auto r = check_int8(op.in[0], "FULLY_CONNECTED: input is not int8"); !r) return r;
                if (auto r = check_int8(op.out, "FULLY_CONNECTED: output is not int8"); !r) return r;
                tensor_info& w = tensors_[op.in[1]];
                if (auto r = bind_constant(g.tensor(static_cast<std::uint32_t>(op.in[1])), w, true); !r) return r;
                if (w.type != tfl::tensor_type::int8 || w.rank != 2) return {errc::unsupported, "FULLY_CONNECTED: weights not int8 [units, depth]"};
                op.out_depth = w.dims[0];
                op.in_depth = w.dims[1];
                if (op.in_depth <= 0 || op.out_depth <= 0) return {errc::unsupported, "FULLY_CONNECTED: empty weights"};
                const tensor_info& in = tensors_[op.in[0]];
                if (in.elements % static_cast<std::uint32_t>(op.in_depth) != 0)
                    return {errc::parse_error, "FULLY_CONNECTED: input size is not a multiple of the weights' depth"};
                op.batches = static_cast<std::int32_t>(in.elements / static_cast<std::uint32_t>(op.in_depth));
                if (out.elements != static_cast<std::uint64_t>(op.batches) * static_cast<std::uint32_t>(op.out_depth))
                    return {errc::parse_error, "FULLY_CONNECTED: output size is not batches x units"};
                if (ins.size() > 2 && op.in[2] >= 0) {
                    tensor_info& b = tensors_[op.in[2]];
                    if (auto r = bind_constant(g.tensor(static_cast<std::uint32_t>(op.in[2])), b, true); !r) return r;
                    if (b.type != tfl::tensor_type::int32 || b.elements != static_cast<std::uint32_t>(op.out_depth))
                        return {errc::unsupported, "FULLY_CONNECTED: bias not int32 [units]"};
                }
                if (auto r = weights_quantization(op, w, static_cast<std::uint32_t>(op.out_depth), 0, true); !r) return r;
                const auto o = tfl::read_fully_connected_options(v.builtin_options());
                if (o.weights_format != 0) return {errc::unsupported, "FULLY_CONNECTED: shuffled weights format"};
                return fused(op, o.fused);
            }
            case tfl::builtin_op::reshape:
            case tfl::builtin_op::squeeze:
            case tfl::builtin_op::expand_dims: {
                // Same bytes, new shape: a copy (the shape input, when present, is not read; the
                // output tensor's static shape is the truth and must hold as many elements).
                const tensor_info& in = tensors_[op.in[0]];
                if (in.constant) return {errc::unsupported, "RESHAPE: constant input"};
                if (in.type != out.type || in.bytes != out.bytes)
                    return {errc::parse_error, "RESHAPE: input and output differ in type or size"};
                if (in.type == tfl::tensor_type::int8 && (in.scale != out.scale || in.zero_point != out.zero_point))
                    return {errc::unsupported, "RESHAPE: input and output quantization differ"};
                op.in[1] = op.in[2] = -1;  // the shape operand is not needed at run time
                return {};
            }
            case tfl::builtin_op::relu:
            case tfl::builtin_op::relu6:
            case tfl::builtin_op::relu_n1_to_1: {
                if (auto r = check_int8(op.in[0], "RELU: input is not int8"); !r) return r;
                if (auto r = check_int8(op.out, "RELU: output is not int8"); !r) return r;
                const tensor_info& in = tensors_[op.in[0]];
                if (in.scale != out.scale || in.zero_point != out.zero_point || in.elements != out.elements)
                    return {errc::unsupported, "RELU: rescaling RELU (input and output quantization differ)"};
                const auto a = op.code == static_cast<std::int32_t>(tfl::builtin_op::relu)    ? tfl::activation::relu
                               : op.code == static_cast<std::int32_t>(tfl::builtin_op::relu6) ? tfl::activation::relu6
                                                                                             : tfl::activation::relu_n1_to_1;
                return fused(op, a);
            }
            default: break;
        }
        if (op.code == static_cast<std::int32_t>(tfl::builtin_op::custom))
            return {errc::unsupported, "tflite executor: custom operator"};
        return {errc::unsupported, "tflite executor: operator not implemented"};
    }

    /// Multipliers of a conv-like op: per tensor (one scale) or per channel along `channel_dim`.
    result<void> weights_quantization(op_info& op, const tensor_info& w, std::uint32_t channels, std::int32_t channel_dim,
                                      bool fully_connected) noexcept {
        const tensor_info& in = tensors_[op.in[0]];
        const tensor_info& out = tensors_[op.out];
        const tfl::tensor_view wv = model_.subgraph(0).tensor(static_cast<std::uint32_t>(op.in[1]));
        const auto q = wv.quantization();
        op.input_offset = -in.zero_point;
        op.output_offset = out.zero_point;
        if (w.channel_scales == 1) {
            if (!good_scale(w.scale)) return {errc::unsupported, "weights: invalid scale"};
            if (w.zero_point < -127 || w.zero_point > 127) return {errc::unsupported, "weights: zero point out of range"};
            op.filter_offset = -w.zero_point;
            const double m = fully_connected ? fully_connected_real_multiplier(in.scale, w.scale, out.scale)
                                             : conv_real_multiplier(in.scale, w.scale, out.scale);
            auto qm = multiplier_of(m);
            if (!qm) return qm.err();
            op.multiplier = qm.value().multiplier;
            op.shift = qm.value().shift;
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
        op.filter_offset = 0;
        op.per_channel = channels;
        return {};
    }

    void run(const op_info& op) noexcept {
        switch (static_cast<tfl::builtin_op>(op.code)) {
            case tfl::builtin_op::fully_connected: {
                fully_connected_params p;
                p.input_offset = op.input_offset;
                p.filter_offset = op.filter_offset;
                p.output_offset = op.output_offset;
                p.output_multiplier = op.multiplier;
                p.output_shift = op.shift;
                if (op.per_channel) {
                    p.per_channel_multiplier = reinterpret_cast<const std::int32_t*>(arena_ + op.persistent_offset);
                    p.per_channel_shift = p.per_channel_multiplier + op.per_channel;
                }
                p.activation_min = op.act_min;
                p.activation_max = op.act_max;
                fully_connected(p, cptr<std::int8_t>(op.in[0]), op.batches, op.in_depth, cptr<std::int8_t>(op.in[1]),
                                cptr<std::int32_t>(op.in[2]), op.out_depth, mptr<std::int8_t>(op.out));
                return;
            }
            case tfl::builtin_op::reshape:
            case tfl::builtin_op::squeeze:
            case tfl::builtin_op::expand_dims:
                std::memmove(arena_ + tensors_[op.out].offset, arena_ + tensors_[op.in[0]].offset, tensors_[op.out].bytes);
                return;
            case tfl::builtin_op::relu:
            case tfl::builtin_op::relu6:
            case tfl::builtin_op::relu_n1_to_1:
                clamp_int8(cptr<std::int8_t>(op.in[0]), mptr<std::int8_t>(op.out), static_cast<int>(tensors_[op.out].elements),
                           activation_range{op.act_min, op.act_max});
                return;
            default: return;  // load() accepted only the ops above
        }
    }

    tfl::model_view model_{};
    tensor_info tensors_[MaxTensors]{};
    op_info ops_[MaxOps]{};
    std::uint32_t tensor_count_ = 0, op_count_ = 0;
    memory_plan plan_{};
    std::size_t arena_bytes_ = 0;
    std::byte* arena_ = nullptr;
    std::int32_t failed_op_ = -1;
    bool loaded_ = false;
};

}  // namespace nerve::infer
