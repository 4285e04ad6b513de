#!/usr/bin/env python3
"""Run one benchmark job, time the whole process, append one JSON record to a JSONL file.

    run_one.py RESULTS.jsonl --rep K peer  -- PYTHON bench/peer_X.py NET.json --dist D ...
    run_one.py RESULTS.jsonl --rep K launchcast --dist D --activities N --json OUT.json \
        -- target/release/launchcast run MODEL.toml --iterations N --seed S --json OUT.json

Standard library only. For a peer, the record is the adapter's JSON line plus
``process_seconds`` (whole process: interpreter start, imports, building the peer's
input, simulation, output). For launchcast, the record is read from its --json result:
the project finish quantiles are ``scenarios[0].first_delivery.p*_days`` and
``seconds`` = ``process_seconds`` (whole process, including reading the model and
writing the JSON). A job that fails is recorded with an ``error`` and does not stop the
benchmark; an adapter that exits 3 reports a distribution its peer cannot express.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

# Benchmark runs are not forecasts to remember: no history database beside the networks.
os.environ["LAUNCHCAST_HISTORY"] = "off"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--rep", type=int, default=1)
    ap.add_argument("kind", choices=("peer", "launchcast"))
    ap.add_argument("--dist")
    ap.add_argument("--activities", type=int)
    ap.add_argument("--json")
    ap.add_argument("--threads", default="")
    argv = sys.argv[1:]
    if "--" not in argv:
        ap.error("the command to run follows '--'")
    cut = argv.index("--")
    a = ap.parse_args(argv[:cut])
    cmd = argv[cut + 1:]

    if a.kind == "launchcast" and a.json and os.path.exists(a.json):
        os.remove(a.json)  # never read a stale result
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0

    rec: dict
    if a.kind == "peer":
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
        if p.returncode == 3 and lines:
            rec = json.loads(lines[-1])
        elif p.returncode == 0 and lines:
            rec = json.loads(lines[-1])
            rec["process_seconds"] = wall
        else:
            rec = {"tool": cmd[1] if len(cmd) > 1 else "?", "distribution": a.dist,
                   "error": f"exit {p.returncode}: {p.stderr.strip()[-600:]}"}
    else:
        rec = {"tool": "launchcast", "distribution": a.dist, "activities": a.activities,
               "threads": a.threads or "default"}
        try:
            if p.returncode != 0:
                raise RuntimeError(f"exit {p.returncode}: {p.stderr.strip()[-600:]}")
            with open(a.json) as f:
                out = json.load(f)
            fd = out["scenarios"][0]["first_delivery"]
            rec.update({
                "version": out.get("launchcast"),
                "iterations": out["iterations"],
                "p10_days": fd.get("p10_days"), "p50_days": fd["p50_days"],
                "p80_days": fd["p80_days"], "p90_days": fd.get("p90_days"),
                "probability": fd.get("probability"),
                "seconds": wall, "process_seconds": wall, "resolution_days": 0.0,
                "notes": "whole process: parse model, simulate, write JSON",
            })
            if fd.get("probability") not in (None, 1, 1.0):
                rec["notes"] += f"; WARNING: finish probability {fd['probability']} (horizon?)"
        except Exception as e:  # noqa: BLE001 - any failure is recorded, not fatal
            rec["error"] = str(e)
    rec["rep"] = a.rep
    with open(a.results, "a") as f:
        f.write(json.dumps(rec) + "\n")
    if "error" in rec:
        print(f"  {rec['tool']} {a.dist}: FAILED: {rec['error'][:300]}", file=sys.stderr)
    elif "unsupported" in rec:
        print(f"  {rec['tool']} {rec['distribution']}: not run: {rec['unsupported']}")
    else:
        print(f"  {rec['tool']:<18} {rec['distribution']:<9} n={rec['iterations']:<8} "
              f"P50={rec['p50_days']:.1f} P80={rec['p80_days']:.1f} "
              f"sim={rec['seconds']:.2f}s process={rec['process_seconds']:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
