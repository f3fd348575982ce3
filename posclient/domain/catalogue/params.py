"""How a message's parameters are written, in Chinese or in English.

A message names its parameters as ``{name}``, ``{name!r}`` (quoted as Python's repr: '6901') or
``{name:kind}``. Without a kind an amount (anything with ``minor``, ``currency`` and
``to_decimal_str``, i.e. a :class:`posclient.domain.money.Money`) is written "12.50" in English,
as the messages always had it, and "¥12.50" in Chinese; anything else as ``str(value)``. The
kinds:

- ``price``: an amount as ``str(Money)`` in English ("12.50 CNY"), "¥12.50" in Chinese;
- ``currency``: an amount's currency code;
- ``kg`` / ``whole_kg``: grams as kilograms (52.5) / whole kilograms (52);
- ``product``: a product's name in the language: the parameter is its English name, the
  parameter ``<name>_zh`` its Chinese one (either may be empty);
- ``role``, ``action``, ``tender``, ``refund_to``: a value of a fixed set, named in the language
  (a value the set does not name: as it is);
- ``phrase``: words from a device (a decline reason, what a fault means for the sale),
  translated when they are known; ``reason``: the same, "no reason given" when empty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

Params = Mapping[str, Any]


def is_zh(lang: str) -> bool:
    """Chinese for ``zh``, ``zh_CN``, ``zh-Hans``...; English for anything else."""
    return lang.startswith("zh")


@runtime_checkable
class Amount(Protocol):
    """What the catalogue needs of a :class:`~posclient.domain.money.Money`."""

    minor: int
    currency: str

    def to_decimal_str(self) -> str: ...


SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "GBP": "£"}


def money_zh(m: Amount) -> str:
    """``¥1,234.50``, as the window writes money on a Chinese till (posclient/ui/fmt.py)."""
    text = m.to_decimal_str().lstrip("-")
    whole, dot, frac = text.partition(".")
    grouped = f"{int(whole):,}"
    sign = "-" if m.minor < 0 else ""
    return f"{sign}{SYMBOLS.get(m.currency, m.currency + ' ')}{grouped}{dot}{frac}"


# -- names of fixed sets: value -> (Chinese, English) --------------------------------------------
ROLES: dict[str, tuple[str, str]] = {
    "cashier": ("收银员", "a cashier"),
    "supervisor": ("主管", "a supervisor"),
    "manager": ("店长", "a manager"),
}

# As the approval message names an action: its value with spaces, capitalised.
ACTIONS: dict[str, tuple[str, str]] = {
    "price_override": ("改价", "Price override"),
    "discount_over_limit": ("超额折扣", "Discount over limit"),
    "void_paid_line": ("作废已收款商品", "Void paid line"),
    "void_sale": ("整单作废", "Void sale"),
    "no_sale": ("开钱箱", "No sale"),
    "unlock_staff": ("解锁工号", "Unlock staff"),
    "reprint": ("重打小票", "Reprint"),
    "configure_terminal": ("修改收银机设置", "Configure terminal"),
    "pickup_without_code": ("无提货码提货", "Pickup without code"),
    "pickup_code_locked": ("提货码已锁定的订单提货", "Pickup code locked"),
    "return_without_receipt": ("无小票退货", "Return without receipt"),
    "return_over_limit": ("超额退货", "Return over limit"),
    "return_outside_policy": ("超出退货政策", "Return outside policy"),
    "return_offline": ("离线退货", "Return offline"),
    "paid_out": ("支出", "Paid out"),
    "cash_variance": ("现金差额", "Cash variance"),
    "z_report": ("Z 报表", "Z report"),
    "stock_adjust": ("库存调整", "Stock adjust"),
    "stock_receive": ("收货入库", "Stock receive"),
    "reconcile": ("门店对账", "Reconcile"),
    "resolve_exception": ("处理异常", "Resolve exception"),
    "resolve_card_orphan": ("处理未成交的银行卡付款", "Resolve card orphan"),
    "cancel_placed_order": ("取消门店订单并退款", "Cancel placed order"),
}

# As the over-due message names a payment: its kind's value in English.
TENDER_KINDS: dict[str, tuple[str, str]] = {
    "cash": ("现金", "cash"),
    "card": ("银行卡", "card"),
    "store_credit": ("储值卡", "store_credit"),
    "web": ("网上已付", "web"),
    "points": ("积分", "points"),
}

# A payment a refund goes back to, as the refund messages name it.
REFUND_TO: dict[str, tuple[str, str]] = {
    "card": ("银行卡", "card"),
    "web": ("网上支付", "web"),
    "points": ("积分", "points"),
}

NO_REASON = "no reason given"

# Words that devices put into messages: English -> Chinese.
PHRASES: dict[str, str] = {
    NO_REASON: "未说明原因",
    "Declined by the card issuer (insufficient funds)": "发卡行拒绝（余额不足）",
    "No answer from the card terminal": "刷卡终端无响应",
    "Unknown authorisation": "找不到该笔授权",
    "Already reversed": "已撤销过",
    "Cannot reverse: the batch was settled": "无法撤销：该批次已结算",
    "Amount does not match the authorisation": "金额与授权不符",
    "Refund declined by the card issuer": "发卡行拒绝退款",
    "The sale is saved; reprint when it is back.": "交易已保存，打印机恢复后请补打小票。",
    "The drawer was not opened.": "钱箱未打开。",
}

NAMED: dict[str, dict[str, tuple[str, str]]] = {
    "role": ROLES, "action": ACTIONS, "tender": TENDER_KINDS, "refund_to": REFUND_TO,
}


# -- writing one parameter ---------------------------------------------------------------------
def _amount(value: object, zh: bool) -> str:
    if not isinstance(value, Amount):
        raise TypeError(f"{value!r} is not an amount")
    return money_zh(value) if zh else value.to_decimal_str()


def _plain(name: str, params: Params, zh: bool) -> str:
    value = params[name]
    return _amount(value, zh) if isinstance(value, Amount) else str(value)


def _price(name: str, params: Params, zh: bool) -> str:
    return _amount(params[name], True) if zh else str(params[name])


def _currency(name: str, params: Params, zh: bool) -> str:
    value = params[name]
    if not isinstance(value, Amount):
        raise TypeError(f"{value!r} is not an amount")
    return value.currency


def _kg(name: str, params: Params, zh: bool) -> str:
    return f"{int(params[name]) / 1000:g}"


def _whole_kg(name: str, params: Params, zh: bool) -> str:
    return str(int(params[name]) // 1000)


def _product(name: str, params: Params, zh: bool) -> str:
    chinese = params.get(f"{name}_zh")
    if zh and chinese:
        return str(chinese)
    return str(params[name] or chinese or "")  # the English name is optional


def _phrase(name: str, params: Params, zh: bool) -> str:
    text = str(params[name])
    return PHRASES.get(text, text) if zh else text


def _reason(name: str, params: Params, zh: bool) -> str:
    text = str(params[name]) or NO_REASON
    return PHRASES.get(text, text) if zh else text


Writer = Callable[[str, Params, bool], str]


def _named(table: Mapping[str, tuple[str, str]]) -> Writer:
    """A value of a fixed set by its name; a value without one as it is."""
    def write(name: str, params: Params, zh: bool) -> str:
        value = str(params[name])
        chinese, english = table.get(value, (value, value))
        return chinese if zh else english
    return write

KINDS: dict[str, Writer] = {
    "": _plain, "price": _price, "currency": _currency, "kg": _kg, "whole_kg": _whole_kg,
    "product": _product, "phrase": _phrase, "reason": _reason,
    **{kind: _named(table) for kind, table in NAMED.items()},
}


def write(name: str, conversion: str, kind: str, params: Params, lang: str) -> str:
    """Parameter ``name`` of ``params`` as ``{name!conversion:kind}`` writes it in ``lang``.
    KeyError: the parameter is missing; TypeError/ValueError: it is not what the kind needs."""
    if conversion == "r":
        return repr(params[name])
    return KINDS[kind](name, params, is_zh(lang))
