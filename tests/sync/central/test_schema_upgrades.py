"""Every earlier schema version upgrades to today's, on SQLite and PostgreSQL.

A database is built as version N's program created it (the DDL its ``metadata.create_all``
emitted, frozen in schema_versions/vN.<dialect>.sql), given a few rows, and upgraded by
``init_schema``. Its reflected schema must then equal a new database's (tables, columns with
types, nullability and defaults, primary keys, indexes, unique, foreign key and check
constraints), and its rows must be there.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from central_kit import empty_database, run_frozen_ddl
from sqlalchemy import Connection, Engine, MetaData, Table, inspect, select

from sync.central import schema
from sync.central.db import make_engine
from sync.central.schema import (
    CENTRAL_ID_KEY,
    MEMBER_ID_KEY,
    PHONE_KEY,
    SCHEMA_VERSION,
    exception_events,
    exceptions,
    init_schema,
    member_activity,
    member_consents,
    member_orders,
    member_personal,
    member_stores,
    meta,
    order_personal,
    schema_version,
)
from sync.protocol import OrderData

T0 = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
SALE, RETURN = uuid.UUID(int=1), uuid.UUID(int=2)

# (the version that made the table, table, a row as today's tables read it back)
ROWS: list[tuple[int, str, dict[str, Any]]] = [
    (1, "stores", {"store_id": "S1", "name_zh": "一店", "name_en": "One", "created_at": T0}),
    (1, "terminals", {"store_id": "S1", "terminal_id": "T01", "name": "till",
                      "token_hash": "a" * 64, "created_at": T0, "revoked_at": None,
                      "high_seq": 7, "last_event_at": T0}),
    (1, "enrolment_codes", {"code_hash": "c" * 64, "store_id": "S1", "created_at": T0,
                            "expires_at": T0, "used_at": T0, "terminal_id": "T01"}),
    (1, "entities", {"entity": "member", "key": "9", "scope": "", "parent": None,
                     "data": json.dumps({"phone": "13800000000"}), "updated_at": T0}),
    (1, "stock_levels", {"store_id": "S1", "product_id": 1, "qty": 12, "updated_at": T0}),
    (1, "stock_movements", {"store_id": "S1", "product_id": 1, "qty_delta": 12,
                            "reason": "import", "event_id": None, "created_at": T0}),
    (1, "events", {"event_id": SALE, "store_id": "S1", "terminal_id": "T01",
                   "terminal_seq": 7, "type": "sale", "occurred_at": T0, "payload": "{}",
                   "received_at": T0, "effects": "applied"}),
    (1, "exceptions", {"kind": "oversold", "store_id": "S1", "terminal_id": "T01",
                       "event_id": SALE, "detail": "{}", "status": "open", "comment": "",
                       "created_at": T0, "resolved_at": None}),
    (2, "parked_sales", {"park_id": uuid.UUID(int=3), "store_id": "S1", "terminal_id": "T01",
                         "staff_id": 1, "label": "", "currency": "CNY", "total": 500,
                         "lines": 1, "cart": "{}", "parked_at": T0, "received_at": T0,
                         "state": "parked", "claimed_by": None, "claimed_at": None}),
    (3, "return_lines", {"source_kind": "receipt", "source_ref": "R1", "line_id": 1,
                         "qty": 1, "amount": 500, "state": "returned", "store_id": "S1",
                         "terminal_id": "T01", "reservation_id": None, "event_id": RETURN,
                         "created_at": T0, "expires_at": None}),
    (3, "refund_tenders", {"event_id": RETURN, "source_kind": "receipt", "source_ref": "R1",
                           "kind": "cash", "reference": "", "amount": 500}),
    (3, "refund_requests", {"event_id": RETURN, "order_no": "W1", "store_id": "S1",
                            "currency": "CNY", "amount": 667, "payment_reference": "ALI-1",
                            "status": "done", "created_at": T0, "done_at": T0}),
    (4, "points_ledger", {"member_id": 9, "delta": 5, "kind": "earn", "source_kind": "receipt",
                          "source_ref": "R1", "base": 500, "event_id": SALE,
                          "store_id": "S1", "created_at": T0}),
    (5, "audit_records", {"store_id": "S1", "terminal_id": "T01", "id": 1, "at": T0.isoformat(),
                          "staff_id": 1, "approved_by": None, "action": "sale", "detail": "{}",
                          "prev_hash": "0" * 64, "hash": "1" * 64, "received_at": T0}),
    (6, "coupon_redemptions", {"code": "SAVE5", "promotion_id": "P1", "store_id": "S1",
                               "terminal_id": "T01", "receipt_no": "R1", "event_id": SALE,
                               "redeemed_at": T0}),
    (8, "exception_events", {"exception_id": 1, "event_id": SALE}),
    (10, "pickup_code_attempts", {"order_no": "W1", "failures": 2, "last_store_id": "S1",
                                  "last_terminal_id": "T01", "last_failure_at": T0,
                                  "locked_at": None}),
    (13, "member_lookup_counts", {"store_id": "S1", "terminal_id": "T01", "minute_from": T0,
                                  "minute_count": 3, "day": "2026-11-20", "day_count": 40,
                                  "day_refused": 0}),
]


@pytest.fixture
def fresh(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A new database of today's version, of the same kind as ``database_url``."""
    (tmp_path / "fresh").mkdir()
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with empty_database(kind, tmp_path / "fresh") as url:
        engine = make_engine(url)
        assert init_schema(engine, NOW) == "created"
        yield engine
        engine.dispose()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_database_of_every_version_upgrades_to_a_new_ones_schema_and_keeps_its_rows(
        version: int, database_url: str, fresh: Engine) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        _create_as_version(conn, version)
        _fill(conn, version)
    assert init_schema(engine, NOW) == "upgraded"
    assert schema.check_schema(engine) == SCHEMA_VERSION
    with engine.connect() as conn, fresh.connect() as new:
        assert _described(conn) == _described(new)
        _check_rows(conn, version)
    engine.dispose()


