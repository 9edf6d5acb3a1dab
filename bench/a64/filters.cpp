// bench/a64/filters.cpp — the kernels of nerve_bench's filter rows (bench_fir.cpp, bench_iir.cpp)
// as one aarch64 program, `a64_filters`, for tools/a64_icount.py: each kernel is an extern "C"
// noinline function that runs one block through the same operator, sizes and designs as the x86
// benchmark (blocks of 1024), so the tool can count the instructions of each call under
// qemu-aarch64 and weight them with llvm-mca's models of aarch64 cores. a64_fma_peak is
// fma_peak/xsimd's loop: the same models' FMA limit, so a kernel's fraction of it compares with
// the x86 fractions. main() runs every kernel twice and checks its outputs against the
// operators' per-sample path (ctest a64/a64_filters), so a wrong kernel cannot be counted.
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>

#include "nerve/filter/biquad.hpp"
#include "nerve/filter/butterworth.hpp"
#include "nerve/filter/fir.hpp"
#include "nerve/filter/fir_decimator.hpp"
#include "nerve/filter/fir_design.hpp"
#include "nerve/filter/vibration_integrator.hpp"

#if !NERVE_HAS_XSIMD
#error "a64_filters measures the SIMD kernels: build it with nerve::simd"
#endif

namespace {
constexpr std::size_t block = 1024, taps_n = 64;
using cascade4 = nerve::filter::biquad_cascade<float, 4>;
constexpr auto sos8 = nerve::filter::butterworth<8, nerve::filter::band_type::lowpass>(0.1);

std::array<float, taps_n> lowpass_taps() {
    const auto h = nerve::filter::firwin_lowpass<taps_n>(1.0 / 8);
    std::array<float, taps_n> f{};
    for (std::size_t i = 0; i < taps_n; ++i) f[i] = static_cast<float>(h[i]);
    return f;
}

// bench_fir.cpp's input (a linear congruential sequence in [-1, 1)) and bench_iir.cpp's (two sines).
struct signals {
    std::array<float, block> noise{}, sines{};
    signals() {
        std::uint32_t s = 1;
        for (std::size_t i = 0; i < block; ++i) {
            s = s * 1664525u + 1013904223u;
            noise[i] = static_cast<float>(static_cast<std::int32_t>(s)) / 2147483648.0f;
            sines[i] = 0.5f * std::sin(0.01f * static_cast<float>(i)) + 0.25f * std::sin(0.9f * static_cast<float>(i));
        }
    }
};
const signals sig;

template <std::size_t C>
struct bank_io {
    std::array<std::array<float, C>, block> in{}, out{};
    bank_io() {
        for (std::size_t i = 0; i < block; ++i)
            for (std::size_t c = 0; c < C; ++c) in[i][c] = sig.sines[(i + 37 * c) % block];
    }
};

nerve::filter::fir<float, taps_n> fir64{lowpass_taps()};
nerve::filter::fir_decimator<float, taps_n, 8> decimator{lowpass_taps()};
cascade4 biquad4{sos8};
template <std::size_t Order>
constexpr auto butterworth_lp() {
    return nerve::filter::butterworth<Order, nerve::filter::band_type::lowpass>(0.1);
}
nerve::filter::biquad_cascade<float, 1> biquad1{butterworth_lp<2>()};
nerve::filter::biquad_cascade<float, 2> biquad2{butterworth_lp<4>()};
nerve::filter::biquad_cascade<float, 8> biquad8{butterworth_lp<16>()};
nerve::multi<cascade4, 8> bank8{cascade4{sos8}};
nerve::multi<cascade4, 16> bank16{cascade4{sos8}};
nerve::multi<cascade4, 32> bank32{cascade4{sos8}};
nerve::multi<cascade4, 64> bank64{cascade4{sos8}};
// vibration_integrator/nerve (10-1000 Hz at 25.6 kHz) in both forms: which one aarch64 should take.
using velocity_double = nerve::filter::vibration_integrator<float, nerve::filter::velocity_form::double_sections>;
using velocity_svf = nerve::filter::vibration_integrator<float, nerve::filter::velocity_form::state_variable>;
constexpr nerve::hertz velocity_lo{10.0}, velocity_hi{1000.0};
constexpr nerve::sample_rate velocity_fs{25600.0};
velocity_double vel_double{velocity_lo, velocity_hi, velocity_fs};
velocity_svf vel_svf{velocity_lo, velocity_hi, velocity_fs};
std::array<float, block> out1{};
bank_io<8> io8;
bank_io<16> io16;
bank_io<32> io32;
bank_io<64> io64;
float peak_sink = 0;
}  // namespace

