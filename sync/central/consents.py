"""A member's consents at the central (issue 17, docs/privacy.md).

Each consent is a row of ``member_consents`` (schema v12): the purpose, the version of the
privacy text the customer agreed to, when, through which channel (a store's ``till``, the
``web`` shop, the ``app``, the chain's customer ``service``) and at which store; a withdrawal
fills the row's ``withdrawn_*``. At most one consent per purpose is in force.

- ``membership`` is given by signing up (a till's ``member_signup``, sync/central/loyalty.py):
  no member without it. Withdrawing it ends the membership: the member is erased at once
  (sync/central/erasure.py), through whichever channel it came. The customer still buys, as a
  guest (PIPL art. 16): a till never needs a member to sell.
- ``marketing`` is optional and off unless given: at sign-up (the till's box, off by
  default), later in the web shop or the app. Only a member whose marketing consent is in
  force is in the marketing list (:func:`marketing_list`, ``posclient-central member
  marketing``): the one list of members the central offers for marketing. Withdrawn, the
  member leaves it at once.

Members imported from the chain's earlier systems have no consent recorded here: they are in
no marketing list until they give it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, String, cast, insert, select, update

from sync.central import erasure, members
from sync.central.db import reader
from sync.central.errors import NotFound
from sync.central.feed import Tx, transaction
from sync.central.schema import entity_uniques, member_consents, member_personal
from sync.protocol import MemberConsentPayload, MemberConsents

FETCH = 2_000


@dataclass(frozen=True, slots=True)
class Where:
    """Where a consent was given or withdrawn: the channel, the store, the till's event."""

    channel: str  # till, web, app, service
    store_id: str | None = None
    event_id: UUID | None = None
    via: str = ""  # who asked, for an erasure's record: "till S1/T01", "web", "service"


def give(tx: Tx, member_id: int, purpose: str, version: str, at: datetime,
         where: Where) -> bool:
    """Record a consent given (False: one of this purpose is already in force)."""
    if _in_force(tx.conn, member_id, purpose) is not None:
        return False
    tx.conn.execute(insert(member_consents).values(
        member_id=member_id, purpose=purpose, text_version=version, given_at=_utc(at),
        given_channel=where.channel, given_store_id=where.store_id,
        given_event_id=where.event_id))
    return True


def withdraw(tx: Tx, member_id: int, purpose: str, at: datetime, where: Where) -> bool:
    """Record the withdrawal of the consent in force (False: none was)."""
    row = _in_force(tx.conn, member_id, purpose)
    if row is None:
        return False
    tx.conn.execute(update(member_consents).where(member_consents.c.id == row).values(
        withdrawn_at=_utc(at), withdrawn_channel=where.channel, withdrawn_store_id=where.store_id,
        withdrawn_event_id=where.event_id))
    return True


def _utc(at: datetime) -> datetime:
    """A till's time without a zone is UTC (the protocol sends UTC, ``...Z``)."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _in_force(conn: Connection, member_id: int, purpose: str) -> int | None:
    return conn.scalar(select(member_consents.c.id).where(
        member_consents.c.member_id == member_id, member_consents.c.purpose == purpose,
        member_consents.c.withdrawn_at.is_(None)))


def in_force(conn: Connection, member_id: int) -> set[str]:
    """The purposes the member's consent is in force for."""
    return set(conn.scalars(select(member_consents.c.purpose).where(
        member_consents.c.member_id == member_id, member_consents.c.withdrawn_at.is_(None))))


def change(tx: Tx, member_no: str, purpose: str, action: str, version: str, at: datetime,
           where: Where) -> MemberConsents:
    """A consent given or withdrawn through a channel; withdrawing membership erases the
    member. Raises ``member_unknown`` (404) for a number that is no member's."""
    conn = tx.conn
    member_id = members.id_of(conn, member_no)
    if member_id is None:
        if members.is_erased(conn, member_no):
            return MemberConsents(member_no=member_no, membership=False, marketing=False,
                                  erased=True)
        raise NotFound(f"No member {member_no}.", code="member_unknown")
    if purpose == "membership":  # only withdrawn: the models refuse giving it here
        erasure.erase(tx, member_no, reason="withdrawn", via=where.via or where.channel)
        return MemberConsents(member_no=member_no, membership=False, marketing=False,
                              erased=True)
    if action == "given":
        give(tx, member_id, purpose, version, at, where)
    else:
        withdraw(tx, member_id, purpose, at, where)
    now = in_force(conn, member_id)
    return MemberConsents(member_no=member_no, membership="membership" in now,
                          marketing="marketing" in now)


def change_now(engine: Engine, now: datetime, member_no: str, purpose: str, action: str,
               version: str, where: Where, at: datetime | None = None) -> MemberConsents:
    """:func:`change` in a transaction of its own (the web shop's API, the CLI)."""
    with transaction(engine, now) as tx:
        return change(tx, member_no, purpose, action, version, at or now, where)


def apply_event(tx: Tx, store_id: str, terminal_id: str, event_id: UUID,
                ev: MemberConsentPayload) -> list[tuple[str, str, str, dict[str, Any]]]:
    """A till's ``member_consent`` event. A number that is no member's (erased meanwhile, or
    a sign-up this central refused): a withdrawn membership still erases what the quarantine
    keeps of it; anything else has nothing left to change."""
    where = Where("till", store_id, event_id, via=f"till {store_id}/{terminal_id}")
    if members.id_of(tx.conn, ev.member_no) is not None:
        change(tx, ev.member_no, ev.purpose, ev.action, ev.text_version, ev.at, where)
    elif ev.purpose == "membership":
        erasure.erase(tx, ev.member_no, reason="withdrawn", via=where.via)
    return []


# -- the marketing list --------------------------------------------------------------------------

def marketing_list(engine: Engine) -> Iterator[dict[str, Any]]:
    """The members whose marketing consent is in force, with what a campaign needs (number,
    name, phone) and the consent (version, when, where): read in one database snapshot, a
    batch at a time."""
    number = entity_uniques.alias("n")
    query = (select(number.c.value, member_personal.c.name, member_personal.c.phone,
                    member_consents.c.text_version, member_consents.c.given_at,
                    member_consents.c.given_channel, member_consents.c.given_store_id)
             .select_from(member_consents
                          .join(member_personal,
                                member_personal.c.member_id == member_consents.c.member_id)
                          .join(number, number.c.key == cast(member_consents.c.member_id, String)))
             .where(member_consents.c.purpose == "marketing",
                    member_consents.c.withdrawn_at.is_(None),
                    number.c.entity == "member", number.c.value.like("member\\_no:%",
                                                                     escape="\\"))
             .order_by(member_consents.c.member_id))
    with reader(engine) as conn:
        for value, name, phone, version, at, channel, store in conn.execute(
                query.execution_options(yield_per=FETCH)):
            yield {"member_no": value[len("member_no:"):], "name": name, "phone": phone,
                   "consent_version": version, "consented_at": at.isoformat(),
                   "channel": channel, "store_id": store}

