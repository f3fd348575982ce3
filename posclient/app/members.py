"""Members at the till: find one (card, app QR, phone), sign one up, and their points.

Finding (:meth:`Members.find`): a member card's barcode is the member number; the web shop and
the app show a QR code ``MBR:<member_no>`` (posclient/domain/loyalty.py ``member_qr``); an
11-digit number starting with 1 is a phone number, looked up exactly with the ``members_phone``
index (one index probe: this is the path measured by ``member_lookup_p99_ms``).

Signing up (:meth:`Members.sign_up`) works offline. The till makes the member number itself:
``<store_id><terminal_id>M<n:06d>`` (``n`` from the till's gap-free counter ``member``), e.g.
``S001T01M000001``: unique across the chain because store and till ids are, and never a phone
number or a central-made number. The member is written to ``member_signups`` with the
``member_signup`` outbox event in one transaction; the customer collects points at once. The
central creates the member with that same number and its own id, and the member reaches every
till through the feed (``members``), which then takes precedence over the till's sign-up copy.

Points the till may spend (:attr:`MemberView.available`): the central's balance (the member's
``points`` from the feed) minus this till's redemptions (and points taken back by its returns)
the central has not counted yet (``points_pending``). Points this till's sales earned are never
spendable before the central has counted them: an offline till can never let a customer spend
points that a return elsewhere might take back.

A member QR token (``MT1.…``, posclient/domain/member_token.py) is recognised before any other
code and verified offline with the central's public keys (``member_token_keys``). The member is
then the till's own record if it has one; else the token's: number, tier, masked name, and as
balance the points the token says, less this till's redemptions the token cannot have counted
(posclient/store/member_tokens.py ``redeemed_since``). Such a member may redeem at most the
store's ``token_redeem_cap`` points in one sale (posclient/app/tenders.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound
from posclient.domain.loyalty import is_phone, mask_name, mask_phone, parse_member_code
from posclient.domain.member_token import CLOCK_SKEW_S, looks_like_token, verify_token
from posclient.domain.settings import StoreSettings
from posclient.store import audit, member_tokens, outbox
from posclient.store import members as repo
from posclient.store.db import Store
from posclient.store.settings import load_settings
from sync.protocol.clock import new_event_id

from .staff import StaffService, StaffSession


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member as the till shows and uses them."""

    member_no: str
    name: str
    phone: str | None
    tier: str
    balance: int  # the central's balance (0 for a member signed up here, not synced yet)
    pending: int  # this till's redemptions and take-backs the central has not counted (<= 0)
    id: int | None = None  # the central's id; None: signed up here, or known from a token
    active: bool = True
    # Known from a member QR token only (not in this till's database): when it was issued
    # (unix seconds). Its redemptions are capped per sale (LoyaltyRules.token_redeem_cap).
    token_issued_at: int | None = None

    @property
    def from_token(self) -> bool:
        return self.token_issued_at is not None

    @property
    def provisional(self) -> bool:
        return self.id is None and not self.from_token

    @property
    def available(self) -> int:
        """Points this till may let the member spend now (never below zero)."""
        return max(0, self.balance + self.pending)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def label(self) -> str:
        """What the screen and the receipt show: masked name and phone (or the number)."""
        who = " ".join(p for p in (self.masked_name, self.masked_phone) if p)
        return who or self.member_no


