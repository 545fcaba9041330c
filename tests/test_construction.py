"""Correct circuits at once (constructive synthesis, cut rewriting) and cofactor lower bounds."""

import numpy as np
import pytest

from phasediag.methods import cost_table, sample_diagram, synthesis_diagram
from phasediag.programs.circuits.enumeration import costs_within
from phasediag.programs import load_programs
from phasediag.programs.circuits import BASES
from phasediag.programs.circuits.bounds import cofactor_bound
from phasediag.programs.circuits import construction
from phasediag.programs.circuits.construction import HOWS, Builder, TooLarge, _signed_digits, _Synthesis, cofactors, \
    construct, count_values, extract, isop, linear_form, rewrite, synthesise
from phasediag.tasks import load_task
from phasediag.tasks.boolean import BooleanFunction, format_table


def as_int(bits) -> int:
    return sum(1 << r for r, v in enumerate(bits) if v)


def outputs_of(circuit) -> list[int]:
    """Every output as a table, by the circuit's own simulator."""
    return [as_int(row) for row in circuit.output_tables()]


def random_tables(draw, m: int, k: int) -> list[int]:
    return [as_int(draw.integers(0, 2, 1 << m)) for _ in range(k)]


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_constructed_circuits_compute_every_output_on_every_row(basis):
    """Random functions of 2–9 inputs with 1–4 outputs: the constructed circuit and its rewrite
    simulate to every target on every row, use only gates of the basis, and the rewrite is no
    larger."""
    draw = np.random.default_rng(7)
    programs = load_programs(f"circuits:basis={basis}")
    for m in range(2, 10):
        k = int(draw.integers(1, 5))
        targets = random_tables(draw, m, k)
        for how in HOWS:
            built = construct(targets, m, BASES[basis], how=how)
            better = rewrite(built, BASES[basis])
            for circuit in (built, better):
                assert outputs_of(circuit) == targets, how
                programs.check(circuit)
            assert len(better) <= len(built)


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_every_construction_is_right_on_the_care_rows(basis):
    """Random functions of 5–8 inputs and 1–3 outputs with random care sets (so Davio splits and
    extraction see don't-cares): every construction's outputs equal the targets on every care row."""
    draw = np.random.default_rng(11)
    for m in range(5, 9):
        k = int(draw.integers(1, 4))
        targets, care = random_tables(draw, m, k), random_tables(draw, m, 1)[0]
        for how in HOWS:
            circuit = construct(targets, m, BASES[basis], care, how)
            assert all((got ^ want) & care == 0 for got, want in zip(outputs_of(circuit), targets)), how


@pytest.mark.parametrize("basis", ["b2", "aig"])
def test_rewriting_builds_a_node_over_what_other_outputs_built(basis):
    """f = (x1 ∧ x2) ∧ x3 and g = (x1 ∧ x4) ∧ (x2 ∧ x3), built apart (5 gates), rewrite to 3: g is
    f ∧ x4 (f needs 2 gates, and g ≠ f one more), a gate no cut of g's own cone holds."""
    from phasediag.programs.circuits.circuit import Circuit
    # nodes: x1..x4 = 0..3; 4 = x1∧x2, 5 = 4∧x3 (f), 6 = x1∧x4, 7 = x2∧x3, 8 = 6∧7 (g)
    built = Circuit(4, ((8, 0, 1), (8, 2, 4), (8, 0, 3), (8, 1, 2), (8, 6, 7)), (5, 8), (False, False))
    better = rewrite(built, BASES[basis])
    assert outputs_of(better) == outputs_of(built)
    assert len(better) == 3


def test_dont_care_rows_are_free_and_care_rows_are_right():
    """With a care set, only the care rows must match; a function that equals x1 ∧ x2 on its care
    rows and is free elsewhere costs at most what x1 ∧ x2 costs (one gate)."""
    draw = np.random.default_rng(3)
    m = 7
    for _ in range(5):
        target, care = random_tables(draw, m, 2)
        circuit = synthesise([target], m, BASES["b2"], care)
        assert (outputs_of(circuit)[0] ^ target) & care == 0
    x1, x2 = (np.arange(1 << m) >> (m - 1)) & 1, (np.arange(1 << m) >> (m - 2)) & 1
    care = as_int(draw.integers(0, 2, 1 << m))
    noisy = as_int((x1 & x2) ^ draw.integers(0, 2, 1 << m)) & ~care | as_int(x1 & x2) & care
    assert len(synthesise([noisy], m, BASES["aig"], care)) <= 1


