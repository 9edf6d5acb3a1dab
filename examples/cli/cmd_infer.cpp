// examples/cli/cmd_infer.cpp — `nerve infer`: run an int8 .tflite model, describe it, or turn it
// into a C++ header for firmware.
//
//   nerve infer --model m.tflite --input x.bin     raw int8 input bytes (exactly the input tensor's
//                                                  size); prints the int8 output on one line
//   nerve infer --model m.tflite --info            ops, tensors (shape, type, quantization), the
//                                                  arena the executor needs and its lower bound
//   nerve infer --model m.tflite --emit-header out.hpp [--name hello_world]
//                                                  the model as a static nerve model (infer/static_model.hpp)
//
// The model is read and checked by nerve::io::tflite and run by nerve::infer::tflite_executor
// (the same code firmware uses); this file only reads files and prints. A file that is not a
// valid model, an op nerve does not implement, or an input of the wrong size is an error with
// exit code 1 and a message saying which.
#include "cli.hpp"

#include <cctype>
#include <cerrno>
#include <cinttypes>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nerve/infer/tflite_executor.hpp"

namespace {
namespace cmd_infer {  // named for the unity build (CMakeLists.txt)

namespace tfl = nerve::io::tflite;
using executor = nerve::infer::tflite_executor<1024, 512>;

struct options {
    std::string model;
    std::string input;
    std::string header;
    std::string name;
    std::string note;
    bool info = false;
    bool packed = false;
};

/// 16-byte aligned storage for the model (int32 biases are read in place).
struct alignas(16) chunk {
    std::byte b[16];
};

std::string shape_of(const nerve::infer::tensor_info& t) {
    std::string s = "[";
    for (int k = 0; k < t.rank; ++k) s += (k ? ", " : "") + std::to_string(t.dims[k]);
    return s + "]";
}

std::string op_name(std::int32_t code) {
    const char* n = tfl::op_name(code);
    return n ? n : fmt::format("BUILTIN_{}", code);
}

// ---- --emit-header: the model as a static nerve::infer::model ------------------------------------
//
// Each op of a sequential int8 model becomes a layer of infer/model.hpp with its shapes as
// template arguments and its TFLite parameters (Q31 multipliers, shifts, offsets, clamps)
// computed here, on the host, exactly as the executor computes them; weights and biases become
// constexpr arrays (flash). The firmware then needs neither the parser nor any float math.

template <class T>
std::string c_array(const char* type, const std::string& name, const T* data, std::size_t n) {
    std::string s = fmt::format("alignas(16) inline constexpr {} {}[{}] = {{", type, name, n);
    for (std::size_t i = 0; i < n; ++i) s += fmt::format("{}{}", i % 16 == 0 ? "\n    " : " ", static_cast<long long>(data[i])) + (i + 1 < n ? "," : "");
    return s + "\n};\n";
}

std::string pad_name(const nerve::infer::conv_params& c, const nerve::infer::conv_shape& s) {
    // SAME and VALID give the same output size when the filter is 1 wide with stride 1; the
    // layer recomputes the padding from this choice, so pick the one that reproduces the file's.
    using nerve::infer::padding;
    const int vh = nerve::infer::conv_output_size(padding::valid, s.input_h, s.filter_h, c.stride_h, c.dilation_h);
    const int vw = nerve::infer::conv_output_size(padding::valid, s.input_w, s.filter_w, c.stride_w, c.dilation_w);
    return (vh == s.output_h && vw == s.output_w && c.pad_h == 0 && c.pad_w == 0) ? "nerve::infer::padding::valid"
                                                                                  : "nerve::infer::padding::same";
}

struct emitted {
    std::string text;
    std::string error;
};

emitted emit_static_model(const executor& ex, const std::string& name, const std::string& source, const std::string& note,
                          bool packed) {
    emitted e;
    const tfl::subgraph_view g = ex.model().subgraph(0);
    std::string arrays, types, inits;
    bool any_packed = false;
    std::int32_t current = ex.input_tensor();
    for (std::uint32_t o = 0; o < ex.op_count(); ++o) {
        const auto& op = ex.op(o);
        const auto code = static_cast<tfl::builtin_op>(op.code);
        const std::string opname = op_name(op.code);
        if (op.in[0] != current) {
            e.error = fmt::format("op {} ({}) does not read the previous op's output: only sequential models become static models", o, opname);
            return e;
        }
        const auto& in = ex.tensor(static_cast<std::uint32_t>(op.in[0]));
        const auto& out = ex.tensor(static_cast<std::uint32_t>(op.out));
        const std::string p = fmt::format("l{}_", o);
        std::string type, init;
        auto weights = [&](std::int16_t t, const char* ctype, const std::string& n) {
            const auto& ti = ex.tensor(static_cast<std::uint32_t>(t));
            if (ti.type == tfl::tensor_type::int8)
                arrays += c_array(ctype, n, reinterpret_cast<const std::int8_t*>(ti.constant), ti.elements);
            else
                arrays += c_array(ctype, n, reinterpret_cast<const std::int32_t*>(ti.constant), ti.elements);
        };
        auto tables = [&](std::uint32_t channels) {
            // The same multipliers bind() computes, from the weights' per-channel (or single) scale.
            const auto scales = g.tensor(static_cast<std::uint32_t>(op.in[1])).quantization().scale();
            std::vector<std::int32_t> m(channels), sh(channels);
            for (std::uint32_t c = 0; c < channels; ++c) {
                const float ws = scales.size() == 1 ? scales[0] : scales[c];
                const auto q = nerve::infer::quantize_multiplier(nerve::infer::conv_real_multiplier(in.scale, ws, out.scale));
                m[c] = q.multiplier;
                sh[c] = q.shift;
            }
            arrays += c_array("std::int32_t", p + "multiplier", m.data(), channels);
            arrays += c_array("std::int32_t", p + "shift", sh.data(), channels);
        };
        const std::string bias = op.in[2] >= 0 ? p + "bias" : "nullptr";
        switch (code) {
            case tfl::builtin_op::fully_connected: {
                if (op.batches != 1) { e.error = fmt::format("op {} (FULLY_CONNECTED) has {} batches; static dense layers take 1", o, op.batches); return e; }
                weights(op.in[1], "std::int8_t", p + "weights");
                if (op.in[2] >= 0) weights(op.in[2], "std::int32_t", p + "bias");
                std::string pc = "nullptr, nullptr";
                if (op.per_channel) {
                    tables(op.per_channel);
                    pc = fmt::format("{0}multiplier, {0}shift", p);
                }
                // --packed: weights widened to int16 in SMLAD order at compile time (2 bytes of
                // flash per weight; faster on the Cortex-M4), for depths that are a multiple of 4.
                const bool pack = packed && op.in_depth % 4 == 0 && op.fc.filter_offset == 0;
                if (pack) {
                    arrays += fmt::format("inline constexpr auto {0}packed = nerve::infer::pack_dense_weights<{1}, {2}>({0}weights);\n",
                                          p, op.in_depth, op.out_depth);
                    any_packed = true;
                }
                type = fmt::format("nerve::infer::dense{}<{}, {}>", pack ? "_packed" : "", op.in_depth, op.out_depth);
                init = fmt::format("{{{}{}, {}, nerve::infer::fully_connected_params{{{}, {}, {}, {}, {}, {}, {}, {}}}}}", p,
                                   pack ? "packed.data()" : "weights", bias,
                                   op.fc.input_offset, op.fc.filter_offset, op.fc.output_offset, op.fc.output_multiplier,
                                   op.fc.output_shift, pc, op.fc.activation_min, op.fc.activation_max);
                break;
            }
            case tfl::builtin_op::conv_2d:
            case tfl::builtin_op::depthwise_conv_2d: {
                const auto& s = op.cshape;
                const auto& c = op.conv;
                if (s.batches != 1) { e.error = fmt::format("op {} ({}) has batch {}; static layers take 1", o, opname, s.batches); return e; }
                weights(op.in[1], "std::int8_t", p + "filter");
                if (op.in[2] >= 0) weights(op.in[2], "std::int32_t", p + "bias");
                tables(op.per_channel);
                if (code == tfl::builtin_op::conv_2d)
                    type = fmt::format("nerve::infer::conv2d<{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}>", s.input_h, s.input_w,
                                       s.input_depth, s.output_depth, s.filter_h, s.filter_w, c.stride_h, c.stride_w, pad_name(c, s),
                                       c.dilation_h, c.dilation_w);
                else
                    type = fmt::format("nerve::infer::depthwise_conv2d<{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}>", s.input_h,
                                       s.input_w, s.input_depth, op.depth_multiplier, s.filter_h, s.filter_w, c.stride_h, c.stride_w,
                                       pad_name(c, s), c.dilation_h, c.dilation_w);
                init = fmt::format("{{{0}filter, {1}, nerve::infer::conv_quant{{{2}, {3}, {0}multiplier, {0}shift, {4}, {5}}}}}", p, bias,
                                   c.input_offset, c.output_offset, c.activation_min, c.activation_max);
                break;
            }
            case tfl::builtin_op::average_pool_2d:
            case tfl::builtin_op::max_pool_2d: {
                const auto& s = op.pshape;
                const auto& q = op.pool;
                if (s.batches != 1) { e.error = fmt::format("op {} ({}) has batch {}; static layers take 1", o, opname, s.batches); return e; }
                nerve::infer::conv_params c;
                c.stride_h = q.stride_h; c.stride_w = q.stride_w; c.pad_h = q.pad_h; c.pad_w = q.pad_w;
                nerve::infer::conv_shape cs;
                cs.input_h = s.input_h; cs.input_w = s.input_w; cs.filter_h = q.filter_h; cs.filter_w = q.filter_w;
                cs.output_h = s.output_h; cs.output_w = s.output_w;
                type = fmt::format("nerve::infer::{}<{}, {}, {}, {}, {}, {}, {}, {}>",
                                   code == tfl::builtin_op::average_pool_2d ? "average_pool" : "max_pool", s.input_h, s.input_w,
                                   s.depth, q.filter_h, q.filter_w, q.stride_h, q.stride_w, pad_name(c, cs));
                init = fmt::format("{{nerve::infer::activation_range{{{}, {}}}}}", q.activation_min, q.activation_max);
                break;
            }
            case tfl::builtin_op::mean:
                type = fmt::format("nerve::infer::global_mean<{}, {}, {}>", op.cshape.input_h, op.cshape.input_w, op.cshape.input_depth);
                init = fmt::format("{{nerve::infer::mean_params{{{}, {}, {}, {}}}}}", op.mean.input_zero_point, op.mean.output_zero_point,
                                   op.mean.multiplier, op.mean.shift);
                if (op.cshape.batches != 1) { e.error = "MEAN with a batch above 1"; return e; }
                break;
            case tfl::builtin_op::softmax:
                type = fmt::format("nerve::infer::softmax_layer<{}, {}>", op.row_size, op.rows);
                init = fmt::format("{{nerve::infer::softmax_params{{{}, {}, {}}}}}", op.softmax.input_multiplier,
                                   op.softmax.input_left_shift, op.softmax.diff_min);
                break;
            case tfl::builtin_op::logistic:
            case tfl::builtin_op::tanh:
                type = fmt::format("nerve::infer::{}<{}>", code == tfl::builtin_op::logistic ? "logistic_layer" : "tanh_layer", op.size);
                init = fmt::format("{{nerve::infer::sigmoid_params{{{}, {}, {}, {}}}}}", op.sigmoid.input_zero_point,
                                   op.sigmoid.input_range_radius, op.sigmoid.input_multiplier, op.sigmoid.input_left_shift);
                break;
            case tfl::builtin_op::relu:
                type = fmt::format("nerve::infer::relu_layer<{}>", op.size);
                init = fmt::format("{{nerve::infer::relu_params{{{}, {}, {}, {}, {}, {}}}}}", op.relu.input_zero_point,
                                   op.relu.output_zero_point, op.relu.multiplier, op.relu.shift, op.relu.activation_min,
                                   op.relu.activation_max);
                break;
            case tfl::builtin_op::quantize:
                if (in.type != tfl::tensor_type::int8) { e.error = "QUANTIZE from float: static models are int8 end to end"; return e; }
                type = fmt::format("nerve::infer::requantize_layer<{}>", op.size);
                init = fmt::format("{{nerve::infer::requantize_params{{{}, {}, {}, {}}}}}", op.requant.input_zero_point,
                                   op.requant.output_zero_point, op.requant.multiplier, op.requant.shift);
                break;
            case tfl::builtin_op::reshape:
            case tfl::builtin_op::squeeze:
            case tfl::builtin_op::expand_dims:
                type = fmt::format("nerve::infer::reshape_layer<{}>", out.elements);
                init = "{}";
                break;
            default:
                e.error = fmt::format("op {} ({}) has no static layer (the executor runs it; static models are sequential int8 chains)", o, opname);
                return e;
        }
        types += fmt::format("{}    {}", o ? ",\n" : "", type);
        inits += fmt::format("{}        {}", o ? ",\n" : "", init);
        current = op.out;
    }
    if (current != ex.output_tensor()) {
        e.error = "the last op does not write the model's output";
        return e;
    }
    const auto& in = ex.tensor(static_cast<std::uint32_t>(ex.input_tensor()));
    const auto& out = ex.tensor(static_cast<std::uint32_t>(ex.output_tensor()));
    e.text = fmt::format(
        "// Generated by `nerve infer --model {0} --emit-header ...` — do not edit.\n"
        "//\n"
        "// {0} as a static nerve model: shapes are template arguments, TFLite's requantization\n"
        "// parameters were computed on the host (bit-exact with nerve::infer::tflite_executor and\n"
        "// TFLite's reference kernels), weights and biases are constexpr arrays (flash on an MCU).\n"
        "// sizeof({1}::model_t) is the RAM the model needs.\n"
        "//   static {1}::model_t net = {1}::make();\n"
        "//   auto y = net(x);   // x: std::array<std::int8_t, {2}>\n"
        "// Input: int8, scale {4:.9g}, zero point {5}. Output: int8 [{3}], scale {6:.9g}, zero point {7}.\n"
        "{8}"
        "#pragma once\n\n#include <cstdint>\n\n#include \"nerve/infer/model.hpp\"\n{9}\nnamespace {1} {{\n\n"
        "inline constexpr float input_scale = {4:.9g}f;\ninline constexpr std::int32_t input_zero_point = {5};\n"
        "inline constexpr float output_scale = {6:.9g}f;\ninline constexpr std::int32_t output_zero_point = {7};\n\n",
        source, name, in.elements, out.elements, in.scale, in.zero_point, out.scale, out.zero_point, note,
        any_packed ? "#include \"nerve/infer/packed_dense.hpp\"\n" : "");
    e.text += arrays;
    e.text += fmt::format("\nusing model_t = nerve::infer::model<\n{}>;\n\n", types);
    e.text += fmt::format("inline model_t make() noexcept {{\n    return model_t{{\n{}}};\n}}\n\n}}  // namespace {}\n", inits, name);
    return e;
}

int print_info(const tfl::model_view& m, const executor& ex, bool loaded) {
    const tfl::subgraph_view g = m.subgraph(0);
    fmt::print("model: schema {}, {} subgraph(s), description \"{}\"\n", m.version(), m.subgraph_count(),
               std::string(m.description()));
    fmt::print("ops ({}):\n", g.operator_count());
    for (std::uint32_t o = 0; o < g.operator_count(); ++o) {
        const tfl::operator_view op = g.op(o);
        std::string ins, outs;
        for (std::uint32_t k = 0; k < op.inputs().size(); ++k) ins += (k ? ", " : "") + std::to_string(op.inputs()[k]);
        for (std::uint32_t k = 0; k < op.outputs().size(); ++k) outs += (k ? ", " : "") + std::to_string(op.outputs()[k]);
        const std::int32_t code = m.operator_code(op.opcode_index()).builtin_code();
        std::string extra;
        if (loaded) {
            const auto& oi = ex.op(o);
            if (oi.fused != tfl::activation::none) extra = fmt::format("  fused {}", tfl::to_string(oi.fused));
        }
        fmt::print("  {:3}  {:<18} in [{}] -> out [{}]{}\n", o, op_name(code), ins, outs, extra);
    }
    fmt::print("tensors ({}):\n", g.tensor_count());
    for (std::uint32_t i = 0; i < g.tensor_count(); ++i) {
        const tfl::tensor_view t = g.tensor(i);
        std::string shape = "[";
        for (std::uint32_t k = 0; k < t.shape().size(); ++k) shape += (k ? ", " : "") + std::to_string(t.shape()[k]);
        shape += "]";
        const auto q = t.quantization();
        std::string quant = "not quantized";
        if (q.scale().size() == 1)
            quant = fmt::format("scale {:.9g} zero_point {}", q.scale()[0], q.zero_point().size() ? q.zero_point()[0] : 0);
        else if (q.scale().size() > 1)
            quant = fmt::format("per-channel: {} scales along dim {} (first {:.9g})", q.scale().size(),
                                q.quantized_dimension(), q.scale()[0]);
        std::string where = m.buffer_data(t.buffer()).empty() ? "activation" : "constant";
        if (loaded && ex.tensor(i).is_activation())
            where = fmt::format("arena @{} ({} B, ops {}..{})", ex.tensor(i).offset, ex.tensor(i).bytes, ex.tensor(i).first,
                                ex.tensor(i).last);
        else if (loaded && !ex.tensor(i).constant && m.buffer_data(t.buffer()).empty())
            where = "unused";
        fmt::print("  {:3}  {:<8} {:<16} {:<44} {}  \"{}\"\n", i, tfl::to_string(t.type()), shape, quant, where,
                   std::string(t.name()));
    }
    std::string ins, outs;
    for (std::uint32_t k = 0; k < g.inputs().size(); ++k) ins += (k ? ", " : "") + std::to_string(g.inputs()[k]);
    for (std::uint32_t k = 0; k < g.outputs().size(); ++k) outs += (k ? ", " : "") + std::to_string(g.outputs()[k]);
    fmt::print("inputs [{}], outputs [{}]\n", ins, outs);
    if (loaded) {
        fmt::print("arena: {} bytes needed = {} activations (planned; lower bound {} = most bytes live at one op) + {} "
                   "per-channel requantization tables\n",
                   ex.arena_bytes(), ex.activation_bytes(), ex.activation_lower_bound(), ex.persistent_bytes());
        fmt::print("executor: {} bytes of tables for this build (tflite_executor<1024, 512>)\n", sizeof(executor));
    }
    return 0;
}

int run(const options& o) {
    const int modes = !o.input.empty() + o.info + !o.header.empty();
    if (modes != 1) return nerve::cli::fail("infer: give exactly one of --input FILE, --info or --emit-header FILE");
    auto file = nerve::cli::read_file(o.model);
    if (!file) return nerve::cli::fail("infer: {}", file.error);
    std::vector<chunk> storage((file.value.size() + sizeof(chunk) - 1) / sizeof(chunk));
    std::memcpy(storage.data(), file.value.data(), file.value.size());
    const std::span<const std::byte> bytes(storage.empty() ? nullptr : storage.front().b, file.value.size());

    auto parsed = tfl::model_view::parse(bytes);
    if (!parsed)
        return nerve::cli::fail("infer: '{}' is not a valid .tflite model ({}: {})", o.model, nerve::to_string(parsed.code()),
                                parsed.message());
    auto ex = std::make_unique<executor>();
    auto loaded = ex->load(bytes);
    auto load_error = [&] {
        std::string where;
        if (ex->failed_op() >= 0) {
            const auto g = parsed.value().subgraph(0);
            const auto op = g.op(static_cast<std::uint32_t>(ex->failed_op()));
            where = fmt::format(" at op {} ({})", ex->failed_op(),
                                op_name(parsed.value().operator_code(op.opcode_index()).builtin_code()));
        }
        return nerve::cli::fail("infer: cannot run '{}'{}: {} ({})", o.model, where, loaded.message(),
                                nerve::to_string(loaded.code()));
    };
    if (o.info) {
        print_info(parsed.value(), *ex, loaded.ok());
        return loaded ? 0 : load_error();
    }
    if (!loaded) return load_error();

    if (!o.header.empty()) {
        std::string name = o.name;
        const std::string file = o.model.substr(o.model.find_last_of('/') == std::string::npos ? 0 : o.model.find_last_of('/') + 1);
        if (name.empty()) {
            for (char c : file.substr(0, file.find('.'))) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
            if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "model_" + name;
        }
        for (char c : name)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':')
                return nerve::cli::fail("infer: --name '{}' is not a C++ namespace name", name);
        std::string note;
        for (std::size_t at = 0; at < o.note.size();) {
            const std::size_t nl = o.note.find('\n', at);
            note += "// " + o.note.substr(at, nl == std::string::npos ? std::string::npos : nl - at) + "\n";
            at = nl == std::string::npos ? o.note.size() : nl + 1;
        }
        const auto e = emit_static_model(*ex, name, file, note.empty() ? note : "//\n" + note, o.packed);
        if (!e.error.empty()) return nerve::cli::fail("infer: cannot emit a static model for '{}': {}", o.model, e.error);
        std::FILE* f = std::fopen(o.header.c_str(), "wb");
        if (!f) return nerve::cli::fail("infer: cannot write '{}': {}", o.header, std::strerror(errno));
        const bool ok = std::fwrite(e.text.data(), 1, e.text.size(), f) == e.text.size();
        if (std::fclose(f) != 0 || !ok) return nerve::cli::fail("infer: cannot write '{}'", o.header);
        return 0;
    }

