"""What the customer sees: the checkout's state as one plain model, rendered by both customer
displays (the second screen, posclient/ui/customer_display.py, and the two-line pole display,
posclient/devices/pole.py), so the two never disagree.

No Qt here. Three states:

* ``welcome``: no sale open, nothing just paid: the store's name and its message;
* ``selling``: the lines as they are scanned (the last one highlighted), the total, what was
  paid so far, and the member (masked name, points);
* ``done``: the sale was paid: total, paid, the change, and the member's points after the sale.
  It stays until the next sale's first line, as the change does on the cashier's screen.

Language: the till's. The store may ask for both languages (``customer_display_bilingual``):
each line then also shows the product's name in the other language, and the labels both. The
message is the store's (``customer_display_message_zh`` / ``_en``, set at the central per store
and synced), in the till's language, or the other when only that one is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from posclient.domain.cart import Measure
from posclient.domain.catalogue import render
from posclient.domain.money import Money
from posclient.domain.names import local_name

if TYPE_CHECKING:
    from posclient.domain.settings import StoreSettings

    from .checkout import Checkout, CompletedSale
    from .members import MemberView

MAX_LINES = 500  # the model carries at most the newest lines (a display shows far fewer)


@dataclass(frozen=True, slots=True)
class ShownLine:
    """One line of the sale as the customer sees it."""

    name_zh: str
    name_en: str
    qty: str  # "2", "0.735 kg"
    amount: Money  # what the line costs, after its discounts

    def name(self, lang: str) -> str:
        return local_name(self.name_zh, self.name_en, lang)

    def other_name(self, lang: str) -> str:
        """The name in the other language, when it differs (for a bilingual display)."""
        other = local_name(self.name_zh, self.name_en, "en" if lang.startswith("zh") else "zh")
        return "" if other == self.name(lang) else other


@dataclass(frozen=True, slots=True)
class ShownMember:
    """The member as a customer may see them on a screen others can read: masked."""

    name: str  # 陈**, or the member number's last four digits when no name
    points: int  # available now (selling), or the till's balance after the sale (done)
    earned: int = 0  # done: earned by this sale


@dataclass(frozen=True, slots=True)
class CustomerView:
    state: str  # welcome | selling | done
    lang: str
    bilingual: bool
    store_name: str
    message: str
    lines: tuple[ShownLine, ...] = ()
    total: Money | None = None
    paid: Money | None = None
    change: Money | None = None  # done only
    member: ShownMember | None = None
    english: tuple[str, str] = ("", "")  # the store's name and message in English (for an
    # English-only pole display at a Chinese till)

    @property
    def last(self) -> ShownLine | None:
        """The line scanned last (the pole display shows it)."""
        return self.lines[-1] if self.lines else None


def _qty(qty: int, measure: Measure, fixed: bool) -> str:
    if fixed:
        return "1"
    if measure is Measure.GRAM:
        return f"{qty // 1000}.{qty % 1000:03d} kg"
    return str(qty)


def _member(m: MemberView | None, points: int | None = None,
            earned: int = 0) -> ShownMember | None:
    """Never the phone, never the whole name."""
    if m is None:
        return None
    name = m.masked_name or f"…{m.member_no[-4:]}"
    return ShownMember(name=name, points=max(0, m.available if points is None else points),
                       earned=earned)


class CustomerPresenter:
    """Turns the checkout (and the sale just paid) into :class:`CustomerView`. ``settings``:
    the store's (the caller gives the newest: a sync may change the message)."""

    def __init__(self, settings: StoreSettings, lang: str) -> None:
        self.settings = settings
        self.lang = lang
        self.done: CustomerView | None = None  # the last sale's view, until the next sale

    def _view(self, state: str, **parts: Any) -> CustomerView:
        s, lang = self.settings, self.lang
        message = local_name(s.customer_display_message_zh, s.customer_display_message_en, lang)
        if not message:  # the receipt's thanks, when the store set no message
            message = s.receipt_footer_zh if lang.startswith("zh") else s.receipt_footer_en
        english = (s.store_name_en, s.customer_display_message_en or s.receipt_footer_en)
        return CustomerView(state=state, lang=lang, bilingual=s.customer_display_bilingual,
                            store_name=local_name(s.store_name_zh, s.store_name_en, lang),
                            message=message, english=english, **parts)

    def view(self, checkout: Checkout | None) -> CustomerView:
        """What to show now. A sale with lines or money taken replaces the last sale's view."""
        co = checkout
        if co is None or (co.basket_empty and not co.has_payments):
            return self.done if self.done is not None else self._view("welcome")
        self.done = None
        totals = co.totals()
        lines = []
        for ln in co.cart.lines:
            if ln.voided:
                continue
            priced = totals.line(ln.line_id)
            net = priced.gross - priced.line_discount - priced.promo_discount
            lines.append(ShownLine(ln.item.name_zh, ln.item.name_en,
                                   _qty(ln.qty, ln.item.measure, ln.fixed_amount is not None),
                                   Money(net, totals.currency)))
        lines += [ShownLine(o.name_zh, o.name_en, str(o.qty), Money(o.paid_now, totals.currency))
                  for o in co.aisle]  # an order for another store: what is paid for it now
        paid = co.payment.paid
        return self._view("selling", lines=tuple(lines[-MAX_LINES:]), total=co.amount_due,
                          paid=paid if paid.minor else None, member=_member(co.member))

    def sale_done(self, sale: CompletedSale) -> CustomerView:
        """The sale was paid: total, paid, change, and the member's points after it (the till's
        count). Shown until the next sale's first line."""
        cur = sale.totals.total.currency
        paid = Money(sum(t.tendered.minor for t in sale.tenders), cur)
        total = sale.totals.total + Money(sum(o.paid_now for o in sale.aisle), cur)
        self.done = self._view("done", total=total, paid=paid, change=sale.change,
                               member=_member(sale.member, sale.points_balance,
                                              sale.points_earned))
        return self.done