def test_closed_forms_are_built_at_their_known_sizes():
    """Parity of m bits: m − 1 XOR gates in b2 (optimal), 3(m − 1) ANDs in aig; the AND of m bits:
    m − 1 gates."""
    for m in (5, 8, 11):
        parity = as_int(np.array([bin(r).count("1") % 2 for r in range(1 << m)]))
        conj = 1 << ((1 << m) - 1)
        assert len(synthesise([parity], m, BASES["b2"])) == m - 1
        assert len(synthesise([parity], m, BASES["aig"])) <= 3 * (m - 1)
        assert len(synthesise([conj], m, BASES["aig"])) == m - 1


def sop_table(cubes, m: int, definitions) -> int:
    """The table of a sum of products as :func:`extract` writes it (bit 2v: variable v, 2v + 1: its
    complement), variable v ≥ m being ``definitions[v - m]``, itself such a sum."""
    rows = np.arange(1 << m)
    tables = {j: ((rows >> (m - 1 - j)) & 1).astype(bool) for j in range(m)}

    def variable(v):
        if v not in tables:
            tables[v] = value(definitions[v - m])
        return tables[v]

    def value(sop):
        out = np.zeros(1 << m, dtype=bool)
        for cube in sop:
            term = np.ones(1 << m, dtype=bool)
            for i in range(cube.bit_length()):
                if cube >> i & 1:
                    term &= ~variable(i // 2) if i % 2 else variable(i // 2)
            out |= term
        return out
    return as_int(value(cubes))


def sop_gates(sops) -> int:
    """Two-input gates of sums of products: Σ(|c| − 1) + (cubes − 1) per sum."""
    return sum(sum(c.bit_count() - 1 for c in sop) + len(sop) - 1 for sop in sops if sop)


def test_extraction_keeps_every_function_and_never_costs_more():
    """Random sums of 2–12 cubes over 6 variables, 1–4 sums: after extraction every sum (its
    divisors substituted back) is the same function, and the gate count of all sums and divisors
    is at most the count before."""
    draw = np.random.default_rng(5)
    m = 6
    for _ in range(40):
        sops = []
        for _ in range(int(draw.integers(1, 5))):
            cubes = set()
            for _ in range(int(draw.integers(2, 13))):
                chosen = draw.choice(m, int(draw.integers(1, 5)), replace=False)
                cubes.add(sum(1 << (2 * int(v) + int(draw.integers(0, 2))) for v in chosen))
            sops.append(sorted(cubes))
        out = extract(sops, m)
        assert [sop_table(s, m, out[len(sops):]) for s in out[: len(sops)]] == [sop_table(s, m, []) for s in sops]
        assert sop_gates(out) <= sop_gates(sops)


@pytest.mark.parametrize("basis", ["b2", "aig"])
def test_extraction_finds_the_shared_divisor(basis):
    """x1x3 + x1x4 + x2x3 + x2x4 = (x1 + x2)(x3 + x4): 3 gates, the exact four-input cost (the plain
    sum takes 7); and x1x3 + x2x3 with x1x4 + x2x4 as two outputs share x1 + x2: 3 gates in all."""
    m = 4
    rows = np.arange(1 << m)
    x = [(rows >> (m - 1 - j)) & 1 for j in range(m)]
    f = as_int((x[0] | x[1]) & (x[2] | x[3]))
    assert len(construct([f], m, BASES[basis], how="extract")) == cost_table(4).upper[f] == 3
    g, h = as_int((x[0] | x[1]) & x[2]), as_int((x[0] | x[1]) & x[3])
    assert len(construct([g, h], m, BASES[basis], how="extract")) == 3


def test_davio_splits_build_parities_of_products():
    """x1x2 ⊕ x3x4 ⊕ x5x6 ⊕ x7x8 (a bent function, no two-column bound set short of pairs): Davio
    splits build it in 4 ANDs and 3 XORs in b2, 4 + 3·3 in aig (Shannon alone needs more)."""
    m = 8
    rows = np.arange(1 << m)
    x = [(rows >> (m - 1 - j)) & 1 for j in range(m)]
    f = as_int((x[0] & x[1]) ^ (x[2] & x[3]) ^ (x[4] & x[5]) ^ (x[6] & x[7]))
    assert len(construct([f], m, BASES["b2"])) <= 7
    assert len(construct([f], m, BASES["aig"])) <= 13


def symmetric_table(values, m: int) -> int:
    """The table whose value on a row with c ones is values[c]."""
    return as_int([values[bin(r).count("1")] for r in range(1 << m)])


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_symmetric_constructions_compute_every_output_on_every_care_row(basis):
    """Random totally symmetric functions of 1–11 inputs with 1–4 outputs, some with don't-care
    rows: the count construction (up to 11 inputs here) and the sort construction simulate to every
    target on every care row, in the basis's gates; a function that is not symmetric is refused."""
    draw = np.random.default_rng(17)
    programs = load_programs(f"circuits:basis={basis}")
    for m in range(1, 12):
        targets = [symmetric_table(draw.integers(0, 2, m + 1), m) for _ in range(int(draw.integers(1, 5)))]
        care = (1 << (1 << m)) - 1 if m % 2 else as_int(draw.random(1 << m) < 0.7)
        for how in ("count", "sort"):
            circuit = construct(targets, m, BASES[basis], care, how)
            assert all((got ^ t) & care == 0 for got, t in zip(outputs_of(circuit), targets))
            programs.check(circuit)
    with pytest.raises(ValueError, match="symmetric"):
        construct([as_int([0, 0, 1, 0])], 2, BASES[basis], None, "sort")  # x1 ∧ ¬x2


def test_count_values_reads_a_symmetric_function_and_refuses_others():
    """count_values gives v[c] for a symmetric table, None at counts without care rows, and None
    for a table that differs on two rows with the same count."""
    m = 4
    values = [0, 1, 1, 0, 1]
    f = symmetric_table(values, m)
    assert count_values(f, (1 << 16) - 1, m) == values
    no_four = (1 << 16) - 1 - (1 << 15)  # row 1111 free
    assert count_values(f, no_four, m) == values[:4] + [None]
    assert count_values(f ^ 0b10, (1 << 16) - 1, m) is None  # row 0001 flipped, 0010 not
    assert count_values(f ^ 0b10, (1 << 16) - 1 - 0b10, m) == values


def test_symmetric_functions_are_built_at_published_sizes():
    """Two ANDs per comparator of the fewest-comparator sorting networks of n ≤ 8 inputs (1, 3, 5, 9,
    12, 16, 19; Knuth, TAOCP 5.3.4) for the n-output sorter [c ≥ k] in aig; the full adder (the
    binary count of three bits) in 5 gates in b2 (its known size) and 7 in aig; the binary count of
    five bits (two full adders and a half adder) in 17 ANDs, and of seven bits (four full adders)
    in 28."""
    for n, comparators in zip(range(2, 9), (1, 3, 5, 9, 12, 16, 19)):
        sorter = [symmetric_table([int(c >= k) for c in range(n + 1)], n) for k in range(1, n + 1)]
        circuit = synthesise(sorter, n, BASES["aig"])
        assert outputs_of(circuit) == sorter and len(circuit) <= 2 * comparators

    def count_bits(n):
        return [symmetric_table([(c >> i) & 1 for c in range(n + 1)], n) for i in range(n.bit_length())]
    assert len(synthesise(count_bits(3), 3, BASES["b2"])) == 5
    for n, ands in ((3, 7), (5, 17), (7, 28)):
        circuit = synthesise(count_bits(n), n, BASES["aig"])
        assert outputs_of(circuit) == count_bits(n) and len(circuit) <= ands


def word_tables(m: int, k: int, value, lsb_first: bool = True) -> list[int]:
    """The k output tables of value(r) mod 2^k, r the row read as an integer (x1 its most
    significant bit), least significant output first or last."""
    tables = [as_int([(value(r) >> j) & 1 for r in range(1 << m)]) for j in range(k)]
    return tables if lsb_first else tables[::-1]


def test_weighted_sums_are_recognised_in_either_output_order():
    """Adders, a subtractor and constant multiplies are weighted sums of the inputs mod 2^K, the
    outputs listed either way, with weights that re-evaluate to the function on every row; a
    product of two words and random tables are not."""
    cases = [(8, 5, lambda r: (r >> 4) + (r & 15)), (8, 4, lambda r: (r >> 4) - (r & 15)),
             (7, 10, lambda r: 5 * r + 3), (7, 7, lambda r: ((r & 7) + (r >> 3)) * 7)]
    for m, k, value in cases:
        for lsb_first in (True, False):
            w, c, backwards = linear_form(word_tables(m, k, value, lsb_first), m)
            assert backwards == (not lsb_first)
            for r in range(1 << m):
                assert (c + sum(w[i] for i in range(m) if (r >> (m - 1 - i)) & 1) - value(r)) % (1 << k) == 0
    assert linear_form(word_tables(6, 6, lambda r: (r >> 3) * (r & 7)), 6) is None
    assert linear_form(random_tables(np.random.default_rng(4), 6, 3), 6) is None


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_the_sum_construction_computes_every_output_on_every_row(basis):
    """Seeded random weights and constants on 2–7 inputs, 2–8 outputs listed either way: the sum
    construction simulates to every output on every row."""
    draw = np.random.default_rng(21)
    for _ in range(10):
        m, k = int(draw.integers(2, 8)), int(draw.integers(2, 9))
        w, c = [int(x) for x in draw.integers(0, 1 << k, m)], int(draw.integers(0, 1 << k))
        targets = word_tables(m, k, lambda r: c + sum(w[i] for i in range(m) if (r >> (m - 1 - i)) & 1),
                              lsb_first=bool(draw.integers(2)))
        circuit = construct(targets, m, BASES[basis], None, "sum")
        assert outputs_of(circuit) == targets
        load_programs(f"circuits:basis={basis}").check(circuit)


def test_signed_digits_are_non_adjacent_and_never_more_than_the_ones():
    """Every weight mod 2^k is the sum of its signed digits, no two at adjacent positions, and
    never more of them than the weight's 1 bits (7 = 8 − 1)."""
    for k in (4, 8):
        for w in range(1 << k):
            digits = _signed_digits(w, k)
            assert sum(d << p for p, d in digits) % (1 << k) == w
            assert len(digits) <= w.bit_count()
            assert all(b - a >= 2 for (a, _), (b, _) in zip(digits, digits[1:]))
    assert _signed_digits(7, 7) == [(0, -1), (3, 1)]


def test_adders_are_built_within_the_ripple_carry_size():
    """An n-bit adder with carry out is a ripple of a half adder and n − 1 full adders: at most
    7n − 4 ANDs in aig and 5n − 3 gates in b2 (n = 2 … 5), its outputs listed either way."""
    for n in range(2, 6):
        for lsb_first in (True, False):
            adder = word_tables(2 * n, n + 1, lambda r: (r >> n) + (r & ((1 << n) - 1)), lsb_first)
            for basis, size in (("aig", 7 * n - 4), ("b2", 5 * n - 3)):
                circuit = synthesise(adder, 2 * n, BASES[basis])
                assert outputs_of(circuit) == adder and len(circuit) <= size, (n, basis, len(circuit))


def test_the_cofactor_bound_on_four_inputs_is_the_exact_cost():
    """On four inputs the only cofactor is the function itself: the bound is C_k exactly, for
    every function and k (checked on a seeded sample against the enumerator's table)."""
    within = costs_within(4, "b2")
    draw = np.random.default_rng(11)
    for f in draw.integers(0, 1 << 16, 200):
        bits = np.array([(f >> r) & 1 for r in range(16)], dtype=bool)
        for k in (0, 1, 3):
            assert cofactor_bound(bits[None], np.ones(16, bool), k) == within[k][f]


def test_gate_elimination_never_exceeds_the_exact_cost():
    """Three-input cofactors plus the gate that fixing the fourth input eliminates bound C_k of
    four-input functions from below (checked against the enumerator's exact table on a seeded
    sample, k = 0, 1, 2), and the elimination is what makes the bound exact on parity: m − 1 gates
    for parity of m inputs, a closed form (the three-input cofactor alone gives 2); an input or its
    complement stays at 0 (fixing it changes f, yet no gate reads it)."""
    within = costs_within(4, "b2")
    draw = np.random.default_rng(12)
    exact = 0
    for f in draw.integers(0, 1 << 16, 500):
        bits = np.array([(f >> r) & 1 for r in range(16)], dtype=bool)
        for k in (0, 1, 2):
            bound = cofactor_bound(bits[None], np.ones(16, bool), k, kept=3)
            assert bound <= within[k][f]
            exact += bound == within[k][f]
    assert exact > 300  # the bound is attained on a fair share (not vacuous)
    for m in range(4, 7):  # an input or its complement needs no gate, though fixing it changes f
        for j in range(m):
            literal = np.array([(r >> (m - 1 - j)) & 1 for r in range(1 << m)], dtype=bool)
            assert cofactor_bound(literal[None], np.ones(1 << m, bool), 0, kept=3) == 0
            assert cofactor_bound(~literal[None], np.ones(1 << m, bool), 0, kept=3) == 0
    for m in range(4, 9):
        parity = np.array([bin(r).count("1") % 2 for r in range(1 << m)], dtype=bool)
        assert cofactor_bound(parity[None], np.ones(1 << m, bool), 0) == m - 1
        assert cofactor_bound(parity[None], np.ones(1 << m, bool), 0, kept=3) == m - 1


def test_cofactor_bounds_never_exceed_a_found_circuit():
    """On random five- to eight-input functions, at several error budgets, the bound is at most
    the size of circuits that get within the budget: the constructed correct circuit (k = 0) and
    every step of a CP-SAT front on five inputs; parity of seven gets its exact six gates."""
    draw = np.random.default_rng(5)
    programs = load_programs("circuits")
    for m in (5, 6, 8):
        target = random_tables(draw, m, 1)[0]
        task = BooleanFunction(family="table", inputs=m, table=format_table(
            np.array([(target >> r) & 1 for r in range(1 << m)], bool)))
        assert programs.lower_bound(task, 0) <= len(programs.correct_program(task))
    task = BooleanFunction(family="table", inputs=5, table=format_table(draw.integers(0, 2, 32).astype(bool)))
    front = synthesis_diagram(task, programs, time_limit=8)
    for step in front.steps:
        if step.status == "optimal":
            assert programs.lower_bound(task, step.wrong) <= step.complexity
    parity = load_task("boolean:family=parity,inputs=7")
    assert programs.lower_bound(parity, 0) == cost_table(4).upper[0x6996] + 3 == 6


def test_a_sampled_front_reaches_error_zero_on_eight_inputs():
    """A short tempered run on a random eight-input function cannot find a correct circuit in its
    64-gate genotype; the front still ends at error 0, with a circuit that re-evaluates to 0 wrong,
    labelled with its proved lower bound (not optimal)."""
    task = load_task("boolean:family=random,inputs=8,seed=2")
    programs = load_programs("circuits:basis=aig")
    d = sample_diagram(task, programs, steps=300, chains=1, sampler="tempering", settle=False)
    last = d.steps[-1]
    assert last.wrong == 0 and programs.wrong_weight(task, last.witness) == 0
    assert last.status == "bounds" and 0 < last.lower_bound < last.complexity
    assert all(a.complexity < b.complexity and a.error > b.error for a, b in zip(d.steps, d.steps[1:]))


def test_restarts_on_other_input_orders_never_do_worse():
    """With a time limit, synthesis also tries random orders of the inputs: the circuit is still
    right on every row and never larger than the first attempt's."""
    draw = np.random.default_rng(13)
    for m in (5, 7):
        targets = random_tables(draw, m, 2)
        first = synthesise(targets, m, BASES["aig"])
        longer = synthesise(targets, m, BASES["aig"], time_limit=1.0, seed=4)
        assert outputs_of(longer) == targets and len(longer) <= len(first)


def test_past_its_deadline_synthesis_finishes_the_first_construction_only():
    """With a deadline already past, synthesis returns the first construction (the inputs in
    order; extraction, the cheapest, where the sums of products are small enough for it, else
    Shannon) as built, unrewritten, and it is right on every care row; cut rewriting stopped at
    once returns its circuit."""
    from phasediag.programs.circuits.construction import EXTRACT_PAIRS, _sums_of_products
    draw = np.random.default_rng(17)
    for basis in ("b2", "aig", "and-or-not"):
        for m in (5, 8, 10):
            targets, care = random_tables(draw, m, 2), as_int(draw.random(1 << m) < 0.8)
            how = "shannon" if _sums_of_products(targets, m, care, EXTRACT_PAIRS) is None else "extract"
            first = construct(targets, m, BASES[basis], care, how)
            late = synthesise(targets, m, BASES[basis], care, deadline=0.0)
            assert late == first and len(rewrite(first, BASES[basis], deadline=0.0)) == len(first)
            assert all(t & care == o & care for t, o in zip(targets, outputs_of(late)))


def test_the_greedy_split_minimises_the_cofactors_supports_counted_row_by_row():
    """The greedy split variable (read off f's differences) has the fewest support variables in
    its two cofactors, counted by brute force: a variable is in a cofactor's support when some
    pair of rows differing in it alone has different values (functions of 10 inputs that depend
    on random subsets of them)."""
    m, draw = 10, np.random.default_rng(23)

    def support_size(g):
        return sum(any(g >> r & 1 != g >> (r ^ (1 << (m - 1 - i))) & 1 for r in range(1 << m)) for i in range(m))

    for trial in range(12):
        parts = [draw.choice(m, size=draw.integers(2, 6), replace=False) for _ in range(3)]
        values = [draw.integers(0, 2, 1 << len(p)) for p in parts]
        rows = np.arange(1 << m)
        f = 0
        for p, v in zip(parts, values):
            index = sum(((rows >> (m - 1 - j)) & 1) << k for k, j in enumerate(p))
            f ^= as_int(v[index])
        synthesis = _Synthesis(Builder(m, BASES["b2"]), decompose=False)
        f, care, support = synthesis.support(f, synthesis.b.full)
        sizes = {j: sum(map(support_size, cofactors(f, m, j))) for j in support}
        assert sizes[synthesis.greedy(f, care, support)] == min(sizes.values())


def test_a_construction_beyond_the_table_budget_is_refused_and_the_front_says_so(monkeypatch):
    """With room for the node tables of half the circuit the construction builds, synthesis
    raises TooLarge and rewriting returns its circuit as it was; the tempered sampler then has no
    constructed error-0 end, and its diagram says why in a warning."""
    m, basis = 8, BASES["aig"]
    task = load_task("boolean:family=random,inputs=8,seed=3")
    built = synthesise(random_tables(np.random.default_rng(29), m, 1), m, basis)
    node_bytes = 2 * (1 << m) // 8  # a table and its complement per node
    monkeypatch.setattr(construction, "TABLE_BYTES", (m + len(built) // 2) * node_bytes)
    with pytest.raises(TooLarge):
        synthesise(random_tables(np.random.default_rng(29), m, 1), m, basis)
    assert rewrite(built, basis) == built
    monkeypatch.setattr(construction, "TABLE_BYTES", m * node_bytes)  # the inputs' tables only
    diagram = sample_diagram(task, load_programs("circuits:basis=aig"), steps=500, seed=1)
    assert any("No correct circuit was constructed (its gates' truth tables of 256 rows" in w
               for w in diagram.diagnostics["warnings"])
    assert "shrinking_error_0" not in diagram.diagnostics


def test_a_bounded_sum_of_products_stops_exactly_where_the_full_one_is_larger():
    """isop with at most k cubes is None exactly when the irredundant sum has more than k cubes,
    and otherwise the same sum (random incompletely specified functions of 5 inputs)."""
    draw = np.random.default_rng(19)
    full = (1 << 32) - 1
    for _ in range(60):
        f, care = as_int(draw.random(32) < draw.random()), as_int(draw.random(32) < 0.9)
        lower, upper = f & care, (f | ~care) & full
        whole = isop(lower, upper, 5)
        for most in (0, max(0, len(whole) - 1), len(whole), len(whole) + 3):
            bounded = isop(lower, upper, 5, most)
            assert bounded == (None if len(whole) > most else whole)


def test_the_sampler_starts_from_the_constructed_circuit():
    """On a five-input, three-output function the constructed circuit fits the genotype; the
    sampled front's error-0 end is a correct circuit no larger than it."""
    draw = np.random.default_rng(17)
    bits = [draw.integers(0, 2, 32).astype(bool) for _ in range(3)]
    task = BooleanFunction(family="table", inputs=5, table=";".join(format_table(b) for b in bits))
    programs = load_programs("circuits:basis=aig")
    built = programs.correct_program(task)
    d = sample_diagram(task, programs, steps=500, chains=1, sampler="tempering", settle=False)
    last = d.steps[-1]
    assert last.wrong == 0 and programs.wrong_weight(task, last.witness) == 0
    assert last.complexity <= len(built)


def test_simple_decompositions_are_every_two_column_bound_set():
    """On random functions of 6 inputs built as G(h(B), rest) and on random ones: every triple
    (h, g₀, g₁) returned gives f = h ? g₁ : g₀ with h a function of its bound set alone and g₀, g₁
    functions of the rest; and the bound sets returned are exactly those (of 2 to |support| − 1
    variables) over which f's table has two distinct columns, by brute force over the rows."""
    from itertools import combinations

    from phasediag.programs.circuits.construction import cofactors, simple_decompositions

    m, full = 6, (1 << 64) - 1
    draw = np.random.default_rng(11)

    def depends(t: int, j: int) -> bool:
        low, high = cofactors(t, m, j)
        return low != high

    def two_columns(f: int, bound) -> bool:
        rest = [j for j in range(m) if j not in bound]
        columns = {tuple((f >> r) & 1 for r in range(64) if all((r >> (m - 1 - j)) & 1 == v for j, v in zip(bound, b)))
                   for b in np.ndindex(*(2,) * len(bound))}
        return len(columns) == 2 and len(rest) > 0

    for trial in range(12):
        bound = tuple(sorted(draw.choice(m, int(draw.integers(2, 4)), replace=False).tolist()))
        h = as_int(draw.integers(0, 2, 1 << len(bound)))
        hb = sum(1 << r for r in range(64) if (h >> int(''.join(str((r >> (m - 1 - j)) & 1) for j in bound), 2)) & 1)
        g0, g1 = (as_int(draw.integers(0, 2, 64)) for _ in range(2))
        for j in bound:  # g₀, g₁ free of the bound set
            g0 = cofactors(g0, m, j)[0]
            g1 = cofactors(g1, m, j)[0]
        f = (hb & g1) | (~hb & g0 & full) if trial % 3 else as_int(draw.integers(0, 2, 64))
        support = [j for j in range(m) if depends(f, j)]
        found = simple_decompositions(f, m, support)
        for th, t0, t1 in found:
            assert (th & t1) | (~th & t0 & full) == f
            on = [j for j in range(m) if depends(th, j)]
            assert not any(depends(t0, j) or depends(t1, j) for j in on)
        expected = {b for size in range(2, len(support)) for b in combinations(support, size) if two_columns(f, b)}
        got = {tuple(j for j in range(m) if depends(th, j)) for th, _, _ in found}
        assert got == expected, (trial, sorted(got), sorted(expected))
