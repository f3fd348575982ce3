"""The chain's member keys (issue 17), kept by the central in ``meta`` and made on first need.

- ``phone_key``: 32 random bytes, the HMAC key of a phone's keyed hash
  (posclient/domain/privacy.py ``phone_digest``). The tills get it (``GET /v1/keys``) and keep it
  in their OS keyring, so a till finds a member by phone offline without holding the number.
- ``member_seal_key``: an X25519 private key. Its public key goes to the tills with the phone
  key; a sign-up's phone and name are sealed to it (sync/protocol/sealing.py) and opened here
  only, at ingest.

Both are base64 text in ``meta`` and never change once made (a new phone key would make every
hash at every till useless). They are made by whichever transaction first needs them, with
``INSERT ... ON CONFLICT DO NOTHING`` and a read back in the same transaction: two first uses at
once (two workers, SQLite or PostgreSQL) end with the same key, the one that committed first,
because the second insert waits for the first's row and then does nothing (READ COMMITTED sees
the committed row). A transaction that rolls back takes its key with it, and nothing outside it
saw that key.

The database's backups hold both keys with the members' personal data (member_personal): they
are as sensitive as that data and are kept like it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Connection, select

from sync.central.db import upsert
from sync.central.schema import PHONE_KEY, SEAL_KEY, meta
from sync.protocol.members import b64, key_id, unb64


@dataclass(frozen=True, slots=True)
class CentralKeys:
    phone_key: bytes
    seal_private_key: bytes
    seal_public_key: bytes

    @property
    def key_id(self) -> str:
        return key_id(self.seal_public_key)


def central_keys(conn: Connection) -> CentralKeys:
    """The chain's keys, made now in ``conn``'s transaction if this is their first need."""
    from sync.protocol.sealing import new_private_key, public_key_of

    stored = _read(conn)
    if len(stored) < 2:
        made = {PHONE_KEY: b64(os.urandom(32)), SEAL_KEY: b64(new_private_key())}
        with conn.begin_nested():
            for name, value in made.items():
                if name not in stored:
                    conn.execute(upsert(conn, meta).values(key=name, value=value)
                                 .on_conflict_do_nothing(index_elements=[meta.c.key]))
        stored = _read(conn)
    private = unb64(stored[SEAL_KEY])
    return CentralKeys(unb64(stored[PHONE_KEY]), private, public_key_of(private))


def phone_key(conn: Connection) -> bytes:
    """The phone key alone (made with the other on first need)."""
    return central_keys(conn).phone_key


def _read(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(meta.c.key, meta.c.value)
                             .where(meta.c.key.in_((PHONE_KEY, SEAL_KEY)))).all())
