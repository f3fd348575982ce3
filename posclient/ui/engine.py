"""The sync engine (sync/engine.py ``SyncEngine``) as the window and its screens use it: the
engine port (posclient/app/ports.py ``SyncEnginePort``) and the calls to the central that each
dialog names for itself. The composition root (posclient/till_wiring.py) hands the engine over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from posclient.app.ports import (
    AislePort,
    ChainStockPort,
    MemberDirectoryPort,
    MemberKeysPort,
    SyncEnginePort,
)
from posclient.app.reconcile import Central as ReconcileCentral

from .pickup import PickupCentral
from .resume import SharedSales
from .returns import ReturnsCentral


class SaleCentral(SharedSales, PickupCentral, ReturnsCentral, MemberKeysPort,
                  MemberDirectoryPort, ChainStockPort, AislePort, Protocol):
    """What the selling screen's dialogs ask the central through the engine: other tills'
    suspended sales, coupons, web orders and their pick-up codes (ui/resume.py, ui/pickup.py),
    purchases to return (ui/returns.py), and members this till does not hold with the chain's
    member keys (ui/member.py), and the chain's stock (ui/chain_stock.py)."""


class WindowEngine(SyncEnginePort, SaleCentral, ReconcileCentral, Protocol):
    """The engine the window starts, stops and watches, and hands to the selling screen and to
    the reconciliation (posclient/app/reconcile.py)."""


# Makes the sync engine for a till just enrolled from its window; None: sync cannot start.
EngineFactory = Callable[[], WindowEngine | None]
