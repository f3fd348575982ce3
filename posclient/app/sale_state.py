"""The state every part of the checkout shares: one basket being served, and its rules.

:class:`SaleState` holds the basket (the cart, its payment, its member, coupons, and whether
it is a web order's pick-up or an exchange) and the checks and helpers the parts
(posclient/app/basket.py, basket_start.py, tenders.py, sale_completion.py) all use: who may
change it, how it is priced, what a card attempt journals of it. :class:`~.checkout.Checkout`
composes the parts.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from posclient.domain.cart import Cart, Totals
from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput
from posclient.domain.loyalty import EarnLine, points_earned
from posclient.domain.money import Money, Rounding
from posclient.domain.policy import Action
from posclient.domain.promotions import BasketLine, PricingContext, price_basket
from posclient.domain.settings import StoreSettings
from posclient.domain.tender import Payment, Tender, TenderKind
from posclient.store.catalog import Catalog
from posclient.store.db import Store
from posclient.store.promotions import PromotionReader
from posclient.store.settings import load_settings

from . import reasons
from .aisle_order import AisleOrder
from .lookup import Lookup
from .members import MemberView
from .orders import Handover
from .ports import PaymentTerminal
from .returns import ReturnDraft, Returns
from .shifts import shift_is_open
from .staff import Approval, StaffService, StaffSession


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


class SaleState:
    """One terminal's basket for one logged-in staff member, and the rules shared by the
    checkout's parts."""

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
        self.basket_id = str(uuid.uuid4())  # names this basket in the card journal
        self.pickup: PickupInProgress | None = None
        self.exchange: ExchangeInProgress | None = None
        self.member: MemberView | None = None
        self.coupons: frozenset[str] = frozenset()  # codes the customer presented
        self.coupons_used: tuple[str, ...] = ()  # of which the last pricing used
        # orders for the customer from another store (posclient/app/aisle.py), apart from
        # the goods: they count toward the amount due at their paid_now
        self.aisle: list[AisleOrder] = []

    def totals(self) -> Totals:
        return self.cart.totals()

    @property
    def basket_empty(self) -> bool:
        """No goods and no order for another store."""
        return self.cart.is_empty and not self.aisle

    @property
    def aisle_paid(self) -> Money:
        """What the customer pays now for the orders from other stores."""
        return self._money(sum(o.paid_now for o in self.aisle))

    @property
    def amount_due(self) -> Money:
        """The whole the tenders pay: the goods' total and the orders' paid_now."""
        return self.cart.totals().total + self.aisle_paid

    def _reprice(self) -> None:
        self._apply_promotions()
        self.payment.total = self.amount_due
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

    def _editable(self) -> None:
        """The cart may change: a logged-in cashier, and not an order's pick-up."""
        self._active()
        if self.pickup is not None:
            raise InvalidInput.of("pickup_locked", order_no=self.pickup.order_no)

    @property
    def has_payments(self) -> bool:
        """Money was taken (the credit of an exchange's returned goods is not money taken)."""
        return any(t.kind is not TenderKind.EXCHANGE for t in self.payment.tenders)

    def _money(self, minor: int) -> Money:
        return Money(minor, self.settings.currency)

    def _guard_paid(self, approval: Approval | None) -> int | None:
        """Changing a sale that already has payments needs a supervisor."""
        if not self.has_payments:
            return None
        return self.staff.authorize(self.session, Action.VOID_PAID_LINE, approval)

    def _check_not_below_paid(self, trial: Cart) -> None:
        """Money taken stays covered (an exchange's credit adapts to the total instead)."""
        taken = sum((t.amount for t in self.payment.tenders if t.kind is not TenderKind.EXCHANGE),
                    Money.zero(self.settings.currency))
        if trial.totals().total + self.aisle_paid < taken:
            raise InvalidInput.of("below_paid")


    def _reason(self, kind: str, code: str | None, text: str = "") -> dict[str, object]:
        """The audit detail of a reason (posclient/app/reasons.py): ``reason_code`` and
        ``reason``, checked against the chain's list; empty when none was given."""
        code, text = reasons.resolve(self.store.conn, kind, code, text,
                                     free_text=self.settings.reason_free_text)
        return {"reason_code": code, "reason": text} if code or text else {}


    def _ready_to_resume(self) -> None:
        self._active()
        if not self.cart.is_empty or self.aisle or self.has_payments:
            raise InvalidInput.of("cart_not_empty.resume")
        self._no_exchange()

    def _no_exchange(self) -> None:
        if self.exchange is not None:
            raise InvalidInput.of("exchange_open")

    def _cart_from(self, document: str) -> Cart:
        try:
            return Cart.from_dict(json.loads(document), self.settings.limits)
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInput.of("suspended_unreadable") from exc

    def _cart_document(self) -> dict[str, object]:
        """What a suspended sale keeps: the cart, its member and its coupons (another till of
        the store resumes it as it was). A member known only from their QR token keeps the
        token (``member_token``): the till that resumes the sale verifies it again."""
        doc: dict[str, object] = self.cart.to_dict()
        if self.member is not None:
            doc["member_no"] = self.member.member_no
            if self.member.token:
                doc["member_token"] = self.member.token
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
        doc["promotions"] = json.loads(promotions_json(self.cart.promotions))
        doc["coupons_used"] = list(self.coupons_used)
        doc["kind"] = ("pickup" if self.pickup is not None
                       else "exchange" if self.exchange is not None
                       else "aisle" if self.aisle else "sale")  # aisle: not completed later
        doc["total"] = self.cart.totals().total.minor
        doc["staff_id"] = self.session.staff.id
        doc["started_at"] = iso(self.started_at)
        doc["tenders"] = [{"kind": t.kind.value, "amount": t.amount.minor,
                           "reference": t.reference} for t in self.payment.tenders]
        return doc


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


    def _check_can_pay(self) -> None:
        """Money is taken only for a basket, and (the store's ``require_shift``, on by default)
        into a drawer whose shift is open: its float counted, so the close can balance."""
        if self.cart.is_empty and not self.aisle:
            raise InvalidInput.of("cart_empty.scan_first")
        if self.settings.require_shift and not self.paid_before and \
                not shift_is_open(self.store.conn):
            raise InvalidInput.of("shift_not_open")


def promotions_json(applied: tuple[tuple[str, str, str, int], ...]) -> str:
    """The promotions that applied, as a sale and its event record them."""
    return json.dumps([{"id": pid, "name_zh": zh, "name_en": en, "saved": saved}
                       for pid, zh, en, saved in applied], ensure_ascii=False)

