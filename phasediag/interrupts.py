"""Ctrl-C held back while raising it would leave something half started."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def held_interrupts() -> Iterator[Callable[[], bool]]:
    """Run the block with SIGINT held back, then deliver it at its end if one came (to the
    handler in place before: Python's raises KeyboardInterrupt).

    Inside, SIGINT is blocked in this thread and recorded wherever else it lands, so no
    KeyboardInterrupt is raised in the middle of a C extension's initialisation (NumPy prints one
    as a traceback). The block gets a function telling whether one has come yet, to stop work it
    waits on. Outside the main thread (where Python delivers no SIGINT) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    came: list[int] = []
    handler = signal.signal(signal.SIGINT, lambda signum, frame: came.append(signum))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield lambda: bool(came) or signal.SIGINT in signal.sigpending()
    finally:
        if signal.SIGINT in signal.sigpending():
            came.append(signal.sigwait({signal.SIGINT}))
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)
    if came:
        if callable(handler):  # delivered to the handler held back (see noticed_interrupts)
            signal.raise_signal(signal.SIGINT)
        else:
            raise KeyboardInterrupt


@contextmanager
def noticed_interrupts() -> Iterator[Callable[[], bool]]:
    """Run the block with Ctrl-C raising KeyboardInterrupt as usual, and give it a function
    telling whether one has come, whoever caught it: a search that keeps what it found catches
    it, and a loop over searches should then stop. Outside the main thread it tells nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    came: list[int] = []

    def record_and_raise(signum, frame):
        came.append(signum)
        raise KeyboardInterrupt

    handler = signal.signal(signal.SIGINT, record_and_raise)
    try:
        yield lambda: bool(came)
    finally:
        signal.signal(signal.SIGINT, handler)


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Run the block with SIGINT ignored, for starting processes that must never see Ctrl-C
    (they keep SIGINT ignored for life; whoever started them stops them). A Ctrl-C inside the
    block is lost. Outside the main thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, handler)


def hold_interrupts_while_numba_compiles() -> None:
    """From now on, a Ctrl-C while Numba compiles (in the main thread) is held back until the
    compilation has ended, then raised: one raised inside LLVM's callbacks is printed as a
    traceback and leaves the kernel half compiled. For the console script; idempotent."""
    global _compiling
    if _compiling is not None:
        return
    from numba.core import event

    class HeldWhileCompiling(event.Listener):
        """SIGINT recorded while the compiler lock is taken (nested takes counted), raised after."""

        def __init__(self) -> None:
            self.depth, self.came, self.handler = 0, False, None

        def notify(self, ev) -> None:
            if threading.current_thread() is threading.main_thread():
                super().notify(ev)

        def on_start(self, ev) -> None:
            if self.depth == 0:
                self.came = False
                self.handler = signal.signal(signal.SIGINT, self.record)
            self.depth += 1

        def on_end(self, ev) -> None:
            self.depth -= 1
            if self.depth == 0:
                signal.signal(signal.SIGINT, self.handler)
                if self.came:
                    signal.raise_signal(signal.SIGINT)

        def record(self, signum, frame) -> None:
            self.came = True

    _compiling = HeldWhileCompiling()
    event.register("numba:compiler_lock", _compiling)


_compiling = None


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a search, carrying the best it had ``found`` (which the caller keeps)."""

    def __init__(self, found):
        super().__init__(found)
        self.found = found
