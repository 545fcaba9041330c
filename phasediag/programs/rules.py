"""Affix-rule lists: a free default label plus rules ``affix → label``.

An input takes the label of its longest matching rule (the default if none matches); the
complexity is the number of rules. Prefix rules match the start of an input, suffix rules its end
(``-ir``, or ``^word`` for the whole input). A rule whose affix is a whole input memorises one
datapoint.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from typing import ClassVar, Iterable, Mapping, Sequence

import numpy as np

from ..errors import FileFormatError
from ..params import validate_params
from ..task import ANCHOR, Task

__all__ = ["RuleList", "RuleScore", "AffixRules", "PrefixRules", "SuffixRules", "RuleCoverage",
           "trie_labels", "ARROW"]

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
        return _ordered(removed), _ordered(added)


def _ordered(rules: Iterable[Rule]) -> list[Rule]:
    """Shorter (more general) affixes first, then alphabetical."""
    return sorted(rules, key=lambda r: (len(r[0]), r[0]))


class RuleScore:
    """Exact wrong weight of a prefix-rule list on a task, updated one rule at a time.

    With W(u, y) = the weight under prefix u whose label is not y (from :meth:`Task.prefix_mass`)
    and kids(u) = the nearest rules strictly below u (the root ``()`` holds the default),
    ``wrong = Σ_u [W(u, y_u) − Σ_{w ∈ kids(u)} W(w, y_u)]``. Relabelling u changes only u's
    term, so an update costs O(L + |kids(u)| log R); no input is enumerated.
    """

    _END = 1 << 62  # sorts after every letter

    def __init__(self, task: Task, default: int):
        self._task = task
        self._label: dict[tuple[int, ...], int] = {(): default}
        self._mass: dict[tuple[int, ...], tuple[int, ...]] = {(): task.prefix_mass(())}
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
            self._mass[affix] = self._task.prefix_mass(affix)
            insort(self._sorted, affix)
        self._relabel(affix, label)

    def remove(self, affix: tuple[int, ...]) -> None:
        """Delete the rule on ``affix``."""
        self._relabel(affix, self._inherited(affix))
        del self._label[affix], self._mass[affix]
        self._sorted.pop(bisect_left(self._sorted, affix))


class AffixRules:
    """A rule-list program class (one reading direction). Every method works on
    :meth:`affix_task`, the task read so that this class's affixes are its prefixes; the DP,
    CP-SAT and the sampler then serve both directions with one implementation."""

    name: ClassVar[str]
    #: How messages of the methods that take either direction name the classes.
    kind = "prefix-rules or suffix-rules"
    parameters = ()

    def __init__(self, **values: str):
        self.params = validate_params(self.name, self.parameters, values)  # none: rejects any

    @property
    def spec(self) -> str:
        return self.name

    def affix_task(self, task: Task) -> Task:
        """The task whose prefixes are this class's affixes."""
        raise NotImplementedError

    def written(self, affix: str) -> str:
        """How an affix is written in witnesses."""
        return affix

    def read(self, text: str) -> str:
        """Inverse of :meth:`written`."""
        return text

    def complexity(self, program: RuleList) -> int:
        return len(program)

    def sampler(self, task: Task, max_complexity: int | None = None):
        """The tempered sampler's moves on rule lists of at most ``max_complexity`` rules."""
        from ..sampling.rule_moves import RuleKernel

        return RuleKernel(self.affix_task(task), max_complexity)

    def wrong_weight(self, task: Task, program: RuleList) -> int:
        """Exact wrong weight of ``program`` on ``task`` (population error × total weight),
        from the task's affix masses: works on 10^20 inputs."""
        return self.wrong_weights(task, [program])[0]

    def wrong_weights(self, task: Task, programs: Sequence[RuleList]) -> list[int]:
        """:meth:`wrong_weight` of each program, one score updated by the rules that change from
        one program to the next (so a front of R steps costs O(rules changed), not O(R²))."""
        task = self.affix_task(task)
        out, score, previous = [], None, None
        for program in programs:
            removed, added = program.changes_from(previous)
            default, _ = _indexed(task, RuleList(program.default))
            if score is None:
                score = RuleScore(task, default)
            score.set((), default)
            kept = {a for a, _ in added}
            _, gone = _indexed(task, RuleList(program.default, [r for r in removed if r[0] not in kept]))
            _, new = _indexed(task, RuleList(program.default, added))
            for affix, _ in sorted(gone, key=lambda r: -len(r[0])):
                score.remove(affix)
            for affix, label in sorted(new, key=lambda r: len(r[0])):
                score.set(affix, label)
            out.append(score.wrong)
            previous = program
        return out

    def predict(self, task: Task, program: RuleList) -> np.ndarray:
        """The label index ``program`` gives each input of ``task.table``."""
        task = self.affix_task(task)
        return trie_labels(task, program)[1][task.trie.end]

    def coverage(self, task: Task, program: RuleList) -> list[RuleCoverage]:
        """Per rule (the default first, then general rules first): the inputs of ``task.table``
        that take their label from it (its affix is their longest matching one), and their weight."""
        task = self.affix_task(task)
        trie, table = task.trie, task.table
        rule_at, _ = trie_labels(task, program)
        owner = np.where(rule_at >= 0, np.arange(trie.n_nodes), 0)
        for d in range(1, int(trie.depth.max()) + 1):
            at = np.flatnonzero(trie.depth == d)
            owner[at] = np.where(rule_at[at] >= 0, at, owner[trie.parent[at]])
        ends = owner[trie.end]
        inputs = np.bincount(ends, minlength=trie.n_nodes)
        weight = np.bincount(ends, weights=table.weights.astype(float), minlength=trie.n_nodes)
        rules = [("", program.default)] + _ordered(program.rules.items())
        out = []
        for affix, label in rules:
            node = trie.find(task.parse_affix(affix)) if affix else 0
            covered = (int(inputs[node]), float(weight[node])) if node >= 0 else (0, 0.0)
            out.append(RuleCoverage(self.written(affix) if affix else "default", label, *covered))
        return out

    def roles(self, task: Task, program: RuleList) -> tuple[int, int]:
        """(general, memorised): how many rules decide several inputs, and how many one (or none)."""
        roles = [c.role for c in self.coverage(task, program)]
        return roles.count("general"), roles.count("memorised")

    def serialise(self, program: RuleList, previous: RuleList | None = None) -> dict:
        """``{"default", "add", "remove"}``: the change from ``previous`` (None: the empty
        list), rules written ``"affix → label"``, shorter affixes first."""
        removed, added = program.changes_from(previous)
        return {
            "default": program.default,
            "add": [self.written(a) + ARROW + l for a, l in _ordered(added)],
            "remove": [self.written(a) + ARROW + l for a, l in _ordered(removed)],
        }

    def deserialise(self, obj: object, previous: RuleList | None = None) -> RuleList:
        """Inverse of :meth:`serialise`."""
        if not (isinstance(obj, dict) and isinstance(obj.get("default"), str)
                and isinstance(obj.get("add"), list) and isinstance(obj.get("remove"), list)):
            raise FileFormatError(f'A {self.name} witness must be {{"default": str, "add": [...], "remove": [...]}}.')
        added = [(self.read(a), l) for a, l in _parse_rules(obj["add"])]
        removed = [(self.read(a), l) for a, l in _parse_rules(obj["remove"])]
        if previous is None:
            if removed:
                raise FileFormatError("The first witness of a diagram cannot remove rules.")
            return RuleList(obj["default"], added)
        try:
            out = RuleList.changed(previous, obj["default"], removed, added)
            out.rules  # noqa: B018 - check the change applies
        except ValueError as e:
            raise FileFormatError(f"Witness change does not apply to the previous step: {e}") from None
        return out

    def describe(self, program: RuleList) -> list[str]:
        """Readable lines: the default, then the rules, general first."""
        return [f"default{ARROW}{program.default}"] + [self.written(a) + ARROW + l
                                                       for a, l in _ordered(program.rules.items())]


