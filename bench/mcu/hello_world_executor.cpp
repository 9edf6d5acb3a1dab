// bench/mcu/hello_world_executor.cpp — the same hello_world model on the Cortex-M4 through the
// .tflite path: nerve::io::tflite validates the flatbuffer in flash, nerve::infer::tflite_executor
// plans its arena and runs it. Compare with bench/mcu/hello_world.cpp (the static model that
// `nerve infer --emit-header` generates): flash (arm-none-eabi-size), RAM and instructions.
//
// Kernels (tools/mcu_icount.py build/<dir>/bench/mcu_hello_world_executor.elf <symbol>):
//   nerve_hello_world_executor_load     parse + validate the 2704-byte file and plan the arena
//   nerve_hello_world_executor_invoke   one inference
#include <cstdint>
#include <cstdio>

#include "../../tests/golden/tflite_models.hpp"
#include "nerve/infer/tflite_executor.hpp"

namespace {
nerve::infer::tflite_executor<16, 8> g_ex;  // tables for up to 16 tensors and 8 ops
alignas(16) std::byte g_arena[64];
}  // namespace

extern "C" __attribute__((noinline)) int nerve_hello_world_executor_load() {
    const auto* m = reinterpret_cast<const std::byte*>(nerve::golden::tflite::hello_world_model);
    if (!g_ex.load({m, sizeof(nerve::golden::tflite::hello_world_model)})) return 1;
    return g_ex.bind(g_arena) ? 0 : 2;
}

extern "C" __attribute__((noinline)) std::int8_t nerve_hello_world_executor_invoke(std::int8_t x) {
    g_ex.input()[0] = x;
    (void)g_ex.invoke();
    return g_ex.output()[0];
}

int main() {
    int r = 0;
    for (int i = 0; i < 3; ++i) r |= nerve_hello_world_executor_load();
    if (r != 0) {
        std::printf("hello_world_executor: load failed (%d)\n", r);
        return 1;
    }
    int match = 0;
    for (int q = -128; q <= 127; ++q)
        match += nerve_hello_world_executor_invoke(static_cast<std::int8_t>(q)) ==
                 nerve::golden::tflite::hello_world_outputs[q + 128];
    std::printf("hello_world_executor: %d/256 match TFLite; arena %u bytes (lower bound %u); sizeof(executor<16, 8>) = %u bytes\n",
                match, static_cast<unsigned>(g_ex.arena_bytes()), static_cast<unsigned>(g_ex.activation_lower_bound()),
                static_cast<unsigned>(sizeof(g_ex)));
    return match == 256 ? 0 : 1;
}
