"""Transitions and the efficiency spectrum of a phase diagram.

The *spectrum* is the lower convex hull of the steps (c_i, ε_i): a list of segments, each with
its *efficiency* −Δε/Δc, the error bought per unit of complexity by the programs added along it
(for prefix-sorting: the mass one level-k rule fixes). Efficiencies fall from segment to segment.
A *transition* is a hull vertex where the efficiency drops by at least ``ratio``: the front
switches to a new, less efficient kind of program. Hull geometry uses exact fractions when the
steps carry exact counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .diagram import PhaseDiagram

__all__ = ["Segment", "Transition", "spectrum", "transitions", "DEFAULT_RATIO"]

#: Least efficiency drop (before / after) that counts as a transition.
DEFAULT_RATIO = 1.5


@dataclass(frozen=True)
class Segment:
    """A hull segment from (start_complexity, start_error) to (end_complexity, end_error);
    ``efficiency`` in error per unit of complexity."""

    start_complexity: int
    end_complexity: int
    start_error: float
    end_error: float
    efficiency: float


@dataclass(frozen=True)
class Transition:
    """A hull vertex where efficiency falls from ``efficiency_before`` to ``efficiency_after``
    (``ratio`` = before / after, computed exactly)."""

    complexity: int
    error: float
    efficiency_before: float
    efficiency_after: float
    ratio: float


def _hull(diagram: PhaseDiagram) -> list[tuple]:
    """Vertices (c, ε) of the lower convex hull of the steps, ε exact where counts are known."""
    hull: list[tuple] = []
    for p in ((s.complexity, s.exact_error) for s in diagram.steps):
        while len(hull) >= 2:
            (x0, y0), (x1, y1) = hull[-2], hull[-1]
            if (x1 - x0) * (p[1] - y0) - (y1 - y0) * (p[0] - x0) > 0:
                break
            hull.pop()
        hull.append(p)
    return hull


def _slope(a: tuple, b: tuple):
    return (a[1] - b[1]) / (b[0] - a[0])


def spectrum(diagram: PhaseDiagram) -> tuple[Segment, ...]:
    """The lower convex hull of the steps, as segments with their efficiencies (collinear
    steps merge into one segment)."""
    hull = _hull(diagram)
    return tuple(Segment(a[0], b[0], float(a[1]), float(b[1]), float(_slope(a, b)))
                 for a, b in zip(hull, hull[1:]))


def transitions(diagram: PhaseDiagram, *, ratio: float = DEFAULT_RATIO) -> tuple[Transition, ...]:
    """Hull vertices where the efficiency drops by a factor ≥ ``ratio``.

    For prefix-sorting (one-per-parent, n ≥ 4) these are the level boundaries c = 1, 1 + n,
    1 + n + n², ..., each with ratio n − 2.
    """
    hull = _hull(diagram)
    exact_ratio = Fraction(str(ratio))  # a drop of exactly 3/2 counts at ratio 1.5
    out = []
    for a, b, c in zip(hull, hull[1:], hull[2:]):
        before, after = _slope(a, b), _slope(b, c)
        if before >= (exact_ratio if isinstance(after, Fraction) else ratio) * after:
            out.append(Transition(b[0], float(b[1]), float(before), float(after), float(before / after)))
    return tuple(out)
