"""launchcast from Python: Monte Carlo schedule-risk forecasts for vehicle launches.

Every function goes through the same Rust libraries as the ``launchcast`` command line, so the
same model, seed and iterations give the same results: ``run(...).to_json()`` is, byte for
byte, what ``launchcast run MODEL --json`` writes.

``model`` is a path (``str`` or ``os.PathLike``) to a model or schedule file, a model as TOML
text, or a ``dict`` with the model file's tables.

- ``run(model, iterations=None, seed=None, scenarios=None, threads=None, drivers=True)``
  -> ``Result``
- ``whatif(model, set={...}, disable=[...], iterations=None, seed=None, ...)`` -> ``Result``:
  the model with ``set`` (``"item.field": value``) and ``disable`` (ids) applied to the base
  and to every scenario (read as a ``[[scenario]]`` reads them); its figures equal ``launchcast run`` of the model file
  with the same changes written into it (same seed and iterations).
- ``check(model)`` -> ``dict`` of the validated model's ids and counts.
- ``import_schedule(path, uncertainty=None)`` -> the model as TOML text, as
  ``launchcast import`` writes it.
- ``run_shard(model, shard, shards, iterations=None, seed=None, scenarios=None, threads=None)``
  -> ``bytes``: part ``shard`` (from 1) of ``shards``, the bytes ``launchcast run MODEL --shard
  K/N --partial PATH`` writes; ``merge(parts)`` -> ``Result``: the whole run from every part
  (bytes), as ``launchcast merge`` makes it, equal to ``run`` with the same model, seed and
  iterations.
- ``launchcast.ray.run(...)`` and ``launchcast.ray.sweep(...)``: the parts, or many what-ifs,
  as tasks on a Ray cluster (Ray is imported only when they are called).

Bad input raises ``ModelError`` (a ``ValueError``) with ``file``, ``line``, ``column``,
``key_path``, ``message``, ``help``, ``problems`` and ``text`` (the message the command line
prints). The simulation runs with the GIL released; Ctrl-C stops it with
``KeyboardInterrupt``.
"""

import json as _json

from . import _native
from ._native import ModelError, __version__

__all__ = [
    "ModelError",
    "Result",
    "check",
    "import_schedule",
    "merge",
    "run",
    "run_shard",
    "whatif",
    "__version__",
]


class Result:
    """The result of a run: ``to_dict()`` is the ``launchcast run --json`` schema."""

    def __init__(self, native):
        self._native = native

    def to_json(self):
        """The JSON text, identical to ``launchcast run --json``."""
        return self._native.json()

    def to_dict(self):
        """The JSON as Python objects (a fresh copy each call)."""
        return _json.loads(self.to_json())

    def to_html(self, path):
        """Writes the HTML report of ``launchcast run --html`` to ``path``, atomically."""
        self._native.write_html(path)

    def __repr__(self):
        d = self.to_dict()
        ids = ", ".join(s["id"] for s in d["scenarios"])
        return f"<launchcast.Result {d['model']!r}: {d['iterations']} iterations, scenarios {ids}>"

    # Tables: one row per item and scenario, with a `scenario` column first.

    def _rows(self, key):
        rows = []
        for s in self.to_dict()["scenarios"]:
            for item in s[key]:
                rows.append({"scenario": s["id"], **_flat(item)})
        return rows

    def promises(self):
        """Each promise's probability, per scenario (pandas DataFrame)."""
        return _frame(self._rows("promises"), ["scenario", "id", "name", "probability"])

    def first_delivery(self):
        """The first delivery's probability, mean and percentiles, per scenario."""
        rows = [{"scenario": s["id"], **_flat(s["first_delivery"])} for s in self.to_dict()["scenarios"]]
        return _frame(rows, ["scenario"])

    def deliveries_by_year(self):
        """Deliveries per calendar year (mean and percentiles), per scenario."""
        return _frame(self._rows("deliveries_by_year"), ["scenario", "year"])

    def tasks(self):
        """Per-task probability, finish percentiles and criticality, per scenario."""
        return _frame(self._rows("tasks"), ["scenario", "id", "name"])

    def drivers(self):
        """The drivers in days, per scenario; a driver's effect on promise ``P`` is the
        column ``promises.P``."""
        return _frame(self._rows("drivers"), ["scenario", "id", "name", "kind"])


def _flat(item, prefix=""):
    """A JSON object with nested objects flattened to ``outer.inner`` keys."""
    out = {}
    for k, v in item.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _frame(rows, first):
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "launchcast's tables need pandas: pip install pandas (or use Result.to_dict())"
        ) from e
    columns = list(first)
    for r in rows:
        for k in r:
            if k not in columns:
                columns.append(k)
    return pd.DataFrame(rows, columns=columns)


def run(model, iterations=None, seed=None, scenarios=None, threads=None, drivers=True):
    """Runs ``model`` as ``launchcast run`` does; returns a ``Result``.

    ``iterations`` and ``seed`` default to the model's ``[program]`` values; ``scenarios`` is
    a scenario id or a list of ids (default: base and every scenario, as the command line);
    ``threads`` defaults to one per core and never changes the results; ``drivers=False``
    skips the drivers in days (``--no-drivers``).
    """
    return Result(
        _native.run(
            model,
            iterations=iterations,
            seed=seed,
            scenarios=scenarios,
            threads=threads,
            drivers=drivers,
        )
    )


def whatif(model, set=None, disable=None, iterations=None, seed=None, scenarios=None, threads=None, drivers=True):
    """Runs ``model`` with ``set`` (``{"item.field": value}``) and ``disable`` (ids) applied to
    its base model as a ``[[scenario]]`` would apply them; returns a ``Result``.

    The figures equal those of ``launchcast run`` on a model file with the same changes
    written in (same seed and iterations). The model's own scenarios run with the changes too;
    where a scenario sets the same key, the change wins (as in the workspace and MCP).
    """
    return Result(
        _native.whatif(
            model,
            set=set,
            disable=disable,
            iterations=iterations,
            seed=seed,
            scenarios=scenarios,
            threads=threads,
            drivers=drivers,
        )
    )


def run_shard(model, shard, shards, iterations=None, seed=None, scenarios=None, threads=None):
    """Simulates part ``shard`` (from 1, as ``--shard K/N``) of ``shards`` of a run of
    ``model``; returns the partial result as ``bytes``, the bytes ``launchcast run MODEL
    --shard K/N --partial PATH`` writes for the same model, iterations, seed and scenarios.

    Parts made here and by the command line merge together (``merge`` or ``launchcast
    merge``); ``threads`` never changes the bytes.
    """
    return _native.run_shard(
        model,
        shard,
        shards,
        iterations=iterations,
        seed=seed,
        scenarios=scenarios,
        threads=threads,
    )


def merge(parts, drivers=True, threads=None):
    """The whole run from its parts (a list of ``bytes`` from ``run_shard`` or ``--partial``
    files, every part once, in any order); returns a ``Result`` equal to ``run`` with the same
    model, seed and iterations (its JSON byte for byte).

    Refused with ``ModelError`` naming the part (``parts[i]``), as ``launchcast merge``
    refuses: parts of another model, seed, iteration count, scenarios or number of parts, a
    part given twice or missing, bytes cut short or changed. The drivers in days are run here
    (``drivers=False``: none, as ``--no-drivers``).
    """
    return Result(_native.merge(parts, drivers=drivers, threads=threads))


check = _native.check
import_schedule = _native.import_schedule

from . import ray  # noqa: E402 - imports Ray only when its functions are called