extern "C" {
// fma_peak/xsimd's 12 independent FMA chains of 1024 steps (12 x 1024 x lanes x 2 flops), with
// the chain in the addend: NEON's FMLA accumulates into its destination, so x86's a = a b + c
// costs two register copies per FMA here (38 instructions per step, not 13).
[[gnu::noinline]] void a64_fma_peak() {
    using batch = xsimd::batch<float>;
    constexpr std::size_t chains = 12, steps = 1024;
    const batch b(0.999f), c(0.001f);
    batch a[chains];
    for (std::size_t k = 0; k < chains; ++k) a[k] = batch(0.1f * static_cast<float>(k));
    for (std::size_t i = 0; i < steps; ++i)
        for (std::size_t k = 0; k < chains; ++k) a[k] = xsimd::fma(b, c, a[k]);
    batch s = a[0];
    for (std::size_t k = 1; k < chains; ++k) s += a[k];
    peak_sink += xsimd::hadd(s);
}
// fir64/nerve: 1024 samples, 64 taps (2 x 64 flops per output).
[[gnu::noinline]] void a64_fir64() { fir64.process(std::span<const float>(sig.noise), std::span<float>(out1)); }
// decimate8_fir64/nerve: 1024 inputs, 128 outputs of 64 taps.
[[gnu::noinline]] void a64_decimate8_fir64() {
    (void)decimator.process(std::span<const float>(sig.noise), std::span<float>(out1));
}
// decimate8_fir64/nerve_call256: the same 1024 inputs in calls of 256 (32 outputs each).
[[gnu::noinline]] void a64_decimate8_fir64_call256() {
    for (std::size_t i = 0; i < block; i += 256)
        (void)decimator.process(std::span<const float>(sig.noise.data() + i, 256), std::span<float>(out1.data() + i / 8, 32));
}
// biquad4/nerve: 1024 samples, 4 sections (10 flops per section and sample).
[[gnu::noinline]] void a64_biquad4() { biquad4.process(std::span<const float>(sig.sines), std::span<float>(out1)); }
// biquad1/2/8/nerve: the same with 1, 2 and 8 sections.
[[gnu::noinline]] void a64_biquad1() { biquad1.process(std::span<const float>(sig.sines), std::span<float>(out1)); }
[[gnu::noinline]] void a64_biquad2() { biquad2.process(std::span<const float>(sig.sines), std::span<float>(out1)); }
[[gnu::noinline]] void a64_biquad8() { biquad8.process(std::span<const float>(sig.sines), std::span<float>(out1)); }
// biquad4xC/nerve: 1024 frames of C channels, 4 sections.
[[gnu::noinline]] void a64_biquad4x8() { bank8.process(io8.in, io8.out); }
[[gnu::noinline]] void a64_biquad4x16() { bank16.process(io16.in, io16.out); }
[[gnu::noinline]] void a64_biquad4x32() { bank32.process(io32.in, io32.out); }
[[gnu::noinline]] void a64_biquad4x64() { bank64.process(io64.in, io64.out); }
// vibration_integrator: 1024 samples of the noise, the double-sections and the state-variable form.
[[gnu::noinline]] void a64_velocity_double() { vel_double.process(std::span<const float>(sig.noise), std::span<float>(out1)); }
[[gnu::noinline]] void a64_velocity_svf() { vel_svf.process(std::span<const float>(sig.noise), std::span<float>(out1)); }
}

namespace {
int failures = 0;

void expect_close(const char* what, float got, float want, float scale) {
    if (!(std::fabs(got - want) <= 1e-4f * scale)) {
        std::printf("a64_filters: %s: %g, per-sample path %g\n", what, static_cast<double>(got),
                    static_cast<double>(want));
        ++failures;
    }
}

// Per-sample references, each from a fresh operator over the same two blocks the kernel saw.
void check_fir() {
    nerve::filter::fir<float, taps_n> ref{lowpass_taps()};
    float y = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (float x : sig.noise) y = ref(x);
    expect_close("fir64 last output", out1[block - 1], y, 1.0f);
}

void check_decimator() {
    nerve::filter::fir_decimator<float, taps_n, 8> ref{lowpass_taps()};
    std::array<float, block / 8> y{};
    for (int pass = 0; pass < 2; ++pass) {
        std::size_t w = 0;
        for (float x : sig.noise) ref.push(x, [&](float v) { y[w++] = v; });
    }
    for (std::size_t i = 0; i < block / 8; i += 7) expect_close("decimator", out1[i], y[i], 1.0f);
}

// `ref` is a fresh copy of the kernel's filter, `what` its kernel name.
template <class Cascade>
void check_cascade(Cascade ref, const char* what) {
    std::array<float, block> y{};
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < block; ++i) y[i] = ref(sig.sines[i]);
    for (std::size_t i = 0; i < block; i += 97) expect_close(what, out1[i], y[i], 1.0f);
}

template <class Integrator>
void check_velocity(Integrator ref, const char* what) {
    std::array<float, block> y{};
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < block; ++i) y[i] = ref(sig.noise[i]);
    for (std::size_t i = 0; i < block; i += 97) expect_close(what, out1[i], y[i], 1e-3f);
}

