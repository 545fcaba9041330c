"""Sweeps: many phase diagrams over a grid, computed on Dask (DESIGN.md §4).

A grid names a task family with, per task parameter, a value or a list of values, and run
settings (program class, method, seed, training size D, the method's budgets), each a value or a
list. Its points are the Cartesian product. :func:`run_sweep` computes every point not yet in the
results folder on a Dask cluster — a ``LocalCluster`` by default, a running scheduler when an
address is given, the same code path — and writes one diagram file per point and ``index.csv``
with one row per point. Workers return each diagram as JSON and the client writes it, so workers
need no access to the folder. The folder's ``sweep.json`` records the phasediag version that
wrote it; rerunning a grid there skips every point whose diagram file exists, so a stopped sweep
resumes where it was.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import os
import re
import sys
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .tasks import FAMILIES, load_task

from .version import __version__
from .analysis import transitions
from .data import fit_on_data
from .diagram import STATUSES, PhaseDiagram
from .errors import FileFormatError, ParameterError, PhasediagError
from .files import atomic_path, read_text
from .interrupts import interrupts_ignored
from .io import (diagram_from_json, diagram_to_json, read_diagram, write_diagram,
                 write_table_csv)
from .methods import CHOICES, METHODS, diagram_fit, options_of, resolve_method
from .params import format_spec, parse_spec
from .programs import load_programs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Grid", "Point", "SweepReport", "SchedulerError", "read_grid", "grid_from_toml", "run_sweep",
           "compute_point", "MANIFEST", "INDEX"]

SCHEMA = "phasediag.sweep/1"
#: The folder's record of the phasediag version that wrote it.
MANIFEST = "sweep.json"
#: One row per point of the last grid run in the folder.
INDEX = "index.csv"
#: [run] budgets that only some methods take (max_complexity applies to every method).
_METHOD_BUDGETS = ("time_limit", "steps", "chains")
#: Seconds to reach a scheduler, and to wait for its first worker.
CONNECT_TIMEOUT = 5.0
WORKER_TIMEOUT = 60.0


class SchedulerError(PhasediagError):
    """The Dask scheduler cannot be reached or cannot run phasediag."""


@dataclass(frozen=True)
class Point:
    """One diagram of a sweep. ``method`` is resolved (``dp``, ``cpsat``, ``enumerate`` or
    ``tempered``), but for ``exact`` on training data, which picks per sample (the index then
    says what ran); ``seed`` seeds the method where it takes one (CP-SAT, tempered) and the
    training sample when ``data`` = D is given (else it is 0: an exact method without data is
    computed once, whatever the seeds); budgets the method does not take are None."""

    task: str
    programs: str
    method: str
    seed: int = 0
    data: int | None = None
    max_complexity: int | None = None
    time_limit: float | None = None
    steps: int | None = None
    chains: int | None = None

    @property
    def budgets(self) -> dict[str, Any]:
        """The settings given beyond task, class, method, seed and D."""
        return {k: v for k, v in asdict(self).items()
                if k in ("max_complexity", *_METHOD_BUDGETS) and v is not None}

    @property
    def file_name(self) -> str:
        """``<readable>-<hash>.json``: stable across runs, unique per point."""
        parts = [self.task, self.programs, self.method, f"seed={self.seed}"]
        parts += [f"data={self.data}"] * (self.data is not None) + [f"{k}={v}" for k, v in self.budgets.items()]
        readable = re.sub(r"[^A-Za-z0-9=,.+-]+", "_", "__".join(parts))
        digest = hashlib.sha1(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:8]
        return f"{readable}-{digest}.json"

    def compute(self, progress=None) -> PhaseDiagram:
        """The point's diagram: the method on the task, or on D draws from it."""
        task, programs = load_task(self.task), load_programs(self.programs)
        options = {"max_complexity": self.max_complexity, **self.budgets}
        if "seed" in options_of(programs, self.method):
            options["seed"] = self.seed
        fit = diagram_fit(programs, self.method, **options)
        if self.data is None:
            return fit(task, progress)
        return fit_on_data(task, programs, fit, size=self.data, seed=self.seed, progress=progress)


