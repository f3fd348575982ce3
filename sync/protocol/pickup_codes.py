"""A web order's pick-up code: the one rule both ends keep it and check it by (issue 17).

The customer gets a short code (4-12 letters and digits; case and spaces do not count). The
central never keeps the code itself: it keeps a salted, slow hash per order, an argon2id PHC
string (``$argon2id$v=19$m=...,t=...,p=...$<salt>$<hash>``) of ``"<order_no>:<CODE>"``
(:func:`pickup_code_phc`). Each order has its own random salt, so two orders with the same
code have different hashes, and a copied till file costs about 20 ms of work per guess per
order instead of nothing. The parameters are the PINs' (posclient/domain/pins.py, OWASP's
argon2id minimum): a till checks one code in about 20 ms.

Orders stored before this carry the old form instead: SHA-256 hex of ``"<order_no>:<CODE>"``
(:func:`pickup_code_sha256`, OrderData ``pickup_code_hash``), which the tills still check; the
central replaces it with the argon2id form when the web shop sends the order's code again.

:data:`MAX_WRONG_CODES` wrong codes in a row lock an order's code: at a till for its offline
check (posclient/store/pickup_codes.py), and at the central for its online check
(``POST /v1/orders/{order_no}/pickup-code``, sync/central/pickup_codes.py).
"""

from __future__ import annotations

import hashlib
import re
from typing import Annotated, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import AfterValidator, Field

from sync.protocol.bounds import ProtocolModel

MAX_WRONG_CODES = 5  # wrong codes in a row before an order's code is locked (till, central)
MAX_CODE_LENGTH = 32  # what a till sends to the central's check (codes are 4-12 characters)
# The central hashes with these; a till verifies whatever parameters the string names, within
# the bounds below (a hash that would take a till seconds or gigabytes is refused on arrival).
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1)
MAX_MEMORY_KIB = 65_536
MAX_TIME_COST = 8
MAX_PARALLELISM = 4
PHC_MAX_LENGTH = 200
_PHC = re.compile(r"\$argon2id\$v=19\$m=(\d{1,7}),t=(\d{1,3}),p=(\d{1,3})"
                  r"\$[A-Za-z0-9+/]{11,64}\$[A-Za-z0-9+/]{16,128}")


def normalize(code: str) -> str:
    """The code as it counts: without spaces, upper case."""
    return "".join(code.split()).upper()


def _secret(order_no: str, code: str) -> str:
    return f"{order_no}:{normalize(code)}"


def pickup_code_phc(order_no: str, code: str) -> str:
    """A new salted argon2id hash of the order's code (a new salt each call)."""
    return _HASHER.hash(_secret(order_no, code))


def pickup_code_sha256(order_no: str, code: str) -> str:
    """The form orders stored before argon2 carry (unsalted SHA-256 hex): checked, never made
    for a new code."""
    return hashlib.sha256(_secret(order_no, code).encode()).hexdigest()


def code_matches(order_no: str, code: str, *, phc: str | None, sha256: str | None) -> bool:
    """Whether ``code`` is the order's: against its argon2id hash when it has one, else
    against the old SHA-256 form. An order with neither matches no code."""
    if phc:
        try:
            return _HASHER.verify(phc, _secret(order_no, code))
        except (VerificationError, InvalidHashError):
            return False
    if sha256:
        return hashlib.sha256(_secret(order_no, code).encode()).hexdigest() == sha256
    return False


def is_current(phc: str) -> bool:
    """Whether a stored hash was made with today's parameters (else a new code's hash is made
    again when the web shop sends the code)."""
    return not _HASHER.check_needs_rehash(phc)


def _bounded_phc(value: str) -> str:
    """An argon2id PHC string whose cost a till can afford (bounded memory, passes, lanes)."""
    m = _PHC.fullmatch(value)
    if m is None:
        raise ValueError("an argon2id PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash)")
    memory, passes, lanes = (int(g) for g in m.groups())
    if not (1 <= lanes <= MAX_PARALLELISM and 8 * lanes <= memory <= MAX_MEMORY_KIB
            and 1 <= passes <= MAX_TIME_COST):
        raise ValueError(f"argon2id parameters beyond what a till checks (m <= "
                         f"{MAX_MEMORY_KIB}, t <= {MAX_TIME_COST}, p <= {MAX_PARALLELISM})")
    return value


PickupCodePhc = Annotated[str, Field(max_length=PHC_MAX_LENGTH), AfterValidator(_bounded_phc)]
PickupCodeSha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class PickupCodeCheck(ProtocolModel):
    """``POST /v1/orders/{order_no}/pickup-code``: the code the customer gave (in the body,
    never in the URL)."""

    code: str = Field(min_length=1, max_length=MAX_CODE_LENGTH)


class PickupCodeAnswer(ProtocolModel):
    """The central's verdict. ``ok``: the order's code (its count of wrong codes starts
    again); ``wrong``: not its code, ``attempts_left`` more before it locks; ``locked``: too
    many wrong codes, this one was not checked (a manager hands the order over without it)."""

    result: Literal["ok", "wrong", "locked"]
    attempts_left: int = Field(ge=0, le=MAX_WRONG_CODES)
