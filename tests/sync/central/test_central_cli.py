"""``posclient-central`` through ``main(argv)``: init, stores, codes, imports, refusals."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    MetaData,
    Table,
    delete,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError

from sync.central.cli import main
from sync.central.db import make_engine
from sync.central.schema import (
    CENTRAL_ID_KEY,
    MEMBER_ID_KEY,
    SCHEMA_VERSION,
    audit_records,
    channel_keys,
    channel_orders,
    channel_points,
    coupon_redemptions,
    entities,
    exception_events,
    exceptions,
    member_activity,
    member_consents,
    member_erasures,
    member_lookup_counts,
    member_orders,
    member_personal,
    member_stores,
    meta,
    oversell_actions,
    oversell_queue,
    parked_sales,
    pickup_code_attempts,
    points_ledger,
    refund_requests,
    refund_tenders,
    reservation_lines,
    reservations,
    return_lines,
    safety_stock,
    schema_version,
    stock_levels,
)


@pytest.fixture
def db(database_url, capsys, monkeypatch):
    """An initialised database URL (the admin token is not taken from the environment)."""
    monkeypatch.delenv("POSCLIENT_CENTRAL_ADMIN_TOKEN", raising=False)
    assert main(["--database", database_url, "init"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Admin token \(shown once, keep it safe\): \S{40,}", out)
    return database_url


def test_init_create_store_and_enrol_code(db, capsys):
    assert main(["--database", db, "init"]) == 0  # a second init changes nothing
    assert "already initialised" in capsys.readouterr().out
    assert main(["--database", db, "create-store", "S7", "--name-zh", "七店",
                 "--name-en", "Seven"]) == 0
    assert main(["--database", db, "enrol-code", "--store", "S7", "--ttl-hours", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Enrolment code for store S7 .*: [0-9A-Z]{4}(-[0-9A-Z]{4}){3}$", out,
                     re.M)
    assert main(["--database", db, "create-store", "S7", "--name-en", "again"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["--database", db, "enrol-code", "--store", "NOPE"]) == 1
    assert "No store 'NOPE'" in capsys.readouterr().err
    assert main(["--database", db, "create-staff", "--store", "S7", "--id", "1001",
                 "--name", "李娜", "--role", "cashier", "--pin", "2468"]) == 0
    assert main(["--database", db, "status"]) == 0
    assert re.search(r"stores\s+1", capsys.readouterr().out)


def test_commands_refuse_an_uninitialised_or_newer_database(tmp_path, capsys):
    fresh = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["--database", fresh, "create-store", "S1", "--name-en", "x"]) == 3
    assert "not initialised" in capsys.readouterr().err
    assert main(["--database", fresh, "init"]) == 0
    engine = make_engine(fresh)
    with engine.begin() as conn:
        conn.execute(update(schema_version).values(version=99))
    engine.dispose()
    assert main(["--database", fresh, "status"]) == 3
    err = capsys.readouterr().err
    assert "newer posclient-central (schema v99)" in err and "not changed" in err
    assert main(["--database", fresh, "no-such-command"]) == 2


def test_init_upgrades_a_database_of_the_previous_schema_and_keeps_its_data(db, capsys):
    """A v1 central (before shared suspended sales, returns and coupons): refused until
    `init` upgrades it."""
    assert main(["--database", db, "create-store", "S7", "--name-en", "Seven"]) == 0
    engine = make_engine(db)
    with engine.begin() as conn:  # what a v1 database looks like
        for table in (parked_sales, return_lines, refund_tenders, refund_requests,
                      points_ledger, audit_records, coupon_redemptions):
            table.drop(conn)
        conn.execute(delete(meta).where(meta.c.key == MEMBER_ID_KEY))
        conn.execute(text("DROP INDEX events_store_time"))  # v7
        conn.execute(text("ALTER TABLE exceptions DROP COLUMN resolved_by"))
        _as_v7(conn)
        conn.execute(update(schema_version).values(version=1))  # created at v10: one row
    capsys.readouterr()
    assert main(["--database", db, "status"]) == 3
    err = capsys.readouterr().err
    assert "schema v1" in err and "posclient-central init" in err and "not changed" in err
    assert main(["--database", db, "init"]) == 0
    assert "Upgraded" in capsys.readouterr().out
    with engine.connect() as conn:
        versions = conn.execute(select(schema_version.c.version).order_by(
            schema_version.c.version)).scalars().all()
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute(select(parked_sales)).all() == []
        assert conn.scalar(select(meta.c.value).where(meta.c.key == CENTRAL_ID_KEY))
        assert conn.execute(select(return_lines)).all() == []
    engine.dispose()
    assert main(["--database", db, "status"]) == 0
    assert re.search(r"stores\s+1", capsys.readouterr().out)  # the store is still there


def _as_v17(conn) -> None:
    """Make the v18 parts of a database look as v17 had them (no delivery address of an order
    placed at a till: issue 18)."""
    conn.execute(text("ALTER TABLE order_personal DROP COLUMN address"))


def _as_v16(conn) -> None:
    """Make the v17 and later parts of a database look as v16 had them (no oversell queue or
    record: issue 18)."""
    _as_v17(conn)
    for table in (oversell_actions, oversell_queue):
        table.drop(conn)


def _as_v14(conn) -> None:
    """Make the v15 and later parts of a database look as v14 had them (no channel keys,
    channels' orders and points; coupon redemptions by tills only: issue 18)."""
    _as_v15(conn)
    for table in (channel_keys, channel_orders, channel_points):
        table.drop(conn)
    if inspect(conn).has_table("coupon_redemptions"):
        for column in ("channel", "order_no"):
            conn.execute(text(f"ALTER TABLE coupon_redemptions DROP COLUMN {column}"))


def _as_v15(conn) -> None:
    """Make the v16 and later parts of a database look as v15 had them (no stores' groups and
    positions, held stock, safety stock or reservations: issue 18)."""
    _as_v16(conn)
    for table in (reservation_lines, reservations, safety_stock):
        table.drop(conn)
    for table, column in (("stores", "group_id"), ("stores", "latitude_e6"),
                          ("stores", "longitude_e6"), ("stock_levels", "held")):
        conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))


