"""Promotions at the central: the web shop's prices (``POST /v1/price-basket``) and coupons.

Prices. The central prices a basket with the SAME engine as the tills
(posclient/domain/promotions.py), from its own reference data: products and prices (the price
list named as the member's tier when the product has a price there valid at that time, else
``retail``: the till's member-price rule; a product that is not ``discountable``, a gift card,
is always at retail and the engine never discounts it), tax rates, store settings (currency,
tax-inclusive, rounding, time zone) and promotions. Tax is summarized per rate on the
discounted line totals (posclient/domain/tax.py). The promotions are parsed into a book once
and kept until their stored records change.

Coupons are single use, chain-wide (table ``coupon_redemptions``, one row per code):

- online, a till redeems the code before the sale completes (``POST /v1/coupons/{code}/redeem``):
  the row is inserted atomically (the primary key decides between two tills): ``409
  coupon_used`` if another sale has it; the same till asking again for the same receipt gets its
  redemption again;
- a channel (the web shop, with a key of scope ``coupons``) redeems it the same way for its
  order (:func:`redeem_for_channel`): the row names the channel and the order, no store or
  till; the same channel asking again for the same order gets it again;
- every ``sale`` event lists the coupons it used (``SalePayload.coupons``); recording them is
  idempotent (a sale event is applied once), and a code another sale already used is still
  accepted (the sale happened, perhaps offline) and filed as the exception ``coupon_reused``;
  a code no promotion has is filed as ``coupon_unknown``.
"""

from __future__ import annotations

import json
import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Connection, Engine, insert, select, update

from posclient.domain.cart import Measure
from posclient.domain.money import Rounding
from posclient.domain.prices import PriceEntry, price_in_force
from posclient.domain.promotions import (
    BasketLine,
    PricingContext,
    PromotionBook,
    line_taxes,
    normalize_code,
    price_basket,
    promotion_from_dict,
)
from posclient.domain.settings import StoreSettings
from sync.central.db import reader, upsert
from sync.central.errors import Conflict, InvalidRequest, NotFound
from sync.central.feed import Tx
from sync.central.identity import TerminalIdentity
from sync.central.schema import coupon_redemptions, entities, entity_uniques
from sync.protocol import (
    AppliedPromotionOut,
    CouponRedemption,
    CouponStatus,
    LinePromotion,
    PriceBasketRequest,
    PriceBasketResponse,
    PricedLineOut,
    SalePayload,
    TaxLineOut,
)

DEFAULT_TIMEZONE = StoreSettings().timezone  # a store without one keeps the till's default


# -- the promotion book, cached per engine -----------------------------------------------------

@dataclass(frozen=True)
class _Cached:
    digest: str
    book: PromotionBook


_books: weakref.WeakKeyDictionary[Engine, _Cached] = weakref.WeakKeyDictionary()
_books_lock = threading.Lock()


def promotion_book(conn: Connection) -> PromotionBook:
    """Every stored promotion as a book, parsed again only when the records changed (their
    stored text is read and hashed on each call: cheap next to parsing a thousand records)."""
    rows = conn.execute(select(entities.c.key, entities.c.data)
                        .where(entities.c.entity == "promotion")
                        .order_by(entities.c.key)).all()
    h = sha256()
    for key, data in rows:
        h.update(key.encode())
        h.update(b"\0")
        h.update(data.encode())
        h.update(b"\0")
    digest = h.hexdigest()
    engine = conn.engine
    with _books_lock:
        cached = _books.get(engine)
        if cached is not None and cached.digest == digest:
            return cached.book
    book = PromotionBook(promotion_from_dict(json.loads(data)) for _, data in rows)
    with _books_lock:
        _books[engine] = _Cached(digest, book)
    return book


# -- price-basket ------------------------------------------------------------------------------

def _record(conn: Connection, entity: str, key: str) -> dict[str, Any] | None:
    raw = conn.scalar(select(entities.c.data).where(entities.c.entity == entity,
                                                    entities.c.key == key))
    return json.loads(raw) if raw is not None else None


