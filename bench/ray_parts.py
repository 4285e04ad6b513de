#!/usr/bin/env python3
"""A run in parts on a local Ray cluster (2 nodes x 1 CPU) against the command line's run.

    target/python-venv/bin/python bench/ray_parts.py [--binary target/release/launchcast]
        [--model bench/out/typical/s1/lc-10000-tri.toml] [--iterations 1000000] [--reps 3]

Needs the `launchcast` package and Ray in the Python that runs it: `cargo test -p
launchcast-python` installs both into `target/python-venv`, with a debug build of the package
(for the tests); for timing, build it optimised first:
`VIRTUAL_ENV=target/python-venv target/python-venv/bin/maturin develop --release -m
crates/launchcast-python/Cargo.toml`. The default model is made by
`bench/typical.py`. Prints the command line's time, `launchcast.ray.run` with 1, 2 and 4
parts (each checked equal to the command line's JSON, byte for byte), the merge of 4 parts on
the driver, one part of all the iterations on one thread, and the parts' sizes; medians.
"""
import argparse
import json, os, statistics, subprocess, sys, tempfile, time
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
import ray
from ray.cluster_utils import Cluster
import launchcast

ap = argparse.ArgumentParser()
ap.add_argument("--binary", default="target/release/launchcast")
ap.add_argument("--model", default="bench/out/typical/s1/lc-10000-tri.toml")
ap.add_argument("--iterations", type=int, default=1_000_000)
ap.add_argument("--reps", type=int, default=3)
a = ap.parse_args()
MODEL, CLI, N, REPS = os.path.abspath(a.model), a.binary, a.iterations, a.reps
CLI_JSON = os.path.join(tempfile.mkdtemp(), "cli.json")

def timed(f):
    t = time.perf_counter(); r = f(); return time.perf_counter() - t, r

out = {}
cli_times = []
for _ in range(REPS):
    t, p = timed(lambda: subprocess.run([CLI, "run", MODEL, "-n", str(N), "--seed", "1", "--no-drivers",
                                         "--no-history", "-q", "--json", CLI_JSON], check=True))
    cli_times.append(t)
out["cli"] = cli_times
print("cli", cli_times, flush=True)
cli_json = open(CLI_JSON).read()

node = {"num_cpus": 1, "object_store_memory": 2 * 2**30, "include_dashboard": False}
c = Cluster(initialize_head=True, head_node_args=dict(node))
try:
    c.add_node(**node)
    c.wait_for_nodes()
    ray.init(address=c.address, log_to_driver=False)
    while ray.cluster_resources().get("CPU", 0) < 2:
        time.sleep(0.2)
    # Warm-up: workers started, launchcast imported on both nodes.
    launchcast.ray.run(MODEL, iterations=10_000, shards=2, seed=1, drivers=False)
    for shards in (1, 2, 4):
        ts = []
        for _ in range(REPS):
            t, r = timed(lambda: launchcast.ray.run(MODEL, iterations=N, shards=shards, seed=1, drivers=False))
            ts.append(t)
            assert r.to_json() == cli_json, f"shards={shards}: JSON differs from the CLI's"
        out[f"ray{shards}"] = ts
        print("ray", shards, ts, flush=True)
finally:
    ray.shutdown()
    c.shutdown()

# The merge alone, on the driver: 4 parts made here.
parts = [launchcast.run_shard(MODEL, k, 4, iterations=N, seed=1, threads=1) for k in range(1, 5)]
out["part_bytes"] = [len(p) for p in parts]
mt = []
for _ in range(REPS):
    t, r = timed(lambda: launchcast.merge(parts, drivers=False))
    mt.append(t)
out["merge4"] = mt
pt = []
for _ in range(REPS):
    t, _ = timed(lambda: launchcast.run_shard(MODEL, 1, 1, iterations=N, seed=1, threads=1))
    pt.append(t)
out["one_part_1thread"] = pt
print(json.dumps(out))
for k, v in out.items():
    if k != "part_bytes":
        print(k, "median %.2f s" % statistics.median(v), [round(x, 2) for x in v])
print("part MB", [round(b / 1e6, 1) for b in out["part_bytes"]])
