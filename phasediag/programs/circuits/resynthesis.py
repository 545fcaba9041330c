"""Smaller correct circuits by resynthesis: what shrinks the error-0 end of a front.

A circuit right on every care row is changed only in ways that keep it right there:

- :func:`resubstitute` (don't-care resubstitution, as ABC's ``mfs``): a gate's value matters only
  on the care rows where flipping it changes an output (its *observability care set*); a gate is
  replaced by an earlier node, or one gate over two earlier nodes, equal to it (or to its
  complement) on those rows, where that frees more gates than it adds. One replacement at a
  time, the largest gain first, the care sets recomputed after each.
- :func:`remap`: the circuit is covered by cuts of at most ``leaves`` nodes (from the outputs down,
  each node a random one of its largest cuts), and each cut's function — free on the patterns of
  the cut's values that no row has — is rebuilt by :func:`.construction.construct` (a random one of
  its constructions) into a new circuit with functional hashing, then rewritten
  (:func:`.construction.rewrite`): a restructuring that keeps the function.
- :func:`resynthesise`: remapping with 3 to 6 leaves and resubstitution, repeated from the current
  circuit until a deadline (or for a fixed amount of work): the walk accepts a
  circuit of the same size, or of one gate more with probability 1/5, and keeps the smallest seen
  (a randomised restructuring loop, as ABC's ``&deepsyn``).

Node values are rows of a (nodes, rows) bool array: the truth table's rows, or those ``columns``
gives ((m, rows), as :meth:`.circuit.Circuit.node_tables` takes them).
"""

from __future__ import annotations

from time import perf_counter

import numpy as np

from .circuit import Basis, Circuit, apply_op, table_of
from .construction import HOWS, Builder, cone_of, construct, cuts_of, readers_of, rewrite

__all__ = ["resubstitute", "remap", "resynthesise"]

#: Cut sizes the remapping draws from.
REMAP_LEAVES = (3, 4, 5, 6)
#: Candidate literals per side (and polarity) tried as the two operands of a resubstitution gate.
PAIR_CANDIDATES = 64
#: Probability that the walk accepts a circuit one gate larger.
UPHILL = 0.2
#: Without a deadline: gates remapped in all (about 40 remappings of a 64-gate circuit, at least
#: one), and resubstitutions per call.
REMAPPED_GATES, RESUBSTITUTIONS = 2560, 16


