"""The ``phasediag`` console script. It loads the CLI (and with it NumPy, Numba, OR-tools) with
Ctrl-C held back: a KeyboardInterrupt raised inside a C extension's initialisation is printed by
that extension as a traceback before anything can catch it, so a SIGINT while loading is only
recorded, and the command then ends with one line, like a Ctrl-C later. Once the command has
returned (its files are written), Ctrl-C is ignored: a SIGINT during the interpreter's exit would
otherwise end the process by the signal, with no message."""

from __future__ import annotations

import signal
import sys


def run() -> None:
    interrupted: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    try:
        from .cli import main
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if interrupted:
        sys.stderr.write("phasediag: interrupted while starting; nothing was written.\n")
        sys.exit(3)
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
