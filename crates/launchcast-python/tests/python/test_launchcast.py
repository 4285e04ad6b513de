"""The Python package against the command line: the same inputs give the same bytes.

Run from the workspace root with ``LAUNCHCAST_CLI`` naming the ``launchcast`` binary (the
Rust test ``tests/pytest.rs`` sets both).
"""

import json
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import launchcast

ROOT = pathlib.Path(__file__).resolve().parents[4]
EXAMPLE = ROOT / "examples" / "xiaomi-2022.toml"
CLI = os.environ.get("LAUNCHCAST_CLI") or str(ROOT / "target" / "debug" / "launchcast")

# A small model: two tasks in a row, a risk, a plant and two promises, and one scenario.
SMALL = textwrap.dedent(
    """\
    [program]
    name = "Small launch"
    start = 2024-01-01
    horizon = 2030-12-31
    iterations = 4000
    seed = 11

    [[task]]
    id = "design"
    duration = "tri(100 d, 150 d, 260 d)"

    [[task]]
    id = "build"
    after = ["design"]
    duration = "pert(60 d, 90 d, 200 d)"

    [[risk]]
    id = "supplier"
    chance = 0.3
    tasks = ["build"]
    delay = "uniform(20 d, 80 d)"

    [[plant]]
    id = "line"
    starts = "build"
    capacity = 50000
    ramp = "180 d"

    [[promise]]
    id = "sop_2024"
    first_delivery_by = 2024-12-31

    [[promise]]
    id = "cars_2026"
    deliveries_by = { date = 2026-12-31, at_least = 40000 }

    [[scenario]]
    id = "fast"
    set = { "design.duration" = "tri(90 d, 120 d, 200 d)" }
    """
)


def cli(*args, check=True):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, check=check)


def cli_json(*args):
    return cli("run", *args, "--json", "-", "-q").stdout


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "small.toml"
    path.write_text(SMALL)
    return path


def test_the_model_is_valid_for_the_cli(small):
    assert cli("check", small).returncode == 0


def test_run_of_the_example_equals_the_cli_byte_for_byte():
    r = launchcast.run(str(EXAMPLE), iterations=3000, seed=7)
    expected = cli_json(EXAMPLE, "-n", 3000, "--seed", 7)
    assert r.to_json() == expected
    d = r.to_dict()
    assert d["iterations"] == 3000 and d["seed"] == 7
    assert [s["id"] for s in d["scenarios"]][0] == "base"


def test_a_path_like_the_model_defaults_and_scenarios_equal_the_cli(small):
    # os.PathLike, the model's own iterations and seed.
    assert launchcast.run(small).to_json() == cli_json(small)
    r = launchcast.run(small, scenarios=["fast"], drivers=False)
    assert r.to_json() == cli_json(small, "--scenario", "fast", "--no-drivers")
    assert [s["id"] for s in r.to_dict()["scenarios"]] == ["fast"]
    assert launchcast.run(small, scenarios="fast", drivers=False).to_json() == r.to_json()


def test_threads_and_the_parts_of_a_long_run_do_not_change_the_result(small):
    # 150,000 iterations are simulated in three parts of 65,536 and merged.
    one = launchcast.run(small, iterations=150_000, threads=1, drivers=False)
    two = launchcast.run(small, iterations=150_000, threads=2, drivers=False)
    assert one.to_json() == two.to_json()
    assert one.to_json() == cli_json(small, "-n", 150_000, "--no-drivers")


