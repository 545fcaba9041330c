"""Fan-in-2 Boolean circuits, counted in gates.

The package holds the circuit itself and its bases (:mod:`.circuit`), the sampler's moves on a
Cartesian-genetic-programming genotype (:mod:`.moves`), the exhaustive enumerator of small
functions (:mod:`.enumeration`), CP-SAT exact synthesis (:mod:`.synthesis`), constructive
synthesis of correct circuits with cut rewriting (:mod:`.construction`) and lower bounds from
cofactors (:mod:`.bounds`).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Sequence

import numba
import numpy as np

from ... import views
from ...errors import FileFormatError
from ...params import Param
from ...seeding import rng
from ...task import Task
from ...tasks.boolean import BooleanFunction, format_table
from ..base import ProgramClass
from .drawing import draw_circuit
from .circuit import BASES, OP_NAMES, OPS_BY_NAME, Basis, Circuit, ordered_gate, table_of
from .formats import CIRCUIT_FORMATS, write_circuit
from .enumeration import census, cost_table, costs_within, enumeration_diagram
from .bounds import cofactor_bound
from . import construction
from .construction import REWRITE_CELLS, TooLarge, synthesise, synthesise_rows
from .resynthesis import resynthesise
from .moves import CircuitKernel
from .synthesis import synthesis_diagram

__all__ = ["Circuits", "Circuit", "Basis", "BASES", "OP_NAMES", "census", "census_check", "cost_table", "draw_circuit",
           "MAX_TREE_ROWS"]

#: Most rows of a sparse encoding (a sample) on which a correct circuit is constructed: a decision
#: tree over N rows may need about 3N gates, each a table of N bits.
MAX_TREE_ROWS = 1 << 15


class Circuits(ProgramClass):
    """The ``circuits`` program class over one basis; complexity = number of gates."""

    name = "circuits"
    unit = "gates"
    parameters = (Param("basis", str, "b2", "gate basis", choices=tuple(BASES)),)
    exact_methods = MappingProxyType({"enumerate": enumeration_diagram, "cpsat": synthesis_diagram})
    capabilities = frozenset({"draw", "export"})
    export_formats = CIRCUIT_FORMATS

    def __init__(self, **values):
        super().__init__(**values)
        self.basis = BASES[self.params["basis"]]

    def fastest_exact(self, task: Task) -> str:
        """The enumerator where it settles every function (one output bit, up to 3 inputs, or 4
        in b2), else CP-SAT exact synthesis."""
        table = views.boolean_encoding(task)
        small = table.inputs <= 3 or (table.inputs == 4 and self.basis.name == "b2")
        return "enumerate" if table.outputs == 1 and small else "cpsat"

    def complexity(self, program: Circuit) -> int:
        return len(program)

    def sampler(self, task: Task, capacity: int | None = None) -> CircuitKernel:
        """The tempered sampler's moves: a CGP genotype of ``capacity`` gates, every replica
        starting from the constructed correct circuit where it fits (:meth:`correct_program`)."""
        kernel = CircuitKernel(task, self.basis, capacity, start=self.correct_program(task))
        if kernel.constructed is None:
            table = views.boolean_encoding(task)
            why = (f"a decision tree over more than {MAX_TREE_ROWS:,} rows is not built" if not table.dense else
                   f"its gates' truth tables of {table.rows:,} rows would take more than "
                   f"{construction.TABLE_BYTES / 2 ** 30:g} GiB")
            kernel.warning = (f"No correct circuit was constructed ({why}): the front's error-0 end is missing "
                              f"unless the sampler finds one.")
        return kernel

    def check(self, program: Circuit) -> None:
        """Raise ValueError unless every gate and output is allowed in this basis."""
        for op, a, b in program.gates:
            unary = op == 3 and a == b
            if not (op in self.basis.ops and a != b) and not (unary and self.basis.unary_not):
                raise ValueError(f"gate {OP_NAMES.get(op, op)} is not in basis {self.basis.name}")
        if any(program.negated) and not self.basis.free_complement:
            raise ValueError(f"basis {self.basis.name} has no free output negation")

    def wrong_weight(self, task: Task, program: Circuit) -> int:
        """Σ weight of the inputs whose label the circuit gets wrong (all output bits must match)."""
        table = views.boolean_encoding(task)
        if program.inputs != table.inputs or len(program.outputs) != table.outputs:
            raise ValueError(f"a circuit with {program.inputs} inputs and {len(program.outputs)} "
                             f"outputs does not fit {task.spec}")
        wrong = program.output_codes(table.columns) != table.target
        return int(table.weights[wrong].sum(dtype=object))

    def wrong_weights(self, task: Task, programs: Sequence[Circuit]) -> list[int]:
        """:meth:`wrong_weight` of each program."""
        return [self.wrong_weight(task, p) for p in programs]

    def correct_program(self, task: Task, deadline: float | None = None) -> Circuit | None:
        """A circuit right on every input of positive weight, by constructive synthesis and cut
        rewriting (:func:`.construction.synthesise`; on a sparse encoding, a decision tree over
        its rows, :func:`.construction.synthesise_rows`, up to :data:`MAX_TREE_ROWS` rows: its
        size and memory grow with the rows, so beyond it there is none), no other construction
        started nor rewriting done past ``deadline``; None where the first construction's node
        tables would exceed :data:`.construction.TABLE_BYTES` (a random function of 20 inputs).
        Built once per task (the first call's)."""
        table = views.boolean_encoding(task)
        if not table.dense and table.rows > MAX_TREE_ROWS:
            return None

        def build() -> Circuit:
            targets = [table_of((table.target >> (table.outputs - 1 - j)) & 1) for j in range(table.outputs)]
            if not table.dense:
                return synthesise_rows(targets, table.columns, self.basis, table_of(table.weights > 0),
                                       deadline=deadline)
            try:
                return synthesise(targets, table.inputs, self.basis, table_of(table.weights > 0), deadline=deadline)
            except TooLarge:
                return None

        return views.kept(task, f"correct {self.spec}", build)

    def resynthesised(self, task: Task, program: Circuit, deadline: float | None = None, seed: int = 0,
                      cores: int | None = None) -> Circuit:
        """``program`` (right on every input of positive weight) made smaller by
        :func:`.resynthesis.resynthesise` until ``deadline``, on the truth table's rows or a sparse
        encoding's, up to :data:`.construction.REWRITE_CELLS` gates × rows (it holds every node's
        value on every row); with a deadline, one walk per core of ``cores`` (default: as many as
        Numba may use, ``NUMBA_NUM_THREADS``)."""
        if not self.resynthesises(task, program):
            return program
        table = views.boolean_encoding(task)
        return resynthesise(program, self.basis, table.weights > 0, None if table.dense else table.columns,
                            deadline=deadline, seed=seed, walks=cores or numba.config.NUMBA_NUM_THREADS)

    def resynthesises(self, task: Task, program: Circuit) -> bool:
        return len(program) * views.boolean_encoding(task).rows <= REWRITE_CELLS

    def lower_bound(self, task: Task, wrong: int) -> int:
        """The four-input cofactor bound (:func:`.bounds.cofactor_bound`) at wrong weight ≤
        ``wrong`` (each wrong row weighs at least the least positive weight); 0 on a sparse
        encoding (a sample leaves nearly every cofactor unconstrained)."""
        table = views.boolean_encoding(task)
        care = table.weights > 0
        if not care.any() or not table.dense:
            return 0
        targets = np.array([(table.target >> (table.outputs - 1 - j)) & 1 for j in range(table.outputs)], dtype=bool)
        return cofactor_bound(targets, care, int(wrong) // int(table.weights[care].min()))

    def export(self, program: Circuit, path) -> None:
        """Write the circuit as AIGER (``.aag``, ``.aig``), Verilog (``.v``) or BLIF (``.blif``); see
        :mod:`.formats` (in AIGER an XOR is three ANDs)."""
        write_circuit(program, path)

    def draw(self, program: Circuit, path, title: str = ""):
        """Draw the circuit to ``path`` (see :func:`.drawing.draw_circuit`)."""
        return draw_circuit(program, path, title=title)

    def predict(self, task: Task, program: Circuit) -> np.ndarray:
        """The label index the circuit gives each input of ``task.table`` (−1, always wrong, where
        its outputs name no label)."""
        table = views.boolean_encoding(task)
        return table.labels_of(program.output_codes(table.columns)[table.input_rows])

    def serialise(self, program: Circuit, previous: Circuit | None = None) -> dict:
        """``{"inputs": m, "gates": [["XOR", "x1", "x2"], ...], "outputs": ["~g2"]}`` (whole
        circuits: they are small, so ``previous`` is not used)."""
        name = program.node_name
        return {
            "inputs": program.inputs,
            "gates": [[OP_NAMES[op], name(a)] + ([] if op == 3 else [name(b)]) for op, a, b in program.gates],
            "outputs": [("~" if neg else "") + name(node) for node, neg in zip(program.outputs, program.negated)],
        }

    def deserialise(self, obj: object, previous: Circuit | None = None) -> Circuit:
        """Inverse of :meth:`serialise`; a malformed circuit is a FileFormatError."""
        try:
            m = obj["inputs"]
            nodes = {f"x{j + 1}": j for j in range(m)}
            gates = []
            for i, gate in enumerate(obj["gates"]):
                op = OPS_BY_NAME[gate[0]]
                operands = [nodes[g] for g in gate[1:]]
                if len(operands) != (1 if op == 3 else 2):
                    raise ValueError(f"gate {gate} has the wrong number of operands")
                gates.append(ordered_gate(op, *(operands * 2)[:2]))
                nodes[f"g{i + 1}"] = m + i
            outputs, negated = [], []
            for text in obj["outputs"]:
                neg, node = text.startswith("~"), text.lstrip("~")
                outputs.append(-1 if node == "0" else nodes[node])
                negated.append(neg)
            circuit = Circuit(m, tuple(gates), tuple(outputs), tuple(negated))
            self.check(circuit)
            return circuit
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise FileFormatError(f"Not a valid {self.spec} witness: {obj!r} ({e}).") from None

    def describe(self, program: Circuit) -> list[str]:
        """Readable lines, one per gate then one per output."""
        return program.lines()


def census_check(inputs: int = 4, basis: str = "b2", *, sample: int = 8, seed: int = 0,
                 workers: int = 2) -> list[tuple[int, int, int, int]]:
    """Cross-check the census by CP-SAT: for ``sample`` seeded (function, k) pairs, the least
    circuit size within k wrong rows by enumeration and by exact synthesis. Returns
    ``(truth table, k, enumerated, CP-SAT)`` tuples; they agree when the two are equal."""
    within = costs_within(inputs, basis)
    rows = 1 << inputs
    draw = rng(seed)
    out = []
    for _ in range(sample):
        f = int(draw.integers(0, 1 << rows))
        k = int(draw.integers(0, rows // 2 + 1))
        bits = np.array([(f >> r) & 1 for r in range(rows)], dtype=bool)
        task = BooleanFunction(family="table", inputs=inputs, table=format_table(bits))
        by_cpsat = synthesis_diagram(task, Circuits(basis=basis), eps=[k / rows], workers=workers, seed=seed)
        if not by_cpsat.complete:  # no time limit: only Ctrl-C stops a walk short, and half a check says nothing
            raise KeyboardInterrupt
        out.append((f, k, int(within[k][f]), by_cpsat.steps[-1].complexity))
    return out
