"""The terminal's token lives in the OS keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux desktops), never in a file of ours; so do its audit key (issue 17,
:func:`key_audit`: the secret that keys its audit log, posclient/store/audit_head.py) and the
chain's member keys (issue 17, sync/member_keys.py).

A headless Linux machine has no keyring backend; then :class:`KeyringUnavailable` says so and
what to do. Tests and CI pass a backend explicitly (a seam, not a global).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties
from keyring.backends import fail

from posclient.store import audit_head
from posclient.store.audit_head import AuditKey, Keying
from posclient.store.db import Store

SERVICE = "posclient"


class KeyringUnavailable(RuntimeError):
    """No usable keyring: the token cannot be stored safely."""


@dataclass(frozen=True, slots=True)
class TillKey:
    """Whose token a keyring entry holds: one till database (``database_id``, made by its
    migration 0013) enrolled as ``store_id``/``terminal_id`` at the central ``central_id``.
    Not its address: a till moved to a new address of the same central keeps its entry."""

    central_id: str
    store_id: str
    terminal_id: str
    database_id: str

    @property
    def account(self) -> str:
        return f"{self.store_id}/{self.terminal_id}@{self.central_id}#{self.database_id}"


def legacy_account(server_url: str, terminal_id: str) -> str:
    """The entry's name before issue 14 (terminal and address only: two stores' ``T01`` on one
    machine shared it). Read once, moved to the :class:`TillKey` name, then removed."""
    return f"{terminal_id}@{server_url.rstrip('/')}"


def audit_account(database_id: str) -> str:
    """The keyring entry of a till database's audit key: its own, whatever it is enrolled as
    (enrolling again, or with another central, keeps the key)."""
    return f"audit#{database_id}"


class TokenStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        if self._backend is not None:
            return self._backend
        backend = keyring.get_keyring()
        chosen = bool(os.environ.get("PYTHON_KEYRING_BACKEND"))
        unusable = isinstance(backend, fail.Keyring) or type(backend).__module__ in (
            "keyring.backends.null", "keyring.backends.fail")
        # keyrings.alt's file backends keep secrets in a plain or weakly encrypted file: only
        # when IT chose one on purpose.
        plain_file = type(backend).__module__.startswith("keyrings.alt") and not chosen
        if unusable or plain_file:
            raise KeyringUnavailable(
                "No keyring is available to keep this till's token safe (a headless Linux "
                "machine has none by default). Install and unlock a Secret Service keyring "
                "(e.g. gnome-keyring), or have IT choose one with PYTHON_KEYRING_BACKEND; "
                "posclient never writes the token to a plain file on its own.")
        return backend

    def save(self, key: TillKey, token: str) -> None:
        self._set(key.account, token)

    def load(self, key: TillKey) -> str | None:
        return self._get(key.account)

    def delete(self, key: TillKey) -> None:
        self._delete(key.account)

    def save_member_keys(self, key: TillKey, text: str) -> None:
        """The chain's member keys (sync/member_keys.py), beside the till's token."""
        self._set(f"{key.account}/member-keys", text)

    def load_member_keys(self, key: TillKey) -> str | None:
        return self._get(f"{key.account}/member-keys")

    def load_legacy(self, server_url: str, terminal_id: str) -> str | None:
        """An entry written before issue 14 (see :func:`legacy_account`)."""
        return self._get(legacy_account(server_url, terminal_id))

    def delete_legacy(self, server_url: str, terminal_id: str) -> None:
        self._delete(legacy_account(server_url, terminal_id))

    def save_legacy(self, server_url: str, terminal_id: str, token: str) -> None:
        """What a till before issue 14 wrote (tests of the upgrade only)."""
        self._set(legacy_account(server_url, terminal_id), token)

    def load_audit_key(self, database_id: str) -> str | None:
        return self._get(audit_account(database_id))

    def save_audit_key(self, database_id: str, secret: str) -> None:
        self._set(audit_account(database_id), secret)

    def _set(self, account: str, token: str) -> None:
        try:
            self.backend.set_password(SERVICE, account, token)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring refused to store a secret: {exc}") from exc

    def _get(self, account: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, account)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring could not be read: {exc}") from exc

    def _delete(self, account: str) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self.backend.delete_password(SERVICE, account)


def key_audit(store: Store, tokens: TokenStore, *, make: bool = True) -> Keying:
    """Give ``store`` this till database's audit key from the keyring and say how its audit log
    is keyed. ``make``: when the keyring holds no key and this log was never keyed, make one
    (the first start of a till on a machine with a keyring) and start the head. A log that was
    keyed and whose key is gone is never keyed again with a new key: that is reported
    (``posclient audit verify``). No keyring: the till works on, unkeyed, and says so."""
    database_id = store.database_id()
    made = False
    try:
        key = AuditKey.from_text(tokens.load_audit_key(database_id))
        keyed = key is None and audit_head.was_keyed(store.conn, store.audit_head)
        if key is None and make and not keyed:
            key, made = AuditKey(secrets.token_bytes(audit_head.SECRET_BYTES)), True
            tokens.save_audit_key(database_id, key.text())
    except KeyringUnavailable:
        store.use_audit_key(None, Keying.NO_KEYRING)
        return store.audit_keying
    if key is None:
        store.use_audit_key(None, Keying.KEY_MISSING if keyed else Keying.UNKEYED)
        return store.audit_keying
    if made and store.audit_head is not None:
        audit_head.start(store.conn, key, store.audit_head, database_id)
    store.use_audit_key(key, Keying.KEYED)
    return store.audit_keying


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring kept in this process only: for tests, benchmarks and demos, never a till's
    token store (pass it explicitly: ``TokenStore(MemoryKeyring())``)."""

    @properties.classproperty
    def priority(cls) -> float:
        """Never chosen by keyring itself: a non-viable backend (RuntimeError). With a
        priority, keyring would chain it in front of the plain file backend of a headless
        machine, and a till's token would live in memory only, lost when the program ends."""
        raise RuntimeError("MemoryKeyring is only used when passed explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)
