#include "nerve_test.hpp"

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "golden/tflite_models.hpp"
#include "golden/tflite_trained.hpp"
#include "nerve/infer/tflite_executor.hpp"

namespace gold = nerve::golden::tflite;
namespace tfl = nerve::io::tflite;

namespace {
template <std::size_t N>
std::span<const std::byte> as_bytes(const unsigned char (&a)[N]) {
    return {reinterpret_cast<const std::byte*>(a), N};
}
// One executor per test case, static: its tables are a few kB (too much for some MCU stacks).
nerve::infer::tflite_executor<64, 32>& executor() {
    static nerve::infer::tflite_executor<64, 32> ex;
    return ex;
}
alignas(16) std::byte arena[8192];
}  // namespace

TEST_CASE("tflite executor: hello_world matches TFLite's reference outputs 256/256", "[tflite_executor]") {
    auto& ex = executor();
    REQUIRE(ex.load(as_bytes(gold::hello_world_model)).ok());
    // Four activations (1, 16, 16, 1 bytes); two 16-byte layers are live together at step 1.
    CHECK(ex.activation_lower_bound() == 32u);
    CHECK(ex.activation_bytes() == 32u);
    CHECK(ex.persistent_bytes() == 0u);
    CHECK(ex.arena_bytes() == 32u);
    REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
    REQUIRE(ex.input().size() == 1u);
    REQUIRE(ex.output().size() == 1u);
    int match = 0;
    for (int q = -128; q <= 127; ++q) {
        ex.input()[0] = static_cast<std::int8_t>(q);
        NERVE_REQUIRE_NO_ALLOC(REQUIRE(ex.invoke().ok()));
        match += ex.output()[0] == gold::hello_world_outputs[q + 128];
    }
    CHECK(match == 256);
}

TEST_CASE("tflite executor: 1-D CNN (conv, depthwise, pools, reshape, dense) matches the int8 reference", "[tflite_executor]") {
    auto& ex = executor();
    REQUIRE(ex.load(as_bytes(gold::sensor_cnn_model)).ok());
    // activations 32+64+48+24+20+20+3 bytes; conv out (64) and depthwise out (48) are live together
    CHECK(ex.activation_lower_bound() == 112u);
    CHECK(ex.activation_bytes() >= ex.activation_lower_bound());
    CHECK(ex.persistent_bytes() == 64u);  // 4 + 4 channels x (multiplier + shift)
    REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
    REQUIRE(ex.input().size() == static_cast<std::size_t>(gold::sensor_cnn_input_size));
    REQUIRE(ex.output().size() == static_cast<std::size_t>(gold::sensor_cnn_output_size));
    for (int c = 0; c < gold::sensor_cnn_cases; ++c) {
        std::memcpy(ex.input().data(), gold::sensor_cnn_inputs + c * gold::sensor_cnn_input_size, ex.input().size());
        NERVE_REQUIRE_NO_ALLOC(REQUIRE(ex.invoke().ok()));
        for (int k = 0; k < gold::sensor_cnn_output_size; ++k) {
            INFO("case " << c << " output " << k);
            CHECK(ex.output()[k] == gold::sensor_cnn_outputs[c * gold::sensor_cnn_output_size + k]);
        }
    }
}

TEST_CASE("tflite executor: SAME padding with stride 2, depth multiplier 2, SAME average pool, RELU6", "[tflite_executor]") {
    auto& ex = executor();
    REQUIRE(ex.load(as_bytes(gold::strided_cnn_model)).ok());
    REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
    for (int c = 0; c < gold::strided_cnn_cases; ++c) {
        std::memcpy(ex.input().data(), gold::strided_cnn_inputs + c * 45, 45);
        REQUIRE(ex.invoke().ok());
        for (int k = 0; k < 5; ++k) {
            INFO("case " << c << " output " << k);
            CHECK(ex.output()[k] == gold::strided_cnn_outputs[c * 5 + k]);
        }
    }
}

