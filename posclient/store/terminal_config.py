"""This terminal's own configuration (``terminal_config``): one JSON value per key, never
synced. Writers take the caller's write transaction."""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def config_json(conn: sqlite3.Connection, key: str) -> str | None:
    """The key's value as stored (JSON text), or None when it is not set."""
    row = conn.execute("SELECT value FROM terminal_config WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def put_config(conn: sqlite3.Connection, key: str, value: Any) -> None:
    """Set the key to ``value`` (stored as JSON)."""
    conn.execute("INSERT INTO terminal_config (key, value) VALUES (?, ?) ON CONFLICT (key) "
                 "DO UPDATE SET value = excluded.value",
                 (key, json.dumps(value, ensure_ascii=False)))
