"""Resynthesis of correct circuits: don't-care resubstitution, cut remapping, the walk of both."""

from time import perf_counter

import numpy as np
import pytest

from phasediag.methods import sample_diagram
from phasediag.programs import load_programs
from phasediag.programs.circuits import BASES
from phasediag.programs.circuits.circuit import Circuit
from phasediag.programs.circuits.circuit import table_of
from phasediag.programs.circuits.construction import construct
from phasediag.programs.circuits.resynthesis import REMAP_LEAVES, remap, resubstitute, resynthesise
from phasediag.tasks.boolean import BooleanFunction, format_table


def outputs(circuit, columns=None) -> np.ndarray:
    return circuit.output_tables(columns)


def random_targets(draw, m: int, k: int) -> list[int]:
    return [table_of(draw.integers(0, 2, 1 << m)) for _ in range(k)]


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_remapping_keeps_every_output_on_every_row(basis):
    """Random functions of 3–7 inputs and 1–4 outputs: each remapping with 3–6 leaves (cuts of
    two nodes among them, rebuilt by circuits of fewer inputs than the library's four) computes
    every output of the circuit it remaps, in the basis's gates."""
    draw = np.random.default_rng(21)
    programs = load_programs(f"circuits:basis={basis}")
    for m in range(3, 8):
        built = construct(random_targets(draw, m, int(draw.integers(1, 5))), m, BASES[basis])
        for leaves in REMAP_LEAVES:
            again = remap(built, BASES[basis], leaves, draw)
            assert (outputs(again) == outputs(built)).all()
            programs.check(again)


def test_resubstitution_uses_what_the_outputs_cannot_see():
    """y = x1 ∧ ((x1 ∧ x2) ∨ x3) in three gates: x1 ∧ x2 is seen only where x1 = 1 (and x3 = 0),
    where it is x2, so it is resubstituted by x2 (two gates, same output). With the rows where
    x1 = 0 free, y = x1 ∧ x2 is x2 there: no gate."""
    # nodes x1, x2, x3 = 0, 1, 2; 3 = x1 ∧ x2; 4 = 3 ∨ x3; 5 = x1 ∧ 4
    circuit = Circuit(3, ((8, 0, 1), (14, 2, 3), (8, 0, 4)), (5,), (False,))
    smaller = resubstitute(circuit, BASES["aig"])
    assert len(smaller) == 2 and (outputs(smaller) == outputs(circuit)).all()
    assert resubstitute(circuit, BASES["aig"], most=0) == circuit
    # outputs x1x2x3 (nodes 3, 4), x1x2x3 again (6 = 5 ∧ x1) and x2x3 (5): node 4 is node 6, which
    # comes later; replacing 4 by 6 frees two gates (the least circuit: x2x3 and one more), the
    # other way round one
    shared = Circuit(3, ((8, 0, 1), (8, 2, 3), (8, 1, 2), (8, 0, 5)), (4, 6, 5), (False,) * 3)
    least = resubstitute(shared, BASES["aig"])
    assert len(least) == 2 and (outputs(least) == outputs(shared)).all()
    conj = Circuit(3, ((8, 0, 1),), (3,), (False,))
    x1 = conj.node_tables()[0]
    free = resubstitute(conj, BASES["aig"], care=x1)
    assert len(free) == 0 and (outputs(free)[:, x1] == outputs(conj)[:, x1]).all()


@pytest.mark.parametrize("basis", ["b2", "aig"])
def test_the_walk_never_grows_and_stays_right_on_the_care_rows(basis):
    """Random 5–7-input functions with 2–3 outputs and a third of the rows free: the walk's
    circuit is right wherever the constructed one must be, and no larger; on the full table of
    a random 6-input function of 4 outputs it is also no larger, and reproducible from its seed."""
    draw = np.random.default_rng(8)
    for m in (5, 6, 7):
        targets = random_targets(draw, m, int(draw.integers(2, 4)))
        care = draw.random(1 << m) < 2 / 3
        built = construct(targets, m, BASES[basis], table_of(care))
        walked = resynthesise(built, BASES[basis], care, rounds=6, seed=m)
        want = np.array([[(t >> r) & 1 for r in range(1 << m)] for t in targets], dtype=bool)
        assert (outputs(walked)[:, care] == want[:, care]).all() and len(walked) <= len(built)
    full = construct(random_targets(draw, 6, 4), 6, BASES[basis])
    first = resynthesise(full, BASES[basis], rounds=8, seed=3)
    assert (outputs(first) == outputs(full)).all() and len(first) <= len(full)
    assert resynthesise(full, BASES[basis], rounds=8, seed=3) == first


