"""The till's sync state as stored in its database (table ``sync_state`` and the outbox's
counts): what the status bar and ``posclient status`` show, readable by any process."""

from __future__ import annotations

import json
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
    # sync/refusals.py ``describe``; None when the last cycle succeeded.
    error_code: str | None = None
    error_details: dict[str, Any] = field(default_factory=dict)


@dataclass
class CycleReport:
    pushed: int = 0
    rejected: int = 0
    applied: int = 0
    bootstrapped: bool = False
    exceptions: list[str] = field(default_factory=list)
    parked: int = 0  # suspended sales published, claimed or dropped (sync/parked.py)


def state_get(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def state_set(conn: Any, **values: str | int | None) -> None:
    conn.executemany(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(k, None if v is None else str(v)) for k, v in values.items()])


def read_status(conn: Any, *, state: str | None = None,
                progress: tuple[int, int] | None = None) -> SyncStatus:
    """The sync status as stored in the database (readable by any process)."""
    server = state_get(conn, "server_url")
    cursor = state_get(conn, "cursor")
    online = state_get(conn, "online")
    counts = dict(conn.execute(
        "SELECT status, count(*) FROM outbox WHERE status IN ('pending', 'rejected') "
        "GROUP BY status").fetchall())
    last_error = state_get(conn, "last_error")
    error_code = state_get(conn, "error_code") if last_error else None
    try:
        error_details = json.loads(state_get(conn, "error_details") or "{}") \
            if error_code else {}
    except ValueError:
        error_details = {}
    if state is None:
        if not server:
            state = "not_enrolled"
        elif online == "0" and state_get(conn, "error_code") == "wrong_token":
            state = "wrong_token"  # another till's token: nothing is sent or taken in
        elif online == "0":
            state = "offline" if state_get(conn, "error_transient") == "1" else "error"
        else:
            state = "idle"
    return SyncStatus(
        enrolled=bool(server),
        online=None if online is None else online == "1",
        state=state,
        events_waiting=counts.get("pending", 0),
        events_rejected=counts.get("rejected", 0),
        last_sync_at=state_get(conn, "last_sync_at"),
        last_error=last_error,
        cursor=None if cursor is None else int(cursor),
        server_url=server,
        progress=progress,
        error_code=error_code,
        error_details=error_details if isinstance(error_details, dict) else {},
    )
