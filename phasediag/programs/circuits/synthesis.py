"""Exact circuit synthesis with an error budget, by OR-tools CP-SAT.

For r = 0, 1, 2, ... one model with exactly r gates minimises the weighted error Σ_t w_t·[row t
wrong] subject to improving on every smaller r; each improvement is a step of the front, and
C(ε) = r for the errors between. Given error targets ε only, each model is a feasibility
question instead (a circuit of r gates with error ≤ ε?), asked for r = 0, 1, ... until yes. The model is the standard exact-synthesis encoding:

- gate i (node m+i) reads nodes a_i < b_i (one-hot selectors; a NOT gate reads a_i = b_i), and
  applies a gate function given by its truth-table bits. With free complements (b2, aig) every
  gate is normal, f(0, 0) = 0, leaving the bits f(0,1), f(1,0), f(1,1): AND, AND-NOT, NOT-AND,
  OR, and XOR in b2 — each with its complement, which the reader absorbs;
- one value per gate and row (only rows of positive weight: the others are don't-cares), tied
  to the operands' values by clauses;
- one output per label bit: a node (for one output: the last gate), complemented for free in
  b2 and aig; a row is wrong exactly when some output bit is off.

Cofactor cuts (up to 5 inputs): fixing all inputs but four, the gates that are not constant or
equal to a node (or its complement) on the cofactor's rows number at least C_k of the cofactor,
k its wrong plus don't-care rows, read from the exact four-input table (:mod:`.bounds`).

Symmetry breaking: ordered operands; every gate is read (a circuit with an unread gate has a
smaller one that does as well); consecutive gates i, i+1 with gate i+1 not reading gate i have
(a_i, b_i) ≤ (a_{i+1}, b_{i+1}) lexicographically. Warm starts: the previous step's gates and
any circuits given as ``hints``. Anytime: under ``time_limit`` the step in progress keeps its
best circuit, with CP-SAT's proved bounds.
"""

from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np
from ortools.sat.python import cp_model

from ... import views
from ...diagram import PhaseDiagram
from ...errors import ParameterError
from ...front import Progress, require_method, size_walk
from ...tables import input_bits
from .circuit import Circuit
from .enumeration import costs_within

__all__ = ["synthesis_diagram", "SynthesisModel", "MAX_INPUTS"]

#: Most inputs exact synthesis takes (256 rows).
MAX_INPUTS = 8
#: Most inputs whose four-input cofactors the model constrains (5 inputs: 10 cofactors; at 6, 60
#: cofactors slowed the walk more than they cut: fewer steps proved in 30 s).
MAX_RESTRICTED_INPUTS = 5

# Allowed gate-function bits per basis: (f01, f10, f11) for normal gates, else (f00, f01, f10, f11).
_NORMAL = {"b2": [(0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 0), (1, 1, 1)],
           "aig": [(0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 1)]}
_AND_OR_NOT = [(0, 0, 0, 1), (0, 1, 1, 1), (1, 1, 0, 0)]


