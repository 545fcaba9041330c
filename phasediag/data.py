"""Finite training data and the infrared collapse (DESIGN.md §2.4).

A training sample S of D inputs drawn from a task's distribution μ is itself a task
(:class:`Sample`): its inputs are the distinct draws, each weighing the number of times it was
drawn, so every method fits the *empirical* error E_S(p) = (draws p gets wrong) / D exactly.
:func:`fit_on_data` computes that train front, then the *test* error of each of its programs —
the exact population error where the task gives it, else the error on a fresh sample — and, where
the population front is known exactly, the predicted collapse point: memorising one draw buys
1/D of empirical error for one unit of complexity, so a kind of program whose efficiency
(population error bought per unit of complexity) is below 1/D is displaced by memorisation there.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from .analysis import spectrum
from .diagram import PhaseDiagram, Step, TaskInfo
from .errors import ParameterError, PhasediagError, TooLargeError
from .params import check_number
from .seeding import DATA_STREAM, TEST_STREAM, rng
from .tables import LIST_LIMIT, TaskTable
from .task import Task

__all__ = ["Sample", "draw_sample", "fit_on_data", "with_held_out", "Collapse", "collapse_point", "population_front",
           "DEFAULT_TEST_SIZE"]

#: Draws in the fresh test sample when the population error is not known exactly.
DEFAULT_TEST_SIZE = 100_000
#: Fraction of the test error's total fall within which the measured collapse is placed.
SETTLED = 0.05


class Sample(Task):
    """The empirical distribution of ``size`` draws from ``base``'s μ (``replace``: with
    replacement; else ``size`` distinct inputs). Inputs are the distinct draws, weights their
    multiplicities, so wrong/total counts draws."""

    family = "sample"
    description = "a training sample drawn from a task"
    parameters = ()

    def __init__(self, base: Task, size: int, seed: int, replace: bool, table: TaskTable):
        self.base, self.size, self.seed, self.replace = base, size, seed, replace
        self.params = base.params
        self.natural_programs = base.natural_programs
        self._table = table

    @property
    def spec(self) -> str:
        return f"{self.base.spec}@data={self.size},seed={self.seed},{'with' if self.replace else 'without'}-replacement"

    @property
    def labels(self) -> tuple[str, ...]:
        return self.base.labels

    @property
    def alphabet(self) -> tuple[str, ...]:
        return self.base.alphabet

    @property
    def n_inputs(self) -> int:
        return len(self._table)

    @property
    def total_weight(self) -> int:
        return self.size

    def _list_inputs(self) -> TaskTable:
        return self._table

    @property
    def info(self) -> dict:
        """What a diagram file records of the sample (part of its ``data`` object)."""
        return {"size": self.size, "seed": self.seed, "replace": self.replace, "distinct": len(self._table)}


def draw_sample(task: Task, size: int, *, seed: int = 0, replace: bool = False) -> Sample:
    """D = ``size`` inputs drawn from μ (seeded): with replacement, or ``size`` distinct ones."""
    if size < 1:
        raise ParameterError(f"The training sample needs at least one input. Got --data {size}.")
    check_number("data", size, low=1)
    check_number("data_seed", seed)
    return _draw(task, size, rng(seed, DATA_STREAM), seed, replace)


def _draw(task: Task, size: int, generator: np.random.Generator, seed: int, replace: bool) -> Sample:
    if task.n_inputs <= LIST_LIMIT:
        table = task.table
        if not replace and size > len(table):
            raise ParameterError(f"Cannot draw {size:,} distinct inputs: {task.spec} has {len(table):,}. "
                                 f"Lower --data or draw with replacement (--replace).")
        p = table.weights / table.weights.sum()
        picked = generator.choice(len(table), size=size, replace=replace, p=p)
        index, counts = np.unique(picked, return_counts=True)
        return Sample(task, size, seed, replace, TaskTable(table.codes[index], table.labels[index], counts))
    else:
        if size > LIST_LIMIT:
            raise ParameterError(f"A training sample holds at most {LIST_LIMIT:,} inputs. Got --data {size:,}.")
        codes, labels = task.draw(generator, size)
        if not replace:
            while True:
                codes, first = np.unique(codes, axis=0, return_index=True)
                labels = labels[first]
                if len(codes) == size:
                    break
                more, more_labels = task.draw(generator, size - len(codes))
                codes, labels = np.concatenate([codes, more]), np.concatenate([labels, more_labels])
            counts = np.ones(size, dtype=np.int64)
        else:
            codes, first, counts = np.unique(codes, axis=0, return_index=True, return_counts=True)
            labels = labels[first]
    return Sample(task, size, seed, replace, TaskTable(codes.astype(np.int16), labels.astype(np.int64), counts))


@dataclass(frozen=True)
class Collapse:
    """Where a train front parts from the population: ``predicted`` from the population front
    (the first convex-hull point after which efficiency < 1/D), ``measured`` from the test errors
    (the least complexity whose test error is within 5% of its total fall from its minimum).
    Complexities, with the population error (predicted) and test error (measured) there."""

    size: int
    efficiency: float
    predicted_complexity: int | None
    predicted_error: float | None
    measured_complexity: int | None
    measured_test_error: float | None

    def to_json(self) -> dict:
        return dict(vars(self))


def collapse_point(diagram: PhaseDiagram) -> Collapse:
    """The collapse of a train front fitted by :func:`fit_on_data` (see :class:`Collapse`)."""
    if diagram.data is None:
        raise ParameterError("This diagram was not fitted on training data (no --data), so it has no collapse point.")
    size = int(diagram.data["size"])
    threshold = 1.0 / size
    predicted = (None, None)
    population = diagram.data.get("population_front")
    if population:
        steps = tuple(Step(s["complexity"], s["error"], None, None, "optimal", None) for s in population)
        hull = spectrum(PhaseDiagram(diagram.task, diagram.programs, diagram.method, steps, 0.0))
        for seg in hull:
            if seg.efficiency < threshold:
                predicted = (seg.start_complexity, seg.start_error)
                break
        else:
            if hull:
                predicted = (hull[-1].end_complexity, hull[-1].end_error)
    tested = [s for s in diagram.steps if s.test_error is not None]
    measured = (None, None)
    if tested:
        low, high = min(s.test_error for s in tested), tested[0].test_error
        settled = low + SETTLED * max(high - low, 0.0)
        first = next(s for s in tested if s.test_error <= settled)
        measured = (first.complexity, first.test_error)
    return Collapse(size, threshold, *predicted, *measured)


def population_front(task: Task, programs, max_complexity: int) -> PhaseDiagram | None:
    """The exact population front up to ``max_complexity``, where an exact method settles it
    quickly (rule lists: the tree DP; circuits: enumeration); else None."""
    from .methods import exact_diagram, resolve_method

    try:
        method = resolve_method(task, programs)
        if method not in ("dp", "enumerate"):
            return None
        return exact_diagram(task, programs, method=method, max_complexity=max_complexity)
    except TooLargeError:
        return None


def fit_on_data(task: Task, programs, fit, *, size: int, seed: int = 0, replace: bool = False,
                test_size: int | None = None, held_out: Task | None = None, progress=None) -> PhaseDiagram:
    """The phase diagram fitted on D = ``size`` draws from ``task``: ``fit(sample, progress)``
    computes the train front (any method) on the :class:`Sample`; each step then gets its test
    error, and the file's ``data`` object the sample, the population front (where an exact method
    settles it) and the collapse point. ``test_size``: draws of the fresh test sample used when
    the population error is not known exactly (default DEFAULT_TEST_SIZE). ``held_out``: a test
    set of the user's (a task of the same kind of inputs) to take the test errors from instead."""
    if test_size is not None and test_size < 1:
        raise ParameterError(f"The test sample needs at least one input. Got --test-size {test_size}.")
    sample = draw_sample(task, size, seed=seed, replace=replace)
    train = fit(sample, progress)
    witnesses = [s.witness for s in train.steps]
    if held_out is not None:
        test, how = _held_out_errors(held_out, programs, witnesses), "file"
    else:
        test, how = _test_errors(task, programs, witnesses, test_size, seed)
    steps = tuple(Step(s.complexity, s.error, s.wrong, s.total, s.status, s.witness, s.lower_bound, t)
                  for s, t in zip(train.steps, test))
    top = max((s.complexity for s in steps), default=0)
    population = population_front(task, programs, top)
    data = {**sample.info, "test": how,
            "test_size": {"sample": test_size or DEFAULT_TEST_SIZE, "file": held_out and held_out.total_weight}.get(how),
            "test_file": getattr(held_out, "provenance", None),
            "population_front": None if population is None else
            [{"complexity": s.complexity, "error": s.error} for s in population.steps]}
    fitted = PhaseDiagram(TaskInfo.of(task), train.programs, train.method, steps, train.runtime_s,
                          diagnostics=train.diagnostics, complete=train.complete, data=data)
    data["collapse"] = collapse_point(fitted).to_json()
    return PhaseDiagram(fitted.task, fitted.programs, fitted.method, fitted.steps, fitted.runtime_s,
                        diagnostics=fitted.diagnostics, complete=fitted.complete, data=MappingProxyType(data))


