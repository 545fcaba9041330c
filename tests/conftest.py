import itertools

import numpy as np
import pytest

from phasediag import views
from phasediag.programs import load_programs


@pytest.fixture(scope="session")
def rules():
    return load_programs("prefix-rules")


@pytest.fixture
def ctrl_c_at():
    """``ctrl_c_at(n)``: a progress callback that raises KeyboardInterrupt, as Ctrl-C does, at
    its n-th report."""
    def callback(n: int):
        seen = []

        def progress(stage, done, total):
            seen.append(done)
            if len(seen) == n:
                raise KeyboardInterrupt

        return progress

    return callback


def closed_form_front(n: int, length: int) -> list[tuple[int, int]]:
    """Prefix-sorting one-per-parent, from the essay's law alone: learning level k costs n^(k-1)
    rules and each of them fixes (n-2)^(L-k) inputs; with default 0 the wrong count starts at
    (n^L - (n-2)^L) / 2. A level whose rules fix nothing (n = 2, k < L) is skipped."""
    wrong = (n**length - (n - 2) ** length) // 2
    front, c = [(0, wrong)], 0
    for k in range(1, length + 1):
        gain = (n - 2) ** (length - k)
        for _ in range(n ** (k - 1) if gain else 0):
            c += 1
            wrong -= gain
            front.append((c, wrong))
    return front


def brute_force_front(task) -> list[tuple[int, int]]:
    """Every rule list over the trie's prefixes (each node: no rule, or a rule with any label;
    any default), evaluated input by input by longest match: the least wrong count per
    complexity, reduced to the Pareto steps."""
    table, trie = task.table, views.trie(task)
    n_labels = len(task.labels)
    paths = []
    for end in trie.end.tolist():
        path, v = [], end
        while v > 0:
            path.append(v)
            v = int(trie.parent[v])
        paths.append(path[::-1])
    choices = np.array(list(itertools.product(range(-1, n_labels), repeat=trie.n_nodes - 1)), dtype=np.int8)
    size = (choices >= 0).sum(axis=1)
    best: dict[int, int] = {}
    for default in range(n_labels):
        label = np.full((len(choices), len(paths)), default, dtype=np.int8)
        for i, path in enumerate(paths):
            for v in path:
                c = choices[:, v - 1]
                label[:, i] = np.where(c >= 0, c, label[:, i])
        wrong = ((label != table.labels[None, :]) * table.weights[None, :]).sum(axis=1)
        for c in np.unique(size).tolist():
            best[c] = min(best.get(c, 1 << 62), int(wrong[size == c].min()))
    front, last = [], None
    for c in sorted(best):
        w = min(best[k] for k in best if k <= c)
        if last is None or w < last:
            front.append((c, w))
            last = w
    return front
