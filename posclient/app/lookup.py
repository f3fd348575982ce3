"""Finding products: what a scanned or typed code names, and name search with price and stock.

One resolver serves the scan path (checkout) and the look-up screen, so a code means the same
thing everywhere: a GTIN (EAN-13, UPC-A, EAN-8, GTIN-14), an in-store scale label (prefix 2x
with a weight or a price), or an item number (SKU).
"""

from __future__ import annotations

from dataclasses import dataclass

from posclient.domain.barcode import (
    MeasureKind,
    gtin_display,
    gtin_key,
    looks_like_gtin,
    match_scale_rule,
)
from posclient.domain.cart import Measure
from posclient.domain.clock import Clock
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.money import Money
from posclient.domain.policy import is_pin_shaped
from posclient.domain.settings import StoreSettings
from posclient.store.catalog import Catalog, Product
from posclient.store.orders import reserved_stock


def parse_scan(text: str) -> tuple[str, int]:
    """``CODE`` or ``CODE*N`` (N units, or grams for a weighed item scanned by its own code)."""
    code, star, qty = text.strip().rpartition("*")
    if not star:
        return text.strip(), 1
    try:
        return code, int(qty)
    except ValueError:
        raise InvalidInput.of("qty_invalid.after_star", text=text) from None


@dataclass(frozen=True, slots=True)
class Resolved:
    product: Product
    barcode: str  # the code as it will show on the receipt ("" for a SKU)
    weight_g: int | None = None  # from a weight label
    label_price: int | None = None  # from a price label, minor units


@dataclass(frozen=True, slots=True)
class StockPosition:
    """A product's stock at this store as the till sees it."""

    on_hand: int  # the central's level + this till's movements it has not counted yet
    reserved: int  # held back for this store's pick-up orders (posclient/store/orders.py)

    @property
    def sellable(self) -> int:
        """What a walk-in customer may take without touching a web order's goods (negative
        when the shelf has less than the orders need)."""
        return self.on_hand - self.reserved


@dataclass(frozen=True, slots=True)
class ProductInfo:
    product: Product
    barcodes: tuple[str, ...]
    price: Money | None  # per unit, or per kg for weighed items
    stock: int | None  # on hand (None: the till knows no level)
    reserved: int = 0  # of which held back for pick-up orders

    @property
    def sellable(self) -> int | None:
        return None if self.stock is None else self.stock - self.reserved


class Lookup:
    def __init__(self, catalog: Catalog, settings: StoreSettings, clock: Clock) -> None:
        self.catalog = catalog
        self.settings = settings
        self.clock = clock
        self._rules = settings.rules

    def resolve(self, code: str) -> Resolved:
        """What ``code`` names. Raises a clear :class:`InvalidInput` / :class:`NotFound`."""
        code = code.strip()
        if not code:
            raise InvalidInput.of("barcode_empty")
        rule = match_scale_rule(code, self._rules)
        if rule is not None:
            plu, value = rule.parse(code)
            product = self.catalog.by_plu(plu)
            if product is None:
                raise NotFound.of("barcode_unknown.scale_label", barcode=code, plu=plu)
            if rule.kind is MeasureKind.WEIGHT_G:
                if product.measure is not Measure.GRAM:
                    raise InvalidInput.of("barcode_mismatch", barcode=code,
                                          product=product.name_en, product_zh=product.name_zh)
                return Resolved(product, code, weight_g=value)
            return Resolved(product, code, label_price=value)
        if looks_like_gtin(code):
            product = self.catalog.by_gtin(gtin_key(code))
            if product is None:
                raise NotFound.of("barcode_unknown.scanned", barcode=code)
            return Resolved(product, code)
        product = self.catalog.by_sku(code)
        if product is None:
            if is_pin_shaped(code):
                # Shaped like a PIN (typed where the focus was not): never shown back.
                raise InvalidInput.of("barcode_malformed.number")
            if code.isdigit():
                raise InvalidInput.of("barcode_malformed.text", barcode=code)
            raise NotFound.of("barcode_unknown.item_number", barcode=code)
        return Resolved(product, "")

    def price(self, product: Product, tier: str | None = None) -> Money | None:
        """The product's price now: a member's tier price (the price list named as the tier,
        e.g. ``gold``) when there is one in force, else the ``retail`` list."""
        at = int(self.clock.now().timestamp())
        amount = None
        if tier and tier != "retail":
            amount = self.catalog.price_at(product.id, at, tier)
        if amount is None:
            amount = self.catalog.price_at(product.id, at)
        return None if amount is None else Money(amount, self.settings.currency)

    def stock_position(self, product_id: int) -> StockPosition | None:
        """On hand, reserved for pick-up orders and sellable (None: no level known and nothing
        reserved). The one place the till works these out."""
        on_hand = self.catalog.stock(product_id)
        reserved = reserved_stock(self.catalog.conn, self.settings.store_id,
                                  [product_id]).get(product_id, 0)
        if on_hand is None and not reserved:
            return None
        return StockPosition(on_hand or 0, reserved)

    def info(self, product: Product) -> ProductInfo:
        position = self.stock_position(product.id)
        return ProductInfo(
            product,
            tuple(gtin_display(g) for g in self.catalog.barcodes(product.id)),
            self.price(product),
            None if position is None else position.on_hand,
            0 if position is None else position.reserved,
        )

    def find(self, text: str, limit: int = 20) -> list[ProductInfo]:
        """A code if ``text`` is one, else a name search (Chinese substring, English prefix)."""
        text = text.strip()
        if not text:
            return []
        code_like = text.isascii() and text.replace("-", "").isalnum() and any(
            ch.isdigit() for ch in text)
        if code_like:
            try:
                return [self.info(self.resolve(text).product)]
            except NotFound:
                if looks_like_gtin(text):
                    raise
            # an unknown item number may still be part of a name ("250ml"): search it
        return [self.info(p) for p in self.catalog.search(text, limit)]
