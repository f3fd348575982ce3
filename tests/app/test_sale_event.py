"""The ``sale`` event a completed sale queues: typed as ``sync.protocol.SalePayload`` at the
till, and its outbox JSON exactly the document the central has always read."""

from __future__ import annotations

import json

from till_kit import APPLE_PLU, BREAD, MILK, add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.app.sale_completion import event_json
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.barcode import DEFAULT_SCALE_RULES
from posclient.domain.cart import Discount
from posclient.domain.money import Money
from sync.protocol import SalePayload

_, PRICE_RULE = DEFAULT_SCALE_RULES


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def outbox_json(till, event_id: str) -> str:
    return till.store.conn.execute("SELECT payload FROM outbox WHERE event_id = ?",
                                   (event_id,)).fetchone()[0]


def test_a_sales_event_round_trips_through_its_typed_payload(till) -> None:
    with till.store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", "13812341234", "gold", 1000)
    session = till.staff.login(1001, "1111")
    co = Checkout(till.store, till.staff, session, clock=till.clock,
                  payments=SimulatedPaymentTerminal())
    co.attach_member(Members(till.store, till.clock).find("8800000007"))
    co.scan(MILK, 2)
    co.scan(BREAD)
    co.scan(PRICE_RULE.encode("23", APPLE_PLU, 1199))  # a scale label: a price, no weight
    co.discount_line(1, Discount.percent(10, "dented"))  # 0.10%
    co.pay_points(300)
    co.pay_card(cny(1000))
    co.pay_cash(cny(5000))
    done = co.complete()
    raw = outbox_json(till, done.event_id)
    assert event_json(SalePayload.model_validate_json(raw)) == json.loads(raw)
    assert json.loads(raw) == {
        "receipt_no": "S001-T01-000001", "store_id": "S001", "terminal_id": "T01",
        "staff_id": 1001, "member_id": 7, "started_at": "2026-11-23T09:00:00.000Z",
        "completed_at": "2026-11-23T09:00:00.000Z", "currency": "CNY", "tax_inclusive": True,
        "subtotal": 4499, "discount_total": 3, "tax_total": 478, "rounding": 0,
        "total": 4496, "change": 1804,
        "lines": [
            {"line_no": 1, "product_id": 1, "sku": "100001", "barcode": MILK,
             "measure": "each", "qty": 2, "list_price": 1250, "unit_price": 1250,
             "label_price": None, "gross": 2500, "line_discount": 3, "basket_discount": 0,
             "total": 2497, "tax_code": "VAT13", "tax_rate_ppm": 130000, "promo_discount": 0},
            {"line_no": 2, "product_id": 2, "sku": "100002", "barcode": BREAD,
             "measure": "each", "qty": 1, "list_price": 800, "unit_price": 800,
             "label_price": None, "gross": 800, "line_discount": 0, "basket_discount": 0,
             "total": 800, "tax_code": "VAT13", "tax_rate_ppm": 130000, "promo_discount": 0},
            {"line_no": 3, "product_id": 4, "sku": "100004",
             "barcode": PRICE_RULE.encode("23", APPLE_PLU, 1199), "measure": "g", "qty": 1,
             "list_price": 1598, "unit_price": 1598, "label_price": 1199, "gross": 1199,
             "line_discount": 0, "basket_discount": 0, "total": 1199, "tax_code": "VAT9",
             "tax_rate_ppm": 90000, "promo_discount": 0}],
        "tenders": [
            {"kind": "points", "amount": 300, "reference": "8800000007", "points": 300},
            {"kind": "card", "amount": 1000, "reference": done.tenders[1].reference},
            {"kind": "cash", "amount": 3196, "reference": ""}],
        "taxes": [{"code": "VAT13", "rate_ppm": 130000, "net": 2918, "tax": 379},
                  {"code": "VAT9", "rate_ppm": 90000, "net": 1100, "tax": 99}],
        "member_no": "8800000007", "points_earned": 41}
