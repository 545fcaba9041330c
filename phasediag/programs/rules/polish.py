"""Exact local improvement of a sampled rule-list front on a listed task's trie (Numba).

A program is a label per trie node (-1: no rule; node 0, the root, holds the default). With M(v)
the label masses under node v and D(v) the mass its nearest rules strictly below claim, a rule on v
decides X(v) = M(v) − D(v), and the wrong weight is Σ_rules [ΣX(v) − X_{y_v}(v)]. X is kept for
every node, rule or not: adding or deleting the rule on v changes X only on the path from v's
parent up to its nearest rule above (by ∓X(v)), so one scan of the trie (parents before children)
prices every single add (X_{above}(v) − max_y X_y(v)) and every delete (X_{y_v}(v) − X_{above}(v)).

*Polishing* a program at a fixed number of rules, while the wrong weight falls: swap — add the
rule of largest gain, delete the rule of least loss, the rule above each relabelled to its best
label; else re-solve *windows* exactly — the subtrees of at most WINDOW_NODES nodes holding
fewer than WINDOW_RULES rules, each by the tree DP on that subtree alone (its rules re-placed
within it), then up to TRADE_RULES rules moved between windows, the best such trade found by a DP
over the windows (a rule with its exception pays in one window only as a pair); else add the best
*pair* (a rule and one exception below it, which neither pays alone) against the two rules of
least loss; else (at every FLIP_EVERY-th size) switch the default: exchange it with a top rule
(that rule's label the default, the best rule added), or, up to FRESH_DEFAULTS labels, any label
the default with every window re-solved for it.
*Sweeping* a front: up from its simplest step, each step's polished program plus its best add is
the next size's candidate; down from its most complex, minus its best delete; wherever the
sampler (or the other sweep) holds a better program of a size (a sampled one: as good), the
sweep goes on from that one.
The programs passed are local optima of these moves, not proved: their steps stay ``sampled``.
"""

from __future__ import annotations

from time import perf_counter

import numpy as np

from ...streams import allocating, compiled, copy
from .trielaw import descend, root

__all__ = ["sweep_front", "load_rows"]

#: Swap rounds per size and sweep; the best pairs each round tries, grown into groups of at most
#: GROUP rules (a rule and its exceptions). Measured on prefix-sorting seeds 5 and 9 before the
#: windows came (steps matched on seed 5: 94% with one pair, 2% with three or six; groups of
#: three: no better).
SWAP_ROUNDS, PAIR_TRIES, GROUP = 32, 1, 2
#: Windows re-solved exactly: subtrees of at most WINDOW_NODES nodes holding fewer than
#: WINDOW_RULES rules.
WINDOW_NODES, WINDOW_RULES = 2048, 12
#: Rules moved between windows at once, at most.
TRADE_RULES = 2
_INF = np.int64(1) << 60
#: Up and down sweeps, alternated until a pair improves no size or this many pairs ran; the
#: first also sweeps up from each default label alone where there are at most FRESH_DEFAULTS.
MAX_SWEEPS, FRESH_DEFAULTS = 4, 4
#: Polishing tries switching the default at every FLIP_EVERY-th size only (a plain switch re-solves
#: every window); the sweeps carry a switched program to the sizes between.
FLIP_EVERY = 8


@compiled
def _score(parent, mass, lab, x):
    """Fill x (nodes × labels) with X(v) for the program ``lab``; returns its wrong weight."""
    n, k = mass.shape
    x[:, :] = 0
    for v in range(n - 1, 0, -1):  # x holds D first: children come after their parent
        p = parent[v]
        if lab[v] >= 0:
            for y in range(k):
                x[p, y] += mass[v, y]
        else:
            for y in range(k):
                x[p, y] += x[v, y]
    wrong = 0
    for v in range(n):
        total = 0
        for y in range(k):
            x[v, y] = mass[v, y] - x[v, y]
            total += x[v, y]
        if lab[v] >= 0:
            wrong += total - x[v, lab[v]]
    return wrong


