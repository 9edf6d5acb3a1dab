#!/usr/bin/python3
"""The Cortex-M4 filter table: instructions and modelled cycles per sample, flash and RAM.

    tools/mcu_filter_table.py [BUILD_DIR]      (default build/cortex-m4)

Runs tools/mcu_icount.py (qemu -singlestep trace, cycles from tools/mcu_cycles.py) on the
block kernels of bench/mcu/*.cpp and prints a markdown table. Per sample = per call / 256
(the programs' block), per transform for the FFTs, per input for the polyphase pushes. Flash =
bytes of the functions the call executed (nm -S; the kernel and its out-of-line helpers); RAM =
the operator object's size (nm -S of its static object). CMSIS-DSP 1.17.1 columns: f32/q15
figures are the issue's (same compiler, flags, block and counting method); the q31 ones and
the f32 interpolator's (arm_fir_interpolate_f32, from CMSIS-DSP's V1.9.0 source of that file,
stop 44) were counted here with tools/mcu_cmsis_table.py on CMSIS-DSP sources (its f32 df2T biquad count
reproduces the issue's 29.9 exactly); run that script on a CMSIS-DSP checkout for the CMSIS rows
with modelled cycles, flash and RAM.
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# (label, program, symbol, divisor, RAM object symbol, CMSIS instructions[, CMSIS modelled cycles])
# CMSIS cycles: tools/mcu_cmsis_table.py. * = that script's instruction count of the q15 kernel
# differs from the (the f32 and q31 kernels are plain C and reproduce; the q15 ones go
# through CMSIS Core's SIMD intrinsics: CMSIS 5's cmsis_gcc.h wraps SMLALD in inline asm,
# CMSIS 6's maps __SMLALD to ACLE's __smlald, whose 64-bit accumulator GCC 12 copies between
# register pairs: arm_fir_q15 97.0 -> 113.7, df1_q15 52.6 -> 64.5 with the CMSIS 6 form; the
# _fast_ kernels use 32-bit SMLAD only and reproduce: 40.5 exactly, FIR 89.0 against 91.5).
# The rebuilt (lower) counts are the CMSIS rows' cycles, so nerve is compared with the faster.
ROWS = [
    ("biquad, 4 sections, f32", "biquad4_f32", "nerve_biquad4_f32_block", 256, "g_f", "29.9 (df2T)", "67.0"),
    ("biquad, 4 sections, q15", "biquad4_q15", "nerve_biquad4_q15_block", 256, "g_f",
     "74.7 (df1; rebuilt 52.6*; fast 40.5)", "60.9 (fast 48.7)"),
    ("biquad, 4 sections, q31", "biquad4_q31", "nerve_biquad4_q31_block", 256, "g_f", "54.8 (df1; fast 110.8)", "71.4"),
    ("FIR, 64 taps, f32 (symmetric taps: folded)", "fir64_f32", "nerve_fir64_f32_block", 256, "g_fir", "91.8", "230.6"),
    ("FIR, 64 taps, f32, fold off (fir_symmetry::none)", "fir64_f32_unfolded", "nerve_fir64_f32_unfolded_block", 256,
     "g_fir", "91.8", "230.6"),
    ("FIR, 64 taps, q15", "fir64_q15", "nerve_fir64_q15_block", 256, "g_fir", "118.0 (rebuilt 97.0*; fast 89.0)",
     "128.9 (fast 116.1)"),
    ("FIR, 64 taps, q31", "fir64_q31", "nerve_fir64_q31_block", 256, "g_fir", "156.7 (fast 322.8)", "212.6"),
    ("decimator 8, 64 taps, f32 (per input)", "filter_blocks", "nerve_decimate8_fir64_block", 256, "g_dec", "27.9",
     "50.6"),
    ("decimator 8, 64 taps, q15 (per input)", "filter_blocks", "nerve_decimate8_fir64_q15_block", 256, "g_dec15",
     "22.4", "30.4"),
    ("decimator 8, 64 taps, q31 (per input)", "filter_blocks", "nerve_decimate8_fir64_q31_block", 256, "g_dec31",
     "43.7", "57.9"),
    ("moving RMS 64 (envelope), f32", "filter_blocks", "nerve_moving_rms64_block", 256, "g_rms", "-"),
    ("moving RMS 64, q15 (exact int64 sum, integer root)", "filter_blocks", "nerve_moving_rms64_q15_block", 256, "g_rms15",
     "-"),
    ("moving RMS 64, q31 (squares shifted by 8 bits, integer root)", "filter_blocks", "nerve_moving_rms64_q31_block", 256,
     "g_rms31", "-"),
    ("moving min/max 64, f32", "filter_blocks", "nerve_moving_minmax64_block", 256, "g_minmax", "-"),
    ("moving average 64, f32", "filter_blocks", "nerve_moving_average64_block", 256, "g_avg", "-"),
    ("DC blocker, f32", "filter_blocks", "nerve_dc_blocker_block", 256, "g_dc", "-"),
    ("EWMA, f32", "filter_blocks", "nerve_ewma_block", 256, "g_ewma", "-"),
    ("interpolator x4, 48 taps, q15 (per input, push)", "interp_fixed", "nerve_interp_q15_48_4", 1, "g_i15",
     "199.7 (block)", "278.7"),
    ("interpolator x4, 48 taps, q15 (per input, process() of 256)", "interp_fixed", "nerve_interp_q15_48_4_block",
     256, "g_i15b", "199.7 (block)", "278.7"),
    ("interpolator x4, 48 taps, q31 (per input, push)", "interp_fixed", "nerve_interp_q31_48_4", 1, "g_i31",
     "204.7 (block; taps < 1 only, truncated)", "267.7"),
    ("interpolator x4, 48 taps, q31 (per input, process() of 256)", "interp_fixed", "nerve_interp_q31_48_4_block",
     256, "g_i31b", "204.7 (block; taps < 1 only, truncated)", "267.7"),
    ("interpolator x4, 48 taps, f32 (per input, push)", "fir64_family", "nerve_fir_interpolator_48_4", 1,
     "g_interpolator", "129.9 (block)", "253.9"),
    ("interpolator x4, 48 taps, f32 (per input, process() of 256)", "fir64_family",
     "nerve_fir_interpolator_48_4_block", 256, "g_interpolator_block", "129.9 (block)", "253.9"),
    ("resampler 3/2, 61 taps, f32 (per input, push)", "fir64_family", "nerve_resampler_3_2", 1, "g_resampler", "-"),
    ("resampler 3/2, 61 taps, f32 (per input, process() of 256)", "fir64_family", "nerve_resampler_3_2_block", 256,
     "g_resampler_block", "-"),
    ("resampler 3/2, 61 taps, q15 (per input, push)", "interp_fixed", "nerve_resample_q15_3_2", 1, "g_r15", "-"),
    ("resampler 3/2, 61 taps, q31 (per input, push)", "interp_fixed", "nerve_resample_q31_3_2", 1, "g_r31", "-"),
    ("envelope spectrum 1024 (Hilbert + rfft stage), f32, per sample", "envelope_1024", "nerve_envelope_1024", 1024,
     "g_env", "-"),
    ("real FFT 1024, f32 (per transform)", "rfft1024_f32", "nerve_rfft1024_f32", 1, "g_fft", "44,683", ""),
    ("real FFT 1024, q15 (per transform)", "rfft1024_q15", "nerve_rfft1024_q15", 1, "g_fft", "44,537", ""),
]


def object_size(elf, name):
    out = subprocess.run(["arm-none-eabi-nm", "-S", "-C", elf], capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "bBdD" and re.search(r"(^|::)" + re.escape(name) + r"$", parts[3]):
            return int(parts[1], 16)
    return None


def first_kernel(elf):
    out = subprocess.run(["arm-none-eabi-nm", "--defined-only", elf], capture_output=True, text=True).stdout
    names = [l.split()[-1] for l in out.splitlines() if re.search(r" [Tt] nerve_\w+$", l)]
    return names[0] if names else None


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build/cortex-m4"
    print("| job | CMSIS-DSP instr. | CMSIS-DSP cycles (model) | nerve instr. | nerve cycles (model) | flash (code run) | "
          "RAM (object) |")
    print("|---|---|---|---|---|---|---|")
    for label, prog, sym, div, obj, cmsis, *rest in ROWS:
        cmsis = f"{cmsis} | {rest[0] if rest and rest[0] else '-'}"
        elf = os.path.join(build, "bench", f"mcu_{prog}.elf")
        if not os.path.exists(elf):
            print(f"| {label} | {cmsis} | (no {elf}) | | | |")
            continue
        sym = sym or first_kernel(elf)
        out = subprocess.run([sys.executable, os.path.join(HERE, "mcu_icount.py"), elf, sym, "--runs", "2",
                              "--profile", "1"], capture_output=True, text=True).stdout
        m_i = re.search(r": ([\d.]+) instructions per call", out)
        m_c = re.search(r": ([\d.]+) cycles per call", out)
        m_f = re.search(r"code executed by call 1: (\d+) bytes", out)
        if not (m_i and m_c):
            print(f"| {label} | {cmsis} | (failed: {sym}) | | | |")
            continue
        ins, cyc = float(m_i.group(1)) / div, float(m_c.group(1)) / div
        ram = object_size(elf, obj) if obj else None
        fmt = (lambda v: f"{v:,.0f}") if div == 1 and ins > 1000 else (lambda v: f"{v:.1f}")
        print(f"| {label} | {cmsis} | {fmt(ins)} | {fmt(cyc)} | {m_f.group(1) if m_f else '?'} B | "
              f"{str(ram) + ' B' if ram is not None else '-'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
