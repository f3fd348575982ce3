"""A store's settings: what the central sends (``store_settings`` in the change feed) and the
till, the central's pricing and the demo data all read. Kept by the till in its ``settings``
table (posclient.store.settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

from posclient.domain.barcode import DEFAULT_SCALE_RULES, MeasureKind, VariableMeasureRule
from posclient.domain.loyalty import LoyaltyRules
from posclient.domain.money import Rounding
from posclient.domain.policy import Limits
from posclient.domain.tender import CashRounding


@dataclass(frozen=True)
class StoreSettings:
    store_id: str = "S001"
    terminal_id: str = "T01"
    store_name_zh: str = "示范门店"
    store_name_en: str = "Demo Store"
    address: str = ""
    phone: str = ""  # printed under the address
    tax_id: str = ""  # the store's taxpayer id, printed on receipts
    return_policy_zh: str = ""  # printed above the footer of every receipt
    return_policy_en: str = ""
    currency: str = "CNY"
    tax_inclusive: bool = True
    tax_rounding: str = Rounding.HALF_UP.value
    cash_increment: int = 1  # minor units; 10 = round cash to 0.10
    cash_rounding_mode: str = Rounding.HALF_UP.value
    receipt_footer_zh: str = "谢谢惠顾"
    receipt_footer_en: str = "Thank you for shopping with us"
    # The customer display (posclient/app/customer_display.py): the store's message, and
    # whether it shows both languages (names and labels) rather than the till's.
    customer_display_message_zh: str = ""
    customer_display_message_en: str = ""
    customer_display_bilingual: bool = False
    language: str = "zh_CN"
    timezone: str = "Asia/Shanghai"
    scale_rules: list[dict[str, object]] = field(
        default_factory=lambda: [
            {"prefixes": list(r.prefixes), "item_digits": r.item_digits,
             "value_digits": r.value_digits, "kind": r.kind.value}
            for r in DEFAULT_SCALE_RULES
        ]
    )
    merge_repeat_scans: bool = True  # scanning an item again raises its line's quantity
    require_shift: bool = True  # selling needs an open shift (its float counted)
    cashier_discount_limit_bp: int = 1_000
    # A reason may be typed ("Other…") instead of picked from the chain's reason codes.
    reason_free_text: bool = True
    idle_lock_seconds: int = 300
    # Returns (posclient/app/returns.py). Money in minor units.
    return_window_days: int = 30  # days after the purchase a return is taken without approval
    return_window_by_category: dict[str, int] = field(default_factory=dict)  # 0: not returnable
    return_approval_above: int = 50_000  # a refund above this needs a manager
    offline_return_limit: int = 20_000  # at most this per return while the central is away
    offline_return_daily_limit: int = 100_000  # and this per day at this till
    cash_variance_threshold: int = 500  # a shift's over/short beyond this needs a manager
    # Members and points (posclient/domain/loyalty.py LoyaltyRules; docs/loyalty.md).
    loyalty: dict[str, object] = field(default_factory=dict)
    member_consent_version: str = "2024-01"  # the privacy text a customer agrees to at sign-up

    # -- derived -------------------------------------------------------------------------------
    @property
    def cash_rounding(self) -> CashRounding:
        return CashRounding(self.cash_increment, Rounding(self.cash_rounding_mode))

    @property
    def rules(self) -> tuple[VariableMeasureRule, ...]:
        return tuple(
            VariableMeasureRule(
                prefixes=tuple(str(p) for p in cast("list[object]", r["prefixes"])),
                item_digits=int(str(r["item_digits"])),
                value_digits=int(str(r["value_digits"])),
                kind=MeasureKind(str(r["kind"])),
            )
            for r in self.scale_rules
        )

    @property
    def loyalty_rules(self) -> LoyaltyRules:
        return LoyaltyRules.from_dict(self.loyalty)

    @property
    def limits(self) -> Limits:
        return Limits(cashier_discount_limit_bp=self.cashier_discount_limit_bp,
                      idle_lock_seconds=self.idle_lock_seconds)
