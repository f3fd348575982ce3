"""The README's two commands stay true: CI runs exactly the test command it shows."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci = (ROOT / ".ci" / "run").read_text()
    match = re.search(r'^TEST_COMMAND="(.+)"$', ci, re.M)
    assert match, "TEST_COMMAND not found in .ci/run"
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.+?)\n```", readme, re.S)
    assert blocks[1] == match.group(1), "README's second command must be CI's test command"


def test_readme_starts_with_install_and_run_then_tests():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.+?)\n```", readme, re.S)
    assert "posclient till --demo" in blocks[0]
    assert "pytest" in blocks[1]
