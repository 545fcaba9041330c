"""Prefix-sorting: the toy task of the essay on the generalisation phase diagram.

Inputs are the n^L strings of ``length`` = L letters over ``n`` letters, uniform. Some prefixes are
*exceptional*; the label of x is the parity of the number of exceptional prefixes of x (lengths
1..L), so each exception flips the label its parent prefix implies (default label 0).

Structures (all decided by the seeded prefix hash of :mod:`phasediag.seeding`, so any one prefix
can be decided on its own):

- ``one-per-parent`` (default): every prefix u of length k-1 has exactly one exceptional extension,
  the letter ``h(u) mod n``. There are n^(k-1) exceptional prefixes of length k, each covering
  n^-k of the inputs. Under a prefix of length d with m = L - d letters to go, the inputs whose
  remaining exceptions are even number (n^m + (n-2)^m)/2, so every label mass is known in closed
  form and the exact DP runs on L + 1 shared levels at any size.
- ``bernoulli``: each prefix u of length k ≥ 1 is exceptional with probability ``rate``
  (``uniform(h(u)) < rate``).
- ``zipf``: as bernoulli with rate q_k = min(1, rate · k^-alpha) at length k, so the mass of
  exceptions per level falls as a power law.
"""

from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import numpy as np

from ..laws import LawFunctions, PrefixLaw
from ..params import Param
from ..ruledag import DagBuilder, RuleDag
from ..seeding import PHI, hash_extend, hash_root, hash_uniform, mix
from ..streams import compiled, randint, uniform
from ..tables import TaskTable, alphabet
from ..task import Task

__all__ = ["PrefixSorting"]


