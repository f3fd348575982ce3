"""The member's rights (issue 17, docs/privacy.md) on the real central over HTTP (SQLite and
PostgreSQL) with real tills: an erasure reaches every till that had the member, also one that
was offline when it happened and comes back (through the feed, or a snapshot after the feed
was pruned); the export holds everything the central's tables hold about the member and
nothing of another; a withdrawn marketing consent takes the member off the marketing list
whichever channel it came through; the retention job erases the members inactive past the
chain's limit, on the central's clock."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from central_kit import MILK, sale_event
from sqlalchemy import func, select
from test_member_privacy import Till, central_columns_holding, text_columns_holding, written

from posclient.app.members import MemberView
from posclient.app.staff import StaffService
from posclient.store.db import Store
from sync.central import erasure, feed, schema
from sync.central.cli import main
from sync.central.schema import (
    changes,
    entities,
    member_erasures,
    member_personal,
    metadata,
    points_ledger,
    sales,
)

P1, P2, P_NEW, P_OTHER = "13911110001", "13911110002", "13722220004", "13722220005"
N1, N2, N_NEW = "陈静怡", "李文博", "王小丽"


class RightsTill(Till):
    """A till of the privacy tests that also asks for marketing and withdraws consents."""

    def sign_up(self, phone: str, name: str, marketing: bool = False) -> MemberView:
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            return self.members(store).sign_up(staff, staff.login(self.cashier, "1111"),
                                               phone=phone, name=name, consent=True,
                                               marketing=marketing)

    def withdraw(self, member_no: str, purpose: str) -> None:
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            members = self.members(store, online=False)
            members.withdraw(staff, staff.login(self.cashier, "1111"),
                             members.find(member_no), purpose)

    def labels(self) -> dict[str, str | None]:
        """receipt number -> the member label kept with the sale."""
        with Store.open(self.db) as store:
            return dict(store.conn.execute("SELECT receipt_no, member_label FROM sales"))


@pytest.fixture
def chain(shop):
    """Cashiers at S1 and S2, two members of S1."""
    for store_id, n in (("S1", 1), ("S2", 2)):
        shop.admin_post("/staff", {"id": 1000 + n, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
    shop.put("member", [
        {"id": 1, "member_no": "8800000001", "name": N1, "phone": P1, "points": 500,
         "store_id": "S1"},
        {"id": 2, "member_no": "8800000002", "name": N2, "phone": P2, "store_id": "S1"}])
    return shop


WEB_ORDER = {"order_no": "W-ONE", "member_no": "8800000001", "fulfilment": "pickup",
             "store_id": "S1", "pickup_code": "7Q4K2M", "currency": "CNY",
             "customer_name": N1, "customer_phone": P1,
             "lines": [{"sku": "100001", "qty": 1, "unit_price": 350}],
             "payments": [{"kind": "online", "amount": 350, "method": "alipay"}],
             "created_at": "2026-11-27T09:30:00Z"}


def cli(shop, *args: str) -> int:
    return main(["--database", shop.engine.url.render_as_string(hide_password=False), *args])


@pytest.mark.slow
def test_an_erasure_reaches_every_till_that_had_the_member_also_one_offline_then(
        chain, tmp_path, capsys):
    shop = chain
    a, b = RightsTill(shop, tmp_path, "S1", "a"), RightsTill(shop, tmp_path, "S2", "b")
    a.engine.run_once()
    b.engine.run_once()
    new = a.sign_up(P_NEW, N_NEW)
    a.sell(P_NEW)
    a.sell(P1)
    a.sell(P2)
    shop.admin_post("/orders", {"orders": [WEB_ORDER]})  # member 1's, to collect at S1
    a.engine.run_once()  # the sign-up goes up: a member; the order comes down
    b.sell(P1)  # looked up online at S2
    b.engine.run_once()
    labelled_a, labelled_b = a.labels(), b.labels()
    assert sorted(labelled_a.values()) == ["李** ****0002", "王** ****0004", "陈** ****0001"]
    assert list(labelled_b.values()) == ["陈** ****0001"]
    with shop.engine.connect() as conn:
        ledger_before = conn.scalar(select(func.count()).select_from(points_ledger))
        new_id = conn.scalar(select(member_personal.c.member_id).where(
            member_personal.c.phone == P_NEW))
    # Till b goes offline. Customer service erases member 1 and the new member.
    assert cli(shop, "member", "erase", "8800000001") == 0
    assert cli(shop, "member", "erase", new.member_no) == 0
    out = capsys.readouterr().out
    assert "Member 8800000001 erased (personal 1, record 1" in out
    assert cli(shop, "member", "erase", "8800000001") == 0  # again: nothing changes
    assert "was erased on" in capsys.readouterr().out
    shop.admin_post("/orders", {"orders": [{**WEB_ORDER, "status": "ready"}]})  # sent again
    stored = shop.http.get("/v1/admin/orders/W-ONE", headers=shop.admin).json()
    assert stored["customer"] == {"name": "", "phone": None, "address": ""}  # kept no more
    assert stored["order"]["customer_name"] == "" and stored["order"]["member_no"] == \
        "8800000001"
    assert cli(shop, "member", "erase", "8899999999") == 1  # no such member
    with shop.engine.connect() as conn:
        assert conn.execute(select(member_erasures.c.member_no, member_erasures.c.reason,
                                   member_erasures.c.requested_via)
                            .order_by(member_erasures.c.member_no)).all() == [
            ("8800000001", "request", "service"), (new.member_no, "request", "service")]
        assert conn.scalar(select(func.count()).select_from(member_personal)) == 1  # member 2
        # the figures stay: the sales name the members by id, the ledger is whole
        assert conn.scalar(select(func.count()).select_from(points_ledger)) == ledger_before
        assert sorted(conn.scalars(select(sales.c.member_id))) == [1, 1, 2, new_id]
        assert conn.scalar(select(func.count()).select_from(changes).where(
            changes.c.entity == "member", changes.c.key.in_(["1", str(new_id)]),
            changes.c.op == "upsert")) == 0  # the feed's old records of them are gone
    assert central_columns_holding(shop.engine, [P1, N1, P_NEW, N_NEW, "陈**", "王**"]) == []
    # An older till (it does not ask for erasures) is sent none: it could not read one.
    raw = shop.enrol("S1", "old")
    kinds = {c["entity"] for c in raw.get("/v1/changes", after=0).json()["changes"]}
    assert "member_erasure" not in kinds
    kinds = {c["entity"] for c in raw.get("/v1/changes", after=0, erasures=True)
             .json()["changes"]}
    assert "member_erasure" in kinds

    a.engine.run_once()  # online: through the feed
    assert not a.holds(P1) and not a.holds(P_NEW) and not a.holds(new.member_no)
    assert a.holds(P2)
    assert sorted(v for v in a.labels().values() if v) == ["李** ****0002"]
    with Store.open(a.db) as store:
        (payload,) = store.conn.execute(
            "SELECT payload FROM outbox WHERE type = 'member_signup'").fetchone()
        assert not {"sealed", "phone_hash", "phone_last4", "name_masked"} & set(
            json.loads(payload))
        assert sorted(store.conn.execute(
            "SELECT member_no, member_id, source FROM member_erasures")) == [
            ("8800000001", 1, "central"), (new.member_no, new_id, "central")]
    assert text_columns_holding(a.db, [w for p in (P1, P_NEW) for w in written(p)]) == []
    with Store.open(a.db) as store:  # the order stays, for its hand-over, without its customer
        (data,) = store.conn.execute("SELECT data FROM web_orders WHERE order_no = 'W-ONE'"
                                     ).fetchone()
    order = json.loads(data)
    assert (order["customer_name"], order.get("customer_phone_hash"),
            order.get("customer_phone_last4")) == ("", None, None)

    # Till b comes back after the feed was pruned past its cursor: a snapshot brings it.
    with shop.engine.connect() as conn:
        head = feed.feed_state(conn).last_seq
    feed.prune_changes(shop.engine, head + 1)
    shop.clock.advance(days=3)
    report = b.engine.run_once()
    assert report.bootstrapped
    assert not b.holds(P1) and list(b.labels().values()) == [None]


def test_the_export_holds_all_the_central_has_of_the_member_and_nothing_of_another(
        chain, tmp_path, capsys):
    shop = chain
    a, b = RightsTill(shop, tmp_path, "S1", "a"), RightsTill(shop, tmp_path, "S2", "b")
    a.engine.run_once()
    b.engine.run_once()
    new = a.sign_up(P_NEW, N_NEW, marketing=True)
    a.sell(P_NEW)
    a.sell(P2)  # another member at the same till
    a.engine.run_once()
    b.sell(P_NEW)  # looked up online at S2
    b.sell(P2)
    b.engine.run_once()
    a.withdraw(new.member_no, "marketing")
    a.engine.run_once()
    order = {"fulfilment": "pickup", "store_id": "S1", "pickup_code": "7Q4K2M",
             "currency": "CNY", "lines": [{"sku": "100001", "qty": 1, "unit_price": 350}],
             "payments": [{"kind": "online", "amount": 350, "method": "alipay"}],
             "created_at": "2026-11-27T09:30:00Z"}
    shop.admin_post("/orders", {"orders": [
        {**order, "order_no": "W-NEW", "member_no": new.member_no, "customer_name": N_NEW,
         "customer_phone": P_NEW},
        {**order, "order_no": "W-TWO", "member_no": "8800000002", "customer_name": N2,
         "customer_phone": P2}]})
    target = tmp_path / "export.json"
    assert cli(shop, "member", "export", new.member_no, "--output", str(target)) == 0
    assert target.stat().st_mode & 0o077 == 0  # personal data: its owner's only
    text = target.read_text(encoding="utf-8")
    doc = json.loads(text)
    with shop.engine.connect() as conn:
        mid = conn.scalar(select(member_personal.c.member_id).where(
            member_personal.c.phone == P_NEW))
        # Every table that names a member by id: the export has each of its rows.
        parts = {"member_personal": "personal", "member_consents": "consents",
                 "member_stores": "stores", "member_activity": "activity",
                 "points_ledger": "points_ledger", "channel_points": "channel_points",
                 "sales": "sales",
                 "member_orders": "orders", "member_erasures": "erasure"}
        with_member = {t.name for t in metadata.sorted_tables if "member_id" in t.c}
        assert with_member == set(parts)
        for table_name, part in parts.items():
            table = metadata.tables[table_name]
            n = conn.scalar(select(func.count()).select_from(table)
                            .where(table.c.member_id == mid))
            got = doc[part]
            assert (len(got) if isinstance(got, list) else int(got is not None)) == n, part
        fed = conn.scalar(select(func.count()).select_from(changes).where(
            changes.c.entity == "member", changes.c.key == str(mid)))
        record = json.loads(conn.scalar(select(entities.c.data).where(
            entities.c.entity == "member", entities.c.key == str(mid))))
    assert doc["member"] == record and len(doc["feed_changes"]) == fed > 0
    assert doc["personal"]["name"] == N_NEW and doc["personal"]["phone"] == P_NEW
    assert [(c["purpose"], c["given_channel"], c["given_store_id"], c["withdrawn_channel"])
            for c in doc["consents"]] == [("membership", "till", "S1", None),
                                          ("marketing", "till", "S1", "till")]
    assert sorted((s["store_id"], s["reason"]) for s in doc["stores"]) == [
        ("S1", "purchase"), ("S2", "purchase")]
    assert sorted(s["store_id"] for s in doc["sales"]) == ["S1", "S2"]
    assert all(s["event"]["member_no"] == new.member_no for s in doc["sales"])
    assert sorted(e["type"] for e in doc["events"]) == ["member_consent", "member_signup"]
    assert [o["order_no"] for o in doc["orders"]] == ["W-NEW"]
    assert [(c["order_no"], c["name"], c["phone"]) for c in doc["order_customers"]] == [
        ("W-NEW", N_NEW, P_NEW)]
    assert doc["audit_records"] == [] or all(
        r["detail"]["member_no"] == new.member_no for r in doc["audit_records"])
    assert doc["erasure"] is None
    # Nothing of member 2: number, name, phone, its phone's hash, its receipts, its order.
    with shop.engine.connect() as conn:
        two = json.loads(conn.scalar(select(entities.c.data).where(
            entities.c.entity == "member", entities.c.key == "2")))
        their_receipts = list(conn.scalars(select(sales.c.receipt_no).where(
            sales.c.member_id == 2)))
    assert len(their_receipts) == 2
    for other in ("8800000002", N2, P2, two["phone_hash"], "W-TWO", *their_receipts):
        assert other not in text, other
    assert cli(shop, "member", "export", "8899999999") == 1
    assert cli(shop, "member", "export", new.member_no, "--output", str(target)) == 1  # exists


def test_a_withdrawn_marketing_consent_takes_the_member_off_the_marketing_list(
        chain, tmp_path, capsys):
    shop = chain
    a = RightsTill(shop, tmp_path, "S1", "a")
    a.engine.run_once()
    yes = a.sign_up(P_NEW, N_NEW, marketing=True)
    no = a.sign_up(P_OTHER, "赵子龙")  # marketing: off unless asked for
    a.engine.run_once()

    def listed() -> dict[str, str]:
        capsys.readouterr()
        assert cli(shop, "member", "marketing") == 0
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return {r["member_no"]: r["phone"] for r in rows}

    def consent(member_no: str, purpose: str, action: str, channel: str,
                expect: int = 200) -> dict[str, Any]:
        r = shop.http.post("/v1/member-consents", headers=shop.admin, json={
            "member_no": member_no, "purpose": purpose, "action": action,
            "text_version": "2026-12", "channel": channel})
        assert r.status_code == expect, r.text
        return r.json()

    assert listed() == {yes.member_no: P_NEW}
    assert consent(yes.member_no, "marketing", "withdrawn", "web")["marketing"] is False
    assert listed() == {}
    assert consent(yes.member_no, "marketing", "given", "app") == {
        "member_no": yes.member_no, "membership": True, "marketing": True, "erased": False}
    assert listed() == {yes.member_no: P_NEW}
    a.withdraw(yes.member_no, "marketing")  # at the till, offline, then synced
    assert listed() == {yes.member_no: P_NEW}
    a.engine.run_once()
    assert listed() == {}
    assert cli(shop, "member", "consent", yes.member_no, "give", "marketing",
               "--version", "2026-12") == 0
    assert listed() == {yes.member_no: P_NEW}
    assert cli(shop, "member", "consent", yes.member_no, "withdraw", "marketing") == 0
    assert listed() == {}
    # Membership: only withdrawn; that erases the member, whichever channel.
    consent(no.member_no, "membership", "given", "web", expect=422)
    assert consent(no.member_no, "membership", "withdrawn", "web")["erased"] is True
    assert consent(no.member_no, "marketing", "given", "app")["erased"] is True  # gone
    assert consent("8899999999", "marketing", "given", "app", expect=404)["error"] == \
        "member_unknown"
    with shop.engine.connect() as conn:
        assert conn.execute(select(member_erasures.c.member_no, member_erasures.c.reason,
                                   member_erasures.c.requested_via)).all() == [
            (no.member_no, "withdrawn", "web")]
        assert conn.scalar(select(member_personal.c.member_id).where(
            member_personal.c.phone == P_OTHER)) is None


def test_the_retention_job_erases_only_the_members_inactive_past_the_limit(chain, tmp_path,
                                                                           capsys):
    """On the central's clock (the seam): each of a sale, a look-up, a web order and a
    sign-up keeps a member; the others go after the chain's limit, batch by batch."""
    shop = chain
    a = RightsTill(shop, tmp_path, "S1", "a")
    a.engine.run_once()
    shop.put("member", [{"id": n, "member_no": f"88000000{n:02d}", "name": "张三",
                         "phone": f"139111100{n:02d}", "store_id": "S2"} for n in (3, 4, 5)])
    shop.clock.advance(days=700)
    raw = shop.enrol("S1", "kiosk")
    sale = sale_event("S1", 1, [(MILK, 1)], member_id=3)
    assert raw.send([sale]).json()["results"][0]["status"] == "accepted"  # member 3 buys
    assert raw.central.http.post("/v1/members/lookup", json={"member_no": "8800000004"},
                                 headers=raw.auth).status_code == 200  # 4 is looked up
    shop.admin_post("/orders", {"orders": [{
        "order_no": "W5", "fulfilment": "pickup", "store_id": "S1", "pickup_code": "7Q4K2M",
        "currency": "CNY", "member_no": "8800000005",
        "lines": [{"sku": "100001", "qty": 1, "unit_price": 350}],
        "payments": [{"kind": "online", "amount": 350, "method": "alipay"}]}]})  # 5 orders
    signed = a.sign_up(P_NEW, N_NEW)
    a.engine.run_once()  # a sign-up on day 700
    shop.clock.advance(days=600)  # day 1300: 1 and 2 are inactive for 1300 days, > 1095
    assert cli(shop, "member", "retention", "--days", "5") == 1  # 30 to 36500
    run = erasure.retention_due(shop.engine, shop.clock.now())
    assert (run.cutoff, run.due) == (shop.clock.now() - timedelta(days=1095), 2)
    assert [no for no, _ in erasure.due_members(shop.engine, run.cutoff)] == [
        "8800000001", "8800000002"]
    progress: list[tuple[int, int]] = []
    done = erasure.run_retention(shop.engine, shop.clock.now(), batch=1,
                                 progress=lambda n, total: progress.append((n, total)))
    assert done.erased == 2 and progress == [(1, 2), (2, 2), (2, 2)]
    with shop.engine.connect() as conn:
        assert sorted(conn.execute(select(member_erasures.c.member_no,
                                          member_erasures.c.reason))) == [
            ("8800000001", "retention"), ("8800000002", "retention")]
        kept = sorted(json.loads(d)["member_no"] for d in conn.scalars(select(
            entities.c.data).where(entities.c.entity == "member")))
    assert kept == ["8800000003", "8800000004", "8800000005", signed.member_no]
    assert erasure.run_retention(shop.engine, shop.clock.now()).erased == 0
    a.engine.run_once()
    assert not a.holds(P1) and not a.holds(P2) and a.holds(P_NEW)
    # The command IT schedules, on today's clock: a member inactive for ten years goes.
    with shop.engine.begin() as conn:
        conn.execute(schema.member_activity.update().where(
            schema.member_activity.c.member_id == 3).values(
            last_at=shop.clock.now() - timedelta(days=7300)))
    assert cli(shop, "member", "erase-inactive", "--dry-run") == 0
    captured = capsys.readouterr()
    assert captured.out.split("\t")[0] == "8800000003"
    assert "1 member(s) inactive" in captured.err and "nothing changed" in captured.err
    assert cli(shop, "member", "erase-inactive", "--batch", "0") == 1
    assert cli(shop, "member", "erase-inactive") == 0
    assert "1 member(s) inactive since before" in capsys.readouterr().out
    with shop.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(member_erasures)) == 3
