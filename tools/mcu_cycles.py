#!/usr/bin/python3
"""Cortex-M4 cycle model for the instruction traces of tools/mcu_icount.py.

    tools/mcu_cycles.py <elf> <symbol> [--runs K] [--refill P] [--profile N] [-- program args...]

Same measurement as mcu_icount.py (qemu-system-arm -M mps2-an386 -singlestep, one trace entry
per executed instruction, callees included), but every executed instruction is weighted with
its issue cycles from the Cortex-M4 Technical Reference Manual (r0p1, table 3-1 "Cortex-M4
instruction set summary" and table 7-1 "FPU instruction set"), looked up by address in
`arm-none-eabi-objdump -d` of the elf. mcu_icount.py imports this module and prints the
estimate beside every count; this script adds a per-instruction profile of the hottest
addresses (--profile) to check the model against a hand count of a loop.

Assumptions (an estimate, not a measurement; stated so the numbers can be judged):
- zero-wait-state code and data memory (no flash wait states, no cache effects, no bus
  contention, no interrupts); real parts at high clock add flash wait states (ART/caches vary);
- ALU, shifts, moves, compares, IT, SSAT/USAT, PKH*, SXT*/UXT*, BFI/UBFX, CLZ, REV: 1 cycle;
  IT is counted as 1 (the TRM allows folding it onto a preceding 16-bit instruction: 0);
- MUL, SMULL/UMULL, SMLAL/UMLAL, all DSP MACs (SMLA*, SMLAL*, SMLAD/SMLALD, SMUAD, SMMUL, ...):
  1 cycle; MLA/MLS and MRS/MSR: 2; SDIV/UDIV: 12 (the TRM says 2-12 with early termination: upper bound);
- single loads and stores (LDR*, STR*, VLDR, VSTR): 2 cycles, 1 when the previous executed
  instruction was also a single load or store (pipelined back-to-back accesses); LDRD/STRD 3;
  LDM/STM/PUSH/POP and VLDM/VSTM/VPUSH/VPOP: 1 + N (N = words transferred);
- branches: taken 1 + P, not taken 1 (conditional); BL/BLX/BX and any write to PC (POP {.., pc},
  LDR pc, MOV pc) 1 + P (+ N for POP); TBB/TBH 2 + P; P = pipeline refill, 1-3 in the TRM,
  --refill (default 2, i.e. a taken branch costs 3);
- FPU: VADD/VSUB/VMUL/VNMUL/VABS/VNEG/VCMP/VCVT/VMOV/VMRS/VMSR 1 cycle (VMOV of two core
  registers 2); VMLA/VMLS/VNMLA/VNMLS and VFMA/VFMS/VFNMA/VFNMS 3; VDIV and VSQRT 14;
- no result-latency stalls beyond these issue counts (the M4's in-order pipeline forwards
  results; the TRM's counts already include the multi-cycle FPU MACs);
- an instruction skipped by an IT block is traced by qemu and charged as if executed
  (the TRM charges 1 cycle): a small overestimate.
"""
import argparse
import collections
import os
import re
import subprocess
import sys

CONDS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")

ONE = set("""
adc add addw adr and asr bfc bfi bic clrex clz cmn cmp cpsid cpsie dmb dsb eor isb it ite itt ittt itttt
itet itte iteee itee itete ittee ittte itete ite itett itt itee lsl lsr mov movt movw mvn neg nop orn orr
pkhbt pkhtb qadd qadd16 qadd8 qasx qdadd qdsub qsax qsub qsub16 qsub8 rbit rev rev16 revsh ror rrx rsb sadd16
sadd8 sasx sbc sbfx sel shadd16 shadd8 shasx shsax shsub16 shsub8 ssat ssat16 ssax ssub16 ssub8 sub subw
sxtab sxtab16 sxtah sxtb sxtb16 sxth teq tst uadd16 uadd8 uasx ubfx uhadd16 uhadd8 uhasx uhsax uhsub16 uhsub8
uqadd16 uqadd8 uqasx uqsax uqsub16 uqsub8 usad8 usada8 usat usat16 usax usub16 usub8 uxtab uxtab16 uxtah uxtb
uxtb16 uxth sev wfe wfi yield
mul smull umull smlal umlal umaal
smlabb smlabt smlatb smlatt smlad smladx smlalbb smlalbt smlaltb smlaltt smlald smlaldx smlawb smlawt smlsd
smlsdx smlsld smlsldx smmla smmlar smmls smmlsr smmul smmulr smuad smuadx smulbb smulbt smultb smultt smulwb
smulwt smusd smusdx
vabs vadd vsub vmul vnmul vneg vcmp vcmpe vcvt vcvtr vcvtb vcvtt vmov vmrs vmsr
""".split())
TWO = {"mla", "mls", "mrs", "msr"}
FMAC = {"vmla", "vmls", "vnmla", "vnmls", "vfma", "vfms", "vfnma", "vfnms"}
LONG_FP = {"vdiv": 14, "vsqrt": 14}
DIV = {"sdiv", "udiv"}
SINGLE_LS = {"ldr", "ldrb", "ldrh", "ldrsb", "ldrsh", "ldrt", "ldrbt", "ldrht", "ldrsbt", "ldrsht", "ldrex",
             "ldrexb", "ldrexh", "str", "strb", "strh", "strt", "strbt", "strht", "strex", "strexb", "strexh",
             "vldr", "vstr", "pld"}
