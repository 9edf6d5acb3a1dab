#include "nerve_test.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "golden/tflite_models.hpp"
#include "nerve/io/tflite.hpp"

namespace tfl = nerve::io::tflite;
namespace gold = nerve::golden::tflite;

namespace {

template <std::size_t N>
std::span<const std::byte> as_bytes(const unsigned char (&a)[N]) {
    return {reinterpret_cast<const std::byte*>(a), N};
}

/// Touches every field every accessor can reach (what the executor and `nerve infer --info`
/// read), so the sanitizers see any out-of-bounds read a hostile model could cause.
std::uint64_t walk(const tfl::model_view& m) {
    std::uint64_t h = m.version() + m.description().size();
    for (std::uint32_t c = 0; c < m.operator_code_count(); ++c) {
        const auto oc = m.operator_code(c);
        h += static_cast<std::uint64_t>(oc.builtin_code()) + oc.custom_code().size() + static_cast<std::uint64_t>(oc.version());
    }
    for (std::uint32_t b = 0; b < m.buffer_count(); ++b)
        for (std::byte x : m.buffer_data(b)) h += std::to_integer<unsigned>(x);
    for (std::uint32_t s = 0; s < m.subgraph_count(); ++s) {
        const auto g = m.subgraph(s);
        h += g.name().size() + g.inputs().size() + g.outputs().size();
        for (std::uint32_t t = 0; t < g.tensor_count(); ++t) {
            const auto tv = g.tensor(t);
            for (std::uint32_t k = 0; k < tv.shape().size(); ++k) h += static_cast<std::uint64_t>(tv.shape()[k]);
            h += static_cast<std::uint64_t>(tv.type()) + tv.buffer() + tv.name().size() + tv.is_variable() + tv.is_sparse();
            const auto q = tv.quantization();
            for (std::uint32_t k = 0; k < q.scale().size(); ++k) h += std::bit_cast<std::uint32_t>(q.scale()[k]);
            for (std::uint32_t k = 0; k < q.zero_point().size(); ++k) h += static_cast<std::uint64_t>(q.zero_point()[k]);
            h += q.min().size() + q.max().size() + static_cast<std::uint64_t>(q.quantized_dimension()) + q.details_type();
        }
        for (std::uint32_t o = 0; o < g.operator_count(); ++o) {
            const auto op = g.op(o);
            h += op.opcode_index() + op.inputs().size() + op.outputs().size() + op.has_custom_options();
            for (std::uint32_t k = 0; k < op.inputs().size(); ++k) h += static_cast<std::uint64_t>(op.inputs()[k]);
            const auto t = op.builtin_options();
            switch (op.builtin_options_type()) {
                case tfl::options_type::conv_2d: h += static_cast<std::uint64_t>(tfl::read_conv_2d_options(t).stride_w); break;
                case tfl::options_type::depthwise_conv_2d:
                    h += static_cast<std::uint64_t>(tfl::read_depthwise_conv_2d_options(t).depth_multiplier);
                    break;
                case tfl::options_type::pool_2d: h += static_cast<std::uint64_t>(tfl::read_pool_2d_options(t).filter_w); break;
                case tfl::options_type::fully_connected: h += static_cast<std::uint64_t>(tfl::read_fully_connected_options(t).fused); break;
                case tfl::options_type::softmax: h += std::bit_cast<std::uint32_t>(tfl::read_softmax_options(t).beta); break;
                case tfl::options_type::reshape: h += tfl::read_reshape_new_shape(t).size(); break;
                case tfl::options_type::squeeze: h += tfl::read_squeeze_dims(t).size(); break;
                case tfl::options_type::reducer: h += tfl::read_reducer_options(t).keep_dims; break;
                default: break;
            }
        }
    }
    return h;
}

}  // namespace

