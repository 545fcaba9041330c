"""Property-based tests (Hypothesis) of everything a user types or hands over: task specs and
option values on the command line, diagram files, and table files. The property: exit 0 with a
valid result, or exit 2 with one line naming what is wrong and nothing written; never a
traceback. Generated cases are bounded (small alphabets and lengths besides the extreme values,
few examples) so that the suite stays within its time budget."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from phasediag.cli import main
from phasediag.errors import PhasediagError
from phasediag.io import read_diagram
from phasediag.tasks import FAMILIES, load_task

SETTINGS = settings(max_examples=int(__import__("os").environ.get("PHASEDIAG_EXAMPLES", 40)), deadline=None, derandomize=__import__("os").environ.get("PHASEDIAG_EXAMPLES") is None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

EXTREME_INTS = [-1, 0, 2**31, 2**63, 10**30]
NUMBERS = st.one_of(st.integers(-2, 7), st.sampled_from(EXTREME_INTS),
                    st.sampled_from([0.3, -1.5, 1e300, math.inf, math.nan]))
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
VALUES = st.one_of(NUMBERS.map(str), TEXT)


def _one_line_or_success(code: int, err: str, out_dir) -> None:
    if code == 0:
        return
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    assert not any(p.name.endswith(".json") for p in out_dir.iterdir()), "a refused run wrote its output"


@st.composite
def specs(draw):
    """A family's spec with some of its parameters (and sometimes an unknown one), any values."""
    family = draw(st.sampled_from(sorted(FAMILIES)))
    names = [p.name for p in FAMILIES[family].parameters] + ["bogus"]
    chosen = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
    pairs = [f"{name}={draw(VALUES)}" for name in chosen]
    return f"{family}:{','.join(pairs)}" if pairs else family


@SETTINGS
@given(spec=specs())
def test_task_specs_load_or_are_refused_in_one_line(spec):
    """load_task either gives a task or raises the library's own error with a message."""
    try:
        task = load_task(spec)
    except PhasediagError as e:
        assert str(e) and "\n" not in str(e).strip()
    else:
        assert task.n_inputs >= 1


@SETTINGS
@given(method=st.sampled_from(["exact", "dp", "cpsat", "tempered"]),
       option=st.sampled_from(["--max-complexity", "--time-limit", "--seed", "--steps", "--chains", "--eps",
                               "--workers", "--betas", "--lambdas"]),
       value=VALUES)
def test_options_give_a_diagram_or_one_line(tmp_path_factory, capsys, method, option, value):
    """On a tiny task, any value of any option: a valid diagram file, or one line and no file."""
    out_dir = tmp_path_factory.mktemp("o")
    out = out_dir / "d.json"
    argv = ["compute", "prefix-sorting:n=2,length=2", "--method", method, option, value, "--out", str(out)]
    if method == "tempered" and option not in ("--steps", "--chains"):
        argv += ["--steps", "200", "--chains", "1"]
    code = main(argv)
    _one_line_or_success(code, capsys.readouterr().err, out_dir)
    if code == 0:
        read_diagram(out)  # what was written reads back under the schema


@pytest.fixture(scope="module")
def diagram_text(tmp_path_factory):
    path = tmp_path_factory.mktemp("d") / "d.json"
    assert main(["compute", "prefix-sorting:n=3,length=2", "--out", str(path)]) == 0
    return path.read_text()


JSON_VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-3, 10**6), st.floats(allow_nan=False),
                                     TEXT), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner,
                                                                                                        max_size=3),
                           max_leaves=6)


def _paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, prefix + (i,))


@SETTINGS
@given(data=st.data())
def test_damaged_diagram_files_are_read_or_refused_in_one_line(tmp_path_factory, capsys, diagram_text, data):
    """One field anywhere in a written diagram replaced by any JSON value (or removed): ``show``
    reads it (witnesses included) or refuses it in one line."""
    obj = json.loads(diagram_text)
    paths = [p for p in _paths(obj) if p]
    where = data.draw(st.sampled_from(paths))
    parent = obj
    for key in where[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        parent.pop(where[-1])
    else:
        parent[where[-1]] = data.draw(JSON_VALUES)
    out_dir = tmp_path_factory.mktemp("x")
    path = out_dir / "x.txt"
    path.write_text(json.dumps(obj))
    _one_line_or_success(main(["show", str(path)]), capsys.readouterr().err, out_dir)


TABLE_LINES = {
    "csv": st.lists(st.one_of(st.sampled_from(["input,label,weight", "input,label", "ab,x,1", "b,y,3", "a,x,0",
                                                "ab,y", ",x,1", "c,z,-1", "d,w,1e3"]), TEXT), max_size=6),
    "pla": st.lists(st.one_of(st.sampled_from([".i 2", ".o 1", ".i 3", ".o 2", ".type fr", ".type fd", "01 1",
                                                "1- 0", "11 -", "0-1 10", ".e", ".p 2"]), TEXT), max_size=6),
    "truth": st.lists(st.one_of(st.sampled_from(["0110", "01101001", "0", "011", "01x0", "1" * 16]), TEXT),
                      max_size=3),
}


@SETTINGS
@given(data=st.data())
def test_table_files_load_or_are_refused_in_one_line(tmp_path_factory, data):
    """A CSV, PLA or IWLS truth file of plausible and implausible lines: a task, or the library's
    error with a one-line message."""
    suffix = data.draw(st.sampled_from(sorted(TABLE_LINES)))
    lines = data.draw(TABLE_LINES[suffix])
    path = tmp_path_factory.mktemp("t") / f"t.{suffix}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        task = load_task(f"table:path={path}")
    except PhasediagError as e:
        assert str(e) and "\n" not in str(e).strip()
    else:
        assert task.n_inputs >= 1 and task.total_weight >= 0


GRID_LINES = st.lists(st.one_of(
    st.sampled_from(["[task]", "[run]", "[bogus]", 'family = "prefix-sorting"', 'family = "nope"', "n = [3, 4]",
                     "n = []", "length = 2", "length = [2, -1]", 'programs = "prefix-rules"', 'programs = ["x"]',
                     'method = ["exact", "tempered"]', 'method = "dp"', "seed = [0, 1]", "seed = 1e300",
                     "steps = 10", "steps = 0", "data = [10, 100]", "time_limit = nan", "max_complexity = inf",
                     "chains = 2", "bogus = 1", "n = ", "[task", 'n = "3"']),
    TEXT.map(lambda t: f"x = {json.dumps(t)}")), max_size=8)


@SETTINGS
@given(lines=GRID_LINES)
def test_grid_files_read_or_are_refused_in_one_line(tmp_path_factory, lines):
    """A sweep grid (TOML) of plausible and implausible lines: a grid whose every point names a
    task spec and method that load, or one line saying what is wrong."""
    from phasediag.sweep import read_grid

    path = tmp_path_factory.mktemp("g") / "g.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        grid = read_grid(path)
        points = grid.points()
    except PhasediagError as e:
        assert str(e) and "\n" not in str(e).strip()
    else:
        for point in points:
            load_task(point.task)
