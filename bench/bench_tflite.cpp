// Benchmarks of the .tflite path against the static model generated from the same file.
//
//   tflite/parse/<model>          model_view::parse: the full validation walk of the flatbuffer
//   tflite/load/<model>           tflite_executor::load: parse + per-op checks + memory plan
//   tflite/executor/<model>       one inference through the executor
//   tflite/static/<model>         one inference through the header `nerve infer --emit-header` wrote
// Models: hello_world (TFLite-Micro's, 3 x FULLY_CONNECTED) and sensor_cnn (nerve's 1-D CNN:
// conv, depthwise, pools, reshape, dense). Run side by side; compare ratios.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>

#include "../tests/golden/tflite_hello_world_static.hpp"
#include "../tests/golden/tflite_models.hpp"
#include "../tests/golden/tflite_sensor_cnn_static.hpp"
#include "nerve/infer/tflite_executor.hpp"

namespace {
namespace gold = nerve::golden::tflite;

template <std::size_t N>
std::span<const std::byte> bytes_of(const unsigned char (&a)[N]) {
    return {reinterpret_cast<const std::byte*>(a), N};
}

template <std::size_t N>
void bm_parse(benchmark::State& state, const unsigned char (&model)[N]) {
    for (auto _ : state) {
        auto r = nerve::io::tflite::model_view::parse(bytes_of(model));
        benchmark::DoNotOptimize(r);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(N));
}

template <std::size_t N>
void bm_load(benchmark::State& state, const unsigned char (&model)[N]) {
    static nerve::infer::tflite_executor<64, 32> ex;
    for (auto _ : state) {
        auto r = ex.load(bytes_of(model));
        benchmark::DoNotOptimize(r);
    }
}

template <std::size_t N>
void bm_executor(benchmark::State& state, const unsigned char (&model)[N], const std::int8_t* input) {
    static nerve::infer::tflite_executor<64, 32> ex;
    alignas(16) static std::byte arena[1024];
    if (!ex.load(bytes_of(model)) || !ex.bind(arena)) {
        state.SkipWithError("load failed");
        return;
    }
    std::memcpy(ex.input().data(), input, ex.input().size());
    for (auto _ : state) {
        (void)ex.invoke();
        benchmark::DoNotOptimize(ex.output().data());
    }
}

template <class Model, class Make>
void bm_static(benchmark::State& state, Make make, const std::int8_t* input) {
    static Model net = make();
    typename Model::input_type x;
    std::memcpy(x.data(), input, x.size());
    for (auto _ : state) {
        auto y = net(x);
        benchmark::DoNotOptimize(y);
    }
}

const std::int8_t hello_input[1] = {-64};

void parse_hello(benchmark::State& s) { bm_parse(s, gold::hello_world_model); }
void parse_cnn(benchmark::State& s) { bm_parse(s, gold::sensor_cnn_model); }
void load_hello(benchmark::State& s) { bm_load(s, gold::hello_world_model); }
void load_cnn(benchmark::State& s) { bm_load(s, gold::sensor_cnn_model); }
void executor_hello(benchmark::State& s) { bm_executor(s, gold::hello_world_model, hello_input); }
void executor_cnn(benchmark::State& s) { bm_executor(s, gold::sensor_cnn_model, gold::sensor_cnn_inputs); }
void static_hello(benchmark::State& s) {
    bm_static<nerve_models::hello_world::model_t>(s, nerve_models::hello_world::make, hello_input);
}
void static_cnn(benchmark::State& s) {
    bm_static<nerve_models::sensor_cnn::model_t>(s, nerve_models::sensor_cnn::make, gold::sensor_cnn_inputs);
}
}  // namespace

BENCHMARK(parse_hello)->Name("tflite/parse/hello_world");
BENCHMARK(parse_cnn)->Name("tflite/parse/sensor_cnn");
BENCHMARK(load_hello)->Name("tflite/load/hello_world");
BENCHMARK(load_cnn)->Name("tflite/load/sensor_cnn");
BENCHMARK(executor_hello)->Name("tflite/executor/hello_world");
BENCHMARK(static_hello)->Name("tflite/static/hello_world");
BENCHMARK(executor_cnn)->Name("tflite/executor/sensor_cnn");
BENCHMARK(static_cnn)->Name("tflite/static/sensor_cnn");
