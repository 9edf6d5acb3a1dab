#!/usr/bin/python3
"""Hardware-selection report for nerve's reference pipelines (markdown, or JSON with --json).

    bench/hw_report.py --m4-build build/hwsel-m4                       # Cortex-M4 part
    bench/hw_report.py --bench build/hwsel-host/bench/nerve_bench      # this machine's part
    bench/hw_report.py --bench-json recorded.json                      # a recorded host run
    options: --budget 0.7  --rate maintenance=51200  --mhz 240  --repetitions 5  --json

Cortex-M4 part (firmware engineers picking a part). Needs a cortex-m4 build with the pipeline
programs (`cmake --preset cortex-m4 -B build/x-m4 && cmake --build build/x-m4 -j2 --target
mcu_pipeline_maintenance mcu_pipeline_maintenance_3axis mcu_pipeline_motor_current mcu_patient_monitor
mcu_pipeline_metering nerve_mcu_maintenance nerve_mcu_maintenance_3axis nerve_mcu_motor_current
nerve_mcu_patient nerve_mcu_metering nerve_mcu_metering_lean`). Each bench/mcu_<program>.elf runs once under qemu-system-arm
-singlestep (tools/mcu_icount.py's trace, its call counter and tools/mcu_cycles.py's cycle model;
a few minutes for the maintenance programs); every call of the pipeline's kernel symbol is
counted and the mean per call, divided by the samples a call covers, is the sustained cost per
sample (the calls include frame ends, spectra and learning, so this is an average, not the best
case). From it: MHz needed per channel at the pipeline's usual rate (MHz = cycles per sample x
channels x rate), and the channels that fit at 64 / 80 / 120 / 168 / 180 MHz (plus --mhz) within
the CPU budget. Flash (text + data) and static RAM (data + bss; no stack, no heap) come from
arm-none-eabi-size of the example firmware examples/nerve_mcu_<name>.elf, the RAM per extra
channel from the size of the monitor object (nm -S) in the bench program (for the one-axis
bearing monitor a state-only one: further axes share one analysis scratch).
The cycles are a model, not a measurement: Cortex-M4 TRM issue cycles, zero wait states (real
flash at 120-180 MHz adds wait states that caches/ART hide only in part), no interrupts; see
tools/mcu_cycles.py for every assumption.

Host part (gateway and server teams). Runs the given nerve_bench (build target nerve_bench of
the host preset: -O3 -march=native) with
--benchmark_filter='^(pipeline/|keyed_conformal/|fma_peak/xsimd$)', N repetitions, and takes the
medians: channels per core at the usual rates (a gateway stream: one reading a second, --rate
gateway=HZ), times the cores for a whole machine if the channels scale (they are independent;
memory bandwidth is not modelled).
Host numbers must come from the machine itself: run nerve_bench of the aarch64 preset on the
aarch64 box (or record its --benchmark_format=json output there and pass it with --bench-json);
timings under qemu-aarch64 mean nothing.
"""
import argparse
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "tools")  # mcu_icount.py, mcu_cycles.py, mcu_filter_table.py

# Usual rates (Hz) by rate key; --rate KEY=HZ overrides (HZ may be a fraction: 1/900).
DEFAULT_RATES = {"maintenance": 25600.0, "motor": 5000.0, "patient": 360.0, "metering": 1.0 / 3600.0, "gateway": 1.0}
DEFAULT_MHZ = (64, 80, 120, 168, 180)
RAM_KB = (64, 128, 192, 256)
FLASH_KB = (256, 512, 1024)


class Pipeline:
    """One reference pipeline as counted on the Cortex-M4.

    program/symbol: bench/mcu_<program>.elf and its kernel; samples_per_call: samples (all
    channels) one call covers, or a regex over the program's output whose group(1) x
    output_factor is the total over all calls; channels: channels per unit (a triaxial sensor is
    one unit of 3); ram_object: the object in the bench program whose size is the RAM of each unit
    after the first (the monitor; for the one-axis bearing monitor a state-only monitor, as further
    axes share the first one's analysis scratch); firmware: examples/nerve_mcu_<firmware>.elf (flash
    and static RAM, with the first unit), None if there is none."""

    def __init__(self, key, label, rate_key, program, symbol, samples_per_call, channels, unit, ram_object,
                 firmware, output_factor=1):
        self.key, self.label, self.rate_key = key, label, rate_key
        self.program, self.symbol, self.samples_per_call = program, symbol, samples_per_call
        self.channels, self.unit, self.ram_object, self.firmware = channels, unit, ram_object, firmware
        self.output_factor = output_factor


