#!/usr/bin/python3
"""tools/a64_icount.py on fixed inputs: how a call's profile is cut into runs, the assembly handed
to llvm-mca, the sum over runs, and (where llvm-mca is installed) the model's figures that the
fractions rest on, against the Cortex-A72 Software Optimization Guide's timings worked by hand."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import a64_icount as a64  # noqa: E402

# A function as objdump prints it: a 3-instruction setup, a 3-instruction loop run 10 times, a
# branch out of it, and a return.
INSTRS = {
    0x1000: ("mov", "x1, #0x0"),
    0x1004: ("adrp", "x2, 4a0000 <table>"),
    0x1008: ("ldr", "q1, [x2]"),
    0x100c: ("fmla", "v0.4s, v1.4s, v1.4s"),
    0x1010: ("add", "x1, x1, #0x1"),
    0x1014: ("b.ne", "100c <f+0xc>"),
    0x1018: ("ret", ""),
}
PROFILE = {0x1000: [1, 1], 0x1004: [1, 1], 0x1008: [1, 1], 0x100c: [10, 10], 0x1010: [10, 10],
           0x1014: [10, 10], 0x1018: [1, 1]}


class Runs(unittest.TestCase):
    def test_runs_split_on_execution_counts_and_after_branches(self):
        runs = a64.runs_of(PROFILE, INSTRS)
        self.assertEqual(runs, [(1, [0x1000, 0x1004, 0x1008]), (10, [0x100c, 0x1010, 0x1014]), (1, [0x1018])])

    def test_a_branch_ends_a_run_even_with_equal_counts(self):
        profile = {pc: [1, 1] for pc in INSTRS}
        runs = a64.runs_of(profile, INSTRS)
        self.assertEqual([len(r) for _, r in runs], [6, 1])

    def test_a_gap_in_the_addresses_ends_a_run(self):
        profile = {0x1000: [2, 2], 0x1004: [2, 2], 0x1010: [2, 2]}
        self.assertEqual(len(a64.runs_of(profile, INSTRS)), 2)

    def test_addresses_become_the_run_label(self):
        text = a64.mca_text([0x1004, 0x1008, 0x100c, 0x1010, 0x1014], INSTRS)
        self.assertEqual(text, ".Lrun:\n  adrp x2, .Lrun\n  ldr q1, [x2]\n  fmla v0.4s, v1.4s, v1.4s\n"
                               "  add x1, x1, #0x1\n  b.ne .Lrun\n")

    def test_call_cycles_are_executions_times_cycles_per_iteration(self):
        class Fixed:
            failed = 0

            def cycles(self, text, cpu):  # 2 cycles per instruction of the run
                return 2.0 * (text.count("\n") - 1)

        total, top = a64.model_call(PROFILE, INSTRS, Fixed(), "any", 1)
        self.assertEqual(total, 1 * 6 + 10 * 6 + 1 * 2)  # 68
        self.assertEqual(top[0][:2], (60.0, 10))


@unittest.skipUnless(os.environ.get("NERVE_LLVM_MCA") or shutil.which("llvm-mca") or
                     os.access("/usr/lib/llvm-14/bin/llvm-mca", os.X_OK), "llvm-mca not installed")
class CortexA72Model(unittest.TestCase):
    """The A72 guide: FMLA (Q-form) issues to one of the two FP pipes, throughput 1 per cycle,
    latency 7 with 3 cycles forwarded to a dependent accumulate; loads (LDR Q) 1 per cycle."""

    def setUp(self):
        self.mca = a64.Mca(a64.find_llvm_mca(), iterations=200)

    def test_twelve_independent_fmla_take_twelve_cycles(self):
        # fma_peak's loop: 12 FMLA + SUBS + B.NE, FMA-bound: 12 cycles, 8 flops per cycle.
        body = "".join(f"  fmla v{k}.4s, v20.4s, v21.4s\n" for k in range(12))
        c = self.mca.cycles(".Lrun:\n" + body + "  subs x0, x0, #1\n  b.ne .Lrun\n", "cortex-a72")
        self.assertAlmostEqual(c, 12.0, delta=0.5)

    def test_one_accumulator_chain_waits_on_the_forwarded_latency(self):
        # 4 FMLA into one register: by the A72 guide 4 x 3 = 12 cycles per iteration; LLVM 14's
        # A57 model forwards in 4, so 16: code bound by accumulator chains is modelled up to 4/3
        # slower than the A72 runs it (the FIR, decimator and bank kernels keep 4 or more chains
        # and model as FMA- or load-bound; the single-channel cascade waits on its chain).
        body = "".join(f"  fmla v0.4s, v{k + 1}.4s, v20.4s\n" for k in range(4))
        c = self.mca.cycles(".Lrun:\n" + body + "  b .Lrun\n", "cortex-a72")
        self.assertAlmostEqual(c, 16.0, delta=0.5)

    def test_loads_beside_fmla_are_not_free_past_one_per_cycle(self):
        # 4 FMLA and 8 independent LDR Q: the load pipe, 8 cycles, not the 4 of the FMLAs.
        body = "".join(f"  fmla v{k}.4s, v20.4s, v21.4s\n" for k in range(4))
        body += "".join(f"  ldr q{k + 8}, [x1, #{16 * k}]\n" for k in range(8))
        c = self.mca.cycles(".Lrun:\n" + body + "  b .Lrun\n", "cortex-a72")
        self.assertAlmostEqual(c, 8.0, delta=0.5)


if __name__ == "__main__":
    unittest.main()
