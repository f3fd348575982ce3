"""The till that ``posclient self-test`` tours (posclient/ui/tour.py): a small demo store in a
folder of its own (never the till's database), its day started with a float."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.store.db import Store

from .demo_data import DemoStaff, build_demo_store
from .terminal import Terminal


def open_demo_till(folder: Path, pins: dict[int, str]) -> tuple[Terminal, DemoStaff]:
    """A new demo till in ``folder`` and its manager (whose ``pin`` is from ``pins``); close it
    with :func:`close_demo_till`."""
    store = Store.open(folder / "till.db", create=True)
    result = build_demo_store(store, products=300, members=20, seed=7, now=datetime.now(UTC),
                              pins=pins)
    manager = next(s for s in result.staff if s.role == "manager")
    terminal = Terminal(store, payments=SimulatedPaymentTerminal())
    # the day starts with a float
    terminal.shifts(terminal.staff.login(manager.staff_id, manager.pin)).open({10_000: 2})
    return terminal, manager


def close_demo_till(terminal: Terminal) -> None:
    """Close the demo till's database (its folder can then be removed)."""
    terminal.store.close()
