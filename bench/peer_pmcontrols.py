#!/usr/bin/env python3
"""Benchmark adapter for pmcontrols (PyPI `pmcontrols`), run in bench/.venv.

API used: ``pmcontrols.pert(activities, optimistic="a", most_likely="m",
pessimistic="b", n_sim=N, seed=S)`` on records ``{"id", "predecessors", "a", "m", "b"}``
(durations in days, finish-to-start links). It returns a ``Result`` whose
``stats["mc_p50"]`` / ``stats["mc_p80"]`` are ``numpy.percentile`` of the simulated
project finish (the maximum early finish over all activities) and whose
``meta["mc_finish_quantiles"]`` holds the 5/25/50/75/95 % points.

Distribution: only beta-PERT, lambda = 4 (alpha = 1 + 4(m-a)/(b-a), beta = 6 - alpha,
sampled with numpy's Generator.beta). pmcontrols has no triangular distribution, so
``--dist tri`` is reported as unsupported rather than approximated.

pert() always also runs a per-iteration backward pass for the criticality index; it
cannot be switched off, so it is part of the measured time.
"""

import time

from _common import emit, load_network, parse_args

TOOL = "pmcontrols"


def main() -> None:
    args = parse_args(TOOL, ("pert4",), {
        "tri": "pmcontrols.pert() samples only beta-PERT (lambda = 4); it has no triangular",
        "pert-mom": "pmcontrols uses beta-PERT lambda = 4, not the moment-fitted beta",
    })
    net = load_network(args.network)
    import pmcontrols as pm

    acts = [{"id": t["id"], "predecessors": t["after"],
             "a": t["min"], "m": t["mode"], "b": t["max"]} for t in net["tasks"]]
    t0 = time.perf_counter()
    r = pm.pert(acts, n_sim=args.iterations, seed=args.seed)
    q = {50: float(r.stats["mc_p50"]), 80: float(r.stats["mc_p80"])}
    seconds = time.perf_counter() - t0
    qs = r.meta["mc_finish_quantiles"]
    # pmcontrols reports 5/25/50/75/95 %; p10/p90 are not available from its API.
    emit(TOOL, pm.__version__, net, args.network, args.iterations, args.dist, q, seconds,
         notes=f"p25={qs['25']:.2f} p75={qs['75']:.2f}; time includes its criticality pass")


if __name__ == "__main__":
    main()