def _as_v12(conn) -> None:
    """Make the v13 and later parts of a database look as v12 had them (no count of members
    looked up online: issue 17)."""
    _as_v14(conn)
    member_lookup_counts.drop(conn)


def _as_v11(conn) -> None:
    """Make the v12 and later parts of a database look as v11 had them (no consents,
    erasures, activity or members' orders, no index of the sales by member: issue 17)."""
    _as_v12(conn)
    for table in (member_consents, member_erasures, member_activity, member_orders):
        table.drop(conn)
    conn.execute(text("DROP INDEX sales_member"))


def _as_v10(conn) -> None:
    """Make the v11 and later parts of a database look as v10 had them (no members' personal
    data apart, no members per store: issue 17)."""
    _as_v11(conn)
    member_stores.drop(conn)
    member_personal.drop(conn)


def _as_v9(conn) -> None:
    """Make the v10 and later parts of a database look as v9 had them (no count of wrong
    pick-up codes)."""
    _as_v10(conn)
    pickup_code_attempts.drop(conn)


def _as_v8(conn) -> None:
    """Make the v9 and later parts of a database look as v8 had them (no enrolment retries,
    no id of the central's own)."""
    _as_v9(conn)
    conn.execute(text("DROP INDEX terminals_new_token"))
    conn.execute(text("ALTER TABLE terminals DROP COLUMN new_token_hash"))
    conn.execute(text("ALTER TABLE enrolment_codes DROP COLUMN request_id"))
    conn.execute(text("ALTER TABLE enrolment_codes DROP COLUMN token_hash"))
    conn.execute(delete(meta).where(meta.c.key == CENTRAL_ID_KEY))