# What each bench/mcu program's kernel covers per call: see the comments at the top of
# bench/mcu/pipeline_maintenance*.cpp, patient_monitor.cpp (one second of 360 Hz ECG per call)
# and pipeline_metering.cpp (one reading per call).
PIPELINES = [
    Pipeline("maintenance", "maintenance, 1 axis (bearing_monitor<2,1024,128,8,false,bfloat16>)", "maintenance",
             "pipeline_maintenance", "nerve_maintenance_run", r"(\d+) samples", 1, "axis", "g_state", "maintenance"),
    Pipeline("maintenance_3axis", "maintenance, 3 axes (multi_axis_bearing_monitor<3, <2,384,64>>)", "maintenance",
             "pipeline_maintenance_3axis", "nerve_maintenance_3axis_run", r"(\d+) instants x 3 axes", 3,
             "triaxial sensor", "g_m", "maintenance_3axis", output_factor=3),
    Pipeline("motor_current", "motor current, 1 phase (motor_current_monitor<4096>)", "motor", "pipeline_motor_current",
             "nerve_motor_current_run", 2048, 1, "motor", "g_m", "motor_current"),
    Pipeline("patient", "patient monitor, 1 lead (patient_monitor<360>)", "patient", "patient_monitor",
             "nerve_patient_second", 360, 1, "patient", "g_mon", "patient"),
    Pipeline("patient_2lead", "patient monitor, 2 leads (patient_monitor<360, 2>)", "patient", "patient_monitor",
             "nerve_patient2_second", 720, 2, "2-lead patient", "g_mon2", None),
    Pipeline("metering", "metering, default (meter_monitor<512, float>)", "metering", "pipeline_metering",
             "nerve_metering_push", 1, 1, "meter", "g_m", "metering"),
    Pipeline("metering_lean", "metering, lean (meter_monitor<192, float, holt_winters>)", "metering",
             "pipeline_metering", "nerve_metering_lean_push", 1, 1, "meter", "g_lean", "metering_lean"),
]

# Host benchmarks (bench/bench_pipelines_*.cpp): name -> (label, rate key, channels per unit, unit).
# Items are channel-samples (or readings) in every one of them.
HOST_BENCHMARKS = {
    "pipeline/maintenance/4": ("maintenance, 1 axis, host config (<4,1024,256>)", "maintenance", 1, "axis"),
    "pipeline/maintenance/2": ("maintenance, 1 axis (<2,1024,256>)", "maintenance", 1, "axis"),
    "pipeline/maintenance_mcu": ("maintenance, 1 axis, firmware config", "maintenance", 1, "axis"),
    "pipeline/maintenance_3axis/4": ("maintenance, 3 axes (<4,1024,256>)", "maintenance", 3, "triaxial sensor"),
    "pipeline/motor_current/4096": ("motor current, 1 phase (<4096>)", "motor", 1, "motor"),
    "pipeline/motor_current/8192": ("motor current, 1 phase (<8192>)", "motor", 1, "motor"),
    "pipeline/patient": ("patient monitor, 1 lead", "patient", 1, "patient"),
    "pipeline/metering": ("metering, default, double (<2048>)", "metering", 1, "meter"),
    "pipeline/metering_f32": ("metering, default, float (<2048, float>)", "metering", 1, "meter"),
    "pipeline/metering_mcu_f32": ("metering, firmware config (<512, float>)", "metering", 1, "meter"),
    "pipeline/metering_mcu_f32_light": ("metering, firmware config, learn_every = 5", "metering", 1, "meter"),
    "pipeline/metering_lean": ("metering, lean, double", "metering", 1, "meter"),
    "pipeline/metering_lean_f32": ("metering, lean, float", "metering", 1, "meter"),
    # bench/bench_gateway.cpp: nerve gateway's stream state, 4,096 streams in one keyed table
    # (readings routed by name; RAM per stream includes its slot, key and index share).
    "keyed_conformal/nerve/4096": ("gateway stream: conformal_ensemble + ADWIN in a keyed table", "gateway", 1,
                                   "stream"),
}

