"""Schema v15: channel credentials (issue 18, frozen).

- ``channel_keys``: a channel's (web shop, mini-program, app) API key: its public id, name,
  scopes, and the SHA-256 of its secret part only.
- ``channel_orders``: which channel's key created an order (only that channel reads or
  changes it).
- ``channel_points``: the points a channel redeemed, one row per (holder, request_id), so a
  repeat answers as the first did.
- ``coupon_redemptions``: a channel can redeem a coupon, recorded as ``channel`` (its name) and
  ``order_no``, with no store or terminal: ``store_id`` and ``terminal_id`` may be NULL now
  (SQLite cannot drop a NOT NULL: the table is copied into its new form).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
)

from sync.central.schema_history.types import UtcDateTime

_COUPON_COLUMNS = "code, promotion_id, store_id, terminal_id, receipt_no, event_id, redeemed_at"


def upgrade(conn: Connection) -> None:
    """v15 (module docstring)."""
    md = MetaData()
    Table("channel_keys", md,
          Column("id", String(16), primary_key=True),
          Column("name", String(32), nullable=False),
          Column("key_hash", String(64), nullable=False),
          Column("scopes", String(200), nullable=False),
          Column("created_at", UtcDateTime, nullable=False),
          Column("revoked_at", UtcDateTime),
          Column("last_used_at", UtcDateTime),
          Index("channel_keys_name", "name", unique=True))
    Table("channel_orders", md,
          Column("order_no", String(64), primary_key=True),
          Column("channel_id", String(16), nullable=False))
    Table("channel_points", md,
          Column("holder", String(64), primary_key=True),
          Column("request_id", Uuid, primary_key=True),
          Column("member_id", BigInteger, nullable=False),
          Column("points", BigInteger, nullable=False),
          Column("order_no", String(64)),
          Column("balance", BigInteger, nullable=False),
          Column("created_at", UtcDateTime, nullable=False))
    md.create_all(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "ALTER TABLE coupon_redemptions ALTER COLUMN store_id DROP NOT NULL, "
            "ALTER COLUMN terminal_id DROP NOT NULL, ADD COLUMN channel VARCHAR(64), "
            "ADD COLUMN order_no VARCHAR(64)")
        return
    Table("coupon_redemptions_v15", MetaData(),
          Column("code", String(64), primary_key=True),
          Column("promotion_id", String(64)),
          Column("store_id", String(32)),
          Column("terminal_id", String(32)),
          Column("receipt_no", String(64)),
          Column("event_id", Uuid),
          Column("redeemed_at", UtcDateTime, nullable=False),
          Column("channel", String(64)),
          Column("order_no", String(64))).create(conn)
    conn.exec_driver_sql(f"INSERT INTO coupon_redemptions_v15 ({_COUPON_COLUMNS}) "
                         f"SELECT {_COUPON_COLUMNS} FROM coupon_redemptions")
    conn.exec_driver_sql("DROP TABLE coupon_redemptions")
    conn.exec_driver_sql("ALTER TABLE coupon_redemptions_v15 RENAME TO coupon_redemptions")
