"""Your own task, from a file in a format of the field, or from Python sequences.

``table:path=FILE`` reads the file by its suffix:

- ``.csv``: a header ``input,label[,weight]`` (what ``phasediag task export`` writes), one input per
  row as a string (one character per letter), weight 1 when the column is absent; a UTF-8
  byte-order mark is accepted.
- ``.pla`` (Espresso, ABC): ``.i``, ``.o``, optional ``.ilb``/``.ob``/``.p``/``.type f|fd|fr``, then
  cubes: an input plane over ``0 1 -`` (``-`` expanded) and an output plane over ``0 1 - ~``, read
  as Espresso does: with ``.type f`` and ``fd`` (the default) a ``1`` puts the cube in an output's
  on-set and every other row is off, ``fd`` giving a don't-care set with ``-``; with ``.type fr`` a
  ``1`` gives the on-set, a ``0`` the off-set, and every other row is a don't-care. A row that is a
  don't-care for some output weighs 0. Beyond 22 inputs (up to 4,096) the cubes must be minterms,
  and the task is the rows listed (a training or test set, as in the IWLS 2020 learning contest).
- ``.truth`` (the IWLS contest format): one line per output, each a binary string of 2^m
  characters in ABC's order: the leftmost character is the highest minterm, and primary input 0
  is the least significant bit of the minterm index.
- ``.aig``/``.aag`` (AIGER, read by the PyPI package aigverse, mockturtle's Python bindings) and
  ``.blif`` (``.names`` covers, read here): a reference circuit without latches whose function, up
  to 22 inputs, is the task.

Inputs of PLA, truth-table and circuit files are bit strings ``x1 x2 … xm`` where x1 is the file's
first input (ABC's primary input 0); with several outputs the label is the output bits ``y1 y2 …``
(labels are every bit string, so label index = the outputs read as a binary number, y1 most
significant, which is how circuits encode them). A task built from a file records the file's
path and SHA-256 (:attr:`Table.provenance`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from ..errors import FileFormatError, ParameterError
from ..files import read_bytes
from ..params import Param
from ..tables import LIST_LIMIT, TaskTable, input_bit
from ..task import Task

__all__ = ["Table", "LexiconTask", "Lexicon", "read_table_file", "read_csv", "read_pla", "read_truth", "read_circuit",
           "table_task", "write_task", "FORMATS", "WRITTEN", "MAX_FILE_BYTES"]

#: File suffixes the ``table`` family reads.
FORMATS = (".csv", ".pla", ".truth", ".aig", ".aag", ".blif")
#: Largest file read (bytes): a larger one is refused before it is read.
MAX_FILE_BYTES = 512 << 20
#: Most inputs of a Boolean function read from a file (2^22 rows).
MAX_BITS = 22
#: Most outputs of a Boolean function (its rows' outputs are read as one 64-bit number), and the
#: most for which every output bit string is a label even where it never occurs.
MAX_OUTPUTS, LISTED_OUTPUTS = 63, 16
#: Largest total weight of a table: every method (the samplers score in floats) counts it exactly.
MAX_TOTAL_WEIGHT = 2**53
#: Longest input and largest alphabet of a table (letters are stored as 16-bit codes).
MAX_LENGTH, MAX_LETTERS = 4096, 32_000


@dataclass(frozen=True)
class Lexicon:
    """Inputs (strings, or bit strings x1…xm) with their labels and integer weights (≥ 0), the
    labels a task has (all of them, in order; () for those that occur), and whether inputs are
    bits and labels their outputs' bit strings (a Boolean function)."""

    words: tuple[str, ...]
    labels: tuple[str, ...]
    weights: tuple[int, ...]
    label_names: tuple[str, ...] = ()
    bits: bool = False


def _read_bytes(path: Path) -> bytes:
    return read_bytes(path, what="task file ", limit=MAX_FILE_BYTES)


