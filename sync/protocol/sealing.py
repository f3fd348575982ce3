"""Sealing a member's phone and name to the central (issue 17): :func:`seal` at the till,
:func:`open_sealed` at the central (:class:`sync.protocol.members.SealedBox`). The till
encrypts to the central's X25519 public key, so the plain phone number and name never rest on
the till, not even in its outbox:

1. a fresh X25519 key pair per box (the ephemeral key ``epk``);
2. the shared secret X25519(ephemeral private, central public), stretched by HKDF-SHA256 with
   salt ``epk || central public key`` and info :data:`SEAL_INFO` into a 32-byte key;
3. ChaCha20-Poly1305 with a random 12-byte nonce over the plaintext, with ``aad`` (a sign-up's
   member number) authenticated: a box cannot be moved to another sign-up.

Only the central, which holds the private key (sync/central/keys.py), can open it; a box that
was altered, or sealed to another key (``key_id``: the first 16 hex digits of SHA-256 of the
public key), does not open (:class:`SealError`).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sync.protocol.members import SealedBox, b64, key_id, unb64

SEAL_INFO = b"posclient sealed member data v1"
MAX_SEALED_BYTES = 2_048  # a phone number and a name of 100 characters, as JSON, and the tag


class SealError(ValueError):
    """A sealed box that does not open with this key (altered, or sealed to another key)."""


def public_key_of(private_key: bytes) -> bytes:
    """The X25519 public key (32 bytes) of a raw private key."""
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes(
        Encoding.Raw, PublicFormat.Raw)


def new_private_key() -> bytes:
    """A new raw X25519 private key (32 bytes)."""
    return os.urandom(32)


def _key(shared: bytes, epk: bytes, public_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk + public_key,
                info=SEAL_INFO).derive(shared)


def seal(public_key: bytes, plaintext: bytes, aad: bytes) -> SealedBox:
    """``plaintext`` sealed to the holder of ``public_key``'s private key, bound to ``aad``."""
    if len(plaintext) > MAX_SEALED_BYTES - 16:
        raise ValueError("too much to seal")
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    nonce = os.urandom(12)
    ct = ChaCha20Poly1305(_key(shared, epk, public_key)).encrypt(nonce, plaintext, aad)
    return SealedBox(key_id=key_id(public_key), epk=b64(epk), nonce=b64(nonce), ct=b64(ct))


def open_sealed(private_key: bytes, box: SealedBox, aad: bytes) -> bytes:
    """The plaintext of ``box``; raises :class:`SealError` unless it was sealed to this key,
    for ``aad``, and not altered since."""
    public_key = public_key_of(private_key)
    if box.key_id != key_id(public_key):
        raise SealError(f"sealed to another key ({box.key_id}), not this central's "
                        f"({key_id(public_key)})")
    try:
        epk, nonce, ct = unb64(box.epk), unb64(box.nonce), unb64(box.ct)
        shared = X25519PrivateKey.from_private_bytes(private_key).exchange(
            X25519PublicKey.from_public_bytes(epk))
        return ChaCha20Poly1305(_key(shared, epk, public_key)).decrypt(nonce, ct, aad)
    except (InvalidTag, ValueError) as exc:
        raise SealError("the sealed data does not open: altered, or not sealed for this "
                        "sign-up") from exc


