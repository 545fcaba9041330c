"""Sweeps on Dask: grids, a real LocalCluster, a real scheduler process, resuming, bad input."""

import csv
import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from phasediag import __version__
from phasediag.cli import main
from phasediag.data import fit_on_data
from phasediag.io import read_diagram
from phasediag.methods import cpsat_diagram, diagram_fit
from phasediag.programs import load_programs
from phasediag.sweep import INDEX, MANIFEST, grid_from_toml, read_grid
from phasediag.tasks import load_task

from conftest import closed_form_front

ISSUE_GRID = """
[task]
family = "prefix-sorting"
n = [3, 4]
length = [3, 4]

[run]
programs = ["prefix-rules"]
method = ["exact"]
seed = [0, 1]
"""


def write(tmp_path, text, name="grid.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def index(folder):
    with open(folder / INDEX, newline="") as f:
        return list(csv.DictReader(f))


def test_points_are_the_cartesian_product(tmp_path):
    points = read_grid(write(tmp_path, ISSUE_GRID)).points()
    assert len(points) == 4 and len({p.file_name for p in points}) == 4  # dp takes no seed: one point per task
    assert {(load_task(p.task).n, load_task(p.task).length, p.seed) for p in points} == \
        {(n, length, 0) for n in (3, 4) for length in (3, 4)}
    assert {p.method for p in points} == {"dp"}
    seeded = read_grid(write(tmp_path, ISSUE_GRID.replace('method = ["exact"]', 'method = ["cpsat"]'))).points()
    assert {(load_task(p.task).n, load_task(p.task).length, p.seed) for p in seeded} == \
        {(n, length, s) for n in (3, 4) for length in (3, 4) for s in (0, 1)}


def test_points_equal_after_resolving_are_one():
    """exact is dp for rule lists; a tempered budget does not split the dp points."""
    grid = grid_from_toml({"task": {"family": "prefix-sorting", "n": 3, "length": 3},
                           "run": {"method": ["exact", "dp", "tempered"], "steps": [100, 200]}})
    points = grid.points()
    assert sorted((p.method, p.steps) for p in points) == [("dp", None), ("tempered", 100), ("tempered", 200)]


def test_a_family_spec_fixes_parameters_including_a_family_s_own_family():
    """``family = "boolean:family=random"``: boolean's own 'family' parameter, which a [task] key
    cannot name (the key is the family), is fixed by the spec; the other keys vary."""
    grid = grid_from_toml({"task": {"family": "boolean:family=random,inputs=3", "seed": [1, 2]},
                           "run": {"programs": "trees"}})
    assert [p.task for p in grid.points()] == [f"boolean:family=random,inputs=3,seed={s}" for s in (1, 2)]
    first, second = (load_task(p.task) for p in grid.points())
    assert first.table.labels.tolist() != second.table.labels.tolist()  # two random functions


def test_sweep_on_a_local_cluster_resumes(tmp_path, capsys):
    grid, out = write(tmp_path, ISSUE_GRID), tmp_path / "results"
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "2"]) == 0
    assert "4 computed now, 0 already done" in capsys.readouterr().out
    rows = index(out)
    assert len(rows) == 4 and {r["outcome"] for r in rows} == {"done"}
    assert json.loads((out / MANIFEST).read_text())["version"] == __version__
    for row in rows:  # each file is the closed-form front of its task (an independent check)
        d = read_diagram(out / row["file"])
        n, length = int(row["task.n"]), int(row["task.length"])
        assert d.task.spec == row["task"] and d.all_optimal
        assert [(s.complexity, s.wrong) for s in d.steps] == closed_form_front(n, length)
        assert int(row["n_steps"]) == len(d.steps) and int(row["last_complexity"]) == d.steps[-1].complexity
    stamps = {p: p.stat().st_mtime_ns for p in out.glob("*.json")}
    assert main(["sweep", str(grid), "--out", str(out)]) == 0  # nothing to do: no cluster, nothing rewritten
    assert "0 computed now, 4 already done" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.json")} == stamps
    lost = out / rows[3]["file"]
    lost.unlink()
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "1"]) == 0
    assert "1 computed now, 3 already done" in capsys.readouterr().out
    assert lost.exists() and index(out) == rows[:3] + [index(out)[3]] + rows[4:]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def scheduler(tmp_path):
    """A real `dask scheduler` process on localhost with one `dask worker` process."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    procs = [subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                               "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
                                       "--nthreads", "1", "--no-dashboard"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


def test_sweep_on_a_scheduler_process(tmp_path, scheduler, capsys):
    """Training data and a seeded method, through a scheduler the sweep did not start."""
    grid = write(tmp_path, """
