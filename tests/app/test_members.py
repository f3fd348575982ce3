"""Members at the till (posclient/app/members.py, Checkout's member): finding by card, QR and
phone, signing up offline, tier prices, earning and paying with points, the pending
redemptions that limit an offline till, points taken back by returns, and the receipt."""

from __future__ import annotations

import hashlib
import json

import pytest
from till_kit import BREAD, MILK, add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.app.receipts import Receipts
from posclient.app.returns import Returns
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.loyalty import member_qr
from posclient.domain.money import Money
from posclient.domain.privacy import DEMO_MEMBER_KEYS
from posclient.domain.receipt import render_text
from sync.protocol import SealedBox
from sync.protocol.sealing import open_sealed

# The demo keys' private key (posclient/domain/privacy.py says how it is made): tests only.
DEMO_SEAL_PRIVATE_KEY = hashlib.sha256(b"posclient demo seal key: fake data only").digest()

PHONE = "13812341234"


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def members(till) -> Members:
    with till.store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", PHONE, "gold", 1000)
        add_member(c, 8, "8800000008", "Old", "13900000000", "standard", 5, active=False)
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 1100)")
    return Members(till.store, till.clock)


@pytest.fixture
def checkout(till):
    session = till.staff.login(1001, "1111")
    return Checkout(till.store, till.staff, session, clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def test_find_by_card_qr_and_phone(members: Members) -> None:
    for code in ("8800000007", member_qr("8800000007"), PHONE, "138-1234-1234"):
        m = members.find(code)
        assert (m.id, m.tier, m.balance, m.available) == (7, "gold", 1000, 1000)
    assert m.label == "陈** ****1234"
    with pytest.raises(NotFound) as exc:
        members.find("13800000000")
    assert exc.value.code == "member_unknown"
    assert "13800000000" not in str(exc.value) and "****0000" in str(exc.value)
    with pytest.raises(InvalidInput) as exc2:
        members.find("13900000000")
    assert exc2.value.code == "member_inactive"


def test_phone_lookup_is_one_probe_of_the_hash_index(members: Members) -> None:
    digest = DEMO_MEMBER_KEYS.digest(PHONE)
    plan = " ".join(str(r) for r in members.store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT id, member_no, name_masked, phone_hash, phone_last4, tier, "
        "points, active FROM members WHERE phone_hash = ? ORDER BY active DESC LIMIT 1",
        (digest,)))
    assert "members_phone_hash" in plan
    columns = [r[1] for r in members.store.conn.execute("PRAGMA table_info(members)")]
    assert "phone" not in columns and "name" not in columns


def test_attach_reprices_lines_and_detach_restores(members: Members, checkout: Checkout) -> None:
    checkout.scan(MILK)
    checkout.scan(BREAD)
    line = checkout.scan(BREAD)
    checkout.override_price(line.line_id, cny(700), "dented",
                            approval=Approval(2001, "2222"))
    checkout.attach_member(members.find(PHONE))
    assert checkout.totals().total == cny(1100 + 700 * 2)  # milk at gold; bread kept its override
    checkout.scan(MILK)  # a new line at the member's price
    assert checkout.totals().total == cny(1100 * 2 + 1400)
    checkout.detach_member()
    assert checkout.totals().total == cny(1250 * 2 + 1400)


def test_sale_with_points_records_everything(members: Members, checkout: Checkout,
                                            till) -> None:
    checkout.attach_member(members.find(PHONE))
    checkout.scan(MILK)
    checkout.scan(BREAD)  # 11.00 + 8.00 = 19.00
    with pytest.raises(InvalidInput) as exc:
        checkout.pay_points(1001)
    assert exc.value.code == "points_insufficient"
    with pytest.raises(InvalidInput) as exc:
        checkout.pay_points(-5)
    assert exc.value.code == "points_invalid"
    checkout.pay_points(500)  # 5.00
    with pytest.raises(InvalidInput) as exc:
        checkout.pay_points(1500)
    assert exc.value.code == "points_insufficient"
    assert checkout.points_preview() == 14  # 19.00 - 5.00 paid with points
    checkout.pay_cash(cny(1400))
    done = checkout.complete()
    assert (done.points_earned, done.points_redeemed, done.points_balance) == (14, 500, 514)
    conn = till.store.conn
    payload = json.loads(conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                      (done.event_id,)).fetchone()[0])
    assert (payload["member_id"], payload["member_no"]) == (7, "8800000007")
    assert payload["tenders"][0] == {"kind": "points", "amount": 500,
                                     "reference": "8800000007", "points": 500}
    m = members.find(PHONE)
    assert (m.balance, m.pending, m.available) == (1000, -500, 500)  # earned points wait
    text = render_text(Receipts(till.store, till.clock).build(done.sale_id, "zh"), "zh")
    assert "陈** ****1234" in text and "514" in text and "积分抵扣" in text
    assert PHONE not in text and "138****" not in text
    en = render_text(Receipts(till.store, till.clock).build(done.sale_id, "en"), "en")
    assert "Points earned" in en and "Points balance (till's view)" in en
    # acknowledged by the central (after a pull): the pending row no longer counts
    conn.execute("UPDATE outbox SET status = 'sent'")
    from posclient.store.members import acknowledge_points
    with till.store.write() as c:
        acknowledge_points(c)
    assert members.find(PHONE).pending == 0


