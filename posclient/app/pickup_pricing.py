"""The cart of a web order's hand-over: the order's lines at the order's prices, fixed.

A pick-up line is priced on the web: its unit price and the order's discount (its share of a
partial hand-over, posclient/app/orders.py) come from the order, and the cart never prices it
again (``Cart.add_order_line``: no promotion, "spend over N" threshold, basket discount, member
tier price, coupon or price change of the store touches it). So what the till asks for is
exactly what the order says is open, and the web payment always fits.
"""

from __future__ import annotations

from posclient.domain.cart import Cart, Discount, DiscountKind, Item, Measure, OrderLineRef
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.money import Money, Rounding
from posclient.domain.settings import StoreSettings
from posclient.store.catalog import Catalog

from .orders import Handover, OrderView


def order_cart(view: OrderView, handover: Handover, catalog: Catalog,
               settings: StoreSettings) -> Cart:
    """A new cart holding the hand-over's lines. Refuses an item the till's catalogue does not
    hold yet, and an order whose lines do not add up to the hand-over's value here."""
    o, s = view.order, settings
    taxes = catalog.tax_rates()
    cart = Cart(currency=s.currency, tax_inclusive=True,
                tax_rounding=Rounding(s.tax_rounding), limits=s.limits)
    for line_no, qty, value in handover.lines:
        ol = view.line(line_no)
        product = catalog.by_id(ol.product_id)
        tax = taxes.get(product.tax_code) if product is not None else None
        if product is None or tax is None:
            raise NotFound.of("order_item_unknown", sku=ol.sku, order_no=o.order_no)
        item = Item(product.id, product.sku, product.name_zh, product.name_en, Measure.EACH,
                    Money(ol.unit_price, s.currency), tax.code, tax.rate_ppm,
                    product.category, "")
        off = ol.unit_price * qty - value
        cart.add_order_line(item, qty, OrderLineRef(o.order_no, line_no),
                            Discount(DiscountKind.AMOUNT, off, "web order") if off > 0 else None)
    if cart.totals().total.minor != handover.goods:  # the domain's rounding agrees
        raise InvalidInput.of("order_currency.total", order_no=o.order_no)
    return cart
