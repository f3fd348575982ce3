"""The console till, driven line by line as a cashier (and a scanner) would type."""

from __future__ import annotations

from till_kit import APPLE_PLU, BREAD, MILK

from posclient.app.terminal import Terminal
from posclient.console import run_console
from posclient.devices.payment import SimulatedPaymentTerminal
from posclient.domain.barcode import DEFAULT_SCALE_RULES


def drive(store, clock, lines: list[str], secrets: list[str], lang: str = "en",
          drawer: object = None) -> list[str]:
    said: list[str] = []
    lines_iter, secrets_iter = iter(lines), iter(secrets)

    def ask(prompt: str) -> str:
        try:
            line = next(lines_iter)
        except StopIteration:
            raise EOFError from None
        said.append(prompt + line)
        return line

    term = Terminal(store, clock=clock, payments=SimulatedPaymentTerminal(), drawer=drawer)
    run_console(term, lang, ask=ask, ask_secret=lambda p: next(secrets_iter), say=said.append)
    return said


def test_a_cashier_scans_searches_and_pays_cash(small_store, clock):
    label = DEFAULT_SCALE_RULES[0].encode("21", APPLE_PLU, 500)
    said = drive(small_store, clock,
                 ["1001", MILK, f"{BREAD}*2", label, "rice", "add 1", "cash 100", "quit"],
                 ["1111"])
    text = "\n".join(said)
    assert "Hello 张伟" in text
    assert "Wuchang Rice 5kg" in text
    assert "*** CHANGE" in text
    assert small_store.conn.execute("SELECT total FROM sales").fetchone()[0] == \
        1250 + 1600 + 799 + 5990


def test_a_large_discount_asks_for_a_supervisor_then_applies(small_store, clock):
    said = drive(small_store, clock,
                 ["1001", MILK, "disc 50%", "2001", "total", "cancel", "quit"],
                 ["1111", "2222"])
    text = "\n".join(said)
    assert "needs a supervisor's approval" in text
    assert "TOTAL 6.25" in text


def test_errors_are_shown_and_the_till_carries_on(small_store, clock):
    said = drive(small_store, clock,
                 ["1001", "6901234567893", f"{MILK}*0", "cash 5", MILK, "cash abc", "cash 20",
                  "quit"], ["1111"])
    text = "\n".join(said)
    assert "check digit" in text
    assert "at least 1" in text
    assert "Scan an item first" in text
    assert "is not an amount" in text
    assert small_store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 1


def test_a_chinese_console_shows_a_refusal_in_english_then_in_chinese(small_store, clock):
    said = drive(small_store, clock, ["1001", f"{MILK}*0", "cash abc", "quit"], ["1111"],
                 lang="zh")
    at = said.index("  Quantity must be at least 1")
    assert said[at + 1] == "  数量至少为 1"
    at = said.index("  'abc' is not an amount")
    assert said[at + 1] == "  'abc' 不是有效的金额"


def test_wrong_pin_at_login_is_refused_then_the_right_one_works(small_store, clock):
    said = drive(small_store, clock, ["1001", "1001", "quit"], ["0000", "1111"])
    text = "\n".join(said)
    assert "Wrong staff number or PIN" in text and "Hello 张伟" in text


def test_cash_far_above_due_is_asked_and_an_absurd_amount_refused(small_store, clock):
    said = drive(small_store, clock,
                 ["1001", MILK, "cash 99999999999999", "cash 200", "n", "cash 200", "y",
                  "quit"], ["1111"])
    text = "\n".join(said)
    assert "more than the till accepts (100000000.00 at most)" in text
    assert "Cash not taken." in text
    assert "187.50 change, more than a 100.00 note" in text
    assert small_store.conn.execute("SELECT total, change_given FROM sales").fetchall() == \
        [(1250, 18750)]


class RecordingDrawer:
    """A cash drawer that remembers each kick (a fault when told to)."""

    connected = True

    def __init__(self, fault: OSError | None = None) -> None:
        self.opened = 0
        self.fault = fault

    def open(self) -> None:
        if self.fault is not None:
            raise self.fault
        self.opened += 1


def test_a_cash_sale_opens_the_drawer_a_card_sale_does_not(small_store, clock):
    drawer = RecordingDrawer()
    drive(small_store, clock, ["1001", MILK, "cash 20", MILK, "card", "quit"], ["1111"],
          drawer=drawer)
    assert drawer.opened == 1
    assert small_store.conn.execute("SELECT count(*) FROM sales").fetchone()[0] == 2


def test_a_drawer_fault_is_said_and_the_sale_stays_committed_and_printed(small_store, clock):
    said = drive(small_store, clock, ["1001", MILK, "cash 20", "quit"], ["1111"],
                 drawer=RecordingDrawer(OSError("drawer cable unplugged")))
    text = "\n".join(said)
    assert "Drawer not opened (drawer cable unplugged)" in text
    assert "*** CHANGE 7.50 ***" in text
    assert small_store.conn.execute(
        "SELECT count(*) FROM sales WHERE printed_at IS NOT NULL").fetchone()[0] == 1


def test_members_at_the_console_consent_marketing_and_a_guest_after_refusal(small_store,
                                                                            clock):
    """Signing up asks the customer's consent (refused: a guest sale) and marketing apart
    (default no); a member who ends the membership buys on as a guest, forgotten."""
    import json

    said = drive(small_store, clock, [
        "1001", MILK, "signup 13700001111 王五", "n",  # refused
        "cash 20",
        MILK, "signup 13700001111 王五", "y", "",  # consent, marketing: default no
        "signup 13700002222", "y", "y",  # the next customer says yes to marketing
        "member 13700001111", "withdraw marketing", "withdraw membership", "n",
        "withdraw membership", "y", "member", "cash 20", "member 13700001111", "quit"],
        ["1111"])
    text = "\n".join(said)
    assert "Not signed up: the customer buys as a guest." in text
    assert "Member S001T01M000001 signed up: 王** ****1111." in text
    assert "Member S001T01M000002 signed up: ****2222 (marketing: yes)." in text
    assert "王** ****1111 receives no more marketing." in text
    assert "  Nothing changed." in text
    assert "Membership ended: the customer buys as a guest." in text
    assert "No member on this sale." in text and "No member '****1111'" in text
    conn = small_store.conn
    assert conn.execute("SELECT member_no, member_label FROM sales ORDER BY id").fetchall() \
        == [(None, None), (None, None)]  # both sales a guest's
    signups = [json.loads(p)["marketing"] for p, in conn.execute(
        "SELECT payload FROM outbox WHERE type = 'member_signup' ORDER BY terminal_seq")]
    assert signups == [False, True]
    withdrawn = [json.loads(p)["purpose"] for p, in conn.execute(
        "SELECT payload FROM outbox WHERE type = 'member_consent' ORDER BY terminal_seq")]
    assert withdrawn == ["marketing", "membership"]
