"""The desktop till's composition root (``posclient till``): builds the terminal's printer, the
sync engine, enrolment and the keyring's token store, and hands them to the window through the
ports posclient/app/ports.py defines. The one place where the window and the sync engine meet;
``posclient.app`` and ``posclient.ui`` never import ``sync`` (but its protocol).
"""

from __future__ import annotations

import logging
import sys

from posclient.app.terminal import Terminal
from posclient.config import start_logging
from posclient.store.audit_head import Keying
from posclient.store.sync_state import read_status
from posclient.ui.app import run_till, terminal_language
from sync import enrol
from sync.credentials import KeyringUnavailable, TokenStore
from sync.engine import SyncEngine

log = logging.getLogger(__name__)


def sync_engine(terminal: Terminal) -> tuple[SyncEngine | None, str]:
    """The background sync engine when this till is enrolled, or why there is none."""
    if not read_status(terminal.store.conn).enrolled:
        return None, ""
    tokens = TokenStore()
    try:
        _ = tokens.backend  # a property: raises when there is no usable keyring
    except KeyringUnavailable as exc:
        return None, str(exc)
    assert terminal.store.path is not None
    return SyncEngine(terminal.store.path, tokens=tokens), ""


def run_desktop_till(terminal: Terminal, lang: str | None = None,
                     quit_after: float | None = None) -> int:
    """``posclient till``: the till window with its printer, drawer and sync engine."""
    lang = terminal_language(terminal, lang)
    log_file = start_logging()
    printer = terminal.connect_printer(lang)
    if terminal.store.audit_keying is not Keying.KEYED:  # for IT, in the log (stderr: cli.py)
        log.warning("the audit log is not keyed (%s): posclient doctor",
                    terminal.store.audit_keying.value)
    engine, problem = sync_engine(terminal)
    if problem:
        log.warning("sync is off: %s", problem)
        print(f"Sync is off: {problem}", file=sys.stderr)
    code = run_till(terminal, lang=lang, engine=engine, printer=printer, log_file=log_file,
                    make_engine=lambda: sync_engine(terminal)[0], enrolment=enrol,
                    tokens=TokenStore, quit_after=quit_after)
    if quit_after is not None:
        print(f"The till window was open for {quit_after:g} s and closed (exit {code}).",
              file=sys.stderr)
    return code
