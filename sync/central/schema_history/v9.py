"""Schema v9: enrolment safe to retry (frozen)."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """v9: enrolment safe to retry (issue 14): the central's own id, the request that spent
    each code and the token it issued, and a terminal's new token beside its old one until
    first used."""
    conn.execute(text("ALTER TABLE terminals ADD COLUMN new_token_hash VARCHAR(64)"))
    conn.execute(text("CREATE UNIQUE INDEX terminals_new_token ON terminals (new_token_hash)"))
    conn.execute(text("ALTER TABLE enrolment_codes ADD COLUMN request_id VARCHAR(36)"))
    conn.execute(text("ALTER TABLE enrolment_codes ADD COLUMN token_hash VARCHAR(64)"))
    conn.execute(text("INSERT INTO meta (key, value) VALUES ('central_id', :id)"),
                 {"id": uuid.uuid4().hex})