TEST_CASE("tflite executor: branching graph of QUANTIZE, LOGISTIC, TANH, RELU, ADD, MUL, MEAN, RESHAPE, DEQUANTIZE",
          "[tflite_executor]") {
    auto& ex = executor();
    REQUIRE(ex.load(as_bytes(gold::ops_graph_model)).ok());
    // The int8 input (24 B) is read by LOGISTIC and TANH, so it lives across both; the float
    // input (96 B) and the int8 copy are live together at the first op.
    CHECK(ex.activation_lower_bound() == 120u);
    CHECK(ex.activation_bytes() >= ex.activation_lower_bound());
    REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
    REQUIRE(ex.input_bytes().size() == 24 * sizeof(float));
    REQUIRE(ex.output_bytes().size() == 3 * sizeof(float));
    CHECK(ex.input().empty());  // not an int8 tensor
    for (int c = 0; c < gold::ops_graph_cases; ++c) {
        std::memcpy(ex.input_bytes().data(), gold::ops_graph_inputs + 24 * c, 24 * sizeof(float));
        NERVE_REQUIRE_NO_ALLOC(REQUIRE(ex.invoke().ok()));
        float y[3];
        std::memcpy(y, ex.output_bytes().data(), sizeof(y));
        for (int k = 0; k < 3; ++k) {
            INFO("case " << c << " output " << k);
            CHECK(y[k] == gold::ops_graph_outputs[3 * c + k]);
        }
    }
}

TEST_CASE("tflite executor: the MLP trained and quantized by tools/train_int8_model.py", "[tflite_executor]") {
    auto& ex = executor();
    REQUIRE(ex.load(as_bytes(gold::trained_mlp_model)).ok());
    REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
    int exact = 0, right = 0;
    for (int c = 0; c < gold::trained_mlp_cases; ++c) {
        std::memcpy(ex.input().data(), gold::trained_mlp_inputs + c * 16, 16);
        REQUIRE(ex.invoke().ok());
        int best = 0;
        bool same = true;
        for (int k = 0; k < 4; ++k) {
            same = same && ex.output()[k] == gold::trained_mlp_outputs[c * 4 + k];
            if (ex.output()[k] > ex.output()[best]) best = k;
        }
        exact += same;
        right += best == gold::trained_mlp_labels[c];
    }
    CHECK(exact == gold::trained_mlp_cases);  // per-channel FULLY_CONNECTED, bit-exact
    CHECK(right >= gold::trained_mlp_cases * 85 / 100);
}

TEST_CASE("tflite executor: arena checks and call order", "[tflite_executor]") {
    auto& ex = executor();
    ex.reset();
    CHECK(ex.bind(arena).code() == nerve::errc::invalid_state);
    CHECK(ex.invoke().code() == nerve::errc::invalid_state);
    REQUIRE(ex.load(as_bytes(gold::hello_world_model)).ok());
    CHECK(ex.invoke().code() == nerve::errc::invalid_state);
    CHECK(ex.input().empty());
    CHECK(ex.bind({arena, ex.arena_bytes() - 1}).code() == nerve::errc::buffer_too_small);
    CHECK(ex.bind({arena + 1, ex.arena_bytes()}).code() == nerve::errc::invalid_argument);
    CHECK(ex.bind({arena, ex.arena_bytes()}).ok());
}

TEST_CASE("tflite executor: an op nerve does not implement is refused at load", "[tflite_executor]") {
    auto& ex = executor();
    auto r = ex.load(as_bytes(gold::unsupported_exp_model));
    CHECK(r.code() == nerve::errc::unsupported);
    CHECK(ex.failed_op() == 0);
    CHECK(ex.bind(arena).code() == nerve::errc::invalid_state);
}

TEST_CASE("tflite executor: old-style operator codes load; a code above 127 is named and refused", "[tflite_executor]") {
    auto& ex = executor();
    auto r = ex.load(as_bytes(gold::opcode_model));
    CHECK(r.code() == nerve::errc::unsupported);
    CHECK(ex.failed_op() == 1);  // op 0 (FULLY_CONNECTED from the deprecated field, no bias) was accepted
    CHECK(ex.op(0).code == 9);
}

