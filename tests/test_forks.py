"""Work in forked processes: what comes back is what the child returned or raised."""

import os
import signal

import pytest

from phasediag.forks import Forked, forks

pytestmark = pytest.mark.skipif(not forks(), reason="forking is Linux-only here")


def test_a_forked_call_returns_its_value_from_another_process():
    parent = os.getpid()
    assert Forked(lambda: (os.getpid(), [1, 2, 3])).result()[1] == [1, 2, 3]
    assert Forked(os.getpid).result() != parent


def test_a_forked_call_raises_what_the_child_raised():
    def failing():
        raise ValueError("no such gate")

    with pytest.raises(ValueError, match="no such gate"):
        Forked(failing).result()


def test_a_child_that_dies_is_a_child_process_error():
    with pytest.raises(ChildProcessError):
        Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()


def test_a_stopped_child_is_gone():
    import time

    forked = Forked(lambda: time.sleep(60))
    forked.stop()
    assert not forked._process.is_alive() and forked._process.exitcode == -signal.SIGTERM
    with pytest.raises(ChildProcessError):
        forked.result()


def test_an_interrupted_child_answers_with_what_it_had_found():
    """Ctrl-C (SIGINT) reaches the child only where it has not answered: a search that raises
    Interrupted gives its ``found``; a call that had finished gives its value."""
    import time

    from phasediag.interrupts import Interrupted

    def search():
        best = 0
        try:
            while True:
                best += 1
                time.sleep(0.001)
        except KeyboardInterrupt:
            raise Interrupted(best) from None

    forked = Forked(search)
    time.sleep(0.3)
    assert forked.interrupted() > 0
    done = Forked(lambda: "done")
    time.sleep(0.3)
    assert done.interrupted() == "done"
