"""Circuits: the enumerator, CP-SAT exact synthesis, Boolean tasks and witnesses."""

import itertools
import json

import numpy as np
import pytest

from phasediag import views
from phasediag.errors import FileFormatError, ParameterError
from phasediag.io import diagram_from_json, diagram_to_json
from phasediag.methods import census, cost_table, enumeration_diagram, exact_diagram, synthesis_diagram
from phasediag.programs.circuits import census_check
from phasediag.programs import Circuit, load_programs
from phasediag.tables import TaskTable
from phasediag.task import Task
from phasediag.tasks import load_task
from phasediag.tasks.boolean import BooleanFunction, format_table, parse_table

#: Knuth, TAOCP 7.1.2: four-input functions by least b2 cost (cost 0: constants and literals).
KNUTH_4 = [10, 60, 456, 2474, 10624, 24184, 25008, 2720]


@pytest.fixture(scope="module")
def circuits():
    return load_programs("circuits")


def table_task(bits) -> BooleanFunction:
    return BooleanFunction(family="table", inputs=int(np.log2(len(bits))), table=format_table(np.asarray(bits, bool)))


def truth(circuit: Circuit) -> int:
    return sum(1 << r for r, v in enumerate(circuit.output_tables()[0]) if v)


def resimulated_wrong(task, programs, circuit) -> int:
    """Wrong inputs by running the circuit on every listed input, independent of wrong_weight."""
    table = task.table
    bits = max(1, (len(task.alphabet) - 1).bit_length())
    wrong = 0
    outputs = circuit.output_tables()
    for codes, label, weight in zip(table.codes, table.labels, table.weights):
        row = 0
        for c in codes:
            row = (row << bits) | int(c)
        code = 0
        for out in outputs:
            code = (code << 1) | int(out[row])
        wrong += int(weight) * (code != label)
    return wrong


def test_bit_parallel_outputs_equal_row_by_row_values():
    """Circuit nodes and outputs evaluated bit-parallel (64 rows to a word, outputs in chunks of
    rows) equal each node's values computed row array by row array, with the padding bits 0, on
    the truth table and on sampled rows (more than one chunk), for random circuits of every gate,
    NOT, constant and negated outputs."""
    from phasediag.programs.circuits.circuit import OUTPUT_CHUNK, packed_words
    draw = np.random.default_rng(23)
    for _ in range(200):
        m, n = int(draw.integers(1, 9)), int(draw.integers(0, 25))
        gates = []
        for i in range(n):
            a = int(draw.integers(0, m + i))
            op = int(draw.integers(0, 16))
            gates.append((op, a, a if op == 3 else int(draw.integers(a, m + i))))
        k = int(draw.integers(1, 4))
        circuit = Circuit(m, tuple(gates), tuple(int(draw.integers(-1, m + n)) for _ in range(k)),
                          tuple(bool(draw.integers(2)) for _ in range(k)))
        rows = int(draw.choice([0, 7, OUTPUT_CHUNK + 5]))
        for columns in (None, draw.integers(0, 2, (m, rows)).astype(np.uint8)):
            values = circuit.node_tables(columns)
            expected = [(values[o] if o >= 0 else np.zeros(values.shape[1], bool)) ^ neg
                        for o, neg in zip(circuit.outputs, circuit.negated)]
            assert np.array_equal(circuit.output_tables(columns), np.array(expected))
            assert np.array_equal(circuit.node_words(columns), packed_words(values))


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_a_cost_table_kept_on_disk_reads_back_as_enumerated(tmp_path, monkeypatch, basis):
    """The enumerated table is written to the cache folder, read back equal (every array, every
    witness), and a damaged file is enumerated afresh."""
    from phasediag.programs.circuits.enumeration import _enumerated, stored_table_path
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    enumerated = _enumerated(3, basis, None)
    uncached = cost_table.__wrapped__
    path = stored_table_path(3, basis, None)
    for damage in (False, False, True):
        if damage:
            path.write_bytes(b"not a table")
        table = uncached(3, basis)
        assert path.parent == tmp_path / "phasediag" and path.exists()
        for name in ("lower", "upper", "_chains", "_source", "_via", "_recipe", "_map_rows"):
            assert np.array_equal(getattr(table, name), getattr(enumerated, name))
        assert (table.exhaustive_depth, table.leaves) == (enumerated.exhaustive_depth, enumerated.leaves)
        assert all(table.witness(f) == enumerated.witness(f) for f in range(256))