TEST_CASE("tflite executor: a fresh static executor is all zero bytes, so firmware keeps it in .bss, not in flash",
          "[tflite_executor]") {
    // A non-zero byte anywhere in the constant initializer moves the whole object to .data, which
    // costs its size in flash too (64 kB for tflite_executor<128, 128>).
    static nerve::infer::tflite_executor<16, 8> fresh;  // hello_world has 10 tensors, 3 ops
    const auto* bytes = reinterpret_cast<const unsigned char*>(&fresh);
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < sizeof(fresh); ++i) nonzero += bytes[i] != 0;
    CHECK(nonzero == 0u);
    CHECK(fresh.failed_op() == -1);
    CHECK_FALSE(fresh.ready());
    REQUIRE(fresh.load(as_bytes(gold::hello_world_model)).ok());
    CHECK(fresh.failed_op() == -1);
    CHECK(fresh.tensor(0).rank >= 1);
}

TEST_CASE("tflite executor: capacity limits are errors", "[tflite_executor]") {
    static nerve::infer::tflite_executor<4, 4> tiny;
    CHECK(tiny.load(as_bytes(gold::hello_world_model)).code() == nerve::errc::out_of_range);
}

TEST_CASE("tflite executor: a misaligned model is refused, not read unaligned", "[tflite_executor]") {
    std::vector<unsigned char> shifted(sizeof(gold::hello_world_model) + 1);
    std::memcpy(shifted.data() + 1, gold::hello_world_model, sizeof(gold::hello_world_model));
    auto r = executor().load({reinterpret_cast<const std::byte*>(shifted.data() + 1), sizeof(gold::hello_world_model)});
    if (reinterpret_cast<std::uintptr_t>(shifted.data() + 1) % 4 != 0) CHECK(r.code() == nerve::errc::invalid_argument);
}

TEST_CASE("tflite executor: corrupted models load, bind and run without a crash or an error left unreported",
          "[tflite_executor]") {
    std::mt19937 rng(99u);
#if defined(__arm__) && !defined(__aarch64__)
    const int rounds = 300;
#else
    const int rounds = 3000;
#endif
    auto& ex = executor();
    int loaded = 0;
    alignas(16) static unsigned char bytes[sizeof(gold::ops_graph_model) + sizeof(gold::trained_mlp_model) + sizeof(gold::sensor_cnn_model)];
    for (int i = 0; i < rounds; ++i) {
        const unsigned char* src = i % 4 == 0   ? gold::hello_world_model
                                   : i % 4 == 1 ? gold::sensor_cnn_model
                                   : i % 4 == 2 ? gold::trained_mlp_model
                                                : gold::ops_graph_model;
        const std::size_t size = i % 4 == 0   ? sizeof(gold::hello_world_model)
                                 : i % 4 == 1 ? sizeof(gold::sensor_cnn_model)
                                 : i % 4 == 2 ? sizeof(gold::trained_mlp_model)
                                              : sizeof(gold::ops_graph_model);
        std::memcpy(bytes, src, size);
        const int flips = 1 + static_cast<int>(rng() % 6);
        for (int k = 0; k < flips; ++k) bytes[rng() % size] ^= static_cast<unsigned char>(1u << (rng() % 8));
        auto r = ex.load({reinterpret_cast<const std::byte*>(bytes), size});
        if (!r) {
            CHECK(r.message()[0] != '\0');
            continue;
        }
        ++loaded;
        if (ex.arena_bytes() > sizeof(arena)) continue;
        REQUIRE(ex.bind({arena, ex.arena_bytes()}).ok());
        for (auto& b : ex.input_bytes()) b = static_cast<std::byte>(rng());
        CHECK(ex.invoke().ok());
    }
    CHECK(loaded > 0);
}
