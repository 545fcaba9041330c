"""The ``phasediag`` console script. It loads the CLI (and with it NumPy, Numba, OR-tools) inside
a guard, so that a Ctrl-C while those load ends the command with one line, like a Ctrl-C later.
Once the command has returned (its files are written), Ctrl-C is ignored: a SIGINT during the
interpreter's exit would otherwise end the process by the signal, with no message."""

from __future__ import annotations

import signal
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
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