def test_knuth_census_of_four_input_functions():
    counts = census(4)
    assert counts[0] == KNUTH_4
    assert all(sum(v) == 65536 for v in counts.values())
    # more slack never costs more: the distribution shifts to cheaper circuits as k grows
    for k in range(16):
        cum_k = np.cumsum(counts[k])
        cum_next = np.cumsum(counts[k + 1] + [0] * (len(counts[k]) - len(counts[k + 1])))
        assert (cum_next[: len(cum_k)] >= cum_k).all()
    assert counts[8] == [65536] + [0] * (len(counts[8]) - 1)  # 8 wrong rows: a constant suffices


def test_small_censuses_count_every_function_and_match_closed_forms():
    assert census(1)[0] == [4]  # 0, 1, x, ~x
    assert census(2)[0] == [6, 10]  # constants and literals; the 10 other functions are one gate
    for m in (1, 2, 3):
        assert sum(census(m)[0]) == 2 ** 2**m


def test_every_four_input_witness_computes_its_function_at_its_cost():
    table = cost_table(4)
    assert table.exact
    rng = np.random.default_rng(7)
    sample = set(rng.integers(0, 65536, 1500).tolist()) | {0, 0xFFFF, 0x6996, 0x00FF, 0x0017, 0x177F}
    for f in sample:
        w = table.witness(f)
        assert truth(w) == f and len(w) == table.upper[f]


def test_enumeration_equals_cpsat_on_every_three_input_function(circuits):
    for f in range(256):
        task = BooleanFunction(family="table", inputs=3, table=f"0x{f:02x}")
        by_enum = [(s.complexity, s.wrong) for s in enumeration_diagram(task, circuits).steps]
        by_cpsat = [(s.complexity, s.wrong) for s in synthesis_diagram(task, circuits).steps]
        assert by_enum == by_cpsat, hex(f)


def test_enumeration_equals_cpsat_on_seeded_four_input_functions(circuits):
    rng = np.random.default_rng(3)
    for _ in range(5):
        task = table_task(rng.integers(0, 2, 16))
        by_enum = enumeration_diagram(task, circuits, max_complexity=5)
        by_cpsat = synthesis_diagram(task, circuits, max_complexity=5)
        assert [(s.complexity, s.wrong) for s in by_enum.steps] == [(s.complexity, s.wrong) for s in by_cpsat.steps]
        for s in by_enum.steps + by_cpsat.steps:
            assert s.status == "optimal" and resimulated_wrong(task, circuits, s.witness) == s.wrong


def test_cofactor_cuts_keep_every_five_input_front(circuits, monkeypatch):
    """The model's cofactor cuts (at least C_k(f|S) gates stay on each four-input cofactor) only
    cut circuits that cannot exist: on five-input functions of random chains of four gates (each
    reading the one before), the front with them equals the front without them, every step
    proved and re-simulated."""
    from phasediag.programs.circuits import synthesis

    draw = np.random.default_rng(8)
    sizes, on = [], synthesis.MAX_RESTRICTED_INPUTS
    for _ in range(4):
        gates = [(int(draw.choice([2, 4, 6, 8, 14])), int(draw.integers(0, 4 + i)), 4 + i) for i in range(4)]
        task = table_task(Circuit(5, tuple(gates), (8,), (False,)).output_tables()[0])
        fronts = []
        for restricted in (on, 0):
            monkeypatch.setattr(synthesis, "MAX_RESTRICTED_INPUTS", restricted)
            d = synthesis_diagram(task, circuits)
            assert d.complete and d.all_optimal
            assert all(resimulated_wrong(task, circuits, s.witness) == s.wrong for s in d.steps)
            fronts.append([(s.complexity, s.wrong) for s in d.steps])
        assert fronts[0] == fronts[1]
        sizes.append(fronts[0][-1][0])
    assert max(sizes) >= 3  # not only trivial functions


def test_census_cross_check_by_cpsat_at_several_budgets():
    checks = census_check(4, sample=6, seed=11)
    assert len({k for _, k, _, _ in checks}) > 1
    assert all(a == b for _, _, a, b in checks)


