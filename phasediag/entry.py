"""The ``phasediag`` console script. It loads the CLI (and with it NumPy, Numba, OR-tools) inside
a guard, so that a Ctrl-C while those load ends the command with one line, like a Ctrl-C later."""

from __future__ import annotations

import sys


def run() -> None:
    try:
        from .cli import main
    except (KeyboardInterrupt, ImportError) as e:
        # a C extension interrupted while it initialises raises ImportError from the interrupt
        if not isinstance(e, KeyboardInterrupt) and not isinstance(e.__cause__ or e.__context__, KeyboardInterrupt):
            raise
        sys.stderr.write("phasediag: interrupted while starting; nothing was written.\n")
        sys.exit(3)
    sys.exit(main())
