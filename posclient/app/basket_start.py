"""Baskets that start from somewhere else: a suspended sale (this till's, or one another till
shared through the central), a web order's pick-up, an exchange (goods coming back in the
same basket), and a card orphan's journalled basket (posclient/app/card_recovery.py).

Each starts only on an empty basket with no money taken.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from posclient.domain.cart import Cart
from posclient.domain.clock import iso, parse_iso
from posclient.domain.errors import InvalidInput, NotFound, PosError
from posclient.domain.money import Money
from posclient.domain.policy import Action
from posclient.domain.tender import TenderKind
from posclient.store import audit, pickup_codes, suspended

from .members import MemberView
from .orders import Handover, OrderView
from .pickup_pricing import order_cart
from .returns import ReturnDraft, Returns
from .sale_state import ExchangeInProgress, PickupInProgress, SaleState
from .staff import Approval

if TYPE_CHECKING:
    from sync.protocol import OrderData, ParkedSale, PickupCodeAnswer, ReserveResponse


@dataclass(frozen=True, slots=True)
class SuspendedSale:
    id: int
    label: str
    staff_id: int
    suspended_at: str
    total: Money
    park_id: str = ""
    shared: bool = False  # at the central: resuming it here claims it there first


class BasketStarts(SaleState):
    """Suspend and resume, pick-up, exchange, and a card orphan's basket restored."""

    # -- suspend / resume ----------------------------------------------------------------------
    def suspend(self, label: str = "") -> int:
        """Park the sale (the customer fetches something); the till is free for the next one."""
        self._editable()
        if self.cart.is_empty:
            raise InvalidInput.of("cart_empty.suspend")
        if self.has_payments:
            raise InvalidInput.of("has_payments")
        if self.aisle:  # its hold at another store is this basket's: finish or void it
            raise InvalidInput.of("aisle_suspend")
        self._no_exchange()
        now = iso(self.clock.now())
        park_id = str(uuid.uuid4())
        with self.store.write() as conn:
            sid = suspended.park(conn, staff_id=self.session.staff.id, at=now, label=label,
                                 total=self.cart.totals().total.minor,
                                 cart=json.dumps(self._cart_document(), ensure_ascii=False),
                                 park_id=park_id)
            audit.append(conn, at=now, action="suspend_sale", staff_id=self.session.staff.id,
                         detail={"suspended_id": sid, "label": label, "park_id": park_id})
        self._new_sale()
        return sid

    def suspended(self) -> list[SuspendedSale]:
        """This till's suspended sales, oldest first (shared ones included until another till
        resumes them)."""
        return [SuspendedSale(r.id, r.label, r.staff_id, r.suspended_at, self._money(r.total),
                              r.park_id, r.published == 1)
                for r in suspended.open_sales(self.store.conn)]

    def resume(self, suspended_id: int, *, central_unreachable: bool = False) -> None:
        """Resume one of this till's suspended sales.

        A sale the other tills can see (``shared``) is claimed at the central first
        (``SyncEngine.claim_suspended``, then :meth:`resume_shared`), so no other till resumes it
        too: here it is refused with ``suspended_shared``, unless the central cannot be reached
        (``central_unreachable``): then it resumes here and the sync cycle claims it later
        (sync/parked.py).
        """
        self._ready_to_resume()
        row = suspended.parked_cart(self.store.conn, suspended_id)
        if row is None:
            raise NotFound.of("suspended_unknown", suspended_id=suspended_id)
        cart_doc, published, park_id = row.cart, row.published, row.park_id
        if published == 1 and not central_unreachable:
            raise InvalidInput.of("suspended_shared", suspended_id=suspended_id)
        cart = self._cart_from(cart_doc)
        extras = json.loads(cart_doc)
        now = iso(self.clock.now())
        enrolled = suspended.central_known(self.store.conn)
        with self.store.write() as conn:
            # Nothing for the central to hear: deleted. A sale being shared right now, or
            # shared: kept, the sync cycle finishes it.
            suspended.mark_resumed(conn, suspended_id, park_id, at=now,
                                   keep=published != -1 and enrolled)
            audit.append(conn, at=now, action="resume_sale", staff_id=self.session.staff.id,
                         detail={"suspended_id": suspended_id, "park_id": park_id,
                                 "claimed": False, "offline": central_unreachable})
        self._load_cart(cart, extras)

    def resume_shared(self, claimed: ParkedSale) -> None:
        """Resume a suspended sale the central gave this till (``SyncEngine.claim_suspended``):
        one of its own or another till's. Its lines keep the prices and discounts they were
        suspended with (the store has one price list), as a resume on the same till does."""
        self._ready_to_resume()
        if claimed.cart is None:
            raise InvalidInput.of("parked_empty")
        if claimed.currency != self.settings.currency:
            raise InvalidInput.of("currency_mismatch.suspended",
                                  currency=claimed.currency, till_currency=self.settings.currency)
        cart = self._cart_from(json.dumps(claimed.cart))
        park_id = str(claimed.park_id)
        with self.store.write() as conn:  # the claim is done: its journal and copies go
            suspended.drop_claimed(conn, park_id)
            audit.append(conn, at=iso(self.clock.now()), action="resume_sale",
                         staff_id=self.session.staff.id,
                         detail={"park_id": park_id, "claimed": True,
                                 "from_terminal": claimed.terminal_id})
        self._load_cart(cart, claimed.cart)

    def restore_paid_basket(self, doc: dict[str, Any],
                            cards: list[tuple[str, Money, str]]) -> None:
        """Load a basket journalled with a card attempt (:meth:`basket_document`) exactly as it
        was priced then (no promotions applied again), paid by ``cards`` (reference, amount,
        detail): approvals the terminal already gave, so :meth:`complete` asks it nothing."""
        self._ready_to_resume()
        cart = self._cart_from(json.dumps(doc))
        cart.promo = {int(k): int(v) for k, v in dict(doc.get("promo") or {}).items()}
        cart.promotions = tuple((str(p["id"]), str(p["name_zh"]), str(p["name_en"]),
                                 int(p["saved"])) for p in doc.get("promotions") or ())
        self._new_sale()
        self.cart = cart
        # The sale began when the customer was served, not when a manager resolved it.
        with contextlib.suppress(KeyError, ValueError):
            self.started_at = parse_iso(str(doc["started_at"]))
        self.coupons_used = tuple(str(c) for c in doc.get("coupons_used") or ())
        self.member = self._kept_member(doc)
        self.payment.total = cart.totals().total
        for reference, amount, detail in cards:
            self.payment.add_exact(TenderKind.CARD, amount, reference=reference, detail=detail)
        self.paid_before = True

    def _load_cart(self, cart: Cart, extras: dict[str, object] | None = None) -> None:
        """The resumed cart, with its member (if this till knows the member: the lines keep the
        prices they were suspended with) and its coupons; priced with today's promotions."""
        self._new_sale()
        self.cart = cart
        extras = extras or {}
        coupons = cast("Iterable[object]", extras.get("coupons") or ())  # a list in JSON
        self.coupons = frozenset(str(c) for c in coupons)
        self.member = self._kept_member(extras)
        self._reprice()

    def _kept_member(self, doc: Mapping[str, object]) -> MemberView | None:
        """The member a suspended (or journalled) basket names: one known from their QR token
        by the token it keeps, verified again (the till's record if it has one, else the
        token's points less this till's redemptions since it was issued: never more than the
        token said); else by number, if this till holds them."""
        from .members import Members

        member_no, token = doc.get("member_no"), doc.get("member_token")
        if not member_no:
            return None
        if isinstance(token, str) and token:
            found = Members(self.store, self.clock, self.settings).by_kept_token(token)
            if found is not None and found.member_no == str(member_no):
                return found
        return self._known_member(str(member_no))

    def _known_member(self, member_no: str) -> MemberView | None:
        from .members import Members

        try:
            return Members(self.store, self.clock, self.settings).find(member_no)
        except PosError:
            return None  # not on this till yet (signed up elsewhere, offline): no member


    # -- pick-up of a web order ----------------------------------------------------------------
    def start_pickup(self, view: OrderView, quantities: dict[int, int], *,
                     code: str | None = None, approval: Approval | None = None,
                     online: PickupCodeAnswer | None = None) -> Handover:
        """Make the basket the hand-over of ``{order line_no: qty}`` of a web order.

        The customer's pick-up code is checked (:meth:`_check_code`): ``online`` is the
        central's verdict on it when the central answered, else the till checks it against the
        order's hash. Without a code a supervisor approves, a manager when the order's code is
        locked here. The lines come at the order's prices and discounts; what the order's money
        already covers is tendered as ``web``, and only the rest is due (orders.py). Refuses,
        changing nothing in the basket: another store's order, a cancelled one, a wrong code
        (which is counted), a quantity not open. A delivery this store ships (an order placed
        at a till, issue 18) is handed to the courier the same way, without a code.
        """
        self._ready_to_resume()
        o, s = view.order, self.settings
        if o.fulfilment != "pickup" and not o.store_id:  # a web delivery: no store's
            raise InvalidInput.of("order_not_pickup", order_no=o.order_no)
        if o.store_id != s.store_id:
            raise InvalidInput.of("order_other_store", order_no=o.order_no, store=o.store_id)
        if o.status == "cancelled":
            raise InvalidInput.of("order_cancelled", order_no=o.order_no)
        if o.currency != s.currency or not s.tax_inclusive:
            raise InvalidInput.of("order_currency.currency", order_no=o.order_no)
        # a delivery this store ships (placed at a till) has no code: it goes to the courier
        # with a supervisor's approval, as an order handed over without its code
        approved_by = None
        without_code = o.fulfilment == "delivery" or not (code and code.strip())
        if not without_code:
            self._check_code(o, code or "", online)
        else:
            locked = pickup_codes.attempts(self.store.conn, o.order_no).locked
            approved_by = self.staff.authorize(
                self.session, Action.PICKUP_CODE_LOCKED if locked else Action.PICKUP_WITHOUT_CODE,
                approval)
        handover = view.handover(quantities)
        cart = order_cart(view, handover, self.catalog, s)
        self._new_sale()
        self.cart = cart
        self._reprice()
        if handover.covered:
            self.payment.add_exact(TenderKind.WEB, self._money(handover.covered),
                                   reference=o.order_no)
        self.pickup = PickupInProgress(o.order_no, handover, without_code, approved_by)
        if o.member_no:  # the order's member: the receipt and the points are theirs
            self.member = self._known_member(o.member_no)
        return handover

    def _check_code(self, order: OrderData, code: str, online: PickupCodeAnswer | None) -> None:
        """Pass when ``code`` is the order's, else count it, audit it and refuse.

        ``online``: the central's verdict (it counts too); ``ok`` passes even where this till
        had locked the code. Without it the till checks the code against the order's hash
        (~20 ms, before its write transaction), unless :data:`MAX_WRONG_CODES` wrong codes in a
        row locked it here. The count and its audit record are committed although the pick-up
        is refused; neither holds the code.
        """
        from sync.protocol import MAX_WRONG_CODES as limit

        no = order.order_no
        if online is None:
            if pickup_codes.attempts(self.store.conn, no).locked:
                raise InvalidInput.of("pickup_code_locked", order_no=no, limit=limit)
            right = order.pickup_code_matches(code)
        else:
            right = online.result == "ok"
        if right:
            if pickup_codes.attempts(self.store.conn, no).failures:
                with self.store.write() as conn:
                    pickup_codes.clear(conn, no)
            return
        now = iso(self.clock.now())
        with self.store.write() as conn:
            if online is not None and online.result == "locked":  # this code was not checked
                pickup_codes.lock(conn, no, now, limit)
                action, failures, left = "pickup_code_locked", limit, 0
            else:
                failures = pickup_codes.record_failure(conn, no, now, limit).failures
                left = max(0, limit - failures) if online is None else online.attempts_left
                action = "pickup_code_wrong"
            audit.append(conn, at=now, action=action, staff_id=self.session.staff.id,
                         detail={"order_no": no, "failures": failures, "locked": left == 0,
                                 "checked": "till" if online is None else "central"})
        if left > 0:
            raise InvalidInput.of("pickup_code_wrong.left", left=left)
        raise InvalidInput.of("pickup_code_locked" if online is None
                              else "pickup_code_locked.central", order_no=no, limit=limit)

    # -- exchange: a return and a new sale in one basket ---------------------------------------
    def start_exchange(self, returns: Returns, draft: ReturnDraft, *,
                       reservation: ReserveResponse | None = None,
                       approval: Approval | None = None) -> Money:
        """Goods come back and new ones go out in one basket: the return's value pays the new
        sale; the difference is paid at the till, or refunded the way the returned goods were
        paid (posclient/app/returns.py) when the sale completes. The return's checks and
        approvals happen now; both are recorded in the sale's transaction. Returns the credit.
        """
        self._ready_to_resume()
        approved_by = returns.authorize(draft, reservation=reservation, approval=approval)
        self._new_sale()
        self.exchange = ExchangeInProgress(returns, draft, approved_by)
        self._reprice()
        return draft.total