class SynthesisModel:
    """The CP-SAT model of circuits with exactly ``gates`` gates on a task's Boolean table,
    minimising the wrong weight ``wrong`` (or, with ``minimise=False``, a feasibility model)."""

    def __init__(self, task, programs, gates: int, minimise: bool = True):
        table = views.boolean_encoding(task)
        basis = programs.basis
        self.m, self.r = m, r = table.inputs, gates
        k = table.outputs
        self.basis, self.programs = basis, programs
        rows = np.flatnonzero(table.weights > 0)
        self.model = model = cp_model.CpModel()
        n = m + r
        # values: inputs are constants per row, gates are variables
        value = [[bool(x) for x in bits[rows]] for bits in input_bits(m)]
        self.sel_a, self.sel_b, self.bits = [], [], []
        for i in range(r):
            node = m + i
            sa = [model.new_bool_var(f"a{i}_{j}") for j in range(node)]
            sb = [model.new_bool_var(f"b{i}_{j}") for j in range(node)]
            model.add_exactly_one(sa)
            model.add_exactly_one(sb)
            a_idx = sum(j * s for j, s in enumerate(sa))
            b_idx = sum(j * s for j, s in enumerate(sb))
            if basis.free_complement:
                bits = [model.new_bool_var(f"f{i}_{uv}") for uv in ("01", "10", "11")]
                model.add_allowed_assignments(bits, _NORMAL[basis.name])
                f = {(0, 0): False, (0, 1): bits[0], (1, 0): bits[1], (1, 1): bits[2]}
                model.add(a_idx < b_idx)
            else:
                bits = [model.new_bool_var(f"f{i}_{uv}") for uv in ("00", "01", "10", "11")]
                model.add_allowed_assignments(bits, _AND_OR_NOT)
                f = {(0, 0): bits[0], (0, 1): bits[1], (1, 0): bits[2], (1, 1): bits[3]}
                model.add(a_idx == b_idx).only_enforce_if(bits[0])  # NOT reads one node
                model.add(a_idx < b_idx).only_enforce_if(~bits[0])
            self.sel_a.append(sa)
            self.sel_b.append(sb)
            self.bits.append(bits)
            gate_values = []
            for t_i in range(len(rows)):
                x = model.new_bool_var(f"x{i}_{t_i}")
                ins = []
                for sel in (sa, sb):
                    v = model.new_bool_var("")
                    for j, s in enumerate(sel):
                        _tie(model, s, v, value[j][t_i])
                    ins.append(v)
                for u in (0, 1):
                    for w in (0, 1):
                        guard = [ins[0] if u == 0 else ~ins[0], ins[1] if w == 0 else ~ins[1]]
                        fu = f[(u, w)]
                        if fu is False:
                            model.add_bool_or(guard + [~x])
                        else:
                            model.add_bool_or(guard + [~x, fu])
                            model.add_bool_or(guard + [x, ~fu])
                gate_values.append(x)
            value.append(gate_values)
        readers = [[self.sel_a[l][m + i] for l in range(i + 1, r)] + [self.sel_b[l][m + i] for l in range(i + 1, r)]
                   for i in range(r)]
        # no gate repeats a constant, an input or an earlier gate on the rows that count (else
        # a smaller circuit does as well); with free complements, nor their complements. Without
        # them the last gate may be the constant 1 (x + x̄), the only way an output is 1
        # everywhere: no gate reads a constant-1 gate usefully, so it can always be put last
        polarities = (True, False) if basis.free_complement else (True,)
        one = model.new_bool_var("one") if r and not basis.free_complement else None  # the last gate is 1
        differs = {}  # (l, i) → per row, gate l's value differs from gate i's
        for i in range(r):
            x = value[m + i]
            model.add_bool_or(x)  # not constant 0
            if one is not None and i == r - 1:
                model.add_bool_and(x).only_enforce_if(one)
                model.add_bool_or([~v for v in x]).only_enforce_if(~one)
            else:
                model.add_bool_or([~v for v in x])  # not constant 1
            for same in polarities:
                for j in range(m):
                    model.add_bool_or([~v if value[j][t] == same else v for t, v in enumerate(x)])
            for l in range(i):
                differ = [model.new_bool_var("") for _ in rows]
                for d, u, v in zip(differ, value[m + l], x):
                    model.add_bool_xor([d, u, v, True])  # d = u XOR v
                model.add_bool_or(differ)
                if basis.free_complement:
                    model.add_bool_or([~d for d in differ])
                differs[l, i] = differ
        for i in range(r - 1):  # consecutive gates in colex order unless the later reads the earlier
            key = [sum(j * s for j, s in enumerate(sel)) for sel in (self.sel_a[i], self.sel_b[i])]
            nxt = [sum(j * s for j, s in enumerate(sel)) for sel in (self.sel_a[i + 1], self.sel_b[i + 1])]
            reads = self.sel_b[i + 1][m + i]
            unless = [~reads] + ([~one] if one is not None and i + 1 == r - 1 else [])
            model.add(key[0] * n + key[1] <= nxt[0] * n + nxt[1]).only_enforce_if(unless)
        # outputs
        self.out_sel, self.out_neg = [], []
        weights = table.weights[rows]
        wrong = [model.new_bool_var(f"wrong{t}") for t in range(len(rows))]
        mismatches = [[] for _ in rows]  # per row, an output bit is off
        for j in range(k):
            if k == 1 and r > 0:
                choices = [m + r - 1]
            else:
                choices = list(range(-1, n))
            sel = [model.new_bool_var(f"o{j}_{c}") for c in choices]
            model.add_exactly_one(sel)
            neg = model.new_bool_var(f"neg{j}")
            if not basis.free_complement:
                model.add(neg == 0)
            self.out_sel.append(dict(zip(choices, sel)))
            self.out_neg.append(neg)
            want = (table.target[rows] >> (k - 1 - j)) & 1
            for t_i in range(len(rows)):
                y = model.new_bool_var("")
                for c, s in zip(choices, sel):
                    _tie_xor(model, s, y, False if c < 0 else value[c][t_i], neg)
                model.add_bool_or([y if want[t_i] else ~y, wrong[t_i]])
                mismatches[t_i].append(~y if want[t_i] else y)
        for row_wrong, off in zip(wrong, mismatches):  # a row is wrong exactly when a bit is off
            model.add_bool_or([~row_wrong, *off])
        for i in range(r):  # every gate is read by a later gate or an output
            outs = [self.out_sel[j][m + i] for j in range(k) if m + i in self.out_sel[j]]
            model.add_bool_or(readers[i] + outs)
        if m <= MAX_RESTRICTED_INPUTS:
            self._restrict(table, rows, value, differs, wrong)
        self.wrong = sum(int(w) * x for w, x in zip(weights, wrong))
        if minimise:
            model.minimize(self.wrong)

    def _restrict(self, table, rows, value, differs, wrong) -> None:
        """Cofactor cuts (:mod:`.bounds`, inside the model): fixing every input but four, a gate
        equal on the cofactor's care rows to a constant, a free input or an earlier gate (or a
        complement) can go, so the other gates number at least C_k of each output's cofactor,
        k = the wrong rows there plus its don't-care rows (one constraint per cofactor)."""
        model, m, r = self.model, self.m, self.r
        within = costs_within(4, "b2")
        position = {int(t): i for i, t in enumerate(rows)}
        outputs = [(table.target >> (table.outputs - 1 - j)) & 1 for j in range(table.outputs)]
        for kept in itertools.combinations(range(m), 4):
            fixed = [j for j in range(m) if j not in kept]
            for assignment in range(1 << len(fixed)):
                cube = [sum(((assignment >> (len(fixed) - 1 - q)) & 1) << (m - 1 - j) for q, j in enumerate(fixed))
                        + sum(((c >> (3 - q)) & 1) << (m - 1 - j) for q, j in enumerate(kept)) for c in range(16)]
                here = [position[t] for t in cube if t in position]
                cofactors = [sum(int(target[t]) << c for c, t in enumerate(cube)) for target in outputs]
                needs = [[int(within[min(w + 16 - len(here), 16)][f]) for w in range(len(here) + 1)]
                         for f in cofactors]
                if not here or max(max(n) for n in needs) == 0:
                    continue
                live = []
                for i in range(r):
                    keep = model.new_bool_var("")
                    x = [value[m + i][t] for t in here]
                    candidates = [[v for v in x], [~v for v in x]]  # constants 0 and 1
                    for j in kept:
                        candidates.append([~v if value[j][t] else v for v, t in zip(x, here)])
                        candidates.append([v if value[j][t] else ~v for v, t in zip(x, here)])
                    for l in range(i):
                        d = [differs[l, i][t] for t in here]
                        candidates += [d, [~v for v in d]]
                    for differ in candidates:
                        model.add_bool_or([~keep, *differ])
                    live.append(keep)
                wrong_here = model.new_int_var(0, len(here), "")
                model.add(wrong_here == sum(wrong[t] for t in here))
                for need in needs:
                    least = model.new_int_var(0, max(need), "")
                    model.add_element(wrong_here, need, least)
                    model.add(sum(live) >= least)

    def decode(self, solver: cp_model.CpSolver) -> Circuit:
        m = self.m
        gates = []
        for i in range(self.r):
            a = next(j for j, s in enumerate(self.sel_a[i]) if solver.value(s))
            b = next(j for j, s in enumerate(self.sel_b[i]) if solver.value(s))
            bits = [int(solver.value(x)) for x in self.bits[i]]
            if self.basis.free_complement:
                op = bits[0] << 1 | bits[1] << 2 | bits[2] << 3
            else:
                op = bits[0] | bits[1] << 1 | bits[2] << 2 | bits[3] << 3
            gates.append((op, a, b))
        outputs = [next(c for c, s in sel.items() if solver.value(s)) for sel in self.out_sel]
        negated = [bool(solver.value(v)) for v in self.out_neg]
        circuit = Circuit(m, tuple(gates), tuple(outputs), tuple(negated))
        self.programs.check(circuit)
        return circuit

    def hint(self, circuit: Circuit) -> None:
        """Warm start from the operands of ``circuit``'s gates (as many as fit)."""
        self.model.clear_hints()
        for i, (_op, a, b) in enumerate(circuit.gates[: self.r]):
            for sel, chosen in ((self.sel_a[i], a), (self.sel_b[i], b)):
                for j, s in enumerate(sel):
                    self.model.add_hint(s, j == chosen)


