"""The demo store of ``posclient demo-data``: a realistic Chinese supermarket in a new, empty till
database.

The rows come from the generator the central's ``demo-data`` uses too
(posclient/domain/demo_data.py), with the vocabulary of ``resources/demo/*.json`` and a seeded
``random.Random``; posclient/store/demo.py loads them. Here: the vocabulary parsed once per
process, the randomness, and the staff's PINs (random unless given, shown once). The front end
hands in the reader of the vocabulary's documents (posclient/assets.py ``demo_document``).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from posclient.domain import demo_data
from posclient.domain.barcode import MeasureKind
from posclient.domain.demo_data import CHUNK_SIZE, DEMO_STAFF, SAMPLE_EAN13, Chunk
from posclient.domain.demo_vocabulary import PLANS_SEED, Vocabulary, parse_vocabulary
from posclient.domain.errors import InvalidInput
from posclient.domain.pins import hash_pin
from posclient.domain.policy import is_pin_shaped
from posclient.domain.privacy import DEMO_MEMBER_KEYS
from posclient.domain.settings import StoreSettings
from posclient.store.db import Store
from posclient.store.demo import Progress, check_new, load_demo_store
from posclient.store.search import search_text


@dataclass(frozen=True)
class DemoStaff:
    staff_id: int
    name: str
    role: str
    pin: str  # the PIN in clear: shown once, never stored


@dataclass(frozen=True)
class DemoResult:
    products: int
    barcodes: int
    members: int
    weighed: int
    staff: tuple[DemoStaff, ...]
    sample_barcodes: tuple[str, ...]  # EAN-13, UPC-A, EAN-8, a scale label: for README/CLI hints


# One of the vocabulary's JSON documents ("catalogue.json", "people.json"), parsed.
DemoDocuments = Callable[[str], dict[str, Any]]


@cache
def vocabulary(documents: DemoDocuments) -> Vocabulary:
    """The parsed and precomputed vocabulary (once per process for a reader)."""
    return parse_vocabulary(documents("catalogue.json"), documents("people.json"),
                            search_text, random.Random(PLANS_SEED))


def demo_rows(documents: DemoDocuments, products: int, members: int, seed: int | None,
              now: datetime, *, chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """The demo store's rows (:func:`posclient.domain.demo_data.demo_rows`) for ``seed``, or for
    a random seed when None."""
    rng = random.Random(secrets.randbits(64) if seed is None else seed)
    return demo_data.demo_rows(vocabulary(documents), rng, products, members, now,
                               chunk_size=chunk_size)


def _new_pin() -> str:
    while True:
        pin = f"{secrets.randbelow(1_000_000):06d}"
        if len(set(pin)) > 2 and pin not in "0123456789" and pin not in "9876543210":
            return pin


def _staff_pins(pins: dict[int, str] | None) -> dict[int, str]:
    known = {sid for sid, _, _ in DEMO_STAFF}
    pins = dict(pins or {})
    unknown = sorted(set(pins) - known)
    if unknown:
        raise InvalidInput(f"No demo staff member has the number {unknown[0]} "
                           f"(demo staff: {', '.join(str(s) for s in sorted(known))}).")
    for sid, pin in pins.items():
        if not (isinstance(pin, str) and is_pin_shaped(pin)):
            raise InvalidInput(f"The PIN for staff {sid} must be 4 to 6 digits.")
    return {sid: pins.get(sid) or _new_pin() for sid, _, _ in DEMO_STAFF}


def build_demo_store(store: Store, documents: DemoDocuments, *, products: int, members: int,
                     seed: int | None = None, now: datetime, progress: Progress | None = None,
                     pins: dict[int, str] | None = None) -> DemoResult:
    """Fill a new, empty till database with a demo supermarket, in one transaction.

    ``store`` is a :class:`posclient.store.db.Store`; ``documents`` reads the vocabulary. Raises
    :class:`InvalidInput` (nothing changed) if the database already holds products, sales or
    other data. PINs are random unless ``pins`` maps staff ids to PINs; the result carries them
    in clear, to be shown once.
    """
    if products < 1 or members < 0:
        raise InvalidInput("The demo store needs at least one product and no negative members.")
    check_new(store.conn)
    staff_pins = _staff_pins(pins)
    settings = StoreSettings()
    loaded = load_demo_store(
        store.conn, demo_data.for_till(demo_rows(documents, products, members, seed, now),
                                       DEMO_MEMBER_KEYS),
        staff=[(sid, name, role, hash_pin(staff_pins[sid])) for sid, name, role in DEMO_STAFF],
        settings=settings, products=products, members=members,
        report=progress or (lambda stage, done, total: None))
    samples = {"ean13": SAMPLE_EAN13, **loaded.samples}
    sample_codes = [samples[k] for k in ("ean13", "upc", "ean8") if k in samples]
    if loaded.first_plu is not None:
        rule = next(r for r in settings.rules if r.kind is MeasureKind.WEIGHT_G)
        sample_codes.append(rule.encode(rule.prefixes[0], loaded.first_plu, 856))
    return DemoResult(
        products=loaded.products, barcodes=loaded.barcodes, members=loaded.members,
        weighed=loaded.weighed,
        staff=tuple(DemoStaff(sid, name, role, staff_pins[sid]) for sid, name, role in DEMO_STAFF),
        sample_barcodes=tuple(sample_codes),
    )
