#!/usr/bin/python3
"""tests/cli/check_gateway.py NERVE WORKDIR — `nerve gateway` on many interleaved SenML streams.

Writes 120 meters' readings as one SenML pack per device and minute, shuffled between devices,
with a spike in one stream and a level shift in another, plus packs and records that must be
refused (malformed JSON, a must-understand field, two values, text values, a name too long, a
reading older than its stream's newest). Checks:
  - every count of the summary against what the file holds;
  - the spike raises an anomaly at its own reading; ADWIN on the anomaly score (the default) finds
    no drift on the streams without a change, ADWIN on the reading (--drift level) finds the shift
    within 40 readings; --drift off changes nothing else;
  - a stream's events do not depend on the other streams (the same events from a file of that
    stream alone): the per-stream states are isolated;
  - a bad pack is refused whole (a good record before the bad one is not used);
  - stdin gives what the file gives;
  - --state: the file in two runs, the second restoring what the first saved, gives the events of
    one run; a truncated or altered state, or one saved with another detector, is refused with a
    message and the run starts fresh;
  - 4,100 streams in a table of 4,096 evict exactly the least recently heard;
  - over MQTT (when the tool was built with Paho and mosquitto is installed): a broker on a free
    local port, the packs published as messages, the same events as from the file, and the same
    events again on the --publish topic.
Exit 1 on any failure, 0 otherwise (the MQTT part is reported as skipped when unavailable).
"""
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time

nerve, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL:", msg)


def run(args, stdin=None):
    p = subprocess.run([nerve, "gateway", *args], capture_output=True, text=True, input=stdin)
    if p.returncode != 0:
        fail(f"gateway {' '.join(args)} exited {p.returncode}: {p.stderr.strip()}")
        return [], {}
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    summary = lines[-1] if lines and lines[-1]["type"] == "summary" else {}
    if not summary:
        fail(f"gateway {' '.join(args)}: no summary line")
    return lines[:-1], summary


def events_of(lines, name):
    return [(e["type"], e["time"], e["value"]) for e in lines if e.get("name") == name]


# --- the data ---------------------------------------------------------------------------------
rng = random.Random(20261203)
devices, steps, t0 = 120, 300, 1.7e9
spike_dev, spike_step = 7, 250
shift_dev, shift_step = 13, 150


def reading(d, s):
    v = 1000 + 10 * d + 50 * math.sin(2 * math.pi * s / 48 + d) + rng.gauss(0, 5)
    if d == spike_dev and s == spike_step:
        v += 400
    if d == shift_dev and s >= shift_step:
        v += 150
    return round(v, 3)


packs = []        # (text, records it contributes when valid, valid?)
per_device = {}   # device -> its packs, in order
for s in range(steps):
    order = list(range(devices))
    rng.shuffle(order)
    for d in order:
        bt = t0 + 60 * s
        text = json.dumps([{"bn": f"site1/meter{d}:", "bt": bt, "bu": "W"}, {"n": "power", "v": reading(d, s)}],
                          separators=(",", ":"))
        packs.append(text)
        per_device.setdefault(d, []).append(text)

records = len(packs)
bad = [
    '[{"n":"site1/x","v":1}',                              # truncated
    '[{"n":"site1/x","v":1,"x_":2}]',                      # must-understand field
    '[{"n":"site1/x","v":1,"vs":"on"}]',                   # two values
    '{"n":"site1/x","v":1}',                               # not a pack
    '[{"n":"site1/good","v":1},{"n":"bad name","v":2}]',   # a good record before a bad one
]
extra = [
    # unknown fields are skipped, nested values too
    ('[{"bn":"site1/meter0:","n":"temp","v":21.5,"note":{"a":[1,{"b":2}]}}]', 1),
    # text and boolean readings are not scored
    ('[{"bn":"site1/meter1:","n":"state","vs":"on"},{"n":"door","vb":true}]', 2),
    # a name of 70 characters
    ('[{"n":"' + "n" * 70 + '","v":3}]', 1),
    # a reading older than its stream's newest (meter3's power, 10 minutes back)
    (json.dumps([{"bn": "site1/meter3:", "n": "power", "t": t0 + 60 * (steps - 10), "v": 1000}]), 1),
]
lines_out = []
for i, text in enumerate(packs):
    lines_out.append(text)
    if i == len(packs) // 2:
        lines_out.extend(bad)
        lines_out.append("")                               # blank lines are no packs
