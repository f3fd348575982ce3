"""Suspended sales shared with the store's other tills: the till's side of ``/v1/parked``.

A sale is suspended on the till first (posclient.app.checkout ``suspend``: a row of
``suspended_sales`` with a ``park_id``), so suspending never waits on the network.

``published``: 0 not yet at the central; 1 at the central, where the other tills see it; -1
this till's only (the central refused it, or this till holds the central's claim on it).
``resumed_at``: resumed here; the sync cycle finishes the job (it claims the sale at the
central if the other tills could see it), then deletes the row.

A cashier resumes a shared sale by claiming it (:func:`claim`, off the GUI thread). The claim is
written to ``parked_claims`` before it is sent, and the cart when the central grants it, so a
granted claim is never lost: if the answer is lost, or the till stops before the cart is in
the basket, the sync cycle asks again and keeps the cart as one of this till's suspended sales.

Every sync cycle (:func:`exchange`), between push and pull:

1. claims: for each claim left in ``parked_claims``, asks the central again (a claim is
   idempotent for the till that made it); granted -> kept here as a suspended sale; taken by
   another till -> dropped;
2. publishes the rows not yet at the central. A row that cannot be sent, or that the central
   refuses, becomes this till's only (-1): it never blocks the cycle;
3. finishes the rows resumed here (``resumed_at``): a shared one is claimed at the central first,
   so the other tills stop offering it;
4. checks the shared rows that are no longer open at the central: taken by another till ->
   deleted here; claimed by this till -> this till's only; unknown to the central (a restored
   central) -> shared again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import ValidationError

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, Unavailable
from posclient.store import audit
from posclient.store.db import Store
from posclient.store.settings import load_settings

from .calls import cashier_call, malformed
from .errors import SyncError
from .faults import raise_for
from .protocol import ParkedClaimed, ParkedList, ParkedSale

log = logging.getLogger(__name__)

# SyncEngine._send: one request; a network fault raises SyncError, the status is not checked.
Send = Callable[..., httpx.Response]

REFUSED = (400, 403, 409, 413, 422)  # the central will never take this sale as it is


# -- what a cashier waits for -------------------------------------------------------------------

def others(http: httpx.Client, own_terminal: str) -> list[ParkedSale]:
    """Other tills' open suspended sales in this store, oldest first (no carts)."""
    resp = cashier_call(http, "GET", "/v1/parked", unknown=_unknown(), unreachable=_unreachable)
    try:
        listed = ParkedList.model_validate_json(resp.content).parked
    except ValidationError:
        raise malformed() from None
    return [p for p in listed if p.terminal_id != own_terminal]


def claim(store: Store, http: httpx.Client, park_id: str, clock: Clock) -> ParkedSale:
    """This till resumes the sale: its cart, if no other till has it (raises a PosError).

    ``store``: a connection of this thread's own. The claim is journalled first and the cart
    kept as soon as it comes: see the module docstring.
    """
    with store.write() as conn:
        conn.execute(
            "INSERT INTO parked_claims (park_id, own_id, created_at) VALUES "
            "(?, (SELECT id FROM suspended_sales WHERE park_id = ?), ?) "
            "ON CONFLICT (park_id) DO NOTHING", (park_id, park_id, iso(clock.now())))
    try:
        resp = cashier_call(http, "POST", f"/v1/parked/{park_id}/claim", unknown=_unknown(),
                            unreachable=_unreachable, conflict=_taken())
    except (InvalidInput, NotFound) as exc:  # taken by another till, or unknown: not ours
        with store.write() as conn:
            _drop_claim(conn, park_id, taken=exc.code == "parked_taken", clock=clock)
        raise
    except Unavailable as exc:
        if not exc.details.get("maybe_sent"):  # it never left: there is nothing to follow up
            with store.write() as conn:
                conn.execute("DELETE FROM parked_claims WHERE park_id = ? AND cart IS NULL",
                             (park_id,))
        raise
    try:
        sale = ParkedSale.model_validate_json(resp.content)
        if sale.cart is None:
            raise ValueError("no cart")
    except ValueError:  # pydantic's ValidationError too
        raise malformed() from None  # the claim stays journalled: the sync cycle asks again
    with store.write() as conn:
        _granted(conn, sale, clock)
    return sale


# -- the sync cycle ------------------------------------------------------------------------------

