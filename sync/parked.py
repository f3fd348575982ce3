"""Suspended sales shared with the store's other tills: the till's side of ``/v1/parked``.

A sale is suspended on the till first (posclient.app.checkout ``suspend``: a local row with a
``park_id``), so suspending never waits on the network. Then, in every sync cycle,
:func:`exchange`:

1. publishes the rows not yet at the central (``published`` 0 -> 1; a row that cannot be sent
   or that the central refuses is marked -1 and stays a local-only suspended sale: it never
   blocks the rest);
2. claims, at the central, the published rows this till resumed while the central could not be
   reached (``resumed_at`` set), so the other tills stop offering them, then deletes them;
3. deletes the published rows another till has resumed (they are no longer open at the
   central), so this till stops offering them.

A cashier resuming a sale waits for one call (:func:`claim`), made off the GUI thread: for a
published sale of this till or one of another till, the central decides which till gets it.
When the central cannot be reached, this till's own sales still resume here (the claim is sent
later, step 2); other tills' sales are not offered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from uuid import UUID

import httpx
from pydantic import ValidationError

from posclient.app.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PosError, Unavailable
from posclient.store import audit
from posclient.store.db import Store

from .protocol import ParkedList, ParkedSale

log = logging.getLogger(__name__)

# SyncEngine._send: one request; a network fault raises SyncError, the status is not checked.
Send = Callable[..., httpx.Response]


def exchange(store: Store, send: Send, http: httpx.Client, clock: Clock) -> int:
    """One cycle's publishing and clean-up (see the module docstring); the rows changed."""
    conn = store.conn
    currency = _currency(conn)
    changed = 0
    for row in conn.execute(
            "SELECT id, park_id, staff_id, label, total, cart, suspended_at FROM "
            "suspended_sales WHERE published = 0 AND resumed_at IS NULL AND park_id IS NOT NULL "
            "ORDER BY id").fetchall():
        sid, park_id, staff_id, label, total, cart, at = row
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
            if resp.status_code in REFUSED:
                log.error("the central refused suspended sale %s (%s): it stays on this till "
                          "only", park_id, resp.text[:200])
                published = -1
            else:
                _raise_for(resp)
        with store.write() as w:
            w.execute("UPDATE suspended_sales SET published = ? WHERE id = ?", (published, sid))
        changed += 1
    for sid, park_id in conn.execute(
            "SELECT id, park_id FROM suspended_sales WHERE resumed_at IS NOT NULL").fetchall():
        resp = send(http, "POST", f"/v1/parked/{park_id}/claim")
        if resp.status_code == 409:
            log.warning("suspended sale %s was resumed here while offline AND at another till",
                        park_id)
            with store.write() as w:
                audit.append(w, at=iso(clock.now()), action="suspended_resumed_twice",
                             staff_id=None, detail={"park_id": park_id})
        elif resp.status_code != 404:
            _raise_for(resp)
        with store.write() as w:
            w.execute("DELETE FROM suspended_sales WHERE id = ?", (sid,))
        changed += 1
    mine = dict(conn.execute(
        "SELECT park_id, id FROM suspended_sales WHERE published = 1 AND resumed_at IS NULL"
    ).fetchall())
    if mine:
        resp = send(http, "GET", "/v1/parked")
        _raise_for(resp)
        try:
            listed = ParkedList.model_validate_json(resp.content).parked
        except ValidationError as exc:
            raise _sync_error(f"the central's list of suspended sales was malformed: "
                              f"{exc.errors()[0].get('msg')}") from None
        still_open = {str(p.park_id) for p in listed}
        gone = [sid for park_id, sid in mine.items() if park_id not in still_open]
        if gone:
            with store.write() as w:
                for sid in gone:
                    w.execute("DELETE FROM suspended_sales WHERE id = ? AND resumed_at IS NULL",
                              (sid,))
                audit.append(w, at=iso(clock.now()), action="suspended_taken_elsewhere",
                             staff_id=None, detail={"suspended_ids": gone})
            changed += len(gone)
    return changed


def others(http: httpx.Client, own_terminal: str) -> list[ParkedSale]:
    """Other tills' open suspended sales in this store, oldest first (no carts).

    For a cashier: raises a PosError (:class:`Unavailable` when the central cannot be reached).
    """
    resp = _cashier_call(http, "GET", "/v1/parked")
    try:
        listed = ParkedList.model_validate_json(resp.content).parked
    except ValidationError:
        raise _malformed() from None
    return [p for p in listed if p.terminal_id != own_terminal]


def claim(http: httpx.Client, park_id: str | UUID) -> ParkedSale:
    """This till resumes the sale: its cart, if no other till has it (raises a PosError)."""
    resp = _cashier_call(http, "POST", f"/v1/parked/{park_id}/claim")
    try:
        sale = ParkedSale.model_validate_json(resp.content)
    except ValidationError:
        raise _malformed() from None
    if sale.cart is None:
        raise _malformed()
    return sale


# -- helpers -------------------------------------------------------------------------------------

REFUSED = (400, 404, 409, 413, 422)  # the central will never take this record as it is


def _raise_for(resp: httpx.Response) -> None:
    from .engine import _raise_for
    _raise_for(resp)


def _sync_error(message: str) -> Exception:
    from .engine import SyncError
    return SyncError(message, transient=True)


def _cashier_call(http: httpx.Client, method: str, url: str) -> httpx.Response:
    """A call a cashier waits for; every failure is a PosError in words she can read."""
    try:
        resp = http.request(method, url)
    except httpx.HTTPError as exc:
        log.info("central unreachable for suspended sales: %s", exc)
        raise Unavailable("The central cannot be reached: try again, or resume the sale at "
                          "the till that suspended it", code="central_unreachable") from None
    if resp.status_code == 409:
        raise InvalidInput("This sale was already resumed at another till", code="parked_taken")
    if resp.status_code == 404:
        raise NotFound("The central does not know this suspended sale", code="parked_unknown")
    if resp.status_code >= 400:
        raise Unavailable(f"The central refused the request ({resp.status_code})",
                          code="central_refused", status=resp.status_code)
    return resp


def _malformed() -> PosError:
    return Unavailable("The central sent an answer the till cannot read",
                       code="central_malformed")


def _currency(conn: Any) -> str:
    from posclient.app.settings import StoreSettings
    return StoreSettings.load(conn).currency


def _lines(cart: str) -> int:
    try:
        return len(json.loads(cart).get("lines", []))
    except (ValueError, AttributeError):
        return 1
