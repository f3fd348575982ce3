"""Members and points at the central: the authority on every member's balance.

Every change of a member's points is a row of ``points_ledger`` and, in the same transaction,
a new ``points`` in the member's record (``entities``), which goes into the change feed: every
till of the chain receives the new balance on its next pull. The earn rules are the store's
(``store_settings.loyalty``, posclient/domain/loyalty.py ``LoyaltyRules``), computed with the
same function the tills use for their receipts.

- ``member_signup`` (a till, maybe offline): the member is created with the till's member number
  and the next member id (``meta.member_last_id``), its phone and name opened from the sealed
  box (sync/protocol/sealing.py) into its personal data (sync/central/members.py), on the tills
  of the store it signed up at. A box that does not open, or whose phone is not the one the
  till's hash and last four digits name, rejects the event. A phone number that already
  belongs to a member is not given twice: the new member is created without it and
  ``member_duplicate_phone`` is filed for a manager (who merges the two); the customer's sales
  still count. The sign-up's consents are recorded (membership, and marketing when the
  customer said yes: sync/central/consents.py). A number erased meanwhile is not made again.
- ``sale``/``pickup`` with a member (``member_id``, or ``member_no`` for a member signed up at a
  till and not synced then): ``earn`` on what was paid after discounts, less what points and the
  web paid; ``redeem`` for each ``points`` tender. A redemption that takes the balance below zero
  (two offline tills spent the same points) is accepted and filed as ``points_overdrawn``.
  A member the central does not know: ``member_unknown`` (the sale counts, no points move); one
  it erased: nothing (a till sold to them before it heard). The member is on the store's tills
  from then on (a purchase: sync/central/members.py), and the sale's row names the member's id
  even when the till knew only the number.
- ``return``: the purchase's earned points are taken back in proportion to the money refunded
  (``floor(E * C / T)`` in all, posclient/domain/loyalty.py ``points_taken_back``), and a
  ``points`` refund gives the points back.
- Web orders with a ``member_no`` earn when the central first stores them (paid online at
  creation) on what was paid online, and are the member's (``member_orders``, and activity);
  what is paid at pick-up earns with the pick-up event. An order cancelled later gives back
  what its creation earned.

Sources: a store receipt is ``("receipt", receipt_no)``; a web order, its pick-ups included, is
``("order", order_no)`` (its total is the order's total).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Connection, cast, func, insert, select, update

from posclient.domain.loyalty import (
    EarnLine,
    LoyaltyRules,
    points_earned,
    points_for_value,
    points_taken_back,
)
from posclient.domain.privacy import normalise_phone, phone_digest, phone_last4
from sync.central import consents, keys, members
from sync.central.db import among, is_postgres, upsert
from sync.central.errors import EventRefused
from sync.central.feed import Tx
from sync.central.schema import (
    MEMBER_ID_KEY,
    entities,
    entity_uniques,
    member_orders,
    meta,
    points_ledger,
    return_lines,
    sales,
)
from sync.protocol import MemberData, MemberSignupPayload, OrderData, ReturnPayload, SalePayload

Issue = tuple[str, str, str, dict[str, Any]]  # kind, subject, message, data


# -- reads ---------------------------------------------------------------------------------------

def rules_for(conn: Connection, store_id: str | None) -> LoyaltyRules:
    """The store's points rules (defaults for no store, or a store without a ``loyalty``)."""
    raw = None if store_id is None else conn.scalar(
        select(entities.c.data).where(entities.c.entity == "store_settings",
                                      entities.c.key == store_id))
    block = json.loads(raw).get("loyalty") if raw else None
    try:
        return LoyaltyRules.from_dict(block if isinstance(block, dict) else None)
    except (TypeError, ValueError):
        return LoyaltyRules()


def member_key(conn: Connection, *, member_id: int | None = None,
               member_no: str | None = None, phone_hash: str | None = None) -> str | None:
    """The member's entity key (its id as text), by id, number or the phone's keyed hash."""
    if member_id is not None:
        return str(member_id)
    value = (f"member_no:{member_no}" if member_no
             else f"phone:{phone_hash}" if phone_hash else None)
    if value is None:
        return None
    return conn.scalar(select(entity_uniques.c.key).where(
        entity_uniques.c.entity == "member", entity_uniques.c.value == value))


