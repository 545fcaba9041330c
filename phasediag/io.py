"""Diagram files: versioned JSON (schema documented in docs/diagram-format.md) and CSV steps.

Writes are atomic (a temporary file renamed into place), so a failed or interrupted write never
leaves a file that looks complete.
"""

from __future__ import annotations

import json
import math
import os
from fractions import Fraction
from functools import cache
from importlib import resources

from .analysis import spectrum, transitions
from .diagram import STATUSES, MethodInfo, PhaseDiagram, Step, TaskInfo
from .errors import FileFormatError, PhasediagError
from .files import atomic_path, read_text, write_table_csv
from .version import __version__
from .programs import PROGRAM_CLASSES, load_programs

__all__ = ["SCHEMA", "write_diagram", "read_diagram", "diagram_to_json", "diagram_from_json",
           "write_steps_csv", "write_table_csv"]

SCHEMA = "phasediag.diagram/1"


def diagram_to_json(diagram: PhaseDiagram) -> dict:
    """The JSON object of a diagram; witnesses are written as changes to the previous step's."""
    programs = load_programs(diagram.programs)
    steps, previous = [], None
    for s in diagram.steps:
        steps.append({
            "complexity": s.complexity, "error": s.error, "wrong": s.wrong, "total": s.total,
            "test_error": s.test_error, "status": s.status, "lower_bound": s.lower_bound,
            "witness": programs.serialise(s.witness, previous),
        })
        previous = s.witness
    return {
        "schema": SCHEMA,
        "version": __version__,
        "task": {"spec": diagram.task.spec, "family": diagram.task.family,
                 "parameters": dict(diagram.task.parameters), "inputs": diagram.task.inputs,
                 "source": None if diagram.task.source is None else dict(diagram.task.source)},
        "programs": {"class": programs.name, "spec": programs.spec, "parameters": dict(programs.params)},
        "method": {"name": diagram.method.name, "settings": dict(diagram.method.settings),
                   "seed": diagram.method.seed, "time_limit": diagram.method.time_limit},
        "data": dict(diagram.data) if diagram.data is not None else None,
        "runtime_s": diagram.runtime_s,
        "complete": diagram.complete,
        "transitions": [{"complexity": t.complexity, "error": t.error,
                         "efficiency_before": t.efficiency_before,
                         "efficiency_after": t.efficiency_after, "ratio": t.ratio}
                        for t in transitions(diagram)],
        "spectrum": [vars(seg) for seg in spectrum(diagram)],
        "diagnostics": dict(diagram.diagnostics),
        "steps": steps,
    }


def diagram_from_json(obj: object, source: str = "<json>", *, witnesses: bool = True) -> PhaseDiagram:
    """Inverse of :func:`diagram_to_json`; a foreign or damaged object is a FileFormatError
    naming ``source``. Transitions and spectrum are derived again from the steps. With
    ``witnesses=False`` the programs are not read (each step's witness is None): what plots,
    spectra and comparisons need, at a fraction of the time."""
    if not isinstance(obj, dict) or "schema" not in obj:
        raise FileFormatError(f"{source} is not a phasediag diagram (no 'schema' field).")
    if obj["schema"] != SCHEMA:
        raise FileFormatError(f"{source} has schema {str(obj['schema'])[:60]!r}; this phasediag reads {SCHEMA!r}.")
    _check_schema(obj, source)
    try:
        task, method, name = obj["task"], obj["method"], obj["programs"]["class"]
        if name not in PROGRAM_CLASSES:
            raise FileFormatError(f"{source} uses unknown program class {name!r}.")
        spec = obj["programs"].get("spec")
        if spec is None:  # files written before programs kept their whole spec named only a basis
            basis = obj["programs"].get("basis")
            spec = name if basis is None else f"{name}:basis={basis}"
        try:
            programs = load_programs(spec)
            if programs.name != name:
                raise FileFormatError(f"{source}: program spec {spec!r} is not of class {name!r}.")
        except PhasediagError as e:
            raise FileFormatError(f"{source}: {e}") from None
        def exact(raw: dict):
            return Fraction(raw["wrong"], raw["total"]) if raw["wrong"] is not None and raw["total"] else raw["error"]

        for k, (a, b) in enumerate(zip(obj["steps"], obj["steps"][1:]), 1):  # the order first, then witnesses
            if not (a["complexity"] < b["complexity"] and exact(a) > exact(b)):
                raise FileFormatError(f"{source}: field steps.{k}: steps must have increasing complexity and strictly "
                                      f"decreasing error.")
        steps, read = [], programs.reader()
        for raw in obj["steps"]:
            if raw["status"] not in STATUSES:
                raise FileFormatError(f"{source}: step status {raw['status']!r} is not one of {STATUSES}.")
            step = Step(int(raw["complexity"]), float(raw["error"]), raw["wrong"], raw["total"],
                        raw["status"], read(raw["witness"]) if witnesses else None, raw["lower_bound"],
                        raw["test_error"])
            _check_step(step, programs, len(steps), source)
            steps.append(step)
        return PhaseDiagram(
            task=TaskInfo(task["spec"], task["family"], task["parameters"], int(task["inputs"]), task.get("source")),
            programs=programs.spec,
            method=MethodInfo(method["name"], method["settings"], method["seed"], method["time_limit"]),
            steps=steps,
            runtime_s=float(obj["runtime_s"]),
            diagnostics=obj["diagnostics"],
            complete=bool(obj["complete"]),
            data=obj["data"],
        )
    except PhasediagError:
        raise
    except KeyError as e:
        raise FileFormatError(f"{source} is not a complete phasediag diagram (missing field {e}).") from None
    except (TypeError, ValueError, AttributeError) as e:
        raise FileFormatError(f"{source} is not a valid phasediag diagram ({e}).") from None


