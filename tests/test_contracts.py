"""The import contracts in pyproject.toml name every module they must: a new front end under
posclient/ or a new module of the till's sync engine under sync/ is not left out of them.

`lint-imports` (in .ci/run) checks the contracts themselves; this test checks their lists.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = {c["id"]: c for c in tomllib.loads(
    (ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]}


def _children(package: str, *, skip: set[str]) -> set[str]:
    """The modules and packages directly in ``package`` (its own folder)."""
    folder = ROOT.joinpath(*package.split("."))
    names = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    names |= {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    return {f"{package}.{n}" for n in names - skip}


FRONT_ENDS = _children("posclient", skip={"domain", "store", "app", "ui", "devices", "resources"})
ENGINE = _children("sync", skip={"protocol", "central"})


def test_the_lists_are_found() -> None:
    assert {"posclient.cli", "posclient.console"} <= FRONT_ENDS
    assert {"sync.engine", "sync.apply"} <= ENGINE


def test_every_front_end_module_is_forbidden_to_the_inner_layers() -> None:
    for contract in ("domain", "protocol", "store", "devices", "app", "engine", "central"):
        missing = FRONT_ENDS - set(CONTRACTS[contract]["forbidden_modules"])
        assert not missing, f"contract {contract!r} does not forbid {sorted(missing)}"
    missing = FRONT_ENDS - {"posclient.assets"} - set(CONTRACTS["ui"]["forbidden_modules"])
    assert not missing, f"contract 'ui' does not forbid {sorted(missing)}"


def test_every_sync_engine_module_is_bound_by_the_engine_contract() -> None:
    assert set(CONTRACTS["engine"]["source_modules"]) == ENGINE
    for contract in ("protocol", "app", "central"):
        missing = ENGINE - set(CONTRACTS[contract]["forbidden_modules"])
        assert not missing, f"contract {contract!r} does not forbid {sorted(missing)}"