def read_member(conn: Connection, key: str | None, *, lock: bool = False) -> MemberData | None:
    """The member's record; ``lock``: held until the transaction ends (PostgreSQL)."""
    if key is None:
        return None
    q = select(entities.c.data).where(entities.c.entity == "member", entities.c.key == key)
    raw = conn.scalar(q.with_for_update() if lock and is_postgres(conn) else q)
    return None if raw is None else MemberData.model_validate_json(raw)


def balance_from_ledger(conn: Connection, member_id: int) -> int:
    """The sum of the member's ledger (the record's ``points`` less its imported opening)."""
    return int(conn.scalar(select(func.coalesce(func.sum(points_ledger.c.delta), 0))
                           .where(points_ledger.c.member_id == member_id)) or 0)


# -- writes --------------------------------------------------------------------------------------

def _move(tx: Tx, member: MemberData, moves: Iterable[dict[str, Any]]) -> MemberData:
    """Ledger rows for ``member`` and its new balance (fed to every till)."""
    rows = [{"member_id": member.id, "created_at": tx.now, "base": 0, **m}
            for m in moves if m["delta"]]
    if not rows:
        return member
    tx.conn.execute(insert(points_ledger), rows)
    updated = member.model_copy(update={"points": member.points + sum(r["delta"] for r in rows)})
    members.update_record(tx, updated)
    return updated


def _next_member_id(tx: Tx) -> int:
    """The next id for a member made by a till's sign-up (the counter row is locked)."""
    conn = tx.conn
    q = select(meta.c.value).where(meta.c.key == MEMBER_ID_KEY)
    last = conn.scalar(q.with_for_update() if is_postgres(conn) else q)
    if last is None:
        conn.execute(insert(meta).values(key=MEMBER_ID_KEY, value=""))
        last = ""
    if last == "":
        last = conn.scalar(select(func.max(cast(entities.c.key, BigInteger)))
                           .where(entities.c.entity == "member")) or 0
    n = int(last) + 1
    while conn.scalar(select(entities.c.key).where(entities.c.entity == "member",
                                                   entities.c.key == str(n))) is not None:
        n += 1  # an import took it meanwhile
    conn.execute(update(meta).where(meta.c.key == MEMBER_ID_KEY).values(value=str(n)))
    return n


def apply_signup(tx: Tx, event_id: UUID, signup: MemberSignupPayload) -> list[Issue]:
    """Create the member a till signed up (nothing if its number is already a member)."""
    conn = tx.conn
    if member_key(conn, member_no=signup.member_no) is not None or members.is_erased(
            conn, signup.member_no):
        return []
    name, phone = _signup_personal(conn, signup)
    issues: list[Issue] = []
    digest = None if phone is None else phone_digest(keys.phone_key(conn), phone)
    owner = read_member(conn, member_key(conn, phone_hash=digest))
    if owner is not None:
        phone = None
        issues.append(("member_duplicate_phone", signup.member_no,
                       f"member {signup.member_no} signed up at {signup.store_id} with a phone "
                       f"number that belongs to member {owner.member_no}: created without it; "
                       "merge the two", {"member_no": signup.member_no,
                                         "existing_member_no": owner.member_no,
                                         "existing_member_id": owner.id}))
    new_id = _next_member_id(tx)
    record = {"id": new_id, "member_no": signup.member_no, "name": name,
              "phone": phone, "tier": signup.tier, "points": 0, "active": True,
              "store_id": signup.store_id}
    report = members.upsert_members(tx, [(0, record)], reason="signup")
    if report.rejected:
        raise ValueError(f"member {signup.member_no}: {report.rejected[0].text()}")
    where = consents.Where("till", signup.store_id, event_id)
    for purpose in ("membership", "marketing") if signup.marketing else ("membership",):
        consents.give(tx, new_id, purpose, signup.consent_version, signup.consented_at, where)
    return issues


def _signup_personal(conn: Connection, signup: MemberSignupPayload) -> tuple[str, str | None]:
    """The name and the phone number (None: not a mobile number) of a sign-up: opened from its
    sealed box, checked against the hash and the last four digits the till keeps. A till
    before issue 17 sent them in plain text. Raises :class:`EventRefused`."""
    if signup.sealed is None:
        return signup.name, normalise_phone(signup.phone or "")
    from sync.protocol.sealing import SealError, open_sealed

    central = keys.central_keys(conn)
    try:
        opened = json.loads(open_sealed(central.seal_private_key, signup.sealed,
                                        signup.member_no.encode()))
    except (SealError, ValueError) as exc:
        raise EventRefused(f"member_signup {signup.member_no}: {exc}") from None
    if not isinstance(opened, dict):
        raise EventRefused(f"member_signup {signup.member_no}: the sealed data is not an object")
    phone = normalise_phone(str(opened.get("phone") or ""))
    named = (None, None) if phone is None else (phone_digest(central.phone_key, phone),
                                                phone_last4(phone))
    if named != (signup.phone_hash, signup.phone_last4):
        raise EventRefused(f"member_signup {signup.member_no}: the sealed phone number is not "
                           "the one its hash and last four digits name (does the till use "
                           "another phone key than this central's?)")
    return str(opened.get("name") or "")[:100].strip(), phone


