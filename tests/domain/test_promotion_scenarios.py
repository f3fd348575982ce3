"""The promotion engine's scenario table: baskets and promotions with the totals and savings a
store manager expects. Written before the engine (posclient/domain/promotions/); each row
says what it shows. Money in fen; the shop's time is UTC+8, Monday 23 November 2026, noon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from posclient.domain.cart import Measure
from posclient.domain.promotions import (
    BasketLine,
    Kind,
    PricingContext,
    Promotion,
    price_basket,
)

CST = timezone(timedelta(hours=8))
MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=CST)

# product id -> (unit price, category, brand, measure)
CATALOGUE = {
    1: (500, "dairy", "yili", Measure.EACH),  # milk
    2: (300, "dairy", "mengniu", Measure.EACH),  # yogurt
    3: (800, "bakery", "mankattan", Measure.EACH),  # bread
    4: (350, "drinks", "coke", Measure.EACH),  # cola
    5: (450, "drinks", "huiyuan", Measure.EACH),  # juice
    6: (1200, "fruit", "", Measure.GRAM),  # apples, per kg
    7: (700, "snacks", "lays", Measure.EACH),  # chips
}
MILK, YOGURT, BREAD, COLA, JUICE, APPLE, CHIPS = range(1, 8)


def basket(*items: tuple[int, int] | tuple[int, int, int]) -> list[BasketLine]:
    """``(product, qty)`` or ``(product, qty, manual discount)``; line ids in scan order."""
    out = []
    for i, item in enumerate(items, start=1):
        pid, qty = item[0], item[1]
        manual = item[2] if len(item) > 2 else 0
        price, cat, brand, measure = CATALOGUE[pid]
        out.append(BasketLine(line_id=i, product_id=pid, unit_price=price, qty=qty,
                              measure=measure, category=cat, brand=brand,
                              manual_discount=manual))
    return out


def promo(pid: str, kind: Kind, **kw: object) -> Promotion:
    for name in ("product_ids", "categories", "brands", "tiers", "days", "store_ids"):
        if name in kw:
            kw[name] = frozenset(kw[name])  # type: ignore[arg-type]
    return Promotion(id=pid, kind=kind, name_zh=pid, name_en=pid, **kw)  # type: ignore[arg-type]


P, A, BXGY, MIX, SPEND = (Kind.PERCENT_OFF, Kind.AMOUNT_OFF, Kind.BUY_X_GET_Y,
                          Kind.MIX_AND_MATCH, Kind.SPEND_GET_OFF)


@dataclass
class Case:
    name: str
    lines: list[BasketLine]
    promotions: list[Promotion]
    total: int
    applied: dict[str, int]  # promotion id -> what it saved
    tier: str | None = None
    at: datetime = MONDAY_NOON
    coupons: tuple[str, ...] = ()
    store: str = "S1"
    line_totals: dict[int, int] = field(default_factory=dict)  # line id -> total, if checked


CASES = [
    Case("no promotions: the undiscounted sum", basket((MILK, 2), (BREAD, 1)), [], 1800, {}),
    Case("percent off a product", basket((MILK, 3), (BREAD, 1)),
         [promo("M20", P, product_ids=[MILK], percent_bp=2000)], 2000, {"M20": 300}),
    Case("percent off a category, each line rounded half up (12.5% of 3.00 = 0.375)",
         basket((YOGURT, 1)), [promo("D125", P, categories=["dairy"], percent_bp=1250)],
         262, {"D125": 38}),
    Case("amount off each unit of a brand", basket((COLA, 3)),
         [promo("COKE1", A, brands=["coke"], amount=100)], 750, {"COKE1": 300}),
    Case("an amount off larger than the line stops at zero, never below",
         basket((COLA, 2), (BREAD, 1)), [promo("BIG", A, product_ids=[COLA], amount=1000)],
         800, {"BIG": 700}, line_totals={1: 0, 2: 800}),
    Case("amount off a weighed item is per kilogram (2.00/kg on 1.5 kg)",
         basket((APPLE, 1500)), [promo("APPLE2", A, product_ids=[APPLE], amount=200)],
         1500, {"APPLE2": 300}),
    Case("percent off a weighed item: the line is 14.81 (1.234 kg), 10% is 1.48",
         basket((APPLE, 1234)), [promo("FRUIT10", P, categories=["fruit"], percent_bp=1000)],
         1333, {"FRUIT10": 148}),
    Case("buy 2 get 1 free across a category: the cheapest unit is free",
         basket((COLA, 2), (JUICE, 1)),
         [promo("B2G1", BXGY, categories=["drinks"], buy_qty=2, get_qty=1)], 800,
         {"B2G1": 350}),
    Case("buy 1 get 1 half price, 5 units make 2 sets", basket((MILK, 5)),
         [promo("B1G1H", BXGY, product_ids=[MILK], buy_qty=1, get_qty=1,
                get_percent_bp=5000)], 2000, {"B1G1H": 500}),
    Case("buy 2 get 1 with only 2 units: nothing", basket((COLA, 2)),
         [promo("B2G1", BXGY, categories=["drinks"], buy_qty=2, get_qty=1)], 700, {}),
    Case("buy 2 get 1, two sets: the two cheapest units are free",
         basket((JUICE, 2), (COLA, 4)),
         [promo("B2G1", BXGY, categories=["drinks"], buy_qty=2, get_qty=1)], 1600,
         {"B2G1": 700}),
    Case("mix and match: any 3 of a group for 10.00 takes the dearest 3 of 4",
         basket((MILK, 2), (YOGURT, 1), (JUICE, 1)),
         [promo("ANY3", MIX, product_ids=[MILK, YOGURT, JUICE], bundle_qty=3,
                bundle_price=1000)], 1300, {"ANY3": 450}),
    Case("mix and match twice with a unit left over; the saving is spread by value",
         basket((COLA, 3), (JUICE, 2)),
         [promo("ANY2", MIX, categories=["drinks"], bundle_qty=2, bundle_price=600)], 1550,
         {"ANY2": 400}, line_totals={1: 1050 - 175, 2: 900 - 225}),
    Case("mix and match dearer than the goods: no saving, not applied", basket((YOGURT, 2)),
         [promo("DEAR", MIX, product_ids=[YOGURT], bundle_qty=2, bundle_price=700)], 600, {}),
    Case("spend 50 get 5 off, spread over the lines by largest remainder",
         basket((CHIPS, 3), (BREAD, 4)), [promo("S50", SPEND, min_spend=5000, amount=500)],
         4800, {"S50": 500}, line_totals={1: 2100 - 198, 2: 3200 - 302}),
    Case("spend 50 not reached (49.00)", basket((CHIPS, 7)),
         [promo("S50", SPEND, min_spend=5000, amount=500)], 4900, {}),
    Case("spend 100 get 10% off", basket((BREAD, 15)),
         [promo("S100", SPEND, min_spend=10000, percent_bp=1000)], 10800, {"S100": 1200}),
    Case("stacked: the spend threshold counts the item discount first (44.80 < 50)",
         basket((CHIPS, 8)),
         [promo("CH20", P, product_ids=[CHIPS], percent_bp=2000, stackable=True, priority=10),
          promo("S50", SPEND, min_spend=5000, amount=500, stackable=True)],
         4480, {"CH20": 1120}),
    Case("stacked: item discount then spend 50 get 5 off (56.00 after 20%)",
         basket((CHIPS, 10)),
         [promo("CH20", P, product_ids=[CHIPS], percent_bp=2000, stackable=True, priority=10),
          promo("S50", SPEND, min_spend=5000, amount=500, stackable=True)],
         5100, {"CH20": 1400, "S50": 500}),
    Case("not stackable: two offers on the same line compete, the better one wins",
         basket((MILK, 2), (YOGURT, 1)),
         [promo("DAIRY20", P, categories=["dairy"], percent_bp=2000),
          promo("B1G1", BXGY, product_ids=[MILK], buy_qty=1, get_qty=1)],
         800, {"B1G1": 500}),
    Case("one stackable, one not: they still compete on a shared line",
         basket((MILK, 1)),
         [promo("M20", P, product_ids=[MILK], percent_bp=2000, stackable=True),
          promo("M30", P, product_ids=[MILK], percent_bp=3000)], 350, {"M30": 150}),
    Case("stackable member 10% after 20% off milk (priority orders them): 5.00 -> 3.60",
         basket((MILK, 1)),
         [promo("M20", P, product_ids=[MILK], percent_bp=2000, stackable=True, priority=10),
          promo("ALL10", P, percent_bp=1000, stackable=True, member_only=True)],
         360, {"M20": 100, "ALL10": 40}, tier="standard"),
    Case("member-only offer, no member: not applied", basket((MILK, 1)),
         [promo("M20", P, product_ids=[MILK], percent_bp=2000, stackable=True, priority=10),
          promo("ALL10", P, percent_bp=1000, stackable=True, member_only=True)],
         400, {"M20": 100}),
    Case("tier-only offer for another tier: not applied", basket((BREAD, 1)),
         [promo("GOLD", P, percent_bp=1500, tiers=["gold"])], 800, {}, tier="silver"),
    Case("tier-only offer for the member's tier", basket((BREAD, 1)),
         [promo("GOLD", P, percent_bp=1500, tiers=["gold", "platinum"])], 680, {"GOLD": 120},
         tier="gold"),
    Case("exclusive offer worth less than the others together: not applied",
         basket((BREAD, 1), (MILK, 2)),
         [promo("EX30", P, product_ids=[BREAD], percent_bp=3000, exclusive=True),
          promo("M50", P, product_ids=[MILK], percent_bp=5000),
          promo("B10", P, product_ids=[BREAD], percent_bp=1000)],
         1220, {"M50": 500, "B10": 80}),
    Case("exclusive offer worth more: it applies alone",
         basket((BREAD, 1), (MILK, 2)),
         [promo("EX40", P, percent_bp=4000, exclusive=True),
          promo("M50", P, product_ids=[MILK], percent_bp=5000)],
         1080, {"EX40": 720}),
    Case("equal offers: the higher priority wins", basket((MILK, 1)),
         [promo("A", P, product_ids=[MILK], percent_bp=2000),
          promo("B", P, product_ids=[MILK], percent_bp=2000, priority=5)], 400, {"B": 100}),
    Case("equal offers, equal priority: the lower id wins", basket((MILK, 1)),
         [promo("B", P, product_ids=[MILK], percent_bp=2000),
          promo("A", P, product_ids=[MILK], percent_bp=2000)], 400, {"A": 100}),
    Case("ended yesterday: not applied", basket((MILK, 1)),
         [promo("OLD", P, percent_bp=5000,
                valid_to=int((MONDAY_NOON - timedelta(days=1)).timestamp()))], 500, {}),
    Case("starts tomorrow: not applied", basket((MILK, 1)),
         [promo("NEW", P, percent_bp=5000,
                valid_from=int((MONDAY_NOON + timedelta(days=1)).timestamp()))], 500, {}),
    Case("weekends only, on a Monday: not applied", basket((MILK, 1)),
         [promo("WKND", P, percent_bp=5000, days=[6, 7])], 500, {}),
    Case("happy hour 17:00-19:00 at 18:00 local time", basket((COLA, 1)),
         [promo("HH", P, percent_bp=5000, minute_from=17 * 60, minute_to=19 * 60)], 175,
         {"HH": 175}, at=MONDAY_NOON.replace(hour=18)),
    Case("happy hour ends at 19:00 (the end is not in the window)", basket((COLA, 1)),
         [promo("HH", P, percent_bp=5000, minute_from=17 * 60, minute_to=19 * 60)], 350, {},
         at=MONDAY_NOON.replace(hour=19)),
    Case("a night window 22:00-02:00 at 01:00", basket((COLA, 1)),
         [promo("NIGHT", P, percent_bp=5000, minute_from=22 * 60, minute_to=2 * 60)], 175,
         {"NIGHT": 175}, at=MONDAY_NOON.replace(hour=1)),
    Case("store list without this store: not applied", basket((COLA, 1)),
         [promo("S2ONLY", P, percent_bp=5000, store_ids=["S2"])], 350, {}),
    Case("store list with this store", basket((COLA, 1)),
         [promo("S2ONLY", P, percent_bp=5000, store_ids=["S2"])], 175, {"S2ONLY": 175},
         store="S2"),
    Case("coupon offer without the coupon: not applied", basket((BREAD, 1)),
         [promo("CPN", P, percent_bp=1000, coupon_code="SAVE10")], 800, {}),
    Case("coupon offer with its code (case and spaces do not matter)", basket((BREAD, 1)),
         [promo("CPN", P, percent_bp=1000, coupon_code="SAVE10")], 720, {"CPN": 80},
         coupons=(" save10 ",)),
    Case("a manual line discount first; the offer takes a share of what is left",
         basket((MILK, 2, 200)), [promo("M50", P, product_ids=[MILK], percent_bp=5000)], 400,
         {"M50": 400}),
    Case("a weighed line never counts as units in buy X get Y",
         basket((APPLE, 3000)),
         [promo("FRUITB1G1", BXGY, categories=["fruit"], buy_qty=1, get_qty=1)], 3600, {}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_scenario(case: Case) -> None:
    ctx = PricingContext(at=case.at, store_id=case.store, member_tier=case.tier,
                         coupons=frozenset(case.coupons))
    result = price_basket(case.promotions, case.lines, ctx)
    assert result.total == case.total
    assert {a.promotion_id: a.saved for a in result.applied} == case.applied
    assert result.promotion_discount == sum(case.applied.values())
    assert result.subtotal - result.manual_discount - result.promotion_discount == result.total
    assert sum(ln.total for ln in result.lines) == result.total
    assert all(ln.total >= 0 for ln in result.lines)
    for line_id, total in case.line_totals.items():
        assert result.line(line_id).total == total


def test_each_line_names_the_promotions_that_discounted_it() -> None:
    lines = basket((CHIPS, 10), (BREAD, 1))
    result = price_basket(
        [promo("CH20", P, product_ids=[CHIPS], percent_bp=2000, stackable=True, priority=10),
         promo("S50", SPEND, min_spend=5000, amount=500, stackable=True)],
        lines, PricingContext(at=MONDAY_NOON))
    chips = result.line(1)
    assert [pid for pid, _ in chips.promotions] == ["CH20", "S50"]
    assert chips.promotion_discount == sum(d for _, d in chips.promotions)
    assert [a.promotion_id for a in result.applied] == ["CH20", "S50"]  # the order applied
    assert result.applied[1].line_ids == (1, 2)