def test_toml_text_and_dict_give_the_file_result(small):
    from_file = launchcast.run(small, iterations=2000).to_json()
    assert launchcast.run(SMALL, iterations=2000).to_json() == from_file
    model = {
        "program": {
            "name": "Small launch",
            "start": "2024-01-01",
            "horizon": "2030-12-31",
            "iterations": 4000,
            "seed": 11,
        },
        "task": [
            {"id": "design", "duration": "tri(100 d, 150 d, 260 d)"},
            {"id": "build", "after": ["design"], "duration": "pert(60 d, 90 d, 200 d)"},
        ],
        "risk": [
            {"id": "supplier", "chance": 0.3, "tasks": ["build"], "delay": "uniform(20 d, 80 d)"}
        ],
        "plant": [{"id": "line", "starts": "build", "capacity": 50000, "ramp": "180 d"}],
        "promise": [
            {"id": "sop_2024", "first_delivery_by": "2024-12-31"},
            {"id": "cars_2026", "deliveries_by": {"date": "2026-12-31", "at_least": 40000}},
        ],
        "scenario": [
            {"id": "fast", "set": {"design.duration": "tri(90 d, 120 d, 200 d)"}}
        ],
    }
    assert launchcast.run(model, iterations=2000).to_json() == from_file


def test_tables(small):
    pd = pytest.importorskip("pandas")
    r = launchcast.run(small, iterations=2000)
    d = r.to_dict()
    scenarios = [s["id"] for s in d["scenarios"]]
    assert scenarios == ["base", "fast"]

    p = r.promises()
    assert isinstance(p, pd.DataFrame)
    assert list(p.columns[:3]) == ["scenario", "id", "name"] and "probability" in p.columns
    assert p.shape[0] == 2 * 2
    assert list(p["scenario"]) == ["base", "base", "fast", "fast"]
    assert list(p["id"]) == ["sop_2024", "cars_2026"] * 2
    assert list(p["probability"]) == [x["probability"] for s in d["scenarios"] for x in s["promises"]]

    f = r.first_delivery()
    assert list(f["scenario"]) == scenarios
    assert {"probability", "p50_days", "p80"} <= set(f.columns)
    assert f["probability"].tolist() == [s["first_delivery"]["probability"] for s in d["scenarios"]]

    y = r.deliveries_by_year()
    years = len(d["scenarios"][0]["deliveries_by_year"])
    assert y.shape[0] == 2 * years and years == 2030 - 2024 + 1
    assert list(y.columns[:2]) == ["scenario", "year"] and "mean" in y.columns

    t = r.tasks()
    assert t.shape[0] == 2 * 2 and {"criticality", "p80_days"} <= set(t.columns)
    assert list(t["id"]) == ["design", "build"] * 2

    dr = r.drivers()
    assert list(dr.columns[:4]) == ["scenario", "id", "name", "kind"]
    assert dr.shape[0] == sum(len(s["drivers"]) for s in d["scenarios"]) > 0
    assert "promises.sop_2024" in dr.columns


BAD = SMALL.replace('delay = "uniform(20 d, 80 d)"', 'delay = "uniform(20 dayz, 80 d)"')


def test_model_error_names_file_line_column_and_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(BAD)
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.run(str(path))
    e = info.value
    assert isinstance(e, ValueError)
    line = BAD.splitlines().index('delay = "uniform(20 dayz, 80 d)"') + 1
    assert (e.file, e.line, e.key_path) == (str(path), line, "risk[0].delay")
    # The column of the offending value inside the string: `dayz` starts after `uniform(20 `.
    assert e.column == len('delay = "uniform(20 ') + 1
    assert "dayz" in e.message
    assert e.help
    assert e.problems[0]["line"] == line
    # The text is the one the command line prints.
    out = cli("run", path, "-q", check=False)
    assert out.returncode == 2
    head = f"{path}:{line}:{e.column}: risk[0].delay: {e.message}"
    assert head in e.text and head in out.stderr
    assert str(e) == e.text
    # The same from text and from check().
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.check(BAD)
    assert (info.value.line, info.value.column, info.value.file) == (line, e.column, "<model>")


def test_model_error_of_a_missing_file_and_bad_arguments(tmp_path, small):
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.run(str(tmp_path / "nope.toml"))
    assert info.value.file.endswith("nope.toml") and info.value.line == 0
    with pytest.raises(TypeError, match="model must be"):
        launchcast.run(42)
    with pytest.raises(ValueError, match="threads"):
        launchcast.run(small, threads=0)
    with pytest.raises(ValueError, match="iterations=0"):
        launchcast.run(small, iterations=0)
    with pytest.raises(ValueError, match="iterations=-5"):
        launchcast.run(small, iterations=-5)
    with pytest.raises(ValueError, match="seed=-1"):
        launchcast.run(small, seed=-1)
    with pytest.raises(TypeError):
        launchcast.run(small, iterations="many")
    with pytest.raises(ValueError, match="nope"):
        launchcast.run(small, scenarios=["nope"])
    with pytest.raises(TypeError):
        launchcast.run(small, scenarios=3)
    with pytest.raises(TypeError, match="cannot be written"):
        launchcast.run({"program": {"name": object()}})
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="nested"):
        launchcast.run({"task": loop})