def apply_sale(tx: Tx, store_id: str, event_id: UUID, sale: SalePayload,
               order_no: str | None = None) -> list[Issue]:
    """Earn and redeem for a ``sale`` or ``pickup`` (``order_no``) with a member."""
    conn = tx.conn
    points_tenders = [t for t in sale.tenders if t.get("kind") == "points"]
    if sale.member_id is None and not sale.member_no and not points_tenders:
        return []
    ref = sale.member_no or (points_tenders[0].get("reference") if points_tenders else None)
    member, issues = _sale_member(tx, store_id, event_id, sale, ref)
    if member is None:
        return issues
    rules = rules_for(conn, store_id)
    categories = _categories(conn, [ln.product_id for ln in sale.lines])
    not_earning = sum(int(t.get("amount", 0)) for t in sale.tenders
                      if t.get("kind") in ("points", "web"))
    earned = points_earned(rules, [EarnLine(ln.product_id, categories.get(ln.product_id, ""),
                                            ln.total) for ln in sale.lines],
                           total=sale.total, not_earning=not_earning)
    redeemed = sum(int(t.get("points") or points_for_value(rules, int(t.get("amount", 0))))
                   for t in points_tenders)
    source = ("order", order_no) if order_no else ("receipt", sale.receipt_no)
    common = {"source_kind": source[0], "source_ref": source[1], "event_id": event_id,
              "store_id": store_id}
    after = _move(tx, member, [{"delta": -redeemed, "kind": "redeem", **common},
                               {"delta": earned, "kind": "earn", "base": sale.total, **common}])
    if redeemed and after.points < 0:
        return [("points_overdrawn", member.member_no,
                 f"member {member.member_no} redeemed {redeemed} points on receipt "
                 f"{sale.receipt_no} and is at {after.points} (redeemed offline at more than "
                 "one till?)", {"member_id": member.id, "balance": after.points,
                                "redeemed": redeemed, "receipt_no": sale.receipt_no})]
    return []


def _sale_member(tx: Tx, store_id: str, event_id: UUID, sale: SalePayload,
                 ref: str | None) -> tuple[MemberData | None, list[Issue]]:
    """The member of a sale (locked), on the store's tills from now, and named by the sale's
    row even when the till knew only the number; or None and the issue to file."""
    conn = tx.conn
    member = read_member(conn, member_key(conn, member_id=sale.member_id, member_no=ref),
                         lock=True)
    if member is None and ref and members.is_erased(conn, ref):
        return None, []  # sold before the till heard of the erasure: no member any more
    if member is None:
        subject = str(sale.member_id) if sale.member_id is not None else str(ref)
        return None, [("member_unknown", subject,
                       f"receipt {sale.receipt_no} names member {subject}, whom the central "
                       "does not know: no points moved", {"receipt_no": sale.receipt_no})]
    members.visited(tx, member, store_id, "purchase")
    if sale.member_id is None:  # a member the till knew by number only
        conn.execute(update(sales).where(sales.c.event_id == event_id)
                     .values(member_id=member.id))
    return member, []


