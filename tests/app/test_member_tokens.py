"""A member QR token at a till with no central running (real till database): the member is
verified offline with the central's public key from the feed, takes the tier's prices, earns,
and redeems within the token's points less this till's redemptions and within the store's cap
per sale; a member the till has is its own record; a refused token changes nothing."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import pytest
from till_kit import BREAD, MILK, add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput
from posclient.domain.member_token import (
    CLOCK_SKEW_S,
    MemberClaims,
    b64url,
    public_key_of,
    sign_token,
)
from posclient.domain.money import Money
from posclient.store.members import acknowledge_points
from posclient.store.settings import load_settings, save_settings
from sync.apply import Applier
from sync.protocol import MemberTokenKeyData

KEY = bytes(range(32))  # the central's signing key, for this test


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def keyed(till):
    """The till has the central's public key (as the feed brings it) and a gold price."""
    t = int(till.clock.now().timestamp())
    key = MemberTokenKeyData(kid="k1", public_key=b64url(public_key_of(KEY)),
                             valid_from=t - 3600)
    with till.store.write() as c:
        Applier(c, "S001").apply([("member_token_key", "upsert", "k1", key)])
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 1100)")
    return till


def token(till, *, member_no: str = "8800000042", points: int = 800, ttl: int = 600,
          kid: str = "k1") -> str:
    t = int(till.clock.now().timestamp())
    return sign_token(MemberClaims(kid=kid, member_no=member_no, tier="gold",
                                   masked_name="林**", points=points, issued_at=t,
                                   expires_at=t + ttl), KEY)


def checkout(till) -> Checkout:
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def test_a_member_from_elsewhere_buys_earns_and_redeems_offline(keyed) -> None:
    till = keyed
    members = Members(till.store, till.clock)
    m = members.find(token(till))
    assert (m.member_no, m.tier, m.label, m.balance, m.available, m.id, m.phone_last4) == (
        "8800000042", "gold", "林**", 800, 800, None, None)
    assert m.from_token and not m.provisional
    co = checkout(till)
    co.attach_member(m)
    co.scan(MILK)
    co.scan(BREAD)
    assert co.totals().total == cny(1100 + 800)  # milk at the gold price
    co.pay_points(300)
    co.pay_cash(cny(1600))
    done = co.complete()
    assert (done.points_redeemed, done.points_earned, done.points_balance) == (300, 16, 516)
    payload = json.loads(till.store.conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()[0])
    assert (payload["member_id"], payload["member_no"], payload["points_earned"]) == (
        None, "8800000042", 16)
    assert payload["tenders"][0] == {"kind": "points", "amount": 300,
                                     "reference": "8800000042", "points": 300}
    # the same token again: its 800 less the 300 this till redeemed since
    again = members.find(token(till))
    assert (again.balance, again.pending, again.available) == (800, -300, 500)


def test_redemption_is_bounded_by_the_points_less_pending_and_the_cap(keyed) -> None:
    till = keyed
    members = Members(till.store, till.clock)
    co = checkout(till)
    co.attach_member(members.find(token(till, points=9_000)))
    for _ in range(8):
        co.scan("6901234567014")  # rice, 59.90 x 8 = 479.20
    assert co.points_spendable() == 5_000  # the default cap per sale
    with pytest.raises(InvalidInput) as exc:
        co.pay_points(5_100)
    assert exc.value.message_id == "points_token_cap" and "5000" in str(exc.value)
    co.pay_points(3_000)
    with pytest.raises(InvalidInput) as exc:
        co.pay_points(2_100)
    assert "(3000 used so far)" in str(exc.value)
    co.pay_points(2_000)
    assert co.points_spendable() == 0
    co.pay_cash(co.payment.due)
    co.complete()
    # the next sale, a new token of the same points (the central has not heard yet)
    co.attach_member(members.find(token(till, points=9_000)))
    assert co.points_spendable() == 4_000  # 9000 less the 5000 pending
    co.void_sale()
    # a store that sets its own cap
    settings = load_settings(till.store.conn)
    with till.store.write() as c:
        save_settings(c, replace(settings, loyalty={"token_redeem_cap": 1_000}))
    co = checkout(till)
    co.attach_member(Members(till.store, till.clock).find(token(till, points=9_000)))
    co.scan(MILK)
    assert co.points_spendable() == 1_000


