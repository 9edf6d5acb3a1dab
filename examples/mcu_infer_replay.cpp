// mcu_infer_replay.cpp — `nerve infer --model M --input X` on the Cortex-M4: an int8 .tflite model
// and one raw int8 input read through semihosting, run by nerve::infer::tflite_executor (the
// firmware's default tables, 128 tensors and 128 ops) in a static arena, the int8 output printed on
// one line as the tool prints it:
//
//   cmake/qemu-cortex-m4.sh build/cortex-m4/examples/nerve_mcu_infer_replay.elf MODEL.tflite INPUT.bin
//
// tools/mcu_nerve.sh runs it for `infer --model M --input X`, so the scoreboard's inference row
// (256 inputs of the hello_world model against TFLite's outputs) scores the target itself. The
// model is copied into a 16-byte-aligned buffer of 64 KB, the arena is 16 KB; a larger model or
// arena is refused. No heap.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>

#include "mcu_replay_io.hpp"
#include "nerve/infer/tflite_executor.hpp"

namespace {

using executor = nerve::infer::tflite_executor<>;
namespace tfl = nerve::io::tflite;

alignas(16) std::byte model[64 * 1024];
alignas(16) std::byte arena[16 * 1024];
executor ex;

int fail(const char* what, const char* detail) { return nerve_examples::fail("mcu_infer_replay", what, detail); }

/// The whole file into `to` (at most `n` bytes; one more byte must not be there). -1 on failure.
long read_file(const char* path, void* to, std::size_t n) {
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    const std::size_t got = nerve_examples::read_full(fd, to, n);
    char extra;
    const bool longer = got == n && nerve_examples::read_full(fd, &extra, 1) == 1;
    close(fd);
    return longer ? -1 : static_cast<long>(got);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::printf("usage: mcu_infer_replay MODEL.tflite INPUT.bin\n");
        return 2;
    }
    const long model_n = read_file(argv[1], model, sizeof model);
    if (model_n <= 0) return fail("cannot read (or larger than 64 KB): ", argv[1]);
    const std::span<const std::byte> bytes(model, static_cast<std::size_t>(model_n));
    if (auto loaded = ex.load(bytes); !loaded) return fail("cannot run the model: ", loaded.message());
    if (ex.input_count() != 1 || ex.output_count() != 1) return fail("the model needs one input and one output", "");
    const auto& in_t = ex.tensor(static_cast<std::uint32_t>(ex.input_tensor()));
    const auto& out_t = ex.tensor(static_cast<std::uint32_t>(ex.output_tensor()));
    if (in_t.type != tfl::tensor_type::int8 || out_t.type != tfl::tensor_type::int8)
        return fail("input and output must be int8 tensors", "");
    if (ex.arena_bytes() > sizeof arena) return fail("the model's arena is larger than 16 KB", "");
    if (auto r = ex.bind({arena, sizeof arena}); !r) return fail("", r.message());
    const long input_n = read_file(argv[2], ex.input().data(), in_t.bytes);
    if (input_n != static_cast<long>(in_t.bytes)) return fail("the input is not exactly the input tensor's size: ", argv[2]);
    if (auto r = ex.invoke(); !r) return fail("", r.message());
    bool first = true;
    for (const std::int8_t v : ex.output()) {
        std::printf(first ? "%d" : " %d", static_cast<int>(v));
        first = false;
    }
    std::printf("\n");
    return 0;
}
