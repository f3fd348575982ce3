"""The till that ``posclient self-test`` tours (posclient/ui/tour.py): a small demo store in a
folder of its own (never the till's database), its day started with a float. Its card terminal
is the command line's (a simulator)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from posclient.store.db import Store

from .demo_data import DemoDocuments, DemoStaff, build_demo_store
from .ports import PaymentTerminal
from .terminal import Terminal


def open_demo_till(folder: Path, pins: dict[int, str], payments: PaymentTerminal,
                   documents: DemoDocuments) -> tuple[Terminal, DemoStaff]:
    """A new demo till in ``folder`` with the card terminal ``payments`` and the demo vocabulary
    ``documents`` reads, and its manager (whose ``pin`` is from ``pins``); close it with
    :func:`close_demo_till`."""
    store = Store.open(folder / "till.db", create=True)
    result = build_demo_store(store, documents, products=300, members=20, seed=7,
                              now=datetime.now(UTC), pins=pins)
    manager = next(s for s in result.staff if s.role == "manager")
    terminal = Terminal(store, payments=payments)
    # the day starts with a float
    terminal.shifts(terminal.staff.login(manager.staff_id, manager.pin)).open({10_000: 2})
    return terminal, manager


def close_demo_till(terminal: Terminal) -> None:
    """Close the demo till's database (its folder can then be removed)."""
    terminal.store.close()
