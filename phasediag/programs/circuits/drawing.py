"""Drawing a circuit: a layered graph of its gates (networkx, matplotlib)."""

from __future__ import annotations

import os

from ...figures import pyplot, save
from .circuit import OP_NAMES

__all__ = ["draw_circuit"]


def draw_circuit(circuit, path: str | os.PathLike | None = None, *, title: str | None = None, ax=None):
    """Draw a circuit as a layered graph (networkx): inputs left, each gate one layer right of
    its deepest operand, outputs last. Save to ``path`` (atomically) if given; returns the figure."""
    plt = pyplot(path)
    import networkx as nx

    graph = nx.DiGraph()
    layer = {}
    for j in range(circuit.inputs):
        layer[j] = 0
        graph.add_node(circuit.node_name(j), layer=0, kind="input")
    for i, (op, a, b) in enumerate(circuit.gates):
        node = circuit.inputs + i
        layer[node] = 1 + max(layer[a], layer[b])
        name = circuit.node_name(node)
        graph.add_node(name, layer=layer[node], kind="gate", label=f"{name}\n{OP_NAMES[op]}")
        for operand in dict.fromkeys((a, b)):
            graph.add_edge(circuit.node_name(operand), name)
    last = 1 + max(layer.values(), default=0)
    many = len(circuit.outputs) > 1
    for j, (node, neg) in enumerate(zip(circuit.outputs, circuit.negated)):
        out = f"y{j + 1}" if many else "y"
        graph.add_node(out, layer=last, kind="output", label=f"{out} = {'~' if neg else ''}{circuit.node_name(node)}")
        if node >= 0:
            graph.add_edge(circuit.node_name(node), out)
        else:
            graph.add_node("0", layer=0, kind="input")
            graph.add_edge("0", out)
    pos = nx.multipartite_layout(graph, subset_key="layer")
    if ax is None:
        fig, ax = plt.subplots(figsize=(2 + 1.6 * last, 1 + 0.8 * max(circuit.inputs, 3)), layout="constrained")
    else:
        fig = ax.figure
    colors = {"input": "#cfe3f7", "gate": "#f7e3c4", "output": "#d5f0d0"}
    nx.draw_networkx(graph, pos, ax=ax, node_size=1500, font_size=8, arrowsize=12,
                     node_color=[colors[graph.nodes[v]["kind"]] for v in graph],
                     labels={v: graph.nodes[v].get("label", v) for v in graph})
    ax.set_title(title or f"{len(circuit)} gates", fontsize=9)
    ax.axis("off")
    save(fig, path)
    return fig
