#!/usr/bin/env python3
"""Typical sizes: the whole-process time and peak memory of the runs people make.

    bench/typical.py                       # this tree's release binary, medians of 3
    bench/typical.py --base OLD_BINARY     # before (OLD_BINARY) and after, alternating
    bench/typical.py --pmcontrols          # adds pmcontrols' throughput on the 1,000 network
    bench/typical.py --reps 5 --only 10k   # rows whose label contains "10k"

Standard library only (pmcontrols goes into bench/.venv, created from the pinned
requirements-peers.txt if missing). Builds `target/release/launchcast` unless `--new` names a
binary. Networks come from gen_network.py (seed 42) into bench/out/typical/: 1,000 and 10,000
activities as one chain-like network, 100,000 as 10 interleaved streams (so that its longest
path fits the 100-year horizon limit).

Every row runs the whole process (read the model, validate, compile, simulate, statistics,
drivers unless `--no-drivers`, write the JSON to a file) and is timed from outside. Each
repetition runs every row once per binary, alternating which binary goes first, so that the
machine's drift falls on both; the table shows medians. Peak memory is the child's maximum
resident set (`os.wait4`). Activity-samples/s = activities x iterations / median seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

# Benchmark runs are not forecasts to remember: no history database beside the networks.
os.environ["LAUNCHCAST_HISTORY"] = "off"

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out", "typical")

# (label, network, extra arguments, iterations). Network keys: see networks().
ROWS = [
    ("10k x 1,000, --no-drivers", "10k", ["--no-drivers"], 1_000),
    ("10k x 20,000, --no-drivers", "10k", ["--no-drivers"], 20_000),
    ("10k x 10,000, --no-drivers", "10k", ["--no-drivers"], 10_000),
    ("10k x 10,000, default (drivers)", "10k", [], 10_000),
    ("1k x 200,000, --no-drivers", "1k", ["--no-drivers"], 200_000),
    ("1k x 200,000, --no-drivers, PERT", "1k-pert", ["--no-drivers"], 200_000),
    ("1k x 10,000, --no-drivers", "1k", ["--no-drivers"], 10_000),
    ("1k x 10,000, default (drivers)", "1k", [], 10_000),
    ("100k x 10,000, --no-drivers", "100k", ["--no-drivers"], 10_000),
    ("100k x 10,000, default (drivers)", "100k", [], 10_000),
    ("check, 10k tasks", "10k", None, 0),
]


def networks() -> dict[str, tuple[str, int]]:
    """Generates the networks once; returns key -> (model path, activities)."""
    made = {}
    for key, n, streams, dist in (("1k", 1000, 1, "tri"), ("1k-pert", 1000, 1, "pert"),
                                  ("10k", 10000, 1, "tri"), ("100k", 100000, 10, "tri")):
        d = os.path.join(OUT, f"s{streams}")
        model = os.path.join(d, f"lc-{n}-{dist}.toml")
        if not os.path.exists(model):
            subprocess.run([sys.executable, os.path.join(BENCH, "gen_network.py"), "-n", str(n),
                            "--streams", str(streams), "--out", d], check=True,
                           stdout=subprocess.DEVNULL)
        made[key] = (model, n)
    return made


def timed(cmd: list[str]) -> tuple[float, float]:
    """Runs `cmd` to the end; returns (seconds, peak resident MB). Fails loudly."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace") if p.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"typical: {' '.join(cmd)} failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024.0


def command(binary: str, model: str, extra: list[str] | None, iterations: int) -> list[str]:
    if extra is None:
        return [binary, "check", model]
    return [binary, "run", model, "-n", str(iterations), "-q",
            "--json", os.path.join(OUT, "result.json"), *extra]


def pmcontrols_rate(net_json: str, reps: int) -> float | None:
    """pmcontrols' activity-samples/s on the 1,000 network (its simulation call only)."""
    venv = os.path.join(BENCH, ".venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        print("typical: creating bench/.venv for pmcontrols", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-r", os.path.join(BENCH, "requirements-peers.txt")], check=True)
    rates = []
    for _ in range(reps):
        p = subprocess.run([py, os.path.join(BENCH, "peer_pmcontrols.py"), net_json,
                            "--dist", "pert4", "--iterations", "20000", "--seed", "1"],
                           capture_output=True, text=True, check=True)
        rec = json.loads([ln for ln in p.stdout.splitlines() if ln.startswith("{")][-1])
        rates.append(rec["activities"] * rec["iterations"] / rec["seconds"])
    return statistics.median(rates)


def fmt_rate(x: float) -> str:
    return f"{x / 1e9:.2f} G" if x >= 1e9 else f"{x / 1e6:.0f} M"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="binary to compare against (before)")
    ap.add_argument("--new", help="binary to measure (default: build target/release/launchcast)")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--only", default="", help="run only rows whose label contains this")
    ap.add_argument("--pmcontrols", action="store_true",
                    help="also measure pmcontrols on the 1,000 network (PERT)")
    a = ap.parse_args()
    new = a.new
    if not new:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "launchcast"], cwd=ROOT,
                       check=True)
        new = os.path.join(ROOT, "target", "release", "launchcast")
    os.makedirs(OUT, exist_ok=True)
    nets = networks()
    rows = [r for r in ROWS if a.only in r[0]]
    binaries = [("before", a.base), ("after", new)] if a.base else [("after", new)]
    times: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for rep in range(a.reps):
        for label, key, extra, iterations in rows:
            order = binaries if rep % 2 == 0 else binaries[::-1]
            for name, binary in order:
                cmd = command(binary, nets[key][0], extra, iterations)
                times.setdefault((label, name), []).append(timed(cmd))
        print(f"typical: repetition {rep + 1} of {a.reps} done", file=sys.stderr)

    head = "| run | "
    if a.base:
        head += "before s | before MB | "
    head += "after s | after MB | activity-samples/s |"
    if a.base:
        head += " speed-up |"
    print(head)
    print("|" + " --- |" + " ---: |" * (head.count("|") - 2))
    medians = {}
    for label, key, extra, iterations in rows:
        line = f"| {label} |"
        for name, _ in binaries:
            runs = times[(label, name)]
            s = statistics.median(t for t, _ in runs)
            mb = max(m for _, m in runs)
            medians[(label, name)] = s
            line += f" {s:.2f} | {mb:.0f} |"
        s = medians[(label, "after")]
        samples = nets[key][1] * iterations
        line += f" {fmt_rate(samples / s)} |" if samples else " |"
        if a.base:
            line += f" {medians[(label, 'before')] / s:.1f}x |"
        print(line)
    for label in ("10k x 10,000", "1k x 10,000", "100k x 10,000"):
        d, nd = f"{label}, default (drivers)", f"{label}, --no-drivers"
        if (d, "after") in medians and (nd, "after") in medians:
            print(f"\ndrivers on / off, {label}: "
                  f"{medians[(d, 'after')] / medians[(nd, 'after')]:.1f}x", end="")
    print()
    pert = "1k x 200,000, --no-drivers, PERT"
    if a.pmcontrols and (pert, "after") in medians:
        net_json = os.path.join(os.path.dirname(nets["1k-pert"][0]), "net-1000.json")
        pm = pmcontrols_rate(net_json, a.reps)
        lc = 1000 * 200_000 / medians[(pert, "after")]
        print(f"pmcontrols, 1k x 20,000 PERT: {fmt_rate(pm)} activity-samples/s; "
              f"launchcast 1k x 200,000 PERT, whole process: {fmt_rate(lc)} = {lc / pm:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
