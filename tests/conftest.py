"""Shared fixtures: a small, fully known store in a real SQLite file.

Also how the suite runs: in parallel on :data:`WORKERS` pytest-xdist workers by default (``-n 0``
or ``-p no:xdist`` runs it serially, ``-n N`` on N workers), the tests marked ``slow`` first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from till_kit import build_small_store

from posclient.app.staff import StaffService
from posclient.domain.clock import ManualClock
from posclient.store.db import Store

# Many tests wait on sockets, threads, subprocesses and fsync rather than the CPU, so more
# workers than the 2 cores of CI's machine keep both busy (README.md, "Running the tests").
WORKERS = 3


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Without ``-n``, distribute over :data:`WORKERS` workers (before xdist reads ``-n``).

    Not ``-n`` in pyproject's addopts: then ``-p no:xdist`` would be a usage error.
    """
    if (not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput")
            or config.option.numprocesses is not None or config.option.tx
            or config.option.collectonly or config.option.usepdb):
        return
    config.option.numprocesses = WORKERS
    if config.option.dist == "no":
        config.option.dist = "loadgroup"  # a module marked xdist_group stays on one worker


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On a worker, the ``slow`` tests first (a stable sort: the order within each part is
    kept), so the longest start early and the end of the run is not one worker alone."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@dataclass
class Till:
    store: Store
    clock: ManualClock
    staff: StaffService
    path: Path


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def small_store(tmp_path: Path) -> Store:
    store = build_small_store(tmp_path / "till.db")
    yield store
    store.close()


@pytest.fixture
def till(small_store: Store, clock: ManualClock, tmp_path: Path) -> Till:
    return Till(small_store, clock, StaffService(small_store, clock), tmp_path / "till.db")
