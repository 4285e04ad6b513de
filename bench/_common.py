"""Shared by the peer adapters (standard library only, so it imports in every venv).

Each adapter is run as ``python peer_X.py NET.json --dist DIST --iterations N --seed S``
and prints exactly one JSON line on stdout:

    {"tool", "version", "network", "activities", "iterations", "distribution",
     "p10_days", "p50_days", "p80_days", "p90_days", "seconds", "resolution_days", "notes"}

``*_days`` are days from the network start to the project finish (the latest finish of
any activity). ``seconds`` covers the peer's simulation call plus reading the quantiles
out of its result; building the peer's input objects and importing it are excluded (the
caller measures the whole process separately). Any quantile a peer does not report is
null. ``resolution_days`` is the granularity of the peer's reported quantiles (0 when
they are continuous).

Distribution names used throughout the benchmark:
  tri       triangular(min, mode, max)
  pert4     beta-PERT with lambda = 4: Beta(1 + 4(m-a)/(b-a), 1 + 4(b-m)/(b-a)) on [a, b]
  pert-mom  Beta on [a, b] fitted by the method of moments to mean (a+4m+b)/6 and
            standard deviation (b-a)/6 (trueppm-scheduler's definition)
"""

from __future__ import annotations

import argparse
import json
import sys

DISTRIBUTIONS = ("tri", "pert4", "pert-mom")


def parse_args(tool: str, supported: tuple[str, ...], unsupported: dict[str, str]):
    ap = argparse.ArgumentParser(description=f"run the benchmark network with {tool}")
    ap.add_argument("network", help="net-N.json written by gen_network.py")
    ap.add_argument("--dist", required=True, choices=DISTRIBUTIONS)
    ap.add_argument("--iterations", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.dist not in supported:
        why = unsupported.get(args.dist, f"{tool} has no {args.dist} distribution")
        print(json.dumps({"tool": tool, "distribution": args.dist, "unsupported": why}))
        sys.exit(3)
    return args


def load_network(path: str) -> dict:
    with open(path) as f:
        net = json.load(f)
    if net.get("format") != "launchcast-bench-network/1":
        sys.exit(f"{path}: not a benchmark network (format {net.get('format')!r})")
    return net


def emit(tool: str, version: str, net: dict, path: str, iterations: int, dist: str,
         quantiles: dict, seconds: float, resolution_days: float = 0.0,
         notes: str = "") -> None:
    rec = {
        "tool": tool,
        "version": version,
        "network": path,
        "activities": net["activities"],
        "iterations": iterations,
        "distribution": dist,
        "p10_days": quantiles.get(10),
        "p50_days": quantiles.get(50),
        "p80_days": quantiles.get(80),
        "p90_days": quantiles.get(90),
        "seconds": seconds,
        "resolution_days": resolution_days,
        "notes": notes,
    }
    print(json.dumps(rec))