def test_a_new_database_is_what_todays_definitions_describe(fresh: Engine) -> None:
    """init_schema creates exactly the tables the code queries (schema.metadata)."""
    with fresh.connect() as conn:
        assert set(_described(conn)) == {t.name for t in schema.metadata.sorted_tables}
        for table in schema.metadata.sorted_tables:
            assert [c["name"] for c in inspect(conn).get_columns(table.name)] == [
                c.name for c in table.columns], table.name


def _create_as_version(conn: Connection, version: int) -> None:
    """The tables and first rows version ``version``'s ``init`` made."""
    run_frozen_ddl(conn, version)
    tables = _reflected(conn)
    conn.execute(tables["schema_version"].insert().values(
        version=version, applied_at=_bound(conn, T0)))
    conn.execute(tables["feed_head"].insert().values(id=1, last_seq=0, low_water=0))
    if version >= 4:
        conn.execute(tables["meta"].insert().values(key=MEMBER_ID_KEY, value="41"))
    if version >= 9:
        conn.execute(tables["meta"].insert().values(key=CENTRAL_ID_KEY, value="c" * 32))


def _fill(conn: Connection, version: int) -> None:
    tables = _reflected(conn)
    for since, name, row in ROWS:
        if since <= version:
            conn.execute(tables[name].insert().values(
                {k: _bound(conn, v) for k, v in row.items()}))