def exchange(store: Store, send: Send, http: httpx.Client, terminal_id: str,
             clock: Clock) -> int:
    """One cycle's claims, publishing and clean-up (see the module docstring); rows changed."""
    return (_retry_claims(store, send, http, clock) + _publish(store, send, http)
            + _finish_resumed(store, send, http, clock)
            + _check_shared(store, send, http, terminal_id, clock))


def _retry_claims(store: Store, send: Send, http: httpx.Client, clock: Clock) -> int:
    changed = 0
    for park_id, cart in store.conn.execute(
            "SELECT park_id, cart FROM parked_claims ORDER BY created_at").fetchall():
        if cart is None:  # no answer yet: ask again (the same till gets the same answer)
            resp = send(http, "POST", f"/v1/parked/{park_id}/claim")
            if resp.status_code in (404, 409):
                with store.write() as conn:
                    _drop_claim(conn, park_id, taken=resp.status_code == 409, clock=clock)
                changed += 1
                continue
            raise_for(resp)
            try:
                sale = ParkedSale.model_validate_json(resp.content)
            except ValidationError as exc:
                raise _sync_error(f"the central's answer to a claim was malformed: "
                                  f"{exc.errors()[0].get('msg')}") from None
            with store.write() as conn:
                _granted(conn, sale, clock)
        with store.write() as conn:
            _keep_claimed(conn, park_id, clock)
        changed += 1
    return changed


def _publish(store: Store, send: Send, http: httpx.Client) -> int:
    currency = _currency(store.conn)
    changed = 0
    for sid, park_id, staff_id, label, total, cart, at in store.conn.execute(
            "SELECT id, park_id, staff_id, label, total, cart, suspended_at FROM "
            "suspended_sales WHERE published = 0 AND resumed_at IS NULL AND park_id IS NOT NULL "
            "ORDER BY id").fetchall():
        published = 1
        try:
            body = ParkedSale(park_id=park_id, staff_id=staff_id, label=label[:64],
                              currency=currency, total=total, lines=max(1, _lines(cart)),
                              parked_at=at, cart=json.loads(cart))
        except ValueError as exc:  # pydantic's ValidationError, a broken cart document
            log.error("suspended sale %s cannot be shared (%s): it stays on this till only",
                      sid, exc)
            published = -1
        else:
            resp = send(http, "PUT", f"/v1/parked/{park_id}", content=body.model_dump_json(),
                        headers={"Content-Type": "application/json"})
            if resp.status_code == 404:  # a central without shared suspended sales
                log.warning("the central does not share suspended sales (404): they stay on "
                            "their tills")
                return changed
            if resp.status_code in REFUSED:
                log.error("the central refused suspended sale %s (%s): it stays on this till "
                          "only", park_id, resp.text[:200])
                published = -1
            else:
                raise_for(resp)
        with store.write() as w:  # a row resumed meanwhile keeps its resumed_at: step 3
            w.execute("UPDATE suspended_sales SET published = ? WHERE id = ?", (published, sid))
        changed += 1
    return changed


def _finish_resumed(store: Store, send: Send, http: httpx.Client, clock: Clock) -> int:
    changed = 0
    for sid, park_id, published in store.conn.execute(
            "SELECT id, park_id, published FROM suspended_sales WHERE resumed_at IS NOT NULL "
            "ORDER BY id").fetchall():
        if published == 1:  # the other tills may offer it: claim it first
            resp = send(http, "POST", f"/v1/parked/{park_id}/claim")
            if resp.status_code == 409:
                log.warning("suspended sale %s was resumed here while the central was out of "
                            "reach, AND at another till", park_id)
                with store.write() as w:
                    audit.append(w, at=iso(clock.now()), action="suspended_resumed_twice",
                                 staff_id=None, detail={"park_id": park_id})
            elif resp.status_code != 404:
                raise_for(resp)
        with store.write() as w:
            w.execute("DELETE FROM suspended_sales WHERE id = ?", (sid,))
        changed += 1
    return changed