M4_ASSUMPTIONS = (
    "Cycles are modelled, not measured: each executed instruction (qemu -singlestep trace) weighted with its "
    "Cortex-M4 TRM issue cycles, zero wait states, taken branch 3 cycles, no interrupts or bus contention "
    "(tools/mcu_cycles.py lists every assumption). Real parts at 120-180 MHz run from flash with wait states "
    "that an ART accelerator or cache hides only in part: keep headroom (the budget) for that, for the "
    "interrupt/DMA load and for the rest of the firmware. Per-sample costs are the mean over every counted "
    "call (frame ends, spectra and learning included). RAM is static RAM (data + bss), stack and heap not "
    "included; an extra channel needs one more monitor object (RAM per unit; further bearing axes "
    "share the first one's analysis scratch, bearing_monitor's ExternalScratch).")


# --- arithmetic (pure) ---------------------------------------------------------------------------

def parse_rate(text):
    """'KEY=HZ' -> (KEY, float HZ); HZ may be a fraction such as 1/900."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise ValueError(f"--rate wants KEY=HZ, got '{text}'")
    num, slash, den = value.partition("/")
    hz = float(num) / float(den) if slash else float(num)
    if not hz > 0 or math.isinf(hz):
        raise ValueError(f"--rate {key}: the rate must be positive and finite, got '{value}'")
    return key, hz


def rate_for(key, rate_key, rates):
    """A pipeline's rate: its own key (maintenance_3axis=...) before its rate key (maintenance=...)."""
    return rates[key] if key in rates else rates[rate_key]


def per_sample(calls, samples_per_call):
    """Mean and max per call of `calls` (instructions or cycles), divided by the samples a call covers."""
    return statistics.fmean(calls) / samples_per_call, max(calls) / samples_per_call


def samples_per_call_from_output(text, pattern, factor, calls):
    """Samples per call = the total the program prints (group 1 of pattern, x factor) / calls counted."""
    m = re.search(pattern, text)
    if not m:
        raise ValueError(f"the program's output does not match '{pattern}'")
    total = int(m.group(1)) * factor
    if calls <= 0 or total % calls:
        raise ValueError(f"{total} samples do not split evenly over {calls} counted calls")
    return total // calls


def mhz_needed(cycles_per_sample, rate_hz, channels=1):
    """Clock (MHz) that one unit of `channels` channels needs at 100 % CPU."""
    return cycles_per_sample * channels * rate_hz / 1e6


def units_that_fit(cycles_per_sample, rate_hz, channels, mhz, budget):
    """Whole units (of `channels` channels each) that fit in `budget` of a `mhz` MHz core.

    An exact fit counts: the quotient is rounded to 12 significant digits before the floor, so
    168 MHz x 0.7 / 0.1 MHz is 1176, not the 1175.999... of binary floating point."""
    return math.floor(float(f"{mhz * 1e6 * budget / (cycles_per_sample * channels * rate_hz):.12g}"))


def units_in_ram(ram_bytes, firmware_static_ram, unit_ram):
    """Units whose monitors fit in ram_bytes: the firmware's static RAM holds one; each more adds unit_ram."""
    if firmware_static_ram > ram_bytes:
        return 0
    return 1 + (ram_bytes - firmware_static_ram) // unit_ram


def base_name(name):
    """A benchmark's registered name without Google Benchmark's option suffixes (/min_time:0.500, /real_time)."""
    parts = name.split("/")
    while len(parts) > 1 and re.match(r"(min_time|min_warmup_time|repeats|iterations|threads|real_time|manual_time|"
                                      r"process_time)\b", parts[-1]):
        parts.pop()
    return "/".join(parts)


