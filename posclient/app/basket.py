"""Editing the basket: items in and out, quantities, price overrides, discounts, coupons,
the member it is for, voids, and opening the drawer without a sale.

Every method validates before it changes anything: a refused scan or discount leaves the cart
and the payment as they were. Once money was taken, a change that gives some back needs a
supervisor (``VOID_PAID_LINE``) and never brings the total below what was paid.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from posclient.domain.cart import Cart, CartLine, Discount, Item, Measure
from posclient.domain.clock import iso
from posclient.domain.errors import InvalidInput, NotFound, PaymentError
from posclient.domain.money import Money
from posclient.domain.policy import Action
from posclient.domain.promotions import PricingContext, Promotion, normalize_code
from posclient.domain.tender import TenderKind
from posclient.store import card_journal
from posclient.store.catalog import Product

from .lookup import StockPosition
from .members import MemberView
from .ports import CashDrawer
from .sale_state import SaleState
from .staff import Approval


class BasketEditing(SaleState):
    """What the cashier does to the basket being served."""

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
            raise NotFound.of("coupon_invalid", coupon=code.strip())
        self.coupons = self.coupons | {normalize_code(code)}
        self._reprice()
        return promotion

    def remove_coupon(self, code: str) -> None:
        """Take a coupon off the sale (the central says it was already used elsewhere)."""
        self._active()
        self.coupons = self.coupons - {normalize_code(code)}
        self._reprice()

    # -- items ---------------------------------------------------------------------------------
    def _item(self, product: Product, code: str) -> Item:
        if not product.active:
            raise InvalidInput.of("product_inactive", product=product.name_en,
                                  product_zh=product.name_zh, sku=product.sku)
        # a product that is not discountable (a gift card) is sold at retail, member or not
        tier = self.member.tier if self.member and product.discountable else None
        price = self.lookup.price(product, tier)
        if price is None:
            raise NotFound.of("price_missing",
                              product=product.name_en, product_zh=product.name_zh, sku=product.sku)
        tax = self.catalog.tax_rates().get(product.tax_code)
        if tax is None:
            raise NotFound.of("tax_missing", tax_code=product.tax_code)
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
            raise NotFound.of("product_unknown", product_id=product_id)
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
            raise InvalidInput.of("reason_required.price")
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

    # -- the whole sale: void, and the drawer without a sale -----------------------------------
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
                status = "reversed" if result.status.value == "approved" else "approved"
                card_journal.set_status(self.store, tender.reference, status,
                                        iso(self.clock.now()))
                if status != "reversed":
                    raise PaymentError.of("reversal_failed",
                                          card=tender.detail, reason=result.message)
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
            raise InvalidInput.of("reason_required.no_sale")
        if not self.cart.is_empty:
            raise InvalidInput.of("cart_not_empty.no_sale")
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
            raise InvalidInput.of("member_inactive", member_no=member.member_no)
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
            raise InvalidInput.of("member_after_payment")

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


def _discounted(trial: Cart, before: Cart) -> int:
    """What a discount change takes off the sale (minor units; negative: given back)."""
    return trial.totals().discount_total.minor - before.totals().discount_total.minor