def _test_errors(task: Task, programs, witnesses: list, test_size: int | None, seed: int) -> tuple[list[float], str]:
    """Test error of each program: exact population error where the task gives it
    (``"population"``), else the error on a fresh sample of ``test_size`` draws (``"sample"``)."""
    try:
        return [w / task.total_weight for w in programs.wrong_weights(task, witnesses)], "population"
    except TooLargeError:
        pass
    fresh = _draw(task, test_size or DEFAULT_TEST_SIZE, rng(seed, TEST_STREAM), seed, True)
    return [w / fresh.total_weight for w in programs.wrong_weights(fresh, witnesses)], "sample"


def _held_out_errors(held_out: Task, programs, witnesses: list) -> list[float]:
    """Each program's error on the user's held-out test set; a set of another kind of inputs
    (other letters, another width, other labels) is a ParameterError."""
    try:
        return [w / held_out.total_weight for w in programs.wrong_weights(held_out, witnesses)]
    except (ValueError, PhasediagError) as e:
        raise ParameterError(f"The test set {held_out.spec} does not fit the programs fitted here ({e}); it needs "
                             f"inputs of the training task's kind.") from None


def with_held_out(diagram: PhaseDiagram, task: Task, programs, held_out: Task) -> PhaseDiagram:
    """``diagram``, computed on ``task`` taken as the training set, with each step's test error on
    the ``held_out`` test set and a ``data`` object saying so (the measured collapse point: where
    the test error stops falling; no population front is known)."""
    test = _held_out_errors(held_out, programs, [s.witness for s in diagram.steps])
    steps = tuple(Step(s.complexity, s.error, s.wrong, s.total, s.status, s.witness, s.lower_bound, t)
                  for s, t in zip(diagram.steps, test))
    data = {"size": task.total_weight, "seed": None, "replace": None, "distinct": task.n_inputs, "test": "file",
            "test_size": held_out.total_weight, "test_file": getattr(held_out, "provenance", None),
            "population_front": None}
    fitted = PhaseDiagram(diagram.task, diagram.programs, diagram.method, steps, diagram.runtime_s,
                          diagnostics=diagram.diagnostics, complete=diagram.complete, data=data)
    data["collapse"] = collapse_point(fitted).to_json()
    return PhaseDiagram(fitted.task, fitted.programs, fitted.method, steps, fitted.runtime_s,
                        diagnostics=fitted.diagnostics, complete=fitted.complete, data=MappingProxyType(data))