def host_medians(bench_json):
    """{benchmark name: median items_per_second, and any counters} from Google Benchmark JSON.

    With repetitions, the 'median' aggregate; without, the single run (several runs of one name
    without aggregates: the median of their items_per_second)."""
    medians, runs = {}, {}
    for b in bench_json.get("benchmarks", []):
        name = base_name(b.get("run_name", b.get("name")))
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                medians[name] = b
        else:
            runs.setdefault(name, []).append(b)
    for name, rs in runs.items():
        if name not in medians:
            rows = sorted(rs, key=lambda r: r.get("items_per_second", r.get("real_time", 0)))
            medians[name] = rows[len(rows) // 2]
    return medians


def host_rows(bench_json, rates):
    """Rows for the host table: label, items/s, ns per sample, channels and units per core."""
    medians = host_medians(bench_json)
    rows = []
    for name, (label, rate_key, channels, unit) in HOST_BENCHMARKS.items():
        b = medians.get(name)
        if not b or "items_per_second" not in b:
            continue
        ips = float(b["items_per_second"])
        rate = rate_for(name.split("/")[1], rate_key, rates)
        ram = float(b["ram_bytes"]) if b.get("ram_bytes") else None  # sizeof(monitor), where the benchmark says
        rows.append({"benchmark": name, "label": label, "rate_hz": rate, "items_per_second": ips,
                     "ns_per_sample": 1e9 / ips, "channels_per_core": ips / rate,
                     "units_per_core": ips / rate / channels, "unit": unit, "ram_per_unit": ram,
                     "units_per_gib": math.floor(2**30 / ram) if ram else None})
    peak = medians.get("fma_peak/xsimd")
    return rows, (float(peak["GFLOP/s"]) if peak and "GFLOP/s" in peak else None)


def m4_rows(counts, rates, budget, clocks):
    """counts: {key: {instr, cycles, cycles_max, flash, static_ram, unit_ram, firmware_estimated}} ->
    rows with MHz per unit and units per clock (CPU) and per RAM size."""
    rows = []
    for p in PIPELINES:
        c = counts.get(p.key)
        if not c:
            continue
        rate = rate_for(p.key, p.rate_key, rates)
        row = dict(c, key=p.key, label=p.label, unit=p.unit, channels=p.channels, rate_hz=rate,
                   mhz_per_unit=mhz_needed(c["cycles"], rate, p.channels),
                   fit={mhz: units_that_fit(c["cycles"], rate, p.channels, mhz, budget) for mhz in clocks})
        if c.get("static_ram") is not None and c.get("unit_ram"):
            row["units_in_ram"] = {kb: units_in_ram(kb * 1024, c["static_ram"], c["unit_ram"]) for kb in RAM_KB}
        if c.get("flash") is not None:
            row["flash_fits"] = {kb: c["flash"] <= kb * 1024 for kb in FLASH_KB}
        rows.append(row)
    return rows


# --- formatting (pure) ---------------------------------------------------------------------------

def fmt_rate(hz):
    if hz >= 1000:
        return f"{hz / 1000:g} kHz"
    if hz >= 1:
        return f"{hz:g} Hz"
    return f"1 per {1 / hz:,.0f} s"


def fmt_count(n):
    return f"{n:,}" if n < 10**9 else f"{n:.2e}"


def fmt_mhz(m):
    return f"{m:.3g}" if m >= 0.001 else f"{m:.2e}"


def m4_markdown(rows, budget, clocks):
    out = [f"## Cortex-M4 (modelled cycles, CPU budget {budget:.0%})", ""]
    head = ["pipeline", "rate", "instr./sample", "cycles/sample (max call)", "MHz per unit"]
    head += [f"units @ {m:g} MHz" for m in clocks]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        unit = r["unit"] + (f" ({r['channels']} ch)" if r["channels"] > 1 else "")
        cells = [f"{r['label']}; unit: {unit}", fmt_rate(r["rate_hz"]), f"{r['instr']:.1f}",
                 f"{r['cycles']:.1f} ({r['cycles_max']:.0f})", fmt_mhz(r["mhz_per_unit"])]
        cells += [fmt_count(r["fit"][m]) for m in clocks]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "Per sample = per sample of one channel. MHz per unit = cycles/sample x channels x rate / 1e6.", ""]
    out += ["### Memory (firmware examples/nerve_mcu_*.elf; units that fit by RAM)", ""]
    head = ["pipeline", "flash", "static RAM", "RAM per unit"] + [f"units in {kb} KB RAM" for kb in RAM_KB]
    head += [f"flash {kb // 1024} MB" if kb >= 1024 else f"flash {kb} KB" for kb in FLASH_KB]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        est = " (est.)" if r.get("firmware_estimated") else ""
        kb = lambda b: "-" if b is None else f"{b / 1024:.1f} KB{est}"
        cells = [r["label"], kb(r.get("flash")), kb(r.get("static_ram")),
                 "-" if not r.get("unit_ram") else f"{r['unit_ram']:,} B"]
        cells += [str(r["units_in_ram"][k]) if "units_in_ram" in r else "-" for k in RAM_KB]
        cells += [("fits" if r["flash_fits"][k] else "no") if "flash_fits" in r else "-" for k in FLASH_KB]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "Units on a part = the smaller of its CPU and RAM columns. " + M4_ASSUMPTIONS, ""]
    return "\n".join(out)


