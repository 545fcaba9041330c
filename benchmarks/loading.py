"""Reading a diagram file against computing it (prefix-sorting n=8, length=6: 37,449 steps).

Every witness is written as its change from the step before; reading checks each change against
a running copy of the rules, so it is linear in the file; commands that need no witnesses skip
them. Prints the time to compute the front (the exact DP with its witnesses), to write it, to
read it back with and without witnesses, and read / compute.

    python benchmarks/loading.py [--n 8 --length 6]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from phasediag import exact_diagram, load_programs, load_task
from phasediag.io import read_diagram, write_diagram


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--length", type=int, default=6)
    args = parser.parse_args()
    task, rules = load_task(f"prefix-sorting:n={args.n},length={args.length}"), load_programs("prefix-rules")
    start = time.perf_counter()
    diagram = exact_diagram(task, rules)
    computed = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "d.json"
        start = time.perf_counter()
        write_diagram(diagram, path)
        written = time.perf_counter() - start
        start = time.perf_counter()
        back = read_diagram(path)
        read = time.perf_counter() - start
        start = time.perf_counter()
        read_diagram(path, witnesses=False)
        light = time.perf_counter() - start
        size = path.stat().st_size
    assert back.steps[-1].witness == diagram.steps[-1].witness
    print(f"{task.spec}: {len(diagram.steps):,} steps, file {size / 2**20:.1f} MiB")
    print(f"compute {computed:.2f} s   write {written:.2f} s   read {read:.2f} s   read / compute = {read / computed:.2f}")
    print(f"read without witnesses (plot, spectrum, compare) {light:.2f} s   / compute = {light / computed:.2f}")


if __name__ == "__main__":
    main()
