"""Money, quantities and times as the till's people read them, in the UI's language."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from posclient.domain.cart import CartLine, Measure
from posclient.domain.money import Money, currency_exponent

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "GBP": "£"}

TENDERS = {"cash": QT_TRANSLATE_NOOP("Tender", "Cash"), "card": QT_TRANSLATE_NOOP("Tender", "Card"),
           "store_credit": QT_TRANSLATE_NOOP("Tender", "Store credit"),
           "web": QT_TRANSLATE_NOOP("Tender", "Paid online"),
           "exchange": QT_TRANSLATE_NOOP("Tender", "Exchange credit"),
           "points": QT_TRANSLATE_NOOP("Tender", "Points")}


def tender(kind: str) -> str:
    """A tender's name in the UI's language (the kind itself when it has none)."""
    return QCoreApplication.translate("Tender", str(TENDERS[kind])) if kind in TENDERS else kind


def locale_for(lang: str) -> QLocale:
    return QLocale(QLocale.Language.Chinese if lang.startswith("zh") else QLocale.Language.English,
                   QLocale.Country.China if lang.startswith("zh")
                   else QLocale.Country.UnitedStates)


def money(m: Money, lang: str = "en", *, symbol: bool = True) -> str:
    """``¥1,234.50``: integer arithmetic only; grouping and decimal point from the locale."""
    loc = locale_for(lang)
    exp = currency_exponent(m.currency)
    whole, frac = divmod(abs(m.minor), 10**exp)
    text = loc.toString(whole)
    if exp:
        text += loc.decimalPoint() + str(frac).rjust(exp, "0")
    sign = "-" if m.minor < 0 else ""
    prefix = SYMBOLS.get(m.currency, m.currency + " ") if symbol else ""
    return f"{sign}{prefix}{text}"


def qty(line: CartLine) -> str:
    if line.fixed_amount is not None:
        return "1"
    if line.item.measure is Measure.GRAM:
        return f"{line.qty // 1000}.{line.qty % 1000:03d} kg"
    return str(line.qty)


def clock_time(when: datetime | None, lang: str = "en") -> str:
    if when is None:
        return "—"
    local = when.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%Y-%m-%d %H:%M")
