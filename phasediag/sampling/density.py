"""The density of states of a program class on a task, and what follows from it.

g(c, ε) is the number of programs with complexity c and error in the bin of ε: the *entropic*
complexity that C(ε) only bounds from below. Wang–Landau estimates ln g up to an additive
constant, which is fixed by the known size of the class. Then, for the energy H = c + λ·ε at
inverse temperature β (in units of one rule or gate),

    Z = Σ g·e^(−βH),   ⟨c⟩, ⟨ε⟩, ⟨H⟩ = Boltzmann averages,   heat capacity C = β²·Var(H),

whose peaks in β mark the phase transitions of the tempered system.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np


__all__ = ["DensityOfStates", "TemperedCurves", "tempered_curves", "combine_runs", "stitch_windows", "split_rhat"]

@dataclass(frozen=True, eq=False)
class DensityOfStates:
    """ln g over cells: ``ln_g[c, b]`` for complexity c and error bin b (NaN: never visited).
    ``errors[b]`` is the error ε of bin b (its centre; exact when bins are single wrong counts);
    ``spread[c, b]`` the standard deviation of ln g across independent runs (NaN with one run)."""

    ln_g: np.ndarray
    errors: np.ndarray
    spread: np.ndarray

    @property
    def complexities(self) -> np.ndarray:
        return np.arange(self.ln_g.shape[0])

    def to_json(self) -> dict:
        def rows(a: np.ndarray) -> list:
            return [[None if np.isnan(v) else round(float(v), 6) for v in row] for row in a]

        return {"complexity": self.complexities.tolist(), "error": [float(e) for e in self.errors],
                "ln_g": rows(self.ln_g), "spread": rows(self.spread)}

    @classmethod
    def from_json(cls, obj: dict) -> DensityOfStates:
        def array(rows: list) -> np.ndarray:
            return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)

        return cls(array(obj["ln_g"]), np.asarray(obj["error"], dtype=float), array(obj["spread"]))


@dataclass(frozen=True)
class TemperedCurves:
    """Boltzmann averages at one λ over inverse temperatures ``beta``."""

    lam: float
    beta: tuple[float, ...]
    mean_complexity: tuple[float, ...]
    mean_error: tuple[float, ...]
    heat_capacity: tuple[float, ...]


def tempered_curves(density: DensityOfStates, betas: Sequence[float], lam: float) -> TemperedCurves:
    """⟨c⟩, ⟨ε⟩ and the heat capacity β²·Var(c + λε) at each β, from ln g (visited cells)."""
    c, b = np.nonzero(~np.isnan(density.ln_g))
    ln_g, eps = density.ln_g[c, b], density.errors[b]
    h = c + lam * eps
    out = []
    with np.errstate(all="ignore"):  # energies beyond floats (λ near 1e308) give NaN, written as null
        for beta in betas:
            logw = ln_g - beta * h
            p = np.exp(logw - logw.max())
            p /= p.sum()
            mean_h = p @ h
            out.append((p @ c, p @ eps, beta**2 * (p @ (h - mean_h) ** 2)))
    cols = list(zip(*out)) if out else [(), (), ()]
    return TemperedCurves(float(lam), tuple(float(x) for x in betas), *(tuple(float(v) for v in col) for col in cols))


def combine_runs(ln_g: np.ndarray, errors: np.ndarray, log_total: float,
                 log_counts: np.ndarray | None = None) -> DensityOfStates:
    """One DensityOfStates from per-run estimates ``ln_g[run, c, b]`` (0 where a run never went;
    ``errors[b]`` the error of bin b). When the class counts its programs of each complexity
    (``log_counts[c]`` = ln of that number), each run's row c is fixed on its own so that
    Σ_b g(c, b) is that count: a random walk's error along c (the slow direction, one rule or gate
    per move) is then gone. Otherwise each run is aligned to the first on the cells both visited
    and the constant is fixed so that Σ g = e^log_total, the number of programs in the class. The
    runs are averaged; ``spread`` is their standard deviation."""
    runs = ln_g.shape[0]
    seen = ln_g != 0.0
    aligned = np.where(seen, ln_g, np.nan)
    if log_counts is not None:
        for run in range(runs):
            _fix_rows(aligned[run], log_counts)
    else:
        for i in range(1, runs):
            common = seen[0] & seen[i]
            if common.any():
                aligned[i] += np.mean(ln_g[0][common] - ln_g[i][common])
    with warnings.catch_warnings():  # cells no run visited are NaN, as intended
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(aligned, axis=0)
        spread = np.nanstd(aligned, axis=0) if runs > 1 else np.full_like(mean, np.nan)
    spread[np.isnan(mean) | (seen.sum(axis=0) < 2)] = np.nan
    if log_counts is not None:
        _fix_rows(mean, log_counts)  # the mean of logs sums to a little less
    elif np.isfinite(mean).any():
        finite = mean[np.isfinite(mean)]
        mean += log_total - (finite.max() + np.log(np.exp(finite - finite.max()).sum()))
    return DensityOfStates(mean, np.asarray(errors, dtype=float), spread)


def _fix_rows(ln_g: np.ndarray, log_counts: np.ndarray) -> None:
    """Shift each row c of ``ln_g`` (NaN: not visited) in place so that Σ_b g(c, b) = e^log_counts[c]."""
    for c in np.nonzero(np.isfinite(ln_g).any(axis=1))[0]:
        row = ln_g[c]
        top = np.nanmax(row)
        row += log_counts[c] - (top + np.log(np.nansum(np.exp(row - top))))


def stitch_windows(ln_g: np.ndarray) -> tuple[np.ndarray, int]:
    """One ln g from the estimates of overlapping windows, ``ln_g[w, c, b]`` (0 where window w
    never went), in the order of the windows: each window is shifted by the mean difference to
    the windows before it on the cells both visited, and the overlap is averaged. A window that
    shares no visited cell with those before it cannot be aligned and is left out. Returns
    (ln g with 0 for unvisited cells, number of windows joined)."""
    seen = ln_g != 0.0
    total, count = np.where(seen[0], ln_g[0], 0.0), seen[0].astype(int)
    joined = 1
    for w in range(1, ln_g.shape[0]):
        common = seen[w] & (count > 0)
        if not common.any():
            continue
        shift = np.mean(total[common] / count[common] - ln_g[w][common])
        total += np.where(seen[w], ln_g[w] + shift, 0.0)
        count += seen[w]
        joined += 1
    with np.errstate(invalid="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), 0.0), joined


def split_rhat(blocks: np.ndarray) -> float:
    """Split-R̂ (Gelman et al.) of samples ``blocks[chain, i]``: each chain is cut in halves and
    the between-half variance compared with the within-half variance. NaN with < 4 samples."""
    n = blocks.shape[1] // 2
    if n < 2 or blocks.shape[0] < 1:
        return float("nan")
    halves = np.concatenate([blocks[:, :n], blocks[:, n:2 * n]])
    within = halves.var(axis=1, ddof=1).mean()
    between = n * halves.mean(axis=1).var(ddof=1)
    if within == 0.0:
        return 1.0 if between == 0.0 else float("inf")
    return float(np.sqrt(((n - 1) / n * within + between / n) / within))