def host_markdown(rows, peak, machine):
    out = [f"## Host: {machine['cpu']} ({machine['cores']} cores)", ""]
    if peak is not None:
        out += [f"`fma_peak/xsimd` (one core, widest vectors of the build): {peak:.1f} GFLOP/s", ""]
    head = ["benchmark", "pipeline", "rate", "ns per sample", "channels per core", "units per core",
            f"units per machine ({machine['cores']} cores)", "RAM per unit", "units per GiB of RAM"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [f"`{r['benchmark']}`", r["label"], fmt_rate(r["rate_hz"]), f"{r['ns_per_sample']:.2f}",
                 fmt_count(math.floor(r["channels_per_core"])),
                 f"{fmt_count(math.floor(r['units_per_core']))} ({r['unit']})",
                 fmt_count(math.floor(r["units_per_core"] * machine["cores"])),
                 "-" if r["ram_per_unit"] is None else f"{r['ram_per_unit']:,.0f} B",
                 "-" if r["units_per_gib"] is None else fmt_count(r["units_per_gib"])]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", f"Medians of {machine['repetitions']} repetitions of nerve_bench {machine.get('where', 'on this machine')}; one core "
            "each, at 100 % of it; a whole machine assumes independent channels scale over the cores "
            "(memory bandwidth, I/O and the OS are not modelled). RAM per unit: the monitor's sizeof as the benchmark "
            "reports it (ram_bytes); where the CPU columns run into billions (metering), RAM and I/O decide.", ""]
    return "\n".join(out)


# --- measuring (impure) --------------------------------------------------------------------------

def tool(name):
    path = shutil.which(name)
    if not path:
        sys.exit(f"hw_report: {name} not found")
    return path


def size_of(elf):
    """(flash, static RAM) in bytes from arm-none-eabi-size: text + data, data + bss."""
    out = subprocess.run([tool("arm-none-eabi-size"), elf], check=True, capture_output=True, text=True).stdout
    text, data, bss = (int(v) for v in out.splitlines()[1].split()[:3])
    return text + data, data + bss


def object_size(elf, name):
    """Bytes of the static object `name` (nm -S): tools/mcu_filter_table.py's reader."""
    sys.path.insert(0, TOOLS)
    import mcu_filter_table
    return mcu_filter_table.object_size(elf, name)