def test_redemptions_after_the_token_count_even_once_the_central_has_them(keyed) -> None:
    till = keyed
    members = Members(till.store, till.clock)
    old = token(till, points=800)  # issued now; still shown a minute later
    till.clock.advance(seconds=60)
    co = checkout(till)
    co.attach_member(members.find(old))
    co.scan(MILK)
    co.pay_points(500)
    co.pay_cash(co.payment.due)
    co.complete()
    with till.store.write() as c:  # the central took the sale; the till pulled after it
        c.execute("UPDATE outbox SET status = 'sent'")
        acknowledge_points(c)
    assert members.find(old).available == 300  # the old token cannot have counted it
    # A token issued after: the central's 800 - 500. Within the clock skew allowance of the
    # sale the till cannot tell whether the token counted it, so it counts it (the safe side).
    assert members.find(token(till, points=300)).available == 0
    till.clock.advance(seconds=CLOCK_SKEW_S + 1)
    assert members.find(token(till, points=300)).available == 300  # counted once, not twice


def test_a_member_the_till_has_is_its_own_record(keyed) -> None:
    till = keyed
    with till.store.write() as c:
        add_member(c, 42, "8800000042", "林小红", "13812341234", "silver", 120)
    m = Members(till.store, till.clock).find(token(till))
    assert (m.id, m.tier, m.balance, m.from_token) == (42, "silver", 120, False)
    with till.store.write() as c:
        c.execute("UPDATE members SET active = 0 WHERE id = 42")
    with pytest.raises(InvalidInput) as exc:
        Members(till.store, till.clock).find(token(till))
    assert exc.value.code == "member_inactive"


def test_a_refused_token_changes_nothing(keyed) -> None:
    till = keyed
    co = checkout(till)
    co.scan(MILK)
    members = Members(till.store, till.clock)
    expired = token(till)
    till.clock.advance(minutes=13)
    bad = {"expired": expired, "unknown key": token(till, kid="k2"),
           "altered": token(till)[:-2] + ("AA" if token(till)[-2:] != "AA" else "AB"),
           "forged": sign_token(MemberClaims("k1", "8800000042", "gold", "", 10**6,
                                             int(till.clock.now().timestamp()),
                                             int(till.clock.now().timestamp()) + 60),
                                bytes(32))}
    codes = {}
    for what, text in bad.items():
        with pytest.raises(InvalidInput) as exc:
            co.attach_member(members.find(text))
        codes[what] = exc.value.message_id
    assert codes == {"expired": "member_token_expired",
                     "unknown key": "member_token_invalid.unknown_key",
                     "altered": "member_token_invalid.forged",
                     "forged": "member_token_invalid.forged"}
    assert co.member is None and co.totals().total == cny(1250)


def test_the_key_comes_and_goes_with_the_feed(till) -> None:
    t = int(till.clock.now().timestamp())
    with pytest.raises(InvalidInput) as exc:  # before the till has any key
        Members(till.store, till.clock).find(token(till))
    assert exc.value.message_id == "member_token_invalid.unknown_key"
    key = MemberTokenKeyData(kid="k1", public_key=b64url(public_key_of(KEY)), valid_from=t)
    with till.store.write() as c:
        Applier(c, "S001").apply([("member_token_key", "upsert", "k1", key)])
    assert Members(till.store, till.clock).find(token(till)).member_no == "8800000042"
    with till.store.write() as c:  # retired at a rotation, a minute from now
        Applier(c, "S001").apply([("member_token_key", "upsert", "k1",
                                   key.model_copy(update={"valid_to": t + 60}))])
    later = token(till)
    till.clock.advance(seconds=60 + 121)
    with pytest.raises(InvalidInput) as exc:
        Members(till.store, till.clock).find(later)
    assert exc.value.message_id == "member_token_expired"
    with till.store.write() as c:
        Applier(c, "S001").apply([("member_token_key", "delete", "k1", None)])
    assert till.store.conn.execute("SELECT count(*) FROM member_token_keys").fetchone()[0] == 0


