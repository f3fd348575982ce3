"""A service's refusal in the till's language.

The services (posclient.app, .domain, .store, .devices) refuse with a :class:`PosError`: an
English message, a stable ``code``, and the message's variable parts as ``details`` (a barcode,
an amount, tries left, ...). :func:`message_for` shows it in the UI's language: for Chinese, the
translated template of its code (context "Errors" in the .ts) with the details filled in.

A code may have several messages (``auth_failed``: with or without tries left), so each code has
a list of English templates. The template used is the one whose English text, filled with the
exception's details, is exactly the service's message: a template that no longer matches its
raise site (a reworded message, a detail renamed or not passed) is never used, and the English
message is shown as before. Nothing is lost: English, an unknown code or missing details give
``str(exc)`` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from posclient.domain.errors import PosError
from posclient.domain.money import Money

from . import fmt

CONTEXT = "Errors"

Details = Mapping[str, Any]
# One placeholder: its text from the details, in English (zh=False) or in Chinese.
Param = Callable[[Details, str], str]
Template = tuple[str, tuple[Param, ...]]


def _zh(lang: str) -> bool:
    return lang.startswith("zh")


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


# -- placeholders ------------------------------------------------------------------------------
def _v(key: str) -> Param:
    """The detail as it is: a barcode, a staff number, a count."""
    return lambda d, lang: str(d[key])


def _r(key: str) -> Param:
    """The detail quoted as the message quotes it (Python's repr: '6901')."""
    return lambda d, lang: repr(d[key])


def _amount(key: str) -> Param:
    """A Money: "12.50" in English as the message has it; "¥12.50" in Chinese."""
    def param(d: Details, lang: str) -> str:
        m = d[key]
        if not isinstance(m, Money):
            raise TypeError(key)
        return fmt.money(m, lang) if _zh(lang) else m.to_decimal_str()
    return param


def _price(key: str) -> Param:
    """A Money as ``str(Money)``: "12.50 CNY" in English; "¥12.50" in Chinese."""
    def param(d: Details, lang: str) -> str:
        m = d[key]
        if not isinstance(m, Money):
            raise TypeError(key)
        return fmt.money(m, lang) if _zh(lang) else str(m)
    return param


def _kg(key: str) -> Param:
    """Grams as kilograms, as the weight message writes them: 52.5."""
    return lambda d, lang: f"{int(d[key]) / 1000:g}"


def _whole_kg(key: str) -> Param:
    return lambda d, lang: str(int(d[key]) // 1000)


def _product(key: str = "product") -> Param:
    """A product's English name; its Chinese name (``<key>_zh``) on a Chinese till."""
    def param(d: Details, lang: str) -> str:
        if _zh(lang) and d.get(f"{key}_zh"):
            return str(d[f"{key}_zh"])
        return str(d[key] or d.get(f"{key}_zh") or "")  # name_en is optional
    return param


def _named(key: str, names: Mapping[str, str]) -> Param:
    """A value from a fixed set (a role, an action, a tender kind), named in the UI's language."""
    def param(d: Details, lang: str) -> str:
        name = names[str(d[key])]
        return tr(name) if _zh(lang) else name
    return param


def _phrase(key: str, empty: str = "") -> Param:
    """Words from a device (a card terminal's decline reason, what a printer fault means for
    the sale): translated when they are known phrases, else shown as they are."""
    def param(d: Details, lang: str) -> str:
        text = str(d[key]) or empty
        return tr(text) if _zh(lang) and text else text
    return param


ROLES = {
    "cashier": QT_TRANSLATE_NOOP("Errors", "a cashier"),
    "supervisor": QT_TRANSLATE_NOOP("Errors", "a supervisor"),
    "manager": QT_TRANSLATE_NOOP("Errors", "a manager"),
}

# As the approval message names an action: its value with spaces, capitalised.
ACTIONS = {
    "price_override": QT_TRANSLATE_NOOP("Errors", "Price override"),
    "discount_over_limit": QT_TRANSLATE_NOOP("Errors", "Discount over limit"),
    "void_paid_line": QT_TRANSLATE_NOOP("Errors", "Void paid line"),
    "void_sale": QT_TRANSLATE_NOOP("Errors", "Void sale"),
    "no_sale": QT_TRANSLATE_NOOP("Errors", "No sale"),
    "unlock_staff": QT_TRANSLATE_NOOP("Errors", "Unlock staff"),
    "reprint": QT_TRANSLATE_NOOP("Errors", "Reprint"),
    "configure_terminal": QT_TRANSLATE_NOOP("Errors", "Configure terminal"),
    "pickup_without_code": QT_TRANSLATE_NOOP("Errors", "Pickup without code"),
    "return_without_receipt": QT_TRANSLATE_NOOP("Errors", "Return without receipt"),
    "return_over_limit": QT_TRANSLATE_NOOP("Errors", "Return over limit"),
    "return_outside_policy": QT_TRANSLATE_NOOP("Errors", "Return outside policy"),
    "return_offline": QT_TRANSLATE_NOOP("Errors", "Return offline"),
    "paid_out": QT_TRANSLATE_NOOP("Errors", "Paid out"),
    "cash_variance": QT_TRANSLATE_NOOP("Errors", "Cash variance"),
    "z_report": QT_TRANSLATE_NOOP("Errors", "Z report"),
    "stock_adjust": QT_TRANSLATE_NOOP("Errors", "Stock adjust"),
    "stock_receive": QT_TRANSLATE_NOOP("Errors", "Stock receive"),
    "reconcile": QT_TRANSLATE_NOOP("Errors", "Reconcile"),
    "resolve_exception": QT_TRANSLATE_NOOP("Errors", "Resolve exception"),
    "resolve_card_orphan": QT_TRANSLATE_NOOP("Errors", "Resolve card orphan"),
}

TENDER_KINDS = {
    "cash": QT_TRANSLATE_NOOP("Errors", "cash"),
    "card": QT_TRANSLATE_NOOP("Errors", "card"),
    "store_credit": QT_TRANSLATE_NOOP("Errors", "store_credit"),
    "web": QT_TRANSLATE_NOOP("Errors", "paid online"),
    "points": QT_TRANSLATE_NOOP("Errors", "points"),
}

# A payment a refund goes back to, as the refund messages name it.
REFUND_TO = {
    "card": QT_TRANSLATE_NOOP("Errors", "card"),
    "web": QT_TRANSLATE_NOOP("Errors", "web"),
    "points": QT_TRANSLATE_NOOP("Errors", "points"),
}

NO_REASON = QT_TRANSLATE_NOOP("Errors", "no reason given")

# Words that devices put into messages (filled in by _phrase): listed for lupdate.
PHRASES = (
    NO_REASON,
    QT_TRANSLATE_NOOP("Errors", "Declined by the card issuer (insufficient funds)"),
    QT_TRANSLATE_NOOP("Errors", "No answer from the card terminal"),
    QT_TRANSLATE_NOOP("Errors", "Unknown authorisation"),
    QT_TRANSLATE_NOOP("Errors", "Already reversed"),
    QT_TRANSLATE_NOOP("Errors", "Cannot reverse: the batch was settled"),
    QT_TRANSLATE_NOOP("Errors", "Amount does not match the authorisation"),
    QT_TRANSLATE_NOOP("Errors", "Refund declined by the card issuer"),
    QT_TRANSLATE_NOOP("Errors", "The sale is saved; reprint when it is back."),
    QT_TRANSLATE_NOOP("Errors", "The drawer was not opened."),
)

_address, _then = _v("address"), _phrase("consequence")

# code -> its messages: (English template with %1 %2 ..., how each placeholder is filled)
TEMPLATES: dict[str, tuple[Template, ...]] = {
    # -- scanning and looking up (app/lookup.py, domain/barcode.py) ----------------------------
    "barcode_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Nothing was scanned"), ()),
    ),
    "barcode_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "Unknown barcode %1: it is not in this store's catalogue. "
                                     "Check the item, or find it by name."), (_v("barcode"),)),
        (QT_TRANSLATE_NOOP("Errors", "Scale label %1: item %2 is not in this store's catalogue"),
         (_v("barcode"), _v("plu"))),
        (QT_TRANSLATE_NOOP("Errors", "No item with number %1"), (_r("barcode"),)),
    ),
    "barcode_mismatch": (
        (QT_TRANSLATE_NOOP("Errors", "Scale label %1 carries a weight but %2 is sold by the "
                                     "unit"), (_v("barcode"), _product())),
    ),
    "barcode_malformed": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a product barcode or item number"),
         (_v("barcode"),)),
        (QT_TRANSLATE_NOOP("Errors", "This number is not a product barcode or item number"), ()),
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a product barcode (expected 8, 12, 13 or 14 "
                                     "digits)"), (_r("barcode"),)),
    ),
    "barcode_check_digit": (
        (QT_TRANSLATE_NOOP("Errors", "Barcode %1 failed its check digit: scan it again or type "
                                     "it carefully"), (_v("barcode"),)),
        (QT_TRANSLATE_NOOP("Errors", "Scale label %1 failed its check digit: reprint the label"),
         (_v("barcode"),)),
    ),
    "product_inactive": (
        (QT_TRANSLATE_NOOP("Errors", "%1 (%2) is no longer sold"), (_product(), _v("sku"))),
    ),
    "price_missing": (
        (QT_TRANSLATE_NOOP("Errors", "%1 (%2) has no price: call a supervisor"),
         (_product(), _v("sku"))),
    ),
    "tax_missing": (
        (QT_TRANSLATE_NOOP("Errors", "Tax rate %1 is not set up on this till"),
         (_v("tax_code"),)),
    ),
    "product_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no product %1"), (_v("product_id"),)),
    ),
    # -- quantities, prices, discounts (domain/cart.py) ----------------------------------------
    "qty_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1: the quantity after * must be a whole number"),
         (_r("text"),)),
        (QT_TRANSLATE_NOOP("Errors", "Quantity must be a whole number"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Weight must be more than 0 g"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Quantity must be at least 1"), ()),
    ),
    "qty_too_large": (
        (QT_TRANSLATE_NOOP("Errors", "Weight %1 kg is more than the %2 kg a line may hold: "
                                     "check the scale"),
         (_kg("weight_g"), _whole_kg("max_weight_g"))),
        (QT_TRANSLATE_NOOP("Errors", "Quantity %1 is more than the %2 a line may hold"),
         (_v("qty"), _v("max_qty"))),
    ),
    "qty_fixed": (
        (QT_TRANSLATE_NOOP("Errors", "A scale label's quantity cannot be changed: weigh the item "
                                     "again"), ()),
    ),
    "line_not_found": (
        (QT_TRANSLATE_NOOP("Errors", "There is no line %1 in this sale"), (_v("line_id"),)),
    ),
    "too_many_lines": (
        (QT_TRANSLATE_NOOP("Errors", "A sale may have at most %1 lines: finish this one and "
                                     "start another"), (_v("max_lines"),)),
    ),
    "currency_mismatch": (
        (QT_TRANSLATE_NOOP("Errors", "Price in %1, but this till sells in %2"),
         (_v("currency"), _v("till_currency"))),
        (QT_TRANSLATE_NOOP("Errors", "This sale is paid in %1"), (_v("currency"),)),
        (QT_TRANSLATE_NOOP("Errors", "The suspended sale is in %1, this till sells in %2"),
         (_v("currency"), _v("till_currency"))),
        (QT_TRANSLATE_NOOP("Errors", "%1 was paid in %2; this till refunds in %3"),
         (_v("ref"), _v("currency"), _v("till_currency"))),
    ),
    "price_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "A label price must be more than zero"), ()),
        (QT_TRANSLATE_NOOP("Errors", "A price cannot be negative"), ()),
    ),
    "price_too_large": (
        (QT_TRANSLATE_NOOP("Errors", "Price %1 is above the till's limit: check the amount"),
         (_price("price"),)),
    ),
    "price_fixed": (
        (QT_TRANSLATE_NOOP("Errors", "A scale label's price cannot be overridden"), ()),
    ),
    "reason_required": (
        (QT_TRANSLATE_NOOP("Errors", "Give a reason for the price change"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Give a reason for opening the drawer"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Give a reason for the return"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Give a reason for the cash movement"), ()),
    ),
    "reason_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a reason for this"), (_v("reason_code"),)),
    ),
    "reason_from_list": (
        (QT_TRANSLATE_NOOP("Errors", "Choose a reason from the list"), ()),
    ),
    "discount_range": (
        (QT_TRANSLATE_NOOP("Errors", "A percent discount must be more than 0% and at most 100%"),
         ()),
        (QT_TRANSLATE_NOOP("Errors", "A discount amount must be more than zero"), ()),
    ),
    "discount_malformed": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a discount: use 10% or an amount such as 5.00"),
         (_r("text"),)),
    ),
    "discount_too_large": (
        (QT_TRANSLATE_NOOP("Errors", "The discount is more than the line's amount"), ()),
        (QT_TRANSLATE_NOOP("Errors", "There is nothing to discount"), ()),
        (QT_TRANSLATE_NOOP("Errors", "The discount is more than the sale's amount"), ()),
    ),
    "below_paid": (
        (QT_TRANSLATE_NOOP("Errors", "This would bring the total below what was already paid: "
                                     "void the sale to give the payments back"), ()),
    ),
    # -- the sale (app/checkout.py) ------------------------------------------------------------
    "cart_empty": (
        (QT_TRANSLATE_NOOP("Errors", "There is nothing to suspend"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Scan an item first"), ()),
    ),
    "has_payments": (
        (QT_TRANSLATE_NOOP("Errors", "A sale with payments cannot be suspended: finish or void "
                                     "it"), ()),
    ),
    "cart_not_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Finish or suspend the current sale before resuming "
                                     "another"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Finish or suspend the sale before opening the drawer"), ()),
    ),
    "suspended_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no suspended sale %1"), (_v("suspended_id"),)),
    ),
    "suspended_unreadable": (
        (QT_TRANSLATE_NOOP("Errors", "The suspended sale cannot be read; it was left as it is"),
         ()),
    ),
    # -- suspended sales shared between tills (app/checkout.py, sync/parked.py, sync/engine.py)
    "parked_taken": (
        (QT_TRANSLATE_NOOP("Errors", "This sale was already resumed at another till"), ()),
    ),
    "parked_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central does not know this suspended sale"), ()),
    ),
    "parked_empty": (
        (QT_TRANSLATE_NOOP("Errors", "The suspended sale came without its cart"), ()),
    ),
    "central_unreachable": (
        (QT_TRANSLATE_NOOP("Errors", "The central cannot be reached: try again, or resume the "
                                     "sale at the till that suspended it"), ()),
        (QT_TRANSLATE_NOOP("Errors", "The central cannot be reached now: try again in a "
                                     "moment"), ()),
    ),
    # -- web orders at the till (app/orders.py, app/checkout.py, sync/calls.py) ---------------
    "order_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no order %1 on this till"), (_v("order_no"),)),
        (QT_TRANSLATE_NOOP("Errors", "The central has no order %1"), (_v("order_no"),)),
    ),
    "order_line_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "Order %1 has no line %2"),
         (_v("order_no"), _v("line_no"))),
    ),
    "order_not_pickup": (
        (QT_TRANSLATE_NOOP("Errors", "Order %1 is delivered, not collected in store"),
         (_v("order_no"),)),
    ),
    "order_other_store": (
        (QT_TRANSLATE_NOOP("Errors", "Order %1 is to be collected at store %2"),
         (_v("order_no"), _v("store"))),
    ),
    "order_cancelled": (
        (QT_TRANSLATE_NOOP("Errors", "Order %1 was cancelled: there is nothing to hand over"),
         (_v("order_no"),)),
    ),
    "order_currency": (
        (QT_TRANSLATE_NOOP("Errors", "Order %1 cannot be handed over at this till: its prices "
                                     "are not in this store's currency with tax included"),
         (_v("order_no"),)),
        (QT_TRANSLATE_NOOP("Errors", "Order %1 does not add up at this till"),
         (_v("order_no"),)),
    ),
    "order_item_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "Item %1 of order %2 is not in this till's catalogue yet: "
                                     "sync, then try again"), (_v("sku"), _v("order_no"))),
    ),
    "pickup_code_wrong": (
        (QT_TRANSLATE_NOOP("Errors", "That is not this order's pick-up code"), ()),
    ),
    "pickup_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Choose at least one item to hand over"), ()),
    ),
    "pickup_qty_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "Line %1 of order %2 has %3 left to collect, not %4"),
         (_v("line_no"), _v("order_no"), _v("open"), _v("qty"))),
    ),
    "not_discountable": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not discountable: it is sold at its full price"),
         (_product(),)),
    ),
    "pickup_locked": (
        (QT_TRANSLATE_NOOP("Errors", "This is the pick-up of order %1: its items cannot be "
                                     "changed (void it to start again)"), (_v("order_no"),)),
    ),
    # -- returns (app/returns.py, app/receipts.py, sync/calls.py, ui/returns.py) --------------
    "purchase_unknown_offline": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a receipt of this till nor an order it holds: "
                                     "with the central away, only those can be returned"),
         (_v("ref"),)),
    ),
    "purchase_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central knows no receipt or order %1"), (_v("ref"),)),
        (QT_TRANSLATE_NOOP("Errors", "The central no longer knows this purchase"), ()),
    ),
    "purchase_line_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "%1 has no line %2"), (_v("ref"), _v("line_id"))),
    ),
    "exchange_open": (
        (QT_TRANSLATE_NOOP("Errors", "Goods are coming back in this basket: finish the exchange "
                                     "or void it first"), ()),
    ),
    "purchase_first": (
        (QT_TRANSLATE_NOOP("Errors", "Find the purchase first"), ()),
    ),
    "return_beyond_returnable": (
        (QT_TRANSLATE_NOOP("Errors", "Line %1 of %2 (%3) has %4 left to return, not %5"),
         (_v("line_id"), _v("ref"), _product(), _v("left"), _v("qty"))),
    ),
    "return_weighed_part": (
        (QT_TRANSLATE_NOOP("Errors", "Line %1 of %2 is weighed: it comes back whole"),
         (_v("line_id"), _v("ref"))),
    ),
    "return_weighed_label": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is sold by weight: scan its scale label"),
         (_product(),)),
    ),
    "return_qty_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a quantity that can be returned"),
         (_v("qty"),)),
    ),
    "return_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Choose at least one item to return"), ()),
    ),
    "return_condition_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a condition (restock or damaged)"),
         (_r("condition"),)),
    ),
    "return_not_reserved": (
        (QT_TRANSLATE_NOOP("Errors", "The return is not reserved at the central yet"), ()),
    ),
    "return_offline_limit": (
        (QT_TRANSLATE_NOOP("Errors", "With the central away a return may refund at most %1"),
         (_amount("limit"),)),
    ),
    "return_offline_daily_limit": (
        (QT_TRANSLATE_NOOP("Errors", "This till may refund only %1 more without the central "
                                     "today"), (_amount("left"),)),
    ),
    "return_refused_by_central": (
        (QT_TRANSLATE_NOOP("Errors", "The central refused the return: %1"), (_v("detail"),)),
    ),
    "reservation_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central no longer holds this return"), ()),
    ),
    "return_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no return %1"), (_v("return_id"),)),
    ),
    "refund_mismatch": (
        (QT_TRANSLATE_NOOP("Errors", "The refund must be %1 in all"), (_amount("total"),)),
    ),
    "refund_kind_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 cannot take a refund"), (_v("kind"),)),
    ),
    "refund_over_tender": (
        (QT_TRANSLATE_NOOP("Errors", "That %1 payment can take back only %2: give the rest in "
                                     "cash"), (_named("kind", REFUND_TO), _amount("left"))),
    ),
    "refund_card_failed": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal did not refund %1 (%2): nothing was "
                                     "recorded. Try again, or give the refund in cash."),
         (_amount("amount"), _phrase("reason"))),
    ),
    # -- shifts, the drawer, X and Z (app/shifts.py, domain/cash.py) ---------------------------
    "shift_not_open": (
        (QT_TRANSLATE_NOOP("Errors", "No shift is open on this till: open one with its float "
                                     "first"), ()),
    ),
    "shift_already_open": (
        (QT_TRANSLATE_NOOP("Errors", "A shift is already open on this till: close it first"),
         ()),
    ),
    "movement_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a cash movement"), (_r("kind"),)),
    ),
    "cash_amount_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "The amount must be more than zero"), ()),
        (QT_TRANSLATE_NOOP("Errors", "The amount must not be negative"), ()),
    ),
    "drawer_short": (
        (QT_TRANSLATE_NOOP("Errors", "The drawer should hold only %1"), (_amount("left"),)),
    ),
    "variance_comment_required": (
        (QT_TRANSLATE_NOOP("Errors", "The count is off by more than the store allows: the "
                                     "manager must say why"), ()),
    ),
    "z_already_done": (
        (QT_TRANSLATE_NOOP("Errors", "The Z report of %1 was already made on this till"),
         (_v("day"),)),
    ),
    "z_pending_events": (
        (QT_TRANSLATE_NOOP("Errors", "%1 event(s) still wait to upload: sync first, or confirm "
                                     "to list them in the report"), (_v("count"),)),
    ),
    "z_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no Z report %1"), (_v("z_no"),)),
    ),
    "denomination_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a %2 note or coin"),
         (_amount("value"), lambda d, lang: d["value"].currency)),
    ),
    "count_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a number of notes or coins"), (_v("pieces"),)),
    ),
    # -- stock counts (app/stock.py) -----------------------------------------------------------
    "count_scope_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a count scope (shelf or store)"),
         (_r("scope"),)),
    ),
    "count_qty_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a quantity that can be counted"), (_v("qty"),)),
    ),
    "count_line_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "Product %1 was not counted"), (_v("product_id"),)),
    ),
    "count_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Scan at least one item to count"), ()),
    ),
    # -- receiving deliveries (app/stock.py Receiving) ------------------------------------------
    "delivery_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "This till has no delivery %1"), (_v("delivery_id"),)),
    ),
    "delivery_already_received": (
        (QT_TRANSLATE_NOOP("Errors", "Delivery %1 was already received"), (_v("delivery_id"),)),
    ),
    "delivery_cancelled": (
        (QT_TRANSLATE_NOOP("Errors", "Delivery %1 was cancelled"), (_v("delivery_id"),)),
    ),
    "receive_qty_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a quantity that can be received"),
         (_v("qty"),)),
    ),
    "receive_line_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "Product %1 is not in this delivery"),
         (_v("product_id"),)),
    ),
    "receive_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Scan what arrived first"), ()),
    ),
    # -- the store's reconciliation (app/reconcile.py, sync/calls.py) --------------------------
    "reconcile_not_open": (
        (QT_TRANSLATE_NOOP("Errors", "Open the reconciliation as a manager first"), ()),
    ),
    "comment_required": (
        (QT_TRANSLATE_NOOP("Errors", "Say how the exception was resolved"), ()),
    ),
    "comment_too_long": (
        (QT_TRANSLATE_NOOP("Errors", "The comment is too long (%1 characters at most)"),
         (_v("limit"),)),
    ),
    "reconciliation_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central has no reconciliation for this store"), ()),
    ),
    "exception_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central has no exception %1 for this store"),
         (_v("exception_id"),)),
    ),
    "refund_decision_required": (
        (QT_TRANSLATE_NOOP("Errors", "This exception holds a web refund: choose to pay it out "
                                     "or to refuse it"), ()),
    ),
    # -- promotions at the till (app/checkout.py) ----------------------------------------------
    "coupon_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "Coupon %1 is not valid here and now"), (_v("coupon"),)),
    ),
    "coupon_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "The central knows no coupon %1"), (_v("coupon"),)),
    ),
    "central_refused": (
        (QT_TRANSLATE_NOOP("Errors", "The central refused the request: ask IT to look at the "
                                     "till's log"), ()),
    ),
    "suspended_shared": (
        (QT_TRANSLATE_NOOP("Errors", "This sale is shared with the other tills: it is claimed "
                                     "at the central first"), ()),
    ),
    "central_malformed": (
        (QT_TRANSLATE_NOOP("Errors", "The central sent an answer the till cannot read"), ()),
    ),
    "central_identity": (
        (QT_TRANSLATE_NOOP("Errors", "This till cannot use the central: %1"), (_v("why"),)),
    ),
    "not_enrolled": (
        (QT_TRANSLATE_NOOP("Errors", "This till is not connected to a central"), ()),
    ),
    "token_missing": (
        (QT_TRANSLATE_NOOP("Errors", "This till cannot prove itself to the central (its token "
                                     "is not in the keyring): call IT to enrol it again"), ()),
    ),
    # -- paying (app/checkout.py, domain/tender.py) --------------------------------------------
    "tender_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "A payment must be more than zero"), ()),
    ),
    "already_paid": (
        (QT_TRANSLATE_NOOP("Errors", "This sale is already paid"), ()),
    ),
    "tender_over_due": (
        (QT_TRANSLATE_NOOP("Errors", "%1 payment of %2 is more than the %3 still due"),
         (_named("kind", TENDER_KINDS), _amount("amount"), _amount("due"))),
    ),
    "not_paid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is still due"), (_amount("due"),)),
    ),
    "amount_too_large": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is more than the till accepts (%2 at most)"),
         (_v("text"), _amount("limit"))),
    ),
    "tender_far_above_due": (
        (QT_TRANSLATE_NOOP("Errors", "Cash of %1 for %2 due gives %3 change, more than a %4 "
                                     "note: check the amount"),
         (_amount("tendered"), _amount("due"), _amount("change"), _amount("note"))),
    ),
    "tender_too_large": (
        (QT_TRANSLATE_NOOP("Errors", "Cash of %1 for %2 due would give %3 change: more than the "
                                     "till gives. Check the amount"),
         (_amount("tendered"), _amount("due"), _amount("change"))),
    ),
    "card_declined": (
        (QT_TRANSLATE_NOOP("Errors", "Card declined: %1. Ask for another card or another way to "
                                     "pay."), (_phrase("reason", NO_REASON),)),
    ),
    "card_timeout": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal did not answer in time. Check it is on "
                                     "and connected, then try again; the card was not charged."),
         ()),
    ),
    "reversal_failed": (
        (QT_TRANSLATE_NOOP("Errors", "The card payment %1 could not be reversed (%2); the sale "
                                     "stays open. Try again or call a supervisor."),
         (_v("card"), _phrase("reason"))),
    ),
    # -- card payments approved without a sale (app/card_recovery.py) ---------------------------
    "orphan_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no card payment %1 waiting to be resolved"),
         (_v("reference"),)),
    ),
    "orphan_cannot_reverse": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal cannot reverse %1 (%2). Complete it as "
                                     "a sale of the goods, or give the money back another way."),
         (_amount("amount"), _phrase("reason"))),
    ),
    "orphan_refund_failed": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal did not refund %1 (%2): nothing was "
                                     "recorded. Try again, or give the money back another way."),
         (_amount("amount"), _phrase("reason"))),
    ),
    "orphan_unconfirmed_refund": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal never confirmed this payment: reverse "
                                     "it instead"), ()),
    ),
    "orphan_refund_under_way": (
        (QT_TRANSLATE_NOOP("Errors", "A refund of this card payment is already under way or "
                                     "done: nothing was sent to the card terminal"), ()),
    ),
    "orphan_resolved_elsewhere": (
        (QT_TRANSLATE_NOOP("Errors", "This card payment was resolved meanwhile (another window "
                                     "or command): nothing was recorded"), ()),
    ),
    "orphan_no_basket": (
        (QT_TRANSLATE_NOOP("Errors", "The till does not know what this card payment was for: "
                                     "reverse it, or give the money back another way"), ()),
    ),
    "orphan_not_a_sale": (
        (QT_TRANSLATE_NOOP("Errors", "This card payment was for a pick-up or an exchange: "
                                     "reverse it, or give the money back another way"), ()),
    ),
    "orphan_unconfirmed": (
        (QT_TRANSLATE_NOOP("Errors", "The card terminal never confirmed this payment: it cannot "
                                     "be sold against"), ()),
    ),
    "orphan_partial": (
        (QT_TRANSLATE_NOOP("Errors", "The card paid %1 of %2; the rest was never recorded: "
                                     "reverse it, or give the money back another way"),
         (_amount("paid"), _amount("total"))),
    ),
    "credit_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no store credit account %1"), (_r("account"),)),
    ),
    "credit_insufficient": (
        (QT_TRANSLATE_NOOP("Errors", "Store credit %1 has only %2 left"),
         (_v("account"), _amount("balance"))),
        (QT_TRANSLATE_NOOP("Errors", "Store credit %1 no longer covers %2"),
         (_v("account"), _amount("amount"))),
    ),
    # -- receipts (app/receipts.py) ------------------------------------------------------------
    "receipt_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no sale with receipt number %1"),
         (_v("receipt_no"),)),
    ),
    "sale_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no sale %1"), (_v("sale_id"),)),
    ),
    # -- staff (app/staff.py) ------------------------------------------------------------------
    "auth_failed": (
        (QT_TRANSLATE_NOOP("Errors", "Wrong staff number or PIN"), ()),
        (QT_TRANSLATE_NOOP("Errors", "Wrong staff number or PIN (%1 tries left before the staff "
                                     "number is locked)"), (_v("tries_left"),)),
    ),
    "staff_locked": (
        (QT_TRANSLATE_NOOP("Errors", "Staff %1 is locked after too many wrong PINs: try again in "
                                     "%2 min, or ask a manager to unlock it"),
         (_v("staff_id"), _v("minutes"))),
        (QT_TRANSLATE_NOOP("Errors", "Wrong PIN. Staff %1 is now locked for %2 minutes; a "
                                     "manager can unlock it"), (_v("staff_id"), _v("minutes"))),
    ),
    "session_locked": (
        (QT_TRANSLATE_NOOP("Errors", "The till is locked: enter your PIN to continue"), ()),
    ),
    "approval_required": (
        (QT_TRANSLATE_NOOP("Errors", "%1 needs %2's approval"),
         (_named("action", ACTIONS), _named("min_role", ROLES))),
    ),
    "approver_role": (
        (QT_TRANSLATE_NOOP("Errors", "%1 (%2) is %3 and cannot approve this: it needs %4"),
         (_v("name"), _v("staff_id"), _named("role", ROLES), _named("min_role", ROLES))),
    ),
    "self_approval": (
        (QT_TRANSLATE_NOOP("Errors", "Staff cannot approve their own action"), ()),
    ),
    "staff_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "There is no staff member %1"), (_v("staff_id"),)),
    ),
    # -- the receipt printer's settings (devices/printer.py) -----------------------------------
    "printer_config": (
        (QT_TRANSLATE_NOOP("Errors", "Unknown printer kind %1: choose one of %2."),
         (_r("kind"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "A network printer needs its host: an IP address or a "
                                     "name."), ()),
        (QT_TRANSLATE_NOOP("Errors", "Printer port %1 is out of range (1-65535; usually 9100)."),
         (_v("port"),)),
        (QT_TRANSLATE_NOOP("Errors", "Printer timeout %1 s is out of range (above 0, at most "
                                     "30 s)."), (_v("timeout"),)),
        (QT_TRANSLATE_NOOP("Errors", "A USB printer needs its vendor id, 0001-ffff in hex (lsusb "
                                     "shows vendor:product, e.g. 04b8:0e15); got %1."),
         (_v("value"),)),
        (QT_TRANSLATE_NOOP("Errors", "A USB printer needs its product id, 0001-ffff in hex "
                                     "(lsusb shows vendor:product, e.g. 04b8:0e15); got %1."),
         (_v("value"),)),
        (QT_TRANSLATE_NOOP("Errors", "A serial printer needs its device, e.g. /dev/ttyUSB0 or "
                                     "COM3."), ()),
        (QT_TRANSLATE_NOOP("Errors", "Baud rate %1 is not one of %2."),
         (_v("baudrate"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "A file printer needs a path, e.g. /dev/usb/lp0."), ()),
        (QT_TRANSLATE_NOOP("Errors", "Paper width %1 columns is out of range: 48 for 80 mm "
                                     "paper, 32 for 58 mm."), (_v("width"),)),
        (QT_TRANSLATE_NOOP("Errors", "Unknown printer profile %1; %2 suits most 80 mm "
                                     "printers."), (_r("profile"), _r("default"))),
        (QT_TRANSLATE_NOOP("Errors", "Receipt code %1: choose one of %2."),
         (_r("receipt_code"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "Profile %1 cannot print QR codes: choose receipt code "
                                     "code128."), (_r("profile"),)),
        (QT_TRANSLATE_NOOP("Errors", "Unknown printer setting(s): %1"), (_v("settings"),)),
        (QT_TRANSLATE_NOOP("Errors", "Printer setting %1 has a bad value: %2"),
         (_v("setting"), _r("value"))),
    ),
    # -- the customer display (devices/pole.py, ui/customer_display.py) ------------------------
    "display_config": (
        (QT_TRANSLATE_NOOP("Errors", "Unknown pole display connection %1: choose one of %2."),
         (_r("kind"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "A pole display needs its port, e.g. /dev/ttyUSB1 or COM4."),
         ()),
        (QT_TRANSLATE_NOOP("Errors", "Baud rate %1 is not one of %2."),
         (_v("baudrate"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "Unknown pole display character set %1: choose one of "
                                     "%2."), (_r("charset"), _v("choices"))),
        (QT_TRANSLATE_NOOP("Errors", "Pole display setting %1 has a bad value: %2"),
         (_v("setting"), _r("value"))),
        (QT_TRANSLATE_NOOP("Errors", "Customer display setting has a bad value: %1"),
         (_r("value"),)),
        (QT_TRANSLATE_NOOP("Errors", "A customer display on a screen needs the name of the "
                                     "screen."), ()),
        (QT_TRANSLATE_NOOP("Errors", "Unknown customer display %1: choose one of none, screen, "
                                     "pole."), (_r("kind"),)),
    ),
    "display_offline": (
        (QT_TRANSLATE_NOOP("Errors", "The customer display on %1 cannot be written to. Sales go "
                                     "on without it."), (_v("address"),)),
    ),
    # -- the receipt printer's faults (devices/printer.py, PrinterFault) -----------------------
    # %1 the printer's address; the last placeholder what it means for the sale (may be empty).
    "not_configured": (
        (QT_TRANSLATE_NOOP("Errors", "No receipt printer is set up for this till. %1"),
         (_then,)),
    ),
    "paper_out": (
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer at %1 is out of paper. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer on USB %1 is out of paper. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer on %1 is out of paper. %2"),
         (_address, _then)),
    ),
    "cover_open": (
        (QT_TRANSLATE_NOOP("Errors", "The cover of the receipt printer at %1 is open. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The cover of the receipt printer on USB %1 is open. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The cover of the receipt printer on %1 is open. %2"),
         (_address, _then)),
    ),
    "offline": (
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer at %1 does not answer. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The USB receipt printer %1 is not connected or is switched "
                                     "off. %2"), (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer on %1 cannot be opened. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer at %1 cannot be written to. %2"),
         (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer at %1 reports an error and is "
                                     "offline. %2"), (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer on USB %1 reports an error and is "
                                     "offline. %2"), (_address, _then)),
        (QT_TRANSLATE_NOOP("Errors", "The receipt printer on %1 reports an error and is "
                                     "offline. %2"), (_address, _then)),
    ),
    "driver_missing": (
        (QT_TRANSLATE_NOOP("Errors", "Printing over USB needs pyusb and the libusb library (apt "
                                     "install libusb-1.0-0); one of them is missing. %1"),
         (_then,)),
        (QT_TRANSLATE_NOOP("Errors", "Printing over a serial port needs the pyserial package, "
                                     "which is not installed. %1"), (_then,)),
    ),
    # -- members and points (posclient/app/members.py, Checkout, domain/loyalty.py)
    "member_code_empty": (
        (QT_TRANSLATE_NOOP("Errors", "Scan the member's card or type a phone number"), ()),
        (QT_TRANSLATE_NOOP("Errors", "That member QR code is empty"), ()),
    ),
    "member_unknown": (
        (QT_TRANSLATE_NOOP("Errors", "No member %1: check the card or the number, or sign the "
                                     "customer up"), (_r("code_text"),)),
    ),
    "member_inactive": (
        (QT_TRANSLATE_NOOP("Errors", "Member %1 is no longer active"), (_v("member_no"),)),
    ),
    "member_consent_required": (
        (QT_TRANSLATE_NOOP("Errors", "The customer must agree to the member terms first"), ()),
    ),
    "member_phone_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is not a phone number"), (_r("phone"),)),
    ),
    "member_name_too_long": (
        (QT_TRANSLATE_NOOP("Errors", "The name is too long (100 characters at most)"), ()),
    ),
    "member_phone_taken": (
        (QT_TRANSLATE_NOOP("Errors", "%1 is already member %2"),
         (_v("phone"), _v("member_no"))),
    ),
    "member_after_payment": (
        (QT_TRANSLATE_NOOP("Errors", "Money was already taken: the member can no longer change "
                                     "(void the payments first)"), ()),
    ),
    "points_no_member": (
        (QT_TRANSLATE_NOOP("Errors", "Attach the member first: points belong to a member"), ()),
    ),
    "points_disabled": (
        (QT_TRANSLATE_NOOP("Errors", "This store does not take points"), ()),
    ),
    "points_insufficient": (
        (QT_TRANSLATE_NOOP("Errors", "The member has only %1 points to spend"),
         (_v("available"),)),
    ),
    "points_invalid": (
        (QT_TRANSLATE_NOOP("Errors", "Redeem more than zero points"), ()),
    ),
    "points_step": (
        (QT_TRANSLATE_NOOP("Errors", "Points are redeemed in steps of %1"), (_v("step"),)),
    ),
}

