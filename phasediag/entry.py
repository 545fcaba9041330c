"""The ``phasediag`` console script. It loads the CLI (and with it NumPy, Numba, OR-tools) with
Ctrl-C held back (a KeyboardInterrupt inside a C extension's initialisation is printed by that
extension as a traceback before anything can catch it); a Ctrl-C while loading then ends the
command with one line, like a Ctrl-C later; so does a Ctrl-C while Numba compiles, once the
compilation has ended. Once the command has returned (its files are
written), Ctrl-C is ignored: a SIGINT during the interpreter's exit would otherwise end the
process by the signal, with no message."""

from __future__ import annotations

import signal
import sys

from .interrupts import held_interrupts, hold_interrupts_while_numba_compiles


def run() -> None:
    try:
        with held_interrupts():
            from .cli import main
            hold_interrupts_while_numba_compiles()
    except KeyboardInterrupt:
        sys.stderr.write("phasediag: interrupted while starting; nothing was written.\n")
        sys.exit(3)
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(code)
