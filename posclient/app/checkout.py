"""Checkout: one terminal's selling use cases, from scan to a committed sale.

The cart lives in memory while the customer is served; nothing about it is final until
:meth:`Checkout.complete`, which writes the sale, its lines, tenders, tax summary, stock
movements, the outbox event and the next gap-free receipt number in ONE transaction. Printing
happens after the commit and can never undo it (see :mod:`posclient.app.receipts`).

Every method validates before it changes anything: a refused scan, discount or tender leaves the
cart and the payment as they were.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from posclient.devices.drawer import CashDrawer
from posclient.devices.payment import PaymentStatus, PaymentTerminal
from posclient.domain.cart import Cart, CartLine, Discount, Item, Measure, Totals
from posclient.domain.clock import Clock, iso, parse_iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError, PosError
from posclient.domain.loyalty import EarnLine, points_earned, points_value
from posclient.domain.money import Money, Rounding
from posclient.domain.policy import Action
from posclient.domain.promotions import (
    BasketLine,
    PricingContext,
    Promotion,
    normalize_code,
    price_basket,
)
from posclient.domain.settings import StoreSettings
from posclient.domain.tender import Payment, Tender, TenderKind
from posclient.store import audit, outbox
from posclient.store.catalog import Catalog, Product
from posclient.store.db import Store
from posclient.store.promotions import PromotionReader
from posclient.store.settings import load_settings
from sync.protocol.clock import new_event_id

from . import reasons
from .lookup import Lookup, StockPosition
from .members import MemberView
from .orders import Handover, OrderView
from .pickup_pricing import order_cart
from .returns import EXCHANGE, CompletedReturn, RefundTender, ReturnDraft, Returns
from .shifts import shift_is_open
from .staff import Approval, StaffService, StaffSession

if TYPE_CHECKING:
    from sync.protocol import ParkedSale, ReserveResponse


@dataclass(frozen=True, slots=True)
class CompletedSale:
    sale_id: int
    receipt_no: str
    event_id: str
    terminal_seq: int
    totals: Totals
    tenders: tuple[Tender, ...]
    change: Money
    rounding: Money
    completed_at: datetime
    exchange: CompletedReturn | None = None  # the goods that came back in the same basket
    member: MemberView | None = None  # the member the sale was for
    points_earned: int = 0  # as the till works it out (the central's count is the authority)
    points_redeemed: int = 0
    points_balance: int | None = None  # the till's view: available before - redeemed + earned


@dataclass(frozen=True, slots=True)
class PickupInProgress:
    """The basket is the pick-up of a web order: its lines are the order's, fixed (each
    names its order line: ``CartLine.order``)."""

    order_no: str
    handover: Handover
    without_code: bool  # the customer had no pick-up code: a supervisor allowed it
    approved_by: int | None  # that supervisor, when the cashier is not one


@dataclass(frozen=True, slots=True)
class ExchangeInProgress:
    """Goods coming back in the same basket: their value pays the new sale (tender
    ``exchange``), and what it does not use is refunded when the sale completes."""

    returns: Returns
    draft: ReturnDraft
    approved_by: int | None

    @property
    def credit(self) -> Money:
        return self.draft.total


@dataclass(frozen=True, slots=True)
class SuspendedSale:
    id: int
    label: str
    staff_id: int
    suspended_at: str
    total: Money
    park_id: str = ""
    shared: bool = False  # at the central: resuming it here claims it there first


class Checkout:
    """The selling service of one terminal for one logged-in staff member."""

    def __init__(self, store: Store, staff: StaffService, session: StaffSession, *,
                 clock: Clock, payments: PaymentTerminal,
                 settings: StoreSettings | None = None, catalog: Catalog | None = None) -> None:
        self.store = store
        self.staff = staff
        self.session = session
        self.clock = clock
        self.payments = payments
        self.settings = settings or load_settings(store.conn)
        self.catalog = catalog or Catalog(store.conn)
        self.lookup = Lookup(self.catalog, self.settings, clock)
        self.promotion_reader = PromotionReader(store.conn, self.settings.store_id)
        self._brands: dict[int, str] = {}
        self._new_sale()

    # -- state ---------------------------------------------------------------------------------
    def _new_sale(self) -> None:
        s = self.settings
        self.cart = Cart(currency=s.currency, tax_inclusive=s.tax_inclusive,
                         tax_rounding=Rounding(s.tax_rounding), limits=s.limits)
        self.payment = Payment(Money.zero(s.currency), s.cash_rounding)
        self.paid_before = False  # a card orphan's basket: its money was taken back then
        self.started_at = self.clock.now()
        self._card_refs: list[str] = []
        self.basket_id = str(uuid.uuid4())  # names this basket in the card journal
        self.pickup: PickupInProgress | None = None
        self.exchange: ExchangeInProgress | None = None
        self.member: MemberView | None = None
        self.coupons: frozenset[str] = frozenset()  # codes the customer presented
        self.coupons_used: tuple[str, ...] = ()  # of which the last pricing used

    def totals(self) -> Totals:
        return self.cart.totals()

    def _reprice(self) -> None:
        self._apply_promotions()
        self.payment.total = self.cart.totals().total
        if self.exchange is not None:  # the returned goods pay first, up to the new total
            others = [t for t in self.payment.tenders if t.kind is not TenderKind.EXCHANGE]
            used = min(self.exchange.credit.minor, self.payment.total.minor)
            credit = self._money(used)
            self.payment.tenders = ([Tender(TenderKind.EXCHANGE, credit, credit,
                                            Money.zero(credit.currency))] if used else []
                                    ) + others

    def _active(self) -> None:
        self.staff.ensure_active(self.session)

    def _apply_promotions(self) -> None:
        """Price the basket with the store's promotions (posclient/domain/promotions.py, the
        same engine the central serves to the web shop): each line's promotion discount and
        what applied go into the cart. A web order's lines keep the order's prices (the cart
        never offers them: ``Cart.priceable``); a line whose price was overridden by hand keeps
        that price; a product that is not discountable is not priceable either, so the engine
        never sees it (the engine keeps its full price too, for the central's callers)."""
        cart = self.cart
        lines = [
            BasketLine(ln.line_id, ln.item.product_id, ln.unit_price.minor, ln.qty,
                       ln.item.measure, ln.item.category, self._brand(ln.item.product_id),
                       manual_discount=ln.line_discount,
                       fixed_amount=(ln.fixed_amount.minor if ln.fixed_amount is not None
                                     else None),
                       tax_code=ln.item.tax_code, tax_rate_ppm=ln.item.tax_rate_ppm)
            for ln in cart.priceable if ln.price_override is None]
        book = self.promotion_reader.book() if lines else None
        if not lines or book is None or not len(book):
            cart.promo, cart.promotions, self.coupons_used = {}, (), ()
            return
        tz = ZoneInfo(self.settings.timezone)
        result = price_basket(book, lines, PricingContext(
            at=self.clock.now().astimezone(tz), store_id=self.settings.store_id,
            member_tier=self.member.tier if self.member is not None else None,
            coupons=self.coupons))
        cart.promo = {lp.line_id: lp.promotion_discount for lp in result.lines
                      if lp.promotion_discount}
        cart.promotions = tuple((a.promotion_id, a.name_zh, a.name_en, a.saved)
                                for a in result.applied)
        self.coupons_used = tuple(result.coupons_used)

    def _brand(self, product_id: int) -> str:
        brand = self._brands.get(product_id)
        if brand is None:
            product = self.catalog.by_id(product_id)
            brand = self._brands[product_id] = product.brand if product is not None else ""
        return brand

    def add_coupon(self, code: str) -> Promotion:
        """The customer presents a coupon code: the basket is priced again with it. Refused
        (nothing changes) when no promotion of this store has the code, or it is not valid now.
        Used once across the chain: the central files a second use (``coupon_reused``)."""
        self._active()
        promotion = self.promotion_reader.coupon(code)
        tz = ZoneInfo(self.settings.timezone)
        # here and now: store, dates, days, hours (whether the member qualifies is priced)
        tier = (next(iter(promotion.tiers)) if promotion is not None and promotion.tiers
                else "member")
        if promotion is None or not promotion.holds(PricingContext(
                at=self.clock.now().astimezone(tz), store_id=self.settings.store_id,
                member_tier=tier, coupons=frozenset({code}))):
            raise NotFound(f"Coupon {code.strip()} is not valid here and now",
                           code="coupon_invalid", coupon=code.strip())
        self.coupons = self.coupons | {normalize_code(code)}
        self._reprice()
        return promotion

    def remove_coupon(self, code: str) -> None:
        """Take a coupon off the sale (the central says it was already used elsewhere)."""
        self._active()
        self.coupons = self.coupons - {normalize_code(code)}
        self._reprice()


    def _editable(self) -> None:
        """The cart may change: a logged-in cashier, and not an order's pick-up."""
        self._active()
        if self.pickup is not None:
            raise InvalidInput(f"This is the pick-up of order {self.pickup.order_no}: its items "
                               "cannot be changed (void it to start again)", code="pickup_locked",
                               order_no=self.pickup.order_no)

    @property
    def has_payments(self) -> bool:
        """Money was taken (the credit of an exchange's returned goods is not money taken)."""
        return any(t.kind is not TenderKind.EXCHANGE for t in self.payment.tenders)

    def _money(self, minor: int) -> Money:
        return Money(minor, self.settings.currency)

    # -- items ---------------------------------------------------------------------------------
    def _item(self, product: Product, code: str) -> Item:
        if not product.active:
            raise InvalidInput(f"{product.name_en} ({product.sku}) is no longer sold",
                               code="product_inactive", product=product.name_en,
                               product_zh=product.name_zh, sku=product.sku)
        # a product that is not discountable (a gift card) is sold at retail, member or not
        tier = self.member.tier if self.member and product.discountable else None
        price = self.lookup.price(product, tier)
        if price is None:
            raise NotFound(f"{product.name_en} ({product.sku}) has no price: call a supervisor",
                           code="price_missing", product=product.name_en,
                           product_zh=product.name_zh, sku=product.sku)
        tax = self.catalog.tax_rates().get(product.tax_code)
        if tax is None:
            raise NotFound(f"Tax rate {product.tax_code} is not set up on this till",
                           code="tax_missing", tax_code=product.tax_code)
        return Item(product.id, product.sku, product.name_zh, product.name_en, product.measure,
                    price, tax.code, tax.rate_ppm, product.category, code,
                    discountable=product.discountable)

    def scan(self, code: str, qty: int = 1) -> CartLine:
        """Add what a scanner (or a typed code) names: a GTIN, a scale label, or a SKU.

        For weighed items scanned by their own barcode or SKU, ``qty`` is the weight in grams.
        """
        self._editable()
        found = self.lookup.resolve(code)
        item = self._item(found.product, found.barcode)
        if found.weight_g is not None:
            line = self.cart.add(item, found.weight_g)
        elif found.label_price is not None:
            line = self.cart.add(item, 1, fixed_amount=self._money(found.label_price))
        else:
            line = self.cart.add(item, qty, merge=self.settings.merge_repeat_scans)
        self._reprice()
        return line

    def add_product(self, product_id: int, qty: int = 1) -> CartLine:
        """Add a product chosen from search results."""
        self._editable()
        product = self.catalog.by_id(product_id)
        if product is None:
            raise NotFound(f"There is no product {product_id}", code="product_unknown",
                           product_id=product_id)
        line = self.cart.add(self._item(product, ""), qty,
                             merge=self.settings.merge_repeat_scans)
        self._reprice()
        return line

    def takes_reserved(self, product_id: int) -> StockPosition | None:
        """The product's stock position when this sale takes more of it than is sellable and
        some of it is reserved for pick-up orders, else None.

        A warning for the cashier, never a refusal: the till's stock may be wrong (goods on
        the shelf that were not booked in), and the customer is at the till now.
        """
        position = self.lookup.stock_position(product_id)
        if position is None or position.reserved == 0:
            return None
        taken = sum(ln.qty for ln in self.cart.active_lines
                    if ln.item.product_id == product_id and ln.item.measure is Measure.EACH)
        return position if taken > position.sellable else None

    def _guard_paid(self, approval: Approval | None) -> int | None:
        """Changing a sale that already has payments needs a supervisor."""
        if not self.has_payments:
            return None
        return self.staff.authorize(self.session, Action.VOID_PAID_LINE, approval)

    def _check_not_below_paid(self, trial: Cart) -> None:
        """Money taken stays covered (an exchange's credit adapts to the total instead)."""
        taken = sum((t.amount for t in self.payment.tenders if t.kind is not TenderKind.EXCHANGE),
                    Money.zero(self.settings.currency))
        if trial.totals().total < taken:
            raise InvalidInput(
                "This would bring the total below what was already paid: void the sale to "
                "give the payments back", code="below_paid")

    def set_qty(self, line_id: int, qty: int, approval: Approval | None = None) -> None:
        self._editable()
        trial = self.cart.copy()
        trial.set_qty(line_id, qty)
        old = self.cart.get(line_id).qty
        if qty < old:
            self._check_not_below_paid(trial)
            approved_by = self._guard_paid(approval)
            if self.has_payments:
                self.staff.record(self.session, "reduce_paid_line", approved_by,
                                  line=line_id, old=old, new=qty)
        self.cart.set_qty(line_id, qty)
        self._reprice()

    def _reason(self, kind: str, code: str | None, text: str = "") -> dict[str, object]:
        """The audit detail of a reason (posclient/app/reasons.py): ``reason_code`` and
        ``reason``, checked against the chain's list; empty when none was given."""
        code, text = reasons.resolve(self.store.conn, kind, code, text,
                                     free_text=self.settings.reason_free_text)
        return {"reason_code": code, "reason": text} if code or text else {}

    def void_line(self, line_id: int, approval: Approval | None = None, *,
                  reason_code: str | None = None, reason: str = "") -> None:
        self._editable()
        why = self._reason("void", reason_code, reason)
        trial = self.cart.copy()
        line = trial.void_line(line_id)
        self._check_not_below_paid(trial)
        approved_by = self._guard_paid(approval)
        self.staff.record(self.session, "void_line", approved_by, line=line_id,
                          sku=line.item.sku, qty=line.qty, amount=line.gross,
                          paid=self.has_payments, **why)
        self.cart.void_line(line_id)
        self._reprice()

    # -- price changes -------------------------------------------------------------------------
    def override_price(self, line_id: int, price: Money, reason: str,
                       approval: Approval | None = None, *,
                       reason_code: str | None = None) -> None:
        self._editable()
        why = self._reason("price_override", reason_code, reason)
        reason = str(why.get("reason", ""))
        if not reason:
            raise InvalidInput("Give a reason for the price change", code="reason_required")
        trial = self.cart.copy()
        trial.override_price(line_id, price, reason)
        if self.has_payments:
            self._check_not_below_paid(trial)
        old = self.cart.get(line_id).unit_price
        approved_by = self.staff.authorize(self.session, Action.PRICE_OVERRIDE, approval)
        self.staff.record(self.session, "price_override", approved_by, line=line_id,
                          sku=trial.get(line_id).item.sku, old=old.minor, new=price.minor,
                          **why)
        self.cart.override_price(line_id, price, reason)
        self._reprice()

    def _discount_approval(self, discount: Discount, base: int,
                           approval: Approval | None) -> int | None:
        if discount.exceeds_percent(base, self.settings.cashier_discount_limit_bp):
            return self.staff.authorize(self.session, Action.DISCOUNT_OVER_LIMIT, approval)
        return None

    def discount_line(self, line_id: int, discount: Discount | None,
                      approval: Approval | None = None, *,
                      reason_code: str | None = None) -> None:
        self._editable()
        why = self._reason("discount", reason_code, discount.reason) if discount else {}
        trial = self.cart.copy()
        trial.set_line_discount(line_id, discount)
        if self.has_payments:
            self._check_not_below_paid(trial)
        line = self.cart.get(line_id)
        approved_by = (self._discount_approval(discount, line.gross, approval)
                       if discount else None)
        self.staff.record(self.session, "line_discount", approved_by, line=line_id,
                          sku=line.item.sku,
                          discount=None if discount is None else
                          {"kind": discount.kind.value, "value": discount.value},
                          amount=_discounted(trial, self.cart), **why)
        self.cart.set_line_discount(line_id, discount)
        self._reprice()

    def discount_basket(self, discount: Discount | None,
                        approval: Approval | None = None, *,
                        reason_code: str | None = None) -> None:
        self._editable()
        why = self._reason("discount", reason_code, discount.reason) if discount else {}
        trial = self.cart.copy()
        trial.set_basket_discount(discount)
        if self.has_payments:
            self._check_not_below_paid(trial)
        base = sum(ln.gross - ln.line_discount for ln in self.cart.priceable)
        approved_by = self._discount_approval(discount, base, approval) if discount else None
        self.staff.record(self.session, "basket_discount", approved_by,
                          discount=None if discount is None else
                          {"kind": discount.kind.value, "value": discount.value},
                          amount=_discounted(trial, self.cart), **why)
        self.cart.set_basket_discount(discount)
        self._reprice()

    # -- suspend / resume / void ---------------------------------------------------------------
    def suspend(self, label: str = "") -> int:
        """Park the sale (the customer fetches something); the till is free for the next one."""
        self._editable()
        if self.cart.is_empty:
            raise InvalidInput("There is nothing to suspend", code="cart_empty")
        if self.has_payments:
            raise InvalidInput("A sale with payments cannot be suspended: finish or void it",
                               code="has_payments")
        self._no_exchange()
        now = iso(self.clock.now())
        park_id = str(uuid.uuid4())
        with self.store.write() as conn:
            cur = conn.execute(
                "INSERT INTO suspended_sales (staff_id, suspended_at, label, total, cart, "
                "park_id) VALUES (?, ?, ?, ?, ?, ?)",
                (self.session.staff.id, now, label, self.cart.totals().total.minor,
                 json.dumps(self._cart_document(), ensure_ascii=False), park_id))
            sid = int(cur.lastrowid or 0)
            audit.append(conn, at=now, action="suspend_sale", staff_id=self.session.staff.id,
                         detail={"suspended_id": sid, "label": label, "park_id": park_id})
        self._new_sale()
        return sid

    def suspended(self) -> list[SuspendedSale]:
        """This till's suspended sales, oldest first (shared ones included until another till
        resumes them)."""
        return [SuspendedSale(r[0], r[1], r[2], r[3], self._money(r[4]), r[5] or "", r[6] == 1)
                for r in self.store.conn.execute(
                    "SELECT id, label, staff_id, suspended_at, total, park_id, published "
                    "FROM suspended_sales WHERE resumed_at IS NULL ORDER BY id")]

    def resume(self, suspended_id: int, *, central_unreachable: bool = False) -> None:
        """Resume one of this till's suspended sales.

        A sale the other tills can see (``shared``) is claimed at the central first
        (``SyncEngine.claim_suspended``, then :meth:`resume_shared`), so no other till resumes it
        too: here it is refused with ``suspended_shared``, unless the central cannot be reached
        (``central_unreachable``): then it resumes here and the sync cycle claims it later
        (sync/parked.py).
        """
        self._ready_to_resume()
        row = self.store.conn.execute(
            "SELECT cart, published, park_id FROM suspended_sales WHERE id = ? AND resumed_at "
            "IS NULL", (suspended_id,)).fetchone()
        if row is None:
            raise NotFound(f"There is no suspended sale {suspended_id}", code="suspended_unknown",
                           suspended_id=suspended_id)
        cart_doc, published, park_id = row
        if published == 1 and not central_unreachable:
            raise InvalidInput("This sale is shared with the other tills: it is claimed at the "
                               "central first", code="suspended_shared",
                               suspended_id=suspended_id)
        cart = self._cart_from(cart_doc)
        extras = json.loads(cart_doc)
        now = iso(self.clock.now())
        enrolled = self.store.conn.execute(
            "SELECT 1 FROM sync_state WHERE key = 'server_url' AND value IS NOT NULL").fetchone()
        with self.store.write() as conn:
            if published == -1 or not enrolled:  # nothing for the central to hear
                conn.execute("DELETE FROM suspended_sales WHERE id = ?", (suspended_id,))
            else:  # a sale being shared right now, or shared: the sync cycle finishes it
                conn.execute("UPDATE suspended_sales SET resumed_at = ? WHERE id = ?",
                             (now, suspended_id))
            conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))
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
            raise InvalidInput("The suspended sale came without its cart", code="parked_empty")
        if claimed.currency != self.settings.currency:
            raise InvalidInput(f"The suspended sale is in {claimed.currency}, this till sells "
                               f"in {self.settings.currency}", code="currency_mismatch",
                               currency=claimed.currency, till_currency=self.settings.currency)
        cart = self._cart_from(json.dumps(claimed.cart))
        park_id = str(claimed.park_id)
        with self.store.write() as conn:  # the claim is done: its journal and copies go
            conn.execute("DELETE FROM suspended_sales WHERE park_id = ?", (park_id,))
            conn.execute("DELETE FROM parked_claims WHERE park_id = ?", (park_id,))
            audit.append(conn, at=iso(self.clock.now()), action="resume_sale",
                         staff_id=self.session.staff.id,
                         detail={"park_id": park_id, "claimed": True,
                                 "from_terminal": claimed.terminal_id})
        self._load_cart(cart, claimed.cart)

    def _ready_to_resume(self) -> None:
        self._active()
        if not self.cart.is_empty or self.has_payments:
            raise InvalidInput("Finish or suspend the current sale before resuming another",
                               code="cart_not_empty")
        self._no_exchange()

    def _no_exchange(self) -> None:
        if self.exchange is not None:
            raise InvalidInput("Goods are coming back in this basket: finish the exchange or "
                               "void it first", code="exchange_open")

    def _cart_from(self, document: str) -> Cart:
        try:
            return Cart.from_dict(json.loads(document), self.settings.limits)
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("The suspended sale cannot be read; it was left as it is",
                               code="suspended_unreadable") from exc

    def _cart_document(self) -> dict[str, object]:
        """What a suspended sale keeps: the cart, its member and its coupons (another till of
        the store resumes it as it was)."""
        doc: dict[str, object] = self.cart.to_dict()
        if self.member is not None:
            doc["member_no"] = self.member.member_no
        if self.coupons:
            doc["coupons"] = sorted(self.coupons)
        return doc

    def basket_document(self) -> dict[str, object]:
        """What a card attempt keeps of its basket (posclient/app/card_recovery.py): the cart
        as priced now (promotions included), its member and coupons, the tenders taken so far,
        and what kind of basket it is, so an approval whose sale never committed can be
        completed as a sale of the same goods at the same prices."""
        doc = self._cart_document()
        doc["promo"] = {str(k): v for k, v in self.cart.promo.items()}
        doc["promotions"] = json.loads(_promotions_json(self.cart.promotions))
        doc["coupons_used"] = list(self.coupons_used)
        doc["kind"] = ("pickup" if self.pickup is not None
                       else "exchange" if self.exchange is not None else "sale")
        doc["total"] = self.cart.totals().total.minor
        doc["staff_id"] = self.session.staff.id
        doc["started_at"] = iso(self.started_at)
        doc["tenders"] = [{"kind": t.kind.value, "amount": t.amount.minor,
                           "reference": t.reference} for t in self.payment.tenders]
        return doc

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
        if doc.get("member_no"):
            self.member = self._known_member(str(doc["member_no"]))
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
        self.coupons = frozenset(str(c) for c in extras.get("coupons") or ())  # type: ignore[union-attr]
        member_no = extras.get("member_no")
        if member_no:
            self.member = self._known_member(str(member_no))
        self._reprice()

    def _known_member(self, member_no: str) -> MemberView | None:
        from .members import Members

        try:
            return Members(self.store, self.clock, self.settings).find(member_no)
        except PosError:
            return None  # not on this till yet (signed up elsewhere, offline): no member

    # -- pick-up of a web order ----------------------------------------------------------------
    def start_pickup(self, view: OrderView, quantities: dict[int, int], *,
                     code: str | None = None, approval: Approval | None = None) -> Handover:
        """Make the basket the hand-over of ``{order line_no: qty}`` of a web order.

        The customer's pick-up code is checked against the order (without it, a supervisor
        approves). The lines come at the order's prices and discounts; what the order's money
        already covers is tendered as ``web``, and only the rest is due (orders.py). Refuses,
        changing nothing: another store's order, a cancelled one, a quantity not open.
        """
        from sync.protocol import pickup_code_hash

        self._ready_to_resume()
        o, s = view.order, self.settings
        if o.fulfilment != "pickup":
            raise InvalidInput(f"Order {o.order_no} is delivered, not collected in store",
                               code="order_not_pickup", order_no=o.order_no)
        if o.store_id != s.store_id:
            raise InvalidInput(f"Order {o.order_no} is to be collected at store {o.store_id}",
                               code="order_other_store", order_no=o.order_no, store=o.store_id)
        if o.status == "cancelled":
            raise InvalidInput(f"Order {o.order_no} was cancelled: there is nothing to hand "
                               "over", code="order_cancelled", order_no=o.order_no)
        if o.currency != s.currency or not s.tax_inclusive:
            raise InvalidInput(f"Order {o.order_no} cannot be handed over at this till: its "
                               "prices are not in this store's currency with tax included",
                               code="order_currency", order_no=o.order_no)
        approved_by, without_code = None, not (code and code.strip())
        if not without_code:
            if o.pickup_code_hash != pickup_code_hash(o.order_no, code or ""):
                raise InvalidInput("That is not this order's pick-up code",
                                   code="pickup_code_wrong", order_no=o.order_no)
        else:
            approved_by = self.staff.authorize(self.session, Action.PICKUP_WITHOUT_CODE,
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

    def _exchange_refund(self, event_id: str) -> list[RefundTender]:
        """The return's tenders: what the new sale used of it, and the rest refunded (card
        refunds happen here, before the transaction, journalled)."""
        ex = self.exchange
        assert ex is not None
        used = sum((t.amount for t in self.payment.tenders if t.kind is TenderKind.EXCHANGE),
                   Money.zero(self.settings.currency))
        rest = ex.credit - used
        tenders = [RefundTender(EXCHANGE, used, event_id)] if used else []
        if rest.minor:
            tenders += ex.returns.refund_plan(ex.draft, rest)
        return ex.returns.pay_back(ex.draft, tenders, exchange=True)

    def void_sale(self, approval: Approval | None = None, *, reason_code: str | None = None,
                  reason: str = "") -> None:
        """Abandon the sale. Card payments already approved are reversed on the terminal.

        Once cash has been taken, voiding needs a supervisor (the cash must go back too).
        """
        self._active()
        why = self._reason("void", reason_code, reason)
        took_cash = any(t.kind is TenderKind.CASH for t in self.payment.tenders)
        approved_by = self._guard_paid(approval) if took_cash else None
        for tender in self.payment.tenders:
            if tender.kind is TenderKind.CARD:
                result = self.payments.reverse(tender.reference, tender.amount)
                status = "reversed" if result.status is PaymentStatus.APPROVED else "approved"
                with self.store.write() as conn:
                    conn.execute("UPDATE payment_journal SET status = ?, updated_at = ? "
                                 "WHERE reference = ?",
                                 (status, iso(self.clock.now()), tender.reference))
                if status != "reversed":
                    raise PaymentError(
                        f"The card payment {tender.detail} could not be reversed "
                        f"({result.message}); the sale stays open. Try again or call a "
                        "supervisor.", code="reversal_failed", card=tender.detail,
                        reason=result.message)
        self.staff.record(self.session, "void_sale", approved_by,
                          lines=len(self.cart.active_lines),
                          total=self.cart.totals().total.minor,
                          paid=self.payment.paid.minor, **why)
        self._new_sale()

    def no_sale(self, drawer: CashDrawer, reason: str,
                approval: Approval | None = None, *, reason_code: str | None = None) -> None:
        """Open the cash drawer without a sale (change for the float, ...): a supervisor's PIN,
        a reason, and an audit record come first; the drawer opens after."""
        self._active()
        why = self._reason("no_sale", reason_code, reason)
        if not why:
            raise InvalidInput("Give a reason for opening the drawer", code="reason_required")
        if not self.cart.is_empty:
            raise InvalidInput("Finish or suspend the sale before opening the drawer",
                               code="cart_not_empty")
        approved_by = self.staff.authorize(self.session, Action.NO_SALE, approval)
        self.staff.record(self.session, "no_sale", approved_by, **why)
        drawer.open()

    # -- members -------------------------------------------------------------------------------
    def attach_member(self, member: MemberView) -> None:
        """The sale is for ``member``: the cart's lines take the member's tier prices (the price
        list named as the tier, else retail); lines whose price was overridden, scale labels
        and an order's pick-up lines keep theirs. Refused once money was taken."""
        self._active()
        if not member.active:
            raise InvalidInput(f"Member {member.member_no} is no longer active",
                               code="member_inactive", member_no=member.member_no)
        self._member_changeable()
        self.member = member
        self._reprice_lines()

    def detach_member(self) -> None:
        """The sale is for nobody: the lines go back to retail prices."""
        self._active()
        if self.member is None:
            return
        self._member_changeable()
        self.member = None
        self._reprice_lines()

    def _member_changeable(self) -> None:
        if self.has_payments:
            raise InvalidInput("Money was already taken: the member can no longer change "
                               "(void the payments first)", code="member_after_payment")

    def _reprice_lines(self) -> None:
        tier = self.member.tier if self.member else None
        for line in self.cart.priceable:  # an order's lines keep the order's prices
            if line.price_override is not None or line.fixed_amount is not None:
                continue
            product = self.catalog.by_id(line.item.product_id)
            price = self.lookup.price(product, tier) if product is not None else None
            if price is not None and price != line.item.unit_price:
                line.item = replace(line.item, unit_price=price)
        self._reprice()

    def points_preview(self) -> int:
        """The points this sale earns as it stands (0 without a member)."""
        if self.member is None or self.cart.is_empty:
            return 0
        return self._points_earned(self.cart.totals(), self.payment.tenders)

    def _points_earned(self, totals: Totals, tenders: list[Tender] | tuple[Tender, ...]) -> int:
        not_earning = sum(t.amount.minor for t in tenders
                          if t.kind in (TenderKind.POINTS, TenderKind.WEB))
        lines = [EarnLine(ln.item.product_id, ln.item.category, pl.total)
                 for ln, pl in zip(self.cart.active_lines, totals.lines, strict=True)]
        return points_earned(self.settings.loyalty_rules, lines, total=totals.total.minor,
                             not_earning=not_earning)

    def points_in_payment(self) -> int:
        """Points already tendered on this sale."""
        return sum(int(t.detail or 0) for t in self.payment.tenders
                   if t.kind is TenderKind.POINTS)

    def pay_points(self, points: int) -> Tender:
        """Pay with the attached member's points at the store's rate. At most what this till
        may spend (the central's balance less this till's uncounted redemptions) and at most
        what is due."""
        self._active()
        self._check_can_pay()
        member = self.member
        if member is None:
            raise InvalidInput("Attach the member first: points belong to a member",
                               code="points_no_member")
        rules = self.settings.loyalty_rules
        if not rules.enabled:
            raise InvalidInput("This store does not take points", code="points_disabled")
        value = points_value(rules, points)
        left = member.available - self.points_in_payment()
        if points > left:
            raise InvalidInput(f"The member has only {max(0, left)} points to spend",
                               code="points_insufficient", available=max(0, left))
        amount = self._money(value)
        self.payment.check_exact(amount, TenderKind.POINTS)
        return self.payment.add_exact(TenderKind.POINTS, amount, reference=member.member_no,
                                      detail=str(points))

    # -- tenders -------------------------------------------------------------------------------
    def _check_can_pay(self) -> None:
        """Money is taken only for a basket, and (the store's ``require_shift``, on by default)
        into a drawer whose shift is open: its float counted, so the close can balance."""
        if self.cart.is_empty:
            raise InvalidInput("Scan an item first", code="cart_empty")
        if self.settings.require_shift and not self.paid_before and \
                not shift_is_open(self.store.conn):
            raise InvalidInput("No shift is open on this till: open one with its float first",
                               code="shift_not_open")

    def pay_cash(self, tendered: Money, *, confirmed: bool = False) -> Tender:
        """Take cash handed over; change above the largest note needs ``confirmed``
        (:class:`~posclient.domain.tender.TenderNeedsConfirmation` otherwise)."""
        self._active()
        self._check_can_pay()
        return self.payment.add_cash(tendered, confirmed=confirmed)

    def pay_card(self, amount: Money | None = None) -> Tender:
        """Take a card payment through the payment terminal (``amount`` defaults to all due).

        The attempt is journalled before the terminal is asked, so an approval is never lost
        even if the till dies before the sale commits.
        """
        self._active()
        self._check_can_pay()
        amount = amount if amount is not None else self.payment.due
        self.payment.check_exact(amount, TenderKind.CARD)
        reference = str(uuid.uuid4())
        now = iso(self.clock.now())
        basket = json.dumps(self.basket_document(), ensure_ascii=False)
        holder = self.store.lease()
        with self.store.write() as conn:
            conn.execute(
                "INSERT INTO payment_journal (reference, amount, currency, status, created_at, "
                "updated_at, holder, basket_id, basket) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, "
                "?)", (reference, amount.minor, amount.currency, now, now, holder,
                       self.basket_id, basket))
        result = self.payments.authorize(amount, reference)
        with self.store.write() as conn:
            conn.execute(
                "UPDATE payment_journal SET status = ?, auth_code = ?, detail = ?, "
                "updated_at = ? WHERE reference = ?",
                (result.status.value, result.auth_code, result.detail or result.message,
                 iso(self.clock.now()), reference))
        if result.status is PaymentStatus.DECLINED:
            raise PaymentError(f"Card declined: {result.message or 'no reason given'}. "
                               "Ask for another card or another way to pay.",
                               code="card_declined", reason=result.message)
        if result.status is PaymentStatus.TIMEOUT:
            raise PaymentError("The card terminal did not answer in time. Check it is on and "
                               "connected, then try again; the card was not charged.",
                               code="card_timeout")
        return self.payment.add_exact(TenderKind.CARD, amount, reference=reference,
                                      detail=f"{result.detail} {result.auth_code}".strip())

    def pay_store_credit(self, account: str, amount: Money | None = None) -> Tender:
        self._active()
        self._check_can_pay()
        amount = amount if amount is not None else self.payment.due
        row = self.store.conn.execute(
            "SELECT balance, currency FROM store_credit WHERE account = ?",
            (account,)).fetchone()
        if row is None:
            raise NotFound(f"There is no store credit account {account!r}",
                           code="credit_unknown", account=account)
        held = sum(t.amount.minor for t in self.payment.tenders
                   if t.kind is TenderKind.STORE_CREDIT and t.reference == account)
        if row[1] != amount.currency or amount.minor > row[0] - held:
            balance = self._money(row[0] - held).to_decimal_str()
            raise InvalidInput(f"Store credit {account} has only {balance} left",
                               code="credit_insufficient", account=account,
                               balance=self._money(row[0] - held))
        return self.payment.add_exact(TenderKind.STORE_CREDIT, amount, reference=account)

    # -- completion ----------------------------------------------------------------------------
    def complete(self, *, member_id: int | None = None,
                 also: Callable[[sqlite3.Connection, int, str], None] | None = None
                 ) -> CompletedSale:
        """Commit the paid sale: everything in one transaction, then start a new sale.

        The member is the one attached (:meth:`attach_member`); ``member_id`` names a member by
        the central's id only when none is attached (older callers). With a member, the sale
        records the points it earns and redeems, and both go to ``points_pending`` until the
        central has counted them. ``also(conn, sale_id, event_id)`` writes more in the same
        transaction, after the sale's event (a card orphan's resolution).
        """
        self._active()
        self._check_can_pay()
        totals = self.cart.totals()
        self.payment.total = totals.total
        if not self.payment.is_settled:
            raise InvalidInput(f"{self.payment.due.to_decimal_str()} is still due",
                               code="not_paid", due=self.payment.due)
        s = self.settings
        now = self.clock.now()
        at = iso(now)
        event_id = new_event_id(self.clock)
        active = self.cart.active_lines
        tenders = tuple(self.payment.tenders)
        rounding = self.payment.rounding or Money.zero(s.currency)
        change = self.payment.change
        paid = self.payment.paid
        pickup = self.pickup
        kind = "sale" if pickup is None else "pickup"
        exchange = self.exchange
        member = self.member
        if member is not None:
            member_id = member.id
        earned = self._points_earned(totals, tenders) if member is not None else 0
        redeemed = self.points_in_payment()
        balance = (member.available - redeemed + earned) if member is not None else None
        refunds = self._exchange_refund(event_id) if exchange is not None else []
        returned: CompletedReturn | None = None
        with self.store.write() as conn:
            if exchange is not None:  # the goods back first: the sale's tender names them
                returned = exchange.returns.write(conn, exchange.draft, refunds,
                                                  exchange.approved_by)
                tenders = tuple(replace(t, reference=returned.return_no)
                                if t.kind is TenderKind.EXCHANGE else t for t in tenders)
            sale_no = outbox.next_counter(conn, "receipt")
            receipt_no = f"{s.store_id}-{s.terminal_id}-{sale_no:06d}"
            cur = conn.execute(
                "INSERT INTO sales (event_id, receipt_no, store_id, terminal_id, "
                "terminal_sale_no, staff_id, member_id, started_at, completed_at, currency, "
                "tax_inclusive, subtotal, discount_total, tax_total, rounding, total, paid, "
                "change_given, basket_discount, kind, order_no, member_no, member_label, "
                "points_earned, points_redeemed, points_balance) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?)",
                (event_id, receipt_no, s.store_id, s.terminal_id, sale_no,
                 self.session.staff.id, member_id, iso(self.started_at), at, s.currency,
                 int(s.tax_inclusive), totals.subtotal.minor, totals.discount_total.minor,
                 totals.tax_total.minor, rounding.minor, totals.total.minor, paid.minor,
                 change.minor, _discount_json(self.cart.basket_discount), kind,
                 pickup.order_no if pickup is not None else None,
                 member.member_no if member else None, member.label if member else None,
                 earned, redeemed, balance))
            sale_id = int(cur.lastrowid or 0)
            line_rows = []
            for no, (ln, pl) in enumerate(zip(active, totals.lines, strict=True), start=1):
                line_rows.append((
                    sale_id, no, ln.item.product_id, ln.item.sku, ln.item.name_zh,
                    ln.item.name_en, ln.item.barcode, ln.item.measure.value, ln.qty,
                    ln.item.unit_price.minor, ln.unit_price.minor,
                    ln.fixed_amount.minor if ln.fixed_amount is not None else None,
                    ln.override_reason or None, pl.gross, pl.line_discount, pl.basket_discount,
                    pl.total, ln.item.tax_code, ln.item.tax_rate_ppm,
                    ln.order_line_no,
                    pl.promo_discount))
            conn.executemany(
                "INSERT INTO sale_lines (sale_id, line_no, product_id, sku, name_zh, name_en, "
                "barcode, measure, qty, list_price, unit_price, label_price, override_reason, "
                "gross, line_discount, basket_discount, total, tax_code, tax_rate_ppm, "
                "order_line_no, promo_discount) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                line_rows)
            if self.cart.promotions or self.coupons_used:
                conn.execute("UPDATE sales SET promotions = ?, coupons = ? WHERE id = ?",
                             (_promotions_json(self.cart.promotions),
                              json.dumps(list(self.coupons_used)), sale_id))
            conn.executemany(
                "INSERT INTO sale_tenders (sale_id, seq, kind, amount, tendered, change, "
                "reference, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(sale_id, i, t.kind.value, t.amount.minor, t.tendered.minor, t.change.minor,
                  t.reference, t.detail) for i, t in enumerate(tenders, start=1)])
            conn.executemany(
                "INSERT INTO sale_taxes (sale_id, tax_code, rate_ppm, net, tax, gross) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(sale_id, t.code, t.rate_ppm, t.net, t.tax, t.gross) for t in totals.taxes])
            for t in tenders:
                if t.kind is TenderKind.CARD:
                    conn.execute("UPDATE payment_journal SET status = 'captured', sale_id = ?, "
                                 "updated_at = ? WHERE reference = ?", (sale_id, at, t.reference))
                elif t.kind is TenderKind.STORE_CREDIT:
                    updated = conn.execute(
                        "UPDATE store_credit SET balance = balance - ? WHERE account = ? "
                        "AND balance >= ?", (t.amount.minor, t.reference, t.amount.minor))
                    if updated.rowcount != 1:
                        raise InvalidInput(f"Store credit {t.reference} no longer covers "
                                           f"{t.amount.to_decimal_str()}",
                                           code="credit_insufficient",
                                           account=t.reference, amount=t.amount)
            payload = _sale_payload(receipt_no, s, self.session.staff.id, member_id,
                                    iso(self.started_at), at, totals, line_rows, tenders,
                                    rounding, change)
            if self.cart.promotions:
                payload["promotions"] = json.loads(_promotions_json(self.cart.promotions))
            if self.coupons_used:
                payload["coupons"] = list(self.coupons_used)
            if member is not None:
                payload["member_no"] = member.member_no
                payload["points_earned"] = earned
                conn.executemany(
                    "INSERT INTO points_pending (event_id, member_no, points) VALUES (?, ?, ?)",
                    [(event_id, member.member_no, p) for p in (-redeemed, earned) if p])
            if pickup is not None:
                payload["order_no"] = pickup.order_no
                for line, row in zip(payload["lines"], line_rows, strict=True):
                    line["order_line_no"] = row[19]
                payload["without_code"] = pickup.without_code
                audit.append(conn, at=at, action="order_pickup", staff_id=self.session.staff.id,
                             approved_by=pickup.approved_by,
                             detail={"order_no": pickup.order_no, "receipt_no": receipt_no,
                                     "without_code": pickup.without_code})
            seq = outbox.append(conn, event_id=event_id, type=kind, occurred_at=at,
                                payload=payload)
            # After the event: a movement names its terminal_seq (the stock's watermark rule,
            # posclient/store/stock.py).
            conn.executemany(
                "INSERT INTO stock_movements (product_id, qty_delta, reason, sale_id, event_id, "
                "occurred_at, terminal_seq) VALUES (?, ?, 'sale', ?, ?, ?, ?)",
                [(ln.item.product_id, -_stock_qty(ln), sale_id, event_id, at, seq)
                 for ln in active])
            if also is not None:
                also(conn, sale_id, event_id)
        done = CompletedSale(sale_id, receipt_no, event_id, seq, totals, tenders, change,
                             rounding, now, returned, member, earned, redeemed, balance)
        self._new_sale()
        return done


def _stock_qty(line: CartLine) -> int:
    """Units (or grams) that leave the shelf."""
    if line.fixed_amount is not None and line.item.measure is Measure.GRAM:
        return 0  # a price label on a weighed item: the weight is not known
    return line.qty


def _discounted(trial: Cart, before: Cart) -> int:
    """What a discount change takes off the sale (minor units; negative: given back)."""
    return trial.totals().discount_total.minor - before.totals().discount_total.minor


def _discount_json(d: Discount | None) -> str | None:
    if d is None:
        return None
    return json.dumps({"kind": d.kind.value, "value": d.value, "reason": d.reason},
                      ensure_ascii=False)


def _promotions_json(applied: tuple[tuple[str, str, str, int], ...]) -> str:
    return json.dumps([{"id": pid, "name_zh": zh, "name_en": en, "saved": saved}
                       for pid, zh, en, saved in applied], ensure_ascii=False)


def _sale_payload(receipt_no: str, s: StoreSettings, staff_id: int, member_id: int | None,
                  started_at: str, completed_at: str, totals: Totals, line_rows: list[tuple],
                  tenders: tuple[Tender, ...], rounding: Money, change: Money) -> dict:
    """The ``sale`` event sent to the central (sync protocol v1)."""
    return {
        "receipt_no": receipt_no, "store_id": s.store_id, "terminal_id": s.terminal_id,
        "staff_id": staff_id, "member_id": member_id, "started_at": started_at,
        "completed_at": completed_at, "currency": s.currency,
        "tax_inclusive": s.tax_inclusive, "subtotal": totals.subtotal.minor,
        "discount_total": totals.discount_total.minor, "tax_total": totals.tax_total.minor,
        "rounding": rounding.minor, "total": totals.total.minor, "change": change.minor,
        "lines": [
            {"line_no": r[1], "product_id": r[2], "sku": r[3], "barcode": r[6],
             "measure": r[7], "qty": r[8], "list_price": r[9], "unit_price": r[10],
             "label_price": r[11], "gross": r[13], "line_discount": r[14],
             "basket_discount": r[15], "total": r[16], "tax_code": r[17],
             "tax_rate_ppm": r[18], "promo_discount": r[20]}
            for r in line_rows
        ],
        "tenders": [{"kind": t.kind.value, "amount": t.amount.minor, "reference": t.reference,
                     **({"points": int(t.detail)} if t.kind is TenderKind.POINTS else {})}
                    for t in tenders],
        "taxes": [{"code": t.code, "rate_ppm": t.rate_ppm, "net": t.net, "tax": t.tax}
                  for t in totals.taxes],
    }
