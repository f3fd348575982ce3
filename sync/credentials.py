"""The terminal's token and the chain's member keys (sync/member_keys.py) live in the OS
keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux desktops), never in
a file of ours.

A headless Linux machine has no keyring backend; then :class:`KeyringUnavailable` says so and
what to do. Tests and CI pass a backend explicitly (a seam, not a global).
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties
from keyring.backends import fail

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
