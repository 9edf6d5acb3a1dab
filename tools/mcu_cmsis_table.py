#!/usr/bin/python3
"""CMSIS-DSP's filter kernels on the Cortex-M4, counted the way nerve's are.

    tools/mcu_cmsis_table.py --cmsis-dir PATH [--core-dir PATH] [--out DIR] [--runs K]

CMSIS-DSP is not part of nerve and none of its code is in this repository: point --cmsis-dir
at a CMSIS-DSP checkout (the folder holding Include/ and Source/FilteringFunctions/) and
--core-dir at the folder holding CMSIS Core's cmsis_compiler.h (CMSIS_5 CMSIS/Core/Include or
CMSIS_6 CMSIS/Core/Include; searched for under --cmsis-dir and beside it when not given).
The script compiles the kernels it finds with the flags the issue used (arm-none-eabi-gcc,
-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard -O2 -DARM_MATH_LOOPUNROLL), links
them with the driver bench/mcu_cmsis/cmsis_filters.cpp and nerve's start-up code and linker
script (cmake/mcu/), runs the program once untraced with `check` (every output against a
double reference of the same quantised job; printed), then counts each kernel with
tools/mcu_icount.py (qemu -singlestep, cycles from tools/mcu_cycles.py) and prints a markdown
table: instructions and modelled cycles per sample (per call / 256), the bytes of code the call
executed (flash) and the kernel's RAM (instance structure + state + coefficients).
The jobs are those of bench/mcu/{biquad4_*,fir64_*,filter_blocks}.cpp: block 256, 4 biquad
sections, 64 taps, decimation by 8 and interpolation by 4 with 48 taps (per input sample).
"""
import argparse
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FLAGS = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard", "-O2", "-DARM_MATH_LOOPUNROLL",
         "-ffunction-sections", "-fdata-sections"]
BLOCK = 256

