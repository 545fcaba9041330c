"""Prefix laws: the label masses under every prefix of a task, as compiled functions.

The rule sampler scores a rule list by the weight under each of its affixes, and proposes new
affixes by walking down from the empty prefix. A *prefix law* is what it needs for that, supplied
once per kind of task and bound into the sampler's moves as they are compiled (as the moves are
bound into the samplers' loops): the trie of a listed task (:mod:`phasediag.programs.rules`), or
a family's closed form (prefix-sorting's one-per-parent structure, at 10^20 inputs).

The functions walk a *cursor*, a uint64 array of two words each law uses as it likes (a trie
node; a prefix hash and a parity), from the empty prefix down, letter by letter. With M(u) the
weight under prefix u per label and ŷ(u) u's majority label, the *gain* of a child v of u is
max_y M(v)_y − M(v)_ŷ(u): the weight a rule on v fixes if u's best label held there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, NamedTuple

__all__ = ["LawFunctions", "PrefixLaw"]


class LawFunctions(NamedTuple):
    """The compiled functions of one kind of law, over its data ``law`` and a cursor ``cur``:

    - ``root(law, cur)``: the cursor at the empty prefix;
    - ``descend(law, cur, depth, a)``: from a prefix of length ``depth`` to its extension by
      letter a; False when no input starts with it (the cursor is then invalid);
    - ``mass(law, cur, depth, out)``: out[y] = M(prefix)_y (float);
    - ``children(law, cur, depth)``: how many letters extend the prefix to one some input has;
    - ``child_letter(law, cur, depth, k)``: the k-th of them, in increasing order;
    - ``pick_gain(law, cur, depth, rng, r)``: a child letter drawn ∝ its gain (stream r of
      :mod:`phasediag.streams`), or -1 when no child has gain;
    - ``gain_share(law, cur, depth, a)``: the probability that ``pick_gain`` draws letter a
      (gain(a) / Σ gains), or -1 when no child has gain;
    - ``draw_input(law, rng, r, out)``: an input x ~ μ into ``out``; returns its length;
    - ``cut_share(law, cur, depth)``: Σ μ(x)/|x| over the inputs x under the prefix (the
      chance that an input x ~ μ cut at a uniform depth 1..|x| is this prefix).
    """

    root: Callable
    descend: Callable
    mass: Callable
    children: Callable
    child_letter: Callable
    pick_gain: Callable
    gain_share: Callable
    draw_input: Callable
    cut_share: Callable


@dataclass(frozen=True, eq=False)
class PrefixLaw:
    """A prefix law: ``data`` (a tuple of numbers and arrays the ``functions`` read), the longest
    input ``length``, the number of prefixes a rule may sit on (``affixes``), and whether its
    masses are exact integers (``exact``: listed tasks; closed forms at 10^20 inputs are floats)."""

    data: tuple
    functions: LawFunctions
    length: int
    affixes: int
    exact: bool