@compiled
def _above(parent, lab, v):
    """The nearest node strictly above v that holds a rule (the root holds the default)."""
    p = parent[v]
    while lab[p] < 0:
        p = parent[p]
    return p


@compiled
def _best_label(x, v, current):
    """The label of most mass in X(v) (``current`` where it ties)."""
    best = current
    for y in range(x.shape[1]):
        if x[v, y] > x[v, best]:
            best = y
    return best


@compiled
def _shift(parent, lab, x, v, sign):
    """X along the path from v's parent to its nearest rule above, after v gains (sign −1) or
    loses (+1) its rule; returns that rule's node."""
    p = parent[v]
    while True:
        for y in range(x.shape[1]):
            x[p, y] += sign * x[v, y]
        if lab[p] >= 0:
            return p
        p = parent[p]


@compiled
def _gains(parent, lab, x, above, skip, keep):
    """One scan: (node, label, Δwrong) of the best add and (node, Δwrong) of the least-loss delete
    (node -1: none; the delete is never of ``skip`` or ``keep``). ``above`` is scratch."""
    n = lab.shape[0]
    add_v, add_y, add_dw = -1, -1, 0
    del_v, del_dw = -1, 0
    above[0] = 0
    for v in range(1, n):
        p = parent[v]
        a = p if lab[p] >= 0 else above[p]
        above[v] = a
        ya = lab[a]
        if lab[v] < 0:
            y = _best_label(x, v, ya)
            dw = x[v, ya] - x[v, y]
            if dw < add_dw:
                add_v, add_y, add_dw = v, y, dw
        elif v != skip and v != keep:
            dw = x[v, lab[v]] - x[v, ya]
            if del_v < 0 or dw < del_dw:
                del_v, del_dw = v, dw
    return add_v, add_y, add_dw, del_v, del_dw


@compiled
def _add(parent, lab, x, v, y):
    """Put the rule v → y in; the rule above relabelled to its best label. Returns Δwrong."""
    r = _above(parent, lab, v)
    dw = x[v, lab[r]] - x[v, y]  # v's inputs leave r's label for y
    lab[v] = y
    _shift(parent, lab, x, v, -1)
    return dw + _relabel(lab, x, r)


@compiled
def _delete(parent, lab, x, v):
    """Take the rule on v out; the rule above relabelled to its best label. Returns Δwrong."""
    y = lab[v]
    lab[v] = -1
    r = _above(parent, lab, v)
    dw = x[v, y] - x[v, lab[r]]
    _shift(parent, lab, x, v, 1)
    return dw + _relabel(lab, x, r)


@compiled
def _relabel(lab, x, r):
    """Relabel rule r to its best label; returns Δwrong."""
    y = _best_label(x, r, lab[r])
    dw = x[r, lab[r]] - x[r, y]
    lab[r] = y
    return dw


@compiled
def _pairs(parent, lab, x, above, follow, node, top_v, top_y, top_dw):
    """The best *pair* adds: a rule v → y and, below it with no rule between, its exception w →
    its best label (what exceptions to exceptions need: neither rule pays alone). follow[v, y] is
    the best Δwrong of one add strictly below a rule v → y (at node[v, y]), filled children first.
    Fills top_v/top_y/top_dw with the len(top_v) best pairs by Δwrong of both (v = -1: none), the
    best first; returns the exception node of the best (-1: no pair lowers the wrong weight)."""
    n, k = x.shape
    m = top_v.shape[0]
    follow[:, :] = 0
    node[:, :] = -1
    for v in range(n - 1, 0, -1):
        if lab[v] >= 0:
            continue
        p, top = parent[v], _best_label(x, v, 0)
        for y in range(k):
            own = x[v, y] - x[v, top]
            if own < follow[p, y]:
                follow[p, y], node[p, y] = own, v
            if follow[v, y] < follow[p, y]:
                follow[p, y], node[p, y] = follow[v, y], node[v, y]
    top_v[:], top_y[:], top_dw[:] = -1, -1, 0
    best_w = -1
    above[0] = 0
    for v in range(1, n):
        p = parent[v]
        a = p if lab[p] >= 0 else above[p]
        above[v] = a
        if lab[v] >= 0:
            continue
        ya, vy, vdw, vw = lab[a], -1, 0, -1
        for y in range(k):
            if y != ya and node[v, y] >= 0:
                dw = x[v, ya] - x[v, y] + follow[v, y]
                if dw < vdw:
                    vy, vdw, vw = y, dw, node[v, y]
        if vy < 0 or vdw >= top_dw[m - 1]:
            continue
        i = m - 1  # insert into the sorted top list
        while i > 0 and top_dw[i - 1] > vdw:
            top_v[i], top_y[i], top_dw[i] = top_v[i - 1], top_y[i - 1], top_dw[i - 1]
            i -= 1
        top_v[i], top_y[i], top_dw[i] = v, vy, vdw
        if i == 0:
            best_w = vw
    return best_w


