"""A till holds what it needs of the customer's data, by design (issue 17), on the real central
over HTTP (SQLite and PostgreSQL) with real tills.

The proof: after a first sync and a day of use (sign-ups offline, sales with members, look-ups
online, web orders handed over after finding them by the customer's phone offline, a delivery
returned in store), no text column of any table of a till, and no byte of its database, WAL or
shared memory file, holds a phone number the day used, written as digits or with separators,
nor a customer's name; neither does anything the central keeps outside ``member_personal`` and
``order_personal``. Then: members per store (a member
of S1 is on S2's tills only once looked up or bought there), the end of an association after
the chain's window, the sealed sign-up (only the central reads it; a forged one is refused).
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from pathlib import Path

import pytest
from central_kit import MILK, MemoryKeyring, sale_event
from sqlalchemy import String, Text, select

from posclient.app.checkout import Checkout
from posclient.app.members import Members, MemberView
from posclient.app.orders import OrderBook
from posclient.app.receipts import Receipts
from posclient.app.returns import Returns
from posclient.app.staff import Approval, StaffService
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.clock import ManualClock
from posclient.domain.errors import NotFound
from posclient.domain.receipt import render_text
from posclient.store.db import Store
from sync.central import members as central_members
from sync.central.schema import member_personal, member_stores, metadata, order_personal
from sync.credentials import TokenStore
from sync.engine import SyncEngine
from sync.enrol import enrol
from sync.protocol import ReserveLine, ReserveRequest

# Every phone number this file uses: members imported at the central, signed up at a till,
# looked up, typed and not found.
P_HOME_S1 = "13911110001"  # member 8800000001, of store S1
P_HOME_S2 = "13911110002"  # member 8800000002, of store S2
P_OTHER_S1 = "13911110003"  # member 8800000003, of store S1, never at S2
P_SIGNUP = "13722220004"  # signs up at S1 offline, synced during the day
P_LATE = "13722220005"  # signs up at S1 at the end of the day, not synced
P_UNKNOWN = "13833330006"  # typed at S2, nobody's
P_ORDER_S1 = "13644440007"  # a web order's customer, collecting at S1
P_ORDER_S2 = "13644440008"  # a web order's customer, collecting at S2
P_DELIVERY = "13644440009"  # a delivery's customer, bringing part of it back to S2
PHONES = (P_HOME_S1, P_HOME_S2, P_OTHER_S1, P_SIGNUP, P_LATE, P_UNKNOWN, P_ORDER_S1,
          P_ORDER_S2, P_DELIVERY)
NAMES = ("陈静怡", "李文博", "赵子龙", "王小丽", "孙悟空", "周芷若", "郭靖远", "黄蓉蓉")
CODE = "K7P2Q9"


def web_order(order_no: str, phone: str, name: str, store_id: str | None) -> dict:
    """A milk paid online, for pick-up at ``store_id`` (None: a delivery, delivered)."""
    return {"order_no": order_no, "customer_phone": phone, "customer_name": name,
            "currency": "CNY", "lines": [{"sku": "100001", "qty": 2, "unit_price": 350}],
            "payments": [{"kind": "online", "amount": 700, "method": "alipay",
                          "reference": f"ALI-{order_no}"}],
            **({"fulfilment": "pickup", "store_id": store_id, "pickup_code": CODE} if store_id
               else {"fulfilment": "delivery", "status": "delivered"})}


def written(phone: str) -> list[bytes]:
    """The ways a number may be written: digits, groups of 3-4-4 with a space or a dash,
    with +86."""
    spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return [v.encode() for v in (phone, spaced, spaced.replace(" ", "-"), f"+86{phone}",
                                 f"+86 {spaced}")]


class Till:
    """A till of ``store_id``: enrolled, with the engine as its member keys and directory."""

    def __init__(self, shop, tmp_path: Path, store_id: str, name: str) -> None:
        self.db = tmp_path / f"{name}.db"
        Store.open(self.db).close()
        self.tokens, self.clock = TokenStore(MemoryKeyring()), ManualClock()
        enrol(self.db, shop.url, shop.enrolment_code(store_id), name, tokens=self.tokens,
              clock=self.clock)
        self.engine = SyncEngine(self.db, tokens=self.tokens, clock=self.clock)
        self.cashier = 1000 + int(store_id[1:])

    def members(self, store: Store, *, online: bool = True) -> Members:
        return Members(store, self.clock, keys=self.engine,
                       directory=self.engine if online else None)

    def holds(self, code: str) -> bool:
        """Whether the member is on this till (no central asked)."""
        with Store.open(self.db) as store:
            try:
                self.members(store, online=False).find_local(code)
            except NotFound:
                return False
        return True

    def find(self, code: str) -> MemberView:
        with Store.open(self.db) as store:
            return self.members(store).find(code)

    def sign_up(self, phone: str, name: str) -> MemberView:
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            return self.members(store).sign_up(staff, staff.login(self.cashier, "1111"),
                                               phone=phone, name=name, consent=True)

    def hand_over(self, phone: str) -> str:
        """The web order the customer's phone finds in the till's copy (no central asked),
        handed over; the pick-up slip's text (Chinese)."""
        with Store.open(self.db) as store:
            book = OrderBook(store.conn, self.clock, keys=self.engine)
            (order_no,) = book.find(phone)
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.start_pickup(book.view(order_no), {1: 2}, code=CODE)
            done = co.complete()
            return render_text(Receipts(store, self.clock).build(done.sale_id, "zh"), "zh")

    def give_back(self, order_no: str) -> str:
        """One unit of a web order returned online (read through the returns purchase); the
        return slip's text (Chinese)."""
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            r = Returns(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                        payments=SimulatedPaymentTerminal(()))
            draft = r.prepare(r.from_central(self.engine.fetch_purchase("order", order_no)),
                              {1: 1}, reason="changed mind")
            held = self.engine.reserve_return(ReserveRequest(
                reservation_id=uuid.UUID(draft.reservation_id), order_no=order_no,
                lines=[ReserveLine(line_id=k, qty=v) for k, v in draft.reserve_lines().items()]))
            done = r.complete(draft, reservation=held, approval=Approval(9002, "9999"))
            return render_text(Receipts(store, self.clock).build_return(done.return_id, "zh"),
                               "zh")

    def sell(self, code: str) -> str:
        """A sale of a milk to the member ``code`` names; its receipt's text (Chinese)."""
        with Store.open(self.db) as store:
            staff = StaffService(store, self.clock)
            co = Checkout(store, staff, staff.login(self.cashier, "1111"), clock=self.clock,
                          payments=SimulatedPaymentTerminal(()))
            co.attach_member(self.members(store).find(code))
            co.scan("6901234567892")
            co.pay_cash(co.payment.due)
            done = co.complete()
            return render_text(Receipts(store, self.clock).build(done.sale_id, "zh"), "zh")


