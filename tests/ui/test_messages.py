"""Refusals in the till's language: every error code the services raise has a Chinese message
in the catalogue (or is English-only, with the reason), and the real refusals read the same in
English as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from till_kit import MILK, PINS, RICE
from ui_kit import scan

from posclient.app.checkout import Checkout
from posclient.app.receipts import Receipts
from posclient.app.returns import RefundTender, Returns
from posclient.app.staff import Approval
from posclient.app.terminal import Terminal
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.devices.printer import PrinterConfig, PrinterFault, ReceiptPrinter
from posclient.domain import catalogue
from posclient.domain.barcode import DEFAULT_SCALE_RULES, with_check_digit
from posclient.domain.cart import Discount
from posclient.domain.catalogue import message_for, params
from posclient.domain.errors import PosError
from posclient.domain.money import Money
from posclient.domain.policy import Action, Role
from posclient.ui import fmt, widgets
from posclient.ui.app import install_language
from posclient.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

# Codes the till never shows a cashier, so they stay in English.
ENGLISH_ONLY = {
    "usage": "command line (posclient CLI and text console) only; they speak English",
    "approval_malformed": "command line only (--approve STAFF:PIN)",
    "demo_needs_empty_database": "demo-store builder, a command-line tool",
    "not_a_demo": "posclient demo-pins, a command-line tool",
    "invalid_input": "InvalidInput's default code: raised bare only by the demo-store builder",
    "error": "PosError's default; the printer's 'error' status is raised as code 'offline'",
    "not_found": "NotFound's default code: every raise site names its own code",
    "permission_denied": "PermissionDenied's default code: every raise site names its own",
    "payment_failed": "PaymentError's default code: every raise site names its own code",
    "unavailable": "Unavailable's default code: every raise site names its own code",
}

# The till-side sync modules whose PosErrors reach the window (other tills' suspended sales).
SYNC_SOURCES = ("sync/calls.py", "sync/chain_calls.py", "sync/engine.py", "sync/parked.py")


def raised_ids() -> set[str]:
    """Every catalogue message id a raise site names: ``.of("...")`` in posclient's source and
    SYNC_SOURCES (not the examples in the catalogue's and the errors' docstrings)."""
    found: set[str] = set()
    examples = ROOT / "posclient" / "domain" / "catalogue", ROOT / "posclient" / "domain"
    for path in [*(ROOT / "posclient").rglob("*.py"), *(ROOT / s for s in SYNC_SOURCES)]:
        if path.parent == examples[0] or path == examples[1] / "errors.py":
            continue
        found.update(re.findall(r'\.of\(\s*"([\w.]+)"', path.read_text(encoding="utf-8")))
    return found


def own_text_codes() -> set[str]:
    """The error codes raise sites give with their own English text: ``code="..."`` in
    posclient's source and SYNC_SOURCES."""
    found: set[str] = set()
    for path in [*(ROOT / "posclient").rglob("*.py"), *(ROOT / s for s in SYNC_SOURCES)]:
        found.update(re.findall(r'(?<![\w.])code="(\w+)"', path.read_text(encoding="utf-8")))
    return found


def printer_fault_codes() -> set[str]:
    """The printer's fault codes (``_fault("...")``; it words each by the catalogue's message
    for its kind of connection), and the faults named by the printer's status (paper_out,
    cover_open): PrinterFault's docstring lists its codes."""
    text = (ROOT / "posclient" / "devices" / "printer.py").read_text(encoding="utf-8")
    found = set(re.findall(r'_fault\(\s*"(\w+)"', text))
    listed = re.search(r"Codes: ([\w,\s]+)\.", PrinterFault.__doc__ or "")
    assert listed, "PrinterFault's docstring no longer lists its codes"
    found.update(c.strip() for c in listed.group(1).split(","))
    return found


def raised_codes() -> set[str]:
    """Every error code in posclient's source and SYNC_SOURCES: those given with their own text
    (:func:`own_text_codes`), the codes of the message ids raise sites name (``.of("...")``),
    the printer's faults and the exception classes' defaults (``code = "..."``)."""
    found = own_text_codes() | {catalogue.code_of(i) for i in raised_ids()}
    found |= printer_fault_codes()
    for path in [*(ROOT / "posclient").rglob("*.py"), *(ROOT / s for s in SYNC_SOURCES)]:
        found.update(re.findall(r'(?<![\w.])code = "(\w+)"', path.read_text(encoding="utf-8")))
    return found