@compiled
def _best_below(child_start, lab, x, v, stack, labels):
    """(node, label, Δwrong) of the best add strictly below the rule on v (-1: none helps): a walk
    of v's subtree that knows each node's nearest rule above."""
    best_w, best_y, best_dw = -1, -1, 0
    top = 0
    for c in range(child_start[v], child_start[v + 1]):
        stack[top], labels[top] = c, lab[v]
        top += 1
    while top > 0:
        top -= 1
        u, ya = stack[top], labels[top]
        if lab[u] >= 0:
            ya = lab[u]
        else:
            y = _best_label(x, u, ya)
            dw = x[u, ya] - x[u, y]
            if dw < best_dw:
                best_w, best_y, best_dw = u, y, dw
        for c in range(child_start[u], child_start[u + 1]):
            stack[top], labels[top] = c, ya
            top += 1
    return best_w, best_y, best_dw


@allocating
def _cheapest(parent, lab, x, above, new, out):
    """Fill ``out`` with the len(out) rules of least loss, none of them in ``new`` (-1: too few)."""
    n, m = lab.shape[0], out.shape[0]
    loss = np.zeros(m, x.dtype)
    out[:] = -1
    above[0] = 0
    for v in range(1, n):
        p = parent[v]
        a = p if lab[p] >= 0 else above[p]
        above[v] = a
        if lab[v] < 0:
            continue
        fresh = False
        for u in new:
            fresh |= u == v
        if fresh:
            continue
        dw = x[v, lab[v]] - x[v, lab[a]]
        if out[m - 1] >= 0 and dw >= loss[m - 1]:
            continue
        i = m - 1
        while i > 0 and (out[i - 1] < 0 or loss[i - 1] > dw):
            out[i], loss[i] = out[i - 1], loss[i - 1]
            i -= 1
        out[i], loss[i] = v, dw


@allocating
def _group_swap(parent, child_start, lab, x, above, v, y, stack, labels):
    """Add v → y and up to GROUP − 1 of its best exceptions below it, then delete as many other
    rules of least loss; returns Δwrong (positive when there is nothing to delete)."""
    new = np.full(GROUP, -1, np.int64)
    new[0] = v
    dw = _add(parent, lab, x, v, y)
    added = 1
    while added < GROUP:
        w, wy, wdw = _best_below(child_start, lab, x, v, stack, labels)
        if w < 0:
            break
        dw += _add(parent, lab, x, w, wy)
        new[added] = w
        added += 1
    gone = np.full(added, -1, np.int64)
    _cheapest(parent, lab, x, above, new, gone)
    for d in gone:
        if d < 0:
            return 1
        if lab[d] >= 0:
            dw += _delete(parent, lab, x, d)
    return dw


@compiled
def _window_nodes(child_start, u, nodes, where):
    """The subtree of u into ``nodes`` (parents first: a subtree's nodes of one depth are a
    contiguous range of ids) and each one's place into ``where``; returns how many, or -1 when
    they do not fit."""
    nodes[0], where[u] = u, 0
    count, lo, hi = 1, u, u
    while True:
        clo, chi = child_start[lo], child_start[hi + 1]
        if clo >= chi:
            return count
        if count + chi - clo > nodes.shape[0]:
            return -1
        for v in range(clo, chi):
            nodes[count], where[v] = v, count
            count += 1
        lo, hi = clo, chi - 1