def _check_shared(store: Store, send: Send, http: httpx.Client, terminal_id: str,
                  clock: Clock) -> int:
    mine = dict(store.conn.execute(
        "SELECT park_id, id FROM suspended_sales s WHERE published = 1 AND resumed_at IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM parked_claims c WHERE c.park_id = s.park_id)"
    ).fetchall())
    if not mine:
        return 0
    resp = send(http, "GET", "/v1/parked")
    raise_for(resp)
    try:
        still_open = {str(p.park_id) for p in ParkedList.model_validate_json(resp.content).parked}
    except ValidationError as exc:
        raise _sync_error(f"the central's list of suspended sales was malformed: "
                          f"{exc.errors()[0].get('msg')}") from None
    changed = 0
    for park_id, sid in mine.items():
        if park_id in still_open:
            continue
        # not open: ask where it stands (sending it again re-creates it on a restored central)
        cart, label, total, staff_id, at = store.conn.execute(
            "SELECT cart, label, total, staff_id, suspended_at FROM suspended_sales WHERE id = ?",
            (sid,)).fetchone()
        body = ParkedSale(park_id=park_id, staff_id=staff_id, label=label[:64],
                          currency=_currency(store.conn), total=total,
                          lines=max(1, _lines(cart)), parked_at=at, cart=json.loads(cart))
        put = send(http, "PUT", f"/v1/parked/{park_id}", content=body.model_dump_json(),
                   headers={"Content-Type": "application/json"})
        raise_for(put)
        state = ParkedClaimed.model_validate_json(put.content)
        if state.state == "parked":
            continue  # open again
        with store.write() as w:
            if state.claimed_by == terminal_id:  # this till's own claim, its answer lost
                w.execute("UPDATE suspended_sales SET published = -1 WHERE id = ?", (sid,))
            else:
                w.execute("DELETE FROM suspended_sales WHERE id = ? AND resumed_at IS NULL",
                          (sid,))
                audit.append(w, at=iso(clock.now()), action="suspended_taken_elsewhere",
                             staff_id=None, detail={"park_id": park_id,
                                                    "by": state.claimed_by})
        changed += 1
    return changed


# -- the claims journal --------------------------------------------------------------------------

def _granted(conn: Any, sale: ParkedSale, clock: Clock) -> None:
    """The central gave this till the cart: keep it in the claim (GUI: the basket next)."""
    conn.execute(
        "UPDATE parked_claims SET cart = ?, label = ?, total = ?, staff_id = ?, claimed_at = ? "
        "WHERE park_id = ?", (json.dumps(sale.cart, ensure_ascii=False), sale.label, sale.total,
                              sale.staff_id, iso(clock.now()), str(sale.park_id)))


def _keep_claimed(conn: Any, park_id: str, clock: Clock) -> None:
    """A granted claim the basket never took: keep it as this till's suspended sale."""
    row = conn.execute("SELECT own_id, staff_id, label, total, cart FROM parked_claims "
                       "WHERE park_id = ?", (park_id,)).fetchone()
    if row is None:  # the basket took it meanwhile (Checkout.resume_shared)
        return
    own_id, staff_id, label, total, cart = row
    kept = conn.execute("UPDATE suspended_sales SET published = -1, resumed_at = NULL "
                        "WHERE id = ?", (own_id,)).rowcount if own_id is not None else 0
    if not kept:
        conn.execute(
            "INSERT INTO suspended_sales (staff_id, suspended_at, label, total, cart, park_id, "
            "published) VALUES (?, ?, ?, ?, ?, ?, -1)",
            (staff_id or 0, iso(clock.now()), label, total, cart, park_id))
    conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))
    audit.append(conn, at=iso(clock.now()), action="claimed_sale_kept", staff_id=None,
                 detail={"park_id": park_id})


def _drop_claim(conn: Any, park_id: str, *, taken: bool, clock: Clock) -> None:
    """Not this till's: forget the claim (and this till's own copy, if another till took it)."""
    own = conn.execute("SELECT own_id FROM parked_claims WHERE park_id = ?",
                       (park_id,)).fetchone()
    conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))
    if taken and own is not None and own[0] is not None:
        conn.execute("DELETE FROM suspended_sales WHERE id = ?", (own[0],))
        audit.append(conn, at=iso(clock.now()), action="suspended_taken_elsewhere",
                     staff_id=None, detail={"park_id": park_id})


# -- helpers -------------------------------------------------------------------------------------

def _unknown() -> NotFound:
    return NotFound.of("parked_unknown")


def _unreachable(maybe_sent: bool) -> Unavailable:
    return Unavailable.of("central_unreachable.resume", maybe_sent=maybe_sent)


def _taken() -> InvalidInput:
    return InvalidInput.of("parked_taken")


def _sync_error(message: str) -> Exception:
    return SyncError(message, transient=True)


def _currency(conn: Any) -> str:
    return load_settings(conn).currency


def _lines(cart: str) -> int:
    try:
        return len(json.loads(cart).get("lines", []))
    except (ValueError, AttributeError):
        return 1
