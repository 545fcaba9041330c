"""Rule lists (a free default label plus rules ``affix → label``) and their exact scores.

An input takes the label of its longest matching rule (the default if none matches). Every
function here reads affixes as prefixes of the task it is given; suffix rules are computed on
the task read right to left (:func:`phasediag.views.reversed_task`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from typing import Iterable, Mapping

import numpy as np

from ... import views
from ...errors import FileFormatError
from ...task import Task

__all__ = ["RuleList", "RuleScore", "trie_labels", "indexed", "parse_rules", "ordered", "ARROW"]

#: Separator in the readable form of a rule, ``"ab → 1"``.
ARROW = " → "

Rule = tuple[str, str]


class RuleList:
    """An immutable rule list: ``default`` (a label name) and ``rules`` (affix → label name).

    A list built with :meth:`changed` is stored as its change to a base list, with a full copy
    kept only when the changes since the last copy outgrow the list; a front of thousands of
    witnesses then costs memory in proportion to its changes, not to the sum of its sizes.
    """

    __slots__ = ("default", "_size", "_full", "_base", "_removed", "_added", "_pending")

    def __init__(self, default: str, rules: Mapping[str, str] | Iterable[Rule] = ()):
        full = dict(rules)
        if "" in full:
            raise ValueError("The empty affix is the default label, not a rule.")
        self.default = default
        self._size = len(full)
        self._full: dict[str, str] | None = full
        self._base: RuleList | None = None
        self._removed: tuple[Rule, ...] = ()
        self._added: tuple[Rule, ...] = ()
        self._pending = 0

    @classmethod
    def changed(cls, base: RuleList, default: str, removed: Iterable[Rule] = (),
                added: Iterable[Rule] = ()) -> RuleList:
        """``base`` with the rules ``removed`` taken out, then ``added`` put in."""
        out = cls.__new__(cls)
        out.default = default
        out._removed, out._added = tuple(removed), tuple(added)
        out._size = len(base) - len(out._removed) + len(out._added)
        out._pending = base._pending + len(out._removed) + len(out._added)
        out._base, out._full = base, None
        if out._pending > max(64, out._size):
            out._full, out._base, out._pending = out._materialise(), None, 0
        return out

    def _materialise(self) -> dict[str, str]:
        chain, node = [], self
        while node._full is None:
            chain.append(node)
            node = node._base
        rules = dict(node._full)
        for node in reversed(chain):
            for affix, label in node._removed:
                if rules.pop(affix, None) != label:
                    raise ValueError(f"Rule '{affix}{ARROW}{label}' is not in the base list.")
            for affix, label in node._added:
                if affix in rules:
                    raise ValueError(f"Rule affix '{affix}' is already in the base list.")
                rules[affix] = label
        return rules

    @property
    def rules(self) -> dict[str, str]:
        """A fresh dict affix → label."""
        return dict(self._full) if self._full is not None else self._materialise()

    def __len__(self) -> int:
        return self._size

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, RuleList) and self.default == other.default
                and len(self) == len(other) and self.rules == other.rules)

    def __hash__(self) -> int:
        return hash((self.default, frozenset(self.rules.items())))

    def __repr__(self) -> str:
        shown = ", ".join(f"{a!r}: {l!r}" for a, l in sorted(self.rules.items())[:8])
        more = ", ..." if len(self) > 8 else ""
        return f"RuleList(default={self.default!r}, rules={{{shown}{more}}})"

    def changes_from(self, base: RuleList | None) -> tuple[list[Rule], list[Rule]]:
        """(removed, added) that turn ``base`` (None: the empty list) into this list."""
        if base is not None and self._base is base:
            return list(self._removed), list(self._added)
        mine, theirs = self.rules, base.rules if base is not None else {}
        removed = [(a, l) for a, l in theirs.items() if mine.get(a) != l]
        added = [(a, l) for a, l in mine.items() if theirs.get(a) != l]
        return ordered(removed), ordered(added)


def ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Shorter (more general) affixes first, then alphabetical."""
    return sorted(rules, key=lambda r: (len(r[0]), r[0]))


