// Static models generated from .tflite files by `nerve infer --emit-header` (the headers in
// tests/golden/ are that command's output, committed): same outputs as TFLite's reference
// (hello_world, 256/256) and as the int8 reference of nerve's own models, on every target.
#include "nerve_test.hpp"

#include <array>
#include <cstdint>
#include <cstring>

#include "golden/tflite_hello_world_packed_static.hpp"
#include "golden/tflite_hello_world_static.hpp"
#include "golden/tflite_models.hpp"
#include "golden/tflite_sensor_cnn_static.hpp"
#include "golden/tflite_strided_cnn_static.hpp"
#include "golden/tflite_trained.hpp"
#include "golden/tflite_trained_mlp_static.hpp"

namespace gold = nerve::golden::tflite;

TEST_CASE("static model from hello_world_int8.tflite matches TFLite 256/256", "[tflite_static]") {
    static nerve_models::hello_world::model_t net = nerve_models::hello_world::make();
    // RAM: two ping-pong buffers of the largest activation (16 bytes) plus the layer descriptors.
    static_assert(nerve_models::hello_world::model_t::activation_bytes == 32);
    int match = 0;
    for (int q = -128; q <= 127; ++q) {
        std::array<std::int8_t, 1> y{};
        NERVE_REQUIRE_NO_ALLOC(y = net(std::array<std::int8_t, 1>{static_cast<std::int8_t>(q)}));
        match += y[0] == gold::hello_world_outputs[q + 128];
    }
    CHECK(match == 256);
}

TEST_CASE("static model from hello_world_int8.tflite with packed (int16, SMLAD-ordered) dense weights", "[tflite_static]") {
    static nerve_models::hello_world_packed::model_t net = nerve_models::hello_world_packed::make();
    int match = 0;
    for (int q = -128; q <= 127; ++q)
        match += net(std::array<std::int8_t, 1>{static_cast<std::int8_t>(q)})[0] == gold::hello_world_outputs[q + 128];
    CHECK(match == 256);
}

TEST_CASE("static model from the 1-D CNN .tflite matches the int8 reference", "[tflite_static]") {
    static nerve_models::sensor_cnn::model_t net = nerve_models::sensor_cnn::make();
    using net_t = nerve_models::sensor_cnn::model_t;
    static_assert(net_t::input_size == gold::sensor_cnn_input_size && net_t::output_size == gold::sensor_cnn_output_size);
    for (int c = 0; c < gold::sensor_cnn_cases; ++c) {
        net_t::input_type x;
        std::memcpy(x.data(), gold::sensor_cnn_inputs + c * net_t::input_size, net_t::input_size);
        const auto y = net(x);
        for (int k = 0; k < net_t::output_size; ++k) {
            INFO("case " << c << " output " << k);
            CHECK(y[k] == gold::sensor_cnn_outputs[c * net_t::output_size + k]);
        }
    }
}

TEST_CASE("static model with SAME/stride-2 conv, depth multiplier 2 and SAME average pooling", "[tflite_static]") {
    static nerve_models::strided_cnn::model_t net = nerve_models::strided_cnn::make();
    using net_t = nerve_models::strided_cnn::model_t;
    static_assert(net_t::input_size == 45 && net_t::output_size == 5);
    for (int c = 0; c < gold::strided_cnn_cases; ++c) {
        net_t::input_type x;
        std::memcpy(x.data(), gold::strided_cnn_inputs + c * 45, 45);
        const auto y = net(x);
        for (int k = 0; k < 5; ++k) {
            INFO("case " << c << " output " << k);
            CHECK(y[k] == gold::strided_cnn_outputs[c * 5 + k]);
        }
    }
}

TEST_CASE("static model of the MLP trained by tools/train_int8_model.py (per-channel dense)", "[tflite_static]") {
    static nerve_models::vibration_mlp::model_t net = nerve_models::vibration_mlp::make();
    using net_t = nerve_models::vibration_mlp::model_t;
    int exact = 0;
    for (int c = 0; c < gold::trained_mlp_cases; ++c) {
        net_t::input_type x;
        std::memcpy(x.data(), gold::trained_mlp_inputs + c * 16, 16);
        const auto y = net(x);
        exact += std::memcmp(y.data(), gold::trained_mlp_outputs + c * 4, 4) == 0;
    }
    CHECK(exact == gold::trained_mlp_cases);
}
