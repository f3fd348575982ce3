"""Everything the till says, in Chinese and in English: one catalogue.

A message has an id and a text in each language with ``{name}`` parameters (params.py says how a
parameter is written: an amount, grams as kilograms, a product's name in the language, ...).
:func:`render` writes it for the window, the console, the command line and the receipt; the
catalogue has no Qt, so the command line renders with it as the window does.

An error's message id is its ``code``, or ``code.variant`` when a code has several messages
(``member_code_empty.empty``, ``member_code_empty.qr``). A :class:`posclient.domain.errors.PosError`
made from an id (``NotFound.of("barcode_unknown.scanned", barcode=code)``) carries the id and its
parameters, and its English message is the catalogue's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .audit import AUDIT
from .errors_chain import ERRORS as _CHAIN
from .errors_cli import ERRORS as _CLI
from .errors_devices import ERRORS as _DEVICES
from .errors_member_tokens import ERRORS as _MEMBER_TOKENS
from .errors_sale import ERRORS as _SALE
from .errors_till import ERRORS as _TILL
from .labels import DISPLAY, RECEIPT, REPORT
from .params import Params, is_zh, write
from .refusals import REFUSALS

# What errors say: message id -> (Chinese, English).
ERRORS: dict[str, tuple[str, str]] = {**_SALE, **_TILL, **_DEVICES, **_CLI, **_MEMBER_TOKENS,
                                    **_CHAIN}

MESSAGES: dict[str, tuple[str, str]] = {**ERRORS, **REFUSALS, **AUDIT, **RECEIPT, **REPORT,
                                        **DISPLAY}

_PARAM = re.compile(r"\{(\w+)(?:!(r))?(?::(\w+))?\}")


def has(message_id: str) -> bool:
    return message_id in MESSAGES


def code_of(message_id: str) -> str:
    """The error code a message id belongs to: ``barcode_unknown`` for
    ``barcode_unknown.scanned``."""
    return message_id.partition(".")[0]


def text(message_id: str, lang: str) -> str:
    """The message's text in ``lang`` with its ``{name}`` parameters not filled in."""
    zh, en = MESSAGES[message_id]
    return zh if is_zh(lang) else en


def params_of(template: str) -> set[str]:
    """The names of the parameters a text uses."""
    return {m.group(1) for m in _PARAM.finditer(template)}


def render(message_id: str, params: Params | None = None, lang: str = "en") -> str:
    """The message in ``lang`` ("zh..." for Chinese, else English) with ``params`` filled in.
    KeyError: an unknown id or a missing parameter; TypeError/ValueError: a parameter is not
    what its kind needs."""
    values: Mapping[str, Any] = params or {}
    return _PARAM.sub(lambda m: write(m.group(1), m.group(2) or "", m.group(3) or "", values,
                                      lang),
                      text(message_id, lang)).strip()


def describe_refusal(code: str | None, details: Mapping[str, Any], lang: str) -> str | None:
    """Why the last sync stopped (a ``SyncError``'s ``code`` and details, as the till keeps them)
    in ``lang``: the ``sync.<code>`` message; None for no code or an unknown one (the English
    message is then all there is). A detail missing: the words before it."""
    message_id = f"sync.{code}"
    if not code or not has(message_id):
        return None
    try:
        return render(message_id, details, lang)
    except (KeyError, IndexError, ValueError):
        return text(message_id, lang).split("（")[0].split(" (")[0]


def message_for(exc: object, lang: str) -> str:
    """What to show for ``exc`` in ``lang``: a :class:`PosError` made from a message id in that
    language; any other error (or a raise site that still words its own message) as
    ``str(exc)``. The console and the command line show an error with this."""
    message_id = getattr(exc, "message_id", None)
    if not message_id or not is_zh(lang):
        return str(exc)
    try:
        return render(message_id, getattr(exc, "details", {}), lang)
    except (KeyError, TypeError, ValueError):
        return str(exc)


__all__ = ["AUDIT", "ERRORS", "MESSAGES", "REFUSALS", "code_of", "describe_refusal", "has",
           "is_zh", "message_for", "params_of", "render", "text"]
