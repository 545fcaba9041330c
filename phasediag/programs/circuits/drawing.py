"""Drawing a circuit so that it reads one way only.

Columns left to right: the inputs x1..xm in order (top to bottom), then the gates, each one column
right of its deepest operand, then the outputs. A wire that skips columns runs through a free
slot of every column it crosses, and every wire runs from the right side of one box to the left
side of the next, so no wire passes through a box (:func:`circuit_layout` gives the geometry the
tests check). Each gate box names the gate and its function in its operands (``g2 = ~x1 & g1``),
an inverted operand also gets a bubble where its wire enters, and a complemented output a bubble
where its wire leaves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ...figures import pyplot, save
from .circuit import EXPRESSIONS, Circuit

__all__ = ["draw_circuit", "circuit_layout", "Layout"]

#: Column spacing, box width and height, row spacing (data units).
COLUMN, WIDTH, HEIGHT, ROW = 2.4, 1.5, 0.62, 1.0
#: Ops that read their first / second operand inverted (op(u, v) with u the first operand).
_FIRST_INVERTED, _SECOND_INVERTED = {2, 11}, {4, 13}


@dataclass(frozen=True)
class Layout:
    """Boxes by name, (x centre, y centre, label); wires as (from, to, polyline points, inverted
    where it enters, complemented where it leaves)."""

    boxes: dict[str, tuple[float, float, str]]
    wires: list[tuple[str, str, list[tuple[float, float]], bool, bool]]


def circuit_layout(circuit: Circuit) -> Layout:
    """Where every box and wire of ``circuit`` goes (see the module docstring)."""
    m, name = circuit.inputs, circuit.node_name
    column = {j: 0 for j in range(m)}
    for i, (op, a, b) in enumerate(circuit.gates):
        column[m + i] = 1 + max(column[a], column[b])
    last = 1 + max(column.values(), default=0)
    many = len(circuit.outputs) > 1
    outs = [f"y{j + 1}" if many else "y" for j in range(len(circuit.outputs))]
    # wires: (source node, target name, target column, inverted at the target, complemented at the source)
    wires = []
    enters: list[float] = []  # where each wire enters its box, above or below the middle
    for i, (op, a, b) in enumerate(circuit.gates):
        operands = tuple(dict.fromkeys((a, b)))
        for k, operand in enumerate(operands):
            inverted = op == 3 or (op in _FIRST_INVERTED and k == 0) or (op in _SECOND_INVERTED and k == 1)
            wires.append((operand, name(m + i), column[m + i], inverted, False))
            enters.append(0.0 if len(operands) == 1 else (HEIGHT / 4 if k == 0 else -HEIGHT / 4))
    for out, node, neg in zip(outs, circuit.outputs, circuit.negated):
        if node >= 0:
            wires.append((node, out, last, False, neg))
            enters.append(0.0)
    slots: dict[int, list] = {c: [] for c in range(last + 1)}
    slots[0] = [("node", j) for j in range(m)]
    for node in range(m, m + len(circuit.gates)):
        slots[column[node]].append(("node", node))
    for w, (source, _, target_column, _, _) in enumerate(wires):
        for c in range(column[source] + 1, target_column):
            slots[c].append(("via", w))
    slots[last] = [("out", j) for j in range(len(outs))]
    incoming: dict[str, list[int]] = {}
    for w, wire in enumerate(wires):
        incoming.setdefault(wire[1], []).append(w)
    row: dict = {(0, item): r for r, item in enumerate(slots[0])}

    def arrives(w: int, c: int) -> int:
        """The row wire w runs in, in column c − 1."""
        source = wires[w][0]
        return row[(c - 1, ("via", w))] if column[source] < c - 1 else row[(c - 1, ("node", source))]

    for c in range(1, last):  # barycentre order: each item near the rows its wires come from
        def pull(item, c=c) -> float:
            kind, key = item
            ws = [key] if kind == "via" else incoming[name(key)]
            return sum(arrives(w, c) for w in ws) / len(ws)

        slots[c].sort(key=pull)
        row.update({(c, item): r for r, item in enumerate(slots[c])})
    row.update({(last, item): r for r, item in enumerate(slots[last])})
    tallest = max(len(s) for s in slots.values())

    def place(c: int, r: int) -> tuple[float, float]:
        return c * COLUMN, -(r + (tallest - len(slots[c])) / 2) * ROW

    boxes = {}
    for c, items in slots.items():
        for r, (kind, key) in enumerate(items):
            x, y = place(c, r)
            if kind == "node" and key < m:
                boxes[name(key)] = (x, y, name(key))
            elif kind == "node":
                op, a, b = circuit.gates[key - m]
                boxes[name(key)] = (x, y, f"{name(key)} = " + EXPRESSIONS[op].format(a=name(a), b=name(b)))
            elif kind == "out":
                node, neg = circuit.outputs[key], circuit.negated[key]
                value = f"{'~' if neg else ''}{name(node)}" if node >= 0 else f"{int(neg)}"
                boxes[outs[key]] = (x, y, f"{outs[key]} = {value}")
    lines = []
    for w, (source, target, target_column, inverted, complemented) in enumerate(wires):
        x, y = place(column[source], row[(column[source], ("node", source))])
        points = [(x + WIDTH / 2, y)]
        for c in range(column[source] + 1, target_column):
            vx, vy = place(c, row[(c, ("via", w))])
            points += [(vx - WIDTH / 2, vy), (vx + WIDTH / 2, vy)]
        tx, ty = boxes[target][:2]
        points.append((tx - WIDTH / 2, ty + enters[w]))
        lines.append((name(source), target, points, inverted, complemented))
    return Layout(boxes, lines)


def draw_circuit(circuit: Circuit, path: str | os.PathLike | None = None, *, title: str | None = None, ax=None):
    """Draw ``circuit`` (see the module docstring); save to ``path`` (atomically) if given.
    Returns the figure."""
    plt = pyplot(path)
    from matplotlib.patches import Circle, FancyBboxPatch

    layout = circuit_layout(circuit)
    xs = [x for x, _, _ in layout.boxes.values()]
    ys = [y for _, y, _ in layout.boxes.values()]
    if ax is None:
        fig, ax = plt.subplots(figsize=(1.2 + 1.15 * (max(xs) - min(xs) + COLUMN) / COLUMN * 1.6,
                                        1.0 + 0.55 * (max(ys) - min(ys) + 2 * ROW)), layout="constrained")
    else:
        fig = ax.figure
    colours = {"x": "#cfe3f7", "g": "#f7e3c4", "y": "#d5f0d0"}
    for box, (x, y, label) in layout.boxes.items():
        ax.add_patch(FancyBboxPatch((x - WIDTH / 2, y - HEIGHT / 2), WIDTH, HEIGHT, boxstyle="round,pad=0,rounding_size=0.08",
                                    fc=colours.get(box[0], "#eeeeee"), ec="0.35", lw=1, zorder=3))
        ax.text(x, y, label, ha="center", va="center", fontsize=7.5, zorder=4)
    bubble = 0.07
    for _, _, points, inverted, complemented in layout.wires:
        px, py = zip(*points)
        ax.plot(px, py, color="0.45", lw=1, zorder=1)
        (x0, y0), (x1, y1) = points[-2], points[-1]
        back = 0.3 / max(((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5, 1e-9)
        tip = (x1 - (x1 - x0) * 2 * bubble / 0.3 * back, y1 - (y1 - y0) * 2 * bubble / 0.3 * back) if inverted else (x1, y1)
        ax.annotate("", xy=tip, xytext=(x1 - (x1 - x0) * back, y1 - (y1 - y0) * back),
                    arrowprops={"arrowstyle": "-|>", "color": "0.45", "lw": 1, "shrinkA": 0, "shrinkB": 0}, zorder=2)
        if inverted:
            ax.add_patch(Circle((x1 - bubble, y1), bubble, fc="white", ec="0.2", lw=1, zorder=5))
        if complemented:
            ax.add_patch(Circle((points[0][0] + bubble, points[0][1]), bubble, fc="white", ec="0.2", lw=1, zorder=5))
    ax.set_xlim(min(xs) - WIDTH, max(xs) + WIDTH)
    ax.set_ylim(min(ys) - ROW, max(ys) + ROW)
    ax.set_aspect("equal")
    ax.set_title(title or f"{len(circuit)} gates", fontsize=9)
    ax.text(0.0, 0.0, "○ = inverted operand (on a wire's end) or complemented output (on its start)",
            transform=ax.transAxes, fontsize=6.5, color="0.35", va="bottom")
    ax.axis("off")
    save(fig, path)
    return fig