@pytest.mark.parametrize("basis", ["aig", "and-or-not"])
def test_other_bases_enumeration_equals_cpsat(basis):
    programs = load_programs(f"circuits:basis={basis}")
    for spec in ("boolean:family=parity,inputs=3", "boolean:family=majority,inputs=3",
                 "boolean:family=multiplexer,inputs=3", "boolean:table=0x96,inputs=3"):
        task = load_task(spec)
        by_enum = enumeration_diagram(task, programs)
        by_cpsat = synthesis_diagram(task, programs)
        assert [(s.complexity, s.wrong) for s in by_enum.steps] == [(s.complexity, s.wrong) for s in by_cpsat.steps]
        for s in by_enum.steps + by_cpsat.steps:
            programs.check(s.witness)
            assert resimulated_wrong(task, programs, s.witness) == s.wrong


@pytest.mark.parametrize("basis", ["b2", "aig", "and-or-not"])
def test_every_function_of_one_and_two_inputs_enumeration_equals_cpsat(basis):
    """The whole front of every one- and two-input function, by the enumerator and by CP-SAT,
    with witnesses of the basis that re-evaluate to their error. Without free complements the
    constant 1 is x + x̄ (two gates): the enumerator once priced it at 0 (with a witness the
    basis cannot hold) and CP-SAT forbade it (its front never reached error 0)."""
    programs = load_programs(f"circuits:basis={basis}")
    for m in (1, 2):
        for f in range(1 << (1 << m)):
            task = load_task(f"boolean:table=0b{f:0{1 << m}b},inputs={m}")
            fronts = [enumeration_diagram(task, programs), synthesis_diagram(task, programs)]
            assert [(s.complexity, s.wrong) for s in fronts[0].steps] == [(s.complexity, s.wrong) for s in fronts[1].steps]
            for s in fronts[0].steps + fronts[1].steps:
                programs.check(s.witness)
                assert resimulated_wrong(task, programs, s.witness) == s.wrong
            if f == (1 << (1 << m)) - 1 and basis == "and-or-not":
                assert fronts[0].steps[-1].complexity == 2
    # several outputs, one of them 1 everywhere: x1, 1, 0 costs the two gates of x1 + x̄1
    task = load_task("boolean:table=0b10;0b11;0b00,inputs=1")
    ends = synthesis_diagram(task, programs).steps[-1]
    assert (ends.complexity, ends.wrong) == ((2, 0) if basis == "and-or-not" else (0, 0))


def test_basis_costs_are_ordered():
    """Fewer gate types never make a function cheaper: b2 ≤ aig (a subset of b2, same free
    negations), and parity of three inputs is 2 XORs in b2 but needs ANDs in aig."""
    b2, aig = cost_table(3, "b2"), cost_table(3, "aig")
    assert (b2.upper <= aig.upper).all()
    parity = 0b10010110
    assert b2.upper[parity] == 2 and aig.upper[parity] > 2


def test_closed_form_fronts(circuits):
    parity = exact_diagram(load_task("boolean:family=parity,inputs=4"), circuits)
    assert [(s.complexity, s.wrong) for s in parity.steps] == [(0, 8), (3, 0)]  # 3 XORs; nothing in between
    mux = exact_diagram(load_task("boolean:family=multiplexer,inputs=3"), circuits)
    assert mux.steps[-1].complexity == 3 and mux.steps[-1].wrong == 0


def test_prefix_sorting_as_circuits_with_dont_care_rows(circuits):
    task = load_task("prefix-sorting:n=3,length=2")
    table = views.boolean_encoding(task)
    assert (table.inputs, table.outputs) == (4, 1)
    assert int((table.weights > 0).sum()) == 9  # letters as 2 bits: codes 3 encode no input
    d = exact_diagram(task, circuits)
    assert d.method.name == "enumerate" and d.steps[-1].wrong == 0
    cp = synthesis_diagram(task, circuits)
    assert [(s.complexity, s.wrong) for s in d.steps] == [(s.complexity, s.wrong) for s in cp.steps]
    for s in d.steps:
        assert resimulated_wrong(task, circuits, s.witness) == s.wrong
        assert (circuits.predict(task, s.witness) != task.table.labels).sum() == s.wrong


class _ThreeLabels(Task):
    """A test task with three labels (two output bits): the label of a 3-bit string is its
    number of ones, capped at 2."""

    family = "three-labels"
    description = "test"
    parameters = ()
    natural_programs = "circuits"
    labels = ("0", "1", "2")
    alphabet = ("0", "1")
    n_inputs = total_weight = 8

    def _list_inputs(self) -> TaskTable:
        codes = np.array(list(itertools.product((0, 1), repeat=3)), dtype=np.int16)
        return TaskTable(codes, np.minimum(codes.sum(axis=1), 2).astype(np.int64), np.ones(8, np.int64))