    if (ex->input_count() != 1 || ex->output_count() != 1)
        return nerve::cli::fail("infer: the model has {} inputs and {} outputs; --input runs models with one of each",
                                ex->input_count(), ex->output_count());
    const auto& in_t = ex->tensor(static_cast<std::uint32_t>(ex->input_tensor()));
    const auto& out_t = ex->tensor(static_cast<std::uint32_t>(ex->output_tensor()));
    if (in_t.type != tfl::tensor_type::int8 || out_t.type != tfl::tensor_type::int8)
        return nerve::cli::fail("infer: input and output must be int8 tensors (input {}, output {})", tfl::to_string(in_t.type),
                                tfl::to_string(out_t.type));
    auto input = nerve::cli::read_file(o.input);
    if (!input) return nerve::cli::fail("infer: {}", input.error);
    if (input.value.size() != in_t.bytes)
        return nerve::cli::fail("infer: '{}' has {} bytes; the model's input tensor {} int8 needs exactly {}", o.input,
                                input.value.size(), shape_of(in_t), in_t.bytes);
    std::vector<chunk> arena((ex->arena_bytes() + sizeof(chunk) - 1) / sizeof(chunk) + 1);
    if (auto r = ex->bind({arena.front().b, arena.size() * sizeof(chunk)}); !r)
        return nerve::cli::fail("infer: {}", r.message());
    std::memcpy(ex->input().data(), input.value.data(), in_t.bytes);
    if (auto r = ex->invoke(); !r) return nerve::cli::fail("infer: {}", r.message());
    std::string line;
    for (std::int8_t v : ex->output()) line += (line.empty() ? "" : " ") + std::to_string(v);
    fmt::print("{}\n", line);
    return 0;
}

const bool registered = nerve::cli::add_command(
    "infer", "Run an int8 .tflite model on raw int8 input bytes, describe it (--info), or emit a C++ header",
    [](CLI::App& app) -> nerve::cli::action {
        auto o = std::make_shared<options>();
        app.add_option("--model", o->model, ".tflite model file (int8 quantized)")->required()->check(CLI::ExistingFile);
        app.add_option("--input", o->input, "raw int8 input bytes, exactly the input tensor's size")->check(CLI::ExistingFile);
        app.add_flag("--info", o->info, "print the ops, tensors, quantization and the arena size");
        app.add_option("--emit-header", o->header, "write the model as a C++ header of a static nerve model");
        app.add_option("--name", o->name, "C++ namespace of the emitted model (default: the file's stem)");
        app.add_flag("--packed", o->packed, "emitted dense layers keep int16 SMLAD-ordered weights (2x flash, faster on Cortex-M4)");
        app.add_option("--note", o->note, "text (e.g. the model's licence) copied into the emitted header's comment");
        return [o] { return run(*o); };
    });

}  // namespace cmd_infer
}  // namespace
