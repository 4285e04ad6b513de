#!/usr/bin/env python3
"""Latency of `launchcast serve` what-ifs, as the page makes them: one client, then 8 at once.

    bench/serve.py [--binary target/release/launchcast] [--iterations 100000]
                   [--requests 40] [--clients 1,8] [--page]

Starts `launchcast serve --port 0 --no-open --no-history` on the bundled example, reads the
address and token from its first line, and sends what-ifs that each move the licence chance
(a different value every request, so that no answer can be reused), timing each from the
request to the last byte of the answer. `--page` asks for the page's answer (the report's
sections rendered as HTML, as the browser gets it) instead of the JSON result. With N
clients, N threads each send their share of the requests back to back (a closed loop: each
request waits for the other clients' runs); with `--burst`, the N clients instead send one
request each at the same moment, in rounds, as people in a room moving controls at once.
Prints the median, P95 and the slowest per client count, and fails (exit 1) if any request
failed.
Standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

os.environ["LAUNCHCAST_HISTORY"] = "off"


def start(binary: str, max_iterations: int) -> tuple[subprocess.Popen, int, str]:
    proc = subprocess.Popen(
        [binary, "serve", "--port", "0", "--no-open", "--no-history",
         "--max-iterations", str(max_iterations)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    url = line.rsplit(" ", 1)[-1]
    hostport, token = url.removeprefix("http://").split("/?token=")
    return proc, int(hostport.rsplit(":", 1)[1]), token


PHASES: dict[str, list[float]] = {}


def one(port: int, token: str, path: str, body: dict) -> tuple[float, int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    data = json.dumps(body)
    t0 = time.perf_counter()
    conn.request("POST", path, data, {"Authorization": f"Bearer {token}",
                                      "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    took = time.perf_counter() - t0
    for part in (r.getheader("server-timing") or "").split(","):
        name, _, dur = part.strip().partition(";dur=")
        if dur:
            PHASES.setdefault(name, []).append(float(dur))
    conn.close()
    return took, r.status


def run(port: int, token: str, clients: int, requests: int, iterations: int, path: str,
        burst: bool = False):
    times: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    rounds = max(1, requests // clients)
    barrier = threading.Barrier(clients)

    def worker():
        done = 0
        while True:
            if burst:
                if done == rounds:
                    return
                barrier.wait()
                done += 1
            with lock:
                i = next(counter, None)
            if i is None:
                return
            chance = 0.5 + 0.45 * (i + 1) / (requests + 1)
            took, status = one(port, token, path, {
                "set": {"own_licence.chance": round(chance, 4)},
                "iterations": iterations})
            with lock:
                (times if status == 200 else failures).append(took if status == 200 else status)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, failures


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="target/release/launchcast")
    ap.add_argument("--iterations", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=40)
    ap.add_argument("--clients", default="1,8")
    ap.add_argument("--page", action="store_true")
    ap.add_argument("--burst", action="store_true")
    a = ap.parse_args()
    proc, port, token = start(a.binary, max(a.iterations, 1_000_000))
    path = "/api/whatif/page" if a.page else "/api/whatif"
    ok = True
    try:
        one(port, token, path, {"iterations": a.iterations})  # warm up
        PHASES.clear()
        medians = {}
        for clients in [int(c) for c in a.clients.split(",")]:
            times, failures = run(port, token, clients, a.requests, a.iterations, path, a.burst)
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else float("nan")
            med = statistics.median(times) if times else float("nan")
            medians[clients] = med
            print(f"{clients} client(s){' in bursts' if a.burst else ''}, {a.iterations} iterations, {path}: "
                  f"{len(times)} ok, {len(failures)} failed; median {med * 1e3:.0f} ms, "
                  f"P95 {p95 * 1e3:.0f} ms, slowest {times[-1] * 1e3 if times else 0:.0f} ms")
            ok &= not failures
            print("  server time per phase, median: " + ", ".join(
                f"{k} {statistics.median(v):.0f} ms" for k, v in PHASES.items()))
            PHASES.clear()
        if 1 in medians and len(medians) > 1:
            for c, m in medians.items():
                if c != 1:
                    print(f"median with {c} clients / median with 1: {m / medians[1]:.1f}x")
    finally:
        proc.terminate()
        proc.wait()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
