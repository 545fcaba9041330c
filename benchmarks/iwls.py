"""Correct circuits of the IWLS 2022 contest functions (≤ 8 inputs), against ABC and the best known.

    python benchmarks/iwls.py [--time SECONDS] [--only ex00,ex10] [--abc PATH] [--folder DIR | --held-out SEED]

Each function (``exNN.truth``: one line per output, ABC's order, the leftmost character the value
at minterm 11…1; so the line read as a binary number has bit t = the value at minterm t, and
phasediag's row r is that minterm with its bits reversed) is synthesised in basis ``aig`` by
phasediag within ``--time`` seconds: the constructed circuit
(:func:`~phasediag.programs.circuits.construction.synthesise`), then the error-0 end of the
tempered front of the file's task with default settings (which, in the second half of the time,
resynthesises the constructed circuit and shrinks the least correct one at error 0), checked by
simulating every output on every row; and by ABC in the same run with the same time
(``strash; dc2; resyn2`` then ``&deepsyn -T``; Debian's ``berkeley-abc`` has no ``abc.rc``, so the
aliases are spelt out here). ABC is skipped when absent. Printed per function: inputs/outputs, the
AND counts (constructed, final) and times, the contest's best known, and the ratios; then medians
and the worst case.

``--held-out SEED`` runs instead on functions of the same kinds generated from the seed (no best
known; see :func:`held_out`): what the settings were not tuned on.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path
from time import perf_counter


from phasediag.methods import sample_diagram
from phasediag.programs import load_programs
from phasediag.programs.circuits import BASES
from phasediag.programs.circuits.circuit import table_of
from phasediag.programs.circuits.construction import synthesise
from phasediag.tasks import load_task

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "iwls2022"
#: The standard abc.rc aliases the script and ``&deepsyn`` use.
ABC_RC = """alias b balance
alias rw rewrite
alias rwz rewrite -z
alias rf refactor
alias rfz refactor -z
alias rs resub
alias resyn2 "b; rw; rf; b; rw; rwz; b; rfz; rwz; b"
alias compress2rs "b -l; rs -K 6 -l; rw -l; rs -K 6 -N 2 -l; rf -l; rs -K 8 -l; b -l; rs -K 8 -N 2 -l; rw -l; rs -K 10 -l; rwz -l; rs -K 10 -N 2 -l; b -l; rs -K 12 -l; rfz -l; rs -K 12 -N 2 -l; rwz -l; b -l"
"""


def read_truth(path: Path) -> tuple[int, list[int]]:
    """(inputs, one table per output) of a contest ``.truth`` file."""
    lines = [line.strip() for line in path.read_text().split() if line.strip()]
    return (len(lines[0]).bit_length() - 1), [int(line, 2) for line in lines]


def in_row_order(inputs: int, tables: list[int]) -> list[int]:
    """The contest's tables (bit t = the value at minterm t, input i = bit i of t) in phasediag's
    row order (x_(i+1) = bit inputs − 1 − i of row r, taken as the file's input i): row r is
    minterm r with its bits reversed."""
    minterm = [int(format(r, f"0{inputs}b")[::-1], 2) for r in range(1 << inputs)]
    return [sum(((t >> minterm[r]) & 1) << r for r in range(1 << inputs)) for t in tables]


def write_pla(path: Path, inputs: int, tables: list[int]) -> None:
    """The function as a fully specified PLA (every minterm, type fr) for ABC."""
    rows = [f"{format(r, f'0{inputs}b')} {''.join(str((t >> r) & 1) for t in tables)}" for r in range(1 << inputs)]
    path.write_text(f".i {inputs}\n.o {len(tables)}\n.type fr\n" + "\n".join(rows) + "\n.e\n")


def simulate(circuit, inputs: int) -> list[int]:
    """Every output of ``circuit`` as a table (bit r = value on row r)."""
    return [table_of(row) for row in circuit.output_tables()]


def run_phasediag(path: Path, seconds: float):
    """(constructed circuit, final circuit) for the function in ``path``: the class's construction,
    and the error-0 end of the tempered front (default settings) within ``seconds``."""
    programs = load_programs("circuits:basis=aig")
    task = load_task(f"table:path={path}")
    front = sample_diagram(task, programs, steps=10**9, time_limit=seconds)
    return programs.correct_program(task), front.steps[-1].witness


def run_abc(abc: str, inputs: int, tables: list[int], seconds: float) -> tuple[int | None, float]:
    with tempfile.TemporaryDirectory() as folder:
        pla = Path(folder) / "f.pla"
        write_pla(pla, inputs, tables)
        (Path(folder) / "abc.rc").write_text(ABC_RC)
        script = (f"read_pla {pla}; strash; dc2; resyn2; &get -n; &deepsyn -T {max(1, int(seconds))}; &put; "
                  f"cec {pla}; print_stats")
        start = perf_counter()
        out = subprocess.run([abc, "-c", script], capture_output=True, text=True, timeout=seconds * 3 + 60,
                             cwd=folder).stdout
        took = perf_counter() - start
    if "Networks are equivalent" not in out:
        return None, took
    found = re.findall(r"and\s*=\s*(\d+)", out)
    return (int(found[-1]) if found else None), took


def held_out(seed: int, folder: Path) -> None:
    """Write ``.truth`` files of 12 functions drawn from ``seed`` into ``folder`` (and a
    best-known.csv without counts): four totally symmetric (7–9 inputs, 2–4 outputs, each output a
    random function of the inputs' count), four PLA-like (6–8 inputs, 3–6 outputs, each the OR of
    a random subset of a pool of 6–13 random cubes of 2–4 literals) and four arithmetic ones on
    input words (a·b of 3–4 by 3 bits; (a + b)·k; a 4-bit compare and difference; k·x + c)."""
    draw = random.Random(seed)
    functions: dict[str, tuple[int, int, object]] = {}  # name: (inputs, outputs, minterm -> bits)
    for i in range(4):
        m, k = draw.randint(7, 9), draw.randint(2, 4)
        values = [[draw.randint(0, 1) for _ in range(m + 1)] for _ in range(k)]
        functions[f"s{i}"] = (m, k, lambda t, v=values: [o[bin(t).count("1")] for o in v])
    for i in range(4):
        m, k = draw.randint(6, 8), draw.randint(3, 6)
        pool = [[(v, draw.randint(0, 1)) for v in draw.sample(range(m), draw.randint(2, 4))]
                for _ in range(draw.randint(6, 13))]
        use = [[draw.random() < 0.35 for _ in pool] for _ in range(k)]
        functions[f"p{i}"] = (m, k, lambda t, p=pool, u=use: [
            any(all((t >> v) & 1 == b for v, b in c) for c, on in zip(p, us) if on) for us in u])
    a = draw.randint(3, 4)
    functions["a0"] = (a + 3, a + 3, lambda t, a=a: [((t % (1 << a)) * (t >> a)) >> j & 1 for j in range(a + 3)])
    k = draw.choice([3, 5, 7])
    functions["a1"] = (7, 7, lambda t, k=k: [((t % 8 + (t >> 3)) * k) >> j & 1 for j in range(7)])
    functions["a2"] = (8, 6, lambda t: [t % 16 > t >> 4, t % 16 == t >> 4] + [((t % 16 - (t >> 4)) % 16) >> j & 1 for j in range(4)])
    k, c = draw.choice([3, 5, 7]), draw.randint(0, 7)
    functions["a3"] = (7, 10, lambda t, k=k, c=c: [(k * t + c) >> j & 1 for j in range(10)])
    for name, (m, k, bits) in functions.items():
        tables = [0] * k
        for t in range(1 << m):
            for j, v in enumerate(bits(t)):
                tables[j] |= int(v) << t
        (folder / f"{name}.truth").write_text("".join(format(x, f"0{1 << m}b") + "\n" for x in tables))
    (folder / "best-known.csv").write_text("benchmark,best_known_and_nodes\n" + "".join(f"{n},\n" for n in functions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time", type=float, default=20.0, help="seconds per function for each tool")
    parser.add_argument("--only", default="", help="comma-separated function names")
    parser.add_argument("--abc", default=shutil.which("berkeley-abc") or shutil.which("abc"))
    parser.add_argument("--folder", type=Path, default=FOLDER)
    parser.add_argument("--held-out", type=int, metavar="SEED", help="generated functions instead (see held_out)")
    args = parser.parse_args()
    if args.held_out is not None:
        args.folder = Path(tempfile.mkdtemp(prefix="held-out-"))
        held_out(args.held_out, args.folder)
    best = {row["benchmark"]: row for row in csv.DictReader((args.folder / "best-known.csv").open())}
    names = [n for n in best if not args.only or n in args.only.split(",")]
    print(f"{'function':9} {'i/o':>6} {'built':>6} {'ours':>6} {'s':>6} {'abc':>6} {'s':>6} {'best':>6} "
          f"{'ours/abc':>9} {'ours/best':>10}")
    synthesise([0x6996_6996], 5, BASES["aig"])  # the four-input library, built once before the clock
    vs_abc, vs_best = [], []
    for name in names:
        inputs, tables = read_truth(args.folder / f"{name}.truth")
        rows = in_row_order(inputs, tables)
        start = perf_counter()
        built, circuit = run_phasediag(args.folder / f"{name}.truth", args.time)
        ours_s = perf_counter() - start
        if simulate(circuit, inputs) != rows or simulate(built, inputs) != rows:
            raise SystemExit(f"{name}: phasediag's circuit does not compute the function")
        ours = len(circuit)
        abc, abc_s = run_abc(args.abc, inputs, tables, args.time) if args.abc else (None, 0.0)
        known = int(best[name]["best_known_and_nodes"] or 0)
        if known:
            vs_best.append(ours / known)
        if abc:
            vs_abc.append(ours / abc)
        print(f"{name:9} {inputs:>2}/{len(tables):<3} {len(built):>6} {ours:>6} {ours_s:>6.1f} {abc or '-':>6} {abc_s:>6.1f} "
              f"{known or '-':>6} {ours / abc if abc else float('nan'):>9.2f} {ours / known if known else float('nan'):>10.2f}", flush=True)
    print((f"median ours/best {statistics.median(vs_best):.2f} (worst {max(vs_best):.2f})" if vs_best else "no best known")
          + (f"; median ours/abc {statistics.median(vs_abc):.2f} (worst {max(vs_abc):.2f}), "
             f"at most abc's count on {sum(r <= 1 for r in vs_abc)}/{len(vs_abc)}" if vs_abc else "; ABC not found"))


if __name__ == "__main__":
    main()
