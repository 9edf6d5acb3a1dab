// bench/mcu/rfft1024_f32.cpp — one 1024-point real float FFT on the Cortex-M4 (scalar path).
//
// Instructions per call: tools/mcu_icount.py <elf> nerve_rfft1024_f32
// Flash for the FFT (code + its constexpr tables): arm-none-eabi-nm -S --size-sort -C <elf>
// (the kernel's functions and the scalar_twiddles<float, 512> / real_twiddles<float, 1024>
// tables); RAM: sizeof(real_fft<float, 1024>) (the ping-pong scratch), printed below.
#include <array>
#include <cmath>
#include <complex>
#include <cstdio>

#include "nerve/spectral/real_fft.hpp"

namespace {
nerve::spectral::real_fft<float, 1024> g_fft;
std::array<float, 1024> g_in;
std::array<std::complex<float>, 513> g_out;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_rfft1024_f32(void) { g_fft.forward(g_in, g_out); }

int main() {
    for (std::size_t i = 0; i < g_in.size(); ++i)
        g_in[i] = 0.5f * std::cos(2.0f * 3.14159265f * 37.0f * static_cast<float>(i) / 1024.0f) + 0.25f;
    nerve_rfft1024_f32();
    // DC = 0.25 * 1024 = 256, bin 37 = 0.5 * 512 = 256, everything else ~0.
    const bool ok = std::abs(g_out[0].real() - 256.0f) < 1e-2f && std::abs(std::abs(g_out[37]) - 256.0f) < 1e-2f &&
                    std::abs(g_out[100]) < 1e-2f;
    std::printf("rfft1024_f32: X[0]=%d X[37]=%d sizeof(real_fft<float,1024>)=%u bytes: %s\n",
                static_cast<int>(g_out[0].real()), static_cast<int>(std::abs(g_out[37])),
                static_cast<unsigned>(sizeof(g_fft)), ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
