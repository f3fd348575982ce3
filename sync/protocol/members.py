"""Members' personal data on the wire (issue 17): the chain's keys a till fetches, the sealed
box a sign-up's phone and name travel in (sealed and opened by sync/protocol/sealing.py, which
alone loads the cryptography library), the online look-up, and the member's consents (given
and withdrawn at a till, in the web shop or the app: docs/privacy.md)."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sync.protocol.bounds import Id, Key, Moment, ProtocolModel, StoreId, TerminalId
from sync.protocol.records import MemberData

B64 = Annotated[str, Field(min_length=1, max_length=4_096, pattern=r"^[A-Za-z0-9+/]+={0,2}$")]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def key_id(public_key: bytes) -> str:
    """The id of a sealing key: the first 16 hex digits of SHA-256 of its public key."""
    return hashlib.sha256(public_key).hexdigest()[:16]


class SealedBox(ProtocolModel):
    """Data only the central can read (sync/protocol/sealing.py)."""

    v: Literal[1] = 1
    key_id: str = Field(min_length=1, max_length=16, pattern=r"^[0-9a-z]+$")
    epk: B64  # the ephemeral X25519 public key
    nonce: B64
    ct: B64  # ChaCha20-Poly1305 ciphertext and tag


class TillKeys(ProtocolModel):
    """``GET /v1/keys``: the chain's member keys a till keeps in its keyring (never in its
    database): the phone key (HMAC-SHA256, posclient/domain/privacy.py) and the public key
    sign-ups are sealed to."""

    phone_key: B64
    seal_public_key: B64
    key_id: str = Field(min_length=1, max_length=16, pattern=r"^[0-9a-z]+$")


class MemberLookupRequest(ProtocolModel):
    """``POST /v1/members/lookup``: a member this till does not hold, by the phone's keyed hash
    or by member number (exactly one). The phone itself never leaves the till."""

    phone_hash: Digest | None = None
    member_no: Key | None = None

    @model_validator(mode="after")
    def _one(self) -> MemberLookupRequest:
        if (self.phone_hash is None) == (self.member_no is None):
            raise ValueError("give exactly one of phone_hash and member_no")
        return self


class MemberLookup(ProtocolModel):
    """The answer: the member as tills keep it (masked name, hash, last four digits, tier,
    points). The member is on this store's tills from now on (its feed)."""

    member: MemberData


# -- consents (docs/privacy.md) -------------------------------------------------------------------

# What a member consents to: ``membership`` (needed to be a member: without it there is no
# member, and withdrawing it erases the member) and ``marketing`` (optional, off unless given).
ConsentPurpose = Literal["membership", "marketing"]
# Where: at a store's till, in the web shop, in the app, or by the chain's customer service
# (``posclient-central member consent``).
ConsentChannel = Literal["till", "web", "app", "service"]
TextVersion = Annotated[str, Field(min_length=1, max_length=64)]


class MemberConsentPayload(ProtocolModel):
    """The payload of a ``member_consent`` event: at a till, maybe offline, a member withdrew
    a consent (or gave marketing consent after signing up). Withdrawing ``membership`` ends
    the membership: the central erases the member (docs/privacy.md), the till forgets the
    member at once and serves the customer as a guest. Membership is given by signing up
    (``member_signup``) only."""

    member_no: Key
    purpose: ConsentPurpose
    action: Literal["given", "withdrawn"]
    text_version: TextVersion  # the privacy text in force at the till (member_consent_version)
    at: Moment
    store_id: StoreId
    terminal_id: TerminalId = ""
    staff_id: Id | None = None

    @model_validator(mode="after")
    def _membership_by_signup(self) -> MemberConsentPayload:
        if self.purpose == "membership" and self.action == "given":
            raise ValueError("membership is given by signing up (member_signup), not here")
        return self


class MemberConsentRequest(ProtocolModel):
    """``POST /v1/member-consents`` (the web shop and the app, with the admin token): the member
    gives or withdraws a consent there. ``at``: when the customer did (default: now)."""

    member_no: Key
    purpose: ConsentPurpose
    action: Literal["given", "withdrawn"]
    text_version: TextVersion
    channel: Literal["web", "app"]
    store_id: StoreId | None = None  # the store the web shop or app acted for, if any
    at: Moment | None = None

    @model_validator(mode="after")
    def _membership_by_signup(self) -> MemberConsentRequest:
        if self.purpose == "membership" and self.action == "given":
            raise ValueError("membership is given by signing up, not here")
        return self


class MemberConsents(ProtocolModel):
    """A member's consents in force after the request. ``erased``: the membership was
    withdrawn, and the member's personal data erased (the number is no one's any more)."""

    member_no: Key
    membership: bool
    marketing: bool
    erased: bool = False
