#!/usr/bin/env python3
"""Benchmark adapter for trueppm-scheduler (PyPI `trueppm-scheduler`), run in bench/.venv.

API used: ``trueppm_scheduler.monte_carlo(Project, runs=N, seed=S)`` on a ``Project``
(start 2025-01-05, ``Calendar(working_days=0b1111111)``: a seven-day week, so working
days are calendar days) of ``Task(id, name, duration, optimistic_duration,
most_likely_duration, pessimistic_duration)`` and finish-to-start ``Dependency`` records
without lag. ``Task.duration`` (the deterministic plan, which trueppm uses as a floor
on every sampled duration) is set to the minimum, so the floor never binds.

Distribution: trueppm has only its own PERT-Beta: a Beta on [a, b] fitted by the method
of moments to mean (a + 4m + b)/6 and standard deviation (b - a)/6 ("pert-mom"); its
source says explicitly that this is not the lambda = 4 beta-PERT. No triangular.

Result extraction: ``MonteCarloResult.p50`` / ``.p80`` are dates: numpy.percentile of
the continuous working-day finish offsets, rounded to a whole day and shown as the last
day of work. Days from start = (date - start).days + 1, so the quantiles have a
resolution of one day (reported as ``resolution_days`` = 1). p10/p90 come from the
sorted ``distribution`` of finish dates (same one-day resolution).
"""

import datetime as dt
import time

from _common import emit, load_network, parse_args

TOOL = "trueppm-scheduler"


def main() -> None:
    args = parse_args(TOOL, ("pert-mom",), {
        "tri": "trueppm-scheduler samples only its moment-fitted PERT-Beta; no triangular",
        "pert4": "trueppm-scheduler's PERT-Beta is moment-fitted (sd = (b-a)/6), "
                 "not lambda = 4",
    })
    net = load_network(args.network)
    import numpy as np
    import trueppm_scheduler as tp

    start = dt.date.fromisoformat(net["start"])
    days = dt.timedelta
    tasks = [tp.Task(id=t["id"], name=t["id"], duration=days(days=t["min"]),
                     optimistic_duration=days(days=t["min"]),
                     most_likely_duration=days(days=t["mode"]),
                     pessimistic_duration=days(days=t["max"]))
             for t in net["tasks"]]
    deps = [tp.Dependency(predecessor_id=p, successor_id=t["id"])
            for t in net["tasks"] for p in t["after"]]
    project = tp.Project(id="bench", name="bench", start_date=start, tasks=tasks,
                         dependencies=deps, calendar=tp.Calendar(working_days=0b1111111))

    t0 = time.perf_counter()
    r = tp.monte_carlo(project, runs=args.iterations, seed=args.seed)
    q = {50: float((r.p50 - start).days + 1), 80: float((r.p80 - start).days + 1)}
    finish = np.array([(d - start).days + 1 for d in r.distribution], dtype=float)
    q[10], q[90] = (float(x) for x in np.percentile(finish, [10, 90]))
    seconds = time.perf_counter() - t0
    emit(TOOL, tp.__version__, net, args.network, args.iterations, args.dist, q, seconds,
         resolution_days=1.0,
         notes="quantiles are whole days; time includes its sensitivity tornado")


if __name__ == "__main__":
    main()