def compute_point(point: Point) -> dict:
    """Run on a Dask worker: the point's diagram as its JSON object."""
    return diagram_to_json(point.compute())


#: [run] keys: (check, what is allowed, default).
_RUN_KEYS: dict[str, tuple[Callable[[Any], bool], str, Any]] = {
    "programs": (lambda v: isinstance(v, str), "a program class such as prefix-rules or circuits:basis=aig", None),
    "method": (lambda v: v in CHOICES, "one of " + ", ".join(CHOICES), "exact"),
    "seed": (lambda v: _is_int(v) and v >= 0, "an integer ≥ 0", 0),
    "data": (lambda v: _is_int(v) and v >= 1, "an integer ≥ 1 (training draws)", None),
    "max_complexity": (lambda v: _is_int(v) and v >= 0, "an integer ≥ 0", None),
    "time_limit": (lambda v: _is_number(v) and v > 0, "a number of seconds > 0", None),
    "steps": (lambda v: _is_int(v) and v >= 1, "an integer ≥ 1", None),
    "chains": (lambda v: _is_int(v) and v >= 1, "an integer ≥ 1", None),
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True)
class Grid:
    """A sweep's grid: a task ``family``, its ``task`` axes (parameter → values) and the ``run``
    axes (programs, method, seed, data, budgets → values). Its points are their product."""

    family: str
    task: tuple[tuple[str, tuple], ...] = ()
    run: tuple[tuple[str, tuple], ...] = ()
    source: str = "grid"

    def points(self) -> tuple[Point, ...]:
        """Every point, in grid order, each checked (task parameters, class, method) before any
        work starts. Budgets a point's method does not take are dropped from it, and points
        equal after that are one point; a budget no point takes is an error."""
        run = dict(self.run)
        names = [k for k in _RUN_KEYS if k in run]
        points: dict[Point, None] = {}
        used: set[str] = set()
        for task_values in itertools.product(*(values for _, values in self.task)):
            task = load_task(format_spec(self.family, dict(zip((name for name, _ in self.task), task_values))))
            for run_values in itertools.product(*(run[k] for k in names)):
                settings = {k: d for k, (_, _, d) in _RUN_KEYS.items()} | dict(zip(names, run_values))
                programs = load_programs(settings.pop("programs") or task.natural_programs)
                method = settings.pop("method")
                if method != "exact" or settings["data"] is None:  # exact on data: picked per sample
                    method = resolve_method(task, programs, method)
                takes = options_of(programs, method)
                kept = {k: v for k, v in settings.items() if k not in _METHOD_BUDGETS or k in takes}
                if "seed" not in takes and kept["data"] is None:
                    kept["seed"] = 0  # the seed means nothing to this point: one point for every seed
                used |= {k for k, v in kept.items() if v is not None}
                points[Point(task.spec, programs.spec, method, **kept)] = None
        unused = [k for k in _METHOD_BUDGETS if k in run and k not in used]
        if unused:
            raise ParameterError(f"{self.source}: [run] {unused[0]} applies to no point of the grid "
                                 f"(it is taken by {_takers(unused[0])}).")
        return tuple(points)


def _takers(option: str) -> str:
    return " and ".join(m.name for m in METHODS.values() if option in m.options)


def read_grid(path: str | os.PathLike) -> Grid:
    """The grid in the TOML file ``path`` (see :func:`grid_from_toml`)."""
    text = read_text(path, ParameterError, "grid file ")
    try:
        obj = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ParameterError(f"{path} is not valid TOML ({e}).") from None
    return grid_from_toml(obj, str(path))


