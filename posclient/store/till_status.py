"""What ``posclient status`` counts in a till's database (posclient/app/terminal.py
``Terminal.status``)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TillCounts:
    schema_version: int  # the database's ``user_version``
    products: int
    active_staff: int
    sales: int


def counts(conn: sqlite3.Connection) -> TillCounts:
    def one(sql: str) -> int:
        return int(conn.execute(sql).fetchone()[0])

    return TillCounts(schema_version=one("PRAGMA user_version"),
                      products=one("SELECT count(*) FROM products"),
                      active_staff=one("SELECT count(*) FROM staff WHERE active = 1"),
                      sales=one("SELECT count(*) FROM sales"))
