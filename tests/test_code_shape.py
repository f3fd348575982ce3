"""The product's code keeps a shape a newcomer can read: no file over 600 lines and no function
over cyclomatic complexity 20 (radon's measure, which counts boolean operators as branches) in
posclient/ and sync/."""

from __future__ import annotations

from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 600
MAX_COMPLEXITY = 20
FILES = sorted(p for folder in ("posclient", "sync") for p in (ROOT / folder).rglob("*.py"))


def test_the_files_are_found() -> None:
    assert len(FILES) > 100


def test_no_file_is_over_600_lines() -> None:
    long = {str(p.relative_to(ROOT)): n for p in FILES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"


def test_no_function_is_over_complexity_20() -> None:
    complex_ = [f"{p.relative_to(ROOT)}:{b.lineno} {b.fullname} {b.complexity}"
                for p in FILES for b in cc_visit(p.read_text(encoding="utf-8"))
                if b.complexity > MAX_COMPLEXITY]
    assert not complex_, "over complexity 20:\n" + "\n".join(complex_)


def test_the_complexity_measure_counts_branches() -> None:
    source = "def f(x):\n" + "".join(f"    if x == {i} or x < 0:\n        return {i}\n"
                                      for i in range(10)) + "    return -1\n"
    (block,) = cc_visit(source)
    assert block.complexity == 21