@compiled
def _convolve(out, fc, budget, tmp):
    """out ← min-plus convolution of out and fc over 0..budget rules."""
    tmp[:] = _INF
    for a in range(budget + 1):
        if out[a] >= _INF:
            continue
        for b in range(budget + 1 - a):
            if fc[b] < _INF and out[a] + fc[b] < tmp[a + b]:
                tmp[a + b] = out[a] + fc[b]
    copy(out, tmp)


@compiled
def _children_front(child_start, where, f, v, y, budget, out, tmp):
    """out[j]: least wrong weight of v's children's subtrees with j rules among them, label y
    inherited."""
    out[:] = _INF
    out[0] = 0
    for c in range(child_start[v], child_start[v + 1]):
        _convolve(out, f[where[c], y], budget, tmp)


@compiled
def _own(own, v, y):
    """Wrong weight of the inputs that end at v when they take label y."""
    return own[v].sum() - own[v, y]


@compiled
def _window_solve(parent, child_start, own, lab, y_in, count, budget, nodes, where, f, comb, tmp, eff):
    """The tree DP on the window ``nodes[:count]`` (a subtree, label ``y_in`` inherited) alone:
    f[i, y, j], the least wrong weight of the subtree of nodes[i] with j ≤ ``budget`` rules,
    label y inherited. Returns the wrong weight of the window's current placement."""
    k = own.shape[1]
    current = 0
    for i in range(count):
        v = nodes[i]
        up = y_in if i == 0 else eff[where[parent[v]]]
        eff[i] = lab[v] if lab[v] >= 0 else up
        current += _own(own, v, eff[i])
    for i in range(count - 1, -1, -1):
        v = nodes[i]
        for z in range(k):
            _children_front(child_start, where, f, v, z, budget, comb[z], tmp)
        for y in range(k):
            for j in range(budget + 1):
                best = _own(own, v, y) + comb[y, j] if comb[y, j] < _INF else _INF
                if j > 0:
                    for z in range(k):
                        if comb[z, j - 1] < _INF and _own(own, v, z) + comb[z, j - 1] < best:
                            best = _own(own, v, z) + comb[z, j - 1]
                f[i, y, j] = best
    return current


@allocating
def _window_place(child_start, own, lab, y_in, target, budget, nodes, where, f, comb, tmp, prefix):
    """Write the window's best placement of ``target`` rules (from :func:`_window_solve`'s f)
    into ``lab``, top down: each node's choice, then its rules split among its children."""
    k = own.shape[1]
    stack_i, stack_y, stack_j = nodes.copy(), nodes.copy(), nodes.copy()
    top = 1
    stack_i[0], stack_y[0], stack_j[0] = 0, y_in, target
    while top > 0:
        top -= 1
        i, y, j = stack_i[top], stack_y[top], stack_j[top]
        v = nodes[i]
        _children_front(child_start, where, f, v, y, budget, comb[0], tmp)
        if comb[0, j] < _INF and _own(own, v, y) + comb[0, j] == f[i, y, j]:
            lab[v], label, left = -1, y, j
        else:
            for z in range(k):
                _children_front(child_start, where, f, v, z, budget, comb[0], tmp)
                if comb[0, j - 1] < _INF and _own(own, v, z) + comb[0, j - 1] == f[i, y, j]:
                    break
            lab[v], label, left = z, z, j - 1
        first, last = child_start[v], child_start[v + 1]
        prefix[0, :] = _INF
        prefix[0, 0] = 0
        for c in range(first, last):
            prefix[c - first + 1, :] = prefix[c - first]
            _convolve(prefix[c - first + 1], f[where[c], label], budget, tmp)
        for c in range(last - 1, first - 1, -1):
            row, fc = prefix[c - first], f[where[c], label]
            for b in range(left + 1):
                if row[left - b] < _INF and fc[b] < _INF and row[left - b] + fc[b] == prefix[c - first + 1, left]:
                    break
            stack_i[top], stack_y[top], stack_j[top] = where[c], label, b
            top += 1
            left -= b