def _check_rows(conn: Connection, version: int) -> None:
    """The rows written before the upgrade are there; a table the upgrade made is empty
    unless its step fills it (exception_events, entity_uniques)."""
    settings = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
    moved = version < 11  # the v11 step moved the member's phone out of its record
    digest = hmac.new(base64.b64decode(settings[PHONE_KEY]), b"13800000000",
                      hashlib.sha256).hexdigest() if moved else ""
    for since, name, row in ROWS:
        table = schema.metadata.tables[name]
        got = [tuple(r) for r in conn.execute(select(*(table.c[k] for k in row)))]
        if since <= version:
            if name == "entities" and moved:  # v11: the member's phone went to member_personal
                row = {**row, "data": json.dumps({"name": "", "phone_hash": digest,
                                                  "phone_last4": "0000"},
                                                 separators=(",", ":"))}
            assert got == [tuple(row.values())], name
        elif name != "exception_events":
            assert got == [], name
    (ex,) = conn.execute(select(exceptions.c.id, exceptions.c.count, exceptions.c.incident_key,
                                exceptions.c.resolved_by)).all()
    assert tuple(ex)[1:] == (1, None, None)
    assert conn.execute(select(exception_events.c.exception_id,
                               exception_events.c.event_id)).all() == [(ex.id, SALE)]
    versions = conn.scalars(select(schema_version.c.version).order_by(schema_version.c.version))
    assert list(versions) == list(range(version, SCHEMA_VERSION + 1))
    assert settings[MEMBER_ID_KEY] == ("41" if version >= 4 else "")
    assert len(settings[CENTRAL_ID_KEY]) == 32
    if version < 12:  # v12: the member's latest activity (its record's last change here)
        assert conn.execute(select(member_activity.c.member_id,
                                   member_activity.c.last_at)).all() == [(9, T0)]
    uniques = conn.execute(select(schema.entity_uniques.c.value, schema.entity_uniques.c.key))
    personal = conn.execute(select(member_personal.c.member_id, member_personal.c.name,
                                   member_personal.c.phone)).all()
    stores = conn.execute(select(member_stores.c.member_id, member_stores.c.store_id,
                                 member_stores.c.reason)).all()
    if not moved:  # written by a program of v11 or later: nothing of the member to move
        assert (uniques.all(), personal, stores) == ([], [], [])
        return
    assert uniques.all() == [(f"phone:{digest}", "9")]  # the hash's since v11, not the number
    assert personal == [(9, "", "13800000000")]
    assert stores == ([(9, "S1", "purchase")] if version >= 4 else [])  # it bought at S1


def _order(customer: dict[str, Any]) -> dict[str, Any]:
    return {"order_no": "W1", "status": "open", "fulfilment": "pickup", "store_id": "S1",
            "currency": "CNY", "total": 500, "created_at": T0.isoformat(),
            "updated_at": T0.isoformat(), **customer,
            "lines": [{"line_no": 1, "product_id": 1, "sku": "1", "qty": 1, "unit_price": 500,
                       "total": 500}]}


@pytest.mark.parametrize("version", [1, 13])
def test_v14_keeps_a_web_orders_customer_apart_from_what_the_tills_get(
        version: int, database_url: str) -> None:
    """The order's record and the feed's past changes of it keep the masked name, the phone's
    keyed hash and last four digits; the name and number move to order_personal. A number
    that is not a mobile one stays there only."""
    engine = make_engine(database_url)
    with engine.begin() as conn:
        _create_as_version(conn, version)
        tables = _reflected(conn)
        for seq, (no, name, phone) in enumerate((("W1", "陈静", "+86 138-0013-8000"),
                                                 ("W2", "", "010-65123456"),
                                                 ("W3", " 李四 ", None)), 1):
            data = json.dumps(_order({"order_no": no, "customer_name": name,
                                      "customer_phone": phone}), ensure_ascii=False)
            conn.execute(tables["entities"].insert().values(
                entity="order", key=no, scope="S1", parent=None, data=data,
                updated_at=_bound(conn, T0)))
            conn.execute(tables["changes"].insert().values(
                seq=seq, store_id="S1", entity="order", key=no, op="upsert", data=data,
                changed_at=_bound(conn, T0)))
        conn.execute(tables["changes"].insert().values(
            seq=4, store_id="S1", entity="order", key="W0", op="delete", data=None,
            changed_at=_bound(conn, T0)))
    assert init_schema(engine, NOW) == "upgraded"
    with engine.connect() as conn:
        key = base64.b64decode(conn.scalar(select(meta.c.value).where(meta.c.key == PHONE_KEY)))
        digest = hmac.new(key, b"13800138000", hashlib.sha256).hexdigest()
        records = dict(conn.execute(select(schema.entities.c.key, schema.entities.c.data)
                                    .where(schema.entities.c.entity == "order")).all())
        fed = conn.execute(select(schema.changes.c.key, schema.changes.c.data)
                           .order_by(schema.changes.c.seq)).all()
        personal = conn.execute(select(order_personal.c.order_no, order_personal.c.name,
                                       order_personal.c.phone)
                                .order_by(order_personal.c.order_no)).all()
    engine.dispose()
    customers = {"W1": ("陈**", digest, "8000"), "W2": ("", None, None), "W3": ("李**", None, None)}
    for no, text in [*records.items(), *((k, d) for k, d in fed if d is not None)]:
        data = json.loads(text)
        assert "customer_phone" not in data, no
        assert (data["customer_name"], data["customer_phone_hash"],
                data["customer_phone_last4"]) == customers[no]
        assert OrderData.model_validate(data).customer_name == customers[no][0]
    assert [k for k, d in fed] == ["W1", "W2", "W3", "W0"] and fed[-1][1] is None
    assert personal == [("W1", "陈静", "13800138000"), ("W2", "", "010-65123456"),
                        ("W3", " 李四 ", None)]