def _tie(model: cp_model.CpModel, sel, v, x) -> None:
    """sel ⇒ (v = x); x a literal or a constant."""
    if isinstance(x, bool):
        model.add_bool_or([~sel, v if x else ~v])
    else:
        model.add_bool_or([~sel, ~v, x])
        model.add_bool_or([~sel, v, ~x])


def _tie_xor(model: cp_model.CpModel, sel, y, x, neg) -> None:
    """sel ⇒ (y = x XOR neg); x a literal or a constant."""
    if isinstance(x, bool):
        model.add_bool_or([~sel, ~y, neg] if not x else [~sel, ~y, ~neg])
        model.add_bool_or([~sel, y, ~neg] if not x else [~sel, y, neg])
        return
    model.add_bool_or([~sel, ~y, x, neg])
    model.add_bool_or([~sel, ~y, ~x, ~neg])
    model.add_bool_or([~sel, y, ~x, neg])
    model.add_bool_or([~sel, y, x, ~neg])


def synthesis_diagram(task, programs, *, eps: Sequence[float] | None = None,
                      max_complexity: int | None = None, time_limit: float | None = None,
                      workers: int = 2, seed: int = 0, hints: Sequence[Circuit] = (),
                      progress: Progress | None = None) -> PhaseDiagram:
    """The front of circuits on ``task`` (≤ 8 input bits) by CP-SAT exact synthesis (see the
    module docstring). ``hints`` are circuits to warm-start from (e.g. a sampler's)."""
    require_method(programs, "cpsat", synthesis_diagram)
    table = views.boolean_encoding(task)
    if table.inputs > MAX_INPUTS:
        raise ParameterError(f"CP-SAT synthesis takes at most {MAX_INPUTS} inputs (256 rows); {task.spec} "
                             f"has {table.inputs} input bits as a Boolean function. Circuits of more inputs: --method "
                             f"tempered (upper bounds, closed at error 0); an exact diagram: --programs prefix-rules.")
    return size_walk(task, programs, lambda r, minimise: SynthesisModel(task, programs, r, minimise),
                     stage="synthesis", eps=eps, max_complexity=max_complexity, time_limit=time_limit,
                     workers=workers, seed=seed, hints=hints, progress=progress)
