"""The README's two commands are the ones CI and users run."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    return re.findall(r"```bash\n(python3 -m venv[^\n]+)\n```", (ROOT / "README.md").read_text())


def test_two_commands_and_ci_runs_the_test_one():
    commands = readme_commands()
    assert len(commands) == 2
    main, tests = commands
    assert "phasediag compute" in main and "--plot" in main
    assert tests.endswith("pytest")
    assert tests in (ROOT / ".ci" / "run").read_text()
