// bench/mcu/rfft1024_q15.cpp — one 1024-point real q15 FFT on the Cortex-M4 (output rfft/N).
//
// Instructions per call: tools/mcu_icount.py <elf> nerve_rfft1024_q15
// Flash for the FFT (code + q15 tables): arm-none-eabi-nm -S --size-sort -C <elf>;
// RAM: sizeof(real_fft<q15, 1024>), printed below.
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "nerve/spectral/fft_fixed.hpp"

namespace {
nerve::spectral::real_fft<nerve::q15, 1024> g_fft;
std::array<nerve::q15, 1024> g_in;
std::array<nerve::spectral::cq15, 513> g_out;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_rfft1024_q15(void) { g_fft.forward(g_in, g_out); }

int main() {
    for (std::size_t i = 0; i < g_in.size(); ++i)
        g_in[i] = nerve::q15::from_float(0.5 * std::cos(2.0 * 3.14159265358979 * 37.0 * static_cast<double>(i) / 1024.0) + 0.25);
    nerve_rfft1024_q15();
    // rfft / N: DC = 0.25, bin 37 = 0.25 (raw 8192 each).
    const int dc = g_out[0].re.raw;
    const int b37 = g_out[37].re.raw;
    const bool ok = std::abs(dc - 8192) <= 8 && std::abs(b37 - 8192) <= 8 && std::abs(g_out[100].re.raw) <= 8;
    std::printf("rfft1024_q15: X[0]=%d X[37]=%d (raw, expect 8192) sizeof(real_fft<q15,1024>)=%u bytes: %s\n", dc, b37,
                static_cast<unsigned>(sizeof(g_fft)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
