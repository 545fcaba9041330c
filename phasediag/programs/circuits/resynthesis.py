"""Smaller correct circuits by resynthesis: what shrinks the error-0 end of a front.

A circuit right on every care row is changed only in ways that keep it right there:

- :func:`resubstitute` (don't-care resubstitution, as ABC's ``mfs``): a gate's value matters only
  on the care rows where flipping it changes an output (its *observability care set*); a gate is
  replaced by another node, one gate over two other nodes, or two gates over three (see
  :data:`TWO_GATES`), equal to it (or to its complement) on those rows, where that frees more
  gates than it adds. The nodes may come later
  in the circuit where the gate's value does not reach them (the circuit is then put back in
  order), so the cones of two outputs share what either computes. Nodes are tried from the
  outputs down and the first replacement found is made, the care sets recomputed after it; a
  node that had none is tried again only after a pass in which no node had one.
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

import functools
from time import perf_counter
from typing import NamedTuple

import numpy as np

from ...forks import Forked, forks
from ...interrupts import Interrupted
from ...jit import njit
from .circuit import Basis, Circuit, gate_word, packed_words, table_of
from .construction import HOWS, Builder, and_pairs, cone_of, construct, cuts_of, readers_of, rewrite

__all__ = ["resubstitute", "remap", "resynthesise"]

#: Cut sizes the remapping draws from.
REMAP_LEAVES = (3, 4, 5, 6)
#: Candidate literals per side (and polarity) tried as the two operands of a resubstitution gate.
PAIR_CANDIDATES = 64
#: Candidate literals for a two-gate resubstitution: x, y and z of x ∧ y ∧ z, y and z of
#: x ∧ (y ∨ z) and y ∧ z of x ⊕ (y ∧ z); and x in the forms with an outer x.
TRIPLE_CANDIDATES, OUTER_CANDIDATES = 32, 16
#: The two-gate stand-ins x ∘ (y • z): their (∘, •) as gate ops (8 ∧, 14 ∨, 6 ⊕).
TWO_GATES = {"and3": (8, 8), "and-or": (8, 14), "xor-and": (6, 8), "xor3": (6, 6), "and-xor": (8, 6)}
#: Probability that the walk accepts a circuit one gate larger.
UPHILL = 0.2
#: Without a deadline: gates remapped in all (about 40 remappings of a 64-gate circuit, at least
#: one), and resubstitutions per call.
REMAPPED_GATES, RESUBSTITUTIONS = 2560, 16


class _Evaluated(NamedTuple):
    """A circuit on the rows: every node's values ((nodes, rows) bool, and as :func:`.circuit.packed_words`), its
    gates ((g, 3): op, a, b) and outputs as arrays."""

    values: np.ndarray
    words: np.ndarray
    gates: np.ndarray
    outputs: np.ndarray


def _evaluated(circuit: Circuit, columns: np.ndarray | None) -> _Evaluated:
    values = circuit.node_tables(columns)
    return _Evaluated(values, packed_words(values), np.array(circuit.gates, dtype=np.int64).reshape(-1, 3),
                      np.array(circuit.outputs, dtype=np.int64))


def _observability(circuit: _Evaluated, care: np.ndarray, node: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows where flipping ``node`` changes an output, among ``care``; the nodes in ``node``'s
    transitive fanout, itself included)."""
    inputs = len(circuit.values) - len(circuit.gates)
    words, fanout = _flip(circuit.gates, circuit.outputs, inputs, circuit.words, node)
    seen = np.unpackbits(words.view(np.uint8), count=len(care), bitorder="little").astype(bool)
    return seen & care, fanout


@njit(cache=True)
def _flip(gates: np.ndarray, outputs: np.ndarray, inputs: int, words: np.ndarray, node: int):
    """The circuit (``gates`` (g, 3): op, a, b) evaluated on the rows of ``words`` (nodes, words)
    with ``node`` complemented: (the rows, as words, where an output differs; the fanout)."""
    fanout = np.zeros(len(words), dtype=np.bool_)
    fanout[node] = True
    flipped = np.empty_like(words)
    flipped[node] = ~words[node]
    for i in range(max(0, node - inputs + 1), len(gates)):
        op, a, b = gates[i, 0], gates[i, 1], gates[i, 2]
        if fanout[a] or fanout[b]:
            n = inputs + i
            fanout[n] = True
            x = flipped[a] if fanout[a] else words[a]
            y = flipped[b] if fanout[b] else words[b]
            for w in range(words.shape[1]):
                flipped[n, w] = gate_word(op, x[w], y[w])
    seen = np.zeros(words.shape[1], dtype=np.uint64)
    for out in outputs:
        if out >= 0 and fanout[out]:
            seen |= words[out] ^ flipped[out]
    return seen, fanout


