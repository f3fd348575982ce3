"""The receipt as data, and its plain-text layout.

A :class:`Receipt` is built from a committed sale (posclient.app.receipts) and rendered by a
device: as text here (console, file, tests), as ESC/POS bytes by the printer driver. Widths are
counted in printer columns, as a Chinese (GB18030) receipt printer prints: ASCII takes one
column, every other character goes out as a two-byte GB code and takes two (ideographs, and
also the symbols GB2312 has: ×, °, ·, “ ”, é). A character without a two-byte GB code (¥, €, ™)
is printed as its nearest equivalent (:func:`for_printer`), never as a code page's byte.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from .catalogue import has, render
from .money import Money
from .tax import TaxRate


def label(key: str, lang: str) -> str:
    """A receipt's label in ``lang`` (the catalogue's ``receipt.<key>``)."""
    return render(f"receipt.{key}", lang=lang)


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    name: str
    qty_text: str  # "3 x 12.50" or "1.234 kg x 15.98/kg"
    gross: Money
    line_discount: Money
    total: Money
    price_changed: bool = False
    promo_discount: Money | None = None  # the promotions' share of this line


@dataclass(frozen=True, slots=True)
class ReceiptTender:
    kind: str
    amount: Money
    tendered: Money
    change: Money
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ReceiptTax:
    rate: TaxRate
    net: Money
    tax: Money


@dataclass(frozen=True, slots=True)
class ReceiptMember:
    """The member of a sale as printed: masked, with the points as the till saw them."""

    label: str  # masked name and phone (posclient/domain/loyalty.py)
    earned: int = 0
    redeemed: int = 0
    balance: int | None = None  # the central's balance - pending redemptions + this earn


@dataclass(frozen=True, slots=True)
class ReceiptAisleOrder:
    """An order placed at the till for another store (issue 18): what the customer needs to
    collect it there."""

    order_no: str
    item: str
    qty_text: str  # "2 x 12.50"
    total: Money
    store: str  # where it is collected
    pickup_code: str  # "" once the first receipt printed (a reprint does not show it)
    paid_now: Money
    customer: str  # masked name and phone
    delivery: bool = False  # delivered from ``store`` (no pick-up code; paid in full)
    address: str = ""  # a delivery's, masked (its first 6 characters and "…")

    @property
    def due(self) -> Money:
        return self.total - self.paid_now


@dataclass(frozen=True, slots=True)
class Receipt:
    store_name: str
    address: str
    receipt_no: str
    event_id: str
    local_time: str  # already formatted for the store's time zone
    cashier: str
    terminal_id: str
    lines: tuple[ReceiptLine, ...]
    subtotal: Money
    basket_discount: Money
    total: Money
    tax_inclusive: bool
    taxes: tuple[ReceiptTax, ...]
    rounding: Money
    tenders: tuple[ReceiptTender, ...]
    change: Money
    footer: str
    item_count: int
    reprint: bool = False
    order_no: str | None = None  # the web order this receipt hands over (a pick-up slip)
    refund_of: str | None = None  # a return slip: the receipt or order it returns ("": none)
    promotions: tuple[tuple[str, Money], ...] = ()  # (name, saved) of each that applied
    member: ReceiptMember | None = None
    phone: str = ""  # the store's, set at the central per store
    tax_id: str = ""  # the store's taxpayer id (纳税人识别号)
    return_policy: str = ""  # printed above the footer
    aisle: tuple[ReceiptAisleOrder, ...] = ()  # orders for other stores paid in this sale


def header_lines(r: Receipt, lang: str) -> list[str]:
    """The store's address, phone and tax id, under its name (each only when set)."""
    out = [r.address] if r.address else []
    if r.phone:
        out.append(f"{label('phone', lang)} {r.phone}")
    if r.tax_id:
        out.append(f"{label('tax_id', lang)} {r.tax_id}")
    return out


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` printer columns (breaking at spaces where it can,
    anywhere in Chinese); its own line breaks kept."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if display_width(candidate) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            while display_width(word) > width:
                head = fit(word, width)
                out.append(head)
                word = word[len(head):]
            line = word
        out.append(line)
    return out


def member_lines(r: Receipt, lang: str) -> list[tuple[str, str]]:
    """The member's block (left, right columns): who, points earned and redeemed, balance."""
    m = r.member
    if m is None:
        return []
    out = [(label("member", lang), m.label)]
    if m.redeemed:
        out.append((label("points_redeemed", lang), str(m.redeemed)))
    out.append((label("points_earned", lang), str(m.earned)))
    if m.balance is not None:
        out.append((label("points_balance", lang), str(m.balance)))
    return out


def heading(r: Receipt, lang: str) -> list[str]:
    """The big lines under the store's name: a reprint, a pick-up slip, a return slip."""
    out = []
    if r.reprint:
        out.append(label("reprint", lang))
    if r.order_no:
        out.append(f"{label('pickup', lang)} {r.order_no}")
    if r.refund_of is not None:
        out.append(label("return", lang))
        out.append(f"{label('return_of', lang)} {r.refund_of or label('no_receipt', lang)}")
    return out


def tender_name(r: Receipt, kind: str, lang: str) -> str:
    if r.refund_of is not None and kind == "web":
        return label("web_refund", lang)
    return label(kind, lang) if has(f"receipt.{kind}") else kind


def total_label(r: Receipt, lang: str) -> str:
    return label("refund_total" if r.refund_of is not None else "total", lang)


# What prints for a character that has no two-byte GB code (a Chinese printer's font has none).
PRINTER_SUBSTITUTES: dict[str, str] = {
    "¥": "￥", "€": "EUR", "£": "GBP", "•": "·", "™": "TM", "®": "(R)", "©": "(C)",
    "½": "1/2", "¼": "1/4", "¾": "3/4", "\u00a0": " ", "\u2009": " ", "\u200b": "",
}


def _gb_two_byte(ch: str) -> bool:
    try:
        return len(ch.encode("gbk")) == 2
    except UnicodeEncodeError:
        return False


def for_printer(text: str) -> str:
    """``text`` in characters a GB18030 receipt printer has: ASCII and GBK's two-byte set.
    Others become their equivalent (:data:`PRINTER_SUBSTITUTES`, else their compatibility form,
    ``ｍ`` -> ``m``), else ``?``; control characters become a space."""
    out = []
    for ch in text:
        if " " <= ch < "\x7f" or ch == "\n" or _gb_two_byte(ch):
            out.append(ch)
        elif ch in PRINTER_SUBSTITUTES:
            out.append(PRINTER_SUBSTITUTES[ch])
        elif ch < " " or "\x7f" <= ch < "\xa0":
            out.append(" ")
        else:
            compat = unicodedata.normalize("NFKC", ch)
            out.append(compat if compat != ch and compat == for_printer(compat) else "?")
    return "".join(out)


def char_width(ch: str) -> int:
    """Printer columns of one character (of its :func:`for_printer` form)."""
    if ch < "\x80":
        return 1
    if _gb_two_byte(ch):
        return 2
    return sum(1 if c < "\x80" else 2 for c in for_printer(ch))


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def fit(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` columns."""
    out, used = [], 0
    for ch in text:
        w = char_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def two_cols(left: str, right: str, width: int) -> str:
    if not right:
        return fit(left, width)
    right_w = display_width(right)
    left = fit(left, max(0, width - right_w - 1))
    return left + " " * (width - display_width(left) - right_w) + right


def center(text: str, width: int) -> str:
    text = fit(text, width)
    pad = (width - display_width(text)) // 2
    return " " * pad + text


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"


@dataclass(frozen=True, slots=True)
class PrintLine:
    """One line of a receipt's layout. ``text`` is already laid out in the columns the line
    has: the paper's width divided by ``scale_w`` (a double-width line holds half as many).
    ``bold``: printed bold at ``scale_w`` x ``scale_h`` (ESC/POS ``GS !``). ``scan_code``: the
    receipt's scannable code (QR or barcode, as the printer is set up) comes just above it,
    on paper only."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    scale_w: int = 1
    scale_h: int = 1
    scan_code: bool = False


