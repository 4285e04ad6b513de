"""A run in parts from Python against the command line: ``run_shard`` writes the bytes of
``launchcast run --shard K/N --partial``, ``merge`` makes ``launchcast run``'s JSON and refuses
what ``launchcast merge`` refuses, naming the part.

Run from the workspace root with ``LAUNCHCAST_CLI`` naming the ``launchcast`` binary (the
Rust test ``tests/pytest.rs`` sets both).
"""

import os
import pathlib
import subprocess
import textwrap

import pytest

import launchcast

ROOT = pathlib.Path(__file__).resolve().parents[4]
EXAMPLE = ROOT / "examples" / "xiaomi-2022.toml"
CLI = os.environ.get("LAUNCHCAST_CLI") or str(ROOT / "target" / "debug" / "launchcast")

# A model that merges a contractor's schedule (MPX) with uncertainty rules: its parts carry
# the model as read, written back as TOML.
PLANT_MPX = textwrap.dedent(
    """\
    MPX,Microsoft Project,4.0
    30,Plant build,,,,01/02/2023 08:00,
    61,1,2,3,40,50,70,81,90,98
    70,Site works,1,1,10d,01/02/2023 08:00,,No,1,1
    70,Building,2,1,20d,,1,No,2,2
    70,Commissioning,3,1,0d,,2,Yes,3,3
    """
)
RULES = textwrap.dedent(
    """\
    [[rule]]
    name = "*build*"
    duration = "pert(90%, 100%, 150%)"
    risk = { id = "storm", chance = 0.2, delay = "tri(5d, 10d, 20d)" }
    """
)
WITH_INCLUDE = textwrap.dedent(
    """\
    [program]
    name = "Launch with a contractor's plant"
    start = 2022-11-01
    horizon = 2026-12-31

    [[include]]
    file = "sub/plant.mpx"
    prefix = "plant"
    uncertainty = "sub/rules.toml"

    [[task]]
    id = "tooling"
    duration = "tri(20d, 30d, 60d)"
    after = ["plant/t3:FS+2d"]

    [[plant]]
    id = "line_1"
    capacity = 100000
    starts = "tooling"
    ramp = "6mo"

    [[promise]]
    id = "cars_2023"
    first_delivery_by = 2023-04-15
    """
)


def cli(*args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, check=True)


@pytest.fixture(scope="module")
def included(tmp_path_factory):
    d = tmp_path_factory.mktemp("include")
    (d / "sub").mkdir()
    (d / "sub" / "plant.mpx").write_text(PLANT_MPX)
    (d / "sub" / "rules.toml").write_text(RULES)
    path = d / "model.toml"
    path.write_text(WITH_INCLUDE)
    return path


def test_a_part_is_the_bytes_of_the_cli(tmp_path):
    for k in (1, 3):
        out = tmp_path / f"part-{k}.lcpart"
        cli("run", EXAMPLE, "-n", 9000, "--seed", 4, "--shard", f"{k}/3", "--partial", out, "-q")
        assert launchcast.run_shard(str(EXAMPLE), k, 3, iterations=9000, seed=4) == out.read_bytes()
    # Threads never change a part.
    one = launchcast.run_shard(str(EXAMPLE), 2, 3, iterations=9000, seed=4, threads=1)
    assert launchcast.run_shard(str(EXAMPLE), 2, 3, iterations=9000, seed=4, threads=2) == one


@pytest.mark.parametrize("shards", [1, 2, 3, 7])
def test_merged_parts_are_the_run(shards):
    parts = [launchcast.run_shard(EXAMPLE, k, shards, iterations=7000, seed=6) for k in range(1, shards + 1)]
    expected = launchcast.run(EXAMPLE, iterations=7000, seed=6).to_json()
    assert launchcast.merge(parts[::-1]).to_json() == expected
    assert expected == cli("run", EXAMPLE, "-n", 7000, "--seed", 6, "--json", "-", "-q").stdout.decode()


def test_parts_of_python_and_the_cli_merge_together(tmp_path):
    out = tmp_path / "part-2.lcpart"
    cli("run", EXAMPLE, "-n", 5000, "--seed", 8, "--shard", "2/2", "--partial", out, "-q")
    first = launchcast.run_shard(str(EXAMPLE), 1, 2, iterations=5000, seed=8)
    merged = launchcast.merge([first, out.read_bytes()], drivers=False)
    assert merged.to_json() == launchcast.run(EXAMPLE, iterations=5000, seed=8, drivers=False).to_json()


def test_a_model_with_includes_merges_from_the_text_its_parts_carry(included, tmp_path, monkeypatch):
    parts = [launchcast.run_shard(included, k, 2, iterations=6000, seed=2) for k in (1, 2)]
    # Merged elsewhere: the included files are not read again.
    monkeypatch.chdir(tmp_path)
    merged = launchcast.merge(parts).to_json()
    assert merged == cli("run", included, "-n", 6000, "--seed", 2, "--json", "-", "-q").stdout.decode()
    p = launchcast.run(included, iterations=6000, seed=2).to_dict()["scenarios"][0]["promises"][0]
    assert 0.05 < p["probability"] < 0.95


def refusal(parts):
    with pytest.raises(launchcast.ModelError) as e:
        launchcast.merge(parts)
    return e.value


def test_merge_refuses_what_the_cli_refuses_naming_the_part():
    a = [launchcast.run_shard(EXAMPLE, k, 3, iterations=3000, seed=1) for k in (1, 2, 3)]
    other_seed = launchcast.run_shard(EXAMPLE, 2, 3, iterations=3000, seed=2)
    other_n = launchcast.run_shard(EXAMPLE, 2, 4, iterations=3000, seed=1)

    e = refusal([a[0], other_seed, a[2]])
    assert e.file == "parts[1]"
    assert e.message == "parts[1]: part 2 of 3 is of another seed than parts[0] (part 1 of 3)"
    assert "same model, seed, iterations" in e.help

    assert "another number of parts" in refusal([a[0], other_n]).message
    assert refusal([a[0], a[1], a[1]]).message == "parts[2]: part 2 of 3 is given twice"
    missing = refusal([a[0], a[2]])
    assert missing.file == "" and missing.message == "parts missing: 2 of 3"
    cut = refusal([a[0], a[1][:-1], a[2]])
    assert cut.file == "parts[1]" and "truncated or corrupted" in cut.message
    changed = bytearray(a[2])
    changed[len(changed) // 2] ^= 1
    assert "truncated or corrupted" in refusal([a[0], a[1], bytes(changed)]).message
    assert "not a launchcast partial result" in refusal([b"[program]\n"]).message
    assert refusal([]).message == "no parts to merge"

    with pytest.raises(TypeError, match="list of partial results"):
        launchcast.merge(a[0])
    with pytest.raises(TypeError, match=r"parts\[1\]: a partial result is bytes"):
        launchcast.merge([a[0], "part-2.lcpart"])


@pytest.mark.parametrize("k, n", [(0, 3), (4, 3), (-1, 2), (1, 0), (1, 1_000_001)])
def test_a_part_that_does_not_exist_is_refused(k, n):
    with pytest.raises(ValueError, match=rf"shard={k}, shards={n} is not a part of a run"):
        launchcast.run_shard(EXAMPLE, k, n, iterations=1000)