@pytest.fixture
def chain(shop):
    """Cashiers at S1 and S2, three members with their home stores."""
    for store_id, n in (("S1", 1), ("S2", 2)):
        shop.admin_post("/staff", {"id": 1000 + n, "name": "李娜", "role": "cashier",
                                   "pin": "1111", "store_id": store_id})
        shop.admin_post("/staff", {"id": 9000 + n, "name": "王经理", "role": "manager",
                                   "pin": "9999", "store_id": store_id})
    shop.put("member", [
        {"id": 1, "member_no": "8800000001", "name": NAMES[0], "phone": P_HOME_S1,
         "tier": "gold", "points": 500, "store_id": "S1"},
        {"id": 2, "member_no": "8800000002", "name": NAMES[1], "phone": P_HOME_S2,
         "store_id": "S2"},
        {"id": 3, "member_no": "8800000003", "name": NAMES[2], "phone": P_OTHER_S1,
         "store_id": "S1"}])
    return shop


def text_columns_holding(db: Path, needles: list[bytes]) -> list[str]:
    """``table.column`` of every text (or blob) value of the till's database holding one."""
    found = []
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [t for t, in conn.execute(  # a contentless FTS5 table holds nothing itself
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
            "'CREATE VIRTUAL TABLE%'")]
        for table in tables:
            for column in [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]:
                for needle in needles:
                    hit = conn.execute(
                        f'SELECT 1 FROM "{table}" WHERE typeof("{column}") IN (\'text\', '
                        f'\'blob\') AND instr(CAST("{column}" AS BLOB), ?) > 0 LIMIT 1',
                        (needle,)).fetchone()
                    if hit:
                        found.append(f"{table}.{column}: {needle.decode()}")
    return found


