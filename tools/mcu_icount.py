#!/usr/bin/python3
"""Instructions executed per call of a function in a Cortex-M4 program, under qemu.

    tools/mcu_icount.py <elf> <symbol> [--runs K] [--keep-log PATH] [-- program args...]

Runs the program (built by the cortex-m4 preset, e.g. build/cortex-m4/bench/mcu_<name>.elf) on
qemu-system-arm -M mps2-an386 with `-singlestep -d exec,nochain`, so qemu logs every executed
instruction, then counts, for each call of <symbol>, the instructions from its first instruction
to its return, callees included: from the trace entry at the symbol's address (found with
arm-none-eabi-nm) up to the entry at the caller's return address (the instruction after the
call: the call site is the entry just before the symbol's, a 4-byte BL or 2-byte BLX).

Put the kernel in an `extern "C" __attribute__((noinline))` function and call it from main
through an ordinary call (not a tail call). Counts are instructions issued (IT-skipped ones
included), not cycles; the Cortex-M4 averages a little above one cycle per instruction for
integer/FPU code without wait states, more with flash wait states on real parts.

Prints one line per measured call, then a summary line:
    <symbol>: <median> instructions per call (median of K calls; min .., max ..)
The exit code is non-zero if the program failed or the symbol was never called and returned.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

TRACE_RE = re.compile(rb"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def find_tool(name, env_var):
    path = os.environ.get(env_var) or shutil.which(name)
    if not path:
        sys.exit(f"mcu_icount: {name} not found (set {env_var})")
    return path


def symbol_address(nm, elf, symbol):
    out = subprocess.run([nm, "-S", "--defined-only", elf], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == symbol and parts[2] in "TtWw":
            return int(parts[0], 16) & ~1, int(parts[1], 16)
        if len(parts) == 3 and parts[2] == symbol and parts[1] in "TtWw":
            return int(parts[0], 16) & ~1, 0
    sys.exit(f"mcu_icount: symbol '{symbol}' not found in {elf} "
             "(is it extern \"C\" and not removed by --gc-sections?)")


def run_qemu(qemu, elf, log, prog_args, timeout):
    semi = ",".join(["enable=on", "target=native", f"arg={os.path.basename(elf)}"] + [f"arg={a}" for a in prog_args])
    cmd = [qemu, "-M", "mps2-an386", "-cpu", "cortex-m4", "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", semi, "-kernel", elf, "-singlestep", "-d", "exec,nochain", "-D", log]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"mcu_icount: the program did not finish within {timeout} s")
    return proc


def count_calls(log, entry, runs):
    """Instruction counts of the first `runs` calls that start at `entry`."""
    counts = []
    prev_pc = None
    in_call = False
    returns = ()
    count = 0
    with open(log, "rb") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if in_call:
                if pc in returns:
                    counts.append(count)
                    in_call = False
                    if len(counts) >= runs:
                        break
                else:
                    count += 1
            if not in_call and pc == entry and prev_pc is not None:
                in_call = True
                count = 1
                returns = (prev_pc + 4, prev_pc + 2)
            prev_pc = pc
    return counts, in_call


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("elf")
    ap.add_argument("symbol")
    ap.add_argument("--runs", type=int, default=100, help="measure at most this many calls (default 100)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before the run is abandoned")
    ap.add_argument("--keep-log", metavar="PATH", help="keep qemu's instruction trace here")
    ap.add_argument("args", nargs="*", help="arguments for the program (after --)")
    opts = ap.parse_args()

    prefix = os.environ.get("NERVE_ARM_PREFIX", "arm-none-eabi-")
    nm = find_tool(prefix + "nm", "NERVE_ARM_NM")
    qemu = find_tool("qemu-system-arm", "NERVE_QEMU_SYSTEM_ARM")
    entry, size = symbol_address(nm, opts.elf, opts.symbol)

    tmpdir = tempfile.mkdtemp(prefix="nerve-icount-")
    log = opts.keep_log or os.path.join(tmpdir, "trace.log")
    try:
        proc = run_qemu(qemu, opts.elf, log, opts.args, opts.timeout)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            print(f"mcu_icount: the program exited with {proc.returncode}", file=sys.stderr)
        counts, unfinished = count_calls(log, entry, max(1, opts.runs))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    if unfinished:
        print(f"mcu_icount: a call of {opts.symbol} did not return to its call site "
              "(tail call or program end?); it is not counted", file=sys.stderr)
    if not counts:
        sys.exit(f"mcu_icount: no complete call of {opts.symbol} at 0x{entry:08x} found")
    for i, c in enumerate(counts):
        print(f"call {i + 1}: {c} instructions")
    median = statistics.median(counts)
    median_text = f"{median:.0f}" if float(median).is_integer() else f"{median:.1f}"
    print(f"{opts.symbol}: {median_text} instructions per call (median of {len(counts)} calls; "
          f"min {min(counts)}, max {max(counts)}; function body {size} bytes at 0x{entry:08x})")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
