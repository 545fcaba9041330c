"""The prefix trie of a task's inputs, as flat arrays.

Node 0 is the root (the empty prefix). Nodes are numbered breadth-first and, within a depth, in
lexicographic order, so that the children of a node are contiguous (``child_start[v]`` to
``child_start[v + 1]``) and sorted by letter, and every parent precedes its children.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .tables import TaskTable

__all__ = ["Trie"]


@dataclass(frozen=True, eq=False)
class Trie:
    """Prefix trie with label masses.

    ``own[v, y]``: weight of the inputs that end exactly at node v and have label y;
    ``mass[v, y]``: weight of the inputs in v's subtree (those that start with v's prefix)
    with label y. ``end[i]``: the node where input i of the table ends.
    """

    parent: np.ndarray
    letter: np.ndarray
    depth: np.ndarray
    child_start: np.ndarray
    own: np.ndarray
    mass: np.ndarray
    end: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.parent)

    @classmethod
    def from_table(cls, table: TaskTable, n_labels: int) -> Trie:
        """Build the trie of ``table`` in O(N·L log N) with array operations."""
        codes = table.codes
        n_rows, width = codes.shape
        order = np.lexsort(codes.T[::-1]) if width else np.arange(n_rows)
        codes = codes[order]
        lengths = (codes >= 0).sum(axis=1)
        node = np.zeros(n_rows, dtype=np.int64)
        parents, letters, depths = [np.array([-1])], [np.array([-1])], [np.array([0])]
        count = 1
        for d in range(1, width + 1):
            rows = np.flatnonzero(lengths >= d)
            if rows.size == 0:
                break
            prev, lett = node[rows], codes[rows, d - 1]
            new = np.ones(rows.size, dtype=bool)
            new[1:] = (prev[1:] != prev[:-1]) | (lett[1:] != lett[:-1])
            ids = count - 1 + np.cumsum(new)
            parents.append(prev[new])
            letters.append(lett[new])
            depths.append(np.full(int(new.sum()), d))
            node[rows] = ids
            count += int(new.sum())
        parent = np.concatenate(parents).astype(np.int64)
        depth = np.concatenate(depths).astype(np.int64)
        own = np.zeros((count, n_labels), dtype=np.int64)
        np.add.at(own, (node, table.labels[order]), table.weights[order])
        mass = own.copy()
        for d in range(int(depth.max()), 0, -1):
            at = np.flatnonzero(depth == d)
            np.add.at(mass, parent[at], mass[at])
        end = np.empty(n_rows, dtype=np.int64)
        end[order] = node
        child_start = np.searchsorted(parent[1:], np.arange(count + 1), side="left") + 1
        return cls(
            parent=parent,
            letter=np.concatenate(letters).astype(np.int64),
            depth=depth,
            child_start=child_start.astype(np.int64),
            own=own,
            mass=mass,
            end=end,
        )

    @cached_property
    def levels(self) -> list[np.ndarray]:
        """The node ids at each depth, the root's level 0 first (each a run of consecutive ids:
        nodes are numbered breadth-first)."""
        bounds = np.searchsorted(self.depth, np.arange(int(self.depth.max()) + 2))
        return [np.arange(a, b) for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())]

    def children(self, v: int) -> range:
        """Node ids of v's children (sorted by letter)."""
        return range(int(self.child_start[v]), int(self.child_start[v + 1]))

    def find(self, affix: tuple[int, ...]) -> int:
        """The node of prefix ``affix``, or -1 when no input starts with it."""
        v = 0
        for a in affix:
            lo, hi = int(self.child_start[v]), int(self.child_start[v + 1])
            i = lo + int(np.searchsorted(self.letter[lo:hi], a))
            if i >= hi or self.letter[i] != a:
                return -1
            v = i
        return v

    def paths(self, nodes: np.ndarray) -> np.ndarray:
        """Letters of each node's prefix, one row per node of ``nodes``, padded with -1."""
        depth = self.depth[nodes]
        out = np.full((len(nodes), int(depth.max(initial=0))), -1, dtype=np.int64)
        v = np.asarray(nodes, dtype=np.int64).copy()
        for k in range(out.shape[1]):  # the k-th letter from the end of every prefix that long
            on = np.flatnonzero(depth > k)
            out[on, depth[on] - 1 - k] = self.letter[v[on]]
            v[on] = self.parent[v[on]]
        return out

    def path(self, v: int) -> tuple[int, ...]:
        """Letters of node v's prefix."""
        out = []
        while v > 0:
            out.append(int(self.letter[v]))
            v = int(self.parent[v])
        return tuple(reversed(out))
