#!/usr/bin/python3
"""Instructions and modelled cycles of the aarch64 kernels in a bench/a64 program.

    tools/a64_icount.py build/aarch64/bench/a64_filters [--cpus cortex-a72[,...]]
                        [--kernels a64_fir64,...] [--profile N]

The program (built by the aarch64 preset; see bench/a64/filters.cpp) lists its kernels with `info`
(symbol, items and flops per call) and runs one kernel twice when given its symbol. For each
kernel this runs it under `qemu-aarch64 -singlestep -d exec,nochain` and counts the instructions
of each call exactly, from the symbol's first instruction to the return to its call site
(tools/mcu_icount.py count_calls). Those are exact; the cycles are a model:

- The second call's executed instructions are cut into runs: consecutive addresses executed the
  same number of times, ended after any branch. A loop body is one run (or a few).
- Each run goes to llvm-mca (LLVM's scheduling models; Debian's llvm-mca 14) for each core, which
  reports its cycles per iteration when repeated; the call's cycles are the sum over runs of
  executions x cycles per iteration. Loop-carried chains inside a run are modelled; overlap
  between runs and every memory effect (caches, misses, bandwidth) are not: all loads hit L1.
- The default core is the Cortex-A72 (Raspberry Pi 4 and many gateways), which LLVM 14 models
  with its Cortex-A57 model: one Q-form FMLA per cycle and one load per cycle, as the A72's
  optimization guide has them, but an accumulate forwarded in 4 cycles where the guide says 3
  (tests/tools/test_a64_icount.py checks these on fixed loops). Neoverse N1/N2/V1 map to the same
  A57 model in LLVM 14, which halves their FMA throughput: do not pass them. --cpus takes any core
  llvm-mca knows (cortex-a55, cortex-a53: in-order models not checked against their guides here).

The peak kernel (items 0: fma_peak/xsimd's loop, 12 independent FMA chains) is modelled the same
way, so "fraction" = the kernel's flops per modelled cycle / the peak's, the model's counterpart
of nerve_bench's GFLOP/s / fma_peak/xsimd on x86. Prints one line per kernel and core.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mcu_icount  # noqa: E402

BRANCHES = re.compile(r"^(b|bl|br|blr|ret|b\.\w+|cbz|cbnz|tbz|tbnz)$")
# An operand that is an absolute code/data address in objdump's output: "4060f0 <sym+0x10>".
ADDRESS_OPERAND = re.compile(r"\b[0-9a-f]+ <[^>]*>")
OBJDUMP_LINE = re.compile(r"^\s+([0-9a-f]+):\s+(\S+)\s*(.*?)\s*$")
DEFAULT_CPUS = "cortex-a72"


def find_llvm_mca():
    """$NERVE_LLVM_MCA, llvm-mca on PATH, or clang 14's (Debian's llvm-14, a dependency of clang)."""
    for path in (os.environ.get("NERVE_LLVM_MCA"), shutil.which("llvm-mca"), shutil.which("llvm-mca-14"),
                 "/usr/lib/llvm-14/bin/llvm-mca"):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("a64_icount: llvm-mca not found (Debian: llvm-14, which clang installs; or set NERVE_LLVM_MCA)")


class Counter:
    """A cycle 'model' for count_calls that charges 1 per instruction: its profile is then the
    executions of every address."""

    def cost(self, pc, next_pc, prev_ls):
        return 1, False


def disassemble(objdump, elf):
    """address -> (mnemonic, operands) of every instruction."""
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", elf], check=True, capture_output=True,
                         text=True).stdout
    instrs = {}
    for line in out.splitlines():
        m = OBJDUMP_LINE.match(line)
        if m:
            ops = m.group(3).split("//")[0].strip()
            instrs[int(m.group(1), 16)] = (m.group(2), ops)
    return instrs


def runs_of(profile, instrs):
    """[(executions, [addresses])]: consecutive addresses with equal executions, cut after branches."""
    runs = []
    cur, cur_n = [], None
    for pc in sorted(profile):
        n = profile[pc][0]
        mn = instrs.get(pc, ("?", ""))[0]
        if cur and (pc != cur[-1] + 4 or n != cur_n):
            runs.append((cur_n, cur))
            cur = []
        cur.append(pc)
        cur_n = n
        if BRANCHES.match(mn):
            runs.append((cur_n, cur))
            cur = []
    if cur:
        runs.append((cur_n, cur))
    return runs


def mca_text(run, instrs):
    """The run as assembly llvm-mca parses: addresses become a label at the run's start."""
    lines = [".Lrun:"]
    for pc in run:
        mn, ops = instrs.get(pc, ("nop", ""))
        ops = ADDRESS_OPERAND.sub(".Lrun", ops)
        lines.append(f"  {mn} {ops}".rstrip())
    return "\n".join(lines) + "\n"