def layout(r: Receipt, lang: str = "zh", width: int = 48) -> list[PrintLine]:
    """The receipt laid out in ``width`` printer columns (48 on 80 mm paper, 32 on 58 mm):
    what the paper shows (the printer only encodes it) and what the text form shows."""
    return (_layout_head(r, lang, width) + _layout_items(r, lang, width)
            + _layout_totals(r, lang, width) + _layout_payment(r, lang, width)
            + _layout_foot(r, lang, width))


def _plain(texts: list[str]) -> list[PrintLine]:
    return [PrintLine(text) for text in texts]


def _layout_head(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    """The store's name (double size), address, phone and tax id, the slip's heading, and the
    receipt's number, time, till and cashier."""
    mid = Align.CENTER
    out = [PrintLine(fit(r.store_name, width // 2), mid, True, 2, 2)]
    out += [PrintLine(fit(text, width), mid) for text in header_lines(r, lang)]
    out += [PrintLine(fit(text, width // 2), mid, True) for text in heading(r, lang)]
    rule = "-" * width
    return out + _plain([
        rule,
        fit(f"{label('receipt', lang)}: {r.receipt_no}", width),
        two_cols(r.local_time, f"{label('terminal', lang)} {r.terminal_id}", width),
        fit(f"{label('cashier', lang)}: {r.cashier}", width),
        rule,
    ])


def _layout_items(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    m = Money.to_decimal_str
    out: list[str] = []
    for ln in r.lines:
        out.append(fit(ln.name, width))
        out.append(two_cols("  " + ln.qty_text, m(ln.gross), width))
        if ln.price_changed:
            out.append("  " + label("price_changed", lang))
        if ln.line_discount:
            out.append(two_cols("  " + label("discount", lang), "-" + m(ln.line_discount), width))
        if ln.promo_discount:
            out.append(two_cols("  " + label("promotion", lang), "-" + m(ln.promo_discount),
                                width))
    out.append("-" * width)
    return _plain(out) + aisle_lines(r, lang, width)


def aisle_lines(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    """The orders placed for other stores: the item, where and with which code to collect
    it (a delivery: the store it comes from and the masked address), what was paid now and
    what is left to pay there."""
    if not r.aisle:
        return []
    m = Money.to_decimal_str
    heading = "aisle_delivery" if all(o.delivery for o in r.aisle) else "aisle"
    out = [PrintLine(fit(label(heading, lang), width), Align.CENTER, True)]
    for o in r.aisle:
        texts = [fit(o.item, width), two_cols("  " + o.qty_text, m(o.total), width),
                 fit(f"  {label('aisle_order', lang)}: {o.order_no}", width)]
        if o.delivery:  # shipped from that store: no code; the address masked
            texts += [fit(f"  {label('aisle_delivery_from', lang)}: {o.store}", width),
                      fit(f"  {label('aisle_address', lang)}: {o.address}", width)]
        else:
            texts += [fit(f"  {label('aisle_store', lang)}: {o.store}", width),
                      fit(f"  {label('aisle_code', lang)}: "
                          f"{o.pickup_code or label('aisle_code_gone', lang)}", width)]
        if o.customer:
            texts.append(fit(f"  {label('aisle_customer', lang)}: {o.customer}", width))
        due = label("aisle_due_delivery" if o.delivery else "aisle_due", lang)
        texts += [two_cols("  " + label("aisle_paid_now", lang), m(o.paid_now), width),
                  two_cols("  " + due, m(o.due), width)]
        out += _plain(texts)
    return [*out, PrintLine("-" * width)]


def _layout_totals(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    """Items, subtotal, discounts, promotions, the total (double height) and the taxes."""
    m = Money.to_decimal_str
    out = [f"{label('items', lang)}: {r.item_count}",
           two_cols(label("subtotal", lang), m(r.subtotal), width)]
    line_disc = Money(sum(ln.line_discount.minor for ln in r.lines), r.total.currency)
    if line_disc:
        out.append(two_cols(label("discount", lang), "-" + m(line_disc), width))
    for name, saved in r.promotions:
        out.append(two_cols(f"{label('promotion', lang)} {name}", "-" + m(saved), width))
    if r.basket_discount:
        out.append(two_cols(label("basket_discount", lang), "-" + m(r.basket_discount), width))
    if r.aisle:
        paid = Money(sum(o.paid_now.minor for o in r.aisle), r.total.currency)
        out.append(two_cols(label("aisle_paid", lang), m(paid), width))
    total = two_cols(total_label(r, lang), f"{r.total.currency} {m(r.total)}", width)
    return [*_plain(out), PrintLine(total, bold=True, scale_h=2),
            *_plain(tax_lines(r, lang, width))]


def tax_lines(r: Receipt, lang: str, width: int) -> list[str]:
    """Each tax rate's line: rate, net and tax; when it does not fit (narrow paper), the rate
    on a line of its own and net and tax under it."""
    m = Money.to_decimal_str
    tax_label = label("tax_incl" if r.tax_inclusive else "tax_excl", lang)
    out = []
    for t in r.taxes:
        rate, net = f"  {tax_label} {t.rate.code} {t.rate.percent_str}", f"{label('net', lang)} "
        if display_width(f"{rate}  {net}{m(t.net)} {m(t.tax)}") > width:
            out.append(fit(rate, width))
            rate = "   "
        out.append(two_cols(f"{rate}  {net}{m(t.net)}", m(t.tax), width))
    return out


def _layout_payment(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    """Rounding, the tenders, the change (double size) and the member's block."""
    m = Money.to_decimal_str
    rule = "-" * width
    out = [PrintLine(rule)]
    if r.rounding:
        out.append(PrintLine(two_cols(label("rounding", lang), m(r.rounding), width)))
    out += _plain([two_cols(f"{tender_name(r, t.kind, lang)} {t.detail}".strip(),
                            m(t.tendered), width) for t in r.tenders])
    if r.change:
        out.append(PrintLine(two_cols(label("change", lang), m(r.change), width // 2),
                             bold=True, scale_w=2, scale_h=2))
    out.append(PrintLine(rule))
    member = member_lines(r, lang)
    if member:
        out += _plain([two_cols(left, right, width) for left, right in member] + [rule])
    return out


def _layout_foot(r: Receipt, lang: str, width: int) -> list[PrintLine]:
    """The return policy, the footer, and the receipt's number under its scannable code."""
    mid = Align.CENTER
    out = [PrintLine(text, mid) for text in wrap(r.return_policy, width)
           if r.return_policy]
    if r.footer:
        out.append(PrintLine(fit(r.footer, width), mid))
    out.append(PrintLine(r.receipt_no, mid, scan_code=True))
    return out


def render_text(r: Receipt, lang: str = "zh", width: int = 48) -> str:
    """The receipt as monospaced text, ``width`` printer columns wide (48 on 80 mm paper):
    its :func:`layout`, centred lines centred, as the paper shows it (without the scannable
    code; a double-width line shows in the half of the columns it holds)."""
    return "".join((center(ln.text, width) if ln.align is Align.CENTER else ln.text) + "\n"
                   for ln in layout(r, lang, width))
