"""Members at the central (issue 17): their personal data apart, and members per store.

**Personal data.** A member's name and phone number are kept in ``member_personal`` only. The
member's record (``entities``, entity ``member``) is what a till may hold
(:class:`sync.protocol.MemberData`): the masked name, the phone's keyed hash and its last four
digits (posclient/domain/privacy.py, with the chain's phone key: sync/central/keys.py), the
tier, the points, whether it is active. That record is all the feed, the snapshot and the
online look-up ever send. An import or the admin API gives whole records
(:class:`MemberRecord`: the phone a mainland mobile number, ``+86`` and separators allowed);
they are split here.

**Members per store.** A member is on the tills of a store (``member_stores``) when

- it signed up there, or was imported with it as its ``store_id`` (``home``: kept);
- it bought there (a sale or pick-up with the member, reason ``purchase``), or a till of the
  store looked it up online (``lookup``), within the chain's window (:func:`window_days`,
  ``meta.member_store_days``, :data:`DEFAULT_DAYS` unless set with ``posclient-central
  member window``).

**Activity** (``member_activity``, schema v12): a member's latest sign-up, purchase, web order
or look-up (:func:`touch`), which the retention job reads (sync/central/erasure.py). A member
imported or written by the admin counts as active from then until it does any of these.

Every change of a member's record goes into the feed once for each of its stores (the change's
``store_id``), so a store's tills get its members and no one else's, and a store's snapshot
holds its members only (sync/central/snapshot.py). When a purchase or a look-up is older than
the window, :func:`expire` (``posclient-central member expire``) ends the association and the
store's tills get a ``delete`` of the member; a sale or a look-up there later brings it back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import Connection, Engine, String, cast, delete, func, select, update

from posclient.domain.privacy import (
    mask_name,
    masked_phone,
    normalise_phone,
    phone_digest,
    phone_last4,
)
from sync.central import keys
from sync.central.db import among, bulk_insert, chunks, upsert, write_tx
from sync.central.entities import (
    CHUNK,
    RowError,
    WriteReport,
    _check_uniques,
    _existing,
    _Row,
    _write,
    validation_error,
)
from sync.central.feed import PendingChange, Tx, transaction
from sync.central.schema import (
    GLOBAL,
    MEMBER_DAYS_KEY,
    dump_json,
    entities,
    entity_uniques,
    member_activity,
    member_consents,
    member_erasures,
    member_orders,
    member_personal,
    member_stores,
    meta,
    stores,
)
from sync.protocol import BIGINT_MAX, Id, Key, MemberData, Name, StoreId, Word

DEFAULT_DAYS = 365
MAX_DAYS = 3_650
EXPIRE_BATCH = 1_000
ACTIVE_REASONS = ("signup", "purchase", "lookup")  # what keeps a member from retention


class MemberRecord(BaseModel):
    """A member as an import or the admin API gives it: whole, personal data included."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: Id
    member_no: Key
    name: Name = ""
    phone: str | None = Field(default=None, max_length=32)
    tier: Word = "standard"
    points: int = Field(default=0, ge=-BIGINT_MAX, le=BIGINT_MAX)
    active: bool = True
    # The store it belongs to (signed up there): that store's tills keep it.
    store_id: StoreId | None = None

    @field_validator("phone")
    @classmethod
    def _mobile(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        phone = normalise_phone(v)
        if phone is None:
            raise ValueError("not a mainland mobile number (11 digits starting with 1; +86 "
                             "and separators are fine)")
        return phone


def projection(record: MemberRecord, phone_key: bytes) -> MemberData:
    """What the tills get of ``record``."""
    phone = record.phone
    return MemberData(id=record.id, member_no=record.member_no, name=mask_name(record.name),
                      phone_hash=phone_digest(phone_key, phone) if phone else None,
                      phone_last4=phone_last4(phone) if phone else None, tier=record.tier,
                      points=record.points, active=record.active)


# -- writing members -----------------------------------------------------------------------------

def upsert_members(tx: Tx, rows: Iterable[tuple[int, Mapping[str, Any]]], *,
                   ref_name: str = "row", seen: dict[str, int] | None = None,
                   reason: str = "import") -> WriteReport:
    """Validate and write ``(ref, record)`` member rows (sync/central/entities.py
    ``upsert_records`` for members): the record for the tills, the personal data apart, the
    home store's association (``reason``), and a change for each store of each changed
    member. An unchanged record (same projection, name and phone) writes nothing."""
    phone_key = keys.phone_key(tx.conn)
    report = WriteReport()
    seen = {} if seen is None else seen
    batch: list[tuple[int, Mapping[str, Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= CHUNK:
            report.add(_upsert_chunk(tx, batch, phone_key, ref_name, seen, reason))
            batch = []
    if batch:
        report.add(_upsert_chunk(tx, batch, phone_key, ref_name, seen, reason))
    report.rejected.sort(key=lambda e: e.ref)
    return report


def _upsert_chunk(tx: Tx, batch: list[tuple[int, Mapping[str, Any]]], phone_key: bytes,
                  ref_name: str, seen: dict[str, int], reason: str) -> WriteReport:
    report = WriteReport()
    valid, records = _validate(tx, batch, phone_key, ref_name, seen, report)
    existing = _existing(tx, "member", [r.key for r in valid])
    people = _personal(tx.conn, [int(r.key) for r in valid])
    changed = [r for r in valid if existing.get(r.key) != (GLOBAL, r.data)
               or people.get(int(r.key)) != (records[r.key].name, records[r.key].phone)]
    report.unchanged += len(valid) - len(changed)
    kept = {r.key for r in valid} - {r.key for r in changed}  # unchanged: written before
    changed = _check_uniques(tx, "member", changed, ref_name, report)
    if changed:
        _write(tx, "member", changed)
        _write_personal(tx, [records[r.key] for r in changed])
        _activity_from(tx, changed)
    written = kept | {r.key for r in changed}
    added = {r.key: home for r in valid if r.key in written
             and (home := records[r.key].store_id) is not None
             and associate(tx, int(r.key), home, reason, home=True)}
    where = stores_of(tx.conn, [int(r.key) for r in changed])
    for r in changed:
        publish(tx, r.key, r.data, where.get(int(r.key), []))
    for r in valid:
        if r.key in added and r.key in kept:
            publish(tx, r.key, r.data, [added[r.key]])
    report.upserted += len(changed)
    return report


def _validate(tx: Tx, batch: list[tuple[int, Mapping[str, Any]]], phone_key: bytes,
              ref_name: str, seen: dict[str, int], report: WriteReport
              ) -> tuple[list[_Row], dict[str, MemberRecord]]:
    """The batch's valid records, as rows for the entities' writer and as given."""
    records: dict[str, MemberRecord] = {}
    valid: list[_Row] = []
    known_stores = _known_stores(tx.conn, {str(raw.get("store_id")) for _, raw in batch
                                           if isinstance(raw, Mapping) and raw.get("store_id")})
    for ref, raw in batch:
        try:
            rec = MemberRecord.model_validate(raw)
        except ValidationError as exc:
            report.rejected.append(validation_error(ref, exc))
            continue
        key = str(rec.id)
        if key in seen:
            report.rejected.append(RowError(ref, f"member {key} is given twice (first at "
                                                 f"{ref_name} {seen[key]})", "id"))
            continue
        if rec.store_id is not None and rec.store_id not in known_stores:
            report.rejected.append(RowError(ref, f"no store {rec.store_id!r}: create it first",
                                            "store_id"))
            continue
        seen[key] = ref
        data = projection(rec, phone_key).model_dump(mode="json")
        shown = {f"member_no:{rec.member_no}": f"member number {rec.member_no!r}"}
        if data["phone_hash"]:
            shown[f"phone:{data['phone_hash']}"] = (
                f"phone number {masked_phone(data['phone_last4'])}")
        records[key] = rec
        valid.append(_Row(ref, key, GLOBAL, None, dump_json(data), tuple(shown), shown, None))
    return valid, records


def _known_stores(conn: Connection, wanted: set[str]) -> set[str]:
    if not wanted:
        return set()
    return set(conn.scalars(select(stores.c.store_id).where(stores.c.store_id.in_(wanted))))


def _personal(conn: Connection, ids: list[int]) -> dict[int, tuple[str, str | None]]:
    out: dict[int, tuple[str, str | None]] = {}
    for part in chunks(ids, CHUNK):
        for mid, name, phone in conn.execute(
                select(member_personal.c.member_id, member_personal.c.name,
                       member_personal.c.phone)
                .where(among(conn, member_personal.c.member_id, part))):
            out[int(mid)] = (name, phone)
    return out


def _write_personal(tx: Tx, records: Sequence[MemberRecord]) -> None:
    rows = [{"member_id": r.id, "name": r.name, "phone": r.phone, "updated_at": tx.now}
            for r in sorted(records, key=lambda r: r.id)]
    for part in chunks(rows, CHUNK):
        bulk_insert(tx.conn, member_personal, part, conflict=("member_id",), update={
            c: f"excluded.{c}" for c in ("name", "phone", "updated_at")})


def _activity_from(tx: Tx, written: list[_Row]) -> None:
    """A member written here counts as active from now, unless it already has an activity."""
    for part in chunks(sorted(int(r.key) for r in written), CHUNK):
        bulk_insert(tx.conn, member_activity, [{"member_id": i, "last_at": tx.now}
                                               for i in part],
                    conflict=("member_id",), update={})


def touch(tx: Tx, member_id: int) -> None:
    """The member signed up, bought, ordered or was looked up now (``member_activity``)."""
    ins = upsert(tx.conn, member_activity)
    tx.conn.execute(ins.values(member_id=member_id, last_at=tx.now).on_conflict_do_update(
        index_elements=[member_activity.c.member_id], set_={"last_at": ins.excluded.last_at},
        where=member_activity.c.last_at < ins.excluded.last_at))


def id_of(conn: Connection, member_no: str) -> int | None:
    """The id of the member with this number (None: no such member)."""
    key = conn.scalar(select(entity_uniques.c.key).where(
        entity_uniques.c.entity == "member", entity_uniques.c.value == f"member_no:{member_no}"))
    return int(key) if key is not None and str(key).isdigit() else None


def is_erased(conn: Connection, member_no: str) -> bool:
    """Whether the member with this number was erased (sync/central/erasure.py)."""
    return conn.scalar(select(member_erasures.c.member_no).where(
        member_erasures.c.member_no == member_no)) is not None


def update_record(tx: Tx, member: MemberData) -> None:
    """A member's record changed at the central (its points, after a sale): stored, and sent
    to its stores' tills. Its member number and phone do not change here."""
    data = dump_json(member.model_dump(mode="json"))
    tx.conn.execute(update(entities).where(entities.c.entity == "member",
                                           entities.c.key == str(member.id))
                    .values(data=data, updated_at=tx.now))
    publish(tx, str(member.id), data, stores_of(tx.conn, [member.id]).get(member.id, []))


def delete_member(tx: Tx, key: str) -> None:
    """A member removed by the admin: its record, personal data, stores, consents, activity
    and orders' link; its stores' tills get a ``delete``. (An erasure, which also clears what
    the tills printed with its sales and leaves a record, is sync/central/erasure.py.)"""
    conn = tx.conn
    where = stores_of(conn, [int(key)]).get(int(key), []) if key.isdigit() else []
    conn.execute(delete(entities).where(entities.c.entity == "member", entities.c.key == key))
    conn.execute(delete(entity_uniques).where(entity_uniques.c.entity == "member",
                                              entity_uniques.c.key == key))
    if key.isdigit():
        for table in (member_personal, member_stores, member_activity, member_consents,
                      member_orders):
            conn.execute(delete(table).where(table.c.member_id == int(key)))
    for store_id in where:
        tx.emit(PendingChange.delete("member", key, store_id))


# -- members per store ---------------------------------------------------------------------------

def stores_of(conn: Connection, member_ids: Sequence[int]) -> dict[int, list[str]]:
    """The stores whose tills keep each member."""
    out: dict[int, list[str]] = {}
    for part in chunks(sorted(set(member_ids)), CHUNK):
        for mid, store_id in conn.execute(
                select(member_stores.c.member_id, member_stores.c.store_id)
                .where(among(conn, member_stores.c.member_id, part))
                .order_by(member_stores.c.member_id, member_stores.c.store_id)):
            out.setdefault(int(mid), []).append(store_id)
    return out


def publish(tx: Tx, key: str, data: str, store_ids: Iterable[str]) -> None:
    """The member's record to the tills of ``store_ids`` (one change each)."""
    for store_id in store_ids:
        tx.emit(PendingChange.upsert("member", key, store_id, data))


def associate(tx: Tx, member_id: int, store_id: str, reason: str, *,
              home: bool = False) -> bool:
    """The member is on ``store_id``'s tills from now (again, for ``reason``); True when it
    was not before (the caller sends it the member's record). A sign-up, a purchase or a
    look-up is the member's activity (:func:`touch`)."""
    conn = tx.conn
    if reason in ACTIVE_REASONS:
        touch(tx, member_id)
    inserted = conn.execute(
        upsert(conn, member_stores).values(member_id=member_id, store_id=store_id,
                                           home=int(home), reason=reason, last_at=tx.now)
        .on_conflict_do_nothing(index_elements=[member_stores.c.member_id,
                                                member_stores.c.store_id])).rowcount
    if inserted == 1:
        return True
    values: dict[str, Any] = {"reason": reason, "last_at": tx.now}
    if home:
        values["home"] = 1
    conn.execute(update(member_stores).where(member_stores.c.member_id == member_id,
                                             member_stores.c.store_id == store_id)
                 .values(**values))
    return False


def visited(tx: Tx, member: MemberData, store_id: str, reason: str) -> None:
    """The member bought at ``store_id`` or was looked up there: on its tills from now, and
    sent to them if it was not there yet."""
    if associate(tx, member.id, store_id, reason):
        publish(tx, str(member.id), dump_json(member.model_dump(mode="json")), [store_id])


def window_days(conn: Connection) -> int:
    """Days a purchase or a look-up keeps a member on a store's tills (the chain's setting)."""
    value = conn.scalar(select(meta.c.value).where(meta.c.key == MEMBER_DAYS_KEY))
    return int(value) if value and value.isdigit() else DEFAULT_DAYS


def set_window_days(engine: Engine, days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"the window is 1 to {MAX_DAYS} days")
    with write_tx(engine) as conn:
        conn.execute(upsert(conn, meta).values(key=MEMBER_DAYS_KEY, value=str(days))
                     .on_conflict_do_update(index_elements=[meta.c.key],
                                            set_={"value": str(days)}))


def expire(engine: Engine, now: datetime) -> int:
    """End the associations whose purchase or look-up is older than the window (never a
    home store's): each store's tills get a ``delete`` of those members. Returns how many
    ended. In transactions of :data:`EXPIRE_BATCH`; a purchase meanwhile keeps its member."""
    ended = 0
    while True:
        with transaction(engine, now) as tx:
            cutoff = now - timedelta(days=window_days(tx.conn))
            due = tx.conn.execute(
                select(member_stores.c.member_id, member_stores.c.store_id)
                .where(member_stores.c.home == 0, member_stores.c.last_at < cutoff)
                .order_by(member_stores.c.member_id, member_stores.c.store_id)
                .limit(EXPIRE_BATCH)).all()
            for member_id, store_id in due:
                gone = tx.conn.execute(delete(member_stores).where(
                    member_stores.c.member_id == member_id, member_stores.c.store_id == store_id,
                    member_stores.c.home == 0, member_stores.c.last_at < cutoff)).rowcount
                if gone:
                    tx.emit(PendingChange.delete("member", str(member_id), store_id))
                    ended += 1
        if len(due) < EXPIRE_BATCH:
            return ended


# -- reads ---------------------------------------------------------------------------------------

def lookup(tx: Tx, store_id: str, *, phone_hash: str | None = None,
           member_no: str | None = None) -> MemberData | None:
    """A member a till of ``store_id`` asks for by phone hash or number; it is on the store's
    tills from now (reason ``lookup``)."""
    value = f"phone:{phone_hash}" if phone_hash else f"member_no:{member_no}"
    key = tx.conn.scalar(select(entity_uniques.c.key).where(entity_uniques.c.entity == "member",
                                                            entity_uniques.c.value == value))
    raw = None if key is None else tx.conn.scalar(select(entities.c.data).where(
        entities.c.entity == "member", entities.c.key == key))
    if raw is None:
        return None
    member = MemberData.model_validate_json(raw)
    visited(tx, member, store_id, "lookup")
    return member


def store_members_query(store_id: str) -> Any:
    """``(key, data)`` of the members on ``store_id``'s tills (the snapshot's)."""
    return (select(entities.c.key, entities.c.data)
            .select_from(entities.join(member_stores, entities.c.key == cast(
                member_stores.c.member_id, String)))
            .where(entities.c.entity == "member", member_stores.c.store_id == store_id)
            .order_by(member_stores.c.member_id))


def count_store_members(conn: Connection, store_id: str) -> int:
    return int(conn.scalar(select(func.count()).select_from(
        store_members_query(store_id).order_by(None).subquery())) or 0)
