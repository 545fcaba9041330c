import pytest

from phasediag.errors import ParameterError, TooLargeError
from phasediag.methods import cpsat_diagram, dp_diagram
from phasediag.tasks import load_task


def front(diagram):
    return [(s.complexity, s.wrong) for s in diagram.steps]


@pytest.mark.parametrize("spec", [
    "prefix-sorting:n=3,length=3", "prefix-sorting:n=4,length=3",
    "prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.4",
    "prefix-sorting:n=3,length=4,structure=zipf,rate=0.8,seed=3",
    "prefix-sorting:n=2,length=4,structure=bernoulli,rate=0.5,seed=6",
])
def test_cpsat_equals_dp(spec, rules):
    task = load_task(spec)
    exact = cpsat_diagram(task, rules)
    assert exact.complete and exact.all_optimal
    assert front(exact) == front(dp_diagram(task, rules))
    for s in exact.steps:
        assert len(s.witness) == s.complexity
        assert int((rules.predict(task, s.witness) != task.table.labels).sum()) == s.wrong


def test_cpsat_eps_and_cap(rules):
    task = load_task("prefix-sorting:n=4,length=3,structure=bernoulli,rate=0.4")
    full = dp_diagram(task, rules)
    targets = [0.4, 0.2, 0.05]
    picked = cpsat_diagram(task, rules, eps=targets)
    for e in targets:
        assert picked.complexity_at(e) == full.complexity_at(e)
    capped = cpsat_diagram(task, rules, max_complexity=5)
    assert front(capped) == [p for p in front(full) if p[0] <= 5]
    assert capped.complete


def test_time_limit_gives_honest_bounds(rules):
    """Whatever a tiny time limit stops at, every step's claims hold against the DP's truth."""
    task = load_task("prefix-sorting:n=5,length=4")
    truth = dp_diagram(task, rules)
    limited = cpsat_diagram(task, rules, time_limit=0.2)
    assert not limited.complete or front(limited) == front(truth)
    for s in limited.steps:
        c_true = truth.complexity_at(s.error)
        if s.status == "optimal":
            assert (s.complexity, s.wrong) in front(truth)
        else:
            assert s.status == "bounds" and s.lower_bound <= c_true <= s.complexity
        assert int((rules.predict(task, s.witness) != task.table.labels).sum()) == s.wrong


def test_refusals(rules):
    with pytest.raises(ParameterError, match="time_limit"):
        cpsat_diagram(load_task("prefix-sorting:n=3,length=2"), rules, time_limit=0)
    with pytest.raises(ParameterError, match="eps"):
        cpsat_diagram(load_task("prefix-sorting:n=3,length=2"), rules, eps=[1.2])
    with pytest.raises(TooLargeError, match="use --method dp"):
        cpsat_diagram(load_task("prefix-sorting:n=6,length=7"), rules)


def test_interrupt_keeps_the_steps_found(rules, ctrl_c_at):
    """Ctrl-C (here raised from the progress callback after the third step) returns what was
    found, marked incomplete, every kept step still proved, and closed at error 0 by the least
    correct list: the DP's last step."""
    task = load_task("prefix-sorting:n=4,length=3")
    d = cpsat_diagram(task, rules, progress=ctrl_c_at(3))
    assert not d.complete and len(d.steps) == 4 and d.all_optimal
    by_dp = front(dp_diagram(task, rules))
    assert front(d) == by_dp[:3] + by_dp[-1:]


def test_a_time_limited_front_is_closed_by_the_least_correct_list(rules):
    """Stopped by its time limit far from error 0, the front ends at the least correct list,
    proved (the DP's C(0)); with targets, the target 0 is answered the same way."""
    task = load_task("prefix-sorting:n=5,length=5")
    least = front(dp_diagram(task, rules, eps=[0.0]))
    d = cpsat_diagram(task, rules, time_limit=1)
    assert not d.complete and front(d)[-1:] == least and d.steps[-1].status == "optimal"
    assert rules.wrong_weight(task, d.steps[-1].witness) == 0
    d = cpsat_diagram(task, rules, eps=[0.01, 0.0], time_limit=1)
    assert front(d)[-1:] == least


def test_ctrl_c_as_a_solve_starts_stops_the_search_before_it_is_raised(monkeypatch):
    """SIGINT the moment the solver's thread has started (before the wait on it): solve() raises
    KeyboardInterrupt only once the search has ended. Raised while CP-SAT still searched, the
    process aborted at exit ("terminate called without an active exception"); a real Ctrl-C of
    ``compute --method cpsat`` met this. The model (12 pigeons, 11 holes) takes CP-SAT minutes."""
    import os
    import signal
    import threading
    import time

    from ortools.sat.python import cp_model

    import phasediag.front as front_module
    from phasediag.front import CpsatRun

    model = cp_model.CpModel()
    sits = [[model.new_bool_var(f"p{p}h{h}") for h in range(11)] for p in range(12)]
    for p in range(12):
        model.add_exactly_one(sits[p])
    for h in range(11):
        model.add_at_most_one(sits[p][h] for p in range(12))
    started = []

    class CtrlCOnStart(threading.Thread):
        def start(self):
            super().start()
            started.append(self)
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)

    monkeypatch.setattr(front_module.threading, "Thread", CtrlCOnStart)
    run = CpsatRun(time_limit=120, workers=1, seed=0)
    with pytest.raises(KeyboardInterrupt):
        run.solve(model)
    assert started and not started[0].is_alive()