class RuleScore:
    """Exact wrong weight of a prefix-rule list on a task, updated one rule at a time.

    With W(u, y) = the weight under prefix u whose label is not y (from :func:`phasediag.views.prefix_mass`)
    and kids(u) = the nearest rules strictly below u (the root ``()`` holds the default),
    ``wrong = Σ_u [W(u, y_u) − Σ_{w ∈ kids(u)} W(w, y_u)]``. Relabelling u changes only u's
    term, so an update costs O(L + |kids(u)| log R); no input is enumerated.
    """

    _END = 1 << 62  # sorts after every letter

    def __init__(self, task: Task, default: int):
        self._task = task
        self._label: dict[tuple[int, ...], int] = {(): default}
        self._mass: dict[tuple[int, ...], tuple[int, ...]] = {(): views.prefix_mass(task, ())}
        self._sorted: list[tuple[int, ...]] = [()]
        self.wrong = self._w((), default)

    def _w(self, u: tuple[int, ...], y: int) -> int:
        mass = self._mass[u]
        return sum(mass) - mass[y]

    def _kids(self, u: tuple[int, ...]) -> list[tuple[int, ...]]:
        out, i, k = [], bisect_right(self._sorted, u), len(u)
        while i < len(self._sorted) and self._sorted[i][:k] == u:
            w = self._sorted[i]
            out.append(w)
            i = bisect_left(self._sorted, w + (self._END,))
        return out

    def _inherited(self, u: tuple[int, ...]) -> int:
        for k in range(len(u) - 1, -1, -1):
            if u[:k] in self._label:
                return self._label[u[:k]]
        raise AssertionError("the root always holds a label")

    def _relabel(self, u: tuple[int, ...], y: int) -> None:
        old = self._label[u]
        if old == y:
            return
        kids = self._kids(u)
        self.wrong += (self._w(u, y) - self._w(u, old)
                       - sum(self._w(w, y) - self._w(w, old) for w in kids))
        self._label[u] = y

    def set(self, affix: tuple[int, ...], label: int) -> None:
        """Add the rule ``affix → label`` or relabel it (``()``: set the default label)."""
        if affix not in self._label:
            self._label[affix] = self._inherited(affix)
            self._mass[affix] = views.prefix_mass(self._task, affix)
            insort(self._sorted, affix)
        self._relabel(affix, label)

    def remove(self, affix: tuple[int, ...]) -> None:
        """Delete the rule on ``affix``."""
        self._relabel(affix, self._inherited(affix))
        del self._label[affix], self._mass[affix]
        self._sorted.pop(bisect_left(self._sorted, affix))


def indexed(task: Task, program: RuleList) -> tuple[int, list[tuple[tuple[int, ...], int]]]:
    """``program`` in letter and label indices of ``task`` (read as prefixes): (default, rules)."""
    labels = {name: i for i, name in enumerate(task.labels)}
    try:
        default = labels[program.default]
        rules = [(task.parse_affix(a), labels[l]) for a, l in program.rules.items()]
    except KeyError as missing:
        raise FileFormatError(
            f"Label {missing} is not a label of {task.spec} ({', '.join(task.labels)})."
        ) from None
    return default, rules


def trie_labels(task: Task, program: RuleList) -> tuple[np.ndarray, np.ndarray]:
    """Per node of the trie of ``task`` (affixes read as prefixes): the label index of the rule on it
    (-1: none) and the label its inputs take (longest match), propagated down level by level."""
    default, rules = indexed(task, program)
    trie = views.trie(task)
    rule_at = np.full(trie.n_nodes, -1, dtype=np.int64)
    for affix, label in rules:
        node = trie.find(affix)
        if node > 0:
            rule_at[node] = label
    label_at = np.full(trie.n_nodes, default, dtype=np.int64)
    for at in trie.levels[1:]:
        label_at[at] = np.where(rule_at[at] >= 0, rule_at[at], label_at[trie.parent[at]])
    return rule_at, label_at


def parse_rules(items: list) -> list[Rule]:
    out = []
    for item in items:
        affix, sep, label = item.partition(ARROW) if isinstance(item, str) else ("", "", "")
        if not sep or not affix or not label:
            raise FileFormatError(f"Rule {item!r} is not of the form 'affix{ARROW}label'.")
        out.append((affix, label))
    return out