lines_out.extend(t for t, _ in extra)
data = os.path.join(work, "streams.senml")
with open(data, "w") as f:
    f.write("\n".join(lines_out) + "\n")

# --- the whole file ---------------------------------------------------------------------------
args = ["--input", data, "--warmup", "100"]
events, summary = run(args)
want = {
    "packs": len(packs) + len(bad) + len(extra),
    "bad_packs": len(bad),
    "records": records + sum(n for _, n in extra),
    "non_numeric": 2,
    "long_names": 1,
    "out_of_order": 1,
    "non_finite": 0,
    "scored": records + 1,                                  # meter0's temp is a stream too
    "streams": devices + 1,
    "evicted": 0,
}
for k, v in want.items():
    if summary.get(k) != v:
        fail(f"summary {k} = {summary.get(k)}, want {v}")
bad_lines = [e for e in events if e["type"] == "bad_pack"]
if [e["pack"] for e in bad_lines] != [len(packs) // 2 + 2 + i for i in range(len(bad))]:
    fail(f"bad_pack lines name packs {[e['pack'] for e in bad_lines]}")
if any(e.get("name") == "site1/good" for e in events) or summary.get("streams") != devices + 1:
    fail("a record of a refused pack was used")

spike_name, shift_name = f"site1/meter{spike_dev}:power", f"site1/meter{shift_dev}:power"
spike_time = t0 + 60 * spike_step
anomalies = [e for e in events if e["type"] == "anomaly" and e["name"] == spike_name]
if not any(e["time"] == spike_time for e in anomalies):
    fail(f"no anomaly at the spike ({spike_time}) of {spike_name}: {anomalies}")
# ADWIN on the score (the default) stays quiet on the daily cycles the detectors model ...
quiet = [e for e in events if e["type"] == "drift" and e["name"] not in (spike_name, shift_name)]
if quiet:
    fail(f"--drift score: {len(quiet)} drifts on streams without a change, first {quiet[0]}")
# ... ADWIN on the reading finds the shift (and the cycles' turns, which is why it is not the default).
ev_level, sum_level = run(args + ["--drift", "level"])
drifts = [e for e in ev_level if e["type"] == "drift" and e["name"] == shift_name]
if not any(t0 + 60 * shift_step <= e["time"] <= t0 + 60 * (shift_step + 40) for e in drifts):
    fail(f"--drift level: no drift within 40 readings of the shift of {shift_name}: {drifts}")
ev_off, _ = run(args + ["--drift", "off"])
if any(e["type"] == "drift" for e in ev_off) or [e for e in ev_off if e["type"] != "drift"] != \
        [e for e in events if e["type"] != "drift"]:
    fail("--drift off: drift lines, or other events than with ADWIN on")
print(f"whole file: {summary.get('packs')} packs, {len(events)} events, {summary.get('anomalies')} anomalies, "
      f"{summary.get('drifts')} drifts ({sum_level.get('drifts')} on the level), {summary.get('seconds')} s, "
      f"{summary.get('bytes_per_stream')} B a stream")

# --- --drift level with --drift-window: a step found, a cycle left alone ------------------------
# 10 streams with a 48-reading cycle (amplitude 50, noise 5), 1,200 readings each; at reading 800
# meter3 steps up by 150 and meter6 by 40 (less than the cycle's amplitude).
cyc_rng = random.Random(5)
cyclic = os.path.join(work, "cyclic.senml")
with open(cyclic, "w") as f:
    for s in range(1200):
        for d in range(10):
            v = 1000 + 10 * d + 50 * math.sin(2 * math.pi * s / 48 + d) + cyc_rng.gauss(0, 5)
            v += 150 if d == 3 and s >= 800 else 40 if d == 6 and s >= 800 else 0
            f.write(json.dumps([{"bn": f"site1/meter{d}:", "bt": t0 + 60 * s, "n": "power", "v": round(v, 3)}],
                               separators=(",", ":")) + "\n")


def drift_steps(lines):
    """{stream: [reading index of each drift event]}."""
    out = {}
    for e in lines:
        if e["type"] == "drift":
            out.setdefault(e["name"], []).append(round((e["time"] - t0) / 60))
    return out


step_streams = {"site1/meter3:power": 100, "site1/meter6:power": 150}  # found within this many readings
ev_w, _ = run(["--input", cyclic, "--warmup", "100", "--drift", "level", "--drift-window", "96"])
found = drift_steps(ev_w)
if set(found) != set(step_streams) or \
        any(not (800 <= found[n][0] <= 800 + within) for n, within in step_streams.items()):
    fail(f"--drift level --drift-window 96: drifts at {found}, want one on each stepped stream soon after 800 and "
         "none on the 8 cyclic streams")
ev_w5, _ = run(["--input", cyclic, "--warmup", "100", "--drift", "level"])
cyclic_drifts = {n for n in drift_steps(ev_w5) if n not in step_streams}
if len(cyclic_drifts) < 5:  # the control: the default window does fire on the cycle
    fail(f"--drift level (window 5): drifts on only {len(cyclic_drifts)} of the 8 cyclic streams")
print(f"--drift-window 96: drifts {found}; window 5: drifts on {len(cyclic_drifts)} of 8 cyclic streams")

# --- --silent: streams that stop reporting, and come back ---------------------------------------
# 10 meters every minute for 200 minutes; meter4 skips minutes 100-129, meter7 stops after 149.
quiet_file = os.path.join(work, "silent.senml")
with open(quiet_file, "w") as f:
    for s in range(200):
        for d in range(10):
            if (d == 4 and 100 <= s < 130) or (d == 7 and s >= 150):
                continue
            f.write(json.dumps([{"bn": f"site1/meter{d}:", "bt": t0 + 60 * s, "n": "power", "v": 1000 + d + s % 5}],
                               separators=(",", ":")) + "\n")
want_silence = [("silent", "site1/meter4:power", t0 + 60 * 99, 600), ("resumed", "site1/meter4:power", t0 + 60 * 130, 1860),
                ("silent", "site1/meter7:power", t0 + 60 * 149, 600)]
for threads in ("1", "2"):
    ev_q, sum_q = run(["--input", quiet_file, "--detector", "zscore", "--silent", "600", "--threads", threads])
    got = [(e["type"], e["name"], e.get("last", e.get("time")), e.get("for", e.get("after")))
           for e in ev_q if e["type"] in ("silent", "resumed")]
    if got != want_silence or (sum_q.get("silent"), sum_q.get("resumed")) != (2, 1):
        fail(f"--silent 600 --threads {threads}: {got}, summary {sum_q.get('silent')} / {sum_q.get('resumed')}; "
             f"want {want_silence}")
ev_q, _ = run(["--input", quiet_file, "--detector", "zscore"])
if any(e["type"] in ("silent", "resumed") for e in ev_q):
    fail("without --silent: silent or resumed events")

# --- isolation: a stream's events alone ------------------------------------------------------
for d in (spike_dev, shift_dev):
    alone = os.path.join(work, f"meter{d}.senml")
    with open(alone, "w") as f:
        f.write("\n".join(per_device[d]) + "\n")
    ev_alone, _ = run(["--input", alone, "--warmup", "100"])
    name = f"site1/meter{d}:power"
    if events_of(ev_alone, name) != events_of(events, name):
        fail(f"{name}: events differ when the other streams are absent")

# --- stdin --------------------------------------------------------------------------------------
with open(data) as f:
    ev_stdin, sum_stdin = run(["--input", "-", "--warmup", "100"], stdin=f.read())
if ev_stdin != events or {k: v for k, v in sum_stdin.items() if k != "seconds"} != \
        {k: v for k, v in summary.items() if k != "seconds"}:
    fail("stdin output differs from the file's")

# --- --threads: streams sharded over tables scored on their own threads ---------------------------
def by_stream(lines):
    """Each stream's events in order, and the bad packs: what sharding must keep."""
    out = {}
    for e in lines:
        out.setdefault(e.get("name", "bad_pack"), []).append(e)
    return out


for threads in (2, 3):
    ev_t, sum_t = run(args + ["--threads", str(threads)])
    if by_stream(ev_t) != by_stream(events):
        fail(f"--threads {threads}: the streams' events differ from one thread's")
    same = ("packs", "bad_packs", "records", "scored", "non_numeric", "non_finite", "long_names", "out_of_order",
            "anomalies", "drifts", "streams", "evicted")
    if any(sum_t.get(k) != summary.get(k) for k in same) or \
            (sum_t.get("threads"), sum_t.get("capacity")) != (threads, 4096 * threads):
        fail(f"--threads {threads}: summary {sum_t}, one thread's {summary}")
# --drift level's many events (every cycle's turn) make the sharper check of each stream's order.
ev_level_t, _ = run(args + ["--drift", "level", "--threads", "2"])
if by_stream(ev_level_t) != by_stream(ev_level) or len(ev_level_t) != len(ev_level):
    fail("--threads 2 --drift level: the streams' events differ from one thread's")

# --- --state: two runs, the second restoring what the first saved, give the events of one run ----
state = os.path.join(work, "gateway.state")
if os.path.exists(state):
    os.remove(state)
half = len(lines_out) // 2
parts = [os.path.join(work, "first.senml"), os.path.join(work, "second.senml")]
for path, chunk in zip(parts, (lines_out[:half], lines_out[half:])):
    with open(path, "w") as f:
        f.write("\n".join(chunk) + "\n")


def scored_events(lines):
    return [e for e in lines if e["type"] in ("anomaly", "drift")]


ev1, s1 = run(["--input", parts[0], "--warmup", "100", "--state", state])
ev2, s2 = run(["--input", parts[1], "--warmup", "100", "--state", state])
if (s1.get("restored"), s2.get("restored")) != (False, True):
    fail(f"--state: restored {s1.get('restored')} then {s2.get('restored')}, want false then true")
if scored_events(ev1) + scored_events(ev2) != scored_events(events) or s2.get("streams") != summary.get("streams"):
    fail("--state: the two halves' events differ from the whole file's")
with open(state, "rb") as f:
    saved = f.read()
for label, damaged, extra_args in [("truncated", saved[: len(saved) // 2], []),
                                   ("one byte changed", saved[:100] + bytes([saved[100] ^ 1]) + saved[101:], []),
                                   ("another detector", saved, ["--detector", "zscore"])]:
    with open(state, "wb") as f:
        f.write(damaged)
    p = subprocess.run([nerve, "gateway", "--input", parts[1], "--warmup", "100", "--state", state, *extra_args],
                       capture_output=True, text=True)
    fresh = subprocess.run([nerve, "gateway", "--input", parts[1], "--warmup", "100", *extra_args],
                           capture_output=True, text=True)
    got = [json.loads(line) for line in p.stdout.splitlines()]
    want_fresh = [json.loads(line) for line in fresh.stdout.splitlines()]
    if p.returncode != 0 or "not restored" not in p.stderr or got[-1].get("restored") is not False or \
            scored_events(got) != scored_events(want_fresh):
        fail(f"--state {label}: exit {p.returncode}, stderr {p.stderr.strip()!r}, not a fresh start")

# --- --state with --threads 2: one file per shard, the two halves give one run's events --------
state2 = os.path.join(work, "gateway2.state")
for old in os.listdir(work):                             # a previous run's shard files
    if old.startswith("gateway2.state."):
        os.remove(os.path.join(work, old))
ev1, s1 = run(["--input", parts[0], "--warmup", "100", "--state", state2, "--threads", "2"])
ev2, s2 = run(["--input", parts[1], "--warmup", "100", "--state", state2, "--threads", "2"])
if not all(os.path.exists(f"{state2}.{k}-of-2") for k in (1, 2)) or s2.get("restored") is not True or \
        by_stream(scored_events(ev1) + scored_events(ev2)) != by_stream(scored_events(events)):
    fail(f"--state with --threads 2: restored {s2.get('restored')}, or the halves' events differ from one run's")
p = subprocess.run([nerve, "gateway", "--input", parts[1], "--warmup", "100", "--state", state2, "--threads", "3"],
                   capture_output=True, text=True)
if p.returncode != 0 or "saved with --threads 2, not 3" not in p.stderr or '"restored":false' not in p.stdout:
    fail(f"--state saved with 2 threads, run with 3: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# --- eviction ---------------------------------------------------------------------------------
many = os.path.join(work, "many.senml")
with open(many, "w") as f:
    for i in range(4100):
        f.write(f'[{{"n":"s{i}","v":1}}]\n')
    f.write('[{"n":"s0","v":1}]\n')                     # s0 was evicted: it comes back fresh
_, sum_many = run(["--input", many, "--detector", "zscore"])
if (sum_many.get("streams"), sum_many.get("evicted")) != (4096, 5):
    fail(f"4,101 packs over 4,100 names: streams {sum_many.get('streams')}, evicted {sum_many.get('evicted')}, "
         "want 4096 and 5")

# --- lines at and over SenML's 1 MiB limit -----------------------------------------------------
limit = 1 << 20
record = ',{"n":"big","v":1}'


def pack_of_length(n):
    """A valid pack of exactly n bytes: records, then spaces before the closing bracket."""
    body = '[{"bn":"site1/","n":"big","v":1}' + record * ((n - 40) // len(record))
    return body + " " * (n - len(body) - 1) + "]"


exact = pack_of_length(limit)
over = pack_of_length(limit + 1)
# Cut at the limit, this line would be `exact` followed by its '\r': a reader that kept only the
# first 1 MiB + 1 byte and stripped the '\r' would take it for a valid pack.
disguised = exact + "\r" + "x" * (3 * limit)
endless = "[" + " " * (64 * limit)                       # 64 MiB, no end of pack
big = os.path.join(work, "big.senml")
with open(big, "w", newline="") as f:
    f.write("\n".join([exact + "\r", over, disguised, endless, '[{"n":"site1/after","v":2}]']) + "\n")
ev_big, sum_big = run(["--input", big, "--detector", "zscore"])
big_bad = [e for e in ev_big if e["type"] == "bad_pack"]
if [e["pack"] for e in big_bad] != [2, 3, 4] or not all("longer than" in e["error"] for e in big_bad):
    fail(f"packs over 1 MiB: bad_pack lines {[(e['pack'], e['error'][:40]) for e in big_bad]}, want packs 2, 3, 4 "
         "refused for their length")
if (sum_big.get("packs"), sum_big.get("bad_packs"), sum_big.get("streams")) != (5, 3, 2):
    fail(f"packs over 1 MiB: packs {sum_big.get('packs')}, bad {sum_big.get('bad_packs')}, streams "
         f"{sum_big.get('streams')}, want 5, 3 and 2 (the 1 MiB pack's and the one after)")


def peak_rss_kib(args):
    """The gateway's peak resident memory in KiB. It runs under a fresh, small Python: a child
    forked from this one would start its count at this process's size."""
    probe = ("import resource, subprocess, sys\n"
             "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if rc == 0 else -1)\n")
    p = subprocess.run([sys.executable, "-c", probe, nerve, "gateway", *args], capture_output=True, text=True)
    kib = int(p.stdout.strip() or -1)
    return kib if kib > 0 else None


small = os.path.join(work, "small.senml")
with open(small, "w") as f:
    f.write('[{"n":"site1/after","v":2}]\n')
rss_small = peak_rss_kib(["--input", small, "--detector", "zscore"])
rss_big = peak_rss_kib(["--input", big, "--detector", "zscore"])
# The 64 MiB line is never held: the big file costs at most its 1 MiB packs over the small one's.
if rss_small is None or rss_big is None or rss_big - rss_small > 16 * 1024:
    fail(f"peak memory {rss_big} KiB with the 64 MiB line, {rss_small} KiB without: the line was held")
print(f"packs over 1 MiB: 3 refused, the 1 MiB pack read; peak memory {rss_big} KiB against {rss_small} KiB "
      "without them")

# --- bad invocations ------------------------------------------------------------------------------
for bad_args, message in [
    ([], "either --input"),
    (["--input", data, "--detector", "nope"], "unknown detector"),
    (["--input", os.path.join(work, "absent.senml")], "cannot read"),
    (["--mqtt", "tcp://127.0.0.1:1"], "--mqtt needs --topic"),
    (["--input", data, "--drift", "mean"], "--drift is score, level or off"),
    (["--input", data, "--publish", "x"], "--publish needs --mqtt"),
]:
    p = subprocess.run([nerve, "gateway", *bad_args], capture_output=True, text=True)
    if p.returncode != 1 or message not in p.stderr:
        fail(f"gateway {' '.join(bad_args)}: exit {p.returncode}, stderr {p.stderr.strip()!r}")

for bad_args in (["--drift-window", "0"], ["--threads", "0"], ["--threads", "65"]):  # CLI11's range checks
    p = subprocess.run([nerve, "gateway", "--input", data, *bad_args], capture_output=True, text=True)
    if p.returncode == 0 or bad_args[0] not in p.stderr:
        fail(f"gateway {' '.join(bad_args)}: exit {p.returncode}, stderr {p.stderr.strip()!r}")

# --- MQTT ---------------------------------------------------------------------------------------
probe = subprocess.run([nerve, "gateway", "--mqtt", "tcp://127.0.0.1:1", "--topic", "x", "--messages", "1"],
                       capture_output=True, text=True)
mosquitto = shutil.which("mosquitto") or ("/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None)
if "built without MQTT" in probe.stderr or not mosquitto or not shutil.which("mosquitto_pub"):
    print("MQTT: skipped (tool built without Paho, or no mosquitto / mosquitto_pub)")
else:
    if probe.returncode != 1 or "cannot connect" not in probe.stderr:
        fail(f"MQTT to a closed port: exit {probe.returncode}, {probe.stderr.strip()!r}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n")
    broker = subprocess.Popen([mosquitto, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):                               # wait for the broker's port
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        subset = [p for p in lines_out if p][:3000] + bad
        # A subscriber to the events topic, ready once it has received one of our probes.
        sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", "nerve/events"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        received = []
        reader = threading.Thread(target=lambda: received.extend(iter(sub.stdout.readline, "")), daemon=True)
        reader.start()
        for _ in range(100):
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", "nerve/events", "-m", "probe"])
            time.sleep(0.1)
            if received:
                break
        gw = subprocess.Popen([nerve, "gateway", "--mqtt", f"tcp://127.0.0.1:{port}", "--topic", "site1/+/senml",
                               "--messages", str(len(subset)), "--idle", "60", "--warmup", "100",
                               "--publish", "nerve/events", "--threads", "2"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = gw.stdout.readline()
        if '"listening"' not in first:
            fail(f"MQTT: gateway did not start listening: {first!r}")
        pub = subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", "site1/meter/senml",
                              "-q", "1", "-l"], input="\n".join(subset) + "\n", capture_output=True, text=True)
        if pub.returncode != 0:
            fail(f"mosquitto_pub failed: {pub.stderr.strip()}")
        out, err = gw.communicate(timeout=120)
        if gw.returncode != 0:
            fail(f"MQTT gateway exited {gw.returncode}: {err.strip()}")
        mq = [json.loads(line) for line in out.splitlines()]
        sub_file = os.path.join(work, "subset.senml")
        with open(sub_file, "w") as f:
            f.write("\n".join(subset) + "\n")
        ev_file, sum_file = run(["--input", sub_file, "--warmup", "100"])
        mq_events, mq_summary = mq[:-1], mq[-1]
        if by_stream(mq_events) != by_stream(ev_file):  # two shards: each stream's events in order
            fail(f"MQTT events differ from the file's ({len(mq_events)} against {len(ev_file)})")
        for k in ("packs", "bad_packs", "records", "scored", "anomalies", "drifts", "streams"):
            if mq_summary.get(k) != sum_file.get(k):
                fail(f"MQTT summary {k} = {mq_summary.get(k)}, file's {sum_file.get(k)}")
        for _ in range(100):                               # the published events reach the subscriber
            if len([r for r in received if r.strip() != "probe"]) >= len(mq_events):
                break
            time.sleep(0.1)
        sub.terminate()
        published = [json.loads(r) for r in received if r.strip() != "probe"]
        if published != mq_events:
            fail(f"--publish: {len(published)} events on nerve/events, the tool printed {len(mq_events)}")
        # --silent on the wall clock: two streams heard once, then nothing until --idle ends the run.
        gw = subprocess.Popen([nerve, "gateway", "--mqtt", f"tcp://127.0.0.1:{port}", "--topic", "site1/+/senml",
                               "--idle", "3", "--silent", "1", "--threads", "2", "--detector", "zscore"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        gw.stdout.readline()                               # listening
        for d in (1, 2):
            subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-t", "site1/meter/senml", "-q", "1",
                            "-m", json.dumps([{"n": f"site1/quiet{d}", "v": 1}])])
        out, err = gw.communicate(timeout=60)
        quiet = sorted(json.loads(line)["name"] for line in out.splitlines() if '"type":"silent"' in line)
        if gw.returncode != 0 or quiet != ["site1/quiet1", "site1/quiet2"]:
            fail(f"MQTT --silent 1: exit {gw.returncode}, silent streams {quiet}, want both; {err.strip()!r}")
        print(f"MQTT (--threads 2): {mq_summary.get('packs')} messages through mosquitto on port {port}, "
              f"{len(mq_events)} events as from the file, the same {len(published)} published to nerve/events")
    finally:
        broker.terminate()
        broker.wait(timeout=10)

print("check_gateway:", "FAILED" if failures else "ok")
sys.exit(1 if failures else 0)
