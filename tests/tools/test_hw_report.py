#!/usr/bin/python3
"""bench/hw_report.py's arithmetic and tables on fixed inputs: no qemu, no benchmark run.

The figures are worked by hand in the comments, so a changed formula (a lost channel factor, the
mean taken for the median, a budget applied twice) fails here."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import hw_report as hw  # noqa: E402

# Google Benchmark JSON as `nerve_bench --benchmark_format=json --benchmark_repetitions=3
# --benchmark_report_aggregates_only=true` writes it (fields trimmed), with the mean deliberately
# away from the median so that taking the wrong aggregate shows.
RECORDED = json.loads("""{
 "context": {"host_name": "box", "num_cpus": 4, "mhz_per_cpu": 3000},
 "benchmarks": [
  {"name": "pipeline/maintenance/4_mean", "run_name": "pipeline/maintenance/4", "run_type": "aggregate",
   "aggregate_name": "mean", "items_per_second": 9.0e7},
  {"name": "pipeline/maintenance/4_median", "run_name": "pipeline/maintenance/4", "run_type": "aggregate",
   "aggregate_name": "median", "items_per_second": 1.28e8, "ram_bytes": 65536},
  {"name": "pipeline/maintenance/4_stddev", "run_name": "pipeline/maintenance/4", "run_type": "aggregate",
   "aggregate_name": "stddev", "items_per_second": 1.0e6},
  {"name": "pipeline/maintenance_3axis/4/min_time:0.500_median", "run_name": "pipeline/maintenance_3axis/4/min_time:0.500",
   "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 7.68e7},
  {"name": "pipeline/motor_current/4096/min_time:0.500_median", "run_name": "pipeline/motor_current/4096/min_time:0.500",
   "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 1.16e9, "ram_bytes": 44608},
  {"name": "pipeline/patient_median", "run_name": "pipeline/patient", "run_type": "aggregate",
   "aggregate_name": "median", "items_per_second": 7.2e7},
  {"name": "pipeline/patient/qrs_detector_median", "run_name": "pipeline/patient/qrs_detector",
   "run_type": "aggregate", "aggregate_name": "median", "items_per_second": 1.0e9},
  {"name": "pipeline/metering_lean_median", "run_name": "pipeline/metering_lean", "run_type": "aggregate",
   "aggregate_name": "median", "items_per_second": 1.0e8},
  {"name": "keyed_conformal/nerve/4096_median", "run_name": "keyed_conformal/nerve/4096", "run_type": "aggregate",
   "aggregate_name": "median", "items_per_second": 2.0e6, "ram_bytes": 12800},
  {"name": "fma_peak/xsimd_median", "run_name": "fma_peak/xsimd", "run_type": "aggregate",
   "aggregate_name": "median", "GFLOP/s": 220.5}
 ]
}""")


class Arithmetic(unittest.TestCase):
    def test_mhz_needed(self):
        # 227 cycles x 25,600 Hz = 5.8112 MHz per axis; a triaxial sensor at 209.2 cycles: 16.066 MHz
        self.assertAlmostEqual(hw.mhz_needed(227.0, 25600.0), 5.8112)
        self.assertAlmostEqual(hw.mhz_needed(209.2, 25600.0, 3), 16.06656)

    def test_units_that_fit(self):
        # 168 MHz x 0.7 = 117.6 M cycles/s; / 5.8112 M per axis = 20.24 -> 20 axes
        self.assertEqual(hw.units_that_fit(227.0, 25600.0, 1, 168, 0.7), 20)
        # the same cycles per sample, 3 channels per unit: 6.75 -> 6 sensors
        self.assertEqual(hw.units_that_fit(227.0, 25600.0, 3, 168, 0.7), 6)
        # 64 MHz, 100 %: 64e6 / (278 x 360) = 639.5 -> 639 patients
        self.assertEqual(hw.units_that_fit(278.0, 360.0, 1, 64, 1.0), 639)
        # an exact fit is kept: 100 cycles x 1 kHz = 0.1 MHz; 1 MHz at 50 % holds 5
        self.assertEqual(hw.units_that_fit(100.0, 1000.0, 1, 1, 0.5), 5)
        # ... also where binary floating point lands just below: 168e6 x 0.7 / 1e5 = 1175.9999999999998
        self.assertEqual(hw.units_that_fit(100.0, 1000.0, 1, 168, 0.7), 1176)
        # too slow a part holds none
        self.assertEqual(hw.units_that_fit(227.0, 25600.0, 1, 4, 0.7), 0)

    def test_units_in_ram(self):
        # firmware 40,000 B static holding one 30,000 B monitor: 64 KB = 65,536 B holds 1 + 25,536 // 30,000 = 1
        self.assertEqual(hw.units_in_ram(65536, 40000, 30000), 1)
        # 128 KB: 1 + (131,072 - 40,000) // 30,000 = 1 + 3 = 4
        self.assertEqual(hw.units_in_ram(131072, 40000, 30000), 4)
        # firmware larger than the RAM: none
        self.assertEqual(hw.units_in_ram(32768, 40000, 30000), 0)

    def test_per_sample_is_mean_and_max_per_call(self):
        # calls of 10 samples: mean (100 + 200 + 600) / 3 = 300 -> 30 per sample; max 600 -> 60
        self.assertEqual(hw.per_sample([100, 200, 600], 10), (30.0, 60.0))

    def test_samples_per_call_from_output(self):
        out = "pipeline_maintenance_3axis: sizeof(...) = 28936 bytes, 60928 instants x 3 axes, 1 frames (0)\n"
        # 60,928 x 3 = 182,784 axis-samples over 28 calls = 6,528 per call
        self.assertEqual(hw.samples_per_call_from_output(out, r"(\d+) instants x 3 axes", 3, 28), 6528)
        with self.assertRaises(ValueError):  # a call missed: 27 calls do not divide the total
            hw.samples_per_call_from_output(out, r"(\d+) instants x 3 axes", 3, 27)
        with self.assertRaises(ValueError):
            hw.samples_per_call_from_output("no totals", r"(\d+) samples", 1, 44)

    def test_parse_rate(self):
        self.assertEqual(hw.parse_rate("maintenance=51200"), ("maintenance", 51200.0))
        self.assertEqual(hw.parse_rate("metering=1/900"), ("metering", 1.0 / 900.0))
        for bad in ("maintenance", "=5", "patient=0", "patient=-360", "patient=inf"):
            with self.assertRaises(ValueError):
                hw.parse_rate(bad)

    def test_rate_for_prefers_the_pipeline_key(self):
        rates = dict(hw.DEFAULT_RATES, maintenance_3axis=12800.0)
        self.assertEqual(hw.rate_for("maintenance_3axis", "maintenance", rates), 12800.0)
        self.assertEqual(hw.rate_for("maintenance", "maintenance", rates), 25600.0)


class Host(unittest.TestCase):
    def test_cpu_description(self):
        x86 = ("processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n"
               "flags\t\t: fpu sse2 avx2 avx512f\n\nprocessor\t: 1\nmodel name\t: other\n")
        self.assertEqual(hw.cpu_description(x86), "AMD EPYC (family 0x1a model 2, avx512f)")
        arm = "processor\t: 0\nFeatures\t: fp asimd evtstrm\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n"
        self.assertEqual(hw.cpu_description(arm), "implementer 0x41 part 0xd0c, NEON")
        self.assertIsNone(hw.cpu_description(""))

    def test_medians_not_means(self):
        med = hw.host_medians(RECORDED)
        self.assertEqual(med["pipeline/maintenance/4"]["items_per_second"], 1.28e8)

    def test_base_name(self):
        self.assertEqual(hw.base_name("pipeline/maintenance/4/min_time:0.500"), "pipeline/maintenance/4")
        self.assertEqual(hw.base_name("pipeline/metering_lean/min_time:0.500/real_time"), "pipeline/metering_lean")
        self.assertEqual(hw.base_name("pipeline/patient/qrs_detector"), "pipeline/patient/qrs_detector")

    def test_medians_of_plain_runs(self):
        runs = {"benchmarks": [{"name": "pipeline/patient", "run_type": "iteration", "items_per_second": v}
                               for v in (3.0e7, 9.0e7, 5.0e7)]}
        self.assertEqual(hw.host_medians(runs)["pipeline/patient"]["items_per_second"], 5.0e7)

    def test_rows(self):
        rows, peak = hw.host_rows(RECORDED, hw.DEFAULT_RATES)
        by = {r["benchmark"]: r for r in rows}
        self.assertEqual(peak, 220.5)
        # 1.28e8 samples/s / 25,600 Hz = 5,000 axes per core
        self.assertAlmostEqual(by["pipeline/maintenance/4"]["channels_per_core"], 5000.0)
        self.assertAlmostEqual(by["pipeline/maintenance/4"]["ns_per_sample"], 7.8125)
        # 2^30 B / 65,536 B per monitor = 16,384 monitors per GiB; no ram_bytes counter: none
        self.assertEqual(by["pipeline/maintenance/4"]["units_per_gib"], 16384)
        self.assertIsNone(by["pipeline/patient"]["units_per_gib"])
        # 7.68e7 axis-samples/s / 25,600 = 3,000 axes = 1,000 triaxial sensors
        self.assertAlmostEqual(by["pipeline/maintenance_3axis/4"]["channels_per_core"], 3000.0)
        self.assertAlmostEqual(by["pipeline/maintenance_3axis/4"]["units_per_core"], 1000.0)
        # motor currents at 5 kHz: 1.16e9 / 5,000 = 232,000 motors a core; 2^30 / 44,608 B = 24,070.9 -> 24,070 per GiB
        self.assertAlmostEqual(by["pipeline/motor_current/4096"]["channels_per_core"], 232000.0)
        self.assertEqual(by["pipeline/motor_current/4096"]["units_per_gib"], 24070)
        self.assertNotIn("pipeline/motor_current/8192", by)  # not in the recording: no row
        # 7.2e7 / 360 = 200,000 leads
        self.assertAlmostEqual(by["pipeline/patient"]["channels_per_core"], 200000.0)
        # hourly readings: 1e8 readings/s x 3,600 s = 3.6e11 meters per core
        self.assertAlmostEqual(by["pipeline/metering_lean"]["channels_per_core"], 3.6e11)
        # gateway streams of one reading a second: 2e6 streams per core; 2^30 / 12,800 B = 83,886 per GiB
        self.assertAlmostEqual(by["keyed_conformal/nerve/4096"]["units_per_core"], 2.0e6)
        self.assertEqual(by["keyed_conformal/nerve/4096"]["units_per_gib"], 83886)
        # a stage benchmark is not a pipeline row
        self.assertNotIn("pipeline/patient/qrs_detector", by)

    def test_rate_override(self):
        rows, _ = hw.host_rows(RECORDED, dict(hw.DEFAULT_RATES, maintenance=51200.0))
        by = {r["benchmark"]: r for r in rows}
        self.assertAlmostEqual(by["pipeline/maintenance/4"]["channels_per_core"], 2500.0)

    def test_markdown(self):
        rows, peak = hw.host_rows(RECORDED, hw.DEFAULT_RATES)
        text = hw.host_markdown(rows, peak, {"cpu": "Test CPU", "cores": 4, "repetitions": 3})
        self.assertIn("## Host: Test CPU (4 cores)", text)
        self.assertIn("220.5 GFLOP/s", text)
        # 5,000 axes per core, 20,000 on 4 cores
        self.assertIn("| `pipeline/maintenance/4` | maintenance, 1 axis, host config (<4,1024,256>) | 25.6 kHz | "
                      "7.81 | 5,000 | 5,000 (axis) | 20,000 | 65,536 B | 16,384 |", text)


class CortexM4(unittest.TestCase):
    COUNTS = {
        "maintenance": {"instr": 124.3, "cycles": 227.0, "cycles_max": 240.0, "flash": 79000, "static_ram": 31000,
                        "unit_ram": 29496, "firmware_estimated": False},
        "maintenance_3axis": {"instr": 111.9, "cycles": 209.2, "cycles_max": 215.0, "flash": 76220,
                              "static_ram": 31944, "unit_ram": 28936, "firmware_estimated": False},
        "patient": {"instr": 181.6, "cycles": 278.0, "cycles_max": 300.0, "flash": None, "static_ram": None,
                    "unit_ram": 11640, "firmware_estimated": False},
    }

    def test_rows_and_table(self):
        rows = hw.m4_rows(self.COUNTS, hw.DEFAULT_RATES, 0.7, [64, 168, 240])
        by = {r["key"]: r for r in rows}
        self.assertEqual([r["key"] for r in rows], ["maintenance", "maintenance_3axis", "patient"])
        # 64 MHz x 0.7 = 44.8 M / 5.8112 M = 7.7 -> 7 axes; 240 MHz: 168 M / 5.8112 M = 28.9 -> 28
        self.assertEqual(by["maintenance"]["fit"], {64: 7, 168: 20, 240: 28})
        # sensors: 44.8 / 16.066 = 2.79 -> 2; 117.6 / 16.066 = 7.3 -> 7; 168 / 16.066 = 10.46 -> 10
        self.assertEqual(by["maintenance_3axis"]["fit"], {64: 2, 168: 7, 240: 10})
        self.assertAlmostEqual(by["maintenance_3axis"]["mhz_per_unit"], 16.06656)
        # 64 KB RAM: 1 + (65,536 - 31,000) // 29,496 = 2; 256 KB: 1 + 231,144 // 29,496 = 8
        self.assertEqual(by["maintenance"]["units_in_ram"], {64: 2, 128: 4, 192: 6, 256: 8})
        self.assertEqual(by["maintenance"]["flash_fits"], {256: True, 512: True, 1024: True})
        self.assertNotIn("units_in_ram", by["patient"])  # no firmware size: no RAM columns
        text = hw.m4_markdown(rows, 0.7, [64, 168, 240])
        self.assertIn("## Cortex-M4 (modelled cycles, CPU budget 70%)", text)
        self.assertIn("| maintenance, 3 axes (multi_axis_bearing_monitor<3, <2,384,64>>); unit: triaxial sensor (3 ch) "
                      "| 25.6 kHz | 111.9 | 209.2 (215) | 16.1 | 2 | 7 | 10 |", text)
        self.assertIn("| maintenance, 1 axis (bearing_monitor<2,1024,128,8,false,bfloat16>) | 77.1 KB | 30.3 KB | "
                      "29,496 B | 2 | 4 | 6 | 8 | fits | fits | fits |", text)
        self.assertIn("zero wait states", text)
        # --json prints the same rows: the clocks and RAM sizes become string keys
        back = json.loads(json.dumps(rows))
        self.assertEqual(back[0]["fit"], {"64": 7, "168": 20, "240": 28})
        self.assertEqual(back[0]["units_in_ram"]["256"], 8)

    def test_metering_rate_formats(self):
        self.assertEqual(hw.fmt_rate(1 / 3600), "1 per 3,600 s")
        self.assertEqual(hw.fmt_rate(360.0), "360 Hz")
        self.assertEqual(hw.fmt_rate(25600.0), "25.6 kHz")


if __name__ == "__main__":
    unittest.main(verbosity=2)