class Members:
    """Member look-ups and sign-ups of one till."""

    def __init__(self, store: Store, clock: Clock, settings: StoreSettings | None = None) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings or load_settings(store.conn)

    # -- finding ---------------------------------------------------------------------------------
    def find(self, code: str) -> MemberView:
        """The member a scanned card, an app QR code (a signed token, or ``MBR:<no>``) or a
        typed phone number names.

        Raises ``member_unknown`` (nothing changes), ``member_inactive``, or a token's refusal
        (``member_token_invalid``, ``member_token_expired``).
        """
        found: MemberView | None
        if looks_like_token(code):
            found = self.by_token(code)
        else:
            kind, value = parse_member_code(code)
            found = self.by_phone(value) if kind == "phone" else None
            if found is None:
                found = self.by_no(value)
            if found is None:
                raise NotFound.of("member_unknown", code_text=value)
        if not found.active:
            raise InvalidInput.of("member_inactive", member_no=found.member_no)
        return found

    def by_phone(self, phone: str) -> MemberView | None:
        """Exact phone match through the ``members_phone`` index (then this till's sign-ups)."""
        conn = self.store.conn
        row = repo.member_by_phone(conn, phone)
        if row is not None:
            return self._view(row)
        member_no = repo.signup_no_by_phone(conn, phone)
        return None if member_no is None else self.by_no(member_no)

    def by_no(self, member_no: str) -> MemberView | None:
        conn = self.store.conn
        row = repo.member_by_no(conn, member_no)
        if row is not None:
            return self._view(row)
        signup = repo.signup_by_no(conn, member_no)
        if signup is None:
            return None
        return MemberView(signup.member_no, signup.name, signup.phone, signup.tier, 0,
                          repo.pending_points(conn, signup.member_no))

    def by_token(self, token: str) -> MemberView:
        """The member a genuine token in force names: this till's record if it has one, else
        the token's (module docstring). Raises the token's refusal."""
        conn = self.store.conn
        claims = verify_token(token, member_tokens.token_keys(conn), self.clock.now())
        known = self.by_no(claims.member_no)
        if known is not None:
            return known
        issued = datetime.fromtimestamp(claims.issued_at, UTC)
        since = iso(issued - timedelta(seconds=CLOCK_SKEW_S))  # the till's clock may be behind
        return MemberView(claims.member_no, claims.masked_name, None, claims.tier,
                          claims.points,
                          member_tokens.redeemed_since(conn, claims.member_no, since),
                          token_issued_at=claims.issued_at)

    def refresh(self, member: MemberView) -> MemberView:
        """The member as the till knows them now (after a sync, a sale)."""
        return self.by_no(member.member_no) or member

    def _view(self, row: repo.MemberRow) -> MemberView:
        return MemberView(row.member_no, row.name, row.phone, row.tier, row.points,
                          repo.pending_points(self.store.conn, row.member_no), row.id,
                          row.active)

    # -- signing up ------------------------------------------------------------------------------
    def sign_up(self, staff: StaffService, session: StaffSession, *, phone: str,
                consent: bool, name: str = "") -> MemberView:
        """A new member with the minimum: a phone number, the customer's consent (the version
        of the privacy text and the time are recorded), a name if they give one. One
        transaction with its ``member_signup`` event; works offline."""
        staff.ensure_active(session)
        phone = phone.strip().replace(" ", "").replace("-", "")
        name = name.strip()
        if not consent:
            raise InvalidInput.of("member_consent_required")
        if not is_phone(phone):
            raise InvalidInput.of("member_phone_invalid", phone=phone)
        if len(name) > 100:
            raise InvalidInput.of("member_name_too_long")
        existing = self.by_phone(phone)
        if existing is not None:
            raise InvalidInput.of("member_phone_taken", phone=mask_phone(phone),
                                  member_no=existing.member_no)
        s = self.settings
        now = self.clock.now()
        at = iso(now)
        event_id = new_event_id(self.clock)
        with self.store.write() as conn:
            n = outbox.next_counter(conn, "member")
            member_no = f"{s.store_id}{s.terminal_id}M{n:06d}"
            repo.add_signup(conn, member_no=member_no, event_id=event_id, name=name,
                            phone=phone, consent_version=s.member_consent_version, at=at,
                            staff_id=session.staff.id)
            outbox.append(conn, event_id=event_id, type="member_signup", occurred_at=at,
                          payload={"member_no": member_no, "name": name, "phone": phone,
                                   "tier": "standard", "store_id": s.store_id,
                                   "terminal_id": s.terminal_id, "staff_id": session.staff.id,
                                   "consent_version": s.member_consent_version,
                                   "consented_at": at})
            audit.append(conn, at=at, action="member_signup", staff_id=session.staff.id,
                         detail={"member_no": member_no, "phone": mask_phone(phone)})
        return MemberView(member_no, name, phone, "standard", 0, 0)
