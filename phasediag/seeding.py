"""Seeds: the one place where randomness enters.

Task structures are defined by a *seeded hash*, not by a random stream, so that any single
prefix (of 10^20) can be decided on its own: the hash of a string is a chain of SplitMix64 mixes,
``h("") = mix(seed)`` and ``h(u + a) = mix(h(u) XOR (a + 1)·φ)`` with φ = 0x9E3779B97F4A7C15. All
arithmetic is on uint64 arrays (wrapping), so a whole table of prefixes hashes at once.
"""

from __future__ import annotations

import numpy as np

from .jit import njit

__all__ = ["hash_root", "hash_extend", "hash_uniform", "rng", "mix", "PHI", "DATA_STREAM", "TEST_STREAM"]

PHI = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True)
def mix(x):
    """SplitMix64 step on a uint64 or a uint64 array: add φ, then the finaliser (bijective,
    avalanching). Compiled, so the samplers hash prefixes and draw random bits with it too."""
    x = x + PHI
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def hash_root(seed: int, size: int = 1) -> np.ndarray:
    """``h("")`` for ``size`` strings at once: an array of uint64."""
    return mix(np.full(size, seed % 2**64, dtype=np.uint64))


def hash_extend(h: np.ndarray, letters: np.ndarray | int) -> np.ndarray:
    """``h(u + a)`` from ``h(u)``, elementwise over arrays of hashes and letters."""
    a = np.atleast_1d(np.asarray(letters, dtype=np.uint64)) + np.uint64(1)
    return mix(h ^ (a * PHI))


def hash_uniform(h: np.ndarray) -> np.ndarray:
    """Map hashes to floats uniform on [0, 1) (the top 53 bits)."""
    return (h >> np.uint64(11)).astype(np.float64) * 2.0**-53


#: Independent streams of one seed (:func:`rng`): training samples, test samples.
DATA_STREAM, TEST_STREAM = 1, 2


def rng(seed: int, stream: int | None = None) -> np.random.Generator:
    """The random generator for ``seed`` (and ``stream``, an independent stream of the same
    seed): every random draw in phasediag comes from here."""
    return np.random.default_rng(seed if stream is None else [seed, stream])