def central_columns_holding(engine, needles: list[str]) -> list[str]:
    """``table.column`` of what the central keeps, outside the customers' personal data
    (member_personal, order_personal), holding one."""
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table in (member_personal, order_personal):
                continue
            for column in table.columns:
                if not isinstance(column.type, (String, Text)):
                    continue
                for needle in needles:
                    if conn.execute(select(column).where(column.contains(needle)).limit(1)
                                    ).first() is not None:
                        found.append(f"{table.name}.{column.name}: {needle}")
    return found


@pytest.mark.slow
def test_after_a_first_sync_and_a_day_of_use_no_phone_number_is_on_the_till(
        chain, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    shop = chain
    shop.admin_post("/orders", {"orders": [web_order("W1", P_ORDER_S1, NAMES[5], "S1"),
                                           web_order("D1", P_DELIVERY, NAMES[7], None)]})
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    a.engine.run_once()  # W1 by the snapshot
    b.engine.run_once()
    shop.admin_post("/orders", {"orders": [web_order("W2", P_ORDER_S2, NAMES[6], "S2")]})
    b.engine.run_once()  # W2 by the feed
    # The window's connection stays open all day, as a till's does: the WAL is never reset.
    windows = [Store.open(a.db), Store.open(b.db)]

    # The morning, offline at S1: a sign-up, a sale to it and one to a member of the store.
    signed = a.sign_up(P_SIGNUP, NAMES[3])
    receipts = [a.sell(P_SIGNUP), a.sell(P_HOME_S1), a.hand_over(f"+86 {P_ORDER_S1}")]
    # At S2, online: a member of S1 looked up by phone, and by number; a number nobody has.
    assert not b.holds(P_HOME_S1)
    receipts.append(b.sell(P_HOME_S1))
    assert b.find("8800000003").member_no == "8800000003"
    with pytest.raises(NotFound) as unknown:
        b.find(P_UNKNOWN)
    assert P_UNKNOWN not in str(unknown.value) and "****0006" in str(unknown.value)
    receipts += [b.hand_over(P_ORDER_S2), b.give_back("D1")]  # a delivery: S2 reads it masked
    a.engine.run_once()
    b.engine.run_once()
    a.engine.run_once()
    synced = a.find(P_SIGNUP)
    assert synced.member_no == signed.member_no and synced.id is not None
    receipts.append(a.sell(synced.member_no))
    a.sign_up(P_LATE, NAMES[4])  # at the end of the day: waits for the next sync

    assert "陈** ****0001" in receipts[1] and "王** ****0004" in receipts[0]
    for text in receipts:
        assert not any(p in text for p in PHONES) and not any(n in text for n in NAMES)
    for till in (a, b):
        needles = [w for p in PHONES for w in written(p)]
        assert text_columns_holding(till.db, needles) == []
        for suffix in ("", "-wal", "-shm"):
            f = Path(f"{till.db}{suffix}")
            assert suffix == "-shm" or f.stat().st_size > 0, f"{f} is missing or empty"
            raw = f.read_bytes()
            assert [w for w in needles if w in raw] == [], f"{f.name} holds a phone number"
            names = [n.encode() for n in NAMES]
            assert [n for n in names if n in raw] == [], f"{f.name} holds a member's name"
    for window in windows:
        window.close()

    # The central keeps the phones and names in member_personal and order_personal only; its
    # feed, records, events and exceptions never hold one.
    assert central_columns_holding(shop.engine, [*PHONES, *NAMES]) == []
    with shop.engine.connect() as conn:
        assert conn.execute(select(order_personal.c.order_no, order_personal.c.phone)
                            .order_by(order_personal.c.order_no)).all() == [
            ("D1", P_DELIVERY), ("W1", P_ORDER_S1), ("W2", P_ORDER_S2)]
    with shop.engine.connect() as conn:
        people = dict(conn.execute(select(member_personal.c.phone,
                                          member_personal.c.name)).all())
    assert people[P_SIGNUP] == NAMES[3]  # the sealed sign-up, opened at the central
    assert P_LATE not in people  # not synced yet
    logged = caplog.text
    assert not any(p in logged for p in PHONES), "a phone number was logged"


def test_a_member_is_on_its_stores_tills_only_until_looked_up_or_bought_elsewhere(
        chain, tmp_path):
    shop = chain
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    a.engine.run_once()
    b.engine.run_once()
    assert a.holds(P_HOME_S1) and a.holds("8800000003") and not a.holds(P_HOME_S2)
    assert b.holds(P_HOME_S2) and not b.holds(P_HOME_S1) and not b.holds("8800000003")
    assert b.find(P_HOME_S1).member_no == "8800000001"  # online: S2 has it from now
    assert b.holds(P_HOME_S1)
    other = Till(shop, tmp_path, "S2", "b2")  # another till of S2: its snapshot has it
    other.engine.run_once()
    assert other.holds(P_HOME_S1) and not other.holds(P_OTHER_S1)
    # A sale of S1's member 3 at S2 (a member QR token, a web order's pick-up...)
    raw = shop.enrol("S2", "kiosk")
    sale = sale_event("S2", 1, [(MILK, 1)], member_id=3)
    assert raw.send([sale]).json()["results"][0]["status"] == "accepted"
    b.engine.run_once()
    other.engine.run_once()
    assert b.holds("8800000003") and other.holds(P_OTHER_S1)
    with shop.engine.connect() as conn:
        where = sorted(conn.execute(select(member_stores.c.member_id, member_stores.c.store_id,
                                           member_stores.c.reason)).all())
    assert where == [(1, "S1", "import"), (1, "S2", "lookup"), (2, "S2", "import"),
                     (3, "S1", "import"), (3, "S2", "purchase")]
    shop.put("member", [], delete=["3"])  # removed at the central: gone from both stores
    a.engine.run_once()
    b.engine.run_once()
    assert not a.holds("8800000003") and not b.holds("8800000003")
    with shop.engine.connect() as conn:
        assert conn.scalar(select(member_personal.c.member_id).where(
            member_personal.c.member_id == 3)) is None


def test_after_the_window_a_store_drops_the_member_it_looked_up_but_not_its_own(
        chain, tmp_path, capsys):
    from sync.central.cli import main

    shop = chain
    a, b = Till(shop, tmp_path, "S1", "a"), Till(shop, tmp_path, "S2", "b")
    a.engine.run_once()
    b.engine.run_once()
    url = str(shop.engine.url.render_as_string(hide_password=False))
    assert main(["--database", url, "member", "window", "--days", "30"]) == 0
    assert "30 days" in capsys.readouterr().out
    assert main(["--database", url, "member", "window", "--days", "0"]) == 1  # 1 to 3650
    b.find(P_HOME_S1)  # S2 looks S1's member up
    shop.clock.advance(days=29)
    assert central_members.expire(shop.engine, shop.clock.now()) == 0
    shop.clock.advance(days=2)
    assert central_members.expire(shop.engine, shop.clock.now()) == 1
    b.engine.run_once()
    a.engine.run_once()
    assert not b.holds(P_HOME_S1) and b.holds(P_HOME_S2)  # its own member stays
    assert a.holds(P_HOME_S1)  # the member's own store keeps it
    assert b.find(P_HOME_S1).member_no == "8800000001"  # looked up again: back
    assert main(["--database", url, "member", "expire"]) == 0
    assert "member(s) taken off" in capsys.readouterr().out
