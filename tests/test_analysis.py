from fractions import Fraction

import pytest

from phasediag.analysis import spectrum, transitions
from phasediag.diagram import MethodInfo, PhaseDiagram, Step, TaskInfo
from phasediag.methods import dp_diagram
from phasediag.programs import RuleList
from phasediag.seeding import rng
from phasediag.tasks import load_task


def synthetic(points, total=1000):
    steps = [Step(c, w / total, w, total, "optimal", RuleList("0")) for c, w in points]
    return PhaseDiagram(TaskInfo("t", "t", {}, total), "prefix-rules", MethodInfo("dp"), steps, 0.0)


@pytest.mark.parametrize("n, length", [(4, 4), (5, 4), (7, 3)])
def test_transitions_at_level_boundaries(n, length, rules):
    d = dp_diagram(load_task(f"prefix-sorting:n={n},length={length}"), rules)
    levels = [sum(n ** (k - 1) for k in range(1, K + 1)) for K in range(1, length)]
    found = transitions(d)
    assert [t.complexity for t in found] == levels
    assert all(t.ratio == n - 2 for t in found)
    segs = spectrum(d)
    assert [s.efficiency for s in segs] == [
        float(Fraction((n - 2) ** (length - k), n**length)) for k in range(1, length + 1)]


def test_straight_line_has_no_transition(rules):
    d = dp_diagram(load_task("prefix-sorting:n=3,length=4"), rules)
    assert transitions(d) == () and len(spectrum(d)) == 1


def test_hull_is_convex_and_below_every_step():
    generator = rng(7)
    for _ in range(50):
        cs = sorted(set(generator.integers(0, 60, 12).tolist()))
        ws = sorted(set(generator.integers(0, 900, len(cs)).tolist()), reverse=True)[: len(cs)]
        cs = cs[: len(ws)]
        d = synthetic(list(zip(cs, ws)))
        segs = spectrum(d)
        assert segs[0].start_complexity == cs[0] and segs[-1].end_complexity == cs[-1]
        assert all(a.efficiency > b.efficiency for a, b in zip(segs, segs[1:]))
        for c, w in zip(cs, ws):
            seg = next(s for s in segs if s.start_complexity <= c <= s.end_complexity)
            line = Fraction(seg.start_error).limit_denominator(1000) - Fraction(seg.efficiency).limit_denominator(10**6) * (c - seg.start_complexity)
            assert Fraction(w, 1000) >= line - Fraction(1, 10**6)


def test_an_exact_three_halves_drop_is_a_transition():
    """Slopes 3/60 then 2/60: a drop of exactly 1.5, which float arithmetic (1.5 · 1/30 >
    1/20) would miss; one of 1.49 is not a transition."""
    assert [t.complexity for t in transitions(synthetic([(0, 5), (1, 2), (2, 0)], total=60))] == [1]
    assert transitions(synthetic([(0, 149 + 100), (1, 100), (2, 0)], total=60_000)) == ()