def _as_v7(conn) -> None:
    """Make the v8 and later parts of a database look as v7 had them (no incidents, refund
    requests limited to requested and done)."""
    _as_v8(conn)
    exception_events.drop(conn)
    conn.execute(text("DROP INDEX exceptions_incident_open"))
    for column in ("incident_key", "count", "last_at"):
        conn.execute(text(f"ALTER TABLE exceptions DROP COLUMN {column}"))
    if inspect(conn).has_table("refund_requests"):
        refund_requests.drop(conn)
        v7 = MetaData()
        Table("refund_requests", v7,
              *(Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
                for c in refund_requests.columns if c.name != "decided_at"),
              CheckConstraint("status IN ('requested', 'done')", name="refund_requests_status"),
              Index("refund_requests_open", "status", "id")).create(conn)


def test_init_upgrades_a_v7_database_to_incidents_and_keeps_its_exceptions_and_refunds(
        db, capsys):
    """v8: one exception per incident. A v7 database's exceptions keep their event (now in
    exception_events, count 1), its refund requests their status, and held ones can be
    written after the upgrade."""
    engine = make_engine(db)
    eid, now = uuid.uuid4(), datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with engine.begin() as conn:
        _as_v7(conn)
        conn.execute(update(schema_version).values(version=7))
        conn.execute(text("INSERT INTO exceptions (kind, store_id, terminal_id, event_id, "
                          "detail, status, comment, created_at) VALUES ('oversold', 'S1', "
                          "'T01', :e, '{\"subject\": \"2\"}', 'open', '', :t)"),
                     {"e": eid if conn.dialect.name == "postgresql" else eid.hex, "t": now})
        conn.execute(insert(refund_requests).values(
            event_id=eid, order_no="W1", store_id="S1", currency="CNY", amount=667,
            payment_reference="ALI-1", status="requested", created_at=now))
        with pytest.raises(IntegrityError), conn.begin_nested():  # v7: no held request
            conn.execute(text("UPDATE refund_requests SET status = 'held'"))
    capsys.readouterr()
    assert main(["--database", db, "status"]) == 3
    assert "schema v7" in capsys.readouterr().err
    assert main(["--database", db, "init"]) == 0
    assert "Upgraded" in capsys.readouterr().out
    with engine.begin() as conn:
        assert conn.execute(select(schema_version.c.version).order_by(
            schema_version.c.version.desc())).scalars().first() == SCHEMA_VERSION
        (row,) = conn.execute(select(exceptions)).all()
        assert (row.kind, row.count, row.incident_key, row.status) == ("oversold", 1, None,
                                                                      "open")
        assert conn.execute(select(exception_events.c.exception_id,
                                   exception_events.c.event_id)).all() == [(row.id, eid)]
        (req,) = conn.execute(select(refund_requests)).all()
        assert (req.amount, req.status, req.decided_at) == (667, "requested", None)
        conn.execute(update(refund_requests).values(status="held"))  # v8 has it
    engine.dispose()
    assert main(["--database", db, "exceptions"]) == 0
    assert "#1  oversold  S1/T01  x1" in capsys.readouterr().out


PRODUCTS_CSV = """id,sku,name_zh,name_en,measure,tax_code,barcodes,plu,colour
1,A1,牛奶,Milk,each,VAT13,6901234567892;036000291452,,white
2,A2,面包,Bread,each,VAT13,,,
3,A3,苹果,Apple,kg,VAT13,,,
4,A4,米,Rice,each,NOPE,,,
5,A1,糖,Sugar,each,VAT13,,,
6,A6,"盐, 细",Salt,each,VAT13,0036000291452,,
x,A7,茶,Tea,each,VAT13,,,
8,A8,梨,Pear,g,VAT13,,00002,
"""