_PLACEHOLDER = re.compile(r"%(\d+)")


def _fill(text: str, values: list[str]) -> str:
    """%1, %2, ... replaced in one pass (a value holding "%2" stays as it is)."""
    def one(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return values[n - 1] if 1 <= n <= len(values) else m.group(0)
    return _PLACEHOLDER.sub(one, text).strip()


def _render(template: Template, details: Details, lang: str) -> str | None:
    text, params = template
    try:
        values = [p(details, lang) for p in params]
    except (KeyError, TypeError, ValueError):
        return None  # a detail is missing or not what the template expects
    return _fill(tr(text) if _zh(lang) else text, values)


def template_for(exc: object) -> Template | None:
    """The template that gives exactly this refusal's English message, or None."""
    if not isinstance(exc, PosError):
        return None
    message = str(exc)
    for template in TEMPLATES.get(exc.code, ()):
        if _render(template, exc.details, "en") == message:
            return template
    return None


def message_for(exc: object, lang: str) -> str:
    """What the till shows for ``exc`` (usually a :class:`PosError`) in ``lang``."""
    text = str(exc)
    if not _zh(lang):
        return text
    template = template_for(exc)
    if template is None:
        return text
    assert isinstance(exc, PosError)
    return _render(template, exc.details, lang) or text