def _text(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FileFormatError(f"{path} is not UTF-8 text (byte {e.start}); save it as UTF-8.") from None


def read_csv(path: Path, data: bytes | None = None) -> Lexicon:
    """A CSV with a header ``input,label[,weight]`` (weights non-negative integers)."""
    expected = "a CSV whose header is input,label or input,label,weight"
    text = _text(path, _read_bytes(path) if data is None else data)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise FileFormatError(f"{path} is not readable CSV ({e}); expected {expected}.") from None
    if not rows or [c.strip() for c in rows[0]] not in (["input", "label"], ["input", "label", "weight"]):
        start = f"the header '{','.join(rows[0])[:60]}'" if rows else "nothing"
        raise FileFormatError(f"{path} starts with {start}; expected {expected}.")
    weighted = len(rows[0]) == 3
    seen: dict[str, str] = {}
    weights: dict[str, int] = {}
    for line, row in enumerate(rows[1:], 2):
        if len(row) != len(rows[0]):
            raise FileFormatError(f"{path}, line {line}: expected {len(rows[0])} fields ({', '.join(rows[0])}); "
                                  f"got {len(row)}.")
        if not row[0] or not row[1]:
            raise FileFormatError(f"{path}, line {line}: the {'input' if not row[0] else 'label'} is empty; "
                                  "every row needs a non-empty input and label.")
        try:
            weight = int(row[2]) if weighted else 1
            if weight < 0:
                raise ValueError
        except ValueError:
            raise FileFormatError(f"{path}, line {line}: the weight must be a non-negative integer.") from None
        word, label = row[0], row[1]
        if seen.setdefault(word, label) != label:
            raise FileFormatError(f"{path}, line {line}: this input was given another label before (two labels); "
                                  f"expected one label per input.")
        weights[word] = weights.get(word, 0) + weight
    kept = [w for w in seen if weights[w] > 0]
    if not kept:
        raise FileFormatError(f"{path} has zero total weight; at least one input needs a positive weight.")
    if sum(weights.values()) > MAX_TOTAL_WEIGHT:
        raise FileFormatError(f"{path}: the weights add up to more than 2^53 = {MAX_TOTAL_WEIGHT:,}, past what every "
                              f"method counts exactly; scale them down.")
    return Lexicon(tuple(kept), tuple(seen[w] for w in kept), tuple(weights[w] for w in kept))


def output_vectors(outputs: int) -> tuple[str, ...]:
    """The labels a Boolean function of ``outputs`` outputs has whatever its values: every output
    bit string (y1 first) up to :data:`LISTED_OUTPUTS` outputs; beyond, () (its labels are then
    the bit strings that occur)."""
    return tuple(format(v, f"0{outputs}b") for v in range(1 << outputs)) if outputs <= LISTED_OUTPUTS else ()


def _bit_lexicon(values: np.ndarray, care: np.ndarray, outputs: int) -> Lexicon:
    """A Boolean function as a lexicon: ``values[r]`` the outputs on row r (x1 = the most
    significant bit of r, :func:`phasediag.tables.input_bit`), ``care[r]`` whether row r counts."""
    m = (len(values) - 1).bit_length()
    rows = np.flatnonzero(care)
    if rows.size == 0:
        raise FileFormatError("The function is a don't-care on every row; at least one row must be specified.")
    digits = np.stack([input_bit(rows, j, m) for j in range(m)], axis=1).astype(np.uint8) + ord("0")
    words = tuple(w.decode() for w in np.ascontiguousarray(digits).view(f"S{m}").ravel())  # one bytes row each
    return Lexicon(words, tuple(format(v, f"0{outputs}b") for v in values[rows].tolist()), (1,) * len(rows),
                   output_vectors(outputs), True)


def read_pla(path: Path, data: bytes | None = None) -> Lexicon:
    """An Espresso PLA (see the module docstring)."""
    text = _text(path, _read_bytes(path) if data is None else data)
    n_in = n_out = None
    kind = "fd"  # Espresso's default: what no cube puts in the on-set is off
    cubes: list[tuple[int, str, str]] = []
    for line, raw in enumerate(text.splitlines(), 1):
        item = raw.split("#", 1)[0].strip()
        if not item:
            continue
        if item.startswith("."):
            key, _, value = item.partition(" ")
            value = value.strip()
            try:
                if key == ".i":
                    n_in = int(value)
                elif key == ".o":
                    n_out = int(value)
                elif key == ".type":
                    if value not in ("f", "fd", "fr"):
                        raise FileFormatError(f"{path}, line {line}: .type {value} is not read; phasediag reads "
                                              ".type f, fd or fr.")
                    kind = value
                elif key in (".e", ".end"):
                    break
                elif key not in (".ilb", ".ob", ".p", ".type"):
                    raise FileFormatError(f"{path}, line {line}: unknown directive {key}; expected .i, .o, .ilb, "
                                          ".ob, .p, .type or .e.")
            except ValueError:
                raise FileFormatError(f"{path}, line {line}: {key} takes a positive integer.") from None
            continue
        if n_in is None or n_out is None:
            raise FileFormatError(f"{path}, line {line}: a cube before .i and .o; expected .i N and .o M first.")
        parts = item.split()
        plane_in, plane_out = (parts[0], parts[1]) if len(parts) == 2 else (item[:n_in], item[n_in:].strip())
        if len(plane_in) != n_in or set(plane_in) - set("01-"):
            raise FileFormatError(f"{path}, line {line}: the input plane must be {n_in} character{'' if n_in == 1 else 's'} of 0, 1, -.")
        if len(plane_out) != n_out or set(plane_out) - set("01-~"):
            raise FileFormatError(f"{path}, line {line}: the output plane must be {n_out} character{'' if n_out == 1 else 's'} of 0, 1, -, ~.")
        cubes.append((line, plane_in, plane_out))
    if n_in is None or n_out is None or not 1 <= n_in <= MAX_LENGTH or not 1 <= n_out <= MAX_OUTPUTS:
        raise FileFormatError(f"{path}: expected .i between 1 and {MAX_LENGTH} (up to {MAX_BITS} with '-' in cubes) "
                              f"and .o between 1 and {MAX_OUTPUTS}.")
    if not cubes:
        raise FileFormatError(f"{path} has no cubes (rows such as '01- 1').")
    if n_in > MAX_BITS:
        return _listed_minterms(path, cubes, n_out, kind)
    index = np.arange(1 << n_in)
    on, off, dc = (np.zeros(1 << n_in, dtype=np.int64) for _ in range(3))
    for line, plane_in, plane_out in cubes:
        covered = np.ones(1 << n_in, dtype=bool)
        for j, ch in enumerate(plane_in):
            if ch != "-":
                covered &= input_bit(index, j, n_in) == int(ch)
        for plane, bits in zip((on, off, dc), _cube_outputs(plane_out, kind)):
            plane[covered] |= bits
    care = _counted_rows(path, on, off, dc, kind, n_out, lambda r: format(int(r), f"0{n_in}b"))
    return _bit_lexicon(on, care, n_out)


def _cube_outputs(plane_out: str, kind: str) -> tuple[int, int, int]:
    """A cube's output plane as three bit masks (output 1 the most significant bit): the outputs it
    puts in the on-set ('1'), in the off-set ('0', ``.type fr`` only) and in the don't-care set
    ('-' or '~', ``.type fd`` only)."""
    on = off = dc = 0
    for ch in plane_out:
        on, off, dc = on << 1 | (ch == "1"), off << 1 | (ch == "0" and kind == "fr"), dc << 1 | (ch in "-~" and kind == "fd")
    return on, off, dc


def _counted_rows(path: Path, on: np.ndarray, off: np.ndarray, dc: np.ndarray, kind: str, n_out: int,
                  word) -> np.ndarray:
    """Which rows count, given the output masks the cubes put on each row: with ``.type fr`` every
    output neither on nor off is a don't-care, with ``f``/``fd`` every output not on is off unless
    given as a don't-care; a row that is a don't-care for some output does not count. ``word(r)``
    names row r in the error for a row both on and off."""
    clash = np.flatnonzero(on & off)
    if clash.size:
        name = word(clash[0])
        raise FileFormatError(f"{path}: row {name[:40]}{'…' if len(name) > 40 else ''} is in both the on-set and the "
                              f"off-set of an output.")
    if kind == "fr":
        dc = ((1 << n_out) - 1) & ~(on | off)
    return (dc & ~on) == 0


def _listed_minterms(path: Path, cubes: list[tuple[int, str, str]], n_out: int, kind: str) -> Lexicon:
    """A PLA of more than :data:`MAX_BITS` inputs as the rows it lists (each cube a minterm), read
    per ``.type`` as for fewer inputs; a row that is a don't-care for some output, and every row not
    listed, is not part of the task (what a training set of a function of many inputs gives)."""
    rows: dict[str, list[int]] = {}  # minterm → its [on, off, don't-care] output masks
    for line, plane_in, plane_out in cubes:
        if "-" in plane_in:
            raise FileFormatError(f"{path}, line {line}: beyond {MAX_BITS} inputs a PLA lists minterms (rows of "
                                  f"0 and 1); this cube has '-'.")
        masks = rows.setdefault(plane_in, [0, 0, 0])
        for i, bits in enumerate(_cube_outputs(plane_out, kind)):
            masks[i] |= bits
    words = list(rows)
    on, off, dc = np.array(list(rows.values()), dtype=np.int64).reshape(-1, 3).T
    care = _counted_rows(path, on, off, dc, kind, n_out, lambda r: words[r])
    if not care.any():
        raise FileFormatError(f"{path}: every row is a don't-care for some output; at least one row must be specified.")
    return Lexicon(tuple(w for w, c in zip(words, care) if c), tuple(format(v, f"0{n_out}b") for v in on[care].tolist()),
                   (1,) * int(care.sum()), output_vectors(n_out), True)


def read_truth(path: Path, data: bytes | None = None) -> Lexicon:
    """An IWLS truth-table file (see the module docstring)."""
    text = _text(path, _read_bytes(path) if data is None else data)
    lines = [(k, line.strip()) for k, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise FileFormatError(f"{path} is empty; expected one binary string of 2^m characters per output.")
    size = len(lines[0][1])
    for k, line in lines:
        if set(line) - set("01"):
            raise FileFormatError(f"{path}, line {k}: a truth table is a string of 0 and 1.")
        if len(line) != size or size & (size - 1) or size < 2:
            raise FileFormatError(f"{path}, line {k}: {len(line)} character{'' if len(line) == 1 else 's'}; every line "
                                  f"must have the same length, a power of two (2^m for m ≥ 1 inputs).")
    m = size.bit_length() - 1
    if m > MAX_BITS or len(lines) > MAX_OUTPUTS:
        raise FileFormatError(f"{path}: {m} inputs and {len(lines)} outputs; phasediag reads up to {MAX_BITS} inputs "
                              f"and {MAX_OUTPUTS} outputs.")
    rows = np.arange(size)
    minterm = np.zeros(size, dtype=np.int64)  # ABC's minterm of our row r: input j (x_(j+1)) is bit j
    for j in range(m):
        minterm |= input_bit(rows, j, m).astype(np.int64) << j
    values = np.zeros(size, dtype=np.int64)
    for _, line in lines:
        bits = np.frombuffer(line.encode()[::-1], dtype=np.uint8) - ord("0")  # bits[i] = f(minterm i)
        values = (values << 1) | bits[minterm]
    return _bit_lexicon(values, np.ones(size, dtype=bool), len(lines))


def read_circuit(path: Path, data: bytes | None = None) -> Lexicon:
    """The function of a combinational AIGER (``.aig``, ``.aag``, read by aigverse) or BLIF circuit."""
    if path.suffix.lower() == ".blif":
        return _read_blif(path, _text(path, _read_bytes(path) if data is None else data))
    _read_bytes(path)  # size and existence checks
    header = (_read_bytes(path) if data is None else data)[:200].split(b"\n", 1)[0].split()
    if len(header) < 6 or header[0] not in (b"aag", b"aig"):
        raise FileFormatError(f"{path}: expected an AIGER header 'aag M I L O A' or 'aig M I L O A'.")
    try:
        _, n_in, latches, n_out, _ = (int(x) for x in header[1:6])
    except ValueError:
        raise FileFormatError(f"{path}: the AIGER header must give five numbers M I L O A.") from None
    if latches:
        raise FileFormatError(f"{path} has {latches} latches; phasediag reads combinational circuits (L = 0).")
    if not 1 <= n_in <= MAX_BITS or not 1 <= n_out <= MAX_OUTPUTS:
        raise FileFormatError(f"{path}: {n_in} inputs and {n_out} outputs; phasediag reads 1 to {MAX_BITS} inputs and "
                              f"1 to {MAX_OUTPUTS} outputs.")
    from aigverse.algorithms import simulate
    from aigverse.io import read_aiger_into_aig, read_ascii_aiger_into_aig

    try:
        reader = read_ascii_aiger_into_aig if header[0] == b"aag" else read_aiger_into_aig
        aig = reader(str(path))
        tables = simulate(aig)
    except Exception as e:  # aigverse reports parse errors as plain exceptions
        raise FileFormatError(f"{path} is not a readable AIGER file ({str(e).splitlines()[0] if str(e) else e}).") from None
    return _from_minterm_tables(n_in, [[int(t.get_bit(i)) for i in range(1 << n_in)] for t in tables])


def _from_minterm_tables(m: int, outputs: list[list[int]]) -> Lexicon:
    """A lexicon from per-output tables indexed by minterm (input j is bit j of the minterm)."""
    rows = np.arange(1 << m)
    minterm = np.zeros(1 << m, dtype=np.int64)
    for j in range(m):
        minterm |= input_bit(rows, j, m).astype(np.int64) << j
    values = np.zeros(1 << m, dtype=np.int64)
    for table in outputs:
        values = (values << 1) | np.asarray(table, dtype=np.int64)[minterm]
    return _bit_lexicon(values, np.ones(1 << m, dtype=bool), len(outputs))


def _read_blif(path: Path, text: str) -> Lexicon:
    """A combinational BLIF model: ``.inputs``, ``.outputs`` and ``.names`` single-output covers
    (a cover lists the input patterns giving its output value; an empty cover is constant 0)."""
    lines, joined = [], ""
    for k, raw in enumerate(text.splitlines(), 1):
        item = raw.split("#", 1)[0].rstrip()
        if item.endswith("\\"):
            joined += item[:-1] + " "
            continue
        item, joined = (joined + item).strip(), ""
        if item:
            lines.append((k, item))
    inputs: list[str] = []
    outputs: list[str] = []
    covers: list[tuple[int, list[str], list[str]]] = []
    for k, item in lines:
        words = item.split()
        if words[0] in (".inputs", ".outputs"):
            (inputs if words[0] == ".inputs" else outputs).extend(words[1:])
        elif words[0] == ".names":
            covers.append((k, words[1:], []))
        elif words[0] in (".latch", ".subckt", ".gate", ".mlatch"):
            raise FileFormatError(f"{path}, line {k}: {words[0]} is not read; phasediag reads combinational "
                                  f"BLIF (.inputs, .outputs, .names).")
        elif words[0] in (".model", ".end", ".exdc"):
            if words[0] == ".exdc":
                break
        elif covers and not item.startswith("."):
            covers[-1][2].append(item)
        else:
            raise FileFormatError(f"{path}, line {k}: unexpected {words[0]!r}; expected .model, .inputs, .outputs, "
                                  f".names or a cover row.")
    if not 1 <= len(inputs) <= MAX_BITS or not 1 <= len(outputs) <= MAX_OUTPUTS:
        raise FileFormatError(f"{path}: {len(inputs)} inputs and {len(outputs)} outputs; phasediag reads 1 to "
                              f"{MAX_BITS} inputs and 1 to {MAX_OUTPUTS} outputs.")
    m = len(inputs)
    minterms = np.arange(1 << m)
    value: dict[str, np.ndarray] = {name: ((minterms >> j) & 1).astype(bool) for j, name in enumerate(inputs)}
    pending = list(covers)
    while pending:
        ready = [c for c in pending if all(s in value for s in c[1][:-1])]
        if not ready:
            raise FileFormatError(f"{path}, line {pending[0][0]}: signal(s) "
                                  f"{', '.join(s for s in pending[0][1][:-1] if s not in value)} are never defined "
                                  f"(or the covers form a cycle).")
        for k, names, rows in ready:
            pending.remove((k, names, rows))
            *ins, out = names
            on = np.zeros(1 << m, dtype=bool)
            polarity = None
            for row in rows:
                pattern, _, bit = row.rpartition(" ") if ins else ("", "", row.strip())
                pattern = pattern.replace(" ", "")
                if len(pattern) != len(ins) or set(pattern) - set("01-") or bit not in ("0", "1"):
                    raise FileFormatError(f"{path}, line {k}: cover row {row!r} must be {len(ins)} characters of "
                                          f"0, 1, - then 0 or 1.")
                if polarity is not None and bit != polarity:
                    raise FileFormatError(f"{path}, line {k}: a cover gives its on-set or its off-set, not both.")
                polarity = bit
                hit = np.ones(1 << m, dtype=bool)
                for s, ch in zip(ins, pattern):
                    if ch != "-":
                        hit &= value[s] == (ch == "1")
                on |= hit
            value[out] = on if polarity in (None, "1") and rows else (~on if rows else on)
    missing = [o for o in outputs if o not in value]
    if missing:
        raise FileFormatError(f"{path}: output {missing[0]} is never defined by a .names cover.")
    return _from_minterm_tables(m, [value[o].astype(int).tolist() for o in outputs])


#: Readers by suffix.
_READERS = {".csv": read_csv, ".pla": read_pla, ".truth": read_truth, ".aig": read_circuit, ".aag": read_circuit,
            ".blif": read_circuit}


def read_table_file(path: str | Path) -> tuple[Lexicon, str]:
    """The lexicon in ``path`` (format by suffix) and the file's SHA-256."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        raise ParameterError(f"The 'path' parameter of table must name a {', '.join(FORMATS)} file. Got '{path}'.")
    data = _read_bytes(path)
    return _READERS[suffix](path, data), hashlib.sha256(data).hexdigest()


class LexiconTask(Task):
    """A task whose inputs, labels and weights are a :class:`Lexicon` (``self.lexicon``): the
    members every such family shares."""

    lexicon: Lexicon

    @cached_property
    def labels(self) -> tuple[str, ...]:
        return self.lexicon.label_names or tuple(sorted(set(self.lexicon.labels)))

    @property
    def output_bits(self) -> int | None:
        return len(self.labels[0]) if self.lexicon.bits else None

    @cached_property
    def alphabet(self) -> tuple[str, ...]:
        return ("0", "1") if self.lexicon.bits else tuple(sorted(set("".join(self.lexicon.words))))

    @property
    def n_inputs(self) -> int:
        return len(self.lexicon.words)

    @cached_property
    def total_weight(self) -> int:
        return sum(self.lexicon.weights)

    @cached_property
    def uniform(self) -> bool:
        return all(w == 1 for w in self.lexicon.weights)

    def _list_inputs(self) -> TaskTable:
        lex, letter = self.lexicon, {a: i for i, a in enumerate(self.alphabet)}
        longest = max(map(len, lex.words))
        if longest > MAX_LENGTH or len(letter) > MAX_LETTERS:
            raise ParameterError(f"{self.spec} has inputs of up to {longest:,} letters over {len(letter):,} letters; "
                                 f"tasks take inputs of at most {MAX_LENGTH:,} letters over at most "
                                 f"{MAX_LETTERS:,} letters.")
        label = {y: i for i, y in enumerate(self.labels)}
        codes = np.full((len(lex.words), max(map(len, lex.words))), -1, dtype=np.int16)
        for i, word in enumerate(lex.words):
            codes[i, : len(word)] = [letter[a] for a in word]
        return TaskTable(codes, np.array([label[y] for y in lex.labels], dtype=np.int64),
                         np.array(lex.weights, dtype=np.int64))


class Table(LexiconTask):
    """A task given as a table of inputs, labels and weights (from a file, or from Python)."""

    family = "table"
    description = ("Your own task from a file, format by suffix: .csv (input,label[,weight]), .pla, .truth "
                   "(IWLS), .aig/.aag (AIGER) or .blif (a reference circuit's function). The bit formats' natural "
                   "programs are circuits.")
    natural_programs = "prefix-rules"
    parameters = (Param("path", str, "task.csv", "the task file"),)
    example = "table:path=my-task.pla"

    def __init__(self, lexicon: Lexicon | None = None, *, name: str | None = None, **values):
        super().__init__(**values)
        if lexicon is None:
            lexicon, digest = read_table_file(self.params["path"])
            self.provenance = {"path": str(Path(self.params["path"]).resolve()), "sha256": digest}
        else:
            self.provenance = None
            self._name = name
        self.lexicon = lexicon
        if len(lexicon.words) > LIST_LIMIT:
            raise ParameterError(f"A table task holds at most {LIST_LIMIT:,} inputs; got {len(lexicon.words):,}.")
        if lexicon.bits:
            self.natural_programs = "circuits"

    @property
    def spec(self) -> str:
        if self.provenance is None:
            return f"table:{self._name or 'arrays'}@{self._digest[:12]}"
        return super().spec

    @cached_property
    def _digest(self) -> str:
        lex = self.lexicon
        return hashlib.sha256(repr((lex.words, lex.labels, lex.weights)).encode()).hexdigest()


def table_task(inputs: Sequence, labels: Sequence, weights: Sequence[int] | None = None, *,
               name: str = "arrays") -> Table:
    """A task from Python sequences or NumPy arrays, usable with every method.

    ``inputs``: strings (one character per letter), or a 2-D array of 0/1 (one row per input, x1
    first: then labels may be bits, or rows of output bits for several outputs). ``labels``: one
    per input (any values; written as text). ``weights``: non-negative integers (default 1).

    >>> task = table_task(["ab", "ac", "b"], ["x", "x", "y"])
    >>> task.n_inputs, task.labels
    (3, ('x', 'y'))
    >>> xor = table_task([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0])
    >>> xor.natural_programs, xor.alphabet
    ('circuits', ('0', '1'))
    """
    array = np.asarray(inputs, dtype=object)
    count = len(array)
    if count == 0:
        raise ParameterError("A table task needs at least one input.")
    weights = [1] * count if weights is None else [int(w) for w in weights]
    if len(labels) != count or len(weights) != count:
        raise ParameterError(f"inputs, labels and weights must have one entry each per input; got {count}, "
                             f"{len(labels)} and {len(weights)}.")
    if any(w < 0 for w in weights) or not any(weights):
        raise ParameterError("Weights must be non-negative integers, and at least one positive.")
    if sum(weights) > MAX_TOTAL_WEIGHT:
        raise ParameterError(f"The weights add up to more than 2^53 = {MAX_TOTAL_WEIGHT:,}, past what every method "
                             f"counts exactly; scale them down.")
    bits = array.ndim == 2
    if bits:
        if not np.isin(array, (0, 1, True, False)).all():
            raise ParameterError("A 2-D array of inputs must hold 0 and 1 only (one row of bits per input).")
        words = ["".join(str(int(b)) for b in row) for row in array]
        values = np.asarray(labels, dtype=object)
        outputs = 1 if values.ndim == 1 else values.shape[1]
        if outputs > MAX_OUTPUTS:
            raise ParameterError(f"A Boolean function has at most {MAX_OUTPUTS} outputs; got {outputs}.")
        if not np.isin(values, (0, 1, True, False)).all():
            bits = False  # labels of any kind: the inputs stay bit strings, the labels stay names
            names = [str(y) for y in labels]
        else:
            names = ["".join(str(int(b)) for b in np.atleast_1d(v)) for v in values]
    else:
        words, names = [str(x) for x in array], [str(y) for y in labels]
        outputs = 1
    if any(not w for w in words):
        raise ParameterError("Every input must be a non-empty string (or row of bits).")
    seen: dict[str, str] = {}
    total: dict[str, int] = {}
    for word, label, weight in zip(words, names, weights):
        if seen.setdefault(word, label) != label:
            raise ParameterError(f"Input {word!r} is given two labels; a task has one label per input.")
        total[word] = total.get(word, 0) + weight
    kept = [w for w in seen if total[w] > 0]
    label_names = output_vectors(outputs) if bits else ()
    lexicon = Lexicon(tuple(kept), tuple(seen[w] for w in kept), tuple(total[w] for w in kept), label_names, bits)
    return Table(lexicon, name=re.sub(r"[^A-Za-z0-9_.-]+", "_", name))


#: Suffixes :func:`write_task` writes.
WRITTEN = (".csv", ".pla")


def write_task(task: Task, path: str | Path) -> int:
    """Write every input of ``task`` to ``path``: ``.csv`` (input,label,weight) or ``.pla`` (the
    task's Boolean encoding, one minterm per input, ``.type fr``: rows not listed are
    don't-cares; weights are not kept). Returns the number of inputs written."""
    from ..files import atomic_path
    from ..views import boolean_encoding

    path = Path(path)
    table = task.table
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        if path.suffix.lower() == ".pla":
            encoding = boolean_encoding(task)
            m, k = encoding.inputs, encoding.outputs
            f.write(f".i {m}\n.o {k}\n.ilb {' '.join(f'x{j + 1}' for j in range(m))}\n"
                    f".ob {' '.join(f'y{j + 1}' for j in range(k)) if k > 1 else 'y'}\n.type fr\n.p {len(table)}\n")
            if encoding.dense:
                minterms = (format(row, f"0{m}b") for row in encoding.input_rows.tolist())
            else:
                digits = encoding.columns[:, encoding.input_rows].T + ord("0")
                minterms = (w.decode() for w in np.ascontiguousarray(digits.astype(np.uint8)).view(f"S{m}").ravel())
            for minterm, label in zip(minterms, table.labels.tolist()):
                f.write(f"{minterm} {format(int(encoding.label_codes[label]), f'0{k}b')}\n")
            f.write(".e\n")
        else:
            writer = csv.writer(f)
            writer.writerow(["input", "label", "weight"])
            for codes, label, weight in zip(table.codes, table.labels.tolist(), table.weights.tolist()):
                writer.writerow([task.render(codes), task.labels[label], weight])
    return len(table)