class Mca:
    def __init__(self, exe, iterations=100):
        self.exe, self.iterations, self.cache, self.failed = exe, iterations, {}, 0

    def cycles(self, text, cpu):
        """Cycles per iteration of the block repeated, or None when llvm-mca cannot read it."""
        key = (text, cpu)
        if key not in self.cache:
            proc = subprocess.run([self.exe, "-mtriple=aarch64", f"-mcpu={cpu}", f"-iterations={self.iterations}"],
                                  input=text, capture_output=True, text=True)
            m = re.search(r"Total Cycles:\s+(\d+)", proc.stdout)
            self.cache[key] = int(m.group(1)) / self.iterations if m else None
            if not m:
                self.failed += 1
        return self.cache[key]


def model_call(profile, instrs, mca, cpu, top):
    """Modelled cycles of the profiled call; the `top` costliest runs as (cycles, executions, text)."""
    total = 0.0
    costs = []
    for n, run in runs_of(profile, instrs):
        text = mca_text(run, instrs)
        c = mca.cycles(text, cpu)
        if c is None:  # charge one cycle per instruction (never seen on these programs)
            c = float(len(run))
        total += n * c
        costs.append((n * c, n, text))
    costs.sort(key=lambda t: -t[0])
    return total, costs[:top]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("program")
    ap.add_argument("--cpus", default=DEFAULT_CPUS, help=f"llvm-mca cores (default {DEFAULT_CPUS})")
    ap.add_argument("--kernels", help="comma list of kernel symbols (default: all the program lists)")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="print each kernel's N costliest runs on the first core")
    ap.add_argument("--timeout", type=float, default=600)
    opts = ap.parse_args(argv)

    prefix = os.environ.get("NERVE_AARCH64_PREFIX", "aarch64-linux-gnu-")
    nm = mcu_icount.find_tool(prefix + "nm", "NERVE_AARCH64_NM")
    objdump = mcu_icount.find_tool(prefix + "objdump", "NERVE_AARCH64_OBJDUMP")
    qemu = mcu_icount.find_tool("qemu-aarch64", "NERVE_QEMU_AARCH64")
    mca = Mca(find_llvm_mca())
    cpus = [c for c in opts.cpus.split(",") if c]

    info = subprocess.run([qemu, opts.program, "info"], capture_output=True, text=True, check=True).stdout
    kernels = []
    for line in info.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "kernel":
            kernels.append((parts[1], float(parts[2]), float(parts[3])))
    if opts.kernels:
        wanted = opts.kernels.split(",")
        kernels = [k for k in kernels if k[0] in wanted or k[1] == 0]
    instrs = disassemble(objdump, opts.program)

    results = {}
    tmpdir = tempfile.mkdtemp(prefix="nerve-a64-")
    try:
        for symbol, items, flops in kernels:
            entry, _ = mcu_icount.symbol_address(nm, opts.program, symbol)
            log = os.path.join(tmpdir, "trace.log")
            cmd = [qemu, "-singlestep", "-d", "exec,nochain", "-D", log, opts.program, symbol]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.timeout)
            if proc.returncode != 0:
                sys.exit(f"a64_icount: {' '.join(cmd)} exited with {proc.returncode}: {proc.stdout}{proc.stderr}")
            counts, _, _, profile = mcu_icount.count_calls(log, entry, 2, Counter(), profile_call=1)
            os.remove(log)
            if len(counts) < 2:
                sys.exit(f"a64_icount: {symbol}: two complete calls expected, found {len(counts)}")
            results[symbol] = (items, flops, counts, {cpu: model_call(profile, instrs, mca, cpu, opts.profile)
                                                       for cpu in cpus})
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    peaks = {cpu: flops / r[cpu][0] for sym, (items, flops, _, r) in results.items() if items == 0 for cpu in cpus}
    for symbol, (items, flops, counts, per_cpu) in results.items():
        for cpu in cpus:
            cyc = per_cpu[cpu][0]
            if items == 0:
                print(f"{symbol:22s} {cpu:11s} {counts[1]:9d} instructions {cyc:11.0f} cycles; "
                      f"peak {flops / cyc:.2f} flops/cycle")
                continue
            line = f"{symbol:22s} {cpu:11s} {counts[1] / items:7.2f} instructions/item {cyc / items:7.2f} cycles/item"
            if flops > 0:  # a pipeline's kernel counts no flops
                frac = (flops / cyc) / peaks[cpu] if cpu in peaks else float("nan")
                line += f"  {flops / cyc:5.2f} flops/cycle  fraction {frac:.2f}"
            print(line)
        if opts.profile and cpus:
            for c, n, text in per_cpu[cpus[0]][1]:
                print(f"  {c:10.0f} cycles = {n} x {c / n:.2f}:" + text.replace("\n", "\n    ").rstrip())
    if mca.failed:
        print(f"a64_icount: llvm-mca could not read {mca.failed} run(s); charged 1 cycle per instruction",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