def _reflected(conn: Connection) -> dict[str, Table]:
    md = MetaData()
    md.reflect(conn)
    return dict(md.tables)


def _bound(conn: Connection, value: Any) -> Any:
    """A value as a reflected column takes it (SQLite: naive UTC times, UUIDs as hex)."""
    if conn.dialect.name != "sqlite":
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _default(text: str | None) -> str | None:
    """A column's server default, the same value written the same: the v8 step added
    ``exceptions.count`` with ``DEFAULT 1``, a new database has ``DEFAULT '1'`` (reflected as
    ``'1'::bigint`` on PostgreSQL), and databases of both kinds exist."""
    if text is None:
        return None
    literal = re.fullmatch(r"'([^']*)'(::[a-z ]+)?", text)
    return literal.group(1) if literal else text


def _described(conn: Connection) -> dict[str, dict[str, Any]]:
    """Each table's reflected shape, in a form two databases can be compared by."""
    insp = inspect(conn)
    shapes: dict[str, dict[str, Any]] = {}
    for name in sorted(insp.get_table_names()):
        shapes[name] = {
            "columns": [(c["name"], c["type"].compile(dialect=conn.dialect), c["nullable"],
                         _default(c.get("default"))) for c in insp.get_columns(name)],
            "primary_key": insp.get_pk_constraint(name)["constrained_columns"],
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]),
                               tuple(sorted((k, str(v)) for k, v in
                                            i.get("dialect_options", {}).items())))
                              for i in insp.get_indexes(name)),
            "uniques": sorted((tuple(u["column_names"]),)
                              for u in insp.get_unique_constraints(name)),
            "foreign_keys": sorted((tuple(f["constrained_columns"]), f["referred_table"],
                                    tuple(f["referred_columns"]))
                                   for f in insp.get_foreign_keys(name)),
            "checks": sorted((c["name"], c["sqltext"]) for c in insp.get_check_constraints(name)),
        }
    return shapes


def test_the_upgrade_steps_never_import_todays_definitions() -> None:
    """A step defines what it creates as it was then: it imports nothing of the central but
    the history's own modules."""
    steps = Path(schema.__file__).with_name("schema_history")
    for module in steps.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith("sync") or name.startswith(
                    "sync.central.schema_history"), f"{module.name} imports {name}"