TEST_CASE("tflite reader: hello_world model (committed copy)", "[tflite]") {
    auto r = tfl::model_view::parse(as_bytes(gold::hello_world_model));
    REQUIRE(r.ok());
    const tfl::model_view m = r.value();
    CHECK(m.version() == 3u);
    REQUIRE(m.subgraph_count() == 1u);
    REQUIRE(m.operator_code_count() == 1u);
    CHECK(m.operator_code(0).builtin_code() == static_cast<std::int32_t>(tfl::builtin_op::fully_connected));
    const auto g = m.subgraph(0);
    REQUIRE(g.operator_count() == 3u);
    REQUIRE(g.inputs().size() == 1u);
    REQUIRE(g.outputs().size() == 1u);
    const auto in = g.tensor(static_cast<std::uint32_t>(g.inputs()[0]));
    CHECK(in.type() == tfl::tensor_type::int8);
    REQUIRE(in.shape().size() == 2u);
    CHECK(in.shape()[0] == 1);
    CHECK(in.shape()[1] == 1);
    REQUIRE(in.quantization().scale().size() == 1u);
    // The values the data README lists for the input and output tensors.
    CHECK(in.quantization().scale()[0] == 0.024480115622282028f);
    CHECK(in.quantization().zero_point()[0] == -128);
    const auto out = g.tensor(static_cast<std::uint32_t>(g.outputs()[0]));
    CHECK(out.quantization().scale()[0] == 0.008290956728160381f);
    CHECK(out.quantization().zero_point()[0] == 5);
    for (std::uint32_t o = 0; o < 3; ++o) {
        const auto op = g.op(o);
        CHECK(op.builtin_options_type() == tfl::options_type::fully_connected);
        const auto fc = tfl::read_fully_connected_options(op.builtin_options());
        CHECK(fc.fused == (o < 2 ? tfl::activation::relu : tfl::activation::none));
        REQUIRE(op.inputs().size() == 3u);
        // weights: [units, depth] int8 constant data of exactly that size
        const auto w = g.tensor(static_cast<std::uint32_t>(op.inputs()[1]));
        CHECK(w.type() == tfl::tensor_type::int8);
        CHECK(m.buffer_data(w.buffer()).size() == static_cast<std::size_t>(w.shape()[0] * w.shape()[1]));
        const auto b = g.tensor(static_cast<std::uint32_t>(op.inputs()[2]));
        CHECK(b.type() == tfl::tensor_type::int32);
        CHECK(m.buffer_data(b.buffer()).size() == 4u * static_cast<std::size_t>(b.shape()[0]));
    }
    NERVE_REQUIRE_NO_ALLOC((void)tfl::model_view::parse(as_bytes(gold::hello_world_model)), (void)walk(m));
}

TEST_CASE("tflite reader: the data directory's hello_world file equals the committed copy", "[tflite]") {
    const char* env = std::getenv("NERVE_DATA_DIR");
    const std::string here = __FILE__;  // tests/io/test_tflite.cpp -> ../shared/data from the project root
    std::string dir = env ? env : here.substr(0, here.rfind('/')) + "/../../../shared/data";
    std::FILE* f = std::fopen((dir + "/tflite/hello_world_int8.tflite").c_str(), "rb");
    if (!f) {
        WARN("NERVE_DATA_DIR/tflite/hello_world_int8.tflite not found: skipped");
        return;
    }
    std::vector<unsigned char> bytes(8192);
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
    std::fclose(f);
    REQUIRE(bytes.size() == sizeof(gold::hello_world_model));
    CHECK(std::memcmp(bytes.data(), gold::hello_world_model, bytes.size()) == 0);
    CHECK(tfl::model_view::parse({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}).ok());
}

TEST_CASE("tflite reader: model written by tools/tflite_writer.py (options, per-channel)", "[tflite]") {
    auto r = tfl::model_view::parse(as_bytes(gold::sensor_cnn_model));
    REQUIRE(r.ok());
    const auto m = r.value();
    CHECK(m.description() == "nerve test model: 1-D sensor CNN");
    const auto g = m.subgraph(0);
    CHECK(g.name() == "main");
    REQUIRE(g.operator_count() == 6u);
    auto code = [&](std::uint32_t o) { return static_cast<tfl::builtin_op>(m.operator_code(g.op(o).opcode_index()).builtin_code()); };
    CHECK(code(0) == tfl::builtin_op::conv_2d);
    CHECK(code(1) == tfl::builtin_op::depthwise_conv_2d);
    CHECK(code(2) == tfl::builtin_op::max_pool_2d);
    CHECK(code(3) == tfl::builtin_op::average_pool_2d);
    CHECK(code(4) == tfl::builtin_op::reshape);
    CHECK(code(5) == tfl::builtin_op::fully_connected);
    const auto conv = tfl::read_conv_2d_options(g.op(0).builtin_options());
    CHECK(conv.pad == tfl::padding::same);
    CHECK(conv.stride_w == 1);
    CHECK(conv.fused == tfl::activation::relu);
    CHECK(conv.dilation_w == 1);
    const auto dw = tfl::read_depthwise_conv_2d_options(g.op(1).builtin_options());
    CHECK(dw.pad == tfl::padding::valid);
    CHECK(dw.depth_multiplier == 1);
    CHECK(dw.dilation_w == 2);
    CHECK(dw.dilation_h == 1);
    const auto mp = tfl::read_pool_2d_options(g.op(2).builtin_options());
    CHECK(mp.filter_w == 2);
    CHECK(mp.filter_h == 1);
    CHECK(mp.stride_w == 2);
    const auto rs = tfl::read_reshape_new_shape(g.op(4).builtin_options());
    REQUIRE(rs.size() == 2u);
    CHECK(rs[1] == 20);
    // per-channel quantization of the conv weights: 4 scales along dimension 0, zero points 0
    const auto w = g.tensor(static_cast<std::uint32_t>(g.op(0).inputs()[1]));
    CHECK(w.name() == "conv/w");
    REQUIRE(w.quantization().scale().size() == 4u);
    CHECK(w.quantization().zero_point().size() == 4u);
    CHECK(w.quantization().quantized_dimension() == 0);
    const auto dww = g.tensor(static_cast<std::uint32_t>(g.op(1).inputs()[1]));
    CHECK(dww.quantization().quantized_dimension() == 3);
    // int32 bias data is 16-byte aligned within the file, as the schema asks
    const auto b = g.tensor(static_cast<std::uint32_t>(g.op(0).inputs()[2]));
    const auto bd = m.buffer_data(b.buffer());
    REQUIRE(bd.size() == 16u);
    CHECK((bd.data() - m.bytes().data()) % 16 == 0);
}