def _replacement(values: np.ndarray, node: int, usable: np.ndarray, rows: np.ndarray, frees: int,
                 xor_gates: int):
    """The cheapest stand-in (form, operands, negated) for ``node`` on ``rows`` that adds fewer
    gates than it ``frees``, its operands literals (x, negated) of the ``usable`` nodes: a 'node' x
    adds no gate, 'and' x ∧ y one, 'xor' x ⊕ y ``xor_gates``, and a two-gate form of
    :data:`TWO_GATES` two (those with ⊕ only where ``xor_gates`` is 1); None where there is none."""
    ids = np.flatnonzero(usable)
    lits, goal, everywhere = _packed(values, ids, node, np.flatnonzero(rows))
    n = len(ids)
    same, opposite = _empty(lits[:n] ^ goal), _empty(lits[n:] ^ goal)
    if same.any() or opposite.any():
        k = int(np.flatnonzero(same | opposite)[0])
        return ("node", ((int(ids[k]), False),), bool(opposite[k]))
    forms = [(1, _one_and), (xor_gates, _one_xor), (2, _two_ands)]
    if xor_gates == 1:
        forms.append((2, _two_gates_with_xor))
    for cost, form in sorted(forms, key=lambda f: f[0]):
        if cost < frees:
            stand_in = form(goal, lits, _Names(ids), everywhere)
            if stand_in is not None:
                return stand_in
    return None