@compiled
def _window_state(lab, nodes, count, y_in):
    """(signature, rules) of a window's placement and inherited label."""
    sig, rules = np.int64(y_in + 1), 0
    for i in range(count):
        v = nodes[i]
        if lab[v] >= 0:
            rules += 1
            sig = sig * np.int64(1000003) + v * 64 + lab[v]
    return sig, rules


@allocating
def _windows(parent, child_start, own, size, lab, signature, delta, order, choice, held, nodes, where, f, comb, tmp,
             eff, prefix):
    """The maximal windows (subtrees of at most len(nodes) nodes holding fewer than WINDOW_RULES
    rules, whose parent's subtree is larger or holds more; the root's excepted; ``held`` is
    scratch for the rules under each node) re-solved exactly: each window's rules re-placed
    within it, then rules traded between windows where that pays (:func:`_trade`). A window is
    solved again only when its rules or inherited label changed (``signature``); ``delta[u, T + d]``
    keeps what d more rules change in window u, |d| ≤ T = TRADE_RULES. Returns Δwrong; lab
    changes, x does not."""
    total, limit, n, windows = 0, nodes.shape[0], lab.shape[0], 0
    held[:] = 0
    for v in range(n - 1, 0, -1):
        held[v] += lab[v] >= 0
        held[parent[v]] += held[v]
    for u in range(1, n):
        p = parent[u]
        if size[u] > limit or held[u] >= WINDOW_RULES or (p != 0 and size[p] <= limit and held[p] < WINDOW_RULES):
            continue
        y_in = lab[_above(parent, lab, u)]
        count = _window_nodes(child_start, u, nodes, where)
        sig, rules = _window_state(lab, nodes, count, y_in)
        if sig != signature[u]:
            current = _window_solve(parent, child_start, own, lab, y_in, count, rules + TRADE_RULES, nodes, where,
                                    f, comb, tmp, eff)
            if f[0, y_in, rules] < current:
                _window_place(child_start, own, lab, y_in, rules, rules + TRADE_RULES, nodes, where, f, comb, tmp,
                              prefix)
                total += f[0, y_in, rules] - current
                current = f[0, y_in, rules]
                sig, _ = _window_state(lab, nodes, count, y_in)
            for d in range(-TRADE_RULES, TRADE_RULES + 1):
                j = rules + d
                delta[u, TRADE_RULES + d] = f[0, y_in, j] - current if j >= 0 and f[0, y_in, j] < _INF else _INF
            signature[u] = sig
        order[windows] = u
        windows += 1
    return total + _trade(parent, child_start, own, lab, signature, delta, order[:windows], choice, nodes, where, f,
                          comb, tmp, eff, prefix)


@allocating
def _trade(parent, child_start, own, lab, signature, delta, order, choice, nodes, where, f, comb, tmp, eff, prefix):
    """Rules moved between the windows ``order``: window u gets d_u more rules (|d_u| ≤ T), Σ d_u
    = 0, at least Σ delta[u, T + d_u], by a DP over the windows whose running sum of d stays
    within ±T (every trade of at most T rules is one); applied when it pays. Returns Δwrong."""
    width = 2 * TRADE_RULES + 1
    best, step = np.full(width, _INF), np.full(width, _INF)
    best[TRADE_RULES] = 0
    for w in range(order.shape[0]):
        step[:] = _INF
        for s in range(width):
            if best[s] >= _INF:
                continue
            for d in range(-TRADE_RULES, TRADE_RULES + 1):
                t, cost = s + d, delta[order[w], TRADE_RULES + d]
                if 0 <= t < width and cost < _INF and best[s] + cost < step[t]:
                    step[t], choice[w, t] = best[s] + cost, d
        best[:] = step
    if best[TRADE_RULES] >= 0:
        return 0
    s = TRADE_RULES
    for w in range(order.shape[0] - 1, -1, -1):
        d = choice[w, s]
        s -= d
        if d == 0:
            continue
        u = order[w]
        y_in = lab[_above(parent, lab, u)]
        count = _window_nodes(child_start, u, nodes, where)
        _, rules = _window_state(lab, nodes, count, y_in)
        _window_solve(parent, child_start, own, lab, y_in, count, rules + TRADE_RULES, nodes, where, f, comb, tmp,
                      eff)
        _window_place(child_start, own, lab, y_in, rules + d, rules + TRADE_RULES, nodes, where, f, comb, tmp, prefix)
        signature[u] = -1
    return best[TRADE_RULES]