def test_walks_side_by_side_keep_the_care_rows():
    """Two walks in forked processes until a deadline (a random 6-input function of 3 outputs, a
    third of the rows free): the circuit that comes back is right wherever the constructed one
    must be, and no larger."""
    draw = np.random.default_rng(9)
    targets = random_targets(draw, 6, 3)
    care = draw.random(64) < 2 / 3
    built = construct(targets, 6, BASES["aig"], table_of(care))
    walked = resynthesise(built, BASES["aig"], care, deadline=perf_counter() + 1.0, walks=2)
    want = np.array([[(t >> r) & 1 for r in range(64)] for t in targets], dtype=bool)
    assert (outputs(walked)[:, care] == want[:, care]).all() and len(walked) <= len(built)


def test_the_walk_on_sample_rows_keeps_them():
    """Given the rows of a sample (columns of 12 inputs, 300 rows), a circuit is resynthesised on
    those rows: its outputs there are unchanged."""
    draw = np.random.default_rng(4)
    codes = draw.choice(1 << 12, 300, replace=False)
    columns = ((codes[None] >> np.arange(11, -1, -1)[:, None]) & 1).astype(bool)
    from phasediag.programs.circuits.construction import synthesise_rows
    targets = [table_of(draw.integers(0, 2, 300)) for _ in range(2)]
    built = synthesise_rows(targets, columns, BASES["aig"])
    walked = resynthesise(built, BASES["aig"], columns=columns, rounds=4, seed=1)
    assert (outputs(walked, columns) == outputs(built, columns)).all() and len(walked) <= len(built)


def test_the_error_zero_end_reports_each_stage():
    """On a random 6-input function of 3 outputs, the tempered front's error-0 circuit is right
    on every row; the diagnostics say the resynthesised circuit is no larger than the constructed
    one, and the shrinking run ends no larger than it starts."""
    draw = np.random.default_rng(6)
    bits = draw.integers(0, 2, (64, 3)).astype(bool)
    task = BooleanFunction(family="table", inputs=6, table=";".join(format_table(b) for b in bits.T))
    circuits = load_programs("circuits:basis=aig")
    diagram = sample_diagram(task, circuits, steps=3000, chains=1, sampler="tempering", seed=2)
    last, stages = diagram.steps[-1], diagram.diagnostics["shrinking_error_0"]
    assert last.wrong == 0 and circuits.wrong_weight(task, last.witness) == 0
    assert stages["resynthesised"] <= stages["constructed"] and stages["to"] == last.complexity <= stages["from"]


def test_a_time_limited_error_zero_end_is_right_and_no_larger():
    """With a time limit (the restructuring beside the sampler, where there are two cores, and on
    the sampler's cores too once its few steps are done), the error-0 circuit of a random 6-input
    function of 3 outputs is right on every row and no larger than the constructed one."""
    draw = np.random.default_rng(7)
    bits = draw.integers(0, 2, (64, 3)).astype(bool)
    task = BooleanFunction(family="table", inputs=6, table=";".join(format_table(b) for b in bits.T))
    circuits = load_programs("circuits:basis=aig")
    diagram = sample_diagram(task, circuits, steps=300, chains=1, sampler="tempering", seed=3, time_limit=3)
    last, stages = diagram.steps[-1], diagram.diagnostics["shrinking_error_0"]
    assert last.wrong == 0 and circuits.wrong_weight(task, last.witness) == 0
    assert stages["resynthesised"] <= stages["constructed"] and last.complexity <= stages["from"]


@pytest.mark.parametrize("basis", ["b2", "aig"])
def test_two_gate_resubstitution(basis):
    """x1x2x3 as (x1 ∧ x2) ∧ (x2 ∧ x3), and x1(x2 ∨ x3) as x1x2 ∨ x1x3: three gates whose
    function no node and no one gate over the inputs gives; two gates over the inputs do."""
    for shape in (((8, 0, 1), (8, 1, 2), (8, 3, 4)), ((8, 0, 1), (8, 0, 2), (14, 3, 4))):
        circuit = Circuit(3, shape, (5,), (False,))
        smaller = resubstitute(circuit, BASES[basis])
        assert len(smaller) == 2 and (outputs(smaller) == outputs(circuit)).all()


def test_two_gate_resubstitution_with_xor():
    """In b2 (⊕ one gate): x2 ⊕ x1¬x3 as (x1 ⊕ x2) ⊕ x1x3, and x3(x1 ⊕ x2) as (x1 ⊕ x2) ∧ x3(x1 ⊕ x2):
    three gates, each needed by the next, that x ⊕ (y ∧ z) and x ∧ (y ⊕ z) make two."""
    for shape in (((6, 0, 1), (8, 0, 2), (6, 3, 4)), ((6, 0, 1), (8, 2, 3), (8, 3, 4))):
        circuit = Circuit(3, shape, (5,), (False,))
        smaller = resubstitute(circuit, BASES["b2"])
        assert len(smaller) == 2 and (outputs(smaller) == outputs(circuit)).all()