def apply_return(tx: Tx, store_id: str, event_id: UUID, ret: ReturnPayload) -> list[Issue]:
    """Take back what the purchase earned in proportion to the money refunded; give back the
    points of a ``points`` refund. Call after the return's lines are recorded."""
    conn = tx.conn
    issues: list[Issue] = []
    rules = rules_for(conn, store_id)
    for t in ret.tenders:
        if t.kind != "points":
            continue
        member = read_member(conn, member_key(conn, member_no=t.reference), lock=True)
        if member is None:
            issues.append(("member_unknown", t.reference or "?",
                           f"return {ret.return_no} gives points back to member {t.reference}, "
                           "whom the central does not know", {"return_no": ret.return_no}))
            continue
        _move(tx, member, [{"delta": t.points or points_for_value(rules, t.amount),
                            "kind": "refund", "source_kind": ret.source_kind,
                            "source_ref": ret.source_ref or "", "event_id": event_id,
                            "store_id": store_id}])
    if ret.source_kind not in ("receipt", "order") or not ret.source_ref:
        return issues
    source = (ret.source_kind, ret.source_ref)
    per_member: dict[int, list[int]] = {}  # member -> [earned, taken back so far, base]
    for member_id, kind, delta, base in conn.execute(
            select(points_ledger.c.member_id, points_ledger.c.kind, points_ledger.c.delta,
                   points_ledger.c.base)
            .where(points_ledger.c.source_kind == source[0],
                   points_ledger.c.source_ref == source[1],
                   among(conn, points_ledger.c.kind, ["earn", "take_back", "cancel"]))):
        acc = per_member.setdefault(int(member_id), [0, 0, 0])
        if kind == "earn":
            acc[0] += int(delta)
            acc[2] = max(acc[2], int(base))
        else:
            acc[1] -= int(delta)
    if not per_member:
        return issues
    total = _purchase_total(conn, source, per_member)
    refunded = int(conn.scalar(select(func.coalesce(func.sum(return_lines.c.amount), 0)).where(
        return_lines.c.source_kind == source[0], return_lines.c.source_ref == source[1],
        return_lines.c.state == "returned")) or 0)
    for member_id, (earned, taken, _base) in sorted(per_member.items()):
        due = points_taken_back(earned, total, refunded) - taken
        member = read_member(conn, str(member_id), lock=True)
        if due > 0 and member is not None:
            _move(tx, member, [{"delta": -due, "kind": "take_back", "source_kind": source[0],
                                "source_ref": source[1], "event_id": event_id,
                                "store_id": store_id}])
    return issues


def _purchase_total(conn: Connection, source: tuple[str, str],
                    per_member: dict[int, list[int]]) -> int:
    if source[0] == "order":
        raw = conn.scalar(select(entities.c.data).where(entities.c.entity == "order",
                                                        entities.c.key == source[1]))
        if raw is not None:
            return OrderData.model_validate_json(raw).total
    return max(acc[2] for acc in per_member.values())


def _categories(conn: Connection, product_ids: list[int]) -> dict[int, str]:
    keys = sorted({str(p) for p in product_ids})
    out: dict[int, str] = {}
    for key, data in conn.execute(select(entities.c.key, entities.c.data).where(
            entities.c.entity == "product", among(conn, entities.c.key, keys))):
        out[int(key)] = str(json.loads(data).get("category", ""))
    return out


# -- web orders ----------------------------------------------------------------------------------

def order_member(conn: Connection, member_no: str) -> MemberData | None:
    return read_member(conn, member_key(conn, member_no=member_no))


def order_written(tx: Tx, old: OrderData | None, new: OrderData) -> None:
    """A web order with a member was stored: it earns when first stored (on what was paid
    online), and a cancellation gives back what that earned."""
    if not new.member_no:
        return
    conn = tx.conn
    member = read_member(conn, member_key(conn, member_no=new.member_no), lock=True)
    if member is None:
        return
    common = {"source_kind": "order", "source_ref": new.order_no, "event_id": None,
              "store_id": new.store_id}
    if old is None:
        _member_order(tx, member.id, new.order_no)
    if old is None and new.status != "cancelled":
        rules = rules_for(conn, new.store_id)
        categories = _categories(conn, [ln.product_id for ln in new.lines])
        earned = points_earned(rules, [EarnLine(ln.product_id, categories.get(ln.product_id, ""),
                                                ln.total) for ln in new.lines],
                               total=new.total, not_earning=new.total - new.paid)
        _move(tx, member, [{"delta": earned, "kind": "earn", "base": new.total, **common}])
    elif old is not None and old.status != "cancelled" and new.status == "cancelled":
        web = int(conn.scalar(select(func.coalesce(func.sum(points_ledger.c.delta), 0)).where(
            points_ledger.c.member_id == member.id, points_ledger.c.source_kind == "order",
            points_ledger.c.source_ref == new.order_no, points_ledger.c.event_id.is_(None))) or 0)
        if web > 0:
            _move(tx, member, [{"delta": -web, "kind": "cancel", **common}])


def _member_order(tx: Tx, member_id: int, order_no: str) -> None:
    """The member placed this order (its export and erasure), and was active now."""
    conn = tx.conn
    conn.execute(upsert(conn, member_orders).values(member_id=member_id, order_no=order_no)
                 .on_conflict_do_nothing())
    members.touch(tx, member_id)