@allocating
def _polish(parent, child_start, mass, lab, x, above, follow, node, wrong, rounds, stack, labels, win, flip):
    """Swap rounds at a fixed size (module docstring): the best single add against the rule of
    least loss, else the windows re-solved (``win``: the arrays of :func:`_windows`), else the
    PAIR_TRIES best pairs, each grown into a group, else (where ``flip``) the default switched;
    returns the new wrong weight."""
    own, size, signature, delta, order, choice, held, nodes, where, f, comb, tmp, eff, prefix = win
    saved_labels, saved_x = lab.copy(), x.copy()
    top_v = np.full(PAIR_TRIES, -1, np.int64)
    top_y, top_dw = top_v.copy(), np.zeros(PAIR_TRIES, x.dtype)
    for _ in range(rounds):
        saved_labels[:] = lab
        saved_x[:, :] = x
        a, ya, dwa, _, _ = _gains(parent, lab, x, above, -1, -1)
        if a >= 0:
            dw = _add(parent, lab, x, a, ya)
            _, _, _, d, _ = _gains(parent, lab, x, above, a, -1)
            if d >= 0:
                dw += _delete(parent, lab, x, d)
                if dw < 0:
                    wrong += dw
                    continue
            lab[:] = saved_labels
            x[:, :] = saved_x
        if _windows(parent, child_start, own, size, lab, signature, delta, order, choice, held, nodes, where, f, comb,
                    tmp, eff, prefix) < 0:
            wrong = _score(parent, mass, lab, x)
            continue
        improved = False
        _pairs(parent, lab, x, above, follow, node, top_v, top_y, top_dw)
        for i in range(PAIR_TRIES):
            if top_v[i] < 0:
                break
            dw = _group_swap(parent, child_start, lab, x, above, top_v[i], top_y[i], stack, labels)
            if dw < 0:
                wrong += dw
                improved = True
                break
            lab[:] = saved_labels
            x[:, :] = saved_x
        if not improved and flip:
            improved, wrong = _flip_default(parent, child_start, mass, lab, x, above, wrong, saved_labels, saved_x,
                                           win)
        if not improved:
            break
    return wrong


@compiled
def _exchange(parent, lab, x, above, r):
    """The top rule r (only the root above it) exchanged with the default: r deleted, its label
    the default, the best rule added (the old default's inputs keep their label under it).
    Returns (Δwrong, the node added, -1: none)."""
    y = lab[r]
    dw = _delete(parent, lab, x, r)
    dw += x[0, lab[0]] - x[0, y]
    lab[0] = y
    a, ya, _, _, _ = _gains(parent, lab, x, above, -1, -1)
    if a >= 0:
        dw += _add(parent, lab, x, a, ya)
    return dw, a