def _observability(circuit: Circuit, values: np.ndarray, care: np.ndarray, node: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows where flipping ``node`` changes an output, among ``care``; the nodes in ``node``'s
    transitive fanout, itself included)."""
    m = circuit.inputs
    fanout = np.zeros(len(values), dtype=bool)
    fanout[node] = True
    flipped = {node: ~values[node]}  # the fanout's values with the node flipped
    for i in range(node - m + 1, len(circuit)):
        op, a, b = circuit.gates[i]
        if fanout[a] or fanout[b]:
            fanout[m + i] = True
            flipped[m + i] = apply_op(op, flipped.get(a, values[a]), flipped.get(b, values[b]))
    seen = np.zeros(values.shape[1], dtype=bool)
    for out in circuit.outputs:
        if out >= 0 and fanout[out]:
            seen |= values[out] != flipped[out]
    return seen & care, fanout


def _replacement(values: np.ndarray, node: int, usable: np.ndarray, rows: np.ndarray, gain_cap: int,
                 xor_gates: int):
    """(stand-in, gates it adds): the cheapest stand-in for ``node`` on ``rows`` among the
    ``usable`` nodes: ('node', x, negated) adds no gate, ('and', (x, nx), (y, ny), negated) one,
    ('xor', x, y, negated) ``xor_gates``; (None, 0) where none adds fewer than ``gain_cap``."""
    goal = values[node][rows]
    ids = np.flatnonzero(usable)
    cands = values[ids][:, rows]
    same, opposite = (cands == goal).all(axis=1), (cands != goal).all(axis=1)
    if same.any() or opposite.any():
        k = int(np.flatnonzero(same | opposite)[0])
        return ("node", int(ids[k]), bool(opposite[k])), 0
    if gain_cap <= 1:  # a gate cannot gain
        return None, 0
    lits = np.concatenate([cands, ~cands])
    names = [(int(x), False) for x in ids] + [(int(x), True) for x in ids]
    for target, negated in ((goal, False), (~goal, True)):  # target = x ∧ y: both cover it
        covers = np.flatnonzero((lits | ~target).all(axis=1))[:PAIR_CANDIDATES]
        both = lits[covers]
        pairs = np.argwhere(np.triu(((both[:, None] & both[None]) == target).all(axis=2), 1))
        if len(pairs):
            x, y = pairs[0]
            return ("and", names[covers[x]], names[covers[y]], negated), 1
    if gain_cap <= xor_gates:
        return None, 0
    few = cands[:PAIR_CANDIDATES]
    differ = few[:, None] ^ few[None]
    pairs = np.argwhere(np.triu((differ == goal).all(axis=2) | (differ != goal).all(axis=2), 1))
    if len(pairs):
        x, y = pairs[0]
        return ("xor", int(ids[x]), int(ids[y]), bool((differ[x, y] != goal).all())), xor_gates
    return None, 0


def _replaced(circuit: Circuit, basis: Basis, node: int, stand_in: tuple, columns: np.ndarray | None) -> Circuit:
    """``circuit`` with ``node`` computed by ``stand_in`` (see :func:`_replacement`), rebuilt with
    functional hashing on the rows (the gates nothing reads any more are dropped)."""
    m = circuit.inputs
    builder = Builder(m, basis, columns)
    lit = {j: (j, False) for j in range(m)}

    def literal(x: int, negated: bool):
        return builder.negate(lit[x]) if negated else lit[x]

    for i, (op, a, b) in enumerate(circuit.gates):
        if m + i != node:
            lit[m + i] = builder.negate(lit[a]) if op == 3 else builder.gate(op, lit[a], lit[b])
        elif stand_in[0] == "node":
            lit[m + i] = literal(stand_in[1], stand_in[2])
        elif stand_in[0] == "and":
            out = builder.gate(8, literal(*stand_in[1]), literal(*stand_in[2]))
            lit[m + i] = builder.negate(out) if stand_in[3] else out
        else:
            out = builder.gate(6, lit[stand_in[1]], lit[stand_in[2]])
            lit[m + i] = builder.negate(out) if stand_in[3] else out
    return builder.outputs_of(circuit, lit)


def resubstitute(circuit: Circuit, basis: Basis, care: np.ndarray | None = None,
                 columns: np.ndarray | None = None, deadline: float | None = None,
                 most: int | None = None) -> Circuit:
    """``circuit`` with don't-care resubstitutions applied while one frees a gate (see the module
    doc), at most ``most`` of them (default: no limit): it computes the same outputs on every
    ``care`` row (default: all), in fewer gates or as many. ``deadline`` (a
    :func:`time.perf_counter` time) stops it early."""
    m = circuit.inputs
    xor_gates = 1 if 6 in basis.ops else 3
    tried, refused = 0, set()  # refused: nodes whose replacement did not shrink this circuit
    values, readers = circuit.node_tables(columns), readers_of(circuit)
    rows_care = np.ones(values.shape[1], dtype=bool) if care is None else care
    while (deadline is None or perf_counter() < deadline) and (most is None or tried < most):
        tried += 1
        best = (0, None, None)
        for node in range(m + len(circuit) - 1, m - 1, -1):
            if deadline is not None and perf_counter() > deadline:
                break
            cone = cone_of(circuit, node, (), readers)
            if node in refused or len(cone) <= best[0]:
                continue
            rows, fanout = _observability(circuit, values, rows_care, node)
            usable = ~fanout
            usable[node:] = False  # earlier nodes only: the rebuilt circuit stays in order
            usable[cone] = False
            stand_in, cost = _replacement(values, node, usable, rows, len(cone) - best[0], xor_gates)
            if stand_in is not None and len(cone) - cost > best[0]:
                best = (len(cone) - cost, node, stand_in)
        if best[1] is None:
            return circuit
        smaller = _replaced(circuit, basis, best[1], best[2], columns)
        if len(smaller) < len(circuit):
            circuit, refused = smaller, set()
            values, readers = circuit.node_tables(columns), readers_of(circuit)
        else:  # the estimate missed (a NOT, in and-or-not): the next best, on the same circuit
            refused.add(best[1])
    return circuit


def remap(circuit: Circuit, basis: Basis, leaves: int, draw: np.random.Generator,
          columns: np.ndarray | None = None) -> Circuit:
    """``circuit`` covered by cuts of at most ``leaves`` nodes and each cut rebuilt by a
    construction drawn with ``draw`` (see the module doc), then rewritten: the same outputs on
    every row."""
    m = circuit.inputs
    values = circuit.node_tables(columns)
    cuts = cuts_of(circuit, leaves, largest=True)
    chosen: dict[int, tuple[int, ...]] = {}
    stack = [o for o in circuit.outputs if o >= m]
    while stack:
        node = stack.pop()
        if node < m or node in chosen:
            continue
        options = cuts[node][1:]
        largest = [c for c in options if len(c) == len(options[0])]
        cut = largest[int(draw.integers(len(largest)))]
        chosen[node] = cut
        stack.extend(cut)
    builder = Builder(m, basis, columns)
    lit = {j: (j, False) for j in range(m)}
    for node in sorted(chosen):
        cut = chosen[node]
        pattern = np.zeros(values.shape[1], dtype=np.int64)
        for x in cut:
            pattern = 2 * pattern + values[x]
        seen = np.zeros(1 << len(cut), dtype=bool)
        seen[pattern] = True
        f = np.zeros(1 << len(cut), dtype=bool)
        f[pattern] = values[node]
        how = HOWS[int(draw.integers(len(HOWS)))]
        lit[node] = builder.library(construct([table_of(f)], len(cut), basis, table_of(seen), how),
                                    [lit[x] for x in cut])
    return rewrite(builder.outputs_of(circuit, lit), basis, columns=columns)


def resynthesise(circuit: Circuit, basis: Basis, care: np.ndarray | None = None,
                 columns: np.ndarray | None = None, *, deadline: float | None = None,
                 rounds: int | None = None, seed: int = 0) -> Circuit:
    """The smallest circuit the walk of remappings and resubstitutions (see the module doc) meets
    from ``circuit`` until ``deadline`` (a :func:`time.perf_counter` time), or else in ``rounds``
    remappings (default: :data:`REMAPPED_GATES` gates' worth; then at most
    :data:`RESUBSTITUTIONS` resubstitutions per step): the same outputs as ``circuit`` on every
    ``care`` row (default: all), in at most as many gates. Reproducible from ``seed`` without a
    deadline."""
    draw = np.random.default_rng(seed)
    most = None if deadline is not None else RESUBSTITUTIONS
    if rounds is None:
        rounds = max(1, REMAPPED_GATES // max(1, len(circuit)))
    best = current = resubstitute(circuit, basis, care, columns, deadline, most)
    done, took = 0, 0.0
    while perf_counter() + took < deadline if deadline is not None else done < rounds:
        began = perf_counter()
        leaves = REMAP_LEAVES[int(draw.integers(len(REMAP_LEAVES)))]
        candidate = resubstitute(remap(current, basis, leaves, draw, columns), basis, care, columns, deadline, most)
        took, done = perf_counter() - began, done + 1
        if len(candidate) <= len(current) + (draw.random() < UPHILL):
            current = candidate
        if len(candidate) < len(best):
            best = candidate
    return best
