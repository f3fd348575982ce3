"""Schema v17: the oversell rule (issue 18, frozen).

- ``oversell_queue``: the (store, product) levels below what is held there, waiting for the
  settler (sync/central/oversell.py); filled here with the levels already short;
- ``oversell_actions``: each hold the rule re-routed or flagged.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    bindparam,
    text,
)

from sync.central.schema_history.types import BigId, UtcDateTime


def upgrade(conn: Connection) -> None:
    """v17 (module docstring)."""
    md = MetaData()
    Table("oversell_queue", md,
          Column("store_id", String(32), primary_key=True),
          Column("product_id", BigInteger, primary_key=True, autoincrement=False),
          Column("queued_at", UtcDateTime, nullable=False),
          Index("oversell_queue_due", "queued_at"))
    Table("oversell_actions", md,
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("store_id", String(32), nullable=False),
          Column("product_id", BigInteger, nullable=False),
          Column("hold_kind", String(12), nullable=False),
          Column("hold_ref", String(64), nullable=False),
          Column("holder", String(200), nullable=False),
          Column("action", String(10), nullable=False),
          Column("to_store", String(32)),
          Column("units", BigInteger, nullable=False),
          Column("reason", String(32), nullable=False),
          Column("rule", String(8), nullable=False),
          Column("at", UtcDateTime, nullable=False),
          Column("exception_id", BigInteger),
          CheckConstraint("hold_kind IN ('order', 'reservation')", name="oversell_actions_kind"),
          CheckConstraint("action IN ('rerouted', 'flagged')", name="oversell_actions_action"),
          Index("oversell_actions_hold", "hold_kind", "hold_ref"),
          Index("oversell_actions_exception", "exception_id"))
    md.create_all(conn)
    conn.execute(text(
        "INSERT INTO oversell_queue (store_id, product_id, queued_at) "
        "SELECT store_id, product_id, :now FROM stock_levels WHERE held > 0 AND qty < held"
    ).bindparams(bindparam("now", type_=UtcDateTime)), {"now": datetime.now(UTC)})
