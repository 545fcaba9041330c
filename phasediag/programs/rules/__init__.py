"""Affix-rule lists: a free default label plus rules ``affix → label``.

An input takes the label of its longest matching rule (the default if none matches); the
complexity is the number of rules. Prefix rules match the start of an input, suffix rules its end
(``-ir``, or ``^word`` for the whole input). A rule whose affix is a whole input memorises one
datapoint. The package holds the rule list itself (:mod:`.rulelist`), the sampler's moves
(:mod:`.moves`), the exact tree DP (:mod:`.dp`), the CP-SAT minimiser (:mod:`.cpsat`), the
exact density of states (:mod:`.density`) and the least correct list (:mod:`.construction`).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Sequence

import numpy as np

from ... import views
from ...errors import FileFormatError
from ...files import write_table_csv
from ...tables import ANCHOR
from ...task import Task
from ..base import Coverage, ProgramClass
from .construction import least_correct_rules
from .cpsat import cpsat_diagram
from .density import exact_density
from .dp import dp_diagram
from .moves import RuleKernel
from .rulelist import ARROW, RuleList, RuleScore, indexed, ordered, parse_rules, trie_labels

__all__ = ["AffixRules", "PrefixRules", "SuffixRules", "RuleList", "RuleScore", "trie_labels", "ARROW"]


class AffixRules(ProgramClass):
    """A rule-list program class (one reading direction). Every method works on
    :meth:`affix_task`, the task read so that this class's affixes are its prefixes; the DP,
    CP-SAT and the sampler then serve both directions with one implementation."""

    unit = "rules"
    exact_methods = MappingProxyType({"dp": dp_diagram, "cpsat": cpsat_diagram})
    capabilities = frozenset({"coverage", "exact_density", "export"})
    export_formats = (".csv",)

    def fastest_exact(self, task: Task) -> str:
        """The tree DP: polynomial in the trie (CP-SAT is its independent cross-check)."""
        return "dp"

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

    def sampler(self, task: Task, capacity: int | None = None) -> RuleKernel:
        """The tempered sampler's moves on rule lists of at most ``capacity`` rules."""
        return RuleKernel(self.affix_task(task), capacity)

    def exact_density(self, task: Task):
        """The exact ln g(c, w) of rule lists on a listed task (:func:`.density.exact_density`)."""
        return exact_density(self.affix_task(task))

    def correct_program(self, task: Task, deadline: float | None = None) -> RuleList | None:
        """The least rule list with no wrong weight (:func:`.construction.least_correct_rules`,
        exact): it closes a sampled front at error 0; None where the task is too large to list
        or no list is correct."""
        return views.kept(task, f"least correct {self.name}", lambda: least_correct_rules(self.affix_task(task)))

    def lower_bound(self, task: Task, wrong: int) -> int:
        """At ``wrong`` = 0, the size of :meth:`correct_program` (proved least); else 0."""
        least = self.correct_program(task) if wrong == 0 else None
        return 0 if least is None else len(least)

    def wrong_weights(self, task: Task, programs: Sequence[RuleList]) -> list[int]:
        """:meth:`wrong_weight` of each program, one score updated by the rules that change from
        one program to the next (so a front of R steps costs O(rules changed), not O(R²)). Exact
        from the task's affix masses: works on 10^20 inputs."""
        task = self.affix_task(task)
        out, score, previous = [], None, None
        for program in programs:
            removed, added = program.changes_from(previous)
            default, _ = indexed(task, RuleList(program.default))
            if score is None:
                score = RuleScore(task, default)
            score.set((), default)
            kept = {a for a, _ in added}
            _, gone = indexed(task, RuleList(program.default, [r for r in removed if r[0] not in kept]))
            _, new = indexed(task, RuleList(program.default, added))
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
        return trie_labels(task, program)[1][views.trie(task).end]

    def coverage(self, task: Task, program: RuleList) -> list[Coverage]:
        """Per rule (the default first, then general rules first): the inputs of ``task.table``
        that take their label from it (its affix is their longest matching one), and their weight."""
        task = self.affix_task(task)
        trie, table = views.trie(task), task.table
        rule_at, _ = trie_labels(task, program)
        owner = np.where(rule_at >= 0, np.arange(trie.n_nodes), 0)
        for at in trie.levels[1:]:
            owner[at] = np.where(rule_at[at] >= 0, at, owner[trie.parent[at]])
        ends = owner[trie.end]
        inputs = np.bincount(ends, minlength=trie.n_nodes)
        weight = np.bincount(ends, weights=table.weights.astype(float), minlength=trie.n_nodes)
        rules = [("", program.default)] + ordered(program.rules.items())
        out = []
        for affix, label in rules:
            node = trie.find(task.parse_affix(affix)) if affix else 0
            covered = (int(inputs[node]), float(weight[node])) if node >= 0 else (0, 0.0)
            out.append(Coverage(self.written(affix) if affix else "default", label, *covered))
        return out

    def serialise(self, program: RuleList, previous: RuleList | None = None) -> dict:
        """``{"default", "add", "remove"}``: the change from ``previous`` (None: the empty
        list), rules written ``"affix → label"``, shorter affixes first."""
        removed, added = program.changes_from(previous)
        return {
            "default": program.default,
            "add": [self.written(a) + ARROW + l for a, l in ordered(added)],
            "remove": [self.written(a) + ARROW + l for a, l in ordered(removed)],
        }

    def deserialise(self, obj: object, previous: RuleList | None = None) -> RuleList:
        """Inverse of :meth:`serialise`."""
        return self.reader(previous)(obj)

    def reader(self, previous: RuleList | None = None):
        """Read the witnesses of one diagram in order, each written as its change from the one
        before: the changes are checked against a running copy of the rules, so a front of R
        steps reads in time linear in its changes."""
        rules = {} if previous is None else previous.rules
        last = [previous]

        def read(obj: object) -> RuleList:
            if not (isinstance(obj, dict) and isinstance(obj.get("default"), str)
                    and isinstance(obj.get("add"), list) and isinstance(obj.get("remove"), list)):
                raise FileFormatError(f'A {self.name} witness must be {{"default": str, "add": [...], "remove": [...]}}.')
            added = [(self.read(a), y) for a, y in parse_rules(obj["add"])]
            removed = [(self.read(a), y) for a, y in parse_rules(obj["remove"])]
            if last[0] is None and removed:
                raise FileFormatError("The first witness of a diagram cannot remove rules.")
            for affix, label in removed:
                if rules.get(affix) != label:
                    raise FileFormatError(f"Witness change does not apply to the previous step: rule "
                                          f"'{affix}{ARROW}{label}' is not in it.")
                del rules[affix]
            for affix, label in added:
                if affix in rules:
                    raise FileFormatError(f"Witness change does not apply to the previous step: rule affix "
                                          f"'{affix}' is already in it.")
                rules[affix] = label
            out = (RuleList(obj["default"], added) if last[0] is None
                   else RuleList.changed(last[0], obj["default"], removed, added))
            last[0] = out
            return out

        return read

    def export(self, program: RuleList, path) -> None:
        """The rule list as CSV: ``affix,label`` rows, the default first (affix ``default``),
        then the rules, general first, affixes written as in witnesses (``-ir``, ``^aller``)."""
        rows = [{"affix": "default", "label": program.default}]
        rows += [{"affix": self.written(a), "label": y} for a, y in ordered(program.rules.items())]
        write_table_csv(rows, path, ["affix", "label"])

    def describe(self, program: RuleList) -> list[str]:
        """Readable lines: the default, then the rules, general first."""
        return [f"default{ARROW}{program.default}"] + [self.written(a) + ARROW + l
                                                       for a, l in ordered(program.rules.items())]


class PrefixRules(AffixRules):
    """The ``prefix-rules`` class: an affix matches the start of an input."""

    name = "prefix-rules"

    def affix_task(self, task: Task) -> Task:
        return task


class SuffixRules(AffixRules):
    """The ``suffix-rules`` class: an affix matches the end of an input, written ``-ir``; the
    anchored affix ``^word`` matches the whole input only. Runs on :func:`phasediag.views.reversed_task`."""

    name = "suffix-rules"

    def affix_task(self, task: Task) -> Task:
        return views.reversed_task(task)

    def written(self, affix: str) -> str:
        return affix if affix.startswith(ANCHOR) else "-" + affix

    def read(self, text: str) -> str:
        if text.startswith(ANCHOR):
            return text
        if not text.startswith("-"):
            raise FileFormatError(f"A suffix rule is written '-suffix' or '{ANCHOR}word'; got '{text}'.")
        return text[1:]
