"""The central database: tables (SQLAlchemy Core), the schema version, and its checks.

Times are timezone-aware UTC datetimes (``timestamptz`` on PostgreSQL). JSON is stored as text
in its canonical form (:func:`dump_json`), so the snapshot streams it without re-encoding and
an unchanged record is recognised by comparing text.

Versions: ``SCHEMA_VERSION`` is the version this code writes (v1 is the first; a later change
adds a numbered upgrade step, frozen once released, in sync/central/schema_history/). A new
database is created from the definitions here; an older one is upgraded by those steps, and a
test proves both end identical. A database from a newer program is refused, never touched.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    func,
    inspect,
    select,
    text,
)

from sync.central import schema_channels, schema_oversell, schema_stock
from sync.central.errors import SchemaError
from sync.central.schema_history import UPGRADES
from sync.central.schema_history.types import BigId, UtcDateTime

SCHEMA_VERSION = 18

GLOBAL = ""  # the store scope of a record every store sees (entities.scope)


def dump_json(data: Any) -> str:
    """Canonical JSON text: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", UtcDateTime, nullable=False),
)

CENTRAL_ID_KEY = "central_id"  # meta: this central's own id, whatever its address (v9)

meta = Table(  # small settings: the admin token's hash, the central's id
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

stores = Table(
    "stores", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("name_zh", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # v16: the store's group (a region: availability by group) and position (micro-degrees)
    Column("group_id", String(64), nullable=False, default="", server_default=""),
    Column("latitude_e6", BigInteger),
    Column("longitude_e6", BigInteger),
)

terminals = Table(
    "terminals", metadata,
    Column("store_id", String(32), ForeignKey("stores.store_id"), primary_key=True),
    Column("terminal_id", String(32), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    Column("high_seq", BigInteger, nullable=False, default=0),  # highest terminal_seq received
    Column("last_event_at", UtcDateTime),
    # v9: a token issued by an enrolment and not used yet. It works, and so does token_hash
    # (unless revoked), until it is first used: then it replaces token_hash (identity.py).
    Column("new_token_hash", String(64)),
    Index("terminals_new_token", "new_token_hash", unique=True),
)

terminal_gaps = Table(  # terminal_seq ranges never received: lost events until they arrive
    "terminal_gaps", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("terminal_id", String(32), primary_key=True),
    Column("first_seq", BigInteger, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("detected_at", UtcDateTime, nullable=False),
)

enrolment_codes = Table(
    "enrolment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("store_id", String(32), ForeignKey("stores.store_id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    Column("terminal_id", String(32)),
    # v9: who spent it (the till's request id) and the hash of the token it issued, so the same
    # till retrying (its answer was lost) gets the same terminal while that token is unused.
    Column("request_id", String(36)),
    Column("token_hash", String(64)),
)

enrol_failures = Table(  # bad enrolment codes per client address, for slowing guessers down
    "enrol_failures", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("address", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("enrol_failures_address", "address", "at"),
)

feed_head = Table(  # one row: the last seq handed out and the retention low-water mark
    "feed_head", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("low_water", BigInteger, nullable=False),  # changes with seq <= this may be pruned
    CheckConstraint("id = 1", name="feed_head_one_row"),
)

changes = Table(
    "changes", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("entity", String(32), nullable=False),
    Column("op", String(8), nullable=False),
    Column("key", String(128), nullable=False),
    Column("store_id", String(32)),  # NULL: every store sees it
    Column("data", Text),  # canonical JSON; NULL for a delete
    Column("changed_at", UtcDateTime, nullable=False),
    CheckConstraint("op IN ('upsert', 'delete')", name="changes_op"),
    Index("changes_store_seq", "store_id", "seq"),
)

entities = Table(  # current state of the reference data (stock levels live in stock_levels)
    "entities", metadata,
    Column("entity", String(32), primary_key=True),
    Column("key", String(128), primary_key=True),
    Column("scope", String(32), nullable=False, default=GLOBAL),  # GLOBAL or a store_id
    Column("parent", String(128)),  # a price's product key: deleted with the product
    Column("data", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("entities_scope", "entity", "scope"),
    Index("entities_parent", "entity", "parent"),
)

entity_uniques = Table(  # values the terminals keep unique: sku, plu, barcode, member_no
    "entity_uniques", metadata,
    Column("entity", String(32), primary_key=True),
    Column("value", String(160), primary_key=True),  # "sku:100001", "gtin:6901234567892"
    Column("key", String(128), nullable=False),
    Index("entity_uniques_key", "entity", "key"),
)

stock_levels = Table(
    "stock_levels", metadata,
    Column("store_id", String(32), ForeignKey("stores.store_id"), primary_key=True),
    Column("product_id", BigInteger, primary_key=True, autoincrement=False),
    Column("qty", BigInteger, nullable=False),  # units, or grams for weighed items
    Column("updated_at", UtcDateTime, nullable=False),
    Index("stock_levels_product", "product_id"),
    # v16: units promised and not gone yet: open pick-up orders and live reservations (not in
    # the feed; sync/central/held.py)
    Column("held", BigInteger, nullable=False, default=0, server_default="0"),
)

stock_movements = Table(  # the ledger: a level is always the sum of its movements
    "stock_movements", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("store_id", String(32), nullable=False),
    Column("product_id", BigInteger, nullable=False),
    Column("qty_delta", BigInteger, nullable=False),
    Column("reason", String(32), nullable=False),  # sale, import, count, demo, ...
    Column("event_id", Uuid),  # the event that moved it (NULL for imports)
    Column("created_at", UtcDateTime, nullable=False),
    Index("stock_movements_level", "store_id", "product_id"),
    Index("stock_movements_event", "event_id"),
)

events = Table(
    "events", metadata,
    Column("event_id", Uuid, primary_key=True),  # the terminal's idempotency key
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("terminal_seq", BigInteger, nullable=False),
    Column("type", String(32), nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    # applied: effects done; none: no central effects; pending: effects arrive in a later release
    Column("effects", String(8), nullable=False),
    Index("events_terminal_seq", "store_id", "terminal_id", "terminal_seq"),
    Index("events_store_time", "store_id", "occurred_at"),  # v7: a store's day
)

sales = Table(  # one row per sale event, for reconciling with the terminals' own totals
    "sales", metadata,
    Column("event_id", Uuid, ForeignKey("events.event_id"), primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("receipt_no", String(64), nullable=False),
    Column("staff_id", BigInteger),
    Column("member_id", BigInteger),
    Column("completed_at", UtcDateTime, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal", BigInteger, nullable=False),
    Column("discount_total", BigInteger, nullable=False),
    Column("tax_total", BigInteger, nullable=False),
    Column("rounding", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("lines", Integer, nullable=False),
    Index("sales_receipt", "store_id", "receipt_no"),
    Index("sales_day", "store_id", "completed_at"),
    Index("sales_member", "member_id"),  # v12: a member's sales (export, erasure)
)

quarantine = Table(  # rejected events, kept with the reason until someone handles them
    "quarantine", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", String(64), unique=True),  # NULL when unreadable
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("raw", Text, nullable=False),  # the event as received
    Column("reason", Text, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
)

exceptions = Table(  # business conflicts for a manager: oversold stock, lost events, ...
    "exceptions", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32)),
    Column("event_id", Uuid),
    Column("detail", Text, nullable=False),  # JSON
    Column("status", String(8), nullable=False, default="open"),
    Column("comment", Text, nullable=False, default=""),
    Column("created_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime),
    Column("resolved_by", String(64)),  # v7: "<staff id>@<terminal>" of a till's manager
    # v8: one open exception per incident (sync/central/incidents.py): its key, how many events
    # are behind it (exception_events), and when the latest arrived
    Column("incident_key", String(200)),
    Column("count", BigInteger, nullable=False, default=1, server_default="1"),
    Column("last_at", UtcDateTime),
    CheckConstraint("status IN ('open', 'resolved')", name="exceptions_status"),
    Index("exceptions_open", "status", "store_id"),
    Index("exceptions_event", "event_id"),
    Index("exceptions_incident_open", "store_id", "incident_key", unique=True,
          sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
)

exception_events = Table(  # v8: the events behind an exception (a grouped oversell: many)
    "exception_events", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("exception_id", BigInteger, ForeignKey("exceptions.id"), nullable=False),
    Column("event_id", Uuid, nullable=False),
    Index("exception_events_pair", "exception_id", "event_id", unique=True),
    Index("exception_events_event", "event_id"),
)


parked_sales = Table(  # v2: suspended sales a store's tills share; one claim wins
    "parked_sales", metadata,
    Column("park_id", Uuid, primary_key=True),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),  # the till that suspended it
    Column("staff_id", Integer),
    Column("label", String(64), nullable=False, default=""),
    Column("currency", String(3), nullable=False),
    Column("total", BigInteger, nullable=False),
    Column("lines", Integer, nullable=False),
    Column("cart", Text, nullable=False),  # JSON: the till's cart document
    Column("parked_at", UtcDateTime, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("state", String(8), nullable=False, default="parked"),
    Column("claimed_by", String(32)),
    Column("claimed_at", UtcDateTime),
    CheckConstraint("state IN ('parked', 'claimed')", name="parked_sales_state"),
    Index("parked_sales_open", "store_id", "state", "parked_at"),
)


return_lines = Table(  # v3: what came back of a purchase, and what returns in progress hold
    "return_lines", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("source_kind", String(8), nullable=False),  # receipt | order
    Column("source_ref", String(64), nullable=False),
    Column("line_id", Integer, nullable=False),
    Column("qty", BigInteger, nullable=False),
    Column("amount", BigInteger, nullable=False),  # refunded (0 while reserved)
    Column("state", String(8), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("terminal_id", String(32), nullable=False),
    Column("reservation_id", Uuid),
    Column("event_id", Uuid),  # the return event (state 'returned')
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),  # a reservation's end
    CheckConstraint("state IN ('reserved', 'returned')", name="return_lines_state"),
    Index("return_lines_source", "source_kind", "source_ref"),
    Index("return_lines_reservation", "reservation_id"),
    Index("return_lines_event", "event_id"),
)

refund_tenders = Table(  # v3: money given back, per tender of the purchase it came from
    "refund_tenders", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("source_kind", String(8), nullable=False),
    Column("source_ref", String(64), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("reference", String(128), nullable=False, default=""),
    Column("amount", BigInteger, nullable=False),
    Index("refund_tenders_source", "source_kind", "source_ref"),
)

refund_requests = Table(  # v3: web payments to give back, for the web shop to carry out
    "refund_requests", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("order_no", String(64), nullable=False),
    Column("store_id", String(32), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("payment_reference", String(128), nullable=False, default=""),
    # v8: held (a double refund's, until a manager decides) and refused, when decided
    Column("status", String(16), nullable=False, default="requested"),
    Column("created_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime),
    Column("decided_at", UtcDateTime),
    CheckConstraint("status IN ('requested', 'done', 'held', 'refused')",
                    name="refund_requests_status"),
    Index("refund_requests_open", "status", "id"),
)


points_ledger = Table(  # v4: every change of a member's points; the balance is their sum
    "points_ledger", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("delta", BigInteger, nullable=False),
    # earn, redeem, take_back (a return), refund (points given back), cancel (an order's), adjust
    Column("kind", String(16), nullable=False),
    Column("source_kind", String(8), nullable=False),  # receipt | order | member
    Column("source_ref", String(64), nullable=False),
    Column("base", BigInteger, nullable=False, default=0),  # an earn: the purchase's total
    Column("event_id", Uuid),  # the till's event (NULL: a web order's earn)
    Column("store_id", String(32)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("points_ledger_member", "member_id", "id"),
    Index("points_ledger_source", "source_kind", "source_ref"),
)

MEMBER_ID_KEY = "member_last_id"  # meta: the last member id given to a till's sign-up

# v11 (issue 17): the chain's member keys (sync/central/keys.py) and the days a purchase or a
# look-up keeps a member on a store's tills (sync/central/members.py), in meta.
PHONE_KEY = "phone_key"
SEAL_KEY = "member_seal_key"
MEMBER_DAYS_KEY = "member_store_days"

member_personal = Table(  # v11: a member's personal data, apart from what the tills get
    "member_personal", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False, default=""),
    Column("phone", String(32)),  # the 11 digits of a mainland mobile number
    Column("updated_at", UtcDateTime, nullable=False),
)

member_stores = Table(  # v11: the stores whose tills keep a member, and why
    "member_stores", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("store_id", String(32), primary_key=True),
    Column("home", Integer, nullable=False, default=0),  # 1: signed up there (never expires)
    Column("reason", String(8), nullable=False),  # the latest: signup, import, purchase, lookup
    Column("last_at", UtcDateTime, nullable=False),  # the latest of them there
    Index("member_stores_store", "store_id", "member_id"),
    Index("member_stores_due", "home", "last_at"),
)

# v12 (issue 17, docs/privacy.md): the member's consents, the record that a member was erased,
# and the member's latest activity, which the retention job reads; the chain's retention limit
# in meta (sync/central/erasure.py).
RETENTION_DAYS_KEY = "member_retention_days"

member_consents = Table(  # v12: each consent a member gave, and its withdrawal
    "member_consents", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("member_id", BigInteger, nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("text_version", String(64), nullable=False),  # the privacy text agreed to
    Column("given_at", UtcDateTime, nullable=False),
    Column("given_channel", String(8), nullable=False),  # till, web, app, service
    Column("given_store_id", String(32)),
    Column("given_event_id", Uuid),  # the till's member_signup or member_consent event
    Column("withdrawn_at", UtcDateTime),
    Column("withdrawn_channel", String(8)),
    Column("withdrawn_store_id", String(32)),
    Column("withdrawn_event_id", Uuid),
    CheckConstraint("purpose IN ('membership', 'marketing')", name="member_consents_purpose"),
    Index("member_consents_member", "member_id", "id"),
    # at most one consent in force per member and purpose; the marketing list reads it
    Index("member_consents_in_force", "purpose", "member_id", unique=True,
          sqlite_where=text("withdrawn_at IS NULL"),
          postgresql_where=text("withdrawn_at IS NULL")),
)

member_erasures = Table(  # v12: members erased, without any of their personal data
    "member_erasures", metadata,
    Column("member_no", String(64), primary_key=True),
    Column("member_id", BigInteger),  # NULL: a sign-up the central refused, never a member
    Column("erased_at", UtcDateTime, nullable=False),
    Column("reason", String(16), nullable=False),  # request, withdrawn, retention
    Column("requested_via", String(64), nullable=False),  # service, web, app, till S1/T01, ...
    Column("removed", Text, nullable=False),  # JSON: what went, counted
    Index("member_erasures_time", "erased_at"),
)

member_activity = Table(  # v12: a member's latest sale, web order, look-up or sign-up
    "member_activity", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("last_at", UtcDateTime, nullable=False),
    Index("member_activity_due", "last_at"),
)

member_orders = Table(  # v12: the web orders a member placed (their export and erasure)
    "member_orders", metadata,
    Column("member_id", BigInteger, primary_key=True, autoincrement=False),
    Column("order_no", String(64), primary_key=True),
)

order_personal = Table(  # v14: a web order's customer as the web shop sent it (issue 17)
    "order_personal", metadata,
    Column("order_no", String(64), primary_key=True),
    Column("name", String(200), nullable=False, default=""),
    Column("phone", String(32)),  # the 11 digits of a mainland mobile number
    Column("updated_at", UtcDateTime, nullable=False),
    # v18: the delivery address of an order placed at a till for delivery (issue 18)
    Column("address", String(200), nullable=False, default="", server_default=""),
)

audit_records = Table(  # v5: each till's audit log as it uploaded it, chain checked on arrival
    "audit_records", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("terminal_id", String(32), primary_key=True),
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("staff_id", BigInteger),
    Column("approved_by", BigInteger),
    Column("action", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
)


coupon_redemptions = Table(  # v6: each coupon code is used once, chain-wide
    "coupon_redemptions", metadata,
    Column("code", String(64), primary_key=True),  # upper case, no spaces
    Column("promotion_id", String(64)),  # NULL: a code the central does not know
    Column("store_id", String(32)),  # a till's (v15: NULL for a channel's)
    Column("terminal_id", String(32)),
    Column("receipt_no", String(64)),
    Column("event_id", Uuid),  # the sale event that recorded it
    Column("redeemed_at", UtcDateTime, nullable=False),
    Column("channel", String(64)),  # v15: the channel's name (or admin) that redeemed it
    Column("order_no", String(64)),  # v15: the channel's order it was for
)

# v15 (issue 18): channels' keys, their orders and points redeemed (sync/central/schema_channels.py)
channel_keys, channel_orders, channel_points = schema_channels.define(metadata)


pickup_code_attempts = Table(  # v10: wrong pick-up codes per order at the online check
    "pickup_code_attempts", metadata,
    Column("order_no", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),  # in a row; a right code deletes the row
    Column("last_store_id", String(32), nullable=False),  # the till of the last wrong code
    Column("last_terminal_id", String(32), nullable=False),
    Column("last_failure_at", UtcDateTime, nullable=False),
    Column("locked_at", UtcDateTime),  # set at the MAX_WRONG_CODES-th wrong code
)


member_lookup_counts = Table(  # v13: online member look-ups per terminal (lookup_limits.py)
    "member_lookup_counts", metadata,
    Column("store_id", String(32), primary_key=True),
    Column("terminal_id", String(32), primary_key=True),
    Column("minute_from", UtcDateTime, nullable=False),  # the first look-up of its minute
    Column("minute_count", Integer, nullable=False),  # look-ups answered in that minute
    Column("day", String(10), nullable=False),  # the store's date, YYYY-MM-DD
    Column("day_count", Integer, nullable=False),  # look-ups answered that day
    Column("day_refused", Integer, nullable=False),  # refused at the daily cap that day
)


# v16 (issue 18): safety stock and reservations (sync/central/schema_stock.py)
safety_stock, reservations, reservation_lines = schema_stock.define(metadata)
# v17 (issue 18): the oversell rule's queue and record (sync/central/schema_oversell.py)
oversell_queue, oversell_actions = schema_oversell.define(metadata)

# Tables a bulk load fills (their statistics are refreshed after one: db.analyze).
BULK_TABLES = (changes, entities, entity_uniques, stock_levels, stock_movements, member_personal,
               member_stores, member_activity, order_personal)


# -- creation and checks ------------------------------------------------------------------------

def init_schema(engine: Engine, now: datetime) -> str:
    """Create every table in an empty database (``"created"``), or upgrade one written by an
    older program (``"upgraded"``: every step in one transaction with its ``schema_version``
    rows), or nothing (``"current"``)."""
    with engine.begin() as conn:
        existing = set(inspect(conn).get_table_names())
        if "schema_version" in existing:
            version = _check_version(conn, upgradable=True)
            if version < SCHEMA_VERSION:
                _upgrade(conn, version, now)
                return "upgraded"
            return "current"
        ours = {t.name for t in metadata.sorted_tables}
        if existing & ours:
            raise SchemaError(
                "This database already has some of the central's tables but no schema_version "
                f"({', '.join(sorted(existing & ours))}): it is not a central database, or an "
                "initialisation was interrupted. Nothing was changed; use an empty database.")
        metadata.create_all(conn)
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION, applied_at=now))
        conn.execute(feed_head.insert().values(id=1, last_seq=0, low_water=0))
        conn.execute(meta.insert().values(key=MEMBER_ID_KEY, value=""))
        conn.execute(meta.insert().values(key=CENTRAL_ID_KEY, value=uuid.uuid4().hex))
    return "created"


def check_schema(engine: Engine) -> int:
    """Raise :class:`SchemaError` unless the database is a central database this code can use."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("schema_version"):
            raise SchemaError("This database is not initialised: run `posclient-central init` "
                              "(with the same --database) first.")
        version = _check_version(conn)
        conn.rollback()
    return version


def _check_version(conn: Connection, *, upgradable: bool = False) -> int:
    """The database's schema version; raises unless this program can use it as it is (or, with
    ``upgradable``, after :func:`_upgrade`)."""
    version = conn.execute(select(func.max(schema_version.c.version))).scalar_one_or_none()
    if version is None:
        raise SchemaError("The schema_version table is empty: this database cannot be used.")
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"This database was written by a newer posclient-central (schema v{version}); this "
            f"program knows schema v{SCHEMA_VERSION} at most. Upgrade posclient-central. "
            "The database was not changed.")
    if version < SCHEMA_VERSION and not (upgradable and version in UPGRADES):
        hint = ("Run `posclient-central init` with the same --database to upgrade it (the data "
                "is kept)." if version in UPGRADES else "This program has no upgrade from it.")
        raise SchemaError(f"This database has schema v{version}; this program needs "
                          f"v{SCHEMA_VERSION}. {hint} The database was not changed.")
    return int(version)


def _upgrade(conn: Connection, version: int, now: datetime) -> None:
    """Apply the upgrade steps after ``version`` in order, in the caller's transaction."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        UPGRADES[target - 1](conn)
        conn.execute(schema_version.insert().values(version=target, applied_at=now))