def grid_from_toml(obj: dict, source: str = "grid") -> Grid:
    """A :class:`Grid` from parsed TOML: ``[task]`` with ``family`` (a family name, or a spec
    fixing some of its parameters: ``"boolean:family=random"``) and, per task parameter, a
    value or a list; ``[run]`` with ``programs``, ``method``, ``seed``, ``data``,
    ``max_complexity``, ``time_limit``, ``steps``, ``chains``, each a value or a list (all
    optional). Unknown keys and empty lists are errors naming the key.

    >>> g = grid_from_toml({"task": {"family": "prefix-sorting", "n": [3, 4]},
    ...                     "run": {"method": "cpsat", "seed": [0, 1]}})
    >>> [(p.task.split(",")[0], p.seed) for p in g.points()]
    [('prefix-sorting:n=3', 0), ('prefix-sorting:n=3', 1), ('prefix-sorting:n=4', 0), ('prefix-sorting:n=4', 1)]
    """
    for key in obj:
        if key not in ("task", "run"):
            raise ParameterError(f"{source}: unknown table or key '{key}'. A grid has a [task] and a [run] table.")
    task = obj.get("task")
    if not isinstance(task, dict) or not isinstance(task.get("family"), str):
        raise ParameterError(f"{source}: needs a [task] table with family = one of {', '.join(FAMILIES)}.")
    try:
        family, fixed = parse_spec(task["family"])  # "boolean:family=random": a family's own 'family'
    except ParameterError as e:
        raise ParameterError(f"{source}: [task] family: {e}") from None
    if family not in FAMILIES:
        raise ParameterError(f"{source}: unknown task family '{family}'. Known: {', '.join(FAMILIES)}.")
    known = [p.name for p in FAMILIES[family].parameters]
    task_axes = []
    for key, value in [*fixed.items(), *((k, v) for k, v in task.items() if k != "family")]:
        if key not in known:
            also = f" (its own family parameter goes in the spec: family = \"{family}:family=...\")" \
                if "family" in known else ""
            raise ParameterError(f"{source}: [task] has unknown key '{key}' for {family}. "
                                 f"Allowed: family, {', '.join(k for k in known if k != 'family')}{also}.")
        if key in fixed and key in task and key != "family":
            raise ParameterError(f"{source}: [task] {key} is both in family = {task['family']!r} and a key; "
                                 f"give it in one place.")
        values = _axis(source, "task", key, value)
        bad = [v for v in values if not _is_number(v) and not isinstance(v, str) or "," in str(v)]
        if bad:
            raise ParameterError(f"{source}: [task] {key} takes numbers or text without commas. Got {bad[0]!r}.")
        task_axes.append((key, values))
    run = obj.get("run", {})
    if not isinstance(run, dict):
        raise ParameterError(f"{source}: 'run' must be a table ([run]).")
    run_axes = []
    for key, value in run.items():
        if key not in _RUN_KEYS:
            raise ParameterError(f"{source}: [run] has unknown key '{key}'. Allowed: {', '.join(_RUN_KEYS)}.")
        values = _axis(source, "run", key, value)
        check, allowed, _ = _RUN_KEYS[key]
        bad = [v for v in values if not check(v)]
        if bad:
            raise ParameterError(f"{source}: [run] {key} must be {allowed}, or a list of them. Got {bad[0]!r}.")
        run_axes.append((key, values))
    return Grid(family, tuple(task_axes), tuple(run_axes), source)


def _axis(source: str, table: str, key: str, value: Any) -> tuple:
    """A value or list as a tuple of distinct values, in order."""
    values = value if isinstance(value, list) else [value]
    if not values:
        raise ParameterError(f"{source}: [{table}] {key} is an empty list; give a value or a non-empty list.")
    if any(isinstance(v, (list, dict)) for v in values):
        raise ParameterError(f"{source}: [{table}] {key} must be a value or a flat list of values.")
    return tuple(dict.fromkeys(values))


@dataclass(frozen=True)
class SweepReport:
    """What a sweep did: the index ``rows`` (one per point), how many points it ``computed``, how
    many were already ``done`` in the folder, and the points that ``failed`` with their message."""

    rows: tuple[dict, ...]
    computed: int
    done: int
    failed: tuple[tuple[Point, str], ...]


