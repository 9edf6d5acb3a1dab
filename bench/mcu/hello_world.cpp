// bench/mcu/hello_world.cpp — TFLite-Micro's hello_world model on the Cortex-M4, as the static
// nerve model that `nerve infer --emit-header` generated from hello_world_int8.tflite
// (tests/golden/tflite_hello_world_static.hpp): no parser, no interpreter, no float math.
//
// Flash and RAM: arm-none-eabi-size after the link (text = flash incl. newlib-nano and the
// startup code, data + bss = static RAM); the model object's share is sizeof(model_t), printed,
// and its weights are the l*_weights/l*_bias arrays in .rodata (see mcu_hello_world.map).
// Kernel (count with tools/mcu_icount.py build/<dir>/bench/mcu_hello_world.elf nerve_hello_world_invoke):
//   nerve_hello_world_invoke          one inference (three FULLY_CONNECTED layers, 1 -> 16 -> 16 -> 1)
//   nerve_hello_world_packed_invoke   the same from `--emit-header --packed` (int16 SMLAD-ordered
//                                     weights for the two 16-deep layers: 2x their flash)
// The program checks all 256 inputs against TFLite's reference outputs and returns non-zero on
// a mismatch.
#include <array>
#include <cstdint>
#include <cstdio>

#include "../../tests/golden/tflite_hello_world_packed_static.hpp"
#include "../../tests/golden/tflite_hello_world_static.hpp"
#include "../../tests/golden/tflite_models.hpp"

namespace {
// One static object: its RAM is in .bss, its descriptors are built by make() at start-up.
nerve_models::hello_world::model_t g_net = nerve_models::hello_world::make();
nerve_models::hello_world_packed::model_t g_packed = nerve_models::hello_world_packed::make();
}  // namespace

extern "C" __attribute__((noinline)) std::int8_t nerve_hello_world_packed_invoke(std::int8_t x) {
    std::int8_t y;
    g_packed.run(&x, &y);
    return y;
}

extern "C" __attribute__((noinline)) std::int8_t nerve_hello_world_invoke(std::int8_t x) {
    std::int8_t y;
    g_net.run(&x, &y);
    return y;
}

int main() {
    int match = 0;
    int packed = 0;
    for (int q = -128; q <= 127; ++q) {
        match += nerve_hello_world_invoke(static_cast<std::int8_t>(q)) == nerve::golden::tflite::hello_world_outputs[q + 128];
        packed += nerve_hello_world_packed_invoke(static_cast<std::int8_t>(q)) == nerve::golden::tflite::hello_world_outputs[q + 128];
    }
    std::printf("hello_world packed: %d/256 match TFLite\n", packed);
    std::printf("hello_world: %d/256 match TFLite; sizeof(model_t) = %u bytes (activations %u), weights+biases %u bytes\n",
                match, static_cast<unsigned>(sizeof(nerve_models::hello_world::model_t)),
                static_cast<unsigned>(nerve_models::hello_world::model_t::activation_bytes),
                static_cast<unsigned>(sizeof(nerve_models::hello_world::l0_weights) + sizeof(nerve_models::hello_world::l0_bias) +
                                      sizeof(nerve_models::hello_world::l1_weights) + sizeof(nerve_models::hello_world::l1_bias) +
                                      sizeof(nerve_models::hello_world::l2_weights) + sizeof(nerve_models::hello_world::l2_bias)));
    return match == 256 && packed == 256 ? 0 : 1;
}