def test_multi_output_synthesis(circuits):
    task = _ThreeLabels()
    assert views.boolean_encoding(task).outputs == 2
    d = exact_diagram(task, circuits)
    assert d.method.name == "cpsat" and d.all_optimal and d.steps[-1].wrong == 0
    for s in d.steps:
        assert len(s.witness.outputs) == 2
        assert resimulated_wrong(task, circuits, s.witness) == s.wrong
    # lower bound by hand: bit 1 of min(ones, 2) is "at least two ones" (majority: 4 gates in b2
    # at most) and bit 0 is "exactly one one"; a 0-gate circuit outputs literals/constants only
    assert d.steps[0].complexity == 0
    with pytest.raises(ParameterError, match="one output bit"):
        enumeration_diagram(task, circuits)


def test_witness_file_round_trip(circuits):
    task = load_task("boolean:family=majority,inputs=3")
    d = exact_diagram(task, load_programs("circuits:basis=aig"))
    obj = json.loads(json.dumps(diagram_to_json(d)))
    assert obj["programs"] == {"class": "circuits", "spec": "circuits:basis=aig", "parameters": {"basis": "aig"}}
    assert obj["steps"][-1]["witness"]["gates"][0][0] in {"AND", "ANDNOT", "NOTAND", "NOR", "OR", "NAND", "ORNOT", "NOTOR"}
    back = diagram_from_json(obj)
    assert back.programs == "circuits:basis=aig"
    assert [s.witness for s in back.steps] == [s.witness for s in d.steps]
    broken = json.loads(json.dumps(obj))
    broken["steps"][-1]["witness"]["gates"][0][0] = "XOR"  # not an aig gate
    with pytest.raises(FileFormatError, match="not in basis aig"):
        diagram_from_json(broken)


def test_truth_tables_read_as_in_knuth():
    # x1 = 0x00ff and x4 = 0x5555 with four inputs; the hex string lists f(0000) first
    assert load_task("boolean:table=0x00ff,inputs=4").truth_table.tolist() == [0] * 8 + [1] * 8
    assert load_task("boolean:table=0x5555,inputs=4").truth_table.tolist() == [0, 1] * 8
    bits = np.random.default_rng(0).integers(0, 2, 32).astype(bool)
    assert (parse_table(format_table(bits), 5) == bits).all()
    assert load_task("boolean:table=0xF,inputs=2").spec == "boolean:family=table,inputs=2,table=0xf"


@pytest.mark.parametrize("spec, message", [
    ("boolean:table=0x1ffff,inputs=4", "does not fit inputs=4"),
    ("boolean:table=12,inputs=4", "0x<hex>"),
    ("boolean:family=multiplexer,inputs=4", "s \\+ 2\\^s"),
    ("boolean:family=parity,table=0x6", "applies only with family=table"),
])
def test_bad_boolean_specs(spec, message):
    with pytest.raises(ParameterError, match=message):
        load_task(spec)


def test_sizes_beyond_a_method_are_refused_with_what_to_use(circuits):
    with pytest.raises(ParameterError, match="Use --method cpsat"):
        enumeration_diagram(load_task("boolean:family=parity,inputs=5"), circuits)
    with pytest.raises(ParameterError, match="at most 8 inputs"):
        synthesis_diagram(load_task("boolean:family=parity,inputs=9"), circuits)
    with pytest.raises(ParameterError, match="Unknown program class"):
        load_programs("gates")
    with pytest.raises(ParameterError, match="basis"):
        load_programs("circuits:basis=nand")