def store_zone(settings: dict[str, Any]) -> ZoneInfo:
    try:
        return ZoneInfo(str(settings.get("timezone") or DEFAULT_TIMEZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def price_at(prices: list[dict[str, Any]], price_list: str, at_unix: int) -> int | None:
    """The till's rule (posclient.domain.prices ``price_in_force``) on the product's records."""
    best = price_in_force((PriceEntry(int(p["id"]), int(p["amount"]),
                                      p.get("price_list", "retail"), p.get("valid_from", 0),
                                      p.get("valid_to")) for p in prices), at_unix, price_list)
    return None if best is None else best.amount


def price_basket_for(engine: Engine, req: PriceBasketRequest, now: datetime
                     ) -> PriceBasketResponse:
    """The basket priced as a till of ``req.store_id`` would price it at ``req.at`` (else
    ``now``), with the member's tier and the coupons given."""
    with reader(engine) as conn:
        settings = _record(conn, "store_settings", req.store_id)
        if settings is None:
            raise NotFound(f"No store {req.store_id!r}.", code="store_unknown")
        at = _basket_time(req.at, now, store_zone(settings))
        tier = _member_tier(conn, req)
        basket, shown = _basket(conn, req, at, tier)
        book = promotion_book(conn)
    ctx = PricingContext(at=at, store_id=req.store_id, member_tier=tier,
                         coupons=frozenset(req.coupons))
    result = price_basket(book, basket, ctx)
    inclusive = bool(settings.get("tax_inclusive", True))
    summary = line_taxes(result, basket, inclusive=inclusive,
                         mode=Rounding(settings.get("tax_rounding", Rounding.HALF_UP.value)))
    tax_total = sum(t.tax for t in summary)
    return PriceBasketResponse(
        store_id=req.store_id, at=at, currency=str(settings.get("currency", "CNY")),
        tax_inclusive=inclusive, member_tier=tier,
        lines=[PricedLineOut(
            line_id=lp.line_id, product_id=b.product_id, sku=product["sku"],
            measure=b.measure.value, qty=b.qty, price_list=price_list, unit_price=amount,
            gross=lp.gross, discount=lp.promotion_discount, total=lp.total,
            tax_code=b.tax_code, tax_rate_ppm=b.tax_rate_ppm,
            promotions=[LinePromotion(promotion_id=p, amount=a) for p, a in lp.promotions])
            for lp, b, (product, price_list, amount) in zip(result.lines, basket, shown,
                                                             strict=True)],
        applied=[AppliedPromotionOut(
            promotion_id=a.promotion_id, name_zh=a.name_zh, name_en=a.name_en,
            kind=a.kind.value, saved=a.saved, line_ids=list(a.line_ids),
            coupon_code=a.coupon_code) for a in result.applied],
        subtotal=result.subtotal, discount_total=result.promotion_discount,
        taxes=[TaxLineOut(code=t.code, rate_ppm=t.rate_ppm, net=t.net, tax=t.tax,
                          gross=t.gross) for t in summary],
        tax_total=tax_total,
        total=result.total if inclusive else result.total + tax_total)


def _basket_time(at: datetime | None, now: datetime, zone: ZoneInfo) -> datetime:
    """The time to price at, in the store's zone (a naive ``at`` is the store's local time)."""
    if at is None:
        at = now
    elif at.tzinfo is None:
        at = at.replace(tzinfo=zone)
    return at.astimezone(zone)


def _member_tier(conn: Connection, req: PriceBasketRequest) -> str | None:
    """The member's tier (``404 member_unknown`` unless active), else the tier asked for."""
    if req.member_id is None:
        return req.member_tier
    member = _record(conn, "member", str(req.member_id))
    if member is None or not member.get("active", True):
        raise NotFound(f"No active member {req.member_id}.", code="member_unknown")
    return str(member.get("tier") or "standard")


_Shown = tuple[dict[str, Any], str, int]  # a line's product, price list and unit price


def _basket(conn: Connection, req: PriceBasketRequest, at: datetime, tier: str | None
            ) -> tuple[list[BasketLine], list[_Shown]]:
    """The request's lines as the engine's basket, and what each shows of its price."""
    taxes = {t["code"]: int(t["rate_ppm"]) for t in (
        json.loads(d) for d in conn.scalars(select(entities.c.data)
                                            .where(entities.c.entity == "tax_rate")))}
    basket: list[BasketLine] = []
    shown: list[_Shown] = []
    for n, ln in enumerate(req.lines, start=1):
        product = _product(conn, n, ln.sku, ln.product_id)
        discountable = bool(product.get("discountable", True))
        price_list, amount = _unit_price(conn, n, product, at, tier if discountable else None)
        code = product["tax_code"]
        basket.append(BasketLine(
            line_id=ln.line_id or n, product_id=int(product["id"]), unit_price=amount,
            qty=ln.qty, measure=Measure(product["measure"]),
            category=product.get("category", ""), brand=product.get("brand", ""),
            tax_code=code, tax_rate_ppm=taxes.get(code, 0), discountable=discountable))
        shown.append((product, price_list, amount))
    if len({b.line_id for b in basket}) != len(basket):
        raise InvalidRequest("line_id is given twice", code="invalid_request")
    return basket, shown


def _unit_price(conn: Connection, n: int, product: dict[str, Any], at: datetime,
                tier: str | None) -> tuple[str, int]:
    """Line ``n``'s price list and unit price: the tier's list when it has a price then, else
    ``retail`` (``tier`` is None for a product never discounted, a gift card)."""
    at_unix = int(at.timestamp())
    prices = [json.loads(d) for d in conn.scalars(
        select(entities.c.data).where(entities.c.entity == "price",
                                      entities.c.parent == str(int(product["id"]))))]
    if tier is not None:
        amount = price_at(prices, tier, at_unix)
        if amount is not None:
            return tier, amount
    amount = price_at(prices, "retail", at_unix)
    if amount is None:
        raise InvalidRequest(f"line {n}: product {product['sku']} has no price at "
                             f"{at.isoformat()}", code="price_unknown")
    return "retail", amount


def _product(conn: Connection, n: int, sku: str | None, product_id: int | None
             ) -> dict[str, Any]:
    if (sku is None) == (product_id is None):
        raise InvalidRequest(f"line {n}: give exactly one of sku and product_id",
                             code="invalid_request")
    key = str(product_id) if product_id is not None else conn.scalar(
        select(entity_uniques.c.key).where(entity_uniques.c.entity == "product",
                                           entity_uniques.c.value == f"sku:{sku}"))
    product = _record(conn, "product", key) if key is not None else None
    if product is None or not product.get("active", True):
        raise NotFound(f"line {n}: no product {sku or product_id}", code="product_unknown")
    return product


# -- coupons -----------------------------------------------------------------------------------

def _coupon_promotion(conn: Connection, code: str) -> str | None:
    return conn.scalar(select(entity_uniques.c.key).where(
        entity_uniques.c.entity == "promotion", entity_uniques.c.value == f"coupon:{code}"))


def _redemption(row: Any) -> CouponRedemption:
    return CouponRedemption(code=row.code, promotion_id=row.promotion_id, store_id=row.store_id,
                            terminal_id=row.terminal_id, receipt_no=row.receipt_no,
                            event_id=row.event_id, redeemed_at=row.redeemed_at,
                            channel=row.channel, order_no=row.order_no)


def coupon_status(engine: Engine, code: str) -> CouponStatus:
    """Whether the coupon is still unused, chain-wide (``404 coupon_unknown``: no promotion
    has it)."""
    code = normalize_code(code)
    with engine.connect() as conn:
        promotion_id = _coupon_promotion(conn, code)
        row = conn.execute(select(coupon_redemptions)
                           .where(coupon_redemptions.c.code == code)).first()
    if promotion_id is None:
        raise NotFound(f"No promotion has the coupon code {code!r}.", code="coupon_unknown")
    return CouponStatus(code=code, promotion_id=promotion_id, used=row is not None,
                        redemption=None if row is None else _redemption(row))


def redeem(tx: Tx, who: TerminalIdentity, code: str, receipt_no: str | None
           ) -> CouponRedemption:
    """Use the coupon for this till's sale, once chain-wide (see the module docstring)."""
    return _redeem(tx, code, {"store_id": who.store_id, "terminal_id": who.terminal_id,
                              "receipt_no": receipt_no})


def redeem_for_channel(tx: Tx, channel: str, code: str, order_no: str | None
                       ) -> CouponRedemption:
    """Use the coupon for ``channel``'s order (``channel``: its name, or ``admin``), once
    chain-wide: the redemption names the channel and the order, no store or till."""
    return _redeem(tx, code, {"channel": channel, "order_no": order_no})


def _redeem(tx: Tx, code: str, where: dict[str, Any]) -> CouponRedemption:
    """Insert the coupon's one redemption, ``where`` it is used; the same place asking again
    gets it again, any other ``409 coupon_used``."""
    code = normalize_code(code)
    conn = tx.conn
    promotion_id = _coupon_promotion(conn, code)
    if promotion_id is None:
        raise NotFound(f"No promotion has the coupon code {code!r}.", code="coupon_unknown")
    row = {"code": code, "promotion_id": promotion_id, "event_id": None,
           "redeemed_at": tx.now, **where}
    done = conn.execute(upsert(conn, coupon_redemptions).values(**row)
                        .on_conflict_do_nothing(index_elements=["code"]))
    old = conn.execute(select(coupon_redemptions)
                       .where(coupon_redemptions.c.code == code)).one()
    if done.rowcount != 1:  # the primary key decided: another redemption came first
        if all(getattr(old, k) == v for k, v in where.items()):
            return _redemption(old)  # the same place asking again: its answer was lost
        raise Conflict(f"Coupon {code} was already used at {_used_at(old)} on "
                       f"{old.redeemed_at.isoformat()}.", code="coupon_used")
    return _redemption(old)


def _used_at(row: Any) -> str:
    """Where a redemption was, for people: ``S1/T01 (R-1)`` or ``webshop (W-1)``."""
    ref = row.order_no if row.channel is not None else row.receipt_no
    where = row.channel if row.channel is not None else f"{row.store_id}/{row.terminal_id}"
    return where + (f" ({ref})" if ref else "")


def record_sale_coupons(tx: Tx, who: TerminalIdentity, event_id: UUID, sale: SalePayload
                        ) -> list[tuple[str, str, str]]:
    """The coupons a sale event used: ``(kind, code, message)`` problems for a manager."""
    conn = tx.conn
    problems: list[tuple[str, str, str]] = []
    for code in sorted({normalize_code(c) for c in sale.coupons if normalize_code(c)}):
        promotion_id = _coupon_promotion(conn, code)
        if promotion_id is None:
            problems.append(("coupon_unknown", code,
                             f"coupon {code} used by receipt {sale.receipt_no} belongs to no "
                             "promotion"))
        old = conn.execute(select(coupon_redemptions)
                           .where(coupon_redemptions.c.code == code)).first()
        if old is None:
            conn.execute(insert(coupon_redemptions).values(
                code=code, promotion_id=promotion_id, store_id=who.store_id,
                terminal_id=who.terminal_id, receipt_no=sale.receipt_no, event_id=event_id,
                redeemed_at=tx.now))
        elif old.event_id is None and (old.store_id, old.terminal_id, old.receipt_no) == (
                who.store_id, who.terminal_id, sale.receipt_no):
            conn.execute(update(coupon_redemptions).where(coupon_redemptions.c.code == code)
                         .values(event_id=event_id))  # redeemed online for this very sale
        elif old.event_id != event_id:
            problems.append(("coupon_reused", code,
                             f"coupon {code} was used again by receipt {sale.receipt_no} "
                             f"(first used at {_used_at(old)})"))
    return problems
