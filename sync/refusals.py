"""Why the last sync stopped, in the till's language (the status bar, ``posclient status``).

A :class:`sync.errors.SyncError` with a ``code`` is stored with its details
(``sync_state.error_code``/``error_details``); the catalogue's ``sync.<code>`` messages word it
in Chinese or English (posclient/domain/catalogue/refusals.py), without Qt for the command line.
:func:`describe` is :func:`posclient.domain.catalogue.describe_refusal`, kept here while the
window (posclient/ui/widgets.py) and the command line (posclient/cli.py) import it from here.
"""

from __future__ import annotations

from posclient.domain.catalogue import describe_refusal as describe

__all__ = ["describe"]
