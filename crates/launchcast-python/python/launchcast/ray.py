"""launchcast on a Ray cluster: a run cut into parts, or many what-ifs, as Ray tasks.

- ``run(model, iterations, shards=N, seed=None, scenarios=None, ...)`` -> ``Result``: the
  parts of the run (``launchcast.run_shard``) as ``shards`` tasks, merged on the driver
  (``launchcast.merge``). The result equals ``launchcast.run`` with the same model, seed and
  iterations, its JSON byte for byte: the random numbers are counter-based, so a part is the
  same wherever it runs. A task whose worker or node is lost is run again by Ray
  (``max_retries``), and gives the same bytes again.
- ``sweep(model, changes=[{"set": {...}, "disable": [...]}, ...], ...)`` -> a table: each
  change a task running ``launchcast.whatif``; one row per change and scenario with the
  change's label, the promises' probabilities and the first delivery's probability and
  P10/P50/P80/P90 (a pandas DataFrame when pandas is installed, else a list of dicts).

Ray is imported only when these are called: ``import launchcast`` works without it. If Ray is
not yet connected, ``ray.init()`` is called (it joins the cluster named by ``RAY_ADDRESS``, or
starts one on this machine); call ``ray.init(address=...)`` first to choose.

The model (a path, TOML text or a dict) is read once, on the driver (bad input, iterations,
seed or scenarios raise there, before any task starts), into the text the tasks run from: a
schedule file is imported there, so the workers need no file. A model with ``[[include]]``s
is the exception: each worker reads the included schedule files again, so they must be at the
same place on every node (a shared file system); the tasks are given the model file's absolute
path (the includes of model text or a dict are read relative to each worker's working
directory: give such a model as a file).
"""

import json as _json

import launchcast as _lc

__all__ = ["run", "sweep"]

# Ray's default for tasks, said here: a task whose worker dies is run again up to 3 times.
MAX_RETRIES = 3

_remote = {}


def _task(ray, fn):
    """``fn`` as a Ray task of one CPU, made once per process."""
    key = fn.__name__
    if key not in _remote:
        _remote[key] = ray.remote(num_cpus=1, max_retries=MAX_RETRIES)(fn)
    return _remote[key]


def launchcast_shard(text, shard, shards, iterations, seed, scenarios):
    """One part, on a worker: one thread per task, Ray gives each task its CPU."""
    return _lc.run_shard(text, shard, shards, iterations=iterations, seed=seed, scenarios=scenarios, threads=1)


def launchcast_whatif(text, set, disable, iterations, seed, scenarios):
    """One what-if, on a worker: its JSON (small) goes back to the driver."""
    result = _lc.whatif(
        text,
        set=set,
        disable=disable,
        iterations=iterations,
        seed=seed,
        scenarios=scenarios,
        threads=1,
        drivers=False,
    )
    return result.to_json()


def _source(model, iterations, seed, scenarios):
    """What the tasks run from: the model's text, checked here; a model file with includes
    by its absolute path (its included files must be there on every node)."""
    text, path = _lc._native.model_text(model, iterations=iterations, seed=seed, scenarios=scenarios)
    return text if path is None else str(path)


def _connect(ray):
    if not ray.is_initialized():
        ray.init()


def run(model, iterations, shards=2, seed=None, scenarios=None, drivers=True, threads=None, **ray_options):
    """Runs ``model`` as ``shards`` Ray tasks of ``iterations / shards`` iterations each and
    merges them; returns the ``Result`` of ``launchcast.run(model, iterations, seed,
    scenarios)``, equal to it byte for byte in its JSON.

    ``seed`` and ``scenarios`` as for ``launchcast.run``. The merge and the drivers in days
    (``drivers=False``: none) run on the driver, on ``threads`` threads (default: one per
    core). ``ray_options`` go to each task's ``.options()`` (e.g. ``max_retries``,
    ``resources``, ``scheduling_strategy``); each task asks for one CPU by default.
    """
    import ray

    if isinstance(shards, bool) or not isinstance(shards, int) or not 1 <= shards <= 1_000_000:
        raise ValueError(f"shards={shards!r}: give a whole number of parts from 1 to 1,000,000")
    text = _source(model, iterations, seed, scenarios)
    _connect(ray)
    task = _task(ray, launchcast_shard)
    if ray_options:
        task = task.options(**ray_options)
    ref = ray.put(text)
    parts = [task.remote(ref, k, shards, iterations, seed, scenarios) for k in range(1, shards + 1)]
    return _lc.merge(ray.get(parts), drivers=drivers, threads=threads)


