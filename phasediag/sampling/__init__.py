"""The tempered samplers: Wang–Landau and parallel tempering over programs (Numba), on the
moves each program class supplies (``programs.sampler(task, capacity)``)."""

from .density import DensityOfStates, TemperedCurves, combine_runs, exact_density, split_rhat, tempered_curves

__all__ = ["DensityOfStates", "TemperedCurves", "tempered_curves", "combine_runs", "split_rhat", "exact_density"]