DOUBLE_LS = {"ldrd", "strd"}
MULTI_LS = {"ldm", "ldmia", "ldmfd", "ldmdb", "ldmea", "stm", "stmia", "stmea", "stmdb", "stmfd", "push", "pop"}
VMULTI_LS = {"vldm", "vldmia", "vldmdb", "vstm", "vstmia", "vstmdb", "vpush", "vpop"}
BRANCH = {"b", "cbz", "cbnz"}
CALL = {"bl", "blx", "bx"}
TABLE = {"tbb", "tbh"}
KNOWN = ONE | TWO | FMAC | set(LONG_FP) | DIV | SINGLE_LS | DOUBLE_LS | MULTI_LS | VMULTI_LS | BRANCH | CALL | TABLE

def base_mnemonic(mn):
    """'vfma.f32' -> 'vfma', 'bls.n' -> 'b', 'addeq.w' -> 'add', 'movs' -> 'mov', 'vstrls' -> 'vstr'."""
    m = mn.lower().split(".")[0]
    if m in KNOWN:
        return m
    cands = []
    if m.endswith("s"):
        cands.append(m[:-1])
    for c in CONDS:
        if m.endswith(c):
            cands.append(m[:-2])
            if m[:-2].endswith("s"):
                cands.append(m[:-3])
    for c in cands:
        if c in KNOWN:
            return c
    return m


def reg_words(ops):
    """Words moved by a register list such as {r4, r5, lr}, {s8-s23} or {d8-d9}."""
    m = re.search(r"\{([^}]*)\}", ops)
    if not m:
        return 1
    n = 0
    for part in m.group(1).split(","):
        part = part.strip()
        if not part:
            continue
        width = 2 if part.startswith("d") else 1
        r = re.match(r"([a-z]+)(\d+)\s*-\s*[a-z]+(\d+)", part)
        n += width * (int(r.group(3)) - int(r.group(2)) + 1) if r else width
    return n


class Instr:
    __slots__ = ("size", "mn", "base", "ops", "writes_pc", "words")

    def __init__(self, size, mn, ops):
        self.size = size
        self.mn = mn
        self.base = base_mnemonic(mn)
        self.ops = ops
        o = ops.split(";")[0].split("@")[0]
        first = o.split(",")[0].strip()
        self.words = reg_words(o) if self.base in MULTI_LS | VMULTI_LS else 0
        self.writes_pc = (first == "pc" and self.base not in ("cmp", "cmn", "tst", "teq", "str")) or \
                         (self.base in ("pop", "ldm", "ldmia", "ldmfd") and re.search(r"\bpc\b", o) is not None)


def disassemble(elf, objdump):
    """{address: Instr} from `objdump -d` (lines 'addr:<TAB>hex halfwords<TAB>mnemonic<TAB>operands')."""
    out = subprocess.run([objdump, "-d", elf], check=True, capture_output=True, text=True).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not re.fullmatch(r"\s*[0-9a-f]+:", parts[0]):
            continue
        mn = parts[2].strip()
        if not mn or mn.startswith("."):
            continue  # literal pools (.word) and other data
        halfwords = parts[1].split()
        table[int(parts[0].strip()[:-1], 16)] = Instr(2 * len(halfwords), mn, parts[3].strip() if len(parts) > 3 else "")
    return table


class Model:
    """Accumulates cycles over a stream of executed addresses (see the module docstring)."""

    def __init__(self, instrs, refill=2):
        self.instrs = instrs
        self.refill = refill
        self.unknown = collections.Counter()

    def cost(self, pc, next_pc, prev_single_ls):
        """(cycles, is_single_load_store) of the instruction at pc followed by next_pc."""
        ins = self.instrs.get(pc)
        if ins is None:
            self.unknown["<no disassembly>"] += 1
            return 1, False
        b = ins.base
        taken = next_pc is not None and next_pc != pc + ins.size
        P = self.refill
        if b in SINGLE_LS:
            c = 1 if prev_single_ls else 2
            if ins.writes_pc:
                c += P
            return c, True
        if b in DOUBLE_LS:
            return 3, False
        if b in MULTI_LS:
            return 1 + ins.words + (P if ins.writes_pc else 0), False
        if b in VMULTI_LS:
            return 1 + ins.words, False
        if b in BRANCH:
            return (1 + P if taken else 1), False
        if b in CALL:
            return 1 + P, False
        if b in TABLE:
            return 2 + P, False
        if b in FMAC:
            return 3, False
        if b in LONG_FP:
            return LONG_FP[b], False
        if b in DIV:
            return 12, False
        if b in TWO:
            return 2, False
        if b == "vmov" and ins.ops.count(",") >= 2:
            return 2, False  # two core registers <-> two S registers / a D register
        if b in ONE:
            return 1 + (P if ins.writes_pc and b in ("mov", "add") else 0), False
        self.unknown[ins.mn] += 1
        return 1, False


def find_objdump():
    prefix = os.environ.get("NERVE_ARM_PREFIX", "arm-none-eabi-")
    import shutil
    path = os.environ.get("NERVE_ARM_OBJDUMP") or shutil.which(prefix + "objdump")
    if not path:
        sys.exit("mcu_cycles: arm-none-eabi-objdump not found (set NERVE_ARM_OBJDUMP)")
    return path


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import mcu_icount

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("elf")
    ap.add_argument("symbol")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--refill", type=int, default=2, help="pipeline refill cycles P of a taken branch (1-3)")
    ap.add_argument("--profile", type=int, default=25, help="print the N costliest addresses of the first call")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("args", nargs="*")
    o = ap.parse_args()
    argv = [o.elf, o.symbol, "--runs", str(o.runs), "--refill", str(o.refill), "--timeout", str(o.timeout),
            "--profile", str(o.profile)]
    if o.args:
        argv += ["--"] + o.args
    return mcu_icount.main(argv)


if __name__ == "__main__":
    sys.exit(main())