# -- every code has a Chinese message ------------------------------------------------------------

ERROR_CODES = {catalogue.code_of(i) for i in catalogue.ERRORS}
REFUSAL_CODES = {i.removeprefix("sync.") for i in catalogue.REFUSALS}


def test_every_raised_code_is_translated_or_english_only_with_a_reason():
    codes = raised_codes()
    assert {"barcode_unknown", "auth_failed", "approval_required", "paper_out",
            "printer_config", "card_declined"} <= codes  # the grep finds them
    # A sync cycle's refusals are worded by the catalogue's sync.* messages.
    missing = sorted(c for c in codes if c not in ERROR_CODES and c not in ENGLISH_ONLY
                     and c not in REFUSAL_CODES)
    assert not missing, f"codes with neither a translated message nor a reason: {missing}"
    assert not set(ENGLISH_ONLY) & ERROR_CODES
    assert all(reason.strip() for reason in ENGLISH_ONLY.values())
    stale = sorted((ERROR_CODES | set(ENGLISH_ONLY)) - codes)
    assert not stale, f"codes no longer raised anywhere: {stale}"


def test_every_message_id_a_raise_site_names_is_in_the_catalogue():
    ids = raised_ids()
    assert {"staff_unknown", "auth_failed"} <= ids  # the grep finds them
    assert not sorted(ids - set(catalogue.ERRORS))


def test_amounts_in_chinese_are_written_as_the_window_writes_them():
    for minor in (0, 5, 1250, -1250, 123456, 100_000_000_01):
        for currency in ("CNY", "USD", "EUR", "JPY", "CHF"):
            m = Money(minor, currency)
            assert params.money_zh(m) == fmt.money(m, "zh_CN"), m


def test_every_role_and_action_has_a_name():
    assert set(params.ROLES) == {r.value for r in Role}
    assert set(params.ACTIONS) == {a.value for a in Action}
    for value, (_zh, name) in params.ACTIONS.items():
        assert name == value.replace("_", " ").capitalize()


def test_no_refusal_the_catalogue_words_is_raised_with_its_own_text():
    """A raise site names its message id; English text at a raise site is left only for the
    codes the till never shows a cashier."""
    assert own_text_codes() & ERROR_CODES == set()


def test_a_converted_refusal_is_shown_by_its_id(chinese):
    exc = PosError.of("auth_failed", max_tries=5, minutes=15)
    assert (exc.code, exc.message_id, exc.details) == ("auth_failed", "auth_failed",
                                                       {"max_tries": 5, "minutes": 15})
    assert str(exc) == ("Wrong staff number or PIN. After 5 wrong PINs in a row a staff number "
                        "is locked for 15 minutes; a manager can unlock it")
    assert message_for(exc, "zh_CN") == (
        "工号或密码错误。连续输错 5 次密码后，工号将被锁定 15 分钟，店长可以解锁")
    assert message_for(exc, "en") == str(exc)


# -- the real refusals ---------------------------------------------------------------------------

def refused(fn: Callable[[], object]) -> PosError:
    with pytest.raises(PosError) as caught:
        fn()
    return caught.value


def cny(minor: int) -> Money:
    return Money(minor, "CNY")


