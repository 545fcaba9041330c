"""Plots of phase diagrams (matplotlib, imported here only).

Error on a linear axis, complexity on a symmetric-log axis (linear below 1, so the zero-rule
program shows), so that each level of prefix-sorting appears as an arc. Steps are drawn as steps
(ε(c) is constant between them), the convex hull dashed, transitions as dotted verticals labelled
with their efficiency drop; steps that are bounds or sampled are drawn hollow.
"""

from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from .analysis import spectrum, transitions
from .diagram import PhaseDiagram
from .io import atomic_path

__all__ = ["plot_diagrams", "diagram_label"]


def diagram_label(diagram: PhaseDiagram) -> str:
    return f"{diagram.task.spec} · {diagram.programs} · {diagram.method.name}"


def plot_diagrams(diagrams: Sequence[PhaseDiagram], path: str | os.PathLike | None = None, *,
                  labels: Sequence[str] | None = None, ax=None):
    """Overlay ``diagrams`` on one axis; save to ``path`` (atomically) if given. Returns the figure."""
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 5.5), layout="constrained")
    else:
        fig = ax.figure
    labels = list(labels) if labels is not None else [diagram_label(d) for d in diagrams]
    right = max((d.steps[-1].complexity for d in diagrams if d.steps), default=1)
    for i, (d, label) in enumerate(zip(diagrams, labels)):
        color = f"C{i}"
        if not d.steps:
            continue
        xs = [s.complexity for s in d.steps] + [max(right, 1) * 1.15]
        ys = [s.error for s in d.steps] + [d.steps[-1].error]
        ax.plot(xs, ys, drawstyle="steps-post", color=color, lw=1.4,
                label=label + ("" if d.complete else " (incomplete)"))
        proved = [s for s in d.steps if s.status == "optimal"]
        other = [s for s in d.steps if s.status != "optimal"]
        if len(d.steps) <= 400:
            ax.plot([s.complexity for s in proved], [s.error for s in proved], "o", ms=2.5, color=color)
        if other:
            ax.plot([s.complexity for s in other], [s.error for s in other], "o", ms=4,
                    mfc="none", color=color, label=f"{label}: bounds/sampled")
        hx, hy = [], []
        for seg in spectrum(d):  # straight in c, so sampled densely to show right on a log axis
            cs = np.linspace(seg.start_complexity, seg.end_complexity, 64)
            hx += cs.tolist()
            hy += (seg.start_error - seg.efficiency * (cs - seg.start_complexity)).tolist()
        ax.plot(hx, hy, "--", lw=0.8, color=color, alpha=0.7)
        for t in transitions(d):
            ax.axvline(t.complexity, ls=":", lw=0.9, color=color, alpha=0.8)
            ax.annotate(f"c={t.complexity}\n÷{t.ratio:.3g}", (t.complexity, t.error), xytext=(4, 6),
                        textcoords="offset points", fontsize=7, color=color)
    ax.set_xscale("symlog", linthresh=1, linscale=0.4)
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("complexity (symlog scale)")
    ax.set_ylabel("error ε")
    ax.set_title("complexity-precision phase diagram" if len(diagrams) > 1 else diagram_label(diagrams[0]),
                 fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper right")
    if path is not None:
        with atomic_path(path) as tmp:
            fig.savefig(tmp, dpi=150, format=os.fspath(path).rsplit(".", 1)[-1].lower())
    return fig
