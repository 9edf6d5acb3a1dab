// bench/mcu/vibration_severity.cpp — Cortex-M4 cost of acceleration to velocity and of the vibration
// severity reading, over a block of kBlock samples (divide the count by kBlock), 10-1000 Hz at 25.6 kHz:
//   nerve_vibration_integrator_block  filter::vibration_integrator<float>::process (two state-
//                                     variable sections, the gain scaled to mm/s)
//   nerve_velocity_sos_block          the same transfer function as biquad_cascade<float, 2> of
//                                     velocity_from_acceleration (the M4 section kernel), for
//                                     comparison: fewer instructions, far less float precision
//   nerve_vibration_severity_block    stats::vibration_severity<float>::add (the integrator, the
//                                     mean square and peak in pieces of 64), past its settling time
// Objects live in .bss so `arm-none-eabi-nm -S` gives each one's RAM and each kernel's flash.
#include <array>
#include <cstdio>
#include <span>

#include "mcu_noise.hpp"
#include "nerve/filter/biquad.hpp"
#include "nerve/filter/vibration_integrator.hpp"
#include "nerve/stats/vibration_severity.hpp"

namespace nf = nerve::filter;

namespace {
constexpr unsigned kBlock = 256;
constexpr double fs = 25600.0;
nf::vibration_integrator<float> g_int{nerve::hertz{10.0}, nerve::hertz{1000.0}, nerve::sample_rate{fs}, 9806.65};
nf::biquad_cascade<float, 2> g_sos{nf::velocity_from_acceleration(nerve::hertz{10.0}, nerve::hertz{1000.0},
                                                                  nerve::sample_rate{fs})};
nerve::stats::vibration_severity<float> g_sev{[] {
    nerve::stats::vibration_severity_config c;
    c.fs_hz = fs;
    c.window_s = 0;
    c.settle_s = 0;   // every measured sample is summed
    return c;
}()};
std::array<float, kBlock> g_in, g_out;
}  // namespace

extern "C" __attribute__((noinline)) void nerve_vibration_integrator_block(const float* in, float* out, unsigned n) {
    g_int.process(std::span<const float>(in, n), std::span<float>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_velocity_sos_block(const float* in, float* out, unsigned n) {
    g_sos.process(std::span<const float>(in, n), std::span<float>(out, n));
}
extern "C" __attribute__((noinline)) void nerve_vibration_severity_block(const float* in, unsigned n) {
    g_sev.add(std::span<const float>(in, n));
}

int main() {
    nerve_mcu_bench::lcg noise{1};
    for (auto& v : g_in) v = noise.symmetric();
    float acc = 0;
    for (int r = 0; r < 3; ++r) {
        nerve_vibration_integrator_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
        nerve_velocity_sos_block(g_in.data(), g_out.data(), kBlock);
        acc += g_out[kBlock - 1];
        nerve_vibration_severity_block(g_in.data(), kBlock);
    }
    const auto r = g_sev.take();
    std::printf("vibration_severity: sizeof integrator %u, sos cascade %u, severity %u; %u samples, %d um/s rms; "
                "checksum %d\n",
                unsigned(sizeof g_int), unsigned(sizeof g_sos), unsigned(sizeof g_sev), unsigned(r.samples),
                static_cast<int>(r.velocity_rms * 1000), static_cast<int>(acc * 1000));
    return r.samples == 3 * kBlock && r.velocity_rms > 0 ? 0 : 1;
}
