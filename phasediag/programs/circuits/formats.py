"""Circuits written as the field reads them: AIGER (``.aag`` ASCII, ``.aig`` binary), Verilog
(``.v``) and BLIF (``.blif``).

Inputs and outputs keep the task's order: input j of the file is x_(j+1) (ABC's primary input
j), output j is y_(j+1). Verilog and BLIF keep every gate as found (its function in its operands).
AIGER has AND gates with inverted edges only: a gate of b2 or aig becomes one AND with its
inversions, a NOT gate an inverted edge, and an XOR (or XNOR) three ANDs,
x ⊕ y = ¬(¬(x ∧ ¬y) ∧ ¬(¬x ∧ y)), so an AIGER file of a b2 circuit has two more ANDs per XOR than
the circuit has gates.
"""

from __future__ import annotations

import os

from ...files import atomic_path
from .circuit import EXPRESSIONS, Circuit

__all__ = ["write_circuit", "aiger", "verilog", "blif", "CIRCUIT_FORMATS"]

#: Suffixes :func:`write_circuit` writes.
CIRCUIT_FORMATS = (".aag", ".aig", ".v", ".blif")

# op → (first operand inverted, second inverted, output inverted) for ops that are one AND
_AND_FORMS = {8: (0, 0, 0), 1: (1, 1, 0), 2: (1, 0, 0), 4: (0, 1, 0), 7: (0, 0, 1), 11: (0, 1, 1),
              13: (1, 0, 1), 14: (1, 1, 1)}


def aiger(circuit: Circuit) -> tuple[int, list[int], list[tuple[int, int, int]]]:
    """The circuit as an AIG: (number of inputs, output literals, AND gates (lhs, rhs0, rhs1)),
    literals as AIGER writes them (2·variable + inverted; variables 1..m the inputs)."""
    m = circuit.inputs
    literal = {j: 2 * (j + 1) for j in range(m)}
    ands: list[tuple[int, int, int]] = []

    def new_and(x: int, y: int) -> int:
        lhs = 2 * (m + len(ands) + 1)
        ands.append((lhs, max(x, y), min(x, y)))
        return lhs

    for i, (op, a, b) in enumerate(circuit.gates):
        x, y = literal[a], literal[b]
        if op == 3:
            literal[m + i] = x ^ 1
        elif op in (6, 9):  # XOR, XNOR: three ANDs
            left, right = new_and(x, y ^ 1), new_and(x ^ 1, y)
            literal[m + i] = new_and(left ^ 1, right ^ 1) ^ (1 if op == 6 else 0)
        else:
            ia, ib, io = _AND_FORMS[op]
            literal[m + i] = new_and(x ^ ia, y ^ ib) ^ io
    outputs = [(0 if node < 0 else literal[node]) ^ int(neg) for node, neg in zip(circuit.outputs, circuit.negated)]
    return m, outputs, ands


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _names(circuit: Circuit) -> tuple[list[str], list[str]]:
    many = len(circuit.outputs) > 1
    return [f"x{j + 1}" for j in range(circuit.inputs)], [f"y{j + 1}" if many else "y" for j in range(len(circuit.outputs))]


def _aiger_bytes(circuit: Circuit, binary: bool) -> bytes:
    m, outputs, ands = aiger(circuit)
    ins, outs = _names(circuit)
    header = f"{'aig' if binary else 'aag'} {m + len(ands)} {m} 0 {len(outputs)} {len(ands)}\n"
    body = bytearray(header.encode())
    if not binary:
        body += "".join(f"{2 * (j + 1)}\n" for j in range(m)).encode()
    body += "".join(f"{o}\n" for o in outputs).encode()
    for lhs, r0, r1 in ands:
        body += _varint(lhs - r0) + _varint(r0 - r1) if binary else f"{lhs} {r0} {r1}\n".encode()
    body += "".join(f"i{j} {name}\n" for j, name in enumerate(ins)).encode()
    body += "".join(f"o{j} {name}\n" for j, name in enumerate(outs)).encode()
    body += b"c\nwritten by phasediag\n"
    return bytes(body)


def verilog(circuit: Circuit, module: str = "top") -> str:
    """The circuit as a Verilog module of continuous assignments, one per gate."""
    ins, outs = _names(circuit)
    gates = [circuit.node_name(circuit.inputs + i) for i in range(len(circuit.gates))]
    lines = [f"module {module}({', '.join(ins + outs)});", f"  input {', '.join(ins)};", f"  output {', '.join(outs)};"]
    if gates:
        lines.append(f"  wire {', '.join(gates)};")
    for i, (op, a, b) in enumerate(circuit.gates):
        lines.append(f"  assign {gates[i]} = " + EXPRESSIONS[op].format(a=circuit.node_name(a), b=circuit.node_name(b)) + ";")
    for out, node, neg in zip(outs, circuit.outputs, circuit.negated):
        value = f"1'b{int(neg)}" if node < 0 else ("~" if neg else "") + circuit.node_name(node)
        lines.append(f"  assign {out} = {value};")
    return "\n".join(lines + ["endmodule", ""])


def blif(circuit: Circuit, model: str = "top") -> str:
    """The circuit as BLIF: one ``.names`` cover per gate (its on-set), one per output."""
    ins, outs = _names(circuit)
    lines = [f".model {model}", f".inputs {' '.join(ins)}", f".outputs {' '.join(outs)}"]
    name = circuit.node_name
    for i, (op, a, b) in enumerate(circuit.gates):
        node = name(circuit.inputs + i)
        if op == 3:
            lines += [f".names {name(a)} {node}", "0 1"]
            continue
        lines.append(f".names {name(a)} {name(b)} {node}")
        lines += [f"{u}{v} 1" for u in (0, 1) for v in (0, 1) if op >> (2 * u + v) & 1]
    for out, node, neg in zip(outs, circuit.outputs, circuit.negated):
        if node < 0:
            lines += [f".names {out}"] + (["1"] if neg else [])
        else:
            lines += [f".names {name(node)} {out}", f"{0 if neg else 1} 1"]
    return "\n".join(lines + [".end", ""])


def write_circuit(circuit: Circuit, path: str | os.PathLike) -> None:
    """Write ``circuit`` in the format its suffix names (:data:`CIRCUIT_FORMATS`), atomically."""
    suffix = os.fspath(path).rsplit(".", 1)[-1].lower()
    with atomic_path(path) as tmp:
        if suffix in ("aag", "aig"):
            tmp.write_bytes(_aiger_bytes(circuit, binary=suffix == "aig"))
        elif suffix == "v":
            tmp.write_text(verilog(circuit), encoding="utf-8")
        else:
            tmp.write_text(blif(circuit), encoding="utf-8")