def test_v12_takes_the_consents_activity_and_orders_of_members_signed_up_before(
        database_url: str) -> None:
    """A member who signed up at a till under v11 has their membership consent from the
    sign-up event (the text's version, the time, the store), their latest activity (here a
    sale after it) and their web orders; nobody has a marketing consent."""
    engine = make_engine(database_url)
    signup, sale_at = uuid.UUID(int=7), datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
    with engine.begin() as conn:
        _create_as_version(conn, 11)
        t = _reflected(conn)
        rows = {
            "entities": [
                {"entity": "member", "key": "9", "scope": "", "parent": None,
                 "data": json.dumps({"member_no": "S1T01M000001"}), "updated_at": T0},
                {"entity": "member", "key": "10", "scope": "", "parent": None,
                 "data": json.dumps({"member_no": "8800000010"}), "updated_at": T0},
                {"entity": "order", "key": "W1", "scope": "S1", "parent": None,
                 "data": json.dumps({"order_no": "W1", "member_no": "S1T01M000001"}),
                 "updated_at": T0},
                {"entity": "order", "key": "W2", "scope": "S1", "parent": None,
                 "data": json.dumps({"order_no": "W2", "member_no": None}),
                 "updated_at": T0}],
            "entity_uniques": [
                {"entity": "member", "value": "member_no:S1T01M000001", "key": "9"},
                {"entity": "member", "value": "member_no:8800000010", "key": "10"}],
            "events": [{"event_id": signup, "store_id": "S1", "terminal_id": "T01",
                        "terminal_seq": 1, "type": "member_signup", "occurred_at": T0,
                        "payload": json.dumps({"member_no": "S1T01M000001",
                                               "consent_version": "v3",
                                               "consented_at": "2026-11-20T08:29:00.000Z"}),
                        "received_at": T0, "effects": "applied"},
                       {"event_id": SALE, "store_id": "S1", "terminal_id": "T01",
                        "terminal_seq": 2, "type": "sale", "occurred_at": sale_at,
                        "payload": "{}", "received_at": sale_at, "effects": "applied"}],
            "sales": [{"event_id": SALE, "store_id": "S1", "terminal_id": "T01",
                       "receipt_no": "R1", "staff_id": 1, "member_id": 9,
                       "completed_at": sale_at, "currency": "CNY", "subtotal": 500,
                       "discount_total": 0, "tax_total": 0, "rounding": 0, "total": 500,
                       "lines": 1}]}
        for name, values in rows.items():
            for row in values:
                conn.execute(t[name].insert().values(
                    {k: _bound(conn, v) for k, v in row.items()}))
    assert init_schema(engine, NOW) == "upgraded"
    with engine.connect() as conn:
        consents = conn.execute(select(
            member_consents.c.member_id, member_consents.c.purpose,
            member_consents.c.text_version, member_consents.c.given_at,
            member_consents.c.given_channel, member_consents.c.given_store_id,
            member_consents.c.given_event_id, member_consents.c.withdrawn_at)).all()
        assert [tuple(r) for r in consents] == [
            (9, "membership", "v3", datetime(2026, 11, 20, 8, 29, tzinfo=UTC), "till", "S1",
             signup, None)]
        assert sorted(tuple(r) for r in conn.execute(select(
            member_activity.c.member_id, member_activity.c.last_at))) == [(9, sale_at),
                                                                          (10, T0)]
        assert [tuple(r) for r in conn.execute(select(
            member_orders.c.member_id, member_orders.c.order_no))] == [(9, "W1")]
    engine.dispose()


def test_v18_gives_the_orders_customers_an_empty_delivery_address(database_url: str) -> None:
    """An order's customer kept before v18 keeps their name and phone, with no address (only
    an order placed at a till for delivery has one, issue 18)."""
    engine = make_engine(database_url)
    with engine.begin() as conn:
        _create_as_version(conn, 17)
        conn.execute(_reflected(conn)["order_personal"].insert().values(
            order_no="W1", name="陈静", phone="13800138000", updated_at=_bound(conn, T0)))
    assert init_schema(engine, NOW) == "upgraded"
    with engine.connect() as conn:
        assert conn.execute(select(order_personal.c.order_no, order_personal.c.name,
                                   order_personal.c.phone, order_personal.c.address)).all() \
            == [("W1", "陈静", "13800138000", "")]
    engine.dispose()