template <std::size_t C>
void check_bank(const bank_io<C>& io) {
    std::array<cascade4, C> ref;
    ref.fill(cascade4{sos8});
    std::array<float, C> last{};
    for (int pass = 0; pass < 2; ++pass)
        for (std::size_t i = 0; i < block; ++i)
            for (std::size_t c = 0; c < C; ++c) last[c] = ref[c](io.in[i][c]);
    for (std::size_t c = 0; c < C; ++c) expect_close("bank last frame", io.out[block - 1][c], last[c], 1.0f);
}
// The kernels for tools/a64_icount.py: symbol, items per call (samples; channel-samples for a
// bank; 0 for the peak), flops per call as nerve_bench's GFLOP/s counters count them.
struct kernel {
    const char* symbol;
    void (*run)();
    double items, flops;
};
constexpr double lanes = xsimd::batch<float>::size;
const kernel kernels[] = {
    {"a64_fma_peak", a64_fma_peak, 0, 12 * 1024 * lanes * 2},
    {"a64_fir64", a64_fir64, block, block * 2.0 * taps_n},
    {"a64_decimate8_fir64", a64_decimate8_fir64, block, block / 8 * 2.0 * taps_n},
    {"a64_decimate8_fir64_call256", a64_decimate8_fir64_call256, block, block / 8 * 2.0 * taps_n},
    {"a64_biquad4", a64_biquad4, block, block * 4 * 10.0},
    {"a64_biquad1", a64_biquad1, block, block * 1 * 10.0},
    {"a64_biquad2", a64_biquad2, block, block * 2 * 10.0},
    {"a64_biquad8", a64_biquad8, block, block * 8 * 10.0},
    {"a64_biquad4x8", a64_biquad4x8, block * 8, block * 8 * 4 * 10.0},
    {"a64_biquad4x16", a64_biquad4x16, block * 16, block * 16 * 4 * 10.0},
    {"a64_biquad4x32", a64_biquad4x32, block * 32, block * 32 * 4 * 10.0},
    {"a64_biquad4x64", a64_biquad4x64, block * 64, block * 64 * 4 * 10.0},
    {"a64_velocity_double", a64_velocity_double, block, block * 2 * 10.0},
    {"a64_velocity_svf", a64_velocity_svf, block, block * 2 * 10.0},
};
}  // namespace

// No argument: every kernel twice, outputs checked (the ctest). `info`: the kernel table.
// A kernel's symbol: that kernel twice, nothing else (a short trace for a64_icount.py).
int main(int argc, char** argv) {
    if (argc == 2 && std::strcmp(argv[1], "info") == 0) {
        for (const auto& k : kernels) std::printf("kernel %s %.0f %.0f\n", k.symbol, k.items, k.flops);
        return 0;
    }
    if (argc == 2) {
        for (const auto& k : kernels)
            if (std::strcmp(argv[1], k.symbol) == 0) {
                k.run();
                k.run();
                return 0;
            }
        std::printf("a64_filters: no kernel '%s' (try: info)\n", argv[1]);
        return 2;
    }
    for (int pass = 0; pass < 2; ++pass) a64_fma_peak();
    for (int pass = 0; pass < 2; ++pass) a64_fir64();
    check_fir();
    for (int pass = 0; pass < 2; ++pass) a64_decimate8_fir64();
    check_decimator();
    for (int pass = 0; pass < 2; ++pass) a64_decimate8_fir64_call256();
    check_decimator();
    for (int pass = 0; pass < 2; ++pass) a64_biquad4();
    check_cascade(cascade4{sos8}, "biquad4");
    for (int pass = 0; pass < 2; ++pass) a64_biquad1();
    check_cascade(decltype(biquad1){butterworth_lp<2>()}, "biquad1");
    for (int pass = 0; pass < 2; ++pass) a64_biquad2();
    check_cascade(decltype(biquad2){butterworth_lp<4>()}, "biquad2");
    for (int pass = 0; pass < 2; ++pass) a64_biquad8();
    check_cascade(decltype(biquad8){butterworth_lp<16>()}, "biquad8");
    for (int pass = 0; pass < 2; ++pass) a64_biquad4x8();
    check_bank(io8);
    for (int pass = 0; pass < 2; ++pass) a64_biquad4x16();
    check_bank(io16);
    for (int pass = 0; pass < 2; ++pass) a64_biquad4x32();
    check_bank(io32);
    for (int pass = 0; pass < 2; ++pass) a64_biquad4x64();
    check_bank(io64);
    for (int pass = 0; pass < 2; ++pass) a64_velocity_double();
    check_velocity(velocity_double{velocity_lo, velocity_hi, velocity_fs}, "velocity (double sections)");
    for (int pass = 0; pass < 2; ++pass) a64_velocity_svf();
    check_velocity(velocity_svf{velocity_lo, velocity_hi, velocity_fs}, "velocity (state-variable)");
    std::printf("a64_filters: %s (peak sink %g)\n", failures ? "FAILED" : "outputs match the per-sample paths",
                static_cast<double>(peak_sink));
    return failures ? 1 : 0;
}
