"""Why the last sync stopped, in the till's language (the status bar, ``posclient status``).

A :class:`sync.errors.SyncError` with a ``code`` is stored with its details
(``sync_state.error_code``/``error_details``); :func:`describe` words it in Chinese or English
from the catalogue's ``sync.<code>`` messages (posclient/domain/catalogue/refusals.py), which the
command line reads without Qt as the window does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from posclient.domain.catalogue import has, render, text


def describe(code: str | None, details: Mapping[str, Any], lang: str) -> str | None:
    """The refusal ``code`` in ``lang`` ("zh..." or English); None for no code or an unknown
    one (the English message is then all there is). A detail missing: the words before it."""
    message_id = f"sync.{code}"
    if not code or not has(message_id):
        return None
    try:
        return render(message_id, details, lang)
    except (KeyError, IndexError, ValueError):
        return text(message_id, lang).split("（")[0].split(" (")[0]
