"""The structure the exact affix-rule DP runs on: a trie in which identical subtrees are shared.

A node of a :class:`RuleDag` stands for every trie node with the same subtree. It is either

- *ruleable*: a prefix; a rule ``prefix → label`` may sit on it (the root is not ruleable: its
  label is the free default), or
- a *sum* node: ``m`` copies of one child side by side (how multiplicities are written; built by
  :meth:`DagBuilder.repeat` as a binary chain, so m copies cost O(log m) nodes).

**States.** The label a node inherits from above is one of the node's *states*, numbered in the
node's own terms (a trie node's states are the labels present in its subtree, plus one "foreign"
state for all absent labels; a closed-form structure may use relative states such as "agrees with
the natural label"). ``wrong[v][s]`` is the weight of v's subtree that is wrong when all of it takes
the label of state s (exact Python ints). ``rule_states[v]`` are the states a rule at v may set.

**Edges** ``(child, slot, state_map)``: the child inherits state ``state_map[s]`` when its parent is
in state s. ``slot`` numbers the concrete children of the nearest ruleable ancestor; sum nodes add
their own offsets, so that a path of slots names a concrete prefix through the :class:`Locator`.

Nodes are numbered children first: every edge goes from a higher id to a lower one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Protocol, Sequence

import numpy as np

from .trie import Trie

__all__ = ["RuleDag", "DagBuilder", "Locator", "rule_dag_from_trie"]

Edge = tuple[int, int, tuple[int, ...]]


class Locator(Protocol):
    """Turns positions in a :class:`RuleDag` into concrete prefixes and labels.

    A *handle* names one concrete prefix; ``root`` is the empty prefix's handle.
    """

    root: Hashable

    def child(self, handle, slot: int):
        """Handle of the concrete child in position ``slot`` under ``handle``."""

    def affix(self, handle) -> tuple[int, ...]:
        """Letter indices of the prefix."""

    def label(self, handle, node: int, state: int) -> int:
        """Label index that state ``state`` of DAG node ``node`` means at this prefix."""


@dataclass(frozen=True, eq=False)
class RuleDag:
    """See the module docstring. ``n_prefixes`` counts the concrete ruleable prefixes: no useful
    rule list is longer."""

    ruleable: tuple[bool, ...]
    wrong: tuple[tuple[int, ...], ...]
    rule_states: tuple[tuple[int, ...], ...]
    edges: tuple[tuple[Edge, ...], ...]
    root: int
    locator: Locator
    n_prefixes: int

    @property
    def n_nodes(self) -> int:
        return len(self.ruleable)


class DagBuilder:
    """Accumulates nodes (children first) and hands out shared sum chains."""

    def __init__(self) -> None:
        self.ruleable: list[bool] = []
        self.wrong: list[tuple[int, ...]] = []
        self.rule_states: list[tuple[int, ...]] = []
        self.edges: list[tuple[Edge, ...]] = []
        self._repeats: dict[tuple[int, int], int] = {}

    def add(self, *, ruleable: bool, wrong: Sequence[int], rule_states: Sequence[int],
            edges: Sequence[Edge] = ()) -> int:
        """Add a node; its children must exist already. Returns its id."""
        assert all(child < len(self.ruleable) for child, _, _ in edges)
        self.ruleable.append(ruleable)
        self.wrong.append(tuple(int(w) for w in wrong))
        self.rule_states.append(tuple(rule_states))
        self.edges.append(tuple(edges))
        return len(self.ruleable) - 1

    def repeat(self, child: int, m: int) -> int:
        """A node for ``m`` ≥ 1 copies of ``child`` in slots 0..m-1 (``child`` itself when m = 1)."""
        if m == 1:
            return child
        key = (child, m)
        if key not in self._repeats:
            if m % 2 == 0:
                half = self.repeat(child, m // 2)
                parts = ((half, 0), (half, m // 2))
            else:
                parts = ((self.repeat(child, m - 1), 0), (child, m - 1))
            same = tuple(range(len(self.wrong[child])))
            self._repeats[key] = self.add(
                ruleable=False,
                wrong=[m * w for w in self.wrong[child]],
                rule_states=(),
                edges=[(c, offset, same) for c, offset in parts],
            )
        return self._repeats[key]

    def build(self, root: int, locator: Locator, n_prefixes: int) -> RuleDag:
        return RuleDag(
            ruleable=tuple(self.ruleable),
            wrong=tuple(self.wrong),
            rule_states=tuple(self.rule_states),
            edges=tuple(self.edges),
            root=root,
            locator=locator,
            n_prefixes=n_prefixes,
        )


class _TrieLocator:
    """Handles are trie node ids; ``order[child_start[v] + slot]`` is v's child in that slot."""

    root = 0

    def __init__(self, trie: Trie, order: np.ndarray, state_labels: list[tuple[int, ...]]):
        self._trie, self._order, self._state_labels = trie, order, state_labels

    def child(self, handle: int, slot: int) -> int:
        return int(self._order[self._trie.child_start[handle] + slot])

    def affix(self, handle: int) -> tuple[int, ...]:
        return self._trie.path(handle)

    def label(self, handle: int, node: int, state: int) -> int:
        return self._state_labels[node][state]


def rule_dag_from_trie(trie: Trie) -> RuleDag:
    """Share every subtree of ``trie`` that repeats (same label masses all the way down).

    States of a node are the labels present in its subtree (in label order), then a foreign state
    when some label is absent; a rule may set any present label (a foreign label is never better).
    Children are grouped by shared type; a group of m > 1 becomes a sum chain. The concrete
    children of each trie node are reordered to match (``order``), which is all the locator needs.
    """
    n_labels = trie.mass.shape[1]
    builder = DagBuilder()
    node_of = np.empty(trie.n_nodes, dtype=np.int64)
    order = np.arange(trie.n_nodes, dtype=np.int64)
    memo: dict[tuple, int] = {}
    state_labels: list[tuple[int, ...]] = []

    def state_of(node: int, label: int) -> int:
        labels = state_labels[node]
        return labels.index(label) if label in labels else labels.index(-1)

    for v in range(trie.n_nodes - 1, -1, -1):
        lo, hi = int(trie.child_start[v]), int(trie.child_start[v + 1])
        kids = node_of[lo:hi]
        rank = np.argsort(kids, kind="stable")
        order[lo:hi] = lo + rank
        types, counts = np.unique(kids, return_counts=True)
        groups = tuple(zip(types.tolist(), counts.tolist()))
        key = (v == 0, tuple(trie.own[v].tolist()), groups)
        if key in memo:
            node_of[v] = memo[key]
            continue
        mass = trie.mass[v]
        total = int(mass.sum())
        present = tuple(y for y in range(n_labels) if mass[y] > 0)
        labels = present + ((-1,) if len(present) < n_labels else ())
        edges, slot = [], 0
        for child, m in groups:
            edges.append((builder.repeat(child, m), slot, tuple(state_of(child, y) for y in labels)))
            slot += m
        node = builder.add(
            ruleable=v != 0,
            wrong=[total - int(mass[y]) if y >= 0 else total for y in labels],
            rule_states=range(len(present)),
            edges=edges,
        )
        state_labels.extend([()] * (node + 1 - len(state_labels)))
        state_labels[node] = labels
        memo[key] = node_of[v] = node
    return builder.build(int(node_of[0]), _TrieLocator(trie, order, state_labels), trie.n_nodes - 1)
