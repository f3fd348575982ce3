"""Deliveries and transfers a store receives against their expected lines.

A delivery is a reference record (entity ``delivery``, :class:`sync.protocol.DeliveryData`),
written by the admin API (``POST /v1/admin/entities/delivery``) or an import (``--kind
delivery``, JSON or JSONL) and scoped to its ``store_id``: it travels in that store's change
feed and snapshot, so its tills hold it offline. A till receives it (posclient/app/stock.py
``Receiving``) with a ``stock_receive`` event; here that event

- adds what arrived to the store's levels (ledger reason ``receive``),
- files the lines where what arrived is not what was expected as one ``delivery_difference``
  exception for the manager (a delivery the central does not know: ``delivery_unknown``; one
  received twice: ``delivery_received_twice``; the stock moves all the same: it happened),
- marks the delivery ``received`` (with the till, the time and the event), in the store's feed,
  so it leaves every till's open list.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from sqlalchemy import select

from sync.central import ledger
from sync.central.db import bulk_insert, is_postgres
from sync.central.feed import PendingChange, Tx
from sync.central.schema import dump_json, entities
from sync.protocol import DeliveryData, StockReceivePayload

Issue = tuple[str, str, str, dict[str, Any]]  # kind, subject, message, data


def read(tx: Tx, delivery_id: str) -> tuple[DeliveryData, str] | None:
    """The stored delivery and its scope, locked until the transaction ends."""
    q = select(entities.c.data, entities.c.scope).where(entities.c.entity == "delivery",
                                                        entities.c.key == delivery_id)
    row = tx.conn.execute(q.with_for_update() if is_postgres(tx.conn) else q).first()
    return None if row is None else (DeliveryData.model_validate_json(row.data), row.scope)


def record_receive(tx: Tx, store_id: str, terminal_id: str, event_id: UUID,
                   payload: StockReceivePayload) -> list[Issue]:
    """Apply a ``stock_receive`` event (module docstring); returns the problems to file."""
    deltas = [(ln.product_id, ln.received) for ln in payload.lines if ln.received]
    if deltas:
        ledger.move(tx, store_id, deltas, reason="receive", event_id=event_id)
    did = payload.delivery_id
    stored = read(tx, did)
    if stored is None or stored[1] != store_id:
        return [("delivery_unknown", did, f"delivery {did} was received at {store_id} but the "
                                          "central has no such delivery for this store",
                 {"lines": _lines(payload)})]
    delivery, scope = stored
    problems: list[Issue] = []
    if delivery.status == "received" and delivery.event_id != event_id:
        problems.append(("delivery_received_twice", did,
                         f"delivery {did} was already received by {delivery.received_by} "
                         f"(event {delivery.event_id})", {"other_event_id":
                                                          str(delivery.event_id)}))
    expected: dict[int, int] = {}
    for ln in delivery.lines:
        expected[ln.product_id] = expected.get(ln.product_id, 0) + ln.qty
    received: dict[int, int] = {}
    for rl in payload.lines:
        received[rl.product_id] = received.get(rl.product_id, 0) + rl.received
    skus = ({ln.product_id: ln.sku for ln in delivery.lines}
            | {rl.product_id: rl.sku for rl in payload.lines})
    diffs = [{"product_id": pid, "sku": skus.get(pid, ""), "expected": expected.get(pid, 0),
              "received": received.get(pid, 0)}
             for pid in sorted(set(expected) | set(received))
             if expected.get(pid, 0) != received.get(pid, 0)]
    if diffs:
        problems.append(("delivery_difference", did,
                         f"delivery {did} ({delivery.reference or delivery.kind}): "
                         f"{len(diffs)} line(s) received differ from what was expected",
                         {"lines": diffs, "kind": delivery.kind,
                          "from_store": delivery.from_store, "reference": delivery.reference}))
    if delivery.status != "received":
        done = delivery.model_copy(update={
            "status": "received", "received_at": payload.received_at,
            "received_by": terminal_id, "event_id": event_id})
        _write(tx, done, scope)
    return problems


def _lines(payload: StockReceivePayload) -> list[dict[str, Any]]:
    return [ln.model_dump() for ln in payload.lines]


def _write(tx: Tx, data: DeliveryData, scope: str) -> None:
    text = dump_json(data.model_dump(mode="json"))
    bulk_insert(tx.conn, entities, [{
        "entity": "delivery", "key": data.id, "scope": scope, "parent": None, "data": text,
        "updated_at": tx.now}], conflict=("entity", "key"),
        update={c: f"excluded.{c}" for c in ("scope", "data", "updated_at")})
    tx.emit(PendingChange.upsert("delivery", data.id, scope, text))


def is_received(raw: str) -> bool:
    """Whether a stored delivery's JSON says it was received (an admin re-send keeps it so)."""
    return bool(json.loads(raw).get("status") == "received")