def test_import_csv_loads_good_rows_and_reports_bad_ones_by_line(db, tmp_path, capsys):
    assert main(["--database", db, "create-store", "S1", "--name-en", "One"]) == 0
    (tmp_path / "tax.json").write_text(json.dumps(
        [{"code": "VAT13", "rate_ppm": 130000, "name_en": "VAT 13%"}]), encoding="utf-8")
    assert main(["--database", db, "import", str(tmp_path / "tax.json"),
                 "--kind", "tax_rate"]) == 0
    path = tmp_path / "products.csv"
    path.write_text(PRODUCTS_CSV, encoding="utf-8-sig")  # with a BOM, as Excel writes it
    capsys.readouterr()
    assert main(["--database", db, "import", str(path), "--kind", "product", "--partial"]) == 1
    captured = capsys.readouterr()
    err = captured.err
    assert "Ignored columns (not fields of product): colour" in err
    assert re.search(r"line 4, measure: .*'each' or 'g'", err)
    assert "line 5, tax_code: 'NOPE': no such tax rate" in err
    assert "line 6, sku: SKU 'A1' is also given to product 1 (line 2)" in err
    assert "line 7, barcodes: barcode 0036000291452 is also given to product 1 (line 2)" in err
    assert re.search(r"line 8, id: ", err)
    assert "8 rows read, 3 loaded, 0 unchanged, 5 rejected" in captured.out
    engine = make_engine(db)
    with engine.connect() as conn:
        keys = set(conn.scalars(select(entities.c.key).where(entities.c.entity == "product")))
        milk = json.loads(conn.scalar(select(entities.c.data).where(
            entities.c.entity == "product", entities.c.key == "1")))
    assert keys == {"1", "2", "8"}
    assert milk["barcodes"] == ["6901234567892", "036000291452"]
    # Again: nothing changes, nothing new in the feed; rows clashing with stored products now
    # name their owner.
    assert main(["--database", db, "import", str(path), "--kind", "product", "--partial"]) == 1
    captured = capsys.readouterr()
    assert "3 unchanged" in captured.out
    assert "line 7, barcodes: barcode 0036000291452 already belongs to product 1" in \
        captured.err
    # Stock, as JSON Lines, for the store given on the command line.
    stock = tmp_path / "stock.jsonl"
    stock.write_text('{"product_id": 1, "qty": 40}\n{"product_id": 99, "qty": 1}\n'
                     'not json\n{"product_id": 2, "qty": 5, "store_id": "S1"}\n',
                     encoding="utf-8")
    assert main(["--database", db, "import", str(stock), "--kind", "stock",
                 "--store", "S1", "--partial"]) == 1
    err = capsys.readouterr().err
    assert "line 2, product_id: 99: no such product" in err and "line 3: not valid JSON" in err
    with engine.connect() as conn:
        assert dict(conn.execute(select(stock_levels.c.product_id, stock_levels.c.qty)).all()
                    ) == {1: 40, 2: 5}
    engine.dispose()


def test_import_json_array_refuses_broken_json_whole_and_reports_bad_records_by_line(
        db, tmp_path, capsys):
    path = tmp_path / "members.json"
    text = ('[\n  {"id": 1, "member_no": "M1", "name": "王芳"},\n'
            '  {"id": 2, "member_no": "M1", "name": "李娜"},\n'
            '  {"id": 3,\n   "member_no": "M3", "name": "张伟", "points": "many"},\n'
            '  {"id": 4, "member_no": "M4", "name": "刘洋"},\n'
            '  {"id": 5, "member_no": "M5" "name": "x"}\n]')
    path.write_text(text, encoding="utf-8")
    assert main(["--database", db, "import", str(path), "--kind", "member",
                 "--partial"]) == 1
    err = capsys.readouterr().err
    assert "line 7: invalid JSON (Expecting ',' delimiter)" in err
    assert "nothing was written" in err  # broken JSON: not even with --partial
    path.write_text(text.replace('"M5" "name"', '"M5", "name"'), encoding="utf-8")
    assert main(["--database", db, "import", str(path), "--kind", "member",
                 "--partial"]) == 1
    captured = capsys.readouterr()
    assert "line 3, member_no: member number 'M1' is also given to member 1 (line 2)" in \
        captured.err
    assert re.search(r"line 4, points: ", captured.err)
    assert "3 loaded" in captured.out


ORDERS_CSV = (
    "order_no,fulfilment,store_id,pickup_code,customer_name,currency,sku,qty,unit_price,"
    "discount,payment_kind,payment_amount,payment_method\n") + """\
W1,pickup,S1,ABCD12,陈静,CNY,A1,2,350,0,online,1500,wechat
W1,,,,,,A2,1,800,0,,,
W2,pickup,S1,ABCD34,王芳,CNY,ZZ,1,100,0,online,100,alipay
W3,pickup,S1,ABCD56,李雷,CNY,A2,1,800,100,at_pickup,700,
"""


