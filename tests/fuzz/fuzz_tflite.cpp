// tests/fuzz/fuzz_tflite.cpp — the .tflite reader (include/nerve/io/tflite.hpp) and the int8
// executor's load/bind/invoke (include/nerve/infer/tflite_executor.hpp) from arbitrary bytes.
//
// Feeds: the whole input as a model file, copied into a 16-byte aligned buffer (as the executor
// requires of its callers). A model that parses is walked through every accessor; a model the
// executor loads (at most 64 tensors and 64 ops) whose arena fits 64 KiB is bound and run once
// on a fixed input pattern.
// Asserts (besides ASan/UBSan finding no out-of-bounds access or undefined behaviour):
//   - every string and buffer the reader hands out lies inside the file;
//   - a loaded model's inputs and outputs are in range, its arena is bindable, a too-small arena
//     is refused; invoke() succeeds after bind() and writes only inside the arena (ASan), and
//     a model that loads once loads again the same way (the executor is not poisoned by a
//     failed load before it).
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "fuzz_check.hpp"
#include "nerve/infer/tflite_executor.hpp"
#include "nerve/io/tflite.hpp"

namespace tfl = nerve::io::tflite;

namespace {

constexpr std::size_t max_model = 1 << 16;
alignas(16) std::byte model[max_model];
alignas(16) std::byte arena[1 << 16];
nerve::infer::tflite_executor<64, 64> executor;

bool inside(const void* p, std::size_t n, std::span<const std::byte> whole) {
    if (n == 0) return true;
    const auto* b = static_cast<const std::byte*>(p);
    return b >= whole.data() && b + n <= whole.data() + whole.size();
}

/// Reads every field an accessor can reach (what the executor and `nerve infer --info` read).
std::uint64_t walk(const tfl::model_view& m, std::span<const std::byte> file) {
    std::uint64_t h = m.version();
    NERVE_FUZZ_CHECK(inside(m.description().data(), m.description().size(), file));
    for (std::uint32_t c = 0; c < m.operator_code_count(); ++c) {
        const auto oc = m.operator_code(c);
        h += static_cast<std::uint64_t>(oc.builtin_code()) + static_cast<std::uint64_t>(oc.version());
        NERVE_FUZZ_CHECK(inside(oc.custom_code().data(), oc.custom_code().size(), file));
        (void)tfl::op_name(oc.builtin_code());
    }
    for (std::uint32_t b = 0; b <= m.buffer_count(); ++b) {  // one past the end: empty
        const auto d = m.buffer_data(b);
        NERVE_FUZZ_CHECK(inside(d.data(), d.size(), file));
        for (std::byte x : d) h += std::to_integer<unsigned>(x);
    }
    for (std::uint32_t s = 0; s < m.subgraph_count(); ++s) {
        const auto g = m.subgraph(s);
        NERVE_FUZZ_CHECK(inside(g.name().data(), g.name().size(), file));
        for (std::uint32_t k = 0; k < g.inputs().size(); ++k) h += static_cast<std::uint64_t>(g.inputs()[k]);
        for (std::uint32_t k = 0; k < g.outputs().size(); ++k) h += static_cast<std::uint64_t>(g.outputs()[k]);
        for (std::uint32_t t = 0; t < g.tensor_count(); ++t) {
            const auto tv = g.tensor(t);
            for (std::uint32_t k = 0; k < tv.shape().size(); ++k) h += static_cast<std::uint64_t>(tv.shape()[k]);
            h += static_cast<std::uint64_t>(tv.type()) + tv.buffer() + tv.is_variable() + tv.is_sparse();
            (void)tfl::to_string(tv.type());
            (void)tfl::element_size(tv.type());
            NERVE_FUZZ_CHECK(inside(tv.name().data(), tv.name().size(), file));
            const auto q = tv.quantization();
            for (std::uint32_t k = 0; k < q.scale().size(); ++k) h += std::bit_cast<std::uint32_t>(q.scale()[k]);
            for (std::uint32_t k = 0; k < q.zero_point().size(); ++k) h += static_cast<std::uint64_t>(q.zero_point()[k]);
            for (std::uint32_t k = 0; k < q.min().size(); ++k) h += std::bit_cast<std::uint32_t>(q.min()[k]);
            for (std::uint32_t k = 0; k < q.max().size(); ++k) h += std::bit_cast<std::uint32_t>(q.max()[k]);
            h += static_cast<std::uint64_t>(q.quantized_dimension()) + q.details_type();
        }
        for (std::uint32_t o = 0; o < g.operator_count(); ++o) {
            const auto op = g.op(o);
            h += op.opcode_index() + op.has_custom_options() + op.intermediates().size();
            for (std::uint32_t k = 0; k < op.inputs().size(); ++k) h += static_cast<std::uint64_t>(op.inputs()[k]);
            for (std::uint32_t k = 0; k < op.outputs().size(); ++k) h += static_cast<std::uint64_t>(op.outputs()[k]);
            const auto t = op.builtin_options();
            switch (op.builtin_options_type()) {
                case tfl::options_type::conv_2d: h += static_cast<std::uint64_t>(tfl::read_conv_2d_options(t).stride_w); break;
                case tfl::options_type::depthwise_conv_2d:
                    h += static_cast<std::uint64_t>(tfl::read_depthwise_conv_2d_options(t).depth_multiplier);
                    break;
                case tfl::options_type::pool_2d: h += static_cast<std::uint64_t>(tfl::read_pool_2d_options(t).filter_w); break;
                case tfl::options_type::fully_connected: h += static_cast<std::uint64_t>(tfl::read_fully_connected_options(t).fused); break;
                case tfl::options_type::softmax: h += std::bit_cast<std::uint32_t>(tfl::read_softmax_options(t).beta); break;
                case tfl::options_type::add: h += static_cast<std::uint64_t>(tfl::read_add_options(t).fused); break;
                case tfl::options_type::mul: h += static_cast<std::uint64_t>(tfl::read_mul_options(t).fused); break;
                case tfl::options_type::reshape: {
                    const auto s = tfl::read_reshape_new_shape(t);
                    for (std::uint32_t k = 0; k < s.size(); ++k) h += static_cast<std::uint64_t>(s[k]);
                    break;
                }
                case tfl::options_type::squeeze: {
                    const auto s = tfl::read_squeeze_dims(t);
                    for (std::uint32_t k = 0; k < s.size(); ++k) h += static_cast<std::uint64_t>(s[k]);
                    break;
                }
                case tfl::options_type::reducer: h += tfl::read_reducer_options(t).keep_dims; break;
                default: break;
            }
        }
    }
    return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > max_model) return 0;
    std::memcpy(model, data, size);
    const std::span<const std::byte> file(model, size);
    const auto parsed = tfl::model_view::parse(file);
    if (!parsed.ok()) return 0;
    (void)walk(parsed.value(), file);

