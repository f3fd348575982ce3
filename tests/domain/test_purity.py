"""The domain is pure, and only posclient/ui may import Qt: checked by reading the source."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "posclient" / "domain"

# Anything that reaches the screen, the network, the disk, the clock, the OS or chance.
DOMAIN_FORBIDDEN_MODULES = {
    "PySide6", "shiboken6", "PyQt5", "PyQt6", "httpx", "requests", "urllib", "http", "socket",
    "ssl", "sqlite3", "sqlite_utils", "keyring", "escpos", "serial", "usb", "os", "sys",
    "pathlib", "shutil", "tempfile", "io", "glob", "subprocess", "threading", "multiprocessing",
    "asyncio", "time", "random", "secrets", "logging", "platformdirs", "importlib",
}
# posclient packages the domain must not depend on (dependencies point inward).
DOMAIN_FORBIDDEN_PACKAGES = {
    "posclient.app", "posclient.store", "posclient.ui", "posclient.devices", "sync",
}
# Calls that read the clock, the user, or the disk, however the module was imported.
CLOCK_ATTRIBUTES = {"now", "utcnow", "today", "time_ns", "monotonic", "perf_counter"}
FORBIDDEN_BUILTINS = {"open", "input", "print", "exec", "eval", "__import__", "breakpoint"}
QT_MODULES = {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
QT_FREE_PACKAGES = ["posclient/domain", "posclient/app", "posclient/store", "posclient/devices",
                    "sync"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> Iterator[tuple[int, str]]:
    """Every absolute module name ``path`` imports, relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    return modules_in_source(path.read_text(encoding="utf-8"), package)


def modules_in_source(source: str, package: list[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            yield node.lineno, prefix
            # ``from . import money`` or ``from PySide6 import QtCore``: names may be modules.
            for alias in node.names:
                yield node.lineno, f"{prefix}.{alias.name}"
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"import_module", "__import__"} and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    yield node.lineno, arg.value


def within(module: str, packages: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def python_files(*folders: str) -> list[Path]:
    return sorted(p for f in folders for p in (ROOT / f).rglob("*.py"))


DOMAIN_FILES = sorted(DOMAIN.glob("*.py"))


def test_the_domain_package_is_found() -> None:
    names = {p.stem for p in DOMAIN_FILES}
    assert {"money", "barcode", "tax", "cart", "tender", "policy", "ids", "errors"} <= names


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_domain_module_imports_nothing_that_does_io(path: Path) -> None:
    bad = [
        f"{path.name}:{line} imports {mod}"
        for line, mod in imported_modules(path)
        if within(mod, DOMAIN_FORBIDDEN_MODULES) or within(mod, DOMAIN_FORBIDDEN_PACKAGES)
    ]
    assert not bad, "the domain must stay pure:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_domain_module_reads_no_clock_and_does_no_io(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in FORBIDDEN_BUILTINS:
            bad.append(f"{path.name}:{node.lineno} calls {func.id}()")
        if isinstance(func, ast.Attribute) and func.attr in CLOCK_ATTRIBUTES:
            bad.append(f"{path.name}:{node.lineno} calls .{func.attr}(): pass the time in")
        if isinstance(func, ast.Attribute) and func.attr in {"uuid1", "uuid4", "urandom"}:
            bad.append(f"{path.name}:{node.lineno} calls .{func.attr}(): pass randomness in")
    assert not bad, "the domain must stay pure:\n" + "\n".join(bad)


def test_the_checker_resolves_every_import_form() -> None:
    source = (
        "import os.path\n"
        "from time import monotonic\n"
        "import PySide6.QtCore as qc\n"
        "from importlib import import_module\n"
        "import_module('httpx')\n"
        "from ..store import db\n"
        "from . import money\n"
        "from .tax import summarize\n"
    )
    found = {mod for _, mod in modules_in_source(source, ["posclient", "domain"])}
    assert {"os.path", "time", "PySide6.QtCore", "importlib", "httpx", "posclient.store",
            "posclient.domain.money", "posclient.domain.tax"} <= found
    assert within("PySide6.QtCore", QT_MODULES)
    assert within("posclient.store.db", DOMAIN_FORBIDDEN_PACKAGES)
    assert within("os.path", DOMAIN_FORBIDDEN_MODULES)
    assert not within("ossify", DOMAIN_FORBIDDEN_MODULES)


def test_relative_imports_are_resolved() -> None:
    cart = dict((mod, line) for line, mod in imported_modules(DOMAIN / "cart.py"))
    assert "posclient.domain.money" in cart
    assert "posclient.domain.errors" in cart


@pytest.mark.parametrize(
    "path", python_files(*QT_FREE_PACKAGES), ids=lambda p: str(p.relative_to(ROOT))
)
def test_only_the_ui_imports_qt(path: Path) -> None:
    bad = [f"{path.relative_to(ROOT)}:{line} imports {mod}"
           for line, mod in imported_modules(path) if within(mod, QT_MODULES)]
    assert not bad, "only posclient/ui may import Qt:\n" + "\n".join(bad)
