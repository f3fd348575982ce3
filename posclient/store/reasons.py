"""The chain's reason codes as the till keeps them (``reason_codes``, from the central)."""

from __future__ import annotations

import sqlite3

from posclient.domain.reasons import ReasonCode


def reason_codes(conn: sqlite3.Connection, kind: str) -> list[ReasonCode]:
    """The active reason codes of ``kind`` the central sent, in the chain's order."""
    rows = conn.execute(
        "SELECT code, kind, name_zh, name_en FROM reason_codes WHERE kind = ? AND active = 1 "
        "ORDER BY sort, code", (kind,)).fetchall()
    return [ReasonCode(*r) for r in rows]
