"""``phasediag show``: one step of a diagram file, its witness printed or drawn."""

from __future__ import annotations

from pathlib import Path

import click

from ..tasks import load_task

from ..errors import ParameterError, PhasediagError
from ..io import read_diagram
from ..programs import load_programs
from ..programs.rules import ARROW
from ..tables import LIST_LIMIT
from ._options import PLOT_SUFFIXES, output_path


@click.command()
@click.argument("diagram", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--step", "complexity", type=click.IntRange(min=0), default=None,
              help="The step with this complexity (default: the last step).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Draw the witness (.png, .pdf or .svg: circuits and trees) or write it to a file "
              "(.csv: rule lists and trees; .aag, .aig, .v, .blif: circuits).")
def show(diagram: Path, complexity: int | None, out: Path | None) -> None:
    """Print the witness of one step of DIAGRAM; draw or export it with --out."""
    if out is not None:
        output_path(out, PLOT_SUFFIXES + (".csv", ".aag", ".aig", ".v", ".blif"), "--out")
    d = read_diagram(diagram)
    if not d.steps:
        raise ParameterError(f"{diagram} has no steps.")
    by_complexity = {s.complexity: s for s in d.steps}
    if complexity is None:
        complexity = d.steps[-1].complexity
    if complexity not in by_complexity:
        listed = ", ".join(map(str, list(by_complexity)[:40])) + (", …" if len(by_complexity) > 40 else "")
        raise ParameterError(f"{diagram} has no step of complexity {complexity}; its steps are at {listed}.")
    step = by_complexity[complexity]
    programs = load_programs(d.programs)
    drawn = out is not None and out.suffix.lower() in PLOT_SUFFIXES
    if drawn and not programs.has("draw"):
        raise ParameterError(f"--out {out.suffix} draws a witness; {programs.name} witnesses are not drawn. "
                             f"They are exported as {', '.join(programs.export_formats) or 'nothing'}.")
    if out is not None and not drawn and out.suffix.lower() not in programs.export_formats:
        allowed = list(programs.export_formats) + (list(PLOT_SUFFIXES) if programs.has("draw") else [])
        raise ParameterError(f"--out {out.suffix}: {programs.name} witnesses are written as "
                             f"{', '.join(allowed) or 'nothing'}.")
    status = step.status + (f" [{step.lower_bound}, {step.complexity}]" if step.lower_bound is not None else "")
    click.echo(f"{d.task.spec} · {d.programs} · complexity {step.complexity} · error {step.error:.6g}"
               + (f" ({step.wrong}/{step.total})" if step.wrong is not None else "") + f" · {status}")
    covered = _coverage(d, programs, step.witness)
    if covered is None:
        for line in programs.describe(step.witness):
            click.echo("  " + line)
    else:
        total = sum(c.weight for c in covered) or 1.0
        width = max(len(f"{c.rule}{ARROW}{c.label}") for c in covered)
        click.echo(f"  {'rule':<{width}}  {'role':<9}  inputs decided (share of weight)")
        for c in covered:
            click.echo(f"  {c.rule + ARROW + c.label:<{width}}  {c.role:<9}  {c.inputs:,} ({c.weight / total:.3%})")
    if drawn:
        programs.draw(step.witness, out, title=f"{d.task.spec}: {step.complexity} {programs.unit}, "
                                               f"error {step.error:.4g}")
    elif out is not None:
        programs.export(step.witness, out)
    if out is not None:
        click.echo(f"wrote {out}")


def _coverage(d, programs, witness):
    """Each rule's coverage on the diagram's task (rule lists on tasks that list their inputs),
    else None."""
    if not programs.has("coverage") or d.task.inputs > LIST_LIMIT:
        return None
    if d.task.source is not None or "lexicon" in d.task.parameters:
        return None  # the task is a file the diagram names: opened only when the user asks (compute)
    try:
        task = load_task(d.task.spec)
    except PhasediagError:  # a task built in Python, or a file that moved: print the rules alone
        return None
    return programs.coverage(task, witness)
