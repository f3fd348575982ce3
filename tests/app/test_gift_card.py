"""A gift card at the till (issue 15, item 11): sold at its value whatever the sale's discount,
the store's promotions or the member's tier, and printed so on the receipt."""

from __future__ import annotations

import json

import pytest
from till_kit import GIFT_CARD, MILK, PINS, add_gift_card, add_member

from posclient.app.checkout import Checkout
from posclient.app.members import Members
from posclient.app.receipts import Receipts
from posclient.app.staff import Approval
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.cart import Discount
from posclient.domain.errors import InvalidInput
from posclient.domain.money import Money
from posclient.domain.receipt import render_text
from sync.apply import Applier
from sync.protocol import PromotionData, SalePayload


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


@pytest.fixture
def desk(till) -> Checkout:
    add_gift_card(till.store, gold_price=9000)
    return Checkout(till.store, till.staff, till.staff.login(1001, PINS[1001]),
                    clock=till.clock, payments=SimulatedPaymentTerminal())


def promotions(till, *records: dict) -> None:
    with till.store.write() as conn:
        Applier(conn, "S001").apply(("promotion", "upsert", p["id"], PromotionData(**p))
                                    for p in records)


def test_the_catalogue_knows_the_gift_card_is_not_discountable(desk, till):
    line = desk.scan(GIFT_CARD)
    assert line.item.discountable is False and line.item.unit_price == cny(10_000)
    assert desk.scan(MILK).item.discountable is True


def test_a_5_percent_sale_discount_sells_the_gift_card_for_100_and_the_record_says_so(desk, till):
    card = desk.scan(GIFT_CARD).line_id
    milk = desk.scan(MILK).line_id
    desk.discount_basket(Discount.percent(500))
    t = desk.totals()
    assert t.line(card).total == 10_000
    assert t.line(milk).total == 1250 - 63
    assert t.total == cny(10_000 + 1250 - 63)
    desk.pay_cash(cny(20_000))
    done = desk.complete()
    conn = till.store.conn
    rows = dict(conn.execute("SELECT sku, total FROM sale_lines WHERE sale_id = ?",
                             (done.sale_id,)).fetchall())
    assert rows == {"100007": 10_000, "100001": 1187}
    payload = SalePayload.model_validate_json(conn.execute(
        "SELECT payload FROM outbox WHERE event_id = ?", (done.event_id,)).fetchone()[0])
    by_sku = {ln.sku: ln for ln in payload.lines}
    assert (by_sku["100007"].basket_discount, by_sku["100007"].total) == (0, 10_000)
    assert payload.total == 11_187


def test_the_receipt_prints_the_gift_card_at_its_full_value(desk, till):
    desk.scan(GIFT_CARD)
    desk.scan(MILK)
    desk.discount_basket(Discount.percent(500))
    desk.pay_cash(cny(20_000))
    done = desk.complete()
    for lang in ("zh", "en"):
        receipt = Receipts(till.store, till.clock).build(done.sale_id, lang)
        card = next(ln for ln in receipt.lines if ln.name in ("购物卡 100元", "Gift Card 100 Yuan"))
        assert (card.gross, card.line_discount, card.total, card.promo_discount) == \
            (cny(10_000), cny(0), cny(10_000), None)
        assert receipt.basket_discount == cny(63) and receipt.total == cny(11_187)
        zero = next(t for t in receipt.taxes if t.rate.code == "ZERO")
        assert zero.net == cny(10_000)  # the card took no share of the sale's discount
        text = render_text(receipt, lang)
        assert "100.00" in text and "-0.63" in text and "111.87" in text
        assert "95.00" not in text


def test_a_line_discount_or_price_change_on_the_gift_card_is_refused_and_changes_nothing(
        desk):
    card = desk.scan(GIFT_CARD).line_id
    before = desk.cart.to_dict()
    for change in (lambda: desk.discount_line(card, Discount.percent(1000)),
                   lambda: desk.override_price(card, cny(9000), "damaged",
                                               Approval(2001, PINS[2001]))):
        with pytest.raises(InvalidInput) as err:
            change()
        assert err.value.code == "not_discountable"
        assert desk.cart.to_dict() == before


def test_store_promotions_never_reduce_nor_count_the_gift_card(desk, till):
    promotions(till,
               {"id": "ALL10", "name_zh": "全场九折", "name_en": "10% off everything",
                "kind": "percent_off", "percent_bp": 1000, "stackable": True},
               {"id": "SPEND100", "name_zh": "满100减10", "name_en": "10 off over 100",
                "kind": "spend_get_off", "min_spend": 10_000, "amount": 1000,
                "stackable": True})
    card = desk.scan(GIFT_CARD).line_id
    milk = desk.scan(MILK).line_id
    t = desk.totals()
    assert t.line(card).promo_discount == 0 and t.line(card).total == 10_000
    assert t.line(milk).promo_discount == 125  # 10% off; 12.50 is not over 100
    assert [p[0] for p in desk.cart.promotions] == ["ALL10"]


def test_a_members_tier_price_never_applies_to_the_gift_card(desk, till):
    with till.store.write() as c:
        add_member(c, 7, "8800000007", "陈小明", "13812341234", "gold", 0)
        c.execute("INSERT INTO prices (product_id, price_list, amount) VALUES (1, 'gold', 1100)")
    card = desk.scan(GIFT_CARD).line_id
    milk = desk.scan(MILK).line_id
    desk.attach_member(Members(till.store, till.clock).find("8800000007"))
    assert desk.cart.get(card).unit_price == cny(10_000)
    assert desk.cart.get(milk).unit_price == cny(1100)
    again = desk.scan(GIFT_CARD)  # scanned with the member attached
    assert again.unit_price == cny(10_000)
    assert json.dumps(desk.cart.to_dict()).count('"discountable": false') == 1  # one line, qty 2