def _label(change):
    """A change's label: its own ``label``, else its settings and disabled ids written out."""
    if change.get("label") is not None:
        return str(change["label"])
    words = [f"{k}={v}" for k, v in (change.get("set") or {}).items()]
    if change.get("disable"):
        words.append("disable " + ", ".join(change["disable"]))
    return "; ".join(words) or "as written"


def _checked(changes):
    if isinstance(changes, dict) or not isinstance(changes, (list, tuple)):
        raise TypeError("changes must be a list of dicts such as {'set': {...}, 'disable': [...]}")
    out = []
    for i, c in enumerate(changes):
        if not isinstance(c, dict):
            raise TypeError(f"changes[{i}] must be a dict with 'set', 'disable' or 'label', not {type(c).__name__}")
        unknown = sorted(set(c) - {"set", "disable", "label"})
        if unknown:
            raise ValueError(f"changes[{i}]: unknown key {unknown[0]!r}; the keys are 'set', 'disable' and 'label'")
        if c.get("set") is not None and not isinstance(c["set"], dict):
            raise TypeError(f"changes[{i}]['set'] must be a dict of 'item.field': value")
        disable = c.get("disable")
        if isinstance(disable, str):
            raise TypeError(f"changes[{i}]['disable'] must be a list of ids, not one string")
        out.append({"set": c.get("set"), "disable": list(disable) if disable else None, "label": _label(c)})
    return out


def _rows(label, result):
    """One row per scenario of a what-if's JSON."""
    rows = []
    for s in result["scenarios"]:
        row = {"change": label, "scenario": s["id"]}
        for p in s["promises"]:
            row[f"promise.{p['id']}"] = p["probability"]
        fd = s["first_delivery"]
        row["first_delivery.probability"] = fd["probability"]
        for q in ("p10", "p50", "p80", "p90"):
            row[f"first_delivery.{q}"] = fd.get(q)
            row[f"first_delivery.{q}_days"] = fd.get(f"{q}_days")
        rows.append(row)
    return rows


def sweep(model, changes, iterations=None, seed=None, scenarios=None, **ray_options):
    """Runs ``launchcast.whatif(model, set=..., disable=...)`` for each change as a Ray task;
    returns one table of headline results.

    ``changes`` is a list of dicts with ``set`` (``{"item.field": value}``), ``disable``
    (ids) and an optional ``label`` (default: the settings written out). ``iterations``,
    ``seed`` and ``scenarios`` as for ``launchcast.whatif`` (the same for every change, so the
    changes are compared on the same random draws). One row per change and scenario, in the
    order of ``changes``: ``change`` (the label), ``scenario``, ``promise.ID`` (each promise's
    probability), ``first_delivery.probability``, ``first_delivery.p10`` ... ``p90`` (dates)
    and ``first_delivery.p10_days`` ... ``p90_days``. A pandas DataFrame when pandas is
    installed, else a list of dicts. ``ray_options`` go to each task's ``.options()``.
    """
    import ray

    checked = _checked(changes)
    text = _source(model, iterations, seed, scenarios)
    _connect(ray)
    task = _task(ray, launchcast_whatif)
    if ray_options:
        task = task.options(**ray_options)
    ref = ray.put(text)
    refs = [task.remote(ref, c["set"], c["disable"], iterations, seed, scenarios) for c in checked]
    rows = []
    for c, js in zip(checked, ray.get(refs)):
        rows.extend(_rows(c["label"], _json.loads(js)))
    try:
        import pandas as pd
    except ImportError:
        return rows
    return pd.DataFrame(rows)
