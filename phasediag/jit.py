"""Numba's ``njit`` for the modules with kernels, with Ctrl-C kept a KeyboardInterrupt.

A kernel that returns a tuple holding arrays has each array's dtype unpickled on return by
``numba.core.serialize._numba_unpickle``, a Python function. A Ctrl-C that came while the kernel
ran is raised on that function's first line, where Numba's tuple boxing drops it: a SystemError
("returned a result with an exception set") comes out of the kernel call instead of the
KeyboardInterrupt (Numba 0.68). Behind a C-level cache (``functools.lru_cache``; Numba memoises
the same objects) a repeated call runs no Python code, so the Ctrl-C is raised in the caller, as
a KeyboardInterrupt. Numba's C side looks the function up once, at its first use: importing this
module before any kernel has run is what makes it count."""

from __future__ import annotations

import functools

from numba import njit
from numba.core import serialize

__all__ = ["njit"]

if not hasattr(serialize._numba_unpickle, "cache_info"):
    serialize._numba_unpickle = functools.lru_cache(maxsize=None)(serialize._numba_unpickle)