def count_program(elf, pipelines, timeout):
    """One qemu trace of the program; every call of each pipeline's symbol counted (mcu_icount.py)."""
    sys.path.insert(0, TOOLS)
    import mcu_cycles
    import mcu_icount
    nm, objdump, qemu = tool("arm-none-eabi-nm"), tool("arm-none-eabi-objdump"), tool("qemu-system-arm")
    model = mcu_cycles.Model(mcu_cycles.disassemble(elf, objdump))
    tmpdir = tempfile.mkdtemp(prefix="nerve-hwreport-")
    log = os.path.join(tmpdir, "trace.log")
    results = {}
    try:
        proc = mcu_icount.run_qemu(qemu, elf, log, [], timeout)
        if proc.returncode != 0:
            sys.exit(f"hw_report: {elf} exited with {proc.returncode}: {proc.stdout[-400:]}")
        for p in pipelines:
            entry, _ = mcu_icount.symbol_address(nm, elf, p.symbol)
            counts, cycles, _, _ = mcu_icount.count_calls(log, entry, 10**9, model)
            if not counts:
                sys.exit(f"hw_report: no complete call of {p.symbol} in {elf}")
            spc = p.samples_per_call
            if isinstance(spc, str):
                spc = samples_per_call_from_output(proc.stdout, spc, p.output_factor, len(counts))
            instr, _ = per_sample(counts, spc)
            cyc, cyc_max = per_sample(cycles, spc)
            results[p.key] = {"instr": instr, "cycles": cyc, "cycles_max": cyc_max, "calls": len(counts),
                              "samples_per_call": spc}
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    return results


def measure_m4(build, keys, timeout, progress):
    counts = {}
    chosen = [p for p in PIPELINES if p.key in keys]
    for program in dict.fromkeys(p.program for p in chosen):
        elf = os.path.join(build, "bench", f"mcu_{program}.elf")
        if not os.path.exists(elf):
            sys.exit(f"hw_report: {elf} missing (build target mcu_{program} of the cortex-m4 preset)")
        mine = [p for p in chosen if p.program == program]
        progress(f"hw_report: tracing {elf} under qemu ({', '.join(p.symbol for p in mine)})")
        counts.update(count_program(elf, mine, timeout))
        for p in mine:
            counts[p.key]["unit_ram"] = object_size(elf, p.ram_object)
    by_key = {p.key: p for p in PIPELINES}
    for key, c in counts.items():
        p = by_key[key]
        c["flash"] = c["static_ram"] = None
        c["firmware_estimated"] = False
        name = p.firmware
        if name is None and key == "patient_2lead":
            # No two-lead firmware: the one-lead firmware with the two-lead monitor in place of its own.
            name = "patient"
            c["firmware_estimated"] = True
        fw = os.path.join(build, "examples", f"nerve_mcu_{name}.elf") if name else None
        if fw and os.path.exists(fw):
            c["flash"], c["static_ram"] = size_of(fw)
            if c["firmware_estimated"]:
                # Its static RAM swaps the monitors' sizes; its flash (more code) is not known.
                one_lead = object_size(os.path.join(build, "bench", "mcu_patient_monitor.elf"), "g_mon")
                c["flash"] = None
                c["static_ram"] = c["static_ram"] + c["unit_ram"] - one_lead if one_lead and c["unit_ram"] else None
    return counts


def cpu_description(cpuinfo):
    """The first processor of /proc/cpuinfo as one line: model name, x86 family/model and the widest
    vector extension, or an aarch64 core's implementer/part (what a reader compares machines by)."""
    first = {}
    for line in cpuinfo.split("\n\n")[0].splitlines():
        k, _, v = line.partition(":")
        first.setdefault(k.strip(), v.strip())
    name = first.get("model name") or first.get("Model") or first.get("Hardware") or ""
    extra = []
    if first.get("cpu family") and first.get("model"):
        extra.append(f"family {int(first['cpu family']):#x} model {int(first['model'])}")
    flags = set(first.get("flags", "").split())
    widest = next((f for f in ("avx512f", "avx2", "sse2") if f in flags), None)
    if widest:
        extra.append(widest)
    if first.get("CPU part"):
        extra.append(f"implementer {first.get('CPU implementer', '?')} part {first['CPU part']}")
        if "asimd" in first.get("Features", "").split():
            extra.append("NEON")
    if not name:
        return ", ".join(extra) or None
    return name + (f" ({', '.join(extra)})" if extra else "")


