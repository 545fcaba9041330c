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
from .figures import pyplot as _pyplot, save as _save
from .programs import load_programs

__all__ = ["plot_diagrams", "plot_varied", "plot_spectrum", "diagram_label", "draw_data", "draw_entropy", "draw_heat_capacity"]


def diagram_label(diagram: PhaseDiagram) -> str:
    return f"{diagram.task.spec} · {diagram.programs} · {diagram.method.name}"


def plot_diagrams(diagrams: Sequence[PhaseDiagram], path: str | os.PathLike | None = None, *,
                  labels: Sequence[str] | None = None, ax=None):
    """Overlay ``diagrams`` on one axis per program class (rules and gates side by side); save
    to ``path`` (atomically) if given. Returns the figure."""
    plt = _pyplot(path)

    common, short = _labels(diagrams)
    labels = list(labels) if labels is not None else short
    classes = list(dict.fromkeys(_class_of(d) for d in diagrams))
    tempered = [d for d in diagrams if "density_of_states" in d.diagnostics or "tempering" in d.diagnostics]
    if ax is None:
        width = max(len(classes), 2 if tempered else 1)
        mosaic = [[f"front {k * len(classes) // width}" for k in range(width)]]  # fronts span the width
        mosaic += [[f"entropy {i}"] * (width // 2) + [f"heat {i}"] * (width - width // 2) for i in range(len(tempered))]
        fig, panels = plt.subplot_mosaic(mosaic, figsize=(9 * width ** 0.75, 5.5 * (1 + 0.9 * len(tempered))),
                                         layout="constrained")
        axes = [panels[f"front {k}"] for k in range(len(classes))]
        for i, d in enumerate(tempered):
            draw_entropy(d, panels[f"entropy {i}"])
            draw_heat_capacity(d, panels[f"heat {i}"])
        fig.suptitle(common, fontsize=10)
    else:
        fig, axes = ax.figure, [ax] * len(classes)
    for a, name in zip(axes, classes):
        mine = [i for i, d in enumerate(diagrams) if _class_of(d) == name]
        _draw(a, [diagrams[i] for i in mine], [labels[i] for i in mine], first_color=mine[0])
        a.set_xlabel(f"complexity: {load_programs(diagrams[mine[0]].programs).unit} (symlog scale)")
        a.set_title(f"phase diagram · {name}" if len(classes) > 1 else "complexity-precision phase diagram", fontsize=9)
    _save(fig, path)
    return fig


def _labels(diagrams: Sequence[PhaseDiagram]) -> tuple[str, list[str]]:
    """What all diagrams share (task parameters, class, method), and for each what sets it apart:
    a legend names only the difference, the figure's title the rest."""
    parts = [[*_spec_parts(d.task.spec), d.programs, d.method.name]
             + ([f"D={d.data['size']:,}"] if d.data is not None else []) for d in diagrams]
    shared = [p for p in parts[0] if all(p in other for other in parts)] if parts else []
    own = [" · ".join(p for p in mine if p not in shared) or mine[-1] for mine in parts]
    return " · ".join(shared), own


def _spec_parts(spec: str) -> list[str]:
    family, _, rest = spec.partition(":")
    return [family] + [p for p in rest.split(",") if p]


def plot_varied(diagrams: Sequence[PhaseDiagram], labels: Sequence[str], path: str | os.PathLike | None = None, *,
                memorised: Sequence[Sequence[float]] | None = None, title: str = ""):
    """Fronts of one task family at several parameter values, overlaid; with ``memorised`` (per
    diagram, per step: the share of the witness's rules that memorise one input) a second panel
    draws that share against complexity. Saved to ``path`` (atomically) if given; returns the figure."""
    plt = _pyplot(path)

    fig, axes = plt.subplots(1, 2 if memorised is not None else 1, figsize=(15 if memorised is not None else 9, 5.5),
                             layout="constrained", squeeze=False)
    _draw(axes[0][0], diagrams, labels, first_color=0)
    axes[0][0].set_xlabel(f"complexity: {_unit(diagrams[0])} (symlog scale)")
    axes[0][0].set_title(title, fontsize=9)
    if memorised is not None:
        ax = axes[0][1]
        for i, (d, label, shares) in enumerate(zip(diagrams, labels, memorised)):  # equal lines must all show
            width = 1.4 + 2.2 * (len(diagrams) - 1 - i) / max(len(diagrams) - 1, 1)
            ax.plot([s.complexity for s in d.steps], shares, drawstyle="steps-post", color=f"C{i}", lw=width,
                    ls=("-", "--", "-.", ":")[i % 4], alpha=0.55 if i < len(diagrams) - 1 else 1, label=label,
                    zorder=2 + i)
        _complexity_axis(ax)
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("complexity: rules (symlog scale)")
        ax.set_ylabel("memorised share of the rules")
        ax.set_title("how much of the optimal program memorises (rules deciding one input)", fontsize=9)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7, loc="upper left")
    _save(fig, path)
    return fig


def plot_spectrum(diagram: PhaseDiagram, path: str | os.PathLike | None = None, *, ratio: float | None = None, ax=None):
    """The efficiency spectrum: each hull segment as a bar at its efficiency (log scale) over its
    complexity range (symlog), transitions dotted; with training data, the line 1/D below which
    memorising one draw wins. Saved to ``path`` (atomically) if given; returns the figure."""
    plt = _pyplot(path)

    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    else:
        fig = ax.figure
    segments = spectrum(diagram)
    for seg in segments:
        ax.hlines(seg.efficiency, seg.start_complexity, seg.end_complexity, color="C0", lw=2.5)
    if segments:
        ax.plot([s.start_complexity for s in segments] + [segments[-1].end_complexity],
                [s.efficiency for s in segments] + [segments[-1].efficiency], drawstyle="steps-post",
                color="C0", lw=0.6, alpha=0.6)
        ax.set_yscale("log")
    for t in transitions(diagram, **({} if ratio is None else {"ratio": ratio})):
        ax.axvline(t.complexity, ls=":", lw=0.9, color="C3")
        ax.annotate(f"c={t.complexity}\n÷{t.ratio:.3g}", (t.complexity, t.efficiency_after), xytext=(4, 6),
                    textcoords="offset points", fontsize=7, color="C3")
    ax.plot([], [], ":", color="C3", lw=0.9, label="transition at c: efficiency falls ÷r (≥ 1.5×)")
    ax.plot([], [], color="C0", lw=2.5, label="hull segment: error bought per unit of complexity")
    if diagram.data is not None:
        ax.axhline(1.0 / diagram.data["size"], ls="-.", color="0.4", lw=1.0,
                   label=f"1/D = {1.0 / diagram.data['size']:.3g}: memorising one draw")
    ax.legend(fontsize=7)
    _complexity_axis(ax)
    ax.set_xlabel(f"complexity: {_unit(diagram)} (symlog scale)")
    ax.set_ylabel("efficiency −Δε/Δc (error per unit of complexity)")
    ax.set_title(f"efficiency spectrum · {diagram_label(diagram)}", fontsize=9)
    ax.grid(True, which="major", alpha=0.3)
    _save(fig, path)
    return fig


def _unit(diagram: PhaseDiagram) -> str:
    """What the complexity of the diagram's programs counts ("rules", "gates")."""
    return load_programs(diagram.programs).unit


def _class_of(diagram: PhaseDiagram) -> str:
    return diagram.programs.partition(":")[0]


def _draw(ax, diagrams: Sequence[PhaseDiagram], labels: Sequence[str], first_color: int) -> None:
    """The fronts on one axis. Earlier series are drawn wider and paler under later ones, so that
    fronts that coincide all show; each series' transition labels sit at their own height."""
    right = max((d.steps[-1].complexity for d in diagrams if d.steps), default=1)
    many = len(diagrams) > 1
    for i, (d, label) in enumerate(zip(diagrams, labels)):
        color = f"C{first_color + i}"
        if not d.steps:
            continue
        xs = [s.complexity for s in d.steps] + [max(right, 1) * 1.15]
        ys = [s.error for s in d.steps] + [d.steps[-1].error]
        train = " (train front)" if d.data is not None else ""
        found = transitions(d)
        listed = ", ".join(f"{t.complexity} (÷{t.ratio:.3g})" for t in found[:4]) + (", …" if len(found) > 4 else "")
        annotate = not many and len(found) <= 8
        width = 1.4 + 2.2 * (len(diagrams) - 1 - i) / max(len(diagrams) - 1, 1) if many else 1.4
        ax.plot(xs, ys, drawstyle="steps-post", color=color, lw=width, alpha=0.55 if many and i < len(diagrams) - 1 else 1,
                label=label + train + ("" if d.complete else " (incomplete)")
                + (f"; transitions at c = {listed}" if found and not annotate else ""), zorder=2 + i)
        proved = [s for s in d.steps if s.status == "optimal"]
        other = [s for s in d.steps if s.status != "optimal"]
        if len(d.steps) <= 400:
            ax.plot([s.complexity for s in proved], [s.error for s in proved], "o", ms=2.5, color=color)
        if other:
            kinds = sorted({s.status for s in other})
            what = " and ".join({"bounds": "proved bounds", "sampled": "sampled (upper bounds)"}[k] for k in kinds)
            ax.plot([s.complexity for s in other], [s.error for s in other], "o", ms=4,
                    mfc="none", color=color, label=f"{label}: steps not proved optimal, {what}")
        hx, hy = [], []
        for seg in spectrum(d):  # straight in c, so sampled densely to show right on a log axis
            cs = np.linspace(seg.start_complexity, seg.end_complexity, 64)
            hx += cs.tolist()
            hy += (seg.start_error - seg.efficiency * (cs - seg.start_complexity)).tolist()
        ax.plot(hx, hy, "--", lw=0.8, color=color, alpha=0.7)
        if d.data is not None:
            draw_data(ax, d, color, label)
        for k, t in enumerate(found):
            ax.axvline(t.complexity, ls=":", lw=0.9, color=color, alpha=0.8)
            if annotate:  # one diagram: label each transition, staggered so that close ones stay apart
                ax.annotate(f"c={t.complexity} ÷{t.ratio:.3g}", (t.complexity, 1.0), xycoords=("data", "axes fraction"),
                            xytext=(3, -12 - 11 * (k % 3)), textcoords="offset points", fontsize=7, color=color)
    population = _population(diagrams)
    if population:
        ax.plot([s["complexity"] for s in population] + [max(right, 1) * 1.15],
                [s["error"] for s in population] + [population[-1]["error"]],
                drawstyle="steps-post", color="0.35", lw=1.0, label="population front (exact)", zorder=1)
    ax.plot([], [], "--", color="0.4", lw=0.8, label="convex hull (its slopes are the efficiency spectrum)")
    if any(((d.data or {}).get("collapse") or {}).get("predicted_complexity") is not None for d in diagrams):
        ax.plot([], [], "-.", color="0.4", lw=1.0, label="predicted collapse: efficiency falls below 1/D")
    if any(transitions(d) for d in diagrams):
        ax.plot([], [], ":", color="0.4", lw=0.9, label="transition at c: efficiency falls ÷r (≥ 1.5×)")
    _complexity_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_ylabel("error ε")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper right", bbox_to_anchor=(1, 0.93))


def _complexity_axis(ax) -> None:
    """Symlog complexity, linear below 1 (so the zero-complexity program shows), ticks at 1, 2, 5
    per decade so that small fronts read too."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter, SymmetricalLogLocator

    ax.set_xscale("symlog", linthresh=1, linscale=0.4)
    ax.xaxis.set_major_locator(SymmetricalLogLocator(linthresh=1, base=10, subs=[1, 2, 5]))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(left=0)


def _population(diagrams: Sequence[PhaseDiagram]) -> list | None:
    """The longest exact population front the diagrams carry (fits on data of one task)."""
    fronts = [d.data.get("population_front") for d in diagrams if d.data is not None]
    fronts = [f for f in fronts if f]
    return max(fronts, key=lambda f: f[-1]["complexity"]) if fronts else None


def draw_data(ax, diagram: PhaseDiagram, color: str, label: str) -> None:
    """A train front's test errors (dots joined) and the predicted collapse point (efficiency 1/D)
    as a dash-dot vertical (the population front is drawn once per axis by the caller)."""
    data = diagram.data
    tested = [s for s in diagram.steps if s.test_error is not None]
    if tested:
        ax.plot([s.complexity for s in tested], [s.test_error for s in tested], ".-", ms=2.5, lw=0.6,
                color=color, alpha=0.6, label=f"{label}: test error")
    c = data.get("collapse") or {}
    if c.get("predicted_complexity") is not None:
        ax.axvline(c["predicted_complexity"], ls="-.", lw=1.0, color=color)
        ax.annotate(f"collapse\nD={data['size']:,}", (c["predicted_complexity"], c["predicted_error"]),
                    xytext=(-4, -18), textcoords="offset points", fontsize=7, color=color, ha="right")


def draw_entropy(diagram: PhaseDiagram, ax) -> None:
    """The entropy map ln g(c, ε) of a tempered diagram as a heat map, its sampled front on it."""
    density = diagram.diagnostics.get("density_of_states")
    if density is None:
        ax.text(0.5, 0.5, "no density of states\n(Wang–Landau was not run)", ha="center", va="center",
                transform=ax.transAxes, fontsize=9)
        ax.axis("off")
        return
    from .sampling.density import DensityOfStates

    dos = DensityOfStates.from_json(density)
    eps = dos.errors
    edges = np.concatenate([[eps[0] - (eps[1] - eps[0]) / 2 if len(eps) > 1 else eps[0] - 0.5],
                            (eps[1:] + eps[:-1]) / 2, [eps[-1] + (eps[-1] - eps[-2]) / 2 if len(eps) > 1 else eps[0] + 0.5]])
    cs = np.arange(dos.ln_g.shape[0] + 1) - 0.5
    finite = dos.ln_g[np.isfinite(dos.ln_g)]
    # a visited cell holds at least one program (ln g ≥ 0); unconverged stragglers would swamp the scale
    low = max(float(np.percentile(finite, 5)), 0.0) if finite.size else None
    mesh = ax.pcolormesh(cs, edges, np.ma.masked_invalid(dos.ln_g.T), cmap="viridis", shading="flat", vmin=low)
    ax.figure.colorbar(mesh, ax=ax, label="ln g (programs per cell)")
    steps = diagram.steps
    ax.plot([s.complexity for s in steps] + [cs[-1]], [s.error for s in steps] + [steps[-1].error] if steps else [],
            drawstyle="steps-post", color="w", lw=1.2, label="sampled front")
    ax.legend(fontsize=7, loc="upper right", facecolor="0.35", labelcolor="w")
    ax.set_xlabel("complexity")
    ax.set_ylabel("error ε")
    converged = all(diagram.diagnostics.get("wang_landau", {}).get("converged", [True]))
    ax.set_title("entropy ln g(c, ε): how many programs sit in each cell (Wang–Landau"
                 + ("" if converged else ", NOT converged: rough") + ")", fontsize=9)


def draw_heat_capacity(diagram: PhaseDiagram, ax, *, curves: int = 4) -> None:
    """Heat capacity β²·Var(c + λε) against β at up to ``curves`` values of λ: parallel
    tempering's measurements (points) and, where Wang–Landau converged, the curves its ln g gives
    (lines). Values below 10⁻³ of a curve's largest are not drawn (a frozen system, not a peak)."""
    converged = all(diagram.diagnostics.get("wang_landau", {}).get("converged", [False]))
    lines = diagram.diagnostics.get("tempered_curves") or [] if converged else []
    pt = diagram.diagnostics.get("tempering")
    lambdas = [c["lam"] for c in lines] or (pt["lambdas"] if pt else [])
    chosen = sorted(set(np.linspace(0, len(lambdas) - 1, min(curves, len(lambdas))).astype(int).tolist()))
    series = []
    for k, i in enumerate(chosen):
        if lines:
            series.append((lines[i]["beta"], lines[i]["heat_capacity"], f"C{k}", "-", f"λ={lambdas[i]:.3g} (Wang–Landau)"))
        if pt and i < len(pt["heat_capacity"]):
            ys = pt["heat_capacity"][i]
            series.append(([b for b, y in zip(pt["betas"], ys) if y is not None], [y for y in ys if y is not None],
                           f"C{k}", "o-", f"λ={pt['lambdas'][i]:.3g} (tempering)"))
    for betas, ys, color, style, label in series:
        top = max(ys, default=0.0)
        kept = [(b, y) for b, y in zip(betas, ys) if y >= 1e-3 * top]
        if kept:
            ax.plot(*zip(*kept), style, color=color, lw=1.2 if style == "-" else 0.5, ms=4, mfc="none", label=label)
    ax.set_xscale("log")
    heights = [y for line in ax.get_lines() for y in line.get_ydata() if y > 0]
    if heights and max(heights) > 1e2 * min(heights):
        ax.set_yscale("log")  # one unsettled λ would flatten the others' peaks
    ax.set_xlabel("inverse temperature β (per unit of complexity)")
    ax.set_ylabel("heat capacity β²·Var(H), H = c + λε")
    ax.set_title("heat capacity against β at several λ: peaks mark transitions" if converged else
                 "heat capacity against β (tempering only: Wang–Landau did not converge)", fontsize=9)
    ax.grid(True, alpha=0.3)
    if series:
        ax.legend(fontsize=6)