def kept_cart(till, sid: int) -> dict:
    return json.loads(till.store.conn.execute(
        "SELECT cart FROM suspended_sales WHERE id = ?", (sid,)).fetchone()[0])


def rewrite_cart(till, sid: int, **changes) -> None:
    doc = kept_cart(till, sid) | changes
    with till.store.write() as c:
        c.execute("UPDATE suspended_sales SET cart = ? WHERE id = ?", (json.dumps(doc), sid))


def test_a_suspended_sale_resumes_with_its_token_member_bounded_as_a_fresh_token(keyed) -> None:
    till = keyed
    shown = token(till, points=800)
    co = checkout(till)
    co.attach_member(Members(till.store, till.clock).find(shown))
    co.scan(MILK)
    co.pay_points(300)  # a first sale of hers here
    co.pay_cash(co.payment.due)
    co.complete()
    co.attach_member(Members(till.store, till.clock).find(shown))
    co.scan(MILK)
    assert co.totals().total == cny(1100)  # the gold price
    sid = co.suspend("fetching rice")
    assert kept_cart(till, sid)["member_token"] == shown  # the token, nothing else of hers
    till.clock.advance(hours=2)  # the token has long expired: the sale is still hers
    co = checkout(till)  # the cashier logs in again
    co.resume(sid)
    m = co.member
    assert m is not None and (m.member_no, m.tier, m.label, m.id) == (
        "8800000042", "gold", "林**", None)
    assert m.from_token and (m.balance, m.pending, m.available) == (800, -300, 500)
    co.scan(MILK)
    assert co.totals().total == cny(2200)  # the tier's price for the new line too
    with pytest.raises(InvalidInput) as exc:
        co.pay_points(600)  # the token's 800 less this till's 300 since it was issued
    assert exc.value.code == "points_insufficient"
    co.pay_points(500)
    co.pay_cash(co.payment.due)
    done = co.complete()
    assert done.points_redeemed == 500 and done.points_balance == done.points_earned == 17
    payload = json.loads(till.store.conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()[0])
    assert (payload["member_id"], payload["member_no"]) == (None, "8800000042")


def test_a_resumed_token_member_is_never_more_than_the_token_said(keyed) -> None:
    till = keyed
    with till.store.write() as c:
        save_settings(c, replace(load_settings(c), loyalty={"token_redeem_cap": 1_000}))
    co = checkout(till)

    def suspended_with(code: str) -> int:
        co.attach_member(Members(till.store, till.clock).find(code))
        co.scan(MILK)
        return co.suspend()

    shown = token(till, points=9_000)
    sid = suspended_with(shown)
    co.resume(sid)
    assert co.member.available == 9_000 and co.points_spendable() == 1_000  # the cap holds
    co.void_sale()
    altered = shown.split(".")
    payload = json.loads(base64.urlsafe_b64decode(altered[1] + "=" * (-len(altered[1]) % 4)))
    forged = ".".join([altered[0], b64url(json.dumps(payload | {"p": 10**6}).encode()),
                       altered[2]])
    for doc in ({"member_token": forged},  # more points than it was signed with
                {"member_no": "8800000099"},  # another member's number beside the token
                {"member_token": token(till, kid="k2")}):  # a key this till does not know
        sid = suspended_with(shown)
        rewrite_cart(till, sid, **doc)
        co.resume(sid)
        assert co.member is None, doc  # the sale resumes without the member
        assert co.totals().total == cny(1100)  # at the price it was suspended with
        co.void_sale()
    with till.store.write() as c:  # the till now holds her: her record, not the token
        add_member(c, 42, "8800000042", "林小红", "13812341234", "silver", 120)
    sid = suspended_with(shown)
    co.resume(sid)
    assert (co.member.id, co.member.tier, co.member.available) == (42, "silver", 120)


def test_a_card_attempts_journalled_basket_keeps_its_token_member(keyed) -> None:
    till = keyed
    co = checkout(till)
    co.attach_member(Members(till.store, till.clock).find(token(till, points=800)))
    co.scan(MILK)
    doc = co.basket_document()
    co.void_sale()
    till.clock.advance(hours=1)
    co = checkout(till)
    co.restore_paid_basket(json.loads(json.dumps(doc)), [])
    assert co.member is not None and co.member.from_token and co.member.available == 800
