"""Schema v7: the store manager's reconciliation (frozen)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """v7: the store manager's reconciliation (issue 7): a store's events by time, and who
    resolved an exception at a till. (Deliveries are entities: no table.)"""
    conn.execute(text("CREATE INDEX events_store_time ON events (store_id, occurred_at)"))
    conn.execute(text("ALTER TABLE exceptions ADD COLUMN resolved_by VARCHAR(64)"))
