"""What the event ingest (sync/central/ingest.py) checks before it applies an event, the
problems an event files, and the quarantine that keeps a rejected event.

Shared by the two paths of the ingest: the batch path and the one that runs event by event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from sqlalchemy import Connection, insert, select

from sync.central import ledger
from sync.central.db import upsert
from sync.central.errors import first_error
from sync.central.identity import TerminalIdentity
from sync.central.incidents import Problem
from sync.central.schema import dump_json, exceptions, quarantine
from sync.protocol import (
    BIGINT_MAX,
    EVENT_PAYLOAD_MODELS,
    EVENT_TYPES,
    MAX_SEQ_AHEAD,
    Event,
)

NO_CENTRAL_EFFECTS = frozenset({"cash_movement", "shift_open", "shift_close", "z_report",
                                "audit"})
CHUNK = 5_000  # keys per IN (...) list
MAX_REASON = 2_000


def readable_id(raw: Any) -> UUID | None:
    try:
        return UUID(str(raw["event_id"]))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None


def readable_seq(raw: Any) -> int | None:
    try:
        seq = raw["terminal_seq"]
    except (TypeError, KeyError):
        return None
    return (seq if isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= BIGINT_MAX
            else None)


def too_far(seq: int, high: int) -> str | None:
    """Why ``seq`` is refused, when it is more than :data:`MAX_SEQ_AHEAD` beyond ``high`` (the
    highest the central has from the till): a corrupt or forged number, never that many lost
    events. The event is ``rejected`` (quarantined, filed) and its seq is not tracked."""
    if seq <= high + MAX_SEQ_AHEAD:
        return None
    return (f"terminal_seq_too_far: {seq} is more than {MAX_SEQ_AHEAD:,} beyond this till's "
            f"last terminal_seq at the central ({high}); refused, not counted as lost events")


def content_problem(ev: Event, who: TerminalIdentity) -> str | None:
    return check_content(ev, who)[0]


def check_content(ev: Event, who: TerminalIdentity) -> tuple[str | None, Any]:
    """(the reason to reject ``ev``, or None; its payload's model when its type has one)."""
    if ev.type not in EVENT_TYPES:
        return f"unknown event type {ev.type!r}", None
    model = EVENT_PAYLOAD_MODELS.get(ev.type)
    parsed = None
    if model is not None:
        try:
            parsed = model.model_validate(ev.payload)
        except ValidationError as exc:
            return f"{ev.type} payload: {first_error(exc)}", None
    store = ev.payload.get("store_id")
    if store is not None and store != who.store_id:
        return (f"payload.store_id {store!r} is not this terminal's store ({who.store_id}); "
                "the central accepts a terminal's events for its own store only"), None
    return None, parsed


def kept_payload(ev: Event) -> dict[str, Any]:
    """What the events table keeps of a payload: all of it, but a sign-up's sealed phone and
    name (opened into member_personal, kept nowhere else: sync/central/members.py), and those
    of the customer of an order placed at the till (into order_personal: aisle.py)."""
    if ev.type == "member_signup" and "sealed" in ev.payload:
        return {k: v for k, v in ev.payload.items() if k != "sealed"}
    orders = ev.payload.get("aisle_orders") if ev.type == "sale" else None
    if isinstance(orders, list) and orders:
        return {**ev.payload, "aisle_orders": [
            {k: v for k, v in o.items() if k != "sealed"} if isinstance(o, dict) else o
            for o in orders]}
    return ev.payload


def shorter(reason: str) -> str:
    """A reason as long as :class:`EventResult` carries (the protocol's bound)."""
    return reason if len(reason) <= MAX_REASON else reason[:MAX_REASON - 1] + "…"


def keep_rejected(conn: Connection, who: TerminalIdentity, raw: Any, event_id: UUID | None,
                reason: str, now: datetime) -> None:
    """Keep a rejected event (again: one row per event_id, counting the attempts)."""
    values = {"event_id": str(event_id) if event_id else None,
              "store_id": who.store_id, "terminal_id": who.terminal_id,
              "raw": dump_json(raw), "reason": reason, "received_at": now, "attempts": 1}
    if event_id is None:
        conn.execute(insert(quarantine).values(**values))
    else:
        ins = upsert(conn, quarantine)
        conn.execute(ins.values(**values).on_conflict_do_update(
            index_elements=[quarantine.c.event_id],
            set_={"reason": ins.excluded.reason, "raw": ins.excluded.raw,
                  "attempts": quarantine.c.attempts + 1}))
        if conn.scalar(select(quarantine.c.attempts).where(
                quarantine.c.event_id == str(event_id))) != 1:
            return  # sent again: already filed
    # A rejected event is also a problem for the store's manager, resolved with a comment
    # (the event itself stays in quarantine for IT).
    conn.execute(insert(exceptions).values(_exception_row(
        who, event_id, Problem("event_rejected", str(event_id or "(unreadable)"),
                               f"an event of till {who.terminal_id} was rejected: {reason}",
                               {"reason": reason}), now)))


def duplicate_receipt(receipt_no: str, other: Any) -> Problem:
    return Problem("duplicate_receipt", receipt_no,
                   f"receipt {receipt_no} was already reported by event {other}",
                   {"other_event_id": str(other)})


def unknown_product(product_id: int) -> Problem:
    return Problem("unknown_product", str(product_id),
                   f"product {product_id} is not in the central's catalogue")


def oversold(who: TerminalIdentity, moved: list[ledger.LevelChange]) -> list[Problem]:
    return [Problem("oversold", str(c.product_id),
                    f"product {c.product_id} at {who.store_id} is at {c.qty} after this sale",
                    {"product_id": c.product_id, "qty_after": c.qty, "delta": c.delta})
            for c in moved if c.delta < 0 and c.qty < 0]


def seq_reused(seq: int) -> Problem:
    return Problem("terminal_seq_reused", str(seq),
                   f"terminal_seq {seq} was already used by another event of this terminal "
                   "(a restored or copied till database?)")


def _exception_row(who: TerminalIdentity, event_id: UUID | None, p: Problem,
                   now: datetime) -> dict[str, Any]:
    return {"kind": p.kind, "store_id": who.store_id, "terminal_id": who.terminal_id,
            "event_id": event_id, "status": "open", "comment": "", "created_at": now,
            "detail": dump_json({"subject": p.subject, "message": p.message, **p.data})}


def utc(t: datetime) -> datetime:
    """Times without a zone are taken as UTC (the protocol sends UTC, ``...Z``): a sale is
    never refused over the way its time was written."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t
