"""The member's consents at the till (issue 17, docs/privacy.md): a customer who refuses
consent, or withdraws it, is served as a guest (PIPL art. 16); marketing is asked at sign-up
and off unless the customer says yes; a withdrawal is a ``member_consent`` event, made
offline, and withdrawing membership makes the till forget the member at once: its record,
the label printed with its past sales, its sign-up's personal fields once sent."""

from __future__ import annotations

import json

import pytest
from till_kit import MILK, add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.errors import InvalidInput, NotFound
from sync.apply import Applier
from sync.protocol import MemberErasureData

PHONE = "13812341234"


@pytest.fixture
def members(till) -> Members:
    with till.store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", PHONE, "gold", 1000)
    return Members(till.store, till.clock)


@pytest.fixture
def checkout(till) -> Checkout:
    return Checkout(till.store, till.staff, till.staff.login(1001, "1111"), clock=till.clock,
                    payments=SimulatedPaymentTerminal())


def events(till, kind: str) -> list[dict]:
    return [json.loads(p) for p, in till.store.conn.execute(
        "SELECT payload FROM outbox WHERE type = ? ORDER BY terminal_seq", (kind,))]


def sell(co: Checkout) -> tuple[int, dict]:
    """Complete the open sale in cash: its id and its event's payload."""
    co.pay_cash(co.payment.due)
    done = co.complete()
    payload = co.store.conn.execute(
        "SELECT o.payload FROM outbox o JOIN sales s ON s.event_id = o.event_id "
        "WHERE s.id = ?", (done.sale_id,)).fetchone()[0]
    return done.sale_id, json.loads(payload)


def label_of(till, sale_id: int) -> str | None:
    return till.store.conn.execute("SELECT member_label FROM sales WHERE id = ?",
                                   (sale_id,)).fetchone()[0]


def test_a_customer_who_refuses_consent_is_not_signed_up_and_buys_as_a_guest(
        till, members: Members, checkout: Checkout) -> None:
    checkout.scan(MILK)
    with pytest.raises(InvalidInput) as refused:
        members.sign_up(till.staff, checkout.session, phone="13700001111", name="王五",
                        consent=False, marketing=True)
    assert refused.value.code == "member_consent_required"
    assert events(till, "member_signup") == []
    assert till.store.conn.execute("SELECT count(*) FROM member_signups").fetchone() == (0,)
    sale_id, sale = sell(checkout)
    assert (sale["member_id"], sale.get("member_no")) == (None, None)
    assert label_of(till, sale_id) is None


def test_marketing_is_asked_at_sign_up_and_off_unless_the_customer_says_yes(
        till, members: Members, checkout: Checkout) -> None:
    members.sign_up(till.staff, checkout.session, phone="13700001111", consent=True)
    members.sign_up(till.staff, checkout.session, phone="13700002222", consent=True,
                    marketing=True)
    first, second = events(till, "member_signup")
    assert (first["marketing"], second["marketing"]) == (False, True)
    assert first["consent_version"] == second["consent_version"] == \
        members.settings.member_consent_version
    assert first["store_id"] == "S001" and first["terminal_id"] == "T01"


def test_withdrawing_membership_forgets_the_member_and_the_sale_goes_on_as_a_guest(
        till, members: Members, checkout: Checkout) -> None:
    checkout.attach_member(members.find(PHONE))
    checkout.scan(MILK)
    earlier, _ = sell(checkout)
    assert label_of(till, earlier) == "陈** ****1234"

    checkout.attach_member(members.find("8800000007"))  # the next sale, same customer
    checkout.scan(MILK)
    member = checkout.member
    assert member is not None
    checkout.detach_member()
    members.withdraw(till.staff, checkout.session, member, "membership")

    (withdrawal,) = events(till, "member_consent")
    assert {k: withdrawal[k] for k in ("member_no", "purpose", "action", "store_id")} == {
        "member_no": "8800000007", "purpose": "membership", "action": "withdrawn",
        "store_id": "S001"}
    audit = till.store.conn.execute(
        "SELECT detail FROM audit_log WHERE action = 'member_consent'").fetchone()[0]
    assert json.loads(audit) == {"member_no": "8800000007", "purpose": "membership",
                                 "action": "withdrawn"}
    assert label_of(till, earlier) is None  # the receipt's figures stay, the name goes
    assert till.store.conn.execute("SELECT count(*) FROM members").fetchone() == (0,)
    for code in (PHONE, "8800000007"):
        with pytest.raises(NotFound):
            members.find(code)
    sale_id, sale = sell(checkout)  # the same basket, as a guest
    assert (sale["member_id"], sale.get("member_no")) == (None, None)
    assert label_of(till, sale_id) is None
    assert till.store.conn.execute("SELECT member_no FROM sales WHERE id = ?",
                                   (earlier,)).fetchone() == ("8800000007",)


def test_withdrawing_marketing_is_an_event_and_the_member_stays(
        till, members: Members, checkout: Checkout) -> None:
    member = members.find(PHONE)
    members.withdraw(till.staff, checkout.session, member, "marketing")
    (withdrawal,) = events(till, "member_consent")
    assert (withdrawal["purpose"], withdrawal["action"]) == ("marketing", "withdrawn")
    assert members.find(PHONE).member_no == "8800000007"
    with pytest.raises(InvalidInput) as refused:
        members.withdraw(till.staff, checkout.session, member, "everything")
    assert refused.value.code == "member_consent_purpose"


def test_a_sign_up_still_waiting_goes_up_whole_and_its_personal_fields_go_once_sent(
        till, members: Members, checkout: Checkout) -> None:
    """Withdrawn before the sign-up reached the central: the event goes up as it is (the
    central makes the member, then erases it), and the feed's erasure clears what the sent
    event carried of the person."""
    new = members.sign_up(till.staff, checkout.session, phone="13700001111", name="王五",
                          consent=True)
    members.withdraw(till.staff, checkout.session, new, "membership")
    (signup,) = events(till, "member_signup")
    assert {"sealed", "phone_hash", "phone_last4", "name_masked"} <= set(signup)
    with pytest.raises(NotFound):
        members.find("13700001111")
    with till.store.write() as c:
        c.execute("UPDATE outbox SET status = 'sent' WHERE type = 'member_signup'")
        erasure = MemberErasureData(id=41, member_no=new.member_no,
                                    erased_at="2026-12-01T10:00:00Z")
        assert Applier(c, "S001").apply([("member_erasure", "upsert", new.member_no,
                                          erasure)]) == 1
    (signup,) = events(till, "member_signup")
    assert not {"sealed", "phone_hash", "phone_last4", "name_masked"} & set(signup)
    assert signup["member_no"] == new.member_no and signup["consent_version"]
    with till.store.write() as c:  # the same record again (a snapshot): nothing changes
        assert Applier(c, "S001").apply([("member_erasure", "upsert", new.member_no,
                                          erasure)]) == 0
    assert till.store.conn.execute(
        "SELECT member_id, source FROM member_erasures").fetchall() == [(41, "central")]