@njit(cache=True)
def _packed(values: np.ndarray, ids: np.ndarray, node: int, rows: np.ndarray):
    """On the ``rows`` (indices) of ``values`` ((nodes, rows) bool), packed as :func:`.circuit.packed_words` (at
    least one word): the literals (the nodes ``ids``, then their complements), ``node``, and every
    row."""
    words = max(1, (len(rows) + 63) // 64)
    lits = np.empty((2 * len(ids), words), dtype=np.uint64)
    goal = np.empty(words, dtype=np.uint64)
    everywhere = np.zeros(words, dtype=np.uint64)
    for k in range(len(rows)):
        everywhere[k // 64] |= np.uint64(1) << np.uint64(k % 64)
    for i in range(-1, len(ids)):
        line = values[node if i < 0 else ids[i]]
        for w in range(words):
            word = np.uint64(0)
            for k in range(64 * w, min(64 * w + 64, len(rows))):
                word |= np.uint64(line[rows[k]]) << np.uint64(k - 64 * w)
            if i < 0:
                goal[w] = word
            else:
                lits[i, w], lits[len(ids) + i, w] = word, ~word & everywhere[w]
    return lits, goal, everywhere


class _Names:
    """Literal k of the nodes ``ids`` and their complements, as (node, negated)."""

    def __init__(self, ids: np.ndarray):
        self.ids = ids

    def __getitem__(self, k: int) -> tuple[int, bool]:
        return int(self.ids[k % len(self.ids)]), bool(k >= len(self.ids))


def _empty(words: np.ndarray) -> np.ndarray:
    """Whether each row of words (the last axis) has no bit set (an OR over a short last axis,
    word by word: numpy's reductions are slow there)."""
    if words.shape[-1] > 8:
        return np.bitwise_or.reduce(words, axis=-1) == 0
    union = words[..., 0]
    for w in range(1, words.shape[-1]):
        union = union | words[..., w]
    return union == 0


def _and_pair(target: np.ndarray, lits: np.ndarray, within: np.ndarray):
    """Indices (x, y) of two literals with x ∧ y = ``target`` on the rows ``within`` (all packed
    as :func:`.circuit.packed_words`; ``target`` among ``within``), or None."""
    covers = np.flatnonzero(_empty(target & ~lits & within))[:PAIR_CANDIDATES]
    pairs = and_pairs(lits[covers], target, within, 1)
    return (int(covers[pairs[0][0]]), int(covers[pairs[0][1]])) if len(pairs) else None


def _one_and(goal: np.ndarray, lits: np.ndarray, names: _Names, rows: np.ndarray):
    for target, negated in ((goal, False), (~goal & rows, True)):  # target = x ∧ y
        pair = _and_pair(target, lits, rows)
        if pair is not None:
            return ("and", (names[pair[0]], names[pair[1]]), negated)
    return None


def _xor_pair(target: np.ndarray, lits: np.ndarray, within: np.ndarray):
    """Indices (x, y) of two nodes (the first half of ``lits``) with x ⊕ y equal to ``target`` on
    the rows ``within``, and whether it is the complement (as :func:`.circuit.packed_words`), or None."""
    x, y, opposite = _xor_of(lits[:min(PAIR_CANDIDATES, len(lits) // 2)], target, within)
    return None if x < 0 else (x, y, opposite)


@njit(cache=True)
def _xor_of(words: np.ndarray, target: np.ndarray, within: np.ndarray) -> tuple[int, int, bool]:
    """The first (x, y, complemented), x < y, with rows x ⊕ y of ``words`` equal to ``target`` (or
    to its complement) on the bits of ``within``; (-1, -1, False) where none is."""
    for x in range(len(words)):
        for y in range(x + 1, len(words)):
            same = opposite = True
            for w in range(words.shape[1]):
                differ = (words[x, w] ^ words[y, w] ^ target[w]) & within[w]
                same, opposite = same and differ == 0, opposite and differ == within[w]
                if not (same or opposite):
                    break
            if same or opposite:
                return x, y, opposite
    return -1, -1, False


def _one_xor(goal: np.ndarray, lits: np.ndarray, names: _Names, rows: np.ndarray):
    pair = _xor_pair(goal, lits, rows)
    return None if pair is None else ("xor", (names[pair[0]], names[pair[1]]), pair[2])


def _two_ands(goal: np.ndarray, lits: np.ndarray, names: _Names, rows: np.ndarray):
    """x ∧ y ∧ z, or x ∧ (y ∨ z), equal to the goal or its complement (as :func:`.circuit.packed_words`)."""
    for target, negated in ((goal, False), (~goal & rows, True)):
        covers = np.flatnonzero(_empty(target & ~lits))[:TRIPLE_CANDIDATES]
        x, y, z = _and3(lits[covers], target, rows)
        if x >= 0:
            return ("and3", tuple(names[covers[k]] for k in (x, y, z)), negated)
        x, y, z = _and_or(lits, covers[:OUTER_CANDIDATES], target, rows, TRIPLE_CANDIDATES)
        if x >= 0:
            return ("and-or", (names[covers[x]], names[y], names[z]), negated)
    return None


@njit(cache=True)
def _and3(covers: np.ndarray, target: np.ndarray, rows: np.ndarray) -> tuple[int, int, int]:
    """The first (x, y, z), x < y < z, of rows of ``covers`` (each covering ``target``) whose AND
    is within ``target`` on ``rows``; (-1, -1, -1) where none is."""
    n, words = covers.shape
    for x in range(n):
        for y in range(x + 1, n):
            for z in range(y + 1, n):
                for w in range(words):
                    if covers[x, w] & covers[y, w] & covers[z, w] & ~target[w] & rows[w]:
                        break
                else:
                    return x, y, z
    return -1, -1, -1


@njit(cache=True)
def _and_or(lits: np.ndarray, outer: np.ndarray, target: np.ndarray, rows: np.ndarray,
            most: int) -> tuple[int, int, int]:
    """The first (k, y, z) with lits[outer[k]] ∧ (lits[y] ∨ lits[z]) = ``target`` on ``rows``: y and
    z among the first ``most`` literals whose AND with x is within the target, their OR covering
    it; (-1, -1, -1) where none is."""
    n, words = lits.shape
    inside = np.empty(most, dtype=np.int64)
    for k in range(len(outer)):
        x = lits[outer[k]]
        found = 0
        for y in range(n):
            if found == most:
                break
            for w in range(words):
                if lits[y, w] & x[w] & ~target[w] & rows[w]:
                    break
            else:
                inside[found] = y
                found += 1
        for i in range(found):
            for j in range(found):
                for w in range(words):
                    if target[w] & ~(lits[inside[i], w] | lits[inside[j], w]):
                        break
                else:
                    return k, inside[i], inside[j]
    return -1, -1, -1


@njit(cache=True)
def _and_of_covers(lits: np.ndarray, targets: np.ndarray, rows: np.ndarray, most: int) -> tuple[int, int, int]:
    """The first (k, y, z), y < z among the first ``most`` literals covering ``targets[k]``, with
    lits[y] ∧ lits[z] = targets[k] on ``rows``; (-1, -1, -1) where none is."""
    n, words = lits.shape
    covers = np.empty(most, dtype=np.int64)
    for k in range(len(targets)):
        found = 0
        for y in range(n):
            if found == most:
                break
            for w in range(words):
                if targets[k, w] & ~lits[y, w]:
                    break
            else:
                covers[found] = y
                found += 1
        pair = and_pairs(lits[covers[:found]], targets[k], rows, 1)
        if len(pair):
            return k, covers[pair[0, 0]], covers[pair[0, 1]]
    return -1, -1, -1


def _two_gates_with_xor(goal: np.ndarray, lits: np.ndarray, names: _Names, rows: np.ndarray):
    """x ⊕ (y ∧ z), x ⊕ y ⊕ z or x ∧ (y ⊕ z), equal to the goal or its complement (as :func:`.circuit.packed_words`)."""
    few = lits[:min(PAIR_CANDIDATES, len(lits) // 2)]  # the nodes, uncomplemented
    rests = (goal ^ few[:OUTER_CANDIDATES]) & rows  # goal ⊕ x
    targets = np.concatenate([rests, ~rests & rows])  # x ⊕ (y ∧ z): y ∧ z = goal ⊕ x, or ¬
    k, y, z = _and_of_covers(lits, targets, rows, TRIPLE_CANDIDATES)
    if k >= 0:
        return ("xor-and", (names[k % len(rests)], names[y], names[z]), bool(k >= len(rests)))
    for x in range(len(rests)):  # x ⊕ y ⊕ z
        y, z, opposite = _xor_of(few, rests[x], rows)
        if y >= 0:
            return ("xor3", (names[x], names[y], names[z]), opposite)
    for target, negated in ((goal, False), (~goal & rows, True)):  # x ∧ (y ⊕ z): x covers the target
        covers = np.flatnonzero(_empty(target & ~lits))[:OUTER_CANDIDATES]
        for x in covers:
            pair = _xor_pair(target, lits, lits[x] & rows)
            if pair is not None:
                y, z, opposite = pair
                return ("and-xor", (names[x], (names[y][0], opposite), names[z]), negated)
    return None


def _replaced(circuit: Circuit, basis: Basis, node: int, stand_in: tuple, columns: np.ndarray | None) -> Circuit:
    """``circuit`` with ``node`` computed by ``stand_in`` (see :func:`_replacement`; its nodes may
    come later, none in ``node``'s fanout), rebuilt in an order that reads every node after it is
    built, with functional hashing on the rows (the gates nothing reads any more are dropped)."""
    m = circuit.inputs
    form, operands_in, negated = stand_in
    reads = [x for x, _ in operands_in]

    def operands(n: int) -> list[int]:
        if n == node:
            return reads
        op, a, b = circuit.gates[n - m]
        return [a] if op == 3 else [a, b]

    order, placed = [], set(range(m))
    for top in range(m, m + len(circuit)):  # depth first: operands before readers
        stack = [top]
        while stack:
            n = stack[-1]
            if n in placed:
                stack.pop()
                continue
            waiting = [x for x in operands(n) if x not in placed]
            if waiting:
                stack.extend(waiting)
            else:
                placed.add(stack.pop())
                order.append(n)
    builder = Builder(m, basis, columns)
    lit = {j: (j, False) for j in range(m)}

    for n in order:
        op, a, b = circuit.gates[n - m]
        if n != node:
            lit[n] = builder.negate(lit[a]) if op == 3 else builder.gate(op, lit[a], lit[b])
            continue
        x, *rest = [builder.negate(lit[y]) if neg else lit[y] for y, neg in operands_in]
        if form == "and":
            x = builder.gate(8, x, rest[0])
        elif form == "xor":
            x = builder.gate(6, x, rest[0])
        elif form in TWO_GATES:
            outer, inner = TWO_GATES[form]
            x = builder.gate(outer, x, builder.gate(inner, *rest))
        lit[n] = builder.negate(x) if negated else x
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
    tried, failed, changed = 0, set(), False  # failed: functions of nodes that had no stand-in
    evaluated, readers = _evaluated(circuit, columns), readers_of(circuit)
    values = evaluated.values
    rows_care = np.ones(values.shape[1], dtype=bool) if care is None else care
    while (deadline is None or perf_counter() < deadline) and (most is None or tried < most):
        tried += 1
        found = None
        for node in range(m + len(circuit) - 1, m - 1, -1):
            if deadline is not None and perf_counter() > deadline:
                break
            function = values[node].tobytes()
            if function in failed:
                continue
            cone = cone_of(circuit, node, (), readers)
            rows, fanout = _observability(evaluated, rows_care, node)
            usable = ~fanout  # later nodes too: the rebuilt circuit is put back in order
            usable[cone] = False
            stand_in = _replacement(values, node, usable, rows, len(cone), xor_gates)
            if stand_in is not None:
                found = (node, stand_in, function)
                break
            failed.add(function)
        if found is None:
            if not changed:
                return circuit
            failed, changed = set(), False  # care sets have grown since: every node again
            continue
        smaller = _replaced(circuit, basis, *found[:2], columns)
        if len(smaller) < len(circuit):
            circuit, changed = smaller, True
            evaluated, readers = _evaluated(circuit, columns), readers_of(circuit)
            values = evaluated.values
        else:  # the estimate missed (a NOT, in and-or-not)
            failed.add(found[2])
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
        lit[node] = builder.library(_constructed(table_of(f), len(cut), basis, table_of(seen), how),
                                    [lit[x] for x in cut])
    return rewrite(builder.outputs_of(circuit, lit), basis, columns=columns)


@functools.lru_cache(maxsize=1 << 14)
def _constructed(f: int, inputs: int, basis: Basis, care: int, how: str) -> Circuit:
    """:func:`.construction.construct` of one cut's function (most recur from remapping to
    remapping: about two calls in three on IWLS functions)."""
    return construct([f], inputs, basis, care, how)


def resynthesise(circuit: Circuit, basis: Basis, care: np.ndarray | None = None,
                 columns: np.ndarray | None = None, *, deadline: float | None = None,
                 rounds: int | None = None, seed: int = 0, walks: int = 1) -> Circuit:
    """The smallest circuit the walk of remappings and resubstitutions (see the module doc) meets
    from ``circuit`` until ``deadline`` (a :func:`time.perf_counter` time), or else in ``rounds``
    remappings (default: :data:`REMAPPED_GATES` gates' worth; then at most
    :data:`RESUBSTITUTIONS` resubstitutions per step): the same outputs as ``circuit`` on every
    ``care`` row (default: all), in at most as many gates. Reproducible from ``seed`` without a
    deadline. With a deadline, ``walks`` walks (seeds ``seed``, ``seed`` + 1, ...) run side by
    side in forked processes where the platform forks (Linux), and the smallest circuit any of
    them meets is returned. Ctrl-C raises :class:`~phasediag.interrupts.Interrupted` with the
    smallest circuit met so far."""
    if deadline is not None and walks > 1 and forks():
        started, found = [], []
        try:
            try:
                for k in range(walks):
                    started.append(Forked(functools.partial(_walk, circuit, basis, care, columns, deadline, None,
                                                            seed + k)))
            except OSError:  # no more processes to fork: the walks started so far
                pass
            for walk in started:
                try:
                    found.append(walk.result())
                except ChildProcessError:  # it died (killed, out of memory): the others count
                    pass
        except KeyboardInterrupt as stop:  # Ctrl-C: what every walk had met
            found += [stop.found] if isinstance(stop, Interrupted) else []
            found += [w.interrupted() for w in started]
            raise Interrupted(min((c for c in found if c is not None), key=len, default=circuit)) from None
        finally:
            for walk in started:
                walk.stop()
        if found:
            return min(found, key=len)  # the lowest seed on ties
    return _walk(circuit, basis, care, columns, deadline, rounds, seed)


def _walk(circuit: Circuit, basis: Basis, care: np.ndarray | None, columns: np.ndarray | None,
          deadline: float | None, rounds: int | None, seed: int) -> Circuit:
    """One walk of :func:`resynthesise` (Ctrl-C: :class:`~phasediag.interrupts.Interrupted` with
    the smallest circuit met)."""
    draw = np.random.default_rng(seed)
    most = None if deadline is not None else RESUBSTITUTIONS
    if rounds is None:
        rounds = max(1, REMAPPED_GATES // max(1, len(circuit)))
    best = circuit
    try:
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
    except KeyboardInterrupt:
        raise Interrupted(best) from None
    return best