    const auto loaded = executor.load(file);
    if (!loaded.ok()) {
        NERVE_FUZZ_CHECK(!executor.ready());
        return 0;
    }
    const auto g = parsed.value().subgraph(0);
    for (std::size_t i = 0; i < executor.input_count(); ++i)
        NERVE_FUZZ_CHECK(executor.input_tensor(i) >= 0 && static_cast<std::uint32_t>(executor.input_tensor(i)) < g.tensor_count());
    for (std::size_t i = 0; i < executor.output_count(); ++i)
        NERVE_FUZZ_CHECK(executor.output_tensor(i) >= 0 && static_cast<std::uint32_t>(executor.output_tensor(i)) < g.tensor_count());
    NERVE_FUZZ_CHECK(executor.arena_bytes() >= executor.activation_bytes());
    NERVE_FUZZ_CHECK(executor.activation_bytes() >= executor.activation_lower_bound());
    const std::size_t need = executor.arena_bytes();
    if (need > sizeof arena) return 0;
    if (need > 0) NERVE_FUZZ_CHECK(!executor.bind(std::span<std::byte>(arena, need - 1)).ok());
    NERVE_FUZZ_CHECK(executor.bind(std::span<std::byte>(arena, need)).ok());
    for (std::size_t i = 0; i < executor.input_count(); ++i) {
        const auto in = executor.input_bytes(i);
        NERVE_FUZZ_CHECK(inside(in.data(), in.size(), std::span<const std::byte>(arena, need)));
        for (std::size_t k = 0; k < in.size(); ++k) in[k] = std::byte{static_cast<unsigned char>(k * 37 + 11)};
    }
    NERVE_FUZZ_CHECK(executor.invoke().ok());
    std::uint64_t h = 0;
    for (std::size_t i = 0; i < executor.output_count(); ++i) {
        const auto out = executor.output_bytes(i);
        NERVE_FUZZ_CHECK(inside(out.data(), out.size(), std::span<const std::byte>(arena, need)));
        for (std::byte b : out) h = h * 31 + std::to_integer<unsigned>(b);
    }
    // Loading the same bytes again plans the same arena.
    NERVE_FUZZ_CHECK(executor.load(file).ok());
    NERVE_FUZZ_CHECK(executor.arena_bytes() == need);
    (void)h;
    return 0;
}
