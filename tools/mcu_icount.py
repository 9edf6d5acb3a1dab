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
and beside it a cycle estimate from tools/mcu_cycles.py (each executed instruction weighted
with its Cortex-M4 TRM cycle count, zero wait states; the assumptions are listed there):
    <symbol>: <median> cycles per call (Cortex-M4 model: ...)
--profile N also prints the N costliest instruction addresses of the first call (--profile-call K: of call K).
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


def functions_executed(nm, elf, pcs):
    """[(name, size)] of the functions (nm -S) containing any of the addresses, largest first."""
    out = subprocess.run([nm, "-S", "-C", "--defined-only", elf], check=True, capture_output=True, text=True).stdout
    ranges = []
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in "TtWw":
            start = int(parts[0], 16) & ~1
            ranges.append((start, start + int(parts[1], 16), parts[3]))
    hit = {}
    for pc in pcs:
        for a, b, name in ranges:
            if a <= pc < b:
                hit[name] = b - a
                break
    return sorted(hit.items(), key=lambda kv: -kv[1])


def run_qemu(qemu, elf, log, prog_args, timeout):
    semi = ",".join(["enable=on", "target=native", f"arg={os.path.basename(elf)}"] + [f"arg={a}" for a in prog_args])
    cmd = [qemu, "-M", "mps2-an386", "-cpu", "cortex-m4", "-nographic", "-monitor", "none", "-serial", "none",
           "-semihosting-config", semi, "-kernel", elf, "-singlestep", "-d", "exec,nochain", "-D", log]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.exit(f"mcu_icount: the program did not finish within {timeout} s")
    return proc


def count_calls(log, entry, runs, model=None, profile_call=0):
    """Instruction counts (and modelled cycles) of the first `runs` calls that start at `entry`.

    Returns (counts, cycles, unfinished, profile); profile maps address -> [executions,
    cycles] over call number `profile_call` (0: the first). A call's instruction is costed once the next traced address
    is known (taken or not taken branch)."""
    counts, cycles = [], []
    profile = {}
    prev_pc = None
    in_call = False
    returns = ()
    count = 0
    cyc = 0
    pending = None  # address of the last counted instruction, costed when the next one arrives
    prev_ls = False

    def charge(pc, next_pc):
        nonlocal cyc, prev_ls
        if model is None:
            return
        c, prev_ls = model.cost(pc, next_pc, prev_ls)
        cyc += c
        if len(counts) == profile_call:
            e = profile.setdefault(pc, [0, 0])
            e[0] += 1
            e[1] += c

    with open(log, "rb") as f:
        for line in f:
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if in_call:
                charge(pending, pc)
                if pc in returns:
                    counts.append(count)
                    cycles.append(cyc)
                    in_call = False
                    if len(counts) >= runs:
                        break
                else:
                    count += 1
                    pending = pc
            if not in_call and pc == entry and prev_pc is not None:
                in_call = True
                count = 1
                cyc = 0
                prev_ls = False
                pending = pc
                returns = (prev_pc + 4, prev_pc + 2)
            prev_pc = pc
    return counts, cycles, in_call, profile


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("elf")
    ap.add_argument("symbol")
    ap.add_argument("--runs", type=int, default=100, help="measure at most this many calls (default 100)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds before the run is abandoned")
    ap.add_argument("--keep-log", metavar="PATH", help="keep qemu's instruction trace here")
    ap.add_argument("--refill", type=int, default=2, help="cycle model: pipeline refill P of a taken branch (1-3)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="print the N costliest addresses (modelled cycles) of the first call")
    ap.add_argument("--profile-call", type=int, default=1, metavar="K",
                    help="profile call K instead of the first (a call that does the work, e.g. completes a segment)")
    ap.add_argument("--no-cycles", action="store_true", help="count instructions only")
    ap.add_argument("args", nargs="*", help="arguments for the program (after --)")
    opts = ap.parse_args(argv)

    prefix = os.environ.get("NERVE_ARM_PREFIX", "arm-none-eabi-")
    nm = find_tool(prefix + "nm", "NERVE_ARM_NM")
    qemu = find_tool("qemu-system-arm", "NERVE_QEMU_SYSTEM_ARM")
    entry, size = symbol_address(nm, opts.elf, opts.symbol)
    model = None
    if not opts.no_cycles:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import mcu_cycles
        model = mcu_cycles.Model(mcu_cycles.disassemble(opts.elf, find_tool(prefix + "objdump", "NERVE_ARM_OBJDUMP")),
                                 refill=opts.refill)

    tmpdir = tempfile.mkdtemp(prefix="nerve-icount-")
    log = opts.keep_log or os.path.join(tmpdir, "trace.log")
    try:
        proc = run_qemu(qemu, opts.elf, log, opts.args, opts.timeout)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            print(f"mcu_icount: the program exited with {proc.returncode}", file=sys.stderr)
        counts, cycles, unfinished, profile = count_calls(log, entry, max(1, opts.runs, opts.profile_call), model,
                                                         profile_call=opts.profile_call - 1)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    if unfinished:
        print(f"mcu_icount: a call of {opts.symbol} did not return to its call site "
              "(tail call or program end?); it is not counted", file=sys.stderr)
    if not counts:
        sys.exit(f"mcu_icount: no complete call of {opts.symbol} at 0x{entry:08x} found")

    def med(v):
        m = statistics.median(v)
        return f"{m:.0f}" if float(m).is_integer() else f"{m:.1f}"

    for i, c in enumerate(counts):
        print(f"call {i + 1}: {c} instructions" + (f", {cycles[i]} cycles (model)" if model else ""))
    if model and opts.profile > 0:
        print(f"costliest addresses of call {opts.profile_call} (executions, modelled cycles, instruction):")
        for pc, (n, c) in sorted(profile.items(), key=lambda kv: -kv[1][1])[:opts.profile]:
            ins = model.instrs.get(pc)
            text = f"{ins.mn} {ins.ops}" if ins else "?"
            print(f"  0x{pc:08x} {n:8d} {c:9d}  {text}")
    print(f"{opts.symbol}: {med(counts)} instructions per call (median of {len(counts)} calls; "
          f"min {min(counts)}, max {max(counts)}; function body {size} bytes at 0x{entry:08x})")
    if profile:
        funcs = functions_executed(nm, opts.elf, profile.keys())
        total = sum(sz for _, sz in funcs)
        print(f"{opts.symbol}: code executed by call 1: {total} bytes in {len(funcs)} functions (" +
              ", ".join(f"{name} {sz}" for name, sz in funcs[:6]) + (", ..." if len(funcs) > 6 else "") + ")")
    if model:
        ratio = statistics.median(cycles) / statistics.median(counts)
        print(f"{opts.symbol}: {med(cycles)} cycles per call (Cortex-M4 model: TRM issue cycles, zero wait states, "
              f"taken branch 1+{opts.refill}; {ratio:.2f} cycles per instruction; see tools/mcu_cycles.py)")
        if model.unknown:
            print("mcu_icount: cycle model charged 1 cycle to unclassified instructions: " +
                  ", ".join(f"{k} x{v}" for k, v in model.unknown.most_common(10)), file=sys.stderr)
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
