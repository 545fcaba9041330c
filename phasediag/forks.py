"""Work in forked processes, where the platform forks (Linux): the child inherits the parent's
memory, so only the result travels back (pickled, through a pipe)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from typing import Any, Callable

from .interrupts import Interrupted

__all__ = ["forks", "Forked"]


def forks() -> bool:
    """Whether :class:`Forked` can start work here."""
    return sys.platform.startswith("linux")


class Forked:
    """``call()`` running in a forked child process from creation on. :meth:`result` waits for
    what it returned (raising what it raised; ChildProcessError where the child died or was
    stopped without a word), and a Ctrl-C there leaves the child running; :meth:`interrupted`
    asks it to stop with what it has; :meth:`stop` ends it if it still runs. Starting raises
    OSError where no process can be forked."""

    def __init__(self, call: Callable[[], Any]):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(call, send))
        self._process.start()
        send.close()

    def result(self) -> Any:
        try:
            failed, value = self._receive.recv()
        except (EOFError, OSError):  # it died, or was stopped, or has answered already
            self.stop()
            raise ChildProcessError(f"the forked process ended with exit code {self._process.exitcode}") from None
        self.stop()
        if failed:
            raise value
        return value

    def interrupted(self, grace: float = 0.2) -> Any:
        """The child's answer to Ctrl-C: SIGINT is sent to it unless it answers within ``grace``
        seconds (a Ctrl-C at the terminal reached it too), then what it returned, or what it had
        found (the ``found`` of the :class:`~phasediag.interrupts.Interrupted` it raised); None
        where it raised anything else, died, or had answered already."""
        try:
            if self._process.is_alive() and not self._receive.poll(grace):
                os.kill(self._process.pid, signal.SIGINT)
            return self.result()
        except Interrupted as stop:
            return stop.found
        except (Exception, KeyboardInterrupt):  # it died (ChildProcessError), failed or was stopped
            return None

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._receive.close()


def _child(call: Callable[[], Any], send) -> None:
    try:
        message = (False, call())
    except BaseException as error:  # noqa: BLE001 - the parent raises it
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C would lose the answer
        message = (True, error)
    try:
        send.send(message)
    except Exception as error:  # noqa: BLE001 - an unpicklable result or error
        send.send((True, RuntimeError(f"the forked process's result could not be sent: {error}")))
