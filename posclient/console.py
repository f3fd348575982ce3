"""The till in a text terminal: scan, search, pay, print, with the same services as the app.

A keyboard-wedge scanner types the code and Enter, so scanning works here as at the desktop
till. Anything that is not a code or a command is a name search. The desktop app (issue 4)
replaces this as the cashier's screen; it stays for servicing and for headless tills.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Protocol

from posclient.app.after_sale import AfterSale
from posclient.app.checkout import Checkout
from posclient.app.lookup import ProductInfo, parse_scan
from posclient.app.members import Members
from posclient.app.ports import MemberDirectoryPort, MemberKeysPort
from posclient.app.staff import Approval, StaffSession
from posclient.app.terminal import Terminal
from posclient.domain.cart import Discount, Measure
from posclient.domain.catalogue import message_for
from posclient.domain.errors import ApprovalRequired, AuthError, InvalidInput, PosError
from posclient.domain.money import Money
from posclient.domain.receipt import render_text
from posclient.domain.tender import TenderNeedsConfirmation
from posclient.store.sync_state import read_status


class MemberCentral(MemberKeysPort, MemberDirectoryPort, Protocol):
    """The chain's member keys and the central's member look-up (the sync engine)."""


HELP = """\
  CODE or CODE*N     scan a barcode / scale label / item number (N = quantity)
  words              search by name (Chinese or English); then: add N [QTY]
  qty LINE N         change a line's quantity        void LINE    void a line
  price LINE P WHY   price override (supervisor)     disc [LINE] 10% | 5.00
  cash AMOUNT        cash handed over                card [AMOUNT]
  credit ACCOUNT [AMOUNT]                            total        show the sale
  suspend [LABEL]    park the sale                   resume [ID]  list / take one back
  cancel             void the whole sale             reprint      last receipt again
  nosale REASON      open the drawer (supervisor)
  member CODE        find the member (card, app code, phone) and attach them; member - removes
  signup PHONE [NAME]  sign a new member up (asks their consent, and marketing: default no)
  withdraw marketing|membership   the sale's member withdraws a consent (membership: erased)
  lock               lock the till                   quit         log out and leave"""


class Console:
    """``member_central``: the chain's member keys and the central's member look-up (the sync
    engine, on an enrolled till; None: the demo key, this till's members only)."""

    def __init__(self, term: Terminal, lang: str, ask: Callable[[str], str],
                 ask_secret: Callable[[str], str], say: Callable[[str], None],
                 member_central: MemberCentral | None = None) -> None:
        self.term = term
        self.member_central = member_central
        self.lang = lang
        self.ask = ask
        self.ask_secret = ask_secret
        self.say = say
        self.hits: list[ProductInfo] = []
        self.last_sale_id: int | None = None
        self.session: StaffSession | None = None
        self.co: Checkout | None = None

    # -- helpers -------------------------------------------------------------------------------
    def refused(self, exc: Exception, end: str = "") -> None:
        """A refusal as the console speaks, in English; on a Chinese till the catalogue's
        Chinese under it."""
        self.say(f"  {exc}{end}")
        translated = message_for(exc, self.lang)
        if translated != str(exc):
            self.say(f"  {translated}")

    def money(self, text: str) -> Money:
        try:
            return Money.parse(text, self.term.settings.currency)
        except ValueError:
            raise InvalidInput.of("amount_invalid", text=text) from None

    def with_approval(self, action: Callable[[Approval | None], object]) -> None:
        try:
            action(None)
        except ApprovalRequired as exc:
            self.refused(exc, ".")
            sid = self.ask("  Supervisor staff number: ").strip()
            if not (sid.isascii() and sid.isdigit()) or len(sid) > 19:
                self.say("  Cancelled.")
                return
            action(Approval(int(sid), self.ask_secret("  Supervisor PIN: ")))

    def show_sale(self) -> None:
        assert self.co is not None
        t = self.co.totals()
        zh = self.lang == "zh"
        for ln in self.co.cart.active_lines:
            pl = t.line(ln.line_id)
            qty = (f"{ln.qty / 1000:.3f}kg" if ln.item.measure is Measure.GRAM
                   else f"x{ln.qty}")
            disc = f"  -{Money(pl.line_discount, t.currency).to_decimal_str()}" \
                if pl.line_discount else ""
            self.say(f"  {ln.line_id:>3}  {ln.item.name('zh' if zh else 'en')}  {qty}  "
                     f"{Money(pl.gross, t.currency).to_decimal_str()}{disc}")
        if t.basket_discount:
            self.say(f"       Sale discount -{t.basket_discount.to_decimal_str()}")
        self.say(f"  TOTAL {t.total.to_decimal_str()} {t.currency}   "
                 f"paid {self.co.payment.paid.to_decimal_str()}   "
                 f"due {max(self.co.payment.due, Money.zero(t.currency)).to_decimal_str()}")

    # -- login ---------------------------------------------------------------------------------
    def login(self) -> bool:
        while True:
            sid = self.ask("Staff number (empty to leave): ").strip()
            if not sid:
                return False
            if not (sid.isascii() and sid.isdigit()) or len(sid) > 19:
                self.say("  A staff number is digits only (at most 19).")
                continue
            try:
                self.session = self.term.staff.login(int(sid), self.ask_secret("PIN: "))
            except AuthError as exc:
                self.refused(exc)
                continue
            self.co = self.term.checkout(self.session)
            self.say(f"Hello {self.session.staff.name} ({self.session.staff.role.value}). "
                     "Scan an item, or type help.")
            return True

    def unlock(self) -> None:
        assert self.session is not None
        while True:
            try:
                self.term.staff.unlock_session(
                    self.session, self.ask_secret(f"Till locked. PIN for "
                                                  f"{self.session.staff.id}: "))
                return
            except AuthError as exc:
                self.refused(exc)

    # -- commands ------------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Run one input line; False when the cashier leaves."""
        assert self.co is not None and self.session is not None
        words = line.split()
        if not words:
            return True
        cmd, args = words[0].lower(), words[1:]
        if cmd in ("quit", "exit"):
            return not self._leave()
        takes = _COMMANDS.get(cmd)
        if takes is not None and takes(args):
            getattr(self, f"_cmd_{cmd}")(args)
        elif all(ch.isdigit() or ch in "*-" for ch in cmd) and len(words) == 1:
            code, qty = parse_scan(cmd)
            self.co.scan(code, qty)
            self.show_sale()
        else:
            self.search(line)
        return True

    def _leave(self) -> bool:
        """Log out, unless a sale is open."""
        assert self.co is not None and self.session is not None
        if not self.co.cart.is_empty:
            self.say("  Finish, suspend or cancel the sale first.")
            return False
        self.term.staff.logout(self.session)
        return True

    def _cmd_help(self, args: list[str]) -> None:
        self.say(HELP)

    def _cmd_total(self, args: list[str]) -> None:
        self.show_sale()

    def _cmd_lock(self, args: list[str]) -> None:
        assert self.session is not None
        self.session.locked = True
        self.unlock()

    def _cmd_add(self, args: list[str]) -> None:
        assert self.co is not None
        n = int(args[0])
        if not 1 <= n <= len(self.hits):
            raise InvalidInput(f"There is no search result {n}", code="usage")
        qty = int(args[1]) if len(args) > 1 and args[1].lstrip("-").isdigit() else 1
        self.co.add_product(self.hits[n - 1].product.id, qty)
        self.show_sale()

    def _cmd_qty(self, args: list[str]) -> None:
        assert self.co is not None
        self.co.set_qty(int(args[0]), int(args[1]))
        self.show_sale()

    def _cmd_void(self, args: list[str]) -> None:
        co = self.co
        assert co is not None
        self.with_approval(lambda a: co.void_line(int(args[0]), a))
        self.show_sale()

    def _cmd_price(self, args: list[str]) -> None:
        co = self.co
        assert co is not None
        price = self.money(args[1])
        reason = " ".join(args[2:]) or "price check"
        self.with_approval(lambda a: co.override_price(int(args[0]), price, reason, a))
        self.show_sale()

    def _cmd_disc(self, args: list[str]) -> None:
        co = self.co
        assert co is not None
        cur = self.term.settings.currency
        if len(args) == 2:
            d = Discount.parse(args[1], cur)
            self.with_approval(lambda a: co.discount_line(int(args[0]), d, a))
        else:
            d = Discount.parse(args[0], cur)
            self.with_approval(lambda a: co.discount_basket(d, a))
        self.show_sale()

    def _cmd_cash(self, args: list[str]) -> None:
        assert self.co is not None
        tendered = self.money(args[0])
        try:
            self.co.pay_cash(tendered)
        except TenderNeedsConfirmation as exc:  # change above the largest note: a typo?
            answer = self.ask(f"  {exc}. Take this cash? [y/N] ").strip().lower()
            if answer not in ("y", "yes", "是"):
                self.say("  Cash not taken.")
                return
            self.co.pay_cash(tendered, confirmed=True)
        self.after_payment()

    def _cmd_card(self, args: list[str]) -> None:
        assert self.co is not None
        self.co.pay_card(self.money(args[0]) if args else None)
        self.after_payment()

    def _cmd_credit(self, args: list[str]) -> None:
        assert self.co is not None
        self.co.pay_store_credit(args[0], self.money(args[1]) if len(args) > 1 else None)
        self.after_payment()

    def _cmd_suspend(self, args: list[str]) -> None:
        assert self.co is not None
        sid = self.co.suspend(" ".join(args))
        self.say(f"  Sale suspended as #{sid}.")

    def _cmd_resume(self, args: list[str]) -> None:
        assert self.co is not None
        if not args:
            for s in self.co.suspended():
                self.say(f"  #{s.id}  {s.suspended_at}  {s.label}  "
                         f"{s.total.to_decimal_str()}")
        else:
            self.co.resume(int(args[0].lstrip("#")))
            self.show_sale()

    def _cmd_nosale(self, args: list[str]) -> None:
        co = self.co
        assert co is not None
        reason = " ".join(args)
        self.with_approval(lambda a: co.no_sale(self.term.drawer, reason, a))
        connected = getattr(self.term.drawer, "connected", True)
        self.say("  Drawer opened." if connected else
                 "  Recorded; no cash drawer is connected to this till.")

    def _cmd_cancel(self, args: list[str]) -> None:
        co = self.co
        assert co is not None
        self.with_approval(lambda a: co.void_sale(a))
        self.say("  Sale voided.")

    def _cmd_reprint(self, args: list[str]) -> None:
        assert self.session is not None
        if self.last_sale_id is None:
            self.say("  No sale yet on this till session.")
        else:
            self.term.receipts.reprint(self.session, self.term.staff, self.last_sale_id,
                                       self.print_receipt, self.lang)

    # -- members (posclient/app/members.py; consents: docs/privacy.md) -------------------------
    def members(self) -> Members:
        assert self.co is not None
        return Members(self.co.store, self.co.clock, self.co.settings,
                       keys=self.member_central, directory=self.member_central)

    def yes(self, question: str) -> bool:
        return self.ask(f"  {question} [y/N] ").strip().lower() in ("y", "yes", "是")

    def _cmd_member(self, args: list[str]) -> None:
        assert self.co is not None
        if args == ["-"]:
            self.co.detach_member()
        elif args:
            self.co.attach_member(self.members().find(" ".join(args)))
        m = self.co.member
        self.say(f"  Member: {m.label} · {m.tier} · {m.available} points" if m is not None
                 else "  No member on this sale.")

    def _cmd_signup(self, args: list[str]) -> None:
        assert self.co is not None and self.session is not None
        version = self.co.settings.member_consent_version
        if not self.yes(f"Does the customer agree to the member terms and the privacy notice "
                        f"(version {version})?"):
            self.say("  Not signed up: the customer buys as a guest.")
            return
        marketing = self.yes("Does the customer also agree to receive marketing?")
        member = self.members().sign_up(self.term.staff, self.session, phone=args[0],
                                        name=" ".join(args[1:]), consent=True,
                                        marketing=marketing)
        self.co.attach_member(member)
        self.say(f"  Member {member.member_no} signed up: {member.label}"
                 f"{' (marketing: yes)' if marketing else ''}.")

    def _cmd_withdraw(self, args: list[str]) -> None:
        co = self.co
        assert co is not None and self.session is not None
        member, purpose = co.member, args[0].lower()
        if member is None:
            self.say("  Attach the member first: member CODE.")
            return
        if purpose == "membership":
            if not self.yes(f"End {member.label}'s membership? Their personal data is erased "
                            "everywhere; their points are lost."):
                self.say("  Nothing changed.")
                return
            co.detach_member()
        self.members().withdraw(self.term.staff, self.session, member, purpose)
        self.say("  Membership ended: the customer buys as a guest." if purpose == "membership"
                 else f"  {member.label} receives no more marketing.")

    def search(self, text: str) -> None:
        self.hits = self.term.lookup.find(text, 10)
        if not self.hits:
            self.say(f"  Nothing found for {text!r}.")
            return
        for i, info in enumerate(self.hits, start=1):
            p = info.product
            name = p.name(self.lang)
            price = info.price.to_decimal_str() if info.price else "no price"
            per = "/kg" if p.measure is Measure.GRAM else ""
            self.say(f"  {i:>2}. {name}  {price}{per}  [{p.sku}]")
        self.say("  add N [QTY] to sell one of these")

    def print_receipt(self, receipt: object) -> None:
        self.say(render_text(receipt, self.lang))  # type: ignore[arg-type]

    def after_payment(self) -> None:
        assert self.co is not None
        if not self.co.payment.is_settled:
            self.say(f"  Still due: {self.co.payment.due.to_decimal_str()}")
            return
        done = self.co.complete()
        self.last_sale_id = done.sale_id
        # the sale is committed whatever the printer or the drawer does
        outcome = AfterSale(self.term.receipts, self.term.drawer).run(
            done, self.print_receipt, self.lang)
        if outcome.drawer_fault is not None:
            self.say(f"  Drawer not opened ({outcome.drawer_fault}).")
        if outcome.print_fault is not None:
            self.say(f"  Receipt not printed ({outcome.print_fault}); reprint it later.")
        self.say(f"  *** CHANGE {done.change.to_decimal_str()} ***   receipt {done.receipt_no}")

    # -- loop ----------------------------------------------------------------------------------
    def run(self) -> int:
        st = self.term.settings
        self.say(f"posclient till · {st.store_name_zh} {st.store_name_en} · {st.store_id}/"
                 f"{st.terminal_id}")
        if not self.login():
            return 0
        while True:
            try:
                line = self.ask("> ")
            except EOFError:
                return 0
            try:
                if not self.handle(line):
                    return 0
            except AuthError as exc:
                if exc.code == "session_locked":
                    self.unlock()
                else:
                    self.refused(exc)
            except PosError as exc:
                self.refused(exc)
            except ValueError:
                self.say("  Numbers expected there; type help for the commands.")


def _any(args: list[str]) -> bool:
    return True


# Each command, and the arguments it needs; a word without them is a name search.
_COMMANDS: dict[str, Callable[[list[str]], bool]] = {
    "help": _any, "total": _any, "lock": _any,
    "add": lambda a: bool(a) and a[0].isdigit(),
    "qty": lambda a: len(a) == 2,
    "void": lambda a: len(a) == 1,
    "price": lambda a: len(a) >= 2,
    "disc": bool, "cash": lambda a: len(a) == 1, "card": _any, "credit": bool,
    "suspend": _any, "resume": _any, "nosale": _any, "cancel": _any, "reprint": _any,
    "member": _any, "signup": bool, "withdraw": lambda a: len(a) == 1,
}


def member_central(term: Terminal, note: Callable[[str], None]) -> MemberCentral | None:
    """The sync engine as the console's member keys and member look-up, on an enrolled till
    with a keyring (as the window's: posclient/till_wiring.py); None: the demo store's keys,
    this till's members only. Loaded only for an enrolled till."""
    if not read_status(term.store.conn).enrolled or term.store.path is None:
        return None
    from sync.credentials import KeyringUnavailable, TokenStore
    from sync.engine import SyncEngine

    tokens = TokenStore()
    try:
        _ = tokens.backend  # a property: raises when there is no usable keyring
    except KeyringUnavailable as exc:
        note(f"Note: no keyring ({exc}): members are found by card and app code only.")
        return None
    return SyncEngine(term.store.path, tokens=tokens)


def run_console(term: Terminal, lang: str = "zh",
                ask: Callable[[str], str] = input,
                ask_secret: Callable[[str], str] = getpass.getpass,
                say: Callable[[str], None] = print,
                member_central: MemberCentral | None = None) -> int:
    return Console(term, lang, ask, ask_secret, say, member_central).run()