def run_sweep(grid: Grid, folder: str | os.PathLike, *, scheduler: str | None = None, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None,
              connect_timeout: float = CONNECT_TIMEOUT, worker_timeout: float = WORKER_TIMEOUT) -> SweepReport:
    """Compute every point of ``grid`` not yet in ``folder`` on Dask and keep ``folder/index.csv``
    current after each point. ``scheduler``: address of a running scheduler (``tcp://host:8786``);
    None starts a local cluster of ``workers`` processes (default: one per core).
    ``progress(done, total)`` is called as points finish. A point that fails (a phasediag error,
    or a worker lost while running it) is reported with its message, not raised; the others go
    on. Ctrl-C stops the sweep with every finished point kept. In a script, call it under
    ``if __name__ == "__main__":``: the local cluster's processes import the main module."""
    if scheduler is not None and workers is not None:
        raise ParameterError("--workers sets the size of a local cluster; with --scheduler, start workers "
                             "with `dask worker ADDRESS` instead.")
    folder = Path(folder)
    points = grid.points()
    family = [p.name for p in FAMILIES[grid.family].parameters]
    _check_folder(folder)
    results: dict[Point, dict] = {}
    for point in points:
        path = folder / point.file_name
        if path.exists():
            try:
                results[point] = _row(point, family, read_diagram(path, witnesses=False))
            except FileFormatError as e:
                raise FileFormatError(f"{e} Remove it to compute that point again.") from None
    pending = [p for p in points if p not in results]
    done = len(results)
    failed: list[tuple[Point, str]] = []
    if progress:
        progress(done, len(points))
    if pending:
        with _client(scheduler, workers or min(len(pending), os.cpu_count() or 1),
                     connect_timeout, worker_timeout) as client:
            _create_folder(folder)
            _write_index(folder, _index_rows(points, results, family), family)
            from distributed import as_completed

            futures = {client.submit(compute_point, p, pure=False): p for p in pending}
            try:
                for future in as_completed(futures):
                    point = futures[future]
                    if future.status == "error":
                        error = future.exception()
                        message = str(error) if isinstance(error, PhasediagError) else \
                            f"{type(error).__name__}: {error}".splitlines()[0]
                        failed.append((point, message))
                        results[point] = _row(point, family, None, message)
                    else:
                        diagram = diagram_from_json(future.result(), point.file_name)
                        write_diagram(diagram, folder / point.file_name)
                        results[point] = _row(point, family, diagram)
                    _write_index(folder, _index_rows(points, results, family), family)
                    if progress:
                        progress(len(results), len(points))
            finally:
                client.cancel(list(futures))
    rows = _index_rows(points, results, family)
    if not pending and folder.is_dir():
        _write_index(folder, rows, family)
    return SweepReport(rows, len(results) - done - len(failed), done, tuple(failed))


def _check_folder(folder: Path) -> None:
    """A results folder must be new, empty, or written by this phasediag version."""
    if not folder.exists():
        if not folder.parent.is_dir():
            raise ParameterError(f"--out: folder '{folder.parent}' does not exist.")
        return
    if not folder.is_dir():
        raise ParameterError(f"--out: '{folder}' is a file; give a folder for the results.")
    manifest = folder / MANIFEST
    if not manifest.exists():
        if any(folder.iterdir()):
            raise ParameterError(f"'{folder}' is not a phasediag sweep folder (no {MANIFEST}) and is not empty; "
                                 "give a new or empty --out folder.")
        return
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))
        schema, version = record["schema"], record["version"]
    except (OSError, ValueError, KeyError, TypeError):
        raise FileFormatError(f"{manifest} is damaged; it should hold the schema and version of the sweep.") from None
    if schema != SCHEMA or version != __version__:
        raise FileFormatError(f"'{folder}' was written by phasediag {version} ({schema}); this is phasediag "
                              f"{__version__}. Its results are kept as they are: give a new --out folder.")