def test_check_returns_the_validated_model(small):
    c = launchcast.check(small)
    assert c["tasks"] == ["design", "build"]
    assert c["risks"] == ["supplier"] and c["plants"] == ["line"]
    assert c["promises"] == ["sop_2024", "cars_2026"] and c["scenarios"] == ["fast"]
    assert (c["start"], c["horizon"], c["iterations"], c["seed"]) == (
        "2024-01-01",
        "2030-12-31",
        4000,
        11,
    )
    example = launchcast.check(EXAMPLE)
    assert len(example["tasks"]) == 22 and "go_alone" in example["scenarios"]


MPX = (
    "MPX,Microsoft Project for Windows,4.0,ANSI\r\n"
    "30,Plant build,,,,01/02/2023 08:00,\r\n"
    "61,1,2,3,40,50,70,81,90,98\r\n"
    "70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1\r\n"
    "70,Building,2,1,20d,,1,No,2,2\r\n"
    "70,Commissioning,3,1,0d,,2,Yes,3,3\r\n"
)


def test_import_schedule_is_the_cli_import(tmp_path):
    path = tmp_path / "plant.mpx"
    path.write_bytes(MPX.encode())
    text = launchcast.import_schedule(str(path))
    assert text == cli("import", path).stdout
    assert text.startswith("# Imported by `launchcast import`")
    assert launchcast.check(text)["tasks"] == ["t1", "t2", "t3"]
    # With rules, as `--uncertainty`.
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\nduration = "tri(90%, 100%, 150%)"\n')
    with_rules = launchcast.import_schedule(path, uncertainty=rules)
    assert with_rules == cli("import", path, "--uncertainty", rules).stdout
    assert "tri(" in with_rules
    # A schedule file runs as `launchcast run plant.mpx` runs it.
    assert launchcast.run(path, iterations=500).to_json() == cli_json(path, "-n", 500)
    bad = tmp_path / "empty.mpx"
    bad.write_bytes(b"MPX,Microsoft Project for Windows,4.0,ANSI\r\n")
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.import_schedule(bad)
    assert info.value.file == str(bad)


def scores(result):
    """Every figure of every scenario but its id and name."""
    out = []
    for s in result.to_dict()["scenarios"]:
        s = dict(s)
        s.pop("id")
        s.pop("name")
        out.append(s)
    return out


def test_whatif_set_equals_the_model_file_with_the_change_written_in(tmp_path, small):
    change = {"build.duration": "pert(50 d, 70 d, 120 d)", "supplier.chance": 0.5}
    w = launchcast.whatif(small, set=change, iterations=3000, seed=5)
    written = tmp_path / "written.toml"
    written.write_text(
        SMALL.replace('duration = "pert(60 d, 90 d, 200 d)"', 'duration = "pert(50 d, 70 d, 120 d)"').replace(
            "chance = 0.3", "chance = 0.5"
        )
    )
    assert w.to_json() == cli_json(written, "-n", 3000, "--seed", 5)
    # The base model as given is another result.
    assert w.to_json() != launchcast.run(small, iterations=3000, seed=5).to_json()


def test_whatif_wins_over_a_scenarios_own_setting_of_the_same_key(small):
    # `fast` sets only design.duration: with the same key changed, it runs as the changed base
    # (as the workspace and the MCP server apply a what-if).
    w = launchcast.whatif(small, set={"design.duration": "tri(30 d, 40 d, 80 d)"}, iterations=3000, seed=5).to_dict()
    assert [s["id"] for s in w["scenarios"]] == ["base", "fast"]
    assert w["scenarios"][1]["first_delivery"] == w["scenarios"][0]["first_delivery"]
    plain = launchcast.run(small, iterations=3000, seed=5).to_dict()
    assert plain["scenarios"][1]["first_delivery"] != w["scenarios"][1]["first_delivery"]


