"""The terminal's token lives in the OS keyring (Windows Credential Manager, macOS Keychain,
Secret Service on Linux desktops), never in a file of ours.

A headless Linux machine has no keyring backend; then :class:`KeyringUnavailable` says so and
what to do. Tests and CI pass a backend explicitly (a seam, not a global).
"""

from __future__ import annotations

import contextlib
import os

import keyring
import keyring.backend
import keyring.errors
from jaraco.classes import properties
from keyring.backends import fail

SERVICE = "posclient"


class KeyringUnavailable(RuntimeError):
    """No usable keyring: the token cannot be stored safely."""


def _account(server_url: str, terminal_id: str) -> str:
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

    def save(self, server_url: str, terminal_id: str, token: str) -> None:
        try:
            self.backend.set_password(SERVICE, _account(server_url, terminal_id), token)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring refused to store the token: {exc}") from exc

    def load(self, server_url: str, terminal_id: str) -> str | None:
        try:
            return self.backend.get_password(SERVICE, _account(server_url, terminal_id))
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(f"The keyring could not be read: {exc}") from exc

    def delete(self, server_url: str, terminal_id: str) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            self.backend.delete_password(SERVICE, _account(server_url, terminal_id))


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
