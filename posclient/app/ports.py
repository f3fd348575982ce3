"""What the till's services and window need from the sync side, as interfaces (ports).

The real implementations are in ``sync/`` (the engine, enrolment, the keyring's token store);
``posclient.app`` and ``posclient.ui`` never import them. The composition root
(posclient/till_wiring.py, called by the command line) builds them and hands them over.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from posclient.domain.sync_status import SyncStatus
from sync.protocol import EnrolResponse, WhoAmI


class SyncEnginePort(Protocol):
    """The background sync engine (sync/engine.py ``SyncEngine``) as the window drives it: its
    status, a nudge, start and stop. The cashier's calls to the central go through it too;
    each dialog names the ones it uses (e.g. posclient/ui/returns.py ``ReturnsCentral``)."""

    on_status: Callable[[SyncStatus], None] | None  # called on the engine's own thread

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def sync_now(self) -> None:
        """Wake the engine for a cycle now (after a sale, or 'Sync now')."""

    def status(self) -> SyncStatus: ...


class TokenStorePort(Protocol):
    """Where a till's token is kept (sync/credentials.py ``TokenStore``: the OS keyring). The
    till's services only hand it to enrolment; its keys are the sync side's own."""

    def load(self, key: Any) -> str | None: ...

    def save(self, key: Any, token: str) -> None: ...


class EnrolmentPort(Protocol):
    """Enrolling this till with the central and moving it to a new address of the same central
    (sync/enrol.py). Any thread; a refusal or a network fault raises (sync's ``SyncError``)."""

    def enrol(self, db_path: Path, server_url: str, code: str, terminal_name: str, *,
              tokens: Any, again: bool = False) -> EnrolResponse: ...

    def move_central(self, db_path: Path, server_url: str, *, tokens: Any) -> WhoAmI: ...


# Makes the keyring's token store when it is first needed (reading the keyring can fail).
TokensFactory = Callable[[], TokenStorePort]
