"""The least correct rule list of a listed task, at once: small parsimony on the prefix trie.

A rule list gives every trie node a label (the label of its longest matching rule); it needs a
rule exactly where a node's label differs from its parent's, and the root's label is the free
default. So the least number of rules with no wrong weight is the least number of label changes
along the trie's edges, with every node where inputs of positive weight end held to their label:
Sankoff's small parsimony with unit costs. From the leaves up,

    cost(v, y) = Σ_children c  min( cost(c, y), min_y' cost(c, y') + 1 ),

with cost(v, y) = ∞ for the labels v's own inputs do not have; the least list has
min_y cost(root, y) rules, and a pass from the root down reads it off. O(nodes · labels).
"""

from __future__ import annotations

import numpy as np

from ... import views
from ...tables import LIST_LIMIT
from ...task import Task
from .rulelist import RuleList

__all__ = ["least_correct_rules"]


def least_correct_rules(task: Task) -> RuleList | None:
    """The least rule list (affixes read as prefixes of ``task``) with no wrong weight on
    ``task``: exact, not sampled. None where the task is too large to list, or where inputs of
    positive weight with different labels end at the same trie node (no rule list tells them
    apart)."""
    if task.n_inputs > LIST_LIMIT:
        return None
    trie = views.trie(task)
    held = trie.own > 0
    if (held.sum(axis=1) > 1).any():
        return None
    cost = np.where(held.any(axis=1, keepdims=True) & ~held, np.inf, 0.0)
    for at in reversed(trie.levels[1:]):
        np.add.at(cost, trie.parent[at], np.minimum(cost[at], cost[at].min(axis=1, keepdims=True) + 1))
    label = np.empty(trie.n_nodes, dtype=np.int64)
    label[0] = int(np.argmin(cost[0]))
    for at in trie.levels[1:]:
        inherited = label[trie.parent[at]]
        changes = cost[at, inherited] > cost[at].min(axis=1) + 1
        label[at] = np.where(changes, np.argmin(cost[at], axis=1), inherited)
    ruled = np.flatnonzero(label[1:] != label[trie.parent[1:]]) + 1
    names = task.labels
    return RuleList(names[label[0]], zip(map(task.render, trie.paths(ruled).tolist()),
                                         [names[y] for y in label[ruled].tolist()]))