[task]
family = "prefix-sorting"
n = 4
length = [3, 4]
[run]
method = ["exact", "cpsat"]
seed = [0, 1]
data = 20
""")
    out = tmp_path / "remote"
    assert main(["sweep", str(grid), "--out", str(out), "--scheduler", scheduler]) == 0
    rows = index(out)
    assert len(rows) == 8 and {r["outcome"] for r in rows} == {"done"}
    rules = load_programs("prefix-rules")
    for row in rows:
        d = read_diagram(out / row["file"])
        seed = int(row["seed"])
        expected = fit_on_data(load_task(row["task"]), rules, diagram_fit(rules, "dp"), size=20, seed=seed)
        assert d.data["seed"] == seed and d.data["size"] == 20
        assert [(s.complexity, s.wrong) for s in d.steps] == [(s.complexity, s.wrong) for s in expected.steps]
        if row["method"] == "dp":  # the same witnesses (CP-SAT may pick others of equal train error)
            assert [s.test_error for s in d.steps] == [s.test_error for s in expected.steps]
        assert row["method"] == d.method.name and (d.method.seed == seed if row["method"] == "cpsat" else True)
        predicted = d.data["collapse"]["predicted_complexity"]
        assert row["collapse_predicted"] == ("" if predicted is None else str(predicted))


def test_a_failing_point_is_reported_and_the_rest_kept(tmp_path, capsys):
    """n=100, length=6 has no full front without a cap: that point fails on its worker."""
    grid = write(tmp_path, '[task]\nfamily = "prefix-sorting"\nn = [3, 100]\nlength = 6\n')
    out = tmp_path / "partial"
    assert main(["sweep", str(grid), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "1 of 2 points failed" in err and "give a complexity cap" in err
    rows = index(out)
    assert [r["outcome"] for r in rows] == ["done", "error"] and "complexity cap" in rows[1]["message"]
    assert read_diagram(out / rows[0]["file"]).steps[-1].wrong == 0


def test_unreachable_scheduler_fails_fast(tmp_path, capsys):
    address = f"tcp://127.0.0.1:{_free_port()}"
    out = tmp_path / "never"
    assert main(["sweep", str(write(tmp_path, ISSUE_GRID)), "--out", str(out), "--scheduler", address]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and address in err and "dask scheduler" in err and "dask worker" in err
    assert not out.exists()


def test_folder_of_another_version_is_refused_and_kept(tmp_path, capsys):
    out = tmp_path / "old"
    out.mkdir()
    (out / MANIFEST).write_text(json.dumps({"schema": "phasediag.sweep/1", "version": "0.0.1"}))
    (out / "some-result.json").write_text("{}")
    assert main(["sweep", str(write(tmp_path, ISSUE_GRID)), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "phasediag 0.0.1" in err and __version__ in err and "new --out folder" in err
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "some-result.json"])
    (out / MANIFEST).unlink()
    assert main(["sweep", str(write(tmp_path, ISSUE_GRID)), "--out", str(out)]) == 2
    assert "not a phasediag sweep folder" in capsys.readouterr().err


@pytest.mark.parametrize("text, message", [
    ('[task]\nfamily = "prefix-sorting"\n[runs]\nseed = 1\n', "unknown table or key 'runs'"),
    ('[task]\nfamily = "prefix-sorting"\nm = 3\n', "[task] has unknown key 'm' for prefix-sorting. Allowed: family, n,"),
    ('[task]\nfamily = "prefix-sorting"\n[run]\nseeds = [0]\n', "[run] has unknown key 'seeds'. Allowed: programs,"),
    ('[task]\nfamily = "prefix-sorting"\nn = []\n', "[task] n is an empty list"),
    ('[task]\nfamily = "prefix-sorting"\n[run]\nseed = []\n', "[run] seed is an empty list"),
    ('[task]\nfamily = "sorting"\n', "unknown task family 'sorting'. Known: prefix-sorting"),
    ('[run]\nseed = 0\n', "needs a [task] table with family"),
    ('[task]\nfamily = "prefix-sorting"\n[run]\nseed = [0, -1]\n', "[run] seed must be an integer ≥ 0, or a list of them. Got -1."),
    ('[task]\nfamily = "prefix-sorting"\n[run]\nmethod = "anneal"\n', "[run] method must be one of exact, dp"),
    ('[task]\nfamily = "prefix-sorting"\nn = [[3]]\n', "[task] n must be a value or a flat list"),
    ('[task]\nfamily = "prefix-sorting"\nn = 1\n', "The 'n' parameter of prefix-sorting must be an integer in [2, 3844]. Got '1'."),
    ('[task]\nfamily = "prefix-sorting"\n[run]\ntime_limit = 5\n', "time_limit applies to no point of the grid"),
    ('[task]\nfamily = "prefix-sorting"\nn = 2\nlength = 3\n[run]\nprograms = "circuits"\nmethod = "dp"\n',
     "Method 'dp' does not work on circuits"),
    ('[task]\nfamily = "prefix-sorting"\nn = 3\n[run]\nprograms = "neural"\n', "Unknown program class"),
    ('[task\nfamily = "prefix-sorting"\n', "is not valid TOML"),
    ('[task]\nfamily = "boolean:family=random,seed=3"\nseed = [1, 2]\n',
     "[task] seed is both in family = 'boolean:family=random,seed=3' and a key"),
    ('[task]\nfamily = "boolean:random"\n', "[task] family: Spec item 'random'"),
    ('[task]\nfamily = "boolean"\nfamilies = 1\n',
     'Allowed: family, inputs, table, k, seed (its own family parameter goes in the spec: family = "boolean:family=...")'),
])
def test_bad_grid_exits_2_and_writes_nothing(tmp_path, capsys, text, message):
    out = tmp_path / "results"
    assert main(["sweep", str(write(tmp_path, text)), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err
    assert not out.exists()


def test_missing_grid_and_bad_options(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "none.toml")]) == 2
    assert "Cannot read grid file" in capsys.readouterr().err
    assert main(["sweep", str(write(tmp_path, ISSUE_GRID)), "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"]) == 2
    assert "--workers sets the size of a local cluster" in capsys.readouterr().err


def test_cpsat_point_matches_a_direct_run():
    """A grid point computes exactly what the library computes for the same settings."""
    (point,) = grid_from_toml({"task": {"family": "prefix-sorting", "n": 3, "length": 3},
                               "run": {"method": "cpsat", "seed": 2}}).points()
    d = point.compute()
    direct = cpsat_diagram(load_task(point.task), load_programs("prefix-rules"), seed=2)
    assert [(s.complexity, s.wrong) for s in d.steps] == [(s.complexity, s.wrong) for s in direct.steps]
    assert d.method.seed == 2


def test_the_example_grid_is_valid():
    points = read_grid(Path(__file__).parent.parent / "examples" / "prefix-sorting.toml").points()
    assert len(points) == 12 and {p.method for p in points} == {"dp", "tempered"}
    assert all(p.max_complexity == 40 for p in points)
