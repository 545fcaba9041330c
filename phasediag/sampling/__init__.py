"""The tempered samplers: Wang–Landau and parallel tempering over programs (Numba), on the
moves each program class supplies (``programs.sampler(task, capacity)``, a
:class:`~.kernel.SamplerKernel`). This is the generic engine: it knows no program class."""

from .density import DensityOfStates, TemperedCurves, combine_runs, split_rhat, stitch_windows, tempered_curves

__all__ = ["DensityOfStates", "TemperedCurves", "tempered_curves", "combine_runs", "stitch_windows", "split_rhat"]
