// bench/mcu/drift_detectors.cpp — Cortex-M4 cost of the drift detectors (float).
//
// Kernels (count with tools/mcu_icount.py <elf> <symbol> --runs K; each call is one block of
// kBlock samples, so divide by kBlock for instructions per sample, amortising ADWIN's test
// every `clock` samples):
//   nerve_adwin_block         adwin<float, 5, 16> (River's defaults: delta 0.002, clock 32)
//   nerve_adwin_clock1_block  adwin<float, 5, 16> testing every sample (clock 1)
//   nerve_page_hinkley_block  page_hinkley<float>, River's defaults
//   nerve_ddm_block           ddm<float> on a 0/1 error stream
//   nerve_adwin_sample / nerve_page_hinkley_sample   one sample (ADWIN: a sample without a test)
// The detectors live in .bss so arm-none-eabi-size shows their RAM; sizeof is printed.
// Input: noise (sum of 4 uniforms) whose mean steps by 1.5 every 2048 samples; the detectors
// are warmed up over 6144 samples first, so ADWIN's window holds a few thousand samples.
#include <array>
#include <cstdint>
#include <cstdio>

#include "mcu_noise.hpp"
#include "nerve/drift/adwin.hpp"
#include "nerve/drift/ddm.hpp"
#include "nerve/drift/page_hinkley.hpp"

namespace nd = nerve::drift;

namespace {
constexpr unsigned kBlock = 256;
nd::adwin<float, 5, 16> g_adwin;
nd::adwin<float, 5, 16> g_adwin1{[] {
    nd::adwin_options o;
    o.clock = 1;
    return o;
}()};
nd::page_hinkley<float> g_ph;
nd::ddm<float> g_ddm;
nerve_mcu_bench::lcg g_noise{12345};
unsigned g_t = 0;
std::uint32_t g_fired = 0;

float next_sample() {
    float s = 0;
    for (int k = 0; k < 4; ++k) {
        s += g_noise.unit();
    }
    const bool high = (g_t++ / 2048) % 2 == 1;
    return (s - 2.0f) * 1.7320508f + (high ? 1.5f : 0.0f);
}
std::array<float, kBlock> g_in, g_bits;
void fill() {
    for (unsigned i = 0; i < kBlock; ++i) {
        g_in[i] = next_sample();
        g_bits[i] = g_in[i] > 1.2f ? 1.0f : 0.0f;
    }
}
}  // namespace

extern "C" __attribute__((noinline)) void nerve_adwin_block(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_fired += g_adwin(x[i]) == nd::drift_signal::drift;
}
extern "C" __attribute__((noinline)) void nerve_adwin_clock1_block(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_fired += g_adwin1(x[i]) == nd::drift_signal::drift;
}
extern "C" __attribute__((noinline)) void nerve_page_hinkley_block(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_fired += g_ph(x[i]) == nd::drift_signal::drift;
}
extern "C" __attribute__((noinline)) void nerve_ddm_block(const float* x, unsigned n) {
    for (unsigned i = 0; i < n; ++i) g_fired += g_ddm(x[i]) == nd::drift_signal::drift;
}
extern "C" __attribute__((noinline)) unsigned nerve_adwin_sample(float x) {
    return static_cast<unsigned>(g_adwin(x));
}
extern "C" __attribute__((noinline)) unsigned nerve_page_hinkley_sample(float x) {
    return static_cast<unsigned>(g_ph(x));
}

int main() {
    for (unsigned b = 0; b < 6144 / kBlock; ++b) {  // warm-up
        fill();
        for (unsigned i = 0; i < kBlock; ++i) {
            g_adwin(g_in[i]);
            g_adwin1(g_in[i]);
            g_ph(g_in[i]);
            g_ddm(g_bits[i]);
        }
    }
    for (unsigned r = 0; r < 4; ++r) {
        fill();
        nerve_adwin_block(g_in.data(), kBlock);
        nerve_adwin_clock1_block(g_in.data(), kBlock);
        nerve_page_hinkley_block(g_in.data(), kBlock);
        nerve_ddm_block(g_bits.data(), kBlock);
    }
    unsigned acc = 0;
    for (unsigned i = 0; i < 8; ++i) {
        const float x = next_sample();
        acc += nerve_adwin_sample(x) + nerve_page_hinkley_sample(x);
    }
    std::printf("drift: sizeof adwin<float,5,16> = %u, page_hinkley<float> = %u, ddm<float> = %u bytes; "
                "adwin window %u samples, %u buckets; fired %u, %u\n",
                static_cast<unsigned>(sizeof(g_adwin)), static_cast<unsigned>(sizeof(g_ph)),
                static_cast<unsigned>(sizeof(g_ddm)), static_cast<unsigned>(g_adwin.window_length()),
                static_cast<unsigned>(g_adwin.buckets()), static_cast<unsigned>(g_fired), acc);
    return 0;
}