class PrefixSorting(Task):
    family = "prefix-sorting"
    description = (
        "Strings of `length` letters over `n` letters, uniform; the label is the parity of the "
        "number of exceptional prefixes of the input."
    )
    natural_programs = "prefix-rules"
    parameters = (
        Param("n", int, 5, "letters in the alphabet", low=2, high=3844),
        Param("length", int, 5, "letters per input (L)", low=1, high=1000),
        Param("structure", str, "one-per-parent", "which prefixes are exceptional",
              choices=("one-per-parent", "bernoulli", "zipf")),
        Param("rate", float, 0.2, "probability that a prefix is exceptional (zipf: at length 1)",
              low=0.0, high=1.0, low_open=True, when=("structure", ("bernoulli", "zipf"))),
        Param("alpha", float, 1.0, "power-law exponent of the exception rate over lengths",
              low=0.0, when=("structure", ("zipf",))),
        Param("seed", int, 0, "seed of the prefix hash (taken mod 2^64)", low=0),
    )

    @property
    def n(self) -> int:
        return self.params["n"]

    @property
    def length(self) -> int:
        return self.params["length"]

    @property
    def labels(self) -> tuple[str, ...]:
        return ("0", "1")

    @property
    def alphabet(self) -> tuple[str, ...]:
        return alphabet(self.n)

    @property
    def n_inputs(self) -> int:
        return self.n**self.length

    @property
    def total_weight(self) -> int:
        return self.n_inputs

    @property
    def closed_form_known(self) -> bool:
        """True when label masses follow a closed form (structure one-per-parent)."""
        return self.params["structure"] == "one-per-parent"

    def exceptional(self, h_parent: np.ndarray, letters: np.ndarray, depth: int) -> np.ndarray:
        """Whether prefixes u·a of length ``depth`` are exceptional, given h(u) and the letters a."""
        structure = self.params["structure"]
        if structure == "one-per-parent":
            return (h_parent % np.uint64(self.n)) == np.asarray(letters, dtype=np.uint64)
        rate = self.params["rate"]
        if structure == "zipf":
            rate = min(1.0, rate * depth ** -self.params["alpha"])
        return hash_uniform(hash_extend(h_parent, letters)) < rate

    def _list_inputs(self) -> TaskTable:
        n, length = self.n, self.length
        index = np.arange(self.n_inputs, dtype=np.int64)
        codes = np.empty((self.n_inputs, length), dtype=np.int16)
        for d in range(length):
            codes[:, d] = (index // n ** (length - 1 - d)) % n
        return TaskTable(codes, self._label(codes), np.ones(self.n_inputs, dtype=np.int64))

    def draw(self, generator: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``size`` uniform strings (with replacement) and their labels, at any n and length."""
        codes = generator.integers(0, self.n, size=(size, self.length), dtype=np.int16)
        return codes, self._label(codes)

    def _label(self, codes: np.ndarray) -> np.ndarray:
        """Labels of full-length inputs: the parity of their exceptional prefixes."""
        h = hash_root(self.params["seed"], len(codes))
        label = np.zeros(len(codes), dtype=np.int64)
        for d in range(codes.shape[1]):
            label ^= self.exceptional(h, codes[:, d], d + 1)
            h = hash_extend(h, codes[:, d])
        return label

    def too_large_hint(self) -> str:
        if self.closed_form_known:
            return ("Its exact diagram needs no listing (label masses are in closed form): "
                    "use compute --method dp with --max-complexity or --eps.")
        return ("Exact methods at this size need structure=one-per-parent, whose label masses "
                "are known in closed form.")

    # --- closed form (one-per-parent) -----------------------------------------------------------
    @cached_property
    def _states(self) -> dict[tuple[int, ...], tuple[np.ndarray, int]]:
        return {(): (hash_root(self.params["seed"]), 0)}

    def prefix_state(self, affix: tuple[int, ...]) -> tuple[np.ndarray, int]:
        """(h(affix), natural label of affix): the hash and the parity of its exceptional
        prefixes. Memoised, so a prefix whose parent was seen costs one hash."""
        states = self._states
        known = len(affix)
        while affix[:known] not in states:
            known -= 1
        h, parity = states[affix[:known]]
        if len(states) > 1 << 20:
            states.clear()
            states[()] = (hash_root(self.params["seed"]), 0)
        for depth in range(known + 1, len(affix) + 1):
            a = affix[depth - 1]
            h, parity = hash_extend(h, a), parity ^ int(self.exceptional(h, a, depth)[0])
            states[affix[:depth]] = (h, parity)
        return h, parity

    def _level_masses(self, depth: int) -> tuple[int, int]:
        """(agreeing, disagreeing) input counts under a prefix of length ``depth``: inputs whose
        label equals / differs from the prefix's natural label (one-per-parent)."""
        m = self.length - depth
        even = (self.n**m + (self.n - 2) ** m) // 2
        return even, self.n**m - even

    def closed_form(self) -> _OnePerParent | None:
        """One-per-parent: the label masses of every prefix in closed form (else None)."""
        return _OnePerParent(self) if self.closed_form_known else None


class _OnePerParent:
    """The closed form of one-per-parent prefix-sorting (see :class:`~phasediag.task.ClosedForm`):
    under a prefix of length d, the inputs agreeing with its natural label weigh
    ``_level_masses(d)[0]``, the others ``[1]``."""

    def __init__(self, task: PrefixSorting):
        self._task = task

    def mass(self, affix: tuple[int, ...]) -> tuple[int, ...]:
        task = self._task
        if len(affix) > task.length or any(not 0 <= a < task.n for a in affix):
            return (0, 0)
        agree, disagree = task._level_masses(len(affix))
        return (agree, disagree) if task.prefix_state(affix)[1] == 0 else (disagree, agree)

    def law(self) -> PrefixLaw:
        """The same masses for the rule sampler (floats), as compiled functions of a prefix's hash
        and parity (see the law functions below)."""
        task = self._task
        level = np.array([task._level_masses(d) for d in range(task.length + 1)], dtype=np.float64)
        data = _LevelLaw(task.n, task.length, hash_root(task.params["seed"]), level)
        affixes = (task.n ** (task.length + 1) - 1) // (task.n - 1) - 1
        return PrefixLaw(data, _LAW, task.length, affixes, False)

    def rule_dag(self) -> RuleDag:
        """L + 1 shared levels. A level-d node has states 0 (inherited label equals its natural
        label) and 1 (differs); its exceptional child sees the state flipped, its n - 1 other
        children (a sum chain) see it unchanged."""
        task = self._task
        builder, below = DagBuilder(), -1
        for depth in range(task.length, -1, -1):
            edges = ()
            if depth < task.length:
                edges = ((below, 0, (1, 0)), (builder.repeat(below, task.n - 1), 1, (0, 1)))
            agree, disagree = task._level_masses(depth)
            below = builder.add(ruleable=depth > 0, wrong=(disagree, agree),
                                rule_states=(0, 1), edges=edges)
        n_prefixes = (task.n ** (task.length + 1) - 1) // (task.n - 1) - 1
        return builder.build(below, _OnePerParentLocator(task), n_prefixes)


class _OnePerParentLocator:
    """Handles are prefixes (letter tuples). Slot 0 is the exceptional letter, slots 1..n-1 the
    other letters in increasing order."""

    root: tuple[int, ...] = ()

    def __init__(self, task: PrefixSorting):
        self._task = task

    def child(self, handle: tuple[int, ...], slot: int) -> tuple[int, ...]:
        special = int(self._task.prefix_state(handle)[0][0] % np.uint64(self._task.n))
        return handle + (special if slot == 0 else (slot - 1 if slot - 1 < special else slot),)

    def affix(self, handle: tuple[int, ...]) -> tuple[int, ...]:
        return handle

    def label(self, handle: tuple[int, ...], node: int, state: int) -> int:
        return self._task.prefix_state(handle)[1] ^ state


# --- the closed form as a prefix law for the rule sampler (see phasediag.laws) -----------------
class _LevelLaw(NamedTuple):
    """n letters, inputs of ``length``, h("") (``root_hash``, a 1-array), and per depth d the
    (agreeing, disagreeing) mass under a prefix of length d. The cursor holds (h(u), parity of
    u's exceptional prefixes)."""

    n: int
    length: int
    root_hash: np.ndarray
    level: np.ndarray


@compiled
def _law_root(law, cur):
    cur[0], cur[1] = law.root_hash[0], 0


@compiled
def _law_descend(law, cur, depth, a):
    """u·a is exceptional when h(u) mod n = a: it flips the parity."""
    if depth >= law.length or a < 0 or a >= law.n:
        return False
    h = cur[0]
    if h % np.uint64(law.n) == np.uint64(a):
        cur[1] ^= np.uint64(1)
    cur[0] = mix(h ^ (np.uint64(a + 1) * PHI))
    return True


@compiled
def _law_mass(law, cur, depth, out):
    parity = np.int64(cur[1])
    out[0], out[1] = law.level[depth, parity], law.level[depth, 1 - parity]


@compiled
def _law_children(law, cur, depth):
    return law.n if depth < law.length else 0


@compiled
def _law_child_letter(law, cur, depth, k):
    return k


@compiled
def _gains(law, cur, depth):
    """(gain of the exceptional child, gain of each other child, Σ of the children's gains, the
    exceptional letter) of the prefix at the cursor: a child's natural label is its parent's,
    flipped for the exceptional one. Σ is 0 at full length (no children)."""
    if depth >= law.length:
        return 0.0, 0.0, 0.0, -1
    level = law.level
    below = level[depth + 1, 0] + level[depth + 1, 1]
    best = max(level[depth + 1, 0], level[depth + 1, 1])
    natural = level[depth, 0] >= level[depth, 1]  # the parent's majority is its natural label
    exceptional = best - (level[depth + 1, 1] if natural else below - level[depth + 1, 1])
    other = best - (level[depth + 1, 0] if natural else below - level[depth + 1, 0])
    return exceptional, other, exceptional + (law.n - 1) * other, np.int64(cur[0] % np.uint64(law.n))


@compiled
def _law_pick_gain(law, cur, depth, rng, r):
    g_exc, _, total, exc = _gains(law, cur, depth)
    if total <= 0.0:
        return -1
    if uniform(rng, r) * total < g_exc:
        return exc
    a = randint(rng, r, law.n - 1)
    return a + (a >= exc)


@compiled
def _law_gain_share(law, cur, depth, a):
    g_exc, g_other, total, exc = _gains(law, cur, depth)
    if total <= 0.0:
        return -1.0
    return (g_exc if a == exc else g_other) / total


@compiled
def _law_draw_input(law, rng, r, out):
    for j in range(law.length):
        out[j] = randint(rng, r, law.n)
    return law.length


@compiled
def _law_cut_share(law, cur, depth):
    return (1.0 / law.n) ** depth / law.length


_LAW = LawFunctions(_law_root, _law_descend, _law_mass, _law_children, _law_child_letter, _law_pick_gain,
                    _law_gain_share, _law_draw_input, _law_cut_share)