def machine_info():
    try:
        with open("/proc/cpuinfo") as f:
            cpu = cpu_description(f.read())
    except OSError:
        cpu = None
    return {"cpu": cpu or os.uname().machine, "cores": os.cpu_count() or 1}


def run_bench(bench, repetitions, progress):
    cmd = [bench, "--benchmark_filter=^(pipeline/|keyed_conformal/|fma_peak/xsimd$)", "--benchmark_format=json",
           f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true"]
    progress("hw_report: running " + " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"hw_report: nerve_bench failed ({proc.returncode}): {proc.stderr[-400:]}")
    return json.loads(proc.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--m4-build", metavar="DIR", help="cortex-m4 build directory (the M4 part)")
    ap.add_argument("--bench", metavar="NERVE_BENCH", help="host nerve_bench to run (the host part)")
    ap.add_argument("--bench-json", metavar="FILE", help="a recorded nerve_bench --benchmark_format=json run instead")
    ap.add_argument("--repetitions", type=int, default=5, help="nerve_bench repetitions; medians are used (default 5)")
    ap.add_argument("--budget", type=float, default=0.7, help="fraction of the CPU the pipeline may use (default 0.7)")
    ap.add_argument("--rate", action="append", default=[], metavar="KEY=HZ",
                    help="usual rate of maintenance / motor / patient / metering / gateway (or one pipeline: "
                         "maintenance_3axis); "
                         "HZ may be a fraction (metering=1/900)")
    ap.add_argument("--mhz", action="append", type=float, default=[], help="another Cortex-M4 clock to tabulate")
    ap.add_argument("--pipelines", metavar="KEY,...", default=",".join(p.key for p in PIPELINES),
                    help="Cortex-M4 pipelines to count (default all: %(default)s)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per qemu trace (default 1800)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    opts = ap.parse_args(argv)
    if not (opts.m4_build or opts.bench or opts.bench_json):
        ap.error("give --m4-build and/or --bench / --bench-json")
    if not 0 < opts.budget <= 1:
        ap.error("--budget must be in (0, 1]")
    rates = dict(DEFAULT_RATES)
    try:
        rates.update(parse_rate(r) for r in opts.rate)
    except ValueError as e:
        ap.error(str(e))
    known = set(DEFAULT_RATES) | {p.key for p in PIPELINES}
    for key in rates:
        if key not in known:
            ap.error(f"--rate: unknown key '{key}' (one of {', '.join(sorted(known))})")
    keys = [k for k in opts.pipelines.split(",") if k]
    for key in keys:
        if key not in {p.key for p in PIPELINES}:
            ap.error(f"--pipelines: unknown pipeline '{key}'")
    clocks = sorted(set(DEFAULT_MHZ) | set(opts.mhz))
    progress = lambda msg: print(msg, file=sys.stderr, flush=True)

    report = {"budget": opts.budget, "rates_hz": rates}
    text = ["# nerve hardware-selection report", ""]
    if opts.m4_build:
        rows = m4_rows(measure_m4(opts.m4_build, keys, opts.timeout, progress), rates, opts.budget, clocks)
        report["cortex_m4"] = {"rows": rows, "clocks_mhz": clocks, "assumptions": M4_ASSUMPTIONS}
        text.append(m4_markdown(rows, opts.budget, clocks))
    if opts.bench or opts.bench_json:
        if opts.bench_json:
            with open(opts.bench_json) as f:
                data = json.load(f)
            machine = {"cpu": f"recorded run ({data.get('context', {}).get('host_name', '?')})",
                       "cores": int(data.get("context", {}).get("num_cpus", 1))}
        else:
            data = run_bench(opts.bench, opts.repetitions, progress)
            machine = machine_info()
        machine["repetitions"] = opts.repetitions if opts.bench else "the recorded"
        if opts.bench_json:
            machine["where"] = f"recorded in {opts.bench_json}"
        rows, peak = host_rows(data, rates)
        report["host"] = {"machine": machine, "fma_peak_gflops": peak, "rows": rows}
        text.append(host_markdown(rows, peak, machine))
    if opts.json:
        print(json.dumps(report, indent=1, default=str))
    else:
        print("\n".join(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