@allocating
def _flip_default(parent, child_start, mass, lab, x, above, wrong, saved_labels, saved_x, win):
    """The default switched (a sampled program keeps its default; the exact front may switch),
    kept when that lowers the wrong weight: the best exchange of a top rule with the default
    (:func:`_exchange`); else, up to FRESH_DEFAULTS labels, each other label the default with every
    window below the root re-solved for it. Returns (improved, wrong weight)."""
    lab[:] = saved_labels  # the windows may have re-placed rules at equal weight, x not following
    x[:, :] = saved_x
    best_dw, best_r = 0, -1
    for r in range(1, lab.shape[0]):
        y = lab[r]
        if y < 0 or y == lab[0] or _above(parent, lab, r) != 0:
            continue
        dw, a = _exchange(parent, lab, x, above, r)
        if dw < best_dw:
            best_dw, best_r = dw, r
        if a >= 0:  # undone: x follows the rules' places only
            _delete(parent, lab, x, a)
        _add(parent, lab, x, r, y)
        lab[:] = saved_labels
    if best_r >= 0:
        _exchange(parent, lab, x, above, best_r)
        return True, wrong + best_dw
    own, size, signature, delta, order, choice, held, nodes, where, f, comb, tmp, eff, prefix = win
    if own.shape[1] > FRESH_DEFAULTS:
        return False, wrong
    saved_signature, saved_delta = signature.copy(), delta.copy()
    for y in range(own.shape[1]):
        if y == saved_labels[0]:
            continue
        lab[0] = y
        _windows(parent, child_start, own, size, lab, signature, delta, order, choice, held, nodes, where, f, comb,
                 tmp, eff, prefix)
        flipped = _score(parent, mass, lab, x)
        if flipped < wrong:
            return True, flipped
        lab[:] = saved_labels
    x[:, :] = saved_x
    signature[:] = saved_signature
    delta[:, :] = saved_delta
    return False, wrong


@compiled
def _grow(parent, lab, x, above):
    """Add the best rule; returns Δwrong (0 and nothing added when no add lowers the wrong weight)."""
    a, ya, dwa, _, _ = _gains(parent, lab, x, above, -1, -1)
    if a < 0:
        return 0
    return _add(parent, lab, x, a, ya)


@compiled
def _shrink(parent, lab, x, above):
    """Delete the rule of least loss; returns Δwrong (0 and nothing deleted when there is none)."""
    _, _, _, d, _ = _gains(parent, lab, x, above, -1, -1)
    if d < 0:
        return 0
    return _delete(parent, lab, x, d)


@allocating
def load_rows(law, rows, labels, n, default, lab):
    """The program of a witness slot (prefix rows, -1 padded) as a label per trie node, each row
    found by the trie law's own descent (:func:`.trielaw.descend`)."""
    lab[:] = -1
    lab[0] = default
    cur = np.zeros(2, np.uint64)
    for i in range(n):
        root(law, cur)
        for j in range(rows.shape[1]):
            if rows[i, j] < 0:
                break
            descend(law, cur, j, rows[i, j])
        lab[np.int64(cur[0])] = labels[i]


def window_scratch(n: int, labels: int, window: int, children: int) -> tuple:
    """The arrays :func:`_windows` takes after ``size`` (signature … prefix), for a trie of ``n``
    nodes, ``labels`` labels and at most ``children`` children per node, windows of ≤ ``window``
    nodes."""
    rules, trades = WINDOW_RULES + TRADE_RULES, 2 * TRADE_RULES + 1
    return (np.full(n, -1, np.int64), np.zeros((n, trades), np.int64), np.zeros(n, np.int64),
            np.zeros((n, trades), np.int64), np.zeros(n, np.int64), np.zeros(window, np.int64), np.zeros(n, np.int64),
            np.zeros((window, labels, rules), np.int64), np.zeros((labels, rules), np.int64),
            np.zeros(rules, np.int64), np.zeros(window, np.int64), np.zeros((children + 1, rules), np.int64))