def test_observability_is_where_a_complemented_node_changes_an_output():
    """The rows where flipping a node changes some output equal those where the circuit with that
    node's gate complemented (or an input complemented everywhere it is read) computes other
    outputs, on random circuits of every gate."""
    from phasediag.programs.circuits.resynthesis import _evaluated, _observability
    draw = np.random.default_rng(31)
    for _ in range(60):
        m, n = int(draw.integers(1, 6)), int(draw.integers(1, 15))
        gates = []
        for i in range(n):
            a, op = int(draw.integers(0, m + i)), int(draw.integers(0, 16))
            gates.append((op, a, a if op == 3 else int(draw.integers(a, m + i))))
        k = int(draw.integers(1, 4))
        circuit = Circuit(m, tuple(gates), tuple(int(draw.integers(-1, m + n)) for _ in range(k)),
                          tuple(bool(draw.integers(2)) for _ in range(k)))
        care = draw.integers(0, 2, 1 << m).astype(bool)
        for node in range(m + n):
            seen, fanout = _observability(_evaluated(circuit, None), care, node)
            if node >= m:  # gate op → its complement 15 - op
                op, a, b = circuit.gates[node - m]
                flipped = circuit.gates[:node - m] + ((15 - op, a, b),) + circuit.gates[node - m + 1:]
                other = Circuit(m, flipped, circuit.outputs, circuit.negated).output_tables()
            else:  # the input read complemented: as a column of the rows' inputs
                columns = circuit.node_tables()[:m].copy()
                columns[node] = ~columns[node]
                other = circuit.output_tables(columns)
            assert np.array_equal(seen, (other != circuit.output_tables()).any(axis=0) & care)
            reaches = {node}
            for i, (op, a, b) in enumerate(circuit.gates):
                if a in reaches or b in reaches:
                    reaches.add(m + i)
            assert set(np.flatnonzero(fanout)) == reaches


def test_the_pair_and_triple_searches_find_the_first_by_brute_force():
    """The word kernels of resubstitution against their definitions, on random words: the first
    pairs i < j whose AND is the goal (on a mask), the first triple x < y < z of covers whose AND
    stays within the target, the first x ∧ (y ∨ z) equal to the target, the first pair whose XOR
    is the target or its complement, and the first pair of covers whose AND is the target."""
    from itertools import combinations
    from phasediag.programs.circuits.construction import and_pairs
    from phasediag.programs.circuits.resynthesis import _and3, _and_of_covers, _and_or, _xor_of
    draw = np.random.default_rng(5)
    for _ in range(300):
        n, w = int(draw.integers(0, 12)), int(draw.integers(1, 3))
        bits = draw.integers(0, 2, (n, 64 * w)) & draw.integers(0, 2, (1, 64 * w))  # sparse-ish rows
        words = np.packbits(bits.astype(np.uint8), axis=1, bitorder="little").view(np.uint64).reshape(n, w)
        mask = np.packbits(draw.integers(0, 2, 64 * w).astype(np.uint8), bitorder="little").view(np.uint64)
        kind = int(draw.integers(4)) if n else 3  # an AND, an XOR, an XNOR of two rows, or random
        goal = ([words[0] & words[-1], words[0] ^ words[-1], ~(words[1 % n] ^ words[-1])][kind] if kind < 3 else
                np.packbits(draw.integers(0, 2, 64 * w).astype(np.uint8), bitorder="little").view(np.uint64)) & mask
        eq = lambda u, v: not ((u ^ v) & mask).any()
        within = lambda u: not (u & ~goal & mask).any()
        covers = lambda u: not (goal & ~u).any()
        most = int(draw.integers(1, 4))
        pairs = [(i, j) for i, j in combinations(range(n), 2) if eq(words[i] & words[j], goal)][:most]
        assert and_pairs(words, goal, mask, most).tolist() == [list(p) for p in pairs]
        triples = [t for t in combinations(range(n), 3) if within(words[t[0]] & words[t[1]] & words[t[2]])]
        assert _and3(words, goal, mask) == (triples[0] if triples else (-1, -1, -1))
        outer = np.array([i for i in range(n) if covers(words[i])][:3], dtype=np.int64)
        found = (-1, -1, -1)
        for k, x in enumerate(outer):
            inside = [y for y in range(n) if within(words[x] & words[y])][:4]
            hits = [(k, y, z) for y in inside for z in inside if covers(words[y] | words[z])]
            if hits:
                found = hits[0]
                break
        assert _and_or(words, outer, goal, mask, 4) == found
        xors = [(i, j, eq(words[i] ^ words[j], ~goal)) for i, j in combinations(range(n), 2)
                if eq(words[i] ^ words[j], goal) or eq(words[i] ^ words[j], ~goal)]
        assert _xor_of(words, goal, mask) == (xors[0] if xors else (-1, -1, False))
        targets = np.stack([goal, words[0] & mask]) if n else goal[None]
        found = (-1, -1, -1)
        for k, target in enumerate(targets):
            inside = [y for y in range(n) if not (target & ~words[y]).any()][:5]
            hits = [(k, y, z) for y, z in combinations(inside, 2) if not (((words[y] & words[z]) ^ target) & mask).any()]
            if hits:
                found = hits[0]
                break
        assert _and_of_covers(words, targets, mask, 5) == found


