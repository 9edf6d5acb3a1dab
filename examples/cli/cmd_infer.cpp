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

#include <cinttypes>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "nerve/infer/tflite_executor.hpp"

namespace {

namespace tfl = nerve::io::tflite;
using executor = nerve::infer::tflite_executor<1024, 512>;

struct options {
    std::string model;
    std::string input;
    std::string header;
    std::string name;
    bool info = false;
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

    if (!o.header.empty()) return nerve::cli::fail("infer: --emit-header is not available yet");

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
        app.add_option("--name", o->name, "C++ name of the emitted model (default: the file's stem)");
        return [o] { return run(*o); };
    });

}  // namespace