def real_refusals(till, tmp_path: Path) -> dict[str, PosError]:
    """Refusals produced by the real services on the small store, by what they are."""
    out: dict[str, PosError] = {}
    staff = till.staff

    def co(outcomes=()) -> Checkout:
        return Checkout(till.store, staff, staff.login(1001, PINS[1001]), clock=till.clock,
                        payments=SimulatedPaymentTerminal(outcomes))

    # log-in
    out["wrong pin"] = refused(lambda: staff.login(1001, "0000"))
    out["unknown staff"] = refused(lambda: staff.login(9999, "1111"))
    for _ in range(9):
        refused(lambda: staff.login(1002, "0000"))
    out["locked now"] = refused(lambda: staff.login(1002, "0000"))
    out["still locked"] = refused(lambda: staff.login(1002, PINS[1002]))

    # scanning
    c = co()
    unknown = with_check_digit("690000000000")
    out["unknown barcode"] = refused(lambda: c.scan(unknown))
    out["check digit"] = refused(lambda: c.scan(MILK[:-1] + str((int(MILK[-1]) + 1) % 10)))
    out["unknown item number"] = refused(lambda: c.scan("ABC-1"))
    out["not a barcode"] = refused(lambda: c.scan("12345"))
    weight_rule = DEFAULT_SCALE_RULES[0]
    label = weight_rule.encode("21", "99999", 500)
    out["scale label unknown"] = refused(lambda: c.scan(label))
    out["scale label check digit"] = refused(
        lambda: c.scan(label[:-1] + str((int(label[-1]) + 1) % 10)))
    out["inactive"] = refused(lambda: c.add_product(6))
    out["no product"] = refused(lambda: c.add_product(999))
    out["nothing to suspend"] = refused(c.suspend)
    out["pay empty"] = refused(lambda: c.pay_cash(cny(100)))
    out["no suspended sale"] = refused(lambda: c.resume(42))

    # the cart
    c.scan(MILK)
    out["qty too large"] = refused(lambda: c.set_qty(1, 10_000))
    out["no line"] = refused(lambda: c.set_qty(99, 1))
    out["discount malformed"] = refused(lambda: Discount.parse("abc", "CNY"))
    out["discount too large"] = refused(lambda: c.discount_line(1, Discount.amount(100_000)))
    out["approval"] = refused(lambda: c.discount_basket(Discount.percent(2000)))
    out["approver is a cashier"] = refused(
        lambda: c.discount_basket(Discount.percent(2000), Approval(1001, PINS[1001])))
    out["no reason"] = refused(lambda: c.override_price(1, cny(1000), " "))
    out["price too large"] = refused(
        lambda: c.override_price(1, cny(100_000_01), "typo", Approval(2001, PINS[2001])))
    out["drawer with a sale open"] = refused(lambda: c.no_sale(None, "float"))  # type: ignore[arg-type]
    empty = co()
    out["no sale approval"] = refused(lambda: empty.no_sale(None, "float"))  # type: ignore[arg-type]

    # paying
    out["not paid"] = refused(c.complete)
    out["card over due"] = refused(lambda: c.pay_card(cny(99_999)))
    out["no credit account"] = refused(lambda: c.pay_store_credit("GC-0000", cny(100)))
    c.scan(RICE)
    out["credit too low"] = refused(lambda: c.pay_store_credit("GC-1001", cny(5990)))
    out["card declined"] = refused(_scan_then(co(["declined"]), "pay_card"))
    out["card timeout"] = refused(_scan_then(co(["timeout"]), "pay_card"))
    out["cash zero"] = refused(lambda: c.pay_cash(cny(0)))

    # returns
    sold = co()
    sold.scan(MILK)
    sold.pay_cash(cny(10_000))
    receipt_no = sold.complete().receipt_no
    r = Returns(till.store, staff, staff.login(1001, PINS[1001]), clock=till.clock,
                payments=SimulatedPaymentTerminal())
    bought = r.find_local(receipt_no)
    out["return beyond"] = refused(lambda: r.prepare(bought, {1: 2}, reason="faulty"))
    out["return without reason"] = refused(lambda: r.prepare(bought, {1: 1}, reason=" "))
    out["return not here"] = refused(lambda: r.find_local("S009-T09-000001"))
    out["refund too small"] = refused(lambda: r.complete(
        r.prepare(bought, {1: 1}, reason="faulty"), tenders=[RefundTender("cash", cny(1))]))

    # receipts
    receipts = Receipts(till.store, till.clock)
    out["no receipt"] = refused(lambda: receipts.sale_id("T01-000999"))

    # the printer
    out["printer port"] = refused(lambda: PrinterConfig.from_dict(
        {"kind": "network", "host": "10.0.0.5", "port": 70_000}))
    out["printer setting"] = refused(lambda: PrinterConfig.from_dict({"colour": "red"}))
    out["no printer"] = refused(ReceiptPrinter(PrinterConfig()).open_drawer)
    lost = tmp_path / "no-such-folder" / "lp0"
    out["printer file"] = refused(ReceiptPrinter(PrinterConfig(kind="file",
                                                               path=str(lost))).open_drawer)
    return out