# -- labels ----------------------------------------------------------------------------------------
def label(key: str, lang: str, bilingual: bool = False) -> str:
    """``合计`` or ``Total``; ``合计 Total`` (the till's language first) when bilingual. The
    labels are the catalogue's ``display.<key>``, in both languages whatever the till's."""
    first, second = (render(f"display.{key}", lang=lang),
                     render(f"display.{key}", lang="en" if lang.startswith("zh") else "zh"))
    return f"{first} {second}" if bilingual else first


# -- the pole display's two lines -----------------------------------------------------------------
def pole_label(key: str, lang: str) -> str:
    """A pole display's label: one language (20 columns), English in capitals."""
    return label(key, lang).upper()


def pole_lines(view: CustomerView, chinese: bool = True) -> tuple[tuple[str, str], ...]:
    """The two lines of a pole display, each as (left, right): the driver fits them to its 20
    columns, the right part (an amount) whole. ``chinese``: the display has Chinese characters
    (GB18030); else English names, labels, store name and message.

    welcome: the store's name / its message; selling: the last line scanned and its amount /
    the total; done: the total / the change."""
    lang = view.lang if chinese else "en"
    amount = Money.to_decimal_str
    if view.state == "welcome":
        if chinese:
            return (view.store_name, ""), (view.message, "")
        name, message = view.english
        return ((name if name.isascii() else "", ""),
                (message if message.isascii() else "", ""))
    total = (pole_label("total", lang), amount(view.total) if view.total is not None else "")
    if view.state == "done" and view.change is not None:
        return total, (pole_label("change", lang), amount(view.change))
    last = view.last
    if last is None:  # money taken, every line voided
        return total, ("", "")
    name = last.name(lang) if chinese else (last.name_en or last.name_zh)
    if last.qty != "1":  # first: a long name is cut, the quantity is what the customer checks
        name = (f"{last.qty.replace(' ', '')} {name}" if last.qty.endswith("kg")
                else f"{last.qty}x {name}")
    return (name, amount(last.amount)), total