def sweep_front(trie, front: dict, capacity: int, load, deadline: float | None = None) -> dict:
    """The sweeps of the module docstring over ``front`` ({complexity: (wrong, program)}, each
    program written into a label-per-node array by ``load(program, lab)``), rules up to
    ``capacity``, until ``deadline`` (perf_counter seconds). Returns the sizes it improved,
    {complexity: (wrong, (nodes, labels) of the rules, the default at node 0))}."""
    parent, mass = trie.parent, trie.mass
    n = len(parent)
    lab, x, above = np.full(n, -1, np.int64), np.zeros_like(mass), np.zeros(n, np.int64)
    follow, node = np.zeros_like(mass), np.zeros(mass.shape, np.int64)
    stack, labels = np.zeros(n, np.int64), np.zeros(n, np.int64)
    top_v, top_y, top_dw = np.zeros(1, np.int64), np.zeros(1, np.int64), np.zeros(1, mass.dtype)
    child_start = trie.child_start
    size = np.ones(n, np.int64)
    for at in reversed(trie.levels[1:]):
        np.add.at(size, parent[at], size[at])
    k, window = mass.shape[1], min(WINDOW_NODES, n)
    win = (trie.own, size, *window_scratch(n, k, window, int(np.diff(child_start).max())))
    best = {c: w for c, (w, _) in front.items()}
    improved: dict = {}

    def program(c: int) -> int:
        """Load the best program of size c into lab and x; its wrong weight."""
        if c in improved:
            nodes, labels = improved[c][1]
            lab[:] = -1
            lab[nodes] = labels
        else:
            load(front[c][1], lab)
        return int(_score(parent, mass, lab, x))

    def offer(c: int, wrong: int) -> bool:
        if wrong < best.get(c, np.inf):
            best[c] = wrong
            nodes = np.flatnonzero(lab >= 0)  # kept sparse: a front holds thousands of sizes
            improved[c] = (wrong, (nodes.astype(np.int32), lab[nodes].astype(np.int16)))
            return True
        return False

    def polish(c: int, wrong: int) -> int:
        flip = c % FLIP_EVERY == 0
        return int(_polish(parent, child_start, mass, lab, x, above, follow, node, wrong, SWAP_ROUNDS, stack, labels,
                           win, flip))

    def late() -> bool:
        return deadline is not None and perf_counter() >= deadline

    unpolished = set(front)  # sampled programs: each is polished once, where a sweep meets it

    def polished_at(c: int, wrong: int, fresh: bool) -> tuple[int, bool]:
        """The sweep at size c: its program in lab (or, unless ``fresh``, the best one held there
        where that is better, a sampled one where it is as good) polished and offered; its wrong
        weight and whether the offer improved size c."""
        if not fresh and (best.get(c, np.inf) < wrong or (c in unpolished and best[c] <= wrong)):
            unpolished.discard(c)
            wrong = program(c)
        wrong = polish(c, wrong)
        return wrong, offer(c, wrong)

    def up(c: int, wrong: int, fresh: bool) -> bool:
        """Sweep up from the program in lab (size c); ``fresh``: never switch to a held program."""
        changed = False
        while not late():
            wrong, offered = polished_at(c, wrong, fresh)
            changed |= offered
            if c + 2 <= capacity:
                w = _pairs(parent, lab, x, above, follow, node, top_v, top_y, top_dw)
                if w >= 0 and wrong + top_dw[0] < best.get(c + 2, np.inf):
                    saved = lab.copy()
                    lab[top_v[0]], lab[w] = top_y[0], _best_label(x, w, top_y[0])
                    changed |= offer(c + 2, int(_score(parent, mass, lab, x)))
                    lab[:] = saved
                    _score(parent, mass, lab, x)
            dw = int(_grow(parent, lab, x, above)) if c < capacity else 0
            if dw >= 0:  # no add helps: go on from the next size held
                beyond = [s for s in best if s > c]
                if fresh or not beyond:
                    break
                c = min(beyond)
                wrong = program(c)
                continue
            c, wrong = c + 1, wrong + dw
        return changed

    for sweep in range(MAX_SWEEPS):
        # up: each size's program plus its best add (and, two sizes up, plus its best pair)
        c = min(best)
        wrong = program(c)
        held = lab[0]
        changed = up(c, wrong, False)
        if sweep == 0 and mass.shape[1] <= FRESH_DEFAULTS:
            # and from each other default label alone, never switching to a held program: the
            # sampled front may hold programs of one default only
            for y in range(mass.shape[1]):
                if y != held and not late():
                    lab[:] = -1
                    lab[0] = y
                    changed |= up(0, int(_score(parent, mass, lab, x)), True)
        # down: each size's program minus its least-loss rule
        c = max(best)
        wrong = program(c)
        while c > 0 and not late():
            wrong, offered = polished_at(c, wrong, False)
            changed |= offered
            wrong += int(_shrink(parent, lab, x, above))
            c -= 1
        if not changed or late():
            break
    return improved