def _scan_then(c: Checkout, method: str) -> Callable[[], object]:
    c.scan(MILK)
    return getattr(c, method)


@pytest.fixture
def chinese(qapp):
    translators = install_language(qapp, "zh_CN")
    assert translators, "the zh_CN translation did not load"
    yield translators
    for t in translators:
        QApplication.removeTranslator(t)


EXPECTED_CODES = {
    "wrong pin": "auth_failed", "unknown staff": "auth_failed", "locked now": "auth_failed",
    "still locked": "auth_failed", "unknown barcode": "barcode_unknown",
    "check digit": "barcode_check_digit", "unknown item number": "barcode_unknown",
    "not a barcode": "barcode_malformed", "scale label unknown": "barcode_unknown",
    "scale label check digit": "barcode_check_digit", "inactive": "product_inactive",
    "no product": "product_unknown", "nothing to suspend": "cart_empty",
    "pay empty": "cart_empty", "no suspended sale": "suspended_unknown",
    "qty too large": "qty_too_large", "no line": "line_not_found",
    "discount malformed": "discount_malformed", "discount too large": "discount_too_large",
    "approval": "approval_required", "approver is a cashier": "approver_role",
    "no reason": "reason_required", "price too large": "price_too_large",
    "drawer with a sale open": "cart_not_empty", "no sale approval": "approval_required",
    "not paid": "not_paid", "card over due": "tender_over_due",
    "no credit account": "credit_unknown", "credit too low": "credit_insufficient",
    "card declined": "card_declined", "card timeout": "card_timeout",
    "cash zero": "tender_invalid", "no receipt": "receipt_unknown",
    "return beyond": "return_beyond_returnable", "return without reason": "reason_required",
    "return not here": "purchase_unknown_offline", "refund too small": "approval_required",
    "printer port": "printer_config", "printer setting": "printer_config",
    "no printer": "not_configured", "printer file": "offline",
}


def test_real_refusals_read_as_before_in_english_and_have_their_message(till, tmp_path, qapp):
    refusals = real_refusals(till, tmp_path)
    assert {what: exc.code for what, exc in refusals.items()} == EXPECTED_CODES
    for what, exc in refusals.items():
        assert message_for(exc, "en") == str(exc), what
        assert exc.message_id is not None, f"{what}: no message gives {str(exc)!r}"


def test_real_refusals_in_chinese_keep_their_details(till, tmp_path, chinese):
    refusals = real_refusals(till, tmp_path)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for what, exc in refusals.items():
        zh = message_for(exc, "zh_CN")
        assert zh != str(exc) and cjk.search(zh), f"{what}: {zh!r}"
        for key in ("barcode", "max_tries", "staff_id", "minutes", "account", "sku",
                    "port", "address", "receipt_no", "suspended_id", "line_id"):
            if key in exc.details and exc.details[key] != "":
                assert str(exc.details[key]) in zh, f"{what}: {key} lost in {zh!r}"
    assert message_for(refusals["wrong pin"], "zh_CN") == (
        "工号或密码错误。连续输错 10 次密码后，工号将被锁定 30 分钟，店长可以解锁")
    # a number that is no one's, or locked, reads as a wrong PIN does (issue 17)
    assert {message_for(refusals[what], "zh_CN") for what in (
        "wrong pin", "unknown staff", "locked now", "still locked")} == {
        message_for(refusals["wrong pin"], "zh_CN")}
    assert message_for(refusals["approval"], "zh_CN") == "超额折扣需要主管授权"
    assert message_for(refusals["not paid"], "zh_CN") == "尚欠 ¥12.50"
    assert message_for(refusals["inactive"], "zh_CN") == "停售 商品（100006）已停售"
    assert message_for(refusals["card declined"], "zh_CN") == (
        "银行卡被拒：发卡行拒绝（余额不足）。请顾客换一张卡或改用其他付款方式。")
    assert message_for(refusals["no printer"], "zh_CN") == "本收银机未配置小票打印机。钱箱未打开。"
    assert message_for(refusals["wrong pin"], "en") == str(refusals["wrong pin"])


