"""Reason codes as values (posclient/app/reasons.py uses them): a reason's code, its kind and
its names, and the built-in reasons a till offers where the central sent none of a kind (the
demo central loads the same ones). Also the demo's quick-key groups (loose produce, bread,
bags), shared by the till's and the central's demo data."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("discount", "price_override", "void", "no_sale", "return")


@dataclass(frozen=True, slots=True)
class ReasonCode:
    code: str
    kind: str
    name_zh: str
    name_en: str = ""

    def name(self, lang: str) -> str:
        if lang.startswith("zh"):
            return self.name_zh or self.name_en
        return self.name_en or self.name_zh


def _d(code: str, kind: str, zh: str, en: str) -> ReasonCode:
    return ReasonCode(code, kind, zh, en)


DEFAULTS: dict[str, tuple[ReasonCode, ...]] = {
    "discount": (_d("DMG", "discount", "包装破损", "Damaged packaging"),
                 _d("NEAR_EXPIRY", "discount", "临期商品", "Near its best-before date"),
                 _d("STAFF", "discount", "员工折扣", "Staff discount"),
                 _d("GOODWILL", "discount", "顾客安抚", "Customer goodwill")),
    "price_override": (_d("SHELF_PRICE", "price_override", "价签不符", "Shelf price differs"),
                       _d("PRICE_MATCH", "price_override", "比价", "Price match"),
                       _d("DMG_PRICE", "price_override", "商品有瑕疵", "Damaged item")),
    "void": (_d("SCAN_ERROR", "void", "扫错商品", "Scanned by mistake"),
             _d("CHANGED_MIND", "void", "顾客不要了", "Customer changed their mind"),
             _d("NO_MONEY", "void", "顾客钱不够", "Customer cannot pay")),
    "no_sale": (_d("CHANGE", "no_sale", "换零钱", "Change for a customer"),
                _d("FLOAT_CHECK", "no_sale", "核对备用金", "Float check"),
                _d("CORRECTION", "no_sale", "纠正找零", "Correcting change given")),
    "return": (_d("FAULTY", "return", "质量问题", "Faulty"),
               _d("WRONG_ITEM", "return", "买错了", "Wrong item bought"),
               _d("NOT_WANTED", "return", "不想要了", "No longer wanted"),
               _d("EXPIRED", "return", "已过期", "Past its date")),
}


# The demo's quick-key tabs: (category_zh, category_en, demo catalogue category or None,
# weighed only, a word of the name or "", how many tiles).
DEMO_TILES = (("水果", "Fruit", "FR", True, "", 6), ("蔬菜", "Vegetables", "VG", True, "", 6),
              ("面包", "Bakery", "BK", False, "", 6), ("袋子", "Bags", None, False, "袋", 3))


def demo_tile(category: str, measure: str, name_zh: str) -> int | None:
    """The index in :data:`DEMO_TILES` of the tab a demo product goes on, or None."""
    for i, (_zh, _en, cat, weighed, word, _n) in enumerate(DEMO_TILES):
        if (cat is None or cat == category) and (not weighed or measure == "g") \
                and (not word or word in name_zh):
            return i
    return None