class PrefixRules(AffixRules):
    """The ``prefix-rules`` class: an affix matches the start of an input."""

    name = "prefix-rules"

    def affix_task(self, task: Task) -> Task:
        return task


class SuffixRules(AffixRules):
    """The ``suffix-rules`` class: an affix matches the end of an input, written ``-ir``; the
    anchored affix ``^word`` matches the whole input only. Runs on :attr:`Task.reversed`."""

    name = "suffix-rules"

    def affix_task(self, task: Task) -> Task:
        return task.reversed

    def written(self, affix: str) -> str:
        return affix if affix.startswith(ANCHOR) else "-" + affix

    def read(self, text: str) -> str:
        if text.startswith(ANCHOR):
            return text
        if not text.startswith("-"):
            raise FileFormatError(f"A suffix rule is written '-suffix' or '{ANCHOR}word'; got '{text}'.")
        return text[1:]


@dataclass(frozen=True)
class RuleCoverage:
    """One rule of a list and the inputs it decides: ``inputs`` (count) and ``weight`` (their
    total weight). A rule deciding a single input memorises it; one deciding more is general."""

    rule: str
    label: str
    inputs: int
    weight: float

    @property
    def role(self) -> str:
        return "default" if self.rule == "default" else "memorised" if self.inputs <= 1 else "general"


def _indexed(task: Task, program: RuleList) -> tuple[int, list[tuple[tuple[int, ...], int]]]:
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
    """Per node of ``task.trie`` (affixes read as prefixes): the label index of the rule on it
    (-1: none) and the label its inputs take (longest match), propagated down level by level."""
    default, rules = _indexed(task, program)
    trie = task.trie
    rule_at = np.full(trie.n_nodes, -1, dtype=np.int64)
    for affix, label in rules:
        node = trie.find(affix)
        if node > 0:
            rule_at[node] = label
    label_at = np.full(trie.n_nodes, default, dtype=np.int64)
    for d in range(1, int(trie.depth.max()) + 1):
        at = np.flatnonzero(trie.depth == d)
        label_at[at] = np.where(rule_at[at] >= 0, rule_at[at], label_at[trie.parent[at]])
    return rule_at, label_at


def _parse_rules(items: list) -> list[Rule]:
    out = []
    for item in items:
        affix, sep, label = item.rpartition(ARROW) if isinstance(item, str) else ("", "", "")
        if not sep or not affix or not label:
            raise FileFormatError(f"Rule {item!r} is not of the form 'affix{ARROW}label'.")
        out.append((affix, label))
    return out