def test_import_web_orders_from_csv_and_json_with_rejections_by_line(db, tmp_path, capsys):
    assert main(["--database", db, "create-store", "S1", "--name-en", "One"]) == 0
    (tmp_path / "tax.json").write_text(json.dumps([{"code": "VAT13", "rate_ppm": 130000}]),
                                       encoding="utf-8")
    assert main(["--database", db, "import", str(tmp_path / "tax.json"),
                 "--kind", "tax_rate"]) == 0
    (tmp_path / "products.csv").write_text(PRODUCTS_CSV, encoding="utf-8")
    main(["--database", db, "import", str(tmp_path / "products.csv"), "--kind", "product",
          "--partial"])
    orders_csv = tmp_path / "orders.csv"
    orders_csv.write_text(ORDERS_CSV, encoding="utf-8")
    capsys.readouterr()
    assert main(["--database", db, "import", str(orders_csv), "--kind", "order",
                 "--partial"]) == 1
    captured = capsys.readouterr()
    assert "line 4: line 1: no product with SKU 'ZZ'" in captured.err
    assert "3 rows read, 2 loaded, 0 unchanged, 1 rejected" in captured.out
    (tmp_path / "orders.json").write_text(json.dumps([{
        "order_no": "D9", "fulfilment": "delivery", "currency": "CNY",
        "lines": [{"sku": "A1", "qty": 1, "unit_price": 350}],
        "payments": [{"kind": "online", "amount": 350}]}]), encoding="utf-8")
    assert main(["--database", db, "import", str(tmp_path / "orders.json"),
                 "--kind", "order"]) == 0
    engine = make_engine(db)
    with engine.connect() as conn:
        stored = {k: json.loads(d) for k, d in conn.execute(
            select(entities.c.key, entities.c.data).where(entities.c.entity == "order"))}
    engine.dispose()
    assert sorted(stored) == ["D9", "W1", "W3"]
    assert [(ln["sku"], ln["qty"], ln["total"]) for ln in stored["W1"]["lines"]] == [
        ("A1", 2, 700), ("A2", 1, 800)]
    assert (stored["W1"]["paid"], stored["W3"]["paid"], stored["W3"]["total"]) == (1500, 0, 700)


def test_openapi_command_writes_the_document(tmp_path):
    out = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {"/v1/enrol", "/v1/changes", "/v1/snapshot", "/v1/events"} <= set(doc["paths"])
    assert {"EventsBatch", "Event", "ChangesPage", "ErrorBody"} <= set(
        doc["components"]["schemas"])


def test_the_committed_openapi_document_is_the_one_the_code_makes(tmp_path):
    out = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(out)]) == 0
    committed = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == \
        json.loads(out.read_text(encoding="utf-8")), \
        "docs/openapi.json is stale: python -m sync.central openapi --output docs/openapi.json"


def test_python_dash_m_runs_the_same_command(tmp_path):
    db = tmp_path / "m.db"
    done = subprocess.run([sys.executable, "-m", "sync.central", "--database", str(db), "init"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Admin token" in done.stdout and db.exists()


def test_oversell_rule_shows_and_sets_the_chains_rule_and_oversell_settle_runs_the_queue(
        db, capsys):
    assert main(["--database", db, "oversell-rule"]) == 0
    assert "Oversell rule: reroute" in capsys.readouterr().out
    assert main(["--database", db, "oversell-rule", "flag"]) == 0
    assert "Oversell rule: flag" in capsys.readouterr().out
    assert main(["--database", db, "oversell-rule", "maybe"]) == 2
    assert "invalid choice: 'maybe'" in capsys.readouterr().err
    assert main(["--database", db, "oversell-rule"]) == 0
    assert "Oversell rule: flag" in capsys.readouterr().out
    assert main(["--database", db, "oversell-settle"]) == 0
    assert "0 oversell(s) settled, 0 still queued." in capsys.readouterr().out
