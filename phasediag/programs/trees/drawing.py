"""Drawing a decision tree: splits as boxes with their test, leaves with their label, depth
downward, the pass branch on the right (matplotlib)."""

from __future__ import annotations

import os

from ...figures import pyplot, save
from .tree import Leaf, Tree

__all__ = ["draw_tree"]


def draw_tree(tree: Tree, path: str | os.PathLike | None = None, *, title: str | None = None,
              ax=None):
    """Draw ``tree`` (leaves side by side in order, each split centred over its children); save to
    ``path`` (atomically) if given. Returns the figure."""
    plt = pyplot(path)
    places: list[tuple[Tree, float, int]] = []
    edges: list[tuple[int, int, str]] = []
    count = [0]

    def place(node: Tree, depth: int) -> tuple[int, float]:
        index = len(places)
        places.append((node, 0.0, depth))
        if isinstance(node, Leaf):
            x = float(count[0])
            count[0] += 1
        else:
            fail, x_fail = place(node.fail, depth + 1)
            passed, x_pass = place(node.passed, depth + 1)
            edges.extend([(index, fail, "no"), (index, passed, "yes")])
            x = (x_fail + x_pass) / 2
        places[index] = (node, x, depth)
        return index, x

    place(tree, 0)
    depth = max(d for _, _, d in places)
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.5 + 1.3 * count[0], 1.2 + 1.1 * depth), layout="constrained")
    else:
        fig = ax.figure
    for a, b, text in edges:
        (_, xa, da), (_, xb, db) = places[a], places[b]
        ax.plot([xa, xb], [-da, -db], color="0.5", lw=1, zorder=1)
        ax.text((xa + xb) / 2, -(da + db) / 2, text, fontsize=7, ha="center", va="center", color="0.3",
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none"}, zorder=2)
    for node, x, d in places:
        leaf = isinstance(node, Leaf)
        text = f"→ {node.label}" if leaf else node.test.written()
        ax.text(x, -d, text, fontsize=8, ha="center", va="center", zorder=3,
                bbox={"boxstyle": "round,pad=0.35", "fc": "#d5f0d0" if leaf else "#f7e3c4", "ec": "0.4"})
    ax.set_xlim(-0.7, count[0] - 0.3)
    ax.set_ylim(-depth - 0.6, 0.6)
    ax.set_title(title or f"{count[0] - 1} splits", fontsize=9)
    ax.axis("off")
    save(fig, path)
    return fig