# (source stem = symbol, driver macro, job, RAM bytes: instance + state + coefficients)
KERNELS = [
    ("arm_biquad_cascade_df2T_f32", "BIQUAD_DF2T_F32", "biquad 4 sections, f32", 12 + 4 * 2 * 4 + 4 * 5 * 4),
    ("arm_biquad_cascade_df1_q15", "BIQUAD_DF1_Q15", "biquad 4 sections, q15", 12 + 2 * 4 * 4 + 2 * 6 * 4),
    ("arm_biquad_cascade_df1_fast_q15", "BIQUAD_DF1_FAST_Q15", "biquad 4 sections, q15 (fast)",
     12 + 2 * 4 * 4 + 2 * 6 * 4),
    ("arm_biquad_cascade_df1_q31", "BIQUAD_DF1_Q31", "biquad 4 sections, q31", 16 + 4 * 4 * 4 + 4 * 5 * 4),
    ("arm_biquad_cascade_df1_fast_q31", "BIQUAD_DF1_FAST_Q31", "biquad 4 sections, q31 (fast)",
     16 + 4 * 4 * 4 + 4 * 5 * 4),
    ("arm_fir_f32", "FIR_F32", "FIR 64 taps, f32", 12 + 4 * (64 + BLOCK - 1) + 4 * 64),
    ("arm_fir_q15", "FIR_Q15", "FIR 64 taps, q15", 12 + 2 * (64 + BLOCK - 1) + 2 * 64),
    ("arm_fir_fast_q15", "FIR_FAST_Q15", "FIR 64 taps, q15 (fast)", 12 + 2 * (64 + BLOCK - 1) + 2 * 64),
    ("arm_fir_decimate_f32", "FIR_DECIMATE_F32", "decimator /8, 64 taps, f32 (per input)",
     12 + 4 * (64 + BLOCK - 1) + 4 * 64),
    ("arm_fir_decimate_q15", "FIR_DECIMATE_Q15", "decimator /8, 64 taps, q15 (per input)",
     12 + 2 * (64 + BLOCK - 1) + 2 * 64),
    ("arm_fir_decimate_q31", "FIR_DECIMATE_Q31", "decimator /8, 64 taps, q31 (per input)",
     12 + 4 * (64 + BLOCK - 1) + 4 * 64),
    ("arm_fir_interpolate_q15", "FIR_INTERPOLATE_Q15", "interpolator x4, 48 taps, q15 (per input, 4 outputs)",
     12 + 2 * (12 + BLOCK - 1) + 2 * 48),
    ("arm_fir_interpolate_q31", "FIR_INTERPOLATE_Q31", "interpolator x4, 48 taps, q31 (per input, 4 outputs)",
     12 + 4 * (12 + BLOCK - 1) + 4 * 48),
    ("arm_fir_interpolate_f32", "FIR_INTERPOLATE_F32", "interpolator x4, 48 taps, f32 (per input, 4 outputs)",
     12 + 4 * (12 + BLOCK - 1) + 4 * 48),
    ("arm_fir_q31", "FIR_Q31", "FIR 64 taps, q31", 12 + 4 * (64 + BLOCK - 1) + 4 * 64),
    ("arm_fir_fast_q31", "FIR_FAST_Q31", "FIR 64 taps, q31 (fast)", 12 + 4 * (64 + BLOCK - 1) + 4 * 64),
]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"mcu_cmsis_table: failed: {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def find_core(cmsis_dir, given):
    if given:
        if not os.path.exists(os.path.join(given, "cmsis_compiler.h")):
            sys.exit(f"mcu_cmsis_table: no cmsis_compiler.h in {given}")
        return given
    for base in (cmsis_dir, os.path.dirname(os.path.abspath(cmsis_dir))):
        hits = glob.glob(os.path.join(base, "**", "cmsis_compiler.h"), recursive=True)
        if hits:
            return os.path.dirname(sorted(hits, key=len)[0])
    sys.exit("mcu_cmsis_table: CMSIS Core's cmsis_compiler.h not found; give --core-dir")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cmsis-dir", required=True, help="CMSIS-DSP checkout (Include/, Source/)")
    ap.add_argument("--core-dir", help="folder holding CMSIS Core's cmsis_compiler.h")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "cmsis-m4"), help="build folder")
    ap.add_argument("--runs", type=int, default=2, help="calls counted per kernel (median)")
    o = ap.parse_args()

    src_dir = os.path.join(o.cmsis_dir, "Source", "FilteringFunctions")
    inc = ["-I" + os.path.join(o.cmsis_dir, "Include"), "-I" + find_core(o.cmsis_dir, o.core_dir)]
    if os.path.isdir(os.path.join(o.cmsis_dir, "PrivateInclude")):
        inc.append("-I" + os.path.join(o.cmsis_dir, "PrivateInclude"))
    os.makedirs(o.out, exist_ok=True)

    present = [k for k in KERNELS if os.path.exists(os.path.join(src_dir, k[0] + ".c"))]
    missing = [k[0] for k in KERNELS if k not in present]
    if not present:
        sys.exit(f"mcu_cmsis_table: no counted kernel source in {src_dir}")
    objs = []
    for name, *_ in present:
        obj = os.path.join(o.out, name + ".o")
        run(["arm-none-eabi-gcc", *FLAGS, *inc, "-c", os.path.join(src_dir, name + ".c"), "-o", obj])
        objs.append(obj)
    defs = [f"-DNERVE_CMSIS_HAS_{k[1]}=1" for k in present]
    cxx = ["arm-none-eabi-g++", *FLAGS, "-std=c++20", "-fno-exceptions", "-fno-rtti", "-Wno-psabi",
           "-I" + os.path.join(ROOT, "include"), *inc]
    for src, obj in ((os.path.join(ROOT, "bench", "mcu_cmsis", "cmsis_filters.cpp"), "cmsis_filters.o"),
                     (os.path.join(ROOT, "cmake", "mcu", "startup.cpp"), "startup.o")):
        run([*cxx, *defs, "-c", src, "-o", os.path.join(o.out, obj)])
        objs.append(os.path.join(o.out, obj))
    elf = os.path.join(o.out, "mcu_cmsis_filters.elf")
    run(["arm-none-eabi-g++", *FLAGS, "-nostartfiles", "-Wl,--gc-sections", "--specs=nano.specs",
         "--specs=rdimon.specs", "-T" + os.path.join(ROOT, "cmake", "mcu", "mps2_an386.ld"),
         "-Wl,--no-warn-rwx-segments", *objs, "-lm", "-o", elf])

    check = subprocess.run([os.path.join(ROOT, "cmake", "qemu-cortex-m4.sh"), elf, "check"], capture_output=True,
                           text=True)
    errors = dict(re.findall(r"check (\w+): max \|error\| (.+)", check.stdout))
    if check.returncode != 0:
        print(check.stdout + check.stderr, file=sys.stderr)
        print("mcu_cmsis_table: the output check failed (see above); counting anyway", file=sys.stderr)

    print("| job | CMSIS-DSP kernel | instr./sample | cycles/sample (model) | flash (code run) | RAM | max error vs double |")
    print("|---|---|---|---|---|---|---|")
    for name, _, job, ram in present:
        out = subprocess.run([sys.executable, os.path.join(HERE, "mcu_icount.py"), elf, name, "--runs", str(o.runs),
                              "--profile", "1"], capture_output=True, text=True).stdout
        m_i = re.search(r": ([\d.]+) instructions per call", out)
        m_c = re.search(r": ([\d.]+) cycles per call", out)
        m_f = re.search(r"code executed by call 1: (\d+) bytes", out)
        if not (m_i and m_c):
            print(f"| {job} | {name} | (count failed) | | | | |")
            continue
        print(f"| {job} | {name} | {float(m_i.group(1)) / BLOCK:.1f} | {float(m_c.group(1)) / BLOCK:.1f} | "
              f"{m_f.group(1) if m_f else '?'} B | {ram} B | {errors.get(name, '-')} |")
    if missing:
        print(f"\nnot in {src_dir}: " + ", ".join(missing))
    return 0 if check.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
