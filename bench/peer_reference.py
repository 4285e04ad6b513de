#!/usr/bin/env python3
"""Independent reference: the benchmark network simulated with plain numpy (bench/.venv).

Not a peer: a small, obviously-correct vectorised forward pass (for each activity in
order, finish = max(predecessor finishes) + sampled duration; project finish = max over
all activities), used to check every tool's P50/P80 for a distribution definition that
launchcast does not have (trueppm-scheduler's moment-fitted PERT) and to check all tools
while launchcast itself cannot run. Supports all three definitions:

  tri       numpy Generator.triangular(a, m, b)
  pert4     a + (b-a) * Beta(1 + 4(m-a)/(b-a), 1 + 4(b-m)/(b-a))
  pert-mom  a + (b-a) * Beta(mu*k, (1-mu)*k), mu = ((a+4m+b)/6 - a)/(b-a),
            k = mu(1-mu)/((1/6)^2) - 1   (trueppm-scheduler's _sample_pert)
"""

import time

from _common import emit, load_network, parse_args

TOOL = "numpy-reference"


def main() -> None:
    args = parse_args(TOOL, ("tri", "pert4", "pert-mom"), {})
    net = load_network(args.network)
    import numpy as np

    n = args.iterations
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    ids = {t["id"]: i for i, t in enumerate(net["tasks"])}
    finish = np.empty((len(net["tasks"]), n))
    for i, t in enumerate(net["tasks"]):
        a, m, b = float(t["min"]), float(t["mode"]), float(t["max"])
        if args.dist == "tri":
            d = rng.triangular(a, m, b, n)
        elif args.dist == "pert4":
            d = a + (b - a) * rng.beta(1 + 4 * (m - a) / (b - a), 1 + 4 * (b - m) / (b - a), n)
        else:
            mu = ((a + 4 * m + b) / 6 - a) / (b - a)
            k = mu * (1 - mu) / (1 / 36) - 1
            d = a + (b - a) * rng.beta(mu * k, (1 - mu) * k, n)
        if t["after"]:
            pred = [ids[p] for p in t["after"]]
            np.add(finish[pred].max(axis=0), d, out=finish[i])
        else:
            finish[i] = d
    project = finish.max(axis=0)
    q = dict(zip((10, 50, 80, 90), (float(x) for x in np.percentile(project, [10, 50, 80, 90]))))
    seconds = time.perf_counter() - t0
    emit(TOOL, np.__version__, net, args.network, n, args.dist, q, seconds,
         notes="vectorised numpy forward pass (reference, not a peer)")


if __name__ == "__main__":
    main()
