"""The till's sync status: what a person sees at a glance (the status bar, ``posclient
status``), as the sync engine leaves it in the till's database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What a person sees at a glance (status bar, ``posclient status``)."""

    enrolled: bool
    online: bool | None  # None: never tried
    state: str  # idle | syncing | bootstrapping | offline | error | wrong_token | not_enrolled
    events_waiting: int
    events_rejected: int
    last_sync_at: str | None
    last_error: str | None
    cursor: int | None
    server_url: str | None
    progress: tuple[int, int] | None = None  # (done, total) during a bootstrap
    # The last failure's code and details (sync/errors.py), shown in the user's language by
    # posclient/app/refusals.py ``describe``; None when the last cycle succeeded.
    error_code: str | None = None
    error_details: dict[str, Any] = field(default_factory=dict)
