"""Erasing a member's personal data (issue 17, docs/privacy.md): ``posclient-central member
erase NO``, a withdrawn membership consent (at a till, in the web shop or the app, or by the
chain's customer service: sync/central/consents.py), and the retention job
(:func:`run_retention`, ``posclient-central member erase-inactive``).

**What goes**, in the transaction of the erasure:

- the name and the phone (``member_personal``); the member's record as the tills get it (the
  masked name, the phone's keyed hash and last four digits, the tier and the points) and its
  unique values (the number, the phone's hash); its consents, its stores and its activity;
- the feed's past records of the member and of its web orders (each change carried the
  member's record, or the order's masked customer);
- the masked name, the phone's hash and last four digits kept with its ``member_signup``
  event, and the copies of the till's events naming it in the quarantine (a refused sign-up's
  sealed box, which the central can open, or an old till's plain phone and name);
- the customer's name and phone on its web orders (``member_orders``), which reach the
  store's tills again without them.

**What stays**, without personal data: the sales, the events, the points ledger and the
exceptions, which name the member by its number and id (a sale's figures are the store's,
whoever bought), and the tills' audit records (hash-chained: they hold the member number and
at most the masked phone, ****1234).

**The record**: ``member_erasures`` (the number, the id, when, why, who asked, what went,
counted), and the change ``member_erasure`` (the number, the id, when) to every till that asks
for erasures (sync/central/feed.py): each forgets the member and clears the masked label
printed with its past sales, also a till that was offline and comes back (the feed keeps the
change; a till that must take a snapshot instead gets the erasures since its last page). Every
store's tills that held the member get a ``delete`` of it as well, which an older till
understands. Erasing a member erased before changes nothing (the first record stands).

A member's number is not personal data by itself and stays where the sales and the ledger
name it: nothing links it to a person any more.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    String,
    and_,
    cast,
    delete,
    false,
    func,
    or_,
    select,
    update,
)

from sync.central import members, orders
from sync.central.db import among, is_postgres, reader, retrying, upsert, write_tx
from sync.central.feed import PendingChange, Tx, transaction
from sync.central.schema import (
    RETENTION_DAYS_KEY,
    changes,
    dump_json,
    entities,
    entity_uniques,
    events,
    member_activity,
    member_consents,
    member_erasures,
    member_orders,
    member_personal,
    member_stores,
    meta,
    quarantine,
)
from sync.protocol import MemberErasureData

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 3 * 365
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 36_500
DEFAULT_BATCH = 200
MAX_BATCH = 1_000
FETCH = 2_000
# What a sign-up event or a quarantined event kept of a person: gone at the erasure.
PERSONAL_FIELDS = ("sealed", "phone", "name", "phone_hash", "phone_last4", "name_masked",
                   "customer_name", "customer_phone")


@dataclass(frozen=True, slots=True)
class Erased:
    """One erasure: ``already`` when the member was erased before (nothing changed now)."""

    member_no: str
    member_id: int | None
    erased_at: datetime
    reason: str
    removed: dict[str, int] = field(default_factory=dict)
    already: bool = False


@dataclass(frozen=True, slots=True)
class _Target:
    member_no: str
    member_id: int | None


def erase(tx: Tx, member_no: str, *, reason: str, via: str) -> Erased | None:
    """Erase the member numbered ``member_no`` (module docstring); None when the central
    holds nothing of that number (no member, nothing in quarantine)."""
    done = erase_many(tx, [member_no], reason=reason, via=via)
    return done[0] if done else None


def erase_many(tx: Tx, member_nos: Sequence[str], *, reason: str, via: str) -> list[Erased]:
    """Erase each of ``member_nos`` in the caller's transaction: the feed's and the
    quarantine's copies are looked for once for them all. Numbers the central holds nothing
    of are left out of the result."""
    conn = tx.conn
    out: list[Erased] = []
    todo: list[_Target] = []
    for no in dict.fromkeys(member_nos):
        before = _erasure(conn, no)
        if before is not None:
            out.append(before)
            continue
        todo.append(_Target(no, members.id_of(conn, no)))
    quarantined = _scrub_quarantine(conn, [t.member_no for t in todo])
    ids = [t.member_id for t in todo if t.member_id is not None]
    fed = _forget_changes(conn, ids, list(conn.scalars(select(member_orders.c.order_no).where(
        among(conn, member_orders.c.member_id, ids)))) if ids else [])
    for target in todo:
        removed = _erase_member(tx, target.member_id) if target.member_id is not None else {}
        removed["quarantined_events"] = quarantined.get(target.member_no, 0)
        removed["feed_changes"] = fed.get(target.member_id or 0, 0)
        if target.member_id is None and not removed["quarantined_events"]:
            continue  # nothing of this number here
        out.append(_record(tx, target, reason, via, removed))
    return out


def _erasure(conn: Connection, member_no: str) -> Erased | None:
    row = conn.execute(select(member_erasures).where(
        member_erasures.c.member_no == member_no)).first()
    if row is None:
        return None
    return Erased(row.member_no, row.member_id, row.erased_at, row.reason,
                  json.loads(row.removed), already=True)


def _record(tx: Tx, target: _Target, reason: str, via: str,
            removed: dict[str, int]) -> Erased:
    tx.conn.execute(member_erasures.insert().values(
        member_no=target.member_no, member_id=target.member_id, erased_at=tx.now,
        reason=reason, requested_via=via[:64], removed=dump_json(removed)))
    data = MemberErasureData(id=target.member_id, member_no=target.member_no,
                             erased_at=tx.now)
    tx.emit(PendingChange.upsert("member_erasure", target.member_no, None,
                                 data.model_dump(mode="json")))
    log.info("member %s erased (%s, asked by %s)", target.member_no, reason, via)
    return Erased(target.member_no, target.member_id, tx.now, reason, removed)


def _erase_member(tx: Tx, member_id: int) -> dict[str, int]:
    """The member's own rows; its stores' tills get a delete of it."""
    conn = tx.conn
    key = str(member_id)
    where = members.stores_of(conn, [member_id]).get(member_id, [])
    for store_id in where:
        tx.emit(PendingChange.delete("member", key, store_id))
    signups = list(conn.scalars(select(member_consents.c.given_event_id).where(
        member_consents.c.member_id == member_id,
        member_consents.c.given_event_id.is_not(None))))
    removed = {
        "personal": _gone(conn, delete(member_personal).where(
            member_personal.c.member_id == member_id)),
        "record": _gone(conn, delete(entities).where(entities.c.entity == "member",
                                                     entities.c.key == key)),
        "consents": _gone(conn, delete(member_consents).where(
            member_consents.c.member_id == member_id)),
        "stores": _gone(conn, delete(member_stores).where(
            member_stores.c.member_id == member_id)),
        "signup_events": _scrub_events(conn, signups),
        "orders": _forget_orders(tx, member_id),
    }
    conn.execute(delete(entity_uniques).where(entity_uniques.c.entity == "member",
                                              entity_uniques.c.key == key))
    conn.execute(delete(member_activity).where(member_activity.c.member_id == member_id))
    return removed


def _gone(conn: Connection, statement: Any) -> int:
    return int(conn.execute(statement).rowcount or 0)


def _without_personal(payload: Any) -> tuple[Any, bool]:
    """``payload`` without :data:`PERSONAL_FIELDS`, and whether it had any."""
    if not isinstance(payload, dict):
        return payload, False
    kept = {k: v for k, v in payload.items() if k not in PERSONAL_FIELDS}
    return kept, len(kept) != len(payload)


def _scrub_events(conn: Connection, event_ids: list[Any]) -> int:
    n = 0
    for event_id, text in conn.execute(select(events.c.event_id, events.c.payload).where(
            among(conn, events.c.event_id, event_ids))) if event_ids else []:
        kept, changed = _without_personal(json.loads(text))
        if changed:
            conn.execute(update(events).where(events.c.event_id == event_id)
                         .values(payload=dump_json(kept)))
            n += 1
    return n


def _forget_orders(tx: Tx, member_id: int) -> int:
    conn = tx.conn
    numbers = list(conn.scalars(select(member_orders.c.order_no).where(
        member_orders.c.member_id == member_id)))
    n = sum(1 for order_no in numbers if orders.erase_customer(tx, order_no))
    conn.execute(delete(member_orders).where(member_orders.c.member_id == member_id))
    return n


def _forget_changes(conn: Connection, member_ids: list[int],
                    order_nos: list[str]) -> dict[int, int]:
    """Delete the feed's past records of these members and of their web orders (whose
    customer they carried), in one pass over the feed; how many of each member's. The
    erasure sends the orders again without their customer; past deletes, which hold nothing,
    stay for the tills still behind them."""
    if not member_ids:
        return {}
    keys = [str(m) for m in member_ids]
    theirs = (changes.c.entity == "member", among(conn, changes.c.key, keys))
    found = conn.execute(select(changes.c.key, func.count())
                         .where(*theirs, changes.c.op == "upsert")
                         .group_by(changes.c.key)).all()
    ordered = (changes.c.entity == "order", among(conn, changes.c.key, order_nos)) \
        if order_nos else (false(),)
    conn.execute(delete(changes).where(changes.c.op == "upsert",
                                       or_(and_(*theirs), and_(*ordered))))
    return {int(k): int(n) for k, n in found}


def _scrub_quarantine(conn: Connection, member_nos: list[str]) -> dict[str, int]:
    """Take the personal fields out of the quarantined events that name these members."""
    if not member_nos:
        return {}
    out: dict[str, int] = {}
    wanted = set(member_nos)
    names = [quarantine.c.raw.contains(f'"member_no":{json.dumps(no, ensure_ascii=False)}',
                                       autoescape=True) for no in member_nos]
    for row_id, raw in conn.execute(select(quarantine.c.id, quarantine.c.raw)
                                    .where(or_(*names))).all():
        try:
            event = json.loads(raw)
        except ValueError:
            continue
        payload = event.get("payload") if isinstance(event, dict) else None
        no = payload.get("member_no") if isinstance(payload, dict) else None
        if no not in wanted:
            continue  # the number inside a longer text, or another field's
        kept, _changed = _without_personal(payload)
        conn.execute(update(quarantine).where(quarantine.c.id == row_id)
                     .values(raw=dump_json({**event, "payload": kept})))
        out[no] = out.get(no, 0) + 1
    return out


def erase_now(engine: Engine, now: datetime, member_no: str, *, reason: str,
              via: str) -> Erased | None:
    """:func:`erase` in a transaction of its own (the CLI)."""
    with transaction(engine, now) as tx:
        return erase(tx, member_no, reason=reason, via=via)


# -- retention -----------------------------------------------------------------------------------

def retention_days(conn: Connection) -> int:
    """Days without a sale, order, look-up or sign-up after which a member is erased."""
    value = conn.scalar(select(meta.c.value).where(meta.c.key == RETENTION_DAYS_KEY))
    return int(value) if value and value.isdigit() else DEFAULT_RETENTION_DAYS


def set_retention_days(engine: Engine, days: int) -> None:
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        raise ValueError(f"the limit is {MIN_RETENTION_DAYS} to {MAX_RETENTION_DAYS} days")
    with write_tx(engine) as conn:
        conn.execute(upsert(conn, meta).values(key=RETENTION_DAYS_KEY, value=str(days))
                     .on_conflict_do_update(index_elements=[meta.c.key],
                                            set_={"value": str(days)}))


@dataclass(slots=True)
class RetentionRun:
    """What a run found and did: ``due`` members inactive since before ``cutoff``."""

    cutoff: datetime
    due: int
    erased: int = 0


def retention_due(engine: Engine, now: datetime) -> RetentionRun:
    """The cut-off (``now`` less the chain's limit) and how many members are past it."""
    with engine.connect() as conn:
        cutoff = now - timedelta(days=retention_days(conn))
        due = int(conn.scalar(select(func.count()).select_from(member_activity)
                              .where(member_activity.c.last_at < cutoff)) or 0)
    return RetentionRun(cutoff, due)


def due_members(engine: Engine, cutoff: datetime) -> Iterator[tuple[str, datetime]]:
    """``(member number, last activity)`` of the members inactive since before ``cutoff``,
    oldest first, read a batch at a time (a dry run's list)."""
    number = entity_uniques.alias("n")
    with reader(engine) as conn:
        for value, at in conn.execute(
                select(number.c.value, member_activity.c.last_at)
                .select_from(member_activity.join(number, number.c.key == cast(
                    member_activity.c.member_id, String)))
                .where(member_activity.c.last_at < cutoff, number.c.entity == "member",
                       number.c.value.like("member\\_no:%", escape="\\"))
                .order_by(member_activity.c.last_at, member_activity.c.member_id)
                .execution_options(yield_per=FETCH)):
            yield str(value)[len("member_no:"):], at


def run_retention(engine: Engine, now: datetime, *, batch: int = DEFAULT_BATCH,
                  progress: Callable[[int, int], None] | None = None) -> RetentionRun:
    """Erase the members inactive for longer than the chain's limit, ``batch`` members per
    transaction (oldest first); a sale or a look-up meanwhile keeps its member (the batch
    locks the members' activity and reads it again). ``progress(erased, due)`` after each
    batch."""
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"a batch is 1 to {MAX_BATCH} members")
    run = retention_due(engine, now)

    def one_batch() -> tuple[int, int]:
        """(members looked at, erased) of the next batch, in its own transaction."""
        with transaction(engine, now) as tx:
            q = (select(member_activity.c.member_id)
                 .where(member_activity.c.last_at < run.cutoff)
                 .order_by(member_activity.c.last_at, member_activity.c.member_id)
                 .limit(batch))
            ids = list(tx.conn.scalars(q.with_for_update() if is_postgres(tx.conn) else q))
            numbers = {m: _number(tx.conn, m) for m in ids}
            _drop_orphans(tx.conn, [m for m, no in numbers.items() if no is None])
            return len(ids), len(erase_many(
                tx, [no for no in numbers.values() if no is not None], reason="retention",
                via=f"retention ({run.cutoff.date()})"))

    while True:
        # A sale of one of the batch's members at that moment may deadlock with it (they lock
        # the member's rows in the other order): the batch runs again, without that member.
        looked_at, erased = retrying(one_batch, what="retention batch")
        run.erased += erased
        if progress is not None:
            progress(run.erased, run.due)
        if looked_at < batch:
            return run


def _number(conn: Connection, member_id: int) -> str | None:
    value = conn.scalar(select(entity_uniques.c.value).where(
        entity_uniques.c.entity == "member", entity_uniques.c.key == str(member_id),
        entity_uniques.c.value.like("member\\_no:%", escape="\\")))
    return None if value is None else str(value)[len("member_no:"):]


def _drop_orphans(conn: Connection, ids: list[int]) -> None:
    """Activity rows of members that no longer exist (removed by the admin): not erasures."""
    if ids:
        conn.execute(delete(member_activity).where(among(conn, member_activity.c.member_id,
                                                         ids)))
