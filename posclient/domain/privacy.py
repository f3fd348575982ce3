"""A member's personal data at a till (issue 17): the one rule both ends use.

A till never keeps a member's phone number or whole name. It keeps:

- the phone's **keyed hash**, :func:`phone_digest`: HMAC-SHA256 with the chain's phone key over
  the normalised number (:func:`normalise_phone`: the 11 digits of a mainland mobile number,
  ``+86``/``0086`` and separators dropped), as 64 hex digits. A look-up by phone at the till
  hashes what the cashier typed and probes one index; the central hashes the same way with the
  same key (sync/central/keys.py), so its records and the tills' agree. Without the key (kept in
  the OS keyring, never in the database) a copied till database cannot be searched for a
  number;
- the **last four digits** (:func:`phone_last4`), which the screen and the receipt show as
  ``****1234`` (:func:`masked_phone`);
- the **masked name** (:func:`mask_name`): the first character and ``**``, whatever the
  name's length.

:data:`DEMO_MEMBER_KEYS` is a fixed key pair, published here, for the demo data of a till that
was never enrolled with a central: fake members only. A central makes its own keys.

Pure: no I/O, no clock, no chance.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

_MOBILE = re.compile(r"^1\d{10}$")
_SEPARATORS = re.compile(r"[\s\-().]")

NAME_MASK = "**"
PHONE_MASK = "****"


def normalise_phone(text: str) -> str | None:
    """The 11 digits of a mainland mobile number as typed or imported (``138 1234 1234``,
    ``+86 138-1234-1234``, ``008613812341234``), or None when ``text`` is not one."""
    compact = _SEPARATORS.sub("", text or "")
    if compact.startswith("+86"):
        compact = compact[3:]
    elif compact.startswith("0086"):
        compact = compact[4:]
    elif len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    return compact if _MOBILE.match(compact) else None


def phone_digest(key: bytes, phone: str) -> str:
    """The keyed hash a till and the central keep for ``phone`` (64 hex digits). Raises
    ValueError for text that is not a mobile number (:func:`normalise_phone`)."""
    number = normalise_phone(phone)
    if number is None:
        raise ValueError("not a mainland mobile number")
    if len(key) < 16:
        raise ValueError("the phone key is too short")
    return hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()


def phone_last4(phone: str) -> str:
    """The last four digits of a mobile number (ValueError for anything else)."""
    number = normalise_phone(phone)
    if number is None:
        raise ValueError("not a mainland mobile number")
    return number[-4:]


def masked_phone(last4: str | None) -> str:
    """What the screen, the receipt and the audit log show of a phone: ``****1234``."""
    return f"{PHONE_MASK}{last4}" if last4 else ""


def mask_name(name: str | None) -> str:
    """``陈小明`` -> ``陈**``, ``Chen Xiaoming`` -> ``C**``: the first character only, the
    length hidden. A name already masked stays as it is."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + NAME_MASK


ADDRESS_SHOWN = 6  # characters of a delivery address the till keeps, for the receipt


def mask_address(address: str | None) -> str:
    """What the till keeps and prints of a delivery address: its first 6 characters and
    ``…`` (``上海市浦东新区…``): enough for the customer to recognise it, not to find them."""
    address = " ".join((address or "").split())
    if not address:
        return ""
    return address[:ADDRESS_SHOWN] + "…"


@dataclass(frozen=True, slots=True)
class MemberKeys:
    """What a till needs of the chain's keys: the phone key (HMAC) and the central's public key
    that sign-ups are sealed to (X25519, sync/protocol/sealing.py), with its id."""

    phone_key: bytes
    seal_public_key: bytes
    key_id: str

    def digest(self, phone: str) -> str:
        return phone_digest(self.phone_key, phone)


# The demo keys (a till never enrolled, its demo data): the phone key is SHA-256 of
# "posclient demo phone key: fake data only"; the public key is X25519's for the private key
# SHA-256("posclient demo seal key: fake data only"). No central holds that private key: a
# demo sign-up uploaded to a real central is refused, never opened.
DEMO_MEMBER_KEYS = MemberKeys(
    phone_key=hashlib.sha256(b"posclient demo phone key: fake data only").digest(),
    seal_public_key=bytes.fromhex(
        "0d1f8a24ad94fa131ad4b2b75d8f0005264018dc78383ef3cdc0659969975a44"),
    key_id="a6f7b3ffd2edf6c3",  # the first 16 hex digits of SHA-256 of the public key
)
