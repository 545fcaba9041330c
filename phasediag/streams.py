"""Per-chain random streams for the compiled samplers (one SplitMix64 state per chain, so that
a run is reproducible from its seed whatever the number of threads), and how every compiled
kernel of phasediag is compiled."""

from __future__ import annotations

import numpy as np

from .jit import njit
from .seeding import PHI, mix, rng

__all__ = ["COMPILED", "compiled", "allocating", "streams", "next_u64", "uniform", "randint", "copy"]

#: How every sampler function is compiled: cached, and unable to raise (NumPy's error model,
#: no allocation, no shape-checked slice assignment). A function that can raise, called through
#: a function argument as the chains call the moves, would make its caller impossible to cache.
#: Without Numba's runtime (NRT): arrays are borrowed from the caller, never reference-counted
#: (counting every array of a state tuple at every call made the rule moves 4× slower), so a
#: function may not allocate an array or return a view. ``COMPILED``: these options.
COMPILED = {"cache": True, "error_model": "numpy", "_nrt": False}
compiled = njit(**COMPILED)
#: As :data:`compiled`, with Numba's runtime, for compiled code that allocates its own scratch.
allocating = njit(**dict(COMPILED, _nrt=True))


def streams(seed: int, count: int) -> np.ndarray:
    """``count`` independent stream states for ``seed`` (from the library's seeded generator)."""
    return rng(seed).integers(0, 2**63, size=count, dtype=np.int64).astype(np.uint64)


@compiled
def next_u64(state, r):
    """The next 64 random bits of stream ``r`` (SplitMix64)."""
    z = mix(state[r])
    state[r] += PHI
    return z


@compiled
def uniform(state, r):
    """A float uniform on (0, 1) from stream ``r`` (never 0, so its log is finite)."""
    return ((next_u64(state, r) >> np.uint64(11)) + np.uint64(1)) * 2.0**-53


@compiled
def randint(state, r, n):
    """An int uniform on 0..n-1 from stream ``r``."""
    return np.int64((next_u64(state, r) >> np.uint64(1)) % np.uint64(n))


@compiled
def copy(dst, src):
    """dst[i] = src[i] for every i of dst (a loop: no shape check that could raise)."""
    for i in range(dst.shape[0]):
        dst[i] = src[i]
