"""Members at the till: find one (card, app QR, phone), sign one up, and their points.

The till holds no phone number and no whole name (issue 17, posclient/domain/privacy.py): a
member is its number, masked name, the phone's keyed hash and last four digits, tier and
points. The key of the hash is the chain's, kept in the OS keyring (the
:class:`~posclient.app.ports.MemberKeysPort`; a till never enrolled uses the published demo key
for its demo data).

Finding (:meth:`Members.find`): a member card's barcode is the member number; the web shop and
the app show a QR code ``MBR:<member_no>`` (posclient/domain/loyalty.py ``member_qr``); a
mainland mobile number (11 digits from 1) is hashed with the key and looked up exactly with the
``members_phone_hash`` index (one index probe: the path measured by ``member_lookup_p99_ms``).
A till keeps its own store's members only (sync/central/members.py): one it does not hold is
asked of the central (:class:`~posclient.app.ports.MemberDirectoryPort`, the hash or the
number, never the phone), kept, and is on the store's tills from then on. Offline, a member
the till does not hold is ``member_unknown``; past the central's limit on this till's look-ups
(sync/central/lookup_limits.py) it is ``member_lookup_limited``, never "no such member". The
window asks the central on a worker thread (:meth:`Members.find_local`,
:meth:`Members.ask_central`, :meth:`Members.keep_found`).

Signing up (:meth:`Members.sign_up`) works offline. The till makes the member number itself:
``<store_id><terminal_id>M<n:06d>`` (``n`` from the till's gap-free counter ``member``), e.g.
``S001T01M000001``: unique across the chain because store and till ids are, and never a phone
number or a central-made number. The member is written to ``member_signups`` (masked name,
hash, last four digits) with the ``member_signup`` outbox event in one transaction; the phone
and the name go in that event only sealed to the central (sync/protocol/sealing.py), which
alone can read them. The customer collects points at once. The central creates the member
with that same number and its own id, and it reaches the store's tills through the feed
(``members``), which then takes precedence over the till's sign-up copy.

Points the till may spend (:attr:`MemberView.available`): the central's balance (the member's
``points`` from the feed) minus this till's redemptions (and points taken back by its returns)
the central has not counted yet (``points_pending``). Points this till's sales earned are never
spendable before the central has counted them: an offline till can never let a customer spend
points that a return elsewhere might take back.

Consents (issue 17, docs/privacy.md): signing up records the customer's consent to membership
(the privacy text's version, the time, this till's store) and, when they say yes, to marketing
(off unless asked for). A customer who refuses is not signed up and buys as a guest. A member
may withdraw either at the till, offline too (:meth:`Members.withdraw`, a ``member_consent``
event): withdrawing marketing is for the central's marketing list; withdrawing membership ends
it, the till forgets the member at once (posclient/store/members.py ``forget``) and the central
erases them. A member erased at the central is forgotten the same way when the feed says so.

A member QR token (``MT1.…``, posclient/domain/member_token.py) is recognised before any other
code and verified offline with the central's public keys (``member_token_keys``). The member is
then the till's own record if it has one; else the token's: number, tier, masked name, and as
balance the points the token says, less this till's redemptions the token cannot have counted
(posclient/store/member_tokens.py ``redeemed_since``). Such a member may redeem at most the
store's ``token_redeem_cap`` points in one sale (posclient/app/tenders.py). A sale suspended
with such a member keeps the token (``MemberView.token``): resumed here or at another till of
the store, the member is rebuilt from the token, verified again, by the same rule
(:meth:`Members.by_kept_token`), never from anything else the sale's document says.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from posclient.domain.clock import Clock, iso
from posclient.domain.errors import InvalidInput, NotFound, PosError, Unavailable
from posclient.domain.loyalty import parse_member_code
from posclient.domain.member_token import (
    CLOCK_SKEW_S,
    MemberClaims,
    looks_like_token,
    verify_kept_token,
    verify_token,
)
from posclient.domain.privacy import (
    DEMO_MEMBER_KEYS,
    MemberKeys,
    mask_name,
    masked_phone,
    normalise_phone,
    phone_last4,
)
from posclient.domain.settings import StoreSettings
from posclient.store import audit, member_tokens, outbox
from posclient.store import members as repo
from posclient.store.db import Store
from posclient.store.settings import load_settings
from posclient.store.sync_state import state_get
from sync.protocol.clock import new_event_id

from .ports import MemberDirectoryPort, MemberKeysPort
from .staff import StaffService, StaffSession

if TYPE_CHECKING:
    import sqlite3

    from sync.protocol import MemberData


CONSENT_PURPOSES = ("marketing", "membership")  # what a member may withdraw at the till


def chain_keys(conn: sqlite3.Connection, keys: MemberKeysPort | None) -> MemberKeys:
    """The chain's member keys as this till has them (``member_keys_missing`` when it has
    none): the keyring's through ``keys``; without it, the published demo key on a till never
    enrolled (its demo data)."""
    if keys is not None:
        return keys.member_keys()
    if not state_get(conn, "server_url"):
        return DEMO_MEMBER_KEYS
    raise Unavailable.of("member_keys_missing.no_keyring")


@dataclass(frozen=True, slots=True)
class MemberView:
    """A member as the till shows and uses them: never the phone, never the whole name."""

    member_no: str
    masked_name: str
    phone_last4: str | None
    tier: str
    balance: int  # the central's balance (0 for a member signed up here, not synced yet)
    pending: int  # this till's redemptions and take-backs the central has not counted (<= 0)
    id: int | None = None  # the central's id; None: signed up here, or known from a token
    active: bool = True
    # Known from a member QR token only (not in this till's database): when it was issued
    # (unix seconds). Its redemptions are capped per sale (LoyaltyRules.token_redeem_cap).
    token_issued_at: int | None = None
    # ... and the token itself, which a suspended sale keeps to name the member when resumed
    token: str | None = field(default=None, repr=False)

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
    def masked_phone(self) -> str:
        return masked_phone(self.phone_last4)

    @property
    def label(self) -> str:
        """What the screen and the receipt show: masked name and phone (or the number)."""
        who = " ".join(p for p in (self.masked_name, self.masked_phone) if p)
        return who or self.member_no


@dataclass(frozen=True, slots=True)
class CentralQuery:
    """What the till asks the central for a member it does not hold (one of the two)."""

    phone_hash: str | None = None
    member_no: str | None = None
    shown: str = ""  # how the code is named in a message: the number, or ****1234


class Members:
    """Member look-ups and sign-ups of one till. ``keys``: where the chain's member keys are
    (None: the demo key on a till never enrolled); ``directory``: the central, for members
    this till does not hold (None: this till's own only)."""

    def __init__(self, store: Store, clock: Clock, settings: StoreSettings | None = None, *,
                 keys: MemberKeysPort | None = None,
                 directory: MemberDirectoryPort | None = None) -> None:
        self.store = store
        self.clock = clock
        self.settings = settings or load_settings(store.conn)
        self.keys = keys
        self.directory = directory

    def member_keys(self) -> MemberKeys:
        """The chain's keys (``member_keys_missing`` when this till has none)."""
        return chain_keys(self.store.conn, self.keys)

    # -- finding ---------------------------------------------------------------------------------
    def find(self, code: str) -> MemberView:
        """The member a scanned card, an app QR code (a signed token, or ``MBR:<no>``) or a
        typed phone number names: this till's, else the central's when it answers.

        Raises ``member_unknown`` (nothing changes), ``member_inactive``, or a token's refusal
        (``member_token_invalid``, ``member_token_expired``).
        """
        try:
            return self.find_local(code)
        except NotFound:
            query = self.central_query(code)
            if self.directory is None:
                raise
        return self.keep_found(self.ask_central(query))

    def find_local(self, code: str) -> MemberView:
        """The member among this till's own, or the one a genuine member QR token names
        (raises ``member_unknown``, ``member_inactive`` or the token's refusal)."""
        if looks_like_token(code):
            return _active(self.by_token(code))
        kind, value = parse_member_code(code)
        found = None
        if kind == "phone":
            digest = self.member_keys().digest(value)
            found = self._by_phone_hash(digest)
        else:
            found = self.by_no(value)
        if found is None:
            raise NotFound.of("member_unknown", code_text=_shown(kind, value))
        return _active(found)

    def central_query(self, code: str) -> CentralQuery:
        """What to ask the central for the member ``code`` names."""
        kind, value = parse_member_code(code)
        if kind == "phone":
            return CentralQuery(phone_hash=self.member_keys().digest(value),
                                shown=_shown(kind, value))
        return CentralQuery(member_no=value, shown=value)

    def ask_central(self, query: CentralQuery) -> MemberData:
        """The central's answer (any thread: no database). Offline, or unknown to the central
        too: ``member_unknown``. Past the central's limit on this till's look-ups:
        ``member_lookup_limited`` (the member may exist; the till goes on with its own)."""
        if self.directory is None:
            raise NotFound.of("member_unknown", code_text=query.shown)
        try:
            return self.directory.lookup_member(phone_hash=query.phone_hash,
                                                member_no=query.member_no)
        except NotFound:
            raise NotFound.of("member_unknown", code_text=query.shown) from None
        except PosError as exc:  # unreachable, refused: the till knows only its own members
            if exc.code == "member_lookup_limited":
                raise
            raise NotFound.of("member_unknown", code_text=query.shown) from None

    def keep_found(self, member: MemberData) -> MemberView:
        """Keep the member the central answered for (as its feed will), and show it."""
        row = repo.MemberRow(member.id, member.member_no, mask_name(member.name),
                             member.phone_hash, member.phone_last4, member.tier, member.points,
                             member.active)
        with self.store.write() as conn:
            repo.keep_member(conn, row)
        return _active(self._view(row))

    def _by_phone_hash(self, digest: str) -> MemberView | None:
        conn = self.store.conn
        row = repo.member_by_phone_hash(conn, digest)
        if row is not None:
            return self._view(row)
        member_no = repo.signup_no_by_phone_hash(conn, digest)
        return None if member_no is None else self.by_no(member_no)

    def by_no(self, member_no: str) -> MemberView | None:
        conn = self.store.conn
        row = repo.member_by_no(conn, member_no)
        if row is not None:
            return self._view(row)
        signup = repo.signup_by_no(conn, member_no)
        if signup is None:
            return None
        return MemberView(signup.member_no, signup.name_masked, signup.phone_last4 or None,
                          signup.tier, 0, repo.pending_points(conn, signup.member_no))

    def by_token(self, token: str) -> MemberView:
        """The member a genuine token in force names: this till's record if it has one, else
        the token's (module docstring). Raises the token's refusal."""
        claims = verify_token(token, member_tokens.token_keys(self.store.conn),
                              self.clock.now())
        return self._by_claims(claims, token.strip())

    def by_kept_token(self, token: str) -> MemberView | None:
        """The member a token kept with a suspended sale names (the sale resumed here or at
        another till of the store, maybe after the token expired): this till's record if it
        has one, else what the token says, as a fresh token (its points less this till's
        redemptions since it was issued, the cap per sale). None when it is not a genuine token
        of a key this till knows, or the member is no longer active."""
        try:
            claims = verify_kept_token(token, member_tokens.token_keys(self.store.conn))
            return _active(self._by_claims(claims, token.strip()))
        except (InvalidInput, NotFound):  # NotFound: forgotten here meanwhile
            return None

    def _by_claims(self, claims: MemberClaims, token: str) -> MemberView:
        if repo.is_forgotten(self.store.conn, claims.member_no):  # erased, or withdrawn here
            raise NotFound.of("member_unknown", code_text=claims.member_no)
        known = self.by_no(claims.member_no)
        if known is not None:
            return known
        issued = datetime.fromtimestamp(claims.issued_at, UTC)
        since = iso(issued - timedelta(seconds=CLOCK_SKEW_S))  # the till's clock may be behind
        return MemberView(claims.member_no, claims.masked_name, None, claims.tier,
                          claims.points,
                          member_tokens.redeemed_since(self.store.conn, claims.member_no, since),
                          token_issued_at=claims.issued_at, token=token)

    def refresh(self, member: MemberView) -> MemberView:
        """The member as the till knows them now (after a sync, a sale)."""
        return self.by_no(member.member_no) or member

    def _view(self, row: repo.MemberRow) -> MemberView:
        return MemberView(row.member_no, row.name_masked, row.phone_last4, row.tier, row.points,
                          repo.pending_points(self.store.conn, row.member_no), row.id,
                          row.active)

    # -- signing up ------------------------------------------------------------------------------
    def sign_up(self, staff: StaffService, session: StaffSession, *, phone: str,
                consent: bool, name: str = "", marketing: bool = False) -> MemberView:
        """A new member with the minimum: a phone number, the customer's consent (the version
        of the privacy text and the time are recorded), a name if they give one, and their
        consent to marketing if they say yes (``marketing``, off by default). One transaction
        with its ``member_signup`` event (phone and name sealed to the central); works
        offline. Without consent (``member_consent_required``) the customer buys as a
        guest."""
        from sync.protocol.sealing import seal

        staff.ensure_active(session)
        name = name.strip()
        if not consent:
            raise InvalidInput.of("member_consent_required")
        number = normalise_phone(phone)
        if number is None:
            raise InvalidInput.of("member_phone_invalid")
        if len(name) > 100:
            raise InvalidInput.of("member_name_too_long")
        keys = self.member_keys()
        digest, last4 = keys.digest(number), phone_last4(number)
        existing = self._by_phone_hash(digest)
        if existing is not None:
            raise InvalidInput.of("member_phone_taken", phone=masked_phone(last4),
                                  member_no=existing.member_no)
        s = self.settings
        at = iso(self.clock.now())
        event_id = new_event_id(self.clock)
        masked = mask_name(name)
        with self.store.write() as conn:
            n = outbox.next_counter(conn, "member")
            member_no = f"{s.store_id}{s.terminal_id}M{n:06d}"
            sealed = seal(keys.seal_public_key, json.dumps(
                {"phone": number, "name": name}, ensure_ascii=False).encode(),
                member_no.encode())
            repo.add_signup(conn, member_no=member_no, event_id=event_id, name_masked=masked,
                            phone_hash=digest, phone_last4=last4,
                            consent_version=s.member_consent_version, at=at,
                            staff_id=session.staff.id)
            outbox.append(conn, event_id=event_id, type="member_signup", occurred_at=at,
                          payload={"member_no": member_no,
                                   "sealed": sealed.model_dump(mode="json"),
                                   "phone_hash": digest, "phone_last4": last4,
                                   "name_masked": masked, "tier": "standard",
                                   "store_id": s.store_id, "terminal_id": s.terminal_id,
                                   "staff_id": session.staff.id,
                                   "consent_version": s.member_consent_version,
                                   "consented_at": at, "marketing": bool(marketing)})
            audit.append(conn, at=at, action="member_signup", staff_id=session.staff.id,
                         detail={"member_no": member_no, "phone": masked_phone(last4)})
        return MemberView(member_no, masked, last4, "standard", 0, 0)

    # -- consents ------------------------------------------------------------------------------
    def withdraw(self, staff: StaffService, session: StaffSession, member: MemberView,
                 purpose: str) -> None:
        """The member withdraws their consent to ``purpose`` here (works offline): one
        transaction with its ``member_consent`` event and an audit record (the number and the
        purpose, nothing personal). ``membership``: the till forgets the member at once (take
        them off the sale first) and the central erases them; ``marketing``: the central
        takes them off its marketing list."""
        staff.ensure_active(session)
        if purpose not in CONSENT_PURPOSES:
            raise InvalidInput.of("member_consent_purpose", purpose=purpose[:32])
        s = self.settings
        at = iso(self.clock.now())
        event_id = new_event_id(self.clock)
        with self.store.write() as conn:
            outbox.append(conn, event_id=event_id, type="member_consent", occurred_at=at,
                          payload={"member_no": member.member_no, "purpose": purpose,
                                   "action": "withdrawn",
                                   "text_version": s.member_consent_version, "at": at,
                                   "store_id": s.store_id, "terminal_id": s.terminal_id,
                                   "staff_id": session.staff.id})
            audit.append(conn, at=at, action="member_consent", staff_id=session.staff.id,
                         detail={"member_no": member.member_no, "purpose": purpose,
                                 "action": "withdrawn"})
            if purpose == "membership":
                repo.forget(conn, member.member_no, member.id, at, source="till")


def _shown(kind: str, value: str) -> str:
    """A code as a message may show it: a phone as ``****1234``, anything else as typed."""
    return masked_phone(phone_last4(value)) if kind == "phone" else value


def _active(found: MemberView) -> MemberView:
    if not found.active:
        raise InvalidInput.of("member_inactive", member_no=found.member_no)
    return found