def test_english_unknown_codes_and_missing_details_give_the_message_unchanged(chinese):
    bare = PosError("Unknown barcode 6900000000008: it is not in this store's catalogue. Check "
                    "the item, or find it by name.", code="barcode_unknown")  # no details
    assert message_for(bare, "zh_CN") == str(bare)
    reworded = PosError("Unknown barcode 1: ask the manager", code="barcode_unknown", barcode="1")
    assert message_for(reworded, "zh_CN") == str(reworded)
    # an error worded at its raise site is shown as it is, whatever its code
    bare = PosError("There is no suspended sale 42", code="suspended_unknown")  # no details
    assert message_for(bare, "zh_CN") == str(bare)
    reworded = PosError("There is no suspended sale 42: ask", code="suspended_unknown",
                        suspended_id=42)
    assert message_for(reworded, "zh_CN") == str(reworded)
    other = PosError("Something new", code="brand_new_code", x=1)
    assert message_for(other, "zh_CN") == "Something new"
    assert message_for(ValueError("plain"), "zh_CN") == "plain"
    known = PosError.of("barcode_empty")
    assert message_for(known, "en") == "Nothing was scanned"
    assert message_for(known, "zh_CN") == "未扫描到任何内容"
    converted = PosError.of("cart_empty.scan_first")  # the text matching of old is gone
    assert message_for(converted, "en") == "Scan an item first"
    assert message_for(converted, "zh_CN") == "请先扫描商品"
    assert message_for(PosError("Scan an item first", code="cart_empty"), "zh_CN") == (
        "Scan an item first")


# -- the till window -------------------------------------------------------------------------------

def chinese_window(qtbot, store, clock) -> MainWindow:
    terminal = Terminal(store, clock=clock, payments=SimulatedPaymentTerminal())
    w = MainWindow(terminal, lang="zh_CN", printer=lambda receipt: None)
    qtbot.addWidget(w)
    w.show()
    return w


def log_in(qtbot, w: MainWindow, staff_id: int, pin: str) -> None:
    page = w.login_page
    qtbot.keyClicks(page.staff_id, str(staff_id))
    qtbot.keyClick(page.staff_id, Qt.Key.Key_Return)
    qtbot.keyClicks(page.pin, pin)
    qtbot.keyClick(page.pin, Qt.Key.Key_Return)


def test_chinese_till_shows_an_unknown_barcode_in_chinese(qtbot, small_store, clock, chinese):
    w = chinese_window(qtbot, small_store, clock)
    log_in(qtbot, w, 1001, PINS[1001])
    assert w.stack.currentWidget() is w.sell_page
    unknown = with_check_digit("690000000000")
    scan(qtbot, w.sell_page.scan_field, unknown)
    assert w.sell_page.message.text() == (f"条码 {unknown} 不在本店商品库中，"
                                          "请核对商品或按名称查找。")
    assert w.sell_page.message.property("error") is True


def test_chinese_till_shows_a_wrong_pin_with_the_lockout_rule(qtbot, small_store, clock,
                                                              chinese):
    w = chinese_window(qtbot, small_store, clock)
    log_in(qtbot, w, 1001, "9999")
    assert w.login_page.error.text() == (
        "工号或密码错误。连续输错 10 次密码后，工号将被锁定 30 分钟，店长可以解锁")
    assert w.stack.currentWidget() is w.login_page


def test_the_approval_dialog_says_why_in_chinese(qtbot, till, chinese):
    c = Checkout(till.store, till.staff, till.staff.login(1001, PINS[1001]), clock=till.clock,
                 payments=SimulatedPaymentTerminal())
    c.scan(MILK)
    asked: list[str] = []
    errors: list[PosError] = []

    def ask(parent, reason: str) -> Approval | None:
        asked.append(reason)
        return Approval(1002, PINS[1002])  # a cashier: refused again

    parent = QWidget()
    qtbot.addWidget(parent)
    widgets.with_approval(parent, lambda a: c.discount_basket(Discount.percent(2000), a),
                          errors.append, ask, lang="zh_CN")
    assert asked == ["超额折扣需要主管授权"]
    assert [e.code for e in errors] == ["approver_role"]
    assert message_for(errors[0], "zh_CN") == "Li Na（1002）是收银员，无权授权此操作：需要主管授权"