def test_whatif_disable_equals_a_scenario_of_the_model_file(tmp_path, small):
    w = launchcast.whatif(
        small, set={"line.capacity": 60000}, disable=["supplier"], iterations=3000, seed=5, scenarios="base"
    )
    with_scenario = tmp_path / "with_scenario.toml"
    with_scenario.write_text(
        SMALL + '\n[[scenario]]\nid = "w"\ndisable = ["supplier"]\nset = { "line.capacity" = 60000 }\n'
    )
    cli_run = json.loads(cli_json(with_scenario, "-n", 3000, "--seed", 5, "--scenario", "w"))
    expected = [{k: v for k, v in s.items() if k not in ("id", "name")} for s in cli_run["scenarios"]]
    assert scores(w) == expected
    # Changes that are not the model's own keys are model errors, named by key.
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.whatif(small, set={"nope.duration": "5 d"})
    e = info.value
    assert (e.file, e.key_path, e.line) == ("whatif", 'set."nope.duration"', 0)
    assert "unknown item `nope`" in e.message and "nope" in e.text
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.whatif(small, disable=["nope"])
    assert (info.value.file, info.value.key_path) == ("whatif", "disable[0]")
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.whatif(small, set={"build.duration": "5 dayz"})
    assert info.value.key_path == 'set."build.duration"' and "dayz" in info.value.message
    # A problem of the model itself is still named at its own line.
    with pytest.raises(launchcast.ModelError) as info:
        launchcast.whatif(BAD, set={"build.duration": "5 d"})
    assert (info.value.file, info.value.key_path) == ("<model>", "risk[0].delay")


def test_to_html_writes_the_cli_report(tmp_path, small):
    r = launchcast.run(small, iterations=2000)
    ours = tmp_path / "ours.html"
    r.to_html(str(ours))
    theirs = tmp_path / "theirs.html"
    cli("run", small, "-n", 2000, "-q", "--html", theirs)
    assert ours.read_bytes() == theirs.read_bytes()
    assert ours.read_text().lstrip().lower().startswith("<!doctype html")
    with pytest.raises(OSError):
        r.to_html(tmp_path / "no" / "such" / "dir.html")


LONG = """
import launchcast, time
# A chain of 300 uncertain tasks: 5,000,000 iterations take tens of seconds on two cores.
tasks = "".join(
    f'[[task]]\\nid = "t{i}"\\nduration = "tri(5 d, 8 d, 20 d)"\\n'
    + (f'after = ["t{i - 1}"]\\n' if i else "")
    for i in range(300)
)
model = '[program]\\nname = "long"\\nstart = 2024-01-01\\nhorizon = 2030-12-31\\n' + tasks
launchcast.check(model)
print("started", flush=True)
t = time.time()
try:
    launchcast.run(model, iterations=5_000_000, scenarios="base", drivers=False)
    print("finished after %.1f s" % (time.time() - t), flush=True)
except KeyboardInterrupt:
    print("interrupted after %.1f s" % (time.time() - t), flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT")
def test_ctrl_c_interrupts_a_long_run():
    p = subprocess.Popen([sys.executable, "-c", LONG], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "started"
    time.sleep(1.0)
    sent = time.time()
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=120)
    assert out.startswith("interrupted"), out
    # A part of 65,536 iterations of 300 tasks takes well under a second.
    assert time.time() - sent < 10, out


def test_the_gil_is_released_while_simulating(small):
    import threading

    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(1)
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    started = time.time()
    launchcast.run(small, iterations=5_000_000, scenarios="base", drivers=False, threads=1)
    took = time.time() - started
    done.set()
    t.join()
    # Held throughout, the other thread would not tick at all until the run returned.
    assert took > 0.2 and len(ticks) > 0.2 * took / 0.002, (took, len(ticks))
