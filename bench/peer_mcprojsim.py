#!/usr/bin/env python3
"""Benchmark adapter for mcprojsim (PyPI `mcprojsim`, Python >= 3.13), run in bench/.venv313.

API used: ``mcprojsim.SimulationEngine(iterations=N, random_seed=S, show_progress=False,
workers=W).run(Project)`` on a ``Project(project=ProjectMetadata(name, start_date),
tasks=[Task(id, name, estimate=TaskEstimate(distribution="triangular", low, expected,
high, unit="days"), dependencies=[...], uncertainty_factors=None)])``. With no resources
mcprojsim schedules dependency-only (earliest start = latest predecessor end, continuous
time, no calendar); ``uncertainty_factors=None`` keeps its estimate multipliers at 1.
Estimates in days are converted to hours at 8 h/day; ``SimulationResults.durations``
(project finish = max task end, hours) / 8 gives days; quantiles by numpy.percentile.

Distribution: triangular (``numpy.random.RandomState.triangular``, one Python call per
task per iteration). mcprojsim's other explicit distribution is a shifted lognormal; it
has no beta-PERT, so ``--dist pert4`` is reported as unsupported.

Workers: W = $MCPROJSIM_WORKERS (default 1: one process, mcprojsim's own default). Each
iteration also computes slack, peak parallelism and all critical paths, which the API
does not let a caller skip; that is part of the measured time.
"""

import os
import time

from _common import emit, load_network, parse_args

TOOL = "mcprojsim"


def main() -> None:
    args = parse_args(TOOL, ("tri",), {
        "pert4": "mcprojsim samples triangular or shifted-lognormal; it has no beta-PERT",
        "pert-mom": "mcprojsim samples triangular or shifted-lognormal; it has no beta-PERT",
    })
    net = load_network(args.network)
    import numpy as np
    import mcprojsim
    from mcprojsim.models.project import STANDARD_HOURS_PER_DAY, ProjectMetadata, TaskEstimate

    tasks = [mcprojsim.Task(
        id=t["id"], name=t["id"], dependencies=t["after"], uncertainty_factors=None,
        estimate=TaskEstimate(distribution="triangular", low=t["min"], expected=t["mode"],
                              high=t["max"], unit="days"))
        for t in net["tasks"]]
    project = mcprojsim.Project(
        project=ProjectMetadata(name="bench", start_date=net["start"]), tasks=tasks)
    workers = int(os.environ.get("MCPROJSIM_WORKERS", "1"))
    engine = mcprojsim.SimulationEngine(iterations=args.iterations, random_seed=args.seed,
                                        show_progress=False, workers=workers)

    t0 = time.perf_counter()
    r = engine.run(project)
    days = np.asarray(r.durations, dtype=float) / STANDARD_HOURS_PER_DAY
    q = dict(zip((10, 50, 80, 90), (float(x) for x in np.percentile(days, [10, 50, 80, 90]))))
    seconds = time.perf_counter() - t0
    emit(TOOL, mcprojsim.__version__, net, args.network, args.iterations, args.dist, q,
         seconds, notes=f"workers={workers}; time includes its per-iteration slack and "
                        "critical-path tracing")


if __name__ == "__main__":
    main()
