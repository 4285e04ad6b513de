"""launchcast on a real Ray cluster of two nodes on this machine (a head and a worker on
127.0.0.1, one CPU each, started here and torn down after): a run in parts equals the run on
one machine byte for byte, also when a worker is killed in the middle; a sweep equals the
what-ifs run directly.

Skipped, with the reason, only where Ray is not installed (``tests/pytest.rs`` installs it).
"""

import os
import pathlib
import signal
import threading
import time

import pytest

import launchcast

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install ray): the Ray tests did not run")

ROOT = pathlib.Path(__file__).resolve().parents[4]
EXAMPLE = str(ROOT / "examples" / "xiaomi-2022.toml")


def wide(tasks):
    """A network of ``tasks`` tasks in 20 parallel chains with cross links, no plants: slow
    enough per iteration for a part to run for seconds, with small partial results."""
    lines = [
        "[program]",
        'name = "Wide network"',
        "start = 2025-01-06",
        "horizon = 2027-12-31",
        "seed = 3",
        "",
    ]
    for i in range(tasks):
        lines += ["[[task]]", f'id = "t{i}"', f'duration = "tri({2 + i % 7} d, {10 + i % 11} d, {30 + i % 13} d)"']
        if i >= 20:
            lines.append(f'after = ["t{i - 20}", "t{(i * 7) % (i - 19)}"]')
        lines.append("")
    lines += ["[[promise]]", 'id = "by_march"', "first_delivery_by = 2026-03-15", ""]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def cluster():
    """A head node and one worker node, one CPU each; one per module (Ray starts slowly)."""
    from ray.cluster_utils import Cluster

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    node = {"num_cpus": 1, "object_store_memory": 400 * 2**20, "include_dashboard": False}
    c = Cluster(initialize_head=True, head_node_args=dict(node))
    try:
        c.add_node(**node)
        c.wait_for_nodes()
        ray.init(address=c.address, log_to_driver=False)
        deadline = time.monotonic() + 60
        while ray.cluster_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        yield c
    finally:
        ray.shutdown()
        c.shutdown()


@pytest.mark.parametrize("shards", [1, 2, 3])
def test_ray_run_is_the_run_on_one_machine(cluster, shards):
    direct = launchcast.run(EXAMPLE, iterations=12_000, seed=5)
    on_ray = launchcast.ray.run(EXAMPLE, iterations=12_000, shards=shards, seed=5)
    assert on_ray.to_json() == direct.to_json()


def test_ray_run_takes_scenarios_and_the_model_as_text(cluster):
    text = pathlib.Path(EXAMPLE).read_text()
    sc = launchcast.check(EXAMPLE)["scenarios"][:1]
    direct = launchcast.run(EXAMPLE, iterations=6_000, seed=2, scenarios=sc, drivers=False)
    on_ray = launchcast.ray.run(text, iterations=6_000, shards=2, seed=2, scenarios=sc, drivers=False)
    assert on_ray.to_json() == direct.to_json()
    assert [s["id"] for s in on_ray.to_dict()["scenarios"]] == sc


def test_a_model_with_includes_is_read_by_its_path_on_the_workers(cluster, tmp_path):
    from test_shards import PLANT_MPX, RULES, WITH_INCLUDE

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "plant.mpx").write_text(PLANT_MPX)
    (tmp_path / "sub" / "rules.toml").write_text(RULES)
    (tmp_path / "model.toml").write_text(WITH_INCLUDE)
    # A relative path: the driver gives the workers the absolute one.
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        on_ray = launchcast.ray.run("model.toml", iterations=5_000, shards=2, seed=6)
        direct = launchcast.run("model.toml", iterations=5_000, seed=6)
    finally:
        os.chdir(old)
    assert on_ray.to_json() == direct.to_json()


def shard_workers():
    """Process ids of the workers running a part now (Ray titles a task's process
    ``ray::FUNCTION``)."""
    pids = []
    for d in pathlib.Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        if cmd.startswith(b"ray::launchcast_shard"):
            pids.append(int(d.name))
    return pids


@pytest.mark.skipif(not pathlib.Path("/proc/self/cmdline").exists(), reason="needs /proc to find Ray's workers")
def test_a_worker_killed_during_the_run_changes_nothing(cluster):
    model = wide(400)
    killed = []
    stop = threading.Event()

    def kill_one():
        # The first worker seen running a part, killed as a node's crash would end it.
        while not stop.is_set():
            for pid in shard_workers():
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    continue
                killed.append(pid)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        # 2 parts of 1,000,000 iterations: about 2 s each on one core, time to catch one.
        on_ray = launchcast.ray.run(model, iterations=2_000_000, shards=2, seed=9, drivers=False)
    finally:
        stop.set()
        killer.join()
    assert killed, "no worker was seen running a part: the parts finished too fast to kill one"
    direct = launchcast.run(model, iterations=2_000_000, seed=9, drivers=False)
    assert on_ray.to_json() == direct.to_json()
    # And the figures are those of a real run: the promise is neither sure nor hopeless.
    p = on_ray.to_dict()["scenarios"][0]["promises"][0]["probability"]
    assert 0.05 < p < 0.95


CHANGES = [
    {},
    {"set": {"partner_talks_collapse.chance": 0.1}, "label": "talks hold"},
    {"disable": ["licence_freeze"]},
    {"set": {"partner_talks_collapse.chance": 0.1}, "disable": ["licence_freeze"]},
]


def test_sweep_is_the_whatifs_run_directly(cluster):
    table = launchcast.ray.sweep(EXAMPLE, changes=CHANGES, iterations=4_000, seed=4)
    rows = table.to_dict("records") if hasattr(table, "to_dict") else table
    scenarios = ["base"] + launchcast.check(EXAMPLE)["scenarios"]
    assert len(rows) == len(CHANGES) * len(scenarios)
    assert [r["change"] for r in rows[:: len(scenarios)]] == [
        "as written",
        "talks hold",
        "disable licence_freeze",
        "partner_talks_collapse.chance=0.1; disable licence_freeze",
    ]
    for i, change in enumerate(CHANGES):
        direct = launchcast.whatif(
            EXAMPLE, set=change.get("set"), disable=change.get("disable"), iterations=4_000, seed=4
        ).to_dict()
        got = rows[i * len(scenarios) : (i + 1) * len(scenarios)]
        assert [r["scenario"] for r in got] == scenarios
        for r, s in zip(got, direct["scenarios"]):
            for p in s["promises"]:
                assert r[f"promise.{p['id']}"] == p["probability"]
            fd = s["first_delivery"]
            assert r["first_delivery.probability"] == fd["probability"]
            for q in ("p10", "p50", "p80", "p90"):
                assert r[f"first_delivery.{q}"] == fd[q]
                assert r[f"first_delivery.{q}_days"] == fd[f"{q}_days"]
    # The changes change something: the sweep is not one run repeated.
    base = [r for r in rows if r["scenario"] == "base"]
    assert base[0]["promise.first_by_2024"] != base[3]["promise.first_by_2024"]


def test_sweep_refuses_bad_changes_before_any_task(cluster):
    with pytest.raises(ValueError, match=r"changes\[1\]: unknown key 'sets'"):
        launchcast.ray.sweep(EXAMPLE, changes=[{}, {"sets": {}}], iterations=1_000)
    with pytest.raises(launchcast.ModelError) as e:
        launchcast.ray.sweep(EXAMPLE, changes=[{"set": {"no_such_task.chance": 0.5}}], iterations=1_000)
    assert "no_such_task" in str(e.value)
