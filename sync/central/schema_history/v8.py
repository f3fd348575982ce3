"""Schema v8: one exception per incident; refund requests held or refused (frozen)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Uuid,
    text,
)

from sync.central.schema_history.types import BigId, UtcDateTime


def upgrade(conn: Connection) -> None:
    """v8: one exception per incident (issue 14): the exceptions' incident key, count and
    latest event, the events behind each (the existing ones' own event), one open exception
    per key; refund requests held until a manager decides, or refused (SQLite cannot change a
    CHECK constraint: the table is rebuilt)."""
    postgresql = conn.dialect.name == "postgresql"
    for column in ("incident_key VARCHAR(200)", "count BIGINT NOT NULL DEFAULT 1",
                   f"last_at {'TIMESTAMP WITH TIME ZONE' if postgresql else 'DATETIME'}"):
        conn.execute(text(f"ALTER TABLE exceptions ADD COLUMN {column}"))
    conn.execute(text("CREATE UNIQUE INDEX exceptions_incident_open ON exceptions "
                      "(store_id, incident_key) WHERE status = 'open'"))
    md = MetaData()
    Table("exceptions", md, Column("id", BigId, primary_key=True))  # for the foreign key
    Table("exception_events", md,
          Column("id", BigId, primary_key=True, autoincrement=True),
          Column("exception_id", BigInteger, ForeignKey("exceptions.id"), nullable=False),
          Column("event_id", Uuid, nullable=False),
          Index("exception_events_pair", "exception_id", "event_id", unique=True),
          Index("exception_events_event", "event_id")).create(conn)
    conn.execute(text("INSERT INTO exception_events (exception_id, event_id) SELECT id, "
                      "event_id FROM exceptions WHERE event_id IS NOT NULL ORDER BY id"))
    if postgresql:
        conn.execute(text("ALTER TABLE refund_requests DROP CONSTRAINT IF EXISTS "
                          "refund_requests_status"))
        conn.execute(text("ALTER TABLE refund_requests ADD CONSTRAINT refund_requests_status "
                          "CHECK (status IN ('requested', 'done', 'held', 'refused'))"))
        conn.execute(text("ALTER TABLE refund_requests ADD COLUMN IF NOT EXISTS decided_at "
                          "TIMESTAMP WITH TIME ZONE"))
        return
    conn.execute(text("DROP INDEX refund_requests_open"))
    conn.execute(text("ALTER TABLE refund_requests RENAME TO refund_requests_v7"))
    _refund_requests(MetaData()).create(conn)
    names = ("id, event_id, order_no, store_id, currency, amount, payment_reference, status, "
             "created_at, done_at")
    conn.execute(text(f"INSERT INTO refund_requests ({names}) SELECT {names} "
                      "FROM refund_requests_v7"))
    conn.execute(text("DROP TABLE refund_requests_v7"))


def _refund_requests(md: MetaData) -> Table:
    """refund_requests as v8 made it: ``held``, ``refused`` and ``decided_at`` added."""
    return Table("refund_requests", md,
                 Column("id", BigId, primary_key=True, autoincrement=True),
                 Column("event_id", Uuid, nullable=False),
                 Column("order_no", String(64), nullable=False),
                 Column("store_id", String(32), nullable=False),
                 Column("currency", String(3), nullable=False),
                 Column("amount", BigInteger, nullable=False),
                 Column("payment_reference", String(128), nullable=False, default=""),
                 Column("status", String(16), nullable=False, default="requested"),
                 Column("created_at", UtcDateTime, nullable=False),
                 Column("done_at", UtcDateTime),
                 Column("decided_at", UtcDateTime),
                 CheckConstraint("status IN ('requested', 'done', 'held', 'refused')",
                                 name="refund_requests_status"),
                 Index("refund_requests_open", "status", "id"))
