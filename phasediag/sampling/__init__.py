"""The tempered samplers: Wang–Landau and parallel tempering over programs (Numba), on the
moves each program class supplies (``programs.sampler(task, capacity)``)."""

from .density import (DensityOfStates, TemperedCurves, combine_runs, exact_density, split_rhat, stitch_windows,
                      tempered_curves)

__all__ = ["DensityOfStates", "TemperedCurves", "tempered_curves", "combine_runs", "stitch_windows", "split_rhat",
           "exact_density"]
