"""The store's settings in the till's ``settings`` table, one JSON value per field.

They arrive from the central (``store_settings`` in the change feed) or from demo data; the
till reads them once at start and after each sync.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, fields

from posclient.domain.settings import StoreSettings


def load_settings(conn: sqlite3.Connection) -> StoreSettings:
    """The settings as stored; a key this version does not know is ignored."""
    known = {f.name for f in fields(StoreSettings)}
    values = {
        k: json.loads(v)
        for k, v in conn.execute("SELECT key, value FROM settings")
        if k in known
    }
    return StoreSettings(**values)


def save_settings(conn: sqlite3.Connection, settings: StoreSettings) -> None:
    """Write every setting (the caller owns the transaction)."""
    conn.executemany(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [(k, json.dumps(v, ensure_ascii=False)) for k, v in asdict(settings).items()],
    )