TEST_CASE("tflite reader: deprecated_builtin_code vs builtin_code", "[tflite]") {
    // Old files hold the code only in the int8 field, newer ones in both (the int8 one capped
    // at 127): the larger of the two is the operator.
    auto hw = tfl::model_view::parse(as_bytes(gold::hello_world_model)).value();
    CHECK(hw.operator_code(0).deprecated_builtin_code() == 9);
    CHECK(hw.operator_code(0).raw_builtin_code() == 9);
    CHECK(hw.operator_code(0).version() == 4);
    auto r = tfl::model_view::parse(as_bytes(gold::opcode_model));
    REQUIRE(r.ok());
    const auto m = r.value();
    REQUIRE(m.operator_code_count() == 2u);
    CHECK(m.operator_code(0).deprecated_builtin_code() == 9);   // old style: int8 field only
    CHECK(m.operator_code(0).raw_builtin_code() == 0);           // builtin_code absent (default 0)
    CHECK(m.operator_code(0).builtin_code() == 9);
    CHECK(m.operator_code(1).deprecated_builtin_code() == 127);  // PLACEHOLDER_FOR_GREATER_OP_CODES
    CHECK(m.operator_code(1).builtin_code() == 150);
    CHECK(tfl::op_name(150) == nullptr);
    // an omitted optional input is -1
    CHECK(m.subgraph(0).op(0).inputs()[2] == -1);
}

TEST_CASE("tflite reader: wrong identifier, version and tiny inputs are refused", "[tflite]") {
    std::vector<unsigned char> bytes(std::begin(gold::hello_world_model), std::end(gold::hello_world_model));
    auto parse = [&] { return tfl::model_view::parse({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()}); };
    REQUIRE(parse().ok());
    bytes[4] = 'X';
    CHECK(parse().code() == nerve::errc::bad_magic);
    bytes[4] = 'T';
    CHECK(tfl::model_view::parse({}).code() == nerve::errc::truncated);
    CHECK(tfl::model_view::parse({reinterpret_cast<const std::byte*>(bytes.data()), 7}).code() == nerve::errc::truncated);
    // root offset pointing past the end
    std::vector<unsigned char> hdr = {0xff, 0xff, 0, 0, 'T', 'F', 'L', '3'};
    CHECK(tfl::model_view::parse({reinterpret_cast<const std::byte*>(hdr.data()), hdr.size()}).code() == nerve::errc::truncated);
    // version field: find the model table's version (field 0) and change it
    const std::uint32_t root = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (static_cast<std::uint32_t>(bytes[3]) << 24);
    const std::int32_t soff = static_cast<std::int32_t>(bytes[root] | (bytes[root + 1] << 8) | (bytes[root + 2] << 16) |
                                                        (static_cast<std::uint32_t>(bytes[root + 3]) << 24));
    const std::uint32_t vt = static_cast<std::uint32_t>(static_cast<std::int64_t>(root) - soff);
    const std::uint16_t voff = static_cast<std::uint16_t>(bytes[vt + 4] | (bytes[vt + 5] << 8));
    REQUIRE(voff != 0);
    REQUIRE(bytes[root + voff] == 3);
    bytes[root + voff] = 4;
    auto r = parse();
    CHECK(r.code() == nerve::errc::version_mismatch);
    CHECK(std::string(r.message()).find("version") != std::string::npos);
}

TEST_CASE("tflite reader: every truncation of both models is refused without a crash", "[tflite]") {
    for (auto [data, size] : {std::pair{gold::hello_world_model, sizeof(gold::hello_world_model)},
                              std::pair{gold::sensor_cnn_model, sizeof(gold::sensor_cnn_model)}}) {
        // Copy each prefix into an exactly-sized heap block so that ASan sees a read past it.
        std::size_t accepted = 0;
        for (std::size_t n = 0; n < size; ++n) {
            std::vector<unsigned char> prefix(data, data + n);
            auto r = tfl::model_view::parse({reinterpret_cast<const std::byte*>(prefix.data()), n});
            if (r.ok()) {
                ++accepted;
                (void)walk(r.value());
            } else {
                CHECK(r.message()[0] != '\0');
            }
        }
        // Only the trailing alignment padding may be cut off and still leave a complete model.
        CHECK(accepted <= 16u);
    }
}