def test_a_walk_stopped_in_time_says_what_it_proved(circuits):
    """Stopped after 2 s, a walk is incomplete and says which size was being searched, with the
    proved lower bound that every smaller size gives; the constructed circuit closes the front at
    error 0, labelled with the larger of that bound and the cofactor bound. Parity of 8 bits:
    seven XORs, proved optimal by gate elimination (three for parity of four, one per input
    fixed); a random seven-input function: bounds below its size."""
    parity = load_task("boolean:family=parity,inputs=8")
    d = synthesis_diagram(parity, circuits, time_limit=2)
    assert not d.complete and [(s.complexity, s.status) for s in d.steps] == [(0, "optimal"), (7, "optimal")]
    task = load_task("boolean:family=random,inputs=7,seed=1")
    d = synthesis_diagram(task, circuits, time_limit=2)
    assert not d.complete
    (warning,) = d.diagnostics["warnings"]
    searched = d.diagnostics["largest_model_gates"]
    assert f"C(ε) ≥ {searched}" in warning and searched >= 1
    last = d.steps[-1]
    assert last.wrong == 0 and circuits.wrong_weight(task, last.witness) == 0
    assert last.status == "bounds" and searched <= last.lower_bound < last.complexity


def test_a_walk_stopped_by_ctrl_c_is_closed_at_error_0(circuits, monkeypatch, ctrl_c_at):
    """Ctrl-C (raised from the progress callback after the second step) keeps the proved steps,
    which are the enumerator's, and closes the front at error 0 as a time limit does: a circuit
    that simulates to the truth table, with a lower bound no larger than the least correct circuit
    the enumerator finds. A second Ctrl-C while that circuit is built leaves the front as found."""
    task = load_task("boolean:family=random,inputs=4,seed=7")
    truth_front = [(s.complexity, s.wrong) for s in enumeration_diagram(task, circuits).steps]
    d = synthesis_diagram(task, circuits, progress=ctrl_c_at(2))
    *found, last = d.steps
    assert not d.complete and len(found) == 2 and all(s.status == "optimal" for s in found)
    assert [(s.complexity, s.wrong) for s in found] == truth_front[:2]
    assert last.wrong == 0 and resimulated_wrong(task, circuits, last.witness) == 0
    least = truth_front[-1][0]
    assert last.complexity >= least and (last.lower_bound or last.complexity) <= least

    def interrupted(self, task):
        raise KeyboardInterrupt

    monkeypatch.setattr(type(circuits), "correct_program", interrupted)
    d = synthesis_diagram(task, circuits, progress=ctrl_c_at(2))
    assert not d.complete and [(s.complexity, s.wrong) for s in d.steps] == truth_front[:2]


def _crosses(p, q, box) -> bool:
    """Whether segment pq enters the open rectangle ``box`` = (x0, y0, x1, y1) (Liang–Barsky)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, start in ((dx, x0, x1, p[0]), (dy, y0, y1, p[1])):
        if d == 0:
            if not lo < start < hi:
                return False
            continue
        a, b = (lo - start) / d, (hi - start) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
    return t0 < t1


@pytest.mark.parametrize("spec, programs", [
    ("boolean:family=majority,inputs=4", "circuits"), ("prefix-sorting:n=2,length=5", "circuits"),
    ("boolean:family=multiplexer,inputs=3", "circuits:basis=aig"), ("boolean:table=0x8ff0,inputs=4", "circuits:basis=and-or-not"),
])
def test_circuit_drawings_read_one_way(spec, programs):
    """Inputs in order in the first column, outputs in the last, and no wire through a box."""
    from phasediag.programs.circuits.drawing import HEIGHT, WIDTH, circuit_layout

    assert _crosses((-1, 0), (1, 0.1), (-0.5, -0.5, 0.5, 0.5)) and not _crosses((-1, 1), (1, 1), (-0.5, -0.5, 0.5, 0.5))
    d = exact_diagram(load_task(spec), load_programs(programs), max_complexity=7)
    for step in d.steps:
        layout = circuit_layout(step.witness)
        inputs = [layout.boxes[f"x{j + 1}"] for j in range(step.witness.inputs)]
        assert all(x == 0 for x, _, _ in inputs) and [y for _, y, _ in inputs] == sorted((y for _, y, _ in inputs), reverse=True)
        outputs = [b for name, b in layout.boxes.items() if name.startswith("y")]
        assert {x for x, _, _ in outputs} == {max(x for x, _, _ in layout.boxes.values())}
        shrink = 1e-6
        for source, target, points, _, _ in layout.wires:
            for name, (x, y, _) in layout.boxes.items():
                box = (x - WIDTH / 2 + shrink, y - HEIGHT / 2 + shrink, x + WIDTH / 2 - shrink, y + HEIGHT / 2 - shrink)
                for p, q in zip(points, points[1:]):
                    assert not _crosses(p, q, box), (step.complexity, source, target, name)