def _create_folder(folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    manifest = folder / MANIFEST
    if not manifest.exists():
        with atomic_path(manifest) as tmp:
            tmp.write_text(json.dumps({"schema": SCHEMA, "version": __version__}) + "\n", encoding="utf-8")


_INDEX_FIELDS = ["programs", "method", "seed", "data", "max_complexity", "time_limit", "steps", "chains",
                 "outcome", "n_steps", "statuses", "complete", "last_complexity", "last_error", "transitions",
                 "collapse_predicted", "collapse_measured", "runtime_s", "message"]


def _row(point: Point, family: list[str], diagram: PhaseDiagram | None, message: str = "") -> dict:
    """The index row of a point: its settings (task parameters as ``task.NAME``) and, once
    computed, a summary of its diagram."""
    _, params = parse_spec(point.task)
    row: dict[str, Any] = {"file": point.file_name if diagram else "", "task": point.task,
                           **{f"task.{k}": params.get(k, "") for k in family}}
    row |= {k: v for k, v in asdict(point).items() if k not in ("task",)}
    if diagram is None:
        return row | {"outcome": "error" if message else "pending", "message": message}
    steps = diagram.steps
    collapse = (diagram.data or {}).get("collapse") or {}
    counts = {s: sum(st.status == s for st in steps) for s in STATUSES}
    return row | {
        "method": diagram.method.name,  # what ran: exact on data picks per sample
        "outcome": "done", "n_steps": len(steps),
        "statuses": " ".join(f"{n} {s}" for s, n in counts.items() if n),
        "complete": diagram.complete, "last_complexity": steps[-1].complexity, "last_error": steps[-1].error,
        "transitions": " ".join(str(t.complexity) for t in transitions(diagram)),
        "collapse_predicted": collapse.get("predicted_complexity"),
        "collapse_measured": collapse.get("measured_complexity"), "runtime_s": round(diagram.runtime_s, 3),
    }


def _index_rows(points: tuple[Point, ...], results: dict[Point, dict], family: list[str]) -> tuple[dict, ...]:
    """One row per point: its result's row, or a pending one."""
    return tuple(results.get(p) or _row(p, family, None) for p in points)


def _write_index(folder: Path, rows: tuple[dict, ...], family: list[str]) -> None:
    write_table_csv(list(rows), folder / INDEX, ["file", "task", *(f"task.{k}" for k in family), *_INDEX_FIELDS])


@contextmanager
def _client(scheduler: str | None, workers: int, connect_timeout: float, worker_timeout: float) -> Iterator:
    """A Dask client: on a new LocalCluster of ``workers`` processes, or on the scheduler at
    ``scheduler`` once it has a worker running this phasediag version."""
    from distributed import Client, LocalCluster

    if scheduler is None:
        with ExitStack() as stack:
            # the workers never see Ctrl-C (the client stops them), and a Ctrl-C while they
            # start would leave the cluster half started: that one is lost. Dask's own logs are
            # silenced (a worker whose heartbeat races the scheduler's shutdown logs a traceback);
            # a point that fails reaches the client as its exception.
            with interrupts_ignored():
                cluster = stack.enter_context(LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.CRITICAL))
                client = stack.enter_context(Client(cluster))
            yield client
        return
    how = (f"Start one with `dask scheduler` and workers with `dask worker {scheduler}`, "
           "or leave out --scheduler to run on a local cluster.")
    try:
        client = Client(scheduler, timeout=connect_timeout)
    except (OSError, TimeoutError, ValueError, TypeError) as e:  # TypeError: a tls:// address without security
        message = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise SchedulerError(f"Cannot reach a Dask scheduler at {scheduler} ({message}). {how}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=worker_timeout)
        except TimeoutError:
            raise SchedulerError(f"The scheduler at {scheduler} has no workers after {worker_timeout:g} s. "
                                 f"Start some with `dask worker {scheduler}`.") from None
        versions = client.get_versions(packages=["phasediag"])["workers"]
        for address, info in versions.items():
            theirs = info.get("packages", {}).get("phasediag")
            if theirs != __version__:
                raise SchedulerError(f"Worker {address} has phasediag {theirs or 'not installed'}; this is "
                                     f"{__version__}. Install the same version on every worker.")
        yield client