def test_the_rewrite_kernels_agree_with_their_definitions():
    """Cut rewriting's word kernels against their definitions on random nodes: the four-input
    table of a node over a cut (each pattern of cut values that occurs on a row of the mask, and
    the node's value there; a consistent node), its cheapest completion (the smallest of the
    tables of least b2 size that agree on those patterns, over all 2^16), and the first covers of
    a goal among the usable literals, uncomplemented ones first."""
    from phasediag.programs.circuits.construction import (_covers, _cut_patterns, b2_costs, cheapest_completion,
                                                           word_rows)
    costs, tables = b2_costs(), np.arange(1 << 16)
    draw = np.random.default_rng(8)
    for _ in range(200):
        n, rows = int(draw.integers(2, 10)), int(draw.integers(1, 200))
        bits = draw.integers(0, 2, (n, rows)).astype(bool)
        mask = draw.integers(0, 2, rows).astype(bool)
        cut = tuple(int(c) for c in draw.choice(n - 1, int(draw.integers(1, min(n - 1, 4) + 1)), replace=False))
        f = draw.integers(0, 2, 16)  # the node: a function of the cut's values on the mask's rows
        patterns = sum(bits[c].astype(int) << (3 - j) for j, c in enumerate(cut))
        bits[n - 1] = f[patterns] & mask | (bits[n - 1] & ~mask)
        words = word_rows([table_of(b) for b in bits] + [table_of(mask)], (rows + 63) // 64)
        f4, c4 = _cut_patterns(words, n - 1, cut, words[-1])
        seen = set(patterns[mask].tolist())
        assert c4 == sum(1 << p for p in seen) and f4 == sum(int(f[p]) << p for p in seen)
        fits = np.flatnonzero((tables ^ f4) & c4 == 0)
        assert cheapest_completion(f4, c4) == int(fits[np.argmin(costs[fits])])
        usable = draw.integers(0, 2, n).astype(bool)
        goal = words[int(draw.integers(n))] & words[int(draw.integers(n))] & words[-1]
        lits = [(x, neg) for neg in (0, 1) for x in range(n) if usable[x]]
        literal = lambda x, neg: (words[x] ^ words[-1]) & words[-1] if neg else words[x]
        want = [(x, neg) for x, neg in lits if not (goal & ~literal(x, neg)).any()][:5]
        found, covered = _covers(words[:n], usable, goal, words[-1], 5)
        assert found.tolist() == [list(lit) for lit in want]
        assert all((covered[k] == literal(*lit)).all() for k, lit in enumerate(want))


def test_an_interrupted_walk_gives_the_smallest_circuit_it_met():
    """A walk asked to stop (SIGINT, in a forked process) a second after it has begun, with a long
    deadline, answers with a circuit right on every row and no larger than the one it started
    from."""
    import os
    import time

    from phasediag.forks import Forked, forks
    from phasediag.interrupts import hold_interrupts_while_numba_compiles
    from phasediag.programs.circuits.resynthesis import _walk
    if not forks():
        pytest.skip("forking is Linux-only here")
    draw = np.random.default_rng(3)
    built = construct(random_targets(draw, 7, 3), 7, BASES["aig"])
    began, begins = os.pipe()  # the child writes a byte as the walk begins

    def walk_from_built():
        # as the console script does: with a fresh Numba cache the child may be compiling a
        # kernel when SIGINT lands, and Numba then loses it or raises a compiler error
        hold_interrupts_while_numba_compiles()
        os.write(begins, b".")
        return _walk(built, BASES["aig"], None, None, perf_counter() + 60, None, 0)

    # a short walk here first: the child inherits its compiled kernels and Numba's unpickled
    # return types, so the Ctrl-C cannot land in a kernel's first return, where Numba turns it
    # into a SystemError (see phasediag.jit; the likely cause of one failure in 40-odd CI runs)
    _walk(built, BASES["aig"], None, None, perf_counter() + 0.2, None, 0)
    walk = Forked(walk_from_built)
    assert os.read(began, 1) == b"."
    time.sleep(1)
    found = walk.interrupted()
    for end in (began, begins):
        os.close(end)
    assert found is not None and len(found) <= len(built)
    assert (outputs(found) == outputs(built)).all()
