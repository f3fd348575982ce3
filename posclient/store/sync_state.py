"""The till's sync state in its database (table ``sync_state``, the outbox's counts): written
by the sync engine, read by anyone (the window, ``posclient status``, another process)."""

from __future__ import annotations

import json
from typing import Any

from posclient.domain.sync_status import SyncStatus


def state_get(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def all_state(conn: Any) -> dict[str, str]:
    """Every key that has a value."""
    return {k: v for k, v in conn.execute("SELECT key, value FROM sync_state") if v is not None}


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