def finite(obj):
    """``obj`` with every non-finite float (NaN, ±inf: a statistic with nothing to measure) made
    None, so that the JSON is standard (other readers refuse NaN and Infinity)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite(v) for v in obj]
    return obj


def write_diagram(diagram: PhaseDiagram, path: str | os.PathLike) -> None:
    """Write ``diagram`` as standard JSON to ``path`` (atomically)."""
    obj = finite(diagram_to_json(diagram))
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")


#: Largest diagram file read (bytes).
MAX_DIAGRAM_BYTES = 1 << 30


def read_diagram(path: str | os.PathLike, *, witnesses: bool = True) -> PhaseDiagram:
    """Read a diagram file; unreadable, foreign or damaged files raise FileFormatError naming the
    file and the field. The file is standard JSON (no NaN, Infinity or repeated keys) that keeps
    the documented schema (``phasediag/diagram.schema.json``) and whose numbers agree (error =
    wrong/total, lower bounds under complexities, each witness of its step's complexity).
    ``witnesses=False`` skips reading the programs (see :func:`diagram_from_json`)."""
    text = read_text(path, what="diagram file ", limit=MAX_DIAGRAM_BYTES)
    try:
        obj = json.loads(text, object_pairs_hook=_no_repeats, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise FileFormatError(f"{path} is not JSON ({e.msg} at line {e.lineno}).") from None
    except RecursionError:
        raise FileFormatError(f"{path} nests its JSON too deeply to be a diagram file.") from None
    except ValueError as e:  # a repeated key, NaN/Infinity, or an integer of thousands of digits
        raise FileFormatError(f"{path} is not standard JSON for a diagram ({str(e).splitlines()[0][:120]}).") from None
    return diagram_from_json(obj, str(path), witnesses=witnesses)


def _no_repeats(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"key {next(k for k in keys if keys.count(k) > 1)[:40]!r} given twice")
    return dict(pairs)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


@cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files(__package__).joinpath("diagram.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _check_schema(obj: dict, source: str) -> None:
    """A FileFormatError naming the first field that breaks the documented schema."""
    error = next(iter(sorted(_validator().iter_errors(obj), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            raise FileFormatError(f"{source} is not a complete phasediag diagram (missing field "
                                  f"{'.'.join(filter(None, (where, missing)))!r}).")
        raise FileFormatError(f"{source}: field {where or 'at the top level'}: {error.message[:160]}.")


def _check_step(step: Step, programs, index: int, source: str) -> None:
    """The step's numbers agree with each other and with its witness (the order of the steps is
    checked before they are read)."""
    where = f"{source}: field steps.{index}"
    if step.wrong is not None and step.total is not None:
        if step.wrong > step.total or abs(step.wrong / step.total - step.error) > 1e-9:
            raise FileFormatError(f"{where}: error {step.error} is not wrong/total = {step.wrong}/{step.total}.")
    if step.lower_bound is not None and step.lower_bound > step.complexity:
        raise FileFormatError(f"{where}: lower_bound {step.lower_bound} is above the complexity {step.complexity}.")
    if step.witness is not None and programs.complexity(step.witness) != step.complexity:
        raise FileFormatError(f"{where}: the witness has complexity {programs.complexity(step.witness)}, the step "
                              f"says {step.complexity}.")


#: Largest total size (Σ complexity over the steps) for which the CSV gives every witness whole.
CSV_WHOLE_LIMIT = 2_000_000


def write_steps_csv(diagram: PhaseDiagram, path: str | os.PathLike) -> None:
    """The steps as CSV: complexity, error, wrong, total, test_error, status, lower_bound and
    ``witness``, each step's whole program as JSON. A front whose programs add up to more than
    CSV_WHOLE_LIMIT (rules, gates, splits) would make that file quadratic in its length; its
    last column is then ``witness_change``, each program as its change from the step before."""
    programs = load_programs(diagram.programs)
    whole = sum(s.complexity for s in diagram.steps) <= CSV_WHOLE_LIMIT
    column = "witness" if whole else "witness_change"
    rows, previous = [], None
    for s in diagram.steps:
        witness = programs.serialise(s.witness, None if whole else previous)
        rows.append({"complexity": s.complexity, "error": s.error, "wrong": s.wrong, "total": s.total,
                     "test_error": s.test_error, "status": s.status, "lower_bound": s.lower_bound,
                     column: json.dumps(witness, ensure_ascii=False)})
        previous = s.witness
    write_table_csv(rows, path, ["complexity", "error", "wrong", "total", "test_error", "status", "lower_bound", column])
