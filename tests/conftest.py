"""Shared fixtures: a small, fully known store in a real SQLite file."""

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