TEST_CASE("tflite reader: random bit flips and random bytes never crash", "[tflite]") {
    std::mt19937 rng(20261130u);
#if defined(__arm__) && !defined(__aarch64__)
    const int rounds = 300;  // qemu-system-arm is slow
#else
    const int rounds = 4000;
#endif
    int accepted = 0;
    for (auto [data, size] : {std::pair{gold::hello_world_model, sizeof(gold::hello_world_model)},
                              std::pair{gold::sensor_cnn_model, sizeof(gold::sensor_cnn_model)}}) {
        std::vector<unsigned char> bytes(data, data + size);
        for (int i = 0; i < rounds; ++i) {
            std::copy(data, data + size, bytes.begin());
            const int flips = 1 + static_cast<int>(rng() % 8);
            for (int k = 0; k < flips; ++k) bytes[rng() % size] ^= static_cast<unsigned char>(1u << (rng() % 8));
            auto r = tfl::model_view::parse({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
            if (r.ok()) {
                ++accepted;
                (void)walk(r.value());
            }
        }
    }
    // Flips in weights, names and scales leave a well-formed file: many are accepted.
    CHECK(accepted > 0);
    for (int i = 0; i < rounds; ++i) {
        std::vector<unsigned char> bytes(8 + rng() % 512);
        for (auto& b : bytes) b = static_cast<unsigned char>(rng());
        std::memcpy(bytes.data() + 4, "TFL3", 4);
        if (i % 2) bytes[0] = static_cast<unsigned char>(8 + rng() % 64), bytes[1] = bytes[2] = bytes[3] = 0;
        auto r = tfl::model_view::parse({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
        if (r.ok()) (void)walk(r.value());
    }
}

TEST_CASE("tflite reader: many offsets to one large sub-table hit the work limit, not a hang", "[tflite]") {
    // A hand-made file: 1000 tensors that all point at one tensor table whose quantization has
    // 10000 scales. Each element is valid on its own; walking them all would be 10^7 steps on a
    // 44 kB file, so parse() stops at its work limit with out_of_range.
    constexpr std::uint32_t n = 1000, scales = 10000;
    std::vector<unsigned char> b(68 + 4 * n + 64 + 4 * scales, 0);
    auto put32 = [&](std::size_t at, std::uint32_t v) { for (int k = 0; k < 4; ++k) b[at + k] = static_cast<unsigned char>(v >> (8 * k)); };
    auto put16 = [&](std::size_t at, std::uint16_t v) { b[at] = static_cast<unsigned char>(v); b[at + 1] = static_cast<unsigned char>(v >> 8); };
    put32(0, 24);
    std::memcpy(b.data() + 4, "TFL3", 4);
    put16(8, 10); put16(10, 12); put16(12, 4); put16(14, 0); put16(16, 8);  // Model vtable
    put32(24, 16); put32(28, 3); put32(32, 40 - 32);                         // Model: version 3, subgraphs
    put32(40, 1); put32(44, 56 - 44);                                        // [subgraph]
    put16(48, 6); put16(50, 8); put16(52, 4);                                // SubGraph vtable
    put32(56, 8); put32(60, 64 - 60);                                        // SubGraph: tensors
    put32(64, n);
    const std::uint32_t v = 68 + 4 * n, t = v + 16;
    for (std::uint32_t i = 0; i < n; ++i) put32(68 + 4 * i, t - (68 + 4 * i));
    put16(v, 14); put16(v + 2, 8); put16(v + 12, 4);                         // Tensor vtable: quantization at 4
    put32(t, t - v); put32(t + 4, (t + 24) - (t + 4));
    const std::uint32_t qv = t + 8, q = t + 24;
    put16(qv, 10); put16(qv + 2, 8); put16(qv + 8, 4);                       // Quantization vtable: scale at 4
    put32(q, q - qv); put32(q + 4, 4);
    put32(q + 8, scales);
    REQUIRE(q + 12 + 4 * scales <= b.size());
    auto r = tfl::model_view::parse({reinterpret_cast<const std::byte*>(b.data()), b.size()});
    CHECK(r.code() == nerve::errc::out_of_range);
    // With one tensor the same file is well-formed.
    put32(64, 1);
    auto one = tfl::model_view::parse({reinterpret_cast<const std::byte*>(b.data()), b.size()});
    REQUIRE(one.ok());
    CHECK(one.value().subgraph(0).tensor(0).quantization().scale().size() == scales);
}
