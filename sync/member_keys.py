"""The chain's member keys at a till (issue 17): the phone key and the central's public key that
sign-ups are sealed to (posclient/domain/privacy.py ``MemberKeys``).

The sync engine fetches them (``GET /v1/keys``, :func:`fetch`) once the central has confirmed
the till's token, and keeps them in the OS keyring under the till's own entry
(sync/credentials.py ``TokenStore.save_member_keys``): never in the database or a file of ours,
so a copied till database cannot be searched for a phone number. They never change; a till
moved to another central (another entry) fetches that central's.

Sign-ups made before issue 17 and still waiting to go up carry the phone and the name in plain
text in the outbox: :func:`seal_waiting_signups` seals them to the central (and gives their
till copy the phone's hash) before the engine pushes, the first time it has the keys.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
from pydantic import ValidationError

from posclient.domain.errors import Unavailable
from posclient.domain.privacy import MemberKeys, mask_name, normalise_phone, phone_last4
from posclient.store import members as member_rows
from posclient.store.db import Store
from posclient.store.sync_state import state_get, state_set

from .credentials import KeyringUnavailable, TokenStore
from .faults import network_error, raise_for
from .protocol import TillKeys
from .protocol.members import unb64
from .till_identity import Enrolled, enrolled

log = logging.getLogger(__name__)

UNHASHED = "members_unhashed"  # sync_state: synced with a central before issue 17


def from_wire(keys: TillKeys) -> MemberKeys:
    return MemberKeys(unb64(keys.phone_key), unb64(keys.seal_public_key), keys.key_id)


def load(tokens: TokenStore, me: Enrolled) -> MemberKeys | None:
    """The keys this till keeps in the keyring, or None (not fetched yet, or unreadable)."""
    if me.key is None:
        return None
    text = tokens.load_member_keys(me.key)
    if not text:
        return None
    try:
        return from_wire(TillKeys.model_validate_json(text))
    except (ValidationError, ValueError):
        log.warning("the member keys in the keyring are unreadable: fetched again")
        return None


def fetch(http: httpx.Client, tokens: TokenStore, me: Enrolled) -> MemberKeys | None:
    """Ask the central for the keys and keep them in the keyring; None from a central before
    issue 17 (no ``/v1/keys``: look-ups by phone and sign-ups wait for its upgrade)."""
    try:
        resp = http.get("/v1/keys")
    except httpx.HTTPError as exc:
        raise network_error(exc) from None  # transient, like any request of the cycle
    if resp.status_code == 404:
        return None
    raise_for(resp)
    try:
        wire = TillKeys.model_validate_json(resp.content)
        keys = from_wire(wire)
    except (ValidationError, ValueError):
        log.warning("the central's member keys were malformed: not kept")
        return None
    if me.key is not None:
        try:
            tokens.save_member_keys(me.key, wire.model_dump_json())
        except KeyringUnavailable as exc:  # used in this process; asked again at its next start
            log.warning("the member keys could not be kept in the keyring: %s", exc)
    return keys


def take(store: Store, http: httpx.Client, tokens: TokenStore,
         known: MemberKeys | None) -> MemberKeys | None:
    """In a sync cycle (the token confirmed): the keys, from memory, the keyring or the
    central; then the sign-ups from before issue 17 waiting to go up are sealed with them.

    A central before issue 17 has no keys, and its members come without their phones' hashes:
    the till notes it (``members_unhashed``) and, once the central has been upgraded and gives
    the keys, drops its cursor, so that this cycle's pull takes a new snapshot with them."""
    me = enrolled(store.conn)
    if me is None:
        return known
    keys = known or load(tokens, me) or fetch(http, tokens, me)
    if keys is None:
        if not state_get(store.conn, UNHASHED):
            with store.write() as conn:
                state_set(conn, **{UNHASHED: 1})
        return None
    if state_get(store.conn, UNHASHED):
        log.info("the central now gives the member keys: a new snapshot brings the members' "
                 "phone hashes")
        with store.write() as conn:
            state_set(conn, **{UNHASHED: None, "cursor": None})
    seal_waiting_signups(store, keys)
    return keys


def read(db_path: Path, tokens: TokenStore) -> MemberKeys:
    """The keys this till keeps (any thread); ``member_keys_missing`` when there are none yet
    or the keyring cannot be read."""
    with Store.open(db_path, create=False) as store:
        me = enrolled(store.conn)
    try:
        keys = None if me is None else load(tokens, me)
    except KeyringUnavailable:
        raise Unavailable.of("member_keys_missing.no_keyring") from None
    if keys is None:
        raise Unavailable.of("member_keys_missing.not_yet")
    return keys


def seal_waiting_signups(store: Store, keys: MemberKeys) -> int:
    """Seal the phone and name of sign-ups from before issue 17 still waiting to go up (their
    outbox payload), and give the till's copy the phone's hash. A phone that is not a mobile
    number is dropped (the member keeps its number and points). Returns how many."""
    from .protocol.sealing import seal

    waiting = member_rows.plain_signups(store.conn)
    for seq, text in waiting:
        payload = json.loads(text)
        number = normalise_phone(str(payload.pop("phone")))
        name = str(payload.pop("name", "") or "")
        member_no = str(payload.get("member_no", ""))
        box = seal(keys.seal_public_key, json.dumps({"phone": number, "name": name},
                                                    ensure_ascii=False).encode(),
                   member_no.encode())
        digest = None if number is None else keys.digest(number)
        payload.update(sealed=box.model_dump(mode="json"), phone_hash=digest,
                       phone_last4=None if number is None else phone_last4(number),
                       name_masked=mask_name(name))
        with store.write() as conn:
            member_rows.seal_signup(conn, seq, json.dumps(payload, ensure_ascii=False,
                                                          separators=(",", ":")),
                                    member_no, digest)
    return len(waiting)