def test_points_need_a_member_and_member_fixed_after_payment(members: Members,
                                                             checkout: Checkout) -> None:
    checkout.scan(MILK)
    with pytest.raises(InvalidInput) as exc:
        checkout.pay_points(100)
    assert exc.value.code == "points_no_member"
    checkout.pay_cash(cny(100))
    with pytest.raises(InvalidInput) as exc:
        checkout.attach_member(members.find(PHONE))
    assert exc.value.code == "member_after_payment"
    assert checkout.member is None


def test_sign_up_offline_then_sell(members: Members, checkout: Checkout, till) -> None:
    session = checkout.session
    with pytest.raises(InvalidInput) as exc:
        members.sign_up(till.staff, session, phone="13700001111", consent=False)
    assert exc.value.code == "member_consent_required"
    with pytest.raises(InvalidInput) as exc:
        members.sign_up(till.staff, session, phone=PHONE, consent=True)
    assert exc.value.code == "member_phone_taken"
    with pytest.raises(InvalidInput) as exc:
        members.sign_up(till.staff, session, phone="12ab", consent=True)
    assert exc.value.code == "member_phone_invalid"
    new = members.sign_up(till.staff, session, phone="13700001111", consent=True, name="王五")
    assert new.member_no == "S001T01M000001" and new.provisional
    assert members.find("13700001111").member_no == new.member_no
    row = till.store.conn.execute("SELECT type, payload FROM outbox").fetchone()
    assert row[0] == "member_signup"
    payload = json.loads(row[1])
    assert payload["consent_version"] and payload["phone_last4"] == "1111"
    assert payload["phone_hash"] == DEMO_MEMBER_KEYS.digest("13700001111")
    assert "13700001111" not in row[1] and "王五" not in row[1] and payload["name_masked"] == "王**"
    opened = json.loads(open_sealed(DEMO_SEAL_PRIVATE_KEY, SealedBox(**payload["sealed"]),
                                    new.member_no.encode()))
    assert opened == {"phone": "13700001111", "name": "王五"}  # only the central can read it
    checkout.attach_member(new)
    checkout.scan(MILK)
    with pytest.raises(InvalidInput):
        checkout.pay_points(1)  # nothing to spend yet
    checkout.pay_cash(cny(1250))
    done = checkout.complete()
    payload = json.loads(till.store.conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()[0])
    assert (payload["member_id"], payload["member_no"]) == (None, new.member_no)
    assert done.points_earned == 12


def test_return_takes_points_back_and_refunds_points(members: Members, checkout: Checkout,
                                                    till) -> None:
    checkout.attach_member(members.find(PHONE))
    checkout.scan(MILK)
    checkout.scan(BREAD)
    checkout.pay_points(300)
    checkout.pay_cash(cny(1600))
    done = checkout.complete()
    assert done.points_earned == 16
    returns = Returns(till.store, till.staff, checkout.session, clock=till.clock,
                      payments=SimulatedPaymentTerminal())
    purchase = returns.find_local(done.receipt_no)
    draft = returns.prepare(purchase, {1: 1}, reason="changed mind")  # the milk, 11.00
    plan = returns.refund_plan(draft)
    assert [(t.kind, t.amount.minor) for t in plan] == [("points", 300), ("cash", 800)]
    back = returns.complete(draft, tenders=plan, approval=Approval(3001, "3333"))
    payload = json.loads(till.store.conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (back.event_id,)).fetchone()[0])
    assert payload["tenders"][0] == {"kind": "points", "amount": 300,
                                     "reference": "8800000007", "points": 300}
    pending = dict(till.store.conn.execute(
        "SELECT points, event_id FROM points_pending WHERE event_id = ?", (back.event_id,)))
    assert set(pending) == {300, -9}  # 16 * 1100 / 1900 = 9.26 -> 9 taken back


def test_a_suspended_sale_keeps_its_member_and_a_pickup_takes_the_orders(
        members: Members, checkout: Checkout, till) -> None:
    checkout.attach_member(members.find(PHONE))
    checkout.scan(MILK)
    sid = checkout.suspend()
    assert checkout.member is None
    checkout.resume(sid)
    assert checkout.member is not None and checkout.member.member_no == "8800000007"
    checkout.void_sale()

    from orders_kit import CODE, order

    from posclient.app.orders import OrderBook

    book = OrderBook(till.store.conn, till.clock)
    with till.store.write():
        book.keep(order(member_no="8800000007"))
    checkout.start_pickup(book.view("W1001"), {1: 1}, code=CODE)
    assert checkout.member is not None and checkout.member.member_no == "8800000007"
